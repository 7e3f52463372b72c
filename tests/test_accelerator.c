/*
 * test_accelerator.c: the accelerator DVFS curve and the compute node
 * (power_thermal/accelerator.h).
 *
 * Expected values: hand arithmetic of P(x) = P_idle + (P_board - P_idle) x^gamma
 * at the curve's ends and at the 70 %-power point, the closed-form most
 * efficient clock against a brute-force search, exact inverses checked as
 * round trips, and the throttle line evaluated at hand-picked temperatures.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>

#include "orbit/odt_defs.h"
#include "power_thermal/accelerator.h"

/* ------------------------------------------------------------------ one accelerator */

/* P(0) = idle, P(1) = board exactly; x(idle) = 0, x(board) = 1; clamps outside. */
Test(accelerator, curve_endpoints)
{
    const struct odt_accel_type t = odt_accel_type_b200();
    cr_expect_eq(odt_accel_power_at_clock(&t, 0.0), 100.0);
    cr_expect_eq(odt_accel_power_at_clock(&t, 1.0), 1000.0);
    cr_expect_eq(odt_accel_power_at_clock(&t, -0.5), 100.0);
    cr_expect_eq(odt_accel_power_at_clock(&t, 1.5), 1000.0);
    cr_expect_eq(odt_accel_clock_at_power(&t, 100.0), 0.0);
    cr_expect_eq(odt_accel_clock_at_power(&t, 50.0), 0.0);
    cr_expect_eq(odt_accel_clock_at_power(&t, 1000.0), 1.0);
    cr_expect_eq(odt_accel_clock_at_power(&t, 1500.0), 1.0);
    cr_expect_eq(odt_accel_clock_at_power(&t, NAN), 0.0);
    cr_expect_eq(odt_accel_tokens_at_power(&t, 1000.0), 12875.0);
    cr_expect_eq(odt_accel_power_for_tokens(&t, 12875.0), 1000.0);
    cr_expect_eq(odt_accel_power_for_tokens(&t, 0.0), 100.0);
}

/* Power strictly rises with the clock and throughput with power on [idle, board]. */
Test(accelerator, monotonic)
{
    const struct odt_accel_type t = odt_accel_type_h200();
    double prev_p = -1.0, prev_x = -1.0;
    for (int i = 0; i <= 10000; ++i) {
        const double x = i / 10000.0;
        const double p = odt_accel_power_at_clock(&t, x);
        cr_assert(p > prev_p, "P not increasing at x = %g", x);
        prev_p = p;
        const double pw = t.idle_power_w + (t.board_power_w - t.idle_power_w) * x;
        const double xc = odt_accel_clock_at_power(&t, pw);
        cr_assert(i == 0 || xc > prev_x, "x(P) not increasing at P = %g", pw);
        prev_x = xc;
    }
}

/*
 * Round trips x -> P -> x and P -> T -> P agree to 1e-12 (relative), plus, for
 * x -> P -> x, the conditioning of the curve's flat bottom: rounding P to
 * 4 eps moves x by 4 eps P / (dP/dx) = 4 eps P / (gamma (P_board - P_idle) x^(gamma-1)).
 */
Test(accelerator, inverse_consistency)
{
    const struct odt_accel_type t = odt_accel_type_b200();
    const double span = t.board_power_w - t.idle_power_w, g = t.dvfs_exponent;
    for (int i = 1; i <= 1000; ++i) {
        const double x = i / 1000.0;
        const double px = odt_accel_power_at_clock(&t, x);
        const double back = odt_accel_clock_at_power(&t, px);
        const double cond = 4.0 * DBL_EPSILON * px / (g * span * pow(x, g - 1.0));
        cr_assert(fabs(back - x) <= 1e-12 * x + cond, "x %g -> %g", x, back);
        const double p = t.idle_power_w + (t.board_power_w - t.idle_power_w) * x;
        const double pb = odt_accel_power_for_tokens(&t, odt_accel_tokens_at_power(&t, p));
        cr_assert(fabs(pb - p) <= 1e-12 * p, "P %g -> %g", p, pb);
    }
}

/*
 * The chosen operating point: at 70 % of board power, (0.7 - 0.1)/0.9 = 2/3,
 * x = (2/3)^(1/3.85) = exp(-0.4054651/3.85) = 0.900040 (hand). Tolerance 1e-5.
 * Same for the H200 defaults (idle also 10 % of board).
 */
Test(accelerator, seventy_percent_power_point)
{
    const struct odt_accel_type b = odt_accel_type_b200(), h = odt_accel_type_h200();
    cr_expect(fabs(odt_accel_tokens_at_power(&b, 700.0) / b.tokens_per_s_full - 0.900040) < 1e-5);
    cr_expect(fabs(odt_accel_tokens_at_power(&h, 490.0) / h.tokens_per_s_full - 0.900040) < 1e-5);
    /* and, read the other way: 90 % of the clock costs 0.1 + 0.9 * 0.9^3.85 = 0.699896 of board power */
    cr_expect(fabs(odt_accel_power_at_clock(&b, 0.9) / 1000.0 - 0.699896) < 1e-5);
}

/*
 * Most efficient clock x* = (P_idle / ((gamma - 1)(P_board - P_idle)))^(1/gamma)
 * = (100 / 2565)^(1/3.85) = 0.430530 (hand) for the B200 without a cap floor;
 * a grid search of x / P(x) over 1e5 points must find the same maximum within
 * the grid spacing 1e-5. With the default cap floor (300 W): x(300 W) =
 * (200/900)^(1/3.85) = 0.676604 (hand), which is then the floor.
 */
Test(accelerator, efficient_floor_clock)
{
    struct odt_accel_type t = odt_accel_type_b200();
    t.min_cap_fraction = 0.0;
    const double xs = odt_accel_floor_clock(&t);
    cr_expect(fabs(xs - 0.430530) < 1e-5, "x* = %.8f", xs);
    double best = 0.0, xbest = 0.0;
    for (int i = 1; i <= 100000; ++i) {
        const double x = i / 100000.0, e = x / odt_accel_power_at_clock(&t, x);
        if (e > best) {
            best = e;
            xbest = x;
        }
    }
    cr_expect(fabs(xbest - xs) <= 1e-5, "grid %.6f vs closed form %.6f", xbest, xs);
    const struct odt_accel_type d = odt_accel_type_b200();
    cr_expect(fabs(odt_accel_floor_clock(&d) - 0.676604) < 1e-5, "floor %.8f", odt_accel_floor_clock(&d));
    /* gamma <= 1: efficiency rises all the way, the floor is the top clock */
    t.dvfs_exponent = 1.0;
    cr_expect_eq(odt_accel_floor_clock(&t), 1.0);
}

/* ------------------------------------------------------------------ node */

/* a node of 8 B200 (round numbers for the hand cases below) */
static struct odt_node_spec b200_node(void)
{
    struct odt_node_spec s = odt_node_spec_default();
    s.type = odt_accel_type_b200();
    return s;
}

/*
 * Defaults: 8 H200 (700 W) + 500 W bus = 6100 W, 8 x 3964 = 31712 tokens/s
 * (MLPerf 8x H200), as the demand model assumes; 1 spare.
 * B200 node: 8 x 1000 W + 500 W = 8500 W, 8 x 12875 = 103000 tokens/s (MLPerf 8x B200).
 */
Test(node, defaults_full_load)
{
    const struct odt_node_spec d = odt_node_spec_default();
    cr_expect_eq(odt_node_spec_power_full_w(&d, d.n_accel), 6100.0);
    cr_expect_eq(odt_node_spec_capacity_full(&d, d.n_accel), 31712.0);
    cr_expect_eq(d.n_spares, 1);
    const struct odt_node_spec s = b200_node();
    cr_expect_eq(odt_node_spec_power_full_w(&s, s.n_accel), 8500.0);
    cr_expect_eq(odt_node_spec_capacity_full(&s, s.n_accel), 103000.0);
    cr_expect_eq(odt_node_spec_capacity_full(&s, 0), 0.0);
    cr_expect_eq(odt_node_spec_power_full_w(&s, 0), 500.0);
    cr_expect_eq(odt_node_spec_capacity(&s, 8, 8000.0), 103000.0);
    cr_expect_eq(odt_node_spec_capacity(&s, 8, 1e9), 103000.0);
    cr_expect_eq(odt_node_spec_capacity(&s, 0, 8000.0), 0.0);
    cr_expect_eq(odt_node_spec_capacity(&s, 8, 0.0), 0.0);
    cr_expect_eq(odt_node_spec_power_for_tokens(&s, 8, 103000.0), 8000.0);
    cr_expect_eq(odt_node_spec_power_for_tokens(&s, 8, 2e5), 8000.0);
}

/*
 * Capacity over the whole budget range: continuous and increasing, never
 * above full capacity, linear (duty cycle) below the floor, all at one cap
 * above it, and the exact inverse of power_for_tokens (1e-12 relative).
 */
Test(node, capacity_curve_and_inverse)
{
    const struct odt_node_spec s = b200_node();
    const int n = 8;
    const double full = odt_node_spec_capacity_full(&s, n);
    const double xf = odt_accel_floor_clock(&s.type), pf = odt_accel_power_at_clock(&s.type, xf);
    double prev = 0.0;
    for (int i = 1; i <= 20000; ++i) {
        const double p = 8000.0 * i / 20000.0;
        const double c = odt_node_spec_capacity(&s, n, p);
        cr_assert(c > prev && c <= full, "capacity %g at %g W (prev %g)", c, p, prev);
        prev = c;
        const double pb = odt_node_spec_power_for_tokens(&s, n, c);
        cr_assert(fabs(pb - p) <= 1e-12 * p, "power %g -> %g tokens/s -> %g", p, c, pb);
        if (p / n < pf) /* duty cycle: tokens per joule constant, x_floor T_full / P(x_floor) */
            cr_assert(fabs(c / p - xf * s.type.tokens_per_s_full / pf) <= 1e-12 * (c / p));
        else /* every accelerator at the cap p/n */
            cr_assert(fabs(c - n * odt_accel_tokens_at_power(&s.type, p / n)) <= 1e-12 * c);
    }
    /* continuity at the floor: both branches give n x_floor T_full there */
    const double below = odt_node_spec_capacity(&s, n, n * pf * (1.0 - 1e-12));
    const double above = odt_node_spec_capacity(&s, n, n * pf);
    cr_expect(fabs(above - below) <= 1e-9 * above, "jump at the floor: %g vs %g", below, above);
    cr_expect(fabs(above - n * xf * s.type.tokens_per_s_full) <= 1e-9 * above);
}

/* Below the floor, duty-cycling beats capping every accelerator lower (strictly, by the floor choice). */
Test(node, duty_cycle_beats_uniform_cap)
{
    struct odt_node_spec s = b200_node();
    s.type.min_cap_fraction = 0.0; /* allow any cap, so the uniform policy is available to compare */
    const int n = 8;
    const double pf = odt_accel_power_at_clock(&s.type, odt_accel_floor_clock(&s.type));
    for (int i = 1; i < 100; ++i) {
        const double p = n * (s.type.idle_power_w + (pf - s.type.idle_power_w) * i / 100.0);
        const double uniform = n * odt_accel_tokens_at_power(&s.type, p / n);
        cr_assert(odt_node_spec_capacity(&s, n, p) > uniform, "at %g W", p);
    }
}

/*
 * Throttle: 1 at or below 353.15 K, 0 at or above 368.15 K, linear between:
 * 360.65 K is the midpoint (0.5), 356.9 K is a quarter of the way (0.75).
 */
Test(node, thermal_throttle)
{
    const struct odt_node_spec s = odt_node_spec_default();
    cr_expect_eq(odt_node_spec_throttle(&s, 300.0), 1.0);
    cr_expect_eq(odt_node_spec_throttle(&s, 353.15), 1.0);
    cr_expect(fabs(odt_node_spec_throttle(&s, 360.65) - 0.5) < 1e-12);
    cr_expect(fabs(odt_node_spec_throttle(&s, 356.9) - 0.75) < 1e-12);
    cr_expect_eq(odt_node_spec_throttle(&s, 368.15), 0.0);
    cr_expect_eq(odt_node_spec_throttle(&s, 400.0), 0.0);
    double prev = 2.0;
    for (int i = 0; i <= 1000; ++i) {
        const double f = odt_node_spec_throttle(&s, 350.0 + 0.02 * i);
        cr_assert(f <= prev && f >= 0.0 && f <= 1.0);
        prev = f;
    }
}

/*
 * Compute budget: the bus is served first, the budget is capped at n P_board
 * and at throttle x n P_board. Hand cases with 8 x 1000 W and a 500 W bus.
 */
Test(node, compute_budget)
{
    const struct odt_node_spec s = b200_node();
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 8, 8500.0, 300.0), 8000.0);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 8, 20000.0, 300.0), 8000.0);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 8, 4500.0, 300.0), 4000.0);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 8, 400.0, 300.0), 0.0);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 6, 8500.0, 300.0), 6000.0);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 0, 8500.0, 300.0), 0.0);
    /* hot: throttle 0.5 caps the budget at 4000 W whatever is supplied */
    cr_expect(fabs(odt_node_spec_compute_budget_w(&s, 8, 8500.0, 360.65) - 4000.0) < 1e-9);
    /* hot and short of power: the smaller limit wins */
    cr_expect(fabs(odt_node_spec_compute_budget_w(&s, 8, 2500.0, 360.65) - 2000.0) < 1e-9);
    cr_expect_eq(odt_node_spec_compute_budget_w(&s, 8, 8500.0, 370.0), 0.0);
}
