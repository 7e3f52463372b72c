/*
 * test_scenario.c: scenario loading (host/scenario.c) and the fleet builder's
 * scenario-level errors.
 *
 * Every bad input must be refused with an ODT_ERR_* status and one message
 * "FILE:LINE: problem" that names the line of the offending key (or the file
 * alone where no line applies), and must leave nothing half-loaded behind.
 * Texts are loaded under the name "bad.yaml"; the line numbers in the
 * expectations are counted in the texts below (HDR is lines 1-5, a fleet
 * written right after it starts at line 6).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/fleet_build.h"
#include "host/scenario.h"
#include "orbit/shadow.h"

#define NAME "bad.yaml"

/* lines 1-5 */
#define HDR                                                                                                    \
    "name: t\n"                                                                                                \
    "epoch: 2026-06-21T00:00:00Z\n"                                                                            \
    "duration_s: 3600\n"                                                                                       \
    "step_s: 10\n"                                                                                             \
    "snapshot_interval_s: 600\n"

/* a valid walker entry: lines 6-13 when it follows HDR */
#define WALKER                                                                                                 \
    "fleet:\n"                      /* 6 */                                                                    \
    "  - name: a\n"                 /* 7 */                                                                    \
    "    source: walker\n"          /* 8 */                                                                    \
    "    altitude_km: 550\n"        /* 9 */                                                                    \
    "    inclination_deg: 53\n"     /* 10 */                                                                   \
    "    planes: 2\n"               /* 11 */                                                                   \
    "    slots: 3\n"                /* 12 */                                                                   \
    "    phasing: 1\n"              /* 13 */

static enum odt_status load(const char *text, struct odt_scenario *sc, char *err, size_t errlen)
{
    err[0] = '\0';
    return odt_scenario_load_text(NAME, text, strlen(text), sc, err, errlen);
}

/*
 * expect_fail: text must be refused with status want and a message that
 * contains both `where` (e.g. "bad.yaml:6:") and `problem`.
 */
static void expect_fail_(const char *text, enum odt_status want, const char *where, const char *problem, int line)
{
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = load(text, &sc, err, sizeof err);
    cr_assert_neq(st, ODT_OK, "(test line %d) accepted a bad scenario", line);
    cr_assert_eq(st, want, "(test line %d) status %d, expected %d; message: %s", line, st, want, err);
    cr_assert_eq(strncmp(err, NAME, strlen(NAME)), 0, "(test line %d) message does not start with the file: %s",
                 line, err);
    cr_assert_not_null(strstr(err, where), "(test line %d) message lacks '%s': %s", line, where, err);
    cr_assert_not_null(strstr(err, problem), "(test line %d) message lacks '%s': %s", line, problem, err);
    cr_assert_null(strchr(err, '\n'), "(test line %d) message spans lines: %s", line, err);
    /* nothing partially accepted */
    cr_assert_null(sc.text, "(test line %d) scenario text left allocated after a failure", line);
    cr_assert_null(sc.shells, "(test line %d) fleet entries left allocated after a failure", line);
    cr_assert_eq(sc.n_shells, 0);
}
#define expect_fail(text, want, where, problem) expect_fail_(text, want, where, problem, __LINE__)

/* ------------------------------------------------------------------ the embedded default */

Test(scenario, default_loads)
{
    struct odt_scenario sc;
    char err[1024];
    const char *text = odt_scenario_default_text();
    cr_assert_not_null(text);
    enum odt_status st = odt_scenario_load_text("<default>", text, strlen(text), &sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "the embedded default does not load: %s", err);
    cr_assert_eq(odt_scenario_satellites(&sc), 3000);
    cr_assert_eq(odt_scenario_steps(&sc), 8640);
    cr_assert_eq(sc.step_s, 10.0);
    cr_assert_eq(sc.snapshot_interval_s, 600.0);
    cr_assert_eq(sc.duration_s, 86400.0);
    cr_assert_eq(sc.seed, 20260621u);
    cr_assert_eq(sc.shadow_model, ODT_SHADOW_CONICAL);
    cr_assert_eq(sc.n_shells, 1);
    cr_assert_eq(sc.shells[0].source, ODT_SOURCE_SSO);
    cr_assert_str_eq(sc.epoch.iso, "2026-06-21T00:00:00.000Z");
    cr_assert_str_eq(sc.text, text, "the scenario text is kept verbatim for the snapshot file");
    odt_scenario_free(&sc);
}

Test(scenario, default_file_matches_embedded)
{
    /* scenarios/default.yaml is what the binary embeds: the file and the text must agree */
    struct odt_scenario sc;
    char err[1024];
    const char *path = ODT_TEST_DATA "/../../scenarios/default.yaml";
    enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_str_eq(sc.text, odt_scenario_default_text());
    cr_assert_eq(odt_scenario_satellites(&sc), 3000);
    odt_scenario_free(&sc);
}

Test(scenario, small_file_loads)
{
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = odt_scenario_load_file(ODT_TEST_DATA "/scenarios/small.yaml", &sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_eq(odt_scenario_satellites(&sc), 6);
    cr_assert_eq(odt_scenario_steps(&sc), 360);
    cr_assert_not_null(strstr(sc.file, "small.yaml"));
    odt_scenario_free(&sc);
}

/* ------------------------------------------------------------------ valid scenarios */

Test(scenario, valid_walker)
{
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = load(HDR "seed: 7\nshadow: conical\n" WALKER, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_eq(sc.n_shells, 1);
    const struct odt_shell_spec *s = &sc.shells[0];
    cr_assert_str_eq(s->name, "a");
    cr_assert_eq(s->source, ODT_SOURCE_WALKER);
    cr_assert_eq(s->pattern, ODT_WALKER_DELTA, "delta is the default pattern");
    cr_assert_eq(s->altitude_km, 550.0);
    cr_assert_eq(s->inclination_deg, 53.0);
    cr_assert_eq(s->planes, 2);
    cr_assert_eq(s->slots, 3);
    cr_assert_eq(s->phasing, 1);
    cr_assert_eq(s->line, 9, "an entry's line is that of its first key (got %d)", s->line);
    cr_assert_eq(sc.seed, 7u);
    cr_assert_eq(sc.shadow_model, ODT_SHADOW_CONICAL);
    cr_assert_eq(odt_scenario_satellites(&sc), 6);
    cr_assert_eq(odt_scenario_steps(&sc), 360);
    cr_assert_eq(sc.epoch.year, 2026);
    cr_assert_eq(sc.epoch.month, 6);
    cr_assert_eq(sc.epoch.day, 21);
    cr_assert_str_eq(sc.name, "t");
    /* the defaults of a satellite design apply when no satellite block is given */
    cr_assert_eq(s->sat.battery_capacity_j, 5000.0 * 3600.0, "battery_capacity_wh is stored in J");
    odt_scenario_free(&sc);
}

Test(scenario, mixed_two_entry_fleet)
{
    static const char text[] = HDR
        "satellite:\n"                 /* 6 */
        "  array_area_m2: 30\n"        /* 7 */
        "  battery_capacity_wh: 2000\n"/* 8 */
        "fleet:\n"                     /* 9 */
        "  - name: dawn-dusk\n"        /* 10 */
        "    source: sso\n"
        "    altitude_km: 650\n"
        "    ltan_h: 6\n"
        "    planes: 3\n"
        "    slots: 4\n"
        "  - name: mid-incl\n"         /* 16 */
        "    source: walker\n"
        "    pattern: star\n"
        "    altitude_km: 550\n"
        "    inclination_deg: 53\n"
        "    planes: 2\n"
        "    slots: 5\n"
        "    phasing: 1\n"
        "    satellite:\n"
        "      array_area_m2: 10\n";
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = load(text, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_eq(sc.n_shells, 2);
    cr_assert_eq(odt_scenario_satellites(&sc), 3 * 4 + 2 * 5);
    cr_assert_eq(sc.shells[0].source, ODT_SOURCE_SSO);
    cr_assert_eq(sc.shells[1].source, ODT_SOURCE_WALKER);
    cr_assert_eq(sc.shells[1].pattern, ODT_WALKER_STAR);
    cr_assert_eq(sc.shells[0].line, 10);
    cr_assert_eq(sc.shells[1].line, 16);
    cr_assert_eq(sc.shells[0].ltan_h, 6.0);
    /* the top-level satellite block is the default of every entry; an entry may override */
    cr_assert_eq(sc.shells[0].sat.array_area_m2, 30.0);
    cr_assert_eq(sc.shells[1].sat.array_area_m2, 10.0);
    cr_assert_eq(sc.shells[0].sat.battery_capacity_j, 2000.0 * 3600.0);
    cr_assert_eq(sc.shells[1].sat.battery_capacity_j, 2000.0 * 3600.0);

    /* and the fleet builder turns it into 22 satellites in two classes */
    struct odt_fleet f;
    struct odt_fleet_meta m;
    st = odt_fleet_build(&sc, &f, &m, err, sizeof err);
    cr_assert_eq(st, ODT_OK, "%s", err);
    cr_assert_eq(f.n, 22);
    cr_assert_eq(m.n_classes, 2);
    cr_assert_eq(m.shell[0], 0);
    cr_assert_eq(m.shell[11], 0);
    cr_assert_eq(m.shell[12], 1);
    cr_assert_eq(m.plane[12 + 5], 1);
    cr_assert_eq(m.slot[12 + 5 + 4], 4);
    cr_assert_eq(f.cls[21], 1);
    /* sun-synchronous inclination at 650 km: cos i = -(a / 12352 km)^3.5 gives 97.99 deg */
    cr_assert_float_eq(f.inc_rad[0] * ODT_RAD2DEG, 97.99, 0.02, "SSO inclination %.4f deg", f.inc_rad[0] * ODT_RAD2DEG);
    cr_assert_float_eq(f.inc_rad[12] * ODT_RAD2DEG, 53.0, 1e-12);
    odt_fleet_free(&f);
    odt_fleet_meta_free(&m);
    odt_scenario_free(&sc);
}

Test(scenario, free_twice_is_harmless)
{
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(load(HDR WALKER, &sc, err, sizeof err), ODT_OK, "%s", err);
    odt_scenario_free(&sc);
    odt_scenario_free(&sc);
}

/* ------------------------------------------------------------------ files */

Test(scenario, missing_file)
{
    struct odt_scenario sc;
    char err[1024];
    const char *path = ODT_TEST_DATA "/scenarios/no_such_file.yaml";
    enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_IO, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, path), "message does not name the file: %s", err);
    cr_assert_not_null(strstr(err, "No such file"), "message does not say why: %s", err);
    cr_assert_null(sc.text);
}

Test(scenario, unreadable_directory)
{
    struct odt_scenario sc;
    char err[1024];
    const char *path = ODT_TEST_DATA "/scenarios";
    enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_IO, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, path), "message does not name the file: %s", err);
    cr_assert_not_null(strstr(err, "cannot read"), "%s", err);
    cr_assert_null(sc.text);
}

Test(scenario, bad_line_in_a_file_names_the_path)
{
    struct odt_scenario sc;
    char err[1024];
    const char *path = ODT_TEST_DATA "/scenarios/bad_unknown_key.yaml";
    enum odt_status st = odt_scenario_load_file(path, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, "bad_unknown_key.yaml:11:"), "%s", err);
    cr_assert_not_null(strstr(err, "unknown key 'altitud_km'"), "%s", err);
}

Test(scenario, nul_byte)
{
    static const char text[] = "name: t\0epoch: x\n";
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = odt_scenario_load_text(NAME, text, sizeof text - 1, &sc, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_PARSE, "%s", err);
    cr_assert_not_null(strstr(err, NAME));
}

/* ------------------------------------------------------------------ syntax and structure */

Test(scenario, invalid_yaml_syntax)
{
    /* line 4: "a: b: c" is not allowed in a block mapping */
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 10: 3\n"
                "snapshot_interval_s: 600\n",
                ODT_ERR_PARSE, NAME ":4:", "not valid YAML");
}

Test(scenario, invalid_yaml_unclosed_quote)
{
    expect_fail("name: \"t\n"
                "epoch: 2026-06-21T00:00:00Z\n",
                ODT_ERR_PARSE, NAME ":", "not valid YAML");
}

Test(scenario, not_a_mapping)
{
    expect_fail("- a\n- b\n", ODT_ERR_VALUE, NAME, "must be a YAML mapping");
}

Test(scenario, empty_text)
{
    /* an empty file is refused (libfyaml builds no document from it), naming the file */
    struct odt_scenario sc;
    char err[1024];
    enum odt_status st = load("", &sc, err, sizeof err);
    cr_assert(st == ODT_ERR_PARSE || st == ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_eq(strncmp(err, NAME ":", strlen(NAME) + 1), 0, "%s", err);
    cr_assert(strstr(err, "empty") != NULL, "%s", err);
    cr_assert_null(sc.text);
}

Test(scenario, missing_required_key)
{
    /* the line of the mapping that lacks the key: its first line */
    expect_fail(HDR, ODT_ERR_VALUE, NAME ":1: ", "missing required key 'fleet'");
    expect_fail("# a comment\nname: t\nduration_s: 3600\nstep_s: 10\nsnapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":2: ", "missing required key 'epoch'");
}

/* ------------------------------------------------------------------ unknown keys */

Test(scenario, unknown_key_top_level)
{
    expect_fail(HDR "stepz: 5\n" WALKER, ODT_ERR_VALUE, NAME ":6:", "unknown key 'stepz'");
}

Test(scenario, unknown_key_in_fleet_entry)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitud_km: 550\n" /* 9 */
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":9:", "unknown key 'altitud_km' in fleet entry 1");
}

Test(scenario, unknown_key_in_second_fleet_entry)
{
    expect_fail(HDR WALKER "  - name: b\n" /* 14 */
                           "    source: walker\n"
                           "    altitude_km: 550\n"
                           "    inclination: 53\n" /* 17 */
                           "    planes: 2\n"
                           "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":17:", "unknown key 'inclination' in fleet entry 2");
}

Test(scenario, unknown_key_in_satellite)
{
    expect_fail(HDR "satellite:\n"
                    "  array_area_m2: 24\n"
                    "  array_area: 24\n" /* 8 */
                WALKER,
                ODT_ERR_VALUE, NAME ":8:", "unknown key 'array_area' in satellite");
}

Test(scenario, unknown_key_in_entry_satellite)
{
    expect_fail(HDR WALKER "    satellite:\n"      /* 14 */
                           "      battery_wh: 5\n" /* 15 */,
                ODT_ERR_VALUE, NAME ":15:", "unknown key 'battery_wh' in fleet entry 1: satellite");
}

/* ------------------------------------------------------------------ wrong types */

Test(scenario, text_where_a_number_is_expected)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: one hour\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":3:", "duration_s: expected a number, got 'one hour'");
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 53\n"
                    "    planes: two\n" /* 11 */
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":11:", "planes: expected a number, got 'two'");
}

Test(scenario, fraction_where_an_integer_is_expected)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 2.5\n", /* 12 */
                ODT_ERR_VALUE, NAME ":12:", "expected an integer, got '2.5'");
}

Test(scenario, list_where_a_mapping_is_expected)
{
    expect_fail(HDR "satellite: [1, 2]\n" WALKER, ODT_ERR_VALUE, NAME ":6:",
                "expected a mapping of satellite parameters");
    expect_fail(HDR WALKER "    satellite:\n" /* 14 */
                           "      - array_area_m2: 3\n",
                ODT_ERR_VALUE, NAME ":14:", "expected a mapping of satellite parameters");
}

Test(scenario, list_where_a_number_is_expected)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: [10]\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s: expected a number, got a list");
}

Test(scenario, mapping_where_a_list_is_expected)
{
    expect_fail(HDR "fleet:\n"
                    "  name: a\n"
                    "  source: walker\n",
                ODT_ERR_VALUE, NAME ":6:", "fleet: expected a list");
}

/* ------------------------------------------------------------------ values out of range */

Test(scenario, zero_planes)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 53\n"
                    "    planes: 0\n" /* 11 */
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":11:", "planes = 0 is out of range");
}

Test(scenario, zero_slots)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 0\n", /* 12 */
                ODT_ERR_VALUE, NAME ":12:", "slots = 0 is out of range");
}

Test(scenario, empty_fleet_list)
{
    expect_fail(HDR "fleet: []\n", ODT_ERR_VALUE, NAME ":6:", "the list is empty");
}

Test(scenario, altitude_below_150_km)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 100\n" /* 9 */
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":9:", "altitude_km = 100 is out of range");
}

Test(scenario, perigee_below_150_km)
{
    /* 300 km mean altitude, e = 0.03: perigee (6678.137 x 0.97) - 6378.137 = 99.7 km */
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n" /* 7 */
                    "    source: walker\n"
                    "    altitude_km: 300\n"
                    "    eccentricity: 0.03\n"
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":7:", "perigee altitude 99.7 km is below 150 km");
}

Test(scenario, negative_array_area)
{
    expect_fail(HDR "satellite:\n"
                    "  array_area_m2: -5\n" /* 7 */
                WALKER,
                ODT_ERR_VALUE, NAME ":7:", "array_area_m2 = -5 is out of range");
}

Test(scenario, negative_battery_capacity)
{
    expect_fail(HDR WALKER "    satellite:\n"
                           "      battery_capacity_wh: -100\n", /* 15 */
                ODT_ERR_VALUE, NAME ":15:", "battery_capacity_wh = -100 is out of range");
}

Test(scenario, step_not_positive)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 0\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s = 0 is out of range");
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: -10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s = -10 is out of range");
}

Test(scenario, snapshot_interval_not_a_multiple_of_the_step)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 605\n" WALKER,
                ODT_ERR_VALUE, NAME ":5:", "snapshot_interval_s = 605 is not a multiple of step_s = 10");
}

Test(scenario, duration_not_a_multiple_of_the_step)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3605\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":3:", "duration_s = 3605 is not a multiple of step_s = 10");
}

Test(scenario, unknown_shadow_model)
{
    expect_fail(HDR "shadow: penumbral\n" WALKER, ODT_ERR_VALUE, NAME ":6:",
                "shadow: unknown value 'penumbral' (one of: none, cylindrical, conical)");
}

Test(scenario, soc_window_inverted)
{
    /* a window spans two keys: the message points at the satellite block that holds them */
    expect_fail(HDR "satellite:\n" /* 6 */
                    "  battery_soc_min: 0.9\n"
                    "  battery_soc_max: 0.3\n"
                    "  battery_soc_initial: 0.5\n" WALKER,
                ODT_ERR_VALUE, NAME ":6:", "battery_soc_min (0.9) is above battery_soc_max (0.3)");
    expect_fail(HDR WALKER "    satellite:\n" /* 14 */
                           "      battery_soc_max: 0.1\n",
                ODT_ERR_VALUE, NAME ":14:", "is above battery_soc_max (0.1)");
}

Test(scenario, soc_initial_outside_the_window)
{
    expect_fail(HDR "satellite:\n" /* 6 */
                    "  battery_soc_initial: 0.1\n" WALKER,
                ODT_ERR_VALUE, NAME ":6:", "battery_soc_initial (0.1) is outside");
}

Test(scenario, walker_without_inclination)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n" /* 7 */
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":7:", "a walker shell needs 'inclination_deg'");
}

Test(scenario, sso_with_inclination)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: sso\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 97\n" /* 10 */
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":10:", "takes no inclination_deg");
}

Test(scenario, missing_source)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n" /* 7 */
                    "    altitude_km: 550\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":7:", "missing key 'source'");
}

Test(scenario, phasing_not_below_planes)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    inclination_deg: 53\n"
                    "    planes: 2\n"
                    "    slots: 3\n"
                    "    phasing: 2\n", /* 13 */
                ODT_ERR_VALUE, NAME ":13:", "phasing = 2 must be below planes = 2");
}

Test(scenario, unknown_source)
{
    expect_fail(HDR "fleet:\n"
                    "  - name: a\n"
                    "    source: tle\n" /* 8 */
                    "    altitude_km: 550\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":8:", "source: unknown value 'tle'");
}

Test(scenario, bad_epoch_text)
{
    expect_fail("name: t\n"
                "epoch: 2026-13-01T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":2:", "epoch '2026-13-01T00:00:00Z' is not a valid UTC date");
    expect_fail("name: t\n"
                "epoch: yesterday\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":2:", "epoch 'yesterday' is not an ISO 8601 date-time");
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00+02:00\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" WALKER,
                ODT_ERR_VALUE, NAME ":2:", "unexpected text '+02:00'");
}

/* ------------------------------------------------------------------ errors found when building the fleet */

Test(scenario, sso_impossible_at_altitude)
{
    /* above ~5970 km no inclination makes the node turn once a year */
    static const char text[] = HDR "fleet:\n"
                                   "  - name: high\n" /* 7 */
                                   "    source: sso\n"
                                   "    altitude_km: 8000\n"
                                   "    planes: 2\n"
                                   "    slots: 3\n";
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(load(text, &sc, err, sizeof err), ODT_OK, "%s", err);
    struct odt_fleet f;
    struct odt_fleet_meta m;
    enum odt_status st = odt_fleet_build(&sc, &f, &m, err, sizeof err);
    cr_assert_eq(st, ODT_ERR_VALUE, "status %d: %s", st, err);
    cr_assert_not_null(strstr(err, NAME ":7:"), "%s", err);
    cr_assert_not_null(strstr(err, "no sun-synchronous orbit"), "%s", err);
    odt_scenario_free(&sc);
}
