"""Many parameter sets in one batched run (sim.ensemble): world for world, as separate runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import priors
from sim.ensemble import SERIES, firsts, run_sets
from sim.model import TruceModel
from sim.results import world_table
from sim.scenario import load, scenario_hash
from tests.factories import make_fragile_scenario

MONITOR = {"interventions": [{"kind": "monitoring", "p_verify": 0.8,
                              "trigger": {"from_day": 5}}]}


def make_sets() -> pd.DataFrame:
    """Three parameter sets of the fragile scenario that change how it plays."""
    return pd.DataFrame({
        "actors.north.incentives.gain_from_fighting": [0.2, 0.35, 0.5],
        "actors.raiders.spoiler.p_attack": [0.05, 0.2, 0.4],
        "information.p_detect": [0.9, 0.7, 0.4],
    })


def alone(scn, strategy: str, seed: int, first: int, n: int, days: int | None = None):
    """One parameter set run alone as `trucesim run` runs a batch: (world rows, daily sums)."""
    model = TruceModel(scn, n, seed, strategy, first_world=first, days=days).run()
    return (world_table(model, first, seed, scenario_hash(scn), strategy),
            model.datacollector.get_model_vars_dataframe())


def assert_same_as_alone(base, sets, strategy, seed, worlds, same_worlds=False, days=None):
    res = run_sets(base, sets, worlds, seed, strategy, days=days, same_worlds=same_worlds)
    first = firsts([worlds] * len(sets), same_worlds)
    for k in range(len(sets)):
        scn = priors.apply(base, sets.iloc[k])
        table, daily = alone(scn, strategy, seed, first[k], worlds, days)
        got = res.set_worlds(k).drop(columns="set").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, table, check_dtype=False)
        np.testing.assert_array_equal(res.daily[k][list(SERIES)].to_numpy(),
                                      daily[list(SERIES)].to_numpy(dtype=float))
    return res


@pytest.mark.parametrize("strategy", ["baseline", "monitoring"])
def test_a_batch_of_sets_is_world_for_world_the_separate_runs(strategy):
    base = make_fragile_scenario(horizon=60, monitoring=MONITOR)
    res = assert_same_as_alone(base, make_sets(), strategy, seed=7, worlds=40)
    # the sets differ, so the test can tell one set's worlds from another's
    means = res.worlds.groupby("set")["survival_days"].mean()
    assert means.nunique() > 1


def test_same_worlds_gives_each_set_the_same_random_numbers():
    base = make_fragile_scenario(horizon=40)
    res = assert_same_as_alone(base, make_sets(), "baseline", seed=3, worlds=20,
                               same_worlds=True)
    assert (res.worlds.groupby("set")["world"].min() == 0).all()


def test_identical_sets_are_one_run_of_all_their_worlds():
    base = make_fragile_scenario(horizon=50)
    sets = pd.DataFrame({"information.p_detect": [0.7, 0.7, 0.7]})
    res = run_sets(base, sets, 16, seed=11)
    table, _ = alone(base, "baseline", 11, 0, 48)
    pd.testing.assert_frame_equal(res.worlds.drop(columns="set"), table, check_dtype=False)


def test_syria_sets_from_its_priors_with_bargaining():
    base = load("syria_2016")
    sets = priors.draw(base, 3, np.random.default_rng(5))
    assert_same_as_alone(base, sets, "baseline", seed=2, worlds=6, days=70)
