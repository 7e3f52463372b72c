/*
 * array.h: the full solar array model (pointing, cell temperature, yearly and
 * radiation degradation) and the sunlight the array absorbs, for the power
 * balance and the thermal network.
 *
 *   P_elec = S * f * A * cos(theta) * packing * eta(T) * eta_pcu * (1 - d)^years * R(phi)
 *   Q_abs  = alpha * S * f * A * cos(theta)
 *
 * S: irradiance at the Sun distance (odt_solar_irradiance, power_thermal/solar.h),
 * f: illuminated fraction (orbit/shadow.h, orbit/eclipse.h), theta: angle between
 * the array normal and the Sun, eta(T) = eta_ref + k (T - T_ref) the cell
 * efficiency at cell temperature T, R(phi) the remaining power fraction after a
 * 1-MeV-electron-equivalent fluence phi.
 *
 * Defaults and sources: triple-junction cell
 * efficiency 0.30 at 28 C and temperature coefficient -0.04 %/C absolute
 * (AZUR 3G30C data sheet); radiation: remaining power 0.93 at 1e14 and 0.88 at
 * 1e15 e/cm^2 (JPL Solar Cell Radiation Handbook, JPL Publ. 82-69 and its
 * successors); packing factor 0.90, power conditioning 0.95 and 1 % a year
 * of non-radiation degradation are assumptions (typical of flight arrays).
 */
#ifndef ODT_ARRAY_H
#define ODT_ARRAY_H

#include <math.h>
#include "orbit/odt_defs.h"
#include "power_thermal/solar.h"

/* How the array is pointed. */
enum odt_pointing {
    ODT_POINT_SUN_TRACKING = 0, /* two-axis tracking: cos(theta) = 1 */
    ODT_POINT_BODY_FIXED = 1,   /* fixed normal in the LVLH frame: cos(theta) = max(0, n . s) */
    ODT_POINT_SINGLE_AXIS = 2   /* rotates about a fixed LVLH axis: cos(theta) = sqrt(1 - (axis . s)^2) */
};

/* Parameters of a solar array; odt_array_model_init gives the defaults. */
struct odt_array_model {
    double area_m2;            /* array area, m^2 (default 24) */
    double cell_efficiency;    /* cell efficiency at t_ref_k, beginning of life, 0..1 (default 0.30) */
    double t_ref_k;            /* reference cell temperature of cell_efficiency, K (default 301.15 = 28 C) */
    double temp_coeff_per_k;   /* d(efficiency)/dT, absolute, 1/K (default -0.0004, i.e. -0.04 %/C) */
    double packing_factor;     /* active cell area / array area, 0..1 (default 0.90) */
    double pcu_efficiency;     /* power conditioning efficiency, 0..1 (default 0.95) */
    double degradation_per_yr; /* fractional loss of output per year besides radiation, 0..1 (default 0.01) */
    double absorptivity;       /* solar absorptivity of the array's sunlit face, 0..1 (default 0.92) */
    int pointing;              /* enum odt_pointing (default ODT_POINT_SUN_TRACKING) */
    double axis_lvlh[3];       /* BODY_FIXED: the array normal; SINGLE_AXIS: the rotation axis; unit vector
                                  in LVLH (x along-track, y minus orbit normal, z nadir) (default 0, -1, 0:
                                  the orbit-normal axis of a single-axis array) */
};

/* odt_array_model_init: the defaults listed in struct odt_array_model. */
ODT_HD static inline void odt_array_model_init(struct odt_array_model *m)
{
    m->area_m2 = 24.0;
    m->cell_efficiency = 0.30;
    m->t_ref_k = 301.15;
    m->temp_coeff_per_k = -0.0004;
    m->packing_factor = 0.90;
    m->pcu_efficiency = 0.95;
    m->degradation_per_yr = 0.01;
    m->absorptivity = 0.92;
    m->pointing = ODT_POINT_SUN_TRACKING;
    m->axis_lvlh[0] = 0.0;
    m->axis_lvlh[1] = -1.0;
    m->axis_lvlh[2] = 0.0;
}

/*
 * odt_lvlh_axes: the nadir-pointing local-vertical local-horizontal frame of a
 * satellite at r (km) with velocity v (km/s), inertial: unit vectors, in the
 * inertial frame, of
 *   z = -r/|r|                (nadir)
 *   y = -(r x v)/|r x v|      (minus the orbit normal)
 *   x = y x z                 (along-track, horizontal; equal to v/|v| on a circular orbit)
 * a right-handed triad (CCSDS / ISS LVLH convention; Vallado sec. 3.3, the RSW
 * frame with x_lvlh = S, y_lvlh = -W, z_lvlh = -R).
 */
ODT_HD static inline void odt_lvlh_axes(const double r[3], const double v[3], double x[3], double y[3], double z[3])
{
    const double rn = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    z[0] = -r[0] / rn;
    z[1] = -r[1] / rn;
    z[2] = -r[2] / rn;
    const double hx = r[1] * v[2] - r[2] * v[1], hy = r[2] * v[0] - r[0] * v[2], hz = r[0] * v[1] - r[1] * v[0];
    const double hn = sqrt(hx * hx + hy * hy + hz * hz);
    y[0] = -hx / hn;
    y[1] = -hy / hn;
    y[2] = -hz / hn;
    x[0] = y[1] * z[2] - y[2] * z[1];
    x[1] = y[2] * z[0] - y[0] * z[2];
    x[2] = y[0] * z[1] - y[1] * z[0];
}

/*
 * odt_array_cos_incidence: cos(theta), 0..1, between the array normal and the
 * Sun for the pointing mode of m. r (km), v (km/s): satellite state, inertial;
 * sun_unit: unit vector to the Sun, same frame (from the Earth's centre; the
 * parallax from the satellite is < 5e-5 rad in LEO). axis_lvlh must be a unit
 * vector.
 *   SUN_TRACKING:  1
 *   BODY_FIXED:    max(0, n . s), n = axis_lvlh taken to inertial
 *   SINGLE_AXIS:   sqrt(1 - (a . s)^2), a = axis_lvlh taken to inertial (the
 *                  array turns about a to the orientation closest to the Sun)
 */
ODT_HD static inline double odt_array_cos_incidence(const struct odt_array_model *m, const double r[3],
                                                    const double v[3], const double sun_unit[3])
{
    if (m->pointing != ODT_POINT_BODY_FIXED && m->pointing != ODT_POINT_SINGLE_AXIS)
        return 1.0;
    double x[3], y[3], z[3];
    odt_lvlh_axes(r, v, x, y, z);
    const double sx = x[0] * sun_unit[0] + x[1] * sun_unit[1] + x[2] * sun_unit[2];
    const double sy = y[0] * sun_unit[0] + y[1] * sun_unit[1] + y[2] * sun_unit[2];
    const double sz = z[0] * sun_unit[0] + z[1] * sun_unit[1] + z[2] * sun_unit[2];
    const double ns = m->axis_lvlh[0] * sx + m->axis_lvlh[1] * sy + m->axis_lvlh[2] * sz;
    if (m->pointing == ODT_POINT_BODY_FIXED)
        return ns > 0.0 ? (ns < 1.0 ? ns : 1.0) : 0.0;
    const double q = 1.0 - ns * ns;
    return q > 0.0 ? (q < 1.0 ? sqrt(q) : 1.0) : 0.0;
}

/*
 * odt_array_radiation_factor: remaining power fraction, 0..1, after a
 * 1-MeV-electron-equivalent fluence phi (e/cm^2), from the handbook points of
 * the JPL Solar Cell Radiation Handbook (JPL Publ. 82-69): 1.0 at 0, 0.93 at
 * 1e14, 0.88 at 1e15. Log-linear between the two handbook points,
 *   R = 0.93 - 0.05 log10(phi / 1e14),
 * and the same line continued on both sides: below 1e14 it reaches 1.0 at
 * phi_0 = 1e14 * 10^(-0.07/0.05) = 3.98e12 e/cm^2 and stays 1.0 below (the onset
 * of measurable damage in the handbook's curves, 1e12-1e13); above 1e15 it falls
 * 0.05 per decade (0.83 at 1e16; measured triple-junction curves bend down above
 * ~1e15, so beyond it the value is optimistic), floored at 0. This is the large-
 * fluence limit of the handbook's own fit R = 1 - C log10(1 + phi/phi_x).
 * phi <= 0 or NaN gives 1.
 */
ODT_HD static inline double odt_array_radiation_factor(double fluence_e_cm2)
{
    if (!(fluence_e_cm2 > 0.0))
        return 1.0;
    const double r = 0.93 - 0.05 * log10(fluence_e_cm2 / 1e14);
    return r > 1.0 ? 1.0 : (r < 0.0 ? 0.0 : r);
}

/*
 * odt_array_cell_efficiency: cell efficiency at cell temperature cell_temp_k
 * (K): eta_ref + k (T - T_ref), floored at 0 (linear temperature coefficient of
 * the cell data sheets, valid over the qualification range, about -100..+120 C).
 */
ODT_HD static inline double odt_array_cell_efficiency(const struct odt_array_model *m, double cell_temp_k)
{
    const double eta = m->cell_efficiency + m->temp_coeff_per_k * (cell_temp_k - m->t_ref_k);
    return eta > 0.0 ? eta : 0.0;
}

/*
 * odt_array_system_efficiency: electrical output after conditioning per watt of
 * sunlight on the array area at normal incidence, at the reference temperature,
 * beginning of life: eta_ref * packing * eta_pcu. The efficiency to use for the
 * ground reference (power_thermal/ground.h) of "the same array".
 */
ODT_HD static inline double odt_array_system_efficiency(const struct odt_array_model *m)
{
    return m->cell_efficiency * m->packing_factor * m->pcu_efficiency;
}

/*
 * odt_array_log_keep: ln(1 - d), d = degradation_per_yr: the logarithm of the
 * fraction of output kept per year, computed once per class so that the
 * per-step life factor is one exp (odt_array_life_factor).
 */
ODT_HD static inline double odt_array_log_keep(const struct odt_array_model *m)
{
    return log1p(-m->degradation_per_yr);
}

/*
 * odt_array_life_factor: the yearly degradation factor (1 - d)^t_years =
 * exp(t_years ln(1 - d)) from log_keep = odt_array_log_keep(m); 1 for
 * t_years <= 0. Differs from pow(1 - d, t_years) by a few ulp (the rounding of
 * the product t ln(1 - d), |t ln(1 - d)| ~ 0.01 per year at the default).
 */
ODT_HD static inline double odt_array_life_factor(double log_keep, double t_years)
{
    return (t_years > 0.0) ? exp(t_years * log_keep) : 1.0;
}

/*
 * odt_array_output_at: odt_array_output with the incidence cosine cth
 * (odt_array_cos_incidence) and the life factor life (odt_array_life_factor)
 * given, for a caller that has them already (the step computes cos(theta)
 * once and reuses it). Same outputs as odt_array_output.
 */
ODT_HD static inline void odt_array_output_at(const struct odt_array_model *m, double irradiance_w_m2, double illum,
                                              double cth, double cell_temp_k, double life, double fluence_e_cm2,
                                              double *p_elec_w, double *p_absorbed_w)
{
    const double p_sun = irradiance_w_m2 * illum * m->area_m2 * cth; /* sunlight on the array, W */
    if (p_elec_w)
        *p_elec_w = p_sun * m->packing_factor * odt_array_cell_efficiency(m, cell_temp_k) * m->pcu_efficiency *
                    life * odt_array_radiation_factor(fluence_e_cm2);
    if (p_absorbed_w)
        *p_absorbed_w = m->absorptivity * p_sun;
}

/*
 * odt_array_output: the array's electrical output and absorbed sunlight.
 * m: the array; irradiance_w_m2: solar irradiance at the satellite (W/m^2,
 * odt_solar_irradiance of the Sun distance); illum: illuminated fraction 0..1;
 * r (km), v (km/s), sun_unit: state and Sun direction, inertial (used by the
 * BODY_FIXED and SINGLE_AXIS modes); cell_temp_k: cell temperature (K);
 * t_years: years since the start of life (yearly degradation);
 * fluence_e_cm2: accumulated 1-MeV-electron-equivalent fluence (e/cm^2).
 * Outputs (either may be NULL):
 *   *p_elec_w: electrical power after power conditioning, W
 *     = S f A cos(theta) packing eta(T) eta_pcu (1 - d)^years R(phi)
 *   *p_absorbed_w: sunlight absorbed by the array, W = alpha S f A cos(theta).
 *     For the thermal network: the heat left in the array is
 *     p_absorbed - p_elec / eta_pcu (what the cells convert leaves as
 *     electricity; the conditioning loss is dissipated in the bus).
 */
ODT_HD static inline void odt_array_output(const struct odt_array_model *m, double irradiance_w_m2, double illum,
                                           const double r[3], const double v[3], const double sun_unit[3],
                                           double cell_temp_k, double t_years, double fluence_e_cm2,
                                           double *p_elec_w, double *p_absorbed_w)
{
    odt_array_output_at(m, irradiance_w_m2, illum, odt_array_cos_incidence(m, r, v, sun_unit), cell_temp_k,
                        odt_array_life_factor(odt_array_log_keep(m), t_years), fluence_e_cm2, p_elec_w,
                        p_absorbed_w);
}

#endif /* ODT_ARRAY_H */
