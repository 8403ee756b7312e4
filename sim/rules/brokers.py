"""Brokers press violators they see; patrons shield their clients (Beardsley 2011).

    pressure_j <- (1 - decay) * pressure_j + sum_b seen_bj * L_bj,   clipped to [0, 1]
where L_bj = leverage_bj * commitment_b * (1 - max(0, bias_bj)) * (1 - shield_bj) is computed
once from the scenario (sim.params) and seen_bj is a violation by j that broker b verified
(probability p_verify).
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def verified(violated: bool, p_verify: float, u: float) -> bool:
    """Broker b verifies party j's violation today."""
    return violated and u < p_verify


@njit(cache=True)
def update_pressure(pressure: float, added: float, decay: float) -> float:
    """Tomorrow's pressure on one party; ``added`` sums L_bj over the brokers that verified."""
    return max(0.0, min(1.0, (1.0 - decay) * pressure + added))
