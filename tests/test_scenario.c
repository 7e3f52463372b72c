/*
 * test_scenario.c: scenario loading (host/scenario.c) and the fleet builder's
 * scenario-level errors.
 *
 * Every bad input must be refused with an ODT_ERR_* status and one message
 * "FILE:LINE: problem" that names the line of the offending key (or the file
 * alone where no line applies), and must leave nothing half-loaded behind.
 * Texts are loaded under the name "bad.yaml"; the line numbers in the
 * expectations are counted in the texts below (ODT_TEST_HDR is lines 1-5, a fleet
 * written right after it starts at line 6).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp (test_util.h) */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "host/fleet_build.h"
#include "host/scenario.h"
#include "orbit/shadow.h"

#define NAME "bad.yaml"

static enum odt_status load(const char *text, struct odt_scenario *sc, char *err, size_t errlen)
{
    err[0] = '\0';
    return odt_scenario_load_text(NAME, text, strlen(text), sc, err, errlen);
}

/* text must be refused with status want and a one-line message that starts with the file and contains both
   `where` (e.g. "bad.yaml:6:") and `problem` */
#define expect_fail(text, want, where, problem)                                                               \
    odt_test_refused(NAME, text, strlen(text), want, where, 0, problem, __LINE__)

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
    enum odt_status st = load(ODT_TEST_HDR "seed: 7\nshadow: conical\n" ODT_TEST_WALKER, &sc, err, sizeof err);
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
    cr_assert_eq(s->sat.cls.battery.capacity_j, 5000.0 * 3600.0, "battery_capacity_wh is stored in J");
    odt_scenario_free(&sc);
}

Test(scenario, mixed_two_entry_fleet)
{
    static const char text[] = ODT_TEST_HDR
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
    cr_assert_eq(sc.shells[0].sat.cls.array.area_m2, 30.0);
    cr_assert_eq(sc.shells[1].sat.cls.array.area_m2, 10.0);
    cr_assert_eq(sc.shells[0].sat.cls.battery.capacity_j, 2000.0 * 3600.0);
    cr_assert_eq(sc.shells[1].sat.cls.battery.capacity_j, 2000.0 * 3600.0);

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

/*
 * Every `satellite:` key lands in the model parameter the step uses, through its unit: each key set to a value
 * of its own (none a default), the built class compared field by field with the values written here by hand
 * (Wh x 3600 = J, h x 3600 = s, years x 365.25 d); what one key sets in several places (the array's area in
 * the thermal network's array faces, the radiator's back face, symmetric conductances) is checked there too.
 */
Test(scenario, satellite_keys_reach_the_class)
{
    static const char text[] = ODT_TEST_HDR
        "albedo: 0.31\n"
        "earth_ir_w_m2: 230\n"
        "satellite:\n"
        "  array_area_m2: 31\n"
        "  cell_efficiency: 0.31\n"
        "  cell_temp_coeff_per_k: -0.0005\n"
        "  cell_reference_temp_k: 300\n"
        "  packing_factor: 0.85\n"
        "  pcu_efficiency: 0.93\n"
        "  degradation_per_year: 0.02\n"
        "  array_fluence_per_year: 1e14\n"
        "  array_pointing: single_axis\n"
        "  array_axis_lvlh: [1, 0, 0]\n"
        "  array_absorptivity: 0.91\n"
        "  array_emissivity: 0.84\n"
        "  array_heat_capacity_j_per_k: 61000\n"
        "  battery_capacity_wh: 4000\n"
        "  battery_soc_min: 0.25\n"
        "  battery_soc_max: 0.9\n"
        "  battery_soc_initial: 0.7\n"
        "  battery_charge_efficiency: 0.96\n"
        "  battery_discharge_efficiency: 0.97\n"
        "  battery_max_charge_w: 4100\n"
        "  battery_max_discharge_w: 8100\n"
        "  accelerator: b200\n"
        "  accelerators: 6\n"
        "  spares: 2\n"
        "  accelerator_board_power_w: 900\n"
        "  accelerator_tokens_per_s: 5000\n"
        "  bus_power_w: 450\n"
        "  throttle_temp_k: 350\n"
        "  shutdown_temp_k: 365\n"
        "  queue_limit_tokens: 123456.7\n"
        "  latency_objective_s: 4\n"
        "  service_time_s: 1.5\n"
        "  burn_in_h: 168\n"
        "  weak_fraction: 0.05\n"
        "  weibull_shape: 0.6\n"
        "  weibull_scale_h: 40\n"
        "  random_failure_rate_per_year: 0.03\n"
        "  restart_rate_per_day: 0.02\n"
        "  restart_saa_factor: 6\n"
        "  restart_downtime_s: 200\n"
        "  radiator_area_m2: 9\n"
        "  radiator_sides: 1\n"
        "  radiator_emissivity: 0.88\n"
        "  radiator_absorptivity: 0.12\n"
        "  radiator_heat_capacity_j_per_k: 41000\n"
        "  payload_heat_capacity_j_per_k: 51000\n"
        "  payload_radiator_conductance_w_per_k: 510\n"
        "  payload_temp_limit_k: 352\n"
        "  bus_heat_capacity_j_per_k: 99000\n"
        "  bus_radiator_area_m2: 2.5\n"
        "  bus_emissivity: 0.79\n"
        "  bus_absorptivity: 0.11\n"
        "  bus_payload_conductance_w_per_k: 3\n"
        "  array_bus_conductance_w_per_k: 0.6\n"
        "  initial_temperature_k: 290\n"
        "  battery_cycle_life: 30000\n"
        "  battery_cycle_life_dod: 0.4\n"
        "  battery_dod_exponent: 1.3\n"
        "  battery_eol_fade: 0.25\n"
        "  battery_calendar_fade_per_sqrt_year: 0.005\n"
        "  battery_fade_max: 0.7\n"
        "  array_kg_per_m2: 2.9\n"
        "  radiator_kg_per_m2: 4.5\n"
        "  battery_wh_per_kg: 150\n"
        "  accelerator_kg: 19\n"
        "  shielding_kg: 21\n"
        "  structure_fraction: 0.3\n"
        "  design_life_years: 6\n"
        ODT_TEST_WALKER;
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(load(text, &sc, err, sizeof err), ODT_OK, "%s", err);
    struct odt_fleet f;
    struct odt_fleet_meta m;
    cr_assert_eq(odt_fleet_build(&sc, &f, &m, err, sizeof err), ODT_OK, "%s", err);
    const struct odt_sat_class *c = &m.classes[0];
    /* array */
    cr_assert_eq(c->array.area_m2, 31.0);
    cr_assert_eq(c->array.cell_efficiency, 0.31);
    cr_assert_eq(c->array.temp_coeff_per_k, -0.0005);
    cr_assert_eq(c->array.t_ref_k, 300.0);
    cr_assert_eq(c->array.packing_factor, 0.85);
    cr_assert_eq(c->array.pcu_efficiency, 0.93);
    cr_assert_eq(c->array.degradation_per_yr, 0.02);
    cr_assert_eq(c->array_fluence_per_yr, 1e14);
    cr_assert_eq(c->array.pointing, ODT_POINT_SINGLE_AXIS);
    cr_assert(c->array.axis_lvlh[0] == 1.0 && c->array.axis_lvlh[1] == 0.0 && c->array.axis_lvlh[2] == 0.0);
    cr_assert_eq(c->array.absorptivity, 0.91);
    /* battery: Wh -> J */
    cr_assert_eq(c->battery.capacity_j, 4000.0 * 3600.0);
    cr_assert_eq(c->battery.soc_min, 0.25);
    cr_assert_eq(c->battery.soc_max, 0.9);
    cr_assert_eq(c->battery.eta_charge, 0.96);
    cr_assert_eq(c->battery.eta_discharge, 0.97);
    cr_assert_eq(c->battery.p_charge_max_w, 4100.0);
    cr_assert_eq(c->battery.p_discharge_max_w, 8100.0);
    cr_assert_eq(f.battery_energy[0], 0.7 * 4000.0 * 3600.0, "battery_soc_initial x capacity");
    cr_assert_eq(c->aging.cycle_life, 30000.0);
    cr_assert_eq(c->aging.dod_ref, 0.4);
    cr_assert_eq(c->aging.dod_exponent, 1.3);
    cr_assert_eq(c->aging.eol_fade, 0.25);
    cr_assert_eq(c->aging.calendar_fade_per_sqrt_year, 0.005);
    cr_assert_eq(c->aging.fade_max, 0.7);
    /* node: a B200 with a 900 W board, its idle power scaled alike (B200: 1000 W board, 100 W idle) */
    cr_assert_eq(c->node.n_accel, 6);
    cr_assert_eq(c->node.n_spares, 2);
    cr_assert_float_eq(c->node.type.board_power_w, 900.0, 1e-9);
    cr_assert_float_eq(c->node.type.idle_power_w, odt_accel_type_b200().idle_power_w * 0.9, 1e-9);
    cr_assert_eq(c->node.type.tokens_per_s_full, 5000.0);
    cr_assert_eq(c->node.type.min_cap_fraction, 0.3, "the B200 model (the H200 has 200/700)");
    cr_assert_eq(c->node.bus_power_w, 450.0);
    cr_assert_eq(c->node.t_throttle_k, 350.0);
    cr_assert_eq(c->node.t_shutdown_k, 365.0);
    cr_assert_eq(f.accel_working[0], 6);
    cr_assert_eq(f.accel_spares[0], 2);
    /* queue: a whole number of tokens */
    cr_assert_eq(c->queue.limit_tokens, 123456.0);
    cr_assert_eq(c->queue.latency_objective_s, 4.0);
    cr_assert_eq(c->queue.service_time_s, 1.5);
    /* reliability: h -> s */
    cr_assert_eq(c->rel.burn_in_s, 168.0 * 3600.0);
    cr_assert_eq(c->rel.weak_fraction, 0.05);
    cr_assert_eq(c->rel.weibull_shape, 0.6);
    cr_assert_eq(c->rel.weibull_scale_s, 40.0 * 3600.0);
    cr_assert_eq(c->rel.random_rate_per_yr, 0.03);
    cr_assert_eq(c->rel.sefi_rate_per_day, 0.02);
    cr_assert_eq(c->rel.sefi_saa_factor, 6.0);
    cr_assert_eq(c->rel.sefi_downtime_s, 200.0);
    /* thermal network */
    const struct odt_tn_params *t = &c->thermal;
    cr_assert_eq(t->albedo, 0.31);
    cr_assert_eq(t->earth_ir_w_m2, 230.0);
    cr_assert_eq(t->c_j_k[ODT_TN_ARRAY], 61000.0);
    cr_assert_eq(t->c_j_k[ODT_TN_RADIATOR], 41000.0);
    cr_assert_eq(t->c_j_k[ODT_TN_PAYLOAD], 51000.0);
    cr_assert_eq(t->c_j_k[ODT_TN_BUS], 99000.0);
    for (int side = 0; side < 2; ++side) {
        cr_assert_eq(t->face[ODT_TN_ARRAY][side].area_m2, 31.0, "array face %d: the power model's area", side);
        cr_assert_eq(t->face[ODT_TN_ARRAY][side].emissivity, 0.84, "array face %d", side);
    }
    cr_assert_eq(t->face[ODT_TN_ARRAY][ODT_TN_FRONT].absorptivity, 0.91);
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_FRONT].area_m2, 9.0);
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_BACK].area_m2, 0.0, "radiator_sides 1: no back face");
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_FRONT].emissivity, 0.88);
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_FRONT].absorptivity, 0.12);
    cr_assert_eq(t->face[ODT_TN_BUS][ODT_TN_FRONT].area_m2, 2.5);
    cr_assert_eq(t->face[ODT_TN_BUS][ODT_TN_FRONT].emissivity, 0.79);
    cr_assert_eq(t->face[ODT_TN_BUS][ODT_TN_FRONT].absorptivity, 0.11);
    cr_assert_eq(t->g_w_k[ODT_TN_PAYLOAD][ODT_TN_RADIATOR], 510.0);
    cr_assert_eq(t->g_w_k[ODT_TN_RADIATOR][ODT_TN_PAYLOAD], 510.0);
    cr_assert_eq(t->g_w_k[ODT_TN_PAYLOAD][ODT_TN_BUS], 3.0);
    cr_assert_eq(t->g_w_k[ODT_TN_BUS][ODT_TN_PAYLOAD], 3.0);
    cr_assert_eq(t->g_w_k[ODT_TN_ARRAY][ODT_TN_BUS], 0.6);
    cr_assert_eq(t->g_w_k[ODT_TN_BUS][ODT_TN_ARRAY], 0.6);
    cr_assert_eq(t->t_limit_payload_k, 352.0);
    cr_assert_eq(f.temperature[0], 290.0);
    /* mass and life */
    const struct odt_sat_spec *s = &sc.shells[0].sat;
    cr_assert_eq(s->mass.array_kg_per_m2, 2.9);
    cr_assert_eq(s->mass.radiator_kg_per_m2, 4.5);
    cr_assert_eq(s->mass.battery_wh_per_kg, 150.0);
    cr_assert_eq(s->mass.accelerator_kg, 19.0);
    cr_assert_eq(s->mass.shielding_kg, 21.0);
    cr_assert_eq(s->mass.structure_fraction, 0.3);
    cr_assert_float_eq(f.retire_time[0], 6.0 * 365.25 * 86400.0, 1e-6, "design_life_years 6");
    odt_fleet_free(&f);
    odt_fleet_meta_free(&m);
    odt_scenario_free(&sc);
}

/* The radiator's back face follows its front, and an entry that sets radiator_sides 2 again gets it back. */
Test(scenario, radiator_sides_follow_the_entry)
{
    static const char text[] = ODT_TEST_HDR
        "satellite:\n"
        "  radiator_sides: 1\n"
        "  radiator_area_m2: 7\n"
        ODT_TEST_WALKER
        "    satellite:\n"
        "      radiator_sides: 2\n";
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(load(text, &sc, err, sizeof err), ODT_OK, "%s", err);
    const struct odt_tn_params *t = &sc.shells[0].sat.cls.thermal;
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_FRONT].area_m2, 7.0);
    cr_assert_eq(t->face[ODT_TN_RADIATOR][ODT_TN_BACK].area_m2, 7.0);
    odt_scenario_free(&sc);
}

/* A heat capacity of 0 would freeze a node's temperature: refused at its line. */
Test(scenario, zero_heat_capacity)
{
    expect_fail(ODT_TEST_HDR "satellite:\n  payload_heat_capacity_j_per_k: 0\n" ODT_TEST_WALKER, ODT_ERR_VALUE, NAME ":7:",
                "payload_heat_capacity_j_per_k");
}

Test(scenario, free_twice_is_harmless)
{
    struct odt_scenario sc;
    char err[1024];
    cr_assert_eq(load(ODT_TEST_HDR ODT_TEST_WALKER, &sc, err, sizeof err), ODT_OK, "%s", err);
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
    expect_fail(ODT_TEST_HDR, ODT_ERR_VALUE, NAME ":1: ", "missing required key 'fleet'");
    expect_fail("# a comment\nname: t\nduration_s: 3600\nstep_s: 10\nsnapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":2: ", "missing required key 'epoch'");
}

/* ------------------------------------------------------------------ unknown keys */

Test(scenario, unknown_key_top_level)
{
    expect_fail(ODT_TEST_HDR "stepz: 5\n" ODT_TEST_WALKER, ODT_ERR_VALUE, NAME ":6:", "unknown key 'stepz'");
}

Test(scenario, unknown_key_in_fleet_entry)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR ODT_TEST_WALKER "  - name: b\n" /* 14 */
                           "    source: walker\n"
                           "    altitude_km: 550\n"
                           "    inclination: 53\n" /* 17 */
                           "    planes: 2\n"
                           "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":17:", "unknown key 'inclination' in fleet entry 2");
}

Test(scenario, unknown_key_in_satellite)
{
    expect_fail(ODT_TEST_HDR "satellite:\n"
                    "  array_area_m2: 24\n"
                    "  array_area: 24\n" /* 8 */
                ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":8:", "unknown key 'array_area' in satellite");
}

Test(scenario, unknown_key_in_entry_satellite)
{
    expect_fail(ODT_TEST_HDR ODT_TEST_WALKER "    satellite:\n"      /* 14 */
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
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":3:", "duration_s: expected a number, got 'one hour'");
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "satellite: [1, 2]\n" ODT_TEST_WALKER, ODT_ERR_VALUE, NAME ":6:",
                "expected a mapping of satellite parameters");
    expect_fail(ODT_TEST_HDR ODT_TEST_WALKER "    satellite:\n" /* 14 */
                           "      - array_area_m2: 3\n",
                ODT_ERR_VALUE, NAME ":14:", "expected a mapping of satellite parameters");
}

Test(scenario, list_where_a_number_is_expected)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: [10]\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s: expected a number, got a list");
}

Test(scenario, mapping_where_a_list_is_expected)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
                    "  name: a\n"
                    "  source: walker\n",
                ODT_ERR_VALUE, NAME ":6:", "fleet: expected a list");
}

/* ------------------------------------------------------------------ values out of range */

Test(scenario, zero_planes)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet: []\n", ODT_ERR_VALUE, NAME ":6:", "the list is empty");
}

Test(scenario, altitude_below_150_km)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "satellite:\n"
                    "  array_area_m2: -5\n" /* 7 */
                ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":7:", "array_area_m2 = -5 is out of range");
}

Test(scenario, negative_battery_capacity)
{
    expect_fail(ODT_TEST_HDR ODT_TEST_WALKER "    satellite:\n"
                           "      battery_capacity_wh: -100\n", /* 15 */
                ODT_ERR_VALUE, NAME ":15:", "battery_capacity_wh = -100 is out of range");
}

Test(scenario, step_not_positive)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 0\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s = 0 is out of range");
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: -10\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":4:", "step_s = -10 is out of range");
}

Test(scenario, snapshot_interval_not_a_multiple_of_the_step)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 605\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":5:", "snapshot_interval_s = 605 is not a multiple of step_s = 10");
}

Test(scenario, duration_not_a_multiple_of_the_step)
{
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00Z\n"
                "duration_s: 3605\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":3:", "duration_s = 3605 is not a multiple of step_s = 10");
}

Test(scenario, unknown_shadow_model)
{
    expect_fail(ODT_TEST_HDR "shadow: penumbral\n" ODT_TEST_WALKER, ODT_ERR_VALUE, NAME ":6:",
                "shadow: unknown value 'penumbral' (one of: none, cylindrical, conical)");
}

Test(scenario, soc_window_inverted)
{
    /* a window spans two keys: the message points at the satellite block that holds them */
    expect_fail(ODT_TEST_HDR "satellite:\n" /* 6 */
                    "  battery_soc_min: 0.9\n"
                    "  battery_soc_max: 0.3\n"
                    "  battery_soc_initial: 0.5\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":6:", "battery_soc_min (0.9) is above battery_soc_max (0.3)");
    expect_fail(ODT_TEST_HDR ODT_TEST_WALKER "    satellite:\n" /* 14 */
                           "      battery_soc_max: 0.1\n",
                ODT_ERR_VALUE, NAME ":14:", "is above battery_soc_max (0.1)");
}

Test(scenario, soc_initial_outside_the_window)
{
    expect_fail(ODT_TEST_HDR "satellite:\n" /* 6 */
                    "  battery_soc_initial: 0.1\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":6:", "battery_soc_initial (0.1) is outside");
}

Test(scenario, walker_without_inclination)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
                    "  - name: a\n" /* 7 */
                    "    source: walker\n"
                    "    altitude_km: 550\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":7:", "a walker shell needs 'inclination_deg'");
}

Test(scenario, sso_with_inclination)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet:\n"
                    "  - name: a\n" /* 7 */
                    "    altitude_km: 550\n"
                    "    planes: 2\n"
                    "    slots: 3\n",
                ODT_ERR_VALUE, NAME ":7:", "missing key 'source'");
}

Test(scenario, phasing_not_below_planes)
{
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
    expect_fail(ODT_TEST_HDR "fleet:\n"
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
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":2:", "epoch '2026-13-01T00:00:00Z' is not a valid UTC date");
    expect_fail("name: t\n"
                "epoch: yesterday\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":2:", "epoch 'yesterday' is not an ISO 8601 date-time");
    expect_fail("name: t\n"
                "epoch: 2026-06-21T00:00:00+02:00\n"
                "duration_s: 3600\n"
                "step_s: 10\n"
                "snapshot_interval_s: 600\n" ODT_TEST_WALKER,
                ODT_ERR_VALUE, NAME ":2:", "unexpected text '+02:00'");
}

/* ------------------------------------------------------------------ errors found when building the fleet */

Test(scenario, sso_impossible_at_altitude)
{
    /* above ~5970 km no inclination makes the node turn once a year */
    static const char text[] = ODT_TEST_HDR "fleet:\n"
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
