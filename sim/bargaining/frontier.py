"""The Pareto frontier of two parties with linear-distance utilities, as a polyline.

For two parties the Pareto-optimal settlements are the maximisers of u_0 + lam * u_1 for some
lam >= 0. Because utilities are separable and linear in |x_k - a_ik|, issue k goes to party 0's
ideal when w_0k > lam * w_1k, to party 1's when w_0k < lam * w_1k, and may sit anywhere between
the two ideals when the ratio equals lam. Raising lam from 0 therefore concedes the issues to
party 1 one at a time, cheapest first, in increasing order of

    w_0k / (w_0k + w_1k)      (what the issue costs party 0 per unit of party 1's gain)

(logrolling: each side gives way where it cares less; issues with equal ratios move together).
The frontier is parametrised by tau in [0, K]: the issues ranked j move from a_0k to a_1k
while tau runs over [j, j + 1] (when ranks are shared, the last segments are empty), so

    x_k(tau) = a_0k + clip(tau - rank_k, 0, 1) * (a_1k - a_0k),

and both utilities are linear in tau between integer vertices. u_0 never rises and u_1 never
falls along tau. Issues already agreed (``fixed``) stay at their terms.

Building the frontier, a point on it and the Nash solution on it are rules of the model's day
and compiled, for one world (:func:`build_frontier`, :func:`point_of`, :func:`nash_position`);
the functions over W worlds loop over them.
"""

from __future__ import annotations

from math import inf, log, nan
from typing import NamedTuple

import numpy as np
from numba import njit

from sim.bargaining.issues import as_worlds


class Frontier(NamedTuple):
    """A two-party frontier for W worlds (see the module docstring)."""

    rank: np.ndarray      # (W, K) dense rank of each issue in the concession order
    start: np.ndarray     # (W, K) settlement at tau = 0 (party 0's ideal on open issues)
    end: np.ndarray       # (W, K) settlement at tau = K (party 1's ideal on open issues)
    vertex_u: np.ndarray  # (W, K + 1, 2) utilities of both parties at tau = 0, 1, ..., K


@njit(cache=True, nogil=True, _nrt=False)
def concession_order(w0, w1, rank) -> None:
    """Dense rank of the issues by w_0k / (w_0k + w_1k) (rounded to 12 digits; 1/2 where
    nobody cares), into ``rank`` (K,): issues with equal ratios share a rank and move
    together, so that a tie is split evenly rather than by issue order."""
    K = rank.shape[0]
    for k in range(K):
        key_k = _ratio(w0[k], w1[k])
        below = 0
        for j in range(K):
            key_j = _ratio(w0[j], w1[j])
            if key_j < key_k and not _seen_before(w0, w1, j, key_j):
                below += 1
        rank[k] = below


@njit(cache=True, nogil=True, _nrt=False)
def _ratio(w0, w1) -> float:
    total = w0 + w1
    return np.round(w0 / total, 12) if total > 0 else 0.5


@njit(cache=True, nogil=True, _nrt=False)
def _seen_before(w0, w1, j, key) -> bool:
    for m in range(j):
        if _ratio(w0[m], w1[m]) == key:
            return True
    return False


@njit(cache=True, nogil=True, _nrt=False)
def build_frontier(a, w, fixed, terms, rank, start, end, vertex_u) -> None:
    """One world's frontier of parties 0 and 1 (``a``, ``w`` (2, K)) into ``start``, ``end``
    (K,) and ``vertex_u`` (K + 1, 2), given the issues' ``rank`` (:func:`concession_order` of
    ``w``, which depends on the saliences only); agreed issues (``fixed``) stay at ``terms``."""
    K = rank.shape[0]
    for k in range(K):
        start[k] = terms[k] if fixed[k] else a[0, k]
        end[k] = terms[k] if fixed[k] else a[1, k]
    for j in range(K + 1):
        for party in range(2):
            total = 0.0
            for k in range(K):
                x = start[k] + min(max(j - rank[k], 0.0), 1.0) * (end[k] - start[k])
                total += w[party, k] * (1.0 - abs(x - a[party, k]))
            vertex_u[j, party] = total


@njit(cache=True, nogil=True, _nrt=False)
def point_of(rank, start, end, tau, out) -> None:
    """The settlement at frontier position ``tau``: x_k = start_k + clip(tau - rank_k, 0, 1)
    (end_k - start_k), into ``out`` (K,)."""
    for k in range(out.shape[0]):
        out[k] = start[k] + min(max(tau - rank[k], 0.0), 1.0) * (end[k] - start[k])


@njit(cache=True, nogil=True, _nrt=False)
def nash_position(vertex_u, d, b) -> tuple[float, bool]:
    """Exact Nash bargaining solution of two parties on one world's frontier: (tau, feasible).

    On each segment v_i(f) = A_i + B_i f (f in [0, 1]) with B_0 <= 0 <= B_1, so the log Nash
    product b_0 log v_0 + b_1 log v_1 is concave in f; its maximiser on the feasible part of the
    segment (v_0, v_1 >= 0) is the clipped stationary point. The best segment wins (the first
    of equals); tau is NaN where no segment is feasible.
    """
    best, tau = -inf, nan
    for s in range(vertex_u.shape[0] - 1):
        a0, a1 = vertex_u[s, 0] - d[0], vertex_u[s, 1] - d[1]
        b0, b1 = vertex_u[s + 1, 0] - vertex_u[s, 0], vertex_u[s + 1, 1] - vertex_u[s, 1]
        lo, hi, ok = _feasible_interval(a0, b0, a1, b1)
        if not ok:
            continue
        f = min(max(_stationary(a0, b0, a1, b1, b[0], b[1]), lo), max(lo, hi))
        for c in (lo, hi, f):
            value = b[0] * log(max(a0 + b0 * c, 1e-300)) + b[1] * log(max(a1 + b1 * c, 1e-300))
            if value > best:
                best, tau = value, s + c
    return tau, best > -inf


@njit(cache=True, nogil=True, _nrt=False)
def _feasible_interval(a0, b0, a1, b1) -> tuple[float, float, bool]:
    """[lo, hi] within [0, 1] where both a_i + b_i f >= 0, and whether it is non-empty (lo and
    hi are clipped to [0, 1] either way)."""
    lo, hi = -inf, inf
    for a, b in ((a0, b0), (a1, b1)):
        if b > 0:
            lo = max(lo, -a / b)
        elif b < 0:
            hi = min(hi, -a / b)
        elif a < 0:
            lo, hi = inf, -inf
    lo, hi = max(lo, 0.0), min(hi, 1.0)
    return min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0), lo <= hi


@njit(cache=True, nogil=True, _nrt=False)
def _stationary(a0, b0, a1, b1, p0, p1) -> float:
    """Zero of d/df [p_0 log(a_0 + b_0 f) + p_1 log(a_1 + b_1 f)] (0 if the product is
    monotone on the segment: the endpoints are candidates anyway)."""
    num = p0 * b0 * a1 + p1 * b1 * a0
    den = (p0 + p1) * b0 * b1
    return -num / den if den != 0 else 0.0


@njit(cache=True, nogil=True)
def _build_worlds(a, w, fixed, terms, rank, start, end, vertex_u) -> None:
    for n in range(rank.shape[0]):
        concession_order(w[n, 0], w[n, 1], rank[n])
        build_frontier(a[n], w[n], fixed[n], terms[n], rank[n], start[n], end[n], vertex_u[n])


def two_party_frontier(ideals, salience, fixed=None, terms=None) -> Frontier:
    """Build the frontier of parties 0 and 1 from (W, 2, K) ideals and saliences
    (:func:`build_frontier` in each world)."""
    a, w = as_worlds(ideals, salience)
    W, _, K = a.shape
    fixed = np.zeros((W, K), bool) if fixed is None else np.broadcast_to(fixed, (W, K))
    terms = np.zeros((W, K)) if terms is None else np.broadcast_to(
        np.asarray(terms, dtype=float), (W, K))
    fr = Frontier(np.empty((W, K)), np.empty((W, K)), np.empty((W, K)), np.empty((W, K + 1, 2)))
    _build_worlds(a, w, fixed, terms, *fr)
    return fr


@njit(cache=True, nogil=True)
def _points(rank, start, end, tau, out) -> None:
    for n in range(out.shape[0]):
        point_of(rank[n], start[n], end[n], tau[n], out[n])


def point(fr: Frontier, tau) -> np.ndarray:
    """(W, K) settlement at frontier position ``tau`` (W,) (:func:`point_of`)."""
    out = np.empty(fr.start.shape)
    _points(fr.rank, fr.start, fr.end, np.asarray(tau, dtype=float).reshape(-1), out)
    return out


def utilities(fr: Frontier, tau) -> np.ndarray:
    """Utilities of both parties at frontier positions ``tau``, (W,) -> (W, 2) or
    (W, n) -> (W, n, 2), interpolated between vertices."""
    K = fr.rank.shape[1]
    t = np.clip(np.asarray(tau, dtype=float), 0.0, K)
    s = np.minimum(np.floor(t).astype(int), max(K - 1, 0))
    rows = np.arange(t.shape[0]).reshape((-1,) + (1,) * (t.ndim - 1))
    lo, hi = fr.vertex_u[rows, s], fr.vertex_u[rows, np.minimum(s + 1, K)]
    return lo + (t - s)[..., None] * (hi - lo)


def _share_at_least(lo, hi, level) -> np.ndarray:
    """Length of {f in [0, 1] : lo + f (hi - lo) >= level}, per segment."""
    slope = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = (level - lo) / slope
    rising = np.clip(1.0 - cut, 0.0, 1.0)
    falling = np.clip(cut, 0.0, 1.0)
    flat = (lo >= level).astype(float)
    return np.where(slope > 0, rising, np.where(slope < 0, falling, flat))


def position_at_level(fr: Frontier, party: int, level) -> np.ndarray:
    """(W,) the frontier position most generous to the other party that still gives ``party``
    at least ``level``: the largest tau with u_0 >= level, or the smallest with u_1 >= level.

    Utilities are monotone along tau, so the set of such tau is an interval starting at one
    end of the frontier; its length is the sum over segments of the part that qualifies.
    """
    u = fr.vertex_u[..., party]
    level = np.asarray(level, dtype=float)[:, None]
    length = _share_at_least(u[:, :-1], u[:, 1:], level).sum(axis=1)
    return length if party == 0 else fr.rank.shape[1] - length


def best_given(fr: Frontier, party: int, level) -> np.ndarray:
    """(W,) the most the *other* party can get on the frontier when ``party`` gets ``level``;
    -inf where ``level`` exceeds what ``party`` can get at all."""
    tau = position_at_level(fr, party, level)
    reachable = fr.vertex_u[..., party].max(axis=1) >= np.asarray(level) - 1e-12
    return np.where(reachable, utilities(fr, tau)[:, 1 - party], -np.inf)


@njit(cache=True, nogil=True)
def _nash_worlds(vertex_u, d, b, tau, feasible) -> None:
    for n in range(tau.shape[0]):
        tau[n], feasible[n] = nash_position(vertex_u[n], d[n], b[n])


def nash_on_frontier(fr: Frontier, disagreement, power=None) -> tuple[np.ndarray, np.ndarray]:
    """Exact Nash bargaining solution for two parties: ((W,) tau, (W,) feasible), by
    :func:`nash_position` in each world."""
    d = np.asarray(disagreement, dtype=float)
    b = np.broadcast_to(np.ones(2) if power is None else np.asarray(power, dtype=float), d.shape)
    W = fr.rank.shape[0]
    tau, feasible = np.empty(W), np.empty(W, dtype=bool)
    _nash_worlds(fr.vertex_u, d, b, tau, feasible)
    return tau, feasible
