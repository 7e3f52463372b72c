/*
 * snapshot.h: the HDF5 snapshot file of a run (schema: docs/snapshot.md).
 *
 * Time-major datasets [time, satellite(, xyz)] grow by one record per
 * snapshot; each record is flushed to disk when written, so the file stays
 * readable with every snapshot completed so far if the run dies. The root
 * attribute run_status is "running" until the run closes the file as
 * "complete" (or "interrupted" / "failed").
 */
#ifndef ODT_SNAPSHOT_H
#define ODT_SNAPSHOT_H

#include "kernels/fleet.h"
#include "host/fleet_build.h"
#include "host/scenario.h"
#include "host/events.h"

#define ODT_SNAPSHOT_SCHEMA_VERSION "1.0"

struct odt_snapshot_writer;

struct odt_run_info {
    const char *backend;  /* backend name */
    int threads;          /* CPU threads (0 for a GPU backend) */
};

/* odt_snapshot_create: create (truncate) path and write the static data. */
enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, char *err, size_t errlen);
/* odt_snapshot_append: append one record of the STATE and OUT fields of f at input in. */
enum odt_status odt_snapshot_append(struct odt_snapshot_writer *w, const struct odt_step_input *in,
                                    const struct odt_fleet *f, char *err, size_t errlen);
/* odt_snapshot_append_eclipses: append n rows to the eclipse table (/eclipses) and flush. */
enum odt_status odt_snapshot_append_eclipses(struct odt_snapshot_writer *w, const struct odt_eclipse_row *rows,
                                             size_t n, char *err, size_t errlen);
/* odt_snapshot_close: set run_status (e.g. "complete") and close; w is freed. */
enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen);

#endif /* ODT_SNAPSHOT_H */
