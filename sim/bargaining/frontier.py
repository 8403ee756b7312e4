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
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.arrays import max_along, min_along, short_sum


class Frontier(NamedTuple):
    """A two-party frontier for W worlds (see the module docstring)."""

    rank: np.ndarray      # (W, K) dense rank of each issue in the concession order
    start: np.ndarray     # (W, K) settlement at tau = 0 (party 0's ideal on open issues)
    end: np.ndarray       # (W, K) settlement at tau = K (party 1's ideal on open issues)
    vertex_u: np.ndarray  # (W, K + 1, 2) utilities of both parties at tau = 0, 1, ..., K


def two_party_frontier(ideals, salience, fixed=None, terms=None) -> Frontier:
    """Build the frontier of parties 0 and 1 from (W, 2, K) ideals and saliences."""
    a0, a1 = ideals[:, 0], ideals[:, 1]
    if fixed is not None:
        a0, a1 = np.where(fixed, terms, a0), np.where(fixed, terms, a1)
    rank = _concession_order(salience[:, 0], salience[:, 1])
    K = ideals.shape[2]
    steps = np.arange(K + 1, dtype=float)[None, :, None]
    xs = a0[:, None, :] + np.clip(steps - rank[:, None, :], 0.0, 1.0) * (a1 - a0)[:, None, :]
    gap = np.abs(xs[:, :, None, :] - ideals[:, None, :, :])          # (W, K + 1, 2, K)
    vertex_u = (salience[:, None, :, :] * (1.0 - gap)).sum(axis=-1)
    return Frontier(rank, a0, a1, vertex_u)


def _concession_order(w0, w1) -> np.ndarray:
    """(W, K) dense rank of the issues by w_0k / (w_0k + w_1k): issues with equal ratios share
    a rank and move together, so that a tie is split evenly rather than by issue order."""
    total = w0 + w1
    with np.errstate(invalid="ignore", divide="ignore"):
        key = np.round(np.where(total > 0, w0 / total, 0.5), 12)
    order = np.argsort(key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    dense = np.concatenate([np.zeros((key.shape[0], 1)),
                            np.cumsum(np.diff(ordered, axis=1) > 0, axis=1)], axis=1)
    rank = np.empty_like(dense)
    np.put_along_axis(rank, order, dense, axis=1)
    return rank


def point(fr: Frontier, tau) -> np.ndarray:
    """(W, K) settlement at frontier position ``tau`` (W,)."""
    t = np.asarray(tau, dtype=float)[:, None]
    return fr.start + np.clip(t - fr.rank, 0.0, 1.0) * (fr.end - fr.start)


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


def nash_on_frontier(fr: Frontier, disagreement, power=None) -> tuple[np.ndarray, np.ndarray]:
    """Exact Nash bargaining solution for two parties: ((W,) tau, (W,) feasible).

    On each segment v_i(f) = A_i + B_i f (f in [0, 1]) with B_0 <= 0 <= B_1, so the log Nash
    product b_0 log v_0 + b_1 log v_1 is concave in f; its maximiser on the feasible part of the
    segment (v_0, v_1 >= 0) is the clipped stationary point. The best segment wins.
    """
    b = np.ones(2) if power is None else np.asarray(power, dtype=float)
    b = np.broadcast_to(b, disagreement.shape)
    u = fr.vertex_u
    A = u[:, :-1, :] - disagreement[:, None, :]
    B = u[:, 1:, :] - u[:, :-1, :]
    lo, hi, ok = _feasible_interval(A, B)
    f = _stationary(A, B, b[:, None, :])
    cands = np.stack([lo, hi, np.clip(f, lo, np.maximum(lo, hi))], axis=-1)
    v = A[..., None, :] + B[..., None, :] * cands[..., None]
    value = short_sum(b[:, None, None, :] * np.log(np.maximum(v, 1e-300)))
    value = np.where(ok[..., None], value, -np.inf)
    flat = value.reshape(value.shape[0], -1)
    best = flat.argmax(axis=1)
    seg, which = np.divmod(best, 3)
    rows = np.arange(flat.shape[0])
    tau = seg + cands[rows, seg, which]
    feasible = ok.any(axis=1)
    return np.where(feasible, tau, np.nan), feasible


def _feasible_interval(A, B) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment, [lo, hi] within [0, 1] where both A_i + B_i f >= 0, and whether it is
    non-empty (lo and hi are clipped to [0, 1] either way)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = -A / B
    lo = max_along(np.where(B > 0, cut, np.where((B == 0) & (A < 0), np.inf, -np.inf)))
    hi = min_along(np.where(B < 0, cut, np.where((B == 0) & (A < 0), -np.inf, np.inf)))
    lo, hi = np.maximum(lo, 0.0), np.minimum(hi, 1.0)
    return np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0), lo <= hi


def _stationary(A, B, b) -> np.ndarray:
    """Zero of d/df [b_0 log(A_0 + B_0 f) + b_1 log(A_1 + B_1 f)] (0 if the product is
    monotone on the segment: the endpoints are candidates anyway)."""
    num = b[..., 0] * B[..., 0] * A[..., 1] + b[..., 1] * B[..., 1] * A[..., 0]
    den = (b[..., 0] + b[..., 1]) * B[..., 0] * B[..., 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den != 0, -num / den, 0.0)
