/*
 * step.h: the per-satellite step, composed once from the orbit and
 * power/thermal models. The OpenMP backend calls odt_sat_advance in a loop
 * over satellites; the CUDA kernel calls it from one thread per satellite.
 *
 * A satellite's state is loaded into locals, advanced through k steps, and
 * stored once, so a GPU thread keeps it in registers for the whole launch.
 */
#ifndef ODT_STEP_H
#define ODT_STEP_H

#include "orbit/odt_defs.h"
#include "orbit/kepler.h"
#include "orbit/shadow.h"
#include "orbit/sgp4.h"
#include "orbit/eclipse.h"
#include "power_thermal/solar.h"
#include "power_thermal/array.h"
#include "power_thermal/battery.h"
#include "power_thermal/thermal_network.h"
#include "power_thermal/accelerator.h"
#include "power_thermal/queue.h"
#include "power_thermal/reliability.h"
#include "power_thermal/rng.h"
#include "kernels/dispatch.h"
#include "kernels/fleet.h"

/*
 * odt_sat_position: position r (km) and velocity v (km/s) in GCRS axes of
 * satellite i at the step input x. Returns 0, or the SGP4 error code, in
 * which case r and v are left unchanged.
 */
ODT_HD static inline int odt_sat_position(size_t i, const struct odt_fleet *f, const struct odt_kepler *kep,
                                          const struct odt_step_config *cfg, const struct odt_step_input *x,
                                          struct odt_sgp4_resonance *res, double r[3], double v[3])
{
    if (f->propagator[i] != ODT_PROP_SGP4) {
        odt_kepler_state(kep, x->t_s, cfg->mu_km3_s2, r, v);
        return 0;
    }
    double rt[3], vt[3];
    const int e = odt_sgp4_propagate(&f->sgp4[f->sgp4_index[i]], res, f->sgp4_offset_min[i] + x->t_s / 60.0, rt, vt);
    if (e != ODT_SGP4_OK)
        return e;
    for (int a = 0; a < 3; ++a) {
        r[a] = x->teme_to_gcrs[a][0] * rt[0] + x->teme_to_gcrs[a][1] * rt[1] + x->teme_to_gcrs[a][2] * rt[2];
        v[a] = x->teme_to_gcrs[a][0] * vt[0] + x->teme_to_gcrs[a][1] * vt[1] + x->teme_to_gcrs[a][2] * vt[2];
    }
    return 0;
}

/*
 * odt_sat_eclipse_events: refine the shadow boundaries crossed by satellite i
 * between the end of the previous step (t0 = x->t_s - dt, Sun of `prev`) and
 * x->t_s, and append them to its event buffer (slots used *count, lost
 * *lost). Called only when the illuminated fraction changed class; `crossed`
 * (odt_eclipse_classify of the two fractions) decides which boundaries were
 * crossed, so that entries and exits always alternate as the recorded
 * fractions do. The root finder gives their times; a boundary it cannot
 * bracket (the fraction and the smooth shadow function disagree by rounding
 * within ~1e-7 rad of a boundary) is dated at the end of the step.
 */
ODT_HD static inline void odt_sat_eclipse_events(size_t i, const struct odt_fleet *f, const struct odt_kepler *kep,
                                                 const struct odt_step_config *cfg, const struct odt_step_input *prev,
                                                 const struct odt_step_input *x, int crossed, int *count, int *lost)
{
    struct odt_eclipse_config ec;
    ec.shadow_model = cfg->shadow_model;
    ec.earth_shape = cfg->earth_shape;
    ec.re_km = cfg->re_km;
    ec.flattening = cfg->flattening;
    ec.mu_km3_s2 = cfg->mu_km3_s2;
    ec.tol_s = cfg->eclipse_tol_s;
    ec.detect_in_step = 0;
    struct odt_eclipse_sgp4 sg;
    const void *elements = kep;
    int prop = ODT_ECLIPSE_PROP_KEPLER_J2;
    if (f->propagator[i] == ODT_PROP_SGP4) {
        sg.rec = &f->sgp4[f->sgp4_index[i]];
        sg.offset_min = f->sgp4_offset_min[i];
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b)
                sg.teme_to_gcrs[a][b] = x->teme_to_gcrs[a][b];
        elements = &sg;
        prop = ODT_ECLIPSE_PROP_SGP4;
    }
    struct odt_eclipse_event ev[ODT_ECLIPSE_MAX_EVENTS];
    int nev = 0;
    odt_eclipse_events_step(&ec, prop, elements, x->t_s - x->dt_s, prev->sun_unit, prev->sun_dist_km, x->t_s,
                            x->sun_unit, x->sun_dist_km, ev, &nev);
    const size_t n = f->n;
    int covered = 0;
    for (int e = 0; e <= nev; ++e) {
        /* the refined events limited to the boundaries crossed, then any crossed boundary left, at t1 */
        const int kind = e < nev ? (ev[e].kind & crossed) : (crossed & ~covered);
        const double when = e < nev ? ev[e].t_s : x->t_s;
        if (kind == ODT_ECL_NONE)
            continue;
        covered |= kind;
        if (*count < ODT_ECL_SLOTS) {
            f->eclipse_kind[(size_t)*count * n + i] = kind;
            f->eclipse_time[(size_t)*count * n + i] = when;
            ++*count;
        } else {
            ++*lost;
        }
    }
}

/* A compute node's state while its satellite advances (loaded once, stored once). */
struct odt_node_state {
    struct odt_rel_state rel;
    struct odt_queue_state queue;
    double cap_start;   /* capacity at the start of the call, tokens/s: the node's dispatch weight */
    double capacity;    /* capacity of the last step, tokens/s */
    double served_rate; /* tokens/s served in the last step */
    double latency_s;   /* latency estimate of the last step */
    int in_saa;
    double cap_ideal, lost_power, lost_heat, lost_failures; /* cumulative capacity accounting, tokens */
    int ev_count, ev_lost;
    double hazard_bound; /* failure hazard at the call's start: a bound for its steps (odt_rel_step_bounded) */
};

ODT_HD static inline void odt_node_state_load(size_t i, const struct odt_fleet *f, struct odt_node_state *ns)
{
    ns->rel.n_working = f->accel_working[i];
    ns->rel.n_spares = f->accel_spares[i];
    ns->rel.n_failed = f->accel_failed[i];
    ns->rel.n_interrupts = f->restarts[i];
    ns->rel.age_s = f->accel_age[i];
    ns->rel.downtime_s = f->downtime_left[i];
    ns->queue.waiting = f->queue_waiting[i];
    ns->queue.arrival_carry = f->queue_arrival_carry[i];
    ns->queue.capacity_carry = f->queue_capacity_carry[i];
    ns->queue.arrived = f->tokens_arrived[i];
    ns->queue.served = f->tokens_served[i];
    ns->queue.dropped = f->tokens_dropped[i];
    ns->cap_start = ns->capacity = f->capacity[i];
    ns->served_rate = f->served_rate[i];
    ns->latency_s = f->latency[i];
    ns->in_saa = f->in_saa[i];
    ns->cap_ideal = f->capacity_ideal[i];
    ns->lost_power = f->capacity_lost_power[i];
    ns->lost_heat = f->capacity_lost_heat[i];
    ns->lost_failures = f->capacity_lost_failures[i];
    ns->ev_count = 0;
    ns->ev_lost = f->rel_events_lost[i];
}

ODT_HD static inline void odt_node_state_store(size_t i, const struct odt_fleet *f, const struct odt_node_state *ns)
{
    f->accel_working[i] = ns->rel.n_working;
    f->accel_spares[i] = ns->rel.n_spares;
    f->accel_failed[i] = ns->rel.n_failed;
    f->restarts[i] = ns->rel.n_interrupts;
    f->accel_age[i] = ns->rel.age_s;
    f->downtime_left[i] = ns->rel.downtime_s;
    f->queue_waiting[i] = ns->queue.waiting;
    f->queue_arrival_carry[i] = ns->queue.arrival_carry;
    f->queue_capacity_carry[i] = ns->queue.capacity_carry;
    f->tokens_arrived[i] = ns->queue.arrived;
    f->tokens_served[i] = ns->queue.served;
    f->tokens_dropped[i] = ns->queue.dropped;
    f->capacity[i] = ns->capacity;
    f->served_rate[i] = ns->served_rate;
    f->latency[i] = ns->latency_s;
    f->in_saa[i] = ns->in_saa;
    f->capacity_ideal[i] = ns->cap_ideal;
    f->capacity_lost_power[i] = ns->lost_power;
    f->capacity_lost_heat[i] = ns->lost_heat;
    f->capacity_lost_failures[i] = ns->lost_failures;
    f->rel_count[i] = ns->ev_count;
    f->rel_events_lost[i] = ns->ev_lost;
}

ODT_HD static inline void odt_node_event(size_t i, const struct odt_fleet *f, struct odt_node_state *ns, int kind,
                                         int number, double t_s)
{
    if (ns->ev_count >= ODT_REL_SLOTS) {
        ++ns->ev_lost;
        return;
    }
    const size_t at = (size_t)ns->ev_count * f->n + i;
    f->rel_kind[at] = kind;
    f->rel_number[at] = number;
    f->rel_time[at] = t_s;
    ++ns->ev_count;
}

/*
 * odt_node_step: one step of satellite i's compute node. In order: failures
 * and radiation restarts (Philox keyed by seed and satellite, the step as
 * counter; the restart rate multiplied inside the South Atlantic Anomaly);
 * the tokens dispatched to the node (its share from its capacity at the start
 * of the advance call); the compute power budget from what the array and the
 * battery can supply after the bus, throttled by the payload temperature; the
 * capacity at that budget while the node is up; the queue; and the power the
 * tokens served need. Returns that power (W); accounts the capacity lost to
 * power, heat and failures against all accelerators at full power.
 */
ODT_HD static inline double odt_node_step(size_t i, const struct odt_fleet *f, const struct odt_sat_class *c,
                                          const struct odt_step_config *cfg, const struct odt_step_input *x,
                                          const double r[3], double e_batt_j, double p_solar_w, double t_payload_k,
                                          struct odt_node_state *ns)
{
    const double dt = x->dt_s;
    const struct odt_node_spec *spec = &c->node;

    /* reliability */
    double u[4];
    odt_rng_uniform(cfg->seed, (uint32_t)i, (uint64_t)x->step_index, ODT_RNG_STREAM_RELIABILITY, u);
    double ecef[3], lat, lon, alt;
    odt_ecef_from_gcrs_approx(r, x->era_rad, ecef);
    odt_latlon_from_ecef(ecef, &lat, &lon, &alt);
    ns->in_saa = odt_in_saa(lat, lon, alt);
    struct odt_rel_step_out ro;
    odt_rel_step_bounded(&c->rel, &ns->rel, dt, ns->in_saa, u, ns->hazard_bound, &ro);
    if (ro.failed > 0)
        odt_node_event(i, f, ns, ODT_REL_FAILURE, ro.failed, x->t_s);
    if (ro.interrupt_started)
        odt_node_event(i, f, ns, ODT_REL_RESTART, 1, x->t_s);
    const int n_work = ns->rel.n_working;

    /* the power the compute may use: the array, and the battery down to its floor, after the bus */
    const struct odt_battery_params *b = &c->battery;
    const double e_avail = e_batt_j - b->soc_min * b->capacity_j;
    double p_batt = e_avail > 0.0 ? b->p_discharge_max_w : 0.0;
    if (dt > 0.0 && e_avail * b->eta_discharge / dt < p_batt)
        p_batt = e_avail > 0.0 ? e_avail * b->eta_discharge / dt : 0.0;
    const double p_supply = p_solar_w + p_batt;
    const double budget_cool = odt_node_spec_compute_budget_w(spec, n_work, p_supply, 0.0);
    const double budget = odt_node_spec_compute_budget_w(spec, n_work, p_supply, t_payload_k);

    /* capacity while up, and what was lost against every accelerator at full power */
    const double up = ro.up_fraction;
    const double cap_ideal = odt_node_spec_capacity_full(spec, spec->n_accel);
    const double cap_working = odt_node_spec_capacity_full(spec, n_work);
    const double cap_cool = odt_node_spec_capacity(spec, n_work, budget_cool);
    const double cap_budget = odt_node_spec_capacity(spec, n_work, budget);
    ns->capacity = cap_budget * up;
    ns->cap_ideal += cap_ideal * dt;
    ns->lost_failures += (cap_ideal - cap_working + cap_budget * (1.0 - up)) * dt;
    ns->lost_power += (cap_working - cap_cool) * dt;
    ns->lost_heat += (cap_cool - cap_budget) * dt;

    /* the queue: this step's share of the demand, served at the capacity */
    const double arrivals = (double)odt_dispatch_node_tokens((enum odt_dispatch_policy)cfg->dispatch,
                                                             x->demand_factor, ns->cap_start, ns->cap_start > 0.0);
    struct odt_queue_step_out qo;
    odt_queue_step(&c->queue, &ns->queue, arrivals, ns->capacity * dt, dt, &qo);
    ns->served_rate = dt > 0.0 ? qo.served / dt : 0.0;
    ns->latency_s = qo.latency_s;

    /* power for the tokens served: the accelerators at the clock that serves them while up */
    if (n_work <= 0 || up <= 0.0)
        return 0.0;
    const double need = up * odt_node_spec_power_for_tokens(spec, n_work, ns->served_rate / up);
    return need < budget ? need : budget;
}

/*
 * odt_sat_advance: advance satellite i of fleet f through the k steps in[0..k-1].
 * classes: the class table; cfg: fleet-wide settings. Reads PARAM and STATE
 * fields, writes STATE, OUT and EVENT fields of satellite i only.
 *
 * Per step: position (Kepler+J2 or SGP4, GCRS axes) -> illuminated fraction
 * (and, where it changed, the refined eclipse events) -> array output at the
 * array node's temperature -> compute node (failures, restarts, dispatch,
 * power budget, throttle, queue; odt_node_step) -> power balance (battery,
 * load, curtailment) -> thermal network (environment loads, every watt used
 * ends as heat) -> energy accounting.
 *
 * The per-class constants of the thermal network (odt_tn_prepare: validation,
 * radiative coefficients, conductances, face geometry) and of the array's
 * yearly degradation are derived once per call, not per step.
 *
 * A satellite whose propagation fails (an SGP4 error: decayed, invalid
 * elements) becomes inactive with that code: it keeps its last valid position
 * and velocity and neither produces nor uses power from then on.
 */
ODT_HD static inline void odt_sat_advance(size_t i, const struct odt_fleet *f, const struct odt_sat_class *classes,
                                          const struct odt_step_config *cfg, const struct odt_step_input *in, int k)
{
    const size_t n = f->n;
    struct odt_kepler kep;
    kep.a_km = f->a_km[i];
    kep.ecc = f->ecc[i];
    kep.inc_rad = f->inc_rad[i];
    kep.raan0_rad = f->raan0_rad[i];
    kep.argp0_rad = f->argp0_rad[i];
    kep.m0_rad = f->m0_rad[i];
    kep.mdot_rad_s = f->mdot_rad_s[i];
    kep.raandot_rad_s = f->raandot_rad_s[i];
    kep.argpdot_rad_s = f->argpdot_rad_s[i];
    const struct odt_sat_class *c = &classes[f->cls[i]];
    /* per-class constants of the thermal network, derived (and validated) once per call */
    struct odt_tn_prep tnp;
    const int tn_valid = odt_tn_prepare(&c->thermal, &tnp) == ODT_OK;
    const double array_log_keep = odt_array_log_keep(&c->array);

    double e_batt = f->battery_energy[i];
    double tn[ODT_TN_MAX_NODES];
    for (int d = 0; d < ODT_TN_MAX_NODES; ++d)
        tn[d] = d < ODT_TN_N_DEFAULT ? f->node_temperature[(size_t)d * n + i] : 0.0;
    double e_solar = f->energy_solar[i], e_demand = f->energy_demand[i], e_served = f->energy_served[i];
    double e_charge = f->energy_charge[i], e_discharge = f->energy_discharge[i];
    double e_curt = f->energy_curtailed[i], e_unserved = f->energy_unserved[i], e_loss = f->energy_loss[i];
    double t_sun = f->sunlit_time[i], t_elapsed = f->elapsed_time[i], t_over = f->time_over_limit[i];
    double r[3], v[3];
    for (int d = 0; d < 3; ++d) {
        r[d] = f->position[d * n + i];
        v[d] = f->velocity[d * n + i];
    }
    struct odt_sgp4_resonance res;
    res.atime = f->sgp4_res_atime[i];
    res.xli = f->sgp4_res_xli[i];
    res.xni = f->sgp4_res_xni[i];
    int status = f->status[i];
    int ecl_count = 0, ecl_lost = f->eclipse_lost[i];
    struct odt_node_state ns;
    odt_node_state_load(i, f, &ns);
    ns.hazard_bound = odt_rel_hazard(&c->rel, c->rel.burn_in_s + ns.rel.age_s);
    if (!(ns.hazard_bound < HUGE_VAL))
        ns.hazard_bound = HUGE_VAL; /* at age 0 without burn-in the infant hazard is unbounded */
    double illum = f->illumination[i], p_solar = 0.0, p_compute = 0.0, cos_inc = 0.0;
    struct odt_power_flows fl = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    struct odt_tn_flows th;
    th.absorbed_w = th.radiated_w = 0.0;

    for (int s = 0; s < k && status == 0; ++s) {
        const struct odt_step_input *x = &in[s];
        const double dt = x->dt_s;
        status = odt_sat_position(i, f, &kep, cfg, x, &res, r, v);
        if (status != 0) {
            illum = p_solar = p_compute = cos_inc = 0.0;
            fl.p_served_w = fl.p_charge_w = fl.p_discharge_w = fl.p_curtailed_w = fl.p_unserved_w = fl.p_loss_w = 0.0;
            th.absorbed_w = th.radiated_w = 0.0;
            break;
        }

        /* shadow, and the eclipse events of this step where the shadow class changed */
        const double illum_prev = illum;
        illum = cfg->earth_shape == ODT_EARTH_OBLATE
                    ? odt_illumination_ellipsoid(cfg->shadow_model, r, x->sun_unit, x->sun_dist_km, cfg->re_km,
                                                 cfg->flattening)
                    : odt_illumination(cfg->shadow_model, r, x->sun_unit, x->sun_dist_km, cfg->re_km);
        const int crossed = odt_eclipse_classify(illum_prev, illum);
        if (dt > 0.0 && crossed != ODT_ECL_NONE)
            odt_sat_eclipse_events(i, f, &kep, cfg, s > 0 ? &in[s - 1] : x, x, crossed, &ecl_count, &ecl_lost);

        /* array, at the temperature of the array node */
        const double irr = odt_solar_irradiance(x->sun_dist_km);
        const double years = x->t_s / (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY);
        cos_inc = odt_array_cos_incidence(&c->array, r, v, x->sun_unit);
        odt_array_output_at(&c->array, irr, illum, cos_inc, tn[ODT_TN_ARRAY],
                            odt_array_life_factor(array_log_keep, years), c->array_fluence_per_yr * years, &p_solar,
                            NULL);

        /* the compute node, then the power balance of its load and the bus (the bus is served first) */
        const double p_want = odt_node_step(i, f, c, cfg, x, r, e_batt, p_solar, tn[ODT_TN_PAYLOAD], &ns);
        const double load = p_want + c->node.bus_power_w;
        odt_power_balance(&c->battery, p_solar, load, dt, &e_batt, &fl);
        const double p_rest = fl.p_served_w - c->node.bus_power_w;
        p_compute = p_rest <= 0.0 ? 0.0 : (p_rest < p_want ? p_rest : p_want);

        /* heat: the array gives up the electricity taken from it (before the power conditioning, whose
           losses heat the bus); every watt used ends as heat in the payload or the bus */
        const double p_used = p_solar - fl.p_curtailed_w;
        const double p_array_out = p_used / c->array.pcu_efficiency;
        double q[ODT_TN_MAX_NODES];
        odt_tn_internal_loads(p_array_out, p_compute, fl.p_served_w - p_compute + (p_array_out - p_used),
                              fl.p_loss_w, q);
        struct odt_tn_sky sky;
        odt_tn_sky_set(&sky, r, x->sun_unit, irr, illum, cos_inc);
        if (tn_valid) /* as odt_tn_step: invalid parameters leave the temperatures and th unchanged */
            odt_tn_step_prepared(&tnp, q, &sky, tn, dt, &th);
        if (tn[ODT_TN_PAYLOAD] > c->thermal.t_limit_payload_k)
            t_over += dt;

        e_solar += p_solar * dt;
        e_demand += load * dt;
        e_served += fl.p_served_w * dt;
        e_charge += fl.p_charge_w * dt;
        e_discharge += fl.p_discharge_w * dt;
        e_curt += fl.p_curtailed_w * dt;
        e_unserved += fl.p_unserved_w * dt;
        e_loss += fl.p_loss_w * dt;
        t_sun += illum * dt;
        t_elapsed += dt;
    }

    f->status[i] = status;
    f->sgp4_res_atime[i] = res.atime;
    f->sgp4_res_xli[i] = res.xli;
    f->sgp4_res_xni[i] = res.xni;
    f->battery_energy[i] = e_batt;
    for (int d = 0; d < ODT_TN_N_DEFAULT; ++d)
        f->node_temperature[(size_t)d * n + i] = tn[d];
    f->temperature[i] = tn[ODT_TN_PAYLOAD];
    f->time_over_limit[i] = t_over;
    f->energy_solar[i] = e_solar;
    f->energy_demand[i] = e_demand;
    f->energy_served[i] = e_served;
    f->energy_charge[i] = e_charge;
    f->energy_discharge[i] = e_discharge;
    f->energy_curtailed[i] = e_curt;
    f->energy_unserved[i] = e_unserved;
    f->energy_loss[i] = e_loss;
    f->sunlit_time[i] = t_sun;
    f->elapsed_time[i] = t_elapsed;
    for (int d = 0; d < 3; ++d) {
        f->position[d * n + i] = r[d];
        f->velocity[d * n + i] = v[d];
    }
    f->illumination[i] = illum;
    f->array_cos_incidence[i] = cos_inc;
    f->heat_absorbed[i] = th.absorbed_w;
    f->heat_radiated[i] = th.radiated_w;
    f->solar_power[i] = p_solar;
    f->load_power[i] = fl.p_served_w;
    f->compute_power[i] = p_compute;
    f->battery_power[i] = fl.p_charge_w - fl.p_discharge_w;
    f->curtailed_power[i] = fl.p_curtailed_w;
    f->unserved_power[i] = fl.p_unserved_w;
    f->eclipse_count[i] = ecl_count;
    f->eclipse_lost[i] = ecl_lost;
    if (status != 0)
        ns.capacity = ns.served_rate = 0.0; /* an inactive satellite takes no demand */
    odt_node_state_store(i, f, &ns);
}

#endif /* ODT_STEP_H */
