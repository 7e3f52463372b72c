/*
 * kepler.h: analytic two-body propagation with the secular J2 rates of the
 * node, perigee and mean anomaly (first-order Brouwer/Kozai secular theory).
 *
 * References: Vallado, Fundamentals of Astrodynamics and Applications, 4th ed.,
 * sec. 9.6 (secular J2 rates, eq. 9-41) and algorithm 10 (COE2RV); Montenbruck &
 * Gill, Satellite Orbits, sec. 2.2 (Kepler's equation), sec. 3.2 (J2 secular).
 *
 * All functions are static inline ODT_HD: they run unchanged in the OpenMP loop
 * and in the CUDA kernel.
 */
#ifndef ODT_KEPLER_H
#define ODT_KEPLER_H

#include <math.h>
#include "odt_defs.h"

/* Mean elements at epoch and their secular rates; the state at time t follows
 * from them alone, so any satellite can be evaluated at any time independently. */
struct odt_kepler {
    double a_km;          /* mean semi-major axis, km */
    double ecc;           /* eccentricity, 0 <= e < 1 */
    double inc_rad;       /* inclination, rad */
    double raan0_rad;     /* right ascension of the ascending node at epoch, rad */
    double argp0_rad;     /* argument of perigee at epoch, rad */
    double m0_rad;        /* mean anomaly at epoch, rad */
    double mdot_rad_s;    /* mean anomaly rate including J2, rad/s */
    double raandot_rad_s; /* node rate, rad/s */
    double argpdot_rad_s; /* perigee rate, rad/s */
};

/*
 * odt_kepler_solve: eccentric anomaly E (rad) from mean anomaly m (rad) and
 * eccentricity e (0 <= e < 1), i.e. the root of E - e sin E = m.
 * Newton iteration from the starter E0 = m + e sin m (or pi for e > 0.8, which
 * avoids overshoot near perigee of very eccentric orbits); |E - e sin E - m|
 * falls below 1e-14 rad in at most a few iterations for e <= 0.99.
 * The result is in the same revolution as m reduced to [-pi, pi).
 */
ODT_HD static inline double odt_kepler_solve(double m, double e)
{
    m = remainder(m, ODT_TWOPI); /* [-pi, pi] */
    if (e == 0.0)
        return m; /* a circle: E = M (every step below would leave it unchanged) */
    double E = (e > 0.8) ? (m >= 0.0 ? ODT_PI : -ODT_PI) : m + e * sin(m);
    for (int it = 0; it < 50; ++it) {
        const double f = E - e * sin(E) - m;
        const double d = f / (1.0 - e * cos(E));
        E -= d;
        if (fabs(d) < 1e-15 * (1.0 + fabs(E)))
            break;
    }
    return E;
}

/*
 * odt_kepler_j2_init: fill the secular rates of k from its mean elements.
 * mu_km3_s2: gravitational parameter; re_km: reference radius; j2: unnormalised
 * J2 (0 gives pure two-body motion). Vallado eq. 9-41 with p = a(1 - e^2):
 *   raan' = -3/2 n J2 (R/p)^2 cos i
 *   argp' =  3/4 n J2 (R/p)^2 (4 - 5 sin^2 i)
 *   M'    =  n [1 + 3/4 J2 (R/p)^2 sqrt(1 - e^2) (2 - 3 sin^2 i)]
 */
ODT_HD static inline void odt_kepler_j2_init(struct odt_kepler *k, double mu_km3_s2, double re_km, double j2)
{
    const double n = sqrt(mu_km3_s2 / (k->a_km * k->a_km * k->a_km));
    const double p = k->a_km * (1.0 - k->ecc * k->ecc);
    const double q = j2 * (re_km / p) * (re_km / p);
    const double s2 = sin(k->inc_rad) * sin(k->inc_rad);
    k->raandot_rad_s = -1.5 * n * q * cos(k->inc_rad);
    k->argpdot_rad_s = 0.75 * n * q * (4.0 - 5.0 * s2);
    k->mdot_rad_s = n * (1.0 + 0.75 * q * sqrt(1.0 - k->ecc * k->ecc) * (2.0 - 3.0 * s2));
}

/*
 * odt_sso_inclination: inclination (rad) of a sun-synchronous orbit of mean
 * semi-major axis a_km and eccentricity ecc, i.e. the one whose node turns
 * 2 pi per tropical year: cos i = -(2 pi / year) / (3/2 n J2 (R/p)^2).
 * Returns NAN when no such orbit exists (|cos i| > 1, a above ~12,350 km).
 */
ODT_HD static inline double odt_sso_inclination(double a_km, double ecc, double mu_km3_s2, double re_km, double j2)
{
    const double n = sqrt(mu_km3_s2 / (a_km * a_km * a_km));
    const double p = a_km * (1.0 - ecc * ecc);
    const double rate = ODT_TWOPI / (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY);
    const double c = -rate / (1.5 * n * j2 * (re_km / p) * (re_km / p));
    return (c < -1.0 || c > 1.0) ? NAN : acos(c);
}

/*
 * odt_kepler_elements_to_state: inertial position r (km) and velocity v (km/s)
 * from classical elements (a km, e, i, raan, argp, M in rad). The frame is the
 * one the elements refer to (odtwin: GCRS axes). Vallado algorithm 10.
 */
ODT_HD static inline void odt_kepler_elements_to_state(double a, double e, double inc, double raan, double argp,
                                                       double m, double mu, double r[3], double v[3])
{
    const double E = odt_kepler_solve(m, e);
    const double cE = cos(E), sE = sin(E);
    const double b = sqrt(1.0 - e * e);
    /* perifocal coordinates */
    const double xp = a * (cE - e), yp = a * b * sE;
    const double rmag = a * (1.0 - e * cE);
    const double f = sqrt(mu * a) / rmag;
    const double vxp = -f * sE, vyp = f * b * cE;
    /* rotation perifocal -> inertial: R3(-raan) R1(-i) R3(-argp) */
    const double cO = cos(raan), sO = sin(raan), ci = cos(inc), si = sin(inc), cw = cos(argp), sw = sin(argp);
    const double px = cO * cw - sO * sw * ci, py = sO * cw + cO * sw * ci, pz = sw * si;
    const double qx = -cO * sw - sO * cw * ci, qy = -sO * sw + cO * cw * ci, qz = cw * si;
    r[0] = xp * px + yp * qx;
    r[1] = xp * py + yp * qy;
    r[2] = xp * pz + yp * qz;
    v[0] = vxp * px + vyp * qx;
    v[1] = vxp * py + vyp * qy;
    v[2] = vxp * pz + vyp * qz;
}

/*
 * odt_kepler_state: state of k at t_s seconds after epoch with the secular
 * J2 rates applied to raan, argp and M. r in km, v in km/s, inertial frame.
 */
ODT_HD static inline void odt_kepler_state(const struct odt_kepler *k, double t_s, double mu, double r[3], double v[3])
{
    odt_kepler_elements_to_state(k->a_km, k->ecc, k->inc_rad, k->raan0_rad + k->raandot_rad_s * t_s,
                                 k->argp0_rad + k->argpdot_rad_s * t_s, k->m0_rad + k->mdot_rad_s * t_s, mu, r, v);
}

#endif /* ODT_KEPLER_H */
