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
    struct odt_backend *b = NULL;
    char err[512] = "";
    cr_assert_eq(ops->create(&b, &c, err, sizeof err), ODT_OK, "%s backend: %s", ops->name, err);
    cr_assert_eq(ops->upload(b, &s->init), ODT_OK, "%s upload: %s", ops->name, ops->last_error(b));
    return b;
}

static void download(const struct odt_backend_ops *ops, struct odt_backend *b, const struct setup *s,
                     struct odt_fleet *out)
{
    cr_assert_eq(odt_fleet_alloc(out, s->init.n), ODT_OK);
    odt_fleet_copy(out, &s->init, 1u << ODT_FIELD_PARAM);
    cr_assert_eq(ops->download(b, out), ODT_OK, "%s download: %s", ops->name, ops->last_error(b));
}

/* The CUDA backend: the epoch, then CHUNK steps per launch; out[0..ndl-1]. */
static void run_cuda(const struct setup *s, struct odt_fleet *out)
{
    const struct odt_backend_ops *ops = odt_backend_cuda_ops();
    struct odt_backend *b = make_backend(ops, s, CHUNK);
    cr_assert_eq(ops->advance(b, &s->in[0], 1), ODT_OK, "%s", ops->last_error(b));
    download(ops, b, s, &out[0]);
    int d = 1;
    for (long done = 0; done < s->steps; ++d) {
        const int k = (int)(s->steps - done < CHUNK ? s->steps - done : CHUNK);
        cr_assert_eq(ops->advance(b, &s->in[1 + done], k), ODT_OK, "cuda advance: %s", ops->last_error(b));
        done += k;
        download(ops, b, s, &out[d]);
    }
    cr_assert_eq(d, s->ndl);
    ops->destroy(b);
}

/*
 * The OpenMP reference, one step per advance() so that every step's position
 * can be checked against the shadow cylinder: near[i] receives the first step
 * after which satellite i came within NEAR_BOUNDARY_KM of it (LONG_MAX: never).
 * out[d] is the state after d x CHUNK steps, as run_cuda gives it.
 */
static void run_cpu(const struct setup *s, struct odt_fleet *out, long *near)
{
    const struct odt_backend_ops *ops = &odt_backend_cpu;
    struct odt_backend *b = make_backend(ops, s, 1);
    const size_t n = s->init.n;
    struct odt_fleet cur;
    cr_assert_eq(odt_fleet_alloc(&cur, n), ODT_OK);
    for (size_t i = 0; i < n; ++i)
        near[i] = LONG_MAX;
    int d = 0;
    for (long step = 0; step <= s->steps; ++step) {
        cr_assert_eq(ops->advance(b, &s->in[step], 1), ODT_OK, "%s", ops->last_error(b));
        cr_assert_eq(ops->download(b, &cur), ODT_OK);
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
    odt_fleet_free(&cur);
    ops->destroy(b);
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
    run_cpu(&s, cpu, near);
    run_cuda(&s, gpu);

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
    run_cuda(&s, a);
    run_cuda(&s, b);
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
    enum odt_status st = ops->advance(b, &s.in[1], 5);
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
