/*
 * test_schema.c: the snapshot file of a real run against its documentation
 * (docs/snapshot.md): every dataset of the file is a row of one of its tables
 * (or a scale of its Dimensions table); every
 * dataset the page's tables list is in the file with the shape, type and
 * units the table gives (records: the default set is there, the others are
 * not, and a run that asks for every field has each as documented); every
 * dataset carries units and long_name (CF); the schema version matches.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <criterion/criterion.h>

#include "test_util.h"
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/run.h"
#include "host/snapshot.h"

/* The paths the page's tables matched in the file (filled by check_tables). */
struct rows_seen {
    char path[256][160];
    int n;
};

static int row_seen(const struct rows_seen *r, const char *path)
{
    for (int k = 0; k < r->n; ++k)
        if (!strcmp(r->path[k], path))
            return 1;
    return 0;
}

/* A dimension scale the page's Dimensions table names: "| `/series/class`, `/classes/class` |" or, for the
   root scales, "| `time` | ... | `/time`...". */
static int dimension_documented(const char *doc, const char *path)
{
    const char *sec = strstr(doc, "## Dimensions");
    const char *end = sec ? strstr(sec + 3, "\n## ") : NULL;
    if (!sec || !end)
        return 0;
    char quoted[112];
    snprintf(quoted, sizeof quoted, "`/%s`", path);
    const char *hit = strstr(sec, quoted);
    return hit && hit < end;
}

struct visit {
    const char *doc;
    const struct rows_seen *rows;
    int datasets, undocumented, no_units;
    char first_undocumented[128], first_no_units[128];
};

static herr_t check_dataset(hid_t loc, const char *name, const H5O_info_t *info, void *vctx)
{
    struct visit *v = (struct visit *)vctx;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    v->datasets++;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    const int has_units = H5Aexists(d, "units") > 0, has_name = H5Aexists(d, "long_name") > 0;
    const int is_scale = H5Aexists(d, "CLASS") > 0; /* dimension scales carry long_name only */
    /* documented: a row of one of the page's tables (checked there for shape, type and units), or a
       dimension scale of the Dimensions table */
    char path[160];
    snprintf(path, sizeof path, "/%s", name);
    const int documented = row_seen(v->rows, path) || (is_scale && dimension_documented(v->doc, name));
    if (!documented && !v->undocumented++)
        snprintf(v->first_undocumented, sizeof v->first_undocumented, "%s", name);
    const int is_name = !strcmp(base, "name");       /* satellite names: text, no units */
    if (!has_name || (!has_units && !is_scale && !is_name)) {
        if (!v->no_units++)
            snprintf(v->first_no_units, sizeof v->first_no_units, "%s", name);
    }
    H5Dclose(d);
    return 0;
}

/* Sizes of the documented dimension symbols in a file. */
struct dims_of {
    hsize_t T, M, N, R, C, E, F, L;
};

static hsize_t symbol(const struct dims_of *d, const char *s)
{
    if (!strcmp(s, "T"))
        return d->T;
    if (!strcmp(s, "M"))
        return d->M;
    if (!strcmp(s, "N"))
        return d->N;
    if (!strcmp(s, "R"))
        return d->R;
    if (!strcmp(s, "C"))
        return d->C;
    if (!strcmp(s, "E"))
        return d->E;
    if (!strcmp(s, "F"))
        return d->F;
    if (!strcmp(s, "L"))
        return d->L;
    if (!strcmp(s, "xyz"))
        return 3;
    if (!strcmp(s, "node"))
        return 4;
    return (hsize_t)strtoull(s, NULL, 10);
}

static hsize_t len1(hid_t f, const char *name)
{
    hsize_t d[3] = {0, 0, 0};
    H5T_class_t c;
    size_t sz;
    cr_assert_geq(H5LTget_dataset_info(f, name, d, &c, &sz), 0, "%s", name);
    return d[0];
}

/* Check one table row `| `name` | [shape] | type | units | ...` of group prefix against file f. Returns 1 when
   the dataset exists (0 when absent and allowed to be). */
static int check_row(hid_t f, const struct dims_of *dm, const char *prefix, const char *row, int must_exist,
                     char *path_out, size_t path_len)
{
    char name[96], shape[64], type[32], units[96];
    if (sscanf(row, "| `%95[^`]` | [%63[^]]] | %31[^ |] | %95[^|]|", name, shape, type, units) != 4)
        return -1;
    char *e = units + strlen(units);
    while (e > units && e[-1] == ' ')
        *--e = '\0';
    char path[160];
    snprintf(path, sizeof path, "%s%s", prefix, name);
    snprintf(path_out, path_len, "%s", path);
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0) {
        cr_assert(!must_exist, "docs/snapshot.md lists %s, the file lacks it", path);
        return 0;
    }
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    hid_t sp = H5Dget_space(d), t = H5Dget_type(d);
    hsize_t dims[4] = {0};
    const int rank = H5Sget_simple_extent_ndims(sp);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    int r = 0;
    for (char *tok = strtok(shape, ", "); tok; tok = strtok(NULL, ", "), ++r) {
        cr_assert_lt(r, rank, "%s: documented with more dimensions than its rank %d", path, rank);
        cr_assert_eq(dims[r], symbol(dm, tok), "%s: dimension %d is %llu, documented %s", path, r,
                     (unsigned long long)dims[r], tok);
    }
    cr_assert_eq(r, rank, "%s: rank %d, documented %d", path, rank, r);
    const H5T_class_t cl = H5Tget_class(t);
    const size_t sz = H5Tget_size(t);
    if (!strncmp(type, "float", 5))
        cr_assert(cl == H5T_FLOAT && sz * 8 == (size_t)atoi(type + 5), "%s: stored as %s? class %d size %zu", path,
                  type, (int)cl, sz);
    else if (!strncmp(type, "int", 3))
        cr_assert(cl == H5T_INTEGER && sz * 8 == (size_t)atoi(type + 3), "%s: stored as %s? size %zu", path, type,
                  sz);
    else
        cr_assert_eq(cl, H5T_STRING, "%s: %s", path, type);
    if (units[0] && strcmp(units, "-") != 0) {
        char got[160] = "";
        cr_assert_geq(H5LTget_attribute_string(f, path, "units", got), 0, "%s has no units", path);
        if (!strcmp(units, "seconds since the epoch"))
            cr_assert(!strncmp(got, "seconds since ", 14), "%s: units %s", path, got);
        else
            cr_assert_str_eq(got, units, "units of %s", path);
    }
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    return 1;
}

/* Walk the tables of the page: the group each section's rows live in, and whether they must exist. */
static int check_tables(hid_t f, const char *doc, const struct dims_of *dm, int all_records, struct rows_seen *seen)
{
    int checked = 0;
    const char *prefix = NULL;
    int records = 0;
    for (const char *p = doc; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, "## ", 3)) {
            records = 0;
            prefix = !strncmp(p, "## Record bookkeeping", 21)      ? "/"
                     : !strncmp(p, "## Per-satellite records", 24) ? (records = 1, "/")
                     : !strncmp(p, "## Fleet series", 15)          ? "/series/"
                     : !strncmp(p, "## End state", 12)             ? "/final/"
                     : !strncmp(p, "## Static fleet data", 20)     ? "/fleet/"
                     : !strncmp(p, "## Per-class parameters", 23)  ? "/classes/"
                                                                   : NULL;
        } else if (!strncmp(p, "`/eclipses` [", 13)) {
            prefix = "/eclipses/";
        } else if (!strncmp(p, "`/failures` [", 13)) {
            prefix = "/failures/";
        } else if (!strncmp(p, "`/launches` [", 13)) {
            prefix = "/launches/";
        } else if (prefix && !strncmp(p, "| `", 3)) {
            char row[512];
            const char *nl = strchr(p, '\n');
            const size_t n = nl ? (size_t)(nl - p) : strlen(p);
            snprintf(row, sizeof row, "%.*s", (int)(n < sizeof row ? n : sizeof row - 1), p);
            int must = 1;
            if (records)
                must = all_records || strstr(row, "| yes |") != NULL;
            if (!strncmp(prefix, "/fleet/", 7) && strstr(row, "`sgp4_"))
                must = 0; /* SGP4 runs only */
            char path[160] = "";
            const int got = check_row(f, dm, prefix, row, must, path, sizeof path);
            cr_assert_neq(got, -1, "cannot read the table row: %s", row);
            if (got == 1 && seen) {
                cr_assert_lt(seen->n, (int)(sizeof seen->path / sizeof seen->path[0]));
                snprintf(seen->path[seen->n++], sizeof seen->path[0], "%s", path);
            }
            if (records && !all_records && !must)
                cr_assert_eq(got, 0, "%s%.*s is recorded though not in the default set", prefix, 30, row);
            checked += got;
        }
    }
    return checked;
}

static void dims_of_file(hid_t f, struct dims_of *d)
{
    d->T = len1(f, "time");
    d->M = len1(f, "satellite");
    d->N = len1(f, "fleet/satellite");
    d->R = len1(f, "series/time");
    d->C = len1(f, "series/class");
    d->E = len1(f, "eclipses/eclipse");
    d->F = len1(f, "failures/failure");
    d->L = len1(f, "launches/launch");
}

Test(schema, every_dataset_is_documented_with_its_shape_type_and_units)
{
    char dir[200];
    odt_test_mkdtemp(dir, sizeof dir, "schema");
    char out[256];
    snprintf(out, sizeof out, "%s/s.h5", dir);
    struct odt_run_summary sum;
    odt_test_run(ODT_TEST_DATA "/scenarios/small.yaml", out, NULL, 0, 1, &sum);

    char *doc = odt_test_read_text(ODT_SOURCE_DIR "/docs/snapshot.md");
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    char version[32] = "";
    cr_assert_geq(H5LTget_attribute_string(f, ".", "odtwin_schema_version", version), 0);
    cr_assert_str_eq(version, ODT_SNAPSHOT_SCHEMA_VERSION);
    char title[64];
    snprintf(title, sizeof title, "(schema %s)", ODT_SNAPSHOT_SCHEMA_VERSION);
    cr_assert_not_null(strstr(doc, title), "docs/snapshot.md documents schema %s", ODT_SNAPSHOT_SCHEMA_VERSION);

    struct dims_of dm;
    dims_of_file(f, &dm);
    static struct rows_seen seen;
    seen.n = 0;
    const int checked = check_tables(f, doc, &dm, 0, &seen);
    cr_log_info("%d table rows checked against the file", checked);
    cr_assert_gt(checked, 90);

    struct visit v = {doc, &seen, 0, 0, 0, "", ""};
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, check_dataset, &v, H5O_INFO_BASIC);
    cr_log_info("%d datasets checked", v.datasets);
    cr_assert_gt(v.datasets, 60);
    cr_assert_eq(v.undocumented, 0, "%d datasets missing from docs/snapshot.md, the first %s", v.undocumented,
                 v.first_undocumented);
    cr_assert_eq(v.no_units, 0, "%d datasets without units/long_name, the first %s", v.no_units, v.first_no_units);
    H5Fclose(f);
    free(doc);
    odt_test_rmtree(dir);
}

/* Every per-satellite field can be recorded, each as documented; a subset of satellites sets M. */
Test(schema, every_field_recorded_as_documented)
{
    char dir[200];
    odt_test_mkdtemp(dir, sizeof dir, "schema");
    char scen[256], out[256];
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/s.h5", dir);
    char list[4096] = "snapshot_fields: [";
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    int first = 1;
    for (int k = 0; k < nf; ++k)
        if (fi[k].role == ODT_FIELD_STATE || fi[k].role == ODT_FIELD_OUT) {
            strcat(list, first ? "" : ", ");
            strcat(list, fi[k].name);
            first = 0;
        }
    strcat(list, "]\nsnapshot_satellites: every 4\n");
    odt_test_scenario_plus(ODT_TEST_DATA "/scenarios/small.yaml", list, scen);
    struct odt_run_summary sum;
    odt_test_run(scen, out, NULL, 0, 1, &sum);
    char *doc = odt_test_read_text(ODT_SOURCE_DIR "/docs/snapshot.md");
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    struct dims_of dm;
    dims_of_file(f, &dm);
    cr_assert_eq(dm.M, 2, "every 4 of 6 satellites: 0 and 4");
    const int checked = check_tables(f, doc, &dm, 1, NULL);
    cr_assert_gt(checked, 100);
    H5Fclose(f);
    free(doc);
    odt_test_rmtree(dir);
}

/* snapshot_fields keeps exactly the fields named; snapshot_compression 0 writes no filter, 1 shuffle + deflate. */
Test(schema, snapshot_fields_and_compression)
{
    char dir[200];
    odt_test_mkdtemp(dir, sizeof dir, "schema");
    char scen[256], out[256];
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/s.h5", dir);
    for (int level = 0; level <= 1; ++level) {
        FILE *f = fopen(scen, "w");
        fprintf(f, "name: fields\nepoch: 2026-03-20T12:00:00Z\nduration_s: 3600\nstep_s: 10\n"
                   "snapshot_interval_s: 600\nsnapshot_compression: %d\nsnapshot_fields: [solar_power, position]\n"
                   "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 20, slots: 30}\n",
                level);
        fclose(f);
        struct odt_run_summary sum;
        odt_test_run(scen, out, NULL, 0, 1, &sum);
        hid_t h = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
        cr_assert_geq(h, 0);
        cr_assert_gt(H5Lexists(h, "solar_power", H5P_DEFAULT), 0);
        cr_assert_gt(H5Lexists(h, "position", H5P_DEFAULT), 0);
        cr_assert_eq(H5Lexists(h, "load_power", H5P_DEFAULT), 0, "a field not asked for is left out");
        cr_assert_eq(H5Lexists(h, "battery_energy", H5P_DEFAULT), 0, "state fields are in the checkpoints now");
        cr_assert_gt(H5Lexists(h, "final/battery_energy", H5P_DEFAULT), 0, "and in /final");
        hid_t d = H5Dopen2(h, "solar_power", H5P_DEFAULT);
        hid_t dcpl = H5Dget_create_plist(d);
        if (level == 0) {
            cr_assert_eq(H5Pget_nfilters(dcpl), 0, "snapshot_compression 0: no filter");
        } else {
            cr_assert_eq(H5Pget_nfilters(dcpl), 2, "shuffle + deflate");
            unsigned flags, cd[4];
            size_t ncd = 4;
            cr_assert_eq(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
            ncd = 4;
            cr_assert_eq(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
        }
        H5Pclose(dcpl);
        H5Dclose(d);
        H5Fclose(h);
    }
    odt_test_rmtree(dir);
}
