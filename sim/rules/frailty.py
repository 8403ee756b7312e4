"""Frailty: truces differ in resolve from the day they start (Vaupel, Manton & Stallard 1979).

Each world draws one number u_w ~ U[0, 1), shared by its parties, and party i starts with
    C_i(0) = clip(C_i + r_i * (2 u_w - 1), 0, 1)
where r_i is ``stances.commitment_range``. Worlds whose parties start with little resolve fail
early and leave the resolute ones behind, so the aggregate hazard falls with time even where
each world's own hazard does not: the pattern Fortna (2004) reports for ceasefires.
"""

from __future__ import annotations

import numpy as np


def initial_commitment(commitment0: np.ndarray, half_width: np.ndarray,
                       u: np.ndarray) -> np.ndarray:
    """(W, P) initial commitment; ``u`` is (W,) uniform draws, one per world."""
    spread = half_width[None, :] * (2.0 * u[:, None] - 1.0)
    return np.clip(commitment0[None, :] + spread, 0.0, 1.0)
