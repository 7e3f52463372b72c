/*
 * ground.h: the ground reference for the orbital array: the yearly energy per
 * m^2 of the same array on the ground, and the space/ground ratio.
 *
 * Two ways to get the ground energy:
 *   capacity factor:  E = 1000 W/m^2 * CF * year * eta
 *     (CF: AC energy over nameplate-at-1000-W/m^2 times hours; default 0.24, the
 *     US median quoted by Starcloud (interview and white paper), which
 *     already contains the ground system's weather, night, temperature and
 *     inverter losses)
 *   latitude:         E = sum over the year of H0(lat, day) * tau_clear * weather * eta
 *     (H0: daily extraterrestrial insolation on a horizontal or latitude-tilted
 *     plane, Duffie & Beckman, Solar Engineering of Thermal Processes, 4th ed.,
 *     eqs. 1.4.1b, 1.6.1a, 1.6.10, 1.10.3 and sec. 2.19 for the tilted plane)
 * The ratio space/ground = E_orbit / E_ground; with the same efficiency on both
 * sides it is S * sunlit fraction / (1000 * CF): 1361 * 0.99 / (1000 * 0.24) = 5.61
 * (the "5x" of the Starcloud interview: >95 % sunlit against a 24 % ground capacity factor).
 *
 * Units: J/m^2 per year of ODT_DAYS_PER_TROPICAL_YEAR days (365.2422 d =
 * 8765.8 h), the same year for orbit and ground so that the ratio does not
 * depend on it. Solar constant: ODT_SOLAR_CONSTANT_W_M2 = 1361 W/m^2 (Kopp &
 * Lean 2011; Duffie & Beckman use 1367).
 */
#ifndef ODT_GROUND_H
#define ODT_GROUND_H

#include <math.h>
#include "orbit/odt_defs.h"

#define ODT_GROUND_PEAK_W_M2 1000.0 /* standard test condition irradiance (IEC 60904-3), W/m^2 */
#ifndef ODT_YEAR_S
#define ODT_YEAR_S (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY) /* one tropical year, s */
#endif

enum odt_ground_method {
    ODT_GROUND_CAPACITY_FACTOR = 0, /* 1000 W/m^2 * capacity factor */
    ODT_GROUND_LATITUDE = 1         /* extraterrestrial daily insolation * clear sky * weather */
};

enum odt_ground_plane {
    ODT_GROUND_HORIZONTAL = 0,    /* horizontal plane */
    ODT_GROUND_LATITUDE_TILT = 1  /* facing the equator, tilted by the latitude (parallel to the equator plane) */
};

/* A ground site; odt_ground_site_init gives the defaults. */
struct odt_ground_site {
    int method;             /* enum odt_ground_method (default ODT_GROUND_CAPACITY_FACTOR) */
    double capacity_factor; /* 0..1 (default 0.24, US median quoted by Starcloud) */
    double lat_rad;         /* latitude, rad, north positive (default 37 deg: an example mid-latitude site) */
    int plane;              /* enum odt_ground_plane (default ODT_GROUND_LATITUDE_TILT) */
    double clear_sky;       /* clear-sky transmittance of the atmosphere, 0..1 (default 0.70) */
    double weather;         /* fraction left after clouds, 0..1 (default 1.0: clear sky all year; typical
                               annual clearness index tau * weather is 0.45-0.65) */
};

/* odt_ground_site_init: the defaults listed in struct odt_ground_site. */
ODT_HD static inline void odt_ground_site_init(struct odt_ground_site *g)
{
    g->method = ODT_GROUND_CAPACITY_FACTOR;
    g->capacity_factor = 0.24;
    g->lat_rad = 37.0 * ODT_DEG2RAD;
    g->plane = ODT_GROUND_LATITUDE_TILT;
    g->clear_sky = 0.70;
    g->weather = 1.0;
}

/* odt_sunset_hour_angle: sunset hour angle (rad, 0..pi) at latitude lat and declination dec (rad),
   Duffie & Beckman eq. 1.6.10, cos w_s = -tan(lat) tan(dec), clamped: 0 in polar night, pi in polar day. */
ODT_HD static inline double odt_sunset_hour_angle(double lat_rad, double dec_rad)
{
    const double c = -(sin(lat_rad) * sin(dec_rad)) / (cos(lat_rad) * cos(dec_rad));
    return c >= 1.0 ? 0.0 : (c <= -1.0 ? ODT_PI : acos(c));
}

/*
 * odt_extraterrestrial_daily_insolation: daily insolation (J/m^2/day) above
 * the atmosphere on a plane at latitude lat_rad on day n (1..365), Duffie &
 * Beckman:
 *   declination  dec = 23.45 deg sin(360 (284 + n) / 365)              (1.6.1a, Cooper 1969)
 *   distance     E0  = 1 + 0.033 cos(360 n / 365)                       (1.4.1b)
 *   horizontal   H0  = (86400 G / pi) E0 (cos lat cos dec sin ws + ws sin lat sin dec)  (1.10.3)
 *   latitude-tilted (facing the equator, slope |lat|; sec. 2.19 with lat - slope = 0):
 *                H0T = (86400 G / pi) E0 cos dec sin ws',  ws' = min(ws, pi/2)
 * G = 1361 W/m^2. The southern hemisphere mirrors the northern (lat -> -lat,
 * dec -> -dec).
 */
ODT_HD static inline double odt_extraterrestrial_daily_insolation(double lat_rad, int plane, int day_of_year)
{
    const double n = (double)day_of_year;
    double dec = 23.45 * ODT_DEG2RAD * sin(ODT_TWOPI * (284.0 + n) / 365.0);
    const double e0 = 1.0 + 0.033 * cos(ODT_TWOPI * n / 365.0);
    double lat = lat_rad;
    if (lat < 0.0) { /* mirror the southern hemisphere */
        lat = -lat;
        dec = -dec;
    }
    const double ws = odt_sunset_hour_angle(lat, dec);
    const double k = ODT_SEC_PER_DAY * ODT_SOLAR_CONSTANT_W_M2 / ODT_PI * e0;
    double h;
    if (plane == ODT_GROUND_LATITUDE_TILT) {
        const double wt = ws < 0.5 * ODT_PI ? ws : 0.5 * ODT_PI;
        h = k * cos(dec) * sin(wt);
    } else {
        h = k * (cos(lat) * cos(dec) * sin(ws) + ws * sin(lat) * sin(dec));
    }
    return h > 0.0 ? h : 0.0;
}

/*
 * odt_extraterrestrial_annual_insolation: extraterrestrial insolation
 * (J/m^2/yr) on the plane at lat_rad: the mean of days 1..365 times the year
 * (365.2422 d). Loops over 365 days: call it once per site, not per step.
 */
ODT_HD static inline double odt_extraterrestrial_annual_insolation(double lat_rad, int plane)
{
    double sum = 0.0;
    for (int n = 1; n <= 365; ++n)
        sum += odt_extraterrestrial_daily_insolation(lat_rad, plane, n);
    return sum / 365.0 * ODT_DAYS_PER_TROPICAL_YEAR;
}

/*
 * odt_ground_annual_energy: yearly electrical energy (J/m^2/yr) of one m^2 of an
 * array of system efficiency `efficiency` (output per W of sunlight at normal
 * incidence, e.g. odt_array_system_efficiency) at site g:
 *   CAPACITY_FACTOR: 1000 * CF * year * efficiency
 *   LATITUDE:        H0_year(lat, plane) * clear_sky * weather * efficiency
 */
ODT_HD static inline double odt_ground_annual_energy(const struct odt_ground_site *g, double efficiency)
{
    if (g->method == ODT_GROUND_LATITUDE)
        return odt_extraterrestrial_annual_insolation(g->lat_rad, g->plane) * g->clear_sky * g->weather * efficiency;
    return ODT_GROUND_PEAK_W_M2 * g->capacity_factor * ODT_YEAR_S * efficiency;
}

/*
 * odt_orbit_annual_energy: yearly electrical energy (J/m^2/yr) of one m^2 of
 * array in orbit with mean irradiance irradiance_w_m2 (W/m^2), sunlit fraction
 * 0..1 (time-average of the illuminated fraction times cos theta for a
 * non-tracking array) and the same system efficiency as on the ground. A run's
 * own figure is its cumulative array energy per m^2 scaled to a year.
 */
ODT_HD static inline double odt_orbit_annual_energy(double irradiance_w_m2, double sunlit_fraction, double efficiency)
{
    return irradiance_w_m2 * sunlit_fraction * ODT_YEAR_S * efficiency;
}

/*
 * odt_space_ground_ratio: E_orbit / E_ground, both J/m^2 over the same period
 * for the same array; 0 when e_ground_j_m2 <= 0 (no ground reference).
 */
ODT_HD static inline double odt_space_ground_ratio(double e_orbit_j_m2, double e_ground_j_m2)
{
    return e_ground_j_m2 > 0.0 ? e_orbit_j_m2 / e_ground_j_m2 : 0.0;
}

#endif /* ODT_GROUND_H */
