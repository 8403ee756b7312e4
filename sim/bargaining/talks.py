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

The rules act on one world and are compiled (:func:`propose_of`, :func:`talks_day`,
:func:`renege_of`): the model's day (:mod:`sim.kernel`) calls them world by world, and the
functions over W worlds here (``mediator_proposal``, ``talks_step``, ``renege``) loop over them.
"""

from __future__ import annotations

from math import exp
from typing import NamedTuple

import numpy as np
from numba import njit

from sim.bargaining.frontier import concession_order
from sim.bargaining.issues import as_worlds, compromise, utility_of
from sim.bargaining.nash import make_work, nash_of
from sim.bargaining.zeuthen import risk_limit_of

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


# ------------------------------------------------------------------ one world (compiled)
@njit(cache=True, nogil=True, _nrt=False)
def propose_of(a, w, r, agreed, terms, power, base, use_nash, out, work) -> None:
    """The mediator's proposal in one world, into ``out`` (K,): the Nash solution with today's
    reservation values ``r`` (P,) as disagreement point and bargaining powers ``power``, agreed
    issues held at their ``terms``; where the zone is empty (or not ``use_nash``) the
    compromise ``base`` (K,) on the open issues. ``work``: scratch
    (:func:`sim.bargaining.nash.make_work`, with the concession order of ``w``)."""
    K = out.shape[0]
    held = work.held
    for k in range(K):
        held[k] = terms[k] if agreed[k] and not np.isnan(terms[k]) else 0.0
    if use_nash and nash_of(a, w, r, power, agreed, held, base, a.shape[0] == 2, 200, 1e-10,
                            out, work):
        return
    for k in range(K):
        out[k] = held[k] if agreed[k] else base[k]


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def talks_day(x, a, w, r, in_talks, withdrawn, pull, rate, harden_rate, discount, eps,
              agreed, terms, m) -> bool:
    """One day of mediated talks in one world, in place on ``x`` (P, K), ``agreed`` and
    ``terms`` (K,); returns whether an issue was agreed today. Party i is at the table when
    ``in_talks[i]`` and not ``withdrawn[i]``. Steps 1-4 of the module docstring: all parties
    accept ``m`` (K,) if u_i(m) >= max(r_i, delta_i u_i(x_i)); each moves by
    :func:`move_demand`; issues whose demands lie within ``eps`` settle at the mean demand,
    and an accepted proposal settles every other open issue at m_k."""
    P, K = x.shape
    deal, all_in = True, True
    for i in range(P):
        at = in_talks[i] and not withdrawn[i]
        own, offered = utility_of(x[i], a[i], w[i]), utility_of(m, a[i], w[i])
        deal = deal and at and offered >= max(r[i], discount[i] * own)
        all_in = all_in and at
        move_demand(x[i], a[i], w[i], r[i], m, at, agreed, own, offered, pull * rate,
                    harden_rate)
    newly = False
    for k in range(K):
        if not agreed[k] and all_in and _spread(x, k) <= eps:
            agreed[k], terms[k], newly = True, x[:, k].sum() / P, True
        elif deal and np.isnan(terms[k]):
            agreed[k], terms[k], newly = True, m[k], True
        if agreed[k]:
            x[:, k] = terms[k]
    return newly


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def _spread(x, k) -> float:
    """max_i x_ik - min_i x_ik."""
    hi, lo = -np.inf, np.inf
    for i in range(x.shape[0]):
        hi, lo = max(hi, x[i, k]), min(lo, x[i, k])
    return hi - lo


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def move_demand(x_i, a_i, w_i, r_i, m, at, agreed, own, offered, speed, harden_rate) -> None:
    """Party i's demand ``x_i`` (K,) after hardening or concession on the open issues:
    x_i <- clip(x_i + beta_i (a_i - x_i) + alpha_i (m - x_i), 0, 1), with
    beta_i = clip((r_i - u_i(x_i)) / slack_i, 0, harden_rate) if it is at the table and
    u_i(x_i) < r_i (slack_i = sum_k w_ik |x_ik - a_ik| over open issues), else 0, and
    alpha_i = clip(speed (1 - rho_i), 0, 1) if it is at the table, not hardening and
    u_i(m) < u_i(x_i) (rho_i: Zeuthen's risk limit vs m), else 0."""
    K = x_i.shape[0]
    hardening = at and own < r_i
    back = 0.0
    if hardening:
        slack = 0.0
        for k in range(K):
            slack += w_i[k] * abs(x_i[k] - a_i[k]) * (not agreed[k])
        restore = (r_i - own) / slack if slack > 0 else 0.0
        back = min(max(restore, 0.0), harden_rate)
    alpha = 0.0
    if at and not hardening and offered < own:
        willing = min(max(1.0 - risk_limit_of(own, offered, r_i), 0.0), 1.0)
        alpha = min(max(speed * willing, 0.0), 1.0)
    for k in range(K):
        step = 0.0 if agreed[k] else back * (a_i[k] - x_i[k]) + alpha * (m[k] - x_i[k])
        x_i[k] = min(max(x_i[k] + step, 0.0), 1.0)


@njit(cache=True, nogil=True, _nrt=False)
def renege_of(terms, a_i, w_i, r_i, guarantee, rate) -> float:
    """Daily probability that party i reneges on a complete deal ``terms`` (K,):
    p_i = (1 - g) (1 - exp(-rate * max(0, r_i - u_i(terms)))), in [0, 1]."""
    gap = max(0.0, r_i - utility_of(terms, a_i, w_i))
    return min(max((1.0 - guarantee) * (1.0 - exp(-rate * gap)), 0.0), 1.0)


# ------------------------------------------------------------------ W worlds
def mediator_proposal(ideals, salience, reservation, agreed=None, terms=None,
                      method: str = "nash", weight=None) -> np.ndarray:
    """(W, K) the mediator's proposal (:func:`propose_of` in each world).

    Args:
        ideals: (W, P, K) or (P, K) ideal points of each party on each issue.
        salience: (W, P, K) or (P, K) weight of each issue to each party.
        reservation: (W, P) reservation values of the parties.
        agreed: (W, K) issues already settled.
        terms: (W, K) the terms of the settled issues.
        method: "nash" (Nash solution of today's reservation values; the compromise where the
            zone is empty) or "compromise" (Achen's salience-weighted compromise).
        weight: (P,) or (W, P) bargaining power / capability of each party (equal if None).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    a, w, r = as_worlds(ideals, salience, reservation)
    W, P, K = a.shape
    power = np.ones((W, P)) if weight is None else np.broadcast_to(
        np.asarray(weight, dtype=float), (W, P))
    fixed = np.zeros((W, K), bool) if agreed is None else np.broadcast_to(
        np.asarray(agreed, dtype=bool), (W, K))
    held = np.zeros((W, K)) if terms is None else np.broadcast_to(
        np.asarray(terms, dtype=float), (W, K))
    out = np.empty((W, K))
    _proposals(a, w, r, fixed, held, power, compromise(a, w, power), method == "nash", out,
               make_work(P, K))
    return out


@njit(cache=True, nogil=True)
def _proposals(a, w, r, agreed, terms, power, base, use_nash, out, work) -> None:
    for n in range(out.shape[0]):
        if a.shape[1] == 2:
            concession_order(w[n, 0], w[n, 1], work.rank)
        propose_of(a[n], w[n], r[n], agreed[n], terms[n], power[n], base[n], use_nash, out[n],
                   work)


def talks_step(demands, ideals, salience, reservation, at_table, pull, concession_rate,
               agreed=None, terms=None, proposal=None, method: str = "nash", discount=0.99,
               harden_rate=None, eps: float = 0.01) -> TalksUpdate:
    """One day of mediated talks in W worlds (:func:`talks_day` in each; see the module
    docstring for the rule). The inputs are not changed.

    Args:
        demands: (W, P, K) demands this morning.
        ideals: (W, P, K) or (P, K) ideal points of each party on each issue.
        salience: (W, P, K) or (P, K) weight of each issue to each party.
        reservation: (W, P) today's r_i.
        at_table: (W, P) bool, False for a party that has walked out.
        pull: the mediator's pull in [0, 1], scalar or (W,).
        concession_rate: largest daily fraction of the way to m, scalar or (W,).
        agreed: (W, K) issues settled so far (none if None).
        terms: (W, K) the terms of the settled issues.
        proposal: (W, K) the mediator's proposal; computed with ``method`` if None.
        method: how :func:`mediator_proposal` computes a missing proposal ("nash" or
            "compromise").
        discount: delta_i, daily discount of a party's own demand when weighing m, scalar,
            (P,) or (W, P).
        harden_rate: largest daily fraction of the way back to the ideal (concession_rate
            if None), scalar or (W,).
        eps: issue-agreement tolerance on the spread of demands.
    """
    a, w, r = as_worlds(ideals, salience, reservation)
    x = np.array(demands, dtype=float)
    W, P, K = x.shape
    agreed = np.zeros((W, K), bool) if agreed is None else np.array(agreed, bool)
    terms = np.full((W, K), np.nan) if terms is None else np.array(terms, float)
    m = mediator_proposal(a, w, r, agreed, terms, method) if proposal is None else proposal
    per_world = [np.broadcast_to(np.asarray(v, dtype=float), (W,)) for v in (
        pull, concession_rate, concession_rate if harden_rate is None else harden_rate)]
    at = np.broadcast_to(np.asarray(at_table, dtype=bool), (W, P))
    _talks_worlds(x, a, w, r, at, np.zeros(P, dtype=bool), *per_world,
                  np.broadcast_to(np.asarray(discount, dtype=float), (W, P)), float(eps),
                  agreed, terms, np.broadcast_to(np.asarray(m, dtype=float), (W, K)))
    return TalksUpdate(x, agreed, terms)


@njit(cache=True, nogil=True)
def _talks_worlds(x, a, w, r, at, away, pull, rate, harden, discount, eps, agreed, terms, m):
    for n in range(x.shape[0]):
        talks_day(x[n], a[n], w[n], r[n], at[n], away, pull[n], rate[n], harden[n],
                  discount[n], eps, agreed[n], terms[n], m[n])


def renege(terms, ideals, salience, reservation, guarantee=0.0, rate: float = 1.0):
    """(W, P) daily probability that each party reneges on the deal ``terms`` (W, K)
    (:func:`renege_of`): zero while the deal is worth at least fighting to party i, zero under
    a full third-party guarantee g = 1 (scalar, (W,) or (W, P)). Worlds whose terms contain NaN
    (no complete deal) get 0. Evaluate a partial deal by filling its open issues, e.g. with the
    proposal.
    """
    a, w, r = as_worlds(ideals, salience, reservation)
    t = np.asarray(terms, dtype=float)
    g = np.asarray(guarantee, dtype=float)
    g = np.broadcast_to(g[:, None] if g.ndim == 1 else g, r.shape)
    out = np.zeros(r.shape)
    _reneges(t, a, w, r, g, float(rate), out)
    return out


@njit(cache=True, nogil=True)
def _reneges(terms, a, w, r, g, rate, out) -> None:
    for n in range(out.shape[0]):
        if np.isfinite(terms[n]).all():
            for i in range(out.shape[1]):
                out[n, i] = renege_of(terms[n], a[n, i], w[n, i], r[n, i], g[n, i], rate)
