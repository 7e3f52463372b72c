/*
 * test_shadow.c: cylindrical and conical Earth shadow (orbit/shadow.h).
 *
 * Expected values come from hand-made geometry, the analytic eclipse
 * fraction of a circular orbit versus its beta angle (the cylindrical-shadow formula),
 * the apparent-disk geometry of the penumbra crossing, and a direct numerical
 * integration of the overlap area of two disks.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "orbit/odt_defs.h"
#include "orbit/shadow.h"

#define RE ODT_EARTH_RADIUS_KM
#define AU ODT_AU_KM
#define MU ODT_EARTH_MU_KM3_S2

static const double SUN_X[3] = {1.0, 0.0, 0.0};

/* ------------------------------------------------------------------ cylindrical, hand geometry */

Test(shadow_cylindrical, hand_geometries)
{
    const double sun_side[3] = {7000.0, 0.0, 0.0};
    const double behind[3] = {-7000.0, 0.0, 0.0};
    const double behind_off_axis[3] = {-7000.0, 3000.0, 4000.0};  /* 5000 km from the axis: inside */
    const double behind_outside[3] = {-7000.0, 4000.0, 5200.0};   /* 6560 km from the axis: outside */
    const double terminator[3] = {0.0, 7000.0, 0.0};              /* in the terminator plane */
    const double terminator_low[3] = {0.0, 0.0, 6500.0};
    const double far_behind[3] = {-1.0e6, 100.0, 0.0};           /* a cylinder never closes */
    cr_assert(odt_shadow_cylindrical(sun_side, SUN_X, RE) > 0.5, "sun side must be lit");
    cr_assert(odt_shadow_cylindrical(behind, SUN_X, RE) < 0.5, "directly behind the Earth must be dark");
    cr_assert(odt_shadow_cylindrical(behind_off_axis, SUN_X, RE) < 0.5, "5000 km off the axis behind: dark");
    cr_assert(odt_shadow_cylindrical(behind_outside, SUN_X, RE) > 0.5, "6560 km off the axis behind: lit");
    cr_assert(odt_shadow_cylindrical(terminator, SUN_X, RE) > 0.5, "terminator plane: lit");
    cr_assert(odt_shadow_cylindrical(terminator_low, SUN_X, RE) > 0.5, "terminator plane over the pole: lit");
    cr_assert(odt_shadow_cylindrical(far_behind, SUN_X, RE) < 0.5, "1e6 km behind on the axis: dark (cylinder)");

    /* values are exactly 0 or 1 (the model is binary) */
    const double v1 = odt_shadow_cylindrical(sun_side, SUN_X, RE), v0 = odt_shadow_cylindrical(behind, SUN_X, RE);
    cr_assert(v1 == 1.0 && v0 == 0.0, "cylindrical model must return exactly 1 or 0: %g %g", v1, v0);

    /* the shadow edge: a point behind the Earth at 1 - 1e-9 and 1 + 1e-9 Earth radii from the axis */
    const double in_edge[3] = {-7000.0, RE * (1.0 - 1e-9), 0.0};
    const double out_edge[3] = {-7000.0, RE * (1.0 + 1e-9), 0.0};
    cr_assert(odt_shadow_cylindrical(in_edge, SUN_X, RE) == 0.0, "just inside the cylinder edge must be dark");
    cr_assert(odt_shadow_cylindrical(out_edge, SUN_X, RE) == 1.0, "just outside the cylinder edge must be lit");
    /* just on either side of the terminator plane, 6000 km from the shadow axis (a point inside the Earth:
     * geometry only, it pins the d >= 0 test) */
    const double before[3] = {1e-6, 6000.0, 0.0}, after[3] = {-1e-6, 6000.0, 0.0};
    cr_assert(odt_shadow_cylindrical(before, SUN_X, RE) == 1.0, "sunward of the terminator plane must be lit");
    cr_assert(odt_shadow_cylindrical(after, SUN_X, RE) == 0.0, "anti-sunward of the terminator, inside R: dark");
}

/* Same geometry in a rotated frame: the Sun along (1,2,2)/3. */
Test(shadow_cylindrical, arbitrary_sun_direction)
{
    const double s[3] = {1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0};
    /* a unit vector perpendicular to s */
    const double p[3] = {2.0 / 3.0, 1.0 / 3.0, -2.0 / 3.0};
    for (int j = -10; j <= 10; ++j) {
        const double off = 7000.0 * j / 10.0; /* distance from the shadow axis */
        double r[3];
        for (int c = 0; c < 3; ++c)
            r[c] = -7000.0 * s[c] + off * p[c];
        const double want = fabs(off) < RE ? 0.0 : 1.0;
        const double got = odt_shadow_cylindrical(r, s, RE);
        cr_assert(fabs(got - want) < 0.5, "off-axis %g km behind: got %g, expected %g", off, got, want);
        for (int c = 0; c < 3; ++c)
            r[c] = 7000.0 * s[c] + off * p[c];
        cr_assert(odt_shadow_cylindrical(r, s, RE) == 1.0, "sunward at off-axis %g km must be lit", off);
    }
}

/* ------------------------------------------------------------------ conical: umbra, lit, penumbra */

Test(shadow_conical, umbra_lit_penumbra)
{
    const double deep[3] = {-7000.0, 0.0, 0.0};
    const double lit[3] = {7000.0, 0.0, 0.0};
    const double side[3] = {-100.0, 7000.0, 0.0};
    const double f_deep = odt_shadow_conical(deep, SUN_X, AU, RE);
    const double f_lit = odt_shadow_conical(lit, SUN_X, AU, RE);
    const double f_side = odt_shadow_conical(side, SUN_X, AU, RE);
    cr_assert(f_deep == 0.0, "deep umbra must give exactly 0, got %.17g", f_deep);
    cr_assert(f_lit == 1.0, "sun side must give exactly 1, got %.17g", f_lit);
    cr_assert(f_side == 1.0, "just past the terminator, 7000 km out: lit, got %.17g", f_side);
    /* the illumination agrees with odt_illumination's dispatch */
    cr_assert(fabs(odt_illumination(ODT_SHADOW_CONICAL, deep, SUN_X, AU, RE) - f_deep) < 1e-15, "dispatch");
    cr_assert(odt_illumination(ODT_SHADOW_NONE, deep, SUN_X, AU, RE) == 1.0, "model NONE is always lit");
    cr_assert(odt_illumination(ODT_SHADOW_CYLINDRICAL, deep, SUN_X, AU, RE) == 0.0, "dispatch to cylindrical");
}

/*
 * Angle between the Earth's and the Sun's centres seen from a satellite at
 * radius rn, orbit angle th in the xy plane, Sun at AU on +x: computed with
 * atan2 of cross and dot (not acos as in the header).
 */
static double centre_sep(double rn, double th, double *a, double *b)
{
    const double r[3] = {rn * cos(th), rn * sin(th), 0.0};
    const double e[3] = {-r[0], -r[1], -r[2]};
    const double s[3] = {AU - r[0], -r[1], -r[2]};
    const double cz = e[0] * s[1] - e[1] * s[0];
    const double d = e[0] * s[0] + e[1] * s[1];
    const double ds = sqrt(s[0] * s[0] + s[1] * s[1]);
    *a = atan2(ODT_SUN_RADIUS_KM, sqrt(ds * ds - ODT_SUN_RADIUS_KM * ODT_SUN_RADIUS_KM));
    *b = atan2(RE, sqrt(rn * rn - RE * RE));
    return atan2(fabs(cz), d);
}

/*
 * At the point where the Earth's limb passes through the Sun's centre (c = b),
 * a straight limb would hide exactly half of the Sun; the limb's curvature
 * hides a little less: covered area = pi a^2/2 - a^3/(3b) to O(a^5/b^3), so
 * f = 1/2 + a/(3 pi b) (~0.5004 at 650 km). Bound 1e-6: the neglected term is
 * ~(a/b)^3 ~ 6e-8, and c = b is found by bisection to 1e-13 rad.
 */
Test(shadow_conical, limb_through_sun_centre)
{
    const double rn = RE + 650.0;
    double lo = ODT_PI / 2, hi = ODT_PI, a, b; /* c(th) falls from ~pi/2 to 0 */
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        const double c = centre_sep(rn, mid, &a, &b);
        if (c > b)
            lo = mid;
        else
            hi = mid;
    }
    const double th = 0.5 * (lo + hi);
    const double c = centre_sep(rn, th, &a, &b);
    const double r[3] = {rn * cos(th), rn * sin(th), 0.0};
    const double f = odt_shadow_conical(r, SUN_X, AU, RE);
    const double want = 0.5 + a / (3.0 * ODT_PI * b);
    cr_log_info("limb through the Sun centre: a=%.6f deg b=%.6f deg c-b=%.2g, f=%.9f, 1/2+a/(3 pi b)=%.9f",
                a * ODT_RAD2DEG, b * ODT_RAD2DEG, c - b, f, want);
    cr_assert(f > 0.0 && f < 1.0, "penumbra point must give 0 < f < 1, got %.17g", f);
    cr_assert(fabs(f - want) < 1e-6, "f = %.9f, curved-limb estimate 1/2 + a/(3 pi b) = %.9f", f, want);
}

/*
 * Penumbra crossing of a circular 650 km orbit at beta = 0 (Sun in the orbit
 * plane). From the satellite the Earth's centre direction turns at the
 * orbital rate n while the Sun's direction stays fixed (parallax r/AU ~ 5e-5),
 * and the Earth's angular radius b = asin(R/r) is constant, so the centre
 * separation c falls at rate n. The Sun is first touched at c = a + b (f
 * leaves 1) and fully hidden at c = b - a (f reaches 0): the crossing lasts
 * 2 a / n with a = asin(R_sun/d) ~ 0.2666 deg. Tolerance 1e-3 relative
 * (~9 ms of ~8.6 s): the neglected terms are O(r/AU) = 5e-5 in both a and the
 * rate of c, and the edges are bisected to 1e-9 s.
 */
static double f_at(double rn, double n, double t)
{
    const double r[3] = {rn * cos(n * t), rn * sin(n * t), 0.0};
    return odt_shadow_conical(r, SUN_X, AU, RE);
}

Test(shadow_conical, penumbra_duration_beta0)
{
    const double rn = RE + 650.0;
    const double n = sqrt(MU / (rn * rn * rn));
    const double asun = asin(ODT_SUN_RADIUS_KM / AU);
    cr_assert(fabs(asun * ODT_RAD2DEG - 0.2666) < 5e-4, "Sun's angular radius %.5f deg, expected ~0.2666",
              asun * ODT_RAD2DEG);
    /* coarse scan of the half orbit approaching the shadow to bracket the edges */
    const double T = ODT_TWOPI / n;
    double t_lit = -1, t_pen = -1, t_umb = -1;
    for (double t = 0.25 * T; t < 0.5 * T; t += 0.5) {
        const double f = f_at(rn, n, t);
        if (f >= 1.0)
            t_lit = t;
        else if (t_pen < 0.0)
            t_pen = t;
        if (f <= 0.0) {
            t_umb = t;
            break;
        }
    }
    cr_assert(t_lit > 0 && t_pen > 0 && t_umb > 0, "no shadow edges found: %g %g %g", t_lit, t_pen, t_umb);
    /* bisect the last f == 1 and the first f == 0 */
    double lo = t_lit, hi = t_lit + 0.5;
    while (hi - lo > 1e-9) {
        const double mid = 0.5 * (lo + hi);
        if (f_at(rn, n, mid) >= 1.0)
            lo = mid;
        else
            hi = mid;
    }
    const double t1 = 0.5 * (lo + hi);
    lo = t_umb - 0.5;
    hi = t_umb;
    while (hi - lo > 1e-9) {
        const double mid = 0.5 * (lo + hi);
        if (f_at(rn, n, mid) > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    const double t0 = 0.5 * (lo + hi);
    const double got = t0 - t1, want = 2.0 * asun / n;
    cr_log_info("penumbra crossing at 650 km, beta 0: %.6f s, 2 a_sun / n = %.6f s", got, want);
    cr_assert(fabs(got - want) < 1e-3 * want, "penumbra crossing %.6f s, expected 2 a/n = %.6f s (rel %.3g)", got,
              want, (got - want) / want);
    /* f falls monotonically through the penumbra */
    double prev = 1.0;
    for (int j = 0; j <= 1000; ++j) {
        const double f = f_at(rn, n, t1 + (t0 - t1) * j / 1000.0);
        cr_assert(f <= prev + 1e-12, "f rose from %.12g to %.12g inside the penumbra", prev, f);
        prev = f;
    }
}

/* ------------------------------------------------------------------ two-disk overlap */

/*
 * Annular case: the dark disk wholly inside the bright one hides b^2/a^2 of
 * it wherever it sits. Also a real one: far beyond the end of the umbra
 * (~1.38e6 km), at 3e6 km behind the Earth, the Earth (0.122 deg) sits inside
 * the Sun's disk (0.267 deg).
 */
Test(shadow_disks, annular)
{
    static const double cs[] = {0.0, 0.1, 0.3, 0.5, 0.69};
    for (size_t j = 0; j < sizeof cs / sizeof cs[0]; ++j) {
        const double f = odt_disk_visible_fraction(1.0, 0.3, cs[j]);
        cr_assert(fabs(f - 0.91) < 1e-15, "annular a=1 b=0.3 c=%g: f=%.17g, expected 0.91", cs[j], f);
    }
    const double r[3] = {-3.0e6, 1000.0, 0.0};
    const double f = odt_shadow_conical(r, SUN_X, AU, RE);
    const double rn = sqrt(r[0] * r[0] + r[1] * r[1]);
    const double ds = sqrt((AU - r[0]) * (AU - r[0]) + r[1] * r[1]);
    const double a = asin(ODT_SUN_RADIUS_KM / ds), b = asin(RE / rn);
    const double want = 1.0 - b * b / (a * a);
    cr_assert(b < a, "geometry: Earth %.4f deg must be smaller than the Sun %.4f deg", b * ODT_RAD2DEG,
              a * ODT_RAD2DEG);
    cr_assert(fabs(f - want) < 1e-12, "antumbra at 3e6 km: f=%.15g, 1 - b^2/a^2 = %.15g", f, want);
}

/*
 * Partial overlap against a direct numerical integration of the covered area:
 * for each of N strips across the bright disk, the overlap of its chord with
 * the dark disk's chord (midpoint rule). The square-root ends of the chords
 * limit the midpoint rule to ~N^-1.5: N = 2e5 gives < 1e-7; bound 1e-6.
 */
static double overlap_fraction_numeric(double a, double b, double c)
{
    const int N = 200000;
    const double h = 2.0 * a / N;
    double area = 0.0;
    for (int j = 0; j < N; ++j) {
        const double y = -a + (j + 0.5) * h;
        const double xa = sqrt(fmax(a * a - y * y, 0.0));
        if (fabs(y) >= b)
            continue;
        const double xb = sqrt(b * b - y * y);
        const double lo = fmax(-xa, c - xb), hi = fmin(xa, c + xb);
        if (hi > lo)
            area += (hi - lo) * h;
    }
    return 1.0 - area / (ODT_PI * a * a);
}

Test(shadow_disks, partial_overlap_vs_integration)
{
    static const double cases[][3] = {
        {1.0, 1.5, 0.6}, {1.0, 1.5, 1.0}, {1.0, 1.5, 2.0}, {1.0, 1.5, 2.45}, {1.0, 0.5, 0.8}, {1.0, 0.5, 1.2},
        {1.0, 1.0, 0.3}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.9}, {0.004653, 1.1377, 1.1377}, {0.004653, 1.1377, 1.14},
        {0.004653, 1.1377, 1.1340}};
    for (size_t j = 0; j < sizeof cases / sizeof cases[0]; ++j) {
        const double a = cases[j][0], b = cases[j][1], c = cases[j][2];
        const double f = odt_disk_visible_fraction(a, b, c);
        const double want = overlap_fraction_numeric(a, b, c);
        cr_assert(fabs(f - want) < 1e-6, "a=%g b=%g c=%g: f=%.10f, integrated %.10f", a, b, c, f, want);
    }
}

/* f(c) never decreases as the disks separate, and is continuous at the case boundaries. */
Test(shadow_disks, monotonic_in_separation)
{
    static const double ab[][2] = {{0.004653, 1.1377}, {1.0, 1.5}, {1.0, 0.4}, {1.0, 1.0}, {0.00465, 0.00213}};
    for (size_t j = 0; j < sizeof ab / sizeof ab[0]; ++j) {
        const double a = ab[j][0], b = ab[j][1];
        const double cmax = a + b + 0.1 * a;
        const int N = 20000;
        double prev = odt_disk_visible_fraction(a, b, 0.0);
        for (int k = 1; k <= N; ++k) {
            const double c = cmax * k / N;
            const double f = odt_disk_visible_fraction(a, b, c);
            cr_assert(f >= 0.0 && f <= 1.0, "a=%g b=%g c=%g: f=%g outside [0,1]", a, b, c, f);
            cr_assert(f >= prev - 1e-13, "a=%g b=%g: f fell from %.15g to %.15g at c=%.10g", a, b, prev, f, c);
            /* continuity: a step of cmax/N in c moves f by at most the largest slope times the step */
            const double slope_max = 2.0 * 2.0 * fmin(a, b) / (ODT_PI * a * a); /* chord 2 min(a,b) / area */
            cr_assert(f - prev <= slope_max * cmax / N * 1.01 + 1e-12, "a=%g b=%g: jump %.3g at c=%.10g", a, b,
                      f - prev, c);
            prev = f;
        }
        cr_assert(fabs(odt_disk_visible_fraction(a, b, a + b) - 1.0) < 1e-15, "f(a+b) must be 1");
        if (b >= a)
            cr_assert(odt_disk_visible_fraction(a, b, b - a) < 1e-12, "f(b-a) must be 0");
    }
}

/* ------------------------------------------------------------------ eclipse duration vs beta */

/*
 * Circular orbit in the xy plane, Sun at elevation beta above it:
 * s = (cos beta, 0, sin beta). Sampled every 0.1 s over one period with the
 * cylindrical model, the shadow time is compared with the published figure
 * f = arccos(sqrt(h^2 + 2Rh) / ((R+h) cos beta)) / 180 deg. The formula is
 * the exact cylinder geometry, so the only error is the sampling: at most one
 * sample at each edge (0.2 s, < 0.05 % of the shortest eclipse here). The
 * required 1 % holds with a wide margin; the bound asserted is 0.25 s.
 */
static double eclipse_time_cyl(double h_km, double beta, double *period)
{
    const double rn = RE + h_km;
    const double n = sqrt(MU / (rn * rn * rn));
    const double T = ODT_TWOPI / n;
    const double s[3] = {cos(beta), 0.0, sin(beta)};
    const double dt = 0.1;
    const long N = (long)ceil(T / dt);
    long dark = 0;
    for (long j = 0; j < N; ++j) {
        const double th = n * (j + 0.5) * dt;
        const double r[3] = {rn * cos(th), rn * sin(th), 0.0};
        if (odt_shadow_cylindrical(r, s, RE) < 0.5)
            ++dark;
    }
    *period = T;
    return dark * (T / N);
}

static double eclipse_fraction_formula(double h, double beta)
{
    const double x = sqrt(h * h + 2.0 * RE * h) / ((RE + h) * cos(beta));
    return x >= 1.0 ? 0.0 : acos(x) / ODT_PI;
}

Test(shadow_cylindrical, eclipse_duration_vs_beta)
{
    static const double hs[] = {400.0, 650.0, 1200.0};
    static const double betas[] = {0.0, 30.0, 60.0};
    for (size_t i = 0; i < 3; ++i)
        for (size_t j = 0; j < 3; ++j) {
            double T;
            const double beta = betas[j] * ODT_DEG2RAD;
            const double got = eclipse_time_cyl(hs[i], beta, &T);
            const double want = eclipse_fraction_formula(hs[i], beta) * T;
            cr_log_info("h=%4.0f km beta=%2.0f deg: eclipse %.2f s (model) vs %.2f s (formula) of %.1f s", hs[i],
                        betas[j], got, want, T);
            cr_assert(fabs(got - want) <= 0.25, "h=%g beta=%g: eclipse %.3f s, formula %.3f s", hs[i], betas[j], got,
                      want);
            if (want > 0.0)
                cr_assert(fabs(got - want) <= 0.01 * want, "h=%g beta=%g: off by more than 1 %%", hs[i], betas[j]);
        }
    /* the usual figure: about 35.5 min per orbit at beta = 0, 550-650 km */
    double T;
    const double e550 = eclipse_time_cyl(550.0, 0.0, &T) / 60.0, e650 = eclipse_time_cyl(650.0, 0.0, &T) / 60.0;
    cr_assert(e550 > 35.0 && e550 < 36.0 && e650 > 35.0 && e650 < 36.0, "beta 0 eclipse %.2f / %.2f min", e550,
              e650);
}

/* Above the critical beta = asin(R/(R+h)) there is no shadow; just below it there is. */
Test(shadow_cylindrical, no_eclipse_above_critical_beta)
{
    static const double hs[] = {400.0, 650.0, 1200.0};
    for (size_t i = 0; i < 3; ++i) {
        const double bc = asin(RE / (RE + hs[i]));
        double T;
        const double above = eclipse_time_cyl(hs[i], bc + 0.2 * ODT_DEG2RAD, &T);
        const double below = eclipse_time_cyl(hs[i], bc - 1.0 * ODT_DEG2RAD, &T);
        cr_assert(above == 0.0, "h=%g: %.1f s of shadow at beta = critical %.3f + 0.2 deg", hs[i], above,
                  bc * ODT_RAD2DEG);
        cr_assert(below > 0.0, "h=%g: no shadow at beta = critical %.3f - 1 deg", hs[i], bc * ODT_RAD2DEG);
    }
}

/*
 * Conical vs cylindrical: with the Sun at infinity, the Sun's centre is hidden
 * exactly when the line from the satellite towards the Sun meets the Earth --
 * the cylinder condition. The penumbra is symmetric about that instant up to
 * the limb curvature (f(c=b) - 1/2 = a/(3 pi b), ~4e-4 over a ~9 s crossing)
 * and the parallax r/AU, so the integral of (1 - f) over an orbit matches the
 * cylindrical eclipse time to well under 0.5 s (bound).
 */
Test(shadow_conical, integrated_shadow_matches_cylinder)
{
    static const double hs[] = {400.0, 1200.0};
    static const double betas[] = {0.0, 45.0};
    for (size_t i = 0; i < 2; ++i)
        for (size_t j = 0; j < 2; ++j) {
            const double rn = RE + hs[i], beta = betas[j] * ODT_DEG2RAD;
            const double n = sqrt(MU / (rn * rn * rn)), T = ODT_TWOPI / n;
            const double s[3] = {cos(beta), 0.0, sin(beta)};
            const double dt = 0.05;
            const long N = (long)ceil(T / dt);
            double dark = 0.0;
            for (long k = 0; k < N; ++k) {
                const double th = n * (k + 0.5) * (T / N);
                const double r[3] = {rn * cos(th), rn * sin(th), 0.0};
                dark += (1.0 - odt_shadow_conical(r, s, AU, RE)) * (T / N);
            }
            const double want = eclipse_fraction_formula(hs[i], beta) * T;
            cr_assert(fabs(dark - want) < 0.5, "h=%g beta=%g: conical shadow %.3f s vs cylinder %.3f s", hs[i],
                      betas[j], dark, want);
        }
}

/* ------------------------------------------------------------------ conical: the trigonometry-free tests */

/*
 * odt_shadow_conical decides "lit" and "umbra" from cosines (square roots
 * only) and evaluates the angles only in the penumbra band. Against the
 * fraction from the angles themselves (a = asin(R_sun/d), b = asin(R/r),
 * c = acos of the centre cosine, then odt_disk_visible_fraction): at random
 * night-side points and on fine scans across both boundaries of orbits from
 * 300 km to GEO, the two agree exactly away from the boundaries and within
 * 1e-12 at them (a decision can only differ within rounding of a boundary,
 * where the fraction is 0 or 1 to rounding).
 */
static double conical_by_angles(const double r[3], const double s[3], double dist)
{
    const double w[3] = {s[0] * dist - r[0], s[1] * dist - r[1], s[2] * dist - r[2]};
    const double ds = sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    const double rr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    const double cc = fmax(-1.0, fmin(1.0, -(r[0] * w[0] + r[1] * w[1] + r[2] * w[2]) / (rr * ds)));
    return odt_disk_visible_fraction(asin(ODT_SUN_RADIUS_KM / ds), asin(RE / rr), acos(cc));
}

Test(shadow_conical, cosine_tests_match_angles)
{
    const double hs[5] = {300.0, 650.0, 1200.0, 20200.0, 35786.0};
    int band = 0, exact = 0;
    for (int k = 0; k < 5; ++k) {
        const double rn = RE + hs[k];
        const double b = asin(RE / rn), a = asin(ODT_SUN_RADIUS_KM / AU);
        /* orbit angle th from +x: the centre separation is ~ pi - th; scan th over both boundaries */
        const double edges[2] = {ODT_PI - (b + a), ODT_PI - (b - a)};
        for (int e = 0; e < 2; ++e)
            for (int j = -20000; j <= 20000; ++j) {
                const double th = edges[e] + j * 2e-8;
                const double r[3] = {rn * cos(th), rn * sin(th), 0.0};
                const double f = odt_shadow_conical(r, SUN_X, AU, RE), g = conical_by_angles(r, SUN_X, AU);
                cr_assert(fabs(f - g) <= 1e-12, "h %g th %.17g: %.17g vs %.17g", hs[k], th, f, g);
                band += f > 0.0 && f < 1.0;
                exact += f == g;
            }
    }
    cr_assert(band > 1000, "the scans must cross the penumbra (%d points in it)", band);
    cr_assert(exact > 390000, "agreement must be exact away from the boundaries (%d of 400010)", exact);
    /* random points on the night side at 6500-50000 km, random Sun directions */
    unsigned long long st = 12345;
    for (int k = 0; k < 200000; ++k) {
        double u[6];
        for (int m = 0; m < 6; ++m) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            u[m] = (double)(st >> 11) * (1.0 / 9007199254740992.0);
        }
        const double z = 2.0 * u[0] - 1.0, ph = ODT_TWOPI * u[1], rn = 6500.0 + 43500.0 * u[2] * u[2];
        const double r[3] = {rn * sqrt(1.0 - z * z) * cos(ph), rn * sqrt(1.0 - z * z) * sin(ph), rn * z};
        const double zs = 2.0 * u[3] - 1.0, ps = ODT_TWOPI * u[4];
        const double s[3] = {sqrt(1.0 - zs * zs) * cos(ps), sqrt(1.0 - zs * zs) * sin(ps), zs};
        const double dist = AU * (0.983 + 0.034 * u[5]);
        if (r[0] * s[0] + r[1] * s[1] + r[2] * s[2] >= 0.0)
            continue;
        const double f = odt_shadow_conical(r, s, dist, RE), g = conical_by_angles(r, s, dist);
        cr_assert(fabs(f - g) <= 1e-12, "random %d: %.17g vs %.17g", k, f, g);
    }
}
