/*
 * fleet.h: the state of a whole fleet as structure-of-arrays, declared once.
 *
 * ODT_FLEET_FIELDS lists every per-satellite field with its type, number of
 * components, units (CF/UDUNITS spelling), description and role. Allocation,
 * host<->device copies and the HDF5 snapshot datasets are all derived from
 * this one list, so a new field is one line here. A field of ncomp components
 * is stored component-major: x[c * n + i].
 *
 * Roles: PARAM fields are inputs fixed for the run (uploaded once); STATE
 * fields evolve and are what a restart needs; OUT fields are the values of the
 * last step (positions, powers) that snapshots record; EVENT fields hold what
 * happened during the last advance call (eclipse entries and exits) and are
 * collected by the host after each call.
 */
#ifndef ODT_FLEET_H
#define ODT_FLEET_H

#include "orbit/odt_defs.h"
#include "orbit/sgp4.h"
#include "orbit/eclipse.h"
#include "power_thermal/array.h"
#include "power_thermal/battery.h"
#include "power_thermal/thermal_network.h"
#include "power_thermal/accelerator.h"
#include "power_thermal/queue.h"
#include "power_thermal/reliability.h"
#include "kernels/dispatch.h"

ODT_EXTERN_C_BEGIN

enum odt_field_role { ODT_FIELD_PARAM = 0, ODT_FIELD_STATE = 1, ODT_FIELD_OUT = 2, ODT_FIELD_EVENT = 3 };

/* Role masks for odt_fleet_copy and the backends' transfers. */
#define ODT_ROLE_MASK(role) (1u << (role))
#define ODT_ROLES_ALL 0xFu                                                       /* upload */
#define ODT_ROLES_RESULTS (ODT_ROLE_MASK(ODT_FIELD_STATE) | ODT_ROLE_MASK(ODT_FIELD_OUT) | \
                           ODT_ROLE_MASK(ODT_FIELD_EVENT))                        /* download */

/* Eclipse events one satellite can record in one advance call (a call spans at most
 * a few orbits: the run loop caps it; a LEO orbit has at most 4 events). */
#define ODT_ECL_SLOTS 16
/* Reliability events (failures, restarts) one satellite can record in one advance call. */
#define ODT_REL_SLOTS 8

/* Kinds of reliability events. */
enum odt_rel_event_kind { ODT_REL_FAILURE = 1, ODT_REL_RESTART = 2 };

/* Propagator of a satellite. */
enum odt_propagator { ODT_PROP_KEPLER_J2 = 0, ODT_PROP_SGP4 = 1 };

/* X(name, C type, components, units, description, role) */
#define ODT_FLEET_FIELDS(X)                                                                                   \
    X(a_km, double, 1, "km", "mean semi-major axis at epoch", ODT_FIELD_PARAM)                                \
    X(ecc, double, 1, "1", "mean eccentricity", ODT_FIELD_PARAM)                                              \
    X(inc_rad, double, 1, "rad", "mean inclination", ODT_FIELD_PARAM)                                         \
    X(raan0_rad, double, 1, "rad", "right ascension of the ascending node at epoch", ODT_FIELD_PARAM)         \
    X(argp0_rad, double, 1, "rad", "argument of perigee at epoch", ODT_FIELD_PARAM)                           \
    X(m0_rad, double, 1, "rad", "mean anomaly at epoch", ODT_FIELD_PARAM)                                     \
    X(mdot_rad_s, double, 1, "rad s-1", "mean anomaly rate with J2", ODT_FIELD_PARAM)                         \
    X(raandot_rad_s, double, 1, "rad s-1", "node rate from J2", ODT_FIELD_PARAM)                              \
    X(argpdot_rad_s, double, 1, "rad s-1", "perigee rate from J2", ODT_FIELD_PARAM)                           \
    X(cls, int32_t, 1, "1", "satellite class (index into the class table)", ODT_FIELD_PARAM)                  \
    X(propagator, int32_t, 1, "1", "propagator: 0 Kepler+J2, 1 SGP4/SDP4", ODT_FIELD_PARAM)                    \
    X(sgp4_index, int32_t, 1, "1", "index of the SGP4 record, -1 for Kepler+J2", ODT_FIELD_PARAM)             \
    X(sgp4_offset_min, double, 1, "min", "run epoch minus element-set epoch", ODT_FIELD_PARAM)                 \
    X(status, int32_t, 1, "1", "0 active; otherwise the SGP4 error code that stopped it", ODT_FIELD_STATE)    \
    X(sgp4_res_atime, double, 1, "min", "SDP4 resonance integrator: time of the last node", ODT_FIELD_STATE)  \
    X(sgp4_res_xli, double, 1, "rad", "SDP4 resonance integrator: resonance angle", ODT_FIELD_STATE)          \
    X(sgp4_res_xni, double, 1, "rad min-1", "SDP4 resonance integrator: mean motion", ODT_FIELD_STATE)        \
    X(battery_energy, double, 1, "J", "energy stored in the battery", ODT_FIELD_STATE)                        \
    X(node_temperature, double, 4, "K", "node temperatures: solar array, radiator, payload, bus", ODT_FIELD_STATE) \
    X(time_over_limit, double, 1, "s", "cumulative time with the payload above its limit", ODT_FIELD_STATE)   \
    X(eclipse_lost, int32_t, 1, "1", "eclipse events not recorded (buffer full)", ODT_FIELD_STATE)            \
    X(energy_solar, double, 1, "J", "cumulative solar array output", ODT_FIELD_STATE)                         \
    X(energy_demand, double, 1, "J", "cumulative load asked for", ODT_FIELD_STATE)                            \
    X(energy_served, double, 1, "J", "cumulative load supplied", ODT_FIELD_STATE)                             \
    X(energy_charge, double, 1, "J", "cumulative energy into the battery at the bus", ODT_FIELD_STATE)        \
    X(energy_discharge, double, 1, "J", "cumulative energy out of the battery at the bus", ODT_FIELD_STATE)   \
    X(energy_curtailed, double, 1, "J", "cumulative array energy curtailed", ODT_FIELD_STATE)                 \
    X(energy_unserved, double, 1, "J", "cumulative load not served", ODT_FIELD_STATE)                         \
    X(energy_loss, double, 1, "J", "cumulative battery conversion losses", ODT_FIELD_STATE)                   \
    X(sunlit_time, double, 1, "s", "cumulative illumination-weighted time in sunlight", ODT_FIELD_STATE)      \
    X(elapsed_time, double, 1, "s", "cumulative simulated time", ODT_FIELD_STATE)                             \
    X(position, double, 3, "km", "position, GCRS axes", ODT_FIELD_OUT)                                        \
    X(velocity, double, 3, "km s-1", "velocity, GCRS axes", ODT_FIELD_OUT)                                    \
    X(illumination, double, 1, "1", "illuminated fraction of the solar disk", ODT_FIELD_OUT)                  \
    X(temperature, double, 1, "K", "compute payload temperature", ODT_FIELD_OUT)                              \
    X(array_cos_incidence, double, 1, "1", "cosine of the Sun's incidence on the array", ODT_FIELD_OUT)      \
    X(heat_absorbed, double, 1, "W", "environment heat absorbed (Sun, albedo, Earth infrared)", ODT_FIELD_OUT) \
    X(heat_radiated, double, 1, "W", "heat radiated to space", ODT_FIELD_OUT)                                \
    X(solar_power, double, 1, "W", "solar array electrical output", ODT_FIELD_OUT)                            \
    X(load_power, double, 1, "W", "load supplied (compute and bus)", ODT_FIELD_OUT)                           \
    X(compute_power, double, 1, "W", "compute payload power supplied", ODT_FIELD_OUT)                         \
    X(battery_power, double, 1, "W", "battery power at the bus, positive when charging", ODT_FIELD_OUT)       \
    X(curtailed_power, double, 1, "W", "array power curtailed", ODT_FIELD_OUT)                                \
    X(unserved_power, double, 1, "W", "load not served", ODT_FIELD_OUT)                                       \
    X(accel_working, int32_t, 1, "1", "accelerators in service", ODT_FIELD_STATE)                             \
    X(accel_spares, int32_t, 1, "1", "spare accelerators left", ODT_FIELD_STATE)                              \
    X(accel_failed, int32_t, 1, "1", "cumulative permanent accelerator failures", ODT_FIELD_STATE)            \
    X(restarts, int32_t, 1, "1", "cumulative radiation-induced node restarts", ODT_FIELD_STATE)               \
    X(accel_age, double, 1, "s", "time in orbit of the accelerators", ODT_FIELD_STATE)                        \
    X(downtime_left, double, 1, "s", "remaining downtime of a restart", ODT_FIELD_STATE)                      \
    X(rel_events_lost, int32_t, 1, "1", "reliability events not recorded (buffer full)", ODT_FIELD_STATE)     \
    X(queue_waiting, double, 1, "tokens", "tokens waiting in the node's queue", ODT_FIELD_STATE)              \
    X(queue_arrival_carry, double, 1, "tokens", "fraction of a token of demand carried", ODT_FIELD_STATE)     \
    X(queue_capacity_carry, double, 1, "tokens", "fraction of a token of capacity carried", ODT_FIELD_STATE)  \
    X(tokens_arrived, double, 1, "tokens", "cumulative tokens assigned to the node", ODT_FIELD_STATE)         \
    X(tokens_served, double, 1, "tokens", "cumulative tokens served", ODT_FIELD_STATE)                        \
    X(tokens_dropped, double, 1, "tokens", "cumulative tokens dropped (queue limit or latency objective)",    \
      ODT_FIELD_STATE)                                                                                        \
    X(capacity_ideal, double, 1, "tokens", "cumulative capacity of all accelerators at full power",           \
      ODT_FIELD_STATE)                                                                                        \
    X(capacity_lost_power, double, 1, "tokens", "cumulative capacity lost to the power available",           \
      ODT_FIELD_STATE)                                                                                        \
    X(capacity_lost_heat, double, 1, "tokens", "cumulative capacity lost to thermal throttling", ODT_FIELD_STATE) \
    X(capacity_lost_failures, double, 1, "tokens", "cumulative capacity lost to failures and restarts",      \
      ODT_FIELD_STATE)                                                                                        \
    X(capacity, double, 1, "tokens s-1", "inference capacity in the last step", ODT_FIELD_OUT)               \
    X(served_rate, double, 1, "tokens s-1", "tokens served per second in the last step", ODT_FIELD_OUT)      \
    X(latency, double, 1, "s", "estimated latency: queueing (Little's law) plus service", ODT_FIELD_OUT)     \
    X(in_saa, int32_t, 1, "1", "1 inside the South Atlantic Anomaly", ODT_FIELD_OUT)                          \
    X(rel_count, int32_t, 1, "1", "reliability events recorded in the last advance call", ODT_FIELD_EVENT)  \
    X(rel_kind, int32_t, ODT_REL_SLOTS, "1", "kind of each event (1 failure, 2 restart)", ODT_FIELD_EVENT)    \
    X(rel_number, int32_t, ODT_REL_SLOTS, "1", "accelerators failed (failure events)", ODT_FIELD_EVENT)      \
    X(rel_time, double, ODT_REL_SLOTS, "s", "time of each event since the epoch (end of its step)", ODT_FIELD_EVENT) \
    X(eclipse_count, int32_t, 1, "1", "eclipse events recorded in the last advance call", ODT_FIELD_EVENT)   \
    X(eclipse_kind, int32_t, ODT_ECL_SLOTS, "1", "kind of each event (enum odt_eclipse_kind)", ODT_FIELD_EVENT) \
    X(eclipse_time, double, ODT_ECL_SLOTS, "s", "time of each event since the epoch", ODT_FIELD_EVENT)

struct odt_fleet {
    size_t n; /* number of satellites */
#define ODT_X_DECL(name, type, nc, units, desc, role) type *name;
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
    double era_rad;      /* Earth rotation angle (IAU 2000), rad */
    double teme_to_gcrs[3][3]; /* rotation of SGP4's TEME vectors to GCRS axes: r_gcrs = M r_teme */
    int64_t step_index;  /* global index of the step (the random-number counter) */
    double demand_factor; /* dispatch factor of the step's demand (odt_dispatch_factor) */
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
};

/* odt_fleet_fields: the table derived from ODT_FLEET_FIELDS; *count is set. */
const struct odt_field_info *odt_fleet_fields(int *count);
/* odt_fleet_field_ptr: the array of field f in fleet fl. */
void *odt_fleet_field_ptr(const struct odt_fleet *fl, const struct odt_field_info *f);
/* odt_fleet_alloc: allocate (zeroed) host arrays for n satellites, n_sgp4 of them SGP4. */
enum odt_status odt_fleet_alloc(struct odt_fleet *fl, size_t n);
enum odt_status odt_fleet_alloc_sgp4(struct odt_fleet *fl, size_t n_sgp4);
void odt_fleet_free(struct odt_fleet *fl);
/* odt_fleet_copy: copy the fields whose role is in role_mask (bit 1 << role) from src to dst (same n and
   n_sgp4); the SGP4 records count as PARAM. */
void odt_fleet_copy(struct odt_fleet *dst, const struct odt_fleet *src, unsigned role_mask);

ODT_EXTERN_C_END

#endif /* ODT_FLEET_H */
