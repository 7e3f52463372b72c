/*
 * geodetic.h: the time of a snapshot record in TT, UTC and UT1, and the
 * WGS-84 geodetic latitude, longitude and altitude of a GCRS position.
 *
 * Times in a snapshot are seconds counted uniformly (TT) from the UTC epoch
 * (docs/snapshot.md). The UTC of a record is therefore epoch UTC -> TT, plus
 * t, TT -> UTC (ERFA's leap-second table), not epoch UTC + t: after a leap
 * second inside the run the two differ by 1 s.
 *
 * GCRS -> ITRS: the full IAU 2006/2000A celestial-to-terrestrial matrix of
 * ERFA (eraC2t06a: bias, precession, nutation, Earth rotation angle), with
 * UT1 = UTC (DUT1 < 0.9 s, i.e. < 0.42 km along the equator at 650 km
 * altitude) and no polar motion (< 0.5 arcsec, ~ 17 m). Rotating by the Earth
 * rotation angle alone would ignore precession since J2000 (0.36 deg in 2026,
 * ~ 40 km on the ground).
 *
 * References: IERS Conventions (2010), ch. 5 (the CIO-based transformation);
 * NIMA TR8350.2, 3rd ed. (WGS-84 ellipsoid); ERFA/SOFA documentation of
 * eraC2t06a, eraGc2gd, eraTttai, eraTaiutc.
 */
#ifndef ODT_GEODETIC_H
#define ODT_GEODETIC_H

#include <stddef.h>

#include "host/ephem.h"
#include "orbit/odt_defs.h"

/* The time of a record in the three scales, each as an ERFA two-part date. */
struct odt_record_time {
    double tt1, tt2;   /* TT, Julian date */
    double utc1, utc2; /* UTC, ERFA quasi Julian date (as eraDtf2d gives it) */
    double ut11, ut12; /* UT1 Julian date, UT1 = UTC (DUT1 = 0) */
};

/*
 * odt_record_time_at: the record t_s seconds (TT, uniform) after the UTC
 * epoch ep. Returns ODT_OK, or ODT_ERR_VALUE when the date is outside ERFA's
 * range (t_s not finite, or a year before 1960 / far in the future).
 */
enum odt_status odt_record_time_at(const struct odt_epoch *ep, double t_s, struct odt_record_time *out);

/*
 * odt_record_time_iso: the UTC of rt as "YYYY-MM-DDTHH:MM:SS.fff..." with ndp
 * (0..9) decimals of the second and no zone letter (the CCSDS form; add 'Z'
 * for ISO 8601 UTC). A leap second reads 23:59:60. Returns 0, or -1 (bad
 * date, or buf too short: then buf holds "").
 */
int odt_record_time_iso(const struct odt_record_time *rt, int ndp, char *buf, size_t len);

/*
 * odt_gcrs_to_itrs_matrix: the rotation m with r_ITRS = m r_GCRS at rt:
 * eraC2t06a(TT, UT1, xp = yp = 0). Costs ~ 0.1 ms (the IAU 2000A nutation
 * series): compute it once per record and apply it to every satellite.
 */
void odt_gcrs_to_itrs_matrix(const struct odt_record_time *rt, double m[3][3]);

/*
 * odt_itrs_to_geodetic: WGS-84 geodetic latitude and longitude (rad; latitude
 * -pi/2..pi/2, longitude -pi..pi, east positive) and height above the
 * ellipsoid (km) of the Earth-fixed position r_itrs_km (km). eraGc2gd with
 * ERFA_WGS84. Returns ODT_OK, or ODT_ERR_VALUE (a coordinate not finite,
 * or ERFA's failure, e.g. at the geocentre: outputs NaN).
 */
enum odt_status odt_itrs_to_geodetic(const double r_itrs_km[3], double *lat_rad, double *lon_rad, double *alt_km);

/*
 * odt_gcrs_to_geodetic: odt_itrs_to_geodetic of m r_gcrs_km, with m from
 * odt_gcrs_to_itrs_matrix at the position's time.
 */
enum odt_status odt_gcrs_to_geodetic(const double m[3][3], const double r_gcrs_km[3], double *lat_rad,
                                     double *lon_rad, double *alt_km);

#endif /* ODT_GEODETIC_H */
