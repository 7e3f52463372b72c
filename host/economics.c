/* economics.c: satellite mass, fleet and ground cost per year, break-even and the interview claims. */
#include "host/economics.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The interview: February 2026. "Five years from now" is 2031; the claims compare against it. */
#define INTERVIEW_YEAR 2026.0
#define CLAIM_CROSSOVER_YEAR 2031.0
/* SpaceX orbital launches in 2025 (all Falcon 9; Space.com, 2025 year-end tally). */
#define SPACEX_LAUNCHES_2025 165.0
/* Claim 5's launch rate. */
#define CLAIM_LAUNCHES_PER_YEAR 10000.0

#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            if (err && errlen)                                                                                       \
                snprintf(err, errlen, __VA_ARGS__);                                                                  \
            return ODT_ERR_VALUE;                                                                                    \
        }                                                                                                            \
    } while (0)

/* A finite number >= 0 (NaN fails). */
static int nonneg(double x) { return isfinite(x) && x >= 0.0; }

/* ------------------------------------------------------------------ mass */

void odt_mass_params_default(struct odt_mass_params *p)
{
    memset(p, 0, sizeof *p);
    /* ISS solar array wing: > 2,400 lb (1,089 kg) for a 115 ft x 38 ft (35.1 m x 11.6 m) wing
       (NASA STS-120 press kit): 2.7 kg/m^2, mast and blanket boxes included. */
    p->array_kg_per_m2 = 2.7;
    /* Deployable radiator, future class: 2-5 kg/m^2; 5 kg/m^2 is the radiator areal mass of
       Turyshev's orbital data centre sizing (JPL, 2026). ISS HRS radiators: 14-17.5 kg/m^2. */
    p->radiator_kg_per_m2 = 5.0;
    /* Space Li-ion: Saft VES180 cell 160-170 Wh/kg (ESA ARTES); a pack adds structure, harness and
       electronics, taken as three quarters of the cell: 120 Wh/kg (range 100-160). */
    p->battery_wh_per_kg = 120.0;
    /* GB200 NVL72: 72 GPUs in a 1.36 t rack (NVIDIA): 18.9 kg per GPU with its share of CPU,
       switch trays, cold plates, power shelves and frame. */
    p->accelerator_kg = 1360.0 / 72.0;
    /* Spot shielding of the boards: 2 mm of aluminium (5.4 kg/m^2) over ~3.7 m^2 of enclosure.
       Modest because TPU v6e showed no hard failure to 15 krad(Si) against a 5-year shielded dose
       of ~750 rad(Si) (Google Suncatcher, arXiv 2511.19468). */
    p->shielding_kg = 20.0;
    /* Structure ~20 % of dry mass (Campbell & McCandless, Introduction to Space Sciences and
       Spacecraft Applications, "Spacecraft Systems"); with harness, attitude control and propulsion 25 %. The array
       and radiator specific masses already carry their own deployment structure. */
    p->structure_fraction = 0.25;
}

enum odt_status odt_mass_params_check(const struct odt_mass_params *p, char *err, size_t errlen)
{
    CHECK(nonneg(p->array_kg_per_m2) && p->array_kg_per_m2 <= 1e3, "array_kg_per_m2 = %g: must be in [0, 1000]",
          p->array_kg_per_m2);
    CHECK(nonneg(p->radiator_kg_per_m2) && p->radiator_kg_per_m2 <= 1e3,
          "radiator_kg_per_m2 = %g: must be in [0, 1000]", p->radiator_kg_per_m2);
    CHECK(isfinite(p->battery_wh_per_kg) && p->battery_wh_per_kg > 0.0 && p->battery_wh_per_kg <= 1e4,
          "battery_wh_per_kg = %g: must be in (0, 10000]", p->battery_wh_per_kg);
    CHECK(nonneg(p->accelerator_kg) && p->accelerator_kg <= 1e4, "accelerator_kg = %g: must be in [0, 10000]",
          p->accelerator_kg);
    CHECK(nonneg(p->shielding_kg) && p->shielding_kg <= 1e7, "shielding_kg = %g: must be in [0, 1e7]",
          p->shielding_kg);
    CHECK(isfinite(p->structure_fraction) && p->structure_fraction >= 0.0 && p->structure_fraction < 1.0,
          "structure_fraction = %g: must be in [0, 1)", p->structure_fraction);
    return ODT_OK;
}

enum odt_status odt_mass_inputs_check(const struct odt_mass_inputs *in, char *err, size_t errlen)
{
    CHECK(nonneg(in->array_area_m2), "array_area_m2 = %g: must be >= 0", in->array_area_m2);
    CHECK(nonneg(in->radiator_area_m2), "radiator_area_m2 = %g: must be >= 0", in->radiator_area_m2);
    CHECK(nonneg(in->battery_capacity_wh), "battery_capacity_wh = %g: must be >= 0", in->battery_capacity_wh);
    CHECK(in->accelerators >= 0, "accelerators = %d: must be >= 0", in->accelerators);
    CHECK(nonneg(in->compute_power_w), "compute_power_w = %g: must be >= 0", in->compute_power_w);
    return ODT_OK;
}

enum odt_status odt_mass_satellite(const struct odt_mass_params *p, const struct odt_mass_inputs *in,
                                   struct odt_mass_breakdown *out)
{
    if (odt_mass_params_check(p, NULL, 0) != ODT_OK || odt_mass_inputs_check(in, NULL, 0) != ODT_OK)
        return ODT_ERR_VALUE;
    struct odt_mass_breakdown b;
    b.array_kg = in->array_area_m2 * p->array_kg_per_m2;
    b.radiator_kg = in->radiator_area_m2 * p->radiator_kg_per_m2;
    b.battery_kg = in->battery_capacity_wh / p->battery_wh_per_kg;
    b.compute_kg = (double)in->accelerators * p->accelerator_kg;
    b.shielding_kg = p->shielding_kg;
    const double parts = b.array_kg + b.radiator_kg + b.battery_kg + b.compute_kg + b.shielding_kg;
    b.total_kg = parts / (1.0 - p->structure_fraction);
    b.structure_kg = b.total_kg - parts; /* = structure_fraction x total */
    b.w_per_kg = b.total_kg > 0.0 ? in->compute_power_w / b.total_kg : 0.0;
    b.kw_per_tonne = b.w_per_kg; /* (W / 1000) / (kg / 1000) */
    *out = b;
    return ODT_OK;
}

/* ------------------------------------------------------------------ prices */

void odt_econ_params_default(struct odt_econ_params *p)
{
    memset(p, 0, sizeof *p);
    /* Falcon 9: $62 M for 22,800 kg to LEO (SpaceX Capabilities and Services): 2,720 $/kg, the
       figure most cited for today's price. */
    p->launch_price_per_kg = 2720.0;
    /* Starship: "launch costs could drop below $200/kg by the mid-2030s" (Google Suncatcher,
       arXiv 2511.19468). */
    p->launch_price_floor_per_kg = 200.0;
    /* 80 % per doubling: Wright's aircraft curve (T. P. Wright, J. Aeronautical Sciences 3, 122, 1936),
       the usual aerospace value. */
    p->launch_learning = 0.80;
    /* About 600 Falcon 9 flights by the end of 2025 (25, 31, 61, 96, 134, 165 in 2020-2025, ~80 before). */
    p->launch_reference_launches = 600.0;
    /* Starlink: ~$200k for 260 kg (V1), ~$800k for 730 kg (V2 mini), ~$1.2 M for 1,500 kg (V3)
       (Quilty Space estimates): 770-1,100 $/kg. */
    p->satellite_cost_per_kg = 1000.0;
    /* H100 25-30 k$, B200 ~40 k$; the default node carries H200-class boards (700 W). */
    p->accelerator_price = 30000.0;
    /* Assumption (control centre, ground stations, spectrum, conjunction screening); no public figure. */
    p->operations_per_satellite_year = 10000.0;
    /* 10-12 M$/MW (CBRE North American Data Center Trends); 9.3-15, mean 11.7 M$/MW over 19 US markets
       (Cushman & Wakefield Data Center Development Cost Guide 2025). */
    p->ground_build_cost_per_w = 11.0;
    /* Assumption: shell 30-40 years, power and cooling plant 15-20 years. */
    p->ground_facility_life_years = 20.0;
    /* US industrial average 8.06 cents/kWh in 2023 (EIA, Electric Power Annual). */
    p->electricity_per_kwh = 0.0806;
    /* Hyperscale 1.1-1.2; industry average 1.58 in 2023 (Uptime Institute Global Data Center Survey). */
    p->pue = 1.2;
    /* Assumption: spare parts on site, a technician swaps the board within three days. */
    p->ground_repair_h = 72.0;
    /* 2.5-6 %/yr permanent GPU failures (Meta, Llama 3 report, arXiv 2407.21783); docs/compute.md. */
    p->ground_failure_rate_per_year = 0.04;
    /* Servers: 5 years at Amazon for AI servers from 2025, 6 at Microsoft and Alphabet (10-K filings). */
    p->accelerator_life_years = 5.0;
    /* ~15 M H100-equivalents and > 10 GW of chip power at the start of 2026 (Epoch AI, AI Chip Sales,
       Jan 2026): 15e6 x 700 W. */
    p->ground_compute_w = 15.0e6 * 700.0;
    p->ground_compute_year = 2026.0;
    /* Installed AI compute ~3.3x a year since 2022 (Epoch AI; 90 % CI 2.7-4.1). */
    p->ground_compute_growth = 3.3;
    /* US utility-scale PV ~25 % (EIA, 2014-2017 average), 24.4 % in 2020 (S&P Global); the 24 % US
       median of Starcloud's 5x figure. */
    p->ground_capacity_factor = 0.24;
    /* as odt_mass_params_default: GB200 NVL72, 1.36 t for 72 GPUs */
    p->accelerator_kg = 1360.0 / 72.0;
}

enum odt_status odt_econ_params_check(const struct odt_econ_params *p, char *err, size_t errlen)
{
    CHECK(nonneg(p->launch_price_per_kg) && p->launch_price_per_kg <= 1e7,
          "launch_price_per_kg = %g: must be in [0, 1e7] $/kg", p->launch_price_per_kg);
    CHECK(nonneg(p->launch_price_floor_per_kg) && p->launch_price_floor_per_kg <= p->launch_price_per_kg,
          "launch_price_floor_per_kg = %g: must be in [0, launch_price_per_kg = %g] $/kg",
          p->launch_price_floor_per_kg, p->launch_price_per_kg);
    CHECK(isfinite(p->launch_learning) && p->launch_learning > 0.0 && p->launch_learning <= 1.0,
          "launch_learning = %g: must be in (0, 1] (price kept per doubling)", p->launch_learning);
    CHECK(isfinite(p->launch_reference_launches) && p->launch_reference_launches > 0.0 &&
              p->launch_reference_launches <= 1e9,
          "launch_reference_launches = %g: must be in (0, 1e9]", p->launch_reference_launches);
    CHECK(nonneg(p->satellite_cost_per_kg) && p->satellite_cost_per_kg <= 1e8,
          "satellite_cost_per_kg = %g: must be in [0, 1e8] $/kg", p->satellite_cost_per_kg);
    CHECK(nonneg(p->accelerator_price) && p->accelerator_price <= 1e9, "accelerator_price = %g: must be in [0, 1e9] $",
          p->accelerator_price);
    CHECK(nonneg(p->operations_per_satellite_year) && p->operations_per_satellite_year <= 1e10,
          "operations_per_satellite_year = %g: must be in [0, 1e10] $", p->operations_per_satellite_year);
    CHECK(nonneg(p->ground_build_cost_per_w) && p->ground_build_cost_per_w <= 1e4,
          "ground_build_cost_per_w = %g: must be in [0, 1e4] $/W", p->ground_build_cost_per_w);
    CHECK(isfinite(p->ground_facility_life_years) && p->ground_facility_life_years > 0.0 &&
              p->ground_facility_life_years <= 200.0,
          "ground_facility_life_years = %g: must be in (0, 200]", p->ground_facility_life_years);
    CHECK(nonneg(p->electricity_per_kwh) && p->electricity_per_kwh <= 100.0,
          "electricity_per_kwh = %g: must be in [0, 100] $/kWh", p->electricity_per_kwh);
    CHECK(isfinite(p->pue) && p->pue >= 1.0 && p->pue <= 10.0, "pue = %g: must be in [1, 10]", p->pue);
    CHECK(nonneg(p->ground_repair_h) && p->ground_repair_h <= ODT_ECON_HOURS_PER_YEAR,
          "ground_repair_h = %g: must be in [0, 8766] h", p->ground_repair_h);
    CHECK(nonneg(p->ground_failure_rate_per_year) && p->ground_failure_rate_per_year <= 100.0,
          "ground_failure_rate_per_year = %g: must be in [0, 100]", p->ground_failure_rate_per_year);
    CHECK(p->ground_failure_rate_per_year * p->ground_repair_h < ODT_ECON_HOURS_PER_YEAR,
          "ground_failure_rate_per_year x ground_repair_h = %g h: must be below 8766 h (availability > 0)",
          p->ground_failure_rate_per_year * p->ground_repair_h);
    CHECK(isfinite(p->accelerator_life_years) && p->accelerator_life_years > 0.0 && p->accelerator_life_years <= 100.0,
          "accelerator_life_years = %g: must be in (0, 100]", p->accelerator_life_years);
    CHECK(isfinite(p->ground_compute_w) && p->ground_compute_w > 0.0, "ground_compute_w = %g: must be > 0 W",
          p->ground_compute_w);
    CHECK(isfinite(p->ground_compute_year) && p->ground_compute_year >= 1900.0 && p->ground_compute_year <= 2300.0,
          "ground_compute_year = %g: must be in [1900, 2300]", p->ground_compute_year);
    CHECK(isfinite(p->ground_compute_growth) && p->ground_compute_growth > 0.0 && p->ground_compute_growth <= 100.0,
          "ground_compute_growth = %g: must be in (0, 100] per year", p->ground_compute_growth);
    CHECK(isfinite(p->ground_capacity_factor) && p->ground_capacity_factor > 0.0 && p->ground_capacity_factor <= 1.0,
          "ground_capacity_factor = %g: must be in (0, 1]", p->ground_capacity_factor);
    CHECK(nonneg(p->accelerator_kg) && p->accelerator_kg <= 1e4, "accelerator_kg = %g: must be in [0, 10000]",
          p->accelerator_kg);
    return ODT_OK;
}

double odt_launch_price_per_kg(const struct odt_econ_params *p, double cumulative_launches)
{
    if (!(cumulative_launches > 0.0) || !isfinite(cumulative_launches))
        return NAN;
    const double b = log2(p->launch_learning); /* <= 0 */
    const double price = p->launch_price_per_kg * pow(cumulative_launches / p->launch_reference_launches, b);
    return fmax(p->launch_price_floor_per_kg, price);
}

double odt_ground_compute_w(const struct odt_econ_params *p, double year)
{
    return p->ground_compute_w * pow(p->ground_compute_growth, year - p->ground_compute_year);
}

/* ------------------------------------------------------------------ years */

enum odt_status odt_econ_inputs_check(double design_life_years, double tokens_per_accel_s, double accel_board_power_w,
                                      const struct odt_econ_year *years, int n, char *err, size_t errlen)
{
    CHECK(isfinite(design_life_years) && design_life_years > 0.0 && design_life_years <= 100.0,
          "design_life_years = %g: must be in (0, 100]", design_life_years);
    CHECK(isfinite(tokens_per_accel_s) && tokens_per_accel_s > 0.0, "tokens_per_accel_s = %g: must be > 0",
          tokens_per_accel_s);
    CHECK(nonneg(accel_board_power_w), "accel_board_power_w = %g: must be >= 0 W", accel_board_power_w);
    CHECK(n >= 0 && n <= 1000, "n = %d years: must be in [0, 1000]", n);
    CHECK(n == 0 || years != NULL, "years: NULL with n = %d", n);
    for (int i = 0; i < n; ++i) {
        const struct odt_econ_year *y = &years[i];
        CHECK(isfinite(y->year) && y->year >= 1900.0 && y->year <= 2300.0,
              "years[%d].year = %g: must be in [1900, 2300]", i, y->year);
        CHECK(i == 0 || y->year > years[i - 1].year, "years[%d].year = %g: must follow years[%d].year = %g", i, y->year,
              i - 1, years[i - 1].year);
#define FIELD(f) CHECK(nonneg(y->f), "years[%d]." #f " = %g: must be finite and >= 0", i, y->f)
        FIELD(launches);
        FIELD(satellites_launched);
        FIELD(mass_launched_kg);
        FIELD(accelerators_launched);
        FIELD(compute_power_added_w);
        FIELD(satellites_in_service);
        FIELD(accelerators_in_service);
        FIELD(compute_power_w);
        FIELD(token_capacity);
        FIELD(tokens_delivered);
        FIELD(tokens_demanded);
        FIELD(satellites_retired);
        FIELD(accelerators_failed);
        FIELD(satellite_mass_kg_mean);
#undef FIELD
    }
    return ODT_OK;
}

/* Horizon sums of one pass over the years. */
struct pass {
    double space_cost, space_tokens, ground_cost, ground_tokens;
};

/*
 * One pass: the year outputs for a launch price rule. const_price >= 0: that
 * price every year (break-even evaluation; years' launch and price outputs are
 * then written only when write != 0); const_price < 0: Wright's law.
 */
static struct pass run_years(const struct odt_econ_params *p, double life, double tok_s, double power_w,
                             struct odt_econ_year *years, int n, double const_price, int write)
{
    struct pass s = {0.0, 0.0, 0.0, 0.0};
    const double acc_life = fmin(life, p->accelerator_life_years); /* accelerators cannot outlive the satellite */
    const double avail = 1.0 - p->ground_failure_rate_per_year * p->ground_repair_h / ODT_ECON_HOURS_PER_YEAR;
    /* ground cost per accelerator-year (docs/economics.md §2.2) */
    const double g_build = power_w * p->ground_build_cost_per_w / p->ground_facility_life_years;
    const double g_elec = power_w * avail * ODT_ECON_HOURS_PER_YEAR * p->pue * p->electricity_per_kwh / 1000.0;
    const double g_acc = p->accelerator_price / p->accelerator_life_years;
    const double g_repl = p->ground_failure_rate_per_year * p->accelerator_price;
    const double g_per_acc = g_build + g_elec + g_acc + g_repl;

    double launches_before = 0.0, k_bus = 0.0, k_acc = 0.0, s_cum = 0.0, spent = 0.0;
    for (int i = 0; i < n; ++i) {
        struct odt_econ_year *y = &years[i];
        const double n_mid = p->launch_reference_launches + launches_before + 0.5 * y->launches;
        const double price = const_price >= 0.0 ? const_price : odt_launch_price_per_kg(p, n_mid);
        const double c_launch = y->mass_launched_kg * price;
        /* manufactured mass: the launch mass less the accelerators, which are bought at their price */
        const double bus_kg = fmax(0.0, y->mass_launched_kg - y->accelerators_launched * p->accelerator_kg);
        const double c_sat = bus_kg * p->satellite_cost_per_kg;
        const double c_acc = y->accelerators_launched * p->accelerator_price;
        const double c_ops = y->satellites_in_service * p->operations_per_satellite_year;
        launches_before += y->launches;
        k_bus += c_launch + c_sat;
        k_acc += c_acc;
        s_cum += y->satellites_launched;
        spent += c_launch + c_sat + c_acc + c_ops;

        /* annualized capex: satellites in service x mean capex per satellite launched so far / life */
        const double capex_year =
            s_cum > 0.0 ? y->satellites_in_service * ((k_bus / s_cum) / life + (k_acc / s_cum) / acc_life) : 0.0;
        const double space_annual = capex_year + c_ops;

        const double a = y->accelerators_in_service;
        const double g_capacity = a * tok_s * ODT_ECON_SECONDS_PER_YEAR * avail;
        const double g_tokens = fmin(y->tokens_demanded, g_capacity);
        const double g_cost = a * g_per_acc;

        s.space_cost += space_annual;
        s.space_tokens += y->tokens_delivered;
        s.ground_cost += g_cost;
        s.ground_tokens += g_tokens;

        if (!write)
            continue;
        y->cumulative_launches = p->launch_reference_launches + launches_before;
        y->launch_price_per_kg = price;
        y->cost_launch = c_launch;
        y->cost_satellites = c_sat;
        y->cost_accelerators = c_acc;
        y->cost_operations = c_ops;
        y->cost_year = c_launch + c_sat + c_acc + c_ops;
        y->cost_cumulative = spent;
        y->capex_cumulative = k_bus + k_acc;
        y->cost_space_annualized = space_annual;
        y->space_per_mtok = y->tokens_delivered > 0.0 ? space_annual / y->tokens_delivered * 1e6 : NAN;
        y->ground_tokens = g_tokens;
        y->ground_cost_annualized = g_cost;
        y->ground_per_mtok = g_tokens > 0.0 ? g_cost / g_tokens * 1e6 : NAN;
        y->ground_availability = avail;
        y->ground_compute_w = odt_ground_compute_w(p, y->year + 1.0);
        y->orbit_added_exceeds_ground = y->compute_power_added_w > y->ground_compute_w ? 1.0 : 0.0;
    }
    return s;
}

enum odt_status odt_econ_evaluate(const struct odt_econ_params *p, double design_life_years,
                                  double tokens_per_accel_s, double accel_board_power_w,
                                  struct odt_econ_year *years, int n, struct odt_econ_summary *sum)
{
    if (odt_econ_params_check(p, NULL, 0) != ODT_OK ||
        odt_econ_inputs_check(design_life_years, tokens_per_accel_s, accel_board_power_w, years, n, NULL, 0) != ODT_OK)
        return ODT_ERR_VALUE;
    const double life = design_life_years, tok = tokens_per_accel_s, pw = accel_board_power_w;
    const struct pass s = run_years(p, life, tok, pw, years, n, -1.0, 1);

    struct odt_econ_summary r;
    memset(&r, 0, sizeof r);
    r.space_cost_annualized = s.space_cost;
    r.ground_cost_annualized = s.ground_cost;
    r.tokens_delivered = s.space_tokens;
    r.ground_tokens = s.ground_tokens;
    r.space_per_mtok = s.space_tokens > 0.0 ? s.space_cost / s.space_tokens * 1e6 : NAN;
    r.ground_per_mtok = s.ground_tokens > 0.0 ? s.ground_cost / s.ground_tokens * 1e6 : NAN;
    r.crossover_year = NAN;
    for (int i = 0; i < n; ++i) {
        r.mass_launched_kg += years[i].mass_launched_kg;
        r.launches += years[i].launches;
        if (isnan(r.crossover_year) && years[i].orbit_added_exceeds_ground > 0.5)
            r.crossover_year = years[i].year;
    }
    r.cost_cumulative = n > 0 ? years[n - 1].cost_cumulative : 0.0;

    /* Break-even: the space cost at a constant price x is A0 + B x (every term is linear in the
       launch cost), so two passes give A0 and B exactly up to rounding. */
    r.breakeven_launch_per_kg = NAN;
    if (s.space_tokens > 0.0 && s.ground_tokens > 0.0) {
        const double a0 = run_years(p, life, tok, pw, years, n, 0.0, 0).space_cost;
        const double b = run_years(p, life, tok, pw, years, n, 1.0, 0).space_cost - a0;
        if (b > 0.0) {
            const double target = s.ground_cost / s.ground_tokens * s.space_tokens; /* ground $/token x space tokens */
            const double x = (target - a0) / b;
            if (x >= 0.0)
                r.breakeven_launch_per_kg = x;
        }
    }
    *sum = r;
    return ODT_OK;
}

/* ------------------------------------------------------------------ claims */

static void set_text(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

/* Append to a row field already holding text. */
static void add_text(char *dst, size_t n, const char *fmt, ...)
{
    const size_t used = strlen(dst);
    if (used + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + used, n - used, fmt, ap);
    va_end(ap);
}

static void row_init(struct odt_claim_row *r, int id, const char *claim)
{
    memset(r, 0, sizeof *r);
    r->id = id;
    set_text(r->claim, sizeof r->claim, "%s", claim);
    r->value = NAN;
}

/* Claim 1: space solar yield vs the ground, and no storage. */
static void claim_solar(const struct odt_claims_input *in, const struct odt_econ_params *e, const char *orbit,
                        struct odt_claim_row *r)
{
    row_init(r, 1, "A solar panel yields about 5x as much in space as on the ground, and no energy storage is needed.");
    set_text(r->units, sizeof r->units, "x ground yield per m^2");
    const double cf = e->ground_capacity_factor;
    set_text(r->rests_on, sizeof r->rests_on,
             "%s, %.0f eclipse-season days in the run; 1361 W/m^2 at 1 AU x sunlit fraction against ground PV rated "
             "at 1000 W/m^2 with a %.0f %% annual capacity factor (US median); cell temperature, degradation and "
             "conversion losses taken equal in both places",
             orbit, in->eclipse_season_days, 100.0 * cf);
    if (!isfinite(in->sunlit_fraction)) {
        set_text(r->figure, sizeof r->figure, "no sunlit fraction in the input");
        set_text(r->verdict, sizeof r->verdict, "not computed: the run gave no sunlit fraction");
        return;
    }
    const double ratio = ODT_SOLAR_CONSTANT_W_M2 * in->sunlit_fraction / (1000.0 * cf);
    r->value = ratio;
    set_text(r->figure, sizeof r->figure,
             "%.1fx the ground yield per m^2 (%.1f %% sunlit vs %.0f %% capacity factor); battery %.0f Wh needed "
             "for the longest eclipse (%.1f min), %.0f Wh installed",
             ratio, 100.0 * in->sunlit_fraction, 100.0 * cf, in->battery_wh_needed, in->max_eclipse_s / 60.0,
             in->battery_wh_installed);
    if (ratio >= 4.5)
        set_text(r->verdict, sizeof r->verdict, "yield holds (%.1fx)", ratio);
    else if (ratio >= 3.5)
        set_text(r->verdict, sizeof r->verdict, "yield roughly holds (%.1fx, under 5x)", ratio);
    else
        set_text(r->verdict, sizeof r->verdict, "yield does not hold (%.1fx)", ratio);
    if (in->max_eclipse_s > 0.0 || in->battery_wh_needed > 0.0) {
        add_text(r->verdict, sizeof r->verdict,
                 "; no storage does not hold: %.0f Wh per satellite for %.1f min of umbra",
                 in->battery_wh_needed, in->max_eclipse_s / 60.0);
        if (isfinite(in->unserved_fraction_without_battery))
            add_text(r->verdict, sizeof r->verdict, ", %.1f %% unserved without it",
                     100.0 * in->unserved_fraction_without_battery);
    } else {
        add_text(r->verdict, sizeof r->verdict, "; no storage holds for this run (no eclipse seen)");
    }
}

/* Claim 2: space cheapest within 2-3 years. */
static void claim_cost(const struct odt_claims_input *in, const struct odt_econ_params *e, struct odt_claim_row *r)
{
    row_init(r, 2, "Within 2-3 years space becomes the cheapest place to put AI compute.");
    set_text(r->units, sizeof r->units, "space/ground $/Mtok");
    set_text(r->rests_on, sizeof r->rests_on,
             "launch %.0f $/kg at %.0f launches, %.0f %% kept per doubling, floor %.0f $/kg; satellites %.0f $/kg; "
             "accelerators %.0f $ each, depreciated over %.0f yr; ground %.1f $/W build, %.4f $/kWh, PUE %.2f, the "
             "same accelerators and demand; no ground operations staff, no space-ground link cost",
             e->launch_price_per_kg, e->launch_reference_launches, 100.0 * e->launch_learning,
             e->launch_price_floor_per_kg, e->satellite_cost_per_kg, e->accelerator_price, e->accelerator_life_years,
             e->ground_build_cost_per_w, e->electricity_per_kwh, e->pue);
    if (!in->years || in->n_years <= 0) {
        set_text(r->figure, sizeof r->figure, "no years of cost in the input");
        set_text(r->verdict, sizeof r->verdict, "not computed: the run has no cost years");
        return;
    }
    const int k = in->n_years >= 3 ? 2 : in->n_years - 1;
    const struct odt_econ_year *y = &in->years[k];
    const double ratio = y->space_per_mtok / y->ground_per_mtok;
    const double be = in->sum ? in->sum->breakeven_launch_per_kg : NAN;
    set_text(r->figure, sizeof r->figure, "%.0f: space %.3g $/Mtok vs ground %.3g $/Mtok; ", y->year, y->space_per_mtok,
             y->ground_per_mtok);
    if (isfinite(be))
        add_text(r->figure, sizeof r->figure,
                 "break-even launch price over the run %.0f $/kg vs %.0f $/kg paid in %.0f",
                 be, y->launch_price_per_kg, y->year);
    else
        add_text(r->figure, sizeof r->figure, "no launch price >= 0 breaks even over the run (%.0f $/kg paid in %.0f)",
                 y->launch_price_per_kg, y->year);
    if (!isfinite(ratio)) {
        set_text(r->verdict, sizeof r->verdict,
                 "not computed: no tokens delivered in %.0f (space %g, ground %g $/Mtok)",
                 y->year, y->space_per_mtok, y->ground_per_mtok);
        return;
    }
    r->value = ratio;
    if (ratio <= 1.0)
        set_text(r->verdict, sizeof r->verdict, "holds: space costs %.2fx the ground in %.0f", ratio, y->year);
    else if (isfinite(be))
        set_text(r->verdict, sizeof r->verdict,
                 "does not hold: space costs %.2fx the ground in %.0f; over the run it breaks even only at launch "
                 "<= %.0f $/kg",
                 ratio, y->year, be);
    else
        set_text(r->verdict, sizeof r->verdict,
                 "does not hold: space costs %.2fx the ground in %.0f, and no launch price >= 0 breaks even",
                 ratio, y->year);
    if (in->n_years < 3)
        add_text(r->verdict, sizeof r->verdict, " (only %d years run: the last compared)", in->n_years);
}

/* Claim 3: reliability from screening, not repair. */
static void claim_reliability(const struct odt_claims_input *in, const struct odt_econ_params *e,
                              struct odt_claim_row *r)
{
    row_init(r, 3, "Reliability comes from screening the hardware on the ground (burn-in), not from repair.");
    set_text(r->units, sizeof r->units, "failed / launched");
    const double ground_loss = e->ground_failure_rate_per_year * e->ground_repair_h / ODT_ECON_HOURS_PER_YEAR;
    set_text(r->rests_on, sizeof r->rests_on,
             "burn-in %.0f h on the ground before launch removes infant mortality; a constant random failure rate "
             "remains; no repair in orbit, spares only; ground reference: %.1f %%/yr failures (Meta Llama 3 report) "
             "repaired within %.0f h",
             in->burn_in_h, 100.0 * e->ground_failure_rate_per_year, e->ground_repair_h);
    r->value = in->accel_failed_fraction;
    const double lost = in->capacity_lost_failures_fraction;
    set_text(r->figure, sizeof r->figure,
             "%.2f %% of accelerators failed over %.1f years with %.0f h burn-in; %.2f %% of capacity lost to "
             "failures; the ground loses %.3f %%",
             100.0 * in->accel_failed_fraction, in->horizon_years, in->burn_in_h, 100.0 * lost, 100.0 * ground_loss);
    if (!isfinite(in->accel_failed_fraction) || !isfinite(lost))
        set_text(r->verdict, sizeof r->verdict, "not computed: the run gave no failure counts");
    else if (lost <= 0.01)
        set_text(r->verdict, sizeof r->verdict,
                 "holds: screening and spares keep the capacity lost to failures at %.2f %%",
                 100.0 * lost);
    else
        set_text(r->verdict, sizeof r->verdict,
                 "holds only if losing %.1f %% of capacity to failures is acceptable (the ground, repairing, loses "
                 "%.3f %%)",
                 100.0 * lost, 100.0 * ground_loss);
}

/* Claim 4: orbit additions exceed the ground total within five years. */
static void claim_crossover(const struct odt_claims_input *in, const struct odt_econ_params *e, struct odt_claim_row *r)
{
    row_init(r, 4,
             "Five years from now the AI compute added in space each year exceeds the cumulative total on Earth.");
    const double g2031 = odt_ground_compute_w(e, CLAIM_CROSSOVER_YEAR + 1.0);
    set_text(r->rests_on, sizeof r->rests_on,
             "ground AI chip power %.3g GW in %.1f growing %.1fx a year (Epoch AI), continued without limit (world "
             "datacentre electricity was 415 TWh in 2024, 47 GW mean, IEA); orbit additions = board power of the "
             "accelerators launched in the year",
             e->ground_compute_w / 1e9, e->ground_compute_year, e->ground_compute_growth);
    if (!in->years || in->n_years <= 0) {
        set_text(r->units, sizeof r->units, "GW");
        r->value = g2031 / 1e9;
        set_text(r->figure, sizeof r->figure, "the ground total at the end of 2031: %.3g GW (projected)", g2031 / 1e9);
        set_text(r->verdict, sizeof r->verdict,
                 "not tested: the run has no years; the value is the ground total to pass in 2031, %.3g GW",
                 g2031 / 1e9);
        return;
    }
    const double cross = in->sum ? in->sum->crossover_year : NAN;
    double best = 0.0, best_year = in->years[0].year;
    for (int i = 0; i < in->n_years; ++i) {
        const double g = odt_ground_compute_w(e, in->years[i].year + 1.0);
        const double q = in->years[i].compute_power_added_w / g;
        if (q > best) {
            best = q;
            best_year = in->years[i].year;
        }
    }
    const struct odt_econ_year *last = &in->years[in->n_years - 1];
    set_text(r->figure, sizeof r->figure,
             "orbit added %.3g GW in %.0f against a ground total of %.3g GW; the ground at the end of 2031: %.3g GW",
             last->compute_power_added_w / 1e9, last->year, odt_ground_compute_w(e, last->year + 1.0) / 1e9,
             g2031 / 1e9);
    if (isfinite(cross)) {
        set_text(r->units, sizeof r->units, "year");
        r->value = cross;
        if (cross <= CLAIM_CROSSOVER_YEAR)
            set_text(r->verdict, sizeof r->verdict, "holds: orbit additions pass the ground total in %.0f", cross);
        else
            set_text(r->verdict, sizeof r->verdict, "holds later than claimed: in %.0f, not by 2031", cross);
    } else {
        set_text(r->units, sizeof r->units, "orbit added / ground (max)");
        r->value = best;
        set_text(r->verdict, sizeof r->verdict,
                 "does not hold within the horizon (to %.0f): orbit additions reach at most %.2g of the ground total "
                 "(%.0f)",
                 last->year + 1.0, best, best_year);
    }
}

/* Claim 5: about 10,000 launches a year. */
static void claim_launches(const struct odt_claims_input *in, const struct odt_econ_params *e, struct odt_claim_row *r)
{
    row_init(r, 5, "Getting there takes about 10,000 launches a year.");
    set_text(r->units, sizeof r->units, "launches in the last year");
    set_text(r->rests_on, sizeof r->rests_on,
             "the run's launch plan; compute per launch from the accelerators the fleet launched; SpaceX flew %.0f "
             "orbital launches in 2025; the SpaceX filing's arithmetic: 1 Mt/yr x 100 kW/t = 100 GW/yr; the ground "
             "curve of claim 4",
             SPACEX_LAUNCHES_2025);
    if (!in->years || in->n_years <= 0) {
        r->value = 0.0;
        set_text(r->figure, sizeof r->figure, "no launches in the input");
        set_text(r->verdict, sizeof r->verdict, "not tested: the run has no years of launches");
        return;
    }
    const struct odt_econ_year *last = &in->years[in->n_years - 1];
    r->value = last->launches;
    /* compute per launch: the last year's, or the whole run's when the last year launched nothing */
    double w_per_launch = last->launches > 0.0 ? last->compute_power_added_w / last->launches : 0.0;
    if (!(w_per_launch > 0.0)) {
        double w = 0.0, l = 0.0;
        for (int i = 0; i < in->n_years; ++i) {
            w += in->years[i].compute_power_added_w;
            l += in->years[i].launches;
        }
        w_per_launch = l > 0.0 ? w / l : 0.0;
    }
    const double g2031 = odt_ground_compute_w(e, CLAIM_CROSSOVER_YEAR + 1.0);
    if (!(w_per_launch > 0.0)) {
        set_text(r->figure, sizeof r->figure, "%.0f launches in %.0f; no compute launched in the run", last->launches,
                 last->year);
        set_text(r->verdict, sizeof r->verdict, "not tested: the run launches no compute, so no launch rate follows");
        return;
    }
    const double needed = g2031 / w_per_launch;
    set_text(r->figure, sizeof r->figure,
             "%.0f launches in %.0f carrying %.0f t (%.1fx SpaceX's %.0f in 2025); at %.0f kW per launch, passing "
             "the ground in 2031 takes %.3g launches that year",
             last->launches, last->year, last->mass_launched_kg / 1000.0, last->launches / SPACEX_LAUNCHES_2025,
             SPACEX_LAUNCHES_2025, w_per_launch / 1000.0, needed);
    const double q = needed / CLAIM_LAUNCHES_PER_YEAR;
    if (q >= 0.5 && q <= 2.0)
        set_text(r->verdict, sizeof r->verdict, "holds: about %.3g launches a year would do it", needed);
    else if (q > 2.0)
        set_text(r->verdict, sizeof r->verdict,
                 "does not hold: it takes %.3g launches a year, %.*fx the 10,000 claimed",
                 needed, q >= 10.0 ? 0 : 1, q);
    else
        set_text(r->verdict, sizeof r->verdict, "holds with fewer: %.3g launches a year would do it", needed);
}

/* Claim 6: mostly inference. */
static void claim_inference(const struct odt_claims_input *in, struct odt_claim_row *r)
{
    row_init(r, 6, "The AI compute in space will be mostly inference.");
    set_text(r->units, sizeof r->units, "fraction of compute");
    r->value = in->inference_fraction;
    set_text(r->figure, sizeof r->figure,
             "%.0f %% of the twin's compute serves inference", 100.0 * in->inference_fraction);
    set_text(r->rests_on, sizeof r->rests_on,
             "an input of the model, not a result: the workload is a token demand served node by node "
             "(docs/workload.md); inference tolerates a node dropping out and the latency of a ground link, while "
             "training needs long synchronous runs over many tightly linked accelerators, which the twin does not "
             "model");
    if (!isfinite(in->inference_fraction))
        set_text(r->verdict, sizeof r->verdict, "not computed: no inference fraction in the input");
    else
        set_text(r->verdict, sizeof r->verdict,
                 "not tested by the twin: inference is its input (fraction %.2f), not an "
                 "outcome", in->inference_fraction);
}

void odt_claims_evaluate(const struct odt_claims_input *in, struct odt_claim_row rows[ODT_CLAIM_N])
{
    struct odt_econ_params def;
    odt_econ_params_default(&def);
    const struct odt_econ_params *e = in->econ ? in->econ : &def;
    const char *orbit = in->orbit_text && in->orbit_text[0] ? in->orbit_text : "the run's orbit";
    claim_solar(in, e, orbit, &rows[0]);
    claim_cost(in, e, &rows[1]);
    claim_reliability(in, e, &rows[2]);
    claim_crossover(in, e, &rows[3]);
    claim_launches(in, e, &rows[4]);
    claim_inference(in, &rows[5]);
}

/* ------------------------------------------------------------------ JSON */

struct buf {
    char *s;
    size_t len, cap;
    int failed;
};

static void buf_put(struct buf *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *text) { buf_put(b, text, strlen(text)); }

/* A JSON string literal: quotes, backslashes and control characters escaped; other bytes as they are (UTF-8). */
static void buf_json_string(struct buf *b, const char *text)
{
    buf_str(b, "\"");
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
        char esc[8];
        if (*c == '"' || *c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*c;
            buf_put(b, esc, 2);
        } else if (*c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*c);
            buf_str(b, esc);
        } else {
            buf_put(b, (const char *)c, 1);
        }
    }
    buf_str(b, "\"");
}

static void buf_json_number(struct buf *b, double x)
{
    if (!isfinite(x)) {
        buf_str(b, "null");
        return;
    }
    char num[40];
    snprintf(num, sizeof num, "%.10g", x);
    buf_str(b, num);
}

char *odt_claims_json(const struct odt_claim_row rows[ODT_CLAIM_N])
{
    struct buf b = {NULL, 0, 0, 0};
    buf_str(&b, "{\"claims\": [");
    for (int i = 0; i < ODT_CLAIM_N; ++i) {
        const struct odt_claim_row *r = &rows[i];
        char id[16];
        snprintf(id, sizeof id, "%d", r->id);
        buf_str(&b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
        buf_str(&b, id);
        buf_str(&b, ", \"claim\": ");
        buf_json_string(&b, r->claim);
        buf_str(&b, ", \"value\": ");
        buf_json_number(&b, r->value);
        buf_str(&b, ", \"units\": ");
        buf_json_string(&b, r->units);
        buf_str(&b, ", \"figure\": ");
        buf_json_string(&b, r->figure);
        buf_str(&b, ", \"rests_on\": ");
        buf_json_string(&b, r->rests_on);
        buf_str(&b, ", \"verdict\": ");
        buf_json_string(&b, r->verdict);
        buf_str(&b, "}");
    }
    buf_str(&b, "\n]}\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
