/*
 * bench_sgp4: SGP4 propagation throughput (satellite-steps per second) of a
 * TLE/OMM catalogue over a grid of times, the workload python-sgp4's
 * SatrecArray.sgp4(jd, fr) does: every satellite at every time, TEME states
 * written to (n_sat x n_times x 3) arrays of position and velocity.
 *
 *   bench_sgp4 CATALOG [--minutes 1440] [--step 1] [--threads 1,2] [--repeats 3]
 *              [--dump FILE] [--csv FILE]
 *
 * Times are minutes since each object's epoch (0, step, ...). --dump writes
 * the states at three times (first, middle, last) of every object as text
 * "index t x y z vx vy vz" so another implementation can be compared before
 * timing (benchmarks/sgp4_vs_python.py does).
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include "host/catalog.h"
#include "orbit/sgp4.h"


/* Propagate every record at every time; returns the number of failed states. */
static long propagate_all(const struct odt_sgp4 *rec, long n, const double *t, int nt, double *r, double *v,
                          int threads)
{
    long failed = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : failed)
    for (long i = 0; i < n; ++i) {
        struct odt_sgp4_resonance res = {0.0, 0.0, 0.0};
        for (int k = 0; k < nt; ++k) {
            double *rr = r + ((size_t)i * (size_t)nt + (size_t)k) * 3;
            double *vv = v + ((size_t)i * (size_t)nt + (size_t)k) * 3;
            if (odt_sgp4_propagate(&rec[i], &res, t[k], rr, vv) != ODT_SGP4_OK) {
                rr[0] = rr[1] = rr[2] = vv[0] = vv[1] = vv[2] = NAN;
                ++failed;
            }
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *dump = NULL, *csv = NULL;
    double minutes = 1440.0, step = 1.0;
    int threads_list[16] = {1, 2}, nthreads = 2, repeats = 3;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--minutes") && i + 1 < argc)
            minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--step") && i + 1 < argc)
            step = atof(argv[++i]);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            nthreads = 0;
            for (char *tok = strtok(argv[++i], ","); tok && nthreads < 16; tok = strtok(NULL, ","))
                threads_list[nthreads++] = atoi(tok);
        } else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, "usage: bench_sgp4 CATALOG [--minutes M] [--step S] [--threads 1,2] [--repeats R] "
                            "[--dump FILE] [--csv FILE]\n");
            return 2;
        }
    }
    if (!path || !(step > 0.0) || !(minutes > 0.0) || repeats < 1 || repeats > 31) {
        fprintf(stderr, "bench_sgp4: need a catalogue, step > 0, minutes > 0, 1 <= repeats <= 31\n");
        return 2;
    }
    struct odt_catalog cat;
    if (odt_catalog_load(path, ODT_CATALOG_AUTO, 1, NULL, NULL, &cat) != ODT_OK || cat.n == 0) {
        fprintf(stderr, "bench_sgp4: cannot load %s\n", path);
        return 1;
    }
    const long n = (long)cat.n;
    const int nt = (int)floor(minutes / step + 1e-9);
    struct odt_sgp4 *rec = malloc(sizeof *rec * (size_t)n);
    double *t = malloc(sizeof *t * (size_t)nt);
    double *r = malloc(sizeof *r * (size_t)n * (size_t)nt * 3);
    double *v = malloc(sizeof *v * (size_t)n * (size_t)nt * 3);
    if (!rec || !t || !r || !v) {
        fprintf(stderr, "bench_sgp4: out of memory for %ld x %d states\n", n, nt);
        return 1;
    }
    const double t_init0 = odt_bench_now_s();
    for (long i = 0; i < n; ++i)
        odt_sgp4_init(&rec[i], &cat.entries[i], ODT_SGP4_WGS72, 'i');
    const double t_init = odt_bench_now_s() - t_init0;
    for (int k = 0; k < nt; ++k)
        t[k] = k * step;

    FILE *fcsv = csv ? fopen(csv, "w") : NULL;
    if (fcsv)
        fprintf(fcsv, "benchmark,backend,n_sat,threads,steps,seconds,sat_steps_per_s\n");
    printf("# %ld objects x %d times (init %.4f s)\n", n, nt, t_init);
    printf("%-10s %-6s %10s %7s %7s %10s %16s\n", "benchmark", "backend", "n_sat", "threads", "steps", "seconds",
           "sat_steps_per_s");
    long failed = 0;
    for (int z = 0; z < nthreads; ++z) {
        double times[31];
        for (int rpt = 0; rpt < repeats; ++rpt) {
            const double t0 = odt_bench_now_s();
            failed = propagate_all(rec, n, t, nt, r, v, threads_list[z]);
            times[rpt] = odt_bench_now_s() - t0;
        }
        qsort(times, (size_t)repeats, sizeof times[0], odt_bench_cmp_double);
        const double med = times[repeats / 2];
        const double rate = (double)n * nt / med;
        printf("%-10s %-6s %10ld %7d %7d %10.4f %16.4g\n", "sgp4_prop", "cpu", n, threads_list[z], nt, med, rate);
        if (fcsv)
            fprintf(fcsv, "sgp4_prop,cpu,%ld,%d,%d,%.6f,%.6g\n", n, threads_list[z], nt, med, rate);
    }
    if (failed)
        printf("# %ld states failed (SGP4 error codes), written as NaN\n", failed);
    if (dump) {
        FILE *fd = fopen(dump, "w");
        if (!fd) {
            fprintf(stderr, "bench_sgp4: cannot write %s\n", dump);
            return 1;
        }
        const int ks[3] = {0, nt / 2, nt - 1};
        for (long i = 0; i < n; ++i)
            for (int q = 0; q < 3; ++q) {
                const double *rr = r + ((size_t)i * (size_t)nt + (size_t)ks[q]) * 3;
                const double *vv = v + ((size_t)i * (size_t)nt + (size_t)ks[q]) * 3;
                fprintf(fd, "%ld %.6f %.10f %.10f %.10f %.13f %.13f %.13f\n", i, t[ks[q]], rr[0], rr[1], rr[2],
                        vv[0], vv[1], vv[2]);
            }
        fclose(fd);
    }
    if (fcsv)
        fclose(fcsv);
    free(rec);
    free(t);
    free(r);
    free(v);
    odt_catalog_free(&cat);
    return 0;
}
