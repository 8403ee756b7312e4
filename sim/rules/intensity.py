"""Violations with a size: how many incidents a party's violation counts, and a major offensive.

A party's violation today counts n_i incidents, from 1 (scattered shots) to K_i
(``behaviour.max_incidents``, a major offensive), chosen by its decision rule (docs/model.md
section 3.3):
    n_i = K_i                                      a tactical signer's offensive, or a withdrawn
                                                   party at war
    n_i = max(1, min(K_i, ceil(K_i * p_opp_i)))    an opportunistic violation: the stronger the
                                                   motive over the commitment, the larger
    n_i = max(1, min(K_i, r_i))                    otherwise (retaliation, a fixed policy, a
                                                   scripted act or noise), in kind: r_i, the
                                                   largest size it perceived yesterday
 The trouble rule counts
incidents, not violating parties; a day with at least ``truce.offensive_incidents`` incidents
(0 = off) ends the truce that day, whatever the window holds. With K_i = 1 (the default) every
violation is one incident and the model is the one without sizes.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def size(violated: bool, max_incidents: int, p_opp: float, opportunistic: bool,
         retaliation_size: int, all_out: bool) -> int:
    """Incidents of one party's violation today (0 if it did not violate)."""
    if not violated:
        return 0
    if all_out:
        return max_incidents
    if opportunistic:
        return max(1, min(max_incidents, int(math.ceil(max_incidents * p_opp))))  # noqa: RUF046 (numba)
    return max(1, min(max_incidents, retaliation_size))


@njit(cache=True)
def is_offensive(incidents_today: int, offensive_incidents: int) -> bool:
    """Whether today's incidents amount to a major offensive that ends the truce."""
    return offensive_incidents > 0 and incidents_today >= offensive_incidents
