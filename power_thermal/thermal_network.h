/*
 * thermal_network.h: lumped thermal network of one satellite, with the orbital
 * environment loads (direct Sun, Earth albedo, Earth infrared) and radiator
 * sizing.
 *
 * Nodes (ODT_TN_ARRAY, ODT_TN_RADIATOR, ODT_TN_PAYLOAD, ODT_TN_BUS, and up to
 * ODT_TN_MAX_NODES in all) each carry a heat capacity C_i and up to two
 * exposed faces; a symmetric conductance matrix G_ij links them. Each node
 * obeys
 *
 *   C_i dT_i/dt = Q_i + sum_j G_ij (T_j - T_i) - sigma sum_faces eps A (T_i^4 - T_sink^4)
 *
 * where Q_i is the environment heat its faces absorb plus its internal heat
 * (electrical power consumed there; minus the electrical power a solar array
 * delivers, which leaves the array node as electricity). Earth infrared is an
 * absorbed load, and every face emits to a deep-space sink (the usual
 * decomposition of Gilmore, Spacecraft Thermal Control Handbook, Vol. I,
 * 2nd ed. 2002, ch. 2 "Spacecraft Thermal Environments").
 *
 * Time integration: backward (implicit) Euler on the coupled network, whose
 * N x N nonlinear system is solved by Newton's method with a small dense
 * Gaussian elimination (partial pivoting). The residual is a convex map whose
 * Jacobian is a nonsingular M-matrix, and Newton starts from a uniform
 * temperature that over-estimates the solution, so the iterates decrease
 * monotonically onto the unique root (Ortega & Rheinboldt, Iterative Solution
 * of Nonlinear Equations in Several Variables, 1970, 13.3.4): no overshoot, no
 * negative or NaN temperature, at any step length. See docs/thermal.md.
 *
 * Compiles as C11 and as CUDA C++: fixed-size arrays, no allocation, no I/O.
 */
#ifndef ODT_THERMAL_NETWORK_H
#define ODT_THERMAL_NETWORK_H

#include <math.h>
#include "orbit/odt_defs.h"

#define ODT_TN_MAX_NODES 6      /* compile-time maximum number of nodes */
#define ODT_TN_NEWTON_MAX_ITER 300 /* Newton iteration cap of odt_tn_step */
#define ODT_TN_NEWTON_RTOL 1e-12   /* Newton stops when every |dT_i| <= RTOL * T_i + ATOL */
#define ODT_TN_NEWTON_ATOL_K 1e-12 /* absolute part of the criterion, K */
#define ODT_TN_DT_MAX_S 1e15       /* longest accepted step, s */

/* Node indices of the default network. */
enum odt_tn_node { ODT_TN_ARRAY = 0, ODT_TN_RADIATOR = 1, ODT_TN_PAYLOAD = 2, ODT_TN_BUS = 3, ODT_TN_N_DEFAULT = 4 };

/* Faces of a node. */
enum odt_tn_side { ODT_TN_FRONT = 0, ODT_TN_BACK = 1 };

/*
 * How a face points. phi below is the Sun-Earth-satellite phase angle (angle
 * at the Earth's centre between the Sun and the satellite; 0 over the
 * subsolar point, pi over the antisolar point).
 */
enum odt_tn_pointing {
    ODT_TN_POINT_SPACE = 0,   /* sees deep space only: no Sun, no Earth */
    ODT_TN_POINT_SUN = 1,     /* normal towards the Sun (front of a sun-tracking array): sunlit at normal
                                 incidence; angle from nadir = pi - phi */
    ODT_TN_POINT_ANTISUN = 2, /* normal away from the Sun (back of a sun-tracking array): no direct Sun;
                                 angle from nadir = phi */
    ODT_TN_POINT_EDGE_SUN = 3, /* normal perpendicular to the Sun (radiator edge-on to the Sun), turned about
                                  the Sun line to come as close as it can to nadir_angle_rad: no direct Sun;
                                  angle from nadir = acos(clamp(cos(nadir_angle_rad), -sin phi, sin phi)) */
    ODT_TN_POINT_FIXED = 4    /* fixed geometry given by the face: direct Sun at incidence cosine cos_sun
                                 (times illum), angle from nadir = nadir_angle_rad */
};

/* One exposed face of a node. A face with area 0 or emissivity 0 does not radiate. */
struct odt_tn_face {
    double area_m2;         /* face area, m^2 (0: no face) */
    double absorptivity;    /* solar absorptivity alpha, 0..1 (sunlight and albedo) */
    double emissivity;      /* infrared hemispherical emissivity eps, 0..1 (emission and Earth IR) */
    int pointing;           /* enum odt_tn_pointing */
    double nadir_angle_rad; /* EDGE_SUN: wanted angle of the normal from nadir; FIXED: the angle, rad */
    double cos_sun;         /* FIXED only: cosine of the Sun incidence angle (<= 0: not sunlit) */
};

struct odt_tn_params {
    int n_nodes;                                             /* number of nodes, 1..ODT_TN_MAX_NODES (default 4) */
    double c_j_k[ODT_TN_MAX_NODES];                          /* heat capacity of each node, J/K (> 0) */
    double g_w_k[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES];        /* conductance between nodes, W/K, symmetric, >= 0;
                                                                diagonal ignored */
    struct odt_tn_face face[ODT_TN_MAX_NODES][2];            /* front and back face of each node */
    double t_limit_payload_k;                                /* payload temperature limit, K (default 353.15) */
    double albedo;                                           /* Earth albedo, 0..1 (default 0.30) */
    double earth_ir_w_m2;                                    /* Earth outgoing IR at the surface, W/m^2 (default 237) */
    double sink_k;                                           /* deep-space sink temperature, K (default 3) */
};

/* Orbital environment of one step (held constant over the step). */
struct odt_tn_env {
    double solar_w_m2;              /* solar irradiance at the Sun distance, W/m^2 */
    double illum;                   /* illuminated fraction of the Sun's disk, 0..1 */
    double r_km;                    /* geocentric distance of the satellite, km */
    double sun_earth_sat_phase_rad; /* phi: angle at the Earth's centre between the Sun and the satellite, rad */
    double sun_face_cos;            /* incidence cosine of the Sun on faces pointing ODT_TN_POINT_SUN: 1 for a
                                       sun-tracking array; the array model's cos(theta) for body-fixed or
                                       single-axis arrays (odt_tn_env_set sets 1) */
};

/* Energy accounting of one step; absorbed + dissipated - radiated = stored to rounding. */
struct odt_tn_flows {
    double absorbed_w;   /* environment heat absorbed by all faces (Sun, albedo, Earth IR), W */
    double dissipated_w; /* internal heat applied, sum of q_w after the floor below, W (array output counts < 0) */
    double radiated_w;   /* net emission to the sink at the end-of-step temperatures, W */
    double stored_w;     /* sum_i C_i (T_i - T_i0) / dt, W (dt = 0: the instantaneous rate, see odt_tn_step) */
    double q_floored_w;  /* heat drawn from nodes beyond what they absorb, not applied (0 for consistent input), W */
    int iterations;      /* Newton iterations used */
    int converged;       /* 1 when the Newton criterion was met within ODT_TN_NEWTON_MAX_ITER */
};

/* -------------------------------------------------------------------------- geometry */

/* phase angle folded to [0, pi]. */
ODT_HD static inline double odt_tn_fold_angle(double a)
{
    a = fmod(fabs(a), ODT_TWOPI);
    return a > ODT_PI ? ODT_TWOPI - a : a;
}

/*
 * odt_tn_view_factor_plate_sphere: view factor from a small flat plate to a
 * sphere (the Earth).
 *   r_over_re            H = r/R, distance of the plate from the sphere's centre
 *                        over the sphere's radius (values below 1 are taken as 1)
 *   angle_from_nadir_rad theta, angle between the plate normal and the direction
 *                        to the sphere's centre, rad (folded to [0, pi])
 * Returns F (dimensionless, 0..1):
 *   theta <= acos(1/H) (whole cap seen):   F = cos(theta) / H^2
 *   theta >= pi - acos(1/H) (none seen):   F = 0
 *   otherwise (partly seen, with X = sqrt(H^2 - 1)):
 *     F = 1/2 - asin(X / (H sin theta)) / pi
 *         + [cos(theta) acos(-X cot theta) - X sqrt(1 - H^2 cos^2 theta)] / (pi H^2)
 *   edge-on (theta = pi/2): F = [asin(1/H) - sqrt(H^2 - 1) / H^2] / pi.
 * References: J. R. Howell, A Catalog of Radiation Heat Transfer Configuration
 * Factors (thermalradiation.net), section B, differential planar element to a
 * sphere, element tilted; Gilmore, Vol. I, ch. 2 (Earth view factors).
 */
ODT_HD static inline double odt_tn_view_factor_plate_sphere(double r_over_re, double angle_from_nadir_rad)
{
    const double h = r_over_re > 1.0 ? r_over_re : 1.0;
    const double th = odt_tn_fold_angle(angle_from_nadir_rad);
    const double ih = 1.0 / h, ih2 = ih * ih;
    const double ct = cos(th);
    if (ct >= ih)
        return ct * ih2;
    if (ct <= -ih)
        return 0.0;
    const double st = sin(th); /* > 0 here */
    const double x = sqrt(h * h - 1.0);
    double a1 = x / (h * st);
    a1 = a1 > 1.0 ? 1.0 : a1;
    double a2 = -x * ct / st;
    a2 = a2 > 1.0 ? 1.0 : (a2 < -1.0 ? -1.0 : a2);
    double s = 1.0 - h * h * ct * ct;
    s = s > 0.0 ? s : 0.0;
    const double f = 0.5 - asin(a1) / ODT_PI + (ct * acos(a2) - x * sqrt(s)) * ih2 / ODT_PI;
    return f > 0.0 ? f : 0.0;
}

/*
 * odt_tn_face_nadir_angle: angle (rad, 0..pi) between a face's normal and
 * nadir for its pointing mode at phase angle phase_rad (see enum
 * odt_tn_pointing). SPACE faces return pi (they see no Earth).
 */
ODT_HD static inline double odt_tn_face_nadir_angle(const struct odt_tn_face *f, double phase_rad)
{
    const double phi = odt_tn_fold_angle(phase_rad);
    switch (f->pointing) {
    case ODT_TN_POINT_SUN:
        return ODT_PI - phi;
    case ODT_TN_POINT_ANTISUN:
        return phi;
    case ODT_TN_POINT_EDGE_SUN: {
        const double lim = sin(phi);
        double c = cos(f->nadir_angle_rad);
        c = c > lim ? lim : (c < -lim ? -lim : c);
        return acos(c);
    }
    case ODT_TN_POINT_FIXED:
        return odt_tn_fold_angle(f->nadir_angle_rad);
    default:
        return ODT_PI;
    }
}

/*
 * odt_tn_face_env_flux: environment heat absorbed per m^2 of a face, W/m^2.
 *   direct Sun   alpha S illum cos(theta_sun)            (cos = 1 for SUN, cos_sun for FIXED, else 0)
 *   albedo       alpha a S F max(cos phi, 0)
 *   Earth IR     eps q_IR F
 * with F = odt_tn_view_factor_plate_sphere(r/R, angle from nadir). The albedo
 * day-side factor max(cos phi, 0) is the first-order model of a diffusely
 * reflecting Earth whose reflected flux falls as the cosine of the solar
 * zenith angle at the sub-satellite point (Gilmore, Vol. I, ch. 2; Fortescue,
 * Stark & Swinerd, Spacecraft Systems Engineering, sec. 11.2): exact over the
 * subsolar point, it ignores the sunlit crescent still seen beyond the
 * terminator (phi >= 90 deg). q_IR F carries the (R/r)^2 fall-off of the
 * Earth's infrared (for a nadir plate F = (R/r)^2). R = ODT_EARTH_RADIUS_KM.
 */
ODT_HD static inline double odt_tn_face_env_flux(const struct odt_tn_params *p, const struct odt_tn_face *f,
                                                 const struct odt_tn_env *env)
{
    if (f->pointing == ODT_TN_POINT_SPACE)
        return 0.0;
    double cos_sun = 0.0;
    if (f->pointing == ODT_TN_POINT_SUN)
        cos_sun = env->sun_face_cos > 0.0 ? (env->sun_face_cos < 1.0 ? env->sun_face_cos : 1.0) : 0.0;
    else if (f->pointing == ODT_TN_POINT_FIXED)
        cos_sun = f->cos_sun > 0.0 ? (f->cos_sun < 1.0 ? f->cos_sun : 1.0) : 0.0;
    const double phi = odt_tn_fold_angle(env->sun_earth_sat_phase_rad);
    const double fv = odt_tn_view_factor_plate_sphere(env->r_km / ODT_EARTH_RADIUS_KM,
                                                      odt_tn_face_nadir_angle(f, phi));
    const double day = cos(phi) > 0.0 ? cos(phi) : 0.0;
    const double illum = env->illum > 0.0 ? (env->illum < 1.0 ? env->illum : 1.0) : 0.0;
    const double direct = f->absorptivity * env->solar_w_m2 * illum * cos_sun;
    const double albedo = f->absorptivity * p->albedo * env->solar_w_m2 * fv * day;
    const double ir = f->emissivity * p->earth_ir_w_m2 * fv;
    return direct + albedo + ir;
}

/*
 * odt_tn_loads: environment heat absorbed by each node, W, into
 * absorbed_w[0..ODT_TN_MAX_NODES-1] (0 beyond n_nodes). Returns the total, W.
 */
ODT_HD static inline double odt_tn_loads(const struct odt_tn_params *ODT_RESTRICT p,
                                         const struct odt_tn_env *ODT_RESTRICT env, double *ODT_RESTRICT absorbed_w)
{
    double total = 0.0;
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i) {
        double q = 0.0;
        if (i < p->n_nodes)
            for (int s = 0; s < 2; ++s) {
                const struct odt_tn_face *f = &p->face[i][s];
                if (f->area_m2 > 0.0)
                    q += f->area_m2 * odt_tn_face_env_flux(p, f, env);
            }
        absorbed_w[i] = q;
        total += q;
    }
    return total;
}

/* odt_tn_radiative_coeff: sigma * sum over node i's faces of eps A, W/K^4. */
ODT_HD static inline double odt_tn_radiative_coeff(const struct odt_tn_params *p, int i)
{
    double k = 0.0;
    for (int s = 0; s < 2; ++s) {
        const struct odt_tn_face *f = &p->face[i][s];
        if (f->area_m2 > 0.0 && f->emissivity > 0.0)
            k += f->emissivity * f->area_m2;
    }
    return ODT_STEFAN_BOLTZMANN * k;
}

/*
 * odt_tn_env_set: fill env from the satellite position r_km[3] (km) and the
 * unit vector Earth -> Sun sun_unit[3] (same axes), the irradiance solar_w_m2
 * (W/m^2) and the illuminated fraction illum (0..1).
 */
ODT_HD static inline void odt_tn_env_set(struct odt_tn_env *env, const double r_km[3], const double sun_unit[3],
                                         double solar_w_m2, double illum)
{
    const double r = sqrt(r_km[0] * r_km[0] + r_km[1] * r_km[1] + r_km[2] * r_km[2]);
    const double d = r_km[0] * sun_unit[0] + r_km[1] * sun_unit[1] + r_km[2] * sun_unit[2];
    const double cx = r_km[1] * sun_unit[2] - r_km[2] * sun_unit[1];
    const double cy = r_km[2] * sun_unit[0] - r_km[0] * sun_unit[2];
    const double cz = r_km[0] * sun_unit[1] - r_km[1] * sun_unit[0];
    env->solar_w_m2 = solar_w_m2;
    env->illum = illum;
    env->r_km = r;
    env->sun_earth_sat_phase_rad = atan2(sqrt(cx * cx + cy * cy + cz * cz), d);
    env->sun_face_cos = 1.0;
}

/* -------------------------------------------------------------------------- defaults */

/* odt_tn_face_set: set one face (nadir_angle_rad and cos_sun as in struct odt_tn_face). */
ODT_HD static inline void odt_tn_face_set(struct odt_tn_face *f, double area_m2, double absorptivity,
                                          double emissivity, int pointing, double nadir_angle_rad, double cos_sun)
{
    f->area_m2 = area_m2;
    f->absorptivity = absorptivity;
    f->emissivity = emissivity;
    f->pointing = pointing;
    f->nadir_angle_rad = nadir_angle_rad;
    f->cos_sun = cos_sun;
}

/* odt_tn_params_clear: no nodes, no faces, no links; environment constants at their defaults. */
ODT_HD static inline void odt_tn_params_clear(struct odt_tn_params *p)
{
    p->n_nodes = 0;
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i) {
        p->c_j_k[i] = 0.0;
        for (int j = 0; j < ODT_TN_MAX_NODES; ++j)
            p->g_w_k[i][j] = 0.0;
        for (int s = 0; s < 2; ++s)
            odt_tn_face_set(&p->face[i][s], 0.0, 0.0, 0.0, ODT_TN_POINT_SPACE, 0.0, 0.0);
    }
    p->t_limit_payload_k = 353.15;
    p->albedo = 0.30;          /* Gilmore; REFERENCE_NUMBERS.md */
    p->earth_ir_w_m2 = 237.0;  /* Gilmore; REFERENCE_NUMBERS.md */
    p->sink_k = 3.0;           /* deep space */
}

/* odt_tn_link: set the conductance between nodes i and j (both directions), W/K. */
ODT_HD static inline void odt_tn_link(struct odt_tn_params *p, int i, int j, double g_w_k)
{
    p->g_w_k[i][j] = g_w_k;
    p->g_w_k[j][i] = g_w_k;
}

#define ODT_TN_DEFAULT_RADIATOR_M2 6.0 /* default radiator planform area (two-sided), m^2 */

/*
 * odt_tn_defaults: the network of a ~6 kW node (8 x 700 W accelerators + 0.5 kW
 * bus, 24 m^2 sun-tracking array), sized so that the payload sits near 330 K
 * at full power in the hot case (650 km, over the subsolar point). Values and
 * sources in docs/thermal.md:
 *   array     C 6e4 J/K (~24 m^2 panels at ~2.5 kg/m^2, c ~ 1 kJ/kg/K); front
 *             (cells + cover glass) alpha 0.92 eps 0.85, sun-tracking; back
 *             (CFRP/black paint) alpha 0.90 eps 0.85 (Gilmore, ch. 4 and App.)
 *   radiator  C 4e4 J/K; two-sided panel of 6 m^2 planform, white paint/OSR
 *             alpha 0.15 eps 0.90 (REFERENCE_NUMBERS.md), edge-on to the Sun
 *             and to the Earth (nadir angle 90 deg)
 *   payload   C 5e4 J/K (accelerators, boards, cold plates ~60 kg); no
 *             exposed face: all heat leaves by the loop and mounts
 *   bus       C 1e5 J/K (battery, electronics, structure ~100 kg); its own
 *             body-mounted 2 m^2 OSR radiator (alpha 0.10 eps 0.80), edge-on
 *             to the Sun and the Earth
 *   links     payload-radiator 500 W/K (pumped loop: ~11 K drop at 5.6 kW);
 *             payload-bus 2 W/K (insulated mounts); array-bus 0.5 W/K (drive
 *             and hinges; deployed arrays are nearly isolated)
 *   payload limit 353.15 K (80 C).
 */
ODT_HD static inline void odt_tn_defaults(struct odt_tn_params *p)
{
    odt_tn_params_clear(p);
    p->n_nodes = ODT_TN_N_DEFAULT;
    p->c_j_k[ODT_TN_ARRAY] = 6e4;
    p->c_j_k[ODT_TN_RADIATOR] = 4e4;
    p->c_j_k[ODT_TN_PAYLOAD] = 5e4;
    p->c_j_k[ODT_TN_BUS] = 1e5;
    odt_tn_face_set(&p->face[ODT_TN_ARRAY][ODT_TN_FRONT], 24.0, 0.92, 0.85, ODT_TN_POINT_SUN, 0.0, 1.0);
    odt_tn_face_set(&p->face[ODT_TN_ARRAY][ODT_TN_BACK], 24.0, 0.90, 0.85, ODT_TN_POINT_ANTISUN, 0.0, 0.0);
    odt_tn_face_set(&p->face[ODT_TN_RADIATOR][ODT_TN_FRONT], ODT_TN_DEFAULT_RADIATOR_M2, 0.15, 0.90,
                    ODT_TN_POINT_EDGE_SUN, 0.5 * ODT_PI, 0.0);
    odt_tn_face_set(&p->face[ODT_TN_RADIATOR][ODT_TN_BACK], ODT_TN_DEFAULT_RADIATOR_M2, 0.15, 0.90,
                    ODT_TN_POINT_EDGE_SUN, 0.5 * ODT_PI, 0.0);
    odt_tn_face_set(&p->face[ODT_TN_BUS][ODT_TN_FRONT], 2.0, 0.10, 0.80, ODT_TN_POINT_EDGE_SUN, 0.5 * ODT_PI, 0.0);
    odt_tn_link(p, ODT_TN_PAYLOAD, ODT_TN_RADIATOR, 500.0);
    odt_tn_link(p, ODT_TN_PAYLOAD, ODT_TN_BUS, 2.0);
    odt_tn_link(p, ODT_TN_ARRAY, ODT_TN_BUS, 0.5);
}

/*
 * odt_tn_env_hot_default: the hot-case environment used for sizing: 650 km
 * altitude, over the subsolar point (phi = 0), in full sunlight at 1361 W/m^2.
 */
ODT_HD static inline void odt_tn_env_hot_default(struct odt_tn_env *env)
{
    env->solar_w_m2 = ODT_SOLAR_CONSTANT_W_M2;
    env->illum = 1.0;
    env->r_km = ODT_EARTH_RADIUS_KM + 650.0;
    env->sun_earth_sat_phase_rad = 0.0;
    env->sun_face_cos = 1.0;
}

/*
 * odt_tn_internal_loads: internal heat of each node, W, into
 * q_w[0..ODT_TN_MAX_NODES-1] for the default node layout:
 *   array    -p_array_out_w  (electrical power taken from the array: served +
 *                             charge; curtailed power is not extracted and
 *                             stays in the array as heat)
 *   payload  p_payload_w     (compute power supplied)
 *   bus      p_bus_w + p_loss_w (bus power supplied, battery losses)
 * Every watt of electricity ends as heat where it is used (Gilmore, ch. 1).
 */
ODT_HD static inline void odt_tn_internal_loads(double p_array_out_w, double p_payload_w, double p_bus_w,
                                                double p_loss_w, double *q_w)
{
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i)
        q_w[i] = 0.0;
    q_w[ODT_TN_ARRAY] = -p_array_out_w;
    q_w[ODT_TN_PAYLOAD] = p_payload_w;
    q_w[ODT_TN_BUS] = p_bus_w + p_loss_w;
}

/* -------------------------------------------------------------------------- solver */

/*
 * odt_tn_linsolve: solve a x = b for x by Gaussian elimination with partial
 * pivoting, in place: a (n x n, n <= ODT_TN_MAX_NODES) is destroyed and b
 * becomes x. Returns 0, or 1 when a pivot is zero (singular matrix; b is then
 * undefined).
 */
ODT_HD static inline int odt_tn_linsolve(int n, double a[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES], double *b)
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

/* odt_tn_radiated: net emission to the sink of all nodes at temperatures t_k, W. */
ODT_HD static inline double odt_tn_radiated(const struct odt_tn_params *p, const double *t_k)
{
    const double ts2 = p->sink_k * p->sink_k, ts4 = ts2 * ts2;
    double r = 0.0;
    for (int i = 0; i < p->n_nodes; ++i) {
        const double t2 = t_k[i] * t_k[i];
        r += odt_tn_radiative_coeff(p, i) * (t2 * t2 - ts4);
    }
    return r;
}

/*
 * odt_tn_step: advance the node temperatures over one step by backward Euler,
 *   C_i (T_i - T_i0)/dt = Q_i + sum_j G_ij (T_j - T_i) - k_i (T_i^4 - T_sink^4),
 *   k_i = sigma sum_faces eps A,  Q_i = absorbed_i (odt_tn_loads) + q_w[i],
 * with all loads held constant over the step.
 *   p      network parameters (C_i > 0, G_ij >= 0, 1 <= n_nodes <= ODT_TN_MAX_NODES)
 *   q_w    internal heat of each node, W (odt_tn_internal_loads); a node whose
 *          Q_i would be negative (more electricity drawn than it absorbs: an
 *          inconsistent input) gets Q_i = 0 and the difference is reported in
 *          out->q_floored_w
 *   env    environment of the step
 *   t_k    node temperatures, K (0 <= T < 1e30): in, the start of the step; out, the end
 *   dt_s   step length, s (0 <= dt_s <= ODT_TN_DT_MAX_S); dt_s = 0 leaves t_k
 *          unchanged and reports the instantaneous flows, with stored_w the
 *          instantaneous rate absorbed + dissipated - radiated
 *   out    energy accounting of the step, or NULL. radiated_w is evaluated at
 *          the end-of-step temperatures, the same values that close the
 *          implicit equations, so absorbed + dissipated - radiated = stored
 *          to rounding (conduction cancels exactly: G is used symmetrised).
 * Newton's method on the N x N system starts from the uniform temperature
 *   T_hi = max(T_sink, max_i T_i0, max_i s_i),
 *   s_i = T_i0 + Q_i dt/C_i, or, for a radiating node, the smaller of that and (Q_i/k_i + T_sink^4)^(1/4),
 * at which every residual is >= 0; the residual is convex with an M-matrix
 * Jacobian, so the iterates fall monotonically onto the unique (positive)
 * root. Stops when every |dT_i| <= ODT_TN_NEWTON_RTOL T_i + ODT_TN_NEWTON_ATOL_K
 * (<= 5 iterations at dt = 60 s, <= 18 at 1e5 s on the default network), or
 * after ODT_TN_NEWTON_MAX_ITER iterations
 * (out->converged = 0; the temperatures are then a finite upper bound of the
 * solution). Returns ODT_OK, or ODT_ERR_VALUE for invalid parameters or
 * state (t_k then unchanged).
 * References: Gilmore, Vol. I, ch. 15 (lumped-parameter thermal networks and
 * their implicit integration); Ortega & Rheinboldt (1970) 13.3.4 (monotone
 * Newton convergence for convex M-functions).
 */
ODT_HD static inline enum odt_status odt_tn_step(const struct odt_tn_params *ODT_RESTRICT p,
                                                 const double *ODT_RESTRICT q_w,
                                                 const struct odt_tn_env *ODT_RESTRICT env,
                                                 double *ODT_RESTRICT t_k, double dt_s,
                                                 struct odt_tn_flows *ODT_RESTRICT out)
{
    const int n = p->n_nodes;
    if (n < 1 || n > ODT_TN_MAX_NODES || !(dt_s >= 0.0) || !(dt_s <= ODT_TN_DT_MAX_S))
        return ODT_ERR_VALUE;
    for (int i = 0; i < n; ++i) {
        if (!(p->c_j_k[i] > 0.0) || !(t_k[i] >= 0.0) || !(t_k[i] < 1e30))
            return ODT_ERR_VALUE;
        for (int j = 0; j < n; ++j)
            if (j != i && !(p->g_w_k[i][j] >= 0.0))
                return ODT_ERR_VALUE;
    }
    double src[ODT_TN_MAX_NODES], k4[ODT_TN_MAX_NODES], t0[ODT_TN_MAX_NODES], x[ODT_TN_MAX_NODES];
    const double absorbed = odt_tn_loads(p, env, src);
    double dissipated = 0.0, floored = 0.0;
    for (int i = 0; i < n; ++i) {
        double qi = q_w[i];
        if (src[i] + qi < 0.0) {
            floored += -(src[i] + qi);
            qi = -src[i];
        }
        dissipated += qi;
        src[i] += qi;
        k4[i] = odt_tn_radiative_coeff(p, i);
        t0[i] = t_k[i];
    }
    const double ts = p->sink_k > 0.0 ? p->sink_k : 0.0;
    const double ts4 = ts * ts * ts * ts;
    int it = 0, conv = 1;

    if (dt_s > 0.0) {
        double cdt[ODT_TN_MAX_NODES];
        double thi = ts;
        for (int i = 0; i < n; ++i) {
            cdt[i] = p->c_j_k[i] / dt_s;
            double s = t0[i] + src[i] / cdt[i];
            if (k4[i] > 0.0) {
                const double srad = sqrt(sqrt(src[i] / k4[i] + ts4));
                s = srad < s ? srad : s;
            }
            thi = t0[i] > thi ? t0[i] : thi;
            thi = s > thi ? s : thi;
        }
        for (int i = 0; i < n; ++i)
            x[i] = thi;
        conv = 0;
        while (it < ODT_TN_NEWTON_MAX_ITER && !conv) {
            double jac[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES], f[ODT_TN_MAX_NODES];
            for (int i = 0; i < n; ++i) {
                const double x2 = x[i] * x[i];
                double fi = cdt[i] * (x[i] - t0[i]) - src[i] + k4[i] * (x2 * x2 - ts4);
                double di = cdt[i] + 4.0 * k4[i] * x2 * x[i];
                for (int j = 0; j < n; ++j) {
                    if (j == i) {
                        jac[i][j] = 0.0;
                        continue;
                    }
                    const double g = 0.5 * (p->g_w_k[i][j] + p->g_w_k[j][i]);
                    fi += g * (x[i] - x[j]);
                    di += g;
                    jac[i][j] = -g;
                }
                jac[i][i] = di;
                f[i] = fi;
            }
            if (odt_tn_linsolve(n, jac, f) != 0)
                break; /* cannot happen: the Jacobian is strictly diagonally dominant */
            ++it;
            conv = 1;
            for (int i = 0; i < n; ++i) {
                double xn = x[i] - f[i];
                xn = xn > 0.0 ? xn : 0.0; /* guards rounding only: the iterates stay above the root > 0 */
                if (!(fabs(xn - x[i]) <= ODT_TN_NEWTON_RTOL * xn + ODT_TN_NEWTON_ATOL_K))
                    conv = 0;
                x[i] = xn;
            }
        }
        for (int i = 0; i < n; ++i)
            t_k[i] = x[i];
    }

    if (out) {
        const double radiated = odt_tn_radiated(p, t_k);
        double stored = 0.0;
        if (dt_s > 0.0) {
            for (int i = 0; i < n; ++i)
                stored += p->c_j_k[i] * (t_k[i] - t0[i]) / dt_s;
        } else {
            stored = absorbed + dissipated - radiated;
        }
        out->absorbed_w = absorbed;
        out->dissipated_w = dissipated;
        out->radiated_w = radiated;
        out->stored_w = stored;
        out->q_floored_w = floored;
        out->iterations = it;
        out->converged = conv;
    }
    return ODT_OK;
}

/* -------------------------------------------------------------------------- limits and sizing */

/* odt_tn_payload_margin_k: payload temperature limit minus payload temperature, K (< 0: over the limit). */
ODT_HD static inline double odt_tn_payload_margin_k(const struct odt_tn_params *p, const double *t_k)
{
    return p->t_limit_payload_k - t_k[ODT_TN_PAYLOAD];
}

/* odt_tn_payload_over_limit: 1 when the payload is above its temperature limit, else 0. */
ODT_HD static inline int odt_tn_payload_over_limit(const struct odt_tn_params *p, const double *t_k)
{
    return t_k[ODT_TN_PAYLOAD] > p->t_limit_payload_k ? 1 : 0;
}

/*
 * odt_tn_radiator_area_for: planform area (m^2) of a radiator that holds a
 * node at t_node_k while it rejects q_w, from the steady radiative balance
 *   q_w = A [ n eps sigma (T_r^4 - T_sink^4) - q_env ],   T_r = t_node_k - q_w / g_w_k,
 *   A   = q_w / ( n eps sigma (T_r^4 - T_sink^4) - q_env ).
 *   q_w         worst-case heat to reject, W (>= 0)
 *   t_node_k    temperature limit of the node, K
 *   g_w_k       conductance node -> radiator, W/K (> 0; HUGE_VAL or INFINITY: radiator at the
 *               node temperature)
 *   emissivity  radiator IR emissivity (each radiating side)
 *   sink_k      deep-space sink, K
 *   q_env_w_m2  environment heat absorbed per m^2 of planform, all radiating
 *               sides together, W/m^2 (odt_tn_face_env_flux times the sides);
 *               equivalently an effective sink T_eff^4 = T_sink^4 + q_env/(n eps sigma)
 *   n_sides     1 (one side radiates, the other is insulated) or 2 (a fin)
 *   area_m2     out: the planform area; the radiating area is n_sides times it
 * Returns ODT_OK, or ODT_ERR_VALUE when an input is out of range or no area
 * suffices (the radiator at T_r cannot even reject its environment load).
 * Reference: Gilmore, Vol. I, ch. 6 (radiator sizing).
 */
ODT_HD static inline enum odt_status odt_tn_radiator_area_for(double q_w, double t_node_k, double g_w_k,
                                                              double emissivity, double sink_k, double q_env_w_m2,
                                                              int n_sides, double *area_m2)
{
    if (!(q_w >= 0.0) || !(g_w_k > 0.0) || !(emissivity > 0.0) || !(sink_k >= 0.0) || !(q_env_w_m2 >= 0.0) ||
        (n_sides != 1 && n_sides != 2))
        return ODT_ERR_VALUE;
    const double tr = t_node_k - q_w / g_w_k;
    if (!(tr > 0.0))
        return ODT_ERR_VALUE;
    const double tr2 = tr * tr, ts2 = sink_k * sink_k;
    const double net = n_sides * emissivity * ODT_STEFAN_BOLTZMANN * (tr2 * tr2 - ts2 * ts2) - q_env_w_m2;
    if (!(net > 0.0))
        return ODT_ERR_VALUE;
    *area_m2 = q_w / net;
    return ODT_OK;
}

/*
 * odt_tn_radiator_area_per_kw: planform radiator area per kW rejected (m^2/kW)
 * for the default radiator (odt_tn_defaults: eps 0.90, alpha 0.15, edge-on to
 * the Sun and the Earth) in the default hot case (odt_tn_env_hot_default),
 * with the radiator at t_limit_k (ideal heat transport). n_sides 1 counts the
 * front face only (a body-mounted panel), 2 both faces (a deployed fin).
 * Returns ODT_OK or ODT_ERR_VALUE as odt_tn_radiator_area_for.
 */
ODT_HD static inline enum odt_status odt_tn_radiator_area_per_kw(double t_limit_k, int n_sides, double *m2_per_kw)
{
    struct odt_tn_params p;
    struct odt_tn_env env;
    odt_tn_defaults(&p);
    odt_tn_env_hot_default(&env);
    if (n_sides != 1 && n_sides != 2)
        return ODT_ERR_VALUE;
    double q_env = 0.0;
    for (int s = 0; s < n_sides; ++s)
        q_env += odt_tn_face_env_flux(&p, &p.face[ODT_TN_RADIATOR][s], &env);
    double a = 0.0;
    const enum odt_status st = odt_tn_radiator_area_for(1000.0, t_limit_k, HUGE_VAL,
                                                        p.face[ODT_TN_RADIATOR][ODT_TN_FRONT].emissivity,
                                                        p.sink_k, q_env, n_sides, &a);
    if (st == ODT_OK)
        *m2_per_kw = a;
    return st;
}

#endif /* ODT_THERMAL_NETWORK_H */
