/*
 * shadow.h: illumination of a satellite by the Sun behind a spherical Earth.
 *
 * Inputs are geocentric: r (satellite, km) and the Sun's unit vector and
 * distance (km), all in the same inertial frame.
 *
 * References: Montenbruck & Gill, Satellite Orbits, sec. 3.4.2 (cylindrical
 * and conical shadow, occultation of two disks); Vallado, sec. 5.3.
 */
#ifndef ODT_SHADOW_H
#define ODT_SHADOW_H

#include <math.h>
#include "odt_defs.h"

enum odt_shadow_model {
    ODT_SHADOW_NONE = 0,        /* always lit */
    ODT_SHADOW_CYLINDRICAL = 1, /* Earth's shadow is a cylinder of radius R along the Sun line: 0 or 1 */
    ODT_SHADOW_CONICAL = 2      /* umbra and penumbra from the apparent disks of Sun and Earth: 0..1 */
};

/*
 * odt_shadow_cylindrical: 1 when lit, 0 when inside the cylinder of radius
 * re_km behind the Earth (r . s < 0 and distance from the Sun line < re_km).
 */
ODT_HD static inline double odt_shadow_cylindrical(const double r[3], const double sun_unit[3], double re_km)
{
    const double d = r[0] * sun_unit[0] + r[1] * sun_unit[1] + r[2] * sun_unit[2];
    if (d >= 0.0)
        return 1.0;
    const double px = r[0] - d * sun_unit[0], py = r[1] - d * sun_unit[1], pz = r[2] - d * sun_unit[2];
    return (px * px + py * py + pz * pz < re_km * re_km) ? 0.0 : 1.0;
}

/*
 * odt_disk_visible_fraction: visible fraction of a bright disk of angular
 * radius a (rad) partly covered by a dark disk of angular radius b (rad) whose
 * centre lies c (rad) away. Planar overlap of two circles (Montenbruck & Gill
 * eq. 3.87), exact for the small angles of the Sun's disk.
 */
ODT_HD static inline double odt_disk_visible_fraction(double a, double b, double c)
{
    if (c >= a + b)
        return 1.0; /* no overlap */
    if (c <= b - a)
        return 0.0; /* total: dark disk covers the bright one (umbra) */
    if (c <= a - b)
        return 1.0 - (b * b) / (a * a); /* annular: dark disk inside the bright one */
    const double x = (c * c + a * a - b * b) / (2.0 * c);
    const double y2 = a * a - x * x;
    const double y = y2 > 0.0 ? sqrt(y2) : 0.0;
    double ca = x / a, cb = (c - x) / b;
    ca = ca > 1.0 ? 1.0 : (ca < -1.0 ? -1.0 : ca);
    cb = cb > 1.0 ? 1.0 : (cb < -1.0 ? -1.0 : cb);
    const double area = a * a * acos(ca) + b * b * acos(cb) - c * y;
    const double f = 1.0 - area / (ODT_PI * a * a);
    return f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
}

/*
 * odt_shadow_conical: illuminated fraction 0..1 of the solar disk seen from r,
 * with the Earth a sphere of radius re_km and the Sun of radius ODT_SUN_RADIUS_KM
 * at distance sun_dist_km along sun_unit.
 *
 * With a, b the apparent radii of the Sun and the Earth and c the angle
 * between their centres (all in [0, pi], a + b <= pi), the satellite is lit
 * (c >= a + b) or in the umbra (b >= a and c <= b - a) exactly when
 * cos c <= cos(a + b), respectively cos c >= cos(b - a), with
 * cos(a -+ b) = cos a cos b +- sin a sin b, sin a = R_sun/d_sun,
 * sin b = re/|r|: those two tests need square roots only, and the asin/acos of
 * the overlap formula run inside the penumbra band alone (a decision can
 * differ from the angle comparison only within rounding of a boundary, where
 * the fraction is 0 or 1 to rounding either way).
 */
ODT_HD static inline double odt_shadow_conical(const double r[3], const double sun_unit[3], double sun_dist_km,
                                               double re_km)
{
    /* fast exit: on the day side of the terminator plane the Earth cannot hide the Sun */
    const double d = r[0] * sun_unit[0] + r[1] * sun_unit[1] + r[2] * sun_unit[2];
    if (d >= 0.0)
        return 1.0;
    const double sx = sun_unit[0] * sun_dist_km - r[0];
    const double sy = sun_unit[1] * sun_dist_km - r[1];
    const double sz = sun_unit[2] * sun_dist_km - r[2];
    const double ds = sqrt(sx * sx + sy * sy + sz * sz);
    const double rr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    double cc = -(r[0] * sx + r[1] * sy + r[2] * sz) / (rr * ds);
    cc = cc > 1.0 ? 1.0 : (cc < -1.0 ? -1.0 : cc);
    const double sa = ODT_SUN_RADIUS_KM / ds, sb = re_km / rr; /* sin a, sin b */
    if (sa <= 1.0 && sb <= 1.0) {
        const double ca = sqrt((1.0 - sa) * (1.0 + sa)), cb = sqrt((1.0 - sb) * (1.0 + sb));
        if (cc <= ca * cb - sa * sb)
            return 1.0; /* c >= a + b: no overlap */
        if (sb >= sa && cc >= ca * cb + sa * sb)
            return 0.0; /* c <= b - a: umbra */
    }
    const double a = asin(ODT_SUN_RADIUS_KM / ds); /* apparent radius of the Sun */
    const double b = asin(re_km / rr);             /* apparent radius of the Earth */
    const double c = acos(cc);                     /* angle between the centres of the two disks */
    return odt_disk_visible_fraction(a, b, c);
}

/* odt_illumination: the fraction 0..1 for the chosen model. */
ODT_HD static inline double odt_illumination(int model, const double r[3], const double sun_unit[3],
                                             double sun_dist_km, double re_km)
{
    switch (model) {
    case ODT_SHADOW_CYLINDRICAL:
        return odt_shadow_cylindrical(r, sun_unit, re_km);
    case ODT_SHADOW_CONICAL:
        return odt_shadow_conical(r, sun_unit, sun_dist_km, re_km);
    default:
        return 1.0;
    }
}

#endif /* ODT_SHADOW_H */
