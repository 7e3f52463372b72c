/* geodetic.c: record times in TT, UTC and UT1; GCRS -> ITRS -> WGS-84 geodetic coordinates (ERFA). */
#include "host/geodetic.h"

#include <erfa.h>
#include <erfam.h>
#include <math.h>
#include <stdio.h>

enum odt_status odt_record_time_at(const struct odt_epoch *ep, double t_s, struct odt_record_time *out)
{
    out->tt1 = ep->tt1;
    out->tt2 = ep->tt2 + t_s / ODT_SEC_PER_DAY; /* tt1 is integral (odt_epoch_parse): tt2 keeps the digits */
    out->utc1 = out->utc2 = out->ut11 = out->ut12 = NAN;
    if (!isfinite(out->tt2))
        return ODT_ERR_VALUE;
    double tai1, tai2;
    if (eraTttai(out->tt1, out->tt2, &tai1, &tai2) != 0 || eraTaiutc(tai1, tai2, &out->utc1, &out->utc2) < 0)
        return ODT_ERR_VALUE;
    /* ERFA's "dubious year" warning (+1) still gives a date: the leap-second table ends there */
    if (eraUtcut1(out->utc1, out->utc2, 0.0, &out->ut11, &out->ut12) < 0)
        return ODT_ERR_VALUE;
    return ODT_OK;
}

int odt_record_time_iso(const struct odt_record_time *rt, int ndp, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    int y, mo, d, ihmsf[4];
    if (ndp < 0 || ndp > 9 || eraD2dtf("UTC", ndp, rt->utc1, rt->utc2, &y, &mo, &d, ihmsf) < 0)
        return -1;
    int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, ihmsf[0], ihmsf[1], ihmsf[2]);
    if (n > 0 && ndp > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, ".%0*d", ndp, ihmsf[3]);
    if (n < 0 || (size_t)n >= len) {
        if (len)
            buf[0] = '\0';
        return -1;
    }
    return 0;
}

void odt_gcrs_to_itrs_matrix(const struct odt_record_time *rt, double m[3][3])
{
    eraC2t06a(rt->tt1, rt->tt2, rt->ut11, rt->ut12, 0.0, 0.0, m);
}

enum odt_status odt_itrs_to_geodetic(const double r_itrs_km[3], double *lat_rad, double *lon_rad, double *alt_km)
{
    *lat_rad = *lon_rad = *alt_km = NAN;
    if (!isfinite(r_itrs_km[0]) || !isfinite(r_itrs_km[1]) || !isfinite(r_itrs_km[2]))
        return ODT_ERR_VALUE;
    /* ERFA's ellipsoids are in metres */
    double xyz_m[3] = {r_itrs_km[0] * 1e3, r_itrs_km[1] * 1e3, r_itrs_km[2] * 1e3};
    double elong, phi, height_m;
    if (eraGc2gd(ERFA_WGS84, xyz_m, &elong, &phi, &height_m) != 0 || !isfinite(phi))
        return ODT_ERR_VALUE;
    *lat_rad = phi;
    *lon_rad = elong;
    *alt_km = height_m * 1e-3;
    return ODT_OK;
}

enum odt_status odt_gcrs_to_geodetic(const double m[3][3], const double r_gcrs_km[3], double *lat_rad,
                                     double *lon_rad, double *alt_km)
{
    double r[3];
    for (int i = 0; i < 3; ++i)
        r[i] = m[i][0] * r_gcrs_km[0] + m[i][1] * r_gcrs_km[1] + m[i][2] * r_gcrs_km[2];
    return odt_itrs_to_geodetic(r, lat_rad, lon_rad, alt_km);
}
