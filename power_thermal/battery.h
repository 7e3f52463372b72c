/*
 * battery.h: power balance of one satellite over one step with an optional
 * battery.
 *
 * The load is served from the array first, then from the battery. A surplus
 * charges the battery (up to its charge-power limit and the top of its state
 * of charge window), the rest is curtailed. A deficit is taken from the
 * battery (up to its discharge-power limit and the bottom of the window), the
 * rest is load not served. Conversion losses are charge * (1 - eta_c) and
 * discharge * (1/eta_d - 1). With all powers constant over the step:
 *   p_array + p_discharge = p_served + p_charge + p_curtailed
 *   dE/dt = eta_c p_charge - p_discharge / eta_d = p_charge - p_discharge - p_loss
 * A capacity of 0 means no storage.
 */
#ifndef ODT_BATTERY_H
#define ODT_BATTERY_H

#include <math.h>
#include "orbit/odt_defs.h"

struct odt_battery_params {
    double capacity_j;         /* usable capacity at 100 % state of charge, J (0: no battery) */
    double soc_min;            /* lower end of the state-of-charge window, 0..1 (default 0.2) */
    double soc_max;            /* upper end of the window, 0..1 (default 0.95) */
    double eta_charge;         /* charge efficiency, 0..1 (default 0.95) */
    double eta_discharge;      /* discharge efficiency, 0..1 (default 0.95) */
    double p_charge_max_w;     /* largest charge power at the bus, W */
    double p_discharge_max_w;  /* largest discharge power at the bus, W */
};

/*
 * odt_battery_params_default: the default pack of the default node (8 accelerators of 700 W and a 0.5 kW bus,
 * 6.1 kW at full clock): 5 kWh at 100 % state of charge, of which the 0.20..0.95 window uses 3.75 kWh, i.e. about
 * 35 minutes of the full node at 0.95 discharge efficiency, the length of the longest umbra pass at 550-650 km;
 * charge and discharge efficiency 0.95 each; charge limited to 5 kW and discharge to 8 kW (1C and 1.6C).
 */
ODT_HD static inline struct odt_battery_params odt_battery_params_default(void)
{
    struct odt_battery_params b;
    b.capacity_j = 5000.0 * 3600.0;
    b.soc_min = 0.2;
    b.soc_max = 0.95;
    b.eta_charge = 0.95;
    b.eta_discharge = 0.95;
    b.p_charge_max_w = 5000.0;
    b.p_discharge_max_w = 8000.0;
    return b;
}

/* The state of charge a battery starts with, at the epoch or at launch (default 0.80). */
#define ODT_BATTERY_SOC_INITIAL_DEFAULT 0.8

struct odt_power_flows {
    double p_served_w;     /* load actually supplied, W */
    double p_charge_w;     /* power into the battery at the bus, W */
    double p_discharge_w;  /* power out of the battery at the bus, W */
    double p_curtailed_w;  /* array power neither used nor stored, W */
    double p_unserved_w;   /* load that could not be supplied, W */
    double p_loss_w;       /* battery conversion losses, W (heat) */
};

/*
 * odt_power_balance: serve p_load_w from p_array_w and the battery for dt_s
 * seconds; updates *energy_j (stored energy, J) and fills the flows.
 */
ODT_HD static inline void odt_power_balance(const struct odt_battery_params *b, double p_array_w, double p_load_w,
                                            double dt_s, double *energy_j, struct odt_power_flows *fl)
{
    const double e_min = b->soc_min * b->capacity_j, e_max = b->soc_max * b->capacity_j;
    double e = *energy_j;
    fl->p_charge_w = fl->p_discharge_w = fl->p_curtailed_w = fl->p_unserved_w = fl->p_loss_w = 0.0;
    if (p_array_w >= p_load_w) {
        const double surplus = p_array_w - p_load_w;
        double p = surplus < b->p_charge_max_w ? surplus : b->p_charge_max_w;
        if (dt_s > 0.0) {
            const double room = e_max > e ? (e_max - e) / (b->eta_charge * dt_s) : 0.0;
            p = p < room ? p : room;
            e += p * b->eta_charge * dt_s;
            if (e > e_max && p > 0.0)
                e = e_max; /* rounding of the last charge step */
        } else if (!(e < e_max)) {
            p = 0.0; /* an instant (dt = 0): a full battery, or none, takes nothing */
        }
        fl->p_charge_w = p;
        fl->p_loss_w = p * (1.0 - b->eta_charge);
        fl->p_curtailed_w = surplus - p;
        fl->p_served_w = p_load_w;
    } else {
        const double deficit = p_load_w - p_array_w;
        double p = deficit < b->p_discharge_max_w ? deficit : b->p_discharge_max_w;
        if (dt_s > 0.0) {
            const double avail = e > e_min ? (e - e_min) * b->eta_discharge / dt_s : 0.0;
            p = p < avail ? p : avail;
            e -= p / b->eta_discharge * dt_s;
            if (e < e_min && p > 0.0)
                e = e_min;
        } else if (!(e > e_min)) {
            p = 0.0; /* an instant: an empty battery, or none, gives nothing */
        }
        fl->p_discharge_w = p;
        fl->p_loss_w = p * (1.0 / b->eta_discharge - 1.0);
        fl->p_unserved_w = deficit - p;
        fl->p_served_w = p_load_w - fl->p_unserved_w;
    }
    *energy_j = e;
}

/*
 * odt_battery_eclipse_energy_j: the energy a battery gives up to carry load_w through an eclipse of
 * eclipse_s seconds with discharge efficiency eta (J): E = P t / eta (NaN for eta <= 0). The report's
 * battery sizing and the claims report use it.
 */
ODT_HD static inline double odt_battery_eclipse_energy_j(double load_w, double eclipse_s, double eta)
{
    return eta > 0.0 ? load_w * eclipse_s / eta : NAN;
}

#endif /* ODT_BATTERY_H */
