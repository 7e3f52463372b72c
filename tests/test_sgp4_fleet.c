/*
 * test_sgp4_fleet.c: catalogue satellites inside a run. The step's SGP4 path
 * (kernels/step.h, through the CPU backend) must give the states of a direct
 * SGP4 propagation rotated to GCRS; a satellite that decays (verification case
 * 28872, code 6 at 55 min) becomes inactive with its code, keeps its last valid
 * state and uses no power, while the rest of the fleet goes on.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "host/catalog.h"
#include "host/ephem.h"
#include "host/fleet_build.h"
#include "host/scenario.h"
#include "kernels/backend.h"
#include "orbit/sgp4.h"

static const char *scenario_text =
    "name: sgp4-fleet\n"
    "epoch: 2005-11-29T00:28:58Z\n" /* about the epoch of 28872 */
    "duration_s: 7200\nstep_s: 60\nsnapshot_interval_s: 600\n"
    "fleet:\n"
    "  - source: catalog\n"
    "    file: " ODT_TEST_DATA "/catalog_run/two.tle\n"
    "  - source: sso\n    altitude_km: 600\n    planes: 1\n    slots: 2\n";

/* Every STATE and OUT field of the backend into the host fleet (component-major, as the fleet keeps them). */
static void download_into(struct odt_backend *b, struct odt_fleet *host)
{
    int nf;
    const struct odt_field_info *fi = odt_fleet_fields(&nf);
    const size_t n = host->n;
    for (int k = 0; k < nf; ++k) {
        const struct odt_field_info *F = &fi[k];
        if (F->role != ODT_FIELD_STATE && F->role != ODT_FIELD_OUT)
            continue;
        const size_t bytes = n * (size_t)F->ncomp * F->elem_size;
        char *buf = odt_backend_cpu.host_alloc(b, bytes);
        cr_assert_not_null(buf);
        const struct odt_download req = {1, &k, NULL, 0};
        void *dst[1] = {buf};
        cr_assert_eq(odt_backend_cpu.download(b, &req, dst), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        cr_assert_eq(odt_backend_cpu.download_wait(b), ODT_OK);
        char *to = odt_fleet_field_ptr(host, F);
        for (size_t i = 0; i < n; ++i)
            for (int c = 0; c < F->ncomp; ++c)
                memcpy(to + ((size_t)c * n + i) * F->elem_size, buf + (i * (size_t)F->ncomp + (size_t)c) * F->elem_size,
                       F->elem_size);
        odt_backend_cpu.host_free(b, buf);
    }
}

Test(sgp4_fleet, run_states_match_direct_propagation_and_decay_stops_one_satellite)
{
    struct odt_scenario sc;
    char err[512];
    cr_assert_eq(odt_scenario_load_text("sgp4.yaml", scenario_text, strlen(scenario_text), &sc, err, sizeof err),
                 ODT_OK, "%s", err);
    struct odt_fleet host;
    struct odt_fleet_meta m;
    cr_assert_eq(odt_fleet_build(&sc, &host, &m, err, sizeof err), ODT_OK, "%s", err);
    cr_assert_eq(host.n, 4);
    cr_assert_eq(m.n_sgp4, 2);
    cr_assert_eq(m.catalog_number[0], 5);
    cr_assert_eq(m.catalog_number[1], 28872);
    cr_assert_eq(m.catalog_number[2], -1);

    struct odt_backend_config cfg;
    odt_backend_config_init(&cfg, &sc, &host, &m, 1, 1);
    cfg.max_series = 1;
    struct odt_backend *b;
    cr_assert_eq(odt_backend_cpu.create(&b, &cfg, err, sizeof err), ODT_OK);
    cr_assert_eq(odt_backend_cpu.upload(b, &host), ODT_OK);
    cr_assert_eq(m.n_classes, 2, "the catalogue entry and the SSO shell");
    double row[2 * ODT_SV_N], tot[2 * ODT_TV_N];

    /* direct references from the same element sets */
    struct odt_catalog cat;
    cr_assert_eq(odt_catalog_load(ODT_TEST_DATA "/catalog_run/two.tle", ODT_CATALOG_AUTO, 1, NULL, NULL, &cat), ODT_OK);
    struct odt_sgp4 rec[2];
    for (int k = 0; k < 2; ++k)
        odt_sgp4_init(&rec[k], &cat.entries[k], ODT_SGP4_WGS72, 'i');

    double last_valid[3] = {0, 0, 0};
    int decayed_at = -1;
    for (int s = 1; s <= 120; ++s) {
        struct odt_step_input in;
        odt_step_input_at(&sc.epoch, 60.0 * s, 60.0, &in);
        in.series_slot = 0;
        cr_assert_eq(odt_backend_cpu.advance(b, &in, 1, row), ODT_OK, "%s", odt_backend_cpu.last_error(b));
        download_into(b, &host);
        /* the series and the totals count the active satellites as the downloaded status says */
        cr_assert_eq(odt_backend_cpu.reduce(b, tot), ODT_OK);
        for (int c = 0; c < 2; ++c) {
            int active = 0, inactive = 0;
            for (size_t i = 0; i < host.n; ++i)
                if (host.cls[i] == c) {
                    active += host.status[i] == 0;
                    inactive += host.status[i] != 0;
                }
            cr_assert_eq(row[c * ODT_SV_N + ODT_SV_N_ACTIVE], (double)active, "step %d class %d", s, c);
            cr_assert_eq(tot[c * ODT_TV_N + ODT_TV_N_INACTIVE], (double)inactive, "step %d class %d", s, c);
        }
        for (int k = 0; k < 2; ++k) {
            double rt[3], vt[3], r[3];
            const double tsince = host.sgp4_offset_min[k] + s;
            const int code = odt_sgp4_propagate(&rec[k], NULL, tsince, rt, vt);
            /* once decayed a satellite stays inactive, even where the theory's radius rises above
               one Earth radius again later (as 28872's does) */
            if (code != ODT_SGP4_OK || (k == 1 && decayed_at > 0)) {
                cr_assert_eq(k, 1, "only 28872 decays");
                cr_assert_eq(host.status[k], ODT_SGP4_ERR_DECAYED, "status %d, direct code %d", host.status[k], code);
                if (decayed_at < 0)
                    decayed_at = s;
                for (int d = 0; d < 3; ++d)
                    cr_assert_eq(host.position[d * host.n + k], last_valid[d], "last valid state kept");
                cr_assert_eq(host.solar_power[k], 0.0);
                cr_assert_eq(host.load_power[k], 0.0);
                continue;
            }
            cr_assert_eq(host.status[k], 0, "sat %d step %d status %d (tsince %.3f)", k, s, host.status[k], tsince);
            for (int a = 0; a < 3; ++a) {
                r[a] = in.teme_to_gcrs[a][0] * rt[0] + in.teme_to_gcrs[a][1] * rt[1] + in.teme_to_gcrs[a][2] * rt[2];
                cr_assert_lt(fabs(host.position[a * host.n + k] - r[a]), 1e-9, "sat %d step %d axis %d", k, s, a);
            }
            if (k == 1)
                memcpy(last_valid, r, sizeof r);
        }
        /* the generated satellites go on */
        cr_assert_eq(host.status[2], 0);
        cr_assert_eq(host.status[3], 0);
    }
    cr_assert(decayed_at > 0, "28872 must decay within two hours");
    cr_log_info("28872 decayed in step %d (t = %d min after the run epoch)", decayed_at, decayed_at);
    /* the inactive satellite's energy counters stopped; the others kept counting */
    cr_assert_lt(host.elapsed_time[1], host.elapsed_time[0]);
    cr_assert_eq(host.elapsed_time[0], 7200.0);
    odt_catalog_free(&cat);
    odt_backend_cpu.destroy(b);
    odt_fleet_free(&host);
    odt_fleet_meta_free(&m);
    odt_scenario_free(&sc);
}
