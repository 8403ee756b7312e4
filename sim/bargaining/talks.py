"""Mediated talks, one simulated day at a time: concession, hardening, agreement, reneging.

Each party i at the table holds a demand x_i in [0, 1]^K (initially its ideal). A mediator
tables a proposal m: the Nash solution with today's reservation values as disagreement point
(Nash 1950), or Achen's (2006) salience-weighted compromise, and where the zone of agreement is
empty (no Nash solution) the compromise. Issues already agreed are frozen at their terms.

One day, decided simultaneously from the morning's state:

1. Acceptance. Party i accepts m if it is worth at least continuing, approximated as
   c_i = max(r_i, delta_i * u_i(x_i)). If every party is at the table and accepts, all open
   issues are settled at m.
2. Hardening. A party at the table whose demand has fallen below its reservation value
   (u_i(x_i) < r_i: it has gained on the ground) moves its demand back toward its ideal on the
   open issues, by the fraction that restores u_i(x_i) = r_i, at most ``harden_rate`` a day.
   Along x_i + t (a_i - x_i) utility is linear in t, so that fraction is exact.
3. Concession. Every other party at the table moves toward m on the open issues,

       x_i <- x_i + alpha_i (m - x_i),   alpha_i = concession_rate * pull * (1 - rho_i),
       rho_i = (u_i(x_i) - u_i(m)) / (u_i(x_i) - r_i)        (Zeuthen's risk limit vs m),

   clipped to [0, 1]: the party with the lower risk limit concedes more (Zeuthen 1930), and a
   party to whom m is worth no more than fighting (rho_i >= 1) does not move. A party to whom m
   is worth more than its own demand does not move either (it will accept m). Utility is
   concave along the segment, so a concession never takes u_i below min(u_i(x_i), u_i(m)),
   hence never below r_i.
4. Convergence. Issue k is agreed when every party is at the table and their demands on k lie
   within ``eps`` of each other; its terms are the mean demand. Agreed issues are frozen.

Parties away from the table (walkouts) do not move, and nothing is agreed while anyone is away.
The step draws no random numbers.

Reneging: a party that would now rather fight than keep the deal (r_i > u_i(terms)) reneges
with a daily probability rising with that gap, unless the deal is guaranteed by a third party
(Fearon 1995, the commitment problem; Walter 1997, guarantees).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.arrays import all_along, any_along, max_along, min_along, short_sum
from sim.bargaining.issues import as_worlds, compromise, utility
from sim.bargaining.nash import nash_solution
from sim.bargaining.zeuthen import risk_limit

METHODS = ("nash", "compromise")


class TalksUpdate(NamedTuple):
    """The state of the talks after one day."""

    demands: np.ndarray   # (W, P, K) each party's demand
    agreed: np.ndarray    # (W, K) bool: issue settled (frozen)
    terms: np.ndarray     # (W, K) settled terms, NaN on open issues


def initial_demands(ideals, n_worlds: int) -> np.ndarray:
    """(W, P, K) opening demands: every party asks for its ideal."""
    a = np.asarray(ideals, dtype=float)
    return np.array(np.broadcast_to(a, (n_worlds,) + a.shape[-2:]))


def mediator_proposal(ideals, salience, reservation, agreed=None, terms=None,
                      method: str = "nash", weight=None, x0=None, frontier=None,
                      base=None) -> np.ndarray:
    """(W, K) the mediator's proposal, equal to ``terms`` on agreed issues.

    Args:
        ideals, salience: (W, P, K) or (P, K); reservation: (W, P).
        agreed, terms: (W, K) issues already settled and their terms.
        method: "nash" (Nash solution of today's reservation values; the compromise where the
            zone is empty) or "compromise" (Achen's salience-weighted compromise).
        weight: (P,) or (W, P) bargaining power / capability of each party (equal if None).
        x0: (W, K) warm start for the Nash solver with more than two parties (yesterday's m).
        frontier: the two-party frontier of these worlds, if already built (it changes only
            when an issue is agreed; see :func:`sim.bargaining.nash.nash_solution`).
        base: the compromise ``compromise(ideals, salience, weight)``, if already computed
            ((K,) or (W, K); it depends on the scenario only).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    a, w, r = as_worlds(ideals, salience, reservation)
    shape = (a.shape[0], a.shape[2])
    fixed = np.zeros(shape, dtype=bool) if agreed is None else np.asarray(agreed, dtype=bool)
    held = np.zeros(fixed.shape) if terms is None else np.nan_to_num(np.asarray(terms, float))
    fallback = np.where(fixed, held, compromise(a, w, weight) if base is None else base)
    if method == "compromise":
        return fallback
    nash = nash_solution(a, w, r, power=weight, fixed=fixed, terms=held, x0=x0,
                         frontier=frontier)
    return np.where(nash.feasible[:, None], nash.x, fallback)


def talks_step(demands, ideals, salience, reservation, at_table, pull, concession_rate,
               agreed=None, terms=None, proposal=None, method: str = "nash", discount=0.99,
               harden_rate=None, eps: float = 0.01) -> TalksUpdate:
    """One day of mediated talks in W worlds (see the module docstring for the rule).

    Args:
        demands: (W, P, K) demands this morning.
        ideals, salience: (W, P, K) or (P, K). reservation: (W, P) today's r_i.
        at_table: (W, P) bool, False for a party that has walked out.
        pull: the mediator's pull in [0, 1], scalar or (W,).
        concession_rate: largest daily fraction of the way to m, scalar or (P,) or (W, P).
        agreed, terms: (W, K) issues settled so far and their terms (none if None).
        proposal: (W, K) the mediator's proposal; computed with ``method`` if None.
        discount: delta_i, daily discount of a party's own demand when weighing m.
        harden_rate: largest daily fraction of the way back to the ideal (concession_rate
            if None).
        eps: issue-agreement tolerance on the spread of demands.
    """
    a, w, r = as_worlds(ideals, salience, reservation)
    x = np.asarray(demands, dtype=float)
    W, P, K = x.shape
    agreed = np.zeros((W, K), bool) if agreed is None else np.asarray(agreed, bool)
    terms = np.full((W, K), np.nan) if terms is None else np.asarray(terms, float)
    m = mediator_proposal(a, w, r, agreed, terms, method) if proposal is None else proposal
    at = np.asarray(at_table, dtype=bool)
    own, offered = utility(x, a, w), utility(m, a, w)
    deal = all_along(at & (offered >= np.maximum(r, discount * own)), 1)
    speed = _per_world(pull)[:, None] * np.broadcast_to(concession_rate, (W, P))
    back = concession_rate if harden_rate is None else harden_rate
    moved = _move(x, a, w, r, m, at, ~agreed, own, offered, speed, back)
    agreed, terms = _settle(moved, at, agreed, terms, eps)
    terms = np.where(deal[:, None] & np.isnan(terms), m, terms)
    agreed = agreed | deal[:, None]
    moved = np.where(agreed[:, None, :], terms[:, None, :], moved)
    return TalksUpdate(moved, agreed, terms)


def _per_world(value) -> np.ndarray:
    """A scalar or (W,) array as a (W,) or broadcastable (1,) array."""
    return np.atleast_1d(np.asarray(value, dtype=float))


def _move(x, a, w, r, m, at, open_, own, offered, speed, harden_rate) -> np.ndarray:
    """(W, P, K) demands after hardening and concession on the open issues."""
    slack = short_sum(w * np.abs(x - a) * open_[:, None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        restore = np.where(slack > 0, (r - own) / slack, 0.0)
    hardening = at & (own < r)
    back = np.where(hardening, np.clip(restore, 0.0, harden_rate), 0.0)
    rho = risk_limit(own, offered, r)
    willing = np.where(offered < own, np.clip(1.0 - rho, 0.0, 1.0), 0.0)
    alpha = np.where(at & ~hardening, np.clip(speed * willing, 0.0, 1.0), 0.0)
    step = back[..., None] * (a - x) + alpha[..., None] * (m[:, None, :] - x)
    return np.clip(x + step * open_[:, None, :], 0.0, 1.0)


def _settle(x, at, agreed, terms, eps) -> tuple[np.ndarray, np.ndarray]:
    """Issues whose demands, with everyone at the table, lie within ``eps``: agreed at the
    mean demand. Returns the new (agreed, terms)."""
    spread = max_along(x, 1) - min_along(x, 1)
    now = ~agreed & all_along(at, 1)[:, None] & (spread <= eps)
    rows = np.flatnonzero(any_along(now, 1))
    if rows.size:  # rare: the mean demand only where an issue is agreed today
        terms = terms.copy()
        terms[rows] = np.where(now[rows], x[rows].mean(axis=1), terms[rows])
    return agreed | now, terms


def renege(terms, ideals, salience, reservation, guarantee=0.0, rate: float = 1.0):
    """(W, P) daily probability that each party reneges on the deal ``terms`` (W, K).

        p_i = (1 - g) * (1 - exp(-rate * max(0, r_i - u_i(terms))))

    zero while the deal is worth at least fighting to party i, zero under a full third-party
    guarantee g = 1 (scalar, (W,) or (W, P)). Worlds whose terms contain NaN (no complete deal)
    get 0. Evaluate a partial deal by filling its open issues, e.g. with the proposal.
    """
    a, w, r = as_worlds(ideals, salience, reservation)
    t = np.asarray(terms, dtype=float)
    complete = np.isfinite(t).all(axis=1)
    gap = np.maximum(0.0, r - utility(np.nan_to_num(t), a, w))
    g = np.asarray(guarantee, dtype=float)
    g = g[:, None] if g.ndim == 1 else g
    p = (1.0 - g) * (1.0 - np.exp(-rate * gap))
    return np.where(complete[:, None], np.clip(p, 0.0, 1.0), 0.0)
