/* snapshot.c: HDF5 snapshot writer. */
#include "host/snapshot.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ODT_CHUNK_BYTES (1u << 20) /* aim for chunks of about 1 MiB */
#define ODT_DEFLATE_LEVEL 4

struct odt_snapshot_writer {
    hid_t file;
    hid_t d_time, d_era, d_sun;
    hid_t d_ecl[6];     /* /eclipses: satellite, kind, start, end, duration, complete */
    hsize_t ecl_rows;
    hid_t *d_field; /* one per fleet field (H5I_INVALID_HID for PARAM fields) */
    int nf;
    size_t n;
    hsize_t records;
    double *scratch; /* n * (largest component count) doubles for interleaving vectors */
    char path[512];
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

/* A chunked, compressed, extendible dataset [0, dims[1..rank-1]] growing along dim 0. */
static hid_t create_series(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, size_t elem)
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
    /* One record per chunk, so that appending never rewrites (and recompresses) a chunk
     * written before; a large fleet splits the satellite axis into ~1 MiB slices. */
    if (rank == 1) {
        chunk[0] = 1024;
    } else if (row > ODT_CHUNK_BYTES) {
        hsize_t per = ODT_CHUNK_BYTES / (row / chunk[1]);
        chunk[1] = per ? per : 1;
    }
    hid_t space = H5Screate_simple(rank, cur, max);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, ODT_DEFLATE_LEVEL);
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

static herr_t attrs(hid_t d, const char *units, const char *long_name)
{
    herr_t a = attr_string(d, "units", units);
    herr_t b = attr_string(d, "long_name", long_name);
    return a < 0 || b < 0 ? -1 : 0;
}

/* Append one record (rank-1 row of `count` elements) to dataset d. */
static herr_t append(hid_t d, hid_t memtype, hsize_t record, const void *buf)
{
    hid_t space = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(space);
    hsize_t dims[3];
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    dims[0] = record + 1;
    if (H5Dset_extent(d, dims) < 0)
        return -1;
    space = H5Dget_space(d);
    hsize_t start[3] = {record, 0, 0}, count[3] = {1, dims[1], rank > 2 ? dims[2] : 1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t mem = H5Screate_simple(rank, count, NULL);
    herr_t st = H5Dwrite(d, memtype, mem, space, H5P_DEFAULT, buf);
    H5Sclose(mem);
    H5Sclose(space);
    return st;
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

static herr_t write_static(hid_t g, const char *name, hid_t type, size_t n, int ncomp, const void *data,
                           const char *units, const char *long_name)
{
    hsize_t dims[2] = {n, (hsize_t)ncomp};
    if (H5LTmake_dataset(g, name, ncomp > 1 ? 2 : 1, dims, type, data) < 0)
        return -1;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    herr_t st = attrs(d, units, long_name);
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
#define ODT_CLASS_COLUMN(name, units, desc, expr)                                                                 \
    for (size_t c = 0; c < nc; ++c) {                                                                            \
        const struct odt_sat_class *k = &m->classes[c];                                                          \
        v[c] = (expr);                                                                                           \
    }                                                                                                            \
    bad |= write_static(g, name, H5T_NATIVE_DOUBLE, nc, 1, v, units, desc) < 0;
    ODT_CLASS_COLUMN("array_area_m2", "m2", "solar array area", k->array.area_m2)
    ODT_CLASS_COLUMN("array_efficiency", "1", "cells x packing x power conditioning at the reference temperature",
                     k->array.cell_efficiency * k->array.packing_factor * k->array.pcu_efficiency)
    ODT_CLASS_COLUMN("compute_power_w", "W", "compute payload power asked for", k->node.compute_power_w)
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
    H5Gclose(g);
    return bad ? -1 : 0;
}

static void writer_free(struct odt_snapshot_writer *w)
{
    if (!w)
        return;
    for (int k = 0; k < w->nf; ++k)
        if (w->d_field[k] > 0)
            H5Dclose(w->d_field[k]);
    if (w->d_time > 0)
        H5Dclose(w->d_time);
    if (w->d_era > 0)
        H5Dclose(w->d_era);
    if (w->d_sun > 0)
        H5Dclose(w->d_sun);
    for (int k = 0; k < 6; ++k)
        if (w->d_ecl[k] > 0)
            H5Dclose(w->d_ecl[k]);
    if (w->file > 0)
        H5Fclose(w->file);
    free(w->d_field);
    free(w->scratch);
    free(w);
}

enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, char *err, size_t errlen)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported by status, not printed by the library */
    struct odt_snapshot_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    const struct odt_field_info *fi = odt_fleet_fields(&w->nf);
    w->n = f->n;
    w->d_field = calloc((size_t)w->nf, sizeof *w->d_field);
    int max_comp = 1;
    for (int k = 0; k < w->nf; ++k)
        if (fi[k].role != ODT_FIELD_PARAM && fi[k].role != ODT_FIELD_EVENT && fi[k].ncomp > max_comp)
            max_comp = fi[k].ncomp;
    w->scratch = malloc(sizeof(double) * (size_t)max_comp * (f->n ? f->n : 1));
    if (!w->d_field || !w->scratch) {
        writer_free(w);
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    w->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (w->file < 0) {
        writer_free(w);
        snprintf(err, errlen, "%s: cannot create the output file (check that the folder exists and is writable)",
                 path);
        return ODT_ERR_IO;
    }
    hid_t root = w->file;
    char units[128];
    char seed[32];
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

    /* static fleet data */
    hid_t g = H5Gcreate2(root, "fleet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= g < 0;
    if (g >= 0) {
        bad |= write_static(g, "id", H5T_NATIVE_INT32, m->n, 1, m->id, "1", "satellite id") < 0;
        bad |= write_static(g, "shell", H5T_NATIVE_INT32, m->n, 1, m->shell, "1", "index of the fleet entry") < 0;
        bad |= write_static(g, "plane", H5T_NATIVE_INT32, m->n, 1, m->plane, "1", "orbital plane in the entry") < 0;
        bad |= write_static(g, "slot", H5T_NATIVE_INT32, m->n, 1, m->slot, "1", "slot in the plane") < 0;
        bad |= write_static(g, "catalog_number", H5T_NATIVE_INT32, m->n, 1, m->catalog_number, "1",
                            "NORAD catalogue number (-1: generated satellite)") < 0;
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, ODT_SAT_NAME_LEN);
        H5Tset_strpad(st, H5T_STR_NULLTERM);
        bad |= write_static(g, "name", st, m->n, 1, m->name, "1", "satellite name") < 0;
        H5Tclose(st);
        for (int k = 0; k < w->nf; ++k)
            if (fi[k].role == ODT_FIELD_PARAM)
                bad |= write_static(g, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, f->n,
                                    fi[k].ncomp, odt_fleet_field_ptr(f, &fi[k]), fi[k].units,
                                    fi[k].description) < 0;
        char names[4096] = "";
        for (int s = 0; s < sc->n_shells; ++s) {
            strncat(names, s ? "," : "", sizeof names - strlen(names) - 1);
            strncat(names, sc->shells[s].name, sizeof names - strlen(names) - 1);
        }
        bad |= attr_string(g, "shell_names", names) < 0;
        H5Gclose(g);
    }

    bad |= write_classes(root, sc, m) < 0;

    /* the eclipse table: one row per interval */
    hid_t ge = H5Gcreate2(root, "eclipses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= ge < 0;
    if (ge >= 0) {
        static const char *const names[6] = {"satellite", "kind", "start", "end", "duration", "complete"};
        static const char *const ecl_units[6] = {"1", "1", "s", "s", "s", "1"};
        static const char *const meaning[6] = {
            "satellite index", "1: umbra (Sun fully hidden); 2: shadow (any part of the Sun hidden)",
            "start, s since the epoch", "end, s since the epoch", "duration", "1: both ends seen; 0: cut by the run"};
        hsize_t edims[1] = {0};
        for (int k = 0; k < 6; ++k) {
            const int is_int = k == 0 || k == 1 || k == 5;
            w->d_ecl[k] = create_series(ge, names[k], is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, 1, edims,
                                        is_int ? sizeof(int32_t) : sizeof(double));
            bad |= w->d_ecl[k] < 0 || attrs(w->d_ecl[k], ecl_units[k], meaning[k]) < 0;
        }
        bad |= attr_string(ge, "model", sc->shadow_model == ODT_SHADOW_CONICAL ? "conical" : "cylindrical") < 0;
        H5Gclose(ge);
    }

    /* time series */
    hsize_t dims[3] = {0, f->n, 3};
    w->d_time = create_series(root, "time", H5T_NATIVE_DOUBLE, 1, dims, sizeof(double));
    bad |= w->d_time < 0 || attrs(w->d_time, units, "time since the scenario epoch (TT seconds)") < 0;
    bad |= attr_string(w->d_time, "calendar", "standard") < 0;
    bad |= attr_string(w->d_time, "epoch_utc", sc->epoch.iso) < 0;
    w->d_era = create_series(root, "earth_rotation_angle", H5T_NATIVE_DOUBLE, 1, dims, sizeof(double));
    bad |= w->d_era < 0 || attrs(w->d_era, "rad", "Earth rotation angle (IAU 2000), UT1 = UTC") < 0;
    hsize_t sdims[2] = {0, 3};
    w->d_sun = create_series(root, "sun_direction", H5T_NATIVE_DOUBLE, 2, sdims, sizeof(double));
    bad |= w->d_sun < 0 || attrs(w->d_sun, "1", "unit vector Earth to Sun, GCRS axes") < 0;
    for (int k = 0; k < w->nf; ++k) {
        if (fi[k].role == ODT_FIELD_PARAM || fi[k].role == ODT_FIELD_EVENT) {
            w->d_field[k] = H5I_INVALID_HID;
            continue;
        }
        hsize_t fdims[3] = {0, f->n, (hsize_t)fi[k].ncomp};
        w->d_field[k] = create_series(root, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE,
                                      fi[k].ncomp > 1 ? 3 : 2, fdims, fi[k].elem_size);
        bad |= w->d_field[k] < 0 || attrs(w->d_field[k], fi[k].units, fi[k].description) < 0;
    }
    if (bad || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        writer_free(w);
        remove(path);
        return h5fail(err, errlen, path, "creating the file's datasets");
    }
    *out = w;
    return ODT_OK;
}

enum odt_status odt_snapshot_append(struct odt_snapshot_writer *w, const struct odt_step_input *in,
                                    const struct odt_fleet *f, char *err, size_t errlen)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const hsize_t r = w->records;
    int bad = 0;
    bad |= append(w->d_time, H5T_NATIVE_DOUBLE, r, &in->t_s) < 0;
    bad |= append(w->d_era, H5T_NATIVE_DOUBLE, r, &in->era_rad) < 0;
    bad |= append(w->d_sun, H5T_NATIVE_DOUBLE, r, in->sun_unit) < 0;
    for (int k = 0; k < nf && !bad; ++k) {
        if (fi[k].role == ODT_FIELD_PARAM || fi[k].role == ODT_FIELD_EVENT)
            continue;
        const void *data = odt_fleet_field_ptr(f, &fi[k]);
        if (fi[k].ncomp > 1)
            data = interleave(w, (const double *)data, fi[k].ncomp);
        bad |= append(w->d_field[k], fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, r, data) < 0;
    }
    if (bad || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        return h5fail(err, errlen, w->path, "appending a snapshot (disk full?)");
    w->records = r + 1;
    return ODT_OK;
}

enum odt_status odt_snapshot_append_eclipses(struct odt_snapshot_writer *w, const struct odt_eclipse_row *rows,
                                             size_t n, char *err, size_t errlen)
{
    if (n == 0)
        return ODT_OK;
    int32_t *iv = malloc(sizeof(int32_t) * n);
    double *dv = malloc(sizeof(double) * n);
    if (!iv || !dv) {
        free(iv);
        free(dv);
        snprintf(err, errlen, "%s: out of memory", w->path);
        return ODT_ERR_NOMEM;
    }
    int bad = 0;
    for (int k = 0; k < 6 && !bad; ++k) {
        const int is_int = k == 0 || k == 1 || k == 5;
        for (size_t r = 0; r < n; ++r) {
            if (is_int)
                iv[r] = k == 0 ? rows[r].satellite : k == 1 ? rows[r].kind : rows[r].complete;
            else
                dv[r] = k == 2 ? rows[r].start_s : k == 3 ? rows[r].end_s : rows[r].end_s - rows[r].start_s;
        }
        hid_t space = H5Dget_space(w->d_ecl[k]);
        hsize_t cur;
        H5Sget_simple_extent_dims(space, &cur, NULL);
        H5Sclose(space);
        hsize_t total = cur + n, start = cur, count = n;
        bad |= H5Dset_extent(w->d_ecl[k], &total) < 0;
        space = H5Dget_space(w->d_ecl[k]);
        H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, NULL, &count, NULL);
        hid_t mem = H5Screate_simple(1, &count, NULL);
        bad |= H5Dwrite(w->d_ecl[k], is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT,
                        is_int ? (const void *)iv : (const void *)dv) < 0;
        H5Sclose(mem);
        H5Sclose(space);
    }
    free(iv);
    free(dv);
    if (bad || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        return h5fail(err, errlen, w->path, "appending eclipse rows");
    w->ecl_rows += n;
    return ODT_OK;
}

enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen)
{
    if (!w)
        return ODT_OK;
    int bad = attr_string(w->file, "run_status", run_status) < 0;
    const unsigned long nrec = (unsigned long)w->records;
    bad |= H5LTset_attribute_ulong(w->file, ".", "snapshots", &nrec, 1) < 0;
    char path[512];
    snprintf(path, sizeof path, "%s", w->path);
    writer_free(w);
    if (bad)
        return h5fail(err, errlen, path, "closing the file");
    return ODT_OK;
}
