/* ephem.c: ERFA-based epoch parsing, Sun vector and Earth rotation angle. */
#include "host/ephem.h"

#include <erfa.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum odt_status odt_epoch_parse(const char *text, struct odt_epoch *ep, char *err, size_t errlen)
{
    memset(ep, 0, sizeof *ep);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
    double s = 0.0;
    char sep = 0;
    int n = sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &consumed);
    if (n != 3) {
        snprintf(err, errlen, "epoch '%s' is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS[.fff]Z)", text);
        return ODT_ERR_VALUE;
    }
    const char *rest = text + consumed;
    if (*rest) {
        int c2 = 0;
        if (sscanf(rest, "%c%2d:%2d:%lf%n", &sep, &h, &mi, &s, &c2) != 4 || (sep != 'T' && sep != ' ')) {
            snprintf(err, errlen, "epoch '%s': time of day must follow as THH:MM:SS[.fff]", text);
            return ODT_ERR_VALUE;
        }
        rest += c2;
        if (*rest == 'Z')
            ++rest;
        if (*rest) {
            snprintf(err, errlen, "epoch '%s': unexpected text '%s' (only UTC, written Z or nothing, is accepted)",
                     text, rest);
            return ODT_ERR_VALUE;
        }
    }
    if (y < 1957 || y > 2200) {
        snprintf(err, errlen, "epoch '%s': year %d outside 1957..2200", text, y);
        return ODT_ERR_VALUE;
    }
    double u1, u2;
    int st = eraDtf2d("UTC", y, mo, d, h, mi, s, &u1, &u2);
    if (st < 0) {
        snprintf(err, errlen, "epoch '%s' is not a valid UTC date and time", text);
        return ODT_ERR_VALUE;
    }
    double a1, a2, t1, t2;
    if (eraUtctai(u1, u2, &a1, &a2) < 0 || eraTaitt(a1, a2, &t1, &t2) != 0) {
        snprintf(err, errlen, "epoch '%s': cannot convert UTC to TT", text);
        return ODT_ERR_VALUE;
    }
    ep->year = y, ep->month = mo, ep->day = d, ep->hour = h, ep->minute = mi, ep->second = s;
    ep->utc1 = u1, ep->utc2 = u2;
    /* keep the large part integral so that adding t/86400 to the small part loses nothing */
    ep->tt1 = floor(t1 + t2);
    ep->tt2 = (t1 - ep->tt1) + t2;
    /* TT - UTC = 32.184 s + TAI - UTC; not a difference of the two dates, which ERFA stretches to
       86401 s on a day that ends with a leap second */
    double dat;
    eraDat(y, mo, d, (h * 3600.0 + mi * 60.0 + s) / ODT_SEC_PER_DAY, &dat);
    ep->tt_utc_s = 32.184 + dat;
    odt_epoch_utc_string(ep, 0.0, ep->iso, sizeof ep->iso);
    return ODT_OK;
}

void odt_teme_to_gcrs(double tt1, double tt2, double tt_utc_s, const double rc2i[3][3], double m[3][3])
{
    const double ut2 = tt2 - tt_utc_s / ODT_SEC_PER_DAY; /* UT1 = UTC */
    const double gmst = eraGmst82(tt1, ut2);
    const double era = eraEra00(tt1, ut2);
    double rz[3][3], rt[3][3];
    eraIr(rz);
    eraRz(gmst - era, rz);
    eraTr((double(*)[3])rc2i, rt);
    eraRxr(rt, rz, m);
}

/* The geocentric Sun (unit vector, distance km) at TT two-part date (tt1, tt2). */
static void sun_at(double tt1, double tt2, double unit[3], double *dist_km)
{
    double pvh[2][3], pvb[2][3];
    eraEpv00(tt1, tt2, pvh, pvb); /* TDB ~ TT to 2 ms: negligible here */
    const double dist_au = sqrt(pvh[0][0] * pvh[0][0] + pvh[0][1] * pvh[0][1] + pvh[0][2] * pvh[0][2]);
    for (int k = 0; k < 3; ++k)
        unit[k] = -pvh[0][k] / dist_au;
    *dist_km = dist_au * ODT_AU_KM;
}

/* Earth rotation angle and the TEME rotation at t_s, with the Sun and rc2i given. */
static void fill_one(const struct odt_epoch *ep, double t_s, double dt_s, const double sun[3], double dist_km,
                     const double rc2i[3][3], struct odt_step_input *out)
{
    const double tt2 = ep->tt2 + t_s / ODT_SEC_PER_DAY;
    out->t_s = t_s;
    out->dt_s = dt_s;
    /* the step's index from its end time (the random-number counter); no demand unless the run sets it */
    out->step_index = dt_s > 0.0 ? (int64_t)nearbyint(t_s / dt_s) - 1 : 0;
    out->demand_factor = 0.0;
    out->dispatch_update = 0;
    out->init_events = 0;
    out->series_slot = -1;
    out->pad_ = 0;
    for (int k = 0; k < 3; ++k)
        out->sun_unit[k] = out->sun_unit_prev[k] = sun[k];
    out->sun_dist_km = out->sun_dist_prev_km = dist_km;
    /* UT1 = UTC (DUT1 neglected) = TT - (TT - UTC at the epoch) */
    out->era_rad = eraEra00(ep->tt1, tt2 - ep->tt_utc_s / ODT_SEC_PER_DAY);
    odt_teme_to_gcrs(ep->tt1, tt2, ep->tt_utc_s, rc2i, out->teme_to_gcrs);
}

void odt_step_input_at(const struct odt_epoch *ep, double t_s, double dt_s, struct odt_step_input *out)
{
    const double tt2 = ep->tt2 + t_s / ODT_SEC_PER_DAY;
    double rc2i[3][3], sun[3], dist;
    eraC2i06a(ep->tt1, tt2, rc2i);
    sun_at(ep->tt1, tt2, sun, &dist);
    fill_one(ep, t_s, dt_s, sun, dist, (const double(*)[3])rc2i, out);
    if (dt_s > 0.0)
        sun_at(ep->tt1, tt2 - dt_s / ODT_SEC_PER_DAY, out->sun_unit_prev, &out->sun_dist_prev_km);
}

void odt_step_inputs_fill(const struct odt_epoch *ep, double t0_s, double dt_s, int k, struct odt_step_input *out)
{
    /* exact Sun at the batch's ends, interpolated between (see ephem.h) */
    const double t1_s = t0_s + (double)k * dt_s;
    double rc2i[3][3], s0[3], s1[3], d0, d1;
    eraC2i06a(ep->tt1, ep->tt2 + 0.5 * (t0_s + t1_s) / ODT_SEC_PER_DAY, rc2i);
    sun_at(ep->tt1, ep->tt2 + t0_s / ODT_SEC_PER_DAY, s0, &d0);
    sun_at(ep->tt1, ep->tt2 + t1_s / ODT_SEC_PER_DAY, s1, &d1);
    const double span = t1_s - t0_s;
    for (int s = 0; s < k; ++s) {
        const double t = t0_s + (double)(s + 1) * dt_s;
        if (s == k - 1) { /* the batch's last step: exact */
            fill_one(ep, t, dt_s, s1, d1, (const double(*)[3])rc2i, &out[s]);
            continue;
        }
        const double w = (t - t0_s) / span;
        double u[3];
        for (int c = 0; c < 3; ++c)
            u[c] = (1.0 - w) * s0[c] + w * s1[c];
        const double nu = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        for (int c = 0; c < 3; ++c)
            u[c] /= nu;
        fill_one(ep, t, dt_s, u, (1.0 - w) * d0 + w * d1, (const double(*)[3])rc2i, &out[s]);
    }
    /* the Sun at each step's start: the previous step's end (the batch's start: exact) */
    for (int s = 0; s < k; ++s) {
        const double *u = s ? out[s - 1].sun_unit : s0;
        for (int c = 0; c < 3; ++c)
            out[s].sun_unit_prev[c] = u[c];
        out[s].sun_dist_prev_km = s ? out[s - 1].sun_dist_km : d0;
    }
}

void odt_epoch_utc_string(const struct odt_epoch *ep, double t_s, char *buf, size_t len)
{
    int ihmsf[4], y, m, d;
    const double u2 = ep->utc2 + (t_s) / ODT_SEC_PER_DAY;
    if (eraD2dtf("UTC", 3, ep->utc1, u2, &y, &m, &d, ihmsf) < 0) {
        snprintf(buf, len, "invalid");
        return;
    }
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, ihmsf[0], ihmsf[1], ihmsf[2], ihmsf[3]);
}
