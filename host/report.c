/*
 * report.c: `odtwin report`: summary tables of a snapshot file (docs/report.md).
 *
 * Reads schema 2.x: the end state of every satellite (/final), the per-step
 * fleet series (/series), the per-satellite records of the fields the
 * scenario asked for (snapshot_fields, of the record satellites), and the
 * event tables; docs/report.md names the source of every figure. HDF5 access
 * goes through host/h5io.h (attributes, chunked series, the static datasets
 * /fleet, /classes and /final, and the snapshot reading that `odtwin export`
 * shares: opening the file, its schema, its complete records).
 *
 * Layout: a reader context (the open file, the fleet's size and classes, the
 * end-state totals, one pass over the fleet series), an output writer that
 * prints the same calls as aligned text or as JSON, and a table of sections,
 * each one function. A new section is a function and a row in `sections`.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "host/json.h"
#include "host/report.h"
#include "host/claims_report.h"
#include "power_thermal/battery.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/ephem.h"
#include "host/h5io.h"
#include "host/scenario.h"
#include "kernels/fleet.h"
#include "power_thermal/ground.h"
#include "power_thermal/thermal_network.h"

#define J_PER_MWH 3.6e9
#define J_PER_KWH 3.6e6
#define ODT_REP_BLOCK ((hsize_t)65536) /* rows of the eclipse table read at a time */

/* Real-weather ground references: published typical capacity factors, rounded (sources, and which of them could be
   confirmed: docs/report.md, "Ground references"). The twin's CF is energy over nameplate-at-1000-W/m^2 x hours; a
   figure quoted on AC capacity (the inverter rating) is higher than the same plant's CF on DC nameplate by the DC/AC
   ratio. */
static const struct odt_report_ground_site ground_sites[] = {
    {"us-median", 0.24, "US utility-scale PV, sample median of the plant-level AC capacity factors, all mounting types "
                        "(LBNL, Utility-Scale Solar, 2023 and 2024 editions: 24 %; the figure of the Starcloud "
                        "interview)"},
    {"world-2022", 0.169, "global weighted average of the new utility-scale PV commissioned in 2022, AC basis (IRENA, "
                          "Renewable Power Generation Costs in 2022, 2023: 16.9 %)"},
    {"phoenix", 0.21, "Phoenix AZ, 33.4 N, fixed open-rack array near latitude tilt, about 1850 kWh/kWp/yr (NREL "
                      "PVWatts-type estimate, TMY weather, 14 % losses; not confirmed against a PVWatts run)"},
    {"germany", 0.108, "Germany, 48-54 N, typical yield about 950 kWh/kWp/yr (Fraunhofer ISE, Recent Facts about "
                       "Photovoltaics in Germany: figure not confirmed; measured rooftop yields 2012-2018: "
                       "816-1049 kWh/kWp)"},
    {"uk", 0.105, "United Kingdom, 50-58 N, solar PV load factor about 10.5 % (DESNZ, Digest of UK Energy Statistics, "
                  "chapter 6: year not confirmed; 2013-2022 values about 9.8-11.4 %)"},
};

const struct odt_report_ground_site *odt_report_ground_sites(int *n)
{
    *n = (int)(sizeof ground_sites / sizeof ground_sites[0]);
    return ground_sites;
}

const struct odt_report_ground_site *odt_report_ground_site_find(const char *name)
{
    for (size_t k = 0; name && k < sizeof ground_sites / sizeof ground_sites[0]; ++k)
        if (!strcmp(name, ground_sites[k].name))
            return &ground_sites[k];
    return NULL;
}

/* ================================================================ output: text or JSON */

#define OUT_MAX_DEPTH 8
#define OUT_LABEL_W 40

struct out {
    FILE *f;
    int json;
    int depth;
    int items[OUT_MAX_DEPTH];  /* members written so far at each depth (JSON commas) */
    int is_array[OUT_MAX_DEPTH];
};


/* JSON: the separator, indentation and key of the next member (key NULL inside an array). */
static void json_member(struct out *o, const char *key)
{
    if (o->items[o->depth]++)
        fputc(',', o->f);
    fputc('\n', o->f);
    for (int i = 0; i <= o->depth; ++i)
        fputs("  ", o->f);
    if (key && !o->is_array[o->depth]) {
        odt_json_string(o->f, key);
        fputs(": ", o->f);
    }
}

/* Text: indentation and the padded label of a line. */
static void text_label(struct out *o, const char *label)
{
    const int indent = 2 * o->depth;
    int w = OUT_LABEL_W - indent;
    fprintf(o->f, "%*s%-*s ", indent, "", w < 1 ? 1 : w, label ? label : "");
}

static void out_open(struct out *o, FILE *f, int json)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->json = json;
    if (json)
        fputc('{', f);
}

static void out_close(struct out *o)
{
    if (o->json)
        fputs("\n}\n", o->f);
}

static void out_begin(struct out *o, const char *key, const char *title, int array)
{
    if (o->json) {
        json_member(o, key);
        fputc(array ? '[' : '{', o->f);
    } else if (title) {
        if (o->depth == 0)
            fprintf(o->f, "\n%s\n", title);
        else
            fprintf(o->f, "%*s%s\n", 2 * o->depth, "", title);
    }
    if (o->depth + 1 < OUT_MAX_DEPTH) {
        ++o->depth;
        o->items[o->depth] = 0;
        o->is_array[o->depth] = array;
    }
}

static void out_end(struct out *o)
{
    const int array = o->is_array[o->depth], had = o->items[o->depth];
    if (o->depth > 0)
        --o->depth;
    if (o->json) {
        if (had) {
            fputc('\n', o->f);
            for (int i = 0; i <= o->depth; ++i)
                fputs("  ", o->f);
        }
        fputc(array ? ']' : '}', o->f);
    }
}

/* A number: text with printf format fmt and unit (NaN/inf: "n/a"); JSON full precision or null. */
static void out_num(struct out *o, const char *key, const char *label, double v, const char *fmt, const char *unit)
{
    if (o->json) {
        json_member(o, key);
        odt_json_number(o->f, v);
        return;
    }
    text_label(o, label);
    if (isfinite(v)) {
        fprintf(o->f, fmt, v);
        fprintf(o->f, "%s%s\n", unit && unit[0] ? " " : "", unit ? unit : "");
    } else {
        fputs("n/a\n", o->f);
    }
}

static void out_int(struct out *o, const char *key, const char *label, long long v, const char *unit)
{
    if (o->json) {
        json_member(o, key);
        fprintf(o->f, "%lld", v);
        return;
    }
    text_label(o, label);
    fprintf(o->f, "%lld%s%s\n", v, unit && unit[0] ? " " : "", unit ? unit : "");
}

/* A string; s NULL is JSON null and "n/a" in text. */
static void out_str(struct out *o, const char *key, const char *label, const char *s)
{
    if (o->json) {
        json_member(o, key);
        if (s)
            odt_json_string(o->f, s);
        else
            fputs("null", o->f);
        return;
    }
    text_label(o, label);
    fprintf(o->f, "%s\n", s ? s : "n/a");
}

/* A line of text only (JSON: nothing). */
static void out_note(struct out *o, const char *fmt, ...)
{
    if (o->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(o->f, "%*s", 2 * o->depth, "");
    vfprintf(o->f, fmt, ap);
    fputc('\n', o->f);
    va_end(ap);
}

/* ================================================================ reader */

/* Columns of /classes that the report uses. */
enum cls_col {
    CC_ARRAY_AREA, CC_ARRAY_EFF, CC_COMPUTE_W, CC_BUS_W, CC_BAT_J, CC_SOC_MIN, CC_SOC_MAX, CC_ETA_DIS,
    CC_T_LIMIT, CC_RAD_AREA, CC_RAD_SIDES, CC_RAD_EPS, CC_G_PR, CC_ACCELERATORS, CC_BURN_IN, CC_N
};
static const char *const cls_col_name[CC_N] = {
    "array_area_m2", "array_efficiency", "compute_power_w", "bus_power_w", "battery_capacity_j",
    "battery_soc_min", "battery_soc_max", "battery_discharge_efficiency", "payload_temp_limit_k",
    "radiator_area_m2", "radiator_sides", "radiator_emissivity", "payload_radiator_conductance_w_k",
    "accelerators", "burn_in_s"};

/* Cumulative energies summed over the fleet in the end state (/final). */
enum energy_col { EN_SOLAR, EN_DEMAND, EN_SERVED, EN_UNSERVED, EN_CURTAILED, EN_CHARGE, EN_DISCHARGE, EN_LOSS, EN_N };
static const char *const energy_name[EN_N] = {"energy_solar", "energy_demand", "energy_served", "energy_unserved",
                                               "energy_curtailed", "energy_charge", "energy_discharge",
                                               "energy_loss"};

/* What one pass over the fleet series (/series) gives, over the rows the report covers. */
struct series_stats {
    hsize_t rows;        /* rows used */
    double every;        /* attribute every_steps (NaN when absent) */
    double temp_min, temp_max, temp_min_t, temp_max_t; /* payload temperature over active satellites, K; when */
    double temp_sum, temp_count;                       /* sum of class mean x satellites active; satellites */
    double soc_min, soc_min_t;                         /* lowest state of charge, and when */
    double demand_sum;   /* sum of the per-step demand over the rows, tokens */
    double active_last;  /* satellites active (all classes) at the last row used */
};

struct rep {
    const char *path;
    struct odt_report_options opt;
    hid_t file;
    size_t n;             /* fleet satellites */
    size_t m;             /* record satellites */
    int32_t *rec_sat;     /* [m] fleet index of each record satellite (root /satellite) */
    hsize_t t;            /* complete records */
    double last_record_s; /* time[T-1] */
    int has_final;        /* /final is in the file (written when the run closed it) */
    double final_s;       /* attribute time of /final */
    double t_end;         /* what the report covers: final_s, else last_record_s */
    int32_t *cls;         /* [n] class of each satellite */
    int n_classes;        /* 0 when the file has no (complete) /classes group */
    double *col[CC_N];    /* [n_classes] each */
    char (*class_name)[64];
    size_t *class_sats;   /* satellites per class */
    double e_last[EN_N];  /* fleet sums in the end state, J (NaN without /final) */
    double sunlit_s, elapsed_s;
    struct series_stats ser;
    struct odt_epoch epoch;
    int epoch_ok;
    struct odt_scenario sc; /* the scenario text of the file, parsed (scenario_ok) */
    int scenario_ok;
    double *buf;          /* scratch: max(n, m) * 4 doubles */
    char *err;
    size_t errlen;
};

static enum odt_status fail(struct rep *r, enum odt_status st, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "%s: %s", r->path, msg);
    return st;
}

/* Text attribute `name` of object `obj` ("." the root) into buf, cut to len - 1 bytes (odt_h5_attr_text); 0 on
   success. */
static int attr_text(hid_t loc, const char *obj, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    char *s = odt_h5_attr_text(loc, obj, name);
    if (!s)
        return -1;
    snprintf(buf, len, "%s", s);
    free(s);
    return 0;
}

/* Numeric scalar attribute of object obj ("." the root) as a double; 0 on success. */
static int attr_double(hid_t loc, const char *obj, const char *name, double *v)
{
    const int root = !obj || !strcmp(obj, ".");
    if (!root && !odt_h5_link_exists(loc, obj))
        return -1;
    hid_t o = root ? loc : H5Oopen(loc, obj, H5P_DEFAULT);
    if (o < 0)
        return -1;
    const int rc = H5Aexists(o, name) > 0 ? odt_h5_attr_get_double(o, name, v) : -1;
    if (!root)
        H5Oclose(o);
    return rc;
}

/* A per-satellite record dataset [T, m] or [T, m, ncomp] at the root: 1 and s open (close it) when the file
   holds it with that shape, 0 when the run did not record it (snapshot_fields), an error status otherwise
   (*st set). */
static int rec_open(struct rep *r, const char *name, int ncomp, struct odt_h5_series *s, enum odt_status *st)
{
    *st = ODT_OK;
    memset(s, 0, sizeof *s);
    s->d = s->mem_type = H5I_INVALID_HID;
    if (!odt_h5_link_exists(r->file, name))
        return 0;
    if (odt_h5_series_open(s, r->file, name, H5T_NATIVE_DOUBLE) != 0) {
        *st = fail(r, ODT_ERR_PARSE, "dataset /%s is unreadable: not a complete odtwin snapshot", name);
        return -1;
    }
    if (s->rank != (ncomp > 1 ? 3 : 2) || s->dims[0] < r->t || s->dims[1] != r->m ||
        (ncomp > 1 && s->dims[2] != (hsize_t)ncomp)) {
        odt_h5_series_close(s);
        *st = fail(r, ODT_ERR_PARSE, "dataset /%s has an unexpected shape (records of %zu satellites expected)",
                   name, r->m);
        return -1;
    }
    return 1;
}

/* Read record rec of an open record dataset into buf (m * ncomp doubles, [j][c]). */
static enum odt_status rec_read(struct rep *r, const struct odt_h5_series *s, const char *name, hsize_t rec,
                                double *buf)
{
    if (odt_h5_series_read(s, rec, 1, buf) != 0)
        return fail(r, ODT_ERR_IO, "cannot read record %llu of /%s (the file is damaged or truncated)",
                    (unsigned long long)rec, name);
    return ODT_OK;
}

/* Field `name` of the end state, /final/NAME [n] (one value per satellite) into buf. */
static enum odt_status final_read(struct rep *r, const char *name, double *buf)
{
    char path[128];
    snprintf(path, sizeof path, "final/%s", name);
    if (odt_h5_static_read(r->file, path, H5T_NATIVE_DOUBLE, (hsize_t)r->n, buf) != 0)
        return fail(r, ODT_ERR_PARSE, "dataset /%s is missing, unreadable or not of %zu satellites: not a complete "
                                      "odtwin snapshot", path, r->n);
    return ODT_OK;
}

/* Sum over satellites (of class c; all when c < 0) of /final/NAME. */
static enum odt_status final_sum(struct rep *r, const char *name, int c, double *sum)
{
    enum odt_status st = final_read(r, name, r->buf);
    if (st != ODT_OK)
        return st;
    double s = 0.0;
    for (size_t i = 0; i < r->n; ++i)
        if (c < 0 || r->cls[i] == c)
            s += r->buf[i];
    *sum = s;
    return ODT_OK;
}

static void rep_free(struct rep *r)
{
    if (r->file >= 0)
        H5Fclose(r->file);
    free(r->cls);
    free(r->rec_sat);
    for (int k = 0; k < CC_N; ++k)
        free(r->col[k]);
    free(r->class_name);
    free(r->class_sats);
    free(r->buf);
    if (r->scenario_ok)
        odt_scenario_free(&r->sc);
}

/* /classes: all the columns the report needs, with names; n_classes stays 0 when any is missing. */
static enum odt_status load_classes(struct rep *r)
{
    hsize_t dims[3];
    if (odt_h5_static_shape(r->file, "classes/array_area_m2", dims) != 1 || dims[0] == 0 || dims[0] > 100000)
        return ODT_OK;
    const int nc = (int)dims[0];
    for (int k = 0; k < CC_N; ++k) {
        char name[128];
        snprintf(name, sizeof name, "classes/%s", cls_col_name[k]);
        if (odt_h5_static_shape(r->file, name, dims) != 1 || dims[0] != (hsize_t)nc)
            return ODT_OK; /* an incomplete file: the sections that need classes say so */
        r->col[k] = malloc(sizeof(double) * (size_t)nc);
        if (!r->col[k])
            return fail(r, ODT_ERR_NOMEM, "out of memory");
        if (odt_h5_static_read(r->file, name, H5T_NATIVE_DOUBLE, (hsize_t)nc, r->col[k]) != 0)
            return fail(r, ODT_ERR_IO, "cannot read /%s (the file is damaged or truncated)", name);
    }
    r->class_name = calloc((size_t)nc, sizeof *r->class_name);
    r->class_sats = calloc((size_t)nc, sizeof *r->class_sats);
    if (!r->class_name || !r->class_sats)
        return fail(r, ODT_ERR_NOMEM, "out of memory");
    char *names = odt_h5_attr_text(r->file, "classes", "names");
    char *p = names;
    for (int c = 0; c < nc; ++c) {
        char *comma = p ? strchr(p, ',') : NULL;
        if (comma)
            *comma = '\0';
        if (p && *p)
            snprintf(r->class_name[c], sizeof r->class_name[c], "%s", p);
        else
            snprintf(r->class_name[c], sizeof r->class_name[c], "class %d", c);
        p = comma ? comma + 1 : NULL;
    }
    free(names);
    for (size_t i = 0; i < r->n; ++i) {
        if (r->cls[i] < 0 || r->cls[i] >= nc)
            return fail(r, ODT_ERR_PARSE, "/fleet/cls[%zu] = %d is not a class of /classes (%d classes)", i,
                        (int)r->cls[i], nc);
        r->class_sats[r->cls[i]]++;
    }
    r->n_classes = nc;
    return ODT_OK;
}

/* One pass over the fleet series: the rows up to the end the report covers (t_end; without /final, up to
   series_rows of the last record: rows past it belong to no complete record). */
enum { SV_TIME, SV_DEMAND, SV_TMIN, SV_TMAX, SV_TMEAN, SV_ACTIVE, SV_SOCMIN, SV_NV };
static const char *const series_var[SV_NV] = {"time", "demand_tokens", "payload_temperature_min",
                                              "payload_temperature_max", "payload_temperature_mean",
                                              "satellites_active", "soc_min"};

static enum odt_status scan_series(struct rep *r)
{
    struct series_stats *S = &r->ser;
    S->temp_min = S->soc_min = INFINITY;
    S->temp_max = -INFINITY;
    S->temp_min_t = S->temp_max_t = S->soc_min_t = NAN;
    S->every = NAN;
    if (attr_double(r->file, "series", "every_steps", &S->every) != 0)
        S->every = NAN;
    struct odt_h5_series s[SV_NV];
    memset(s, 0, sizeof s);
    for (int v = 0; v < SV_NV; ++v)
        s[v].d = s[v].mem_type = H5I_INVALID_HID;
    enum odt_status st = ODT_OK;
    hsize_t rows = 0, nc = 0;
    for (int v = 0; v < SV_NV && st == ODT_OK; ++v) {
        char name[96];
        snprintf(name, sizeof name, "series/%s", series_var[v]);
        const int want_rank = v <= SV_DEMAND ? 1 : 2;
        if (!odt_h5_link_exists(r->file, name) || odt_h5_series_open(&s[v], r->file, name, H5T_NATIVE_DOUBLE) != 0 ||
            s[v].rank != want_rank) {
            st = fail(r, ODT_ERR_PARSE, "dataset /%s is missing or unreadable: not a complete odtwin snapshot", name);
            break;
        }
        if (v == SV_TMIN)
            nc = s[v].dims[1];
        if (want_rank == 2 && (s[v].dims[1] != nc || nc == 0 || (r->n_classes && nc != (hsize_t)r->n_classes)))
            st = fail(r, ODT_ERR_PARSE, "dataset /%s has an unexpected shape (one column per class expected)", name);
        if (v == 0 || s[v].dims[0] < rows)
            rows = s[v].dims[0];
    }
    if (st == ODT_OK && !r->has_final && odt_h5_link_exists(r->file, "series_rows")) {
        struct odt_h5_series sr;
        long long upto = -1;
        if (odt_h5_series_open(&sr, r->file, "series_rows", H5T_NATIVE_LLONG) != 0 ||
            odt_h5_series_read(&sr, r->t - 1, 1, &upto) != 0)
            st = fail(r, ODT_ERR_IO, "cannot read /series_rows (the file is damaged or truncated)");
        odt_h5_series_close(&sr);
        if (st == ODT_OK && upto >= 0 && (hsize_t)upto < rows)
            rows = (hsize_t)upto;
    }
    const hsize_t block = rows < ODT_REP_BLOCK ? (rows ? rows : 1) : ODT_REP_BLOCK;
    double *b[SV_NV];
    for (int v = 0; v < SV_NV; ++v)
        b[v] = st == ODT_OK ? malloc(sizeof(double) * block * (v <= SV_DEMAND ? 1 : nc)) : NULL;
    for (int v = 0; v < SV_NV && st == ODT_OK; ++v)
        if (!b[v])
            st = fail(r, ODT_ERR_NOMEM, "out of memory");
    const double t_lim = r->t_end + 1e-6 * (fabs(r->t_end) + 1.0);
    hsize_t used = 0;
    int done = 0;
    for (hsize_t q0 = 0; st == ODT_OK && !done && q0 < rows; q0 += block) {
        const hsize_t cnt = rows - q0 < block ? rows - q0 : block;
        for (int v = 0; v < SV_NV && st == ODT_OK; ++v)
            if (odt_h5_series_read(&s[v], q0, cnt, b[v]) != 0)
                st = fail(r, ODT_ERR_IO, "cannot read rows %llu..%llu of /series/%s (the file is damaged or "
                                         "truncated)", (unsigned long long)q0, (unsigned long long)(q0 + cnt - 1),
                          series_var[v]);
        for (hsize_t q = 0; st == ODT_OK && q < cnt; ++q) {
            const double t = b[SV_TIME][q];
            if (!(t <= t_lim)) {
                done = 1;
                break;
            }
            S->demand_sum += b[SV_DEMAND][q];
            double active = 0.0;
            for (hsize_t c = 0; c < nc; ++c) {
                const size_t k = (size_t)(q * nc + c);
                const double a = b[SV_ACTIVE][k];
                active += a;
                if (a > 0.0) {
                    if (b[SV_TMIN][k] < S->temp_min) {
                        S->temp_min = b[SV_TMIN][k];
                        S->temp_min_t = t;
                    }
                    if (b[SV_TMAX][k] > S->temp_max) {
                        S->temp_max = b[SV_TMAX][k];
                        S->temp_max_t = t;
                    }
                    if (isfinite(b[SV_TMEAN][k])) {
                        S->temp_sum += b[SV_TMEAN][k] * a;
                        S->temp_count += a;
                    }
                }
                if (b[SV_SOCMIN][k] < S->soc_min) { /* NaN (no battery in the class) never is */
                    S->soc_min = b[SV_SOCMIN][k];
                    S->soc_min_t = t;
                }
            }
            S->active_last = active;
            ++used;
        }
    }
    for (int v = 0; v < SV_NV; ++v) {
        free(b[v]);
        odt_h5_series_close(&s[v]);
    }
    S->rows = used;
    if (!isfinite(S->temp_min))
        S->temp_min = S->temp_max = NAN;
    if (!isfinite(S->soc_min))
        S->soc_min = NAN;
    return st;
}

/* Open and check the file; read what every section shares. */
static enum odt_status rep_open(struct rep *r)
{
    char why[512];
    r->file = odt_h5_snapshot_open(r->path, why, sizeof why);
    if (r->file < 0)
        return fail(r, ODT_ERR_IO, "%s", why);
    if (odt_h5_snapshot_schema(r->file, why, sizeof why) != 0)
        return fail(r, ODT_ERR_PARSE, "%s", why);

    /* the fleet: /fleet/cls [N], and the root attribute fleet_satellites */
    hsize_t dims[3];
    if (odt_h5_static_shape(r->file, "fleet/cls", dims) != 1)
        return fail(r, ODT_ERR_PARSE, "dataset /fleet/cls is missing or unreadable: not a complete odtwin snapshot");
    r->n = (size_t)dims[0];
    double nfleet;
    if (attr_double(r->file, ".", "fleet_satellites", &nfleet) == 0 && nfleet != (double)r->n)
        return fail(r, ODT_ERR_PARSE, "attribute fleet_satellites = %.0f but /fleet/cls has %zu satellites: the file "
                                      "is damaged", nfleet, r->n);
    /* the record satellites: the root scale /satellite [m] holds their fleet indices */
    if (odt_h5_static_shape(r->file, "satellite", dims) != 1)
        return fail(r, ODT_ERR_PARSE, "dataset /satellite is missing or unreadable: not a complete odtwin snapshot");
    r->m = (size_t)dims[0];

    /* complete records (time is written last, so a record is complete once time holds it and reads back) */
    if (odt_h5_snapshot_records(r->file, &r->t, why, sizeof why) != 0)
        return fail(r, ODT_ERR_PARSE, "%s", why);
    if (r->t == 0)
        return fail(r, ODT_ERR_VALUE, "the run has no records (0 snapshots): nothing to report");
    if (r->n == 0)
        return fail(r, ODT_ERR_VALUE, "the fleet has no satellites: nothing to report");
    /* the last complete record's time */
    struct odt_h5_series s;
    const int time_ok = odt_h5_series_open(&s, r->file, "time", H5T_NATIVE_DOUBLE) == 0 &&
                        odt_h5_series_read(&s, r->t - 1, 1, &r->last_record_s) == 0;
    odt_h5_series_close(&s);
    if (!time_ok)
        return fail(r, ODT_ERR_IO, "cannot read /time (the file is damaged or truncated)");

    const size_t nb = r->n > r->m ? r->n : r->m;
    r->cls = malloc(sizeof(int32_t) * r->n);
    r->rec_sat = malloc(sizeof(int32_t) * (r->m ? r->m : 1));
    r->buf = malloc(sizeof(double) * 4 * nb);
    if (!r->cls || !r->rec_sat || !r->buf)
        return fail(r, ODT_ERR_NOMEM, "out of memory (%zu satellites)", r->n);
    if (odt_h5_static_read(r->file, "fleet/cls", H5T_NATIVE_INT32, (hsize_t)r->n, r->cls) != 0)
        return fail(r, ODT_ERR_IO, "cannot read /fleet/cls (the file is damaged or truncated)");
    if (odt_h5_static_read(r->file, "satellite", H5T_NATIVE_INT32, (hsize_t)r->m, r->rec_sat) != 0)
        return fail(r, ODT_ERR_IO, "cannot read /satellite (the file is damaged or truncated)");
    for (size_t j = 0; j < r->m; ++j)
        if (r->rec_sat[j] < 0 || (size_t)r->rec_sat[j] >= r->n)
            return fail(r, ODT_ERR_PARSE, "/satellite[%zu] = %d is not a satellite of the fleet of %zu", j,
                        (int)r->rec_sat[j], r->n);

    enum odt_status st = load_classes(r);
    if (st != ODT_OK)
        return st;

    /* the end state: /final, written when the run closed the file */
    r->has_final = odt_h5_link_exists(r->file, "final");
    for (int k = 0; k < EN_N; ++k)
        r->e_last[k] = NAN;
    r->sunlit_s = r->elapsed_s = NAN;
    if (r->has_final) {
        if (attr_double(r->file, "final", "time", &r->final_s) != 0 || !isfinite(r->final_s))
            return fail(r, ODT_ERR_PARSE, "group /final has no time attribute: not a complete odtwin snapshot");
        for (int k = 0; k < EN_N; ++k)
            if ((st = final_sum(r, energy_name[k], -1, &r->e_last[k])) != ODT_OK)
                return st;
        if ((st = final_sum(r, "sunlit_time", -1, &r->sunlit_s)) != ODT_OK ||
            (st = final_sum(r, "elapsed_time", -1, &r->elapsed_s)) != ODT_OK)
            return st;
    } else {
        r->final_s = NAN;
    }
    r->t_end = r->has_final ? r->final_s : r->last_record_s;

    char epoch[64], perr[256];
    r->epoch_ok = attr_text(r->file, ".", "epoch_utc", epoch, sizeof epoch) == 0 &&
                  odt_epoch_parse(epoch, &r->epoch, perr, sizeof perr) == ODT_OK;

    /* the scenario kept in the file: what the datasets do not say (the shadow model) */
    char *text = odt_h5_attr_text(r->file, ".", "scenario");
    if (text) {
        char name[512];
        if (attr_text(r->file, ".", "scenario_file", name, sizeof name) != 0)
            snprintf(name, sizeof name, "<snapshot scenario>");
        struct odt_scenario_options so = {0, 1};
        char err[512];
        memset(&r->sc, 0, sizeof r->sc);
        r->scenario_ok = odt_scenario_load_text_opts(name, text, strlen(text), &so, &r->sc, err, sizeof err) == ODT_OK;
        free(text);
    }
    return scan_series(r);
}

static double sunlit_fraction(const struct rep *r)
{
    return r->elapsed_s > 0.0 ? r->sunlit_s / r->elapsed_s : NAN;
}

/* The note and JSON key of a section (or part) that needs the end state of a file without /final. */
static void no_final(struct out *o)
{
    out_note(o, "not available: the file has no /final group (the end state is written when the run closes the "
                "file; a killed run: odtwin run --resume FILE completes it)");
    out_str(o, "unavailable", "unavailable", "no /final group (end state not written)");
}

/* UTC text of epoch + t (NULL when unknown). */
static const char *utc_of(const struct rep *r, double t, char *buf, size_t len)
{
    if (!r->epoch_ok || !isfinite(t))
        return NULL;
    odt_epoch_utc_string(&r->epoch, t, buf, len);
    return buf;
}

/* ================================================================ sections */

/* 1. The run. */
static enum odt_status sec_run(struct rep *r, struct out *o)
{
    char s[512];
    double v;
#define ATTR_STR(key, label, attr) out_str(o, key, label, attr_text(r->file, ".", attr, s, sizeof s) == 0 ? s : NULL)
    ATTR_STR("scenario", "scenario", "scenario_name");
    ATTR_STR("scenario_file", "scenario file", "scenario_file");
    ATTR_STR("epoch_utc", "epoch (UTC)", "epoch_utc");
    ATTR_STR("run_status", "run status", "run_status");
    if (!strcmp(s, "running"))
        out_note(o, "  (still running, or killed: complete records only; after a kill, see odtwin repair)");
    ATTR_STR("backend", "backend", "backend");
    if (attr_double(r->file, ".", "threads", &v) == 0)
        out_int(o, "threads", "threads", (long long)v, "");
    else
        out_str(o, "threads", "threads", NULL);
    out_int(o, "satellites", "satellites", (long long)r->n, "");
    out_int(o, "record_satellites", "satellites in the records", (long long)r->m, "");
    /* the fields the records hold (snapshot_fields) */
    int nf = 0;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    if (o->json) {
        out_begin(o, "record_fields", NULL, 1);
        for (int k = 0; k < nf; ++k)
            if ((fi[k].role == ODT_FIELD_STATE || fi[k].role == ODT_FIELD_OUT) && odt_h5_link_exists(r->file, fi[k].name))
                out_str(o, NULL, NULL, fi[k].name);
        out_end(o);
    } else {
        char list[2048] = "";
        for (int k = 0; k < nf; ++k)
            if ((fi[k].role == ODT_FIELD_STATE || fi[k].role == ODT_FIELD_OUT) && odt_h5_link_exists(r->file, fi[k].name)) {
                strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, fi[k].name, sizeof list - strlen(list) - 1);
            }
        out_str(o, "record_fields", "fields in the records", list[0] ? list : "(none)");
    }
    out_int(o, "snapshots", "snapshots (records)", (long long)r->t, "");
    out_num(o, "duration_s", "simulated duration", r->t_end, "%.0f", "s");
    out_num(o, "duration_days", "simulated duration (days)", r->t_end / ODT_SEC_PER_DAY, "%.4f", "");
    out_num(o, "last_record_s", "time of the last record", r->last_record_s, "%.0f", "s");
    out_num(o, "final_state_s", "time of the end state (/final)", r->has_final ? r->final_s : NAN, "%.0f", "s");
    if (!r->has_final)
        out_note(o, "  (no end state: the run was killed before it closed the file; figures of the end state are "
                    "not available)");
    out_int(o, "series_rows", "fleet series rows used", (long long)r->ser.rows, "");
    out_num(o, "series_every_steps", "fleet series: a row every", r->ser.every, "%.0f", "steps");
    out_num(o, "step_s", "step", attr_double(r->file, ".", "step_s", &v) == 0 ? v : NAN, "%g", "s");
    out_num(o, "snapshot_interval_s", "snapshot interval",
            attr_double(r->file, ".", "snapshot_interval_s", &v) == 0 ? v : NAN, "%g", "s");
    ATTR_STR("seed", "seed", "seed");
    ATTR_STR("odtwin_version", "odtwin version", "odtwin_version");
    ATTR_STR("odtwin_commit", "odtwin commit", "odtwin_commit");
    ATTR_STR("schema_version", "schema version", "odtwin_schema_version");
    ATTR_STR("run_id", "run id", "run_id");
#undef ATTR_STR
    /* satellites stopped by their propagator: status != 0 in the end state; without it, the satellites not
       active in the last row of the fleet series */
    long long inactive = -1;
    if (r->has_final) {
        enum odt_status st = final_read(r, "status", r->buf);
        if (st != ODT_OK)
            return st;
        inactive = 0;
        for (size_t i = 0; i < r->n; ++i)
            inactive += r->buf[i] != 0.0;
    } else if (r->ser.rows > 0) {
        inactive = (long long)r->n - (long long)llround(r->ser.active_last);
    }
    if (inactive >= 0)
        out_int(o, "inactive_satellites", "inactive satellites (end)", inactive, "");
    else
        out_str(o, "inactive_satellites", "inactive satellites (end)", NULL);
    return ODT_OK;
}

/* 2. Fleet energy balance in the end state. */
static enum odt_status sec_energy(struct rep *r, struct out *o)
{
    if (!r->has_final) {
        no_final(o);
        return ODT_OK;
    }
    const double *e = r->e_last;
    static const char *const keys[EN_N] = {"solar_mwh", "demand_mwh", "served_mwh", "unserved_mwh",
                                           "curtailed_mwh", "battery_charge_mwh", "battery_discharge_mwh",
                                           "battery_loss_mwh"};
    static const char *const labels[EN_N] = {"solar collected", "load asked for", "load served", "load not served",
                                             "array curtailed", "battery charge", "battery discharge",
                                             "battery losses"};
    for (int k = 0; k < EN_N; ++k)
        out_num(o, keys[k], labels[k], e[k] / J_PER_MWH, "%.6g", "MWh");
    const double in = e[EN_SOLAR] + e[EN_DISCHARGE];
    const double resid = in - e[EN_SERVED] - e[EN_CHARGE] - e[EN_CURTAILED];
    const double rel = in > 0.0 ? resid / in : (resid == 0.0 ? 0.0 : NAN);
    out_num(o, "closure_residual_rel", "closure residual (relative)", rel, "%.3e", "");
    out_num(o, "served_fraction", "load served / asked for", e[EN_DEMAND] > 0.0 ? e[EN_SERVED] / e[EN_DEMAND] : NAN,
            "%.6f", "");
    out_num(o, "sunlit_fraction", "fleet sunlit fraction", sunlit_fraction(r), "%.6f", "");
    return ODT_OK;
}

/* 3. Array energy per m^2, annualised, against the ground. */
static enum odt_status sec_yield(struct rep *r, struct out *o)
{
    if (!r->n_classes) {
        out_note(o, "not available: the file has no /classes group (array areas)");
        out_str(o, "unavailable", "unavailable", "no /classes group");
        return ODT_OK;
    }
    if (!r->has_final) {
        no_final(o);
        return ODT_OK;
    }
    const int nc = r->n_classes;
    struct odt_ground_site site;
    odt_ground_site_init(&site);
    site.method = r->opt.ground_method;
    site.capacity_factor = r->opt.ground_cf;
    site.lat_rad = r->opt.ground_lat_deg * ODT_DEG2RAD;

    enum odt_status st = final_read(r, "energy_solar", r->buf);
    if (st != ODT_OK)
        return st;
    const double annual = r->t_end > 0.0 ? ODT_YEAR_S / r->t_end : NAN;
    double *sum_c = calloc((size_t)nc, sizeof(double));
    size_t *cnt_c = calloc((size_t)nc, sizeof(size_t));
    if (!sum_c || !cnt_c) {
        free(sum_c);
        free(cnt_c);
        return fail(r, ODT_ERR_NOMEM, "out of memory");
    }
    double sum = 0.0, sum_ground = 0.0, vmin = INFINITY, vmax = -INFINITY;
    long long imin = -1, imax = -1, count = 0;
    for (size_t i = 0; i < r->n; ++i) {
        const int c = r->cls[i];
        const double area = r->col[CC_ARRAY_AREA][c];
        if (!(area > 0.0))
            continue;
        const double y = r->buf[i] / area * annual; /* J/m^2/yr */
        sum += y;
        sum_c[c] += y;
        cnt_c[c]++;
        ++count;
        if (y < vmin) {
            vmin = y;
            imin = (long long)i;
        }
        if (y > vmax) {
            vmax = y;
            imax = (long long)i;
        }
    }
    /* the ground reference of each satellite's array (one evaluation per class: the latitude method sums
       365 days) */
    for (int c = 0; c < nc; ++c)
        if (cnt_c[c])
            sum_ground += (double)cnt_c[c] * odt_ground_annual_energy(&site, r->col[CC_ARRAY_EFF][c]);
    out_int(o, "satellites_with_array", "satellites with an array", count, "");
    /* the period the yearly figures are scaled from */
    const double days = r->t_end / ODT_SEC_PER_DAY;
    char pw[400];
    pw[0] = '\0';
    if (r->t_end < 0.999 * ODT_YEAR_S)
        snprintf(pw, sizeof pw, "annualised from %.4g days (x %.4g): the orbit figures repeat these days all year%s; "
                                "the sunlit fraction changes with the season (beta angle): run a year for the "
                                "year's figure",
                 days, annual, r->t_end < 0.25 * ODT_YEAR_S ? ", within one season" : "");
    out_num(o, "annualised_from_days", "annualised from", days, "%.4g", "days");
    if (o->json)
        out_str(o, "period_warning", NULL, pw[0] ? pw : NULL);
    else if (pw[0])
        out_note(o, "WARNING: %s", pw);
    const double mean = count ? sum / (double)count : NAN;
    const double ground = count ? sum_ground / (double)count : NAN;
    out_num(o, "orbit_mean_kwh_m2_yr", "orbit: mean", mean / J_PER_KWH, "%.1f", "kWh/m2/yr");
    out_num(o, "orbit_min_kwh_m2_yr", "orbit: min", count ? vmin / J_PER_KWH : NAN, "%.1f", "kWh/m2/yr");
    out_int(o, "orbit_min_satellite", "orbit: min at satellite", imin, "");
    out_num(o, "orbit_max_kwh_m2_yr", "orbit: max", count ? vmax / J_PER_KWH : NAN, "%.1f", "kWh/m2/yr");
    out_int(o, "orbit_max_satellite", "orbit: max at satellite", imax, "");
    const int lat = site.method == ODT_GROUND_LATITUDE;
    out_str(o, "ground_method", "ground method", lat ? "latitude" : "capacity_factor");
    /* what the ground figure rests on */
    const struct odt_report_ground_site *named = odt_report_ground_site_find(r->opt.ground_site);
    char basis[320];
    if (lat)
        snprintf(basis, sizeof basis, "clear sky all year at %.1f deg: an UPPER BOUND, about twice a real site's "
                                      "yield at mid latitudes (--ground-site NAME: real weather)",
                 r->opt.ground_lat_deg);
    else if (named)
        snprintf(basis, sizeof basis, "--ground-site %s: %s", named->name, named->basis);
    else if (r->opt.ground_cf == 0.24)
        snprintf(basis, sizeof basis, "the default (no --ground-* option): CF 0.24, %s", ground_sites[0].basis);
    else
        snprintf(basis, sizeof basis, "--ground-cf %g, as given", r->opt.ground_cf);
    if (o->json || named)
        out_str(o, "ground_site", "ground site", named ? named->name : NULL);
    out_str(o, "ground_basis", "ground reference", basis);
    if (lat) {
        out_str(o, "ground_capacity_factor", "ground capacity factor", NULL);
        out_num(o, "ground_latitude_deg", "ground latitude", r->opt.ground_lat_deg, "%.2f", "deg");
    } else {
        out_num(o, "ground_capacity_factor", "ground capacity factor", site.capacity_factor, "%.3f", "");
        out_str(o, "ground_latitude_deg", "ground latitude", NULL);
    }
    out_num(o, "ground_kwh_m2_yr", "ground: same array", ground / J_PER_KWH, "%.1f", "kWh/m2/yr");
    char rlabel[96];
    if (pw[0])
        snprintf(rlabel, sizeof rlabel, "space / ground (from %.3g days only)", days);
    else
        snprintf(rlabel, sizeof rlabel, "space / ground (over %.3g days)", days);
    out_num(o, "space_ground_ratio", rlabel, count ? odt_space_ground_ratio(sum, sum_ground) : NAN, "%.3f", "");
    /* the Starcloud interview's cross-check: 1361 x sunlit fraction / (1000 x CF); with the latitude method the CF is the one
       that gives the same ground energy. */
    double cf = site.capacity_factor;
    if (lat) {
        /* E_ground / (1000 W/m^2 x year x efficiency): the capacity factor that gives the same ground energy */
        struct odt_ground_site unit = site;
        unit.method = ODT_GROUND_CAPACITY_FACTOR;
        unit.capacity_factor = 1.0;
        cf = odt_ground_annual_energy(&site, 1.0) / odt_ground_annual_energy(&unit, 1.0);
        out_num(o, "ground_equivalent_capacity_factor", "ground: equivalent capacity factor", cf, "%.3f", "");
    }
    out_num(o, "reference_ratio", "reference 1361 x sunlit / (1000 x CF)",
            ODT_SOLAR_CONSTANT_W_M2 * sunlit_fraction(r) / (ODT_GROUND_PEAK_W_M2 * cf), "%.3f", "");
    if (!o->json && nc == 1) {
        out_note(o, "  (class %s: array %.2f m2, efficiency %.4f)", r->class_name[0], r->col[CC_ARRAY_AREA][0],
                 r->col[CC_ARRAY_EFF][0]);
    } else {
        out_begin(o, "classes", "by class:", 1);
        for (int c = 0; c < nc; ++c) {
            char title[128];
            snprintf(title, sizeof title, "class %d (%s):", c, r->class_name[c]);
            out_begin(o, NULL, title, 0);
            const double g = odt_ground_annual_energy(&site, r->col[CC_ARRAY_EFF][c]);
            const double m = cnt_c[c] ? sum_c[c] / (double)cnt_c[c] : NAN;
            out_str(o, "name", "name", r->class_name[c]);
            out_int(o, "satellites", "satellites with an array", (long long)cnt_c[c], "");
            out_num(o, "array_area_m2", "array area", r->col[CC_ARRAY_AREA][c], "%.2f", "m2");
            out_num(o, "array_efficiency", "array efficiency", r->col[CC_ARRAY_EFF][c], "%.4f", "");
            out_num(o, "orbit_mean_kwh_m2_yr", "orbit: mean", m / J_PER_KWH, "%.1f", "kWh/m2/yr");
            out_num(o, "ground_kwh_m2_yr", "ground: same array", g / J_PER_KWH, "%.1f", "kWh/m2/yr");
            out_num(o, "space_ground_ratio", "space / ground", odt_space_ground_ratio(m, g), "%.3f", "");
            out_end(o);
        }
        out_end(o);
    }
    free(sum_c);
    free(cnt_c);
    return ODT_OK;
}

/* Eclipse statistics over the table, read in blocks. */
struct ecl_stats {
    long long complete[3], incomplete;
    double longest[3], total[3], longest_start[3];
    long long longest_sat[3];
    unsigned char *day;  /* days (since the epoch's UTC date) with an eclipse */
    long long n_days;
};

/* Mark the UTC day of t_s (s since the epoch; sod0: the epoch's seconds into its UTC day; leap seconds
   inside the run are ignored). An interval's end on a midnight (end_of_interval) belongs to the day before. */
static void ecl_mark(struct ecl_stats *s, double sod0, double t_s, int end_of_interval)
{
    const double x = (sod0 + t_s) / ODT_SEC_PER_DAY;
    const double d = end_of_interval ? ceil(x) - 1.0 : floor(x);
    if (d >= 0.0 && d < (double)s->n_days)
        s->day[(long long)d] = 1;
}

/* UTC date (YYYY-MM-DD) of day index d after the epoch's date. */
static void day_text(const struct rep *r, double sod0, long long d, char *buf, size_t len)
{
    char iso[48];
    odt_epoch_utc_string(&r->epoch, (double)d * ODT_SEC_PER_DAY - sod0 + 0.5 * ODT_SEC_PER_DAY, iso, sizeof iso);
    snprintf(buf, len, "%.10s", iso);
}

/* 4. Eclipses and the battery that carries the load through the longest. */
enum { EC_SAT, EC_KIND, EC_START, EC_END, EC_DUR, EC_COMP, EC_N };
static const char *const ecl_col[EC_N] = {"eclipses/satellite", "eclipses/kind", "eclipses/start",
                                          "eclipses/end", "eclipses/duration", "eclipses/complete"};

/* The shortest shadow arc of a circular orbit of semi-major axis a_km, s: P asin(R/a) / pi, the
   cylindrical shadow with the Sun in the orbit plane (beta = 0; docs/report.md). */
double odt_report_shadow_arc_s(double a_km)
{
    const double p = ODT_TWOPI * sqrt(a_km * a_km * a_km / ODT_EARTH_MU_KM3_S2);
    return p * asin(ODT_EARTH_RADIUS_KM / a_km) / ODT_PI;
}

/* The shadow model: attribute model of /eclipses, else the scenario's shadow (kept in the file). */
static const char *shadow_model(struct rep *r, char *buf, size_t len)
{
    if (attr_text(r->file, "eclipses", "model", buf, len) == 0)
        return buf;
    if (!r->scenario_ok)
        return NULL;
    snprintf(buf, len, "%s", r->sc.shadow_model == ODT_SHADOW_CONICAL ? "conical" : "cylindrical");
    return buf;
}

static enum odt_status sec_eclipses(struct rep *r, struct out *o)
{
    struct odt_h5_series col[EC_N];
    memset(col, 0, sizeof col);
    hsize_t rows = 0;
    int have = 1;
    for (int k = 0; k < EC_N; ++k) {
        col[k].d = col[k].mem_type = H5I_INVALID_HID;
        if (!have)
            continue;
        const hid_t mt = k == EC_SAT || k == EC_KIND || k == EC_COMP ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE;
        if (!odt_h5_link_exists(r->file, ecl_col[k]) || odt_h5_series_open(&col[k], r->file, ecl_col[k], mt) != 0 ||
            col[k].rank != 1) {
            have = 0;
            continue;
        }
        if (k == 0 || col[k].dims[0] < rows)
            rows = col[k].dims[0];
    }
    if (!have) {
        for (int k = 0; k < EC_N; ++k)
            odt_h5_series_close(&col[k]);
        out_note(o, "not available: the file has no /eclipses table");
        out_str(o, "unavailable", "unavailable", "no /eclipses table");
        return ODT_OK;
    }
    /* eclipse_rows[k] is the length of the table when record k was written: without an end state (a killed
       run), rows past the last complete record belong to a record that never completed */
    enum odt_status st = ODT_OK;
    if (!r->has_final && odt_h5_link_exists(r->file, "eclipse_rows")) {
        struct odt_h5_series er;
        long long upto = -1;
        if (odt_h5_series_open(&er, r->file, "eclipse_rows", H5T_NATIVE_LLONG) != 0 ||
            odt_h5_series_read(&er, r->t - 1, 1, &upto) != 0)
            st = fail(r, ODT_ERR_IO, "cannot read /eclipse_rows (the file is damaged or truncated)");
        odt_h5_series_close(&er);
        if (upto >= 0 && (hsize_t)upto < rows)
            rows = (hsize_t)upto;
    }
    struct ecl_stats s;
    memset(&s, 0, sizeof s);
    for (int k = 0; k < 3; ++k)
        s.longest_sat[k] = -1;
    const double sod0 = r->epoch_ok ? r->epoch.hour * 3600.0 + r->epoch.minute * 60.0 + r->epoch.second : 0.0;
    s.n_days = (long long)floor((sod0 + (r->t_end > 0.0 ? r->t_end : 0.0)) / ODT_SEC_PER_DAY) + 2;
    s.day = st == ODT_OK ? calloc((size_t)s.n_days, 1) : NULL;
    const hsize_t block = rows < ODT_REP_BLOCK ? (rows ? rows : 1) : ODT_REP_BLOCK;
    int32_t *sat = malloc(sizeof(int32_t) * block), *kind = malloc(sizeof(int32_t) * block),
            *comp = malloc(sizeof(int32_t) * block);
    double *start = malloc(sizeof(double) * block), *end = malloc(sizeof(double) * block),
           *dur = malloc(sizeof(double) * block);
    if (st == ODT_OK && (!s.day || !sat || !kind || !comp || !start || !end || !dur))
        st = fail(r, ODT_ERR_NOMEM, "out of memory");
    for (hsize_t b = 0; st == ODT_OK && b < rows; b += block) {
        const hsize_t cnt = rows - b < block ? rows - b : block;
        if (odt_h5_series_read(&col[EC_SAT], b, cnt, sat) || odt_h5_series_read(&col[EC_KIND], b, cnt, kind) ||
            odt_h5_series_read(&col[EC_START], b, cnt, start) || odt_h5_series_read(&col[EC_END], b, cnt, end) ||
            odt_h5_series_read(&col[EC_DUR], b, cnt, dur) || odt_h5_series_read(&col[EC_COMP], b, cnt, comp)) {
            st = fail(r, ODT_ERR_IO, "cannot read the /eclipses table (the file is damaged or truncated)");
            break;
        }
        for (hsize_t j = 0; j < cnt; ++j) {
            ecl_mark(&s, sod0, start[j], 0);
            ecl_mark(&s, sod0, end[j], end[j] > start[j]);
            const int k = kind[j] == 1 || kind[j] == 2 ? kind[j] : 0;
            if (!k)
                continue;
            if (!comp[j]) {
                s.incomplete++;
                continue;
            }
            s.complete[k]++;
            s.total[k] += dur[j];
            if (dur[j] > s.longest[k]) {
                s.longest[k] = dur[j];
                s.longest_sat[k] = sat[j];
                s.longest_start[k] = start[j];
            }
        }
    }
    for (int k = 0; k < EC_N; ++k)
        odt_h5_series_close(&col[k]);
    free(sat);
    free(kind);
    free(comp);
    free(start);
    free(end);
    free(dur);
    if (st != ODT_OK) {
        free(s.day);
        return st;
    }

    char model[32];
    out_str(o, "shadow_model", "shadow model", shadow_model(r, model, sizeof model));
    out_int(o, "umbra_complete", "complete umbra passes", s.complete[1], "");
    out_int(o, "shadow_complete", "shadow intervals (penumbra + umbra)", s.complete[2], "");
    if (s.complete[2])
        out_note(o, "  (one per pass: each contains its umbra pass and the penumbra on both sides, not a separate "
                    "event)");
    out_int(o, "incomplete", "intervals cut by the run", s.incomplete, "");
    /* the step against the shortest shadow arc of the fleet (docs/report.md, "Step and eclipse refinement") */
    double step = NAN, limit = NAN;
    if (attr_double(r->file, ".", "step_s", &step) != 0)
        step = NAN;
    {
        double *a_km = malloc(sizeof(double) * r->n);
        if (!a_km)
            return fail(r, ODT_ERR_NOMEM, "out of memory");
        if (odt_h5_static_read(r->file, "fleet/a_km", H5T_NATIVE_DOUBLE, (hsize_t)r->n, a_km) == 0)
            for (size_t i = 0; i < r->n; ++i)
                if (a_km[i] > ODT_EARTH_RADIUS_KM) {
                    const double arc = odt_report_shadow_arc_s(a_km[i]);
                    limit = isnan(limit) || arc < limit ? arc : limit;
                }
        free(a_km);
    }
    const int step_bad = step > limit;
    char sw[400];
    sw[0] = '\0';
    if (step_bad)
        snprintf(sw, sizeof sw, "step %.0f s is longer than the shortest shadow arc of the fleet (%.0f s): one step "
                                "can hold both boundaries of a pass, or several passes; the eclipse counts and "
                                "durations below are unreliable (use step_s <= %.0f s)",
                 step, limit, limit);
    out_num(o, "step_s", "step", step, "%g", "s");
    out_num(o, "step_limit_s", "step limit (shortest shadow arc)", limit, "%.0f", "s");
    if (o->json)
        out_str(o, "step_warning", NULL, step_bad ? sw : NULL);
    else if (step_bad)
        out_note(o, "WARNING: %s", sw);
    const int have_u = s.complete[1] > 0;
    out_num(o, "umbra_longest_s", step_bad ? "longest umbra (UNRELIABLE, see the warning)" : "longest umbra",
            have_u ? s.longest[1] : NAN, "%.1f", "s");
    out_num(o, "umbra_longest_min", "longest umbra (minutes)", have_u ? s.longest[1] / 60.0 : NAN, "%.2f", "");
    out_int(o, "umbra_longest_satellite", "longest umbra: satellite", have_u ? s.longest_sat[1] : -1, "");
    char iso[48];
    out_str(o, "umbra_longest_start_utc", "longest umbra: start (UTC)",
            have_u ? utc_of(r, s.longest_start[1], iso, sizeof iso) : NULL);
    out_num(o, "umbra_mean_s", "mean umbra", have_u ? s.total[1] / (double)s.complete[1] : NAN, "%.1f", "s");
    const int have_s = s.complete[2] > 0;
    out_num(o, "shadow_longest_s", "longest shadow", have_s ? s.longest[2] : NAN, "%.1f", "s");
    out_num(o, "shadow_mean_s", "mean shadow", have_s ? s.total[2] / (double)s.complete[2] : NAN, "%.1f", "s");
    long long first = -1, last = -1, ndays = 0;
    for (long long d = 0; d < s.n_days; ++d)
        if (s.day[d]) {
            if (first < 0)
                first = d;
            last = d;
            ++ndays;
        }
    free(s.day);
    char day[16];
    if (first >= 0 && r->epoch_ok)
        day_text(r, sod0, first, day, sizeof day);
    out_str(o, "first_day_utc", "first day with an eclipse (UTC)", first >= 0 && r->epoch_ok ? day : NULL);
    if (last >= 0 && r->epoch_ok)
        day_text(r, sod0, last, day, sizeof day);
    out_str(o, "last_day_utc", "last day with an eclipse (UTC)", last >= 0 && r->epoch_ok ? day : NULL);
    out_int(o, "days_with_eclipses", "days with an eclipse", ndays, "");
    /* the lowest state of charge of any battery at any step (fleet series) */
    int has_battery = 0;
    for (int c = 0; c < r->n_classes; ++c)
        has_battery |= r->col[CC_BAT_J][c] > 0.0;
    if (!o->json && r->n_classes && !has_battery)
        out_str(o, "soc_lowest", "lowest state of charge (any step)", "no battery");
    else
        out_num(o, "soc_lowest", "lowest state of charge (any step)", r->ser.soc_min, "%.4f", "");
    if (o->json && r->n_classes)
        out_int(o, "has_battery", NULL, has_battery, "");
    out_str(o, "soc_lowest_utc", "lowest state of charge at (UTC)",
            isfinite(r->ser.soc_min) ? utc_of(r, r->ser.soc_min_t, iso, sizeof iso) : NULL);

    /* Battery: the longest complete interval, the penumbral shadow when the model has one (the array
       gives less than full power in all of it), else the umbra. */
    const int basis = have_s ? 2 : (have_u ? 1 : 0);
    out_begin(o, "battery", "battery through the longest eclipse:", 0);
    if (!basis || !r->n_classes) {
        out_note(o, !basis ? "no complete eclipse in the run" : "not available: the file has no /classes group");
        out_str(o, "basis", "basis", NULL);
        out_end(o);
        return ODT_OK;
    }
    const long long sidx = s.longest_sat[basis];
    if (sidx < 0 || (size_t)sidx >= r->n) {
        out_end(o);
        return fail(r, ODT_ERR_PARSE, "/eclipses names satellite %lld, outside the fleet of %zu", sidx, r->n);
    }
    const int c = r->cls[sidx];
    const double p = r->opt.load_w > 0.0 ? r->opt.load_w : r->col[CC_COMPUTE_W][c] + r->col[CC_BUS_W][c];
    const double eta = r->col[CC_ETA_DIS][c];
    const double window = r->col[CC_SOC_MAX][c] - r->col[CC_SOC_MIN][c];
    const double e = odt_battery_eclipse_energy_j(p, s.longest[basis], eta);
    out_str(o, "basis", "basis", basis == 2 ? "shadow" : "umbra");
    out_int(o, "satellite", "satellite", sidx, "");
    out_str(o, "class", "class", r->class_name[c]);
    out_num(o, "eclipse_s", "eclipse", s.longest[basis], "%.1f", "s");
    out_num(o, "load_w", r->opt.load_w > 0.0 ? "load (--load-w)" : "load (class compute + bus)", p, "%.1f", "W");
    out_num(o, "discharge_efficiency", "discharge efficiency", eta, "%.3f", "");
    out_num(o, "energy_kwh", "energy drawn from the battery", e / J_PER_KWH, "%.3f", "kWh");
    out_num(o, "soc_window", "state-of-charge window", window, "%.3f", "");
    out_num(o, "capacity_needed_kwh", "capacity needed", window > 0.0 ? e / window / J_PER_KWH : NAN, "%.3f", "kWh");
    if (!o->json && !(r->col[CC_BAT_J][c] > 0.0))
        out_str(o, "class_capacity_kwh", "class capacity", "no battery");
    else
        out_num(o, "class_capacity_kwh", "class capacity", r->col[CC_BAT_J][c] / J_PER_KWH, "%.3f", "kWh");
    out_end(o);
    return ODT_OK;
}

/* Radiator absorptivity of each class: /classes/radiator_absorptivity where the file has it, else from the
   scenario text kept in the file; NAN where neither gives it (e.g. the scenario's catalogue files moved).
   Returns the source: "classes", "scenario" or NULL. */
static const char *radiator_absorptivity(struct rep *r, double *alpha)
{
    if (odt_h5_static_read(r->file, "classes/radiator_absorptivity", H5T_NATIVE_DOUBLE, (hsize_t)r->n_classes, alpha) == 0)
        return "classes";
    for (int c = 0; c < r->n_classes; ++c)
        alpha[c] = NAN;
    if (!r->scenario_ok || r->sc.n_shells != r->n_classes)
        return NULL;
    for (int c = 0; c < r->n_classes; ++c)
        alpha[c] = r->sc.shells[c].sat.cls.thermal.face[ODT_TN_RADIATOR][ODT_TN_FRONT].absorptivity;
    return "scenario";
}

/* 5. Temperatures, time over the payload limit, radiator sizing. */
static enum odt_status sec_thermal(struct rep *r, struct out *o)
{
    static const char *const node_key[4] = {"array", "radiator", "payload", "bus"};
    double tmin[4], tmax[4], tsum[4], tcnt[4];
    const char *src[4];
    for (int k = 0; k < 4; ++k) {
        tmin[k] = INFINITY;
        tmax[k] = -INFINITY;
        tsum[k] = tcnt[k] = 0.0;
        src[k] = NULL;
    }
    const int nc = r->n_classes;
    double *qmax = calloc((size_t)(nc ? nc : 1), sizeof(double));
    char *q_rec = calloc((size_t)(nc ? nc : 1), 1); /* 1: qmax[c] from the records */
    if (!qmax || !q_rec) {
        free(qmax);
        free(q_rec);
        return fail(r, ODT_ERR_NOMEM, "out of memory");
    }
    /* node temperatures from the records when node_temperature is recorded (the record satellites at every
       record); compute power from the records when recorded */
    enum odt_status st = ODT_OK;
    struct odt_h5_series nt, cp;
    const int have_nt = rec_open(r, "node_temperature", 4, &nt, &st);
    const int have_cp = st == ODT_OK ? rec_open(r, "compute_power", 1, &cp, &st) : 0;
    for (hsize_t rec = 0; st == ODT_OK && rec < r->t && (have_nt > 0 || (have_cp > 0 && nc)); ++rec) {
        if (have_nt > 0) {
            if ((st = rec_read(r, &nt, "node_temperature", rec, r->buf)) != ODT_OK)
                break;
            for (size_t j = 0; j < r->m; ++j)
                for (int k = 0; k < 4; ++k) {
                    const double v = r->buf[4 * j + (size_t)k];
                    tmin[k] = v < tmin[k] ? v : tmin[k];
                    tmax[k] = v > tmax[k] ? v : tmax[k];
                    tsum[k] += v;
                    tcnt[k] += 1.0;
                }
        }
        if (have_cp > 0 && nc) {
            if ((st = rec_read(r, &cp, "compute_power", rec, r->buf)) != ODT_OK)
                break;
            for (size_t j = 0; j < r->m; ++j) {
                const int c = r->cls[r->rec_sat[j]];
                if (!q_rec[c] || r->buf[j] > qmax[c])
                    qmax[c] = r->buf[j];
                q_rec[c] = 1;
            }
        }
    }
    if (have_nt > 0)
        odt_h5_series_close(&nt);
    if (have_cp > 0)
        odt_h5_series_close(&cp);
    if (st != ODT_OK) {
        free(qmax);
        free(q_rec);
        return st;
    }
    for (int k = 0; k < 4; ++k)
        if (have_nt > 0 && tcnt[k] > 0.0)
            src[k] = "records";
    /* the payload at every step of every active satellite: the fleet series (a wider envelope than the
       records' samples) */
    if (r->ser.rows > 0 && r->ser.temp_count > 0.0) {
        tmin[2] = r->ser.temp_min;
        tmax[2] = r->ser.temp_max;
        tsum[2] = r->ser.temp_sum;
        tcnt[2] = r->ser.temp_count;
        src[2] = "series";
    }
    double over = NAN, sats_over = NAN;
    if (r->has_final && (st = final_read(r, "time_over_limit", r->buf)) == ODT_OK) {
        over = sats_over = 0.0;
        for (size_t i = 0; i < r->n; ++i) {
            over += r->buf[i];
            sats_over += r->buf[i] > 0.0;
        }
    }
    if (st != ODT_OK) {
        free(qmax);
        free(q_rec);
        return st;
    }
    out_begin(o, "nodes", "node temperatures (K):", 0);
    for (int k = 0; k < 4; ++k) {
        const int have = src[k] != NULL;
        const char *from = !have ? "not recorded"
                           : !strcmp(src[k], "series") ? "fleet series, every step"
                                                       : "records, record satellites";
        if (o->json) {
            out_begin(o, node_key[k], NULL, 0);
            out_num(o, "min_k", "min", have ? tmin[k] : NAN, "%.2f", "K");
            out_num(o, "max_k", "max", have ? tmax[k] : NAN, "%.2f", "K");
            out_num(o, "mean_k", "mean", have ? tsum[k] / tcnt[k] : NAN, "%.2f", "K");
            out_str(o, "source", "source", have ? src[k] : "not recorded");
            out_end(o);
        } else if (have) {
            char line[200];
            snprintf(line, sizeof line, "min %7.2f   max %7.2f   mean %7.2f   (%s)", tmin[k], tmax[k],
                     tsum[k] / tcnt[k], from);
            out_str(o, node_key[k], node_key[k], line);
        } else {
            out_str(o, node_key[k], node_key[k], "not recorded (snapshot_fields without node_temperature)");
        }
    }
    out_end(o);
    char iso[48];
    out_str(o, "payload_max_utc", "payload hottest at (UTC)",
            src[2] && !strcmp(src[2], "series") ? utc_of(r, r->ser.temp_max_t, iso, sizeof iso) : NULL);
    if (!r->has_final)
        out_note(o, "time over the limit: not available (no /final group: the end state was not written)");
    out_num(o, "payload_time_over_limit_s", "payload time over its limit", over, "%.0f", "satellite-s");
    out_num(o, "payload_over_limit_share", "share of satellite-time over the limit",
            r->elapsed_s > 0.0 ? over / r->elapsed_s : NAN, "%.6f", "");
    if (isfinite(sats_over))
        out_int(o, "satellites_over_limit", "satellites ever over the limit", (long long)sats_over, "");
    else
        out_str(o, "satellites_over_limit", "satellites ever over the limit", NULL);

    /* Radiator sizing per class: the planform that holds the payload at its limit while rejecting the largest
       payload heat seen, in the hot case of Gilmore's handbook (albedo 0.30, Earth IR 237 W/m^2, over the subsolar
       point, radiator edge-on to the Sun and the Earth) at the lowest perigee of the class. */
    out_begin(o, "radiator_sizing", "radiator sizing (hot case, payload at its limit):", 1);
    if (!nc) {
        out_note(o, "not available: the file has no /classes group");
        out_end(o);
        free(qmax);
        free(q_rec);
        return ODT_OK;
    }
    /* a class without recorded compute power (not in snapshot_fields, or none of its satellites recorded):
       the worst case, full load */
    for (int c = 0; c < nc; ++c)
        if (!q_rec[c])
            qmax[c] = r->col[CC_COMPUTE_W][c];
    double *alpha = malloc(sizeof(double) * (size_t)nc), *perigee = malloc(sizeof(double) * (size_t)nc);
    double *a_km = malloc(sizeof(double) * r->n), *ecc = malloc(sizeof(double) * r->n);
    if (!alpha || !perigee || !a_km || !ecc) {
        free(alpha);
        free(perigee);
        free(a_km);
        free(ecc);
        free(qmax);
        free(q_rec);
        return fail(r, ODT_ERR_NOMEM, "out of memory");
    }
    const char *alpha_src = radiator_absorptivity(r, alpha);
    for (int c = 0; c < nc; ++c)
        perigee[c] = INFINITY;
    const int have_orbit = odt_h5_static_read(r->file, "fleet/a_km", H5T_NATIVE_DOUBLE, (hsize_t)r->n, a_km) == 0 &&
                           odt_h5_static_read(r->file, "fleet/ecc", H5T_NATIVE_DOUBLE, (hsize_t)r->n, ecc) == 0;
    if (have_orbit)
        for (size_t i = 0; i < r->n; ++i) {
            const double rp = a_km[i] * (1.0 - ecc[i]);
            if (rp > ODT_EARTH_RADIUS_KM && rp < perigee[r->cls[i]])
                perigee[r->cls[i]] = rp;
        }
    struct odt_tn_params p;
    odt_tn_defaults(&p); /* albedo 0.30, Earth IR 237 W/m^2, sink 3 K; the radiator face edge-on */
    for (int c = 0; c < nc; ++c) {
        char title[128];
        snprintf(title, sizeof title, "class %d (%s):", c, r->class_name[c]);
        out_begin(o, NULL, title, 0);
        const int sides = r->col[CC_RAD_SIDES][c] > 1.5 ? 2 : 1;
        struct odt_tn_face f = p.face[ODT_TN_RADIATOR][ODT_TN_FRONT];
        const int alpha_known = isfinite(alpha[c]);
        f.absorptivity = alpha_known ? alpha[c] : p.face[ODT_TN_RADIATOR][ODT_TN_FRONT].absorptivity;
        f.emissivity = r->col[CC_RAD_EPS][c];
        f.pointing = ODT_TN_POINT_EDGE_SUN;
        f.nadir_angle_rad = 0.5 * ODT_PI;
        struct odt_tn_env env;
        odt_tn_env_hot_default(&env); /* 1361 W/m^2, full Sun, phase 0 (subsolar) */
        const int alt_known = isfinite(perigee[c]);
        if (alt_known)
            env.r_km = perigee[c];
        const double fv = odt_tn_view_factor_plate_sphere(env.r_km / ODT_EARTH_RADIUS_KM,
                                                          odt_tn_face_nadir_angle(&f, env.sun_earth_sat_phase_rad));
        const double q_env = sides * odt_tn_face_env_flux(&p, &f, &env);
        const double q = qmax[c], tlim = r->col[CC_T_LIMIT][c], g = r->col[CC_G_PR][c];
        double area = NAN;
        const enum odt_status ast = odt_tn_radiator_area_for(q, tlim, g, f.emissivity, p.sink_k, q_env, sides, &area);
        const double class_planform = r->col[CC_RAD_AREA][c] / sides;
        if (o->json)
            out_str(o, "class", "class", r->class_name[c]);
        out_num(o, "payload_heat_max_w", q_rec[c] ? "largest payload heat seen" : "payload heat (class full load)", q,
                "%.1f", "W");
        out_str(o, "payload_heat_source", "payload heat from", q_rec[c] ? "records" : "class");
        out_num(o, "payload_limit_k", "payload limit", tlim, "%.2f", "K");
        out_num(o, "conductance_w_k", "payload-radiator conductance", g, "%.1f", "W/K");
        out_num(o, "radiator_temp_k", "radiator at", g > 0.0 ? tlim - q / g : NAN, "%.2f", "K");
        out_num(o, "emissivity", "radiator emissivity", f.emissivity, "%.3f", "");
        out_num(o, "absorptivity", "radiator absorptivity", f.absorptivity, "%.3f", "");
        out_str(o, "absorptivity_source", "absorptivity from", alpha_known && alpha_src ? alpha_src : "default");
        out_int(o, "sides", "radiating sides", sides, "");
        out_num(o, "altitude_km", alt_known ? "altitude (lowest perigee)" : "altitude (default hot case)",
                env.r_km - ODT_EARTH_RADIUS_KM, "%.1f", "km");
        out_num(o, "earth_view_factor", "Earth view factor (edge-on)", fv, "%.4f", "");
        out_num(o, "env_flux_w_m2", "environment flux absorbed", q_env, "%.2f", "W/m2 planform");
        if (ast == ODT_OK) {
            out_num(o, "area_needed_m2", "radiator needed (planform)", area, "%.3f", "m2");
            out_num(o, "radiating_area_needed_m2", "radiator needed (radiating)", area * sides, "%.3f", "m2");
        } else {
            out_note(o, "no radiator suffices: the radiator would sit at %.1f K, too cold to reject %.0f W",
                     g > 0.0 ? tlim - q / g : NAN, q);
            out_str(o, "area_needed_m2", "radiator needed (planform)", NULL);
            out_str(o, "radiating_area_needed_m2", "radiator needed (radiating)", NULL);
        }
        out_num(o, "class_area_m2", "class radiator (planform)", class_planform, "%.3f", "m2");
        out_num(o, "class_radiating_area_m2", "class radiator (radiating)", r->col[CC_RAD_AREA][c], "%.3f", "m2");
        const double ratio = ast == ODT_OK && class_planform > 0.0 ? area / class_planform : NAN;
        out_num(o, "needed_over_class", "needed / class", ratio, "%.3f", "");
        out_num(o, "area_per_kw_m2", "planform per kW", ast == ODT_OK && q > 0.0 ? area / (q / 1000.0) : NAN, "%.4f",
                "m2/kW");
        out_end(o);
    }
    out_end(o);
    free(alpha);
    free(perigee);
    free(a_km);
    free(ecc);
    free(qmax);
    free(q_rec);
    return ODT_OK;
}

/* 6. Compute delivered: the cumulative token counters of the workload model, fleet sums in the end state
   (/final). */
static const struct {
    const char *dataset, *key, *label;
} compute_counters[] = {
    {"tokens_arrived", "tokens_arrived", "tokens arrived"},
    {"tokens_served", "tokens_served", "tokens served"},
    {"tokens_dropped", "tokens_dropped", "tokens dropped"},
    {"queue_waiting", "tokens_waiting", "tokens waiting (queued)"},
};
#define N_COMPUTE_COUNTERS (sizeof compute_counters / sizeof compute_counters[0])

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The cumulative fleet demand at t_end: the root demand_tokens of the record at t_end; when the end state is
   past the last record (an interrupted run), the per-step demand of the fleet series summed, when the series
   has every step; else NaN. */
static double demand_at_end(struct rep *r)
{
    double d = NAN;
    if (r->t_end == r->last_record_s && odt_h5_link_exists(r->file, "demand_tokens")) {
        struct odt_h5_series s;
        if (odt_h5_series_open(&s, r->file, "demand_tokens", H5T_NATIVE_DOUBLE) == 0) {
            if (odt_h5_series_read(&s, r->t - 1, 1, &d) != 0)
                d = NAN;
            odt_h5_series_close(&s);
        }
        return d;
    }
    return r->ser.every == 1.0 ? r->ser.demand_sum : NAN;
}

/* Latency percentiles over every record satellite and record (after the first) that served tokens, when
   latency and served_rate are recorded; *have 0 when not. */
static enum odt_status latency_percentiles(struct rep *r, int *have, double *p50, double *p99)
{
    *have = 0;
    *p50 = *p99 = NAN;
    enum odt_status st = ODT_OK;
    struct odt_h5_series ls, rs;
    const int hl = rec_open(r, "latency", 1, &ls, &st);
    if (st != ODT_OK)
        return st;
    const int hr = rec_open(r, "served_rate", 1, &rs, &st);
    if (hl <= 0 || hr <= 0) {
        if (hl > 0)
            odt_h5_series_close(&ls);
        if (hr > 0)
            odt_h5_series_close(&rs);
        return st;
    }
    *have = 1;
    size_t k = 0, cap = r->m * 8 + 16;
    double *lat = malloc(sizeof(double) * cap), *rate = malloc(sizeof(double) * (r->m ? r->m : 1));
    if (!lat || !rate)
        st = fail(r, ODT_ERR_NOMEM, "out of memory");
    for (hsize_t t = 1; st == ODT_OK && t < r->t; ++t) {
        if ((st = rec_read(r, &rs, "served_rate", t, rate)) != ODT_OK ||
            (st = rec_read(r, &ls, "latency", t, r->buf)) != ODT_OK)
            break;
        for (size_t j = 0; j < r->m && st == ODT_OK; ++j) {
            if (!(rate[j] > 0.0))
                continue;
            if (k == cap) {
                double *nl = realloc(lat, sizeof(double) * (cap *= 2));
                if (!nl) {
                    st = fail(r, ODT_ERR_NOMEM, "out of memory");
                    break;
                }
                lat = nl;
            }
            lat[k++] = r->buf[j];
        }
    }
    if (st == ODT_OK && k) {
        qsort(lat, k, sizeof *lat, cmp_double);
        *p50 = lat[k / 2];
        *p99 = lat[(size_t)(0.99 * (double)(k - 1))];
    }
    free(lat);
    free(rate);
    odt_h5_series_close(&ls);
    odt_h5_series_close(&rs);
    return st;
}

static enum odt_status sec_compute(struct rep *r, struct out *o)
{
    if (!r->has_final) {
        no_final(o);
        return ODT_OK;
    }
    double v[N_COMPUTE_COUNTERS];
    for (size_t k = 0; k < N_COMPUTE_COUNTERS; ++k) {
        enum odt_status st = final_sum(r, compute_counters[k].dataset, -1, &v[k]);
        if (st != ODT_OK)
            return st;
        out_num(o, compute_counters[k].key, compute_counters[k].label, v[k], "%.6g", "");
    }
    /* the fleet demand and what the dispatch could not place */
    const double demand = demand_at_end(r);
    out_num(o, "tokens_demanded", "tokens demanded", demand, "%.6g", "");
    out_num(o, "tokens_unassigned", "demanded - arrived (no capacity to send them to)", demand - v[0], "%.6g", "");
    out_num(o, "tokens_per_s_mean", "mean tokens/s served", r->t_end > 0.0 ? v[1] / r->t_end : NAN, "%.6g",
            "tokens/s");
    out_num(o, "served_fraction", "served / demanded", demand > 0.0 ? v[1] / demand : NAN, "%.6f", "");
    out_num(o, "conservation_residual", "arrived - served - dropped - waiting", v[0] - v[1] - v[2] - v[3], "%.0f",
            "tokens");

    /* capacity against all accelerators at full power, and where it went */
    static const char *const cap_names[4] = {"capacity_ideal", "capacity_lost_power", "capacity_lost_heat",
                                             "capacity_lost_failures"};
    double cap[4];
    for (int k = 0; k < 4; ++k) {
        enum odt_status st = final_sum(r, cap_names[k], -1, &cap[k]);
        if (st != ODT_OK)
            return st;
    }
    out_num(o, "capacity_full_tokens_per_s", "capacity, all accelerators at full power",
            r->t_end > 0.0 ? cap[0] / r->t_end : NAN, "%.6g", "tokens/s");
    out_num(o, "lost_power_share", "capacity lost to power (eclipse, battery)", cap[1] / cap[0], "%.5f", "");
    out_num(o, "lost_heat_share", "capacity lost to heat (throttling)", cap[2] / cap[0], "%.5f", "");
    out_num(o, "lost_failures_share", "capacity lost to failures and restarts", cap[3] / cap[0], "%.5f", "");
    out_num(o, "delivered_share", "tokens served / capacity at full power", v[1] / cap[0], "%.5f", "");

    /* latency estimate over every record satellite and record that served tokens */
    int have_lat;
    double p50, p99;
    enum odt_status st = latency_percentiles(r, &have_lat, &p50, &p99);
    if (st != ODT_OK)
        return st;
    if (!have_lat)
        out_note(o, "latency: not recorded (snapshot_fields without latency and served_rate)");
    out_num(o, "latency_p50_s", "latency p50 (satellite-records serving)", p50, "%.3f", "s");
    out_num(o, "latency_p99_s", "latency p99", p99, "%.3f", "s");

    /* failures by class, in the end state: the burn-in comparison */
    if (r->n_classes > 0) {
        out_begin(o, "failures_by_class", "accelerator failures and restarts by class", 1);
        for (int c = 0; c < r->n_classes; ++c) {
            double failed = 0.0, restarts = 0.0, working = 0.0;
            if ((st = final_sum(r, "accel_failed", c, &failed)) != ODT_OK ||
                (st = final_sum(r, "restarts", c, &restarts)) != ODT_OK ||
                (st = final_sum(r, "accel_working", c, &working)) != ODT_OK) {
                out_end(o);
                return st;
            }
            const double launched = (double)r->class_sats[c] * r->col[CC_ACCELERATORS][c];
            out_begin(o, NULL, r->class_name[c], 0);
            out_str(o, "class", "class", r->class_name[c]);
            out_num(o, "burn_in_h", "ground burn-in", r->col[CC_BURN_IN][c] / 3600.0, "%.0f", "h");
            out_num(o, "accelerators_launched", "accelerators launched (without spares)", launched, "%.0f", "");
            out_num(o, "failed", "accelerators failed", failed, "%.0f", "");
            out_num(o, "failed_fraction", "failed / launched", launched > 0.0 ? failed / launched : NAN, "%.5f", "");
            out_num(o, "working_fraction", "working at the end / launched", launched > 0.0 ? working / launched : NAN,
                    "%.5f", "");
            out_num(o, "restarts", "node restarts", restarts, "%.0f", "");
            out_end(o);
        }
        out_end(o);
    }
    return ODT_OK;
}

static int always(struct rep *r)
{
    (void)r;
    return 1;
}

static const struct {
    const char *key, *title;
    int (*present)(struct rep *);
    enum odt_status (*write)(struct rep *, struct out *);
} sections[] = {
    {"run", "Run", always, sec_run},
    {"energy", "Fleet energy balance (end state)", always, sec_energy},
    {"array_yield", "Array energy per m2, annualised (orbit vs ground)", always, sec_yield},
    {"eclipses", "Eclipses", always, sec_eclipses},
    {"thermal", "Temperatures and radiator sizing", always, sec_thermal},
    {"compute", "Compute delivered", always, sec_compute},
};

/* ================================================================ entry points */

void odt_report_options_init(struct odt_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    struct odt_ground_site g;
    odt_ground_site_init(&g);
    opt->json = 0;
    opt->load_w = 0.0;
    opt->ground_method = ODT_GROUND_CAPACITY_FACTOR;
    opt->ground_cf = g.capacity_factor;
    opt->ground_lat_deg = g.lat_rad * ODT_RAD2DEG;
}

enum odt_status odt_report_file(const char *path, const struct odt_report_options *opt, FILE *out, char *err,
                                size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    struct rep r;
    memset(&r, 0, sizeof r);
    r.file = H5I_INVALID_HID;
    r.path = path ? path : "(null)";
    r.err = err;
    r.errlen = errlen;
    if (opt)
        r.opt = *opt;
    else
        odt_report_options_init(&r.opt);
    if (!path)
        return fail(&r, ODT_ERR_VALUE, "no snapshot file given");
    if (!(r.opt.load_w >= 0.0) || !isfinite(r.opt.load_w))
        return fail(&r, ODT_ERR_VALUE, "load %g W: expected a power > 0 W", r.opt.load_w);
    if (r.opt.ground_method == ODT_GROUND_CAPACITY_FACTOR && !(r.opt.ground_cf > 0.0 && r.opt.ground_cf <= 1.0))
        return fail(&r, ODT_ERR_VALUE, "ground capacity factor %g: expected 0 < CF <= 1", r.opt.ground_cf);
    if (r.opt.ground_method == ODT_GROUND_LATITUDE && !(fabs(r.opt.ground_lat_deg) <= 90.0))
        return fail(&r, ODT_ERR_VALUE, "ground latitude %g: expected -90..90 deg", r.opt.ground_lat_deg);
    if (r.opt.ground_site) {
        const struct odt_report_ground_site *g = odt_report_ground_site_find(r.opt.ground_site);
        if (!g)
            return fail(&r, ODT_ERR_VALUE, "ground site '%s': not a site of the table (odtwin report --help)",
                        r.opt.ground_site);
        if (r.opt.ground_method != ODT_GROUND_CAPACITY_FACTOR)
            return fail(&r, ODT_ERR_VALUE, "ground site '%s' and a ground latitude: give one", r.opt.ground_site);
        r.opt.ground_cf = g->capacity_factor;
    }
    if (r.opt.ground_method != ODT_GROUND_CAPACITY_FACTOR && r.opt.ground_method != ODT_GROUND_LATITUDE)
        return fail(&r, ODT_ERR_VALUE, "unknown ground method %d", r.opt.ground_method);

    odt_h5_quiet(); /* failures are reported by status, not printed by the library */
    enum odt_status st = rep_open(&r);
    /* Write into memory first: nothing reaches `out` unless the whole report could be made. */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = NULL;
    if (st == ODT_OK) {
        mem = open_memstream(&text, &len);
        if (!mem)
            st = fail(&r, ODT_ERR_NOMEM, "out of memory");
    }
    if (st == ODT_OK && r.opt.claims) {
        st = odt_claims_report(r.file, path, r.opt.json, mem, err, errlen);
    } else if (st == ODT_OK) {
        struct out o;
        out_open(&o, mem, r.opt.json);
        if (o.json) {
            json_member(&o, "file");
            odt_json_string(mem, path);
        } else {
            fprintf(mem, "odtwin report: %s\n", path);
        }
        for (size_t k = 0; k < sizeof sections / sizeof sections[0] && st == ODT_OK; ++k) {
            if (!sections[k].present(&r))
                continue;
            out_begin(&o, sections[k].key, sections[k].title, 0);
            st = sections[k].write(&r, &o);
            out_end(&o);
        }
        out_close(&o);
    }
    if (mem)
        fclose(mem);
    if (st == ODT_OK && out && fwrite(text, 1, len, out) != len)
        st = fail(&r, ODT_ERR_IO, "cannot write the report");
    free(text);
    rep_free(&r);
    return st;
}

static void report_usage(FILE *f)
{
    fprintf(f, "usage: odtwin report FILE.h5 [--json] [--claims] [--load-w W]\n"
               "                     [--ground-cf CF | --ground-site NAME | --ground-lat DEG]\n"
               "  summary tables of a snapshot file: the run, energy balance, array yield against the ground,\n"
               "  eclipses and the battery they need, temperatures and radiator sizing, compute and failures\n"
               "  (every figure and its JSON key: docs/report.md)\n"
               "options:\n"
               "  --json              JSON instead of text\n"
               "  --claims            fleet growth and cost per year, and one row per claim of the February 2026\n"
               "                      interview (docs/economics.md)\n"
               "  --load-w W          load carried through the longest eclipse, W (default: the class's\n"
               "                      compute + bus power)\n"
               "  --ground-cf CF      ground reference with capacity factor CF (default 0.24: US utility-scale\n"
               "                      median, AC basis, LBNL)\n"
               "  --ground-site NAME  a real-weather capacity factor (published typical values, docs/report.md):\n");
    int n;
    const struct odt_report_ground_site *g = odt_report_ground_sites(&n);
    for (int k = 0; k < n; ++k)
        fprintf(f, "                        %-11s CF %.3f\n", g[k].name, g[k].capacity_factor);
    fprintf(f, "  --ground-lat DEG    ground reference from the insolation at latitude DEG under a CLEAR SKY all\n"
               "                      year (0.70, latitude-tilted plane): an upper bound, about twice a real site\n"
               "  -h, --help          this text\n"
               "examples:\n"
               "  odtwin report run.h5\n"
               "  odtwin report run.h5 --ground-site germany\n"
               "  odtwin report run.h5 --json > report.json\n");
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && errno == 0 && isfinite(*v);
}

int odt_report_main(int argc, char **argv)
{
    struct odt_report_options opt;
    odt_report_options_init(&opt);
    const char *path = NULL;
    int have_cf = 0, have_lat = 0, have_site = 0;
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            opt.json = 1;
        } else if (!strcmp(a, "--claims")) {
            opt.claims = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            report_usage(stdout);
            return 0;
        } else if ((!strcmp(a, "--load-w") || !strcmp(a, "--ground-cf") || !strcmp(a, "--ground-lat") ||
                    !strcmp(a, "--ground-site")) && i + 1 >= argc) {
            fprintf(stderr, "odtwin report: option '%s' needs a value (see odtwin report --help)\n", a);
            return 2;
        } else if (!strcmp(a, "--ground-site")) {
            const char *name = argv[++i];
            const struct odt_report_ground_site *g = odt_report_ground_site_find(name);
            if (!g) {
                int n;
                const struct odt_report_ground_site *t = odt_report_ground_sites(&n);
                fprintf(stderr, "odtwin report: --ground-site '%s': not a site of the table (", name);
                for (int k = 0; k < n; ++k)
                    fprintf(stderr, "%s%s", k ? ", " : "", t[k].name);
                fprintf(stderr, "; see odtwin report --help)\n");
                return 2;
            }
            opt.ground_site = g->name;
            opt.ground_cf = g->capacity_factor;
            have_site = 1;
        } else if (!strcmp(a, "--load-w") && i + 1 < argc) {
            if (!parse_double(argv[++i], &opt.load_w) || !(opt.load_w > 0.0)) {
                fprintf(stderr, "odtwin report: --load-w '%s': expected a power > 0 W\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--ground-cf") && i + 1 < argc) {
            if (!parse_double(argv[++i], &opt.ground_cf) || !(opt.ground_cf > 0.0 && opt.ground_cf <= 1.0)) {
                fprintf(stderr, "odtwin report: --ground-cf '%s': expected a capacity factor 0 < CF <= 1\n", argv[i]);
                return 2;
            }
            have_cf = 1;
        } else if (!strcmp(a, "--ground-lat") && i + 1 < argc) {
            if (!parse_double(argv[++i], &opt.ground_lat_deg) || !(fabs(opt.ground_lat_deg) <= 90.0)) {
                fprintf(stderr, "odtwin report: --ground-lat '%s': expected a latitude -90..90 deg\n", argv[i]);
                return 2;
            }
            opt.ground_method = ODT_GROUND_LATITUDE;
            have_lat = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "odtwin report: unknown option '%s' (see odtwin report --help)\n", a);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "odtwin report: more than one file given ('%s' and '%s')\n", path, a);
            return 2;
        }
    }
    if (have_cf + have_lat + have_site > 1) {
        fprintf(stderr, "odtwin report: --ground-cf, --ground-site and --ground-lat are ground references: give "
                        "one\n");
        return 2;
    }
    if (!path) {
        fprintf(stderr, "odtwin report: no snapshot file given (see odtwin report --help)\n");
        return 2;
    }
    char err[1024];
    enum odt_status st = odt_report_file(path, &opt, stdout, err, sizeof err);
    if (st != ODT_OK) {
        fprintf(stderr, "odtwin report: error: %s\n", err);
        return 1;
    }
    return 0;
}
