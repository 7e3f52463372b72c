/*
 * backend.h: the interface every compute backend implements.
 *
 * A backend owns a copy of the fleet (on the host for OpenMP, on the device
 * for CUDA). The host uploads the fleet once, advances it k steps at a time
 * with only the per-step inputs crossing over, and downloads the state and
 * outputs when it writes a snapshot.
 */
#ifndef ODT_BACKEND_H
#define ODT_BACKEND_H

#include "orbit/odt_defs.h"
#include "kernels/fleet.h"

ODT_EXTERN_C_BEGIN

struct odt_backend;

struct odt_backend_config {
    size_t n;                            /* satellites */
    size_t n_sgp4;                       /* SGP4 records among them */
    const struct odt_sat_class *classes; /* class table (copied by create) */
    int n_classes;
    struct odt_step_config step;         /* fleet-wide step settings */
    int max_steps;                       /* largest k passed to advance */
    int threads;                         /* CPU threads (0: the OpenMP default) */
};

struct odt_backend_ops {
    const char *name;
    /* Create a backend for cfg; on failure writes a reason into err. */
    enum odt_status (*create)(struct odt_backend **out, const struct odt_backend_config *cfg, char *err,
                              size_t errlen);
    /* Copy every field of host (n satellites) into the backend. */
    enum odt_status (*upload)(struct odt_backend *b, const struct odt_fleet *host);
    /* Advance every satellite through the k steps in[0..k-1] (k <= max_steps). */
    enum odt_status (*advance)(struct odt_backend *b, const struct odt_step_input *in, int k);
    /* Copy the STATE, OUT and EVENT fields back into host. */
    enum odt_status (*download)(struct odt_backend *b, struct odt_fleet *host);
    void (*destroy)(struct odt_backend *b);
    /* Text of the last failure (empty when none). */
    const char *(*last_error)(const struct odt_backend *b);
};

extern const struct odt_backend_ops odt_backend_cpu;

/* CUDA backend (NULL ops when built without CUDA). */
const struct odt_backend_ops *odt_backend_cuda_ops(void);
/* Number of usable CUDA devices (0 without CUDA, without a driver or without a device);
   when 0, why (if not NULL) receives a short reason. */
int odt_cuda_device_count(char *why, size_t len);

ODT_EXTERN_C_END

#endif /* ODT_BACKEND_H */
