"""Strategies across a posterior (sim.ensemble_compare, `trucesim compare --ensemble`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.calibrate_io import write_posterior
from sim.ensemble_compare import compare_ensemble, draw_sets, parameter_share, verdict
from sim.scenario import scenario_hash
from tests.calib_factories import GAIN, P_ATTACK, make_calibration_data
from tests.factories import dump_yaml, write_scenario
from tests.test_cli import trucesim

STRATEGIES = {
    "again": {},  # the baseline under another name: no effect, world for world
    "monitoring": {"interventions": [{"kind": "monitoring", "p_verify": 0.9,
                                      "p_misattribution": 0.0}]},
}


def make_scenario_data_with_strategies() -> dict:
    data = make_calibration_data(horizon=40)
    data["strategies"] = {"baseline": {}, **STRATEGIES}
    return data


def make_posterior(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({P_ATTACK: rng.uniform(0.05, 0.3, n), GAIN: rng.uniform(0.1, 0.6, n),
                         "weight": np.full(n, 1.0 / n)})


def test_draw_sets_follows_the_weights():
    post = pd.DataFrame({"x": [1.0, 2.0], "weight": [0.0, 1.0], "distance": [0, 0]})
    drawn = draw_sets(post, 20, np.random.default_rng(1))
    assert list(drawn.columns) == ["x"] and (drawn["x"] == 2.0).all()


def test_parameter_share_by_hand():
    # two sets of two worlds: set means 0 and 2 (variance 2), within variance 0: all parameters
    diff = pd.DataFrame({"set": [0, 0, 1, 1], "d": [0.0, 0.0, 2.0, 2.0]})
    assert parameter_share(diff, 2) == 1.0
    # same means, within variance 2 per set: var(means) 2 - 2 / 2 = 1 of 2 from parameters
    diff = pd.DataFrame({"set": [0, 0, 1, 1], "d": [-1.0, 1.0, 1.0, 3.0]})
    assert parameter_share(diff, 2) == pytest.approx(0.5)


def test_verdict_needs_the_ensemble_and_enough_sets():
    assert verdict(1.0, 50) == "clear gain"  # Wilson lower bound 0.929
    assert verdict(1.0, 10) == "cannot separate"  # lower bound 0.722
    assert verdict(0.0, 50) == "clear loss"
    assert verdict(0.6, 50) == "cannot separate"


def test_the_same_worlds_and_sets_under_every_strategy():
    from sim.scenario import validate

    scn = validate(make_scenario_data_with_strategies(), "<test>")
    cmp = compare_ensemble(scn, make_posterior(), ["baseline", "again", "monitoring"], sets=12,
                           worlds=30, seed=5)
    again = cmp.per_set[cmp.per_set["strategy"] == "again"]
    assert (again["rmst_gain"] == 0).all()  # common random numbers and parameters: exact
    row = cmp.table.set_index("strategy")
    assert row.at["again", "p_beats"] == 0.5 and row.at["again", "verdict"] == "cannot separate"
    assert row.at["monitoring", "rmst_gain"] > 0
    assert cmp.sets.shape == (12, 2)


def test_compare_ensemble_refuses_a_posterior_of_another_scenario(tmp_path):
    data = make_scenario_data_with_strategies()
    path = write_scenario(tmp_path, dump_yaml(data), "s.yaml")
    post = tmp_path / "posterior.parquet"
    write_posterior(post, make_posterior(), {"scenario": "x", "scenario_hash": "0123"})
    out = tmp_path / "out"
    done = trucesim("compare", path, "--ensemble", post, "--worlds", "10", "--out", out)
    assert done.returncode == 2
    assert f"{post}: scenario_hash: got '0123'; expected" in done.stderr
    assert not out.exists() and "Traceback" not in done.stderr


def test_compare_ensemble_writes_the_memo(tmp_path):
    from sim.scenario import validate

    data = make_scenario_data_with_strategies()
    path = write_scenario(tmp_path, dump_yaml(data), "s.yaml")
    post = tmp_path / "posterior.parquet"
    write_posterior(post, make_posterior(), {"scenario": "x", "scenario_hash":
                                             scenario_hash(validate(data, "<t>"))})
    out = tmp_path / "out"
    done = trucesim("compare", path, "--ensemble", post, "--sets", "10", "--worlds", "20",
                    "--fixed-worlds", "0", "--out", out)
    assert done.returncode == 0, done.stderr
    memo = (out / "report.md").read_text()
    assert (out / "report.html").exists()
    assert "cannot separate **again** from baseline" in memo


def test_where_first_names_the_parameter_that_flips_the_ranking():
    from sim.ensemble_compare import where_first

    drawn = pd.DataFrame({"a": np.arange(20.0), "b": np.zeros(20)})
    # "x" ranks first exactly where a >= 10
    rmst = {"base": np.full(20, 5.0), "x": np.where(np.arange(20) >= 10, 9.0, 1.0)}
    per_set = pd.DataFrame([{"set": k, "strategy": s, "rmst": rmst[s][k]}
                            for s in rmst for k in range(20)])
    boxes = where_first(per_set, drawn, ["base", "x"])
    # PRIM peels until 80% of the box wins: a >= 8 holds 10 winning sets of 12 (0.83); b, the
    # same in every set, is never named
    assert boxes[1] == "a >= 8" and boxes[0] == "a <= 11"


def test_survival_spread_by_hand():
    from sim.ensemble import survival_spread

    # set 0: both worlds hold past day 30; set 1: one of two collapses on day 10
    worlds = pd.DataFrame({"set": [0, 0, 1, 1], "survival_days": [40, 40, 10, 40],
                           "is_collapsed": [False, False, True, False]})
    row = survival_spread(worlds, 40).set_index("day").loc[30]
    assert (row["median"], row["p5"], row["p95"]) == (0.75, 0.525, 0.975)


def test_run_ensemble_prints_the_spread_over_sets(tmp_path):
    from sim.scenario import validate

    data = make_scenario_data_with_strategies()
    path = write_scenario(tmp_path, dump_yaml(data), "s.yaml")
    post = tmp_path / "posterior.parquet"
    write_posterior(post, make_posterior(), {"scenario": "x", "scenario_hash":
                                             scenario_hash(validate(data, "<t>"))})
    done = trucesim("run", path, "--ensemble", post, "--sets", "5", "--worlds", "10",
                    "--out", tmp_path / "o")
    assert done.returncode == 0, done.stderr
    assert "Across 5 parameter sets of posterior.parquet (10 worlds each)" in done.stdout
    worlds = pd.read_parquet(tmp_path / "o" / "worlds.parquet")
    assert len(worlds) == 50 and worlds["set"].nunique() == 5


def test_per_world_figures_by_hand():
    from sim.ensemble_compare import per_world

    # held to the horizon (-1), collapsed on day 50, collapsed on day 100; horizon 120
    cols = per_world(np.array([-1, 50, 100]), 120)
    assert cols["rmst"].tolist() == [120.0, 50.0, 100.0]
    assert cols["survival_90"].tolist() == [1.0, 0.0, 1.0]
    assert cols["survival_180"].tolist() == [1.0, 0.0, 0.0]
