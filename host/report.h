/*
 * report.h: `odtwin report`: summary tables of a snapshot file.
 *
 * Reads an HDF5 snapshot of schema 2.x (docs/snapshot.md) and prints,
 * as text or as JSON (stable key order), the run, the fleet energy balance,
 * the array yield per m^2 against a ground reference (power_thermal/ground.h),
 * the eclipses and the battery they need, the temperatures and the radiator
 * that would hold the payload at its limit (power_thermal/thermal_network.h),
 * and the compute delivered and the failures. Every
 * number, its definition and its JSON key: docs/report.md.
 *
 * Nothing is printed unless the whole report could be made: an unreadable,
 * damaged or foreign file gives one message in err that names the file and
 * the problem.
 */
#ifndef ODT_REPORT_H
#define ODT_REPORT_H

#include <stdio.h>
#include "orbit/odt_defs.h"

/* Options of a report; odt_report_options_init gives the defaults. */
struct odt_report_options {
    int json;                /* 1: JSON instead of text (default 0) */
    double load_w;           /* load carried through the longest eclipse, W (> 0); 0 (default): the
                                class's compute_power_w + bus_power_w */
    int ground_method;       /* enum odt_ground_method (power_thermal/ground.h), default capacity factor */
    double ground_cf;        /* ground capacity factor, 0..1 (default 0.24, the US median quoted by Starcloud) */
    double ground_lat_deg;   /* ground latitude, deg (ODT_GROUND_LATITUDE only; default 37) */
    int claims;              /* 1: the claims report instead (host/claims_report.h) */
    const char *ground_site; /* a named real-weather capacity factor (odt_report_ground_sites; sets ground_cf),
                                NULL: none (the default CF, --ground-cf or --ground-lat) */
};

/* The named ground sites of --ground-site: a published typical capacity factor with its source
   (docs/report.md cites each). */
struct odt_report_ground_site {
    const char *name;
    double capacity_factor;  /* energy / (nameplate at 1000 W/m^2 x hours) */
    const char *basis;       /* what the figure is and where it comes from */
};
/* odt_report_shadow_arc_s: the shortest shadow arc of a circular orbit of semi-major axis a_km (km), s:
   P asin(R_E / a) / pi, the longest step with at most one shadow boundary per step (docs/report.md). */
double odt_report_shadow_arc_s(double a_km);
/* odt_report_ground_sites: the table (*n entries). */
const struct odt_report_ground_site *odt_report_ground_sites(int *n);
/* odt_report_ground_site_find: the entry named `name`, NULL when none. */
const struct odt_report_ground_site *odt_report_ground_site_find(const char *name);

/* odt_report_options_init: text, class load, capacity factor 0.24. */
void odt_report_options_init(struct odt_report_options *opt);

/*
 * odt_report_file: write the report of snapshot file `path` to out.
 *   opt     options (NULL: the defaults)
 *   out     where the report goes; nothing is written on failure
 *   err     on failure, one message "PATH: problem"
 * Returns ODT_OK; ODT_ERR_IO (missing, unreadable, not HDF5, damaged or
 * truncated file), ODT_ERR_PARSE (an HDF5 file that is not an odtwin snapshot
 * or lacks a dataset the schema requires), ODT_ERR_VALUE (an empty run or a
 * bad option), ODT_ERR_NOMEM.
 */
enum odt_status odt_report_file(const char *path, const struct odt_report_options *opt, FILE *out, char *err,
                                size_t errlen);

/*
 * odt_report_main: the `odtwin report` command; argv holds the arguments
 * after "report": FILE [--json] [--claims] [--load-w W] [--ground-cf CF | --ground-site NAME | --ground-lat DEG].
 * Returns the exit code: 0, 1 (the file could not be reported) or 2 (usage).
 */
int odt_report_main(int argc, char **argv);

#endif /* ODT_REPORT_H */
