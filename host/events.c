/* events.c: pairing eclipse entries and exits into intervals. */
#include "host/events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "orbit/eclipse.h"

void odt_eclipse_tracker_free(struct odt_eclipse_tracker *t)
{
    free(t->umbra_start);
    free(t->shadow_start);
    free(t->umbra_cut);
    free(t->shadow_cut);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

enum odt_status odt_eclipse_tracker_init(struct odt_eclipse_tracker *t, const struct odt_fleet *f, int conical,
                                         double t0_s)
{
    memset(t, 0, sizeof *t);
    t->n = f->n;
    t->conical = conical;
    const size_t n = f->n ? f->n : 1;
    t->umbra_start = malloc(sizeof(double) * n);
    t->shadow_start = malloc(sizeof(double) * n);
    t->umbra_cut = calloc(n, 1);
    t->shadow_cut = calloc(n, 1);
    if (!t->umbra_start || !t->shadow_start || !t->umbra_cut || !t->shadow_cut) {
        odt_eclipse_tracker_free(t);
        return ODT_ERR_NOMEM;
    }
    for (size_t i = 0; i < f->n; ++i) {
        const int active = f->status[i] == 0;
        t->umbra_start[i] = active && f->illumination[i] <= 0.0 ? t0_s : NAN;
        t->shadow_start[i] = active && f->illumination[i] < 1.0 ? t0_s : NAN;
        t->umbra_cut[i] = !isnan(t->umbra_start[i]);
        t->shadow_cut[i] = !isnan(t->shadow_start[i]);
    }
    for (int k = 0; k < 3; ++k)
        t->longest_sat[k] = -1;
    return ODT_OK;
}

void odt_eclipse_tracker_count(struct odt_eclipse_tracker *t, int32_t satellite, int32_t kind, double start_s,
                               double end_s, int complete)
{
    if (!complete || kind < 1 || kind > 2)
        return;
    const double d = end_s - start_s;
    t->count[kind]++;
    t->total_s[kind] += d;
    if (d > t->longest_s[kind]) {
        t->longest_s[kind] = d;
        t->longest_sat[kind] = satellite;
        t->longest_start_s[kind] = start_s;
    }
}

static enum odt_status emit(struct odt_eclipse_tracker *t, size_t i, int kind, double start, double end, int cut)
{
    if (t->n_rows == t->cap_rows) {
        const size_t cap = t->cap_rows ? 2 * t->cap_rows : 1024;
        struct odt_eclipse_row *r = realloc(t->rows, sizeof *r * cap);
        if (!r)
            return ODT_ERR_NOMEM;
        t->rows = r;
        t->cap_rows = cap;
    }
    struct odt_eclipse_row *r = &t->rows[t->n_rows++];
    r->satellite = (int32_t)i;
    r->kind = kind;
    r->start_s = start;
    r->end_s = end;
    r->complete = !cut;
    odt_eclipse_tracker_count(t, (int32_t)i, kind, start, end, !cut);
    return ODT_OK;
}

/* One satellite's open interval of a kind closes at `end`. */
static enum odt_status close_interval(struct odt_eclipse_tracker *t, size_t i, int kind, double end, int cut_end)
{
    double *start = kind == ODT_ECLIPSE_UMBRA ? &t->umbra_start[i] : &t->shadow_start[i];
    unsigned char *cut = kind == ODT_ECLIPSE_UMBRA ? &t->umbra_cut[i] : &t->shadow_cut[i];
    if (isnan(*start))
        return ODT_OK; /* an exit without its entry (a grazing pass resolved differently at the two ends) */
    enum odt_status st = ODT_OK;
    if (kind == ODT_ECLIPSE_UMBRA || t->conical)
        st = emit(t, i, kind, *start, end, *cut || cut_end);
    *start = NAN;
    *cut = 0;
    return st;
}

enum odt_status odt_eclipse_tracker_collect(struct odt_eclipse_tracker *t, const struct odt_fleet *f)
{
    const size_t n = f->n;
    for (size_t i = 0; i < n; ++i) {
        const int count = f->eclipse_count[i];
        for (int e = 0; e < count; ++e) {
            const int kind = f->eclipse_kind[(size_t)e * n + i];
            const double when = f->eclipse_time[(size_t)e * n + i];
            if ((kind & ODT_ECL_PENUMBRA_ENTRY) && isnan(t->shadow_start[i]))
                t->shadow_start[i] = when;
            if ((kind & ODT_ECL_UMBRA_ENTRY) && isnan(t->umbra_start[i]))
                t->umbra_start[i] = when;
            enum odt_status st = ODT_OK;
            if (kind & ODT_ECL_UMBRA_EXIT)
                st = close_interval(t, i, ODT_ECLIPSE_UMBRA, when, 0);
            if (st == ODT_OK && (kind & ODT_ECL_PENUMBRA_EXIT))
                st = close_interval(t, i, ODT_ECLIPSE_SHADOW, when, 0);
            if (st != ODT_OK)
                return st;
        }
    }
    return ODT_OK;
}

enum odt_status odt_eclipse_tracker_finish(struct odt_eclipse_tracker *t, double t_end_s)
{
    for (size_t i = 0; i < t->n; ++i) {
        enum odt_status st = close_interval(t, i, ODT_ECLIPSE_UMBRA, t_end_s, 1);
        if (st == ODT_OK)
            st = close_interval(t, i, ODT_ECLIPSE_SHADOW, t_end_s, 1);
        if (st != ODT_OK)
            return st;
    }
    return ODT_OK;
}

void odt_eclipse_tracker_clear_rows(struct odt_eclipse_tracker *t) { t->n_rows = 0; }

enum odt_status odt_rel_rows_collect(const struct odt_fleet *f, struct odt_rel_row **rows, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < f->n; ++i)
        for (int e = 0; e < f->rel_count[i]; ++e) {
            if (*n == *cap) {
                const size_t c = *cap ? 2 * *cap : 256;
                struct odt_rel_row *r = realloc(*rows, sizeof *r * c);
                if (!r)
                    return ODT_ERR_NOMEM;
                *rows = r;
                *cap = c;
            }
            struct odt_rel_row *r = &(*rows)[(*n)++];
            const size_t at = (size_t)e * f->n + i;
            r->satellite = (int32_t)i;
            r->kind = f->rel_kind[at];
            r->number = f->rel_number[at];
            r->t_s = f->rel_time[at];
        }
    return ODT_OK;
}
