/* run.c: the run loop. */
#include "host/run.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/fleet_build.h"
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

enum odt_status odt_backend_choose(const char *name, int quiet, const struct odt_backend_ops **ops, char *err,
                                   size_t errlen)
{
    char why[160] = "";
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
            snprintf(err, errlen, "--backend cuda: no usable CUDA device (%s)", why);
            return ODT_ERR_UNSUPPORTED;
        }
        *ops = odt_backend_cuda_ops();
        return ODT_OK;
    }
    if (strcmp(name, "auto") == 0) {
        if (odt_backend_cuda_ops() && odt_cuda_device_count(why, sizeof why) > 0) {
            *ops = odt_backend_cuda_ops();
            if (!quiet)
                fprintf(stderr, "odtwin: backend auto: chose cuda (a CUDA device is present)\n");
        } else {
            *ops = &odt_backend_cpu;
            if (!quiet)
                fprintf(stderr, "odtwin: backend auto: chose cpu (%s)\n", why);
        }
        return ODT_OK;
    }
    snprintf(err, errlen, "unknown backend '%s' (auto, cpu or cuda)", name);
    return ODT_ERR_VALUE;
}

/*
 * Steps per advance call: a snapshot interval, or fewer so that no satellite
 * can record more eclipse events in one call than its ODT_ECL_SLOTS slots (at
 * most 4 events per orbit: one call spans at most ODT_ECL_SLOTS / 4 - 1 orbits
 * of the shortest period in the fleet).
 */
static int batch_steps(const struct odt_fleet *f, const struct odt_scenario *sc, long k_interval)
{
    double min_period = HUGE_VAL;
    for (size_t i = 0; i < f->n; ++i)
        if (f->a_km[i] > 0.0) {
            const double p = ODT_TWOPI * sqrt(f->a_km[i] * f->a_km[i] * f->a_km[i] / ODT_EARTH_MU_KM3_S2);
            min_period = p < min_period ? p : min_period;
        }
    const double span = (ODT_ECL_SLOTS / 4 - 1) * min_period;
    long k = (long)floor(span / sc->step_s);
    k = k < 1 ? 1 : k;
    k = k < k_interval ? k : k_interval;
    return (int)(k < 1000000 ? k : 1000000);
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

/* Fold one snapshot's values into the summary extremes. */
static void track_extremes(const struct odt_fleet *f, const struct odt_sat_class *classes,
                           struct odt_run_summary *sum)
{
    for (size_t i = 0; i < f->n; ++i) {
        const double cap = classes[f->cls[i]].battery.capacity_j;
        if (cap > 0.0 && f->battery_energy[i] / cap < sum->battery_min_soc)
            sum->battery_min_soc = f->battery_energy[i] / cap;
        if (f->temperature[i] < sum->temp_min_k)
            sum->temp_min_k = f->temperature[i];
        if (f->temperature[i] > sum->temp_max_k)
            sum->temp_max_k = f->temperature[i];
    }
}

static void fleet_totals(const struct odt_fleet *f, struct odt_run_summary *sum)
{
    double sun = 0.0, el = 0.0;
    sum->energy_solar_j = sum->energy_demand_j = sum->energy_served_j = 0.0;
    sum->energy_unserved_j = sum->energy_curtailed_j = 0.0;
    for (size_t i = 0; i < f->n; ++i) {
        sun += f->sunlit_time[i];
        el += f->elapsed_time[i];
        sum->energy_solar_j += f->energy_solar[i];
        sum->energy_demand_j += f->energy_demand[i];
        sum->energy_served_j += f->energy_served[i];
        sum->energy_unserved_j += f->energy_unserved[i];
        sum->energy_curtailed_j += f->energy_curtailed[i];
    }
    sum->sunlit_fraction = el > 0.0 ? sun / el : 0.0;
    sum->tokens_arrived = sum->tokens_served = sum->tokens_dropped = sum->tokens_waiting = 0.0;
    sum->capacity_ideal = sum->lost_power = sum->lost_heat = sum->lost_failures = 0.0;
    sum->accel_failed = sum->restarts = 0;
    for (size_t i = 0; i < f->n; ++i) {
        sum->tokens_arrived += f->tokens_arrived[i];
        sum->tokens_served += f->tokens_served[i];
        sum->tokens_dropped += f->tokens_dropped[i];
        sum->tokens_waiting += f->queue_waiting[i];
        sum->capacity_ideal += f->capacity_ideal[i];
        sum->lost_power += f->capacity_lost_power[i];
        sum->lost_heat += f->capacity_lost_heat[i];
        sum->lost_failures += f->capacity_lost_failures[i];
        sum->accel_failed += f->accel_failed[i];
        sum->restarts += f->restarts[i];
    }
}

enum odt_status odt_run(const struct odt_run_options *opt, struct odt_run_summary *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    sum->battery_min_soc = 1.0;
    sum->temp_min_k = HUGE_VAL;
    sum->temp_max_k = -HUGE_VAL;
    struct odt_scenario sc;
    enum odt_status st;
    struct odt_scenario_options sopt = {opt->strict, opt->quiet};
    if (opt->resume_path) {
        /* the run to continue carries its scenario */
        char *text = NULL, status[32] = "", name[600];
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
        snprintf(name, sizeof name, "%s (scenario attribute)", opt->resume_path);
        st = odt_scenario_load_text_opts(name, text, strlen(text), &sopt, &sc, err, errlen);
        free(text);
    } else if (opt->scenario_path)
        st = odt_scenario_load_file_opts(opt->scenario_path, &sopt, &sc, err, errlen);
    else
        st = odt_scenario_load_text_opts("<default scenario>", odt_scenario_default_text(),
                                         strlen(odt_scenario_default_text()), &sopt, &sc, err, errlen);
    if (st != ODT_OK)
        return st;

    const struct odt_backend_ops *ops = NULL;
    if (opt->threads < 0) {
        snprintf(err, errlen, "--threads %d: must be 0 (all) or a positive count", opt->threads);
        odt_scenario_free(&sc);
        return ODT_ERR_VALUE;
    }
    if ((st = odt_backend_choose(opt->backend ? opt->backend : "auto", opt->quiet, &ops, err, errlen)) != ODT_OK) {
        odt_scenario_free(&sc);
        return st;
    }

    if (opt->resume_path)
        snprintf(sum->output, sizeof sum->output, "%s", opt->resume_path);
    else if (opt->output_path)
        snprintf(sum->output, sizeof sum->output, "%s", opt->output_path);
    else if (sc.output[0])
        snprintf(sum->output, sizeof sum->output, "%s", sc.output);
    else
        snprintf(sum->output, sizeof sum->output, "%s.h5", sc.name);

    struct odt_fleet host;
    struct odt_fleet_meta meta;
    if ((st = odt_fleet_build(&sc, &host, &meta, err, errlen)) != ODT_OK) {
        odt_scenario_free(&sc);
        return st;
    }

    const long steps = odt_scenario_steps(&sc);
    const long k_interval = (long)nearbyint(sc.snapshot_interval_s / sc.step_s);
    const int k_max = batch_steps(&host, &sc, k_interval);
    struct odt_backend_config bcfg;
    odt_backend_config_init(&bcfg, &sc, &host, &meta, k_max, opt->threads > 0 ? opt->threads : omp_get_max_threads());
    const int is_cpu = ops == &odt_backend_cpu;

    struct odt_backend *be = NULL;
    struct odt_snapshot_writer *w = NULL;
    struct odt_step_input *in = malloc(sizeof *in * (size_t)k_max);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        st = ODT_ERR_NOMEM;
        goto out;
    }
    if ((st = ops->create(&be, &bcfg, err, errlen)) != ODT_OK)
        goto out;
    struct odt_run_info info = {ops->name, is_cpu ? bcfg.threads : 0};
    struct odt_eclipse_tracker ecl;
    memset(&ecl, 0, sizeof ecl);
    const int conical = sc.shadow_model == ODT_SHADOW_CONICAL;
    long done = 0;
    odt_stop_signal = 0;
    void (*old_int)(int) = signal(SIGINT, on_signal);
    void (*old_term)(int) = signal(SIGTERM, on_signal);
    const double t_start = now_s();
    double t_step_s = 0.0; /* time spent advancing (excludes snapshot I/O) */

    struct odt_demand demand;
    odt_demand_init(&demand, &sc.demand, &sc.epoch, sc.seed);
    double demand_total = 0.0;           /* fleet demand so far, tokens */
    struct odt_rel_row *rel_rows = NULL; /* reliability events since the last snapshot */
    size_t n_rel_rows = 0, cap_rel_rows = 0;
    if (opt->resume_path) {
        /* continue from the last complete snapshot: its state replaces the scenario's initial one */
        struct odt_snapshot_resume rs;
        if ((st = odt_eclipse_tracker_init(&ecl, &host, conical, 0.0)) != ODT_OK) {
            snprintf(err, errlen, "out of memory");
            goto restore;
        }
        if ((st = odt_snapshot_resume(&w, sum->output, &host, &ecl, &rs, err, errlen)) != ODT_OK)
            goto fail_tracker;
        done = (long)nearbyint(rs.t_s / sc.step_s);
        demand_total = rs.demand_tokens;
        sum->snapshots = rs.records;
        sum->resumed_from_s = rs.t_s;
        if ((st = ops->upload(be, &host)) != ODT_OK) {
            snprintf(err, errlen, "%s backend: %s", ops->name, ops->last_error(be));
            goto fail_tracker;
        }
        track_extremes(&host, meta.classes, sum);
    } else {
        if ((st = odt_snapshot_create(&w, sum->output, &sc, &host, &meta, &info, err, errlen)) != ODT_OK)
            goto restore;
        if ((st = ops->upload(be, &host)) != ODT_OK) {
            snprintf(err, errlen, "%s backend: %s", ops->name, ops->last_error(be));
            goto restore;
        }
        /* snapshot 0: the state at the epoch, evaluated with a zero-length step */
        odt_step_input_at(&sc.epoch, 0.0, 0.0, &in[0]);
        if ((st = ops->advance(be, in, 1)) != ODT_OK || (st = ops->download(be, &host)) != ODT_OK) {
            snprintf(err, errlen, "%s backend: %s", ops->name, ops->last_error(be));
            goto restore;
        }
        if ((st = odt_eclipse_tracker_init(&ecl, &host, conical, 0.0)) != ODT_OK) {
            snprintf(err, errlen, "out of memory");
            goto restore;
        }
        struct odt_snapshot_extra x0 = {NULL, 0, 0.0};
        if ((st = odt_snapshot_append(w, &in[0], &host, &ecl, &x0, err, errlen)) != ODT_OK)
            goto fail_tracker;
        track_extremes(&host, meta.classes, sum);
        sum->snapshots = 1;
    }

    long written_here = 0;
    while (done < steps && !odt_stop_signal) {
        /* up to the next snapshot, in batches of at most k_max steps */
        const long to_snapshot = k_interval - done % k_interval;
        const long left = steps - done < to_snapshot ? steps - done : to_snapshot;
        const int k = (int)(left < k_max ? left : k_max);
        odt_step_inputs_fill(&sc.epoch, (double)done * sc.step_s, sc.step_s, k, in);
        /* the demand of each step, handed out by the capacities at the start of the batch (O(1) per step) */
        double cap_fleet = 0.0;
        int64_t active = 0;
        for (size_t i = 0; i < host.n; ++i)
            if (host.capacity[i] > 0.0) {
                cap_fleet += host.capacity[i];
                ++active;
            }
        for (int s = 0; s < k; ++s) {
            int64_t region_counts[ODT_DEMAND_MAX_REGIONS];
            const int64_t d = odt_demand_step(&demand, in[s].step_index, in[s].t_s - sc.step_s, sc.step_s, NULL,
                                              region_counts);
            int64_t unassigned_known;
            odt_dispatch_factor((enum odt_dispatch_policy)sc.dispatch, d, cap_fleet, active, &in[s].demand_factor,
                                &unassigned_known);
            demand_total += (double)d;
        }
        const double t0 = now_s();
        if ((st = ops->advance(be, in, k)) != ODT_OK || (st = ops->download(be, &host)) != ODT_OK) {
            snprintf(err, errlen, "%s backend: %s", ops->name, ops->last_error(be));
            goto fail_tracker;
        }
        t_step_s += now_s() - t0;
        done += k;
        if ((st = odt_eclipse_tracker_collect(&ecl, &host)) != ODT_OK ||
            (st = odt_rel_rows_collect(&host, &rel_rows, &n_rel_rows, &cap_rel_rows)) != ODT_OK) {
            snprintf(err, errlen, "out of memory collecting events");
            goto fail_tracker;
        }
        if (done % k_interval != 0 && done != steps)
            continue;
        if (done == steps && (st = odt_eclipse_tracker_finish(&ecl, (double)done * sc.step_s)) != ODT_OK) {
            snprintf(err, errlen, "out of memory collecting eclipse events");
            goto fail_tracker;
        }
        struct odt_snapshot_extra extra = {rel_rows, n_rel_rows, demand_total};
        if ((st = odt_snapshot_append(w, &in[k - 1], &host, &ecl, &extra, err, errlen)) != ODT_OK)
            goto fail_tracker;
        odt_eclipse_tracker_clear_rows(&ecl);
        n_rel_rows = 0;
        track_extremes(&host, meta.classes, sum);
        sum->snapshots++;
        if (opt->stop_after_snapshots > 0 && ++written_here >= opt->stop_after_snapshots && done < steps)
            odt_stop_signal = SIGINT; /* as if interrupted (tests of --resume) */
        if (opt->progress && !opt->quiet) {
            const double el = now_s() - t_start;
            progress_line((double)done / (double)steps, (double)done * sc.step_s,
                          (double)host.n * (double)done / (el > 0 ? el : 1e-9),
                          el * (double)(steps - done) / (double)done);
        }
    }
    sum->eclipses_umbra = ecl.count[ODT_ECLIPSE_UMBRA];
    sum->eclipses_shadow = ecl.count[ODT_ECLIPSE_SHADOW];
    sum->eclipse_longest_s = ecl.longest_s[ODT_ECLIPSE_UMBRA];
    sum->eclipse_longest_sat = ecl.longest_sat[ODT_ECLIPSE_UMBRA];
    sum->eclipse_longest_start_s = ecl.longest_start_s[ODT_ECLIPSE_UMBRA];
    sum->eclipse_mean_s = ecl.count[ODT_ECLIPSE_UMBRA] ? ecl.total_s[ODT_ECLIPSE_UMBRA] /
                                                             (double)ecl.count[ODT_ECLIPSE_UMBRA] : 0.0;
    for (size_t i = 0; i < host.n; ++i)
        sum->eclipse_events_lost += (size_t)host.eclipse_lost[i];
    odt_eclipse_tracker_free(&ecl);
    free(rel_rows);
    rel_rows = NULL;
    sum->tokens_demanded = demand_total;
    if (opt->progress && !opt->quiet)
        fprintf(stderr, "\n");
    sum->wall_s = now_s() - t_start;
    sum->interrupted = odt_stop_signal != 0;
    st = odt_snapshot_close(w, sum->interrupted ? "interrupted" : "complete", err, errlen);
    w = NULL;

    sum->satellites = host.n;
    sum->n_sgp4 = meta.n_sgp4;
    sum->catalog_rejected = sc.catalog_rejected;
    for (size_t i = 0; i < host.n; ++i)
        if (host.status[i] != 0) {
            sum->inactive++;
            if (host.status[i] > 0 && host.status[i] < 8)
                sum->inactive_by_code[host.status[i]]++;
        }
    sum->steps = done;
    snprintf(sum->backend, sizeof sum->backend, "%s", ops->name);
    sum->threads = info.threads;
    sum->sat_steps_per_s = (double)host.n * (double)done / (sum->wall_s > 0 ? sum->wall_s : 1e-9);
    sum->step_wall_s = t_step_s;
    sum->simulated_s = (double)done * sc.step_s;
    fleet_totals(&host, sum);

    goto restore;
fail_tracker:
    odt_eclipse_tracker_free(&ecl);
    free(rel_rows);
restore:
    signal(SIGINT, old_int);
    signal(SIGTERM, old_term);
out:
    if (w) {
        char e2[256];
        odt_snapshot_close(w, "failed", e2, sizeof e2);
    }
    if (be)
        ops->destroy(be);
    free(in);
    odt_fleet_free(&host);
    odt_fleet_meta_free(&meta);
    odt_scenario_free(&sc);
    return st;
}

void odt_run_print_summary(FILE *out, const struct odt_run_summary *s)
{
    const double mwh = 3.6e9;
    fprintf(out, "odtwin run summary%s\n", s->interrupted ? " (INTERRUPTED: partial run)" : "");
    fprintf(out, "  satellites             %zu\n", s->satellites);
    if (s->n_sgp4)
        fprintf(out, "  SGP4 satellites        %zu (catalogue entries skipped as bad: %zu)\n", s->n_sgp4,
                s->catalog_rejected);
    if (s->inactive) {
        static const char *const why[8] = {"", "mean eccentricity", "mean motion", "perturbed eccentricity",
                                           "semi-latus rectum", "", "decayed", "invalid argument"};
        fprintf(out, "  inactive satellites    %zu:", s->inactive);
        for (int c = 1; c < 8; ++c)
            if (s->inactive_by_code[c])
                fprintf(out, " %zu %s (code %d);", s->inactive_by_code[c], why[c], c);
        fprintf(out, "\n");
    }
    fprintf(out, "  steps                  %ld (%ld snapshots)\n", s->steps, s->snapshots);
    fprintf(out, "  backend                %s\n", s->backend);
    fprintf(out, "  threads                %d\n", s->threads);
    fprintf(out, "  wall time              %.3f s\n", s->wall_s);
    fprintf(out, "  satellite-steps/s      %.4g (stepping alone: %.4g)\n", s->sat_steps_per_s,
            s->step_wall_s > 0 ? (double)s->satellites * (double)s->steps / s->step_wall_s : 0.0);
    fprintf(out, "  fleet sunlit fraction  %.4f\n", s->sunlit_fraction);
    fprintf(out, "  energy collected       %.4f MWh (solar array output)\n", s->energy_solar_j / mwh);
    fprintf(out, "  energy used            %.4f MWh of %.4f MWh asked for (%.4f MWh not served)\n",
            s->energy_served_j / mwh, s->energy_demand_j / mwh, s->energy_unserved_j / mwh);
    fprintf(out, "  energy curtailed       %.4f MWh\n", s->energy_curtailed_j / mwh);
    fprintf(out, "  eclipses               %zu umbra passes", s->eclipses_umbra);
    if (s->eclipses_shadow)
        fprintf(out, ", %zu penumbral shadows", s->eclipses_shadow);
    if (s->eclipses_umbra)
        fprintf(out, "; longest %.1f min (satellite %d, from t = %.0f s), mean %.1f min", s->eclipse_longest_s / 60.0,
                s->eclipse_longest_sat, s->eclipse_longest_start_s, s->eclipse_mean_s / 60.0);
    fprintf(out, "\n");
    if (s->eclipse_events_lost)
        fprintf(out, "  WARNING                %zu eclipse events not recorded (event buffer full)\n",
                s->eclipse_events_lost);
    const double secs = s->simulated_s > 0.0 ? s->simulated_s : 1.0;
    fprintf(out, "  tokens                 %.4g demanded, %.4g assigned (%.4g unassigned), %.4g served, %.4g dropped,"
                 " %.4g waiting\n",
            s->tokens_demanded, s->tokens_arrived, s->tokens_demanded - s->tokens_arrived, s->tokens_served,
            s->tokens_dropped, s->tokens_waiting);
    fprintf(out, "  tokens/s delivered     %.4g (fleet capacity at full power %.4g)\n", s->tokens_served / secs,
            s->capacity_ideal / secs);
    if (s->capacity_ideal > 0.0)
        fprintf(out, "  capacity lost          %.2f %% to power/eclipse, %.2f %% to heat, %.2f %% to failures and restarts\n",
                100.0 * s->lost_power / s->capacity_ideal, 100.0 * s->lost_heat / s->capacity_ideal,
                100.0 * s->lost_failures / s->capacity_ideal);
    fprintf(out, "  accelerator failures   %ld; node restarts %ld\n", s->accel_failed, s->restarts);
    fprintf(out, "  lowest battery SoC     %.3f\n", s->battery_min_soc);
    fprintf(out, "  temperature range      %.1f .. %.1f K\n", s->temp_min_k, s->temp_max_k);
    fprintf(out, "  output                 %s\n", s->output);
}
