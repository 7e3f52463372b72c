/* propagate.c: the `odtwin propagate` sub-command. */
#include "host/propagate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/textfile.h"
#include "orbit/sgp4.h"
#include "orbit/tle.h"

int odt_propagate_range_check(double start_min, double stop_min, double step_min, char *why, size_t whylen)
{
    if (!isfinite(start_min) || !isfinite(stop_min) || !isfinite(step_min)) {
        snprintf(why, whylen, "start, stop and step must be finite numbers of minutes");
        return -1;
    }
    if (!(step_min > 0.0)) {
        snprintf(why, whylen, "step %g min: must be > 0", step_min);
        return -1;
    }
    if (stop_min < start_min) {
        snprintf(why, whylen, "stop %g min is before start %g min", stop_min, start_min);
        return -1;
    }
    /* t = 0, then start .. stop: (stop - start) / step + 2 rows at most */
    const double rows = (stop_min - start_min) / step_min + 2.0;
    if (!(rows <= (double)ODT_PROPAGATE_MAX_ROWS)) {
        snprintf(why, whylen, "step %g min over %g .. %g min gives %.3g rows per object, more than the limit of %ld "
                 "(choose a larger step or a shorter span)", step_min, start_min, stop_min, rows,
                 ODT_PROPAGATE_MAX_ROWS);
        return -1;
    }
    const double tmax = fmax(fabs(start_min), fabs(stop_min));
    if (!(tmax + step_min > tmax)) {
        snprintf(why, whylen, "step %g min is below the resolution of times near %g min", step_min, tmax);
        return -1;
    }
    return 0;
}

/* States of one element set over its times (a range that passed odt_propagate_range_check). */
static void propagate_one(const struct odt_elset *el, double start, double stop, double step,
                          const struct odt_propagate_options *opt, FILE *out)
{
    struct odt_sgp4 s;
    struct odt_sgp4_resonance res = {0.0, 0.0, 0.0};
    double r[3], v[3];
    fprintf(out, "%ld xx\n", el->catalog_number);
    int code = odt_sgp4_init(&s, el, opt->gravity, opt->opsmode);
    if (code == ODT_SGP4_OK)
        code = odt_sgp4_propagate(&s, &res, 0.0, r, v);
    if (code != ODT_SGP4_OK) {
        fprintf(out, "# *** error: t:= %f *** code = %3d\n", 0.0, code);
        return;
    }
    fprintf(out, " %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f\n", 0.0, r[0], r[1], r[2], v[0], v[1], v[2]);
    double t = start;
    if (fabs(t) > 1.0e-8)
        t -= step;
    /* the range check bounds the rows and makes every step move t; the count is a second guard */
    long left = 2 * ODT_PROPAGATE_MAX_ROWS;
    while (t < stop && left-- > 0) {
        const double next = t + step > stop ? stop : t + step;
        if (!(next > t))
            break;
        t = next;
        code = odt_sgp4_propagate(&s, &res, t, r, v);
        if (code != ODT_SGP4_OK) {
            fprintf(out, "# *** error: t:= %f *** code = %3d\n", t, code);
            return;
        }
        fprintf(out, " %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f\n", t, r[0], r[1], r[2], v[0], v[1], v[2]);
    }
}

enum odt_status odt_propagate_file(const char *path, const struct odt_propagate_options *opt, FILE *out,
                                   char *err, size_t errlen)
{
    struct odt_catalog_options copt;
    memset(&copt, 0, sizeof copt);
    copt.format = ODT_CATALOG_AUTO;
    copt.strict = opt->strict;
    copt.tle_flags = opt->ignore_checksum ? ODT_TLE_SKIP_CHECKSUM : 0;
    copt.skipped = opt->skipped;
    copt.ctx = opt->skipped_ctx;
    struct odt_catalog cat;
    enum odt_status st = odt_catalog_read_file(path, &copt, &cat, err, errlen);
    if (st != ODT_OK)
        return st;
    if (cat.n == 0) {
        odt_catalog_free(&cat);
        snprintf(err, errlen, "%s: the file holds no element sets", path);
        odt_text_one_line(err);
        return ODT_ERR_PARSE;
    }
    /* every range first, so that a bad one fails the command before any output */
    char why[300];
    for (size_t k = 0; k < cat.n && !opt->have_range; ++k) {
        const struct odt_catalog_entry_info *in = &cat.info[k];
        if (in->has_range && odt_propagate_range_check(in->range_min[0], in->range_min[1], in->range_min[2], why,
                                                       sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d: the range after column 69 of the set's line 2: %s", path, in->line, why);
            odt_text_one_line(err);
            odt_catalog_free(&cat);
            return ODT_ERR_VALUE;
        }
    }
    for (size_t k = 0; k < cat.n; ++k) {
        double a = 0.0, b = 1440.0, c = 120.0;
        if (opt->have_range)
            a = opt->start_min, b = opt->stop_min, c = opt->step_min;
        else if (cat.info[k].has_range)
            a = cat.info[k].range_min[0], b = cat.info[k].range_min[1], c = cat.info[k].range_min[2];
        propagate_one(&cat.entries[k], a, b, c, opt, out);
    }
    odt_catalog_free(&cat);
    return ODT_OK;
}

static int parse_double_arg(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

static void propagate_usage(FILE *f)
{
    fprintf(f, "usage: odtwin propagate FILE [--start MIN --stop MIN --step MIN] [--wgs84] [--afspc]\n"
               "                        [--ignore-checksum] [--strict]\n"
               "  TEME states (km, km/s) of every object of a TLE/OMM file, in the layout of the SGP4\n"
               "  verification output (docs/catalogs.md); without a range, the one after column 69 of a TLE\n"
               "  line 2, else 0..1440 min by 120 min\n"
               "options:\n"
               "  --start/--stop/--step MIN  the time range from each object's epoch, minutes (give all three)\n"
               "  --wgs84                    WGS-84 constants instead of WGS-72\n"
               "  --afspc                    AFSPC operation mode instead of the improved one\n"
               "  --ignore-checksum          accept TLE lines whose checksum digit is wrong\n"
               "  --strict                   a bad entry fails the command instead of being skipped\n"
               "  -h, --help                 this text\n"
               "examples:\n"
               "  odtwin propagate tests/data/sgp4/SGP4-VER.TLE > tcppver.out\n"
               "  odtwin propagate starlink.omm.json --start 0 --stop 90 --step 1\n");
}

int odt_propagate_main(int argc, char **argv)
{
    struct odt_propagate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.gravity = ODT_SGP4_WGS72;
    opt.opsmode = 'i';
    opt.skipped = odt_catalog_print_skipped;
    const char *path = NULL;
    int got = 0;
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        double *dst = !strcmp(a, "--start") ? &opt.start_min
                      : !strcmp(a, "--stop") ? &opt.stop_min
                      : !strcmp(a, "--step") ? &opt.step_min
                                             : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            propagate_usage(stdout);
            return 0;
        }
        if (dst) {
            if (i + 1 >= argc || !parse_double_arg(argv[++i], dst)) {
                fprintf(stderr, "odtwin propagate: %s needs a finite number of minutes (see odtwin propagate "
                                "--help)\n", a);
                return 2;
            }
            got |= dst == &opt.start_min ? 1 : dst == &opt.stop_min ? 2 : 4;
        } else if (!strcmp(a, "--wgs84")) {
            opt.gravity = ODT_SGP4_WGS84;
        } else if (!strcmp(a, "--afspc")) {
            opt.opsmode = 'a';
        } else if (!strcmp(a, "--ignore-checksum")) {
            opt.ignore_checksum = 1;
        } else if (!strcmp(a, "--strict")) {
            opt.strict = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "odtwin propagate: unknown option '%s' (see odtwin propagate --help)\n", a);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "odtwin propagate: more than one file given\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "odtwin propagate: no TLE/OMM file given (see odtwin propagate --help)\n");
        return 2;
    }
    if (got && got != 7) {
        fprintf(stderr, "odtwin propagate: give --start, --stop and --step together\n");
        return 2;
    }
    if (got) {
        char why[300];
        if (odt_propagate_range_check(opt.start_min, opt.stop_min, opt.step_min, why, sizeof why) != 0) {
            fprintf(stderr, "odtwin propagate: --start/--stop/--step: %s\n", why);
            return 2;
        }
        opt.have_range = 1;
    }
    char err[1024];
    if (odt_propagate_file(path, &opt, stdout, err, sizeof err) != ODT_OK) {
        fflush(stdout);
        fprintf(stderr, "odtwin: error: %s\n", err);
        return 1;
    }
    return 0;
}
