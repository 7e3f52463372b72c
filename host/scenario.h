/*
 * scenario.h: a run described by a YAML scenario file (see docs/scenario.md).
 *
 * Loading validates every key and value and reports the first problem as
 * "FILE:LINE: message"; nothing is partially accepted.
 */
#ifndef ODT_SCENARIO_H
#define ODT_SCENARIO_H

#include <stdint.h>
#include "orbit/odt_defs.h"
#include "kernels/fleet.h"
#include "host/ephem.h"
#include "host/catalog.h"
#include "host/demand.h"
#include "host/economics.h"

#define ODT_MAX_FIELDS 128 /* bound on the number of fleet fields (kernels/fleet.h) */

enum odt_accel_kind { ODT_ACCEL_H200 = 0, ODT_ACCEL_B200 = 1 };

enum odt_fleet_source { ODT_SOURCE_SSO = 0, ODT_SOURCE_WALKER = 1, ODT_SOURCE_CATALOG = 2 };
enum odt_sgp4_opsmode_choice { ODT_OPSMODE_IMPROVED = 0, ODT_OPSMODE_AFSPC = 1 };
enum odt_walker_pattern { ODT_WALKER_DELTA = 0, ODT_WALKER_STAR = 1 };
/* Which satellites the per-satellite records hold (snapshot_satellites). */
enum odt_snapshot_select { ODT_SELECT_ALL = 0, ODT_SELECT_EVERY = 1, ODT_SELECT_PER_PLANE = 2, ODT_SELECT_IDS = 3 };

/*
 * One satellite design as written in a `satellite:` block (docs/scenario.md). The key table of
 * host/scenario.c writes each key straight into the model parameters of cls (through its unit scale: Wh -> J,
 * h -> s); the defaults are the models' own defaults functions. Beside cls are the few choices that are not a
 * model parameter themselves. odt_sat_spec_finish derives what one key sets in several places of cls.
 */
struct odt_sat_spec {
    struct odt_sat_class cls;      /* the model parameters, complete once finished */
    int accelerator;               /* enum odt_accel_kind: the model of cls.node.type */
    double accel_board_power_w;    /* > 0: board power in place of the model's (its idle power scaled alike) */
    double accel_tokens_per_s;     /* > 0: full-clock tokens/s in place of the model's */
    int radiator_sides;            /* 1 or 2 radiating faces of the radiator panel */
    double battery_soc_initial;    /* state of charge at the epoch, or at launch */
    double initial_temperature_k;  /* every thermal node at the start */
    struct odt_mass_params mass;   /* specific masses (host/economics.h): the satellite's launch mass */
    double design_life_s;          /* design life from launch (or from the epoch for a fleet already in orbit), s */
};

/* odt_sat_spec_defaults: the default design, from the models' defaults functions. */
void odt_sat_spec_defaults(struct odt_sat_spec *s);

/*
 * odt_sat_spec_finish: make cls consistent with the keys in an environment (albedo, Earth IR W/m^2): the
 * accelerator model and its overrides; the thermal network's array faces from the power model's array (one
 * area, one absorptivity, the emissivity on both faces); the radiator's back face from its front and
 * radiator_sides; the conductances made symmetric; the queue limit a whole number of tokens. Idempotent.
 */
void odt_sat_spec_finish(struct odt_sat_spec *s, double albedo, double earth_ir_w_m2);

/* How launches fill a shell's planes (launch: fill). */
enum odt_launch_fill { ODT_FILL_PLANES = 0, ODT_FILL_ROUND_ROBIN = 1 };
/* What a representative satellite stands for (representatives: per). */
enum odt_represent_per { ODT_REPRESENT_NONE = 0, ODT_REPRESENT_LAUNCH = 1, ODT_REPRESENT_PLANE = 2 };

#define ODT_LAUNCH_MAX_YEARS 100     /* entries of a launch ramp (per_year list) */
#define ODT_LAUNCH_MAX_PER_YEAR 1e6  /* largest launch cadence, launches per year */

/* One launch of an explicit launch list. */
struct odt_launch_item {
    double t_s;          /* s since the scenario epoch */
    int satellites;      /* 0: as the schedule's satellites_per_launch / payload */
    double payload_kg;   /* 0: the schedule's payload_kg */
    int line;
};

/* The `launch:` block of a fleet entry: when its satellites reach orbit (docs/scenario.md). */
struct odt_launch_spec {
    int given;                 /* 1: the entry has a launch block */
    int line;                  /* line of the `launch:` key */
    char first_text[64];
    double first_s;            /* first launch, s since the scenario epoch (>= 0) */
    double per_year[ODT_LAUNCH_MAX_YEARS]; /* launches per year in year k of the schedule (the last holds on) */
    int n_per_year;
    double payload_kg;         /* payload per launch, kg */
    int satellites_per_launch; /* 0: floor(payload_kg / satellite mass) */
    int fill;                  /* enum odt_launch_fill */
    int replace;               /* 1: once every slot is filled, launches replace retired satellites */
    struct odt_launch_item *list; /* explicit launches instead of the cadence (n_list > 0) */
    size_t n_list;
    int line_payload, line_per_year, line_first;
};

/* One entry of the `fleet:` list. */
struct odt_shell_spec {
    char name[64];
    int line;                  /* line of the entry in the scenario, for messages */
    enum odt_fleet_source source;
    enum odt_walker_pattern pattern;
    double altitude_km;        /* mean altitude above the equatorial radius, km */
    double eccentricity;
    double inclination_deg;    /* walker: inclination; sso: computed */
    double raan_deg;           /* walker: node of plane 0 */
    double ltan_h;             /* sso: local time of the ascending node, h */
    double ltan_spread_h;      /* sso: planes spread evenly over this span of LTAN, h */
    int planes, slots, phasing;
    /* source: catalog */
    char file[512];            /* catalogue path as written (relative to the scenario's folder) */
    char path[1024];           /* the path opened */
    int format;                /* enum odt_catalog_format */
    int gravity;               /* enum odt_sgp4_gravity */
    int opsmode;               /* enum odt_sgp4_opsmode_choice */
    int strict;                /* 1: a bad catalogue entry fails the load */
    struct odt_catalog catalog;/* the loaded element sets */
    struct odt_sat_spec sat;
    struct odt_launch_spec launch; /* launch schedule (launch.given 0: every satellite in orbit at the epoch) */
    int represent_per;         /* enum odt_represent_per */
    int represent_count;       /* representative satellites per launch or per plane */
    double represent_window_s; /* per: launch, > 0: the launches within this window form one cohort, launched at
                                  their satellite-weighted mean time (window_days) */
    int represent_line;
};

/* Options of scenario loading. */
struct odt_scenario_options {
    int strict_catalog;        /* treat every catalogue entry as strict (odtwin run --strict) */
    int quiet;                 /* do not print skipped catalogue entries */
};

struct odt_scenario {
    char file[512];            /* where it came from (a path or "<default>") */
    char *text;                /* the scenario text, kept for the snapshot file */
    char name[64];
    char epoch_text[64];
    struct odt_epoch epoch;
    double duration_s, step_s, snapshot_interval_s;
    uint64_t seed;
    int shadow_model;          /* enum odt_shadow_model */
    int earth_shape;           /* enum odt_earth_shape */
    double albedo;             /* Earth albedo for the thermal loads */
    double earth_ir_w_m2;      /* Earth outgoing infrared at the surface, W/m^2 */
    struct odt_demand_params demand; /* the `workload:` block */
    struct odt_econ_params econ;     /* the `economics:` block: prices, the ground reference (host/economics.h) */
    int snapshot_compression;  /* deflate level of the snapshot datasets, 0 (none) .. 9 */
    int snapshot_fields_given; /* snapshot_fields was given: snapshot_on selects the OUT fields */
    unsigned char snapshot_on[ODT_MAX_FIELDS]; /* per fleet field: 1 to write it (OUT fields) */
    int dispatch;              /* enum odt_dispatch_policy */
    double demand_per_capacity;/* > 0: the mean demand is this fraction of the fleet capacity of each dispatch
                                  interval (the demand model's shape, scaled); 0: demand_tokens_per_s */
    double checkpoint_interval_s; /* simulated time between checkpoints, s (0: by wall-clock time) */
    double checkpoint_wall_s;  /* with checkpoint_interval_s 0: wall-clock time between checkpoints, s */
    double dispatch_interval_s;/* the demand is shared by capacities updated this often, s */
    int series_every;          /* the fleet series holds every this many steps */
    int snapshot_precision;    /* 0: each field's storage type; 1: every floating field as float64 */
    int snapshot_select;       /* enum odt_snapshot_select */
    int snapshot_select_n;     /* every N / per plane N */
    int32_t *snapshot_ids;     /* ODT_SELECT_IDS: the satellites */
    size_t n_snapshot_ids;
    char output[512];          /* output path from the scenario (may be empty) */
    int n_shells;
    struct odt_shell_spec *shells;
    size_t catalog_rejected;   /* catalogue entries skipped as bad, all entries */
};

/* odt_scenario_load_file: read and validate a scenario file. err gets "FILE:LINE: reason". */
enum odt_status odt_scenario_load_file(const char *path, struct odt_scenario *sc, char *err, size_t errlen);
/* odt_scenario_load_text: the same from text; name is used in messages. */
enum odt_status odt_scenario_load_text(const char *name, const char *text, size_t len, struct odt_scenario *sc,
                                       char *err, size_t errlen);
/* The same with options (NULL: defaults). */
enum odt_status odt_scenario_load_file_opts(const char *path, const struct odt_scenario_options *opt,
                                            struct odt_scenario *sc, char *err, size_t errlen);
enum odt_status odt_scenario_load_text_opts(const char *name, const char *text, size_t len,
                                            const struct odt_scenario_options *opt, struct odt_scenario *sc,
                                            char *err, size_t errlen);
/* odt_scenario_default_text: the embedded default scenario (scenarios/default.yaml). */
const char *odt_scenario_default_text(void);
void odt_scenario_free(struct odt_scenario *sc);

/* Limits of the counts of a run, checked when a scenario is loaded (docs/scenario.md). */
#define ODT_SCENARIO_MIN_STEP_S 1e-3 /* smallest step_s, s */
#define ODT_SCENARIO_MAX_STEPS 1e10  /* most steps in duration_s and in snapshot_interval_s */
#define ODT_SCENARIO_MAX_SATELLITES 2147483647.0 /* most satellites in the fleet (int32 indices) */

/* Totals derived from a scenario. */
size_t odt_scenario_satellites(const struct odt_scenario *sc);
/* odt_scenario_steps: duration_s / step_s, from 1 to ODT_SCENARIO_MAX_STEPS for a loaded scenario (-1 if the
   struct holds no valid step). */
long odt_scenario_steps(const struct odt_scenario *sc);

#endif /* ODT_SCENARIO_H */
