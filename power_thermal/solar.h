/*
 * solar.h: electrical power of a solar array.
 *
 * P = S(d) * f_illum * A * eta_cell(t) * packing * eta_pcu * cos(theta)
 * with S(d) = S0 (1 AU / d)^2 the irradiance at the Sun distance d, f_illum
 * the illuminated fraction from the shadow model, theta the angle between the
 * array normal and the Sun (0 for a sun-tracking array), and the cell
 * efficiency degraded by a constant fraction per year.
 *
 * Defaults: triple-junction cells ~30 % (AZUR 3G30C data sheet); S0 = 1361 W/m^2
 * (Kopp & Lean 2011).
 */
#ifndef ODT_SOLAR_H
#define ODT_SOLAR_H

#include <math.h>
#include "orbit/odt_defs.h"

struct odt_array_params {
    double area_m2;            /* array area, m^2 (default 24) */
    double cell_efficiency;    /* beginning-of-life cell efficiency, 0..1 (default 0.30) */
    double packing_factor;     /* active cell area / array area, 0..1 (default 0.90) */
    double pcu_efficiency;     /* power conditioning efficiency, 0..1 (default 0.95) */
    double degradation_per_yr; /* fractional loss of output per year, 0..1 (default 0.01) */
};

/* odt_solar_irradiance: solar irradiance (W/m^2) at sun_dist_km from the Sun. */
ODT_HD static inline double odt_solar_irradiance(double sun_dist_km)
{
    const double q = ODT_AU_KM / sun_dist_km;
    return ODT_SOLAR_CONSTANT_W_M2 * q * q;
}

/*
 * odt_array_power: electrical output (W) after power conditioning of a
 * sun-tracking array at irradiance s_w_m2 with illuminated fraction illum,
 * t_s seconds after the start of life (for degradation).
 */
ODT_HD static inline double odt_array_power(const struct odt_array_params *p, double s_w_m2, double illum,
                                            double t_s)
{
    const double years = t_s / (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY);
    const double life = pow(1.0 - p->degradation_per_yr, years);
    return s_w_m2 * illum * p->area_m2 * p->cell_efficiency * p->packing_factor * p->pcu_efficiency * life;
}

#endif /* ODT_SOLAR_H */
