/*
 * backend_cpu.c: the OpenMP backend. Satellites are processed in fixed blocks
 * of ODT_CPU_BLOCK; each block's contribution to the fleet series and totals
 * is folded in satellite order and the blocks are combined in block order, so
 * every result is the same on any number of threads.
 */
#include "kernels/backend.h"
#include "kernels/step.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ODT_CPU_BLOCK 2048     /* satellites per reduction block */
#define ODT_CPU_SUB_MAX 64     /* steps per sub-batch at most (bounds the per-block series partials) */

struct odt_backend {
    struct odt_fleet fleet;
    struct odt_sat_class *classes;
    int nc;
    struct odt_step_config step;
    int threads, max_steps, max_series, sub_steps;
    size_t nblocks;
    double *partial;              /* nblocks * ODT_CPU_SUB_MAX * nc * ODT_SV_N, or nblocks * nc * ODT_TV_N */
    size_t partial_len;
    size_t *block_events;         /* events per block at a compaction */
    struct odt_event_row *events; /* compacted rows since the last collect */
    size_t n_events, cap_events;
    int events_taken;             /* the rows were handed out: the next compaction starts a new list */
    int32_t *subset;
    size_t m;
    struct odt_backend_stats st;
    char err[256];
};

void odt_series_init_row(double *row, int nc)
{
    for (int c = 0; c < nc; ++c) {
        double *r = row + (size_t)c * ODT_SV_N;
        for (int k = 0; k < ODT_SV_N_SUMS; ++k)
            r[k] = 0.0;
        for (int k = ODT_SV_N_SUMS; k < ODT_SV_FIRST_MAX; ++k)
            r[k] = HUGE_VAL;
        for (int k = ODT_SV_FIRST_MAX; k < ODT_SV_N; ++k)
            r[k] = -HUGE_VAL;
    }
}

void odt_series_merge(double *dst, const double *src, int nc)
{
    for (int c = 0; c < nc; ++c)
        odt_series_fold(dst + (size_t)c * ODT_SV_N, src + (size_t)c * ODT_SV_N);
}

size_t odt_download_bytes_per_sat(const struct odt_download *req)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    size_t b = 0;
    for (int k = 0; k < req->nfields; ++k) {
        const struct odt_field_info *f = &fi[req->field[k]];
        b += (size_t)f->ncomp * (req->store ? odt_storage_size(req->store[k]) : f->elem_size);
    }
    return b;
}

static int team_size(const struct odt_backend *b, size_t work)
{
    /* no more threads than shares of ~20,000 satellite-steps: a small batch is not worth waking (and
       afterwards spinning) a team for, and the results do not depend on the thread count */
    const size_t shares = (work + 19999) / 20000;
    return shares < (size_t)b->threads ? (int)(shares > 0 ? shares : 1) : b->threads;
}

static enum odt_status cpu_create(struct odt_backend **out, const struct odt_backend_config *cfg, char *err,
                                  size_t errlen)
{
    struct odt_backend *b = calloc(1, sizeof *b);
    if (!b || odt_fleet_alloc(&b->fleet, cfg->n) != ODT_OK ||
        (cfg->n_sgp4 && odt_fleet_alloc_sgp4(&b->fleet, cfg->n_sgp4) != ODT_OK)) {
        if (b)
            odt_fleet_free(&b->fleet);
        free(b);
        snprintf(err, errlen, "cpu backend: out of memory for %zu satellites", cfg->n);
        return ODT_ERR_NOMEM;
    }
    b->nc = cfg->n_classes > 0 ? cfg->n_classes : 1;
    b->nblocks = (cfg->n + ODT_CPU_BLOCK - 1) / ODT_CPU_BLOCK;
    const size_t per_block = (size_t)b->nc * (ODT_CPU_SUB_MAX * ODT_SV_N > ODT_TV_N ? ODT_CPU_SUB_MAX * ODT_SV_N
                                                                                    : ODT_TV_N);
    b->partial_len = (b->nblocks ? b->nblocks : 1) * per_block;
    b->partial = malloc(sizeof(double) * b->partial_len);
    b->block_events = calloc(b->nblocks ? b->nblocks : 1, sizeof *b->block_events);
    b->classes = malloc(sizeof *b->classes * (size_t)b->nc);
    if (!b->partial || !b->block_events || !b->classes) {
        odt_fleet_free(&b->fleet);
        free(b->partial);
        free(b->block_events);
        free(b->classes);
        free(b);
        snprintf(err, errlen, "cpu backend: out of memory");
        return ODT_ERR_NOMEM;
    }
    memcpy(b->classes, cfg->classes, sizeof *b->classes * (size_t)cfg->n_classes);
    b->step = cfg->step;
    b->max_steps = cfg->max_steps;
    b->max_series = cfg->max_series;
    b->sub_steps = cfg->sub_steps > 0 ? cfg->sub_steps : 1;
    if (b->sub_steps > ODT_CPU_SUB_MAX)
        b->sub_steps = ODT_CPU_SUB_MAX;
    b->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    *out = b;
    return ODT_OK;
}

static enum odt_status cpu_upload(struct odt_backend *b, const struct odt_fleet *host)
{
    /* the parameters and the state: the outputs and the event slots are the backend's own (zero at create) */
    odt_fleet_copy(&b->fleet, host, ODT_ROLE_MASK(ODT_FIELD_PARAM) | ODT_ROLE_MASK(ODT_FIELD_STATE));
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (fi[k].role == ODT_FIELD_PARAM || fi[k].role == ODT_FIELD_STATE)
            b->st.bytes_to_backend += (double)host->n * (double)fi[k].ncomp * (double)fi[k].elem_size;
    b->st.bytes_to_backend += (double)host->n_sgp4 * sizeof *host->sgp4;
    return ODT_OK;
}

/* Move the rows of every satellite's event slots into the event list (satellite order) and empty the slots. */
static enum odt_status compact_events(struct odt_backend *b)
{
    const struct odt_fleet *f = &b->fleet;
    const size_t n = f->n;
    if (b->events_taken) {
        b->n_events = 0;
        b->events_taken = 0;
    }
    size_t total = 0;
    const int threads = team_size(b, n / 8);
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : total)
    for (long blk = 0; blk < (long)b->nblocks; ++blk) {
        const size_t i0 = (size_t)blk * ODT_CPU_BLOCK, i1 = i0 + ODT_CPU_BLOCK < n ? i0 + ODT_CPU_BLOCK : n;
        size_t c = 0;
        for (size_t i = i0; i < i1; ++i)
            c += (size_t)f->ev_count[i];
        b->block_events[blk] = c;
        total += c;
    }
    if (total == 0)
        return ODT_OK;
    if (b->n_events + total > b->cap_events) {
        size_t cap = b->cap_events ? b->cap_events : 1024;
        while (cap < b->n_events + total)
            cap *= 2;
        struct odt_event_row *r = realloc(b->events, sizeof *r * cap);
        if (!r) {
            snprintf(b->err, sizeof b->err, "cpu backend: out of memory for %zu event rows", cap);
            return ODT_ERR_NOMEM;
        }
        b->events = r;
        b->cap_events = cap;
    }
    /* exclusive scan of the block counts, then every block writes its rows at its offset */
    size_t at = b->n_events;
    for (size_t blk = 0; blk < b->nblocks; ++blk) {
        const size_t c = b->block_events[blk];
        b->block_events[blk] = at;
        at += c;
    }
    struct odt_event_row *rows = b->events;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long blk = 0; blk < (long)b->nblocks; ++blk) {
        const size_t i0 = (size_t)blk * ODT_CPU_BLOCK, i1 = i0 + ODT_CPU_BLOCK < n ? i0 + ODT_CPU_BLOCK : n;
        size_t q = b->block_events[blk];
        for (size_t i = i0; i < i1; ++i) {
            for (int e = 0; e < f->ev_count[i]; ++e) {
                const size_t s = (size_t)e * n + i;
                struct odt_event_row *r = &rows[q++];
                r->satellite = (int32_t)i;
                r->kind = f->ev_kind[s];
                r->number = f->ev_number[s];
                r->pad_ = 0;
                r->t0_s = f->ev_t0[s];
                r->t1_s = f->ev_t1[s];
            }
            f->ev_count[i] = 0;
        }
    }
    b->n_events = at;
    return ODT_OK;
}

static enum odt_status cpu_advance(struct odt_backend *b, const struct odt_step_input *in, int k, double *series)
{
    if (k > b->max_steps) {
        snprintf(b->err, sizeof b->err, "advance of %d steps exceeds max_steps %d", k, b->max_steps);
        return ODT_ERR_STATE;
    }
    const struct odt_fleet *f = &b->fleet;
    const struct odt_sat_class *cls = b->classes;
    const struct odt_step_config *cfg = &b->step;
    const int nc = b->nc;
    const size_t n = f->n;
    const size_t row = (size_t)nc * ODT_SV_N;
    for (int s = 0; s < k; ++s)
        if (in[s].series_slot >= b->max_series || (in[s].series_slot >= 0 && !series)) {
            snprintf(b->err, sizeof b->err, "series slot %d outside the %d of an advance call", in[s].series_slot,
                     series ? b->max_series : 0);
            return ODT_ERR_STATE;
        }
    if (series) {
        int hi = -1;
        for (int s = 0; s < k; ++s)
            hi = in[s].series_slot > hi ? in[s].series_slot : hi;
        for (int q = 0; q <= hi; ++q)
            odt_series_init_row(series + (size_t)q * row, nc);
    }
    b->st.bytes_to_backend += (double)k * sizeof *in;
    for (int s0 = 0; s0 < k; s0 += b->sub_steps) {
        const int s1 = s0 + b->sub_steps < k ? s0 + b->sub_steps : k;
        /* the distinct slots of the sub-batch (at most its s1 - s0 <= ODT_CPU_SUB_MAX steps, whatever their
           values) are the rows of the per-block partials: local[s - s0] the row of step s, slot_of[q] its slot */
        int slot_of[ODT_CPU_SUB_MAX], local[ODT_CPU_SUB_MAX], nslot = 0;
        for (int s = s0; s < s1; ++s) {
            const int q = in[s].series_slot;
            int j = 0;
            while (q >= 0 && j < nslot && slot_of[j] != q)
                ++j;
            if (q >= 0 && j == nslot)
                slot_of[nslot++] = q;
            local[s - s0] = q >= 0 ? j : -1;
        }
        double *partial = b->partial;
        const int threads = team_size(b, n * (size_t)(s1 - s0));
#pragma omp parallel for schedule(static) num_threads(threads)
        for (long blk = 0; blk < (long)b->nblocks; ++blk) {
            double *pb = partial + (size_t)blk * (size_t)nslot * row;
            for (int q = 0; q < nslot; ++q)
                odt_series_init_row(pb + (size_t)q * row, nc);
            const size_t i0 = (size_t)blk * ODT_CPU_BLOCK, i1 = i0 + ODT_CPU_BLOCK < n ? i0 + ODT_CPU_BLOCK : n;
            for (size_t i = i0; i < i1; ++i) {
                struct odt_sat_work w;
                odt_sat_begin(i, f, cls, &w);
                const int c = f->cls[i];
                for (int s = s0; s < s1; ++s) {
                    odt_sat_step(i, f, cfg, &in[s], &w);
                    if (in[s].series_slot >= 0) {
                        double v[ODT_SV_N];
                        odt_sat_sample(&w, v);
                        odt_series_fold(pb + (size_t)local[s - s0] * row + (size_t)c * ODT_SV_N, v);
                    }
                }
                odt_sat_end(i, f, &w);
            }
        }
        for (size_t blk = 0; blk < b->nblocks; ++blk)
            for (int q = 0; q < nslot; ++q)
                odt_series_merge(series + (size_t)slot_of[q] * row, partial + ((size_t)blk * nslot + q) * row, nc);
        enum odt_status st = compact_events(b);
        if (st != ODT_OK)
            return st;
    }
    if (series) {
        int used = 0;
        for (int s = 0; s < k; ++s)
            used += in[s].series_slot >= 0;
        b->st.bytes_from_backend += (double)used * (double)row * sizeof(double);
    }
    return ODT_OK;
}

static enum odt_status cpu_reduce(struct odt_backend *b, double *totals)
{
    const struct odt_fleet *f = &b->fleet;
    const size_t n = f->n;
    const int nc = b->nc;
    const size_t row = (size_t)nc * ODT_TV_N;
    double *partial = b->partial;
    const int threads = team_size(b, n / 8);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long blk = 0; blk < (long)b->nblocks; ++blk) {
        double *pb = partial + (size_t)blk * row;
        for (size_t q = 0; q < row; ++q)
            pb[q] = 0.0;
        const size_t i0 = (size_t)blk * ODT_CPU_BLOCK, i1 = i0 + ODT_CPU_BLOCK < n ? i0 + ODT_CPU_BLOCK : n;
        for (size_t i = i0; i < i1; ++i) {
            double t[ODT_TV_N];
            odt_sat_totals(i, f, t);
            double *pc = pb + (size_t)f->cls[i] * ODT_TV_N;
            for (int v = 0; v < ODT_TV_N; ++v)
                pc[v] += t[v];
        }
    }
    for (size_t q = 0; q < row; ++q)
        totals[q] = 0.0;
    for (size_t blk = 0; blk < b->nblocks; ++blk)
        for (size_t q = 0; q < row; ++q)
            totals[q] += partial[blk * row + q];
    b->st.bytes_from_backend += (double)row * sizeof(double);
    return ODT_OK;
}

static enum odt_status cpu_close_events(struct odt_backend *b, double t_end_s)
{
    const struct odt_fleet *f = &b->fleet;
    const int threads = team_size(b, f->n / 8);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < (long)f->n; ++i)
        odt_sat_close_intervals((size_t)i, f, &b->step, t_end_s);
    return compact_events(b);
}

static enum odt_status cpu_collect_events(struct odt_backend *b, const struct odt_event_row **rows, size_t *count)
{
    if (b->events_taken)
        b->n_events = 0;
    *rows = b->events;
    *count = b->n_events;
    b->events_taken = 1;
    b->st.bytes_from_backend += (double)b->n_events * sizeof *b->events;
    return ODT_OK;
}

static enum odt_status cpu_set_subset(struct odt_backend *b, const int32_t *idx, size_t m)
{
    int32_t *s = malloc(sizeof *s * (m ? m : 1));
    if (!s) {
        snprintf(b->err, sizeof b->err, "cpu backend: out of memory for a subset of %zu satellites", m);
        return ODT_ERR_NOMEM;
    }
    for (size_t j = 0; j < m; ++j)
        if (idx[j] < 0 || (size_t)idx[j] >= b->fleet.n) {
            free(s);
            snprintf(b->err, sizeof b->err, "subset index %d outside the fleet of %zu", (int)idx[j], b->fleet.n);
            return ODT_ERR_VALUE;
        }
    memcpy(s, idx, sizeof *s * m);
    free(b->subset);
    b->subset = s;
    b->m = m;
    return ODT_OK;
}

static enum odt_status cpu_download(struct odt_backend *b, const struct odt_download *req, void *const *dst)
{
    const double t0 = omp_get_wtime();
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const struct odt_fleet *f = &b->fleet;
    const size_t n = f->n;
    const size_t m = req->subset ? b->m : n;
    const int32_t *sub = req->subset ? b->subset : NULL;
    const int threads = team_size(b, m * (size_t)req->nfields / 4);
    for (int q = 0; q < req->nfields; ++q) {
        const struct odt_field_info *F = &fi[req->field[q]];
        const enum odt_storage st = req->store ? req->store[q] : (F->is_int ? ODT_STORE_I32 : ODT_STORE_F64);
        const int nco = F->ncomp;
        void *out = dst[q];
#pragma omp parallel for schedule(static) num_threads(threads)
        for (long j = 0; j < (long)m; ++j) {
            const size_t i = sub ? (size_t)sub[j] : (size_t)j;
            for (int c = 0; c < nco; ++c)
                odt_field_gather(f, F->offset, F->is_int, nco, st, (size_t)c * n + i, out,
                                 (size_t)j * (size_t)nco + (size_t)c);
        }
    }
    b->st.bytes_from_backend += (double)m * (double)odt_download_bytes_per_sat(req);
    b->st.download_s += omp_get_wtime() - t0;
    return ODT_OK;
}

static enum odt_status cpu_download_wait(struct odt_backend *b)
{
    (void)b;
    return ODT_OK;
}

static void *cpu_host_alloc(struct odt_backend *b, size_t bytes)
{
    (void)b;
    return malloc(bytes ? bytes : 1);
}

static void cpu_host_free(struct odt_backend *b, void *p)
{
    (void)b;
    free(p);
}

static void cpu_stats(const struct odt_backend *b, struct odt_backend_stats *out) { *out = b->st; }

static void cpu_destroy(struct odt_backend *b)
{
    if (!b)
        return;
    odt_fleet_free(&b->fleet);
    free(b->classes);
    free(b->partial);
    free(b->block_events);
    free(b->events);
    free(b->subset);
    free(b);
}

static const char *cpu_last_error(const struct odt_backend *b) { return b->err; }

const struct odt_backend_ops odt_backend_cpu = {
    "cpu",         cpu_create,         cpu_upload,     cpu_advance,   cpu_reduce,
    cpu_close_events, cpu_collect_events, cpu_set_subset, cpu_download, cpu_download_wait,
    cpu_host_alloc, cpu_host_free,     cpu_stats,      cpu_destroy,   cpu_last_error};

#ifndef ODT_HAVE_CUDA
const struct odt_backend_ops *odt_backend_cuda_ops(void) { return NULL; }
int odt_cuda_device_count(char *why, size_t len)
{
    if (why)
        snprintf(why, len, "this build has no CUDA backend");
    return 0;
}
#endif
