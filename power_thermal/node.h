/*
 * node.h: the compute payload of a satellite as an electrical load.
 *
 * First version: the payload asks for a constant power (its accelerators at
 * their board power) and the bus for a constant housekeeping power. When the
 * power balance cannot serve the whole load, compute is shed first and the
 * bus last, as an operator would.
 *
 * Defaults: 8 accelerators of 700 W board power (NVIDIA H100/H200 SXM data
 * sheets) = 5.6 kW; bus 0.5 kW.
 */
#ifndef ODT_NODE_H
#define ODT_NODE_H

#include "orbit/odt_defs.h"

struct odt_node_params {
    double compute_power_w; /* power the compute payload asks for, W (default 5600) */
    double bus_power_w;     /* housekeeping power of the bus, W (default 500) */
};

/* odt_node_load: total electrical load asked for, W. */
ODT_HD static inline double odt_node_load(const struct odt_node_params *p)
{
    return p->compute_power_w + p->bus_power_w;
}

/*
 * odt_node_compute_served: compute power (W) actually supplied when served_w
 * of the load is supplied: the bus is served first.
 */
ODT_HD static inline double odt_node_compute_served(const struct odt_node_params *p, double served_w)
{
    const double c = served_w - p->bus_power_w;
    return c <= 0.0 ? 0.0 : (c < p->compute_power_w ? c : p->compute_power_w);
}

#endif /* ODT_NODE_H */
