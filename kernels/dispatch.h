/*
 * dispatch.h: how the demand of a step is handed out to the nodes, in the
 * backend, from one number per step (the dispatch factor) that the host
 * computes with odt_dispatch_factor; every node computes its own arrivals with
 * odt_dispatch_node_tokens. Policies, the exact-conservation argument and the
 * host side: host/demand.h and docs/workload.md. A regional (line-of-sight)
 * policy is designed in docs/workload.md but not implemented, so it has no
 * value here: a scenario can only select the two policies below.
 */
#ifndef ODT_DISPATCH_H
#define ODT_DISPATCH_H

#include <math.h>
#include <stdint.h>
#include "orbit/odt_defs.h"

enum odt_dispatch_policy {
    ODT_DISPATCH_CAPACITY = 0, /* the fleet is one pool over inter-satellite links: shares by capacity */
    ODT_DISPATCH_EQUAL = 1     /* equal shares among the active nodes */
};
#define ODT_DISPATCH_N_POLICIES 2

/* Largest demand of a step, tokens: integers are exact in a double up to 2^53. */
#define ODT_DISPATCH_MAX_TOKENS 9007199254740992LL

/*
 * odt_dispatch_factor: the one number the backend needs to hand out the
 * demand_tokens of a step.
 *
 *   CAPACITY: factor = demand / fleet_capacity_prev * (1 - kappa), kappa =
 *     2 (n + 4) u, u = 2^-53, n = max(active_nodes_prev, 1). Node i receives
 *     floor(capacity_i * factor) tokens, where capacity_i are exactly the
 *     values whose sum is fleet_capacity_prev (any unit: the factor is tokens
 *     per unit of capacity; with capacity in tokens s-1 it is in s). kappa
 *     covers the rounding of the product, of the quotient and of any summation
 *     order of n non-negative terms, so sum_i floor(capacity_i * factor) <=
 *     demand always. Nothing is known to be unassigned before the step:
 *     *unassigned_tokens = 0.
 *   EQUAL: factor = floor(demand / active_nodes_prev) (an integer), which each
 *     of the active_nodes_prev active nodes receives; *unassigned_tokens =
 *     demand mod active_nodes_prev.
 *
 * No capacity (fleet_capacity_prev <= 0 or active_nodes_prev <= 0 for
 * CAPACITY, active_nodes_prev <= 0 for EQUAL): factor 0 and every token
 * unassigned. In every case the tokens unassigned in the step are demand minus
 * the sum of the nodes' tokens (odt_dispatch_account); the flooring leaves
 * fewer than one token per receiving node (plus kappa * demand, under 1e-9 of
 * it up to a million nodes).
 *
 * Returns ODT_ERR_VALUE for demand outside [0, 2^53], a capacity that is NaN
 * or infinite, or a policy that is not one of enum odt_dispatch_policy.
 */
ODT_HD static inline enum odt_status odt_dispatch_factor(enum odt_dispatch_policy policy, int64_t demand_tokens,
                                                          double fleet_capacity_prev, int64_t active_nodes_prev,
                                                          double *factor, int64_t *unassigned_tokens)
{
    *factor = 0.0;
    *unassigned_tokens = demand_tokens;
    if (demand_tokens < 0 || demand_tokens > ODT_DISPATCH_MAX_TOKENS)
        return ODT_ERR_VALUE;
    switch (policy) {
    case ODT_DISPATCH_CAPACITY: {
        if (!(fleet_capacity_prev - fleet_capacity_prev == 0.0)) /* NaN or infinite */
            return ODT_ERR_VALUE;
        if (fleet_capacity_prev <= 0.0 || active_nodes_prev <= 0 || demand_tokens == 0)
            return ODT_OK;
        const double n = (double)active_nodes_prev;
        const double kappa = 2.0 * (n + 4.0) * 1.1102230246251565e-16; /* 2 (n + 4) 2^-53 */
        *factor = ((double)demand_tokens / fleet_capacity_prev) * (1.0 - kappa);
        *unassigned_tokens = 0;
        return ODT_OK;
    }
    case ODT_DISPATCH_EQUAL:
        if (active_nodes_prev <= 0)
            return ODT_OK;
        *factor = (double)(demand_tokens / active_nodes_prev);
        *unassigned_tokens = demand_tokens % active_nodes_prev;
        return ODT_OK;
    }
    return ODT_ERR_VALUE;
}

/*
 * odt_dispatch_node_tokens: the tokens node i receives in a step, from the
 * factor of odt_dispatch_factor and the node's values of the previous step:
 * its capacity (CAPACITY: the value summed into fleet_capacity_prev) and
 * whether it was counted in active_nodes_prev (EQUAL).
 */
ODT_HD static inline int64_t odt_dispatch_node_tokens(enum odt_dispatch_policy policy, double factor,
                                                      double capacity_prev, int active_prev)
{
    if (policy == ODT_DISPATCH_EQUAL)
        return active_prev ? (int64_t)factor : 0;
    if (policy == ODT_DISPATCH_CAPACITY && capacity_prev > 0.0 && factor > 0.0)
        return (int64_t)floor(capacity_prev * factor);
    return 0;
}

/*
 * odt_dispatch_account: the tokens of a step left unassigned, demand minus the
 * sum of the nodes' tokens. ODT_ERR_STATE when the nodes received more than
 * the demand or a negative amount (a backend that did not use the capacities
 * it summed).
 */
ODT_HD static inline enum odt_status odt_dispatch_account(int64_t demand_tokens, int64_t assigned_tokens,
                                                           int64_t *unassigned_tokens)
{
    *unassigned_tokens = demand_tokens - assigned_tokens;
    return (assigned_tokens < 0 || assigned_tokens > demand_tokens) ? ODT_ERR_STATE : ODT_OK;
}

#endif /* ODT_DISPATCH_H */
