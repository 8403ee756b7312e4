"""Trust and commitment, built and lost from what each party believes happened.

Trust of i in j, with h = hostile acts by j perceived by i today:
    T_ij <- T_ij + build_i * (1 - T_ij)          if h = 0
    T_ij <- T_ij * (1 - loss_i) ** h             otherwise
Commitment relaxes toward mean trust in the others (a truce nobody trusts erodes):
    C_i <- C_i + speed_i * (mean_j T_ij - C_i)
Calm bought by leverage reassures less (Kydd 2000: compliance that outside inducements or
threats explain is no costly signal of intent; Beardsley 2008): with c_j the share of j's motive
to fight that interventions remove today and kappa_i = ``coerced_calm_discount``,
    build_ij = build_i * (1 - kappa_i * c_j),    c_j = clip(x_j / gain_j, 0, 1)
"""

from __future__ import annotations

import numpy as np

from sim.arrays import short_sum


def update_trust(trust, perceived, build, loss) -> np.ndarray:
    """``build`` and ``loss`` are (P,), one per observer i, or per world (W, P, P)."""
    build, loss = _per_observer(build), _per_observer(loss)
    grown = trust + build * (1.0 - trust)
    shrunk = trust * (1.0 - loss) ** perceived
    return np.where(perceived == 0, grown, shrunk)


def _per_observer(x: np.ndarray) -> np.ndarray:
    """A (P,) parameter of observer i as (P, 1), to broadcast against (W, P, P); else as is."""
    return x[:, None] if x.ndim == 1 else x


def mean_trust_in_others(trust: np.ndarray) -> np.ndarray:
    """(W, P) mean trust of each party in the others (1 when it is alone)."""
    P = trust.shape[1]
    if P == 1:
        return np.ones(trust.shape[:2])
    return (short_sum(trust, 2) - np.diagonal(trust, axis1=1, axis2=2)) / (P - 1)


def update_commitment(commitment, mean_trust, speed) -> np.ndarray:
    return commitment + speed * (mean_trust - commitment)


def coerced_share(gain: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """(W, P) share of each party's gain from fighting that outside leverage removes today;
    ``removed`` (W, P) is the motive taken away by interventions (1 where there is no gain)."""
    g = np.broadcast_to(gain[None, :], removed.shape)
    with np.errstate(over="ignore"):  # a tiny gain saturates the share at 1
        share = np.divide(removed, g, out=np.where(removed > 0, 1.0, 0.0), where=g > 0)
    return np.clip(share, 0.0, 1.0)


def discounted_build(build: np.ndarray, discount: np.ndarray, coerced: np.ndarray) -> np.ndarray:
    """(W, P, P) trust building of observer i (axis 1) toward j (axis 2), discounted by the
    share of j's calm that leverage explains."""
    return build[None, :, None] * (1.0 - discount[None, :, None] * coerced[:, None, :])
