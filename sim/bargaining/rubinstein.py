"""Alternating offers (Rubinstein 1982; finite horizon: Stahl 1972), with outside options.

Two parties split a pie of size 1. Party 1 proposes in rounds 0, 2, 4, ..., party 2 in rounds
1, 3, ...; a share received in round t is worth delta_i**t today. A responder may accept, reject
and counter-propose next round, or opt out and take its outside option o_i (the other party then
gets its own o_j). After the last round T - 1 both take their outside options.

Finite horizon, by backward induction from the last round: the responder R of round t accepts
any offer worth at least its value of rejecting,

    c_R(t) = max(o_R, delta_R * V_R(t + 1)),        c_R(T - 1) = o_R,

so the proposer P offers exactly c_R(t) and keeps V_P(t) = best_P(c_R(t)) (for the pie,
1 - c_R(t)) when that beats what it gets by letting the round fail; otherwise the round fails.

Infinite horizon without outside options, the unique subgame-perfect equilibrium has immediate
agreement and gives the first proposer

    x* = (1 - delta_2) / (1 - delta_1 delta_2).

Outside-option principle (Binmore, Shaked & Sutton 1989; Osborne & Rubinstein 1990, ch. 3): an
outside option changes the outcome only if it is worth more than what its holder gets in the
equilibrium without it; then the holder gets exactly its option. The stationary equilibrium
solves x = 1 - max(o_2, delta_2 y), y = 1 - max(o_1, delta_1 x), where x (y) is the share
party 1 (party 2) keeps when it proposes. If o_1 + o_2 > 1 the zone of agreement is empty and
nobody agrees.

Arrays have a leading axis of worlds W; scalars broadcast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from sim.bargaining import frontier as fr_


class AlternatingOffers(NamedTuple):
    """Outcome of the alternating-offers game in each of W worlds."""

    share: np.ndarray     # (W,) what party 1 (the first proposer) gets, in round-0 value
    payoff: np.ndarray    # (W, 2) both parties' payoffs in round-0 value
    round: np.ndarray     # (W,) round of agreement, -1 if none
    agreed: np.ndarray    # (W,) bool


def rubinstein_share(delta1, delta2) -> np.ndarray:
    """Infinite-horizon share of the first proposer, (1 - delta2) / (1 - delta1 delta2)."""
    d1, d2 = np.asarray(delta1, dtype=float), np.asarray(delta2, dtype=float)
    return (1.0 - d2) / (1.0 - d1 * d2)


def outside_option_share(delta1, delta2, o1, o2) -> np.ndarray:
    """Infinite-horizon share of the first proposer under the outside-option principle.

    Solves x = 1 - max(o2, delta2 (1 - max(o1, delta1 x))) by cases: neither option binds
    (Rubinstein's x*), only party 1's binds when it responds (x = 1 - delta2 (1 - o1)), or
    party 2's binds (x = 1 - o2). NaN where o1 + o2 > 1 (no agreement).
    """
    d1, d2, o1, o2 = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                           for v in (delta1, delta2, o1, o2)))
    free = rubinstein_share(d1, d2)
    first_binds = 1.0 - d2 * (1.0 - o1)
    second_binds = 1.0 - o2
    use_second = o2 >= d2 * (1.0 - np.maximum(o1, d1 * second_binds))
    use_first = (o1 >= d1 * first_binds) & (o2 <= d2 * (1.0 - o1))
    x = np.where(use_second, second_binds, np.where(use_first, first_binds, free))
    return np.where(o1 + o2 <= 1.0, x, np.nan)


def backward_induction(best: Callable, delta, outside, rounds: int) -> tuple:
    """Subgame-perfect play of ``rounds`` alternating rounds, party 0 proposing first.

    Args:
        best: ``best(P, c)`` -> (W,) the most proposer P can keep when it offers the responder
            utility c (W,); -inf where no agreement gives the responder c.
        delta: (W, 2) per-round discount factors.
        outside: (W, 2) outside options (utility of no agreement).
        rounds: horizon T >= 1.

    Returns:
        ((W, 2) payoffs in round-0 value, (W,) agreement round or -1).
    """
    pay = outside.copy()
    when = np.full(outside.shape[0], -1)
    for t in range(rounds - 1, -1, -1):
        P, R = t % 2, 1 - t % 2
        cont = outside if t == rounds - 1 else delta * pay
        opts_out = outside[:, R] > cont[:, R]
        reject = np.maximum(outside[:, R], cont[:, R])
        fallback = np.where(opts_out, outside[:, P], cont[:, P])
        keep = best(P, reject)
        agree = keep >= fallback
        new = np.empty_like(pay)
        new[:, P] = np.where(agree, keep, fallback)
        new[:, R] = reject
        when = np.where(agree, t, np.where(opts_out, -1, when))
        pay = new
    return pay, when


def horizon(delta, tol: float = 1e-12, most: int = 200_000) -> int:
    """An even number of rounds after which the finite-horizon game is within about ``tol``
    of the infinite one: (delta_1 delta_2)**(T / 2) <= tol in every world."""
    slowest = float(np.max(np.prod(np.asarray(delta, dtype=float).reshape(-1, 2), axis=1)))
    if slowest <= 0.0:
        return 2
    pairs = np.log(tol) / np.log(slowest) if slowest < 1.0 else most
    return int(min(most, 2 * np.ceil(pairs) + 2))


def alternating_offers(delta1, delta2, o1=0.0, o2=0.0, rounds: int = 500) -> AlternatingOffers:
    """Finite-horizon alternating offers over a pie of size 1, solved by backward induction.

    Args:
        delta1: party 1's per-round discount factor in (0, 1), scalar or (W,).
        delta2: party 2's per-round discount factor in (0, 1), scalar or (W,).
        o1: party 1's outside option as a share of the pie, available at disagreement.
        o2: party 2's outside option as a share of the pie, available at disagreement.
        rounds: the horizon T. As T grows the share tends to :func:`outside_option_share`
            (to Rubinstein's x* without outside options) with agreement in round 0.
    """
    d1, d2, o1, o2 = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float))
                                           for v in (delta1, delta2, o1, o2)))

    def best(_proposer, offer):
        return np.where(offer <= 1.0, 1.0 - offer, -np.inf)

    pay, when = backward_induction(best, np.stack([d1, d2], 1), np.stack([o1, o2], 1), rounds)
    agreed = when >= 0
    return AlternatingOffers(np.where(agreed, pay[:, 0], np.nan), pay, when, agreed)


def alternating_on_frontier(fr: fr_.Frontier, delta, outside, rounds: int) -> tuple:
    """Alternating offers over a two-party Pareto frontier of many issues.

    The pie is replaced by the frontier: a proposer offering the responder utility c keeps the
    most the frontier allows given c. As the discount factors approach 1 the outcome tends to
    the Nash bargaining solution whose disagreement point is the utility of an impasse (0 here),
    with outside options acting only as constraints (Binmore, Rubinstein & Wolinsky 1986).

    Returns:
        ((W,) frontier position of the deal (nan if none), (W, 2) payoffs, (W,) round).
    """
    def best(proposer, offer):
        return fr_.best_given(fr, 1 - proposer, offer)

    pay, when = backward_induction(best, delta, outside, rounds)
    agreed = when >= 0
    # the deal struck in round `when`, located by the first proposer's undiscounted utility
    level = pay[:, 0] / np.where(agreed, delta[:, 0], 1.0) ** np.maximum(when, 0)
    tau = fr_.position_at_level(fr, 0, level)
    return np.where(agreed, tau, np.nan), pay, when
