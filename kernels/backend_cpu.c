/* backend_cpu.c: the OpenMP backend, a loop over odt_sat_advance. */
#include "kernels/backend.h"
#include "kernels/step.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct odt_backend {
    struct odt_fleet fleet;
    struct odt_sat_class *classes;
    struct odt_step_config step;
    int threads;
    int max_steps;
    char err[256];
};

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
    b->classes = malloc(sizeof *b->classes * (size_t)(cfg->n_classes > 0 ? cfg->n_classes : 1));
    if (!b->classes) {
        odt_fleet_free(&b->fleet);
        free(b);
        snprintf(err, errlen, "cpu backend: out of memory");
        return ODT_ERR_NOMEM;
    }
    memcpy(b->classes, cfg->classes, sizeof *b->classes * (size_t)cfg->n_classes);
    b->step = cfg->step;
    b->max_steps = cfg->max_steps;
    b->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    *out = b;
    return ODT_OK;
}

static enum odt_status cpu_upload(struct odt_backend *b, const struct odt_fleet *host)
{
    odt_fleet_copy(&b->fleet, host, ODT_ROLES_ALL);
    return ODT_OK;
}

static enum odt_status cpu_advance(struct odt_backend *b, const struct odt_step_input *in, int k)
{
    if (k > b->max_steps) {
        snprintf(b->err, sizeof b->err, "advance of %d steps exceeds max_steps %d", k, b->max_steps);
        return ODT_ERR_STATE;
    }
    const struct odt_fleet *f = &b->fleet;
    const struct odt_sat_class *cls = b->classes;
    const struct odt_step_config *cfg = &b->step;
    const long n = (long)f->n;
    /* no more threads than shares of ~20,000 satellite-steps: a small batch is not worth waking (and
       afterwards spinning) a team for, and the results do not depend on the thread count */
    const long shares = (n * (long)k + 19999) / 20000;
    const int threads = shares < b->threads ? (int)(shares > 0 ? shares : 1) : b->threads;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < n; ++i)
        odt_sat_advance((size_t)i, f, cls, cfg, in, k);
    return ODT_OK;
}

static enum odt_status cpu_download(struct odt_backend *b, struct odt_fleet *host)
{
    odt_fleet_copy(host, &b->fleet, ODT_ROLES_RESULTS);
    return ODT_OK;
}

static void cpu_destroy(struct odt_backend *b)
{
    if (!b)
        return;
    odt_fleet_free(&b->fleet);
    free(b->classes);
    free(b);
}

static const char *cpu_last_error(const struct odt_backend *b) { return b->err; }

const struct odt_backend_ops odt_backend_cpu = {"cpu",        cpu_create,  cpu_upload,    cpu_advance,
                                                cpu_download, cpu_destroy, cpu_last_error};

#ifndef ODT_HAVE_CUDA
const struct odt_backend_ops *odt_backend_cuda_ops(void) { return NULL; }
int odt_cuda_device_count(char *why, size_t len)
{
    if (why)
        snprintf(why, len, "this build has no CUDA backend");
    return 0;
}
#endif
