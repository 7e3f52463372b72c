/*
 * reliability.h: accelerator failures, spares and radiation-induced restarts
 * of one compute node.
 *
 * Permanent failures. An accelerator's failure hazard at device age t (time
 * powered, ground burn-in included) is the sum of an infant-mortality term
 * and a constant random rate r:
 *
 *   S(t) = S_w(t) exp(-r t),   H(t) = -ln S(t) = H_w(t) + r t
 *   S_w(t) = 1 - p_w F_W(t),   F_W(t) = 1 - exp(-(t/lambda)^k),  k < 1
 *
 * The infant-mortality term is a limited failure population (a weak
 * subpopulation, fraction p_w, with a Weibull life of shape k < 1 and scale
 * lambda): the bimodal "freak + main population" model that motivates
 * burn-in (Jensen & Petersen, Burn-In: An Engineering Approach to the Design
 * and Analysis of Burn-In Procedures, Wiley 1982; Meeker, "Limited failure
 * population life tests: application to integrated circuit reliability",
 * Technometrics 29, 51 (1987)). With p_w = 1 it is the plain Weibull with
 * hazard h(t) = (k/lambda)(t/lambda)^(k-1) and H = (t/lambda)^k. A plain
 * Weibull with k < 1 cannot have ~3 % failing in 100 h without also failing
 * ~25 %/yr for years afterwards (k = 0.5), far above ground fleets; the
 * mixture confines infant mortality to the first weeks, as the bathtub curve
 * has it (O'Connor & Kleyner, Practical Reliability Engineering, 5th ed.
 * 2012, ch. 2.6).
 *
 * Defaults (odt_rel_params_default): p_w = 0.04, k = 0.5, lambda = 50 h give
 * 1 - S(100 h) = 3.07 % without burn-in (assumption, chosen to match "about
 * 3 % in the first 100 h"); r = 0.04 /yr, inside the 2.5-6 %/yr of ground
 * fleets (Meta, "The Llama 3 Herd of Models", arXiv 2407.21783, 2024: 148
 * faulty GPUs among 16,384 H100 in 54 days is 6.1 %/yr of interruptions, not
 * all of them permanent). Burn-in b shifts the age: a unit launched after b
 * hours on the ground fails in orbit at t with probability
 * 1 - exp(-(H(b + t) - H(b))).
 *
 * Sampling. The node's working accelerators are one group of the same age
 * (all launched together; a spare that replaces one takes the group's age,
 * see docs/compute.md for this limit). In a step of dt each survives
 * independently with probability exp(-(H(b + a + dt) - H(b + a))), so the
 * number failing is Binomial(n, p). It is sampled exactly by inversion of the
 * binomial CDF with one uniform (odt_rel_binomial): one random draw per node
 * and step whatever n is, and the same integer result on any backend for the
 * same uniform, except when the uniform falls within rounding (~1e-16) of a
 * CDF step. Failed accelerators are replaced from the spares until none are
 * left; cold spares are assumed not to fail.
 *
 * Radiation-induced functional interrupts (SEFI): each working accelerator
 * causes node restarts at sefi_rate_per_day (per accelerator), times
 * sefi_saa_factor inside the South Atlantic Anomaly; a restart takes the node
 * down for sefi_downtime_s. At most one interrupt starts per step (bias of
 * order rate x dt, negligible at minute steps); its time inside the step is
 * drawn, so the up fraction of the step is exact. No interrupt starts while
 * the node is down. The rate default (0.01 per accelerator per day, x5 in the
 * SAA) is an assumption: Alsat-1 measurements give 1e-7 to 4e-7 upsets/bit/day
 * in LEO and x3-10 in the SAA, and ECC masks almost all of them; COTS
 * processors see from a few resets a day (Zynq-7000 at 800 km) to rare ones.
 *
 * Region: odt_in_saa tests a fixed ellipse in geocentric latitude and
 * longitude (see its header); odt_ecef_from_gcrs_approx gives Earth-fixed
 * coordinates from the Earth rotation angle alone.
 *
 * Compiles as C11 and as CUDA C++: no allocation, no I/O, no globals.
 */
#ifndef ODT_RELIABILITY_H
#define ODT_RELIABILITY_H

#include <math.h>
#include <stdint.h>
#include "orbit/odt_defs.h"

#define ODT_REL_SEC_PER_YEAR (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY)

/* South Atlantic Anomaly region at LEO altitudes (odt_in_saa). */
#define ODT_SAA_CENTER_LAT_DEG (-27.0) /* centre latitude, deg */
#define ODT_SAA_CENTER_LON_DEG (-45.0) /* centre longitude, deg east */
#define ODT_SAA_HALF_LAT_DEG 18.0      /* half-axis in latitude, deg */
#define ODT_SAA_HALF_LON_DEG 40.0      /* half-axis in longitude, deg */
#define ODT_SAA_ALT_MIN_KM 200.0       /* below this the trapped-proton flux is negligible, km */

struct odt_rel_params {
    double weak_fraction;     /* p_w, fraction of accelerators from the weak subpopulation, 0..1 (default 0.04; 1: plain Weibull) */
    double weibull_shape;     /* k of the infant-mortality Weibull, 0 < k < 1 (default 0.5) */
    double weibull_scale_s;   /* lambda of the infant-mortality Weibull, s (default 50 h = 180000 s) */
    double burn_in_s;         /* ground burn-in before launch, s (default 48 h = 172800 s) */
    double random_rate_per_yr; /* constant failure hazard, 1/yr (default 0.04) */
    double sefi_rate_per_day; /* node restarts per working accelerator per day outside the SAA, 1/d (default 0.01) */
    double sefi_saa_factor;   /* multiplier of the restart rate inside the SAA (default 5) */
    double sefi_downtime_s;   /* time a restart takes the node down, s (default 300) */
};

/* Reliability state of one node. */
struct odt_rel_state {
    int32_t n_working;    /* accelerators in service */
    int32_t n_spares;     /* cold spares left */
    int32_t n_failed;     /* cumulative permanent failures */
    int32_t n_interrupts; /* cumulative radiation-induced restarts */
    double age_s;         /* time in orbit since launch, s (device age is burn_in_s + age_s) */
    double downtime_s;    /* remaining downtime of a restart, s */
};

/* Results of one step. */
struct odt_rel_step_out {
    int failed;            /* accelerators that failed in the step */
    int spares_used;       /* spares brought into service in the step */
    int lost;              /* failures no spare could replace: drop in n_working */
    int interrupt_started; /* 1 when a restart began in the step */
    double up_fraction;    /* fraction of the step the node was up (not restarting), 0..1 */
};

/* odt_rel_params_default: the defaults in the file header. */
ODT_HD static inline struct odt_rel_params odt_rel_params_default(void)
{
    struct odt_rel_params p;
    p.weak_fraction = 0.04;
    p.weibull_shape = 0.5;
    p.weibull_scale_s = 50.0 * 3600.0;
    p.burn_in_s = 48.0 * 3600.0;
    p.random_rate_per_yr = 0.04;
    p.sefi_rate_per_day = 0.01;
    p.sefi_saa_factor = 5.0;
    p.sefi_downtime_s = 300.0;
    return p;
}

/* odt_rel_state_init: a node launched with n_accel working accelerators and n_spares spares. */
ODT_HD static inline void odt_rel_state_init(struct odt_rel_state *s, int n_accel, int n_spares)
{
    s->n_working = n_accel > 0 ? n_accel : 0;
    s->n_spares = n_spares > 0 ? n_spares : 0;
    s->n_failed = s->n_interrupts = 0;
    s->age_s = s->downtime_s = 0.0;
}

/* ------------------------------------------------------------------ hazard */

/* (t / lambda)^k of the infant-mortality Weibull (0 for t <= 0). */
ODT_HD static inline double odt_rel_weibull_z(const struct odt_rel_params *p, double t_s)
{
    return t_s > 0.0 && p->weibull_scale_s > 0.0 ? pow(t_s / p->weibull_scale_s, p->weibull_shape) : 0.0;
}

/*
 * odt_rel_cum_hazard: cumulative hazard H(t) (dimensionless) at device age
 * t_s (s, burn-in included): -ln(1 - p_w (1 - exp(-(t/lambda)^k))) + r t.
 */
ODT_HD static inline double odt_rel_cum_hazard(const struct odt_rel_params *p, double t_s)
{
    const double rt = p->random_rate_per_yr / ODT_REL_SEC_PER_YEAR * (t_s > 0.0 ? t_s : 0.0);
    if (!(p->weak_fraction > 0.0))
        return rt;
    const double z = odt_rel_weibull_z(p, t_s);
    if (p->weak_fraction >= 1.0)
        return z + rt;
    return -log1p(p->weak_fraction * expm1(-z)) + rt;
}

/*
 * odt_rel_hazard: hazard rate h(t) (1/s) at device age t_s (s):
 * p_w f_W(t) / S_w(t) + r, f_W(t) = (k/lambda)(t/lambda)^(k-1) exp(-(t/lambda)^k);
 * with p_w = 1 the Weibull hazard (k/lambda)(t/lambda)^(k-1). Infinite at t = 0 when k < 1.
 */
ODT_HD static inline double odt_rel_hazard(const struct odt_rel_params *p, double t_s)
{
    const double r = p->random_rate_per_yr / ODT_REL_SEC_PER_YEAR;
    if (!(p->weak_fraction > 0.0) || !(p->weibull_scale_s > 0.0))
        return r;
    const double k = p->weibull_shape, lam = p->weibull_scale_s;
    const double hw = k / lam * pow(t_s / lam, k - 1.0); /* Weibull hazard */
    if (p->weak_fraction >= 1.0)
        return hw + r;
    const double sw_weak = exp(-odt_rel_weibull_z(p, t_s)); /* survival of a weak unit */
    return p->weak_fraction * sw_weak * hw / (1.0 - p->weak_fraction + p->weak_fraction * sw_weak) + r;
}

/*
 * odt_rel_fail_prob: probability that an accelerator working at in-orbit age
 * age_s (s) fails within the next dt_s (s): 1 - exp(-(H(b + a + dt) - H(b + a))),
 * b = burn_in_s. The increment is formed without cancellation of the random
 * part (r dt) and of the infant part's survival ratio.
 */
ODT_HD static inline double odt_rel_fail_prob(const struct odt_rel_params *p, double age_s, double dt_s)
{
    if (!(dt_s > 0.0))
        return 0.0;
    const double t1 = p->burn_in_s + (age_s > 0.0 ? age_s : 0.0), t2 = t1 + dt_s;
    double dh = p->random_rate_per_yr / ODT_REL_SEC_PER_YEAR * dt_s;
    if (p->weak_fraction > 0.0) {
        const double z1 = odt_rel_weibull_z(p, t1), z2 = odt_rel_weibull_z(p, t2);
        if (p->weak_fraction >= 1.0) {
            dh += z2 - z1;
        } else {
            /* ln(S_w(t1) / S_w(t2)), S_w = 1 - p_w + p_w e^-z; S_w(t1) - S_w(t2) = -p_w e^-z1 expm1(-(z2 - z1)) */
            const double pw = p->weak_fraction;
            const double s2 = 1.0 - pw + pw * exp(-z2);
            const double ds = -pw * exp(-z1) * expm1(-(z2 - z1));
            dh += log1p(ds / s2);
        }
    }
    return dh > 0.0 ? -expm1(-dh) : 0.0;
}

/*
 * odt_rel_survival_in_orbit: probability that an accelerator launched after
 * burn-in is still working t_s (s) after launch: exp(-(H(b + t) - H(b))).
 */
ODT_HD static inline double odt_rel_survival_in_orbit(const struct odt_rel_params *p, double t_s)
{
    return 1.0 - odt_rel_fail_prob(p, 0.0, t_s);
}

/*
 * odt_rel_binomial: a Binomial(n, prob) sample from one uniform u in (0, 1),
 * by inversion of the CDF: the least k with u <= sum_{j<=k} C(n,j) p^j q^(n-j),
 * accumulated with P(j+1) = P(j) (n-j)/(j+1) p/q from P(0) = q^n (Devroye,
 * Non-Uniform Random Variate Generation, 1986, ch. X.4). For prob > 1/2 it
 * samples the survivors instead, so q^n >= 2^-n never underflows for n <= 1000.
 * Expected work O(1 + n prob). Exact in distribution for any u ~ U(0,1).
 */
ODT_HD static inline int odt_rel_binomial(int n, double prob, double u)
{
    if (n <= 0 || !(prob > 0.0))
        return 0;
    if (prob >= 1.0)
        return n;
    const int flip = prob > 0.5;
    const double pp = flip ? 1.0 - prob : prob;
    const double ratio = pp / (1.0 - pp);
    double pk = exp(n * log1p(-pp)); /* P(0) */
    double cdf = pk;
    int k = 0;
    while (u > cdf && k < n) {
        pk *= (double)(n - k) / (double)(k + 1) * ratio;
        ++k;
        cdf += pk;
    }
    return flip ? n - k : k;
}

/* ------------------------------------------------------------------ one step */

/*
 * odt_rel_step: advance the reliability state of one node by dt_s (s).
 *   p        parameters
 *   s        state, updated: n_working, n_spares, counters, age_s, downtime_s
 *   dt_s     step length, s (<= 0: nothing changes; up_fraction reports the state)
 *   in_saa   nonzero when the node is inside the South Atlantic Anomaly this step
 *   u        4 uniforms in (0, 1) from odt_rng_uniform(seed, sat, step,
 *            ODT_RNG_STREAM_RELIABILITY): u[0] the failure count, u[1] the
 *            restart time; u[2], u[3] unused (reserved)
 *   out      results of the step
 * Order: the restart process runs over the step with the accelerators
 * working at its start; permanent failures are then drawn for those
 * accelerators and replaced from the spares; the age advances by dt.
 *
 * hazard_bound (1/s) is an upper bound of the hazard over the step, or
 * HUGE_VAL when none is known. The hazard of the mixture never rises with age
 * (a mixture of decreasing-failure-rate laws is DFR: Proschan 1963), so its
 * value at any earlier age bounds it. It only lets the common case skip the
 * transcendental functions, with the same result: no failure when u[0] <=
 * 1 - n h dt (below P(0 failures) = (1 - p)^n >= 1 - n p >= 1 - n dH), and
 * no restart when u[1] > rate x up time (the exponential's CDF
 * 1 - e^-x <= x); both tests keep a relative margin of 1e-9 for rounding.
 */
ODT_HD static inline void odt_rel_step_bounded(const struct odt_rel_params *p, struct odt_rel_state *s,
                                               double dt_s, int in_saa, const double u[4], double hazard_bound,
                                               struct odt_rel_step_out *out)
{
    out->failed = out->spares_used = out->lost = out->interrupt_started = 0;
    out->up_fraction = s->downtime_s > 0.0 || s->n_working <= 0 ? 0.0 : 1.0;
    if (!(dt_s > 0.0))
        return;
    const int n = s->n_working;

    /* restarts: the rest of an earlier one, then at most one new one in the up time */
    double down = s->downtime_s < dt_s ? s->downtime_s : dt_s;
    double downtime = s->downtime_s - down;
    const double up_start = dt_s - down; /* up time available after the earlier restart */
    if (n > 0 && up_start > 0.0 && p->sefi_rate_per_day > 0.0) {
        const double rate = p->sefi_rate_per_day / ODT_SEC_PER_DAY * n * (in_saa ? p->sefi_saa_factor : 1.0);
        const int surely_none = u[1] > rate * up_start * (1.0 + 1e-9);
        const double tau = surely_none ? up_start : -log1p(-u[1]) / rate; /* waiting time from the up time's start */
        if (!surely_none && tau < up_start) {
            const double rest = up_start - tau;
            const double d = p->sefi_downtime_s > 0.0 ? p->sefi_downtime_s : 0.0;
            const double d_in = d < rest ? d : rest;
            down += d_in;
            downtime = d - d_in;
            out->interrupt_started = 1;
            s->n_interrupts += 1;
        }
    }
    s->downtime_s = downtime;
    out->up_fraction = n > 0 ? (dt_s - down) / dt_s : 0.0;

    /* permanent failures of the group, replaced from the spares */
    const double none_below = 1.0 - (double)n * hazard_bound * dt_s * (1.0 + 1e-9);
    const int f = u[0] <= none_below ? 0 : odt_rel_binomial(n, odt_rel_fail_prob(p, s->age_s, dt_s), u[0]);
    const int used = f < s->n_spares ? f : s->n_spares;
    s->n_spares -= used;
    s->n_working -= f - used;
    s->n_failed += f;
    out->failed = f;
    out->spares_used = used;
    out->lost = f - used;
    s->age_s += dt_s;
}

/* odt_rel_step: odt_rel_step_bounded without a hazard bound. */
ODT_HD static inline void odt_rel_step(const struct odt_rel_params *p, struct odt_rel_state *s, double dt_s,
                                       int in_saa, const double u[4], struct odt_rel_step_out *out)
{
    odt_rel_step_bounded(p, s, dt_s, in_saa, u, HUGE_VAL, out);
}

/* ------------------------------------------------------------------ South Atlantic Anomaly */

/*
 * odt_ecef_from_gcrs_approx: Earth-fixed position (km) from a GCRS position
 * r_gcrs (km) and the Earth rotation angle era_rad (rad, IAU 2000):
 * a rotation by -ERA about z. It ignores the bias-precession-nutation of the
 * pole (the CIP is 2004"/century x T from the GCRS pole plus nutation of up
 * to ~17": about 0.15 deg in 2026, 0.2 deg in 2035) and polar motion (< 1"),
 * i.e. ~20 km at LEO: fine for a region test, not for ground geometry
 * (use ERFA's full GCRS->ITRS for that).
 */
ODT_HD static inline void odt_ecef_from_gcrs_approx(const double r_gcrs[3], double era_rad, double r_ecef[3])
{
    const double c = cos(era_rad), s = sin(era_rad);
    r_ecef[0] = c * r_gcrs[0] + s * r_gcrs[1];
    r_ecef[1] = -s * r_gcrs[0] + c * r_gcrs[1];
    r_ecef[2] = r_gcrs[2];
}

/*
 * odt_latlon_from_ecef: geocentric latitude lat_rad (rad), east longitude
 * lon_rad (rad, -pi..pi) and altitude alt_km above the WGS-84 ellipsoid
 * (approximate: |r| minus the ellipsoid radius at that geocentric latitude,
 * error < 0.1 km at LEO) of an Earth-fixed position r_ecef (km).
 */
ODT_HD static inline void odt_latlon_from_ecef(const double r_ecef[3], double *lat_rad, double *lon_rad,
                                               double *alt_km)
{
    const double rxy = sqrt(r_ecef[0] * r_ecef[0] + r_ecef[1] * r_ecef[1]);
    const double r = sqrt(rxy * rxy + r_ecef[2] * r_ecef[2]);
    *lat_rad = atan2(r_ecef[2], rxy);
    *lon_rad = atan2(r_ecef[1], r_ecef[0]);
    const double sl = sin(*lat_rad);
    const double e2 = ODT_EARTH_FLATTENING * (2.0 - ODT_EARTH_FLATTENING);
    const double re = ODT_EARTH_RADIUS_KM * sqrt((1.0 - e2) / (1.0 - e2 * (1.0 - sl * sl))); /* ellipse radius */
    *alt_km = r - re;
}

/*
 * odt_in_saa: 1 when (lat_rad, lon_rad) (geocentric latitude, east
 * longitude, rad) at alt_km (km) lies in the South Atlantic Anomaly, else 0.
 * Region: the ellipse ((lat - lat0)/a_lat)^2 + ((lon - lon0)/a_lon)^2 <= 1
 * with lat0 = -27 deg, lon0 = -45 deg, a_lat = 18 deg, a_lon = 40 deg
 * (latitude -45..-9 deg, longitude -85..-5 deg), above 200 km. This
 * encloses the region where the AP-8 trapped-proton flux above 10 MeV at
 * 400-800 km exceeds ~1 % of its peak (Sawyer & Vette, AP-8 Trapped Proton
 * Environment, NSSDC/WDC-A-R&S 76-06, 1976; the SAA maps of SPENVIS), with the
 * centre of the 2000s (it drifts west by ~0.3 deg/yr: Heirtzler, J. Atmos.
 * Sol.-Terr. Phys. 64, 1701 (2002)). The real region grows with altitude
 * and has no sharp edge; the rate factor inside it is an average.
 */
ODT_HD static inline int odt_in_saa(double lat_rad, double lon_rad, double alt_km)
{
    if (!(alt_km >= ODT_SAA_ALT_MIN_KM))
        return 0;
    double dlon = lon_rad - ODT_SAA_CENTER_LON_DEG * ODT_DEG2RAD;
    dlon = dlon - ODT_TWOPI * floor((dlon + ODT_PI) / ODT_TWOPI); /* to [-pi, pi) */
    const double x = dlon / (ODT_SAA_HALF_LON_DEG * ODT_DEG2RAD);
    const double y = (lat_rad - ODT_SAA_CENTER_LAT_DEG * ODT_DEG2RAD) / (ODT_SAA_HALF_LAT_DEG * ODT_DEG2RAD);
    return x * x + y * y <= 1.0;
}

#endif /* ODT_RELIABILITY_H */
