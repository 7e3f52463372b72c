/*
 * economics.h: satellite mass, the cost of a fleet against a ground datacenter,
 * and the six claims of the February 2026 interview (host layer, no I/O).
 *
 * Mass: a satellite is its solar array, radiator, battery, accelerators and
 * shielding, each from a specific mass, plus structure (bus, harness,
 * attitude control, propulsion) taken as a fixed fraction of the total:
 *
 *     m_total = (m_array + m_radiator + m_battery + m_compute + m_shield) / (1 - f_struct)
 *
 * Cost: per calendar year, what the fleet spends (launch at a Wright's-law
 * price, manufacture, accelerators, operations), what that costs when the
 * capital is depreciated over the satellite's life, and the same demand served
 * by a ground datacenter with the same accelerators. Claims: one row each, a
 * number, what it rests on and a plain verdict.
 *
 * Every equation, default and source: docs/economics.md. Tests:
 * tests/test_economics.c.
 */
#ifndef ODT_ECONOMICS_H
#define ODT_ECONOMICS_H

#include <stddef.h>

#include "orbit/odt_defs.h" /* enum odt_status, ODT_EXTERN_C_BEGIN/END */

ODT_EXTERN_C_BEGIN

/* Length of the economic year: the Julian year, 365.25 d. */
#define ODT_ECON_SECONDS_PER_YEAR 31557600.0
#define ODT_ECON_HOURS_PER_YEAR 8766.0

/* ------------------------------------------------------------------ mass */

/* Specific masses of one satellite design (defaults: odt_mass_params_default, docs/economics.md). */
struct odt_mass_params {
    double array_kg_per_m2;        /* solar array, kg per m^2 of array (default 2.7, ISS wing) */
    double radiator_kg_per_m2;     /* radiator panel, kg per m^2 of panel (one panel radiating from one or two
                                      faces) (default 5, deployable) */
    double battery_wh_per_kg;      /* battery pack specific energy, Wh/kg (default 120) */
    double accelerator_kg;         /* one accelerator with its share of server: board, memory, cold plate, power
                                      stage, kg (default 1360/72 = 18.9, GB200 NVL72) */
    double shielding_kg;           /* radiation shielding per satellite, kg (default 20) */
    double structure_fraction;     /* structure, bus, harness, attitude control, propulsion as a fraction of the
                                      total mass, [0, 1) (default 0.25) */
};
struct odt_mass_inputs {
    double array_area_m2, radiator_area_m2; /* array area; radiator panel area (not faces x area), m^2 */
    double battery_capacity_wh;    /* nameplate capacity, Wh */
    int accelerators;              /* including spares */
    double compute_power_w;        /* board power of the accelerators in service at launch (not spares), W */
};
struct odt_mass_breakdown {
    double array_kg, radiator_kg, battery_kg, compute_kg, shielding_kg, structure_kg, total_kg;
    double w_per_kg;               /* compute_power_w / total_kg, W/kg */
    double kw_per_tonne;           /* the same ratio in kW/t (numerically equal to W/kg) */
};

/* odt_mass_params_default: the defaults of docs/economics.md. */
void odt_mass_params_default(struct odt_mass_params *p);

/* odt_mass_params_check: ODT_OK, or ODT_ERR_VALUE with the first problem in err (naming the parameter). */
enum odt_status odt_mass_params_check(const struct odt_mass_params *p, char *err, size_t errlen);

/* odt_mass_inputs_check: ODT_OK, or ODT_ERR_VALUE naming the first bad input (negative area, capacity...). */
enum odt_status odt_mass_inputs_check(const struct odt_mass_inputs *in, char *err, size_t errlen);

/*
 * odt_mass_satellite: the mass breakdown of one satellite at launch.
 *   total = (array + radiator + battery + compute + shielding) / (1 - structure_fraction)
 * with array = A_array * kg/m^2, radiator = A_panel * kg/m^2, battery =
 * capacity / (Wh/kg), compute = accelerators * accelerator_kg, structure =
 * structure_fraction * total. w_per_kg = kw_per_tonne = compute_power_w /
 * total (0 when the total is 0). Returns ODT_ERR_VALUE (out untouched) for
 * params or inputs that fail their checks.
 */
enum odt_status odt_mass_satellite(const struct odt_mass_params *p, const struct odt_mass_inputs *in,
                                   struct odt_mass_breakdown *out);

/* ------------------------------------------------------------------ prices */

/* Prices, the launch learning curve, the ground reference datacenter and the ground AI compute curve. */
struct odt_econ_params {
    /* launch: Wright's law on cumulative launches: price = max(floor, first * (N / N_ref)^log2(learning)) */
    double launch_price_per_kg;        /* at N_ref cumulative launches, $/kg (default 2720, Falcon 9) */
    double launch_price_floor_per_kg;  /* the price never falls below this, $/kg, [0, launch_price_per_kg]
                                          (default 200, Starship target) */
    double launch_learning;            /* price kept per doubling of cumulative launches, (0, 1] (default 0.80) */
    double launch_reference_launches;  /* cumulative launches at which launch_price_per_kg holds (default 600) */
    double satellite_cost_per_kg;      /* satellite manufacture without the accelerators, $ per kg of launch
                                          mass less the accelerators' (default 1000) */
    double accelerator_price;          /* $ per accelerator (default 30000) */
    double operations_per_satellite_year; /* $ (default 10000) */
    /* ground reference datacenter, the same accelerators */
    double ground_build_cost_per_w;    /* facility build cost per W of IT power, $/W (default 11) */
    double ground_facility_life_years; /* straight-line depreciation of the building, yr (default 20) */
    double electricity_per_kwh;        /* $/kWh (default 0.0806, EIA 2023 US industrial) */
    double pue;                        /* power usage effectiveness, >= 1 (default 1.2) */
    double ground_repair_h;            /* a failed accelerator is replaced within this time, h (default 72) */
    double ground_failure_rate_per_year; /* accelerator failures per accelerator-year on the ground (default 0.04) */
    double accelerator_life_years;     /* depreciation of the accelerators (space and ground alike), yr (default 5) */
    /* ground AI compute (the claim's denominator): power of ground AI accelerators */
    double ground_compute_w;           /* at ground_compute_year, W (default 1.05e10 = 15e6 H100e x 700 W) */
    double ground_compute_year;        /* decimal calendar year of ground_compute_w (default 2026.0) */
    double ground_compute_growth;      /* factor per year (default 3.3, Epoch AI) */
    /* ground solar for the energy claim */
    double ground_capacity_factor;     /* annual capacity factor of ground PV, (0, 1] (default 0.24) */
    /* beyond the core price list */
    double accelerator_kg;             /* mass of one accelerator with its server share, kg, taken out of the
                                          manufactured mass (bought at accelerator_price instead); default
                                          1360/72, as odt_mass_params (keep the two equal) */
};

/* odt_econ_params_default: the defaults of docs/economics.md. */
void odt_econ_params_default(struct odt_econ_params *p);

/* odt_econ_params_check: ODT_OK, or ODT_ERR_VALUE with the first problem in err (naming the parameter). */
enum odt_status odt_econ_params_check(const struct odt_econ_params *p, char *err, size_t errlen);

/*
 * odt_launch_price_per_kg: Wright's law (T. P. Wright 1936) on cumulative
 * launches N, $/kg:
 *     price(N) = max(floor, first * (N / N_ref)^b),  b = log2(learning)
 * so each doubling of N keeps the fraction `learning` of the price, and
 * learning = 1 holds the price at max(floor, first). N must be > 0 (NaN
 * otherwise); N below N_ref gives a price above the first.
 */
double odt_launch_price_per_kg(const struct odt_econ_params *p, double cumulative_launches);

/*
 * odt_ground_compute_w: cumulative ground AI chip power at a decimal year, W:
 *     W(y) = ground_compute_w * ground_compute_growth^(y - ground_compute_year)
 * (Epoch AI counts the stock without retirements, so this is the cumulative
 * power of the chips shipped; the curve is continued without limit.)
 */
double odt_ground_compute_w(const struct odt_econ_params *p, double year);

/* ------------------------------------------------------------------ years of a fleet */

/* One calendar year of a fleet as the twin measured it (inputs), and what it costs (outputs). */
struct odt_econ_year {
    /* inputs */
    double year;                  /* calendar year (its start, e.g. 2027.0) */
    double launches, satellites_launched, mass_launched_kg, accelerators_launched;
    double compute_power_added_w; /* board power of the accelerators launched in the year */
    double satellites_in_service; /* time-mean over the year */
    double accelerators_in_service; /* time-mean, working accelerators */
    double compute_power_w;       /* time-mean board power of working accelerators in orbit */
    double token_capacity;        /* tokens the fleet could serve in the year */
    double tokens_delivered;      /* tokens served in orbit in the year */
    double tokens_demanded;       /* tokens asked of the fleet in the year */
    double satellites_retired, accelerators_failed;
    double satellite_mass_kg_mean; /* mean launch mass of the satellites launched in the year (0: none) */
    /* outputs (odt_econ_evaluate) */
    double cumulative_launches;   /* N_ref + launches of years[0..i], at the year's end */
    double launch_price_per_kg;   /* the year's price: Wright's law at the year's midpoint,
                                     N_ref + launches before the year + half the year's */
    double cost_launch, cost_satellites, cost_accelerators, cost_operations; /* spent in the year, $ */
    double cost_year, cost_cumulative;          /* $ spent */
    double cost_space_annualized;   /* $: capex depreciated over life + operations, charged to the year */
    double space_per_mtok;          /* $ per million tokens delivered in the year (annualized cost / tokens), NaN if none */
    double ground_tokens;           /* tokens the ground reference delivers from the same demand */
    double ground_cost_annualized;  /* $ */
    double ground_per_mtok;         /* $ per million ground tokens, NaN if none */
    double ground_compute_w;        /* cumulative ground AI compute at the year's end */
    double orbit_added_exceeds_ground; /* 1 when compute_power_added_w > ground_compute_w at the year's end */
    /* further outputs */
    double capex_cumulative;        /* launch + manufacture + accelerators of years[0..i], $ */
    double ground_availability;     /* 1 - failure rate x repair time (the same every year) */
};
struct odt_econ_summary {
    double space_per_mtok, ground_per_mtok;   /* over the horizon: sum of annualized cost / sum of tokens */
    double breakeven_launch_per_kg;           /* the one launch price (same in every year) at which space equals ground over the horizon; NaN if none >= 0 */
    double crossover_year;                    /* first year whose orbit additions exceed the ground cumulative, NaN if none */
    double cost_cumulative, tokens_delivered, mass_launched_kg;
    /* beyond the core price list */
    double ground_tokens, launches;           /* sums over the horizon */
    double space_cost_annualized, ground_cost_annualized; /* sums over the horizon, $ */
};

/*
 * odt_econ_inputs_check: ODT_OK, or ODT_ERR_VALUE naming the first bad
 * argument of odt_econ_evaluate (design_life_years, tokens_per_accel_s,
 * accel_board_power_w, n, or years[i].<field> negative or not finite, years
 * not increasing).
 */
enum odt_status odt_econ_inputs_check(double design_life_years, double tokens_per_accel_s, double accel_board_power_w,
                                      const struct odt_econ_year *years, int n, char *err, size_t errlen);

/*
 * odt_econ_evaluate: fill the outputs of years[0..n-1] (in order) and the summary.
 *
 *   design_life_years    satellite life, yr (> 0)
 *   tokens_per_accel_s   tokens/s of one accelerator at full power (> 0)
 *   accel_board_power_w  its board power, W (>= 0; for the ground electricity and build cost)
 *
 * Space, year i (the rule, docs/economics.md §2):
 *   price_i     = odt_launch_price_per_kg(N_ref + sum_{j<i} L_j + L_i / 2)
 *   spent       launch = mass x price_i;
 *               satellites = max(0, mass - accelerators_launched x accelerator_kg) x satellite_cost_per_kg;
 *               accelerators = accelerators_launched x accelerator_price;
 *               operations = satellites_in_service x operations_per_satellite_year
 *   annualized  = S_i x [ (K_bus / S_cum) / life + (K_acc / S_cum) / min(life, accelerator_life) ] + operations
 *               with K_bus = launch + manufacture and K_acc = accelerators spent in years[0..i],
 *               S_cum the satellites launched in years[0..i], S_i = satellites_in_service
 *               (capex 0 while no satellite has been launched)
 * Ground, year i, with A = accelerators_in_service (like for like):
 *   availability a = 1 - ground_failure_rate_per_year x ground_repair_h / 8766 h
 *   tokens      = min(tokens_demanded, A x tokens_per_accel_s x 31557600 s x a)
 *   annualized  = A x P x build_cost_per_w / facility_life                (building)
 *               + A x P x a x 8766 h x PUE x electricity / 1000           (electricity at board power)
 *               + A x accelerator_price / accelerator_life                (accelerators)
 *               + A x failure_rate x accelerator_price                    (replacements)
 * Summary: horizon sums; break-even: the annualized space cost at one constant
 * launch price x is linear in x, A0 + B x; x = (ground $/Mtok x space Mtok - A0) / B,
 * NaN when B = 0, no tokens, or x < 0. The crossover: the first years[i].year
 * with compute_power_added_w > odt_ground_compute_w(year + 1).
 *
 * Returns ODT_OK, or ODT_ERR_VALUE (nothing written) when the params or the
 * inputs fail their checks.
 */
enum odt_status odt_econ_evaluate(const struct odt_econ_params *p, double design_life_years,
                                  double tokens_per_accel_s, double accel_board_power_w,
                                  struct odt_econ_year *years, int n, struct odt_econ_summary *sum);

/* ------------------------------------------------------------------ claims */

/* Claims of the February 2026 interview (see docs/economics.md), one row each. */
enum { ODT_CLAIM_N = 6 };
struct odt_claim_row {
    int id;                  /* 1..6 */
    char claim[160];         /* the claim in a short sentence */
    double value;            /* the twin's figure */
    char units[32];
    char figure[200];        /* the figure in words, e.g. "4.2x the ground yield per m^2" */
    char rests_on[400];      /* orbit, season, ground site, prices, what is switched off */
    char verdict[200];       /* plain verdict: "holds", "does not hold", "holds only if ...", with the number */
};
/* What the claims need from a run (filled by the report from a snapshot). */
struct odt_claims_input {
    double sunlit_fraction;          /* fleet time-weighted illuminated fraction */
    double max_eclipse_s;            /* longest umbra pass seen */
    double eclipse_season_days;      /* days of the run with any eclipse in the fleet */
    double battery_wh_needed;        /* energy to carry the compute load through the longest eclipse, per satellite */
    double battery_wh_installed;     /* per satellite */
    double unserved_fraction_without_battery; /* NaN when not computed */
    double accel_failed_fraction;    /* accelerators failed / accelerators launched over the run */
    double burn_in_h;                /* screening in the model */
    double capacity_lost_failures_fraction;
    double inference_fraction;       /* 1: the twin serves inference only */
    double horizon_years, first_year;
    const char *orbit_text;          /* e.g. "dawn-dusk SSO 550 km" */
    const struct odt_econ_year *years; int n_years;
    const struct odt_econ_summary *sum;
    const struct odt_econ_params *econ; /* NULL: the defaults */
};

/*
 * odt_claims_evaluate: the six rows (rules and thresholds: docs/economics.md §4).
 * Every row gets a value; a NaN value comes only with a verdict that says why
 * (for instance no tokens delivered in the year compared).
 */
void odt_claims_evaluate(const struct odt_claims_input *in, struct odt_claim_row rows[ODT_CLAIM_N]);

/* JSON of the rows (one object with a "claims" array; NaN and infinities as null), into a malloc'd
   string the caller frees; NULL when out of memory. */
char *odt_claims_json(const struct odt_claim_row rows[ODT_CLAIM_N]);

ODT_EXTERN_C_END

#endif /* ODT_ECONOMICS_H */
