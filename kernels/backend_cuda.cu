/*
 * backend_cuda.cu: the CUDA backend. One thread per satellite runs
 * odt_sat_advance, the same function the OpenMP backend calls, through all k
 * steps of a launch with the satellite's state in registers. Only the k step
 * inputs go to the device per launch; fleet state stays there between
 * snapshots.
 */
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
#include "kernels/backend.h"
}
#include "kernels/step.h"

struct odt_backend {
    struct odt_fleet dev;            /* device arrays */
    struct odt_sat_class *d_classes;
    struct odt_step_input *d_inputs;
    struct odt_step_config step;
    int max_steps;
    cudaStream_t stream;
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

__global__ void odt_advance_kernel(struct odt_fleet f, const struct odt_sat_class *classes,
                                   struct odt_step_config cfg, const struct odt_step_input *in, int k)
{
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < f.n)
        odt_sat_advance(i, &f, classes, &cfg, in, k);
}

static void cuda_release(struct odt_backend *b)
{
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        cudaFree(odt_fleet_field_ptr(&b->dev, &f[k]));
    cudaFree(b->dev.sgp4);
    cudaFree(b->d_classes);
    cudaFree(b->d_inputs);
    if (b->stream)
        cudaStreamDestroy(b->stream);
}

static enum odt_status cuda_create_impl(struct odt_backend *b, const struct odt_backend_config *cfg)
{
    b->dev.n = cfg->n;
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        void *p = NULL;
        ODT_CUDA_TRY(b, cudaMalloc(&p, (cfg->n ? cfg->n : 1) * (size_t)f[k].ncomp * f[k].elem_size));
        memcpy((char *)&b->dev + f[k].offset, &p, sizeof p);
    }
    if (cfg->n_sgp4) {
        ODT_CUDA_TRY(b, cudaMalloc(&b->dev.sgp4, sizeof(struct odt_sgp4) * cfg->n_sgp4));
        b->dev.n_sgp4 = cfg->n_sgp4;
    }
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_classes, sizeof(struct odt_sat_class) * (size_t)cfg->n_classes));
    ODT_CUDA_TRY(b, cudaMemcpy(b->d_classes, cfg->classes, sizeof(struct odt_sat_class) * (size_t)cfg->n_classes,
                               cudaMemcpyHostToDevice));
    ODT_CUDA_TRY(b, cudaMalloc(&b->d_inputs, sizeof(struct odt_step_input) * (size_t)cfg->max_steps));
    ODT_CUDA_TRY(b, cudaStreamCreate(&b->stream));
    b->step = cfg->step;
    b->max_steps = cfg->max_steps;
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

static enum odt_status cuda_copy(struct odt_backend *b, struct odt_fleet *dst, const struct odt_fleet *src,
                                 unsigned role_mask, cudaMemcpyKind kind)
{
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (role_mask & (1u << f[k].role))
            ODT_CUDA_TRY(b, cudaMemcpyAsync(odt_fleet_field_ptr(dst, &f[k]), odt_fleet_field_ptr(src, &f[k]),
                                            src->n * (size_t)f[k].ncomp * f[k].elem_size, kind, b->stream));
    if ((role_mask & (1u << ODT_FIELD_PARAM)) && src->n_sgp4)
        ODT_CUDA_TRY(b, cudaMemcpyAsync(dst->sgp4, src->sgp4, sizeof(struct odt_sgp4) * src->n_sgp4, kind, b->stream));
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    return ODT_OK;
}

static enum odt_status cuda_upload(struct odt_backend *b, const struct odt_fleet *host)
{
    return cuda_copy(b, &b->dev, host, ODT_ROLES_ALL, cudaMemcpyHostToDevice);
}

static enum odt_status cuda_advance(struct odt_backend *b, const struct odt_step_input *in, int k)
{
    if (k > b->max_steps) {
        snprintf(b->err, sizeof b->err, "advance of %d steps exceeds max_steps %d", k, b->max_steps);
        return ODT_ERR_STATE;
    }
    if (k <= 0 || b->dev.n == 0)
        return ODT_OK;
    ODT_CUDA_TRY(b, cudaMemcpyAsync(b->d_inputs, in, sizeof(struct odt_step_input) * (size_t)k,
                                    cudaMemcpyHostToDevice, b->stream));
    const int threads = 128;
    const unsigned blocks = (unsigned)((b->dev.n + threads - 1) / threads);
    odt_advance_kernel<<<blocks, threads, 0, b->stream>>>(b->dev, b->d_classes, b->step, b->d_inputs, k);
    ODT_CUDA_TRY(b, cudaGetLastError());
    /* the inputs buffer is reused by the next call: wait until this launch has read it */
    ODT_CUDA_TRY(b, cudaStreamSynchronize(b->stream));
    return ODT_OK;
}

static enum odt_status cuda_download(struct odt_backend *b, struct odt_fleet *host)
{
    return cuda_copy(b, host, &b->dev, ODT_ROLES_RESULTS, cudaMemcpyDeviceToHost);
}

static void cuda_destroy(struct odt_backend *b)
{
    if (!b)
        return;
    cuda_release(b);
    free(b);
}

static const char *cuda_last_error(const struct odt_backend *b) { return b->err; }

static const struct odt_backend_ops odt_backend_cuda = {"cuda",        cuda_create,  cuda_upload,   cuda_advance,
                                                        cuda_download, cuda_destroy, cuda_last_error};

extern "C" const struct odt_backend_ops *odt_backend_cuda_ops(void) { return &odt_backend_cuda; }

extern "C" int odt_cuda_device_count(char *why, size_t len)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        if (why)
            snprintf(why, len, "%s", cudaGetErrorString(e));
        cudaGetLastError(); /* clear the sticky-free error so later calls start clean */
        return 0;
    }
    if (count == 0 && why)
        snprintf(why, len, "no CUDA device found");
    return count;
}
