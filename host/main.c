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

/* The help of each sub-command: usage line(s), options, examples. `odtwin COMMAND --help` and
   `odtwin help COMMAND` print the same text; report and propagate keep theirs next to their options
   (host/report.c, host/propagate.c). */
static const char help_run[] =
    "usage: odtwin run [SCENARIO.yaml] [-o OUT.h5] [--backend auto|cpu|cuda] [--threads N] [--strict]\n"
    "                  [--quiet] [--summary text|json|none]\n"
    "       odtwin run --resume OUT.h5 [--backend ...] [--threads N] [--quiet] [--summary ...]\n"
    "  simulate a scenario (the embedded default when none is given: odtwin scenario prints it), write an\n"
    "  HDF5 snapshot file and print a summary (docs/scenario.md, docs/snapshot.md)\n"
    "options:\n"
    "  -o, --output FILE      the snapshot file (default: the scenario's `output`, else NAME.h5)\n"
    "  --backend B            auto (default: cuda when a CUDA device is present, else cpu), cpu or cuda\n"
    "  --threads N            CPU threads (default 0: all cores)\n"
    "  --strict               a bad catalogue entry fails the run instead of being skipped\n"
    "  --resume FILE          continue a stopped run from its last complete snapshot, in the same file\n"
    "  -q, --quiet            no progress line and no informational messages; the summary still prints\n"
    "  --summary FORMAT       text (default), json (one JSON object: every figure with its unit and what\n"
    "                         it rests on) or none (nothing on stdout)\n"
    "  -h, --help             this text\n"
    "examples:\n"
    "  odtwin run                                        the default scenario -> default-dawn-dusk-650km.h5\n"
    "  odtwin run scenarios/ramp.yaml -o ramp.h5 --threads 4\n"
    "  odtwin run my.yaml --quiet --summary json > summary.json\n"
    "  odtwin run --resume ramp.h5                       after Ctrl-C or a kill\n";

static const char help_repair[] =
    "usage: odtwin repair OUT.h5\n"
    "  after a run was killed: keep its complete snapshots and make the file an ordinary HDF5 file again\n"
    "  (until then it opens in SWMR read mode); odtwin run --resume OUT.h5 continues it instead\n"
    "options:\n"
    "  -h, --help             this text\n"
    "example:\n"
    "  odtwin repair killed.h5 && odtwin report killed.h5\n";

static const char help_scenario[] =
    "usage: odtwin scenario\n"
    "  print the embedded default scenario (YAML, docs/scenario.md): a starting point for your own\n"
    "options:\n"
    "  -h, --help             this text\n"
    "example:\n"
    "  odtwin scenario > my.yaml && odtwin run my.yaml\n";

static const char help_version[] =
    "usage: odtwin version\n"
    "  print the version, the commit and the backends of this build: cpu (OpenMP threads available) and\n"
    "  cuda (compiled or not; when compiled, whether a CUDA device is present)\n"
    "options:\n"
    "  -h, --help             this text\n";

static const char help_help[] =
    "usage: odtwin help [COMMAND]\n"
    "  the list of commands, or the help of one (the same as odtwin COMMAND --help)\n"
    "example:\n"
    "  odtwin help report\n";

static int print_help(const char *text)
{
    fputs(text, stdout);
    return 0;
}

static int is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

/* One line for an unknown option or an option without its value, pointing to the command's help; exit 2. */
static int bad_option(const char *cmd, const char *a, int missing_value)
{
    if (missing_value)
        fprintf(stderr, "odtwin %s: option '%s' needs a value (see odtwin %s --help)\n", cmd, a, cmd);
    else
        fprintf(stderr, "odtwin %s: unknown option '%s' (see odtwin %s --help)\n", cmd, a, cmd);
    return 2;
}

static int cmd_help(int argc, char **argv);
static int cmd_run(int argc, char **argv);
static int cmd_repair(int argc, char **argv);
static int cmd_scenario(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_report(int argc, char **argv) { return odt_report_main(argc, argv); }
static int cmd_propagate(int argc, char **argv) { return odt_propagate_main(argc, argv); }

/* The sub-commands: name, one-line summary, handler (every handler answers --help). */
static const struct {
    const char *name, *summary;
    int (*main)(int argc, char **argv);
} commands[] = {
    {"run", "simulate a scenario, write an HDF5 snapshot file, print a summary", cmd_run},
    {"report", "summary tables of a snapshot file (text or JSON)", cmd_report},
    {"propagate", "TEME states of every object of a TLE/OMM file (SGP4 verification layout)", cmd_propagate},
    {"repair", "make the file of a killed run an ordinary HDF5 file again", cmd_repair},
    {"scenario", "print the embedded default scenario", cmd_scenario},
    {"export", "a snapshot's orbits and records as CCSDS OEM, CZML (Cesium) or CSV", odt_export_main},
    {"version", "the version, the commit and the backends of this build", cmd_version},
    {"help", "this list, or the help of one command", cmd_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "odtwin %s: digital twin of an orbital AI datacenter\n\nusage: odtwin COMMAND [OPTIONS]\n\ncommands:\n",
            ODT_VERSION);
    for (size_t k = 0; k < N_COMMANDS; ++k)
        fprintf(out, "  %-11s %s\n", commands[k].name, commands[k].summary);
    fprintf(out, "\nodtwin COMMAND --help (or odtwin help COMMAND): the options and examples of a command\n"
                 "examples:\n"
                 "  odtwin run && odtwin report default-dawn-dusk-650km.h5\n"
                 "  odtwin run scenarios/ramp.yaml -o ramp.h5 --summary json\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        usage(stdout);
        return 0;
    }
    if (is_help(argv[0]))
        return print_help(help_help);
    if (argc > 1) {
        fprintf(stderr, "odtwin help: one command at a time (see odtwin help --help)\n");
        return 2;
    }
    for (size_t k = 0; k < N_COMMANDS; ++k)
        if (!strcmp(argv[0], commands[k].name)) {
            char help[] = "--help";
            char *args[] = {help, NULL};
            return commands[k].main(1, args);
        }
    fprintf(stderr, "odtwin help: unknown command '%s' (see odtwin help)\n", argv[0]);
    return 2;
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

/* The options of run that take a value. */
static int takes_value(const char *a)
{
    static const char *const v[] = {"-o", "--output", "--backend", "--threads", "--resume", "--summary"};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; ++k)
        if (!strcmp(a, v[k]))
            return 1;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct odt_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.backend = "auto";
    opt.progress = isatty(STDERR_FILENO);
    int summary = ODT_SUMMARY_TEXT;
    for (int i = 0; i < argc; ++i) {
        const char *a = argv[i];
        if (is_help(a))
            return print_help(help_run);
        if (takes_value(a) && i + 1 >= argc)
            return bad_option("run", a, 1);
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            opt.output_path = argv[++i];
        } else if (!strcmp(a, "--backend")) {
            opt.backend = argv[++i];
        } else if (!strcmp(a, "--threads")) {
            if (!parse_int(argv[++i], &opt.threads) || opt.threads < 0) {
                fprintf(stderr, "odtwin run: --threads '%s': expected a count >= 0 (0 = all cores)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--resume")) {
            opt.resume_path = argv[++i];
        } else if (!strcmp(a, "--summary")) {
            const char *f = argv[++i];
            if (!strcmp(f, "text"))
                summary = ODT_SUMMARY_TEXT;
            else if (!strcmp(f, "json"))
                summary = ODT_SUMMARY_JSON;
            else if (!strcmp(f, "none"))
                summary = ODT_SUMMARY_NONE;
            else {
                fprintf(stderr, "odtwin run: --summary '%s': expected text, json or none\n", f);
                return 2;
            }
        } else if (!strcmp(a, "--strict")) {
            opt.strict = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            opt.quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return bad_option("run", a, 0);
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
    if (summary == ODT_SUMMARY_JSON)
        odt_run_print_summary_json(stdout, &sum);
    else if (summary == ODT_SUMMARY_TEXT)
        odt_run_print_summary(stdout, &sum);
    else if (sum.interrupted)
        fprintf(stderr, "odtwin run: interrupted: %s holds the run up to t = %.0f s (odtwin run --resume %s)\n",
                sum.output, sum.simulated_s, sum.output);
    const int rc = sum.interrupted ? 130 : 0;
    odt_run_summary_free(&sum);
    return rc;
}

static int cmd_repair(int argc, char **argv)
{
    for (int i = 0; i < argc; ++i)
        if (is_help(argv[i]))
            return print_help(help_repair);
        else if (argv[i][0] == '-' && argv[i][1])
            return bad_option("repair", argv[i], 0);
    if (argc != 1) {
        fprintf(stderr, "odtwin repair: give one snapshot file (see odtwin repair --help)\n");
        return 2;
    }
    char err[1024];
    long kept = 0;
    if (odt_snapshot_repair(argv[0], &kept, err, sizeof err) != ODT_OK) {
        fprintf(stderr, "odtwin: error: %s\n", err);
        return 1;
    }
    printf("%s: %ld complete snapshots kept; the file opens as an ordinary HDF5 file\n", argv[0], kept);
    return 0;
}

static int cmd_scenario(int argc, char **argv)
{
    for (int i = 0; i < argc; ++i)
        if (is_help(argv[i]))
            return print_help(help_scenario);
    if (argc > 0)
        return argv[0][0] == '-' ? bad_option("scenario", argv[0], 0)
                                 : (fprintf(stderr, "odtwin scenario: takes no arguments (see odtwin scenario "
                                                    "--help)\n"), 2);
    fputs(odt_scenario_default_text(), stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    for (int i = 0; i < argc; ++i)
        if (is_help(argv[i]))
            return print_help(help_version);
    if (argc > 0)
        return argv[0][0] == '-' ? bad_option("version", argv[0], 0)
                                 : (fprintf(stderr, "odtwin version: takes no arguments (see odtwin version "
                                                    "--help)\n"), 2);
    printf("odtwin %s (commit %s)\n", ODT_VERSION, ODT_GIT_COMMIT);
    char line[512];
    odt_backends_describe(line, sizeof line);
    fputs(line, stdout);
    return 0;
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
    if (!strcmp(cmd, "--version"))
        cmd = "version";
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        cmd = "help";
    for (size_t k = 0; k < N_COMMANDS; ++k)
        if (!strcmp(cmd, commands[k].name))
            return commands[k].main(argc - 2, argv + 2);
    fprintf(stderr, "odtwin: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
