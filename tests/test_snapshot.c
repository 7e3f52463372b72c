/*
 * test_snapshot.c: the HDF5 snapshot file of a run (host/snapshot.c through
 * host/run.c), read back with the HDF5 C API.
 *
 * The run is tests/data/scenarios/small.yaml: 2 planes x 3 slots of circular
 * orbits at 550 km, one hour in 10 s steps, a snapshot every 600 s, so the
 * file holds T = 7 records (t = 0, 600, ..., 3600 s) of N = 6 satellites.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <criterion/criterion.h>

#include "test_util.h"
#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/run.h"
#include "kernels/fleet.h"
#include "orbit/kepler.h"

#define SMALL ODT_TEST_DATA "/scenarios/small.yaml"
#define T_REC 7
#define N_SAT 6

static char tmpdir[256];
static char h5path[512];

static void make_tmpdir(void)
{
    odt_test_mkdtemp(tmpdir, sizeof tmpdir, "snapshot");
    snprintf(h5path, sizeof h5path, "%s/small.h5", tmpdir);
}

static void remove_tmpdir(void) { odt_test_rmtree(tmpdir); }

/* Run small.yaml on the CPU into h5path. */
static void run_small(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    make_tmpdir();
    struct odt_run_summary sum;
    odt_test_run(SMALL, h5path, NULL, 0, 1, &sum);
    cr_assert_eq(sum.satellites, N_SAT);
    cr_assert_eq(sum.steps, 360);
    cr_assert_eq(sum.snapshots, T_REC);
}

/* Run small.yaml with more keys into h5path. */
static void run_small_with(const char *extra)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    make_tmpdir();
    char scen[600];
    snprintf(scen, sizeof scen, "%s/small_plus.yaml", tmpdir);
    odt_test_scenario_plus(SMALL, extra, scen);
    struct odt_run_summary sum;
    odt_test_run(scen, h5path, NULL, 0, 1, &sum);
}


/* String attribute `name` of object obj (relative to loc); malloc'd. */
static char *attr_string(hid_t loc, const char *obj, const char *name)
{
    cr_assert(H5Aexists_by_name(loc, obj, name, H5P_DEFAULT) > 0, "attribute %s of %s is missing", name, obj);
    hsize_t dims[1] = {0};
    H5T_class_t cls;
    size_t size = 0;
    cr_assert_geq(H5LTget_attribute_info(loc, obj, name, dims, &cls, &size), 0);
    cr_assert_eq(cls, H5T_STRING, "attribute %s of %s is not text", name, obj);
    char *buf = calloc(size + 1, 1);
    cr_assert_geq(H5LTget_attribute_string(loc, obj, name, buf), 0);
    return buf;
}

/* Shape of dataset `name`; returns its rank. */
static int shape(hid_t file, const char *name, hsize_t dims[3])
{
    cr_assert(H5Lexists(file, name, H5P_DEFAULT) > 0, "dataset %s is missing", name);
    int rank = 0;
    cr_assert_geq(H5LTget_dataset_ndims(file, name, &rank), 0, "%s", name);
    H5T_class_t cls;
    size_t size;
    cr_assert_geq(H5LTget_dataset_info(file, name, dims, &cls, &size), 0, "%s", name);
    return rank;
}

static double *read_doubles(hid_t file, const char *name, size_t count)
{
    double *buf = malloc(sizeof(double) * count);
    cr_assert_geq(H5LTread_dataset_double(file, name, buf), 0, "reading %s", name);
    return buf;
}

/* ------------------------------------------------------------------ layout */

Test(snapshot, datasets_and_shapes, .fini = remove_tmpdir)
{
    run_small();
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(file, 0, "cannot open %s", h5path);

    static const struct {
        const char *name;
        int rank;
        hsize_t d1, d2;
        const char *units;
    } expect[] = {
        {"position", 3, N_SAT, 3, "km"},
        {"illumination", 2, N_SAT, 0, "1"},  {"solar_power", 2, N_SAT, 0, "W"},
        {"battery_energy", 2, N_SAT, 0, "J"}, {"temperature", 2, N_SAT, 0, "K"},
        {"compute_power", 2, N_SAT, 0, "W"}, {"time", 1, 0, 0, NULL},
    };
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; ++k) {
        hsize_t dims[3] = {0, 0, 0};
        const int rank = shape(file, expect[k].name, dims);
        cr_assert_eq(rank, expect[k].rank, "%s has rank %d", expect[k].name, rank);
        cr_assert_eq(dims[0], T_REC, "%s has %llu records", expect[k].name, (unsigned long long)dims[0]);
        if (rank > 1)
            cr_assert_eq(dims[1], expect[k].d1, "%s", expect[k].name);
        if (rank > 2)
            cr_assert_eq(dims[2], expect[k].d2, "%s", expect[k].name);
        char *u = attr_string(file, expect[k].name, "units");
        if (expect[k].units)
            cr_assert_str_eq(u, expect[k].units, "units of %s", expect[k].name);
        free(u);
    }
    char *tu = attr_string(file, "time", "units");
    cr_assert_str_eq(tu, "seconds since 2026-03-20 12:00:00.000", "CF time units");
    free(tu);

    /* the default record set holds exactly the fields marked for it, each in its storage type; every STATE
       field is in /final (the end state), every PARAM field in /fleet */
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        if (fi[k].role == ODT_FIELD_EVENT)
            continue; /* compacted into the event tables */
        char path[128];
        hsize_t dims[3] = {0, 0, 0};
        if (fi[k].role == ODT_FIELD_PARAM) {
            snprintf(path, sizeof path, "/fleet/%s", fi[k].name);
            if (!strncmp(fi[k].name, "sgp4_", 5)) {
                cr_assert_eq(H5Lexists(file, path, H5P_DEFAULT), 0, "%s: SGP4-only, absent from a Kepler run", path);
                continue;
            }
            shape(file, path, dims);
            cr_assert_eq(dims[0], N_SAT, "%s", path);
        } else {
            snprintf(path, sizeof path, "/%s", fi[k].name);
            if (!fi[k].record) {
                cr_assert_eq(H5Lexists(file, path, H5P_DEFAULT), 0, "%s is not in the default records", path);
            } else {
                const int rank = shape(file, path, dims);
                cr_assert_eq(rank, fi[k].ncomp > 1 ? 3 : 2, "%s", path);
                cr_assert_eq(dims[0], T_REC, "%s", path);
                cr_assert_eq(dims[1], N_SAT, "%s", path);
                hid_t d = H5Dopen2(file, path, H5P_DEFAULT), t = H5Dget_type(d);
                const size_t want = fi[k].storage == ODT_STORE_F64 ? 8 : 4;
                cr_assert_eq(H5Tget_size(t), want, "%s stored in %zu bytes", path, H5Tget_size(t));
                cr_assert_eq(H5Tget_class(t), fi[k].storage == ODT_STORE_I32 ? H5T_INTEGER : H5T_FLOAT, "%s", path);
                H5Tclose(t);
                H5Dclose(d);
                char *u = attr_string(file, path, "units");
                cr_assert_str_eq(u, fi[k].units, "units of %s", path);
                free(u);
            }
            if (fi[k].role != ODT_FIELD_STATE)
                continue;
            snprintf(path, sizeof path, "/final/%s", fi[k].name);
        }
        const int rank = shape(file, path, dims);
        cr_assert_eq(dims[0], N_SAT, "%s", path);
        cr_assert_eq(rank, fi[k].ncomp > 1 ? 2 : 1, "%s", path);
        char *u = attr_string(file, path, "units");
        cr_assert_str_eq(u, fi[k].units, "units of %s", path);
        free(u);
    }
    /* the fleet series: every step and the epoch, one class */
    static const char *const series[] = {"solar_power", "battery_energy", "capacity", "tokens_served",
                                         "satellites_umbra", "payload_temperature_min", "soc_max", "time",
                                         "demand_tokens"};
    for (size_t k = 0; k < sizeof series / sizeof series[0]; ++k) {
        char path[128];
        snprintf(path, sizeof path, "/series/%s", series[k]);
        hsize_t dims[3] = {0, 0, 0};
        const int rank = shape(file, path, dims);
        cr_assert_eq(dims[0], 361, "%s has %llu rows", path, (unsigned long long)dims[0]);
        if (rank == 2)
            cr_assert_eq(dims[1], 1, "%s: one class", path);
    }
    H5Fclose(file);
}

Test(snapshot, file_attributes, .fini = remove_tmpdir)
{
    run_small();
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(file, 0);
    char *text = odt_test_read_text(SMALL);
    char *a = attr_string(file, ".", "scenario");
    cr_assert_str_eq(a, text, "the scenario attribute is the scenario text, verbatim");
    free(a);
    free(text);
    a = attr_string(file, ".", "seed");
    cr_assert_str_eq(a, "42");
    free(a);
    a = attr_string(file, ".", "odtwin_version");
    cr_assert_str_eq(a, ODT_VERSION);
    free(a);
    a = attr_string(file, ".", "epoch_utc");
    cr_assert_str_eq(a, "2026-03-20T12:00:00.000Z");
    free(a);
    a = attr_string(file, ".", "run_status");
    cr_assert_str_eq(a, "complete");
    free(a);
    a = attr_string(file, ".", "backend");
    cr_assert_str_eq(a, "cpu");
    free(a);
    a = attr_string(file, ".", "scenario_file");
    cr_assert_not_null(strstr(a, "small.yaml"), "%s", a);
    free(a);
    H5Fclose(file);
}

Test(snapshot, fleet_group, .fini = remove_tmpdir)
{
    run_small();
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(file, 0);
    cr_assert(H5Lexists(file, "fleet", H5P_DEFAULT) > 0, "no /fleet group");
    int id[N_SAT], plane[N_SAT], slot[N_SAT];
    cr_assert_geq(H5LTread_dataset_int(file, "/fleet/id", id), 0);
    cr_assert_geq(H5LTread_dataset_int(file, "/fleet/plane", plane), 0);
    cr_assert_geq(H5LTread_dataset_int(file, "/fleet/slot", slot), 0);
    for (int i = 0; i < N_SAT; ++i) {
        cr_assert_eq(id[i], i);
        cr_assert_eq(plane[i], i / 3, "satellite %d in plane %d", i, plane[i]);
        cr_assert_eq(slot[i], i % 3, "satellite %d in slot %d", i, slot[i]);
    }
    double a_km[N_SAT];
    cr_assert_geq(H5LTread_dataset_double(file, "/fleet/a_km", a_km), 0);
    for (int i = 0; i < N_SAT; ++i)
        cr_assert_float_eq(a_km[i], 6378.137 + 550.0, 1e-9);
    H5Fclose(file);
}

/* ------------------------------------------------------------------ values */

Test(snapshot, time_axis, .fini = remove_tmpdir)
{
    run_small();
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *t = read_doubles(file, "time", T_REC);
    for (int k = 0; k < T_REC; ++k)
        cr_assert_eq(t[k], 600.0 * k, "time[%d] = %.17g", k, t[k]);
    free(t);
    H5Fclose(file);
}

Test(snapshot, positions_on_circular_orbits, .fini = remove_tmpdir)
{
    run_small_with("snapshot_fields: [position, velocity]\nsnapshot_precision: double\n");
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *r = read_doubles(file, "position", T_REC * N_SAT * 3);
    double *v = read_doubles(file, "velocity", T_REC * N_SAT * 3);
    double *t = read_doubles(file, "time", T_REC);
    double el[9][N_SAT];
    static const char *const names[9] = {"a_km",      "ecc",          "inc_rad",       "raan0_rad",    "argp0_rad",
                                         "m0_rad",    "mdot_rad_s",   "raandot_rad_s", "argpdot_rad_s"};
    for (int e = 0; e < 9; ++e) {
        char path[64];
        snprintf(path, sizeof path, "/fleet/%s", names[e]);
        cr_assert_geq(H5LTread_dataset_double(file, path, el[e]), 0, "%s", path);
    }
    for (int k = 0; k < T_REC; ++k)
        for (int i = 0; i < N_SAT; ++i) {
            const double *ri = &r[((size_t)k * N_SAT + (size_t)i) * 3];
            const double *vi = &v[((size_t)k * N_SAT + (size_t)i) * 3];
            const double rr = sqrt(ri[0] * ri[0] + ri[1] * ri[1] + ri[2] * ri[2]);
            const double vv = sqrt(vi[0] * vi[0] + vi[1] * vi[1] + vi[2] * vi[2]);
            const double a = el[0][i];
            cr_assert_float_eq(rr / a, 1.0, 1e-6, "record %d satellite %d: |r| = %.9f km, a = %.9f km", k, i, rr, a);
            cr_assert_float_eq(vv / sqrt(ODT_EARTH_MU_KM3_S2 / a), 1.0, 1e-6, "record %d satellite %d: |v|", k, i);
            /* the record is [satellite][xyz] in that order: compare with the propagator */
            struct odt_kepler kep = {el[0][i], el[1][i], el[2][i], el[3][i], el[4][i],
                                     el[5][i], el[6][i], el[7][i], el[8][i]};
            double rk[3], vk[3];
            odt_kepler_state(&kep, t[k], ODT_EARTH_MU_KM3_S2, rk, vk);
            for (int c = 0; c < 3; ++c) {
                cr_assert_float_eq(ri[c], rk[c], 1e-9, "record %d satellite %d component %d", k, i, c);
                cr_assert_float_eq(vi[c], vk[c], 1e-12, "record %d satellite %d component %d", k, i, c);
            }
        }
    free(r);
    free(v);
    free(t);
    H5Fclose(file);
}

Test(snapshot, illumination_power_and_initial_state, .fini = remove_tmpdir)
{
    run_small();
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *il = read_doubles(file, "illumination", T_REC * N_SAT);
    double *ps = read_doubles(file, "solar_power", T_REC * N_SAT);
    double *eb = read_doubles(file, "battery_energy", T_REC * N_SAT);
    double *tk = read_doubles(file, "temperature", T_REC * N_SAT);
    double *bh = read_doubles(file, "battery_health", T_REC * N_SAT); /* capacity left, as aged */
    double *pc = read_doubles(file, "compute_power", T_REC * N_SAT);
    int lit = 0, dark = 0;
    for (int k = 0; k < T_REC * N_SAT; ++k) {
        cr_assert(il[k] >= 0.0 && il[k] <= 1.0, "illumination[%d] = %g", k, il[k]);
        cr_assert(il[k] == 0.0 || il[k] == 1.0, "the cylindrical model is 0 or 1, got %g", il[k]);
        lit += il[k] == 1.0;
        dark += il[k] == 0.0;
        cr_assert_geq(ps[k], 0.0);
        if (il[k] == 0.0)
            cr_assert_eq(ps[k], 0.0, "no array power in shadow");
        cr_assert(pc[k] >= 0.0 && pc[k] <= 5600.0, "compute power %g W", pc[k]);
        cr_assert(bh[k] > 0.999 && bh[k] <= 1.0, "an hour ages the battery by less than 0.1 %%: %g", bh[k]);
        cr_assert(eb[k] >= 0.2 * 5000.0 * 3600.0 * bh[k] - 1e-6 && eb[k] <= 0.95 * 5000.0 * 3600.0 + 1e-6,
                  "battery energy %g J outside the SoC window of the aged battery", eb[k]);
        cr_assert(tk[k] > 100.0 && tk[k] < 500.0, "temperature %g K", tk[k]);
    }
    cr_assert_gt(lit, 0, "an hour at 550 km sees sunlight");
    cr_assert_gt(dark, 0, "an hour at 550 km sees an eclipse");
    /* record 0 is the state at the epoch: the initial battery and temperature, unchanged */
    for (int i = 0; i < N_SAT; ++i) {
        /* the default records store both as float32 */
        cr_assert_eq(eb[i], (double)(float)(0.8 * 5000.0 * 3600.0), "initial battery energy %.17g J", eb[i]);
        cr_assert_eq(tk[i], (double)(float)293.15, "initial temperature %.17g K", tk[i]);
    }
    free(il);
    free(ps);
    free(eb);
    free(tk);
    free(bh);
    free(pc);
    H5Fclose(file);
}

/* ------------------------------------------------------------------ failures */

Test(snapshot, output_in_a_missing_folder, .fini = remove_tmpdir)
{
    make_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/no/such/folder/out.h5", tmpdir);
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = SMALL;
    opt.output_path = path;
    opt.backend = "cpu";
    opt.threads = 1;
    opt.quiet = 1;
    struct odt_run_summary sum;
    char err[1024] = "";
    enum odt_status st = odt_run(&opt, &sum, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_IO, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, path), "the message does not name the output path: %s", err);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
    cr_assert_neq(access(path, F_OK), 0, "a file was left at %s", path);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/no", tmpdir);
    struct stat sb;
    cr_assert_neq(stat(dir, &sb), 0, "the run created folders it was not asked to");
}

Test(snapshot, bad_scenario_leaves_no_file, .fini = remove_tmpdir)
{
    make_tmpdir();
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = ODT_TEST_DATA "/scenarios/bad_altitude.yaml";
    opt.output_path = h5path;
    opt.backend = "cpu";
    opt.quiet = 1;
    struct odt_run_summary sum;
    char err[1024] = "";
    enum odt_status st = odt_run(&opt, &sum, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, "bad_altitude.yaml:10:"), "%s", err);
    cr_assert_neq(access(h5path, F_OK), 0, "a file was left at %s", h5path);
}

/* ------------------------------------------------------------------ series, subsets, precision */

/* The fleet series at the record times equal the sums, minima and maxima of the records over satellites. */
Test(snapshot, series_agree_with_the_records, .fini = remove_tmpdir)
{
    run_small_with("snapshot_fields: [solar_power, temperature, battery_energy]\nsnapshot_precision: double\n");
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *ps = read_doubles(file, "solar_power", T_REC * N_SAT);
    double *tk = read_doubles(file, "temperature", T_REC * N_SAT);
    double *st = read_doubles(file, "/series/time", 361);
    double *ss = read_doubles(file, "/series/solar_power", 361);
    double *tmin = read_doubles(file, "/series/payload_temperature_min", 361);
    double *tmax = read_doubles(file, "/series/payload_temperature_max", 361);
    double *tmean = read_doubles(file, "/series/payload_temperature_mean", 361);
    for (int k = 0; k < T_REC; ++k) {
        const int row = 60 * k; /* row 0: the epoch; row q: the end of step q */
        cr_assert_float_eq(st[row], 600.0 * k, 1e-9, "series time of row %d", row);
        double sum = 0.0, lo = HUGE_VAL, hi = -HUGE_VAL, mean = 0.0;
        for (int i = 0; i < N_SAT; ++i) {
            sum += ps[k * N_SAT + i];
            lo = fmin(lo, tk[k * N_SAT + i]);
            hi = fmax(hi, tk[k * N_SAT + i]);
            mean += tk[k * N_SAT + i] / N_SAT;
        }
        /* the series are float32: 6e-8 relative */
        cr_assert(fabs(ss[row] - sum) <= 1e-6 * (fabs(sum) + 1.0), "record %d: solar %g W, series %g W", k, sum, ss[row]);
        cr_assert(fabs(tmin[row] - lo) <= 1e-4 && fabs(tmax[row] - hi) <= 1e-4 && fabs(tmean[row] - mean) <= 1e-4,
                  "record %d: temperatures %g..%g mean %g K, series %g..%g mean %g", k, lo, hi, mean, tmin[row],
                  tmax[row], tmean[row]);
    }
    free(ps);
    free(tk);
    free(st);
    free(ss);
    free(tmin);
    free(tmax);
    free(tmean);
    H5Fclose(file);
}

/* snapshot_satellites: `every 2` records satellites 0, 2, 4 with the values of the full records. */
Test(snapshot, a_subset_of_satellites, .fini = remove_tmpdir)
{
    run_small_with("snapshot_fields: [battery_energy]\nsnapshot_precision: double\n");
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *all = read_doubles(file, "battery_energy", T_REC * N_SAT);
    H5Fclose(file);
    remove_tmpdir();
    run_small_with("snapshot_fields: [battery_energy]\nsnapshot_precision: double\nsnapshot_satellites: every 2\n");
    file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hsize_t dims[3];
    shape(file, "battery_energy", dims);
    cr_assert_eq(dims[1], 3, "3 of 6 satellites recorded");
    int ids[3];
    cr_assert_geq(H5LTread_dataset_int(file, "satellite", ids), 0);
    double *sub = read_doubles(file, "battery_energy", T_REC * 3);
    for (int j = 0; j < 3; ++j) {
        cr_assert_eq(ids[j], 2 * j, "the satellite coordinate names the recorded satellites");
        for (int k = 0; k < T_REC; ++k)
            cr_assert_eq(sub[k * 3 + j], all[k * N_SAT + 2 * j], "record %d satellite %d", k, 2 * j);
    }
    free(all);
    free(sub);
    H5Fclose(file);
}

/* float32 storage of positions keeps them within 0.5 m of the float64 values (7000 km x 2^-24). */
Test(snapshot, float32_positions_within_half_a_metre, .fini = remove_tmpdir)
{
    run_small_with("snapshot_fields: [position]\nsnapshot_precision: double\n");
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *exact = read_doubles(file, "position", T_REC * N_SAT * 3);
    H5Fclose(file);
    remove_tmpdir();
    run_small();
    file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *f32 = read_doubles(file, "position", T_REC * N_SAT * 3);
    double worst = 0.0;
    for (int k = 0; k < T_REC * N_SAT * 3; ++k)
        worst = fmax(worst, fabs(f32[k] - exact[k]));
    cr_assert_leq(worst, 0.5e-3, "largest float32 rounding %g km", worst);
    free(exact);
    free(f32);
    H5Fclose(file);
}

/* The node coordinate is text, so that xarray's .sel(node="payload") works. */
Test(snapshot, node_labels_are_a_string_coordinate, .fini = remove_tmpdir)
{
    run_small_with("snapshot_fields: [node_temperature]\n");
    hid_t file = H5Fopen(h5path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(file, "node", H5P_DEFAULT);
    cr_assert_geq(d, 0);
    hid_t t = H5Dget_type(d);
    cr_assert_eq(H5Tget_class(t), H5T_STRING);
    char *lab[4] = {NULL};
    hid_t mt = H5Tget_native_type(t, H5T_DIR_DEFAULT);
    cr_assert_geq(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab), 0);
    cr_assert_str_eq(lab[2], "payload");
    cr_assert_str_eq(lab[0], "array");
    hid_t sp = H5Dget_space(d);
    H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, lab);
    H5Sclose(sp);
    H5Tclose(mt);
    H5Tclose(t);
    H5Dclose(d);
    hsize_t dims[3];
    cr_assert_eq(shape(file, "node_temperature", dims), 3);
    cr_assert_eq(dims[2], 4);
    H5Fclose(file);
}

/* ------------------------------------------------------------------ the output path */

static enum odt_status run_to(const char *scenario, const char *out, char *err, size_t errlen)
{
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = scenario;
    opt.output_path = out;
    opt.backend = "cpu";
    opt.threads = 1;
    opt.quiet = 1;
    struct odt_run_summary sum;
    enum odt_status st = odt_run(&opt, &sum, err, errlen);
    if (st == ODT_OK)
        odt_run_summary_free(&sum);
    return st;
}

/* The output is never the scenario itself, whatever path names it; nothing of the user's is touched. */
Test(snapshot, output_that_is_the_input_is_refused, .fini = remove_tmpdir)
{
    make_tmpdir();
    char scen[600], link[600], dotted[700];
    snprintf(scen, sizeof scen, "%s/s.yaml", tmpdir);
    snprintf(link, sizeof link, "%s/link.yaml", tmpdir);
    odt_test_scenario_plus(SMALL, "", scen);
    cr_assert_eq(symlink(scen, link), 0);
    snprintf(dotted, sizeof dotted, "%s/./s.yaml", tmpdir);
    char *before = odt_test_read_text(scen);
    const char *outs[] = {scen, link, dotted};
    for (int k = 0; k < 3; ++k) {
        char err[1024] = "";
        cr_assert_neq(run_to(scen, outs[k], err, sizeof err), ODT_OK, "output %s accepted", outs[k]);
        cr_assert_not_null(strstr(err, "scenario"), "%s", err);
        char *after = odt_test_read_text(scen);
        cr_assert_str_eq(after, before, "the scenario was changed through %s", outs[k]);
        free(after);
    }
    free(before);
}

/* An output path that is not a regular file is refused and left alone; a regular file is replaced only
   once the new one exists; a failed run leaves the old file as it was. */
Test(snapshot, output_that_is_not_a_regular_file_is_left_alone, .fini = remove_tmpdir)
{
    make_tmpdir();
    char err[1024] = "";
    cr_assert_neq(run_to(SMALL, "/dev/null", err, sizeof err), ODT_OK);
    cr_assert_not_null(strstr(err, "not a regular file"), "%s", err);
    struct stat sb;
    cr_assert_eq(stat("/dev/null", &sb), 0);
    cr_assert(S_ISCHR(sb.st_mode), "/dev/null is still a device");
    cr_assert_neq(run_to(SMALL, tmpdir, err, sizeof err), ODT_OK, "a folder as output");
    cr_assert_eq(stat(tmpdir, &sb), 0);
    cr_assert(S_ISDIR(sb.st_mode));
    /* an existing file survives a run that fails before its file exists */
    char keep[600];
    snprintf(keep, sizeof keep, "%s/keep.h5", tmpdir);
    FILE *f = fopen(keep, "w");
    fputs("precious\n", f);
    fclose(f);
    cr_assert_neq(run_to(ODT_TEST_DATA "/scenarios/bad_altitude.yaml", keep, err, sizeof err), ODT_OK);
    char *t = odt_test_read_text(keep);
    cr_assert_str_eq(t, "precious\n", "the old file was lost by a failed run");
    free(t);
    /* and is replaced by a run that succeeds */
    cr_assert_eq(run_to(SMALL, keep, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_gt(H5Fis_hdf5(keep), 0);
}

/* An output path of any length the OS accepts is used as given. */
Test(snapshot, long_output_path, .fini = remove_tmpdir)
{
    make_tmpdir();
    char path[1400];
    int at = snprintf(path, sizeof path, "%s/", tmpdir);
    for (int k = 0; k < 5; ++k) {
        at += snprintf(path + at, sizeof path - (size_t)at, "%0200d/", k);
        path[at - 1] = '\0';
        cr_assert_eq(mkdir(path, 0700), 0, "%s", strerror(errno));
        path[at - 1] = '/';
    }
    snprintf(path + at, sizeof path - (size_t)at, "out.h5");
    cr_assert_gt(strlen(path), 1000);
    char err[1024] = "";
    cr_assert_eq(run_to(SMALL, path, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(access(path, F_OK), 0, "the file is at the path given");
}
