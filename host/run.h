/*
 * run.h: the run loop: scenario -> fleet -> backend -> snapshots -> summary.
 */
#ifndef ODT_RUN_H
#define ODT_RUN_H

#include <stdio.h>
#include "orbit/odt_defs.h"

struct odt_run_options {
    const char *scenario_path; /* NULL: the embedded default scenario */
    const char *output_path;   /* NULL: the scenario's `output`, else "<name>.h5" */
    const char *backend;       /* "auto", "cpu" or "cuda" */
    int threads;               /* CPU threads, 0 = all */
    int quiet;                 /* no progress line, no informational messages (the summary still prints) */
    int progress;              /* show a progress line (a terminal) */
    int strict;                /* a bad catalogue entry fails the run instead of being skipped */
    const char *resume_path;   /* continue this snapshot file from its last complete record */
    long stop_after_snapshots; /* stop (as if interrupted) after writing this many snapshots (0: never) */
};

struct odt_run_summary {
    size_t satellites;       /* simulated */
    double satellites_represented; /* satellites the simulated ones stand for (weights) */
    double in_service_end, retired_end; /* satellites in service and retired at the end (weighted) */
    size_t launches, launches_not_flown; /* launches flown within the run; of the schedules, found no slot */
    int has_launches;        /* some fleet entry has a launch schedule */
    long steps;
    long snapshots;
    char backend[16];
    int threads;
    double wall_s;           /* whole run loop, snapshots included */
    double step_wall_s;      /* time in the backend's advance */
    double transfer_wall_s;  /* time in downloads, reductions and event collection */
    double host_wall_s;      /* host work between calls: step inputs, demand, dispatch */
    double writer_wait_s;    /* the run loop waiting for the writer thread */
    double writer_busy_s;    /* the writer thread busy (records, series, events, checkpoints) */
    double checkpoint_s;     /* of which checkpoints */
    long checkpoints;
    double transfer_bytes;   /* bytes across the backend boundary (upload and checkpoints included) */
    double transfer_loop_bytes; /* of which between records: step inputs, series, totals, events, records */
    double satellite_steps_here; /* satellite-steps of this invocation */
    double record_bytes;     /* bytes stored for the per-satellite records */
    double satellite_records;/* satellites per record x records */
    double file_bytes;       /* size of the snapshot file */
    int has_battery;         /* some class has a battery */
    double sat_steps_per_s;
    double sunlit_fraction;  /* fleet illumination-weighted time in sunlight / time */
    double energy_solar_j;   /* fleet array output */
    double energy_demand_j;  /* fleet load asked for */
    double energy_served_j;  /* fleet load supplied */
    double energy_unserved_j;
    double energy_curtailed_j;
    double battery_min_soc;  /* lowest state of charge in the fleet series (over satellites with a battery) */
    double temp_min_k, temp_max_k; /* extreme payload temperatures in the fleet series */
    size_t eclipses_umbra;   /* complete umbra passes (the Sun fully hidden) */
    size_t eclipses_shadow;  /* complete shadow intervals (any part of the Sun hidden; conical model): each holds
                                the penumbra on both sides of its umbra pass, not a separate event */
    double eclipse_longest_s, eclipse_mean_s, eclipse_longest_start_s;
    int eclipse_longest_sat;
    size_t eclipse_events_lost;
    char *output;            /* the snapshot file (malloc'd: odt_run_summary_free) */
    int interrupted;         /* stopped by SIGINT/SIGTERM */
    double resumed_from_s;   /* --resume: the time the run continued from */
    double simulated_s;      /* simulated time at the end */
    double tokens_demanded, tokens_arrived, tokens_served, tokens_dropped, tokens_waiting; /* fleet, tokens */
    double capacity_ideal;   /* fleet capacity of all accelerators at full power over the run, tokens */
    double lost_power, lost_heat, lost_failures; /* capacity lost by cause, tokens */
    long accel_failed, restarts;
    size_t n_sgp4;           /* satellites propagated with SGP4 */
    size_t catalog_rejected; /* catalogue entries skipped as bad */
    size_t inactive;         /* satellites inactive at the end (SGP4 error codes) */
    size_t inactive_by_code[8]; /* inactive satellites per SGP4 error code 1..7 */
    /* what the figures rest on */
    char epoch_utc[40];      /* the scenario epoch (UTC) */
    double step_s;           /* the step */
    double eclipse_step_limit_s; /* the longest step with at most one shadow boundary per step: the shortest
                                    shadow arc of the fleet's orbits (docs/report.md); 0 when no orbit */
    double eclipse_step_limit_fraction; /* that arc over its orbital period, asin(R / a) / pi */
    int shadow_model;        /* enum odt_shadow_model (0: none, no eclipses) */
    int has_failures;        /* some class has a failure or restart hazard */
    int has_workload;        /* a demand is offered (demand_tokens_per_s or demand_per_capacity > 0) */
    double demand_nominal;   /* demand_tokens_per_s of the scenario, tokens/s */
    double demand_per_capacity; /* the scenario's demand_per_capacity (0: off) */
    double weekly_factor_mean; /* the weekly factor of the demand model over the run (regions' local days) */
    double weekly_weekday, weekly_weekend; /* the weekly factor on a weekday and on a weekend day */
    int cores;               /* processors of this machine (omp_get_num_procs) */
};

/* What the summary prints. */
enum odt_summary_format { ODT_SUMMARY_TEXT = 0, ODT_SUMMARY_JSON = 1, ODT_SUMMARY_NONE = 2 };

struct odt_backend_ops;
/* odt_backend_choose: the backend for "auto", "cpu" or "cuda"; auto says which it took (unless quiet). */
enum odt_status odt_backend_choose(const char *name, int quiet, const struct odt_backend_ops **ops, char *err,
                                   size_t errlen);
/* odt_run: do a whole run; on failure err holds one message naming file/line where known. */
enum odt_status odt_run(const struct odt_run_options *opt, struct odt_run_summary *sum, char *err, size_t errlen);
/* odt_run_summary_free: what odt_run allocated in sum. */
void odt_run_summary_free(struct odt_run_summary *sum);
/* odt_run_print_summary: the end-of-run table: one figure a line, with its unit and what it rests on, then
   the warnings (a period too short for a yearly figure, a step too long for the eclipse refinement ...). */
void odt_run_print_summary(FILE *out, const struct odt_run_summary *sum);
/* odt_run_print_summary_json: the same figures as one JSON object: "figures": {key: {"value", "unit",
   "basis"}}, "warnings": [...], "output" (docs/report.md, "The run summary"). */
void odt_run_print_summary_json(FILE *out, const struct odt_run_summary *sum);
/* odt_backends_describe: the backends of this build, for `odtwin version` (lines ending in newlines). */
void odt_backends_describe(char *buf, size_t len);

#endif /* ODT_RUN_H */
