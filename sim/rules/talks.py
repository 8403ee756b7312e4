"""The political track: progress while everyone is at the table; walkouts and returns.

    progress <- min(1, progress + rate * legitimacy * mean trust * (1 - gap))   if all at table
A party at the table walks out with probability p_walkout_i once it perceived at least
walkout_threshold_i hostile acts in the last seven days; a party away returns with probability
p_return_i * mean trust_i once the count is below the threshold.

Where the scenario declares issues, the talks are bargaining (:mod:`sim.bargaining`,
docs/bargaining.md) and the battlefield feeds in through each party's reservation value
(:func:`reservation`); progress is then the share of the issues settled (:func:`progress`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.bargaining.talks import propose_of


@njit(cache=True)
def advance(progress: float, all_in: bool, mean_trust_all: float, rate: float,
            legitimacy: float, gap: float) -> float:
    """Tomorrow's progress of the talks."""
    if not all_in:
        return progress
    return min(1.0, progress + rate * legitimacy * mean_trust_all * (1.0 - gap))


@njit(cache=True)
def at_table(in_talks: bool, hostile7: int, threshold: float, p_walkout: float,
             p_return: float, mean_trust: float, u: float) -> bool:
    """Whether party i is at the table after today's walkouts and returns."""
    angry = hostile7 >= threshold
    if in_talks:
        return not (angry and u < p_walkout)
    return (not angry) and u < p_return * mean_trust


@njit(cache=True)
def reservation(base: float, hardening: float, own7: int, hostile7: int, week: int) -> float:
    """Today's reservation value of party i, what it expects from fighting.

    It is

        r_i = clip(reservation_i + hardening_i * clip(adv_i, 0, 1), 0, 1),
        adv_i = (own violations - hostile acts suffered) over the last 7 days / 7,

    so a side that gains on the ground hardens.
    """
    adv = advantage(own7, hostile7, week) / week
    return min(max(base + hardening * adv, 0.0), 1.0)


@njit(cache=True)
def advantage(own7: int, hostile7: int, week: int) -> int:
    """Whole days of advantage on the ground over the week, clip(own - suffered, 0, week)."""
    return min(max(own7 - hostile7, 0), week)


@njit(cache=True)
def open_proposals(ideals, salience, base, hardening, power, compromise, work, out):
    """The mediator's proposals while no issue is agreed, for every combination of the
    parties' advantages (:func:`advantage`; row sum_i adv_i 8^i): then the proposal depends on
    the reservation values alone, each a function of a whole number of days in 0..7
    (:func:`reservation`), so there are at most 8**P of them, tabled once per scenario instead
    of once per world-day (the same function, :func:`sim.bargaining.talks.propose_of`, makes
    both)."""
    P, K = ideals.shape
    week = 7
    r, adv = np.empty(P), np.zeros(P, dtype=np.int64)
    none, terms = np.zeros(K, dtype=np.bool_), np.full(K, np.nan)
    for row in range(out.shape[0]):
        rest = row
        for i in range(P):
            adv[i] = rest % (week + 1)
            rest //= week + 1
            r[i] = reservation(base[i], hardening[i], adv[i], 0, week)  # as the day has it
        propose_of(ideals, salience, r, none, terms, power, compromise, True, out[row], work)


@njit(cache=True, inline="always")
def progress(demands, agreed, opening_gap) -> float:
    """Progress of the bargaining: the mean over issues of 1 on agreed issues, else the share
    of the opening gap closed, clip(1 - (max_i x_ik - min_i x_ik) / gap_k, 0, 1)."""
    K = agreed.shape[0]
    total = 0.0
    for k in range(K):
        if agreed[k]:
            total += 1.0
            continue
        hi, lo = -np.inf, np.inf
        for i in range(demands.shape[0]):
            hi, lo = max(hi, demands[i, k]), min(lo, demands[i, k])
        total += min(max(1.0 - (hi - lo) / opening_gap[k], 0.0), 1.0)
    return total / K if K else 0.0
