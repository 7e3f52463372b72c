/*
 * constellation.h: element generators for Walker shells and sun-synchronous
 * planes. Pure functions of (shell, plane, slot): the host calls them to
 * build a fleet, and tests call them directly.
 *
 * Walker notation i:T/P/F (Walker 1984, J. Br. Interplanet. Soc. 37): T
 * satellites in P equally spaced planes, F the relative phasing; the satellite
 * in slot s of plane p has mean argument of latitude
 *   u = 360 s / S + 360 F p / T,  S = T / P,
 * and its plane's node is raan0 + spread p / P (spread 360 deg for a delta
 * pattern, 180 deg for a star pattern).
 */
#ifndef ODT_CONSTELLATION_H
#define ODT_CONSTELLATION_H

#include <math.h>
#include "odt_defs.h"
#include "kepler.h"

struct odt_shell {
    double a_km;            /* mean semi-major axis, km */
    double ecc;             /* eccentricity */
    double inc_rad;         /* inclination, rad */
    double argp_rad;        /* argument of perigee, rad */
    double raan0_rad;       /* node of plane 0, rad */
    double raan_spread_rad; /* planes span raan0 .. raan0 + spread (exclusive), rad */
    int planes;             /* P */
    int slots;              /* S, satellites per plane */
    int phasing;            /* Walker F, 0 .. P-1 */
};

/*
 * odt_shell_elements: mean elements at epoch of slot `slot` of plane `plane`
 * (rates are not filled: call odt_kepler_j2_init). For circular orbits the
 * argument of latitude is carried by the mean anomaly.
 */
ODT_HD static inline void odt_shell_elements(const struct odt_shell *sh, int plane, int slot, struct odt_kepler *k)
{
    const double total = (double)sh->planes * (double)sh->slots;
    k->a_km = sh->a_km;
    k->ecc = sh->ecc;
    k->inc_rad = sh->inc_rad;
    k->argp0_rad = sh->argp_rad;
    k->raan0_rad = remainder(sh->raan0_rad + sh->raan_spread_rad * plane / sh->planes, ODT_TWOPI);
    if (k->raan0_rad < 0.0)
        k->raan0_rad += ODT_TWOPI;
    double u = ODT_TWOPI * slot / sh->slots + ODT_TWOPI * sh->phasing * plane / total;
    u = remainder(u, ODT_TWOPI);
    k->m0_rad = u < 0.0 ? u + ODT_TWOPI : u;
    k->mdot_rad_s = k->raandot_rad_s = k->argpdot_rad_s = 0.0;
}

/*
 * odt_ltan_raan: node (rad) of an orbit whose ascending node sits at local
 * time ltan_h (hours; 18.0 is a dusk node, 6.0 a dawn node) given the Sun's
 * right ascension sun_ra_rad in the same frame: the node is
 * (ltan - 12 h) x 15 deg east of the Sun.
 */
ODT_HD static inline double odt_ltan_raan(double ltan_h, double sun_ra_rad)
{
    double raan = remainder(sun_ra_rad + (ltan_h - 12.0) * (ODT_PI / 12.0), ODT_TWOPI);
    return raan < 0.0 ? raan + ODT_TWOPI : raan;
}

#endif /* ODT_CONSTELLATION_H */
