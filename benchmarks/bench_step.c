/*
 * bench_step: satellite-steps per second of the full coupled step (Kepler+J2
 * propagation, shadow, array, power balance, thermal, compute load) for fleets
 * of several sizes, thread counts and each backend present.
 *
 * Each configuration is first validated against the 1-thread CPU reference
 * (bitwise for the CPU, within tolerance for CUDA), then timed; the median of
 * the repeats is reported as one aligned line and as CSV (--csv FILE).
 *
 *   bench_step [--sizes 1000,10000,100000] [--steps 600] [--repeats 3] [--csv out.csv]
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/run.h"
#include "host/scenario.h"
#include "kernels/backend.h"


/* A Walker 53 deg shell of about n satellites at 550 km with the default satellite, or (tle != NULL) the
   objects of a TLE catalogue propagated with SGP4. */
static int make_fleet(size_t n, const char *tle, struct odt_scenario *sc, struct odt_fleet *f,
                      struct odt_fleet_meta *m)
{
    int planes = (int)ceil(sqrt((double)n / 20.0));
    int slots = (int)((n + (size_t)planes - 1) / (size_t)planes);
    char text[1024], err[512];
    if (tle)
        snprintf(text, sizeof text,
                 "name: bench\nepoch: 2026-06-21T00:00:00Z\nduration_s: 86400\nstep_s: 10\nsnapshot_interval_s: 600\n"
                 "fleet:\n  - source: catalog\n    file: %s\n",
                 tle);
    else
        snprintf(text, sizeof text,
                 "name: bench\nepoch: 2026-03-20T00:00:00Z\nduration_s: 86400\nstep_s: 10\nsnapshot_interval_s: 600\n"
                 "fleet:\n  - source: walker\n    altitude_km: 550\n    inclination_deg: 53\n    planes: %d\n"
                 "    slots: %d\n    phasing: 1\n",
                 planes, slots);
    if (odt_scenario_load_text("<bench>", text, strlen(text), sc, err, sizeof err) != ODT_OK ||
        odt_fleet_build(sc, f, m, err, sizeof err) != ODT_OK) {
        fprintf(stderr, "bench_step: %s\n", err);
        return 0;
    }
    return 1;
}

/* Run `steps` steps on ops, in calls of `chunk` steps with a fleet series row every step (as a run does);
   downloads position and payload temperature into out at the end; returns the median time per run. */
static double run_backend(const struct odt_backend_ops *ops, int threads, const struct odt_scenario *sc,
                          const struct odt_fleet *host, const struct odt_fleet_meta *m,
                          const struct odt_step_input *in, int steps, int chunk, int repeats, struct odt_fleet *out)
{
    struct odt_backend_config cfg;
    odt_backend_config_init(&cfg, sc, host, m, chunk, threads);
    cfg.max_series = chunk;
    cfg.sub_steps = 60;
    struct odt_step_input *x = malloc(sizeof *x * (size_t)steps);
    double *series = malloc(sizeof(double) * (size_t)chunk * (size_t)(m->n_classes > 0 ? m->n_classes : 1) * ODT_SV_N);
    if (!x || !series) {
        free(x);
        free(series);
        return -1.0;
    }
    for (int s = 0; s < steps; ++s) {
        x[s] = in[s];
        x[s].series_slot = s % chunk;
        x[s].dispatch_update = s % chunk == 0;
    }
    const int fields[2] = {odt_fleet_field_index("position", 0), odt_fleet_field_index("temperature", 0)};
    struct odt_download req = {2, fields, NULL, 0};
    void *dst[2] = {out->position, out->temperature};
    double times[16];
    repeats = repeats > 16 ? 16 : repeats;
    for (int r = 0; r < repeats; ++r) {
        struct odt_backend *b = NULL;
        char err[256];
        if (ops->create(&b, &cfg, err, sizeof err) != ODT_OK) {
            fprintf(stderr, "bench_step: %s\n", err);
            free(x);
            free(series);
            return -1.0;
        }
        ops->upload(b, host);
        const double t0 = odt_bench_now_s();
        for (int s = 0; s < steps; s += chunk)
            ops->advance(b, x + s, steps - s < chunk ? steps - s : chunk, series);
        ops->download(b, &req, dst);
        ops->download_wait(b); /* includes the device synchronisation */
        times[r] = odt_bench_now_s() - t0;
        ops->destroy(b);
    }
    free(x);
    free(series);
    qsort(times, (size_t)repeats, sizeof times[0], odt_bench_cmp_double);
    return times[repeats / 2];
}

/* Largest deviation of CPU/GPU outputs: position km and relative power. */
static double max_diff(const struct odt_fleet *a, const struct odt_fleet *b)
{
    double d = 0.0;
    for (size_t i = 0; i < 3 * a->n; ++i)
        d = fmax(d, fabs(a->position[i] - b->position[i]));
    for (size_t i = 0; i < a->n; ++i)
        d = fmax(d, fabs(a->temperature[i] - b->temperature[i]) / a->temperature[i]);
    return d;
}

int main(int argc, char **argv)
{
    size_t sizes[16] = {1000, 10000, 100000};
    int nsizes = 3, steps = 600, repeats = 3;
    const char *csv = NULL, *tle = NULL;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            nsizes = 0;
            for (char *tok = strtok(argv[++i], ","); tok && nsizes < 16; tok = strtok(NULL, ","))
                sizes[nsizes++] = (size_t)strtoull(tok, NULL, 10);
        } else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
            steps = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) {
            repeats = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
            csv = argv[++i];
        } else if (!strcmp(argv[i], "--tle") && i + 1 < argc) {
            tle = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_step [--sizes N,N,...] [--steps K] [--repeats R] [--csv FILE] [--tle FILE]\n"
                            "  --tle: an SGP4 fleet of the catalogue's objects instead of Walker shells (--sizes ignored)\n");
            return 2;
        }
    }
    if (steps <= 0 || repeats <= 0) {
        fprintf(stderr, "bench_step: --steps and --repeats must be positive\n");
        return 2;
    }
    FILE *fcsv = csv ? fopen(csv, "w") : NULL;
    if (csv && !fcsv) {
        fprintf(stderr, "bench_step: cannot write %s\n", csv);
        return 1;
    }
    if (fcsv)
        fprintf(fcsv, "benchmark,backend,n_sat,threads,steps,seconds,sat_steps_per_s\n");
    const int chunk = 60;
    const int max_threads = omp_get_max_threads();
    char why[160];
    const int have_cuda = odt_backend_cuda_ops() && odt_cuda_device_count(why, sizeof why) > 0;
    printf("%-10s %-6s %10s %7s %7s %10s %16s\n", "benchmark", "backend", "n_sat", "threads", "steps", "seconds",
           "sat_steps_per_s");
    int failed = 0;
    if (tle)
        nsizes = 1;
    const char *label = tle ? "sgp4_full" : "full_step";
    for (int z = 0; z < nsizes; ++z) {
        struct odt_scenario sc;
        struct odt_fleet host, ref, got;
        struct odt_fleet_meta m;
        if (!make_fleet(sizes[z], tle, &sc, &host, &m))
            return 1;
        odt_fleet_alloc(&ref, host.n);
        odt_fleet_alloc(&got, host.n);
        struct odt_step_input *in = malloc(sizeof *in * (size_t)steps);
        for (int s = 0; s < steps; ++s)
            odt_step_input_at(&sc.epoch, (s + 1) * sc.step_s, sc.step_s, &in[s]);
        /* reference: 1 thread (also its timing) */
        double t = run_backend(&odt_backend_cpu, 1, &sc, &host, &m, in, steps, chunk, repeats, &ref);
        printf("%-10s %-6s %10zu %7d %7d %10.4f %16.4g\n", label, "cpu", host.n, 1, steps, t,
               (double)host.n * steps / t);
        if (fcsv)
            fprintf(fcsv, "%s,cpu,%zu,1,%d,%.6f,%.6g\n", label, host.n, steps, t, (double)host.n * steps / t);
        for (int th = 2; th <= max_threads; th *= 2) {
            t = run_backend(&odt_backend_cpu, th, &sc, &host, &m, in, steps, chunk, repeats, &got);
            if (memcmp(got.position, ref.position, sizeof(double) * 3 * host.n) != 0 ||
                memcmp(got.temperature, ref.temperature, sizeof(double) * host.n) != 0) {
                fprintf(stderr, "bench_step: %d threads differ from 1 thread: not timed\n", th);
                failed = 1;
                continue;
            }
            printf("%-10s %-6s %10zu %7d %7d %10.4f %16.4g\n", label, "cpu", host.n, th, steps, t,
                   (double)host.n * steps / t);
            if (fcsv)
                fprintf(fcsv, "%s,cpu,%zu,%d,%d,%.6f,%.6g\n", label, host.n, th, steps, t, (double)host.n * steps / t);
        }
        if (have_cuda) {
            t = run_backend(odt_backend_cuda_ops(), 0, &sc, &host, &m, in, steps, chunk, repeats, &got);
            const double d = max_diff(&ref, &got);
            if (!(d < 1e-6)) {
                fprintf(stderr, "bench_step: cuda differs from cpu by %g: not timed\n", d);
                failed = 1;
            } else {
                printf("%-10s %-6s %10zu %7d %7d %10.4f %16.4g\n", label, "cuda", host.n, 0, steps, t,
                       (double)host.n * steps / t);
                if (fcsv)
                    fprintf(fcsv, "%s,cuda,%zu,0,%d,%.6f,%.6g\n", label, host.n, steps, t, (double)host.n * steps / t);
            }
        }
        free(in);
        odt_fleet_free(&ref);
        odt_fleet_free(&got);
        odt_fleet_free(&host);
        odt_fleet_meta_free(&m);
        odt_scenario_free(&sc);
    }
    if (fcsv)
        fclose(fcsv);
    return failed;
}
