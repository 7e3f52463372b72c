/*
 * test_growth.c: a fleet that grows by launches (host/launch.c), lives out its
 * design life and is replaced, simulated in full or by weighted representative
 * satellites (kernels/step.h), and the messages for bad launch schedules.
 *
 * Every expectation below is a hand calculation written next to it (launch
 * times, slots, weights, satellites in service) or an independent count; the
 * tolerances say why they are what they are. Times are seconds since the
 * scenario epoch 2027-01-01T00:00:00Z; DAY = 86400 s, YR = 365.25 d.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include "test_util.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/fleet_build.h"
#include "host/launch.h"
#include "host/run.h"
#include "host/scenario.h"

#define DAY 86400.0
#define YR ODT_SEC_PER_YEAR
#define NAME "bad.yaml"

/* ------------------------------------------------------------------ helpers */

static void load_ok(const char *text, struct odt_scenario *sc)
{
    char err[1024] = "";
    enum odt_status st = odt_scenario_load_text("growth.yaml", text, strlen(text), sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "scenario refused: %s", err);
}

/* The launch plan of the first fleet entry of text (satellite mass unknown: the schedules give
   satellites_per_launch or per-launch counts). */
static void plan_of(const char *text, struct odt_scenario *sc, struct odt_launch_plan *plan)
{
    load_ok(text, sc);
    char err[1024] = "";
    enum odt_status st = odt_launch_plan_build(sc->file, &sc->shells[0], sc->duration_s, NAN, plan, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "plan: %s", err);
}

/* One expected simulated satellite: plane, slot, launch index, weight. */
struct want_sat {
    int plane, slot, launch;
    double weight;
};

static void check_sats(const struct odt_launch_plan *p, const struct want_sat *w, size_t n, const char *what)
{
    cr_assert_eq(p->n_sat, n, "%s: %zu simulated satellites, expected %zu", what, p->n_sat, n);
    double total = 0.0;
    for (size_t k = 0; k < n; ++k) {
        const struct odt_plan_sat *s = &p->sat[k];
        cr_assert(s->plane == w[k].plane && s->slot == w[k].slot && s->launch == w[k].launch,
                  "%s: satellite %zu is plane %d slot %d of launch %d, expected plane %d slot %d of launch %d", what,
                  k, s->plane, s->slot, s->launch, w[k].plane, w[k].slot, w[k].launch);
        cr_assert_eq(s->weight, w[k].weight, "%s: satellite %zu weight %g, expected %g", what, k, s->weight,
                     w[k].weight);
        if (s->launch >= 0)
            cr_assert_eq(s->launch_s, p->launch[s->launch].t_s, "%s: satellite %zu launch time", what, k);
        total += w[k].weight;
    }
    cr_assert_eq(p->satellites, total, "%s: the plan stands for %g satellites, expected %g", what, p->satellites,
                 total);
}

static void check_times(const struct odt_launch_plan *p, const double *t, size_t n, double tol, const char *what)
{
    cr_assert_eq(p->n_launch, n, "%s: %zu launches flown, expected %zu", what, p->n_launch, n);
    for (size_t k = 0; k < n; ++k)
        cr_assert(fabs(p->launch[k].t_s - t[k]) <= tol, "%s: launch %zu at %.9f s, expected %.9f s", what, k,
                  p->launch[k].t_s, t[k]);
}

/* A scenario text written to dir/name; the path into path. */
static void write_text(const char *dir, const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* Shape of a dataset: its element count; dims into d (rank <= 2). */
static size_t ds_count(hid_t file, const char *name, hsize_t d[2])
{
    cr_assert(H5Lexists(file, name, H5P_DEFAULT) > 0, "dataset %s is missing", name);
    int rank = 0;
    cr_assert_geq(H5LTget_dataset_ndims(file, name, &rank), 0, "%s", name);
    cr_assert(rank >= 1 && rank <= 2, "%s has rank %d", name, rank);
    H5T_class_t cls;
    size_t size;
    d[0] = d[1] = 1;
    cr_assert_geq(H5LTget_dataset_info(file, name, d, &cls, &size), 0, "%s", name);
    return (size_t)(d[0] * (rank == 2 ? d[1] : 1));
}

static double *rd_double(hid_t file, const char *name, size_t want)
{
    hsize_t d[2];
    const size_t n = ds_count(file, name, d);
    cr_assert_eq(n, want, "%s holds %zu values, expected %zu", name, n, want);
    double *b = malloc(sizeof(double) * (n ? n : 1));
    cr_assert_not_null(b);
    if (n)
        cr_assert_geq(H5LTread_dataset_double(file, name, b), 0, "reading %s", name);
    return b;
}

static int *rd_int(hid_t file, const char *name, size_t want)
{
    hsize_t d[2];
    const size_t n = ds_count(file, name, d);
    cr_assert_eq(n, want, "%s holds %zu values, expected %zu", name, n, want);
    int *b = malloc(sizeof(int) * (n ? n : 1));
    cr_assert_not_null(b);
    if (n)
        cr_assert_geq(H5LTread_dataset_int(file, name, b), 0, "reading %s", name);
    return b;
}

/* ------------------------------------------------------------------ 1. the schedule */

/* A walker entry of 3 planes x 20 slots (room for every launch), 2 satellites a launch, a ramp of 4 then 12 launches a year from
   2027-01-02 (t = 1 DAY), over duration_s. */
static const char *ramp_fmt = "name: ramp\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: %.0f\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: %.0f\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 3\n"
                              "    slots: 20\n"
                              "    launch: {first: 2027-01-02, per_year: [4, 12], satellites_per_launch: 2}\n";

Test(schedule, cadence_ramp_times)
{
    /* Year 0 of the schedule: 4 launches at 1 DAY + k YR/4 (k = 0..3); year 1: 12 a year, at
       1 DAY + YR + j YR/12; the last cadence holds on, so year 2 goes on at YR/12. YR/4 = 7889400 s and
       YR/12 = 2629800 s are whole seconds: the times are exact.
       Run A lasts 1 DAY + 1.5 YR = 47422800 s: launch j = 6 of year 1 falls exactly at the end and is not in
       the plan (the plan holds launches in [0, duration)), so 4 + 6 = 10 launches.
       Run B lasts 2.25 YR = 71004600 s: 4 + 12 launches, then year 2 at 1 DAY + 2 YR + j YR/12 < 2.25 YR, i.e.
       j < 3 - 12 DAY/YR = 2.97: j = 0, 1, 2; 19 launches. */
    double want[19];
    size_t n = 0;
    for (int k = 0; k < 4; ++k)
        want[n++] = DAY + k * (YR / 4.0);
    for (int j = 0; j < 12; ++j)
        want[n++] = DAY + YR + j * (YR / 12.0);
    for (int j = 0; j < 3; ++j)
        want[n++] = DAY + 2.0 * YR + j * (YR / 12.0);
    cr_assert_eq(n, 19);

    const double dur[2] = {DAY + 1.5 * YR, 2.25 * YR};
    const size_t nl[2] = {10, 19};
    for (int r = 0; r < 2; ++r) {
        char text[2048];
        snprintf(text, sizeof text, ramp_fmt, dur[r], dur[r]);
        struct odt_scenario sc;
        struct odt_launch_plan p;
        plan_of(text, &sc, &p);
        cr_assert_eq(sc.shells[0].launch.n_per_year, 2);
        check_times(&p, want, nl[r], 0.0, r ? "ramp, 2.25 yr" : "ramp, 1 d + 1.5 yr");
        cr_assert_eq(p.per_launch, 2);
        cr_assert_eq(p.not_flown, 0, "a launch at the end of the run is not in the schedule at all");
        cr_assert_eq(p.n_sat, 2 * nl[r]);
        for (size_t k = 0; k < p.n_launch; ++k)
            cr_assert_eq(p.launch[k].satellites, 2);
        /* every satellite carries the launch time of its launch and the default design life of 5 yr */
        for (size_t k = 0; k < p.n_sat; ++k) {
            cr_assert_eq(p.sat[k].launch_s, want[k / 2]);
            cr_assert_float_eq(p.sat[k].retire_s, want[k / 2] + 5.0 * YR, 1e-6);
        }
        odt_launch_plan_free(&p);
        odt_scenario_free(&sc);
    }
}

Test(schedule, explicit_list)
{
    /* 2 planes x 10 slots, fill planes; the list's own counts, else satellites_per_launch (4):
         launch 0  2027-01-01T06:00  t = 21600 s    3 satellites: plane 0 slots 0-2
         launch 1  2027-01-03        t = 172800 s   4 satellites: plane 0 slots 3-6
         launch 2  2027-01-03        t = 172800 s   1 satellite:  plane 0 slot 7 (same time is in order)
         launch 3  2027-01-08T12:30  t = 649800 s   5 satellites: plane 0 slots 8, 9, plane 1 slots 0-2
         2027-01-11 (t = 864000 s, the end of the run) and 2027-02-01: not in the plan. */
    static const char *text = "name: list\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 864000\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 2\n"
                              "    slots: 10\n"
                              "    launch:\n"
                              "      satellites_per_launch: 4\n"
                              "      list:\n"
                              "        - {date: 2027-01-01T06:00:00Z, satellites: 3}\n"
                              "        - {date: 2027-01-03T00:00:00Z}\n"
                              "        - {date: 2027-01-03T00:00:00Z, satellites: 1}\n"
                              "        - {date: 2027-01-08T12:30:00Z, satellites: 5}\n"
                              "        - {date: 2027-01-11T00:00:00Z}\n"
                              "        - {date: 2027-02-01T00:00:00Z}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    cr_assert_eq(sc.shells[0].launch.n_list, 6);
    const double t[4] = {21600.0, 172800.0, 172800.0, 649800.0};
    check_times(&p, t, 4, 0.0, "list");
    const int32_t count[4] = {3, 4, 1, 5};
    for (int k = 0; k < 4; ++k)
        cr_assert_eq(p.launch[k].satellites, count[k], "launch %d carries %d", k, p.launch[k].satellites);
    cr_assert_eq(p.per_launch, 0, "an explicit list has its own counts");
    cr_assert_eq(p.not_flown, 0);
    const struct want_sat w[13] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {0, 2, 0, 1}, {0, 3, 1, 1}, {0, 4, 1, 1},
                                   {0, 5, 1, 1}, {0, 6, 1, 1}, {0, 7, 2, 1}, {0, 8, 3, 1}, {0, 9, 3, 1},
                                   {1, 0, 3, 1}, {1, 1, 3, 1}, {1, 2, 3, 1}};
    check_sats(&p, w, 13, "list");
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

/* 3 planes x 4 slots, SPL satellites a launch, a launch every 5 days from the epoch (per_year 73.05 = YR / 5 d),
   over DUR days, fill FILL, no replacement. */
static void fill_plan(int spl, int days, const char *fill, struct odt_scenario *sc, struct odt_launch_plan *p)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: fill\n"
             "epoch: 2027-01-01T00:00:00Z\n"
             "duration_s: %d\n"
             "step_s: 600\n"
             "snapshot_interval_s: 86400\n"
             "fleet:\n"
             "  - source: walker\n"
             "    altitude_km: 550\n"
             "    inclination_deg: 53\n"
             "    planes: 3\n"
             "    slots: 4\n"
             "    launch: {first: 2027-01-01, per_year: 73.05, satellites_per_launch: %d, fill: %s}\n",
             days * 86400, spl, fill);
    plan_of(text, sc, p);
}

Test(schedule, fill_planes_and_round_robin)
{
    struct odt_scenario sc;
    struct odt_launch_plan p;
    /* 2 a launch, 7 launches (days 0, 5, ..., 30 of a 33-day run; YR / 73.05 = 432000 s to rounding).
       planes: slots of plane 0 first, in slot order; 6 launches fill the 12 slots, launch 6 finds none. */
    const double t7[7] = {0, 5 * DAY, 10 * DAY, 15 * DAY, 20 * DAY, 25 * DAY, 30 * DAY};
    fill_plan(2, 33, "planes", &sc, &p);
    const struct want_sat wp[12] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {0, 2, 1, 1}, {0, 3, 1, 1},
                                    {1, 0, 2, 1}, {1, 1, 2, 1}, {1, 2, 3, 1}, {1, 3, 3, 1},
                                    {2, 0, 4, 1}, {2, 1, 4, 1}, {2, 2, 5, 1}, {2, 3, 5, 1}};
    check_times(&p, t7, 6, 1e-6, "fill planes");
    check_sats(&p, wp, 12, "fill planes");
    cr_assert_eq(p.not_flown, 1, "launch 6 at day 30 finds no slot");
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);

    /* round_robin: launch k to plane k mod 3: 0 -> plane 0 slots 0, 1; 1 -> plane 1 slots 0, 1;
       2 -> plane 2 slots 0, 1; 3 -> plane 0 slots 2, 3; 4 -> plane 1 slots 2, 3; 5 -> plane 2 slots 2, 3. */
    fill_plan(2, 33, "round_robin", &sc, &p);
    const struct want_sat wr[12] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {1, 0, 1, 1}, {1, 1, 1, 1},
                                    {2, 0, 2, 1}, {2, 1, 2, 1}, {0, 2, 3, 1}, {0, 3, 3, 1},
                                    {1, 2, 4, 1}, {1, 3, 4, 1}, {2, 2, 5, 1}, {2, 3, 5, 1}};
    check_times(&p, t7, 6, 1e-6, "round robin");
    check_sats(&p, wr, 12, "round robin");
    cr_assert_eq(p.not_flown, 1);
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);

    /* round_robin, 3 a launch, 5 launches (days 0-20 of 23): 0, 1, 2 fill slots 0-2 of planes 0, 1, 2; launch 3
       starts on plane 0 (slot 3), which is then full, and goes on to the next planes with room: plane 1 slot 3,
       plane 2 slot 3; launch 4 finds no slot. */
    fill_plan(3, 23, "round_robin", &sc, &p);
    const struct want_sat w3[12] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {0, 2, 0, 1}, {1, 0, 1, 1},
                                    {1, 1, 1, 1}, {1, 2, 1, 1}, {2, 0, 2, 1}, {2, 1, 2, 1},
                                    {2, 2, 2, 1}, {0, 3, 3, 1}, {1, 3, 3, 1}, {2, 3, 3, 1}};
    check_times(&p, t7, 4, 1e-6, "round robin, 3 a launch");
    check_sats(&p, w3, 12, "round robin, 3 a launch");
    cr_assert_eq(p.not_flown, 1);
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

Test(schedule, no_replacement_stops_at_the_slots)
{
    /* 2 planes x 3 = 6 slots, 4 a launch, launches at days 0, 5, 10 (12-day run), replace: false:
       launch 0 takes slots 0-3 (plane 0 slots 0-2, plane 1 slot 0); launch 1 finds 2 empty slots (plane 1
       slots 1, 2) and flies 2 satellites; launch 2 finds none: not flown. */
    static const char *text = "name: norepl\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 1036800\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "satellite: {design_life_years: 0.001}\n" /* 8.8 h: retired long before day 10 */
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 2\n"
                              "    slots: 3\n"
                              "    launch: {first: 2027-01-01, per_year: 73.05, satellites_per_launch: 4,\n"
                              "             replace: false}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const double t[2] = {0.0, 5 * DAY};
    check_times(&p, t, 2, 1e-6, "replace false");
    cr_assert_eq(p.launch[0].satellites, 4);
    cr_assert_eq(p.launch[1].satellites, 2);
    cr_assert_eq(p.launch[1].replacing, 0);
    cr_assert_eq(p.not_flown, 1, "launch 2 at day 10 finds no slot although every satellite has retired");
    const struct want_sat w[6] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {0, 2, 0, 1}, {1, 0, 0, 1}, {1, 1, 1, 1}, {1, 2, 1, 1}};
    check_sats(&p, w, 6, "replace false");
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

Test(schedule, replacement_by_cadence)
{
    /* 2 planes x 3 slots (indices 0-5 = plane 0 slots 0-2, plane 1 slots 0-2), 4 a launch every 5 days from
       day 1, design life 12 d (design_life_years 12 / 365.25), replace: true, 32-day run: launches at days
       1, 6, 11, 16, 21, 26, 31.
         day 1:  slots 0-3 (empty)                                retire day 13
         day 6:  slots 4, 5 (the last empty ones; none retired)   retire day 18
         day 11: nothing retired yet (day 13)                     not flown
         day 16: slots 0-3 retired at day 13: replaced            retire day 28
         day 21: slots 4, 5 retired at day 18: replaced           retire day 33
         day 26: nothing retired (days 28, 33)                    not flown
         day 31: slots 0-3 retired at day 28: replaced            retire day 43 */
    static const char *text = "name: repl\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 2764800\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "satellite: {design_life_years: 0.0328542094455852}\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 2\n"
                              "    slots: 3\n"
                              "    launch: {first: 2027-01-02, per_year: 73.05, satellites_per_launch: 4,\n"
                              "             replace: true}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const double t[5] = {1 * DAY, 6 * DAY, 16 * DAY, 21 * DAY, 31 * DAY};
    check_times(&p, t, 5, 1e-6, "replace by cadence");
    cr_assert_eq(p.not_flown, 2, "the launches of days 11 and 26 find no slot");
    const int32_t sats[5] = {4, 2, 4, 2, 4}, repl[5] = {0, 0, 4, 2, 4};
    for (int k = 0; k < 5; ++k) {
        cr_assert_eq(p.launch[k].satellites, sats[k], "launch %d: %d satellites", k, p.launch[k].satellites);
        cr_assert_eq(p.launch[k].replacing, repl[k], "launch %d: %d replacing", k, p.launch[k].replacing);
    }
    const struct want_sat w[16] = {{0, 0, 0, 1}, {0, 1, 0, 1}, {0, 2, 0, 1}, {1, 0, 0, 1}, {1, 1, 1, 1}, {1, 2, 1, 1},
                                   {0, 0, 2, 1}, {0, 1, 2, 1}, {0, 2, 2, 1}, {1, 0, 2, 1}, {1, 1, 3, 1}, {1, 2, 3, 1},
                                   {0, 0, 4, 1}, {0, 1, 4, 1}, {0, 2, 4, 1}, {1, 0, 4, 1}};
    check_sats(&p, w, 16, "replace by cadence");
    for (size_t k = 0; k < p.n_sat; ++k)
        cr_assert_float_eq(p.sat[k].retire_s - p.sat[k].launch_s, 12 * DAY, 1e-6, "design life of satellite %zu",
                           k);
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

Test(schedule, replacement_takes_the_earliest_retired)
{
    /* 1 plane x 3 slots, design life 10 d, replace: true, an explicit list (25-day run):
         day 0     1 satellite   slot 0                     retires day 10
         day 1     1             slot 1                     retires day 11
         day 2     1             slot 2                     retires day 12
         day 10.5  1             slot 0 (retired day 10)    retires day 20.5
         day 21    2             retired by then: slot 1 (day 11), slot 2 (day 12), slot 0 (day 20.5):
                                 the earliest two are slots 1 and 2 (lowest index first would take 0, 1)
         day 22    3             retired by then: slot 0 (day 20.5) only: 1 flies, replacing 1
         day 23    1             nothing retired (days 31, 31, 32): not flown */
    static const char *text = "name: earliest\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 2160000\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "satellite: {design_life_years: 0.0273785078713210}\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 1\n"
                              "    slots: 3\n"
                              "    launch:\n"
                              "      satellites_per_launch: 1\n"
                              "      replace: true\n"
                              "      list:\n"
                              "        - {date: 2027-01-01T00:00:00Z}\n"
                              "        - {date: 2027-01-02T00:00:00Z}\n"
                              "        - {date: 2027-01-03T00:00:00Z}\n"
                              "        - {date: 2027-01-11T12:00:00Z}\n"
                              "        - {date: 2027-01-22T00:00:00Z, satellites: 2}\n"
                              "        - {date: 2027-01-23T00:00:00Z, satellites: 3}\n"
                              "        - {date: 2027-01-24T00:00:00Z}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const double t[6] = {0, 1 * DAY, 2 * DAY, 10.5 * DAY, 21 * DAY, 22 * DAY};
    check_times(&p, t, 6, 0.0, "earliest first");
    cr_assert_eq(p.not_flown, 1);
    const int32_t sats[6] = {1, 1, 1, 1, 2, 1}, repl[6] = {0, 0, 0, 1, 2, 1};
    for (int k = 0; k < 6; ++k) {
        cr_assert_eq(p.launch[k].satellites, sats[k], "launch %d: %d satellites", k, p.launch[k].satellites);
        cr_assert_eq(p.launch[k].replacing, repl[k], "launch %d: %d replacing", k, p.launch[k].replacing);
    }
    const struct want_sat w[7] = {{0, 0, 0, 1}, {0, 1, 1, 1}, {0, 2, 2, 1}, {0, 0, 3, 1},
                                  {0, 1, 4, 1}, {0, 2, 4, 1}, {0, 0, 5, 1}};
    check_sats(&p, w, 7, "earliest first");
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

/* ------------------------------------------------------------------ 2. representatives */

Test(representatives, per_launch_weights_and_members)
{
    /* 1 plane x 30 slots; launch 0 carries 25 (slots 0-24), launch 1 another 25 of which only 5 find a slot
       (25-29). count 3: a cohort of C is split into parts C/3 (+1 for the first C mod 3) and member j is
       floor((j + 1/2) C / 3), the middle of its share:
         C = 25: weights 9, 8, 8; members floor(4.17) = 4, floor(12.5) = 12, floor(20.8) = 20
         C = 5:  weights 2, 2, 1; members floor(0.83) = 0, floor(2.5) = 2, floor(4.17) = 4 -> slots 25, 27, 29 */
    static const char *fmt = "name: rep\n"
                             "epoch: 2027-01-01T00:00:00Z\n"
                             "duration_s: 172800\n"
                             "step_s: 600\n"
                             "snapshot_interval_s: 86400\n"
                             "fleet:\n"
                             "  - source: walker\n"
                             "    altitude_km: 550\n"
                             "    inclination_deg: 53\n"
                             "    planes: 1\n"
                             "    slots: 30\n"
                             "    launch:\n"
                             "      satellites_per_launch: 25\n"
                             "      list: [{date: 2027-01-01T00:00:00Z}, {date: 2027-01-02T00:00:00Z}]\n"
                             "    representatives: {per: launch, count: %d}\n";
    char text[2048];
    snprintf(text, sizeof text, fmt, 3);
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const struct want_sat w[6] = {{0, 4, 0, 9}, {0, 12, 0, 8}, {0, 20, 0, 8}, {0, 25, 1, 2}, {0, 27, 1, 2},
                                  {0, 29, 1, 1}};
    check_sats(&p, w, 6, "per launch, count 3");
    cr_assert_eq(p.satellites, 30.0);
    cr_assert_eq(p.launch[1].satellites, 5);
    for (size_t k = 0; k < p.n_sat; ++k)
        cr_assert_eq(p.sat[k].weight, floor(p.sat[k].weight), "weights are whole satellites");
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);

    /* count at least the cohort: every satellite is simulated, weight 1 */
    snprintf(text, sizeof text, fmt, 40);
    plan_of(text, &sc, &p);
    cr_assert_eq(p.n_sat, 30);
    for (size_t k = 0; k < p.n_sat; ++k) {
        cr_assert_eq(p.sat[k].weight, 1.0);
        cr_assert_eq(p.sat[k].slot, (int)k);
    }
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

Test(representatives, per_plane_splits_a_launch)
{
    /* 2 planes x 20 slots, one launch of 25: plane 0 slots 0-19 (C = 20) and plane 1 slots 0-4 (C = 5) are
       two cohorts. count 2: C = 20 -> weights 10, 10, members floor(0.5 * 10) = 5, floor(1.5 * 10) = 15;
       C = 5 -> weights 3, 2, members floor(1.25) = 1, floor(3.75) = 3. */
    static const char *text = "name: rep\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 172800\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 2\n"
                              "    slots: 20\n"
                              "    launch: {first: 2027-01-01T12:00:00Z, per_year: 1, satellites_per_launch: 25}\n"
                              "    representatives: {per: plane, count: 2}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const struct want_sat w[4] = {{0, 5, 0, 10}, {0, 15, 0, 10}, {1, 1, 0, 3}, {1, 3, 0, 2}};
    check_sats(&p, w, 4, "per plane");
    cr_assert_eq(p.sat[0].launch_s, 43200.0);
    odt_launch_plan_free(&p);

    /* the fleet build carries the plan into the fleet: PARAM weight, launch_time, retire_time, and the metadata's
       plane and slot */
    struct odt_fleet f;
    struct odt_fleet_meta m;
    char err[1024] = "";
    cr_assert_eq(odt_fleet_build(&sc, &f, &m, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(f.n, 4);
    cr_assert_eq(m.satellites, 25.0);
    cr_assert_eq(m.n_launches, 1);
    for (size_t i = 0; i < 4; ++i) {
        cr_assert_eq(f.weight[i], w[i].weight);
        cr_assert_eq(m.plane[i], w[i].plane);
        cr_assert_eq(m.slot[i], w[i].slot);
        cr_assert_eq(f.launch_time[i], 43200.0);
        cr_assert_float_eq(f.retire_time[i], 43200.0 + 5.0 * YR, 1e-6);
    }
    odt_fleet_free(&f);
    odt_fleet_meta_free(&m);
    odt_scenario_free(&sc);
}

Test(representatives, per_plane_without_launches)
{
    /* No launch block: every satellite is in orbit at the epoch and a plane is a cohort. 2 planes x 7, count 3:
       weights 3, 2, 2 at slots floor(7/6) = 1, floor(3.5) = 3, floor(35/6) = 5 of each plane. */
    static const char *text = "name: rep\n"
                              "epoch: 2027-01-01T00:00:00Z\n"
                              "duration_s: 172800\n"
                              "step_s: 600\n"
                              "snapshot_interval_s: 86400\n"
                              "fleet:\n"
                              "  - source: walker\n"
                              "    altitude_km: 550\n"
                              "    inclination_deg: 53\n"
                              "    planes: 2\n"
                              "    slots: 7\n"
                              "    representatives: {per: plane, count: 3}\n";
    struct odt_scenario sc;
    struct odt_launch_plan p;
    plan_of(text, &sc, &p);
    const struct want_sat w[6] = {{0, 1, -1, 3}, {0, 3, -1, 2}, {0, 5, -1, 2}, {1, 1, -1, 3}, {1, 3, -1, 2},
                                  {1, 5, -1, 2}};
    check_sats(&p, w, 6, "per plane, no launches");
    cr_assert_eq(p.satellites, 14.0);
    cr_assert_eq(p.n_launch, 0);
    for (size_t k = 0; k < p.n_sat; ++k) {
        cr_assert_eq(p.sat[k].launch_s, 0.0);
        cr_assert_float_eq(p.sat[k].retire_s, 5.0 * YR, 1e-6);
    }
    odt_launch_plan_free(&p);
    odt_scenario_free(&sc);
}

/* ------------------------------------------------------------------ 3. life in a run */

/* A walker shell at 53 deg (an eclipse every orbit), 2 planes x 3 slots, design life 0.005 yr = 157788 s,
   5 days in steps of 600 s, a record every hour. The list (fill planes):
     satellite 0  launch t = 0         plane 0 slot 0   retire 157788
     satellites 1, 2  t = 172800 (day 2)  plane 0 slots 1, 2   retire 330588
     satellite 3  t = 302400 (day 3.5)  plane 1 slot 0   retire 460188 (after the end)
     satellite 4  t = 431700 (day 5 - 300 s)  plane 1 slot 1: the last step starts at 431400, before it: planned
   and 2027-01-06 (t = 432000, the end) is not flown. */
static const char *life_text =
    "name: life\n"
    "epoch: 2027-01-01T00:00:00Z\n"
    "duration_s: 432000\n"
    "step_s: 600\n"
    "snapshot_interval_s: 3600\n"
    "seed: 3\n"
    "snapshot_fields: [life_status, solar_power, compute_power, energy_solar, energy_served, tokens_arrived,\n"
    "                  tokens_served, capacity]\n"
    "satellite:\n"
    "  design_life_years: 0.005\n"
    "workload:\n"
    "  demand_per_capacity: 0.7\n"
    "fleet:\n"
    "  - name: w\n"
    "    source: walker\n"
    "    altitude_km: 550\n"
    "    inclination_deg: 53\n"
    "    planes: 2\n"
    "    slots: 3\n"
    "    launch:\n"
    "      satellites_per_launch: 1\n"
    "      list:\n"
    "        - {date: 2027-01-01T00:00:00Z}\n"
    "        - {date: 2027-01-03T00:00:00Z, satellites: 2}\n"
    "        - {date: 2027-01-04T12:00:00Z}\n"
    "        - {date: 2027-01-05T23:55:00Z}\n"
    "        - {date: 2027-01-06T00:00:00Z}\n";
#define LIFE_N 5
#define LIFE_DT 600.0
#define LIFE_END 432000.0
static const double life_launch[LIFE_N] = {0.0, 172800.0, 172800.0, 302400.0, 431700.0};
#define LIFE_S 157788.0 /* 0.005 x 31557600 s */

/* The hand rule of the life of a satellite at the end t of a step of dt (dt 0: the evaluation at the epoch):
   in service when the step starts at or after the launch and ends by the end of the design life; retired
   after that (each of these satellites serves for many steps before); planned before. */
static int life_at(int i, double t, double dt)
{
    const double launch = life_launch[i], retire = launch + LIFE_S;
    if (t - dt >= launch && t <= retire)
        return 1;
    return t > retire ? 2 : 0;
}

static void run_life(char *dir, size_t dlen, char *out, size_t olen, struct odt_run_summary *sum)
{
    odt_test_mkdtemp(dir, dlen, "growth_life");
    char path[600];
    write_text(dir, "life.yaml", life_text, path, sizeof path);
    snprintf(out, olen, "%s/life.h5", dir);
    odt_test_run(path, out, NULL, 0, 1, sum);
}

Test(life, launch_service_and_retirement)
{
    char dir[512], out[600];
    struct odt_run_summary sum;
    run_life(dir, sizeof dir, out, sizeof out, &sum);
    cr_assert_eq(sum.satellites, LIFE_N);
    cr_assert_eq(sum.launches, 4, "the launch at the end of the run is not flown");
    cr_assert_eq(sum.launches_not_flown, 0);
    /* at the end: satellite 3 in service, 0-2 retired (157788, 330588 < 432000), 4 planned */
    cr_assert_eq(sum.in_service_end, 1.0);
    cr_assert_eq(sum.retired_end, 3.0);

    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "%s", out);
    double *lt = rd_double(f, "/fleet/launch_time", LIFE_N), *rt = rd_double(f, "/fleet/retire_time", LIFE_N);
    int *plane = rd_int(f, "/fleet/plane", LIFE_N), *slot = rd_int(f, "/fleet/slot", LIFE_N);
    const int wp[LIFE_N] = {0, 0, 0, 1, 1}, ws[LIFE_N] = {0, 1, 2, 0, 1};
    for (int i = 0; i < LIFE_N; ++i) {
        cr_assert_eq(lt[i], life_launch[i], "launch_time of satellite %d: %.3f", i, lt[i]);
        cr_assert_float_eq(rt[i], life_launch[i] + LIFE_S, 1e-6, "retire_time of satellite %d", i);
        cr_assert(plane[i] == wp[i] && slot[i] == ws[i], "satellite %d at plane %d slot %d", i, plane[i], slot[i]);
    }

    /* records: 121 (the epoch and every hour) x 5 satellites */
    const size_t T = 121, RN = T * LIFE_N;
    double *time = rd_double(f, "/time", T);
    int *life = rd_int(f, "/life_status", RN);
    double *solar = rd_double(f, "/solar_power", RN), *comp = rd_double(f, "/compute_power", RN);
    double *esol = rd_double(f, "/energy_solar", RN), *arr = rd_double(f, "/tokens_arrived", RN);
    double *served = rd_double(f, "/tokens_served", RN), *cap = rd_double(f, "/capacity", RN);
    double *fl_esol = rd_double(f, "/final/energy_solar", LIFE_N), *fl_arr = rd_double(f, "/final/tokens_arrived", LIFE_N);
    double *fl_served = rd_double(f, "/final/tokens_served", LIFE_N);
    int *fl_life = rd_int(f, "/final/life_status", LIFE_N);
    int sunlit_service[LIFE_N] = {0};
    for (size_t r = 0; r < T; ++r) {
        cr_assert_eq(time[r], 3600.0 * (double)r);
        for (int i = 0; i < LIFE_N; ++i) {
            const size_t k = r * LIFE_N + (size_t)i;
            const int want = life_at(i, time[r], r ? LIFE_DT : 0.0);
            cr_assert_eq(life[k], want, "satellite %d at t = %.0f s: life_status %d, expected %d", i, time[r],
                         life[k], want);
            if (want != 1) { /* planned or retired: no power, no capacity */
                cr_assert_eq(solar[k], 0.0, "satellite %d at t = %.0f: solar_power %g out of service", i, time[r],
                             solar[k]);
                cr_assert_eq(comp[k], 0.0);
                cr_assert_eq(cap[k], 0.0);
            } else if (solar[k] > 0.0) {
                ++sunlit_service[i];
            }
            if (want == 0) { /* nothing accumulated before the launch: no energy, no demand taken */
                cr_assert_eq(esol[k], 0.0, "satellite %d at t = %.0f: energy_solar %g before launch", i, time[r],
                             esol[k]);
                cr_assert_eq(arr[k], 0.0, "satellite %d at t = %.0f: tokens_arrived %g before launch", i, time[r],
                             arr[k]);
                cr_assert_eq(served[k], 0.0);
            }
            if (want == 2) { /* retired: the totals stay as they were at retirement, to the end */
                cr_assert_eq(esol[k], fl_esol[i], "satellite %d retired at t = %.0f yet energy_solar moves", i,
                             time[r]);
                cr_assert_eq(arr[k], fl_arr[i]);
                cr_assert_eq(served[k], fl_served[i]);
            }
        }
    }
    /* non-vacuous: each satellite that served was sunlit in service, produced energy and served tokens */
    const int wl[LIFE_N] = {2, 2, 2, 1, 0};
    for (int i = 0; i < LIFE_N; ++i) {
        cr_assert_eq(fl_life[i], wl[i], "final life_status of satellite %d", i);
        if (i < 4) {
            cr_assert_gt(sunlit_service[i], 10, "satellite %d sunlit in service at %d records", i, sunlit_service[i]);
            cr_assert_gt(fl_esol[i], 0.0);
            cr_assert_gt(fl_served[i], 0.0, "satellite %d served no tokens", i);
        } else {
            cr_assert_eq(fl_esol[i], 0.0);
            cr_assert_eq(fl_arr[i], 0.0, "satellite 4 never launched but took %g tokens", fl_arr[i]);
        }
    }
    /* satellites 1 and 2 were launched together into the same orbit plane and lived the same steps: both produced
       energy over the same 275 steps in service (330000 - 172800 = 157200 s) */
    double *elapsed = rd_double(f, "/final/elapsed_time", LIFE_N);
    const double wel[LIFE_N] = {157200.0, 157200.0, 157200.0, LIFE_END - 302400.0, 0.0};
    for (int i = 0; i < LIFE_N; ++i)
        cr_assert_eq(elapsed[i], wel[i], "satellite %d in service for %.0f s, expected %.0f s", i, elapsed[i],
                     wel[i]);

    /* the fleet series: satellites in service at each step = the hand count of the life rule */
    hsize_t d[2];
    const size_t R = ds_count(f, "/series/time", d);
    cr_assert_eq(R, 721, "series rows: the epoch and 720 steps");
    double *st = rd_double(f, "/series/time", R), *nis = rd_double(f, "/series/satellites_in_service", R);
    double *acc = rd_double(f, "/series/accelerators_working", R), *ssol = rd_double(f, "/series/solar_power", R);
    double *sarr = rd_double(f, "/series/tokens_arrived", R);
    int gap = 0;
    for (size_t r = 0; r < R; ++r) {
        cr_assert_eq(st[r], LIFE_DT * (double)r);
        int n = 0;
        for (int i = 0; i < LIFE_N; ++i)
            n += life_at(i, st[r], r ? LIFE_DT : 0.0) == 1;
        cr_assert_eq(nis[r], (double)n, "t = %.0f: %g satellites in service, hand count %d", st[r], nis[r], n);
        cr_assert(acc[r] <= 8.0 * n && (n == 0 || acc[r] > 0.0), "t = %.0f: %g accelerators on %d satellites",
                  st[r], acc[r], n);
        if (n == 0) { /* between 157800 and 172800 s nobody is in orbit: no power, no tokens taken */
            ++gap;
            cr_assert_eq(ssol[r], 0.0);
            cr_assert_eq(sarr[r], 0.0);
        }
    }
    /* steps ending 157800 .. 172800 s: 26 rows with no satellite in service */
    cr_assert_eq(gap, 26, "%d rows with nobody in service", gap);
    H5Fclose(f);
    free(lt), free(rt), free(plane), free(slot), free(time), free(life), free(solar), free(comp), free(esol);
    free(arr), free(served), free(cap), free(fl_esol), free(fl_arr), free(fl_served), free(fl_life), free(elapsed);
    free(st), free(nis), free(acc), free(ssol), free(sarr);
    odt_test_rmtree(dir);
}

Test(life, no_eclipse_rows_out_of_service)
{
    /* An eclipse row belongs to a satellite in service: it starts at or after its launch and ends by the end
       of its last step in service (min(retire, end of run)). Satellite 4 is never in service: no row. */
    char dir[512], out[600];
    struct odt_run_summary sum;
    run_life(dir, sizeof dir, out, sizeof out, &sum);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "%s", out);
    hsize_t d[2];
    const size_t E = ds_count(f, "/eclipses/satellite", d);
    int *sat = rd_int(f, "/eclipses/satellite", E);
    double *start = rd_double(f, "/eclipses/start", E), *end = rd_double(f, "/eclipses/end", E);
    int rows[LIFE_N] = {0};
    for (size_t k = 0; k < E; ++k) {
        const int i = sat[k];
        cr_assert(i >= 0 && i < LIFE_N);
        ++rows[i];
        const double last = fmin(life_launch[i] + LIFE_S, LIFE_END);
        cr_assert_geq(start[k], life_launch[i], "eclipse row %zu of satellite %d starts at %.3f s, before its "
                      "launch at %.0f s", k, i, start[k], life_launch[i]);
        cr_assert_leq(end[k], last, "eclipse row %zu of satellite %d ends at %.3f s, after its service (%.0f s)", k,
                      i, end[k], last);
    }
    /* about 15 orbits a day: satellites 0-2 lived 1.8 d, satellite 3 1.5 d */
    for (int i = 0; i < 4; ++i)
        cr_assert_gt(rows[i], 15, "satellite %d has %d eclipse rows", i, rows[i]);
    cr_assert_eq(rows[4], 0, "satellite 4 (never launched) has %d eclipse rows", rows[4]);
    H5Fclose(f);
    free(sat), free(start), free(end);
    odt_test_rmtree(dir);
}

/* ------------------------------------------------------------------ 4. full vs weighted, 5. determinism */

/* 30 days in steps of 120 s, SSO 550 km (dawn-dusk: no eclipses), 6 planes x 10 slots, 10 satellites a launch
   every 3 days from day 1 (per_year 121.75 = YR / 3 d exactly: launch k at 86400 + 259200 k s), design life
   0.05 yr = 1577880 s = 18.2625 d, replace: true, demand 0.7 of the capacity. EXTRA: more satellite keys;
   REP: a representatives line or nothing. */
/* ------------------------------------------------------------------ demand that follows the fleet */

/* demand_per_capacity q: the mean demand is q times the capacity the dispatch shares by. A dawn-dusk fleet in
   December (no eclipse: every accelerator at full power the whole day), no noise, no weekend, a whole day (the
   daily curve averages to 1): the demand is q x the fleet's full capacity, and twice the fleet asks for twice
   as much, while demand_tokens_per_s (the shape's reference only) changes nothing. */
static const char *per_cap_fmt = "name: per-capacity\n"
                                 "epoch: 2026-12-21T00:00:00Z\n"
                                 "duration_s: 86400\n"
                                 "step_s: 60\n"
                                 "snapshot_interval_s: 3600\n"
                                 "satellite:\n"
                                 "  random_failure_rate_per_year: 0\n"
                                 "  weak_fraction: 0\n"
                                 "  restart_rate_per_day: 0\n"
                                 "workload:\n"
                                 "  demand_tokens_per_s: %g\n"
                                 "  demand_per_capacity: %g\n"
                                 "  noise_sigma: 0\n"
                                 "  weekend_factor: 1\n"
                                 "fleet:\n"
                                 "  - {source: sso, altitude_km: 650, ltan_h: 18, planes: %d, slots: 3}\n";

static void run_per_cap(const char *dir, const char *tag, double ref, double q, int planes,
                        struct odt_run_summary *sum)
{
    char text[2048], path[700], name[64], out[700];
    snprintf(text, sizeof text, per_cap_fmt, ref, q, planes);
    snprintf(name, sizeof name, "%s.yaml", tag);
    write_text(dir, name, text, path, sizeof path);
    snprintf(out, sizeof out, "%s/%s.h5", dir, tag);
    odt_test_run(path, out, NULL, 0, 1, sum);
}

Test(demand, per_capacity_follows_the_fleet)
{
    char dir[512];
    odt_test_mkdtemp(dir, sizeof dir, "per_capacity");
    struct odt_run_summary a, b, c;
    run_per_cap(dir, "a", 5e7, 0.7, 2, &a);
    run_per_cap(dir, "b", 5e7, 0.7, 4, &b);
    run_per_cap(dir, "c", 3e9, 0.7, 2, &c);
    cr_assert_eq(a.satellites, 6);
    cr_assert_eq(b.satellites, 12);
    /* no eclipse, no failure: no capacity lost, the full capacity is 6 x 8 x 3964 tokens/s all day */
    cr_assert_eq(a.eclipses_umbra, 0, "a dawn-dusk orbit at the December solstice has no eclipse");
    cr_assert(a.lost_power == 0.0 && a.lost_heat == 0.0 && a.lost_failures == 0.0, "lost %g %g %g", a.lost_power,
              a.lost_heat, a.lost_failures);
    const double full = 6.0 * 8.0 * 31712.0 / 8.0; /* tokens/s: the default H200 node */
    cr_assert(fabs(a.capacity_ideal / 86400.0 - full) <= 1e-9 * full, "capacity %.9g tokens/s, expected %.9g",
              a.capacity_ideal / 86400.0, full);
    /* mean demand = 0.7 x capacity, within 1e-6: each of the 1440 steps rounds down to whole tokens (at most
       1440 tokens of 1.15e10, 1.3e-7), and the daily curve's mean over the 60 s steps of a day is 1 to far
       less (measured: -6.2e-8 in all) */
    const double mean = a.tokens_demanded / 86400.0;
    cr_assert(fabs(mean - 0.7 * full) <= 1e-6 * 0.7 * full, "mean demand %.9g tokens/s, expected 0.7 x %.9g = %.9g",
              mean, full, 0.7 * full);
    /* twice the fleet, twice the demand (to the floor of each step's whole tokens: 1440 steps) */
    cr_assert(fabs(b.tokens_demanded - 2.0 * a.tokens_demanded) <= 1440.0 * 2.0 + 1e-12 * b.tokens_demanded,
              "12 satellites ask for %.17g, 6 for %.17g", b.tokens_demanded, a.tokens_demanded);
    /* the nominal rate is only the shape's reference */
    cr_assert(fabs(c.tokens_demanded - a.tokens_demanded) <= 1440.0, "reference 3e9: %.17g, 5e7: %.17g",
              c.tokens_demanded, a.tokens_demanded);
    odt_test_rmtree(dir);
}

static const char *growth_fmt = "name: growth\n"
                                "epoch: 2027-01-01T00:00:00Z\n"
                                "duration_s: 2592000\n"
                                "step_s: 120\n"
                                "snapshot_interval_s: 2592000\n"
                                "seed: 7\n"
                                "satellite:\n"
                                "  design_life_years: 0.05\n"
                                "%s"
                                "workload:\n"
                                "  demand_per_capacity: 0.7\n"
                                "fleet:\n"
                                "  - name: s\n"
                                "    source: sso\n"
                                "    altitude_km: 550\n"
                                "    planes: 6\n"
                                "    slots: 10\n"
                                "    launch:\n"
                                "      first: 2027-01-02\n"
                                "      per_year: 121.75\n"
                                "      satellites_per_launch: 10\n"
                                "      replace: true\n"
                                "%s";
#define GROWTH_REP "    representatives: {per: launch, count: 2}\n"

static void run_growth(const char *dir, const char *tag, const char *extra, const char *rep, int threads,
                       struct odt_run_summary *sum, char *out, size_t olen)
{
    char text[4096], path[700], name[64];
    snprintf(text, sizeof text, growth_fmt, extra, rep);
    snprintf(name, sizeof name, "%s.yaml", tag);
    write_text(dir, name, text, path, sizeof path);
    snprintf(out, olen, "%s/%s.h5", dir, tag);
    odt_test_run(path, out, NULL, 0, threads, sum);
}

/* The schedule of the growth scenario by hand. Launches at days 1, 4, ..., 28 (10 of them). The 60 slots are
   full after the launches of days 1-16; the launch of day 19 finds none retired (the first retire at day
   19.2625): not flown; day 22 replaces the satellites of day 1, day 25 those of day 4, day 28 those of day 7.
   At the end (day 30) the satellites of days 1, 4, 7, 10 have retired (by day 28.26): 40; those of days
   13, 16, 22, 25, 28 are in service: 50. */
static void check_growth_counts(const struct odt_run_summary *s, size_t simulated, const char *what)
{
    cr_assert_eq(s->satellites, simulated, "%s: %zu simulated", what, s->satellites);
    cr_assert_eq(s->satellites_represented, 90.0, "%s: stands for %g", what, s->satellites_represented);
    cr_assert_eq(s->launches, 9, "%s", what);
    cr_assert_eq(s->launches_not_flown, 1, "%s", what);
    cr_assert_eq(s->in_service_end, 50.0, "%s: %g in service at the end", what, s->in_service_end);
    cr_assert_eq(s->retired_end, 40.0, "%s: %g retired at the end", what, s->retired_end);
}

static void within(double a, double b, double rel, const char *what)
{
    cr_assert(b > 0.0 && fabs(a - b) <= rel * b, "%s: weighted %.9g vs full %.9g (%.3g relative, limit %g)", what, a,
              b, fabs(a - b) / b, rel);
}

Test(weighted, agrees_with_the_full_fleet)
{
    char dir[512], out[700];
    odt_test_mkdtemp(dir, sizeof dir, "growth_w");
    struct odt_run_summary full, w;
    run_growth(dir, "full", "", "", 0, &full, out, sizeof out);
    run_growth(dir, "weighted", "", GROWTH_REP, 0, &w, out, sizeof out);
    /* 9 launches of 10 = 90 satellites in full; 2 representatives of weight 5 per launch = 18 */
    check_growth_counts(&full, 90, "full");
    check_growth_counts(&w, 18, "weighted");
    /* Each representative flies the orbit of a member of its launch: in a dawn-dusk SSO every satellite sees
       nearly the same Sun, so the weighted sums differ from the full ones only by the satellites' phases in
       their planes, the random failures and restarts (below) and the demand they move: 1 % is far above that
       (measured: 3e-6 on solar energy, 3e-4 on load and tokens) and far below a weighting error (a satellite of
       weight 5 counted once moves a total by 80 %). */
    within(w.energy_solar_j, full.energy_solar_j, 0.01, "energy_solar");
    within(w.energy_served_j, full.energy_served_j, 0.01, "energy_served");
    within(w.tokens_served, full.tokens_served, 0.01, "tokens_served");
    within(w.capacity_ideal, full.capacity_ideal, 0.01, "capacity_ideal");
    /* Failures: each satellite's count X is binomial-like (at most its mean in variance), so
       Var(F_w) = sum w^2 Var(X) <= w_max E[F] and Var(F_f) <= E[F]: the difference of the two independent
       draws has a standard deviation of at most sqrt((w_max + 1) E[F]); with F_f for E[F] (+1 for a count of
       0), 4 standard deviations: |F_w - F_f| <= 4 sqrt((w_max + 1) F_f + 1), w_max = 5. With the default
       failure rates this is a loose check (a handful of failures); failures_match_the_hand_expectation below is
       the sharp one. */
    const double bound = 4.0 * sqrt(6.0 * (double)full.accel_failed + 1.0);
    cr_assert_leq(fabs((double)w.accel_failed - (double)full.accel_failed), bound,
                  "failures: weighted %ld vs full %ld, bound %.1f", w.accel_failed, full.accel_failed, bound);
    odt_test_rmtree(dir);
}

Test(weighted, failures_match_the_hand_expectation)
{
    /* Many failures, no spares: weak_fraction 0.5, no burn-in, spares 0. An accelerator in service for t
       fails with p(t) = 1 - (1 - p_w (1 - exp(-(t/lambda)^k))) exp(-r t) (power_thermal/reliability.h),
       p_w 0.5, k 0.5, lambda 50 h, r 0.04 /yr; each satellite's 8 accelerators fail as Binomial(8, p(t)).
       Time in service of a launch at day d: min(d + 18.2625, 30) - d days (the steps are aligned: 1577880 s
       is 13149 steps). E[F] = sum over the satellites of 8 p, Var(F_full) = sum 8 p (1 - p) and, for the
       weighted run (2 representatives of weight 5 a launch), Var(F_w) = sum over them of 25 x 8 p (1 - p)
       = 5 Var(F_full). Each count is checked against E[F] within 4 of its standard deviations (about 13 and
       30 for E[F] about 318), and the two against each other within 4 sqrt(Var_f + Var_w). Ignoring the weights
       would put F_w near E[F] / 5, 8 standard deviations off. */
    static const double days[9] = {1, 4, 7, 10, 13, 16, 22, 25, 28};
    double ef = 0.0, var = 0.0;
    for (int k = 0; k < 9; ++k) {
        const double t = (fmin(days[k] + 0.05 * 365.25, 30.0) - days[k]) * DAY;
        const double fw = 1.0 - exp(-sqrt(t / (50.0 * 3600.0)));
        const double s = (1.0 - 0.5 * fw) * exp(-0.04 * t / (365.2422 * DAY));
        const double p = 1.0 - s;
        ef += 10 * 8 * p;
        var += 10 * 8 * p * (1.0 - p);
    }
    cr_assert(ef > 300.0 && ef < 340.0, "hand expectation %.1f", ef);
    char dir[512], out[700];
    odt_test_mkdtemp(dir, sizeof dir, "growth_f");
    const char *extra = "  weak_fraction: 0.5\n  burn_in_h: 0\n  spares: 0\n";
    struct odt_run_summary full, w;
    run_growth(dir, "full", extra, "", 0, &full, out, sizeof out);
    run_growth(dir, "weighted", extra, GROWTH_REP, 0, &w, out, sizeof out);
    check_growth_counts(&full, 90, "full");
    check_growth_counts(&w, 18, "weighted");
    const double ff = (double)full.accel_failed, fwt = (double)w.accel_failed;
    cr_assert_leq(fabs(ff - ef), 4.0 * sqrt(var), "full run: %g failures, expected %.1f +- %.1f", ff, ef,
                  sqrt(var));
    cr_assert_leq(fabs(fwt - ef), 4.0 * sqrt(5.0 * var), "weighted run: %g failures, expected %.1f +- %.1f", fwt,
                  ef, sqrt(5.0 * var));
    cr_assert_leq(fabs(fwt - ff), 4.0 * sqrt(6.0 * var), "weighted %g vs full %g failures", fwt, ff);
    /* the weighted count is a sum of weights 5: a multiple of 5 */
    cr_assert_eq(fmod(fwt, 5.0), 0.0, "weighted failures %g", fwt);
    odt_test_rmtree(dir);
}

/* The totals of a summary that must not depend on the thread count. */
#define SUM_FIELDS(X)                                                                                          \
    X(energy_solar_j) X(energy_demand_j) X(energy_served_j) X(energy_unserved_j) X(energy_curtailed_j)          \
    X(tokens_demanded) X(tokens_arrived) X(tokens_served) X(tokens_dropped) X(tokens_waiting)                \
    X(capacity_ideal) X(lost_power) X(lost_heat) X(lost_failures) X(sunlit_fraction) X(battery_min_soc)      \
    X(temp_min_k) X(temp_max_k) X(in_service_end) X(retired_end) X(satellites_represented)

Test(weighted, bitwise_equal_on_one_and_two_threads)
{
    char dir[512], out1[700], out2[700];
    odt_test_mkdtemp(dir, sizeof dir, "growth_t");
    struct odt_run_summary a, b;
    run_growth(dir, "t1", "", GROWTH_REP, 1, &a, out1, sizeof out1);
    run_growth(dir, "t2", "", GROWTH_REP, 2, &b, out2, sizeof out2);
    cr_assert_eq(a.threads, 1);
    cr_assert_eq(b.threads, 2);
#define SAME(field)                                                                                            \
    cr_assert_eq(memcmp(&a.field, &b.field, sizeof a.field), 0, #field ": %.17g on 1 thread, %.17g on 2", a.field, \
                 b.field);
    SUM_FIELDS(SAME)
#undef SAME
    cr_assert_eq(a.accel_failed, b.accel_failed);
    cr_assert_eq(a.restarts, b.restarts);
    cr_assert_eq(a.launches, b.launches);
    cr_assert_gt(a.restarts, 0, "the random streams are exercised");
    /* and every satellite's end state */
    static const char *const fin[] = {"/final/energy_solar", "/final/energy_served", "/final/tokens_served",
                                      "/final/battery_health", "/final/accel_failed", "/final/life_status"};
    hid_t f1 = H5Fopen(out1, H5F_ACC_RDONLY, H5P_DEFAULT), f2 = H5Fopen(out2, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f1 >= 0 && f2 >= 0);
    for (size_t k = 0; k < sizeof fin / sizeof fin[0]; ++k) {
        double *x = rd_double(f1, fin[k], 18), *y = rd_double(f2, fin[k], 18);
        cr_assert_eq(memcmp(x, y, 18 * sizeof(double)), 0, "%s differs between 1 and 2 threads", fin[k]);
        free(x), free(y);
    }
    H5Fclose(f1);
    H5Fclose(f2);
    odt_test_rmtree(dir);
}

/* ------------------------------------------------------------------ 6. bad launch schedules */

/* lines 1-12 */
#define BAD_HDR                                                                                                \
    "name: t\n"                     /* 1 */                                                                    \
    "epoch: 2027-01-01T00:00:00Z\n" /* 2 */                                                                    \
    "duration_s: 864000\n"          /* 3 */                                                                    \
    "step_s: 600\n"                 /* 4 */                                                                    \
    "snapshot_interval_s: 86400\n"  /* 5 */                                                                    \
    "fleet:\n"                      /* 6 */                                                                    \
    "  - name: a\n"                 /* 7 */                                                                    \
    "    source: walker\n"          /* 8 */                                                                    \
    "    altitude_km: 550\n"        /* 9 */                                                                    \
    "    inclination_deg: 53\n"     /* 10 */                                                                   \
    "    planes: 2\n"               /* 11 */                                                                   \
    "    slots: 3\n"                /* 12 */

/* text is refused at load with one message that starts with "bad.yaml:LINE:" and contains problem; nothing is
   left allocated. */
static void expect_bad_(const char *text, int line, const char *problem, int tline)
{
    char where[64];
    snprintf(where, sizeof where, NAME ":%d:", line);
    odt_test_refused(NAME, text, strlen(text), ODT_OK, where, 1, problem, tline);
}
#define expect_bad(text, line, problem) expect_bad_(text, line, problem, __LINE__)

Test(bad_schedule, control_loads)
{
    /* the schedule the bad ones are variations of */
    const char *ok = BAD_HDR "    launch:\n"
                             "      first: 2027-01-02\n"
                             "      per_year: 12\n"
                             "      satellites_per_launch: 2\n";
    struct odt_scenario sc;
    load_ok(ok, &sc);
    cr_assert_eq(sc.shells[0].launch.first_s, DAY);
    odt_scenario_free(&sc);
}

Test(bad_schedule, first_before_the_epoch)
{
    expect_bad(BAD_HDR "    launch:\n"                     /* 13 */
                       "      first: 2026-12-31\n"         /* 14 */
                       "      per_year: 12\n"
                       "      satellites_per_launch: 2\n",
               14, "before the scenario epoch");
}

Test(bad_schedule, cadence_not_positive)
{
    expect_bad(BAD_HDR "    launch:\n"
                       "      first: 2027-01-02\n"
                       "      per_year: 0\n"               /* 15 */
                       "      satellites_per_launch: 2\n",
               15, "per_year = 0 is out of range");
    expect_bad(BAD_HDR "    launch:\n"
                       "      first: 2027-01-02\n"
                       "      per_year: -5\n"              /* 15 */
                       "      satellites_per_launch: 2\n",
               15, "per_year = -5 is out of range");
    expect_bad(BAD_HDR "    launch:\n"
                       "      first: 2027-01-02\n"
                       "      per_year:\n"                 /* 15 */
                       "        - 4\n"                     /* 16 */
                       "        - 0\n"                     /* 17: the year that is wrong */
                       "      satellites_per_launch: 2\n",
               17, "per_year = 0 is out of range");
}

Test(bad_schedule, payload_below_one_satellite)
{
    /* A payload of 1 kg a launch, no satellites_per_launch: the schedule loads (the mass comes from the
       satellite design) and the fleet build refuses it at the payload's line: floor(1 kg / M) = 0 satellites,
       "... a payload of 1 kg per launch is less than one satellite of M kg", M the design's launch mass as the
       build of the same entry with satellites_per_launch reports it (sat_mass_kg). */
    const char *bad = BAD_HDR "    launch:\n"
                              "      first: 2027-01-02\n"
                              "      per_year: 12\n"
                              "      payload_kg: 1\n"      /* 16 */;
    const char *ok = BAD_HDR "    launch:\n"
                             "      first: 2027-01-02\n"
                             "      per_year: 12\n"
                             "      satellites_per_launch: 2\n";
    struct odt_scenario sc;
    struct odt_fleet f;
    struct odt_fleet_meta m;
    char err[1024] = "";
    cr_assert_eq(odt_scenario_load_text(NAME, ok, strlen(ok), &sc, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(odt_fleet_build(&sc, &f, &m, err, sizeof err), ODT_OK, "%s", err);
    const double mass = m.sat_mass_kg[0];
    odt_fleet_free(&f);
    odt_fleet_meta_free(&m);
    odt_scenario_free(&sc);

    cr_assert_eq(odt_scenario_load_text(NAME, bad, strlen(bad), &sc, err, sizeof err), ODT_OK, "%s", err);
    err[0] = '\0';
    enum odt_status st = odt_fleet_build(&sc, &f, &m, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_eq(strncmp(err, NAME ":16:", 12), 0, "%s", err);
    cr_assert(isfinite(mass) && mass > 1.0, "satellite mass %g kg", mass);
    cr_assert_not_null(strstr(err, "a payload of 1 kg per launch is less than one satellite"), "%s", err);
    char of[64];
    snprintf(of, sizeof of, "of %.1f kg", mass);
    cr_assert_not_null(strstr(err, of), "no '%s' in: %s", of, err);
    cr_assert_not_null(strstr(err, "fleet entry 'a'"), "%s", err);
    cr_assert_null(strchr(err, '\n'), "%s", err);
    odt_scenario_free(&sc);
}

Test(bad_schedule, design_life_zero)
{
    expect_bad(BAD_HDR "    satellite:\n"                  /* 13 */
                       "      design_life_years: 0\n"      /* 14 */
                       "    launch:\n"
                       "      first: 2027-01-02\n"
                       "      per_year: 12\n"
                       "      satellites_per_launch: 2\n",
               14, "design_life_years = 0 is out of range");
}

Test(bad_schedule, launch_on_a_catalog_entry)
{
    expect_bad("name: t\n"
               "epoch: 2027-01-01T00:00:00Z\n"
               "duration_s: 864000\n"
               "step_s: 600\n"
               "snapshot_interval_s: 86400\n"
               "fleet:\n"
               "  - name: c\n"                              /* 7 */
               "    source: catalog\n"
               "    file: objects.tle\n"
               "    launch:\n"                              /* 10 */
               "      first: 2027-01-02\n"
               "      per_year: 12\n"
               "      satellites_per_launch: 2\n",
               10, "'launch' does not apply to source: catalog");
}

Test(bad_schedule, per_launch_without_launches)
{
    expect_bad(BAD_HDR "    representatives: {per: launch, count: 2}\n" /* 13 */,
               13, "per: launch needs a 'launch' block");
}

Test(bad_schedule, list_out_of_order)
{
    expect_bad(BAD_HDR "    launch:\n"
                       "      satellites_per_launch: 1\n"
                       "      list:\n"
                       "        - {date: 2027-01-03}\n"    /* 16 */
                       "        - {date: 2027-01-02}\n",   /* 17 */
               17, "must be listed in time order");
}

Test(bad_schedule, empty_launch_block)
{
    expect_bad(BAD_HDR "    launch: {}\n" /* 13 */, 13, "needs 'first'");
}
