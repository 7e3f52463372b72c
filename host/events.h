/*
 * events.h: eclipse intervals from the events the backend records.
 *
 * The step records, per satellite and per advance call, the refined times of
 * penumbra/umbra entries and exits (EVENT fields of the fleet). The host pairs
 * them into intervals after each call:
 *   kind ODT_ECLIPSE_UMBRA   the Sun fully hidden (illumination 0), from umbra
 *                            entry to umbra exit (the cylindrical model's only kind);
 *   kind ODT_ECLIPSE_SHADOW  any part of the Sun hidden (illumination < 1), from
 *                            penumbra entry to penumbra exit (conical model).
 * An interval open at the start or the end of the run is cut there and marked
 * incomplete.
 */
#ifndef ODT_EVENTS_H
#define ODT_EVENTS_H

#include <stdint.h>
#include "kernels/fleet.h"

enum odt_eclipse_row_kind { ODT_ECLIPSE_UMBRA = 1, ODT_ECLIPSE_SHADOW = 2 };

struct odt_eclipse_row {
    int32_t satellite; /* satellite index */
    int32_t kind;      /* enum odt_eclipse_row_kind */
    double start_s;    /* s since the epoch */
    double end_s;      /* s since the epoch */
    int32_t complete;  /* 1: both ends seen; 0: cut by the start or the end of the run */
};

/* One reliability event (host/events.c collects them from the EVENT fields). */
struct odt_rel_row {
    int32_t satellite; /* satellite index */
    int32_t kind;      /* enum odt_rel_event_kind: 1 failure, 2 restart */
    int32_t number;    /* accelerators failed (failures), 1 (restarts) */
    double t_s;        /* end of the step it happened in, s since the epoch */
};

/* The reliability events of the last advance call (f downloaded), appended to *rows (n, cap). */
enum odt_status odt_rel_rows_collect(const struct odt_fleet *f, struct odt_rel_row **rows, size_t *n, size_t *cap);

struct odt_eclipse_tracker {
    size_t n;
    int conical;         /* 1: shadow (penumbral) intervals are kept as well as umbra ones */
    double *umbra_start; /* open umbra since (NAN: none) */
    double *shadow_start;
    unsigned char *umbra_cut, *shadow_cut; /* the open interval began before the run */
    struct odt_eclipse_row *rows; /* rows completed since the last take */
    size_t n_rows, cap_rows;
    /* statistics over the run */
    size_t count[3];             /* complete intervals by kind */
    double longest_s[3];         /* longest complete interval by kind */
    int32_t longest_sat[3];
    double longest_start_s[3];
    double total_s[3];           /* summed duration of complete intervals by kind */
};

/* odt_eclipse_tracker_init: for fleet f just evaluated at t0_s (the zero-length step at the epoch). */
enum odt_status odt_eclipse_tracker_init(struct odt_eclipse_tracker *t, const struct odt_fleet *f, int conical,
                                         double t0_s);
/* odt_eclipse_tracker_collect: pair the events of the last advance call (f downloaded). */
enum odt_status odt_eclipse_tracker_collect(struct odt_eclipse_tracker *t, const struct odt_fleet *f);
/* odt_eclipse_tracker_finish: close the intervals still open at t_end_s (marked incomplete). */
enum odt_status odt_eclipse_tracker_finish(struct odt_eclipse_tracker *t, double t_end_s);
/* odt_eclipse_tracker_take: the completed rows since the last take; the caller writes them, then calls
   odt_eclipse_tracker_clear_rows. */
void odt_eclipse_tracker_clear_rows(struct odt_eclipse_tracker *t);
/* odt_eclipse_tracker_count: fold a row written earlier into the statistics (resume). */
void odt_eclipse_tracker_count(struct odt_eclipse_tracker *t, int32_t satellite, int32_t kind, double start_s,
                               double end_s, int complete);
void odt_eclipse_tracker_free(struct odt_eclipse_tracker *t);

#endif /* ODT_EVENTS_H */
