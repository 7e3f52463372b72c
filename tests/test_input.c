/*
 * test_input.c: the program on input that is no input, damaged or hostile
 * (issue 13, the input part): files that are not regular files or too large,
 * text that is not UTF-8, YAML features the scenario reader refuses, numbers
 * that are not exact, step and fleet sizes that cannot be run, and the one
 * catalogue reader shared by `run` and `propagate`.
 *
 * Every refusal must be one line "FILE:LINE: problem" (the line where the
 * input has one) and a status, never a crash, a hang or a partial read.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkfifo */

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/fleet_build.h"
#include "host/propagate.h"
#include "host/scenario.h"
#include "host/textfile.h"
#include "test_util.h"

#define NAME "in.yaml"

/* load len bytes of text as NAME; err gets the message */
static enum odt_status load_n(const char *text, size_t len, struct odt_scenario *sc, char *err, size_t errlen)
{
    err[0] = '\0';
    return odt_scenario_load_text(NAME, text, len, sc, err, errlen);
}

/* text must be refused with a one-line message that starts with `where` and contains `problem` */
#define refused(text, where, problem) odt_test_refused(NAME, text, strlen(text), ODT_OK, where, 1, problem, __LINE__)
#define refused_n(text, len, where, problem) odt_test_refused(NAME, text, len, ODT_OK, where, 1, problem, __LINE__)

static void accepted_(const char *text, struct odt_scenario *sc, int tline)
{
    char err[1024];
    enum odt_status st = load_n(text, strlen(text), sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "(test line %d) refused: %s", tline, err);
}
#define accepted(text, sc) accepted_(text, sc, __LINE__)

/* write len bytes to path */
static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* ------------------------------------------------------------------ defect 5: UTF-8 and NUL bytes */

Test(utf8, latin1_byte_in_a_comment_is_refused_with_line_and_column)
{
    /* before: everything after the comment was dropped silently ("missing required key 'fleet'", or, with
       the fleet before it, a run with fewer satellites) */
    refused(ODT_TEST_HDR "seed: 3 # caf\xe9\n" ODT_TEST_WALKER, NAME ":6: ", "invalid UTF-8 byte 0xE9 (column 14)");
    refused("name: t\n# caf\xe9 au lait\n" ODT_TEST_HDR ODT_TEST_WALKER, NAME ":2: ", "invalid UTF-8 byte 0xE9 (column 6)");
}

Test(utf8, invalid_byte_in_a_value_names_the_line)
{
    refused(ODT_TEST_HDR ODT_TEST_WALKER "    name: \xff\n", NAME ":14: ", "invalid UTF-8 byte 0xFF (column 11)");
}

Test(utf8, columns_count_characters)
{
    /* "é" is one character of two bytes: the bad byte after it is in column 4 */
    refused("# \xc3\xa9\xe9\n" ODT_TEST_HDR ODT_TEST_WALKER, NAME ":1: ", "invalid UTF-8 byte 0xE9 (column 4)");
}

Test(utf8, nul_byte_names_its_line)
{
    static const char text[] = ODT_TEST_HDR "seed: 4\0\n" ODT_TEST_WALKER;
    refused_n(text, sizeof text - 1, NAME ":6: ", "NUL byte (column 8)");
}

Test(utf8, valid_multibyte_text_is_accepted)
{
    struct odt_scenario sc;
    accepted("# café, 日本, 😀\n" ODT_TEST_HDR "output: caf\xc3\xa9.h5\n" ODT_TEST_WALKER, &sc);
    cr_assert_eq(odt_scenario_satellites(&sc), 6u);
    cr_assert_str_eq(sc.output, "café.h5");
    odt_scenario_free(&sc);
}

Test(utf8, the_check_itself)
{
    int col;
    char why[128];
    /* overlong, surrogate, above U+10FFFF, truncated at the end, a lone continuation byte */
    static const struct {
        const char *text;
        int line, col;
        const char *why;
    } bad[] = {
        {"ab\xc0\xafz", 1, 3, "0xC0"},      {"a\xe0\x80\x80", 1, 2, "0xE0"}, {"\xed\xa0\x80", 1, 1, "0xED"},
        {"x\n\xf4\x90\x80\x80", 2, 1, "0xF4"}, {"x\r\ny\xe2\x82", 2, 2, "0xE2"}, {"\x80", 1, 1, "0x80"},
        {"a\rb\rc\xf8", 3, 2, "0xF8"},     {"\xf0\x9f\x98", 1, 1, "0xF0"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
        const int line = odt_text_check(bad[k].text, strlen(bad[k].text), &col, why, sizeof why);
        cr_expect_eq(line, bad[k].line, "case %zu: line %d", k, line);
        cr_expect_eq(col, bad[k].col, "case %zu: column %d", k, col);
        cr_expect_not_null(strstr(why, bad[k].why), "case %zu: %s", k, why);
    }
    static const char *const good[] = {"", "plain", "\xef\xbb\xbf" "bom", "\xc2\x80", "\xed\x9f\xbf",
                                       "\xf4\x8f\xbf\xbf", "\xf0\x90\x80\x80", "a\r\nb\rc\n"};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; ++k)
        cr_expect_eq(odt_text_check(good[k], strlen(good[k]), &col, why, sizeof why), 0, "good case %zu: %s", k, why);
}

/* ------------------------------------------------------------------ defect 10: what is not a regular file */

Test(files, directory_is_refused)
{
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(odt_scenario_load_file(ODT_TEST_DATA "/scenarios", &sc, err, sizeof err), ODT_ERR_IO);
    cr_assert_not_null(strstr(err, "is a directory"), "%s", err);
    cr_assert_eq(strncmp(err, ODT_TEST_DATA "/scenarios: ", strlen(ODT_TEST_DATA) + 12), 0, "%s", err);
}

Test(files, dev_zero_is_refused_at_once)
{
    /* before: read until memory ran out */
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(odt_scenario_load_file("/dev/zero", &sc, err, sizeof err), ODT_ERR_IO);
    cr_assert_not_null(strstr(err, "/dev/zero: cannot read scenario file: it is a character device"), "%s", err);
}

Test(files, fifo_is_refused_without_blocking, .timeout = 10)
{
    /* before: opening the FIFO waited forever for a writer */
    char dir[512], path[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_fifo");
    snprintf(path, sizeof path, "%s/pipe.yaml", dir);
    cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo: %s", strerror(errno));
    struct odt_scenario sc;
    char err[1024];
    const enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    odt_test_rmtree(dir);
    cr_assert_eq(st, ODT_ERR_IO, "%s", err);
    cr_assert_not_null(strstr(err, "FIFO"), "%s", err);
}

Test(files, a_file_over_the_limit_is_refused)
{
    /* a sparse file one byte over the limit: refused from its size, without reading it */
    char dir[512], path[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_big");
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fseeko(f, (off_t)ODT_SCENARIO_MAX_BYTES, SEEK_SET), 0);
    cr_assert_eq(fputc('\n', f), '\n');
    fclose(f);
    struct odt_scenario sc;
    char err[1024];
    const clock_t t0 = clock();
    const enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    const double cpu_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    odt_test_rmtree(dir);
    cr_assert_eq(st, ODT_ERR_IO, "%s", err);
    cr_assert_not_null(strstr(err, "larger than the limit of 256.0 MiB"), "%s", err);
    cr_assert_lt(cpu_s, 1.0, "took %.2f s: the file was read", cpu_s);
}

Test(files, bounded_reader_stops_at_the_limit)
{
    /* a file that reports no size (as in /proc) is read only up to the limit + 1 bytes */
    char *text = NULL, why[256];
    size_t len = 0;
    cr_assert_eq(odt_textfile_read("/proc/self/status", "test file", 16, &text, &len, why, sizeof why), ODT_ERR_IO);
    cr_assert_null(text);
    cr_assert_not_null(strstr(why, "larger than the limit"), "%s", why);
    cr_assert_eq(odt_textfile_read("/proc/self/status", "test file", 1 << 20, &text, &len, why, sizeof why), ODT_OK,
                 "%s", why);
    cr_assert_gt(len, 16u);
    cr_assert_eq(text[len], '\0');
    free(text);
}

Test(files, missing_file_says_why)
{
    char *text = NULL, why[256];
    size_t len = 0;
    cr_assert_eq(odt_textfile_read("/nonexistent/x.yaml", "scenario file", 100, &text, &len, why, sizeof why),
                 ODT_ERR_IO);
    cr_assert_not_null(strstr(why, "cannot open scenario file: No such file or directory"), "%s", why);
}

Test(files, scenario_file_round_trip)
{
    char dir[512], path[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_ok");
    snprintf(path, sizeof path, "%s/ok.yaml", dir);
    static const char text[] = ODT_TEST_HDR ODT_TEST_WALKER;
    write_file(path, text, sizeof text - 1);
    struct odt_scenario sc;
    char err[1024];
    const enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    odt_test_rmtree(dir);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_str_eq(sc.text, text);
    odt_scenario_free(&sc);
}

Test(files, messages_are_one_line)
{
    char msg[] = "a\nb\rc\td\x01" "e";
    odt_text_one_line(msg);
    cr_assert_str_eq(msg, "a b c d e");
}

/* ------------------------------------------------------------------ the same for catalogues */

#define ISS_TLE                                                                                                \
    "ISS (ZARYA)\n"                                                                                            \
    "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\n"                                  \
    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n"
#define XM3_TLE                                                                                                \
    "XM-3\n"                                                                                                   \
    "1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190\n"                                  \
    "2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891\n"

struct skipped_log {
    int count;
    char first[512];
};

static void log_skipped(void *ctx, const char *file, int line, const char *msg)
{
    struct skipped_log *d = ctx;
    if (d->count++ == 0)
        snprintf(d->first, sizeof d->first, "%s:%d: %s", file, line, msg);
}

/* a catalogue text must be refused, strict or not, with err starting `where` and holding `problem` */
static void catalog_refused_(const char *text, size_t len, const char *where, const char *problem, int tline)
{
    for (int strict = 0; strict <= 1; ++strict) {
        struct odt_catalog cat;
        struct skipped_log d = {0, ""};
        struct odt_catalog_options o = {ODT_CATALOG_AUTO, strict, 0, log_skipped, &d};
        char err[1024] = "";
        cr_assert_neq(odt_catalog_read_buffer("c.tle", text, len, &o, &cat, err, sizeof err), ODT_OK,
                      "(test line %d) accepted", tline);
        cr_assert_eq(strncmp(err, where, strlen(where)), 0, "(test line %d) '%s' expected at the start: %s", tline,
                     where, err);
        cr_assert_not_null(strstr(err, problem), "(test line %d) no '%s' in: %s", tline, problem, err);
        cr_assert_eq(cat.n, 0u);
        cr_assert_null(cat.entries);
        cr_assert_eq(d.count, 0, "(test line %d) a whole-file problem reported as a skipped entry: %s", tline, d.first);
    }
}
#define catalog_refused(text, where, problem) catalog_refused_(text, strlen(text), where, problem, __LINE__)

Test(catalog_text, latin1_name_is_refused_with_its_line)
{
    catalog_refused(ISS_TLE "XM-3 caf\xe9\n" XM3_TLE + 5, "c.tle:4: ", "invalid UTF-8 byte 0xE9 (column 9)");
}

Test(catalog_text, nul_byte_is_refused_with_its_line)
{
    /* before: `propagate` stopped at the NUL and dropped every entry after it with exit 0 */
    static const char text[] = ISS_TLE "\0" XM3_TLE;
    catalog_refused_(text, sizeof text - 1, "c.tle:4: ", "NUL byte (column 1)", __LINE__);
}

Test(catalog_text, line_ends_lf_crlf_and_cr_give_the_same_entries)
{
    static const char *const texts[] = {
        ISS_TLE XM3_TLE,
        "ISS (ZARYA)\r\n1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\r\n"
        "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\r\nXM-3\r\n"
        "1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190\r\n"
        "2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891\r\n",
        "ISS (ZARYA)\r1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\r"
        "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\rXM-3\r"
        "1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190\r"
        "2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891\r",
    };
    for (int k = 0; k < 3; ++k) {
        struct odt_catalog cat;
        struct odt_catalog_options o = {ODT_CATALOG_AUTO, 1, 0, NULL, NULL};
        char err[1024];
        cr_assert_eq(odt_catalog_read_buffer("c.tle", texts[k], strlen(texts[k]), &o, &cat, err, sizeof err), ODT_OK,
                     "line ends %d: %s", k, err);
        cr_assert_eq(cat.n, 2u, "line ends %d", k);
        cr_assert_str_eq(cat.entries[1].name, "XM-3");
        cr_assert_eq(cat.info[1].line, 5, "line ends %d: entry 2 on line %d", k, cat.info[1].line);
        odt_catalog_free(&cat);
    }
}

Test(catalog_text, not_regular_files_are_refused)
{
    struct odt_catalog cat;
    char err[1024];
    cr_assert_eq(odt_catalog_read_file(ODT_TEST_DATA "/catalog", NULL, &cat, err, sizeof err), ODT_ERR_IO);
    cr_assert_not_null(strstr(err, "/catalog: cannot read catalogue file: it is a directory"), "%s", err);
    cr_assert_eq(odt_catalog_read_file("/dev/zero", NULL, &cat, err, sizeof err), ODT_ERR_IO);
    cr_assert_not_null(strstr(err, "/dev/zero: cannot read catalogue file: it is a character device"), "%s", err);
}

Test(catalog_text, fifo_catalogue_in_a_scenario_is_refused_without_blocking, .timeout = 10)
{
    char dir[512], path[600], scen[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_catfifo");
    snprintf(path, sizeof path, "%s/cat.tle", dir);
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo: %s", strerror(errno));
    static const char text[] = ODT_TEST_HDR "fleet:\n  - source: catalog\n    file: cat.tle\n";
    write_file(scen, text, sizeof text - 1);
    struct odt_scenario sc;
    char err[1024];
    const enum odt_status st = odt_scenario_load_file(scen, &sc, err, sizeof err);
    odt_test_rmtree(dir);
    cr_assert_neq(st, ODT_OK);
    cr_assert_not_null(strstr(err, "s.yaml:8: fleet entry 1: "), "%s", err);
    cr_assert_not_null(strstr(err, "cat.tle: cannot read catalogue file: it is a FIFO"), "%s", err);
}

Test(catalog_text, all_entries_bad_names_the_first)
{
    /* non-strict: every entry skipped (each reported), then one failure naming the first bad entry's line */
    static const char text[] = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2920\n"
                               "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n";
    struct odt_catalog cat;
    struct skipped_log d = {0, ""};
    struct odt_catalog_options o = {ODT_CATALOG_AUTO, 0, 0, log_skipped, &d};
    char err[1024];
    cr_assert_eq(odt_catalog_read_buffer("c.tle", text, strlen(text), &o, &cat, err, sizeof err), ODT_ERR_PARSE);
    cr_assert_eq(d.count, 1);
    cr_assert_not_null(strstr(err, "c.tle:1: no valid entries (1 bad, all skipped; the first: TLE line 1, column 69"),
                       "%s", err);
}

/* ------------------------------------------------------------------ defects 11 and 16: propagate */

/* odt_propagate_file on text written to a temporary file; returns the status, out the objects written */
static enum odt_status propagate_text(const char *text, size_t len, int strict, struct skipped_log *sk, int *objects,
                                      char *err, size_t errlen)
{
    char dir[512], path[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_prop");
    snprintf(path, sizeof path, "%s/c.tle", dir);
    write_file(path, text, len);
    struct odt_propagate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.opsmode = 'i';
    opt.strict = strict;
    opt.skipped = log_skipped;
    opt.skipped_ctx = sk;
    FILE *out = tmpfile();
    cr_assert_not_null(out);
    err[0] = '\0';
    const enum odt_status st = odt_propagate_file(path, &opt, out, err, errlen);
    rewind(out);
    char line[512];
    *objects = 0;
    while (fgets(line, sizeof line, out))
        *objects += strstr(line, " xx") != NULL;
    fclose(out);
    odt_test_rmtree(dir);
    return st;
}

Test(propagate_input, range_check_bounds_the_rows)
{
    char why[300];
    cr_assert_eq(odt_propagate_range_check(0, 1440, 120, why, sizeof why), 0);
    cr_assert_eq(odt_propagate_range_check(1844000.0, 1845100.0, 5.0, why, sizeof why), 0);
    /* before: --step 1e-300 printed rows without end */
    cr_assert_eq(odt_propagate_range_check(0, 1440, 1e-300, why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "more than the limit of 10000000"), "%s", why);
    cr_assert_eq(odt_propagate_range_check(0, 1440, 0, why, sizeof why), -1);
    cr_assert_eq(odt_propagate_range_check(0, 1440, -1, why, sizeof why), -1);
    cr_assert_eq(odt_propagate_range_check(10, 0, 1, why, sizeof why), -1);
    cr_assert_eq(odt_propagate_range_check(0, HUGE_VAL, 1, why, sizeof why), -1);
    cr_assert_eq(odt_propagate_range_check(NAN, 10, 1, why, sizeof why), -1);
    /* a step that cannot move t at 1e17 min (the spacing of doubles there is 16) */
    cr_assert_eq(odt_propagate_range_check(1e17, 1e17 + 64, 1, why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "resolution"), "%s", why);
}

Test(propagate_input, directory_is_refused)
{
    /* before: an allocation of 0x8000000000000000 bytes (ASan abort) */
    struct odt_propagate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.opsmode = 'i';
    char err[1024];
    FILE *out = tmpfile();
    cr_assert_eq(odt_propagate_file(ODT_TEST_DATA "/catalog", &opt, out, err, sizeof err), ODT_ERR_IO);
    fclose(out);
    cr_assert_not_null(strstr(err, "is a directory"), "%s", err);
}

Test(propagate_input, range_in_the_file_is_checked)
{
    static const char text[] = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\n"
                               "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
                               "      0.0      1440.0   0.000000001\n";
    struct skipped_log sk = {0, ""};
    int objects;
    char err[1024];
    cr_assert_eq(propagate_text(text, sizeof text - 1, 0, &sk, &objects, err, sizeof err), ODT_ERR_VALUE);
    cr_assert_not_null(strstr(err, "c.tle:1: the range after column 69"), "%s", err);
    cr_assert_not_null(strstr(err, "more than the limit"), "%s", err);
    cr_assert_eq(objects, 0);
}

Test(propagate_input, missing_blank_in_column_2_is_reported_as_run_reports_it)
{
    /* before: propagate skipped the set without a word, exit 0 */
    static const char text[] = ISS_TLE "XM-3\n"
                               "1x28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190\n"
                               "2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891\n";
    struct skipped_log sk = {0, ""};
    int objects;
    char err[1024];
    cr_assert_eq(propagate_text(text, sizeof text - 1, 0, &sk, &objects, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(objects, 1);
    cr_assert_eq(sk.count, 1);
    cr_assert_not_null(strstr(sk.first, "c.tle:5: 'XM-3': TLE line 1, column 2: expected a blank"), "%s", sk.first);
    /* strict: the same entry fails the command */
    sk.count = 0;
    cr_assert_eq(propagate_text(text, sizeof text - 1, 1, &sk, &objects, err, sizeof err), ODT_ERR_PARSE);
    cr_assert_not_null(strstr(err, "c.tle:5: 'XM-3': TLE line 1, column 2"), "%s", err);
    cr_assert_eq(sk.count, 0);
    /* the scenario reader sees the same: one satellite of two, the other reported */
    struct odt_catalog cat;
    struct odt_catalog_options o = {ODT_CATALOG_AUTO, 0, 0, log_skipped, &sk};
    cr_assert_eq(odt_catalog_read_buffer("c.tle", text, sizeof text - 1, &o, &cat, err, sizeof err), ODT_OK);
    cr_assert_eq(cat.n, 1u);
    cr_assert_eq(cat.n_bad, 1u);
    odt_catalog_free(&cat);
}

Test(propagate_input, nul_byte_fails_instead_of_dropping_the_rest)
{
    static const char text[] = ISS_TLE "\0" XM3_TLE;
    struct skipped_log sk = {0, ""};
    int objects;
    char err[1024];
    cr_assert_eq(propagate_text(text, sizeof text - 1, 0, &sk, &objects, err, sizeof err), ODT_ERR_PARSE);
    cr_assert_not_null(strstr(err, "c.tle:4: NUL byte"), "%s", err);
    cr_assert_eq(objects, 0);
}

Test(propagate_input, cr_only_line_ends_are_read)
{
    /* before: "no two-line element sets found", though `run` read the same file */
    static const char text[] = "ISS (ZARYA)\r1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\r"
                               "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\rXM-3\r"
                               "1 28626U 05008A   06176.46683397 -.00000205  00000-0  10000-3 0  2190\r"
                               "2 28626   0.0019 286.9433 0000335  13.7918  55.6504  1.00270176  4891\r";
    struct skipped_log sk = {0, ""};
    int objects;
    char err[1024];
    cr_assert_eq(propagate_text(text, sizeof text - 1, 1, &sk, &objects, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(objects, 2);
}

/* ------------------------------------------------------------------ defect 7: step and counts */

#define TIMES(duration, step, snapshot)                                                                        \
    "name: t\n"                                                                                                \
    "epoch: 2026-06-21T00:00:00Z\n"                                                                            \
    "duration_s: " duration "\n"                                                                               \
    "step_s: " step "\n"                                                                                       \
    "snapshot_interval_s: " snapshot "\n"

Test(steps, tiny_step_is_refused_with_the_limit)
{
    /* before: 3.6e303 steps, a heap-buffer-overflow in fill_one (ASan) or an abort */
    refused(TIMES("3600", "1e-300", "600") ODT_TEST_WALKER, NAME ":4: ",
            "step_s = 1e-300 is below the smallest step, 0.001 s");
    refused(TIMES("3600", "0.0005", "600") ODT_TEST_WALKER, NAME ":4: ", "below the smallest step");
}

Test(steps, too_many_steps_are_refused)
{
    refused(TIMES("1e10", "0.001", "600") ODT_TEST_WALKER, NAME ":3: ", "is 1e+13 steps of step_s = 0.001, more than the limit of 1e+10 steps");
    refused(TIMES("3600", "0.001", "1e10") ODT_TEST_WALKER, NAME ":5: ", "snapshot_interval_s = 1e+10 is 1e+13 steps");
}

Test(steps, spans_shorter_than_a_step_are_refused)
{
    /* 1e-300 / 10 rounds to a multiple (0) of the step: zero steps, or a division by zero per snapshot */
    refused(TIMES("1e-300", "10", "600") ODT_TEST_WALKER, NAME ":3: ", "duration_s = 1e-300 is shorter than one step");
    refused(TIMES("3600", "10", "1e-300") ODT_TEST_WALKER, NAME ":5: ", "snapshot_interval_s = 1e-300 is shorter than one step");
}

Test(steps, counts_of_a_valid_scenario)
{
    struct odt_scenario sc;
    accepted(TIMES("1e9", "0.1", "3600") ODT_TEST_WALKER, &sc);
    cr_assert_eq(odt_scenario_steps(&sc), 10000000000L);
    odt_scenario_free(&sc);
    memset(&sc, 0, sizeof sc); /* not loaded: no count */
    cr_assert_eq(odt_scenario_steps(&sc), -1);
}

Test(steps, a_run_with_a_tiny_step_fails_cleanly)
{
    char dir[512], path[600], out[600];
    odt_test_mkdtemp(dir, sizeof dir, "input_step");
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/s.h5", dir);
    static const char text[] = TIMES("3600", "1e-300", "600") ODT_TEST_WALKER;
    write_file(path, text, sizeof text - 1);
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = path;
    opt.output_path = out;
    opt.backend = "cpu";
    opt.quiet = 1;
    struct odt_run_summary sum;
    char err[1024];
    const enum odt_status st = odt_run(&opt, &sum, err, sizeof err);
    const int left = access(out, F_OK) == 0;
    odt_test_rmtree(dir);
    cr_assert_neq(st, ODT_OK);
    cr_assert_not_null(strstr(err, "s.yaml:4: step_s = 1e-300"), "%s", err);
    cr_assert(!left, "output file left behind");
}

/* ------------------------------------------------------------------ defect 17: YAML features and numbers */

Test(yaml, aliases_anchors_merges_and_tags_are_refused_with_the_line)
{
    /* before: an alias was read as the text "*n", a merge key as an unknown key */
    refused(ODT_TEST_HDR "seed: &n 5\n" ODT_TEST_WALKER, NAME ":6: ", "YAML anchors ('&name') are not supported");
    refused(ODT_TEST_HDR ODT_TEST_WALKER "  - name: b\n    source: walker\n    altitude_km: *alt\n", NAME ":16: ",
            "YAML aliases ('*alt') are not supported");
    refused(ODT_TEST_HDR "satellite:\n  <<: {array_area_m2: 5}\n" ODT_TEST_WALKER, NAME ":7: ", "YAML merge keys ('<<') are not supported");
    refused(ODT_TEST_HDR "seed: !!int 5\n" ODT_TEST_WALKER, NAME ":6: ", "YAML tags ('!!int') are not supported");
    refused(ODT_TEST_HDR "output: !x t.h5\n" ODT_TEST_WALKER, NAME ":6: ", "YAML tags ('!x') are not supported");
    /* a quoted "<<" is an ordinary (unknown) key */
    refused(ODT_TEST_HDR "satellite:\n  \"<<\": 5\n" ODT_TEST_WALKER, NAME ":7: ", "unknown key '<<'");
}

Test(yaml, a_second_document_is_refused)
{
    /* before: ignored in silence */
    refused(ODT_TEST_HDR ODT_TEST_WALKER "---\nseed: 9\n", NAME ":15: ", "a second YAML document (after '---'): a scenario is one document");
    refused(ODT_TEST_HDR ODT_TEST_WALKER "---\n", NAME ":14: ", "a second YAML document");
    /* a document end marker alone is not a second document */
    struct odt_scenario sc;
    accepted(ODT_TEST_HDR ODT_TEST_WALKER "...\n", &sc);
    odt_scenario_free(&sc);
}

Test(yaml, syntax_errors_name_line_and_column)
{
    refused(ODT_TEST_HDR "seed: [1, 2\n", NAME ":7: ", "not valid YAML (column 1): flow sequence without a closing bracket");
    refused(ODT_TEST_HDR "seed: 1\nseed: 2\n" ODT_TEST_WALKER, NAME ":7: ", "not valid YAML (column 1): duplicate key");
    refused(ODT_TEST_HDR "seed: \"1\n" ODT_TEST_WALKER, NAME ":", "not valid YAML");
}

Test(yaml, non_decimal_numbers_are_refused)
{
    /* before: 0x10 was read as 16 by strtod; 0o17, 1_000 and 017 mean different numbers in YAML 1.1 and 1.2 */
    static const char *const forms[] = {"0x10", "0o17", "0b11", "1_000", "017", ".inf", "-.inf", ".nan", "+0x1p3"};
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; ++k) {
        char text[1024];
        snprintf(text, sizeof text, ODT_TEST_HDR "albedo: %s\n" ODT_TEST_WALKER, forms[k]);
        refused(text, NAME ":6: ", "is not a decimal number");
        snprintf(text, sizeof text, ODT_TEST_HDR "seed: %s\n" ODT_TEST_WALKER, forms[k]);
        refused(text, NAME ":6: ", "seed: ");
    }
    refused(ODT_TEST_HDR "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 2, slots: 0x3}\n", NAME ":7: ",
            "slots: '0x3' is not a decimal number");
}

Test(yaml, seed_is_an_exact_unsigned_64_bit_integer)
{
    /* before: 9007199254740993 was read through a double, as ...992 */
    static const struct {
        const char *text;
        uint64_t value;
    } ok[] = {{"9007199254740993", 9007199254740993ull},
              {"18446744073709551615", 18446744073709551615ull},
              {"0", 0},
              {"12345678901234567890", 12345678901234567890ull}};
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; ++k) {
        char text[1024];
        snprintf(text, sizeof text, ODT_TEST_HDR "seed: %s\n" ODT_TEST_WALKER, ok[k].text);
        struct odt_scenario sc;
        accepted(text, &sc);
        cr_assert_eq(sc.seed, ok[k].value, "seed %s read as %llu", ok[k].text, (unsigned long long)sc.seed);
        odt_scenario_free(&sc);
    }
    refused(ODT_TEST_HDR "seed: 18446744073709551616\n" ODT_TEST_WALKER, NAME ":6: ",
            "seed = 18446744073709551616 is out of range: must be in [0, 18446744073709551615]");
    refused(ODT_TEST_HDR "seed: -1\n" ODT_TEST_WALKER, NAME ":6: ", "without a sign, got '-1'");
    refused(ODT_TEST_HDR "seed: +1\n" ODT_TEST_WALKER, NAME ":6: ", "without a sign, got '+1'");
    refused(ODT_TEST_HDR "seed: 1.5\n" ODT_TEST_WALKER, NAME ":6: ", "got '1.5'");
    refused(ODT_TEST_HDR "seed: 1e3\n" ODT_TEST_WALKER, NAME ":6: ", "got '1e3'");
}

Test(yaml, integer_keys_are_exact_integers_in_range)
{
    refused(ODT_TEST_HDR "snapshot_compression: 2.0\n" ODT_TEST_WALKER, NAME ":6: ", "expected an integer, got '2.0'");
    refused(ODT_TEST_HDR "snapshot_compression: 1e0\n" ODT_TEST_WALKER, NAME ":6: ", "expected an integer, got '1e0'");
    refused(ODT_TEST_HDR "snapshot_compression: 99999999999999999999999\n" ODT_TEST_WALKER, NAME ":6: ",
            "snapshot_compression = 99999999999999999999999 is out of range: must be in [0, 9]");
    refused(ODT_TEST_HDR "snapshot_compression: -2147483649\n" ODT_TEST_WALKER, NAME ":6: ", "is out of range");
    refused(ODT_TEST_HDR "snapshot_compression: ten\n" ODT_TEST_WALKER, NAME ":6: ", "expected a number, got 'ten'");
    struct odt_scenario sc;
    accepted(ODT_TEST_HDR "snapshot_compression: +7\n" ODT_TEST_WALKER, &sc);
    cr_assert_eq(sc.snapshot_compression, 7);
    odt_scenario_free(&sc);
}

Test(yaml, doubles_out_of_the_range_of_a_double)
{
    refused(ODT_TEST_HDR "albedo: 1e999\n" ODT_TEST_WALKER, NAME ":6: ", "albedo: '1e999' is out of the range of a double");
}

/* ------------------------------------------------------------------ messages: a line for each, one line */

Test(messages, missing_keys_name_the_mapping)
{
    /* a top-level key: the scenario mapping's first line; an entry's key: the entry's first line */
    refused("\n# c\n" "name: t\nepoch: 2026-06-21T00:00:00Z\nstep_s: 10\nsnapshot_interval_s: 600\n" ODT_TEST_WALKER + 0,
            NAME ":3: ", "missing required key 'duration_s'");
    refused(ODT_TEST_HDR "fleet:\n  - name: a\n    source: walker\n    planes: 2\n    slots: 3\n", NAME ":7: ",
            "fleet entry 1: missing key 'altitude_km'");
    refused(ODT_TEST_HDR "fleet:\n  - {}\n", NAME ":6: ", "fleet entry 1: missing key 'source'");
}

Test(messages, quoted_line_breaks_stay_on_one_line)
{
    refused(ODT_TEST_HDR "\"a\\nb\": 1\n" ODT_TEST_WALKER, NAME ":6: ", "unknown key 'a b'");
}

Test(messages, the_empty_scenario)
{
    refused("", NAME ": ", "the scenario is empty");
    refused("# only a comment\n\n", NAME ": ", "the scenario is empty");
    refused("---\n", NAME ": ", "the scenario is empty");
}

/* ------------------------------------------------------------------ defect 12: fleet sizes */

Test(fleet_size, planes_times_slots_beyond_int32_is_refused)
{
    refused(ODT_TEST_HDR "fleet:\n  - name: a\n    source: walker\n    altitude_km: 550\n    inclination_deg: 53\n"
                "    planes: 1000000\n    slots: 10000000\n",
            NAME ":7: ", "planes x slots = 1000000 x 10000000 = 10000000000000 satellites, more than the limit of 2147483647");
    /* two entries within int32 each, beyond it together */
    refused(ODT_TEST_HDR "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 1000, slots: 2000000}\n"
                "  - {source: walker, altitude_km: 560, inclination_deg: 53, planes: 1000, slots: 2000000}\n",
            NAME ":8: ", "fleet entry 2 brings the fleet to 4000000000 satellites, more than the limit of 2147483647");
}

Test(fleet_size, the_memory_estimate_follows_the_field_table)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    double per_sat = 0.0;
    for (int k = 0; k < nf; ++k)
        per_sat += (double)(fi[k].elem_size * (size_t)fi[k].ncomp);
    const double meta = 5 * 4 + ODT_SAT_NAME_LEN;
    cr_assert_float_eq(odt_fleet_memory_bytes(1.0, 0.0), ODT_FLEET_COPIES * per_sat + meta, 1e-9);
    cr_assert_float_eq(odt_fleet_memory_bytes(1e6, 1e6) - odt_fleet_memory_bytes(1e6, 0.0),
                       1e6 * ODT_FLEET_COPIES * (double)sizeof(struct odt_sgp4), 1e-3);
    cr_assert_gt(odt_physical_memory_bytes(), 1e8);
}

Test(fleet_size, a_fleet_larger_than_memory_is_refused_naming_its_entry)
{
    /* before: 1000 x 10^6 satellites aborted in the sanitizer build and printed "out of memory building a
       fleet of 1000000000 satellites" without file or line elsewhere */
    struct odt_scenario sc;
    accepted(ODT_TEST_HDR "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 1000, slots: 1000000}\n",
             &sc);
    struct odt_fleet f;
    struct odt_fleet_meta m;
    char err[1024];
    cr_assert_eq(odt_fleet_build(&sc, &f, &m, err, sizeof err), ODT_ERR_NOMEM);
    cr_assert_not_null(strstr(err, NAME ":7: the fleet of 1000000000 satellites needs about "), "%s", err);
    cr_assert_not_null(strstr(err, " GiB, more than this machine's "), "%s", err);
    cr_assert_null(f.a_km);
    odt_scenario_free(&sc);
    /* the entry that takes the estimate past the memory is named: here the second, with 1 MiB of memory */
    accepted(ODT_TEST_HDR "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 1, slots: 100}\n"
                 "  - {source: walker, altitude_km: 560, inclination_deg: 53, planes: 1, slots: 1000}\n",
             &sc);
    cr_assert_eq(odt_fleet_check_memory(&sc, 1 << 20, err, sizeof err), ODT_ERR_NOMEM);
    cr_assert_not_null(strstr(err, NAME ":8: the fleet of 1100 satellites needs about 0.0 GiB, more than this machine's 0.0 GiB"),
                       "%s", err);
    cr_assert_eq(odt_fleet_check_memory(&sc, 1e12, err, sizeof err), ODT_OK);
    odt_scenario_free(&sc);
}

/* ------------------------------------------------------------------ libxml2 diagnostics: into the one line */

static void redirect_stderr(void) { cr_redirect_stderr(); }

Test(catalog_text, xml_diagnostics_become_the_one_error_line, .init = redirect_stderr)
{
    static const struct {
        const char *text;
        const char *where, *problem;
    } bad[] = {
        {"<?xml version=\"1.0\" encoding=\"bogus\"?>\n<ndm><omm/></ndm>\n", "c.xml:1: ", "Unsupported encoding bogus"},
        {"<?xml version=\"1.0\"?>\n<ndm>\n<omm>&undefined;</omm></ndm>\n", "c.xml:3: ", "Entity 'undefined' not defined"},
        {"<ndm>\n<omm>\n<EPOCH>2006-06-25T00:00:00</EPOCH>\n", "c.xml:", "XML not well formed"},
        {"<ndm></ndm>\n<ndm/>\n", "c.xml:2: ", "XML not well formed"},
        {"<ndm>\n<omm></oops>\n</ndm>\n", "c.xml:2: ", "XML not well formed"},
        {"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<ndm/>\n", "c.xml:1: ", "XML not well formed"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
        struct odt_catalog cat;
        struct skipped_log d = {0, ""};
        struct odt_catalog_options o = {ODT_CATALOG_AUTO, 0, 0, log_skipped, &d};
        char err[1024] = "";
        cr_assert_neq(odt_catalog_read_buffer("c.xml", bad[k].text, strlen(bad[k].text), &o, &cat, err, sizeof err),
                      ODT_OK, "case %zu accepted", k);
        cr_assert_eq(strncmp(err, bad[k].where, strlen(bad[k].where)), 0, "case %zu: %s", k, err);
        cr_assert_not_null(strstr(err, bad[k].problem), "case %zu: %s", k, err);
        cr_assert_null(strchr(err, '\n'), "case %zu: %s", k, err);
        cr_assert_eq(d.count, 0, "case %zu: %s", k, d.first);
    }
    fflush(stderr);
    cr_assert_stderr_eq_str("", "libxml2 wrote to stderr");
}
