/*
 * backend_util.h: what the backend tests (test_backend.c: CPU backend, threads
 * and chunking; test_cuda_parity.c: CPU against CUDA) do the same way through
 * struct odt_backend_ops: look up fields, download fields and whole states
 * exactly, and collect and sort the compacted event rows.
 */
#ifndef ODT_TEST_BACKEND_UTIL_H
#define ODT_TEST_BACKEND_UTIL_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/backend.h"
#include "kernels/fleet.h"

#define ODT_TEST_MAX_FIELDS 128

/* The indices of the fields whose role is in mask (ODT_ROLE_MASK bits), in table order; returns their count. */
static inline int odt_test_fields_of(unsigned mask, int *fld)
{
    int nf, m = 0;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    cr_assert_leq(nf, ODT_TEST_MAX_FIELDS);
    for (int k = 0; k < nf; ++k)
        if (mask & ODT_ROLE_MASK(fi[k].role))
            fld[m++] = k;
    return m;
}

/* The index of the field called name (the test fails if there is none). */
static inline int odt_test_field(const char *name)
{
    const int k = odt_fleet_field_index(name, 0);
    cr_assert_geq(k, 0, "no field %s", name);
    return k;
}

/* Download fields fld[0..nf-1] exactly (each in its C type, all satellites) and store them into out
   component-major, as a fleet keeps them: the download's [i][c] interleaving is undone here. */
static inline void odt_test_download_fields(const struct odt_backend_ops *ops, struct odt_backend *b,
                                            struct odt_fleet *out, const int *fld, int nf)
{
    int nt;
    const struct odt_field_info *fi = odt_fleet_fields(&nt);
    const size_t n = out->n;
    void *dst[ODT_TEST_MAX_FIELDS];
    cr_assert_leq(nf, ODT_TEST_MAX_FIELDS);
    for (int k = 0; k < nf; ++k) {
        dst[k] = ops->host_alloc(b, n * (size_t)fi[fld[k]].ncomp * fi[fld[k]].elem_size);
        cr_assert_not_null(dst[k], "%s host_alloc: %s", ops->name, ops->last_error(b));
    }
    const struct odt_download req = {nf, fld, NULL, 0};
    cr_assert_eq(ops->download(b, &req, dst), ODT_OK, "%s download: %s", ops->name, ops->last_error(b));
    cr_assert_eq(ops->download_wait(b), ODT_OK, "%s download_wait: %s", ops->name, ops->last_error(b));
    for (int k = 0; k < nf; ++k) {
        const struct odt_field_info *F = &fi[fld[k]];
        char *to = odt_fleet_field_ptr(out, F);
        for (size_t i = 0; i < n; ++i)
            for (int c = 0; c < F->ncomp; ++c)
                memcpy(to + ((size_t)c * n + i) * F->elem_size,
                       (const char *)dst[k] + (i * (size_t)F->ncomp + (size_t)c) * F->elem_size, F->elem_size);
        ops->host_free(b, dst[k]);
    }
}

/* A new fleet out: the PARAM fields from init, every STATE and OUT field downloaded from b. */
static inline void odt_test_download_state(const struct odt_backend_ops *ops, struct odt_backend *b,
                                           const struct odt_fleet *init, struct odt_fleet *out)
{
    cr_assert_eq(odt_fleet_alloc(out, init->n), ODT_OK);
    odt_fleet_copy(out, init, ODT_ROLE_MASK(ODT_FIELD_PARAM));
    int fld[ODT_TEST_MAX_FIELDS];
    const int nf = odt_test_fields_of(ODT_ROLE_MASK(ODT_FIELD_STATE) | ODT_ROLE_MASK(ODT_FIELD_OUT), fld);
    odt_test_download_fields(ops, b, out, fld, nf);
}

/* Event rows collected from a backend, in a growing array. */
struct odt_test_events {
    struct odt_event_row *r;
    size_t n, cap;
};

/* Append the rows the backend compacted since its last collect_events. */
static inline void odt_test_take_events(const struct odt_backend_ops *ops, struct odt_backend *b,
                                        struct odt_test_events *L)
{
    const struct odt_event_row *rows = NULL;
    size_t n = 0;
    cr_assert_eq(ops->collect_events(b, &rows, &n), ODT_OK, "%s collect_events: %s", ops->name, ops->last_error(b));
    if (!n)
        return;
    cr_assert_not_null(rows);
    if (L->n + n > L->cap) {
        L->cap = 2 * (L->n + n);
        L->r = realloc(L->r, sizeof *L->r * L->cap);
        cr_assert_not_null(L->r);
    }
    memcpy(L->r + L->n, rows, sizeof *rows * n);
    L->n += n;
}

/* Order of rows by satellite, kind, start, end, number: a total order, so two backends' lists compare row by row. */
static inline int odt_test_cmp_event(const void *pa, const void *pb)
{
    const struct odt_event_row *a = (const struct odt_event_row *)pa, *b = (const struct odt_event_row *)pb;
    if (a->satellite != b->satellite)
        return a->satellite < b->satellite ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->t0_s != b->t0_s)
        return a->t0_s < b->t0_s ? -1 : 1;
    if (a->t1_s != b->t1_s)
        return a->t1_s < b->t1_s ? -1 : 1;
    return (a->number > b->number) - (a->number < b->number);
}

static inline void odt_test_sort_events(struct odt_test_events *L)
{
    if (L->n)
        qsort(L->r, L->n, sizeof *L->r, odt_test_cmp_event);
}

#endif /* ODT_TEST_BACKEND_UTIL_H */
