/*
 * test_export.c: the record times and the geodetic conversion of
 * `odtwin export` (host/geodetic.c) against independent values.
 *
 * References:
 *   - WGS-84: a = 6378.137 km, 1/f = 298.257223563 (NIMA TR8350.2, 3rd ed.),
 *     so b = a (1 - f) = 6356.752314245 km.
 *   - ERFA/SOFA's own test of eraGc2gd (t_erfa_c.c): (2e6, 3e6, 5.244e6) m on
 *     WGS-84 gives longitude 0.9827937232473290680 rad, latitude
 *     0.97160184819075459 rad, height 331.4172461426059892 m.
 *   - Precession: the CIP of 2026 lies theta_A = 2004.191903" T - ... from the
 *     GCRS pole (IAU 2006, Capitaine et al. 2003, A&A 412, 567, eq. 39; T in
 *     Julian centuries of TT since J2000), 0.146 deg at 2026-03-20: a rotation
 *     by the Earth rotation angle alone would put the GCRS pole at latitude 90.
 *   - June solstice 2026-06-21 08:24 UTC (USNO "Earth's Seasons and Apsides"):
 *     the Sun's true declination is the obliquity, 23.436 deg (IAU 2006); the
 *     equation of time that day is -1.7 min (the Sun crosses Greenwich at
 *     12:01.7 UTC), so the sub-solar longitude is 15 deg/h x (12 h + 1.7 min -
 *     8 h 24 min) = 54.4 deg east.
 *   - Leap second: 2016-12-31T23:59:60 UTC was inserted (IERS Bulletin C 52).
 */
#include <criterion/criterion.h>
#include <erfa.h>
#include <erfam.h>
#include <math.h>
#include <string.h>

#include "host/ephem.h"
#include "host/geodetic.h"

static struct odt_epoch epoch(const char *text)
{
    struct odt_epoch ep;
    char err[256] = "";
    cr_assert_eq(odt_epoch_parse(text, &ep, err, sizeof err), ODT_OK, "epoch '%s' refused: %s", text, err);
    return ep;
}

static void iso_at(const struct odt_epoch *ep, double t, int ndp, char *buf, size_t len)
{
    struct odt_record_time rt;
    cr_assert_eq(odt_record_time_at(ep, t, &rt), ODT_OK);
    cr_assert_eq(odt_record_time_iso(&rt, ndp, buf, len), 0);
}

Test(record_time, plain_offset)
{
    const struct odt_epoch ep = epoch("2026-03-20T12:00:00Z");
    char buf[64];
    iso_at(&ep, 3600.0, 6, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-20T13:00:00.000000");
    iso_at(&ep, 86400.0 + 0.25, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-21T12:00:00.250");
    iso_at(&ep, 0.0, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "2026-03-20T12:00:00");
}

/* seconds are TT (uniform): a leap second inside the run is a second of its own */
Test(record_time, leap_second)
{
    const struct odt_epoch ep = epoch("2016-12-31T23:59:59Z");
    char buf[64];
    iso_at(&ep, 1.0, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "2016-12-31T23:59:60.000");
    iso_at(&ep, 2.0, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "2017-01-01T00:00:00.000");
    iso_at(&ep, 11.5, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "2017-01-01T00:00:09.500");
}

Test(record_time, short_buffer_and_bad_time)
{
    const struct odt_epoch ep = epoch("2026-03-20T12:00:00Z");
    struct odt_record_time rt;
    cr_assert_eq(odt_record_time_at(&ep, 0.0, &rt), ODT_OK);
    char buf[8];
    cr_assert_eq(odt_record_time_iso(&rt, 3, buf, sizeof buf), -1);
    cr_assert_str_eq(buf, "");
    cr_assert_neq(odt_record_time_at(&ep, NAN, &rt), ODT_OK);
}

#define A_KM 6378.137
#define B_KM 6356.752314245

Test(geodetic, equator_and_poles)
{
    double lat, lon, alt;
    const double eq[3] = {A_KM + 650.0, 0.0, 0.0};
    cr_assert_eq(odt_itrs_to_geodetic(eq, &lat, &lon, &alt), ODT_OK);
    cr_assert_float_eq(lat, 0.0, 1e-12);
    cr_assert_float_eq(lon, 0.0, 1e-12);
    cr_assert_float_eq(alt, 650.0, 1e-9); /* km: 1 um */
    const double e90[3] = {0.0, A_KM, 0.0};
    cr_assert_eq(odt_itrs_to_geodetic(e90, &lat, &lon, &alt), ODT_OK);
    cr_assert_float_eq(lon, ODT_PI / 2.0, 1e-12);
    cr_assert_float_eq(alt, 0.0, 1e-9);
    const double north[3] = {0.0, 0.0, B_KM + 500.0};
    cr_assert_eq(odt_itrs_to_geodetic(north, &lat, &lon, &alt), ODT_OK);
    cr_assert_float_eq(lat, ODT_PI / 2.0, 1e-12);
    cr_assert_float_eq(alt, 500.0, 1e-6);
    const double south[3] = {0.0, 0.0, -B_KM};
    cr_assert_eq(odt_itrs_to_geodetic(south, &lat, &lon, &alt), ODT_OK);
    cr_assert_float_eq(lat, -ODT_PI / 2.0, 1e-12);
    cr_assert_float_eq(alt, 0.0, 1e-6);
}

Test(geodetic, erfa_reference_values)
{
    const double r_km[3] = {2e3, 3e3, 5.244e3};
    double lat, lon, alt;
    cr_assert_eq(odt_itrs_to_geodetic(r_km, &lat, &lon, &alt), ODT_OK);
    cr_assert_float_eq(lon, 0.9827937232473290680, 1e-14);
    cr_assert_float_eq(lat, 0.97160184819075459, 1e-14);
    cr_assert_float_eq(alt, 331.4172461426059892e-3, 1e-11); /* km: 1e-8 m */
}

/* eraGd2gc (geodetic -> Earth-fixed) and back, over the globe and LEO to GEO heights */
Test(geodetic, round_trip)
{
    for (int ila = -90; ila <= 90; ila += 15)
        for (int ilo = -180; ilo < 180; ilo += 30)
            for (int ih = 0; ih < 3; ++ih) {
                const double h_km = ih == 0 ? 0.0 : ih == 1 ? 650.0 : 35786.0;
                double xyz_m[3];
                cr_assert_eq(eraGd2gc(ERFA_WGS84, ilo * ODT_DEG2RAD, ila * ODT_DEG2RAD, h_km * 1e3, xyz_m), 0);
                const double r_km[3] = {xyz_m[0] * 1e-3, xyz_m[1] * 1e-3, xyz_m[2] * 1e-3};
                double lat, lon, alt;
                cr_assert_eq(odt_itrs_to_geodetic(r_km, &lat, &lon, &alt), ODT_OK);
                cr_assert_float_eq(lat, ila * ODT_DEG2RAD, 1e-10, /* rad: 0.6 mm on the ground */ "lat %d lon %d h %g", ila, ilo, h_km);
                cr_assert_float_eq(alt, h_km, 1e-8, "lat %d lon %d h %g", ila, ilo, h_km);
                if (abs(ila) != 90) /* longitude is undefined at the poles */
                    cr_assert_float_eq(remainder(lon - ilo * ODT_DEG2RAD, 2.0 * ODT_PI), 0.0, 1e-10,
                                       "lat %d lon %d h %g", ila, ilo, h_km);
            }
}

Test(geodetic, refuses_non_finite)
{
    const double r[3] = {NAN, 0.0, 7000.0};
    double lat, lon, alt;
    cr_assert_eq(odt_itrs_to_geodetic(r, &lat, &lon, &alt), ODT_ERR_VALUE);
    cr_assert(isnan(lat) && isnan(lon) && isnan(alt));
}

/* the GCRS pole seen from the Earth-fixed frame: off the CIP by the precession since J2000 */
Test(geodetic, gcrs_pole_precession)
{
    const struct odt_epoch ep = epoch("2026-03-20T12:00:00Z");
    struct odt_record_time rt;
    cr_assert_eq(odt_record_time_at(&ep, 0.0, &rt), ODT_OK);
    double m[3][3];
    odt_gcrs_to_itrs_matrix(&rt, m);
    const double T = ((rt.tt1 - 2451545.0) + rt.tt2) / 36525.0;
    const double theta_deg = (2004.191903 * T - 0.4294934 * T * T) / 3600.0;
    const double pole[3] = {0.0, 0.0, 1e6}; /* far out: geodetic = geocentric latitude to 1e-6 deg */
    double lat, lon, alt;
    cr_assert_eq(odt_gcrs_to_geodetic((const double(*)[3])m, pole, &lat, &lon, &alt), ODT_OK);
    /* nutation moves the CIP by < 20 arcsec = 0.006 deg */
    cr_assert_float_eq(90.0 - lat * ODT_RAD2DEG, theta_deg, 0.006, "colatitude %.5f deg, theta_A %.5f deg",
                       90.0 - lat * ODT_RAD2DEG, theta_deg);
    cr_assert_gt(90.0 - lat * ODT_RAD2DEG, 0.1, "an Earth-rotation-only rotation would leave the pole at 90 deg");
}

/* the Sun at the June solstice: sub-solar latitude = obliquity, longitude from the equation of time */
Test(geodetic, subsolar_point_at_solstice)
{
    const struct odt_epoch ep = epoch("2026-06-21T08:24:00Z");
    struct odt_step_input in;
    odt_step_input_at(&ep, 0.0, 0.0, &in);
    struct odt_record_time rt;
    cr_assert_eq(odt_record_time_at(&ep, 0.0, &rt), ODT_OK);
    double m[3][3];
    odt_gcrs_to_itrs_matrix(&rt, m);
    const double far = 1e6; /* km along the Sun direction: geodetic ~ geocentric there */
    const double r[3] = {in.sun_unit[0] * far, in.sun_unit[1] * far, in.sun_unit[2] * far};
    double lat, lon, alt;
    cr_assert_eq(odt_gcrs_to_geodetic((const double(*)[3])m, r, &lat, &lon, &alt), ODT_OK);
    /* geometric Sun (no aberration, 20 arcsec): 0.01 deg */
    cr_assert_float_eq(lat * ODT_RAD2DEG, 23.436, 0.01, "sub-solar latitude %.4f deg", lat * ODT_RAD2DEG);
    /* the equation of time read from a table to 0.1 min, the solstice time to 1 min: 0.3 deg */
    cr_assert_float_eq(lon * ODT_RAD2DEG, 54.4, 0.3, "sub-solar longitude %.4f deg", lon * ODT_RAD2DEG);
}
