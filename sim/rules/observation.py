"""What each party perceives, with detection noise, false alarms and misattribution.

perceived[w, i, j] = detected violations of j by i      (prob p_detect each)
                   + false alarms about j               (prob p_false_alarm each day)
                   + spoiler attacks on i blamed on j   (prob p_misattribution * tie[j, s])
A monitoring mission lowers p_misattribution and p_false_alarm, and raises p_verify, the chance
that brokers verify a violation (sim.rules.brokers) (Clayton & Sticher 2021; Fortna 2008).
"""

from __future__ import annotations

import numpy as np


def detected(violated: np.ndarray, p_detect: float, u: np.ndarray) -> np.ndarray:
    """(W, P, P) bool: observer i (axis 1) detects a violation by j (axis 2)."""
    seen = violated[:, None, :] & (u < p_detect)
    return _off_diagonal(seen, copy=False)


def per_world(p, extra_dims: int):
    """A scalar as is; a (W,) array reshaped to broadcast against (W, ...) with extra_dims."""
    p = np.asarray(p)
    return p if p.ndim == 0 else p.reshape(p.shape + (1,) * extra_dims)


def false_alarms(p_false_alarm, u: np.ndarray) -> np.ndarray:
    """(W, P, P) bool: i believes j violated when j did not (caller masks real ones).

    ``p_false_alarm`` is a scalar or one value per world."""
    return _off_diagonal(u < per_world(p_false_alarm, 2), copy=False)


def blamed(attacked, targets, ties, p_misattribution: float, u: np.ndarray) -> np.ndarray:
    """(W, P, P) int: attacks on victim i (axis 1) blamed on party j (axis 2).

    ``attacked`` is (W, S); ``targets`` (S, P) marks victims; ``ties`` (P, S) entanglement, or
    per world (W, P, S); ``p_misattribution`` a scalar or (W,); ``u`` is (W, P, P, S).
    """
    ties4 = ties[:, None, :, :] if ties.ndim == 3 else ties[None, None, :, :]
    p_blame = per_world(p_misattribution, 3) * ties4             # (W or 1, 1, P, S): culprit j
    count = np.zeros(u.shape[:3], dtype=np.int16)
    for s in range(u.shape[3]):  # attacks are rare: work on the worlds where spoiler s struck
        rows = np.flatnonzero(attacked[:, s])
        if rows.size:
            p_s = p_blame[..., s] if p_blame.shape[0] == 1 else p_blame[rows, ..., s]
            count[rows] += targets[s][None, :, None] & (u[rows, :, :, s] < p_s)  # victims i
    return _off_diagonal(count, copy=False)


def collateral(hit: np.ndarray) -> np.ndarray:
    """(W, P, P) int: a party hit by collateral damage (W, P) blames every other party."""
    P = hit.shape[1]
    return _off_diagonal(np.broadcast_to(hit[:, :, None], (hit.shape[0], P, P)).astype(np.int16))


def _off_diagonal(x: np.ndarray, copy: bool = True) -> np.ndarray:
    """``x`` with zeros on the diagonal of axes 1 and 2 (in place when ``copy`` is False:
    for arrays the caller has just made)."""
    P = x.shape[1]
    if P > 1:
        x = x.copy() if copy else x
        idx = np.arange(P)
        x[:, idx, idx] = 0
    else:
        x = np.zeros_like(x)
    return x
