/*
 * test_report.c: `odtwin report` (host/report.c) against sums computed here
 * from the snapshot file with the HDF5 API, and on bad files.
 *
 * The run is tests/data/scenarios/small.yaml made three hours long with the
 * conical shadow (written to a temporary folder), so that the fleet of 6
 * satellites at 550 km passes through complete umbras and penumbral shadows:
 * 18 records (every 600 s), about 10 complete eclipses of each kind.
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
    char p[700];
    remove(h5path);
    for (int k = 0; k < n_scratch; ++k)
        remove(scratch[k]);
    snprintf(p, sizeof p, "%s/report.yaml", tmpdir);
    remove(p);
    rmdir(tmpdir);
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

/* Run small.yaml, 3 h, conical shadow, on the CPU into h5path. */
static void run_small(void)
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
    fclose(f);
    free(text);
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.scenario_path = ypath;
    opt.output_path = h5path;
    opt.backend = "cpu";
    opt.threads = 1;
    opt.quiet = 1;
    struct odt_run_summary sum;
    char err[1024] = "";
    cr_assert_eq(odt_run(&opt, &sum, err, sizeof err), ODT_OK, "odt_run failed: %s", err);
    cr_assert_eq(sum.satellites, 6);
    cr_assert_eq(sum.snapshots, 19);
}

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
    hsize_t t, n;
};

static struct fileview open_view(const char *path)
{
    struct fileview v;
    v.f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(v.f, 0, "cannot open %s", path);
    hsize_t dims[3];
    H5T_class_t c;
    size_t sz;
    cr_assert_geq(H5LTget_dataset_info(v.f, "/energy_solar", dims, &c, &sz), 0);
    v.t = dims[0];
    v.n = dims[1];
    return v;
}

static double *read_all(struct fileview *v, const char *name, size_t count)
{
    double *b = malloc(sizeof(double) * count);
    cr_assert_geq(H5LTread_dataset_double(v->f, name, b), 0, "reading %s", name);
    return b;
}

/* Sum over satellites of the last record of a [T, N] dataset. */
static double last_sum(struct fileview *v, const char *name)
{
    double *b = read_all(v, name, v->t * v->n);
    double s = 0.0;
    for (hsize_t i = 0; i < v->n; ++i)
        s += b[(v->t - 1) * v->n + i];
    free(b);
    return s;
}

static double class_value(struct fileview *v, const char *col)
{
    char name[128];
    snprintf(name, sizeof name, "/classes/%s", col);
    double x[4];
    cr_assert_geq(H5LTread_dataset_double(v->f, name, x), 0, "%s", name);
    return x[0]; /* one class in this scenario */
}

/* ------------------------------------------------------------------ numbers */

Test(report, energy_balance_matches_the_file, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    static const char *const ds[8] = {"/energy_solar", "/energy_demand", "/energy_served", "/energy_unserved",
                                      "/energy_curtailed", "/energy_charge", "/energy_discharge", "/energy_loss"};
    static const char *const key[8] = {"solar_mwh", "demand_mwh", "served_mwh", "unserved_mwh", "curtailed_mwh",
                                       "battery_charge_mwh", "battery_discharge_mwh", "battery_loss_mwh"};
    double e[8];
    for (int k = 0; k < 8; ++k) {
        e[k] = last_sum(&v, ds[k]);
        cr_assert_gt(e[k], 0.0, "%s is zero: the check would be empty", ds[k]);
        assert_rel(json_num(js, "energy", key[k]), e[k] / 3.6e9, 1e-9, key[k]);
    }
    const double resid = (e[0] + e[6] - e[2] - e[5] - e[4]) / (e[0] + e[6]);
    cr_assert_leq(fabs(json_num(js, "energy", "closure_residual_rel") - resid), 1e-12);
    cr_assert_leq(fabs(resid), 1e-12, "the run's energy books do not close: %g", resid);
    const double sunlit = last_sum(&v, "/sunlit_time") / last_sum(&v, "/elapsed_time");
    assert_rel(json_num(js, "energy", "sunlit_fraction"), sunlit, 1e-12, "sunlit fraction");
    cr_assert(sunlit > 0.3 && sunlit < 0.9, "sunlit fraction %g", sunlit);
    assert_rel(json_num(js, "energy", "served_fraction"), e[2] / e[1], 1e-12, "served fraction");
    assert_rel(json_num(js, "run", "duration_s"), 10800.0, 1e-15, "duration");
    cr_assert_eq(json_num(js, "run", "satellites"), 6.0);
    cr_assert_eq(json_num(js, "run", "snapshots"), 19.0);
    char s[128];
    json_str(js, "run", "scenario", s, sizeof s);
    cr_assert_str_eq(s, "small-walker");
    json_str(js, "run", "epoch_utc", s, sizeof s);
    cr_assert_str_eq(s, "2026-03-20T12:00:00.000Z");
    json_str(js, "run", "run_status", s, sizeof s);
    cr_assert_str_eq(s, "complete");
    H5Fclose(v.f);
    free(js);
}

Test(report, array_yield_and_ground_ratio, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    double *es = read_all(&v, "/energy_solar", v.t * v.n);
    double *time = read_all(&v, "/time", v.t);
    const double area = class_value(&v, "array_area_m2"), eff = class_value(&v, "array_efficiency");
    const double dur = time[v.t - 1];
    double sum = 0.0, lo = INFINITY, hi = -INFINITY;
    for (hsize_t i = 0; i < v.n; ++i) {
        const double y = es[(v.t - 1) * v.n + i] / area * YEAR_S / dur / 3.6e6; /* kWh/m2/yr */
        sum += y;
        lo = y < lo ? y : lo;
        hi = y > hi ? y : hi;
    }
    const double mean = sum / (double)v.n;
    assert_rel(json_num(js, "array_yield", "orbit_mean_kwh_m2_yr"), mean, 1e-12, "mean");
    assert_rel(json_num(js, "array_yield", "orbit_min_kwh_m2_yr"), lo, 1e-12, "min");
    assert_rel(json_num(js, "array_yield", "orbit_max_kwh_m2_yr"), hi, 1e-12, "max");
    const double ground = 1000.0 * 0.24 * YEAR_S * eff / 3.6e6;
    assert_rel(json_num(js, "array_yield", "ground_kwh_m2_yr"), ground, 1e-12, "ground");
    assert_rel(json_num(js, "array_yield", "space_ground_ratio"), mean / ground, 1e-12, "space/ground");
    const double sunlit = last_sum(&v, "/sunlit_time") / last_sum(&v, "/elapsed_time");
    assert_rel(json_num(js, "array_yield", "reference_ratio"), 1361.0 * sunlit / (1000.0 * 0.24), 1e-12, "reference");
    /* a sun-tracking array: the run's ratio is near the reference (temperature and the Sun distance apart) */
    const double ratio = mean / ground;
    cr_assert(ratio > 0.8 * 1361.0 * sunlit / 240.0 && ratio < 1.1 * 1361.0 * sunlit / 240.0, "ratio %g", ratio);
    cr_assert(isnan(json_num(js, "array_yield", "ground_latitude_deg")));

    /* another capacity factor scales the ground reference */
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    opt.json = 1;
    opt.ground_cf = 0.12;
    char *js2 = report_ok(h5path, &opt);
    assert_rel(json_num(js2, "array_yield", "space_ground_ratio"), 2.0 * mean / ground, 1e-12, "cf 0.12");
    free(js2);
    free(es);
    free(time);
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

Test(report, temperatures_and_radiator, .fini = cleanup)
{
    run_small();
    char *js = report_json(h5path);
    struct fileview v = open_view(h5path);
    double *nt = read_all(&v, "/node_temperature", v.t * v.n * 4);
    double *cp = read_all(&v, "/compute_power", v.t * v.n);
    static const char *const node[4] = {"array", "radiator", "payload", "bus"};
    for (int k = 0; k < 4; ++k) {
        double lo = INFINITY, hi = -INFINITY, sum = 0.0;
        for (size_t j = 0; j < v.t * v.n; ++j) {
            const double x = nt[4 * j + (size_t)k];
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            sum += x;
        }
        cr_assert_eq(json_num(js, node[k], "min_k"), lo, "%s min", node[k]);
        cr_assert_eq(json_num(js, node[k], "max_k"), hi, "%s max", node[k]);
        assert_rel(json_num(js, node[k], "mean_k"), sum / (double)(v.t * v.n), 1e-12, node[k]);
    }
    double qmax = 0.0;
    for (size_t j = 0; j < v.t * v.n; ++j)
        qmax = cp[j] > qmax ? cp[j] : qmax;
    const double over = last_sum(&v, "/time_over_limit");
    cr_assert_eq(json_num(js, "thermal", "payload_time_over_limit_s"), over);
    assert_rel(json_num(js, "thermal", "payload_heat_max_w"), qmax, 1e-15, "largest payload heat");

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
    free(nt);
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
    const double arrived = last_sum(&v, "/tokens_arrived"), served = last_sum(&v, "/tokens_served");
    const double dropped = last_sum(&v, "/tokens_dropped"), waiting = last_sum(&v, "/queue_waiting");
    double t_end;
    {
        hsize_t dims[1];
        H5T_class_t c;
        size_t sz;
        cr_assert_geq(H5LTget_dataset_info(v.f, "/time", dims, &c, &sz), 0);
        double *t = malloc(sizeof(double) * dims[0]);
        cr_assert_geq(H5LTread_dataset_double(v.f, "/time", t), 0);
        t_end = t[dims[0] - 1];
        free(t);
    }
    H5Fclose(v.f);
    cr_assert_gt(served, 0.0, "the small run serves tokens");
    cr_assert_eq(json_num(js, "compute", "tokens_arrived"), arrived);
    cr_assert_eq(json_num(js, "compute", "tokens_served"), served);
    cr_assert_eq(json_num(js, "compute", "tokens_dropped"), dropped);
    /* requests are conserved exactly: whole numbers in doubles */
    cr_assert_eq(arrived, served + dropped + waiting, "arrived %.17g = served %.17g + dropped %.17g + waiting %.17g",
                 arrived, served, dropped, waiting);
    cr_assert_eq(json_num(js, "compute", "conservation_residual"), 0.0);
    assert_rel(json_num(js, "compute", "tokens_per_s_mean"), served / t_end, 1e-15, "tokens/s");
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
