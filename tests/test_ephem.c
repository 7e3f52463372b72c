/*
 * test_ephem.c: the host's time scales, Sun and Earth rotation (host/ephem.c,
 * from ERFA) against independently published values.
 *
 * References:
 *   - Perihelion/aphelion 2026: USNO Astronomical Applications "Earth's Seasons
 *     and Apsides" (perihelion 2026-01-03 17:16 UTC at 0.983 309 au, aphelion
 *     2026-07-06 17:31 UTC at 1.016 644 au).
 *   - Solstice and equinox 2026: same USNO table (March equinox 2026-03-20 14:46
 *     UTC, June solstice 2026-06-21 08:24 UTC); the obliquity of the ecliptic
 *     in 2026 is 23.436 deg (IAU 2006: 84381.406" - 46.8369" T).
 *   - Earth rotation angle: IERS Conventions (2010) eq. 5.15,
 *     ERA = 2 pi (0.7790572732640 + 1.00273781191135448 Tu), Tu = JD(UT1) - 2451545.0,
 *     i.e. 280.46061837504 deg at 2000-01-01 12:00 UT1 and 360.98561228 deg per UT1 day.
 *   - TT - UTC = 32.184 s + (TAI - UTC); TAI - UTC = 32 s in 2000, 37 s since
 *     2017-01-01 (IERS Bulletin C).
 *
 * Frame note: odt_step_input_at gives the Sun in GCRS axes (J2000 equator).
 * Solstices and equinoxes are defined on the true equator of date, so the
 * declination tests rotate the vector to that frame with the IAU 2006/2000A
 * bias-precession-nutation matrix (eraPnm06a); 26 years of precession move
 * the equinox 0.36 deg along the ecliptic, which is 0.14 deg of declination at
 * the March equinox in GCRS axes, far more than the tolerance.
 */
#include <criterion/criterion.h>
#include <erfa.h>
#include <math.h>
#include <string.h>

#include "host/ephem.h"

static struct odt_epoch epoch(const char *text)
{
    struct odt_epoch ep;
    char err[256] = "";
    enum odt_status st = odt_epoch_parse(text, &ep, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "epoch '%s' refused: %s", text, err);
    return ep;
}

static struct odt_step_input at(const char *text, double t_s)
{
    struct odt_epoch ep = epoch(text);
    struct odt_step_input in;
    odt_step_input_at(&ep, t_s, 0.0, &in);
    return in;
}

/* Sun distance in au at epoch text + t_s. */
static double sun_au(const char *text, double t_s) { return at(text, t_s).sun_dist_km / ODT_AU_KM; }

/* Declination (deg) of the Sun on the true equator of date at epoch text + t_s. */
static double sun_dec_of_date_deg(const char *text, double t_s)
{
    struct odt_epoch ep = epoch(text);
    struct odt_step_input in;
    odt_step_input_at(&ep, t_s, 0.0, &in);
    double rbpn[3][3], s[3];
    eraPnm06a(ep.tt1, ep.tt2 + t_s / 86400.0, rbpn);
    eraRxp(rbpn, in.sun_unit, s);
    return asin(s[2]) * ODT_RAD2DEG;
}

static double sun_dec_gcrs_deg(const char *text) { return asin(at(text, 0.0).sun_unit[2]) * ODT_RAD2DEG; }

/* ------------------------------------------------------------------ Sun distance */

Test(ephem, sun_distance_at_perihelion)
{
    const char *t = "2026-01-03T17:16:00Z";
    const double d = sun_au(t, 0.0);
    cr_assert_float_eq(d, 0.983309, 1e-3, "perihelion distance %.6f au", d);
    /* and it is the minimum: five days either side the Earth is farther */
    cr_assert_gt(sun_au(t, -5.0 * 86400.0), d);
    cr_assert_gt(sun_au(t, 5.0 * 86400.0), d);
}

Test(ephem, sun_distance_at_aphelion)
{
    const char *t = "2026-07-06T17:31:00Z";
    const double d = sun_au(t, 0.0);
    cr_assert_float_eq(d, 1.016644, 1e-3, "aphelion distance %.6f au", d);
    cr_assert_lt(sun_au(t, -5.0 * 86400.0), d);
    cr_assert_lt(sun_au(t, 5.0 * 86400.0), d);
}

Test(ephem, sun_vector_is_a_unit_vector)
{
    for (int day = 0; day < 365; day += 30) {
        struct odt_step_input in = at("2026-01-01T00:00:00Z", day * 86400.0);
        const double m = sqrt(in.sun_unit[0] * in.sun_unit[0] + in.sun_unit[1] * in.sun_unit[1] +
                              in.sun_unit[2] * in.sun_unit[2]);
        cr_assert_float_eq(m, 1.0, 1e-14, "day %d: |sun_unit| = %.17g", day, m);
    }
}

/* ------------------------------------------------------------------ solstice and equinox */

Test(ephem, sun_declination_at_june_solstice)
{
    const char *t = "2026-06-21T08:24:00Z";
    const double dec = sun_dec_of_date_deg(t, 0.0);
    cr_assert_float_eq(dec, 23.44, 0.01, "declination at the solstice %.5f deg", dec);
    /* the maximum of the year: a day either side it is lower */
    cr_assert_lt(sun_dec_of_date_deg(t, -86400.0), dec);
    cr_assert_lt(sun_dec_of_date_deg(t, 86400.0), dec);
    /* at 6 h of right ascension precession barely moves declination: GCRS agrees too */
    cr_assert_float_eq(sun_dec_gcrs_deg(t), 23.44, 0.01);
}

Test(ephem, sun_declination_at_march_equinox)
{
    const char *t = "2026-03-20T14:46:00Z";
    const double dec = sun_dec_of_date_deg(t, 0.0);
    cr_assert_float_eq(dec, 0.0, 0.02, "declination at the equinox %.5f deg", dec);
    cr_assert_lt(sun_dec_of_date_deg(t, -86400.0), -0.3, "a day before, the Sun is south of the equator");
    cr_assert_gt(sun_dec_of_date_deg(t, 86400.0), 0.3, "a day after, north");
    /* the vector is in GCRS axes (J2000 equator), not of date: there the Sun still
     * sits 26 yr x 50.3"/yr x sin(23.44 deg) = 0.145 deg south at the equinox */
    const double g = sun_dec_gcrs_deg(t);
    cr_assert_float_eq(g, -0.145, 0.01, "GCRS declination at the equinox %.5f deg", g);
}

/* ------------------------------------------------------------------ Earth rotation angle */

Test(ephem, earth_rotation_angle_at_j2000_ut1)
{
    /* 2000-01-01 12:00 UTC = 12:00 UT1 - DUT1 (+0.355 s then: 0.0015 deg) */
    const double era = at("2000-01-01T12:00:00Z", 0.0).era_rad * ODT_RAD2DEG;
    cr_assert_float_eq(era, 280.46061837504, 0.01, "ERA %.8f deg", era);
}

Test(ephem, earth_rotation_angle_at_j2000_tt)
{
    /*
     * J2000.0 = 2000-01-01 12:00:00 TT = 11:58:55.816 UTC. The Earth has not yet
     * turned to 280.46 deg then: ERA is a function of UT1, which is 64.184 s
     * behind TT in 2000 (UT1 = UTC here), so ERA = 280.46062 - 64.184 s x
     * 360.98561 deg/day = 280.19249 deg. (A sign error in the TT -> UT1
     * conversion would give 280.729 deg.)
     */
    const double era = at("2000-01-01T11:58:55.816Z", 0.0).era_rad * ODT_RAD2DEG;
    const double expect = 280.46061837504 - 64.184 * 360.98561228 / 86400.0;
    cr_assert_float_eq(era, expect, 0.01, "ERA %.8f deg, expected %.8f", era, expect);
}

Test(ephem, earth_rotation_angle_rate)
{
    /* one day later the Earth has turned 360.98561228 deg: 0.98561228 deg beyond a full turn */
    struct odt_epoch ep = epoch("2026-06-21T00:00:00Z");
    struct odt_step_input a, b;
    for (int d = 1; d <= 100; d *= 10) {
        odt_step_input_at(&ep, 0.0, 0.0, &a);
        odt_step_input_at(&ep, d * 86400.0, 0.0, &b);
        double dq = remainder((b.era_rad - a.era_rad) * ODT_RAD2DEG - d * 360.98561228, 360.0);
        cr_assert_float_eq(dq, 0.0, 1e-6, "after %d days ERA is off by %.3g deg", d, dq);
    }
    /* and within a step: 10 s turn 0.04178 deg */
    odt_step_input_at(&ep, 1000.0, 0.0, &a);
    odt_step_input_at(&ep, 1010.0, 0.0, &b);
    cr_assert_float_eq((b.era_rad - a.era_rad) * ODT_RAD2DEG, 10.0 * 360.98561228 / 86400.0, 1e-9);
}

/* ------------------------------------------------------------------ epochs and time scales */

Test(ephem, tt_minus_utc)
{
    cr_assert_float_eq(epoch("2026-06-21T00:00:00Z").tt_utc_s, 69.184, 1e-6, "37 leap seconds + 32.184 s");
    cr_assert_float_eq(epoch("2000-01-01T12:00:00Z").tt_utc_s, 64.184, 1e-6, "32 leap seconds + 32.184 s");
    /* the last leap second was inserted at the end of 2016 */
    cr_assert_float_eq(epoch("2016-12-30T12:00:00Z").tt_utc_s, 68.184, 1e-6);
    cr_assert_float_eq(epoch("2017-01-01T00:00:00Z").tt_utc_s, 69.184, 1e-6);
}

Test(ephem, tt_minus_utc_on_a_leap_second_day)
{
    /*
     * On 2016-12-31 (86401 s long) TAI - UTC stays 36 s until 23:59:60. ERFA's
     * UTC quasi-JD spreads that day's extra second over the day, so TT - UTC
     * must not be taken as a difference of quasi-JDs: it is 32.184 s + eraDat.
     */
    cr_assert_float_eq(epoch("2016-12-31T00:00:00Z").tt_utc_s, 68.184, 1e-6);
    const double noon = epoch("2016-12-31T12:00:00Z").tt_utc_s;
    cr_assert_float_eq(noon, 68.184, 1e-6, "TT - UTC at noon of the leap-second day: %.6f s", noon);
    const double late = epoch("2016-12-31T23:59:59Z").tt_utc_s;
    cr_assert_float_eq(late, 68.184, 1e-6, "TT - UTC a second before the leap second: %.6f s", late);
}

Test(ephem, epoch_tt_julian_date)
{
    /* 2026-06-21 00:00:00 UTC = JD 2461212.5 UTC; + 69.184 s in TT */
    struct odt_epoch ep = epoch("2026-06-21T00:00:00Z");
    const double jd_tt = ep.tt1 + ep.tt2;
    cr_assert_float_eq(jd_tt, 2461212.5 + 69.184 / 86400.0, 1e-9);
    cr_assert_eq(ep.tt1, floor(ep.tt1), "the large part of the TT date is a whole day");
}

Test(ephem, epoch_forms_accepted)
{
    struct odt_epoch ep = epoch("2026-06-21T08:24:30.250Z");
    cr_assert_eq(ep.year, 2026);
    cr_assert_eq(ep.month, 6);
    cr_assert_eq(ep.day, 21);
    cr_assert_eq(ep.hour, 8);
    cr_assert_eq(ep.minute, 24);
    cr_assert_float_eq(ep.second, 30.25, 1e-12);
    cr_assert_str_eq(ep.iso, "2026-06-21T08:24:30.250Z");
    cr_assert_str_eq(epoch("2026-06-21 08:24:30").iso, "2026-06-21T08:24:30.000Z", "space instead of T, no Z");
    cr_assert_str_eq(epoch("2026-06-21").iso, "2026-06-21T00:00:00.000Z", "a date alone is midnight");
}

Test(ephem, utc_string_after_epoch)
{
    struct odt_epoch ep = epoch("2026-06-21T23:59:00Z");
    char buf[64];
    odt_epoch_utc_string(&ep, 60.5, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-06-22T00:00:00.500Z");
    odt_epoch_utc_string(&ep, 86400.0 * 10, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-07-01T23:59:00.000Z");
}

static void expect_bad_epoch(const char *text, const char *problem)
{
    struct odt_epoch ep;
    char err[256] = "";
    enum odt_status st = odt_epoch_parse(text, &ep, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "epoch '%s' accepted (status %d)", text, st);
    cr_assert_not_null(strstr(err, text), "message does not quote the text: %s", err);
    cr_assert_not_null(strstr(err, problem), "message lacks '%s': %s", problem, err);
}

Test(ephem, epoch_parse_errors)
{
    expect_bad_epoch("2026-13-01T00:00:00Z", "not a valid UTC date");    /* bad month */
    expect_bad_epoch("2026-00-10T00:00:00Z", "not a valid UTC date");
    expect_bad_epoch("2026-02-30T00:00:00Z", "not a valid UTC date");    /* bad day */
    expect_bad_epoch("2026-06-21T24:30:00Z", "not a valid UTC date");    /* bad hour */
    expect_bad_epoch("2026-06-21T00:00:00Zjunk", "unexpected text 'junk'");
    expect_bad_epoch("2026-06-21T00:00:00+02:00", "unexpected text '+02:00'");
    expect_bad_epoch("2026-06-21X00:00:00", "time of day");
    expect_bad_epoch("2026-06-21T00:00", "time of day");
    expect_bad_epoch("1900-01-01T00:00:00Z", "year 1900 outside");
    expect_bad_epoch("2300-01-01T00:00:00Z", "year 2300 outside");
    expect_bad_epoch("June 21, 2026", "not an ISO 8601 date-time");
    expect_bad_epoch("", "not an ISO 8601 date-time");
}
