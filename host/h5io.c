/*
 * h5io.c: HDF5 helpers (h5io.h): errors, attributes, series, the compression
 * pool, tables, string scales and reading snapshots.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "host/h5io.h"

#include <errno.h>
#include <hdf5_hl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "kernels/fleet.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ================================================================== errors */

/* Put a failure that is not HDF5's own (bad argument, no memory, zlib) on the calling thread's error
   stack, so that odt_h5_error_line explains it like any other. */
#define PUSH_ERROR(maj, min, ...) H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, maj, min, __VA_ARGS__)

/* Undo after a failure without losing the error stack that explains it: the calls that undo start by
   clearing the stack. save_errors, then undo, then restore_errors. */
static hid_t save_errors(void) { return H5Eget_current_stack(); }

static void restore_errors(hid_t stack)
{
    if (stack >= 0)
        H5Eset_current_stack(stack);
}

void odt_h5_quiet(void)
{
    const char *e = getenv("ODT_HDF5_ERRORS");
    if (!e || !e[0] || !strcmp(e, "0"))
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

struct err_walk {
    char func[128], desc[256], maj[96], min[96], api[128];
    int seen;
};

/* Walked upward: n = 0 is the innermost error, the last one the API call. */
static herr_t err_walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    struct err_walk *w = data;
    if (n == 0) {
        snprintf(w->func, sizeof w->func, "%s", e->func_name ? e->func_name : "?");
        snprintf(w->desc, sizeof w->desc, "%s", e->desc ? e->desc : "");
        if (H5Eget_msg(e->maj_num, NULL, w->maj, sizeof w->maj) < 0)
            w->maj[0] = '\0';
        if (H5Eget_msg(e->min_num, NULL, w->min, sizeof w->min) < 0)
            w->min[0] = '\0';
        w->seen = 1;
    }
    snprintf(w->api, sizeof w->api, "%s", e->func_name ? e->func_name : "?");
    return 0;
}

void odt_h5_error_line(char *buf, size_t len)
{
    if (!buf || !len)
        return;
    buf[0] = '\0';
    /* walk a copy: H5Eget_current_stack empties the current stack, set back at the end */
    hid_t stack = H5Eget_current_stack();
    if (stack < 0)
        return;
    struct err_walk w;
    memset(&w, 0, sizeof w);
    H5Ewalk2(stack, H5E_WALK_UPWARD, err_walk_cb, &w);
    H5Eset_current_stack(stack); /* also closes the copy */
    if (!w.seen)
        return;
    if (strcmp(w.api, w.func))
        snprintf(buf, len, "%s(): %s (%s: %s; API call %s)", w.func, w.desc, w.maj, w.min, w.api);
    else
        snprintf(buf, len, "%s(): %s (%s: %s)", w.func, w.desc, w.maj, w.min);
    for (char *c = buf; *c; ++c)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}

/* ============================================================== attributes */

/* Delete attribute `name` of obj if it exists. */
static int attr_remove(hid_t obj, const char *name)
{
    htri_t e = H5Aexists(obj, name);
    if (e < 0)
        return -1;
    return e > 0 && H5Adelete(obj, name) < 0 ? -1 : 0;
}

/* Write a scalar attribute of file type ftype from value (memory type mtype). */
static int attr_write_scalar(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
    if (!name || attr_remove(obj, name) < 0)
        return -1;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = sp >= 0 ? H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT) : H5I_INVALID_HID;
    int rc = a >= 0 && H5Awrite(a, mtype, value) >= 0 ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

int odt_h5_attr_set_string(hid_t obj, const char *name, const char *value)
{
    if (!value)
        return -1;
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return -1;
    int rc = -1;
    if (H5Tset_size(t, strlen(value) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0)
        rc = attr_write_scalar(obj, name, t, t, value);
    H5Tclose(t);
    return rc;
}

int odt_h5_attr_set_double(hid_t obj, const char *name, double v)
{
    return attr_write_scalar(obj, name, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, &v);
}

int odt_h5_attr_set_int64(hid_t obj, const char *name, int64_t v)
{
    return attr_write_scalar(obj, name, H5T_NATIVE_INT64, H5T_NATIVE_INT64, &v);
}

/* Open attribute `name` of obj if it exists and holds exactly one value; its file type into *ft. */
static hid_t attr_open_one(hid_t obj, const char *name, hid_t *ft, hid_t *sp)
{
    *ft = *sp = H5I_INVALID_HID;
    const htri_t e = name ? H5Aexists(obj, name) : -1;
    if (e == 0)
        PUSH_ERROR(H5E_ATTR, H5E_NOTFOUND, "no attribute '%s'", name);
    if (e <= 0)
        return H5I_INVALID_HID;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return H5I_INVALID_HID;
    *ft = H5Aget_type(a);
    *sp = H5Aget_space(a);
    if (*ft < 0 || *sp < 0 || H5Sget_simple_extent_npoints(*sp) != 1) {
        PUSH_ERROR(H5E_ATTR, H5E_BADVALUE, "attribute '%s' does not hold one value", name);
        if (*ft >= 0)
            H5Tclose(*ft);
        if (*sp >= 0)
            H5Sclose(*sp);
        H5Aclose(a);
        *ft = *sp = H5I_INVALID_HID;
        return H5I_INVALID_HID;
    }
    return a;
}

int odt_h5_attr_get_string(hid_t obj, const char *name, char **out)
{
    if (!out)
        return -1;
    *out = NULL;
    hid_t ft = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    hid_t a = attr_open_one(obj, name, &ft, &sp);
    if (a < 0)
        return -1;
    int rc = -1;
    hid_t mt = H5Tget_class(ft) == H5T_STRING ? H5Tcopy(H5T_C_S1) : H5I_INVALID_HID;
    if (H5Tget_class(ft) != H5T_STRING)
        PUSH_ERROR(H5E_ATTR, H5E_BADTYPE, "attribute '%s' is not a string", name);
    /* read in the stored character set: HDF5 does not convert UTF-8 to ASCII */
    if (mt >= 0 && H5Tset_cset(mt, H5Tget_cset(ft)) >= 0) {
        if (H5Tis_variable_str(ft) > 0) {
            char *v = NULL;
            if (H5Tset_size(mt, H5T_VARIABLE) >= 0 && H5Aread(a, mt, &v) >= 0) {
                const size_t n = v ? strlen(v) : 0;
                char *c = n <= ODT_H5_STRING_MAX ? malloc(n + 1) : NULL;
                if (!c)
                    PUSH_ERROR(H5E_ATTR, H5E_NOSPACE, "attribute '%s': %zu bytes of text", name, n);
                if (c) {
                    memcpy(c, v ? v : "", n + 1);
                    *out = c;
                    rc = 0;
                }
#if H5_VERSION_GE(1, 12, 0)
                H5Treclaim(mt, sp, H5P_DEFAULT, &v);
#else
                H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, &v);
#endif
            }
        } else {
            const size_t n = H5Tget_size(ft);
            char *c = n > 0 && n <= ODT_H5_STRING_MAX ? malloc(n + 1) : NULL;
            if (!c)
                PUSH_ERROR(H5E_ATTR, H5E_NOSPACE, "attribute '%s': %zu bytes of text", name, n);
            if (c && H5Tset_size(mt, n + 1) >= 0 && H5Tset_strpad(mt, H5T_STR_NULLTERM) >= 0 &&
                H5Aread(a, mt, c) >= 0) {
                c[n] = '\0';
                *out = c;
                rc = 0;
            } else {
                free(c);
            }
        }
    }
    if (mt >= 0)
        H5Tclose(mt);
    H5Tclose(ft);
    H5Sclose(sp);
    H5Aclose(a);
    return rc;
}

int odt_h5_attr_get_double(hid_t obj, const char *name, double *v)
{
    hid_t ft = H5I_INVALID_HID, sp = H5I_INVALID_HID;
    hid_t a = v ? attr_open_one(obj, name, &ft, &sp) : H5I_INVALID_HID;
    if (a < 0)
        return -1;
    const H5T_class_t c = H5Tget_class(ft);
    if (c != H5T_INTEGER && c != H5T_FLOAT)
        PUSH_ERROR(H5E_ATTR, H5E_BADTYPE, "attribute '%s' is not a number", name);
    int rc = (c == H5T_INTEGER || c == H5T_FLOAT) && H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0 ? 0 : -1;
    H5Tclose(ft);
    H5Sclose(sp);
    H5Aclose(a);
    return rc;
}

/* ================================================================== series */

/* Attributes units and long_name, each when not NULL. */
static int set_cf(hid_t d, const char *units, const char *long_name)
{
    int bad = 0;
    if (units)
        bad |= odt_h5_attr_set_string(d, "units", units) < 0;
    if (long_name)
        bad |= odt_h5_attr_set_string(d, "long_name", long_name) < 0;
    return bad ? -1 : 0;
}

/* Derived fields (record_elems, inner, direct) from rank, dims, chunk, deflate, shuffle. */
static void series_derive(struct odt_h5_series *s, int types_equal)
{
    s->inner = s->rank > 2 ? s->dims[2] : 1;
    s->record_elems = s->rank > 1 ? s->dims[1] * s->inner : 1;
    /* the pool writes chunks [1, chunk[1], dims[2]]: contiguous slices of one record */
    s->direct = types_equal && s->rank >= 2 && s->deflate > 0 && s->chunk[0] == 1 &&
                (s->rank < 3 || s->chunk[2] == s->dims[2]);
}

int odt_h5_series_create(struct odt_h5_series *s, hid_t loc, const char *name, hid_t type, int rank,
                         const hsize_t *dims, int deflate, const char *units, const char *long_name)
{
    if (!s)
        return -1;
    memset(s, 0, sizeof *s);
    s->d = s->mem_type = H5I_INVALID_HID;
    if (!name || rank < 1 || rank > 3 || (rank > 1 && !dims) || deflate < 0 || deflate > 9) {
        PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "series %s: rank %d (1..3) or deflate level %d (0..9)",
                   name ? name : "(null)", rank, deflate);
        return -1;
    }
    const size_t elem = H5Tget_size(type);
    if (elem == 0)
        return -1;
    hsize_t cur[3], max[3];
    size_t row = elem; /* bytes per record */
    for (int k = 0; k < rank; ++k) {
        if (k > 0 && dims[k] < 1) {
            PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "series %s: dimension %d is empty", name, k);
            return -1;
        }
        cur[k] = k == 0 ? 0 : dims[k];
        max[k] = k == 0 ? H5S_UNLIMITED : dims[k];
        s->chunk[k] = k == 0 ? 1 : dims[k];
        s->dims[k] = cur[k];
        if (k > 0)
            row *= (size_t)dims[k];
    }
    if (rank == 1) {
        s->chunk[0] = ODT_H5_RANK1_CHUNK;
    } else if (row > ODT_H5_CHUNK_BYTES) {
        /* k slices of at most ~1 MiB, as equal as they go: the edge chunk is then nearly full, which matters
           uncompressed (HDF5 stores an edge chunk whole: 1e6 floats in slices of 262144 would waste 19 %) */
        const size_t per_index = row / (size_t)dims[1]; /* bytes per index of dimension 1 */
        const hsize_t per = ODT_H5_CHUNK_BYTES / per_index ? ODT_H5_CHUNK_BYTES / per_index : 1;
        const hsize_t k = (dims[1] + per - 1) / per;
        s->chunk[1] = (dims[1] + k - 1) / k;
    } else if (row < ODT_H5_SMALL_CHUNK_BYTES) {
        s->chunk[0] = ODT_H5_SMALL_CHUNK_BYTES / row;
    }
    for (int k = rank; k < 3; ++k)
        s->dims[k] = s->chunk[k] = 1;
    s->rank = rank;
    s->elem = elem;
    if (deflate > 0 && s->chunk[0] == 1) {
        s->deflate = deflate;
        s->shuffle = 1;
    }
    hid_t space = H5Screate_simple(rank, cur, max);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int bad = space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, rank, s->chunk) < 0;
    if (!bad && s->deflate)
        bad = H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)s->deflate) < 0;
    if (!bad)
        s->mem_type = H5Tcopy(type);
    if (!bad && s->mem_type >= 0)
        s->d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (bad || s->d < 0 || set_cf(s->d, units, long_name) < 0) {
        odt_h5_series_close(s);
        return -1;
    }
    series_derive(s, 1);
    return 0;
}

/* Read the filter pipeline of dcpl: 0 when it is empty, deflate alone, or shuffle (of elem-byte elements)
   then deflate; -1 for anything else (the pool then leaves the chunks to HDF5). */
static int read_filters(hid_t dcpl, size_t elem, int *deflate, int *shuffle)
{
    *deflate = *shuffle = 0;
    const int n = H5Pget_nfilters(dcpl);
    if (n < 0)
        return -1;
    int bad = 0;
    for (int k = 0; k < n; ++k) {
        unsigned flags = 0, cd[8] = {0};
        size_t ncd = 8;
        char fname[64];
        const H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)k, &flags, &ncd, cd, sizeof fname, fname, NULL);
        if (id == H5Z_FILTER_SHUFFLE && k == 0 && n == 2)
            *shuffle = ncd >= 1 && cd[0] == elem ? 1 : (bad = 1, 0);
        else if (id == H5Z_FILTER_DEFLATE && k == n - 1 && ncd >= 1 && cd[0] >= 1 && cd[0] <= 9)
            *deflate = (int)cd[0];
        else
            bad = 1;
    }
    return bad ? -1 : 0;
}

int odt_h5_series_open(struct odt_h5_series *s, hid_t loc, const char *name, hid_t mem_type)
{
    if (!s)
        return -1;
    memset(s, 0, sizeof *s);
    s->mem_type = H5I_INVALID_HID;
    s->d = name ? H5Dopen2(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (s->d < 0)
        return -1;
    hid_t space = H5Dget_space(s->d);
    hid_t dcpl = H5Dget_create_plist(s->d);
    hid_t ftype = H5Dget_type(s->d);
    s->mem_type = H5Tcopy(mem_type);
    s->elem = s->mem_type >= 0 ? H5Tget_size(s->mem_type) : 0;
    s->rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    int bad = space < 0 || dcpl < 0 || ftype < 0 || s->elem == 0 || s->rank < 1 || s->rank > 3;
    bad = bad || H5Sget_simple_extent_dims(space, s->dims, NULL) < 0;
    bad = bad || H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, s->rank, s->chunk) != s->rank;
    int types_equal = 0;
    if (!bad) {
        types_equal = H5Tequal(ftype, s->mem_type) > 0;
        /* an unknown pipeline still reads and appends through HDF5; only the pool needs to know it */
        if (read_filters(dcpl, s->elem, &s->deflate, &s->shuffle) < 0)
            types_equal = 0, s->deflate = -1;
    }
    if (ftype >= 0)
        H5Tclose(ftype);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (bad) {
        odt_h5_series_close(s);
        return -1;
    }
    for (int k = s->rank; k < 3; ++k)
        s->dims[k] = s->chunk[k] = 1;
    series_derive(s, types_equal);
    return 0;
}

void odt_h5_series_close(struct odt_h5_series *s)
{
    if (!s)
        return;
    if (s->d > 0)
        H5Dclose(s->d);
    if (s->mem_type > 0)
        H5Tclose(s->mem_type);
    s->d = s->mem_type = H5I_INVALID_HID;
}

/* Set the extent of dimension 0 to `records`, keeping s->dims in step. */
static int set_extent(struct odt_h5_series *s, hsize_t records)
{
    hsize_t dims[3] = {records, s->dims[1], s->dims[2]};
    if (H5Dset_extent(s->d, dims) < 0)
        return -1;
    s->dims[0] = records;
    return 0;
}

/* H5Dwrite of records [first, first + count) of s from wbuf, or H5Dread into rbuf when wbuf is NULL. */
static int series_io(const struct odt_h5_series *s, hsize_t first, hsize_t count, const void *wbuf, void *rbuf)
{
    hid_t fs = H5Dget_space(s->d);
    hsize_t start[3] = {first, 0, 0}, cnt[3] = {count, s->dims[1], s->dims[2]};
    hid_t ms = H5Screate_simple(s->rank, cnt, NULL);
    int rc = -1;
    if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0)
        rc = (wbuf ? H5Dwrite(s->d, s->mem_type, ms, fs, H5P_DEFAULT, wbuf)
                   : H5Dread(s->d, s->mem_type, ms, fs, H5P_DEFAULT, rbuf)) < 0
                 ? -1
                 : 0;
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

int odt_h5_series_append(struct odt_h5_series *s, hsize_t count, const void *buf)
{
    if (!s || s->d < 0 || (count && !buf))
        return -1;
    if (count == 0)
        return 0;
    const hsize_t old = s->dims[0];
    if (set_extent(s, old + count) < 0)
        return -1;
    if (series_io(s, old, count, buf, NULL) < 0) {
        const hid_t es = save_errors();
        set_extent(s, old);
        restore_errors(es);
        return -1;
    }
    return 0;
}

int odt_h5_series_set_records(struct odt_h5_series *s, hsize_t records)
{
    return s && s->d >= 0 ? set_extent(s, records) : -1;
}

int odt_h5_series_read(const struct odt_h5_series *s, hsize_t first, hsize_t count, void *buf)
{
    if (!s || s->d < 0 || (count && !buf) || first > s->dims[0] || count > s->dims[0] - first)
        return -1;
    return count ? series_io(s, first, count, NULL, buf) : 0;
}

/* ======================================================= compression pool */

/* HDF5's shuffle filter (H5Z_filter_shuffle) on a chunk of `total` elements of s bytes whose first
   `valid` come from src and the rest are zeros (the fill value): byte j of element i goes to
   dst[j * total + i]. A chunk is a whole number of elements: no trailing bytes. */
static void shuffle_pad(unsigned char *restrict dst, const unsigned char *restrict src, size_t valid, size_t total,
                        size_t s)
{
    if (s == 4) {
        unsigned char *d0 = dst, *d1 = dst + total, *d2 = dst + 2 * total, *d3 = dst + 3 * total;
        for (size_t i = 0; i < valid; ++i) {
            d0[i] = src[4 * i];
            d1[i] = src[4 * i + 1];
            d2[i] = src[4 * i + 2];
            d3[i] = src[4 * i + 3];
        }
    } else if (s == 8) {
        for (size_t i = 0; i < valid; ++i)
            for (size_t j = 0; j < 8; ++j)
                dst[j * total + i] = src[8 * i + j];
    } else {
        for (size_t j = 0; j < s; ++j)
            for (size_t i = 0; i < valid; ++i)
                dst[j * total + i] = src[i * s + j];
    }
    if (valid < total)
        for (size_t j = 0; j < s; ++j)
            memset(dst + j * total + valid, 0, total - valid);
}

enum { SLOT_QUEUED, SLOT_DONE, SLOT_FAILED };

/* One chunk on its way: compressed by any thread, written by the caller. */
struct slot {
    const unsigned char *src; /* the chunk's first byte in the caller's record */
    size_t valid, total;      /* elements from src, elements in the chunk */
    size_t elem;
    int level, shuffle;
    struct odt_h5_series *s;
    hsize_t offset[3];   /* chunk origin, dataset element coordinates */
    unsigned char *out;  /* deflated chunk */
    size_t cap, size;    /* bytes allocated, bytes used */
    double seconds;      /* compress time */
    int state;
};

struct thread_arg {
    struct odt_h5_pool *p;
    int id; /* index into scratch; 0 is the caller */
};

struct odt_h5_pool {
    int threads;
    pthread_t *tid;
    struct thread_arg *arg;
    int started;  /* worker threads running: 1..started */
    int sync_ok;  /* mu, work and done exist */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    int stop;
    unsigned char **scratch; /* per thread: a shuffled (or padded) chunk */
    size_t scratch_cap;
    struct slot *slot;
    size_t nslot;
    /* the call in progress: tasks are numbered 0..ntasks-1, task t lives in slot t % nslot */
    struct task {
        int k;       /* series */
        hsize_t j;   /* slice along dimension 1 */
    } *task;
    size_t task_cap, ntasks, issued, claimed, written;
    struct odt_h5_series *const *s;
    const void *const *bufs;
    hsize_t *old_records; /* per series of the call */
    int old_cap;
    double bytes_in, bytes_out, compress_s, write_s;
};

/* Shuffle + deflate one slot with scratch buffer `scratch`; returns the slot's new state. */
static int compress_slot(struct slot *sl, unsigned char *scratch)
{
    const double t0 = now_s();
    const size_t bytes = sl->total * sl->elem;
    const unsigned char *in = sl->src;
    if (sl->shuffle) {
        shuffle_pad(scratch, sl->src, sl->valid, sl->total, sl->elem);
        in = scratch;
    } else if (sl->valid < sl->total) {
        memcpy(scratch, sl->src, sl->valid * sl->elem);
        memset(scratch + sl->valid * sl->elem, 0, bytes - sl->valid * sl->elem);
        in = scratch;
    }
    uLongf n = (uLongf)sl->cap;
    const int z = compress2(sl->out, &n, in, (uLong)bytes, sl->level);
    sl->size = (size_t)n;
    sl->seconds = now_s() - t0;
    return z == Z_OK ? SLOT_DONE : SLOT_FAILED;
}

/* Claim the next queued task and compress it (called with p->mu held; returns with it held). The state
   changes under the mutex: the caller reads size and out only after it has seen the new state. */
static void run_one(struct odt_h5_pool *p, int id)
{
    struct slot *sl = &p->slot[p->claimed++ % p->nslot];
    pthread_mutex_unlock(&p->mu);
    const int state = compress_slot(sl, p->scratch[id]);
    pthread_mutex_lock(&p->mu);
    sl->state = state;
    pthread_cond_signal(&p->done);
}

static void *worker(void *arg)
{
    struct thread_arg *a = arg;
    struct odt_h5_pool *p = a->p;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        if (p->claimed < p->issued)
            run_one(p, a->id);
        else
            pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct odt_h5_pool *odt_h5_pool_create(int threads)
{
    if (threads < 1 || threads > 1024)
        return NULL;
    struct odt_h5_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = threads;
    p->nslot = (size_t)(4 * threads);
    p->slot = calloc(p->nslot, sizeof *p->slot);
    p->scratch = calloc((size_t)threads, sizeof *p->scratch);
    p->tid = calloc((size_t)threads, sizeof *p->tid);
    p->arg = calloc((size_t)threads, sizeof *p->arg);
    if (!p->slot || !p->scratch || !p->tid || !p->arg) {
        odt_h5_pool_free(p);
        return NULL;
    }
    /* with default attributes these cannot fail (glibc, musl) */
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->sync_ok = 1;
    for (int k = 1; k < threads; ++k) {
        p->arg[k].p = p;
        p->arg[k].id = k;
        if (pthread_create(&p->tid[k], NULL, worker, &p->arg[k]) != 0) {
            odt_h5_pool_free(p);
            return NULL;
        }
        p->started = k;
    }
    return p;
}

void odt_h5_pool_free(struct odt_h5_pool *p)
{
    if (!p)
        return;
    if (p->sync_ok) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->mu);
        for (int k = 1; k <= p->started; ++k)
            pthread_join(p->tid[k], NULL);
        pthread_cond_destroy(&p->done);
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
    }
    if (p->scratch)
        for (int k = 0; k < p->threads; ++k)
            free(p->scratch[k]);
    if (p->slot)
        for (size_t k = 0; k < p->nslot; ++k)
            free(p->slot[k].out);
    free(p->scratch);
    free(p->slot);
    free(p->tid);
    free(p->arg);
    free(p->task);
    free(p->old_records);
    free(p);
}

/* Grow *buf to at least n bytes (contents not kept). */
static int reserve(unsigned char **buf, size_t *cap, size_t n)
{
    if (*cap >= n)
        return 0;
    unsigned char *b = malloc(n);
    if (!b)
        return -1;
    free(*buf);
    *buf = b;
    *cap = n;
    return 0;
}

static size_t chunk_elems(const struct odt_h5_series *s)
{
    return (size_t)s->chunk[1] * (size_t)s->inner;
}

/* Fill slot t % nslot with task t (caller's thread, with p->mu held; workers touch only claimed slots). */
static int issue(struct odt_h5_pool *p, size_t t)
{
    struct slot *sl = &p->slot[t % p->nslot];
    const struct task *tk = &p->task[t];
    struct odt_h5_series *s = p->s[tk->k];
    const hsize_t first = tk->j * s->chunk[1];
    const hsize_t n1 = s->dims[1] - first < s->chunk[1] ? s->dims[1] - first : s->chunk[1];
    sl->s = s;
    sl->elem = s->elem;
    sl->level = s->deflate;
    sl->shuffle = s->shuffle;
    sl->total = chunk_elems(s);
    sl->valid = (size_t)n1 * (size_t)s->inner;
    sl->src = (const unsigned char *)p->bufs[tk->k] + (size_t)first * (size_t)s->inner * s->elem;
    sl->offset[0] = s->dims[0] - 1; /* the extent already counts the new record */
    sl->offset[1] = first;
    sl->offset[2] = 0;
    sl->state = SLOT_QUEUED;
    return reserve(&sl->out, &sl->cap, (size_t)compressBound((uLong)(sl->total * sl->elem)));
}

int odt_h5_pool_append(struct odt_h5_pool *p, struct odt_h5_series *const *s, const void *const *bufs, int count)
{
    if (!p || count < 0 || (count && (!s || !bufs))) {
        PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "no pool, or no series or buffers");
        return -1;
    }
    for (int k = 0; k < count; ++k)
        if (!s[k] || s[k]->d < 0 || !bufs[k]) {
            PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "series %d: closed, or no buffer", k);
            return -1;
        }
    if (count > p->old_cap) {
        hsize_t *o = realloc(p->old_records, sizeof *o * (size_t)count);
        if (!o) {
            PUSH_ERROR(H5E_RESOURCE, H5E_NOSPACE, "no memory");
            return -1;
        }
        p->old_records = o;
        p->old_cap = count;
    }
    /* the tasks, the scratch size, and the extents (the pool's chunks go to the new record) */
    size_t ntasks = 0, maxbytes = 0;
    for (int k = 0; k < count; ++k) {
        p->old_records[k] = s[k]->dims[0];
        if (s[k]->direct) {
            ntasks += (size_t)((s[k]->dims[1] + s[k]->chunk[1] - 1) / s[k]->chunk[1]);
            const size_t b = chunk_elems(s[k]) * s[k]->elem;
            maxbytes = b > maxbytes ? b : maxbytes;
        }
    }
    int bad = 0;
    if (ntasks > p->task_cap) {
        struct task *tk = realloc(p->task, sizeof *tk * ntasks);
        if (!tk) {
            PUSH_ERROR(H5E_RESOURCE, H5E_NOSPACE, "no memory");
            return -1;
        }
        p->task = tk;
        p->task_cap = ntasks;
    }
    for (int k = 0; k < p->threads && !bad; ++k) { /* the workers are idle between calls */
        size_t cap = p->scratch_cap;
        bad = reserve(&p->scratch[k], &cap, maxbytes) < 0;
    }
    if (bad) {
        PUSH_ERROR(H5E_RESOURCE, H5E_NOSPACE, "no memory for %zu-byte chunks", maxbytes);
        return -1;
    }
    p->scratch_cap = maxbytes > p->scratch_cap ? maxbytes : p->scratch_cap;
    double t0 = now_s();
    ntasks = 0;
    for (int k = 0; k < count && !bad; ++k) {
        if (!s[k]->direct)
            continue;
        if ((bad = set_extent(s[k], s[k]->dims[0] + 1) < 0))
            break;
        for (hsize_t j = 0; j * s[k]->chunk[1] < s[k]->dims[1]; ++j) {
            p->task[ntasks].k = k;
            p->task[ntasks++].j = j;
        }
    }
    p->write_s += now_s() - t0;

    pthread_mutex_lock(&p->mu);
    p->s = s;
    p->bufs = bufs;
    p->ntasks = bad ? 0 : ntasks;
    p->issued = p->claimed = p->written = 0;
    /* first issue, then the uncompressed series while the workers start */
    while (p->issued < p->ntasks && p->issued < p->nslot && !bad)
        if ((bad = issue(p, p->issued++) < 0))
            PUSH_ERROR(H5E_RESOURCE, H5E_NOSPACE, "no memory for the compressed chunks");
    if (bad) /* nothing claimed yet: drop the lot */
        p->ntasks = p->issued = p->claimed = 0;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    t0 = now_s();
    for (int k = 0; k < count && !bad; ++k) {
        if (s[k]->direct)
            continue;
        bad = odt_h5_series_append(s[k], 1, bufs[k]) < 0;
        const double raw = (double)s[k]->record_elems * (double)s[k]->elem;
        p->bytes_in += raw;
        p->bytes_out += raw;
    }
    p->write_s += now_s() - t0;

    /* write the chunks in order, compressing while the next one is not ready */
    pthread_mutex_lock(&p->mu);
    while (p->written < p->ntasks) {
        const size_t before = p->issued;
        while (!bad && p->issued < p->ntasks && p->issued < p->written + p->nslot) {
            bad = issue(p, p->issued) < 0;
            if (!bad)
                ++p->issued;
            else
                PUSH_ERROR(H5E_RESOURCE, H5E_NOSPACE, "no memory for the compressed chunks");
        }
        if (bad) /* stop issuing: what was issued still drains */
            p->ntasks = p->issued;
        if (p->issued > before)
            pthread_cond_broadcast(&p->work);
        if (p->written == p->ntasks)
            break;
        struct slot *sl = &p->slot[p->written % p->nslot];
        if (sl->state != SLOT_QUEUED && p->written < p->claimed) {
            pthread_mutex_unlock(&p->mu);
            if (sl->state == SLOT_FAILED && !bad) {
                bad = 1;
                PUSH_ERROR(H5E_PLINE, H5E_CANTFILTER, "zlib compress2 failed on a chunk of %zu bytes",
                           sl->total * sl->elem);
            }
            if (!bad) {
                const double tw = now_s();
                bad = H5Dwrite_chunk(sl->s->d, H5P_DEFAULT, 0, sl->offset, sl->size, sl->out) < 0;
                p->write_s += now_s() - tw;
                p->bytes_in += (double)(sl->valid * sl->elem);
                p->bytes_out += (double)sl->size;
            }
            p->compress_s += sl->seconds;
            pthread_mutex_lock(&p->mu);
            ++p->written;
        } else if (p->claimed < p->issued) {
            run_one(p, 0);
        } else {
            pthread_cond_wait(&p->done, &p->mu);
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (bad) {
        const hid_t es = save_errors();
        for (int k = 0; k < count; ++k)
            if (s[k]->dims[0] != p->old_records[k])
                set_extent(s[k], p->old_records[k]);
        restore_errors(es);
    }
    return bad ? -1 : 0;
}

void odt_h5_pool_stats(const struct odt_h5_pool *p, double *bytes_in, double *bytes_out, double *compress_s,
                       double *write_s)
{
    if (bytes_in)
        *bytes_in = p ? p->bytes_in : 0.0;
    if (bytes_out)
        *bytes_out = p ? p->bytes_out : 0.0;
    if (compress_s)
        *compress_s = p ? p->compress_s : 0.0;
    if (write_s)
        *write_s = p ? p->write_s : 0.0;
}

/* ================================================================== tables */

static void table_zero(struct odt_h5_table *t)
{
    memset(t, 0, sizeof *t);
    t->g = H5I_INVALID_HID;
    t->index.d = t->index.mem_type = H5I_INVALID_HID;
}

/* The column arrays, each series closed. */
static int table_alloc(struct odt_h5_table *t, const struct odt_h5_column *cols, int ncols)
{
    t->ncols = ncols;
    t->col = calloc((size_t)(ncols ? ncols : 1), sizeof *t->col);
    t->offset = calloc((size_t)(ncols ? ncols : 1), sizeof *t->offset);
    if (!t->col || !t->offset)
        return -1;
    for (int k = 0; k < ncols; ++k) {
        t->col[k].d = t->col[k].mem_type = H5I_INVALID_HID;
        t->offset[k] = cols[k].offset;
    }
    return 0;
}

int odt_h5_table_create(struct odt_h5_table *t, hid_t loc, const char *group, const char *index_name,
                        const struct odt_h5_column *cols, int ncols, int deflate)
{
    if (!t)
        return -1;
    table_zero(t);
    if (!group || !index_name || ncols < 0 || (ncols && !cols) || table_alloc(t, cols, ncols) < 0) {
        odt_h5_table_close(t);
        return -1;
    }
    const hsize_t dims[1] = {0};
    t->g = H5Gcreate2(loc, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int bad = t->g < 0 || odt_h5_series_create(&t->index, t->g, index_name, H5T_NATIVE_INT64, 1, dims, deflate,
                                                NULL, "row") < 0;
    bad = bad || H5DSset_scale(t->index.d, index_name) < 0;
    for (int k = 0; k < ncols && !bad; ++k)
        bad = !cols[k].name ||
              odt_h5_series_create(&t->col[k], t->g, cols[k].name, cols[k].type, 1, dims, deflate, cols[k].units,
                                   cols[k].long_name) < 0 ||
              H5DSattach_scale(t->col[k].d, t->index.d, 0) < 0;
    if (bad) {
        odt_h5_table_close(t);
        return -1;
    }
    return 0;
}

int odt_h5_table_open(struct odt_h5_table *t, hid_t loc, const char *group, const char *index_name,
                      const struct odt_h5_column *cols, int ncols)
{
    if (!t)
        return -1;
    table_zero(t);
    if (!group || !index_name || ncols < 0 || (ncols && !cols) || table_alloc(t, cols, ncols) < 0) {
        odt_h5_table_close(t);
        return -1;
    }
    t->g = H5Gopen2(loc, group, H5P_DEFAULT);
    int bad = t->g < 0 || odt_h5_series_open(&t->index, t->g, index_name, H5T_NATIVE_INT64) < 0 ||
              t->index.rank != 1;
    if (!bad)
        t->rows = t->index.dims[0];
    for (int k = 0; k < ncols && !bad; ++k) {
        bad = !cols[k].name || odt_h5_series_open(&t->col[k], t->g, cols[k].name, cols[k].type) < 0 ||
              t->col[k].rank != 1;
        if (!bad && t->col[k].dims[0] < t->rows)
            t->rows = t->col[k].dims[0];
    }
    if (bad) {
        odt_h5_table_close(t);
        return -1;
    }
    return 0;
}

/* Gather column k of nrows rows into t->scratch. */
static void gather(struct odt_h5_table *t, int k, const void *rows, size_t stride, size_t nrows)
{
    const unsigned char *src = (const unsigned char *)rows + t->offset[k];
    unsigned char *dst = t->scratch;
    const size_t e = t->col[k].elem;
    if (e == 8)
        for (size_t q = 0; q < nrows; ++q)
            memcpy(dst + 8 * q, src + q * stride, 8);
    else if (e == 4)
        for (size_t q = 0; q < nrows; ++q)
            memcpy(dst + 4 * q, src + q * stride, 4);
    else
        for (size_t q = 0; q < nrows; ++q)
            memcpy(dst + e * q, src + q * stride, e);
}

int odt_h5_table_append(struct odt_h5_table *t, const void *rows, size_t stride, size_t nrows)
{
    if (!t || t->g < 0 || (nrows && !rows))
        return -1;
    if (nrows == 0)
        return 0;
    /* a kill may have left some columns longer than the index: cut them first */
    int bad = t->index.dims[0] != t->rows && odt_h5_series_set_records(&t->index, t->rows) < 0;
    for (int k = 0; k < t->ncols && !bad; ++k)
        bad = t->col[k].dims[0] != t->rows && odt_h5_series_set_records(&t->col[k], t->rows) < 0;
    size_t need = nrows * sizeof(int64_t);
    for (int k = 0; k < t->ncols; ++k)
        need = nrows * t->col[k].elem > need ? nrows * t->col[k].elem : need;
    if (!bad && need > t->scratch_bytes) {
        void *b = malloc(need);
        if (!b)
            return -1;
        free(t->scratch);
        t->scratch = b;
        t->scratch_bytes = need;
    }
    for (int k = 0; k < t->ncols && !bad; ++k) {
        gather(t, k, rows, stride, nrows);
        bad = odt_h5_series_append(&t->col[k], nrows, t->scratch) < 0;
    }
    if (!bad) {
        int64_t *ix = t->scratch;
        for (size_t q = 0; q < nrows; ++q)
            ix[q] = (int64_t)(t->rows + q);
        bad = odt_h5_series_append(&t->index, nrows, ix) < 0;
    }
    if (bad) {
        const hid_t es = save_errors();
        odt_h5_table_set_rows(t, t->rows);
        restore_errors(es);
        return -1;
    }
    t->rows += nrows;
    return 0;
}

int odt_h5_table_set_rows(struct odt_h5_table *t, hsize_t rows)
{
    if (!t || t->g < 0)
        return -1;
    int bad = 0;
    for (int k = 0; k < t->ncols; ++k)
        bad |= odt_h5_series_set_records(&t->col[k], rows) < 0;
    bad |= odt_h5_series_set_records(&t->index, rows) < 0;
    if (bad)
        return -1;
    t->rows = rows;
    return 0;
}

hsize_t odt_h5_table_rows(const struct odt_h5_table *t)
{
    return t ? t->rows : 0;
}

void odt_h5_table_close(struct odt_h5_table *t)
{
    if (!t)
        return;
    if (t->col)
        for (int k = 0; k < t->ncols; ++k)
            odt_h5_series_close(&t->col[k]);
    odt_h5_series_close(&t->index);
    if (t->g > 0)
        H5Gclose(t->g);
    free(t->col);
    free(t->offset);
    free(t->scratch);
    table_zero(t);
}

/* ========================================================== string scales */

hid_t odt_h5_scale_strings(hid_t loc, const char *name, const char *const *labels, int n, const char *long_name)
{
    if (!name || n < 0 || (n && !labels)) {
        PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "string scale: no name, or no labels");
        return H5I_INVALID_HID;
    }
    for (int k = 0; k < n; ++k)
        if (!labels[k]) {
            PUSH_ERROR(H5E_ARGS, H5E_BADVALUE, "string scale %s: label %d is NULL", name, k);
            return H5I_INVALID_HID;
        }
    /* variable-length UTF-8: xarray's h5netcdf engine reads fixed-length strings as bytes (b"payload"), so
       that ds.sel(node="payload") finds nothing; variable-length strings are str in both engines */
    const hsize_t dims[1] = {(hsize_t)n};
    hid_t t = H5Tcopy(H5T_C_S1);
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t d = H5I_INVALID_HID;
    if (t >= 0 && sp >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0)
        d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int bad = d < 0 || (n && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0) ||
              H5DSset_scale(d, name) < 0 || (long_name && odt_h5_attr_set_string(d, "long_name", long_name) < 0);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (bad && d >= 0) {
        H5Dclose(d);
        d = H5I_INVALID_HID;
    }
    return d;
}

/* ======================================================== reading snapshots */

int odt_h5_link_exists(hid_t loc, const char *path)
{
    /* H5Lexists on "a/b" needs "a" to exist: test each component */
    char *buf = strdup(path);
    if (!buf)
        return 0;
    int found = 1;
    for (char *p = buf + (buf[0] == '/'); found; ++p) {
        if (*p == '/' || *p == '\0') {
            const char c = *p;
            *p = '\0';
            if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0)
                found = 0;
            else if (!c)
                break;
            *p = c;
        }
    }
    free(buf);
    return found;
}

char *odt_h5_attr_text(hid_t loc, const char *obj, const char *name)
{
    const int root = !obj || !strcmp(obj, ".");
    if (!root && !odt_h5_link_exists(loc, obj))
        return NULL;
    hid_t o = root ? loc : H5Oopen(loc, obj, H5P_DEFAULT);
    if (o < 0)
        return NULL;
    char *s = NULL;
    if (H5Aexists(o, name) > 0 && odt_h5_attr_get_string(o, name, &s) != 0)
        s = NULL;
    if (!root)
        H5Oclose(o);
    return s;
}

int odt_h5_static_shape(hid_t loc, const char *name, hsize_t dims[3])
{
    int rank = -1;
    if (!odt_h5_link_exists(loc, name) || H5LTget_dataset_ndims(loc, name, &rank) < 0 || rank < 1 || rank > 3)
        return -1;
    H5T_class_t c;
    size_t sz;
    return H5LTget_dataset_info(loc, name, dims, &c, &sz) < 0 ? -1 : rank;
}

int odt_h5_static_read(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf)
{
    hsize_t dims[3];
    const int rank = odt_h5_static_shape(loc, name, dims);
    if (rank < 0)
        return -1;
    hsize_t elems = 1;
    for (int k = 0; k < rank; ++k)
        elems *= dims[k];
    if (elems != count)
        return -1;
    return count == 0 || H5LTread_dataset(loc, name, memtype, buf) >= 0 ? 0 : -1;
}

hid_t odt_h5_open_swmr_read(const char *path)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return H5I_INVALID_HID;
    hid_t f = H5I_INVALID_HID;
    if (H5Pset_metadata_read_attempts(fapl, ODT_H5_SWMR_READ_ATTEMPTS) >= 0)
        f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
    H5Pclose(fapl);
    return f;
}

hid_t odt_h5_snapshot_open(const char *path, char *why, size_t len)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(why, len, "cannot open: %s", strerror(errno));
        return H5I_INVALID_HID;
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(why, len, "is a directory, not a snapshot file");
        return H5I_INVALID_HID;
    }
    if (!S_ISREG(sb.st_mode)) { /* a FIFO would block the open, a device read without end */
        snprintf(why, len, "is %s, not a snapshot file",
                 S_ISFIFO(sb.st_mode) ? "a FIFO" : S_ISCHR(sb.st_mode) ? "a character device"
                                    : S_ISBLK(sb.st_mode) ? "a block device" : "not a regular file");
        return H5I_INVALID_HID;
    }
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        snprintf(why, len, "cannot open: %s", strerror(errno));
        return H5I_INVALID_HID;
    }
    fclose(probe);
    if (sb.st_size == 0) {
        snprintf(why, len, "the file is empty: not an HDF5 snapshot");
        return H5I_INVALID_HID;
    }
#if H5_VERSION_GE(1, 12, 0)
    const htri_t is_h5 = H5Fis_accessible(path, H5P_DEFAULT);
#else
    const htri_t is_h5 = H5Fis_hdf5(path);
#endif
    if (is_h5 <= 0) {
        snprintf(why, len, "not an HDF5 file (no HDF5 signature): is it a snapshot written by odtwin run?");
        return H5I_INVALID_HID;
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) /* a run still writing it holds it in SWMR mode: read it as a SWMR reader */
        f = odt_h5_open_swmr_read(path);
    if (f < 0)
        snprintf(why, len, "the HDF5 file cannot be opened: it is damaged or truncated (a copy cut short?), or a "
                           "program holds it open for writing");
    return f;
}

int odt_h5_snapshot_schema(hid_t file, char *why, size_t len)
{
    char *s = odt_h5_attr_text(file, ".", "odtwin_schema_version");
    if (!s) {
        snprintf(why, len, "an HDF5 file but not an odtwin snapshot (no odtwin_schema_version attribute)");
        return -1;
    }
    const int ok = strtol(s, NULL, 10) == 2;
    if (!ok)
        snprintf(why, len, "snapshot schema %.64s is not supported by this odtwin (it reads schema 2.x)", s);
    free(s);
    return ok ? 0 : -1;
}

/* Does record r read back in every series s[0..n) (s[0] /time, finite)? */
static int record_reads_back(const struct odt_h5_series *s, int n, hsize_t r, double *buf)
{
    if (odt_h5_series_read(&s[0], r, 1, buf) != 0 || !isfinite(buf[0]))
        return 0;
    for (int k = 1; k < n; ++k)
        if (odt_h5_series_read(&s[k], r, 1, buf) != 0)
            return 0;
    return 1;
}

int odt_h5_snapshot_records(hid_t file, hsize_t *records, char *why, size_t len)
{
    static const char *const book[] = {"sun_direction", "earth_rotation_angle", "demand_tokens",
                                       "eclipse_rows",  "failure_rows",         "series_rows"};
    const int nbook = (int)(sizeof book / sizeof book[0]);
    int nf = 0;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    struct odt_h5_series *s = calloc((size_t)(1 + nbook + nf), sizeof *s);
    if (!s) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    for (int k = 0; k < 1 + nbook + nf; ++k)
        s[k].d = s[k].mem_type = H5I_INVALID_HID;
    int n = 0, rc = 0;
    if (!odt_h5_link_exists(file, "time") || odt_h5_series_open(&s[0], file, "time", H5T_NATIVE_DOUBLE) != 0 ||
        s[0].rank != 1) {
        snprintf(why, len, "dataset /time is missing or unreadable: not a complete odtwin snapshot");
        rc = -1;
    } else {
        n = 1;
    }
    hsize_t t = rc ? 0 : s[0].dims[0], elems = 1;
    for (int k = 0; !rc && k < nbook + nf; ++k) {
        const char *name = k < nbook ? book[k] : fi[k - nbook].name;
        if (k >= nbook && fi[k - nbook].role != ODT_FIELD_STATE && fi[k - nbook].role != ODT_FIELD_OUT)
            continue;
        if (!odt_h5_link_exists(file, name))
            continue;
        if (odt_h5_series_open(&s[n], file, name, H5T_NATIVE_DOUBLE) != 0) {
            snprintf(why, len, "dataset /%s is unreadable: not a complete odtwin snapshot", name);
            rc = -1;
            break;
        }
        if (s[n].dims[0] < t)
            t = s[n].dims[0];
        if (s[n].record_elems > elems)
            elems = s[n].record_elems;
        ++n;
    }
    double *buf = rc ? NULL : malloc(sizeof(double) * (size_t)elems);
    if (!rc && !buf) {
        snprintf(why, len, "out of memory");
        rc = -1;
    }
    while (!rc && t > 0 && !record_reads_back(s, n, t - 1, buf))
        --t;
    free(buf);
    for (int k = 0; k < n; ++k)
        odt_h5_series_close(&s[k]);
    free(s);
    if (!rc)
        *records = t;
    return rc;
}
