/*
 * elements.h: a mean element set as carried by a TLE or a CCSDS OMM
 * (SGP4/SDP4 theory). Both catalogue readers produce this record and the
 * SGP4 initialiser consumes it, so a TLE and the same object as OMM give the
 * same states.
 */
#ifndef ODT_ELEMENTS_H
#define ODT_ELEMENTS_H

#include "odt_defs.h"

ODT_EXTERN_C_BEGIN

#define ODT_ELSET_NAME_LEN 64

struct odt_elset {
    char name[ODT_ELSET_NAME_LEN];   /* object name (TLE line 0 or OMM OBJECT_NAME), may be empty */
    char intl_designator[16];        /* international designator, e.g. "98067A" or "1998-067A" */
    long catalog_number;             /* NORAD catalogue number (Alpha-5 decoded: A0000 = 100000) */
    char classification;             /* 'U', 'C' or 'S' */
    int element_set_number;          /* element set number */
    long rev_at_epoch;               /* revolution number at epoch */
    double epoch_jd;                 /* epoch, UTC Julian date, integer part + 0.5 convention (jd) */
    double epoch_jd_frac;            /* epoch, UTC Julian date, fractional part: epoch = jd + jd_frac */
    double mean_motion_rev_day;      /* Kozai mean motion (as in the TLE), rev/day */
    double eccentricity;             /* mean eccentricity, 0..1 */
    double inclination_deg;          /* mean inclination, deg */
    double raan_deg;                 /* right ascension of the ascending node, deg (TEME) */
    double arg_perigee_deg;          /* argument of perigee, deg */
    double mean_anomaly_deg;         /* mean anomaly, deg */
    double bstar;                    /* drag term B*, 1/earth radii */
    double ndot_rev_day2;            /* first derivative of mean motion / 2, rev/day^2 (TLE field) */
    double nddot_rev_day3;           /* second derivative of mean motion / 6, rev/day^3 (TLE field) */
};

ODT_EXTERN_C_END

#endif /* ODT_ELEMENTS_H */
