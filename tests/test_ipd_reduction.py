"""The reduced game is a noisy iterated prisoner's dilemma (Axelrod 1984; Nowak & Sigmund 1992).

With two parties, no brokers, no spoilers, perfect detection and fixed policies, each truce day
is one round; each side's intended move is flipped with probability ``noise`` and both see the
realised moves. The expected cooperation rate of each policy pair is computed exactly with a
Markov chain over (last realised moves, grudges) and compared with the engine's worlds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
NOISE, DAYS, WORLDS = 0.05, 200, 3000
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


PAIRS = [
    ("tit_for_tat", "tit_for_tat"),
    ("generous_tit_for_tat", "generous_tit_for_tat"),
    ("grim_trigger", "grim_trigger"),
    ("tit_for_tat", "always_violate"),
    ("generous_tit_for_tat", "always_comply"),
    ("grim_trigger", "tit_for_tat"),
]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}-vs-{p[1]}")
def test_cooperation_rates_match_the_markov_chain(pair):
    overrides = [f"actors.row.behaviour.policy={pair[0]}",
                 f"actors.column.behaviour.policy={pair[1]}",
                 f"information.noise={NOISE}", f"meta.horizon_days={DAYS}"]
    worlds = sim.run(ROOT / "scenarios/ipd_reduction.yaml", worlds=WORLDS, seed=17,
                     overrides=overrides).worlds
    for i, party in enumerate(("row", "column")):
        rate = 1 - worlds[f"violations_{party}"].to_numpy() / DAYS  # per-world cooperation
        # Worlds are independent: the SE of the mean is the per-world SD / sqrt(3000); with
        # per-world SDs of 0.02-0.3 it is 0.0004-0.006. Four SEs: a false alarm in 1 of ~16,000.
        se = rate.std(ddof=1) / np.sqrt(WORLDS)
        expected = exact_cooperation(pair, NOISE, DAYS)[i]
        assert abs(rate.mean() - expected) < 4 * max(se, 1e-4), (party, rate.mean(), expected)


def test_markov_chain_known_values():
    # Without noise: TFT vs TFT always cooperates; TFT vs ALLD cooperates only on day 0.
    assert np.allclose(exact_cooperation(("tit_for_tat", "tit_for_tat"), 0.0, 50), [1, 1])
    assert np.allclose(exact_cooperation(("tit_for_tat", "always_violate"), 0.0, 50),
                       [1 / 50, 0])
    # With noise, TFT pairs drift to 1/2 cooperation in the long run (Axelrod 1984; the echo
    # effect): the chain over the four move pairs is doubly stochastic.
    assert abs(exact_cooperation(("tit_for_tat", "tit_for_tat"), 0.05, 20000)[0] - 0.5) < 0.01
