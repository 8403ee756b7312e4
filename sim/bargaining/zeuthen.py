"""Zeuthen's concession process, in Harsanyi's form, for two parties (Zeuthen 1930;
Harsanyi 1956).

Each party i holds a demand x_i, a settlement on the Pareto frontier. Its risk limit is the
largest probability of breakdown it would accept rather than give in to the other's demand:

    rho_i = (u_i(x_i) - u_i(x_j)) / (u_i(x_i) - d_i).

The party with the smaller risk limit concedes (both, on a tie). Harsanyi showed that
rho_i <= rho_j exactly when the Nash product N(x) = (u_0(x) - d_0)(u_1(x) - d_1) of i's own
demand is no larger than that of j's demand; so conceding "just enough that it would no longer
be the one to concede" means moving to the first frontier point, on its own side, whose Nash
product reaches N(x_j), and then one smallest unit ``step`` of utility further (without a
minimum step the process would only converge in the limit). Nash products of the standing
demands rise every round and the demands close in on the Nash solution from both sides; talks
end when one party finds the other's demand at least as good as its own (the demands cross),
and the settlement is that demand. A party never concedes below its disagreement utility d_i.

Demands move along the two-party frontier (:mod:`sim.bargaining.frontier`), so with many issues
the concessions logroll. The zone of agreement must be non-empty, or there is no agreement.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.bargaining import frontier as fr_
from sim.bargaining.issues import as_worlds

BISECTIONS = 24  # positions to 2**-24 of the way between demands: far below a concession step
TIE = 1e-12


class ZeuthenResult(NamedTuple):
    """Outcome of the concession process in each of W worlds (NaN where no agreement)."""

    agreed: np.ndarray    # (W,) bool
    rounds: np.ndarray    # (W,) round in which the demands crossed, -1 if never
    x: np.ndarray         # (W, K) settlement
    utility: np.ndarray   # (W, 2)
    path: np.ndarray      # (R, W, 2, 2) u[r, w, i, j] = u_j(demand of i) at round r (if traced)


@njit(cache=True, nogil=True, inline="always")
def risk_limit_of(own, other, d) -> float:
    """Risk limit rho = (u(own) - u(other)) / (u(own) - d) of one party; +inf when the own
    demand is worth no more than disagreement yet still better than the other's (it cannot
    concede further)."""
    gain, loss = own - d, own - other
    if gain > 0:
        return loss / gain
    return np.inf if loss > 0 else 0.0


@njit(cache=True, nogil=True)
def _risk_limits(own, other, d, out) -> None:
    for n in range(out.shape[0]):
        out[n] = risk_limit_of(own[n], other[n], d[n])


def risk_limit(own, other, d) -> np.ndarray:
    """:func:`risk_limit_of`, elementwise over broadcast arrays."""
    own, other, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (own, other, d)))
    out = np.empty(own.shape)
    _risk_limits(own.reshape(-1), other.reshape(-1), d.reshape(-1), out.reshape(-1))
    return out


def zeuthen(ideals, salience, disagreement, step: float = 1e-3, max_rounds: int = 20_000,
            trace: bool = False) -> ZeuthenResult:
    """Run Zeuthen's process between parties 0 and 1 in W worlds.

    Args:
        ideals: (W, 2, K) or (2, K) ideal points of each party on each issue.
        salience: (W, 2, K) or (2, K) weight of each issue to each party.
        disagreement: (W, 2) or (2,) disagreement utilities d_i.
        step: the smallest concession, in utility; the settlement is within about ``step`` of
            the Nash solution.
        max_rounds: cap on rounds (at most about 2 / step are needed).
        trace: also return every round's demands' utilities in ``path``.
    """
    a, w, d = as_worlds(ideals, salience, disagreement)
    fr = fr_.two_party_frontier(a, w)
    _, feasible = fr_.nash_on_frontier(fr, d)
    K = a.shape[2]
    tau = np.stack([fr_.position_at_level(fr, 0, fr.vertex_u[:, 0, 0]),
                    fr_.position_at_level(fr, 1, fr.vertex_u[:, K, 1])], axis=1)
    cap = np.stack([fr_.position_at_level(fr, 0, d[:, 0]),
                    fr_.position_at_level(fr, 1, d[:, 1])], axis=1)
    done, deal, when = ~feasible, np.full(len(d), np.nan), np.full(len(d), -1)
    path = []
    for r in range(max_rounds):
        u = np.stack([fr_.utilities(fr, tau[:, 0]), fr_.utilities(fr, tau[:, 1])], axis=1)
        if trace:
            path.append(u)
        crossed, at = _crossing(u, tau)
        new = ~done & crossed
        deal, when, done = np.where(new, at, deal), np.where(new, r, when), done | crossed
        if done.all():
            break
        moved = _concede(fr, tau, u, d, step, cap, ~done)
        done |= ~done & (moved == tau).all(axis=1)  # nobody can move: breakdown
        tau = moved
    agreed = when >= 0
    x = np.where(agreed[:, None], fr_.point(fr, np.nan_to_num(deal)), np.nan)
    util = np.where(agreed[:, None], fr_.utilities(fr, np.nan_to_num(deal)), np.nan)
    return ZeuthenResult(agreed, when, x, util, np.array(path) if trace else np.empty(0))


def _crossing(u, tau) -> tuple[np.ndarray, np.ndarray]:
    """Whether a party finds the other's demand at least as good as its own, and the deal:
    the accepted demand (the midpoint if both accept)."""
    accept0 = u[:, 1, 0] >= u[:, 0, 0] - TIE
    accept1 = u[:, 0, 1] >= u[:, 1, 1] - TIE
    at = np.where(accept0 & accept1, tau.mean(axis=1), np.where(accept0, tau[:, 1], tau[:, 0]))
    return accept0 | accept1, at


def _concede(fr, tau, u, d, step, cap, active) -> np.ndarray:
    """New (W, 2) frontier positions after the round's concessions (Harsanyi's rule)."""
    rho0 = risk_limit(u[:, 0, 0], u[:, 1, 0], d[:, 0])
    rho1 = risk_limit(u[:, 1, 1], u[:, 0, 1], d[:, 1])
    conceder = active[:, None] & np.stack([rho0 <= rho1, rho1 <= rho0], axis=1)
    target = np.prod(u - d[:, None, :], axis=2)[:, ::-1]  # the other's demand's Nash product
    new = _just_enough(fr, tau, target, d, step, cap)
    return np.where(conceder, new, tau)


def _just_enough(fr, tau, target, d, step, cap) -> np.ndarray:
    """Each party's new position: the first point from its own side whose Nash product
    reaches ``target``, then ``step`` further in its own utility; never past the other's demand
    nor below d_i. Along the frontier the Nash product rises, peaks and falls, so "reaches the
    target" is monotone between the two demands and bisection finds its first point."""
    near, far = tau.copy(), tau[:, ::-1].copy()
    for _ in range(BISECTIONS):
        mid = 0.5 * (near + far)
        reached = np.prod(fr_.utilities(fr, mid) - d[:, None, :], axis=2) >= target
        near, far = np.where(reached, near, mid), np.where(reached, mid, far)
    level = np.diagonal(fr_.utilities(fr, far), axis1=1, axis2=2) - step
    new0 = np.minimum(fr_.position_at_level(fr, 0, level[:, 0]), cap[:, 0])
    new1 = np.maximum(fr_.position_at_level(fr, 1, level[:, 1]), cap[:, 1])
    return np.stack([np.minimum(new0, tau[:, 1]), np.maximum(new1, tau[:, 0])], axis=1)
