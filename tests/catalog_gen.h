/*
 * catalog_gen.h: a generated catalogue of n distinct, valid element sets, written as TLE or as OMM KVN,
 * XML, JSON or CSV with the same elements, for tests/test_catalog.c (the formats agree) and
 * benchmarks/bench_catalog.c (load speed). Elements are spread by a multiplicative hash of the index.
 */
#ifndef ODT_CATALOG_GEN_H
#define ODT_CATALOG_GEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/catalog.h"

/* The generator's own invariants (a bug in this file, not in the reader): report and abort. */
#define CATGEN_CHECK(cond)                                                                                           \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            fprintf(stderr, "%s:%d: catalogue generator: %s does not hold\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                                                 \
        }                                                                                                            \
    } while (0)

struct gen {
    long id, doy, dayfrac_e8, incl_e4, raan_e4, ecc_e7, argp_e4, ma_e4, mm_e8, rev, elset;
    long bstar_m, ndot_e8; /* bstar = bstar_m * 1e-9 (TLE 0.xxxxx-4 form), ndot = ndot_e8 * 1e-8 */
};

static struct gen gen_params(long i)
{
    struct gen g;
    unsigned long h = (unsigned long)i * 2654435761UL;
    g.id = 10000 + i;
    g.doy = 1 + i % 366;
    g.dayfrac_e8 = (long)((h >> 3) % 100000000UL);
    g.incl_e4 = (long)(h % 1800000UL);
    g.raan_e4 = (long)((h >> 5) % 3600000UL);
    g.ecc_e7 = (long)((h >> 7) % 200000UL);
    g.argp_e4 = (long)((h >> 9) % 3600000UL);
    g.ma_e4 = (long)((h >> 11) % 3600000UL);
    g.mm_e8 = 1400000000L + (long)((h >> 13) % 200000000UL);
    g.rev = (long)((h >> 2) % 99999UL);
    g.elset = (int)(i % 999) + 1;
    g.bstar_m = 10000 + (long)((h >> 4) % 89999UL);
    g.ndot_e8 = (long)((h >> 6) % 5000UL) - 2500;
    return g;
}

static int tle_checksum(const char *line)
{
    int s = 0, k;
    for (k = 0; k < 68; k++)
        s += (line[k] >= '0' && line[k] <= '9') ? line[k] - '0' : (line[k] == '-');
    return s % 10;
}

static int gen_tle(char *out, size_t cap, const struct gen *g)
{
    char l1[256], l2[256];
    snprintf(l1, sizeof l1, "1 %05ldU 24%03ldA   24%03ld.%08ld %c.%08ld  00000-0  %05ld-4 0 %4ld", g->id, g->id % 1000,
             g->doy, g->dayfrac_e8, g->ndot_e8 < 0 ? '-' : ' ', labs(g->ndot_e8), g->bstar_m, g->elset);
    snprintf(l2, sizeof l2, "2 %05ld %3ld.%04ld %3ld.%04ld %07ld %3ld.%04ld %3ld.%04ld %2ld.%08ld%5ld", g->id,
             g->incl_e4 / 10000, g->incl_e4 % 10000, g->raan_e4 / 10000, g->raan_e4 % 10000, g->ecc_e7,
             g->argp_e4 / 10000, g->argp_e4 % 10000, g->ma_e4 / 10000, g->ma_e4 % 10000, g->mm_e8 / 100000000,
             g->mm_e8 % 100000000, g->rev);
    CATGEN_CHECK(strlen(l1) == 68);
    CATGEN_CHECK(strlen(l2) == 68);
    return snprintf(out, cap, "SAT-%05ld\n%s%d\n%s%d\n", g->id, l1, tle_checksum(l1), l2, tle_checksum(l2));
}

/* "2024-MM-DDThh:mm:ss.ffffff" of day-of-year doy and fraction dayfrac_e8 * 1e-8 (= 864 us steps). */
static void gen_iso(char *out, size_t cap, const struct gen *g)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long us = g->dayfrac_e8 * 864L, d = g->doy;
    int m = 0;
    while (d > mdays[m])
        d -= mdays[m++];
    snprintf(out, cap, "2024-%02d-%02ldT%02ld:%02ld:%02ld.%06ld", m + 1, d, us / 3600000000L,
             us / 60000000L % 60, us / 1000000L % 60, us % 1000000L);
}

/* The numbers of one entry as OMM strings, the same decimal text as the TLE. */
struct gen_text {
    char epoch[96], mm[48], ecc[48], incl[48], raan[48], argp[48], ma[48], bstar[48], ndot[48], intl[48];
};

static void gen_strings(struct gen_text *t, const struct gen *g)
{
    gen_iso(t->epoch, sizeof t->epoch, g);
    snprintf(t->mm, sizeof t->mm, "%ld.%08ld", g->mm_e8 / 100000000, g->mm_e8 % 100000000);
    snprintf(t->ecc, sizeof t->ecc, "0.%07ld", g->ecc_e7);
    snprintf(t->incl, sizeof t->incl, "%ld.%04ld", g->incl_e4 / 10000, g->incl_e4 % 10000);
    snprintf(t->raan, sizeof t->raan, "%ld.%04ld", g->raan_e4 / 10000, g->raan_e4 % 10000);
    snprintf(t->argp, sizeof t->argp, "%ld.%04ld", g->argp_e4 / 10000, g->argp_e4 % 10000);
    snprintf(t->ma, sizeof t->ma, "%ld.%04ld", g->ma_e4 / 10000, g->ma_e4 % 10000);
    snprintf(t->bstar, sizeof t->bstar, "0.%05lde-4", g->bstar_m);
    snprintf(t->ndot, sizeof t->ndot, "%s0.%08ld", g->ndot_e8 < 0 ? "-" : "", labs(g->ndot_e8));
    snprintf(t->intl, sizeof t->intl, "2024-%03ldA", g->id % 1000);
}

static int gen_omm(char *out, size_t cap, const struct gen *g, enum odt_catalog_format fmt, long i)
{
    struct gen_text t;
    gen_strings(&t, g);
    switch (fmt) {
    case ODT_CATALOG_OMM_KVN:
        return snprintf(out, cap,
                        "CCSDS_OMM_VERS = 2.0\nCREATION_DATE = 2024-01-01T00:00:00\nORIGINATOR = TEST\n"
                        "OBJECT_NAME = SAT-%05ld\nOBJECT_ID = %s\nCENTER_NAME = EARTH\nREF_FRAME = TEME\n"
                        "TIME_SYSTEM = UTC\nMEAN_ELEMENT_THEORY = SGP4\nEPOCH = %s\nMEAN_MOTION = %s [rev/day]\n"
                        "ECCENTRICITY = %s\nINCLINATION = %s [deg]\nRA_OF_ASC_NODE = %s [deg]\n"
                        "ARG_OF_PERICENTER = %s [deg]\nMEAN_ANOMALY = %s [deg]\nEPHEMERIS_TYPE = 0\n"
                        "CLASSIFICATION_TYPE = U\nNORAD_CAT_ID = %ld\nELEMENT_SET_NO = %ld\nREV_AT_EPOCH = %ld\n"
                        "BSTAR = %s [1/ER]\nMEAN_MOTION_DOT = %s [rev/day**2]\nMEAN_MOTION_DDOT = 0 [rev/day**3]\n\n",
                        g->id, t.intl, t.epoch, t.mm, t.ecc, t.incl, t.raan, t.argp, t.ma, g->id, g->elset, g->rev,
                        t.bstar, t.ndot);
    case ODT_CATALOG_OMM_JSON:
        return snprintf(out, cap,
                        "%s{\"OBJECT_NAME\":\"SAT-%05ld\",\"OBJECT_ID\":\"%s\",\"EPOCH\":\"%s\",\"MEAN_MOTION\":%s,"
                        "\"ECCENTRICITY\":%s,\"INCLINATION\":%s,\"RA_OF_ASC_NODE\":%s,\"ARG_OF_PERICENTER\":%s,"
                        "\"MEAN_ANOMALY\":%s,\"EPHEMERIS_TYPE\":0,\"CLASSIFICATION_TYPE\":\"U\",\"NORAD_CAT_ID\":%ld,"
                        "\"ELEMENT_SET_NO\":%ld,\"REV_AT_EPOCH\":%ld,\"BSTAR\":%s,\"MEAN_MOTION_DOT\":%s,"
                        "\"MEAN_MOTION_DDOT\":0}\n",
                        i == 0 ? "[" : ",", g->id, t.intl, t.epoch, t.mm, t.ecc, t.incl, t.raan, t.argp, t.ma, g->id,
                        g->elset, g->rev, t.bstar, t.ndot);
    case ODT_CATALOG_OMM_CSV:
        return snprintf(out, cap, "%sSAT-%05ld,%s,%s,%s,%s,%s,%s,%s,%s,0,U,%ld,%ld,%ld,%s,%s,0\n",
                        i == 0 ? "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,"
                                 "ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,"
                                 "ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT\n"
                               : "",
                        g->id, t.intl, t.epoch, t.mm, t.ecc, t.incl, t.raan, t.argp, t.ma, g->id, g->elset, g->rev,
                        t.bstar, t.ndot);
    case ODT_CATALOG_OMM_XML:
        return snprintf(out, cap,
                        "%s<omm id=\"CCSDS_OMM_VERS\" version=\"2.0\"><header><CREATION_DATE>2024-01-01T00:00:00"
                        "</CREATION_DATE><ORIGINATOR>TEST</ORIGINATOR></header><body><segment><metadata>\n"
                        "<OBJECT_NAME>SAT-%05ld</OBJECT_NAME><OBJECT_ID>%s</OBJECT_ID><CENTER_NAME>EARTH"
                        "</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>"
                        "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>\n"
                        "<EPOCH>%s</EPOCH><MEAN_MOTION>%s</MEAN_MOTION><ECCENTRICITY>%s</ECCENTRICITY>"
                        "<INCLINATION>%s</INCLINATION><RA_OF_ASC_NODE>%s</RA_OF_ASC_NODE><ARG_OF_PERICENTER>%s"
                        "</ARG_OF_PERICENTER><MEAN_ANOMALY>%s</MEAN_ANOMALY></meanElements><tleParameters>\n"
                        "<EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE>"
                        "<NORAD_CAT_ID>%ld</NORAD_CAT_ID><ELEMENT_SET_NO>%ld</ELEMENT_SET_NO><REV_AT_EPOCH>%ld"
                        "</REV_AT_EPOCH><BSTAR>%s</BSTAR><MEAN_MOTION_DOT>%s</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>0"
                        "</MEAN_MOTION_DDOT></tleParameters></data></segment></body></omm>\n",
                        i == 0 ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ndm>\n" : "", g->id, t.intl, t.epoch,
                        t.mm, t.ecc, t.incl, t.raan, t.argp, t.ma, g->id, g->elset, g->rev, t.bstar, t.ndot);
    default:
        return gen_tle(out, cap, g);
    }
}

/* n generated entries in one format, in a heap buffer. */
static char *gen_catalog(enum odt_catalog_format fmt, long n, size_t *len)
{
    size_t cap = (size_t)n * 2048 + 64, used = 0;
    char *buf = malloc(cap);
    long i;
    CATGEN_CHECK(buf != NULL);
    for (i = 0; i < n; i++) {
        struct gen g = gen_params(i);
        int w = gen_omm(buf + used, cap - used, &g, fmt, i);
        CATGEN_CHECK(w > 0 && (size_t)w < cap - used);
        used += (size_t)w;
    }
    if (fmt == ODT_CATALOG_OMM_JSON)
        used += (size_t)snprintf(buf + used, cap - used, "]\n");
    if (fmt == ODT_CATALOG_OMM_XML)
        used += (size_t)snprintf(buf + used, cap - used, "</ndm>\n");
    *len = used;
    return buf;
}

#endif
