/*
 * snapshot.h: the HDF5 snapshot file of a run and its checkpoints (schema:
 * docs/snapshot.md).
 *
 * The snapshot file holds what a user analyses: per-satellite records of the
 * requested fields (snapshot_fields, of the satellites snapshot_satellites
 * selects, each field in its storage type) at every record time, the per-step
 * fleet series (/series), the eclipse and failure tables, static fleet and
 * class data, and at the end the final state of every satellite (/final). It
 * is written in HDF5's single-writer/multiple-reader (SWMR) mode from a thread
 * of its own: it can be read while the run goes on, and a killed run leaves
 * every completed record readable (a record is complete when `time` holds it:
 * `time` is written last, then the file is flushed).
 *
 * What --resume needs is a checkpoint: every STATE field of every satellite in
 * its C type, with the run's position in the snapshot file, in a file of its
 * own beside the snapshot (PATH.ckpt-0 and PATH.ckpt-1, written in turn, each
 * to a temporary name, synced and renamed, so that the other one is intact
 * whenever a kill strikes). The writer thread writes the records, series,
 * events and checkpoints in the order they are handed over.
 */
#ifndef ODT_SNAPSHOT_H
#define ODT_SNAPSHOT_H

#include "kernels/backend.h"
#include "kernels/fleet.h"
#include "host/fleet_build.h"
#include "host/scenario.h"

#define ODT_SNAPSHOT_SCHEMA_VERSION "2.0"

struct odt_snapshot_writer;

struct odt_run_info {
    const char *backend;  /* backend name */
    int threads;          /* CPU threads (0 for a GPU backend) */
};

/* What the records hold. */
struct odt_snapshot_layout {
    int nfields;
    int field[ODT_MAX_FIELDS];                /* indices into odt_fleet_fields() */
    enum odt_storage store[ODT_MAX_FIELDS];   /* storage type of each */
    const int32_t *subset;                    /* the satellites of a record (NULL: all), m of them */
    size_t m;
};

/* odt_snapshot_layout_init: the record layout of scenario sc for fleet meta m (subset of snapshot_satellites,
   fields of snapshot_fields or the default set, storage per snapshot_precision). The subset is malloc'd
   into *subset_out (free it). */
enum odt_status odt_snapshot_layout_init(struct odt_snapshot_layout *lay, const struct odt_scenario *sc,
                                         const struct odt_fleet_meta *m, int32_t **subset_out, char *err,
                                         size_t errlen);

/* The checkpoint's host-side values of a run besides the fleet state. */
struct odt_run_accum {
    double t_s;              /* simulated time of the checkpoint, s since the epoch */
    double steps_done;       /* steps taken */
    double demand_tokens;    /* cumulative fleet demand, tokens */
    double dispatch_capacity;/* the fleet capacity sum of the current dispatch interval, tokens s-1 */
    double dispatch_active;  /* the serving nodes counted in it */
    double series_slot_next; /* series rows taken so far (the next row's index) */
    double ecl_count[3], ecl_longest_s[3], ecl_longest_sat[3], ecl_longest_start_s[3], ecl_total_s[3];
    double soc_min, temp_min_k, temp_max_k; /* over the series so far */
    double failure_events, restart_events;
    double seq;              /* checkpoint sequence number (1, 2, ...) */
    double fresh;            /* 1: the state before the epoch (a resume from it starts the run again) */
    /* where the snapshot file stood (filled by the writer) */
    double records, series_rows, eclipse_rows, failure_rows;
};
#define ODT_RUN_ACCUM_N ((int)(sizeof(struct odt_run_accum) / sizeof(double)))

/* Identity of a run, stored in the snapshot and in its checkpoints. */
struct odt_run_identity {
    char run_id[40];        /* random text, the same in the file and its checkpoints */
    char digest[24];        /* FNV-1a 64 of the resolved configuration, hex */
};

/* odt_run_digest: digest of the resolved configuration: scenario text, fleet PARAM fields and SGP4
   records, class table, step settings. */
void odt_run_digest(const struct odt_scenario *sc, const struct odt_fleet *f, const struct odt_fleet_meta *m,
                    const struct odt_backend_config *cfg, char out[24]);

/*
 * odt_snapshot_create: create the snapshot file for path under a temporary
 * name in the same folder (odt_snapshot_publish moves it into place once it
 * can be recovered: an existing file is replaced only then), with the static
 * data (attributes, /fleet, /classes) and empty series; then enter SWMR and
 * start the writer thread. Refuses a path that exists and is not a
 * regular file, and a path that is the same file as an input (scenario,
 * catalogue). nc classes.
 */
enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, const struct odt_snapshot_layout *lay,
                                    const struct odt_run_identity *id, int pool_threads, char *err, size_t errlen);

/* odt_snapshot_publish: once everything handed over is written (the first checkpoint at least), move the new
   file into place (over what the path held). Before it, a kill or a failure leaves the path as it was. */
enum odt_status odt_snapshot_publish(struct odt_snapshot_writer *w, char *err, size_t errlen);

/* Hand-offs to the writer thread: series rows (t[q] end time of the step, rows[q * nc * ODT_SV_N], demand[q]
   tokens of the step) and event rows are copied into the pending job. */
enum odt_status odt_snapshot_add_series(struct odt_snapshot_writer *w, const double *t, const double *rows,
                                        const double *demand, size_t nrows);
enum odt_status odt_snapshot_add_events(struct odt_snapshot_writer *w, const struct odt_event_row *rows, size_t n);
/* The pending job becomes a record at in (time, Earth rotation, Sun) with the cumulative demand; bufs[k] hold
   field k of the layout for its m satellites ([i][c], storage type). bufs stay the caller's, and must not be
   written again until the next odt_snapshot_submit returned. */
void odt_snapshot_set_record(struct odt_snapshot_writer *w, const struct odt_step_input *in, double demand_tokens,
                             void *const *bufs);
/* The pending job writes a checkpoint after its records: bufs[k] hold the k-th STATE field (in the order of
   the field table) of every satellite, [i][c], C type. */
void odt_snapshot_set_checkpoint(struct odt_snapshot_writer *w, const struct odt_run_accum *acc, void *const *bufs);
/* Hand the pending job to the writer thread (after the previous one is written); returns a write error of an
   earlier job. */
enum odt_status odt_snapshot_submit(struct odt_snapshot_writer *w, char *err, size_t errlen);
/* Wait until the writer thread has written everything handed over. */
enum odt_status odt_snapshot_drain(struct odt_snapshot_writer *w, char *err, size_t errlen);

/* Writer statistics: seconds busy, bytes of the record datasets in the file, records. */
struct odt_snapshot_stats {
    double busy_s;          /* writer thread busy: compression, writing, checkpoints */
    double checkpoint_s;    /* of which checkpoints */
    double record_bytes;    /* bytes stored for the per-satellite records */
    double file_bytes;      /* size of the snapshot file */
    double satellite_records; /* satellites per record x records */
    long records, checkpoints;
};
void odt_snapshot_get_stats(const struct odt_snapshot_writer *w, struct odt_snapshot_stats *st);

/*
 * odt_snapshot_close: write what is queued, set run_status ("complete",
 * "interrupted" or "failed"), write /final from the last checkpoint handed
 * over (when there was one) and close; w is freed. The checkpoint files stay:
 * a run can be resumed until it is complete.
 */
enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen);

/*
 * odt_snapshot_read_scenario: the scenario text (malloc'd into *text) and the
 * run_status of an existing snapshot file, for --resume.
 */
enum odt_status odt_snapshot_read_scenario(const char *path, char **text, char *run_status, size_t status_len,
                                           char *err, size_t errlen);

/*
 * odt_snapshot_resume: reopen path to continue it from its newest valid
 * checkpoint: check that the checkpoint and the file belong to the same run
 * and to the configuration id->digest (refused otherwise), read the STATE
 * fields into f (the fleet the scenario builds), cut the file back to where
 * it stood at the checkpoint, and return a writer that appends from there.
 */
enum odt_status odt_snapshot_resume(struct odt_snapshot_writer **out, const char *path, struct odt_fleet *f,
                                    const struct odt_snapshot_layout *lay, const struct odt_run_identity *id,
                                    struct odt_run_accum *acc, int pool_threads, char *err, size_t errlen);

/*
 * odt_snapshot_repair: make the file of a killed run an ordinary HDF5 file
 * again: clear the open-for-writing flags HDF5 leaves behind, cut every
 * series and table to the last complete record, and mark it "interrupted".
 * Checks first, then changes. *records_kept is set.
 */
enum odt_status odt_snapshot_repair(const char *path, long *records_kept, char *err, size_t errlen);

/* The names of the fleet series variables (enum odt_series_var) in /series, with units and descriptions. */
struct odt_series_info {
    const char *name, *units, *description;
};
const struct odt_series_info *odt_series_vars(void);

#endif /* ODT_SNAPSHOT_H */
