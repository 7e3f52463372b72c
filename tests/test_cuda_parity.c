/*
 * test_cuda_parity.c: the CUDA backend against the OpenMP backend.
 *
 * Both backends run the same odt_sat_advance on the same fleet and inputs; the
 * CUDA build contracts a*b+c into FMAs and uses CUDA's libm (sin, acos, pow),
 * so results agree to rounding, not bit for bit. Every STATE and OUT field is
 * compared (walking odt_fleet_fields, so a new field is compared without
 * touching this file) with these tolerances:
 *
 *   position (km)              |d| <= 1e-6 km
 *   velocity (km s-1)          |d| <= 1e-9 km/s
 *   temperature (K)            |d| <= 1e-6 K
 *   powers (W)                 |d| <= 1e-6 x max(|cpu|, |gpu|) + F x (largest |cpu| of the field)
 *   energies (J), times (s)    |d| <= 1e-9 x max(|cpu|, |gpu|) + F x (largest |cpu| of the field)
 *   fleet energy totals        |d| <= 1e-9 x total
 *   integer fields             equal
 *   illumination, cylindrical  equal, except for a satellite that came within 1e-6 km of the
 *                              shadow cylinder at some step: the model is a step function of
 *                              position, positions agree only to ~1e-6 km, so on that step the
 *                              two backends may legitimately see 0 and 1, and from then on that
 *                              satellite's power, battery and thermal history differ. Such a
 *                              satellite is compared afterwards on its orbit alone (position,
 *                              velocity); the test requires that there are few of them.
 *   illumination, conical      |d| <= 1e-7: continuous in position, but the penumbra fraction is
 *                              the overlap of two disks, acos of arguments near 1 divided by the
 *                              Sun's disk (pi a^2 ~ 7e-5 rad^2), which amplifies rounding ~1e7-fold:
 *                              each backend's own value carries ~1e-9 of rounding noise there
 *                              (measured 1.2e-9 between an FMA and a non-FMA CPU build).
 *
 * F, a floor relative to the largest value of the field, keeps the bound
 * meaningful for values that rounding leaves near zero (curtailed power when a
 * battery just filled): F = 1e-9 with the cylindrical model; with the conical
 * model the penumbra noise passes into the powers (F = 1e-7, the illumination
 * bound times the full power) and, over the few penumbra steps, into energies
 * and times (F = 1e-8).
 *
 * Without a CUDA build or a device, main() prints "SKIP: ..." and exits 77,
 * which CTest reports as skipped.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/scenario.h"
#include "kernels/backend.h"

#define CHUNK 60            /* steps per advance() on the device, as a 10 min snapshot interval at 10 s */
#define NEAR_BOUNDARY_KM 1e-6
#define ILLUM_TOL_CONICAL 1e-7 /* see the table above */

/* The default scenario's fleet and satellite, plus a 53 deg walker shell that sees eclipses: 4000 satellites. */
static const char *parity_text(const char *shadow)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "name: cuda-parity\n"
             "epoch: 2026-06-21T00:00:00Z\n"
             "duration_s: 3600\n"
             "step_s: 10\n"
             "snapshot_interval_s: 600\n"
             "seed: 20260621\n"
             "shadow: %s\n"
             "fleet:\n"
             "  - name: dawn-dusk-650\n"
             "    source: sso\n"
             "    altitude_km: 650\n"
             "    ltan_h: 18.0\n"
             "    ltan_spread_h: 1.0\n"
             "    planes: 60\n"
             "    slots: 50\n"
             "    phasing: 1\n"
             "  - name: walker-550\n"
             "    source: walker\n"
             "    altitude_km: 550\n"
             "    eccentricity: 0.0005\n"
             "    inclination_deg: 53\n"
             "    planes: 20\n"
             "    slots: 50\n"
             "    phasing: 7\n",
             shadow);
    return buf;
}

struct setup {
    struct odt_scenario sc;
    struct odt_fleet init;
    struct odt_fleet_meta meta;
    struct odt_step_input *in; /* in[0]: epoch, dt = 0; in[1..steps] */
    long steps;
    int ndl;                   /* downloads: the epoch, then one per CHUNK steps */
};

static void setup_init(struct setup *s, const char *text)
{
    char err[1024];
    cr_assert_eq(odt_scenario_load_text("cuda-parity.yaml", text, strlen(text), &s->sc, err, sizeof err), ODT_OK,
                 "%s", err);
    cr_assert_eq(odt_fleet_build(&s->sc, &s->init, &s->meta, err, sizeof err), ODT_OK, "%s", err);
    s->steps = odt_scenario_steps(&s->sc);
    s->in = malloc(sizeof *s->in * (size_t)(s->steps + 1));
    odt_step_input_at(&s->sc.epoch, 0.0, 0.0, &s->in[0]);
    s->in[0].init_events = 1;
    for (long k = 1; k <= s->steps; ++k)
        odt_step_input_at(&s->sc.epoch, (double)k * s->sc.step_s, s->sc.step_s, &s->in[k]);
    s->ndl = 1 + (int)((s->steps + CHUNK - 1) / CHUNK);
}

static void setup_free(struct setup *s)
{
    free(s->in);
    odt_fleet_free(&s->init);
    odt_fleet_meta_free(&s->meta);
    odt_scenario_free(&s->sc);
}

static struct odt_backend *make_backend(const struct odt_backend_ops *ops, const struct setup *s, int max_steps)
{
    struct odt_backend_config c;
    odt_backend_config_init(&c, &s->sc, &s->init, &s->meta, max_steps, 0);
    c.max_series = max_steps;
    c.sub_steps = 60;
    struct odt_backend *b = NULL;
    char err[512] = "";
    cr_assert_eq(ops->create(&b, &c, err, sizeof err), ODT_OK, "%s backend: %s", ops->name, err);
    cr_assert_eq(ops->upload(b, &s->init), ODT_OK, "%s upload: %s", ops->name, ops->last_error(b));
    return b;
}

/* Every STATE and OUT field of the backend into out (component-major, as the fleet holds them), through the
   masked download in each field's C type. */
static void download_into(const struct odt_backend_ops *ops, struct odt_backend *b, size_t n, struct odt_fleet *out)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        if (fi[k].role != ODT_FIELD_STATE && fi[k].role != ODT_FIELD_OUT)
            continue;
        const size_t bytes = n * (size_t)fi[k].ncomp * fi[k].elem_size;
        void *buf = ops->host_alloc(b, bytes);
        cr_assert_not_null(buf);
        struct odt_download req = {1, &k, NULL, 0};
        void *dst[1] = {buf};
        cr_assert_eq(ops->download(b, &req, dst), ODT_OK, "%s download: %s", ops->name, ops->last_error(b));
        cr_assert_eq(ops->download_wait(b), ODT_OK);
        char *to = odt_fleet_field_ptr(out, &fi[k]);
        const size_t es = fi[k].elem_size;
        for (size_t i = 0; i < n; ++i)
            for (int c = 0; c < fi[k].ncomp; ++c)
                memcpy(to + ((size_t)c * n + i) * es, (char *)buf + (i * (size_t)fi[k].ncomp + (size_t)c) * es, es);
        ops->host_free(b, buf);
    }
}

static void download(const struct odt_backend_ops *ops, struct odt_backend *b, const struct setup *s,
                     struct odt_fleet *out)
{
    cr_assert_eq(odt_fleet_alloc(out, s->init.n), ODT_OK);
    odt_fleet_copy(out, &s->init, 1u << ODT_FIELD_PARAM);
    download_into(ops, b, s->init.n, out);
}

/* The events of a backend so far, sorted by (time, satellite, kind), into a malloc'd array. */
static int cmp_row(const void *x, const void *y)
{
    const struct odt_event_row *a = x, *b = y;
    if (a->t1_s != b->t1_s)
        return a->t1_s < b->t1_s ? -1 : 1;
    if (a->satellite != b->satellite)
        return a->satellite < b->satellite ? -1 : 1;
    return a->kind - b->kind;
}

static struct odt_event_row *take_rows(const struct odt_backend_ops *ops, struct odt_backend *b,
                                       struct odt_event_row *acc, size_t *n)
{
    const struct odt_event_row *rows = NULL;
    size_t m = 0;
    cr_assert_eq(ops->collect_events(b, &rows, &m), ODT_OK, "%s", ops->last_error(b));
    acc = realloc(acc, sizeof *acc * (*n + m + 1));
    memcpy(acc + *n, rows, sizeof *rows * m);
    *n += m;
    return acc;
}

/* What the reductions, the event compaction and the masked download give at the end of a run. */
struct ends {
    double totals[ODT_TV_N];
    double series[ODT_SV_N]; /* the last step's row */
    struct odt_event_row *rows;
    size_t n_rows;
    float *temp32;           /* payload temperature of the subset, float32 */
};

static void take_ends(const struct odt_backend_ops *ops, struct odt_backend *b, const struct setup *s,
                      const double *last_row, struct ends *e)
{
    /* fleet totals and the fleet row: summed over classes (minima and maxima combined) */
    const int nc = s->meta.n_classes;
    double *t = malloc(sizeof(double) * (size_t)nc * ODT_TV_N);
    cr_assert_eq(ops->reduce(b, t), ODT_OK, "%s", ops->last_error(b));
    for (int v = 0; v < ODT_TV_N; ++v) {
        e->totals[v] = 0.0;
        for (int c = 0; c < nc; ++c)
            e->totals[v] += t[(size_t)c * ODT_TV_N + v];
    }
    free(t);
    odt_series_init_row(e->series, 1);
    for (int c = 0; c < nc; ++c)
        odt_series_merge(e->series, last_row + (size_t)c * ODT_SV_N, 1);
    cr_assert_eq(ops->close_events(b, (double)s->steps * s->sc.step_s), ODT_OK, "%s", ops->last_error(b));
    e->rows = take_rows(ops, b, e->rows, &e->n_rows);
    qsort(e->rows, e->n_rows, sizeof *e->rows, cmp_row);
    const size_t m = (s->init.n + 2) / 3;
    int32_t *idx = malloc(sizeof *idx * m);
    for (size_t j = 0; j < m; ++j)
        idx[j] = (int32_t)(s->init.n - 1 - 3 * j); /* every third satellite, from the last */
    cr_assert_eq(ops->set_subset(b, idx, m), ODT_OK, "%s", ops->last_error(b));
    free(idx);
    const int f_temp = odt_fleet_field_index("temperature", 0);
    const enum odt_storage st = ODT_STORE_F32;
    struct odt_download req = {1, &f_temp, &st, 1};
    void *buf = ops->host_alloc(b, sizeof(float) * m);
    void *dst[1] = {buf};
    cr_assert_eq(ops->download(b, &req, dst), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->download_wait(b), ODT_OK);
    e->temp32 = malloc(sizeof(float) * m);
    memcpy(e->temp32, buf, sizeof(float) * m);
    ops->host_free(b, buf);
}

/* The CUDA backend: the epoch, then CHUNK steps per launch (a series row every step); out[0..ndl-1]. */
static void run_cuda(const struct setup *s, struct odt_fleet *out, struct ends *e)
{
    const struct odt_backend_ops *ops = odt_backend_cuda_ops();
    struct odt_backend *b = make_backend(ops, s, CHUNK);
    const size_t row = (size_t)s->meta.n_classes * ODT_SV_N;
    double *series = malloc(sizeof(double) * CHUNK * row);
    cr_assert_eq(ops->advance(b, &s->in[0], 1, series), ODT_OK, "%s", ops->last_error(b));
    download(ops, b, s, &out[0]);
    struct odt_step_input *x = malloc(sizeof *x * CHUNK);
    double *last = malloc(sizeof(double) * row);
    int d = 1;
    for (long done = 0; done < s->steps; ++d) {
        const int k = (int)(s->steps - done < CHUNK ? s->steps - done : CHUNK);
        for (int q = 0; q < k; ++q) {
            x[q] = s->in[1 + done + q];
            x[q].series_slot = q;
        }
        cr_assert_eq(ops->advance(b, x, k, series), ODT_OK, "cuda advance: %s", ops->last_error(b));
        if (e && done + k == s->steps)
            memcpy(last, series + (size_t)(k - 1) * row, sizeof(double) * row);
        done += k;
        download(ops, b, s, &out[d]);
        if (e)
            e->rows = take_rows(ops, b, e->rows, &e->n_rows);
    }
    cr_assert_eq(d, s->ndl);
    if (e)
        take_ends(ops, b, s, last, e);
    free(last);
    free(x);
    free(series);
    ops->destroy(b);
}

/*
 * The OpenMP reference, one step per advance() so that every step's position
 * can be checked against the shadow cylinder: near[i] receives the first step
 * after which satellite i came within NEAR_BOUNDARY_KM of it (LONG_MAX: never).
 * out[d] is the state after d x CHUNK steps, as run_cuda gives it.
 */
static void run_cpu(const struct setup *s, struct odt_fleet *out, long *near, struct ends *e)
{
    const struct odt_backend_ops *ops = &odt_backend_cpu;
    struct odt_backend *b = make_backend(ops, s, 1);
    const size_t n = s->init.n;
    struct odt_fleet cur;
    cr_assert_eq(odt_fleet_alloc(&cur, n), ODT_OK);
    for (size_t i = 0; i < n; ++i)
        near[i] = LONG_MAX;
    double *row = malloc(sizeof(double) * (size_t)s->meta.n_classes * ODT_SV_N);
    int d = 0;
    for (long step = 0; step <= s->steps; ++step) {
        struct odt_step_input x = s->in[step];
        x.series_slot = 0;
        cr_assert_eq(ops->advance(b, &x, 1, row), ODT_OK, "%s", ops->last_error(b));
        download_into(ops, b, n, &cur);
        const double *su = s->in[step].sun_unit;
        for (size_t i = 0; i < n; ++i) {
            const double r[3] = {cur.position[i], cur.position[n + i], cur.position[2 * n + i]};
            const double dd = r[0] * su[0] + r[1] * su[1] + r[2] * su[2];
            if (dd >= 0.0)
                continue; /* day side: lit by either backend, whatever the rounding */
            const double px = r[0] - dd * su[0], py = r[1] - dd * su[1], pz = r[2] - dd * su[2];
            const double rho = sqrt(px * px + py * py + pz * pz);
            if (fabs(rho - ODT_EARTH_RADIUS_KM) < NEAR_BOUNDARY_KM && near[i] == LONG_MAX)
                near[i] = step;
        }
        if (step % CHUNK == 0 || step == s->steps) {
            download(ops, b, s, &out[d]);
            ++d;
        }
    }
    cr_assert_eq(d, s->ndl);
    if (e)
        take_ends(ops, b, s, row, e);
    free(row);
    odt_fleet_free(&cur);
    ops->destroy(b);
}

/*
 * The reductions, the event compaction and the masked download against the CPU's: totals and the last series
 * row within a relative 1e-6 (GPU sums use atomics in another order; a satellite whose illumination history
 * may differ near a shadow boundary is excused by widening the count tolerances by `excused`), the same event
 * rows (kind, satellite) with times within 1e-2 s, and the float32 subset download within float rounding.
 */
static void compare_ends(const struct ends *a, const struct ends *g, size_t m, int excused)
{
    static const int exact[] = {ODT_TV_N_INACTIVE, ODT_TV_ACCEL_FAILED, ODT_TV_RESTARTS, ODT_TV_EVENTS_LOST};
    for (size_t q = 0; q < sizeof exact / sizeof exact[0]; ++q)
        cr_assert_eq(a->totals[exact[q]], g->totals[exact[q]], "total %d: cpu %g, cuda %g", exact[q],
                     a->totals[exact[q]], g->totals[exact[q]]);
    const double slack = 1e-6 + (double)excused * 0.05;
    for (int v = ODT_TV_ENERGY_SOLAR; v <= ODT_TV_ELAPSED_TIME; ++v)
        cr_assert(fabs(a->totals[v] - g->totals[v]) <= slack * fabs(a->totals[v]) + 1e-9, "total %d: cpu %.12g, "
                  "cuda %.12g", v, a->totals[v], g->totals[v]);
    for (int v = 0; v < ODT_SV_N; ++v)
        if (isfinite(a->series[v]) || isfinite(g->series[v]))
            cr_assert(fabs(a->series[v] - g->series[v]) <= slack * fabs(a->series[v]) + 1e-6 + (double)excused,
                      "series %d: cpu %.12g, cuda %.12g", v, a->series[v], g->series[v]);
    if (!excused) {
        cr_assert_eq(a->n_rows, g->n_rows, "event rows: cpu %zu, cuda %zu", a->n_rows, g->n_rows);
        for (size_t q = 0; q < a->n_rows; ++q) {
            cr_assert(a->rows[q].kind == g->rows[q].kind && a->rows[q].satellite == g->rows[q].satellite &&
                          a->rows[q].number == g->rows[q].number,
                      "event row %zu differs", q);
            cr_assert(fabs(a->rows[q].t0_s - g->rows[q].t0_s) <= 1e-2 && fabs(a->rows[q].t1_s - g->rows[q].t1_s) <= 1e-2,
                      "event row %zu: times %.6f..%.6f vs %.6f..%.6f", q, a->rows[q].t0_s, a->rows[q].t1_s,
                      g->rows[q].t0_s, g->rows[q].t1_s);
        }
    } else {
        const double diff = fabs((double)a->n_rows - (double)g->n_rows);
        cr_assert_leq(diff, 2.0 * excused, "event rows: cpu %zu, cuda %zu", a->n_rows, g->n_rows);
    }
    for (size_t j = 0; j < m; ++j)
        cr_assert(fabs(a->temp32[j] - g->temp32[j]) <= 1e-5f * fabs(a->temp32[j]) + (excused ? 50.0f : 0.0f),
                  "float32 subset %zu: %.9g vs %.9g", j, a->temp32[j], g->temp32[j]);
}

static void ends_free(struct ends *e)
{
    free(e->rows);
    free(e->temp32);
}

/* Tolerance of field f: |d| <= rel x max(|a|, |b|) + abs_frac x scale + abs. */
struct tol {
    double rel, abs_frac, abs;
    int orbit_only; /* compared even for a satellite whose illumination history may differ */
};

static struct tol field_tol(const struct odt_field_info *f, int shadow_model)
{
    struct tol t = {1e-9, 1e-9, 0.0, 0};
    if (!strcmp(f->name, "illumination")) {
        t.rel = t.abs_frac = 0.0;
        t.abs = shadow_model == 2 /* conical */ ? ILLUM_TOL_CONICAL : 0.0;
    } else if (!strcmp(f->units, "km")) {
        t = (struct tol){0.0, 0.0, 1e-6, 1};
    } else if (!strcmp(f->units, "km s-1")) {
        t = (struct tol){0.0, 0.0, 1e-9, 1};
    } else if (!strcmp(f->units, "K")) {
        t = (struct tol){0.0, 0.0, 1e-6, 0};
    } else if (!strcmp(f->units, "W")) {
        t.rel = 1e-6;
        /* in the penumbra a power carries the illumination's rounding noise times the full power */
        if (shadow_model == 2)
            t.abs_frac = ILLUM_TOL_CONICAL;
    }
    if (shadow_model == 2 && (!strcmp(f->units, "J") || !strcmp(f->units, "s")))
        t.abs_frac = 1e-8; /* the same noise integrated over the few penumbra steps */
    if (!strcmp(f->name, "elapsed_time"))
        t.orbit_only = 1; /* the sum of the step lengths, independent of the physics */
    return t;
}

static double value(const struct odt_fleet *fl, const struct odt_field_info *f, size_t e)
{
    const void *p = odt_fleet_field_ptr(fl, f);
    return f->is_int ? (double)((const int32_t *)p)[e] : ((const double *)p)[e];
}

/* Compare download d of both backends; returns the number of satellites excused. */
static size_t compare(const struct setup *s, const struct odt_fleet *cpu, const struct odt_fleet *gpu,
                      const long *near, long after_steps, const char *what)
{
    const size_t n = s->init.n;
    size_t excused = 0;
    for (size_t i = 0; i < n; ++i)
        excused += near[i] <= after_steps;
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        const struct odt_field_info *f = &fi[k];
        if (f->role == ODT_FIELD_PARAM || f->role == ODT_FIELD_EVENT)
            continue; /* events: compared through the states they come from, not slot by slot */
        const struct tol t = field_tol(f, s->sc.shadow_model);
        const size_t count = n * (size_t)f->ncomp;
        double scale = 0.0, worst = 0.0;
        for (size_t e = 0; e < count; ++e)
            scale = fmax(scale, fabs(value(cpu, f, e)));
        double sum_cpu = 0.0, sum_gpu = 0.0, sum_abs = 0.0;
        for (size_t e = 0; e < count; ++e) {
            const size_t i = e % n;
            if (near[i] <= after_steps && !t.orbit_only)
                continue;
            const double a = value(cpu, f, e), b = value(gpu, f, e);
            cr_assert(!isnan(b) || isnan(a), "%s: %s of satellite %zu is NaN on the GPU (CPU %.17g)", what, f->name,
                      i, a);
            if (isnan(a) && isnan(b))
                continue;
            const double diff = fabs(a - b);
            const double tol = f->is_int ? 0.0 : t.rel * fmax(fabs(a), fabs(b)) + t.abs_frac * scale + t.abs;
            cr_assert(diff <= tol,
                      "%s: %s of satellite %zu (component %zu) differs: cpu %.17g, cuda %.17g, |d| = %.3g > %.3g",
                      what, f->name, i, e / n, a, b, diff, tol);
            worst = fmax(worst, diff);
            sum_cpu += a;
            sum_gpu += b;
            sum_abs += fabs(a);
        }
        /* fleet totals of the energies */
        if (f->role == ODT_FIELD_STATE && !strcmp(f->units, "J")) {
            cr_assert(fabs(sum_cpu - sum_gpu) <= 1e-9 * sum_abs, "%s: fleet total of %s: cpu %.17g, cuda %.17g", what,
                      f->name, sum_cpu, sum_gpu);
        }
        if (worst > 0.0)
            cr_log_info("%s: %-18s largest |cpu - cuda| = %.3g %s", what, f->name, worst, f->units);
    }
    return excused;
}

static void parity(const char *shadow)
{
    struct setup s;
    setup_init(&s, parity_text(shadow));
    const size_t n = s.init.n;
    cr_assert_eq(n, 4000);
    struct odt_fleet *cpu = calloc((size_t)s.ndl, sizeof *cpu);
    struct odt_fleet *gpu = calloc((size_t)s.ndl, sizeof *gpu);
    long *near = malloc(sizeof *near * n);
    struct ends ec, eg;
    memset(&ec, 0, sizeof ec);
    memset(&eg, 0, sizeof eg);
    run_cpu(&s, cpu, near, &ec);
    run_cuda(&s, gpu, &eg);

    size_t excused = 0;
    for (int d = 0; d < s.ndl; ++d) {
        const long after = d == s.ndl - 1 ? s.steps : (long)d * CHUNK;
        char what[96];
        snprintf(what, sizeof what, "%s shadow, after %ld steps", shadow, after);
        excused = compare(&s, &cpu[d], &gpu[d], near, after, what);
    }
    if (excused)
        cr_log_warn("%zu satellites came within %g km of the shadow cylinder and were compared on their orbit alone",
                    excused, NEAR_BOUNDARY_KM);
    cr_assert_leq(excused, n / 1000, "%zu satellites excused: the boundary band is too wide to be chance", excused);
    /* reductions, event compaction, masked download */
    compare_ends(&ec, &eg, (n + 2) / 3, (int)excused);
    cr_assert_gt(ec.n_rows, n / 10, "the comparison of events is not vacuous: %zu rows", ec.n_rows);
    ends_free(&ec);
    ends_free(&eg);

    /* the comparison is not vacuous: eclipses happened, batteries discharged, arrays produced */
    const struct odt_fleet *last = &cpu[s.ndl - 1];
    size_t eclipsed = 0, discharged = 0;
    for (size_t i = 0; i < n; ++i) {
        eclipsed += last->sunlit_time[i] < last->elapsed_time[i];
        discharged += last->energy_discharge[i] > 0.0;
    }
    cr_assert_gt(eclipsed, n / 10, "only %zu satellites saw an eclipse", eclipsed);
    cr_assert_gt(discharged, n / 10);

    for (int d = 0; d < s.ndl; ++d) {
        odt_fleet_free(&cpu[d]);
        odt_fleet_free(&gpu[d]);
    }
    free(cpu);
    free(gpu);
    free(near);
    setup_free(&s);
}

Test(cuda_parity, cylindrical_shadow) { parity("cylindrical"); }

Test(cuda_parity, conical_shadow) { parity("conical"); }

Test(cuda_parity, device_runs_are_deterministic)
{
    /* no atomics or reductions in the step: two device runs give the same bits */
    struct setup s;
    setup_init(&s, parity_text("conical"));
    struct odt_fleet *a = calloc((size_t)s.ndl, sizeof *a);
    struct odt_fleet *b = calloc((size_t)s.ndl, sizeof *b);
    run_cuda(&s, a, NULL);
    run_cuda(&s, b, NULL);
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int d = 0; d < s.ndl; ++d)
        for (int k = 0; k < nf; ++k)
            if (fi[k].role != ODT_FIELD_PARAM && fi[k].role != ODT_FIELD_EVENT)
                cr_assert_eq(memcmp(odt_fleet_field_ptr(&a[d], &fi[k]), odt_fleet_field_ptr(&b[d], &fi[k]),
                                    s.init.n * (size_t)fi[k].ncomp * fi[k].elem_size),
                             0, "download %d: %s differs between two identical device runs", d, fi[k].name);
    for (int d = 0; d < s.ndl; ++d) {
        odt_fleet_free(&a[d]);
        odt_fleet_free(&b[d]);
    }
    free(a);
    free(b);
    setup_free(&s);
}

Test(cuda_parity, advance_beyond_max_steps_is_refused)
{
    struct setup s;
    setup_init(&s, parity_text("cylindrical"));
    const struct odt_backend_ops *ops = odt_backend_cuda_ops();
    struct odt_backend *b = make_backend(ops, &s, 4);
    enum odt_status st = ops->advance(b, &s.in[1], 5, NULL);
    cr_assert_neq(st, ODT_OK, "advance(5) with max_steps 4 was accepted");
    cr_assert_neq(ops->last_error(b)[0], '\0', "no reason given");
    ops->destroy(b);
    setup_free(&s);
}

int main(int argc, char *argv[])
{
    char why[200] = "";
    if (!odt_backend_cuda_ops()) {
        printf("SKIP: no CUDA device (this build has no CUDA backend)\n");
        fflush(stdout);
        return 77;
    }
    if (odt_cuda_device_count(why, sizeof why) <= 0) {
        printf("SKIP: no CUDA device (%s)\n", why[0] ? why : "none found");
        fflush(stdout);
        return 77;
    }
    /* Criterion runs each test in a re-executed child: the device is initialised there afresh. */
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true))
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    return result;
}
