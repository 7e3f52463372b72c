/* fleet_build.c: constellation generation from the scenario's fleet entries. */
#define _POSIX_C_SOURCE 200809L /* sysconf */

#include "host/fleet_build.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "orbit/constellation.h"
#include "orbit/kepler.h"
#include "orbit/sgp4.h"

void odt_fleet_meta_free(struct odt_fleet_meta *m)
{
    free(m->id);
    free(m->shell);
    free(m->plane);
    free(m->slot);
    free(m->catalog_number);
    free(m->name);
    free(m->classes);
    free(m->sat_mass_kg);
    free(m->launches);
    memset(m, 0, sizeof *m);
}

double odt_fleet_memory_bytes(double n, double n_sgp4)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    double per_sat = 0.0;
    for (int k = 0; k < nf; ++k)
        per_sat += (double)fi[k].elem_size * (double)fi[k].ncomp;
    const double meta = 5.0 * sizeof(int32_t) + ODT_SAT_NAME_LEN; /* id, shell, plane, slot, catalog number, name */
    return ODT_FLEET_COPIES * (per_sat * n + (double)sizeof(struct odt_sgp4) * n_sgp4) + meta * n;
}

double odt_physical_memory_bytes(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : HUGE_VAL;
}

enum odt_status odt_fleet_check_memory(const struct odt_scenario *sc, double phys_bytes, char *err, size_t errlen)
{
    double n = 0.0, n_sgp4 = 0.0, total = 0.0, total_sgp4 = 0.0;
    int line = 0;
    for (int s = 0; s < sc->n_shells; ++s) {
        const struct odt_shell_spec *e = &sc->shells[s];
        const double k = (double)e->planes * (double)e->slots;
        total += k;
        total_sgp4 += e->source == ODT_SOURCE_CATALOG ? k : 0.0;
    }
    for (int s = 0; s < sc->n_shells && !line; ++s) {
        const struct odt_shell_spec *e = &sc->shells[s];
        n += (double)e->planes * (double)e->slots;
        n_sgp4 += e->source == ODT_SOURCE_CATALOG ? (double)e->planes * (double)e->slots : 0.0;
        if (odt_fleet_memory_bytes(n, n_sgp4) > phys_bytes)
            line = e->line > 0 ? e->line : 1;
    }
    if (!line)
        return ODT_OK;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    snprintf(err, errlen, "%s:%d: the fleet of %.0f satellites needs about %.1f GiB, more than this machine's %.1f GiB",
             sc->file, line, total, odt_fleet_memory_bytes(total, total_sgp4) / gib, phys_bytes / gib);
    return ODT_ERR_NOMEM;
}

void odt_backend_config_init(struct odt_backend_config *cfg, const struct odt_scenario *sc,
                             const struct odt_fleet *f, const struct odt_fleet_meta *m, int max_steps, int threads)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n = f->n;
    cfg->n_sgp4 = f->n_sgp4;
    cfg->classes = m->classes;
    cfg->n_classes = m->n_classes;
    cfg->step.shadow_model = sc->shadow_model;
    cfg->step.earth_shape = sc->earth_shape;
    cfg->step.mu_km3_s2 = ODT_EARTH_MU_KM3_S2;
    cfg->step.re_km = ODT_EARTH_RADIUS_KM;
    cfg->step.flattening = ODT_EARTH_FLATTENING;
    cfg->step.eclipse_tol_s = 1e-3;
    cfg->step.seed = sc->seed;
    cfg->step.dispatch = sc->dispatch;
    cfg->max_steps = max_steps;
    cfg->threads = threads;
}

void odt_fleet_sat_mass(const struct odt_shell_spec *spec, const struct odt_sat_class *c,
                        struct odt_mass_breakdown *b)
{
    struct odt_mass_inputs in;
    in.array_area_m2 = c->array.area_m2;
    in.radiator_area_m2 = c->thermal.face[ODT_TN_RADIATOR][ODT_TN_FRONT].area_m2; /* the panel, whatever its
                                                                                 radiating faces */
    in.battery_capacity_wh = c->battery.capacity_j / 3600.0;
    in.accelerators = c->node.n_accel + c->node.n_spares;
    in.compute_power_w = (double)c->node.n_accel * c->node.type.board_power_w;
    if (odt_mass_satellite(&spec->sat.mass, &in, b) != ODT_OK)
        memset(b, 0, sizeof *b), b->total_kg = NAN;
}

/* Shell geometry of a fleet entry; sun_ra_rad is the Sun's right ascension at the epoch. */
static enum odt_status shell_geometry(const struct odt_scenario *sc, const struct odt_shell_spec *s,
                                      double sun_ra_rad, struct odt_shell *g, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->a_km = ODT_EARTH_RADIUS_KM + s->altitude_km;
    g->ecc = s->eccentricity;
    g->planes = s->planes;
    g->slots = s->slots;
    g->phasing = s->phasing;
    if (s->source == ODT_SOURCE_SSO) {
        g->inc_rad = odt_sso_inclination(g->a_km, g->ecc, ODT_EARTH_MU_KM3_S2, ODT_EARTH_RADIUS_KM, ODT_EARTH_J2);
        if (isnan(g->inc_rad)) {
            snprintf(err, errlen, "%s:%d: fleet entry '%s': no sun-synchronous orbit exists at %.0f km", sc->file,
                     s->line, s->name, s->altitude_km);
            return ODT_ERR_VALUE;
        }
        /* planes centred on ltan_h, spread evenly over ltan_spread_h hours of local time */
        const double first = s->ltan_h - 0.5 * s->ltan_spread_h + 0.5 * s->ltan_spread_h / s->planes;
        g->raan0_rad = odt_ltan_raan(first, sun_ra_rad);
        g->raan_spread_rad = s->ltan_spread_h * (ODT_PI / 12.0);
    } else {
        g->inc_rad = s->inclination_deg * ODT_DEG2RAD;
        g->raan0_rad = s->raan_deg * ODT_DEG2RAD;
        g->raan_spread_rad = s->pattern == ODT_WALKER_STAR ? ODT_PI : ODT_TWOPI;
    }
    return ODT_OK;
}

/* A satellite name, truncated to the fixed length of the snapshot's name dataset. */
static void set_name(char dst[ODT_SAT_NAME_LEN], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_name(char dst[ODT_SAT_NAME_LEN], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, ODT_SAT_NAME_LEN, fmt, ap);
    va_end(ap);
}

/* What every satellite starts with, whatever its source. */
static void init_satellite(const struct odt_shell_spec *spec, int s, size_t i, struct odt_fleet *f,
                           struct odt_fleet_meta *m)
{
    f->cls[i] = s;
    f->battery_energy[i] = spec->sat.battery_soc_initial * spec->sat.cls.battery.capacity_j;
    f->battery_health[i] = 1.0;
    struct odt_battery_aging_state ag;
    odt_battery_aging_init(&ag, spec->sat.battery_soc_initial);
    f->battery_cycle_fade[i] = ag.cycle_fade;
    f->battery_soc_turn[i] = ag.soc_turn;
    f->battery_soc_ext[i] = ag.soc_ext;
    f->battery_direction[i] = ag.direction;
    for (int d = 0; d < ODT_TN_N_DEFAULT; ++d)
        f->node_temperature[(size_t)d * f->n + i] = spec->sat.initial_temperature_k;
    f->temperature[i] = spec->sat.initial_temperature_k;
    f->illumination[i] = 1.0; /* replaced by the zero-length step at the epoch */
    f->accel_working[i] = spec->sat.cls.node.n_accel;
    f->accel_spares[i] = spec->sat.cls.node.n_spares;
    f->launch_time[i] = 0.0;
    f->retire_time[i] = spec->sat.design_life_s;
    f->weight[i] = 1.0;
    f->life_status[i] = ODT_LIFE_PLANNED; /* in service from the zero-length evaluation at the epoch */
    f->umbra_start[i] = f->shadow_start[i] = NAN; /* no open eclipse interval until it is in service */
    m->id[i] = (int32_t)i;
    m->shell[i] = s;
}

/* Satellite i from a catalogue element set: SGP4 record isg, mean elements for the static data. */
static void add_catalog_satellite(const struct odt_scenario *sc, const struct odt_shell_spec *spec, int s,
                                  const struct odt_elset *el, size_t e, size_t i, size_t isg, struct odt_fleet *f,
                                  struct odt_fleet_meta *m)
{
    init_satellite(spec, s, i, f, m);
    const int code = odt_sgp4_init(&f->sgp4[isg], el, spec->gravity, spec->opsmode == ODT_OPSMODE_AFSPC ? 'a' : 'i');
    /* codes 1 and 2 at initialisation mean unusable elements; others are reported by the first step */
    if (code == ODT_SGP4_ERR_MEAN_ECC || code == ODT_SGP4_ERR_MEAN_MOTION || code == ODT_SGP4_ERR_ARGUMENT)
        f->status[i] = code;
    f->propagator[i] = ODT_PROP_SGP4;
    f->sgp4_index[i] = (int32_t)isg;
    /* minutes from the element epoch to the run epoch (both UTC) */
    f->sgp4_offset_min[i] = ((sc->epoch.utc1 - el->epoch_jd) + (sc->epoch.utc2 - el->epoch_jd_frac)) * 1440.0;
    /* mean elements for the static data (Kozai mean motion -> semi-major axis) */
    const double n_rad_s = el->mean_motion_rev_day * ODT_TWOPI / ODT_SEC_PER_DAY;
    f->a_km[i] = n_rad_s > 0.0 ? cbrt(ODT_EARTH_MU_KM3_S2 / (n_rad_s * n_rad_s)) : 0.0;
    f->ecc[i] = el->eccentricity;
    f->inc_rad[i] = el->inclination_deg * ODT_DEG2RAD;
    f->raan0_rad[i] = el->raan_deg * ODT_DEG2RAD;
    f->argp0_rad[i] = el->arg_perigee_deg * ODT_DEG2RAD;
    f->m0_rad[i] = el->mean_anomaly_deg * ODT_DEG2RAD;
    m->plane[i] = 0;
    m->slot[i] = (int32_t)e;
    m->catalog_number[i] = (int32_t)el->catalog_number;
    if (el->name[0])
        set_name(m->name[i], "%s", el->name);
    else
        set_name(m->name[i], "%ld", el->catalog_number);
}

enum odt_status odt_fleet_build(const struct odt_scenario *sc, struct odt_fleet *f, struct odt_fleet_meta *m,
                                char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    memset(f, 0, sizeof *f);
    /* sizes from the scenario are checked before anything is allocated from them: each entry and the total
       within int32 (scenario.c), the estimate within the physical memory (here) */
    if (odt_scenario_satellites(sc) > (size_t)ODT_SCENARIO_MAX_SATELLITES) {
        snprintf(err, errlen, "%s: the fleet of %zu satellites is more than the limit of %.0f", sc->file,
                 odt_scenario_satellites(sc), ODT_SCENARIO_MAX_SATELLITES);
        return ODT_ERR_VALUE;
    }
    enum odt_status mst = odt_fleet_check_memory(sc, odt_physical_memory_bytes(), err, errlen);
    if (mst != ODT_OK)
        return mst;
    /* the satellites simulated: the launch plans of the generated entries, every catalogue entry */
    size_t n = 0, n_launches = 0;
    struct odt_launch_plan *plans = calloc((size_t)(sc->n_shells > 0 ? sc->n_shells : 1), sizeof *plans);
    m->sat_mass_kg = malloc(sizeof(double) * (size_t)(sc->n_shells > 0 ? sc->n_shells : 1));
    if (!plans || !m->sat_mass_kg) {
        free(plans);
        goto nomem;
    }
    for (int s = 0; s < sc->n_shells; ++s) {
        const struct odt_shell_spec *spec = &sc->shells[s];
        struct odt_mass_breakdown mb;
        odt_fleet_sat_mass(spec, &spec->sat.cls, &mb);
        m->sat_mass_kg[s] = mb.total_kg;
        if (spec->source == ODT_SOURCE_CATALOG) {
            n += spec->catalog.n;
            continue;
        }
        enum odt_status pst = odt_launch_plan_build(sc->file, spec, sc->duration_s, m->sat_mass_kg[s], &plans[s], err,
                                                    errlen);
        if (pst != ODT_OK) {
            for (int q = 0; q < s; ++q)
                odt_launch_plan_free(&plans[q]);
            free(plans);
            odt_fleet_meta_free(m);
            return pst;
        }
        n += plans[s].n_sat;
        n_launches += plans[s].n_launch;
    }
    if ((double)n > ODT_SCENARIO_MAX_SATELLITES ||
        odt_fleet_memory_bytes((double)n, 0.0) > odt_physical_memory_bytes()) {
        snprintf(err, errlen, "%s:%d: the launches put %zu satellites into the run, about %.1f GiB, more than %s",
                 sc->file, sc->shells[0].line > 0 ? sc->shells[0].line : 1, n,
                 odt_fleet_memory_bytes((double)n, 0.0) / (1024.0 * 1024.0 * 1024.0),
                 (double)n > ODT_SCENARIO_MAX_SATELLITES ? "the satellite limit" : "this machine's memory");
        for (int q = 0; q < sc->n_shells; ++q)
            odt_launch_plan_free(&plans[q]);
        free(plans);
        odt_fleet_meta_free(m);
        return ODT_ERR_NOMEM;
    }
    m->launches = malloc(sizeof *m->launches * (n_launches ? n_launches : 1));
    if (!m->launches || odt_fleet_alloc(f, n) != ODT_OK) {
        for (int q = 0; q < sc->n_shells; ++q)
            odt_launch_plan_free(&plans[q]);
        free(plans);
        goto nomem;
    }
    for (int s = 0; s < sc->n_shells; ++s) {
        for (size_t q = 0; q < plans[s].n_launch; ++q) {
            m->launches[m->n_launches] = plans[s].launch[q];
            m->launches[m->n_launches++].shell = s;
        }
        m->launches_not_flown += plans[s].not_flown;
    }
    m->n = n;
    m->id = malloc(sizeof(int32_t) * (n ? n : 1));
    m->shell = malloc(sizeof(int32_t) * (n ? n : 1));
    m->plane = malloc(sizeof(int32_t) * (n ? n : 1));
    m->slot = malloc(sizeof(int32_t) * (n ? n : 1));
    m->catalog_number = malloc(sizeof(int32_t) * (n ? n : 1));
    m->name = calloc(n ? n : 1, sizeof *m->name);
    m->classes = malloc(sizeof *m->classes * (size_t)sc->n_shells);
    if (!m->id || !m->shell || !m->plane || !m->slot || !m->catalog_number || !m->name || !m->classes)
        goto nomem_plans;
    size_t n_sgp4 = 0;
    for (int s = 0; s < sc->n_shells; ++s)
        if (sc->shells[s].source == ODT_SOURCE_CATALOG)
            n_sgp4 += sc->shells[s].catalog.n;
    if (n_sgp4 && odt_fleet_alloc_sgp4(f, n_sgp4) != ODT_OK)
        goto nomem_plans;
    m->n_sgp4 = n_sgp4;
    m->n_classes = sc->n_shells;

    struct odt_step_input at0;
    odt_step_input_at(&sc->epoch, 0.0, 0.0, &at0);
    const double sun_ra = atan2(at0.sun_unit[1], at0.sun_unit[0]);

    size_t i = 0, isg = 0;
    for (int s = 0; s < sc->n_shells; ++s) {
        const struct odt_shell_spec *spec = &sc->shells[s];
        m->classes[s] = spec->sat.cls;
        if (spec->source == ODT_SOURCE_CATALOG) {
            for (size_t e = 0; e < spec->catalog.n; ++e, ++i, ++isg)
                add_catalog_satellite(sc, spec, s, &spec->catalog.entries[e], e, i, isg, f, m);
            continue;
        }
        struct odt_shell g;
        enum odt_status st = shell_geometry(sc, spec, sun_ra, &g, err, errlen);
        if (st != ODT_OK) {
            for (int q = 0; q < sc->n_shells; ++q)
                odt_launch_plan_free(&plans[q]);
            free(plans);
            odt_fleet_free(f);
            odt_fleet_meta_free(m);
            return st;
        }
        for (size_t j = 0; j < plans[s].n_sat; ++j, ++i) {
                const struct odt_plan_sat *ps = &plans[s].sat[j];
                const int p = ps->plane, q = ps->slot;
                struct odt_kepler k;
                odt_shell_elements(&g, p, q, &k);
                odt_kepler_j2_init(&k, ODT_EARTH_MU_KM3_S2, ODT_EARTH_RADIUS_KM, ODT_EARTH_J2);
                f->a_km[i] = k.a_km;
                f->ecc[i] = k.ecc;
                f->inc_rad[i] = k.inc_rad;
                f->raan0_rad[i] = k.raan0_rad;
                f->argp0_rad[i] = k.argp0_rad;
                f->m0_rad[i] = k.m0_rad;
                f->mdot_rad_s[i] = k.mdot_rad_s;
                f->raandot_rad_s[i] = k.raandot_rad_s;
                f->argpdot_rad_s[i] = k.argpdot_rad_s;
                f->sgp4_index[i] = -1;
                init_satellite(spec, s, i, f, m);
                m->plane[i] = p;
                m->slot[i] = q;
                m->catalog_number[i] = -1;
                set_name(m->name[i], "%s-%d-%d", spec->name, p, q);
                f->launch_time[i] = ps->launch_s;
                f->retire_time[i] = ps->retire_s;
                f->weight[i] = ps->weight;
        }
    }
    m->satellites = 0.0;
    for (size_t q = 0; q < n; ++q)
        m->satellites += f->weight[q];
    for (int q = 0; q < sc->n_shells; ++q)
        odt_launch_plan_free(&plans[q]);
    free(plans);
    return ODT_OK;
nomem_plans:
    for (int q = 0; q < sc->n_shells; ++q)
        odt_launch_plan_free(&plans[q]);
    free(plans);
nomem:
    odt_fleet_free(f);
    odt_fleet_meta_free(m);
    snprintf(err, errlen, "%s:%d: out of memory building the fleet of %zu satellites (about %.1f GiB)", sc->file,
             sc->n_shells > 0 && sc->shells[0].line > 0 ? sc->shells[0].line : 1, n,
             odt_fleet_memory_bytes((double)n, 0.0) / (1024.0 * 1024.0 * 1024.0));
    return ODT_ERR_NOMEM;
}
