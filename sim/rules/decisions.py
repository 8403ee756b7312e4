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

import numpy as np

from sim.params import POLICY_CODES
from sim.schema import Policy

GTFT_FORGIVE = 1.0 / 3.0  # generous tit-for-tat forgives a defection with probability 1/3

ADAPTIVE = POLICY_CODES[Policy.ADAPTIVE]
ALWAYS_COMPLY = POLICY_CODES[Policy.ALWAYS_COMPLY]
ALWAYS_VIOLATE = POLICY_CODES[Policy.ALWAYS_VIOLATE]
TFT = POLICY_CODES[Policy.TIT_FOR_TAT]
GTFT = POLICY_CODES[Policy.GENEROUS_TIT_FOR_TAT]
GRIM = POLICY_CODES[Policy.GRIM_TRIGGER]


def motive(gain, cost, settlement, sensitivity, progress, in_talks, pressure,
           expected_sanction=0.0, inducement=0.0) -> np.ndarray:
    """(W, P) net daily motive to fight.

    ``expected_sanction`` (broadcastable to (W, P)) is the pressure a party expects to draw if
    it violates: p_verify times the brokers' effective leverage over it. Monitoring deters
    through it (Fortna 2008: attributing violations raises their cost). ``inducement`` is aid
    or sanctions relief that compliance earns. Party parameters are (P,) or per world (W, P).
    """
    talks_value = settlement * progress[:, None] * in_talks
    felt = pressure + expected_sanction
    return gain - cost - talks_value - sensitivity * felt - inducement


def adaptive_probabilities(commitment, m, spread, reciprocity,
                           provoked) -> tuple[np.ndarray, np.ndarray]:
    """(p_opp, p_ret), each (W, P): a logit choice between the motive and the commitment."""
    with np.errstate(over="ignore", divide="ignore"):  # a tiny spread saturates at 0 or 1
        z = np.clip((m - commitment) / spread, -700.0, 700.0)
    p_opp = 1.0 / (1.0 + np.exp(-z))
    p_ret = reciprocity * provoked
    return p_opp, p_ret


def intend(policy, p_opp, p_ret, provoked, triggered, u_opp, u_ret) -> np.ndarray:
    """(W, P) bool intended violations, before execution noise."""
    rules = {  # each policy's move, evaluated only if some party follows it
        ADAPTIVE: lambda: (u_opp < p_opp) | (u_ret < p_ret),
        ALWAYS_VIOLATE: lambda: True,
        TFT: lambda: provoked,
        GTFT: lambda: provoked & (u_ret >= GTFT_FORGIVE),
        GRIM: lambda: triggered | provoked,
    }
    shape = np.broadcast_shapes(np.shape(policy), p_opp.shape)
    codes = np.unique(policy)
    if codes.size == 1:  # every party follows the same policy
        move = rules[codes[0]]() if codes[0] in rules else False
        return np.array(np.broadcast_to(move, shape), dtype=bool)
    out = np.zeros(shape, dtype=bool)
    for code in codes:
        if code in rules:
            out = np.where(policy == code, rules[code](), out)
    return out


def with_noise(intended: np.ndarray, noise: float, u: np.ndarray) -> np.ndarray:
    """Flip each intended move with probability ``noise``."""
    return intended ^ (u < noise)
