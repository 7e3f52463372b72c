/*
 * sgp4.h: the SGP4/SDP4 analytic propagator for NORAD mean element sets
 * (TLE/OMM), as revised by Vallado et al. (2006).
 *
 * One record (struct odt_sgp4) holds everything the initialisation computes; a
 * propagation reads it and returns the TEME state at a time since epoch. Near
 * Earth (period < 225 min) the theory is SGP4: secular J2, J4 and drag rates,
 * J3 long-period terms and J2 short-period terms. Deep space it is SDP4: the same
 * plus lunar and solar secular and long-period terms, and the 12 h (Molniya, GPS)
 * and 24 h (geosynchronous) Earth resonances, integrated numerically in steps of
 * 720 min.
 *
 * References:
 *   [STR3]  Hoots & Roehrich, Models for Propagation of NORAD Element Sets,
 *           Spacetrack Report No. 3, 1980 (sec. 6 SGP4, sec. 10 SDP4, sec. 11 the
 *           deep-space subroutine DEEP).
 *   [STR6]  Hoots, Spacetrack Report No. 6, 1986 (deep-space resonances).
 *   [V2006] Vallado, Crawford, Hujsak & Kelso, Revisiting Spacetrack Report #3,
 *           AIAA 2006-6753: the corrections ("sgp4fix") that make the published
 *           verification output reproducible, the error codes, the gravity
 *           constant sets and the 'a'/'i' operation modes.
 * The arithmetic follows the order of the [V2006] reference implementation where
 * it matters for reproducing its verification output to the last printed digit
 * (e.g. the un-Kozai step, the resonance integrator, the mean motion n0 + dn).
 *
 * Units: distances in Earth radii and time in minutes internally ("canonical"
 * units of [STR3]); states out in km and km/s, TEME frame, time since epoch in
 * minutes. The epoch is UTC.
 *
 * Every function is static inline ODT_HD: no allocation, I/O or globals; the same
 * code runs in the OpenMP loop, in a CUDA kernel and in the tests.
 */
#ifndef ODT_SGP4_H
#define ODT_SGP4_H

#include <math.h>
#include <string.h>
#include "odt_defs.h"
#include "elements.h"

/* Gravity constant set of the theory ([V2006] getgravconst). WGS-72 is the set
 * the element sets are fitted with and the one to use with catalogue TLEs;
 * WGS-72 old is the rounded set printed in [STR3]. */
enum odt_sgp4_gravity { ODT_SGP4_WGS72 = 0, ODT_SGP4_WGS84 = 1, ODT_SGP4_WGS72OLD = 2 };

/* The reference implementation's error codes ([V2006]; its code 5, sub-orbital
 * epoch elements, is no longer raised by the revised theory), plus
 * ODT_SGP4_ERR_ARGUMENT, which is ours: an unknown gravity set or opsmode, or a
 * non-finite time. */
enum odt_sgp4_error {
    ODT_SGP4_OK = 0,
    ODT_SGP4_ERR_MEAN_ECC = 1,    /* mean eccentricity outside [-0.001, 1) */
    ODT_SGP4_ERR_MEAN_MOTION = 2, /* mean motion <= 0 */
    ODT_SGP4_ERR_PERT_ECC = 3,    /* eccentricity after lunar-solar periodics outside [0, 1] */
    ODT_SGP4_ERR_SEMI_LATUS = 4,  /* semi-latus rectum < 0 */
    ODT_SGP4_ERR_DECAYED = 6,     /* radius below one Earth radius: the satellite has decayed */
    ODT_SGP4_ERR_ARGUMENT = 7     /* not a reference code: unknown gravity/opsmode, non-finite time */
};

/* Lunar or solar long-period periodic coefficients of one perturbing body
 * ([STR3] DEEP, entries DPINIT/DPPER; [V2006] dscom/dpper). The body's periodic
 * functions f2, f3 and sin(zf) of its mean anomaly multiply these. */
struct odt_sgp4_body_periodics {
    double zm0;           /* mean anomaly of the body at epoch, rad (ZMOS, ZMOL) */
    double e2, e3;        /* eccentricity terms (SE2, SE3 / EE2, E3) */
    double i2, i3;        /* inclination terms, rad (SI2, SI3 / XI2, XI3) */
    double l2, l3, l4;    /* mean anomaly terms, rad (SL2..SL4 / XL2..XL4) */
    double gh2, gh3, gh4; /* perigee-plus-node terms, rad (SGH2..SGH4 / XGH2..XGH4) */
    double h2, h3;        /* node terms times sin i, rad (SH2, SH3 / XH2, XH3) */
};

/* Everything initialisation computes; read-only during propagation so that many
 * threads may share one record. Angles in rad, time in min, lengths in Earth radii
 * (er) unless a name says otherwise. */
struct odt_sgp4 {
    /* identification and epoch */
    long catalog_number;  /* NORAD catalogue number */
    double epoch_jd;      /* epoch, UTC Julian date, integer + 0.5 part */
    double epoch_jd_frac; /* epoch fraction of day: epoch = epoch_jd + epoch_jd_frac */
    int gravity;          /* enum odt_sgp4_gravity */
    char opsmode;         /* 'i' improved or 'a' AFSPC */
    char deep_space;      /* 1: SDP4 (period >= 225 min); 0: SGP4 */
    char simple_drag;     /* 1: drag truncated after C1 (perigee < 220 km, or deep space) */
    char resonance;       /* 0 none, 1 synchronous (24 h), 2 half-day (12 h) */

    /* gravity constants */
    double radius_km; /* equatorial radius, km */
    double xke;       /* sqrt(GM) in er^1.5 / min */
    double j2;        /* second zonal harmonic */
    double j3oj2;     /* J3 / J2 */

    /* mean elements at epoch */
    double n0;     /* un-Kozai'd (Brouwer) mean motion, rad/min */
    double e0;     /* eccentricity */
    double i0;     /* inclination */
    double raan0;  /* right ascension of the ascending node */
    double argp0;  /* argument of perigee */
    double m0;     /* mean anomaly */
    double bstar;  /* drag term B*, 1/er */
    double gmst0;  /* Greenwich sidereal angle at epoch (1982 model, or AFSPC for 'a') */

    /* secular gravity rates ([STR3] eq. for M-dot, omega-dot, Omega-dot) */
    double mdot;    /* mean anomaly rate, rad/min */
    double argpdot; /* perigee rate, rad/min */
    double raandot; /* node rate, rad/min */

    /* drag ([STR3] C1, C4, C5, D2..D4 and the secular polynomial coefficients) */
    double c1, c4, c5;
    double d2, d3, d4;
    double eta;           /* a0 e0 / (a0 - s) */
    double delmo;         /* (1 + eta cos M0)^3 */
    double sinmo;         /* sin M0 */
    double omgcof;        /* B* C3 cos(argp0) */
    double xmcof;         /* -2/3 coef B* / (e0 eta) */
    double raancf;        /* node drag term: -21/2 n0 k2 cos(i0) C1 / (a0^2 beta0^2), k2 = J2/2 */
    double t2cof, t3cof, t4cof, t5cof; /* mean longitude drag polynomial, L = ... + n0 sum(tkcof t^k) */

    /* long- and short-period coefficients at the epoch inclination (deep space
       recomputes them from the perturbed inclination at each time) */
    double aycof;  /* J3 long-period term on a_yN */
    double xlcof;  /* J3 long-period term on L */
    double con41;  /* 3 cos^2 i - 1 */
    double x1mth2; /* 1 - cos^2 i */
    double x7thm1; /* 7 cos^2 i - 1 */
    /* constants of the propagation while the mean motion and inclination keep their
       epoch values (near Earth, and deep space without resonance for ao): values the
       propagator would otherwise recompute at each time with the same arguments */
    double sinio, cosio; /* sin i0, cos i0 */
    double ao;           /* (xke / n0)^(2/3), the semi-major axis before drag, er */

    /* deep space: lunar-solar long-period periodics and secular rates */
    struct odt_sgp4_body_periodics sun, moon;
    double dedt, didt, dmdt, dnodt, domdt; /* lunar-solar secular rates, 1/min and rad/min */

    /* deep space: resonance ([STR6]; zero when resonance == 0) */
    double d2201, d2211, d3210, d3222, d4410, d4422, d5220, d5232, d5421, d5433; /* 12 h */
    double del1, del2, del3; /* 24 h */
    double xfact;            /* rate of the resonance angle less the mean motion, rad/min */
    double xlamo;            /* resonance angle at epoch, rad */
};

/* Integrator state of the 12 h / 24 h resonance. Zero-initialise; the propagator
 * restarts from epoch whenever the requested time is not beyond atime on the same
 * side of the epoch, so any sequence of times gives the same states. */
struct odt_sgp4_resonance {
    double atime; /* time of the last integrator node, min (a multiple of 720) */
    double xli;   /* resonance angle at atime, rad */
    double xni;   /* mean motion at atime, rad/min */
};

/* ------------------------------------------------------------------ constants */

#define ODT_SGP4_X2O3 (2.0 / 3.0)
#define ODT_SGP4_DEEP_PERIOD_MIN 225.0 /* SDP4 from this period on, min ([STR3] sec. 10) */
/* Earth rotation rate used by the theory, rad/min (7.29211514668855e-5 rad/s). */
#define ODT_SGP4_RPTIM 4.37526908801129966e-3
/* Solar and lunar mean motions (rad/min) and orbit eccentricities ([STR3] DEEP). */
#define ODT_SGP4_ZNS 1.19459e-5
#define ODT_SGP4_ZES 0.01675
#define ODT_SGP4_ZNL 1.5835218e-4
#define ODT_SGP4_ZEL 0.05490
/* Resonance integrator: step (min) and step^2 / 2 (min^2) ([STR3] DEEP, DPSEC). */
#define ODT_SGP4_STEP 720.0
#define ODT_SGP4_STEP2 259200.0
/* 1 + cos i below this: the J3 terms use it as the divisor (i = 180 deg). */
#define ODT_SGP4_TEMP4 1.5e-12

/* ------------------------------------------------------------------ time */

/*
 * odt_sgp4_gmst: Greenwich mean sidereal angle (rad, [0, 2 pi)) at the UT1 Julian
 * date jdut1, 1982 IAU model as used by SGP4 (Vallado 2013, eq. 3-45; [V2006]
 * gstime). The rotation from TEME to the pseudo Earth-fixed frame is R3(gmst).
 */
ODT_HD static inline double odt_sgp4_gmst(double jdut1)
{
    const double tut1 = (jdut1 - 2451545.0) / 36525.0; /* Julian centuries since J2000 */
    const double sec = -6.2e-6 * tut1 * tut1 * tut1 + 0.093104 * tut1 * tut1 +
                       (876600.0 * 3600.0 + 8640184.812866) * tut1 + 67310.54841; /* s of sidereal time */
    double gmst = fmod(sec * ODT_DEG2RAD / 240.0, ODT_TWOPI);                       /* 240 s per degree */
    if (gmst < 0.0)
        gmst += ODT_TWOPI;
    return gmst;
}

/*
 * odt_sgp4_gmst_afspc: the sidereal angle (rad, [0, 2 pi)) of the original AFSPC
 * code (opsmode 'a'; [V2006] initl) at `epoch1950` days since 1950 Jan 0.0 UTC,
 * from a fixed rate counted from 1970 Jan 0.0.
 */
ODT_HD static inline double odt_sgp4_gmst_afspc(double epoch1950)
{
    const double ts70 = epoch1950 - 7305.0; /* days since 1970 Jan 0.0 */
    const double ds70 = floor(ts70 + 1.0e-8);
    const double tfrac = ts70 - ds70;
    const double c1 = 1.72027916940703639e-2;  /* rad/day, sidereal minus solar */
    const double thgr70 = 1.7321343856509374; /* rad at 1970 Jan 0.0 */
    const double fk5r = 5.07551419432269442e-15;
    double gmst = fmod(thgr70 + c1 * ds70 + (c1 + ODT_TWOPI) * tfrac + ts70 * ts70 * fk5r, ODT_TWOPI);
    if (gmst < 0.0)
        gmst += ODT_TWOPI;
    return gmst;
}

/*
 * odt_sgp4_tsince_min: minutes from the epoch of s to the UTC Julian date
 * jd + jd_frac (the argument odt_sgp4_propagate takes).
 */
ODT_HD static inline double odt_sgp4_tsince_min(const struct odt_sgp4 *s, double jd, double jd_frac)
{
    return ((jd - s->epoch_jd) + (jd_frac - s->epoch_jd_frac)) * 1440.0;
}

/* ------------------------------------------------------------------ deep space */

/* Geometry of one perturbing body relative to the orbit ([STR3] DEEP, the S and Z
 * coefficients of DPINIT; [V2006] dscom): used once at initialisation. */
struct odt_sgp4_body_geometry {
    double s1, s2, s3, s4, s5, s6, s7;
    double z1, z2, z3, z11, z12, z13, z21, z22, z23, z31, z32, z33;
};

/*
 * odt_sgp4_body_geometry_init: S and Z coefficients for a body whose orbit has
 * argument of perigee g, inclination i and node h (each given as cos/sin, in the
 * frame of the equator of date) and coupling constant cc (C1SS solar, C1L lunar),
 * for a satellite of inclination (cosim, sinim), perigee (cosomm, sinomm),
 * eccentricity em and mean motion nm (rad/min). [STR3] DEEP eq. for A1..A10,
 * X1..X8, Z1..Z33, S1..S7.
 */
ODT_HD static inline void odt_sgp4_body_geometry_init(struct odt_sgp4_body_geometry *b, double zcosg, double zsing,
                                                      double zcosi, double zsini, double zcosh, double zsinh,
                                                      double cc, double cosim, double sinim, double cosomm,
                                                      double sinomm, double em, double nm)
{
    const double emsq = em * em;
    const double betasq = 1.0 - emsq;
    const double rtemsq = sqrt(betasq);
    /* direction cosines of the body's orbit in the satellite's orbit frame */
    const double a1 = zcosg * zcosh + zsing * zcosi * zsinh;
    const double a3 = -zsing * zcosh + zcosg * zcosi * zsinh;
    const double a7 = -zcosg * zsinh + zsing * zcosi * zcosh;
    const double a8 = zsing * zsini;
    const double a9 = zsing * zsinh + zcosg * zcosi * zcosh;
    const double a10 = zcosg * zsini;
    const double a2 = cosim * a7 + sinim * a8;
    const double a4 = cosim * a9 + sinim * a10;
    const double a5 = -sinim * a7 + cosim * a8;
    const double a6 = -sinim * a9 + cosim * a10;
    /* ... rotated to the perigee */
    const double x1 = a1 * cosomm + a2 * sinomm;
    const double x2 = a3 * cosomm + a4 * sinomm;
    const double x3 = -a1 * sinomm + a2 * cosomm;
    const double x4 = -a3 * sinomm + a4 * cosomm;
    const double x5 = a5 * sinomm;
    const double x6 = a6 * sinomm;
    const double x7 = a5 * cosomm;
    const double x8 = a6 * cosomm;

    b->z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3;
    b->z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4;
    b->z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4;
    b->z1 = 3.0 * (a1 * a1 + a2 * a2) + b->z31 * emsq;
    b->z2 = 6.0 * (a1 * a3 + a2 * a4) + b->z32 * emsq;
    b->z3 = 3.0 * (a3 * a3 + a4 * a4) + b->z33 * emsq;
    b->z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5);
    b->z12 = -6.0 * (a1 * a6 + a3 * a5) + emsq * (-24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5));
    b->z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6);
    b->z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7);
    b->z22 = 6.0 * (a4 * a5 + a2 * a6) + emsq * (24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8));
    b->z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8);
    b->z1 = b->z1 + b->z1 + betasq * b->z31;
    b->z2 = b->z2 + b->z2 + betasq * b->z32;
    b->z3 = b->z3 + b->z3 + betasq * b->z33;
    b->s3 = cc / nm;
    b->s2 = -0.5 * b->s3 / rtemsq;
    b->s4 = b->s3 * rtemsq;
    b->s1 = -15.0 * em * b->s4;
    b->s5 = x1 * x3 + x2 * x4;
    b->s6 = x2 * x3 + x1 * x4;
    b->s7 = x2 * x4 - x1 * x3;
}

/*
 * odt_sgp4_body_periodics_init: long-period periodic coefficients of one body from
 * its geometry b, the body's orbital eccentricity ze (ZES, ZEL), its mean anomaly
 * at epoch zm0 (rad) and the satellite's eccentricity em. [STR3] DEEP (SE2..SH3).
 */
ODT_HD static inline void odt_sgp4_body_periodics_init(struct odt_sgp4_body_periodics *p,
                                                       const struct odt_sgp4_body_geometry *b, double ze,
                                                       double zm0, double em)
{
    const double emsq = em * em;
    p->zm0 = zm0;
    p->e2 = 2.0 * b->s1 * b->s6;
    p->e3 = 2.0 * b->s1 * b->s7;
    p->i2 = 2.0 * b->s2 * b->z12;
    p->i3 = 2.0 * b->s2 * (b->z13 - b->z11);
    p->l2 = -2.0 * b->s3 * b->z2;
    p->l3 = -2.0 * b->s3 * (b->z3 - b->z1);
    p->l4 = -2.0 * b->s3 * (-21.0 - 9.0 * emsq) * ze;
    p->gh2 = 2.0 * b->s4 * b->z32;
    p->gh3 = 2.0 * b->s4 * (b->z33 - b->z31);
    p->gh4 = -18.0 * b->s4 * ze;
    p->h2 = -2.0 * b->s2 * b->z22;
    p->h3 = -2.0 * b->s2 * (b->z23 - b->z21);
}

/* Secular rates that one body causes ([STR3] DEEP, the SES..SHS / lunar terms):
 * e (1/min); i, M, perigee-plus-node and node times sin i (rad/min). */
struct odt_sgp4_body_rates {
    double de, di, dm, dgh, dh;
};

/*
 * odt_sgp4_body_rates_init: secular rates of one body with mean motion zn (rad/min,
 * ZNS or ZNL) on an orbit of eccentricity em and inclination incl (rad). The node
 * term vanishes within 3 deg of i = 0 or 180 deg, where the theory cannot separate node
 * and perigee ([V2006] "sgp4fix for 180 deg incl").
 */
ODT_HD static inline struct odt_sgp4_body_rates odt_sgp4_body_rates_init(const struct odt_sgp4_body_geometry *b,
                                                                         double zn, double em, double incl)
{
    struct odt_sgp4_body_rates r;
    const double emsq = em * em;
    r.de = b->s1 * zn * b->s5;
    r.di = b->s2 * zn * (b->z11 + b->z13);
    r.dm = -zn * b->s3 * (b->z1 + b->z3 - 14.0 - 6.0 * emsq);
    r.dgh = b->s4 * zn * (b->z31 + b->z33 - 6.0);
    r.dh = -zn * b->s2 * (b->z21 + b->z23);
    if (incl < 5.2359877e-2 || incl > ODT_PI - 5.2359877e-2)
        r.dh = 0.0;
    return r;
}

/*
 * odt_sgp4_deep_init: lunar-solar coefficients, secular rates and resonance terms
 * of a deep-space record whose near-Earth part (elements, gravity rates, gmst0) is
 * set. day1900: epoch in days since 1900 Jan 0.5 (JD 2415020.0) UTC. xpidot: the
 * rate of argp + node from gravity, rad/min. [STR3] DEEP entry DPINIT; [STR6];
 * [V2006] dscom and dsinit.
 */
ODT_HD static inline void odt_sgp4_deep_init(struct odt_sgp4 *s, double day1900, double xpidot)
{
    /* solar orbit: fixed orientation in the frame of date ([STR3] ZCOSGS, ...) */
    const double zcosgs = 0.1945905, zsings = -0.98088458;
    const double zcosis = 0.91744867, zsinis = 0.39785416;
    const double c1ss = 2.9864797e-6, c1l = 4.7968065e-7; /* solar, lunar coupling constants */
    const double cnodm = cos(s->raan0), snodm = sin(s->raan0);
    const double cosomm = cos(s->argp0), sinomm = sin(s->argp0);
    const double cosim = cos(s->i0), sinim = sin(s->i0);
    struct odt_sgp4_body_geometry sun, moon;

    /* lunar orbit: node regresses with an 18.6 year period */
    const double xnodce = fmod(4.5236020 - 9.2422029e-4 * day1900, ODT_TWOPI);
    const double stem = sin(xnodce), ctem = cos(xnodce);
    const double zcosil = 0.91375164 - 0.03568096 * ctem;
    const double zsinil = sqrt(1.0 - zcosil * zcosil);
    const double zsinhl = 0.089683511 * stem / zsinil;
    const double zcoshl = sqrt(1.0 - zsinhl * zsinhl);
    const double gam = 5.8351514 + 0.0019443680 * day1900; /* lunar perigee + node */
    double zx = 0.39785416 * stem / zsinil;
    const double zy = zcoshl * ctem + 0.91744867 * zsinhl * stem;
    zx = atan2(zx, zy);
    zx = gam + zx - xnodce;

    odt_sgp4_body_geometry_init(&sun, zcosgs, zsings, zcosis, zsinis, cnodm, snodm, c1ss, cosim, sinim, cosomm,
                                sinomm, s->e0, s->n0);
    odt_sgp4_body_geometry_init(&moon, cos(zx), sin(zx), zcosil, zsinil, zcoshl * cnodm + zsinhl * snodm,
                                snodm * zcoshl - cnodm * zsinhl, c1l, cosim, sinim, cosomm, sinomm, s->e0, s->n0);
    odt_sgp4_body_periodics_init(&s->sun, &sun, ODT_SGP4_ZES, fmod(6.2565837 + 0.017201977 * day1900, ODT_TWOPI),
                                 s->e0);
    odt_sgp4_body_periodics_init(&s->moon, &moon, ODT_SGP4_ZEL,
                                 fmod(4.7199672 + 0.22997150 * day1900 - gam, ODT_TWOPI), s->e0);

    /* lunar-solar secular rates: the node rate is the h term over sin i, the perigee
       rate the gh term less cos i times the node rate */
    {
        const struct odt_sgp4_body_rates rs = odt_sgp4_body_rates_init(&sun, ODT_SGP4_ZNS, s->e0, s->i0);
        const struct odt_sgp4_body_rates rl = odt_sgp4_body_rates_init(&moon, ODT_SGP4_ZNL, s->e0, s->i0);
        const double hs = (sinim != 0.0) ? rs.dh / sinim : rs.dh;
        const double hl = (sinim != 0.0) ? rl.dh / sinim : rl.dh;
        s->dedt = rs.de + rl.de;
        s->didt = rs.di + rl.di;
        s->dmdt = rs.dm + rl.dm;
        s->domdt = (rs.dgh - cosim * hs) + (rl.dgh - cosim * hl);
        s->dnodt = hs + hl;
    }

    /* Earth resonances ([STR6]; [V2006] dsinit): 24 h for n in (0.8, 1.2) rev/day,
       12 h for n in [1.893, 2.117] rev/day with e >= 0.5 */
    s->resonance = 0;
    if (s->n0 < 0.0052359877 && s->n0 > 0.0034906585)
        s->resonance = 1;
    if (s->n0 >= 8.26e-3 && s->n0 <= 9.24e-3 && s->e0 >= 0.5)
        s->resonance = 2;
    if (s->resonance == 0)
        return;
    {
        const double theta = fmod(s->gmst0, ODT_TWOPI);
        const double aonv = pow(s->n0 / s->xke, ODT_SGP4_X2O3); /* 1 / a0 */
        const double em = s->e0, emsq = s->e0 * s->e0;
        const double cosisq = cosim * cosim;
        if (s->resonance == 2) {
            /* half-day: eccentricity functions G_lmp fitted piecewise in e ([STR6]) */
            const double eoc = em * emsq;
            const double g201 = -0.306 - (em - 0.64) * 0.440;
            double g211, g310, g322, g410, g422, g520, g521, g532, g533;
            if (em <= 0.65) {
                g211 = 3.616 - 13.2470 * em + 16.2900 * emsq;
                g310 = -19.302 + 117.3900 * em - 228.4190 * emsq + 156.5910 * eoc;
                g322 = -18.9068 + 109.7927 * em - 214.6334 * emsq + 146.5816 * eoc;
                g410 = -41.122 + 242.6940 * em - 471.0940 * emsq + 313.9530 * eoc;
                g422 = -146.407 + 841.8800 * em - 1629.014 * emsq + 1083.4350 * eoc;
                g520 = -532.114 + 3017.977 * em - 5740.032 * emsq + 3708.2760 * eoc;
            } else {
                g211 = -72.099 + 331.819 * em - 508.738 * emsq + 266.724 * eoc;
                g310 = -346.844 + 1582.851 * em - 2415.925 * emsq + 1246.113 * eoc;
                g322 = -342.585 + 1554.908 * em - 2366.899 * emsq + 1215.972 * eoc;
                g410 = -1052.797 + 4758.686 * em - 7193.992 * emsq + 3651.957 * eoc;
                g422 = -3581.690 + 16178.110 * em - 24462.770 * emsq + 12422.520 * eoc;
                if (em > 0.715)
                    g520 = -5149.66 + 29936.92 * em - 54087.36 * emsq + 31324.56 * eoc;
                else
                    g520 = 1464.74 - 4664.75 * em + 3763.64 * emsq;
            }
            if (em < 0.7) {
                g533 = -919.22770 + 4988.6100 * em - 9064.7700 * emsq + 5542.21 * eoc;
                g521 = -822.71072 + 4568.6173 * em - 8491.4146 * emsq + 5337.524 * eoc;
                g532 = -853.66600 + 4690.2500 * em - 8624.7700 * emsq + 5341.4 * eoc;
            } else {
                g533 = -37995.780 + 161616.52 * em - 229838.20 * emsq + 109377.94 * eoc;
                g521 = -51752.104 + 218913.95 * em - 309468.16 * emsq + 146349.42 * eoc;
                g532 = -40023.880 + 170470.89 * em - 242699.48 * emsq + 115605.82 * eoc;
            }
            {
                /* inclination functions F_lmp and the resonance coefficients D_lmpq,
                   normalised tesseral harmonics root22..root54 of WGS-72 */
                const double root22 = 1.7891679e-6, root32 = 3.7393792e-7, root44 = 7.3636953e-9;
                const double root52 = 1.1428639e-7, root54 = 2.1765803e-9;
                const double sini2 = sinim * sinim;
                const double f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq);
                const double f221 = 1.5 * sini2;
                const double f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq);
                const double f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq);
                const double f441 = 35.0 * sini2 * f220;
                const double f442 = 39.3750 * sini2 * sini2;
                const double f522 = 9.84375 * sinim *
                                    (sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq) +
                                     0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq));
                const double f523 = sinim * (4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq) +
                                             6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq));
                const double f542 = 29.53125 * sinim *
                                    (2.0 - 8.0 * cosim + cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq));
                const double f543 = 29.53125 * sinim *
                                    (-2.0 - 8.0 * cosim + cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq));
                const double xno2 = s->n0 * s->n0;
                const double ainv2 = aonv * aonv;
                double temp1 = 3.0 * xno2 * ainv2;
                double temp = temp1 * root22;
                s->d2201 = temp * f220 * g201;
                s->d2211 = temp * f221 * g211;
                temp1 = temp1 * aonv;
                temp = temp1 * root32;
                s->d3210 = temp * f321 * g310;
                s->d3222 = temp * f322 * g322;
                temp1 = temp1 * aonv;
                temp = 2.0 * temp1 * root44;
                s->d4410 = temp * f441 * g410;
                s->d4422 = temp * f442 * g422;
                temp1 = temp1 * aonv;
                temp = temp1 * root52;
                s->d5220 = temp * f522 * g520;
                s->d5232 = temp * f523 * g532;
                temp = 2.0 * temp1 * root54;
                s->d5421 = temp * f542 * g521;
                s->d5433 = temp * f543 * g533;
            }
            /* resonance angle 2 (M + Omega - theta) */
            s->xlamo = fmod(s->m0 + s->raan0 + s->raan0 - theta - theta, ODT_TWOPI);
            s->xfact = s->mdot + s->dmdt + 2.0 * (s->raandot + s->dnodt - ODT_SGP4_RPTIM) - s->n0;
        } else {
            /* synchronous: the 22, 31 and 33 tesserals ([STR3] DEEP, Q22, Q31, Q33) */
            const double q22 = 1.7891679e-6, q31 = 2.1460748e-6, q33 = 2.2123015e-7;
            const double g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq);
            const double g310 = 1.0 + 2.0 * emsq;
            const double g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq);
            const double f220 = 0.75 * (1.0 + cosim) * (1.0 + cosim);
            const double f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) - 0.75 * (1.0 + cosim);
            double f330 = 1.0 + cosim;
            double del1;
            f330 = 1.875 * f330 * f330 * f330;
            del1 = 3.0 * s->n0 * s->n0 * aonv * aonv;
            s->del2 = 2.0 * del1 * f220 * g200 * q22;
            s->del3 = 3.0 * del1 * f330 * g300 * q33 * aonv;
            s->del1 = del1 * f311 * g310 * q31 * aonv;
            /* resonance angle M + Omega + omega - theta */
            s->xlamo = fmod(s->m0 + s->raan0 + s->argp0 - theta, ODT_TWOPI);
            s->xfact = s->mdot + xpidot - ODT_SGP4_RPTIM + s->dmdt + s->domdt + s->dnodt - s->n0;
        }
    }
}

/*
 * odt_sgp4_deep_secular: add the lunar-solar secular terms at t (min) to the mean
 * elements em, inclm, argpm, nodem, mm (rad) and, for a resonant orbit, integrate
 * the resonance ([STR3] DEEP entry DPSEC; [V2006] dspace) and replace mm and nm
 * (rad/min). res carries the integrator between calls; NULL integrates from epoch.
 * The integrator steps by 720 min with a second-order Taylor (Euler-Maclaurin)
 * update and interpolates from the last node to t the same way.
 */
ODT_HD static inline void odt_sgp4_deep_secular(const struct odt_sgp4 *s, struct odt_sgp4_resonance *res, double t,
                                                double *em, double *inclm, double *argpm, double *nodem, double *mm,
                                                double *nm)
{
    /* phases of the resonance terms ([STR3] FASX2..FASX6, G22..G54) */
    const double fasx2 = 0.13130908, fasx4 = 2.8843198, fasx6 = 0.37448087;
    const double g22 = 5.7686396, g32 = 0.95240898, g44 = 1.8014998, g52 = 1.0508330, g54 = 4.4108898;
    struct odt_sgp4_resonance local;
    double theta, delt, ft, xndt = 0.0, xldot = 0.0, xnddt = 0.0, xl, xn;

    *em += s->dedt * t;
    *inclm += s->didt * t;
    *argpm += s->domdt * t;
    *nodem += s->dnodt * t;
    *mm += s->dmdt * t;
    if (s->resonance == 0)
        return;

    theta = fmod(s->gmst0 + t * ODT_SGP4_RPTIM, ODT_TWOPI);
    if (res == NULL) {
        local.atime = local.xli = local.xni = 0.0;
        res = &local;
    }
    /* restart from epoch unless t lies beyond the last node, on the same side */
    if (res->atime == 0.0 || t * res->atime <= 0.0 || fabs(t) < fabs(res->atime)) {
        res->atime = 0.0;
        res->xni = s->n0;
        res->xli = s->xlamo;
    }
    delt = (t > 0.0) ? ODT_SGP4_STEP : -ODT_SGP4_STEP;
    for (;;) {
        /* derivatives of the mean motion (xndt, xnddt) and of the angle (xldot) */
        if (s->resonance != 2) {
            xndt = s->del1 * sin(res->xli - fasx2) + s->del2 * sin(2.0 * (res->xli - fasx4)) +
                   s->del3 * sin(3.0 * (res->xli - fasx6));
            xldot = res->xni + s->xfact;
            xnddt = s->del1 * cos(res->xli - fasx2) + 2.0 * s->del2 * cos(2.0 * (res->xli - fasx4)) +
                    3.0 * s->del3 * cos(3.0 * (res->xli - fasx6));
            xnddt = xnddt * xldot;
        } else {
            const double xomi = s->argp0 + s->argpdot * res->atime;
            const double x2omi = xomi + xomi;
            const double x2li = res->xli + res->xli;
            const double xli = res->xli;
            xndt = s->d2201 * sin(x2omi + xli - g22) + s->d2211 * sin(xli - g22) +
                   s->d3210 * sin(xomi + xli - g32) + s->d3222 * sin(-xomi + xli - g32) +
                   s->d4410 * sin(x2omi + x2li - g44) + s->d4422 * sin(x2li - g44) +
                   s->d5220 * sin(xomi + xli - g52) + s->d5232 * sin(-xomi + xli - g52) +
                   s->d5421 * sin(xomi + x2li - g54) + s->d5433 * sin(-xomi + x2li - g54);
            xldot = res->xni + s->xfact;
            xnddt = s->d2201 * cos(x2omi + xli - g22) + s->d2211 * cos(xli - g22) +
                    s->d3210 * cos(xomi + xli - g32) + s->d3222 * cos(-xomi + xli - g32) +
                    s->d5220 * cos(xomi + xli - g52) + s->d5232 * cos(-xomi + xli - g52) +
                    2.0 * (s->d4410 * cos(x2omi + x2li - g44) + s->d4422 * cos(x2li - g44) +
                           s->d5421 * cos(xomi + x2li - g54) + s->d5433 * cos(-xomi + x2li - g54));
            xnddt = xnddt * xldot;
        }
        if (fabs(t - res->atime) < ODT_SGP4_STEP) {
            ft = t - res->atime;
            break;
        }
        res->xli = res->xli + xldot * delt + xndt * ODT_SGP4_STEP2;
        res->xni = res->xni + xndt * delt + xnddt * ODT_SGP4_STEP2;
        res->atime = res->atime + delt;
    }
    xn = res->xni + xndt * ft + xnddt * ft * ft * 0.5;
    xl = res->xli + xldot * ft + xndt * ft * ft * 0.5;
    if (s->resonance != 1)
        *mm = xl - 2.0 * *nodem + 2.0 * theta;
    else
        *mm = xl - *nodem - *argpm + theta;
    /* the reference carries the change of mean motion dn and forms n0 + dn */
    *nm = s->n0 + (xn - s->n0);
}

/*
 * odt_sgp4_deep_periodics: add the lunar-solar long-period periodics at t (min) to
 * ep, inclp, nodep, argpp, mp (rad). Below 0.2 rad of perturbed inclination the
 * node and perigee terms are applied to the vector (sin i sin h, sin i cos h) and
 * the mean longitude (Lyddane modification), which stays regular at i = 0.
 * [STR3] DEEP entry DPPER; [V2006] dpper. As in [V2006] the periodics are not
 * offset by their value at epoch (PEO..PHO are zero).
 */
ODT_HD static inline void odt_sgp4_deep_periodics(const struct odt_sgp4 *s, double t, double *ep, double *inclp,
                                                  double *nodep, double *argpp, double *mp)
{
    double pe, pinc, pl, pgh, ph, sinip, cosip;
    {
        const struct odt_sgp4_body_periodics *b[2];
        const double zn[2] = {ODT_SGP4_ZNS, ODT_SGP4_ZNL};
        const double ze[2] = {ODT_SGP4_ZES, ODT_SGP4_ZEL};
        double sum[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
        int k;
        b[0] = &s->sun;
        b[1] = &s->moon;
        for (k = 0; k < 2; ++k) {
            const double zm = b[k]->zm0 + zn[k] * t;
            const double zf = zm + 2.0 * ze[k] * sin(zm); /* true anomaly to first order in ze */
            const double sinzf = sin(zf);
            const double f2 = 0.5 * sinzf * sinzf - 0.25;
            const double f3 = -0.5 * sinzf * cos(zf);
            sum[0] += b[k]->e2 * f2 + b[k]->e3 * f3;
            sum[1] += b[k]->i2 * f2 + b[k]->i3 * f3;
            sum[2] += b[k]->l2 * f2 + b[k]->l3 * f3 + b[k]->l4 * sinzf;
            sum[3] += b[k]->gh2 * f2 + b[k]->gh3 * f3 + b[k]->gh4 * sinzf;
            sum[4] += b[k]->h2 * f2 + b[k]->h3 * f3;
        }
        pe = sum[0];
        pinc = sum[1];
        pl = sum[2];
        pgh = sum[3];
        ph = sum[4];
    }
    *inclp = *inclp + pinc;
    *ep = *ep + pe;
    sinip = sin(*inclp);
    cosip = cos(*inclp);
    /* [V2006]: the Lyddane choice uses the perturbed inclination */
    if (*inclp >= 0.2) {
        ph = ph / sinip;
        pgh = pgh - cosip * ph;
        *argpp = *argpp + pgh;
        *nodep = *nodep + ph;
        *mp = *mp + pl;
    } else {
        const double sinop = sin(*nodep);
        const double cosop = cos(*nodep);
        const double dalf = ph * cosop + pinc * cosip * sinop;
        const double dbet = -ph * sinop + pinc * cosip * cosop;
        const double alfdp = sinip * sinop + dalf;
        const double betdp = sinip * cosop + dbet;
        double xls, xnoh;
        *nodep = fmod(*nodep, ODT_TWOPI);
        /* AFSPC code kept the node in [0, 2 pi) ([V2006] opsmode 'a') */
        if (*nodep < 0.0 && s->opsmode == 'a')
            *nodep = *nodep + ODT_TWOPI;
        /* mean longitude M + omega + cos(i) Omega and its perturbation */
        xls = *mp + *argpp + cosip * *nodep;
        xls = xls + (pl + pgh - pinc * *nodep * sinip);
        xnoh = *nodep;
        *nodep = atan2(alfdp, betdp);
        if (*nodep < 0.0 && s->opsmode == 'a')
            *nodep = *nodep + ODT_TWOPI;
        /* keep the node on the branch of the unperturbed one */
        if (fabs(xnoh - *nodep) > ODT_PI) {
            if (*nodep < xnoh)
                *nodep = *nodep + ODT_TWOPI;
            else
                *nodep = *nodep - ODT_TWOPI;
        }
        *mp = *mp + pl;
        *argpp = xls - *mp - cosip * *nodep;
    }
}

/* ------------------------------------------------------------------ propagation */

/*
 * Small-angle rotations. Several angles of the propagation are an angle a whose sine
 * and cosine are at hand plus a small correction d: a Newton step of Kepler's
 * equation, a J2 short-period term (|d| < 1e-3), the drag terms of the mean anomaly
 * and perigee. Their sine and cosine follow from the rotation through d,
 *     sin(a + d) = sin a + (cos a sin d + sin a (cos d - 1)),
 *     cos(a + d) = cos a + (cos a (cos d - 1) - sin a sin d),
 * with sin d and cos d - 1 from their Taylor series: a few multiplications instead of
 * a call to sin, cos or sincos, and a short dependency chain (the series are
 * evaluated in powers of d^2 side by side, not by Horner's rule). For
 * |d| <= ODT_SGP4_SMALL_ANGLE = 1e-2, the series through d^5 and d^6 leave
 * remainders below |d|^7 / 7! < 2.0e-18 and d^8 / 8! < 2.5e-21, a fiftieth of the
 * rounding of the results (half an ulp of numbers near 1 is 1.1e-16); adding the
 * small correction last, rather than forming cos d ~ 1 and multiplying, keeps the
 * rounding error of one rotation to about an ulp. Callers evaluate sin and cos
 * for larger angles.
 */
#define ODT_SGP4_SMALL_ANGLE 1.0e-2

/* (*sin_a, *cos_a) <- (sin(a + d), cos(a + d)) for |d| <= ODT_SGP4_SMALL_ANGLE. */
ODT_HD static inline void odt_sgp4_rotate_small(double d, double *sin_a, double *cos_a)
{
    const double d2 = d * d;
    const double sin_d = d + (d * d2) * (-1.0 / 6.0 + d2 * (1.0 / 120.0));
    const double cos_d_m1 = d2 * -0.5 + (d2 * d2) * (1.0 / 24.0 + d2 * (-1.0 / 720.0));
    const double sa = *sin_a, ca = *cos_a;
    *sin_a = sa + (ca * sin_d + sa * cos_d_m1);
    *cos_a = ca + (ca * cos_d_m1 - sa * sin_d);
}

/* (*sin_a, *cos_a) <- (sin(a + d), cos(a + d)): by rotation for a small d, else
 * evaluated at the angle a_plus_d = a + d. */
ODT_HD static inline void odt_sgp4_rotate(double d, double a_plus_d, double *sin_a, double *cos_a)
{
    if (fabs(d) <= ODT_SGP4_SMALL_ANGLE) {
        odt_sgp4_rotate_small(d, sin_a, cos_a);
    } else {
        *sin_a = sin(a_plus_d);
        *cos_a = cos(a_plus_d);
    }
}

/*
 * odt_sgp4_propagate: TEME position r_km (km) and velocity v_km_s (km/s) at
 * tsince_min minutes from the epoch of s (negative: before epoch).
 * s: a record filled by odt_sgp4_init; it is only read, so threads may share it.
 * res: the resonance integrator carried between calls for a resonant deep-space
 *   record (zero-initialise it; any order of times gives the same states, carrying
 *   it forward only saves steps); NULL integrates from epoch. Unused otherwise.
 * Returns an odt_sgp4_error; on error r_km and v_km_s are left unchanged.
 * [STR3] sec. 6 (SGP4) and 10 (SDP4) with the [V2006] corrections: the Kepler
 * solution of the long-period-perturbed equinoctial elements (step limited to
 * 0.95 rad, 10 iterations), the short-period J2 terms, and the error checks.
 *
 * Evaluation. The theory is the reference's, term by term; what differs is how the
 * sines and cosines are obtained, which changes results only by rounding: states
 * agree with the reference order of evaluation to a few 1e-12 relative (as much
 * as the 1e-12 rad stopping tolerance of Kepler's equation leaves open anyway),
 * far inside the verification tolerance of tests/test_sgp4.c.
 *  - Near Earth (SGP4) the angles enter only through their sines and cosines and
 *    through differences that cancel. Three are evaluated, those of the secular
 *    angles M_DF, omega_DF and Omega (one sincos each, independent of each other);
 *    every other angle is one of these plus small corrections: the drag terms of
 *    M and omega, the long-period J3 term of L, the Newton steps of Kepler's
 *    equation, the short-period J2 terms of u, Omega and i. Their sines and
 *    cosines follow by the addition theorem and odt_sgp4_rotate_small, and the
 *    reductions to [0, 2 pi) (fmod), which change the angles by multiples of 2 pi
 *    only, are not needed. The inclination and the mean motion keep their epoch
 *    values, so sin i0, cos i0 and (xke / n0)^(2/3) come from the record, as the
 *    J3 and J2 coefficients always did.
 *  - Deep space (SDP4) the elements go through the lunar-solar terms as in the
 *    reference, reductions included; the Kepler iteration and the short-period
 *    corrections of u and i use the rotations as near Earth.
 *  Any correction above ODT_SGP4_SMALL_ANGLE (long propagations with strong drag,
 *  an eccentric orbit's first Newton steps, i near 180 deg where the J3 term of L
 *  grows, a perigee below the surface) falls back to sin and cos of the angle.
 */
ODT_HD static inline int odt_sgp4_propagate(const struct odt_sgp4 *s, struct odt_sgp4_resonance *res,
                                            double tsince_min, double r_km[3], double v_km_s[3])
{
    const double t = tsince_min;
    const int near_earth = !s->deep_space;
    double am, em, inclm, nodem, argpm, mm, nm, tempa, tempe, templ;
    double ep, xincp, nodep, sinip, cosip, aycof, xlcof, con41, x1mth2, x7thm1;
    double argpp = 0.0, mp = 0.0; /* deep space: perigee and mean anomaly after the periodics */
    double axnl, aynl, dxl, u, w, tem5, sineo1, coseo1, temp;
    double ecose, esine, el2, pl, rl, rdotl, rvdotl, betal, sinu, cosu, sin2u, cos2u, temp1, temp2;
    double mrt, mvt, rvdot, dsu, dnode, dinc;
    /* sines and cosines of M_DF and omega_DF (near Earth, for the start of Kepler's
       equation), of the perigee (argpm near Earth, argpp deep space) and of the
       node nodem (near Earth) */
    double sinmdf = 0.0, cosmdf = 0.0, sinwdf = 0.0, coswdf = 0.0;
    double sinargp = 0.0, cosargp = 0.0, sinnode = 0.0, cosnode = 0.0;
    double xmdf, argpdf;
    int ktr;

    /* inf - inf is NaN: a non-finite time would never end the resonance loop */
    if (!(t - t == 0.0))
        return ODT_SGP4_ERR_ARGUMENT;

    /* secular gravity and drag ([STR3] sec. 6: M_DF, omega_DF, Omega_DF, delta a, e, L) */
    {
        const double nodedf = s->raan0 + s->raandot * t;
        const double t2 = t * t;
        xmdf = s->m0 + s->mdot * t;
        argpdf = s->argp0 + s->argpdot * t;
        argpm = argpdf;
        mm = xmdf;
        nodem = nodedf + s->raancf * t2;
        tempa = 1.0 - s->c1 * t;
        tempe = s->bstar * s->c4 * t;
        templ = s->t2cof * t2;
        if (near_earth) {
            sinmdf = sin(xmdf);
            cosmdf = cos(xmdf);
            sinwdf = sin(argpdf);
            coswdf = cos(argpdf);
            sinnode = sin(nodem);
            cosnode = cos(nodem);
            sinargp = sinwdf;
            cosargp = coswdf;
        }
        if (!s->simple_drag) { /* near Earth only */
            const double delomg = s->omgcof * t;
            const double delmtemp = 1.0 + s->eta * cosmdf;
            const double delm = s->xmcof * (delmtemp * delmtemp * delmtemp - s->delmo);
            const double t3 = t2 * t, t4 = t3 * t;
            double sinmm = sinmdf, cosmm = cosmdf;
            temp = delomg + delm; /* of order B* t */
            mm = xmdf + temp;
            argpm = argpdf - temp;
            odt_sgp4_rotate(temp, mm, &sinmm, &cosmm);
            odt_sgp4_rotate(-temp, argpm, &sinargp, &cosargp);
            tempa = tempa - s->d2 * t2 - s->d3 * t3 - s->d4 * t4;
            tempe = tempe + s->bstar * s->c5 * (sinmm - s->sinmo);
            templ = templ + s->t3cof * t3 + t4 * (s->t4cof + t * s->t5cof);
        }
    }
    nm = s->n0;
    em = s->e0;
    inclm = s->i0;
    if (!near_earth)
        odt_sgp4_deep_secular(s, res, t, &em, &inclm, &argpm, &nodem, &mm, &nm);
    if (nm <= 0.0)
        return ODT_SGP4_ERR_MEAN_MOTION;
    /* a = (xke / n)^(2/3) (1 - C1 t - ...)^2 and n = xke / a^1.5. Without resonance n
       keeps its epoch value n0 and the power is the one of initialisation (s->ao);
       a^1.5 as a sqrt(a), within an ulp or two of pow(a, 1.5) at a fraction of its
       cost. */
    if (s->resonance == 0)
        am = s->ao * tempa * tempa;
    else
        am = pow(s->xke / nm, ODT_SGP4_X2O3) * tempa * tempa;
    nm = s->xke / (am * sqrt(am));
    em = em - tempe;
    if (em >= 1.0 || em < -0.001)
        return ODT_SGP4_ERR_MEAN_ECC;
    if (em < 1.0e-6) /* [V2006]: avoid a division by zero */
        em = 1.0e-6;

    if (near_earth) {
        /* no lunar-solar terms; the node stays unreduced (near Earth it only serves
           the fallback to sin and cos of the node, mean anomaly and perigee enter
           through sines and cosines only) */
        ep = em;
        xincp = inclm;
        nodep = nodem;
        sinip = s->sinio; /* the inclination keeps its epoch value i0 */
        cosip = s->cosio;
        aycof = s->aycof;
        xlcof = s->xlcof;
        con41 = s->con41;
        x1mth2 = s->x1mth2;
        x7thm1 = s->x7thm1;
    } else {
        double xlm;
        mm = mm + s->n0 * templ;
        xlm = mm + argpm + nodem;
        nodem = fmod(nodem, ODT_TWOPI);
        argpm = fmod(argpm, ODT_TWOPI);
        xlm = fmod(xlm, ODT_TWOPI);
        mm = fmod(xlm - argpm - nodem, ODT_TWOPI);

        /* lunar-solar periodics */
        ep = em;
        xincp = inclm;
        argpp = argpm;
        nodep = nodem;
        mp = mm;
        odt_sgp4_deep_periodics(s, t, &ep, &xincp, &nodep, &argpp, &mp);
        if (xincp < 0.0) {
            xincp = -xincp;
            nodep = nodep + ODT_PI;
            argpp = argpp - ODT_PI;
        }
        if (ep < 0.0 || ep > 1.0)
            return ODT_SGP4_ERR_PERT_ECC;
        sinip = sin(xincp);
        cosip = cos(xincp);
        aycof = -0.5 * s->j3oj2 * sinip;
        if (fabs(cosip + 1.0) > ODT_SGP4_TEMP4)
            xlcof = -0.25 * s->j3oj2 * sinip * (3.0 + 5.0 * cosip) / (1.0 + cosip);
        else
            xlcof = -0.25 * s->j3oj2 * sinip * (3.0 + 5.0 * cosip) / ODT_SGP4_TEMP4;
        {
            const double cosisq = cosip * cosip;
            con41 = 3.0 * cosisq - 1.0;
            x1mth2 = 1.0 - cosisq;
            x7thm1 = 7.0 * cosisq - 1.0;
        }
        sinargp = sin(argpp);
        cosargp = cos(argpp);
    }

    /* long-period J3 periodics on the equinoctial elements a_xN, a_yN, L */
    axnl = ep * cosargp;
    temp = 1.0 / (am * (1.0 - ep * ep));
    aynl = ep * sinargp + temp * aycof;
    dxl = temp * xlcof * axnl; /* L = M + omega + Omega + dxl */

    /* Kepler's equation for E + omega, E + omega - a_xN sin(E + omega) + a_yN
       cos(E + omega) = u with u = L - Omega = M + omega + dxl, by Newton's method
       ([STR3]; [V2006]: each step limited to 0.95 rad, at most 10 steps, stop after
       a step below 1e-12; the sine and cosine used afterwards are those of the angle
       before the last step). The iteration carries w = E + omega - u, the sum of the
       steps, so that u enters only through its sine and cosine (and at the start
       E + omega = u): near Earth these follow from those of M_DF and omega_DF by the
       addition theorem (u = M_DF + omega_DF + n0 templ + dxl: the drag terms of M
       and omega cancel) and a rotation through the small rest; deep space u is
       reduced and evaluated as in the reference. After a step tem5 the sine and
       cosine are rotated through it when it is small, as every step of a
       near-circular orbit is (the first is of order e), and evaluated otherwise. */
    if (near_earth) {
        const double du = s->n0 * templ + dxl;
        u = xmdf + argpdf + du;
        sineo1 = sinmdf * coswdf + cosmdf * sinwdf;
        coseo1 = cosmdf * coswdf - sinmdf * sinwdf;
        odt_sgp4_rotate(du, u, &sineo1, &coseo1);
    } else {
        u = fmod(mp + argpp + nodep + dxl - nodep, ODT_TWOPI);
        sineo1 = sin(u);
        coseo1 = cos(u);
    }
    w = 0.0;
    ktr = 1;
    for (;;) {
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl;
        tem5 = (axnl * sineo1 - aynl * coseo1 - w) / tem5;
        if (fabs(tem5) >= 0.95)
            tem5 = tem5 > 0.0 ? 0.95 : -0.95;
        w = w + tem5;
        ktr = ktr + 1;
        if (!(fabs(tem5) >= 1.0e-12 && ktr <= 10))
            break;
        odt_sgp4_rotate(tem5, u + w, &sineo1, &coseo1);
    }

    /* short-period preliminaries */
    ecose = axnl * coseo1 + aynl * sineo1;
    esine = axnl * sineo1 - aynl * coseo1;
    el2 = axnl * axnl + aynl * aynl;
    pl = am * (1.0 - el2);
    if (pl < 0.0)
        return ODT_SGP4_ERR_SEMI_LATUS;
    rl = am * (1.0 - ecose);
    rdotl = sqrt(am) * esine / rl;
    rvdotl = sqrt(pl) / rl;
    betal = sqrt(1.0 - el2);
    temp = esine / (1.0 + betal);
    sinu = am / rl * (sineo1 - aynl - axnl * temp);
    cosu = am / rl * (coseo1 - axnl + aynl * temp);
    sin2u = (cosu + cosu) * sinu;
    cos2u = 1.0 - 2.0 * sinu * sinu;
    temp = 1.0 / pl;
    temp1 = 0.5 * s->j2 * temp;
    temp2 = temp1 * temp;

    /* short-period J2 periodics: r, u, Omega, i, r-dot, r f-dot. The argument of
       latitude is atan2(sinu, cosu) + dsu, the node nodep + dnode and the
       inclination xincp + dinc. */
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u;
    dsu = -0.25 * temp2 * x7thm1 * sin2u;
    dnode = 1.5 * temp2 * cosip * sin2u;
    dinc = 1.5 * temp2 * cosip * sinip * cos2u;
    mvt = rdotl - nm * temp1 * x1mth2 * sin2u / s->xke;
    rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / s->xke;
    if (mrt < 1.0)
        return ODT_SGP4_ERR_DECAYED;

    /* orientation vectors U (radial) and V (along-track), then km and km/s.
       The short-period corrections are of order J2 / p^2: below 1e-3 for any orbit
       whose perigee is above the surface (p > 1). The sine and cosine of u follow
       from the unit vector (sinu, cosu) / |(sinu, cosu)| (those of
       atan2(sinu, cosu)) rotated through dsu, those of the inclination from
       (sinip, cosip) rotated through dinc, and near Earth those of the node from
       (sinnode, cosnode) rotated through dnode; deep space the node takes a sincos. */
    {
        double sinsu, cossu, sini, cosi, snod, cnod, xmx, xmy, ux, uy, uz, vx, vy, vz;
        const double vkmpersec = s->radius_km * s->xke / 60.0;
        if (fabs(dsu) <= ODT_SGP4_SMALL_ANGLE && fabs(dinc) <= ODT_SGP4_SMALL_ANGLE) {
            const double rnorm = 1.0 / sqrt(sinu * sinu + cosu * cosu); /* 1 up to rounding */
            sinsu = sinu * rnorm;
            cossu = cosu * rnorm;
            odt_sgp4_rotate_small(dsu, &sinsu, &cossu);
            sini = sinip;
            cosi = cosip;
            odt_sgp4_rotate_small(dinc, &sini, &cosi);
        } else {
            const double su = atan2(sinu, cosu) + dsu;
            const double xinc = xincp + dinc;
            sinsu = sin(su);
            cossu = cos(su);
            sini = sin(xinc);
            cosi = cos(xinc);
        }
        if (near_earth) {
            snod = sinnode;
            cnod = cosnode;
            odt_sgp4_rotate(dnode, nodep + dnode, &snod, &cnod);
        } else {
            const double xnode = nodep + dnode;
            snod = sin(xnode);
            cnod = cos(xnode);
        }
        xmx = -snod * cosi;
        xmy = cnod * cosi;
        ux = xmx * sinsu + cnod * cossu;
        uy = xmy * sinsu + snod * cossu;
        uz = sini * sinsu;
        vx = xmx * cossu - cnod * sinsu;
        vy = xmy * cossu - snod * sinsu;
        vz = sini * cossu;
        r_km[0] = (mrt * ux) * s->radius_km;
        r_km[1] = (mrt * uy) * s->radius_km;
        r_km[2] = (mrt * uz) * s->radius_km;
        v_km_s[0] = (mvt * ux + rvdot * vx) * vkmpersec;
        v_km_s[1] = (mvt * uy + rvdot * vy) * vkmpersec;
        v_km_s[2] = (mvt * uz + rvdot * vz) * vkmpersec;
    }
    return ODT_SGP4_OK;
}

/* ------------------------------------------------------------------ initialisation */

/*
 * odt_sgp4_gravity_constants: the constants of gravity set `gravity` ([V2006]
 * getgravconst): equatorial radius (km), xke = sqrt(GM) in er^1.5/min, and the
 * unnormalised zonal harmonics J2, J3, J4. Returns 0 for an unknown set.
 */
ODT_HD static inline int odt_sgp4_gravity_constants(int gravity, double *radius_km, double *xke, double *j2,
                                                    double *j3, double *j4)
{
    double mu; /* GM, km^3/s^2 */
    switch (gravity) {
    case ODT_SGP4_WGS72OLD: /* Spacetrack Report #3 values, xke given directly */
        *radius_km = 6378.135;
        *xke = 0.0743669161;
        *j2 = 0.001082616;
        *j3 = -0.00000253881;
        *j4 = -0.00000165597;
        return 1;
    case ODT_SGP4_WGS72:
        mu = 398600.8;
        *radius_km = 6378.135;
        *j2 = 0.001082616;
        *j3 = -0.00000253881;
        *j4 = -0.00000165597;
        break;
    case ODT_SGP4_WGS84:
        mu = 398600.5;
        *radius_km = 6378.137;
        *j2 = 0.00108262998905;
        *j3 = -0.00000253215306;
        *j4 = -0.00000161098761;
        break;
    default:
        return 0;
    }
    *xke = 60.0 / sqrt(*radius_km * *radius_km * *radius_km / mu);
    return 1;
}

/*
 * odt_sgp4_init: fill s from the mean element set el (TLE/OMM units: degrees,
 * rev/day, B* in 1/er; epoch UTC) for the gravity set `gravity` (enum
 * odt_sgp4_gravity) and operation mode opsmode: 'i' (improved, [V2006] default:
 * 1982 GMST at epoch) or 'a' (AFSPC: their sidereal angle and node range).
 * The mean motion converts as in the reference, n [rad/min] = n [rev/day] /
 * (1440 / 2 pi), and is un-Kozai'd to Brouwer's ([STR3] sec. 6: a1, delta1, a0,
 * delta0). Deep space (period >= 225 min) adds the lunar-solar and resonance
 * terms ([STR3] sec. 10).
 * Returns an odt_sgp4_error:
 *   ODT_SGP4_ERR_ARGUMENT for an unknown gravity set or opsmode, and
 *   ODT_SGP4_ERR_MEAN_ECC / _MEAN_MOTION for e outside [0, 1) or n <= 0 at epoch
 *   (the reference would produce NaN); s is then zeroed, and propagating it
 *   returns ODT_SGP4_ERR_MEAN_MOTION.
 *   Otherwise s is complete and the return value is the status of the state at
 *   epoch, as the reference reports it after initialising (e.g. a perturbed
 *   eccentricity out of range at t = 0 gives ODT_SGP4_ERR_PERT_ECC); the record
 *   can still be propagated to other times.
 */
ODT_HD static inline int odt_sgp4_init(struct odt_sgp4 *s, const struct odt_elset *el, int gravity, char opsmode)
{
    double j3, j4;
    double n_kozai, cosio, cosio2, sinio, eccsq, omeosq, rteosq, ao, posq, rp, con42, epoch1950;
    double r[3], v[3];

    memset(s, 0, sizeof *s);
    if (opsmode != 'i' && opsmode != 'a')
        return ODT_SGP4_ERR_ARGUMENT;
    if (!odt_sgp4_gravity_constants(gravity, &s->radius_km, &s->xke, &s->j2, &j3, &j4))
        return ODT_SGP4_ERR_ARGUMENT;
    if (!(el->eccentricity >= 0.0 && el->eccentricity < 1.0) || !(el->mean_motion_rev_day > 0.0)) {
        const int code = (el->mean_motion_rev_day > 0.0) ? ODT_SGP4_ERR_MEAN_ECC : ODT_SGP4_ERR_MEAN_MOTION;
        memset(s, 0, sizeof *s);
        return code;
    }
    s->j3oj2 = j3 / s->j2;
    s->gravity = gravity;
    s->opsmode = opsmode;
    s->catalog_number = el->catalog_number;
    s->epoch_jd = el->epoch_jd;
    s->epoch_jd_frac = el->epoch_jd_frac;

    /* elements in rad and rad/min */
    n_kozai = el->mean_motion_rev_day / (1440.0 / (2.0 * ODT_PI));
    s->e0 = el->eccentricity;
    s->i0 = el->inclination_deg * ODT_DEG2RAD;
    s->raan0 = el->raan_deg * ODT_DEG2RAD;
    s->argp0 = el->arg_perigee_deg * ODT_DEG2RAD;
    s->m0 = el->mean_anomaly_deg * ODT_DEG2RAD;
    s->bstar = el->bstar;

    /* epoch quantities and the Brouwer mean motion ([STR3] sec. 6; [V2006] initl) */
    eccsq = s->e0 * s->e0;
    omeosq = 1.0 - eccsq;
    rteosq = sqrt(omeosq);
    cosio = cos(s->i0);
    cosio2 = cosio * cosio;
    {
        const double ak = pow(s->xke / n_kozai, ODT_SGP4_X2O3);
        const double d1 = 0.75 * s->j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq);
        double del = d1 / (ak * ak);
        const double adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
        del = d1 / (adel * adel);
        s->n0 = n_kozai / (1.0 + del);
    }
    ao = pow(s->xke / s->n0, ODT_SGP4_X2O3);
    sinio = sin(s->i0);
    /* kept for the propagator: the same expressions it evaluated at each time */
    s->ao = ao;
    s->sinio = sinio;
    s->cosio = cosio;
    {
        const double po = ao * omeosq;
        posq = po * po;
    }
    rp = ao * (1.0 - s->e0);
    con42 = 1.0 - 5.0 * cosio2;
    s->con41 = -con42 - cosio2 - cosio2;
    /* The theory's epoch: days since 1950 Jan 0.0 UTC, formed from jd + frac as the
       reference does. Its rounding (~3e-10 day) matters: the lunar-solar terms of
       23333 (WIND, apogee near the Moon) move by 4e-6 km with the exact value. */
    epoch1950 = (s->epoch_jd + s->epoch_jd_frac) - 2433281.5;
    if (opsmode == 'a')
        s->gmst0 = odt_sgp4_gmst_afspc(epoch1950);
    else
        s->gmst0 = odt_sgp4_gmst(epoch1950 + 2433281.5);

    /* drag and secular gravity coefficients ([STR3] sec. 6; [V2006] sgp4init) */
    {
        /* atmosphere density parameters: s = 78 km and q0 = 120 km above the surface,
           s lowered for perigees below 156 km ([STR3] sec. 6, s* and (q0 - s*)^4) */
        double sfour = 78.0 / s->radius_km + 1.0;
        double qzms24;
        const double qzms2ttemp = (120.0 - 78.0) / s->radius_km;
        const double perige = (rp - 1.0) * s->radius_km; /* perigee height, km */
        double pinvsq, tsi, etasq, eeta, psisq, coef, coef1, cc2, cc3, cosio4, temp1, temp2, temp3, xhdot1;
        double xpidot;
        qzms24 = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp;
        s->simple_drag = rp < (220.0 / s->radius_km + 1.0);
        if (perige < 156.0) {
            double qzms24temp;
            sfour = perige - 78.0;
            if (perige < 98.0)
                sfour = 20.0;
            qzms24temp = (120.0 - sfour) / s->radius_km;
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp;
            sfour = sfour / s->radius_km + 1.0;
        }
        pinvsq = 1.0 / posq;
        tsi = 1.0 / (ao - sfour); /* xi */
        s->eta = ao * s->e0 * tsi;
        etasq = s->eta * s->eta;
        eeta = s->e0 * s->eta;
        psisq = fabs(1.0 - etasq);
        coef = qzms24 * pow(tsi, 4.0);
        coef1 = coef / pow(psisq, 3.5);
        cc2 = coef1 * s->n0 *
              (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq)) +
               0.375 * s->j2 * tsi / psisq * s->con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)));
        s->c1 = s->bstar * cc2;
        cc3 = 0.0;
        if (s->e0 > 1.0e-4)
            cc3 = -2.0 * coef * tsi * s->j3oj2 * s->n0 * sinio / s->e0;
        s->x1mth2 = 1.0 - cosio2;
        s->c4 = 2.0 * s->n0 * coef1 * ao * omeosq *
                (s->eta * (2.0 + 0.5 * etasq) + s->e0 * (0.5 + 2.0 * etasq) -
                 s->j2 * tsi / (ao * psisq) *
                     (-3.0 * s->con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta)) +
                      0.75 * s->x1mth2 * (2.0 * etasq - eeta * (1.0 + etasq)) * cos(2.0 * s->argp0)));
        s->c5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq);
        cosio4 = cosio2 * cosio2;
        temp1 = 1.5 * s->j2 * pinvsq * s->n0;
        temp2 = 0.5 * temp1 * s->j2 * pinvsq;
        temp3 = -0.46875 * j4 * pinvsq * pinvsq * s->n0;
        s->mdot = s->n0 + 0.5 * temp1 * rteosq * s->con41 +
                  0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4);
        s->argpdot = -0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4) +
                     temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4);
        xhdot1 = -temp1 * cosio;
        s->raandot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio;
        xpidot = s->argpdot + s->raandot;
        s->omgcof = s->bstar * cc3 * cos(s->argp0);
        s->xmcof = 0.0;
        if (s->e0 > 1.0e-4)
            s->xmcof = -ODT_SGP4_X2O3 * coef * s->bstar / eeta;
        s->raancf = 3.5 * omeosq * xhdot1 * s->c1;
        s->t2cof = 1.5 * s->c1;
        /* [V2006]: guard the division at i = 180 deg */
        if (fabs(cosio + 1.0) > ODT_SGP4_TEMP4)
            s->xlcof = -0.25 * s->j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio);
        else
            s->xlcof = -0.25 * s->j3oj2 * sinio * (3.0 + 5.0 * cosio) / ODT_SGP4_TEMP4;
        s->aycof = -0.5 * s->j3oj2 * sinio;
        {
            const double delmotemp = 1.0 + s->eta * cos(s->m0);
            s->delmo = delmotemp * delmotemp * delmotemp;
        }
        s->sinmo = sin(s->m0);
        s->x7thm1 = 7.0 * cosio2 - 1.0;

        if (2.0 * ODT_PI / s->n0 >= ODT_SGP4_DEEP_PERIOD_MIN) {
            s->deep_space = 1;
            s->simple_drag = 1;
            odt_sgp4_deep_init(s, epoch1950 + 18261.5, xpidot);
        } else if (!s->simple_drag) {
            /* higher-order drag terms ([STR3] D2, D3, D4 and the L polynomial) */
            const double cc1sq = s->c1 * s->c1;
            double temp;
            s->d2 = 4.0 * ao * tsi * cc1sq;
            temp = s->d2 * tsi * s->c1 / 3.0;
            s->d3 = (17.0 * ao + sfour) * temp;
            s->d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * s->c1;
            s->t3cof = s->d2 + 2.0 * cc1sq;
            s->t4cof = 0.25 * (3.0 * s->d3 + s->c1 * (12.0 * s->d2 + 10.0 * cc1sq));
            s->t5cof = 0.2 * (3.0 * s->d4 + 12.0 * s->c1 * s->d3 + 6.0 * s->d2 * s->d2 +
                              15.0 * cc1sq * (2.0 * s->d2 + cc1sq));
        }
    }
    /* the reference ends initialisation with the state at epoch and reports its status */
    return odt_sgp4_propagate(s, NULL, 0.0, r, v);
}

#endif /* ODT_SGP4_H */
