/*
 * test_power.c: solar array output (power_thermal/array.h, power_thermal/solar.h), the power balance
 * with a battery (power_thermal/battery.h), load shedding of the compute node
 * and the energy bookkeeping of the composed step
 * (kernels/step.h) over a day.
 *
 * Expected values: hand arithmetic of the array equation, the inverse-square
 * law and the +-3.4 % seasonal swing (Kopp & Lean 2011), conservation of power
 * at the bus and of stored energy, the SoC window as a hard invariant, and the
 * loss identity loss = charge (1 - eta_c) + discharge (1/eta_d - 1).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "orbit/odt_defs.h"
#include "power_thermal/solar.h"
#include "power_thermal/array.h"
#include "power_thermal/battery.h"
#include "kernels/fleet.h"
#include "kernels/step.h"

#define YEAR_S (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY)

/* Output (W) of the default sun-tracking array (24 m^2, 30 % cells at 28 C, packing 0.90, PCU 0.95,
   1 %/yr) at irradiance s, illuminated fraction illum, t_s after launch, cells at the reference temperature. */
static double array_p(double s, double illum, double t_s)
{
    struct odt_array_model m;
    odt_array_model_init(&m);
    const double r[3] = {7000.0, 0.0, 0.0}, v[3] = {0.0, 7.5, 0.0}, sun[3] = {0.0, 0.0, 1.0};
    double p = -1.0;
    odt_array_output(&m, s, illum, r, v, sun, m.t_ref_k, t_s / YEAR_S, 0.0, &p, NULL);
    return p;
}

/* asymmetric efficiencies so that a swapped eta_c / eta_d shows */
static struct odt_battery_params test_battery(double capacity_j)
{
    struct odt_battery_params b;
    b.capacity_j = capacity_j;
    b.soc_min = 0.2;
    b.soc_max = 0.95;
    b.eta_charge = 0.97;
    b.eta_discharge = 0.92;
    b.p_charge_max_w = 4000.0;
    b.p_discharge_max_w = 6000.0;
    return b;
}

/* ------------------------------------------------------------------ solar array */

/*
 * Hand numbers: 1361 W/m^2 x 24 m^2 x 0.30 x 0.90 x 0.95 = 8378.316 W at 1 AU.
 * 1361 / 0.983^2 = 1408.4813 W/m^2, 1361 / 1.017^2 = 1315.8798 W/m^2 (done by
 * hand to 8 digits; bound 1e-7 relative); Kopp & Lean (2011) give the
 * seasonal swing as +-3.4 % of 1361 (bound 0.2 %, the rounding of 3.4 %).
 * After one tropical year of 1 %/yr degradation: 0.99 x 8378.316 =
 * 8294.53284 W; after ten: 0.99^10 = 0.9043820750 (1e-9 relative).
 */
Test(solar, array_power_hand_numbers)
{
    const double s1 = odt_solar_irradiance(ODT_AU_KM);
    cr_assert(fabs(s1 - 1361.0) < 1e-9, "irradiance at 1 AU = %.12g W/m^2, expected 1361", s1);
    const double p1 = array_p(s1, 1.0, 0.0);
    cr_assert(fabs(p1 - 8378.316) < 1e-9 * 8378.316, "array power at 1 AU = %.12g W, hand 8378.316 W", p1);

    const double sp = odt_solar_irradiance(0.983 * ODT_AU_KM), sa = odt_solar_irradiance(1.017 * ODT_AU_KM);
    cr_assert(fabs(sp - 1408.4813) < 1e-7 * 1408.4813, "irradiance at 0.983 AU = %.10g, hand 1408.4813", sp);
    cr_assert(fabs(sa - 1315.8798) < 1e-7 * 1315.8798, "irradiance at 1.017 AU = %.10g, hand 1315.8798", sa);
    cr_assert(fabs(sp / 1361.0 - 1.034) < 0.002, "perihelion excess %.4f, Kopp & Lean +3.4 %%", sp / 1361.0);
    cr_assert(fabs(sa / 1361.0 - 0.966) < 0.002, "aphelion deficit %.4f, Kopp & Lean -3.4 %%", sa / 1361.0);
    const double pp = array_p(sp, 1.0, 0.0);
    cr_assert(fabs(pp - 8378.316 / (0.983 * 0.983)) < 1e-9 * pp, "array power at 0.983 AU = %.12g W", pp);

    /* illuminated fraction scales linearly; no light, no power */
    cr_assert(fabs(array_p(s1, 0.25, 0.0) - 0.25 * 8378.316) < 1e-9 * 8378.316, "penumbra f = 0.25");
    cr_assert(fabs(array_p(s1, 0.0, 0.0)) < 1e-300, "eclipse must give 0 W");

    const double py1 = array_p(s1, 1.0, YEAR_S);
    cr_assert(fabs(py1 - 8294.53284) < 1e-9 * 8294.53284, "after one year %.12g W, hand 8294.53284 W", py1);
    const double py10 = array_p(s1, 1.0, 10.0 * YEAR_S);
    cr_assert(fabs(py10 - 8378.316 * 0.9043820750) < 1e-9 * py10, "after ten years %.12g W, hand %.12g W", py10,
              8378.316 * 0.9043820750);
    /* half a year: sqrt(0.99) */
    const double ph = array_p(s1, 1.0, 0.5 * YEAR_S);
    cr_assert(fabs(ph - 8378.316 * 0.99498743710662) < 1e-9 * ph, "after half a year %.12g W", ph);
}

/* ------------------------------------------------------------------ power balance */

static void check_flows(const struct odt_battery_params *b, double p_array, double load, double dt, double e0,
                        double e1, const struct odt_power_flows *fl)
{
    const double scale = fmax(fmax(p_array, load), 1.0);
    /* (i) bus closure */
    const double lhs = p_array + fl->p_discharge_w, rhs = fl->p_served_w + fl->p_charge_w + fl->p_curtailed_w;
    cr_assert(fabs(lhs - rhs) <= 1e-12 * scale,
              "closure: array %g + discharge %.15g = %.15g vs served %.15g + charge %.15g + curtailed %.15g = %.15g "
              "(load %g, E %g, dt %g)",
              p_array, fl->p_discharge_w, lhs, fl->p_served_w, fl->p_charge_w, fl->p_curtailed_w, rhs, load, e0, dt);
    cr_assert(fabs(fl->p_served_w + fl->p_unserved_w - load) <= 1e-12 * scale, "served %g + unserved %g != load %g",
              fl->p_served_w, fl->p_unserved_w, load);
    cr_assert(fl->p_served_w >= 0 && fl->p_charge_w >= 0 && fl->p_discharge_w >= 0 && fl->p_curtailed_w >= 0 &&
                  fl->p_unserved_w >= 0 && fl->p_loss_w >= 0,
              "negative flow: served %g charge %g discharge %g curtailed %g unserved %g loss %g", fl->p_served_w,
              fl->p_charge_w, fl->p_discharge_w, fl->p_curtailed_w, fl->p_unserved_w, fl->p_loss_w);
    cr_assert(fl->p_charge_w == 0.0 || fl->p_discharge_w == 0.0, "charging and discharging at once: %g %g",
              fl->p_charge_w, fl->p_discharge_w);
    /* an unserved load and curtailed power at the same time would be waste */
    cr_assert(fl->p_unserved_w == 0.0 || fl->p_curtailed_w == 0.0, "unserved %g while curtailing %g",
              fl->p_unserved_w, fl->p_curtailed_w);
    /* (vi) power limits */
    cr_assert(fl->p_charge_w <= b->p_charge_max_w * (1 + 1e-15), "charge %g above limit %g", fl->p_charge_w,
              b->p_charge_max_w);
    cr_assert(fl->p_discharge_w <= b->p_discharge_max_w * (1 + 1e-15), "discharge %g above limit %g",
              fl->p_discharge_w, b->p_discharge_max_w);
    /* losses */
    const double loss = fl->p_charge_w * (1.0 - b->eta_charge) + fl->p_discharge_w * (1.0 / b->eta_discharge - 1.0);
    cr_assert(fabs(fl->p_loss_w - loss) <= 1e-12 * scale, "loss %.15g, expected %.15g", fl->p_loss_w, loss);
    /* (ii) stored energy: 1e-12 of the capacity covers the rounding of E ~ 1e7 J (ulp ~2e-9 J) */
    if (dt > 0.0) {
        const double de = (b->eta_charge * fl->p_charge_w - fl->p_discharge_w / b->eta_discharge) * dt;
        cr_assert(fabs((e1 - e0) - de) <= 1e-12 * fmax(b->capacity_j, 1.0) + 1e-12 * fabs(de),
                  "dE = %.15g J, (eta_c Pc - Pd/eta_d) dt = %.15g J (array %g load %g E0 %.15g dt %g)", e1 - e0, de,
                  p_array, load, e0, dt);
        /* and the same through the loss identity: dE = (charge - discharge - loss) dt */
        const double de2 = (fl->p_charge_w - fl->p_discharge_w - fl->p_loss_w) * dt;
        cr_assert(fabs((e1 - e0) - de2) <= 1e-11 * fmax(b->capacity_j, 1.0), "dE %.15g vs (c - d - loss) dt %.15g",
                  e1 - e0, de2);
    }
    /* (iii) window */
    const double emin = b->soc_min * b->capacity_j, emax = b->soc_max * b->capacity_j;
    if (e0 >= emin && e0 <= emax)
        cr_assert(e1 >= emin && e1 <= emax, "E = %.17g J left the window [%.17g, %.17g] (E0 %.17g)", e1, emin, emax,
                  e0);
}

/* a grid of array powers, loads, start energies and steps; every flow set is checked by check_flows */
Test(battery, balance_grid)
{
    static const double arrays[] = {0.0, 100.0, 3000.0, 6100.0, 6100.0 + 1e-9, 9000.0, 10100.0, 20000.0};
    static const double loads[] = {0.0, 500.0, 6100.0, 12000.0};
    static const double dts[] = {1.0, 10.0, 60.0, 3600.0};
    const struct odt_battery_params b = test_battery(3.6e7);
    const double emin = b.soc_min * b.capacity_j, emax = b.soc_max * b.capacity_j;
    const double es[] = {emin, emin + 1.0, emin + 1e-6, 0.5 * b.capacity_j, emax - 1.0, emax - 1e-6, emax};
    int n = 0;
    for (size_t ia = 0; ia < sizeof arrays / sizeof arrays[0]; ++ia)
        for (size_t il = 0; il < sizeof loads / sizeof loads[0]; ++il)
            for (size_t ie = 0; ie < sizeof es / sizeof es[0]; ++ie)
                for (size_t id = 0; id < sizeof dts / sizeof dts[0]; ++id) {
                    double e = es[ie];
                    struct odt_power_flows fl;
                    odt_power_balance(&b, arrays[ia], loads[il], dts[id], &e, &fl);
                    check_flows(&b, arrays[ia], loads[il], dts[id], es[ie], e, &fl);
                    ++n;
                }
    cr_assert(n == 8 * 4 * 7 * 4, "grid size %d", n);
}

/* Hand cases for the limits: surplus above the charge limit, deficit above the discharge limit, last joules. */
Test(battery, limits_hand_cases)
{
    const struct odt_battery_params b = test_battery(3.6e7);
    const double emid = 0.5 * b.capacity_j, emax = b.soc_max * b.capacity_j, emin = b.soc_min * b.capacity_j;
    struct odt_power_flows fl;
    double e = emid;
    /* surplus 10000 W: 4000 W charged (limit), 6000 W curtailed; E grows by 0.97 * 4000 * 10 J */
    odt_power_balance(&b, 16100.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_charge_w - 4000.0) < 1e-9 && fabs(fl.p_curtailed_w - 6000.0) < 1e-9,
              "charge %g (4000), curtailed %g (6000)", fl.p_charge_w, fl.p_curtailed_w);
    cr_assert(fabs(e - emid - 38800.0) < 1e-6, "E rose %.9g J, expected 38800 J", e - emid);
    cr_assert(fabs(fl.p_loss_w - 120.0) < 1e-9, "charge loss %g W, expected 0.03 * 4000 = 120 W", fl.p_loss_w);
    /* deficit 10000 W: 6000 W discharged (limit), 4000 W unserved; E falls by 6000 / 0.92 * 10 J */
    e = emid;
    odt_power_balance(&b, 0.0, 10000.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_discharge_w - 6000.0) < 1e-9 && fabs(fl.p_unserved_w - 4000.0) < 1e-9,
              "discharge %g (6000), unserved %g (4000)", fl.p_discharge_w, fl.p_unserved_w);
    cr_assert(fabs(emid - e - 60000.0 / 0.92) < 1e-6, "E fell %.9g J, expected %.9g J", emid - e, 60000.0 / 0.92);
    cr_assert(fabs(fl.p_served_w - 6000.0) < 1e-9, "served %g W, expected 6000 W", fl.p_served_w);
    /* 1000 J of room left, 10 s step: charge power 1000 / (0.97 * 10) = 103.0927835 W, then exactly full */
    e = emax - 1000.0;
    odt_power_balance(&b, 9000.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_charge_w - 1000.0 / 9.7) < 1e-6, "charge into the last 1000 J: %.9g W, expected %.9g W",
              fl.p_charge_w, 1000.0 / 9.7);
    cr_assert(fabs(fl.p_curtailed_w - (2900.0 - 1000.0 / 9.7)) < 1e-6, "curtailed %.9g W", fl.p_curtailed_w);
    cr_assert(fabs(e - emax) <= 1e-12 * emax, "E = %.17g, full = %.17g", e, emax);
    /* full battery: all surplus curtailed */
    e = emax;
    odt_power_balance(&b, 9000.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fl.p_charge_w == 0.0 && fabs(fl.p_curtailed_w - 2900.0) < 1e-9, "full: charge %g, curtailed %g",
              fl.p_charge_w, fl.p_curtailed_w);
    /* 1000 J above the floor, 10 s step: discharge 1000 * 0.92 / 10 = 92 W, the rest unserved */
    e = emin + 1000.0;
    odt_power_balance(&b, 0.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_discharge_w - 92.0) < 1e-6, "discharge of the last 1000 J: %.9g W, expected 92 W",
              fl.p_discharge_w);
    cr_assert(fabs(fl.p_unserved_w - 6008.0) < 1e-6, "unserved %.9g W, expected 6008 W", fl.p_unserved_w);
    cr_assert(fabs(e - emin) <= 1e-12 * emin, "E = %.17g, floor = %.17g", e, emin);
}

/* (iv) an empty battery (at soc_min) at night sheds exactly the load */
Test(battery, empty_at_night_sheds_load)
{
    const struct odt_battery_params b = test_battery(3.6e7);
    const double emin = b.soc_min * b.capacity_j;
    double e = emin;
    struct odt_power_flows fl;
    odt_power_balance(&b, 0.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_unserved_w - 6100.0) < 1e-12 * 6100.0, "unserved %.17g W, load 6100 W", fl.p_unserved_w);
    cr_assert(fl.p_served_w == 0.0 && fl.p_discharge_w == 0.0, "served %g, discharge %g", fl.p_served_w,
              fl.p_discharge_w);
    cr_assert(e == emin, "stored energy must stay at the floor: %.17g vs %.17g", e, emin);
    /* partly lit: the array covers 2000 W, the deficit 4100 W is shed */
    odt_power_balance(&b, 2000.0, 6100.0, 10.0, &e, &fl);
    cr_assert(fabs(fl.p_unserved_w - 4100.0) < 1e-9 && fabs(fl.p_served_w - 2000.0) < 1e-9,
              "unserved %g (4100), served %g (2000)", fl.p_unserved_w, fl.p_served_w);
}

/* (v) capacity 0: no storage. All surplus curtailed, all deficit unserved, at any step length. */
Test(battery, no_battery)
{
    struct odt_battery_params b = test_battery(0.0);
    static const double dts[] = {10.0, 1.0, 1e-3, 0.0};
    for (size_t j = 0; j < sizeof dts / sizeof dts[0]; ++j) {
        double e = 0.0;
        struct odt_power_flows fl;
        odt_power_balance(&b, 9000.0, 6100.0, dts[j], &e, &fl);
        cr_expect(fl.p_charge_w == 0.0 && fabs(fl.p_curtailed_w - 2900.0) < 1e-9,
                  "dt=%g, no battery, surplus: charge %g W (0), curtailed %g W (2900)", dts[j], fl.p_charge_w,
                  fl.p_curtailed_w);
        cr_expect(e == 0.0, "dt=%g: no battery stored %g J", dts[j], e);
        odt_power_balance(&b, 1000.0, 6100.0, dts[j], &e, &fl);
        cr_expect(fl.p_discharge_w == 0.0 && fabs(fl.p_unserved_w - 5100.0) < 1e-9,
                  "dt=%g, no battery, deficit: discharge %g W (0), unserved %g W (5100)", dts[j], fl.p_discharge_w,
                  fl.p_unserved_w);
        cr_expect(e == 0.0, "dt=%g: no battery stored %g J", dts[j], e);
    }
}

/*
 * A zero-length step (dt = 0) is how the run loop evaluates snapshot 0
 * (host/run.c): the flows it reports must still respect the store. A full
 * battery cannot take charge and an empty one cannot give any, so the
 * surplus is curtailed and the deficit unserved, exactly as for dt > 0.
 */
Test(battery, zero_step_respects_full_and_empty)
{
    const struct odt_battery_params b = test_battery(3.6e7);
    const double emin = b.soc_min * b.capacity_j, emax = b.soc_max * b.capacity_j;
    struct odt_power_flows fl;
    double e = emax;
    odt_power_balance(&b, 9000.0, 6100.0, 0.0, &e, &fl);
    cr_expect(fl.p_charge_w == 0.0 && fabs(fl.p_curtailed_w - 2900.0) < 1e-9,
              "dt=0, full battery: charge %g W (expected 0), curtailed %g W (expected 2900)", fl.p_charge_w,
              fl.p_curtailed_w);
    e = emin;
    odt_power_balance(&b, 0.0, 6100.0, 0.0, &e, &fl);
    cr_expect(fl.p_discharge_w == 0.0 && fabs(fl.p_unserved_w - 6100.0) < 1e-9,
              "dt=0, empty battery: discharge %g W (expected 0), unserved %g W (expected 6100)", fl.p_discharge_w,
              fl.p_unserved_w);
    /* and a half-full one reports what a step would do */
    e = 0.5 * b.capacity_j;
    odt_power_balance(&b, 9000.0, 6100.0, 0.0, &e, &fl);
    cr_expect(fabs(fl.p_charge_w - 2900.0) < 1e-9 && e == 0.5 * b.capacity_j,
              "dt=0, half-full: charge %g W (2900), stored energy unchanged %.17g", fl.p_charge_w, e);
}

/* A 64-bit LCG (Knuth MMIX constants), so the load sequence is fixed on every platform. */
static uint64_t lcg_state;
static double lcg_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * (iii) a day of 10 s steps on a 97 min orbit with 35 min of eclipse, array
 * 12 kW in sunlight, loads uniform in [0, 12 kW]. The battery (6 MJ, a
 * 4.5 MJ window) is small enough to hit both ends of it every orbit: an
 * eclipse draws ~10 MJ, a sunlit arc stores ~12 MJ. Every step is checked by
 * check_flows (closure 1e-12, dE, limits, window), and over the day the stored
 * energy change equals the sum of (eta_c Pc - Pd/eta_d) dt to 1e-9 of the
 * energy throughput.
 */
Test(battery, day_of_orbits_random_load)
{
    const struct odt_battery_params b = test_battery(6e6);
    const double emin = b.soc_min * b.capacity_j, emax = b.soc_max * b.capacity_j;
    const double period = 97.0 * 60.0, eclipse = 35.0 * 60.0, dt = 10.0;
    lcg_state = 20240601u;
    double e = 0.5 * b.capacity_j;
    const double e_start = e;
    double sum_de = 0.0, throughput = 0.0;
    int at_floor = 0, at_top = 0;
    for (int s = 0; s < 8640; ++s) {
        const double t = s * dt;
        const double phase = fmod(t, period);
        const double p_array = phase < period - eclipse ? 12000.0 : 0.0;
        const double load = 12000.0 * lcg_uniform();
        const double e0 = e;
        struct odt_power_flows fl;
        odt_power_balance(&b, p_array, load, dt, &e, &fl);
        cr_assert(e >= emin && e <= emax, "step %d: E = %.17g J outside [%.17g, %.17g]", s, e, emin, emax);
        check_flows(&b, p_array, load, dt, e0, e, &fl);
        sum_de += (b.eta_charge * fl.p_charge_w - fl.p_discharge_w / b.eta_discharge) * dt;
        throughput += (fl.p_charge_w + fl.p_discharge_w) * dt;
        at_floor += e <= emin * (1 + 1e-12);
        at_top += e >= emax * (1 - 1e-12);
    }
    cr_log_info("day: %d steps at the floor, %d at the top, throughput %.4g J", at_floor, at_top, throughput);
    cr_assert(at_floor > 10 && at_top > 10, "the day must exercise both ends of the window: floor %d, top %d",
              at_floor, at_top);
    cr_assert(fabs((e - e_start) - sum_de) <= 1e-9 * throughput, "dE over the day %.12g J vs sum %.12g J",
              e - e_start, sum_de);
}

/* ------------------------------------------------------------------ the composed step over a day */

/*
 * One satellite, circular equatorial 650 km orbit, Sun fixed at (1,0,0) and
 * 1 AU (so beta = 0: ~35.6 min of shadow per 97.7 min orbit), 8640 steps of
 * 10 s advanced in chunks of 96 as a backend would. Array 36 m^2 (12.57 kW in
 * sunlight), load 6.1 kW, battery 15 MJ with a 4 kW charge limit: every orbit
 * curtails in sunlight and, once drained, sheds load in eclipse. Checks:
 *  - bus closure: E_solar + E_discharge = E_served + E_charge + E_curtailed,
 *    1e-9 of the left side (summing 8640 terms: rounding ~1e-13);
 *  - storage: E_batt_end - E_batt_start = E_charge - E_discharge - E_loss,
 *    1e-9 of the throughput E_charge + E_discharge (the difference is a
 *    cancellation of two ~1e8 J sums);
 *  - losses: E_loss = (1 - eta_c) E_charge + (1/eta_d - 1) E_discharge;
 *  - E_served + E_unserved = E_demand, between the bus alone (500 W) and the
 *    full node (6100 W) over the day; only the bus is ever unserved (the node
 *    caps its compute to the power it can get); tokens conserved exactly;
 *  - E_solar / sunlit_time = the hand array power at 1 AU (12567.474 W) times
 *    the mean degradation over the day (1 - 0.01/365.24/2 ~ 1 - 1.4e-5):
 *    bound 3e-5 relative;
 *  - the sunlit fraction is near 1 - 35.6/97.7 (conical vs the cylinder
 *    formula, and a partial last orbit: bound 0.02).
 */
Test(step, day_energy_bookkeeping)
{
    struct odt_fleet f;
    cr_assert(odt_fleet_alloc(&f, 1) == ODT_OK, "fleet alloc");
    const double a = ODT_EARTH_RADIUS_KM + 650.0, n = sqrt(ODT_EARTH_MU_KM3_S2 / (a * a * a));
    f.a_km[0] = a;
    f.ecc[0] = 0.0;
    f.inc_rad[0] = 0.0;
    f.raan0_rad[0] = 0.0;
    f.argp0_rad[0] = 0.0;
    f.m0_rad[0] = 0.0;
    f.mdot_rad_s[0] = n;
    f.raandot_rad_s[0] = 0.0;
    f.argpdot_rad_s[0] = 0.0;
    f.cls[0] = 0;

    struct odt_sat_class cls;
    memset(&cls, 0, sizeof cls);
    odt_array_model_init(&cls.array); /* 30 % cells, packing 0.90, PCU 0.95, 1 %/yr */
    cls.array.area_m2 = 36.0;
    cls.array.temp_coeff_per_k = 0.0; /* the hand figure below is at the reference temperature */
    cls.battery = test_battery(1.5e7);
    odt_tn_defaults(&cls.thermal);
    cls.node = odt_node_spec_default(); /* 8 x H200 (5.6 kW at full load) + 0.5 kW bus */
    cls.queue = odt_queue_params_default();
    cls.rel = odt_rel_params_default();
    cls.rel.random_rate_per_yr = cls.rel.weak_fraction = cls.rel.sefi_rate_per_day = 0.0; /* no failures */

    const double e_start = 0.5 * cls.battery.capacity_j;
    f.battery_energy[0] = e_start;
    for (int d = 0; d < ODT_TN_N_DEFAULT; ++d)
        f.node_temperature[d] = 290.0;
    f.illumination[0] = 1.0;
    /* a saturated node: its dispatch weight (capacity) and, per step, twice what it can serve */
    f.capacity[0] = 1.0;
    f.accel_working[0] = cls.node.n_accel;
    f.umbra_start[0] = f.shadow_start[0] = NAN; /* no eclipse interval open at the start */

    struct odt_step_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.shadow_model = ODT_SHADOW_CONICAL;
    cfg.earth_shape = ODT_EARTH_SPHERE;
    cfg.mu_km3_s2 = ODT_EARTH_MU_KM3_S2;
    cfg.re_km = ODT_EARTH_RADIUS_KM;
    cfg.eclipse_tol_s = 1e-3;

    enum { CHUNK = 96, NSTEP = 8640 };
    const double dt = 10.0;
    struct odt_step_input in[CHUNK];
    memset(in, 0, sizeof in);
    for (int s0 = 0; s0 < NSTEP; s0 += CHUNK) {
        for (int j = 0; j < CHUNK; ++j) {
            in[j].t_s = (s0 + j + 1) * dt;
            in[j].dt_s = dt;
            in[j].sun_unit[0] = 1.0;
            in[j].sun_unit[1] = 0.0;
            in[j].sun_unit[2] = 0.0;
            in[j].sun_dist_km = ODT_AU_KM;
            in[j].sun_unit_prev[0] = 1.0; /* the Sun at the step's start (the eclipse refinement) */
            in[j].sun_unit_prev[1] = 0.0;
            in[j].sun_unit_prev[2] = 0.0;
            in[j].sun_dist_prev_km = ODT_AU_KM;
            in[j].era_rad = 0.0;
            in[j].step_index = s0 + j;
            in[j].demand_factor = 2.0 * dt; /* tokens per (token/s) of capacity */
            /* a dispatch interval per chunk: the dispatch weight becomes the capacity of the step before */
            in[j].dispatch_update = j == 0;
            in[j].series_slot = -1;
        }
        odt_sat_advance(0, &f, &cls, &cfg, in, CHUNK);
    }

    const double es = f.energy_solar[0], ed = f.energy_discharge[0], ev = f.energy_served[0];
    const double ec = f.energy_charge[0], ecu = f.energy_curtailed[0], eu = f.energy_unserved[0];
    const double el = f.energy_loss[0], edem = f.energy_demand[0], e_end = f.battery_energy[0];
    cr_log_info("day: solar %.6g J, served %.6g, charge %.6g, discharge %.6g, curtailed %.6g, unserved %.6g, "
                "loss %.6g, battery %.6g -> %.6g J, T %.2f K",
                es, ev, ec, ed, ecu, eu, el, e_start, e_end, f.temperature[0]);
    cr_assert(ecu > 0.0 && ec > 0.0 && ed > 0.0, "the day must exercise curtailment, charge and discharge: %g %g %g",
              ecu, ec, ed);
    /* the node caps its compute to the power the array and battery can give: only the bus is ever shed,
       when the battery is empty at night */
    cr_assert(eu > 0.0 && eu <= 500.0 * 86400.0, "unserved %g J: the bus alone, at most %g J", eu, 500.0 * 86400.0);

    const double lhs = es + ed, rhs = ev + ec + ecu;
    cr_assert(fabs(lhs - rhs) <= 1e-9 * lhs, "bus closure: solar + discharge = %.15g J, served + charge + "
                                             "curtailed = %.15g J (rel %.3g)",
              lhs, rhs, (lhs - rhs) / lhs);
    const double dE = e_end - e_start, flow = ec - ed - el;
    cr_assert(fabs(dE - flow) <= 1e-9 * (ec + ed), "battery: end - start = %.15g J, charge - discharge - loss = "
                                                   "%.15g J (rel to throughput %.3g)",
              dE, flow, (dE - flow) / (ec + ed));
    const double loss = (1.0 - cls.battery.eta_charge) * ec + (1.0 / cls.battery.eta_discharge - 1.0) * ed;
    cr_assert(fabs(el - loss) <= 1e-9 * el, "loss %.15g J, charge (1-eta_c) + discharge (1/eta_d - 1) = %.15g J", el,
              loss);
    cr_assert(edem >= 500.0 * 86400.0 && edem <= 6100.0 * 86400.0 * (1.0 + 1e-12),
              "demand %.15g J: between the bus alone and the full node", edem);
    cr_assert(f.tokens_served[0] > 0.0 && f.tokens_arrived[0] == f.tokens_served[0] + f.tokens_dropped[0] +
                                                                    f.queue_waiting[0],
              "tokens: arrived %.17g = served %.17g + dropped %.17g + waiting %.17g", f.tokens_arrived[0],
              f.tokens_served[0], f.tokens_dropped[0], f.queue_waiting[0]);
    cr_assert(fabs(ev + eu - edem) <= 1e-9 * edem, "served %.15g + unserved %.15g != demand %.15g", ev, eu, edem);
    cr_assert(fabs(f.elapsed_time[0] - 86400.0) < 1e-6, "elapsed %.9g s", f.elapsed_time[0]);

    const double p_full = 1361.0 * 36.0 * 0.30 * 0.90 * 0.95; /* 12567.474 W */
    const double p_mean = es / f.sunlit_time[0];
    cr_assert(fabs(p_mean / p_full - 1.0) < 3e-5, "solar energy / sunlit time = %.9g W, hand %.9g W", p_mean, p_full);
    const double rn = a, T = ODT_TWOPI / n;
    const double ecl = acos(sqrt(rn * rn - ODT_EARTH_RADIUS_KM * ODT_EARTH_RADIUS_KM) / rn) / ODT_PI;
    const double sunlit = f.sunlit_time[0] / 86400.0;
    cr_assert(fabs(sunlit - (1.0 - ecl)) < 0.02, "sunlit fraction %.4f, cylinder formula %.4f (orbit %.1f s)", sunlit,
              1.0 - ecl, T);

    /* final state: on the orbit, battery within its window, temperature physical */
    const double r0 = f.position[0], r1 = f.position[1], r2 = f.position[2];
    cr_assert(fabs(sqrt(r0 * r0 + r1 * r1 + r2 * r2) - a) < 1e-6, "final radius %.9g km", sqrt(r0 * r0 + r1 * r1));
    cr_assert(e_end >= cls.battery.soc_min * cls.battery.capacity_j &&
                  e_end <= cls.battery.soc_max * cls.battery.capacity_j,
              "battery %.9g J outside the window", e_end);
    cr_assert(isfinite(f.temperature[0]) && f.temperature[0] > 3.0 && f.temperature[0] < 500.0, "temperature %g K",
              f.temperature[0]);
    odt_fleet_free(&f);
}
