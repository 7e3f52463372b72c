/* propagate.c: the `odtwin propagate` sub-command. */
#include "host/propagate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/catalog.h"
#include "orbit/sgp4.h"
#include "orbit/tle.h"

/* States of one element set over its times. */
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
    while (t < stop) {
        t += step;
        if (t > stop)
            t = stop;
        code = odt_sgp4_propagate(&s, &res, t, r, v);
        if (code != ODT_SGP4_OK) {
            fprintf(out, "# *** error: t:= %f *** code = %3d\n", t, code);
            return;
        }
        fprintf(out, " %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f\n", t, r[0], r[1], r[2], v[0], v[1], v[2]);
    }
}

static int is_tle_line(const char *s, char which)
{
    return s[0] == which && s[1] == ' ';
}

/* A TLE file (text, modified in place) read line by line, so that each line 2 keeps its
 * verification range. */
static enum odt_status propagate_tle(const char *path, char *copy, const struct odt_propagate_options *opt,
                                     FILE *out, char *err, size_t errlen)
{
    /* split into lines, in place */
    size_t nlines = 0, cap = 1024;
    char **lines = malloc(sizeof *lines * cap);
    for (char *p = copy; lines && *p;) {
        if (nlines == cap) {
            char **nl = realloc(lines, sizeof *lines * (cap *= 2));
            if (!nl) {
                free(lines);
                lines = NULL;
                break;
            }
            lines = nl;
        }
        lines[nlines++] = p;
        char *e = strchr(p, '\n');
        if (!e)
            break;
        *e = '\0';
        if (e > p && e[-1] == '\r')
            e[-1] = '\0';
        p = e + 1;
    }
    if (!lines) {
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    enum odt_status st = ODT_OK;
    int found = 0;
    for (size_t k = 0; k < nlines; ++k) {
        if (is_tle_line(lines[k], '2')) {
            snprintf(err, errlen, "%s:%zu: TLE line 2 without a line 1 before it", path, k + 1);
            st = ODT_ERR_PARSE;
            break;
        }
        if (!is_tle_line(lines[k], '1'))
            continue;
        if (k + 1 >= nlines) {
            snprintf(err, errlen, "%s:%zu: TLE line 1 at the end of the file, without its line 2", path, k + 1);
            st = ODT_ERR_PARSE;
            break;
        }
        if (!is_tle_line(lines[k + 1], '2')) {
            snprintf(err, errlen, "%s:%zu: TLE line 1 is not followed by a line 2", path, k + 1);
            st = ODT_ERR_PARSE;
            break;
        }
        const char *name = (k > 0 && lines[k - 1][0] && lines[k - 1][0] != '#' && !is_tle_line(lines[k - 1], '2'))
                               ? lines[k - 1]
                               : NULL;
        struct odt_elset el;
        char why[256];
        if (odt_tle_parse_flags(name, lines[k], lines[k + 1], opt->ignore_checksum ? ODT_TLE_SKIP_CHECKSUM : 0, &el,
                                why, sizeof why) != ODT_OK) {
            snprintf(err, errlen, "%s:%zu: %s", path, k + 1, why);
            st = ODT_ERR_PARSE;
            break;
        }
        double a = 0.0, b = 1440.0, c = 120.0;
        if (opt->have_range)
            a = opt->start_min, b = opt->stop_min, c = opt->step_min;
        else
            odt_tle_verification_range(lines[k + 1], &a, &b, &c);
        propagate_one(&el, a, b, c, opt, out);
        found = 1;
        ++k;
    }
    if (st == ODT_OK && !found) {
        snprintf(err, errlen, "%s: no two-line element sets found", path);
        st = ODT_ERR_PARSE;
    }
    free(lines);
    return st;
}

static void strict_diag(void *ctx, const char *file, int line, const char *msg)
{
    char *out = (char *)ctx;
    if (!out[0])
        snprintf(out, 512, "%s:%d: %s", file, line, msg);
}

enum odt_status odt_propagate_file(const char *path, const struct odt_propagate_options *opt, FILE *out,
                                   char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return ODT_ERR_IO;
    }
    fseek(f, 0, SEEK_END);
    const long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        free(text);
        snprintf(err, errlen, "%s: cannot read (is it a directory?)", path);
        return ODT_ERR_IO;
    }
    fclose(f);
    text[len] = '\0';
    /* TLE files are read here (verification ranges after column 69); OMM by the catalogue reader */
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        ++p;
    enum odt_status st;
    if (p[0] != '<' && p[0] != '[' && p[0] != '{' && !strstr(text, "CCSDS_OMM_VERS") && !strstr(text, "MEAN_MOTION")) {
        st = propagate_tle(path, text, opt, out, err, errlen);
    } else {
        struct odt_catalog cat;
        char first[512] = "";
        st = odt_catalog_load_buffer(path, text, (size_t)len, ODT_CATALOG_AUTO, 1, strict_diag, first, &cat);
        if (st != ODT_OK) {
            snprintf(err, errlen, "%s", first[0] ? first : "cannot read the catalogue");
        } else {
            for (size_t k = 0; k < cat.n; ++k)
                propagate_one(&cat.entries[k], opt->have_range ? opt->start_min : 0.0,
                              opt->have_range ? opt->stop_min : 1440.0, opt->have_range ? opt->step_min : 120.0, opt,
                              out);
        }
        odt_catalog_free(&cat);
    }
    free(text);
    return st;
}

static int parse_double_arg(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

int odt_propagate_main(int argc, char **argv)
{
    struct odt_propagate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.gravity = ODT_SGP4_WGS72;
    opt.opsmode = 'i';
    const char *path = NULL;
    int got = 0;
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        double *dst = !strcmp(a, "--start") ? &opt.start_min
                      : !strcmp(a, "--stop") ? &opt.stop_min
                      : !strcmp(a, "--step") ? &opt.step_min
                                             : NULL;
        if (dst) {
            if (i + 1 >= argc || !parse_double_arg(argv[++i], dst)) {
                fprintf(stderr, "odtwin propagate: %s needs a number of minutes\n", a);
                return 2;
            }
            got |= dst == &opt.start_min ? 1 : dst == &opt.stop_min ? 2 : 4;
        } else if (!strcmp(a, "--wgs84")) {
            opt.gravity = ODT_SGP4_WGS84;
        } else if (!strcmp(a, "--afspc")) {
            opt.opsmode = 'a';
        } else if (!strcmp(a, "--ignore-checksum")) {
            opt.ignore_checksum = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "odtwin propagate: unknown option '%s'\n", a);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "odtwin propagate: more than one file given\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: odtwin propagate FILE [--start MIN --stop MIN --step MIN] [--wgs84] [--afspc] "
                        "[--ignore-checksum]\n");
        return 2;
    }
    if (got && got != 7) {
        fprintf(stderr, "odtwin propagate: give --start, --stop and --step together\n");
        return 2;
    }
    if (got) {
        if (!(opt.step_min > 0.0) || opt.stop_min < opt.start_min) {
            fprintf(stderr, "odtwin propagate: need step > 0 and stop >= start\n");
            return 2;
        }
        opt.have_range = 1;
    }
    char err[768];
    if (odt_propagate_file(path, &opt, stdout, err, sizeof err) != ODT_OK) {
        fflush(stdout);
        fprintf(stderr, "odtwin: error: %s\n", err);
        return 1;
    }
    return 0;
}
