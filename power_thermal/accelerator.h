/*
 * accelerator.h: power and throughput of AI accelerators and of the compute
 * node that carries them (power cap, clock scaling, thermal throttling).
 *
 * One accelerator (DVFS curve). With x = f / f_max the clock as a fraction
 * of the top clock, inference throughput is taken proportional to the clock
 * and the board power as
 *
 *   T(x) = T_full x
 *   P(x) = P_idle + (P_board - P_idle) x^gamma,      0 <= x <= 1.
 *
 * CMOS dynamic power is C V^2 f (Rabaey, Digital Integrated Circuits, 2nd ed.
 * 2003, ch. 5.5); in the DVFS range the voltage rises roughly linearly with
 * the clock, giving gamma = 3, and leakage, which grows faster than linearly
 * with voltage, pushes the effective exponent above 3 near the top of the
 * range. At low clocks the voltage sits at its floor and P_dyn ~ f (gamma =
 * 1): that part of the curve is never used here, because below the most
 * efficient operating point the node duty-cycles (or power-gates) whole
 * accelerators instead of slowing them further (see odt_node_spec_capacity).
 * The default gamma = 3.85 reproduces the operating point "about 90 %
 * throughput at 70 % board power" for LLM inference: with P_idle = 0.1
 * P_board, x = ((0.7 - 0.1) / 0.9)^(1/3.85) = 0.900. That point is an
 * assumption in line with published power-capping studies, which find that
 * inference loses much less throughput than power under moderate caps
 * (Patel et al., "Characterizing Power Management Opportunities for LLMs in
 * the Cloud", ASPLOS 2024 (POLCA); Samsi et al., "From Words to Watts",
 * IEEE HPEC 2023); memory-bound decode loses even less than T ~ f says.
 *
 * Defaults (odt_accel_type_b200, odt_accel_type_h200):
 *   board power 1000 W (B200) and 700 W (H100/H200 SXM)   NVIDIA data sheets
 *   throughput 12,875 tokens/s per B200 = 103,000 / 8      MLPerf Inference, Llama-2-70B, 8x B200
 *   throughput 3,964 tokens/s per H200 = 31,712 / 8        MLPerf Inference v4.0, Llama-2-70B offline, 8x H200
 *   idle power 10 % of board power                         assumption (H100 SXM idles at ~60-90 W in nvidia-smi)
 *   lowest power cap 200/700 = 0.286 (H100 SXM "Min Power Limit" of nvidia-smi); 0.3 assumed for B200
 *
 * Node. n working accelerators share a compute power budget (what the bus
 * supplies beyond housekeeping, limited by thermal throttling). Above the
 * efficient floor x_floor = max(x*, x(P_min_cap)), where x* maximises T/P,
 * all n run at the same cap; below it, accelerators run at x_floor for a
 * fraction of the step (duty cycle) and are power-gated (0 W) otherwise, which
 * is the throughput-optimal use of a small budget. odt_node_spec_capacity and
 * odt_node_spec_power_for_tokens are exact inverses of each other.
 *
 * Compiles as C11 and as CUDA C++: no allocation, no I/O, no globals.
 */
#ifndef ODT_ACCELERATOR_H
#define ODT_ACCELERATOR_H

#include <math.h>
#include "orbit/odt_defs.h"

/* One accelerator model. */
struct odt_accel_type {
    double board_power_w;     /* board power at the top clock (default power limit), W (B200 1000, H200 700) */
    double idle_power_w;      /* power at zero clock: static, uncore and memory, W (default 10 % of board) */
    double tokens_per_s_full; /* inference throughput at board power, tokens/s (B200 12875, H200 3964) */
    double min_cap_fraction;  /* lowest accepted power cap, fraction of board power (B200 0.3, H200 0.286) */
    double dvfs_exponent;     /* gamma of P = P_idle + (P_board - P_idle) x^gamma, > 0 (default 3.85) */
};

/* One compute node (the payload of a satellite). */
struct odt_node_spec {
    int n_accel;                /* accelerators installed and powered at launch (default 8) */
    int n_spares;               /* cold spares that replace failed accelerators (default 1) */
    struct odt_accel_type type; /* accelerator model (default H200) */
    double bus_power_w;         /* housekeeping power of the bus, served first, W (default 500) */
    double t_throttle_k;        /* payload temperature where throttling starts, K (default 353.15 = 80 C) */
    double t_shutdown_k;        /* payload temperature where compute stops, K (default 368.15 = 95 C) */
};

/* ------------------------------------------------------------------ defaults */

/* odt_accel_type_b200: NVIDIA B200 (sources in the file header). */
ODT_HD static inline struct odt_accel_type odt_accel_type_b200(void)
{
    struct odt_accel_type t;
    t.board_power_w = 1000.0;
    t.idle_power_w = 100.0;
    t.tokens_per_s_full = 103000.0 / 8.0;
    t.min_cap_fraction = 0.3;
    t.dvfs_exponent = 3.85;
    return t;
}

/* odt_accel_type_h200: NVIDIA H200 SXM (H100 SXM has the same power; sources in the file header). */
ODT_HD static inline struct odt_accel_type odt_accel_type_h200(void)
{
    struct odt_accel_type t;
    t.board_power_w = 700.0;
    t.idle_power_w = 70.0;
    t.tokens_per_s_full = 31712.0 / 8.0;
    t.min_cap_fraction = 200.0 / 700.0;
    t.dvfs_exponent = 3.85;
    return t;
}

/*
 * odt_node_spec_default: 8 H200 (5.6 kW, the compute load of the default
 * scenario; 31,712 tokens/s, the demand model's reference server) and
 * 1 spare; bus 500 W (assumption: housekeeping of a large bus);
 * throttling from 80 C (the payload limit of the thermal network, docs/thermal.md)
 * to shutdown at 95 C (assumption: a few kelvin below the ~100 C junction
 * shutdown of data-centre GPUs, allowing for the payload-to-die gradient).
 */
ODT_HD static inline struct odt_node_spec odt_node_spec_default(void)
{
    struct odt_node_spec s;
    s.n_accel = 8;
    s.n_spares = 1;
    s.type = odt_accel_type_h200();
    s.bus_power_w = 500.0;
    s.t_throttle_k = 353.15;
    s.t_shutdown_k = 368.15;
    return s;
}

/* ------------------------------------------------------------------ one accelerator */

/*
 * odt_accel_power_at_clock: board power (W) at clock fraction x = f/f_max
 * (clamped to [0, 1]): P_idle + (P_board - P_idle) x^gamma.
 */
ODT_HD static inline double odt_accel_power_at_clock(const struct odt_accel_type *t, double x)
{
    x = x > 0.0 ? (x < 1.0 ? x : 1.0) : 0.0;
    return t->idle_power_w + (t->board_power_w - t->idle_power_w) * pow(x, t->dvfs_exponent);
}

/*
 * odt_accel_clock_at_power: the clock fraction x in [0, 1] at which the board
 * draws p_w (W): ((p - P_idle) / (P_board - P_idle))^(1/gamma), 0 at or
 * below idle power, 1 at or above board power. Inverse of
 * odt_accel_power_at_clock on [P_idle, P_board].
 */
ODT_HD static inline double odt_accel_clock_at_power(const struct odt_accel_type *t, double p_w)
{
    const double span = t->board_power_w - t->idle_power_w;
    if (p_w >= t->board_power_w)
        return 1.0; /* also a flat curve (board == idle) */
    if (!(p_w > t->idle_power_w) || !(span > 0.0))
        return 0.0; /* at or below idle, or NaN */
    return pow((p_w - t->idle_power_w) / span, 1.0 / t->dvfs_exponent);
}

/* odt_accel_tokens_at_power: throughput (tokens/s) of one accelerator capped at p_w (W): T_full x(p). */
ODT_HD static inline double odt_accel_tokens_at_power(const struct odt_accel_type *t, double p_w)
{
    return t->tokens_per_s_full * odt_accel_clock_at_power(t, p_w);
}

/*
 * odt_accel_power_for_tokens: power (W) one accelerator needs for tok_s
 * tokens/s on the DVFS curve, P(tok_s / T_full); board power when tok_s >= T_full.
 */
ODT_HD static inline double odt_accel_power_for_tokens(const struct odt_accel_type *t, double tok_s)
{
    if (!(t->tokens_per_s_full > 0.0))
        return t->idle_power_w;
    return odt_accel_power_at_clock(t, tok_s / t->tokens_per_s_full);
}

/*
 * odt_accel_floor_clock: lowest clock fraction worth running at: the larger
 * of the most efficient point x* (maximum of x / P(x): P_idle = (gamma - 1)
 * (P_board - P_idle) x*^gamma, so x* = (P_idle / ((gamma - 1)(P_board -
 * P_idle)))^(1/gamma); 1 when gamma <= 1) and the clock at the lowest
 * accepted power cap. Below it a node duty-cycles accelerators instead.
 */
ODT_HD static inline double odt_accel_floor_clock(const struct odt_accel_type *t)
{
    const double span = t->board_power_w - t->idle_power_w, g = t->dvfs_exponent;
    double xs = 1.0;
    if (g > 1.0 && span > 0.0) {
        xs = pow(t->idle_power_w / ((g - 1.0) * span), 1.0 / g);
        xs = xs < 1.0 ? xs : 1.0;
    }
    const double xc = odt_accel_clock_at_power(t, t->min_cap_fraction * t->board_power_w);
    return xs > xc ? xs : xc;
}

/* ------------------------------------------------------------------ node */

/* odt_node_spec_power_full_w: power (W) the node asks for at full load with n_work working accelerators, bus included. */
ODT_HD static inline double odt_node_spec_power_full_w(const struct odt_node_spec *s, int n_work)
{
    return (n_work > 0 ? n_work : 0) * s->type.board_power_w + s->bus_power_w;
}

/* odt_node_spec_capacity_full: throughput (tokens/s) of n_work working accelerators at board power. */
ODT_HD static inline double odt_node_spec_capacity_full(const struct odt_node_spec *s, int n_work)
{
    return (n_work > 0 ? n_work : 0) * s->type.tokens_per_s_full;
}

/*
 * odt_node_spec_throttle: thermal throttle factor in [0, 1] at payload
 * temperature temp_k (K): 1 at or below t_throttle_k, 0 at or above
 * t_shutdown_k, linear in between. It scales the compute power the node may
 * draw (firmware lowers clocks to shed heat), not the throughput directly;
 * the DVFS curve then gives the throughput. A linear derating between a
 * slowdown and a shutdown temperature is the proportional part of the
 * controllers GPU firmware uses (slowdown / shutdown thresholds of nvidia-smi -q).
 */
ODT_HD static inline double odt_node_spec_throttle(const struct odt_node_spec *s, double temp_k)
{
    if (!(temp_k > s->t_throttle_k))
        return 1.0;
    if (!(temp_k < s->t_shutdown_k))
        return 0.0;
    return (s->t_shutdown_k - temp_k) / (s->t_shutdown_k - s->t_throttle_k);
}

/*
 * odt_node_spec_compute_budget_w: compute power (W) the node may use when the
 * power system supplies p_supplied_w to it (bus served first) at payload
 * temperature temp_k: min(clamp(p_supplied - P_bus, 0, n P_board),
 * throttle(T) n P_board).
 */
ODT_HD static inline double odt_node_spec_compute_budget_w(const struct odt_node_spec *s, int n_work,
                                                           double p_supplied_w, double temp_k)
{
    const double full = (n_work > 0 ? n_work : 0) * s->type.board_power_w;
    double p = p_supplied_w - s->bus_power_w;
    p = p > 0.0 ? (p < full ? p : full) : 0.0;
    const double thermal = odt_node_spec_throttle(s, temp_k) * full;
    return p < thermal ? p : thermal;
}

/*
 * odt_node_spec_capacity: throughput (tokens/s) of n_work working
 * accelerators with a compute power budget p_w (W):
 *   p/n >= P_board                : n T_full
 *   P(x_floor) <= p/n < P_board   : n T_full x(p/n)          (all at one cap)
 *   p/n < P(x_floor)              : p / P(x_floor) x_floor T_full  (duty cycle at x_floor)
 * Inverse: odt_node_spec_power_for_tokens.
 */
ODT_HD static inline double odt_node_spec_capacity(const struct odt_node_spec *s, int n_work, double p_w)
{
    if (n_work <= 0 || !(p_w > 0.0))
        return 0.0;
    const struct odt_accel_type *t = &s->type;
    const double per = p_w / n_work;
    if (per >= t->board_power_w)
        return n_work * t->tokens_per_s_full;
    const double xf = odt_accel_floor_clock(t);
    const double pf = odt_accel_power_at_clock(t, xf);
    if (per >= pf)
        return n_work * odt_accel_tokens_at_power(t, per);
    return pf > 0.0 ? p_w / pf * xf * t->tokens_per_s_full : 0.0;
}

/*
 * odt_node_spec_power_for_tokens: the least compute power (W) at which
 * n_work accelerators deliver tok_s tokens/s (the inverse of
 * odt_node_spec_capacity); n P_board when tok_s is at or above full capacity.
 */
ODT_HD static inline double odt_node_spec_power_for_tokens(const struct odt_node_spec *s, int n_work, double tok_s)
{
    if (n_work <= 0 || !(tok_s > 0.0))
        return 0.0;
    const struct odt_accel_type *t = &s->type;
    const double full = n_work * t->tokens_per_s_full;
    if (!(tok_s < full))
        return n_work * t->board_power_w;
    const double x = tok_s / full;
    const double xf = odt_accel_floor_clock(t);
    if (x >= xf)
        return n_work * odt_accel_power_at_clock(t, x);
    return tok_s / (xf * t->tokens_per_s_full) * odt_accel_power_at_clock(t, xf);
}

#endif /* ODT_ACCELERATOR_H */
