/*
 * backend_cuda.cu: the CUDA backend. One thread per satellite runs the same
 * odt_sat_begin / odt_sat_step / odt_sat_end the OpenMP backend calls, through
 * the steps of a sub-batch with the satellite's state in registers. The fleet
 * stays on the device; per call only the step inputs go there and the fleet
 * series rows come back.
 *
 * Reductions and compaction use CUB: the series of each step and the totals
 * with cub::BlockReduce over one block's satellites (one reduction per class
 * present in the block), combined across blocks with atomics (so GPU sums are
 * not bitwise reproducible; the parity test compares them with the CPU within
 * a tolerance); the event slots with cub::DeviceScan (exclusive sum of the
 * per-satellite counts) and a scatter. Downloads gather, convert and
 * interleave the requested fields into one of two device staging buffers,
 * then copy to pinned host memory on a second stream, overlapped with the
 * next advance.
 */
#include <cuda_runtime.h>
#include <cub/cub.cuh>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
#include "kernels/backend.h"
}
#include "kernels/step.h"

#define ODT_CUDA_BLOCK 128

struct odt_backend {
    struct odt_fleet dev;            /* device arrays */
    struct odt_sat_class *d_classes;
    struct odt_step_input *d_inputs;
    double *d_series;                /* max_series * nc * ODT_SV_N */
    double *h_series_init;           /* the neutral rows, copied in at each call */
    double *d_totals;                /* nc * ODT_TV_N */
    int *d_offsets;                  /* n + 1: exclusive scan of the event counts */
    void *d_scan_tmp;
    size_t scan_tmp_bytes;
    struct odt_event_row *d_events;  /* compacted rows since the last collect */
    size_t n_events, cap_events;
    struct odt_event_row *h_events;  /* pinned copy handed to the host */
    size_t cap_h_events;
    int32_t *d_subset;
    size_t m;
    void *d_stage[2];                /* download staging buffers */
    size_t stage_bytes[2];
    cudaEvent_t stage_done[2];       /* the copy out of staging buffer s finished */
    int stage_next;
    struct odt_step_config step;
    int nc, max_steps, max_series, sub_steps;
    cudaStream_t stream, copy;
    struct odt_backend_stats st;
    char err[256];
};

#define ODT_CUDA_TRY(b, call)                                                                                   \
    do {                                                                                                        \
        cudaError_t e_ = (call);                                                                                \
        if (e_ != cudaSuccess) {                                                                                \
            snprintf((b)->err, sizeof (b)->err, "CUDA error %s at %s:%d: %s", cudaGetErrorName(e_), __FILE__,   \
                     __LINE__, cudaGetErrorString(e_));                                                        \
            return ODT_ERR_BACKEND;                                                                             \
        }                                                                                                       \
    } while (0)

/* A row of the fleet series (or of the totals) as one value for cub::BlockReduce. */
template <int N> struct odt_row {
    double v[N];
};

struct odt_series_op {
    __device__ odt_row<ODT_SV_N> operator()(const odt_row<ODT_SV_N> &a, const odt_row<ODT_SV_N> &b) const
    {
        odt_row<ODT_SV_N> r = a;
        odt_series_fold(r.v, b.v);
        return r;
    }
};

struct odt_sum_op {
    __device__ odt_row<ODT_TV_N> operator()(const odt_row<ODT_TV_N> &a, const odt_row<ODT_TV_N> &b) const
    {
        odt_row<ODT_TV_N> r;
        for (int k = 0; k < ODT_TV_N; ++k)
            r.v[k] = a.v[k] + b.v[k];
        return r;
    }
};

__device__ static void atomic_min_double(double *at, double v)
{
    unsigned long long *p = (unsigned long long *)at, old = *p, assumed;
    while (v < __longlong_as_double((long long)old)) {
        assumed = old;
        old = atomicCAS(p, assumed, (unsigned long long)__double_as_longlong(v));
        if (old == assumed)
            break;
    }
}

__device__ static void atomic_max_double(double *at, double v)
{
    unsigned long long *p = (unsigned long long *)at, old = *p, assumed;
    while (v > __longlong_as_double((long long)old)) {
        assumed = old;
        old = atomicCAS(p, assumed, (unsigned long long)__double_as_longlong(v));
        if (old == assumed)
            break;
    }
}

/* Fold one block's reduced series row into the global row of class c. */
__device__ static void series_commit(double *row, const odt_row<ODT_SV_N> &r)
{
    for (int k = 0; k < ODT_SV_N_SUMS; ++k)
        if (r.v[k] != 0.0)
            atomicAdd(&row[k], r.v[k]);
    for (int k = ODT_SV_N_SUMS; k < ODT_SV_FIRST_MAX; ++k)
        atomic_min_double(&row[k], r.v[k]);
    for (int k = ODT_SV_FIRST_MAX; k < ODT_SV_N; ++k)
        atomic_max_double(&row[k], r.v[k]);
}

__global__ void odt_advance_kernel(struct odt_fleet f, const struct odt_sat_class *classes,
                                   struct odt_step_config cfg, const struct odt_step_input *in, int s0, int s1,
                                   double *series, int nc)
{
    typedef cub::BlockReduce<odt_row<ODT_SV_N>, ODT_CUDA_BLOCK> reduce_t;
    __shared__ typename reduce_t::TempStorage tmp;
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int valid = i < f.n;
    struct odt_sat_work w;
    int c = 0;
    if (valid) {
        odt_sat_begin(i, &f, classes, &w);
        c = f.cls[i];
    }
    /* the block's classes: one reduction when every satellite of the block has the same one */
    __shared__ int c0;
    if (threadIdx.x == 0)
        c0 = c;
    __syncthreads();
    const int uniform = __syncthreads_and(!valid || c == c0);
    for (int s = s0; s < s1; ++s) {
        if (valid)
            odt_sat_step(i, &f, &cfg, &in[s], &w);
        const int slot = in[s].series_slot;
        if (slot < 0)
            continue; /* the same for every thread: the inputs are shared */
        odt_row<ODT_SV_N> v;
        odt_sat_sample(valid ? &w : NULL, v.v);
        if (uniform) {
            odt_row<ODT_SV_N> r = reduce_t(tmp).Reduce(v, odt_series_op());
            if (threadIdx.x == 0)
                series_commit(series + ((size_t)slot * nc + c0) * ODT_SV_N, r);
            __syncthreads();
        } else {
            for (int k = 0; k < nc; ++k) {
                if (!__syncthreads_or(valid && c == k))
                    continue;
                odt_row<ODT_SV_N> vk;
                odt_sat_sample(valid && c == k ? &w : NULL, vk.v);
                odt_row<ODT_SV_N> r = reduce_t(tmp).Reduce(vk, odt_series_op());
                if (threadIdx.x == 0)
                    series_commit(series + ((size_t)slot * nc + k) * ODT_SV_N, r);
                __syncthreads();
            }
        }
    }
    if (valid)
        odt_sat_end(i, &f, &w);
}

__global__ void odt_totals_kernel(struct odt_fleet f, double *totals, int nc)
{
    typedef cub::BlockReduce<odt_row<ODT_TV_N>, ODT_CUDA_BLOCK> reduce_t;
    __shared__ typename reduce_t::TempStorage tmp;
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const int valid = i < f.n;
    const int c = valid ? f.cls[i] : -1;
    for (int k = 0; k < nc; ++k) {
        if (!__syncthreads_or(c == k))
            continue;
        odt_row<ODT_TV_N> t;
        if (c == k)
            odt_sat_totals(i, &f, t.v);
        else
            for (int q = 0; q < ODT_TV_N; ++q)
                t.v[q] = 0.0;
        odt_row<ODT_TV_N> r = reduce_t(tmp).Reduce(t, odt_sum_op());
        if (threadIdx.x == 0)
            for (int q = 0; q < ODT_TV_N; ++q)
                if (r.v[q] != 0.0)
                    atomicAdd(&totals[(size_t)k * ODT_TV_N + q], r.v[q]);
        __syncthreads();
    }
}

__global__ void odt_close_kernel(struct odt_fleet f, struct odt_step_config cfg, double t_end_s)
{
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < f.n)
        odt_sat_close_intervals(i, &f, &cfg, t_end_s);
}

__global__ void odt_scatter_events_kernel(struct odt_fleet f, const int *offsets, struct odt_event_row *rows)
{
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= f.n)
        return;
    const int count = f.ev_count[i];
    size_t q = (size_t)offsets[i];
    for (int e = 0; e < count; ++e) {
        const size_t s = (size_t)e * f.n + i;
        struct odt_event_row r;
        r.satellite = (int32_t)i;
        r.kind = f.ev_kind[s];
        r.number = f.ev_number[s];
        r.pad_ = 0;
        r.t0_s = f.ev_t0[s];
        r.t1_s = f.ev_t1[s];
        rows[q++] = r;
    }
    f.ev_count[i] = 0;
}

__global__ void odt_gather_kernel(struct odt_fleet f, size_t offset, int is_int, int ncomp, int store,
                                  const int32_t *subset, size_t m, void *out)
{
    const size_t j = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= m)
        return;
    const size_t i = subset ? (size_t)subset[j] : j;
    for (int c = 0; c < ncomp; ++c)
        odt_field_gather(&f, offset, is_int, ncomp, (enum odt_storage)store, (size_t)c * f.n + i, out,
                         j * (size_t)ncomp + (size_t)c);
}

static unsigned grid_for(size_t n) { return (unsigned)((n + ODT_CUDA_BLOCK - 1) / ODT_CUDA_BLOCK); }

static void cuda_release(struct odt_backend *b)
{
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        cudaFree(odt_fleet_field_ptr(&b->dev, &f[k]));
    cudaFree(b->dev.sgp4);
    cudaFree(b->d_classes);
    cudaFree(b->d_inputs);
    cudaFree(b->d_series);
    cudaFree(b->d_totals);
    cudaFree(b->d_offsets);
    cudaFree(b->d_scan_tmp);
    cudaFree(b->d_events);
    cudaFree(b->d_subset);
    cudaFreeHost(b->h_events);
    free(b->h_series_init);
    for (int s = 0; s < 2; ++s) {
        cudaFree(b->d_stage[s]);
        if (b->stage_done[s])
            cudaEventDestroy(b->stage_done[s]);
    }
    if (b->stream)
        cudaStreamDestroy(b->stream);
    if (b->copy)
        cudaStreamDestroy(b->copy);
}

static enum odt_status cuda_create_impl(struct odt_backend *b, const struct odt_backend_config *cfg)
{
    b->dev.n = cfg->n;
    b->nc = cfg->n_classes > 0 ? cfg->n_classes : 1;
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        void *p = NULL;
        const size_t bytes = (cfg->n ? cfg->n : 1) * (size_t)f[k].ncomp * f[k].elem_size;
        ODT_CUDA_TRY(b, cudaMalloc(&p, bytes));
        memcpy((char *)&b->dev + f[k].offset, &p, sizeof p);
        ODT_CUDA_TRY(b, cudaMemset(p, 0, bytes)); /* outputs and event slots start at zero */
    }
    if (cfg->n_sgp4) {
        ODT_CUDA_TRY(b, cudaMalloc(&b->dev.sgp4, sizeof(struct odt_sgp4) * cfg->n_sgp4));
        b->dev.n_sgp4 = cfg->n_sgp4;
    }
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_classes, sizeof(struct odt_sat_class) * (size_t)b->nc));
    ODT_CUDA_TRY(b, cudaMemcpy(b->d_classes, cfg->classes, sizeof(struct odt_sat_class) * (size_t)cfg->n_classes,
                               cudaMemcpyHostToDevice));
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_inputs, sizeof(struct odt_step_input) * (size_t)(cfg->max_steps > 0 ? cfg->max_steps : 1)));
    b->max_series = cfg->max_series > 0 ? cfg->max_series : 0;
    const size_t row = (size_t)b->nc * ODT_SV_N;
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_series, sizeof(double) * row * (size_t)(b->max_series ? b->max_series : 1)));
    b->h_series_init = (double *)malloc(sizeof(double) * row * (size_t)(b->max_series ? b->max_series : 1));
    if (!b->h_series_init) {
        snprintf(b->err, sizeof b->err, "out of host memory");
        return ODT_ERR_NOMEM;
    }
    for (int q = 0; q < (b->max_series ? b->max_series : 1); ++q)
        odt_series_init_row(b->h_series_init + (size_t)q * row, b->nc);
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_totals, sizeof(double) * (size_t)b->nc * ODT_TV_N));
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_offsets, sizeof(int) * (cfg->n + 1)));
    ODT_CUDA_TRY(b, cub::DeviceScan::ExclusiveSum(NULL, b->scan_tmp_bytes, b->dev.ev_count, b->d_offsets,
                                                  (int)(cfg->n ? cfg->n : 1)));
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_scan_tmp, b->scan_tmp_bytes ? b->scan_tmp_bytes : 1));
    ODT_CUDA_TRY(b, cudaStreamCreate(&b->stream));
    ODT_CUDA_TRY(b, cudaStreamCreateWithFlags(&b->copy, cudaStreamNonBlocking));
    for (int s = 0; s < 2; ++s)
        ODT_CUDA_TRY(b, cudaEventCreateWithFlags(&b->stage_done[s], cudaEventDisableTiming));
    b->step = cfg->step;
    b->max_steps = cfg->max_steps;
    b->sub_steps = cfg->sub_steps > 0 ? cfg->sub_steps : 1;
    return ODT_OK;
}

static enum odt_status cuda_create(struct odt_backend **out, const struct odt_backend_config *cfg, char *err,
                                   size_t errlen)
{
    struct odt_backend *b = (struct odt_backend *)calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "cuda backend: out of host memory");
        return ODT_ERR_NOMEM;
    }
    enum odt_status st = cuda_create_impl(b, cfg);
    if (st != ODT_OK) {
        snprintf(err, errlen, "cuda backend: %s", b->err);
        cuda_release(b);
        free(b);
        return st;
    }
    *out = b;
    return ODT_OK;
}

static enum odt_status cuda_upload(struct odt_backend *b, const struct odt_fleet *host)
{
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        if (f[k].role != ODT_FIELD_PARAM && f[k].role != ODT_FIELD_STATE)
            continue; /* the outputs and the event slots are the backend's own */
        const size_t bytes = host->n * (size_t)f[k].ncomp * f[k].elem_size;
        ODT_CUDA_TRY(b, cudaMemcpyAsync(odt_fleet_field_ptr(&b->dev, &f[k]), odt_fleet_field_ptr(host, &f[k]), bytes,
                                        cudaMemcpyHostToDevice, b->stream));
        b->st.bytes_to_backend += (double)bytes;
    }
    if (host->n_sgp4) {
        ODT_CUDA_TRY(b, cudaMemcpyAsync(b->dev.sgp4, host->sgp4, sizeof(struct odt_sgp4) * host->n_sgp4,
                                        cudaMemcpyHostToDevice, b->stream));
        b->st.bytes_to_backend += (double)(sizeof(struct odt_sgp4) * host->n_sgp4);
    }
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    return ODT_OK;
}

/* Compact the event slots into d_events (satellite order) and empty them. */
static enum odt_status compact_events(struct odt_backend *b)
{
    const size_t n = b->dev.n;
    if (n == 0)
        return ODT_OK;
    ODT_CUDA_TRY(b, cub::DeviceScan::ExclusiveSum(b->d_scan_tmp, b->scan_tmp_bytes, b->dev.ev_count, b->d_offsets,
                                                  (int)n, b->stream));
    int last[2];
    ODT_CUDA_TRY(b, cudaMemcpyAsync(&last[0], b->d_offsets + n - 1, sizeof(int), cudaMemcpyDeviceToHost, b->stream));
    ODT_CUDA_TRY(b, cudaMemcpyAsync(&last[1], b->dev.ev_count + n - 1, sizeof(int), cudaMemcpyDeviceToHost, b->stream));
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    b->st.bytes_from_backend += 2.0 * sizeof(int);
    const size_t total = (size_t)last[0] + (size_t)last[1];
    if (total == 0)
        return ODT_OK;
    if (b->n_events + total > b->cap_events) {
        size_t cap = b->cap_events ? b->cap_events : 4096;
        while (cap < b->n_events + total)
            cap *= 2;
        struct odt_event_row *r = NULL;
        ODT_CUDA_TRY(b, cudaMalloc(&r, sizeof *r * cap));
        if (b->n_events)
            ODT_CUDA_TRY(b, cudaMemcpyAsync(r, b->d_events, sizeof *r * b->n_events, cudaMemcpyDeviceToDevice,
                                            b->stream));
        ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
        cudaFree(b->d_events);
        b->d_events = r;
        b->cap_events = cap;
    }
    odt_scatter_events_kernel<<<grid_for(n), ODT_CUDA_BLOCK, 0, b->stream>>>(b->dev, b->d_offsets,
                                                                             b->d_events + b->n_events);
    ODT_CUDA_TRY(b, cudaGetLastError());
    b->n_events += total;
    return ODT_OK;
}

static enum odt_status cuda_advance(struct odt_backend *b, const struct odt_step_input *in, int k, double *series)
{
    if (k > b->max_steps) {
        snprintf(b->err, sizeof b->err, "advance of %d steps exceeds max_steps %d", k, b->max_steps);
        return ODT_ERR_STATE;
    }
    int hi = -1;
    for (int s = 0; s < k; ++s) {
        if (in[s].series_slot >= b->max_series || (in[s].series_slot >= 0 && !series)) {
            snprintf(b->err, sizeof b->err, "series slot %d outside the %d of an advance call", in[s].series_slot,
                     series ? b->max_series : 0);
            return ODT_ERR_STATE;
        }
        hi = in[s].series_slot > hi ? in[s].series_slot : hi;
    }
    const size_t row = (size_t)b->nc * ODT_SV_N;
    if (k <= 0 || b->dev.n == 0) {
        /* no satellite: the rows asked for are the neutral ones, as on the CPU */
        if (hi >= 0)
            memcpy(series, b->h_series_init, sizeof(double) * row * (size_t)(hi + 1));
        return ODT_OK;
    }
    ODT_CUDA_TRY(b, cudaMemcpyAsync(b->d_inputs, in, sizeof(struct odt_step_input) * (size_t)k,
                                    cudaMemcpyHostToDevice, b->stream));
    b->st.bytes_to_backend += (double)k * sizeof *in;
    if (hi >= 0) {
        ODT_CUDA_TRY(b, cudaMemcpyAsync(b->d_series, b->h_series_init, sizeof(double) * row * (size_t)(hi + 1),
                                        cudaMemcpyHostToDevice, b->stream));
        b->st.bytes_to_backend += (double)(sizeof(double) * row * (size_t)(hi + 1));
    }
    for (int s0 = 0; s0 < k; s0 += b->sub_steps) {
        const int s1 = s0 + b->sub_steps < k ? s0 + b->sub_steps : k;
        odt_advance_kernel<<<grid_for(b->dev.n), ODT_CUDA_BLOCK, 0, b->stream>>>(
            b->dev, b->d_classes, b->step, b->d_inputs, s0, s1, b->d_series, b->nc);
        ODT_CUDA_TRY(b, cudaGetLastError());
        enum odt_status st = compact_events(b);
        if (st != ODT_OK)
            return st;
    }
    if (hi >= 0) {
        ODT_CUDA_TRY(b, cudaMemcpyAsync(series, b->d_series, sizeof(double) * row * (size_t)(hi + 1),
                                        cudaMemcpyDeviceToHost, b->stream));
        b->st.bytes_from_backend += (double)(sizeof(double) * row * (size_t)(hi + 1));
    }
    /* the inputs buffer is reused by the next call: wait until this launch has read it */
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    return ODT_OK;
}

static enum odt_status cuda_reduce(struct odt_backend *b, double *totals)
{
    const size_t bytes = sizeof(double) * (size_t)b->nc * ODT_TV_N;
    ODT_CUDA_TRY(b, cudaMemsetAsync(b->d_totals, 0, bytes, b->stream));
    if (b->dev.n)
        odt_totals_kernel<<<grid_for(b->dev.n), ODT_CUDA_BLOCK, 0, b->stream>>>(b->dev, b->d_totals, b->nc);
    ODT_CUDA_TRY(b, cudaGetLastError());
    ODT_CUDA_TRY(b, cudaMemcpyAsync(totals, b->d_totals, bytes, cudaMemcpyDeviceToHost, b->stream));
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    b->st.bytes_from_backend += (double)bytes;
    return ODT_OK;
}

static enum odt_status cuda_close_events(struct odt_backend *b, double t_end_s)
{
    if (b->dev.n)
        odt_close_kernel<<<grid_for(b->dev.n), ODT_CUDA_BLOCK, 0, b->stream>>>(b->dev, b->step, t_end_s);
    ODT_CUDA_TRY(b, cudaGetLastError());
    return compact_events(b);
}

static enum odt_status cuda_collect_events(struct odt_backend *b, const struct odt_event_row **rows, size_t *count)
{
    if (b->n_events > b->cap_h_events) {
        cudaFreeHost(b->h_events);
        b->h_events = NULL;
        b->cap_h_events = 0;
        ODT_CUDA_TRY(b, cudaMallocHost(&b->h_events, sizeof *b->h_events * b->n_events));
        b->cap_h_events = b->n_events;
    }
    if (b->n_events)
        ODT_CUDA_TRY(b, cudaMemcpyAsync(b->h_events, b->d_events, sizeof *b->h_events * b->n_events,
                                        cudaMemcpyDeviceToHost, b->stream));
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    b->st.bytes_from_backend += (double)(sizeof *b->h_events * b->n_events);
    *rows = b->h_events;
    *count = b->n_events;
    b->n_events = 0;
    return ODT_OK;
}

static enum odt_status cuda_set_subset(struct odt_backend *b, const int32_t *idx, size_t m)
{
    for (size_t j = 0; j < m; ++j)
        if (idx[j] < 0 || (size_t)idx[j] >= b->dev.n) {
            snprintf(b->err, sizeof b->err, "subset index %d outside the fleet of %zu", (int)idx[j], b->dev.n);
            return ODT_ERR_VALUE;
        }
    cudaFree(b->d_subset);
    b->d_subset = NULL;
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_subset, sizeof(int32_t) * (m ? m : 1)));
    ODT_CUDA_TRY(b, cudaMemcpy(b->d_subset, idx, sizeof(int32_t) * m, cudaMemcpyHostToDevice));
    b->st.bytes_to_backend += (double)(sizeof(int32_t) * m);
    b->m = m;
    return ODT_OK;
}

static enum odt_status cuda_download(struct odt_backend *b, const struct odt_download *req, void *const *dst)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const size_t m = req->subset ? b->m : b->dev.n;
    const size_t total = m * odt_download_bytes_per_sat(req);
    const int s = b->stage_next;
    b->stage_next ^= 1;
    /* the copy out of this staging buffer two downloads ago must be over before the gathers overwrite it */
    ODT_CUDA_TRY(b, cudaEventSynchronize(b->stage_done[s]));
    if (total > b->stage_bytes[s]) {
        cudaFree(b->d_stage[s]);
        b->d_stage[s] = NULL;
        b->stage_bytes[s] = 0;
        ODT_CUDA_TRY(b, cudaMalloc(&b->d_stage[s], total));
        b->stage_bytes[s] = total;
    }
    size_t at = 0;
    for (int q = 0; q < req->nfields; ++q) {
        const struct odt_field_info *F = &fi[req->field[q]];
        const enum odt_storage st = req->store ? req->store[q] : (F->is_int ? ODT_STORE_I32 : ODT_STORE_F64);
        const size_t bytes = m * (size_t)F->ncomp * (req->store ? odt_storage_size(st) : F->elem_size);
        if (m)
            odt_gather_kernel<<<grid_for(m), ODT_CUDA_BLOCK, 0, b->stream>>>(
                b->dev, F->offset, F->is_int, F->ncomp, (int)st, req->subset ? b->d_subset : NULL, m,
                (char *)b->d_stage[s] + at);
        ODT_CUDA_TRY(b, cudaGetLastError());
        at += bytes;
    }
    /* the copies wait for the gathers (compute stream), then run beside the next advance */
    cudaEvent_t gathered;
    ODT_CUDA_TRY(b, cudaEventCreateWithFlags(&gathered, cudaEventDisableTiming));
    ODT_CUDA_TRY(b, cudaEventRecord(gathered, b->stream));
    ODT_CUDA_TRY(b, cudaStreamWaitEvent(b->copy, gathered, 0));
    cudaEventDestroy(gathered);
    at = 0;
    for (int q = 0; q < req->nfields; ++q) {
        const struct odt_field_info *F = &fi[req->field[q]];
        const size_t bytes =
            m * (size_t)F->ncomp * (req->store ? odt_storage_size(req->store[q]) : F->elem_size);
        if (bytes)
            ODT_CUDA_TRY(b, cudaMemcpyAsync(dst[q], (char *)b->d_stage[s] + at, bytes, cudaMemcpyDeviceToHost, b->copy));
        at += bytes;
    }
    ODT_CUDA_TRY(b, cudaEventRecord(b->stage_done[s], b->copy));
    b->st.bytes_from_backend += (double)total;
    return ODT_OK;
}

static enum odt_status cuda_download_wait(struct odt_backend *b)
{
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->copy));
    return ODT_OK;
}

static void *cuda_host_alloc(struct odt_backend *b, size_t bytes)
{
    void *p = NULL;
    if (cudaMallocHost(&p, bytes ? bytes : 1) != cudaSuccess) {
        cudaGetLastError();
        snprintf(b->err, sizeof b->err, "cannot allocate %zu bytes of pinned host memory", bytes);
        return NULL;
    }
    return p;
}

static void cuda_host_free(struct odt_backend *b, void *p)
{
    (void)b;
    if (p)
        cudaFreeHost(p);
}

static void cuda_stats(const struct odt_backend *b, struct odt_backend_stats *out) { *out = b->st; }

static void cuda_destroy(struct odt_backend *b)
{
    if (!b)
        return;
    if (b->copy)
        cudaStreamSynchronize(b->copy);
    cuda_release(b);
    free(b);
}

static const char *cuda_last_error(const struct odt_backend *b) { return b->err; }

static const struct odt_backend_ops odt_backend_cuda = {
    "cuda",           cuda_create,         cuda_upload,     cuda_advance,  cuda_reduce,
    cuda_close_events, cuda_collect_events, cuda_set_subset, cuda_download, cuda_download_wait,
    cuda_host_alloc,  cuda_host_free,      cuda_stats,      cuda_destroy,  cuda_last_error};

extern "C" const struct odt_backend_ops *odt_backend_cuda_ops(void) { return &odt_backend_cuda; }

extern "C" int odt_cuda_device_count(char *why, size_t len)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        /* the runtime's own words (e.g. "CUDA driver version is insufficient for CUDA runtime version"
           where no driver is installed); the caller decides whether they are worth showing */
        if (why && len)
            snprintf(why, len, "cudaGetDeviceCount: %s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
        cudaGetLastError(); /* clear the error so later calls start clean */
        return 0;
    }
    if (count == 0 && why && len)
        snprintf(why, len, "cudaGetDeviceCount: no CUDA device found");
    return count;
}
