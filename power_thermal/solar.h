/*
 * solar.h: solar irradiance at the satellite: S(d) = S0 (1 AU / d)^2 with
 * S0 = 1361 W/m^2 (Kopp & Lean 2011) and d the actual Sun distance. The array
 * that turns it into power is power_thermal/array.h.
 */
#ifndef ODT_SOLAR_H
#define ODT_SOLAR_H

#include <math.h>
#include "orbit/odt_defs.h"

/* odt_solar_irradiance: solar irradiance (W/m^2) at sun_dist_km from the Sun. */
ODT_HD static inline double odt_solar_irradiance(double sun_dist_km)
{
    const double q = ODT_AU_KM / sun_dist_km;
    return ODT_SOLAR_CONSTANT_W_M2 * q * q;
}

#endif /* ODT_SOLAR_H */
