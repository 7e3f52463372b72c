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

#endif /* ODT_TEST_UTIL_H */
