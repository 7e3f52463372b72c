/*
 * bench_h5io: writing speed and size of snapshot records through the HDF5
 * compression pool (host/h5io.h), to choose the default deflate level.
 *
 *   bench_h5io [--sats 1000000] [--records 3] [--threads 1,2] [--levels 0,1,3,6]
 *              [--repeats 3] [--dir DIR] [--csv FILE]
 *
 * A synthetic fleet of N satellites writes R records of 8 float32 fields
 * [R, N], each with the content a run gives it: position x, y, z (km, ~7000 km
 * circular orbits, satellites in order along their planes), solar array and
 * radiator temperatures (K, 250-330), solar and payload power (W, 0-20 kW,
 * zeros in eclipse) and battery state of charge (1). Every value changes
 * smoothly with the satellite index and the time, plus float32 noise of the
 * magnitude a simulation's round-off and random inputs give it.
 *
 * For each deflate level and thread count, `repeats` times: a new file (the
 * snapshot's format), R odt_h5_pool_append calls of the 8 fields and the
 * closing of the file are timed (the file goes to the page cache: this is the
 * cost to the writer, not the disk's speed). The first file is read back and
 * compared with the input before anything is printed. One line per
 * configuration: level, threads, MB/s of raw input (10^6 B/s, median time),
 * compression ratio (raw / file size), file bytes per satellite-record (all 8
 * fields), and the pool's compress seconds (summed over threads) and write
 * seconds, per repeat.
 */
#define _POSIX_C_SOURCE 200809L

#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_util.h"

#include "host/h5io.h"
#include "orbit/odt_defs.h"

enum { NFIELD = 8 };
static const char *const field_names[NFIELD] = {"pos_x", "pos_y", "pos_z", "temp_array", "temp_radiator",
                                                "p_solar", "p_payload", "soc"};
static const char *const field_units[NFIELD] = {"km", "km", "km", "K", "K", "W", "W", "1"};

/* Deterministic noise in [-1, 1). */
static float noise(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (float)((double)(x >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

/* Record r of the fleet: field f of satellite i at v[f][i]. Planes of 40 satellites, 72 planes per shell
   at inclination 53 deg, the shells at 550, 570, ... km; time step 60 s. */
static void make_record(float *const *v, size_t n, int r)
{
    const double t = 60.0 * r, mu = 398600.4418, inc = 53.0 * ODT_PI / 180.0;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; ++i) {
        const size_t plane = i / 40, slot = i % 40, shell = plane / 72;
        const double a = 6378.137 + 550.0 + 20.0 * (double)shell;
        const double nmot = sqrt(mu / (a * a * a));
        const double raan = 2.0 * ODT_PI * (double)(plane % 72) / 72.0;
        const double u = 2.0 * ODT_PI * (double)slot / 40.0 + nmot * t + 0.01 * (double)plane;
        const double cu = cos(u), su = sin(u), co = cos(raan), so = sin(raan);
        const double x = a * (cu * co - su * cos(inc) * so), y = a * (cu * so + su * cos(inc) * co),
                     z = a * su * sin(inc);
        const uint64_t key = ((uint64_t)r << 40) ^ (uint64_t)i * 8u;
        /* the Sun along +x: eclipse behind the Earth */
        const int dark = x < 0.0 && y * y + z * z < 6378.137 * 6378.137;
        const double load = 0.75 + 0.2 * sin(1e-3 * (double)i + 1e-4 * t); /* demand share, smooth */
        v[0][i] = (float)x;
        v[1][i] = (float)y;
        v[2][i] = (float)z;
        v[3][i] = (float)((dark ? 255.0 : 320.0) + 5.0 * cos(u) + 0.01 * noise(key + 3));
        v[4][i] = (float)(270.0 + 20.0 * load + 0.01 * noise(key + 4));
        v[5][i] = dark ? 0.0f : (float)(18000.0 * (0.9 + 0.1 * cu) + 0.5 * noise(key + 5));
        v[6][i] = (float)(20000.0 * load + 2.0 * noise(key + 6));
        v[7][i] = (float)(0.8 + 0.15 * sin(u) + 1e-4 * noise(key + 7));
    }
}

static int parse_list(const char *s, int *out, int cap)
{
    int n = 0;
    while (*s && n < cap) {
        char *end;
        out[n++] = (int)strtol(s, &end, 10);
        if (end == s)
            return -1;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* Write the fleet's records to path at one level with one pool size, timed from the file's creation to its
   closing; validate: read it back and compare. Returns 0, or 1 with a message. */
static int write_once(const char *path, const float *data, size_t n, size_t nrec, int level, int th, int validate,
                      float *back, double *sec, double *bytes, double *cs, double *ws)
{
    const double t0 = odt_bench_now_s();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    struct odt_h5_series s[NFIELD];
    struct odt_h5_series *sp[NFIELD];
    memset(s, 0, sizeof s);
    const hsize_t dims[2] = {0, (hsize_t)n};
    int bad = file < 0;
    for (int f = 0; f < NFIELD && !bad; ++f) {
        bad = odt_h5_series_create(&s[f], file, field_names[f], H5T_NATIVE_FLOAT, 2, dims, level, field_units[f],
                                   NULL) < 0;
        sp[f] = &s[f];
    }
    struct odt_h5_pool *pool = bad ? NULL : odt_h5_pool_create(th);
    bad = bad || !pool;
    for (size_t r = 0; r < nrec && !bad; ++r) {
        const void *bufs[NFIELD];
        for (int f = 0; f < NFIELD; ++f)
            bufs[f] = data + ((size_t)f * nrec + r) * n;
        bad = odt_h5_pool_append(pool, sp, bufs, NFIELD) < 0;
    }
    char line[512] = "";
    if (bad)
        odt_h5_error_line(line, sizeof line);
    odt_h5_pool_stats(pool, NULL, NULL, cs, ws);
    odt_h5_pool_free(pool);
    for (int f = 0; f < NFIELD; ++f)
        odt_h5_series_close(&s[f]);
    if (file >= 0 && H5Fclose(file) < 0 && !bad) {
        bad = 1;
        odt_h5_error_line(line, sizeof line);
    }
    *sec = odt_bench_now_s() - t0;
    if (bad) {
        fprintf(stderr, "bench_h5io: level %d, %d threads: HDF5 error while writing %s: %s\n", level, th, path, line);
        return 1;
    }
    struct stat st;
    *bytes = stat(path, &st) == 0 ? (double)st.st_size : NAN;
    if (validate) {
        file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        bad = file < 0;
        for (int f = 0; f < NFIELD && !bad; ++f) {
            hid_t d = H5Dopen2(file, field_names[f], H5P_DEFAULT);
            bad = d < 0 || H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) < 0 ||
                  memcmp(back, data + (size_t)f * nrec * n, sizeof(float) * n * nrec) != 0;
            if (d >= 0)
                H5Dclose(d);
        }
        if (file >= 0)
            H5Fclose(file);
        if (bad) {
            fprintf(stderr, "bench_h5io: level %d, %d threads: the file does not read back as written\n", level, th);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n_sat = 1000000, records = 3;
    int repeats = 3;
    int threads[16] = {1, 2}, nthreads = 2, levels[16] = {0, 1, 3, 6}, nlevels = 4;
    const char *csv = NULL, *tmp = getenv("TMPDIR");
    const char *dir = tmp && tmp[0] ? tmp : "/tmp";
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--sats") && i + 1 < argc)
            n_sat = atol(argv[++i]);
        else if (!strcmp(argv[i], "--records") && i + 1 < argc)
            records = atol(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            nthreads = parse_list(argv[++i], threads, 16);
        else if (!strcmp(argv[i], "--levels") && i + 1 < argc)
            nlevels = parse_list(argv[++i], levels, 16);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else {
            fprintf(stderr, "usage: bench_h5io [--sats N] [--records R] [--threads 1,2] [--levels 0,1,3,6] "
                            "[--repeats 3] [--dir DIR] [--csv FILE]\n");
            return 2;
        }
    }
    if (n_sat < 1 || records < 1 || nthreads < 1 || nlevels < 1 || repeats < 1) {
        fprintf(stderr, "bench_h5io: --sats, --records, --repeats, --threads and --levels must be positive\n");
        return 2;
    }
    for (int k = 0; k < nthreads; ++k)
        if (threads[k] < 1) {
            fprintf(stderr, "bench_h5io: thread counts must be >= 1\n");
            return 2;
        }
    for (int k = 0; k < nlevels; ++k)
        if (levels[k] < 0 || levels[k] > 9) {
            fprintf(stderr, "bench_h5io: deflate levels are 0..9\n");
            return 2;
        }
    odt_h5_quiet();
    const size_t n = (size_t)n_sat, nrec = (size_t)records;
    /* all the records first: generating them is not timed */
    float *data = malloc(sizeof(float) * n * NFIELD * nrec), *back = malloc(sizeof(float) * n * nrec);
    if (!data || !back) {
        fprintf(stderr, "bench_h5io: out of memory\n");
        return 1;
    }
    for (size_t r = 0; r < nrec; ++r) {
        float *v[NFIELD];
        for (int f = 0; f < NFIELD; ++f)
            v[f] = data + ((size_t)f * nrec + r) * n;
        make_record(v, n, (int)r);
    }
    FILE *fcsv = csv ? fopen(csv, "w") : NULL;
    if (csv && !fcsv) {
        fprintf(stderr, "bench_h5io: cannot write %s\n", csv);
        return 1;
    }
    if (fcsv)
        fprintf(fcsv, "level,threads,n_sat,records,seconds,mb_per_s,ratio,bytes_per_sat_record,compress_s,write_s\n");
    char path[600];
    snprintf(path, sizeof path, "%s/bench_h5io_%ld.h5", dir, (long)getpid());
    printf("%5s %7s %10s %7s %9s %7s %9s %10s %8s\n", "level", "threads", "n_sat", "records", "MB/s", "ratio",
           "B/sat-rec", "compress_s", "write_s");
    const double raw = (double)n * NFIELD * (double)nrec * sizeof(float);
    int failed = 0;
    double *times = malloc(sizeof(double) * (size_t)repeats);
    for (int li = 0; li < nlevels && times; ++li) {
        for (int ti = 0; ti < nthreads; ++ti) {
            const int level = levels[li], th = threads[ti];
            double bytes = NAN, cs = 0, ws = 0, cs_sum = 0, ws_sum = 0;
            int bad = 0;
            for (int k = 0; k < repeats && !bad; ++k) {
                bad = write_once(path, data, n, nrec, level, th, k == 0, back, &times[k], &bytes, &cs, &ws);
                cs_sum += cs;
                ws_sum += ws;
            }
            unlink(path);
            if (bad) {
                failed = 1;
                continue;
            }
            qsort(times, (size_t)repeats, sizeof *times, odt_bench_cmp_double);
            const double sec = times[repeats / 2], mbs = raw / sec / 1e6, ratio = raw / bytes,
                         per = bytes / ((double)n * (double)nrec);
            printf("%5d %7d %10zu %7zu %9.1f %7.3f %9.2f %10.3f %8.3f\n", level, th, n, nrec, mbs, ratio, per,
                   cs_sum / repeats, ws_sum / repeats);
            fflush(stdout);
            if (fcsv)
                fprintf(fcsv, "%d,%d,%zu,%zu,%.6f,%.3f,%.4f,%.3f,%.6f,%.6f\n", level, th, n, nrec, sec, mbs, ratio,
                        per, cs_sum / repeats, ws_sum / repeats);
        }
    }
    free(times);
    if (fcsv)
        fclose(fcsv);
    free(data);
    free(back);
    return failed;
}
