/*
 * test_util.h: helpers shared by the test programs (each includes it after
 * criterion/criterion.h).
 */
#ifndef ODT_TEST_UTIL_H
#define ODT_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/run.h"
#include "host/scenario.h"

/* The whole text of a file (malloc'd, NUL-terminated); fails the test when unreadable. */
static inline char *odt_test_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A new temporary folder <$TMPDIR or /tmp>/odt_<tag>_XXXXXX into dir (len bytes); fails the test otherwise.
   The including file defines _POSIX_C_SOURCE 200809L (mkdtemp). */
static inline void odt_test_mkdtemp(char *dir, size_t len, const char *tag)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, len, "%s/odt_%s_XXXXXX", base && base[0] ? base : "/tmp", tag);
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
}

/* Remove a temporary folder and everything in it. */
static inline void odt_test_rmtree(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* odt_run of a scenario file (NULL with resume) into out, quietly, on the CPU; fails the test on error. */
static inline void odt_test_run(const char *scenario, const char *out, const char *resume, long stop_after,
                                int threads, struct odt_run_summary *sum)
{
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = scenario;
    opt.output_path = out;
    opt.resume_path = resume;
    opt.backend = "cpu";
    opt.threads = threads;
    opt.quiet = 1;
    opt.stop_after_snapshots = stop_after;
    char err[1024] = "";
    cr_assert_eq(odt_run(&opt, sum, err, sizeof err), ODT_OK, "odt_run: %s", err);
    if (out)
        cr_assert_str_eq(sum->output, out, "the summary names the output");
    odt_run_summary_free(sum);
}

/* A scenario file in dir made of the scenario at `base` followed by `extra` (more top-level keys). */
static inline void odt_test_scenario_plus(const char *base, const char *extra, const char *path)
{
    char *text = odt_test_read_text(base);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fprintf(f, "%s\n%s\n", text, extra);
    fclose(f);
    free(text);
}


/* ------------------------------------------------------------------ scenario texts of the input tests */

/* lines 1-5 of a valid scenario */
#define ODT_TEST_HDR                                                                                           \
    "name: t\n"                                                                                                \
    "epoch: 2026-06-21T00:00:00Z\n"                                                                            \
    "duration_s: 3600\n"                                                                                       \
    "step_s: 10\n"                                                                                             \
    "snapshot_interval_s: 600\n"

/* a valid walker fleet of 6 satellites: lines 6-13 when it follows ODT_TEST_HDR */
#define ODT_TEST_WALKER                                                                                        \
    "fleet:\n"                      /* 6 */                                                                    \
    "  - name: a\n"                 /* 7 */                                                                    \
    "    source: walker\n"          /* 8 */                                                                    \
    "    altitude_km: 550\n"        /* 9 */                                                                    \
    "    inclination_deg: 53\n"     /* 10 */                                                                   \
    "    planes: 2\n"               /* 11 */                                                                   \
    "    slots: 3\n"                /* 12 */                                                                   \
    "    phasing: 1\n"              /* 13 */

/*
 * odt_test_refused: len bytes of text, loaded as scenario file `name`, must be
 * refused: with status want (ODT_OK: any failure), one line that starts with
 * `where` (where_first) or starts with the file name and contains `where`,
 * and contains `problem`; nothing of the scenario is left allocated. tline:
 * the test's line, for the messages.
 */
static inline void odt_test_refused(const char *name, const char *text, size_t len, enum odt_status want,
                                    const char *where, int where_first, const char *problem, int tline)
{
    struct odt_scenario sc;
    char err[1024] = "";
    const enum odt_status st = odt_scenario_load_text(name, text, len, &sc, err, sizeof err);
    cr_assert_neq(st, ODT_OK, "(test line %d) accepted a bad scenario", tline);
    if (want != ODT_OK)
        cr_assert_eq(st, want, "(test line %d) status %d, expected %d; message: %s", tline, st, want, err);
    if (where_first)
        cr_assert_eq(strncmp(err, where, strlen(where)), 0, "(test line %d) message does not start with '%s': %s",
                     tline, where, err);
    else {
        cr_assert_eq(strncmp(err, name, strlen(name)), 0, "(test line %d) message does not start with the file: %s",
                     tline, err);
        cr_assert_not_null(strstr(err, where), "(test line %d) message lacks '%s': %s", tline, where, err);
    }
    cr_assert_not_null(strstr(err, problem), "(test line %d) message lacks '%s': %s", tline, problem, err);
    cr_assert_null(strchr(err, '\n'), "(test line %d) message spans lines: %s", tline, err);
    cr_assert_null(sc.text, "(test line %d) scenario text left allocated after a failure", tline);
    cr_assert_null(sc.shells, "(test line %d) fleet entries left allocated after a failure", tline);
    cr_assert_eq(sc.n_shells, 0, "(test line %d)", tline);
}

#endif /* ODT_TEST_UTIL_H */
