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

from numba import njit


@njit(cache=True)
def update_trust(trust: float, perceived: int, build: float, loss: float) -> float:
    """Tomorrow's trust of i in j."""
    if perceived == 0:
        return trust + build * (1.0 - trust)
    return trust * (1.0 - loss) ** perceived


@njit(cache=True, inline="always")
def mean_trust_in_others(trust_row, i: int) -> float:
    """Mean trust of party i in the others (row i of the trust matrix); 1 when it is alone."""
    P = trust_row.shape[0]
    if P == 1:
        return 1.0
    total = 0.0
    for j in range(P):
        if j != i:
            total += trust_row[j]
    return total / (P - 1)


@njit(cache=True)
def update_commitment(commitment: float, mean_trust: float, speed: float) -> float:
    """Commitment moved a fraction ``speed`` of the way towards the mean trust."""
    return commitment + speed * (mean_trust - commitment)


@njit(cache=True)
def coerced_share(gain: float, removed: float) -> float:
    """Share of a party's gain from fighting that outside leverage removes today (1 where
    there is no gain but something was removed)."""
    if gain > 0.0:
        return max(0.0, min(1.0, removed / gain))
    return 1.0 if removed > 0.0 else 0.0


@njit(cache=True)
def discounted_build(build: float, discount: float, coerced_j: float) -> float:
    """Trust building of observer i toward j, discounted by the share of j's calm that
    leverage explains."""
    return build * (1.0 - discount * coerced_j)
