/*
 * scenario.c: YAML scenario loading with libfyaml.
 *
 * Each mapping is read against a table of known keys (type, destination,
 * allowed range, unit scale), so every key is checked the same way and an
 * unknown key, a wrong type or a value out of range is reported with the file
 * and the line of the key.
 */
#include "host/scenario.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/textfile.h"
#include "orbit/shadow.h"

/* scenarios/default.yaml, embedded at build time (see CMakeLists.txt) */
extern const char odt_default_scenario_yaml[];

const char *odt_scenario_default_text(void) { return odt_default_scenario_yaml; }

/* ------------------------------------------------------------------ errors */

struct ctx {
    const char *file;
    char *err;
    size_t errlen;
    const struct odt_scenario_options *opt;
    size_t rejected;
    int fleet_line;    /* line of the `fleet:` key */
    const struct odt_scenario *sc; /* the scenario being read (its epoch, for launch dates) */
};

/* 1-based line of a node: a scalar's own line, a mapping's first key, a sequence's first item; 0 when the
   node holds nothing with a place (an empty {} or []). */
static int node_line_depth(struct fy_node *n, int depth)
{
    if (!n || depth > 64)
        return 0;
    if (fy_node_get_type(n) == FYNT_SCALAR) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->line + 1 : 0;
    }
    void *it = NULL;
    if (fy_node_get_type(n) == FYNT_MAPPING) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_line_depth(fy_node_pair_key(p), depth + 1) : 0;
    }
    return node_line_depth(fy_node_sequence_iterate(n, &it), depth + 1);
}

static int node_line(struct fy_node *n) { return node_line_depth(n, 0); }

static enum odt_status fail(struct ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum odt_status fail(struct ctx *c, int line, const char *fmt, ...)
{
    char msg[1000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(c->err, c->errlen, "%s:%d: %s", c->file, line, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
    odt_text_one_line(c->err);
    return ODT_ERR_VALUE;
}

/* ------------------------------------------------------------------ key tables */

enum key_type { KT_DOUBLE, KT_INT, KT_U64, KT_STRING, KT_ENUM, KT_VEC3 };

struct key_def {
    const char *key;
    enum key_type type;
    size_t offset;                 /* into the destination struct */
    double min, max;               /* allowed range (in the file's units) */
    bool min_exclusive;            /* value must be > min rather than >= min */
    double scale;                  /* file units -> stored units (0 means 1) */
    const char *const *enum_names; /* KT_ENUM: NULL-terminated names; index is stored as int */
    size_t size;                   /* KT_STRING: buffer size */
};

#define INF HUGE_VAL

/*
 * Numbers are decimal, as written in the tables of docs/scenario.md:
 * [+-] digits [. digits] [e|E [+-] digits] (or [+-] . digits ...). YAML 1.1
 * and 1.2 readers disagree on 0x10, 0o17, 017, 1_000 and .inf (some read them
 * as numbers, some as text, 017 as 15 or 17), so these are refused with a
 * message rather than read one way silently.
 */
enum num_syntax { NUM_OK = 0, NUM_NOT_A_NUMBER, NUM_NOT_DECIMAL };

static enum num_syntax decimal_syntax(const char *s, bool integer_only)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        ++p;
    /* forms other YAML readers take for numbers: say so instead of "not a number" */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' || p[1] == 'b' || p[1] == 'B'))
        return NUM_NOT_DECIMAL;
    if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
        return NUM_NOT_DECIMAL; /* leading zero: octal in YAML 1.1 */
    if (strchr(s, '_') && (*p == '.' || (*p >= '0' && *p <= '9')))
        return NUM_NOT_DECIMAL;
    if (*p == '.' && (p[1] == 'i' || p[1] == 'I' || p[1] == 'n' || p[1] == 'N'))
        return NUM_NOT_DECIMAL; /* .inf, .nan */
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        ++p, ++digits;
    if (*p == '.' && !integer_only) {
        ++p;
        while (*p >= '0' && *p <= '9')
            ++p, ++digits;
    }
    if (digits == 0)
        return NUM_NOT_A_NUMBER;
    if ((*p == 'e' || *p == 'E') && !integer_only) {
        ++p;
        if (*p == '+' || *p == '-')
            ++p;
        if (!(*p >= '0' && *p <= '9'))
            return NUM_NOT_A_NUMBER;
        while (*p >= '0' && *p <= '9')
            ++p;
    }
    return *p == '\0' ? NUM_OK : NUM_NOT_A_NUMBER;
}

/* A finite decimal number (strtod of a checked decimal text is correctly rounded). */
static bool parse_double(const char *s, double *out)
{
    if (decimal_syntax(s, false) != NUM_OK)
        return false;
    errno = 0;
    const double v = strtod(s, NULL);
    if (errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Why a text is not a number, for messages. */
static const char *not_a_number_why(const char *s, bool integer_only)
{
    switch (decimal_syntax(s, integer_only)) {
    case NUM_NOT_DECIMAL:
        return "is not a decimal number (hexadecimal, octal and binary forms, leading zeros, '_' separators, "
               ".inf and .nan are refused)";
    case NUM_OK:
        return "is out of the range of a double";
    default:
        return NULL;
    }
}

/* A list of three numbers, [x, y, z], not all zero. */
static enum odt_status read_vec3(struct ctx *c, const char *where, const struct key_def *d, int line,
                                 struct fy_node *val, double out[3])
{
    if (fy_node_get_type(val) != FYNT_SEQUENCE || fy_node_sequence_item_count(val) != 3)
        return fail(c, line, "%s%s: expected a list of three numbers, e.g. [0, 0, -1]", where, d->key);
    void *it = NULL;
    struct fy_node *e;
    int k = 0;
    double norm = 0.0;
    while ((e = fy_node_sequence_iterate(val, &it)) != NULL) {
        size_t len = 0;
        const char *raw = fy_node_get_type(e) == FYNT_SCALAR ? fy_node_get_scalar(e, &len) : NULL;
        char buf[64];
        if (!raw || len >= sizeof buf)
            return fail(c, line, "%s%s: element %d is not a number", where, d->key, k + 1);
        memcpy(buf, raw, len);
        buf[len] = '\0';
        if (!parse_double(buf, &out[k])) {
            const char *why = not_a_number_why(buf, false);
            return fail(c, line, "%s%s: element %d ('%s') %s", where, d->key, k + 1, buf, why ? why : "is not a number");
        }
        norm += out[k] * out[k];
        ++k;
    }
    if (!(norm > 0.0))
        return fail(c, line, "%s%s: the vector must not be zero", where, d->key);
    for (k = 0; k < 3; ++k)
        out[k] /= sqrt(norm); /* a direction: stored as a unit vector */
    return ODT_OK;
}

static enum odt_status out_of_range(struct ctx *c, int line, const char *where, const struct key_def *d,
                                    const char *s)
{
    char range[128];
    if (d->max == INF)
        snprintf(range, sizeof range, "must be %s %g", d->min_exclusive ? ">" : ">=", d->min);
    else
        snprintf(range, sizeof range, "must be in %c%g, %g]", d->min_exclusive ? '(' : '[', d->min, d->max);
    return fail(c, line, "%s%s = %s is out of range: %s", where, d->key, s, range);
}

/* Read one value into dst according to d; reports with the key's line. */
static enum odt_status read_value(struct ctx *c, const char *where, const struct key_def *d, struct fy_node *key,
                                  struct fy_node *val, void *base)
{
    const int line = node_line(key);
    if (!val || fy_node_is_null(val))
        return fail(c, line, "%s%s has no value", where, d->key);
    if (d->type == KT_VEC3)
        return read_vec3(c, where, d, line, val, (double *)((char *)base + d->offset));
    if (fy_node_get_type(val) != FYNT_SCALAR)
        return fail(c, line, "%s%s: expected a %s, got a %s", where, d->key,
                    d->type == KT_STRING || d->type == KT_ENUM ? "text value" : "number",
                    fy_node_get_type(val) == FYNT_MAPPING ? "mapping" : "list");
    size_t len;
    const char *raw = fy_node_get_scalar(val, &len);
    char s[512];
    if (len >= sizeof s)
        return fail(c, line, "%s%s: value too long", where, d->key);
    memcpy(s, raw, len);
    s[len] = '\0';
    char *dst = (char *)base + d->offset;
    switch (d->type) {
    case KT_DOUBLE: {
        double v;
        if (!parse_double(s, &v)) {
            const char *why = not_a_number_why(s, false);
            if (why)
                return fail(c, line, "%s%s: '%s' %s", where, d->key, s, why);
            return fail(c, line, "%s%s: expected a number, got '%s'", where, d->key, s);
        }
        if (v < d->min || (d->min_exclusive && v <= d->min) || v > d->max)
            return out_of_range(c, line, where, d, s);
        *(double *)dst = v * (d->scale != 0.0 ? d->scale : 1.0);
        return ODT_OK;
    }
    case KT_INT: {
        /* an exact integer: decimal digits only, read as an integer (not through a double) */
        const enum num_syntax syn = decimal_syntax(s, true);
        if (syn == NUM_NOT_DECIMAL)
            return fail(c, line, "%s%s: '%s' %s", where, d->key, s, not_a_number_why(s, true));
        if (syn != NUM_OK) {
            double v;
            if (parse_double(s, &v))
                return fail(c, line, "%s%s: expected an integer, got '%s'", where, d->key, s);
            return fail(c, line, "%s%s: expected a number, got '%s'", where, d->key, s);
        }
        errno = 0;
        const long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE || (double)v < d->min || (d->min_exclusive && (double)v <= d->min) ||
            (double)v > d->max)
            return out_of_range(c, line, where, d, s);
        *(int *)dst = (int)v;
        return ODT_OK;
    }
    case KT_U64: {
        /* 0 .. 2^64 - 1 exactly: digits only (no sign, fraction or exponent), strtoull with overflow checked */
        const enum num_syntax syn = decimal_syntax(s, true);
        if (syn == NUM_NOT_DECIMAL)
            return fail(c, line, "%s%s: '%s' %s", where, d->key, s, not_a_number_why(s, true));
        if (syn != NUM_OK || s[0] == '-' || s[0] == '+')
            return fail(c, line, "%s%s: expected an integer in [0, 18446744073709551615] without a sign, got '%s'",
                        where, d->key, s);
        errno = 0;
        const unsigned long long v = strtoull(s, NULL, 10);
        if (errno == ERANGE)
            return fail(c, line, "%s%s = %s is out of range: must be in [0, 18446744073709551615]", where, d->key, s);
        *(uint64_t *)dst = (uint64_t)v;
        return ODT_OK;
    }
    case KT_STRING:
        if (len + 1 > d->size)
            return fail(c, line, "%s%s: text longer than %zu characters", where, d->key, d->size - 1);
        memcpy(dst, s, len + 1);
        return ODT_OK;
    case KT_VEC3:
        return ODT_OK; /* handled above */
    case KT_ENUM:
        for (int k = 0; d->enum_names[k]; ++k)
            if (strcmp(s, d->enum_names[k]) == 0) {
                *(int *)dst = k;
                return ODT_OK;
            }
        {
            char opts[200] = "";
            for (int k = 0; d->enum_names[k]; ++k) {
                strncat(opts, k ? ", " : "", sizeof opts - strlen(opts) - 1);
                strncat(opts, d->enum_names[k], sizeof opts - strlen(opts) - 1);
            }
            return fail(c, line, "%s%s: unknown value '%s' (one of: %s)", where, d->key, s, opts);
        }
    }
    return ODT_OK;
}

static const struct key_def *find_key(const struct key_def *defs, size_t n, const char *key, size_t len)
{
    for (size_t k = 0; k < n; ++k)
        if (strlen(defs[k].key) == len && memcmp(defs[k].key, key, len) == 0)
            return &defs[k];
    return NULL;
}

static enum odt_status unknown_key(struct ctx *c, const char *where, struct fy_node *key,
                                   const struct key_def *defs, size_t n, const char *extra)
{
    size_t len;
    const char *k = fy_node_get_type(key) == FYNT_SCALAR ? fy_node_get_scalar(key, &len) : "?";
    if (k == (const char *)0 || fy_node_get_type(key) != FYNT_SCALAR)
        len = 1;
    char known[700] = "";
    for (size_t i = 0; i < n; ++i) {
        strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
        strncat(known, defs[i].key, sizeof known - strlen(known) - 1);
    }
    if (extra) {
        strncat(known, ", ", sizeof known - strlen(known) - 1);
        strncat(known, extra, sizeof known - strlen(known) - 1);
    }
    return fail(c, node_line(key), "unknown key '%.*s' in %s (known keys: %s)", (int)len, k,
                where[0] ? where : "the scenario", known);
}

/*
 * Walk a mapping: keys of the table are read into base; a key named in
 * `skip` (a NULL-terminated list) is left to the caller; anything else fails.
 */
static enum odt_status read_mapping(struct ctx *c, struct fy_node *map, const char *where,
                                    const struct key_def *defs, size_t n, const char *const *skip, void *base)
{
    void *it = NULL;
    struct fy_node_pair *p;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s%s", where, where[0] ? ": " : "");
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        size_t len = 0;
        const char *ks = (k && fy_node_get_type(k) == FYNT_SCALAR) ? fy_node_get_scalar(k, &len) : NULL;
        if (!ks)
            return fail(c, node_line(v), "%skeys must be plain text", prefix);
        const struct key_def *d = find_key(defs, n, ks, len);
        if (d) {
            enum odt_status st = read_value(c, prefix, d, k, v, base);
            if (st != ODT_OK)
                return st;
            continue;
        }
        bool skipped = false;
        for (int s = 0; skip && skip[s]; ++s)
            if (strlen(skip[s]) == len && memcmp(skip[s], ks, len) == 0)
                skipped = true;
        if (!skipped) {
            char extra[200] = "";
            for (int s = 0; skip && skip[s]; ++s) {
                strncat(extra, s ? ", " : "", sizeof extra - strlen(extra) - 1);
                strncat(extra, skip[s], sizeof extra - strlen(extra) - 1);
            }
            return unknown_key(c, where, k, defs, n, extra[0] ? extra : NULL);
        }
    }
    return ODT_OK;
}

/* value node and key node of `key` in map (NULL when absent) */
static struct fy_node *lookup(struct fy_node *map, const char *key, struct fy_node **key_node)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        size_t len;
        struct fy_node *k = fy_node_pair_key(p);
        const char *ks = (k && fy_node_get_type(k) == FYNT_SCALAR) ? fy_node_get_scalar(k, &len) : NULL;
        if (ks && strlen(key) == len && memcmp(key, ks, len) == 0) {
            if (key_node)
                *key_node = k;
            return fy_node_pair_value(p);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ the schema */

static const char *const pointing_names[] = {"sun_tracking", "body_fixed", "single_axis", NULL};
static const char *const accel_names[] = {"h200", "b200", NULL};

#define SAT(field) offsetof(struct odt_sat_spec, field)
static const struct key_def sat_keys[] = {
    {"array_area_m2", KT_DOUBLE, SAT(cls.array.area_m2), 0, 1e7, false, 0, NULL, 0},
    {"cell_efficiency", KT_DOUBLE, SAT(cls.array.cell_efficiency), 0, 1, true, 0, NULL, 0},
    {"cell_temp_coeff_per_k", KT_DOUBLE, SAT(cls.array.temp_coeff_per_k), -0.01, 0.01, false, 0, NULL, 0},
    {"cell_reference_temp_k", KT_DOUBLE, SAT(cls.array.t_ref_k), 0, 1000, true, 0, NULL, 0},
    {"packing_factor", KT_DOUBLE, SAT(cls.array.packing_factor), 0, 1, true, 0, NULL, 0},
    {"pcu_efficiency", KT_DOUBLE, SAT(cls.array.pcu_efficiency), 0, 1, true, 0, NULL, 0},
    {"degradation_per_year", KT_DOUBLE, SAT(cls.array.degradation_per_yr), 0, 1, false, 0, NULL, 0},
    {"array_fluence_per_year", KT_DOUBLE, SAT(cls.array_fluence_per_yr), 0, 1e18, false, 0, NULL, 0},
    {"array_pointing", KT_ENUM, SAT(cls.array.pointing), 0, 0, false, 0, pointing_names, 0},
    {"array_axis_lvlh", KT_VEC3, SAT(cls.array.axis_lvlh), 0, 0, false, 0, NULL, 0},
    {"array_absorptivity", KT_DOUBLE, SAT(cls.array.absorptivity), 0, 1, false, 0, NULL, 0},
    {"array_emissivity", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_ARRAY][ODT_TN_FRONT].emissivity), 0, 1, false, 0, NULL, 0},
    {"array_heat_capacity_j_per_k", KT_DOUBLE, SAT(cls.thermal.c_j_k[ODT_TN_ARRAY]), 0, INF, true, 0, NULL, 0},
    {"battery_capacity_wh", KT_DOUBLE, SAT(cls.battery.capacity_j), 0, 1e9, false, 3600.0, NULL, 0},
    {"battery_soc_min", KT_DOUBLE, SAT(cls.battery.soc_min), 0, 1, false, 0, NULL, 0},
    {"battery_soc_max", KT_DOUBLE, SAT(cls.battery.soc_max), 0, 1, false, 0, NULL, 0},
    {"battery_soc_initial", KT_DOUBLE, SAT(battery_soc_initial), 0, 1, false, 0, NULL, 0},
    {"battery_charge_efficiency", KT_DOUBLE, SAT(cls.battery.eta_charge), 0, 1, true, 0, NULL, 0},
    {"battery_discharge_efficiency", KT_DOUBLE, SAT(cls.battery.eta_discharge), 0, 1, true, 0, NULL, 0},
    {"battery_max_charge_w", KT_DOUBLE, SAT(cls.battery.p_charge_max_w), 0, INF, false, 0, NULL, 0},
    {"battery_max_discharge_w", KT_DOUBLE, SAT(cls.battery.p_discharge_max_w), 0, INF, false, 0, NULL, 0},
    {"accelerator", KT_ENUM, SAT(accelerator), 0, 0, false, 0, accel_names, 0},
    {"accelerators", KT_INT, SAT(cls.node.n_accel), 0, 100000, false, 0, NULL, 0},
    {"spares", KT_INT, SAT(cls.node.n_spares), 0, 100000, false, 0, NULL, 0},
    {"accelerator_board_power_w", KT_DOUBLE, SAT(accel_board_power_w), 0, 1e6, true, 0, NULL, 0},
    {"accelerator_tokens_per_s", KT_DOUBLE, SAT(accel_tokens_per_s), 0, 1e12, true, 0, NULL, 0},
    {"bus_power_w", KT_DOUBLE, SAT(cls.node.bus_power_w), 0, INF, false, 0, NULL, 0},
    {"throttle_temp_k", KT_DOUBLE, SAT(cls.node.t_throttle_k), 0, 1000, true, 0, NULL, 0},
    {"shutdown_temp_k", KT_DOUBLE, SAT(cls.node.t_shutdown_k), 0, 1000, true, 0, NULL, 0},
    {"queue_limit_tokens", KT_DOUBLE, SAT(cls.queue.limit_tokens), 0, 9e15, false, 0, NULL, 0},
    {"latency_objective_s", KT_DOUBLE, SAT(cls.queue.latency_objective_s), 0, 1e9, false, 0, NULL, 0},
    {"service_time_s", KT_DOUBLE, SAT(cls.queue.service_time_s), 0, 1e6, false, 0, NULL, 0},
    {"burn_in_h", KT_DOUBLE, SAT(cls.rel.burn_in_s), 0, 1e6, false, 3600.0, NULL, 0},
    {"weak_fraction", KT_DOUBLE, SAT(cls.rel.weak_fraction), 0, 1, false, 0, NULL, 0},
    {"weibull_shape", KT_DOUBLE, SAT(cls.rel.weibull_shape), 0, 1, true, 0, NULL, 0},
    {"weibull_scale_h", KT_DOUBLE, SAT(cls.rel.weibull_scale_s), 0, 1e9, true, 3600.0, NULL, 0},
    {"random_failure_rate_per_year", KT_DOUBLE, SAT(cls.rel.random_rate_per_yr), 0, 100, false, 0, NULL, 0},
    {"restart_rate_per_day", KT_DOUBLE, SAT(cls.rel.sefi_rate_per_day), 0, 1e4, false, 0, NULL, 0},
    {"restart_saa_factor", KT_DOUBLE, SAT(cls.rel.sefi_saa_factor), 0, 1e4, false, 0, NULL, 0},
    {"restart_downtime_s", KT_DOUBLE, SAT(cls.rel.sefi_downtime_s), 0, 1e9, false, 0, NULL, 0},
    {"radiator_area_m2", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_RADIATOR][ODT_TN_FRONT].area_m2), 0, 1e7, true, 0, NULL, 0},
    {"radiator_sides", KT_INT, SAT(radiator_sides), 1, 2, false, 0, NULL, 0},
    {"radiator_emissivity", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_RADIATOR][ODT_TN_FRONT].emissivity), 0, 1, true, 0, NULL, 0},
    {"radiator_absorptivity", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_RADIATOR][ODT_TN_FRONT].absorptivity), 0, 1, false, 0, NULL, 0},
    {"radiator_heat_capacity_j_per_k", KT_DOUBLE, SAT(cls.thermal.c_j_k[ODT_TN_RADIATOR]), 0, INF, true, 0, NULL, 0},
    {"payload_heat_capacity_j_per_k", KT_DOUBLE, SAT(cls.thermal.c_j_k[ODT_TN_PAYLOAD]), 0, INF, true, 0, NULL, 0},
    {"payload_radiator_conductance_w_per_k", KT_DOUBLE, SAT(cls.thermal.g_w_k[ODT_TN_PAYLOAD][ODT_TN_RADIATOR]), 0, INF, true, 0,
     NULL, 0},
    {"payload_temp_limit_k", KT_DOUBLE, SAT(cls.thermal.t_limit_payload_k), 0, 1000, true, 0, NULL, 0},
    {"bus_heat_capacity_j_per_k", KT_DOUBLE, SAT(cls.thermal.c_j_k[ODT_TN_BUS]), 0, INF, true, 0, NULL, 0},
    {"bus_radiator_area_m2", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_BUS][ODT_TN_FRONT].area_m2), 0, 1e7, false, 0, NULL, 0},
    {"bus_emissivity", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_BUS][ODT_TN_FRONT].emissivity), 0, 1, false, 0, NULL, 0},
    {"bus_absorptivity", KT_DOUBLE, SAT(cls.thermal.face[ODT_TN_BUS][ODT_TN_FRONT].absorptivity), 0, 1, false, 0, NULL, 0},
    {"bus_payload_conductance_w_per_k", KT_DOUBLE, SAT(cls.thermal.g_w_k[ODT_TN_PAYLOAD][ODT_TN_BUS]), 0, INF, false, 0, NULL, 0},
    {"array_bus_conductance_w_per_k", KT_DOUBLE, SAT(cls.thermal.g_w_k[ODT_TN_ARRAY][ODT_TN_BUS]), 0, INF, false, 0, NULL, 0},
    {"initial_temperature_k", KT_DOUBLE, SAT(initial_temperature_k), 0, 1000, true, 0, NULL, 0},
    {"battery_cycle_life", KT_DOUBLE, SAT(cls.aging.cycle_life), 0, 1e9, false, 0, NULL, 0},
    {"battery_cycle_life_dod", KT_DOUBLE, SAT(cls.aging.dod_ref), 0, 1, true, 0, NULL, 0},
    {"battery_dod_exponent", KT_DOUBLE, SAT(cls.aging.dod_exponent), 0, 10, false, 0, NULL, 0},
    {"battery_eol_fade", KT_DOUBLE, SAT(cls.aging.eol_fade), 0, 1, false, 0, NULL, 0},
    {"battery_calendar_fade_per_sqrt_year", KT_DOUBLE, SAT(cls.aging.calendar_fade_per_sqrt_year), 0, 1, false, 0, NULL,
     0},
    {"battery_fade_max", KT_DOUBLE, SAT(cls.aging.fade_max), 0, 1, false, 0, NULL, 0},
    {"array_kg_per_m2", KT_DOUBLE, SAT(mass.array_kg_per_m2), 0, 1e4, false, 0, NULL, 0},
    {"radiator_kg_per_m2", KT_DOUBLE, SAT(mass.radiator_kg_per_m2), 0, 1e4, false, 0, NULL, 0},
    {"battery_wh_per_kg", KT_DOUBLE, SAT(mass.battery_wh_per_kg), 0, 1e5, true, 0, NULL, 0},
    {"accelerator_kg", KT_DOUBLE, SAT(mass.accelerator_kg), 0, 1e5, false, 0, NULL, 0},
    {"shielding_kg", KT_DOUBLE, SAT(mass.shielding_kg), 0, 1e7, false, 0, NULL, 0},
    {"structure_fraction", KT_DOUBLE, SAT(mass.structure_fraction), 0, 0.99, false, 0, NULL, 0},
    {"design_life_years", KT_DOUBLE, SAT(design_life_s), 0, 1000, true, ODT_SEC_PER_YEAR, NULL, 0},
};
#undef SAT

static const char *const source_names[] = {"sso", "walker", "catalog", NULL};
static const char *const format_names[] = {"auto", "tle", "omm_kvn", "omm_xml", "omm_json", "omm_csv", NULL};
static const char *const gravity_names[] = {"wgs72", "wgs84", "wgs72old", NULL};
static const char *const opsmode_names[] = {"improved", "afspc", NULL};
static const char *const bool_names[] = {"false", "true", NULL};
static const char *const pattern_names[] = {"delta", "star", NULL};

#define SH(field) offsetof(struct odt_shell_spec, field)
static const struct key_def shell_keys[] = {
    {"name", KT_STRING, SH(name), 0, 0, false, 0, NULL, sizeof(((struct odt_shell_spec *)0)->name)},
    {"source", KT_ENUM, SH(source), 0, 0, false, 0, source_names, 0},
    {"pattern", KT_ENUM, SH(pattern), 0, 0, false, 0, pattern_names, 0},
    {"altitude_km", KT_DOUBLE, SH(altitude_km), 150, 100000, false, 0, NULL, 0},
    {"eccentricity", KT_DOUBLE, SH(eccentricity), 0, 0.99, false, 0, NULL, 0},
    {"inclination_deg", KT_DOUBLE, SH(inclination_deg), 0, 180, false, 0, NULL, 0},
    {"raan_deg", KT_DOUBLE, SH(raan_deg), -360, 360, false, 0, NULL, 0},
    {"ltan_h", KT_DOUBLE, SH(ltan_h), 0, 24, false, 0, NULL, 0},
    {"ltan_spread_h", KT_DOUBLE, SH(ltan_spread_h), 0, 24, false, 0, NULL, 0},
    {"planes", KT_INT, SH(planes), 1, 1e6, false, 0, NULL, 0},
    {"slots", KT_INT, SH(slots), 1, 1e7, false, 0, NULL, 0},
    {"phasing", KT_INT, SH(phasing), 0, 1e6, false, 0, NULL, 0},
    {"file", KT_STRING, SH(file), 0, 0, false, 0, NULL, sizeof(((struct odt_shell_spec *)0)->file)},
    {"format", KT_ENUM, SH(format), 0, 0, false, 0, format_names, 0},
    {"gravity", KT_ENUM, SH(gravity), 0, 0, false, 0, gravity_names, 0},
    {"opsmode", KT_ENUM, SH(opsmode), 0, 0, false, 0, opsmode_names, 0},
    {"strict", KT_ENUM, SH(strict), 0, 0, false, 0, bool_names, 0},
};
#undef SH

static const char *const shadow_names[] = {"none", "cylindrical", "conical", NULL};
static const char *const earth_shape_names[] = {"sphere", "oblate", NULL};

static const char *const precision_names[] = {"storage", "double", NULL};

#define SC(field) offsetof(struct odt_scenario, field)
static const struct key_def top_keys[] = {
    {"name", KT_STRING, SC(name), 0, 0, false, 0, NULL, sizeof(((struct odt_scenario *)0)->name)},
    {"epoch", KT_STRING, SC(epoch_text), 0, 0, false, 0, NULL, sizeof(((struct odt_scenario *)0)->epoch_text)},
    {"duration_s", KT_DOUBLE, SC(duration_s), 0, 1e10, true, 0, NULL, 0},
    {"step_s", KT_DOUBLE, SC(step_s), 0, 1e6, true, 0, NULL, 0},
    {"snapshot_interval_s", KT_DOUBLE, SC(snapshot_interval_s), 0, 1e10, true, 0, NULL, 0},
    {"seed", KT_U64, SC(seed), 0, 0, false, 0, NULL, 0}, /* 0 .. 2^64 - 1, read exactly */
    {"shadow", KT_ENUM, SC(shadow_model), 0, 0, false, 0, shadow_names, 0},
    {"earth_shape", KT_ENUM, SC(earth_shape), 0, 0, false, 0, earth_shape_names, 0},
    {"snapshot_compression", KT_INT, SC(snapshot_compression), 0, 9, false, 0, NULL, 0},
    {"albedo", KT_DOUBLE, SC(albedo), 0, 1, false, 0, NULL, 0},
    {"earth_ir_w_m2", KT_DOUBLE, SC(earth_ir_w_m2), 0, 1000, false, 0, NULL, 0},
    {"output", KT_STRING, SC(output), 0, 0, false, 0, NULL, sizeof(((struct odt_scenario *)0)->output)},
    {"checkpoint_interval_s", KT_DOUBLE, SC(checkpoint_interval_s), 0, 1e10, false, 0, NULL, 0},
    {"checkpoint_wall_s", KT_DOUBLE, SC(checkpoint_wall_s), 0, 1e7, false, 0, NULL, 0},
    {"dispatch_interval_s", KT_DOUBLE, SC(dispatch_interval_s), 0, 1e10, true, 0, NULL, 0},
    {"series_every", KT_INT, SC(series_every), 1, 1e9, false, 0, NULL, 0},
    {"snapshot_precision", KT_ENUM, SC(snapshot_precision), 0, 0, false, 0, precision_names, 0},
};
#undef SC

#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

/*
 * The default design: each model's defaults function (array.h, battery.h, battery_aging.h, accelerator.h,
 * queue.h, reliability.h, thermal_network.h, host/economics.h), and for the choices beside the models: a
 * two-sided radiator panel, the battery at 80 % and every node at 20 C at the start, a five-year design life
 * (Starlink satellites are designed for about five years in orbit: SpaceX FCC filing SAT-MOD-20200417-00037).
 */
void odt_sat_spec_defaults(struct odt_sat_spec *s)
{
    memset(s, 0, sizeof *s);
    struct odt_sat_class *c = &s->cls;
    odt_array_model_init(&c->array);
    c->array_fluence_per_yr = 0.0;
    c->battery = odt_battery_params_default();
    odt_battery_aging_defaults(&c->aging);
    odt_tn_defaults(&c->thermal);
    c->node = odt_node_spec_default();
    c->queue = odt_queue_params_default();
    c->rel = odt_rel_params_default();
    s->accelerator = ODT_ACCEL_H200;
    s->radiator_sides = 2;
    s->battery_soc_initial = ODT_BATTERY_SOC_INITIAL_DEFAULT;
    s->initial_temperature_k = 293.15;
    s->design_life_s = 5.0 * ODT_SEC_PER_YEAR;
    odt_mass_params_default(&s->mass);
    odt_sat_spec_finish(s, c->thermal.albedo, c->thermal.earth_ir_w_m2);
}

void odt_sat_spec_finish(struct odt_sat_spec *s, double albedo, double earth_ir_w_m2)
{
    struct odt_sat_class *c = &s->cls;
    c->node.type = s->accelerator == ODT_ACCEL_B200 ? odt_accel_type_b200() : odt_accel_type_h200();
    if (s->accel_board_power_w > 0.0) { /* a custom board power keeps the type's idle and cap fractions */
        const double k = s->accel_board_power_w / c->node.type.board_power_w;
        c->node.type.board_power_w *= k;
        c->node.type.idle_power_w *= k;
    }
    if (s->accel_tokens_per_s > 0.0)
        c->node.type.tokens_per_s_full = s->accel_tokens_per_s;
    c->queue.limit_tokens = floor(c->queue.limit_tokens);

    /* the thermal network: the array's faces are the array of the power model (one area, one absorptivity) */
    struct odt_tn_params *t = &c->thermal;
    t->albedo = albedo;
    t->earth_ir_w_m2 = earth_ir_w_m2;
    struct odt_tn_face *af = &t->face[ODT_TN_ARRAY][ODT_TN_FRONT], *ab = &t->face[ODT_TN_ARRAY][ODT_TN_BACK];
    af->area_m2 = ab->area_m2 = c->array.area_m2;
    af->absorptivity = c->array.absorptivity;
    ab->emissivity = af->emissivity;
    const struct odt_tn_face *rf = &t->face[ODT_TN_RADIATOR][ODT_TN_FRONT];
    struct odt_tn_face *rb = &t->face[ODT_TN_RADIATOR][ODT_TN_BACK];
    rb->area_m2 = s->radiator_sides == 2 ? rf->area_m2 : 0.0;
    rb->emissivity = rf->emissivity;
    rb->absorptivity = rf->absorptivity;
    static const int links[3][2] = {{ODT_TN_PAYLOAD, ODT_TN_RADIATOR}, {ODT_TN_PAYLOAD, ODT_TN_BUS},
                                    {ODT_TN_ARRAY, ODT_TN_BUS}};
    for (int k = 0; k < 3; ++k)
        odt_tn_link(t, links[k][0], links[k][1], t->g_w_k[links[k][0]][links[k][1]]);
}

static enum odt_status check_sat(struct ctx *c, int line, const char *where, const struct odt_sat_spec *s)
{
    char why[300];
    const struct odt_sat_class *k = &s->cls;
    if (odt_mass_params_check(&s->mass, why, sizeof why) != ODT_OK)
        return fail(c, line, "%s: %s", where, why);
    if (k->node.t_throttle_k >= k->node.t_shutdown_k)
        return fail(c, line, "%s: throttle_temp_k (%g) must be below shutdown_temp_k (%g)", where,
                    k->node.t_throttle_k, k->node.t_shutdown_k);
    if (k->battery.soc_min > k->battery.soc_max)
        return fail(c, line, "%s: battery_soc_min (%g) is above battery_soc_max (%g)", where, k->battery.soc_min,
                    k->battery.soc_max);
    if (k->battery.capacity_j > 0.0 &&
        (s->battery_soc_initial < k->battery.soc_min || s->battery_soc_initial > k->battery.soc_max))
        return fail(c, line, "%s: battery_soc_initial (%g) is outside [battery_soc_min, battery_soc_max] = [%g, %g]",
                    where, s->battery_soc_initial, k->battery.soc_min, k->battery.soc_max);
    /* the key ranges keep each value valid; the network as a whole must be one the step can integrate
       (odt_tn_params_check), or every temperature of the class would stay frozen at its start */
    if (odt_tn_params_check(&k->thermal) != ODT_OK)
        return fail(c, line, "%s: the thermal network is not valid: every heat capacity must be > 0 and every "
                    "conductance >= 0", where);
    return ODT_OK;
}

static enum odt_status read_sat(struct ctx *c, struct fy_node *key, struct fy_node *val, const char *where,
                                struct odt_sat_spec *s)
{
    if (!val || fy_node_get_type(val) != FYNT_MAPPING)
        return fail(c, node_line(key), "%s: expected a mapping of satellite parameters", where);
    enum odt_status st = read_mapping(c, val, where, sat_keys, NKEYS(sat_keys), NULL, s);
    if (st != ODT_OK)
        return st;
    odt_sat_spec_finish(s, c->sc->albedo, c->sc->earth_ir_w_m2);
    return check_sat(c, node_line(key), where, s);
}

/* A fleet entry taken from a TLE/OMM catalogue, propagated with SGP4. */
static enum odt_status read_catalog_entry(struct ctx *c, struct fy_node *entry, const char *where,
                                          struct odt_shell_spec *sh)
{
    static const char *const generated_only[] = {"altitude_km", "eccentricity", "inclination_deg", "raan_deg",
                                                 "ltan_h", "ltan_spread_h", "planes", "slots", "phasing",
                                                 "pattern", NULL};
    for (int k = 0; generated_only[k]; ++k) {
        struct fy_node *kk = NULL;
        if (lookup(entry, generated_only[k], &kk))
            return fail(c, node_line(kk), "%s: '%s' does not apply to source: catalog (the catalogue gives the orbits)",
                        where, generated_only[k]);
    }
    if (!sh->file[0])
        return fail(c, sh->line, "%s: a catalog entry needs 'file' (a TLE or OMM file)", where);
    /* a relative path is taken from the scenario file's folder */
    const char *slash = strrchr(c->file, '/');
    if (sh->file[0] != '/' && slash && c->file[0] != '<')
        snprintf(sh->path, sizeof sh->path, "%.*s/%s", (int)(slash - c->file), c->file, sh->file);
    else
        snprintf(sh->path, sizeof sh->path, "%s", sh->file);
    const int strict = sh->strict || (c->opt && c->opt->strict_catalog);
    struct odt_catalog *cat = &sh->catalog;
    struct fy_node *fk = NULL;
    lookup(entry, "file", &fk);
    struct odt_catalog_options copt;
    memset(&copt, 0, sizeof copt);
    copt.format = (enum odt_catalog_format)sh->format;
    copt.strict = strict;
    copt.skipped = c->opt && c->opt->quiet ? NULL : odt_catalog_print_skipped;
    char cerr[600];
    enum odt_status st = odt_catalog_read_file(sh->path, &copt, cat, cerr, sizeof cerr);
    if (st != ODT_OK) {
        const int bad_entry = strict && st == ODT_ERR_PARSE && cat->n_bad > 0;
        odt_catalog_free(cat);
        return fail(c, node_line(fk), "%s: %s%s", where, bad_entry ? "bad catalogue entry (strict): " : "", cerr);
    }
    c->rejected += cat->n_bad;
    if (cat->n == 0) {
        odt_catalog_free(cat);
        return fail(c, node_line(fk), "%s: catalogue '%s' has no valid entries", where, sh->path);
    }
    sh->planes = 1;
    sh->slots = (int)cat->n;
    return ODT_OK;
}

static const char *const fill_names[] = {"planes", "round_robin", NULL};
static const char *const represent_names[] = {"none", "launch", "plane", NULL};

#define LS(field) offsetof(struct odt_launch_spec, field)
static const struct key_def launch_keys[] = {
    {"first", KT_STRING, LS(first_text), 0, 0, false, 0, NULL, sizeof(((struct odt_launch_spec *)0)->first_text)},
    {"payload_kg", KT_DOUBLE, LS(payload_kg), 0, 1e7, true, 0, NULL, 0},
    {"satellites_per_launch", KT_INT, LS(satellites_per_launch), 1, 1e7, false, 0, NULL, 0},
    {"fill", KT_ENUM, LS(fill), 0, 0, false, 0, fill_names, 0},
    {"replace", KT_ENUM, LS(replace), 0, 0, false, 0, bool_names, 0},
};
#undef LS
#define LI(field) offsetof(struct odt_launch_item, field)
static const struct key_def launch_item_keys[] = {
    {"satellites", KT_INT, LI(satellites), 1, 1e7, false, 0, NULL, 0},
    {"payload_kg", KT_DOUBLE, LI(payload_kg), 0, 1e7, true, 0, NULL, 0},
};
#undef LI
struct represent_read {
    int per, count;
    double window_s;
};
#define RP(field) offsetof(struct represent_read, field)
static const struct key_def represent_keys[] = {
    {"per", KT_ENUM, RP(per), 0, 0, false, 0, represent_names, 0},
    {"count", KT_INT, RP(count), 1, 1e6, false, 0, NULL, 0},
    {"window_days", KT_DOUBLE, RP(window_s), 0, 3650, false, ODT_SEC_PER_DAY, NULL, 0},
};
#undef RP

/* A date of a launch schedule as seconds since the scenario epoch; a date before the epoch fails. */
static enum odt_status launch_date(struct ctx *c, const struct odt_scenario *sc, const char *where, const char *text,
                                   int line, double *t_s)
{
    struct odt_epoch ep;
    char eerr[256];
    if (odt_epoch_parse(text, &ep, eerr, sizeof eerr) != ODT_OK)
        return fail(c, line, "%s: %s", where, eerr);
    *t_s = ((ep.utc1 - sc->epoch.utc1) + (ep.utc2 - sc->epoch.utc2)) * ODT_SEC_PER_DAY;
    if (*t_s < -1e-3)
        return fail(c, line, "%s: %s is before the scenario epoch %s: a launch schedule starts at or after it",
                    where, ep.iso, sc->epoch.iso);
    if (*t_s < 0.0)
        *t_s = 0.0;
    return ODT_OK;
}

/* The per_year cadence: one number, or a list (launches per year in each year of the schedule). */
static enum odt_status read_per_year(struct ctx *c, const char *where, struct fy_node *key, struct fy_node *val,
                                     struct odt_launch_spec *L)
{
    const int line = node_line(key);
    struct fy_node *items[ODT_LAUNCH_MAX_YEARS];
    int n = 0;
    if (val && fy_node_get_type(val) == FYNT_SEQUENCE) {
        void *it = NULL;
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(val, &it)) != NULL) {
            if (n == ODT_LAUNCH_MAX_YEARS)
                return fail(c, line, "%s: per_year lists more than %d years", where, ODT_LAUNCH_MAX_YEARS);
            items[n++] = e;
        }
        if (n == 0)
            return fail(c, line, "%s: per_year: the list is empty", where);
    } else {
        items[n++] = val;
    }
    for (int k = 0; k < n; ++k) {
        size_t len = 0;
        const char *raw = items[k] && fy_node_get_type(items[k]) == FYNT_SCALAR ? fy_node_get_scalar(items[k], &len)
                                                                               : NULL;
        char buf[64];
        const int l = items[k] && node_line(items[k]) > 0 ? node_line(items[k]) : line;
        if (!raw || len >= sizeof buf)
            return fail(c, l, "%s: per_year: expected a number of launches per year, or a list of them", where);
        memcpy(buf, raw, len);
        buf[len] = '\0';
        double v;
        if (!parse_double(buf, &v))
            return fail(c, l, "%s: per_year: '%s' is not a number", where, buf);
        if (!(v > 0.0) || v > ODT_LAUNCH_MAX_PER_YEAR)
            return fail(c, l, "%s: per_year = %s is out of range: a cadence must be in (0, %g] launches per year",
                        where, buf, ODT_LAUNCH_MAX_PER_YEAR);
        L->per_year[k] = v;
    }
    L->n_per_year = n;
    L->line_per_year = line;
    return ODT_OK;
}

/* An explicit list of launches: [{date: ..., satellites: N, payload_kg: M}, ...] in time order. */
static enum odt_status read_launch_list(struct ctx *c, const struct odt_scenario *sc, const char *where,
                                        struct fy_node *key, struct fy_node *val, struct odt_launch_spec *L)
{
    if (!val || fy_node_get_type(val) != FYNT_SEQUENCE || fy_node_sequence_item_count(val) <= 0)
        return fail(c, node_line(key), "%s: list: expected a list of launches, e.g. [{date: 2027-01-01}]", where);
    const int count = fy_node_sequence_item_count(val);
    L->list = calloc((size_t)count, sizeof *L->list);
    if (!L->list)
        return fail(c, node_line(key), "out of memory");
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(val, &it)) != NULL) {
        struct odt_launch_item *li = &L->list[L->n_list];
        char w2[128];
        snprintf(w2, sizeof w2, "%s: launch %zu", where, L->n_list + 1);
        li->line = node_line(e) > 0 ? node_line(e) : node_line(key);
        if (fy_node_get_type(e) != FYNT_MAPPING)
            return fail(c, li->line, "%s: expected a mapping with 'date'", w2);
        static const char *const skip[] = {"date", NULL};
        enum odt_status st = read_mapping(c, e, w2, launch_item_keys, NKEYS(launch_item_keys), skip, li);
        if (st != ODT_OK)
            return st;
        struct fy_node *dk = NULL, *dv = lookup(e, "date", &dk);
        size_t len = 0;
        const char *d = dv && fy_node_get_type(dv) == FYNT_SCALAR ? fy_node_get_scalar(dv, &len) : NULL;
        char buf[64];
        if (!d || len >= sizeof buf)
            return fail(c, dk ? node_line(dk) : li->line, "%s: needs 'date' (e.g. 2027-03-01T12:00:00Z)", w2);
        memcpy(buf, d, len);
        buf[len] = '\0';
        if ((st = launch_date(c, sc, w2, buf, node_line(dk), &li->t_s)) != ODT_OK)
            return st;
        if (L->n_list > 0 && li->t_s < L->list[L->n_list - 1].t_s)
            return fail(c, node_line(dk), "%s: the launches must be listed in time order (%s is before launch %zu)",
                        w2, buf, L->n_list);
        ++L->n_list;
    }
    return ODT_OK;
}

/* The `launch:` block of a fleet entry. */
static enum odt_status read_launch(struct ctx *c, const struct odt_scenario *sc, const char *where,
                                   struct fy_node *key, struct fy_node *val, struct odt_shell_spec *sh)
{
    struct odt_launch_spec *L = &sh->launch;
    char w[96];
    snprintf(w, sizeof w, "%s: launch", where);
    L->given = 1;
    L->line = node_line(key);
    if (!val || fy_node_get_type(val) != FYNT_MAPPING)
        return fail(c, L->line, "%s: expected a mapping (first, per_year, payload_kg, ... or list)", w);
    static const char *const skip[] = {"per_year", "list", NULL};
    enum odt_status st = read_mapping(c, val, w, launch_keys, NKEYS(launch_keys), skip, L);
    if (st != ODT_OK)
        return st;
    struct fy_node *k_first = NULL, *k_pay = NULL, *k_py = NULL, *k_list = NULL;
    lookup(val, "first", &k_first);
    lookup(val, "payload_kg", &k_pay);
    struct fy_node *v_py = lookup(val, "per_year", &k_py), *v_list = lookup(val, "list", &k_list);
    L->line_payload = k_pay ? node_line(k_pay) : L->line;
    L->line_first = k_first ? node_line(k_first) : L->line;
    if (k_list) {
        if (k_first || k_py)
            return fail(c, node_line(k_first ? k_first : k_py),
                        "%s: '%s' does not go with 'list' (the list gives every launch)", w,
                        k_first ? "first" : "per_year");
        if ((st = read_launch_list(c, sc, w, k_list, v_list, L)) != ODT_OK)
            return st;
    } else {
        if (!k_first)
            return fail(c, L->line, "%s: needs 'first' (the date of the first launch) and 'per_year', or 'list'", w);
        if (!k_py)
            return fail(c, L->line, "%s: needs 'per_year' (launches per year, or a list by year)", w);
        if ((st = launch_date(c, sc, w, L->first_text, node_line(k_first), &L->first_s)) != ODT_OK)
            return st;
        if ((st = read_per_year(c, w, k_py, v_py, L)) != ODT_OK)
            return st;
    }
    if (!k_pay && L->satellites_per_launch == 0) {
        int every = k_list != NULL;
        for (size_t q = 0; q < L->n_list; ++q)
            every = every && L->list[q].satellites > 0;
        if (!every)
            return fail(c, L->line, "%s: needs 'payload_kg' (payload per launch) or 'satellites_per_launch'", w);
    }
    return ODT_OK;
}

static enum odt_status read_representatives(struct ctx *c, const char *where, struct fy_node *key,
                                            struct fy_node *val, struct odt_shell_spec *sh)
{
    char w[96];
    snprintf(w, sizeof w, "%s: representatives", where);
    sh->represent_line = node_line(key);
    if (!val || fy_node_get_type(val) != FYNT_MAPPING)
        return fail(c, sh->represent_line, "%s: expected a mapping, e.g. {per: launch, count: 1}", w);
    struct represent_read r = {ODT_REPRESENT_NONE, 0, 0.0};
    enum odt_status st = read_mapping(c, val, w, represent_keys, NKEYS(represent_keys), NULL, &r);
    if (st != ODT_OK)
        return st;
    if (r.per != ODT_REPRESENT_NONE && r.count <= 0)
        return fail(c, sh->represent_line, "%s: needs 'count' (representative satellites per %s)", w,
                    represent_names[r.per]);
    if (r.per == ODT_REPRESENT_NONE && r.count > 0)
        return fail(c, sh->represent_line, "%s: needs 'per' (launch or plane)", w);
    if (r.per == ODT_REPRESENT_LAUNCH && !sh->launch.given)
        return fail(c, sh->represent_line, "%s: per: launch needs a 'launch' block in the entry", w);
    if (r.window_s > 0.0 && r.per != ODT_REPRESENT_LAUNCH)
        return fail(c, sh->represent_line, "%s: window_days applies to per: launch", w);
    sh->represent_per = r.per;
    sh->represent_count = r.count;
    sh->represent_window_s = r.window_s;
    return ODT_OK;
}

static enum odt_status read_shell(struct ctx *c, struct fy_node *entry, int index, const struct odt_sat_spec *dflt,
                                  struct odt_shell_spec *sh)
{
    char where[64];
    snprintf(where, sizeof where, "fleet entry %d", index + 1);
    memset(sh, 0, sizeof *sh);
    snprintf(sh->name, sizeof sh->name, "shell%d", index + 1);
    sh->sat = *dflt;
    sh->ltan_h = 18.0;
    sh->altitude_km = -1.0;
    sh->planes = sh->slots = -1;
    sh->inclination_deg = -1.0;
    /* line of the entry: the first key */
    void *it = NULL;
    struct fy_node_pair *first = fy_node_mapping_iterate(entry, &it);
    sh->line = first ? node_line(fy_node_pair_key(first)) : 0;
    if (sh->line <= 0)
        sh->line = c->fleet_line; /* an empty entry, {}: the line of `fleet:` */
    static const char *const skip[] = {"satellite", "launch", "representatives", NULL};
    enum odt_status st = read_mapping(c, entry, where, shell_keys, NKEYS(shell_keys), skip, sh);
    if (st != ODT_OK)
        return st;
    struct fy_node *sk = NULL, *sv = lookup(entry, "satellite", &sk);
    if (sk) {
        char w2[96];
        snprintf(w2, sizeof w2, "%s: satellite", where);
        if ((st = read_sat(c, sk, sv, w2, &sh->sat)) != ODT_OK)
            return st;
    }
    struct fy_node *srck = NULL;
    if (!lookup(entry, "source", &srck))
        return fail(c, sh->line, "%s: missing key 'source' (sso, walker or catalog)", where);
    struct fy_node *lk = NULL, *lv = lookup(entry, "launch", &lk);
    struct fy_node *rk = NULL, *rv = lookup(entry, "representatives", &rk);
    if (sh->source == ODT_SOURCE_CATALOG && (lk || rk))
        return fail(c, node_line(lk ? lk : rk), "%s: '%s' does not apply to source: catalog (a catalogue lists "
                    "objects already in orbit, each simulated)", where, lk ? "launch" : "representatives");
    if (lk && (st = read_launch(c, c->sc, where, lk, lv, sh)) != ODT_OK)
        return st;
    if (rk && (st = read_representatives(c, where, rk, rv, sh)) != ODT_OK)
        return st;
    if (sh->source == ODT_SOURCE_CATALOG)
        return read_catalog_entry(c, entry, where, sh);
    static const char *const catalog_only[] = {"file", "format", "gravity", "opsmode", "strict", NULL};
    for (int k = 0; catalog_only[k]; ++k) {
        struct fy_node *kk = NULL;
        if (lookup(entry, catalog_only[k], &kk))
            return fail(c, node_line(kk), "%s: '%s' applies only to source: catalog", where, catalog_only[k]);
    }
    if (sh->altitude_km < 0.0)
        return fail(c, sh->line, "%s: missing key 'altitude_km'", where);
    if (sh->planes < 0)
        return fail(c, sh->line, "%s: missing key 'planes'", where);
    if (sh->slots < 0)
        return fail(c, sh->line, "%s: missing key 'slots'", where);
    if ((double)sh->planes * (double)sh->slots > ODT_SCENARIO_MAX_SATELLITES)
        return fail(c, sh->line, "%s: planes x slots = %d x %d = %.0f satellites, more than the limit of %.0f", where,
                    sh->planes, sh->slots, (double)sh->planes * (double)sh->slots, ODT_SCENARIO_MAX_SATELLITES);
    if (sh->phasing >= sh->planes && sh->planes > 0) {
        struct fy_node *pk = NULL;
        lookup(entry, "phasing", &pk);
        return fail(c, node_line(pk), "%s: phasing = %d must be below planes = %d", where, sh->phasing, sh->planes);
    }
    if (sh->source == ODT_SOURCE_WALKER && sh->inclination_deg < 0.0)
        return fail(c, sh->line, "%s: a walker shell needs 'inclination_deg'", where);
    if (sh->source == ODT_SOURCE_SSO) {
        struct fy_node *ik = NULL;
        if (lookup(entry, "inclination_deg", &ik))
            return fail(c, node_line(ik), "%s: a sun-synchronous shell takes no inclination_deg "
                                          "(it follows from the altitude)", where);
    }
    const double perigee = (sh->altitude_km + ODT_EARTH_RADIUS_KM) * (1.0 - sh->eccentricity) - ODT_EARTH_RADIUS_KM;
    if (perigee < 150.0)
        return fail(c, sh->line, "%s: perigee altitude %.1f km is below 150 km", where, perigee);
    return ODT_OK;
}

/*
 * snapshot_fields: the per-satellite fields the records hold, a list of names
 * of STATE or OUT fields (docs/snapshot.md); without it, the default record
 * set of kernels/fleet.h. A resume needs none of them: it reads the
 * checkpoint.
 */
static enum odt_status read_snapshot_fields(struct ctx *c, struct fy_node *key, struct fy_node *val,
                                            struct odt_scenario *sc)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    if (nf > ODT_MAX_FIELDS)
        return fail(c, node_line(key), "snapshot_fields: too many fleet fields for this build");
    if (!val || fy_node_get_type(val) != FYNT_SEQUENCE)
        return fail(c, node_line(key), "snapshot_fields: expected a list of output names, e.g. [solar_power, temperature]");
    memset(sc->snapshot_on, 0, sizeof sc->snapshot_on);
    sc->snapshot_fields_given = 1;
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(val, &it)) != NULL) {
        size_t len = 0;
        const char *name = fy_node_get_type(e) == FYNT_SCALAR ? fy_node_get_scalar(e, &len) : NULL;
        int found = -1;
        for (int k = 0; name && k < nf; ++k)
            if (strlen(fi[k].name) == len && memcmp(fi[k].name, name, len) == 0)
                found = k;
        if (found < 0 || (fi[found].role != ODT_FIELD_OUT && fi[found].role != ODT_FIELD_STATE)) {
            char known[2400] = "";
            for (int k = 0; k < nf; ++k)
                if (fi[k].role == ODT_FIELD_OUT || fi[k].role == ODT_FIELD_STATE) {
                    strncat(known, known[0] ? ", " : "", sizeof known - strlen(known) - 1);
                    strncat(known, fi[k].name, sizeof known - strlen(known) - 1);
                }
            return fail(c, node_line(e) > 0 ? node_line(e) : node_line(key),
                        "snapshot_fields: '%.*s' is not a per-satellite field (%s)",
                        name ? (int)len : 1, name ? name : "?", known);
        }
        sc->snapshot_on[found] = 1;
    }
    return ODT_OK;
}

/*
 * snapshot_satellites: which satellites the records hold: `all` (default),
 * `every N` (satellites 0, N, 2N, ...), `per plane N` (the first N slots of
 * every plane), or a list of satellite indices.
 */
static enum odt_status read_snapshot_satellites(struct ctx *c, struct fy_node *key, struct fy_node *val,
                                                struct odt_scenario *sc)
{
    const int line = node_line(key);
    if (val && fy_node_get_type(val) == FYNT_SEQUENCE) {
        const int count = fy_node_sequence_item_count(val);
        if (count <= 0)
            return fail(c, line, "snapshot_satellites: the list is empty");
        sc->snapshot_ids = malloc(sizeof(int32_t) * (size_t)count);
        if (!sc->snapshot_ids)
            return fail(c, line, "out of memory");
        void *it = NULL;
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(val, &it)) != NULL) {
            size_t len = 0;
            const char *s = fy_node_get_type(e) == FYNT_SCALAR ? fy_node_get_scalar(e, &len) : NULL;
            char buf[32];
            char *end = NULL;
            long v = -1;
            if (s && len > 0 && len < sizeof buf) {
                memcpy(buf, s, len);
                buf[len] = '\0';
                errno = 0;
                v = strtol(buf, &end, 10);
                if (errno || *end || v < 0 || v > INT32_MAX)
                    v = -1;
            }
            if (v < 0)
                return fail(c, node_line(e) > 0 ? node_line(e) : line,
                            "snapshot_satellites: '%.*s' is not a satellite index (an integer from 0)",
                            s ? (int)(len < 40 ? len : 40) : 1, s ? s : "?");
            for (size_t q = 0; q < sc->n_snapshot_ids; ++q)
                if (sc->snapshot_ids[q] == (int32_t)v)
                    return fail(c, node_line(e) > 0 ? node_line(e) : line,
                                "snapshot_satellites: satellite %ld is listed twice", v);
            sc->snapshot_ids[sc->n_snapshot_ids++] = (int32_t)v;
        }
        sc->snapshot_select = ODT_SELECT_IDS;
        return ODT_OK;
    }
    size_t len = 0;
    const char *s = val && fy_node_get_type(val) == FYNT_SCALAR ? fy_node_get_scalar(val, &len) : NULL;
    char buf[64] = "";
    if (s && len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
    }
    long nv = 0;
    char tail;
    if (strcmp(buf, "all") == 0) {
        sc->snapshot_select = ODT_SELECT_ALL;
        return ODT_OK;
    }
    if (sscanf(buf, "every %ld %c", &nv, &tail) == 1 && nv >= 1 && nv <= INT32_MAX) {
        sc->snapshot_select = ODT_SELECT_EVERY;
        sc->snapshot_select_n = (int)nv;
        return ODT_OK;
    }
    if (sscanf(buf, "per plane %ld %c", &nv, &tail) == 1 && nv >= 1 && nv <= INT32_MAX) {
        sc->snapshot_select = ODT_SELECT_PER_PLANE;
        sc->snapshot_select_n = (int)nv;
        return ODT_OK;
    }
    return fail(c, line, "snapshot_satellites: expected all, 'every N', 'per plane N' or a list of satellite "
                         "indices");
}

static const char *const dispatch_names[] = {"capacity", "equal", NULL};

#define WL(field) offsetof(struct odt_scenario, demand.field)
static const struct key_def workload_keys[] = {
    {"demand_tokens_per_s", KT_DOUBLE, WL(tokens_per_s), 0, 1e15, false, 0, NULL, 0},
    {"diurnal_amplitude", KT_DOUBLE, WL(diurnal_amplitude), 0, 1, false, 0, NULL, 0},
    {"diurnal_peak_h", KT_DOUBLE, WL(diurnal_peak_h), 0, 24, false, 0, NULL, 0},
    {"diurnal_trough_h", KT_DOUBLE, WL(diurnal_trough_h), 0, 24, false, 0, NULL, 0},
    {"weekend_factor", KT_DOUBLE, WL(weekend_factor), 0, 10, true, 0, NULL, 0},
    {"noise_sigma", KT_DOUBLE, WL(noise_sigma), 0, 2, false, 0, NULL, 0},
    {"noise_correlation_s", KT_DOUBLE, WL(noise_correlation_s), 1, 1e8, false, 0, NULL, 0},
    {"dispatch", KT_ENUM, offsetof(struct odt_scenario, dispatch), 0, 0, false, 0, dispatch_names, 0},
    {"demand_per_capacity", KT_DOUBLE, offsetof(struct odt_scenario, demand_per_capacity), 0, 10, false, 0, NULL, 0},
};
#undef WL

#define EC(field) offsetof(struct odt_scenario, econ.field)
static const struct key_def econ_keys[] = {
    {"launch_price_per_kg", KT_DOUBLE, EC(launch_price_per_kg), 0, 1e7, false, 0, NULL, 0},
    {"launch_price_floor_per_kg", KT_DOUBLE, EC(launch_price_floor_per_kg), 0, 1e7, false, 0, NULL, 0},
    {"launch_learning", KT_DOUBLE, EC(launch_learning), 0, 1, true, 0, NULL, 0},
    {"launch_reference_launches", KT_DOUBLE, EC(launch_reference_launches), 0, 1e9, true, 0, NULL, 0},
    {"satellite_cost_per_kg", KT_DOUBLE, EC(satellite_cost_per_kg), 0, 1e8, false, 0, NULL, 0},
    {"accelerator_price", KT_DOUBLE, EC(accelerator_price), 0, 1e9, false, 0, NULL, 0},
    {"operations_per_satellite_year", KT_DOUBLE, EC(operations_per_satellite_year), 0, 1e10, false, 0, NULL, 0},
    {"ground_build_cost_per_w", KT_DOUBLE, EC(ground_build_cost_per_w), 0, 1e4, false, 0, NULL, 0},
    {"ground_facility_life_years", KT_DOUBLE, EC(ground_facility_life_years), 0, 1000, true, 0, NULL, 0},
    {"electricity_per_kwh", KT_DOUBLE, EC(electricity_per_kwh), 0, 100, false, 0, NULL, 0},
    {"pue", KT_DOUBLE, EC(pue), 1, 10, false, 0, NULL, 0},
    {"ground_repair_h", KT_DOUBLE, EC(ground_repair_h), 0, 1e5, false, 0, NULL, 0},
    {"ground_failure_rate_per_year", KT_DOUBLE, EC(ground_failure_rate_per_year), 0, 100, false, 0, NULL, 0},
    {"accelerator_life_years", KT_DOUBLE, EC(accelerator_life_years), 0, 1000, true, 0, NULL, 0},
    {"ground_compute_w", KT_DOUBLE, EC(ground_compute_w), 0, 1e16, false, 0, NULL, 0},
    {"ground_compute_year", KT_DOUBLE, EC(ground_compute_year), 1900, 3000, false, 0, NULL, 0},
    {"ground_compute_growth", KT_DOUBLE, EC(ground_compute_growth), 0, 1000, true, 0, NULL, 0},
    {"ground_capacity_factor", KT_DOUBLE, EC(ground_capacity_factor), 0, 1, true, 0, NULL, 0},
};
#undef EC

/* The `economics:` block: prices and the ground reference of the cost comparison (docs/economics.md). */
static enum odt_status read_economics(struct ctx *c, struct fy_node *key, struct fy_node *val,
                                      struct odt_scenario *sc)
{
    if (!val || fy_node_get_type(val) != FYNT_MAPPING)
        return fail(c, node_line(key), "economics: expected a mapping of prices and ground-reference settings");
    enum odt_status st = read_mapping(c, val, "economics", econ_keys, NKEYS(econ_keys), NULL, sc);
    if (st != ODT_OK)
        return st;
    char why[300];
    if (odt_econ_params_check(&sc->econ, why, sizeof why) != ODT_OK)
        return fail(c, node_line(key), "economics: %s", why);
    return ODT_OK;
}

/* The `workload:` block: the demand model and the dispatch policy (docs/workload.md). */
static enum odt_status read_workload(struct ctx *c, struct fy_node *key, struct fy_node *val, struct odt_scenario *sc)
{
    if (!val || fy_node_get_type(val) != FYNT_MAPPING)
        return fail(c, node_line(key), "workload: expected a mapping of demand settings");
    enum odt_status st = read_mapping(c, val, "workload", workload_keys, NKEYS(workload_keys), NULL, sc);
    if (st != ODT_OK)
        return st;
    char why[300];
    if (odt_demand_params_check(&sc->demand, why, sizeof why) != ODT_OK)
        return fail(c, node_line(key), "workload: %s", why);
    if (sc->demand_per_capacity > 0.0 && !(sc->demand.tokens_per_s > 0.0))
        return fail(c, node_line(key), "workload: demand_per_capacity needs demand_tokens_per_s > 0 (its daily and "
                    "weekly shape is scaled to the fleet's capacity)");
    return ODT_OK;
}

/* fraction part of x / y is zero within rounding */
static bool is_multiple(double x, double y)
{
    const double q = x / y;
    return fabs(q - nearbyint(q)) < 1e-9 * (q > 1.0 ? q : 1.0);
}

/*
 * The counts a run allocates and loops over: steps = duration / step and
 * steps per snapshot = snapshot interval / step must be whole numbers from 1
 * to ODT_SCENARIO_MAX_STEPS, and the step at least ODT_SCENARIO_MIN_STEP_S
 * (the run refines eclipse events to 1 ms inside a step). Checked here, once,
 * so that no count derived from them can overflow (step_s: 1e-300 made 3.6e303
 * steps and overflowed a heap buffer).
 */
static enum odt_status check_counts(struct ctx *c, const struct odt_scenario *sc, int line_step, int line_dur,
                                    int line_snap)
{
    if (!(sc->step_s >= ODT_SCENARIO_MIN_STEP_S))
        return fail(c, line_step, "step_s = %g is below the smallest step, %g s (eclipse events are refined to 1 ms "
                    "within a step)", sc->step_s, ODT_SCENARIO_MIN_STEP_S);
    const struct {
        const char *key;
        double value;
        int line;
    } spans[] = {{"duration_s", sc->duration_s, line_dur}, {"snapshot_interval_s", sc->snapshot_interval_s, line_snap}};
    for (int k = 0; k < 2; ++k) {
        const double q = spans[k].value / sc->step_s;
        if (!(q <= ODT_SCENARIO_MAX_STEPS))
            return fail(c, spans[k].line, "%s = %g is %.3g steps of step_s = %g, more than the limit of %.0e steps",
                        spans[k].key, spans[k].value, q, sc->step_s, ODT_SCENARIO_MAX_STEPS);
        if (!is_multiple(spans[k].value, sc->step_s))
            return fail(c, spans[k].line, "%s = %g is not a multiple of step_s = %g", spans[k].key, spans[k].value,
                        sc->step_s);
        if (!(nearbyint(q) >= 1.0))
            return fail(c, spans[k].line, "%s = %g is shorter than one step (step_s = %g)", spans[k].key,
                        spans[k].value, sc->step_s);
    }
    return ODT_OK;
}

static enum odt_status read_document(struct ctx *c, struct fy_node *root, struct odt_scenario *sc)
{
    if (!root || fy_node_get_type(root) != FYNT_MAPPING)
        return fail(c, node_line(root) > 0 ? node_line(root) : 1, "a scenario must be a YAML mapping of keys to values");
    snprintf(sc->name, sizeof sc->name, "odtwin");
    sc->shadow_model = ODT_SHADOW_CYLINDRICAL;
    sc->earth_shape = ODT_EARTH_SPHERE;
    sc->albedo = 0.30;          /* orbit-average, Gilmore, Spacecraft Thermal Control Handbook */
    sc->earth_ir_w_m2 = 237.0;  /* Gilmore, Spacecraft Thermal Control Handbook */
    sc->seed = 1;
    odt_demand_params_default(&sc->demand);
    sc->dispatch = ODT_DISPATCH_CAPACITY;
    sc->snapshot_compression = 1;
    sc->checkpoint_interval_s = 0.0; /* 0: by wall-clock time, every checkpoint_wall_s */
    sc->checkpoint_wall_s = 300.0;
    sc->dispatch_interval_s = 600.0;
    sc->series_every = 1;
    sc->snapshot_precision = 0;
    static const char *const skip[] = {"satellite", "fleet", "workload", "economics", "snapshot_fields",
                                       "snapshot_satellites", NULL};
    enum odt_status st = read_mapping(c, root, "", top_keys, NKEYS(top_keys), skip, sc);
    if (st != ODT_OK)
        return st;
    struct fy_node *sfk = NULL, *sfv = lookup(root, "snapshot_fields", &sfk);
    if (sfk && (st = read_snapshot_fields(c, sfk, sfv, sc)) != ODT_OK)
        return st;
    struct fy_node *ssk = NULL, *ssv = lookup(root, "snapshot_satellites", &ssk);
    if (ssk && (st = read_snapshot_satellites(c, ssk, ssv, sc)) != ODT_OK)
        return st;
    odt_econ_params_default(&sc->econ);
    struct fy_node *ek0 = NULL, *ev0 = lookup(root, "economics", &ek0);
    if (ek0 && (st = read_economics(c, ek0, ev0, sc)) != ODT_OK)
        return st;
    struct fy_node *wk = NULL, *wv = lookup(root, "workload", &wk);
    if (wk && (st = read_workload(c, wk, wv, sc)) != ODT_OK)
        return st;
    static const char *const required[] = {"epoch", "duration_s", "step_s", "snapshot_interval_s", "fleet", NULL};
    for (int k = 0; required[k]; ++k)
        if (!lookup(root, required[k], NULL)) /* the line of the mapping that lacks it: its first key */
            return fail(c, node_line(root) > 0 ? node_line(root) : 1, "missing required key '%s' in the scenario",
                        required[k]);

    struct fy_node *ek = NULL;
    lookup(root, "epoch", &ek);
    char eerr[256];
    if (odt_epoch_parse(sc->epoch_text, &sc->epoch, eerr, sizeof eerr) != ODT_OK)
        return fail(c, node_line(ek), "%s", eerr);

    struct fy_node *k_step = NULL, *k_snap = NULL, *k_dur = NULL;
    lookup(root, "step_s", &k_step);
    lookup(root, "snapshot_interval_s", &k_snap);
    lookup(root, "duration_s", &k_dur);
    if ((st = check_counts(c, sc, node_line(k_step), node_line(k_dur), node_line(k_snap))) != ODT_OK)
        return st;
    struct fy_node *k_ck = NULL, *k_di = NULL;
    if (lookup(root, "checkpoint_interval_s", &k_ck) && sc->checkpoint_interval_s > 0.0 &&
        !is_multiple(sc->checkpoint_interval_s, sc->step_s))
        return fail(c, node_line(k_ck), "checkpoint_interval_s = %g is not a multiple of step_s = %g",
                    sc->checkpoint_interval_s, sc->step_s);
    if (lookup(root, "dispatch_interval_s", &k_di) && !is_multiple(sc->dispatch_interval_s, sc->step_s))
        return fail(c, node_line(k_di), "dispatch_interval_s = %g is not a multiple of step_s = %g",
                    sc->dispatch_interval_s, sc->step_s);
    if (!k_di && sc->dispatch_interval_s < sc->step_s)
        sc->dispatch_interval_s = sc->step_s;
    if (!k_di && !is_multiple(sc->dispatch_interval_s, sc->step_s))
        sc->dispatch_interval_s = sc->step_s * floor(sc->dispatch_interval_s / sc->step_s);

    struct odt_sat_spec dflt;
    odt_sat_spec_defaults(&dflt);
    odt_sat_spec_finish(&dflt, sc->albedo, sc->earth_ir_w_m2);
    struct fy_node *satk = NULL, *satv = lookup(root, "satellite", &satk);
    if (satk && (st = read_sat(c, satk, satv, "satellite", &dflt)) != ODT_OK)
        return st;
    if (!satk && (st = check_sat(c, 0, "satellite defaults", &dflt)) != ODT_OK)
        return st;

    struct fy_node *fk = NULL, *fv = lookup(root, "fleet", &fk);
    if (!fv || fy_node_get_type(fv) != FYNT_SEQUENCE)
        return fail(c, node_line(fk), "fleet: expected a list of fleet entries (each a mapping)");
    const int count = fy_node_sequence_item_count(fv);
    if (count <= 0)
        return fail(c, node_line(fk), "fleet: the list is empty: a run needs at least one satellite");
    c->fleet_line = node_line(fk);
    sc->shells = calloc((size_t)count, sizeof *sc->shells);
    if (!sc->shells)
        return fail(c, 0, "out of memory");
    void *it = NULL;
    struct fy_node *e;
    int idx = 0;
    double total = 0.0; /* satellites so far */
    while ((e = fy_node_sequence_iterate(fv, &it)) != NULL) {
        if (fy_node_get_type(e) != FYNT_MAPPING)
            return fail(c, node_line(e) > 0 ? node_line(e) : node_line(fk), "fleet entry %d: expected a mapping",
                        idx + 1);
        if ((st = read_shell(c, e, idx, &dflt, &sc->shells[idx])) != ODT_OK) {
            free(sc->shells[idx].launch.list); /* the entries before it are freed by odt_scenario_free */
            sc->shells[idx].launch.list = NULL;
            return st;
        }
        sc->n_shells = ++idx;
        total += (double)sc->shells[idx - 1].planes * (double)sc->shells[idx - 1].slots;
        if (total > ODT_SCENARIO_MAX_SATELLITES)
            return fail(c, sc->shells[idx - 1].line > 0 ? sc->shells[idx - 1].line : node_line(fk),
                        "fleet entry %d brings the fleet to %.0f satellites, more than the limit of %.0f", idx, total,
                        ODT_SCENARIO_MAX_SATELLITES);
    }
    return ODT_OK;
}

/* ------------------------------------------------------------------ YAML features */

/*
 * A scenario is plain YAML: one document of mappings, lists and scalars.
 * Anchors and aliases (&a, *a), merge keys (<<) and tags (!!str, !x) are
 * refused with the line: without resolution libfyaml hands an alias over as
 * the text "*a" and a merge key as an ordinary key, and resolving them would
 * let a small file expand to an exponential size.
 */
static enum odt_status check_plain(struct ctx *c, struct fy_node *n, int parent_line, int depth)
{
    if (!n)
        return ODT_OK;
    const int own = node_line(n);
    const int line = fy_node_get_type(n) == FYNT_SCALAR && own > 0 ? own : (parent_line > 0 ? parent_line : own);
    if (depth > 32)
        return fail(c, line, "lists and mappings nested deeper than 32 levels");
    if (fy_node_is_alias(n)) {
        size_t len = 0;
        const char *a = fy_node_get_scalar(n, &len);
        return fail(c, line, "YAML aliases ('*%.*s') are not supported: write the value out", a ? (int)len : 0,
                    a ? a : "");
    }
    if (fy_node_get_anchor(n))
        return fail(c, line, "YAML anchors ('&name') are not supported: write each value out");
    size_t tlen = 0;
    struct fy_token *tt = fy_node_get_tag_token(n);
    const char *tag = tt ? fy_token_get_text(tt, &tlen) : NULL;
    if (!tag)
        tag = fy_node_get_tag(n, &tlen);
    if (tag || tt) {
        static const char core[] = "tag:yaml.org,2002:"; /* the core schema's tags, written !!int, !!str */
        const bool is_core = tag && tlen > sizeof core - 1 && memcmp(tag, core, sizeof core - 1) == 0;
        if (is_core)
            tag += sizeof core - 1, tlen -= sizeof core - 1;
        return fail(c, line, "YAML tags ('%s%.*s') are not supported: write the value without a tag",
                    is_core ? "!!" : "", tag ? (int)tlen : 1, tag ? tag : "!");
    }
    void *it = NULL;
    if (fy_node_get_type(n) == FYNT_MAPPING) {
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
            struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
            const int kline = node_line(k) > 0 ? node_line(k) : line;
            size_t len = 0;
            const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR && !fy_node_is_alias(k) ? fy_node_get_scalar(k, &len)
                                                                                           : NULL;
            if (ks && len == 2 && memcmp(ks, "<<", 2) == 0 && fy_node_get_style(k) == FYNS_PLAIN)
                return fail(c, kline, "YAML merge keys ('<<') are not supported: write the keys out");
            enum odt_status st = check_plain(c, k, kline, depth + 1);
            if (st == ODT_OK)
                st = check_plain(c, v, kline, depth + 1);
            if (st != ODT_OK)
                return st;
        }
    } else if (fy_node_get_type(n) == FYNT_SEQUENCE) {
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(n, &it)) != NULL) {
            enum odt_status st = check_plain(c, e, node_line(e) > 0 ? node_line(e) : line, depth + 1);
            if (st != ODT_OK)
                return st;
        }
    }
    return ODT_OK;
}

/* The first error libfyaml collected, as "FILE:LINE: not valid YAML: message"; ODT_ERR_PARSE. */
static enum odt_status yaml_error(struct ctx *c, struct fy_diag *diag, const char *text, size_t len)
{
    struct fy_diag_error *de = NULL;
    void *it = NULL;
    if (diag)
        de = fy_diag_errors_iterate(diag, &it);
    size_t blank = 0;
    while (blank < len && (text[blank] == ' ' || text[blank] == '\t' || text[blank] == '\n' || text[blank] == '\r'))
        ++blank;
    if (de && de->line > 0) /* collected errors are 1-based */
        snprintf(c->err, c->errlen, "%s:%d: not valid YAML (column %d): %s", c->file, de->line, de->column,
                 de->msg ? de->msg : "syntax error");
    else if (de)
        snprintf(c->err, c->errlen, "%s:1: not valid YAML: %s", c->file, de->msg ? de->msg : "syntax error");
    else if (blank == len)
        snprintf(c->err, c->errlen, "%s: the scenario is empty (see odtwin scenario for one to start from)", c->file);
    else
        snprintf(c->err, c->errlen, "%s:1: not valid YAML", c->file);
    return ODT_ERR_PARSE;
}

static void fy_quiet(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag, (void)user, (void)buf, (void)len;
}

/* Parse the one document of the text (a second one is refused), check it is plain YAML, read it. */
static enum odt_status parse_and_read(struct ctx *c, const char *text, size_t len, struct odt_scenario *sc)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = fy_quiet;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag)
        return fail(c, 0, "out of memory");
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = (enum fy_parse_cfg_flags)(FYPCF_QUIET | FYPCF_COLLECT_DIAG);
    pcfg.diag = diag;
    struct fy_parser *fyp = fy_parser_create(&pcfg);
    if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
        if (fyp)
            fy_parser_destroy(fyp);
        fy_diag_destroy(diag);
        return fail(c, 0, "out of memory");
    }
    enum odt_status st;
    struct fy_document *doc = fy_parse_load_document(fyp), *doc2 = NULL;
    if (!doc && !fy_parser_get_stream_error(fyp)) { /* a stream of comments and blank lines */
        st = fail(c, 0, "the scenario is empty (see odtwin scenario for one to start from)");
    } else if (!doc || fy_parser_get_stream_error(fyp)) {
        st = yaml_error(c, diag, text, len);
    } else if ((doc2 = fy_parse_load_document(fyp)) != NULL || fy_parser_get_stream_error(fyp)) {
        if (!doc2) {
            st = yaml_error(c, diag, text, len);
        } else {
            struct fy_document_state *ds = fy_document_get_document_state(doc2);
            const struct fy_mark *m = ds ? fy_document_state_start_mark(ds) : NULL;
            const int line = node_line(fy_document_root(doc2)) > 0 ? node_line(fy_document_root(doc2))
                             : m                                  ? m->line + 1
                                                                  : 0;
            st = fail(c, line, "a second YAML document (after '---'): a scenario is one document");
        }
    } else if (!fy_document_root(doc) || fy_node_is_null(fy_document_root(doc))) {
        st = fail(c, 0, "the scenario is empty (see odtwin scenario for one to start from)");
    } else if ((st = check_plain(c, fy_document_root(doc), 1, 0)) == ODT_OK) {
        st = read_document(c, fy_document_root(doc), sc);
    }
    if (doc2)
        fy_parse_document_destroy(fyp, doc2);
    if (doc)
        fy_parse_document_destroy(fyp, doc);
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    return st;
}

/* ------------------------------------------------------------------ entry points */

enum odt_status odt_scenario_load_text(const char *name, const char *text, size_t len, struct odt_scenario *sc,
                                       char *err, size_t errlen)
{
    return odt_scenario_load_text_opts(name, text, len, NULL, sc, err, errlen);
}

enum odt_status odt_scenario_load_file(const char *path, struct odt_scenario *sc, char *err, size_t errlen)
{
    return odt_scenario_load_file_opts(path, NULL, sc, err, errlen);
}

enum odt_status odt_scenario_load_text_opts(const char *name, const char *text, size_t len,
                                            const struct odt_scenario_options *opt, struct odt_scenario *sc,
                                            char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    struct ctx c = {name, err, errlen, opt, 0, 0, sc};
    snprintf(sc->file, sizeof sc->file, "%s", name);
    sc->text = malloc(len + 1);
    if (!sc->text) {
        snprintf(err, errlen, "%s: out of memory", name);
        return ODT_ERR_NOMEM;
    }
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    /* the whole text is UTF-8 without NUL bytes before the parser sees it: libfyaml stops silently at an
       invalid byte in a comment, dropping the rest of the file */
    int column;
    char why[128];
    const int bad_line = odt_text_check(sc->text, len, &column, why, sizeof why);
    if (bad_line > 0) {
        odt_scenario_free(sc);
        snprintf(err, errlen, "%s:%d: %s", name, bad_line, why);
        odt_text_one_line(err);
        return ODT_ERR_PARSE;
    }

    enum odt_status st = parse_and_read(&c, sc->text, len, sc);
    sc->catalog_rejected = c.rejected;
    if (st != ODT_OK) {
        odt_text_one_line(err);
        odt_scenario_free(sc);
        return st;
    }
    return ODT_OK;
}

enum odt_status odt_scenario_load_file_opts(const char *path, const struct odt_scenario_options *opt,
                                            struct odt_scenario *sc, char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    char *buf = NULL, why[300];
    size_t len = 0;
    enum odt_status rst = odt_textfile_read(path, "scenario file", ODT_SCENARIO_MAX_BYTES, &buf, &len, why, sizeof why);
    if (rst != ODT_OK) {
        snprintf(err, errlen, "%s: %s", path, why);
        odt_text_one_line(err);
        return rst;
    }
    enum odt_status st = odt_scenario_load_text_opts(path, buf ? buf : "", len, opt, sc, err, errlen);
    free(buf);
    return st;
}

void odt_scenario_free(struct odt_scenario *sc)
{
    free(sc->text);
    for (int k = 0; sc->shells && k < sc->n_shells; ++k) {
        odt_catalog_free(&sc->shells[k].catalog);
        free(sc->shells[k].launch.list);
    }
    free(sc->shells);
    free(sc->snapshot_ids);
    memset(sc, 0, sizeof *sc);
}

size_t odt_scenario_satellites(const struct odt_scenario *sc)
{
    size_t n = 0;
    for (int k = 0; k < sc->n_shells; ++k)
        n += (size_t)sc->shells[k].planes * (size_t)sc->shells[k].slots;
    return n;
}

long odt_scenario_steps(const struct odt_scenario *sc)
{
    const double q = sc->step_s > 0.0 ? sc->duration_s / sc->step_s : HUGE_VAL;
    return q >= 0.0 && q <= ODT_SCENARIO_MAX_STEPS ? (long)nearbyint(q) : -1; /* -1: not a loaded scenario */
}
