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
 * N x N nonlinear system is solved by Newton's method. The residual is a
 * convex map whose Jacobian is a symmetric, strictly diagonally dominant
 * M-matrix, so each Newton system is solved by elimination without pivoting,
 * and from any start T >= 0 the first iterate lies above the unique root,
 * after which the iterates decrease monotonically onto it (Ortega &
 * Rheinboldt, Iterative Solution of Nonlinear Equations in Several Variables,
 * 1970, 13.3.4): no overshoot below the root, no negative or NaN temperature,
 * at any step length. Newton starts from the temperatures at the start of the
 * step. See docs/thermal.md and odt_tn_step.
 *
 * Two layers: the functions taking struct odt_tn_params and struct odt_tn_env
 * (odt_tn_step, odt_tn_loads, ...) validate and derive everything on each
 * call; the per-satellite step (kernels/step.h) validates and derives the
 * per-class constants once per call (odt_tn_prepare, struct odt_tn_prep) and
 * advances each step with odt_tn_step_prepared from a struct odt_tn_sky built
 * from the position vectors without trigonometry (odt_tn_sky_set). Both layers
 * run the same code: odt_tn_step is odt_tn_prepare + odt_tn_step_prepared.
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
#define ODT_TN_NEWTON_POST_RTOL 1e-15 /* ... or when the proven bound on the remaining error of every node is
                                         <= POST_RTOL * T_i (about 4 ulp: rounding level), see odt_tn_step */
#define ODT_TN_DT_MAX_S 1e15       /* longest accepted step, s */

/* Inlined at every call, so that a call with a constant node count compiles to fully unrolled code. */
#if defined(__GNUC__) || defined(__CUDACC__) /* nvcc's __forceinline__ is this attribute (plus an inline) */
#define ODT_TN_INLINE __attribute__((always_inline))
#else
#define ODT_TN_INLINE
#endif
/* Unroll the node loop that follows (fully, where the node count is a constant): device code, clang, gcc;
   nothing in nvcc's host pass, whose front end knows no GCC pragma. */
#if defined(__CUDA_ARCH__) || (defined(__clang__) && !defined(__CUDACC__))
#define ODT_TN_UNROLL _Pragma("unroll")
#elif defined(__GNUC__) && !defined(__CUDACC__)
#define ODT_TN_UNROLL _Pragma("GCC unroll 6")
#else
#define ODT_TN_UNROLL
#endif

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
 * The environment of one step in the form the loads use: the cosine and sine
 * of the phase angle instead of the angle, and r/R instead of r. Filled from
 * an odt_tn_env (odt_tn_sky_from_env) or straight from the position and Sun
 * vectors without trigonometry (odt_tn_sky_set).
 */
struct odt_tn_sky {
    double solar_w_m2;   /* solar irradiance at the Sun distance, W/m^2 */
    double illum;        /* illuminated fraction of the Sun's disk, 0..1 */
    double sun_face_cos; /* incidence cosine on ODT_TN_POINT_SUN faces (struct odt_tn_env) */
    double r_over_re;    /* geocentric distance over ODT_EARTH_RADIUS_KM */
    double cos_phase;    /* cos(phi), phi the Sun-Earth-satellite phase angle in [0, pi] */
    double sin_phase;    /* sin(phi), >= 0 */
};

/* odt_tn_sky_from_env: the sky of env (its phase angle folded to [0, pi]). */
ODT_HD static inline void odt_tn_sky_from_env(struct odt_tn_sky *sky, const struct odt_tn_env *env)
{
    const double phi = odt_tn_fold_angle(env->sun_earth_sat_phase_rad);
    sky->solar_w_m2 = env->solar_w_m2;
    sky->illum = env->illum;
    sky->sun_face_cos = env->sun_face_cos;
    sky->r_over_re = env->r_km / ODT_EARTH_RADIUS_KM;
    sky->cos_phase = cos(phi);
    sky->sin_phase = sin(phi);
}

/*
 * odt_tn_sky_set: the sky of a satellite at r_km[3] (km) with the unit vector
 * Earth -> Sun sun_unit[3] (same axes), irradiance solar_w_m2 (W/m^2),
 * illuminated fraction illum and Sun incidence cosine sun_face_cos on
 * ODT_TN_POINT_SUN faces. Equivalent to odt_tn_env_set followed by
 * odt_tn_sky_from_env, without atan2, cos and sin: with d = r.s and
 * c = |r x s|, cos(phi) = d / sqrt(d^2 + c^2), sin(phi) = c / sqrt(d^2 + c^2)
 * (the same phi as atan2(c, d); differences at rounding level).
 */
ODT_HD static inline void odt_tn_sky_set(struct odt_tn_sky *sky, const double r_km[3], const double sun_unit[3],
                                         double solar_w_m2, double illum, double sun_face_cos)
{
    const double r = sqrt(r_km[0] * r_km[0] + r_km[1] * r_km[1] + r_km[2] * r_km[2]);
    const double d = r_km[0] * sun_unit[0] + r_km[1] * sun_unit[1] + r_km[2] * sun_unit[2];
    const double cx = r_km[1] * sun_unit[2] - r_km[2] * sun_unit[1];
    const double cy = r_km[2] * sun_unit[0] - r_km[0] * sun_unit[2];
    const double cz = r_km[0] * sun_unit[1] - r_km[1] * sun_unit[0];
    const double c = sqrt(cx * cx + cy * cy + cz * cz);
    const double hyp = sqrt(d * d + c * c);
    sky->solar_w_m2 = solar_w_m2;
    sky->illum = illum;
    sky->sun_face_cos = sun_face_cos;
    sky->r_over_re = r / ODT_EARTH_RADIUS_KM;
    sky->cos_phase = hyp > 0.0 ? d / hyp : 1.0; /* r = 0: phi = atan2(0, 0) = 0 */
    sky->sin_phase = hyp > 0.0 ? c / hyp : 0.0;
}

/*
 * odt_tn_view_factor_pair: the view factor from a small flat plate to a
 * sphere (odt_tn_view_factor_plate_sphere) for the two plates whose normals
 * make angles theta and pi - theta with nadir, given c = |cos theta| and
 * s = sin theta >= 0: *f_pos for cos = +c, *f_neg for cos = -c. The two share
 * asin(X / (H s)) and, through acos(-y) = pi - acos(y), acos(X c / s), so the
 * front and back of a sun-tracking array cost one evaluation. Evaluated
 * with multiplications by 1/pi and, for *f_pos, pi - acos(y) for acos(-y):
 * both differ from the formula as written by rounding only (a few ulp).
 */
ODT_HD static inline void odt_tn_view_factor_pair(double r_over_re, double c, double s, double *f_pos,
                                                  double *f_neg)
{
    const double h = r_over_re > 1.0 ? r_over_re : 1.0;
    const double ih = 1.0 / h, ih2 = ih * ih;
    if (c >= ih || !(s > 0.0)) {
        /* +c sees the whole cap, -c none (s = 0 with c < 1/H only by rounding at H ~ 1: the limit) */
        *f_pos = c * ih2;
        *f_neg = 0.0;
        return;
    }
    const double x = sqrt(h * h - 1.0);
    double a1 = x / (h * s);
    a1 = a1 > 1.0 ? 1.0 : a1;
    double a2 = x * c / s; /* argument of acos for the plate at cos = -c, >= 0 */
    a2 = a2 > 1.0 ? 1.0 : a2;
    double q = 1.0 - h * h * c * c;
    q = q > 0.0 ? q : 0.0;
    const double inv_pi = 1.0 / ODT_PI;
    const double base = 0.5 - asin(a1) * inv_pi;
    const double xs = x * sqrt(q), w = ih2 * inv_pi;
    /* acos(y) rounds to pi/2 for y < 2^-55 (an edge-on plate: X c / s ~ 1e-17 at cos(pi/2) = 6e-17) */
    const double b_neg = a2 < 0x1p-55 ? 0.5 * ODT_PI : acos(a2), b_pos = ODT_PI - b_neg;
    const double fp = base + (c * b_pos - xs) * w;
    const double fn = base + (-c * b_neg - xs) * w;
    *f_pos = fp > 0.0 ? fp : 0.0;
    *f_neg = fn > 0.0 ? fn : 0.0;
}

/* odt_tn_view_factor_cs: the plate-sphere view factor for cos_t = cos(theta), sin_t = sin(theta) >= 0. */
ODT_HD static inline double odt_tn_view_factor_cs(double r_over_re, double cos_t, double sin_t)
{
    double fp, fn;
    odt_tn_view_factor_pair(r_over_re, fabs(cos_t), sin_t, &fp, &fn);
    return cos_t >= 0.0 ? fp : fn;
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
 * Evaluated by odt_tn_view_factor_cs from cos(theta) and sin(theta).
 */
ODT_HD static inline double odt_tn_view_factor_plate_sphere(double r_over_re, double angle_from_nadir_rad)
{
    const double th = odt_tn_fold_angle(angle_from_nadir_rad);
    return odt_tn_view_factor_cs(r_over_re, cos(th), sin(th));
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
 * odt_tn_edge_sun_cs: cosine and sine of the nadir angle of an EDGE_SUN face
 * whose wanted nadir angle has cosine cos_nadir, at the phase of sky:
 * cos = clamp(cos_nadir, -sin phi, sin phi), sin = sqrt((1 - cos)(1 + cos))
 * (odt_tn_face_nadir_angle without its acos).
 */
ODT_HD static inline void odt_tn_edge_sun_cs(double cos_nadir, const struct odt_tn_sky *sky, double *ct, double *st)
{
    const double lim = sky->sin_phase;
    const double c = cos_nadir > lim ? lim : (cos_nadir < -lim ? -lim : cos_nadir);
    *ct = c;
    *st = sqrt((1.0 - c) * (1.0 + c));
}

/* odt_tn_face_view_factor: the Earth view factor of face f at sky (0 for faces that see no Earth). */
ODT_HD static inline double odt_tn_face_view_factor(const struct odt_tn_face *f, const struct odt_tn_sky *sky)
{
    double ct, st;
    switch (f->pointing) {
    case ODT_TN_POINT_SUN:
        return odt_tn_view_factor_cs(sky->r_over_re, -sky->cos_phase, sky->sin_phase);
    case ODT_TN_POINT_ANTISUN:
        return odt_tn_view_factor_cs(sky->r_over_re, sky->cos_phase, sky->sin_phase);
    case ODT_TN_POINT_EDGE_SUN:
        odt_tn_edge_sun_cs(cos(f->nadir_angle_rad), sky, &ct, &st);
        return odt_tn_view_factor_cs(sky->r_over_re, ct, st);
    case ODT_TN_POINT_FIXED: {
        const double th = odt_tn_fold_angle(f->nadir_angle_rad);
        return odt_tn_view_factor_cs(sky->r_over_re, cos(th), sin(th));
    }
    default:
        return 0.0;
    }
}

/*
 * odt_tn_face_flux: environment heat absorbed per m^2 of face f at sky, W/m^2,
 * given its Earth view factor fv (odt_tn_face_view_factor):
 *   direct Sun   alpha S illum cos(theta_sun)            (cos = sun_face_cos for SUN, cos_sun for FIXED, else 0)
 *   albedo       alpha a S F max(cos phi, 0)
 *   Earth IR     eps q_IR F
 * albedo a and q_IR: albedo, earth_ir_w_m2 of struct odt_tn_params. SPACE faces absorb nothing.
 */
ODT_HD static inline double odt_tn_face_flux(double albedo, double earth_ir_w_m2, const struct odt_tn_face *f,
                                             const struct odt_tn_sky *sky, double fv)
{
    if (f->pointing == ODT_TN_POINT_SPACE)
        return 0.0;
    double cos_sun = 0.0;
    if (f->pointing == ODT_TN_POINT_SUN)
        cos_sun = sky->sun_face_cos > 0.0 ? (sky->sun_face_cos < 1.0 ? sky->sun_face_cos : 1.0) : 0.0;
    else if (f->pointing == ODT_TN_POINT_FIXED)
        cos_sun = f->cos_sun > 0.0 ? (f->cos_sun < 1.0 ? f->cos_sun : 1.0) : 0.0;
    const double day = sky->cos_phase > 0.0 ? sky->cos_phase : 0.0;
    const double illum = sky->illum > 0.0 ? (sky->illum < 1.0 ? sky->illum : 1.0) : 0.0;
    const double direct = f->absorptivity * sky->solar_w_m2 * illum * cos_sun;
    const double alb = f->absorptivity * albedo * sky->solar_w_m2 * fv * day;
    const double ir = f->emissivity * earth_ir_w_m2 * fv;
    return direct + alb + ir;
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
    struct odt_tn_sky sky;
    odt_tn_sky_from_env(&sky, env);
    return odt_tn_face_flux(p->albedo, p->earth_ir_w_m2, f, &sky, odt_tn_face_view_factor(f, &sky));
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

/* -------------------------------------------------------------------------- per-class constants */

#define ODT_TN_MAX_FACES (2 * ODT_TN_MAX_NODES)                            /* exposed faces */
#define ODT_TN_MAX_LINKS (ODT_TN_MAX_NODES * (ODT_TN_MAX_NODES - 1) / 2) /* conductive links */
#define ODT_TN_MAX_VIEWS (ODT_TN_MAX_FACES + 2)                            /* distinct face geometries */

/* View slots of struct odt_tn_prep: 0 and 1 are the ANTISUN and SUN geometries (one pair evaluation). */
enum odt_tn_view_slot { ODT_TN_VIEW_ANTISUN = 0, ODT_TN_VIEW_SUN = 1, ODT_TN_VIEW_FIRST_OTHER = 2 };

/*
 * struct odt_tn_prep: what odt_tn_step_prepared needs of a network, derived
 * once from its struct odt_tn_params by odt_tn_prepare: radiative
 * coefficients, the symmetrised conductances as a link list and as the
 * constant part of the Newton Jacobian, and the exposed faces as load terms
 * with their Earth geometry deduplicated: faces of equal pointing share one
 * view-factor evaluation per step (the default radiator's two faces and the
 * bus face are one EDGE_SUN geometry; the array's SUN front and ANTISUN back
 * one pair), and the faces of one node with one geometry are one term (the
 * optical products A alpha, A alpha a, A eps q_IR summed once; the loads then
 * differ from the face-by-face sum of odt_tn_face_env_flux by rounding only).
 * Plain data: it may be built on the host or in a kernel, and copied.
 */
struct odt_tn_prep {
    int n_nodes;                                 /* 1..ODT_TN_MAX_NODES (0 when the parameters are invalid) */
    double c_j_k[ODT_TN_MAX_NODES];              /* heat capacities, J/K (1 beyond n_nodes: padding) */
    double k4[ODT_TN_MAX_NODES];                 /* odt_tn_radiative_coeff, W/K^4 */
    double ts_k;                                 /* max(T_sink, 0), K */
    double ts4;                                  /* ts_k^4 of the implicit equations, K^4 */
    double ts4_rad;                              /* (T_sink^2)^2 of odt_tn_radiated, K^4 */
    double jac_g[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES]; /* -G_ij off the diagonal, sum_j G_ij on it (G symmetrised) */
    int n_links;                                 /* links with G_ij > 0, i < j */
    int link_i[ODT_TN_MAX_LINKS], link_j[ODT_TN_MAX_LINKS];
    double link_g[ODT_TN_MAX_LINKS];             /* (G_ij + G_ji)/2, W/K */
    /* exposed faces (area > 0, not SPACE) merged by node and view slot into load terms:
       term load = S illum (k_track cos_track + k_fixed) + F_view (k_albedo S max(cos phi, 0) + k_ir), W */
    int n_terms;
    int term_node[ODT_TN_MAX_FACES];
    int term_view[ODT_TN_MAX_FACES];             /* view slot */
    double term_k_track[ODT_TN_MAX_FACES];       /* sum A alpha of SUN faces (times sun_face_cos), m^2 */
    double term_k_fixed[ODT_TN_MAX_FACES];       /* sum A alpha clamp(cos_sun) of FIXED faces, m^2 */
    double term_k_albedo[ODT_TN_MAX_FACES];      /* sum A alpha a, m^2 */
    double term_k_ir[ODT_TN_MAX_FACES];          /* sum A eps q_IR, W */
    int use_pair;                                /* 1: slots ANTISUN and SUN are used */
    int n_views;                                 /* slots in use, >= ODT_TN_VIEW_FIRST_OTHER */
    int view_pointing[ODT_TN_MAX_VIEWS];         /* EDGE_SUN or FIXED for slots >= ODT_TN_VIEW_FIRST_OTHER */
    double view_cos[ODT_TN_MAX_VIEWS];           /* EDGE_SUN: cos(nadir_angle_rad); FIXED: cos of the folded angle */
    double view_sin[ODT_TN_MAX_VIEWS];           /* FIXED: sin of the folded angle */
};

/*
 * odt_tn_params_check: ODT_OK when p is a valid network (1 <= n_nodes <=
 * ODT_TN_MAX_NODES, every C_i > 0, every G_ij >= 0), else ODT_ERR_VALUE.
 */
ODT_HD static inline enum odt_status odt_tn_params_check(const struct odt_tn_params *p)
{
    const int n = p->n_nodes;
    if (n < 1 || n > ODT_TN_MAX_NODES)
        return ODT_ERR_VALUE;
    for (int i = 0; i < n; ++i) {
        if (!(p->c_j_k[i] > 0.0))
            return ODT_ERR_VALUE;
        for (int j = 0; j < n; ++j)
            if (j != i && !(p->g_w_k[i][j] >= 0.0))
                return ODT_ERR_VALUE;
    }
    return ODT_OK;
}

/*
 * odt_tn_prepare: fill pr from p. Returns odt_tn_params_check(p); with
 * ODT_ERR_VALUE, pr->n_nodes is 0 (odt_tn_step_prepared then refuses every
 * step) but the faces are filled for the first min(max(n_nodes, 0),
 * ODT_TN_MAX_NODES) nodes, so odt_tn_loads_prepared still works as
 * odt_tn_loads does on such input.
 */
ODT_HD static inline enum odt_status odt_tn_prepare(const struct odt_tn_params *p, struct odt_tn_prep *pr)
{
    const enum odt_status st = odt_tn_params_check(p);
    const int nn = p->n_nodes < 0 ? 0 : (p->n_nodes > ODT_TN_MAX_NODES ? ODT_TN_MAX_NODES : p->n_nodes);
    pr->n_nodes = st == ODT_OK ? p->n_nodes : 0;
    const double ts = p->sink_k > 0.0 ? p->sink_k : 0.0, ts2 = p->sink_k * p->sink_k;
    pr->ts_k = ts;
    pr->ts4 = ts * ts * ts * ts;
    pr->ts4_rad = ts2 * ts2;
    pr->n_links = 0;
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i) {
        const int in = i < pr->n_nodes;
        pr->c_j_k[i] = in ? p->c_j_k[i] : 1.0; /* padding nodes: C = 1 and nothing else (odt_tn_step_n) */
        pr->k4[i] = in ? odt_tn_radiative_coeff(p, i) : 0.0;
        double gsum = 0.0;
        for (int j = 0; j < ODT_TN_MAX_NODES; ++j) {
            const double g = (in && j < pr->n_nodes && j != i) ? 0.5 * (p->g_w_k[i][j] + p->g_w_k[j][i]) : 0.0;
            pr->jac_g[i][j] = -g;
            gsum += g;
            if (g > 0.0 && j > i) {
                pr->link_i[pr->n_links] = i;
                pr->link_j[pr->n_links] = j;
                pr->link_g[pr->n_links] = g;
                ++pr->n_links;
            }
        }
        pr->jac_g[i][i] = gsum;
    }
    pr->n_terms = 0;
    pr->use_pair = 0;
    pr->n_views = ODT_TN_VIEW_FIRST_OTHER;
    for (int i = 0; i < nn; ++i)
        for (int s = 0; s < 2; ++s) {
            const struct odt_tn_face *f = &p->face[i][s];
            int v = -1;
            double c = 0.0, sn = 0.0;
            switch (f->pointing) {
            case ODT_TN_POINT_SUN:
                v = ODT_TN_VIEW_SUN;
                break;
            case ODT_TN_POINT_ANTISUN:
                v = ODT_TN_VIEW_ANTISUN;
                break;
            case ODT_TN_POINT_EDGE_SUN:
                c = cos(f->nadir_angle_rad);
                break;
            case ODT_TN_POINT_FIXED: {
                const double th = odt_tn_fold_angle(f->nadir_angle_rad);
                c = cos(th);
                sn = sin(th);
                break;
            }
            default:
                continue; /* SPACE (or unknown): no Sun, no Earth */
            }
            if (!(f->area_m2 > 0.0))
                continue;
            if (v < 0) {
                for (int w = ODT_TN_VIEW_FIRST_OTHER; w < pr->n_views && v < 0; ++w)
                    if (pr->view_pointing[w] == f->pointing && pr->view_cos[w] == c && pr->view_sin[w] == sn)
                        v = w;
                if (v < 0) {
                    v = pr->n_views++;
                    pr->view_pointing[v] = f->pointing;
                    pr->view_cos[v] = c;
                    pr->view_sin[v] = sn;
                }
            } else {
                pr->use_pair = 1;
            }
            int t = 0;
            while (t < pr->n_terms && !(pr->term_node[t] == i && pr->term_view[t] == v))
                ++t;
            if (t == pr->n_terms) {
                pr->term_node[t] = i;
                pr->term_view[t] = v;
                pr->term_k_track[t] = pr->term_k_fixed[t] = pr->term_k_albedo[t] = pr->term_k_ir[t] = 0.0;
                ++pr->n_terms;
            }
            const double aa = f->area_m2 * f->absorptivity;
            if (f->pointing == ODT_TN_POINT_SUN)
                pr->term_k_track[t] += aa;
            else if (f->pointing == ODT_TN_POINT_FIXED)
                pr->term_k_fixed[t] += aa * (f->cos_sun > 0.0 ? (f->cos_sun < 1.0 ? f->cos_sun : 1.0) : 0.0);
            pr->term_k_albedo[t] += aa * p->albedo;
            pr->term_k_ir[t] += f->area_m2 * f->emissivity * p->earth_ir_w_m2;
        }
    return st;
}

/*
 * odt_tn_loads_prepared: environment heat absorbed by each node at sky, W,
 * into absorbed_w[0..ODT_TN_MAX_NODES-1] (0 for nodes without exposed faces
 * and beyond n_nodes). Returns the total, W. One view-factor evaluation per
 * distinct face geometry (struct odt_tn_prep).
 */
ODT_HD static inline double odt_tn_loads_prepared(const struct odt_tn_prep *ODT_RESTRICT pr,
                                                  const struct odt_tn_sky *ODT_RESTRICT sky,
                                                  double *ODT_RESTRICT absorbed_w)
{
    double fv[ODT_TN_MAX_VIEWS];
    if (pr->use_pair) {
        /* ANTISUN: cos = cos phi; SUN: cos = cos(pi - phi) = -cos phi */
        double fp, fn;
        odt_tn_view_factor_pair(sky->r_over_re, fabs(sky->cos_phase), sky->sin_phase, &fp, &fn);
        const int pos = sky->cos_phase >= 0.0;
        fv[ODT_TN_VIEW_ANTISUN] = pos ? fp : fn;
        fv[ODT_TN_VIEW_SUN] = pos ? fn : fp;
    }
    for (int v = ODT_TN_VIEW_FIRST_OTHER; v < pr->n_views; ++v) {
        double ct = pr->view_cos[v], st = pr->view_sin[v];
        if (pr->view_pointing[v] == ODT_TN_POINT_EDGE_SUN)
            odt_tn_edge_sun_cs(pr->view_cos[v], sky, &ct, &st);
        fv[v] = odt_tn_view_factor_cs(sky->r_over_re, ct, st);
    }
    const double illum = sky->illum > 0.0 ? (sky->illum < 1.0 ? sky->illum : 1.0) : 0.0;
    const double cos_track = sky->sun_face_cos > 0.0 ? (sky->sun_face_cos < 1.0 ? sky->sun_face_cos : 1.0) : 0.0;
    const double s_direct = sky->solar_w_m2 * illum;
    const double s_albedo = sky->solar_w_m2 * (sky->cos_phase > 0.0 ? sky->cos_phase : 0.0);
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i)
        absorbed_w[i] = 0.0;
    for (int t = 0; t < pr->n_terms; ++t)
        absorbed_w[pr->term_node[t]] += s_direct * (pr->term_k_track[t] * cos_track + pr->term_k_fixed[t]) +
                                        fv[pr->term_view[t]] * (pr->term_k_albedo[t] * s_albedo + pr->term_k_ir[t]);
    double total = 0.0;
    for (int i = 0; i < ODT_TN_MAX_NODES; ++i)
        total += absorbed_w[i];
    return total;
}

/*
 * odt_tn_loads: environment heat absorbed by each node, W, into
 * absorbed_w[0..ODT_TN_MAX_NODES-1] (0 beyond n_nodes). Returns the total, W.
 */
ODT_HD static inline double odt_tn_loads(const struct odt_tn_params *ODT_RESTRICT p,
                                         const struct odt_tn_env *ODT_RESTRICT env, double *ODT_RESTRICT absorbed_w)
{
    struct odt_tn_prep pr;
    struct odt_tn_sky sky;
    odt_tn_prepare(p, &pr);
    odt_tn_sky_from_env(&sky, env);
    return odt_tn_loads_prepared(&pr, &sky, absorbed_w);
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
    p->albedo = 0.30;          /* Gilmore, Spacecraft Thermal Control Handbook */
    p->earth_ir_w_m2 = 237.0;  /* Gilmore, Spacecraft Thermal Control Handbook */
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
 *             alpha 0.15 eps 0.90 (white paint / OSR: Gilmore, Spacecraft Thermal Control Handbook), edge-on to the Sun
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
 * odt_tn_solve_sym: solve a x = b in place for a symmetric matrix a with
 * positive diagonal that is strictly diagonally dominant (the Newton Jacobian
 * of odt_tn_step: an M-matrix). Reads and destroys the upper triangle
 * (j >= i) only; b becomes x. Gaussian elimination without pivoting on the
 * upper triangle of the symmetric Schur complements (partial pivoting would
 * never exchange rows of such a matrix, and every elimination step keeps the
 * dominance, so every pivot stays > 0). Dense and branch-free: for n <= 6 that
 * is cheaper than skipping the zeros of a sparse network, and gives the same
 * bits (a zero multiplier changes nothing). Returns 0, or 1 when a pivot is
 * not positive (a is not such a matrix; b is then undefined).
 */
ODT_HD ODT_TN_INLINE static inline int odt_tn_solve_sym(int n, double a[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES], double *b)
{
    int ok = 1;
    ODT_TN_UNROLL
    for (int k = 0; k < n; ++k) {
        ok &= a[k][k] > 0.0;
        const double inv = 1.0 / a[k][k];
        a[k][k] = inv; /* the diagonal keeps the reciprocal pivots for the back substitution */
        ODT_TN_UNROLL
        for (int i = k + 1; i < n; ++i) {
            const double m = a[k][i] * inv; /* a[i][k] / a[k][k] by symmetry */
            ODT_TN_UNROLL
            for (int j = i; j < n; ++j)
                a[i][j] -= m * a[k][j];
            b[i] -= m * b[k];
        }
    }
    if (!ok)
        return 1;
    ODT_TN_UNROLL
    for (int i = n - 1; i >= 0; --i) {
        double s = b[i];
        ODT_TN_UNROLL
        for (int j = i + 1; j < n; ++j)
            s -= a[i][j] * b[j];
        b[i] = s * a[i][i];
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
 * odt_tn_step_n: the body of odt_tn_step_prepared, input already validated.
 * nl is the loop length, a compile-time constant at both call sites (4 for the
 * default network, ODT_TN_MAX_NODES for any other), so that every node loop
 * is fully unrolled; n <= nl is the node count. Nodes n..nl-1 are padding
 * (odt_tn_prepare: C = 1, no radiation, no links, no faces, start at 0 K, no
 * heat): each is a decoupled identity equation whose solution stays 0 K, so
 * they change no result, and they are neither read from q_w, t_k nor written.
 */
ODT_HD ODT_TN_INLINE static inline void odt_tn_step_n(const struct odt_tn_prep *ODT_RESTRICT pr, int nl, int n,
                                                      const double *ODT_RESTRICT q_w,
                                                      const struct odt_tn_sky *ODT_RESTRICT sky,
                                                      double *ODT_RESTRICT t_k, double dt_s,
                                                      struct odt_tn_flows *ODT_RESTRICT out)
{
    double src[ODT_TN_MAX_NODES], t0[ODT_TN_MAX_NODES], x[ODT_TN_MAX_NODES];
    const double absorbed = odt_tn_loads_prepared(pr, sky, src);
    double dissipated = 0.0, floored = 0.0;
    ODT_TN_UNROLL
    for (int i = 0; i < nl; ++i) {
        double qi = i < n ? q_w[i] : 0.0;
        if (src[i] + qi < 0.0) {
            floored += -(src[i] + qi);
            qi = -src[i];
        }
        dissipated += qi;
        src[i] += qi;
        t0[i] = i < n ? t_k[i] : 0.0;
        x[i] = t0[i];
    }
    int it = 0, conv = 1;

    if (dt_s > 0.0) {
        double cdt[ODT_TN_MAX_NODES];
        double t0max = pr->ts_k; /* max(T_sink, max_i T_i0) <= T_hi */
        ODT_TN_UNROLL
        for (int i = 0; i < nl; ++i) {
            cdt[i] = pr->c_j_k[i] / dt_s;
            t0max = t0[i] > t0max ? t0[i] : t0max;
        }
        /* Newton from x = T0 (see odt_tn_step) */
        conv = 0;
        while (it < ODT_TN_NEWTON_MAX_ITER && !conv) {
            /* residual f, Jacobian a (upper triangle), and the per-node curvature bound m_i of the
               a posteriori test */
            double a[ODT_TN_MAX_NODES][ODT_TN_MAX_NODES], f[ODT_TN_MAX_NODES], k6[ODT_TN_MAX_NODES];
            double d[ODT_TN_MAX_NODES];
            ODT_TN_UNROLL
            for (int i = 0; i < nl; ++i) {
                const double x2 = x[i] * x[i], kx2 = pr->k4[i] * x2;
                d[i] = cdt[i] + 4.0 * kx2 * x[i]; /* row sum of the Jacobian (conduction cancels) */
                f[i] = cdt[i] * (x[i] - t0[i]) - src[i] + pr->k4[i] * (x2 * x2 - pr->ts4);
                ODT_TN_UNROLL
                for (int j = i; j < nl; ++j)
                    a[i][j] = pr->jac_g[i][j];
                a[i][i] += d[i];
                k6[i] = 6.0 * kx2; /* m_i = k6_i / d_i */
            }
            for (int l = 0; l < pr->n_links; ++l) {
                const int i = pr->link_i[l], j = pr->link_j[l];
                const double q = pr->link_g[l] * (x[i] - x[j]);
                f[i] += q;
                f[j] -= q;
            }
            if (odt_tn_solve_sym(nl, a, f) != 0)
                break; /* cannot happen: the Jacobian is strictly diagonally dominant */
            ++it;
            double xn[ODT_TN_MAX_NODES], xmax = 0.0;
            ODT_TN_UNROLL
            for (int i = 0; i < nl; ++i) {
                const double v = x[i] - f[i];
                xn[i] = v > 0.0 ? v : 0.0; /* guards rounding only: the iterates stay above the root > 0 */
                xmax = xn[i] > xmax ? xn[i] : xmax;
            }
            if (it == 1 && xmax > t0max) {
                /* the first iterate and T_hi both lie above the root: keep the lower, which bounds a long
                   step from a cold start (with no node above max(T_sink, T0), T_hi cannot be lower) */
                double thi = t0max;
                ODT_TN_UNROLL
                for (int i = 0; i < nl; ++i) {
                    double s = t0[i] + src[i] / cdt[i];
                    if (pr->k4[i] > 0.0) {
                        const double srad = sqrt(sqrt(src[i] / pr->k4[i] + pr->ts4));
                        s = srad < s ? srad : s;
                    }
                    thi = s > thi ? s : thi;
                }
                xmax = 0.0;
                ODT_TN_UNROLL
                for (int i = 0; i < nl; ++i) {
                    xn[i] = xn[i] < thi ? xn[i] : thi;
                    xmax = xn[i] > xmax ? xn[i] : xmax;
                }
            }
            conv = 1;
            double xmin = HUGE_VAL;
            ODT_TN_UNROLL
            for (int i = 0; i < nl; ++i) {
                const double dx = fabs(xn[i] - x[i]);
                if (!(dx <= ODT_TN_NEWTON_RTOL * xn[i] + ODT_TN_NEWTON_ATOL_K))
                    conv = 0;
                if (i < n)
                    xmin = xn[i] < xmin ? xn[i] : xmin;
                x[i] = xn[i];
                f[i] = dx; /* f now holds |dx_i| */
            }
            if (!conv && it >= 2) {
                /* a posteriori (odt_tn_step): from x_k >= x*, e = max_i (x_k+1 - x*)_i obeys
                   e <= phi(e) = max_i m_i (|dx_i| + e)^2; with eb = POST_RTOL min_i x_k+1,i,
                   phi(eb) <= eb and phi(max_i x_k+1,i) < max_i x_k+1,i prove e <= eb (tested as
                   k6_i (|dx_i| + e)^2 <= e d_i for every node, without dividing) */
                const double eb = ODT_TN_NEWTON_POST_RTOL * xmin;
                int post = 1;
                ODT_TN_UNROLL
                for (int i = 0; i < nl; ++i) {
                    const double lo = f[i] + eb, hi = f[i] + xmax;
                    post &= (k6[i] * lo * lo <= eb * d[i]) & (k6[i] * hi * hi < xmax * d[i]);
                }
                conv = post;
            }
        }
    }

    if (out) {
        double radiated = 0.0, stored = 0.0;
        ODT_TN_UNROLL
        for (int i = 0; i < nl; ++i) {
            const double t2 = x[i] * x[i];
            radiated += pr->k4[i] * (t2 * t2 - pr->ts4_rad);
        }
        if (dt_s > 0.0) {
            ODT_TN_UNROLL
            for (int i = 0; i < nl; ++i)
                stored += pr->c_j_k[i] * (x[i] - t0[i]) / dt_s;
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
    ODT_TN_UNROLL
    for (int i = 0; i < nl; ++i)
        if (i < n)
            t_k[i] = x[i];
}

/*
 * odt_tn_step_prepared: odt_tn_step for a network prepared by odt_tn_prepare
 * (whose status was ODT_OK; otherwise every call returns ODT_ERR_VALUE) with
 * the environment of the step as a struct odt_tn_sky. Validates only the
 * per-step input (dt_s, t_k); returns ODT_OK, or ODT_ERR_VALUE with t_k and
 * *out unchanged.
 */
ODT_HD static inline enum odt_status odt_tn_step_prepared(const struct odt_tn_prep *ODT_RESTRICT pr,
                                                          const double *ODT_RESTRICT q_w,
                                                          const struct odt_tn_sky *ODT_RESTRICT sky,
                                                          double *ODT_RESTRICT t_k, double dt_s,
                                                          struct odt_tn_flows *ODT_RESTRICT out)
{
    const int n = pr->n_nodes;
    if (n < 1 || !(dt_s >= 0.0) || !(dt_s <= ODT_TN_DT_MAX_S))
        return ODT_ERR_VALUE;
    for (int i = 0; i < n; ++i)
        if (!(t_k[i] >= 0.0) || !(t_k[i] < 1e30))
            return ODT_ERR_VALUE;
    if (n == ODT_TN_N_DEFAULT)
        odt_tn_step_n(pr, ODT_TN_N_DEFAULT, ODT_TN_N_DEFAULT, q_w, sky, t_k, dt_s, out);
    else
        odt_tn_step_n(pr, ODT_TN_MAX_NODES, n, q_w, sky, t_k, dt_s, out);
    return ODT_OK;
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
 * Newton's method on the N x N system F(T) = 0 (F_i the equation above, moved
 * to one side) starts from the start-of-step temperatures T0. F is convex
 * with a Jacobian J that is an M-matrix at every T >= 0, so from any x_k >= 0
 *   x_k+1 - x* = J(x_k)^-1 R,  R_i = k_i (x*_i - x_k,i)^2 (x*_i^2 + 2 x*_i x_k,i + 3 x_k,i^2) >= 0:
 * the first iterate already lies above the root x*, and from there the
 * iterates fall monotonically onto it. The first iterate is also capped at the
 * uniform temperature
 *   T_hi = max(T_sink, max_i T_i0, max_i s_i),
 *   s_i = T_i0 + Q_i dt/C_i, or, for a radiating node, the smaller of that and (Q_i/k_i + T_sink^4)^(1/4),
 * at which every residual is >= 0, so T_hi >= x* and the componentwise
 * minimum of two points with F >= 0 has F >= 0 (F_i falls in T_j, j != i): a
 * long step from a cold start cannot overshoot beyond the start of the
 * earlier scheme. Stops when every |dT_i| <= ODT_TN_NEWTON_RTOL T_i +
 * ODT_TN_NEWTON_ATOL_K, or, from the second iteration on (x_k >= x*), when an
 * a posteriori bound certifies that the error e = max_i (x_k+1 - x*)_i of the
 * new iterate is <= eb = ODT_TN_NEWTON_POST_RTOL min_i T_i (the iterate then
 * equals the root to rounding: this saves the last, confirming iteration).
 * The bound: by the identity above, with 0 <= R_i <= 6 k_i x_k,i^2 e_k,i^2 and
 * (J y)_i >= d_i y_i at the node where y = x_k+1 - x* is largest
 * (d_i = C_i/dt + 4 k_i x_k,i^3, the row sum of J), and e_k,i <= |dx_i| + e,
 *   e <= phi(e) = max_i m_i (|dx_i| + e)^2,  m_i = 6 k_i x_k,i^2 / d_i;
 * phi(e) - e is convex, so phi(eb) <= eb and phi(T_max) < T_max (T_max >= e
 * the largest new temperature) put eb and T_max between its two roots, and
 * e <= the lower root <= eb. Measured on the default network in orbit: 2 or 3
 * iterations at dt = 10 s (mean 2.2), 3 or 4 at 60 s; at most 33 in the
 * extreme test (1e9 W, C = 1e-6 J/K). Otherwise it stops after
 * ODT_TN_NEWTON_MAX_ITER iterations (out->converged = 0; the temperatures are
 * then a finite upper bound of the solution). Returns ODT_OK, or
 * ODT_ERR_VALUE for invalid parameters or state (t_k then unchanged).
 * odt_tn_step is odt_tn_prepare + odt_tn_sky_from_env + odt_tn_step_prepared.
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
    struct odt_tn_prep pr;
    if (odt_tn_prepare(p, &pr) != ODT_OK)
        return ODT_ERR_VALUE;
    struct odt_tn_sky sky;
    odt_tn_sky_from_env(&sky, env);
    return odt_tn_step_prepared(&pr, q_w, &sky, t_k, dt_s, out);
}

/* -------------------------------------------------------------------------- limits and sizing */

/* odt_tn_payload_margin_k: payload temperature limit minus payload temperature, K (< 0: over the limit). */
ODT_HD static inline double odt_tn_payload_margin_k(const struct odt_tn_params *p, const double *t_k)
{
    return p->t_limit_payload_k - t_k[ODT_TN_PAYLOAD];
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
