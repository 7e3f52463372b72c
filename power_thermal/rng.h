/*
 * rng.h: counter-based random numbers for the per-satellite models.
 *
 * Generator: Philox4x64-10 of Random123 (Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3", SC11, 2011), a keyed
 * bijection of a 256-bit counter that passes TestU01 BigCrush. Every call
 * is a pure function of its arguments:
 *
 *   key     = { seed, satellite id }                  (2 x 64 bits)
 *   counter = { step index, stream id, sub-index, 0 } (4 x 64 bits)
 *
 * so a satellite's draws depend on nothing but (seed, sat, step, stream):
 * not on the thread that runs it, the order satellites are visited, the
 * partition of the fleet over threads, ranks or GPUs, or the backend. The
 * 256 output bits are computed with integer arithmetic only (64x64->128-bit
 * multiplies, xors and adds), so they are bitwise identical on the CPU
 * (gcc: __uint128_t) and the GPU (nvcc: __umul64hi); see the known-answer
 * test in tests/test_reliability.c.
 *
 * Conversion to doubles: u = (0.5 + (x >> 12)) * 2^-52, the Random123
 * u01fixedpt_open_open_64_double map. The top 52 bits of each 64-bit word
 * select one of 2^52 equally spaced values {1, 3, 5, ..., 2^53 - 1} / 2^53,
 * each exactly representable, so 2^-53 <= u <= 1 - 2^-53: never 0, never 1,
 * and the conversion is exact (one add of an integer < 2^52 and 0.5, one
 * multiply by a power of two; no rounding anywhere, with or without FMA).
 *
 * Streams: each model that draws takes its own stream id (enum
 * odt_rng_stream), so adding draws to one model never shifts another's.
 * A model that needs more than 4 numbers per step uses odt_rng_bits with
 * sub-index 1, 2, ...
 *
 * Compiles as C11 and as CUDA C++ (Random123 switches its 64-bit multiply
 * to the CUDA intrinsic in the device pass).
 */
#ifndef ODT_RNG_H
#define ODT_RNG_H

#include <stdint.h>
#include <Random123/philox.h>
#include <Random123/u01fixedpt.h>
#include "orbit/odt_defs.h"

/* Stream ids of the models that draw random numbers; a new model takes the next free value. */
enum odt_rng_stream {
    ODT_RNG_STREAM_RELIABILITY = 1, /* accelerator failures and radiation interrupts (reliability.h) */
    ODT_RNG_STREAM_WORKLOAD = 2,    /* reserved: stochastic demand */
    ODT_RNG_STREAM_TEST = 0x7fffffff /* tests only */
};

/*
 * odt_rng_bits: the 4 x 64 random bits of (seed, sat, step, stream, sub).
 *   seed    scenario seed
 *   sat     satellite id (its index in the fleet, stable across partitions)
 *   step    global step index since the scenario epoch
 *   stream  enum odt_rng_stream of the model drawing
 *   sub     sub-index, 0 for the first 4 words of a (step, stream), 1, 2, ... for more
 *   out     the 4 words
 * Reference: Philox4x64-10, Salmon et al. SC11 (2011); Random123 philox.h.
 */
ODT_HD static inline void odt_rng_bits(uint64_t seed, uint32_t sat, uint64_t step, uint32_t stream, uint32_t sub,
                                       uint64_t out[4])
{
    philox4x64_ctr_t c;
    philox4x64_key_t k;
    c.v[0] = step;
    c.v[1] = (uint64_t)stream;
    c.v[2] = (uint64_t)sub;
    c.v[3] = 0;
    k.v[0] = seed;
    k.v[1] = (uint64_t)sat;
    const philox4x64_ctr_t r = philox4x64_R(10, c, k);
    out[0] = r.v[0];
    out[1] = r.v[1];
    out[2] = r.v[2];
    out[3] = r.v[3];
}

/*
 * odt_rng_u01: a 64-bit random word as a double in the open interval (0, 1):
 * (0.5 + (x >> 12)) * 2^-52, i.e. one of {1, 3, ..., 2^53 - 1} / 2^53; exact.
 */
ODT_HD static inline double odt_rng_u01(uint64_t x)
{
    return (0.5 + (double)(x >> 12)) * R123_0x1p_52;
}

/*
 * odt_rng_uniform: 4 independent uniform doubles in (0, 1) for satellite sat
 * at step `step` of stream `stream` (sub-index 0); see odt_rng_bits and
 * odt_rng_u01. Resolution 2^-52, smallest value 2^-53, largest 1 - 2^-53.
 */
ODT_HD static inline void odt_rng_uniform(uint64_t seed, uint32_t sat, uint64_t step, uint32_t stream, double u[4])
{
    uint64_t b[4];
    odt_rng_bits(seed, sat, step, stream, 0u, b);
    for (int j = 0; j < 4; ++j)
        u[j] = odt_rng_u01(b[j]);
}

#endif /* ODT_RNG_H */
