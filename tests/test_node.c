/*
 * test_node.c: the compute node inside the step (kernels/step.h,
 * odt_node_step): requests conserved exactly at every step, a node without
 * power serves nothing and drops by its latency policy, thermal throttling
 * and shutdown, and the capacity accounting against all accelerators at full
 * power. The accelerator, queue and reliability models alone are checked in
 * test_accelerator.c, test_queue.c and test_reliability.c.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "kernels/step.h"

struct rig {
    struct odt_fleet f;
    struct odt_sat_class c;
    struct odt_step_config cfg;
    struct odt_step_input in;
    struct odt_node_state ns;
    struct odt_sat_events ev; /* the node's event slots (satellite 0 of f) */
    double r[3];
};

static void rig_init(struct rig *g)
{
    memset(g, 0, sizeof *g);
    cr_assert_eq(odt_fleet_alloc(&g->f, 1), ODT_OK);
    g->c.node = odt_node_spec_default();
    g->c.queue = odt_queue_params_default();
    g->c.rel = odt_rel_params_default();
    g->c.rel.random_rate_per_yr = g->c.rel.weak_fraction = g->c.rel.sefi_rate_per_day = 0.0;
    g->c.battery.capacity_j = 0.0; /* no storage: the array alone */
    g->c.battery.soc_min = 0.2;
    g->c.battery.soc_max = 0.95;
    g->c.battery.eta_charge = g->c.battery.eta_discharge = 0.95;
    g->cfg.seed = 7;
    g->cfg.dispatch = ODT_DISPATCH_CAPACITY;
    g->in.dt_s = 10.0;
    g->r[0] = 7000.0; /* over the Gulf of Guinea: outside the SAA */
    g->f.accel_working[0] = g->c.node.n_accel;
    g->f.accel_spares[0] = g->c.node.n_spares;
    odt_node_state_load(0, &g->f, &g->ns);
    g->ns.hazard_bound = HUGE_VAL;
}

/* One step with solar power p (W), payload temperature t (K), and `factor` tokens per unit of capacity. */
static double step(struct rig *g, long k, double p_solar, double t_payload, double factor)
{
    g->in.step_index = k;
    g->in.t_s = (double)(k + 1) * g->in.dt_s;
    g->in.demand_factor = factor;
    g->ns.cap_start = g->ns.capacity > 0.0 ? g->ns.capacity : 1.0; /* the dispatch weight of the call */
    return odt_node_step(0, &g->f, &g->c, &g->cfg, &g->in, g->r, &g->c.battery, 0.0, p_solar, t_payload, &g->ns,
                         &g->ev);
}

Test(node, requests_are_conserved_exactly_at_every_step)
{
    struct rig g;
    rig_init(&g);
    unsigned long long lcg = 12345;
    for (long k = 0; k < 20000; ++k) {
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = (double)(lcg >> 11) / 9007199254740992.0;
        /* power swings through eclipse-like zeros; demand from none to three times the capacity */
        const double p = (k / 200) % 3 == 0 ? 0.0 : 1000.0 + 9000.0 * u;
        step(&g, k, p, 300.0, 30.0 * u);
        const struct odt_queue_state *q = &g.ns.queue;
        cr_assert_eq(q->arrived, q->served + q->dropped + q->waiting,
                     "step %ld: arrived %.17g != served %.17g + dropped %.17g + waiting %.17g", k, q->arrived,
                     q->served, q->dropped, q->waiting);
        cr_assert_eq(q->waiting, floor(q->waiting), "whole tokens");
    }
    cr_assert_gt(g.ns.queue.served, 0.0);
    cr_assert_gt(g.ns.queue.dropped, 0.0);
    odt_fleet_free(&g.f);
}

Test(node, no_power_serves_nothing_and_drops_by_the_latency_objective)
{
    struct rig g;
    rig_init(&g);
    step(&g, 0, 10000.0, 300.0, 0.0); /* a capacity to weigh the dispatch by */
    const double cap = g.ns.capacity;
    cr_assert_gt(cap, 0.0);
    double p = 0.0;
    for (long k = 1; k < 100; ++k) {
        g.ns.capacity = cap; /* keep receiving demand as if the dispatcher still saw the node */
        p = step(&g, k, 0.0, 300.0, 5.0);
        cr_assert_eq(g.ns.capacity, 0.0, "no power, no capacity");
        cr_assert_eq(g.ns.served_rate, 0.0);
    }
    cr_assert_eq(p, 0.0, "no power drawn");
    cr_assert_eq(g.ns.queue.served, 0.0);
    /* with no capacity a token would wait forever: past the 10 s objective, all are dropped */
    cr_assert_eq(g.ns.queue.waiting, 0.0);
    cr_assert_eq(g.ns.queue.dropped, g.ns.queue.arrived);
    cr_assert_gt(g.ns.queue.arrived, 0.0);
    /* the capacity lost is all lost to power */
    cr_assert(fabs(g.ns.lost_power - 99.0 * 10.0 * odt_node_spec_capacity_full(&g.c.node, 8)) <
                  1e-9 * g.ns.lost_power + 1e-6,
              "lost to power %.9g", g.ns.lost_power);
    odt_fleet_free(&g.f);
}

Test(node, throttling_above_the_limit_and_shutdown)
{
    struct rig g;
    rig_init(&g);
    const struct odt_node_spec *s = &g.c.node;
    const double full = odt_node_spec_capacity_full(s, s->n_accel);
    step(&g, 0, 20000.0, 300.0, 0.0);
    cr_assert(fabs(g.ns.capacity - full) < 1e-9 * full, "cool and powered: full capacity %g vs %g", g.ns.capacity,
              full);
    const double mid = 0.5 * (s->t_throttle_k + s->t_shutdown_k);
    step(&g, 1, 20000.0, mid, 0.0);
    const double throttled = g.ns.capacity;
    cr_assert(throttled > 0.0 && throttled < full, "between the limits: %g of %g", throttled, full);
    /* by hand: midway between the limits the firmware allows half the board power; every accelerator then
       runs at the cap 0.5 (above the lowest cap 0.286 and the efficient floor), so with
       P = P_idle + (P_board - P_idle) x^gamma the clock fraction is x = ((0.5 P_board - P_idle) / (P_board -
       P_idle))^(1/gamma), and the throughput n T_full x (T ~ x) */
    cr_assert_gt(0.5, s->type.min_cap_fraction, "the case needs a cap above the lowest one");
    const double pb = s->type.board_power_w, pi = s->type.idle_power_w;
    const double x = pow((0.5 * pb - pi) / (pb - pi), 1.0 / s->type.dvfs_exponent);
    const double expect = s->n_accel * s->type.tokens_per_s_full * x;
    cr_assert(fabs(throttled - expect) < 1e-9 * expect, "throttled %g, expected %g", throttled, expect);
    /* the default H200 node: 8 x 3964 tokens/s x ((350 - 70) / 630)^(1/3.85) = 25,689 tokens/s */
    if (s->n_accel == 8 && pb == 700.0 && pi == 70.0 && s->type.dvfs_exponent == 3.85)
        cr_assert(fabs(throttled - 25689.03) < 0.01, "throttled %g, expected 25,689.03 tokens/s", throttled);
    cr_assert_gt(g.ns.lost_heat, 0.0);
    step(&g, 2, 20000.0, s->t_shutdown_k + 1.0, 0.0);
    cr_assert_eq(g.ns.capacity, 0.0, "above shutdown: no compute");
    odt_fleet_free(&g.f);
}

Test(node, failures_cost_capacity_and_spares_replace)
{
    struct rig g;
    rig_init(&g);
    g.c.rel.random_rate_per_yr = 3.0e4; /* failures within hours: the spare goes first */
    for (long k = 0; k < 5000 && g.ns.rel.n_working == g.c.node.n_accel; ++k)
        step(&g, k, 20000.0, 300.0, 0.0);
    cr_assert_eq(g.ns.rel.n_spares, 0, "the spare replaced the first failure");
    cr_assert_lt(g.ns.rel.n_working, g.c.node.n_accel);
    const double cap_now = odt_node_spec_capacity_full(&g.c.node, g.ns.rel.n_working);
    cr_assert(fabs(g.ns.capacity - cap_now) < 1e-9 * cap_now + 1e-9, "capacity follows the working accelerators");
    cr_assert_gt(g.ns.lost_failures, 0.0);
    /* every failure went through odt_sat_event into the slots: failure rows at the end of their step, the
       numbers adding up to the failures counted (no restarts: their rate is 0) */
    cr_assert_gt(g.ev.count, 0, "failure events recorded");
    cr_assert_eq(g.ev.lost, 0);
    int sum = 0;
    for (int e = 0; e < g.ev.count; ++e) {
        cr_assert_eq(g.f.ev_kind[e], ODT_EVENT_FAILURE, "slot %d kind %d", e, g.f.ev_kind[e]);
        cr_assert_gt(g.f.ev_number[e], 0);
        cr_assert_eq(g.f.ev_t0[e], g.f.ev_t1[e]);
        cr_assert_eq(fmod(g.f.ev_t0[e], g.in.dt_s), 0.0, "a failure at %g s: not at the end of a step", g.f.ev_t0[e]);
        cr_assert(e == 0 || g.f.ev_t0[e] > g.f.ev_t0[e - 1], "slots out of time order");
        sum += g.f.ev_number[e];
    }
    cr_assert_eq(sum, g.ns.rel.n_failed, "failure rows count %d accelerators, the node %d", sum, g.ns.rel.n_failed);
    odt_fleet_free(&g.f);
}

Test(node, restarts_are_recorded_one_row_each)
{
    struct rig g;
    rig_init(&g);
    g.c.rel.sefi_rate_per_day = 200.0; /* per accelerator: a restart every few minutes */
    int rows = 0;
    for (long k = 0; k < 3000; ++k) {
        const int before = g.ns.rel.n_interrupts;
        step(&g, k, 20000.0, 300.0, 1.0);
        if (g.ns.rel.n_interrupts != before) {
            /* the row of this restart: the newest slot, at the end of this step */
            cr_assert_eq(g.ns.rel.n_interrupts, before + 1);
            cr_assert_gt(g.ev.count, 0);
            const int e = g.ev.count - 1;
            cr_assert_eq(g.f.ev_kind[e], ODT_EVENT_RESTART);
            cr_assert_eq(g.f.ev_number[e], 1);
            cr_assert(g.f.ev_t0[e] == g.in.t_s && g.f.ev_t1[e] == g.in.t_s, "restart row at %g, step ends %g",
                      g.f.ev_t0[e], g.in.t_s);
            ++rows;
        }
        /* a backend compacts the slots after every sub-batch: empty them now and then */
        if (k % 50 == 49)
            g.ev.count = 0;
    }
    cr_assert_gt(rows, 10, "only %d restarts", rows);
    cr_assert_eq(rows, g.ns.rel.n_interrupts);
    cr_assert_eq(g.ev.lost, 0, "slots overflowed between two compactions");
    odt_fleet_free(&g.f);
}

Test(node, full_event_slots_count_the_lost)
{
    /* odt_sat_event: slot e of satellite i at ev_*[e * n + i]; past ODT_EV_SLOTS nothing is written, all counted */
    struct odt_fleet f;
    cr_assert_eq(odt_fleet_alloc(&f, 3), ODT_OK);
    struct odt_sat_events ev = {0, 0};
    for (int e = 0; e < ODT_EV_SLOTS + 5; ++e)
        odt_sat_event(1, &f, &ev, e % 2 ? ODT_EVENT_RESTART : ODT_EVENT_FAILURE, e + 1, 10.0 * e, 10.0 * e + 1.0);
    cr_assert_eq(ev.count, ODT_EV_SLOTS);
    cr_assert_eq(ev.lost, 5);
    for (int e = 0; e < ODT_EV_SLOTS; ++e) {
        cr_assert_eq(f.ev_kind[(size_t)e * 3 + 1], e % 2 ? ODT_EVENT_RESTART : ODT_EVENT_FAILURE);
        cr_assert_eq(f.ev_number[(size_t)e * 3 + 1], e + 1);
        cr_assert_eq(f.ev_t0[(size_t)e * 3 + 1], 10.0 * e);
        cr_assert_eq(f.ev_t1[(size_t)e * 3 + 1], 10.0 * e + 1.0);
        /* the neighbours' slots are untouched */
        cr_assert_eq(f.ev_kind[(size_t)e * 3 + 0], 0);
        cr_assert_eq(f.ev_kind[(size_t)e * 3 + 2], 0);
    }
    odt_fleet_free(&f);
}

/* The hazard bound only skips work: the same failures and restarts as without it, draw for draw. */
Test(node, hazard_bound_changes_nothing)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.burn_in_s = 0.0;
    p.random_rate_per_yr = 50.0; /* many events, so the slow paths run too */
    p.sefi_rate_per_day = 200.0;
    for (int node = 0; node < 200; ++node) {
        struct odt_rel_state a, b;
        odt_rel_state_init(&a, 8, 1);
        odt_rel_state_init(&b, 8, 1);
        a.age_s = b.age_s = 60.0 * node; /* a few nodes start at age 0: an unbounded hazard */
        const double bound = odt_rel_hazard(&p, p.burn_in_s + b.age_s);
        for (long k = 0; k < 2000; ++k) {
            double u[4];
            odt_rng_uniform(99, (uint32_t)node, (uint64_t)k, ODT_RNG_STREAM_TEST, u);
            struct odt_rel_step_out oa, ob;
            odt_rel_step(&p, &a, 10.0, k % 7 == 0, u, &oa);
            odt_rel_step_bounded(&p, &b, 10.0, k % 7 == 0, u, bound < HUGE_VAL ? bound : HUGE_VAL, &ob);
            cr_assert(oa.failed == ob.failed && oa.interrupt_started == ob.interrupt_started &&
                          oa.up_fraction == ob.up_fraction && a.n_working == b.n_working &&
                          a.downtime_s == b.downtime_s,
                      "node %d step %ld differs", node, k);
        }
        cr_assert_eq(a.n_failed, b.n_failed);
        cr_assert_eq(a.n_interrupts, b.n_interrupts);
    }
}
