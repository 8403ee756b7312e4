"""Trust and commitment, built and lost from what each party believes happened.

Trust of i in j, with h = hostile acts by j perceived by i today:
    T_ij <- T_ij + build_i * (1 - T_ij)          if h = 0
    T_ij <- T_ij * (1 - loss_i) ** h             otherwise
Commitment relaxes toward mean trust in the others (a truce nobody trusts erodes):
    C_i <- C_i + speed_i * (mean_j T_ij - C_i)
"""

from __future__ import annotations

import numpy as np


def update_trust(trust, perceived, build, loss) -> np.ndarray:
    out = trust + build[None, :, None] * (1.0 - trust)  # quiet: grown
    hit = perceived != 0
    if hit.any():  # the power only where something was perceived (most pairs, most days: none)
        factor = np.power(1.0 - loss[None, :, None], perceived, where=hit,
                          out=np.empty(trust.shape))
        np.multiply(trust, factor, out=out, where=hit)
    return out


def mean_trust_in_others(trust: np.ndarray) -> np.ndarray:
    """(W, P) mean trust of each party in the others (1 when it is alone)."""
    P = trust.shape[1]
    if P == 1:
        return np.ones(trust.shape[:2])
    return (trust.sum(axis=2) - np.diagonal(trust, axis1=1, axis2=2)) / (P - 1)


def update_commitment(commitment, mean_trust, speed) -> np.ndarray:
    return commitment + speed[None, :] * (mean_trust - commitment)
