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

#include <string.h>

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

/* The event slots of one satellite while it advances. */
struct odt_sat_events {
    int count, lost;
};

/* odt_sat_event: record one event row in satellite i's slots (counted as lost when they are full). */
ODT_HD static inline void odt_sat_event(size_t i, const struct odt_fleet *f, struct odt_sat_events *ev, int kind,
                                        int number, double t0_s, double t1_s)
{
    if (ev->count >= ODT_EV_SLOTS) {
        ++ev->lost;
        return;
    }
    const size_t at = (size_t)ev->count * f->n + i;
    f->ev_kind[at] = kind;
    f->ev_number[at] = number;
    f->ev_t0[at] = t0_s;
    f->ev_t1[at] = t1_s;
    ++ev->count;
}

/* The open eclipse intervals of one satellite (STATE fields umbra_start, shadow_start, eclipse_cut). */
struct odt_sat_intervals {
    double umbra_start, shadow_start; /* NaN: none open */
    int cut;                          /* 1: the open umbra began before the run; 2: the open shadow did */
};

/*
 * odt_sat_interval_close: close satellite i's open interval of kind (ODT_EVENT_UMBRA or ODT_EVENT_SHADOW) at
 * t_s and record it; cut_end marks it cut by the end of the run. Shadow rows are recorded only for the
 * conical model (the cylindrical shadow has no penumbra: its shadow is its umbra). An exit without its
 * entry (a grazing pass resolved differently at its two ends) records nothing.
 */
ODT_HD static inline void odt_sat_interval_close(size_t i, const struct odt_fleet *f, int conical,
                                                 struct odt_sat_intervals *iv, int kind, double t_s, int cut_end,
                                                 struct odt_sat_events *ev)
{
    double *start = kind == ODT_EVENT_UMBRA ? &iv->umbra_start : &iv->shadow_start;
    const int bit = kind == ODT_EVENT_UMBRA ? 1 : 2;
    if (*start != *start) /* NaN */
        return;
    if (kind == ODT_EVENT_UMBRA || conical)
        odt_sat_event(i, f, ev, kind, ((iv->cut & bit) || cut_end) ? 0 : 1, *start, t_s);
    *start = NAN;
    iv->cut &= ~bit;
}

/* odt_sat_interval_events: fold the entries and exits of one refined boundary crossing (enum
   odt_eclipse_kind bits) at t_s into the open intervals, recording those that close. */
ODT_HD static inline void odt_sat_interval_events(size_t i, const struct odt_fleet *f, int conical,
                                                  struct odt_sat_intervals *iv, int kind, double t_s,
                                                  struct odt_sat_events *ev)
{
    if ((kind & ODT_ECL_PENUMBRA_ENTRY) && iv->shadow_start != iv->shadow_start)
        iv->shadow_start = t_s;
    if ((kind & ODT_ECL_UMBRA_ENTRY) && iv->umbra_start != iv->umbra_start)
        iv->umbra_start = t_s;
    if (kind & ODT_ECL_UMBRA_EXIT)
        odt_sat_interval_close(i, f, conical, iv, ODT_EVENT_UMBRA, t_s, 0, ev);
    if (kind & ODT_ECL_PENUMBRA_EXIT)
        odt_sat_interval_close(i, f, conical, iv, ODT_EVENT_SHADOW, t_s, 0, ev);
}

/*
 * odt_sat_eclipse_events: refine the shadow boundaries crossed by satellite i
 * between the end of the previous step (t0 = x->t_s - dt, Sun x->sun_unit_prev)
 * and x->t_s, and fold them into its open intervals. Called only when the
 * illuminated fraction changed class; `crossed` (odt_eclipse_classify of the
 * two fractions) decides which boundaries were crossed, so that entries and
 * exits always alternate as the recorded fractions do. The root finder gives
 * their times; a boundary it cannot bracket (the fraction and the smooth
 * shadow function disagree by rounding within ~1e-7 rad of a boundary) is
 * dated at the end of the step.
 */
ODT_HD static inline void odt_sat_eclipse_events(size_t i, const struct odt_fleet *f, const struct odt_kepler *kep,
                                                 const struct odt_step_config *cfg, const struct odt_step_input *x,
                                                 int crossed,
                                                 struct odt_sat_intervals *iv, struct odt_sat_events *evs)
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
    odt_eclipse_events_step(&ec, prop, elements, x->t_s - x->dt_s, x->sun_unit_prev, x->sun_dist_prev_km, x->t_s,
                            x->sun_unit, x->sun_dist_km, ev, &nev);
    const int conical = cfg->shadow_model == ODT_SHADOW_CONICAL;
    int covered = 0;
    for (int e = 0; e <= nev; ++e) {
        /* the refined events limited to the boundaries crossed, then any crossed boundary left, at t1 */
        const int kind = e < nev ? (ev[e].kind & crossed) : (crossed & ~covered);
        const double when = e < nev ? ev[e].t_s : x->t_s;
        if (kind == ODT_ECL_NONE)
            continue;
        covered |= kind;
        odt_sat_interval_events(i, f, conical, iv, kind, when, evs);
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
    double step_arrived, step_served, step_dropped; /* tokens of the last step */
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
    ns->cap_start = f->dispatch_weight[i];
    ns->capacity = f->capacity[i];
    ns->served_rate = f->served_rate[i];
    ns->latency_s = f->latency[i];
    ns->in_saa = f->in_saa[i];
    ns->cap_ideal = f->capacity_ideal[i];
    ns->lost_power = f->capacity_lost_power[i];
    ns->lost_heat = f->capacity_lost_heat[i];
    ns->lost_failures = f->capacity_lost_failures[i];
    ns->step_arrived = ns->step_served = ns->step_dropped = 0.0;
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
    f->dispatch_weight[i] = ns->cap_start;
}

/*
 * odt_node_step: one step of satellite i's compute node. In order: failures
 * and radiation restarts (Philox keyed by seed and satellite, the step as
 * counter; the restart rate multiplied inside the South Atlantic Anomaly);
 * the tokens dispatched to the node (its share from its capacity at the start
 * of the dispatch interval: its dispatch weight); the compute power budget from what the array and the
 * battery can supply after the bus, throttled by the payload temperature; the
 * capacity at that budget while the node is up; the queue; and the power the
 * tokens served need. Returns that power (W); accounts the capacity lost to
 * power, heat and failures against all accelerators at full power.
 */
ODT_HD static inline double odt_node_step(size_t i, const struct odt_fleet *f, const struct odt_sat_class *c,
                                          const struct odt_step_config *cfg, const struct odt_step_input *x,
                                          const double r[3], const struct odt_battery_params *b, double e_batt_j,
                                          double p_solar_w, double t_payload_k, struct odt_node_state *ns,
                                          struct odt_sat_events *ev)
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
        odt_sat_event(i, f, ev, ODT_EVENT_FAILURE, ro.failed, x->t_s, x->t_s);
    if (ro.interrupt_started)
        odt_sat_event(i, f, ev, ODT_EVENT_RESTART, 1, x->t_s, x->t_s);
    const int n_work = ns->rel.n_working;

    /* the power the compute may use: the array, and the battery (b: its capacity as aged) down to its floor,
       after the bus */
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
    ns->step_arrived = qo.arrived;
    ns->step_served = qo.served;
    ns->step_dropped = qo.dropped_limit + qo.dropped_latency;

    /* power for the tokens served: the accelerators at the clock that serves them while up */
    if (n_work <= 0 || up <= 0.0)
        return 0.0;
    const double need = up * odt_node_spec_power_for_tokens(spec, n_work, ns->served_rate / up);
    return need < budget ? need : budget;
}

/* Everything one satellite carries from step to step while it advances (loaded once, stored once). */
struct odt_sat_work {
    const struct odt_sat_class *c;
    struct odt_kepler kep;
    struct odt_tn_prep tnp; /* per-class constants of the thermal network, derived (and validated) per call */
    int tn_valid;
    double array_log_keep;
    double e_batt;
    double health;                      /* battery capacity left (odt_battery_capacity_factor) */
    struct odt_battery_aging_state ag;
    double tn[ODT_TN_MAX_NODES];
    double e_solar, e_demand, e_served, e_charge, e_discharge, e_curt, e_unserved, e_loss;
    double t_sun, t_elapsed, t_over;
    double r[3], v[3];
    struct odt_sgp4_resonance res;
    int status;
    int life;                           /* enum odt_life_status */
    double t_launch, t_retire, weight;  /* PARAM: launch, end of the design life, satellites stood for */
    struct odt_sat_intervals iv;
    struct odt_sat_events ev;
    struct odt_node_state ns;
    double illum, p_solar, p_compute, cos_inc;
    struct odt_power_flows fl;
    struct odt_tn_flows th;
};

/* odt_sat_begin: load satellite i of fleet f into w for a call of steps. */
ODT_HD static inline void odt_sat_begin(size_t i, const struct odt_fleet *f, const struct odt_sat_class *classes,
                                        struct odt_sat_work *w)
{
    const size_t n = f->n;
    w->kep.a_km = f->a_km[i];
    w->kep.ecc = f->ecc[i];
    w->kep.inc_rad = f->inc_rad[i];
    w->kep.raan0_rad = f->raan0_rad[i];
    w->kep.argp0_rad = f->argp0_rad[i];
    w->kep.m0_rad = f->m0_rad[i];
    w->kep.mdot_rad_s = f->mdot_rad_s[i];
    w->kep.raandot_rad_s = f->raandot_rad_s[i];
    w->kep.argpdot_rad_s = f->argpdot_rad_s[i];
    w->c = &classes[f->cls[i]];
    w->tn_valid = odt_tn_prepare(&w->c->thermal, &w->tnp) == ODT_OK;
    w->array_log_keep = odt_array_log_keep(&w->c->array);
    w->e_batt = f->battery_energy[i];
    w->health = f->battery_health[i];
    w->ag.cycle_fade = f->battery_cycle_fade[i];
    w->ag.soc_turn = f->battery_soc_turn[i];
    w->ag.soc_ext = f->battery_soc_ext[i];
    w->ag.direction = f->battery_direction[i];
    for (int d = 0; d < ODT_TN_MAX_NODES; ++d)
        w->tn[d] = d < ODT_TN_N_DEFAULT ? f->node_temperature[(size_t)d * n + i] : 0.0;
    w->e_solar = f->energy_solar[i];
    w->e_demand = f->energy_demand[i];
    w->e_served = f->energy_served[i];
    w->e_charge = f->energy_charge[i];
    w->e_discharge = f->energy_discharge[i];
    w->e_curt = f->energy_curtailed[i];
    w->e_unserved = f->energy_unserved[i];
    w->e_loss = f->energy_loss[i];
    w->t_sun = f->sunlit_time[i];
    w->t_elapsed = f->elapsed_time[i];
    w->t_over = f->time_over_limit[i];
    for (int d = 0; d < 3; ++d) {
        w->r[d] = f->position[d * n + i];
        w->v[d] = f->velocity[d * n + i];
    }
    w->res.atime = f->sgp4_res_atime[i];
    w->res.xli = f->sgp4_res_xli[i];
    w->res.xni = f->sgp4_res_xni[i];
    w->status = f->status[i];
    w->life = f->life_status[i];
    w->t_launch = f->launch_time[i];
    w->t_retire = f->retire_time[i];
    w->weight = f->weight[i];
    w->iv.umbra_start = f->umbra_start[i];
    w->iv.shadow_start = f->shadow_start[i];
    w->iv.cut = f->eclipse_cut[i];
    w->ev.count = f->ev_count[i];
    w->ev.lost = f->events_lost[i];
    odt_node_state_load(i, f, &w->ns);
    w->ns.hazard_bound = odt_rel_hazard(&w->c->rel, w->c->rel.burn_in_s + w->ns.rel.age_s);
    if (!(w->ns.hazard_bound < HUGE_VAL))
        w->ns.hazard_bound = HUGE_VAL; /* at age 0 without burn-in the infant hazard is unbounded */
    w->illum = f->illumination[i];
    w->p_solar = w->p_compute = w->cos_inc = 0.0;
    w->fl.p_served_w = w->fl.p_charge_w = w->fl.p_discharge_w = 0.0;
    w->fl.p_curtailed_w = w->fl.p_unserved_w = w->fl.p_loss_w = 0.0;
    w->th.absorbed_w = w->th.radiated_w = 0.0;
}

/* odt_sat_idle: the outputs of a satellite that produces, uses and serves nothing in a step. */
ODT_HD static inline void odt_sat_idle(struct odt_sat_work *w)
{
    w->illum = w->p_solar = w->p_compute = w->cos_inc = 0.0;
    w->fl.p_served_w = w->fl.p_charge_w = w->fl.p_discharge_w = 0.0;
    w->fl.p_curtailed_w = w->fl.p_unserved_w = w->fl.p_loss_w = 0.0;
    w->th.absorbed_w = w->th.radiated_w = 0.0;
    w->ns.capacity = w->ns.served_rate = 0.0; /* it takes no demand */
    w->ns.cap_start = 0.0;
}

/*
 * odt_sat_life: the life of satellite i in step x (enum odt_life_status). A step (t - dt, t] is in service
 * when it starts at or after the launch (t - dt >= launch_time) and ends by the end of the design life
 * (t <= retire_time); the zero-length evaluation at the epoch is in service when launch_time <= 0. The
 * step that leaves service closes the open eclipse intervals as cut, at the end of the last step in service.
 */
ODT_HD static inline int odt_sat_life(size_t i, const struct odt_fleet *f, const struct odt_step_config *cfg,
                                      const struct odt_step_input *x, struct odt_sat_work *w)
{
    const double t0 = x->t_s - x->dt_s;
    if (w->life == ODT_LIFE_PLANNED && t0 >= w->t_launch && x->t_s <= w->t_retire)
        return ODT_LIFE_IN_SERVICE;
    if (w->life == ODT_LIFE_IN_SERVICE && x->t_s > w->t_retire) {
        const int conical = cfg->shadow_model == ODT_SHADOW_CONICAL;
        odt_sat_interval_close(i, f, conical, &w->iv, ODT_EVENT_UMBRA, t0, 1, &w->ev);
        odt_sat_interval_close(i, f, conical, &w->iv, ODT_EVENT_SHADOW, t0, 1, &w->ev);
        return ODT_LIFE_RETIRED;
    }
    return w->life;
}

/*
 * odt_sat_step: one step x of satellite i; nothing once the satellite is
 * inactive. A step input is self-contained (it carries the Sun at the start of
 * the step), so how steps are grouped into calls never changes a result.
 *
 * Position (Kepler+J2 or SGP4, GCRS axes) -> illuminated fraction (and, where
 * it changed, the refined eclipse boundaries, paired into intervals) -> array
 * output at the array node's temperature -> compute node (failures, restarts,
 * dispatch, power budget, throttle, queue; odt_node_step) -> power balance
 * (battery, load, curtailment) -> thermal network (environment loads, every
 * watt used ends as heat) -> energy accounting.
 *
 * A satellite whose propagation fails (an SGP4 error: decayed, invalid
 * elements) becomes inactive with that code: it keeps its last valid position
 * and velocity and neither produces nor uses power from then on.
 */
ODT_HD static inline void odt_sat_step(size_t i, const struct odt_fleet *f, const struct odt_step_config *cfg,
                                       const struct odt_step_input *x, struct odt_sat_work *w)
{
    if (w->status != 0)
        return;
    const struct odt_sat_class *c = w->c;
    const double dt = x->dt_s;
    w->ns.step_arrived = w->ns.step_served = w->ns.step_dropped = 0.0;
    const int life = odt_sat_life(i, f, cfg, x, w);
    const int launched = life == ODT_LIFE_IN_SERVICE && w->life == ODT_LIFE_PLANNED;
    w->life = life;
    if (life != ODT_LIFE_IN_SERVICE) { /* planned or retired: the orbit only (where its slot is) */
        odt_sat_idle(w);
        odt_sat_position(i, f, &w->kep, cfg, x, &w->res, w->r, w->v);
        return;
    }
    if (x->dispatch_update)
        w->ns.cap_start = w->ns.capacity; /* the capacities the host summed for this interval's factor */
    w->status = odt_sat_position(i, f, &w->kep, cfg, x, &w->res, w->r, w->v);
    if (w->status != 0) {
        odt_sat_idle(w); /* an inactive satellite takes no demand */
        return;
    }

    /* shadow, and the eclipse events of this step where the shadow class changed */
    const double illum_prev = w->illum;
    w->illum = cfg->earth_shape == ODT_EARTH_OBLATE
                   ? odt_illumination_ellipsoid(cfg->shadow_model, w->r, x->sun_unit, x->sun_dist_km, cfg->re_km,
                                                cfg->flattening)
                   : odt_illumination(cfg->shadow_model, w->r, x->sun_unit, x->sun_dist_km, cfg->re_km);
    if (x->init_events || launched) {
        /* the run (or the satellite's service) starts inside a shadow: open its intervals, cut by the start */
        w->iv.umbra_start = w->illum <= 0.0 ? x->t_s : NAN;
        w->iv.shadow_start = w->illum < 1.0 ? x->t_s : NAN;
        w->iv.cut = (w->illum <= 0.0 ? 1 : 0) | (w->illum < 1.0 ? 2 : 0);
    }
    const int crossed = launched ? ODT_ECL_NONE : odt_eclipse_classify(illum_prev, w->illum);
    if (dt > 0.0 && crossed != ODT_ECL_NONE)
        odt_sat_eclipse_events(i, f, &w->kep, cfg, x, crossed, &w->iv, &w->ev);

    /* array, at the temperature of the array node */
    const double irr = odt_solar_irradiance(x->sun_dist_km);
    const double since = w->t_launch > 0.0 ? x->t_s - w->t_launch : x->t_s; /* the array ages from its launch */
    const double years = since / (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY);
    w->cos_inc = odt_array_cos_incidence(&c->array, w->r, w->v, x->sun_unit);
    odt_array_output_at(&c->array, irr, w->illum, w->cos_inc, w->tn[ODT_TN_ARRAY],
                        odt_array_life_factor(w->array_log_keep, years), c->array_fluence_per_yr * years,
                        &w->p_solar, NULL);

    /* the battery as aged by its cycles and its time in service */
    struct odt_battery_params bat = c->battery;
    w->health = odt_battery_capacity_factor(&c->aging, &w->ag, years);
    bat.capacity_j *= w->health;

    /* the compute node, then the power balance of its load and the bus (the bus is served first) */
    const double p_want = odt_node_step(i, f, c, cfg, x, w->r, &bat, w->e_batt, w->p_solar, w->tn[ODT_TN_PAYLOAD],
                                        &w->ns, &w->ev);
    const double load = p_want + c->node.bus_power_w;
    const double e_before = w->e_batt;
    odt_power_balance(&bat, w->p_solar, load, dt, &w->e_batt, &w->fl);
    if (bat.capacity_j > 0.0 && dt > 0.0)
        odt_battery_aging_step(&c->aging, &w->ag, e_before / bat.capacity_j, w->e_batt / bat.capacity_j);
    const double p_rest = w->fl.p_served_w - c->node.bus_power_w;
    w->p_compute = p_rest <= 0.0 ? 0.0 : (p_rest < p_want ? p_rest : p_want);

    /* heat: the array gives up the electricity taken from it (before the power conditioning, whose
       losses heat the bus); every watt used ends as heat in the payload or the bus */
    const double p_used = w->p_solar - w->fl.p_curtailed_w;
    const double p_array_out = p_used / c->array.pcu_efficiency;
    double q[ODT_TN_MAX_NODES];
    odt_tn_internal_loads(p_array_out, w->p_compute, w->fl.p_served_w - w->p_compute + (p_array_out - p_used),
                          w->fl.p_loss_w, q);
    struct odt_tn_sky sky;
    odt_tn_sky_set(&sky, w->r, x->sun_unit, irr, w->illum, w->cos_inc);
    if (w->tn_valid) /* as odt_tn_step: invalid parameters leave the temperatures and th unchanged */
        odt_tn_step_prepared(&w->tnp, q, &sky, w->tn, dt, &w->th);
    if (w->tn[ODT_TN_PAYLOAD] > c->thermal.t_limit_payload_k)
        w->t_over += dt;

    w->e_solar += w->p_solar * dt;
    w->e_demand += load * dt;
    w->e_served += w->fl.p_served_w * dt;
    w->e_charge += w->fl.p_charge_w * dt;
    w->e_discharge += w->fl.p_discharge_w * dt;
    w->e_curt += w->fl.p_curtailed_w * dt;
    w->e_unserved += w->fl.p_unserved_w * dt;
    w->e_loss += w->fl.p_loss_w * dt;
    w->t_sun += w->illum * dt;
    w->t_elapsed += dt;
}

/*
 * odt_sat_sample: satellite's contribution v[ODT_SV_N] to the fleet series
 * row of the step just taken (enum odt_series_var). A satellite that does not
 * exist (a padding thread of a GPU block: w NULL) contributes the neutral row.
 */
ODT_HD static inline void odt_sat_sample(const struct odt_sat_work *w, double v[ODT_SV_N])
{
    for (int k = 0; k < ODT_SV_N_SUMS; ++k)
        v[k] = 0.0;
    v[ODT_SV_TEMP_MIN] = v[ODT_SV_SOC_MIN] = HUGE_VAL;
    v[ODT_SV_TEMP_MAX] = v[ODT_SV_SOC_MAX] = -HUGE_VAL;
    if (!w)
        return;
    if (w->life != ODT_LIFE_IN_SERVICE) { /* planned or retired: only the tokens left in its queue */
        v[ODT_SV_WAITING] = w->weight * w->ns.queue.waiting;
        return;
    }
    v[ODT_SV_N_IN_SERVICE] = 1.0;
    v[ODT_SV_ACCEL_WORKING] = (double)w->ns.rel.n_working;
    v[ODT_SV_SOLAR_W] = w->p_solar;
    v[ODT_SV_LOAD_W] = w->fl.p_served_w;
    v[ODT_SV_COMPUTE_W] = w->p_compute;
    v[ODT_SV_CURTAILED_W] = w->fl.p_curtailed_w;
    v[ODT_SV_UNSERVED_W] = w->fl.p_unserved_w;
    v[ODT_SV_BATTERY_W] = w->fl.p_charge_w - w->fl.p_discharge_w;
    v[ODT_SV_BATTERY_J] = w->e_batt;
    v[ODT_SV_HEAT_RADIATED_W] = w->th.radiated_w;
    v[ODT_SV_CAPACITY] = w->ns.capacity;
    v[ODT_SV_ARRIVED] = w->ns.step_arrived;
    v[ODT_SV_SERVED] = w->ns.step_served;
    v[ODT_SV_DROPPED] = w->ns.step_dropped;
    v[ODT_SV_WAITING] = w->ns.queue.waiting;
    v[ODT_SV_N_SERVING] = w->ns.capacity > 0.0 ? 1.0 : 0.0;
    if (w->status == 0) {
    v[ODT_SV_N_UMBRA] = w->illum <= 0.0 ? 1.0 : 0.0;
    v[ODT_SV_N_SHADOW] = w->illum < 1.0 ? 1.0 : 0.0;
    v[ODT_SV_N_ACTIVE] = 1.0;
    const double t = w->tn[ODT_TN_PAYLOAD];
    v[ODT_SV_TEMP_SUM] = t;
    v[ODT_SV_TEMP_MIN] = v[ODT_SV_TEMP_MAX] = t;
    const double cap = w->c->battery.capacity_j * w->health;
    if (cap > 0.0) {
        const double soc = w->e_batt / cap;
        v[ODT_SV_N_BATTERY] = 1.0;
        v[ODT_SV_SOC_SUM] = soc;
        v[ODT_SV_SOC_MIN] = v[ODT_SV_SOC_MAX] = soc;
    }
    }
    for (int k = 0; k < ODT_SV_N_SUMS; ++k) /* a representative satellite counts for weight satellites */
        v[k] *= w->weight;
}

/* odt_sat_end: store w back into satellite i of f (STATE, OUT and the event slot count). */
ODT_HD static inline void odt_sat_end(size_t i, const struct odt_fleet *f, const struct odt_sat_work *w)
{
    const size_t n = f->n;
    f->status[i] = w->status;
    f->life_status[i] = w->life;
    f->sgp4_res_atime[i] = w->res.atime;
    f->sgp4_res_xli[i] = w->res.xli;
    f->sgp4_res_xni[i] = w->res.xni;
    f->battery_energy[i] = w->e_batt;
    f->battery_health[i] = w->health;
    f->battery_cycle_fade[i] = w->ag.cycle_fade;
    f->battery_soc_turn[i] = w->ag.soc_turn;
    f->battery_soc_ext[i] = w->ag.soc_ext;
    f->battery_direction[i] = w->ag.direction;
    for (int d = 0; d < ODT_TN_N_DEFAULT; ++d)
        f->node_temperature[(size_t)d * n + i] = w->tn[d];
    f->temperature[i] = w->tn[ODT_TN_PAYLOAD];
    f->time_over_limit[i] = w->t_over;
    f->energy_solar[i] = w->e_solar;
    f->energy_demand[i] = w->e_demand;
    f->energy_served[i] = w->e_served;
    f->energy_charge[i] = w->e_charge;
    f->energy_discharge[i] = w->e_discharge;
    f->energy_curtailed[i] = w->e_curt;
    f->energy_unserved[i] = w->e_unserved;
    f->energy_loss[i] = w->e_loss;
    f->sunlit_time[i] = w->t_sun;
    f->elapsed_time[i] = w->t_elapsed;
    for (int d = 0; d < 3; ++d) {
        f->position[d * n + i] = w->r[d];
        f->velocity[d * n + i] = w->v[d];
    }
    f->illumination[i] = w->illum;
    f->array_cos_incidence[i] = w->cos_inc;
    f->heat_absorbed[i] = w->th.absorbed_w;
    f->heat_radiated[i] = w->th.radiated_w;
    f->solar_power[i] = w->p_solar;
    f->load_power[i] = w->fl.p_served_w;
    f->compute_power[i] = w->p_compute;
    f->battery_power[i] = w->fl.p_charge_w - w->fl.p_discharge_w;
    f->curtailed_power[i] = w->fl.p_curtailed_w;
    f->unserved_power[i] = w->fl.p_unserved_w;
    f->umbra_start[i] = w->iv.umbra_start;
    f->shadow_start[i] = w->iv.shadow_start;
    f->eclipse_cut[i] = w->iv.cut;
    f->ev_count[i] = w->ev.count;
    f->events_lost[i] = w->ev.lost;
    odt_node_state_store(i, f, &w->ns);
}

/*
 * odt_sat_advance: advance satellite i of fleet f through the k steps
 * in[0..k-1] (odt_sat_begin, odt_sat_step per step, odt_sat_end). classes: the
 * class table; cfg: fleet-wide settings. Reads PARAM and STATE fields, writes
 * STATE, OUT and EVENT fields of satellite i only. The backends call the three
 * parts themselves, to fold each step into the fleet series.
 */
ODT_HD static inline void odt_sat_advance(size_t i, const struct odt_fleet *f, const struct odt_sat_class *classes,
                                          const struct odt_step_config *cfg, const struct odt_step_input *in, int k)
{
    struct odt_sat_work w;
    odt_sat_begin(i, f, classes, &w);
    for (int s = 0; s < k; ++s)
        odt_sat_step(i, f, cfg, &in[s], &w);
    odt_sat_end(i, f, &w);
}

/* odt_sat_close_intervals: at the end of a run (t_end_s), record satellite i's open intervals as cut rows. */
ODT_HD static inline void odt_sat_close_intervals(size_t i, const struct odt_fleet *f,
                                                  const struct odt_step_config *cfg, double t_end_s)
{
    struct odt_sat_intervals iv = {f->umbra_start[i], f->shadow_start[i], f->eclipse_cut[i]};
    struct odt_sat_events ev = {f->ev_count[i], f->events_lost[i]};
    const int conical = cfg->shadow_model == ODT_SHADOW_CONICAL;
    odt_sat_interval_close(i, f, conical, &iv, ODT_EVENT_UMBRA, t_end_s, 1, &ev);
    odt_sat_interval_close(i, f, conical, &iv, ODT_EVENT_SHADOW, t_end_s, 1, &ev);
    f->umbra_start[i] = iv.umbra_start;
    f->shadow_start[i] = iv.shadow_start;
    f->eclipse_cut[i] = iv.cut;
    f->ev_count[i] = ev.count;
    f->events_lost[i] = ev.lost;
}

/*
 * odt_sat_totals: satellite i's contribution t[ODT_TV_N] to the fleet totals
 * (enum odt_total_var): its cumulative STATE fields, and its capacity where it
 * serves (the dispatch sum).
 */
ODT_HD static inline void odt_sat_totals(size_t i, const struct odt_fleet *f, double t[ODT_TV_N])
{
    const double cap = f->capacity[i];
    t[ODT_TV_CAPACITY] = cap > 0.0 ? cap : 0.0;
    t[ODT_TV_N_SERVING] = cap > 0.0 ? 1.0 : 0.0;
    t[ODT_TV_N_INACTIVE] = f->status[i] != 0 ? 1.0 : 0.0;
    t[ODT_TV_ENERGY_SOLAR] = f->energy_solar[i];
    t[ODT_TV_ENERGY_DEMAND] = f->energy_demand[i];
    t[ODT_TV_ENERGY_SERVED] = f->energy_served[i];
    t[ODT_TV_ENERGY_UNSERVED] = f->energy_unserved[i];
    t[ODT_TV_ENERGY_CURTAILED] = f->energy_curtailed[i];
    t[ODT_TV_ENERGY_CHARGE] = f->energy_charge[i];
    t[ODT_TV_ENERGY_DISCHARGE] = f->energy_discharge[i];
    t[ODT_TV_ENERGY_LOSS] = f->energy_loss[i];
    t[ODT_TV_SUNLIT_TIME] = f->sunlit_time[i];
    t[ODT_TV_ELAPSED_TIME] = f->elapsed_time[i];
    t[ODT_TV_TOKENS_ARRIVED] = f->tokens_arrived[i];
    t[ODT_TV_TOKENS_SERVED] = f->tokens_served[i];
    t[ODT_TV_TOKENS_DROPPED] = f->tokens_dropped[i];
    t[ODT_TV_TOKENS_WAITING] = f->queue_waiting[i];
    t[ODT_TV_CAPACITY_IDEAL] = f->capacity_ideal[i];
    t[ODT_TV_LOST_POWER] = f->capacity_lost_power[i];
    t[ODT_TV_LOST_HEAT] = f->capacity_lost_heat[i];
    t[ODT_TV_LOST_FAILURES] = f->capacity_lost_failures[i];
    t[ODT_TV_ACCEL_FAILED] = (double)f->accel_failed[i];
    t[ODT_TV_RESTARTS] = (double)f->restarts[i];
    t[ODT_TV_TIME_OVER_LIMIT] = f->time_over_limit[i];
    t[ODT_TV_EVENTS_LOST] = (double)f->events_lost[i];
    t[ODT_TV_SATELLITES] = 1.0;
    t[ODT_TV_N_IN_SERVICE] = f->life_status[i] == ODT_LIFE_IN_SERVICE ? 1.0 : 0.0;
    t[ODT_TV_N_RETIRED] = f->life_status[i] == ODT_LIFE_RETIRED ? 1.0 : 0.0;
    t[ODT_TV_ACCEL_WORKING] = f->life_status[i] == ODT_LIFE_IN_SERVICE ? (double)f->accel_working[i] : 0.0;
    const double wt = f->weight[i]; /* a representative satellite counts for weight satellites */
    for (int k = 0; k < ODT_TV_N; ++k)
        t[k] *= wt;
}

/* odt_series_fold: fold a satellite's sample v into the row acc (ODT_SV_N values of its class). */
ODT_HD static inline void odt_series_fold(double *acc, const double v[ODT_SV_N])
{
    for (int k = 0; k < ODT_SV_N_SUMS; ++k)
        acc[k] += v[k];
    for (int k = ODT_SV_N_SUMS; k < ODT_SV_FIRST_MAX; ++k)
        acc[k] = v[k] < acc[k] ? v[k] : acc[k];
    for (int k = ODT_SV_FIRST_MAX; k < ODT_SV_N; ++k)
        acc[k] = v[k] > acc[k] ? v[k] : acc[k];
}

/*
 * odt_field_gather: component c of satellite i of field fi converted to storage type st, written at dst
 * (element index e of the output). Used by the downloads of both backends.
 */
ODT_HD static inline void odt_field_gather(const struct odt_fleet *f, size_t offset, int is_int, int ncomp,
                                           enum odt_storage st, size_t i, void *dst, size_t e)
{
    const char *base = (const char *)f + offset;
    void *p;
    memcpy(&p, base, sizeof p);
    (void)ncomp;
    if (is_int) {
        const int32_t v = ((const int32_t *)p)[i];
        if (st == ODT_STORE_I32)
            ((int32_t *)dst)[e] = v;
        else if (st == ODT_STORE_F32)
            ((float *)dst)[e] = (float)v;
        else
            ((double *)dst)[e] = (double)v;
    } else {
        const double v = ((const double *)p)[i];
        if (st == ODT_STORE_F64)
            ((double *)dst)[e] = v;
        else if (st == ODT_STORE_F32)
            ((float *)dst)[e] = (float)v;
        else
            ((int32_t *)dst)[e] = (int32_t)v;
    }
}

#endif /* ODT_STEP_H */
