/*
 * test_catalog.c: catalogue readers (host/catalog.h): TLE and CCSDS OMM in
 * KVN, XML, JSON and CSV.
 *
 * The same three objects (ISS, a low-inclination GEO, a Molniya: SGP4, SDP4
 * 24 h and 12 h resonant) are written by hand in every format under
 * tests/data/catalog/; every format must give the same element sets, epochs
 * within 1 us and SGP4 states within 1e-6 km. Generated catalogues of 20,000
 * entries (tests/catalog_gen.h), written in every format from the same
 * numbers, check the round trip. Load speed is measured by
 * benchmarks/bench_catalog.c, not here.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/catalog.h"
#include "orbit/sgp4.h"

#define CAT_DIR ODT_TEST_DATA "/catalog/"

/* ------------------------------------------------------------------ diagnostics capture */

struct diag_log {
    int count;
    char file[512]; /* of the first message */
    int line;       /* of the first message */
    char msg[512];  /* the first message */
    char all[8192]; /* every message, one a line */
};

static void log_diag(void *ctx, const char *file, int line, const char *msg)
{
    struct diag_log *d = ctx;
    size_t used = strlen(d->all);
    if (d->count == 0) {
        snprintf(d->file, sizeof d->file, "%s", file);
        d->line = line;
        snprintf(d->msg, sizeof d->msg, "%s", msg);
    }
    d->count++;
    snprintf(d->all + used, sizeof d->all - used, "%s:%d: %s\n", file, line, msg);
}

static struct odt_catalog load_ok(const char *path, enum odt_catalog_format expect_fmt, size_t expect_n)
{
    struct odt_catalog c;
    struct diag_log d = {0};
    enum odt_status st = odt_catalog_load(path, ODT_CATALOG_AUTO, 1, log_diag, &d, &c);
    cr_assert_eq(st, ODT_OK, "%s: status %d, messages:\n%s", path, (int)st, d.all);
    cr_assert_eq(d.count, 0, "%s: unexpected messages:\n%s", path, d.all);
    cr_assert_eq(c.format, expect_fmt, "%s: detected %s", path, odt_catalog_format_name(c.format));
    cr_assert_eq(c.n, expect_n, "%s: %zu entries, expected %zu", path, c.n, expect_n);
    cr_assert_eq(c.n_bad, 0);
    return c;
}

/* Epoch difference a - b in seconds, from the split Julian dates without cancellation. */
static double epoch_diff_s(const struct odt_elset *a, const struct odt_elset *b)
{
    return ((a->epoch_jd - b->epoch_jd) + (a->epoch_jd_frac - b->epoch_jd_frac)) * 86400.0;
}

static void assert_close(double a, double b, double rel, const char *what, const char *ctx)
{
    double tol = rel * fmax(fabs(a), fabs(b)) + 1e-300;
    cr_assert(fabs(a - b) <= tol, "%s %s: %.17g vs %.17g", ctx, what, a, b);
}

/* The same element set: identifiers exactly, numbers to a few ulp, the epoch within 1 us. */
static void assert_same_elements(const struct odt_elset *a, const struct odt_elset *b, const char *ctx)
{
    cr_assert_eq(a->catalog_number, b->catalog_number, "%s", ctx);
    cr_assert_str_eq(a->name, b->name, "%s", ctx);
    cr_assert_eq(a->classification, b->classification, "%s", ctx);
    cr_assert_eq(a->element_set_number, b->element_set_number, "%s", ctx);
    cr_assert_eq(a->rev_at_epoch, b->rev_at_epoch, "%s", ctx);
    cr_assert(fabs(epoch_diff_s(a, b)) < 1e-6, "%s epoch differs by %.3g s", ctx, epoch_diff_s(a, b));
    assert_close(a->mean_motion_rev_day, b->mean_motion_rev_day, 1e-14, "mean motion", ctx);
    assert_close(a->eccentricity, b->eccentricity, 1e-14, "eccentricity", ctx);
    assert_close(a->inclination_deg, b->inclination_deg, 1e-14, "inclination", ctx);
    assert_close(a->raan_deg, b->raan_deg, 1e-14, "raan", ctx);
    assert_close(a->arg_perigee_deg, b->arg_perigee_deg, 1e-14, "argp", ctx);
    assert_close(a->mean_anomaly_deg, b->mean_anomaly_deg, 1e-14, "mean anomaly", ctx);
    assert_close(a->bstar, b->bstar, 1e-14, "bstar", ctx);
    assert_close(a->ndot_rev_day2, b->ndot_rev_day2, 1e-14, "ndot", ctx);
    assert_close(a->nddot_rev_day3, b->nddot_rev_day3, 1e-14, "nddot", ctx);
}

/* ------------------------------------------------------------------ TLE files */

Test(catalog_tle, two_and_three_line_mixed)
{
    static const long ids[] = {25544, 5, 6251, 28057, 8195};
    static const char *const names[] = {"ISS (ZARYA)", "", "DELTA 1 DEB", "", "MOLNIYA 2-14"};
    struct odt_catalog c = load_ok(CAT_DIR "mixed.tle", ODT_CATALOG_TLE, 5);
    size_t i;
    for (i = 0; i < 5; i++) {
        cr_expect_eq(c.entries[i].catalog_number, ids[i], "entry %zu", i);
        cr_expect_str_eq(c.entries[i].name, names[i], "entry %zu", i);
    }
    /* ISS: 08264.51782528 is 2008-09-20 12:25:40.104192 UTC. */
    cr_expect(fabs((c.entries[0].epoch_jd - 2454729.5) + (c.entries[0].epoch_jd_frac - 44740.104192 / 86400.0)) *
                      86400.0 < 1e-6);
    cr_expect(fabs(c.entries[0].mean_motion_rev_day - 15.72125391) < 1e-12);
    odt_catalog_free(&c);
    cr_expect_null(c.entries);
    odt_catalog_free(&c); /* safe twice */
}

/* CR LF, blank and '#' comment lines, verification ranges after column 69: the same sets as mixed.tle. */
Test(catalog_tle, crlf_comments_and_extra_columns)
{
    static const char text[] =
        "# a comment, as in the SGP4 verification file\r\n"
        "0 ISS (ZARYA)\r\n"
        "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\r\n"
        "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537     0.00      4320.0        360.00\r\n"
        "\r\n"
        "   \r\n"
        "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753   \r\n"
        "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667\r\n"
        "DELTA 1 DEB\r\n"
        "1 06251U 62025E   06176.82412014  .00008885  00000-0  12808-3 0  3985\r\n"
        "2 06251  58.0579  54.0425 0030035 139.1568 221.1854 15.56387291  6774\r\n"
        "1 28057U 03049A   06177.78615833  .00000060  00000-0  35940-4 0  1836\r\n"
        "2 28057  98.4283 247.6961 0000884  88.1964 271.9322 14.35478080140550\r\n"
        "0 MOLNIYA 2-14\r\n"
        "1 08195U 75081A   06176.33215444  .00000099  00000-0  11873-3 0   813\r\n"
        "2 08195  64.1586 279.0717 6877146 264.7651  20.2257  2.00491383225656"; /* no final line end */
    struct odt_catalog ref = load_ok(CAT_DIR "mixed.tle", ODT_CATALOG_TLE, 5), c;
    struct diag_log d = {0};
    size_t i;
    cr_assert_eq(odt_catalog_load_buffer("crlf.tle", text, strlen(text), ODT_CATALOG_AUTO, 1, log_diag, &d, &c),
                 ODT_OK, "%s", d.all);
    cr_assert_eq(c.format, ODT_CATALOG_TLE);
    cr_assert_eq(c.n, 5);
    for (i = 0; i < 5; i++) {
        char ctx[32];
        snprintf(ctx, sizeof ctx, "entry %zu", i);
        assert_same_elements(&c.entries[i], &ref.entries[i], ctx);
    }
    odt_catalog_free(&c);
    odt_catalog_free(&ref);
}

Test(catalog_tle, bad_checksum_skipped_with_file_and_line)
{
    const char *path = CAT_DIR "bad_checksum.tle";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_OK, "%s", d.all);
    cr_expect_eq(c.n, 3);
    cr_expect_eq(c.n_bad, 1);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_str_eq(d.file, path);
    cr_expect_eq(d.line, 8, "%s", d.all); /* CBERS 2, line 2 of its set */
    cr_expect(strstr(d.msg, "checksum") != NULL, "%s", d.msg);
    cr_expect(strstr(d.msg, "CBERS 2") != NULL, "%s", d.msg);
    cr_expect_eq(c.entries[0].catalog_number, 25544);
    cr_expect_eq(c.entries[1].catalog_number, 5);
    cr_expect_eq(c.entries[2].catalog_number, 6251);
    odt_catalog_free(&c);
}

Test(catalog_tle, bad_checksum_strict_fails)
{
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(CAT_DIR "bad_checksum.tle", ODT_CATALOG_TLE, 1, log_diag, &d, &c), ODT_ERR_PARSE);
    cr_expect_null(c.entries);
    cr_expect_eq(c.n, 0);
    cr_expect_eq(c.n_bad, 1);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_eq(d.line, 8);
    odt_catalog_free(&c);
}

Test(catalog_tle, broken_structure)
{
    static const char text[] =
        "LONELY NAME\n"                                                                     /* 1: no lines after */
        "ISS (ZARYA)\n"                                                                     /* 2 */
        "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\n"           /* 3: no line 2 */
        "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753\n"           /* 4 */
        "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667\n"           /* 5 */
        "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n"           /* 6: no line 1 */
        "TRAILING NAME\n";                                                                  /* 7 */
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("broken.tle", text, strlen(text), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_OK, "%s", d.all);
    cr_expect_eq(c.n, 1);
    cr_expect_eq(c.entries[0].catalog_number, 5);
    cr_expect_eq(c.n_bad, 4, "%s", d.all);
    cr_expect(strstr(d.all, "broken.tle:1: name line 'LONELY NAME'") != NULL, "%s", d.all);
    cr_expect(strstr(d.all, "broken.tle:3: TLE line 1 is not followed by a line 2") != NULL, "%s", d.all);
    cr_expect(strstr(d.all, "broken.tle:6: TLE line 2 without a line 1") != NULL, "%s", d.all);
    cr_expect(strstr(d.all, "broken.tle:7: name line 'TRAILING NAME'") != NULL, "%s", d.all);
    odt_catalog_free(&c);
}

/* ------------------------------------------------------------------ one object set, five formats */

static const char *const same_files[] = {"iss_xm3_molniya.tle", "iss_xm3_molniya.kvn", "iss_xm3_molniya.xml",
                                         "iss_xm3_molniya.json", "iss_xm3_molniya.csv"};
static const enum odt_catalog_format same_formats[] = {ODT_CATALOG_TLE, ODT_CATALOG_OMM_KVN, ODT_CATALOG_OMM_XML,
                                                       ODT_CATALOG_OMM_JSON, ODT_CATALOG_OMM_CSV};
#define N_SAME 5

static void load_same(struct odt_catalog cats[N_SAME])
{
    int f;
    for (f = 0; f < N_SAME; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", CAT_DIR, same_files[f]);
        cats[f] = load_ok(path, same_formats[f], 3);
    }
}

Test(catalog_formats, same_elements_in_every_format)
{
    static const char *const ids[] = {"1998-067A", "2005-008A", "1975-081A"};
    struct odt_catalog cats[N_SAME];
    int f, k;
    load_same(cats);
    for (f = 1; f < N_SAME; f++)
        for (k = 0; k < 3; k++) {
            char ctx[96];
            snprintf(ctx, sizeof ctx, "%s entry %d", same_files[f], k);
            assert_same_elements(&cats[f].entries[k], &cats[0].entries[k], ctx);
            cr_expect_str_eq(cats[f].entries[k].intl_designator, ids[k], "%s", ctx);
            /* OMM epochs are exact: the same split as the TLE (0h of the day + fraction), to the last bit
               of the fraction. */
            cr_expect(cats[f].entries[k].epoch_jd == cats[0].entries[k].epoch_jd, "%s: jd %.17g vs %.17g", ctx,
                      cats[f].entries[k].epoch_jd, cats[0].entries[k].epoch_jd);
            cr_expect(fabs(cats[f].entries[k].epoch_jd_frac - cats[0].entries[k].epoch_jd_frac) < 1e-13, "%s", ctx);
        }
    /* The literal epochs. */
    cr_expect(cats[1].entries[0].epoch_jd == 2454729.5);
    cr_expect(cats[1].entries[0].epoch_jd_frac == 44740104192.0 / 86400e6);
    cr_expect(cats[1].entries[1].epoch_jd == 2453911.5); /* 2006-06-25 */
    cr_expect(cats[1].entries[2].epoch_jd == 2453911.5); /* 2006-176 (day-of-year form) */
    cr_expect(cats[1].entries[2].epoch_jd_frac == 28698143616.0 / 86400e6);
    cr_expect(fabs(cats[2].entries[0].bstar - -1.1606e-5) < 1e-20);
    cr_expect(fabs(cats[3].entries[2].ndot_rev_day2 - 9.9e-7) < 1e-21);
    for (f = 0; f < N_SAME; f++)
        odt_catalog_free(&cats[f]);
}

Test(catalog_formats, same_sgp4_states_in_every_format)
{
    static const double times_min[] = {0.0, 45.0, 360.0, 720.0, 1440.0, 4320.0, -1440.0};
    struct odt_catalog cats[N_SAME];
    int f, k;
    size_t t;
    load_same(cats);
    for (k = 0; k < 3; k++) {
        struct odt_sgp4 ref;
        cr_assert_eq(odt_sgp4_init(&ref, &cats[0].entries[k], ODT_SGP4_WGS72, 'i'), 0);
        for (f = 1; f < N_SAME; f++) {
            struct odt_sgp4 s;
            cr_assert_eq(odt_sgp4_init(&s, &cats[f].entries[k], ODT_SGP4_WGS72, 'i'), 0, "%s %d", same_files[f], k);
            for (t = 0; t < sizeof times_min / sizeof times_min[0]; t++) {
                struct odt_sgp4_resonance res_ref = {0}, res = {0};
                double r0[3], v0[3], r1[3], v1[3], dr, dv;
                cr_assert_eq(odt_sgp4_propagate(&ref, &res_ref, times_min[t], r0, v0), 0);
                cr_assert_eq(odt_sgp4_propagate(&s, &res, times_min[t], r1, v1), 0);
                dr = sqrt((r1[0] - r0[0]) * (r1[0] - r0[0]) + (r1[1] - r0[1]) * (r1[1] - r0[1]) +
                          (r1[2] - r0[2]) * (r1[2] - r0[2]));
                dv = sqrt((v1[0] - v0[0]) * (v1[0] - v0[0]) + (v1[1] - v0[1]) * (v1[1] - v0[1]) +
                          (v1[2] - v0[2]) * (v1[2] - v0[2]));
                cr_expect(dr < 1e-6, "%s object %d t=%g min: |dr| = %.3g km", same_files[f], k, times_min[t], dr);
                cr_expect(dv < 1e-9, "%s object %d t=%g min: |dv| = %.3g km/s", same_files[f], k, times_min[t],
                          dv);
            }
        }
    }
    for (f = 0; f < N_SAME; f++)
        odt_catalog_free(&cats[f]);
}

/* ------------------------------------------------------------------ errors */

Test(catalog_errors, missing_file_is_io_error_naming_the_file)
{
    const char *path = CAT_DIR "no_such_catalogue.tle";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_ERR_IO);
    cr_expect_eq(d.count, 1);
    cr_expect_str_eq(d.file, path);
    cr_expect(strstr(d.msg, "No such file") != NULL, "%s", d.msg);
    cr_expect_null(c.entries);
    cr_expect_eq(c.n, 0);
    /* A directory is not a catalogue either. */
    memset(&d, 0, sizeof d);
    cr_expect_eq(odt_catalog_load(CAT_DIR, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_ERR_IO);
    cr_expect(strstr(d.msg, "directory") != NULL, "%s", d.msg);
}

Test(catalog_errors, json_missing_key_names_key_and_line)
{
    const char *path = CAT_DIR "missing_key.json";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_OK, "%s", d.all);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_JSON);
    cr_expect_eq(c.n, 1);
    cr_expect_eq(c.entries[0].catalog_number, 25544);
    cr_expect_eq(c.n_bad, 1);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_str_eq(d.file, path);
    cr_expect_eq(d.line, 7, "%s", d.all); /* where the second object starts */
    cr_expect(strstr(d.msg, "MEAN_MOTION") != NULL, "%s", d.msg);
    cr_expect(strstr(d.msg, "28626") != NULL, "%s", d.msg);
    odt_catalog_free(&c);

    memset(&d, 0, sizeof d);
    cr_expect_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_ERR_PARSE);
    cr_expect_null(c.entries);
    cr_expect_eq(d.line, 7);
}

Test(catalog_errors, non_numeric_value_names_key_value_and_line)
{
    const char *path = CAT_DIR "non_numeric.kvn";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_OK, "%s", d.all);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_KVN);
    cr_expect_eq(c.n, 2);
    cr_expect_eq(c.n_bad, 1);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_eq(d.line, 43, "%s", d.all);
    cr_expect(strstr(d.msg, "ECCENTRICITY") != NULL && strstr(d.msg, "0.00OO335") != NULL, "%s", d.msg);
    odt_catalog_free(&c);

    /* The same in JSON (a string that is no number, a boolean) and CSV. */
    {
        static const char json[] =
            "[{\"EPOCH\": \"2020-01-01T00:00:00\", \"MEAN_MOTION\": \"fifteen\", \"ECCENTRICITY\": 0.001,\n"
            "  \"INCLINATION\": 53, \"RA_OF_ASC_NODE\": 0, \"ARG_OF_PERICENTER\": 0, \"MEAN_ANOMALY\": 0,\n"
            "  \"NORAD_CAT_ID\": 1, \"BSTAR\": 0},\n"
            " {\"EPOCH\": \"2020-01-01T00:00:00\", \"MEAN_MOTION\": 15, \"ECCENTRICITY\": 0.001,\n"
            "  \"INCLINATION\": 53, \"RA_OF_ASC_NODE\": 0, \"ARG_OF_PERICENTER\": 0, \"MEAN_ANOMALY\": 0,\n"
            "  \"NORAD_CAT_ID\": 2, \"BSTAR\": true},\n"
            " {\"EPOCH\": \"2020-01-01T00:00:00\", \"MEAN_MOTION\": 15, \"ECCENTRICITY\": 0.001,\n"
            "  \"INCLINATION\": 53, \"RA_OF_ASC_NODE\": 0, \"ARG_OF_PERICENTER\": 0, \"MEAN_ANOMALY\": 0,\n"
            "  \"NORAD_CAT_ID\": 3, \"BSTAR\": 0}]\n";
        memset(&d, 0, sizeof d);
        cr_assert_eq(odt_catalog_load_buffer("bad.json", json, strlen(json), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                     ODT_OK, "%s", d.all);
        cr_expect_eq(c.n, 1);
        cr_expect_eq(c.n_bad, 2);
        cr_expect(strstr(d.all, "bad.json:1: OMM 1 (NORAD_CAT_ID 1): MEAN_MOTION: 'fifteen' is not a number") != NULL,
                  "%s", d.all);
        cr_expect(strstr(d.all, "bad.json:6: OMM 2 (NORAD_CAT_ID 2): BSTAR: 'true' is not a number") != NULL, "%s",
                  d.all);
        odt_catalog_free(&c);
    }
    {
        static const char csv[] =
            "EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,NORAD_CAT_ID,"
            "BSTAR\n"
            "2020-01-01T00:00:00,15,0.001,53,0,0,0,1,0\n"
            "2020-01-01T00:00:00,15,0.001,53,0,0,0,2x,0\n"
            "2020-01-01T00:00:00,15,0.001,53,0,0,0,3\n"
            "2020-01-01T00:00:00,15,1.5,53,0,0,0,4,0\n"
            "2020-02-30T00:00:00,15,0.001,53,0,0,0,5,0\n";
        memset(&d, 0, sizeof d);
        cr_assert_eq(odt_catalog_load_buffer("bad.csv", csv, strlen(csv), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                     ODT_OK, "%s", d.all);
        cr_expect_eq(c.format, ODT_CATALOG_OMM_CSV);
        cr_expect_eq(c.n, 1);
        cr_expect_eq(c.n_bad, 4);
        cr_expect(strstr(d.all, "bad.csv:3: OMM 2 (NORAD_CAT_ID 2x): NORAD_CAT_ID: '2x' is not an integer") != NULL,
                  "%s", d.all);
        cr_expect(strstr(d.all, "bad.csv:4: OMM 3: row has 8 fields, the header has 9") != NULL, "%s", d.all);
        cr_expect(strstr(d.all, "bad.csv:5: OMM 4 (NORAD_CAT_ID 4): ECCENTRICITY 1.5 out of range") != NULL, "%s",
                  d.all);
        cr_expect(strstr(d.all, "bad.csv:6: OMM 5 (NORAD_CAT_ID 5): EPOCH: '2020-02-30T00:00:00'") != NULL, "%s",
                  d.all);
        odt_catalog_free(&c);
    }
}

Test(catalog_errors, truncated_xml_fails_with_line)
{
    const char *path = CAT_DIR "truncated.xml";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load(path, ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_ERR_PARSE);
    cr_expect_null(c.entries);
    cr_expect_eq(c.n, 0);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_XML);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_str_eq(d.file, path);
    cr_expect(d.line >= 61, "%s", d.all); /* the text ends on line 62 */
    cr_expect(strstr(d.msg, "XML not well formed") != NULL, "%s", d.msg);
    cr_expect(strstr(d.msg, "<MEAN_ANOMALY> opened on line 62") != NULL, "%s", d.msg);
}

Test(catalog_errors, malformed_json_fails_with_line)
{
    static const char json[] = "[\n  {\"OBJECT_NAME\": \"A\",\n   \"EPOCH\" \"2020-01-01T00:00:00\"}\n]\n";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("broken.json", json, strlen(json), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_ERR_PARSE);
    cr_expect_null(c.entries);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect_eq(d.line, 3, "%s", d.all);
    cr_expect(strstr(d.msg, "JSON not well formed") != NULL, "%s", d.msg);
}

Test(catalog_errors, only_sgp4_elements_are_accepted)
{
    static const char kvn[] = "CCSDS_OMM_VERS = 2.0\n"
                              "OBJECT_NAME = A\n"
                              "MEAN_ELEMENT_THEORY = DSST\n" /* line 3 */
                              "EPOCH = 2020-01-01T00:00:00\n"
                              "MEAN_MOTION = 15\nECCENTRICITY = 0.001\nINCLINATION = 53\nRA_OF_ASC_NODE = 0\n"
                              "ARG_OF_PERICENTER = 0\nMEAN_ANOMALY = 0\nNORAD_CAT_ID = 1\nBSTAR = 0\n"
                              "CCSDS_OMM_VERS = 2.0\n" /* line 13 */
                              "OBJECT_NAME = B\n"
                              "REF_FRAME = GCRF\n"
                              "EPOCH = 2020-01-01T00:00:00\n"
                              "SEMI_MAJOR_AXIS = 6878\nECCENTRICITY = 0.001\nINCLINATION = 53\nRA_OF_ASC_NODE = 0\n"
                              "ARG_OF_PERICENTER = 0\nMEAN_ANOMALY = 0\nNORAD_CAT_ID = 2\nBSTAR = 0\n"
                              "CCSDS_OMM_VERS = 2.0\n" /* line 25 */
                              "EPHEMERIS_TYPE = 4\n"
                              "EPOCH = 2020-01-01T00:00:00\n"
                              "MEAN_MOTION = 15\nECCENTRICITY = 0.001\nINCLINATION = 53\nRA_OF_ASC_NODE = 0\n"
                              "ARG_OF_PERICENTER = 0\nMEAN_ANOMALY = 0\nNORAD_CAT_ID = 3\nBSTAR = 0\n"
                              "CCSDS_OMM_VERS = 2.0\n"
                              "EPOCH = 2020-01-01T00:00:00\n"
                              "MEAN_MOTION = 15\nECCENTRICITY = 0.001\nINCLINATION = 53\nRA_OF_ASC_NODE = 0\n"
                              "ARG_OF_PERICENTER = 0\nMEAN_ANOMALY = 0\nNORAD_CAT_ID = 4\nBSTAR = 0\n";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("theory.kvn", kvn, strlen(kvn), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_OK, "%s", d.all);
    cr_expect_eq(c.n, 1);
    cr_expect_eq(c.entries[0].catalog_number, 4);
    cr_expect_str_eq(c.entries[0].name, "");
    cr_expect_eq(c.entries[0].classification, 'U');
    cr_expect_eq(c.n_bad, 3);
    cr_expect(strstr(d.all, "theory.kvn:3: OMM 1 (NORAD_CAT_ID 1): MEAN_ELEMENT_THEORY 'DSST' is not SGP4") != NULL,
              "%s", d.all);
    cr_expect(strstr(d.all, "theory.kvn:13: OMM 2 (NORAD_CAT_ID 2): missing required keyword MEAN_MOTION (SGP4 "
                            "elements carry MEAN_MOTION, not SEMI_MAJOR_AXIS)") != NULL,
              "%s", d.all);
    cr_expect(strstr(d.all, "theory.kvn:26: OMM 3 (NORAD_CAT_ID 3): EPHEMERIS_TYPE 4 is not SGP4") != NULL, "%s",
              d.all);
    odt_catalog_free(&c);
}

Test(catalog_errors, whole_file_problems)
{
    struct odt_catalog c;
    struct diag_log d = {0};
    /* A CSV header without a required column: one message, the load fails. */
    static const char csv[] = "OBJECT_NAME,EPOCH,MEAN_MOTION_DOT\nA,2020-01-01T00:00:00,0\n";
    cr_expect_eq(odt_catalog_load_buffer("a.csv", csv, strlen(csv), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_ERR_PARSE);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_CSV);
    cr_expect_eq(d.count, 1, "%s", d.all);
    cr_expect(strstr(d.all, "a.csv:1: CSV header has no column MEAN_MOTION (required)") != NULL, "%s", d.all);

    /* Neither the content nor the name tells the format. */
    memset(&d, 0, sizeof d);
    cr_expect_eq(odt_catalog_load_buffer("notes.dat", "hello\n", 6, ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_ERR_PARSE);
    cr_expect(strstr(d.msg, "cannot tell the catalogue format") != NULL, "%s", d.msg);

    /* Every entry bad: a failure, not an empty catalogue. */
    memset(&d, 0, sizeof d);
    {
        static const char json[] = "[{\"EPOCH\": \"2020-01-01T00:00:00\"}]";
        cr_expect_eq(odt_catalog_load_buffer("x.json", json, strlen(json), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                     ODT_ERR_PARSE);
    }
    cr_expect_eq(c.n_bad, 1);
    cr_expect_eq(d.count, 2, "%s", d.all);
    cr_expect(strstr(d.all, "no valid entries") != NULL, "%s", d.all);

    /* An input with no entries at all is fine; the caller decides. */
    memset(&d, 0, sizeof d);
    cr_expect_eq(odt_catalog_load_buffer("empty", " \n\n", 3, ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_OK);
    cr_expect_eq(c.n, 0);
    cr_expect_eq(odt_catalog_load_buffer("empty.json", "[]", 2, ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_OK);
    cr_expect_eq(c.n, 0);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_JSON);
    cr_expect_eq(odt_catalog_load_buffer("empty.xml", "<ndm/>", 6, ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_OK);
    cr_expect_eq(c.n, 0);
    cr_expect_eq(d.count, 0, "%s", d.all);
    odt_catalog_free(&c);
}

/* ------------------------------------------------------------------ format details */

#define ISS_OMM_KEYS_JSON                                                                                            \
    "\"EPOCH\": \"2008-09-20T12:25:40.104192\", \"MEAN_MOTION\": 15.72125391, \"ECCENTRICITY\": 0.0006703, "        \
    "\"INCLINATION\": 51.6416, \"RA_OF_ASC_NODE\": 247.4627, \"ARG_OF_PERICENTER\": 130.536, "                        \
    "\"MEAN_ANOMALY\": 325.0288, \"NORAD_CAT_ID\": 25544, \"BSTAR\": -1.1606e-5"

Test(catalog_details, json_single_object_nulls_and_repeats)
{
    static const char one[] = "{\"OBJECT_NAME\": \"ISS \\\"ZARYA\\\"\", " ISS_OMM_KEYS_JSON "}";
    static const char nulls[] = "[{" ISS_OMM_KEYS_JSON ", \"OBJECT_ID\": null},\n"
                                "{\"BSTAR\": null, " ISS_OMM_KEYS_JSON "},\n"
                                "{" ISS_OMM_KEYS_JSON ", \"MEAN_ANOMALY\": [1, 2]}]";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("one.json", one, strlen(one), ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_OK,
                 "%s", d.all);
    cr_assert_eq(c.n, 1);
    cr_expect_str_eq(c.entries[0].name, "ISS \"ZARYA\""); /* JSON escapes undone */
    cr_expect_eq(c.entries[0].element_set_number, 0);      /* optional keys default */
    cr_expect_eq(c.entries[0].ndot_rev_day2, 0.0);
    odt_catalog_free(&c);

    /* null is absent; a required key given twice (null and a value counts once), a non-scalar value. */
    cr_assert_eq(odt_catalog_load_buffer("nulls.json", nulls, strlen(nulls), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_OK, "%s", d.all);
    cr_expect_eq(c.n, 2, "%s", d.all);
    cr_expect_str_eq(c.entries[0].intl_designator, "");
    cr_expect_eq(c.n_bad, 1);
    cr_expect(strstr(d.all, "nulls.json:3: OMM 3: keyword MEAN_ANOMALY repeated") != NULL ||
                  strstr(d.all, "nulls.json:3: OMM 3: MEAN_ANOMALY is not a number or a string") != NULL,
              "%s", d.all);
    odt_catalog_free(&c);
}

Test(catalog_details, csv_quoting_and_crlf)
{
    static const char csv[] =
        "\xEF\xBB\xBF" /* byte order mark */
        "OBJECT_NAME,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,"
        "NORAD_CAT_ID,BSTAR,EXTRA\r\n"
        "\"A, \"\"quoted\"\"\",2008-09-20T12:25:40.104192,15.72125391,.0006703,51.6416,247.4627,130.5360,325.0288,"
        "25544,-.11606E-4,\"two\r\nlines\"\r\n"
        "\r\n"
        "B,2008-09-20T12:25:40.104192,15.72125391,.0006703,51.6416,247.4627,130.5360,325.0288,25545,-.11606E-4,\r\n"
        "C\"x,2008-09-20T12:25:40.104192,15.72125391,.0006703,51.6416,247.4627,130.5360,325.0288,25546,-.11606E-4,\r\n"
        "\"D\"x,2008-09-20T12:25:40.104192,15.72125391,.0006703,51.6416,247.4627,130.5360,325.0288,25547,0,\r\n"
        "E,2008-09-20T12:25:40.104192,15.72125391,.0006703,51.6416,247.4627,130.5360,325.0288,25548,-.11606E-4,";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("q.csv", csv, strlen(csv), ODT_CATALOG_AUTO, 0, log_diag, &d, &c), ODT_OK,
                 "%s", d.all);
    cr_expect_eq(c.format, ODT_CATALOG_OMM_CSV);
    cr_assert_eq(c.n, 4, "%s", d.all);
    cr_expect_str_eq(c.entries[0].name, "A, \"quoted\"");
    cr_expect_str_eq(c.entries[1].name, "B");
    cr_expect_str_eq(c.entries[2].name, "C\"x"); /* a quote inside an unquoted field is a character */
    cr_expect_str_eq(c.entries[3].name, "E");
    cr_expect_eq(c.n_bad, 1);
    cr_expect(strstr(d.all, "q.csv:7: OMM 4: text after the closing quote of a field") != NULL, "%s", d.all);
    odt_catalog_free(&c);
}

Test(catalog_details, xml_bare_omm_and_namespace_prefixes)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n"
        "<n:omm xmlns:n=\"urn:ccsds:schema:ndmxml\" id=\"CCSDS_OMM_VERS\" version=\"3.0\">\n"
        "<n:body><n:segment><n:metadata><n:OBJECT_NAME>ISS &amp; friends</n:OBJECT_NAME>\n"
        "<n:MEAN_ELEMENT_THEORY>SGP4</n:MEAN_ELEMENT_THEORY></n:metadata>\n"
        "<n:data><n:meanElements><n:EPOCH>2008-09-20T12:25:40.104192</n:EPOCH>\n"
        "<n:MEAN_MOTION><![CDATA[15.72125391]]></n:MEAN_MOTION><n:ECCENTRICITY>.0006703</n:ECCENTRICITY>\n"
        "<n:INCLINATION>51.6416</n:INCLINATION><n:RA_OF_ASC_NODE>247.4627</n:RA_OF_ASC_NODE>\n"
        "<n:ARG_OF_PERICENTER>130.5360</n:ARG_OF_PERICENTER><n:MEAN_ANOMALY>\n  325.0288\n</n:MEAN_ANOMALY>\n"
        "</n:meanElements><n:tleParameters><n:NORAD_CAT_ID>25544</n:NORAD_CAT_ID><n:BSTAR>-.11606E-4</n:BSTAR>\n"
        "<n:ELEMENT_SET_NO/></n:tleParameters></n:data></n:segment></n:body></n:omm>\n";
    static const char html[] = "<html><body>not a catalogue</body></html>";
    struct odt_catalog c;
    struct diag_log d = {0};
    cr_assert_eq(odt_catalog_load_buffer("bare.xml", xml, strlen(xml), ODT_CATALOG_AUTO, 1, log_diag, &d, &c), ODT_OK,
                 "%s", d.all);
    cr_assert_eq(c.n, 1);
    cr_expect_str_eq(c.entries[0].name, "ISS & friends");
    cr_expect_eq(c.entries[0].catalog_number, 25544);
    cr_expect(fabs(c.entries[0].mean_anomaly_deg - 325.0288) < 1e-12);
    cr_expect(fabs(c.entries[0].mean_motion_rev_day - 15.72125391) < 1e-12);
    odt_catalog_free(&c);

    cr_expect_eq(odt_catalog_load_buffer("page.xml", html, strlen(html), ODT_CATALOG_AUTO, 0, log_diag, &d, &c),
                 ODT_ERR_PARSE);
    cr_expect(strstr(d.all, "page.xml:1: XML root element <html> is neither <ndm> nor <omm>") != NULL, "%s", d.all);
}

/* ------------------------------------------------------------------ epochs */

Test(catalog_epoch, iso_8601_to_split_julian_date)
{
    double jd, fr;
    cr_assert_eq(odt_catalog_parse_epoch("2000-01-01T12:00:00", 19, &jd, &fr), ODT_OK);
    cr_expect(jd == 2451544.5 && fr == 0.5, "%.17g %.17g", jd, fr); /* J2000.0 (as a UTC label) */
    cr_assert_eq(odt_catalog_parse_epoch("2020-001T00:00:00.000001Z", 25, &jd, &fr), ODT_OK);
    cr_expect(jd == 2458849.5 && fr == 1.0 / 86400e6, "%.17g %.17g", jd, fr);
    cr_assert_eq(odt_catalog_parse_epoch("  2024-12-31 23:59:59.999999999  ", 33, &jd, &fr), ODT_OK);
    cr_expect(jd == 2460675.5 && fr == 86399999999999.0 / 86400e9, "%.17g %.17g", jd, fr);
    cr_assert_eq(odt_catalog_parse_epoch("2024-366T06:00:00", 17, &jd, &fr), ODT_OK); /* leap year */
    cr_expect(jd == 2460675.5 && fr == 0.25);
    /* Microsecond epochs: every microsecond of a day is distinct and exact to the rounding of the fraction. */
    cr_assert_eq(odt_catalog_parse_epoch("2008-09-20T12:25:40.104193", 26, &jd, &fr), ODT_OK);
    cr_expect(fabs(fr * 86400.0 - 44740.104193) < 1e-10);

    cr_expect_eq(odt_catalog_parse_epoch("2023-366T00:00:00", 17, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-13-01T00:00:00", 19, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2021-02-29T00:00:00", 19, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-01-01T24:00:00", 19, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-01-01T00:00:60", 19, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-01-01T00:00", 16, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-01-01T00:00:00.", 20, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("2020-01-01T00:00:00+01:00", 25, &jd, &fr), ODT_ERR_PARSE);
    cr_expect_eq(odt_catalog_parse_epoch("20-01-01T00:00:00", 17, &jd, &fr), ODT_ERR_PARSE);
}

/* ------------------------------------------------------------------ generated catalogues: speed and round trip */

#define N_GEN 20000

#include "tests/catalog_gen.h"

/* Load a generated buffer: every entry accepted, no diagnostic. (Load speed: benchmarks/bench_catalog.c.) */
static void gen_load(const char *name, const char *text, size_t len, struct odt_catalog *c)
{
    struct diag_log d = {0};
    enum odt_status st = odt_catalog_load_buffer(name, text, len, ODT_CATALOG_AUTO, 1, log_diag, &d, c);
    cr_assert_eq(st, ODT_OK, "%s: %s", name, d.all);
    cr_assert_eq(d.count, 0, "%s", d.all);
}

Test(catalog_generated, twenty_thousand_tles)
{
    size_t len;
    char *text = gen_catalog(ODT_CATALOG_TLE, N_GEN, &len);
    struct odt_catalog c;
    gen_load("generated.tle", text, len, &c);
    cr_expect_eq(c.format, ODT_CATALOG_TLE);
    cr_expect_eq(c.n, N_GEN);
    cr_expect_eq(c.n_bad, 0);
    cr_expect_eq(c.entries[N_GEN - 1].catalog_number, 10000 + N_GEN - 1);
    cr_expect_str_eq(c.entries[N_GEN - 1].name, "SAT-29999");
    odt_catalog_free(&c);
    free(text);
}

/* The same 20,000 entries as OMM KVN, XML, JSON and CSV: each gives the TLE's element sets. */
Test(catalog_generated, twenty_thousand_omm_round_trip)
{
    static const enum odt_catalog_format fmts[] = {ODT_CATALOG_OMM_KVN, ODT_CATALOG_OMM_XML, ODT_CATALOG_OMM_JSON,
                                                   ODT_CATALOG_OMM_CSV};
    static const char *const names[] = {"generated.kvn", "generated.xml", "generated.json", "generated.csv"};
    size_t len, f, i;
    char *text = gen_catalog(ODT_CATALOG_TLE, N_GEN, &len);
    struct odt_catalog ref;
    gen_load("generated.tle", text, len, &ref);
    free(text);
    for (f = 0; f < 4; f++) {
        struct odt_catalog c;
        text = gen_catalog(fmts[f], N_GEN, &len);
        gen_load(names[f], text, len, &c);
        cr_expect_eq(c.format, fmts[f]);
        cr_assert_eq(c.n, N_GEN);
        for (i = 0; i < N_GEN; i++) {
            char ctx[64];
            snprintf(ctx, sizeof ctx, "%s entry %zu", names[f], i);
            assert_same_elements(&c.entries[i], &ref.entries[i], ctx);
        }
        odt_catalog_free(&c);
        free(text);
    }
    odt_catalog_free(&ref);
}
