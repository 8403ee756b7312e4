"""The reduced game: exact cooperation rates of the noisy iterated prisoner's dilemma.

With two parties, no brokers, no spoilers, perfect detection and fixed policies, each truce day
is one round (Axelrod 1984; Nowak & Sigmund 1992); each side's intended move is flipped with
probability ``noise`` and both see the realised moves. The expected cooperation rate of each
policy pair is computed exactly with a Markov chain over (last realised moves, grudges); the
engine's worlds are compared with it by :func:`compare_with_engine`, used by both
tests/test_ipd_reduction.py and the validation scorecard.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from sim.runner import run

NOISE, DAYS = 0.05, 200
GTFT_FORGIVE = 1 / 3  # min(1 - (T-R)/(R-S), (R-P)/(T-P)) with (T, R, P, S) = (5, 3, 1, 0)


def p_intend_defect(policy: str, other_defected: bool, grudge: bool) -> float:
    """Probability a policy intends to defect, given the other's last realised move."""
    return {
        "always_comply": 0.0,
        "always_violate": 1.0,
        "tit_for_tat": float(other_defected),
        "generous_tit_for_tat": (1 - GTFT_FORGIVE) * other_defected,
        "grim_trigger": float(grudge or other_defected),
    }[policy]


def exact_cooperation(policies: tuple[str, str], noise: float, days: int) -> np.ndarray:
    """Expected share of days each side cooperates, from the Markov chain of the game.

    State: (row's last move, column's last move, row's grudge, column's grudge), 1 = defect;
    day 0 starts from "nothing seen yet" (both last moves cooperate, no grudges).
    """
    states = list(itertools.product((0, 1), repeat=4))
    index = {s: k for k, s in enumerate(states)}
    trans = np.zeros((16, 16))
    coop = np.zeros((16, 2))  # P(realised cooperation today | yesterday's state)
    for s in states:
        last, grudge = s[:2], s[2:]
        p_def = []
        for i in (0, 1):
            other = bool(last[1 - i])
            intend = p_intend_defect(policies[i], other, bool(grudge[i]))
            p_def.append(intend * (1 - noise) + (1 - intend) * noise)
        coop[index[s]] = [1 - p_def[0], 1 - p_def[1]]
        new_grudge = (grudge[0] | last[1], grudge[1] | last[0])
        for m0, m1 in itertools.product((0, 1), repeat=2):
            pr = (p_def[0] if m0 else 1 - p_def[0]) * (p_def[1] if m1 else 1 - p_def[1])
            trans[index[s], index[(m0, m1, *new_grudge)]] += pr
    dist = np.zeros(16)
    dist[index[(0, 0, 0, 0)]] = 1.0
    total = np.zeros(2)
    for _ in range(days):
        total += dist @ coop
        dist = dist @ trans
    return total / days


PAIRS = (
    ("tit_for_tat", "tit_for_tat"),
    ("generous_tit_for_tat", "generous_tit_for_tat"),
    ("grim_trigger", "grim_trigger"),
    ("tit_for_tat", "always_violate"),
    ("generous_tit_for_tat", "always_comply"),
    ("grim_trigger", "tit_for_tat"),
)


def compare_with_engine(scenario: Path, pair: tuple[str, str], worlds: int, seed: int,
                        noise: float = NOISE, days: int = DAYS) -> list[dict]:
    """Run the reduced-game scenario with a policy pair; per party, the engine's mean
    cooperation rate, its standard error over worlds, and the exact value."""
    overrides = [f"actors.row.behaviour.policy={pair[0]}",
                 f"actors.column.behaviour.policy={pair[1]}",
                 f"information.noise={noise}", f"meta.horizon_days={days}"]
    table = run(scenario, "baseline", worlds, seed, None, overrides).worlds
    exact = exact_cooperation(pair, noise, days)
    out = []
    for i, party in enumerate(("row", "column")):
        rate = 1 - table[f"violations_{party}"].to_numpy() / days  # per-world cooperation
        out.append({"party": party, "mean": float(rate.mean()), "exact": float(exact[i]),
                    "se": float(rate.std(ddof=1) / np.sqrt(worlds))})
    return out
