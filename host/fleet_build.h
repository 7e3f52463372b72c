/*
 * fleet_build.h: turn a scenario's fleet entries into the fleet arrays, the
 * class table and the per-satellite metadata (ids, shell, plane, slot).
 */
#ifndef ODT_FLEET_BUILD_H
#define ODT_FLEET_BUILD_H

#include "kernels/backend.h"
#include "kernels/fleet.h"
#include "host/scenario.h"
#include "host/launch.h"

#define ODT_SAT_NAME_LEN 32

struct odt_fleet_meta {
    size_t n;
    int32_t *id;     /* satellite id, 0..n-1 */
    int32_t *shell;  /* index of its fleet entry */
    int32_t *plane;  /* plane within the entry */
    int32_t *slot;   /* slot within the plane (catalogue entries: index in the catalogue) */
    int32_t *catalog_number; /* NORAD catalogue number (-1 for generated satellites) */
    char (*name)[ODT_SAT_NAME_LEN]; /* object name (catalogue) or "<entry>-<plane>-<slot>" */
    size_t n_sgp4;   /* satellites propagated with SGP4 */
    int n_classes;
    struct odt_sat_class *classes; /* one per fleet entry */
    double *sat_mass_kg;           /* launch mass of a satellite of each fleet entry, kg (NaN: not known) */
    struct odt_plan_launch *launches; /* every launch flown within the run, all entries, in entry order */
    size_t n_launches;
    size_t launches_not_flown;     /* launches of the schedules that found no slot */
    double satellites;             /* satellites the fleet stands for (sum of weights) */
};

/*
 * odt_fleet_build: allocate and fill f (PARAM and initial STATE fields) and m
 * from sc. Errors (no sun-synchronous orbit at that altitude, a fleet larger
 * than the machine's memory by odt_fleet_check_memory, out of memory) are
 * written to err naming the scenario file and the entry's line.
 */
enum odt_status odt_fleet_build(const struct odt_scenario *sc, struct odt_fleet *f, struct odt_fleet_meta *m,
                                char *err, size_t errlen);
void odt_fleet_meta_free(struct odt_fleet_meta *m);

/* odt_fleet_sat_mass: the launch mass of a satellite of fleet entry spec (class c) by the mass model of
   host/economics.h (NaN total when its parameters are refused). */
void odt_fleet_sat_mass(const struct odt_shell_spec *spec, const struct odt_sat_class *c,
                        struct odt_mass_breakdown *b);

/* Copies of the fleet arrays a run holds at once: the host fleet, the backend's and the snapshot writer's. */
#define ODT_FLEET_COPIES 3

/*
 * odt_fleet_memory_bytes: about how many bytes of host memory a run of n
 * satellites (n_sgp4 of them SGP4) needs: ODT_FLEET_COPIES times the fleet
 * arrays (the sum over the field table of kernels/fleet.h of elem_size x
 * ncomp per satellite, and one SGP4 record per SGP4 satellite) plus the
 * metadata of struct odt_fleet_meta. A double, so that no product overflows.
 */
double odt_fleet_memory_bytes(double n, double n_sgp4);

/*
 * odt_fleet_check_memory: refuse a fleet that cannot fit in phys_bytes of
 * memory before anything is allocated: err gets "FILE:LINE: the fleet of N
 * satellites needs about X GiB, more than this machine's Y GiB", LINE that of
 * the fleet entry that takes the estimate past phys_bytes. Returns ODT_OK or
 * ODT_ERR_NOMEM.
 */
enum odt_status odt_fleet_check_memory(const struct odt_scenario *sc, double phys_bytes, char *err, size_t errlen);

/* odt_physical_memory_bytes: the machine's physical memory (sysconf), or +inf when unknown. */
double odt_physical_memory_bytes(void);

/*
 * odt_backend_config_init: the backend configuration for the fleet f (with
 * metadata m) of scenario sc: sizes, class table, step settings, the largest
 * batch of steps per advance call and the CPU thread count (0: all).
 */
void odt_backend_config_init(struct odt_backend_config *cfg, const struct odt_scenario *sc,
                             const struct odt_fleet *f, const struct odt_fleet_meta *m, int max_steps, int threads);

#endif /* ODT_FLEET_BUILD_H */
