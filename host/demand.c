/* demand.c: inference demand (regions, daily and weekly curves, AR(1) noise) and dispatch helpers. */
#include "host/demand.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <Random123/philox.h>

#include "host/ephem.h"

/* Philox streams of a (seed, region) pair: the 4th counter word. */
enum { STREAM_EPS = 0, STREAM_FILL = 1, STREAM_ROUND = 2 };

/* Quadrature: pieces of at most this length, 4-point Gauss-Legendre on each. */
#define PIECE_MAX_S 1800.0

/* ------------------------------------------------------------------ parameters */

static void set_region(struct odt_demand_region *r, const char *name, double share, double lon, double lat)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->share = share;
    r->longitude_deg = lon;
    r->latitude_deg = lat;
}

void odt_demand_params_default(struct odt_demand_params *p)
{
    memset(p, 0, sizeof *p);
    p->tokens_per_s = 5.0e7;
    /* Internet users 2023: ITU Facts and Figures 2023 penetration by ITU region times UN WPP 2022
       populations (about 5.3e9 users); the Americas split US+Canada / Latin America, Oceania taken
       out of Asia-Pacific, Arab States and CIS put with Europe/Africa (UTC+0..+5). Longitudes are
       user-weighted centres, rounded to 5 deg (docs/workload.md). */
    set_region(&p->region[0], "north_america", 0.066, -90.0, 38.0);
    set_region(&p->region[1], "south_america", 0.104, -65.0, -5.0);
    set_region(&p->region[2], "europe_africa", 0.297, 25.0, 30.0);
    set_region(&p->region[3], "asia", 0.527, 100.0, 25.0);
    set_region(&p->region[4], "oceania", 0.006, 150.0, -32.0);
    p->n_regions = 5;
    p->diurnal_amplitude = 0.4;
    p->diurnal_peak_h = 20.0;
    p->diurnal_trough_h = 4.0;
    p->weekend_factor = 0.8;
    p->noise_sigma = 0.1;
    p->noise_correlation_s = 3600.0;
}

/* Shape of the daily curve: Delta (rad, peak to trough forward in time) and k. */
static void diurnal_shape(const struct odt_demand_params *p, double *delta, double *k)
{
    double dh = fmod(p->diurnal_trough_h - p->diurnal_peak_h, 24.0);
    if (dh < 0.0)
        dh += 24.0;
    *delta = ODT_TWOPI * dh / 24.0;
    const double s = sin(0.5 * *delta);
    *k = s > 0.0 ? (ODT_PI - *delta) / (2.0 * s) : INFINITY;
}

#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            if (err && errlen)                                                                                       \
                snprintf(err, errlen, __VA_ARGS__);                                                                  \
            return ODT_ERR_VALUE;                                                                                    \
        }                                                                                                            \
    } while (0)

enum odt_status odt_demand_params_check(const struct odt_demand_params *p, char *err, size_t errlen)
{
    CHECK(p->tokens_per_s >= 0.0 && p->tokens_per_s <= 1e15, "demand_tokens_per_s = %g: must be in [0, 1e15]",
          p->tokens_per_s);
    CHECK(p->n_regions >= 1 && p->n_regions <= ODT_DEMAND_MAX_REGIONS, "demand_regions: %d regions, must be 1..%d",
          p->n_regions, ODT_DEMAND_MAX_REGIONS);
    double sum = 0.0;
    for (int r = 0; r < p->n_regions; ++r) {
        const struct odt_demand_region *g = &p->region[r];
        CHECK(g->share >= 0.0 && g->share <= 1e6, "demand_regions[%d] (%s): share = %g must be >= 0", r, g->name,
              g->share);
        CHECK(g->longitude_deg >= -180.0 && g->longitude_deg <= 360.0,
              "demand_regions[%d] (%s): longitude_deg = %g must be in [-180, 360]", r, g->name, g->longitude_deg);
        CHECK(g->latitude_deg >= -90.0 && g->latitude_deg <= 90.0,
              "demand_regions[%d] (%s): latitude_deg = %g must be in [-90, 90]", r, g->name, g->latitude_deg);
        sum += g->share;
    }
    CHECK(sum > 0.0, "demand_regions: the shares sum to 0");
    CHECK(p->diurnal_amplitude >= 0.0 && p->diurnal_amplitude < 1.0, "diurnal_amplitude = %g: must be in [0, 1)",
          p->diurnal_amplitude);
    CHECK(p->diurnal_peak_h >= 0.0 && p->diurnal_peak_h < 24.0, "diurnal_peak_h = %g: must be in [0, 24)",
          p->diurnal_peak_h);
    CHECK(p->diurnal_trough_h >= 0.0 && p->diurnal_trough_h < 24.0, "diurnal_trough_h = %g: must be in [0, 24)",
          p->diurnal_trough_h);
    double delta, k;
    diurnal_shape(p, &delta, &k);
    CHECK(fabs(k) <= 0.9,
          "diurnal_trough_h = %g, diurnal_peak_h = %g: the trough must come 6.71..17.29 h after the peak "
          "(here %.2f h)",
          p->diurnal_trough_h, p->diurnal_peak_h, delta * 24.0 / ODT_TWOPI);
    CHECK(p->weekend_factor > 0.0 && p->weekend_factor <= 10.0, "weekend_factor = %g: must be in (0, 10]",
          p->weekend_factor);
    CHECK(p->noise_sigma >= 0.0 && p->noise_sigma <= 2.0, "noise_sigma = %g: must be in [0, 2]", p->noise_sigma);
    CHECK(p->noise_correlation_s >= 1.0 && p->noise_correlation_s <= 1e8,
          "noise_correlation_s = %g: must be in [1, 1e8] s", p->noise_correlation_s);
    return ODT_OK;
}

/* ------------------------------------------------------------------ deterministic factors */

double odt_demand_diurnal(const struct odt_demand_params *p, double local_hour)
{
    double delta, k;
    diurnal_shape(p, &delta, &k);
    /* h_mid: halfway from the peak to the trough; y = -Delta/2 at the peak, +Delta/2 at the trough */
    const double h_mid = p->diurnal_peak_h + 0.5 * delta * 24.0 / ODT_TWOPI;
    const double y = ODT_TWOPI * (local_hour - h_mid) / 24.0;
    return 1.0 - p->diurnal_amplitude * sin(y + k * sin(y));
}

double odt_demand_weekly(const struct odt_demand_params *p, int weekday)
{
    const double f = p->weekend_factor;
    return (weekday == 5 || weekday == 6) ? 7.0 * f / (5.0 + 2.0 * f) : 7.0 / (5.0 + 2.0 * f);
}

/* Local mean solar date: days since 2000-01-01T00:00 local (a Saturday), split into day and hour. */
static void local_day(const struct odt_epoch *ep, double t_s, double lon_deg, double *day, double *hour)
{
    /* utc1 is a whole-day or half-day JD and utc2 the rest: subtract the reference from utc1 first (exact) */
    const double d = (ep->utc1 - 2451544.5) + ep->utc2 + t_s / ODT_SEC_PER_DAY + lon_deg / 360.0;
    double fd = floor(d);
    double h = (d - fd) * 24.0; /* d - fd is exact and below 1; the product may round up to 24 */
    if (h >= 24.0) {
        h = 0.0;
        fd += 1.0;
    }
    *day = fd;
    *hour = h;
}

static int weekday_of(double day)
{
    /* day 0 = 2000-01-01, a Saturday (5 with Monday = 0) */
    double w = fmod(day + 5.0, 7.0);
    if (w < 0.0)
        w += 7.0;
    return (int)w;
}

double odt_demand_local_time(const struct odt_epoch *ep, double t_s, double lon_deg, int *weekday)
{
    double day, hour;
    local_day(ep, t_s, lon_deg, &day, &hour);
    if (weekday)
        *weekday = weekday_of(day);
    return hour;
}

/* ------------------------------------------------------------------ random numbers */

static philox4x32_key_t demand_key(uint64_t seed)
{
    philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32) ^ ODT_DEMAND_KEY_DOMAIN}};
    return k;
}

static philox4x32_ctr_t draw(philox4x32_key_t key, uint64_t block, uint32_t region, uint32_t stream)
{
    philox4x32_ctr_t c = {{(uint32_t)block, (uint32_t)(block >> 32), region, stream}};
    return philox4x32(c, key);
}

/* Four standard normals from one Philox block (Box-Muller on 32-bit uniforms; |z| <= 6.66). */
static void normals4(philox4x32_ctr_t r, double z[4])
{
    for (int i = 0; i < 2; ++i) {
        const double u1 = ((double)r.v[2 * i] + 0.5) * (1.0 / 4294967296.0); /* (0, 1) */
        const double u2 = (double)r.v[2 * i + 1] * (1.0 / 4294967296.0);    /* [0, 1) */
        const double rad = sqrt(-2.0 * log(u1));
        z[2 * i] = rad * cos(ODT_TWOPI * u2);
        z[2 * i + 1] = rad * sin(ODT_TWOPI * u2);
    }
}

/* Lattice index j (any int64) to an unsigned index that keeps the order (2^63 bias): j = 4 block + lane. */
static uint64_t biased(int64_t j) { return (uint64_t)j ^ 0x8000000000000000ull; }

/* The standard normal number j of a stream. */
static double normal_at(philox4x32_key_t key, uint32_t region, uint32_t stream, int64_t j)
{
    double z[4];
    const uint64_t b = biased(j);
    normals4(draw(key, b >> 2, region, stream), z);
    return z[b & 3u];
}

/* Unit-variance AR(1) value x_n of a region (see odt_demand_noise). */
static double noise_unit(uint64_t seed, uint32_t region, int64_t n)
{
    const philox4x32_key_t key = demand_key(seed);
    const double rho = exp(-1.0 / ODT_DEMAND_NOISE_CELLS_PER_TAU);
    /* Horner from the oldest term: s = sum_{j=0}^{M-1} rho^j e_{n-j} */
    double s = 0.0, z[4];
    uint64_t have = 0;
    int valid = 0;
    for (int64_t j = n - (ODT_DEMAND_NOISE_TERMS - 1); j <= n; ++j) {
        const uint64_t b = biased(j);
        if (!valid || (b >> 2) != have) {
            have = b >> 2;
            valid = 1;
            normals4(draw(key, have, region, STREAM_EPS), z);
        }
        s = rho * s + z[b & 3u];
    }
    const double fill = normal_at(key, region, STREAM_FILL, n - ODT_DEMAND_NOISE_TERMS);
    return sqrt(1.0 - rho * rho) * s + exp(-(double)ODT_DEMAND_NOISE_TERMS / ODT_DEMAND_NOISE_CELLS_PER_TAU) * fill;
}

static double noise_cell_s(const struct odt_demand_params *p)
{
    return p->noise_correlation_s / ODT_DEMAND_NOISE_CELLS_PER_TAU;
}

static double noise_factor_cell(const struct odt_demand_params *p, uint64_t seed, int region, int64_t n)
{
    const double sg = p->noise_sigma;
    if (sg <= 0.0)
        return 1.0;
    return exp(sg * noise_unit(seed, (uint32_t)region, n) - 0.5 * sg * sg);
}

double odt_demand_noise(const struct odt_demand_params *p, uint64_t seed, int region, double t_s)
{
    if (p->noise_sigma <= 0.0)
        return 1.0;
    return noise_factor_cell(p, seed, region, (int64_t)floor(t_s / noise_cell_s(p)));
}

/* ------------------------------------------------------------------ rates and tokens */

static double share_sum(const struct odt_demand_params *p)
{
    double s = 0.0;
    for (int r = 0; r < p->n_regions; ++r)
        s += p->region[r].share;
    return s;
}

/* The smooth part of region r's rate (tokens/s) at t_s, without the noise. */
static double smooth_rate(const struct odt_demand_params *p, const struct odt_epoch *ep, double scale, int r,
                          double t_s)
{
    double day, hour;
    local_day(ep, t_s, p->region[r].longitude_deg, &day, &hour);
    return scale * p->region[r].share * odt_demand_diurnal(p, hour) * odt_demand_weekly(p, weekday_of(day));
}

double odt_demand_rate(const struct odt_demand_params *p, const struct odt_epoch *ep, double t_s, uint64_t seed,
                       double *region_rate_tps)
{
    const double scale = p->tokens_per_s / share_sum(p);
    double total = 0.0;
    for (int r = 0; r < p->n_regions; ++r) {
        const double v = smooth_rate(p, ep, scale, r, t_s) * odt_demand_noise(p, seed, r, t_s);
        if (region_rate_tps)
            region_rate_tps[r] = v;
        total += v;
    }
    return total;
}

/* 4-point Gauss-Legendre on [-1, 1] (Abramowitz & Stegun table 25.4). */
static const double GL_X[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
static const double GL_W[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};

/* Integral of the smooth part of region r over [a, b], known to hold no local midnight inside. */
static double smooth_integral(const struct odt_demand_params *p, const struct odt_epoch *ep, double scale, int r,
                              double a, double b)
{
    const int pieces = (int)ceil((b - a) / PIECE_MAX_S);
    const double len = (b - a) / pieces;
    double sum = 0.0;
    for (int q = 0; q < pieces; ++q) {
        const double lo = a + q * len, half = 0.5 * len, mid = lo + half;
        double s = 0.0;
        for (int g = 0; g < 4; ++g)
            s += GL_W[g] * smooth_rate(p, ep, scale, r, mid + half * GL_X[g]);
        sum += half * s;
    }
    return sum;
}

/* Next local midnight of region r strictly after t_s (s since the epoch). */
static double next_midnight(const struct odt_demand_params *p, const struct odt_epoch *ep, int r, double t_s)
{
    double day, hour;
    local_day(ep, t_s, p->region[r].longitude_deg, &day, &hour);
    double m = t_s + (24.0 - hour) * 3600.0;
    /* rounding may land a hair before midnight: the piece then is just shorter; it must not be empty */
    if (m <= t_s)
        m = t_s + 24.0 * 3600.0;
    return m;
}

/* The noise factor of a cell, through the generator's memo when there is one (same value either way). */
static double noise_cached(const struct odt_demand_params *p, uint64_t seed, int r, int64_t n, struct odt_demand *memo)
{
    if (!memo)
        return noise_factor_cell(p, seed, r, n);
    if (!memo->memo_valid[r] || memo->memo_cell[r] != n) {
        memo->memo_factor[r] = noise_factor_cell(p, seed, r, n);
        memo->memo_cell[r] = n;
        memo->memo_valid[r] = 1;
    }
    return memo->memo_factor[r];
}

static double tokens_impl(const struct odt_demand_params *p, const struct odt_epoch *ep, double t_s, double dt_s,
                          uint64_t seed, double *region_tokens, struct odt_demand *memo)
{
    const double scale = p->tokens_per_s / share_sum(p);
    const double t_end = t_s + dt_s;
    const int noisy = p->noise_sigma > 0.0;
    const double cell = noise_cell_s(p);
    double total = 0.0;
    for (int r = 0; r < p->n_regions; ++r) {
        double sum = 0.0, a = t_s;
        while (dt_s > 0.0 && a < t_end) {
            /* the piece ends at the first of: the end, the next local midnight, the next noise cell edge */
            double b = next_midnight(p, ep, r, a);
            if (noisy) {
                const double edge = (floor(a / cell) + 1.0) * cell;
                if (edge < b)
                    b = edge;
            }
            if (b > t_end)
                b = t_end;
            if (!(b > a)) /* an edge within rounding of a: step over it */
                b = nextafter(a, INFINITY);
            double piece = smooth_integral(p, ep, scale, r, a, b);
            if (noisy)
                piece *= noise_cached(p, seed, r, (int64_t)floor(0.5 * (a + b) / cell), memo);
            sum += piece;
            a = b;
        }
        if (region_tokens)
            region_tokens[r] = sum;
        total += sum;
    }
    return total;
}

double odt_demand_tokens(const struct odt_demand_params *p, const struct odt_epoch *ep, double t_s, double dt_s,
                         uint64_t seed, double *region_tokens)
{
    return tokens_impl(p, ep, t_s, dt_s, seed, region_tokens, NULL);
}

int64_t odt_demand_tokens_round(const double *region_tokens, int n_regions, uint64_t seed, int64_t step,
                                int64_t *region_counts)
{
    const philox4x32_key_t key = demand_key(seed);
    int64_t total = 0;
    for (int r = 0; r < n_regions; ++r) {
        const double x = region_tokens[r] > 0.0 ? region_tokens[r] : 0.0;
        const double f = floor(x);
        const philox4x32_ctr_t u = draw(key, biased(step), (uint32_t)r, STREAM_ROUND);
        /* 53-bit uniform in [0, 1) */
        const double v = (double)((((uint64_t)u.v[0] << 32) | u.v[1]) >> 11) * (1.0 / 9007199254740992.0);
        const int64_t c = (int64_t)f + (v < x - f ? 1 : 0);
        region_counts[r] = c;
        total += c;
    }
    return total;
}

/* ------------------------------------------------------------------ generator */

void odt_demand_init(struct odt_demand *d, const struct odt_demand_params *p, const struct odt_epoch *ep,
                     uint64_t seed)
{
    memset(d, 0, sizeof *d);
    d->params = *p;
    d->epoch = ep;
    d->seed = seed;
}

int64_t odt_demand_step(struct odt_demand *d, int64_t step, double t_s, double dt_s, double *region_tokens,
                        int64_t *region_counts)
{
    double x[ODT_DEMAND_MAX_REGIONS];
    tokens_impl(&d->params, d->epoch, t_s, dt_s, d->seed, x, d);
    if (region_tokens)
        memcpy(region_tokens, x, sizeof(double) * (size_t)d->params.n_regions);
    return odt_demand_tokens_round(x, d->params.n_regions, d->seed, step, region_counts);
}

/* ------------------------------------------------------------------ dispatch */

int64_t odt_dispatch_assign(enum odt_dispatch_policy policy, double factor, const double *capacity_prev,
                            const int32_t *active_prev, size_t n, int64_t *node_tokens)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
        const int64_t t = odt_dispatch_node_tokens(policy, factor, capacity_prev ? capacity_prev[i] : 0.0,
                                                   active_prev ? active_prev[i] != 0 : 1);
        if (node_tokens)
            node_tokens[i] = t;
        sum += t;
    }
    return sum;
}

static const char *const POLICY_NAMES[ODT_DISPATCH_N_POLICIES] = {"capacity", "equal"};

enum odt_status odt_dispatch_parse(const char *text, enum odt_dispatch_policy *policy)
{
    for (int i = 0; i < ODT_DISPATCH_N_POLICIES; ++i)
        if (text && strcmp(text, POLICY_NAMES[i]) == 0) {
            *policy = (enum odt_dispatch_policy)i;
            return ODT_OK;
        }
    return ODT_ERR_VALUE;
}

const char *odt_dispatch_name(enum odt_dispatch_policy policy)
{
    return ((int)policy >= 0 && (int)policy < ODT_DISPATCH_N_POLICIES) ? POLICY_NAMES[policy] : "unknown";
}
