/*
 * thermal.h: one-node thermal balance of a satellite.
 *
 *   C dT/dt = Q_in - eps sigma A (T^4 - T_sink^4)
 *
 * Q_in is the absorbed sunlight plus all electrical power consumed on board
 * (it all ends as heat). Integrated with the implicit (backward) Euler method,
 * whose nonlinear equation is solved by Newton's method started from
 * max(T0, T_eq): the residual is convex and increasing in T, so the iteration
 * falls monotonically onto the root without overshoot. The scheme is
 * unconditionally stable: any step, cold soak or zero power gives a finite
 * temperature between T0 and the equilibrium.
 */
#ifndef ODT_THERMAL_H
#define ODT_THERMAL_H

#include <math.h>
#include "orbit/odt_defs.h"

struct odt_thermal_params {
    double heat_capacity_j_k;  /* lumped heat capacity, J/K (default 2e5) */
    double radiator_area_m2;   /* radiating area, m^2 (default 12) */
    double emissivity;         /* radiator infrared emissivity, 0..1 (default 0.90) */
    double absorptivity;       /* solar absorptivity of the sunlit body surface, 0..1 (default 0.20) */
    double sunlit_area_m2;     /* body area projected towards the Sun, m^2 (default 2) */
    double sink_temp_k;        /* effective radiative sink temperature, K (default 3) */
};

/* odt_thermal_equilibrium: steady temperature (K) that radiates q_in_w. */
ODT_HD static inline double odt_thermal_equilibrium(const struct odt_thermal_params *p, double q_in_w)
{
    const double g = p->emissivity * ODT_STEFAN_BOLTZMANN * p->radiator_area_m2;
    const double t4 = (q_in_w > 0.0 ? q_in_w : 0.0) / g + pow(p->sink_temp_k, 4.0);
    return sqrt(sqrt(t4));
}

/*
 * odt_thermal_step: temperature (K) after dt_s seconds from t0_k with q_in_w
 * watts absorbed and dissipated (held constant over the step).
 */
ODT_HD static inline double odt_thermal_step(const struct odt_thermal_params *p, double t0_k, double q_in_w,
                                             double dt_s)
{
    if (!(dt_s > 0.0))
        return t0_k;
    const double g = p->emissivity * ODT_STEFAN_BOLTZMANN * p->radiator_area_m2;
    const double ts4 = p->sink_temp_k * p->sink_temp_k * p->sink_temp_k * p->sink_temp_k;
    const double c = p->heat_capacity_j_k / dt_s;
    const double teq = odt_thermal_equilibrium(p, q_in_w);
    double t = t0_k > teq ? t0_k : teq;
    for (int it = 0; it < 60; ++it) {
        const double t2 = t * t;
        const double f = c * (t - t0_k) - q_in_w + g * (t2 * t2 - ts4);
        const double d = f / (c + 4.0 * g * t2 * t);
        t -= d;
        if (fabs(d) < 1e-12 * t)
            break;
    }
    return t;
}

#endif /* ODT_THERMAL_H */
