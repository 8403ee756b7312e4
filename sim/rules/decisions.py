"""Parties decide, simultaneously, whether to violate the truce today.

Adaptive parties (docs/model.md, "Decision") violate when their motive to fight outweighs their
commitment, as a logit choice with spread ``choice_spread`` (McFadden's random utility):
    m_i    = gain_i - cost_i - settlement_i * progress * in_talks_i
             - sensitivity_i * (pressure_i + p_verify * sum_b L_bi) - inducement_i
    p_opp  = 1 / (1 + exp(-(m_i - C_i) / spread_i))           opportunistic violation
    p_ret  = reciprocity_i * [i perceived a hostile act yesterday]   retaliation
    violate_i = (u1 < p_opp) or (u2 < p_ret)
The iterated-prisoner's-dilemma policies follow their standard definitions, with "the other
side defected" read as "a hostile act was perceived yesterday". Every intended move is then
flipped with probability ``noise`` (execution error). A party that has withdrawn from the
truce fights every day.
"""

from __future__ import annotations

import math

from numba import njit

from sim.params import POLICY_CODES
from sim.schema import Policy

GTFT_FORGIVE = 1.0 / 3.0  # generous tit-for-tat forgives a defection with probability 1/3
Z_LIMIT = 700.0  # exp(700) is finite: a tiny spread saturates the logit at 0 or 1

ADAPTIVE = POLICY_CODES[Policy.ADAPTIVE]
ALWAYS_COMPLY = POLICY_CODES[Policy.ALWAYS_COMPLY]
ALWAYS_VIOLATE = POLICY_CODES[Policy.ALWAYS_VIOLATE]
TFT = POLICY_CODES[Policy.TIT_FOR_TAT]
GTFT = POLICY_CODES[Policy.GENEROUS_TIT_FOR_TAT]
GRIM = POLICY_CODES[Policy.GRIM_TRIGGER]


@njit(cache=True)
def motive(gain: float, cost: float, settlement: float, sensitivity: float, progress: float,
           in_talks: bool, pressure: float, expected_sanction: float = 0.0,
           inducement: float = 0.0) -> float:
    """Net daily motive to fight of one party.

    ``expected_sanction`` is the pressure a party expects to draw if it violates: p_verify
    times the brokers' effective leverage over it. Monitoring deters through it (Fortna 2008:
    attributing violations raises their cost). ``inducement`` is aid or sanctions relief that
    compliance earns.
    """
    talks_value = settlement * progress if in_talks else 0.0
    felt = pressure + expected_sanction
    return gain - cost - talks_value - sensitivity * felt - inducement


@njit(cache=True)
def opportunity(commitment: float, m: float, spread: float) -> float:
    """p_opp: a logit choice between the motive ``m`` and the commitment."""
    if spread > 0.0:
        z = (m - commitment) / spread
    else:
        z = Z_LIMIT if m > commitment else -Z_LIMIT if m < commitment else 0.0
    z = max(-Z_LIMIT, min(Z_LIMIT, z))
    return 1.0 / (1.0 + math.exp(-z))


@njit(cache=True)
def intend(policy: int, p_opp: float, p_ret: float, provoked: bool, triggered: bool,
           u_opp: float, u_ret: float) -> bool:
    """Intended violation of one party, before execution noise (p_ret = reciprocity if
    provoked, else 0)."""
    if policy == ADAPTIVE:
        return u_opp < p_opp or u_ret < p_ret
    if policy == ALWAYS_VIOLATE:
        return True
    if policy == TFT:
        return provoked
    if policy == GTFT:
        return provoked and u_ret >= GTFT_FORGIVE
    if policy == GRIM:
        return triggered or provoked
    return False  # always comply


@njit(cache=True)
def with_noise(intended: bool, noise: float, u: float) -> bool:
    """Flip an intended move with probability ``noise``."""
    return intended != (u < noise)
