"""Hidden types and Bayesian beliefs: who signed to keep the truce, and who signed to regroup.

Each party is, in each world, a *committed* or a *tactical* signer, drawn once before day 0
with probability ``p_tactical_i`` (Fearon 1995: private information with an incentive to
misrepresent). The others do not see the type. Observer i holds b_ij, its belief that j is
committed, from a prior, and updates it each day by Bayes' rule (Kydd 2000; 2005) from what it
perceived of j (h_ij, section 4.1 of docs/model.md: detected violations, false alarms and blamed
attacks, so misattribution misleads it) and from a signal of j's type of accuracy ``a``:
    L_c = q_c        if h_ij > 0, else 1 - q_c          q_c = hostile_if_committed
    L_t = q_t        if h_ij > 0, else 1 - q_t'         q_t = hostile_if_tactical
    1 - q_t' = (1 - c_j) (1 - q_t) + c_j (1 - q_c)       calm that leverage explains (c_j, the
                                                        share of j's motive it removes) is
                                                        what a committed party would show too
    S_c, S_t = (1 - a, a) if the signal says "tactical", else (a, 1 - a)
    b_ij <- b_ij L_c S_c / (b_ij L_c S_c + (1 - b_ij) L_t S_t)
With the mechanism on, trust is the belief: T_ij = b_ij. A tactical signer weighs, besides
its motive to fight, the gain of striking an opponent that believes it is committed:
    m_i <- m_i + tactical_gain_i * mean_{j != i} b_ji
and the day its (logit) choice says violate, it launches an offensive and fights every day
after (it signed to regroup, not to keep the truce). A committed signer decides by the adaptive
rule alone, and reciprocates.
"""

from __future__ import annotations

from numba import njit

COMMITTED, TACTICAL = 0, 1


@njit(cache=True)
def is_tactical(p_tactical: float, u: float) -> bool:
    """One party's type in one world, from its set-up draw."""
    return u < p_tactical


@njit(cache=True)
def calm_if_tactical(q_committed: float, q_tactical: float, coerced: float) -> float:
    """1 - q_t': the chance a tactical signer looks calm, when leverage removes the share
    ``coerced`` of its motive to fight (then it is as calm as a committed one)."""
    return (1.0 - coerced) * (1.0 - q_tactical) + coerced * (1.0 - q_committed)


@njit(cache=True)
def posterior(belief: float, hostile: bool, q_committed: float, q_tactical: float,
              coerced: float, accuracy: float, says_tactical: bool) -> float:
    """Tomorrow's belief that the other is committed, by Bayes' rule."""
    if hostile:
        l_c, l_t = q_committed, q_tactical
    else:
        l_c, l_t = 1.0 - q_committed, calm_if_tactical(q_committed, q_tactical, coerced)
    s_c, s_t = (1.0 - accuracy, accuracy) if says_tactical else (accuracy, 1.0 - accuracy)
    num = belief * l_c * s_c
    den = num + (1.0 - belief) * l_t * s_t
    return num / den if den > 0.0 else belief


@njit(cache=True)
def signal_says_tactical(tactical: bool, accuracy: float, u: float) -> bool:
    """The day's signal about one party's type: right with probability ``accuracy``."""
    return tactical if u < accuracy else not tactical


@njit(cache=True)
def surprise_gain(tactical_gain: float, belief, i: int) -> float:
    """What a tactical signer i expects to gain by striking today: ``tactical_gain`` times the
    others' mean belief that it is committed (``belief[j, i]`` = b_ji)."""
    P = belief.shape[0]
    if P < 2:
        return 0.0
    total = 0.0
    for j in range(P):
        if j != i:
            total += belief[j, i]
    return tactical_gain * total / (P - 1)
