/*
 * battery_aging.h: capacity fade of a battery that is never repaired or
 * replaced: cycle fade by depth of discharge (Miner's rule over half cycles
 * counted online) and calendar fade by the square root of time.
 *
 * Cycle life against depth of discharge D (Woehler-type power law):
 *
 *   N(D) = N_ref (D_ref / D)^b            cycles to end of life at depth D
 *
 * End of life is a capacity loss of q_eol (eol_fade). Miner's rule with fade
 * linear in the number of cycles at a given depth: a half cycle of depth D
 * adds
 *
 *   dq = 0.5 q_eol / N(D) = 0.5 q_eol (D / D_ref)^b / N_ref
 *
 * Cycle fade linear in cycles (charge throughput) is what Wang et al.,
 * "Degradation of lithium ion batteries employing graphite negatives and
 * nickel-cobalt-manganese oxide + spinel manganese oxide positives: Part 1",
 * J. Power Sources 269, 937 (2014) report ("cycle loss is approximately
 * linear as a function of charge throughput"). With b = 1 the fade is
 * proportional to the charge cycled whatever the depths; b > 1 makes deep
 * cycles cost more per unit of charge.
 *
 * Calendar fade (SEI growth, the same paper: "calendar loss follows a square
 * root of time relationship"):
 *
 *   q_cal(t) = k_cal sqrt(t / 1 yr)
 *
 * Capacity factor (capacity left as a fraction of the beginning-of-life
 * capacity), the two fades added:
 *
 *   f = 1 - min(q_max, q_cyc + q_cal(t)),   in [1 - q_max, 1]
 *
 * Defaults (odt_battery_aging_defaults), for space-qualified Li-ion in LEO:
 *   - LEO gives 5000 to 6000 charge/discharge cycles a year (one per orbit;
 *     Fortescue, Stark & Swinerd (eds.), Spacecraft Systems Engineering, 3rd
 *     ed., Wiley 2003, ch. 10); 5 years are 27,500 cycles at 5,500 a year.
 *   - Saft VES180 cell specification (ESA ARTES project "Development of High
 *     specific energy Li-Ion cell"): energy loss over 5 years LEO at 30 % DoD
 *     below 20 % by cycling and below 1 % by calendar. Taking the bounds as
 *     values: N_ref = 27,500 cycles at D_ref = 0.30 to q_eol = 0.20, and
 *     k_cal = 0.01 / sqrt(5) = 0.004472 per sqrt(year). Consistent with GS
 *     Yuasa's 40,000 LEO cycles at 25 % DoD (Imamura et al., 27th Space
 *     Energy Symposium, JAXA/ISAS 2008), where this law gives N(0.25) =
 *     34,200 cycles to 20 %.
 *   - b = 1.2: the slope between 30 % and 60 % DoD of the DoD stress function
 *     of Xu, Oudalov, Ulbig, Andersson & Kirschen, "Modeling of lithium-ion
 *     battery degradation for cell life assessment", IEEE Trans. Smart Grid 9,
 *     1131 (2018): 1/S(D) = k1 D^k2 + k3 with k1 = 1.40e5, k2 = -0.501,
 *     k3 = -1.23e5 gives ln(N(0.3)/N(0.6)) / ln 2 = 1.20 (0.95 between 20 % and
 *     40 %).
 *   - q_max = 0.8: a floor of 20 % capacity. The linear law is not valid that
 *     far past end of life (knee of the fade curve); the floor only keeps the
 *     capacity positive.
 *   - hysteresis 1e-6 of SoC.
 *
 * Online cycle counting. The turning points of the SoC history are found as
 * it arrives, through a hysteresis filter: the SoC must move more than h
 * against the current direction, measured from the extreme reached in that
 * direction (soc_ext), before a reversal is declared. At a reversal the half
 * cycle from the previous turning point soc_turn to soc_ext closes with depth
 * D = |soc_ext - soc_turn| and adds 0.5 q_eol / N(D). soc_ext is the SoC at
 * the end of the last step that moved in the current direction (soc_prev of
 * the reversing step when the steps are monotone, as they are with constant
 * power over a step), so this is the half cycle |soc_prev - soc_turn|. The
 * first move by more than h sets the direction (none is known at the start);
 * the starting SoC is the first turning point. The half cycle in progress is
 * not in cycle_fade: odt_battery_aging_open_fade gives what it would add.
 *
 * What the counting equals. Each range between successive turning points
 * counts as one half cycle: the "simple range counting" of ASTM E1049-85
 * (2017), sec. 5.3, applied to the hysteresis-filtered turning points.
 *   - For a regular history between two SoC levels (every range the same) it
 *     equals rainflow counting (ASTM E1049 sec. 5.4.4) exactly: both count
 *     n - 1 half cycles of the same depth for n turning points.
 *   - For irregular histories it differs from rainflow. Rainflow pairs the
 *     two sides of an interrupted large swing into one range; simple range
 *     counting splits it at the small reversal. Each rainflow extraction of an
 *     inner range z from neighbouring ranges x, y (z <= x, y) replaces the
 *     simple ranges x, z, y by z, z, x + y - z. The number of half cycles and
 *     the sum of the depths are the same, so for b = 0 and b = 1 the fade is
 *     identical. For b > 1 the damage D^b is convex and (x + y - z, z)
 *     majorizes (x, y), so the online count gives less fade than rainflow
 *     (unconservative; the default b = 1.2 errs this way); for 0 < b < 1 it
 *     gives more. Example (test_battery_aging.c): turning points 0.9, 0.5,
 *     0.7, 0.6, 0.9, 0.5 give half cycles 0.4, 0.2, 0.1, 0.3, 0.4 against
 *     rainflow's 0.1, 0.1, 0.4, 0.4, 0.4; with b = 2 the sums of D^2 are 0.46
 *     and 0.50 (-8 %), with b = 1.2 they are 1.1099 and 1.1253 (-1.4 %),
 *     with b = 0.5 2.5761 and 2.5298 (+1.8 %).
 *   - Rainflow closes a residue at the end of the record; here the last half
 *     cycle stays open (open_fade) until the next reversal.
 *
 * Not modelled: temperature, C-rate and mean-SoC dependence of either fade,
 * resistance growth, the knee near end of life, capacity recovery.
 *
 * Compiles as C11 and as CUDA C++: no allocation, no I/O, no globals.
 */
#ifndef ODT_BATTERY_AGING_H
#define ODT_BATTERY_AGING_H

#include <math.h>
#include "orbit/odt_defs.h"

struct odt_battery_aging_params {
    double cycle_life;          /* N_ref, cycles to end of life at dod_ref (default 27,500: 5 years LEO) */
    double dod_ref;             /* D_ref, depth of discharge of cycle_life, (0, 1] (default 0.30) */
    double dod_exponent;        /* b in N(D) = cycle_life * (dod_ref / D)^b, >= 0 (default 1.2) */
    double eol_fade;            /* q_eol, capacity fraction lost at end of life in cycle_life (default 0.20) */
    double calendar_fade_per_sqrt_year; /* k_cal: calendar fade = k_cal sqrt(years in service) (default 0.004472) */
    double fade_max;            /* q_max: the capacity factor never goes below 1 - fade_max, 0..1 (default 0.8) */
    double hysteresis;          /* h: a move back of at most h (SoC fraction) is no reversal (default 1e-6) */
};

struct odt_battery_aging_state {
    double cycle_fade;          /* accumulated cycle fade of closed half cycles, fraction of capacity */
    double soc_turn;            /* state of charge at the last reversal of direction (the start SoC at first) */
    int direction;              /* +1 charging, -1 discharging, 0 not yet known */
    double soc_ext;             /* extreme SoC in the current direction since soc_turn (soc_turn while direction 0) */
};

/* odt_battery_aging_default: the defaults in the file header. */
ODT_HD static inline struct odt_battery_aging_params odt_battery_aging_default(void)
{
    struct odt_battery_aging_params p;
    p.cycle_life = 27500.0;
    p.dod_ref = 0.30;
    p.dod_exponent = 1.2;
    p.eol_fade = 0.20;
    p.calendar_fade_per_sqrt_year = 0.01 / sqrt(5.0);
    p.fade_max = 0.8;
    p.hysteresis = 1e-6;
    return p;
}

/* odt_battery_aging_defaults: fill *p with odt_battery_aging_default(). */
ODT_HD static inline void odt_battery_aging_defaults(struct odt_battery_aging_params *p)
{
    *p = odt_battery_aging_default();
}

/* odt_battery_aging_init: a new battery at state of charge soc, no fade, direction unknown. */
ODT_HD static inline void odt_battery_aging_init(struct odt_battery_aging_state *s, double soc)
{
    s->cycle_fade = 0.0;
    s->soc_turn = soc;
    s->soc_ext = soc;
    s->direction = 0;
}

/*
 * odt_battery_cycle_life: N(D) = cycle_life (dod_ref / D)^dod_exponent, cycles
 * to end of life at depth dod. HUGE_VAL for dod <= 0 (no wear) or when
 * cycle_life or dod_ref is not positive (cycle aging off).
 */
ODT_HD static inline double odt_battery_cycle_life(const struct odt_battery_aging_params *p, double dod)
{
    if (!(dod > 0.0) || !(p->cycle_life > 0.0) || !(p->dod_ref > 0.0))
        return HUGE_VAL;
    return p->cycle_life * pow(p->dod_ref / dod, p->dod_exponent);
}

/*
 * odt_battery_half_cycle_fade: fade added by one half cycle of depth dod,
 * 0.5 eol_fade / N(D) = 0.5 eol_fade (D / dod_ref)^b / cycle_life (0 when
 * N(D) is HUGE_VAL).
 */
ODT_HD static inline double odt_battery_half_cycle_fade(const struct odt_battery_aging_params *p, double dod)
{
    if (!(dod > 0.0) || !(p->cycle_life > 0.0) || !(p->dod_ref > 0.0) || !(p->eol_fade > 0.0))
        return 0.0;
    return 0.5 * p->eol_fade * pow(dod / p->dod_ref, p->dod_exponent) / p->cycle_life;
}

/* odt_battery_calendar_fade: k_cal sqrt(years) for years > 0, else 0. */
ODT_HD static inline double odt_battery_calendar_fade(const struct odt_battery_aging_params *p,
                                                      double years_in_service)
{
    if (!(years_in_service > 0.0) || !(p->calendar_fade_per_sqrt_year > 0.0))
        return 0.0;
    return p->calendar_fade_per_sqrt_year * sqrt(years_in_service);
}

/* Fold one SoC sample into the reversal counter (see the file header). NaN is ignored. */
ODT_HD static inline void odt_battery_aging_fold(const struct odt_battery_aging_params *p,
                                                 struct odt_battery_aging_state *s, double soc)
{
    const double h = p->hysteresis > 0.0 ? p->hysteresis : 0.0;
    if (s->direction == 0) {
        if (soc > s->soc_turn + h) {
            s->direction = 1;
            s->soc_ext = soc;
        } else if (soc < s->soc_turn - h) {
            s->direction = -1;
            s->soc_ext = soc;
        }
        return;
    }
    if (s->direction > 0) {
        if (soc > s->soc_ext) {
            s->soc_ext = soc;
        } else if (soc < s->soc_ext - h) {
            s->cycle_fade += odt_battery_half_cycle_fade(p, s->soc_ext - s->soc_turn);
            s->soc_turn = s->soc_ext;
            s->soc_ext = soc;
            s->direction = -1;
        }
    } else {
        if (soc < s->soc_ext) {
            s->soc_ext = soc;
        } else if (soc > s->soc_ext + h) {
            s->cycle_fade += odt_battery_half_cycle_fade(p, s->soc_turn - s->soc_ext);
            s->soc_turn = s->soc_ext;
            s->soc_ext = soc;
            s->direction = 1;
        }
    }
}

/*
 * odt_battery_aging_step: fold the step's change of state of charge
 * soc_prev -> soc_now. The SoC is taken as monotone within the step, so its
 * end points are its extremes; both are folded (soc_prev is a no-op when it
 * equals the previous step's soc_now). A reversal closes the half cycle of
 * depth |soc_ext - soc_turn| (= |soc_prev - soc_turn| for monotone steps) and
 * adds 0.5 eol_fade / N(D) to cycle_fade. A move against the direction of at
 * most the hysteresis does not reverse.
 */
ODT_HD static inline void odt_battery_aging_step(const struct odt_battery_aging_params *p,
                                                 struct odt_battery_aging_state *s, double soc_prev, double soc_now)
{
    odt_battery_aging_fold(p, s, soc_prev);
    odt_battery_aging_fold(p, s, soc_now);
}

/*
 * odt_battery_aging_open_fade: fade the half cycle in progress (soc_turn ->
 * soc_ext) would add if it closed now; 0 while the direction is unknown.
 * cycle_fade + open_fade is the fade with the last half cycle counted, as
 * rainflow counts its residue at the end of a record.
 */
ODT_HD static inline double odt_battery_aging_open_fade(const struct odt_battery_aging_params *p,
                                                        const struct odt_battery_aging_state *s)
{
    if (s->direction == 0)
        return 0.0;
    return odt_battery_half_cycle_fade(p, fabs(s->soc_ext - s->soc_turn));
}

/*
 * odt_battery_capacity_factor: capacity left,
 * 1 - min(fade_max, cycle_fade + k_cal sqrt(years)), in [1 - fade_max, 1]
 * (fade_max taken in [0, 1]). Closed half cycles only.
 */
ODT_HD static inline double odt_battery_capacity_factor(const struct odt_battery_aging_params *p,
                                                        const struct odt_battery_aging_state *s, double years_in_service)
{
    double qmax = p->fade_max > 0.0 ? p->fade_max : 0.0;
    qmax = qmax < 1.0 ? qmax : 1.0;
    double q = (s->cycle_fade > 0.0 ? s->cycle_fade : 0.0) + odt_battery_calendar_fade(p, years_in_service);
    q = q < qmax ? q : qmax;
    return 1.0 - q;
}

#endif /* ODT_BATTERY_AGING_H */
