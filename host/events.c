/* events.c: statistics of the compacted event rows. */
#include "host/events.h"

#include <string.h>

void odt_event_stats_init(struct odt_event_stats *s)
{
    memset(s, 0, sizeof *s);
    for (int k = 0; k < 3; ++k)
        s->longest_sat[k] = -1.0;
}

void odt_event_stats_add(struct odt_event_stats *s, const struct odt_event_row *rows, size_t n,
                         const double *weight)
{
    for (size_t q = 0; q < n; ++q) {
        const struct odt_event_row *r = &rows[q];
        const double w = weight ? weight[r->satellite] : 1.0;
        if (r->kind == ODT_EVENT_FAILURE) {
            s->failures += w;
            continue;
        }
        if (r->kind == ODT_EVENT_RESTART) {
            s->restarts += w;
            continue;
        }
        if (r->kind < ODT_EVENT_UMBRA || r->kind > ODT_EVENT_SHADOW || !r->number)
            continue;
        const int k = r->kind;
        const double d = r->t1_s - r->t0_s;
        s->count[k] += w;
        s->total_s[k] += w * d;
        if (d > s->longest_s[k] ||
            (d == s->longest_s[k] && s->longest_sat[k] >= 0.0 &&
             (r->t0_s < s->longest_start_s[k] ||
              (r->t0_s == s->longest_start_s[k] && (double)r->satellite < s->longest_sat[k])))) {
            s->longest_s[k] = d;
            s->longest_sat[k] = (double)r->satellite;
            s->longest_start_s[k] = r->t0_s;
        }
    }
}
