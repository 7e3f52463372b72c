/* run.c: the run loop. */
#define _POSIX_C_SOURCE 200809L
#include "host/json.h"
#include "host/run.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/fleet_build.h"
#include "host/report.h"
#include "power_thermal/ground.h" /* ODT_YEAR_S */
#include "host/scenario.h"
#include "host/demand.h"
#include "host/events.h"
#include "host/snapshot.h"
#include "kernels/backend.h"

static volatile sig_atomic_t odt_stop_signal;

static void on_signal(int sig) { odt_stop_signal = sig; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A GPU device node exists: a driver is installed and sees a device, whatever the CUDA runtime says (a
   cheap test that needs no CUDA call). */
static int gpu_device_node(void) { return access("/dev/nvidia0", F_OK) == 0 || access("/dev/dxg", F_OK) == 0; }

enum odt_status odt_backend_choose(const char *name, int quiet, const struct odt_backend_ops **ops, char *err,
                                   size_t errlen)
{
    char why[256] = "";
    if (strcmp(name, "cpu") == 0) {
        *ops = &odt_backend_cpu;
        return ODT_OK;
    }
    if (strcmp(name, "cuda") == 0) {
        if (!odt_backend_cuda_ops()) {
            snprintf(err, errlen, "--backend cuda: this build has no CUDA backend (configure with nvcc present)");
            return ODT_ERR_UNSUPPORTED;
        }
        if (odt_cuda_device_count(why, sizeof why) <= 0) {
            /* the runtime's reason only where a GPU is there (a driver problem worth fixing); without one it
               speaks of an "insufficient driver" when there is simply none */
            if (gpu_device_node())
                snprintf(err, errlen, "--backend cuda: a GPU is present but CUDA cannot use it (%s)",
                         why[0] ? why : "no reason given");
            else
                snprintf(err, errlen, "--backend cuda: no CUDA device found (no NVIDIA GPU or driver on this "
                                      "machine); --backend cpu runs the same physics");
            return ODT_ERR_UNSUPPORTED;
        }
        *ops = odt_backend_cuda_ops();
        return ODT_OK;
    }
    if (strcmp(name, "auto") == 0) {
        if (!odt_backend_cuda_ops()) {
            *ops = &odt_backend_cpu;
            if (!quiet)
                fprintf(stderr, "odtwin: backend auto: this build has no CUDA backend, using the CPU\n");
        } else if (odt_cuda_device_count(why, sizeof why) > 0) {
            *ops = odt_backend_cuda_ops();
            if (!quiet)
                fprintf(stderr, "odtwin: backend auto: a CUDA device is present, using cuda\n");
        } else {
            *ops = &odt_backend_cpu;
            /* the runtime's reason only where a GPU is there to be used (a driver problem worth fixing) */
            if (!quiet && gpu_device_node() && why[0])
                fprintf(stderr, "odtwin: backend auto: a GPU is present but CUDA cannot use it (%s), using the CPU\n",
                        why);
            else if (!quiet)
                fprintf(stderr, "odtwin: backend auto: no CUDA device found, using the CPU\n");
        }
        return ODT_OK;
    }
    snprintf(err, errlen, "unknown backend '%s' (auto, cpu or cuda)", name);
    return ODT_ERR_VALUE;
}

void odt_backends_describe(char *buf, size_t len)
{
    char why[256] = "";
    const int cores = omp_get_num_procs(), threads = omp_get_max_threads();
    snprintf(buf, len, "backends: cpu: OpenMP (spec %d), %d threads available on %d cores\n", (int)_OPENMP, threads,
             cores);
    if (!odt_backend_cuda_ops()) {
        snprintf(buf + strlen(buf), len - strlen(buf), "          cuda: not compiled in this build\n");
        return;
    }
    const int n = odt_cuda_device_count(why, sizeof why);
    if (n > 0)
        snprintf(buf + strlen(buf), len - strlen(buf), "          cuda: compiled; %d device%s present\n", n,
                 n == 1 ? "" : "s");
    else
        snprintf(buf + strlen(buf), len - strlen(buf), "          cuda: compiled; no usable device (%s)\n", why);
}

/* Records between two checkpoints when checkpoint_interval_s is 0 (at most; checkpoint_wall_s may come first). */
#define ODT_CHECKPOINT_RECORDS 10

/* Steps between two event compactions: ODT_EV_ORBITS_PER_SUB orbits of the fastest satellite (once, at the start). */
static int sub_steps(const struct odt_fleet *f, double step_s)
{
    double min_period = HUGE_VAL;
    for (size_t i = 0; i < f->n; ++i)
        if (f->a_km[i] > 0.0) {
            const double p = ODT_TWOPI * sqrt(f->a_km[i] * f->a_km[i] * f->a_km[i] / ODT_EARTH_MU_KM3_S2);
            min_period = p < min_period ? p : min_period;
        }
    const double k = floor(ODT_EV_ORBITS_PER_SUB * min_period / step_s);
    return k < 1.0 ? 1 : (k > 1e6 ? 1000000 : (int)k);
}

static void progress_line(double frac, double t_s, double rate, double eta_s)
{
    char bar[31];
    int filled = (int)(frac * 30.0 + 0.5);
    for (int k = 0; k < 30; ++k)
        bar[k] = k < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %5.1f %%  t = %8.2f h  %8.3g sat-steps/s  eta %5.0f s ", bar, 100.0 * frac,
            t_s / 3600.0, rate, eta_s);
    fflush(stderr);
}

/* A random run id (the snapshot and its checkpoints carry it). */
static void make_run_id(char *out, size_t len)
{
    unsigned char b[16] = {0};
    FILE *r = fopen("/dev/urandom", "rb");
    size_t got = r ? fread(b, 1, sizeof b, r) : 0;
    if (r)
        fclose(r);
    if (got != sizeof b) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
        for (int k = 0; k < 16; ++k, x = x * 6364136223846793005ull + 1442695040888963407ull)
            b[k] = (unsigned char)(x >> 56);
    }
    size_t at = 0;
    for (int k = 0; k < 16 && at + 3 <= len; ++k)
        at += (size_t)snprintf(out + at, len - at, "%02x", b[k]);
}

/* Everything the run loop carries. */
struct run {
    const struct odt_backend_ops *ops;
    struct odt_backend *be;
    struct odt_snapshot_writer *w;
    struct odt_scenario sc;
    struct odt_fleet host;
    struct odt_fleet_meta meta;
    struct odt_backend_config bcfg;
    struct odt_snapshot_layout lay;
    int32_t *subset;
    int nc;
    long steps, k_rec, k_disp, k_ckpt;
    int every;
    struct odt_step_input *in;  /* the inputs of the current dispatch interval */
    long in_first, in_count;    /* its first step and length */
    double *series;             /* one advance call's rows */
    double *s_t, *s_demand;     /* per row: end time, demand of the step */
    double *step_demand;        /* demand of each step of the interval, tokens */
    void **rec_buf[2];          /* record buffers, two sets */
    int rec_set;
    void **ckpt_buf;            /* checkpoint buffers (every STATE field) */
    int ckpt_fields[ODT_MAX_FIELDS], n_ckpt_fields;
    double totals[1];           /* placeholder (totals are allocated) */
    double *tot;
    struct odt_run_accum acc;
    struct odt_event_stats ev;
    double t_step, t_transfer, t_host, t_wait;
    double upload_bytes, ckpt_bytes; /* of the transfers: the upload, the checkpoints */
};

static void fold_series(struct run *R, const double *rows, size_t nrows)
{
    for (size_t q = 0; q < nrows; ++q)
        for (int c = 0; c < R->nc; ++c) {
            const double *r = rows + (q * (size_t)R->nc + (size_t)c) * ODT_SV_N;
            if (r[ODT_SV_N_BATTERY] > 0.0 && r[ODT_SV_SOC_MIN] < R->acc.soc_min)
                R->acc.soc_min = r[ODT_SV_SOC_MIN];
            if (r[ODT_SV_N_ACTIVE] > 0.0) {
                R->acc.temp_min_k = r[ODT_SV_TEMP_MIN] < R->acc.temp_min_k ? r[ODT_SV_TEMP_MIN] : R->acc.temp_min_k;
                R->acc.temp_max_k = r[ODT_SV_TEMP_MAX] > R->acc.temp_max_k ? r[ODT_SV_TEMP_MAX] : R->acc.temp_max_k;
            }
        }
}

static enum odt_status backend_fail(struct run *R, enum odt_status st, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s backend: %s", R->ops->name, R->ops->last_error(R->be));
    return st;
}

/* Advance steps [first, first + k) (inside the current interval) and hand their series rows to the writer. */
static enum odt_status advance_call(struct run *R, long first, int k, char *err, size_t errlen)
{
    struct odt_step_input *x = R->in + (first - R->in_first);
    size_t rows = 0;
    for (int s = 0; s < k; ++s) {
        const long g = first + s;
        if ((g + 1) % R->every == 0) {
            x[s].series_slot = (int32_t)rows;
            R->s_t[rows] = x[s].t_s;
            R->s_demand[rows] = R->step_demand[g - R->in_first];
            ++rows;
        } else {
            x[s].series_slot = -1;
        }
    }
    const double t0 = now_s();
    enum odt_status st = R->ops->advance(R->be, x, k, R->series);
    R->t_step += now_s() - t0;
    if (st != ODT_OK)
        return backend_fail(R, st, err, errlen);
    if (rows) {
        fold_series(R, R->series, rows);
        if ((st = odt_snapshot_add_series(R->w, R->s_t, R->series, R->s_demand, rows)) != ODT_OK) {
            snprintf(err, errlen, "out of memory queueing the fleet series");
            return st;
        }
        R->acc.series_slot_next += (double)rows;
    }
    return ODT_OK;
}

/* Collect the events since the last call and queue them. */
static enum odt_status take_events(struct run *R, char *err, size_t errlen)
{
    const double t0 = now_s();
    const struct odt_event_row *rows = NULL;
    size_t n = 0;
    enum odt_status st = R->ops->collect_events(R->be, &rows, &n);
    R->t_transfer += now_s() - t0;
    if (st != ODT_OK)
        return backend_fail(R, st, err, errlen);
    odt_event_stats_add(&R->ev, rows, n, R->host.weight);
    if (n && (st = odt_snapshot_add_events(R->w, rows, n)) != ODT_OK) {
        snprintf(err, errlen, "out of memory queueing %zu event rows", n);
        return st;
    }
    return ODT_OK;
}

/* A record at the end of step input x. */
static enum odt_status take_record(struct run *R, const struct odt_step_input *x, char *err, size_t errlen)
{
    enum odt_status st = take_events(R, err, errlen);
    if (st != ODT_OK)
        return st;
    const double t0 = now_s();
    struct odt_download req = {R->lay.nfields, R->lay.field, R->lay.store, R->lay.subset != NULL};
    void **buf = R->rec_buf[R->rec_set];
    R->rec_set ^= 1;
    if (R->lay.nfields && ((st = R->ops->download(R->be, &req, buf)) != ODT_OK ||
                           (st = R->ops->download_wait(R->be)) != ODT_OK))
        return backend_fail(R, st, err, errlen);
    R->t_transfer += now_s() - t0;
    odt_snapshot_set_record(R->w, x, R->acc.demand_tokens, buf);
    return ODT_OK;
}

/* A checkpoint at the current position. */
static enum odt_status take_checkpoint(struct run *R, char *err, size_t errlen)
{
    enum odt_status st = take_events(R, err, errlen);
    if (st != ODT_OK)
        return st;
    /* the writer still holds the previous checkpoint's buffers until it is idle */
    const double tw = now_s();
    if ((st = odt_snapshot_drain(R->w, err, errlen)) != ODT_OK)
        return st;
    R->t_wait += now_s() - tw;
    const double t0 = now_s();
    struct odt_download req = {R->n_ckpt_fields, R->ckpt_fields, NULL, 0};
    if ((st = R->ops->download(R->be, &req, R->ckpt_buf)) != ODT_OK || (st = R->ops->download_wait(R->be)) != ODT_OK)
        return backend_fail(R, st, err, errlen);
    R->ckpt_bytes += (double)R->host.n * (double)odt_download_bytes_per_sat(&req);
    R->t_transfer += now_s() - t0;
    for (int k = 0; k < 3; ++k) {
        R->acc.ecl_count[k] = R->ev.count[k];
        R->acc.ecl_longest_s[k] = R->ev.longest_s[k];
        R->acc.ecl_longest_sat[k] = R->ev.longest_sat[k];
        R->acc.ecl_longest_start_s[k] = R->ev.longest_start_s[k];
        R->acc.ecl_total_s[k] = R->ev.total_s[k];
    }
    R->acc.failure_events = R->ev.failures;
    R->acc.restart_events = R->ev.restarts;
    R->acc.seq += 1.0;
    odt_snapshot_set_checkpoint(R->w, &R->acc, R->ckpt_buf);
    return ODT_OK;
}

static enum odt_status submit(struct run *R, char *err, size_t errlen)
{
    const double t0 = now_s();
    enum odt_status st = odt_snapshot_submit(R->w, err, errlen);
    R->t_wait += now_s() - t0;
    return st;
}

/* The inputs, demand and dispatch factors of the dispatch interval that holds step `first`. */
static enum odt_status fill_interval(struct run *R, struct odt_demand *demand, long first, int new_interval,
                                     char *err, size_t errlen)
{
    const long start = (first / R->k_disp) * R->k_disp;
    const long end = start + R->k_disp < R->steps ? start + R->k_disp : R->steps;
    R->in_first = start;
    R->in_count = end - start;
    odt_step_inputs_fill(&R->sc.epoch, (double)start * R->sc.step_s, R->sc.step_s, (int)R->in_count, R->in);
    if (new_interval) {
        /* the fleet capacity that the nodes' dispatch weights are about to become (the backend summed it) */
        const double t0 = now_s();
        enum odt_status st = R->ops->reduce(R->be, R->tot);
        R->t_transfer += now_s() - t0;
        if (st != ODT_OK)
            return backend_fail(R, st, err, errlen);
        R->acc.dispatch_capacity = R->acc.dispatch_active = 0.0;
        for (int c = 0; c < R->nc; ++c) {
            R->acc.dispatch_capacity += R->tot[(size_t)c * ODT_TV_N + ODT_TV_CAPACITY];
            R->acc.dispatch_active += R->tot[(size_t)c * ODT_TV_N + ODT_TV_N_SERVING];
        }
    }
    for (long s = 0; s < R->in_count; ++s) {
        struct odt_step_input *x = &R->in[s];
        x->dispatch_update = s == 0;
        int64_t region_counts[ODT_DEMAND_MAX_REGIONS], unassigned_known;
        int64_t d = odt_demand_step(demand, x->step_index, x->t_s - R->sc.step_s, R->sc.step_s, NULL,
                                    region_counts);
        if (R->sc.demand_per_capacity > 0.0) { /* demand follows the fleet: the model's shape at a mean of
                                                  demand_per_capacity x the capacity the dispatch shares by */
            const double q = (double)d * R->sc.demand_per_capacity * R->acc.dispatch_capacity /
                             R->sc.demand.tokens_per_s;
            d = q < (double)ODT_DISPATCH_MAX_TOKENS ? (int64_t)floor(q) : ODT_DISPATCH_MAX_TOKENS;
        }
        const enum odt_status st = odt_dispatch_factor((enum odt_dispatch_policy)R->sc.dispatch, d,
                                                       R->acc.dispatch_capacity, (int64_t)R->acc.dispatch_active,
                                                       &x->demand_factor, &unassigned_known);
        if (st != ODT_OK) { /* a demand outside [0, 2^53], a capacity that is not finite, or an unknown policy */
            snprintf(err, errlen,
                     "dispatch of step %lld (t = %g s): policy '%s' cannot hand out a demand of %lld tokens over a "
                     "fleet capacity of %g tokens s-1 (the demand must be 0 to 2^53 tokens, the capacity finite)",
                     (long long)x->step_index, x->t_s, odt_dispatch_name((enum odt_dispatch_policy)R->sc.dispatch),
                     (long long)d, R->acc.dispatch_capacity);
            return st;
        }
        R->step_demand[s] = (double)d;
    }
    return ODT_OK;
}

static void *alloc_set(struct run *R, void ***set, int nfields, const int *field, const enum odt_storage *store,
                       size_t m)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    *set = calloc((size_t)(nfields > 0 ? nfields : 1), sizeof **set);
    if (!*set)
        return NULL;
    for (int k = 0; k < nfields; ++k) {
        const struct odt_field_info *F = &fi[field[k]];
        const size_t bytes = m * (size_t)F->ncomp * (store ? odt_storage_size(store[k]) : F->elem_size);
        if (!((*set)[k] = R->ops->host_alloc(R->be, bytes)))
            return NULL;
    }
    return *set;
}

static void free_set(struct run *R, void **set, int nfields)
{
    if (!set)
        return;
    for (int k = 0; k < nfields; ++k)
        if (set[k])
            R->ops->host_free(R->be, set[k]);
    free(set);
}

/* The shortest shadow arc of a circular orbit (odt_report_shadow_arc_s): the cylindrical shadow at beta = 0
   (the Sun in the orbit plane) spans the half-angle asin(R/a) either side of the anti-Sun point, so the
   satellite is in shadow for P asin(R/a) / pi and in sunlight for P (1 - asin(R/a) / pi); the shadow arc is
   the shorter (asin < pi/2). A step longer than it can hold both boundaries of one pass (docs/report.md). */
/* What the summary's figures rest on: the scenario, the fleet, the machine. */
static void summary_basis(const struct odt_scenario *sc, const struct odt_fleet *f, const struct odt_fleet_meta *m,
                          struct odt_run_summary *sum)
{
    odt_epoch_utc_string(&sc->epoch, 0.0, sum->epoch_utc, sizeof sum->epoch_utc);
    sum->step_s = sc->step_s;
    sum->shadow_model = sc->shadow_model;
    double lim = HUGE_VAL, frac = 0.0;
    for (size_t i = 0; i < f->n; ++i)
        if (f->a_km[i] > ODT_EARTH_RADIUS_KM) {
            const double a = odt_report_shadow_arc_s(f->a_km[i]);
            if (a < lim) {
                lim = a;
                frac = asin(ODT_EARTH_RADIUS_KM / f->a_km[i]) / ODT_PI;
            }
        }
    sum->eclipse_step_limit_s = isfinite(lim) ? lim : 0.0;
    sum->eclipse_step_limit_fraction = frac;
    sum->has_failures = 0;
    for (int c = 0; c < m->n_classes; ++c) {
        const struct odt_rel_params *r = &m->classes[c].rel;
        sum->has_failures |= (r->weak_fraction > 0.0 && r->weibull_scale_s > 0.0) || r->random_rate_per_yr > 0.0 ||
                             r->sefi_rate_per_day > 0.0;
    }
    sum->demand_nominal = sc->demand.tokens_per_s;
    sum->demand_per_capacity = sc->demand_per_capacity;
    sum->has_workload = sc->demand.tokens_per_s > 0.0 || sc->demand_per_capacity > 0.0;
    /* the weekly factor over the run: each region's local weekday, weighted by its share, hourly samples */
    double wsum = 0.0, wn = 0.0, share = 0.0;
    for (int k = 0; k < sc->demand.n_regions; ++k)
        share += sc->demand.region[k].share;
    const long nh = sum->simulated_s > 0.0 ? (long)ceil(sum->simulated_s / 3600.0) : 1;
    for (long h = 0; h < nh; ++h) {
        const double t = ((double)h + 0.5) * (sum->simulated_s > 0.0 ? sum->simulated_s : 0.0) / (double)nh;
        for (int k = 0; k < sc->demand.n_regions && share > 0.0; ++k) {
            int wd = 0;
            odt_demand_local_time(&sc->epoch, t, sc->demand.region[k].longitude_deg, &wd);
            wsum += sc->demand.region[k].share / share * odt_demand_weekly(&sc->demand, wd);
        }
        wn += 1.0;
    }
    sum->weekly_factor_mean = wn > 0.0 && share > 0.0 ? wsum / wn : 1.0;
    sum->weekly_weekday = odt_demand_weekly(&sc->demand, 0);
    sum->weekly_weekend = odt_demand_weekly(&sc->demand, 6);
    sum->cores = omp_get_num_procs();
}

enum odt_status odt_run(const struct odt_run_options *opt, struct odt_run_summary *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    struct run R;
    memset(&R, 0, sizeof R);
    enum odt_status st;
    struct odt_scenario_options sopt = {opt->strict, opt->quiet};
    if (opt->resume_path) {
        /* the run to continue carries its scenario */
        char *text = NULL, status[32] = "";
        if (opt->scenario_path || opt->output_path) {
            snprintf(err, errlen, "--resume %s: the file holds its scenario and is written in place: give neither a "
                                  "scenario nor -o", opt->resume_path);
            return ODT_ERR_VALUE;
        }
        if ((st = odt_snapshot_read_scenario(opt->resume_path, &text, status, sizeof status, err, errlen)) != ODT_OK)
            return st;
        if (strcmp(status, "complete") == 0) {
            free(text);
            snprintf(err, errlen, "%s: the run is complete: nothing to resume", opt->resume_path);
            return ODT_ERR_VALUE;
        }
        const size_t nl = strlen(opt->resume_path) + 32;
        char *name = malloc(nl);
        if (!name) {
            free(text);
            snprintf(err, errlen, "out of memory");
            return ODT_ERR_NOMEM;
        }
        snprintf(name, nl, "%s (scenario attribute)", opt->resume_path);
        st = odt_scenario_load_text_opts(name, text, strlen(text), &sopt, &R.sc, err, errlen);
        free(name);
        free(text);
    } else if (opt->scenario_path)
        st = odt_scenario_load_file_opts(opt->scenario_path, &sopt, &R.sc, err, errlen);
    else
        st = odt_scenario_load_text_opts("<default scenario>", odt_scenario_default_text(),
                                         strlen(odt_scenario_default_text()), &sopt, &R.sc, err, errlen);
    if (st != ODT_OK)
        return st;
    struct odt_scenario *sc = &R.sc;

    if (opt->threads < 0) {
        snprintf(err, errlen, "--threads %d: must be 0 (all) or a positive count", opt->threads);
        odt_scenario_free(sc);
        return ODT_ERR_VALUE;
    }
    if ((st = odt_backend_choose(opt->backend ? opt->backend : "auto", opt->quiet, &R.ops, err, errlen)) != ODT_OK) {
        odt_scenario_free(sc);
        return st;
    }
    const char *out_path = opt->resume_path ? opt->resume_path : opt->output_path ? opt->output_path : NULL;
    if (out_path)
        sum->output = strdup(out_path);
    else if (sc->output[0])
        sum->output = strdup(sc->output);
    else if ((sum->output = malloc(strlen(sc->name) + 4)) != NULL)
        sprintf(sum->output, "%s.h5", sc->name);
    if (!sum->output) {
        odt_scenario_free(sc);
        snprintf(err, errlen, "out of memory");
        return ODT_ERR_NOMEM;
    }

    if ((st = odt_fleet_build(sc, &R.host, &R.meta, err, errlen)) != ODT_OK) {
        odt_scenario_free(sc);
        return st;
    }
    R.nc = R.meta.n_classes > 0 ? R.meta.n_classes : 1;
    R.steps = odt_scenario_steps(sc);
    R.k_rec = (long)nearbyint(sc->snapshot_interval_s / sc->step_s);
    R.k_disp = (long)nearbyint(sc->dispatch_interval_s / sc->step_s);
    R.k_disp = R.k_disp < 1 ? 1 : R.k_disp;
    R.k_ckpt = sc->checkpoint_interval_s > 0.0 ? (long)nearbyint(sc->checkpoint_interval_s / sc->step_s) : 0;
    R.every = sc->series_every > 0 ? sc->series_every : 1;
    const int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    odt_backend_config_init(&R.bcfg, sc, &R.host, &R.meta, (int)R.k_disp, threads);
    R.bcfg.max_series = (int)(R.k_disp / R.every) + 2;
    R.bcfg.sub_steps = sub_steps(&R.host, sc->step_s);
    const int is_cpu = R.ops == &odt_backend_cpu;
    struct odt_run_info info = {R.ops->name, is_cpu ? R.bcfg.threads : 0};
    struct odt_run_identity id;
    memset(&id, 0, sizeof id);
    odt_run_digest(sc, &R.host, &R.meta, &R.bcfg, id.digest);
    make_run_id(id.run_id, sizeof id.run_id);
    if ((st = odt_snapshot_layout_init(&R.lay, sc, &R.meta, &R.subset, err, errlen)) != ODT_OK)
        goto out;

    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (fi[k].role == ODT_FIELD_STATE)
            R.ckpt_fields[R.n_ckpt_fields++] = k;
    const size_t row = (size_t)R.nc * ODT_SV_N;
    R.in = malloc(sizeof *R.in * (size_t)R.k_disp);
    R.step_demand = malloc(sizeof(double) * (size_t)R.k_disp);
    R.series = malloc(sizeof(double) * row * (size_t)R.bcfg.max_series);
    R.s_t = malloc(sizeof(double) * (size_t)R.bcfg.max_series);
    R.s_demand = malloc(sizeof(double) * (size_t)R.bcfg.max_series);
    R.tot = malloc(sizeof(double) * (size_t)R.nc * ODT_TV_N);
    if (!R.in || !R.step_demand || !R.series || !R.s_t || !R.s_demand || !R.tot) {
        snprintf(err, errlen, "out of memory");
        st = ODT_ERR_NOMEM;
        goto out;
    }
    if ((st = R.ops->create(&R.be, &R.bcfg, err, errlen)) != ODT_OK)
        goto out;
    if (R.lay.subset && (st = R.ops->set_subset(R.be, R.lay.subset, R.lay.m)) != ODT_OK) {
        st = backend_fail(&R, st, err, errlen);
        goto out;
    }
    const size_t m = R.lay.subset ? R.lay.m : R.host.n;
    if (!alloc_set(&R, &R.rec_buf[0], R.lay.nfields, R.lay.field, R.lay.store, m) ||
        !alloc_set(&R, &R.rec_buf[1], R.lay.nfields, R.lay.field, R.lay.store, m) ||
        !alloc_set(&R, &R.ckpt_buf, R.n_ckpt_fields, R.ckpt_fields, NULL, R.host.n)) {
        snprintf(err, errlen, "out of memory for the record and checkpoint buffers of %zu satellites", R.host.n);
        st = ODT_ERR_NOMEM;
        goto out;
    }

    odt_event_stats_init(&R.ev);
    R.acc.soc_min = HUGE_VAL;
    R.acc.temp_min_k = HUGE_VAL;
    R.acc.temp_max_k = -HUGE_VAL;
    long done = 0;
    odt_stop_signal = 0;
    void (*old_int)(int) = signal(SIGINT, on_signal);
    void (*old_term)(int) = signal(SIGTERM, on_signal);
    const double t_start = now_s();
    struct odt_demand demand;
    odt_demand_init(&demand, &sc->demand, &sc->epoch, sc->seed);
    const int pool = threads;
    int need_epoch = 0;
    if (opt->resume_path) {
        /* continue from the newest checkpoint: its state replaces the scenario's initial one */
        if ((st = odt_snapshot_resume(&R.w, sum->output, &R.host, &R.lay, &id, &R.acc, pool, err, errlen)) != ODT_OK)
            goto restore;
        need_epoch = R.acc.fresh != 0.0;
        R.acc.fresh = 0.0;
        done = (long)nearbyint(R.acc.steps_done);
        if (done > R.steps || fabs(R.acc.t_s - (double)done * sc->step_s) > 1e-6 * (1.0 + R.acc.t_s)) {
            snprintf(err, errlen, "%s: the checkpoint's time %.17g s does not fall on a step of the scenario",
                     sum->output, R.acc.t_s);
            st = ODT_ERR_VALUE;
            goto restore;
        }
        for (int k = 0; k < 3; ++k) {
            R.ev.count[k] = R.acc.ecl_count[k];
            R.ev.longest_s[k] = R.acc.ecl_longest_s[k];
            R.ev.longest_sat[k] = R.acc.ecl_longest_sat[k];
            R.ev.longest_start_s[k] = R.acc.ecl_longest_start_s[k];
            R.ev.total_s[k] = R.acc.ecl_total_s[k];
        }
        R.ev.failures = R.acc.failure_events;
        R.ev.restarts = R.acc.restart_events;
        sum->resumed_from_s = R.acc.t_s;
        if ((st = R.ops->upload(R.be, &R.host)) != ODT_OK) {
            st = backend_fail(&R, st, err, errlen);
            goto restore;
        }
        /* at an interval's start the capacities are summed again (the same state gives the same sum) */
        if (!need_epoch && done < R.steps &&
            (st = fill_interval(&R, &demand, done, done % R.k_disp == 0, err, errlen)) != ODT_OK)
            goto restore;
    } else {
        if ((st = odt_snapshot_create(&R.w, sum->output, sc, &R.host, &R.meta, &info, &R.lay, &id, pool, err,
                                      errlen)) != ODT_OK)
            goto restore;
        if ((st = R.ops->upload(R.be, &R.host)) != ODT_OK) {
            st = backend_fail(&R, st, err, errlen);
            goto restore;
        }
        /* the first checkpoint: the state before the epoch, so that a run killed from here on can be resumed
           (a resume from it starts the run again) */
        R.acc.fresh = 1.0;
        if ((st = take_checkpoint(&R, err, errlen)) != ODT_OK || (st = submit(&R, err, errlen)) != ODT_OK ||
            (st = odt_snapshot_publish(R.w, err, errlen)) != ODT_OK)
            goto restore;
        R.acc.fresh = 0.0;
        need_epoch = 1;
    }
    {
        struct odt_backend_stats bs;
        R.ops->stats(R.be, &bs);
        R.upload_bytes = bs.bytes_to_backend;
    }
    if (need_epoch) {
        /* record 0: the state at the epoch, evaluated with a zero-length step that opens the intervals of the
           satellites already in shadow; it is also the series' first row */
        struct odt_step_input x0;
        odt_step_input_at(&sc->epoch, 0.0, 0.0, &x0);
        x0.init_events = 1;
        x0.series_slot = 0;
        R.s_t[0] = 0.0;
        R.s_demand[0] = 0.0;
        if ((st = R.ops->advance(R.be, &x0, 1, R.series)) != ODT_OK) {
            st = backend_fail(&R, st, err, errlen);
            goto restore;
        }
        fold_series(&R, R.series, 1);
        R.acc.series_slot_next = 1.0;
        if ((st = odt_snapshot_add_series(R.w, R.s_t, R.series, R.s_demand, 1)) != ODT_OK ||
            (st = take_record(&R, &x0, err, errlen)) != ODT_OK || (st = submit(&R, err, errlen)) != ODT_OK)
            goto restore;
        if (R.steps > 0 && (st = fill_interval(&R, &demand, 0, 1, err, errlen)) != ODT_OK)
            goto restore;
    }

    long records_here = 0, recs_since_ckpt = 0;
    double last_ckpt_wall = now_s();
    while (done < R.steps && !odt_stop_signal) {
        if (done >= R.in_first + R.in_count) {
            const double th = now_s();
            st = fill_interval(&R, &demand, done, 1, err, errlen);
            R.t_host += now_s() - th;
            if (st != ODT_OK)
                goto restore;
        }
        /* up to the end of the interval, the next record or the next checkpoint */
        long stop = R.in_first + R.in_count;
        const long next_rec = (done / R.k_rec + 1) * R.k_rec;
        stop = next_rec < stop ? next_rec : stop;
        if (R.k_ckpt > 0) {
            const long next_ck = (done / R.k_ckpt + 1) * R.k_ckpt;
            stop = next_ck < stop ? next_ck : stop;
        }
        const double th = now_s();
        for (long s = done; s < stop; ++s)
            R.acc.demand_tokens += R.step_demand[s - R.in_first];
        R.t_host += now_s() - th;
        if ((st = advance_call(&R, done, (int)(stop - done), err, errlen)) != ODT_OK)
            goto restore;
        done = stop;
        R.acc.steps_done = (double)done;
        R.acc.t_s = (double)done * sc->step_s;
        const int rec = done % R.k_rec == 0 || done == R.steps;
        const int last = done == R.steps;
        /* checkpoints: every checkpoint_interval_s, or (by default) at every 10th record or at the first record
           after checkpoint_wall_s of wall time, whichever comes first */
        recs_since_ckpt += rec;
        int ck = !last && ((R.k_ckpt > 0 && done % R.k_ckpt == 0) ||
                           (R.k_ckpt == 0 && rec &&
                            (recs_since_ckpt >= ODT_CHECKPOINT_RECORDS ||
                             now_s() - last_ckpt_wall >= sc->checkpoint_wall_s)));
        if (last && (st = R.ops->close_events(R.be, (double)done * sc->step_s)) != ODT_OK) {
            st = backend_fail(&R, st, err, errlen);
            goto restore;
        }
        if (rec && (st = take_record(&R, &R.in[done - 1 - R.in_first], err, errlen)) != ODT_OK)
            goto restore;
        if (last)
            ck = 1; /* always a checkpoint at the end */
        if (ck) {
            if ((st = take_checkpoint(&R, err, errlen)) != ODT_OK)
                goto restore;
            last_ckpt_wall = now_s();
            recs_since_ckpt = 0;
        }
        if ((rec || ck) && (st = submit(&R, err, errlen)) != ODT_OK)
            goto restore;
        if (rec) {
            if (opt->stop_after_snapshots > 0 && ++records_here >= opt->stop_after_snapshots && done < R.steps)
                odt_stop_signal = SIGINT; /* as if interrupted (tests of --resume) */
            if (opt->progress && !opt->quiet) {
                const double el = now_s() - t_start;
                const double here = (double)done - sum->resumed_from_s / sc->step_s;
                progress_line((double)done / (double)R.steps, (double)done * sc->step_s,
                              (double)R.host.n * here / (el > 0 ? el : 1e-9),
                              here > 0 ? el * (double)(R.steps - done) / here : 0.0);
            }
        }
    }
    if (done < R.steps) {
        /* stopped: a checkpoint where the run stands, so that --resume continues from here */
        if ((st = take_checkpoint(&R, err, errlen)) != ODT_OK || (st = submit(&R, err, errlen)) != ODT_OK)
            goto restore;
    }
    if ((st = odt_snapshot_drain(R.w, err, errlen)) != ODT_OK)
        goto restore;
    if ((st = R.ops->reduce(R.be, R.tot)) != ODT_OK) {
        st = backend_fail(&R, st, err, errlen);
        goto restore;
    }
    if (opt->progress && !opt->quiet)
        fprintf(stderr, "\n");
    sum->wall_s = now_s() - t_start;
    sum->interrupted = odt_stop_signal != 0 && done < R.steps;
    struct odt_snapshot_stats wst;
    odt_snapshot_get_stats(R.w, &wst);
    st = odt_snapshot_close(R.w, sum->interrupted ? "interrupted" : "complete", err, errlen);
    R.w = NULL;
    if (st != ODT_OK)
        goto restore;

    /* the summary: fleet totals from the backend, extremes from the series, eclipses from the events */
    double t[ODT_TV_N] = {0};
    for (int c = 0; c < R.nc; ++c)
        for (int v = 0; v < ODT_TV_N; ++v)
            t[v] += R.tot[(size_t)c * ODT_TV_N + v];
    sum->satellites = R.host.n;
    sum->satellites_represented = t[ODT_TV_SATELLITES];
    sum->in_service_end = t[ODT_TV_N_IN_SERVICE];
    sum->retired_end = t[ODT_TV_N_RETIRED];
    sum->launches = R.meta.n_launches;
    sum->launches_not_flown = R.meta.launches_not_flown;
    for (int c = 0; c < sc->n_shells; ++c)
        sum->has_launches |= sc->shells[c].launch.given;
    sum->n_sgp4 = R.meta.n_sgp4;
    sum->catalog_rejected = sc->catalog_rejected;
    sum->steps = done;
    sum->snapshots = wst.records;
    snprintf(sum->backend, sizeof sum->backend, "%s", R.ops->name);
    sum->threads = info.threads;
    const double steps_here = (double)done - sum->resumed_from_s / sc->step_s;
    sum->sat_steps_per_s = (double)R.host.n * steps_here / (sum->wall_s > 0 ? sum->wall_s : 1e-9);
    sum->step_wall_s = R.t_step;
    sum->transfer_wall_s = R.t_transfer;
    sum->host_wall_s = R.t_host;
    sum->writer_wait_s = R.t_wait;
    sum->writer_busy_s = wst.busy_s;
    sum->checkpoint_s = wst.checkpoint_s;
    sum->checkpoints = wst.checkpoints;
    sum->record_bytes = wst.record_bytes;
    sum->satellite_records = wst.satellite_records;
    sum->file_bytes = wst.file_bytes;
    struct odt_backend_stats bst;
    R.ops->stats(R.be, &bst);
    sum->transfer_bytes = bst.bytes_to_backend + bst.bytes_from_backend;
    sum->transfer_loop_bytes = sum->transfer_bytes - R.upload_bytes - R.ckpt_bytes;
    sum->satellite_steps_here = (double)R.host.n * steps_here;
    sum->simulated_s = (double)done * sc->step_s;
    sum->sunlit_fraction = t[ODT_TV_ELAPSED_TIME] > 0.0 ? t[ODT_TV_SUNLIT_TIME] / t[ODT_TV_ELAPSED_TIME] : 0.0;
    sum->energy_solar_j = t[ODT_TV_ENERGY_SOLAR];
    sum->energy_demand_j = t[ODT_TV_ENERGY_DEMAND];
    sum->energy_served_j = t[ODT_TV_ENERGY_SERVED];
    sum->energy_unserved_j = t[ODT_TV_ENERGY_UNSERVED];
    sum->energy_curtailed_j = t[ODT_TV_ENERGY_CURTAILED];
    sum->tokens_arrived = t[ODT_TV_TOKENS_ARRIVED];
    sum->tokens_served = t[ODT_TV_TOKENS_SERVED];
    sum->tokens_dropped = t[ODT_TV_TOKENS_DROPPED];
    sum->tokens_waiting = t[ODT_TV_TOKENS_WAITING];
    sum->capacity_ideal = t[ODT_TV_CAPACITY_IDEAL];
    sum->lost_power = t[ODT_TV_LOST_POWER];
    sum->lost_heat = t[ODT_TV_LOST_HEAT];
    sum->lost_failures = t[ODT_TV_LOST_FAILURES];
    sum->accel_failed = (long)t[ODT_TV_ACCEL_FAILED];
    sum->restarts = (long)t[ODT_TV_RESTARTS];
    sum->inactive = (size_t)t[ODT_TV_N_INACTIVE];
    sum->eclipse_events_lost = (size_t)t[ODT_TV_EVENTS_LOST];
    sum->tokens_demanded = R.acc.demand_tokens;
    sum->has_battery = 0;
    for (int c = 0; c < R.meta.n_classes; ++c)
        sum->has_battery |= R.meta.classes[c].battery.capacity_j > 0.0;
    sum->battery_min_soc = R.acc.soc_min;
    sum->temp_min_k = R.acc.temp_min_k;
    sum->temp_max_k = R.acc.temp_max_k;
    sum->eclipses_umbra = (size_t)R.ev.count[ODT_EVENT_UMBRA];
    sum->eclipses_shadow = (size_t)R.ev.count[ODT_EVENT_SHADOW];
    sum->eclipse_longest_s = R.ev.longest_s[ODT_EVENT_UMBRA];
    sum->eclipse_longest_sat = (int)R.ev.longest_sat[ODT_EVENT_UMBRA];
    sum->eclipse_longest_start_s = R.ev.longest_start_s[ODT_EVENT_UMBRA];
    sum->eclipse_mean_s = R.ev.count[ODT_EVENT_UMBRA] > 0.0 ? R.ev.total_s[ODT_EVENT_UMBRA] /
                                                                  R.ev.count[ODT_EVENT_UMBRA] : 0.0;
    summary_basis(sc, &R.host, &R.meta, sum);
    if (sum->inactive) {
        /* the codes of the inactive satellites, once at the end */
        struct odt_download req = {1, NULL, NULL, 0};
        const int f_status = odt_fleet_field_index("status", 0);
        req.field = &f_status;
        if (R.ops->download(R.be, &req, (void *const *)&R.host.status) == ODT_OK &&
            R.ops->download_wait(R.be) == ODT_OK)
            for (size_t i = 0; i < R.host.n; ++i)
                if (R.host.status[i] > 0 && R.host.status[i] < 8)
                    sum->inactive_by_code[R.host.status[i]]++;
    }

restore:
    signal(SIGINT, old_int);
    signal(SIGTERM, old_term);
out:
    if (R.w) {
        char e2[256];
        odt_snapshot_close(R.w, "failed", e2, sizeof e2);
    }
    if (R.be) {
        free_set(&R, R.rec_buf[0], R.lay.nfields);
        free_set(&R, R.rec_buf[1], R.lay.nfields);
        free_set(&R, R.ckpt_buf, R.n_ckpt_fields);
        R.ops->destroy(R.be);
    } else {
        free(R.rec_buf[0]);
        free(R.rec_buf[1]);
        free(R.ckpt_buf);
    }
    free(R.in);
    free(R.step_demand);
    free(R.series);
    free(R.s_t);
    free(R.s_demand);
    free(R.tot);
    free(R.subset);
    odt_fleet_free(&R.host);
    odt_fleet_meta_free(&R.meta);
    odt_scenario_free(sc);
    if (st != ODT_OK)
        odt_run_summary_free(sum);
    return st;
}

void odt_run_summary_free(struct odt_run_summary *s)
{
    free(s->output);
    s->output = NULL;
}

/* ------------------------------------------------------------------ the summary, text or JSON */

struct sum_out {
    FILE *f;
    int json, n;
};



/* JSON: "key": {"value": ..., "unit": ..., "basis": ...}; text: label, value and unit, (basis). A NaN value
   with a `none` text prints that text instead of the number (a model switched off); `none` NULL: n/a. */
static void fig_any(struct sum_out *o, const char *key, const char *label, double v, const char *sv,
                    const char *fmt, const char *unit, const char *basis, const char *none)
{
    if (o->json) {
        fprintf(o->f, "%s\n    ", o->n++ ? "," : "");
        odt_json_string(o->f, key);
        fputs(": {\"value\": ", o->f);
        if (sv)
            odt_json_string(o->f, sv);
        else if (isfinite(v))
            odt_json_number(o->f, v);
        else
            fputs("null", o->f);
        fputs(", \"unit\": ", o->f);
        odt_json_string(o->f, unit ? unit : "");
        fputs(", \"basis\": ", o->f);
        odt_json_string(o->f, !sv && !isfinite(v) && none ? none : basis ? basis : "");
        fputc('}', o->f);
        return;
    }
    char val[160];
    if (sv)
        snprintf(val, sizeof val, "%s", sv);
    else if (isfinite(v)) {
        int k = snprintf(val, sizeof val, fmt, v);
        if (unit && unit[0] && k > 0 && (size_t)k < sizeof val)
            snprintf(val + k, sizeof val - (size_t)k, " %s", unit);
    } else
        snprintf(val, sizeof val, "%s", none ? none : "n/a");
    const int off = !sv && !isfinite(v);
    if (basis && basis[0] && !off)
        fprintf(o->f, "  %-28s %s  (%s)\n", label, val, basis);
    else
        fprintf(o->f, "  %-28s %s\n", label, val);
}

static void fig(struct sum_out *o, const char *key, const char *label, double v, const char *fmt, const char *unit,
                const char *basis)
{
    fig_any(o, key, label, v, NULL, fmt, unit, basis, NULL);
}

static void fig_str(struct sum_out *o, const char *key, const char *label, const char *sv, const char *basis)
{
    fig_any(o, key, label, NAN, sv, NULL, "", basis, NULL);
}

/* The summary's warnings: what a figure cannot be trusted for. Returns the count (at most max). */
#define SUM_MAX_WARN 6
static int summary_warnings(const struct odt_run_summary *s, char w[][400], int max)
{
    int n = 0;
    if (s->interrupted && n < max)
        snprintf(w[n++], 400, "the run was interrupted at t = %.0f s: the figures cover the part run "
                              "(odtwin run --resume %s continues it)", s->simulated_s, s->output);
    if (s->shadow_model && s->eclipse_step_limit_s > 0.0 && s->step_s > s->eclipse_step_limit_s && n < max)
        snprintf(w[n++], 400, "step %.0f s is longer than the shortest shadow arc of the fleet (%.0f s = %.2f of "
                              "its orbital period at beta 0): one step can hold both boundaries of a pass, or "
                              "several passes, so eclipse counts and durations are unreliable; use step_s <= %.0f s "
                              "(docs/report.md)",
                 s->step_s, s->eclipse_step_limit_s, s->eclipse_step_limit_fraction,
                 s->eclipse_step_limit_s);
    if (s->eclipse_events_lost && n < max)
        snprintf(w[n++], 400, "%zu eclipse events not recorded (event buffer full): eclipse counts are low",
                 s->eclipse_events_lost);
    if (s->simulated_s > 0.0 && s->simulated_s < 0.999 * ODT_YEAR_S && n < max)
        snprintf(w[n++], 400, "the run covers %.3g days, not a year: rates and means are over those days only "
                              "(season, beta angle, weekdays); a yearly figure (odtwin report) scaled from them is "
                              "not the year's",
                 s->simulated_s / ODT_SEC_PER_DAY);
    return n;
}
/* Every figure of the summary, in order. */
static void summary_figures(struct sum_out *o, const struct odt_run_summary *s)
{
    const double mwh = 3.6e9, secs = s->simulated_s > 0.0 ? s->simulated_s : NAN;
    const double wall = s->wall_s > 0 ? s->wall_s : 1e-9;
    char machine[160], run_period[160], buf[400];
    snprintf(machine, sizeof machine, "this machine: %s backend, %d thread%s, %d cores; varies between runs",
             s->backend, s->threads, s->threads == 1 ? "" : "s", s->cores);
    snprintf(run_period, sizeof run_period, "over the %.4g days simulated", s->simulated_s / ODT_SEC_PER_DAY);
    /* the run */
    fig(o, "satellites", "satellites", (double)s->satellites, "%.0f", "", "simulated");
    if (s->has_launches || s->satellites_represented != (double)s->satellites) {
        if (s->satellites_represented != (double)s->satellites)
            fig(o, "fleet_satellites", "fleet", s->satellites_represented, "%.0f", "satellites",
                "represented by the simulated ones, weighted");
        fig(o, "in_service_end", "in service at the end", s->in_service_end, "%.0f", "satellites", "weighted");
        fig(o, "retired_end", "retired at the end", s->retired_end, "%.0f", "satellites", "weighted");
        fig(o, "planned_end", "not launched yet at the end",
            s->satellites_represented - s->in_service_end - s->retired_end, "%.0f", "satellites", "weighted");
    }
    if (s->has_launches) {
        fig(o, "launches", "launches flown", (double)s->launches, "%.0f", "", "within the run");
        fig(o, "launches_not_flown", "launches without a slot", (double)s->launches_not_flown, "%.0f", "",
            "of the schedules");
    }
    if (s->n_sgp4) {
        fig(o, "sgp4_satellites", "SGP4 satellites", (double)s->n_sgp4, "%.0f", "", "propagated with SGP4");
        fig(o, "catalog_rejected", "catalogue entries skipped", (double)s->catalog_rejected, "%.0f", "",
            "bad entries (--strict fails instead)");
    }
    if (s->inactive) {
        static const char *const why[8] = {"", "mean eccentricity", "mean motion", "perturbed eccentricity",
                                           "semi-latus rectum", "", "decayed", "invalid argument"};
        size_t at = 0;
        buf[0] = '\0';
        for (int c = 1; c < 8 && at < sizeof buf; ++c)
            if (s->inactive_by_code[c])
                at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%zu %s (code %d)", at ? "; " : "",
                                       s->inactive_by_code[c], why[c], c);
        fig(o, "inactive_satellites", "inactive satellites", (double)s->inactive, "%.0f", "", "SGP4 error at the end");
        fig_str(o, "inactive_by_code", "inactive by SGP4 code", buf, "SGP4 error codes");
    }
    fig_str(o, "epoch_utc", "epoch", s->epoch_utc, "UTC, the scenario's");
    fig(o, "simulated_s", "simulated", s->simulated_s, "%.0f", "s",
        "from the epoch: every figure below covers this period unless it says otherwise");
    fig(o, "simulated_days", "simulated (days)", s->simulated_s / ODT_SEC_PER_DAY, "%.4g", "d", "");
    fig(o, "steps", "steps", (double)s->steps, "%.0f", "", "");
    fig(o, "step_s", "step", s->step_s, "%g", "s", "");
    fig(o, "snapshots", "snapshots", (double)s->snapshots, "%.0f", "", "records in the file");
    /* the machine */
    fig_str(o, "backend", "backend", s->backend, "");
    fig(o, "threads", "threads", (double)s->threads, "%.0f", "", "CPU threads; 0 with cuda");
    fig(o, "cores", "cores", (double)s->cores, "%.0f", "", "processors of this machine");
    fig(o, "wall_s", "wall time", s->wall_s, "%.3f", "s", machine);
    fig(o, "wall_stepping_pct", "wall: stepping", 100.0 * s->step_wall_s / wall, "%.1f", "%", "share of wall time");
    fig(o, "wall_transfers_pct", "wall: transfers", 100.0 * s->transfer_wall_s / wall, "%.1f", "%",
        "share of wall time");
    fig(o, "wall_host_pct", "wall: host", 100.0 * s->host_wall_s / wall, "%.1f", "%", "share of wall time");
    fig(o, "wall_writer_wait_pct", "wall: waiting for the writer", 100.0 * s->writer_wait_s / wall, "%.1f", "%",
        "share of wall time");
    fig(o, "satellite_steps_per_s", "satellite-steps/s", s->sat_steps_per_s, "%.4g", "", machine);
    fig(o, "satellite_steps_per_s_stepping", "satellite-steps/s stepping",
        s->step_wall_s > 0 ? s->satellite_steps_here / s->step_wall_s : NAN, "%.4g", "", "the backend's advance alone, "
        "this machine");
    const double ss = s->satellite_steps_here > 0 ? s->satellite_steps_here : 1.0;
    fig(o, "transfers_mb", "backend transfers", s->transfer_bytes / 1e6, "%.4g", "MB",
        "both ways, upload and checkpoints included");
    fig(o, "transfers_b_per_satellite_step", "transfers per satellite-step", s->transfer_bytes / ss, "%.3g", "B", "");
    fig(o, "transfers_loop_b_per_satellite_step", "  between records", s->transfer_loop_bytes / ss, "%.3g", "B",
        "the upload and checkpoints apart");
    fig(o, "writer_busy_s", "snapshot writer busy", s->writer_busy_s, "%.3f", "s", machine);
    fig(o, "writer_busy_pct", "snapshot writer busy share", 100.0 * s->writer_busy_s / wall, "%.1f", "%",
        "of wall time");
    fig(o, "checkpoint_s", "checkpoints", s->checkpoint_s, "%.3f", "s", "writer time in checkpoints");
    fig(o, "checkpoints", "checkpoints written", (double)s->checkpoints, "%.0f", "", "");
    fig(o, "file_mb", "file size", s->file_bytes / 1e6, "%.4g", "MB", "the snapshot file");
    fig(o, "record_b_per_satellite_record", "record bytes per satellite",
        s->satellite_records > 0 ? s->record_bytes / s->satellite_records : NAN, "%.3g", "B", "per record");
    /* energy */
    fig(o, "sunlit_fraction", "fleet sunlit fraction", s->sunlit_fraction, "%.4f", "",
        "illumination-weighted time in sunlight / time, fleet, over the run");
    fig(o, "energy_solar_mwh", "energy collected", s->energy_solar_j / mwh, "%.4f", "MWh",
        "solar array output, fleet, over the run");
    fig(o, "energy_demand_mwh", "energy asked for", s->energy_demand_j / mwh, "%.4f", "MWh", "bus + compute load");
    fig(o, "energy_served_mwh", "energy used", s->energy_served_j / mwh, "%.4f", "MWh", "load served");
    fig(o, "energy_unserved_mwh", "energy not served", s->energy_unserved_j / mwh, "%.4f", "MWh", "");
    fig(o, "energy_curtailed_mwh", "energy curtailed", s->energy_curtailed_j / mwh, "%.4f", "MWh",
        "array output with nowhere to go");
    /* eclipses */
    const int ecl = s->shadow_model != 0;
    const char *no_ecl = "not modelled (shadow: none)";
    fig_any(o, "eclipses_umbra", "umbra passes", ecl ? (double)s->eclipses_umbra : NAN, NULL, "%.0f", "",
            "complete passes with the Sun fully hidden, fleet, over the run", no_ecl);
    if (s->eclipses_shadow)
        fig(o, "eclipse_shadow_intervals", "shadow intervals", (double)s->eclipses_shadow, "%.0f", "",
            "penumbra + umbra, one per pass: each contains its umbra pass, not a separate event");
    const int have_u = ecl && s->eclipses_umbra > 0;
    fig_any(o, "eclipse_longest_min", "longest umbra pass", have_u ? s->eclipse_longest_s / 60.0 : NAN, NULL, "%.1f",
            "min", s->step_s > s->eclipse_step_limit_s && s->eclipse_step_limit_s > 0.0
                       ? "UNRELIABLE: the step is too long for the eclipse refinement (see the warnings)"
                       : "refined boundaries, complete passes",
            ecl ? "no complete umbra pass" : no_ecl);
    if (have_u) {
        fig(o, "eclipse_longest_satellite", "  on satellite", (double)s->eclipse_longest_sat, "%.0f", "", "");
        fig(o, "eclipse_longest_start_s", "  from", s->eclipse_longest_start_s, "%.0f", "s", "since the epoch");
        fig(o, "eclipse_mean_min", "mean umbra pass", s->eclipse_mean_s / 60.0, "%.1f", "min", "complete passes");
    }
    fig_any(o, "eclipse_step_limit_s", "eclipse step limit", ecl && s->eclipse_step_limit_s > 0.0 ?
            s->eclipse_step_limit_s : NAN, NULL, "%.0f", "s",
            "shortest shadow arc of the fleet, P asin(R/a)/pi at beta 0: the longest step with one boundary per "
            "step", ecl ? "no orbit" : no_ecl);
    /* workload */
    const char *no_work = "no workload (demand_tokens_per_s 0)";
    const int w = s->has_workload;
    if (s->demand_per_capacity > 0.0)
        fig(o, "demand_per_capacity", "demand per capacity", s->demand_per_capacity, "%.4g", "",
            "mean demand as a fraction of the fleet capacity at each dispatch update");
    else
        fig_any(o, "demand_nominal_tokens_per_s", "demand, nominal", w ? s->demand_nominal : NAN, NULL, "%.4g",
                "tokens/s", "workload: demand_tokens_per_s, before the daily and weekly factors", no_work);
    snprintf(buf, sizeof buf, "mean offered over the run: the daily curve (mean 1 per day), the weekly factor "
                              "(mean %.3f over these days: weekends x%.3f, weekdays x%.3f), noise",
             s->weekly_factor_mean, s->weekly_weekend, s->weekly_weekday);
    fig_any(o, "demand_offered_tokens_per_s", "demand, offered", w ? s->tokens_demanded / secs : NAN, NULL, "%.4g",
            "tokens/s", buf, no_work);
    fig_any(o, "tokens_demanded", "tokens demanded", w ? s->tokens_demanded : NAN, NULL, "%.4g", "", run_period,
            no_work);
    fig_any(o, "tokens_assigned", "tokens assigned", w ? s->tokens_arrived : NAN, NULL, "%.4g", "",
            "sent to a node by the dispatch", no_work);
    fig_any(o, "tokens_unassigned", "tokens unassigned", w ? s->tokens_demanded - s->tokens_arrived : NAN, NULL,
            "%.4g", "", "no capacity to send them to", no_work);
    fig_any(o, "tokens_served", "tokens served", w ? s->tokens_served : NAN, NULL, "%.4g", "", run_period, no_work);
    fig_any(o, "tokens_dropped", "tokens dropped", w ? s->tokens_dropped : NAN, NULL, "%.4g", "",
            "queue full or past the latency objective", no_work);
    fig_any(o, "tokens_waiting", "tokens waiting", w ? s->tokens_waiting : NAN, NULL, "%.4g", "",
            "queued at the end", no_work);
    fig_any(o, "tokens_per_s_delivered", "tokens/s delivered", w ? s->tokens_served / secs : NAN, NULL, "%.4g",
            "tokens/s", "mean over the run", no_work);
    fig(o, "capacity_full_tokens_per_s", "fleet capacity, full power", s->capacity_ideal / secs, "%.4g", "tokens/s",
        "all accelerators at full power, mean over the run");
    const double cap = s->capacity_ideal > 0.0 ? s->capacity_ideal : NAN;
    fig(o, "capacity_lost_power_pct", "capacity lost: power", 100.0 * s->lost_power / cap, "%.2f", "%",
        "eclipse and battery, of the capacity at full power");
    fig(o, "capacity_lost_heat_pct", "capacity lost: heat", 100.0 * s->lost_heat / cap, "%.2f", "%", "throttling");
    fig_any(o, "capacity_lost_failures_pct", "capacity lost: failures",
            s->has_failures ? 100.0 * s->lost_failures / cap : NAN, NULL, "%.2f", "%", "failures and restarts",
            "no failures modelled (no failure or restart rates)");
    fig_any(o, "accelerator_failures", "accelerator failures", s->has_failures ? (double)s->accel_failed : NAN, NULL,
            "%.0f", "", run_period, "no failures modelled (no failure or restart rates)");
    fig_any(o, "node_restarts", "node restarts", s->has_failures ? (double)s->restarts : NAN, NULL, "%.0f", "",
            run_period, "no failures modelled (no failure or restart rates)");
    fig_any(o, "battery_min_soc", "lowest battery SoC",
            s->has_battery && s->battery_min_soc <= 1.0 ? s->battery_min_soc : NAN, NULL, "%.3f", "",
            "fleet series, every step sampled", "no battery");
    const int have_t = s->temp_min_k <= s->temp_max_k;
    fig_any(o, "payload_temp_min_k", "payload temperature, min", have_t ? s->temp_min_k : NAN, NULL, "%.1f", "K",
            "fleet series, active satellites", "no active satellite");
    fig_any(o, "payload_temp_max_k", "payload temperature, max", have_t ? s->temp_max_k : NAN, NULL, "%.1f", "K",
            "fleet series, active satellites", "no active satellite");
}

void odt_run_print_summary(FILE *out, const struct odt_run_summary *s)
{
    struct sum_out o = {out, 0, 0};
    fprintf(out, "odtwin run summary%s\n", s->interrupted ? " (INTERRUPTED: partial run)" : "");
    summary_figures(&o, s);
    char w[SUM_MAX_WARN][400];
    const int nw = summary_warnings(s, w, SUM_MAX_WARN);
    for (int k = 0; k < nw; ++k)
        fprintf(out, "  WARNING: %s\n", w[k]);
    fprintf(out, "  %-28s %s\n", "output", s->output);
}

void odt_run_print_summary_json(FILE *out, const struct odt_run_summary *s)
{
    struct sum_out o = {out, 1, 0};
    fputs("{\n  \"odtwin_run_summary\": 1,\n  \"output\": ", out);
    odt_json_string(out, s->output);
    fprintf(out, ",\n  \"interrupted\": %s,\n  \"figures\": {", s->interrupted ? "true" : "false");
    summary_figures(&o, s);
    fputs("\n  },\n  \"warnings\": [", out);
    char w[SUM_MAX_WARN][400];
    const int nw = summary_warnings(s, w, SUM_MAX_WARN);
    for (int k = 0; k < nw; ++k) {
        fputs(k ? ",\n    " : "\n    ", out);
        odt_json_string(out, w[k]);
    }
    fputs(nw ? "\n  ]\n}\n" : "]\n}\n", out);
}
