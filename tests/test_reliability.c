/*
 * test_reliability.c: counter-based random numbers (power_thermal/rng.h) and
 * accelerator reliability (power_thermal/reliability.h).
 *
 * Expected values come from outside the code under test: the Random123
 * known-answer vectors for Philox4x64-10; chi-square and Kolmogorov-Smirnov
 * critical values at alpha = 0.001; binomial standard errors; a survival
 * function S(t) = (1 - p_w + p_w exp(-(t/lambda)^k)) exp(-r t) written here
 * directly (the header works with hazard increments); hand numbers for the
 * defaults; ERFA's full GCRS->ITRS rotation for the Earth-fixed approximation.
 * Every statistical check has a false-alarm rate below ~1e-3 for a correct
 * model, and the random streams are fixed, so the outcome is deterministic.
 */
#include <criterion/criterion.h>
#include <erfa.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "orbit/odt_defs.h"
#include "power_thermal/reliability.h"
#include "power_thermal/rng.h"

#define YEAR_S (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY)
#define HOUR_S 3600.0

/* chi-square critical value at alpha = 0.001 (Wilson-Hilferty; z = 3.0902). */
static double chi2_crit_001(double df)
{
    const double a = 2.0 / (9.0 * df);
    const double c = 1.0 - a + 3.0902 * sqrt(a);
    return df * c * c * c;
}

/* ================================================================== rng */

/* Random123 known-answer vectors (kat_vectors, philox4x64 10): counter, key -> output. */
Test(rng, philox_known_answers)
{
    const uint64_t ctr[3][4] = {{0, 0, 0, 0},
                                {~0ull, ~0ull, ~0ull, ~0ull},
                                {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull}};
    const uint64_t key[3][2] = {{0, 0}, {~0ull, ~0ull}, {0x452821e638d01377ull, 0xbe5466cf34e90c6cull}};
    const uint64_t want[3][4] = {
        {0x16554d9eca36314cull, 0xdb20fe9d672d0fdcull, 0xd7e772cee186176bull, 0x7e68b68aec7ba23bull},
        {0x87b092c3013fe90bull, 0x438c3c67be8d0224ull, 0x9cc7d7c69cd777b6ull, 0xa09caebf594f0ba0ull},
        {0xa528f45403e61d95ull, 0x38c72dbd566e9788ull, 0xa5a1610e72fd18b5ull, 0x57bd43b5e52b7fe6ull}};
    for (int t = 0; t < 3; ++t) {
        philox4x64_ctr_t c;
        philox4x64_key_t k;
        for (int j = 0; j < 4; ++j)
            c.v[j] = ctr[t][j];
        k.v[0] = key[t][0];
        k.v[1] = key[t][1];
        const philox4x64_ctr_t r = philox4x64_R(10, c, k);
        for (int j = 0; j < 4; ++j)
            cr_expect_eq(r.v[j], want[t][j], "vector %d word %d", t, j);
    }
    /* odt_rng_bits with every input 0 is the first vector */
    uint64_t b[4];
    odt_rng_bits(0, 0, 0, 0, 0, b);
    for (int j = 0; j < 4; ++j)
        cr_expect_eq(b[j], want[0][j]);
}

/* Same key and counter -> the same bits; any one input changed -> all four words differ. */
Test(rng, determinism_and_independence_of_inputs)
{
    uint64_t a[4], b[4], c[4];
    odt_rng_bits(12345, 678, 9999999999ull, ODT_RNG_STREAM_RELIABILITY, 0, a);
    odt_rng_bits(12345, 678, 9999999999ull, ODT_RNG_STREAM_RELIABILITY, 0, b);
    cr_expect(memcmp(a, b, sizeof a) == 0);
    const uint64_t seeds[6] = {12346, 12345, 12345, 12345, 12345, 12345};
    const uint32_t sats[6] = {678, 679, 678, 678, 678, 678};
    const uint64_t steps[6] = {9999999999ull, 9999999999ull, 10000000000ull, 9999999999ull, 9999999999ull,
                               9999999999ull};
    const uint32_t streams[6] = {ODT_RNG_STREAM_RELIABILITY, ODT_RNG_STREAM_RELIABILITY, ODT_RNG_STREAM_RELIABILITY,
                                 ODT_RNG_STREAM_WORKLOAD, ODT_RNG_STREAM_RELIABILITY, ODT_RNG_STREAM_RELIABILITY};
    const uint32_t subs[6] = {0, 0, 0, 0, 1, 0};
    for (int v = 0; v < 5; ++v) {
        odt_rng_bits(seeds[v], sats[v], steps[v], streams[v], subs[v], c);
        for (int j = 0; j < 4; ++j)
            cr_expect_neq(c[j], a[j], "variant %d word %d", v, j);
    }
    double u1[4], u2[4];
    odt_rng_uniform(1, 2, 3, 4, u1);
    odt_rng_uniform(1, 2, 3, 4, u2);
    cr_expect(memcmp(u1, u2, sizeof u1) == 0);
}

/* The conversion's extremes: 0 -> 2^-53, all ones -> 1 - 2^-53; never 0 or 1. */
Test(rng, open_interval_conversion)
{
    cr_expect_eq(odt_rng_u01(0), ldexp(1.0, -53));
    cr_expect_eq(odt_rng_u01(~0ull), 1.0 - ldexp(1.0, -53));
    cr_expect_eq(odt_rng_u01(1ull << 63), 0.5 + ldexp(1.0, -53));
    cr_expect(odt_rng_u01(~0ull) < 1.0);
}

/*
 * 1e6 uniforms (250,000 calls x 4): chi-square over 1000 equal bins below
 * its alpha = 0.001 critical value (df 999: 1142.9); mean within 4 sigma of
 * 1/2 (sigma = sqrt(1/12/N) = 2.9e-4); variance within 4 sigma of 1/12
 * (sigma = sqrt(1/180/N) = 7.5e-5); lag-1 correlation between steps below
 * 4/sqrt(N); every value strictly inside (0, 1).
 */
Test(rng, uniformity_mean_variance)
{
    enum { NB = 1000, NCALL = 250000 };
    static long bins[NB];
    memset(bins, 0, sizeof bins);
    const double n = 4.0 * NCALL;
    double s = 0.0, s2 = 0.0, lag = 0.0, prev = 0.5;
    for (uint64_t k = 0; k < NCALL; ++k) {
        double u[4];
        odt_rng_uniform(2024, (uint32_t)(k % 97), k, ODT_RNG_STREAM_RELIABILITY, u);
        for (int j = 0; j < 4; ++j) {
            cr_assert(u[j] > 0.0 && u[j] < 1.0);
            bins[(int)(u[j] * NB)]++;
            s += u[j];
            s2 += (u[j] - 0.5) * (u[j] - 0.5);
        }
        lag += (u[0] - 0.5) * (prev - 0.5);
        prev = u[0];
    }
    double chi2 = 0.0;
    const double e = n / NB;
    for (int b = 0; b < NB; ++b)
        chi2 += (bins[b] - e) * (bins[b] - e) / e;
    cr_log_info("uniform: chi2 %.1f (critical %.1f), mean %.6f, variance %.6f", chi2, chi2_crit_001(NB - 1), s / n,
                s2 / n);
    cr_expect(chi2 < chi2_crit_001(NB - 1), "chi2 = %.1f, critical %.1f", chi2, chi2_crit_001(NB - 1));
    cr_expect(fabs(s / n - 0.5) < 4.0 * sqrt(1.0 / 12.0 / n), "mean %.6f", s / n);
    cr_expect(fabs(s2 / n - 1.0 / 12.0) < 4.0 * sqrt(1.0 / 180.0 / n), "variance %.6f", s2 / n);
    const double rho = lag / NCALL * 12.0;
    cr_expect(fabs(rho) < 4.0 / sqrt((double)NCALL), "lag-1 correlation %.5f", rho);
}

/* ================================================================== binomial sampler */

/* Binomial pmf by logs, written here independently of the sampler's recurrence. */
static double binom_pmf(int n, int k, double p)
{
    return exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) + (n - k) * log1p(-p));
}

/* reference: n Bernoulli trials, one uniform each (the per-accelerator scheme) */
static int binom_bernoulli(int n, double p, uint64_t step)
{
    int f = 0;
    for (int j = 0; j < n; j += 4) {
        double u[4];
        odt_rng_uniform(99, (uint32_t)j, step, ODT_RNG_STREAM_TEST, u);
        for (int m = 0; m < 4 && j + m < n; ++m)
            f += u[m] < p;
    }
    return f;
}

/*
 * odt_rel_binomial against the binomial pmf: chi-square (bins with expected
 * count < 5 pooled into the tail) below the alpha = 0.001 critical value for
 * (n, p) = (64, 0.05), (8, 0.7) (survivor branch), (64, 1e-4) (the usual
 * case, a rare failure), 2e5 samples each; and the mean of the reference
 * per-accelerator Bernoulli scheme agrees within 4 standard errors.
 */
Test(binomial, matches_pmf_and_bernoulli_reference)
{
    const int ns[3] = {64, 8, 64};
    const double ps[3] = {0.05, 0.7, 1e-4};
    enum { NS = 200000 };
    for (int c = 0; c < 3; ++c) {
        const int n = ns[c];
        const double p = ps[c];
        long cnt[65] = {0};
        double mean_inv = 0.0, mean_ref = 0.0;
        for (uint64_t k = 0; k < NS; ++k) {
            double u[4];
            odt_rng_uniform(5, (uint32_t)c, k, ODT_RNG_STREAM_TEST, u);
            const int f = odt_rel_binomial(n, p, u[0]);
            cr_assert(f >= 0 && f <= n);
            cnt[f]++;
            mean_inv += f;
            mean_ref += binom_bernoulli(n, p, k + 1000000ull * (uint64_t)c);
        }
        double chi2 = 0.0, e_tail = 0.0;
        long o_tail = 0;
        int df = -1;
        for (int f = 0; f <= n; ++f) {
            const double e = NS * binom_pmf(n, f, p);
            if (e >= 5.0) {
                chi2 += (cnt[f] - e) * (cnt[f] - e) / e;
                ++df;
            } else {
                e_tail += e;
                o_tail += cnt[f];
            }
        }
        if (e_tail > 0.0) {
            chi2 += (o_tail - e_tail) * (o_tail - e_tail) / e_tail;
            ++df;
        }
        cr_log_info("binomial(%d, %g): chi2 %.2f, df %d, critical %.2f", n, p, chi2, df, chi2_crit_001(df));
        if (df >= 1)
            cr_expect(chi2 < chi2_crit_001(df), "case %d: chi2 %.2f, df %d, critical %.2f", c, chi2, df,
                      chi2_crit_001(df));
        const double se = sqrt(n * p * (1.0 - p) / NS);
        cr_expect(fabs(mean_inv / NS - n * p) < 4.0 * se, "case %d: inversion mean %.5f vs %.5f", c, mean_inv / NS,
                  n * p);
        cr_expect(fabs(mean_ref / NS - n * p) < 4.0 * se, "case %d: Bernoulli mean %.5f vs %.5f", c, mean_ref / NS,
                  n * p);
    }
    /* edges */
    cr_expect_eq(odt_rel_binomial(8, 0.0, 0.999), 0);
    cr_expect_eq(odt_rel_binomial(8, 1.0, 0.001), 8);
    cr_expect_eq(odt_rel_binomial(0, 0.5, 0.5), 0);
    cr_expect_eq(odt_rel_binomial(1000, 0.5, 1.0 - ldexp(1.0, -53)) <= 1000, 1);
}

/* ================================================================== hazard model */

/* survival at device age t, written directly: S(t) = (1 - p_w + p_w exp(-(t/lambda)^k)) exp(-r t) */
static double surv(const struct odt_rel_params *p, double t)
{
    const double sw = 1.0 - p->weak_fraction + p->weak_fraction * exp(-pow(t / p->weibull_scale_s, p->weibull_shape));
    return sw * exp(-p->random_rate_per_yr * t / YEAR_S);
}

/* in-orbit failure probability by time t after launch, with burn-in b: 1 - S(b + t) / S(b) */
static double fail_by(const struct odt_rel_params *p, double t)
{
    return 1.0 - surv(p, p->burn_in_s + t) / surv(p, p->burn_in_s);
}

/*
 * Defaults by hand: without burn-in 1 - S(100 h) = 0.0307177 ("about 3 % in
 * the first 100 h"); first-year in-orbit failures 0.0776421 (no burn-in),
 * 0.0540069 (48 h), 0.0455705 (168 h) (evaluated from S(t) above in
 * double precision; 1e-6 absolute).
 */
Test(hazard, default_numbers)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.burn_in_s = 0.0;
    cr_expect(fabs(odt_rel_fail_prob(&p, 0.0, 100.0 * HOUR_S) - 0.0307177) < 1e-6);
    const double want[3] = {0.0776421, 0.0540069, 0.0455705}, b[3] = {0.0, 48.0, 168.0};
    for (int i = 0; i < 3; ++i) {
        p.burn_in_s = b[i] * HOUR_S;
        cr_expect(fabs(1.0 - odt_rel_survival_in_orbit(&p, YEAR_S) - want[i]) < 1e-6, "b = %g h: %.7f", b[i],
                  1.0 - odt_rel_survival_in_orbit(&p, YEAR_S));
        cr_expect(fabs(fail_by(&p, YEAR_S) - want[i]) < 1e-6);
    }
    /* defaults as documented */
    const struct odt_rel_params d = odt_rel_params_default();
    cr_expect_eq(d.burn_in_s, 48.0 * HOUR_S);
    cr_expect_eq(d.random_rate_per_yr, 0.04);
}

/*
 * Plain Weibull (p_w = 1, r = 0): H(t) = (t/lambda)^k and h(t) =
 * (k/lambda)(t/lambda)^(k-1) exactly (1e-12 relative); for the mixture,
 * h = dH/dt by a central difference (1e-6 relative); fail_prob is
 * multiplicative over split intervals (1e-12).
 */
Test(hazard, weibull_forms_and_consistency)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.weak_fraction = 1.0;
    p.random_rate_per_yr = 0.0;
    p.weibull_shape = 0.6;
    p.weibull_scale_s = 1e7;
    for (int i = 1; i <= 50; ++i) {
        const double t = 1e3 * pow(1.3, i);
        const double z = pow(t / 1e7, 0.6), h = 0.6 / 1e7 * pow(t / 1e7, -0.4);
        cr_assert(fabs(odt_rel_cum_hazard(&p, t) - z) <= 1e-12 * z);
        cr_assert(fabs(odt_rel_hazard(&p, t) - h) <= 1e-12 * h);
    }
    const struct odt_rel_params m = odt_rel_params_default();
    for (int i = 1; i <= 40; ++i) {
        const double t = 60.0 * pow(1.5, i), dt = t * 1e-5;
        const double num = (odt_rel_cum_hazard(&m, t + dt) - odt_rel_cum_hazard(&m, t - dt)) / (2.0 * dt);
        const double h = odt_rel_hazard(&m, t);
        cr_assert(fabs(num - h) <= 1e-6 * h, "t = %g s: dH/dt %.10g vs h %.10g", t, num, h);
        /* survival over [a, a + 2d] = survival over [a, a + d] x survival over [a + d, a + 2d] */
        const double s_all = 1.0 - odt_rel_fail_prob(&m, t, 2.0 * t);
        const double s_12 = (1.0 - odt_rel_fail_prob(&m, t, t)) * (1.0 - odt_rel_fail_prob(&m, 2.0 * t, t));
        cr_assert(fabs(s_all - s_12) <= 1e-12, "t = %g: %.15g vs %.15g", t, s_all, s_12);
        /* against the directly written survival function */
        const double direct = 1.0 - surv(&m, m.burn_in_s + 3.0 * t) / surv(&m, m.burn_in_s + t);
        cr_assert(fabs(odt_rel_fail_prob(&m, t, 2.0 * t) - direct) <= 1e-12 + 1e-9 * direct);
    }
    cr_expect_eq(odt_rel_fail_prob(&m, 0.0, 0.0), 0.0);
    cr_expect_eq(odt_rel_cum_hazard(&m, 0.0), 0.0);
}

/* ================================================================== fleet statistics */

#define NNODE 1563 /* x 64 = 100,032 accelerators */
#define NACC 64

/* step k's length: 1 h for the first 30 days, then 1 day, to 5 years */
static int fleet_steps(double *t_end, int max)
{
    int n = 0;
    double t = 0.0;
    while (t < 5.0 * YEAR_S - 1.0 && n < max) {
        const double dt = t < 30.0 * ODT_SEC_PER_DAY ? HOUR_S : ODT_SEC_PER_DAY;
        t += dt;
        t_end[n++] = t;
    }
    return n;
}

/*
 * 100,032 accelerators (1563 nodes of 64, no spares, no burn-in) over five
 * years: the fraction failed at 100 h, 30 d, 1 yr and 5 yr is within 4
 * binomial standard errors of 1 - S(t)/S(0); the Kolmogorov-Smirnov distance
 * between the failure times (at step ends, where the discrete sampling is
 * exact) and that CDF is below the alpha = 0.001 critical value 1.9495/sqrt(N)
 * = 0.00616 (conservative for data censored at 5 years). Visiting the nodes
 * in reverse order gives the same fleet, bit for bit.
 */
Test(fleet, failure_times_match_weibull_and_exponential)
{
    static double t_end[3000];
    static long failed_at[3000];
    static struct odt_rel_state st[NNODE], st_rev[NNODE];
    const int ns = fleet_steps(t_end, 3000);
    struct odt_rel_params p = odt_rel_params_default();
    p.burn_in_s = 0.0;
    p.sefi_rate_per_day = 0.0;
    for (int i = 0; i < NNODE; ++i) {
        odt_rel_state_init(&st[i], NACC, 0);
        odt_rel_state_init(&st_rev[i], NACC, 0);
    }
    memset(failed_at, 0, sizeof failed_at);
    for (int k = 0; k < ns; ++k) {
        const double dt = t_end[k] - (k ? t_end[k - 1] : 0.0);
        for (int i = 0; i < NNODE; ++i) {
            double u[4];
            struct odt_rel_step_out o;
            odt_rng_uniform(42, (uint32_t)i, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
            odt_rel_step(&p, &st[i], dt, 0, u, &o);
            failed_at[k] += o.failed;
            cr_assert(o.spares_used == 0 && o.lost == o.failed);
        }
        for (int i = NNODE - 1; i >= 0; --i) {
            double u[4];
            struct odt_rel_step_out o;
            odt_rng_uniform(42, (uint32_t)i, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
            odt_rel_step(&p, &st_rev[i], dt, 0, u, &o);
        }
    }
    const double n = (double)NNODE * NACC;
    double cum = 0.0, d_max = 0.0;
    const double checks[4] = {100.0 * HOUR_S, 30.0 * ODT_SEC_PER_DAY, 365.0 * ODT_SEC_PER_DAY, t_end[ns - 1]};
    int ci = 0;
    for (int k = 0; k < ns; ++k) {
        cum += failed_at[k];
        const double f_emp = cum / n, f = fail_by(&p, t_end[k]);
        d_max = fmax(d_max, fabs(f_emp - f));
        if (ci < 4 && fabs(t_end[k] - checks[ci]) < 1.0) {
            const double se = sqrt(f * (1.0 - f) / n);
            cr_expect(fabs(f_emp - f) < 4.0 * se, "t = %.0f h: failed %.5f, expected %.5f (4 SE %.5f)",
                      t_end[k] / HOUR_S, f_emp, f, 4.0 * se);
            ++ci;
        }
    }
    cr_expect_eq(ci, 4, "all check times were step ends");
    cr_log_info("fleet: KS D %.5f (critical %.5f), failed by 5 yr %.5f (expected %.5f)", d_max, 1.9495 / sqrt(n),
                cum / n, fail_by(&p, t_end[ns - 1]));
    cr_expect(d_max < 1.9495 / sqrt(n), "KS D = %.5f, critical %.5f", d_max, 1.9495 / sqrt(n));
    long alive = 0;
    for (int i = 0; i < NNODE; ++i) {
        alive += st[i].n_working;
        cr_assert(memcmp(&st[i], &st_rev[i], sizeof st[i]) == 0, "node %d depends on the visiting order", i);
    }
    cr_expect_eq((double)alive, n - cum);
}

/*
 * Burn-in of 0, 48 and 168 h: first-year in-orbit failures of 100,032
 * accelerators (daily steps) within 4 binomial standard errors of
 * 1 - S(b + 1 yr)/S(b) (0.0776, 0.0540, 0.0456 by hand), and strictly
 * ordered by more than 4 combined standard errors.
 */
Test(fleet, burn_in_reduces_first_year_failures)
{
    const double b_h[3] = {0.0, 48.0, 168.0};
    double frac[3];
    const double n = (double)NNODE * NACC;
    for (int c = 0; c < 3; ++c) {
        struct odt_rel_params p = odt_rel_params_default();
        p.burn_in_s = b_h[c] * HOUR_S;
        p.sefi_rate_per_day = 0.0;
        long failed = 0;
        for (int i = 0; i < NNODE; ++i) {
            struct odt_rel_state s;
            odt_rel_state_init(&s, NACC, 0);
            for (int k = 0; k < 365; ++k) {
                double u[4];
                struct odt_rel_step_out o;
                odt_rng_uniform(1000 + (uint64_t)c, (uint32_t)i, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
                odt_rel_step(&p, &s, ODT_SEC_PER_DAY, 0, u, &o);
                failed += o.failed;
            }
        }
        frac[c] = failed / n;
        const double f = fail_by(&p, 365.0 * ODT_SEC_PER_DAY);
        cr_log_info("burn-in %g h: first-year failures %.5f, expected %.5f", b_h[c], frac[c], f);
        const double se = sqrt(f * (1.0 - f) / n);
        cr_expect(fabs(frac[c] - f) < 4.0 * se, "burn-in %g h: %.5f vs %.5f (4 SE %.5f)", b_h[c], frac[c], f,
                  4.0 * se);
    }
    for (int c = 0; c < 2; ++c) {
        const double se = sqrt(frac[c] * (1 - frac[c]) / n + frac[c + 1] * (1 - frac[c + 1]) / n);
        cr_expect(frac[c] - frac[c + 1] > 4.0 * se, "burn-in %g h -> %g h: %.5f -> %.5f", b_h[c], b_h[c + 1],
                  frac[c], frac[c + 1]);
    }
}

/* Spares replace failures until none are left; the books balance. */
Test(fleet, spares_then_degradation)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.random_rate_per_yr = 2.0; /* accelerated, to see the spares run out */
    p.sefi_rate_per_day = 0.0;
    struct odt_rel_state s;
    odt_rel_state_init(&s, 8, 3);
    int used = 0, lost = 0, failed = 0;
    for (int k = 0; k < 2000; ++k) {
        double u[4];
        struct odt_rel_step_out o;
        odt_rng_uniform(3, 1, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
        const int spares_before = s.n_spares;
        odt_rel_step(&p, &s, ODT_SEC_PER_DAY, 0, u, &o);
        cr_assert_eq(o.spares_used, o.failed < spares_before ? o.failed : spares_before);
        cr_assert_eq(o.failed, o.spares_used + o.lost);
        cr_assert(s.n_working == 8 || s.n_spares == 0, "working dropped while spares were left");
        used += o.spares_used;
        lost += o.lost;
        failed += o.failed;
    }
    cr_expect_eq(used, 3);
    cr_expect_eq(s.n_spares, 0);
    cr_expect_eq(s.n_working, 8 - lost);
    cr_expect_eq(s.n_failed, failed);
    cr_expect(s.n_working < 8);
    cr_expect(s.n_working >= 0);
}

/* ================================================================== radiation interrupts */

/*
 * Interrupts at the configured rate: 8 accelerators at 1 restart per
 * accelerator per day, no downtime, 1e6 one-minute steps (694 days): the
 * count is within 4 sigma of sum_k p_k (Bernoulli per step) and of the
 * Poisson mean 8 x 694.4 = 5555.6 (4 sqrt(mean) = 298); inside the SAA (x5)
 * over 2e5 steps the same holds with the rate x5.
 */
Test(sefi, rate_outside_and_inside_saa)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.sefi_rate_per_day = 1.0;
    p.sefi_downtime_s = 0.0;
    p.random_rate_per_yr = 0.0;
    p.weak_fraction = 0.0;
    const double dt = 60.0;
    const int nsteps[2] = {1000000, 200000};
    long count[2] = {0, 0};
    for (int saa = 0; saa < 2; ++saa) {
        struct odt_rel_state s;
        odt_rel_state_init(&s, 8, 0);
        for (int k = 0; k < nsteps[saa]; ++k) {
            double u[4];
            struct odt_rel_step_out o;
            odt_rng_uniform(77, (uint32_t)saa, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
            odt_rel_step(&p, &s, dt, saa, u, &o);
            count[saa] += o.interrupt_started;
            cr_assert_eq(o.up_fraction, 1.0);
        }
        cr_log_info("SEFI, SAA %d: %ld restarts in %d steps", saa, count[saa], nsteps[saa]);
        cr_expect_eq(s.n_interrupts, count[saa]);
        cr_expect_eq(s.n_working, 8);
        const double lam = 8.0 * (saa ? 5.0 : 1.0) / ODT_SEC_PER_DAY;
        const double pstep = -expm1(-lam * dt);
        const double mean_b = nsteps[saa] * pstep, sd_b = sqrt(nsteps[saa] * pstep * (1 - pstep));
        const double mean_p = lam * nsteps[saa] * dt;
        cr_expect(fabs(count[saa] - mean_b) < 4.0 * sd_b, "SAA %d: %ld vs %.1f (4 sigma %.1f)", saa, count[saa],
                  mean_b, 4.0 * sd_b);
        cr_expect(fabs(count[saa] - mean_p) < 4.0 * sqrt(mean_p), "SAA %d: %ld vs Poisson %.1f", saa, count[saa],
                  mean_p);
    }
    /* the SAA factor: rate per step ratio 5 within the combined 4-sigma band */
    const double r0 = count[0] / 1e6, r1 = count[1] / 2e5;
    const double se = r1 / 5.0 * sqrt(1.0 / count[0] + 1.0 / count[1]);
    cr_expect(fabs(r1 / 5.0 - r0) < 4.0 * se, "ratio %.3f", r1 / r0);
}

/*
 * Downtime: each restart takes the node down for 600 s (ten 60-s steps);
 * the summed down time equals restarts x 600 s minus what is still pending at
 * the end (1e-9 relative), no restart starts while the node is fully down,
 * and the count matches the rate over the up time (4 sigma).
 */
Test(sefi, downtime_accounting)
{
    struct odt_rel_params p = odt_rel_params_default();
    p.sefi_rate_per_day = 2.0;
    p.sefi_downtime_s = 600.0;
    p.random_rate_per_yr = 0.0;
    p.weak_fraction = 0.0;
    struct odt_rel_state s;
    odt_rel_state_init(&s, 8, 0);
    const double dt = 60.0;
    double down = 0.0, up = 0.0;
    long count = 0;
    for (int k = 0; k < 500000; ++k) {
        double u[4];
        struct odt_rel_step_out o;
        odt_rng_uniform(78, 0, (uint64_t)k, ODT_RNG_STREAM_RELIABILITY, u);
        const double pending = s.downtime_s;
        odt_rel_step(&p, &s, dt, 0, u, &o);
        cr_assert(!(pending >= dt && o.interrupt_started), "restart started while down");
        cr_assert(o.up_fraction >= 0.0 && o.up_fraction <= 1.0);
        down += (1.0 - o.up_fraction) * dt;
        up += o.up_fraction * dt;
        count += o.interrupt_started;
    }
    const double want = count * 600.0 - s.downtime_s;
    cr_expect(fabs(down - want) <= 1e-9 * want, "down %.3f s vs %.3f s", down, want);
    const double lam = 8.0 * 2.0 / ODT_SEC_PER_DAY, mean = lam * up;
    cr_expect(fabs(count - mean) < 4.0 * sqrt(mean) + 0.01 * mean, "count %ld vs %.1f over the up time", count, mean);
}

/* ================================================================== SAA region and Earth-fixed frame */

static int saa_deg(double lat, double lon, double alt)
{
    return odt_in_saa(lat * ODT_DEG2RAD, lon * ODT_DEG2RAD, alt);
}

/* Known points: inside over south-east Brazil and the South Atlantic, outside elsewhere and too low. */
Test(saa, known_points)
{
    cr_expect(saa_deg(-30.0, -45.0, 550.0), "(-30, -45): the SAA core");
    cr_expect(saa_deg(-27.0, -45.0, 550.0), "centre");
    cr_expect(saa_deg(-23.0, -43.0, 550.0), "Rio de Janeiro");
    cr_expect(saa_deg(-30.0, -45.0 + 360.0, 550.0), "longitude given as 315 deg east");
    cr_expect(saa_deg(-15.0, -70.0, 800.0), "Peru/Bolivia edge");
    cr_expect(!saa_deg(48.0, 10.0, 550.0), "Europe");
    cr_expect(!saa_deg(52.0, 0.0, 550.0), "London");
    cr_expect(!saa_deg(-34.0, 18.0, 550.0), "Cape Town");
    cr_expect(!saa_deg(-30.0, -150.0, 550.0), "South Pacific");
    cr_expect(!saa_deg(30.0, -45.0, 550.0), "North Atlantic, mirrored latitude");
    cr_expect(!saa_deg(-30.0, -45.0, 100.0), "below 200 km");
    cr_expect(!saa_deg(-70.0, -45.0, 550.0), "Antarctic");
}

/*
 * Earth-fixed position from the Earth rotation angle: hand cases (ERA = 90
 * deg turns GCRS +x to longitude -90 deg), and against ERFA's full
 * GCRS->ITRS (IAU 2006/2000A, polar motion 0) on 2026-01-01: the angle
 * between the two is below 0.25 deg everywhere (30 km at 7000 km) and above
 * 0.05 deg somewhere (the ignored precession-nutation), as the header states.
 */
Test(saa, ecef_approximation)
{
    const double r[3] = {7000.0, 0.0, 0.0};
    double e[3], lat, lon, alt;
    odt_ecef_from_gcrs_approx(r, ODT_PI / 2.0, e);
    cr_expect(fabs(e[0]) < 1e-9 && fabs(e[1] + 7000.0) < 1e-9 && e[2] == 0.0);
    odt_latlon_from_ecef(e, &lat, &lon, &alt);
    cr_expect(fabs(lon + ODT_PI / 2.0) < 1e-12 && fabs(lat) < 1e-12);
    cr_expect(fabs(alt - (7000.0 - ODT_EARTH_RADIUS_KM)) < 1e-9, "equatorial altitude %.6f", alt);
    /* over the pole the ellipsoid radius is the polar radius 6356.752 km */
    const double pole[3] = {0.0, 0.0, 7000.0};
    odt_latlon_from_ecef(pole, &lat, &lon, &alt);
    cr_expect(fabs(lat - ODT_PI / 2.0) < 1e-12 && fabs(alt - (7000.0 - 6356.7523142)) < 1e-6, "polar alt %.6f", alt);

    double d1, d2, rc2t[3][3];
    eraCal2jd(2026, 1, 1, &d1, &d2);
    const double ut1 = d2, tt = d2 + 69.184 / ODT_SEC_PER_DAY; /* UT1 ~ UTC; TT = UTC + 69.184 s */
    eraC2t06a(d1, tt, d1, ut1, 0.0, 0.0, rc2t);
    const double era = eraEra00(d1, ut1);
    double ang_max = 0.0;
    for (int i = 0; i < 12; ++i) {
        const double a = i * ODT_TWOPI / 12.0, b = (i % 5 - 2) * 0.5;
        double rg[3] = {7000.0 * cos(b) * cos(a), 7000.0 * cos(b) * sin(a), 7000.0 * sin(b)};
        double full[3], approx[3];
        eraRxp(rc2t, rg, full);
        odt_ecef_from_gcrs_approx(rg, era, approx);
        const double dot = (full[0] * approx[0] + full[1] * approx[1] + full[2] * approx[2]) / (7000.0 * 7000.0);
        const double ang = acos(fmin(1.0, dot)) * ODT_RAD2DEG;
        cr_expect(ang < 0.25, "point %d: %.4f deg", i, ang);
        ang_max = fmax(ang_max, ang);
    }
    cr_expect(ang_max > 0.05, "largest difference %.4f deg: the ignored precession shows", ang_max);
}
