/* fleet.c: the field table and host allocation derived from ODT_FLEET_FIELDS. */
#include "kernels/fleet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ODT_X_INFO(name, type, nc, units, desc, role, store, rec)                                                \
    {#name, units, desc, sizeof(type), nc, sizeof(type) == sizeof(int32_t), role, offsetof(struct odt_fleet, name), \
     store, rec},
static const struct odt_field_info odt_field_table[] = {ODT_FLEET_FIELDS(ODT_X_INFO)};
#undef ODT_X_INFO

const struct odt_field_info *odt_fleet_fields(int *count)
{
    *count = (int)(sizeof odt_field_table / sizeof odt_field_table[0]);
    return odt_field_table;
}

int odt_fleet_field_index(const char *name, size_t len)
{
    if (!len)
        len = strlen(name);
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (strlen(f[k].name) == len && memcmp(f[k].name, name, len) == 0)
            return k;
    return -1;
}

void *odt_fleet_field_ptr(const struct odt_fleet *fl, const struct odt_field_info *f)
{
    void *p;
    memcpy(&p, (const char *)fl + f->offset, sizeof p);
    return p;
}

enum odt_status odt_fleet_alloc(struct odt_fleet *fl, size_t n)
{
    memset(fl, 0, sizeof *fl);
    fl->n = n;
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k) {
        void *p = calloc(n ? n * (size_t)f[k].ncomp : 1, f[k].elem_size);
        if (!p) {
            odt_fleet_free(fl);
            return ODT_ERR_NOMEM;
        }
        memcpy((char *)fl + f[k].offset, &p, sizeof p);
    }
    for (size_t i = 0; i < n; ++i) { /* unless told otherwise: one satellite each, in orbit from the epoch on */
        fl->weight[i] = 1.0;
        fl->retire_time[i] = HUGE_VAL;
        fl->battery_health[i] = 1.0;
    }
    return ODT_OK;
}

enum odt_status odt_fleet_alloc_sgp4(struct odt_fleet *fl, size_t n_sgp4)
{
    free(fl->sgp4);
    fl->sgp4 = calloc(n_sgp4 ? n_sgp4 : 1, sizeof *fl->sgp4);
    fl->n_sgp4 = fl->sgp4 ? n_sgp4 : 0;
    return fl->sgp4 ? ODT_OK : ODT_ERR_NOMEM;
}

void odt_fleet_free(struct odt_fleet *fl)
{
    free(fl->sgp4);
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        free(odt_fleet_field_ptr(fl, &f[k]));
    memset(fl, 0, sizeof *fl);
}

void odt_fleet_copy(struct odt_fleet *dst, const struct odt_fleet *src, unsigned role_mask)
{
    int nf;
    const struct odt_field_info *f = odt_fleet_fields(&nf);
    for (int k = 0; k < nf; ++k)
        if (role_mask & (1u << f[k].role))
            memcpy(odt_fleet_field_ptr(dst, &f[k]), odt_fleet_field_ptr(src, &f[k]),
                   src->n * (size_t)f[k].ncomp * f[k].elem_size);
    if ((role_mask & (1u << ODT_FIELD_PARAM)) && src->n_sgp4 && dst->sgp4)
        memcpy(dst->sgp4, src->sgp4, sizeof *src->sgp4 * src->n_sgp4);
}
