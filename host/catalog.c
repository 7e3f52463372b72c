/*
 * catalog.c: TLE and CCSDS OMM (KVN, XML, JSON, CSV) catalogue readers.
 *
 * The input is read whole, once. Every OMM flavour collects the keyword
 * values of one message into a struct omm_rec (pointers into the text or
 * into a scratch copy, with the line of each value), and one function turns
 * a record into a struct odt_elset, so that the four OMM encodings accept
 * and reject exactly the same things with the same messages.
 */
#define _POSIX_C_SOURCE 200809L

#include "host/catalog.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <erfa.h>
#include <libfyaml.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "host/textfile.h"
#include "orbit/tle.h"

/* ------------------------------------------------------------------ loader state */

struct loader {
    const char *file;        /* name used in messages */
    int strict;              /* fail on the first bad entry */
    unsigned tle_flags;      /* enum odt_tle_flags */
    odt_diag_fn diag;        /* may be NULL */
    void *ctx;
    int diag_failure;        /* 1 (odt_catalog_load): the failure goes to diag too, as every message did */
    char *err;               /* the failure, "FILE:LINE: problem" (may be NULL) */
    size_t errlen;
    int first_bad_line;      /* the first bad entry, for "no valid entries" */
    char first_bad[384];
    struct odt_catalog *cat; /* output */
};

#if defined(__GNUC__)
#define ODT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ODT_PRINTF(a, b)
#endif

static void report(struct loader *L, int line, const char *fmt, ...) ODT_PRINTF(3, 4);

/* The problem that ends the load: into err (the first one), and to diag for odt_catalog_load. */
static void report(struct loader *L, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    odt_text_one_line(msg);
    if (L->err && L->errlen && !L->err[0]) {
        if (line > 0)
            snprintf(L->err, L->errlen, "%s:%d: %s", L->file, line, msg);
        else
            snprintf(L->err, L->errlen, "%s: %s", L->file, msg);
        odt_text_one_line(L->err);
    }
    if (L->diag && L->diag_failure)
        L->diag(L->ctx, L->file, line, msg);
}

/* Count and report a rejected entry; in strict mode this ends the load. */
static enum odt_status bad_entry(struct loader *L, int line, const char *msg)
{
    char one[512];
    L->cat->n_bad++;
    snprintf(one, sizeof one, "%s", msg);
    odt_text_one_line(one);
    if (L->cat->n_bad == 1) {
        L->first_bad_line = line;
        snprintf(L->first_bad, sizeof L->first_bad, "%.383s", one);
    }
    if (L->strict) {
        report(L, line, "%s", one);
        return ODT_ERR_PARSE;
    }
    if (L->diag)
        L->diag(L->ctx, L->file, line, one);
    return ODT_OK;
}

static enum odt_status out_of_memory(struct loader *L)
{
    report(L, 0, "out of memory");
    return ODT_ERR_NOMEM;
}

/* Append one element set, growing the arrays geometrically. */
static enum odt_status push_entry(struct loader *L, const struct odt_elset *e, const struct odt_catalog_entry_info *info)
{
    struct odt_catalog *c = L->cat;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        struct odt_elset *p;
        struct odt_catalog_entry_info *q;
        if (cap > SIZE_MAX / sizeof *p)
            return out_of_memory(L);
        p = realloc(c->entries, cap * sizeof *p);
        if (!p)
            return out_of_memory(L);
        c->entries = p;
        q = realloc(c->info, cap * sizeof *q);
        if (!q)
            return out_of_memory(L);
        c->info = q;
        c->cap = cap;
    }
    c->info[c->n] = *info;
    c->entries[c->n++] = *e;
    return ODT_OK;
}

/* ------------------------------------------------------------------ text helpers */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static char to_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static int equals_ci(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word), i;
    if (n != k)
        return 0;
    for (i = 0; i < n; i++)
        if (to_upper(s[i]) != to_upper(word[i]))
            return 0;
    return 1;
}

/* Copy at most cap-1 bytes of s into dst, NUL-terminated, not splitting a UTF-8 character. */
static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
    if (n > cap - 1) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* s[n] continues a character */
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* A cursor over lines: LF, CR LF or CR end a line; the end of the text ends the last one. */
struct cursor {
    const char *p, *end;
    int line; /* number of the line last returned, 1-based */
};

static int next_line(struct cursor *c, const char **s, size_t *n, int *lineno)
{
    const char *q;
    if (c->p >= c->end)
        return 0;
    q = c->p;
    while (q < c->end && *q != '\n' && *q != '\r')
        q++;
    *s = c->p;
    *n = (size_t)(q - c->p);
    *lineno = ++c->line;
    if (q < c->end)
        q += (*q == '\r' && q + 1 < c->end && q[1] == '\n') ? 2 : 1;
    c->p = q;
    return 1;
}

/* ------------------------------------------------------------------ numbers and epochs */

/* Drop a trailing unit in brackets ("15.5 [rev/day]"), as KVN allows after a value. */
static void strip_unit(const char **s, size_t *n)
{
    size_t k;
    trim(s, n);
    if (*n == 0 || (*s)[*n - 1] != ']')
        return;
    for (k = *n; k-- > 0;)
        if ((*s)[k] == '[') {
            *n = k;
            trim(s, n);
            return;
        }
}

/* A decimal number: [sign] digits [. digits] [e|E [sign] digits], finite. 0 on success. */
static int parse_double(const char *s, size_t n, double *out)
{
    char buf[64];
    size_t i = 0, nd = 0;
    double v;
    strip_unit(&s, &n);
    if (n == 0 || n >= sizeof buf)
        return -1;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (i < n && is_digit(s[i])) {
        i++;
        nd++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            i++;
            nd++;
        }
    }
    if (nd == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t ne = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < n && is_digit(s[i])) {
            i++;
            ne++;
        }
        if (ne == 0)
            return -1;
    }
    if (i != n)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    v = strtod(buf, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* A decimal integer: [sign] digits, at most 18 digits. 0 on success. */
static int parse_long(const char *s, size_t n, long *out)
{
    size_t i = 0, nd = 0;
    long v = 0;
    int neg = 0;
    strip_unit(&s, &n);
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i++;
    }
    for (; i < n && is_digit(s[i]); i++, nd++) {
        if (nd >= 18)
            return -1;
        v = 10 * v + (s[i] - '0');
    }
    if (nd == 0 || i != n)
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Exactly k digits at s[i..]; -1 if not. */
static long fixed_digits(const char *s, size_t n, size_t i, size_t k)
{
    long v = 0;
    size_t j;
    if (i + k > n)
        return -1;
    for (j = i; j < i + k; j++) {
        if (!is_digit(s[j]))
            return -1;
        v = 10 * v + (s[j] - '0');
    }
    return v;
}

enum odt_status odt_catalog_parse_epoch(const char *text, size_t len, double *jd, double *jd_frac)
{
    const char *s = text;
    size_t n = len, i;
    long year, month, day, doy = -1, hour, minute, second;
    int64_t ticks, denom = 1;
    int nfrac = 0;
    double djm0, djm;

    if (!s || !jd || !jd_frac)
        return ODT_ERR_PARSE;
    trim(&s, &n);
    year = fixed_digits(s, n, 0, 4);
    if (year < 0 || n < 5 || s[4] != '-')
        return ODT_ERR_PARSE;
    if (n > 7 && s[7] == '-') { /* YYYY-MM-DD */
        month = fixed_digits(s, n, 5, 2);
        day = fixed_digits(s, n, 8, 2);
        i = 10;
    } else { /* YYYY-DDD */
        doy = fixed_digits(s, n, 5, 3);
        month = 1;
        day = 1;
        i = 8;
    }
    if (month < 0 || day < 0 || i >= n || (s[i] != 'T' && s[i] != ' '))
        return ODT_ERR_PARSE;
    hour = fixed_digits(s, n, i + 1, 2);
    minute = fixed_digits(s, n, i + 4, 2);
    second = fixed_digits(s, n, i + 7, 2);
    if (hour < 0 || minute < 0 || second < 0 || s[i + 3] != ':' || s[i + 6] != ':')
        return ODT_ERR_PARSE;
    if (hour > 23 || minute > 59 || second > 59)
        return ODT_ERR_PARSE;
    i += 9;
    ticks = (int64_t)((hour * 60 + minute) * 60 + second);
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit(s[i]))
            return ODT_ERR_PARSE;
        for (; i < n && is_digit(s[i]); i++)
            if (nfrac < 9) { /* finer digits (below 1 ns) are ignored */
                ticks = 10 * ticks + (s[i] - '0');
                denom *= 10;
                nfrac++;
            }
    }
    if (i < n && s[i] == 'Z')
        i++;
    if (i != n)
        return ODT_ERR_PARSE;
    if (eraCal2jd((int)year, (int)month, (int)day, &djm0, &djm) != 0)
        return ODT_ERR_PARSE;
    if (doy >= 0) {
        double djm0_next, djm_next;
        if (eraCal2jd((int)year + 1, 1, 1, &djm0_next, &djm_next) != 0)
            return ODT_ERR_PARSE;
        if (doy < 1 || (double)doy > djm_next - djm)
            return ODT_ERR_PARSE;
        djm += (double)(doy - 1);
    }
    *jd = djm0 + djm; /* 2400000.5 + MJD: exact in double */
    /* One division of two integers below 2^53: the correctly rounded day fraction. */
    *jd_frac = (double)ticks / ((double)denom * ODT_SEC_PER_DAY);
    return ODT_OK;
}

/* ------------------------------------------------------------------ OMM records */

enum omm_kw {
    KW_OBJECT_NAME,
    KW_OBJECT_ID,
    KW_CENTER_NAME,
    KW_REF_FRAME,
    KW_TIME_SYSTEM,
    KW_MEAN_ELEMENT_THEORY,
    KW_EPOCH,
    KW_MEAN_MOTION,
    KW_SEMI_MAJOR_AXIS, /* only to explain why an OMM without MEAN_MOTION is refused */
    KW_ECCENTRICITY,
    KW_INCLINATION,
    KW_RA_OF_ASC_NODE,
    KW_ARG_OF_PERICENTER,
    KW_MEAN_ANOMALY,
    KW_EPHEMERIS_TYPE,
    KW_CLASSIFICATION_TYPE,
    KW_NORAD_CAT_ID,
    KW_ELEMENT_SET_NO,
    KW_REV_AT_EPOCH,
    KW_BSTAR,
    KW_MEAN_MOTION_DOT,
    KW_MEAN_MOTION_DDOT,
    KW_COUNT
};

static const char *const kw_names[KW_COUNT] = {
    "OBJECT_NAME",   "OBJECT_ID",      "CENTER_NAME",       "REF_FRAME",        "TIME_SYSTEM",
    "MEAN_ELEMENT_THEORY", "EPOCH",    "MEAN_MOTION",       "SEMI_MAJOR_AXIS",  "ECCENTRICITY",
    "INCLINATION",   "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY",     "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH",   "BSTAR",
    "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"};

static const enum omm_kw kw_required[] = {KW_EPOCH,         KW_MEAN_MOTION,       KW_ECCENTRICITY,
                                          KW_INCLINATION,   KW_RA_OF_ASC_NODE,    KW_ARG_OF_PERICENTER,
                                          KW_MEAN_ANOMALY,  KW_NORAD_CAT_ID,      KW_BSTAR};
#define KW_N_REQUIRED (sizeof kw_required / sizeof kw_required[0])

/* Keyword index of a name, -1 if it is not one this reader uses. */
static int kw_lookup(const char *s, size_t n)
{
    int k;
    trim(&s, &n);
    for (k = 0; k < KW_COUNT; k++)
        if (n && kw_names[k][0] == s[0] && strlen(kw_names[k]) == n && memcmp(kw_names[k], s, n) == 0)
            return k;
    return -1;
}

struct omm_value {
    const char *s; /* text (not NUL-terminated); resolved from off when owned */
    size_t off;    /* offset into omm_rec.buf when owned */
    size_t len;
    int line;      /* 1-based line of the value, 0 unknown */
    unsigned char set, owned;
};

struct omm_rec {
    struct omm_value v[KW_COUNT];
    int line;       /* line where the message starts */
    size_t index;   /* 1-based number of the message in the file */
    int err_line;   /* first structural problem found while collecting */
    char err[256];
    char *buf;      /* scratch copies of values (kept across records) */
    size_t buflen, bufcap;
};

static void rec_begin(struct omm_rec *r, int line, size_t index)
{
    memset(r->v, 0, sizeof r->v);
    r->line = line;
    r->index = index;
    r->err_line = 0;
    r->err[0] = '\0';
    r->buflen = 0;
}

static void rec_fail(struct omm_rec *r, int line, const char *fmt, ...) ODT_PRINTF(3, 4);

/* Remember the first problem of a record; it is reported when the record ends. */
static void rec_fail(struct omm_rec *r, int line, const char *fmt, ...)
{
    va_list ap;
    if (r->err[0])
        return;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->err_line = line;
}

/* Store a value; with copy, the text is copied into the record's scratch buffer. 0, or -1 out of memory. */
static int rec_set(struct omm_rec *r, int kw, const char *s, size_t n, int line, int copy)
{
    struct omm_value *v;
    if (kw < 0)
        return 0;
    v = &r->v[kw];
    if (v->set) {
        rec_fail(r, line, "keyword %s repeated (first on line %d)", kw_names[kw], v->line);
        return 0;
    }
    if (copy) {
        if (r->buflen + n + 1 > r->bufcap) {
            size_t cap = r->bufcap ? r->bufcap : 1024;
            char *p;
            while (cap < r->buflen + n + 1)
                cap *= 2;
            p = realloc(r->buf, cap);
            if (!p)
                return -1;
            r->buf = p;
            r->bufcap = cap;
        }
        memcpy(r->buf + r->buflen, s, n);
        v->off = r->buflen;
        v->owned = 1;
        v->s = NULL;
        r->buflen += n + 1;
    } else {
        v->s = s;
        v->owned = 0;
    }
    v->len = n;
    v->line = line;
    v->set = 1;
    return 0;
}

/* Convert one record. 0 on success; otherwise msg says why and *line where. */
static int omm_convert(struct omm_rec *r, struct odt_elset *e, char *msg, size_t msglen, int *line)
{
    struct omm_value *v = r->v;
    const char *s;
    size_t n, k;
    int kw;
    long lv;
    double *const dst[KW_COUNT] = {
        [KW_MEAN_MOTION] = &e->mean_motion_rev_day, [KW_ECCENTRICITY] = &e->eccentricity,
        [KW_INCLINATION] = &e->inclination_deg,     [KW_RA_OF_ASC_NODE] = &e->raan_deg,
        [KW_ARG_OF_PERICENTER] = &e->arg_perigee_deg, [KW_MEAN_ANOMALY] = &e->mean_anomaly_deg,
        [KW_BSTAR] = &e->bstar,                     [KW_MEAN_MOTION_DOT] = &e->ndot_rev_day2,
        [KW_MEAN_MOTION_DDOT] = &e->nddot_rev_day3};

#define FAIL_AT(kw_, ...)                                                                                        \
    do {                                                                                                        \
        snprintf(msg, msglen, __VA_ARGS__);                                                                     \
        *line = v[kw_].line ? v[kw_].line : r->line;                                                            \
        return -1;                                                                                              \
    } while (0)
#define VAL(kw_) (int)(v[kw_].len > 40 ? 40 : v[kw_].len), v[kw_].s

    for (kw = 0; kw < KW_COUNT; kw++)
        if (v[kw].set) {
            if (v[kw].owned)
                v[kw].s = r->buf + v[kw].off;
            s = v[kw].s;
            n = v[kw].len;
            trim(&s, &n);
            v[kw].s = s;
            v[kw].len = n;
            if (n == 0) /* an empty value (empty CSV cell, <X/>) counts as absent */
                v[kw].set = 0;
        }

    memset(e, 0, sizeof *e);
    e->classification = 'U';

    {
        char missing[256] = "";
        size_t used = 0, nmiss = 0;
        for (k = 0; k < KW_N_REQUIRED; k++)
            if (!v[kw_required[k]].set) {
                int w = snprintf(missing + used, sizeof missing - used, "%s%s", nmiss ? ", " : "",
                                 kw_names[kw_required[k]]);
                if (w > 0 && (size_t)w < sizeof missing - used)
                    used += (size_t)w;
                nmiss++;
            }
        if (nmiss) {
            snprintf(msg, msglen, "missing required keyword%s %s%s", nmiss > 1 ? "s" : "", missing,
                     (!v[KW_MEAN_MOTION].set && v[KW_SEMI_MAJOR_AXIS].set)
                         ? " (SGP4 elements carry MEAN_MOTION, not SEMI_MAJOR_AXIS)"
                         : "");
            *line = r->line;
            return -1;
        }
    }

    if (v[KW_MEAN_ELEMENT_THEORY].set && !equals_ci(v[KW_MEAN_ELEMENT_THEORY].s, v[KW_MEAN_ELEMENT_THEORY].len, "SGP4") &&
        !equals_ci(v[KW_MEAN_ELEMENT_THEORY].s, v[KW_MEAN_ELEMENT_THEORY].len, "SDP4") &&
        !equals_ci(v[KW_MEAN_ELEMENT_THEORY].s, v[KW_MEAN_ELEMENT_THEORY].len, "SGP/SGP4"))
        FAIL_AT(KW_MEAN_ELEMENT_THEORY, "MEAN_ELEMENT_THEORY '%.*s' is not SGP4 (only SGP4/SDP4 mean elements are accepted)",
                VAL(KW_MEAN_ELEMENT_THEORY));
    if (v[KW_CENTER_NAME].set && !equals_ci(v[KW_CENTER_NAME].s, v[KW_CENTER_NAME].len, "EARTH"))
        FAIL_AT(KW_CENTER_NAME, "CENTER_NAME '%.*s' is not EARTH", VAL(KW_CENTER_NAME));
    if (v[KW_REF_FRAME].set && !equals_ci(v[KW_REF_FRAME].s, v[KW_REF_FRAME].len, "TEME"))
        FAIL_AT(KW_REF_FRAME, "REF_FRAME '%.*s' is not TEME (SGP4 elements are TEME)", VAL(KW_REF_FRAME));
    if (v[KW_TIME_SYSTEM].set && !equals_ci(v[KW_TIME_SYSTEM].s, v[KW_TIME_SYSTEM].len, "UTC"))
        FAIL_AT(KW_TIME_SYSTEM, "TIME_SYSTEM '%.*s' is not UTC", VAL(KW_TIME_SYSTEM));
    if (v[KW_EPHEMERIS_TYPE].set) {
        if (parse_long(v[KW_EPHEMERIS_TYPE].s, v[KW_EPHEMERIS_TYPE].len, &lv) != 0)
            FAIL_AT(KW_EPHEMERIS_TYPE, "EPHEMERIS_TYPE: '%.*s' is not an integer", VAL(KW_EPHEMERIS_TYPE));
        if (lv != 0 && lv != 2 && lv != 3)
            FAIL_AT(KW_EPHEMERIS_TYPE, "EPHEMERIS_TYPE %ld is not SGP4/SDP4 (0, 2 or 3)", lv);
    }

    if (odt_catalog_parse_epoch(v[KW_EPOCH].s, v[KW_EPOCH].len, &e->epoch_jd, &e->epoch_jd_frac) != ODT_OK)
        FAIL_AT(KW_EPOCH, "EPOCH: '%.*s' is not a UTC date and time (YYYY-MM-DDThh:mm:ss[.ffffff][Z])",
                VAL(KW_EPOCH));

    for (kw = 0; kw < KW_COUNT; kw++)
        if (dst[kw] && v[kw].set && parse_double(v[kw].s, v[kw].len, dst[kw]) != 0)
            FAIL_AT(kw, "%s: '%.*s' is not a number", kw_names[kw], VAL(kw));
    if (!(e->mean_motion_rev_day > 0.0))
        FAIL_AT(KW_MEAN_MOTION, "MEAN_MOTION %.*s out of range (must be > 0 rev/day)", VAL(KW_MEAN_MOTION));
    if (!(e->eccentricity >= 0.0 && e->eccentricity < 1.0))
        FAIL_AT(KW_ECCENTRICITY, "ECCENTRICITY %.*s out of range [0, 1)", VAL(KW_ECCENTRICITY));
    if (!(e->inclination_deg >= 0.0 && e->inclination_deg <= 180.0))
        FAIL_AT(KW_INCLINATION, "INCLINATION %.*s out of range [0, 180] deg", VAL(KW_INCLINATION));

    if (parse_long(v[KW_NORAD_CAT_ID].s, v[KW_NORAD_CAT_ID].len, &e->catalog_number) != 0)
        FAIL_AT(KW_NORAD_CAT_ID, "NORAD_CAT_ID: '%.*s' is not an integer", VAL(KW_NORAD_CAT_ID));
    if (e->catalog_number < 0 || e->catalog_number > 999999999L)
        FAIL_AT(KW_NORAD_CAT_ID, "NORAD_CAT_ID %ld out of range [0, 999999999]", e->catalog_number);
    if (v[KW_ELEMENT_SET_NO].set) {
        if (parse_long(v[KW_ELEMENT_SET_NO].s, v[KW_ELEMENT_SET_NO].len, &lv) != 0)
            FAIL_AT(KW_ELEMENT_SET_NO, "ELEMENT_SET_NO: '%.*s' is not an integer", VAL(KW_ELEMENT_SET_NO));
        if (lv < 0 || lv > INT_MAX)
            FAIL_AT(KW_ELEMENT_SET_NO, "ELEMENT_SET_NO %ld out of range", lv);
        e->element_set_number = (int)lv;
    }
    if (v[KW_REV_AT_EPOCH].set) {
        if (parse_long(v[KW_REV_AT_EPOCH].s, v[KW_REV_AT_EPOCH].len, &e->rev_at_epoch) != 0)
            FAIL_AT(KW_REV_AT_EPOCH, "REV_AT_EPOCH: '%.*s' is not an integer", VAL(KW_REV_AT_EPOCH));
        if (e->rev_at_epoch < 0)
            FAIL_AT(KW_REV_AT_EPOCH, "REV_AT_EPOCH %ld is negative", e->rev_at_epoch);
    }
    if (v[KW_CLASSIFICATION_TYPE].set) {
        char c = to_upper(v[KW_CLASSIFICATION_TYPE].s[0]);
        if (v[KW_CLASSIFICATION_TYPE].len != 1 || (c != 'U' && c != 'C' && c != 'S'))
            FAIL_AT(KW_CLASSIFICATION_TYPE, "CLASSIFICATION_TYPE '%.*s' is not U, C or S", VAL(KW_CLASSIFICATION_TYPE));
        e->classification = c;
    }
    if (v[KW_OBJECT_NAME].set)
        copy_text(e->name, sizeof e->name, v[KW_OBJECT_NAME].s, v[KW_OBJECT_NAME].len);
    if (v[KW_OBJECT_ID].set)
        copy_text(e->intl_designator, sizeof e->intl_designator, v[KW_OBJECT_ID].s, v[KW_OBJECT_ID].len);
    return 0;
#undef FAIL_AT
#undef VAL
}

/* End of one OMM: report it as bad or append its elements. */
static enum odt_status rec_finish(struct loader *L, struct omm_rec *r)
{
    struct odt_elset e;
    char why[384], msg[512];
    int line = r->line;
    const struct omm_value *id = &r->v[KW_NORAD_CAT_ID];
    if (r->err[0]) {
        snprintf(why, sizeof why, "%s", r->err);
        line = r->err_line ? r->err_line : r->line;
    } else if (omm_convert(r, &e, why, sizeof why, &line) == 0) {
        const struct odt_catalog_entry_info info = {r->line, 0, {0.0, 0.0, 0.0}};
        return push_entry(L, &e, &info);
    }
    if (id->set && !r->err[0])
        snprintf(msg, sizeof msg, "OMM %zu (NORAD_CAT_ID %.*s): %s", r->index, (int)(id->len > 12 ? 12 : id->len),
                 id->s, why);
    else
        snprintf(msg, sizeof msg, "OMM %zu: %s", r->index, why);
    return bad_entry(L, line, msg);
}

/* ------------------------------------------------------------------ TLE */

static int tle_is_line(const char *s, size_t n, char which)
{
    return n >= 2 && s[0] == which && s[1] == ' ';
}

/* A TLE line 1 or 2 for the reader: "1 ..." or "2 ...", or one of 64 or more characters that starts with the
   line number but lacks the blank of column 2 (refused by the parser with the column, not taken for a name). */
static int tle_looks_like_line(const char *s, size_t n, char which)
{
    return tle_is_line(s, n, which) || (n >= 64 && s[0] == which);
}

/* Next line that is not blank and not a '#' comment, with trailing white space removed. */
static int next_significant(struct cursor *c, const char **s, size_t *n, int *lineno)
{
    while (next_line(c, s, n, lineno)) {
        const char *t = *s;
        size_t m = *n;
        trim(&t, &m);
        if (m == 0 || t[0] == '#')
            continue;
        while (*n && is_space((*s)[*n - 1]))
            (*n)--;
        return 1;
    }
    return 0;
}

/* The file line a TLE parser message points at: it names "line 0", "line 1" or "line 2" of the set. */
static int tle_error_line(const char *err, int ln0, int ln1, int ln2)
{
    if (strstr(err, "line 2"))
        return ln2;
    if (strstr(err, "line 0") && ln0 > 0)
        return ln0;
    return ln1;
}

static enum odt_status tle_entry(struct loader *L, const char *name, int ln0, const char *s1, size_t n1, int ln1,
                                 const char *s2, size_t n2, int ln2)
{
    char l1[70], l2[70], err[256], msg[512];
    struct odt_elset e;
    enum odt_status st;
    /* Columns after 69 may carry extra data (verification ranges): not part of the element set. */
    copy_text(l1, sizeof l1, s1, n1 > 69 ? 69 : n1);
    copy_text(l2, sizeof l2, s2, n2 > 69 ? 69 : n2);
    err[0] = '\0';
    memset(&e, 0, sizeof e);
    st = odt_tle_parse_flags(name, l1, l2, L->tle_flags, &e, err, sizeof err);
    if (st == ODT_OK) {
        struct odt_catalog_entry_info info = {ln1, 0, {0.0, 0.0, 0.0}};
        if (n2 > 69 && n2 < 256) { /* the SGP4 verification file's start, stop and step after column 69 */
            char full[256];
            copy_text(full, sizeof full, s2, n2);
            info.has_range = odt_tle_verification_range(full, &info.range_min[0], &info.range_min[1],
                                                        &info.range_min[2]);
        }
        return push_entry(L, &e, &info);
    }
    /* err names the line of the set and the columns ("TLE line 2, column 69: ..."). */
    if (name && name[0])
        snprintf(msg, sizeof msg, "'%s': %s", name, err[0] ? err : "invalid TLE");
    else
        snprintf(msg, sizeof msg, "%s", err[0] ? err : "invalid TLE");
    return bad_entry(L, tle_error_line(err, ln0, ln1, ln2), msg);
}

static enum odt_status load_tle(struct loader *L, const char *text, size_t len)
{
    struct cursor cur = {text, text + len, 0};
    const char *s, *s2;
    size_t n, n2;
    int ln, ln2, name_line = 0, have_name = 0;
    char name[128], msg[256];
    enum odt_status st = ODT_OK;

    while (st == ODT_OK && next_significant(&cur, &s, &n, &ln)) {
        if (tle_looks_like_line(s, n, '1')) {
            struct cursor save = cur;
            if (next_significant(&cur, &s2, &n2, &ln2) && tle_looks_like_line(s2, n2, '2')) {
                st = tle_entry(L, have_name ? name : NULL, have_name ? name_line : 0, s, n, ln, s2, n2, ln2);
            } else {
                cur = save; /* the line after is looked at again on its own */
                st = bad_entry(L, ln, "TLE line 1 is not followed by a line 2");
            }
            have_name = 0;
        } else if (tle_looks_like_line(s, n, '2')) {
            st = bad_entry(L, ln, "TLE line 2 without a line 1 before it");
            have_name = 0;
        } else {
            if (have_name) {
                snprintf(msg, sizeof msg, "name line '%s' is not followed by TLE lines 1 and 2", name);
                st = bad_entry(L, name_line, msg);
            }
            trim(&s, &n);
            if (n >= 2 && s[0] == '0' && s[1] == ' ') { /* "0 NAME" (three-line format with line number) */
                s += 2;
                n -= 2;
                trim(&s, &n);
            }
            copy_text(name, sizeof name, s, n);
            have_name = 1;
            name_line = ln;
        }
    }
    if (st == ODT_OK && have_name) {
        snprintf(msg, sizeof msg, "name line '%s' is not followed by TLE lines 1 and 2", name);
        st = bad_entry(L, name_line, msg);
    }
    return st;
}

/* ------------------------------------------------------------------ OMM KVN */

/* "META_START", "DATA_STOP", "COVARIANCE_START", ...: block markers without '='. */
static int kvn_is_marker(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
            return 0;
    return (n > 6 && memcmp(s + n - 6, "_START", 6) == 0) || (n > 5 && memcmp(s + n - 5, "_STOP", 5) == 0);
}

static enum odt_status load_kvn(struct loader *L, const char *text, size_t len)
{
    struct cursor cur = {text, text + len, 0};
    struct omm_rec rec;
    const char *s;
    size_t n, count = 0;
    int ln, in = 0;
    enum odt_status st = ODT_OK;

    memset(&rec, 0, sizeof rec);
    while (st == ODT_OK && next_line(&cur, &s, &n, &ln)) {
        const char *eq, *key, *val;
        size_t klen, vlen;
        trim(&s, &n);
        if (n == 0)
            continue;
        if (starts_with(s, n, "COMMENT") && (n == 7 || is_space(s[7])))
            continue;
        eq = memchr(s, '=', n);
        if (eq) {
            key = s;
            klen = (size_t)(eq - s);
            val = eq + 1;
            vlen = n - klen - 1;
            trim(&key, &klen);
            trim(&val, &vlen);
            if (klen == 14 && memcmp(key, "CCSDS_OMM_VERS", 14) == 0) {
                if (in)
                    st = rec_finish(L, &rec);
                rec_begin(&rec, ln, ++count);
                in = 1;
                continue;
            }
        }
        if (!in) { /* tolerate a message without its header line: it starts here */
            rec_begin(&rec, ln, ++count);
            in = 1;
        }
        if (!eq) {
            if (!kvn_is_marker(s, n))
                rec_fail(&rec, ln, "line is not 'KEYWORD = value': '%.*s'", (int)(n > 40 ? 40 : n), s);
            continue;
        }
        rec_set(&rec, kw_lookup(key, klen), val, vlen, ln, 0);
    }
    if (st == ODT_OK && in)
        st = rec_finish(L, &rec);
    free(rec.buf);
    return st;
}

/* ------------------------------------------------------------------ OMM CSV */

struct csv_field {
    size_t off, len; /* into the scratch buffer */
};

struct csv_reader {
    const char *p, *end;
    int line;                 /* current line, 1-based */
    char *buf;                /* unescaped fields of the current record */
    size_t buflen, bufcap;
    struct csv_field *fields;
    size_t nfields, capfields;
};

static int csv_putc(struct csv_reader *c, char ch)
{
    if (c->buflen == c->bufcap) {
        size_t cap = c->bufcap ? 2 * c->bufcap : 1024;
        char *p = realloc(c->buf, cap);
        if (!p)
            return -1;
        c->buf = p;
        c->bufcap = cap;
    }
    c->buf[c->buflen++] = ch;
    return 0;
}

static int csv_endfield(struct csv_reader *c, size_t start)
{
    if (c->nfields == c->capfields) {
        size_t cap = c->capfields ? 2 * c->capfields : 32;
        struct csv_field *p = realloc(c->fields, cap * sizeof *p);
        if (!p)
            return -1;
        c->fields = p;
        c->capfields = cap;
    }
    c->fields[c->nfields].off = start;
    c->fields[c->nfields].len = c->buflen - start;
    c->nfields++;
    return 0;
}

/*
 * Read one record (RFC 4180: fields separated by commas, optionally quoted,
 * "" inside quotes is a quote, line breaks allowed inside quotes).
 * Returns 1 with a record, 0 at the end, -1 out of memory, -2 malformed
 * (why says what; the rest of that line is skipped).
 */
static int csv_record(struct csv_reader *c, int *start_line, const char **why)
{
    size_t start = 0;
    int quoted = 0, after_quote = 0;
    c->buflen = 0;
    c->nfields = 0;
    if (c->p >= c->end)
        return 0;
    *start_line = ++c->line;
    for (;;) {
        char ch;
        if (c->p >= c->end) {
            if (quoted) {
                *why = "quoted field not closed before the end of the file";
                return -2;
            }
            break;
        }
        ch = *c->p++;
        if (quoted) {
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->p++;
                    if (csv_putc(c, '"'))
                        return -1;
                } else {
                    quoted = 0;
                    after_quote = 1;
                }
                continue;
            }
            if (ch == '\n' || (ch == '\r' && !(c->p < c->end && *c->p == '\n')))
                c->line++;
            if (csv_putc(c, ch))
                return -1;
            continue;
        }
        if (ch == ',') {
            if (csv_endfield(c, start))
                return -1;
            start = c->buflen;
            after_quote = 0;
            continue;
        }
        if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && c->p < c->end && *c->p == '\n')
                c->p++;
            break;
        }
        if (ch == '"' && c->buflen == start && !after_quote) {
            quoted = 1;
            continue;
        }
        if (after_quote && !is_space(ch)) {
            *why = "text after the closing quote of a field";
            while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
                c->p++;
            if (c->p < c->end)
                c->p += (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n') ? 2 : 1;
            return -2;
        }
        if (csv_putc(c, ch))
            return -1;
    }
    if (csv_endfield(c, start))
        return -1;
    return 1;
}

static int csv_blank_record(const struct csv_reader *c)
{
    const char *s = c->buf;
    size_t n = c->buflen;
    trim(&s, &n);
    return c->nfields == 1 && n == 0;
}

static enum odt_status load_csv(struct loader *L, const char *text, size_t len)
{
    struct csv_reader c;
    struct omm_rec rec;
    int *colkw = NULL, line = 0, r;
    size_t ncols = 0, i, count = 0;
    const char *why = NULL;
    char msg[256];
    enum odt_status st = ODT_OK;

    memset(&c, 0, sizeof c);
    memset(&rec, 0, sizeof rec);
    c.p = text;
    c.end = text + len;

    /* Header: the first record that is not blank. */
    while ((r = csv_record(&c, &line, &why)) == 1 && csv_blank_record(&c))
        ;
    if (r == -1) {
        st = out_of_memory(L);
        goto done;
    }
    if (r == 0)
        goto done; /* no header, no entries */
    if (r == -2) {
        report(L, line, "CSV header: %s", why);
        st = ODT_ERR_PARSE;
        goto done;
    }
    ncols = c.nfields;
    colkw = malloc(ncols * sizeof *colkw);
    if (!colkw) {
        st = out_of_memory(L);
        goto done;
    }
    for (i = 0; i < ncols; i++) {
        size_t j;
        colkw[i] = kw_lookup(c.buf + c.fields[i].off, c.fields[i].len);
        for (j = 0; j < i && colkw[i] >= 0; j++)
            if (colkw[j] == colkw[i]) {
                report(L, line, "CSV header: column %s appears twice (columns %zu and %zu)", kw_names[colkw[i]],
                       j + 1, i + 1);
                st = ODT_ERR_PARSE;
                goto done;
            }
    }
    for (i = 0; i < KW_N_REQUIRED; i++) {
        size_t j;
        for (j = 0; j < ncols && colkw[j] != (int)kw_required[i]; j++)
            ;
        if (j == ncols) {
            report(L, line, "CSV header has no column %s (required)", kw_names[kw_required[i]]);
            st = ODT_ERR_PARSE;
            goto done;
        }
    }

    while (st == ODT_OK && (r = csv_record(&c, &line, &why)) != 0) {
        if (r == -1) {
            st = out_of_memory(L);
            break;
        }
        if (r == 1 && csv_blank_record(&c))
            continue;
        rec_begin(&rec, line, ++count);
        if (r == -2) {
            snprintf(msg, sizeof msg, "OMM %zu: %s", count, why);
            st = bad_entry(L, line, msg);
            continue;
        }
        if (c.nfields != ncols) {
            snprintf(msg, sizeof msg, "OMM %zu: row has %zu fields, the header has %zu", count, c.nfields, ncols);
            st = bad_entry(L, line, msg);
            continue;
        }
        for (i = 0; i < ncols; i++)
            if (colkw[i] >= 0)
                rec_set(&rec, colkw[i], c.buf + c.fields[i].off, c.fields[i].len, line, 0);
        st = rec_finish(L, &rec);
    }
done:
    free(colkw);
    free(c.buf);
    free(c.fields);
    free(rec.buf);
    return st;
}

/* ------------------------------------------------------------------ OMM JSON (libfyaml events) */

static void fy_silent(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static int fy_event_line(struct fy_event *ev)
{
    const struct fy_mark *m = fy_event_start_mark(ev);
    return m ? m->line + 1 : 0;
}

static enum odt_status load_json(struct loader *L, const char *text, size_t len)
{
    struct fy_diag_cfg dcfg;
    struct fy_diag *fd = NULL;
    struct fy_parse_cfg pcfg;
    struct fy_parser *fyp = NULL;
    struct fy_event *ev;
    struct omm_rec rec;
    enum odt_status st = ODT_OK;
    int level = 0, skip = 0, in_entry = 0, entry_level = 0, top_array = 0, expect_key = 1, kw = -1;
    size_t count = 0;
    char msg[256];

    memset(&rec, 0, sizeof rec);
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = fy_silent;
    dcfg.colorize = false;
    fd = fy_diag_create(&dcfg);
    if (!fd)
        return out_of_memory(L);
    fy_diag_set_collect_errors(fd, true);
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = (enum fy_parse_cfg_flags)(FYPCF_QUIET | FYPCF_JSON_FORCE | FYPCF_COLLECT_DIAG);
    pcfg.diag = fd;
    fyp = fy_parser_create(&pcfg);
    if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
        st = out_of_memory(L);
        goto done;
    }

    while (st == ODT_OK && (ev = fy_parser_parse(fyp)) != NULL) {
        enum fy_event_type t = ev->type;
        int line = fy_event_line(ev);
        if (t == FYET_SEQUENCE_START || t == FYET_MAPPING_START) {
            level++;
            if (skip) {
                /* inside a value that is skipped */
            } else if (in_entry) { /* nested value: only scalars are OMM values */
                if (kw >= 0)
                    rec_fail(&rec, line, "%s is not a number or a string", kw_names[kw]);
                skip = level;
                expect_key = 1;
            } else if (t == FYET_MAPPING_START && (level == 1 || (level == 2 && top_array))) {
                rec_begin(&rec, line, ++count);
                in_entry = 1;
                entry_level = level;
                expect_key = 1;
            } else if (level == 1) {
                top_array = 1;
            } else { /* an array inside the top array */
                snprintf(msg, sizeof msg, "OMM %zu: array element is not an object", ++count);
                st = bad_entry(L, line, msg);
                skip = level;
            }
        } else if (t == FYET_SEQUENCE_END || t == FYET_MAPPING_END) {
            if (skip == level) {
                skip = 0;
            } else if (!skip && in_entry && level == entry_level) {
                in_entry = 0;
                st = rec_finish(L, &rec);
            }
            level--;
        } else if (t == FYET_ALIAS) { /* not JSON; only reachable if the parser relaxes JSON mode */
            if (!skip && in_entry) {
                if (!expect_key && kw >= 0)
                    rec_fail(&rec, line, "%s is not a number or a string", kw_names[kw]);
                expect_key = !expect_key;
            }
        } else if (t == FYET_SCALAR) {
            size_t n = 0;
            const char *s = fy_token_get_text(ev->scalar.value, &n);
            if (skip) {
                /* ignored */
            } else if (in_entry) {
                if (expect_key) {
                    kw = s ? kw_lookup(s, n) : -1;
                    expect_key = 0;
                } else {
                    /* JSON null: absent */
                    int is_null = fy_token_scalar_style(ev->scalar.value) == FYSS_PLAIN && n == 4 &&
                                  memcmp(s, "null", 4) == 0;
                    if (kw >= 0 && s && !is_null && rec_set(&rec, kw, s, n, line, 1) != 0)
                        st = out_of_memory(L);
                    expect_key = 1;
                }
            } else if (level == 0) {
                report(L, line, "JSON: expected an array of OMM objects, found a scalar");
                st = ODT_ERR_PARSE;
            } else {
                snprintf(msg, sizeof msg, "OMM %zu: array element is not an object", ++count);
                st = bad_entry(L, line, msg);
            }
        }
        fy_parser_event_free(fyp, ev);
    }
    if (st == ODT_OK && fy_parser_get_stream_error(fyp)) {
        void *it = NULL;
        struct fy_diag_error *de = fy_diag_errors_iterate(fd, &it);
        if (de) /* collected errors carry 1-based line and column (unlike marks) */
            report(L, de->line, "JSON not well formed (column %d): %s", de->column,
                   de->msg ? de->msg : "syntax error");
        else
            report(L, 0, "JSON not well formed");
        st = ODT_ERR_PARSE;
    }
done:
    if (fyp)
        fy_parser_destroy(fyp);
    fy_diag_destroy(fd);
    free(rec.buf);
    return st;
}

/* ------------------------------------------------------------------ OMM XML (libxml2 reader) */

/*
 * A streaming pass (xmlTextReader) rather than a DOM: a full catalogue is tens
 * of megabytes of XML, and building and freeing its tree costs more than the
 * parse itself. Every <omm> element, at any depth, is one message; inside it,
 * every element named after an OMM keyword gives that keyword's value (its
 * text), wherever it sits (metadata, meanElements, tleParameters). Namespace
 * prefixes are ignored (local names). Any well-formedness error fails the load.
 */

struct xml_error {
    int line;
    char msg[256];
    int set;
};

static void xml_on_error(void *arg, xmlErrorPtr e)
{
    struct xml_error *xe = arg;
    if (xe->set || !e || e->level < XML_ERR_ERROR)
        return;
    xe->set = 1;
    xe->line = e->line;
    snprintf(xe->msg, sizeof xe->msg, "%s", e->message ? e->message : "syntax error");
}

/* libxml2's generic (printf-style) diagnostics: dropped, the structured ones carry the same error */
static void xml_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static int xml_node_line(xmlTextReaderPtr rd)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(rd);
    long line = node ? xmlGetLineNo(node) : -1;
    return line > 0 && line <= INT_MAX ? (int)line : xmlTextReaderGetParserLineNumber(rd);
}

static enum odt_status load_xml(struct loader *L, const char *text, size_t len)
{
    xmlTextReaderPtr rd;
    struct xml_error xe;
    struct omm_rec rec;
    char *val = NULL; /* text of the keyword element being read */
    size_t vlen = 0, vcap = 0, count = 0;
    int ret, in_omm = 0, omm_depth = 0, kw = -1, kw_depth = 0, kw_line = 0, seen_root = 0;
    enum { XML_MAX_OPEN = 64 };
    const char *open_name[XML_MAX_OPEN] = {0}; /* elements open now (reader dictionary strings), for messages */
    int open_line[XML_MAX_OPEN] = {0}, n_open = 0;
    enum odt_status st = ODT_OK;

    if (len > INT_MAX) {
        report(L, 0, "XML file too large (%zu bytes)", len);
        return ODT_ERR_PARSE;
    }
    xmlInitParser();
    memset(&xe, 0, sizeof xe);
    memset(&rec, 0, sizeof rec);
    /* every libxml2 diagnostic goes into xe and so into the one error line: the reader's own handler, and
       for the duration of the load the thread's handlers too, so that nothing reaches stderr */
    const xmlGenericErrorFunc old_generic = xmlGenericError;
    void *const old_generic_ctx = xmlGenericErrorContext;
    const xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *const old_structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_silent);
    xmlSetStructuredErrorFunc(&xe, xml_on_error);
    rd = xmlReaderForMemory(text, (int)len, L->file, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (!rd) {
        xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
        xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
        return out_of_memory(L);
    }
    xmlTextReaderSetStructuredErrorHandler(rd, xml_on_error, &xe);

    while (st == ODT_OK && (ret = xmlTextReaderRead(rd)) == 1) {
        int type = xmlTextReaderNodeType(rd), depth = xmlTextReaderDepth(rd);
        const char *name = (const char *)xmlTextReaderConstLocalName(rd);
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(rd);
            if (!empty) {
                n_open = depth + 1;
                if (depth >= 0 && depth < XML_MAX_OPEN) {
                    open_name[depth] = name;
                    open_line[depth] = xml_node_line(rd);
                }
            }
            if (!seen_root) {
                seen_root = 1;
                if (!name || (strcmp(name, "ndm") != 0 && strcmp(name, "omm") != 0)) {
                    report(L, xml_node_line(rd), "XML root element <%s> is neither <ndm> nor <omm>",
                           name ? name : "");
                    st = ODT_ERR_PARSE;
                    break;
                }
            }
            if (!in_omm && name && strcmp(name, "omm") == 0) {
                rec_begin(&rec, xml_node_line(rd), ++count);
                in_omm = 1;
                omm_depth = depth;
                kw = -1;
                if (empty) {
                    in_omm = 0;
                    st = rec_finish(L, &rec);
                }
            } else if (in_omm) {
                kw = name ? kw_lookup(name, strlen(name)) : -1; /* a child element of a keyword drops it */
                kw_depth = depth;
                kw_line = xml_node_line(rd);
                vlen = 0;
                if (kw >= 0 && empty) { /* <KEY/>: an empty value, i.e. absent */
                    if (rec_set(&rec, kw, "", 0, kw_line, 1))
                        st = out_of_memory(L);
                    kw = -1;
                }
            }
        } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
                   kw >= 0 && depth == kw_depth + 1) {
            const char *t = (const char *)xmlTextReaderConstValue(rd);
            size_t n = t ? strlen(t) : 0;
            if (vlen + n + 1 > vcap) {
                size_t cap = vcap ? vcap : 256;
                char *p;
                while (cap < vlen + n + 1)
                    cap *= 2;
                p = realloc(val, cap);
                if (!p) {
                    st = out_of_memory(L);
                    break;
                }
                val = p;
                vcap = cap;
            }
            memcpy(val + vlen, t, n);
            vlen += n;
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            n_open = depth;
            if (kw >= 0 && depth == kw_depth) {
                if (rec_set(&rec, kw, val ? val : "", vlen, kw_line, 1))
                    st = out_of_memory(L);
                kw = -1;
            } else if (in_omm && depth == omm_depth) {
                in_omm = 0;
                kw = -1;
                st = rec_finish(L, &rec);
            }
        }
    }
    if (st == ODT_OK && (ret < 0 || xe.set)) {
        const char *m = xe.msg;
        size_t n = strlen(m), i;
        int line = xe.set ? xe.line : xmlTextReaderGetParserLineNumber(rd), last_line = 1;
        char where[160] = "";
        trim(&m, &n);
        for (i = 0; i < len; i++)
            last_line += text[i] == '\n';
        /* At a premature end the reader's own message is vague ("Extra content at the end of the document"):
           name the element left open. */
        if (n_open > 0 && n_open <= XML_MAX_OPEN && open_name[n_open - 1])
            snprintf(where, sizeof where, "; %s <%s> opened on line %d",
                     line >= last_line - 1 ? "the file ends inside" : "inside", open_name[n_open - 1],
                     open_line[n_open - 1]);
        report(L, line, "XML not well formed: %.*s%s", (int)n, n ? m : "syntax error", where);
        st = ODT_ERR_PARSE;
    }
    if (st == ODT_OK && !seen_root) {
        report(L, 0, "XML without a root element");
        st = ODT_ERR_PARSE;
    }
    xmlFreeTextReader(rd);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    free(val);
    free(rec.buf);
    return st;
}

/* ------------------------------------------------------------------ format detection */

const char *odt_catalog_format_name(enum odt_catalog_format fmt)
{
    switch (fmt) {
    case ODT_CATALOG_AUTO: return "auto";
    case ODT_CATALOG_TLE: return "TLE";
    case ODT_CATALOG_OMM_KVN: return "OMM/KVN";
    case ODT_CATALOG_OMM_XML: return "OMM/XML";
    case ODT_CATALOG_OMM_JSON: return "OMM/JSON";
    case ODT_CATALOG_OMM_CSV: return "OMM/CSV";
    }
    return "unknown";
}

static enum odt_catalog_format format_from_extension(const char *name)
{
    static const struct {
        const char *ext;
        enum odt_catalog_format fmt;
    } table[] = {{"tle", ODT_CATALOG_TLE},       {"txt", ODT_CATALOG_TLE},      {"2le", ODT_CATALOG_TLE},
                 {"3le", ODT_CATALOG_TLE},       {"kvn", ODT_CATALOG_OMM_KVN},  {"omm", ODT_CATALOG_OMM_KVN},
                 {"xml", ODT_CATALOG_OMM_XML},   {"json", ODT_CATALOG_OMM_JSON}, {"csv", ODT_CATALOG_OMM_CSV}};
    const char *dot, *slash;
    size_t i;
    if (!name)
        return ODT_CATALOG_AUTO;
    dot = strrchr(name, '.');
    slash = strrchr(name, '/');
    if (!dot || (slash && slash > dot))
        return ODT_CATALOG_AUTO;
    for (i = 0; i < sizeof table / sizeof table[0]; i++)
        if (equals_ci(dot + 1, strlen(dot + 1), table[i].ext))
            return table[i].fmt;
    return ODT_CATALOG_AUTO;
}

static int contains(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(s + i, word, k) == 0)
            return 1;
    return 0;
}

/* Format from the first significant characters, then from the extension; AUTO if neither tells. */
static enum odt_catalog_format detect_format(const char *name, const char *text, size_t len)
{
    struct cursor cur = {text, text + len, 0};
    const char *s, *s2;
    size_t n, n2, i;
    int ln, ln2, k;

    for (i = 0; i < len && is_space(text[i]); i++)
        ;
    if (i < len) {
        if (text[i] == '<')
            return ODT_CATALOG_OMM_XML;
        if (text[i] == '[' || text[i] == '{')
            return ODT_CATALOG_OMM_JSON;
        if (next_significant(&cur, &s, &n, &ln)) {
            if (starts_with(s, n, "CCSDS_OMM_VERS"))
                return ODT_CATALOG_OMM_KVN;
            if (memchr(s, ',', n) && contains(s, n, "MEAN_MOTION"))
                return ODT_CATALOG_OMM_CSV;
        }
        cur.p = text;
        cur.line = 0;
        for (k = 0; k < 3 && next_significant(&cur, &s, &n, &ln); k++)
            if (tle_is_line(s, n, '1') && n >= 69) {
                if (next_significant(&cur, &s2, &n2, &ln2) && tle_is_line(s2, n2, '2'))
                    return ODT_CATALOG_TLE;
                break;
            }
    }
    return format_from_extension(name);
}

/* ------------------------------------------------------------------ public entry points */

/* The load of len bytes of text with the loader state set up. */
static enum odt_status load_text(struct loader *L, const char *text, size_t len, enum odt_catalog_format fmt)
{
    struct odt_catalog *out = L->cat;
    enum odt_status st;
    size_t i;
    int line, column;
    char why[128];

    if (!text && len) {
        report(L, 0, "no text to read");
        return ODT_ERR_STATE;
    }
    if (!text)
        text = "";
    /* UTF-8 without NUL bytes, checked whole before any reader sees it: readers that stop at a NUL or skip
       what they cannot decode would otherwise drop entries without a word */
    line = odt_text_check(text, len, &column, why, sizeof why);
    if (line > 0) {
        report(L, line, "%s", why);
        return ODT_ERR_PARSE;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 byte order mark */
        text += 3;
        len -= 3;
    }
    if (fmt == ODT_CATALOG_AUTO) {
        fmt = detect_format(L->file, text, len);
        if (fmt == ODT_CATALOG_AUTO) {
            for (i = 0; i < len && is_space(text[i]); i++)
                ;
            if (i == len)
                return ODT_OK; /* nothing in it */
            report(L, 1,
                   "cannot tell the catalogue format (TLE, OMM KVN/XML/JSON/CSV) from the content or the file name");
            return ODT_ERR_PARSE;
        }
    }
    out->format = fmt;
    switch (fmt) {
    case ODT_CATALOG_TLE: st = load_tle(L, text, len); break;
    case ODT_CATALOG_OMM_KVN: st = load_kvn(L, text, len); break;
    case ODT_CATALOG_OMM_XML: st = load_xml(L, text, len); break;
    case ODT_CATALOG_OMM_JSON: st = load_json(L, text, len); break;
    case ODT_CATALOG_OMM_CSV: st = load_csv(L, text, len); break;
    default:
        report(L, 0, "unknown catalogue format %d", (int)fmt);
        st = ODT_ERR_VALUE;
        break;
    }
    if (st == ODT_OK && out->n == 0 && out->n_bad > 0) {
        report(L, L->first_bad_line, "no valid entries (%zu bad, all skipped; the first: %s)", out->n_bad,
               L->first_bad);
        st = ODT_ERR_PARSE;
    }
    return st;
}

static void loader_init(struct loader *L, const char *name, const struct odt_catalog_options *opt, int diag_failure,
                        struct odt_catalog *out, char *err, size_t errlen)
{
    memset(L, 0, sizeof *L);
    memset(out, 0, sizeof *out);
    L->file = name ? name : "<buffer>";
    if (opt) {
        L->strict = opt->strict;
        L->tle_flags = opt->tle_flags;
        L->diag = opt->skipped;
        L->ctx = opt->ctx;
    }
    L->diag_failure = diag_failure;
    L->err = err;
    L->errlen = err ? errlen : 0;
    if (L->errlen)
        err[0] = '\0';
    L->cat = out;
}

/* On failure the catalogue holds no entries (n_bad and format still say what was found). */
static enum odt_status loader_finish(struct loader *L, enum odt_status st)
{
    if (st != ODT_OK) {
        free(L->cat->entries);
        free(L->cat->info);
        L->cat->entries = NULL;
        L->cat->info = NULL;
        L->cat->n = L->cat->cap = 0;
    }
    return st;
}

enum odt_status odt_catalog_read_buffer(const char *name, const char *text, size_t len,
                                        const struct odt_catalog_options *opt, struct odt_catalog *out, char *err,
                                        size_t errlen)
{
    struct loader L;
    if (!out)
        return ODT_ERR_STATE;
    loader_init(&L, name, opt, 0, out, err, errlen);
    return loader_finish(&L, load_text(&L, text, len, opt ? opt->format : ODT_CATALOG_AUTO));
}

enum odt_status odt_catalog_read_file(const char *path, const struct odt_catalog_options *opt, struct odt_catalog *out,
                                      char *err, size_t errlen)
{
    struct loader L;
    char *text = NULL, why[300];
    size_t len = 0;
    enum odt_status st;
    if (!out)
        return ODT_ERR_STATE;
    loader_init(&L, path ? path : "", opt, 0, out, err, errlen);
    if (!path) {
        report(&L, 0, "no catalogue file given");
        return ODT_ERR_IO;
    }
    st = odt_textfile_read(path, "catalogue file", ODT_CATALOG_MAX_BYTES, &text, &len, why, sizeof why);
    if (st != ODT_OK) {
        report(&L, 0, "%s", why);
        return st;
    }
    st = loader_finish(&L, load_text(&L, text, len, opt ? opt->format : ODT_CATALOG_AUTO));
    free(text);
    return st;
}

enum odt_status odt_catalog_load_buffer(const char *name, const char *text, size_t len,
                                        enum odt_catalog_format fmt, int strict, odt_diag_fn diag,
                                        void *ctx, struct odt_catalog *out)
{
    struct loader L;
    struct odt_catalog_options o;
    if (!out)
        return ODT_ERR_STATE;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.strict = strict;
    o.skipped = diag;
    o.ctx = ctx;
    loader_init(&L, name, &o, 1, out, NULL, 0);
    return loader_finish(&L, load_text(&L, text, len, fmt));
}

enum odt_status odt_catalog_load(const char *path, enum odt_catalog_format fmt, int strict,
                                 odt_diag_fn diag, void *ctx, struct odt_catalog *out)
{
    struct loader L;
    struct odt_catalog_options o;
    char *text = NULL, why[300];
    size_t len = 0;
    enum odt_status st;

    if (!out)
        return ODT_ERR_STATE;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.strict = strict;
    o.skipped = diag;
    o.ctx = ctx;
    loader_init(&L, path ? path : "", &o, 1, out, NULL, 0);
    if (!path) {
        report(&L, 0, "no catalogue file given");
        return ODT_ERR_IO;
    }
    st = odt_textfile_read(path, "catalogue file", ODT_CATALOG_MAX_BYTES, &text, &len, why, sizeof why);
    if (st != ODT_OK) {
        report(&L, 0, "%s", why);
        return st;
    }
    st = loader_finish(&L, load_text(&L, text, len, fmt));
    free(text);
    return st;
}

void odt_catalog_print_skipped(void *ctx, const char *file, int line, const char *msg)
{
    char text[1024];
    (void)ctx;
    if (line > 0)
        snprintf(text, sizeof text, "odtwin: warning: %s:%d: %s (entry skipped)", file, line, msg);
    else
        snprintf(text, sizeof text, "odtwin: warning: %s: %s (entry skipped)", file, msg);
    odt_text_one_line(text);
    fprintf(stderr, "%s\n", text);
}

void odt_catalog_free(struct odt_catalog *c)
{
    if (!c)
        return;
    free(c->entries);
    free(c->info);
    memset(c, 0, sizeof *c);
}
