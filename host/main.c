/* main.c: the odtwin command line. */
#include <malloc.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/export.h"
#include "host/propagate.h"
#include "host/report.h"
#include "host/run.h"
#include "host/snapshot.h"
#include "host/scenario.h"

static void usage(FILE *out)
{
    fprintf(out,
            "odtwin %s: digital twin of an orbital AI datacenter\n"
            "\n"
            "usage:\n"
            "  odtwin run [SCENARIO.yaml] [-o OUT.h5] [--backend auto|cpu|cuda] [--threads N] [--strict] [--quiet]\n"
            "  odtwin run --resume OUT.h5 [--backend ...] [--threads N] [--quiet]\n"
            "      simulate a scenario (the embedded default when none is given), write an HDF5 snapshot\n"
            "      file and print a summary; --strict: a bad catalogue entry fails the run instead of being skipped;\n"
            "      --resume: continue a stopped run from its last complete snapshot, in the same file\n"
            "  odtwin report OUT.h5 [--json] [--load-w W] [--ground-cf CF | --ground-lat DEG]\n"
            "      summary tables of a run: energy balance, yield per m2 against the ground, eclipses and the\n"
            "      battery they need, temperatures and radiator sizing, tokens delivered and lost, failures\n"
            "  odtwin propagate FILE [--start MIN --stop MIN --step MIN] [--wgs84] [--afspc] [--ignore-checksum]\n"
            "      TEME states (km, km/s) of every object of a TLE/OMM file, in the layout of the SGP4\n"
            "      verification output; without a range, the one after column 69 of a TLE line 2, else\n"
            "      0..1440 min by 120 min\n"
            "  odtwin repair OUT.h5     after a run was killed: keep its complete snapshots and make the file an\n"
            "      ordinary HDF5 file again (until then it opens in SWMR read mode)\n"
            "  odtwin export OUT.h5 --format oem|czml|csv [...]  the orbits and records as CCSDS OEM, CZML or CSV\n"
            "  odtwin scenario          print the embedded default scenario\n"
            "  odtwin version           print the version and the build's backends\n"
            "  odtwin help              this text\n",
            ODT_VERSION);
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < -1000000 || v > 1000000)
        return 0;
    *out = (int)v;
    return 1;
}

static int cmd_run(int argc, char **argv)
{
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.backend = "auto";
    opt.progress = isatty(STDERR_FILENO);
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            opt.output_path = argv[++i];
        } else if (!strcmp(a, "--backend") && i + 1 < argc) {
            opt.backend = argv[++i];
        } else if (!strcmp(a, "--threads") && i + 1 < argc) {
            if (!parse_int(argv[++i], &opt.threads) || opt.threads < 0) {
                fprintf(stderr, "odtwin run: --threads '%s': expected a count >= 0 (0 = all cores)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--resume") && i + 1 < argc) {
            opt.resume_path = argv[++i];
        } else if (!strcmp(a, "--strict")) {
            opt.strict = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            opt.quiet = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "odtwin run: unknown or incomplete option '%s' (see odtwin help)\n", a);
            return 2;
        } else if (!opt.scenario_path) {
            opt.scenario_path = a;
        } else {
            fprintf(stderr, "odtwin run: more than one scenario given ('%s' and '%s')\n", opt.scenario_path, a);
            return 2;
        }
    }
    struct odt_run_summary sum;
    char err[1024] = "";
    enum odt_status st = odt_run(&opt, &sum, err, sizeof err);
    if (st != ODT_OK) {
        fprintf(stderr, "odtwin: error: %s\n", err);
        odt_run_summary_free(&sum);
        return 1;
    }
    if (!opt.quiet || sum.interrupted)
        odt_run_print_summary(stdout, &sum);
    const int rc = sum.interrupted ? 130 : 0;
    odt_run_summary_free(&sum);
    return rc;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* the snapshot writer frees and reallocates the same large buffers every record: keep them instead of
       returning them to the kernel each time (that costs one madvise call per free) */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif
    /* HDF5's own exit handler closes what is still open; after a failed close (a full disk) that crashes in
       HDF5 1.10. odtwin closes every file itself, so the handler has nothing to do. */
    H5dont_atexit();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "report"))
        return odt_report_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "repair")) {
        if (argc != 3) {
            fprintf(stderr, "usage: odtwin repair SNAPSHOT.h5\n");
            return 2;
        }
        char err[1024];
        long kept = 0;
        if (odt_snapshot_repair(argv[2], &kept, err, sizeof err) != ODT_OK) {
            fprintf(stderr, "odtwin: error: %s\n", err);
            return 1;
        }
        printf("%s: %ld complete snapshots kept; the file opens as an ordinary HDF5 file\n", argv[2], kept);
        return 0;
    }
    if (!strcmp(cmd, "export"))
        return odt_export_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "propagate"))
        return odt_propagate_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "scenario")) {
        fputs(odt_scenario_default_text(), stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("odtwin %s (commit %s)\n", ODT_VERSION, ODT_GIT_COMMIT);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "odtwin: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
