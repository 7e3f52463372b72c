/*
 * test_schema.c: the snapshot file of a real run against its documentation
 * (docs/snapshot.md): every dataset of the file is documented there, every
 * per-satellite series the page lists is in the file, and every dataset
 * carries units and long_name (CF); the schema version matches.
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


struct visit {
    const char *doc;
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
    char quoted[160];
    snprintf(quoted, sizeof quoted, "`%s`", base);
    if (!strstr(v->doc, quoted) && !v->undocumented++)
        snprintf(v->first_undocumented, sizeof v->first_undocumented, "%s", name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    const int has_units = H5Aexists(d, "units") > 0, has_name = H5Aexists(d, "long_name") > 0;
    const int is_scale = H5Aexists(d, "CLASS") > 0; /* dimension scales carry long_name only */
    if (!has_name || (!has_units && !is_scale)) {
        if (!v->no_units++)
            snprintf(v->first_no_units, sizeof v->first_no_units, "%s", name);
    }
    H5Dclose(d);
    return 0;
}

Test(schema, every_dataset_is_documented_and_carries_units)
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

    struct visit v = {doc, 0, 0, 0, "", ""};
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_NATIVE, check_dataset, &v, H5O_INFO_BASIC);
    cr_log_info("%d datasets checked", v.datasets);
    cr_assert_gt(v.datasets, 60);
    cr_assert_eq(v.undocumented, 0, "%d datasets missing from docs/snapshot.md, the first %s", v.undocumented,
                 v.first_undocumented);
    cr_assert_eq(v.no_units, 0, "%d datasets without units/long_name, the first %s", v.no_units, v.first_no_units);

    /* the other way: every per-satellite series the page lists is in the file */
    const char *sec = strstr(doc, "## Per-satellite series");
    cr_assert_not_null(sec);
    const char *end = strstr(sec + 1, "\n## ");
    int listed = 0;
    for (const char *p = strstr(sec, "\n| `"); p && (!end || p < end); p = strstr(p + 1, "\n| `")) {
        char name[96];
        if (sscanf(p, "\n| `%95[^`]`", name) == 1) {
            ++listed;
            cr_assert_gt(H5Lexists(f, name, H5P_DEFAULT), 0, "docs/snapshot.md lists %s, the file lacks it", name);
        }
    }
    cr_assert_gt(listed, 40);
    H5Fclose(f);
    free(doc);
    odt_test_rmtree(dir);
}

/* snapshot_fields keeps the outputs named (and every state field); snapshot_compression 0 writes no filter. */
Test(schema, snapshot_fields_and_compression)
{
    char dir[200];
    odt_test_mkdtemp(dir, sizeof dir, "schema");
    char scen[256], out[256];
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/s.h5", dir);
    FILE *f = fopen(scen, "w");
    fputs("name: fields\nepoch: 2026-03-20T12:00:00Z\nduration_s: 3600\nstep_s: 10\nsnapshot_interval_s: 600\n"
          "snapshot_compression: 0\nsnapshot_fields: [solar_power, position]\n"
          "fleet:\n  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 20, slots: 30}\n",
          f);
    fclose(f);
    struct odt_run_summary sum;
    odt_test_run(scen, out, NULL, 0, 1, &sum);
    hid_t h = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(h, 0);
    cr_assert_gt(H5Lexists(h, "solar_power", H5P_DEFAULT), 0);
    cr_assert_gt(H5Lexists(h, "position", H5P_DEFAULT), 0);
    cr_assert_eq(H5Lexists(h, "load_power", H5P_DEFAULT), 0, "an output not asked for is left out");
    cr_assert_gt(H5Lexists(h, "battery_energy", H5P_DEFAULT), 0, "state fields are always written");
    cr_assert_gt(H5Lexists(h, "tokens_served", H5P_DEFAULT), 0);
    hid_t d = H5Dopen2(h, "battery_energy", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(d);
    cr_assert_eq(H5Pget_nfilters(dcpl), 0, "snapshot_compression 0: no filter");
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Fclose(h);
    odt_test_rmtree(dir);
}
