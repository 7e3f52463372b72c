/*
 * test_tle.c: the TLE line parser (orbit/tle.c): field values, implied-decimal
 * fields, epoch year pivot, Alpha-5 catalogue numbers, the name line, and each
 * kind of malformed input with a message that names the line and the problem.
 */
#include <criterion/criterion.h>
#include <erfa.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "orbit/tle.h"

/* Case 00005 of the SGP4 verification set (Vanguard 1), checksums valid. */
static const char L1[] = "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753";
static const char L2[] = "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667";

/* Copy line (unless it is buf), overwrite `text` at 1-based column col, fix the checksum. */
static void edited(char *buf, const char *line, int col, const char *text)
{
    if (buf != line)
        strcpy(buf, line);
    memcpy(buf + col - 1, text, strlen(text));
    buf[68] = (char)('0' + odt_tle_checksum(buf));
}

/* Parse and expect failure with a message containing both needles. */
static void expect_error(const char *l0, const char *l1, const char *l2, const char *needle1, const char *needle2)
{
    struct odt_elset el, untouched;
    char err[256] = "";
    memset(&el, 0x5a, sizeof el);
    memset(&untouched, 0x5a, sizeof untouched);
    cr_assert_eq(odt_tle_parse(l0, l1, l2, &el, err, sizeof err), ODT_ERR_PARSE, "should fail: %s / %s", l1, l2);
    cr_assert_not_null(strstr(err, needle1), "message \"%s\" lacks \"%s\"", err, needle1);
    cr_assert_not_null(strstr(err, needle2), "message \"%s\" lacks \"%s\"", err, needle2);
    cr_assert(memcmp(&el, &untouched, sizeof el) == 0, "output must be untouched on failure");
}

Test(tle, parses_every_field)
{
    struct odt_elset el;
    char err[256];
    cr_assert_eq(odt_tle_parse(NULL, L1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_str_eq(el.name, "");
    cr_assert_eq(el.catalog_number, 5);
    cr_assert_eq(el.classification, 'U');
    cr_assert_str_eq(el.intl_designator, "58002B");
    /* 2000 day 179.78495062: 2000-06-27 18:50:19.73 UTC */
    cr_assert_eq(el.epoch_jd, 2451722.5);
    cr_assert_eq(el.epoch_jd_frac, 0.78495062, "the fraction of day is read from its own digits");
    cr_assert_eq(el.ndot_rev_day2, 0.00000023); /* correctly rounded: equal to the literal */
    cr_assert_eq(el.nddot_rev_day3, 0.0);
    cr_assert_eq(el.bstar, 0.28098e-4);
    cr_assert_eq(el.element_set_number, 475);
    cr_assert_eq(el.inclination_deg, 34.2682);
    cr_assert_eq(el.raan_deg, 348.7242);
    cr_assert_eq(el.eccentricity, 0.1859667);
    cr_assert_eq(el.arg_perigee_deg, 331.7664);
    cr_assert_eq(el.mean_anomaly_deg, 19.3264);
    cr_assert_eq(el.mean_motion_rev_day, 10.82419157);
    cr_assert_eq(el.rev_at_epoch, 41366);
}

Test(tle, three_line_form_and_line_endings)
{
    struct odt_elset el;
    char err[256], l1[80], l2[80];
    snprintf(l1, sizeof l1, "%s\r\n", L1);
    snprintf(l2, sizeof l2, "%s   \n", L2);
    cr_assert_eq(odt_tle_parse("VANGUARD 1              \r\n", l1, l2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_str_eq(el.name, "VANGUARD 1");
    cr_assert_eq(odt_tle_parse("0 VANGUARD 1", L1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_str_eq(el.name, "VANGUARD 1", "a 3LE \"0 \" prefix is dropped");
    cr_assert_eq(odt_tle_parse("", L1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_str_eq(el.name, "");
}

Test(tle, bad_checksum)
{
    char l1[80], l2[80];
    strcpy(l1, L1);
    l1[68] = '0';
    expect_error(NULL, l1, L2, "line 1", "checksum");
    strcpy(l2, L2);
    l2[68] = '8';
    expect_error(NULL, L1, l2, "line 2", "checksum");
    /* a '-' counts one: turning ' .00000023' into '-.00000023' changes the sum */
    edited(l1, L1, 34, "-");
    cr_assert_eq(odt_tle_checksum(l1), (odt_tle_checksum(L1) + 1) % 10);
    /* the option for hand-edited sets */
    {
        struct odt_elset el;
        char err[256];
        strcpy(l1, L1);
        l1[68] = '0';
        cr_assert_eq(odt_tle_parse_flags(NULL, l1, L2, ODT_TLE_SKIP_CHECKSUM, &el, err, sizeof err), ODT_OK, "%s",
                     err);
        cr_assert_eq(el.catalog_number, 5);
    }
}

Test(tle, truncated_line)
{
    char l2[80];
    memcpy(l2, L2, 60);
    l2[60] = '\0';
    expect_error(NULL, L1, l2, "line 2", "truncated");
    expect_error(NULL, L1, l2, "60 columns", "69");
    expect_error(NULL, "", L2, "line 1", "truncated");
}

Test(tle, wrong_line_numbers)
{
    expect_error(NULL, L2, L1, "line 1, column 1", "line number");
}

Test(tle, non_numeric_fields)
{
    char l1[80], l2[80];
    edited(l2, L2, 12, "x");
    expect_error(NULL, L1, l2, "line 2, columns 9-16", "inclination");
    edited(l2, L2, 29, "O");
    expect_error(NULL, L1, l2, "line 2, columns 27-33", "eccentricity");
    edited(l2, L2, 55, "..");
    expect_error(NULL, L1, l2, "line 2, columns 53-63", "mean motion");
    edited(l1, L1, 25, "a");
    expect_error(NULL, l1, L2, "line 1, columns 21-32", "epoch");
    edited(l1, L1, 37, "#");
    expect_error(NULL, l1, L2, "line 1, columns 34-43", "not a number");
    edited(l1, L1, 57, "x");
    expect_error(NULL, l1, L2, "line 1, columns 54-61", "B*");
    edited(l1, L1, 51, "*");
    expect_error(NULL, l1, L2, "line 1, columns 45-52", "implied-decimal");
    /* a field shifted into a separator column */
    edited(l2, L2, 16, "88");
    expect_error(NULL, L1, l2, "line 2, column 17", "blank");
}

Test(tle, values_out_of_range)
{
    char l1[80], l2[80];
    edited(l2, L2, 9, "180.0001");
    expect_error(NULL, L1, l2, "line 2, columns 9-16", "inclination");
    edited(l2, L2, 53, " 0.00000000");
    expect_error(NULL, L1, l2, "line 2, columns 53-63", "not positive");
    edited(l1, L1, 19, "01367.00000000");
    expect_error(NULL, l1, L2, "line 1, columns 21-32", "not a day of 2001");
}

Test(tle, mismatched_catalogue_numbers)
{
    char l2[80];
    edited(l2, L2, 3, "00006");
    expect_error(NULL, L1, l2, "line 2, columns 3-7", "differs from line 1");
}

Test(tle, implied_decimal_fields)
{
    struct odt_elset el;
    char err[256], l1[80];
    edited(l1, L1, 45, "-30915-6");
    edited(l1, l1, 54, " 12345-3");
    cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(el.nddot_rev_day3, -0.30915e-6);
    cr_assert_eq(el.bstar, 0.12345e-3);
    edited(l1, L1, 54, "-13525-3");
    cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(el.bstar, -0.13525e-3);
    edited(l1, L1, 54, " 13519-0");
    cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(el.bstar, 0.13519);
    edited(l1, L1, 54, " 50000+1");
    cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(el.bstar, 5.0);
    edited(l1, L1, 54, " 12345*3");
    expect_error(NULL, l1, L2, "line 1, columns 54-61", "implied-decimal");
}

/* Two-digit years: 57..99 are 19xx, 00..56 are 20xx. Checked against ERFA's calendar. */
Test(tle, epoch_year_pivot)
{
    static const struct {
        const char *yy;
        int year;
    } cases[] = {{"57", 1957}, {"99", 1999}, {"00", 2000}, {"56", 2056}, {"24", 2024}};
    size_t k;
    for (k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        struct odt_elset el;
        char err[256], l1[80], field[16];
        double djm0, djm;
        snprintf(field, sizeof field, "%s001.50000000", cases[k].yy);
        edited(l1, L1, 19, field);
        cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
        cr_assert_eq(eraCal2jd(cases[k].year, 1, 1, &djm0, &djm), 0);
        cr_assert_eq(el.epoch_jd, djm0 + djm, "%s: JD %.1f, expected %.1f", cases[k].yy, el.epoch_jd, djm0 + djm);
        cr_assert_eq(el.epoch_jd_frac, 0.5);
    }
    /* leap year: day 366 exists in 2000, not in 2001 */
    {
        struct odt_elset el;
        char err[256], l1[80];
        double djm0, djm;
        edited(l1, L1, 19, "00366.25000000");
        cr_assert_eq(odt_tle_parse(NULL, l1, L2, &el, err, sizeof err), ODT_OK, "%s", err);
        cr_assert_eq(eraCal2jd(2000, 12, 31, &djm0, &djm), 0);
        cr_assert_eq(el.epoch_jd, djm0 + djm);
    }
}

Test(tle, alpha5_decode)
{
    cr_assert_eq(odt_tle_alpha5_decode("00005"), 5);
    cr_assert_eq(odt_tle_alpha5_decode("    5"), 5);
    cr_assert_eq(odt_tle_alpha5_decode("99999"), 99999);
    cr_assert_eq(odt_tle_alpha5_decode("A0000"), 100000);
    cr_assert_eq(odt_tle_alpha5_decode("H9999"), 179999);
    cr_assert_eq(odt_tle_alpha5_decode("J0000"), 180000);
    cr_assert_eq(odt_tle_alpha5_decode("N0001"), 220001);
    cr_assert_eq(odt_tle_alpha5_decode("P0000"), 230000);
    cr_assert_eq(odt_tle_alpha5_decode("Z9999"), 339999);
    cr_assert_eq(odt_tle_alpha5_decode("I0000"), -1, "I is not used");
    cr_assert_eq(odt_tle_alpha5_decode("O1234"), -1, "O is not used");
    cr_assert_eq(odt_tle_alpha5_decode("a0000"), -1);
    cr_assert_eq(odt_tle_alpha5_decode("A 000"), -1);
    cr_assert_eq(odt_tle_alpha5_decode("12x45"), -1);
    cr_assert_eq(odt_tle_alpha5_decode("     "), -1);
}

Test(tle, alpha5_encode_round_trip)
{
    char f[6];
    long n;
    cr_assert_eq(odt_tle_alpha5_encode(100000, f), 0);
    cr_assert_str_eq(f, "A0000");
    cr_assert_eq(odt_tle_alpha5_encode(339999, f), 0);
    cr_assert_str_eq(f, "Z9999");
    cr_assert_eq(odt_tle_alpha5_encode(5, f), 0);
    cr_assert_str_eq(f, "00005");
    cr_assert_eq(odt_tle_alpha5_encode(340000, f), -1);
    cr_assert_eq(odt_tle_alpha5_encode(-1, f), -1);
    for (n = 0; n <= 339999; n += 7)
        cr_assert_eq(odt_tle_alpha5_encode(n, f) == 0 ? odt_tle_alpha5_decode(f) : -2, n);
}

Test(tle, alpha5_in_a_full_tle)
{
    struct odt_elset el;
    char err[256], l1[80], l2[80];
    edited(l1, L1, 3, "T0042");
    edited(l2, L2, 3, "T0042");
    cr_assert_eq(odt_tle_parse(NULL, l1, l2, &el, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(el.catalog_number, 270042);
    edited(l2, L2, 3, "I0042");
    expect_error(NULL, l1, l2, "line 2, columns 3-7", "Alpha-5");
}

Test(tle, verification_range)
{
    double a = -1, b = -1, c = -1;
    char l2[160];
    snprintf(l2, sizeof l2, "%s     0.00      4320.0        360.00\r\n", L2);
    cr_assert_eq(odt_tle_verification_range(l2, &a, &b, &c), 1);
    cr_assert_eq(a, 0.0);
    cr_assert_eq(b, 4320.0);
    cr_assert_eq(c, 360.0);
    snprintf(l2, sizeof l2, "%s  54.2028672   1440.0         20.00", L2);
    cr_assert_eq(odt_tle_verification_range(l2, &a, &b, &c), 1);
    cr_assert_eq(a, 54.2028672);
    a = -1;
    cr_assert_eq(odt_tle_verification_range(L2, &a, &b, &c), 0);
    snprintf(l2, sizeof l2, "%s  1.0 2.0", L2);
    cr_assert_eq(odt_tle_verification_range(l2, &a, &b, &c), 0);
    snprintf(l2, sizeof l2, "%s  1.0 2.0 3.0 4.0", L2);
    cr_assert_eq(odt_tle_verification_range(l2, &a, &b, &c), 0);
    cr_assert_eq(a, -1, "outputs untouched when absent");
}
