/*
 * test_report.c: `odtwin report` (host/report.c) against sums computed here
 * from the snapshot file (schema 2.x) with the HDF5 API, and on bad files.
 *
 * The run is tests/data/scenarios/small.yaml made three hours long with the
 * conical shadow (written to a temporary folder), so that the fleet of 6
 * satellites at 550 km passes through complete umbras and penumbral shadows:
 * 19 records (every 600 s, the epoch included), 1081 rows of the fleet
 * series (every step), about 10 complete eclipses of each kind. The default
 * record set holds no cumulative field: the end-state figures are checked
 * against /final, the time-resolved ones against /series, and the
 * per-satellite record figures against a second run that records
 * node_temperature, compute_power, latency and served_rate of 3 of the 6
 * satellites (snapshot_fields, snapshot_satellites).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, popen, fileno */
#include <criterion/criterion.h>

#include "test_util.h"
#include <criterion/redirect.h>
#include <errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/report.h"
#include "host/run.h"
#include "power_thermal/ground.h"

#define SMALL ODT_TEST_DATA "/scenarios/small.yaml"
#define YEAR_S (365.2422 * 86400.0)

static char tmpdir[256];
static char h5path[600];
static char scratch[8][600]; /* other files of a test, removed with the folder */
static int n_scratch;

static const char *scratch_path(const char *name)
{
    cr_assert_lt(n_scratch, 8);
    snprintf(scratch[n_scratch], sizeof scratch[0], "%s/%s", tmpdir, name);
    return scratch[n_scratch++];
}

static void make_tmpdir(void)
{
    odt_test_mkdtemp(tmpdir, sizeof tmpdir, "report");
    snprintf(h5path, sizeof h5path, "%s/run.h5", tmpdir);
}

static void cleanup(void)
{
    /* the folder and everything in it: the run leaves its checkpoints (run.h5.ckpt-0, -1) beside the file */
    if (tmpdir[0])
        odt_test_rmtree(tmpdir);
    tmpdir[0] = '\0';
    n_scratch = 0;
}


/* Replace the first `from` in text (malloc'd) by `to`; returns the new text. */
static char *replace(char *text, const char *from, const char *to)
{
    char *p = strstr(text, from);
    cr_assert_not_null(p, "'%s' not found in the scenario", from);
    const size_t a = (size_t)(p - text), lf = strlen(from), lt = strlen(to), n = strlen(text);
    char *out = malloc(n - lf + lt + 1);
    memcpy(out, text, a);
    memcpy(out + a, to, lt);
    memcpy(out + a + lt, p + lf, n - a - lf + 1);
    free(text);
    return out;
}

/* Run small.yaml, 3 h, conical shadow, with the scenario lines `extra` appended (NULL: none), on the CPU into
   h5path. */
static void run_small_sum(const char *extra, struct odt_run_summary *sum);
static void run_small_with(const char *extra)
{
    struct odt_run_summary sum;
    run_small_sum(extra, &sum);
}

/* The same, keeping the summary's figures (its strings are freed). */
static void run_small_sum(const char *extra, struct odt_run_summary *sum_out)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    make_tmpdir();
    char *text = odt_test_read_text(SMALL);
    text = replace(text, "duration_s: 3600", "duration_s: 10800");
    text = replace(text, "shadow: cylindrical", "shadow: conical");
    char ypath[700];
    snprintf(ypath, sizeof ypath, "%s/report.yaml", tmpdir);
    FILE *f = fopen(ypath, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    if (extra)
        fputs(extra, f);
    fclose(f);
    free(text);
    struct odt_run_summary sum;
    odt_test_run(ypath, h5path, NULL, 0, 1, &sum); /* frees the summary's strings */
    cr_assert_eq(sum.satellites, 6);
    cr_assert_eq(sum.snapshots, 19);
    *sum_out = sum;
}

static void run_small(void)
{
    run_small_with(NULL);
}

/* The record satellites and fields of the second run. */
#define SUBSET_YAML                                                                                              \
    "snapshot_fields: [node_temperature, temperature, compute_power, latency, served_rate]\n"                    \
    "snapshot_satellites: [4, 1, 5]\n"
static const int subset_ids[3] = {4, 1, 5};

/* The report of `path` as a string (malloc'd); *st gets the status, err the message. */
static char *report(const char *path, const struct odt_report_options *opt, enum odt_status *st, char *err,
                    size_t errlen)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    *st = odt_report_file(path, opt, f, err, errlen);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static char *report_ok(const char *path, const struct odt_report_options *opt)
{
    enum odt_status st;
    char err[1024] = "";
    char *s = report(path, opt, &st, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "odt_report_file failed: %s", err);
    return s;
}

static char *report_json(const char *path)
{
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    return report_ok(path, &opt);
}

/* Position just after `"key": ` of the first member `key` following the object `"section": {`. */
static const char *json_find(const char *js, const char *section, const char *key)
{
    char pat[160];
    snprintf(pat, sizeof pat, "\"%s\": {", section);
    const char *p = strstr(js, pat);
    cr_assert_not_null(p, "section %s missing", section);
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *q = strstr(p, pat);
    cr_assert_not_null(q, "key %s missing in %s", key, section);
    return q + strlen(pat);
}

static double json_num(const char *js, const char *section, const char *key)
{
    const char *v = json_find(js, section, key);
    if (!strncmp(v, "null", 4))
        return NAN;
    char *end;
    double x = strtod(v, &end);
    cr_assert(end != v, "%s.%s is not a number", section, key);
    return x;
}

static void json_str(const char *js, const char *section, const char *key, char *buf, size_t len)
{
    const char *v = json_find(js, section, key);
    cr_assert_eq(*v, '"', "%s.%s is not a string", section, key);
    const char *e = strchr(v + 1, '"');
    cr_assert_not_null(e);
    snprintf(buf, len, "%.*s", (int)(e - v - 1), v + 1);
}

static void assert_rel(double got, double want, double tol, const char *what)
{
    cr_assert(fabs(got - want) <= tol * fabs(want) + 1e-300, "%s: %.17g, want %.17g (rel %.3g)", what, got, want,
              fabs(got - want) / fabs(want));
}

/* ------------------------------------------------------------------ reading the file here */

struct fileview {
    hid_t f;
    hsize_t t;   /* records: length of /time */
    hsize_t n;   /* fleet satellites: /fleet/cls */
    hsize_t m;   /* record satellites: /satellite */
    hsize_t rows, nc; /* fleet series rows and classes */
};

static hsize_t length_of(hid_t f, const char *name)
{
    hsize_t dims[3];
    H5T_class_t c;
    size_t sz;
    cr_assert_geq(H5LTget_dataset_info(f, name, dims, &c, &sz), 0, "%s", name);
    return dims[0];
}

static struct fileview open_view(const char *path)
{
    struct fileview v;
    v.f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(v.f, 0, "cannot open %s", path);
    v.t = length_of(v.f, "/time");
    v.n = length_of(v.f, "/fleet/cls");
    v.m = length_of(v.f, "/satellite");
    v.rows = length_of(v.f, "/series/time");
    hsize_t dims[3];
    H5T_class_t c;
    size_t sz;
    cr_assert_geq(H5LTget_dataset_info(v.f, "/series/soc_min", dims, &c, &sz), 0);
    v.nc = dims[1];
    return v;
}

static double *read_all(struct fileview *v, const char *name, size_t count)
{
    double *b = malloc(sizeof(double) * (count ? count : 1));
    cr_assert_geq(H5LTread_dataset_double(v->f, name, b), 0, "reading %s", name);
    return b;
}

/* Sum over the satellites of the end state /final/NAME [N]. */
static double final_sum(struct fileview *v, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/final/%s", name);
    cr_assert_eq(length_of(v->f, path), v->n, "%s", path);
    double *b = read_all(v, path, v->n);
    double s = 0.0;
    for (hsize_t i = 0; i < v->n; ++i)
        s += b[i];
    free(b);
    return s;
}

/* The simulated time of the end state: attribute time of /final. */
static double final_time(struct fileview *v)
{
    double t = NAN;
    cr_assert_geq(H5LTget_attribute_double(v->f, "/final", "time", &t), 0);
    return t;
}

/* /series/NAME [rows, class] (or [rows]), as doubles. */
static double *series(struct fileview *v, const char *name, int per_class)
{
    char path[128];
    snprintf(path, sizeof path, "/series/%s", name);
    cr_assert_eq(length_of(v->f, path), v->rows, "%s", path);
    return read_all(v, path, v->rows * (per_class ? v->nc : 1));
}

static double class_value(struct fileview *v, const char *col)
{
    char name[128];
    snprintf(name, sizeof name, "/classes/%s", col);
    double x[4];
    cr_assert_geq(H5LTread_dataset_double(v->f, name, x), 0, "%s", name);
    return x[0]; /* one class in this scenario */
}

/* UTC text of the epoch of small.yaml (2026-03-20T12:00:00Z) + t (< 12 h), to the second. */
static void small_utc(double t, char *buf, size_t len)
{
    cr_assert(t >= 0.0 && t < 43200.0);
    const unsigned s = (unsigned)floor(t + 1e-9);
    snprintf(buf, len, "2026-03-20T%02u:%02u:%02u", (12u + s / 3600u) % 24u, (s / 60u) % 60u, s % 60u);
}

/* ------------------------------------------------------------------ numbers */

Test(report, energy_balance_matches_the_file, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    /* the cumulative energies are in the end state only (/final), every satellite */
    static const char *const ds[8] = {"energy_solar", "energy_demand", "energy_served", "energy_unserved",
                                      "energy_curtailed", "energy_charge", "energy_discharge", "energy_loss"};
    static const char *const key[8] = {"solar_mwh", "demand_mwh", "served_mwh", "unserved_mwh", "curtailed_mwh",
                                       "battery_charge_mwh", "battery_discharge_mwh", "battery_loss_mwh"};
    double e[8];
    for (int k = 0; k < 8; ++k) {
        cr_assert_eq(H5Lexists(v.f, ds[k], H5P_DEFAULT), 0, "/%s is not a default record", ds[k]);
        e[k] = final_sum(&v, ds[k]);
        cr_assert_gt(e[k], 0.0, "%s is zero: the check would be empty", ds[k]);
        assert_rel(json_num(js, "energy", key[k]), e[k] / 3.6e9, 1e-9, key[k]);
    }
    const double resid = (e[0] + e[6] - e[2] - e[5] - e[4]) / (e[0] + e[6]);
    cr_assert_leq(fabs(json_num(js, "energy", "closure_residual_rel") - resid), 1e-12);
    cr_assert_leq(fabs(resid), 1e-12, "the run's energy books do not close: %g", resid);
    const double sunlit = final_sum(&v, "sunlit_time") / final_sum(&v, "elapsed_time");
    assert_rel(json_num(js, "energy", "sunlit_fraction"), sunlit, 1e-12, "sunlit fraction");
    cr_assert(sunlit > 0.3 && sunlit < 0.9, "sunlit fraction %g", sunlit);
    /* every satellite was in the fleet for the whole run */
    assert_rel(final_sum(&v, "elapsed_time"), 6.0 * 10800.0, 1e-12, "elapsed satellite-time");
    assert_rel(json_num(js, "energy", "served_fraction"), e[2] / e[1], 1e-12, "served fraction");
    /* the run: the end state is at the end of the run, which is the last record */
    cr_assert_eq(final_time(&v), 10800.0);
    double *time = read_all(&v, "/time", v.t);
    assert_rel(json_num(js, "run", "duration_s"), 10800.0, 1e-15, "duration");
    cr_assert_eq(json_num(js, "run", "last_record_s"), time[v.t - 1]);
    cr_assert_eq(json_num(js, "run", "final_state_s"), final_time(&v));
    free(time);
    cr_assert_eq(json_num(js, "run", "satellites"), 6.0);
    cr_assert_eq(json_num(js, "run", "record_satellites"), 6.0);
    cr_assert_eq(json_num(js, "run", "snapshots"), 19.0);
    cr_assert_eq(json_num(js, "run", "series_rows"), (double)v.rows);
    cr_assert_eq(v.rows, 1081, "a series row every 10 s step, and one at the epoch");
    cr_assert_eq(json_num(js, "run", "series_every_steps"), 1.0);
    /* the default record set (record = 1 in kernels/fleet.h), each a dataset of the file */
    static const char *const rec_default[8] = {"position",    "illumination",  "battery_energy", "battery_health",
                                               "temperature", "solar_power",   "compute_power",  "served_rate"};
    const char *lb = strstr(js, "\"record_fields\": [");
    cr_assert_not_null(lb);
    const char *rb = strchr(lb, ']');
    cr_assert_not_null(rb);
    int quotes = 0;
    for (const char *p = lb + strlen("\"record_fields\": ["); p < rb; ++p)
        quotes += *p == '"';
    cr_assert_eq(quotes, 2 * 8, "record_fields: %.*s", (int)(rb - lb + 1), lb);
    for (int k = 0; k < 8; ++k) {
        char q[64];
        snprintf(q, sizeof q, "\"%s\"", rec_default[k]);
        const char *at = strstr(lb, q);
        cr_assert(at && at < rb, "record_fields lacks %s", rec_default[k]);
        cr_assert_gt(H5Lexists(v.f, rec_default[k], H5P_DEFAULT), 0, "/%s", rec_default[k]);
        cr_assert_eq(length_of(v.f, rec_default[k]), v.t);
    }
    double *status = read_all(&v, "/final/status", v.n);
    long inactive = 0;
    for (hsize_t i = 0; i < v.n; ++i)
        inactive += status[i] != 0.0;
    free(status);
    cr_assert_eq(json_num(js, "run", "inactive_satellites"), (double)inactive);
    char s[128];
    json_str(js, "run", "scenario", s, sizeof s);
    cr_assert_str_eq(s, "small-walker");
    json_str(js, "run", "epoch_utc", s, sizeof s);
    cr_assert_str_eq(s, "2026-03-20T12:00:00.000Z");
    json_str(js, "run", "run_status", s, sizeof s);
    cr_assert_str_eq(s, "complete");
    json_str(js, "run", "schema_version", s, sizeof s);
    cr_assert_eq(s[0], '2', "schema %s", s);
    H5Fclose(v.f);
    free(js);
}

Test(report, array_yield_and_ground_ratio, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    double *es = read_all(&v, "/final/energy_solar", v.n);
    const double area = class_value(&v, "array_area_m2"), eff = class_value(&v, "array_efficiency");
    const double dur = final_time(&v); /* the time of the energies */
    double sum = 0.0, lo = INFINITY, hi = -INFINITY;
    int ilo = -1, ihi = -1;
    for (hsize_t i = 0; i < v.n; ++i) {
        const double y = es[i] / area * YEAR_S / dur / 3.6e6; /* kWh/m2/yr */
        sum += y;
        if (y < lo) {
            lo = y;
            ilo = (int)i;
        }
        if (y > hi) {
            hi = y;
            ihi = (int)i;
        }
    }
    const double mean = sum / (double)v.n;
    assert_rel(json_num(js, "array_yield", "orbit_mean_kwh_m2_yr"), mean, 1e-12, "mean");
    assert_rel(json_num(js, "array_yield", "orbit_min_kwh_m2_yr"), lo, 1e-12, "min");
    assert_rel(json_num(js, "array_yield", "orbit_max_kwh_m2_yr"), hi, 1e-12, "max");
    cr_assert_eq(json_num(js, "array_yield", "orbit_min_satellite"), (double)ilo);
    cr_assert_eq(json_num(js, "array_yield", "orbit_max_satellite"), (double)ihi);
    const double ground = 1000.0 * 0.24 * YEAR_S * eff / 3.6e6;
    assert_rel(json_num(js, "array_yield", "ground_kwh_m2_yr"), ground, 1e-12, "ground");
    assert_rel(json_num(js, "array_yield", "space_ground_ratio"), mean / ground, 1e-12, "space/ground");
    const double sunlit = final_sum(&v, "sunlit_time") / final_sum(&v, "elapsed_time");
    assert_rel(json_num(js, "array_yield", "reference_ratio"), 1361.0 * sunlit / (1000.0 * 0.24), 1e-12, "reference");
    /* a sun-tracking array: the run's ratio is near the reference (temperature and the Sun distance apart) */
    const double ratio = mean / ground;
    cr_assert(ratio > 0.8 * 1361.0 * sunlit / 240.0 && ratio < 1.1 * 1361.0 * sunlit / 240.0, "ratio %g", ratio);
    cr_assert(isnan(json_num(js, "array_yield", "ground_latitude_deg")));
    /* the end state agrees with the time-resolved series: sum over the steps of the array output x 10 s
       (float32 rows: to ~1e-6) */
    double *sp = series(&v, "solar_power", 1);
    double e_series = 0.0;
    for (hsize_t q = 1; q < v.rows; ++q)
        e_series += sp[q] * 10.0;
    free(sp);
    double es_sum = 0.0;
    for (hsize_t i = 0; i < v.n; ++i)
        es_sum += es[i];
    assert_rel(e_series, es_sum, 1e-5, "energy_solar against the series");

    /* another capacity factor scales the ground reference */
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.ground_cf = 0.12;
    char *js2 = report_ok(h5path, &opt);
    assert_rel(json_num(js2, "array_yield", "space_ground_ratio"), 2.0 * mean / ground, 1e-12, "cf 0.12");
    free(js2);
    free(es);
    H5Fclose(v.f);
    free(js);
}

Test(report, ground_by_latitude, .fini = cleanup)
{
    run_small();
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.ground_method = ODT_GROUND_LATITUDE;
    opt.ground_lat_deg = 45.0;
    char *js = report_ok(h5path, &opt);
    struct fileview v = open_view(h5path);
    const double eff = class_value(&v, "array_efficiency");
    struct odt_ground_site g;
    odt_ground_site_init(&g);
    g.method = ODT_GROUND_LATITUDE;
    g.lat_rad = 45.0 * ODT_DEG2RAD;
    const double ground = odt_ground_annual_energy(&g, eff) / 3.6e6;
    char s[64];
    json_str(js, "array_yield", "ground_method", s, sizeof s);
    cr_assert_str_eq(s, "latitude");
    cr_assert_eq(json_num(js, "array_yield", "ground_latitude_deg"), 45.0);
    assert_rel(json_num(js, "array_yield", "ground_kwh_m2_yr"), ground, 1e-12, "ground at 45 deg");
    assert_rel(json_num(js, "array_yield", "space_ground_ratio"),
               json_num(js, "array_yield", "orbit_mean_kwh_m2_yr") / ground, 1e-12, "ratio");
    /* the equivalent capacity factor: E_ground / (1000 W/m2 x year x efficiency) */
    const double cf = json_num(js, "array_yield", "ground_equivalent_capacity_factor");
    assert_rel(cf, ground * 3.6e6 / (1000.0 * YEAR_S * eff), 1e-12, "equivalent CF");
    cr_assert(cf > 0.1 && cf < 0.4, "equivalent CF %g", cf);
    H5Fclose(v.f);
    free(js);
}

Test(report, eclipse_counts_and_battery, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    hsize_t dims[3];
    H5T_class_t c;
    size_t sz;
    cr_assert_geq(H5LTget_dataset_info(v.f, "/eclipses/kind", dims, &c, &sz), 0);
    const size_t rows = dims[0];
    int *kind = malloc(sizeof(int) * rows), *comp = malloc(sizeof(int) * rows), *sat = malloc(sizeof(int) * rows);
    double *dur = malloc(sizeof(double) * rows), *start = malloc(sizeof(double) * rows);
    cr_assert_geq(H5LTread_dataset_int(v.f, "/eclipses/kind", kind), 0);
    cr_assert_geq(H5LTread_dataset_int(v.f, "/eclipses/complete", comp), 0);
    cr_assert_geq(H5LTread_dataset_int(v.f, "/eclipses/satellite", sat), 0);
    cr_assert_geq(H5LTread_dataset_double(v.f, "/eclipses/duration", dur), 0);
    cr_assert_geq(H5LTread_dataset_double(v.f, "/eclipses/start", start), 0);
    long n[3] = {0, 0, 0}, incomplete = 0;
    double longest[3] = {0, 0, 0}, total[3] = {0, 0, 0};
    int longest_sat[3] = {-1, -1, -1};
    for (size_t j = 0; j < rows; ++j) {
        if (!comp[j]) {
            ++incomplete;
            continue;
        }
        n[kind[j]]++;
        total[kind[j]] += dur[j];
        if (dur[j] > longest[kind[j]]) {
            longest[kind[j]] = dur[j];
            longest_sat[kind[j]] = sat[j];
        }
    }
    cr_assert_gt(n[1], 3, "too few complete umbras (%ld) for the check", n[1]);
    cr_assert_gt(n[2], 3, "too few complete shadows (%ld) for the check", n[2]);
    cr_assert_eq(json_num(js, "eclipses", "umbra_complete"), (double)n[1]);
    cr_assert_eq(json_num(js, "eclipses", "shadow_complete"), (double)n[2]);
    cr_assert_eq(json_num(js, "eclipses", "incomplete"), (double)incomplete);
    cr_assert_eq(json_num(js, "eclipses", "umbra_longest_s"), longest[1]);
    cr_assert_eq(json_num(js, "eclipses", "umbra_longest_satellite"), (double)longest_sat[1]);
    assert_rel(json_num(js, "eclipses", "umbra_mean_s"), total[1] / (double)n[1], 1e-12, "mean umbra");
    cr_assert_eq(json_num(js, "eclipses", "shadow_longest_s"), longest[2]);
    /* 550 km, beta small in March: umbra ~ 35 min */
    cr_assert(longest[1] > 1800.0 && longest[1] < 2400.0, "longest umbra %g s", longest[1]);
    char s[64];
    json_str(js, "eclipses", "first_day_utc", s, sizeof s);
    cr_assert_str_eq(s, "2026-03-20");
    json_str(js, "eclipses", "last_day_utc", s, sizeof s);
    cr_assert_str_eq(s, "2026-03-20");
    cr_assert_eq(json_num(js, "eclipses", "days_with_eclipses"), 1.0);
    json_str(js, "eclipses", "umbra_longest_start_utc", s, sizeof s);
    cr_assert_eq(strncmp(s, "2026-03-20T1", 12), 0, "start %s", s);
    /* the scenario's shadow model (the eclipse table's attribute, or the scenario text in the file) */
    json_str(js, "eclipses", "shadow_model", s, sizeof s);
    cr_assert_str_eq(s, "conical");

    /* the lowest state of charge of any battery at any step: the fleet series */
    double *soc = series(&v, "soc_min", 1), *t_s = series(&v, "time", 0);
    double soc_lo = INFINITY, soc_t = NAN;
    for (hsize_t q = 0; q < v.rows * v.nc; ++q)
        if (soc[q] < soc_lo) {
            soc_lo = soc[q];
            soc_t = t_s[q / v.nc];
        }
    cr_assert(soc_lo >= class_value(&v, "battery_soc_min") - 1e-6 && soc_lo < 0.8, "lowest SoC %g", soc_lo);
    cr_assert_eq(json_num(js, "eclipses", "soc_lowest"), soc_lo);
    char want[32];
    small_utc(soc_t, want, sizeof want);
    json_str(js, "eclipses", "soc_lowest_utc", s, sizeof s);
    cr_assert_eq(strncmp(s, want, strlen(want)), 0, "lowest SoC at %s, want %s", s, want);
    /* the records' battery energy (every 600 s) never goes below it */
    double *be = read_all(&v, "/battery_energy", v.t * v.m), *bh = read_all(&v, "/battery_health", v.t * v.m);
    const double cap = class_value(&v, "battery_capacity_j");
    for (hsize_t j = 0; j < v.t * v.m; ++j) /* the state of charge is that of the aged capacity */
        cr_assert_geq(be[j] / (cap * bh[j]), soc_lo - 1e-6, "record SoC %g below the series' lowest %g",
                      be[j] / (cap * bh[j]), soc_lo);
    free(be);
    free(bh);
    free(soc);
    free(t_s);

    /* battery through the longest shadow (conical model): E = P t / eta, capacity E / (soc_max - soc_min) */
    json_str(js, "battery", "basis", s, sizeof s);
    cr_assert_str_eq(s, "shadow");
    const double p = class_value(&v, "compute_power_w") + class_value(&v, "bus_power_w");
    const double eta = class_value(&v, "battery_discharge_efficiency");
    const double win = class_value(&v, "battery_soc_max") - class_value(&v, "battery_soc_min");
    const double e_kwh = p * longest[2] / eta / 3.6e6;
    cr_assert_eq(json_num(js, "battery", "satellite"), (double)longest_sat[2]);
    assert_rel(json_num(js, "battery", "load_w"), p, 1e-15, "load");
    assert_rel(json_num(js, "battery", "energy_kwh"), e_kwh, 1e-12, "battery energy");
    assert_rel(json_num(js, "battery", "capacity_needed_kwh"), e_kwh / win, 1e-12, "capacity");
    assert_rel(json_num(js, "battery", "class_capacity_kwh"), class_value(&v, "battery_capacity_j") / 3.6e6, 1e-12,
               "class capacity");

    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.load_w = 1000.0;
    char *js2 = report_ok(h5path, &opt);
    assert_rel(json_num(js2, "battery", "energy_kwh"), 1000.0 * longest[2] / eta / 3.6e6, 1e-12, "--load-w");
    free(js2);
    free(kind);
    free(comp);
    free(sat);
    free(dur);
    free(start);
    H5Fclose(v.f);
    free(js);
}

/* The payload temperature over the fleet series, by hand: min of the class minima, max of the class maxima
   (classes with active satellites), mean of the class means weighted by the satellites active. */
static void series_payload(struct fileview *v, double *lo, double *hi, double *mean)
{
    double *tmin = series(v, "payload_temperature_min", 1), *tmax = series(v, "payload_temperature_max", 1);
    double *tmean = series(v, "payload_temperature_mean", 1), *act = series(v, "satellites_active", 1);
    double w = 0.0, sum = 0.0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (hsize_t q = 0; q < v->rows * v->nc; ++q) {
        if (!(act[q] > 0.0))
            continue;
        *lo = tmin[q] < *lo ? tmin[q] : *lo;
        *hi = tmax[q] > *hi ? tmax[q] : *hi;
        sum += tmean[q] * act[q];
        w += act[q];
    }
    *mean = sum / w;
    free(tmin);
    free(tmax);
    free(tmean);
    free(act);
}

Test(report, temperatures_and_radiator, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    /* the default records hold the payload temperature and the compute power, not node_temperature */
    cr_assert_eq(H5Lexists(v.f, "node_temperature", H5P_DEFAULT), 0);
    static const char *const node[4] = {"array", "radiator", "payload", "bus"};
    char s[64];
    for (int k = 0; k < 4; ++k) {
        if (k == 2)
            continue;
        cr_assert(isnan(json_num(js, node[k], "min_k")), "%s min: not recorded", node[k]);
        cr_assert(isnan(json_num(js, node[k], "max_k")), "%s max: not recorded", node[k]);
        cr_assert(isnan(json_num(js, node[k], "mean_k")), "%s mean: not recorded", node[k]);
        json_str(js, node[k], "source", s, sizeof s);
        cr_assert_str_eq(s, "not recorded");
    }
    /* the payload at every step of every satellite: the fleet series */
    double lo, hi, mean;
    series_payload(&v, &lo, &hi, &mean);
    cr_assert_eq(json_num(js, "payload", "min_k"), lo);
    cr_assert_eq(json_num(js, "payload", "max_k"), hi);
    assert_rel(json_num(js, "payload", "mean_k"), mean, 1e-12, "payload mean");
    json_str(js, "payload", "source", s, sizeof s);
    cr_assert_str_eq(s, "series");
    /* the series' envelope holds every recorded payload temperature (the records are samples of it) */
    double *temp = read_all(&v, "/temperature", v.t * v.m);
    double rlo = INFINITY, rhi = -INFINITY;
    for (size_t j = 0; j < v.t * v.m; ++j) {
        rlo = temp[j] < rlo ? temp[j] : rlo;
        rhi = temp[j] > rhi ? temp[j] : rhi;
    }
    free(temp);
    cr_assert(lo <= rlo && hi >= rhi, "series [%g, %g] vs records [%g, %g]", lo, hi, rlo, rhi);
    cr_assert(lo > 200.0 && hi < 400.0, "payload %g..%g K", lo, hi);

    /* the largest payload heat: the recorded compute power of every record satellite */
    double *cp = read_all(&v, "/compute_power", v.t * v.m);
    double qmax = 0.0;
    for (size_t j = 0; j < v.t * v.m; ++j)
        qmax = cp[j] > qmax ? cp[j] : qmax;
    cr_assert_gt(qmax, 0.0);
    assert_rel(json_num(js, "thermal", "payload_heat_max_w"), qmax, 1e-15, "largest payload heat");
    json_str(js, "thermal", "payload_heat_source", s, sizeof s);
    cr_assert_str_eq(s, "records");
    /* time over the limit: the end state */
    double *tol = read_all(&v, "/final/time_over_limit", v.n);
    double over = 0.0;
    long sats_over = 0;
    for (hsize_t i = 0; i < v.n; ++i) {
        over += tol[i];
        sats_over += tol[i] > 0.0;
    }
    free(tol);
    cr_assert_eq(json_num(js, "thermal", "payload_time_over_limit_s"), over);
    cr_assert_eq(json_num(js, "thermal", "satellites_over_limit"), (double)sats_over);
    assert_rel(json_num(js, "thermal", "payload_over_limit_share") + 1.0, over / (6.0 * 10800.0) + 1.0, 1e-15,
               "share over the limit");

    /* Radiator: the environment flux of an edge-on face at 550 km over the subsolar point, from the
       plate-sphere view factor F = [asin(1/H) - sqrt(H^2 - 1)/H^2] / pi (Howell, B-section), and the
       steady balance q = A [n eps sigma T_r^4 - q_env] with T_r = T_limit - q/G. */
    const double h = (6378.137 + 550.0) / 6378.137;
    const double f = (asin(1.0 / h) - sqrt(h * h - 1.0) / (h * h)) / ODT_PI;
    const double eps = class_value(&v, "radiator_emissivity"), alpha = 0.15; /* the scenario's default */
    const int sides = class_value(&v, "radiator_sides") > 1.5 ? 2 : 1;
    const double q_env = sides * (alpha * 0.30 * 1361.0 * f + eps * 237.0 * f);
    assert_rel(json_num(js, "thermal", "earth_view_factor"), f, 1e-9, "view factor");
    assert_rel(json_num(js, "thermal", "env_flux_w_m2"), q_env, 1e-9, "environment flux");
    assert_rel(json_num(js, "thermal", "altitude_km"), 550.0, 1e-6, "altitude");
    const double g = class_value(&v, "payload_radiator_conductance_w_k");
    const double tr = class_value(&v, "payload_temp_limit_k") - qmax / g;
    const double area = json_num(js, "thermal", "area_needed_m2");
    const double rejected = area * (sides * eps * 5.670374419e-8 * (pow(tr, 4) - pow(3.0, 4)) - q_env);
    assert_rel(rejected, qmax, 1e-9, "radiator balance");
    assert_rel(json_num(js, "thermal", "class_area_m2"), class_value(&v, "radiator_area_m2") / sides, 1e-15,
               "class planform");
    assert_rel(json_num(js, "thermal", "area_per_kw_m2"), area / (qmax / 1000.0), 1e-12, "per kW");
    free(cp);
    H5Fclose(v.f);
    free(js);
}

/* ------------------------------------------------------------------ formats */

/* Braces and brackets balance outside strings, and the text is one object. */
static void assert_json_shape(const char *js)
{
    char stack[64];
    int depth = 0, in_str = 0, objects = 0;
    for (const char *p = js; *p; ++p) {
        if (in_str) {
            if (*p == '\\' && p[1])
                ++p;
            else if (*p == '"')
                in_str = 0;
            continue;
        }
        if (*p == '"')
            in_str = 1;
        else if (*p == '{' || *p == '[') {
            cr_assert_lt(depth, 64);
            if (depth == 0)
                ++objects;
            stack[depth++] = *p;
        } else if (*p == '}' || *p == ']') {
            cr_assert_gt(depth, 0, "unbalanced '%c'", *p);
            cr_assert_eq(stack[--depth], *p == '}' ? '{' : '[', "mismatched '%c'", *p);
        }
    }
    cr_assert_eq(depth, 0);
    cr_assert_eq(in_str, 0);
    cr_assert_eq(objects, 1);
    cr_assert_eq(js[0], '{');
    static const char *const bad[] = {": nan", ": -nan", ": inf", ": -inf", ": NaN", ": Infinity"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; ++k)
        cr_assert_null(strstr(js, bad[k]), "'%s' in the JSON", bad[k]);
}

/* A JSON parser accepts it, where there is one (python3), with the sections in order. */
static void assert_json_parses(const char *js)
{
    if (system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
        cr_log_warn("python3 not found: JSON checked by shape only");
        return;
    }
    FILE *py = popen("python3 -c 'import json,sys; d=json.load(sys.stdin); "
                     "assert list(d)[:6]==[\"file\",\"run\",\"energy\",\"array_yield\",\"eclipses\",\"thermal\"]'",
                     "w");
    cr_assert_not_null(py);
    fputs(js, py);
    cr_assert_eq(pclose(py), 0, "python3 json.load rejected the report");
}

/* Records of 3 of the 6 satellites with node_temperature, compute_power, latency and served_rate: the node
   temperatures and the latency come from those records, the payload still from the series (every satellite,
   every step); the fleet figures are those of the whole fleet. */
Test(report, figures_from_recorded_fields_of_a_subset, .fini = cleanup)
{
    run_small_with(SUBSET_YAML);
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    cr_assert_eq(v.n, 6);
    cr_assert_eq(v.m, 3);
    double *ids = read_all(&v, "/satellite", v.m);
    for (int j = 0; j < 3; ++j)
        cr_assert_eq(ids[j], (double)subset_ids[j], "/satellite[%d] = %g", j, ids[j]);
    free(ids);
    cr_assert_eq(json_num(js, "run", "satellites"), 6.0);
    cr_assert_eq(json_num(js, "run", "record_satellites"), 3.0);
    cr_assert_eq(H5Lexists(v.f, "solar_power", H5P_DEFAULT), 0, "solar_power is not in snapshot_fields");

    /* array, radiator, bus: every record of the 3 record satellites (the epoch's included) */
    double *nt = read_all(&v, "/node_temperature", v.t * v.m * 4);
    static const char *const node[4] = {"array", "radiator", "payload", "bus"};
    char s[64];
    for (int k = 0; k < 4; ++k) {
        if (k == 2)
            continue;
        double lo = INFINITY, hi = -INFINITY, sum = 0.0;
        for (size_t j = 0; j < v.t * v.m; ++j) {
            const double x = nt[4 * j + (size_t)k];
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            sum += x;
        }
        cr_assert_eq(json_num(js, node[k], "min_k"), lo, "%s min", node[k]);
        cr_assert_eq(json_num(js, node[k], "max_k"), hi, "%s max", node[k]);
        assert_rel(json_num(js, node[k], "mean_k"), sum / (double)(v.t * v.m), 1e-12, node[k]);
        json_str(js, node[k], "source", s, sizeof s);
        cr_assert_str_eq(s, "records");
        cr_assert(lo < hi && lo > 100.0 && hi < 450.0, "%s %g..%g K", node[k], lo, hi);
    }
    /* the recorded payload node is the recorded payload temperature */
    double *temp = read_all(&v, "/temperature", v.t * v.m);
    for (size_t j = 0; j < v.t * v.m; ++j)
        cr_assert_eq(nt[4 * j + 2], temp[j], "record %zu: payload node %g, temperature %g", j, nt[4 * j + 2], temp[j]);
    free(temp);
    double lo, hi, mean;
    series_payload(&v, &lo, &hi, &mean);
    cr_assert_eq(json_num(js, "payload", "min_k"), lo);
    cr_assert_eq(json_num(js, "payload", "max_k"), hi);
    json_str(js, "payload", "source", s, sizeof s);
    cr_assert_str_eq(s, "series");
    free(nt);

    /* the largest payload heat: the recorded compute power of the record satellites */
    double *cp = read_all(&v, "/compute_power", v.t * v.m);
    double qmax = 0.0;
    for (size_t j = 0; j < v.t * v.m; ++j)
        qmax = cp[j] > qmax ? cp[j] : qmax;
    free(cp);
    assert_rel(json_num(js, "thermal", "payload_heat_max_w"), qmax, 1e-15, "largest payload heat");

    /* latency p50 and p99 over the records after the first of the record satellites that served tokens */
    double *lat = read_all(&v, "/latency", v.t * v.m), *rate = read_all(&v, "/served_rate", v.t * v.m);
    double *sel = malloc(sizeof(double) * v.t * v.m);
    size_t k = 0;
    for (size_t j = v.m; j < v.t * v.m; ++j)
        if (rate[j] > 0.0)
            sel[k++] = lat[j];
    cr_assert_gt(k, 10, "too few serving satellite-records (%zu) for the check", k);
    for (size_t a = 1; a < k; ++a) /* insertion sort */
        for (size_t b = a; b > 0 && sel[b - 1] > sel[b]; --b) {
            const double x = sel[b];
            sel[b] = sel[b - 1];
            sel[b - 1] = x;
        }
    cr_assert_eq(json_num(js, "compute", "latency_p50_s"), sel[k / 2]);
    cr_assert_eq(json_num(js, "compute", "latency_p99_s"), sel[(size_t)(0.99 * (double)(k - 1))]);
    free(sel);
    free(lat);
    free(rate);

    /* the fleet figures do not depend on the records: the energy of all 6 satellites */
    assert_rel(json_num(js, "energy", "solar_mwh"), final_sum(&v, "energy_solar") / 3.6e9, 1e-12, "solar");
    cr_assert_eq(json_num(js, "array_yield", "satellites_with_array"), 6.0);
    assert_json_shape(js);
    assert_json_parses(js);
    H5Fclose(v.f);
    free(js);
}

Test(report, json_is_valid_and_ordered, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    assert_json_shape(js);
    static const char *const order[] = {"\"file\"", "\"run\"", "\"energy\"", "\"array_yield\"", "\"eclipses\"",
                                        "\"thermal\"", "\"compute\""};
    const char *prev = js;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; ++k) {
        const char *p = strstr(js, order[k]);
        cr_assert_not_null(p, "%s missing", order[k]);
        cr_assert_geq(p, prev, "%s out of order", order[k]);
        prev = p;
    }
    assert_json_parses(js);
    free(js);
}

Test(report, text_report, .fini = cleanup)
{
    run_small();
    char *txt = report_ok(h5path, NULL);
    static const char *const want[] = {"odtwin report: ", "Run\n", "Fleet energy balance", "Array energy per m2",
                                       "Eclipses\n", "Temperatures and radiator sizing", "small-walker",
                                       "space / ground", "capacity needed", "radiator needed (planform)"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; ++k)
        cr_assert_not_null(strstr(txt, want[k]), "'%s' missing from the text report", want[k]);
    cr_assert_null(strstr(txt, " nan"));
    cr_assert_null(strstr(txt, " -nan"));
    cr_assert_null(strstr(txt, " inf"));
    cr_assert_null(strstr(txt, "{"));
    free(txt);
}

/* Copy src to dst, at most `limit` bytes. */
static void copy_file(const char *src, const char *dst, long limit)
{
    FILE *a = fopen(src, "rb"), *b = fopen(dst, "wb");
    cr_assert(a && b);
    char buf[65536];
    long done = 0;
    size_t k;
    while (done < limit && (k = fread(buf, 1, sizeof buf, a)) > 0) {
        if ((long)k > limit - done)
            k = (size_t)(limit - done);
        cr_assert_eq(fwrite(buf, 1, k, b), k);
        done += (long)k;
    }
    fclose(a);
    fclose(b);
}

static long file_size(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    return (long)sb.st_size;
}

Test(report, compute_section_matches_the_file, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    /* the cumulative counters: the end state */
    const double arrived = final_sum(&v, "tokens_arrived"), served = final_sum(&v, "tokens_served");
    const double dropped = final_sum(&v, "tokens_dropped"), waiting = final_sum(&v, "queue_waiting");
    const double t_end = final_time(&v);
    /* the demand: the root's cumulative demand at the last record (the end state's time), which is the sum of
       the fleet series' per-step demand */
    double *dem = read_all(&v, "/demand_tokens", v.t), *sdem = series(&v, "demand_tokens", 0);
    const double demand = dem[v.t - 1];
    double dsum = 0.0;
    for (hsize_t q = 0; q < v.rows; ++q)
        dsum += sdem[q];
    free(dem);
    free(sdem);
    assert_rel(dsum, demand, 1e-12, "demand: records against series");
    cr_assert_gt(served, 0.0, "the small run serves tokens");
    cr_assert_eq(json_num(js, "compute", "tokens_arrived"), arrived);
    cr_assert_eq(json_num(js, "compute", "tokens_served"), served);
    cr_assert_eq(json_num(js, "compute", "tokens_dropped"), dropped);
    cr_assert_eq(json_num(js, "compute", "tokens_waiting"), waiting);
    cr_assert_eq(json_num(js, "compute", "tokens_demanded"), demand);
    cr_assert_eq(json_num(js, "compute", "tokens_unassigned"), demand - arrived);
    assert_rel(json_num(js, "compute", "served_fraction"), served / demand, 1e-12, "served / demanded");
    /* requests are conserved exactly: whole numbers in doubles */
    cr_assert_eq(arrived, served + dropped + waiting, "arrived %.17g = served %.17g + dropped %.17g + waiting %.17g",
                 arrived, served, dropped, waiting);
    cr_assert_eq(json_num(js, "compute", "conservation_residual"), 0.0);
    assert_rel(json_num(js, "compute", "tokens_per_s_mean"), served / t_end, 1e-15, "tokens/s");
    /* capacity at full power and where it went, in the end state */
    const double ideal = final_sum(&v, "capacity_ideal");
    cr_assert_gt(ideal, 0.0);
    assert_rel(json_num(js, "compute", "capacity_full_tokens_per_s"), ideal / t_end, 1e-12, "capacity");
    assert_rel(json_num(js, "compute", "lost_power_share") + 1.0, final_sum(&v, "capacity_lost_power") / ideal + 1.0,
               1e-15, "lost to power");
    assert_rel(json_num(js, "compute", "delivered_share"), served / ideal, 1e-12, "delivered");
    /* latency is not a default record */
    cr_assert_eq(H5Lexists(v.f, "latency", H5P_DEFAULT), 0);
    cr_assert(isnan(json_num(js, "compute", "latency_p50_s")));
    cr_assert(isnan(json_num(js, "compute", "latency_p99_s")));
    /* failures by class: the end state */
    const double launched = 6.0 * class_value(&v, "accelerators");
    assert_rel(json_num(js, "compute", "accelerators_launched"), launched, 1e-15, "launched");
    cr_assert_eq(json_num(js, "compute", "failed"), final_sum(&v, "accel_failed"));
    cr_assert_eq(json_num(js, "compute", "restarts"), final_sum(&v, "restarts"));
    assert_rel(json_num(js, "compute", "working_fraction"), final_sum(&v, "accel_working") / launched, 1e-15,
               "working");
    H5Fclose(v.f);
    assert_json_shape(js);
    assert_json_parses(js);
    free(js);
}

/* The scenario name as a variable-length UTF-8 string with characters JSON must escape, as h5py and xarray
   write text. */
Test(report, json_escapes_utf8_text, .fini = cleanup)
{
    run_small();
    const char *copy = scratch_path("named.h5");
    copy_file(h5path, copy, file_size(h5path));
    hid_t f = H5Fopen(copy, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Adelete(f, "scenario_name"), 0);
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    H5Tset_cset(st, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "scenario_name", st, sp, H5P_DEFAULT, H5P_DEFAULT);
    const char *name = "a \"quoted\" \\ name\tof caf\xc3\xa9";
    cr_assert_geq(H5Awrite(a, st, &name), 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(st);
    H5Fclose(f);
    char *js = report_json(copy);
    cr_assert_not_null(strstr(js, "\"scenario\": \"a \\\"quoted\\\" \\\\ name\\tof caf\xc3\xa9\""), "%s", js);
    assert_json_parses(js);
    free(js);
}

/* A file without its end state (/final is written when the run closes the file: a killed run that was not
   resumed has none): the end-state figures are unavailable, the rest is reported as before. */
Test(report, without_the_end_state, .fini = cleanup)
{
    run_small();
    char *full = report_json(h5path);
    const char *copy = scratch_path("nofinal.h5");
    copy_file(h5path, copy, file_size(h5path));
    hid_t f = H5Fopen(copy, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Ldelete(f, "final", H5P_DEFAULT), 0);
    H5Fclose(f);
    char *js = report_json(copy);
    char s[128];
    static const char *const gone[3] = {"energy", "array_yield", "compute"};
    for (int k = 0; k < 3; ++k) {
        json_str(js, gone[k], "unavailable", s, sizeof s);
        cr_assert_not_null(strstr(s, "/final"), "%s: %s", gone[k], s);
    }
    cr_assert_null(strstr(js, "\"solar_mwh\""));
    cr_assert_null(strstr(js, "\"tokens_served\""));
    cr_assert(isnan(json_num(js, "run", "final_state_s")));
    cr_assert_eq(json_num(js, "run", "duration_s"), 10800.0, "the last record's time");
    cr_assert_eq(json_num(js, "run", "snapshots"), 19.0);
    cr_assert_eq(json_num(js, "run", "inactive_satellites"), 0.0, "from the fleet series");
    cr_assert(isnan(json_num(js, "thermal", "payload_time_over_limit_s")));
    /* the event table, the series and the records give the same figures as with the end state */
    static const char *const same_ecl[] = {"umbra_complete", "shadow_complete", "incomplete", "umbra_longest_s",
                                           "umbra_mean_s", "shadow_longest_s", "soc_lowest", "energy_kwh"};
    for (size_t k = 0; k < sizeof same_ecl / sizeof same_ecl[0]; ++k)
        cr_assert_eq(json_num(js, "eclipses", same_ecl[k]), json_num(full, "eclipses", same_ecl[k]), "%s",
                     same_ecl[k]);
    static const char *const same_th[] = {"min_k", "max_k", "mean_k"};
    for (int k = 0; k < 3; ++k)
        cr_assert_eq(json_num(js, "payload", same_th[k]), json_num(full, "payload", same_th[k]), "payload %s",
                     same_th[k]);
    cr_assert_eq(json_num(js, "thermal", "payload_heat_max_w"), json_num(full, "thermal", "payload_heat_max_w"));
    assert_json_shape(js);
    assert_json_parses(js);
    /* the text says why */
    char *txt = report_ok(copy, NULL);
    cr_assert_not_null(strstr(txt, "no /final group"), "%s", txt);
    free(txt);
    free(js);
    free(full);
}

/* ------------------------------------------------------------------ errors */

/* The report of a bad file fails with a message naming the file and containing `what`, and writes nothing. */
static void assert_fails(const char *path, enum odt_status want, const char *what)
{
    for (int json = 0; json <= 1; ++json) {
        struct odt_report_options opt;
        odt_report_options_init(&opt);
        opt.json = json;
        enum odt_status st;
        char err[1024] = "";
        char *out = report(path, &opt, &st, err, sizeof err);
        cr_assert_eq(st, want, "%s: status %d, want %d (%s)", path, st, want, err);
        cr_assert_not_null(strstr(err, path), "the message does not name the file: %s", err);
        cr_assert_not_null(strstr(err, what), "the message '%s' does not say '%s'", err, what);
        cr_assert_eq(out[0], '\0', "something was printed for a bad file: %s", out);
        cr_assert_null(strchr(err, '\n'), "one line: %s", err);
        free(out);
    }
}

Test(report_errors, missing_file)
{
    assert_fails("/nonexistent/odt_report/none.h5", ODT_ERR_IO, "No such file");
}

Test(report_errors, not_hdf5_and_empty_and_directory, .fini = cleanup)
{
    make_tmpdir();
    const char *txt = scratch_path("text.h5");
    FILE *f = fopen(txt, "w");
    cr_assert_not_null(f);
    fputs("name: not a snapshot\n", f);
    fclose(f);
    assert_fails(txt, ODT_ERR_IO, "not an HDF5 file");
    const char *empty = scratch_path("empty.h5");
    f = fopen(empty, "w");
    fclose(f);
    assert_fails(empty, ODT_ERR_IO, "empty");
    assert_fails(tmpdir, ODT_ERR_IO, "directory");
}

Test(report_errors, hdf5_but_not_a_snapshot, .fini = cleanup)
{
    make_tmpdir();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const char *p = scratch_path("other.h5");
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hsize_t d = 3;
    const double x[3] = {1, 2, 3};
    cr_assert_geq(H5LTmake_dataset_double(f, "x", 1, &d, x), 0);
    H5Fclose(f);
    assert_fails(p, ODT_ERR_PARSE, "not an odtwin snapshot");
}

Test(report_errors, truncated_snapshot, .fini = cleanup)
{
    run_small();
    const char *p = scratch_path("half.h5");
    copy_file(h5path, p, file_size(h5path) / 2);
    cr_assert_eq(file_size(p), file_size(h5path) / 2);
    assert_fails(p, ODT_ERR_IO, "truncated");
}

Test(report_errors, empty_run, .fini = cleanup)
{
    run_small();
    const char *p = scratch_path("norecords.h5");
    copy_file(h5path, p, file_size(h5path));
    hid_t f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    hid_t d = H5Dopen2(f, "time", H5P_DEFAULT);
    hsize_t zero = 0;
    cr_assert_geq(H5Dset_extent(d, &zero), 0);
    H5Dclose(d);
    H5Fclose(f);
    assert_fails(p, ODT_ERR_VALUE, "no records");
}

/* A copy of the run with the root attribute `name` replaced by the text `value`. */
static const char *copy_with_attr(const char *file, const char *name, const char *value)
{
    const char *copy = scratch_path(file);
    copy_file(h5path, copy, file_size(h5path));
    hid_t f = H5Fopen(copy, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Adelete(f, name), 0);
    cr_assert_geq(H5LTset_attribute_string(f, ".", name, value), 0);
    H5Fclose(f);
    return copy;
}

Test(report_errors, schema_1_is_refused, .fini = cleanup)
{
    run_small();
    const char *p = copy_with_attr("schema11.h5", "odtwin_schema_version", "1.1");
    assert_fails(p, ODT_ERR_PARSE, "snapshot schema 1.1 is not supported by this odtwin (it reads schema 2.x)");
    p = copy_with_attr("schema30.h5", "odtwin_schema_version", "3.0");
    assert_fails(p, ODT_ERR_PARSE, "snapshot schema 3.0 is not supported by this odtwin (it reads schema 2.x)");
    /* a later 2.x reads */
    p = copy_with_attr("schema21.h5", "odtwin_schema_version", "2.1");
    char *js = report_json(p);
    free(js);
}

Test(report_errors, missing_fleet_series, .fini = cleanup)
{
    run_small();
    const char *p = scratch_path("noseries.h5");
    copy_file(h5path, p, file_size(h5path));
    hid_t f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Ldelete(f, "series/soc_min", H5P_DEFAULT), 0);
    H5Fclose(f);
    assert_fails(p, ODT_ERR_PARSE, "dataset /series/soc_min is missing");
}

Test(report_errors, fleet_size_disagrees, .fini = cleanup)
{
    run_small();
    const char *p = scratch_path("fleet7.h5");
    copy_file(h5path, p, file_size(h5path));
    hid_t f = H5Fopen(p, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Adelete(f, "fleet_satellites"), 0);
    const long long seven = 7;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "fleet_satellites", H5T_NATIVE_LLONG, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5Awrite(a, H5T_NATIVE_LLONG, &seven), 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Fclose(f);
    assert_fails(p, ODT_ERR_PARSE, "fleet_satellites");
}

Test(report_errors, bad_options, .fini = cleanup)
{
    run_small();
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.ground_cf = 0.0;
    enum odt_status st;
    char err[512];
    char *out = report(h5path, &opt, &st, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE);
    cr_assert_not_null(strstr(err, "capacity factor"), "%s", err);
    cr_assert_eq(out[0], '\0');
    free(out);
    odt_report_options_init(&opt);
    opt.ground_method = ODT_GROUND_LATITUDE;
    opt.ground_lat_deg = 91.0;
    out = report(h5path, &opt, &st, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE);
    free(out);
    odt_report_options_init(&opt);
    opt.load_w = -5.0;
    out = report(h5path, &opt, &st, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE);
    free(out);
}

static int main_with(int argc, const char *const *args)
{
    char *argv[16];
    for (int i = 0; i < argc; ++i)
        argv[i] = (char *)args[i];
    return odt_report_main(argc, argv);
}

Test(report_errors, command_line_exit_codes, .init = cr_redirect_stdout, .fini = cleanup)
{
    run_small();
    cr_assert_eq(main_with(0, NULL), 2, "no file");
    const char *both[] = {h5path, "--ground-cf", "0.2", "--ground-lat", "40"};
    cr_assert_eq(main_with(5, both), 2, "two ground references");
    const char *bad_cf[] = {h5path, "--ground-cf", "1.5"};
    cr_assert_eq(main_with(3, bad_cf), 2);
    const char *bad_lat[] = {h5path, "--ground-lat", "north"};
    cr_assert_eq(main_with(3, bad_lat), 2);
    const char *bad_load[] = {h5path, "--load-w", "0"};
    cr_assert_eq(main_with(3, bad_load), 2);
    const char *incomplete[] = {h5path, "--load-w"};
    cr_assert_eq(main_with(2, incomplete), 2);
    const char *unknown[] = {h5path, "--frobnicate"};
    cr_assert_eq(main_with(2, unknown), 2);
    const char *two[] = {h5path, h5path};
    cr_assert_eq(main_with(2, two), 2);
    const char *missing[] = {"/nonexistent/odt_report/none.h5"};
    cr_assert_eq(main_with(1, missing), 1);
    const char *good[] = {h5path, "--json", "--load-w", "2000", "--ground-lat", "30"};
    cr_assert_eq(main_with(6, good), 0);
    const char *text[] = {h5path};
    cr_assert_eq(main_with(1, text), 0);
}

/* ------------------------------------------------------------------ labels: what each figure rests on */

/* The run summary as text (the output path set to a literal: odt_test_run freed the summary's). */
static char *summary_text(struct odt_run_summary *sum, int json)
{
    sum->output = (char *)"out.h5";
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    if (json)
        odt_run_print_summary_json(f, sum);
    else
        odt_run_print_summary(f, sum);
    sum->output = NULL;
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The line of text that starts (after its indentation) with `label`; NULL when none. */
static const char *line_of(const char *text, const char *label, char *buf, size_t len)
{
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        const size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *q = p;
        while (*q == ' ')
            ++q;
        if (!strncmp(q, label, strlen(label)) && (size_t)(q - p) < n) {
            snprintf(buf, len, "%.*s", (int)n, p);
            return buf;
        }
        p = e ? e + 1 : NULL;
    }
    return NULL;
}

Test(report_labels, no_battery_and_a_short_period, .fini = cleanup)
{
    struct odt_run_summary sum;
    run_small_sum("satellite:\n  battery_capacity_wh: 0\n", &sum);
    cr_assert_eq(sum.has_battery, 0);
    char line[512];
    /* the summary: "no battery", not the 1.000 of a state of charge never lowered */
    char *st = summary_text(&sum, 0);
    cr_assert_not_null(line_of(st, "lowest battery SoC", line, sizeof line), "%s", st);
    cr_assert(strstr(line, "no battery") && !strstr(line, "1.000"), "%s", line);
    /* 3 h is 0.125 days: the summary says it is not a year */
    cr_assert_not_null(strstr(st, "WARNING: the run covers 0.125 days, not a year"), "%s", st);
    free(st);
    char *js_sum = summary_text(&sum, 1);
    cr_assert_not_null(strstr(js_sum, "\"battery_min_soc\": {\"value\": null, \"unit\": \"\", \"basis\": \"no battery\"}"),
                       "%s", js_sum);
    free(js_sum);

    /* the report: text and JSON */
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    char *txt = report_ok(h5path, &opt);
    cr_assert_not_null(line_of(txt, "lowest state of charge (any step)", line, sizeof line));
    cr_assert(strstr(line, "no battery"), "%s", line);
    cr_assert_not_null(line_of(txt, "class capacity", line, sizeof line));
    cr_assert(strstr(line, "no battery"), "%s", line);
    /* the yearly figures are scaled by 365.2422 d / 0.125 d = 2921.9 from one season's 3 hours */
    cr_assert_not_null(strstr(txt, "WARNING: annualised from 0.125 days (x 2922)"), "%s", txt);
    cr_assert_not_null(strstr(txt, "within one season"));
    cr_assert_not_null(strstr(txt, "space / ground (from 0.125 days only)"));
    free(txt);
    char *js = report_json(h5path);
    cr_assert(isnan(json_num(js, "eclipses", "soc_lowest")), "soc_lowest is null without a battery");
    cr_assert_eq(json_num(js, "eclipses", "has_battery"), 0.0);
    cr_assert_eq(json_num(js, "array_yield", "annualised_from_days"), 0.125);
    char w[512];
    json_str(js, "array_yield", "period_warning", w, sizeof w);
    cr_assert_not_null(strstr(w, "annualised from 0.125 days"), "%s", w);
    free(js);
}

Test(report_labels, battery_present_and_a_short_step_warns_nothing, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    cr_assert_eq(json_num(js, "eclipses", "has_battery"), 1.0);
    cr_assert(json_num(js, "eclipses", "soc_lowest") < 1.0);
    /* 10 s steps: far below the shadow arc, no step warning */
    const char *v = json_find(js, "eclipses", "step_warning");
    cr_assert(!strncmp(v, "null", 4), "step_warning %.80s", v);
    free(js);
}

Test(report_labels, step_longer_than_the_shadow_arc, .fini = cleanup)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    make_tmpdir();
    char *text = odt_test_read_text(SMALL);
    text = replace(text, "duration_s: 3600", "duration_s: 9600");
    text = replace(text, "step_s: 10", "step_s: 2400");
    text = replace(text, "snapshot_interval_s: 600", "snapshot_interval_s: 2400");
    char ypath[700];
    snprintf(ypath, sizeof ypath, "%s/long_step.yaml", tmpdir);
    FILE *f = fopen(ypath, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    struct odt_run_summary sum;
    odt_test_run(ypath, h5path, NULL, 0, 1, &sum);
    /* the limit by hand: a circular orbit at the fleet's semi-major axis, P asin(R/a) / pi */
    struct fileview v = open_view(h5path);
    double *a = read_all(&v, "fleet/a_km", (size_t)v.n);
    double lim = INFINITY;
    for (size_t i = 0; i < v.n; ++i) {
        const double p = 2.0 * ODT_PI * sqrt(a[i] * a[i] * a[i] / 398600.4418);
        const double arc = p * asin(6378.137 / a[i]) / ODT_PI;
        lim = arc < lim ? arc : lim;
    }
    free(a);
    H5Fclose(v.f);
    cr_assert(lim > 2000.0 && lim < 2400.0, "the 550 km shadow arc %g s", lim);
    assert_rel(sum.eclipse_step_limit_s, lim, 1e-12, "summary's step limit");
    char *st = summary_text(&sum, 0);
    cr_assert_not_null(strstr(st, "WARNING: step 2400 s is longer than the shortest shadow arc"), "%s", st);
    char line[512];
    cr_assert_not_null(line_of(st, "longest umbra pass", line, sizeof line));
    free(st);
    char *js = report_json(h5path);
    cr_assert_eq(json_num(js, "eclipses", "step_s"), 2400.0);
    assert_rel(json_num(js, "eclipses", "step_limit_s"), lim, 1e-12, "report's step limit");
    char w[512];
    json_str(js, "eclipses", "step_warning", w, sizeof w);
    cr_assert_not_null(strstr(w, "unreliable"), "%s", w);
    free(js);
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    char *txt = report_ok(h5path, &opt);
    cr_assert_not_null(strstr(txt, "WARNING: step 2400 s is longer than the shortest shadow arc"));
    free(txt);
}

Test(report_labels, ground_reference_labels_and_named_sites, .fini = cleanup)
{
    run_small();
    char s[512];
    /* the default: labelled as such */
    char *js = report_json(h5path);
    json_str(js, "array_yield", "ground_basis", s, sizeof s);
    cr_assert(!strncmp(s, "the default (no --ground-* option): CF 0.24", 43), "%s", s);
    free(js);
    /* the latitude model: a clear-sky upper bound */
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.ground_method = ODT_GROUND_LATITUDE;
    opt.ground_lat_deg = 52.0;
    js = report_ok(h5path, &opt);
    json_str(js, "array_yield", "ground_basis", s, sizeof s);
    cr_assert_not_null(strstr(s, "clear sky all year at 52.0 deg: an UPPER BOUND"), "%s", s);
    free(js);
    /* a named site: its capacity factor, E = 1000 W/m2 x CF x year x efficiency */
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.ground_site = "germany";
    js = report_ok(h5path, &opt);
    struct fileview v = open_view(h5path);
    const double eff = class_value(&v, "array_efficiency");
    H5Fclose(v.f);
    cr_assert_eq(json_num(js, "array_yield", "ground_capacity_factor"), 0.108);
    assert_rel(json_num(js, "array_yield", "ground_kwh_m2_yr"), 1000.0 * 0.108 * YEAR_S * eff / 3.6e6, 1e-12,
               "ground energy of the germany site");
    json_str(js, "array_yield", "ground_site", s, sizeof s);
    cr_assert_str_eq(s, "germany");
    json_str(js, "array_yield", "ground_basis", s, sizeof s);
    cr_assert_not_null(strstr(s, "Fraunhofer ISE"), "%s", s);
    free(js);
    /* every site of the table is a capacity factor in (0, 1) and is found by its name */
    int n;
    const struct odt_report_ground_site *t = odt_report_ground_sites(&n);
    cr_assert(n >= 4);
    for (int k = 0; k < n; ++k) {
        cr_assert(t[k].capacity_factor > 0.05 && t[k].capacity_factor < 0.35, "%s", t[k].name);
        cr_assert_eq(odt_report_ground_site_find(t[k].name), &t[k]);
    }
    /* an unknown site: refused */
    odt_report_options_init(&opt);
    opt.ground_site = "atlantis";
    enum odt_status st;
    char err[512] = "";
    free(report(h5path, &opt, &st, err, sizeof err));
    cr_assert_eq(st, ODT_ERR_VALUE);
    cr_assert_not_null(strstr(err, "atlantis"), "%s", err);
}
