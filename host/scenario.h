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

enum odt_fleet_source { ODT_SOURCE_SSO = 0, ODT_SOURCE_WALKER = 1, ODT_SOURCE_CATALOG = 2 };
enum odt_sgp4_opsmode_choice { ODT_OPSMODE_IMPROVED = 0, ODT_OPSMODE_AFSPC = 1 };
enum odt_walker_pattern { ODT_WALKER_DELTA = 0, ODT_WALKER_STAR = 1 };

/* Parameters of one satellite design, as written in a `satellite:` block. */
struct odt_sat_spec {
    struct odt_sat_class cls;     /* model parameters (SI units) */
    double battery_soc_initial;   /* initial state of charge, 0..1 */
    double initial_temperature_k; /* initial temperature, K */
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

/* Totals derived from a scenario. */
size_t odt_scenario_satellites(const struct odt_scenario *sc);
long odt_scenario_steps(const struct odt_scenario *sc);

#endif /* ODT_SCENARIO_H */
