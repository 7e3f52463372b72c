/*
 * bench_run.c: end-to-end run benchmark. For each fleet size, a Walker delta
 * shell at 550 km and 53 deg (planes x slots = N), one hour (or --hours) at a
 * 10 s step with 10-minute records of the default outputs, run through
 * odt_run exactly as `odtwin run` does, on one backend and thread count. It
 * prints one line per configuration: satellite-steps per second and the split
 * of the wall time into stepping, transfers (downloads, reductions, events),
 * host work and waiting for the writer; the writer's busy share; the bytes
 * that crossed the backend boundary per satellite-step between records (the
 * one upload and the checkpoints apart; the CSV has both); and the bytes the
 * records take in the file per satellite-record. A machine-readable copy goes to --csv.
 *
 *   bench_run [--sizes 10000,100000,1000000] [--threads 1,2] [--backend cpu|cuda] [--hours H] [--days D]
 *             [--dir DIR] [--csv FILE] [--keep]
 *
 * Targets of the scale work (benchmarks/RESULTS.md): at 10^6 satellites on the CPU, writer busy <= 10 % of
 * wall, transfers <= 2 B per satellite-step, records <= 40 B per satellite-record; at 10^5 satellites, 2
 * threads >= 1.8 times faster than 1 over the whole run.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/run.h"

static int parse_list(const char *s, long *out, int max)
{
    int n = 0;
    while (s && *s && n < max) {
        char *end;
        const double v = strtod(s, &end);
        if (end == s || v < 1)
            return -1;
        out[n++] = (long)v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return n;
}

/* planes x slots closest to a square with planes * slots = n (n itself when prime). */
static void walker_shape(long n, long *planes, long *slots)
{
    long p = (long)floor(sqrt((double)n));
    while (p > 1 && n % p != 0)
        --p;
    *planes = p;
    *slots = n / p;
}

int main(int argc, char **argv)
{
    long sizes[16] = {10000, 100000, 1000000}, threads[8] = {2};
    int ns = 3, nt = 1, keep = 0;
    const char *backend = "cpu", *dir = NULL, *csv = NULL;
    double hours = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            ns = parse_list(argv[++i], sizes, 16);
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            nt = parse_list(argv[++i], threads, 8);
        } else if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
            backend = argv[++i];
        } else if (!strcmp(argv[i], "--hours") && i + 1 < argc) {
            hours = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--days") && i + 1 < argc) {
            hours = 24.0 * atof(argv[++i]);
        } else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
            csv = argv[++i];
        } else if (!strcmp(argv[i], "--keep")) {
            keep = 1;
        } else {
            fprintf(stderr, "usage: bench_run [--sizes N,...] [--threads T,...] [--backend cpu|cuda] [--hours H | "
                            "--days D] [--dir DIR] [--csv FILE] [--keep]\n");
            return 2;
        }
    }
    if (ns <= 0 || nt <= 0 || !(hours > 0.0) || fmod(hours * 3600.0, 600.0) != 0.0) {
        fprintf(stderr, "bench_run: bad --sizes, --threads or --hours (a multiple of 10 minutes)\n");
        return 2;
    }
    char tmpl[512];
    if (!dir) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpl, sizeof tmpl, "%s/odt_bench_run_XXXXXX", base && base[0] ? base : "/tmp");
        if (!mkdtemp(tmpl)) {
            perror("bench_run: mkdtemp");
            return 1;
        }
        dir = tmpl;
    }
    FILE *out = csv ? fopen(csv, "w") : NULL;
    if (csv && !out) {
        perror(csv);
        return 1;
    }
    if (out)
        fprintf(out, "backend,n_sat,threads,steps,wall_s,sat_steps_per_s,step_pct,transfer_pct,host_pct,"
                     "writer_wait_pct,writer_busy_pct,bytes_per_sat_step_loop,bytes_per_sat_step_all,bytes_per_sat_record,"
                     "file_mb,checkpoints\n");
    printf("%-7s %9s %3s %7s %9s %11s %6s %6s %6s %6s %8s %10s %10s %9s\n", "backend", "n_sat", "thr", "steps",
           "wall_s", "sat_steps/s", "step%", "xfer%", "host%", "wait%", "writer%", "B/sat-step", "B/sat-rec",
           "file_MB");
    int rc = 0;
    for (int a = 0; a < ns; ++a)
        for (int b = 0; b < nt; ++b) {
            long planes, slots;
            walker_shape(sizes[a], &planes, &slots);
            char scen[700], h5[700];
            snprintf(scen, sizeof scen, "%s/walker_%ld.yaml", dir, sizes[a]);
            snprintf(h5, sizeof h5, "%s/walker_%ld_t%ld.h5", dir, sizes[a], threads[b]);
            FILE *f = fopen(scen, "w");
            if (!f) {
                perror(scen);
                return 1;
            }
            fprintf(f,
                    "name: bench-walker-%ld\nepoch: 2026-03-20T00:00:00Z\nduration_s: %.0f\nstep_s: 10\n"
                    "snapshot_interval_s: 600\nseed: 1\nshadow: cylindrical\n"
                    "workload: {demand_tokens_per_s: %.6g}\n"
                    "fleet:\n  - name: walker-550\n    source: walker\n    pattern: delta\n    altitude_km: 550\n"
                    "    inclination_deg: 53\n    planes: %ld\n    slots: %ld\n    phasing: 1\n",
                    sizes[a], hours * 3600.0, 2.0e4 * (double)sizes[a], planes, slots);
            fclose(f);
            struct odt_run_options opt;
            memset(&opt, 0, sizeof opt);
            opt.scenario_path = scen;
            opt.output_path = h5;
            opt.backend = backend;
            opt.threads = (int)threads[b];
            opt.quiet = 1;
            struct odt_run_summary s;
            char err[1024] = "";
            if (odt_run(&opt, &s, err, sizeof err) != ODT_OK) {
                fprintf(stderr, "bench_run: %s\n", err);
                rc = 1;
                continue;
            }
            const double w = s.wall_s > 0 ? s.wall_s : 1e-9;
            const double bps = s.satellite_steps_here > 0 ? s.transfer_loop_bytes / s.satellite_steps_here : 0.0;
            const double bps_all = s.satellite_steps_here > 0 ? s.transfer_bytes / s.satellite_steps_here : 0.0;
            const double bpr = s.satellite_records > 0 ? s.record_bytes / s.satellite_records : 0.0;
            printf("%-7s %9zu %3ld %7ld %9.2f %11.4g %6.1f %6.1f %6.1f %6.1f %8.1f %10.3g %10.3g %9.1f\n", s.backend,
                   s.satellites, threads[b], s.steps, s.wall_s, s.sat_steps_per_s, 100 * s.step_wall_s / w,
                   100 * s.transfer_wall_s / w, 100 * s.host_wall_s / w, 100 * s.writer_wait_s / w,
                   100 * s.writer_busy_s / w, bps, bpr, s.file_bytes / 1e6);
            fflush(stdout);
            if (out)
                fprintf(out, "%s,%zu,%ld,%ld,%.4f,%.6g,%.2f,%.2f,%.2f,%.2f,%.2f,%.4g,%.4g,%.4g,%.2f,%ld\n", s.backend,
                        s.satellites, threads[b], s.steps, s.wall_s, s.sat_steps_per_s, 100 * s.step_wall_s / w,
                        100 * s.transfer_wall_s / w, 100 * s.host_wall_s / w, 100 * s.writer_wait_s / w,
                        100 * s.writer_busy_s / w, bps, bps_all, bpr, s.file_bytes / 1e6, s.checkpoints);
            odt_run_summary_free(&s);
            if (!keep) {
                char cp[760];
                unlink(h5);
                snprintf(cp, sizeof cp, "%s.ckpt-0", h5);
                unlink(cp);
                snprintf(cp, sizeof cp, "%s.ckpt-1", h5);
                unlink(cp);
            }
            unlink(scen);
        }
    if (out)
        fclose(out);
    if (dir == tmpl && !keep)
        rmdir(tmpl);
    return rc;
}
