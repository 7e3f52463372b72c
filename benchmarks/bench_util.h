/* bench_util.h: small helpers shared by the benchmark programs. */
#ifndef ODT_BENCH_UTIL_H
#define ODT_BENCH_UTIL_H

#include <time.h>

/* Monotonic wall-clock time, s. */
static inline double odt_bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort comparison of doubles (for medians). */
static inline int odt_bench_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
