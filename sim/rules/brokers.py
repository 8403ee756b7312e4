"""Brokers press violators they see; patrons shield their clients (Beardsley 2011).

    pressure_j <- (1 - decay) * pressure_j + sum_b seen_bj * L_bj,   clipped to [0, 1]
where L_bj = leverage_bj * commitment_b * (1 - max(0, bias_bj)) * (1 - shield_bj) is computed
once from the scenario (sim.params) and seen_bj is a violation by j that broker b verified
(probability p_verify).
"""

from __future__ import annotations

import numpy as np

from sim.arrays import ordered_sum


def update_pressure(pressure, violated, leverage_eff, decay: float, p_verify: float,
                    u: np.ndarray) -> np.ndarray:
    """``u`` is (W, B, P); ``leverage_eff`` (B, P) or per world (W, B, P); ``p_verify`` a
    scalar or (W,). Returns the (W, P) pressure for tomorrow."""
    p = np.asarray(p_verify)
    seen = violated[:, None, :] & (u < (p if p.ndim == 0 else p[:, None, None]))
    lev = leverage_eff if leverage_eff.ndim == 3 else leverage_eff[None, :, :]
    added = ordered_sum(seen * lev, axis=1)  # brokers' pressure added in scenario order
    return np.clip((1.0 - decay) * pressure + added, 0.0, 1.0)
