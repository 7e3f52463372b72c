/*
 * test_queue.c: the per-node inference queue (power_thermal/queue.h).
 *
 * The claim tested hardest is conservation: arrived = served + dropped +
 * waiting holds EXACTLY (==) at every step and cumulatively, over a million
 * random steps that include zero capacity, demand spikes, fractional demand
 * and capacity, and changing limits. The drop policies are checked with hand
 * cases, and Little's law against FIFO waiting times tracked independently
 * in the test, cohort by cohort.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "orbit/odt_defs.h"
#include "power_thermal/queue.h"
#include "power_thermal/rng.h"

static int is_whole(double x)
{
    return x >= 0.0 && x == floor(x);
}

/* 1e6 random steps: every per-step and cumulative identity holds with ==, every count is a whole number. */
Test(queue, conservation_exact_random_steps)
{
    struct odt_queue_params p = odt_queue_params_default();
    struct odt_queue_state q;
    odt_queue_init(&q);
    double sum_a = 0.0, sum_s = 0.0, sum_d = 0.0;
    for (uint64_t k = 0; k < 1000000; ++k) {
        double u[4];
        odt_rng_uniform(7, 3, k, ODT_RNG_STREAM_TEST, u);
        /* demand: mostly around 6e4 tokens per 60 s step, 1 % spikes of up to 1e7, 5 % fractional trickles */
        double arr = 6e4 * 2.0 * u[0];
        if (u[1] < 0.01)
            arr = 1e7 * u[2];
        else if (u[1] < 0.06)
            arr = 3.0 * u[2];
        /* capacity: 10 % of steps with none (restart, eclipse), otherwise a random fraction of 6.18e6/step */
        const double cap = u[3] < 0.1 ? 0.0 : 6.18e6 * u[3] * u[0] * 0.01 + 0.37 * u[2];
        /* the policy changes now and then */
        p.limit_tokens = (k / 1000) % 3 == 0 ? 5e5 : 1e12;
        p.latency_objective_s = (k / 7000) % 2 == 0 ? 30.0 : 0.0;
        const double w0 = q.waiting;
        struct odt_queue_step_out o;
        odt_queue_step(&p, &q, arr, cap, 60.0, &o);
        cr_assert(is_whole(o.arrived) && is_whole(o.served) && is_whole(o.dropped_limit) &&
                      is_whole(o.dropped_latency) && is_whole(o.waiting),
                  "step %llu: a count is not a whole number", (unsigned long long)k);
        cr_assert(w0 + o.arrived == o.served + o.dropped_limit + o.dropped_latency + o.waiting,
                  "step %llu: per-step balance broken", (unsigned long long)k);
        cr_assert(odt_queue_imbalance(&q) == 0.0, "step %llu: cumulative imbalance %g", (unsigned long long)k,
                  odt_queue_imbalance(&q));
        cr_assert(q.waiting == o.waiting);
        cr_assert(o.served <= floor(cap) + 1.0, "served more than the capacity (+ one carried token)");
        sum_a += o.arrived;
        sum_s += o.served;
        sum_d += o.dropped_limit + o.dropped_latency;
    }
    /* the per-step outputs add up to the cumulative counters, exactly */
    cr_expect(sum_a == q.arrived && sum_s == q.served && sum_d == q.dropped);
    cr_expect(q.arrived < ODT_QUEUE_EXACT_MAX);
    cr_expect(q.arrived > 1e9, "the run moved %g tokens", q.arrived);
}

/* Fractional demand and capacity are carried, not lost: 0.25 tokens a step arrive as 1 token every 4 steps. */
Test(queue, carried_fractions)
{
    struct odt_queue_params p = odt_queue_params_default();
    p.latency_objective_s = 0.0;
    struct odt_queue_state q;
    odt_queue_init(&q);
    struct odt_queue_step_out o;
    for (int k = 0; k < 8; ++k)
        odt_queue_step(&p, &q, 0.25, 0.0, 1.0, &o);
    cr_expect_eq(q.arrived, 2.0);
    cr_expect_eq(q.waiting, 2.0);
    cr_expect_eq(q.arrival_carry, 0.0);
    /* capacity 0.5 tokens/step serves one token every other step while there is work */
    odt_queue_step(&p, &q, 0.0, 0.5, 1.0, &o);
    cr_expect_eq(o.served, 0.0);
    odt_queue_step(&p, &q, 0.0, 0.5, 1.0, &o);
    cr_expect_eq(o.served, 1.0);
    /* a long run of 0.3 tokens/step: arrivals within one token of 0.3 N (carry rounding ~1e-16 per step) */
    odt_queue_init(&q);
    for (int k = 0; k < 1000000; ++k)
        odt_queue_step(&p, &q, 0.3, 1.0, 1.0, &o);
    cr_expect(fabs(q.arrived - 300000.0) <= 1.0, "arrived %g", q.arrived);
    /* idle capacity is not banked: an idle server's carry is cleared */
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 0.0, 0.9, 1.0, &o);
    cr_expect_eq(q.capacity_carry, 0.0);
}

/*
 * Zero capacity: nothing is served. With a latency objective every token
 * left would wait forever and is dropped; without one (objective <= 0) the
 * queue fills to its limit and drops only the overflow.
 */
Test(queue, zero_capacity_policy)
{
    struct odt_queue_params p = odt_queue_params_default();
    struct odt_queue_state q;
    struct odt_queue_step_out o;
    odt_queue_init(&q);
    p.limit_tokens = 1000.0;
    p.latency_objective_s = 10.0;
    odt_queue_step(&p, &q, 700.0, 0.0, 60.0, &o);
    cr_expect_eq(o.served, 0.0);
    cr_expect_eq(o.dropped_latency, 700.0);
    cr_expect_eq(o.dropped_limit, 0.0);
    cr_expect_eq(o.waiting, 0.0);

    p.latency_objective_s = 0.0;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 700.0, 0.0, 60.0, &o);
    cr_expect_eq(o.waiting, 700.0);
    cr_expect_eq(o.dropped_limit + o.dropped_latency, 0.0);
    cr_expect(isinf(o.wait_s) && o.wait_s > 0.0, "tokens waiting with no service: infinite wait");
    odt_queue_step(&p, &q, 700.0, 0.0, 60.0, &o);
    cr_expect_eq(o.waiting, 1000.0);
    cr_expect_eq(o.dropped_limit, 400.0);
    cr_expect_eq(o.dropped_latency, 0.0);
    cr_expect_eq(odt_queue_imbalance(&q), 0.0);
}

/*
 * Latency objective: capacity 100 tokens/s over 1 s steps and a 10 s
 * objective keep at most 100 x 10 = 1000 tokens; 5000 arriving at once give
 * 100 served, 1000 waiting, 3900 dropped for latency. With a queue limit of
 * 500 below that, the limit drops first: 4400 for the limit, 0 for latency.
 */
Test(queue, latency_objective_and_limit)
{
    struct odt_queue_params p = odt_queue_params_default();
    struct odt_queue_state q;
    struct odt_queue_step_out o;
    p.latency_objective_s = 10.0;
    p.limit_tokens = 1e12;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 5000.0, 100.0, 1.0, &o);
    cr_expect_eq(o.served, 100.0);
    cr_expect_eq(o.waiting, 1000.0);
    cr_expect_eq(o.dropped_latency, 3900.0);
    cr_expect_eq(o.dropped_limit, 0.0);
    /* the kept queue drains in exactly the objective: 1000 / 100 tokens/s = 10 s */
    cr_expect(o.waiting / (100.0 / 1.0) <= p.latency_objective_s);

    p.limit_tokens = 500.0;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 5000.0, 100.0, 1.0, &o);
    cr_expect_eq(o.served, 100.0);
    cr_expect_eq(o.waiting, 500.0);
    cr_expect_eq(o.dropped_limit, 4400.0);
    cr_expect_eq(o.dropped_latency, 0.0);

    /* capacity halves: the objective now allows 50 x 10 = 500; of 1000 waiting + 0 new, 50 served, 450 kept */
    p.limit_tokens = 1e12;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 1100.0, 100.0, 1.0, &o);
    cr_expect_eq(o.waiting, 1000.0);
    odt_queue_step(&p, &q, 0.0, 50.0, 1.0, &o);
    cr_expect_eq(o.served, 50.0);
    cr_expect_eq(o.waiting, 500.0);
    cr_expect_eq(o.dropped_latency, 450.0);
    cr_expect_eq(odt_queue_imbalance(&q), 0.0);
}

/* dt = 0 is an evaluation, not a step: nothing moves. */
Test(queue, zero_step)
{
    struct odt_queue_params p = odt_queue_params_default();
    struct odt_queue_state q;
    struct odt_queue_step_out o;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 100.0, 10.0, 1.0, &o);
    const struct odt_queue_state before = q;
    odt_queue_step(&p, &q, 1e6, 1e6, 0.0, &o);
    cr_expect(q.waiting == before.waiting && q.arrived == before.arrived && q.served == before.served &&
              q.dropped == before.dropped);
    cr_expect_eq(o.arrived, 0.0);
    cr_expect_eq(o.waiting, before.waiting);
}

/*
 * Little's law on a steady queue: 600 tokens waiting, 100 arriving and 100
 * served per 1-s step: every token waits 6 steps (FIFO), and L / lambda =
 * 600 / 100 tokens/s = 6 s. Latency adds the 2 s service time.
 */
Test(queue, littles_law_steady)
{
    struct odt_queue_params p = odt_queue_params_default();
    p.latency_objective_s = 0.0;
    struct odt_queue_state q;
    struct odt_queue_step_out o;
    odt_queue_init(&q);
    odt_queue_step(&p, &q, 700.0, 100.0, 1.0, &o);
    cr_expect_eq(o.waiting, 600.0);
    for (int k = 0; k < 100; ++k) {
        odt_queue_step(&p, &q, 100.0, 100.0, 1.0, &o);
        cr_assert_eq(o.waiting, 600.0);
        cr_assert(fabs(o.wait_s - 6.0) < 1e-12);
        cr_assert(fabs(o.latency_s - 8.0) < 1e-12);
    }
}

#define NSTEP 200000
#define CAP 1000.0

/*
 * Little's law on a random queue (utilisation 0.8, no drops): the
 * token-weighted mean of wait_s over the run equals the mean FIFO waiting
 * time of the served tokens, which the test tracks cohort by cohort. In
 * whole steps the identity is exact up to the trapezoid's boundary terms:
 *   sum_k wait_k S_k / dt = sum_served (k_out - k_in) + sum_unserved (N - k_in + 1) - R_N / 2;
 * it is checked to 1e-9 relative, and the two means to 1e-3.
 */
Test(queue, littles_law_random)
{
    static double cohort[NSTEP + 1]; /* tokens of each arrival step still waiting */
    struct odt_queue_params p = odt_queue_params_default();
    p.latency_objective_s = 0.0;
    p.limit_tokens = 1e15;
    struct odt_queue_state q;
    struct odt_queue_step_out o;
    odt_queue_init(&q);
    const double dt = 2.0;
    double lhs = 0.0, served_wait_steps = 0.0;
    size_t head = 0;
    for (int k = 1; k <= NSTEP; ++k) {
        double u[4];
        odt_rng_uniform(11, 0, (uint64_t)k, ODT_RNG_STREAM_TEST, u);
        const double a = floor(2.0 * 0.8 * CAP * u[0]); /* mean 0.8 CAP, whole tokens */
        odt_queue_step(&p, &q, a, CAP, dt, &o);
        cr_assert_eq(o.dropped_limit + o.dropped_latency, 0.0);
        cr_assert(o.served == 0.0 || isfinite(o.wait_s));
        lhs += o.wait_s * o.served;
        cohort[k] = a;
        /* FIFO service, oldest cohort first */
        double s = o.served;
        while (s > 0.0) {
            const double take = cohort[head] < s ? cohort[head] : s;
            cohort[head] -= take;
            s -= take;
            served_wait_steps += take * (double)(k - (int)head);
            if (cohort[head] == 0.0 && (int)head < k)
                ++head;
            else if (cohort[head] == 0.0)
                break;
        }
    }
    double unserved = 0.0;
    for (int j = (int)head; j <= NSTEP; ++j)
        unserved += cohort[j] * (double)(NSTEP - j + 1);
    const double rhs = served_wait_steps + unserved - 0.5 * q.waiting;
    cr_expect(fabs(lhs / dt - rhs) <= 1e-9 * rhs, "sum wait S / dt = %.6f, cohort sum = %.6f", lhs / dt, rhs);
    const double mean_little = lhs / q.served, mean_fifo = served_wait_steps * dt / q.served;
    cr_log_info("Little's law: %.6f s, FIFO cohorts: %.6f s", mean_little, mean_fifo);
    cr_expect(fabs(mean_little - mean_fifo) <= 1e-3 * mean_fifo, "Little %.6f s vs FIFO %.6f s", mean_little,
              mean_fifo);
    cr_expect(mean_fifo > 0.1 * dt, "the queue did build up (mean wait %g s)", mean_fifo);
}
