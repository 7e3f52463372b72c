/*
 * backend.h: the interface every compute backend implements.
 *
 * A backend owns the fleet (on the host for OpenMP, on the device for CUDA).
 * The host uploads it once; from then on only O(1) or O(classes) values per
 * step cross the boundary, plus compact event rows:
 *
 *   advance          the step inputs in, the per-step fleet series out
 *                    (rows[series slot][class][enum odt_series_var]);
 *   reduce           the fleet totals per class (enum odt_total_var): what
 *                    dispatch and the summary need, computed in the backend;
 *   collect_events   the eclipse and reliability rows recorded since the last
 *                    call, compacted in the backend;
 *   download         at records and checkpoints only: the fields asked for, of
 *                    the satellites asked for, converted to their storage type
 *                    and interleaved ([satellite][component]) in the backend,
 *                    into host buffers; asynchronous where the backend can
 *                    overlap the copy with the next advance (download_wait).
 *
 * Every reduction is deterministic on the CPU (fixed blocks of satellites
 * combined in order), so results do not depend on the thread count.
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
    int max_series;                      /* largest number of series slots one advance call fills */
    int sub_steps;                       /* steps between two event compactions (ODT_EV_SLOTS never overflow) */
    int threads;                         /* CPU threads (0: the OpenMP default) */
};

/* One masked download: fields of the fleet table, each in a storage type, for all satellites or a subset. */
struct odt_download {
    int nfields;
    const int *field;              /* indices into odt_fleet_fields() */
    const enum odt_storage *store; /* type written into dst[f] per field; NULL: each field's C type (exact) */
    int subset;                    /* 1: only the satellites of set_subset, in its order */
};

/* Bytes that crossed the backend boundary (zero copies on the CPU backend count as host memory traffic). */
struct odt_backend_stats {
    double bytes_to_backend;   /* upload, step inputs */
    double bytes_from_backend; /* series, totals, events, downloads */
    double download_s;         /* time in download and download_wait (gather, convert, copy) */
};

struct odt_backend_ops {
    const char *name;
    /* Create a backend for cfg; on failure writes a reason into err. */
    enum odt_status (*create)(struct odt_backend **out, const struct odt_backend_config *cfg, char *err,
                              size_t errlen);
    /* Copy every field of host (n satellites) into the backend. */
    enum odt_status (*upload)(struct odt_backend *b, const struct odt_fleet *host);
    /* Advance every satellite through in[0..k-1] (k <= max_steps); series (may be NULL when no step has a
       series slot) receives max_series * n_classes * ODT_SV_N doubles, of which the slots used are filled. */
    enum odt_status (*advance)(struct odt_backend *b, const struct odt_step_input *in, int k, double *series);
    /* totals[c * ODT_TV_N + v] for every class c. */
    enum odt_status (*reduce)(struct odt_backend *b, double *totals);
    /* Close every open eclipse interval at t_end_s as an incomplete row (the end of a run). */
    enum odt_status (*close_events)(struct odt_backend *b, double t_end_s);
    /* The event rows recorded since the last call: *rows (owned by the backend, valid until the next call of
       advance, close_events or collect_events: copy them before), *count. Rows are in the backend's order; the
       host sorts them. */
    enum odt_status (*collect_events)(struct odt_backend *b, const struct odt_event_row **rows, size_t *count);
    /* The satellites (indices) a subset download takes, in this order (copied). */
    enum odt_status (*set_subset)(struct odt_backend *b, const int32_t *idx, size_t m);
    /* Start the download of req into dst[f] (each m * ncomp values of its storage type, [i][c]); dst must be
       memory from host_alloc. It may return before the data are there: download_wait. */
    enum odt_status (*download)(struct odt_backend *b, const struct odt_download *req, void *const *dst);
    enum odt_status (*download_wait)(struct odt_backend *b);
    /* Host buffers for downloads (pinned where the backend can use it). */
    void *(*host_alloc)(struct odt_backend *b, size_t bytes);
    void (*host_free)(struct odt_backend *b, void *p);
    void (*stats)(const struct odt_backend *b, struct odt_backend_stats *out);
    void (*destroy)(struct odt_backend *b);
    /* Text of the last failure (empty when none). */
    const char *(*last_error)(const struct odt_backend *b);
};

extern const struct odt_backend_ops odt_backend_cpu;

/* CUDA backend (NULL ops when built without CUDA). */
const struct odt_backend_ops *odt_backend_cuda_ops(void);
/* Number of usable CUDA devices (0 without CUDA, without a driver or without a device);
   when 0, why (if not NULL and len > 0) receives the reason (the CUDA runtime's message). */
int odt_cuda_device_count(char *why, size_t len);

/* odt_download_bytes_per_sat: bytes of one satellite in a download of req (the per-satellite size of dst). */
size_t odt_download_bytes_per_sat(const struct odt_download *req);

/* odt_series_init_row: a series row of nc classes before any satellite contributed (sums 0, min +inf,
   max -inf). */
void odt_series_init_row(double *row, int nc);
/* odt_series_merge: fold row src into dst (nc classes): sums add, minima and maxima combine. */
void odt_series_merge(double *dst, const double *src, int nc);

ODT_EXTERN_C_END

#endif /* ODT_BACKEND_H */
