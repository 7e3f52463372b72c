/*
 * launch.h: a fleet entry's launch schedule turned into the satellites a run
 * simulates (docs/scenario.md, "Launches, life and representative satellites").
 *
 * Launch times come from the schedule (a first date and a cadence per year of
 * the schedule, or an explicit list). Each launch carries satellites_per_launch
 * satellites, or floor(payload_kg / satellite mass); they take the entry's
 * empty slots in fill order (plane by plane, or one plane per launch in turn).
 * Once every slot is taken, with replace: true, a launch takes the slots whose
 * satellite has retired by then, earliest retirement first; satellites with no
 * slot are not flown, and a launch with none is not flown. Each satellite is in
 * service from its launch to the end of its design life.
 *
 * Representative satellites: the satellites of a launch (per: launch), or of
 * one launch in one plane (per: plane; without a launch block, a plane), form a
 * cohort of C identical satellites launched together; count m of them, evenly
 * spread over the cohort's slots, are simulated, each with an integer weight
 * (C split into m parts that differ by at most one). Everything the fleet sums
 * is weighted (kernels/step.h), so the totals stand for the whole fleet.
 */
#ifndef ODT_LAUNCH_H
#define ODT_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include "orbit/odt_defs.h"
#include "host/scenario.h"

/* One simulated satellite of a fleet entry. */
struct odt_plan_sat {
    int32_t plane, slot;
    int32_t launch;       /* index of its launch in the plan, -1 when the entry has no launch block */
    double launch_s, retire_s; /* s since the epoch */
    double weight;        /* satellites it stands for */
};

/* One launch flown. */
struct odt_plan_launch {
    double t_s;           /* s since the epoch */
    int32_t shell;        /* fleet entry (set by the fleet build) */
    int32_t satellites;   /* satellites it put into the entry's slots */
    int32_t replacing;    /* of which replace retired satellites */
    double mass_kg;       /* satellites x satellite mass (NaN when the mass is not known) */
};

struct odt_launch_plan {
    struct odt_plan_sat *sat;
    size_t n_sat;          /* simulated satellites */
    struct odt_plan_launch *launch;
    size_t n_launch;       /* launches flown within the run */
    double satellites;     /* satellites the simulated ones stand for */
    size_t not_flown;      /* launches of the schedule within the run that found no slot */
    int per_launch;        /* satellites per launch of the schedule (0 for an explicit list with its own) */
};

/*
 * odt_launch_plan_build: the satellites of generated fleet entry sh
 * (planes x slots) over a run of duration_s, for satellites of sat_mass_kg
 * (NaN: unknown; then the schedule must give satellites_per_launch). Errors
 * name the scenario file and the line: a payload smaller than one satellite,
 * more launches within the run than ODT_LAUNCH_MAX_LAUNCHES.
 */
#define ODT_LAUNCH_MAX_LAUNCHES 10000000
enum odt_status odt_launch_plan_build(const char *file, const struct odt_shell_spec *sh, double duration_s,
                                      double sat_mass_kg, struct odt_launch_plan *plan, char *err, size_t errlen);
void odt_launch_plan_free(struct odt_launch_plan *plan);

#endif /* ODT_LAUNCH_H */
