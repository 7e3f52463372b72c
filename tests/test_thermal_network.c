/*
 * test_thermal_network.c: the lumped thermal network (power_thermal/thermal_network.h):
 * environment loads and Earth view factors, the implicit network step, energy
 * accounting, robustness, and radiator sizing.
 *
 * Every expected value comes from somewhere other than the function under
 * test: closed-form radiative equilibria and a two-node balance solved by
 * hand, the linearised exponential decay, the analytic radiative cool-down
 * of an isolated node, the published edge-on view factor and a numerical
 * integration of the view-factor definition, the Stefan-Boltzmann rejection
 * figures worked by hand (eps sigma T^4 with CODATA 2018 sigma), a one-node
 * backward Euler step solved here by bisection, a reference backward-Euler
 * solver written here from the node equations (no floor on the heat sources,
 * used only where no source is negative), the analytic steady state of a
 * network whose array is asked for more electricity than it absorbs (the
 * documented floor), conservation of energy, and the order-preserving
 * property of backward Euler for this class of equations.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "orbit/odt_defs.h"
#include "power_thermal/thermal_network.h"

#define SIGMA ODT_STEFAN_BOLTZMANN
#define RE ODT_EARTH_RADIUS_KM
#define N ODT_TN_MAX_NODES

/* ------------------------------------------------------------------ helpers */

/* A network of one node with one face that sees deep space only. */
static void one_node(struct odt_tn_params *p, double c_j_k, double area_m2, double eps, double sink_k)
{
    odt_tn_params_clear(p);
    p->n_nodes = 1;
    p->c_j_k[0] = c_j_k;
    odt_tn_face_set(&p->face[0][ODT_TN_FRONT], area_m2, 0.2, eps, ODT_TN_POINT_SPACE, 0.0, 0.0);
    p->sink_k = sink_k;
}

/* An environment with no Sun and no Earth (far from the Earth, in shadow). */
static void env_deep_space(struct odt_tn_env *e)
{
    e->solar_w_m2 = 0.0;
    e->illum = 0.0;
    e->r_km = 1e12;
    e->sun_earth_sat_phase_rad = ODT_PI;
    e->sun_face_cos = 1.0;
}

static void zero(double *x)
{
    for (int i = 0; i < N; ++i)
        x[i] = 0.0;
}

static void fill(double *x, int n, double v)
{
    for (int i = 0; i < N; ++i)
        x[i] = i < n ? v : 0.0;
}

/*
 * ref_linsolve: the reference solvers' linear algebra, independent of the
 * code's odt_tn_solve_sym: solve a x = b for x by Gaussian elimination with
 * partial pivoting, in place: a (n x n, n <= N) is destroyed and b becomes x.
 * Returns 0, or 1 when a pivot is zero (singular matrix; b is then undefined).
 */
static int ref_linsolve(int n, double a[N][N], double *b)
{
    for (int k = 0; k < n; ++k) {
        int piv = k;
        double amax = fabs(a[k][k]);
        for (int i = k + 1; i < n; ++i)
            if (fabs(a[i][k]) > amax) {
                amax = fabs(a[i][k]);
                piv = i;
            }
        if (!(amax > 0.0))
            return 1;
        if (piv != k) {
            for (int j = k; j < n; ++j) {
                const double tmp = a[k][j];
                a[k][j] = a[piv][j];
                a[piv][j] = tmp;
            }
            const double tb = b[k];
            b[k] = b[piv];
            b[piv] = tb;
        }
        for (int i = k + 1; i < n; ++i) {
            const double m = a[i][k] / a[k][k];
            a[i][k] = 0.0;
            for (int j = k + 1; j < n; ++j)
                a[i][j] -= m * a[k][j];
            b[i] -= m * b[k];
        }
    }
    for (int i = n - 1; i >= 0; --i) {
        double s = b[i];
        for (int j = i + 1; j < n; ++j)
            s -= a[i][j] * b[j];
        b[i] = s / a[i][i];
    }
    return 0;
}

/* Steady state of the network under constant loads: backward Euler at dt = 1e5 s until it stops moving. */
static void steady(const struct odt_tn_params *p, const double *q, const struct odt_tn_env *e, double *t)
{
    struct odt_tn_flows fl;
    for (int k = 0; k < 400; ++k) {
        double prev[N];
        for (int i = 0; i < N; ++i)
            prev[i] = t[i];
        cr_assert_eq(odt_tn_step(p, q, e, t, 1e5, &fl), ODT_OK);
        cr_assert(fl.converged);
        double d = 0.0;
        for (int i = 0; i < p->n_nodes; ++i)
            d = fmax(d, fabs(t[i] - prev[i]));
        if (d < 1e-11)
            return;
    }
    cr_assert_fail("no steady state reached");
}

/* (1/pi) * integral over azimuth of max(0, a + b cos chi), chi in [0, 2 pi), b >= 0. */
static double azimuth_integral(double a, double b)
{
    if (a >= b)
        return 2.0 * ODT_PI * a;
    if (a <= -b)
        return 0.0;
    const double chi0 = acos(-a / b);
    return 2.0 * (a * chi0 + b * sin(chi0));
}

/*
 * View factor from its definition, F = (1/pi) * integral over the solid angle
 * of the sphere of cos(angle to the plate normal), by composite Simpson in
 * the polar angle psi from nadir (the azimuth integral is done exactly).
 */
static double view_factor_quadrature(double h, double theta)
{
    const double psi_max = asin(1.0 / h);
    const int m = 200000; /* even */
    const double dpsi = psi_max / m;
    double s = 0.0;
    for (int k = 0; k <= m; ++k) {
        const double psi = k * dpsi;
        const double a = cos(theta) * cos(psi), b = sin(theta) * sin(psi);
        const double f = azimuth_integral(a, b) * sin(psi);
        s += (k == 0 || k == m ? 1.0 : (k % 2 ? 4.0 : 2.0)) * f;
    }
    return s * dpsi / 3.0 / ODT_PI;
}

/* ------------------------------------------------------------------ (1) single radiator equilibrium */

/*
 * One radiating node with constant power P settles at the radiative
 * equilibrium T = (P/(eps sigma A) + T_sink^4)^(1/4) (Stefan-Boltzmann),
 * within the required 0.1 K, from a cold and a hot start, at dt = 60 s and at
 * dt = 1e5 s. Each step also agrees to 1e-9 K with the backward Euler step of
 * one node solved here independently, by bisection on the scalar quartic.
 */
static double one_node_step(double c, double a, double eps, double ts, double p, double t0, double dt)
{
    /* C (T - T0)/dt - P + eps sigma A (T^4 - Ts^4) = 0 is increasing in T; the root lies in [Ts, max(T0, Teq)] */
    const double teq = pow(p / (eps * SIGMA * a) + pow(ts, 4.0), 0.25);
    double lo = ts, hi = t0 > teq ? t0 : teq;
    for (int it = 0; it < 200; ++it) {
        const double m = 0.5 * (lo + hi);
        const double f = c * (m - t0) / dt - p + eps * SIGMA * a * (pow(m, 4.0) - pow(ts, 4.0));
        if (f > 0.0)
            hi = m;
        else
            lo = m;
    }
    return 0.5 * (lo + hi);
}

Test(thermal_network, single_radiator_equilibrium)
{
    const double c = 4e4, a = 10.0, eps = 0.9, ts = 3.0, pw = 5000.0;
    const double t_exp = pow(pw / (eps * SIGMA * a) + pow(ts, 4.0), 0.25);
    struct odt_tn_params p;
    struct odt_tn_env e;
    one_node(&p, c, a, eps, ts);
    env_deep_space(&e);
    double q[N];
    zero(q);
    q[0] = pw;
    const double starts[2] = {200.0, 500.0}, dts[2] = {60.0, 1e5};
    for (int is = 0; is < 2; ++is)
        for (int id = 0; id < 2; ++id) {
            double t[N];
            fill(t, 1, starts[is]);
            double t1 = starts[is];
            const int steps = id == 0 ? 2000 : 20; /* 2000 x 60 s ~ 190 time constants */
            for (int k = 0; k < steps; ++k) {
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], NULL), ODT_OK);
                t1 = one_node_step(c, a, eps, ts, pw, t1, dts[id]);
                cr_assert(fabs(t[0] - t1) < 1e-9, "step %d: network %.12f vs one-node %.12f", k, t[0], t1);
            }
            cr_assert(fabs(t[0] - t_exp) < 0.1, "T0 %.0f dt %.0f: %.6f vs %.6f K", starts[is], dts[id], t[0],
                      t_exp);
        }
}

/* ------------------------------------------------------------------ (2) two nodes, closed form */

/*
 * Payload (heated with P, no faces) linked by G to a radiator (eps, A): in
 * steady state all of P crosses G and is radiated, so by hand
 *   T_r = (P/(eps sigma A) + T_s^4)^(1/4),   T_p = T_r + P/G.
 * Within the required 0.01 K (the solve converges to ~1e-9 K).
 */
Test(thermal_network, two_node_steady_state)
{
    const double pw = 4000.0, g = 200.0, a = 8.0, eps = 0.9, ts = 3.0;
    struct odt_tn_params p;
    struct odt_tn_env e;
    odt_tn_params_clear(&p);
    p.n_nodes = 2;
    p.sink_k = ts;
    p.c_j_k[0] = 5e4;
    p.c_j_k[1] = 4e4;
    odt_tn_face_set(&p.face[1][ODT_TN_FRONT], a, 0.15, eps, ODT_TN_POINT_SPACE, 0.0, 0.0);
    odt_tn_link(&p, 0, 1, g);
    env_deep_space(&e);
    double q[N], t[N];
    zero(q);
    q[0] = pw;
    fill(t, 2, 250.0);
    steady(&p, q, &e, t);
    const double tr = pow(pw / (eps * SIGMA * a) + pow(ts, 4.0), 0.25), tp = tr + pw / g;
    cr_assert(fabs(t[1] - tr) < 0.01, "radiator %.6f vs %.6f K", t[1], tr);
    cr_assert(fabs(t[0] - tp) < 0.01, "payload %.6f vs %.6f K", t[0], tp);
}

/* ------------------------------------------------------------------ (3) linearised time constant */

/*
 * A small offset dT about the equilibrium decays as exp(-t/tau) with
 * tau = C / (4 eps sigma A T^3) (linearised Stefan-Boltzmann). With
 * dT0 = 0.1 K at 300 K the quartic's curvature changes the rate by ~1e-4
 * and backward Euler at dt = tau/2000 adds ~3e-4 at t = 3 tau; the required
 * bound is 1 % of exp(-t/tau) at t = tau/2, tau, 2 tau, 3 tau.
 */
Test(thermal_network, linearised_time_constant)
{
    const double c = 4e4, a = 10.0, eps = 0.9, teq = 300.0, dt0 = 0.1;
    struct odt_tn_params p;
    struct odt_tn_env e;
    one_node(&p, c, a, eps, 0.0);
    env_deep_space(&e);
    double q[N], t[N];
    zero(q);
    q[0] = eps * SIGMA * a * pow(teq, 4.0);
    fill(t, 1, teq + dt0);
    const double tau = c / (4.0 * eps * SIGMA * a * teq * teq * teq);
    const double dt = tau / 2000.0;
    const int marks[4] = {1000, 2000, 4000, 6000};
    int im = 0;
    for (int k = 1; k <= 6000; ++k) {
        cr_assert_eq(odt_tn_step(&p, q, &e, t, dt, NULL), ODT_OK);
        if (k == marks[im]) {
            const double ratio = (t[0] - teq) / dt0, expect = exp(-k * dt / tau);
            cr_assert(fabs(ratio / expect - 1.0) < 0.01, "t/tau %.2f: %.6f vs %.6f", k * dt / tau, ratio, expect);
            ++im;
        }
    }
    cr_assert_eq(im, 4);
}

/* ------------------------------------------------------------------ (4) energy over a day */

/*
 * The default 4-node network over one day at dt = 60 s, orbits of 62 min in
 * sunlight and 35 min in eclipse, with the phase angle sweeping round the
 * orbit and loads that change with the Sun: the integrated balance
 *   sum (absorbed + dissipated - radiated) dt = sum_i C_i (T_i,end - T_i,0)
 * closes to 1e-9 of the right-hand side (the required bound; started cold so
 * that the stored energy is large, ~7.5e6 J), and to 1e-12 of the gross
 * energy throughput. Also: every step converges in a handful of Newton
 * iterations and no internal heat is floored.
 */
Test(thermal_network, energy_balance_one_day)
{
    struct odt_tn_params p;
    odt_tn_defaults(&p);
    const double t_start = 250.0, dt = 60.0, period = 97.0 * 60.0, sunlit = 62.0 * 60.0;
    double t[N], q[N];
    fill(t, p.n_nodes, t_start);
    double e_net = 0.0, e_gross = 0.0, e_stored = 0.0;
    int max_it = 0;
    for (int k = 0; k < 1440; ++k) {
        const double tm = (k + 1) * dt, u = fmod(tm, period);
        const int sun = u < sunlit;
        struct odt_tn_env e;
        e.solar_w_m2 = ODT_SOLAR_CONSTANT_W_M2;
        e.illum = sun ? 1.0 : 0.0;
        e.r_km = RE + 650.0;
        /* phase 0 mid-sunlight, pi mid-eclipse */
        e.sun_earth_sat_phase_rad = ODT_TWOPI * (u - 0.5 * sunlit) / period;
        e.sun_face_cos = 1.0;
        if (sun)
            odt_tn_internal_loads(8380.0, 5600.0, 500.0, 100.0, q);
        else
            odt_tn_internal_loads(0.0, 2800.0, 500.0, 250.0, q);
        struct odt_tn_flows fl;
        cr_assert_eq(odt_tn_step(&p, q, &e, t, dt, &fl), ODT_OK);
        cr_assert(fl.converged);
        cr_assert_eq(fl.q_floored_w, 0.0);
        max_it = fl.iterations > max_it ? fl.iterations : max_it;
        e_net += (fl.absorbed_w + fl.dissipated_w - fl.radiated_w) * dt;
        e_stored += fl.stored_w * dt;
        e_gross += (fl.absorbed_w + fabs(fl.dissipated_w) + fl.radiated_w) * dt;
    }
    double rhs = 0.0;
    for (int i = 0; i < p.n_nodes; ++i)
        rhs += p.c_j_k[i] * (t[i] - t_start);
    cr_assert(fabs(rhs) > 1e6);
    cr_assert(fabs(e_net - rhs) <= 1e-9 * fabs(rhs), "net %.9e J vs stored %.9e J", e_net, rhs);
    cr_assert(fabs(e_net - rhs) <= 1e-12 * e_gross, "gross %.3e J, error %.3e J", e_gross, fabs(e_net - rhs));
    cr_assert(fabs(e_stored - rhs) <= 1e-9 * fabs(rhs));
    cr_assert(max_it <= 12, "Newton needed %d iterations", max_it);
    for (int i = 0; i < p.n_nodes; ++i)
        cr_assert(t[i] > 150.0 && t[i] < 400.0, "node %d at %.2f K", i, t[i]);
}

/* ------------------------------------------------------------------ (5) extreme inputs */

static void assert_sane(const struct odt_tn_params *p, const double *t, const char *what)
{
    for (int i = 0; i < p->n_nodes; ++i)
        cr_assert(isfinite(t[i]) && t[i] > 0.0, "%s: node %d at %g K", what, i, t[i]);
}

/*
 * Finite, positive temperatures and a closed per-step balance (1e-9 of the
 * gross flows) for: 1e9 W into the payload; heat capacities of 1e-6 J/K;
 * dt = 1e5 s; an inconsistent array draw of 1e6 W (floored, reported).
 */
Test(thermal_network, extreme_inputs_stay_finite)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    struct odt_tn_flows fl;
    double q[N], t[N];
    const double dts[3] = {1.0, 60.0, 1e5};
    for (int tiny = 0; tiny < 2; ++tiny)
        for (int id = 0; id < 3; ++id) {
            odt_tn_defaults(&p);
            if (tiny)
                for (int i = 0; i < p.n_nodes; ++i)
                    p.c_j_k[i] = 1e-6;
            odt_tn_env_hot_default(&e);
            odt_tn_internal_loads(8000.0, 1e9, 500.0, 0.0, q);
            fill(t, p.n_nodes, 300.0);
            for (int k = 0; k < 20; ++k) {
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], &fl), ODT_OK);
                assert_sane(&p, t, "1e9 W");
                cr_assert(fl.converged, "tiny %d dt %g: %d iterations", tiny, dts[id], fl.iterations);
                const double gross = fl.absorbed_w + fabs(fl.dissipated_w) + fl.radiated_w;
                cr_assert(fabs(fl.absorbed_w + fl.dissipated_w - fl.radiated_w - fl.stored_w) <= 1e-9 * gross);
            }
            /* steady state of a 1e9 W payload, by hand: all of it leaves by the loop (500 W/K) and the
               bus mounts (2 W/K) */
            if (id == 2) {
                const double tp = t[ODT_TN_PAYLOAD];
                const double out = 500.0 * (tp - t[ODT_TN_RADIATOR]) + 2.0 * (tp - t[ODT_TN_BUS]);
                cr_assert(fabs(out / 1e9 - 1.0) < 1e-9, "payload balance %.12e W", out);
            }
        }
    /* an array asked to deliver more electricity than it absorbs */
    odt_tn_defaults(&p);
    odt_tn_env_hot_default(&e);
    odt_tn_internal_loads(1e6, 5600.0, 500.0, 0.0, q);
    fill(t, p.n_nodes, 300.0);
    cr_assert_eq(odt_tn_step(&p, q, &e, t, 60.0, &fl), ODT_OK);
    assert_sane(&p, t, "array overdraw");
    cr_assert(fl.q_floored_w > 9e5);
    cr_assert(fabs(fl.absorbed_w + fl.dissipated_w - fl.radiated_w - fl.stored_w) < 1e-6);
}

/*
 * The negative-source rule (docs/thermal.md: a node asked for more electricity
 * than it absorbs gets Q_i = 0, the excess reported in q_floored_w), checked
 * against the analytic steady state of two nodes far from the Earth. Node 0,
 * an array that absorbs sunlight and cannot radiate (alpha 0.9 on 10 m^2,
 * eps 0): Q_abs = 0.9 x 1361 x 10 = 12249 W. Node 1, a radiator (eps 0.9 on
 * 5 m^2 to a 3 K sink) with 3000 W of its own. G_01 = 50 W/K.
 *  (a) The array delivers 20000 W > Q_abs: Q_0 = 0, so no heat flows between
 *      the nodes, T_0 = T_1 = (3000 / (0.9 sigma 5) + 3^4)^(1/4), floored
 *      20000 - 12249 = 7751 W, dissipated 3000 - 12249 W (the array's applied
 *      internal heat is -Q_abs).
 *  (b) It delivers 10000 W < Q_abs: nothing is floored, Q_0 = 2249 W flows to
 *      the radiator: T_1 = (5249 / (0.9 sigma 5) + 3^4)^(1/4), T_0 = T_1 +
 *      2249 / 50.
 * Applying the negative source as it is would have no steady state above
 * the sink in (a) (net -4751 W); flooring at any other level, or flooring a
 * positive source, moves a temperature by kelvins. Tolerances: 1e-6 K
 * (steady() stops at 1e-11 K per 1e5 s step) and 1e-6 W.
 */
Test(thermal_network, negative_source_floor_steady_state)
{
    struct odt_tn_params p;
    odt_tn_params_clear(&p);
    p.n_nodes = 2;
    p.c_j_k[0] = 1e4;
    p.c_j_k[1] = 1e4;
    p.sink_k = 3.0;
    odt_tn_face_set(&p.face[0][ODT_TN_FRONT], 10.0, 0.9, 0.0, ODT_TN_POINT_SUN, 0.0, 0.0);
    odt_tn_face_set(&p.face[1][ODT_TN_FRONT], 5.0, 0.2, 0.9, ODT_TN_POINT_SPACE, 0.0, 0.0);
    odt_tn_link(&p, 0, 1, 50.0);
    struct odt_tn_env e;
    env_deep_space(&e);
    e.solar_w_m2 = 1361.0;
    e.illum = 1.0;
    e.sun_earth_sat_phase_rad = 0.0;
    const double q_abs = 0.9 * 1361.0 * 10.0, k1 = 0.9 * SIGMA * 5.0;
    for (int c = 0; c < 2; ++c) {
        const double p_out = c == 0 ? 20000.0 : 10000.0;
        double q[N], t[N];
        zero(q);
        q[0] = -p_out;
        q[1] = 3000.0;
        fill(t, 2, 300.0);
        steady(&p, q, &e, t);
        struct odt_tn_flows fl;
        cr_assert_eq(odt_tn_step(&p, q, &e, t, 1e5, &fl), ODT_OK);
        cr_assert(fabs(fl.absorbed_w - q_abs) < 1e-6, "absorbed %.9f W vs %.9f", fl.absorbed_w, q_abs);
        double t0, t1, floored, dissipated;
        if (c == 0) {
            t1 = t0 = pow(3000.0 / k1 + 81.0, 0.25);
            floored = p_out - q_abs;
            dissipated = 3000.0 - q_abs;
        } else {
            t1 = pow((3000.0 + q_abs - p_out) / k1 + 81.0, 0.25);
            t0 = t1 + (q_abs - p_out) / 50.0;
            floored = 0.0;
            dissipated = 3000.0 - p_out;
        }
        cr_assert(fabs(t[0] - t0) < 1e-6 && fabs(t[1] - t1) < 1e-6, "case %d: %.9f %.9f K vs %.9f %.9f", c, t[0],
                  t[1], t0, t1);
        cr_assert(fabs(fl.q_floored_w - floored) < 1e-6, "case %d: floored %.9f W vs %.9f", c, fl.q_floored_w,
                  floored);
        cr_assert(fabs(fl.dissipated_w - dissipated) < 1e-6, "case %d: dissipated %.9f W vs %.9f", c,
                  fl.dissipated_w, dissipated);
    }
}

/*
 * Zero-power cold soak for 1e7 s. (a) An isolated radiating node with a 0 K
 * sink cools as T(t) = (T0^-3 + 3 eps sigma A t / C)^(-1/3) (integrating
 * C dT/dt = -eps sigma A T^4); backward Euler at dt = 60 s follows it to
 * 0.1 %, at dt = 1e5 s to 2 %, and stays above it. (b) The default network
 * in permanent eclipse in LEO (Earth IR only) and in deep space stays finite,
 * positive, above the sink, and falls monotonically.
 */
Test(thermal_network, cold_soak_zero_power)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    double q[N], t[N];
    zero(q);
    const double c = 6e4, a = 48.0, eps = 0.85, t0 = 300.0, tend = 1e7;
    one_node(&p, c, a, eps, 0.0);
    env_deep_space(&e);
    const double t_exact = pow(pow(t0, -3.0) + 3.0 * eps * SIGMA * a * tend / c, -1.0 / 3.0);
    const double dts[2] = {60.0, 1e5}, tol[2] = {1e-3, 2e-2};
    for (int id = 0; id < 2; ++id) {
        fill(t, 1, t0);
        const long steps = (long)(tend / dts[id] + 0.5);
        for (long k = 0; k < steps; ++k)
            cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], NULL), ODT_OK);
        assert_sane(&p, t, "isolated soak");
        cr_assert(fabs(t[0] / t_exact - 1.0) < tol[id], "dt %g: %.6f vs %.6f K", dts[id], t[0], t_exact);
        /* backward Euler under-estimates the cooling rate of a convex decay: it stays above */
        cr_assert(t[0] >= t_exact);
    }

    for (int where = 0; where < 2; ++where)
        for (int id = 0; id < 2; ++id) {
            odt_tn_defaults(&p);
            if (where == 0) {
                e.solar_w_m2 = ODT_SOLAR_CONSTANT_W_M2;
                e.illum = 0.0;
                e.r_km = RE + 650.0;
                e.sun_earth_sat_phase_rad = ODT_PI;
                e.sun_face_cos = 1.0;
            } else {
                env_deep_space(&e);
            }
            fill(t, p.n_nodes, 300.0);
            const long steps = (long)(tend / dts[id] + 0.5);
            for (long k = 0; k < steps; ++k) {
                double prev[N];
                for (int i = 0; i < N; ++i)
                    prev[i] = t[i];
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], NULL), ODT_OK);
                for (int i = 0; i < p.n_nodes; ++i)
                    cr_assert(t[i] <= prev[i] + 1e-9 && t[i] >= p.sink_k, "where %d step %ld node %d: %g -> %g",
                              where, k, i, prev[i], t[i]);
            }
            assert_sane(&p, t, "network soak");
        }
}

/* ------------------------------------------------------------------ (6) no oscillation */

/*
 * Backward Euler on this network is order-preserving: from a state below the
 * steady state whose every steady residual is <= 0 (here the steady state
 * minus 100 K on every node) each node rises monotonically and never passes
 * its steady value; from the steady state plus 50 K each falls monotonically.
 * Checked at dt = 60 s and 3600 s, for the default network under the hot
 * case and for one node (from 100 K and 600 K). Tolerance 1e-9 K (rounding).
 */
Test(thermal_network, monotone_approach)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    double q[N], tss[N];
    odt_tn_defaults(&p);
    odt_tn_env_hot_default(&e);
    odt_tn_internal_loads(8380.0, 5600.0, 500.0, 50.0, q);
    fill(tss, p.n_nodes, 300.0);
    steady(&p, q, &e, tss);
    const double dts[2] = {60.0, 3600.0}, offs[2] = {-100.0, 50.0};
    for (int id = 0; id < 2; ++id)
        for (int io = 0; io < 2; ++io) {
            double t[N];
            for (int i = 0; i < N; ++i)
                t[i] = i < p.n_nodes ? tss[i] + offs[io] : 0.0;
            const double sgn = offs[io] < 0.0 ? 1.0 : -1.0;
            for (int k = 0; k < 500; ++k) {
                double prev[N];
                for (int i = 0; i < N; ++i)
                    prev[i] = t[i];
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], NULL), ODT_OK);
                for (int i = 0; i < p.n_nodes; ++i) {
                    cr_assert(sgn * (t[i] - prev[i]) >= -1e-9, "dt %g node %d step %d: %.9f -> %.9f", dts[id], i,
                              k, prev[i], t[i]);
                    cr_assert(sgn * (tss[i] - t[i]) >= -1e-9, "dt %g node %d passed steady: %.9f vs %.9f", dts[id],
                              i, t[i], tss[i]);
                }
            }
        }
    /* one node from far below and far above */
    one_node(&p, 4e4, 10.0, 0.9, 3.0);
    env_deep_space(&e);
    zero(q);
    q[0] = 5000.0;
    const double teq = pow(5000.0 / (0.9 * SIGMA * 10.0) + 81.0, 0.25);
    const double starts[2] = {100.0, 600.0};
    for (int id = 0; id < 2; ++id)
        for (int is = 0; is < 2; ++is) {
            double t[N];
            fill(t, 1, starts[is]);
            const double sgn = starts[is] < teq ? 1.0 : -1.0;
            for (int k = 0; k < 300; ++k) {
                const double prev = t[0];
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dts[id], NULL), ODT_OK);
                cr_assert(sgn * (t[0] - prev) >= -1e-9 && sgn * (teq - t[0]) >= -1e-9);
            }
        }
}

/* ------------------------------------------------------------------ (7) view factors */

/* A nadir-facing plate sees F = (R/r)^2 exactly (to rounding, 1e-15 relative). */
Test(thermal_network, view_factor_nadir)
{
    const double hs[6] = {1.0, 1.01, (RE + 650.0) / RE, 1.5, 3.0, 10.0};
    for (int k = 0; k < 6; ++k) {
        const double f = odt_tn_view_factor_plate_sphere(hs[k], 0.0);
        cr_assert(fabs(f * hs[k] * hs[k] - 1.0) < 1e-15, "H %g: F %.17g", hs[k], f);
        /* facing straight away: nothing */
        cr_assert_eq(odt_tn_view_factor_plate_sphere(hs[k], ODT_PI), 0.0);
    }
}

/*
 * Edge-on plate (normal perpendicular to nadir) against the published closed
 * form F = [asin(1/H) - sqrt(H^2 - 1)/H^2] / pi (e.g. Gilmore, Vol. I, ch. 2;
 * Howell's catalogue), to 1e-14; at H = 1 it is 1/2 (a plate on a plane).
 */
Test(thermal_network, view_factor_edge_on)
{
    const double hs[6] = {1.0, 1.02, (RE + 650.0) / RE, 1.5, 3.0, 10.0};
    for (int k = 0; k < 6; ++k) {
        const double h = hs[k];
        const double expect = (asin(1.0 / h) - sqrt(h * h - 1.0) / (h * h)) / ODT_PI;
        const double f = odt_tn_view_factor_plate_sphere(h, 0.5 * ODT_PI);
        cr_assert(fabs(f - expect) < 1e-14, "H %g: %.16f vs %.16f", h, f, expect);
    }
    cr_assert(fabs(odt_tn_view_factor_plate_sphere(1.0, 0.5 * ODT_PI) - 0.5) < 1e-15);
    /* 650 km: 0.2407 (Gilmore's Earth-view-factor charts read ~0.24 edge-on at this altitude) */
    cr_assert(fabs(odt_tn_view_factor_plate_sphere((RE + 650.0) / RE, 0.5 * ODT_PI) - 0.2407) < 5e-4);
}

/*
 * The closed form against a numerical integration of the definition
 * F = (1/pi) * integral of cos(angle to normal) d(omega) over the Earth's
 * disk, across full, partial and no view, at three altitudes: 1e-8.
 */
Test(thermal_network, view_factor_against_quadrature)
{
    const double hs[3] = {(RE + 400.0) / RE, (RE + 1200.0) / RE, 2.0};
    for (int k = 0; k < 3; ++k)
        for (int j = 0; j <= 18; ++j) {
            const double th = j * ODT_PI / 18.0;
            const double f = odt_tn_view_factor_plate_sphere(hs[k], th);
            const double fq = view_factor_quadrature(hs[k], th);
            cr_assert(fabs(f - fq) < 1e-8, "H %g theta %g deg: %.12f vs quadrature %.12f", hs[k], j * 10.0, f, fq);
        }
}

/*
 * Continuity across the partial-view boundaries theta = acos(1/H) and
 * pi - acos(1/H) (jump < 1e-8 across +-1e-9 rad), and F non-increasing in
 * theta on a fine grid.
 */
Test(thermal_network, view_factor_continuity)
{
    const double hs[4] = {1.01, (RE + 650.0) / RE, 2.0, 6.6};
    for (int k = 0; k < 4; ++k) {
        const double h = hs[k], tb = acos(1.0 / h), eps = 1e-9;
        const double bounds[2] = {tb, ODT_PI - tb};
        for (int b = 0; b < 2; ++b) {
            const double lo = odt_tn_view_factor_plate_sphere(h, bounds[b] - eps);
            const double hi = odt_tn_view_factor_plate_sphere(h, bounds[b] + eps);
            cr_assert(fabs(lo - hi) < 1e-8, "H %g boundary %d: %.15g vs %.15g", h, b, lo, hi);
        }
        double prev = 2.0;
        for (int j = 0; j <= 10000; ++j) {
            const double f = odt_tn_view_factor_plate_sphere(h, j * ODT_PI / 10000.0);
            cr_assert(f <= prev + 1e-15 && f >= 0.0 && f <= 1.0);
            prev = f;
        }
    }
}

/* ------------------------------------------------------------------ environment loads by hand */

/*
 * Loads written out by hand (Gilmore, ch. 2) for faces at 650 km:
 * a nadir plate over the subsolar point, a sun-tracking array at noon and
 * in eclipse, an edge-on radiator, and a deep-space face; 1e-12 relative.
 */
Test(thermal_network, environment_loads_by_hand)
{
    struct odt_tn_params p;
    odt_tn_defaults(&p);
    const double s = ODT_SOLAR_CONSTANT_W_M2, h = (RE + 650.0) / RE, fn = 1.0 / (h * h);
    const double fe = (asin(1.0 / h) - sqrt(h * h - 1.0) / (h * h)) / ODT_PI;
    struct odt_tn_env e;
    odt_tn_env_hot_default(&e);
    struct odt_tn_face f;
    /* nadir plate, not sunlit: albedo + IR with F = (R/r)^2 */
    odt_tn_face_set(&f, 1.0, 0.3, 0.8, ODT_TN_POINT_FIXED, 0.0, 0.0);
    double expect = 0.3 * 0.30 * s * fn + 0.8 * 237.0 * fn;
    cr_assert(fabs(odt_tn_face_env_flux(&p, &f, &e) / expect - 1.0) < 1e-12);
    /* the same at phase 60 deg: albedo halves */
    e.sun_earth_sat_phase_rad = ODT_PI / 3.0;
    e.sun_face_cos = 1.0;
    expect = 0.3 * 0.30 * s * fn * 0.5 + 0.8 * 237.0 * fn;
    cr_assert(fabs(odt_tn_face_env_flux(&p, &f, &e) / expect - 1.0) < 1e-12);

    /* array at noon: front sees the Sun and zenith, back sees nadir */
    double absorbed[N];
    odt_tn_env_hot_default(&e);
    odt_tn_loads(&p, &e, absorbed);
    const double front = 0.92 * s * 24.0;
    const double back = 24.0 * (0.90 * 0.30 * s * fn + 0.85 * 237.0 * fn);
    cr_assert(fabs(absorbed[ODT_TN_ARRAY] / (front + back) - 1.0) < 1e-12);
    /* array in eclipse over the antisolar point: front faces nadir (IR only), back sees space */
    e.illum = 0.0;
    e.sun_earth_sat_phase_rad = ODT_PI;
    e.sun_face_cos = 1.0;
    odt_tn_loads(&p, &e, absorbed);
    cr_assert(fabs(absorbed[ODT_TN_ARRAY] / (24.0 * 0.85 * 237.0 * fn) - 1.0) < 1e-12);
    /* radiator edge-on to Sun and Earth: IR on both faces, albedo by cos(phase) */
    e.sun_earth_sat_phase_rad = 0.25 * ODT_PI;
    e.sun_face_cos = 1.0;
    e.illum = 1.0;
    odt_tn_loads(&p, &e, absorbed);
    const double ar = ODT_TN_DEFAULT_RADIATOR_M2;
    expect = 2.0 * ar * (0.15 * 0.30 * s * fe * cos(0.25 * ODT_PI) + 0.90 * 237.0 * fe);
    cr_assert(fabs(absorbed[ODT_TN_RADIATOR] / expect - 1.0) < 1e-12);
    cr_assert_eq(absorbed[ODT_TN_PAYLOAD], 0.0);
    /* a deep-space face absorbs nothing */
    odt_tn_face_set(&f, 1.0, 0.9, 0.9, ODT_TN_POINT_SPACE, 0.0, 1.0);
    cr_assert_eq(odt_tn_face_env_flux(&p, &f, &e), 0.0);
}

/* The phase angle from vectors: Sun over the satellite, at the limb, behind the Earth. */
Test(thermal_network, env_from_geometry)
{
    struct odt_tn_env e;
    const double r[3] = {7000.0, 0.0, 0.0};
    const double s0[3] = {1.0, 0.0, 0.0}, s1[3] = {0.0, 1.0, 0.0}, s2[3] = {-1.0, 0.0, 0.0};
    const double s3[3] = {0.5, 0.0, sqrt(0.75)};
    odt_tn_env_set(&e, r, s0, 1361.0, 1.0);
    cr_assert(fabs(e.sun_earth_sat_phase_rad) < 1e-15 && fabs(e.r_km - 7000.0) < 1e-9);
    odt_tn_env_set(&e, r, s1, 1361.0, 1.0);
    cr_assert(fabs(e.sun_earth_sat_phase_rad - 0.5 * ODT_PI) < 1e-15);
    odt_tn_env_set(&e, r, s2, 1361.0, 0.0);
    cr_assert(fabs(e.sun_earth_sat_phase_rad - ODT_PI) < 1e-15);
    odt_tn_env_set(&e, r, s3, 1361.0, 1.0);
    cr_assert(fabs(e.sun_earth_sat_phase_rad - ODT_PI / 3.0) < 1e-15);
}

/* ------------------------------------------------------------------ array heat */

/*
 * The electricity an array delivers leaves the array node: an isolated array
 * in the hot case settles at ((absorbed - P_el)/(sigma sum eps A) + T_s^4)^(1/4)
 * (absorbed written out by hand as in environment_loads_by_hand), 0.01 K.
 */
Test(thermal_network, array_heat_excludes_electricity)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    odt_tn_defaults(&p);
    p.n_nodes = 1; /* the array alone */
    odt_tn_env_hot_default(&e);
    const double s = ODT_SOLAR_CONSTANT_W_M2, h = (RE + 650.0) / RE, fn = 1.0 / (h * h);
    const double absorbed = 0.92 * s * 24.0 + 24.0 * (0.90 * 0.30 * s * fn + 0.85 * 237.0 * fn);
    const double pel = 8380.0;
    double q[N], t[N];
    odt_tn_internal_loads(pel, 0.0, 0.0, 0.0, q);
    fill(t, 1, 300.0);
    steady(&p, q, &e, t);
    const double expect = pow((absorbed - pel) / (SIGMA * 0.85 * 48.0) + 81.0, 0.25);
    cr_assert(fabs(t[0] - expect) < 0.01, "%.6f vs %.6f K", t[0], expect);
}

/* ------------------------------------------------------------------ (8) radiator sizing */

/*
 * Deep space, no environment, one side, eps 0.9: the Stefan-Boltzmann law by
 * hand, 0.9 sigma T^4 = 629, 794 and 989 W/m^2 at 60, 80 and 100 C (333.15,
 * 353.15, 373.15 K; sigma CODATA 2018), so the area per kW is 1000/629 etc.;
 * the figures carry 3 digits, hence 0.1 %.
 */
Test(thermal_network, radiator_area_reference_numbers)
{
    const double tc[3] = {60.0, 80.0, 100.0}, wm2[3] = {629.0, 794.0, 989.0};
    for (int k = 0; k < 3; ++k) {
        double a = 0.0;
        cr_assert_eq(odt_tn_radiator_area_for(1000.0, tc[k] + 273.15, HUGE_VAL, 0.9, 0.0, 0.0, 1, &a), ODT_OK);
        cr_assert(fabs(a / (1000.0 / wm2[k]) - 1.0) < 1e-3, "%g C: %.5f m^2", tc[k], a);
        double a2 = 0.0;
        cr_assert_eq(odt_tn_radiator_area_for(1000.0, tc[k] + 273.15, HUGE_VAL, 0.9, 0.0, 0.0, 2, &a2), ODT_OK);
        cr_assert(fabs(a2 / a - 0.5) < 1e-14);
    }
    double a = 0.0;
    /* limit below the effective sink, a heat load the loop cannot carry, a bad side count */
    cr_assert_eq(odt_tn_radiator_area_for(1000.0, 150.0, HUGE_VAL, 0.9, 3.0, 500.0, 1, &a), ODT_ERR_VALUE);
    cr_assert_eq(odt_tn_radiator_area_for(1e5, 330.0, 100.0, 0.9, 3.0, 0.0, 1, &a), ODT_ERR_VALUE);
    cr_assert_eq(odt_tn_radiator_area_for(1000.0, 330.0, 100.0, 0.9, 3.0, 0.0, 3, &a), ODT_ERR_VALUE);
}

/*
 * Round trip: size the radiator of a payload + radiator network for the hot
 * case (environment absorbed per m^2 from the default radiator faces), build
 * the network with that area, solve the steady state: the payload sits at the
 * limit within the required 0.01 K. Two-sided and one-sided, 60 C and 80 C;
 * and the per-kW figure of the defaults fed back into a single radiator node.
 */
Test(thermal_network, radiator_sizing_round_trip)
{
    struct odt_tn_params d;
    struct odt_tn_env e;
    odt_tn_defaults(&d);
    odt_tn_env_hot_default(&e);
    const double qw = 5600.0, g = 500.0, limits[2] = {333.15, 353.15};
    for (int sides = 1; sides <= 2; ++sides)
        for (int il = 0; il < 2; ++il) {
            double q_env = 0.0;
            for (int s = 0; s < sides; ++s)
                q_env += odt_tn_face_env_flux(&d, &d.face[ODT_TN_RADIATOR][s], &e);
            double area = 0.0;
            cr_assert_eq(odt_tn_radiator_area_for(qw, limits[il], g, 0.9, d.sink_k, q_env, sides, &area), ODT_OK);
            struct odt_tn_params p;
            odt_tn_params_clear(&p);
            p.n_nodes = 2;
            p.c_j_k[0] = 5e4;
            p.c_j_k[1] = 4e4;
            for (int s = 0; s < sides; ++s) {
                p.face[1][s] = d.face[ODT_TN_RADIATOR][s];
                p.face[1][s].area_m2 = area;
            }
            odt_tn_link(&p, 0, 1, g);
            double q[N], t[N];
            zero(q);
            q[0] = qw;
            fill(t, 2, 300.0);
            steady(&p, q, &e, t);
            cr_assert(fabs(t[0] - limits[il]) < 0.01, "%d sides, %.2f K: payload %.6f K (area %.4f m^2)", sides,
                      limits[il], t[0], area);
        }
    for (int sides = 1; sides <= 2; ++sides) {
        double per_kw = 0.0;
        cr_assert_eq(odt_tn_radiator_area_per_kw(333.15, sides, &per_kw), ODT_OK);
        struct odt_tn_params p;
        odt_tn_params_clear(&p);
        p.n_nodes = 1;
        p.c_j_k[0] = 4e4;
        for (int s = 0; s < sides; ++s) {
            p.face[0][s] = d.face[ODT_TN_RADIATOR][s];
            p.face[0][s].area_m2 = 5.0 * per_kw;
        }
        double q[N], t[N];
        zero(q);
        q[0] = 5000.0;
        fill(t, 1, 300.0);
        steady(&p, q, &e, t);
        cr_assert(fabs(t[0] - 333.15) < 0.01, "%d sides: %.6f K", sides, t[0]);
    }
}

/* ------------------------------------------------------------------ defaults, limits, dt = 0, errors */

/*
 * The defaults hold the payload near 330 K (target: 325-335 K) at full power in
 * the hot case, below the 80 C limit, and the bus within 0-45 C.
 */
Test(thermal_network, defaults_hot_case)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    odt_tn_defaults(&p);
    odt_tn_env_hot_default(&e);
    double q[N], t[N];
    odt_tn_internal_loads(8380.0, 5600.0, 500.0, 0.0, q);
    fill(t, p.n_nodes, 300.0);
    steady(&p, q, &e, t);
    cr_assert(t[ODT_TN_PAYLOAD] > 325.0 && t[ODT_TN_PAYLOAD] < 335.0, "payload %.2f K", t[ODT_TN_PAYLOAD]);
    cr_assert(t[ODT_TN_PAYLOAD] < p.t_limit_payload_k, "payload %.2f K over its limit", t[ODT_TN_PAYLOAD]);
    cr_assert(t[ODT_TN_BUS] > 273.15 && t[ODT_TN_BUS] < 318.15, "bus %.2f K", t[ODT_TN_BUS]);
}

Test(thermal_network, payload_limit_helper)
{
    struct odt_tn_params p;
    odt_tn_defaults(&p);
    double t[N];
    fill(t, p.n_nodes, 300.0);
    t[ODT_TN_PAYLOAD] = 353.15 - 0.01; /* the documented default limit, 80 C */
    cr_assert(fabs(odt_tn_payload_margin_k(&p, t) - 0.01) < 1e-9);
    t[ODT_TN_PAYLOAD] = 353.15 + 0.01;
    cr_assert(fabs(odt_tn_payload_margin_k(&p, t) + 0.01) < 1e-9);
}

/* dt = 0 leaves the state bit for bit and reports the instantaneous rate. */
Test(thermal_network, zero_step_is_identity)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    struct odt_tn_flows fl;
    odt_tn_defaults(&p);
    odt_tn_env_hot_default(&e);
    double q[N], t[N], t0[N];
    odt_tn_internal_loads(8380.0, 5600.0, 500.0, 0.0, q);
    for (int i = 0; i < N; ++i)
        t[i] = t0[i] = 280.0 + 7.3 * i;
    cr_assert_eq(odt_tn_step(&p, q, &e, t, 0.0, &fl), ODT_OK);
    for (int i = 0; i < N; ++i)
        cr_assert_eq(t[i], t0[i]);
    cr_assert_eq(fl.iterations, 0);
    cr_assert(fabs(fl.stored_w - (fl.absorbed_w + fl.dissipated_w - fl.radiated_w)) < 1e-9);
    cr_assert(fabs(fl.radiated_w - odt_tn_radiated(&p, t0)) < 1e-9);
}

/* Invalid parameters or state are refused and leave the state untouched. */
Test(thermal_network, bad_input_rejected)
{
    struct odt_tn_params p;
    struct odt_tn_env e;
    odt_tn_env_hot_default(&e);
    double q[N], t[N];
    zero(q);
    for (int c = 0; c < 8; ++c) {
        odt_tn_defaults(&p);
        fill(t, p.n_nodes, 300.0);
        double dt = 60.0;
        switch (c) {
        case 0: p.n_nodes = 0; break;
        case 1: p.n_nodes = ODT_TN_MAX_NODES + 1; break;
        case 2: p.c_j_k[1] = 0.0; break;
        case 3: p.g_w_k[0][3] = -1.0; break;
        case 4: t[2] = -1.0; break;
        case 5: t[1] = NAN; break;
        case 6: dt = -1.0; break;
        default: dt = NAN; break;
        }
        double t0[N];
        for (int i = 0; i < N; ++i)
            t0[i] = t[i];
        cr_assert_eq(odt_tn_step(&p, q, &e, t, dt, NULL), ODT_ERR_VALUE, "case %d", c);
        for (int i = 0; i < N; ++i)
            cr_assert(t[i] == t0[i] || (isnan(t[i]) && isnan(t0[i])));
    }
}

/* The elimination against a system with a known solution that needs row exchanges; a singular one. */
Test(thermal_network, linear_solver)
{
    double a[N][N] = {{0.0}};
    const double m[4][4] = {{0.0, 2.0, 1.0, 0.0}, {1.0, 1.0, 1.0, 1.0}, {2.0, 1.0, 0.0, 3.0}, {0.0, 0.0, 1e-3, 1.0}};
    const double x[4] = {1.0, -2.0, 3.0, 0.5};
    double b[N] = {0.0};
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            a[i][j] = m[i][j];
            b[i] += m[i][j] * x[j];
        }
    }
    cr_assert_eq(ref_linsolve(4, a, b), 0);
    for (int i = 0; i < 4; ++i)
        cr_assert(fabs(b[i] - x[i]) < 1e-14, "x[%d] = %.17g", i, b[i]);
    double s[N][N] = {{1.0, 2.0}, {2.0, 4.0}};
    double bs[N] = {1.0, 2.0};
    cr_assert_eq(ref_linsolve(2, s, bs), 1);
}

/* ------------------------------------------------------------------ the prepared per-step path */

/* A small deterministic generator for the randomised checks below. */
static unsigned long long tn_rng = 0x2545F4914F6CDD1DULL;
static double tn_rnd(void)
{
    tn_rng = tn_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(tn_rng >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * Reference backward-Euler step, written from the node equations
 *   C_i (T_i - T_i0)/dt = Q_i + sum_j G_ij (T_j - T_i) - k_i (T_i^4 - T_sink^4),
 *   Q_i = absorbed_i + q_w[i],  k_i = sigma sum over the node's faces of eps A,
 * and independent of odt_tn_step: k_i summed here from the faces, Newton from
 * the uniform upper bound T_hi with the general pivoting solver ref_linsolve,
 * iterated until every |dT| <= 1e-14 T (or 500 iterations). The absorbed
 * loads come from odt_tn_loads (checked on their own against the face sum and
 * the closed forms above). It applies Q_i as it is: it has no rule for a
 * negative source, and asserts that it is never given one, so the code's
 * floor (tested on its own in negative_source_floor_steady_state) cannot
 * hide in both.
 */
static void reference_step(const struct odt_tn_params *p, const double *q_w, const struct odt_tn_env *e, double *t,
                           double dt)
{
    const int n = p->n_nodes;
    double src[N], k4[N], x[N], t0[N];
    odt_tn_loads(p, e, src);
    const double ts = p->sink_k, ts4 = ts * ts * ts * ts;
    double thi = ts;
    for (int i = 0; i < n; ++i) {
        cr_assert(src[i] + q_w[i] >= 0.0, "reference step given a negative source at node %d: %g W", i,
                  src[i] + q_w[i]);
        src[i] += q_w[i];
        k4[i] = 0.0;
        for (int s = 0; s < 2; ++s)
            if (p->face[i][s].area_m2 > 0.0)
                k4[i] += SIGMA * p->face[i][s].emissivity * p->face[i][s].area_m2;
        t0[i] = t[i];
        double s = t0[i] + src[i] * dt / p->c_j_k[i];
        if (k4[i] > 0.0)
            s = fmin(s, pow(src[i] / k4[i] + ts4, 0.25));
        thi = fmax(thi, fmax(t0[i], s));
    }
    for (int i = 0; i < n; ++i)
        x[i] = thi;
    for (int it = 0; it < 500; ++it) {
        double a[N][N] = {{0.0}}, f[N];
        for (int i = 0; i < n; ++i) {
            f[i] = p->c_j_k[i] / dt * (x[i] - t0[i]) - src[i] + k4[i] * (pow(x[i], 4.0) - ts4);
            a[i][i] = p->c_j_k[i] / dt + 4.0 * k4[i] * pow(x[i], 3.0);
            for (int j = 0; j < n; ++j)
                if (j != i) {
                    const double g = 0.5 * (p->g_w_k[i][j] + p->g_w_k[j][i]);
                    f[i] += g * (x[i] - x[j]);
                    a[i][i] += g;
                    a[i][j] = -g;
                }
        }
        cr_assert_eq(ref_linsolve(n, a, f), 0);
        int done = 1;
        for (int i = 0; i < n; ++i) {
            if (fabs(f[i]) > 1e-14 * x[i])
                done = 0;
            x[i] -= f[i];
        }
        if (done)
            break;
    }
    for (int i = 0; i < n; ++i)
        t[i] = x[i];
}

/*
 * odt_tn_step (Newton from the start-of-step temperatures, capped at T_hi,
 * stopped by the a posteriori bound) against reference_step over two orbits
 * of the default network and of a 5-node network (the default plus a battery
 * node on the bus with its own radiator: the padded 6-node path), at 10 s and
 * 60 s with the phase and the loads sweeping round the orbit. Each step starts
 * both solvers from the same state; they agree to 1e-13 of T (the a
 * posteriori test certifies ~4 ulp; the measured gap is rounding, ~1e-15),
 * and the step needs at most 3 iterations at 10 s and 4 at 60 s.
 */
Test(thermal_network, newton_matches_reference_solver)
{
    for (int net = 0; net < 2; ++net)
        for (int id = 0; id < 2; ++id) {
            const double dt = id == 0 ? 10.0 : 60.0, period = 97.0 * 60.0, sunlit = 62.0 * 60.0;
            struct odt_tn_params p;
            odt_tn_defaults(&p);
            if (net == 1) {
                p.n_nodes = 5;
                p.c_j_k[4] = 3e4;
                odt_tn_face_set(&p.face[4][ODT_TN_FRONT], 0.5, 0.2, 0.85, ODT_TN_POINT_FIXED, 0.3, 0.4);
                odt_tn_link(&p, 4, ODT_TN_BUS, 1.5);
            }
            double t[N], q[N];
            fill(t, p.n_nodes, 280.0);
            int max_it = 0;
            double worst = 0.0;
            for (int k = 0; k < (int)(2.0 * period / dt); ++k) {
                const double u = fmod((k + 1) * dt, period);
                const int sun = u < sunlit;
                struct odt_tn_env e;
                e.solar_w_m2 = ODT_SOLAR_CONSTANT_W_M2;
                e.illum = sun ? 1.0 : 0.0;
                e.r_km = RE + 550.0 + 20.0 * sin(ODT_TWOPI * u / period);
                e.sun_earth_sat_phase_rad = ODT_TWOPI * (u - 0.5 * sunlit) / period;
                e.sun_face_cos = 1.0;
                if (sun)
                    odt_tn_internal_loads(8380.0, 5600.0, 500.0, 100.0, q);
                else
                    odt_tn_internal_loads(0.0, 2800.0 + 1000.0 * (k % 3), 500.0, 250.0, q);
                double tr[N];
                for (int i = 0; i < N; ++i)
                    tr[i] = t[i];
                struct odt_tn_flows fl;
                cr_assert_eq(odt_tn_step(&p, q, &e, t, dt, &fl), ODT_OK);
                cr_assert(fl.converged);
                cr_assert(fl.q_floored_w == 0.0, "step %d: %g W floored", k, fl.q_floored_w);
                reference_step(&p, q, &e, tr, dt);
                for (int i = 0; i < p.n_nodes; ++i)
                    worst = fmax(worst, fabs(t[i] - tr[i]) / tr[i]);
                max_it = fl.iterations > max_it ? fl.iterations : max_it;
            }
            cr_log_info("net %d dt %g: max |T - T_ref|/T %.3g, max iterations %d", net, dt, worst, max_it);
            cr_assert(worst < 1e-13, "net %d dt %g: %.3g", net, dt, worst);
            cr_assert(max_it <= (id == 0 ? 3 : 4), "net %d dt %g: %d iterations", net, dt, max_it);
        }
}

/*
 * odt_tn_sky_set (cosines from the vectors, no trigonometry) against
 * odt_tn_env_set + odt_tn_sky_from_env (atan2, then cos and sin) at random
 * geometries: the same r/R, cos and sin of the phase to 1e-15, and loads
 * through odt_tn_loads_prepared to 1e-13 of the total.
 */
Test(thermal_network, sky_from_vectors)
{
    struct odt_tn_params p;
    struct odt_tn_prep pr;
    odt_tn_defaults(&p);
    cr_assert_eq(odt_tn_prepare(&p, &pr), ODT_OK);
    for (int k = 0; k < 20000; ++k) {
        double r[3], s[3];
        const double rad = RE + 300.0 + 40000.0 * tn_rnd() * tn_rnd();
        const double z = 2.0 * tn_rnd() - 1.0, ph = ODT_TWOPI * tn_rnd();
        r[0] = rad * sqrt(1.0 - z * z) * cos(ph);
        r[1] = rad * sqrt(1.0 - z * z) * sin(ph);
        r[2] = rad * z;
        const double zs = 2.0 * tn_rnd() - 1.0, ps = ODT_TWOPI * tn_rnd();
        s[0] = sqrt(1.0 - zs * zs) * cos(ps);
        s[1] = sqrt(1.0 - zs * zs) * sin(ps);
        s[2] = zs;
        struct odt_tn_env e;
        struct odt_tn_sky a, b;
        odt_tn_env_set(&e, r, s, 1361.0, 1.0);
        e.sun_face_cos = 0.8;
        odt_tn_sky_from_env(&a, &e);
        odt_tn_sky_set(&b, r, s, 1361.0, 1.0, 0.8);
        cr_assert_eq(a.r_over_re, b.r_over_re);
        cr_assert(fabs(a.cos_phase - b.cos_phase) < 1e-15 && fabs(a.sin_phase - b.sin_phase) < 1e-15,
                  "cos %.17g vs %.17g, sin %.17g vs %.17g", a.cos_phase, b.cos_phase, a.sin_phase, b.sin_phase);
        double la[N], lb[N];
        const double ta = odt_tn_loads_prepared(&pr, &a, la), tb = odt_tn_loads_prepared(&pr, &b, lb);
        for (int i = 0; i < N; ++i)
            cr_assert(fabs(la[i] - lb[i]) <= 1e-13 * ta, "node %d: %.17g vs %.17g W", i, la[i], lb[i]);
        cr_assert(fabs(ta - tb) <= 1e-13 * ta);
    }
}

/*
 * The prepared loads (faces merged into terms, one view factor per
 * geometry) against the face-by-face sum of odt_tn_face_env_flux, for the
 * default network, one with FIXED faces (two sharing a geometry) and an
 * EDGE_SUN face at 40 deg, over the phase range: 1e-13 relative.
 */
Test(thermal_network, prepared_loads_match_face_sum)
{
    struct odt_tn_params p;
    odt_tn_defaults(&p);
    odt_tn_face_set(&p.face[ODT_TN_PAYLOAD][ODT_TN_FRONT], 1.5, 0.3, 0.7, ODT_TN_POINT_FIXED, 2.0, 0.6);
    odt_tn_face_set(&p.face[ODT_TN_PAYLOAD][ODT_TN_BACK], 0.5, 0.4, 0.9, ODT_TN_POINT_FIXED, 2.0, -0.2);
    odt_tn_face_set(&p.face[ODT_TN_BUS][ODT_TN_BACK], 1.0, 0.2, 0.8, ODT_TN_POINT_EDGE_SUN, 40.0 * ODT_DEG2RAD, 0.0);
    for (int k = 0; k <= 720; ++k) {
        struct odt_tn_env e;
        odt_tn_env_hot_default(&e);
        e.sun_earth_sat_phase_rad = k * ODT_PI / 360.0 - 0.3;
        e.illum = 0.7;
        e.sun_face_cos = 0.9;
        double absorbed[N];
        const double total = odt_tn_loads(&p, &e, absorbed);
        double sum = 0.0;
        for (int i = 0; i < N; ++i) {
            double expect = 0.0;
            if (i < p.n_nodes)
                for (int s = 0; s < 2; ++s)
                    if (p.face[i][s].area_m2 > 0.0)
                        expect += p.face[i][s].area_m2 * odt_tn_face_env_flux(&p, &p.face[i][s], &e);
            cr_assert(fabs(absorbed[i] - expect) <= 1e-13 * fabs(total), "phase step %d node %d: %.17g vs %.17g",
                      k, i, absorbed[i], expect);
            sum += absorbed[i];
        }
        cr_assert(fabs(total - sum) <= 1e-13 * fabs(total));
    }
}

/* The plate-sphere view factor as documented for odt_tn_view_factor_plate_sphere, from cos and sin of theta. */
static double vf_formula(double h, double ct, double st)
{
    const double x = sqrt(h * h - 1.0);
    if (ct >= 1.0 / h)
        return ct / (h * h);
    if (ct <= -1.0 / h)
        return 0.0;
    const double f = 0.5 - asin(fmin(x / (h * st), 1.0)) / ODT_PI +
                     (ct * acos(fmax(fmin(-x * ct / st, 1.0), -1.0)) - x * sqrt(fmax(1.0 - h * h * ct * ct, 0.0))) /
                         (ODT_PI * h * h);
    return fmax(f, 0.0);
}

/*
 * odt_tn_view_factor_pair gives F(theta) and F(pi - theta) from one
 * evaluation: against the formula written out for cos = +c and cos = -c at
 * random H and theta (caps and partial band), 1e-15 absolute (the pair's
 * pi - acos(y) for acos(-y) and its 1/pi products are rounding); and the
 * single-plate odt_tn_view_factor_cs is the pair, bit for bit.
 */
Test(thermal_network, view_factor_pair)
{
    for (int k = 0; k < 100000; ++k) {
        const double h = 1.0 + 5.0 * tn_rnd() * tn_rnd(), th = 0.5 * ODT_PI * tn_rnd();
        const double c = cos(th), s = sin(th);
        double fp, fn;
        odt_tn_view_factor_pair(h, c, s, &fp, &fn);
        const double ep = vf_formula(h, c, s), en = vf_formula(h, -c, s);
        cr_assert(fabs(fp - ep) < 1e-15 && fabs(fn - en) < 1e-15, "H %.17g theta %.17g: %.17g %.17g vs %.17g %.17g",
                  h, th, fp, fn, ep, en);
        cr_assert(odt_tn_view_factor_cs(h, c, s) == fp && odt_tn_view_factor_cs(h, -c, s) == fn);
    }
}

/*
 * odt_tn_solve_sym against ref_linsolve on random symmetric, strictly
 * diagonally dominant matrices of 1..6 unknowns (1e-13 relative), and a
 * non-positive pivot refused.
 */
Test(thermal_network, symmetric_solver)
{
    for (int k = 0; k < 20000; ++k) {
        const int n = 1 + k % ODT_TN_MAX_NODES;
        double a[N][N] = {{0.0}}, b[N][N] = {{0.0}}, x[N] = {0.0}, y[N] = {0.0};
        for (int i = 0; i < n; ++i) {
            for (int j = i + 1; j < n; ++j)
                a[i][j] = a[j][i] = tn_rnd() < 0.4 ? 0.0 : -1000.0 * tn_rnd();
            x[i] = y[i] = 1e4 * (tn_rnd() - 0.5);
        }
        for (int i = 0; i < n; ++i) {
            double off = 0.0;
            for (int j = 0; j < n; ++j)
                off += j != i ? fabs(a[i][j]) : 0.0;
            a[i][i] = off + 1e3 * tn_rnd() + 1e-3;
            for (int j = 0; j < n; ++j)
                b[i][j] = a[i][j];
        }
        cr_assert_eq(odt_tn_solve_sym(n, a, x), 0);
        cr_assert_eq(ref_linsolve(n, b, y), 0);
        double ymax = 0.0;
        for (int i = 0; i < n; ++i)
            ymax = fmax(ymax, fabs(y[i]));
        for (int i = 0; i < n; ++i)
            cr_assert(fabs(x[i] - y[i]) <= 1e-13 * ymax, "n %d x[%d] %.17g vs %.17g", n, i, x[i], y[i]);
    }
    double z[N][N] = {{1.0, 2.0}, {2.0, 4.0}}, bz[N] = {1.0, 2.0};
    cr_assert_eq(odt_tn_solve_sym(2, z, bz), 1);
}

/* odt_tn_prepare refuses what odt_tn_step refuses, and odt_tn_step_prepared then refuses every step. */
Test(thermal_network, prepared_rejects_invalid_parameters)
{
    struct odt_tn_params p;
    struct odt_tn_prep pr;
    struct odt_tn_sky sky;
    struct odt_tn_env e;
    odt_tn_env_hot_default(&e);
    odt_tn_sky_from_env(&sky, &e);
    double q[N], t[N];
    zero(q);
    odt_tn_defaults(&p);
    cr_assert_eq(odt_tn_params_check(&p), ODT_OK);
    p.g_w_k[1][2] = -0.5;
    cr_assert_eq(odt_tn_prepare(&p, &pr), ODT_ERR_VALUE);
    fill(t, 4, 300.0);
    cr_assert_eq(odt_tn_step_prepared(&pr, q, &sky, t, 60.0, NULL), ODT_ERR_VALUE);
    for (int i = 0; i < 4; ++i)
        cr_assert_eq(t[i], 300.0);
    odt_tn_defaults(&p);
    cr_assert_eq(odt_tn_prepare(&p, &pr), ODT_OK);
    cr_assert_eq(odt_tn_step_prepared(&pr, q, &sky, t, -1.0, NULL), ODT_ERR_VALUE);
    cr_assert_eq(odt_tn_step_prepared(&pr, q, &sky, t, 60.0, NULL), ODT_OK);
}
