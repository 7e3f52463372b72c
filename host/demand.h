/*
 * demand.h: the inference demand model and the dispatch policy (host layer).
 *
 * Demand: a global mean rate R (tokens/s) split over regions. Region r, with
 * normalised share s_r and demand-centre longitude lon_r, asks at time t for
 *
 *     R_r(t) = R s_r D(h_r(t)) W(day_r(t)) F_r(t)
 *
 * with h_r the local mean solar hour and day_r the local mean solar date at
 * lon_r (UTC of epoch + t, shifted by lon_r / 15 h), D the daily curve (mean 1
 * over a day), W the weekly factor (mean 1 over a week) and F_r a log-normal
 * AR(1) noise factor (mean 1). Equations, defaults and sources: docs/workload.md.
 *
 * Dispatch: each step the host turns the demand tokens of the step into one
 * number (the dispatch factor) from which every node computes its own arrivals
 * with odt_dispatch_node_tokens, so the backend needs O(1) input per step. Those
 * two functions are `static inline ODT_HD` in kernels/dispatch.h (the backend
 * uses them); the host-side helpers (odt_dispatch_assign, the policy names) are
 * at the end of this file.
 *
 * Randomness: Random123 Philox4x32-10, key (seed low word, seed high word XOR
 * ODT_DEMAND_KEY_DOMAIN), counter (block low, block high, region, stream). The
 * key domain keeps these streams apart from the per-satellite streams keyed by
 * the raw seed (seeds are at most 2^53, so their high word is below 2^21).
 */
#ifndef ODT_DEMAND_H
#define ODT_DEMAND_H

#include <math.h>
#include <stdint.h>

#include "orbit/odt_defs.h"
#include "kernels/dispatch.h"

ODT_EXTERN_C_BEGIN

struct odt_epoch; /* host/ephem.h */

#define ODT_DEMAND_MAX_REGIONS 16
#define ODT_DEMAND_NAME_LEN 32
/* Philox key domain of the demand streams (XORed into the key's high word). */
#define ODT_DEMAND_KEY_DOMAIN 0x9E3779B9u
/* The noise is held constant over lattice cells of noise_correlation_s / ODT_DEMAND_NOISE_CELLS_PER_TAU. */
#define ODT_DEMAND_NOISE_CELLS_PER_TAU 8
/* Moving-average length of the noise in lattice cells (7 correlation times: truncation e^-7). */
#define ODT_DEMAND_NOISE_TERMS 56

/* One demand region. */
struct odt_demand_region {
    char name[ODT_DEMAND_NAME_LEN];
    double share;         /* fraction of the global demand, 1 (shares are normalised by their sum) */
    double longitude_deg; /* east longitude of the demand centre, deg, sets local mean solar time */
    double latitude_deg;  /* latitude of the demand centre, deg (regional dispatch, not used yet) */
};

struct odt_demand_params {
    double tokens_per_s;        /* global mean demand, tokens s-1 (default 5e7) */
    int n_regions;              /* number of regions, 1..ODT_DEMAND_MAX_REGIONS (default 5) */
    struct odt_demand_region region[ODT_DEMAND_MAX_REGIONS];
    double diurnal_amplitude;   /* A: peak 1 + A, trough 1 - A, 1, [0, 1) (default 0.4) */
    double diurnal_peak_h;      /* local mean solar hour of the daily maximum, h, [0, 24) (default 20) */
    double diurnal_trough_h;    /* local mean solar hour of the daily minimum, h, [0, 24) (default 4) */
    double weekend_factor;      /* Saturday/Sunday rate over weekday rate, 1, (0, 10] (default 0.8) */
    double noise_sigma;         /* standard deviation of ln F, 1, [0, 2] (default 0.1; 0 = off) */
    double noise_correlation_s; /* e-folding time of the autocorrelation of ln F, s, [1, 1e8] (default 3600) */
};

/* odt_demand_params_default: the defaults of docs/workload.md (5 regions, ITU 2023 user shares). */
void odt_demand_params_default(struct odt_demand_params *p);

/*
 * odt_demand_params_check: ODT_OK, or ODT_ERR_VALUE with the first problem in
 * err (naming the parameter). Every other function expects checked params.
 */
enum odt_status odt_demand_params_check(const struct odt_demand_params *p, char *err, size_t errlen);

/*
 * odt_demand_diurnal: the daily curve D at local mean solar hour h (any real h;
 * period 24 h). D = 1 - A sin(y + k sin y), y = 2 pi (h - h_mid) / 24, where
 * h_mid is halfway from the peak to the trough (going forward in time),
 * k = (pi - Delta) / (2 sin(Delta / 2)) and Delta = 2 pi ((trough - peak) mod 24) / 24.
 * Maximum 1 + A exactly at the peak hour, minimum 1 - A exactly at the trough
 * hour, mean exactly 1 over any day (the sine term is odd in y).
 */
double odt_demand_diurnal(const struct odt_demand_params *p, double local_hour);

/* odt_demand_weekly: W for weekday (0 Monday .. 6 Sunday): 7/(5+2f) on weekdays, 7f/(5+2f) on Saturday and Sunday. */
double odt_demand_weekly(const struct odt_demand_params *p, int weekday);

/*
 * odt_demand_local_time: local mean solar hour [0, 24) at east longitude
 * lon_deg at epoch + t_s (t_s counted as UTC seconds: a leap second inside a
 * run shifts the result by 1 s); *weekday (0 Monday .. 6 Sunday) of that local
 * mean solar date when weekday is not NULL. Returns the hour.
 */
double odt_demand_local_time(const struct odt_epoch *ep, double t_s, double lon_deg, int *weekday);

/*
 * odt_demand_noise: the noise factor F of region r at t_s (s since the epoch),
 * F = exp(sigma x_n - sigma^2 / 2), E[F] = 1, with x_n a unit-variance AR(1)
 * on the lattice n = floor(t_s / cell), cell = tau / 8, lag-one coefficient
 * rho = exp(-1/8), written as its moving average truncated at 56 terms plus an
 * independent term that restores the variance exactly:
 *     x_n = sqrt(1 - rho^2) sum_{j=0}^{55} rho^j e_{n-j} + rho^56 g_{n-56}
 * (e, g independent standard normals of Philox streams 0 and 1). A pure
 * function of (seed, region, n): any call order, any thread gives the same
 * value. Returns 1 when sigma = 0.
 */
double odt_demand_noise(const struct odt_demand_params *p, uint64_t seed, int region, double t_s);

/*
 * odt_demand_rate: the demand at t_s seconds after the epoch, tokens s-1.
 * Fills region_rate_tps[0 .. n_regions-1] when it is not NULL and returns
 * their sum (the global rate).
 */
double odt_demand_rate(const struct odt_demand_params *p, const struct odt_epoch *ep, double t_s, uint64_t seed,
                       double *region_rate_tps);

/*
 * odt_demand_tokens: the expected demand tokens over [t_s, t_s + dt_s] (the
 * integral of odt_demand_rate). The interval is cut at the noise lattice edges
 * and at each region's local midnight (where W steps), so every piece is
 * smooth, and pieces longer than 1800 s are halved; each piece is integrated
 * with 4-point Gauss-Legendre (relative error < 1e-12 for the smooth part).
 * Fills region_tokens (may be NULL) and returns the total.
 */
double odt_demand_tokens(const struct odt_demand_params *p, const struct odt_epoch *ep, double t_s, double dt_s,
                         uint64_t seed, double *region_tokens);

/*
 * odt_demand_tokens_round: integer token counts from expected ones by unbiased
 * stochastic rounding, count = floor(x) + (u < x - floor(x)), u uniform from
 * the Philox stream 2 of (seed, region) with counter step (the step index).
 * Fills region_counts and returns their sum. Each count differs from its
 * expectation by less than one token; E[count] = x. Values must lie in
 * [0, 2^53].
 */
int64_t odt_demand_tokens_round(const double *region_tokens, int n_regions, uint64_t seed, int64_t step,
                                int64_t *region_counts);

/*
 * A run's demand generator: odt_demand_tokens then odt_demand_tokens_round for
 * each step, with the noise of the current lattice cell of each region
 * remembered (it changes every tau / 8, i.e. every 450 s by default, so a 10 s
 * step costs a tenth as much). Results are bitwise those of the two pure
 * functions, whatever the order of the calls. The epoch must outlive it.
 */
struct odt_demand {
    struct odt_demand_params params;
    const struct odt_epoch *epoch;
    uint64_t seed;
    int64_t memo_cell[ODT_DEMAND_MAX_REGIONS];   /* lattice cell of the remembered noise factor */
    double memo_factor[ODT_DEMAND_MAX_REGIONS];  /* its factor F */
    int memo_valid[ODT_DEMAND_MAX_REGIONS];
};

/* odt_demand_init: a generator for checked params p, the run epoch ep and the scenario seed. */
void odt_demand_init(struct odt_demand *d, const struct odt_demand_params *p, const struct odt_epoch *ep,
                     uint64_t seed);

/*
 * odt_demand_step: the demand of step `step` covering [t_s, t_s + dt_s]:
 * region_counts[r] (int64 tokens, stochastic rounding keyed by step) and,
 * when region_tokens is not NULL, the expected tokens; returns the total count,
 * the demand_tokens to pass to odt_dispatch_factor.
 */
int64_t odt_demand_step(struct odt_demand *d, int64_t step, double t_s, double dt_s, double *region_tokens,
                        int64_t *region_counts);

/* ------------------------------------------------------------------ dispatch */

/*
 * odt_dispatch_assign: the reference loop over a fleet (host; tests and the
 * CPU path): node_tokens[i] (may be NULL) = odt_dispatch_node_tokens of node
 * i, active[i] != 0 for an active node (NULL: all active). Returns the sum.
 */
int64_t odt_dispatch_assign(enum odt_dispatch_policy policy, double factor, const double *capacity_prev,
                            const int32_t *active_prev, size_t n, int64_t *node_tokens);

/* odt_dispatch_parse: "capacity" or "equal" to the policy; ODT_ERR_VALUE otherwise. */
enum odt_status odt_dispatch_parse(const char *text, enum odt_dispatch_policy *policy);
/* odt_dispatch_name: the scenario spelling of a policy. */
const char *odt_dispatch_name(enum odt_dispatch_policy policy);

ODT_EXTERN_C_END

#endif /* ODT_DEMAND_H */
