/*
 * test_backend.c: the OpenMP backend (kernels/backend_cpu.c) and the backend
 * choice (host/run.c).
 *
 * The design promises the same fleet history on any thread count and any
 * partition of the run into advance() calls: each satellite's step reads and
 * writes only that satellite, and the build turns FMA contraction off, so the
 * results must agree bit for bit, not merely within a tolerance.
 */
#define _POSIX_C_SOURCE 200809L /* getpid, access */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/run.h"
#include "host/scenario.h"
#include "kernels/backend.h"

/* Two shells, 630 satellites: a dawn-dusk SSO fleet and a 53 deg walker shell that sees eclipses. */
static const char *fleet_text(const char *shadow)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "name: backend-test\n"
             "epoch: 2026-06-21T00:00:00Z\n"
             "duration_s: 3000\n"
             "step_s: 10\n"
             "snapshot_interval_s: 600\n"
             "shadow: %s\n"
             "fleet:\n"
             "  - name: sso\n"
             "    source: sso\n"
             "    altitude_km: 650\n"
             "    ltan_h: 18\n"
             "    ltan_spread_h: 1\n"
             "    planes: 15\n"
             "    slots: 22\n"
             "    phasing: 1\n"
             "  - name: walker\n"
             "    source: walker\n"
             "    altitude_km: 550\n"
             "    eccentricity: 0.001\n"
             "    inclination_deg: 53\n"
             "    planes: 15\n"
             "    slots: 20\n"
             "    phasing: 7\n"
             "    satellite:\n"
             "      battery_capacity_wh: 2000\n",
             shadow);
    return buf;
}

struct setup {
    struct odt_scenario sc;
    struct odt_fleet init; /* the built fleet (PARAM + initial STATE) */
    struct odt_fleet_meta meta;
    struct odt_step_input *in; /* in[0]: the epoch with dt = 0; in[1..steps]: the steps */
    long steps;
};

static void setup_init(struct setup *s, const char *text)
{
    char err[1024];
    enum odt_status st = odt_scenario_load_text("backend-test.yaml", text, strlen(text), &s->sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    st = odt_fleet_build(&s->sc, &s->init, &s->meta, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    s->steps = odt_scenario_steps(&s->sc);
    s->in = malloc(sizeof *s->in * (size_t)(s->steps + 1));
    odt_step_input_at(&s->sc.epoch, 0.0, 0.0, &s->in[0]);
    for (long k = 1; k <= s->steps; ++k)
        odt_step_input_at(&s->sc.epoch, (double)k * s->sc.step_s, s->sc.step_s, &s->in[k]);
}

static void setup_free(struct setup *s)
{
    free(s->in);
    odt_fleet_free(&s->init);
    odt_fleet_meta_free(&s->meta);
    odt_scenario_free(&s->sc);
}

static struct odt_backend_config config(const struct setup *s, int threads, int max_steps)
{
    struct odt_backend_config c;
    odt_backend_config_init(&c, &s->sc, &s->init, &s->meta, max_steps, threads);
    return c;
}

/*
 * Run the whole scenario on ops with `threads` threads in advance() calls of
 * `chunk` steps; after each call the state is downloaded into
 * out[call] (allocated here, out must hold steps/chunk + 2 fleets).
 * Returns the number of downloads.
 */
static int run_backend(const struct odt_backend_ops *ops, const struct setup *s, int threads, int chunk,
                       struct odt_fleet *out)
{
    struct odt_backend_config c = config(s, threads, chunk);
    struct odt_backend *b = NULL;
    char err[512] = "";
    cr_assert_eq(ops->create(&b, &c, err, sizeof err), ODT_OK, "%s: %s", ops->name, err);
    cr_assert_eq(ops->upload(b, &s->init), ODT_OK, "%s", ops->last_error(b));
    int nd = 0;
    cr_assert_eq(ops->advance(b, &s->in[0], 1), ODT_OK, "%s", ops->last_error(b));
    cr_assert_eq(odt_fleet_alloc(&out[nd], s->init.n), ODT_OK);
    odt_fleet_copy(&out[nd], &s->init, 1u << ODT_FIELD_PARAM);
    cr_assert_eq(ops->download(b, &out[nd]), ODT_OK, "%s", ops->last_error(b));
    ++nd;
    for (long done = 0; done < s->steps;) {
        const int k = (int)(s->steps - done < chunk ? s->steps - done : chunk);
        cr_assert_eq(ops->advance(b, &s->in[1 + done], k), ODT_OK, "%s", ops->last_error(b));
        done += k;
        cr_assert_eq(odt_fleet_alloc(&out[nd], s->init.n), ODT_OK);
        odt_fleet_copy(&out[nd], &s->init, 1u << ODT_FIELD_PARAM);
        cr_assert_eq(ops->download(b, &out[nd]), ODT_OK, "%s", ops->last_error(b));
        ++nd;
    }
    ops->destroy(b);
    return nd;
}

/* Every STATE and OUT field of a and b, bit for bit. */
static void assert_identical(const struct odt_fleet *a, const struct odt_fleet *b, const char *what)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    cr_assert_eq(a->n, b->n);
    int compared = 0;
    for (int k = 0; k < nf; ++k) {
        /* EVENT fields hold what happened in the last advance call, so they depend on the batching */
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
    cr_assert_gt(compared, 20, "compared %d fields", compared);
}

static void free_all(struct odt_fleet *f, int n)
{
    for (int k = 0; k < n; ++k)
        odt_fleet_free(&f[k]);
}

/* The run is not trivial: satellites both lit and in shadow, batteries used. */
static void assert_eventful(const struct odt_fleet *f, const struct setup *s)
{
    size_t dark = 0, lit = 0, drained = 0;
    for (size_t i = 0; i < f->n; ++i) {
        dark += f->sunlit_time[i] < f->elapsed_time[i];
        lit += f->sunlit_time[i] > 0.0;
        drained += f->energy_discharge[i] > 0.0;
    }
    cr_assert_gt(dark, s->init.n / 10, "only %zu satellites saw an eclipse", dark);
    cr_assert_gt(lit, s->init.n / 2);
    cr_assert_gt(drained, 0);
}

static void thread_count_test(const char *shadow)
{
    struct setup s;
    setup_init(&s, fleet_text(shadow));
    const int chunk = 60;
    const int max_dl = (int)(s.steps / chunk) + 2;
    struct odt_fleet *ref = calloc((size_t)max_dl, sizeof *ref);
    struct odt_fleet *got = calloc((size_t)max_dl, sizeof *got);
    const int nref = run_backend(&odt_backend_cpu, &s, 1, chunk, ref);
    assert_eventful(&ref[nref - 1], &s);
    static const int threads[] = {2, 3};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; ++t) {
        const int ngot = run_backend(&odt_backend_cpu, &s, threads[t], chunk, got);
        cr_assert_eq(ngot, nref);
        for (int d = 0; d < nref; ++d) {
            char what[96];
            snprintf(what, sizeof what, "%s shadow, 1 vs %d threads, download %d", shadow, threads[t], d);
            assert_identical(&ref[d], &got[d], what);
        }
        free_all(got, ngot);
    }
    free_all(ref, nref);
    free(ref);
    free(got);
    setup_free(&s);
}

Test(backend_cpu, threads_bitwise_cylindrical) { thread_count_test("cylindrical"); }

Test(backend_cpu, threads_bitwise_conical) { thread_count_test("conical"); }

Test(backend_cpu, chunking_bitwise)
{
    /* one step per advance() or 60 at once: the same bits at the end */
    struct setup s;
    setup_init(&s, fleet_text("conical"));
    const int max_dl = (int)s.steps + 2;
    struct odt_fleet *one = calloc((size_t)max_dl, sizeof *one);
    struct odt_fleet *many = calloc((size_t)max_dl, sizeof *many);
    const int n1 = run_backend(&odt_backend_cpu, &s, 2, 1, one);
    const int n60 = run_backend(&odt_backend_cpu, &s, 2, 60, many);
    cr_assert_eq(n1, (int)s.steps + 1);
    for (int d = 0; d < n60; ++d) {
        char what[64];
        snprintf(what, sizeof what, "k = 1 vs k = 60 after %d steps", d * 60);
        assert_identical(&one[d * 60], &many[d], what);
    }
    free_all(one, n1);
    free_all(many, n60);
    free(one);
    free(many);
    setup_free(&s);
}

Test(backend_cpu, upload_download_round_trip)
{
    struct setup s;
    setup_init(&s, fleet_text("cylindrical"));
    struct odt_backend_config c = config(&s, 2, 1);
    struct odt_backend *b = NULL;
    char err[256];
    cr_assert_eq(odt_backend_cpu.create(&b, &c, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(odt_backend_cpu.upload(b, &s.init), ODT_OK);
    struct odt_fleet back;
    cr_assert_eq(odt_fleet_alloc(&back, s.init.n), ODT_OK);
    cr_assert_eq(odt_backend_cpu.download(b, &back), ODT_OK);
    assert_identical(&s.init, &back, "download right after upload");
    cr_assert_str_eq(odt_backend_cpu.last_error(b), "");
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&back);
    setup_free(&s);
}

Test(backend_cpu, zero_length_step_keeps_the_state)
{
    /* the epoch evaluation (dt = 0) fills positions but moves no energy and no heat */
    struct setup s;
    setup_init(&s, fleet_text("cylindrical"));
    struct odt_fleet out[2];
    struct odt_backend_config c = config(&s, 2, 1);
    struct odt_backend *b = NULL;
    char err[256];
    cr_assert_eq(odt_backend_cpu.create(&b, &c, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(odt_backend_cpu.upload(b, &s.init), ODT_OK);
    cr_assert_eq(odt_backend_cpu.advance(b, &s.in[0], 1), ODT_OK);
    cr_assert_eq(odt_fleet_alloc(&out[0], s.init.n), ODT_OK);
    cr_assert_eq(odt_backend_cpu.download(b, &out[0]), ODT_OK);
    for (size_t i = 0; i < s.init.n; ++i) {
        cr_assert_eq(out[0].battery_energy[i], s.init.battery_energy[i]);
        cr_assert_eq(out[0].temperature[i], s.init.temperature[i]);
        cr_assert_eq(out[0].energy_solar[i], 0.0);
        cr_assert_eq(out[0].elapsed_time[i], 0.0);
        const double r2 = out[0].position[i] * out[0].position[i] +
                          out[0].position[s.init.n + i] * out[0].position[s.init.n + i] +
                          out[0].position[2 * s.init.n + i] * out[0].position[2 * s.init.n + i];
        cr_assert_gt(r2, 6378.137 * 6378.137, "satellite %zu has no position after the epoch evaluation", i);
    }
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&out[0]);
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
        cr_assert(strstr(err, "no usable CUDA device") || strstr(err, "no CUDA backend"),
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
    int roles[4] = {0, 0, 0, 0};
    for (int k = 0; k < nf; ++k) {
        cr_assert(fi[k].name && fi[k].name[0]);
        cr_assert(fi[k].units && fi[k].units[0], "%s has no units", fi[k].name);
        cr_assert(fi[k].description && fi[k].description[0], "%s has no description", fi[k].name);
        cr_assert(fi[k].ncomp >= 1 && fi[k].ncomp <= ODT_ECL_SLOTS, "%s", fi[k].name);
        cr_assert_eq(fi[k].elem_size, fi[k].is_int ? sizeof(int32_t) : sizeof(double), "%s", fi[k].name);
        cr_assert(fi[k].role >= ODT_FIELD_PARAM && fi[k].role <= ODT_FIELD_EVENT);
        ++roles[fi[k].role];
        for (int j = 0; j < k; ++j) {
            cr_assert_neq(fi[j].offset, fi[k].offset, "%s and %s share an offset", fi[j].name, fi[k].name);
            cr_assert_str_neq(fi[j].name, fi[k].name);
        }
    }
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
