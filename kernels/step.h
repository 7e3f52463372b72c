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
#include "power_thermal/solar.h"
#include "power_thermal/battery.h"
#include "power_thermal/thermal.h"
#include "power_thermal/node.h"
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
 * odt_sat_advance: advance satellite i of fleet f through the k steps in[0..k-1].
 * classes: the class table; cfg: fleet-wide settings. Reads PARAM and STATE
 * fields, writes STATE and OUT fields of satellite i only. A satellite whose
 * propagation fails (an SGP4 error: decayed, invalid elements) becomes
 * inactive with that code: it keeps its last valid position and velocity and
 * neither produces nor uses power from then on.
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

    double e_batt = f->battery_energy[i], temp = f->temperature[i];
    double e_solar = f->energy_solar[i], e_demand = f->energy_demand[i], e_served = f->energy_served[i];
    double e_charge = f->energy_charge[i], e_discharge = f->energy_discharge[i];
    double e_curt = f->energy_curtailed[i], e_unserved = f->energy_unserved[i], e_loss = f->energy_loss[i];
    double t_sun = f->sunlit_time[i], t_elapsed = f->elapsed_time[i];
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
    double illum = 0.0, p_solar = 0.0, p_compute = 0.0;
    struct odt_power_flows fl = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};

    for (int s = 0; s < k && status == 0; ++s) {
        const struct odt_step_input *x = &in[s];
        const double dt = x->dt_s;
        status = odt_sat_position(i, f, &kep, cfg, x, &res, r, v);
        if (status != 0) {
            illum = p_solar = p_compute = 0.0;
            fl.p_served_w = fl.p_charge_w = fl.p_discharge_w = fl.p_curtailed_w = fl.p_unserved_w = fl.p_loss_w = 0.0;
            break;
        }
        illum = odt_illumination(cfg->shadow_model, r, x->sun_unit, x->sun_dist_km, cfg->re_km);
        const double irr = odt_solar_irradiance(x->sun_dist_km);
        p_solar = odt_array_power(&c->array, irr, illum, x->t_s);
        const double load = odt_node_load(&c->node);
        odt_power_balance(&c->battery, p_solar, load, dt, &e_batt, &fl);
        p_compute = odt_node_compute_served(&c->node, fl.p_served_w);
        /* every watt used on board, and the battery's losses, ends as heat in the node */
        const double q = c->thermal.absorptivity * c->thermal.sunlit_area_m2 * irr * illum + fl.p_served_w +
                         fl.p_loss_w;
        temp = odt_thermal_step(&c->thermal, temp, q, dt);

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
    f->temperature[i] = temp;
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
    f->solar_power[i] = p_solar;
    f->load_power[i] = fl.p_served_w;
    f->compute_power[i] = p_compute;
    f->battery_power[i] = fl.p_charge_w - fl.p_discharge_w;
    f->curtailed_power[i] = fl.p_curtailed_w;
    f->unserved_power[i] = fl.p_unserved_w;
}

#endif /* ODT_STEP_H */
