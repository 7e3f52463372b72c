/*
 * test_backend.c: the OpenMP backend (kernels/backend_cpu.c) and the backend
 * choice (host/run.c).
 *
 * The design promises the same fleet history on any thread count and any
 * partition of the run into advance() calls and sub-batches: each satellite's
 * step reads and writes only that satellite, a step input is self-contained
 * (it carries the Sun at the start of the step), the reductions combine fixed
 * blocks of satellites in order, and the build turns FMA contraction off. So
 * the state, the fleet series, the totals and the (sorted) event rows must
 * agree bit for bit, not merely within a tolerance.
 *
 * The new operations are also checked against references computed here,
 * independently of the code under test:
 *   reduce          the per-class sums over satellites of the downloaded fields,
 *                   serial in satellite order (|d| <= 1e-12 x sum of |terms|:
 *                   the backend sums blocks of 2048 and then the blocks);
 *   series          each row against a serial recomputation from the state
 *                   downloaded after every single step of a second run
 *                   (sums 1e-12 x sum of |terms|; counts, minima and maxima
 *                   exactly: they do not depend on the order);
 *   collect_events  eclipse rows against the shadow intervals of the
 *                   illumination sampled after every single step (each end
 *                   within the step bracket where the sample changed; cut rows
 *                   exactly at the run's start and end); failure and restart
 *                   rows against the steps where the cumulative counters moved;
 *   download        the masked, converted, interleaved download against the
 *                   state computed on the host with odt_sat_advance, converted
 *                   with C casts.
 */
#define _POSIX_C_SOURCE 200809L /* getpid, access */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/run.h"
#include "host/scenario.h"
#include "kernels/backend.h"
#include "kernels/step.h"
#include "tests/backend_util.h"

#define SUM_REL_TOL 1e-12 /* sums in another order: |d| <= SUM_REL_TOL x sum of |terms| */
#define DISPATCH_EVERY 30 /* steps between two dispatch updates of the test inputs */

/*
 * Two shells: a dawn-dusk SSO shell (sso_planes x sso_slots, hardly any
 * eclipse at the June solstice) and a 53 deg walker shell (walker_planes x
 * walker_slots) that sees eclipses, with a small battery, a weak accelerator
 * population without burn-in (failures within the hour) and frequent restarts,
 * so that every kind of event occurs.
 */
static const char *fleet_text(const char *shadow, int duration_s, int sso_planes, int sso_slots, int walker_planes,
                              int walker_slots)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "name: backend-test\n"
             "epoch: 2026-06-21T00:00:00Z\n"
             "duration_s: %d\n"
             "step_s: 10\n"
             "snapshot_interval_s: 600\n"
             "shadow: %s\n"
             "fleet:\n"
             "  - name: sso\n"
             "    source: sso\n"
             "    altitude_km: 650\n"
             "    ltan_h: 18\n"
             "    ltan_spread_h: 1\n"
             "    planes: %d\n"
             "    slots: %d\n"
             "    phasing: 1\n"
             "  - name: walker\n"
             "    source: walker\n"
             "    altitude_km: 550\n"
             "    eccentricity: 0.001\n"
             "    inclination_deg: 53\n"
             "    planes: %d\n"
             "    slots: %d\n"
             "    phasing: %d\n"
             "    satellite:\n"
             "      battery_capacity_wh: 2000\n"
             "      weak_fraction: 0.3\n"
             "      burn_in_h: 0\n"
             "      restart_rate_per_day: 2\n",
             duration_s, shadow, sso_planes, sso_slots, walker_planes, walker_slots, walker_planes > 7 ? 7 : 1);
    return buf;
}

/* 630 satellites (one reduction block), 300 steps. */
static const char *std_text(const char *shadow) { return fleet_text(shadow, 3000, 15, 22, 15, 20); }
/* 4800 satellites (three reduction blocks of 2048, the last partial), 60 steps. */
static const char *big_text(const char *shadow) { return fleet_text(shadow, 600, 60, 50, 45, 40); }
/* 18 satellites, 6 h (almost four orbits), 2160 steps. */
static const char *small_text(const char *shadow) { return fleet_text(shadow, 21600, 2, 3, 3, 4); }

struct setup {
    struct odt_scenario sc;
    struct odt_fleet init; /* the built fleet (PARAM + initial STATE) */
    struct odt_fleet_meta meta;
    struct odt_step_input *in; /* in[0]: the epoch with dt = 0 (init_events); in[1..steps]: the steps */
    long steps;
    int nc;
    size_t row; /* doubles in one series row: nc x ODT_SV_N */
};

static void setup_init(struct setup *s, const char *text)
{
    char err[1024];
    enum odt_status st = odt_scenario_load_text("backend-test.yaml", text, strlen(text), &s->sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    st = odt_fleet_build(&s->sc, &s->init, &s->meta, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    s->steps = odt_scenario_steps(&s->sc);
    s->nc = s->meta.n_classes > 0 ? s->meta.n_classes : 1;
    s->row = (size_t)s->nc * ODT_SV_N;
    s->in = malloc(sizeof *s->in * (size_t)(s->steps + 1));
    odt_step_input_at(&s->sc.epoch, 0.0, 0.0, &s->in[0]);
    s->in[0].init_events = 1;
    for (long k = 1; k <= s->steps; ++k) {
        struct odt_step_input *x = &s->in[k];
        odt_step_input_at(&s->sc.epoch, (double)k * s->sc.step_s, s->sc.step_s, x);
        /* the dispatch weights follow the capacities every DISPATCH_EVERY steps; tokens per unit of capacity:
           40 % of it, and 140 % every fourth 200 s (queues fill, tokens are dropped) */
        x->dispatch_update = (k - 1) % DISPATCH_EVERY == 0;
        x->demand_factor = (k / 20) % 4 == 3 ? 14.0 : 4.0;
    }
}

static void setup_free(struct setup *s)
{
    free(s->in);
    odt_fleet_free(&s->init);
    odt_fleet_meta_free(&s->meta);
    odt_scenario_free(&s->sc);
}

static struct odt_backend *make(const struct odt_backend_ops *ops, const struct setup *s, int threads,
                                int max_steps, int max_series, int sub_steps)
{
    struct odt_backend_config c;
    odt_backend_config_init(&c, &s->sc, &s->init, &s->meta, max_steps, threads);
    c.max_series = max_series;
    c.sub_steps = sub_steps;
    struct odt_backend *b = NULL;
    char err[512] = "";
    cr_assert_eq(ops->create(&b, &c, err, sizeof err), ODT_OK, "%s: %s", ops->name, err);
    cr_assert_eq(ops->upload(b, &s->init), ODT_OK, "%s", ops->last_error(b));
    return b;
}

/* Every STATE and OUT field of a and b, bit for bit. */
static void assert_identical(const struct odt_fleet *a, const struct odt_fleet *b, const char *what)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    cr_assert_eq(a->n, b->n);
    int compared = 0;
    for (int k = 0; k < nf; ++k) {
        /* EVENT slots are emptied by every compaction: compared as the collected rows instead */
        if (fi[k].role == ODT_FIELD_PARAM || fi[k].role == ODT_FIELD_EVENT)
            continue;
        const unsigned char *pa = odt_fleet_field_ptr(a, &fi[k]);
        const unsigned char *pb = odt_fleet_field_ptr(b, &fi[k]);
        const size_t bytes = a->n * (size_t)fi[k].ncomp * fi[k].elem_size;
        if (memcmp(pa, pb, bytes) != 0) {
            /* name the first satellite that differs */
            size_t e = 0;
            while (e < bytes / fi[k].elem_size && !memcmp(pa + e * fi[k].elem_size, pb + e * fi[k].elem_size,
                                                          fi[k].elem_size))
                ++e;
            const size_t i = e % a->n;
            cr_assert_fail("%s: field %s differs first at satellite %zu component %zu: %.17g vs %.17g", what,
                           fi[k].name, i, e / a->n, fi[k].is_int ? (double)((const int32_t *)pa)[e]
                                                                  : ((const double *)pa)[e],
                           fi[k].is_int ? (double)((const int32_t *)pb)[e] : ((const double *)pb)[e]);
        }
        ++compared;
    }
    cr_assert_gt(compared, 40, "compared %d fields", compared);
}

/* ------------------------------------------------------------------ event lists */

/* Two sorted lists, bit for bit. */
static void assert_same_events(const struct odt_test_events *a, const struct odt_test_events *b, const char *what)
{
    cr_assert_eq(a->n, b->n, "%s: %zu vs %zu event rows", what, a->n, b->n);
    for (size_t k = 0; k < a->n; ++k) {
        const struct odt_event_row *x = &a->r[k], *y = &b->r[k];
        cr_assert(!memcmp(x, y, sizeof *x),
                  "%s: event row %zu differs: sat %d kind %d number %d [%.17g, %.17g] vs sat %d kind %d number %d "
                  "[%.17g, %.17g]",
                  what, k, x->satellite, x->kind, x->number, x->t0_s, x->t1_s, y->satellite, y->kind, y->number,
                  y->t0_s, y->t1_s);
    }
}

/* ------------------------------------------------------------------ whole runs */

struct run_out {
    struct odt_fleet *snap; /* when not NULL: the state after the epoch and after every call (nsnap of them) */
    int nsnap;
    struct odt_fleet final; /* the state at the end (before close_events) */
    double *series;         /* (steps + 1) rows: the epoch's, then one per step */
    struct odt_test_events ev;       /* every row, collected after every call and after close_events, sorted */
    double *totals;         /* reduce at the end: nc x ODT_TV_N */
};

/*
 * The whole scenario on ops with `threads` threads, in advance() calls of
 * `chunk` steps and sub-batches of sub_steps, as the run does: a series slot
 * on every step, the events collected after every call, close_events at the
 * end. snaps: keep the state after every call.
 */
static void run_full(const struct odt_backend_ops *ops, const struct setup *s, int threads, int chunk,
                     int sub_steps, int snaps, struct run_out *o)
{
    memset(o, 0, sizeof *o);
    struct odt_backend *b = make(ops, s, threads, chunk, chunk, sub_steps);
    o->series = malloc(sizeof(double) * s->row * (size_t)(s->steps + 1));
    o->totals = malloc(sizeof(double) * (size_t)s->nc * ODT_TV_N);
    if (snaps)
        o->snap = calloc((size_t)(s->steps / chunk + 2), sizeof *o->snap);
    struct odt_step_input *x = malloc(sizeof *x * (size_t)chunk);
    double *rows = malloc(sizeof(double) * s->row * (size_t)chunk);
    for (long done = -1; done < s->steps;) {
        /* the epoch evaluation alone, then calls of chunk steps */
        const long first = done + 1;
        const int k = done < 0 ? 1 : (int)(s->steps - done < chunk ? s->steps - done : chunk);
        memcpy(x, &s->in[first], sizeof *x * (size_t)k);
        for (int q = 0; q < k; ++q)
            x[q].series_slot = q;
        cr_assert_eq(ops->advance(b, x, k, rows), ODT_OK, "%s", ops->last_error(b));
        memcpy(o->series + (size_t)first * s->row, rows, sizeof(double) * s->row * (size_t)k);
        odt_test_take_events(ops, b, &o->ev);
        if (snaps)
            odt_test_download_state(ops, b, &s->init, &o->snap[o->nsnap++]);
        done += k;
    }
    odt_test_download_state(ops, b, &s->init, &o->final);
    cr_assert_eq(ops->reduce(b, o->totals), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->close_events(b, (double)s->steps * s->sc.step_s), ODT_OK, "%s", ops->last_error(b));
    odt_test_take_events(ops, b, &o->ev);
    odt_test_sort_events(&o->ev);
    /* a second collect has nothing new */
    const struct odt_event_row *none = NULL;
    size_t n_none = 1;
    cr_assert_eq(ops->collect_events(b, &none, &n_none), ODT_OK);
    cr_assert_eq(n_none, 0, "a second collect_events returned %zu rows again", n_none);
    free(x);
    free(rows);
    ops->destroy(b);
}

static void run_free(struct run_out *o)
{
    for (int d = 0; d < o->nsnap; ++d)
        odt_fleet_free(&o->snap[d]);
    free(o->snap);
    odt_fleet_free(&o->final);
    free(o->series);
    free(o->ev.r);
    free(o->totals);
}

static void assert_same_run(const struct setup *s, const struct run_out *a, const struct run_out *b,
                            const char *what)
{
    char w[160];
    assert_identical(&a->final, &b->final, what);
    for (int d = 0; d < a->nsnap && d < b->nsnap; ++d) {
        snprintf(w, sizeof w, "%s, after call %d", what, d);
        assert_identical(&a->snap[d], &b->snap[d], w);
    }
    const size_t len = s->row * (size_t)(s->steps + 1);
    for (size_t q = 0; q < len; ++q)
        if (memcmp(&a->series[q], &b->series[q], sizeof(double)))
            cr_assert_fail("%s: series row %zu (class %zu, variable %zu) differs: %.17g vs %.17g", what,
                           q / s->row, (q % s->row) / ODT_SV_N, q % ODT_SV_N, a->series[q], b->series[q]);
    for (size_t q = 0; q < (size_t)s->nc * ODT_TV_N; ++q)
        cr_assert(!memcmp(&a->totals[q], &b->totals[q], sizeof(double)), "%s: total %zu differs: %.17g vs %.17g",
                  what, q, a->totals[q], b->totals[q]);
    snprintf(w, sizeof w, "%s, events", what);
    assert_same_events(&a->ev, &b->ev, w);
}

/* The run is not trivial: satellites both lit and in shadow, batteries used, tokens served and dropped, events
   of every kind. */
static void assert_eventful(const struct run_out *o, const struct setup *s)
{
    const struct odt_fleet *f = &o->final;
    size_t dark = 0, lit = 0, drained = 0, dropped = 0, served = 0;
    for (size_t i = 0; i < f->n; ++i) {
        dark += f->sunlit_time[i] < f->elapsed_time[i];
        lit += f->sunlit_time[i] > 0.0;
        drained += f->energy_discharge[i] > 0.0;
        dropped += f->tokens_dropped[i] > 0.0;
        served += f->tokens_served[i] > 0.0;
    }
    cr_assert_gt(dark, s->init.n / 10, "only %zu satellites saw an eclipse", dark);
    cr_assert_gt(lit, s->init.n / 2);
    cr_assert_gt(drained, 0);
    cr_assert_gt(served, s->init.n / 2);
    cr_assert_gt(dropped, 0);
    size_t kinds[5] = {0};
    for (size_t k = 0; k < o->ev.n; ++k) {
        cr_assert(o->ev.r[k].kind >= ODT_EVENT_UMBRA && o->ev.r[k].kind <= ODT_EVENT_RESTART, "kind %d",
                  o->ev.r[k].kind);
        ++kinds[o->ev.r[k].kind];
    }
    cr_assert_gt(kinds[ODT_EVENT_UMBRA], 0);
    cr_assert_gt(kinds[ODT_EVENT_FAILURE], 0);
    cr_assert_gt(kinds[ODT_EVENT_RESTART], 0);
    if (s->sc.shadow_model == ODT_SHADOW_CONICAL)
        cr_assert_gt(kinds[ODT_EVENT_SHADOW], 0);
    else
        cr_assert_eq(kinds[ODT_EVENT_SHADOW], 0, "shadow rows with the cylindrical model");
}

/* ------------------------------------------------------------------ thread counts and batching */

static void thread_count_test(const char *shadow)
{
    struct setup s;
    setup_init(&s, std_text(shadow));
    struct run_out ref, got;
    run_full(&odt_backend_cpu, &s, 1, 60, 60, 1, &ref);
    assert_eventful(&ref, &s);
    static const int threads[] = {2, 3};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; ++t) {
        run_full(&odt_backend_cpu, &s, threads[t], 60, 60, 1, &got);
        cr_assert_eq(got.nsnap, ref.nsnap);
        char what[96];
        snprintf(what, sizeof what, "%s shadow, 1 vs %d threads", shadow, threads[t]);
        assert_same_run(&s, &ref, &got, what);
        run_free(&got);
    }
    run_free(&ref);
    setup_free(&s);
}

Test(backend_cpu, threads_bitwise_cylindrical) { thread_count_test("cylindrical"); }

Test(backend_cpu, threads_bitwise_conical) { thread_count_test("conical"); }

Test(backend_cpu, grouping_of_steps_bitwise)
{
    /* the step inputs are self-contained: how steps are grouped into calls and sub-batches changes no bit of the
       state, the series, the totals or the event rows */
    struct setup s;
    setup_init(&s, std_text("conical"));
    struct run_out ref, got;
    run_full(&odt_backend_cpu, &s, 2, 60, 60, 0, &ref); /* 60 steps per call, one sub-batch each */
    static const struct {
        int chunk, sub;
    } g[] = {{10, 10}, {60, 1}, {60, 7}, {13, 64}, {1, 1}};
    for (size_t k = 0; k < sizeof g / sizeof g[0]; ++k) {
        run_full(&odt_backend_cpu, &s, 2, g[k].chunk, g[k].sub, 0, &got);
        char what[96];
        snprintf(what, sizeof what, "calls of 60 (sub-batches of 60) vs calls of %d (sub-batches of %d)", g[k].chunk,
                 g[k].sub);
        assert_same_run(&s, &ref, &got, what);
        run_free(&got);
    }
    run_free(&ref);
    setup_free(&s);
}

Test(backend_cpu, chunking_bitwise)
{
    /* one step per advance() or 60 at once: the same bits after every 60 steps */
    struct setup s;
    setup_init(&s, std_text("conical"));
    struct run_out one, many;
    run_full(&odt_backend_cpu, &s, 2, 1, 1, 1, &one);
    run_full(&odt_backend_cpu, &s, 2, 60, 60, 1, &many);
    cr_assert_eq(one.nsnap, (int)s.steps + 1);
    for (int d = 0; d < many.nsnap; ++d) {
        char what[64];
        snprintf(what, sizeof what, "k = 1 vs k = 60 after %d steps", d * 60);
        assert_identical(&one.snap[d * 60], &many.snap[d], what);
    }
    run_free(&one);
    run_free(&many);
    setup_free(&s);
}

/* ------------------------------------------------------------------ reduce */

/* The totals of fleet f, per class, summed serially in satellite order; mag receives the sums of |terms|. */
static void serial_totals(const struct setup *s, const struct odt_fleet *f, double *tot, double *mag)
{
    static const struct {
        int v;
        const char *name;
    } map[] = {{ODT_TV_ENERGY_SOLAR, "energy_solar"},
               {ODT_TV_ENERGY_DEMAND, "energy_demand"},
               {ODT_TV_ENERGY_SERVED, "energy_served"},
               {ODT_TV_ENERGY_UNSERVED, "energy_unserved"},
               {ODT_TV_ENERGY_CURTAILED, "energy_curtailed"},
               {ODT_TV_ENERGY_CHARGE, "energy_charge"},
               {ODT_TV_ENERGY_DISCHARGE, "energy_discharge"},
               {ODT_TV_ENERGY_LOSS, "energy_loss"},
               {ODT_TV_SUNLIT_TIME, "sunlit_time"},
               {ODT_TV_ELAPSED_TIME, "elapsed_time"},
               {ODT_TV_TOKENS_ARRIVED, "tokens_arrived"},
               {ODT_TV_TOKENS_SERVED, "tokens_served"},
               {ODT_TV_TOKENS_DROPPED, "tokens_dropped"},
               {ODT_TV_TOKENS_WAITING, "queue_waiting"},
               {ODT_TV_CAPACITY_IDEAL, "capacity_ideal"},
               {ODT_TV_LOST_POWER, "capacity_lost_power"},
               {ODT_TV_LOST_HEAT, "capacity_lost_heat"},
               {ODT_TV_LOST_FAILURES, "capacity_lost_failures"},
               {ODT_TV_ACCEL_FAILED, "accel_failed"},
               {ODT_TV_RESTARTS, "restarts"},
               {ODT_TV_TIME_OVER_LIMIT, "time_over_limit"},
               {ODT_TV_EVENTS_LOST, "events_lost"}};
    const size_t nmap = sizeof map / sizeof map[0];
    cr_assert_eq(nmap + 7, ODT_TV_N, "a total without a reference here");
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const size_t len = (size_t)s->nc * ODT_TV_N;
    for (size_t q = 0; q < len; ++q)
        tot[q] = mag[q] = 0.0;
    for (size_t i = 0; i < f->n; ++i) {
        double *t = tot + (size_t)f->cls[i] * ODT_TV_N, *m = mag + (size_t)f->cls[i] * ODT_TV_N;
        const double w = f->weight[i], cap = f->capacity[i];
        const int in_service = f->life_status[i] == ODT_LIFE_IN_SERVICE;
        const double own[][2] = {{ODT_TV_CAPACITY, cap > 0.0 ? cap : 0.0},
                                 {ODT_TV_N_SERVING, cap > 0.0},
                                 {ODT_TV_N_INACTIVE, f->status[i] != 0},
                                 {ODT_TV_SATELLITES, 1.0},
                                 {ODT_TV_N_IN_SERVICE, in_service},
                                 {ODT_TV_N_RETIRED, f->life_status[i] == ODT_LIFE_RETIRED},
                                 {ODT_TV_ACCEL_WORKING, in_service ? f->accel_working[i] : 0}};
        for (size_t k = 0; k < sizeof own / sizeof own[0]; ++k) {
            t[(int)own[k][0]] += w * own[k][1];
            m[(int)own[k][0]] += fabs(w * own[k][1]) + fabs(w);
        }
        for (size_t k = 0; k < nmap; ++k) {
            const struct odt_field_info *F = &fi[odt_test_field(map[k].name)];
            const void *p = odt_fleet_field_ptr(f, F);
            const double v = F->is_int ? (double)((const int32_t *)p)[i] : ((const double *)p)[i];
            t[map[k].v] += w * v;
            m[map[k].v] += fabs(w * v);
        }
    }
}

static double assert_totals(const struct setup *s, const double *got, const struct odt_fleet *f, const char *what)
{
    const size_t len = (size_t)s->nc * ODT_TV_N;
    double *ref = malloc(sizeof(double) * len), *mag = malloc(sizeof(double) * len);
    serial_totals(s, f, ref, mag);
    double worst = 0.0;
    for (size_t q = 0; q < len; ++q) {
        const double d = fabs(got[q] - ref[q]);
        cr_assert(d <= SUM_REL_TOL * mag[q], "%s: class %zu total %zu: backend %.17g, serial sum %.17g (|d| %.3g)",
                  what, q / ODT_TV_N, q % ODT_TV_N, got[q], ref[q], d);
        if (mag[q] > 0.0)
            worst = fmax(worst, d / mag[q]);
    }
    free(ref);
    free(mag);
    return worst;
}

Test(backend_cpu, reduce_matches_serial_sums_and_any_thread_count)
{
    struct setup s;
    setup_init(&s, big_text("conical"));
    cr_assert_gt(s.init.n, 2 * 2048, "the fleet must span several reduction blocks");
    cr_assert_eq(s.nc, 2);
    static const int threads[] = {1, 2, 3, 4};
    double *tot[4], *tot0[4];
    for (int t = 0; t < 4; ++t) {
        tot[t] = malloc(sizeof(double) * (size_t)s.nc * ODT_TV_N);
        tot0[t] = malloc(sizeof(double) * (size_t)s.nc * ODT_TV_N);
        struct odt_backend *b = make(&odt_backend_cpu, &s, threads[t], 60, 0, 60);
        cr_assert_eq(odt_backend_cpu.reduce(b, tot0[t]), ODT_OK);
        cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1, NULL), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        cr_assert_eq(odt_backend_cpu.advance(b, &s.in[1], 60, NULL), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        cr_assert_eq(odt_backend_cpu.reduce(b, tot[t]), ODT_OK);
        if (t == 0) {
            /* against the serial sums of the downloaded state: at the upload and after 60 steps */
            struct odt_fleet f;
            cr_assert_eq(odt_fleet_alloc(&f, s.init.n), ODT_OK);
            odt_fleet_copy(&f, &s.init, ODT_ROLES_ALL);
            assert_totals(&s, tot0[0], &f, "totals of the uploaded fleet");
            odt_fleet_free(&f);
            odt_test_download_state(&odt_backend_cpu, b, &s.init, &f);
            const double worst = assert_totals(&s, tot[0], &f, "totals after 60 steps");
            cr_log_info("reduce vs serial sum: largest |d| / sum |terms| = %.3g (bound %.0e)", worst, SUM_REL_TOL);
            /* not vacuous */
            for (int c = 0; c < s.nc; ++c) {
                cr_assert_gt(tot[0][c * ODT_TV_N + ODT_TV_ENERGY_SOLAR], 0.0);
                cr_assert_gt(tot[0][c * ODT_TV_N + ODT_TV_TOKENS_SERVED], 0.0);
                cr_assert_gt(tot[0][c * ODT_TV_N + ODT_TV_N_SERVING], 0.0);
            }
            cr_assert_gt(tot[0][1 * ODT_TV_N + ODT_TV_ACCEL_FAILED], 0.0, "no failures in the walker shell");
            cr_assert_gt(tot[0][1 * ODT_TV_N + ODT_TV_ENERGY_DISCHARGE], 0.0);
            odt_fleet_free(&f);
        }
        odt_backend_cpu.destroy(b);
    }
    for (int t = 1; t < 4; ++t)
        for (size_t q = 0; q < (size_t)s.nc * ODT_TV_N; ++q) {
            cr_assert(!memcmp(&tot[t][q], &tot[0][q], sizeof(double)),
                      "total %zu after 60 steps: %.17g with 1 thread, %.17g with %d", q, tot[0][q], tot[t][q],
                      threads[t]);
            cr_assert(!memcmp(&tot0[t][q], &tot0[0][q], sizeof(double)), "total %zu at the upload differs", q);
        }
    for (int t = 0; t < 4; ++t) {
        free(tot[t]);
        free(tot0[t]);
    }
    setup_free(&s);
}

/* ------------------------------------------------------------------ the fleet series */

/*
 * The series row of a step, recomputed serially from the state after the step
 * (cur) and the cumulative token counters before it (prev), following the
 * definitions of enum odt_series_var; mag receives the sums of |terms|.
 */
static void serial_row(const struct setup *s, const struct odt_fleet *cur, const struct odt_fleet *prev,
                       double *row, double *mag)
{
    odt_series_init_row(row, s->nc);
    for (size_t q = 0; q < s->row; ++q)
        mag[q] = 0.0;
    for (size_t i = 0; i < cur->n; ++i) {
        const int c = cur->cls[i];
        double *r = row + (size_t)c * ODT_SV_N, *m = mag + (size_t)c * ODT_SV_N;
        double v[ODT_SV_N_SUMS] = {0};
        const double w = cur->weight[i];
        if (cur->life_status[i] != ODT_LIFE_IN_SERVICE) { /* planned or retired: its queue's tokens only */
            r[ODT_SV_WAITING] += w * cur->queue_waiting[i];
            m[ODT_SV_WAITING] += fabs(w * cur->queue_waiting[i]);
            continue;
        }
        v[ODT_SV_N_IN_SERVICE] = 1.0;
        v[ODT_SV_ACCEL_WORKING] = cur->accel_working[i];
        v[ODT_SV_SOLAR_W] = cur->solar_power[i];
        v[ODT_SV_LOAD_W] = cur->load_power[i];
        v[ODT_SV_COMPUTE_W] = cur->compute_power[i];
        v[ODT_SV_CURTAILED_W] = cur->curtailed_power[i];
        v[ODT_SV_UNSERVED_W] = cur->unserved_power[i];
        v[ODT_SV_BATTERY_W] = cur->battery_power[i];
        v[ODT_SV_BATTERY_J] = cur->battery_energy[i];
        v[ODT_SV_HEAT_RADIATED_W] = cur->heat_radiated[i];
        v[ODT_SV_CAPACITY] = cur->capacity[i];
        v[ODT_SV_ARRIVED] = cur->tokens_arrived[i] - prev->tokens_arrived[i];
        v[ODT_SV_SERVED] = cur->tokens_served[i] - prev->tokens_served[i];
        v[ODT_SV_DROPPED] = cur->tokens_dropped[i] - prev->tokens_dropped[i];
        v[ODT_SV_WAITING] = cur->queue_waiting[i];
        v[ODT_SV_N_SERVING] = cur->capacity[i] > 0.0;
        const int active = cur->status[i] == 0;
        const double cap = s->meta.classes[c].battery.capacity_j * cur->battery_health[i]; /* as aged */
        if (active) {
            v[ODT_SV_N_UMBRA] = cur->illumination[i] <= 0.0;
            v[ODT_SV_N_SHADOW] = cur->illumination[i] < 1.0;
            v[ODT_SV_N_ACTIVE] = 1.0;
            v[ODT_SV_TEMP_SUM] = cur->temperature[i];
            if (cap > 0.0) {
                v[ODT_SV_N_BATTERY] = 1.0;
                v[ODT_SV_SOC_SUM] = cur->battery_energy[i] / cap;
            }
        }
        for (int k = 0; k < ODT_SV_N_SUMS; ++k) {
            r[k] += w * v[k];
            m[k] += fabs(w * v[k]);
        }
        /* the differences of the cumulative counters carry their rounding */
        m[ODT_SV_ARRIVED] += fabs(w * cur->tokens_arrived[i]);
        m[ODT_SV_SERVED] += fabs(w * cur->tokens_served[i]);
        m[ODT_SV_DROPPED] += fabs(w * cur->tokens_dropped[i]);
        if (active) {
            const double t = cur->temperature[i];
            r[ODT_SV_TEMP_MIN] = fmin(r[ODT_SV_TEMP_MIN], t);
            r[ODT_SV_TEMP_MAX] = fmax(r[ODT_SV_TEMP_MAX], t);
            if (cap > 0.0) {
                const double soc = cur->battery_energy[i] / cap;
                r[ODT_SV_SOC_MIN] = fmin(r[ODT_SV_SOC_MIN], soc);
                r[ODT_SV_SOC_MAX] = fmax(r[ODT_SV_SOC_MAX], soc);
            }
        }
    }
}

/* Compare a backend row with the serial one: sums within SUM_REL_TOL of their magnitude, extremes exactly. */
static double assert_row(const struct setup *s, const double *got, const double *ref, const double *mag,
                         const char *what)
{
    double worst = 0.0;
    for (size_t q = 0; q < s->row; ++q) {
        const size_t c = q / ODT_SV_N, v = q % ODT_SV_N;
        if (v < ODT_SV_N_SUMS) {
            const double d = fabs(got[q] - ref[q]);
            cr_assert(d <= SUM_REL_TOL * mag[q], "%s: class %zu variable %zu: backend %.17g, serial %.17g (|d| %.3g)",
                      what, c, v, got[q], ref[q], d);
            if (mag[q] > 0.0)
                worst = fmax(worst, d / mag[q]);
        } else {
            cr_assert(got[q] == ref[q], "%s: class %zu extreme %zu: backend %.17g, serial %.17g", what, c, v, got[q],
                      ref[q]);
        }
    }
    return worst;
}

/* The fields the serial recomputation reads, downloaded after every step. */
static const char *const series_fields[] = {
    "solar_power",  "load_power",     "compute_power", "curtailed_power", "unserved_power", "battery_power",
    "battery_energy", "heat_radiated", "capacity",     "tokens_arrived",  "tokens_served",  "tokens_dropped",
    "queue_waiting", "illumination",  "status",       "temperature",    "life_status",    "accel_working", "battery_health"};

static void series_test(const char *shadow)
{
    struct setup s;
    setup_init(&s, big_text(shadow));
    const size_t n = s.init.n;
    int fld[ODT_TEST_MAX_FIELDS];
    const int nsf = (int)(sizeof series_fields / sizeof series_fields[0]);
    for (int k = 0; k < nsf; ++k)
        fld[k] = odt_test_field(series_fields[k]);

    /* the reference: one step per call, the state downloaded after each */
    struct odt_backend *b = make(&odt_backend_cpu, &s, 2, 1, 0, 1);
    struct odt_fleet prev, cur;
    cr_assert_eq(odt_fleet_alloc(&prev, n), ODT_OK);
    cr_assert_eq(odt_fleet_alloc(&cur, n), ODT_OK);
    odt_fleet_copy(&prev, &s.init, ODT_ROLES_ALL);
    odt_fleet_copy(&cur, &s.init, ODT_ROLES_ALL);
    double *ref = malloc(sizeof(double) * s.row * (size_t)(s.steps + 1));
    double *mag = malloc(sizeof(double) * s.row * (size_t)(s.steps + 1));
    for (long j = 0; j <= s.steps; ++j) {
        cr_assert_eq(odt_backend_cpu.advance(b, &s.in[j], 1, NULL), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        odt_test_download_fields(&odt_backend_cpu, b, &cur, fld, nsf);
        serial_row(&s, &cur, &prev, ref + (size_t)j * s.row, mag + (size_t)j * s.row);
        odt_fleet_copy(&prev, &cur, ODT_ROLE_MASK(ODT_FIELD_STATE) | ODT_ROLE_MASK(ODT_FIELD_OUT));
    }
    odt_backend_cpu.destroy(b);

    /* the series of whole calls (the epoch, then 60 steps at once) on 1, 2 and 3 threads */
    struct run_out got[3];
    for (int t = 0; t < 3; ++t)
        run_full(&odt_backend_cpu, &s, t + 1, 60, 60, 0, &got[t]);
    double worst = 0.0;
    for (long j = 0; j <= s.steps; ++j) {
        char what[96];
        snprintf(what, sizeof what, "%s shadow, series row of step %ld", shadow, j);
        worst = fmax(worst, assert_row(&s, got[0].series + (size_t)j * s.row, ref + (size_t)j * s.row,
                                       mag + (size_t)j * s.row, what));
    }
    cr_log_info("%s: series vs serial recomputation: largest |d| / sum |terms| = %.3g (bound %.0e)", shadow, worst,
                SUM_REL_TOL);
    for (int t = 1; t < 3; ++t)
        cr_assert(!memcmp(got[t].series, got[0].series, sizeof(double) * s.row * (size_t)(s.steps + 1)),
                  "%s: the series differs between 1 and %d threads", shadow, t + 1);

    /* not vacuous: the walker shell goes through shadow, queues and drops */
    const double *last = got[0].series + (size_t)s.steps * s.row + ODT_SV_N; /* class 1 */
    double shadowed = 0.0, dropped = 0.0, waiting = 0.0;
    for (long j = 1; j <= s.steps; ++j) {
        const double *r = got[0].series + (size_t)j * s.row + ODT_SV_N;
        shadowed += r[ODT_SV_N_UMBRA];
        dropped += r[ODT_SV_DROPPED];
        waiting += r[ODT_SV_WAITING];
    }
    cr_assert_gt(shadowed, 0.0);
    cr_assert_gt(dropped, 0.0);
    cr_assert_gt(waiting, 0.0);
    cr_assert_gt(last[ODT_SV_N_BATTERY], 0.0);
    cr_assert_lt(last[ODT_SV_SOC_MIN], last[ODT_SV_SOC_MAX]);
    for (int t = 0; t < 3; ++t)
        run_free(&got[t]);
    free(ref);
    free(mag);
    odt_fleet_free(&prev);
    odt_fleet_free(&cur);
    setup_free(&s);
}

Test(backend_cpu, series_matches_serial_recomputation_conical) { series_test("conical"); }

Test(backend_cpu, series_matches_serial_recomputation_cylindrical) { series_test("cylindrical"); }

Test(backend_cpu, series_slots_in_any_order)
{
    /* the slots of a call need not be consecutive: 60 steps filling every third of 200 slots, backwards */
    struct setup s;
    setup_init(&s, std_text("cylindrical"));
    const int k = 60, max_series = 200;
    double *seq = malloc(sizeof(double) * s.row * (size_t)k);
    double *any = malloc(sizeof(double) * s.row * (size_t)max_series);
    struct odt_step_input *x = malloc(sizeof *x * (size_t)k);
    for (int pass = 0; pass < 2; ++pass) {
        struct odt_backend *b = make(&odt_backend_cpu, &s, 2, k, pass ? max_series : k, k);
        cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1, NULL), ODT_OK);
        memcpy(x, &s.in[1], sizeof *x * (size_t)k);
        for (int q = 0; q < k; ++q)
            x[q].series_slot = pass ? max_series - 1 - 3 * q : q;
        cr_assert_eq(odt_backend_cpu.advance(b, x, k, pass ? any : seq), ODT_OK, "%s",
                     odt_backend_cpu.last_error(b));
        odt_backend_cpu.destroy(b);
    }
    for (int q = 0; q < k; ++q)
        cr_assert(!memcmp(any + (size_t)(max_series - 1 - 3 * q) * s.row, seq + (size_t)q * s.row,
                          sizeof(double) * s.row),
                  "step %d: its row in slot %d differs from the consecutive layout", q, max_series - 1 - 3 * q);
    free(x);
    free(seq);
    free(any);
    setup_free(&s);
}

/* ------------------------------------------------------------------ events */

static int inside(double illum, int kind) { return kind == ODT_EVENT_UMBRA ? illum <= 0.0 : illum < 1.0; }

/*
 * The rows rows[0..nrows-1] (one satellite, one eclipse kind, sorted by start)
 * against the sampled illumination of satellite i: one row per maximal run of
 * samples inside the shadow (steps a..b), its start within [t(a-1), t(a)]
 * (the run's start t = 0 when a is the epoch), its end within [t(b), t(b+1)]
 * (the run's end when b is the last step), complete unless cut.
 */
static void check_intervals(const struct setup *s, const double *illum, size_t i, int kind,
                            const struct odt_event_row *rows, size_t nrows, size_t *count /* complete, cut0, cut1 */)
{
    const size_t n = s->init.n;
    const double t_end = (double)s->steps * s->sc.step_s;
    size_t r = 0;
    for (long j = 0; j <= s->steps;) {
        if (!inside(illum[(size_t)j * n + i], kind)) {
            ++j;
            continue;
        }
        const long a = j;
        while (j <= s->steps && inside(illum[(size_t)j * n + i], kind))
            ++j;
        const long b = j - 1;
        cr_assert_lt(r, nrows, "satellite %zu: no kind %d row for its shadow from step %ld to %ld", i, kind, a, b);
        const struct odt_event_row *e = &rows[r++];
        if (a == 0)
            cr_assert_eq(e->t0_s, 0.0, "satellite %zu kind %d: in shadow at the epoch, row starts at %.17g", i, kind,
                         e->t0_s);
        else
            cr_assert(e->t0_s >= s->in[a - 1].t_s && e->t0_s <= s->in[a].t_s,
                      "satellite %zu kind %d: row starts at %.17g, the samples changed in [%.17g, %.17g]", i, kind,
                      e->t0_s, s->in[a - 1].t_s, s->in[a].t_s);
        if (b == s->steps)
            cr_assert_eq(e->t1_s, t_end, "satellite %zu kind %d: in shadow at the end, row ends at %.17g", i, kind,
                         e->t1_s);
        else
            cr_assert(e->t1_s >= s->in[b].t_s && e->t1_s <= s->in[b + 1].t_s,
                      "satellite %zu kind %d: row ends at %.17g, the samples changed in [%.17g, %.17g]", i, kind,
                      e->t1_s, s->in[b].t_s, s->in[b + 1].t_s);
        cr_assert_lt(e->t0_s, e->t1_s + 1e-9, "satellite %zu: interval ends before it starts", i);
        cr_assert_eq(e->number, a > 0 && b < s->steps, "satellite %zu kind %d [%g, %g]: number %d", i, kind, e->t0_s,
                     e->t1_s, e->number);
        ++count[a == 0 ? 1 : b == s->steps ? 2 : 0];
    }
    cr_assert_eq(r, nrows, "satellite %zu: %zu kind %d rows, %zu shadow intervals sampled", i, nrows, kind, r);
}

static void events_test(const char *shadow)
{
    struct setup s;
    setup_init(&s, small_text(shadow));
    const size_t n = s.init.n;
    const long steps = s.steps;
    const int conical = s.sc.shadow_model == ODT_SHADOW_CONICAL;

    /* the independent detection: every step alone, illumination and the reliability counters sampled after it */
    const int fld[3] = {odt_test_field("illumination"), odt_test_field("restarts"), odt_test_field("accel_failed")};
    double *illum = malloc(sizeof(double) * n * (size_t)(steps + 1));
    int32_t *restarts = malloc(sizeof(int32_t) * n * (size_t)(steps + 1));
    int32_t *failed = malloc(sizeof(int32_t) * n * (size_t)(steps + 1));
    struct odt_fleet cur;
    cr_assert_eq(odt_fleet_alloc(&cur, n), ODT_OK);
    struct odt_backend *b = make(&odt_backend_cpu, &s, 1, 1, 0, 1);
    for (long j = 0; j <= steps; ++j) {
        cr_assert_eq(odt_backend_cpu.advance(b, &s.in[j], 1, NULL), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        odt_test_download_fields(&odt_backend_cpu, b, &cur, fld, 3);
        memcpy(illum + (size_t)j * n, cur.illumination, sizeof(double) * n);
        memcpy(restarts + (size_t)j * n, cur.restarts, sizeof(int32_t) * n);
        memcpy(failed + (size_t)j * n, cur.accel_failed, sizeof(int32_t) * n);
    }
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&cur);

    /* the rows of whole calls of 60 steps, collected after every call, on 1, 2 and 3 threads */
    struct run_out o[3];
    for (int t = 0; t < 3; ++t)
        run_full(&odt_backend_cpu, &s, t + 1, 60, 60, 0, &o[t]);
    for (int t = 1; t < 3; ++t) {
        char what[64];
        snprintf(what, sizeof what, "%s shadow, events on 1 vs %d threads", shadow, t + 1);
        assert_same_events(&o[0].ev, &o[t].ev, what);
    }
    const struct odt_test_events *L = &o[0].ev;
    size_t count[2][3] = {{0}}; /* [umbra, shadow][complete, cut by the start, cut by the end] */
    size_t n_restart = 0, n_failure = 0;
    for (size_t i = 0, at = 0; i < n; ++i) {
        /* rows of satellite i, by kind (the list is sorted by satellite, kind, start) */
        size_t lo[5] = {0}, hi[5] = {0};
        while (at < L->n && L->r[at].satellite < (int32_t)i)
            ++at;
        for (int kind = ODT_EVENT_UMBRA; kind <= ODT_EVENT_RESTART; ++kind) {
            lo[kind] = at;
            while (at < L->n && L->r[at].satellite == (int32_t)i && L->r[at].kind == kind)
                ++at;
            hi[kind] = at;
        }
        cr_assert(at == L->n || L->r[at].satellite != (int32_t)i, "satellite %zu: a row of kind %d", i, L->r[at].kind);
        check_intervals(&s, illum, i, ODT_EVENT_UMBRA, L->r + lo[ODT_EVENT_UMBRA],
                        hi[ODT_EVENT_UMBRA] - lo[ODT_EVENT_UMBRA], count[0]);
        if (conical)
            check_intervals(&s, illum, i, ODT_EVENT_SHADOW, L->r + lo[ODT_EVENT_SHADOW],
                            hi[ODT_EVENT_SHADOW] - lo[ODT_EVENT_SHADOW], count[1]);
        else
            cr_assert_eq(hi[ODT_EVENT_SHADOW], lo[ODT_EVENT_SHADOW], "shadow rows with the cylindrical model");
        /* reliability: a restart row at the end of every step where the counter moved, a failure row with the
           number of accelerators at every step where accel_failed rose */
        size_t rr = lo[ODT_EVENT_RESTART], fr = lo[ODT_EVENT_FAILURE];
        for (long j = 1; j <= steps; ++j) {
            const int dr = restarts[(size_t)j * n + i] - restarts[(size_t)(j - 1) * n + i];
            const int df = failed[(size_t)j * n + i] - failed[(size_t)(j - 1) * n + i];
            cr_assert(dr == 0 || dr == 1, "satellite %zu step %ld: %d restarts", i, j, dr);
            if (dr) {
                cr_assert_lt(rr, hi[ODT_EVENT_RESTART], "satellite %zu: no restart row for step %ld", i, j);
                const struct odt_event_row *e = &L->r[rr++];
                cr_assert(e->t0_s == s.in[j].t_s && e->t1_s == s.in[j].t_s && e->number == 1,
                          "satellite %zu: restart row [%g, %g] number %d, counter moved in the step ending %g", i,
                          e->t0_s, e->t1_s, e->number, s.in[j].t_s);
                ++n_restart;
            }
            if (df) {
                cr_assert_gt(df, 0);
                cr_assert_lt(fr, hi[ODT_EVENT_FAILURE], "satellite %zu: no failure row for step %ld", i, j);
                const struct odt_event_row *e = &L->r[fr++];
                cr_assert(e->t0_s == s.in[j].t_s && e->t1_s == s.in[j].t_s && e->number == df,
                          "satellite %zu: failure row [%g, %g] number %d, %d failed in the step ending %g", i, e->t0_s,
                          e->t1_s, e->number, df, s.in[j].t_s);
                ++n_failure;
            }
        }
        cr_assert_eq(rr, hi[ODT_EVENT_RESTART], "satellite %zu: more restart rows than counted restarts", i);
        cr_assert_eq(fr, hi[ODT_EVENT_FAILURE], "satellite %zu: more failure rows than counted failures", i);
        cr_assert_eq(o[0].final.events_lost[i], 0, "satellite %zu lost %d events", i, o[0].final.events_lost[i]);
    }
    for (int c = 0; c < s.nc; ++c)
        cr_assert_eq(o[0].totals[c * ODT_TV_N + ODT_TV_EVENTS_LOST], 0.0);
    cr_log_info("%s: umbra rows %zu complete, %zu cut by the start, %zu by the end; shadow rows %zu/%zu/%zu; "
                "%zu restarts, %zu failure rows",
                shadow, count[0][0], count[0][1], count[0][2], count[1][0], count[1][1], count[1][2], n_restart,
                n_failure);
    /* not vacuous: several orbits of eclipses, satellites in shadow at both ends, reliability events */
    cr_assert_geq(count[0][0], 2 * n / 3, "only %zu complete umbra intervals", count[0][0]);
    cr_assert_gt(count[0][1], 0, "no satellite starts in the shadow");
    cr_assert_gt(count[0][2], 0, "no satellite ends in the shadow");
    if (conical) {
        cr_assert_geq(count[1][0], count[0][0]);
        cr_assert_gt(count[1][1], 0);
        cr_assert_gt(count[1][2], 0);
    }
    cr_assert_gt(n_restart, 0);
    cr_assert_gt(n_failure, 0);
    for (int t = 0; t < 3; ++t)
        run_free(&o[t]);
    free(illum);
    free(restarts);
    free(failed);
    setup_free(&s);
}

Test(backend_cpu, events_match_sampled_illumination_cylindrical) { events_test("cylindrical"); }

Test(backend_cpu, events_match_sampled_illumination_conical) { events_test("conical"); }

Test(backend_cpu, events_of_several_blocks_on_any_thread_count)
{
    /* three reduction blocks: the compaction's per-block offsets, on 1 to 4 threads */
    struct setup s;
    setup_init(&s, big_text("conical"));
    struct run_out ref, got;
    run_full(&odt_backend_cpu, &s, 1, 60, 20, 0, &ref);
    size_t per_block[3] = {0};
    for (size_t k = 0; k < ref.ev.n; ++k)
        ++per_block[ref.ev.r[k].satellite / 2048];
    cr_assert(per_block[0] && per_block[1] && per_block[2], "events in every block: %zu %zu %zu", per_block[0],
              per_block[1], per_block[2]);
    for (int t = 2; t <= 4; ++t) {
        run_full(&odt_backend_cpu, &s, t, 60, 20, 0, &got);
        char what[64];
        snprintf(what, sizeof what, "1 vs %d threads", t);
        assert_same_run(&s, &ref, &got, what);
        run_free(&got);
    }
    run_free(&ref);
    setup_free(&s);
}

/* ------------------------------------------------------------------ masked downloads */

static double host_value(const struct odt_fleet *h, const struct odt_field_info *F, size_t e)
{
    const void *p = odt_fleet_field_ptr(h, F);
    return F->is_int ? (double)((const int32_t *)p)[e] : ((const double *)p)[e];
}

Test(backend_cpu, masked_download_types_interleaving_and_subset)
{
    struct setup s;
    setup_init(&s, std_text("conical"));
    const size_t n = s.init.n;
    const int k = 60;
    struct odt_backend_config cfg;
    odt_backend_config_init(&cfg, &s.sc, &s.init, &s.meta, k, 2);
    struct odt_backend *b = make(&odt_backend_cpu, &s, 2, k, 0, k);
    cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1, NULL), ODT_OK);
    cr_assert_eq(odt_backend_cpu.advance(b, &s.in[1], k, NULL), ODT_OK);

    /* the reference: the same steps on the host, satellite by satellite, into a component-major fleet */
    struct odt_fleet h;
    cr_assert_eq(odt_fleet_alloc(&h, n), ODT_OK);
    odt_fleet_copy(&h, &s.init, ODT_ROLES_ALL);
    for (size_t i = 0; i < n; ++i) {
        odt_sat_advance(i, &h, s.meta.classes, &cfg.step, &s.in[0], 1);
        odt_sat_advance(i, &h, s.meta.classes, &cfg.step, &s.in[1], k);
    }

    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    int fld[ODT_TEST_MAX_FIELDS], nsel = 0;
    for (int q = 0; q < nf; ++q)
        /* events_lost and the slots depend on the compactions, which the host reference does not do */
        if (fi[q].role != ODT_FIELD_EVENT && strcmp(fi[q].name, "events_lost") != 0)
            fld[nsel++] = q;

    /* every field in each storage type it can take, all satellites: exact (NULL), F64, F32, and I32 for the
       integer fields and two bounded doubles */
    const int bounded[2] = {odt_test_field("battery_energy"), odt_test_field("elapsed_time")};
    struct odt_backend_stats st0, st1;
    for (int mode = 0; mode < 4; ++mode) {
        enum odt_storage store[ODT_TEST_MAX_FIELDS];
        int use[ODT_TEST_MAX_FIELDS], nuse = 0;
        for (int q = 0; q < nsel; ++q) {
            const struct odt_field_info *F = &fi[fld[q]];
            if (mode == 3 && !F->is_int && fld[q] != bounded[0] && fld[q] != bounded[1])
                continue;
            use[nuse] = fld[q];
            store[nuse++] = mode == 1 ? ODT_STORE_F64 : mode == 2 ? ODT_STORE_F32 : ODT_STORE_I32;
        }
        const struct odt_download req = {nuse, use, mode == 0 ? NULL : store, 0};
        size_t per_sat = 0;
        void *dst[ODT_TEST_MAX_FIELDS];
        for (int q = 0; q < nuse; ++q) {
            const struct odt_field_info *F = &fi[use[q]];
            const size_t es = mode == 0 ? F->elem_size : odt_storage_size(store[q]);
            per_sat += (size_t)F->ncomp * es;
            dst[q] = odt_backend_cpu.host_alloc(b, n * (size_t)F->ncomp * es); /* exactly that: ASan sees overruns */
        }
        cr_assert_eq(odt_download_bytes_per_sat(&req), per_sat, "mode %d", mode);
        odt_backend_cpu.stats(b, &st0);
        cr_assert_eq(odt_backend_cpu.download(b, &req, dst), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        cr_assert_eq(odt_backend_cpu.download_wait(b), ODT_OK);
        odt_backend_cpu.stats(b, &st1);
        cr_assert_eq(st1.bytes_from_backend - st0.bytes_from_backend, (double)(n * per_sat));
        for (int q = 0; q < nuse; ++q) {
            const struct odt_field_info *F = &fi[use[q]];
            const size_t nco = (size_t)F->ncomp;
            for (size_t i = 0; i < n; ++i)
                for (size_t c = 0; c < nco; ++c) {
                    const size_t from = c * n + i, to = i * nco + c; /* component-major in, [i][c] out */
                    const double v = host_value(&h, F, from);
                    if (mode == 0) {
                        const char *want = (const char *)odt_fleet_field_ptr(&h, F) + from * F->elem_size;
                        cr_assert(!memcmp((const char *)dst[q] + to * F->elem_size, want, F->elem_size),
                                  "%s[%zu][%zu]: exact download differs from the host step (%.17g)", F->name, i, c, v);
                    } else if (mode == 1) {
                        const double got = ((const double *)dst[q])[to];
                        cr_assert(got == v || (isnan(got) && isnan(v)), "%s[%zu][%zu] as f64: %.17g, host %.17g",
                                  F->name, i, c, got, v);
                    } else if (mode == 2) {
                        const float got = ((const float *)dst[q])[to];
                        const float want = F->is_int ? (float)((const int32_t *)odt_fleet_field_ptr(&h, F))[from]
                                                     : (float)v;
                        cr_assert(got == want || (isnan(got) && isnan(want)), "%s[%zu][%zu] as f32: %.9g, host %.9g",
                                  F->name, i, c, (double)got, (double)want);
                    } else {
                        const int32_t got = ((const int32_t *)dst[q])[to];
                        const int32_t want = F->is_int ? ((const int32_t *)odt_fleet_field_ptr(&h, F))[from]
                                                       : (int32_t)v;
                        cr_assert_eq(got, want, "%s[%zu][%zu] as i32: %d, host %d", F->name, i, c, got, want);
                    }
                }
        }
        for (int q = 0; q < nuse; ++q)
            odt_backend_cpu.host_free(b, dst[q]);
    }

    /* a subset, in the order given, fields of mixed types and components */
    const int32_t idx[] = {629, 0, 17, 300, 5, 628};
    const size_t m = sizeof idx / sizeof idx[0];
    cr_assert_eq(odt_backend_cpu.set_subset(b, idx, m), ODT_OK);
    /* refused subsets leave the last one in place */
    const int32_t bad1[] = {1, (int32_t)n}, bad2[] = {-1};
    cr_assert_eq(odt_backend_cpu.set_subset(b, bad1, 2), ODT_ERR_VALUE);
    cr_assert_not_null(strstr(odt_backend_cpu.last_error(b), "outside"), "%s", odt_backend_cpu.last_error(b));
    cr_assert_eq(odt_backend_cpu.set_subset(b, bad2, 1), ODT_ERR_VALUE);
    const int sf[4] = {odt_test_field("position"), odt_test_field("node_temperature"), odt_test_field("accel_working"), odt_test_field("illumination")};
    const enum odt_storage ss[4] = {ODT_STORE_F32, ODT_STORE_F64, ODT_STORE_I32, ODT_STORE_F32};
    const struct odt_download sreq = {4, sf, ss, 1};
    cr_assert_eq(odt_download_bytes_per_sat(&sreq), 3 * 4 + 4 * 8 + 4 + 4);
    float *pos = odt_backend_cpu.host_alloc(b, m * 3 * sizeof(float));
    double *tn = odt_backend_cpu.host_alloc(b, m * 4 * sizeof(double));
    int32_t *aw = odt_backend_cpu.host_alloc(b, m * sizeof(int32_t));
    float *il = odt_backend_cpu.host_alloc(b, m * sizeof(float));
    void *sdst[4] = {pos, tn, aw, il};
    odt_backend_cpu.stats(b, &st0);
    cr_assert_eq(odt_backend_cpu.download(b, &sreq, sdst), ODT_OK, "%s", odt_backend_cpu.last_error(b));
    cr_assert_eq(odt_backend_cpu.download_wait(b), ODT_OK);
    odt_backend_cpu.stats(b, &st1);
    cr_assert_eq(st1.bytes_from_backend - st0.bytes_from_backend, (double)(m * (3 * 4 + 4 * 8 + 4 + 4)));
    for (size_t j = 0; j < m; ++j) {
        const size_t i = (size_t)idx[j];
        for (size_t c = 0; c < 3; ++c)
            cr_assert_eq(pos[j * 3 + c], (float)h.position[c * n + i], "subset %zu (satellite %zu) position %zu", j,
                         i, c);
        for (size_t c = 0; c < 4; ++c)
            cr_assert_eq(tn[j * 4 + c], h.node_temperature[c * n + i], "subset %zu node_temperature %zu", j, c);
        cr_assert_eq(aw[j], h.accel_working[i]);
        cr_assert_eq(il[j], (float)h.illumination[i]);
    }
    odt_backend_cpu.host_free(b, pos);
    odt_backend_cpu.host_free(b, tn);
    odt_backend_cpu.host_free(b, aw);
    odt_backend_cpu.host_free(b, il);

    /* downloads leave the state alone */
    struct odt_fleet after;
    odt_test_download_state(&odt_backend_cpu, b, &s.init, &after);
    int dfld[ODT_TEST_MAX_FIELDS];
    int nd = 0;
    for (int q = 0; q < nsel; ++q)
        if (fi[fld[q]].role != ODT_FIELD_PARAM)
            dfld[nd++] = fld[q];
    for (int q = 0; q < nd; ++q) {
        const struct odt_field_info *F = &fi[dfld[q]];
        cr_assert(!memcmp(odt_fleet_field_ptr(&after, F), odt_fleet_field_ptr(&h, F),
                          n * (size_t)F->ncomp * F->elem_size),
                  "%s changed", F->name);
    }
    odt_fleet_free(&after);
    odt_fleet_free(&h);
    odt_backend_cpu.destroy(b);
    setup_free(&s);
}

Test(backend_cpu, upload_download_round_trip)
{
    struct setup s;
    setup_init(&s, std_text("cylindrical"));
    struct odt_backend *b = make(&odt_backend_cpu, &s, 2, 1, 0, 1);
    /* the upload takes the parameters and the state (the outputs and the event slots are the backend's own) */
    struct odt_fleet back;
    cr_assert_eq(odt_fleet_alloc(&back, s.init.n), ODT_OK);
    int fld[ODT_TEST_MAX_FIELDS];
    const int nf = odt_test_fields_of(ODT_ROLE_MASK(ODT_FIELD_PARAM) | ODT_ROLE_MASK(ODT_FIELD_STATE), fld);
    odt_test_download_fields(&odt_backend_cpu, b, &back, fld, nf);
    int nt, compared = 0;
    const struct odt_field_info *fi = odt_fleet_fields(&nt);
    for (int k = 0; k < nt; ++k)
        if (fi[k].role == ODT_FIELD_PARAM || fi[k].role == ODT_FIELD_STATE) {
            cr_assert(!memcmp(odt_fleet_field_ptr(&s.init, &fi[k]), odt_fleet_field_ptr(&back, &fi[k]),
                              s.init.n * (size_t)fi[k].ncomp * fi[k].elem_size),
                      "field %s differs after the round trip", fi[k].name);
            ++compared;
        }
    cr_assert_gt(compared, 50);
    cr_assert_str_eq(odt_backend_cpu.last_error(b), "");
    struct odt_backend_stats st;
    odt_backend_cpu.stats(b, &st);
    cr_assert_gt(st.bytes_to_backend, 0.0);
    cr_assert_gt(st.bytes_from_backend, 0.0);
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&back);
    setup_free(&s);
}

Test(backend_cpu, zero_length_step_keeps_the_state)
{
    /* the epoch evaluation (dt = 0) fills positions but moves no energy and no heat */
    struct setup s;
    setup_init(&s, std_text("cylindrical"));
    struct odt_fleet out;
    struct odt_backend *b = make(&odt_backend_cpu, &s, 2, 1, 0, 1);
    cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1, NULL), ODT_OK);
    odt_test_download_state(&odt_backend_cpu, b, &s.init, &out);
    const size_t n = s.init.n;
    size_t open = 0;
    for (size_t i = 0; i < n; ++i) {
        cr_assert_eq(out.battery_energy[i], s.init.battery_energy[i]);
        cr_assert_eq(out.temperature[i], s.init.temperature[i]);
        cr_assert_eq(out.energy_solar[i], 0.0);
        cr_assert_eq(out.elapsed_time[i], 0.0);
        const double r2 = out.position[i] * out.position[i] + out.position[n + i] * out.position[n + i] +
                          out.position[2 * n + i] * out.position[2 * n + i];
        cr_assert_gt(r2, 6378.137 * 6378.137, "satellite %zu has no position after the epoch evaluation", i);
        /* init_events: a satellite in shadow at the epoch has its interval open since t = 0, cut by the start */
        if (out.illumination[i] <= 0.0) {
            cr_assert_eq(out.umbra_start[i], 0.0);
            cr_assert_eq(out.eclipse_cut[i] & 1, 1);
            ++open;
        } else {
            cr_assert(isnan(out.umbra_start[i]), "satellite %zu lit, umbra open since %g", i, out.umbra_start[i]);
        }
    }
    cr_assert_gt(open, 0, "no satellite in shadow at the epoch");
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&out);
    setup_free(&s);
}

Test(backend_cpu, bad_calls_are_refused_and_change_nothing)
{
    struct setup s;
    setup_init(&s, std_text("cylindrical"));
    struct odt_backend *b = make(&odt_backend_cpu, &s, 2, 4, 2, 4);
    struct odt_fleet before, after;
    cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1, NULL), ODT_OK);
    odt_test_download_state(&odt_backend_cpu, b, &s.init, &before);
    struct odt_step_input x[5];
    memcpy(x, &s.in[1], sizeof x);
    double rows[2 * 2 * ODT_SV_N];
    cr_assert_neq(odt_backend_cpu.advance(b, x, 5, NULL), ODT_OK, "advance(5) with max_steps 4 was accepted");
    cr_assert_neq(odt_backend_cpu.last_error(b)[0], '\0', "no reason given");
    x[1].series_slot = 2; /* max_series 2 */
    cr_assert_neq(odt_backend_cpu.advance(b, x, 4, rows), ODT_OK, "slot 2 of 2 accepted");
    cr_assert_not_null(strstr(odt_backend_cpu.last_error(b), "slot"), "%s", odt_backend_cpu.last_error(b));
    x[1].series_slot = 0;
    cr_assert_neq(odt_backend_cpu.advance(b, x, 4, NULL), ODT_OK, "a series slot without a series buffer accepted");
    odt_test_download_state(&odt_backend_cpu, b, &s.init, &after);
    assert_identical(&before, &after, "after refused calls");
    cr_assert_eq(odt_backend_cpu.advance(b, x, 4, rows), ODT_OK, "%s", odt_backend_cpu.last_error(b));
    odt_fleet_free(&before);
    odt_fleet_free(&after);
    odt_backend_cpu.destroy(b);
    setup_free(&s);
}

/* ------------------------------------------------------------------ through odt_run */

Test(backend_cpu, run_summary_same_on_1_and_2_threads)
{
    struct odt_run_summary sum[2];
    char out[2][256];
    for (int t = 0; t < 2; ++t) {
        snprintf(out[t], sizeof out[t], "/tmp/odt_backend_test_%ld_%d.h5", (long)getpid(), t);
        struct odt_run_options opt;
        memset(&opt, 0, sizeof opt);
        opt.scenario_path = ODT_TEST_DATA "/scenarios/small.yaml";
        opt.output_path = out[t];
        opt.backend = "cpu";
        opt.threads = t + 1;
        opt.quiet = 1;
        char err[1024] = "";
        enum odt_status st = odt_run(&opt, &sum[t], err, sizeof err);
        remove(out[t]);
        char ck[600];
        for (int k = 0; k < 2; ++k) {
            snprintf(ck, sizeof ck, "%s.ckpt-%d", out[t], k);
            remove(ck);
        }
        cr_assert_eq(st, ODT_OK, "%s", err);
        cr_assert_eq(sum[t].threads, t + 1);
    }
    cr_assert_eq(sum[0].energy_solar_j, sum[1].energy_solar_j);
    cr_assert_eq(sum[0].energy_served_j, sum[1].energy_served_j);
    cr_assert_eq(sum[0].energy_unserved_j, sum[1].energy_unserved_j);
    cr_assert_eq(sum[0].energy_curtailed_j, sum[1].energy_curtailed_j);
    cr_assert_eq(sum[0].sunlit_fraction, sum[1].sunlit_fraction);
    cr_assert_eq(sum[0].battery_min_soc, sum[1].battery_min_soc);
    cr_assert_eq(sum[0].temp_max_k, sum[1].temp_max_k);
    odt_run_summary_free(&sum[0]);
    odt_run_summary_free(&sum[1]);
}

/* ------------------------------------------------------------------ backend choice */

Test(backend_choose, auto_cpu_cuda_bogus)
{
    const struct odt_backend_ops *ops = NULL;
    char err[512] = "", why[160] = "";
    const int devices = odt_backend_cuda_ops() ? odt_cuda_device_count(why, sizeof why) : 0;

    cr_assert_eq(odt_backend_choose("cpu", 1, &ops, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(ops, &odt_backend_cpu);
    cr_assert_str_eq(ops->name, "cpu");

    ops = NULL;
    cr_assert_eq(odt_backend_choose("auto", 1, &ops, err, sizeof err), ODT_OK, "%s", err);
    if (devices > 0) {
        cr_assert_eq(ops, odt_backend_cuda_ops(), "auto must take the CUDA device that is present");
    } else {
        cr_assert_eq(ops, &odt_backend_cpu, "auto must fall back to the CPU without a device");
        cr_log_info("no CUDA device here (%s): auto took cpu", why[0] ? why : "no CUDA build");
    }

    ops = NULL;
    err[0] = '\0';
    enum odt_status st = odt_backend_choose("cuda", 1, &ops, err, sizeof err);
    if (devices > 0) {
        cr_assert_eq(st, ODT_OK, "%s", err);
        cr_assert_str_eq(ops->name, "cuda");
    } else {
        cr_assert_eq(st, ODT_ERR_UNSUPPORTED, "status %d: %s", st, err);
        cr_assert_null(ops, "a failed choice must not hand out a backend");
        cr_assert_not_null(strstr(err, "cuda"), "%s", err);
        cr_assert(strstr(err, "no CUDA device found") || strstr(err, "CUDA cannot use it") ||
                      strstr(err, "no CUDA backend"),
                  "the message does not say why: %s", err);
    }

    ops = NULL;
    st = odt_backend_choose("bogus", 1, &ops, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_null(ops);
    cr_assert_not_null(strstr(err, "'bogus'"), "%s", err);
    cr_assert_not_null(strstr(err, "auto, cpu or cuda"), "%s", err);
}

Test(backend_choose, run_with_unknown_backend_fails_cleanly)
{
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    char out[256];
    snprintf(out, sizeof out, "/tmp/odt_backend_bogus_%ld.h5", (long)getpid());
    opt.scenario_path = ODT_TEST_DATA "/scenarios/small.yaml";
    opt.output_path = out;
    opt.backend = "bogus";
    opt.quiet = 1;
    struct odt_run_summary sum;
    char err[1024] = "";
    enum odt_status st = odt_run(&opt, &sum, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "%s", err);
    cr_assert_not_null(strstr(err, "bogus"), "%s", err);
    cr_assert_neq(access(out, F_OK), 0, "a file was left at %s", out);
}

/* ------------------------------------------------------------------ the field table */

Test(fleet_fields, table_is_consistent)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    cr_assert_gt(nf, 0);
    cr_assert_leq(nf, ODT_TEST_MAX_FIELDS);
    int roles[4] = {0, 0, 0, 0};
    for (int k = 0; k < nf; ++k) {
        cr_assert(fi[k].name && fi[k].name[0]);
        cr_assert(fi[k].units && fi[k].units[0], "%s has no units", fi[k].name);
        cr_assert(fi[k].description && fi[k].description[0], "%s has no description", fi[k].name);
        cr_assert(fi[k].ncomp >= 1 && fi[k].ncomp <= ODT_EV_SLOTS, "%s", fi[k].name);
        cr_assert_eq(fi[k].elem_size, fi[k].is_int ? sizeof(int32_t) : sizeof(double), "%s", fi[k].name);
        cr_assert(fi[k].role >= ODT_FIELD_PARAM && fi[k].role <= ODT_FIELD_EVENT);
        cr_assert(fi[k].storage == ODT_STORE_F32 || fi[k].storage == ODT_STORE_F64 || fi[k].storage == ODT_STORE_I32);
        cr_assert_eq(fi[k].storage == ODT_STORE_I32, fi[k].is_int, "%s: integer fields store as i32", fi[k].name);
        cr_assert_eq(odt_fleet_field_index(fi[k].name, 0), k);
        ++roles[fi[k].role];
        for (int j = 0; j < k; ++j) {
            cr_assert_neq(fi[j].offset, fi[k].offset, "%s and %s share an offset", fi[j].name, fi[k].name);
            cr_assert_str_neq(fi[j].name, fi[k].name);
        }
    }
    cr_assert_eq(odt_fleet_field_index("no_such_field", 0), -1);
    cr_assert_gt(roles[ODT_FIELD_PARAM], 0);
    cr_assert_gt(roles[ODT_FIELD_STATE], 0);
    cr_assert_gt(roles[ODT_FIELD_OUT], 0);
    cr_assert_gt(roles[ODT_FIELD_EVENT], 0);
}

Test(fleet_fields, copy_respects_the_role_mask)
{
    struct odt_fleet a, b;
    cr_assert_eq(odt_fleet_alloc(&a, 5), ODT_OK);
    cr_assert_eq(odt_fleet_alloc(&b, 5), ODT_OK);
    for (size_t i = 0; i < 5; ++i) {
        a.a_km[i] = 7000.0 + (double)i;     /* PARAM */
        a.battery_energy[i] = 300.0 + (double)i; /* STATE */
        a.solar_power[i] = 100.0 * (double)i; /* OUT */
    }
    odt_fleet_copy(&b, &a, 1u << ODT_FIELD_STATE);
    for (size_t i = 0; i < 5; ++i) {
        cr_assert_eq(b.a_km[i], 0.0);
        cr_assert_eq(b.battery_energy[i], 300.0 + (double)i);
        cr_assert_eq(b.solar_power[i], 0.0);
    }
    odt_fleet_free(&a);
    odt_fleet_free(&b);
    cr_assert_null(a.a_km);
}
