/* launch.c: launch schedules, slot filling, replacement and representative satellites (host/launch.h). */
#include "host/launch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void odt_launch_plan_free(struct odt_launch_plan *plan)
{
    free(plan->sat);
    free(plan->launch);
    memset(plan, 0, sizeof *plan);
}

/* Growing arrays of the plan. */
static int push_sat(struct odt_launch_plan *p, size_t *cap, const struct odt_plan_sat *s)
{
    if (p->n_sat == *cap) {
        const size_t nc = *cap ? 2 * *cap : 1024;
        void *q = realloc(p->sat, nc * sizeof *p->sat);
        if (!q)
            return 0;
        p->sat = q;
        *cap = nc;
    }
    p->sat[p->n_sat++] = *s;
    return 1;
}

/* The m representatives of a cohort of C satellites at slot indices idx[0..C-1] (ordered), or all of them
   when m is 0: member floor((j + 1/2) C / m), weights C / m plus one for the first C mod m. */
static int emit_cohort(struct odt_launch_plan *p, size_t *cap, const struct odt_shell_spec *sh, const size_t *idx,
                       size_t C, int m, int32_t launch, double t_launch, double life_s)
{
    const size_t S = (size_t)sh->slots;
    const size_t r = m > 0 && (size_t)m < C ? (size_t)m : C;
    for (size_t j = 0; j < r; ++j) {
        const size_t member = r == C ? j : (size_t)floor(((double)j + 0.5) * (double)C / (double)r);
        struct odt_plan_sat s;
        s.plane = (int32_t)(idx[member] / S);
        s.slot = (int32_t)(idx[member] % S);
        s.launch = launch;
        s.launch_s = t_launch;
        s.retire_s = t_launch + life_s;
        s.weight = (double)(C / r + (j < C % r ? 1 : 0));
        if (!push_sat(p, cap, &s))
            return 0;
        p->satellites += s.weight;
    }
    return 1;
}

static int cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* A binary min-heap of occupied slots keyed by their satellite's retirement. */
struct heap {
    double *key;
    size_t *idx;
    size_t n;
};
static void heap_push(struct heap *h, double key, size_t idx)
{
    size_t k = h->n++;
    while (k > 0) {
        const size_t up = (k - 1) / 2;
        if (h->key[up] <= key)
            break;
        h->key[k] = h->key[up];
        h->idx[k] = h->idx[up];
        k = up;
    }
    h->key[k] = key;
    h->idx[k] = idx;
}
static size_t heap_pop(struct heap *h)
{
    const size_t top = h->idx[0];
    const double key = h->key[--h->n];
    const size_t idx = h->idx[h->n];
    size_t k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->key[c + 1] < h->key[c])
            ++c;
        if (key <= h->key[c])
            break;
        h->key[k] = h->key[c];
        h->idx[k] = h->idx[c];
        k = c;
    }
    if (h->n > 0) {
        h->key[k] = key;
        h->idx[k] = idx;
    }
    return top;
}

/* The launch times of the schedule within [0, duration_s): *n of them into *t (malloc'd). */
static enum odt_status launch_times(const char *file, const struct odt_launch_spec *L, double duration_s, double **t,
                                    size_t *n, char *err, size_t errlen)
{
    *t = NULL;
    *n = 0;
    size_t count = 0;
    if (L->n_list > 0) {
        for (size_t q = 0; q < L->n_list; ++q)
            count += L->list[q].t_s < duration_s;
    } else {
        for (double x = L->first_s; x < duration_s; ++count) {
            if (count >= ODT_LAUNCH_MAX_LAUNCHES) {
                snprintf(err, errlen, "%s:%d: the launch schedule has more than %d launches within the run", file,
                         L->line_per_year, ODT_LAUNCH_MAX_LAUNCHES);
                return ODT_ERR_VALUE;
            }
            const double y = floor((x - L->first_s) / ODT_SEC_PER_YEAR);
            const int k = y < (double)L->n_per_year ? (int)y : L->n_per_year - 1;
            x += ODT_SEC_PER_YEAR / L->per_year[k];
        }
    }
    *t = malloc(sizeof **t * (count ? count : 1));
    if (!*t) {
        snprintf(err, errlen, "%s:%d: out of memory for %zu launches", file, L->line, count);
        return ODT_ERR_NOMEM;
    }
    if (L->n_list > 0) {
        for (size_t q = 0; q < L->n_list; ++q)
            if (L->list[q].t_s < duration_s)
                (*t)[(*n)++] = L->list[q].t_s;
    } else {
        double x = L->first_s;
        for (size_t q = 0; q < count; ++q) {
            (*t)[(*n)++] = x;
            const double y = floor((x - L->first_s) / ODT_SEC_PER_YEAR);
            const int k = y < (double)L->n_per_year ? (int)y : L->n_per_year - 1;
            x += ODT_SEC_PER_YEAR / L->per_year[k];
        }
    }
    return ODT_OK;
}

/* Satellites a launch carries: its own count, its payload, the schedule's count or the schedule's payload. */
static long per_launch(const struct odt_launch_spec *L, const struct odt_launch_item *it, double mass_kg)
{
    if (it && it->satellites > 0)
        return it->satellites;
    if (it && it->payload_kg > 0.0)
        return isfinite(mass_kg) && mass_kg > 0.0 ? (long)floor(it->payload_kg / mass_kg) : -1;
    if (L->satellites_per_launch > 0)
        return L->satellites_per_launch;
    return isfinite(mass_kg) && mass_kg > 0.0 ? (long)floor(L->payload_kg / mass_kg) : -1;
}

enum odt_status odt_launch_plan_build(const char *file, const struct odt_shell_spec *sh, double duration_s,
                                      double sat_mass_kg, struct odt_launch_plan *plan, char *err, size_t errlen)
{
    memset(plan, 0, sizeof *plan);
    const size_t P = (size_t)sh->planes, S = (size_t)sh->slots, N = P * S;
    const double life = sh->sat.design_life_s;
    const int m = sh->represent_per != ODT_REPRESENT_NONE ? sh->represent_count : 0;
    size_t cap = 0;
    size_t *idx = malloc(sizeof *idx * (N ? N : 1));
    if (!idx)
        goto nomem;

    if (!sh->launch.given) { /* in orbit at the epoch: cohorts are planes (per: plane) or single satellites */
        for (size_t p = 0; p < P; ++p) {
            for (size_t q = 0; q < S; ++q)
                idx[q] = p * S + q;
            if (!emit_cohort(plan, &cap, sh, idx, S, m, -1, 0.0, life))
                goto nomem;
        }
        free(idx);
        return ODT_OK;
    }

    const struct odt_launch_spec *L = &sh->launch;
    for (size_t q = 0; q <= L->n_list; ++q) { /* every launch must carry at least one satellite */
        const struct odt_launch_item *it = q < L->n_list ? &L->list[q] : NULL;
        if (!it && L->n_list > 0)
            break;
        const long k = per_launch(L, it, sat_mass_kg);
        const int line = it ? it->line : L->line_payload;
        if (k < 0) {
            snprintf(err, errlen, "%s:%d: fleet entry '%s': the satellite mass is not known: give "
                     "satellites_per_launch", file, line, sh->name);
            free(idx);
            return ODT_ERR_VALUE;
        }
        if (k == 0) {
            snprintf(err, errlen, "%s:%d: fleet entry '%s': a payload of %g kg per launch is less than one satellite "
                     "of %.1f kg", file, line, sh->name, it && it->payload_kg > 0.0 ? it->payload_kg : L->payload_kg,
                     sat_mass_kg);
            free(idx);
            return ODT_ERR_VALUE;
        }
        plan->per_launch = it ? 0 : (int)k;
    }
    double *times = NULL;
    size_t nt = 0;
    enum odt_status st = launch_times(file, L, duration_s, &times, &nt, err, errlen);
    if (st != ODT_OK) {
        free(idx);
        return st;
    }
    plan->launch = malloc(sizeof *plan->launch * (nt ? nt : 1));
    struct heap h = {malloc(sizeof(double) * (N ? N : 1)), malloc(sizeof(size_t) * (N ? N : 1)), 0};
    size_t *fill = calloc(P ? P : 1, sizeof *fill); /* slots taken per plane (round robin) */
    size_t *placed = malloc(sizeof *placed * (N ? N : 1));
    if (!plan->launch || !h.key || !h.idx || !fill || !placed) {
        free(times), free(h.key), free(h.idx), free(fill), free(placed);
        goto nomem;
    }
    size_t next_empty = 0, empty = N, next_plane = 0;
    /* per: launch with a window: the slots of the launches of one window, their satellite-weighted mean time */
    const double window = sh->represent_per == ODT_REPRESENT_LAUNCH ? sh->represent_window_s : 0.0;
    size_t *pool = window > 0.0 ? malloc(sizeof *pool * (N ? N : 1)) : NULL;
    size_t n_pool = 0;
    double pool_t0 = 0.0, pool_tsum = 0.0;
    int32_t pool_launch = -1;
    if (window > 0.0 && !pool) {
        free(times), free(h.key), free(h.idx), free(fill), free(placed);
        goto nomem;
    }
    for (size_t q = 0; q <= nt; ++q) {
        if (window > 0.0 && n_pool > 0 && (q == nt || times[q] >= pool_t0 + window)) {
            const double t_mean = pool_tsum / (double)n_pool;
            for (size_t k = 0; k < n_pool && L->replace; ++k) /* the slots free up when their representative retires */
                heap_push(&h, t_mean + life, pool[k]);
            qsort(pool, n_pool, sizeof *pool, cmp_size);
            if (!emit_cohort(plan, &cap, sh, pool, n_pool, m, pool_launch, t_mean, life))
                goto nomem_all;
            n_pool = 0;
        }
        if (q == nt)
            break;
        const double t = times[q];
        const long want = per_launch(L, L->n_list > 0 ? &L->list[q] : NULL, sat_mass_kg);
        size_t np = 0, replacing = 0;
        while ((long)np < want && empty > 0) {
            size_t slot;
            if (sh->launch.fill == ODT_FILL_ROUND_ROBIN) {
                size_t p = next_plane;
                while (fill[p] == S)
                    p = (p + 1) % P;
                slot = p * S + fill[p]++;
                next_plane = p; /* the rest of this launch goes on filling the same plane */
            } else {
                slot = next_empty++;
            }
            --empty;
            placed[np++] = slot;
        }
        while ((long)np < want && L->replace && h.n > 0 && h.key[0] <= t) {
            placed[np++] = heap_pop(&h);
            ++replacing;
        }
        if (sh->launch.fill == ODT_FILL_ROUND_ROBIN && P > 0)
            next_plane = (next_plane + 1) % P; /* the next launch starts on the next plane */
        if (np == 0) {
            ++plan->not_flown;
            continue;
        }
        const int32_t li = (int32_t)plan->n_launch++;
        struct odt_plan_launch *pl = &plan->launch[li];
        pl->t_s = t;
        pl->satellites = (int32_t)np;
        pl->replacing = (int32_t)replacing;
        pl->mass_kg = isfinite(sat_mass_kg) ? (double)np * sat_mass_kg : NAN;
        if (window > 0.0) {
            if (n_pool == 0)
                pool_t0 = t, pool_tsum = 0.0, pool_launch = li;
            memcpy(pool + n_pool, placed, np * sizeof *placed);
            n_pool += np;
            pool_tsum += (double)np * t;
            continue;
        }
        for (size_t k = 0; k < np && L->replace; ++k)
            heap_push(&h, t + life, placed[k]);
        qsort(placed, np, sizeof *placed, cmp_size);
        if (sh->represent_per == ODT_REPRESENT_PLANE) {
            for (size_t a = 0; a < np;) {
                size_t b = a;
                while (b < np && placed[b] / S == placed[a] / S)
                    ++b;
                if (!emit_cohort(plan, &cap, sh, placed + a, b - a, m, li, t, life))
                    goto nomem_all;
                a = b;
            }
        } else if (!emit_cohort(plan, &cap, sh, placed, np, m, li, t, life)) {
            goto nomem_all;
        }
        continue;
    nomem_all:
        free(times), free(h.key), free(h.idx), free(fill), free(placed), free(pool);
        goto nomem;
    }
    free(times), free(h.key), free(h.idx), free(fill), free(placed), free(pool);
    free(idx);
    return ODT_OK;
nomem:
    free(idx);
    odt_launch_plan_free(plan);
    snprintf(err, errlen, "%s:%d: out of memory planning the launches of fleet entry '%s'", file,
             sh->line > 0 ? sh->line : 1, sh->name);
    return ODT_ERR_NOMEM;
}
