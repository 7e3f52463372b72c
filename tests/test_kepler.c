/*
 * test_kepler.c: Kepler solver, two-body state, J2 secular node rate, SSO
 * inclination and the constellation generators (orbit/kepler.h,
 * orbit/constellation.h).
 *
 * Every expected value comes from somewhere other than the function under
 * test: Kepler's equation itself, conserved quantities of the two-body
 * problem (vis-viva, angular momentum, eccentricity vector), finite
 * differences, a published number (97.99 deg at 650 km), a hand computation
 * by a different route, a direct numerical integration of the equations of
 * motion with the J2 acceleration written out here, and the symmetry that
 * defines a Walker pattern.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "orbit/odt_defs.h"
#include "orbit/kepler.h"
#include "orbit/constellation.h"

#define MU ODT_EARTH_MU_KM3_S2
#define RE ODT_EARTH_RADIUS_KM
#define J2 ODT_EARTH_J2
#define YEAR_S (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY)

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static double norm3(const double a[3])
{
    return sqrt(dot3(a, a));
}

static void cross3(const double a[3], const double b[3], double c[3])
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

/* angle difference reduced to [-pi, pi] */
static double wrap_pi(double x)
{
    return remainder(x, ODT_TWOPI);
}

/* ------------------------------------------------------------------ (a) Kepler's equation */

/*
 * The residual of Kepler's equation itself, not a comparison with a second
 * solver. 1e-12 rad is the required bound; the solver iterates until its
 * Newton step is below 1e-15 (1 + |E|), so the true residual is at the level
 * of rounding of E - e sin E (a few 1e-16 rad) plus the reduction of M to
 * [-pi, pi] (|M| <= 4 pi: ~2e-15 rad).
 */
Test(kepler, solver_residual_grid)
{
    static const double eccs[] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99};
    const int n_m = 60001; /* step 3e-4 rad over [-2 pi, 4 pi] */
    double worst = 0.0, worst_e = 0.0, worst_m = 0.0;
    for (size_t ie = 0; ie < sizeof eccs / sizeof eccs[0]; ++ie) {
        const double e = eccs[ie];
        for (int k = 0; k < n_m; ++k) {
            const double m = -ODT_TWOPI + 3.0 * ODT_TWOPI * k / (n_m - 1);
            const double E = odt_kepler_solve(m, e);
            cr_assert(isfinite(E), "E not finite for e=%g M=%.17g", e, m);
            const double res = fabs(wrap_pi(E - e * sin(E) - m));
            if (res > worst) {
                worst = res;
                worst_e = e;
                worst_m = m;
            }
        }
    }
    cr_log_info("kepler residual: worst %.3g rad at e=%g M=%.17g", worst, worst_e, worst_m);
    cr_assert(worst < 1e-12, "|E - e sin E - M| = %.3g rad at e=%g M=%.17g (bound 1e-12)", worst, worst_e, worst_m);
}

/* Points where Newton iterations are known to struggle: M at 0, +-pi, just
 * beside them, and multiples of 2 pi, for the most eccentric case. */
Test(kepler, solver_residual_hard_points)
{
    static const double eccs[] = {0.0, 0.5, 0.9, 0.95, 0.99, 0.999};
    static const double ms[] = {0.0,           1e-12,        -1e-12,       1e-6,          -1e-6,
                                ODT_PI,        -ODT_PI,      ODT_PI - 1e-9, -ODT_PI + 1e-9, ODT_TWOPI,
                                2 * ODT_TWOPI, -ODT_TWOPI,   1e-3,         3.0 * ODT_PI - 1e-12};
    for (size_t ie = 0; ie < sizeof eccs / sizeof eccs[0]; ++ie)
        for (size_t im = 0; im < sizeof ms / sizeof ms[0]; ++im) {
            const double e = eccs[ie], m = ms[im];
            const double E = odt_kepler_solve(m, e);
            const double res = fabs(wrap_pi(E - e * sin(E) - m));
            cr_assert(res < 1e-12, "e=%g M=%.17g: E=%.17g, residual %.3g rad (bound 1e-12)", e, m, E, res);
        }
}

/* ------------------------------------------------------------------ (b) circular two-body orbit */

/*
 * Circular orbit with J2 = 0: the radius is a at every point (1e-9 km: the
 * state is a * (cos u, sin u) rotated, so rounding is ~1e-12 km), the speed is
 * sqrt(mu/a) (1e-12 relative, rounding), the velocity is perpendicular to r,
 * and after T = 2 pi sqrt(a^3/mu) the state is back (1e-6 km: the phase n T is
 * 2 pi to rounding, ~1e-15 rad, i.e. ~1e-11 km).
 */
Test(kepler, circular_orbit_period_radius_speed)
{
    struct odt_kepler k = {0};
    k.a_km = RE + 650.0;
    k.ecc = 0.0;
    k.inc_rad = 53.0 * ODT_DEG2RAD;
    k.raan0_rad = 123.0 * ODT_DEG2RAD;
    k.argp0_rad = 0.0;
    k.m0_rad = 0.7;
    odt_kepler_j2_init(&k, MU, RE, 0.0);
    const double T = ODT_TWOPI * sqrt(k.a_km * k.a_km * k.a_km / MU);
    const double vc = sqrt(MU / k.a_km);
    cr_assert(fabs(k.raandot_rad_s) == 0.0 && fabs(k.argpdot_rad_s) == 0.0,
              "J2 = 0 must give no node/perigee drift (bitwise zero claimed): %g %g", k.raandot_rad_s,
              k.argpdot_rad_s);

    double r0[3], v0[3], r[3], v[3];
    odt_kepler_state(&k, 0.0, MU, r0, v0);
    const int n = 2000;
    for (int j = 0; j <= n; ++j) {
        const double t = T * j / n;
        odt_kepler_state(&k, t, MU, r, v);
        const double dr = fabs(norm3(r) - k.a_km);
        cr_assert(dr < 1e-9, "t=%g s: |r| - a = %.3g km (bound 1e-9 km)", t, dr);
        const double dv = fabs(norm3(v) - vc) / vc;
        cr_assert(dv < 1e-12, "t=%g s: |v| = %.15g, sqrt(mu/a) = %.15g (rel %.3g, bound 1e-12)", t, norm3(v), vc,
                  dv);
        const double rv = dot3(r, v) / (norm3(r) * norm3(v));
        cr_assert(fabs(rv) < 1e-12, "t=%g s: r.v / |r||v| = %.3g (circular orbit: 0)", t, rv);
    }
    odt_kepler_state(&k, T, MU, r, v);
    double d = 0.0, dvv = 0.0;
    for (int c = 0; c < 3; ++c) {
        d += (r[c] - r0[c]) * (r[c] - r0[c]);
        dvv += (v[c] - v0[c]) * (v[c] - v0[c]);
    }
    cr_assert(sqrt(d) < 1e-6, "state after one period T=%.6f s off by %.3g km (bound 1e-6 km)", T, sqrt(d));
    cr_assert(sqrt(dvv) < 1e-9, "velocity after one period off by %.3g km/s (bound 1e-9 km/s)", sqrt(dvv));

    /* half a period later the satellite is diametrically opposite */
    odt_kepler_state(&k, 0.5 * T, MU, r, v);
    for (int c = 0; c < 3; ++c)
        cr_assert(fabs(r[c] + r0[c]) < 1e-6, "half period: r[%d] = %.12g, expected %.12g", c, r[c], -r0[c]);

    /* orbit normal from the elements: (sin i sin raan, -sin i cos raan, cos i) (Vallado eq. 2-82) */
    double h[3];
    cross3(r0, v0, h);
    const double hn = norm3(h);
    const double w[3] = {sin(k.inc_rad) * sin(k.raan0_rad), -sin(k.inc_rad) * cos(k.raan0_rad), cos(k.inc_rad)};
    for (int c = 0; c < 3; ++c)
        cr_assert(fabs(h[c] / hn - w[c]) < 1e-12, "orbit normal[%d] = %.15g, expected %.15g", c, h[c] / hn, w[c]);
}

/* ------------------------------------------------------------------ (c) eccentric orbit invariants */

/*
 * For an eccentric orbit, at many mean anomalies: vis-viva v^2 = mu (2/r - 1/a)
 * and |h| = sqrt(mu a (1 - e^2)) to 1e-9 relative (both are exact identities of
 * the conic, so only rounding remains, ~1e-15); the eccentricity vector
 * (v x h)/mu - r/|r| has length e and points at the perigee direction
 * P = R3(-raan) R1(-i) R3(-argp) x-hat, built here from three explicit
 * rotation matrices; and the velocity equals the central difference of the
 * position over +-1 s (error (n dt)^2/6 |v| ~ 2e-7 km/s).
 */
static void rot3(double ang, double m[3][3])
{
    const double c = cos(ang), s = sin(ang);
    const double t[3][3] = {{c, -s, 0.0}, {s, c, 0.0}, {0.0, 0.0, 1.0}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            m[i][j] = t[i][j];
}

static void rot1(double ang, double m[3][3])
{
    const double c = cos(ang), s = sin(ang);
    const double t[3][3] = {{1.0, 0.0, 0.0}, {0.0, c, -s}, {0.0, s, c}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            m[i][j] = t[i][j];
}

static void matmul3(double a[3][3], double b[3][3], double c[3][3])
{
    double t[3][3];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            t[i][j] = 0.0;
            for (int l = 0; l < 3; ++l)
                t[i][j] += a[i][l] * b[l][j];
        }
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            c[i][j] = t[i][j];
}

Test(kepler, eccentric_orbit_invariants)
{
    static const double eccs[] = {0.01, 0.3, 0.7, 0.95};
    const double a = 26560.0, inc = 63.4 * ODT_DEG2RAD, raan = 250.0 * ODT_DEG2RAD, argp = 270.0 * ODT_DEG2RAD;
    double R3o[3][3], R1i[3][3], R3w[3][3], Q[3][3];
    rot3(raan, R3o);
    rot1(inc, R1i);
    rot3(argp, R3w);
    matmul3(R3o, R1i, Q);
    matmul3(Q, R3w, Q);
    const double P[3] = {Q[0][0], Q[1][0], Q[2][0]}; /* perigee direction */
    const double Wn[3] = {Q[0][2], Q[1][2], Q[2][2]}; /* orbit normal */

    for (size_t ie = 0; ie < sizeof eccs / sizeof eccs[0]; ++ie) {
        const double e = eccs[ie];
        const double n = sqrt(MU / (a * a * a));
        for (int j = 0; j < 360; ++j) {
            const double m = ODT_TWOPI * j / 360.0 + 0.01;
            double r[3], v[3], h[3], ev[3];
            odt_kepler_elements_to_state(a, e, inc, raan, argp, m, MU, r, v);
            const double rn = norm3(r), v2 = dot3(v, v);
            const double vv = MU * (2.0 / rn - 1.0 / a);
            cr_assert(fabs(v2 - vv) <= 1e-9 * vv, "e=%g M=%g: v^2 = %.15g, vis-viva %.15g (rel %.3g)", e, m, v2, vv,
                      fabs(v2 - vv) / vv);
            cross3(r, v, h);
            const double hn = norm3(h), hh = sqrt(MU * a * (1.0 - e * e));
            cr_assert(fabs(hn - hh) <= 1e-9 * hh, "e=%g M=%g: |h| = %.15g, sqrt(mu a (1-e^2)) = %.15g", e, m, hn, hh);
            for (int c = 0; c < 3; ++c)
                cr_assert(fabs(h[c] / hn - Wn[c]) < 1e-12, "e=%g M=%g: normal[%d] %.15g vs %.15g", e, m, c,
                          h[c] / hn, Wn[c]);
            /* eccentricity vector */
            double vxh[3];
            cross3(v, h, vxh);
            for (int c = 0; c < 3; ++c)
                ev[c] = vxh[c] / MU - r[c] / rn;
            cr_assert(fabs(norm3(ev) - e) < 1e-12, "e=%g M=%g: |e vector| = %.15g", e, m, norm3(ev));
            for (int c = 0; c < 3; ++c)
                cr_assert(fabs(ev[c] / e - P[c]) < 1e-10, "e=%g M=%g: perigee dir[%d] %.15g vs %.15g", e, m, c,
                          ev[c] / e, P[c]);
            /* radius from the geometry of the ellipse: r in [a(1-e), a(1+e)] and r = p / (1 + e cos f) */
            const double cosf = dot3(r, P) / rn;
            const double rc = a * (1.0 - e * e) / (1.0 + e * cosf);
            cr_assert(fabs(rn - rc) <= 1e-9 * rc, "e=%g M=%g: r = %.15g, conic %.15g", e, m, rn, rc);
            /* velocity is the time derivative of the position (mean anomaly advances at n) */
            const double dt = (e > 0.9) ? 0.01 : 1.0;
            double rp[3], rm[3], tmp[3];
            odt_kepler_elements_to_state(a, e, inc, raan, argp, m + n * dt, MU, rp, tmp);
            odt_kepler_elements_to_state(a, e, inc, raan, argp, m - n * dt, MU, rm, tmp);
            for (int c = 0; c < 3; ++c) {
                const double fd = (rp[c] - rm[c]) / (2.0 * dt);
                cr_assert(fabs(fd - v[c]) < 1e-6 * sqrt(v2) + 1e-9, "e=%g M=%g: v[%d] = %.12g, dr/dt = %.12g", e,
                          m, c, v[c], fd);
            }
        }
        /* perigee and apogee radii */
        double r[3], v[3];
        odt_kepler_elements_to_state(a, e, inc, raan, argp, 0.0, MU, r, v);
        cr_assert(fabs(norm3(r) - a * (1.0 - e)) < 1e-9 * a, "e=%g perigee radius %.12g, a(1-e) = %.12g", e,
                  norm3(r), a * (1.0 - e));
        odt_kepler_elements_to_state(a, e, inc, raan, argp, ODT_PI, MU, r, v);
        cr_assert(fabs(norm3(r) - a * (1.0 + e)) < 1e-9 * a, "e=%g apogee radius %.12g, a(1+e) = %.12g", e,
                  norm3(r), a * (1.0 + e));
    }
}

/* ------------------------------------------------------------------ (d) sun-synchronous inclination */

/*
 * 650 km: 97.99 deg is the published value of the J2 formula to 2 decimals
 * (so +-0.005 deg of rounding; bound 0.01 deg).
 * 550 km: by a different route -- the node must shift 2 pi T / year per
 * revolution, and J2 shifts it by -3 pi J2 (R/a)^2 cos i per revolution
 * (Vallado eq. 9-41 integrated over one period), so
 * cos i = -2 T / (3 J2 (R/a)^2 year) with T from Kepler's third law; and a
 * literal worked out by hand with these constants (WGS-84 mu and R, EGM96
 * J2, 365.2422 d): T = 5738.9928 s, i = 97.59295 deg. Both to 1e-6 deg
 * (the literal carries 7 significant digits).
 */
Test(kepler, sso_inclination)
{
    const double i650 = odt_sso_inclination(RE + 650.0, 0.0, MU, RE, J2) * ODT_RAD2DEG;
    cr_assert(fabs(i650 - 97.99) < 0.01, "SSO inclination at 650 km = %.6f deg, published 97.99", i650);

    const double a = RE + 550.0;
    const double T = ODT_TWOPI * sqrt(a * a * a / MU);
    cr_assert(fabs(T - 5738.9928) < 1e-3, "period at 550 km = %.6f s, hand 5738.9928 s", T);
    const double cosi = -2.0 * T / (3.0 * J2 * (RE / a) * (RE / a) * YEAR_S);
    const double i_hand = acos(cosi) * ODT_RAD2DEG;
    const double i550 = odt_sso_inclination(a, 0.0, MU, RE, J2) * ODT_RAD2DEG;
    cr_assert(fabs(i550 - i_hand) < 1e-6, "SSO inclination at 550 km = %.9f deg, per-revolution route %.9f deg",
              i550, i_hand);
    cr_assert(fabs(i550 - 97.59295) < 1e-5, "SSO inclination at 550 km = %.9f deg, hand value 97.59295 deg", i550);

    /* no sun-synchronous orbit far out: |cos i| would exceed 1 */
    const double none = odt_sso_inclination(20000.0, 0.0, MU, RE, J2);
    cr_assert(isnan(none), "a = 20000 km has no SSO, got %g rad", none);
}

/* ------------------------------------------------------------------ (e) J2 node rate, integrated */

/* r'' = -mu r / r^3 + J2 acceleration (Vallado eq. 8-30; Montenbruck & Gill eq. 3.30 with J2 only):
 * a_J2 = -3/2 J2 mu R^2 / r^5 * (x (1 - 5 z^2/r^2), y (1 - 5 z^2/r^2), z (3 - 5 z^2/r^2)) */
static void accel_j2(const double r[3], double acc[3])
{
    const double r2 = dot3(r, r), rn = sqrt(r2);
    const double k0 = -MU / (r2 * rn);
    const double z2 = r[2] * r[2] / r2;
    const double kj = -1.5 * J2 * MU * RE * RE / (r2 * r2 * rn);
    acc[0] = k0 * r[0] + kj * r[0] * (1.0 - 5.0 * z2);
    acc[1] = k0 * r[1] + kj * r[1] * (1.0 - 5.0 * z2);
    acc[2] = k0 * r[2] + kj * r[2] * (3.0 - 5.0 * z2);
}

static void rk4_step(double y[6], double h)
{
    double k1[6], k2[6], k3[6], k4[6], t[6], a[3];
    accel_j2(y, a);
    for (int c = 0; c < 3; ++c) {
        k1[c] = y[3 + c];
        k1[3 + c] = a[c];
    }
    for (int c = 0; c < 6; ++c)
        t[c] = y[c] + 0.5 * h * k1[c];
    accel_j2(t, a);
    for (int c = 0; c < 3; ++c) {
        k2[c] = t[3 + c];
        k2[3 + c] = a[c];
    }
    for (int c = 0; c < 6; ++c)
        t[c] = y[c] + 0.5 * h * k2[c];
    accel_j2(t, a);
    for (int c = 0; c < 3; ++c) {
        k3[c] = t[3 + c];
        k3[3 + c] = a[c];
    }
    for (int c = 0; c < 6; ++c)
        t[c] = y[c] + h * k3[c];
    accel_j2(t, a);
    for (int c = 0; c < 3; ++c) {
        k4[c] = t[3 + c];
        k4[3 + c] = a[c];
    }
    for (int c = 0; c < 6; ++c)
        y[c] += h / 6.0 * (k1[c] + 2.0 * k2[c] + 2.0 * k3[c] + k4[c]);
}

/* least-squares slope of y against x */
static double fit_slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int j = 0; j < n; ++j) {
        sx += x[j];
        sy += y[j];
        sxx += x[j] * x[j];
        sxy += x[j] * y[j];
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/*
 * Integrate r'' = -mu r/r^3 + a_J2 from the odtwin state of k at t = 0 for
 * `days` days with RK4 at 5 s (local error ~ (n dt)^5 ~ 4e-12 per step). At
 * every ascending-node crossing (z from - to +, interpolated linearly within
 * the step) read the node from h = r x v (raan = atan2(h_x, -h_y)) and the
 * argument of perigee from the eccentricity vector; sampling at the same
 * argument of latitude every revolution cancels the short-period terms of
 * the node. The mean rates are least-squares slopes through the samples.
 */
static int integrate_j2_rates(const struct odt_kepler *k, double days, double *raan_rate, double *argp_rate)
{
    double r[3], v[3];
    odt_kepler_state(k, 0.0, MU, r, v);
    double y[6] = {r[0], r[1], r[2], v[0], v[1], v[2]};
    const double h = 5.0;
    const int nsteps = (int)(days * ODT_SEC_PER_DAY / h);
    enum { MAXS = 256 };
    double ts[MAXS], nodes[MAXS], argps[MAXS];
    int ns = 0;
    double node_prev = 0.0, argp_prev = 0.0;
    for (int s = 0; s < nsteps && ns < MAXS; ++s) {
        const double z0 = y[2];
        double y0[6];
        for (int c = 0; c < 6; ++c)
            y0[c] = y[c];
        rk4_step(y, h);
        if (!(z0 < 0.0 && y[2] >= 0.0))
            continue;
        const double fr = z0 / (z0 - y[2]);
        double rr[3], vv[3], hv[3], vxh[3], ev[3];
        for (int c = 0; c < 3; ++c) {
            rr[c] = y0[c] + fr * (y[c] - y0[c]);
            vv[c] = y0[3 + c] + fr * (y[3 + c] - y0[3 + c]);
        }
        cross3(rr, vv, hv);
        cross3(vv, hv, vxh);
        const double rn = norm3(rr), hn = norm3(hv);
        for (int c = 0; c < 3; ++c)
            ev[c] = vxh[c] / MU - rr[c] / rn;
        const double node = atan2(hv[0], -hv[1]);
        /* argument of perigee: angle from the node line N = z x h to e, about h */
        const double N[3] = {-hv[1], hv[0], 0.0};
        double nxe[3];
        cross3(N, ev, nxe);
        const double argp = atan2(dot3(nxe, hv) / hn, dot3(N, ev));
        nodes[ns] = ns ? nodes[ns - 1] + wrap_pi(node - node_prev) : node;
        argps[ns] = ns ? argps[ns - 1] + wrap_pi(argp - argp_prev) : argp;
        node_prev = node;
        argp_prev = argp;
        ts[ns] = (s + fr) * h;
        ++ns;
    }
    *raan_rate = fit_slope(ts, nodes, ns);
    *argp_rate = fit_slope(ts, argps, ns);
    return ns;
}

/*
 * The odtwin SSO at 650 km (inclination from odt_sso_inclination, state from
 * odt_kepler_elements_to_state), integrated for 4 days: the node must turn at
 * 360 deg / 365.2422 d, bound 0.5 % (the requirement). The start state takes the
 * mean elements as osculating. For a circular orbit the short-period part of
 * a is (3/2) J2 R^2/a sin^2 i cos 2u (Kozai 1959), 9.2 km at u = 0, which
 * would bias the mean a and through n ~ a^-3.5 the node rate by 0.45 %
 * (0.60 % the other way at u = 90 deg; both measured). Starting at
 * u = 45 deg, where cos 2u = 0, removes that bias (and the cos 2u part of i);
 * what is left (measured -0.08 %) is of the order of the first-order
 * theory's own O(J2) ambiguity, e.g. n versus the J2-perturbed mean motion in
 * the node rate, (3/4) J2 (R/a)^2 |2 - 3 sin^2 i| = 6e-4.
 */
Test(kepler, j2_node_rate_sso_integrated)
{
    struct odt_kepler k = {0};
    k.a_km = RE + 650.0;
    k.ecc = 0.0;
    k.inc_rad = odt_sso_inclination(k.a_km, 0.0, MU, RE, J2);
    k.raan0_rad = 0.3;
    k.argp0_rad = 0.0;
    k.m0_rad = ODT_PI / 4.0;
    odt_kepler_j2_init(&k, MU, RE, J2);
    double rate, argp_rate;
    const int ns = integrate_j2_rates(&k, 4.0, &rate, &argp_rate);
    cr_assert(ns > 50, "only %d ascending-node crossings in 4 days", ns);
    const double want = ODT_TWOPI / YEAR_S;
    const double rel = (rate - want) / want;
    cr_log_info("integrated SSO node rate %.6f deg/day, sun-synchronous %.6f deg/day (rel %.3g), odtwin secular "
                "rate %.6f deg/day",
                rate * ODT_RAD2DEG * ODT_SEC_PER_DAY, want * ODT_RAD2DEG * ODT_SEC_PER_DAY, rel,
                k.raandot_rad_s * ODT_RAD2DEG * ODT_SEC_PER_DAY);
    cr_assert(fabs(rel) < 5e-3,
              "integrated node rate %.6f deg/day vs 360/365.2422 = %.6f deg/day (rel %.3g, bound 0.5 %%)",
              rate * ODT_RAD2DEG * ODT_SEC_PER_DAY, want * ODT_RAD2DEG * ODT_SEC_PER_DAY, rel);
    /* odtwin's own secular rate is the sun-synchronous rate to rounding (cos i was chosen for it) */
    cr_assert(fabs(k.raandot_rad_s - want) < 1e-9 * want, "odt_kepler_j2_init node rate %.9e vs %.9e rad/s",
              k.raandot_rad_s, want);
}

/*
 * The secular node and perigee rates of odt_kepler_j2_init against the same
 * integration, away from the SSO special case: an eccentric (e = 0.1)
 * orbit at 30 deg (perigee advancing, 4 - 5 sin^2 i = 2.75) and a
 * 53 deg Walker-like orbit. Bounds 0.5 % for the node (measured 0.12 % and
 * 0.23 %) and 2 % for the perigee (measured 0.5 %): the osculating-as-mean
 * start offsets are ~J2 (R/a)^2 ~ 1e-3 in a and i;
 * the perigee of an e = 0.1 orbit also carries short-period terms of order
 * J2 (R/p)^2 / e ~ 7e-3 rad, sampled at the node so only partly cancelled,
 * against 0.35 rad of secular motion in 4 days.
 */
Test(kepler, j2_secular_rates_integrated)
{
    struct {
        double a, e, inc_deg, m0;
    } cases[] = {{8000.0, 0.1, 30.0, 0.4}, {RE + 550.0, 0.001, 53.0, ODT_PI / 4.0}};
    for (int j = 0; j < 2; ++j) {
        struct odt_kepler k = {0};
        k.a_km = cases[j].a;
        k.ecc = cases[j].e;
        k.inc_rad = cases[j].inc_deg * ODT_DEG2RAD;
        k.raan0_rad = 1.0;
        k.argp0_rad = 0.5;
        k.m0_rad = cases[j].m0;
        odt_kepler_j2_init(&k, MU, RE, J2);
        double raan_rate, argp_rate;
        const int ns = integrate_j2_rates(&k, 4.0, &raan_rate, &argp_rate);
        const double d = ODT_RAD2DEG * ODT_SEC_PER_DAY;
        cr_log_info("a=%g e=%g i=%g: node %.5f vs %.5f deg/day, perigee %.5f vs %.5f deg/day (%d samples)", k.a_km,
                    k.ecc, cases[j].inc_deg, raan_rate * d, k.raandot_rad_s * d, argp_rate * d,
                    k.argpdot_rad_s * d, ns);
        cr_assert(fabs(raan_rate / k.raandot_rad_s - 1.0) < 0.005, "a=%g i=%g: node rate %.5f integrated, %.5f odtwin",
                  k.a_km, cases[j].inc_deg, raan_rate * d, k.raandot_rad_s * d);
        if (k.ecc >= 0.05)
            cr_assert(fabs(argp_rate / k.argpdot_rad_s - 1.0) < 0.02,
                      "a=%g i=%g: perigee rate %.5f integrated, %.5f odtwin", k.a_km, cases[j].inc_deg,
                      argp_rate * d, k.argpdot_rad_s * d);
    }
}

/* ------------------------------------------------------------------ (f) Walker delta, LTAN */

/*
 * Walker delta 53:40/8/3 (T = 40, P = 8, F = 3, S = 5). Plane nodes are
 * 360/P = 45 deg apart; within a plane slots are 360/S = 72 deg apart in
 * argument of latitude; plane p+1 leads plane p by 360 F/T = 27 deg. The
 * defining symmetry of a Walker pattern (Walker 1984): rotating every satellite
 * by (+360/P in node, +360 F/T in argument of latitude) maps the set onto
 * itself -- including plane P-1 onto plane 0. The argument of latitude is
 * also read back from the position (angle from the node line in the orbit
 * plane), 1e-9 rad.
 */
Test(constellation, walker_delta_pattern)
{
    struct odt_shell sh = {0};
    sh.a_km = RE + 550.0;
    sh.ecc = 0.0;
    sh.inc_rad = 53.0 * ODT_DEG2RAD;
    sh.argp_rad = 0.0;
    sh.raan0_rad = 10.0 * ODT_DEG2RAD;
    sh.raan_spread_rad = ODT_TWOPI;
    sh.planes = 8;
    sh.slots = 5;
    sh.phasing = 3;
    const int P = sh.planes, S = sh.slots, T = P * S, F = sh.phasing;
    double raan[8][5], u[8][5];
    for (int p = 0; p < P; ++p)
        for (int s = 0; s < S; ++s) {
            struct odt_kepler k;
            odt_shell_elements(&sh, p, s, &k);
            cr_assert(k.raan0_rad >= 0.0 && k.raan0_rad < ODT_TWOPI, "raan %g outside [0, 2pi)", k.raan0_rad);
            cr_assert(k.m0_rad >= 0.0 && k.m0_rad < ODT_TWOPI, "M %g outside [0, 2pi)", k.m0_rad);
            cr_assert(fabs(k.a_km - sh.a_km) < 1e-12 && fabs(k.inc_rad - sh.inc_rad) < 1e-15, "a/i not copied");
            raan[p][s] = k.raan0_rad;
            u[p][s] = k.argp0_rad + k.m0_rad;
            /* the argument of latitude from the geometry of the position */
            double r[3], v[3];
            odt_kepler_elements_to_state(k.a_km, k.ecc, k.inc_rad, k.raan0_rad, k.argp0_rad, k.m0_rad, MU, r, v);
            const double nodev[3] = {cos(k.raan0_rad), sin(k.raan0_rad), 0.0};
            double hv[3], hxn[3];
            cross3(r, v, hv);
            cross3(hv, nodev, hxn); /* in-plane, 90 deg ahead of the node */
            const double ug = atan2(dot3(r, hxn) / norm3(hxn), dot3(r, nodev));
            cr_assert(fabs(wrap_pi(ug - u[p][s])) < 1e-9, "plane %d slot %d: u from position %.12f, elements %.12f",
                      p, s, ug, u[p][s]);
        }
    const double tol = 1e-9;
    for (int p = 0; p < P; ++p) {
        const double want = sh.raan0_rad + ODT_TWOPI * p / P;
        for (int s = 0; s < S; ++s) {
            cr_assert(fabs(wrap_pi(raan[p][s] - want)) < tol, "plane %d slot %d node %.12f deg, expected %.12f deg", p,
                      s, raan[p][s] * ODT_RAD2DEG, want * ODT_RAD2DEG);
            const double du = wrap_pi(u[p][s] - u[p][0] - ODT_TWOPI * s / S);
            cr_assert(fabs(du) < tol, "plane %d slot %d in-plane spacing off by %g rad", p, s, du);
        }
        if (p > 0) {
            const double dphase = wrap_pi(u[p][0] - u[p - 1][0] - ODT_TWOPI * F / T);
            cr_assert(fabs(dphase) < tol, "plane %d: phase vs plane %d off by %g rad (F/T = %d/%d)", p, p - 1, dphase,
                      F, T);
        }
    }
    /* the Walker symmetry, as a set */
    for (int p = 0; p < P; ++p)
        for (int s = 0; s < S; ++s) {
            const double rt = raan[p][s] + ODT_TWOPI / P, ut = u[p][s] + ODT_TWOPI * F / T;
            int found = 0;
            for (int q = 0; q < P && !found; ++q)
                for (int z = 0; z < S && !found; ++z)
                    found = fabs(wrap_pi(raan[q][z] - rt)) < tol && fabs(wrap_pi(u[q][z] - ut)) < tol;
            cr_assert(found, "Walker symmetry broken: image of plane %d slot %d (node %.6f, u %.6f deg) not in set", p,
                      s, rt * ODT_RAD2DEG, ut * ODT_RAD2DEG);
        }
}

/* Walker star: planes span 180 deg, so nodes are 180/P apart. */
Test(constellation, walker_star_spread)
{
    struct odt_shell sh = {0};
    sh.a_km = RE + 780.0;
    sh.inc_rad = 86.4 * ODT_DEG2RAD;
    sh.raan0_rad = 350.0 * ODT_DEG2RAD; /* wraps through 360 */
    sh.raan_spread_rad = ODT_PI;
    sh.planes = 6;
    sh.slots = 11;
    sh.phasing = 2;
    for (int p = 0; p < sh.planes; ++p) {
        struct odt_kepler k;
        odt_shell_elements(&sh, p, 0, &k);
        const double want = 350.0 * ODT_DEG2RAD + ODT_PI * p / sh.planes;
        cr_assert(fabs(wrap_pi(k.raan0_rad - want)) < 1e-12, "star plane %d node %.9f deg, expected %.9f deg", p,
                  k.raan0_rad * ODT_RAD2DEG, fmod(want * ODT_RAD2DEG, 360.0));
    }
}

/*
 * LTAN: local solar time at a point of right ascension alpha is
 * 12 h + (alpha - alpha_sun) / 15 deg/h, so LTAN 18:00 puts the node 90 deg
 * east of the Sun, 06:00 90 deg west, 12:00 on the Sun. Checked also from the
 * geometry: the 18:00 node lies on the terminator (node . sun = 0), and the
 * Earth's eastward rotation carries it into the night (dusk).
 */
Test(constellation, ltan_raan)
{
    static const double sun_ra_deg[] = {0.0, 45.0, 100.0, 200.0, 280.5, 359.0};
    for (size_t j = 0; j < sizeof sun_ra_deg / sizeof sun_ra_deg[0]; ++j) {
        const double ra = sun_ra_deg[j] * ODT_DEG2RAD;
        const double n18 = odt_ltan_raan(18.0, ra), n06 = odt_ltan_raan(6.0, ra), n12 = odt_ltan_raan(12.0, ra);
        const double n1030 = odt_ltan_raan(10.5, ra);
        cr_assert(n18 >= 0.0 && n18 < ODT_TWOPI, "raan %g outside [0, 2pi)", n18);
        cr_assert(fabs(wrap_pi(n18 - ra - ODT_PI / 2)) < 1e-12, "Sun RA %g deg: LTAN 18 node %.9f deg, expected RA+90",
                  sun_ra_deg[j], n18 * ODT_RAD2DEG);
        cr_assert(fabs(wrap_pi(n06 - ra + ODT_PI / 2)) < 1e-12, "Sun RA %g deg: LTAN 06 node %.9f deg, expected RA-90",
                  sun_ra_deg[j], n06 * ODT_RAD2DEG);
        cr_assert(fabs(wrap_pi(n12 - ra)) < 1e-12, "Sun RA %g deg: LTAN 12 node %.9f deg", sun_ra_deg[j],
                  n12 * ODT_RAD2DEG);
        cr_assert(fabs(wrap_pi(n1030 - ra + 22.5 * ODT_DEG2RAD)) < 1e-12, "Sun RA %g deg: LTAN 10:30 node %.9f deg",
                  sun_ra_deg[j], n1030 * ODT_RAD2DEG);
        /* geometry: Sun in the equator plane at RA ra */
        const double sun[3] = {cos(ra), sin(ra), 0.0};
        const double nd[3] = {cos(n18), sin(n18), 0.0};
        const double later[3] = {cos(n18 + 0.01), sin(n18 + 0.01), 0.0}; /* rotated eastward */
        cr_assert(fabs(dot3(nd, sun)) < 1e-12, "LTAN 18 node not on the terminator: cos = %g", dot3(nd, sun));
        cr_assert(dot3(later, sun) < 0.0, "LTAN 18 node should pass into night as the Earth turns east");
    }
}
