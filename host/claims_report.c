/* claims_report.c: fleet growth per year, its cost against the ground, and the claims rows (claims_report.h). */
#include "host/claims_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host/economics.h"
#include "host/ephem.h"
#include "host/h5io.h"
#include "power_thermal/battery.h"

#define YEAR_S ODT_SEC_PER_YEAR

struct cr {
    hid_t f;
    const char *path;
    char *err;
    size_t errlen;
};

static enum odt_status cr_fail(struct cr *c, enum odt_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum odt_status cr_fail(struct cr *c, enum odt_status st, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
    return st;
}

/* Dataset `name` read whole as doubles (any numeric type), its dims in d[0..rank-1]; NULL when absent or not of
   rank `rank` (0 accepts 1 or 2). An empty dataset gives a 1-element buffer. */
static double *read_all(struct cr *c, const char *name, int rank, hsize_t d[2])
{
    d[0] = d[1] = 1;
    if (H5Lexists(c->f, name, H5P_DEFAULT) <= 0)
        return NULL;
    hid_t ds = H5Dopen2(c->f, name, H5P_DEFAULT);
    if (ds < 0)
        return NULL;
    hid_t sp = H5Dget_space(ds);
    const int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    double *buf = NULL;
    if (r >= 1 && r <= 2 && (rank == 0 || r == rank)) {
        hsize_t dims[2] = {1, 1};
        H5Sget_simple_extent_dims(sp, dims, NULL);
        d[0] = dims[0];
        d[1] = r == 2 ? dims[1] : 1;
        const size_t n = (size_t)(d[0] * d[1]);
        buf = malloc(sizeof(double) * (n ? n : 1));
        if (buf && n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            free(buf);
            buf = NULL;
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(ds);
    return buf;
}

/* The decimal calendar year of an ISO time (UTC), from its day of the year. */
static double decimal_year(const char *iso)
{
    struct odt_epoch e, jan1;
    char err[128], y0[32];
    if (odt_epoch_parse(iso, &e, err, sizeof err) != ODT_OK)
        return NAN;
    snprintf(y0, sizeof y0, "%04d-01-01", e.year);
    if (odt_epoch_parse(y0, &jan1, err, sizeof err) != ODT_OK)
        return NAN;
    const int leap = (e.year % 4 == 0 && e.year % 100 != 0) || e.year % 400 == 0;
    const double days = (e.utc1 - jan1.utc1) + (e.utc2 - jan1.utc2);
    return (double)e.year + days / (leap ? 366.0 : 365.0);
}

static void json_num(FILE *o, const char *key, double v, int comma)
{
    if (isfinite(v))
        fprintf(o, "\"%s\": %.10g%s", key, v, comma ? ", " : "");
    else
        fprintf(o, "\"%s\": null%s", key, comma ? ", " : "");
}

enum odt_status odt_claims_report(hid_t file, const char *path, int json, FILE *out, char *err, size_t errlen)
{
    struct cr c = {file, path, err, errlen};
    enum odt_status st = ODT_OK;
    hsize_t d[2], dc[2];
    double *time = NULL, *demand = NULL, *sis = NULL, *aw = NULL, *cap = NULL, *served = NULL;
    double *l_t = NULL, *l_shell = NULL, *l_sat = NULL, *l_mass = NULL, *weight = NULL, *launch = NULL,
           *retire = NULL, *f_sat = NULL, *f_kind = NULL, *f_num = NULL, *f_t = NULL, *e_kind = NULL,
           *e_start = NULL, *e_dur = NULL, *e_comp = NULL, *sun_t = NULL, *el_t = NULL, *lost = NULL, *ideal = NULL,
           *a_km = NULL, *inc = NULL, *shell = NULL;
    double *cls[10] = {NULL};
    struct odt_econ_year *years = NULL;

    /* the series */
    hsize_t nr = 0, nc = 0;
    time = read_all(&c, "/series/time", 1, d);
    nr = time ? d[0] : 0;
    demand = read_all(&c, "/series/demand_tokens", 1, d);
    sis = read_all(&c, "/series/satellites_in_service", 2, dc);
    nc = sis ? dc[1] : 0;
    aw = read_all(&c, "/series/accelerators_working", 2, d);
    cap = read_all(&c, "/series/capacity", 2, d);
    served = read_all(&c, "/series/tokens_served", 2, d);
    if (!time || !demand || !sis || !aw || !cap || !served || dc[0] != nr || nc == 0) {
        st = cr_fail(&c, ODT_ERR_PARSE, "the fleet series (/series: time, demand_tokens, satellites_in_service, "
                     "accelerators_working, capacity, tokens_served) is missing or damaged: a snapshot of schema 2.0 "
                     "from this version is needed");
        goto done;
    }
    if (nr < 2) {
        st = cr_fail(&c, ODT_ERR_VALUE, "the fleet series has no step after the epoch: nothing to report");
        goto done;
    }
    double every = 1.0;
    {
        hid_t g = H5Gopen2(file, "/series", H5P_DEFAULT);
        int64_t ev = 1;
        if (g >= 0) {
            double evd;
            if (odt_h5_attr_get_double(g, "every_steps", &evd) == 0)
                ev = (int64_t)evd;
            H5Gclose(g);
        }
        every = ev > 0 ? (double)ev : 1.0;
    }
    const double dt_row = time[1] - time[0];
    const double horizon = time[nr - 1];

    /* the classes */
    static const char *const cnames[10] = {"/classes/accelerators", "/classes/spares",
                                           "/classes/accelerator_board_power_w", "/classes/accelerator_tokens_per_s",
                                           "/classes/design_life_s", "/classes/satellite_mass_kg",
                                           "/classes/burn_in_s", "/classes/battery_capacity_j",
                                           "/classes/compute_power_w", "/classes/bus_power_w"};
    for (int k = 0; k < 10; ++k)
        if (!(cls[k] = read_all(&c, cnames[k], 1, d)) || d[0] != nc) {
            st = cr_fail(&c, ODT_ERR_PARSE, "%s is missing or not one value per class (a file from an older "
                         "version: run the scenario again)", cnames[k]);
            goto done;
        }
    enum { C_ACC, C_SPARE, C_BOARD, C_TOK, C_LIFE, C_MASS, C_BURN, C_BATT, C_COMPUTE, C_BUS };
    double soc_min = 0.2, soc_max = 0.95, eta_d = 0.95;
    {
        double *a = read_all(&c, "/classes/battery_soc_min", 1, d), *b = read_all(&c, "/classes/battery_soc_max", 1, d),
               *e = read_all(&c, "/classes/battery_discharge_efficiency", 1, d);
        if (a)
            soc_min = a[0];
        if (b)
            soc_max = b[0];
        if (e)
            eta_d = e[0];
        free(a), free(b), free(e);
    }

    /* launches, the fleet, events, the end state */
    hsize_t nl = 0, nf = 0, ne = 0, n = 0;
    l_t = read_all(&c, "/launches/time", 1, d);
    nl = l_t ? d[0] : 0;
    l_shell = read_all(&c, "/launches/shell", 1, d);
    l_sat = read_all(&c, "/launches/satellites", 1, d);
    l_mass = read_all(&c, "/launches/mass_kg", 1, d);
    weight = read_all(&c, "/fleet/weight", 1, d);
    n = weight ? d[0] : 0;
    launch = read_all(&c, "/fleet/launch_time", 1, d);
    retire = read_all(&c, "/fleet/retire_time", 1, d);
    a_km = read_all(&c, "/fleet/a_km", 1, d);
    shell = read_all(&c, "/fleet/shell", 1, d);
    inc = read_all(&c, "/fleet/inc_rad", 1, d);
    f_sat = read_all(&c, "/failures/satellite", 1, d);
    nf = f_sat ? d[0] : 0;
    f_kind = read_all(&c, "/failures/kind", 1, d);
    f_num = read_all(&c, "/failures/number", 1, d);
    f_t = read_all(&c, "/failures/time", 1, d);
    e_kind = read_all(&c, "/eclipses/kind", 1, d);
    ne = e_kind ? d[0] : 0;
    e_start = read_all(&c, "/eclipses/start", 1, d);
    e_dur = read_all(&c, "/eclipses/duration", 1, d);
    e_comp = read_all(&c, "/eclipses/complete", 1, d);
    sun_t = read_all(&c, "/final/sunlit_time", 1, d);
    el_t = read_all(&c, "/final/elapsed_time", 1, d);
    lost = read_all(&c, "/final/capacity_lost_failures", 1, d);
    ideal = read_all(&c, "/final/capacity_ideal", 1, d);
    if (!l_t || !l_shell || !l_sat || !l_mass || !weight || !launch || !retire || !a_km || !inc || !shell || !f_sat || !f_kind ||
        !f_num || !f_t || !e_kind || !e_start || !e_dur || !e_comp || !sun_t || !el_t || !lost || !ideal) {
        st = cr_fail(&c, ODT_ERR_PARSE, "a dataset of /launches, /fleet, /failures, /eclipses or /final is missing "
                     "(a file from an older version, or a run that did not finish: run it again or resume it)");
        goto done;
    }

    char *iso = NULL;
    double first_year = NAN;
    {
        hid_t t = H5Dopen2(file, "/time", H5P_DEFAULT);
        if (t >= 0 && odt_h5_attr_get_string(t, "epoch_utc", &iso) == 0)
            first_year = decimal_year(iso);
        if (t >= 0)
            H5Dclose(t);
        free(iso);
    }
    if (!isfinite(first_year)) {
        st = cr_fail(&c, ODT_ERR_PARSE, "/time has no readable epoch_utc attribute");
        goto done;
    }

    struct odt_econ_params ep;
    odt_econ_params_default(&ep);
    {
        hid_t g = H5Gopen2(file, "/economics", H5P_DEFAULT);
        if (g < 0) {
            st = cr_fail(&c, ODT_ERR_PARSE, "/economics is missing (a file from an older version: run it again)");
            goto done;
        }
#define GET(field) odt_h5_attr_get_double(g, #field, &ep.field)
        GET(launch_price_per_kg), GET(launch_price_floor_per_kg), GET(launch_learning),
            GET(launch_reference_launches), GET(satellite_cost_per_kg), GET(accelerator_price),
            GET(operations_per_satellite_year), GET(ground_build_cost_per_w), GET(ground_facility_life_years),
            GET(electricity_per_kwh), GET(pue), GET(ground_repair_h), GET(ground_failure_rate_per_year),
            GET(accelerator_life_years), GET(ground_compute_w), GET(ground_compute_year), GET(ground_compute_growth),
            GET(ground_capacity_factor), GET(accelerator_kg);
#undef GET
        H5Gclose(g);
    }

    /* per year: Julian years from the epoch; a last partial year is scaled to a year's rates */
    const int ny = (int)ceil(horizon / YEAR_S - 1e-9);
    years = calloc((size_t)(ny > 0 ? ny : 1), sizeof *years);
    double *frac = calloc((size_t)(ny > 0 ? ny : 1), sizeof *frac);
    if (!years || !frac) {
        free(frac);
        st = cr_fail(&c, ODT_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < ny; ++k) {
        const double t0 = k * YEAR_S, t1 = fmin((k + 1) * YEAR_S, horizon);
        frac[k] = (t1 - t0) / YEAR_S;
        years[k].year = first_year + k;
    }
#define YEAR_OF(t) ((int)fmin(fmax(floor((t) / YEAR_S), 0.0), (double)(ny - 1)))
    for (hsize_t r = 1; r < nr; ++r) {
        const int k = YEAR_OF(time[r] - 0.5 * dt_row);
        struct odt_econ_year *y = &years[k];
        y->tokens_demanded += demand[r] * every;
        for (hsize_t q = 0; q < nc; ++q) {
            const size_t at = (size_t)(r * nc + q);
            y->satellites_in_service += sis[at] * dt_row;
            y->accelerators_in_service += aw[at] * dt_row;
            y->compute_power_w += aw[at] * cls[C_BOARD][q] * dt_row;
            y->token_capacity += cap[at] * dt_row;
            y->tokens_delivered += served[at] * every;
        }
    }
    double acc_launched_all = 0.0, sats_launched = 0.0, mass_launched = 0.0;
    for (hsize_t q = 0; q < nl; ++q) {
        struct odt_econ_year *y = &years[YEAR_OF(l_t[q])];
        const int s = (int)l_shell[q];
        const double per = s >= 0 && (hsize_t)s < nc ? cls[C_ACC][s] + cls[C_SPARE][s] : 0.0;
        y->launches += 1.0;
        y->satellites_launched += l_sat[q];
        y->mass_launched_kg += isfinite(l_mass[q]) ? l_mass[q] : 0.0;
        y->accelerators_launched += l_sat[q] * per;
        y->compute_power_added_w += s >= 0 && (hsize_t)s < nc ? l_sat[q] * cls[C_ACC][s] * cls[C_BOARD][s] : 0.0;
        sats_launched += l_sat[q];
        mass_launched += isfinite(l_mass[q]) ? l_mass[q] : 0.0;
    }
    double w_sun = 0.0, w_el = 0.0, w_lost = 0.0, w_ideal = 0.0, failed = 0.0;
    for (hsize_t i = 0; i < n; ++i) {
        const hsize_t s = shell[i] >= 0.0 && (hsize_t)shell[i] < nc ? (hsize_t)shell[i] : 0;
        if (launch[i] < horizon) /* every satellite in service within the run, launched or in orbit at the epoch */
            acc_launched_all += weight[i] * (cls[C_ACC][s] + cls[C_SPARE][s]);
        if (launch[i] <= 0.0) { /* in orbit at the epoch (no launch block): bought and launched then, in year 0 */
            struct odt_econ_year *y = &years[0];
            const double mass = isfinite(cls[C_MASS][s]) ? cls[C_MASS][s] : 0.0;
            y->satellites_launched += weight[i];
            y->mass_launched_kg += weight[i] * mass;
            y->accelerators_launched += weight[i] * (cls[C_ACC][s] + cls[C_SPARE][s]);
            y->compute_power_added_w += weight[i] * cls[C_ACC][s] * cls[C_BOARD][s];
            sats_launched += weight[i];
            mass_launched += weight[i] * mass;
        }
        if (retire[i] < horizon && launch[i] < horizon)
            years[YEAR_OF(retire[i])].satellites_retired += weight[i];
        w_sun += weight[i] * sun_t[i];
        w_el += weight[i] * el_t[i];
        w_lost += weight[i] * lost[i];
        w_ideal += weight[i] * ideal[i];
    }
    for (hsize_t q = 0; q < nf; ++q) {
        if ((int)f_kind[q] != 1)
            continue;
        const hsize_t s = (hsize_t)f_sat[q];
        const double w = s < n ? weight[s] : 1.0;
        years[YEAR_OF(f_t[q])].accelerators_failed += w * f_num[q];
        failed += w * f_num[q];
    }
#undef YEAR_OF
    for (int k = 0; k < ny; ++k) {
        struct odt_econ_year *y = &years[k];
        const double span = frac[k] * YEAR_S;
        y->satellites_in_service /= span; /* time means */
        y->accelerators_in_service /= span;
        y->compute_power_w /= span;
        /* what the fleet does, as rates per year (the cost model charges a year's depreciation and operations
           against a year's tokens); what was bought and launched stays as counted */
        y->satellite_mass_kg_mean = y->satellites_launched > 0.0 ? y->mass_launched_kg / y->satellites_launched : 0.0;
        y->token_capacity /= frac[k], y->tokens_delivered /= frac[k], y->tokens_demanded /= frac[k];
        y->accelerators_failed /= frac[k];
    }
    struct odt_econ_summary sum;
    char why[300];
    const double life_years = cls[C_LIFE][0] / YEAR_S;
    if (odt_econ_inputs_check(life_years, cls[C_TOK][0], cls[C_BOARD][0], years, ny, why, sizeof why) != ODT_OK ||
        odt_econ_evaluate(&ep, life_years, cls[C_TOK][0], cls[C_BOARD][0], years, ny, &sum) != ODT_OK) {
        free(frac);
        st = cr_fail(&c, ODT_ERR_VALUE, "the cost model refuses the run's figures: %s", why);
        goto done;
    }

    /* the claims' inputs */
    double max_ecl = 0.0;
    double last_day = -1.0, season_days = 0.0;
    for (hsize_t q = 0; q < ne; ++q) {
        if ((int)e_kind[q] != 1)
            continue;
        if ((int)e_comp[q] == 1 && e_dur[q] > max_ecl)
            max_ecl = e_dur[q];
    }
    /* days with an umbra pass: the rows are sorted by time */
    for (hsize_t q = 0; q < ne; ++q)
        if ((int)e_kind[q] == 1) {
            const double day = floor(e_start[q] / ODT_SEC_PER_DAY);
            if (day != last_day)
                season_days += 1.0, last_day = day;
        }
    char orbit[200];
    snprintf(orbit, sizeof orbit, "%.0f km, %.1f deg inclination (first fleet entry)%s",
             n ? a_km[0] - ODT_EARTH_RADIUS_KM : NAN, n ? inc[0] * ODT_RAD2DEG : NAN,
             nc > 1 ? "; more entries in the file" : "");
    struct odt_claims_input ci;
    memset(&ci, 0, sizeof ci);
    ci.sunlit_fraction = w_el > 0.0 ? w_sun / w_el : NAN;
    ci.max_eclipse_s = max_ecl;
    ci.eclipse_season_days = season_days;
    ci.battery_wh_needed = odt_battery_eclipse_energy_j(cls[C_COMPUTE][0] + cls[C_BUS][0], max_ecl, eta_d) / 3600.0;
    ci.battery_wh_installed = cls[C_BATT][0] * (soc_max - soc_min) / 3600.0;
    ci.unserved_fraction_without_battery = NAN;
    ci.accel_failed_fraction = acc_launched_all > 0.0 ? failed / acc_launched_all : NAN;
    ci.burn_in_h = cls[C_BURN][0] / 3600.0;
    ci.capacity_lost_failures_fraction = w_ideal > 0.0 ? w_lost / w_ideal : NAN;
    ci.inference_fraction = 1.0;
    ci.horizon_years = horizon / YEAR_S;
    ci.first_year = first_year;
    ci.orbit_text = orbit;
    ci.years = years;
    ci.n_years = ny;
    ci.sum = &sum;
    ci.econ = &ep;
    struct odt_claim_row rows[ODT_CLAIM_N];
    odt_claims_evaluate(&ci, rows);

    if (json) {
        fprintf(out, "{\"file\": \"");
        for (const char *p = path; *p; ++p)
            fprintf(out, (*p == '"' || *p == '\\') ? "\\%c" : ((unsigned char)*p < 0x20 ? "?" : "%c"), *p);
        fprintf(out, "\", \"years\": [");
        for (int k = 0; k < ny; ++k) {
            const struct odt_econ_year *y = &years[k];
            fprintf(out, "%s{", k ? ", " : "");
            json_num(out, "year", y->year, 1);
            json_num(out, "year_fraction", frac[k], 1);
            json_num(out, "launches", y->launches, 1);
            json_num(out, "satellites_launched", y->satellites_launched, 1);
            json_num(out, "mass_launched_kg", y->mass_launched_kg, 1);
            json_num(out, "satellites_in_service", y->satellites_in_service, 1);
            json_num(out, "satellites_retired", y->satellites_retired, 1);
            json_num(out, "compute_power_w", y->compute_power_w, 1);
            json_num(out, "compute_power_added_w", y->compute_power_added_w, 1);
            json_num(out, "token_capacity", y->token_capacity, 1);
            json_num(out, "tokens_delivered", y->tokens_delivered, 1);
            json_num(out, "tokens_demanded", y->tokens_demanded, 1);
            json_num(out, "accelerators_failed", y->accelerators_failed, 1);
            json_num(out, "launch_price_per_kg", y->launch_price_per_kg, 1);
            json_num(out, "cost_year", y->cost_year, 1);
            json_num(out, "cost_cumulative", y->cost_cumulative, 1);
            json_num(out, "space_per_mtok", y->space_per_mtok, 1);
            json_num(out, "ground_per_mtok", y->ground_per_mtok, 1);
            json_num(out, "ground_compute_w", y->ground_compute_w, 0);
            fprintf(out, "}");
        }
        fprintf(out, "], \"summary\": {");
        json_num(out, "space_per_mtok", sum.space_per_mtok, 1);
        json_num(out, "ground_per_mtok", sum.ground_per_mtok, 1);
        json_num(out, "breakeven_launch_per_kg", sum.breakeven_launch_per_kg, 1);
        json_num(out, "crossover_year", sum.crossover_year, 1);
        json_num(out, "cost_cumulative", sum.cost_cumulative, 1);
        json_num(out, "tokens_delivered", sum.tokens_delivered, 1);
        json_num(out, "mass_launched_kg", mass_launched, 1);
        json_num(out, "satellites_launched", sats_launched, 0);
        fprintf(out, "}, ");
        char *cj = odt_claims_json(rows);
        const char *a = cj ? strchr(cj, '[') : NULL, *b = cj ? strrchr(cj, ']') : NULL;
        if (a && b && b > a)
            fprintf(out, "\"claims\": %.*s}\n", (int)(b - a + 1), a);
        else
            fprintf(out, "\"claims\": []}\n");
        free(cj);
    } else {
        fprintf(out, "odtwin report --claims: %s\n", path);
        fprintf(out, "  horizon %.2f years from %.2f; orbit %s; years are Julian years from the epoch (a partial "
                     "last year gives tokens and failures as rates per year, launches and costs as counted)\n", horizon / YEAR_S, first_year, orbit);
        fprintf(out, "\nFleet growth and cost per year\n");
        fprintf(out, "  %-8s %9s %11s %11s %10s %10s %12s %12s %11s %11s %11s\n", "year", "launches", "sats_launch",
                "in_service", "retired", "orbit_GW", "tokens", "launch_$/kg", "cost_$", "space_$/Mt", "ground_$/Mt");
        for (int k = 0; k < ny; ++k) {
            const struct odt_econ_year *y = &years[k];
            fprintf(out, "  %-8.2f %9.0f %11.0f %11.0f %10.0f %10.4f %12.4g %12.1f %11.4g %11.4g %11.4g%s\n", y->year,
                    y->launches, y->satellites_launched, y->satellites_in_service, y->satellites_retired,
                    y->compute_power_w / 1e9, y->tokens_delivered, y->launch_price_per_kg, y->cost_year,
                    y->space_per_mtok, y->ground_per_mtok, frac[k] < 1.0 - 1e-9 ? " (partial year: tokens per year)" : "");
        }
        fprintf(out, "\nOver the horizon\n");
        fprintf(out, "  satellites launched     %.0f (%.1f t)\n", sats_launched, mass_launched / 1e3);
        fprintf(out, "  cost spent              %.4g $\n", sum.cost_cumulative);
        fprintf(out, "  tokens delivered        %.4g%s\n", sum.tokens_delivered,
                frac[ny - 1] < 1.0 - 1e-9 ? " (the partial year as its rate per year)" : "");
        fprintf(out, "  cost per Mtoken         space %.4g $, ground reference %.4g $\n", sum.space_per_mtok,
                sum.ground_per_mtok);
        if (isfinite(sum.breakeven_launch_per_kg))
            fprintf(out, "  break-even launch price %.1f $/kg (space = ground over the horizon)\n",
                    sum.breakeven_launch_per_kg);
        else
            fprintf(out, "  break-even launch price none: space costs more than the ground even with free launch\n");
        if (isfinite(sum.crossover_year))
            fprintf(out, "  orbit additions > ground cumulative from %.2f\n", sum.crossover_year);
        else
            fprintf(out, "  orbit additions > ground cumulative: not within the horizon\n");
        fprintf(out, "\nClaims (February 2026 interview; rules in docs/economics.md)\n");
        for (int k = 0; k < ODT_CLAIM_N; ++k) {
            fprintf(out, "  %d. %s\n", rows[k].id, rows[k].claim);
            fprintf(out, "     figure   %s\n", rows[k].figure);
            fprintf(out, "     rests on %s\n", rows[k].rests_on);
            fprintf(out, "     verdict  %s\n", rows[k].verdict);
        }
    }
    free(frac);
done:
    free(time), free(demand), free(sis), free(aw), free(cap), free(served);
    free(l_t), free(l_shell), free(l_sat), free(l_mass), free(weight), free(launch), free(retire);
    free(f_sat), free(f_kind), free(f_num), free(f_t), free(e_kind), free(e_start), free(e_dur), free(e_comp);
    free(sun_t), free(el_t), free(lost), free(ideal), free(a_km), free(inc), free(shell);
    for (int k = 0; k < 10; ++k)
        free(cls[k]);
    free(years);
    return st;
}
