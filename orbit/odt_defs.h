/*
 * odt_defs.h: definitions shared by every layer of odtwin.
 *
 * This header compiles as C11 (gcc/clang) and as CUDA C++ (nvcc). Keep it free
 * of VLAs, _Generic and compound literals.
 */
#ifndef ODT_DEFS_H
#define ODT_DEFS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define ODT_HD __host__ __device__
#define ODT_RESTRICT __restrict__
#else
#define ODT_HD
#define ODT_RESTRICT restrict
#endif

#ifdef __cplusplus
#define ODT_EXTERN_C_BEGIN extern "C" {
#define ODT_EXTERN_C_END }
#else
#define ODT_EXTERN_C_BEGIN
#define ODT_EXTERN_C_END
#endif

/* Status codes returned by every fallible function; 0 is success. */
enum odt_status {
    ODT_OK = 0,
    ODT_ERR_IO,        /* a file could not be read or written */
    ODT_ERR_PARSE,     /* malformed input text (scenario, TLE, OMM) */
    ODT_ERR_VALUE,     /* a value out of its allowed range */
    ODT_ERR_NOMEM,     /* an allocation failed */
    ODT_ERR_BACKEND,   /* a backend (CUDA, OpenMP) reported a failure */
    ODT_ERR_UNSUPPORTED, /* feature not available in this build or on this machine */
    ODT_ERR_STATE      /* a call made in the wrong order */
};

/* Mathematical constants. */
#define ODT_PI 3.14159265358979323846
#define ODT_TWOPI 6.28318530717958647692
#define ODT_DEG2RAD (ODT_PI / 180.0)
#define ODT_RAD2DEG (180.0 / ODT_PI)

/* Time. */
#define ODT_SEC_PER_DAY 86400.0
#define ODT_DAYS_PER_TROPICAL_YEAR 365.2422 /* mean tropical year, days */
#define ODT_SEC_PER_YEAR 31557600.0 /* Julian year (365.25 d): design lives, launch cadences and per-year results */
#define ODT_JD_J2000 2451545.0             /* Julian date of J2000.0 (TT) */

/* Earth (WGS-84 / EGM96), used by Kepler+J2 and the environment models. */
#define ODT_EARTH_MU_KM3_S2 398600.4418 /* GM, km^3/s^2 (WGS-84) */
#define ODT_EARTH_RADIUS_KM 6378.137    /* equatorial radius, km (WGS-84) */
#define ODT_EARTH_J2 1.08262668e-3      /* EGM96 unnormalised J2 */
#define ODT_EARTH_FLATTENING (1.0 / 298.257223563) /* WGS-84 */

/* Sun. */
#define ODT_AU_KM 149597870.7            /* astronomical unit, km (IAU 2012) */
#define ODT_SUN_RADIUS_KM 695700.0       /* nominal solar radius, km (IAU 2015 B3) */
#define ODT_SOLAR_CONSTANT_W_M2 1361.0   /* TSI at 1 AU, W/m^2 (Kopp & Lean 2011) */

/* Physics. */
#define ODT_STEFAN_BOLTZMANN 5.670374419e-8 /* W m^-2 K^-4 (CODATA 2018) */

#endif /* ODT_DEFS_H */
