"""The issue space: positions, ideal points, saliences, utilities and the zone of agreement.

Each of K issues is settled at an outcome x_k in [0, 1]. Party i has an ideal point a_ik, a
salience w_ik >= 0 with sum_k w_ik = 1 and a reservation value r_i, the utility it expects
without an agreement (its outside option: what it expects from fighting). The utility of a
settlement x is linear in the distance to the ideal on each issue, weighted by salience
(the spatial model of multi-issue bargaining; Achen 2006):

    u_i(x) = sum_k w_ik * (1 - |x_k - a_ik|)               in [0, 1], u_i(a_i) = 1.

The zone of agreement is {x : u_i(x) >= r_i for every i}; it is non-empty iff bargaining can
beat fighting for everybody at once.

Shapes: a leading axis of independent worlds W, then parties P, then issues K. ``ideals`` and
``salience`` may be given per world (W, P, K) or shared by all worlds (P, K).
"""

from __future__ import annotations

import numpy as np

from sim.arrays import short_sum


def as_worlds(ideals, salience, reservation=None) -> tuple:
    """Broadcast the issue arrays to (W, P, K), (W, P, K) and, if given, (W, P) float arrays."""
    a = np.asarray(ideals, dtype=float)
    w = np.asarray(salience, dtype=float)
    lead = [x.shape[0] for x in (a, w) if x.ndim == 3]
    if reservation is not None:
        r = np.asarray(reservation, dtype=float)
        lead += [r.shape[0]] if r.ndim == 2 else []
    n = max(lead, default=1)
    shape = (n,) + np.broadcast_shapes(a.shape[-2:], w.shape[-2:])
    a, w = np.broadcast_to(a, shape), np.broadcast_to(w, shape)
    if reservation is None:
        return a, w
    return a, w, np.broadcast_to(r, shape[:2])


def utility(x, ideals, salience) -> np.ndarray:
    """(W, P) utility of each party for the settlement ``x`` (W, K).

    ``x`` may also carry a party axis, (W, P, K): then entry i is u_i(x_i), the utility of party
    i for its own row (its own demand, for instance).
    """
    x = np.asarray(x, dtype=float)
    xs = x[:, None, :] if x.ndim == 2 else x
    return short_sum(salience * (1.0 - np.abs(xs - ideals)))


def utility_matrix(demands, ideals, salience) -> np.ndarray:
    """(W, P, P) matrix U with U[w, i, j] = u_i(demand of j)."""
    gap = np.abs(demands[:, None, :, :] - ideals[:, :, None, :])
    return (salience[:, :, None, :] * (1.0 - gap)).sum(axis=-1)


def compromise(ideals, salience, weight=None) -> np.ndarray:
    """(W, K) salience-weighted compromise: x_k = sum_i c_i w_ik a_ik / sum_i c_i w_ik.

    Achen's (2006) compromise model: each party pulls the outcome toward its ideal in proportion
    to its capability c_i (``weight``, (P,) or (W, P); equal if None) times its salience. An
    issue nobody cares about settles at the unweighted mean of the ideals.
    """
    c = np.ones(ideals.shape[:2]) if weight is None else np.broadcast_to(weight, ideals.shape[:2])
    pull = c[..., None] * salience
    total = pull.sum(axis=1)
    mean = ideals.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (pull * ideals).sum(axis=1) / total
    return np.where(total > 0, x, mean)


def distance(x, ideals) -> np.ndarray:
    """(W, P) mean absolute distance of ``x`` (W, K) from each party's ideal: its concession."""
    return np.abs(np.asarray(x, dtype=float)[:, None, :] - ideals).mean(axis=-1)
