/*
 * test_h5io.c: the HDF5 helpers (host/h5io.h). Files are read back with plain
 * HDF5 calls, independent of the code under test; the compression pool must
 * give the same values, filters and even chunk bytes as HDF5's own pipeline.
 */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h> /* mkfifo */

#include "test_util.h"

#include "host/h5io.h"

static char dir[512];

static void setup(void)
{
    odt_h5_quiet();
    odt_test_mkdtemp(dir, sizeof dir, "h5io");
}

static void teardown(void) { odt_test_rmtree(dir); }

TestSuite(h5io, .init = setup, .fini = teardown);

static void path_of(char *path, size_t len, const char *name) { snprintf(path, len, "%s/%s", dir, name); }

/* A new file in the test folder; latest: the format of the snapshot (SWMR, large attributes). */
static hid_t new_file(const char *name, int latest)
{
    char path[600];
    path_of(path, sizeof path, name);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (latest)
        H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    cr_assert_geq(f, 0, "H5Fcreate %s", path);
    return f;
}

static hid_t open_file(const char *name, unsigned flags)
{
    char path[600];
    path_of(path, sizeof path, name);
    hid_t f = H5Fopen(path, flags, H5P_DEFAULT);
    cr_assert_geq(f, 0, "H5Fopen %s", path);
    return f;
}

/* Deterministic noise. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Smooth in i and t plus a little noise: compressible like simulation output. */
static void fill_f32(float *v, size_t n, int t)
{
    for (size_t i = 0; i < n; ++i)
        v[i] = 290.0f + 30.0f * sinf(1e-3f * (float)i + 0.3f * (float)t) +
               (float)(mix(i * 131u + (uint64_t)t) & 63u) * (1.0f / 512.0f);
}

static void fill_f64(double *v, size_t n, int t)
{
    for (size_t i = 0; i < n; ++i)
        v[i] = 7000.0 * cos(2e-3 * (double)(i / 3) + 0.1 * t + (double)(i % 3)) +
               (double)(mix(i + 7u * (uint64_t)t) & 255u) * 1e-3;
}

static void fill_i32(int32_t *v, size_t n, int t)
{
    for (size_t i = 0; i < n; ++i)
        v[i] = (int32_t)(i / 5) + (int32_t)(mix(i ^ ((uint64_t)t << 40)) & 3u) - 1000 * t;
}

/* The whole dataset `name` of file `fname` read with plain HDF5 as mem_type; returns its element count. */
static size_t read_all(const char *fname, const char *name, hid_t mem_type, void *buf, size_t cap_bytes)
{
    hid_t f = open_file(fname, H5F_ACC_RDONLY);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(d, 0, "H5Dopen2 %s", name);
    hid_t sp = H5Dget_space(d);
    const hssize_t n = H5Sget_simple_extent_npoints(sp);
    cr_assert_geq(n, 0);
    cr_assert_leq((size_t)n * H5Tget_size(mem_type), cap_bytes, "%s: %lld elements", name, (long long)n);
    if (n > 0)
        cr_assert_geq(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), 0, "H5Dread %s", name);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    return (size_t)n;
}

/* Filters of dataset d: count, and whether they are shuffle then deflate at `level`. */
static void assert_filters(hid_t d, int compressed, int level)
{
    hid_t dcpl = H5Dget_create_plist(d);
    const int n = H5Pget_nfilters(dcpl);
    if (!compressed) {
        cr_assert_eq(n, 0, "no filters expected, %d found", n);
    } else {
        cr_assert_eq(n, 2);
        unsigned flags, cd[4];
        size_t ncd = 4;
        cr_assert_eq(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
        ncd = 4;
        cr_assert_eq(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
        cr_assert_eq(ncd, 1);
        cr_assert_eq(cd[0], (unsigned)level);
    }
    H5Pclose(dcpl);
}

/* ------------------------------------------------------------ round trip */

#define RT_T 5
#define RT_NA 3000        /* float32 [T, 3000] */
#define RT_NB (2500 * 3)  /* double [T, 2500, 3] */
#define RT_NC 777         /* int32 [T, 777] */

struct rt_data {
    float a[RT_T * RT_NA];
    double b[RT_T * RT_NB];
    int32_t c[RT_T * RT_NC];
};

static struct rt_data *rt_make(void)
{
    struct rt_data *x = malloc(sizeof *x);
    cr_assert_not_null(x);
    for (int t = 0; t < RT_T; ++t) {
        fill_f32(x->a + t * RT_NA, RT_NA, t);
        fill_f64(x->b + t * RT_NB, RT_NB, t);
        fill_i32(x->c + t * RT_NC, RT_NC, t);
    }
    return x;
}

/* Write the three series with `threads` pool threads (0: odt_h5_series_append). */
static void rt_write(const char *fname, const struct rt_data *x, int deflate, int threads)
{
    hid_t f = new_file(fname, 0);
    struct odt_h5_series a, b, c;
    const hsize_t da[2] = {0, RT_NA}, db[3] = {0, 2500, 3}, dc[2] = {0, RT_NC};
    cr_assert_eq(odt_h5_series_create(&a, f, "a", H5T_NATIVE_FLOAT, 2, da, deflate, "K", "temperature"), 0);
    cr_assert_eq(odt_h5_series_create(&b, f, "b", H5T_NATIVE_DOUBLE, 3, db, deflate, "km", "position"), 0);
    cr_assert_eq(odt_h5_series_create(&c, f, "c", H5T_NATIVE_INT32, 2, dc, deflate, NULL, NULL), 0);
    cr_assert_eq(a.direct, deflate > 0);
    cr_assert_eq(b.direct, deflate > 0);
    cr_assert_eq(c.direct, deflate > 0);
    cr_assert_eq(a.chunk[0], 1);
    cr_assert_eq(a.chunk[1], RT_NA);
    cr_assert_eq(b.chunk[1], 2500);
    cr_assert_eq(b.chunk[2], 3);
    struct odt_h5_pool *pool = threads ? odt_h5_pool_create(threads) : NULL;
    if (threads)
        cr_assert_not_null(pool);
    for (int t = 0; t < RT_T; ++t) {
        if (pool) {
            struct odt_h5_series *s[3] = {&a, &b, &c};
            const void *bufs[3] = {x->a + t * RT_NA, x->b + t * RT_NB, x->c + t * RT_NC};
            cr_assert_eq(odt_h5_pool_append(pool, s, bufs, 3), 0, "pool append %d", t);
        } else {
            cr_assert_eq(odt_h5_series_append(&a, 1, x->a + t * RT_NA), 0);
            cr_assert_eq(odt_h5_series_append(&b, 1, x->b + t * RT_NB), 0);
            cr_assert_eq(odt_h5_series_append(&c, 1, x->c + t * RT_NC), 0);
        }
        cr_assert_eq(a.dims[0], (hsize_t)t + 1);
    }
    if (pool) {
        double in, out, cs, ws;
        odt_h5_pool_stats(pool, &in, &out, &cs, &ws);
        cr_assert_eq(in, (double)RT_T * (RT_NA * 4 + RT_NB * 8 + RT_NC * 4));
        const double stored =
            (double)(H5Dget_storage_size(a.d) + H5Dget_storage_size(b.d) + H5Dget_storage_size(c.d));
        cr_assert_eq(out, stored, "bytes out %.0f, stored %.0f", out, stored);
        cr_assert_geq(cs, 0.0);
        cr_assert_geq(ws, 0.0);
        odt_h5_pool_free(pool);
    }
    odt_h5_series_close(&a);
    odt_h5_series_close(&b);
    odt_h5_series_close(&c);
    cr_assert_eq(H5Fclose(f), 0);
}

/* The chunk of record t, slice 0, of dataset `name` as stored (filtered bytes). */
static unsigned char *raw_chunk(const char *fname, const char *name, hsize_t t, size_t *size)
{
    hid_t f = open_file(fname, H5F_ACC_RDONLY);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    hsize_t off[3] = {t, 0, 0};
    hsize_t n = 0;
    cr_assert_geq(H5Dget_chunk_storage_size(d, off, &n), 0);
    unsigned char *buf = malloc(n ? n : 1);
    uint32_t mask = 99;
    cr_assert_geq(H5Dread_chunk(d, H5P_DEFAULT, off, &mask, buf), 0);
    cr_assert_eq(mask, 0);
    H5Dclose(d);
    H5Fclose(f);
    *size = (size_t)n;
    return buf;
}

static hsize_t storage_of(const char *fname, const char *name)
{
    hid_t f = open_file(fname, H5F_ACC_RDONLY);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    const hsize_t n = H5Dget_storage_size(d);
    H5Dclose(d);
    H5Fclose(f);
    return n;
}

Test(h5io, round_trip_pool_and_serial)
{
    struct rt_data *x = rt_make();
    struct rt_data *y = malloc(sizeof *y);
    cr_assert_not_null(y);
    static const char *const names[3] = {"a", "b", "c"};
    const size_t raw[3] = {sizeof x->a, sizeof x->b, sizeof x->c};
    for (int deflate = 0; deflate <= 1; ++deflate) {
        static const int threads[3] = {0, 1, 3};
        char fname[3][64];
        for (int m = 0; m < 3; ++m) {
            snprintf(fname[m], sizeof fname[m], "rt_d%d_t%d.h5", deflate, threads[m]);
            rt_write(fname[m], x, deflate, threads[m]);
            memset(y, 0xa5, sizeof *y);
            cr_assert_eq(read_all(fname[m], "a", H5T_NATIVE_FLOAT, y->a, sizeof y->a), (size_t)RT_T * RT_NA);
            cr_assert_eq(read_all(fname[m], "b", H5T_NATIVE_DOUBLE, y->b, sizeof y->b), (size_t)RT_T * RT_NB);
            cr_assert_eq(read_all(fname[m], "c", H5T_NATIVE_INT32, y->c, sizeof y->c), (size_t)RT_T * RT_NC);
            cr_assert_eq(memcmp(x->a, y->a, sizeof x->a), 0, "%s: a differs", fname[m]);
            cr_assert_eq(memcmp(x->b, y->b, sizeof x->b), 0, "%s: b differs", fname[m]);
            cr_assert_eq(memcmp(x->c, y->c, sizeof x->c), 0, "%s: c differs", fname[m]);
            hid_t f = open_file(fname[m], H5F_ACC_RDONLY);
            for (int k = 0; k < 3; ++k) {
                hid_t d = H5Dopen2(f, names[k], H5P_DEFAULT);
                assert_filters(d, deflate, 1);
                const hsize_t stored = H5Dget_storage_size(d);
                if (deflate)
                    cr_assert_lt(stored, raw[k], "%s/%s: %llu bytes stored for %zu raw", fname[m], names[k],
                                 (unsigned long long)stored, raw[k]);
                else
                    cr_assert_eq(stored, raw[k]);
                H5Dclose(d);
            }
            char *units = NULL;
            hid_t d = H5Dopen2(f, "a", H5P_DEFAULT);
            cr_assert_eq(odt_h5_attr_get_string(d, "units", &units), 0);
            cr_assert_str_eq(units, "K");
            free(units);
            H5Dclose(d);
            H5Fclose(f);
        }
        /* the pool's chunks are byte for byte those of HDF5's own filters */
        for (int k = 0; k < 3 && deflate; ++k) {
            const hsize_t ref = storage_of(fname[0], names[k]);
            for (int m = 1; m < 3; ++m) {
                cr_assert_eq(storage_of(fname[m], names[k]), ref, "%s/%s", fname[m], names[k]);
                size_t n0, n1;
                unsigned char *c0 = raw_chunk(fname[0], names[k], RT_T - 1, &n0);
                unsigned char *c1 = raw_chunk(fname[m], names[k], RT_T - 1, &n1);
                cr_assert_eq(n0, n1);
                cr_assert_eq(memcmp(c0, c1, n0), 0, "%s/%s: chunk bytes differ", fname[m], names[k]);
                free(c0);
                free(c1);
            }
        }
    }
    free(x);
    free(y);
}

/* --------------------------------------------- edge chunks, several slices */

Test(h5io, large_records_slices_and_edge_chunk)
{
    enum { T = 3, N = 600001, M = 50001 };
    float *a = malloc(sizeof(float) * T * N), *ra = malloc(sizeof(float) * T * N);
    double *b = malloc(sizeof(double) * T * M * 3), *rb = malloc(sizeof(double) * T * M * 3);
    cr_assert(a && ra && b && rb);
    for (int t = 0; t < T; ++t) {
        fill_f32(a + (size_t)t * N, N, t);
        fill_f64(b + (size_t)t * M * 3, (size_t)M * 3, t);
    }
    const hsize_t da[2] = {0, N}, db[3] = {0, M, 3};
    for (int m = 0; m < 2; ++m) {
        const char *fname = m ? "large_pool.h5" : "large_serial.h5";
        hid_t f = new_file(fname, 1);
        struct odt_h5_series sa, sb;
        cr_assert_eq(odt_h5_series_create(&sa, f, "a", H5T_NATIVE_FLOAT, 2, da, 3, "W", NULL), 0);
        cr_assert_eq(odt_h5_series_create(&sb, f, "b", H5T_NATIVE_DOUBLE, 3, db, 3, "km", NULL), 0);
        /* the fewest equal slices of at most 1 MiB, the last one partial: 3 x 200001 floats (edge 199999);
           2 x 25001 x 3 doubles (edge 25000) */
        cr_assert_eq(sa.chunk[1], 200001);
        cr_assert_eq(sb.chunk[1], 25001);
        cr_assert_leq(sa.chunk[1] * 4, ODT_H5_CHUNK_BYTES);
        cr_assert_leq(sb.chunk[1] * 24, ODT_H5_CHUNK_BYTES);
        cr_assert_neq(N % sa.chunk[1], 0);
        cr_assert_neq(M % sb.chunk[1], 0);
        /* uncompressed, the equal slices waste little in the edge chunk, which HDF5 stores whole */
        struct odt_h5_series sr;
        cr_assert_eq(odt_h5_series_create(&sr, f, "raw", H5T_NATIVE_FLOAT, 2, da, 0, NULL, NULL), 0);
        struct odt_h5_pool *pool = odt_h5_pool_create(2);
        cr_assert_not_null(pool);
        for (int t = 0; t < T; ++t) {
            struct odt_h5_series *ps[1] = {&sr};
            const void *pb[1] = {a + (size_t)t * N};
            cr_assert_eq(odt_h5_pool_append(pool, ps, pb, 1), 0);
            if (m) {
                struct odt_h5_series *s[2] = {&sa, &sb};
                const void *bufs[2] = {a + (size_t)t * N, b + (size_t)t * M * 3};
                cr_assert_eq(odt_h5_pool_append(pool, s, bufs, 2), 0);
            } else {
                cr_assert_eq(odt_h5_series_append(&sa, 1, a + (size_t)t * N), 0);
                cr_assert_eq(odt_h5_series_append(&sb, 1, b + (size_t)t * M * 3), 0);
            }
        }
        /* odt_h5_series_read sees the values too, before the file is closed */
        float *one = malloc(sizeof(float) * N);
        cr_assert_eq(odt_h5_series_read(&sa, 1, 1, one), 0);
        cr_assert_eq(memcmp(one, a + N, sizeof(float) * N), 0);
        free(one);
        cr_assert_eq(odt_h5_series_read(&sa, 2, 2, ra), -1, "reading past the end fails");
        const hsize_t raw_stored = H5Dget_storage_size(sr.d);
        cr_assert_geq(raw_stored, sizeof(float) * T * N);
        cr_assert_lt(raw_stored, sizeof(float) * T * (N + 3), "%llu bytes", (unsigned long long)raw_stored);
        odt_h5_pool_free(pool);
        odt_h5_series_close(&sa);
        odt_h5_series_close(&sb);
        odt_h5_series_close(&sr);
        H5Fclose(f);
        cr_assert_eq(read_all(fname, "a", H5T_NATIVE_FLOAT, ra, sizeof(float) * T * N), (size_t)T * N);
        cr_assert_eq(read_all(fname, "b", H5T_NATIVE_DOUBLE, rb, sizeof(double) * T * M * 3), (size_t)T * M * 3);
        cr_assert_eq(memcmp(a, ra, sizeof(float) * T * N), 0, "%s: a differs", fname);
        cr_assert_eq(memcmp(b, rb, sizeof(double) * T * M * 3), 0, "%s: b differs", fname);
        cr_assert_lt(storage_of(fname, "a"), sizeof(float) * T * N);
    }
    cr_assert_eq(storage_of("large_pool.h5", "a"), storage_of("large_serial.h5", "a"));
    cr_assert_eq(storage_of("large_pool.h5", "b"), storage_of("large_serial.h5", "b"));
    free(a);
    free(ra);
    free(b);
    free(rb);
}

/* ------------------------------------------------------------ small records */

Test(h5io, small_records_share_uncompressed_chunks)
{
    enum { T = 12, N = 100 };
    hid_t f = new_file("small.h5", 1);
    struct odt_h5_series s, s3;
    const hsize_t d[2] = {0, N}, d3[3] = {0, 4, 3};
    cr_assert_eq(odt_h5_series_create(&s, f, "s", H5T_NATIVE_FLOAT, 2, d, 6, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_create(&s3, f, "s3", H5T_NATIVE_INT32, 3, d3, 6, NULL, NULL), 0);
    cr_assert_eq(s.chunk[0], ODT_H5_SMALL_CHUNK_BYTES / (N * 4));
    cr_assert_eq(s.chunk[1], N);
    cr_assert_eq(s3.chunk[0], ODT_H5_SMALL_CHUNK_BYTES / 48);
    cr_assert_eq(s.deflate, 0);
    cr_assert_eq(s.direct, 0);
    assert_filters(s.d, 0, 0);
    assert_filters(s3.d, 0, 0);
    float *v = malloc(sizeof(float) * T * N), *r = malloc(sizeof(float) * T * N);
    int32_t v3[T * 12], r3[T * 12];
    for (int t = 0; t < T; ++t) {
        fill_f32(v + t * N, N, t);
        fill_i32(v3 + t * 12, 12, t);
    }
    struct odt_h5_pool *pool = odt_h5_pool_create(2);
    for (int t = 0; t < T; ++t) {
        if (t % 2) {
            struct odt_h5_series *ss[2] = {&s, &s3};
            const void *bufs[2] = {v + t * N, v3 + t * 12};
            cr_assert_eq(odt_h5_pool_append(pool, ss, bufs, 2), 0);
        } else {
            cr_assert_eq(odt_h5_series_append(&s, 1, v + t * N), 0);
            cr_assert_eq(odt_h5_series_append(&s3, 1, v3 + t * 12), 0);
        }
        H5Fflush(f, H5F_SCOPE_GLOBAL);
        /* every record so far, read back through a second, independent handle */
        hid_t dd = H5Dopen2(f, "s", H5P_DEFAULT);
        cr_assert_geq(H5Dread(dd, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, r), 0);
        H5Dclose(dd);
        cr_assert_eq(memcmp(r, v, sizeof(float) * (size_t)(t + 1) * N), 0, "after record %d", t);
        cr_assert_eq(odt_h5_series_read(&s3, 0, (hsize_t)t + 1, r3), 0);
        cr_assert_eq(memcmp(r3, v3, sizeof(int32_t) * (size_t)(t + 1) * 12), 0, "after record %d", t);
    }
    odt_h5_pool_free(pool);
    odt_h5_series_close(&s);
    odt_h5_series_close(&s3);
    H5Fclose(f);
    cr_assert_eq(storage_of("small.h5", "s"), ((T + s.chunk[0] - 1) / s.chunk[0]) * s.chunk[0] * N * 4,
                 "whole uncompressed chunks");
    free(v);
    free(r);
}

/* --------------------------------------------------- set_records, reopen */

Test(h5io, set_records_shrinks_and_grows)
{
    enum { N = 3000, NS = 100 };
    static float v[6][N], r[7][N], w[6][NS], rw[7][NS];
    double x[10], rx[10];
    for (int t = 0; t < 6; ++t) {
        fill_f32(v[t], N, t);
        fill_f32(w[t], NS, t + 10);
    }
    for (int i = 0; i < 10; ++i)
        x[i] = 0.5 + i;
    hid_t f = new_file("records.h5", 0);
    struct odt_h5_series s, sw, sx;
    const hsize_t d[2] = {0, N}, dw[2] = {0, NS}, dx[1] = {0};
    cr_assert_eq(odt_h5_series_create(&s, f, "big", H5T_NATIVE_FLOAT, 2, d, 1, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_create(&sw, f, "small", H5T_NATIVE_FLOAT, 2, dw, 1, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_create(&sx, f, "x", H5T_NATIVE_DOUBLE, 1, dx, 1, NULL, NULL), 0);
    cr_assert_eq(sx.chunk[0], ODT_H5_RANK1_CHUNK);
    assert_filters(sx.d, 0, 0);
    struct odt_h5_pool *pool = odt_h5_pool_create(3);
    for (int t = 0; t < 5; ++t) {
        struct odt_h5_series *ss[2] = {&s, &sw};
        const void *bufs[2] = {v[t], w[t]};
        cr_assert_eq(odt_h5_pool_append(pool, ss, bufs, 2), 0);
    }
    cr_assert_eq(odt_h5_series_append(&sx, 10, x), 0);
    /* shrink: the cut records are gone */
    cr_assert_eq(odt_h5_series_set_records(&s, 2), 0);
    cr_assert_eq(odt_h5_series_set_records(&sw, 2), 0);
    cr_assert_eq(odt_h5_series_set_records(&sx, 4), 0);
    cr_assert_eq(s.dims[0], 2);
    cr_assert_eq(odt_h5_series_read(&s, 2, 1, r), -1);
    cr_assert_eq(odt_h5_series_read(&s, 0, 2, r), 0);
    cr_assert_eq(memcmp(r, v, sizeof(float) * 2 * N), 0);
    /* append after the cut, then grow: the new records read as zeros */
    struct odt_h5_series *ss[2] = {&s, &sw};
    const void *bufs[2] = {v[5], w[5]};
    cr_assert_eq(odt_h5_pool_append(pool, ss, bufs, 2), 0);
    cr_assert_eq(odt_h5_series_set_records(&s, 6), 0);
    cr_assert_eq(odt_h5_series_set_records(&sw, 6), 0);
    cr_assert_eq(odt_h5_series_set_records(&sx, 8), 0);
    odt_h5_pool_free(pool);
    odt_h5_series_close(&s);
    odt_h5_series_close(&sw);
    odt_h5_series_close(&sx);
    H5Fclose(f);

    /* reopen: the shape, chunks and filters come back; append once more */
    f = open_file("records.h5", H5F_ACC_RDWR);
    cr_assert_eq(odt_h5_series_open(&s, f, "big", H5T_NATIVE_FLOAT), 0);
    cr_assert_eq(odt_h5_series_open(&sw, f, "small", H5T_NATIVE_FLOAT), 0);
    cr_assert_eq(odt_h5_series_open(&sx, f, "x", H5T_NATIVE_DOUBLE), 0);
    cr_assert_eq(s.rank, 2);
    cr_assert_eq(s.dims[0], 6);
    cr_assert_eq(s.dims[1], N);
    cr_assert_eq(s.chunk[0], 1);
    cr_assert_eq(s.chunk[1], N);
    cr_assert_eq(s.deflate, 1);
    cr_assert_eq(s.shuffle, 1);
    cr_assert_eq(s.direct, 1);
    cr_assert_eq(s.elem, 4);
    cr_assert_eq(s.record_elems, N);
    cr_assert_eq(sw.deflate, 0);
    cr_assert_eq(sw.direct, 0);
    cr_assert_eq(sw.chunk[0], ODT_H5_SMALL_CHUNK_BYTES / (NS * 4));
    cr_assert_eq(sx.dims[0], 8);
    pool = odt_h5_pool_create(1);
    const void *bufs2[2] = {v[4], w[4]};
    cr_assert_eq(odt_h5_pool_append(pool, ss, bufs2, 2), 0);
    odt_h5_pool_free(pool);
    cr_assert_eq(odt_h5_series_read(&s, 0, 7, r), 0);
    cr_assert_eq(odt_h5_series_read(&sw, 0, 7, rw), 0);
    cr_assert_eq(odt_h5_series_read(&sx, 0, 8, rx), 0);
    cr_assert_eq(memcmp(r[0], v[0], sizeof r[0]), 0);
    cr_assert_eq(memcmp(r[1], v[1], sizeof r[1]), 0);
    cr_assert_eq(memcmp(r[2], v[5], sizeof r[2]), 0);
    cr_assert_eq(memcmp(rw[1], w[1], sizeof rw[1]), 0);
    cr_assert_eq(memcmp(rw[2], w[5], sizeof rw[2]), 0);
    for (int t = 3; t < 6; ++t)
        for (int i = 0; i < N; ++i)
            cr_assert_eq(r[t][i], 0.0f, "big record %d", t);
    for (int t = 3; t < 6; ++t)
        for (int i = 0; i < NS; ++i)
            cr_assert_eq(rw[t][i], 0.0f, "small record %d (in a chunk cut then regrown)", t);
    cr_assert_eq(memcmp(r[6], v[4], sizeof r[6]), 0);
    cr_assert_eq(memcmp(rw[6], w[4], sizeof rw[6]), 0);
    cr_assert_eq(memcmp(rx, x, 4 * sizeof(double)), 0);
    for (int i = 4; i < 8; ++i)
        cr_assert_eq(rx[i], 0.0, "x[%d] (in a chunk cut then regrown)", i);
    odt_h5_series_close(&s);
    odt_h5_series_close(&sw);
    odt_h5_series_close(&sx);
    odt_h5_series_close(&sx); /* twice is harmless */
    H5Fclose(f);
}

/* ---------------------------------------------------------------- SWMR */

Test(h5io, pool_in_swmr_mode)
{
    enum { T = 4, N = 20000 };
    float *v = malloc(sizeof(float) * T * N), *r = malloc(sizeof(float) * T * N);
    for (int t = 0; t < T; ++t)
        fill_f32(v + (size_t)t * N, N, t);
    hid_t f = new_file("swmr.h5", 1);
    struct odt_h5_series s;
    const hsize_t d[2] = {0, N};
    cr_assert_eq(odt_h5_series_create(&s, f, "v", H5T_NATIVE_FLOAT, 2, d, 1, NULL, NULL), 0);
    cr_assert_geq(H5Fstart_swmr_write(f), 0);
    struct odt_h5_pool *pool = odt_h5_pool_create(2);
    for (int t = 0; t < T; ++t) {
        struct odt_h5_series *ss[1] = {&s};
        const void *bufs[1] = {v + (size_t)t * N};
        cr_assert_eq(odt_h5_pool_append(pool, ss, bufs, 1), 0);
        cr_assert_geq(H5Dflush(s.d), 0);
    }
    odt_h5_pool_free(pool);
    odt_h5_series_close(&s);
    H5Fclose(f);
    cr_assert_eq(read_all("swmr.h5", "v", H5T_NATIVE_FLOAT, r, sizeof(float) * T * N), (size_t)T * N);
    cr_assert_eq(memcmp(v, r, sizeof(float) * T * N), 0);
    free(v);
    free(r);
}

/* ------------------------------------------------------------ failures */

Test(h5io, pool_failure_restores_records)
{
    enum { N = 3000 };
    float v[N];
    fill_f32(v, N, 0);
    const hsize_t d[2] = {0, N}, dw[2] = {0, 10};
    hid_t f = new_file("ro.h5", 0);
    struct odt_h5_series s, sw;
    cr_assert_eq(odt_h5_series_create(&s, f, "v", H5T_NATIVE_FLOAT, 2, d, 1, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_create(&sw, f, "w", H5T_NATIVE_FLOAT, 2, dw, 1, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_append(&s, 1, v), 0);
    cr_assert_eq(odt_h5_series_append(&sw, 1, v), 0);
    odt_h5_series_close(&s);
    odt_h5_series_close(&sw);
    H5Fclose(f);

    hid_t fw = new_file("rw.h5", 0);
    struct odt_h5_series a, b;
    cr_assert_eq(odt_h5_series_create(&a, fw, "v", H5T_NATIVE_FLOAT, 2, d, 1, NULL, NULL), 0);
    cr_assert_eq(odt_h5_series_create(&b, fw, "w", H5T_NATIVE_FLOAT, 2, dw, 1, NULL, NULL), 0);
    hid_t fr = open_file("ro.h5", H5F_ACC_RDONLY);
    cr_assert_eq(odt_h5_series_open(&s, fr, "v", H5T_NATIVE_FLOAT), 0);
    cr_assert_eq(odt_h5_series_open(&sw, fr, "w", H5T_NATIVE_FLOAT), 0);
    struct odt_h5_pool *pool = odt_h5_pool_create(2);
    const void *bufs[3] = {v, v, v};
    /* a read-only compressed series: its extent cannot grow */
    struct odt_h5_series *s1[3] = {&a, &b, &s};
    cr_assert_eq(odt_h5_pool_append(pool, s1, bufs, 3), -1);
    cr_assert_eq(a.dims[0], 0);
    cr_assert_eq(b.dims[0], 0);
    cr_assert_eq(s.dims[0], 1);
    /* a read-only uncompressed series: fails while the chunks of `a` are in flight */
    struct odt_h5_series *s2[3] = {&a, &b, &sw};
    cr_assert_eq(odt_h5_pool_append(pool, s2, bufs, 3), -1);
    cr_assert_eq(a.dims[0], 0);
    cr_assert_eq(b.dims[0], 0);
    char line[512];
    odt_h5_error_line(line, sizeof line);
    cr_log_info("read-only append: %s", line);
    cr_assert_gt(strlen(line), 0, "the error that stopped the append survives the rollback");
    /* and the pool still works */
    struct odt_h5_series *s3[2] = {&a, &b};
    cr_assert_eq(odt_h5_pool_append(pool, s3, bufs, 2), 0);
    cr_assert_eq(a.dims[0], 1);
    hid_t sp = H5Dget_space(a.d);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    cr_assert_eq(dims[0], 1);
    cr_assert_eq(odt_h5_pool_append(NULL, s3, bufs, 2), -1);
    cr_assert_eq(odt_h5_pool_append(pool, NULL, bufs, 2), -1);
    cr_assert_null(odt_h5_pool_create(0));
    odt_h5_pool_free(NULL);
    odt_h5_pool_free(pool);
    odt_h5_series_close(&a);
    odt_h5_series_close(&b);
    odt_h5_series_close(&s);
    odt_h5_series_close(&sw);
    H5Fclose(fr);
    H5Fclose(fw);
    struct odt_h5_series bad;
    cr_assert_eq(odt_h5_series_create(&bad, fw, "x", H5T_NATIVE_FLOAT, 4, d, 1, NULL, NULL), -1);
    cr_assert_eq(odt_h5_series_open(&bad, fw, "x", H5T_NATIVE_FLOAT), -1);
    odt_h5_series_close(&bad);
}

/* ------------------------------------------------------------------ table */

struct ev {
    int32_t sat;
    double start;
    int64_t number;
    char pad[3];
};

/* The columns of struct ev (H5T_NATIVE_* are not constants: filled at run time). */
static struct odt_h5_column ev_cols[3];

static void ev_columns(void)
{
    ev_cols[0] = (struct odt_h5_column){"satellite", H5T_NATIVE_INT32, offsetof(struct ev, sat), "1", "satellite index"};
    ev_cols[1] = (struct odt_h5_column){"start", H5T_NATIVE_DOUBLE, offsetof(struct ev, start), "s",
                                        "start, s since the epoch"};
    ev_cols[2] = (struct odt_h5_column){"number", H5T_NATIVE_INT64, offsetof(struct ev, number), "1", "event number"};
}

static void ev_fill(struct ev *e, size_t n, size_t first)
{
    for (size_t q = 0; q < n; ++q) {
        const size_t i = first + q;
        e[q].sat = (int32_t)(i * 7 % 1000);
        e[q].start = 100.25 * (double)i + 1e-3;
        e[q].number = (int64_t)i * 3000000000ll;
    }
}

static void ev_check(const char *fname, size_t nrows, const struct ev *e)
{
    int32_t *sat = malloc(sizeof(int32_t) * nrows);
    double *start = malloc(sizeof(double) * nrows);
    int64_t *num = malloc(sizeof(int64_t) * nrows), *ix = malloc(sizeof(int64_t) * nrows);
    cr_assert_eq(read_all(fname, "ecl/satellite", H5T_NATIVE_INT32, sat, sizeof(int32_t) * nrows), nrows);
    cr_assert_eq(read_all(fname, "ecl/start", H5T_NATIVE_DOUBLE, start, sizeof(double) * nrows), nrows);
    cr_assert_eq(read_all(fname, "ecl/number", H5T_NATIVE_INT64, num, sizeof(int64_t) * nrows), nrows);
    cr_assert_eq(read_all(fname, "ecl/eclipse", H5T_NATIVE_INT64, ix, sizeof(int64_t) * nrows), nrows);
    for (size_t q = 0; q < nrows; ++q) {
        cr_assert_eq(sat[q], e[q].sat, "row %zu", q);
        cr_assert_eq(memcmp(&start[q], &e[q].start, sizeof(double)), 0, "row %zu", q);
        cr_assert_eq(num[q], e[q].number, "row %zu", q);
        cr_assert_eq(ix[q], (int64_t)q, "row %zu", q);
    }
    free(sat);
    free(start);
    free(num);
    free(ix);
}

Test(h5io, table_columns_and_scale)
{
    enum { NR = 10 + 1500 + 7 };
    ev_columns();
    struct ev *e = malloc(sizeof *e * (NR + 4));
    ev_fill(e, NR + 4, 0);
    hid_t f = new_file("table.h5", 0);
    struct odt_h5_table t;
    cr_assert_eq(odt_h5_table_create(&t, f, "ecl", "eclipse", ev_cols, 3, 1), 0);
    cr_assert_eq(odt_h5_table_rows(&t), 0);
    cr_assert_eq(odt_h5_table_append(&t, e, sizeof *e, 10), 0);
    cr_assert_eq(odt_h5_table_append(&t, e + 10, sizeof *e, 0), 0);
    cr_assert_eq(odt_h5_table_append(&t, e + 10, sizeof *e, 1500), 0);
    cr_assert_eq(odt_h5_table_append(&t, e + 1510, sizeof *e, 7), 0);
    cr_assert_eq(odt_h5_table_rows(&t), NR);
    odt_h5_table_close(&t);
    odt_h5_table_close(&t);
    H5Fclose(f);
    ev_check("table.h5", NR, e);

    /* the index is a dimension scale named like the dimension, every column attached, CF attributes */
    f = open_file("table.h5", H5F_ACC_RDONLY);
    hid_t ix = H5Dopen2(f, "ecl/eclipse", H5P_DEFAULT);
    cr_assert_gt(H5DSis_scale(ix), 0);
    char sname[32] = "";
    cr_assert_gt(H5DSget_scale_name(ix, sname, sizeof sname), 0);
    cr_assert_str_eq(sname, "eclipse");
    for (int k = 0; k < 3; ++k) {
        char path[64];
        snprintf(path, sizeof path, "ecl/%s", ev_cols[k].name);
        hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
        cr_assert_gt(H5DSis_attached(d, ix, 0), 0, "%s", path);
        assert_filters(d, 0, 0);
        char *u = NULL, *ln = NULL;
        cr_assert_eq(odt_h5_attr_get_string(d, "units", &u), 0);
        cr_assert_eq(odt_h5_attr_get_string(d, "long_name", &ln), 0);
        cr_assert_str_eq(u, ev_cols[k].units);
        cr_assert_str_eq(ln, ev_cols[k].long_name);
        free(u);
        free(ln);
        H5Dclose(d);
    }
    H5Dclose(ix);
    H5Fclose(f);

    /* reopen and append; then a kill that left one column longer: the next append cuts it */
    f = open_file("table.h5", H5F_ACC_RDWR);
    cr_assert_eq(odt_h5_table_open(&t, f, "ecl", "eclipse", ev_cols, 3), 0);
    cr_assert_eq(odt_h5_table_rows(&t), NR);
    cr_assert_eq(odt_h5_table_append(&t, e + NR, sizeof *e, 2), 0);
    odt_h5_table_close(&t);
    hid_t d = H5Dopen2(f, "ecl/start", H5P_DEFAULT);
    const hsize_t longer[1] = {NR + 5};
    cr_assert_geq(H5Dset_extent(d, longer), 0);
    H5Dclose(d);
    cr_assert_eq(odt_h5_table_open(&t, f, "ecl", "eclipse", ev_cols, 3), 0);
    cr_assert_eq(odt_h5_table_rows(&t), NR + 2);
    cr_assert_eq(odt_h5_table_append(&t, e + NR + 2, sizeof *e, 2), 0);
    cr_assert_eq(odt_h5_table_rows(&t), NR + 4);
    odt_h5_table_close(&t);
    H5Fclose(f);
    ev_check("table.h5", NR + 4, e);
    cr_assert_eq(storage_of("table.h5", "ecl/start") % (ODT_H5_RANK1_CHUNK * sizeof(double)), 0);

    /* set_rows cuts every column */
    f = open_file("table.h5", H5F_ACC_RDWR);
    cr_assert_eq(odt_h5_table_open(&t, f, "ecl", "eclipse", ev_cols, 3), 0);
    cr_assert_eq(odt_h5_table_set_rows(&t, 5), 0);
    cr_assert_eq(odt_h5_table_rows(&t), 5);
    odt_h5_table_close(&t);
    cr_assert_eq(odt_h5_table_open(&t, f, "nothere", "eclipse", ev_cols, 3), -1);
    odt_h5_table_close(&t);
    H5Fclose(f);
    ev_check("table.h5", 5, e);
    free(e);
}

/* ------------------------------------------------------------- attributes */

static void write_vlen_attr(hid_t obj, const char *name, const char *text, H5T_cset_t cset)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, cset);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0);
    cr_assert_geq(H5Awrite(a, t, &text), 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

/* Fixed-length, NUL-padded, exactly as long as the text (numpy 'S' strings, as h5py writes them). */
static void write_fixed_nullpad_attr(hid_t obj, const char *name, const char *text)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(text));
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0);
    cr_assert_geq(H5Awrite(a, t, text), 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

Test(h5io, attributes)
{
    hid_t f = new_file("attrs.h5", 1); /* attributes over 64 KiB need the newer format (dense storage) */
    hid_t g = H5Gcreate2(f, "g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    enum { BIG = 100000 };
    char *big = malloc(BIG + 1);
    for (int i = 0; i < BIG; ++i)
        big[i] = (char)('a' + (int)(mix((uint64_t)i) % 26u));
    big[BIG] = '\0';
    const char *utf8 = "temp\xc3\xa9rature \xc2\xb0K";

    cr_assert_eq(odt_h5_attr_set_string(f, "title", "first"), 0);
    cr_assert_eq(odt_h5_attr_set_string(f, "title", "replaced by a longer text"), 0);
    char *s = NULL;
    cr_assert_eq(odt_h5_attr_get_string(f, "title", &s), 0);
    cr_assert_str_eq(s, "replaced by a longer text");
    free(s);
    cr_assert_eq(odt_h5_attr_set_string(g, "empty", ""), 0);
    cr_assert_eq(odt_h5_attr_set_string(g, "big_fixed", big), 0);
    write_vlen_attr(g, "big_vlen", big, H5T_CSET_ASCII);
    write_vlen_attr(g, "utf8_vlen", utf8, H5T_CSET_UTF8);
    write_fixed_nullpad_attr(g, "nullpad", "payload");
    cr_assert_eq(odt_h5_attr_set_double(g, "step_s", 0.5), 0);
    cr_assert_eq(odt_h5_attr_set_double(g, "step_s", 60.0), 0);
    cr_assert_eq(odt_h5_attr_set_int64(g, "count", 5000000000ll), 0);
    cr_assert_eq(odt_h5_attr_set_int64(f, "title", -3), 0, "a string attribute becomes a number");
    H5Gclose(g);
    H5Fclose(f);

    f = open_file("attrs.h5", H5F_ACC_RDONLY);
    g = H5Gopen2(f, "g", H5P_DEFAULT);
    cr_assert_eq(odt_h5_attr_get_string(f, "title", &s), -1, "replaced by a number");
    cr_assert_eq(odt_h5_attr_get_string(g, "empty", &s), 0);
    cr_assert_str_eq(s, "");
    free(s);
    cr_assert_eq(odt_h5_attr_get_string(g, "big_fixed", &s), 0);
    cr_assert_eq(strlen(s), BIG);
    cr_assert_eq(strcmp(s, big), 0);
    free(s);
    cr_assert_eq(odt_h5_attr_get_string(g, "big_vlen", &s), 0);
    cr_assert_eq(strlen(s), BIG);
    cr_assert_eq(strcmp(s, big), 0);
    free(s);
    cr_assert_eq(odt_h5_attr_get_string(g, "utf8_vlen", &s), 0);
    cr_assert_str_eq(s, utf8);
    free(s);
    cr_assert_eq(odt_h5_attr_get_string(g, "nullpad", &s), 0);
    cr_assert_str_eq(s, "payload");
    free(s);
    s = (char *)"x";
    cr_assert_eq(odt_h5_attr_get_string(g, "missing", &s), -1);
    cr_assert_null(s);
    s = (char *)"x";
    cr_assert_eq(odt_h5_attr_get_string(g, "step_s", &s), -1, "a number is not a string");
    cr_assert_null(s);
    double v = 0.0;
    cr_assert_eq(odt_h5_attr_get_double(g, "step_s", &v), 0);
    cr_assert_eq(v, 60.0);
    cr_assert_eq(odt_h5_attr_get_double(g, "count", &v), 0);
    cr_assert_eq(v, 5e9, "integers are read too");
    cr_assert_eq(odt_h5_attr_get_double(f, "title", &v), 0);
    cr_assert_eq(v, -3.0);
    cr_assert_eq(odt_h5_attr_get_double(g, "nullpad", &v), -1, "a string is not a number");
    cr_assert_eq(odt_h5_attr_get_double(g, "missing", &v), -1);
    H5Gclose(g);
    H5Fclose(f);
    free(big);
}

/* ---------------------------------------------------------- string scale */

Test(h5io, string_scale)
{
    static const char *const labels[4] = {"array", "radiator", "payload", "bus"};
    hid_t f = new_file("scale.h5", 0);
    hid_t d = odt_h5_scale_strings(f, "node", labels, 4, "thermal node");
    cr_assert_geq(d, 0);
    const hsize_t dims[2] = {3, 4};
    hid_t dsp = H5Screate_simple(2, dims, NULL);
    hid_t v = H5Dcreate2(f, "temp", H5T_NATIVE_FLOAT, dsp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5DSattach_scale(v, d, 1), 0);
    H5Dclose(v);
    H5Sclose(dsp);
    H5Dclose(d);
    cr_assert_eq(odt_h5_scale_strings(f, "node", labels, 4, NULL), H5I_INVALID_HID, "exists already");
    H5Fclose(f);

    f = open_file("scale.h5", H5F_ACC_RDONLY);
    d = H5Dopen2(f, "node", H5P_DEFAULT);
    cr_assert_geq(d, 0);
    cr_assert_gt(H5DSis_scale(d), 0);
    char name[16] = "";
    H5DSget_scale_name(d, name, sizeof name);
    cr_assert_str_eq(name, "node");
    hid_t sp = H5Dget_space(d);
    cr_assert_eq(H5Sget_simple_extent_npoints(sp), 4);
    H5Sclose(sp);
    hid_t ft = H5Dget_type(d);
    cr_assert_eq(H5Tget_class(ft), H5T_STRING);
    cr_assert_gt(H5Tis_variable_str(ft), 0, "variable-length: xarray's h5netcdf engine reads them as str");
    cr_assert_eq(H5Tget_cset(ft), H5T_CSET_UTF8);
    H5Tclose(ft);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char *got[4] = {NULL, NULL, NULL, NULL};
    cr_assert_geq(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, got), 0);
    for (int k = 0; k < 4; ++k)
        cr_assert_str_eq(got[k], labels[k]);
    sp = H5Dget_space(d);
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(mt, sp, H5P_DEFAULT, got);
#else
    H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, got);
#endif
    H5Sclose(sp);
    H5Tclose(mt);
    char *ln = NULL;
    cr_assert_eq(odt_h5_attr_get_string(d, "long_name", &ln), 0);
    cr_assert_str_eq(ln, "thermal node");
    free(ln);
    v = H5Dopen2(f, "temp", H5P_DEFAULT);
    cr_assert_gt(H5DSis_attached(v, d, 1), 0);
    H5Dclose(v);
    H5Dclose(d);
    H5Fclose(f);
}

/* ------------------------------------------------------------ error line */

Test(h5io, error_line)
{
    char line[512] = "junk";
    hid_t f = new_file("err.h5", 0);
    H5Gclose(H5Gopen2(f, "/", H5P_DEFAULT)); /* a call that succeeds leaves an empty stack */
    odt_h5_error_line(line, sizeof line);
    cr_assert_str_eq(line, "");
    cr_assert_lt(H5Dopen2(f, "missing", H5P_DEFAULT), 0);
    odt_h5_error_line(line, sizeof line);
    cr_log_info("error line: %s", line);
    cr_assert_gt(strlen(line), 0);
    cr_assert_null(strchr(line, '\n'));
    cr_assert_not_null(strstr(line, "H5Dopen2"), "names the API call: %s", line);
    char again[512];
    odt_h5_error_line(again, sizeof again);
    cr_assert_str_eq(again, line, "the stack is left as it was");
    char tiny[8];
    odt_h5_error_line(tiny, sizeof tiny);
    cr_assert_eq(strlen(tiny), sizeof tiny - 1);
    H5Fclose(f);
}

/* ------------------------------------------------------------ the snapshot readers of report and export */

/* Links at any depth, static datasets of rank 1 to 3 and string attributes, against what was written. */
Test(h5io, static_readers_and_links)
{
    hid_t f = new_file("static.h5", 1);
    hid_t g = H5Gcreate2(f, "fleet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double a[4] = {1.5, -2.0, 1e300, 0.0};
    const int32_t m[2][3] = {{1, 2, 3}, {-4, 5, 6}};
    const hsize_t da[1] = {4}, dm[2] = {2, 3}, dz[1] = {0};
    cr_assert_geq(H5LTmake_dataset_double(g, "a", 1, da, a), 0);
    cr_assert_geq(H5LTmake_dataset_int(g, "m", 2, dm, &m[0][0]), 0);
    cr_assert_geq(H5LTmake_dataset_double(f, "empty", 1, dz, a), 0);
    cr_assert_geq(H5LTset_attribute_string(f, "fleet/a", "units", "km"), 0); /* fixed-length, as H5LT writes */
    cr_assert_eq(odt_h5_attr_set_string(f, "odtwin_schema_version", "2.0"), 0);
    H5Gclose(g);

    cr_assert_eq(odt_h5_link_exists(f, "fleet"), 1);
    cr_assert_eq(odt_h5_link_exists(f, "/fleet/a"), 1);
    cr_assert_eq(odt_h5_link_exists(f, "fleet/a"), 1);
    cr_assert_eq(odt_h5_link_exists(f, "fleet/b"), 0);
    cr_assert_eq(odt_h5_link_exists(f, "final/a"), 0, "a missing group on the way is no error");
    cr_assert_eq(odt_h5_link_exists(f, "fleet/a/deeper"), 0, "a dataset has no members");
    char longpath[700];
    memset(longpath, 'x', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    memcpy(longpath, "fleet/", 6);
    cr_assert_eq(odt_h5_link_exists(f, longpath), 0, "a long path is looked up whole, not cut");

    hsize_t dims[3] = {0, 0, 0};
    cr_assert_eq(odt_h5_static_shape(f, "fleet/a", dims), 1);
    cr_assert_eq(dims[0], 4);
    cr_assert_eq(odt_h5_static_shape(f, "fleet/m", dims), 2);
    cr_assert(dims[0] == 2 && dims[1] == 3, "%llu x %llu", (unsigned long long)dims[0], (unsigned long long)dims[1]);
    cr_assert_eq(odt_h5_static_shape(f, "fleet/none", dims), -1);
    cr_assert_eq(odt_h5_static_shape(f, "fleet", dims), -1, "a group is not a dataset");

    double ra[4] = {0};
    cr_assert_eq(odt_h5_static_read(f, "fleet/a", H5T_NATIVE_DOUBLE, 4, ra), 0);
    for (int k = 0; k < 4; ++k)
        cr_assert_eq(ra[k], a[k], "a[%d] = %.17g", k, ra[k]);
    cr_assert_eq(odt_h5_static_read(f, "fleet/a", H5T_NATIVE_DOUBLE, 5, ra), -1, "another number of elements");
    cr_assert_eq(odt_h5_static_read(f, "fleet/a", H5T_NATIVE_DOUBLE, 3, ra), -1);
    double rm[6] = {0};
    cr_assert_eq(odt_h5_static_read(f, "fleet/m", H5T_NATIVE_DOUBLE, 6, rm), 0, "any rank, converted");
    cr_assert(rm[0] == 1.0 && rm[3] == -4.0 && rm[5] == 6.0, "%g %g %g", rm[0], rm[3], rm[5]);
    cr_assert_eq(odt_h5_static_read(f, "empty", H5T_NATIVE_DOUBLE, 0, ra), 0, "zero elements read as zero");
    cr_assert_eq(odt_h5_static_read(f, "none", H5T_NATIVE_DOUBLE, 4, ra), -1);

    char *s = odt_h5_attr_text(f, "fleet/a", "units");
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "km");
    free(s);
    s = odt_h5_attr_text(f, ".", "odtwin_schema_version");
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "2.0");
    free(s);
    cr_assert_null(odt_h5_attr_text(f, NULL, "units"), "the root has no units");
    cr_assert_null(odt_h5_attr_text(f, "fleet/none", "units"));
    cr_assert_null(odt_h5_attr_text(f, "fleet/a/x", "units"));
    char why[256] = "";
    cr_assert_eq(odt_h5_snapshot_schema(f, why, sizeof why), 0, "%s", why);
    cr_assert_eq(odt_h5_attr_set_string(f, "odtwin_schema_version", "1.1"), 0);
    cr_assert_eq(odt_h5_snapshot_schema(f, why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "schema 1.1"), "%s", why);
    H5Fclose(f);

    hid_t plain = new_file("plain.h5", 0);
    cr_assert_eq(odt_h5_snapshot_schema(plain, why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "not an odtwin snapshot"), "%s", why);
    H5Fclose(plain);
}

/* What is no snapshot is refused before HDF5 sees it, with one line that says what it is. */
Test(h5io, snapshot_open_refuses_what_is_no_snapshot)
{
    char path[600], why[256];
    struct {
        const char *name, *content, *expect;
    } cases[] = {
        {"missing.h5", NULL, "No such file"},
        {"empty.h5", "", "empty"},
        {"text.h5", "name: not a snapshot\n", "not an HDF5 file"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        path_of(path, sizeof path, cases[k].name);
        if (cases[k].content) {
            FILE *o = fopen(path, "w");
            cr_assert_not_null(o);
            fputs(cases[k].content, o);
            fclose(o);
        }
        why[0] = '\0';
        cr_assert_lt(odt_h5_snapshot_open(path, why, sizeof why), 0, "%s opened", cases[k].name);
        cr_assert_not_null(strstr(why, cases[k].expect), "%s: '%s'", cases[k].name, why);
        cr_assert_null(strchr(why, '\n'));
    }
    cr_assert_lt(odt_h5_snapshot_open(dir, why, sizeof why), 0);
    cr_assert_not_null(strstr(why, "directory"), "%s", why);
    path_of(path, sizeof path, "fifo.h5");
    cr_assert_eq(mkfifo(path, 0600), 0);
    cr_assert_lt(odt_h5_snapshot_open(path, why, sizeof why), 0, "a FIFO is refused, not opened (it would block)");
    cr_assert_not_null(strstr(why, "FIFO"), "%s", why);
    cr_assert_lt(odt_h5_snapshot_open("/dev/null", why, sizeof why), 0);
    cr_assert_not_null(strstr(why, "character device"), "%s", why);
    hid_t f = new_file("ok.h5", 1);
    H5Fclose(f);
    path_of(path, sizeof path, "ok.h5");
    f = odt_h5_snapshot_open(path, why, sizeof why);
    cr_assert_geq(f, 0, "%s", why);
    H5Fclose(f);
}

/* Complete records: the shortest of /time and the record datasets; a record whose time is not finite (a kill
   between the extension and the write) does not count. */
Test(h5io, snapshot_records_counts_complete_records)
{
    hid_t f = new_file("rec.h5", 1);
    char why[256] = "";
    hsize_t n = 99;
    cr_assert_eq(odt_h5_snapshot_records(f, &n, why, sizeof why), -1, "no /time");
    cr_assert_not_null(strstr(why, "/time"), "%s", why);
    struct odt_h5_series t, sun, sp;
    const hsize_t d1[1] = {0}, d2[2] = {0, 3}, dn[2] = {0, 5};
    cr_assert_eq(odt_h5_series_create(&t, f, "time", H5T_NATIVE_DOUBLE, 1, d1, 0, "s", "time"), 0);
    cr_assert_eq(odt_h5_series_create(&sun, f, "sun_direction", H5T_NATIVE_DOUBLE, 2, d2, 0, "1", "sun"), 0);
    cr_assert_eq(odt_h5_series_create(&sp, f, "solar_power", H5T_NATIVE_FLOAT, 2, dn, 0, "W", "power"), 0);
    const double times[5] = {0, 600, 1200, 1800, 2400}, s3[5][3] = {{1, 0, 0}};
    const float p[5][5] = {{1}};
    cr_assert_eq(odt_h5_series_append(&t, 5, times), 0);
    cr_assert_eq(odt_h5_series_append(&sun, 5, s3), 0);
    cr_assert_eq(odt_h5_series_append(&sp, 4, p), 0);
    cr_assert_eq(odt_h5_snapshot_records(f, &n, why, sizeof why), 0, "%s", why);
    cr_assert_eq(n, 4, "solar_power holds 4 of the 5 records: %llu", (unsigned long long)n);
    cr_assert_eq(odt_h5_series_append(&sp, 1, p), 0);
    cr_assert_eq(odt_h5_snapshot_records(f, &n, why, sizeof why), 0, "%s", why);
    cr_assert_eq(n, 5);
    /* the last time not finite: that record is incomplete */
    const double nan_t = NAN;
    const hsize_t start[1] = {4}, cnt[1] = {1};
    hid_t fs = H5Dget_space(t.d), ms = H5Screate_simple(1, cnt, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
    cr_assert_geq(H5Dwrite(t.d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &nan_t), 0);
    H5Sclose(ms);
    H5Sclose(fs);
    cr_assert_eq(odt_h5_snapshot_records(f, &n, why, sizeof why), 0, "%s", why);
    cr_assert_eq(n, 4, "a NaN time ends the complete records: %llu", (unsigned long long)n);
    odt_h5_series_close(&t);
    odt_h5_series_close(&sun);
    odt_h5_series_close(&sp);
    H5Fclose(f);
}
