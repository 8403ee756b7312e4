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

The rules act on one world (:func:`utility_of`, :func:`compromise_of`, compiled with numba, as
the model's day calls them); the functions over W worlds loop over them.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def utility_of(x, a_i, w_i) -> float:
    """u_i(x) = sum_k w_ik (1 - |x_k - a_ik|) of one party (``a_i``, ``w_i`` (K,)) for one
    settlement ``x`` (K,), added in issue order."""
    total = 0.0
    for k in range(x.shape[0]):
        total += w_i[k] * (1.0 - abs(x[k] - a_i[k]))
    return total


@njit(cache=True, nogil=True, _nrt=False)
def compromise_of(a, w, c, out) -> None:
    """Achen's (2006) compromise of one world into ``out`` (K,):
    x_k = sum_i c_i w_ik a_ik / sum_i c_i w_ik, the mean ideal where nobody cares about k."""
    P = a.shape[0]
    for k in range(out.shape[0]):
        pull = 0.0
        total = 0.0
        mean = 0.0
        for i in range(P):
            pull += c[i] * w[i, k] * a[i, k]
            total += c[i] * w[i, k]
            mean += a[i, k]
        out[k] = pull / total if total > 0 else (mean / P if P else np.nan)


@njit(cache=True, nogil=True)
def _utilities(xs, a, w, out) -> None:
    for n in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[n, i] = utility_of(xs[n, i], a[n, i], w[n, i])


def utility(x, ideals, salience) -> np.ndarray:
    """(W, P) utility of each party for the settlement ``x`` (W, K) (:func:`utility_of`).

    ``x`` may also carry a party axis, (W, P, K): then entry i is u_i(x_i), the utility of party
    i for its own row (its own demand, for instance).
    """
    x = np.asarray(x, dtype=float)
    xs = x[:, None, :] if x.ndim == 2 else x
    a, w = (np.asarray(v, dtype=float) for v in (ideals, salience))
    shape = np.broadcast_shapes(xs.shape, a.shape, w.shape)
    out = np.empty(shape[:2])
    _utilities(*(np.broadcast_to(v, shape) for v in (xs, a, w)), out)
    return out


def utility_matrix(demands, ideals, salience) -> np.ndarray:
    """(W, P, P) matrix U with U[w, i, j] = u_i(demand of j)."""
    W, P = demands.shape[:2]
    return np.stack([utility(demands[:, j], ideals, salience) for j in range(P)], axis=2) \
        if P else np.zeros((W, 0, 0))


@njit(cache=True, nogil=True)
def _compromises(a, w, c, out) -> None:
    for n in range(out.shape[0]):
        compromise_of(a[n], w[n], c[n], out[n])


def compromise(ideals, salience, weight=None) -> np.ndarray:
    """(W, K) salience-weighted compromise in each world (:func:`compromise_of`).

    Each party pulls the outcome toward its ideal in proportion to its capability c_i
    (``weight``, (P,) or (W, P); equal if None) times its salience.
    """
    a, w = as_worlds(ideals, salience)
    c = np.ones(a.shape[:2]) if weight is None else np.broadcast_to(
        np.asarray(weight, dtype=float), a.shape[:2])
    out = np.empty((a.shape[0], a.shape[2]))
    _compromises(a, w, c, out)
    return out


def distance(x, ideals) -> np.ndarray:
    """(W, P) mean absolute distance of ``x`` (W, K) from each party's ideal: its concession."""
    return np.abs(np.asarray(x, dtype=float)[:, None, :] - ideals).mean(axis=-1)
