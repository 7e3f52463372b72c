/*
 * snapshot.h: the HDF5 snapshot file of a run (schema: docs/snapshot.md).
 *
 * Time-major datasets [time, satellite(, component)] grow by one record per
 * snapshot, with dimension scales so that netCDF tools and xarray open the
 * file as it is. The file is written in HDF5's single-writer/multiple-reader
 * (SWMR) mode: it can be read while the run writes it, and a run killed at any
 * moment leaves a file that opens with every record completed before the kill
 * (a record is complete when `time` has it: `time` is written last).
 *
 * Writing happens on a thread of its own: odt_snapshot_append copies the
 * record and returns, and the simulation goes on while the thread compresses
 * and writes it. The root attribute run_status is "running" until the run
 * closes the file as "complete" (or "interrupted" / "failed").
 */
#ifndef ODT_SNAPSHOT_H
#define ODT_SNAPSHOT_H

#include "kernels/fleet.h"
#include "host/events.h"
#include "host/fleet_build.h"
#include "host/scenario.h"

#define ODT_SNAPSHOT_SCHEMA_VERSION "1.1"

struct odt_snapshot_writer;

struct odt_run_info {
    const char *backend;  /* backend name */
    int threads;          /* CPU threads (0 for a GPU backend) */
};

/* What a resumed run continues from. */
struct odt_snapshot_resume {
    long records;         /* complete records in the file */
    double t_s;           /* time of the last complete record, s since the epoch */
    size_t eclipse_rows;  /* rows of the eclipse table belonging to those records */
    size_t failure_rows;  /* rows of the failure table belonging to those records */
    double demand_tokens; /* fleet demand up to that record, tokens */
};

/* Fleet-level values of a record besides the fleet fields. */
struct odt_snapshot_extra {
    const struct odt_rel_row *rel_rows; /* reliability events since the last record */
    size_t n_rel_rows;
    double demand_tokens;               /* cumulative fleet demand, tokens */
};

/* odt_snapshot_create: create (truncate) path and write the static data. */
enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, char *err, size_t errlen);

/*
 * odt_snapshot_append: queue one record: the STATE and OUT fields of f at the
 * step input in, the eclipse rows completed since the last record and the
 * tracker's open intervals (for a resume), and the fleet-level extras
 * (reliability events, cumulative demand). Returns once the data are copied;
 * a write error of an earlier record is returned here or by close.
 */
enum odt_status odt_snapshot_append(struct odt_snapshot_writer *w, const struct odt_step_input *in,
                                    const struct odt_fleet *f, const struct odt_eclipse_tracker *tr,
                                    const struct odt_snapshot_extra *extra, char *err, size_t errlen);

/* odt_snapshot_close: write what is queued, set run_status (e.g. "complete") and close; w is freed. */
enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen);

/*
 * odt_snapshot_read_scenario: the scenario text (malloc'd into *text) and the
 * run_status of an existing snapshot file, for --resume.
 */
enum odt_status odt_snapshot_read_scenario(const char *path, char **text, char *run_status, size_t status_len,
                                           char *err, size_t errlen);

/*
 * odt_snapshot_resume: reopen path to continue it: read the STATE and OUT
 * fields of its last complete record into f (which must hold the fleet the
 * scenario builds, with the same number of satellites), restore the eclipse
 * tracker's open intervals into tr, drop anything written after that record,
 * and return a writer that appends from there.
 */
enum odt_status odt_snapshot_resume(struct odt_snapshot_writer **out, const char *path, struct odt_fleet *f,
                                    struct odt_eclipse_tracker *tr, struct odt_snapshot_resume *rs, char *err,
                                    size_t errlen);

/*
 * odt_snapshot_repair: make the file of a killed run an ordinary HDF5 file
 * again: clear the open-for-writing flags HDF5 leaves behind, drop the
 * incomplete record, and mark it "interrupted". Until then it opens in SWMR
 * read mode (h5py: File(path, "r", swmr=True)). *records_kept is set.
 */
enum odt_status odt_snapshot_repair(const char *path, long *records_kept, char *err, size_t errlen);

#endif /* ODT_SNAPSHOT_H */
