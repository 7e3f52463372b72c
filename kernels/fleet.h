/*
 * fleet.h: the state of a whole fleet as structure-of-arrays, declared once.
 *
 * ODT_FLEET_FIELDS lists every per-satellite field with its type, number of
 * components, units (CF/UDUNITS spelling), description, role, the type a
 * snapshot record stores it in and whether the default records hold it.
 * Allocation, host<->device copies, the masked downloads, the snapshot
 * records, the checkpoints and the report's reads are all derived from this
 * one list, so a new field is one line here. A field of ncomp components is
 * stored component-major: x[c * n + i].
 *
 * Besides the fields: the per-step fleet series (enum odt_series_var), the
 * fleet totals (enum odt_total_var) and the compacted event rows that the
 * backends compute (kernels/backend.h).
 */
#ifndef ODT_FLEET_H
#define ODT_FLEET_H

#include "orbit/odt_defs.h"
#include "orbit/sgp4.h"
#include "orbit/eclipse.h"
#include "power_thermal/array.h"
#include "power_thermal/battery.h"
#include "power_thermal/battery_aging.h"
#include "power_thermal/thermal_network.h"
#include "power_thermal/accelerator.h"
#include "power_thermal/queue.h"
#include "power_thermal/reliability.h"
#include "kernels/dispatch.h"

ODT_EXTERN_C_BEGIN

enum odt_field_role { ODT_FIELD_PARAM = 0, ODT_FIELD_STATE = 1, ODT_FIELD_OUT = 2, ODT_FIELD_EVENT = 3 };

/* Role masks for odt_fleet_copy. */
#define ODT_ROLE_MASK(role) (1u << (role))
#define ODT_ROLES_ALL 0xFu

/* Event slots of one satellite between two compactions. A compaction follows every sub-batch of the
 * backend, which spans at most ODT_EV_ORBITS_PER_SUB orbits of the fastest satellite: an orbit closes at
 * most two eclipse intervals (umbra, shadow), leaving the other slots to reliability events. */
#define ODT_EV_SLOTS 8
#define ODT_EV_ORBITS_PER_SUB 2

/* Kinds of events (one row each in the compacted event list). */
enum odt_event_kind {
    ODT_EVENT_UMBRA = 1,   /* an umbra interval closed: t0 start, t1 end, number 1 when both ends were seen */
    ODT_EVENT_SHADOW = 2,  /* a shadow (penumbra included) interval closed (conical model only) */
    ODT_EVENT_FAILURE = 3, /* accelerators failed: number of them, at t0 = t1 (end of the step) */
    ODT_EVENT_RESTART = 4  /* a radiation-induced node restart began, at t0 = t1 */
};
/* Kinds of reliability events as the reliability model names them (kept for the /failures table). */
enum odt_rel_event_kind { ODT_REL_FAILURE = 1, ODT_REL_RESTART = 2 };

/* How a snapshot record stores a field. */
enum odt_storage { ODT_STORE_F32 = 0, ODT_STORE_F64 = 1, ODT_STORE_I32 = 2 };

/* Life of a satellite (STATE field life_status). */
enum odt_life_status { ODT_LIFE_PLANNED = 0, ODT_LIFE_IN_SERVICE = 1, ODT_LIFE_RETIRED = 2 };

/* Propagator of a satellite. */
enum odt_propagator { ODT_PROP_KEPLER_J2 = 0, ODT_PROP_SGP4 = 1 };

/*
 * X(name, C type, components, units, description, role, storage, record)
 *   storage: the type a snapshot record stores the field in (ODT_STORE_F32
 *            where 7 significant digits suffice, ODT_STORE_F64 where they do
 *            not, ODT_STORE_I32 for counts and flags); a checkpoint always
 *            stores the C type, so that a resume is exact.
 *   record:  1 when the field is in the default record set (snapshot_fields).
 * Roles: PARAM fixed for the run (uploaded once); STATE what the next step
 * reads back (a checkpoint holds every STATE field); OUT the values of the last
 * step; EVENT the per-satellite event slots the backend compacts after each
 * sub-batch (never downloaded as fields).
 */
#define ODT_FLEET_FIELDS(X)                                                                                   \
    X(a_km, double, 1, "km", "mean semi-major axis at epoch", ODT_FIELD_PARAM, ODT_STORE_F64, 0)              \
    X(ecc, double, 1, "1", "mean eccentricity", ODT_FIELD_PARAM, ODT_STORE_F64, 0)                            \
    X(inc_rad, double, 1, "rad", "mean inclination", ODT_FIELD_PARAM, ODT_STORE_F64, 0)                       \
    X(raan0_rad, double, 1, "rad", "right ascension of the ascending node at epoch", ODT_FIELD_PARAM,         \
      ODT_STORE_F64, 0)                                                                                       \
    X(argp0_rad, double, 1, "rad", "argument of perigee at epoch", ODT_FIELD_PARAM, ODT_STORE_F64, 0)         \
    X(m0_rad, double, 1, "rad", "mean anomaly at epoch", ODT_FIELD_PARAM, ODT_STORE_F64, 0)                   \
    X(mdot_rad_s, double, 1, "rad s-1", "mean anomaly rate with J2", ODT_FIELD_PARAM, ODT_STORE_F64, 0)       \
    X(raandot_rad_s, double, 1, "rad s-1", "node rate from J2", ODT_FIELD_PARAM, ODT_STORE_F64, 0)            \
    X(argpdot_rad_s, double, 1, "rad s-1", "perigee rate from J2", ODT_FIELD_PARAM, ODT_STORE_F64, 0)         \
    X(cls, int32_t, 1, "1", "satellite class (index into the class table)", ODT_FIELD_PARAM, ODT_STORE_I32, 0) \
    X(launch_time, double, 1, "s", "launch: in service from this time on (0 or less: in orbit at the epoch)",   \
      ODT_FIELD_PARAM, ODT_STORE_F64, 0)                                                                      \
    X(retire_time, double, 1, "s", "end of the design life: retired after this time", ODT_FIELD_PARAM,        \
      ODT_STORE_F64, 0)                                                                                       \
    X(weight, double, 1, "1", "satellites this one stands for (1, or more for a representative satellite)",  \
      ODT_FIELD_PARAM, ODT_STORE_F64, 0)                                                                      \
    X(propagator, int32_t, 1, "1", "propagator: 0 Kepler+J2, 1 SGP4/SDP4", ODT_FIELD_PARAM, ODT_STORE_I32, 0)  \
    X(sgp4_index, int32_t, 1, "1", "index of the SGP4 record, -1 for Kepler+J2", ODT_FIELD_PARAM,             \
      ODT_STORE_I32, 0)                                                                                       \
    X(sgp4_offset_min, double, 1, "min", "run epoch minus element-set epoch", ODT_FIELD_PARAM, ODT_STORE_F64, 0) \
    X(status, int32_t, 1, "1", "0 active; otherwise the SGP4 error code that stopped it", ODT_FIELD_STATE,    \
      ODT_STORE_I32, 0)                                                                                       \
    X(life_status, int32_t, 1, "1", "0 planned (before launch), 1 in service, 2 retired (design life over)",  \
      ODT_FIELD_STATE, ODT_STORE_I32, 0)                                                                      \
    X(sgp4_res_atime, double, 1, "min", "SDP4 resonance integrator: time of the last node", ODT_FIELD_STATE,  \
      ODT_STORE_F64, 0)                                                                                       \
    X(sgp4_res_xli, double, 1, "rad", "SDP4 resonance integrator: resonance angle", ODT_FIELD_STATE,          \
      ODT_STORE_F64, 0)                                                                                       \
    X(sgp4_res_xni, double, 1, "rad min-1", "SDP4 resonance integrator: mean motion", ODT_FIELD_STATE,        \
      ODT_STORE_F64, 0)                                                                                       \
    X(position, double, 3, "km", "position, GCRS axes", ODT_FIELD_STATE, ODT_STORE_F32, 1)                    \
    X(velocity, double, 3, "km s-1", "velocity, GCRS axes", ODT_FIELD_STATE, ODT_STORE_F32, 0)                \
    X(illumination, double, 1, "1", "illuminated fraction of the solar disk", ODT_FIELD_STATE, ODT_STORE_F32, 1) \
    X(battery_energy, double, 1, "J", "energy stored in the battery", ODT_FIELD_STATE, ODT_STORE_F32, 1)      \
    X(battery_health, double, 1, "1", "battery capacity left, fraction of the capacity at launch",            \
      ODT_FIELD_STATE, ODT_STORE_F32, 1)                                                                      \
    X(battery_cycle_fade, double, 1, "1", "battery capacity lost to the closed charge/discharge half cycles", \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(battery_soc_turn, double, 1, "1", "state of charge at the battery's last reversal of direction",        \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(battery_soc_ext, double, 1, "1", "furthest state of charge in the current direction", ODT_FIELD_STATE,   \
      ODT_STORE_F64, 0)                                                                                       \
    X(battery_direction, int32_t, 1, "1", "battery direction: 1 charging, -1 discharging, 0 not known yet",    \
      ODT_FIELD_STATE, ODT_STORE_I32, 0)                                                                      \
    X(node_temperature, double, 4, "K", "node temperatures: solar array, radiator, payload, bus",             \
      ODT_FIELD_STATE, ODT_STORE_F32, 0)                                                                      \
    X(time_over_limit, double, 1, "s", "cumulative time with the payload above its limit", ODT_FIELD_STATE,   \
      ODT_STORE_F32, 0)                                                                                       \
    X(umbra_start, double, 1, "s", "start of the open umbra interval (NaN: none)", ODT_FIELD_STATE,           \
      ODT_STORE_F64, 0)                                                                                       \
    X(shadow_start, double, 1, "s", "start of the open shadow interval (NaN: none)", ODT_FIELD_STATE,         \
      ODT_STORE_F64, 0)                                                                                       \
    X(eclipse_cut, int32_t, 1, "1", "open intervals begun before the run: 1 umbra, 2 shadow",                 \
      ODT_FIELD_STATE, ODT_STORE_I32, 0)                                                                      \
    X(events_lost, int32_t, 1, "1", "events not recorded (slots full)", ODT_FIELD_STATE, ODT_STORE_I32, 0)   \
    X(energy_solar, double, 1, "J", "cumulative solar array output", ODT_FIELD_STATE, ODT_STORE_F64, 0)       \
    X(energy_demand, double, 1, "J", "cumulative load asked for", ODT_FIELD_STATE, ODT_STORE_F64, 0)          \
    X(energy_served, double, 1, "J", "cumulative load supplied", ODT_FIELD_STATE, ODT_STORE_F64, 0)           \
    X(energy_charge, double, 1, "J", "cumulative energy into the battery at the bus", ODT_FIELD_STATE,        \
      ODT_STORE_F64, 0)                                                                                       \
    X(energy_discharge, double, 1, "J", "cumulative energy out of the battery at the bus", ODT_FIELD_STATE,   \
      ODT_STORE_F64, 0)                                                                                       \
    X(energy_curtailed, double, 1, "J", "cumulative array energy curtailed", ODT_FIELD_STATE, ODT_STORE_F64, 0) \
    X(energy_unserved, double, 1, "J", "cumulative load not served", ODT_FIELD_STATE, ODT_STORE_F64, 0)       \
    X(energy_loss, double, 1, "J", "cumulative battery conversion losses", ODT_FIELD_STATE, ODT_STORE_F64, 0) \
    X(sunlit_time, double, 1, "s", "cumulative illumination-weighted time in sunlight", ODT_FIELD_STATE,      \
      ODT_STORE_F64, 0)                                                                                       \
    X(elapsed_time, double, 1, "s", "cumulative simulated time", ODT_FIELD_STATE, ODT_STORE_F64, 0)           \
    X(accel_working, int32_t, 1, "1", "accelerators in service", ODT_FIELD_STATE, ODT_STORE_I32, 0)           \
    X(accel_spares, int32_t, 1, "1", "spare accelerators left", ODT_FIELD_STATE, ODT_STORE_I32, 0)            \
    X(accel_failed, int32_t, 1, "1", "cumulative permanent accelerator failures", ODT_FIELD_STATE,            \
      ODT_STORE_I32, 0)                                                                                       \
    X(restarts, int32_t, 1, "1", "cumulative radiation-induced node restarts", ODT_FIELD_STATE, ODT_STORE_I32, 0) \
    X(accel_age, double, 1, "s", "time in orbit of the accelerators", ODT_FIELD_STATE, ODT_STORE_F64, 0)      \
    X(downtime_left, double, 1, "s", "remaining downtime of a restart", ODT_FIELD_STATE, ODT_STORE_F32, 0)    \
    X(queue_waiting, double, 1, "tokens", "tokens waiting in the node's queue", ODT_FIELD_STATE,              \
      ODT_STORE_F64, 0)                                                                                       \
    X(queue_arrival_carry, double, 1, "tokens", "fraction of a token of demand carried", ODT_FIELD_STATE,     \
      ODT_STORE_F64, 0)                                                                                       \
    X(queue_capacity_carry, double, 1, "tokens", "fraction of a token of capacity carried", ODT_FIELD_STATE,  \
      ODT_STORE_F64, 0)                                                                                       \
    X(tokens_arrived, double, 1, "tokens", "cumulative tokens assigned to the node", ODT_FIELD_STATE,         \
      ODT_STORE_F64, 0)                                                                                       \
    X(tokens_served, double, 1, "tokens", "cumulative tokens served", ODT_FIELD_STATE, ODT_STORE_F64, 0)      \
    X(tokens_dropped, double, 1, "tokens", "cumulative tokens dropped (queue limit or latency objective)",    \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(capacity_ideal, double, 1, "tokens", "cumulative capacity of all accelerators at full power",           \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(capacity_lost_power, double, 1, "tokens", "cumulative capacity lost to the power available",           \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(capacity_lost_heat, double, 1, "tokens", "cumulative capacity lost to thermal throttling",             \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(capacity_lost_failures, double, 1, "tokens", "cumulative capacity lost to failures and restarts",      \
      ODT_FIELD_STATE, ODT_STORE_F64, 0)                                                                      \
    X(capacity, double, 1, "tokens s-1", "inference capacity in the last step", ODT_FIELD_STATE,              \
      ODT_STORE_F32, 0)                                                                                       \
    X(dispatch_weight, double, 1, "tokens s-1", "capacity the dispatch shares the demand by (set at each "    \
      "dispatch update)", ODT_FIELD_STATE, ODT_STORE_F32, 0)                                                  \
    X(latency, double, 1, "s", "estimated latency: queueing (Little's law) plus service", ODT_FIELD_STATE,   \
      ODT_STORE_F32, 0)                                                                                       \
    X(in_saa, int32_t, 1, "1", "1 inside the South Atlantic Anomaly", ODT_FIELD_STATE, ODT_STORE_I32, 0)     \
    X(temperature, double, 1, "K", "compute payload temperature", ODT_FIELD_OUT, ODT_STORE_F32, 1)            \
    X(array_cos_incidence, double, 1, "1", "cosine of the Sun's incidence on the array", ODT_FIELD_OUT,      \
      ODT_STORE_F32, 0)                                                                                       \
    X(heat_absorbed, double, 1, "W", "environment heat absorbed (Sun, albedo, Earth infrared)", ODT_FIELD_OUT, \
      ODT_STORE_F32, 0)                                                                                       \
    X(heat_radiated, double, 1, "W", "heat radiated to space", ODT_FIELD_OUT, ODT_STORE_F32, 0)              \
    X(solar_power, double, 1, "W", "solar array electrical output", ODT_FIELD_OUT, ODT_STORE_F32, 1)          \
    X(load_power, double, 1, "W", "load supplied (compute and bus)", ODT_FIELD_OUT, ODT_STORE_F32, 0)         \
    X(compute_power, double, 1, "W", "compute payload power supplied", ODT_FIELD_OUT, ODT_STORE_F32, 1)       \
    X(battery_power, double, 1, "W", "battery power at the bus, positive when charging", ODT_FIELD_OUT,      \
      ODT_STORE_F32, 0)                                                                                       \
    X(curtailed_power, double, 1, "W", "array power curtailed", ODT_FIELD_OUT, ODT_STORE_F32, 0)              \
    X(unserved_power, double, 1, "W", "load not served", ODT_FIELD_OUT, ODT_STORE_F32, 0)                     \
    X(served_rate, double, 1, "tokens s-1", "tokens served per second in the last step", ODT_FIELD_OUT,      \
      ODT_STORE_F32, 1)                                                                                       \
    X(ev_count, int32_t, 1, "1", "events in the slots since the last compaction", ODT_FIELD_EVENT,            \
      ODT_STORE_I32, 0)                                                                                       \
    X(ev_kind, int32_t, ODT_EV_SLOTS, "1", "kind of each event (enum odt_event_kind)", ODT_FIELD_EVENT,       \
      ODT_STORE_I32, 0)                                                                                       \
    X(ev_number, int32_t, ODT_EV_SLOTS, "1", "accelerators failed (failure), 1 (restart), complete (eclipse)", \
      ODT_FIELD_EVENT, ODT_STORE_I32, 0)                                                                      \
    X(ev_t0, double, ODT_EV_SLOTS, "s", "start of an eclipse interval, time of a reliability event",          \
      ODT_FIELD_EVENT, ODT_STORE_F64, 0)                                                                      \
    X(ev_t1, double, ODT_EV_SLOTS, "s", "end of an eclipse interval, time of a reliability event",            \
      ODT_FIELD_EVENT, ODT_STORE_F64, 0)

struct odt_fleet {
    size_t n; /* number of satellites */
#define ODT_X_DECL(name, type, nc, units, desc, role, store, rec) type *name;
    ODT_FLEET_FIELDS(ODT_X_DECL)
#undef ODT_X_DECL
    struct odt_sgp4 *sgp4; /* n_sgp4 SGP4 records (PARAM), indexed by sgp4_index */
    size_t n_sgp4;
};

/* Per-class parameters: every satellite of a fleet entry shares one class. */
struct odt_sat_class {
    struct odt_array_model array;
    double array_fluence_per_yr;       /* 1-MeV electron-equivalent fluence on the cells per year, e/cm^2 */
    struct odt_battery_params battery;
    struct odt_battery_aging_params aging; /* capacity fade by cycles and by calendar time */
    struct odt_tn_params thermal;      /* the default 4-node layout: array, radiator, payload, bus */
    struct odt_node_spec node;         /* accelerators, spares, bus, throttle temperatures */
    struct odt_queue_params queue;     /* the node's inference queue */
    struct odt_rel_params rel;         /* failures and radiation-induced restarts */
};

/* Inputs of one time step, computed by the host (O(1) per step). */
struct odt_step_input {
    double t_s;          /* time at the end of the step, s since the scenario epoch */
    double dt_s;         /* step length, s (0: evaluate the state at t_s without advancing) */
    double sun_unit[3];  /* unit vector Earth -> Sun, GCRS axes */
    double sun_dist_km;  /* Earth-Sun distance, km */
    double sun_unit_prev[3]; /* the same at the start of the step (t_s - dt_s), for the eclipse refinement */
    double sun_dist_prev_km;
    double era_rad;      /* Earth rotation angle (IAU 2000), rad */
    double teme_to_gcrs[3][3]; /* rotation of SGP4's TEME vectors to GCRS axes: r_gcrs = M r_teme */
    int64_t step_index;  /* global index of the step (the random-number counter) */
    double demand_factor; /* dispatch factor of the step's demand (odt_dispatch_factor) */
    int32_t dispatch_update; /* 1: the step opens a dispatch interval: every node's dispatch weight becomes
                                its capacity of the previous step (the values the host summed) */
    int32_t init_events;  /* 1: the zero-length evaluation at the epoch: open the intervals already in shadow */
    int32_t series_slot;  /* row of the advance call's fleet series this step fills, -1 for none */
    int32_t pad_;
};

/*
 * Per-step fleet series: what every satellite contributes to a step's row
 * (odt_sat_sample), summed per class, or taken as the class minimum / maximum
 * for the last four. Counts are satellites; powers W; tokens per step.
 */
enum odt_series_var {
    ODT_SV_SOLAR_W = 0,    /* array output */
    ODT_SV_LOAD_W,         /* load supplied */
    ODT_SV_COMPUTE_W,      /* compute payload power supplied */
    ODT_SV_CURTAILED_W,    /* array power curtailed */
    ODT_SV_UNSERVED_W,     /* load not served */
    ODT_SV_BATTERY_W,      /* battery power at the bus, + charging */
    ODT_SV_BATTERY_J,      /* energy stored */
    ODT_SV_HEAT_RADIATED_W,/* heat radiated to space */
    ODT_SV_CAPACITY,       /* inference capacity, tokens s-1 */
    ODT_SV_ARRIVED,        /* tokens assigned in the step */
    ODT_SV_SERVED,         /* tokens served in the step */
    ODT_SV_DROPPED,        /* tokens dropped in the step */
    ODT_SV_WAITING,        /* tokens waiting at the end of the step */
    ODT_SV_N_UMBRA,        /* satellites in umbra (illumination 0) */
    ODT_SV_N_SHADOW,       /* satellites in shadow (illumination < 1) */
    ODT_SV_N_SERVING,      /* nodes with capacity > 0 */
    ODT_SV_N_ACTIVE,       /* satellites propagating (status 0) */
    ODT_SV_N_BATTERY,      /* active satellites with a battery */
    ODT_SV_N_IN_SERVICE,   /* satellites in service (launched, design life not over) */
    ODT_SV_ACCEL_WORKING,  /* accelerators in service on the satellites in service */
    ODT_SV_TEMP_SUM,       /* sum of payload temperatures over active satellites, K (mean = / N_ACTIVE) */
    ODT_SV_SOC_SUM,        /* sum of states of charge over N_BATTERY */
    ODT_SV_N_SUMS,         /* the variables above are sums */
    ODT_SV_TEMP_MIN = ODT_SV_N_SUMS, /* payload temperature, K */
    ODT_SV_SOC_MIN,
    ODT_SV_TEMP_MAX,       /* the variables from here on are maxima */
    ODT_SV_SOC_MAX,
    ODT_SV_N
};
#define ODT_SV_FIRST_MAX ODT_SV_TEMP_MAX

/*
 * Fleet totals of the current state (reduce): per class, sums over satellites
 * of the cumulative STATE fields, and the two values dispatch needs. Every
 * sum, here and in the series, is weighted: a representative satellite counts
 * for the `weight` satellites it stands for.
 */
enum odt_total_var {
    ODT_TV_CAPACITY = 0,   /* sum of capacity over nodes with capacity > 0, tokens s-1 */
    ODT_TV_N_SERVING,      /* nodes with capacity > 0 */
    ODT_TV_N_INACTIVE,     /* satellites stopped by their propagator */
    ODT_TV_ENERGY_SOLAR, ODT_TV_ENERGY_DEMAND, ODT_TV_ENERGY_SERVED, ODT_TV_ENERGY_UNSERVED,
    ODT_TV_ENERGY_CURTAILED, ODT_TV_ENERGY_CHARGE, ODT_TV_ENERGY_DISCHARGE, ODT_TV_ENERGY_LOSS,
    ODT_TV_SUNLIT_TIME, ODT_TV_ELAPSED_TIME,
    ODT_TV_TOKENS_ARRIVED, ODT_TV_TOKENS_SERVED, ODT_TV_TOKENS_DROPPED, ODT_TV_TOKENS_WAITING,
    ODT_TV_CAPACITY_IDEAL, ODT_TV_LOST_POWER, ODT_TV_LOST_HEAT, ODT_TV_LOST_FAILURES,
    ODT_TV_ACCEL_FAILED, ODT_TV_RESTARTS, ODT_TV_TIME_OVER_LIMIT, ODT_TV_EVENTS_LOST,
    ODT_TV_SATELLITES,     /* satellites the fleet stands for (sum of weights) */
    ODT_TV_N_IN_SERVICE,   /* satellites in service */
    ODT_TV_N_RETIRED,      /* satellites retired */
    ODT_TV_ACCEL_WORKING,  /* accelerators in service on the satellites in service */
    ODT_TV_N
};

/* One compacted event (enum odt_event_kind). */
struct odt_event_row {
    int32_t satellite;
    int32_t kind;
    int32_t number; /* failures: accelerators; restarts: 1; eclipses: 1 complete, 0 cut by the run's start or end */
    int32_t pad_;
    double t0_s, t1_s; /* s since the epoch */
};

/* Settings of the step that are the same for the whole fleet. */
struct odt_step_config {
    int shadow_model;     /* enum odt_shadow_model */
    int earth_shape;      /* enum odt_earth_shape: spherical or oblate Earth for the shadow */
    double mu_km3_s2;     /* gravitational parameter of the Kepler propagation */
    double re_km;         /* Earth equatorial radius for the shadow */
    double flattening;    /* Earth flattening (oblate shadow) */
    double eclipse_tol_s; /* width of the final bracket of a refined eclipse event, s */
    uint64_t seed;        /* the scenario seed (random-number key with the satellite index) */
    int dispatch;         /* enum odt_dispatch_policy */
};

/* Description of one field, for code that walks the list at run time. */
struct odt_field_info {
    const char *name, *units, *description;
    size_t elem_size; /* bytes per component */
    int ncomp;
    int is_int;       /* 1: int32_t, 0: double */
    enum odt_field_role role;
    size_t offset;    /* offsetof(struct odt_fleet, name) */
    enum odt_storage storage; /* type of the field in a snapshot record */
    int record;       /* 1: in the default record set */
};

/* odt_storage_size: bytes of one component stored as s. */
static inline size_t odt_storage_size(enum odt_storage s) { return s == ODT_STORE_F64 ? 8 : 4; }

/* odt_fleet_fields: the table derived from ODT_FLEET_FIELDS; *count is set. */
const struct odt_field_info *odt_fleet_fields(int *count);
/* odt_fleet_field_index: index of the field called name (len bytes; 0: NUL-terminated), -1 if none. */
int odt_fleet_field_index(const char *name, size_t len);
/* odt_fleet_field_ptr: the array of field f in fleet fl. */
void *odt_fleet_field_ptr(const struct odt_fleet *fl, const struct odt_field_info *f);
/* odt_fleet_alloc: allocate host arrays for n satellites, zeroed except weight 1, retire_time +inf and
   battery_health 1 (one satellite each, in service from its launch_time 0 on, for ever, a battery as new). */
enum odt_status odt_fleet_alloc(struct odt_fleet *fl, size_t n);
enum odt_status odt_fleet_alloc_sgp4(struct odt_fleet *fl, size_t n_sgp4);
void odt_fleet_free(struct odt_fleet *fl);
/* odt_fleet_copy: copy the fields whose role is in role_mask (bit 1 << role) from src to dst (same n and
   n_sgp4); the SGP4 records count as PARAM. */
void odt_fleet_copy(struct odt_fleet *dst, const struct odt_fleet *src, unsigned role_mask);

ODT_EXTERN_C_END

#endif /* ODT_FLEET_H */
