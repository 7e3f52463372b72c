/*
 * test_economics.c: satellite mass, launch learning curve, ground compute
 * curve, fleet and ground cost per year, break-even, crossover and the claims
 * rows (host/economics.c, host/economics.h).
 *
 * Every expectation is a hand calculation written out next to it; the
 * tolerance of each comparison is stated (relative unless said otherwise).
 * Sums and products of a few terms agree to ~1e-15; 1e-12 leaves room for the
 * pow() of Wright's law and the compute curve.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/economics.h"

#define REL 1e-12

static void near(double got, double want, double rel, const char *what)
{
    const double tol = rel * fmax(fabs(want), 1e-300);
    cr_assert(fabs(got - want) <= tol, "%s: got %.17g, want %.17g (rel tol %g)", what, got, want, rel);
}

static struct odt_econ_params econ_defaults(void)
{
    struct odt_econ_params p;
    odt_econ_params_default(&p);
    char err[256] = "";
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_OK, "%s", err);
    return p;
}

static struct odt_mass_params mass_defaults(void)
{
    struct odt_mass_params p;
    odt_mass_params_default(&p);
    char err[256] = "";
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_OK, "%s", err);
    return p;
}

/* ------------------------------------------------------------------ mass */

Test(economics, mass_breakdown_by_hand)
{
    /* A design chosen for round numbers:
         array     100 m^2 x 2 kg/m^2        = 200 kg
         radiator   50 m^2 x 4 kg/m^2        = 200 kg
         battery 12000 Wh / 120 Wh/kg        = 100 kg
         compute    10 x 20 kg               = 200 kg
         shielding                             50 kg
         parts                               = 750 kg
         total = 750 / (1 - 0.25)            = 1000 kg, structure = 250 kg
         W/kg = 16000 W / 1000 kg = 16 W/kg = 16 kW/t */
    struct odt_mass_params p = {2.0, 4.0, 120.0, 20.0, 50.0, 0.25};
    struct odt_mass_inputs in = {100.0, 50.0, 12000.0, 10, 16000.0};
    struct odt_mass_breakdown b;
    cr_assert_eq(odt_mass_satellite(&p, &in, &b), ODT_OK);
    near(b.array_kg, 200.0, REL, "array_kg");
    near(b.radiator_kg, 200.0, REL, "radiator_kg");
    near(b.battery_kg, 100.0, REL, "battery_kg");
    near(b.compute_kg, 200.0, REL, "compute_kg");
    near(b.shielding_kg, 50.0, REL, "shielding_kg");
    near(b.structure_kg, 250.0, REL, "structure_kg");
    near(b.total_kg, 1000.0, REL, "total_kg");
    near(b.w_per_kg, 16.0, REL, "w_per_kg");
    near(b.kw_per_tonne, 16.0, REL, "kw_per_tonne");
    /* the parts and the structure add up to the total (1e-12 relative) */
    near(b.array_kg + b.radiator_kg + b.battery_kg + b.compute_kg + b.shielding_kg + b.structure_kg, b.total_kg, REL,
         "sum of parts");
}

Test(economics, default_satellite_specific_power)
{
    /* The default scenario's satellite (scenarios/default.yaml): 24 m^2 array, 6 m^2 radiator panel,
       5000 Wh, 8 + 1 H200-class accelerators of 700 W.
         array 24 x 2.7 = 64.8; radiator 6 x 5 = 30; battery 5000/120 = 41.667; compute 9 x 1360/72 = 170;
         shielding 20; parts 326.467; total 326.467 / 0.75 = 435.289 kg; 5600 W / 435.289 kg = 12.865 W/kg.
       docs/economics.md compares this with 17-36 W/kg (Turyshev) and 100 W/kg (SpaceX filing). */
    struct odt_mass_params p = mass_defaults();
    struct odt_mass_inputs in = {24.0, 6.0, 5000.0, 9, 5600.0};
    struct odt_mass_breakdown b;
    cr_assert_eq(odt_mass_satellite(&p, &in, &b), ODT_OK);
    const double parts = 64.8 + 30.0 + 5000.0 / 120.0 + 170.0 + 20.0;
    near(b.total_kg, parts / 0.75, 1e-12, "default total_kg");
    near(b.w_per_kg, 5600.0 / (parts / 0.75), 1e-12, "default w_per_kg");
    cr_assert(b.w_per_kg > 12.8 && b.w_per_kg < 12.9, "default W/kg %.4f (the doc says 12.9)", b.w_per_kg);
}

Test(economics, mass_bad_values_refused_with_their_name)
{
    struct odt_mass_params p;
    char err[256];

    p = mass_defaults(), p.array_kg_per_m2 = -1.0; /* negative mass */
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "array_kg_per_m2"), "%s", err);

    p = mass_defaults(), p.accelerator_kg = -0.5;
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "accelerator_kg"), "%s", err);

    p = mass_defaults(), p.shielding_kg = NAN;
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "shielding_kg"), "%s", err);

    p = mass_defaults(), p.structure_fraction = 1.0;
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "structure_fraction"), "%s", err);

    p = mass_defaults(), p.battery_wh_per_kg = 0.0;
    cr_assert_eq(odt_mass_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "battery_wh_per_kg"), "%s", err);

    struct odt_mass_inputs in = {10.0, -2.0, 0.0, 1, 700.0};
    cr_assert_eq(odt_mass_inputs_check(&in, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "radiator_area_m2"), "%s", err);
    struct odt_mass_breakdown b;
    p = mass_defaults();
    cr_assert_eq(odt_mass_satellite(&p, &in, &b), ODT_ERR_VALUE);
}

/* ------------------------------------------------------------------ prices */

Test(economics, wright_law_doublings_and_floor)
{
    /* first 2720 $/kg at N_ref = 600, 80 % kept per doubling, floor 200:
         N = 600  -> 2720
         N = 1200 -> 2720 x 0.8   = 2176
         N = 2400 -> 2720 x 0.64  = 1740.8
         N = 300  -> 2720 / 0.8   = 3400 (before the reference the price is higher)
         N = 600 x 2^12 -> 2720 x 0.8^12 = 186.9 < 200 -> the floor, 200
       Tolerance 1e-12 (pow of an exact power of two). */
    struct odt_econ_params p = econ_defaults();
    cr_assert_eq(p.launch_price_per_kg, 2720.0);
    cr_assert_eq(p.launch_reference_launches, 600.0);
    cr_assert_eq(p.launch_learning, 0.80);
    near(odt_launch_price_per_kg(&p, 600.0), 2720.0, REL, "N_ref");
    near(odt_launch_price_per_kg(&p, 1200.0), 2176.0, REL, "2 N_ref");
    near(odt_launch_price_per_kg(&p, 2400.0), 1740.8, REL, "4 N_ref");
    near(odt_launch_price_per_kg(&p, 300.0), 3400.0, REL, "N_ref / 2");
    near(odt_launch_price_per_kg(&p, 600.0 * 4096.0), 200.0, REL, "floor");
    /* 2^11 doublings: 2720 x 0.8^11 = 233.6 (just above the floor) */
    near(odt_launch_price_per_kg(&p, 600.0 * 2048.0), 2720.0 * pow(0.8, 11), REL, "2^11 N_ref");
    /* learning 1: the price stays at the first */
    p.launch_learning = 1.0;
    near(odt_launch_price_per_kg(&p, 1e6), 2720.0, REL, "learning 1");
    cr_assert(isnan(odt_launch_price_per_kg(&p, 0.0)), "N = 0 gives NaN");
}

Test(economics, ground_compute_curve)
{
    /* 1.05e10 W at 2026.0, x3.3 a year:
         2026.0 -> 1.05e10; 2027.0 -> 3.465e10; 2028.0 -> 1.05e10 x 10.89 = 1.14345e11
         2026.5 -> 1.05e10 x sqrt(3.3) = 1.9074e10; 2025.0 -> 1.05e10 / 3.3 = 3.1818e9
       Tolerance 1e-12. */
    struct odt_econ_params p = econ_defaults();
    near(odt_ground_compute_w(&p, 2026.0), 1.05e10, REL, "2026.0");
    near(odt_ground_compute_w(&p, 2027.0), 3.465e10, REL, "2027.0");
    near(odt_ground_compute_w(&p, 2028.0), 1.14345e11, REL, "2028.0");
    near(odt_ground_compute_w(&p, 2026.5), 1.05e10 * sqrt(3.3), REL, "2026.5");
    near(odt_ground_compute_w(&p, 2025.0), 1.05e10 / 3.3, REL, "2025.0");
}

Test(economics, econ_bad_values_refused_with_their_name)
{
    struct odt_econ_params p;
    char err[256];

    p = econ_defaults(), p.pue = 0.95;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "pue"), "%s", err);

    p = econ_defaults(), p.launch_learning = 0.0;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "launch_learning"), "%s", err);

    p = econ_defaults(), p.launch_learning = 1.1;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "launch_learning"), "%s", err);

    p = econ_defaults(), p.ground_capacity_factor = 0.0;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "ground_capacity_factor"), "%s", err);

    p = econ_defaults(), p.launch_price_floor_per_kg = 3000.0; /* above the first price */
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "launch_price_floor_per_kg"), "%s", err);

    p = econ_defaults(), p.accelerator_price = -1.0;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "accelerator_price"), "%s", err);

    p = econ_defaults(), p.ground_facility_life_years = 0.0;
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "ground_facility_life_years"), "%s", err);

    /* evaluate refuses bad params and bad inputs without writing */
    struct odt_econ_year y[1];
    memset(y, 0, sizeof y);
    y[0].year = 2027.0;
    y[0].launches = -1.0;
    cr_assert_eq(odt_econ_inputs_check(5.0, 1000.0, 700.0, y, 1, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "years[0].launches"), "%s", err);
    cr_assert_eq(odt_econ_inputs_check(0.0, 1000.0, 700.0, y, 0, err, sizeof err), ODT_ERR_VALUE);
    cr_assert(strstr(err, "design_life_years"), "%s", err);
    struct odt_econ_summary s;
    p = econ_defaults();
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 700.0, y, 1, &s), ODT_ERR_VALUE);
    p.pue = 0.5;
    y[0].launches = 1.0;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 700.0, y, 1, &s), ODT_ERR_VALUE);
}

/* ------------------------------------------------------------------ a 3-year fleet by hand */

/*
 * Prices: first 1000 $/kg at N_ref = 10, learning 0.5 (so price = 1000 x 10 / N), floor 200;
 * satellites 50 $/kg; accelerators 10,000 $; operations 1,000 $/satellite-year; ground 10 $/W over
 * 20 yr, 0.1 $/kWh, PUE 1.5, failure 0.1/yr repaired in 87.66 h (availability 1 - 0.1 x 87.66 /
 * 8766 = 0.999), accelerators over 4 yr; satellite life 5 yr; 1000 tokens/s and 1000 W per accelerator.
 *
 * Fleet (1000 kg satellites with 10 accelerators each):
 *   year  launches sats  mass kg accels | in service sats accels | delivered  demanded
 *   2027     20     10   10,000   100   |   5     50             | 1.2e12     1.2e12
 *   2028     20     10   10,000   100   |  15    140             | 4.0e12     5.0e12
 *   2029     60     30   30,000   300   |  35    330             | 8.0e12     8.0e12
 */
static struct odt_econ_params hand_params(void)
{
    struct odt_econ_params p = econ_defaults();
    p.launch_price_per_kg = 1000.0;
    p.launch_price_floor_per_kg = 200.0;
    p.launch_learning = 0.5;
    p.launch_reference_launches = 10.0;
    p.satellite_cost_per_kg = 50.0;
    p.accelerator_price = 10000.0;
    p.operations_per_satellite_year = 1000.0;
    p.ground_build_cost_per_w = 10.0;
    p.ground_facility_life_years = 20.0;
    p.electricity_per_kwh = 0.1;
    p.pue = 1.5;
    p.ground_repair_h = 87.66;
    p.ground_failure_rate_per_year = 0.1;
    p.accelerator_life_years = 4.0;
    p.ground_compute_w = 1e9; /* 1 GW at 2027.0, doubling a year: 2, 4, 8 GW at the ends of 2027..2029 */
    p.ground_compute_year = 2027.0;
    p.ground_compute_growth = 2.0;
    /* the whole launch mass is manufactured at 50 $/kg (see manufactured_mass_excludes_accelerators) */
    p.accelerator_kg = 0.0;
    char err[256] = "";
    cr_assert_eq(odt_econ_params_check(&p, err, sizeof err), ODT_OK, "%s", err);
    return p;
}

static void hand_years(struct odt_econ_year y[3])
{
    memset(y, 0, 3 * sizeof y[0]);
    const double launches[3] = {20, 20, 60}, sats[3] = {10, 10, 30}, in_sats[3] = {5, 15, 35};
    const double in_acc[3] = {50, 140, 330}, deliv[3] = {1.2e12, 4.0e12, 8.0e12}, dem[3] = {1.2e12, 5.0e12, 8.0e12};
    for (int i = 0; i < 3; ++i) {
        y[i].year = 2027.0 + i;
        y[i].launches = launches[i];
        y[i].satellites_launched = sats[i];
        y[i].mass_launched_kg = 1000.0 * sats[i];
        y[i].accelerators_launched = 10.0 * sats[i];
        y[i].compute_power_added_w = 1000.0 * y[i].accelerators_launched; /* 0.1, 0.1, 0.3 MW */
        y[i].satellites_in_service = in_sats[i];
        y[i].accelerators_in_service = in_acc[i];
        y[i].compute_power_w = 1000.0 * in_acc[i];
        y[i].token_capacity = in_acc[i] * 1000.0 * ODT_ECON_SECONDS_PER_YEAR;
        y[i].tokens_delivered = deliv[i];
        y[i].tokens_demanded = dem[i];
        y[i].satellite_mass_kg_mean = 1000.0;
    }
}

Test(economics, three_year_fleet_by_hand)
{
    struct odt_econ_params p = hand_params();
    struct odt_econ_year y[3];
    hand_years(y);
    struct odt_econ_summary s;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 1000.0, y, 3, &s), ODT_OK);

    /* Launch price at the year's midpoint N = 10 + launches before + half the year's:
         2027: N = 10 + 0 + 10 = 20  -> 1000 x 10/20 = 500 $/kg
         2028: N = 10 + 20 + 10 = 40 -> 250 $/kg
         2029: N = 10 + 40 + 30 = 80 -> 125, below the floor -> 200 $/kg
       cumulative launches at the year's end: 30, 50, 110. */
    const double price[3] = {500.0, 250.0, 200.0}, ncum[3] = {30.0, 50.0, 110.0};
    /* Spent: launch = mass x price; satellites = mass x 50; accelerators = 10,000 x count; ops = 1000 x in service
         2027: 5.0e6 + 0.5e6 + 1.0e6 +  5,000 =  6,505,000
         2028: 2.5e6 + 0.5e6 + 1.0e6 + 15,000 =  4,015,000  (cumulative 10,520,000)
         2029: 6.0e6 + 1.5e6 + 3.0e6 + 35,000 = 10,535,000  (cumulative 21,055,000) */
    const double launch[3] = {5.0e6, 2.5e6, 6.0e6}, sat[3] = {0.5e6, 0.5e6, 1.5e6}, acc[3] = {1e6, 1e6, 3e6};
    const double ops[3] = {5000.0, 15000.0, 35000.0}, year_cost[3] = {6505000.0, 4015000.0, 10535000.0};
    const double cum[3] = {6505000.0, 10520000.0, 21055000.0};
    const double capex_cum[3] = {6.5e6, 10.5e6, 21.0e6};
    /* Annualized: in service x [ (bus capex so far / satellites so far) / 5
                                 + (accelerators so far / satellites so far) / 4 ] + ops
         2027: bus 5.5e6/10 = 550,000 -> 110,000/yr; accelerators 1e6/10 = 100,000 -> 25,000/yr;
               5 x 135,000 + 5,000 = 680,000
         2028: bus 8.5e6/20 = 425,000 -> 85,000; accelerators 2e6/20 -> 25,000; 15 x 110,000 + 15,000 = 1,665,000
         2029: bus 16e6/50 = 320,000 -> 64,000; accelerators 5e6/50 -> 25,000; 35 x 89,000 + 35,000 = 3,150,000
       $/Mtok: 680,000/1.2e6 = 0.56667; 1,665,000/4e6 = 0.41625; 3,150,000/8e6 = 0.39375 */
    const double annual[3] = {680000.0, 1665000.0, 3150000.0};
    const double space_mtok[3] = {680000.0 / 1.2e6, 1665000.0 / 4e6, 3150000.0 / 8e6};
    for (int i = 0; i < 3; ++i) {
        char w[64];
        snprintf(w, sizeof w, "%.0f price", y[i].year), near(y[i].launch_price_per_kg, price[i], REL, w);
        snprintf(w, sizeof w, "%.0f cumulative_launches", y[i].year), near(y[i].cumulative_launches, ncum[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_launch", y[i].year), near(y[i].cost_launch, launch[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_satellites", y[i].year), near(y[i].cost_satellites, sat[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_accelerators", y[i].year), near(y[i].cost_accelerators, acc[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_operations", y[i].year), near(y[i].cost_operations, ops[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_year", y[i].year), near(y[i].cost_year, year_cost[i], REL, w);
        snprintf(w, sizeof w, "%.0f cost_cumulative", y[i].year), near(y[i].cost_cumulative, cum[i], REL, w);
        snprintf(w, sizeof w, "%.0f capex_cumulative", y[i].year), near(y[i].capex_cumulative, capex_cum[i], REL, w);
        snprintf(w, sizeof w, "%.0f annualized", y[i].year), near(y[i].cost_space_annualized, annual[i], REL, w);
        snprintf(w, sizeof w, "%.0f space_per_mtok", y[i].year), near(y[i].space_per_mtok, space_mtok[i], REL, w);
    }

    /* Ground: per accelerator-year
         building     1000 W x 10 $/W / 20 yr                       =   500
         electricity  1000 W x 0.999 x 8766 h x 1.5 x 0.1 $/kWh / 1000 = 1313.5851
         accelerators 10,000 / 4                                    = 2,500
         replacements 0.1 x 10,000                                  = 1,000
         total                                                      = 5,313.5851 $
       costs: 50, 140, 330 accelerators -> 265,679.255; 743,901.914; 1,753,483.083
       tokens: capacity = A x 1000 x 31,557,600 x 0.999 = 1.57630212e12, 4.413645936e12, 1.0403593992e13;
         served = min(demanded, capacity) = 1.2e12, 4.413645936e12 (capacity-bound), 8e12
       $/Mtok: 0.221399379, 0.168545897, 0.219185385 */
    const double per_acc = 500.0 + 1313.5851 + 2500.0 + 1000.0;
    const double g_tok[3] = {1.2e12, 140.0 * 1000.0 * 31557600.0 * 0.999, 8.0e12};
    for (int i = 0; i < 3; ++i) {
        char w[64];
        const double g_cost = y[i].accelerators_in_service * per_acc;
        snprintf(w, sizeof w, "%.0f ground cost", y[i].year), near(y[i].ground_cost_annualized, g_cost, REL, w);
        snprintf(w, sizeof w, "%.0f ground tokens", y[i].year), near(y[i].ground_tokens, g_tok[i], REL, w);
        snprintf(w, sizeof w, "%.0f ground $/Mtok", y[i].year);
        near(y[i].ground_per_mtok, g_cost / g_tok[i] * 1e6, REL, w);
        near(y[i].ground_availability, 0.999, REL, "availability");
    }
    near(y[0].ground_cost_annualized, 265679.255, 1e-12, "2027 ground cost literal");
    near(y[1].ground_tokens, 4.413645936e12, 1e-12, "2028 ground tokens literal");

    /* Summary: space 5,495,000 / 13.2e6 Mtok = 0.416287879 $/Mtok;
       ground 2,763,064.252 / 13.613645936e6 Mtok = 0.202962841 $/Mtok */
    near(s.space_per_mtok, 5495000.0 / 13.2e6, REL, "summary space $/Mtok");
    const double g_sum = 520.0 * per_acc, g_tok_sum = 1.2e12 + g_tok[1] + 8.0e12;
    near(s.ground_per_mtok, g_sum / g_tok_sum * 1e6, REL, "summary ground $/Mtok");
    near(s.ground_per_mtok, 0.20296284074006493, 1e-12, "summary ground $/Mtok literal");
    near(s.cost_cumulative, 21055000.0, REL, "summary cost_cumulative");
    near(s.tokens_delivered, 13.2e12, REL, "summary tokens");
    near(s.mass_launched_kg, 50000.0, REL, "summary mass");
    near(s.launches, 100.0, REL, "summary launches");

    /* Break-even at one constant price x: annualized = A0 + B x with
         B  = sum over years of in-service x (mass so far / satellites so far = 1000 kg) / 5
            = (5 + 15 + 35) x 200 = 11,000
         A0 = sum of in-service x (50 x 1000 / 5 + 25,000) + ops = 55 x 35,000 + 55,000 = 1,980,000
         x  = (ground $/Mtok x 13.2e6 Mtok - 1,980,000) / 11,000 = 63.5554 $/kg */
    const double x = (g_sum / g_tok_sum * 13.2e12 - 1980000.0) / 11000.0;
    near(s.breakeven_launch_per_kg, x, 1e-9, "break-even");
    cr_assert(s.breakeven_launch_per_kg > 63.55 && s.breakeven_launch_per_kg < 63.56, "break-even %.6f",
              s.breakeven_launch_per_kg);

    /* Substituted back: the same fleet at that price every year (learning 1, floor 0) costs the
       same per token as the ground, within 1e-9 relative. */
    struct odt_econ_params q = p;
    q.launch_price_per_kg = s.breakeven_launch_per_kg;
    q.launch_price_floor_per_kg = 0.0;
    q.launch_learning = 1.0;
    struct odt_econ_year y2[3];
    hand_years(y2);
    struct odt_econ_summary s2;
    cr_assert_eq(odt_econ_evaluate(&q, 5.0, 1000.0, 1000.0, y2, 3, &s2), ODT_OK);
    near(s2.space_per_mtok, s.ground_per_mtok, 1e-9, "space at the break-even price equals ground");
    near(s2.breakeven_launch_per_kg, s.breakeven_launch_per_kg, 1e-9, "break-even is price-independent");

    /* No crossover: additions 0.1, 0.1, 0.3 MW against 2, 4, 8 GW at the years' ends */
    near(y[0].ground_compute_w, 2e9, REL, "2027 year-end ground");
    near(y[2].ground_compute_w, 8e9, REL, "2029 year-end ground");
    for (int i = 0; i < 3; ++i)
        cr_assert_eq(y[i].orbit_added_exceeds_ground, 0.0);
    cr_assert(isnan(s.crossover_year), "no crossover: %g", s.crossover_year);
}

Test(economics, crossover_year_found)
{
    /* 2027 adds 1.5 GW < 2 GW; 2028 adds 5 GW > 4 GW (ground at the end of 2028); 2029 adds 9 GW > 8 GW.
       The first such year is 2028. */
    struct odt_econ_params p = hand_params();
    struct odt_econ_year y[3];
    hand_years(y);
    y[0].compute_power_added_w = 1.5e9;
    y[1].compute_power_added_w = 5e9;
    y[2].compute_power_added_w = 9e9;
    struct odt_econ_summary s;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 1000.0, y, 3, &s), ODT_OK);
    cr_assert_eq(y[0].orbit_added_exceeds_ground, 0.0);
    cr_assert_eq(y[1].orbit_added_exceeds_ground, 1.0);
    cr_assert_eq(y[2].orbit_added_exceeds_ground, 1.0);
    cr_assert_eq(s.crossover_year, 2028.0);
}

Test(economics, manufactured_mass_excludes_accelerators)
{
    /* 10 satellites of 1000 kg with 100 accelerators of 10 kg: manufactured mass 10,000 - 100 x 10 = 9,000 kg,
       at 50 $/kg = 450,000 $; the accelerators cost 100 x 10,000 = 1e6 $ on their own line.
       A mass below the accelerators' is clamped at 0 kg. Exact to 1e-12. */
    struct odt_econ_params p = hand_params();
    p.accelerator_kg = 10.0;
    struct odt_econ_year y[3];
    hand_years(y);
    struct odt_econ_summary s;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 1000.0, y, 1, &s), ODT_OK);
    near(y[0].cost_satellites, 450000.0, REL, "manufacture without the accelerators' mass");
    near(y[0].cost_accelerators, 1e6, REL, "accelerators");
    near(y[0].cost_launch, 10000.0 * 500.0, REL, "launch still pays the whole mass");
    p.accelerator_kg = 200.0; /* 100 x 200 kg > 10,000 kg */
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 1000.0, y, 1, &s), ODT_OK);
    cr_assert_eq(y[0].cost_satellites, 0.0);
}

Test(economics, no_breakeven_when_space_costs_more_at_zero_launch_price)
{
    /* Satellites at 1e6 $/kg: even free launch cannot reach the ground's cost, so the break-even is NaN. */
    struct odt_econ_params p = hand_params();
    p.satellite_cost_per_kg = 1e6;
    struct odt_econ_year y[3];
    hand_years(y);
    struct odt_econ_summary s;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 1000.0, 1000.0, y, 3, &s), ODT_OK);
    cr_assert(isnan(s.breakeven_launch_per_kg), "break-even %g", s.breakeven_launch_per_kg);
    cr_assert(s.space_per_mtok > s.ground_per_mtok);
}

Test(economics, empty_and_tokenless_years)
{
    /* n = 0: sums 0, ratios NaN; a year without tokens: its $/Mtok NaN */
    struct odt_econ_params p = econ_defaults();
    struct odt_econ_summary s;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 4000.0, 700.0, NULL, 0, &s), ODT_OK);
    cr_assert(isnan(s.space_per_mtok) && isnan(s.ground_per_mtok) && isnan(s.breakeven_launch_per_kg));
    cr_assert(isnan(s.crossover_year));
    cr_assert_eq(s.cost_cumulative, 0.0);
    struct odt_econ_year y[1];
    memset(y, 0, sizeof y);
    y[0].year = 2027.0;
    cr_assert_eq(odt_econ_evaluate(&p, 5.0, 4000.0, 700.0, y, 1, &s), ODT_OK);
    cr_assert(isnan(y[0].space_per_mtok) && isnan(y[0].ground_per_mtok));
    cr_assert_eq(y[0].cost_space_annualized, 0.0);
}

/* ------------------------------------------------------------------ claims */

/* A typical run: defaults, three years of a growing fleet of the default satellite (435 kg, 8 + 1
   H200-class boards at 3,964 tokens/s), 200 satellites per launch. */
static void typical(struct odt_econ_params *p, struct odt_econ_year y[3], struct odt_econ_summary *s,
                    struct odt_claims_input *in)
{
    *p = econ_defaults();
    memset(y, 0, 3 * sizeof y[0]);
    const double launches[3] = {10, 30, 60};
    double in_service = 0.0;
    for (int i = 0; i < 3; ++i) {
        const double sats = 200.0 * launches[i];
        y[i].year = 2027.0 + i;
        y[i].launches = launches[i];
        y[i].satellites_launched = sats;
        y[i].mass_launched_kg = 435.3 * sats;
        y[i].accelerators_launched = 9.0 * sats;
        y[i].compute_power_added_w = 5600.0 * sats;
        y[i].satellites_in_service = in_service + 0.5 * sats;
        in_service += sats;
        y[i].accelerators_in_service = 8.0 * y[i].satellites_in_service;
        y[i].compute_power_w = 700.0 * y[i].accelerators_in_service;
        y[i].token_capacity = y[i].accelerators_in_service * 3964.0 * ODT_ECON_SECONDS_PER_YEAR;
        y[i].tokens_demanded = 0.85 * y[i].token_capacity;
        y[i].tokens_delivered = 0.80 * y[i].token_capacity;
        y[i].accelerators_failed = 0.05 * y[i].accelerators_in_service;
        y[i].satellite_mass_kg_mean = 435.3;
    }
    cr_assert_eq(odt_econ_evaluate(p, 5.0, 3964.0, 700.0, y, 3, s), ODT_OK);
    memset(in, 0, sizeof *in);
    in->sunlit_fraction = 0.97;
    in->max_eclipse_s = 20.0 * 60.0;
    in->eclipse_season_days = 90.0;
    in->battery_wh_needed = 2030.0;
    in->battery_wh_installed = 5000.0;
    in->unserved_fraction_without_battery = NAN;
    in->accel_failed_fraction = 0.081;
    in->burn_in_h = 48.0;
    in->capacity_lost_failures_fraction = 0.042;
    in->inference_fraction = 1.0;
    in->horizon_years = 3.0;
    in->first_year = 2027.0;
    in->orbit_text = "dawn-dusk SSO 650 km";
    in->years = y;
    in->n_years = 3;
    in->sum = s;
    in->econ = p;
}

Test(economics, claims_rows_have_numbers_and_verdicts)
{
    struct odt_econ_params p;
    struct odt_econ_year y[3];
    struct odt_econ_summary s;
    struct odt_claims_input in;
    typical(&p, y, &s, &in);
    struct odt_claim_row rows[ODT_CLAIM_N];
    odt_claims_evaluate(&in, rows);
    for (int i = 0; i < ODT_CLAIM_N; ++i) {
        const struct odt_claim_row *r = &rows[i];
        cr_assert_eq(r->id, i + 1);
        cr_assert(isfinite(r->value), "claim %d: value %g (%s)", r->id, r->value, r->verdict);
        cr_assert(r->claim[0] && r->units[0] && r->figure[0] && r->rests_on[0] && r->verdict[0],
                  "claim %d has an empty field", r->id);
        /* no field was cut short by its buffer */
        cr_assert_lt(strlen(r->figure), sizeof r->figure - 1, "claim %d figure truncated: %s", r->id, r->figure);
        cr_assert_lt(strlen(r->rests_on), sizeof r->rests_on - 1, "claim %d rests_on truncated: %s", r->id,
                     r->rests_on);
        cr_assert_lt(strlen(r->verdict), sizeof r->verdict - 1, "claim %d verdict truncated: %s", r->id, r->verdict);
        cr_assert_lt(strlen(r->claim), sizeof r->claim - 1, "claim %d text truncated", r->id);
    }
    /* claim 1: 1361 x 0.97 / (1000 x 0.24) = 5.5008; the eclipse makes storage necessary */
    near(rows[0].value, 1361.0 * 0.97 / 240.0, REL, "claim 1 ratio");
    cr_assert(strstr(rows[0].verdict, "yield holds") && strstr(rows[0].verdict, "no storage does not hold"), "%s",
              rows[0].verdict);
    /* claim 2: the 2029 ratio of the evaluated years */
    near(rows[1].value, y[2].space_per_mtok / y[2].ground_per_mtok, REL, "claim 2 ratio");
    /* claim 3: the failed fraction as given; 4.2 % lost > 1 % -> "holds only if" */
    near(rows[2].value, 0.081, REL, "claim 3");
    cr_assert(strstr(rows[2].verdict, "holds only if"), "%s", rows[2].verdict);
    /* claim 4: additions of 67.2 MW at most (2029: 12,000 sats x 5.6 kW) vs a ground of TW: no crossover */
    cr_assert(isnan(s.crossover_year));
    cr_assert(strstr(rows[3].verdict, "does not hold"), "%s", rows[3].verdict);
    cr_assert(rows[3].value > 0.0 && rows[3].value < 1.0, "claim 4 value %g", rows[3].value);
    /* claim 5: 60 launches in the last year */
    near(rows[4].value, 60.0, REL, "claim 5");
    /* claim 6: the input */
    near(rows[5].value, 1.0, REL, "claim 6");
}

Test(economics, claims_without_years_still_give_numbers)
{
    struct odt_claims_input in;
    memset(&in, 0, sizeof in);
    in.sunlit_fraction = 1.0;
    in.inference_fraction = 1.0;
    in.unserved_fraction_without_battery = NAN;
    struct odt_claim_row rows[ODT_CLAIM_N];
    odt_claims_evaluate(&in, rows);
    for (int i = 0; i < ODT_CLAIM_N; ++i) {
        cr_assert(rows[i].verdict[0], "claim %d: empty verdict", i + 1);
        if (i != 1) /* claim 2 has nothing to compare without years: NaN, and its verdict says so */
            cr_assert(isfinite(rows[i].value), "claim %d: value %g", i + 1, rows[i].value);
    }
    cr_assert(isnan(rows[1].value) && strstr(rows[1].verdict, "not computed"), "%s", rows[1].verdict);
    cr_assert(strstr(rows[0].verdict, "no storage holds"), "%s", rows[0].verdict);
}

Test(economics, claims_json_parses)
{
    struct odt_econ_params p;
    struct odt_econ_year y[3];
    struct odt_econ_summary s;
    struct odt_claims_input in;
    typical(&p, y, &s, &in);
    struct odt_claim_row rows[ODT_CLAIM_N];
    odt_claims_evaluate(&in, rows);
    /* characters JSON must escape, and a NaN value (null) */
    snprintf(rows[5].figure, sizeof rows[5].figure, "quote \" backslash \\ tab \t newline \n end");
    rows[5].value = NAN;
    char *json = odt_claims_json(rows);
    cr_assert_not_null(json);
    /* minimal structure: six ids, one null */
    int ids = 0;
    for (const char *c = json; (c = strstr(c, "\"id\": ")) != NULL; ++c)
        ++ids;
    cr_assert_eq(ids, ODT_CLAIM_N, "%s", json);
    cr_assert(strstr(json, "\"value\": null"), "%s", json);
    cr_assert(strstr(json, "quote \\\" backslash \\\\ tab \\u0009 newline \\u000a end"), "%s", json);

    /* and a real parser: python3's json module checks it and the ids */
    char path[] = "/tmp/odt_claims_XXXXXX";
    const int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert [r[\"id\"] for r in d[\"claims\"]] == [1,2,3,4,5,6]; "
             "assert d[\"claims\"][5][\"value\"] is None' %s",
             path);
    const int rc = system(cmd);
    unlink(path);
    free(json);
    cr_assert_eq(rc, 0, "python3 could not parse the claims JSON (rc %d)", rc);
}
