/*
 * bench_catalog: load speed of the catalogue readers (host/catalog.h) on a
 * generated catalogue (tests/catalog_gen.h) of N distinct element sets,
 * written as TLE and as CCSDS OMM KVN, XML, JSON and CSV from the same
 * numbers.
 *
 *   bench_catalog [--entries 20000] [--repeats 5] [--write DIR]
 *
 * For each format: the buffer is built once, then odt_catalog_load_buffer is
 * timed `repeats` times (parse, checks and element conversion; no file I/O:
 * the text is in memory). One line per format: bytes, median and best time,
 * entries per second at the median. The loaded catalogue is checked (every
 * entry accepted, none refused) before anything is printed. --write DIR also
 * writes each text to DIR/generated.{tle,kvn,xml,json,csv}, so that other
 * readers can be timed on the same input (e.g. python-sgp4's twoline2rv).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "host/catalog.h"
#include "tests/catalog_gen.h"

static void count_diag(void *ctx, const char *file, int line, const char *msg)
{
    int *n = (int *)ctx;
    if (!(*n)++)
        fprintf(stderr, "bench_catalog: %s:%d: %s\n", file, line, msg);
}

int main(int argc, char **argv)
{
    long n = 20000;
    int repeats = 5;
    const char *dir = NULL;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--entries") && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--write") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_catalog [--entries N] [--repeats R] [--write DIR]\n");
            return 2;
        }
    }
    if (n < 1 || n > 10000000 || repeats < 1 || repeats > 1000) {
        fprintf(stderr, "bench_catalog: --entries 1..10000000, --repeats 1..1000\n");
        return 2;
    }
    static const enum odt_catalog_format fmts[] = {ODT_CATALOG_TLE, ODT_CATALOG_OMM_KVN, ODT_CATALOG_OMM_XML,
                                                   ODT_CATALOG_OMM_JSON, ODT_CATALOG_OMM_CSV};
    static const char *const ext[] = {"tle", "kvn", "xml", "json", "csv"};
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!t)
        return 1;
    printf("# bench_catalog: %ld generated entries, %d repeats, text in memory\n", n, repeats);
    printf("%-9s %10s %10s %10s %14s\n", "format", "MB", "median_s", "best_s", "entries_per_s");
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; ++f) {
        size_t len;
        char *text = gen_catalog(fmts[f], n, &len);
        char name[64];
        snprintf(name, sizeof name, "generated.%s", ext[f]);
        if (dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            FILE *o = fopen(path, "wb");
            if (!o || fwrite(text, 1, len, o) != len || fclose(o) != 0) {
                fprintf(stderr, "bench_catalog: cannot write %s\n", path);
                return 1;
            }
        }
        for (int r = 0; r < repeats; ++r) {
            struct odt_catalog c;
            int diags = 0;
            const double t0 = odt_bench_now_s();
            const enum odt_status st =
                odt_catalog_load_buffer(name, text, len, ODT_CATALOG_AUTO, 1, count_diag, &diags, &c);
            t[r] = odt_bench_now_s() - t0;
            if (st != ODT_OK || diags || c.n != (size_t)n || c.format != fmts[f]) {
                fprintf(stderr, "bench_catalog: %s: status %d, %d diagnostics, %zu of %ld entries\n", name, (int)st,
                        diags, st == ODT_OK ? c.n : 0, n);
                return 1;
            }
            odt_catalog_free(&c);
        }
        qsort(t, (size_t)repeats, sizeof *t, odt_bench_cmp_double);
        const double med = t[repeats / 2];
        printf("%-9s %10.2f %10.4f %10.4f %14.0f\n", odt_catalog_format_name(fmts[f]), (double)len / 1e6, med, t[0],
               (double)n / med);
        free(text);
    }
    free(t);
    return 0;
}
