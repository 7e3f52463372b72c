/*
 * bench_step: satellite-steps per second of the full coupled step (Kepler+J2
 * propagation, shadow, array, power balance, thermal, compute load) for fleets
 * of several sizes, thread counts and each backend present.
 *
 * Each configuration runs as the run loop does between records (calls of 60
 * steps, a fleet series row on every step, the event rows collected after
 * every call, the validated fields downloaded only at the end) and is
 * validated against the 1-thread CPU reference before it is reported:
 * bitwise for the CPU (positions, temperatures, every series row, the number
 * of event rows); for CUDA positions within 1e-6 km and temperatures within
 * 1e-6 relative, series sums within 1e-3 of each variable's largest value (a
 * satellite whose shadow the two backends see one step apart moves a sum by
 * one satellite's share) and the event rows within 0.1 % + 2. The median of
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

/* Tokens per unit of capacity in each 10 s step: 40 % of what the nodes can serve, so the queues work. */
#define DEMAND_FACTOR_S 4.0

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

/* What a timed run leaves for the validation: the final positions ([i][c]) and payload temperatures, the fleet
   series of every step and the number of event rows collected. */
struct bench_out {
    size_t n;
    int nc;
    double *pos, *temp, *series;
    size_t events;
};

static void out_free(struct bench_out *o)
{
    free(o->pos);
    free(o->temp);
    free(o->series);
    memset(o, 0, sizeof *o);
}

/* Steps between two event compactions, as the run chooses them: ODT_EV_ORBITS_PER_SUB orbits of the fastest
   satellite. */
static int run_sub_steps(const struct odt_fleet *f, double step_s)
{
    double min_period = HUGE_VAL;
    for (size_t i = 0; i < f->n; ++i)
        if (f->a_km[i] > 0.0) {
            const double p = ODT_TWOPI * sqrt(f->a_km[i] * f->a_km[i] * f->a_km[i] / ODT_EARTH_MU_KM3_S2);
            min_period = p < min_period ? p : min_period;
        }
    const double k = floor(ODT_EV_ORBITS_PER_SUB * min_period / step_s);
    return k < 1.0 ? 1 : (k > 1e6 ? 1000000 : (int)k);
}

/*
 * Run `steps` steps on ops as the run loop does between records: calls of
 * `chunk` steps (one dispatch interval each: its first step updates the
 * dispatch weights) with a fleet series row on every step, sub-batches as the
 * run sizes them, the event rows collected after every call; the masked
 * download of the validated fields (position, payload temperature) only at
 * the end, into host_alloc buffers (it includes the device synchronisation).
 * Fills out (from the last repeat); returns the median time per run, or a
 * negative value on a failure.
 */
static double run_backend(const struct odt_backend_ops *ops, int threads, const struct odt_scenario *sc,
                          const struct odt_fleet *host, const struct odt_fleet_meta *m,
                          const struct odt_step_input *in, int steps, int chunk, int repeats, struct bench_out *out)
{
    struct odt_backend_config cfg;
    odt_backend_config_init(&cfg, sc, host, m, chunk, threads);
    cfg.max_series = chunk;
    cfg.sub_steps = run_sub_steps(host, sc->step_s);
    const int nc = m->n_classes > 0 ? m->n_classes : 1;
    const size_t n = host->n, row = (size_t)nc * ODT_SV_N;
    out_free(out);
    out->n = n;
    out->nc = nc;
    out->pos = malloc(sizeof(double) * 3 * n);
    out->temp = malloc(sizeof(double) * n);
    out->series = malloc(sizeof(double) * row * (size_t)steps);
    struct odt_step_input *x = malloc(sizeof *x * (size_t)steps);
    if (!out->pos || !out->temp || !out->series || !x) {
        fprintf(stderr, "bench_step: out of memory\n");
        free(x);
        return -1.0;
    }
    for (int s = 0; s < steps; ++s) {
        x[s] = in[s];
        x[s].series_slot = s % chunk;
        x[s].dispatch_update = s % chunk == 0;
    }
    const int fld[2] = {odt_fleet_field_index("position", 0), odt_fleet_field_index("temperature", 0)};
    const struct odt_download req = {2, fld, NULL, 0};
    double times[16];
    repeats = repeats > 16 ? 16 : repeats;
    for (int r = 0; r < repeats; ++r) {
        struct odt_backend *b = NULL;
        char err[256];
        if (ops->create(&b, &cfg, err, sizeof err) != ODT_OK) {
            fprintf(stderr, "bench_step: %s\n", err);
            free(x);
            return -1.0;
        }
        void *dst[2] = {ops->host_alloc(b, sizeof(double) * 3 * n), ops->host_alloc(b, sizeof(double) * n)};
        enum odt_status st = dst[0] && dst[1] ? ops->upload(b, host) : ODT_ERR_NOMEM;
        size_t events = 0;
        const double t0 = odt_bench_now_s();
        for (int s = 0; s < steps && st == ODT_OK; s += chunk) {
            st = ops->advance(b, x + s, steps - s < chunk ? steps - s : chunk, out->series + (size_t)s * row);
            const struct odt_event_row *rows = NULL;
            size_t nrows = 0;
            if (st == ODT_OK)
                st = ops->collect_events(b, &rows, &nrows);
            events += nrows;
        }
        if (st == ODT_OK && (st = ops->download(b, &req, dst)) == ODT_OK)
            st = ops->download_wait(b);
        times[r] = odt_bench_now_s() - t0;
        if (st == ODT_OK) {
            memcpy(out->pos, dst[0], sizeof(double) * 3 * n);
            memcpy(out->temp, dst[1], sizeof(double) * n);
            out->events = events;
        } else {
            fprintf(stderr, "bench_step: %s backend: %s\n", ops->name, ops->last_error(b));
        }
        ops->host_free(b, dst[0]);
        ops->host_free(b, dst[1]);
        ops->destroy(b);
        if (st != ODT_OK) {
            free(x);
            return -1.0;
        }
    }
    free(x);
    qsort(times, (size_t)repeats, sizeof times[0], odt_bench_cmp_double);
    return times[repeats / 2];
}

/* The CPU on any thread count must reproduce the 1-thread run bit for bit: state, series and event count. */
static int same_bits(const struct bench_out *a, const struct bench_out *b, int steps)
{
    const size_t row = (size_t)a->nc * ODT_SV_N;
    return !memcmp(a->pos, b->pos, sizeof(double) * 3 * a->n) && !memcmp(a->temp, b->temp, sizeof(double) * a->n) &&
           !memcmp(a->series, b->series, sizeof(double) * row * (size_t)steps) && a->events == b->events;
}

/* Largest deviation of CPU/GPU outputs: position km and relative temperature. */
static double max_diff(const struct bench_out *a, const struct bench_out *b)
{
    double d = 0.0;
    for (size_t i = 0; i < 3 * a->n; ++i)
        d = fmax(d, fabs(a->pos[i] - b->pos[i]));
    for (size_t i = 0; i < a->n; ++i)
        d = fmax(d, fabs(a->temp[i] - b->temp[i]) / a->temp[i]);
    return d;
}

/* Largest deviation of the series sums, relative to each variable's largest |value| over the run. */
static double max_series_diff(const struct bench_out *a, const struct bench_out *b, int steps)
{
    const size_t row = (size_t)a->nc * ODT_SV_N;
    double d = 0.0;
    for (size_t q = 0; q < row; ++q) {
        if (q % ODT_SV_N >= ODT_SV_N_SUMS)
            continue;
        double scale = 0.0, worst = 0.0;
        for (int s = 0; s < steps; ++s) {
            scale = fmax(scale, fabs(a->series[(size_t)s * row + q]));
            worst = fmax(worst, fabs(a->series[(size_t)s * row + q] - b->series[(size_t)s * row + q]));
        }
        if (scale > 0.0)
            d = fmax(d, worst / scale);
    }
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
        struct odt_fleet host;
        struct odt_fleet_meta m;
        struct bench_out ref, got;
        memset(&ref, 0, sizeof ref);
        memset(&got, 0, sizeof got);
        if (!make_fleet(sizes[z], tle, &sc, &host, &m))
            return 1;
        struct odt_step_input *in = malloc(sizeof *in * (size_t)steps);
        for (int s = 0; s < steps; ++s) {
            odt_step_input_at(&sc.epoch, (s + 1) * sc.step_s, sc.step_s, &in[s]);
            in[s].demand_factor = DEMAND_FACTOR_S;
        }
        /* reference: 1 thread (also its timing) */
        double t = run_backend(&odt_backend_cpu, 1, &sc, &host, &m, in, steps, chunk, repeats, &ref);
        if (t < 0.0)
            return 1;
        printf("%-10s %-6s %10zu %7d %7d %10.4f %16.4g\n", label, "cpu", host.n, 1, steps, t,
               (double)host.n * steps / t);
        if (fcsv)
            fprintf(fcsv, "%s,cpu,%zu,1,%d,%.6f,%.6g\n", label, host.n, steps, t, (double)host.n * steps / t);
        for (int th = 2; th <= max_threads; th *= 2) {
            t = run_backend(&odt_backend_cpu, th, &sc, &host, &m, in, steps, chunk, repeats, &got);
            if (t < 0.0 || !same_bits(&ref, &got, steps)) {
                fprintf(stderr, "bench_step: %d threads differ from 1 thread (state, series or events): not timed\n",
                        th);
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
            const double d = t < 0.0 ? HUGE_VAL : max_diff(&ref, &got);
            const double ds = t < 0.0 ? HUGE_VAL : max_series_diff(&ref, &got, steps);
            const double de = fabs((double)ref.events - (double)got.events);
            if (!(d < 1e-6) || !(ds < 1e-3) || de > 2.0 + 1e-3 * (double)ref.events) {
                fprintf(stderr,
                        "bench_step: cuda differs from cpu (state %g, series %g, %zu vs %zu event rows): not timed\n",
                        d, ds, got.events, ref.events);
                failed = 1;
            } else {
                printf("%-10s %-6s %10zu %7d %7d %10.4f %16.4g\n", label, "cuda", host.n, 0, steps, t,
                       (double)host.n * steps / t);
                if (fcsv)
                    fprintf(fcsv, "%s,cuda,%zu,0,%d,%.6f,%.6g\n", label, host.n, steps, t, (double)host.n * steps / t);
            }
        }
        free(in);
        out_free(&ref);
        out_free(&got);
        odt_fleet_free(&host);
        odt_fleet_meta_free(&m);
        odt_scenario_free(&sc);
    }
    if (fcsv)
        fclose(fcsv);
    return failed;
}
