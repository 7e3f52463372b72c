/*
 * test_demand.c: the inference demand model and the dispatch policy
 * (host/demand.c, host/demand.h).
 *
 * Expectations are independent of the implementation: numerical integration
 * and search instead of the closed forms, calendar facts (2026-06-21 is a
 * Sunday, 2000-01-01 a Saturday, 2024-03-01 a Friday), the statistics of a
 * Gaussian AR(1) (variance, Bartlett's standard error of the autocorrelation,
 * the variance of a mean of correlated log-normal samples) and exact integer
 * conservation. Statistical checks use a fixed seed and a stated number of
 * standard errors, so they are deterministic.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/demand.h"
#include "host/ephem.h"

static struct odt_epoch epoch(const char *text)
{
    struct odt_epoch ep;
    char err[256] = "";
    cr_assert_eq(odt_epoch_parse(text, &ep, err, sizeof err), ODT_OK, "epoch '%s': %s", text, err);
    return ep;
}

static struct odt_demand_params defaults(void)
{
    struct odt_demand_params p;
    odt_demand_params_default(&p);
    char err[256] = "";
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_OK, "%s", err);
    return p;
}

/* splitmix64: the tests' own random numbers (independent of Philox). */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return (double)(mix(s) >> 11) * (1.0 / 9007199254740992.0); }

/* ------------------------------------------------------------------ parameters */

Test(demand, defaults_valid_and_shares_sum_to_one)
{
    struct odt_demand_params p = defaults();
    cr_assert_eq(p.n_regions, 5);
    double s = 0.0;
    for (int r = 0; r < p.n_regions; ++r)
        s += p.region[r].share;
    cr_assert(fabs(s - 1.0) < 1e-12, "default shares sum to %.15f", s);
}

Test(demand, bad_parameters_refused_with_their_name)
{
    /* each case breaks one parameter */
    struct odt_demand_params p;
    char err[256];

    p = defaults(), p.diurnal_amplitude = 1.0;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "diurnal_amplitude"), "%s", err);

    p = defaults(), p.diurnal_trough_h = 22.0; /* 2 h after a 20 h peak: the curve would fold */
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "diurnal_trough_h"), "%s", err);

    p = defaults(), p.region[3].share = -0.1;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "share") && strstr(err, "asia"), "%s", err);

    p = defaults(), p.noise_sigma = 3.0;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "noise_sigma"), "%s", err);

    p = defaults(), p.noise_correlation_s = 0.0;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "noise_correlation_s"), "%s", err);

    p = defaults(), p.weekend_factor = 0.0;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "weekend_factor"), "%s", err);

    p = defaults(), p.n_regions = 0;
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "demand_regions"), "%s", err);
}

/* ------------------------------------------------------------------ daily curve */

/* Shapes tried: (peak h, trough h, amplitude). */
static const double SHAPES[][3] = {
    {20.0, 4.0, 0.4}, {20.0, 4.0, 0.9}, {14.0, 3.0, 0.5}, {0.5, 12.5, 0.3}, {22.0, 5.0, 0.6},
    {9.0, 2.0, 0.7},  {3.0, 20.0, 0.2}, {20.0, 4.0, 0.0},
};
#define N_SHAPES (sizeof SHAPES / sizeof SHAPES[0])

static struct odt_demand_params shape(size_t i)
{
    struct odt_demand_params p = defaults();
    p.diurnal_peak_h = SHAPES[i][0];
    p.diurnal_trough_h = SHAPES[i][1];
    p.diurnal_amplitude = SHAPES[i][2];
    char err[256] = "";
    cr_assert_eq(odt_demand_params_check(&p, err, sizeof err), ODT_OK, "shape %zu: %s", i, err);
    return p;
}

/* Composite Simpson over one day, 48000 intervals (h = 1.8 s); error ~ h^4 D'''' < 1e-14. */
static double day_mean_simpson(const struct odt_demand_params *p, double h0)
{
    const int n = 48000;
    const double h = 24.0 / n;
    double s = odt_demand_diurnal(p, h0) + odt_demand_diurnal(p, h0 + 24.0);
    for (int i = 1; i < n; ++i)
        s += (i % 2 ? 4.0 : 2.0) * odt_demand_diurnal(p, h0 + i * h);
    return s * h / 3.0 / 24.0;
}

Test(demand, diurnal_mean_is_one)
{
    for (size_t i = 0; i < N_SHAPES; ++i) {
        const struct odt_demand_params p = shape(i);
        for (double h0 = 0.0; h0 < 24.0; h0 += 7.3) {
            const double m = day_mean_simpson(&p, h0);
            cr_assert(fabs(m - 1.0) < 1e-9, "shape %zu from %.1f h: mean %.15f", i, h0, m);
        }
    }
}

/* Golden-section search for an extremum of sign*D in [a, b]. */
static double golden(const struct odt_demand_params *p, double a, double b, double sign)
{
    const double g = 0.6180339887498949;
    double c = b - g * (b - a), d = a + g * (b - a);
    for (int it = 0; it < 200 && b - a > 1e-9; ++it) {
        if (sign * odt_demand_diurnal(p, c) > sign * odt_demand_diurnal(p, d))
            b = d;
        else
            a = c;
        c = b - g * (b - a), d = a + g * (b - a);
    }
    return 0.5 * (a + b);
}

/* Hour distance on the 24 h circle. */
static double hdist(double a, double b)
{
    double d = fmod(fabs(a - b), 24.0);
    return d > 12.0 ? 24.0 - d : d;
}

Test(demand, diurnal_peak_and_trough_at_configured_hours)
{
    for (size_t i = 0; i + 1 < N_SHAPES; ++i) { /* the last shape is flat */
        const struct odt_demand_params p = shape(i);
        const int n = 24000; /* 3.6 s grid */
        int imax = 0, imin = 0, nmax = 0, nmin = 0;
        double v[24000];
        for (int k = 0; k < n; ++k)
            v[k] = odt_demand_diurnal(&p, 24.0 * k / n);
        for (int k = 0; k < n; ++k) {
            const double l = v[(k + n - 1) % n], r = v[(k + 1) % n];
            if (v[k] > v[imax])
                imax = k;
            if (v[k] < v[imin])
                imin = k;
            nmax += v[k] > l && v[k] >= r;
            nmin += v[k] < l && v[k] <= r;
        }
        cr_assert_eq(nmax, 1, "shape %zu: %d local maxima", i, nmax);
        cr_assert_eq(nmin, 1, "shape %zu: %d local minima", i, nmin);
        const double hmax = golden(&p, 24.0 * (imax - 2) / n, 24.0 * (imax + 2) / n, 1.0);
        const double hmin = golden(&p, 24.0 * (imin - 2) / n, 24.0 * (imin + 2) / n, -1.0);
        cr_assert(hdist(hmax, p.diurnal_peak_h) < 1e-4, "shape %zu: peak at %.6f h, configured %.2f", i, hmax,
                  p.diurnal_peak_h);
        cr_assert(hdist(hmin, p.diurnal_trough_h) < 1e-4, "shape %zu: trough at %.6f h, configured %.2f", i, hmin,
                  p.diurnal_trough_h);
        /* peak and trough values: 1 + A and 1 - A */
        cr_assert(fabs(odt_demand_diurnal(&p, p.diurnal_peak_h) - (1.0 + p.diurnal_amplitude)) < 1e-14);
        cr_assert(fabs(odt_demand_diurnal(&p, p.diurnal_trough_h) - (1.0 - p.diurnal_amplitude)) < 1e-14);
        /* periodic */
        cr_assert(fabs(odt_demand_diurnal(&p, 5.3) - odt_demand_diurnal(&p, 5.3 + 48.0)) < 1e-13);
    }
    const struct odt_demand_params flat = shape(N_SHAPES - 1);
    for (double h = 0.0; h < 24.0; h += 0.25)
        cr_assert(fabs(odt_demand_diurnal(&flat, h) - 1.0) < 1e-15);
}

/* ------------------------------------------------------------------ calendar and weekly factor */

Test(demand, weekly_factor_mean_one_and_ratio)
{
    struct odt_demand_params p = defaults();
    const double fs[] = {0.8, 0.5, 1.0, 1.3, 3.0};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; ++i) {
        p.weekend_factor = fs[i];
        double s = 0.0;
        for (int d = 0; d < 7; ++d)
            s += odt_demand_weekly(&p, d);
        cr_assert(fabs(s / 7.0 - 1.0) < 1e-15, "f = %g: weekly mean %.17f", fs[i], s / 7.0);
        for (int d = 0; d < 5; ++d)
            cr_assert(fabs(odt_demand_weekly(&p, 6) / odt_demand_weekly(&p, d) - fs[i]) < 1e-15);
        cr_assert(fabs(odt_demand_weekly(&p, 5) - odt_demand_weekly(&p, 6)) < 1e-15);
    }
}

Test(demand, local_time_and_weekday)
{
    int wd = -1;
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z"); /* a Sunday */
    cr_assert(fabs(odt_demand_local_time(&e, 0.0, 0.0, &wd) - 0.0) < 1e-9);
    cr_assert_eq(wd, 6);
    cr_assert(fabs(odt_demand_local_time(&e, 0.0, -90.0, &wd) - 18.0) < 1e-9);
    cr_assert_eq(wd, 5, "06-20 at 18:00 local is a Saturday");
    cr_assert(fabs(odt_demand_local_time(&e, 0.0, 100.0, &wd) - 100.0 / 15.0) < 1e-9);
    cr_assert_eq(wd, 6);
    cr_assert(fabs(odt_demand_local_time(&e, 86400.0 + 3600.0, 0.0, &wd) - 1.0) < 1e-9);
    cr_assert_eq(wd, 0, "Monday");
    cr_assert(fabs(odt_demand_local_time(&e, 6.0 * 86400.0, 0.0, &wd)) < 1e-9);
    cr_assert_eq(wd, 5, "2026-06-27 is a Saturday");

    const struct odt_epoch y2k = epoch("2000-01-01T12:00:00Z"); /* a Saturday */
    cr_assert(fabs(odt_demand_local_time(&y2k, 0.0, 0.0, &wd) - 12.0) < 1e-9);
    cr_assert_eq(wd, 5);
    cr_assert(fabs(odt_demand_local_time(&y2k, 0.0, -179.0, &wd) - (12.0 - 179.0 / 15.0)) < 1e-9);
    cr_assert_eq(wd, 5);

    const struct odt_epoch leap = epoch("2024-02-29T23:30:00Z"); /* a Thursday; 03-01 is a Friday */
    cr_assert(fabs(odt_demand_local_time(&leap, 0.0, 15.0, &wd) - 0.5) < 1e-9);
    cr_assert_eq(wd, 4);
    odt_demand_local_time(&leap, 0.0, 0.0, &wd);
    cr_assert_eq(wd, 3);
    /* one year of days later: 2025-02-28 23:30 is a Friday (366 days, 52 weeks + 2 days) */
    odt_demand_local_time(&leap, 365.0 * 86400.0, 0.0, &wd);
    cr_assert_eq(wd, 4);
}

Test(demand, weekly_factor_mean_one_over_a_week_of_samples)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-03-10T07:13:00Z");
    for (int r = 0; r < p.n_regions; ++r) {
        double s = 0.0;
        for (int k = 0; k < 7 * 144; ++k) {
            int wd;
            odt_demand_local_time(&e, 600.0 * k, p.region[r].longitude_deg, &wd);
            s += odt_demand_weekly(&p, wd);
        }
        cr_assert(fabs(s / (7 * 144) - 1.0) < 1e-12, "region %d: %.15f", r, s / (7 * 144));
    }
}

/* ------------------------------------------------------------------ global rate */

Test(demand, global_mean_over_a_week_noise_off)
{
    struct odt_demand_params p = defaults();
    p.noise_sigma = 0.0;
    const char *starts[] = {"2026-06-21T00:00:00Z", "2026-03-10T07:13:00Z", "2031-12-31T23:59:59.5Z"};
    for (size_t i = 0; i < 3; ++i) {
        const struct odt_epoch e = epoch(starts[i]);
        double s = 0.0, rr[ODT_DEMAND_MAX_REGIONS];
        for (int k = 0; k < 7 * 144; ++k) {
            const double g = odt_demand_rate(&p, &e, 600.0 * k, 1, rr);
            double sr = 0.0;
            for (int r = 0; r < p.n_regions; ++r)
                sr += rr[r];
            cr_assert(fabs(sr - g) <= 1e-12 * g);
            s += g;
        }
        const double m = s / (7 * 144);
        cr_assert(fabs(m / p.tokens_per_s - 1.0) < 1e-9, "%s: weekly mean %.12g, configured %.12g", starts[i], m,
                  p.tokens_per_s);
    }
}

/* Autocorrelation of x at a lattice lag m for the plain AR(1) with rho = e^{-1/8}. */
static double ar1_corr(long m) { return exp(-fabs((double)m) / 8.0); }

Test(demand, global_mean_over_a_week_noise_on)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    const int K = 7 * 144;
    const double cell = p.noise_correlation_s / 8.0, sg2 = p.noise_sigma * p.noise_sigma;
    /* Var of the sample mean: sum_r (R s_r)^2 / K^2 sum_{k,l} g_r(k) g_r(l) (exp(sg2 c_kl) - 1), with
       g_r the smooth factor D W and c_kl the correlation of ln F between the two samples' cells. */
    static double g[ODT_DEMAND_MAX_REGIONS][7 * 144];
    long cellk[7 * 144];
    for (int k = 0; k < K; ++k) {
        cellk[k] = (long)floor(600.0 * k / cell);
        for (int r = 0; r < p.n_regions; ++r) {
            int wd;
            const double h = odt_demand_local_time(&e, 600.0 * k, p.region[r].longitude_deg, &wd);
            g[r][k] = odt_demand_diurnal(&p, h) * odt_demand_weekly(&p, wd);
        }
    }
    double var = 0.0;
    for (int r = 0; r < p.n_regions; ++r) {
        double v = 0.0;
        for (int k = 0; k < K; ++k)
            for (int l = 0; l < K; ++l) {
                const long m = cellk[k] - cellk[l];
                if (labs(m) < 80)
                    v += g[r][k] * g[r][l] * (exp(sg2 * ar1_corr(m)) - 1.0);
            }
        var += p.region[r].share * p.region[r].share * v / ((double)K * K);
    }
    const double se = sqrt(var); /* relative to R */
    cr_assert(se > 0.003 && se < 0.03, "standard error %.4f", se);
    cr_log_info("weekly mean with noise: standard error %.4f of the rate", se);
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        double s = 0.0;
        for (int k = 0; k < K; ++k)
            s += odt_demand_rate(&p, &e, 600.0 * k, seed, NULL);
        const double rel = s / K / p.tokens_per_s - 1.0;
        cr_assert(fabs(rel) < 4.0 * se, "seed %llu: weekly mean off by %.4f, 4 standard errors = %.4f",
                  (unsigned long long)seed, rel, 4.0 * se);
    }
}

/* ------------------------------------------------------------------ noise */

Test(demand, noise_reproducible_in_any_call_order)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    enum { N = 3000 };
    static double fwd[N], rev[N], shuf[N], other_seed[N], other_region[N];
    const double cell = p.noise_correlation_s / 8.0;
    for (int k = 0; k < N; ++k)
        fwd[k] = odt_demand_noise(&p, 42, 2, (k + 0.25) * cell);
    for (int k = N - 1; k >= 0; --k)
        rev[k] = odt_demand_noise(&p, 42, 2, (k + 0.25) * cell);
    /* a permutation: k -> 1931 k mod N (1931 is prime, coprime to 3000) */
    for (int q = 0; q < N; ++q) {
        const int k = (int)((1931L * q) % N);
        shuf[k] = odt_demand_noise(&p, 42, 2, (k + 0.25) * cell);
    }
    cr_assert(memcmp(fwd, rev, sizeof fwd) == 0, "reverse order differs");
    cr_assert(memcmp(fwd, shuf, sizeof fwd) == 0, "shuffled order differs");
    int same_seed = 0, same_region = 0;
    for (int k = 0; k < N; ++k) {
        other_seed[k] = odt_demand_noise(&p, 43, 2, (k + 0.25) * cell);
        other_region[k] = odt_demand_noise(&p, 42, 3, (k + 0.25) * cell);
        same_seed += other_seed[k] == fwd[k];
        same_region += other_region[k] == fwd[k];
    }
    cr_assert_eq(same_seed, 0);
    cr_assert_eq(same_region, 0);
    /* constant inside a cell, and the rate is reproducible too */
    cr_assert(odt_demand_noise(&p, 42, 2, 10.0 * cell + 1.0) == odt_demand_noise(&p, 42, 2, 10.0 * cell + 400.0));
    double a[ODT_DEMAND_MAX_REGIONS], b[ODT_DEMAND_MAX_REGIONS];
    const double ga = odt_demand_rate(&p, &e, 123456.0, 9, a);
    odt_demand_rate(&p, &e, 999.0, 9, b);
    const double gb = odt_demand_rate(&p, &e, 123456.0, 9, b);
    cr_assert(ga == gb && memcmp(a, b, sizeof(double) * (size_t)p.n_regions) == 0);
}

/* A long noise series ln F at lattice cells 0..N-1, standardised: x = (ln F + sigma^2/2) / sigma. */
enum { NSER = 200000 };
static double series[NSER];

static void fill_series(const struct odt_demand_params *p, uint64_t seed, int region)
{
    const double cell = p->noise_correlation_s / 8.0, sg = p->noise_sigma;
    for (int n = 0; n < NSER; ++n)
        series[n] = (log(odt_demand_noise(p, seed, region, (n + 0.5) * cell)) + 0.5 * sg * sg) / sg;
}

Test(demand, noise_sigma_mean_and_autocorrelation)
{
    const double rho = exp(-1.0 / 8.0);
    const double sigmas[] = {0.1, 0.5};
    for (size_t i = 0; i < 2; ++i) {
        struct odt_demand_params p = defaults();
        p.noise_sigma = sigmas[i];
        p.noise_correlation_s = i == 0 ? 3600.0 : 600.0;
        fill_series(&p, 7 + i, (int)i);
        double m = 0.0;
        for (int n = 0; n < NSER; ++n)
            m += series[n];
        m /= NSER;
        double c0 = 0.0, c1 = 0.0, c8 = 0.0, fmean = 0.0;
        for (int n = 0; n < NSER; ++n) {
            const double d = series[n] - m;
            c0 += d * d;
            if (n + 1 < NSER)
                c1 += d * (series[n + 1] - m);
            if (n + 8 < NSER)
                c8 += d * (series[n + 8] - m);
            fmean += exp(p.noise_sigma * series[n] - 0.5 * p.noise_sigma * p.noise_sigma);
        }
        const double sd = sqrt(c0 / (NSER - 1)), r1 = c1 / c0, r8 = c8 / c0;
        fmean /= NSER;
        /* standard errors for a Gaussian AR(1) of lag-one coefficient rho */
        const double se_mean = sqrt((1.0 + rho) / (1.0 - rho) / NSER);
        const double se_sd = sqrt((1.0 + rho * rho) / (1.0 - rho * rho) / (2.0 * NSER));
        const double se_r8 = sqrt(((1.0 + rho * rho) * (1.0 - pow(rho, 16)) / (1.0 - rho * rho) -
                                   16.0 * pow(rho, 16)) / NSER); /* Bartlett */
        const double se_r1 = sqrt((1.0 - rho * rho) / NSER);
        const double se_f = sqrt(exp(p.noise_sigma * p.noise_sigma) - 1.0) * se_mean;
        cr_assert(fabs(m) < 4.0 * se_mean, "sigma %g: mean of x %.5f, 4 SE %.5f", p.noise_sigma, m, 4 * se_mean);
        cr_assert(fabs(sd - 1.0) < 4.0 * se_sd, "sigma %g: sd of ln F / sigma %.5f, 4 SE %.5f", p.noise_sigma, sd,
                  4 * se_sd);
        cr_assert(fabs(r8 - exp(-1.0)) < 4.0 * se_r8, "sigma %g: autocorrelation at tau %.5f, e^-1 %.5f, 4 SE %.5f",
                  p.noise_sigma, r8, exp(-1.0), 4 * se_r8);
        cr_assert(fabs(r1 - rho) < 4.0 * se_r1, "sigma %g: lag-one %.5f, expected %.5f", p.noise_sigma, r1, rho);
        cr_assert(fabs(fmean - 1.0) < 4.0 * se_f, "sigma %g: mean of F %.5f, 4 SE %.5f", p.noise_sigma, fmean,
                  4 * se_f);
        /* Gaussian marginal: fraction inside one standard deviation, binomial SE inflated by the correlation */
        int inside = 0;
        for (int n = 0; n < NSER; ++n)
            inside += fabs(series[n]) < 1.0;
        const double frac = (double)inside / NSER, pin = 0.6826894921370859;
        cr_assert(fabs(frac - pin) < 4.0 * sqrt(pin * (1 - pin) * (1 + rho) / (1 - rho) / NSER), "inside 1 sd: %.4f",
                  frac);
    }
}

Test(demand, noise_regions_uncorrelated)
{
    const struct odt_demand_params p = defaults();
    const double cell = p.noise_correlation_s / 8.0, rho = exp(-1.0 / 8.0);
    enum { N = 50000 };
    static double a[N], b[N];
    double ma = 0, mb = 0;
    for (int n = 0; n < N; ++n) {
        a[n] = log(odt_demand_noise(&p, 5, 0, (n + 0.5) * cell));
        b[n] = log(odt_demand_noise(&p, 5, 1, (n + 0.5) * cell));
        ma += a[n], mb += b[n];
    }
    ma /= N, mb /= N;
    double sab = 0, saa = 0, sbb = 0;
    for (int n = 0; n < N; ++n)
        sab += (a[n] - ma) * (b[n] - mb), saa += (a[n] - ma) * (a[n] - ma), sbb += (b[n] - mb) * (b[n] - mb);
    const double c = sab / sqrt(saa * sbb);
    /* SE of the cross-correlation of two independent AR(1): sqrt((1 + rho^2) / (1 - rho^2) / N) */
    const double se = sqrt((1 + rho * rho) / (1 - rho * rho) / N);
    cr_assert(fabs(c) < 4.0 * se, "cross-correlation %.4f, 4 SE %.4f", c, 4 * se);
}

/* ------------------------------------------------------------------ tokens of a step */

/* Midpoint rule on [a, b] with n points (endpoints never evaluated). */
static double midpoint(const struct odt_demand_params *p, const struct odt_epoch *e, uint64_t seed, double a,
                       double b, int n)
{
    const double h = (b - a) / n;
    double s = 0.0;
    for (int i = 0; i < n; ++i)
        s += odt_demand_rate(p, e, a + (i + 0.5) * h, seed, NULL);
    return s * h;
}

Test(demand, tokens_equal_the_integral_of_the_rate)
{
    struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    p.noise_sigma = 0.0;
    /* no edge inside; a step of 10 s, 600 s and 3 h */
    const double cases[][2] = {{1000.0, 10.0}, {1000.0, 600.0}, {30000.0, 10800.0}};
    for (int i = 0; i < 3; ++i) {
        const double a = cases[i][0], dt = cases[i][1];
        const double ref = midpoint(&p, &e, 1, a, a + dt, 20000);
        const double tok = odt_demand_tokens(&p, &e, a, dt, 1, NULL);
        cr_assert(fabs(tok / ref - 1.0) < 1e-10, "case %d: %.15g vs %.15g", i, tok, ref);
    }
    /* across a local midnight where W steps from Sunday to Monday (lon -90: 2026-06-22 06:00 UTC) */
    p.n_regions = 1;
    p.region[0].longitude_deg = -90.0;
    const double m = 86400.0 + 21600.0;
    const double ref = midpoint(&p, &e, 1, m - 300.0, m, 30000) + midpoint(&p, &e, 1, m, m + 300.0, 30000);
    const double tok = odt_demand_tokens(&p, &e, m - 300.0, 600.0, 1, NULL);
    cr_assert(fabs(tok / ref - 1.0) < 1e-10, "across midnight: %.15g vs %.15g", tok, ref);
    /* the cut matters: 600 s times the rate at the middle is off by the step of W */
    cr_assert(fabs(600.0 * odt_demand_rate(&p, &e, m, 1, NULL) / ref - 1.0) > 0.05);

    /* with noise: cell edges every 450 s; a reference whose points never straddle an edge */
    p = defaults();
    const double a = 450.0 * 40, b = a + 3 * 3600.0;
    const double refn = midpoint(&p, &e, 3, a, b, 21600);
    const double tokn = odt_demand_tokens(&p, &e, a, b - a, 3, NULL);
    cr_assert(fabs(tokn / refn - 1.0) < 1e-10, "with noise: %.15g vs %.15g", tokn, refn);
}

Test(demand, tokens_additive_over_steps)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    const double dts[] = {10.0, 60.0, 333.0};
    for (int i = 0; i < 3; ++i) {
        const double t0 = 17.0, span = 6.0 * 3600.0;
        const int k = (int)(span / dts[i]);
        double s = 0.0, rs[ODT_DEMAND_MAX_REGIONS], rsum[ODT_DEMAND_MAX_REGIONS] = {0};
        for (int q = 0; q < k; ++q) {
            s += odt_demand_tokens(&p, &e, t0 + q * dts[i], dts[i], 11, rs);
            for (int r = 0; r < p.n_regions; ++r)
                rsum[r] += rs[r];
        }
        const double whole = odt_demand_tokens(&p, &e, t0, k * dts[i], 11, rs);
        cr_assert(fabs(s / whole - 1.0) < 1e-11, "dt %g: %.15g vs %.15g", dts[i], s, whole);
        for (int r = 0; r < p.n_regions; ++r)
            cr_assert(fabs(rsum[r] / rs[r] - 1.0) < 1e-11);
    }
}

Test(demand, tokens_over_a_week_noise_off)
{
    struct odt_demand_params p = defaults();
    p.noise_sigma = 0.0;
    const struct odt_epoch e = epoch("2026-03-10T07:13:00Z");
    double s = 0.0;
    for (int q = 0; q < 7 * 144; ++q)
        s += odt_demand_tokens(&p, &e, 600.0 * q, 600.0, 1, NULL);
    cr_assert(fabs(s / (p.tokens_per_s * 7 * 86400.0) - 1.0) < 1e-9, "week: %.15g", s);
}

Test(demand, rounding_unbiased_bounded_reproducible)
{
    const double x[] = {0.5, 1234.25, 7.9999, 0.0, 1e12 + 0.75, 3.0};
    const int nr = 6;
    enum { N = 100000 };
    double mean[6] = {0};
    for (int64_t st = 0; st < N; ++st) {
        int64_t c[6], c2[6];
        const int64_t tot = odt_demand_tokens_round(x, nr, 99, st, c);
        int64_t s = 0;
        for (int r = 0; r < nr; ++r) {
            cr_assert(fabs((double)c[r] - x[r]) < 1.0, "step %lld region %d: %lld for %.4f", (long long)st, r,
                      (long long)c[r], x[r]);
            s += c[r];
            mean[r] += (double)c[r] - floor(x[r]);
        }
        cr_assert_eq(tot, s);
        if (st % 997 == 0) {
            odt_demand_tokens_round(x, nr, 99, st, c2);
            cr_assert(memcmp(c, c2, sizeof c) == 0);
        }
    }
    for (int r = 0; r < nr; ++r) {
        const double f = x[r] - floor(x[r]), m = mean[r] / N;
        const double se = sqrt(f * (1 - f) / N);
        cr_assert(fabs(m - f) <= 4.0 * se + 1e-12, "region %d: mean fraction %.5f for %.5f", r, m, f);
    }
}

Test(demand, generator_matches_pure_functions_in_any_order)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    struct odt_demand d;
    odt_demand_init(&d, &p, &e, 31);
    enum { N = 2000 };
    /* steps of 10 s visited forward, then in a scattered order; each against the pure functions */
    for (int pass = 0; pass < 2; ++pass)
        for (int q = 0; q < N; ++q) {
            const int64_t st = pass == 0 ? q : (int64_t)((7919L * q) % N);
            double x[ODT_DEMAND_MAX_REGIONS], y[ODT_DEMAND_MAX_REGIONS];
            int64_t c[ODT_DEMAND_MAX_REGIONS], c2[ODT_DEMAND_MAX_REGIONS];
            const int64_t tot = odt_demand_step(&d, st, 10.0 * (double)st, 10.0, x, c);
            odt_demand_tokens(&p, &e, 10.0 * (double)st, 10.0, 31, y);
            const int64_t tot2 = odt_demand_tokens_round(y, p.n_regions, 31, st, c2);
            cr_assert(memcmp(x, y, sizeof(double) * (size_t)p.n_regions) == 0, "step %lld", (long long)st);
            cr_assert(memcmp(c, c2, sizeof(int64_t) * (size_t)p.n_regions) == 0);
            cr_assert_eq(tot, tot2);
        }
}

Test(demand, cost_per_step)
{
    const struct odt_demand_params p = defaults();
    const struct odt_epoch e = epoch("2026-06-21T00:00:00Z");
    enum { N = 20000 };
    double rt[ODT_DEMAND_MAX_REGIONS];
    int64_t ct[ODT_DEMAND_MAX_REGIONS];
    clock_t c0 = clock();
    int64_t sum = 0;
    for (int q = 0; q < N; ++q) {
        odt_demand_tokens(&p, &e, 10.0 * q, 10.0, 1, rt);
        sum += odt_demand_tokens_round(rt, p.n_regions, 1, q, ct);
    }
    const double us_pure = 1e6 * (double)(clock() - c0) / CLOCKS_PER_SEC / N;
    struct odt_demand d;
    odt_demand_init(&d, &p, &e, 1);
    c0 = clock();
    int64_t sum2 = 0;
    for (int q = 0; q < N; ++q)
        sum2 += odt_demand_step(&d, q, 10.0 * q, 10.0, NULL, ct);
    const double us_gen = 1e6 * (double)(clock() - c0) / CLOCKS_PER_SEC / N;
    cr_log_info("demand of one 10 s step, 5 regions, noise on: %.2f us (pure functions), %.2f us (generator)",
                us_pure, us_gen);
    cr_assert_eq(sum, sum2);
}

/* ------------------------------------------------------------------ dispatch */

/* A random fleet: capacities (20 % zero, others over six decades), active flags (inactive nodes have zero
   capacity, as a failed node of the previous step). */
static size_t random_fleet(uint64_t *s, double *cap, int32_t *act, size_t nmax, int64_t *n_active, size_t *n_pos)
{
    const size_t n = 1 + (size_t)(unif(s) * (double)nmax);
    *n_active = 0, *n_pos = 0;
    for (size_t i = 0; i < n; ++i) {
        const double u = unif(s);
        act[i] = u > 0.1;
        cap[i] = (!act[i] || u < 0.2) ? 0.0 : pow(10.0, -2.0 + 6.0 * unif(s)) * (1.0 + unif(s));
        *n_active += act[i];
        *n_pos += cap[i] > 0.0;
    }
    return n;
}

static int64_t random_demand(uint64_t *s)
{
    const double u = unif(s);
    if (u < 0.05)
        return 0;
    if (u < 0.10)
        return ODT_DISPATCH_MAX_TOKENS;
    return (int64_t)floor(pow(2.0, 53.0 * unif(s)));
}

Test(demand, dispatch_capacity_conserves_exactly)
{
    enum { NMAX = 3000 };
    static double cap[NMAX];
    static int32_t act[NMAX];
    static int64_t tok[NMAX];
    uint64_t s = 2026;
    for (int trial = 0; trial < 400; ++trial) {
        int64_t n_active;
        size_t n_pos;
        const size_t n = random_fleet(&s, cap, act, NMAX, &n_active, &n_pos);
        const int64_t demand = random_demand(&s);
        /* the backend's sum, in three orders: forward, backward, and low by n u (a sloppy reduction) */
        double cf = 0.0, cb = 0.0;
        for (size_t i = 0; i < n; ++i)
            cf += cap[i];
        for (size_t i = n; i-- > 0;)
            cb += cap[i];
        const double csums[3] = {cf, cb, cf * (1.0 - (double)n * 1.1102230246251565e-16)};
        for (int o = 0; o < 3; ++o) {
            double f;
            int64_t pre;
            cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, demand, csums[o], n_active, &f, &pre), ODT_OK);
            const int64_t assigned = odt_dispatch_assign(ODT_DISPATCH_CAPACITY, f, cap, act, n, tok);
            int64_t un;
            cr_assert_eq(odt_dispatch_account(demand, assigned, &un), ODT_OK,
                         "trial %d order %d: assigned %lld > demand %lld", trial, o, (long long)assigned,
                         (long long)demand);
            cr_assert_eq(assigned + un, demand);
            if (csums[o] > 0.0 && demand > 0)
                cr_assert_eq(pre, 0);
            else
                cr_assert_eq(pre, demand);
            /* the flooring leaves < 1 token per receiving node, plus kappa * demand */
            const double kappa = 2.0 * ((double)n_active + 4.0) * 1.1102230246251565e-16;
            if (csums[o] > 0.0)
                cr_assert((double)un <= (double)n_pos + 2.0 * kappa * (double)demand + 1.0,
                          "trial %d: %lld unassigned for %zu receiving nodes", trial, (long long)un, n_pos);
            /* each node: at most the floor of its exact share (one more when the sum was low by n u), at least
               the floor of (1 - 2 kappa) times it, minus one; long double reference */
            int64_t check = 0;
            for (size_t i = 0; i < n; ++i) {
                cr_assert(tok[i] >= 0);
                if (cap[i] > 0.0 && csums[o] > 0.0) {
                    const long double exact = (long double)cap[i] * (long double)demand / (long double)cf;
                    const int64_t fl = (int64_t)floorl(exact);
                    const int64_t lo = (int64_t)floorl(exact * (1.0L - 2.0L * kappa)) - 1;
                    cr_assert(tok[i] <= fl + (o == 2) && tok[i] >= lo, "node %zu: %lld vs exact %.3Lf", i,
                              (long long)tok[i], exact);
                } else
                    cr_assert_eq(tok[i], 0);
                check += tok[i];
            }
            cr_assert_eq(check, assigned);
        }
    }
}

Test(demand, dispatch_capacity_adversarial_rounding)
{
    /* many equal capacities whose float sum comes out low: the naive factor demand / C over-assigns */
    enum { N = 1000 };
    static double cap[N];
    double c = 0.0;
    for (int i = 0; i < N; ++i)
        cap[i] = 0.1, c += cap[i];
    int found_naive_overshoot = 0;
    for (int64_t d = ODT_DISPATCH_MAX_TOKENS - 20000; d <= ODT_DISPATCH_MAX_TOKENS; d += 1) {
        double f;
        int64_t pre, un;
        cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, d, c, N, &f, &pre), ODT_OK);
        const int64_t assigned = odt_dispatch_assign(ODT_DISPATCH_CAPACITY, f, cap, NULL, N, NULL);
        cr_assert_eq(odt_dispatch_account(d, assigned, &un), ODT_OK, "demand %lld: assigned %lld", (long long)d,
                     (long long)assigned);
        const double kappa = 2.0 * (N + 4.0) * 1.1102230246251565e-16;
        cr_assert((double)un <= N + 2.0 * kappa * (double)d + 1.0, "demand %lld: %lld unassigned", (long long)d,
                  (long long)un);
        if (!found_naive_overshoot) {
            const int64_t naive = odt_dispatch_assign(ODT_DISPATCH_CAPACITY, (double)d / c, cap, NULL, N, NULL);
            found_naive_overshoot = naive > d;
        }
    }
    cr_log_info("naive factor over-assigns in this range: %s", found_naive_overshoot ? "yes" : "no");
    cr_assert(found_naive_overshoot, "the case no longer exercises the margin");
}

Test(demand, dispatch_zero_capacity_all_unassigned)
{
    static double cap[100];
    static int32_t act[100];
    const int64_t demand = 123456789;
    double f;
    int64_t pre, un;
    /* no capacity at all */
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, demand, 0.0, 100, &f, &pre), ODT_OK);
    cr_assert_eq(pre, demand);
    cr_assert(f == 0.0);
    cr_assert_eq(odt_dispatch_assign(ODT_DISPATCH_CAPACITY, f, cap, act, 100, NULL), 0);
    cr_assert_eq(odt_dispatch_account(demand, 0, &un), ODT_OK);
    cr_assert_eq(un, demand);
    /* no active node */
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, demand, 5.0, 0, &f, &pre), ODT_OK);
    cr_assert_eq(pre, demand);
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_EQUAL, demand, 5.0, 0, &f, &pre), ODT_OK);
    cr_assert_eq(pre, demand);
    cr_assert_eq(odt_dispatch_assign(ODT_DISPATCH_EQUAL, f, NULL, act, 100, NULL), 0);
    /* no demand */
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, 0, 5.0, 3, &f, &pre), ODT_OK);
    cr_assert_eq(pre, 0);
    cr_assert(f == 0.0);
}

Test(demand, dispatch_equal_conserves_exactly)
{
    enum { NMAX = 3000 };
    static double cap[NMAX];
    static int32_t act[NMAX];
    static int64_t tok[NMAX];
    uint64_t s = 77;
    for (int trial = 0; trial < 400; ++trial) {
        int64_t n_active;
        size_t n_pos;
        const size_t n = random_fleet(&s, cap, act, NMAX, &n_active, &n_pos);
        const int64_t demand = random_demand(&s);
        double f;
        int64_t pre, un;
        cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_EQUAL, demand, 0.0, n_active, &f, &pre), ODT_OK);
        const int64_t assigned = odt_dispatch_assign(ODT_DISPATCH_EQUAL, f, NULL, act, n, tok);
        cr_assert_eq(odt_dispatch_account(demand, assigned, &un), ODT_OK);
        cr_assert_eq(assigned + un, demand);
        if (n_active > 0) {
            cr_assert_eq(un, pre, "equal: the host knows the remainder in advance");
            cr_assert_eq(un, demand % n_active);
            for (size_t i = 0; i < n; ++i)
                cr_assert_eq(tok[i], act[i] ? demand / n_active : 0);
        } else
            cr_assert_eq(un, demand);
    }
    double f;
    int64_t pre;
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_EQUAL, 1000003, 0.0, 7, &f, &pre), ODT_OK);
    cr_assert(f == 142857.0);
    cr_assert_eq(pre, 4);
}

Test(demand, dispatch_bad_input_and_names)
{
    double f;
    int64_t pre;
    cr_assert_eq(odt_dispatch_factor((enum odt_dispatch_policy)2, 10, 1.0, 1, &f, &pre), ODT_ERR_VALUE);
    cr_assert_eq(pre, 10);
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, -1, 1.0, 1, &f, &pre), ODT_ERR_VALUE);
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, ODT_DISPATCH_MAX_TOKENS + 1, 1.0, 1, &f, &pre),
                 ODT_ERR_VALUE);
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, 10, NAN, 1, &f, &pre), ODT_ERR_VALUE);
    cr_assert_eq(odt_dispatch_factor(ODT_DISPATCH_CAPACITY, 10, INFINITY, 1, &f, &pre), ODT_ERR_VALUE);
    int64_t un;
    cr_assert_eq(odt_dispatch_account(10, 11, &un), ODT_ERR_STATE);
    cr_assert_eq(odt_dispatch_account(10, -1, &un), ODT_ERR_STATE);
    const char *names[] = {"capacity", "equal"};
    for (int i = 0; i < 2; ++i) {
        enum odt_dispatch_policy pol;
        cr_assert_eq(odt_dispatch_parse(names[i], &pol), ODT_OK);
        cr_assert_eq((int)pol, i);
        cr_assert_str_eq(odt_dispatch_name(pol), names[i]);
    }
    enum odt_dispatch_policy pol;
    cr_assert_eq(odt_dispatch_parse("Capacity", &pol), ODT_ERR_VALUE);
    cr_assert_eq(odt_dispatch_parse("regional", &pol), ODT_ERR_VALUE); /* designed, not implemented */
    cr_assert_str_eq(odt_dispatch_name((enum odt_dispatch_policy)2), "unknown");
    cr_assert_eq(odt_dispatch_parse("", &pol), ODT_ERR_VALUE);
}
