/*
 * propagate.h: `odtwin propagate`: TEME states of every object of a TLE/OMM
 * file at given times, in the layout of the SGP4 verification output
 * (tcppver.out of Vallado et al. 2006: a header "<catalog number> xx", then
 * rows "t x y z vx vy vz"; the reference file carries further columns, which
 * are not written), so that odtwin can be checked against other SGP4
 * implementations line by line.
 *
 * The file is read by the catalogue reader of `odtwin run` (host/catalog.h),
 * with the same strictness rule: a bad entry is reported and skipped, or with
 * strict fails the command.
 */
#ifndef ODT_PROPAGATE_H
#define ODT_PROPAGATE_H

#include <stdio.h>
#include "orbit/odt_defs.h"
#include "host/catalog.h"

/* Most rows (times) written per object: a bound on what one command line can ask for. */
#define ODT_PROPAGATE_MAX_ROWS 10000000L

struct odt_propagate_options {
    int have_range;          /* 1: start/stop/step below apply to every object */
    double start_min, stop_min, step_min;
    int gravity;             /* enum odt_sgp4_gravity */
    char opsmode;            /* 'i' or 'a' */
    int ignore_checksum;     /* accept TLE lines with a wrong checksum */
    int strict;              /* 1: a bad catalogue entry fails the command (else it is skipped) */
    odt_diag_fn skipped;     /* called once per skipped entry (NULL: not reported); ctx its first argument */
    void *skipped_ctx;
};

/*
 * odt_propagate_range_check: whether start, stop and step (minutes) make a
 * bounded list of times: finite, step > 0, stop >= start, at most
 * ODT_PROPAGATE_MAX_ROWS rows, and a step that moves the time at the largest
 * |t| of the range (a step below the resolution of the double would never
 * reach stop). Returns 0 if so, else -1 with why (no trailing period).
 */
int odt_propagate_range_check(double start_min, double stop_min, double step_min, char *why, size_t whylen);

/*
 * odt_propagate_file: write the states of every object in path to out. The
 * times per object: the range of the options if given, else the range after
 * column 69 of the TLE's line 2 if present, else 0..1440 min by 120 min; as the
 * reference driver does, t = 0 first, then start .. stop by step with the last
 * time clamped to stop. An object whose propagation fails stops with a comment
 * line "# *** error: t:= T *** code = C" (the message the reference driver
 * prints on its console) and the next object follows. A file that cannot be
 * read, a bad entry with strict, a file without entries, or a verification
 * range that fails odt_propagate_range_check is an error: err gets one line
 * "FILE:LINE: problem".
 */
enum odt_status odt_propagate_file(const char *path, const struct odt_propagate_options *opt, FILE *out,
                                   char *err, size_t errlen);

/* odt_propagate_main: the sub-command; argv holds the arguments after "propagate". */
int odt_propagate_main(int argc, char **argv);

#endif /* ODT_PROPAGATE_H */
