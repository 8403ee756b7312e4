"""The Nash bargaining solution over the issue space (Nash 1950).

Given disagreement utilities d_i (the reservation values), the Nash solution is the settlement
that maximises the product of the parties' gains over disagreement,

    x^N = argmax_{x in [0,1]^K}  prod_i (u_i(x) - d_i)^{b_i}   subject to u_i(x) >= d_i,

with bargaining powers b_i = 1 in Nash's symmetric solution (unequal b_i: the asymmetric
solution of Kalai 1977). It exists iff the zone of agreement is non-empty.

Two parties, one issue, ideals a_1 < a_2, unit salience: between the ideals u_1 = 1 - (x - a_1)
and u_2 = 1 - (a_2 - x), so the product is maximised at

    x^N = (a_1 + a_2 + d_2 - d_1) / 2     (clipped to [a_1, a_2]),

the midpoint shifted toward the party with the better outside option; it is feasible iff
d_1 + d_2 <= 2 - |a_2 - a_1|. For ideals 0 and 1 party 1 gets (1 + d_1 - d_2) / 2.

Two parties, many issues: exact, segment by segment along the Pareto frontier
(:func:`sim.bargaining.frontier.nash_on_frontier`).

P parties, K issues: cyclic coordinate ascent on sum_i b_i L(u_i(x) - d_i), each coordinate
maximised exactly by bisection on its (monotone) one-sided derivative, each sweep followed by
an exact line search along the sweep's displacement. L is log above a tiny
eta and its quadratic continuation below, so the objective is concave and finite on the whole
box and equals the log Nash product wherever all gains exceed eta. Coordinate ascent finds the
maximum: the kinks of u_i lie on the hyperplanes x_k = a_ik, so the directional derivative of
the objective is a sum of one-dimensional terms, and a point where no single coordinate can
improve is a global maximum of the concave objective (Tseng 2001). A world whose maximiser
leaves some party below its disagreement utility has an empty zone.

The solver acts on one world and is compiled (:func:`nash_of`), as the model's mediator calls
it every time a world's reservation values change; :func:`nash_solution` loops over worlds.
"""

from __future__ import annotations

from collections import namedtuple
from typing import NamedTuple

import numpy as np
from numba import njit

from sim.bargaining import frontier as fr_
from sim.bargaining.issues import as_worlds, compromise, utility, utility_of

ETA = 1e-9          # below this gain, log is continued by its second-order Taylor polynomial
BISECTIONS = 36     # one coordinate located to 2**-36 ~ 1.5e-11
FEASIBLE_TOL = 1e-9


# Scratch arrays of one thread's solver, allocated once (the compiled day allocates nothing):
# the two-party frontier (its ``rank`` is an input: the concession order of the saliences,
# fixed in a scenario), held terms, the ascent's last point and step, a point on its ray, and
# one number per party.
Work = namedtuple("Work", ("rank", "start", "end", "vertex_u", "held", "before", "step", "ray",
                           "rest"))


def make_work(P: int, K: int, salience=None) -> Work:
    """Scratch for :func:`nash_of` and :func:`sim.bargaining.talks.propose_of`, P parties and
    K issues; with the (P, K) ``salience`` of two parties, their concession order."""
    work = Work(*(np.zeros(K) for _ in range(3)), np.zeros((K + 1, 2)),
                *(np.zeros(K) for _ in range(4)), np.zeros(P))
    if salience is not None and P == 2:
        w = np.ascontiguousarray(salience, dtype=float)
        fr_.concession_order(w[0], w[1], work.rank)
    return work


class NashSolution(NamedTuple):
    """The Nash bargaining solution in each of W worlds (NaN where the zone is empty)."""

    x: np.ndarray         # (W, K)
    utility: np.ndarray   # (W, P)
    feasible: np.ndarray  # (W,) bool: the zone of agreement is non-empty


def nash_two_party_closed_form(a1, a2, d1, d2) -> np.ndarray:
    """One issue, unit salience: (a1 + a2 + s (d2 - d1)) / 2 with s = sign(a2 - a1), clipped
    between the ideals; NaN where d1 + d2 > 2 - |a2 - a1| (empty zone)."""
    a1, a2, d1, d2 = (np.asarray(v, dtype=float) for v in (a1, a2, d1, d2))
    x = (a1 + a2 + np.sign(a2 - a1) * (d2 - d1)) / 2.0
    x = np.clip(x, np.minimum(a1, a2), np.maximum(a1, a2))
    return np.where(d1 + d2 <= 2.0 - np.abs(a2 - a1), x, np.nan)


def nash_solution(ideals, salience, disagreement, power=None, fixed=None, terms=None,
                  x0=None, method: str = "auto", sweeps: int = 200,
                  tol: float = 1e-10) -> NashSolution:
    """Nash bargaining solution for W worlds, P parties, K issues (:func:`nash_of` in each).

    Args:
        ideals: (W, P, K) or (P, K) ideal points of each party on each issue.
        salience: (W, P, K) or (P, K) weight of each issue to each party.
        disagreement: (W, P) or (P,) disagreement utilities d_i (reservation values).
        power: bargaining powers b_i, (P,) or (W, P); equal if None.
        fixed: (W, K) issues already agreed, held at ``terms``.
        terms: (W, K) the agreed terms of the ``fixed`` issues.
        x0: (W, K) starting point for the coordinate ascent (yesterday's solution, say).
        method: "frontier" (exact, two parties), "ascent" (any P) or "auto".
        sweeps: coordinate-ascent budget (at most this many sweeps over the issues).
        tol: coordinate-ascent stopping rule (max coordinate change).
    """
    a, w, d = as_worlds(ideals, salience, disagreement)
    W, P, K = a.shape
    if method == "frontier" and P != 2:
        raise ValueError(f"the frontier method needs two parties, not {P}")
    b = np.ones((W, P)) if power is None else np.broadcast_to(power, (W, P)).astype(float)
    fixed = np.zeros((W, K), dtype=bool) if fixed is None else np.broadcast_to(
        np.asarray(fixed, dtype=bool), (W, K))
    terms = np.zeros((W, K)) if terms is None else np.nan_to_num(
        np.broadcast_to(np.asarray(terms, float), (W, K)))
    start = compromise(a, w, b) if x0 is None else np.broadcast_to(
        np.nan_to_num(np.asarray(x0, float), nan=0.5), (W, K))
    use_frontier = method == "frontier" or (method == "auto" and P == 2)
    x, feasible = np.empty((W, K)), np.empty(W, dtype=bool)
    _nash_worlds(a, w, d, b, fixed, terms, start, use_frontier, sweeps, tol, x, feasible,
                 make_work(P, K))
    u = utility(x, a, w)
    return NashSolution(np.where(feasible[:, None], x, np.nan),
                        np.where(feasible[:, None], u, np.nan), feasible)


@njit(cache=True, nogil=True)
def _nash_worlds(a, w, d, b, fixed, terms, start, use_frontier, sweeps, tol, x, feasible,
                 work):
    for n in range(x.shape[0]):
        if use_frontier:
            fr_.concession_order(w[n, 0], w[n, 1], work.rank)
        feasible[n] = nash_of(a[n], w[n], d[n], b[n], fixed[n], terms[n], start[n],
                              use_frontier, sweeps, tol, x[n], work)


@njit(cache=True, nogil=True, _nrt=False)
def nash_of(a, w, d, b, fixed, terms, start, use_frontier, sweeps, tol, out, work) -> bool:
    """The Nash solution of one world into ``out`` (K,); returns whether it is feasible (every
    u_i(x) >= d_i - FEASIBLE_TOL; where it is not, ``out`` holds the solver's last point).

    Two parties (``use_frontier``): exact, on the frontier
    (:func:`sim.bargaining.frontier.nash_position`). Otherwise coordinate ascent from
    ``start`` (K,) on the open issues; agreed issues (``fixed``) stay at ``terms``.
    ``work``: scratch (:func:`make_work`), holding the concession order of ``w`` for two
    parties.
    """
    K = out.shape[0]
    if use_frontier:
        _on_frontier(a, w, d, b, fixed, terms, out, work)
    else:
        for k in range(K):
            out[k] = terms[k] if fixed[k] else start[k]
        _ascent(out, a, w, d, b, fixed, sweeps, tol, work)
    for i in range(a.shape[0]):
        if utility_of(out, a[i], w[i]) - d[i] < -FEASIBLE_TOL:
            return False
    return True


@njit(cache=True, nogil=True, _nrt=False)
def _on_frontier(a, w, d, b, fixed, terms, out, work) -> None:
    """Two parties: the Nash point of the frontier (its start where none is feasible)."""
    fr_.build_frontier(a, w, fixed, terms, work.rank, work.start, work.end, work.vertex_u)
    tau, _ = fr_.nash_position(work.vertex_u, d, b)
    fr_.point_of(work.rank, work.start, work.end, 0.0 if np.isnan(tau) else tau, out)


@njit(cache=True, nogil=True, _nrt=False)
def _dlog(v) -> float:
    """Derivative of L: 1/v above ETA, (2 ETA - v) / ETA**2 below (continuous at ETA)."""
    return 1.0 / v if v >= ETA else (2.0 * ETA - v) / ETA**2


@njit(cache=True, nogil=True, _nrt=False)
def _ascent(x, a, w, d, b, fixed, sweeps, tol, work) -> None:
    """Cyclic coordinate ascent over the open issues of one world, in place, each sweep
    followed by an exact line search along the sweep's net displacement (a pattern move, after
    Hooke & Jeeves 1961), which cuts the zig-zag of plain coordinate ascent along narrow ridges
    of the Nash product. Stops once no coordinate moved by ``tol`` in a sweep."""
    before, h = work.before, work.step
    for _ in range(sweeps):
        for k in range(x.shape[0]):
            before[k] = x[k]
        _sweep(x, fixed, a, w, d, b, work.rest)
        moved = 0.0
        for k in range(x.shape[0]):
            h[k] = x[k] - before[k]
            moved = max(moved, abs(h[k]))
        if moved < tol:
            return
        _line_search(x, h, a, w, d, b, work.ray)


@njit(cache=True, nogil=True, _nrt=False)
def _sweep(x, fixed, a, w, d, b, rest) -> None:
    """One pass of exact coordinate maximisation over the open issues that some party cares
    about, in order, in place."""
    P = a.shape[0]
    for k in range(x.shape[0]):
        for i in range(P):
            rest[i] = utility_of(x, a[i], w[i]) - w[i, k] * (1.0 - abs(x[k] - a[i, k])) - d[i]
        new = _best_coordinate(rest, a[:, k], w[:, k], b)
        if not fixed[k] and w[:, k].sum() > 0:
            x[k] = new


@njit(cache=True, nogil=True, _nrt=False)
def _line_search(x, h, a, w, d, b, y) -> None:
    """Move x to the maximiser of the objective on the ray x + t h, t >= 0, inside the box."""
    room = np.inf
    for k in range(x.shape[0]):
        if h[k] > 0:
            room = min(room, (1.0 - x[k]) / h[k])
        elif h[k] < 0:
            room = min(room, -x[k] / h[k])
    lo, hi = 0.0, room if np.isfinite(room) else 0.0
    for _ in range(BISECTIONS):
        t = 0.5 * (lo + hi)
        for k in range(x.shape[0]):
            y[k] = x[k] + t * h[k]
        if _ray_slope(y, h, a, w, d, b) > 0:
            lo = t
        else:
            hi = t
    t = 0.5 * (lo + hi)
    for k in range(x.shape[0]):
        x[k] = x[k] + t * h[k]


@njit(cache=True, nogil=True, _nrt=False)
def _ray_slope(y, h, a, w, d, b) -> float:
    """Right derivative of the objective at y along h (of -|y_k - a_ik| per issue)."""
    slope = 0.0
    for i in range(a.shape[0]):
        along = 0.0
        for k in range(y.shape[0]):
            gap = y[k] - a[i, k]
            along += w[i, k] * (-abs(h[k]) if gap == 0 else -h[k] * np.sign(gap))
        slope += b[i] * _dlog(utility_of(y, a[i], w[i]) - d[i]) * along
    return slope


@njit(cache=True, nogil=True, _nrt=False)
def _best_coordinate(rest, a_k, w_k, b) -> float:
    """The maximiser over m in [0, 1] of sum_i b_i L(rest_i + w_ik (1 - |m - a_ik|)), by
    bisection on the right derivative, which is non-increasing in m (concave objective)."""
    lo, hi = 0.0, 1.0
    for _ in range(BISECTIONS):
        m = 0.5 * (lo + hi)
        slope = 0.0
        for i in range(rest.shape[0]):
            v = rest[i] + w_k[i] - w_k[i] * abs(m - a_k[i])
            slope += (b[i] * w_k[i] if m < a_k[i] else -b[i] * w_k[i]) * _dlog(v)
        if slope > 0:
            lo = m
        else:
            hi = m
    return 0.5 * (lo + hi)
