"""Frailty: truces differ in resolve from the day they start (Vaupel, Manton & Stallard 1979).

Each world draws one number u_w ~ U[0, 1), shared by its parties, and party i starts with
    C_i(0) = clip(C_i + r_i * (2 u_w - 1), 0, 1)
where r_i is ``stances.commitment_range``. Worlds whose parties start with little resolve fail
early and leave the resolute ones behind, so the aggregate hazard falls with time even where
each world's own hazard does not: the pattern Fortna (2004) reports for ceasefires.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def initial_commitment(commitment: float, half_width: float, u: float) -> float:
    """Initial commitment of one party in a world whose frailty draw is ``u``."""
    return max(0.0, min(1.0, commitment + half_width * (2.0 * u - 1.0)))
