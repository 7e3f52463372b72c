/*
 * export.c: `odtwin export`: CCSDS OEM, CZML and CSV from a snapshot file
 * (host/export.h, docs/export.md).
 *
 * Reading: the records are read in blocks that fit ODT_EXPORT_BLOCK_DOUBLES
 * (all records of a block of satellites for OEM and CZML, whose output is one
 * segment or packet per satellite; all selected satellites of a block of
 * records for CSV, whose rows go record by record), so memory stays bounded
 * by the block and O(records) of times, whatever the fleet.
 */
#define _POSIX_C_SOURCE 200809L
#include "host/json.h"
#include "host/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/ephem.h"
#include "host/geodetic.h"
#include "host/h5io.h"
#include "host/snapshot.h"
#include "host/textfile.h"
#include "kernels/fleet.h"

/* Doubles one read block holds (32 MiB). */
#define ODT_EXPORT_BLOCK_DOUBLES ((size_t)4 << 20)
/* Above this many satellites an OEM or CZML file gets a warning (viewers slow down). */
#define ODT_EXPORT_WARN_SATELLITES 1000
/* Lagrange interpolation degree advertised in OEM and CZML (capped by the states - 1). */
#define ODT_EXPORT_LAGRANGE_DEGREE 7
/* Longest satellite name kept (the snapshot stores ODT_SAT_NAME_LEN bytes). */
#define NAME_MAX_BYTES 64

enum fmt { FMT_NONE, FMT_OEM, FMT_CZML, FMT_CSV };
enum color { COLOR_AUTO, COLOR_ILLUMINATION, COLOR_TEMPERATURE, COLOR_NONE };

struct opts {
    const char *path;      /* the snapshot */
    const char *out;       /* -o, NULL: default name */
    enum fmt fmt;
    const char *sats;      /* --satellites LIST, NULL: all recorded */
    int series;            /* --series (CSV) */
    int geodetic;          /* --geodetic (CSV, CZML) */
    int single_file;       /* --single-file (OEM): every satellite's segment in one message */
    enum color color;      /* --color (CZML) */
};

/* A record dataset of the file, [T, M] or [T, M, ncomp]. */
struct recfield {
    const struct odt_field_info *info;
    struct odt_h5_series s; /* read as doubles */
    int ncomp;
    int prec;               /* %.*g digits: 9 for a float32 (or int) field, 17 for float64 */
};

struct ex {
    const char *path;
    const char *out_path;   /* the output being written ("-": the standard output), for its error messages */
    hid_t file;
    size_t n;               /* fleet satellites */
    size_t m;               /* record satellites */
    int32_t *rec_sat;       /* [m] fleet index of each record column */
    hsize_t t;              /* complete records */
    double *time;           /* [t] s since the epoch (TT) */
    struct odt_epoch epoch;
    char run_status[32];
    char scenario_name[256];
    int has_final;
    struct recfield rf[ODT_MAX_FIELDS];
    int nrf;
    int i_pos, i_vel, i_illum, i_temp; /* indices into rf, -1 when not recorded */
    char (*name)[NAME_MAX_BYTES]; /* [n] satellite names ("" when the file has none) */
    int32_t *catalog;       /* [n] NORAD numbers, NULL when absent */
    int32_t *cls;           /* [n] class, NULL when absent */
    double *a_km;           /* [n] mean semi-major axis, NULL when absent */
    double *temp_limit_k;   /* [classes] payload limit, NULL when absent */
    int n_classes;
    size_t *sel;            /* selected record columns, ascending */
    size_t nsel;
    char *err;
    size_t errlen;
};

/* ------------------------------------------------------------------ errors */

static int fail(struct ex *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ex *e, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(e->err, e->errlen, "%s: %s", e->path, msg);
    return -1;
}

/* --------------------------------------------------------- HDF5 reading */

/* Bytes per element of a dataset's stored type (0 when unknown). */
/* A write of the output failed (errno set): the message names the output, not the snapshot. Returns -1. */
static int write_failed(struct ex *e)
{
    const int saved = errno;
    const char *p = e->out_path && strcmp(e->out_path, "-") ? e->out_path : "the standard output";
    snprintf(e->err, e->errlen, "%s: cannot write the output: %s", p, strerror(saved));
    return -1;
}

static size_t stored_size(hid_t d)
{
    hid_t ty = H5Dget_type(d);
    if (ty < 0)
        return 0;
    const size_t sz = H5Tget_size(ty);
    H5Tclose(ty);
    return sz;
}

/*
 * Records [r0, r0 + nr) of the record columns cols[0..nc) (ascending,
 * distinct) of a record dataset into buf, [nr][nc][ncomp] doubles: one
 * hyperslab per run of consecutive columns, read in one H5Dread (the file
 * selection is traversed in row-major order, which is the buffer's order).
 */
static int read_cols(const struct recfield *f, hsize_t r0, hsize_t nr, const size_t *cols, size_t nc, double *buf)
{
    if (nr == 0 || nc == 0)
        return 0;
    hid_t fs = H5Dget_space(f->s.d);
    if (fs < 0)
        return -1;
    int bad = 0;
    int first = 1;
    for (size_t k = 0; k < nc && !bad;) {
        size_t k1 = k + 1;
        while (k1 < nc && cols[k1] == cols[k1 - 1] + 1)
            ++k1;
        hsize_t start[3] = {r0, (hsize_t)cols[k], 0};
        hsize_t count[3] = {nr, (hsize_t)(k1 - k), (hsize_t)f->ncomp};
        bad = H5Sselect_hyperslab(fs, first ? H5S_SELECT_SET : H5S_SELECT_OR, start, NULL, count, NULL) < 0;
        first = 0;
        k = k1;
    }
    hsize_t mdims[3] = {nr, (hsize_t)nc, (hsize_t)f->ncomp};
    hid_t ms = bad ? H5I_INVALID_HID : H5Screate_simple(f->s.rank, mdims, NULL);
    bad = bad || ms < 0 || H5Dread(f->s.d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0;
    if (ms >= 0)
        H5Sclose(ms);
    H5Sclose(fs);
    return bad ? -1 : 0;
}

static void ex_free(struct ex *e)
{
    for (int k = 0; k < e->nrf; ++k)
        odt_h5_series_close(&e->rf[k].s);
    if (e->file >= 0)
        H5Fclose(e->file);
    free(e->rec_sat);
    free(e->time);
    free(e->name);
    free(e->catalog);
    free(e->cls);
    free(e->a_km);
    free(e->temp_limit_k);
    free(e->sel);
}

/* Open and check the snapshot; read what every format shares. 0, or -1 with e->err set. */
static int ex_open(struct ex *e)
{
    char why[512];
    e->file = odt_h5_snapshot_open(e->path, why, sizeof why);
    if (e->file < 0 || odt_h5_snapshot_schema(e->file, why, sizeof why) != 0)
        return fail(e, "%s", why);
    char *s;
    if ((s = odt_h5_attr_text(e->file, ".", "run_status")) != NULL) {
        snprintf(e->run_status, sizeof e->run_status, "%s", s);
        free(s);
    } else {
        snprintf(e->run_status, sizeof e->run_status, "unknown");
    }
    if ((s = odt_h5_attr_text(e->file, ".", "scenario_name")) != NULL) {
        snprintf(e->scenario_name, sizeof e->scenario_name, "%s", s);
        free(s);
    }
    if (!(s = odt_h5_attr_text(e->file, ".", "epoch_utc")))
        return fail(e, "the root attribute epoch_utc is missing: not a complete odtwin snapshot");
    char perr[256];
    if (odt_epoch_parse(s, &e->epoch, perr, sizeof perr) != ODT_OK) {
        fail(e, "the root attribute epoch_utc: %s", perr);
        free(s);
        return -1;
    }
    free(s);
    e->has_final = odt_h5_link_exists(e->file, "final");

    hsize_t dims[3];
    if (odt_h5_static_shape(e->file, "fleet/cls", dims) != 1)
        return fail(e, "dataset /fleet/cls is missing or unreadable: not a complete odtwin snapshot");
    e->n = (size_t)dims[0];
    if (odt_h5_static_shape(e->file, "satellite", dims) != 1)
        return fail(e, "dataset /satellite is missing or unreadable: not a complete odtwin snapshot");
    e->m = (size_t)dims[0];
    e->rec_sat = malloc(sizeof(int32_t) * (e->m ? e->m : 1));
    e->cls = malloc(sizeof(int32_t) * (e->n ? e->n : 1));
    if (!e->rec_sat || !e->cls)
        return fail(e, "out of memory (%zu satellites)", e->n);
    if (odt_h5_static_read(e->file, "satellite", H5T_NATIVE_INT32, (hsize_t)e->m, e->rec_sat) != 0 ||
        odt_h5_static_read(e->file, "fleet/cls", H5T_NATIVE_INT32, (hsize_t)e->n, e->cls) != 0)
        return fail(e, "cannot read /satellite or /fleet/cls (the file is damaged or truncated)");
    for (size_t j = 0; j < e->m; ++j)
        if (e->rec_sat[j] < 0 || (size_t)e->rec_sat[j] >= e->n)
            return fail(e, "/satellite[%zu] = %d is not a satellite of the fleet of %zu", j, (int)e->rec_sat[j],
                        e->n);

    /* the record fields: every state or output field the file holds at the root */
    e->i_pos = e->i_vel = e->i_illum = e->i_temp = -1;
    int nf = 0;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        if ((fi[k].role != ODT_FIELD_STATE && fi[k].role != ODT_FIELD_OUT) || !odt_h5_link_exists(e->file, fi[k].name))
            continue;
        if (e->nrf == ODT_MAX_FIELDS)
            break;
        struct recfield *f = &e->rf[e->nrf];
        f->info = &fi[k];
        f->ncomp = fi[k].ncomp;
        if (odt_h5_series_open(&f->s, e->file, fi[k].name, H5T_NATIVE_DOUBLE) != 0)
            return fail(e, "dataset /%s is unreadable: not a complete odtwin snapshot", fi[k].name);
        e->nrf++;
        if (f->s.rank != (f->ncomp > 1 ? 3 : 2) || f->s.dims[1] != (hsize_t)e->m ||
            (f->ncomp > 1 && f->s.dims[2] != (hsize_t)f->ncomp))
            return fail(e, "dataset /%s has an unexpected shape (records of %zu satellites expected)", fi[k].name,
                        e->m);
        f->prec = stored_size(f->s.d) == 8 && !fi[k].is_int ? 17 : 9;
        if (!strcmp(fi[k].name, "position"))
            e->i_pos = e->nrf - 1;
        else if (!strcmp(fi[k].name, "velocity"))
            e->i_vel = e->nrf - 1;
        else if (!strcmp(fi[k].name, "illumination"))
            e->i_illum = e->nrf - 1;
        else if (!strcmp(fi[k].name, "temperature"))
            e->i_temp = e->nrf - 1;
    }

    /* complete records; then their times */
    if (odt_h5_snapshot_records(e->file, &e->t, why, sizeof why) != 0)
        return fail(e, "%s", why);
    struct odt_h5_series ts;
    if (odt_h5_series_open(&ts, e->file, "time", H5T_NATIVE_DOUBLE) != 0)
        return fail(e, "cannot read /time (the file is damaged or truncated)");
    e->time = e->t ? malloc(sizeof(double) * (size_t)e->t) : NULL;
    int ok = e->t == 0 || (e->time && odt_h5_series_read(&ts, 0, e->t, e->time) == 0);
    odt_h5_series_close(&ts);
    if (!ok)
        return fail(e, "cannot read /time (the file is damaged or truncated)");
    for (hsize_t r = 0; r < e->t; ++r)
        if (!isfinite(e->time[r]) || (r && !(e->time[r] > e->time[r - 1])))
            return fail(e, "/time[%llu] = %g is not after the record before it: the file is damaged",
                        (unsigned long long)r, e->time[r]);

    /* satellite names, NORAD numbers, orbits and payload limits: optional (the output says less without them) */
    e->name = calloc(e->n ? e->n : 1, sizeof *e->name);
    if (!e->name)
        return fail(e, "out of memory (%zu satellites)", e->n);
    if (odt_h5_static_shape(e->file, "fleet/name", dims) == 1 && dims[0] == (hsize_t)e->n && e->n) {
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, NAME_MAX_BYTES);
        H5Tset_strpad(st, H5T_STR_NULLTERM);
        if (H5LTread_dataset(e->file, "fleet/name", st, e->name) < 0)
            memset(e->name, 0, e->n * sizeof *e->name);
        H5Tclose(st);
        for (size_t i = 0; i < e->n; ++i)
            e->name[i][NAME_MAX_BYTES - 1] = '\0';
    }
    e->catalog = malloc(sizeof(int32_t) * (e->n ? e->n : 1));
    if (e->catalog && odt_h5_static_read(e->file, "fleet/catalog_number", H5T_NATIVE_INT32, (hsize_t)e->n, e->catalog)) {
        free(e->catalog);
        e->catalog = NULL;
    }
    e->a_km = malloc(sizeof(double) * (e->n ? e->n : 1));
    if (e->a_km && odt_h5_static_read(e->file, "fleet/a_km", H5T_NATIVE_DOUBLE, (hsize_t)e->n, e->a_km)) {
        free(e->a_km);
        e->a_km = NULL;
    }
    if (odt_h5_static_shape(e->file, "classes/payload_temp_limit_k", dims) == 1 && dims[0] > 0 && dims[0] < 100000) {
        e->n_classes = (int)dims[0];
        e->temp_limit_k = malloc(sizeof(double) * dims[0]);
        if (e->temp_limit_k &&
            odt_h5_static_read(e->file, "classes/payload_temp_limit_k", H5T_NATIVE_DOUBLE, dims[0], e->temp_limit_k)) {
            free(e->temp_limit_k);
            e->temp_limit_k = NULL;
        }
    }
    return 0;
}

/* ----------------------------------------------------- satellite selection */

/* "0-5, 7" style text of sorted distinct values v[0..n), at most ~len bytes. */
static void ranges_text(const int64_t *v, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n;) {
        size_t k1 = k + 1;
        while (k1 < n && v[k1] == v[k1 - 1] + 1)
            ++k1;
        char item[64];
        if (k1 - k > 1)
            snprintf(item, sizeof item, "%s%lld-%lld", k ? ", " : "", (long long)v[k], (long long)v[k1 - 1]);
        else
            snprintf(item, sizeof item, "%s%lld", k ? ", " : "", (long long)v[k]);
        if (used + strlen(item) + 8 >= len) {
            snprintf(buf + used, len - used, ", ...");
            return;
        }
        used += (size_t)snprintf(buf + used, len - used, "%s", item);
        k = k1;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Parse LIST ("0,5,10-20") into sorted distinct indices (*out malloc'd). 0, or -1 with why set. */
static int parse_list(const char *list, int64_t **out, size_t *count, char *why, size_t whylen)
{
    size_t cap = 16, n = 0;
    int64_t *v = malloc(sizeof *v * cap);
    if (!v) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    const char *p = list;
    if (!*p) {
        snprintf(why, whylen, "empty list");
        free(v);
        return -1;
    }
    while (*p) {
        char *end;
        errno = 0;
        if (*p < '0' || *p > '9') {
            snprintf(why, whylen, "'%s': expected fleet indices like 0,5,10-20", list);
            free(v);
            return -1;
        }
        long long a = strtoll(p, &end, 10), b = a;
        if (errno || a > INT32_MAX) {
            snprintf(why, whylen, "'%s': index too large", list);
            free(v);
            return -1;
        }
        p = end;
        if (*p == '-') {
            ++p;
            if (*p < '0' || *p > '9') {
                snprintf(why, whylen, "'%s': a range needs an end (like 10-20)", list);
                free(v);
                return -1;
            }
            b = strtoll(p, &end, 10);
            if (errno || b > INT32_MAX || b < a) {
                snprintf(why, whylen, "'%s': range %lld-%lld is empty or too large", list, a, b);
                free(v);
                return -1;
            }
            p = end;
        }
        if (*p == ',')
            ++p;
        else if (*p) {
            snprintf(why, whylen, "'%s': unexpected '%c' (expected fleet indices like 0,5,10-20)", list, *p);
            free(v);
            return -1;
        } else if (p > list && p[-1] == ',') {
            /* cannot happen: the loop ended on the text's end */
        }
        for (long long x = a; x <= b; ++x) {
            if (n == cap) {
                if (cap > ((size_t)1 << 31)) {
                    snprintf(why, whylen, "'%s': too many indices", list);
                    free(v);
                    return -1;
                }
                int64_t *nv = realloc(v, sizeof *v * cap * 2);
                if (!nv) {
                    snprintf(why, whylen, "out of memory");
                    free(v);
                    return -1;
                }
                v = nv;
                cap *= 2;
            }
            v[n++] = x;
        }
    }
    if (list[strlen(list) - 1] == ',') {
        snprintf(why, whylen, "'%s': ends with a comma", list);
        free(v);
        return -1;
    }
    qsort(v, n, sizeof *v, cmp_i64);
    size_t w = 0;
    for (size_t k = 0; k < n; ++k)
        if (!w || v[k] != v[w - 1])
            v[w++] = v[k];
    *out = v;
    *count = w;
    return 0;
}

/* e->sel from the list (NULL: every record column). 0, or -1 (e->err set). */
static int select_satellites(struct ex *e, const int64_t *want, size_t nwant, int all)
{
    e->sel = malloc(sizeof(size_t) * (e->m ? e->m : 1));
    if (!e->sel)
        return fail(e, "out of memory");
    if (all) {
        for (size_t j = 0; j < e->m; ++j)
            e->sel[j] = j;
        e->nsel = e->m;
        return 0;
    }
    int64_t *col_of = malloc(sizeof(int64_t) * (e->n ? e->n : 1));
    int64_t *missing = malloc(sizeof(int64_t) * (nwant ? nwant : 1));
    if (!col_of || !missing) {
        free(col_of);
        free(missing);
        return fail(e, "out of memory");
    }
    for (size_t i = 0; i < e->n; ++i)
        col_of[i] = -1;
    for (size_t j = 0; j < e->m; ++j)
        col_of[e->rec_sat[j]] = (int64_t)j;
    size_t nmiss = 0;
    char *mark = calloc(e->m ? e->m : 1, 1);
    if (!mark) {
        free(col_of);
        free(missing);
        return fail(e, "out of memory");
    }
    for (size_t k = 0; k < nwant; ++k) {
        if (want[k] < 0 || (size_t)want[k] >= e->n || col_of[want[k]] < 0)
            missing[nmiss++] = want[k];
        else
            mark[col_of[want[k]]] = 1;
    }
    int rc = 0;
    size_t nout = 0; /* of the missing, those past the fleet's last index (sorted: the last ones) */
    while (nout < nmiss && (size_t)missing[nmiss - 1 - nout] >= e->n)
        ++nout;
    if (nout) {
        char a[256];
        ranges_text(missing + (nmiss - nout), nout, a, sizeof a);
        char last[48] = "";
        if (e->n)
            snprintf(last, sizeof last, " (indices 0-%zu)", e->n - 1);
        rc = fail(e, "satellite%s %s %s not in the fleet of %zu satellites%s", nout > 1 ? "s" : "", a,
                  nout > 1 ? "are" : "is", e->n, last);
    } else if (nmiss) {
        char a[256], b[256];
        ranges_text(missing, nmiss, a, sizeof a);
        int64_t *rec = malloc(sizeof(int64_t) * (e->m ? e->m : 1));
        if (rec) {
            for (size_t j = 0; j < e->m; ++j)
                rec[j] = e->rec_sat[j];
            qsort(rec, e->m, sizeof *rec, cmp_i64);
            ranges_text(rec, e->m, b, sizeof b);
            free(rec);
        } else {
            snprintf(b, sizeof b, "?");
        }
        rc = fail(e, "satellite%s %s %s not recorded (the records hold %zu of the fleet's %zu satellites: %s; see "
                     "snapshot_satellites)", nmiss > 1 ? "s" : "", a, nmiss > 1 ? "are" : "is", e->m, e->n, b);
    } else {
        for (size_t j = 0; j < e->m; ++j)
            if (mark[j])
                e->sel[e->nsel++] = j;
    }
    free(mark);
    free(col_of);
    free(missing);
    return rc;
}

/* ------------------------------------------------------------ the output */

/* The temporary file of the output being written, removed if a signal ends the program. */
static volatile sig_atomic_t part_armed;
static char *part_path_for_signal;

static void on_signal(int sig)
{
    if (part_armed && part_path_for_signal)
        unlink(part_path_for_signal);
    signal(sig, SIG_DFL);
    raise(sig);
}

struct out {
    const char *path;  /* the target ("-": stdout) */
    char *part;        /* PATH.part-PID */
    FILE *f;
    int is_stdout;
    int is_dir;        /* a folder of one OEM file per satellite */
    int replace_dir;   /* path is a folder of an earlier export, replaced at the commit */
};

/* o->part = PATH.part-PID, the name the output is written under until out_commit renames it. 0, or -1 with
   the error set. */
static int part_name(struct out *o, struct ex *e, const char *path)
{
    const size_t len = strlen(path) + 32;
    o->part = malloc(len);
    if (!o->part) {
        snprintf(e->err, e->errlen, "%s: out of memory", path);
        return -1;
    }
    snprintf(o->part, len, "%s.part-%ld", path, (long)getpid());
    return 0;
}

/* The default output name: the snapshot's with its extension replaced by ext. */
static char *default_out(const char *snap, const char *ext)
{
    const char *slash = strrchr(snap, '/');
    const char *base = slash ? slash + 1 : snap;
    const char *dot = strrchr(base, '.');
    const size_t stem = dot && dot != base ? (size_t)(dot - snap) : strlen(snap);
    char *p = malloc(stem + strlen(ext) + 1);
    if (!p)
        return NULL;
    memcpy(p, snap, stem);
    strcpy(p + stem, ext);
    return p;
}

static int out_open(struct out *o, struct ex *e, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (!strcmp(path, "-")) {
        o->f = stdout;
        o->is_stdout = 1;
        return 0;
    }
    struct stat lb, tb, sb;
    if (lstat(path, &lb) == 0) {
        if (stat(path, &tb) != 0 || !S_ISREG(tb.st_mode)) {
            snprintf(e->err, e->errlen, "%s: exists and is not a regular file: refusing to replace it", path);
            return -1;
        }
        if (stat(e->path, &sb) == 0 && sb.st_dev == tb.st_dev && sb.st_ino == tb.st_ino) {
            snprintf(e->err, e->errlen, "%s: the output is the snapshot file itself: choose another output (-o)",
                     path);
            return -1;
        }
    }
    if (part_name(o, e, path) != 0)
        return -1;
    const int fd = open(o->part, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        snprintf(e->err, e->errlen, "%s: cannot create the output file (check that the folder exists and is "
                                    "writable): %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->part);
        }
        free(o->part);
        o->part = NULL;
        return -1;
    }
    part_path_for_signal = o->part;
    part_armed = 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    return 0;
}

/* Is name "*.oem"? */
static int is_oem_name(const char *name)
{
    const size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".oem");
}

/* Remove the *.oem files of folder dir, then the folder (when only those were in it). 0, or -1. */
static int remove_oem_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int bad = 0;
    const size_t len = strlen(dir) + 512;
    char *p = malloc(len);
    struct dirent *de;
    while (p && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !is_oem_name(de->d_name))
            continue;
        snprintf(p, len, "%s/%s", dir, de->d_name);
        bad |= unlink(p) != 0;
    }
    closedir(d);
    free(p);
    return !p || bad || rmdir(dir) != 0 ? -1 : 0;
}

/* Check that folder dir holds only regular *.oem files (an earlier export). 0, or -1 with the first other. */
static int only_oem_files(const char *dir, char *other, size_t len)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(other, len, "(cannot list it: %s)", strerror(errno));
        return -1;
    }
    int bad = 0;
    struct dirent *de;
    const size_t pl = strlen(dir) + 512;
    char *p = malloc(pl);
    while (!bad && p && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat sb;
        snprintf(p, pl, "%s/%s", dir, de->d_name);
        if (!is_oem_name(de->d_name) || lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            snprintf(other, len, "%s", de->d_name);
            bad = 1;
        }
    }
    closedir(d);
    free(p);
    return bad || !p ? -1 : 0;
}

/* A folder output: written as PATH.part-PID/ and renamed into place; PATH may be a folder of an earlier OEM
   export (only *.oem files), which the commit replaces. */
static int out_open_dir(struct out *o, struct ex *e, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->is_dir = 1;
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        char other[300];
        if (!S_ISDIR(sb.st_mode)) {
            snprintf(e->err, e->errlen, "%s: exists and is not a folder (an OEM of several satellites is a folder of "
                                        "one file per satellite; or use --single-file): refusing to replace it", path);
            return -1;
        }
        if (only_oem_files(path, other, sizeof other) != 0) {
            snprintf(e->err, e->errlen, "%s: the folder holds %s, not only .oem files of an earlier export: refusing "
                                        "to replace it", path, other);
            return -1;
        }
        o->replace_dir = 1;
    }
    if (part_name(o, e, path) != 0)
        return -1;
    if (mkdir(o->part, 0777) != 0) {
        snprintf(e->err, e->errlen, "%s: cannot create the output folder (check that the folder above exists and is "
                                    "writable): %s", path, strerror(errno));
        free(o->part);
        o->part = NULL;
        return -1;
    }
    return 0;
}

/* Finish: flush and check; a file is synced and renamed into place. 0, or -1 (nothing left behind). */
static int out_commit(struct out *o, struct ex *e)
{
    if (o->is_dir) {
        int bad = o->replace_dir && remove_oem_dir(o->path) != 0;
        const int saved = errno;
        if (bad || rename(o->part, o->path) != 0) {
            snprintf(e->err, e->errlen, "%s: cannot move the new folder into place: %s", o->path,
                     strerror(bad ? saved : errno));
            remove_oem_dir(o->part);
            free(o->part);
            o->part = NULL;
            return -1;
        }
        free(o->part);
        o->part = NULL;
        return 0;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f);
    int saved = errno;
    if (o->is_stdout) {
        if (bad)
            snprintf(e->err, e->errlen, "cannot write to the standard output: %s", strerror(saved));
        return bad ? -1 : 0;
    }
    bad = bad || fsync(fileno(o->f)) != 0;
    saved = bad ? errno : saved;
    bad = (fclose(o->f) != 0) || bad;
    o->f = NULL;
    if (!bad && rename(o->part, o->path) != 0) {
        saved = errno;
        bad = 1;
    }
    if (bad) {
        snprintf(e->err, e->errlen, "%s: cannot write the output: %s", o->path, strerror(saved));
        unlink(o->part);
    }
    part_armed = 0;
    free(o->part);
    o->part = NULL;
    return bad ? -1 : 0;
}

/* Give up: remove the temporary file. */
static void out_abort(struct out *o)
{
    if (o->is_stdout || !o->part)
        return;
    if (o->is_dir) {
        remove_oem_dir(o->part);
        free(o->part);
        o->part = NULL;
        return;
    }
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->part);
    part_armed = 0;
    free(o->part);
    o->part = NULL;
}

/* ------------------------------------------------------------ formatting */

/* A name safe to print: valid UTF-8 kept, else bytes >= 0x80 become '?'; control characters become blanks. */
static void clean_name(const char *in, char *out, size_t len)
{
    snprintf(out, len, "%s", in);
    int col;
    char why[64];
    const int bad_utf8 = odt_text_check(out, strlen(out), &col, why, sizeof why) != 0;
    for (char *p = out; *p; ++p)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || (bad_utf8 && (unsigned char)*p >= 0x80))
            *p = (unsigned char)*p >= 0x80 ? '?' : ' ';
}

/* The name of record column j's satellite ("sat-<index>" when the file has none). */
static void sat_name(const struct ex *e, size_t j, char *buf, size_t len)
{
    const int32_t i = e->rec_sat[j];
    if (e->name[i][0])
        clean_name(e->name[i], buf, len);
    else
        snprintf(buf, len, "sat-%d", (int)i);
}


/* RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
static void csv_string(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; ++p) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* A number with prec significant digits; "" for NaN and infinities (CSV: an empty cell). */
static void csv_number(FILE *f, double v, int prec, int is_int)
{
    if (!isfinite(v))
        return;
    if (is_int)
        fprintf(f, "%lld", (long long)v);
    else
        fprintf(f, "%.*g", prec, v);
}

/* Column-name suffix of CF units: "km s-1" -> "_km_per_s", "1" -> "" (dimensionless); none when the name
   already ends with it ("demand_tokens" in tokens). */
static void unit_suffix(const char *name, const char *units, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!units || !strcmp(units, "1") || !strcmp(units, "-") || !units[0])
        return;
    char tmp[96] = "";
    size_t used = 0;
    const char *p = units;
    while (*p && used + 16 < sizeof tmp) {
        while (*p == ' ')
            ++p;
        const char *q = p;
        while (*q && *q != ' ')
            ++q;
        if (q == p)
            break;
        size_t wl = (size_t)(q - p);
        const int per = wl > 2 && !strncmp(q - 2, "-1", 2);
        if (per)
            wl -= 2;
        used += (size_t)snprintf(tmp + used, sizeof tmp - used, "_%s%.*s", per ? "per_" : "", (int)wl, p);
        p = q;
    }
    const size_t nl = strlen(name), sl = strlen(tmp);
    if (sl <= nl && !strcmp(name + nl - sl, tmp))
        return;
    snprintf(buf, len, "%s", tmp);
}

/* Label of component c of a record field. */
static const char *comp_label(const struct recfield *f, int c)
{
    static const char *const xyz[3] = {"x", "y", "z"};
    static const char *const node[4] = {"array", "radiator", "payload", "bus"};
    static const char *const num[8] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    if (f->ncomp == 3)
        return xyz[c];
    if (f->ncomp == 4 && !strcmp(f->info->name, "node_temperature"))
        return node[c];
    return c < 8 ? num[c] : "n";
}

/* The record times: TT/UTC/UT1 per record (and the UTC texts when iso is not NULL). */
static int record_times(struct ex *e, struct odt_record_time **rt_out, char (**iso_out)[40], int ndp, int zone)
{
    const size_t t = (size_t)e->t;
    struct odt_record_time *rt = malloc(sizeof *rt * (t ? t : 1));
    char(*iso)[40] = iso_out ? malloc(sizeof *iso * (t ? t : 1)) : NULL;
    if (!rt || (iso_out && !iso)) {
        free(rt);
        free(iso);
        return fail(e, "out of memory (%zu records)", t);
    }
    for (size_t r = 0; r < t; ++r) {
        if (odt_record_time_at(&e->epoch, e->time[r], &rt[r]) != ODT_OK ||
            (iso && odt_record_time_iso(&rt[r], ndp, iso[r], sizeof iso[r] - 2) != 0)) {
            free(rt);
            free(iso);
            return fail(e, "record %zu at %g s after the epoch is outside the dates ERFA converts", r, e->time[r]);
        }
        if (iso && zone)
            strcat(iso[r], "Z");
    }
    *rt_out = rt;
    if (iso_out)
        *iso_out = iso;
    return 0;
}

/* Satellites per block when reading `doubles_per_record` doubles of each of e->t records per satellite. */
static size_t sats_per_block(const struct ex *e, size_t doubles_per_record)
{
    const size_t per_sat = (size_t)e->t * doubles_per_record;
    size_t b = per_sat ? ODT_EXPORT_BLOCK_DOUBLES / per_sat : e->nsel;
    return b < 1 ? 1 : b;
}

static int finite3(const double *v)
{
    return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]);
}

/* ------------------------------------------------------------------- OEM */

/* The header's creation date: now, or SOURCE_DATE_EPOCH when set (reproducible files). */
static void creation_date(char *buf, size_t len)
{
    time_t now = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            now = (time_t)v;
    }
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tmv);
}

static void oem_header(const struct ex *e, FILE *f, const char *date)
{
    fprintf(f, "CCSDS_OEM_VERS = 2.0\n");
    char sn[256];
    clean_name(e->scenario_name, sn, sizeof sn);
    fprintf(f, "COMMENT odtwin export: scenario %s, epoch %s, run_status %s, %llu complete records\n",
            sn[0] ? sn : "(unnamed)", e->epoch.iso, e->run_status, (unsigned long long)e->t);
    fprintf(f, "COMMENT states as recorded (float32 unless snapshot_precision double); GCRS axes written as GCRF\n");
    fprintf(f, "CREATION_DATE = %s\n", date);
    fprintf(f, "ORIGINATOR = odtwin %s\n", ODT_VERSION);
}

/* The OEM file of record column j in folder dir: "sat-<fleet index>.oem" (malloc'd). */
static char *oem_member_path(const struct ex *e, const char *dir, size_t j)
{
    const size_t len = strlen(dir) + 40;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/sat-%d.oem", dir, (int)e->rec_sat[j]);
    return p;
}

/* Write and sync one member file of a folder export; 0, or -1 (e->err set, the file removed). */
static int oem_member_close(struct ex *e, FILE *g, const char *path)
{
    int bad = fflush(g) != 0 || ferror(g) || fsync(fileno(g)) != 0;
    const int saved = errno;
    bad = (fclose(g) != 0) || bad;
    if (bad) {
        unlink(path);
        snprintf(e->err, e->errlen, "%s: cannot write the output: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

/*
 * OEM: one segment per satellite, all in f (dir NULL), or each satellite's
 * segment in a message of its own, dir/sat-<index>.oem (one object per
 * message, what readers such as the PyPI oem package require).
 */
static int write_oem(struct ex *e, FILE *f, const char *dir)
{
    if (e->i_pos < 0)
        return fail(e, "the records hold no position: add position to snapshot_fields in the scenario and run again");
    if (e->i_vel < 0)
        return fail(e, "the records hold no velocity, which an OEM needs: add velocity to snapshot_fields in the "
                       "scenario (e.g. snapshot_fields: [position, velocity, ...]) and run again");
    if (!f && !dir)
        return 0; /* the checks only */
    struct odt_record_time *rt = NULL;
    char(*iso)[40] = NULL;
    if (record_times(e, &rt, &iso, 6, 0) != 0)
        return -1;
    const struct recfield *fp = &e->rf[e->i_pos], *fv = &e->rf[e->i_vel];
    const size_t t = (size_t)e->t;
    const size_t bs = sats_per_block(e, 6);
    double *pos = malloc(sizeof(double) * 3 * t * (bs < e->nsel ? bs : e->nsel));
    double *vel = malloc(sizeof(double) * 3 * t * (bs < e->nsel ? bs : e->nsel));
    int rc = 0;
    if (!pos || !vel)
        rc = fail(e, "out of memory (%zu records)", t);
    char date[32];
    creation_date(date, sizeof date);
    if (!rc && f)
        oem_header(e, f, date);
    size_t skipped_states = 0, skipped_sats = 0;
    for (size_t b0 = 0; !rc && b0 < e->nsel; b0 += bs) {
        const size_t nb = e->nsel - b0 < bs ? e->nsel - b0 : bs;
        if (read_cols(fp, 0, e->t, e->sel + b0, nb, pos) != 0 || read_cols(fv, 0, e->t, e->sel + b0, nb, vel) != 0) {
            rc = fail(e, "cannot read /position or /velocity (the file is damaged or truncated)");
            break;
        }
        for (size_t k = 0; !rc && k < nb; ++k) {
            const size_t j = e->sel[b0 + k];
            long first = -1, last = -1, states = 0;
            for (size_t r = 0; r < t; ++r) {
                const double *p = pos + (r * nb + k) * 3, *v = vel + (r * nb + k) * 3;
                if (finite3(p) && finite3(v)) {
                    if (first < 0)
                        first = (long)r;
                    last = (long)r;
                    ++states;
                } else {
                    ++skipped_states;
                }
            }
            if (states == 0) {
                ++skipped_sats;
                continue;
            }
            FILE *g = f;
            char *member = NULL;
            if (dir) {
                member = oem_member_path(e, dir, j);
                g = member ? fopen(member, "wx") : NULL;
                if (!g) {
                    rc = fail(e, "cannot create %s: %s", member ? member : "a file", strerror(errno));
                    free(member);
                    break;
                }
                oem_header(e, g, date);
            }
            char name[NAME_MAX_BYTES + 16];
            sat_name(e, j, name, sizeof name);
            const int32_t i = e->rec_sat[j];
            fprintf(g, "\nMETA_START\n");
            fprintf(g, "OBJECT_NAME = %s\n", name);
            if (e->catalog && e->catalog[i] >= 0)
                fprintf(g, "OBJECT_ID = %d\n", (int)e->catalog[i]);
            else
                fprintf(g, "OBJECT_ID = ODTWIN-%d\n", (int)i);
            fprintf(g, "CENTER_NAME = EARTH\nREF_FRAME = GCRF\nTIME_SYSTEM = UTC\n");
            fprintf(g, "START_TIME = %s\nSTOP_TIME = %s\n", iso[first], iso[last]);
            if (states >= 2) {
                const long deg = states - 1 < ODT_EXPORT_LAGRANGE_DEGREE ? states - 1 : ODT_EXPORT_LAGRANGE_DEGREE;
                fprintf(g, "INTERPOLATION = LAGRANGE\nINTERPOLATION_DEGREE = %ld\n", deg);
            }
            fprintf(g, "META_STOP\n");
            fprintf(g, "COMMENT fleet index %d\n", (int)i);
            for (size_t r = (size_t)first; r <= (size_t)last; ++r) {
                const double *p = pos + (r * nb + k) * 3, *v = vel + (r * nb + k) * 3;
                if (!finite3(p) || !finite3(v))
                    continue;
                fprintf(g, "%s %.*g %.*g %.*g %.*g %.*g %.*g\n", iso[r], fp->prec, p[0], fp->prec, p[1], fp->prec,
                        p[2], fv->prec, v[0], fv->prec, v[1], fv->prec, v[2]);
            }
            if (dir)
                rc = oem_member_close(e, g, member);
            free(member);
        }
        if (!rc && f && ferror(f))
            rc = write_failed(e);
    }
    if (!rc && skipped_sats == e->nsel)
        rc = fail(e, "no satellite of the selection has a finite state in the records: nothing to export");
    if (!rc && (skipped_states || skipped_sats))
        fprintf(stderr, "odtwin export: note: %zu records without a finite position and velocity left out (%zu "
                        "satellites without any: no segment)\n", skipped_states, skipped_sats);
    free(pos);
    free(vel);
    free(rt);
    free(iso);
    return rc;
}

/* ------------------------------------------------------------------ CZML */

enum { CL_GREY, CL_SUN, CL_PENUMBRA, CL_UMBRA, CL_COLD, CL_NOMINAL, CL_WARM, CL_HOT, CL_N };
static const int class_rgba[CL_N][4] = {
    {160, 160, 160, 255}, /* unknown (not finite) */
    {255, 215, 0, 255},   /* sunlit: illumination 1 */
    {255, 140, 0, 255},   /* penumbra: 0 < illumination < 1 */
    {70, 110, 220, 255},  /* umbra: illumination 0 */
    {80, 170, 255, 255},  /* payload below 273.15 K */
    {0, 200, 80, 255},    /* payload nominal */
    {255, 165, 0, 255},   /* payload within 10 K of its limit */
    {255, 40, 40, 255},   /* payload at or above its limit */
};

static int color_class(enum color how, double v, double limit_k)
{
    if (!isfinite(v))
        return CL_GREY;
    if (how == COLOR_ILLUMINATION)
        return v >= 1.0 ? CL_SUN : v <= 0.0 ? CL_UMBRA : CL_PENUMBRA;
    if (isfinite(limit_k) && v >= limit_k)
        return CL_HOT;
    if (isfinite(limit_k) && v >= limit_k - 10.0)
        return CL_WARM;
    return v < 273.15 ? CL_COLD : CL_NOMINAL;
}

/* Time-tagged intervals of a CZML colour property: record r's class holds from its time to the next
   record's (the last record's to the end). */
static void czml_color_intervals(FILE *f, char (*iso)[40], const int *cl, size_t t)
{
    fputc('[', f);
    int first = 1;
    for (size_t r = 0; r < t;) {
        size_t r1 = r + 1;
        while (r1 < t && cl[r1] == cl[r])
            ++r1;
        const size_t end = r1 < t ? r1 : t - 1;
        if (end == r && r > 0 && r1 >= t) /* the last record alone: an instant, carried by the run before */
            break;
        const int *c = class_rgba[cl[r]];
        fprintf(f, "%s{\"interval\":\"%s/%s\",\"rgba\":[%d,%d,%d,%d]}", first ? "" : ",", iso[r], iso[end], c[0],
                c[1], c[2], c[3]);
        first = 0;
        r = r1;
    }
    fputc(']', f);
}

static int write_czml(struct ex *e, FILE *f, const struct opts *o)
{
    if (e->i_pos < 0)
        return fail(e, "the records hold no position: add position to snapshot_fields in the scenario and run again");
    enum color how = o->color;
    if (how == COLOR_AUTO)
        how = e->i_illum >= 0 ? COLOR_ILLUMINATION : e->i_temp >= 0 ? COLOR_TEMPERATURE : COLOR_NONE;
    if (how == COLOR_ILLUMINATION && e->i_illum < 0)
        return fail(e, "--color illumination: the records hold no illumination (add it to snapshot_fields)");
    if (how == COLOR_TEMPERATURE && e->i_temp < 0)
        return fail(e, "--color temperature: the records hold no temperature (add it to snapshot_fields)");
    const struct recfield *fp = &e->rf[e->i_pos];
    const struct recfield *fc = how == COLOR_ILLUMINATION ? &e->rf[e->i_illum]
                                : how == COLOR_TEMPERATURE ? &e->rf[e->i_temp]
                                                            : NULL;
    struct odt_record_time *rt = NULL;
    char(*iso)[40] = NULL;
    if (record_times(e, &rt, &iso, 3, 1) != 0)
        return -1;
    const size_t t = (size_t)e->t;
    double(*c2t)[3][3] = NULL;
    int rc = 0;
    if (o->geodetic) {
        c2t = malloc(sizeof *c2t * t);
        if (!c2t)
            rc = fail(e, "out of memory (%zu records)", t);
        for (size_t r = 0; !rc && r < t; ++r)
            odt_gcrs_to_itrs_matrix(&rt[r], c2t[r]);
    }
    const size_t bs = sats_per_block(e, 4);
    const size_t nbmax = bs < e->nsel ? bs : e->nsel;
    double *pos = rc ? NULL : malloc(sizeof(double) * 3 * t * (nbmax ? nbmax : 1));
    double *col = rc ? NULL : malloc(sizeof(double) * t * (nbmax ? nbmax : 1));
    int *cl = rc ? NULL : malloc(sizeof(int) * (t ? t : 1));
    if (!rc && (!pos || !col || !cl))
        rc = fail(e, "out of memory (%zu records)", t);
    if (!rc) {
        char sn[256];
        clean_name(e->scenario_name, sn, sizeof sn);
        fputs("[\n{\"id\":\"document\",\"name\":", f);
        odt_json_string(f, sn[0] ? sn : "odtwin");
        fprintf(f, ",\"version\":\"1.0\",\"clock\":{\"interval\":\"%s/%s\",\"currentTime\":\"%s\",\"multiplier\":60,"
                   "\"range\":\"LOOP_STOP\",\"step\":\"SYSTEM_CLOCK_MULTIPLIER\"}}",
                iso[0], iso[t - 1], iso[0]);
    }
    const int labels = e->nsel <= 100;
    size_t written = 0;
    for (size_t b0 = 0; !rc && b0 < e->nsel; b0 += bs) {
        const size_t nb = e->nsel - b0 < bs ? e->nsel - b0 : bs;
        if (read_cols(fp, 0, e->t, e->sel + b0, nb, pos) != 0 ||
            (fc && read_cols(fc, 0, e->t, e->sel + b0, nb, col) != 0)) {
            rc = fail(e, "cannot read the records (the file is damaged or truncated)");
            break;
        }
        for (size_t k = 0; k < nb; ++k) {
            const size_t j = e->sel[b0 + k];
            const int32_t i = e->rec_sat[j];
            long first = -1, last = -1, samples = 0;
            for (size_t r = 0; r < t; ++r)
                if (finite3(pos + (r * nb + k) * 3)) {
                    first = first < 0 ? (long)r : first;
                    last = (long)r;
                    ++samples;
                }
            if (samples == 0)
                continue;
            ++written;
            char name[NAME_MAX_BYTES + 16];
            sat_name(e, j, name, sizeof name);
            fprintf(f, ",\n{\"id\":\"satellite/%d\",\"name\":", (int)i);
            odt_json_string(f, name);
            fprintf(f, ",\"availability\":\"%s/%s\"", iso[first], iso[last]);
            /* description: static, or per record with the geodetic position */
            const char *legend = how == COLOR_ILLUMINATION ? "illumination (yellow sunlit, orange penumbra, blue umbra)"
                                 : how == COLOR_TEMPERATURE
                                     ? "payload temperature (blue below 273.15 K, green nominal, orange within 10 K "
                                       "of the limit, red at or above it)"
                                     : "none";
            char desc[512];
            if (e->catalog && e->catalog[i] >= 0)
                snprintf(desc, sizeof desc, "<p>fleet index %d, NORAD %d; colour: %s</p>", (int)i, (int)e->catalog[i],
                         legend);
            else
                snprintf(desc, sizeof desc, "<p>fleet index %d; colour: %s</p>", (int)i, legend);
            fputs(",\"description\":", f);
            if (!o->geodetic) {
                odt_json_string(f, desc);
            } else {
                fputc('[', f);
                int firsti = 1;
                for (size_t r = (size_t)first; r <= (size_t)last; ++r) {
                    const double *p = pos + (r * nb + k) * 3;
                    if (!finite3(p))
                        continue;
                    size_t rn = r + 1;
                    while (rn <= (size_t)last && !finite3(pos + (rn * nb + k) * 3))
                        ++rn;
                    const size_t end = rn <= (size_t)last ? rn : (size_t)last;
                    double lat, lon, alt;
                    odt_gcrs_to_geodetic((const double(*)[3])c2t[r], p, &lat, &lon, &alt);
                    char text[768];
                    snprintf(text, sizeof text, "%s<p>at %s: latitude %.4f deg, longitude %.4f deg, altitude "
                                                "%.3f km (WGS-84)</p>", desc, iso[r], lat * ODT_RAD2DEG,
                             lon * ODT_RAD2DEG, alt);
                    fprintf(f, "%s{\"interval\":\"%s/%s\",\"string\":", firsti ? "" : ",", iso[r], iso[end]);
                    odt_json_string(f, text);
                    fputc('}', f);
                    firsti = 0;
                }
                fputc(']', f);
            }
            /* point coloured over time */
            fputs(",\"point\":{\"pixelSize\":6,\"outlineWidth\":0,\"color\":", f);
            if (fc) {
                const double lim = how == COLOR_TEMPERATURE && e->temp_limit_k && e->cls[i] >= 0 &&
                                           e->cls[i] < e->n_classes
                                       ? e->temp_limit_k[e->cls[i]]
                                       : NAN;
                for (size_t r = 0; r < t; ++r)
                    cl[r] = color_class(how, col[r * nb + k], lim);
                czml_color_intervals(f, iso, cl, t);
            } else {
                fputs("{\"rgba\":[255,255,255,255]}", f);
            }
            fputc('}', f);
            fputs(",\"label\":{\"text\":", f);
            odt_json_string(f, name);
            fprintf(f, ",\"show\":%s,\"font\":\"11pt sans-serif\",\"horizontalOrigin\":\"LEFT\","
                       "\"pixelOffset\":{\"cartesian2\":[8,0]},\"fillColor\":{\"rgba\":[255,255,255,255]}}",
                    labels ? "true" : "false");
            if (e->a_km && e->a_km[i] > 0.0 && isfinite(e->a_km[i])) {
                const double period = 2.0 * ODT_PI * sqrt(e->a_km[i] * e->a_km[i] * e->a_km[i] / ODT_EARTH_MU_KM3_S2);
                fprintf(f, ",\"path\":{\"show\":%s,\"width\":1,\"leadTime\":0,\"trailTime\":%.0f,\"resolution\":60,"
                           "\"material\":{\"solidColor\":{\"color\":{\"rgba\":[255,255,255,96]}}}}",
                        labels ? "true" : "false", period);
            }
            const long deg = samples - 1 < ODT_EXPORT_LAGRANGE_DEGREE ? samples - 1 : ODT_EXPORT_LAGRANGE_DEGREE;
            fputs(",\"position\":{\"epoch\":", f);
            odt_json_string(f, e->epoch.iso);
            fprintf(f, ",\"referenceFrame\":\"INERTIAL\",\"interpolationAlgorithm\":\"LAGRANGE\","
                       "\"interpolationDegree\":%ld,\"cartesian\":[", deg > 0 ? deg : 1);
            int firstp = 1;
            for (size_t r = 0; r < t; ++r) {
                const double *p = pos + (r * nb + k) * 3;
                if (!finite3(p))
                    continue;
                fprintf(f, "%s%.17g,%.*g,%.*g,%.*g", firstp ? "" : ",", e->time[r], fp->prec, p[0] * 1e3, fp->prec,
                        p[1] * 1e3, fp->prec, p[2] * 1e3);
                firstp = 0;
            }
            fputs("]}}", f);
        }
        if (ferror(f))
            rc = write_failed(e);
    }
    if (!rc && !written)
        rc = fail(e, "no satellite of the selection has a finite position in the records: nothing to export");
    if (!rc)
        fputs("\n]\n", f);
    free(pos);
    free(col);
    free(cl);
    free(c2t);
    free(rt);
    free(iso);
    return rc;
}

/* ------------------------------------------------------------------- CSV */

static int write_csv_records(struct ex *e, FILE *f, const struct opts *o)
{
    if (o->geodetic && e->i_pos < 0)
        return fail(e, "--geodetic needs position in the records: add position to snapshot_fields");
    /* header */
    fputs("time_utc,t_s,satellite", f);
    size_t per_sat = 0;
    for (int k = 0; k < e->nrf; ++k) {
        const struct recfield *fr = &e->rf[k];
        per_sat += (size_t)fr->ncomp;
        for (int c = 0; c < fr->ncomp; ++c) {
            char col[160], suf[96];
            if (fr->ncomp > 1)
                snprintf(col, sizeof col, "%s_%s", fr->info->name, comp_label(fr, c));
            else
                snprintf(col, sizeof col, "%s", fr->info->name);
            unit_suffix(col, fr->info->units, suf, sizeof suf);
            fputc(',', f);
            fprintf(f, "%s%s", col, suf);
        }
    }
    if (o->geodetic)
        fputs(",lat_deg,lon_deg,alt_km", f);
    fputs("\r\n", f);
    /* records in blocks: every selected satellite of nr records */
    const size_t row = e->nsel * (per_sat ? per_sat : 1);
    size_t nr = row ? ODT_EXPORT_BLOCK_DOUBLES / row : 1;
    nr = nr < 1 ? 1 : nr > (size_t)e->t ? (size_t)e->t : nr;
    double **buf = calloc((size_t)(e->nrf ? e->nrf : 1), sizeof *buf);
    int rc = buf ? 0 : fail(e, "out of memory");
    for (int k = 0; !rc && k < e->nrf; ++k)
        if (!(buf[k] = malloc(sizeof(double) * nr * e->nsel * (size_t)e->rf[k].ncomp)))
            rc = fail(e, "out of memory (%zu satellites)", e->nsel);
    for (size_t r0 = 0; !rc && r0 < (size_t)e->t; r0 += nr) {
        const size_t cnt = (size_t)e->t - r0 < nr ? (size_t)e->t - r0 : nr;
        for (int k = 0; !rc && k < e->nrf; ++k)
            if (read_cols(&e->rf[k], r0, cnt, e->sel, e->nsel, buf[k]) != 0)
                rc = fail(e, "cannot read records %zu..%zu of /%s (the file is damaged or truncated)", r0,
                          r0 + cnt - 1, e->rf[k].info->name);
        for (size_t q = 0; !rc && q < cnt; ++q) {
            const size_t r = r0 + q;
            struct odt_record_time rt;
            char iso[48];
            if (odt_record_time_at(&e->epoch, e->time[r], &rt) != ODT_OK ||
                odt_record_time_iso(&rt, 3, iso, sizeof iso - 2) != 0) {
                rc = fail(e, "record %zu at %g s after the epoch is outside the dates ERFA converts", r, e->time[r]);
                break;
            }
            strcat(iso, "Z");
            double m[3][3];
            if (o->geodetic)
                odt_gcrs_to_itrs_matrix(&rt, m);
            for (size_t s = 0; s < e->nsel; ++s) {
                fprintf(f, "%s,%.17g,%d", iso, e->time[r], (int)e->rec_sat[e->sel[s]]);
                for (int k = 0; k < e->nrf; ++k) {
                    const struct recfield *fr = &e->rf[k];
                    const double *v = buf[k] + (q * e->nsel + s) * (size_t)fr->ncomp;
                    for (int c = 0; c < fr->ncomp; ++c) {
                        fputc(',', f);
                        csv_number(f, v[c], fr->prec, fr->info->is_int);
                    }
                }
                if (o->geodetic) {
                    const double *p = buf[e->i_pos] + (q * e->nsel + s) * 3;
                    double lat, lon, alt;
                    if (odt_gcrs_to_geodetic((const double(*)[3])m, p, &lat, &lon, &alt) == ODT_OK)
                        fprintf(f, ",%.10g,%.10g,%.10g", lat * ODT_RAD2DEG, lon * ODT_RAD2DEG, alt);
                    else
                        fputs(",,,", f);
                }
                fputs("\r\n", f);
            }
        }
        if (!rc && ferror(f))
            rc = write_failed(e);
    }
    for (int k = 0; buf && k < e->nrf; ++k)
        free(buf[k]);
    free(buf);
    return rc;
}

/* The fleet series: one row per step, one column per variable and class. */
static int write_csv_series(struct ex *e, FILE *f)
{
    const struct odt_series_info *sv = odt_series_vars();
    struct odt_h5_series s[ODT_SV_N + 2];
    const char *vname[ODT_SV_N + 2], *vunits[ODT_SV_N + 2];
    int nv = 0, rc = 0;
    memset(s, 0, sizeof s);
    for (int v = 0; v < ODT_SV_N + 2; ++v)
        s[v].d = s[v].mem_type = H5I_INVALID_HID;
    vname[0] = "time", vunits[0] = "s";
    vname[1] = "demand_tokens", vunits[1] = "tokens";
    hsize_t rows = 0, nc = 0;
    for (int v = 0; v < ODT_SV_N + 2 && !rc; ++v) {
        const char *nm = v < 2 ? vname[v] : sv[v - 2].name;
        char path[128];
        snprintf(path, sizeof path, "series/%s", nm);
        if (!odt_h5_link_exists(e->file, path)) {
            if (v < 2)
                rc = fail(e, "dataset /%s is missing: not a complete odtwin snapshot", path);
            continue;
        }
        if (odt_h5_series_open(&s[nv], e->file, path, H5T_NATIVE_DOUBLE) != 0) {
            rc = fail(e, "dataset /%s is unreadable: not a complete odtwin snapshot", path);
            break;
        }
        vname[nv] = nm;
        vunits[nv] = v < 2 ? vunits[v] : sv[v - 2].units;
        const int want_rank = v < 2 ? 1 : 2;
        if (s[nv].rank != want_rank)
            rc = fail(e, "dataset /%s has an unexpected shape", path);
        if (!rc && v >= 2) {
            if (!nc)
                nc = s[nv].dims[1];
            if (s[nv].dims[1] != nc || nc == 0)
                rc = fail(e, "dataset /%s has an unexpected shape (one column per class expected)", path);
        }
        if (nv == 0 || s[nv].dims[0] < rows)
            rows = s[nv].dims[0];
        ++nv;
    }
    /* rows of complete records only: a file without /final (still running, or killed) ends at series_rows of
       the last complete record */
    if (!rc && !e->has_final && e->t > 0 && odt_h5_link_exists(e->file, "series_rows")) {
        struct odt_h5_series sr;
        long long upto = -1;
        if (odt_h5_series_open(&sr, e->file, "series_rows", H5T_NATIVE_LLONG) != 0 ||
            odt_h5_series_read(&sr, e->t - 1, 1, &upto) != 0)
            rc = fail(e, "cannot read /series_rows (the file is damaged or truncated)");
        odt_h5_series_close(&sr);
        if (!rc && upto >= 0 && (hsize_t)upto < rows)
            rows = (hsize_t)upto;
    }
    /* class names from /classes (attribute names, comma-separated) */
    char **cname = NULL;
    char *names = rc ? NULL : odt_h5_attr_text(e->file, "classes", "names");
    if (!rc) {
        cname = calloc((size_t)(nc ? nc : 1), sizeof *cname);
        if (!cname)
            rc = fail(e, "out of memory");
        size_t got = 0;
        for (char *p = names, *tok; !rc && p && got < nc; ++got) {
            tok = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
            cname[got] = tok;
        }
        if (!rc && (!names || got != nc || (names && strchr(cname[nc - 1], ','))))
            for (size_t c = 0; c < nc; ++c)
                cname[c] = NULL;
    }
    if (!rc) {
        fputs("time_utc,t_s,demand_tokens", f);
        for (int v = 2; v < nv; ++v)
            for (hsize_t c = 0; c < nc; ++c) {
                char suf[96], cn[128], col[300];
                unit_suffix(vname[v], vunits[v], suf, sizeof suf);
                if (cname[c])
                    clean_name(cname[c], cn, sizeof cn);
                else
                    snprintf(cn, sizeof cn, "class%llu", (unsigned long long)c);
                snprintf(col, sizeof col, "%s%s[%s]", vname[v], suf, cn);
                fputc(',', f);
                csv_string(f, col);
            }
        fputs("\r\n", f);
    }
    const hsize_t per_row = 2 + (hsize_t)(nv - 2) * nc;
    hsize_t block = per_row ? ODT_EXPORT_BLOCK_DOUBLES / per_row : 1;
    block = block < 1 ? 1 : block > rows ? (rows ? rows : 1) : block;
    double *b[ODT_SV_N + 2] = {0};
    for (int v = 0; !rc && v < nv; ++v)
        if (!(b[v] = malloc(sizeof(double) * block * (v < 2 ? 1 : nc))))
            rc = fail(e, "out of memory");
    for (hsize_t q0 = 0; !rc && q0 < rows; q0 += block) {
        const hsize_t cnt = rows - q0 < block ? rows - q0 : block;
        for (int v = 0; !rc && v < nv; ++v)
            if (odt_h5_series_read(&s[v], q0, cnt, b[v]) != 0)
                rc = fail(e, "cannot read rows %llu..%llu of /series/%s (the file is damaged or truncated)",
                          (unsigned long long)q0, (unsigned long long)(q0 + cnt - 1), vname[v]);
        for (hsize_t q = 0; !rc && q < cnt; ++q) {
            struct odt_record_time rt;
            char iso[48];
            if (odt_record_time_at(&e->epoch, b[0][q], &rt) != ODT_OK ||
                odt_record_time_iso(&rt, 3, iso, sizeof iso - 2) != 0) {
                rc = fail(e, "series row %llu at %g s after the epoch is outside the dates ERFA converts",
                          (unsigned long long)(q0 + q), b[0][q]);
                break;
            }
            fprintf(f, "%sZ,%.17g,", iso, b[0][q]);
            csv_number(f, b[1][q], 17, 0);
            for (int v = 2; v < nv; ++v)
                for (hsize_t c = 0; c < nc; ++c) {
                    fputc(',', f);
                    csv_number(f, b[v][q * nc + c], 9, 0);
                }
            fputs("\r\n", f);
        }
        if (!rc && ferror(f))
            rc = write_failed(e);
    }
    for (int v = 0; v < ODT_SV_N + 2; ++v) {
        free(b[v]);
        odt_h5_series_close(&s[v]);
    }
    free(cname);
    free(names);
    return rc;
}

/* ------------------------------------------------------------ the command */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: odtwin export SNAPSHOT.h5 --format oem|czml|csv [--satellites LIST] [--series] [--geodetic]\n"
            "                     [--color auto|illumination|temperature|none] [--single-file] [-o OUT]\n"
            "  the orbits and records of a snapshot in the formats of other tools (docs/export.md); complete\n"
            "  records only, also of a file still being written or left by a killed run\n"
            "\n"
            "  --format oem      CCSDS OEM 2.0 (KVN), GCRF, UTC, km and km/s; needs velocity in the records\n"
            "                    (snapshot_fields); one message (file) per satellite: several satellites make\n"
            "                    a folder OUT of sat-<index>.oem files\n"
            "  --single-file     (oem) every satellite as a segment of one message instead (for readers that\n"
            "                    take several objects in one OEM)\n"
            "  --format czml     CZML for Cesium: inertial positions, a point coloured by illumination or\n"
            "                    temperature over time (open it with tools/czml_viewer.html)\n"
            "  --format csv      RFC 4180 CSV: one row per record and satellite, every recorded field\n"
            "  --series          (csv) the fleet series instead: one row per step, one column per variable\n"
            "                    and fleet entry\n"
            "  --satellites LIST fleet indices such as 0,5,10-20 (default: every recorded satellite)\n"
            "  --geodetic        (csv, czml) WGS-84 latitude, longitude and altitude (IAU 2006/2000A\n"
            "                    GCRS -> ITRS, UT1 = UTC): csv columns lat_deg, lon_deg, alt_km; czml description\n"
            "  --color MODE      (czml) what the point's colour shows (default auto: illumination when recorded,\n"
            "                    else temperature)\n"
            "  -o OUT            output file (default: SNAPSHOT with the extension .oem, .czml, .csv or\n"
            "                    .series.csv; an OEM folder SNAPSHOT-oem); '-' writes to the standard output\n"
            "\n"
            "examples:\n"
            "  odtwin export run.h5 --format oem --satellites 0             # run.oem\n"
            "  odtwin export run.h5 --format oem --satellites 0-3          # run-oem/sat-0.oem ... sat-3.oem\n"
            "  odtwin export run.h5 --format czml --geodetic -o fleet.czml\n"
            "  odtwin export run.h5 --format csv --geodetic --satellites 0 -o - | head\n"
            "  odtwin export run.h5 --format csv --series                 # run.series.csv\n");
}

int odt_export_main(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if ((!strcmp(a, "--format") || !strcmp(a, "-f")) && i + 1 < argc) {
            const char *v = argv[++i];
            o.fmt = !strcmp(v, "oem") ? FMT_OEM : !strcmp(v, "czml") ? FMT_CZML : !strcmp(v, "csv") ? FMT_CSV
                                                                                                  : FMT_NONE;
            if (o.fmt == FMT_NONE) {
                fprintf(stderr, "odtwin export: --format '%s': expected oem, czml or csv\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--satellites") && i + 1 < argc) {
            o.sats = argv[++i];
        } else if (!strcmp(a, "--color") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "auto"))
                o.color = COLOR_AUTO;
            else if (!strcmp(v, "illumination"))
                o.color = COLOR_ILLUMINATION;
            else if (!strcmp(v, "temperature"))
                o.color = COLOR_TEMPERATURE;
            else if (!strcmp(v, "none"))
                o.color = COLOR_NONE;
            else {
                fprintf(stderr, "odtwin export: --color '%s': expected auto, illumination, temperature or none\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--series")) {
            o.series = 1;
        } else if (!strcmp(a, "--geodetic")) {
            o.geodetic = 1;
        } else if (!strcmp(a, "--single-file")) {
            o.single_file = 1;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            o.out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "odtwin export: unknown or incomplete option '%s' (see odtwin export --help)\n", a);
            return 2;
        } else if (!o.path) {
            o.path = a;
        } else {
            fprintf(stderr, "odtwin export: more than one snapshot given ('%s' and '%s')\n", o.path, a);
            return 2;
        }
    }
    if (!o.path) {
        fprintf(stderr, "odtwin export: no snapshot file given (see odtwin export --help)\n");
        return 2;
    }
    if (o.fmt == FMT_NONE) {
        fprintf(stderr, "odtwin export: --format oem|czml|csv is required (see odtwin export --help)\n");
        return 2;
    }
    if (o.series && o.fmt != FMT_CSV) {
        fprintf(stderr, "odtwin export: --series is a CSV export (--format csv)\n");
        return 2;
    }
    if (o.series && (o.sats || o.geodetic)) {
        fprintf(stderr, "odtwin export: --series is the fleet series: --satellites and --geodetic do not apply\n");
        return 2;
    }
    if (o.geodetic && o.fmt == FMT_OEM) {
        fprintf(stderr, "odtwin export: --geodetic applies to csv and czml (an OEM holds inertial states)\n");
        return 2;
    }
    if (o.single_file && o.fmt != FMT_OEM) {
        fprintf(stderr, "odtwin export: --single-file applies to --format oem\n");
        return 2;
    }
    if (o.color != COLOR_AUTO && o.fmt != FMT_CZML) {
        fprintf(stderr, "odtwin export: --color applies to --format czml\n");
        return 2;
    }
    int64_t *want = NULL;
    size_t nwant = 0;
    if (o.sats) {
        char why[512];
        if (parse_list(o.sats, &want, &nwant, why, sizeof why) != 0) {
            odt_text_one_line(why);
            fprintf(stderr, "odtwin export: --satellites %s\n", why);
            return 2;
        }
    }

    odt_h5_quiet();
    char err[2048] = "";
    struct ex e;
    memset(&e, 0, sizeof e);
    e.file = H5I_INVALID_HID;
    e.path = o.path;
    e.err = err;
    e.errlen = sizeof err;
    int rc = ex_open(&e);
    if (!rc && !o.series && e.t == 0)
        rc = fail(&e, "the run has no complete records (0 snapshots): nothing to export");
    if (!rc && !o.series)
        rc = select_satellites(&e, want, nwant, o.sats == NULL);
    if (!rc && !o.series && e.nsel == 0)
        rc = fail(&e, "the records hold no satellite: nothing to export");
    free(want);
    if (!rc && !o.series && o.fmt != FMT_CSV && e.nsel > ODT_EXPORT_WARN_SATELLITES)
        fprintf(stderr, "odtwin export: warning: %zu satellites in one %s file; viewers may be slow (choose fewer "
                        "with --satellites)\n", e.nsel, o.fmt == FMT_OEM ? "OEM" : "CZML");
    /* checks that need no output first: a refused export leaves nothing */
    if (!rc && o.fmt == FMT_OEM && (e.i_pos < 0 || e.i_vel < 0))
        rc = write_oem(&e, NULL, NULL);
    if (!rc && (o.fmt == FMT_CZML || o.geodetic) && e.i_pos < 0)
        rc = fail(&e, "the records hold no position: add position to snapshot_fields in the scenario and run again");
    /* an OEM message is of one object: several satellites go into a folder of one file each */
    const int oem_dir = !rc && o.fmt == FMT_OEM && e.nsel > 1 && !o.single_file;
    if (oem_dir && o.out && !strcmp(o.out, "-"))
        rc = fail(&e, "-o -: an OEM of %zu satellites is a folder of one file per satellite; choose one satellite "
                      "(--satellites) or --single-file for the standard output", e.nsel);
    char *def = NULL;
    struct out out;
    memset(&out, 0, sizeof out);
    if (!rc) {
        const char *path = o.out;
        if (!path) {
            def = default_out(o.path, oem_dir                ? "-oem"
                                      : o.fmt == FMT_OEM     ? ".oem"
                                      : o.fmt == FMT_CZML    ? ".czml"
                                      : o.series             ? ".series.csv"
                                                             : ".csv");
            if (!def)
                rc = fail(&e, "out of memory");
            path = def;
        }
        e.out_path = path;
        if (!rc && (oem_dir ? out_open_dir(&out, &e, path) : out_open(&out, &e, path)) != 0)
            rc = -1;
    }
    if (!rc) {
        switch (o.fmt) {
        case FMT_OEM:
            rc = oem_dir ? write_oem(&e, NULL, out.part) : write_oem(&e, out.f, NULL);
            break;
        case FMT_CZML:
            rc = write_czml(&e, out.f, &o);
            break;
        default:
            rc = o.series ? write_csv_series(&e, out.f) : write_csv_records(&e, out.f, &o);
            break;
        }
        if (!rc)
            rc = out_commit(&out, &e);
        else
            out_abort(&out);
    }
    ex_free(&e);
    free(def);
    if (rc) {
        odt_text_one_line(err);
        fprintf(stderr, "odtwin export: error: %s\n", err);
        return 1;
    }
    return 0;
}
