/*
 * test_battery_aging.c: battery capacity fade without repair
 * (power_thermal/battery_aging.h): cycle life against depth of discharge,
 * half cycles counted online from reversals, Miner's rule, calendar fade and
 * the capacity factor.
 *
 * Expected values are hand calculations written next to each check: powers
 * and square roots to 10+ digits, Miner sums in closed form, and a rainflow
 * count (ASTM E1049-85 sec. 5.4.4, three-point method) of a short irregular
 * sequence done by hand. Tolerances: 1e-12 relative where the code evaluates
 * the same expression once; 1e-11 relative for sums of up to a few thousand
 * equal terms; 1e-9 relative for sums of ~55,000 terms (rounding grows like
 * n ulp at worst); 1e-9 absolute where a hand number is quoted to 10 digits.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "orbit/odt_defs.h"
#include "power_thermal/battery_aging.h"

static int close_rel(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fabs(b);
}

/* Drive the SoC linearly from a to b in n monotone steps (end points exact). */
static void ramp(const struct odt_battery_aging_params *p, struct odt_battery_aging_state *s, double a, double b,
                 int n)
{
    double prev = a;
    for (int i = 1; i <= n; ++i) {
        const double now = i == n ? b : a + (b - a) * (double)i / (double)n;
        odt_battery_aging_step(p, s, prev, now);
        prev = now;
    }
}

/* Parameters with a half cycle of depth D adding exactly D^b: 0.5 * 2 * (D / 1)^b / 1. */
static struct odt_battery_aging_params unit_params(double b)
{
    struct odt_battery_aging_params p = odt_battery_aging_default();
    p.cycle_life = 1.0;
    p.dod_ref = 1.0;
    p.dod_exponent = b;
    p.eol_fade = 2.0;
    p.fade_max = 1.0;
    return p;
}

/* ------------------------------------------------------------------ parameters */

/* The defaults of the header: 27,500 cycles at 30 % DoD to 20 % fade, b = 1.2,
   k_cal = 0.01 / sqrt(5) = 0.004472135955 (hand, 10 digits), floor 0.8, h = 1e-6. */
Test(battery_aging, defaults)
{
    struct odt_battery_aging_params p, q = odt_battery_aging_default();
    odt_battery_aging_defaults(&p);
    cr_assert_eq(p.cycle_life, 27500.0);
    cr_assert_eq(p.dod_ref, 0.30);
    cr_assert_eq(p.dod_exponent, 1.2);
    cr_assert_eq(p.eol_fade, 0.20);
    cr_assert(fabs(p.calendar_fade_per_sqrt_year - 0.004472135955) < 1e-12, "k_cal = %.15g",
              p.calendar_fade_per_sqrt_year);
    cr_assert_eq(p.fade_max, 0.8);
    cr_assert_eq(p.hysteresis, 1e-6);
    cr_assert_eq(q.cycle_life, p.cycle_life);
    cr_assert_eq(q.calendar_fade_per_sqrt_year, p.calendar_fade_per_sqrt_year);

    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.73);
    cr_assert_eq(s.cycle_fade, 0.0);
    cr_assert_eq(s.soc_turn, 0.73);
    cr_assert_eq(s.soc_ext, 0.73);
    cr_assert_eq(s.direction, 0);
    cr_assert_eq(odt_battery_capacity_factor(&p, &s, 0.0), 1.0, "a new battery has all its capacity");
}

/*
 * N(D) = 27,500 (0.3 / D)^1.2. At D = dod_ref: 27,500 exactly. At 2 dod_ref:
 * 27,500 * 2^-1.2; 2^1.2 = exp(1.2 ln 2) = exp(0.8317766167) = 2.297396710,
 * so N = 27,500 / 2.297396710 = 11,970.07025 (hand, 10 digits; bound 1e-9
 * relative). Half cycle fade at dod_ref: 0.5 * 0.2 / 27,500 = 3.636363636e-6.
 * D <= 0: no wear (N = HUGE_VAL, no fade).
 */
Test(battery_aging, cycle_life_at_dod_ref_and_twice)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    const double n1 = odt_battery_cycle_life(&p, 0.3), n2 = odt_battery_cycle_life(&p, 0.6);
    cr_assert(close_rel(n1, 27500.0, 1e-12), "N(0.3) = %.12g, expected 27500", n1);
    cr_assert(close_rel(n2, 11970.07025, 1e-9), "N(0.6) = %.12g, hand 11970.07025", n2);
    cr_assert(close_rel(odt_battery_half_cycle_fade(&p, 0.3), 3.636363636e-6, 1e-9), "half cycle at 0.3");
    cr_assert(close_rel(odt_battery_half_cycle_fade(&p, 0.6), 0.1 / 11970.07025, 1e-9), "half cycle at 0.6");
    cr_assert(odt_battery_cycle_life(&p, 0.0) == HUGE_VAL, "no depth, no wear");
    cr_assert(odt_battery_cycle_life(&p, -0.1) == HUGE_VAL);
    cr_assert_eq(odt_battery_half_cycle_fade(&p, 0.0), 0.0);

    struct odt_battery_aging_params off = p;
    off.cycle_life = 0.0; /* cycle aging off */
    cr_assert(odt_battery_cycle_life(&off, 0.3) == HUGE_VAL);
    cr_assert_eq(odt_battery_half_cycle_fade(&off, 0.3), 0.0);
}

/* b = 0: N(D) = cycle_life for every D > 0, so a half cycle of 0.05 costs what
   one of 0.5 does: 0.5 * 0.2 / 27,500 = 3.636363636e-6 (1e-12 relative). */
Test(battery_aging, zero_dod_exponent)
{
    struct odt_battery_aging_params p = odt_battery_aging_default();
    p.dod_exponent = 0.0;
    cr_assert(close_rel(odt_battery_cycle_life(&p, 0.05), 27500.0, 1e-12));
    cr_assert(close_rel(odt_battery_cycle_life(&p, 0.5), 27500.0, 1e-12));
    const double h = 0.1 / 27500.0;
    cr_assert(close_rel(odt_battery_half_cycle_fade(&p, 0.05), h, 1e-12));
    cr_assert(close_rel(odt_battery_half_cycle_fade(&p, 0.5), h, 1e-12));
    cr_assert_eq(odt_battery_half_cycle_fade(&p, 0.0), 0.0, "0^0 must not count a half cycle of no depth");

    /* 0.9 -> 0.85 -> 0.9 -> 0.4 -> 0.45: four closed-or-open half cycles of any depth, three closed */
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.9);
    ramp(&p, &s, 0.9, 0.85, 3);
    ramp(&p, &s, 0.85, 0.9, 3);
    ramp(&p, &s, 0.9, 0.4, 3);
    ramp(&p, &s, 0.4, 0.45, 3);
    cr_assert(close_rel(s.cycle_fade, 3.0 * h, 1e-12), "cycle fade %.15g, expected 3 half cycles %.15g",
              s.cycle_fade, 3.0 * h);
    cr_assert(close_rel(odt_battery_aging_open_fade(&p, &s), h, 1e-12));
}

/* ------------------------------------------------------------------ counting */

/*
 * K = 1000 cycles 0.9 -> 0.6 -> 0.9 (6 steps a leg). Turning points 0.9, 0.6,
 * ..., 0.9: 2K + 1 points, 2K ranges of 0.3. Rainflow (ASTM E1049 5.4.4) on
 * this sequence: the first range is a half cycle (it holds the start), each
 * later pair a full cycle, the last range a half cycle of the residue: 2K
 * half cycles of 0.3, i.e. K full cycles. Closed form: K * 0.2 / N(0.3) =
 * 1000 * 0.2 / 27,500 = 7.272727273e-3. Online: after the last charge the
 * last half cycle is still open, (2K - 1) * 3.636363636e-6 closed plus one
 * open; a step down closes it. Bound 1e-11 relative (2000 equal terms).
 */
Test(battery_aging, regular_cycle_equals_rainflow)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    const int K = 1000;
    const double half = 0.5 * 0.2 / 27500.0;
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.9);
    for (int k = 0; k < K; ++k) {
        ramp(&p, &s, 0.9, 0.6, 6);
        ramp(&p, &s, 0.6, 0.9, 6);
    }
    cr_assert_eq(s.direction, 1);
    cr_assert(close_rel(s.cycle_fade, (2.0 * K - 1.0) * half, 1e-11), "closed fade %.15g, expected %.15g",
              s.cycle_fade, (2.0 * K - 1.0) * half);
    const double with_open = s.cycle_fade + odt_battery_aging_open_fade(&p, &s);
    cr_assert(close_rel(with_open, K * 0.2 / 27500.0, 1e-11), "fade with the open half cycle %.15g", with_open);

    odt_battery_aging_step(&p, &s, 0.9, 0.89); /* the next discharge closes the last half cycle */
    cr_assert_eq(s.direction, -1);
    cr_assert(close_rel(s.cycle_fade, 7.272727273e-3, 1e-9), "K cycles: %.15g, hand 7.272727273e-3", s.cycle_fade);
    cr_assert(close_rel(s.cycle_fade, K * 0.2 / 27500.0, 1e-11), "K cycles against the closed form");
    const double f = odt_battery_capacity_factor(&p, &s, 0.0);
    cr_assert(close_rel(f, 1.0 - K * 0.2 / 27500.0, 1e-12), "capacity factor %.15g", f);
}

/*
 * Irregular history, turning points 0.9, 0.5, 0.7, 0.6, 0.9, 0.5 (several
 * steps per leg), with the unit parameters (a half cycle of depth D adds D^b).
 * Online (simple range counting): 0.4, 0.2, 0.1, 0.3, 0.4 (the last open).
 * Rainflow by hand (three-point method, Y = previous range, X = latest):
 *   0.9 0.5 0.7: Y = 0.4, X = 0.2 < Y, read on
 *   0.5 0.7 0.6: Y = 0.2, X = 0.1 < Y, read on
 *   0.7 0.6 0.9: Y = 0.1, X = 0.3 >= Y, Y not at the start: one cycle of 0.1,
 *                drop 0.7 and 0.6 -> 0.9 0.5 0.9
 *   0.9 0.5 0.9: Y = 0.4 holds the start, X = 0.4 >= Y: half cycle 0.4, drop 0.9
 *   0.5 0.9 0.5: Y = 0.4 holds the start, X = 0.4 >= Y: half cycle 0.4, drop 0.5
 *   residue 0.9 0.5: half cycle 0.4.
 * Rainflow: 2 x 0.1 + 3 x 0.4 (half cycles). Sums of D^b:
 *   b = 2:   online 0.16 + 0.04 + 0.01 + 0.09 + 0.16 = 0.46, rainflow 0.02 + 0.48 = 0.50 (-8 %)
 *   b = 1:   both 1.4 (the sum of depths is the same)
 *   b = 0:   both 5 (the number of half cycles is the same)
 *   b = 1.2: online 1.109895159, rainflow 1.125255318 (-1.365 %)
 *   b = 0.5: online 2.576074983, rainflow 2.529822128 (+1.828 %)
 * (0.4^1.2 = 0.3330212830, 0.3^1.2 = 0.2358009257, 0.2^1.2 = 0.1449559327,
 *  0.1^1.2 = 0.06309573445; square roots 0.6324555320, 0.5477225575,
 *  0.4472135955, 0.3162277660.) Bound 1e-9 absolute on the sums.
 */
static double irregular_online(double b)
{
    const struct odt_battery_aging_params p = unit_params(b);
    const double tp[6] = {0.9, 0.5, 0.7, 0.6, 0.9, 0.5};
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, tp[0]);
    for (int i = 1; i < 6; ++i)
        ramp(&p, &s, tp[i - 1], tp[i], 5);
    return s.cycle_fade + odt_battery_aging_open_fade(&p, &s);
}

Test(battery_aging, irregular_history_against_hand_rainflow)
{
    struct {
        double b, online, rainflow;
    } c[5] = {{2.0, 0.46, 0.50},
              {1.0, 1.4, 1.4},
              {0.0, 5.0, 5.0},
              {1.2, 1.109895159, 1.125255318},
              {0.5, 2.576074983, 2.529822128}};
    for (int i = 0; i < 5; ++i) {
        const double got = irregular_online(c[i].b);
        cr_assert(fabs(got - c[i].online) < 1e-9, "b = %g: online sum %.12g, hand %.12g", c[i].b, got,
                  c[i].online);
        /* the direction of the difference the header states: below rainflow for b > 1, above for b < 1 */
        if (c[i].b > 1.0)
            cr_assert(got < c[i].rainflow - 1e-3, "b = %g: online %.6g must be below rainflow %.6g", c[i].b, got,
                      c[i].rainflow);
        else if (c[i].b == 1.0 || c[i].b == 0.0)
            cr_assert(fabs(got - c[i].rainflow) < 1e-9, "b = %g: online %.12g must equal rainflow %.12g",
                      c[i].b, got, c[i].rainflow);
        else
            cr_assert(got > c[i].rainflow + 1e-3, "b = %g: online %.6g must be above rainflow %.6g", c[i].b, got,
                      c[i].rainflow);
    }
    cr_assert(fabs(irregular_online(2.0) / 0.50 - 0.92) < 1e-9, "b = 2: 8 %% below rainflow");
}

/* Constant SoC for 10,000 steps: no direction, no fade. */
Test(battery_aging, constant_soc_adds_nothing)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.7);
    for (int i = 0; i < 10000; ++i)
        odt_battery_aging_step(&p, &s, 0.7, 0.7);
    cr_assert_eq(s.cycle_fade, 0.0);
    cr_assert_eq(s.direction, 0);
    cr_assert_eq(odt_battery_aging_open_fade(&p, &s), 0.0);
    cr_assert_eq(odt_battery_capacity_factor(&p, &s, 0.0), 1.0);
}

/*
 * Noise of 8e-7 peak to peak (below h = 1e-6) adds nothing: around a constant
 * SoC it sets no direction; at the bottom of a discharge it does not reverse,
 * so the discharge 0.9 -> 0.6 and the charge back close as one half cycle of
 * exactly 0.3 (fade 3.636363636e-6, 1e-12 relative). A real move of 2e-6
 * does reverse.
 */
Test(battery_aging, noise_below_hysteresis_adds_nothing)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.7);
    double prev = 0.7;
    for (int i = 1; i <= 20000; ++i) {
        const double now = 0.7 + ((i & 1) ? 4e-7 : -4e-7);
        odt_battery_aging_step(&p, &s, prev, now);
        prev = now;
    }
    cr_assert_eq(s.direction, 0, "noise below the hysteresis must not set a direction");
    cr_assert_eq(s.cycle_fade, 0.0);

    odt_battery_aging_init(&s, 0.9);
    ramp(&p, &s, 0.9, 0.6, 10);
    prev = 0.6;
    for (int i = 1; i <= 20000; ++i) {
        const double now = (i & 1) ? 0.6 + 8e-7 : 0.6;
        odt_battery_aging_step(&p, &s, prev, now);
        prev = now;
    }
    cr_assert_eq(s.direction, -1, "noise at the bottom must not reverse");
    cr_assert_eq(s.cycle_fade, 0.0);
    cr_assert_eq(s.soc_ext, 0.6);
    ramp(&p, &s, 0.6, 0.9, 10);
    cr_assert_eq(s.direction, 1);
    cr_assert(close_rel(s.cycle_fade, 0.1 / 27500.0, 1e-12), "one half cycle of 0.3: %.15g", s.cycle_fade);

    /* a move of 2e-6 against the direction is a reversal: half cycle 0.6 -> 0.9 closes */
    odt_battery_aging_step(&p, &s, 0.9, 0.9 - 2e-6);
    cr_assert_eq(s.direction, -1);
    cr_assert(close_rel(s.cycle_fade, 0.2 / 27500.0, 1e-12), "two half cycles of 0.3: %.15g", s.cycle_fade);
}

/*
 * Direction unknown at the start. init(0.5); 0.5 -> 0.8 sets direction +1 and
 * closes nothing; 0.8 -> 0.4 is the first reversal: the half cycle 0.5 -> 0.8
 * (D = 0.3) closes, 3.636363636e-6; the open one (0.8 -> 0.4, D = 0.4) would
 * add 0.1 (4/3)^1.2 / 27,500; (4/3)^1.2 = exp(1.2 * 0.2876820725) = exp(0.3452184870) =
 * 1.412298455 (hand), so 5.135630745e-6 (1e-9 relative). Starting with a discharge works
 * the same way.
 */
Test(battery_aging, first_reversal_from_unknown_direction)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.5);
    odt_battery_aging_step(&p, &s, 0.5, 0.5);
    cr_assert_eq(s.direction, 0);
    odt_battery_aging_step(&p, &s, 0.5, 0.8);
    cr_assert_eq(s.direction, 1);
    cr_assert_eq(s.cycle_fade, 0.0, "no half cycle closes before the first reversal");
    cr_assert_eq(s.soc_turn, 0.5);
    cr_assert(close_rel(odt_battery_aging_open_fade(&p, &s), 0.1 / 27500.0, 1e-12));
    odt_battery_aging_step(&p, &s, 0.8, 0.4);
    cr_assert_eq(s.direction, -1);
    cr_assert(close_rel(s.cycle_fade, 3.636363636e-6, 1e-9), "first half cycle %.12g", s.cycle_fade);
    cr_assert_eq(s.soc_turn, 0.8);
    cr_assert_eq(s.soc_ext, 0.4);
    const double open = odt_battery_aging_open_fade(&p, &s);
    cr_assert(close_rel(open, 5.135630745e-6, 1e-9), "open half cycle %.12g, hand 5.135630745e-6", open);

    odt_battery_aging_init(&s, 0.95);
    odt_battery_aging_step(&p, &s, 0.95, 0.65);
    cr_assert_eq(s.direction, -1);
    odt_battery_aging_step(&p, &s, 0.65, 0.95);
    cr_assert_eq(s.direction, 1);
    cr_assert(close_rel(s.cycle_fade, 0.1 / 27500.0, 1e-12), "discharge first: %.15g", s.cycle_fade);
}

/* NaN SoC samples are ignored (no direction, no fade, state unchanged). */
Test(battery_aging, nan_soc_ignored)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.9);
    odt_battery_aging_step(&p, &s, 0.9, NAN);
    cr_assert_eq(s.direction, 0);
    ramp(&p, &s, 0.9, 0.6, 3);
    odt_battery_aging_step(&p, &s, 0.6, NAN);
    odt_battery_aging_step(&p, &s, NAN, NAN);
    cr_assert_eq(s.direction, -1);
    cr_assert_eq(s.soc_ext, 0.6);
    cr_assert_eq(s.cycle_fade, 0.0);
}

/* ------------------------------------------------------------------ calendar and capacity */

/* k_cal sqrt(t): 1 year 0.004472135955, 4 years 0.008944271910 (hand; 1e-12 absolute); none at t <= 0. */
Test(battery_aging, calendar_fade_one_and_four_years)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    const double q1 = odt_battery_calendar_fade(&p, 1.0), q4 = odt_battery_calendar_fade(&p, 4.0);
    cr_assert(fabs(q1 - 0.004472135955) < 1e-12, "1 year: %.15g, hand 0.004472135955", q1);
    cr_assert(fabs(q4 - 0.008944271910) < 1e-12, "4 years: %.15g, hand 0.008944271910", q4);
    cr_assert_eq(odt_battery_calendar_fade(&p, 0.0), 0.0);
    cr_assert_eq(odt_battery_calendar_fade(&p, -1.0), 0.0);
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.5);
    cr_assert(fabs(odt_battery_capacity_factor(&p, &s, 4.0) - (1.0 - 0.008944271910)) < 1e-12);
}

/*
 * Clamp: cycle fade 0.9 (> fade_max 0.8) gives 1 - 0.8 = 0.2 at any age;
 * 0.7 + calendar 0.008944271910 (4 years) = 0.708944271910 stays below the
 * floor: 0.291055728090; 0.795 + 0.008944 = 0.803944 > 0.8 clamps. fade_max outside
 * [0, 1] is taken as 0 or 1.
 */
Test(battery_aging, capacity_factor_clamps)
{
    struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.5);
    s.cycle_fade = 0.9;
    cr_assert(fabs(odt_battery_capacity_factor(&p, &s, 0.0) - 0.2) < 1e-15);
    cr_assert(fabs(odt_battery_capacity_factor(&p, &s, 1e6) - 0.2) < 1e-15);
    s.cycle_fade = 0.7;
    cr_assert(fabs(odt_battery_capacity_factor(&p, &s, 4.0) - 0.291055728090) < 1e-12);
    s.cycle_fade = 0.795;
    cr_assert(fabs(odt_battery_capacity_factor(&p, &s, 4.0) - 0.2) < 1e-15);
    p.fade_max = 1.5;
    s.cycle_fade = 3.0;
    cr_assert_eq(odt_battery_capacity_factor(&p, &s, 0.0), 0.0);
    p.fade_max = -0.1;
    cr_assert_eq(odt_battery_capacity_factor(&p, &s, 10.0), 1.0);
}

/*
 * Monotone: a pseudo-random SoC walk (LCG, steps up to +-0.02, kept in
 * [0.2, 0.95], mixed with tiny noise) over 200,000 steps of one minute; the
 * cycle fade never decreases and the capacity factor at the growing age never
 * increases, and stays in [0.2, 1].
 */
Test(battery_aging, capacity_never_increases)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    struct odt_battery_aging_state s;
    double soc = 0.6, f_prev = 1.0, q_prev = 0.0;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    odt_battery_aging_init(&s, soc);
    for (int i = 1; i <= 200000; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const double u = (double)(x >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
        double now = soc + ((i % 7 == 0) ? (u - 0.5) * 1e-6 : (u - 0.5) * 0.04);
        now = now < 0.2 ? 0.2 : (now > 0.95 ? 0.95 : now);
        odt_battery_aging_step(&p, &s, soc, now);
        soc = now;
        const double years = i * 60.0 / (ODT_DAYS_PER_TROPICAL_YEAR * ODT_SEC_PER_DAY);
        const double f = odt_battery_capacity_factor(&p, &s, years);
        cr_assert(s.cycle_fade >= q_prev, "cycle fade fell at step %d", i);
        cr_assert(f <= f_prev, "capacity factor rose at step %d: %.17g > %.17g", i, f, f_prev);
        cr_assert(f >= 0.2 && f <= 1.0, "capacity factor %.17g outside [0.2, 1]", f);
        q_prev = s.cycle_fade;
        f_prev = f;
    }
    cr_assert(s.cycle_fade > 0.0, "the walk must have worn the battery");
}

/*
 * Five years of LEO at 5,500 cycles a year, 30 % DoD (0.9 <-> 0.6, 4 steps a
 * leg): 27,500 cycles = N(0.3), so the cycle fade is 27,500 * 0.2 / 27,500 =
 * 0.2 once the last half cycle closes (1e-9 relative: 55,000 terms);
 * calendar 0.004472135955 * sqrt(5) = 0.01; capacity factor 1 - 0.21 = 0.79.
 * At the end of year 1 (5,500 cycles): 0.04 + 0.004472135955 -> 0.955527864045.
 */
Test(battery_aging, five_years_leo_at_30_percent)
{
    const struct odt_battery_aging_params p = odt_battery_aging_default();
    const int per_year = 5500, years = 5;
    struct odt_battery_aging_state s;
    odt_battery_aging_init(&s, 0.9);
    for (int c = 1; c <= per_year * years; ++c) {
        ramp(&p, &s, 0.9, 0.6, 4);
        ramp(&p, &s, 0.6, 0.9, 4);
        if (c == per_year) {
            const double f1 = odt_battery_capacity_factor(&p, &s, 1.0) - odt_battery_aging_open_fade(&p, &s);
            cr_assert(fabs(f1 - 0.955527864045) < 1e-9, "after one year: %.12g, hand 0.955527864045", f1);
        }
    }
    odt_battery_aging_step(&p, &s, 0.9, 0.85); /* close the last half cycle */
    cr_assert(close_rel(s.cycle_fade, 0.2, 1e-9), "5 years: cycle fade %.15g, hand 0.2", s.cycle_fade);
    cr_assert(fabs(odt_battery_calendar_fade(&p, 5.0) - 0.01) < 1e-15);
    const double f = odt_battery_capacity_factor(&p, &s, 5.0);
    cr_assert(fabs(f - 0.79) < 1e-9, "5 years: capacity factor %.15g, hand 0.79", f);
}
