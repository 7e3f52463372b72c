/*
 * queue.h: the inference queue of one compute node over one time step.
 *
 * Tokens are discrete, and the twin promises that no token is created or lost:
 *
 *   arrived = served + dropped + waiting        at every step and cumulatively,
 *
 * exactly, with ==. All token counts are therefore whole numbers, stored in
 * doubles (the fleet's state arrays hold int32 or double): sums and
 * differences of whole numbers below 2^53 are exact in IEEE 754 double
 * arithmetic, and every count here is produced by floor(), +, - or min() of
 * whole numbers. 2^53 tokens is 285 years of a node serving 10^6 tokens/s,
 * so the per-node counters never leave the exact range. (Summing counters
 * over a large fleet belongs in 64-bit integers on the host.)
 *
 * The demand and the capacity arrive as real numbers of tokens per step. Each
 * is turned into whole tokens with a carried remainder in [0, 1): whole =
 * floor(x + carry), carry = x + carry - whole. No fraction is lost over time:
 * after any number of steps, arrived tokens = sum of the demand - carry, to
 * the rounding of x + carry (~1e-16 x per step). The capacity carry is
 * cleared whenever the queue empties (idle capacity cannot be banked).
 *
 * One step (a fluid FIFO queue, everything within the step treated at once):
 *   1. A = floor(arrival + carry_a), C = floor(capacity + carry_c)
 *   2. served  S = min(W0 + A, C)              (W0: waiting at the start)
 *   3. R = W0 + A - S left over; with rate c = capacity / dt (tokens/s) the
 *      last token of R would wait R / c. Keep at most
 *        K = min(limit, floor(c L_obj))          (L_obj > 0: latency objective)
 *      and drop the rest: first what exceeds the queue limit (dropped_limit),
 *      then what would wait longer than the objective (dropped_latency).
 *      With c = 0 nothing is served and, with an objective set, every token
 *      left is dropped (it would wait forever); L_obj <= 0 disables latency drops.
 *   4. waiting W1 = min(R, K).
 *
 * Latency (Little's law, W = L / lambda: Little, Oper. Res. 9, 383 (1961)):
 *   mean number waiting over the step  L = (W0 + W1) / 2     (trapezoid)
 *   throughput                         lambda = S / dt
 *   mean wait                          wait_s = L / lambda   (0 when L = 0; +inf when L > 0 and S = 0)
 *   latency                            latency_s = wait_s + service_time_s
 * The service time is a parameter: the time a request spends being served
 * once it leaves the queue (default 2 s, the time-to-first-token bound of the
 * MLPerf Inference Llama-2-70B server scenario). Summed over a run, the
 * token-weighted mean of wait_s equals the mean FIFO waiting time of the
 * served tokens counted in whole steps, up to the trapezoid's boundary terms
 * (tests/test_queue.c). Time inside a step is not resolved: waits are
 * multiples of dt on average.
 *
 * Compiles as C11 and as CUDA C++: no allocation, no I/O, no globals.
 */
#ifndef ODT_QUEUE_H
#define ODT_QUEUE_H

#include <math.h>
#include "orbit/odt_defs.h"

#define ODT_QUEUE_EXACT_MAX 9007199254740992.0 /* 2^53: token counts stay whole and exact below this */

struct odt_queue_params {
    double limit_tokens;        /* largest number of tokens that may wait, tokens (whole number, >= 0) */
    double latency_objective_s; /* drop tokens that would wait longer than this, s (<= 0: no latency drops) */
    double service_time_s;      /* time to serve a request once it leaves the queue, s (default 2) */
};

/* Per-node state; every token field holds a whole number. */
struct odt_queue_state {
    double waiting;        /* tokens waiting at the end of the last step */
    double arrival_carry;  /* fraction of a token of demand not yet arrived, [0, 1) */
    double capacity_carry; /* fraction of a token of service capacity carried, [0, 1) */
    double arrived;        /* cumulative arrived tokens */
    double served;         /* cumulative served tokens */
    double dropped;        /* cumulative dropped tokens (limit and latency) */
};

/* Results of one step; token fields hold whole numbers. */
struct odt_queue_step_out {
    double arrived;         /* tokens that arrived in the step */
    double served;          /* tokens served in the step */
    double dropped_limit;   /* tokens dropped because the queue was over its limit */
    double dropped_latency; /* tokens dropped because they would wait longer than the objective */
    double waiting;         /* tokens waiting at the end of the step */
    double wait_s;          /* mean queueing delay over the step (Little's law), s */
    double latency_s;       /* wait_s + service time, s */
};

/* odt_queue_params_default: no queue limit beyond 10^12 tokens, 10 s latency objective, 2 s service time. */
ODT_HD static inline struct odt_queue_params odt_queue_params_default(void)
{
    struct odt_queue_params p;
    p.limit_tokens = 1e12;
    p.latency_objective_s = 10.0;
    p.service_time_s = 2.0;
    return p;
}

/* odt_queue_init: an empty queue with zero counters. */
ODT_HD static inline void odt_queue_init(struct odt_queue_state *q)
{
    q->waiting = q->arrival_carry = q->capacity_carry = 0.0;
    q->arrived = q->served = q->dropped = 0.0;
}

/*
 * odt_queue_whole: whole tokens from a real amount x (tokens) and a carried
 * fraction *carry in [0, 1): floor(x + carry); *carry keeps the remainder.
 * Negative or NaN x counts as 0.
 */
ODT_HD static inline double odt_queue_whole(double x, double *carry)
{
    const double v = (x > 0.0 ? x : 0.0) + *carry;
    const double w = floor(v);
    double c = v - w;
    *carry = c < 1.0 ? (c > 0.0 ? c : 0.0) : 0.0;
    return w;
}

/*
 * odt_queue_step: advance the queue of one node by one step.
 *   p                 queue parameters
 *   q                 state, updated (waiting, carries, cumulative counters)
 *   arrival_tokens    demand routed to the node in the step, tokens (real, >= 0)
 *   capacity_tokens   tokens the node can serve in the step, tokens (real, >= 0): capacity (tokens/s) x dt
 *   dt_s              step length, s (<= 0: nothing happens; the state is reported)
 *   out               results of the step
 * Guarantees: out->arrived == out->served + out->dropped_limit +
 * out->dropped_latency + out->waiting - W0, and q->arrived == q->served +
 * q->dropped + q->waiting, exactly, while counts stay below 2^53.
 */
ODT_HD static inline void odt_queue_step(const struct odt_queue_params *p, struct odt_queue_state *q,
                                         double arrival_tokens, double capacity_tokens, double dt_s,
                                         struct odt_queue_step_out *out)
{
    const double w0 = q->waiting;
    out->arrived = out->served = out->dropped_limit = out->dropped_latency = 0.0;
    out->waiting = w0;
    out->wait_s = 0.0;
    out->latency_s = p->service_time_s;
    if (!(dt_s > 0.0))
        return;

    const double a = odt_queue_whole(arrival_tokens, &q->arrival_carry);
    const double c = odt_queue_whole(capacity_tokens, &q->capacity_carry);
    const double total = w0 + a;
    const double s = total < c ? total : c;
    const double r = total - s;
    if (r == 0.0)
        q->capacity_carry = 0.0; /* the queue emptied: idle capacity is not banked */

    /* what may stay: the queue limit, then the latency objective at the current rate */
    const double lim = p->limit_tokens > 0.0 ? floor(p->limit_tokens) : 0.0;
    const double after_limit = r < lim ? r : lim;
    double keep = after_limit;
    if (p->latency_objective_s > 0.0) {
        const double rate = (capacity_tokens > 0.0 ? capacity_tokens : 0.0) / dt_s;
        const double klat = floor(rate * p->latency_objective_s);
        keep = after_limit < klat ? after_limit : klat;
    }

    out->arrived = a;
    out->served = s;
    out->dropped_limit = r - after_limit;
    out->dropped_latency = after_limit - keep;
    out->waiting = keep;

    const double l_mean = 0.5 * (w0 + keep);
    if (l_mean > 0.0)
        out->wait_s = s > 0.0 ? l_mean * dt_s / s : INFINITY;
    out->latency_s = out->wait_s + p->service_time_s;

    q->waiting = keep;
    q->arrived += a;
    q->served += s;
    q->dropped += r - keep;
}

/* odt_queue_imbalance: arrived - served - dropped - waiting of the cumulative counters, tokens (0 exactly). */
ODT_HD static inline double odt_queue_imbalance(const struct odt_queue_state *q)
{
    return q->arrived - (q->served + q->dropped + q->waiting);
}

#endif /* ODT_QUEUE_H */
