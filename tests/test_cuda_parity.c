/*
 * test_cuda_parity.c: the CUDA backend against the OpenMP backend.
 *
 * Both backends run the same odt_sat_begin / odt_sat_step / odt_sat_end on the
 * same fleet and inputs; the CUDA build contracts a*b+c into FMAs and uses
 * CUDA's libm (sin, acos, pow), so results agree to rounding, not bit for bit.
 * The CPU reference runs one step per advance() (so that every step's state
 * can be sampled), the device 60 steps per launch, as a 10 min record interval
 * at 10 s.
 *
 * State. Every STATE and OUT field is compared (walking odt_fleet_fields, so
 * a new field is compared without touching this file) with these tolerances:
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
 *                              satellite ("excused") is compared afterwards on its orbit alone
 *                              (position, velocity); the test requires that there are few of them.
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
 * Reductions (the GPU sums with atomics in no fixed order, so only to rounding):
 *   reduce      each backend's totals against the serial sum of its own
 *               downloaded state, |d| <= 1e-11 x sum of |terms| (rounding of a
 *               sum of 4000 terms in any order); the two backends' totals
 *               against each other, |d| <= sum over satellites of |cpu_i - gpu_i|
 *               of the downloaded terms (the triangle inequality) + that rounding;
 *   series      each backend's rows, when it steps one step per call, against
 *               the serial recomputation from its own per-step downloads (sums
 *               1e-11 x sum of |terms|, counts and extremes exactly); the
 *               device's rows of 60-step launches against the CPU's rows, sums
 *               within the sum over satellites of each term's field tolerance
 *               (above) + the rounding + twice the largest term for each excused
 *               satellite; counts of satellites in shadow or serving within the
 *               number excused; extremes within the field tolerance (not
 *               compared for a class with an excused satellite).
 * Events: the compacted rows of both backends, of the satellites never excused,
 *   sorted by (satellite, kind, start) (a fixed order for equal sets: a
 *   satellite's rows of one kind are minutes apart): the same satellites,
 *   kinds and numbers; times within 2 x eclipse_tol_s (both refine the same
 *   crossing to a bracket of eclipse_tol_s), except a few (<= max(2, rows /
 *   1000)) within one step: a boundary one backend cannot bracket is dated at
 *   the end of its step. No events lost on either.
 * Masked downloads: float32 (and int32, float64 of integers) values on the
 *   device equal the conversion of its own float64 values exactly, and the
 *   CPU's within the field tolerance plus one float32 rounding; a subset
 *   gives exactly the chosen satellites, in order; a download started before
 *   an advance holds the state of its start once download_wait returns.
 *
 * The test inputs carry no demand: a node's tokens are floor(capacity x factor),
 * and a capacity that differs by rounding flips that floor by one token at
 * some steps, which the queue then carries on; the dispatch is checked on the
 * CPU backend (test_backend.c).
 *
 * Without a CUDA build or a device, main() prints "SKIP: ..." and exits 77,
 * which CTest reports as skipped. ODT_PARITY_CPU=1 runs every check with the
 * OpenMP backend in the device's place (a check of this test itself on a
 * machine without a GPU: everything must then pass, most of it exactly).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/scenario.h"
#include "kernels/backend.h"
#include "tests/backend_util.h"

#define CHUNK 60            /* steps per advance() on the device, as a 10 min snapshot interval at 10 s */
#define NEAR_BOUNDARY_KM 1e-6
#define ILLUM_TOL_CONICAL 1e-7 /* see the table above */
#define SUM_ROUND_REL 1e-11    /* rounding of a sum of the fleet's terms in any order, relative to sum |terms| */

static const struct odt_backend_ops *device_ops(void)
{
    const char *e = getenv("ODT_PARITY_CPU");
    return e && e[0] && strcmp(e, "0") != 0 ? &odt_backend_cpu : odt_backend_cuda_ops();
}

/* The default scenario's fleet and satellite, plus a 53 deg walker shell that sees eclipses (with a weak
   accelerator population and frequent restarts, so that reliability events are compacted too): 4000 satellites. */
static const char *parity_text(const char *shadow, int duration_s)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "name: cuda-parity\n"
             "epoch: 2026-06-21T00:00:00Z\n"
             "duration_s: %d\n"
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
             "    phasing: 7\n"
             "    satellite:\n"
             "      weak_fraction: 0.3\n"
             "      burn_in_h: 0\n"
             "      restart_rate_per_day: 2\n",
             duration_s, shadow);
    return buf;
}

struct setup {
    struct odt_scenario sc;
    struct odt_fleet init;
    struct odt_fleet_meta meta;
    struct odt_step_input *in; /* in[0]: epoch, dt = 0, init_events; in[1..steps] */
    long steps;
    int ndl;                   /* snapshots: the epoch, then one per CHUNK steps */
    int nc;
    size_t row;                /* nc x ODT_SV_N */
};

static void setup_init(struct setup *s, const char *text)
{
    char err[1024];
    cr_assert_eq(odt_scenario_load_text("cuda-parity.yaml", text, strlen(text), &s->sc, err, sizeof err), ODT_OK,
                 "%s", err);
    cr_assert_eq(odt_fleet_build(&s->sc, &s->init, &s->meta, err, sizeof err), ODT_OK, "%s", err);
    s->steps = odt_scenario_steps(&s->sc);
    s->nc = s->meta.n_classes > 0 ? s->meta.n_classes : 1;
    s->row = (size_t)s->nc * ODT_SV_N;
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

static struct odt_backend *make_backend(const struct odt_backend_ops *ops, const struct setup *s, int max_steps,
                                        int max_series, int sub_steps)
{
    struct odt_backend_config c;
    odt_backend_config_init(&c, &s->sc, &s->init, &s->meta, max_steps, 0);
    c.max_series = max_series;
    c.sub_steps = sub_steps;
    struct odt_backend *b = NULL;
    char err[512] = "";
    cr_assert_eq(ops->create(&b, &c, err, sizeof err), ODT_OK, "%s backend: %s", ops->name, err);
    cr_assert_eq(ops->upload(b, &s->init), ODT_OK, "%s upload: %s", ops->name, ops->last_error(b));
    return b;
}

/* ------------------------------------------------------------------ tolerances */

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
        t.abs = shadow_model == ODT_SHADOW_CONICAL ? ILLUM_TOL_CONICAL : 0.0;
    } else if (!strcmp(f->units, "km")) {
        t = (struct tol){0.0, 0.0, 1e-6, 1};
    } else if (!strcmp(f->units, "km s-1")) {
        t = (struct tol){0.0, 0.0, 1e-9, 1};
    } else if (!strcmp(f->units, "K")) {
        t = (struct tol){0.0, 0.0, 1e-6, 0};
    } else if (!strcmp(f->units, "W")) {
        t.rel = 1e-6;
        /* in the penumbra a power carries the illumination's rounding noise times the full power */
        if (shadow_model == ODT_SHADOW_CONICAL)
            t.abs_frac = ILLUM_TOL_CONICAL;
    }
    if (shadow_model == ODT_SHADOW_CONICAL && (!strcmp(f->units, "J") || !strcmp(f->units, "s")))
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

/* The largest |value| of field f over the fleet. */
static double field_scale(const struct odt_fleet *fl, const struct odt_field_info *f)
{
    double scale = 0.0;
    for (size_t e = 0; e < fl->n * (size_t)f->ncomp; ++e)
        scale = fmax(scale, fabs(value(fl, f, e)));
    return scale;
}

/* Compare state d of both backends; returns the number of satellites excused. */
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
            continue; /* events: compared as the compacted rows */
        const struct tol t = field_tol(f, s->sc.shadow_model);
        const size_t count = n * (size_t)f->ncomp;
        const double scale = field_scale(cpu, f);
        double worst = 0.0, sum_cpu = 0.0, sum_gpu = 0.0, sum_abs = 0.0;
        for (size_t e = 0; e < count; ++e) {
            const size_t i = e % n;
            if (near[i] <= after_steps && !t.orbit_only)
                continue;
            const double a = value(cpu, f, e), b = value(gpu, f, e);
            cr_assert(!isnan(b) || isnan(a), "%s: %s of satellite %zu is NaN on the GPU (CPU %.17g)", what, f->name,
                      i, a);
            cr_assert(!isnan(a) || isnan(b), "%s: %s of satellite %zu is NaN on the CPU (GPU %.17g)", what, f->name,
                      i, b);
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
            cr_log_info("%s: %-22s largest |cpu - cuda| = %.3g %s", what, f->name, worst, f->units);
    }
    return excused;
}

/* ------------------------------------------------------------------ event lists */

/* ------------------------------------------------------------------ serial references */

/* Satellite i's terms of the fleet totals (enum odt_total_var), from its downloaded state. */
static void sat_terms(const struct odt_fleet *f, size_t i, double t[ODT_TV_N])
{
    const double cap = f->capacity[i];
    t[ODT_TV_CAPACITY] = cap > 0.0 ? cap : 0.0;
    t[ODT_TV_N_SERVING] = cap > 0.0;
    t[ODT_TV_N_INACTIVE] = f->status[i] != 0;
    t[ODT_TV_ENERGY_SOLAR] = f->energy_solar[i];
    t[ODT_TV_ENERGY_DEMAND] = f->energy_demand[i];
    t[ODT_TV_ENERGY_SERVED] = f->energy_served[i];
    t[ODT_TV_ENERGY_UNSERVED] = f->energy_unserved[i];
    t[ODT_TV_ENERGY_CURTAILED] = f->energy_curtailed[i];
    t[ODT_TV_ENERGY_CHARGE] = f->energy_charge[i];
    t[ODT_TV_ENERGY_DISCHARGE] = f->energy_discharge[i];
    t[ODT_TV_ENERGY_LOSS] = f->energy_loss[i];
    t[ODT_TV_SUNLIT_TIME] = f->sunlit_time[i];
    t[ODT_TV_ELAPSED_TIME] = f->elapsed_time[i];
    t[ODT_TV_TOKENS_ARRIVED] = f->tokens_arrived[i];
    t[ODT_TV_TOKENS_SERVED] = f->tokens_served[i];
    t[ODT_TV_TOKENS_DROPPED] = f->tokens_dropped[i];
    t[ODT_TV_TOKENS_WAITING] = f->queue_waiting[i];
    t[ODT_TV_CAPACITY_IDEAL] = f->capacity_ideal[i];
    t[ODT_TV_LOST_POWER] = f->capacity_lost_power[i];
    t[ODT_TV_LOST_HEAT] = f->capacity_lost_heat[i];
    t[ODT_TV_LOST_FAILURES] = f->capacity_lost_failures[i];
    t[ODT_TV_ACCEL_FAILED] = f->accel_failed[i];
    t[ODT_TV_RESTARTS] = f->restarts[i];
    t[ODT_TV_TIME_OVER_LIMIT] = f->time_over_limit[i];
    t[ODT_TV_EVENTS_LOST] = f->events_lost[i];
    const int in_service = f->life_status[i] == ODT_LIFE_IN_SERVICE;
    t[ODT_TV_SATELLITES] = 1.0;
    t[ODT_TV_N_IN_SERVICE] = in_service;
    t[ODT_TV_N_RETIRED] = f->life_status[i] == ODT_LIFE_RETIRED;
    t[ODT_TV_ACCEL_WORKING] = in_service ? f->accel_working[i] : 0;
    for (int k = 0; k < ODT_TV_N; ++k)
        t[k] *= f->weight[i];
}

/* Serial per-class sums of the terms of f (tot), of their |terms| (mag) and, when g is given, of
   |terms of f - terms of g| (diff). */
static void serial_totals(const struct setup *s, const struct odt_fleet *f, const struct odt_fleet *g, double *tot,
                          double *mag, double *diff)
{
    const size_t len = (size_t)s->nc * ODT_TV_N;
    for (size_t q = 0; q < len; ++q)
        tot[q] = mag[q] = diff ? (diff[q] = 0.0) : 0.0;
    for (size_t i = 0; i < f->n; ++i) {
        double t[ODT_TV_N], u[ODT_TV_N];
        sat_terms(f, i, t);
        if (g)
            sat_terms(g, i, u);
        const size_t c = (size_t)f->cls[i] * ODT_TV_N;
        for (int v = 0; v < ODT_TV_N; ++v) {
            tot[c + v] += t[v];
            mag[c + v] += fabs(t[v]);
            if (g)
                diff[c + v] += fabs(t[v] - u[v]);
        }
    }
}

/* A backend's totals against the serial sums of its own downloaded state f. */
static void assert_own_totals(const struct setup *s, const double *got, const struct odt_fleet *f, const char *what)
{
    const size_t len = (size_t)s->nc * ODT_TV_N;
    double *ref = malloc(sizeof(double) * len), *mag = malloc(sizeof(double) * len);
    serial_totals(s, f, NULL, ref, mag, NULL);
    for (size_t q = 0; q < len; ++q)
        cr_assert(fabs(got[q] - ref[q]) <= SUM_ROUND_REL * mag[q],
                  "%s: class %zu total %zu: backend %.17g, serial sum of its state %.17g", what, q / ODT_TV_N,
                  q % ODT_TV_N, got[q], ref[q]);
    free(ref);
    free(mag);
}

/* The fields a series row is recomputed from (and its tolerance taken from), downloaded after every step. */
static const char *const step_fields[] = {
    "solar_power",   "load_power",    "compute_power",  "curtailed_power", "unserved_power", "battery_power",
    "battery_energy", "heat_radiated", "capacity",       "tokens_arrived",  "tokens_served",  "tokens_dropped",
    "queue_waiting",  "illumination",  "status",         "temperature",     "position",     "life_status",
    "accel_working", "battery_health"};

/* The series sums taken from one field each (SOC: battery_energy over the class capacity; ARRIVED, SERVED,
   DROPPED: differences of the cumulative counters). */
static const struct {
    int v;
    const char *field;
    int active_only;
} sv_map[] = {{ODT_SV_SOLAR_W, "solar_power", 0},       {ODT_SV_LOAD_W, "load_power", 0},
              {ODT_SV_COMPUTE_W, "compute_power", 0},   {ODT_SV_CURTAILED_W, "curtailed_power", 0},
              {ODT_SV_UNSERVED_W, "unserved_power", 0}, {ODT_SV_BATTERY_W, "battery_power", 0},
              {ODT_SV_BATTERY_J, "battery_energy", 0},  {ODT_SV_HEAT_RADIATED_W, "heat_radiated", 0},
              {ODT_SV_CAPACITY, "capacity", 0},         {ODT_SV_ARRIVED, "tokens_arrived", 0},
              {ODT_SV_SERVED, "tokens_served", 0},      {ODT_SV_DROPPED, "tokens_dropped", 0},
              {ODT_SV_WAITING, "queue_waiting", 0},     {ODT_SV_TEMP_SUM, "temperature", 1},
              {ODT_SV_SOC_SUM, "battery_energy", 1}};
#define SV_MAP_N ((int)(sizeof sv_map / sizeof sv_map[0]))

/* Satellite i's term of series variable sv_map[m].v, from the state after the step (cur) and before it (prev). */
static double sv_term(const struct setup *s, const struct odt_fleet *cur, const struct odt_fleet *prev, int m,
                      const struct odt_field_info *F, size_t i)
{
    const int v = sv_map[m].v;
    const double cap = s->meta.classes[cur->cls[i]].battery.capacity_j * cur->battery_health[i];
    if (sv_map[m].active_only && (cur->status[i] != 0 || (v == ODT_SV_SOC_SUM && !(cap > 0.0))))
        return 0.0;
    switch (v) {
    case ODT_SV_ARRIVED: return cur->tokens_arrived[i] - prev->tokens_arrived[i];
    case ODT_SV_SERVED: return cur->tokens_served[i] - prev->tokens_served[i];
    case ODT_SV_DROPPED: return cur->tokens_dropped[i] - prev->tokens_dropped[i];
    case ODT_SV_SOC_SUM: return cur->battery_energy[i] / cap;
    default: return value(cur, F, i);
    }
}

/*
 * The series row recomputed serially from the per-step downloads (row, with
 * the sums of |terms| in mag), and the parity tolerance of each variable
 * (ptol): sums, the sum over satellites of each term's field tolerance + the
 * rounding + twice the largest term per excused satellite; counts of
 * satellites in shadow or serving, the number excused; extremes, the largest
 * field tolerance. excl[c]: satellites of class c excused by this step.
 */
static void serial_row(const struct setup *s, const struct odt_fleet *cur, const struct odt_fleet *prev,
                       const long *near, long step, double *row, double *mag, double *ptol, int *excl)
{
    int nt;
    const struct odt_field_info *fi = odt_fleet_fields(&nt);
    const size_t n = cur->n;
    const int sm = s->sc.shadow_model;
    odt_series_init_row(row, s->nc);
    for (size_t q = 0; q < s->row; ++q)
        mag[q] = ptol[q] = 0.0;
    double *big = calloc(s->row, sizeof *big); /* the largest |term| per variable */
    for (int c = 0; c < s->nc; ++c)
        excl[c] = 0;
    double scale[SV_MAP_N];
    const struct odt_field_info *Fm[SV_MAP_N];
    struct tol tm[SV_MAP_N];
    for (int m = 0; m < SV_MAP_N; ++m) {
        Fm[m] = &fi[odt_test_field(sv_map[m].field)];
        tm[m] = field_tol(Fm[m], sm);
        scale[m] = field_scale(cur, Fm[m]);
    }
    const struct odt_field_info *Ft = &fi[odt_test_field("temperature")], *Fe = &fi[odt_test_field("battery_energy")];
    const struct tol tt = field_tol(Ft, sm), te = field_tol(Fe, sm);
    const double scale_e = field_scale(cur, Fe);
    for (size_t i = 0; i < n; ++i) {
        const int c = cur->cls[i];
        const size_t at = (size_t)c * ODT_SV_N;
        const int active = cur->status[i] == 0;
        const double cap = s->meta.classes[c].battery.capacity_j * cur->battery_health[i];
        const int excused = near && near[i] <= step;
        excl[c] += excused;
        /* the parity fleets are in service from the epoch, unweighted (weights and launches: test_backend) */
        cr_assert(cur->weight[i] == 1.0 && cur->life_status[i] == ODT_LIFE_IN_SERVICE,
                  "satellite %zu: weight %g, life %d", i, cur->weight[i], cur->life_status[i]);
        row[at + ODT_SV_N_IN_SERVICE] += 1.0;
        row[at + ODT_SV_ACCEL_WORKING] += cur->accel_working[i];
        for (int m = 0; m < SV_MAP_N; ++m) {
            const int v = sv_map[m].v;
            const struct odt_field_info *F = Fm[m];
            const struct tol t = tm[m];
            const double x = sv_term(s, cur, prev, m, F, i);
            row[at + v] += x;
            mag[at + v] += fabs(x);
            big[at + v] = fmax(big[at + v], fabs(x));
            double ti;
            if (v == ODT_SV_ARRIVED || v == ODT_SV_SERVED || v == ODT_SV_DROPPED) {
                /* a difference of two cumulative counters, each within its tolerance */
                const double x1 = value(cur, F, i), x0 = value(prev, F, i);
                ti = t.rel * (fabs(x1) + fabs(x0)) + 2.0 * t.abs_frac * scale[m] + 2.0 * t.abs;
                mag[at + v] += fabs(x1) + fabs(x0);
            } else if (v == ODT_SV_SOC_SUM) {
                ti = x != 0.0 ? (te.rel * fabs(cur->battery_energy[i]) + te.abs_frac * scale_e + te.abs) / cap : 0.0;
            } else {
                ti = (sv_map[m].active_only && !active) ? 0.0 : t.rel * fabs(x) + t.abs_frac * scale[m] + t.abs;
            }
            ptol[at + v] += ti;
        }
        row[at + ODT_SV_N_SERVING] += cur->capacity[i] > 0.0;
        if (active) {
            row[at + ODT_SV_N_UMBRA] += cur->illumination[i] <= 0.0;
            row[at + ODT_SV_N_SHADOW] += cur->illumination[i] < 1.0;
            row[at + ODT_SV_N_ACTIVE] += 1.0;
            const double t = cur->temperature[i];
            row[at + ODT_SV_TEMP_MIN] = fmin(row[at + ODT_SV_TEMP_MIN], t);
            row[at + ODT_SV_TEMP_MAX] = fmax(row[at + ODT_SV_TEMP_MAX], t);
            ptol[at + ODT_SV_TEMP_MIN] = ptol[at + ODT_SV_TEMP_MAX] = tt.abs;
            if (cap > 0.0) {
                const double soc = cur->battery_energy[i] / cap;
                row[at + ODT_SV_N_BATTERY] += 1.0;
                row[at + ODT_SV_SOC_MIN] = fmin(row[at + ODT_SV_SOC_MIN], soc);
                row[at + ODT_SV_SOC_MAX] = fmax(row[at + ODT_SV_SOC_MAX], soc);
                const double ts = (te.rel * fabs(cur->battery_energy[i]) + te.abs_frac * scale_e + te.abs) / cap;
                ptol[at + ODT_SV_SOC_MIN] = fmax(ptol[at + ODT_SV_SOC_MIN], ts);
                ptol[at + ODT_SV_SOC_MAX] = ptol[at + ODT_SV_SOC_MIN];
            }
        }
        for (int v = ODT_SV_N_UMBRA; v <= ODT_SV_N_BATTERY; ++v)
            mag[at + v] += 1.0;
    }
    for (int c = 0; c < s->nc; ++c) {
        const size_t at = (size_t)c * ODT_SV_N;
        for (int m = 0; m < SV_MAP_N; ++m) {
            const int v = sv_map[m].v;
            ptol[at + v] += SUM_ROUND_REL * mag[at + v] + 2.0 * big[at + v] * excl[c];
        }
        ptol[at + ODT_SV_N_UMBRA] = ptol[at + ODT_SV_N_SHADOW] = ptol[at + ODT_SV_N_SERVING] = excl[c];
        ptol[at + ODT_SV_N_ACTIVE] = ptol[at + ODT_SV_N_BATTERY] = ptol[at + ODT_SV_N_IN_SERVICE] = 0.0;
        ptol[at + ODT_SV_ACCEL_WORKING] = 0.0; /* failures come from the same Philox draws on both: exact */
    }
    free(big);
}

/* A backend's series row against the serial recomputation from its own per-step state. */
static void assert_own_row(const struct setup *s, const double *got, const double *ref, const double *mag,
                           const char *what)
{
    for (size_t q = 0; q < s->row; ++q) {
        const size_t v = q % ODT_SV_N;
        if (v < ODT_SV_N_SUMS)
            cr_assert(fabs(got[q] - ref[q]) <= SUM_ROUND_REL * mag[q],
                      "%s: class %zu variable %zu: backend %.17g, serial sum of its state %.17g (|d| %.3g)", what,
                      q / ODT_SV_N, v, got[q], ref[q], fabs(got[q] - ref[q]));
        else
            cr_assert(got[q] == ref[q], "%s: class %zu extreme %zu: backend %.17g, from its state %.17g", what,
                      q / ODT_SV_N, v, got[q], ref[q]);
    }
}

/* ------------------------------------------------------------------ runs */

struct run_out {
    struct odt_fleet *snap; /* the state after the epoch and after every CHUNK steps (ndl of them) */
    int nsnap;
    double *tot;            /* ndl x nc x ODT_TV_N: reduce at every snapshot */
    double *series;         /* (steps + 1) rows */
    double *ptol;           /* run_stepwise: the parity tolerance of every series value */
    int *excl;              /* run_stepwise: (steps + 1) x nc satellites excused */
    struct odt_test_events ev;       /* every row (close_events included), sorted by (satellite, kind, start) */
};

static void run_alloc(const struct setup *s, struct run_out *o)
{
    memset(o, 0, sizeof *o);
    o->snap = calloc((size_t)s->ndl, sizeof *o->snap);
    o->tot = malloc(sizeof(double) * (size_t)s->ndl * (size_t)s->nc * ODT_TV_N);
    o->series = malloc(sizeof(double) * s->row * (size_t)(s->steps + 1));
}

static void run_free(struct run_out *o)
{
    for (int d = 0; d < o->nsnap; ++d)
        odt_fleet_free(&o->snap[d]);
    free(o->snap);
    free(o->tot);
    free(o->series);
    free(o->ptol);
    free(o->excl);
    free(o->ev.r);
}

static void snapshot(const struct odt_backend_ops *ops, struct odt_backend *b, const struct setup *s,
                     struct run_out *o)
{
    cr_assert_lt(o->nsnap, s->ndl);
    odt_test_download_state(ops, b, &s->init, &o->snap[o->nsnap]);
    double *t = o->tot + (size_t)o->nsnap * (size_t)s->nc * ODT_TV_N;
    cr_assert_eq(ops->reduce(b, t), ODT_OK, "%s reduce: %s", ops->name, ops->last_error(b));
    char what[96];
    snprintf(what, sizeof what, "%s, snapshot %d", ops->name, o->nsnap);
    assert_own_totals(s, t, &o->snap[o->nsnap], what);
    ++o->nsnap;
}

static void finish(const struct odt_backend_ops *ops, struct odt_backend *b, const struct setup *s,
                   struct run_out *o)
{
    cr_assert_eq(o->nsnap, s->ndl);
    cr_assert_eq(ops->close_events(b, (double)s->steps * s->sc.step_s), ODT_OK, "%s", ops->last_error(b));
    odt_test_take_events(ops, b, &o->ev);
    if (o->ev.n)
        odt_test_sort_events(&o->ev);
    const struct odt_fleet *last = &o->snap[s->ndl - 1];
    for (size_t i = 0; i < last->n; ++i)
        cr_assert_eq(last->events_lost[i], 0, "%s: satellite %zu lost %d events", ops->name, i, last->events_lost[i]);
}

/*
 * ops in launches of CHUNK steps (sub-batches of CHUNK), as the run does: a
 * series slot on every step, the events collected after every launch, the
 * state and the totals at every snapshot. keep: hand the backend back before
 * close_events instead of destroying it.
 */
static void run_chunked(const struct odt_backend_ops *ops, const struct setup *s, struct run_out *o,
                        struct odt_backend **keep)
{
    run_alloc(s, o);
    struct odt_backend *b = make_backend(ops, s, CHUNK, CHUNK, CHUNK);
    struct odt_step_input x[CHUNK];
    double *rows = malloc(sizeof(double) * s->row * CHUNK);
    for (long done = -1; done < s->steps;) {
        const long first = done + 1;
        const int k = done < 0 ? 1 : (int)(s->steps - done < CHUNK ? s->steps - done : CHUNK);
        memcpy(x, &s->in[first], sizeof *x * (size_t)k);
        for (int q = 0; q < k; ++q)
            x[q].series_slot = q;
        cr_assert_eq(ops->advance(b, x, k, rows), ODT_OK, "%s advance: %s", ops->name, ops->last_error(b));
        memcpy(o->series + (size_t)first * s->row, rows, sizeof(double) * s->row * (size_t)k);
        odt_test_take_events(ops, b, &o->ev);
        snapshot(ops, b, s, o);
        done += k;
    }
    free(rows);
    if (keep) {
        *keep = b;
        return;
    }
    finish(ops, b, s, o);
    ops->destroy(b);
}

/*
 * ops one step per advance(): after every step the state the series is made
 * of is downloaded, the row is checked against its serial recomputation (the
 * backend's own reduction), and the parity tolerances are recorded. near[i]
 * receives the first step after which satellite i came within
 * NEAR_BOUNDARY_KM of the shadow cylinder (LONG_MAX: never).
 */
static void run_stepwise(const struct odt_backend_ops *ops, const struct setup *s, struct run_out *o, long *near)
{
    run_alloc(s, o);
    const size_t n = s->init.n;
    o->ptol = malloc(sizeof(double) * s->row * (size_t)(s->steps + 1));
    o->excl = malloc(sizeof(int) * (size_t)s->nc * (size_t)(s->steps + 1));
    struct odt_backend *b = make_backend(ops, s, 1, 1, 1);
    struct odt_fleet cur, prev;
    cr_assert_eq(odt_fleet_alloc(&cur, n), ODT_OK);
    cr_assert_eq(odt_fleet_alloc(&prev, n), ODT_OK);
    odt_fleet_copy(&cur, &s->init, ODT_ROLES_ALL);
    odt_fleet_copy(&prev, &s->init, ODT_ROLES_ALL);
    int fld[ODT_TEST_MAX_FIELDS];
    const int nsf = (int)(sizeof step_fields / sizeof step_fields[0]);
    for (int k = 0; k < nsf; ++k)
        fld[k] = odt_test_field(step_fields[k]);
    for (size_t i = 0; i < n; ++i)
        near[i] = LONG_MAX;
    double *ref = malloc(sizeof(double) * s->row), *mag = malloc(sizeof(double) * s->row);
    for (long step = 0; step <= s->steps; ++step) {
        struct odt_step_input x = s->in[step];
        x.series_slot = 0;
        double *row = o->series + (size_t)step * s->row;
        cr_assert_eq(ops->advance(b, &x, 1, row), ODT_OK, "%s advance: %s", ops->name, ops->last_error(b));
        odt_test_take_events(ops, b, &o->ev);
        odt_test_download_fields(ops, b, &cur, fld, nsf);
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
        serial_row(s, &cur, &prev, near, step, ref, mag, o->ptol + (size_t)step * s->row,
                   o->excl + (size_t)step * (size_t)s->nc);
        char what[96];
        snprintf(what, sizeof what, "%s, series row of step %ld", ops->name, step);
        assert_own_row(s, row, ref, mag, what);
        odt_fleet_copy(&prev, &cur, ODT_ROLE_MASK(ODT_FIELD_STATE) | ODT_ROLE_MASK(ODT_FIELD_OUT));
        if (step % CHUNK == 0 || step == s->steps)
            snapshot(ops, b, s, o);
    }
    finish(ops, b, s, o);
    ops->destroy(b);
    free(ref);
    free(mag);
    odt_fleet_free(&cur);
    odt_fleet_free(&prev);
}

/* ------------------------------------------------------------------ parity of the reductions and events */

static void compare_series(const struct setup *s, const struct run_out *cpu, const struct run_out *gpu,
                           const char *shadow)
{
    double worst = 0.0;
    for (long j = 0; j <= s->steps; ++j)
        for (size_t q = 0; q < s->row; ++q) {
            const size_t e = (size_t)j * s->row + q, c = q / ODT_SV_N, v = q % ODT_SV_N;
            const double a = cpu->series[e], g = gpu->series[e], t = cpu->ptol[e];
            if (isinf(a) || isinf(g)) {
                cr_assert_eq(a, g, "%s shadow, step %ld class %zu variable %zu: cpu %g, cuda %g", shadow, j, c, v, a,
                             g);
                continue;
            }
            if (v >= ODT_SV_N_SUMS && cpu->excl[(size_t)j * (size_t)s->nc + c])
                continue; /* an excused satellite may hold the extreme */
            cr_assert(fabs(a - g) <= t,
                      "%s shadow, series row of step %ld, class %zu variable %zu: cpu %.17g, cuda %.17g, |d| %.3g > "
                      "%.3g",
                      shadow, j, c, v, a, g, fabs(a - g), t);
            if (t > 0.0)
                worst = fmax(worst, fabs(a - g) / t);
        }
    cr_log_info("%s shadow: series rows, largest |cpu - cuda| / tolerance = %.3g", shadow, worst);
}

static void compare_totals(const struct setup *s, const struct run_out *cpu, const struct run_out *gpu,
                           const char *shadow)
{
    const size_t len = (size_t)s->nc * ODT_TV_N;
    double *ref = malloc(sizeof(double) * len), *mc = malloc(sizeof(double) * len);
    double *rg = malloc(sizeof(double) * len), *mg = malloc(sizeof(double) * len);
    double *diff = malloc(sizeof(double) * len);
    for (int d = 0; d < s->ndl; ++d) {
        const double *a = cpu->tot + (size_t)d * len, *g = gpu->tot + (size_t)d * len;
        serial_totals(s, &cpu->snap[d], &gpu->snap[d], ref, mc, diff);
        serial_totals(s, &gpu->snap[d], NULL, rg, mg, NULL);
        for (size_t q = 0; q < len; ++q) {
            const double bound = diff[q] + SUM_ROUND_REL * (mc[q] + mg[q]);
            cr_assert(fabs(a[q] - g[q]) <= bound,
                      "%s shadow, snapshot %d: class %zu total %zu: cpu %.17g, cuda %.17g, |d| %.3g > %.3g (sum of the "
                      "satellites' differences %.3g)",
                      shadow, d, q / ODT_TV_N, q % ODT_TV_N, a[q], g[q], fabs(a[q] - g[q]), bound, diff[q]);
        }
    }
    free(ref);
    free(mc);
    free(rg);
    free(mg);
    free(diff);
}

/* The rows of the satellites never excused. */
static void filter_events(const struct odt_test_events *L, const long *near, struct odt_test_events *out)
{
    out->r = malloc(sizeof *out->r * (L->n ? L->n : 1));
    out->n = out->cap = 0;
    for (size_t k = 0; k < L->n; ++k)
        if (near[L->r[k].satellite] == LONG_MAX)
            out->r[out->n++] = L->r[k];
}

static void compare_events(const struct setup *s, const struct run_out *cpu, const struct run_out *gpu,
                           const long *near, const char *shadow)
{
    const double tol_s = 2.0 * 1e-3; /* 2 x eclipse_tol_s (odt_backend_config_init) */
    struct odt_test_events a, g;
    filter_events(&cpu->ev, near, &a);
    filter_events(&gpu->ev, near, &g);
    cr_assert_eq(a.n, g.n, "%s shadow: %zu event rows on the CPU, %zu on the device", shadow, a.n, g.n);
    size_t late = 0, kinds[5] = {0}, cut = 0;
    double worst = 0.0;
    for (size_t k = 0; k < a.n; ++k) {
        const struct odt_event_row *x = &a.r[k], *y = &g.r[k];
        cr_assert(x->satellite == y->satellite && x->kind == y->kind && x->number == y->number,
                  "%s shadow: event row %zu: cpu sat %d kind %d number %d [%.9g, %.9g], cuda sat %d kind %d number %d "
                  "[%.9g, %.9g]",
                  shadow, k, x->satellite, x->kind, x->number, x->t0_s, x->t1_s, y->satellite, y->kind, y->number,
                  y->t0_s, y->t1_s);
        cr_assert(x->kind >= ODT_EVENT_UMBRA && x->kind <= ODT_EVENT_RESTART);
        ++kinds[x->kind];
        cut += x->kind <= ODT_EVENT_SHADOW && x->number == 0;
        const double d = fmax(fabs(x->t0_s - y->t0_s), fabs(x->t1_s - y->t1_s));
        if (d > tol_s) {
            ++late;
            cr_assert(d <= s->sc.step_s, "%s shadow: satellite %d kind %d: times differ by %.3g s", shadow,
                      x->satellite, x->kind, d);
            cr_log_warn("%s shadow: satellite %d kind %d: times differ by %.3g s (a boundary dated at a step's end)",
                        shadow, x->satellite, x->kind, d);
        } else {
            worst = fmax(worst, d);
        }
    }
    cr_assert_leq(late, a.n / 1000 > 2 ? a.n / 1000 : 2, "%s shadow: %zu event rows with times apart", shadow, late);
    cr_log_info("%s shadow: %zu event rows (umbra %zu, shadow %zu, failures %zu, restarts %zu, %zu cut): largest "
                "time difference %.3g s",
                shadow, a.n, kinds[1], kinds[2], kinds[3], kinds[4], cut, worst);
    /* not vacuous */
    cr_assert_gt(kinds[ODT_EVENT_UMBRA], s->init.n / 10);
    cr_assert_gt(kinds[ODT_EVENT_RESTART], 0);
    cr_assert_gt(kinds[ODT_EVENT_FAILURE], 0);
    cr_assert_gt(cut, 0);
    if (s->sc.shadow_model == ODT_SHADOW_CONICAL)
        cr_assert_gt(kinds[ODT_EVENT_SHADOW], 0);
    free(a.r);
    free(g.r);
}

static void parity(const char *shadow)
{
    struct setup s;
    setup_init(&s, parity_text(shadow, 3600));
    const size_t n = s.init.n;
    cr_assert_eq(n, 4000);
    long *near = malloc(sizeof *near * n);
    struct run_out cpu, gpu;
    run_stepwise(&odt_backend_cpu, &s, &cpu, near);
    run_chunked(device_ops(), &s, &gpu, NULL);
    cr_assert_eq(cpu.nsnap, gpu.nsnap);

    size_t excused = 0;
    for (int d = 0; d < s.ndl; ++d) {
        const long after = d == s.ndl - 1 ? s.steps : (long)d * CHUNK;
        char what[96];
        snprintf(what, sizeof what, "%s shadow, after %ld steps", shadow, after);
        excused = compare(&s, &cpu.snap[d], &gpu.snap[d], near, after, what);
    }
    if (excused)
        cr_log_warn("%zu satellites came within %g km of the shadow cylinder and were compared on their orbit alone",
                    excused, NEAR_BOUNDARY_KM);
    cr_assert_leq(excused, n / 1000, "%zu satellites excused: the boundary band is too wide to be chance", excused);
    compare_totals(&s, &cpu, &gpu, shadow);
    compare_series(&s, &cpu, &gpu, shadow);
    compare_events(&s, &cpu, &gpu, near, shadow);

    /* the comparison is not vacuous: eclipses happened, batteries discharged, arrays produced */
    const struct odt_fleet *last = &cpu.snap[s.ndl - 1];
    size_t eclipsed = 0, discharged = 0;
    for (size_t i = 0; i < n; ++i) {
        eclipsed += last->sunlit_time[i] < last->elapsed_time[i];
        discharged += last->energy_discharge[i] > 0.0;
    }
    cr_assert_gt(eclipsed, n / 10, "only %zu satellites saw an eclipse", eclipsed);
    cr_assert_gt(discharged, n / 10);
    run_free(&cpu);
    run_free(&gpu);
    free(near);
    setup_free(&s);
}

Test(cuda_parity, cylindrical_shadow) { parity("cylindrical"); }

Test(cuda_parity, conical_shadow) { parity("conical"); }

Test(cuda_parity, device_reductions_match_its_own_state)
{
    /* one step per launch: every series row against the serial sum of the device's own downloaded state (the
       atomics), the totals likewise at every snapshot (run_stepwise) */
    struct setup s;
    setup_init(&s, parity_text("conical", 1200));
    long *near = malloc(sizeof *near * s.init.n);
    struct run_out o;
    run_stepwise(device_ops(), &s, &o, near);
    run_free(&o);
    free(near);
    setup_free(&s);
}

Test(cuda_parity, device_runs_are_deterministic)
{
    /* no atomics in the step: two device runs give the same bits of state and the same event rows; the series
       and totals (atomics) agree to the rounding of their sums */
    struct setup s;
    setup_init(&s, parity_text("conical", 3600));
    struct run_out a, b;
    run_chunked(device_ops(), &s, &a, NULL);
    run_chunked(device_ops(), &s, &b, NULL);
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int d = 0; d < s.ndl; ++d)
        for (int k = 0; k < nf; ++k)
            if (fi[k].role != ODT_FIELD_PARAM && fi[k].role != ODT_FIELD_EVENT)
                cr_assert_eq(memcmp(odt_fleet_field_ptr(&a.snap[d], &fi[k]), odt_fleet_field_ptr(&b.snap[d], &fi[k]),
                                    s.init.n * (size_t)fi[k].ncomp * fi[k].elem_size),
                             0, "snapshot %d: %s differs between two identical device runs", d, fi[k].name);
    cr_assert_eq(a.ev.n, b.ev.n);
    if (a.ev.n)
        cr_assert_eq(memcmp(a.ev.r, b.ev.r, sizeof *a.ev.r * a.ev.n), 0, "the event rows differ");
    /* the totals: within the rounding of their sums (SUM_ROUND_REL of the sum of |terms|) */
    const size_t len = (size_t)s.nc * ODT_TV_N;
    double *ref = malloc(sizeof(double) * len), *mag = malloc(sizeof(double) * len);
    for (int d = 0; d < s.ndl; ++d) {
        serial_totals(&s, &a.snap[d], NULL, ref, mag, NULL);
        for (size_t q = 0; q < len; ++q)
            cr_assert(fabs(a.tot[d * len + q] - b.tot[d * len + q]) <= 2.0 * SUM_ROUND_REL * mag[q],
                      "snapshot %d total %zu: %.17g vs %.17g", d, q, a.tot[d * len + q], b.tot[d * len + q]);
    }
    free(ref);
    free(mag);
    /* the series sums: within SUM_ROUND_REL of the variable's largest |value| over the run (a stand-in for the
       sum of |terms|, which the device runs do not give per step) plus both values */
    double *big = calloc(s.row, sizeof *big);
    for (long j = 0; j <= s.steps; ++j)
        for (size_t q = 0; q < s.row; ++q)
            if (isfinite(a.series[(size_t)j * s.row + q]))
                big[q] = fmax(big[q], fabs(a.series[(size_t)j * s.row + q]));
    for (long j = 0; j <= s.steps; ++j)
        for (size_t q = 0; q < s.row; ++q) {
            const size_t e = (size_t)j * s.row + q, v = q % ODT_SV_N;
            const double x = a.series[e], y = b.series[e];
            if (v >= ODT_SV_N_SUMS || (v >= ODT_SV_N_UMBRA && v <= ODT_SV_N_BATTERY))
                cr_assert(x == y, "series row %ld, variable %zu: %.17g vs %.17g", j, q, x, y);
            else
                cr_assert(fabs(x - y) <= SUM_ROUND_REL * (fabs(x) + fabs(y) + big[q]),
                          "series row %ld, variable %zu: %.17g vs %.17g", j, q, x, y);
        }
    free(big);
    run_free(&a);
    run_free(&b);
    setup_free(&s);
}

/* ------------------------------------------------------------------ masked downloads */

Test(cuda_parity, masked_download)
{
    struct setup s;
    setup_init(&s, parity_text("conical", 600));
    const size_t n = s.init.n;
    long *near = malloc(sizeof *near * n);
    struct run_out cpu, gpu;
    run_stepwise(&odt_backend_cpu, &s, &cpu, near);
    const struct odt_backend_ops *ops = device_ops();
    struct odt_backend *b = NULL;
    run_chunked(ops, &s, &gpu, &b);
    const struct odt_fleet *C = &cpu.snap[s.ndl - 1], *G = &gpu.snap[s.ndl - 1]; /* after 60 steps */
    compare(&s, C, G, near, s.steps, "after 60 steps");
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);

    /* every STATE and OUT field converted: doubles to float32, integers to int32, float32 and float64 */
    for (int mode = 0; mode < 3; ++mode) {
        int use[ODT_TEST_MAX_FIELDS], nuse = 0;
        enum odt_storage store[ODT_TEST_MAX_FIELDS];
        for (int k = 0; k < nf; ++k) {
            if (fi[k].role != ODT_FIELD_STATE && fi[k].role != ODT_FIELD_OUT)
                continue;
            if (mode > 0 && !fi[k].is_int)
                continue;
            use[nuse] = k;
            store[nuse++] = mode == 0 ? ODT_STORE_F32 : mode == 1 ? ODT_STORE_I32 : ODT_STORE_F64;
        }
        void *dst[ODT_TEST_MAX_FIELDS];
        for (int q = 0; q < nuse; ++q) {
            dst[q] = ops->host_alloc(b, n * (size_t)fi[use[q]].ncomp * odt_storage_size(store[q]));
            cr_assert_not_null(dst[q]);
        }
        const struct odt_download req = {nuse, use, store, 0};
        cr_assert_eq(ops->download(b, &req, dst), ODT_OK, "%s", ops->last_error(b));
        cr_assert_eq(ops->download_wait(b), ODT_OK, "%s", ops->last_error(b));
        for (int q = 0; q < nuse; ++q) {
            const struct odt_field_info *F = &fi[use[q]];
            const struct tol t = field_tol(F, s.sc.shadow_model);
            const double scale = field_scale(C, F);
            const size_t nco = (size_t)F->ncomp;
            for (size_t i = 0; i < n; ++i)
                for (size_t c = 0; c < nco; ++c) {
                    const size_t from = c * n + i, to = i * nco + c;
                    const double g = value(G, F, from), a = value(C, F, from);
                    if (mode == 0) {
                        const float f = ((const float *)dst[q])[to];
                        cr_assert(f == (float)g || (isnan(f) && isnan(g)), "%s[%zu][%zu] as f32 %.9g, device f64 %.17g",
                                  F->name, i, c, (double)f, g);
                        if (isnan(f) || (near[i] <= s.steps && !t.orbit_only))
                            continue;
                        /* against the CPU: its tolerance, plus the float32 rounding of either value */
                        const double tol = (F->is_int ? 0.0 : t.rel * fabs(a) + t.abs_frac * scale + t.abs) +
                                           fabs(a) * 0x1p-23;
                        cr_assert(fabs((double)f - a) <= tol, "%s[%zu][%zu] as f32: device %.9g, cpu %.17g", F->name,
                                  i, c, (double)f, a);
                    } else if (mode == 1) {
                        cr_assert_eq(((const int32_t *)dst[q])[to], (int32_t)g, "%s[%zu][%zu] as i32", F->name, i, c);
                    } else {
                        cr_assert_eq(((const double *)dst[q])[to], g, "%s[%zu][%zu] as f64", F->name, i, c);
                    }
                }
        }
        for (int q = 0; q < nuse; ++q)
            ops->host_free(b, dst[q]);
    }

    /* a subset, in the order given */
    const int32_t idx[] = {3999, 0, 17, 2500, 5, 1234, 3998};
    const size_t m = sizeof idx / sizeof idx[0];
    cr_assert_eq(ops->set_subset(b, idx, m), ODT_OK, "%s", ops->last_error(b));
    const int32_t bad[] = {3, (int32_t)n};
    cr_assert_eq(ops->set_subset(b, bad, 2), ODT_ERR_VALUE, "a subset index outside the fleet was accepted");
    const int sf[4] = {odt_test_field("position"), odt_test_field("node_temperature"), odt_test_field("accel_working"), odt_test_field("illumination")};
    const enum odt_storage ss[4] = {ODT_STORE_F32, ODT_STORE_F64, ODT_STORE_I32, ODT_STORE_F32};
    const struct odt_download sreq = {4, sf, ss, 1};
    float *pos = ops->host_alloc(b, m * 3 * sizeof(float));
    double *tn = ops->host_alloc(b, m * 4 * sizeof(double));
    int32_t *aw = ops->host_alloc(b, m * sizeof(int32_t));
    float *il = ops->host_alloc(b, m * sizeof(float));
    void *sdst[4] = {pos, tn, aw, il};
    cr_assert_eq(ops->download(b, &sreq, sdst), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->download_wait(b), ODT_OK, "%s", ops->last_error(b));
    for (size_t j = 0; j < m; ++j) {
        const size_t i = (size_t)idx[j];
        for (size_t c = 0; c < 3; ++c) {
            cr_assert_eq(pos[j * 3 + c], (float)G->position[c * n + i], "subset %zu (satellite %zu) position %zu", j,
                         i, c);
            cr_assert_leq(fabs((double)pos[j * 3 + c] - C->position[c * n + i]),
                          1e-6 + fabs(C->position[c * n + i]) * 0x1p-23);
        }
        for (size_t c = 0; c < 4; ++c)
            cr_assert_eq(tn[j * 4 + c], G->node_temperature[c * n + i], "subset %zu node_temperature %zu", j, c);
        cr_assert_eq(aw[j], G->accel_working[i]);
        cr_assert_eq(il[j], (float)G->illumination[i]);
    }

    /* asynchronous: two downloads in flight (both staging buffers) while the device advances 60 more steps; once
       download_wait returns, they hold the state at their start */
    const int af[2] = {odt_test_field("battery_energy"), odt_test_field("position")};
    const struct odt_download areq = {2, af, NULL, 0};
    double *e1 = ops->host_alloc(b, n * sizeof(double)), *p1 = ops->host_alloc(b, n * 3 * sizeof(double));
    void *adst[2] = {e1, p1};
    cr_assert_eq(ops->download(b, &areq, adst), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->download(b, &sreq, sdst), ODT_OK, "%s", ops->last_error(b));
    struct odt_step_input x[CHUNK];
    for (int q = 0; q < CHUNK; ++q) {
        odt_step_input_at(&s.sc.epoch, (double)(s.steps + 1 + q) * s.sc.step_s, s.sc.step_s, &x[q]);
        x[q].series_slot = -1;
    }
    cr_assert_eq(ops->advance(b, x, CHUNK, NULL), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->download_wait(b), ODT_OK, "%s", ops->last_error(b));
    for (size_t i = 0; i < n; ++i) {
        cr_assert_eq(e1[i], G->battery_energy[i], "satellite %zu: the download saw a later state", i);
        for (size_t c = 0; c < 3; ++c)
            cr_assert_eq(p1[i * 3 + c], G->position[c * n + i]);
    }
    for (size_t j = 0; j < m; ++j)
        cr_assert_eq(aw[j], G->accel_working[(size_t)idx[j]]);
    /* and a download now sees the new state */
    cr_assert_eq(ops->download(b, &areq, adst), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(ops->download_wait(b), ODT_OK, "%s", ops->last_error(b));
    size_t moved = 0;
    for (size_t i = 0; i < n; ++i)
        moved += p1[i * 3] != G->position[i];
    cr_assert_gt(moved, n / 2, "the state did not advance");
    ops->host_free(b, e1);
    ops->host_free(b, p1);
    ops->host_free(b, pos);
    ops->host_free(b, tn);
    ops->host_free(b, aw);
    ops->host_free(b, il);
    ops->destroy(b);
    run_free(&cpu);
    run_free(&gpu);
    free(near);
    setup_free(&s);
}

Test(cuda_parity, bad_calls_are_refused)
{
    struct setup s;
    setup_init(&s, parity_text("cylindrical", 600));
    const struct odt_backend_ops *ops = device_ops();
    struct odt_backend *b = make_backend(ops, &s, 4, 2, 4);
    enum odt_status st = ops->advance(b, &s.in[1], 5, NULL);
    cr_assert_neq(st, ODT_OK, "advance(5) with max_steps 4 was accepted");
    cr_assert_neq(ops->last_error(b)[0], '\0', "no reason given");
    struct odt_step_input x[4];
    memcpy(x, &s.in[1], sizeof x);
    double rows[2 * 2 * ODT_SV_N];
    x[2].series_slot = 2;
    cr_assert_neq(ops->advance(b, x, 4, rows), ODT_OK, "series slot 2 of 2 accepted");
    x[2].series_slot = 1;
    cr_assert_neq(ops->advance(b, x, 4, NULL), ODT_OK, "a series slot without a buffer accepted");
    cr_assert_eq(ops->advance(b, x, 4, rows), ODT_OK, "%s", ops->last_error(b));
    const int32_t bad[] = {-1};
    cr_assert_eq(ops->set_subset(b, bad, 1), ODT_ERR_VALUE);
    ops->destroy(b);
    setup_free(&s);
}

int main(int argc, char *argv[])
{
    char why[200] = "";
    if (device_ops() != &odt_backend_cpu) {
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
    } else {
        printf("ODT_PARITY_CPU: the OpenMP backend stands in for the device (a check of the test itself)\n");
        fflush(stdout);
    }
    /* Criterion runs each test in a re-executed child: the device is initialised there afresh. */
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true))
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    return result;
}
