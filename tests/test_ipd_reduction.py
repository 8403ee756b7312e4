"""The reduced game is a noisy iterated prisoner's dilemma (Axelrod 1984; Nowak & Sigmund 1992).

The exact cooperation rates come from the Markov chain in :mod:`sim.validation.ipd`, which the
validation scorecard uses too; here the engine's worlds are compared with them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.validation.ipd import PAIRS, compare_with_engine, exact_cooperation

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 3000


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}-vs-{p[1]}")
def test_cooperation_rates_match_the_markov_chain(pair):
    for row in compare_with_engine(ROOT / "scenarios/ipd_reduction.yaml", pair, WORLDS, 17):
        # Worlds are independent: the SE of the mean is the per-world SD / sqrt(3000); with
        # per-world SDs of 0.02-0.3 it is 0.0004-0.006. Four SEs: a false alarm in 1 of ~16,000.
        assert abs(row["mean"] - row["exact"]) < 4 * max(row["se"], 1e-4), (pair, row)


def test_markov_chain_known_values():
    # Without noise: TFT vs TFT always cooperates; TFT vs ALLD cooperates only on day 0.
    assert np.allclose(exact_cooperation(("tit_for_tat", "tit_for_tat"), 0.0, 50), [1, 1])
    assert np.allclose(exact_cooperation(("tit_for_tat", "always_violate"), 0.0, 50),
                       [1 / 50, 0])
    # With noise, TFT pairs drift to 1/2 cooperation in the long run (Axelrod 1984; the echo
    # effect): the chain over the four move pairs is doubly stochastic.
    assert abs(exact_cooperation(("tit_for_tat", "tit_for_tat"), 0.05, 20000)[0] - 0.5) < 0.01
