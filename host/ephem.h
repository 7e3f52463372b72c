/*
 * ephem.h: time scales, the Sun and Earth rotation on the host, from ERFA.
 *
 * The scenario epoch is given in UTC. Times inside a run are seconds since
 * that epoch, counted in TT (uniform), so a leap second inside a run does not
 * shift Kepler+J2 orbits (SGP4 satellites, whose element epochs are UTC, run 1 s
 * ahead after one); UT1 is taken as UTC at the epoch (|DUT1| < 0.9 s, i.e. under
 * 0.004 deg of Earth rotation).
 *
 * Frame: GCRS axes (ICRS orientation). The geocentric Sun is the negated
 * heliocentric Earth position of eraEpv00 (accuracy ~ a few 1e-6 au), without
 * light-time or aberration (20 arcsec, irrelevant to shadows and power).
 */
#ifndef ODT_EPHEM_H
#define ODT_EPHEM_H

#include "orbit/odt_defs.h"
#include "kernels/fleet.h"

struct odt_epoch {
    int year, month, day, hour, minute;
    double second;
    double utc1, utc2;   /* UTC as an ERFA two-part quasi Julian date */
    double tt1, tt2;     /* TT two-part Julian date at the epoch */
    double tt_utc_s;     /* TT - UTC at the epoch, s */
    char iso[40];        /* canonical ISO 8601 text, e.g. 2026-06-21T00:00:00.000Z */
};

/*
 * odt_epoch_parse: parse "YYYY-MM-DDTHH:MM:SS[.fff][Z]" (also a space instead
 * of T, and a date alone) as UTC. Returns ODT_ERR_VALUE with a reason in err.
 */
enum odt_status odt_epoch_parse(const char *text, struct odt_epoch *ep, char *err, size_t errlen);

/*
 * odt_step_input_at: fill the inputs of a step ending t_s seconds (TT) after
 * the epoch with length dt_s: Sun unit vector and distance, Earth rotation
 * angle, and the TEME -> GCRS rotation for SGP4 states.
 */
void odt_step_input_at(const struct odt_epoch *ep, double t_s, double dt_s, struct odt_step_input *out);

/*
 * odt_step_inputs_fill: the inputs of k consecutive steps of length dt_s, the
 * first ending at t0_s + dt_s. The Sun is computed exactly at the batch's two
 * ends and interpolated linearly (direction renormalised, distance linear) in
 * between: the Sun moves ~1 deg/day, so over a batch of an hour the direction
 * errs by at most theta^2/8 ~ 7e-8 rad (a shadow-boundary time error below
 * 1e-4 s). The celestial-to-intermediate matrix (precession-nutation, a few
 * mas per hour) is computed once at the batch's middle. The Earth rotation
 * angle and GMST are exact per step.
 */
void odt_step_inputs_fill(const struct odt_epoch *ep, double t0_s, double dt_s, int k, struct odt_step_input *out);

/*
 * odt_teme_to_gcrs: the rotation M with r_GCRS = M r_TEME at TT two-part date
 * (tt1, tt2), given the celestial-to-intermediate matrix rc2i at (about) that
 * date: M = RC2I^T R3(GMST82 - ERA). TEME's x axis is where the 1982 GMST
 * places it from the Earth-fixed x axis; the CIO-based chain (IAU 2006/2000A)
 * places the Earth-fixed frame in GCRS. Polar motion cancels (both sides use
 * the same Earth-fixed frame) and a UT1 error shifts GMST and ERA alike.
 */
void odt_teme_to_gcrs(double tt1, double tt2, double tt_utc_s, const double rc2i[3][3], double m[3][3]);

/* odt_epoch_utc_string: UTC calendar text of epoch + t_s seconds (ISO 8601, ms). */
void odt_epoch_utc_string(const struct odt_epoch *ep, double t_s, char *buf, size_t len);

#endif /* ODT_EPHEM_H */
