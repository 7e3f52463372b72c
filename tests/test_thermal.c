/*
 * test_thermal.c: the one-node radiator model and its implicit (backward
 * Euler) step (power_thermal/thermal.h).
 *
 * Expected values: the Stefan-Boltzmann equilibrium written out here, the
 * linearised exponential relaxation, the exact cold-soak solution
 * T(t) = (T0^-3 + 3 eps sigma A t / C)^(-1/3), and the discrete energy
 * balance that backward Euler satisfies step by step.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "orbit/odt_defs.h"
#include "power_thermal/thermal.h"

static struct odt_thermal_params default_thermal(void)
{
    struct odt_thermal_params p;
    p.heat_capacity_j_k = 2e5;
    p.radiator_area_m2 = 12.0;
    p.emissivity = 0.9;
    p.absorptivity = 0.2;
    p.sunlit_area_m2 = 2.0;
    p.sink_temp_k = 3.0;
    return p;
}

/* eps sigma A, written out (not taken from the header) */
static double conductance(const struct odt_thermal_params *p)
{
    return p->emissivity * 5.670374419e-8 * p->radiator_area_m2;
}

static double t_equilibrium(const struct odt_thermal_params *p, double q)
{
    const double ts = p->sink_temp_k;
    return pow(q / conductance(p) + ts * ts * ts * ts, 0.25);
}

/*
 * P = 6000 W into 12 m^2 at eps 0.9: T_eq = (P/(eps sigma A) + Ts^4)^(1/4)
 * = 314.6 K; tau = C / (4 eps sigma A T^3) ~ 2.6e3 s. 1e6 s (380 tau) at
 * dt = 60 s from 200 K and from 450 K. The brief's bound is 0.1 K; the
 * fixed point of backward Euler is the exact equilibrium and e^-380 leaves
 * nothing of the transient, so 1e-6 K is asserted. Also the REFERENCE_NUMBERS
 * radiator rejection (eps 0.9: 629 W/m^2 at 60 C, 794 at 80 C, 989 at 100 C)
 * read back as equilibrium temperatures of a 1 m^2 radiator, 0.5 K (the table
 * rounds to 1 W/m^2 ~ 0.1 K).
 */
Test(thermal, equilibrium_after_long_run)
{
    const struct odt_thermal_params p = default_thermal();
    const double q = 6000.0, teq = t_equilibrium(&p, q);
    cr_assert(fabs(teq - 314.6) < 0.1, "hand equilibrium %.4f K, expected ~314.6 K", teq);
    static const double starts[] = {200.0, 450.0};
    for (int j = 0; j < 2; ++j) {
        double t = starts[j];
        for (int s = 0; s < 16667; ++s)
            t = odt_thermal_step(&p, t, q, 60.0);
        cr_assert(fabs(t - teq) < 1e-6, "from %g K after 1e6 s: %.9f K, equilibrium %.9f K", starts[j], t, teq);
    }
    const double te = odt_thermal_equilibrium(&p, q);
    cr_assert(fabs(te - teq) < 1e-9, "odt_thermal_equilibrium %.12f K vs %.12f K", te, teq);

    struct odt_thermal_params r = default_thermal();
    r.radiator_area_m2 = 1.0;
    r.sink_temp_k = 0.0;
    static const double flux[] = {629.0, 794.0, 989.0}, temp_c[] = {60.0, 80.0, 100.0};
    for (int j = 0; j < 3; ++j) {
        double t = 300.0;
        for (int s = 0; s < 2000; ++s)
            t = odt_thermal_step(&r, t, flux[j], 1e4);
        cr_assert(fabs(t - (temp_c[j] + 273.15)) < 0.5, "%g W/m^2 at eps 0.9: %.3f K, REFERENCE_NUMBERS %.2f K",
                  flux[j], t, temp_c[j] + 273.15);
    }
}

/*
 * Monotone approach for steps from 1 s to 1e5 s (1/2600 to 40 tau): from
 * below every step rises and stays at or below T_eq, from above every step
 * falls and stays at or above it; no overshoot, no oscillation. 1e-9 K allows
 * rounding only. The distance to equilibrium must shrink every step.
 */
Test(thermal, implicit_step_monotone)
{
    const struct odt_thermal_params p = default_thermal();
    static const double qs[] = {0.0, 500.0, 6000.0, 2e5};
    static const double dts[] = {1.0, 10.0, 100.0, 1e3, 1e4, 1e5};
    static const double starts[] = {3.5, 100.0, 300.0, 500.0, 2000.0};
    for (size_t iq = 0; iq < sizeof qs / sizeof qs[0]; ++iq) {
        const double teq = t_equilibrium(&p, qs[iq]);
        for (size_t id = 0; id < sizeof dts / sizeof dts[0]; ++id)
            for (size_t is = 0; is < sizeof starts / sizeof starts[0]; ++is) {
                double t = starts[is];
                const int below = t < teq;
                for (int s = 0; s < 300; ++s) {
                    const double tn = odt_thermal_step(&p, t, qs[iq], dts[id]);
                    cr_assert(isfinite(tn), "q=%g dt=%g T0=%g: step %d not finite", qs[iq], dts[id], starts[is], s);
                    if (below) {
                        cr_assert(tn >= t - 1e-9 && tn <= teq + 1e-9,
                                  "q=%g dt=%g from %g K below %.9f K: step %d went %.12f -> %.12f", qs[iq], dts[id],
                                  starts[is], teq, s, t, tn);
                    } else {
                        cr_assert(tn <= t + 1e-9 && tn >= teq - 1e-9,
                                  "q=%g dt=%g from %g K above %.9f K: step %d went %.12f -> %.12f", qs[iq], dts[id],
                                  starts[is], teq, s, t, tn);
                    }
                    cr_assert(fabs(tn - teq) <= fabs(t - teq) + 1e-9, "q=%g dt=%g: moved away from equilibrium",
                              qs[iq], dts[id]);
                    t = tn;
                }
            }
    }
}

/*
 * Small perturbation d0 = +-0.01 K about T_eq decays as exp(-t/tau) with
 * tau = C / (4 eps sigma A T_eq^3). At dt = 1 s backward Euler's decay per
 * step is 1/(1 + dt/tau), off from exp(-dt/tau) by (dt/tau)^2/2 per step, i.e.
 * a relative error ~ t dt / (2 tau^2) ~ 2e-4 at t = tau; the nonlinearity is
 * ~ (3/2) d0/T ~ 5e-5. Bound 1 % (the brief), checked at tau, 2 tau and 3 tau.
 */
Test(thermal, linear_relaxation_time_constant)
{
    const struct odt_thermal_params p = default_thermal();
    const double q = 6000.0, teq = t_equilibrium(&p, q);
    const double tau = p.heat_capacity_j_k / (4.0 * conductance(&p) * teq * teq * teq);
    const double dt = 1.0;
    static const double d0s[] = {0.01, -0.01};
    for (int j = 0; j < 2; ++j) {
        double t = teq + d0s[j], time = 0.0;
        for (int m = 1; m <= 3; ++m) {
            while (time < m * tau - 0.5 * dt) {
                t = odt_thermal_step(&p, t, q, dt);
                time += dt;
            }
            const double ratio = (t - teq) / d0s[j], want = exp(-time / tau);
            cr_assert(fabs(ratio / want - 1.0) < 0.01, "d0=%g K at t=%g s (tau=%.2f s): decay %.6f, exp %.6f",
                      d0s[j], time, tau, ratio, want);
        }
    }
}

/*
 * Discrete energy balance: backward Euler is C (T1 - T0) = [q - g (T1^4 - Ts^4)] dt,
 * so over any history sum q dt - sum g (T_end_of_step^4 - Ts^4) dt = C (T_end - T_0)
 * holds to the Newton tolerance (1e-12 T per step) and rounding. A day at
 * 60 s with an orbit-like power (6 kW for 62 min, 2 kW for 35 min) and some
 * 1e4 s steps; bound 1e-9 of the energy throughput (sum of |q| dt and the
 * radiated energy), since C (T_end - T_0) itself may be near zero.
 */
Test(thermal, energy_balance_backward_euler)
{
    const struct odt_thermal_params p = default_thermal();
    const double g = conductance(&p), ts4 = pow(p.sink_temp_k, 4.0);
    double t = 250.0;
    const double t0 = t;
    double e_in = 0.0, e_rad = 0.0;
    for (int s = 0; s < 1500; ++s) {
        const double dt = (s % 100 == 99) ? 1e4 : 60.0;
        const double phase = fmod(s * 60.0, 97.0 * 60.0);
        const double q = phase < 62.0 * 60.0 ? 6000.0 : 2000.0;
        const double tn = odt_thermal_step(&p, t, q, dt);
        e_in += q * dt;
        e_rad += g * (tn * tn * tn * tn - ts4) * dt;
        t = tn;
    }
    const double stored = p.heat_capacity_j_k * (t - t0);
    const double scale = e_in + fabs(e_rad);
    cr_assert(fabs((e_in - e_rad) - stored) <= 1e-9 * scale,
              "in %.15g J - radiated %.15g J = %.15g J, C (T_end - T0) = %.15g J (rel %.3g)", e_in, e_rad,
              e_in - e_rad, stored, ((e_in - e_rad) - stored) / scale);
}

/*
 * Cold soak with no power and a 0 K sink has the exact solution
 * T(t) = (T0^-3 + 3 g t / C)^(-1/3). From 300 K for 1e5 s (about 33 tau at
 * the start, T falls to ~101 K) at dt = 1 s, backward Euler's global error
 * is ~ dt / (2 tau) ~ 2e-4 relative: bound 1e-3. With a 3 K sink and huge
 * steps the temperature stays finite, positive, above the sink and falling.
 */
Test(thermal, cold_soak)
{
    struct odt_thermal_params p = default_thermal();
    p.sink_temp_k = 0.0;
    const double g = conductance(&p), C = p.heat_capacity_j_k;
    double t = 300.0;
    for (int s = 0; s < 100000; ++s)
        t = odt_thermal_step(&p, t, 0.0, 1.0);
    const double want = pow(1.0 / (300.0 * 300.0 * 300.0) + 3.0 * g * 1e5 / C, -1.0 / 3.0);
    cr_assert(fabs(t / want - 1.0) < 1e-3, "cold soak after 1e5 s: %.6f K, exact %.6f K", t, want);

    p = default_thermal();
    static const double dts[] = {1.0, 60.0, 1e4, 1e7};
    for (size_t j = 0; j < sizeof dts / sizeof dts[0]; ++j) {
        double tt = 300.0;
        for (int s = 0; s < 1000; ++s) {
            const double tn = odt_thermal_step(&p, tt, 0.0, dts[j]);
            cr_assert(isfinite(tn) && tn >= p.sink_temp_k - 1e-12 && tn <= tt + 1e-12,
                      "cold soak dt=%g step %d: %.17g -> %.17g K", dts[j], s, tt, tn);
            tt = tn;
        }
        cr_assert(tt > 0.0, "cold soak dt=%g ended at %g K", dts[j], tt);
    }
    /* at the sink with no power nothing changes */
    const double ts = odt_thermal_step(&p, 3.0, 0.0, 60.0);
    cr_assert(fabs(ts - 3.0) < 1e-9, "at the sink temperature with no power: %.17g K", ts);
    /* a zero-length step returns the input */
    cr_assert(fabs(odt_thermal_step(&p, 287.0, 6000.0, 0.0) - 287.0) < 1e-12, "dt = 0 must not change T");
}

/*
 * Extreme inputs: 1e9 W, a 1e-6 J/K node, steps from 1 ms to 1e7 s. The result
 * must be finite, positive and between T0 and the equilibrium of that power.
 */
Test(thermal, extreme_inputs_finite)
{
    static const double qs[] = {0.0, 1.0, 1e9};
    static const double cs[] = {1e-6, 2e5, 1e12};
    static const double dts[] = {1e-3, 1.0, 60.0, 1e5, 1e7};
    static const double t0s[] = {3.0, 300.0, 1e4};
    for (size_t iq = 0; iq < 3; ++iq)
        for (size_t ic = 0; ic < 3; ++ic)
            for (size_t id = 0; id < 5; ++id)
                for (size_t it = 0; it < 3; ++it) {
                    struct odt_thermal_params p = default_thermal();
                    p.heat_capacity_j_k = cs[ic];
                    const double teq = t_equilibrium(&p, qs[iq]);
                    const double t = odt_thermal_step(&p, t0s[it], qs[iq], dts[id]);
                    const double lo = fmin(t0s[it], teq), hi = fmax(t0s[it], teq);
                    cr_assert(isfinite(t) && t > 0.0, "q=%g C=%g dt=%g T0=%g: T=%g", qs[iq], cs[ic], dts[id],
                              t0s[it], t);
                    cr_assert(t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12),
                              "q=%g C=%g dt=%g T0=%g: T=%.17g outside [%.17g, %.17g]", qs[iq], cs[ic], dts[id],
                              t0s[it], t, lo, hi);
                }
}
