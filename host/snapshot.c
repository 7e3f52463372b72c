/*
 * snapshot.c: the HDF5 snapshot writer (SWMR, a writer thread, parallel chunk
 * compression), the checkpoints beside it, and the reading side of --resume
 * and repair. Layout: docs/snapshot.md. Every HDF5 access goes through
 * host/h5io.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "host/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/h5io.h"
#include "orbit/shadow.h"

/* ------------------------------------------------------------------ tables */

/* The eclipse table (/eclipses) and the failure table (/failures), written by one table writer. */
struct ecl_row {
    int32_t satellite, kind, complete, pad_;
    double start, end, duration;
};
struct fail_row {
    int32_t satellite, kind, number, pad_;
    double time;
};

static const char *const series_names_units[ODT_SV_N][3] = {
    {"solar_power", "W", "solar array output"},
    {"load_power", "W", "load supplied (compute and bus)"},
    {"compute_power", "W", "compute payload power supplied"},
    {"curtailed_power", "W", "array power curtailed"},
    {"unserved_power", "W", "load not served"},
    {"battery_power", "W", "battery power at the bus, positive when charging"},
    {"battery_energy", "J", "energy stored in the batteries"},
    {"heat_radiated", "W", "heat radiated to space"},
    {"capacity", "tokens s-1", "inference capacity"},
    {"tokens_arrived", "tokens", "tokens assigned to the nodes in the step"},
    {"tokens_served", "tokens", "tokens served in the step"},
    {"tokens_dropped", "tokens", "tokens dropped in the step (queue limit or latency objective)"},
    {"tokens_waiting", "tokens", "tokens waiting in the queues at the end of the step"},
    {"satellites_umbra", "1", "satellites in umbra (illumination 0)"},
    {"satellites_shadow", "1", "satellites in shadow (illumination below 1)"},
    {"nodes_serving", "1", "nodes with inference capacity"},
    {"satellites_active", "1", "satellites propagating (status 0)"},
    {"satellites_battery", "1", "active satellites with a battery"},
    {"satellites_in_service", "1", "satellites in service (launched, design life not over)"},
    {"accelerators_working", "1", "accelerators in service on the satellites in service"},
    {"payload_temperature_mean", "K", "mean payload temperature over the active satellites"},
    {"soc_mean", "1", "mean battery state of charge over the satellites with a battery"},
    {"payload_temperature_min", "K", "lowest payload temperature"},
    {"soc_min", "1", "lowest battery state of charge"},
    {"payload_temperature_max", "K", "highest payload temperature"},
    {"soc_max", "1", "highest battery state of charge"},
};

const struct odt_series_info *odt_series_vars(void)
{
    static struct odt_series_info v[ODT_SV_N];
    for (int k = 0; k < ODT_SV_N; ++k) {
        v[k].name = series_names_units[k][0];
        v[k].units = series_names_units[k][1];
        v[k].description = series_names_units[k][2];
    }
    return v;
}

/* The columns of the two tables (HDF5's native type ids are not constants: filled at first use). */
#define N_ECL_COLS 6
#define N_FAIL_COLS 4
static struct odt_h5_column ecl_cols[N_ECL_COLS], fail_cols[N_FAIL_COLS];

static void table_columns(void)
{
    const struct odt_h5_column e[N_ECL_COLS] = {
        {"satellite", H5T_NATIVE_INT32, offsetof(struct ecl_row, satellite), "1", "satellite index"},
        {"kind", H5T_NATIVE_INT32, offsetof(struct ecl_row, kind), "1", "1 umbra, 2 shadow (penumbra included)"},
        {"start", H5T_NATIVE_DOUBLE, offsetof(struct ecl_row, start), NULL, "start of the interval"},
        {"end", H5T_NATIVE_DOUBLE, offsetof(struct ecl_row, end), NULL, "end of the interval"},
        {"duration", H5T_NATIVE_DOUBLE, offsetof(struct ecl_row, duration), "s", "duration of the interval"},
        {"complete", H5T_NATIVE_INT32, offsetof(struct ecl_row, complete), "1",
         "1 both ends seen, 0 cut by the start or the end of the run"},
    };
    const struct odt_h5_column f[N_FAIL_COLS] = {
        {"satellite", H5T_NATIVE_INT32, offsetof(struct fail_row, satellite), "1", "satellite index"},
        {"kind", H5T_NATIVE_INT32, offsetof(struct fail_row, kind), "1", "1 accelerator failure, 2 node restart"},
        {"number", H5T_NATIVE_INT32, offsetof(struct fail_row, number), "1", "accelerators failed (1 for a restart)"},
        {"time", H5T_NATIVE_DOUBLE, offsetof(struct fail_row, time), NULL, "end of the step of the event"},
    };
    memcpy(ecl_cols, e, sizeof e);
    memcpy(fail_cols, f, sizeof f);
}

/* Per-record bookkeeping series of the root group. */
enum { BK_ERA, BK_DEMAND, BK_ECL_ROWS, BK_FAIL_ROWS, BK_SERIES_ROWS, BK_N };
static const char *const bk_names[BK_N] = {"earth_rotation_angle", "demand_tokens", "eclipse_rows", "failure_rows",
                                           "series_rows"};

/* ------------------------------------------------------------------ the writer */

struct job {
    int has_record, has_ckpt;
    double t_s, era_rad, sun[3], demand_tokens;
    void *const *rec_bufs;
    void *const *ckpt_bufs;
    struct odt_run_accum acc;
    double *s_t, *s_rows, *s_demand; /* series rows */
    size_t s_n, s_cap;
    struct odt_event_row *ev;
    size_t ev_n, ev_cap;
};

struct odt_snapshot_writer {
    hid_t file;
    char *path;
    char *tmp_path;        /* the new file's name until odt_snapshot_publish moves it into place */
    size_t n, m;           /* satellites; satellites per record */
    int nc;
    struct odt_snapshot_layout lay;
    int deflate;
    struct odt_h5_pool *pool;
    int pool_threads;
    struct odt_h5_series time, sun, bk[BK_N];
    struct odt_h5_series *rec;   /* one per layout field */
    struct odt_h5_series s_time, s_demand, s_var[ODT_SV_N];
    struct odt_h5_table ecl, fail;
    hsize_t records, series_rows;
    struct odt_run_identity id;
    /* the last checkpoint handed over: /final at close */
    void *const *last_ckpt;
    double last_ckpt_t;
    long checkpoints;
    int ckpt_next;          /* which of the two checkpoint files the next one replaces */
    int ckpt_written;       /* bit k: this writer wrote PATH.ckpt-k */
    double busy_s, ckpt_s;
    float *fscratch;        /* series rows as float32 */
    size_t fscratch_n;
    /* the thread */
    pthread_t thread;
    int thread_started, stop, pending;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job job[2];      /* [cur]: being filled by the run loop; [cur ^ 1]: handed to the thread */
    int cur;
    enum odt_status thread_status;
    char thread_err[1024];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The innermost HDF5 error in one line; for a failed system call, just the system's reason. */
static void h5_reason(char *line, size_t len)
{
    odt_h5_error_line(line, len);
    const char *m = strstr(line, "error message = '");
    if (m) {
        char sys[200];
        snprintf(sys, sizeof sys, "%s", m + 17);
        char *q = strchr(sys, '\'');
        if (q)
            *q = '\0';
        snprintf(line, len, "%s", sys);
    }
}

static enum odt_status h5fail(char *err, size_t errlen, const char *path, const char *what)
{
    char line[512];
    h5_reason(line, sizeof line);
    if (line[0])
        snprintf(err, errlen, "%s: HDF5 error while %s: %s", path, what, line);
    else
        snprintf(err, errlen, "%s: HDF5 error while %s", path, what);
    return ODT_ERR_IO;
}

static hid_t storage_type(enum odt_storage s)
{
    return s == ODT_STORE_F32 ? H5T_NATIVE_FLOAT : s == ODT_STORE_F64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32;
}

static char *ckpt_path(const char *path, int which, int tmp)
{
    const size_t len = strlen(path) + 32;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s.ckpt-%d%s", path, which, tmp ? ".tmp" : "");
    return p;
}

static hid_t file_access(int clear_status_flags)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST); /* required by SWMR */
    if (clear_status_flags) {
        /* A file whose writer was killed keeps its "open for writing" flags. HDF5 exposes clearing them
           only through this property of its own tools (h5clear -s); it is absent from some builds. */
        hbool_t clear = 1;
        H5E_BEGIN_TRY { H5Pset(fapl, "clear_status_flags", &clear); }
        H5E_END_TRY;
    }
    return fapl;
}

/* fsync a file (by path) and its folder, so that a rename that follows is durable. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void sync_dir_of(const char *path)
{
    char *d = strdup(path);
    if (!d)
        return;
    char *slash = strrchr(d, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == d ? "/" : d;
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(d);
}

static void job_clear(struct job *j)
{
    j->has_record = j->has_ckpt = 0;
    j->s_n = 0;
    j->ev_n = 0;
}

static void job_free(struct job *j)
{
    free(j->s_t);
    free(j->s_rows);
    free(j->s_demand);
    free(j->ev);
    memset(j, 0, sizeof *j);
}

static void close_handles(struct odt_snapshot_writer *w)
{
    odt_h5_series_close(&w->time);
    odt_h5_series_close(&w->sun);
    for (int k = 0; k < BK_N; ++k)
        odt_h5_series_close(&w->bk[k]);
    for (int k = 0; w->rec && k < w->lay.nfields; ++k)
        odt_h5_series_close(&w->rec[k]);
    odt_h5_series_close(&w->s_time);
    odt_h5_series_close(&w->s_demand);
    for (int k = 0; k < ODT_SV_N; ++k)
        odt_h5_series_close(&w->s_var[k]);
    odt_h5_table_close(&w->ecl);
    odt_h5_table_close(&w->fail);
}

static void writer_free(struct odt_snapshot_writer *w)
{
    if (!w)
        return;
    close_handles(w);
    if (w->file >= 0)
        H5Fclose(w->file);
    odt_h5_pool_free(w->pool);
    job_free(&w->job[0]);
    job_free(&w->job[1]);
    free(w->rec);
    free(w->fscratch);
    free(w->path);
    free(w->tmp_path);
    free((void *)w->lay.subset);
    if (w->thread_started) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
    free(w);
}

static struct odt_snapshot_writer *writer_new(const char *path, size_t n, int nc, const struct odt_snapshot_layout *lay,
                                              int deflate, int pool_threads)
{
    struct odt_snapshot_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->file = H5I_INVALID_HID;
    w->path = strdup(path);
    w->n = n;
    w->nc = nc > 0 ? nc : 1;
    w->lay = *lay;
    w->lay.subset = NULL;
    w->m = lay->subset ? lay->m : n;
    if (lay->subset) {
        int32_t *s = malloc(sizeof *s * (lay->m ? lay->m : 1));
        if (s)
            memcpy(s, lay->subset, sizeof *s * lay->m);
        w->lay.subset = s;
    }
    w->deflate = deflate;
    w->pool_threads = pool_threads > 0 ? pool_threads : 1;
    w->pool = odt_h5_pool_create(w->pool_threads);
    w->rec = calloc((size_t)(lay->nfields > 0 ? lay->nfields : 1), sizeof *w->rec);
    if (!w->path || !w->pool || !w->rec || (lay->subset && !w->lay.subset)) {
        writer_free(w);
        return NULL;
    }
    return w;
}

/* ------------------------------------------------------------------ writing a job */

static int cmp_event(const void *a, const void *b)
{
    const struct odt_event_row *x = a, *y = b;
    if (x->t1_s != y->t1_s)
        return x->t1_s < y->t1_s ? -1 : 1;
    if (x->satellite != y->satellite)
        return x->satellite < y->satellite ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->t0_s != y->t0_s)
        return x->t0_s < y->t0_s ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

static int write_events(struct odt_snapshot_writer *w, struct job *j)
{
    if (!j->ev_n)
        return 0;
    /* one canonical order whatever the backend's: by time, satellite, kind */
    qsort(j->ev, j->ev_n, sizeof *j->ev, cmp_event);
    size_t ne = 0, nf = 0;
    for (size_t q = 0; q < j->ev_n; ++q) {
        if (j->ev[q].kind <= ODT_EVENT_SHADOW)
            ++ne;
        else
            ++nf;
    }
    struct ecl_row *er = malloc(sizeof *er * (ne ? ne : 1));
    struct fail_row *fr = malloc(sizeof *fr * (nf ? nf : 1));
    int bad = !er || !fr;
    size_t ie = 0, jf = 0;
    for (size_t q = 0; !bad && q < j->ev_n; ++q) {
        const struct odt_event_row *e = &j->ev[q];
        if (e->kind <= ODT_EVENT_SHADOW) {
            struct ecl_row r = {e->satellite, e->kind, e->number, 0, e->t0_s, e->t1_s, e->t1_s - e->t0_s};
            er[ie++] = r;
        } else {
            struct fail_row r = {e->satellite, e->kind == ODT_EVENT_FAILURE ? ODT_REL_FAILURE : ODT_REL_RESTART,
                                 e->number, 0, e->t1_s};
            fr[jf++] = r;
        }
    }
    if (!bad && ne)
        bad |= odt_h5_table_append(&w->ecl, er, sizeof *er, ne) < 0;
    if (!bad && nf)
        bad |= odt_h5_table_append(&w->fail, fr, sizeof *fr, nf) < 0;
    free(er);
    free(fr);
    return bad;
}

static int write_series(struct odt_snapshot_writer *w, const struct job *j)
{
    if (!j->s_n)
        return 0;
    const size_t nr = j->s_n, nc = (size_t)w->nc;
    if (w->fscratch_n < nr * nc) {
        float *f = realloc(w->fscratch, sizeof *f * nr * nc);
        if (!f)
            return 1;
        w->fscratch = f;
        w->fscratch_n = nr * nc;
    }
    int bad = 0;
    for (int v = 0; v < ODT_SV_N && !bad; ++v) {
        for (size_t q = 0; q < nr; ++q)
            for (size_t c = 0; c < nc; ++c) {
                const double *row = j->s_rows + (q * nc + c) * ODT_SV_N;
                double x = row[v];
                if (v == ODT_SV_TEMP_SUM)
                    x = row[ODT_SV_N_ACTIVE] > 0.0 ? x / row[ODT_SV_N_ACTIVE] : NAN;
                else if (v == ODT_SV_SOC_SUM)
                    x = row[ODT_SV_N_BATTERY] > 0.0 ? x / row[ODT_SV_N_BATTERY] : NAN;
                else if (v >= ODT_SV_N_SUMS && !(fabs(x) < HUGE_VAL))
                    x = NAN; /* no satellite contributed */
                w->fscratch[q * nc + c] = (float)x;
            }
        bad |= odt_h5_series_append(&w->s_var[v], nr, w->fscratch) < 0;
    }
    if (!bad)
        bad |= odt_h5_series_append(&w->s_demand, nr, j->s_demand) < 0;
    if (!bad)
        bad |= odt_h5_series_append(&w->s_time, nr, j->s_t) < 0; /* the series' time last */
    if (!bad)
        w->series_rows += nr;
    return bad;
}

static int write_record(struct odt_snapshot_writer *w, const struct job *j)
{
    const hsize_t r = w->records;
    struct odt_h5_series *sp[ODT_MAX_FIELDS];
    const void *bp[ODT_MAX_FIELDS];
    for (int k = 0; k < w->lay.nfields; ++k) {
        sp[k] = &w->rec[k];
        bp[k] = j->rec_bufs[k];
    }
    int bad = w->lay.nfields && odt_h5_pool_append(w->pool, sp, bp, w->lay.nfields) < 0;
    const double bkv[BK_N] = {j->era_rad, j->demand_tokens, (double)odt_h5_table_rows(&w->ecl),
                              (double)odt_h5_table_rows(&w->fail), (double)w->series_rows};
    bad = bad || odt_h5_series_append(&w->sun, 1, j->sun) < 0;
    for (int k = 0; k < BK_N && !bad; ++k) {
        if (k >= BK_ECL_ROWS) {
            const int64_t v = (int64_t)bkv[k];
            bad |= odt_h5_series_append(&w->bk[k], 1, &v) < 0;
        } else {
            bad |= odt_h5_series_append(&w->bk[k], 1, &bkv[k]) < 0;
        }
    }
    /* `time` last: a reader (or a repair) takes a record as complete once `time` holds it */
    bad = bad || odt_h5_series_append(&w->time, 1, &j->t_s) < 0;
    if (!bad)
        w->records = r + 1;
    return bad;
}

/* Write the state of the checkpoint job to PATH.ckpt-K (through a temporary file, synced, renamed). */
static int write_checkpoint(struct odt_snapshot_writer *w, struct job *j, char *why, size_t whylen)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const int which = w->ckpt_next;
    char *tmp = ckpt_path(w->path, which, 1), *fin = ckpt_path(w->path, which, 0);
    if (!tmp || !fin) {
        free(tmp);
        free(fin);
        snprintf(why, whylen, "out of memory");
        return 1;
    }
    j->acc.records = (double)w->records;
    j->acc.series_rows = (double)w->series_rows;
    j->acc.eclipse_rows = (double)odt_h5_table_rows(&w->ecl);
    j->acc.failure_rows = (double)odt_h5_table_rows(&w->fail);
    hid_t fapl = file_access(0);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    int bad = f < 0;
    if (!bad) {
        bad |= odt_h5_attr_set_string(f, "odtwin_checkpoint", ODT_SNAPSHOT_SCHEMA_VERSION) < 0;
        bad |= odt_h5_attr_set_string(f, "run_id", w->id.run_id) < 0;
        bad |= odt_h5_attr_set_string(f, "config_digest", w->id.digest) < 0;
        bad |= odt_h5_attr_set_int64(f, "satellites", (int64_t)w->n) < 0;
        bad |= H5LTset_attribute_double(f, ".", "accumulators", (const double *)&j->acc, ODT_RUN_ACCUM_N) < 0;
        struct odt_h5_series s[ODT_MAX_FIELDS];
        struct odt_h5_series *sp[ODT_MAX_FIELDS];
        const void *bp[ODT_MAX_FIELDS];
        int ns = 0;
        memset(s, 0, sizeof s);
        for (int k = 0; k < nf && !bad; ++k) {
            if (fi[k].role != ODT_FIELD_STATE)
                continue;
            hsize_t dims[3] = {0, w->n, (hsize_t)fi[k].ncomp};
            bad |= odt_h5_series_create(&s[ns], f, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE,
                                        fi[k].ncomp > 1 ? 3 : 2, dims, 1, fi[k].units, fi[k].description) < 0;
            sp[ns] = &s[ns];
            bp[ns] = j->ckpt_bufs[ns];
            ++ns;
        }
        if (!bad && w->n)
            bad |= odt_h5_pool_append(w->pool, sp, bp, ns) < 0;
        for (int k = 0; k < ns; ++k)
            odt_h5_series_close(&s[k]);
        /* written last: a checkpoint is valid when it says so */
        bad |= odt_h5_attr_set_string(f, "complete", "yes") < 0;
        bad |= H5Fclose(f) < 0;
    }
    if (bad) {
        char line[400];
        h5_reason(line, sizeof line);
        snprintf(why, whylen, "%s: cannot write the checkpoint%s%s", tmp, line[0] ? ": " : "", line);
        unlink(tmp);
    } else if (sync_path(tmp) != 0 || rename(tmp, fin) != 0) {
        snprintf(why, whylen, "%s: cannot sync or rename the checkpoint: %s", tmp, strerror(errno));
        unlink(tmp);
        bad = 1;
    } else {
        sync_dir_of(fin);
        w->ckpt_written |= 1 << which;
        w->ckpt_next ^= 1;
        w->checkpoints++;
        w->last_ckpt = j->ckpt_bufs;
        w->last_ckpt_t = j->acc.t_s;
    }
    free(tmp);
    free(fin);
    return bad;
}

/* Write one job (writer thread). 0 on success, else why holds the reason. */
static int write_job(struct odt_snapshot_writer *w, struct job *j, char *why, size_t whylen)
{
    const double t0 = now_s();
    why[0] = '\0';
    int bad = write_series(w, j);
    if (bad)
        snprintf(why, whylen, "writing the fleet series");
    if (!bad && (bad = write_events(w, j)))
        snprintf(why, whylen, "writing the event tables");
    if (!bad && j->has_record && (bad = write_record(w, j)))
        snprintf(why, whylen, "writing record %llu", (unsigned long long)w->records);
    if (!bad && (bad = H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0))
        snprintf(why, whylen, "flushing the file (disk full?)");
    const double t1 = now_s();
    if (!bad && j->has_ckpt) {
        bad = write_checkpoint(w, j, why, whylen);
        w->ckpt_s += now_s() - t1;
    }
    w->busy_s += now_s() - t0;
    if (bad && why[0] && !strstr(why, ": ")) {
        char line[400];
        h5_reason(line, sizeof line);
        if (line[0]) {
            const size_t l = strlen(why);
            snprintf(why + l, whylen - l, ": %s", line);
        }
    }
    return bad;
}

static void *writer_main(void *arg)
{
    struct odt_snapshot_writer *w = (struct odt_snapshot_writer *)arg;
    odt_h5_quiet();
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->pending && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->pending)
            break;
        struct job *j = &w->job[w->cur ^ 1];
        pthread_mutex_unlock(&w->mu);
        char why[768];
        const int bad = w->thread_status == ODT_OK ? write_job(w, j, why, sizeof why) : 0;
        pthread_mutex_lock(&w->mu);
        if (bad && w->thread_status == ODT_OK) {
            w->thread_status = ODT_ERR_IO;
            if (strncmp(why, w->path, strlen(w->path)) == 0)
                snprintf(w->thread_err, sizeof w->thread_err, "%s", why);
            else
                snprintf(w->thread_err, sizeof w->thread_err, "%s: %s", w->path, why);
        }
        job_clear(j);
        w->pending = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static enum odt_status writer_start(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    if (H5Fstart_swmr_write(w->file) < 0)
        return h5fail(err, errlen, w->path, "entering single-writer/multiple-reader mode");
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->thread_started = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        w->thread_started = 0;
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        snprintf(err, errlen, "%s: cannot start the snapshot writer thread", w->path);
        return ODT_ERR_IO;
    }
    return ODT_OK;
}

/* Wait for the thread to be idle; its first failure, if any. */
static enum odt_status wait_idle(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    if (!w->thread_started)
        return ODT_OK;
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    const enum odt_status st = w->thread_status;
    if (st != ODT_OK)
        snprintf(err, errlen, "%s", w->thread_err);
    pthread_mutex_unlock(&w->mu);
    return st;
}

enum odt_status odt_snapshot_add_series(struct odt_snapshot_writer *w, const double *t, const double *rows,
                                        const double *demand, size_t nrows)
{
    struct job *j = &w->job[w->cur];
    const size_t rl = (size_t)w->nc * ODT_SV_N;
    if (j->s_n + nrows > j->s_cap) {
        size_t cap = j->s_cap ? j->s_cap : 256;
        while (cap < j->s_n + nrows)
            cap *= 2;
        double *a = realloc(j->s_t, sizeof *a * cap);
        if (a)
            j->s_t = a;
        double *b = realloc(j->s_demand, sizeof *b * cap);
        if (b)
            j->s_demand = b;
        double *c = realloc(j->s_rows, sizeof *c * cap * rl);
        if (c)
            j->s_rows = c;
        if (!a || !b || !c)
            return ODT_ERR_NOMEM;
        j->s_cap = cap;
    }
    memcpy(j->s_t + j->s_n, t, sizeof *t * nrows);
    memcpy(j->s_demand + j->s_n, demand, sizeof *demand * nrows);
    memcpy(j->s_rows + j->s_n * rl, rows, sizeof *rows * nrows * rl);
    j->s_n += nrows;
    return ODT_OK;
}

enum odt_status odt_snapshot_add_events(struct odt_snapshot_writer *w, const struct odt_event_row *rows, size_t n)
{
    struct job *j = &w->job[w->cur];
    if (j->ev_n + n > j->ev_cap) {
        size_t cap = j->ev_cap ? j->ev_cap : 1024;
        while (cap < j->ev_n + n)
            cap *= 2;
        struct odt_event_row *e = realloc(j->ev, sizeof *e * cap);
        if (!e)
            return ODT_ERR_NOMEM;
        j->ev = e;
        j->ev_cap = cap;
    }
    memcpy(j->ev + j->ev_n, rows, sizeof *rows * n);
    j->ev_n += n;
    return ODT_OK;
}

void odt_snapshot_set_record(struct odt_snapshot_writer *w, const struct odt_step_input *in, double demand_tokens,
                             void *const *bufs)
{
    struct job *j = &w->job[w->cur];
    j->has_record = 1;
    j->t_s = in->t_s;
    j->era_rad = in->era_rad;
    for (int k = 0; k < 3; ++k)
        j->sun[k] = in->sun_unit[k];
    j->demand_tokens = demand_tokens;
    j->rec_bufs = bufs;
}

void odt_snapshot_set_checkpoint(struct odt_snapshot_writer *w, const struct odt_run_accum *acc, void *const *bufs)
{
    struct job *j = &w->job[w->cur];
    j->has_ckpt = 1;
    j->acc = *acc;
    j->ckpt_bufs = bufs;
}

enum odt_status odt_snapshot_submit(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    enum odt_status st = wait_idle(w, err, errlen);
    if (st != ODT_OK)
        return st;
    pthread_mutex_lock(&w->mu);
    w->cur ^= 1;
    job_clear(&w->job[w->cur]);
    w->pending = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return ODT_OK;
}

enum odt_status odt_snapshot_drain(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    return wait_idle(w, err, errlen);
}

enum odt_status odt_snapshot_publish(struct odt_snapshot_writer *w, char *err, size_t errlen)
{
    enum odt_status st = wait_idle(w, err, errlen);
    if (st != ODT_OK || !w->tmp_path)
        return st;
    if (rename(w->tmp_path, w->path) != 0) {
        snprintf(err, errlen, "%s: cannot move the new file into place: %s", w->path, strerror(errno));
        return ODT_ERR_IO;
    }
    sync_dir_of(w->path);
    free(w->tmp_path);
    w->tmp_path = NULL;
    return ODT_OK;
}

void odt_snapshot_get_stats(const struct odt_snapshot_writer *w, struct odt_snapshot_stats *st)
{
    memset(st, 0, sizeof *st);
    st->busy_s = w->busy_s;
    st->checkpoint_s = w->ckpt_s;
    st->records = (long)w->records;
    st->checkpoints = w->checkpoints;
    for (int k = 0; k < w->lay.nfields; ++k)
        if (w->rec[k].d >= 0)
            st->record_bytes += (double)H5Dget_storage_size(w->rec[k].d);
    st->satellite_records = (double)w->m * (double)w->records;
    struct stat sb;
    if (stat(w->path, &sb) == 0)
        st->file_bytes = (double)sb.st_size;
}

/* ------------------------------------------------------------------ creating a file */

static int write_static(hid_t g, const char *name, hid_t type, size_t n, int ncomp, const void *data,
                        const char *units, const char *long_name, hid_t scale, hid_t scale2)
{
    hsize_t dims[2] = {n, (hsize_t)ncomp};
    if (H5LTmake_dataset(g, name, ncomp > 1 ? 2 : 1, dims, type, data) < 0)
        return -1;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    int bad = d < 0;
    if (!bad && units)
        bad |= odt_h5_attr_set_string(d, "units", units) < 0;
    if (!bad && long_name)
        bad |= odt_h5_attr_set_string(d, "long_name", long_name) < 0;
    if (!bad && scale >= 0)
        bad |= H5DSattach_scale(d, scale, 0) < 0;
    if (!bad && scale2 >= 0 && ncomp > 1)
        bad |= H5DSattach_scale(d, scale2, 1) < 0;
    if (d >= 0)
        H5Dclose(d);
    return bad ? -1 : 0;
}

/* An integer dimension scale 0..n-1 (or ids). */
static hid_t make_scale(hid_t loc, const char *name, size_t n, const int32_t *ids, const char *long_name)
{
    int32_t *v = malloc(sizeof(int32_t) * (n ? n : 1));
    if (!v)
        return H5I_INVALID_HID;
    for (size_t i = 0; i < n; ++i)
        v[i] = ids ? ids[i] : (int32_t)i;
    hsize_t dims[1] = {n};
    herr_t st = H5LTmake_dataset(loc, name, 1, dims, H5T_NATIVE_INT32, v);
    free(v);
    if (st < 0)
        return H5I_INVALID_HID;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0 || H5DSset_scale(d, name) < 0 || odt_h5_attr_set_string(d, "long_name", long_name) < 0) {
        if (d >= 0)
            H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

static int attach(const struct odt_h5_series *s, hid_t scale, unsigned dim)
{
    return H5DSattach_scale(s->d, scale, dim) < 0 ? -1 : 0;
}

static void join_names(const struct odt_scenario *sc, char *out, size_t len)
{
    out[0] = '\0';
    for (int s = 0; s < sc->n_shells; ++s) {
        strncat(out, s ? "," : "", len - strlen(out) - 1);
        strncat(out, sc->shells[s].name, len - strlen(out) - 1);
    }
}

/* Per-class parameters that analyses of the file need (the scenario text holds all of them). */
/* /launches: every launch flown within the run; /economics: the prices of the cost comparison (attributes). */
static int write_launches(hid_t root, const struct odt_scenario *sc, const struct odt_fleet_meta *m)
{
    char units[128];
    snprintf(units, sizeof units, "seconds since %04d-%02d-%02d %02d:%02d:%06.3f", sc->epoch.year, sc->epoch.month,
             sc->epoch.day, sc->epoch.hour, sc->epoch.minute, sc->epoch.second);
    const struct odt_h5_column cols[] = {
        {"time", H5T_NATIVE_DOUBLE, offsetof(struct odt_plan_launch, t_s), units, "launch time"},
        {"shell", H5T_NATIVE_INT32, offsetof(struct odt_plan_launch, shell), "1", "fleet entry (class)"},
        {"satellites", H5T_NATIVE_INT32, offsetof(struct odt_plan_launch, satellites), "1",
         "satellites put into the entry's slots"},
        {"replacing", H5T_NATIVE_INT32, offsetof(struct odt_plan_launch, replacing), "1",
         "of which replace retired satellites"},
        {"mass_kg", H5T_NATIVE_DOUBLE, offsetof(struct odt_plan_launch, mass_kg), "kg",
         "mass launched (satellites x launch mass)"}};
    struct odt_h5_table t;
    memset(&t, 0, sizeof t);
    int bad = odt_h5_table_create(&t, root, "launches", "launch", cols, (int)(sizeof cols / sizeof cols[0]), 0) < 0;
    bad |= !bad && m->n_launches &&
           odt_h5_table_append(&t, m->launches, sizeof *m->launches, m->n_launches) < 0;
    bad |= !bad && odt_h5_attr_set_double(t.g, "not_flown", (double)m->launches_not_flown) < 0;
    odt_h5_table_close(&t);
    if (bad)
        return -1;
    hid_t g = H5Gcreate2(root, "economics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    const struct odt_econ_params *e = &sc->econ;
    const struct {
        const char *name;
        double v;
    } attrs[] = {{"launch_price_per_kg", e->launch_price_per_kg},
                 {"launch_price_floor_per_kg", e->launch_price_floor_per_kg},
                 {"launch_learning", e->launch_learning},
                 {"launch_reference_launches", e->launch_reference_launches},
                 {"satellite_cost_per_kg", e->satellite_cost_per_kg},
                 {"accelerator_price", e->accelerator_price},
                 {"operations_per_satellite_year", e->operations_per_satellite_year},
                 {"ground_build_cost_per_w", e->ground_build_cost_per_w},
                 {"ground_facility_life_years", e->ground_facility_life_years},
                 {"electricity_per_kwh", e->electricity_per_kwh},
                 {"pue", e->pue},
                 {"ground_repair_h", e->ground_repair_h},
                 {"ground_failure_rate_per_year", e->ground_failure_rate_per_year},
                 {"accelerator_life_years", e->accelerator_life_years},
                 {"ground_compute_w", e->ground_compute_w},
                 {"ground_compute_year", e->ground_compute_year},
                 {"ground_compute_growth", e->ground_compute_growth},
                 {"ground_capacity_factor", e->ground_capacity_factor},
                 {"accelerator_kg", e->accelerator_kg}};
    for (size_t k = 0; k < sizeof attrs / sizeof attrs[0] && !bad; ++k)
        bad |= odt_h5_attr_set_double(g, attrs[k].name, attrs[k].v) < 0;
    H5Gclose(g);
    return bad ? -1 : 0;
}

static int write_classes(hid_t root, const struct odt_scenario *sc, const struct odt_fleet_meta *m)
{
    const size_t nc = (size_t)m->n_classes;
    double *v = malloc(sizeof(double) * (nc ? nc : 1));
    hid_t g = H5Gcreate2(root, "classes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!v || g < 0) {
        free(v);
        if (g >= 0)
            H5Gclose(g);
        return -1;
    }
    int bad = 0;
    hid_t scale = make_scale(g, "class", nc, NULL, "satellite class (fleet entry)");
    bad |= scale < 0;
#define ODT_CLASS_COLUMN(name, units, desc, expr)                                                                 \
    for (size_t c = 0; c < nc; ++c) {                                                                            \
        const struct odt_sat_class *k = &m->classes[c];                                                          \
        (void)k;                                                                                                 \
        v[c] = (expr);                                                                                           \
    }                                                                                                            \
    bad |= write_static(g, name, H5T_NATIVE_DOUBLE, nc, 1, v, units, desc, scale, -1) < 0;
    ODT_CLASS_COLUMN("array_area_m2", "m2", "solar array area", k->array.area_m2)
    ODT_CLASS_COLUMN("array_efficiency", "1", "cells x packing x power conditioning at the reference temperature",
                     k->array.cell_efficiency * k->array.packing_factor * k->array.pcu_efficiency)
    ODT_CLASS_COLUMN("compute_power_w", "W", "compute payload power at full load (all accelerators at board power)",
                     k->node.n_accel * k->node.type.board_power_w)
    ODT_CLASS_COLUMN("accelerators", "1", "accelerators at launch", (double)k->node.n_accel)
    ODT_CLASS_COLUMN("accelerator_tokens_per_s", "tokens s-1", "throughput of one accelerator at board power",
                     k->node.type.tokens_per_s_full)
    ODT_CLASS_COLUMN("burn_in_s", "s", "ground burn-in before launch", k->rel.burn_in_s)
    ODT_CLASS_COLUMN("bus_power_w", "W", "bus power", k->node.bus_power_w)
    ODT_CLASS_COLUMN("battery_capacity_j", "J", "battery capacity", k->battery.capacity_j)
    ODT_CLASS_COLUMN("battery_soc_min", "1", "bottom of the state-of-charge window", k->battery.soc_min)
    ODT_CLASS_COLUMN("battery_soc_max", "1", "top of the state-of-charge window", k->battery.soc_max)
    ODT_CLASS_COLUMN("battery_discharge_efficiency", "1", "discharge efficiency", k->battery.eta_discharge)
    ODT_CLASS_COLUMN("payload_temp_limit_k", "K", "payload temperature limit", k->thermal.t_limit_payload_k)
    ODT_CLASS_COLUMN("radiator_area_m2", "m2", "radiating area (all faces)",
                     k->thermal.face[ODT_TN_RADIATOR][0].area_m2 + k->thermal.face[ODT_TN_RADIATOR][1].area_m2)
    ODT_CLASS_COLUMN("radiator_sides", "1", "radiating faces of the radiator panel",
                     (k->thermal.face[ODT_TN_RADIATOR][1].area_m2 > 0.0) ? 2.0 : 1.0)
    ODT_CLASS_COLUMN("radiator_emissivity", "1", "radiator emissivity", k->thermal.face[ODT_TN_RADIATOR][0].emissivity)
    ODT_CLASS_COLUMN("radiator_absorptivity", "1", "radiator solar absorptivity",
                     k->thermal.face[ODT_TN_RADIATOR][0].absorptivity)
    ODT_CLASS_COLUMN("payload_radiator_conductance_w_k", "W K-1", "payload-radiator conductance",
                     k->thermal.g_w_k[ODT_TN_PAYLOAD][ODT_TN_RADIATOR])
    ODT_CLASS_COLUMN("spares", "1", "spare accelerators at launch", (double)k->node.n_spares)
    ODT_CLASS_COLUMN("accelerator_board_power_w", "W", "board power of one accelerator", k->node.type.board_power_w)
    ODT_CLASS_COLUMN("design_life_s", "s", "design life from launch", sc->shells[c].sat.design_life_s)
    ODT_CLASS_COLUMN("satellite_mass_kg", "kg", "launch mass of one satellite (mass model, docs/economics.md)",
                     m->sat_mass_kg ? m->sat_mass_kg[c] : NAN)
#undef ODT_CLASS_COLUMN
    size_t nl = 16;
    for (int s = 0; s < sc->n_shells; ++s)
        nl += strlen(sc->shells[s].name) + 1;
    char *names = malloc(nl);
    if (names) {
        join_names(sc, names, nl);
        bad |= odt_h5_attr_set_string(g, "names", names) < 0;
    }
    bad |= !names;
    free(names);
    free(v);
    if (scale >= 0)
        H5Dclose(scale);
    H5Gclose(g);
    return bad ? -1 : 0;
}

/* Create every dataset the writer appends to (schema 2.0). */
static int create_layout(struct odt_snapshot_writer *w, const struct odt_scenario *sc, const struct odt_fleet *f,
                         const struct odt_fleet_meta *m)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const hid_t root = w->file;
    int bad = 0;
    char units[128];
    snprintf(units, sizeof units, "seconds since %04d-%02d-%02d %02d:%02d:%06.3f", sc->epoch.year, sc->epoch.month,
             sc->epoch.day, sc->epoch.hour, sc->epoch.minute, sc->epoch.second);
    const char *time_long = "time since the epoch, elapsed SI seconds (TT rate) from epoch_utc";
    const char *time_note = "elapsed SI seconds at the TT rate since the UTC epoch epoch_utc; leap seconds are not "
                            "inserted: after a leap second within the run, dates decoded as epoch + time (CF "
                            "calendar standard) run one second ahead of UTC";

    /* record dimensions: time, satellite (the record satellites' indices), xyz, node */
    int32_t *rec_ids = malloc(sizeof(int32_t) * (w->m ? w->m : 1));
    if (!rec_ids)
        return -1;
    for (size_t j = 0; j < w->m; ++j)
        rec_ids[j] = w->lay.subset ? m->id[w->lay.subset[j]] : m->id[j];
    hid_t s_sat = make_scale(root, "satellite", w->m, rec_ids, "satellite index");
    free(rec_ids);
    static const char *const xyz[3] = {"x", "y", "z"};
    static const char *const nodes[4] = {"array", "radiator", "payload", "bus"};
    hid_t s_xyz = odt_h5_scale_strings(root, "xyz", xyz, 3, "vector component");
    hid_t s_node = odt_h5_scale_strings(root, "node", nodes, 4, "thermal node");
    bad |= s_sat < 0 || s_xyz < 0 || s_node < 0;

    hsize_t d1[3] = {0, 0, 0};
    bad |= odt_h5_series_create(&w->time, root, "time", H5T_NATIVE_DOUBLE, 1, d1, 0, units, time_long) < 0;
    if (!bad) {
        bad |= odt_h5_attr_set_string(w->time.d, "calendar", "standard") < 0;
        bad |= odt_h5_attr_set_string(w->time.d, "epoch_utc", sc->epoch.iso) < 0;
        bad |= odt_h5_attr_set_string(w->time.d, "comment", time_note) < 0;
        bad |= H5DSset_scale(w->time.d, "time") < 0;
    }
    hsize_t d3[3] = {0, 3, 0};
    bad |= odt_h5_series_create(&w->sun, root, "sun_direction", H5T_NATIVE_DOUBLE, 2, d3, 0, "1",
                                "unit vector Earth to Sun, GCRS axes") < 0;
    bad |= !bad && (attach(&w->sun, w->time.d, 0) < 0 || attach(&w->sun, s_xyz, 1) < 0);
    static const char *const bk_units[BK_N] = {"rad", "tokens", "1", "1", "1"};
    static const char *const bk_desc[BK_N] = {"Earth rotation angle (IAU 2000), UT1 = UTC",
                                              "cumulative fleet inference demand",
                                              "rows of the eclipse table written up to this record",
                                              "rows of the failure table written up to this record",
                                              "rows of the fleet series written up to this record"};
    for (int k = 0; k < BK_N && !bad; ++k) {
        bad |= odt_h5_series_create(&w->bk[k], root, bk_names[k], k >= BK_ECL_ROWS ? H5T_NATIVE_INT64
                                                                                    : H5T_NATIVE_DOUBLE,
                                    1, d1, 0, bk_units[k], bk_desc[k]) < 0;
        bad |= !bad && attach(&w->bk[k], w->time.d, 0) < 0;
    }
    for (int k = 0; k < w->lay.nfields && !bad; ++k) {
        const struct odt_field_info *F = &fi[w->lay.field[k]];
        hsize_t dims[3] = {0, w->m, (hsize_t)F->ncomp};
        bad |= odt_h5_series_create(&w->rec[k], root, F->name, storage_type(w->lay.store[k]), F->ncomp > 1 ? 3 : 2,
                                    dims, w->deflate, F->units, F->description) < 0;
        bad |= !bad && (attach(&w->rec[k], w->time.d, 0) < 0 || attach(&w->rec[k], s_sat, 1) < 0);
        if (!bad && F->ncomp > 1)
            bad |= attach(&w->rec[k], F->ncomp == 3 ? s_xyz : s_node, 2) < 0;
    }

    /* the fleet series: /series, along its own time, per class */
    hid_t gs = bad ? H5I_INVALID_HID : H5Gcreate2(root, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= gs < 0;
    hid_t s_class = bad ? H5I_INVALID_HID : make_scale(gs, "class", (size_t)w->nc, NULL, "satellite class (fleet entry)");
    bad |= s_class < 0;
    if (!bad) {
        bad |= odt_h5_series_create(&w->s_time, gs, "time", H5T_NATIVE_DOUBLE, 1, d1, 0, units,
                                    "end of the step (the first row: the state at the epoch), elapsed SI seconds "
                                    "(TT rate) from epoch_utc") < 0;
        bad |= !bad && (odt_h5_attr_set_string(w->s_time.d, "calendar", "standard") < 0 ||
                        odt_h5_attr_set_string(w->s_time.d, "epoch_utc", sc->epoch.iso) < 0 ||
                        odt_h5_attr_set_string(w->s_time.d, "comment", time_note) < 0 ||
                        H5DSset_scale(w->s_time.d, "time") < 0);
        bad |= !bad && odt_h5_attr_set_int64(gs, "every_steps", sc->series_every) < 0;
        bad |= !bad && odt_h5_series_create(&w->s_demand, gs, "demand_tokens", H5T_NATIVE_DOUBLE, 1, d1, 0, "tokens",
                                            "fleet demand of the step") < 0;
        bad |= !bad && attach(&w->s_demand, w->s_time.d, 0) < 0;
        const struct odt_series_info *sv = odt_series_vars();
        for (int v = 0; v < ODT_SV_N && !bad; ++v) {
            /* [rows, class]: small rows share chunks and are rewritten in place, so they stay uncompressed */
            hsize_t dims[3] = {0, (hsize_t)w->nc, 0};
            bad |= odt_h5_series_create(&w->s_var[v], gs, sv[v].name, H5T_NATIVE_FLOAT, 2, dims, 0, sv[v].units,
                                        sv[v].description) < 0;
            bad |= !bad && (attach(&w->s_var[v], w->s_time.d, 0) < 0 || attach(&w->s_var[v], s_class, 1) < 0);
        }
    }
    if (s_class >= 0)
        H5Dclose(s_class);
    if (gs >= 0)
        H5Gclose(gs);

    /* event tables */
    bad |= !bad && odt_h5_table_create(&w->ecl, root, "eclipses", "eclipse", ecl_cols, N_ECL_COLS, 0) < 0;
    bad |= !bad && odt_h5_table_create(&w->fail, root, "failures", "failure", fail_cols, N_FAIL_COLS, 0) < 0;
    if (!bad) {
        /* event times decode as times */
        bad |= odt_h5_attr_set_string(w->ecl.col[2].d, "units", units) < 0;
        bad |= odt_h5_attr_set_string(w->ecl.col[3].d, "units", units) < 0;
        bad |= odt_h5_attr_set_string(w->fail.col[3].d, "units", units) < 0;
        bad |= odt_h5_attr_set_string(w->ecl.g, "model", sc->shadow_model == ODT_SHADOW_CONICAL ? "conical"
                                                          : sc->shadow_model == ODT_SHADOW_NONE  ? "none"
                                                                                                  : "cylindrical") < 0;
    }

    /* static fleet data, along the fleet's own satellite dimension */
    hid_t g = bad ? H5I_INVALID_HID : H5Gcreate2(root, "fleet", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= g < 0;
    if (g >= 0) {
        hid_t fs = make_scale(g, "satellite", m->n, m->id, "satellite index");
        bad |= fs < 0;
        bad |= write_static(g, "id", H5T_NATIVE_INT32, m->n, 1, m->id, "1", "satellite id", fs, -1) < 0;
        bad |= write_static(g, "shell", H5T_NATIVE_INT32, m->n, 1, m->shell, "1", "index of the fleet entry", fs, -1) < 0;
        bad |= write_static(g, "plane", H5T_NATIVE_INT32, m->n, 1, m->plane, "1", "orbital plane in the entry", fs,
                            -1) < 0;
        bad |= write_static(g, "slot", H5T_NATIVE_INT32, m->n, 1, m->slot, "1", "slot in the plane", fs, -1) < 0;
        bad |= write_static(g, "catalog_number", H5T_NATIVE_INT32, m->n, 1, m->catalog_number, "1",
                            "NORAD catalogue number (-1: generated satellite)", fs, -1) < 0;
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, ODT_SAT_NAME_LEN);
        H5Tset_strpad(st, H5T_STR_NULLTERM);
        bad |= write_static(g, "name", st, m->n, 1, m->name, NULL, "satellite name", fs, -1) < 0;
        H5Tclose(st);
        int any_sgp4 = m->n_sgp4 > 0;
        for (int k = 0; k < nf; ++k) {
            if (fi[k].role != ODT_FIELD_PARAM)
                continue;
            if (!any_sgp4 && (!strcmp(fi[k].name, "sgp4_index") || !strcmp(fi[k].name, "sgp4_offset_min")))
                continue; /* SGP4-only variables are absent from Kepler-only runs */
            bad |= write_static(g, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, f->n, fi[k].ncomp,
                                odt_fleet_field_ptr(f, &fi[k]), fi[k].units, fi[k].description, fs, -1) < 0;
        }
        size_t nl = 16;
        for (int s = 0; s < sc->n_shells; ++s)
            nl += strlen(sc->shells[s].name) + 1;
        char *names = malloc(nl);
        if (names) {
            join_names(sc, names, nl);
            bad |= odt_h5_attr_set_string(g, "shell_names", names) < 0;
        }
        bad |= !names;
        free(names);
        if (fs >= 0)
            H5Dclose(fs);
        H5Gclose(g);
    }
    bad |= !bad && write_classes(root, sc, m) < 0;
    bad |= !bad && write_launches(root, sc, m) < 0;
    if (s_sat >= 0)
        H5Dclose(s_sat);
    if (s_xyz >= 0)
        H5Dclose(s_xyz);
    if (s_node >= 0)
        H5Dclose(s_node);
    return bad ? -1 : 0;
}

/* Is path the same file as an input of the scenario? */
static int same_file(const struct stat *a, const char *other)
{
    struct stat b;
    return stat(other, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

static enum odt_status check_output_path(const char *path, const struct odt_scenario *sc, char *err, size_t errlen)
{
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        struct stat tb;
        if (stat(path, &tb) != 0 || !S_ISREG(tb.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a regular file: refusing to replace it", path);
            return ODT_ERR_IO;
        }
        if (same_file(&tb, sc->file)) {
            snprintf(err, errlen, "%s: the output is the scenario file itself: choose another output path", path);
            return ODT_ERR_VALUE;
        }
        for (int s = 0; s < sc->n_shells; ++s)
            if (sc->shells[s].source == ODT_SOURCE_CATALOG && same_file(&tb, sc->shells[s].path)) {
                snprintf(err, errlen, "%s: the output is the catalogue file of fleet entry '%s': choose another "
                                      "output path", path, sc->shells[s].name);
                return ODT_ERR_VALUE;
            }
    }
    return ODT_OK;
}

enum odt_status odt_snapshot_create(struct odt_snapshot_writer **out, const char *path, const struct odt_scenario *sc,
                                    const struct odt_fleet *f, const struct odt_fleet_meta *m,
                                    const struct odt_run_info *info, const struct odt_snapshot_layout *lay,
                                    const struct odt_run_identity *id, int pool_threads, char *err, size_t errlen)
{
    odt_h5_quiet();
    table_columns();
    enum odt_status st = check_output_path(path, sc, err, errlen);
    if (st != ODT_OK)
        return st;
    struct odt_snapshot_writer *w = writer_new(path, f->n, m->n_classes, lay, sc->snapshot_compression, pool_threads);
    if (!w) {
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    w->id = *id;
    /* write under a temporary name beside the target; replace the target only once the file exists whole */
    const size_t tl = strlen(path) + 48;
    char *tmp = malloc(tl);
    if (!tmp) {
        writer_free(w);
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    snprintf(tmp, tl, "%s.part-%ld", path, (long)getpid());
    hid_t fapl = file_access(0);
    w->file = H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (w->file < 0) {
        char line[300];
        h5_reason(line, sizeof line);
        snprintf(err, errlen, "%s: cannot create the output file (check that the folder exists and is writable)%s%s",
                 path, line[0] ? ": " : "", line);
        writer_free(w);
        free(tmp);
        return ODT_ERR_IO;
    }
    const hid_t root = w->file;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc->seed);
    int bad = 0;
    bad |= odt_h5_attr_set_string(root, "title", "odtwin snapshot") < 0;
    bad |= odt_h5_attr_set_string(root, "Conventions", "CF-1.8") < 0;
    bad |= odt_h5_attr_set_string(root, "odtwin_schema_version", ODT_SNAPSHOT_SCHEMA_VERSION) < 0;
    bad |= odt_h5_attr_set_string(root, "odtwin_version", ODT_VERSION) < 0;
    bad |= odt_h5_attr_set_string(root, "odtwin_commit", ODT_GIT_COMMIT) < 0;
    bad |= odt_h5_attr_set_string(root, "scenario_name", sc->name) < 0;
    bad |= odt_h5_attr_set_string(root, "scenario_file", sc->file) < 0;
    bad |= odt_h5_attr_set_string(root, "scenario", sc->text) < 0;
    bad |= odt_h5_attr_set_string(root, "seed", seed) < 0;
    bad |= odt_h5_attr_set_string(root, "epoch_utc", sc->epoch.iso) < 0;
    bad |= odt_h5_attr_set_string(root, "frame", "GCRS") < 0;
    bad |= odt_h5_attr_set_string(root, "backend", info->backend) < 0;
    bad |= odt_h5_attr_set_int64(root, "threads", info->threads) < 0;
    bad |= odt_h5_attr_set_double(root, "step_s", sc->step_s) < 0;
    bad |= odt_h5_attr_set_double(root, "snapshot_interval_s", sc->snapshot_interval_s) < 0;
    bad |= odt_h5_attr_set_int64(root, "fleet_satellites", (int64_t)f->n) < 0;
    bad |= odt_h5_attr_set_string(root, "run_id", id->run_id) < 0;
    bad |= odt_h5_attr_set_string(root, "config_digest", id->digest) < 0;
    bad |= odt_h5_attr_set_string(root, "run_status", "running") < 0;
    bad |= !bad && create_layout(w, sc, f, m) < 0;
    if (!bad)
        bad |= H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0;
    if (bad) {
        st = h5fail(err, errlen, path, "creating the snapshot layout");
    } else {
        st = writer_start(w, err, errlen);
    }
    if (st != ODT_OK) {
        if (w->thread_started) {
            pthread_mutex_lock(&w->mu);
            w->stop = 1;
            pthread_cond_broadcast(&w->cv);
            pthread_mutex_unlock(&w->mu);
            pthread_join(w->thread, NULL);
        }
        writer_free(w);
        unlink(tmp); /* ours: created above with H5F_ACC_EXCL */
        free(tmp);
        return st;
    }
    /* checkpoints of an earlier run at this path stay until this run's replace them: a resume tells them
       apart by run_id, and a run that fails before its file is published leaves the earlier run whole */
    w->tmp_path = tmp;
    *out = w;
    return ODT_OK;
}

/* ------------------------------------------------------------------ closing */

static void stop_thread(struct odt_snapshot_writer *w)
{
    if (!w->thread_started)
        return;
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
}

/* /final: every STATE field of every satellite at the last checkpoint. */
static int write_final(hid_t file, const struct odt_snapshot_writer *w)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    if (H5Lexists(file, "final", H5P_DEFAULT) > 0)
        H5Ldelete(file, "final", H5P_DEFAULT);
    hid_t g = H5Gcreate2(file, "final", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    int bad = odt_h5_attr_set_double(g, "time", w->last_ckpt_t) < 0;
    hid_t sat = make_scale(g, "satellite", w->n, NULL, "satellite index");
    static const char *const xyz[3] = {"x", "y", "z"};
    static const char *const nodes[4] = {"array", "radiator", "payload", "bus"};
    hid_t s_xyz = odt_h5_scale_strings(g, "xyz", xyz, 3, "vector component");
    hid_t s_node = odt_h5_scale_strings(g, "node", nodes, 4, "thermal node");
    bad |= sat < 0 || s_xyz < 0 || s_node < 0;
    int q = 0;
    for (int k = 0; k < nf && !bad; ++k) {
        if (fi[k].role != ODT_FIELD_STATE)
            continue;
        bad |= write_static(g, fi[k].name, fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, w->n, fi[k].ncomp,
                            w->last_ckpt[q++], fi[k].units, fi[k].description, sat,
                            fi[k].ncomp == 3 ? s_xyz : s_node) < 0;
    }
    if (sat >= 0)
        H5Dclose(sat);
    if (s_xyz >= 0)
        H5Dclose(s_xyz);
    if (s_node >= 0)
        H5Dclose(s_node);
    H5Gclose(g);
    return bad ? -1 : 0;
}

enum odt_status odt_snapshot_close(struct odt_snapshot_writer *w, const char *run_status, char *err, size_t errlen)
{
    if (!w)
        return ODT_OK;
    stop_thread(w);
    if (w->tmp_path) {
        /* never published: the file is ours and holds nothing the user has; the path keeps what it had */
        close_handles(w);
        if (w->file >= 0)
            H5Fclose(w->file);
        w->file = H5I_INVALID_HID;
        unlink(w->tmp_path);
        for (int k = 0; k < 2; ++k) {
            char *cp = (w->ckpt_written & (1 << k)) ? ckpt_path(w->path, k, 0) : NULL;
            if (cp)
                unlink(cp); /* written by this run */
            free(cp);
        }
        enum odt_status st0 = w->thread_status;
        if (st0 != ODT_OK)
            snprintf(err, errlen, "%s", w->thread_err);
        writer_free(w);
        return st0;
    }
    enum odt_status st = w->thread_status;
    if (st != ODT_OK)
        snprintf(err, errlen, "%s", w->thread_err);
    const unsigned long nrec = (unsigned long)w->records;
    char *path = strdup(w->path);
    close_handles(w);
    int closed_bad = w->file >= 0 && H5Fclose(w->file) < 0;
    w->file = H5I_INVALID_HID;
    if (closed_bad && st == ODT_OK)
        st = h5fail(err, errlen, w->path, "closing the file (disk full?)");
    /* SWMR forbids new attributes and groups: reopen once, normally, for the closing ones */
    if (path && st == ODT_OK) {
        hid_t fapl = file_access(0);
        hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
        H5Pclose(fapl);
        int bad = file < 0;
        if (!bad) {
            bad |= odt_h5_attr_set_string(file, "run_status", run_status) < 0;
            bad |= H5LTset_attribute_ulong(file, ".", "snapshots", &nrec, 1) < 0;
            if (w->last_ckpt)
                bad |= write_final(file, w) < 0;
            bad |= H5Fclose(file) < 0;
        }
        if (bad)
            st = h5fail(err, errlen, path, "closing the file");
    }
    free(path);
    writer_free(w);
    return st;
}

/* ------------------------------------------------------------------ reading back */

enum odt_status odt_snapshot_read_scenario(const char *path, char **text, char *run_status, size_t status_len,
                                           char *err, size_t errlen)
{
    odt_h5_quiet();
    *text = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(err, errlen, "%s: cannot open the snapshot file: %s", path, strerror(errno));
        return ODT_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return ODT_ERR_IO;
    }
    if (H5Fis_hdf5(path) <= 0) {
        snprintf(err, errlen, "%s: not an HDF5 file (or damaged)", path);
        return ODT_ERR_IO;
    }
    hid_t file = odt_h5_open_swmr_read(path);
    if (file < 0)
        file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        snprintf(err, errlen, "%s: cannot open the HDF5 file (damaged, or held open for writing)", path);
        return ODT_ERR_IO;
    }
    char *version = NULL, *status = NULL;
    enum odt_status st = ODT_OK;
    if (odt_h5_attr_get_string(file, "odtwin_schema_version", &version) != 0) {
        snprintf(err, errlen, "%s: not an odtwin snapshot (no odtwin_schema_version attribute)", path);
        st = ODT_ERR_VALUE;
    } else if (strtol(version, NULL, 10) != 2) {
        snprintf(err, errlen, "%s: snapshot schema %s: this odtwin continues and repairs schema 2.x files", path,
                 version);
        st = ODT_ERR_VALUE;
    } else if (odt_h5_attr_get_string(file, "scenario", text) != 0) {
        snprintf(err, errlen, "%s: the snapshot has no scenario attribute", path);
        st = ODT_ERR_VALUE;
    } else if (odt_h5_attr_get_string(file, "run_status", &status) != 0) {
        snprintf(err, errlen, "%s: the snapshot has no run_status attribute", path);
        st = ODT_ERR_VALUE;
    } else {
        snprintf(run_status, status_len, "%s", status);
    }
    free(version);
    free(status);
    H5Fclose(file);
    if (st != ODT_OK) {
        free(*text);
        *text = NULL;
    }
    return st;
}

/* Open an existing snapshot for appending, clearing the flags a killed writer left. */
static hid_t open_for_append(const char *path)
{
    hid_t fapl = file_access(1);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    /* a killed writer may have written blocks past the end-of-allocation its superblock last recorded:
       take the file's real end (what h5clear --increment does) so that they can be read and freed */
    if (file >= 0)
        H5Fincrement_filesize(file, 0);
    return file;
}

/* Open every series and table of w's file (layout of lay); 0 or -1 with why. */
static int open_layout(struct odt_snapshot_writer *w, char *why, size_t whylen)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const hid_t root = w->file;
#define OPEN(s, loc, name, type)                                                                                  \
    if (odt_h5_series_open(s, loc, name, type) != 0) {                                                          \
        snprintf(why, whylen, "dataset %s is missing or unreadable", name);                                     \
        return -1;                                                                                              \
    }
    OPEN(&w->time, root, "time", H5T_NATIVE_DOUBLE)
    OPEN(&w->sun, root, "sun_direction", H5T_NATIVE_DOUBLE)
    for (int k = 0; k < BK_N; ++k) {
        OPEN(&w->bk[k], root, bk_names[k], k >= BK_ECL_ROWS ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE)
    }
    for (int k = 0; k < w->lay.nfields; ++k) {
        const struct odt_field_info *F = &fi[w->lay.field[k]];
        OPEN(&w->rec[k], root, F->name, storage_type(w->lay.store[k]))
        if (w->rec[k].dims[1] != w->m || (F->ncomp > 1 && w->rec[k].dims[2] != (hsize_t)F->ncomp)) {
            snprintf(why, whylen, "dataset %s has the wrong shape", F->name);
            return -1;
        }
    }
    hid_t gs = H5Gopen2(root, "series", H5P_DEFAULT);
    if (gs < 0) {
        snprintf(why, whylen, "group /series is missing");
        return -1;
    }
    int bad = odt_h5_series_open(&w->s_time, gs, "time", H5T_NATIVE_DOUBLE) != 0 ||
              odt_h5_series_open(&w->s_demand, gs, "demand_tokens", H5T_NATIVE_DOUBLE) != 0;
    const struct odt_series_info *sv = odt_series_vars();
    for (int v = 0; v < ODT_SV_N && !bad; ++v)
        bad |= odt_h5_series_open(&w->s_var[v], gs, sv[v].name, H5T_NATIVE_FLOAT) != 0 ||
               w->s_var[v].dims[1] != (hsize_t)w->nc;
    H5Gclose(gs);
    if (bad) {
        snprintf(why, whylen, "the fleet series in /series are missing or of the wrong shape");
        return -1;
    }
    if (odt_h5_table_open(&w->ecl, root, "eclipses", "eclipse", ecl_cols, N_ECL_COLS) != 0 ||
        odt_h5_table_open(&w->fail, root, "failures", "failure", fail_cols, N_FAIL_COLS) != 0) {
        snprintf(why, whylen, "the /eclipses or /failures table is missing or damaged");
        return -1;
    }
#undef OPEN
    return 0;
}

/* The records every record dataset holds, the last one read back whole. */
static hsize_t complete_records(struct odt_snapshot_writer *w)
{
    hsize_t r = w->time.dims[0];
    for (int k = 0; k < BK_N; ++k)
        r = w->bk[k].dims[0] < r ? w->bk[k].dims[0] : r;
    r = w->sun.dims[0] < r ? w->sun.dims[0] : r;
    for (int k = 0; k < w->lay.nfields; ++k)
        r = w->rec[k].dims[0] < r ? w->rec[k].dims[0] : r;
    /* a kill during the flush of the last record may leave its index on disk before its data */
    while (r > 0) {
        double x[3];
        int64_t c;
        int ok = odt_h5_series_read(&w->time, r - 1, 1, x) == 0 && isfinite(x[0]) &&
                 odt_h5_series_read(&w->sun, r - 1, 1, x) == 0;
        for (int k = 0; k < BK_N && ok; ++k)
            ok = k >= BK_ECL_ROWS ? odt_h5_series_read(&w->bk[k], r - 1, 1, &c) == 0
                                  : odt_h5_series_read(&w->bk[k], r - 1, 1, x) == 0;
        void *buf = NULL;
        for (int k = 0; k < w->lay.nfields && ok; ++k) {
            void *nb = realloc(buf, w->rec[k].record_elems * w->rec[k].elem);
            ok = nb != NULL;
            buf = nb ? nb : buf;
            ok = ok && odt_h5_series_read(&w->rec[k], r - 1, 1, buf) == 0;
        }
        free(buf);
        if (ok)
            break;
        --r;
    }
    return r;
}

/* Elements of a 1-D dataset (-1: missing or unreadable). */
static hssize_t points_of(hid_t loc, const char *name)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t sp = H5Dget_space(d);
    const hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    return n;
}

/* The layout a file was written with: the record fields it holds (in table order) with their stored types,
   its record satellites and classes. */
static int layout_of_file(hid_t file, struct odt_snapshot_layout *lay, size_t *m, int *nc, size_t *n, char *why,
                          size_t whylen)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    memset(lay, 0, sizeof *lay);
    for (int k = 0; k < nf; ++k) {
        if ((fi[k].role != ODT_FIELD_STATE && fi[k].role != ODT_FIELD_OUT) ||
            H5Lexists(file, fi[k].name, H5P_DEFAULT) <= 0)
            continue;
        hid_t d = H5Dopen2(file, fi[k].name, H5P_DEFAULT);
        hid_t t = d >= 0 ? H5Dget_type(d) : H5I_INVALID_HID;
        enum odt_storage s = ODT_STORE_F64;
        if (t >= 0 && H5Tget_class(t) == H5T_INTEGER)
            s = ODT_STORE_I32;
        else if (t >= 0 && H5Tget_size(t) == 4)
            s = ODT_STORE_F32;
        if (t >= 0)
            H5Tclose(t);
        if (d >= 0)
            H5Dclose(d);
        lay->field[lay->nfields] = k;
        lay->store[lay->nfields++] = s;
    }
    const hssize_t msat = points_of(file, "satellite");
    if (msat < 0) {
        snprintf(why, whylen, "dataset /satellite is missing");
        return -1;
    }
    *m = (size_t)msat;
    double nfleet = 0.0;
    if (odt_h5_attr_get_double(file, "fleet_satellites", &nfleet) != 0 || !(nfleet >= 0.0 && nfleet < 1e10)) {
        snprintf(why, whylen, "attribute fleet_satellites is missing or out of range");
        return -1;
    }
    *n = (size_t)nfleet;
    const hssize_t c = points_of(file, "series/class");
    if (c <= 0 || c > 1000000) {
        snprintf(why, whylen, "dataset /series/class has a bad size");
        return -1;
    }
    *nc = (int)c;
    return 0;
}

/* Cut everything to records, series rows and table rows. */
static int trim_to(struct odt_snapshot_writer *w, hsize_t records, hsize_t srows, hsize_t erows, hsize_t frows)
{
    int bad = 0;
    for (int k = 0; k < w->lay.nfields; ++k)
        bad |= odt_h5_series_set_records(&w->rec[k], records) < 0;
    bad |= odt_h5_series_set_records(&w->sun, records) < 0;
    for (int k = 0; k < BK_N; ++k)
        bad |= odt_h5_series_set_records(&w->bk[k], records) < 0;
    bad |= odt_h5_series_set_records(&w->time, records) < 0;
    bad |= odt_h5_series_set_records(&w->s_demand, srows) < 0;
    for (int v = 0; v < ODT_SV_N; ++v)
        bad |= odt_h5_series_set_records(&w->s_var[v], srows) < 0;
    bad |= odt_h5_series_set_records(&w->s_time, srows) < 0;
    bad |= odt_h5_table_set_rows(&w->ecl, erows) < 0;
    bad |= odt_h5_table_set_rows(&w->fail, frows) < 0;
    return bad ? -1 : 0;
}

/* The counts a record stored: series rows, eclipse rows, failure rows; 0 or -1 (unreadable, out of range). */
static int record_counts(struct odt_snapshot_writer *w, hsize_t r, hsize_t *srows, hsize_t *erows, hsize_t *frows)
{
    *srows = *erows = *frows = 0;
    if (r == 0)
        return 0;
    int64_t v[3];
    if (odt_h5_series_read(&w->bk[BK_SERIES_ROWS], r - 1, 1, &v[0]) != 0 ||
        odt_h5_series_read(&w->bk[BK_ECL_ROWS], r - 1, 1, &v[1]) != 0 ||
        odt_h5_series_read(&w->bk[BK_FAIL_ROWS], r - 1, 1, &v[2]) != 0)
        return -1;
    if (v[0] < 0 || (hsize_t)v[0] > w->s_time.dims[0] || v[1] < 0 || (hsize_t)v[1] > odt_h5_table_rows(&w->ecl) ||
        v[2] < 0 || (hsize_t)v[2] > odt_h5_table_rows(&w->fail))
        return -1;
    *srows = (hsize_t)v[0];
    *erows = (hsize_t)v[1];
    *frows = (hsize_t)v[2];
    return 0;
}

/*
 * The checks of repair on file, open for reading or for writing: the layout, every dataset, the complete records
 * and the row counts stored with the last of them. Takes file over; on success *wout holds it (with the counts),
 * else it is closed and err says why.
 */
static enum odt_status repair_check(const char *path, hid_t file, struct odt_snapshot_writer **wout,
                                    hsize_t *records, hsize_t *srows, hsize_t *erows, hsize_t *frows, char *err,
                                    size_t errlen)
{
    *wout = NULL;
    struct odt_snapshot_layout lay;
    size_t m = 0, n = 0;
    int nc = 0;
    char why[300];
    if (layout_of_file(file, &lay, &m, &nc, &n, why, sizeof why) != 0) {
        H5Fclose(file);
        snprintf(err, errlen, "%s: not a complete odtwin snapshot: %s (nothing was changed)", path, why);
        return ODT_ERR_VALUE;
    }
    struct odt_snapshot_writer *w = writer_new(path, n, nc, &lay, 0, 1);
    if (!w) {
        H5Fclose(file);
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    w->m = m;
    w->file = file;
    if (open_layout(w, why, sizeof why) != 0) {
        writer_free(w);
        snprintf(err, errlen, "%s: not a complete odtwin snapshot: %s (nothing was changed)", path, why);
        return ODT_ERR_VALUE;
    }
    *records = complete_records(w);
    if (record_counts(w, *records, srows, erows, frows) != 0) {
        writer_free(w);
        snprintf(err, errlen, "%s: the row counts stored with record %llu are unreadable or larger than the tables: "
                              "the file is damaged (nothing was changed)", path, (unsigned long long)*records);
        return ODT_ERR_VALUE;
    }
    *wout = w;
    return ODT_OK;
}

/* The file opened read-only for the checks before a change (repair, resume): as a SWMR reader (a killed
   run's file is still marked open for writing), else plainly. A negative id with err set when neither works. */
static hid_t open_read_only(const char *path, char *err, size_t errlen)
{
    hid_t ro = odt_h5_open_swmr_read(path);
    if (ro < 0)
        ro = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (ro < 0)
        snprintf(err, errlen, "%s: cannot open the HDF5 file (damaged, or held open for writing; nothing was "
                              "changed)", path);
    return ro;
}

enum odt_status odt_snapshot_repair(const char *path, long *records_kept, char *err, size_t errlen)
{
    odt_h5_quiet();
    table_columns();
    *records_kept = 0;
    char *text = NULL, status[32] = "";
    enum odt_status st = odt_snapshot_read_scenario(path, &text, status, sizeof status, err, errlen);
    free(text);
    if (st != ODT_OK)
        return st;
    /* check everything first, read-only, then change: opening for writing already clears the file's
       "open for writing" flags and moves its end-of-allocation, which a damaged file must not get */
    hid_t ro = open_read_only(path, err, errlen);
    if (ro < 0)
        return ODT_ERR_IO;
    struct odt_snapshot_writer *w = NULL;
    hsize_t records, srows, erows, frows;
    if ((st = repair_check(path, ro, &w, &records, &srows, &erows, &frows, err, errlen)) != ODT_OK)
        return st;
    writer_free(w);
    hid_t file = open_for_append(path);
    if (file < 0) {
        char line[300];
        h5_reason(line, sizeof line);
        snprintf(err, errlen, "%s: cannot open the snapshot for writing%s%s", path, line[0] ? ": " : "", line);
        return ODT_ERR_IO;
    }
    /* the same checks on the file as the writer sees it (the blocks past the old end-of-allocation included) */
    if ((st = repair_check(path, file, &w, &records, &srows, &erows, &frows, err, errlen)) != ODT_OK)
        return st;
    int bad = trim_to(w, records, srows, erows, frows) < 0;
    if (!bad && strcmp(status, "running") == 0)
        bad |= odt_h5_attr_set_string(w->file, "run_status", "interrupted") < 0;
    if (bad)
        st = h5fail(err, errlen, path, "repairing the file");
    writer_free(w);
    if (st != ODT_OK)
        return st;
    if (records == 0) {
        snprintf(err, errlen, "%s: the run was stopped before its first record was complete: the file holds its "
                              "layout and no data", path);
        *records_kept = 0;
        return ODT_OK;
    }
    *records_kept = (long)records;
    return ODT_OK;
}

/* Read checkpoint file cp into f if it is complete and belongs to id; acc gets its accumulators. 0 ok. */
static int read_checkpoint(const char *cp, const struct odt_run_identity *id, struct odt_fleet *f,
                           struct odt_run_accum *acc, char *why, size_t whylen)
{
    struct stat sb;
    if (stat(cp, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(why, whylen, "%s: no checkpoint", cp);
        return -1;
    }
    hid_t file = H5Fopen(cp, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        snprintf(why, whylen, "%s: not a readable HDF5 file", cp);
        return -1;
    }
    char *complete = NULL, *run_id = NULL, *digest = NULL;
    double nsat = -1.0;
    int bad = 0;
    if (odt_h5_attr_get_string(file, "complete", &complete) != 0 || strcmp(complete, "yes") != 0) {
        snprintf(why, whylen, "%s: the checkpoint is incomplete", cp);
        bad = 1;
    } else if (odt_h5_attr_get_string(file, "run_id", &run_id) != 0 || strcmp(run_id, id->run_id) != 0) {
        snprintf(why, whylen, "%s: the checkpoint belongs to another run", cp);
        bad = 1;
    } else if (odt_h5_attr_get_string(file, "config_digest", &digest) != 0 || strcmp(digest, id->digest) != 0) {
        snprintf(why, whylen, "%s: the configuration has changed since the run started (scenario, catalogue or "
                              "odtwin version): resuming would mix two runs", cp);
        bad = 1;
    } else if (odt_h5_attr_get_double(file, "satellites", &nsat) != 0 || nsat != (double)f->n) {
        snprintf(why, whylen, "%s: the checkpoint holds another number of satellites", cp);
        bad = 1;
    }
    if (!bad) {
        hsize_t dims[1];
        H5T_class_t cl;
        size_t sz;
        if (H5LTget_attribute_info(file, ".", "accumulators", dims, &cl, &sz) < 0 || dims[0] != ODT_RUN_ACCUM_N ||
            H5LTget_attribute_double(file, ".", "accumulators", (double *)acc) < 0) {
            snprintf(why, whylen, "%s: the checkpoint's accumulators are unreadable", cp);
            bad = 1;
        }
    }
    const double *a = (const double *)acc;
    for (int k = 0; !bad && k < ODT_RUN_ACCUM_N; ++k)
        if (isnan(a[k]) && k != (int)(offsetof(struct odt_run_accum, soc_min) / sizeof(double))) {
            snprintf(why, whylen, "%s: the checkpoint holds a non-number", cp);
            bad = 1;
        }
    if (!bad && !(acc->t_s >= 0.0 && acc->steps_done >= 0.0 && acc->steps_done < 1e15 && acc->records >= 0.0 &&
                  acc->series_rows >= 0.0 && acc->eclipse_rows >= 0.0 && acc->failure_rows >= 0.0 &&
                  acc->records < 1e15 && acc->series_rows < 1e15 && acc->eclipse_rows < 1e15 &&
                  acc->failure_rows < 1e15)) {
        snprintf(why, whylen, "%s: the checkpoint's counts are out of range", cp);
        bad = 1;
    }
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    void *buf = NULL;
    for (int k = 0; k < nf && !bad; ++k) {
        if (fi[k].role != ODT_FIELD_STATE)
            continue;
        struct odt_h5_series s;
        memset(&s, 0, sizeof s);
        const hid_t mt = fi[k].is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE;
        if (odt_h5_series_open(&s, file, fi[k].name, mt) != 0 || s.dims[0] != 1 || s.dims[1] != f->n ||
            (fi[k].ncomp > 1 && s.dims[2] != (hsize_t)fi[k].ncomp)) {
            snprintf(why, whylen, "%s: field %s is missing or of the wrong shape", cp, fi[k].name);
            odt_h5_series_close(&s);
            bad = 1;
            break;
        }
        const size_t elems = f->n * (size_t)fi[k].ncomp;
        void *nb = realloc(buf, (elems ? elems : 1) * fi[k].elem_size);
        if (!nb || (f->n && odt_h5_series_read(&s, 0, 1, nb) != 0)) {
            snprintf(why, whylen, "%s: field %s is unreadable", cp, fi[k].name);
            buf = nb ? nb : buf;
            odt_h5_series_close(&s);
            bad = 1;
            break;
        }
        buf = nb;
        odt_h5_series_close(&s);
        /* [i][c] -> component-major */
        char *dst = odt_fleet_field_ptr(f, &fi[k]);
        const size_t es = fi[k].elem_size;
        for (size_t i = 0; i < f->n; ++i)
            for (int c = 0; c < fi[k].ncomp; ++c)
                memcpy(dst + ((size_t)c * f->n + i) * es, (char *)buf + (i * (size_t)fi[k].ncomp + (size_t)c) * es, es);
    }
    free(buf);
    free(complete);
    free(run_id);
    free(digest);
    H5Fclose(file);
    return bad ? -1 : 0;
}

/* The checks of a resume on an open file (read-only or for writing; the writer returned in *wout owns it, also
   on failure): the layout against the scenario, the datasets, and a checkpoint that describes a prefix of the
   file's records and rows (the newest, else the older one: *best and *acc follow, and the fleet f holds it). */
static enum odt_status resume_check(const char *path, hid_t file, struct odt_fleet *f,
                                    const struct odt_snapshot_layout *lay, int pool_threads,
                                    const struct odt_run_identity *fid, struct odt_run_accum *acc,
                                    struct odt_run_accum a[2], const int ok[2], int *best,
                                    struct odt_snapshot_writer **wout, char *err, size_t errlen)
{
    struct odt_snapshot_writer *w = writer_new(path, f->n, 0, lay, 0, pool_threads);
    *wout = w;
    if (!w) {
        H5Fclose(file);
        snprintf(err, errlen, "%s: out of memory", path);
        return ODT_ERR_NOMEM;
    }
    w->file = file;
    w->id = *fid;
    struct odt_snapshot_layout flay;
    size_t fm = 0, fn = 0;
    int nc = 0;
    char wy[300];
    if (layout_of_file(file, &flay, &fm, &nc, &fn, wy, sizeof wy) != 0) {
        snprintf(err, errlen, "%s: the file's layout cannot be read (%s): damaged or not a complete snapshot; "
                              "nothing was changed", path, wy);
        return ODT_ERR_VALUE;
    }
    if (fm != w->m || fn != f->n) {
        snprintf(err, errlen, "%s: the file's layout does not match its scenario (%zu of %zu satellites recorded, "
                              "the scenario gives %zu of %zu)", path, fm, fn, w->m, f->n);
        return ODT_ERR_VALUE;
    }
    w->nc = nc;
    if (open_layout(w, wy, sizeof wy) != 0) {
        snprintf(err, errlen, "%s: %s", path, wy);
        return ODT_ERR_VALUE;
    }
    /* the checkpoint must describe a prefix of what the file holds */
    const hsize_t records = complete_records(w);
#define ODT_FITS(x)                                                                                               \
    ((hsize_t)(x).records <= records && (hsize_t)(x).series_rows <= w->s_time.dims[0] &&                          \
     (hsize_t)(x).eclipse_rows <= odt_h5_table_rows(&w->ecl) && (hsize_t)(x).failure_rows <= odt_h5_table_rows(&w->fail))
    if (!ODT_FITS(*acc) && ok[*best ^ 1] && ODT_FITS(a[*best ^ 1])) {
        /* the newest checkpoint is ahead of what the file kept (a record lost to damage or a repair):
           continue from the older one */
        char *cp = ckpt_path(path, *best ^ 1, 0);
        char why[600];
        const int again = cp && read_checkpoint(cp, fid, f, &a[*best ^ 1], why, sizeof why) == 0;
        free(cp);
        if (again) {
            *best ^= 1;
            *acc = a[*best];
        }
    }
    if (!ODT_FITS(*acc)) {
#undef ODT_FITS
        snprintf(err, errlen, "%s: the checkpoint is ahead of the file (records or rows missing): the file was "
                              "damaged or replaced", path);
        return ODT_ERR_VALUE;
    }
    return ODT_OK;
}

enum odt_status odt_snapshot_resume(struct odt_snapshot_writer **out, const char *path, struct odt_fleet *f,
                                    const struct odt_snapshot_layout *lay, const struct odt_run_identity *id,
                                    struct odt_run_accum *acc, int pool_threads, char *err, size_t errlen)
{
    odt_h5_quiet();
    table_columns();
    memset(acc, 0, sizeof *acc);
    /* the identity the file itself carries */
    hid_t probe = odt_h5_open_swmr_read(path);
    if (probe < 0)
        probe = open_for_append(path);
    if (probe < 0) {
        snprintf(err, errlen, "%s: cannot open the snapshot file", path);
        return ODT_ERR_IO;
    }
    char *run_id = NULL, *digest = NULL;
    const int have = odt_h5_attr_get_string(probe, "run_id", &run_id) == 0 &&
                     odt_h5_attr_get_string(probe, "config_digest", &digest) == 0;
    H5Fclose(probe);
    if (!have || strcmp(digest, id->digest) != 0) {
        snprintf(err, errlen, "%s: %s", path,
                 have ? "the file's scenario builds another configuration now (the scenario attribute, a catalogue "
                        "file or the odtwin version changed): resuming would mix two runs"
                      : "the file has no run identity (run_id, config_digest): not a schema 2 snapshot");
        free(run_id);
        free(digest);
        return ODT_ERR_VALUE;
    }
    struct odt_run_identity fid = *id;
    snprintf(fid.run_id, sizeof fid.run_id, "%s", run_id);
    free(run_id);
    free(digest);
    /* the newest valid checkpoint */
    struct odt_run_accum a[2];
    int ok[2], best = -1;
    char why[2][600];
    for (int k = 0; k < 2; ++k) {
        char *cp = ckpt_path(path, k, 0);
        ok[k] = cp && read_checkpoint(cp, &fid, f, &a[k], why[k], sizeof why[k]) == 0;
        free(cp);
        if (ok[k] && (best < 0 || a[k].seq > a[best].seq))
            best = k;
    }
    if (best < 0) {
        snprintf(err, errlen, "%s: no valid checkpoint to resume from (%s; %s)", path, why[0], why[1]);
        return ODT_ERR_VALUE;
    }
    if (best != 1 || !ok[1]) {
        /* the fleet holds the last one read: read the best one again if it was not the last */
        char *cp = ckpt_path(path, best, 0);
        const int again = cp && read_checkpoint(cp, &fid, f, &a[best], why[best], sizeof why[best]) == 0;
        free(cp);
        if (!again) {
            snprintf(err, errlen, "%s", why[best]);
            return ODT_ERR_IO;
        }
    }
    *acc = a[best];
    /* check everything first on a read-only handle, then open for writing (which already clears the file's
       "open for writing" flags and moves its end of allocation: a file that cannot be resumed is left as it
       was), and check again there */
    struct odt_snapshot_writer *w = NULL;
    enum odt_status st;
    hid_t ro = open_read_only(path, err, errlen);
    if (ro < 0)
        return ODT_ERR_IO;
    st = resume_check(path, ro, f, lay, 1, &fid, acc, a, ok, &best, &w, err, errlen);
    writer_free(w); /* closes ro */
    w = NULL;
    if (st != ODT_OK)
        return st;
    hid_t file = open_for_append(path);
    if (file < 0) {
        snprintf(err, errlen, "%s: cannot open the file for writing", path);
        return ODT_ERR_IO;
    }
    if ((st = resume_check(path, file, f, lay, pool_threads, &fid, acc, a, ok, &best, &w, err, errlen)) != ODT_OK)
        goto fail;
    if (trim_to(w, (hsize_t)acc->records, (hsize_t)acc->series_rows, (hsize_t)acc->eclipse_rows,
                (hsize_t)acc->failure_rows) < 0 ||
        odt_h5_attr_set_string(w->file, "run_status", "running") < 0 || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        st = h5fail(err, errlen, path, "cutting the file back to its checkpoint");
        goto fail;
    }
    w->records = (hsize_t)acc->records;
    w->series_rows = (hsize_t)acc->series_rows;
    w->checkpoints = 0;
    w->ckpt_next = best ^ 1; /* keep the checkpoint resumed from until a newer one exists */
    if ((st = writer_start(w, err, errlen)) != ODT_OK)
        goto fail;
    *out = w;
    return ODT_OK;
fail:
    writer_free(w);
    return st;
}

/* ------------------------------------------------------------------ layout and digest */

enum odt_status odt_snapshot_layout_init(struct odt_snapshot_layout *lay, const struct odt_scenario *sc,
                                         const struct odt_fleet_meta *m, int32_t **subset_out, char *err,
                                         size_t errlen)
{
    memset(lay, 0, sizeof *lay);
    *subset_out = NULL;
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf && k < ODT_MAX_FIELDS; ++k) {
        const int on = sc->snapshot_fields_given ? sc->snapshot_on[k] : fi[k].record;
        if (!on || (fi[k].role != ODT_FIELD_STATE && fi[k].role != ODT_FIELD_OUT))
            continue;
        lay->field[lay->nfields] = k;
        enum odt_storage s = fi[k].storage;
        if (sc->snapshot_precision == 1 && s == ODT_STORE_F32)
            s = ODT_STORE_F64;
        lay->store[lay->nfields++] = s;
    }
    if (sc->snapshot_select == ODT_SELECT_ALL) {
        lay->m = m->n;
        return ODT_OK;
    }
    int32_t *sub = malloc(sizeof *sub * (m->n ? m->n : 1));
    if (!sub) {
        snprintf(err, errlen, "%s: out of memory", sc->file);
        return ODT_ERR_NOMEM;
    }
    size_t k = 0;
    if (sc->snapshot_select == ODT_SELECT_EVERY) {
        for (size_t i = 0; i < m->n; i += (size_t)sc->snapshot_select_n)
            sub[k++] = (int32_t)i;
    } else if (sc->snapshot_select == ODT_SELECT_PER_PLANE) {
        for (size_t i = 0; i < m->n; ++i)
            if (m->slot[i] < sc->snapshot_select_n)
                sub[k++] = (int32_t)i;
    } else {
        for (size_t q = 0; q < sc->n_snapshot_ids; ++q) {
            if ((size_t)sc->snapshot_ids[q] >= m->n) {
                free(sub);
                snprintf(err, errlen, "%s: snapshot_satellites: satellite %d does not exist (the fleet has %zu)",
                         sc->file, (int)sc->snapshot_ids[q], m->n);
                return ODT_ERR_VALUE;
            }
            sub[k++] = sc->snapshot_ids[q];
        }
    }
    lay->subset = sub;
    lay->m = k;
    *subset_out = sub;
    return ODT_OK;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; ++i) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

void odt_run_digest(const struct odt_scenario *sc, const struct odt_fleet *f, const struct odt_fleet_meta *m,
                    const struct odt_backend_config *cfg, char out[24])
{
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, sc->text, strlen(sc->text));
    h = fnv(h, ODT_VERSION, strlen(ODT_VERSION));
    h = fnv(h, &f->n, sizeof f->n);
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (fi[k].role == ODT_FIELD_PARAM)
            h = fnv(h, odt_fleet_field_ptr(f, &fi[k]), f->n * (size_t)fi[k].ncomp * fi[k].elem_size);
    h = fnv(h, ODT_GIT_COMMIT, strlen(ODT_GIT_COMMIT));
    /* catalogues: their bytes (the element sets may change under the same scenario) */
    for (int s = 0; s < sc->n_shells; ++s) {
        if (sc->shells[s].source != ODT_SOURCE_CATALOG)
            continue;
        FILE *cf = fopen(sc->shells[s].path, "rb");
        unsigned char buf[65536];
        size_t got;
        while (cf && (got = fread(buf, 1, sizeof buf, cf)) > 0)
            h = fnv(h, buf, got);
        if (cf)
            fclose(cf);
    }
    h = fnv(h, &m->n_classes, sizeof m->n_classes);
    const double sv[] = {cfg->step.mu_km3_s2, cfg->step.re_km, cfg->step.flattening, cfg->step.eclipse_tol_s,
                         (double)cfg->step.shadow_model, (double)cfg->step.earth_shape, (double)cfg->step.seed,
                         (double)cfg->step.dispatch};
    h = fnv(h, sv, sizeof sv);
    snprintf(out, 24, "%016llx", (unsigned long long)h);
}
