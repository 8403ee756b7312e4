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
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.bargaining import frontier as fr_
from sim.bargaining.issues import as_worlds, compromise, utility

ETA = 1e-9          # below this gain, log is continued by its second-order Taylor polynomial
BISECTIONS = 36     # one coordinate located to 2**-36 ~ 1.5e-11
FEASIBLE_TOL = 1e-9


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
                  tol: float = 1e-10, frontier: fr_.Frontier | None = None) -> NashSolution:
    """Nash bargaining solution for W worlds, P parties, K issues.

    Args:
        ideals, salience: (W, P, K) or (P, K).
        disagreement: (W, P) or (P,) disagreement utilities d_i (reservation values).
        power: bargaining powers b_i, (P,) or (W, P); equal if None.
        fixed, terms: (W, K) issues already agreed, held at ``terms``.
        x0: (W, K) starting point for the coordinate ascent (yesterday's solution, say).
        method: "frontier" (exact, two parties), "ascent" (any P) or "auto".
        sweeps, tol: coordinate-ascent budget and stopping rule (max coordinate change).
        frontier: for two parties, ``two_party_frontier(ideals, salience, fixed, terms)`` if
            the caller keeps it (it depends on the agreed issues only, not on ``disagreement``).
    """
    a, w, d = as_worlds(ideals, salience, disagreement)
    W, P, K = a.shape
    b = np.ones((W, P)) if power is None else np.broadcast_to(power, (W, P)).astype(float)
    fixed = np.zeros((W, K), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    terms = np.zeros((W, K)) if terms is None else np.nan_to_num(np.asarray(terms, float))
    if method == "frontier" or (method == "auto" and P == 2):
        fr = fr_.two_party_frontier(a, w, fixed, terms) if frontier is None else frontier
        tau, _ = fr_.nash_on_frontier(fr, d, b)
        x = fr_.point(fr, np.nan_to_num(tau))
    else:
        start = compromise(a, w, b) if x0 is None else np.nan_to_num(np.asarray(x0, float), 0.5)
        x = _ascent(np.where(fixed, terms, start), a, w, d, b, ~fixed, sweeps, tol)
    return _finish(x, a, w, d)


def _finish(x, a, w, d) -> NashSolution:
    u = utility(x, a, w)
    feasible = (u - d >= -FEASIBLE_TOL).all(axis=1)
    return NashSolution(np.where(feasible[:, None], x, np.nan),
                        np.where(feasible[:, None], u, np.nan), feasible)


def _dlog(v) -> np.ndarray:
    """Derivative of L: 1/v above ETA, (2 ETA - v) / ETA**2 below (continuous at ETA)."""
    return np.where(v >= ETA, 1.0 / np.maximum(v, ETA), (2.0 * ETA - v) / ETA**2)


def _ascent(x, a, w, d, b, free, sweeps: int, tol: float) -> np.ndarray:
    """Cyclic coordinate ascent over the free issues, each sweep followed by an exact line
    search along the sweep's net displacement (a pattern move, after Hooke & Jeeves 1961), which
    cuts the zig-zag of plain coordinate ascent along narrow ridges of the Nash product. A world
    stops once no coordinate moved by ``tol`` in a sweep."""
    x = x.copy()
    movable = free & (w.sum(axis=1) > 0)
    live = np.arange(x.shape[0])
    for _ in range(sweeps):
        if live.size == 0:
            break
        args = (a[live], w[live], d[live], b[live])
        before = x[live]
        after = _sweep(before, movable[live], *args)
        moved = np.abs(after - before).max(axis=1) >= tol
        x[live] = np.where(moved[:, None], _line_search(after, after - before, *args), after)
        live = live[moved]
    return x


def _sweep(x, movable, a, w, d, b) -> np.ndarray:
    """One pass of exact coordinate maximisation over the issues, in order."""
    x = x.copy()
    for k in range(x.shape[1]):
        rest = utility(x, a, w) - w[:, :, k] * (1.0 - np.abs(x[:, None, k] - a[:, :, k]))
        new = _best_coordinate(rest - d, a[:, :, k], w[:, :, k], b)
        x[:, k] = np.where(movable[:, k], new, x[:, k])
    return x


def _line_search(x, h, a, w, d, b) -> np.ndarray:
    """(W, K) maximiser of the objective on the ray x + t h, t >= 0, inside the box."""
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(h > 0, (1.0 - x) / h, np.where(h < 0, -x / h, np.inf)).min(axis=1)
    lo, hi = np.zeros(x.shape[0]), np.where(np.isfinite(room), room, 0.0)
    for _ in range(BISECTIONS):
        t = 0.5 * (lo + hi)
        y = x + t[:, None] * h
        gap = y[:, None, :] - a
        # right derivative of -|y_k + t h_k - a_ik| in t
        dgap = np.where(gap == 0, -np.abs(h)[:, None, :], -h[:, None, :] * np.sign(gap))
        slope = (b * _dlog(utility(y, a, w) - d) * (w * dgap).sum(axis=-1)).sum(axis=1)
        up = slope > 0
        lo, hi = np.where(up, t, lo), np.where(up, hi, t)
    return x + (0.5 * (lo + hi))[:, None] * h


def _best_coordinate(rest, a_k, w_k, b) -> np.ndarray:
    """(W,) maximiser over m in [0, 1] of sum_i b_i L(rest_i + w_ik (1 - |m - a_ik|)).

    Bisection on the right derivative, which is non-increasing in m (concave objective).
    """
    lo = np.zeros(rest.shape[0])
    hi = np.ones(rest.shape[0])
    top, bw = rest + w_k, b * w_k
    for _ in range(BISECTIONS):
        m = 0.5 * (lo + hi)
        below = m[:, None] < a_k
        v = top - w_k * np.abs(m[:, None] - a_k)
        slope = np.where(below, bw, -bw) * _dlog(v)
        up = slope.sum(axis=1) > 0
        lo, hi = np.where(up, m, lo), np.where(up, hi, m)
    return 0.5 * (lo + hi)
