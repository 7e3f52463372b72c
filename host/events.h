/*
 * events.h: statistics of the event rows the backend compacts (kernels/fleet.h,
 * struct odt_event_row): eclipse intervals, which the step pairs itself from
 * the refined entries and exits (kind ODT_EVENT_UMBRA: the Sun fully hidden,
 * illumination 0; ODT_EVENT_SHADOW: any part hidden, conical model only), and
 * reliability events (failures, restarts). An interval open at the start or
 * the end of the run is cut there and marked incomplete (number 0).
 */
#ifndef ODT_EVENTS_H
#define ODT_EVENTS_H

#include <stdint.h>
#include "kernels/fleet.h"

struct odt_event_stats {
    double count[3];           /* complete intervals by kind (1 umbra, 2 shadow), weighted */
    double longest_s[3];       /* longest complete interval by kind */
    double longest_sat[3];     /* its satellite (-1: none) */
    double longest_start_s[3]; /* its start */
    double total_s[3];         /* summed duration of complete intervals by kind */
    double failures, restarts; /* failure events (accelerators failed: see the totals) and restart events */
};

/* odt_event_stats_init: no events yet. */
void odt_event_stats_init(struct odt_event_stats *s);
/* odt_event_stats_add: fold n rows into s, each counted for weight[satellite] satellites (NULL: 1; the
   representative satellites of host/launch.h). The result does not depend on the order of the rows (ties in
   the longest interval go to the earlier start, then the lower satellite). */
void odt_event_stats_add(struct odt_event_stats *s, const struct odt_event_row *rows, size_t n,
                         const double *weight);

#endif /* ODT_EVENTS_H */
