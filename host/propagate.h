/*
 * propagate.h: `odtwin propagate`: TEME states of every object of a TLE/OMM
 * file at given times, in the layout of the SGP4 verification output
 * (tcppver.out of Vallado et al. 2006: a header "<catalog number> xx", then
 * rows "t x y z vx vy vz"; the reference file carries further columns, which
 * are not written), so that odtwin can be checked against other SGP4
 * implementations line by line.
 */
#ifndef ODT_PROPAGATE_H
#define ODT_PROPAGATE_H

#include <stdio.h>
#include "orbit/odt_defs.h"

struct odt_propagate_options {
    int have_range;          /* 1: start/stop/step below apply to every object */
    double start_min, stop_min, step_min;
    int gravity;             /* enum odt_sgp4_gravity */
    char opsmode;            /* 'i' or 'a' */
    int ignore_checksum;     /* accept TLE lines with a wrong checksum */
};

/*
 * odt_propagate_file: write the states of every object in path to out. The
 * times per object: the range of the options if given, else the range after
 * column 69 of the TLE's line 2 if present, else 0..1440 min by 120 min; as the
 * reference driver does, t = 0 first, then start .. stop by step with the last
 * time clamped to stop. An object whose propagation fails stops with a comment
 * line "# *** error: t:= T *** code = C" (the message the reference driver
 * prints on its console) and the next object follows. A file that cannot be read, or a bad entry, is an error.
 */
enum odt_status odt_propagate_file(const char *path, const struct odt_propagate_options *opt, FILE *out,
                                   char *err, size_t errlen);

/* odt_propagate_main: the sub-command; argv holds the arguments after "propagate". */
int odt_propagate_main(int argc, char **argv);

#endif /* ODT_PROPAGATE_H */
