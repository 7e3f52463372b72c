/*
 * snapshot.c: HDF5 snapshot writer (SWMR, writer thread) and the reading side
 * of --resume. Layout: docs/snapshot.md.
 */
#include "host/snapshot.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ODT_CHUNK_BYTES (1u << 20) /* aim for chunks of about 1 MiB */
#define ODT_SMALL_CHUNK_BYTES (2u << 10) /* records below this share chunks */

/* The eclipse table's columns, in /eclipses. */
enum { ECL_SATELLITE, ECL_KIND, ECL_START, ECL_END, ECL_DURATION, ECL_COMPLETE, ECL_NCOL };
static const char *const ecl_names[ECL_NCOL] = {"satellite", "kind", "start", "end", "duration", "complete"};
/* HDF5 prints its own error stacks unless told not to: odtwin reports errors itself; set
   ODT_HDF5_ERRORS=1 in the environment to see HDF5's stack as well. */
static void quiet_hdf5(void)
{
    if (!getenv("ODT_HDF5_ERRORS"))
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static int ecl_is_int(int k) { return k == ECL_SATELLITE || k == ECL_KIND || k == ECL_COMPLETE; }

/* The failure table's columns, in /failures. */
enum { FAIL_SATELLITE, FAIL_KIND, FAIL_NUMBER, FAIL_TIME, FAIL_NCOL };
static const char *const fail_names[FAIL_NCOL] = {"satellite", "kind", "number", "time"};

/* What the eclipse tracker needs to continue a run: /resume. */
enum { RES_UMBRA_START, RES_SHADOW_START, RES_UMBRA_CUT, RES_SHADOW_CUT, RES_N };
static const char *const res_names[RES_N] = {"umbra_start", "shadow_start", "umbra_cut", "shadow_cut"};

/* One queued record. */
struct job {
    int pending;
    double t_s, era_rad, sun[3];
    void **field;                 /* raw copies of the written fields (NULL for the others) */
    struct odt_eclipse_row *rows; /* eclipse rows completed since the last record */
    size_t n_rows, cap_rows;
    double *umbra_start, *shadow_start;
    int32_t *umbra_cut, *shadow_cut;
    struct odt_rel_row *frows; /* reliability events since the last record */
    size_t n_frows, cap_frows;
    double demand_tokens;
};

struct odt_snapshot_writer {
    hid_t file;
    hid_t d_time, d_era, d_sun, d_ecl_rows_at, d_ecl_index;
    hid_t d_ecl[ECL_NCOL];
    hid_t d_fail[FAIL_NCOL], d_fail_index, d_fail_rows_at, d_demand;
    hsize_t fail_rows;
    hid_t d_res[RES_N];
    hid_t *d_field; /* one per fleet field (invalid for the fields not written) */
    unsigned char *on; /* per fleet field: 1 when it is written as a series */
    int deflate;       /* compression level 0..9 */
    int nf;
    size_t n;
    hsize_t records, ecl_rows;
    double *scratch; /* n * (largest component count) doubles for interleaving vectors */
    char path[512];
    /* the writer thread */
    pthread_t thread;
    int thread_started, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job job;
    enum odt_status thread_status; /* first failure of the thread */
    char thread_err[768];
};


static enum odt_status h5fail(char *err, size_t errlen, const char *path, const char *what)
{
    snprintf(err, errlen, "%s: HDF5 error while %s", path, what);
    return ODT_ERR_IO;
}

static herr_t attr_string(hid_t obj, const char *name, const char *value)
{
    return H5LTset_attribute_string(obj, ".", name, value);
}

static herr_t attrs(hid_t d, const char *units, const char *long_name)
{
    herr_t a = attr_string(d, "units", units);
    herr_t b = attr_string(d, "long_name", long_name);
    return a < 0 || b < 0 ? -1 : 0;
}

/* A chunked, compressed, extendible dataset [0, dims[1..rank-1]] growing along dim 0. */
static hid_t create_series(int deflate, hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                           size_t elem)
{
    hsize_t cur[3], max[3], chunk[3];
    size_t row = elem;
    for (int k = 0; k < rank; ++k) {
        cur[k] = k == 0 ? 0 : dims[k];
        max[k] = k == 0 ? H5S_UNLIMITED : dims[k];
        chunk[k] = k == 0 ? 1 : (dims[k] ? dims[k] : 1);
        if (k > 0)
            row *= chunk[k];
    }
    /* A record of a large fleet is a chunk of its own (or ~1 MiB slices of it), so that appending never
     * rewrites and recompresses a chunk written before. Records smaller than 16 KiB share a chunk of
     * ~2 KiB instead: thousands of tiny chunks would make every append and flush a metadata update. */
    if (rank == 1) {
        chunk[0] = 1024;
    } else if (row > ODT_CHUNK_BYTES) {
        hsize_t per = ODT_CHUNK_BYTES / (row / chunk[1]);
        chunk[1] = per ? per : 1;
    } else if (row < ODT_SMALL_CHUNK_BYTES) {
        chunk[0] = ODT_SMALL_CHUNK_BYTES / row;
    }
    hid_t space = H5Screate_simple(rank, cur, max);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    /* Compress only chunks written once. A chunk shared by several records is rewritten at each append:
       compressed, it moves in the file every time, and a run killed before the moved chunk reaches the
       disk would lose the records written into it earlier; uncompressed, it is rewritten in place with
       the same bytes for those records. */
    if (deflate > 0 && chunk[0] == 1) {
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, (unsigned)deflate);
    }
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

/* Append `count` records (rows of the other dimensions) to dataset d at index `record`. */
static herr_t append_n(hid_t d, hid_t memtype, hsize_t record, hsize_t count, const void *buf)
{
    hid_t space = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(space);
    hsize_t dims[3] = {0, 1, 1};
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    dims[0] = record + count;
    if (H5Dset_extent(d, dims) < 0)
        return -1;
    space = H5Dget_space(d);
    hsize_t start[3] = {record, 0, 0}, cnt[3] = {count, dims[1], rank > 2 ? dims[2] : 1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL);
    hid_t mem = H5Screate_simple(rank, cnt, NULL);
    herr_t st = H5Dwrite(d, memtype, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    return st;
}

/* Shrink (or grow) dataset d to `records` along dimension 0. */
static herr_t set_records(hid_t d, hsize_t records)
{
    hid_t space = H5Dget_space(d);
    hsize_t dims[3] = {0, 1, 1};
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    dims[0] = records;
    return H5Dset_extent(d, dims);
}

static hsize_t records_of(hid_t d)
{
    hid_t space = H5Dget_space(d);
    hsize_t dims[3] = {0, 0, 0};
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    return dims[0];
}

/* Interleave a component-major field (x[c*n+i]) into [i][c] order. */
static const void *interleave(const struct odt_snapshot_writer *w, const double *src, int ncomp)
{
    if (ncomp == 1)
        return src;
    for (size_t i = 0; i < w->n; ++i)
        for (int c = 0; c < ncomp; ++c)
            w->scratch[i * (size_t)ncomp + (size_t)c] = src[(size_t)c * w->n + i];
    return w->scratch;
}

/* A dimension scale: a static dataset of 0..n-1 (or the given ids). */
static hid_t make_scale(hid_t loc, const char *name, size_t n, const int32_t *ids, const char *long_name)
{
    int32_t *v = malloc(sizeof(int32_t) * (n ? n : 1));
    if (!v)
        return H5I_INVALID_HID;
    for (size_t i = 0; i < n; ++i)
        v[i] = ids ? ids[i] : (int32_t)i;
    hsize_t dims[1] = {n};
    herr_t st = H5LTmake_dataset(loc, name, 1, dims, H5T_NATIVE_INT32, v);
    free(v);
    if (st < 0)
        return H5I_INVALID_HID;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0 || H5DSset_scale(d, name) < 0 || attr_string(d, "long_name", long_name) < 0) {
        if (d >= 0)
            H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static herr_t write_static(hid_t g, const char *name, hid_t type, size_t n, int ncomp, const void *data,
                           const char *units, const char *long_name, hid_t scale)
{
    hsize_t dims[2] = {n, (hsize_t)ncomp};
    if (H5LTmake_dataset(g, name, ncomp > 1 ? 2 : 1, dims, type, data) < 0)
        return -1;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    herr_t st = attrs(d, units, long_name);
    if (st >= 0 && scale >= 0)
        st = H5DSattach_scale(d, scale, 0);
    H5Dclose(d);
    return st;
}

/* Per-class parameters that analyses of the file need (the scenario text holds all of them). */
static herr_t write_classes(hid_t root, const struct odt_scenario *sc, const struct odt_fleet_meta *m)
{
    const size_t nc = (size_t)m->n_classes;
    double *v = malloc(sizeof(double) * (nc ? nc : 1));
    hid_t g = H5Gcreate2(root, "classes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!v || g < 0) {
        free(v);
        if (g >= 0)
            H5Gclose(g);
        return -1;
    }
    int bad = 0;
    hid_t scale = make_scale(g, "class", nc, NULL, "satellite class (fleet entry)");
    bad |= scale < 0;
#define ODT_CLASS_COLUMN(name, units, desc, expr)                                                                 \
    for (size_t c = 0; c < nc; ++c) {                                                                            \
        const struct odt_sat_class *k = &m->classes[c];                                                          \
        v[c] = (expr);                                                                                           \
    }                                                                                                            \
    bad |= write_static(g, name, H5T_NATIVE_DOUBLE, nc, 1, v, units, desc, scale) < 0;
    ODT_CLASS_COLUMN("array_area_m2", "m2", "solar array area", k->array.area_m2)
    ODT_CLASS_COLUMN("array_efficiency", "1", "cells x packing x power conditioning at the reference temperature",
                     k->array.cell_efficiency * k->array.packing_factor * k->array.pcu_efficiency)
    ODT_CLASS_COLUMN("compute_power_w", "W", "compute payload power at full load (all accelerators at board power)",
                     k->node.n_accel * k->node.type.board_power_w)
    ODT_CLASS_COLUMN("accelerators", "1", "accelerators at launch", (double)k->node.n_accel)
    ODT_CLASS_COLUMN("accelerator_tokens_per_s", "tokens s-1", "throughput of one accelerator at board power",
                     k->node.type.tokens_per_s_full)
    ODT_CLASS_COLUMN("burn_in_s", "s", "ground burn-in before launch", k->rel.burn_in_s)
    ODT_CLASS_COLUMN("bus_power_w", "W", "bus power", k->node.bus_power_w)
    ODT_CLASS_COLUMN("battery_capacity_j", "J", "battery capacity", k->battery.capacity_j)
    ODT_CLASS_COLUMN("battery_soc_min", "1", "bottom of the state-of-charge window", k->battery.soc_min)
    ODT_CLASS_COLUMN("battery_soc_max", "1", "top of the state-of-charge window", k->battery.soc_max)
    ODT_CLASS_COLUMN("battery_discharge_efficiency", "1", "discharge efficiency", k->battery.eta_discharge)
    ODT_CLASS_COLUMN("payload_temp_limit_k", "K", "payload temperature limit", k->thermal.t_limit_payload_k)
    ODT_CLASS_COLUMN("radiator_area_m2", "m2", "radiating area (all faces)",
                     k->thermal.face[ODT_TN_RADIATOR][0].area_m2 + k->thermal.face[ODT_TN_RADIATOR][1].area_m2)
    ODT_CLASS_COLUMN("radiator_sides", "1", "radiating faces of the radiator panel",
                     (k->thermal.face[ODT_TN_RADIATOR][1].area_m2 > 0.0) ? 2.0 : 1.0)
    ODT_CLASS_COLUMN("radiator_emissivity", "1", "radiator emissivity", k->thermal.face[ODT_TN_RADIATOR][0].emissivity)
    ODT_CLASS_COLUMN("radiator_absorptivity", "1", "radiator solar absorptivity",
                     k->thermal.face[ODT_TN_RADIATOR][0].absorptivity)
    ODT_CLASS_COLUMN("payload_radiator_conductance_w_k", "W K-1", "payload-radiator conductance",
                     k->thermal.g_w_k[ODT_TN_PAYLOAD][ODT_TN_RADIATOR])
#undef ODT_CLASS_COLUMN
    char names[4096] = "";
    for (int s = 0; s < sc->n_shells; ++s) {
        strncat(names, s ? "," : "", sizeof names - strlen(names) - 1);
        strncat(names, sc->shells[s].name, sizeof names - strlen(names) - 1);
    }
    bad |= attr_string(g, "names", names) < 0;
    free(v);
    if (scale >= 0)
        H5Dclose(scale);
    H5Gclose(g);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ the writer */

static void job_free(struct job *j, int nf)
{
    if (j->field)
        for (int k = 0; k < nf; ++k)
            free(j->field[k]);
    free(j->field);
    free(j->rows);
    free(j->frows);
    free(j->umbra_start);
    free(j->shadow_start);
    free(j->umbra_cut);
    free(j->shadow_cut);
    memset(j, 0, sizeof *j);
}

static int job_alloc(struct job *j, const struct odt_field_info *fi, const unsigned char *on, int nf, size_t n)
{
    memset(j, 0, sizeof *j);
    const size_t nn = n ? n : 1;
    j->field = calloc((size_t)nf, sizeof *j->field);
    j->umbra_start = malloc(sizeof(double) * nn);
    j->shadow_start = malloc(sizeof(double) * nn);
    j->umbra_cut = malloc(sizeof(int32_t) * nn);
    j->shadow_cut = malloc(sizeof(int32_t) * nn);
    if (!j->field || !j->umbra_start || !j->shadow_start || !j->umbra_cut || !j->shadow_cut)
        return 0;
    for (int k = 0; k < nf; ++k)
        if (on[k] && !(j->field[k] = malloc(nn * (size_t)fi[k].ncomp * fi[k].elem_size)))
            return 0;
    return 1;
}

static void close_handles(struct odt_snapshot_writer *w)
{
    hid_t *all[] = {&w->d_time, &w->d_era, &w->d_sun, &w->d_ecl_rows_at, &w->d_ecl_index};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        if (*all[k] > 0)
            H5Dclose(*all[k]), *all[k] = H5I_INVALID_HID;
    for (int k = 0; k < ECL_NCOL; ++k)
        if (w->d_ecl[k] > 0)
            H5Dclose(w->d_ecl[k]), w->d_ecl[k] = H5I_INVALID_HID;
    for (int k = 0; k < RES_N; ++k)
        if (w->d_res[k] > 0)
            H5Dclose(w->d_res[k]), w->d_res[k] = H5I_INVALID_HID;
    for (int k = 0; k < FAIL_NCOL; ++k)
        if (w->d_fail[k] > 0)
            H5Dclose(w->d_fail[k]), w->d_fail[k] = H5I_INVALID_HID;
    hid_t *more[] = {&w->d_fail_index, &w->d_fail_rows_at, &w->d_demand};
    for (size_t k = 0; k < sizeof more / sizeof more[0]; ++k)
        if (*more[k] > 0)
            H5Dclose(*more[k]), *more[k] = H5I_INVALID_HID;
    for (int k = 0; w->d_field && k < w->nf; ++k)
        if (w->d_field[k] > 0)
            H5Dclose(w->d_field[k]), w->d_field[k] = H5I_INVALID_HID;
}

static void writer_free(struct odt_snapshot_writer *w)
{
    if (!w)
        return;
    close_handles(w);
    if (w->file > 0)
        H5Fclose(w->file);
    job_free(&w->job, w->nf);
    free(w->d_field);
    free(w->on);
    free(w->scratch);
    if (w->thread_started) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
    free(w);
}

/*
 * A writer for fleet f; field k is written as a series when on[k] (NULL: every
 * STATE and OUT field); STATE fields always are (a resume needs them).
 */
static struct odt_snapshot_writer *writer_new(const char *path, const struct odt_fleet *f, const unsigned char *on,
                                              int deflate)
{
    struct odt_snapshot_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    snprintf(w->path, sizeof w->path, "%s", path);
    const struct odt_field_info *fi = odt_fleet_fields(&w->nf);
    w->n = f->n;
    w->deflate = deflate;
    w->d_field = malloc(sizeof *w->d_field * (size_t)w->nf);
    w->on = calloc((size_t)w->nf, 1);
    int max_comp = 1;
    if (w->on)
        for (int k = 0; k < w->nf; ++k) {
            w->on[k] = fi[k].role == ODT_FIELD_STATE || (fi[k].role == ODT_FIELD_OUT && (!on || on[k]));
            if (w->on[k] && fi[k].ncomp > max_comp)
                max_comp = fi[k].ncomp;
        }
    w->scratch = malloc(sizeof(double) * (size_t)max_comp * (f->n ? f->n : 1));
    if (!w->d_field || !w->on || !w->scratch || !job_alloc(&w->job, fi, w->on, w->nf, f->n)) {
        writer_free(w);
        return NULL;
    }
    w->file = w->d_time = w->d_era = w->d_sun = w->d_ecl_rows_at = w->d_ecl_index = H5I_INVALID_HID;
    for (int k = 0; k < ECL_NCOL; ++k)
        w->d_ecl[k] = H5I_INVALID_HID;
    for (int k = 0; k < RES_N; ++k)
        w->d_res[k] = H5I_INVALID_HID;
    for (int k = 0; k < FAIL_NCOL; ++k)
        w->d_fail[k] = H5I_INVALID_HID;
    w->d_fail_index = w->d_fail_rows_at = w->d_demand = H5I_INVALID_HID;
    for (int k = 0; k < w->nf; ++k)
        w->d_field[k] = H5I_INVALID_HID;
    return w;
}

/* Open every dataset the writer appends to. */
static int open_handles(struct odt_snapshot_writer *w)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    int bad = 0;
    bad |= (w->d_time = H5Dopen2(w->file, "time", H5P_DEFAULT)) < 0;
    bad |= (w->d_era = H5Dopen2(w->file, "earth_rotation_angle", H5P_DEFAULT)) < 0;
    bad |= (w->d_sun = H5Dopen2(w->file, "sun_direction", H5P_DEFAULT)) < 0;
    bad |= (w->d_ecl_rows_at = H5Dopen2(w->file, "eclipse_rows", H5P_DEFAULT)) < 0;
    bad |= (w->d_ecl_index = H5Dopen2(w->file, "eclipses/eclipse", H5P_DEFAULT)) < 0;
    char name[96];
    for (int k = 0; k < ECL_NCOL; ++k) {
        snprintf(name, sizeof name, "eclipses/%s", ecl_names[k]);
        bad |= (w->d_ecl[k] = H5Dopen2(w->file, name, H5P_DEFAULT)) < 0;
    }
    for (int k = 0; k < RES_N; ++k) {
        snprintf(name, sizeof name, "resume/%s", res_names[k]);
        bad |= (w->d_res[k] = H5Dopen2(w->file, name, H5P_DEFAULT)) < 0;
    }
    for (int k = 0; k < FAIL_NCOL; ++k) {
        snprintf(name, sizeof name, "failures/%s", fail_names[k]);
        bad |= (w->d_fail[k] = H5Dopen2(w->file, name, H5P_DEFAULT)) < 0;
    }
    bad |= (w->d_fail_index = H5Dopen2(w->file, "failures/failure", H5P_DEFAULT)) < 0;
    bad |= (w->d_fail_rows_at = H5Dopen2(w->file, "failure_rows", H5P_DEFAULT)) < 0;
    bad |= (w->d_demand = H5Dopen2(w->file, "demand_tokens", H5P_DEFAULT)) < 0;
    for (int k = 0; k < nf; ++k)
        if (w->on[k])
            bad |= (w->d_field[k] = H5Dopen2(w->file, fi[k].name, H5P_DEFAULT)) < 0;
    return !bad;
}

/* Write the queued record (writer thread). Returns 0 on success. */
static int write_record(struct odt_snapshot_writer *w)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const struct job *j = &w->job;
    const hsize_t r = w->records;
    int bad = 0;
    for (int k = 0; k < nf && !bad; ++k) {
        if (!w->on[k])
            continue;
        const void *data = fi[k].ncomp > 1 ? interleave(w, (const double *)j->field[k], fi[k].ncomp) : j->field[k];
        bad |= append_n(w->d_field[k], fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, r, 1, data) < 0;
    }
    bad |= append_n(w->d_era, H5T_NATIVE_DOUBLE, r, 1, &j->era_rad) < 0;
    bad |= append_n(w->d_sun, H5T_NATIVE_DOUBLE, r, 1, j->sun) < 0;
    /* eclipse rows, column by column */
    if (!bad && j->n_rows) {
        const size_t m = j->n_rows;
        int32_t *iv = malloc(sizeof(int32_t) * m);
        double *dv = malloc(sizeof(double) * m);
        int64_t *xv = malloc(sizeof(int64_t) * m);
        bad |= !iv || !dv || !xv;
        for (int k = 0; k < ECL_NCOL && !bad; ++k) {
            for (size_t q = 0; q < m; ++q) {
                const struct odt_eclipse_row *row = &j->rows[q];
                if (ecl_is_int(k))
                    iv[q] = k == ECL_SATELLITE ? row->satellite : k == ECL_KIND ? row->kind : row->complete;
                else
                    dv[q] = k == ECL_START ? row->start_s : k == ECL_END ? row->end_s : row->end_s - row->start_s;
            }
            bad |= append_n(w->d_ecl[k], ecl_is_int(k) ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, w->ecl_rows, m,
                            ecl_is_int(k) ? (const void *)iv : (const void *)dv) < 0;
        }
        for (size_t q = 0; q < m && xv; ++q)
            xv[q] = (int64_t)(w->ecl_rows + q);
        if (!bad)
            bad |= append_n(w->d_ecl_index, H5T_NATIVE_INT64, w->ecl_rows, m, xv) < 0;
        free(iv);
        free(dv);
        free(xv);
        if (!bad)
            w->ecl_rows += m;
    }
    /* what a resume needs of the tracker */
    if (!bad) {
        bad |= append_n(w->d_res[RES_UMBRA_START], H5T_NATIVE_DOUBLE, r, 1, j->umbra_start) < 0;
        bad |= append_n(w->d_res[RES_SHADOW_START], H5T_NATIVE_DOUBLE, r, 1, j->shadow_start) < 0;
        bad |= append_n(w->d_res[RES_UMBRA_CUT], H5T_NATIVE_INT32, r, 1, j->umbra_cut) < 0;
        bad |= append_n(w->d_res[RES_SHADOW_CUT], H5T_NATIVE_INT32, r, 1, j->shadow_cut) < 0;
    }
    /* reliability events, column by column */
    if (!bad && j->n_frows) {
        const size_t m = j->n_frows;
        int32_t *iv = malloc(sizeof(int32_t) * m);
        double *dv = malloc(sizeof(double) * m);
        int64_t *xv = malloc(sizeof(int64_t) * m);
        bad |= !iv || !dv || !xv;
        for (int k = 0; k < FAIL_NCOL && !bad; ++k) {
            for (size_t q = 0; q < m; ++q) {
                const struct odt_rel_row *row = &j->frows[q];
                iv[q] = k == FAIL_SATELLITE ? row->satellite : k == FAIL_KIND ? row->kind : row->number;
                dv[q] = row->t_s;
            }
            bad |= append_n(w->d_fail[k], k == FAIL_TIME ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, w->fail_rows, m,
                            k == FAIL_TIME ? (const void *)dv : (const void *)iv) < 0;
        }
        for (size_t q = 0; q < m && xv; ++q)
            xv[q] = (int64_t)(w->fail_rows + q);
        if (!bad)
            bad |= append_n(w->d_fail_index, H5T_NATIVE_INT64, w->fail_rows, m, xv) < 0;
        free(iv);
        free(dv);
        free(xv);
        if (!bad)
            w->fail_rows += m;
    }
    const int64_t rows_at = (int64_t)w->ecl_rows, frows_at = (int64_t)w->fail_rows;
    if (!bad)
        bad |= append_n(w->d_ecl_rows_at, H5T_NATIVE_INT64, r, 1, &rows_at) < 0;
    if (!bad)
        bad |= append_n(w->d_fail_rows_at, H5T_NATIVE_INT64, r, 1, &frows_at) < 0;
    if (!bad)
        bad |= append_n(w->d_demand, H5T_NATIVE_DOUBLE, r, 1, &j->demand_tokens) < 0;
    /* `time` last: a reader (or a resume) takes a record as complete once `time` holds it */
    if (!bad)
        bad |= append_n(w->d_time, H5T_NATIVE_DOUBLE, r, 1, &j->t_s) < 0;
    if (!bad)
        bad |= H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0;
    if (!bad)
        w->records = r + 1;
    return bad;
}

static void *writer_main(void *arg)
{
    struct odt_snapshot_writer *w = (struct odt_snapshot_writer *)arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->job.pending && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->job.pending)
            break;
        pthread_mutex_unlock(&w->mu);
        const int bad = w->thread_status == ODT_OK ? write_record(w) : 0;
        pthread_mutex_lock(&w->mu);
        if (bad && w->thread_status == ODT_OK) {
            w->thread_status = ODT_ERR_IO;
            snprintf(w->thread_err, sizeof w->thread_err,
                     "%s: HDF5 error while writing snapshot %llu (disk full?)", w->path,
                     (unsigned long long)w->records);
        }
        w->job.pending = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Enter SWMR mode and start the writer thread. */
static enum odt_status writer_start(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    if (H5Fstart_swmr_write(w->file) < 0)
        return h5fail(err, errlen, w->path, "entering single-writer/multiple-reader mode");
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->thread_started = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        w->thread_started = 0;
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        snprintf(err, errlen, "%s: cannot start the snapshot writer thread", w->path);
        return ODT_ERR_IO;
    }
    return ODT_OK;
}

static hid_t file_access(int clear_status_flags)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST); /* required by SWMR */
    if (clear_status_flags) {
        /* A file whose writer was killed keeps its "open for writing" flags. HDF5 exposes clearing them
           only through this property of its own tools (h5clear -s); it is absent from some builds. */
        hbool_t clear = 1;
        H5E_BEGIN_TRY { H5Pset(fapl, "clear_status_flags", &clear); }
        H5E_END_TRY;
    }
    return fapl;
}

enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, char *err, size_t errlen)
{
    quiet_hdf5();
    struct odt_snapshot_writer *w =
        writer_new(path, f, sc->snapshot_fields_given ? sc->snapshot_on : NULL, sc->snapshot_compression);
    if (!w) {
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    hid_t fapl = file_access(0);
    w->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (w->file < 0) {
        writer_free(w);
        snprintf(err, errlen, "%s: cannot create the output file (check that the folder exists and is writable)",
                 path);
        return ODT_ERR_IO;
    }
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    hid_t root = w->file;
    char units[128], seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc->seed);
    snprintf(units, sizeof units, "seconds since %04d-%02d-%02d %02d:%02d:%06.3f", sc->epoch.year, sc->epoch.month,
             sc->epoch.day, sc->epoch.hour, sc->epoch.minute, sc->epoch.second);
    int bad = 0;
    bad |= attr_string(root, "title", "odtwin snapshot") < 0;
    bad |= attr_string(root, "Conventions", "CF-1.8") < 0;
    bad |= attr_string(root, "odtwin_schema_version", ODT_SNAPSHOT_SCHEMA_VERSION) < 0;
    bad |= attr_string(root, "odtwin_version", ODT_VERSION) < 0;
    bad |= attr_string(root, "odtwin_commit", ODT_GIT_COMMIT) < 0;
    bad |= attr_string(root, "scenario_name", sc->name) < 0;
    bad |= attr_string(root, "scenario_file", sc->file) < 0;
    bad |= attr_string(root, "scenario", sc->text) < 0;
    bad |= attr_string(root, "seed", seed) < 0;
    bad |= attr_string(root, "epoch_utc", sc->epoch.iso) < 0;
    bad |= attr_string(root, "frame", "GCRS") < 0;
    bad |= attr_string(root, "backend", info->backend) < 0;
    bad |= H5LTset_attribute_int(root, ".", "threads", &info->threads, 1) < 0;
    bad |= H5LTset_attribute_double(root, ".", "step_s", &sc->step_s, 1) < 0;
    bad |= H5LTset_attribute_double(root, ".", "snapshot_interval_s", &sc->snapshot_interval_s, 1) < 0;
    bad |= attr_string(root, "run_status", "running") < 0;

    /* dimension scales */
    hid_t s_sat = make_scale(root, "satellite", f->n, m->id, "satellite index");
    const int32_t xyz[3] = {0, 1, 2}, nodes[4] = {0, 1, 2, 3};
    hid_t s_xyz = make_scale(root, "xyz", 3, xyz, "vector component: x, y, z");
    hid_t s_node = make_scale(root, "node", 4, nodes, "thermal node: solar array, radiator, payload, bus");
    bad |= s_sat < 0 || s_xyz < 0 || s_node < 0;
    bad |= attr_string(s_node, "flag_meanings", "array radiator payload bus") < 0;

    /* static fleet data */
    hid_t g = H5Gcreate2(root, "fleet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= g < 0;
    if (g >= 0) {
        bad |= write_static(g, "id", H5T_NATIVE_INT32, m->n, 1, m->id, "1", "satellite id", s_sat) < 0;
        bad |= write_static(g, "shell", H5T_NATIVE_INT32, m->n, 1, m->shell, "1", "index of the fleet entry", s_sat) < 0;
        bad |= write_static(g, "plane", H5T_NATIVE_INT32, m->n, 1, m->plane, "1", "orbital plane in the entry", s_sat) < 0;
        bad |= write_static(g, "slot", H5T_NATIVE_INT32, m->n, 1, m->slot, "1", "slot in the plane", s_sat) < 0;
        bad |= write_static(g, "catalog_number", H5T_NATIVE_INT32, m->n, 1, m->catalog_number, "1",
                            "NORAD catalogue number (-1: generated satellite)", s_sat) < 0;
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, ODT_SAT_NAME_LEN);
        H5Tset_strpad(st, H5T_STR_NULLTERM);
        bad |= write_static(g, "name", st, m->n, 1, m->name, "1", "satellite name", s_sat) < 0;
        H5Tclose(st);
        for (int k = 0; k < nf; ++k)
            if (fi[k].role == ODT_FIELD_PARAM)
                bad |= write_static(g, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, f->n,
                                    fi[k].ncomp, odt_fleet_field_ptr(f, &fi[k]), fi[k].units, fi[k].description,
                                    s_sat) < 0;
        char names[4096] = "";
        for (int s = 0; s < sc->n_shells; ++s) {
            strncat(names, s ? "," : "", sizeof names - strlen(names) - 1);
            strncat(names, sc->shells[s].name, sizeof names - strlen(names) - 1);
        }
        bad |= attr_string(g, "shell_names", names) < 0;
        H5Gclose(g);
    }
    bad |= write_classes(root, sc, m) < 0;

    /* time series */
    hsize_t dims[3] = {0, f->n, 3};
    hid_t d = create_series(w->deflate, root, "time", H5T_NATIVE_DOUBLE, 1, dims, sizeof(double));
    bad |= d < 0 || attrs(d, units, "time since the scenario epoch (TT seconds)") < 0;
    bad |= attr_string(d, "calendar", "standard") < 0 || attr_string(d, "epoch_utc", sc->epoch.iso) < 0;
    bad |= H5DSset_scale(d, "time") < 0;
    hid_t s_time = d;
    struct {
        const char *name, *units, *desc;
        int rank;
        hid_t type;
    } extra[] = {{"earth_rotation_angle", "rad", "Earth rotation angle (IAU 2000), UT1 = UTC", 1, H5T_NATIVE_DOUBLE},
                 {"sun_direction", "1", "unit vector Earth to Sun, GCRS axes", 2, H5T_NATIVE_DOUBLE},
                 {"eclipse_rows", "1", "rows of the eclipse table written up to this record", 1, H5T_NATIVE_INT64},
                 {"failure_rows", "1", "rows of the failure table written up to this record", 1, H5T_NATIVE_INT64},
                 {"demand_tokens", "tokens", "cumulative fleet inference demand", 1, H5T_NATIVE_DOUBLE}};
    for (size_t k = 0; k < sizeof extra / sizeof extra[0]; ++k) {
        hsize_t edims[2] = {0, 3};
        d = create_series(w->deflate, root, extra[k].name, extra[k].type, extra[k].rank, edims,
                          extra[k].type == H5T_NATIVE_INT64 ? sizeof(int64_t) : sizeof(double));
        bad |= d < 0 || attrs(d, extra[k].units, extra[k].desc) < 0;
        bad |= H5DSattach_scale(d, s_time, 0) < 0;
        if (extra[k].rank == 2)
            bad |= H5DSattach_scale(d, s_xyz, 1) < 0;
        if (d >= 0)
            H5Dclose(d);
    }
    for (int k = 0; k < nf; ++k) {
        if (!w->on[k])
            continue;
        hsize_t fdims[3] = {0, f->n, (hsize_t)fi[k].ncomp};
        d = create_series(w->deflate, root, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE,
                          fi[k].ncomp > 1 ? 3 : 2, fdims, fi[k].elem_size);
        bad |= d < 0 || attrs(d, fi[k].units, fi[k].description) < 0;
        bad |= H5DSattach_scale(d, s_time, 0) < 0 || H5DSattach_scale(d, s_sat, 1) < 0;
        if (fi[k].ncomp > 1)
            bad |= H5DSattach_scale(d, fi[k].ncomp == 3 ? s_xyz : s_node, 2) < 0;
        if (d >= 0)
            H5Dclose(d);
    }

    /* the eclipse table: one row per interval, along its own dimension */
    hid_t ge = H5Gcreate2(root, "eclipses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= ge < 0;
    if (ge >= 0) {
        static const char *const ecl_units[ECL_NCOL] = {"1", "1", "s", "s", "s", "1"};
        static const char *const meaning[ECL_NCOL] = {
            "satellite index", "1: umbra (Sun fully hidden); 2: shadow (any part of the Sun hidden)",
            "start, s since the epoch", "end, s since the epoch", "duration", "1: both ends seen; 0: cut by the run"};
        hsize_t edims[1] = {0};
        hid_t s_ecl = create_series(w->deflate, ge, "eclipse", H5T_NATIVE_INT64, 1, edims, sizeof(int64_t));
        bad |= s_ecl < 0 || H5DSset_scale(s_ecl, "eclipse") < 0 || attr_string(s_ecl, "long_name", "row") < 0;
        for (int k = 0; k < ECL_NCOL; ++k) {
            d = create_series(w->deflate, ge, ecl_names[k], ecl_is_int(k) ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, 1, edims,
                              ecl_is_int(k) ? sizeof(int32_t) : sizeof(double));
            bad |= d < 0 || attrs(d, ecl_units[k], meaning[k]) < 0 || H5DSattach_scale(d, s_ecl, 0) < 0;
            if (d >= 0)
                H5Dclose(d);
        }
        bad |= attr_string(ge, "model", sc->shadow_model == ODT_SHADOW_CONICAL ? "conical" : "cylindrical") < 0;
        if (s_ecl >= 0)
            H5Dclose(s_ecl);
        H5Gclose(ge);
    }

    /* the failure table: accelerator failures and node restarts, one row per event */
    hid_t gf = H5Gcreate2(root, "failures", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= gf < 0;
    if (gf >= 0) {
        static const char *const f_units[FAIL_NCOL] = {"1", "1", "1", "s"};
        static const char *const f_meaning[FAIL_NCOL] = {
            "satellite index", "1: accelerator failure; 2: radiation-induced node restart",
            "accelerators failed (1 for a restart)", "end of the step of the event, s since the epoch"};
        hsize_t fdims[1] = {0};
        hid_t s_fail = create_series(w->deflate, gf, "failure", H5T_NATIVE_INT64, 1, fdims, sizeof(int64_t));
        bad |= s_fail < 0 || H5DSset_scale(s_fail, "failure") < 0 || attr_string(s_fail, "long_name", "row") < 0;
        for (int k = 0; k < FAIL_NCOL; ++k) {
            d = create_series(w->deflate, gf, fail_names[k], k == FAIL_TIME ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, 1, fdims,
                              k == FAIL_TIME ? sizeof(double) : sizeof(int32_t));
            bad |= d < 0 || attrs(d, f_units[k], f_meaning[k]) < 0 || H5DSattach_scale(d, s_fail, 0) < 0;
            if (d >= 0)
                H5Dclose(d);
        }
        if (s_fail >= 0)
            H5Dclose(s_fail);
        H5Gclose(gf);
    }

    /* what a resume needs besides the fleet state: the eclipse intervals open at the last record */
    hid_t gr = H5Gcreate2(root, "resume", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= gr < 0;
    if (gr >= 0) {
        hsize_t rdims[2] = {0, f->n};
        for (int k = 0; k < RES_N; ++k) {
            /* a series like the fleet's state, so that a resume from any complete record finds its own */
            d = create_series(w->deflate, gr, res_names[k], k < RES_UMBRA_CUT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32,
                              2, rdims, k < RES_UMBRA_CUT ? sizeof(double) : sizeof(int32_t));
            bad |= d < 0 || H5DSattach_scale(d, s_time, 0) < 0 || H5DSattach_scale(d, s_sat, 1) < 0;
            bad |= attrs(d, k < RES_UMBRA_CUT ? "s" : "1",
                         "eclipse interval open at the record (NaN: none; cut: began before the run)") < 0;
            if (d >= 0)
                H5Dclose(d);
        }
        H5Gclose(gr);
    }
    hid_t scales[4] = {s_sat, s_xyz, s_node, s_time};
    for (int k = 0; k < 4; ++k)
        if (scales[k] >= 0)
            H5Dclose(scales[k]);

    enum odt_status st = ODT_OK;
    if (bad || !open_handles(w) || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        st = h5fail(err, errlen, path, "creating the file's datasets");
    if (st == ODT_OK)
        st = writer_start(w, err, errlen);
    if (st != ODT_OK) {
        writer_free(w);
        remove(path);
        return st;
    }
    *out = w;
    return ODT_OK;
}

enum odt_status odt_snapshot_append(struct odt_snapshot_writer *w, const struct odt_step_input *in,
                                    const struct odt_fleet *f, const struct odt_eclipse_tracker *tr,
                                    const struct odt_snapshot_extra *extra, char *err, size_t errlen)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    pthread_mutex_lock(&w->mu);
    while (w->job.pending) /* the previous record is still being written */
        pthread_cond_wait(&w->cv, &w->mu);
    if (w->thread_status != ODT_OK) {
        snprintf(err, errlen, "%s", w->thread_err);
        pthread_mutex_unlock(&w->mu);
        return w->thread_status;
    }
    struct job *j = &w->job;
    j->t_s = in->t_s;
    j->era_rad = in->era_rad;
    for (int c = 0; c < 3; ++c)
        j->sun[c] = in->sun_unit[c];
    for (int k = 0; k < nf; ++k)
        if (w->on[k])
            memcpy(j->field[k], odt_fleet_field_ptr(f, &fi[k]), f->n * (size_t)fi[k].ncomp * fi[k].elem_size);
    j->n_rows = 0;
    if (tr && tr->n_rows > j->cap_rows) {
        struct odt_eclipse_row *r = realloc(j->rows, sizeof *r * tr->n_rows);
        if (!r) {
            pthread_mutex_unlock(&w->mu);
            snprintf(err, errlen, "%s: out of memory", w->path);
            return ODT_ERR_NOMEM;
        }
        j->rows = r;
        j->cap_rows = tr->n_rows;
    }
    if (tr) {
        if (tr->n_rows)
            memcpy(j->rows, tr->rows, sizeof *tr->rows * tr->n_rows);
        j->n_rows = tr->n_rows;
        for (size_t i = 0; i < f->n; ++i) {
            j->umbra_start[i] = tr->umbra_start[i];
            j->shadow_start[i] = tr->shadow_start[i];
            j->umbra_cut[i] = tr->umbra_cut[i];
            j->shadow_cut[i] = tr->shadow_cut[i];
        }
    } else {
        for (size_t i = 0; i < f->n; ++i) {
            j->umbra_start[i] = j->shadow_start[i] = NAN;
            j->umbra_cut[i] = j->shadow_cut[i] = 0;
        }
    }
    j->n_frows = 0;
    j->demand_tokens = extra ? extra->demand_tokens : 0.0;
    if (extra && extra->n_rel_rows) {
        if (extra->n_rel_rows > j->cap_frows) {
            struct odt_rel_row *r = realloc(j->frows, sizeof *r * extra->n_rel_rows);
            if (!r) {
                pthread_mutex_unlock(&w->mu);
                snprintf(err, errlen, "%s: out of memory", w->path);
                return ODT_ERR_NOMEM;
            }
            j->frows = r;
            j->cap_frows = extra->n_rel_rows;
        }
        memcpy(j->frows, extra->rel_rows, sizeof *j->frows * extra->n_rel_rows);
        j->n_frows = extra->n_rel_rows;
    }
    j->pending = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return ODT_OK;
}

enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen)
{
    if (!w)
        return ODT_OK;
    enum odt_status st = ODT_OK;
    if (w->thread_started) {
        pthread_mutex_lock(&w->mu);
        w->stop = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        if (w->thread_status != ODT_OK) {
            st = w->thread_status;
            snprintf(err, errlen, "%s", w->thread_err);
        }
    }
    const unsigned long nrec = (unsigned long)w->records;
    char path[512];
    snprintf(path, sizeof path, "%s", w->path);
    writer_free(w);
    /* SWMR forbids new attributes: reopen once, normally, for the closing ones */
    hid_t fapl = file_access(0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    int bad = file < 0;
    if (!bad) {
        bad |= attr_string(file, "run_status", run_status) < 0;
        bad |= H5LTset_attribute_ulong(file, ".", "snapshots", &nrec, 1) < 0;
        bad |= H5Fclose(file) < 0;
    }
    if (bad && st == ODT_OK)
        st = h5fail(err, errlen, path, "closing the file");
    return st;
}

/* ------------------------------------------------------------------ resume */

static int read_string_attr(hid_t file, const char *name, char **out)
{
    if (H5Aexists(file, name) <= 0)
        return 0;
    hsize_t dims;
    H5T_class_t cls;
    size_t size;
    if (H5LTget_attribute_info(file, ".", name, &dims, &cls, &size) < 0 || cls != H5T_STRING)
        return 0;
    *out = malloc(size + 1);
    if (!*out || H5LTget_attribute_string(file, ".", name, *out) < 0) {
        free(*out);
        *out = NULL;
        return 0;
    }
    (*out)[size] = '\0';
    return 1;
}

enum odt_status odt_snapshot_read_scenario(const char *path, char **text, char *run_status, size_t status_len,
                                           char *err, size_t errlen)
{
    quiet_hdf5();
    *text = NULL;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        snprintf(err, errlen, "%s: cannot open the snapshot file", path);
        return ODT_ERR_IO;
    }
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0) {
        snprintf(err, errlen, "%s: not an HDF5 file (or damaged)", path);
        return ODT_ERR_IO;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    if (file < 0)
        file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        snprintf(err, errlen, "%s: cannot open the HDF5 file (damaged?)", path);
        return ODT_ERR_IO;
    }
    char *version = NULL, *status = NULL;
    enum odt_status st = ODT_OK;
    if (!read_string_attr(file, "odtwin_schema_version", &version)) {
        snprintf(err, errlen, "%s: not an odtwin snapshot (no odtwin_schema_version attribute)", path);
        st = ODT_ERR_VALUE;
    } else if (!read_string_attr(file, "scenario", text)) {
        snprintf(err, errlen, "%s: the snapshot has no scenario attribute", path);
        st = ODT_ERR_VALUE;
    } else if (!read_string_attr(file, "run_status", &status)) {
        snprintf(err, errlen, "%s: the snapshot has no run_status attribute", path);
        st = ODT_ERR_VALUE;
    } else {
        snprintf(run_status, status_len, "%s", status);
    }
    free(version);
    free(status);
    H5Fclose(file);
    if (st != ODT_OK) {
        free(*text);
        *text = NULL;
    }
    return st;
}

/* Read record r of field fi (component-major into dst) through the writer's scratch. */
static int read_record(struct odt_snapshot_writer *w, hid_t d, const struct odt_field_info *fi, hsize_t r, void *dst)
{
    const int rank = fi->ncomp > 1 ? 3 : 2;
    hsize_t start[3] = {r, 0, 0}, cnt[3] = {1, w->n, (hsize_t)fi->ncomp};
    hid_t space = H5Dget_space(d);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL);
    hid_t mem = H5Screate_simple(rank, cnt, NULL);
    void *buf = fi->ncomp > 1 ? (void *)w->scratch : dst;
    const herr_t st = H5Dread(d, fi->is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    if (st < 0)
        return 0;
    if (fi->ncomp > 1)
        for (size_t i = 0; i < w->n; ++i)
            for (int c = 0; c < fi->ncomp; ++c)
                ((double *)dst)[(size_t)c * w->n + i] = w->scratch[i * (size_t)fi->ncomp + (size_t)c];
    return 1;
}

/* Record r of a [T, n] dataset into buf. */
static int read_row(hid_t d, hid_t type, hsize_t r, size_t n, void *buf)
{
    hsize_t start[2] = {r, 0}, cnt[2] = {1, n};
    hid_t space = H5Dget_space(d);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL);
    hid_t mem = H5Screate_simple(2, cnt, NULL);
    const herr_t st = H5Dread(d, type, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    return st >= 0;
}

static int read_values(hid_t d, hid_t type, hsize_t start, hsize_t count, void *buf)
{
    if (count == 0)
        return 1;
    hid_t space = H5Dget_space(d);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &count, NULL);
    hid_t mem = H5Screate_simple(1, &count, NULL);
    const herr_t st = H5Dread(d, type, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    return st >= 0;
}

/*
 * Open an existing snapshot for appending (clearing the flags a killed writer left) and find which
 * fleet fields it holds as series (*on, malloc'd). Returns the file or a negative id.
 */
static hid_t open_for_append(const char *path, unsigned char **on)
{
    hid_t fapl = file_access(1);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    /* a killed writer may have written blocks past the end-of-allocation its superblock last recorded:
       take the file's real end (what h5clear --increment does) so that they can be read and freed */
    if (file >= 0)
        H5Fincrement_filesize(file, 0);
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    *on = calloc((size_t)nf, 1);
    if (file < 0 || !*on) {
        if (file >= 0)
            H5Fclose(file);
        return H5I_INVALID_HID;
    }
    for (int k = 0; k < nf; ++k)
        (*on)[k] = (fi[k].role == ODT_FIELD_STATE || fi[k].role == ODT_FIELD_OUT) &&
                   H5Lexists(file, fi[k].name, H5P_DEFAULT) > 0;
    return file;
}

/*
 * The records of a file that are complete. `time` holds a record once every
 * other dataset of it is written, and each record is flushed; but a run killed
 * during the flush of its last record may leave that record's index on disk
 * before all of its data (HDF5 has no journal): the last record counts only if
 * every dataset of it reads back.
 */
static hsize_t complete_records(struct odt_snapshot_writer *w)
{
    const hsize_t records = records_of(w->d_time);
    if (records == 0)
        return 0;
    const hsize_t r = records - 1;
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    double *buf = malloc(sizeof(double) * 4 * (w->n ? w->n : 1));
    int ok = buf != NULL;
    double x[3];
    int64_t c;
    ok = ok && read_values(w->d_time, H5T_NATIVE_DOUBLE, r, 1, x) && read_values(w->d_era, H5T_NATIVE_DOUBLE, r, 1, x);
    ok = ok && read_values(w->d_ecl_rows_at, H5T_NATIVE_INT64, r, 1, &c) &&
         read_values(w->d_fail_rows_at, H5T_NATIVE_INT64, r, 1, &c) &&
         read_values(w->d_demand, H5T_NATIVE_DOUBLE, r, 1, x);
    for (int k = 0; k < nf && ok; ++k)
        if (w->on[k] && fi[k].ncomp <= 4)
            ok = read_record(w, w->d_field[k], &fi[k], r, buf);
    for (int k = 0; k < RES_N && ok; ++k)
        ok = read_row(w->d_res[k], k < RES_UMBRA_CUT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, r, w->n, buf);
    free(buf);
    return ok ? records : records - 1;
}

/* Cut every series to `records` and the eclipse table to `nrows` rows. Returns 1 on success. */
static int trim_to(struct odt_snapshot_writer *w, hsize_t records, hsize_t nrows, hsize_t nfrows)
{
    int bad = 0;
    for (int k = 0; k < w->nf; ++k)
        if (w->on[k])
            bad |= set_records(w->d_field[k], records) < 0;
    bad |= set_records(w->d_era, records) < 0 || set_records(w->d_sun, records) < 0;
    bad |= set_records(w->d_ecl_rows_at, records) < 0 || set_records(w->d_time, records) < 0;
    for (int k = 0; k < ECL_NCOL; ++k)
        bad |= set_records(w->d_ecl[k], nrows) < 0;
    bad |= set_records(w->d_ecl_index, nrows) < 0;
    for (int k = 0; k < FAIL_NCOL; ++k)
        bad |= set_records(w->d_fail[k], nfrows) < 0;
    bad |= set_records(w->d_fail_index, nfrows) < 0;
    bad |= set_records(w->d_fail_rows_at, records) < 0 || set_records(w->d_demand, records) < 0;
    for (int k = 0; k < RES_N; ++k)
        bad |= set_records(w->d_res[k], records) < 0;
    return !bad;
}

enum odt_status odt_snapshot_repair(const char *path, long *records_kept, char *err, size_t errlen)
{
    quiet_hdf5();
    *records_kept = 0;
    char *text = NULL, status[32] = "";
    enum odt_status st = odt_snapshot_read_scenario(path, &text, status, sizeof status, err, errlen);
    free(text);
    if (st != ODT_OK)
        return st;
    struct odt_fleet shape; /* only its size matters: the writer checks records of that many satellites */
    memset(&shape, 0, sizeof shape);
    unsigned char *on = NULL;
    hid_t file = open_for_append(path, &on);
    if (file >= 0) {
        hid_t sat = H5Dopen2(file, "satellite", H5P_DEFAULT);
        shape.n = sat >= 0 ? (size_t)records_of(sat) : 0;
        if (sat >= 0)
            H5Dclose(sat);
    }
    struct odt_snapshot_writer *w = file >= 0 ? writer_new(path, &shape, on, 0) : NULL;
    free(on);
    if (w)
        w->file = file;
    else if (file >= 0)
        H5Fclose(file);
    if (!w || !open_handles(w)) {
        writer_free(w);
        snprintf(err, errlen, "%s: cannot open the snapshot for writing (try 'h5clear -s %s')", path, path);
        return ODT_ERR_IO;
    }
    const hsize_t records = complete_records(w);
    int64_t rows = 0, frows = 0;
    if (records > 0 && (!read_values(w->d_ecl_rows_at, H5T_NATIVE_INT64, records - 1, 1, &rows) ||
                        !read_values(w->d_fail_rows_at, H5T_NATIVE_INT64, records - 1, 1, &frows)))
        rows = -1;
    int bad = rows < 0 || !trim_to(w, records, (hsize_t)rows, (hsize_t)frows);
    if (!bad && strcmp(status, "running") == 0)
        bad |= attr_string(w->file, "run_status", "interrupted") < 0;
    writer_free(w);
    if (bad)
        return h5fail(err, errlen, path, "repairing the file");
    *records_kept = (long)records;
    return ODT_OK;
}

enum odt_status odt_snapshot_resume(struct odt_snapshot_writer **out, const char *path, struct odt_fleet *f,
                                    struct odt_eclipse_tracker *tr, struct odt_snapshot_resume *rs, char *err,
                                    size_t errlen)
{
    quiet_hdf5();
    memset(rs, 0, sizeof *rs);
    unsigned char *on = NULL;
    hid_t file = open_for_append(path, &on);
    struct odt_snapshot_writer *w = file >= 0 ? writer_new(path, f, on, 0) : NULL;
    free(on);
    if (w)
        w->file = file;
    else if (file >= 0)
        H5Fclose(file);
    if (!w) {
        snprintf(err, errlen, "%s: cannot open the file for writing (if its run was killed, 'h5clear -s %s' "
                              "clears HDF5's open-for-writing flags)", path, path);
        return ODT_ERR_IO;
    }
    enum odt_status st = ODT_OK;
    if (!open_handles(w)) {
        st = ODT_ERR_VALUE;
        snprintf(err, errlen, "%s: not a snapshot of this version of odtwin (datasets missing)", path);
        goto fail;
    }
    const hsize_t records = complete_records(w);
    hid_t sat = H5Dopen2(w->file, "satellite", H5P_DEFAULT);
    const hsize_t n_file = sat >= 0 ? records_of(sat) : 0;
    if (sat >= 0)
        H5Dclose(sat);
    if (n_file != f->n) {
        st = ODT_ERR_VALUE;
        snprintf(err, errlen, "%s: holds %llu satellites, its scenario builds %zu", path, (unsigned long long)n_file,
                 f->n);
        goto fail;
    }
    if (records == 0) {
        st = ODT_ERR_VALUE;
        snprintf(err, errlen, "%s: no complete snapshot to resume from", path);
        goto fail;
    }
    const hsize_t r = records - 1;
    int64_t rows = 0, frows = 0;
    int ok = read_values(w->d_time, H5T_NATIVE_DOUBLE, r, 1, &rs->t_s);
    ok = ok && read_values(w->d_ecl_rows_at, H5T_NATIVE_INT64, r, 1, &rows);
    ok = ok && read_values(w->d_fail_rows_at, H5T_NATIVE_INT64, r, 1, &frows);
    ok = ok && read_values(w->d_demand, H5T_NATIVE_DOUBLE, r, 1, &rs->demand_tokens);
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf && ok; ++k)
        if (w->on[k])
            ok = read_record(w, w->d_field[k], &fi[k], r, odt_fleet_field_ptr(f, &fi[k]));
    /* the eclipse tracker: open intervals, and the statistics of the rows kept */
    int32_t *cut = malloc(sizeof(int32_t) * (f->n ? f->n : 1));
    ok = ok && cut;
    ok = ok && read_row(w->d_res[RES_UMBRA_START], H5T_NATIVE_DOUBLE, r, f->n, tr->umbra_start);
    ok = ok && read_row(w->d_res[RES_SHADOW_START], H5T_NATIVE_DOUBLE, r, f->n, tr->shadow_start);
    ok = ok && read_row(w->d_res[RES_UMBRA_CUT], H5T_NATIVE_INT32, r, f->n, cut);
    for (size_t i = 0; ok && i < f->n; ++i)
        tr->umbra_cut[i] = (unsigned char)(cut[i] != 0);
    ok = ok && read_row(w->d_res[RES_SHADOW_CUT], H5T_NATIVE_INT32, r, f->n, cut);
    for (size_t i = 0; ok && i < f->n; ++i)
        tr->shadow_cut[i] = (unsigned char)(cut[i] != 0);
    free(cut);
    const size_t nrows = (size_t)(rows > 0 ? rows : 0);
    int32_t *sat_col = malloc(sizeof(int32_t) * (nrows ? nrows : 1)), *kind = malloc(sizeof(int32_t) * (nrows ? nrows : 1));
    int32_t *complete = malloc(sizeof(int32_t) * (nrows ? nrows : 1));
    double *start = malloc(sizeof(double) * (nrows ? nrows : 1)), *end = malloc(sizeof(double) * (nrows ? nrows : 1));
    ok = ok && sat_col && kind && complete && start && end;
    ok = ok && read_values(w->d_ecl[ECL_SATELLITE], H5T_NATIVE_INT32, 0, nrows, sat_col) &&
         read_values(w->d_ecl[ECL_KIND], H5T_NATIVE_INT32, 0, nrows, kind) &&
         read_values(w->d_ecl[ECL_COMPLETE], H5T_NATIVE_INT32, 0, nrows, complete) &&
         read_values(w->d_ecl[ECL_START], H5T_NATIVE_DOUBLE, 0, nrows, start) &&
         read_values(w->d_ecl[ECL_END], H5T_NATIVE_DOUBLE, 0, nrows, end);
    for (size_t q = 0; ok && q < nrows; ++q)
        odt_eclipse_tracker_count(tr, sat_col[q], kind[q], start[q], end[q], complete[q]);
    free(sat_col);
    free(kind);
    free(complete);
    free(start);
    free(end);
    if (!ok) {
        st = h5fail(err, errlen, path, "reading the last complete snapshot");
        goto fail;
    }
    /* drop whatever a killed run wrote after its last complete record */
    if (!trim_to(w, records, nrows, (hsize_t)frows) || attr_string(w->file, "run_status", "running") < 0 ||
        H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        st = h5fail(err, errlen, path, "trimming the file to its last complete snapshot");
        goto fail;
    }
    w->records = records;
    w->ecl_rows = nrows;
    w->fail_rows = (hsize_t)frows;
    rs->records = (long)records;
    rs->eclipse_rows = nrows;
    rs->failure_rows = (size_t)frows;
    if ((st = writer_start(w, err, errlen)) != ODT_OK)
        goto fail;
    *out = w;
    return ODT_OK;
fail:
    writer_free(w);
    return st;
}
