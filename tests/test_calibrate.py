"""Calibration (sim.calibrate, sim.calibrate_io, `trucesim calibrate`): distances, resuming,
posterior files and their refusals."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from sim.calibrate import SERIES as CAL_SERIES
from sim.calibrate import Settings, band_miss, calibrate, mcmc_steps, reflect, run_figures
from sim.calibrate_io import read_posterior, write_posterior
from sim.calibration import measure
from sim.ensemble import run_sets
from sim.runner import run
from sim.scenario import ScenarioError, load
from tests.calib_factories import make_calibration_data, make_calibration_scenario
from tests.factories import dump_yaml, write_scenario
from tests.test_cli import trucesim

TINY = Settings(population=8, worlds=4, budget=40, generations=4, seed=3)


def test_band_miss_by_hand():
    assert band_miss(50, (45, 60)) == 0.0
    assert band_miss(40, (45, 60)) == pytest.approx(5 / 15)
    assert band_miss(0.5, (0.9, 1.0)) == 1.0  # capped
    assert band_miss(10, (31, None)) == pytest.approx(21 / 31)  # open band: its bound
    assert band_miss(math.nan, (0, 1)) == 1.0
    assert band_miss(math.inf, (90, 160)) == 1.0


def test_reflect_folds_into_the_cube_and_mcmc_steps_follow_the_rate():
    np.testing.assert_allclose(reflect(np.array([-0.2, 1.3, 0.4, 2.5])), [0.2, 0.7, 0.4, 0.5])
    assert mcmc_steps(1.0) == 1
    assert mcmc_steps(0.5) == 7  # ceil(log 0.01 / log 0.5) = ceil(6.64)
    assert mcmc_steps(0.0) == 20
    assert mcmc_steps(math.nan) == 3


def test_run_figures_are_the_calibration_figures_of_a_run():
    scn = load("syria_2016")
    one = run_sets(scn, pd.DataFrame(index=range(1)), 30, seed=4)
    series = one.daily[0][list(CAL_SERIES)].to_numpy()
    got = run_figures(one.set_worlds(0), series)
    want = measure(run(scn, worlds=30, seed=4))
    assert got.keys() == want.keys()
    for k in want:
        assert got[k] == pytest.approx(want[k], nan_ok=True), k


def test_a_resumed_calibration_is_the_uninterrupted_one():
    scn = make_calibration_scenario(horizon=30)
    states = []
    whole = calibrate(scn, s=TINY, on_generation=states.append)
    assert len(whole.generations) >= 3
    resumed = calibrate(scn, s=TINY, resume=states[1])  # as if killed after generation 1
    np.testing.assert_array_equal(resumed.final.u, whole.final.u)
    np.testing.assert_array_equal(resumed.final.distance, whole.final.distance)
    assert resumed.simulated == whole.simulated


def test_the_tolerance_falls_and_the_population_gets_closer():
    scn = make_calibration_scenario(horizon=30)
    cal = calibrate(scn, s=Settings(population=20, worlds=10, budget=120, seed=1))
    eps = [g.epsilon for g in cal.generations]
    assert all(a >= b for a, b in itertools.pairwise(eps))
    assert np.median(cal.final.distance) <= np.median(cal.generations[0].distance)


# ------------------------------------------------------------------ posterior files
def make_posterior(tmp_path, weights, meta=None):
    path = tmp_path / "posterior.parquet"
    table = pd.DataFrame({"a.b": np.linspace(0, 1, len(weights)), "weight": weights})
    write_posterior(path, table, meta or {"scenario": "s", "scenario_hash": "abc"})
    return path


def test_a_posterior_keeps_its_provenance(tmp_path):
    path = make_posterior(tmp_path, [0.25] * 4)
    table, meta = read_posterior(path, "abc", ["a.b"])
    assert meta["scenario_hash"] == "abc" and len(table) == 4


@pytest.mark.parametrize("weights, hash_, expected", [
    ([0.25] * 4, "other", "scenario_hash: got 'abc'; expected other"),
    ([], "abc", "the posterior is empty"),
    ([1.0, 0.0, 0.0], "abc", "degenerate posterior"),
])
def test_bad_posteriors_are_refused_with_their_field(tmp_path, weights, hash_, expected):
    path = make_posterior(tmp_path, weights)
    with pytest.raises(ScenarioError) as exc:
        read_posterior(path, hash_)
    assert expected in str(exc.value) and str(path) in str(exc.value)


def test_a_file_without_provenance_is_refused(tmp_path):
    path = tmp_path / "x.parquet"
    pd.DataFrame({"weight": [1.0]}).to_parquet(path)
    with pytest.raises(ScenarioError, match="no trucesim provenance"):
        read_posterior(path)


# ------------------------------------------------------------------ the command
@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("calib"),
                          dump_yaml(make_calibration_data(horizon=30)), "small.yaml")


def test_calibrate_writes_its_files_and_a_rerun_reproduces_them(scenario_file, tmp_path):
    out = tmp_path / "c"
    args = ("calibrate", scenario_file, "--out", out, "--budget", "40", "--population", "8",
            "--worlds", "4", "--seed", "2")
    done = trucesim(*args)
    assert done.returncode == 0, done.stderr
    for name in ("posterior.parquet", "diagnostics.csv", "constraints.csv", "predictive.csv",
                 "prior_posterior.png", "pairs.png", "report.md", "report.html"):
        assert (out / name).exists(), name
    scn = load(scenario_file)
    from sim.scenario import scenario_hash

    first, meta = read_posterior(out / "posterior.parquet", scenario_hash(scn))
    assert meta["seed"] == 2 and meta["settings"]["budget"] == 40
    assert "holds_day_20" in done.stdout  # the posterior predictive check, printed
    again = trucesim(*args)
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(read_posterior(out / "posterior.parquet")[0], first)


def test_a_target_naming_an_unknown_statistic_exits_2_writing_nothing(scenario_file, tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text("targets:\n  - id: t\n    statement: a fact\n    statistic: day_of_peace\n"
                   "    band: [1, 2]\n    source: s\n")
    out = tmp_path / "never"
    done = trucesim("calibrate", scenario_file, "--targets", bad, "--out", out)
    assert done.returncode == 2
    assert f"{bad}:4: targets.t.statistic: got 'day_of_peace'" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_another_calibrations_checkpoint_is_refused(scenario_file, tmp_path):
    out = tmp_path / "c"
    out.mkdir()
    (out / "checkpoint.json").write_text('{"provenance": {"scenario_hash": "x"}}')
    done = trucesim("calibrate", scenario_file, "--out", out, "--budget", "40",
                    "--population", "8", "--worlds", "4")
    assert done.returncode == 2 and "another calibration's checkpoint" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.json"]


def test_calibrate_help_has_examples():
    done = trucesim("calibrate", "--help")
    assert done.returncode == 0 and "Example" in done.stdout


# ------------------------------------------------------------------ processes and Dask
def test_workers_and_a_dask_cluster_give_the_same_calibration():
    from distributed import LocalCluster

    scn = make_calibration_scenario(horizon=30)
    alone = calibrate(scn, s=TINY)
    in_processes = calibrate(scn, s=Settings(**{**vars(TINY), "workers": 2}))
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster:
        on_dask = calibrate(scn, s=Settings(**{**vars(TINY), "workers": 3,
                                               "scheduler": cluster.scheduler_address}))
    for other in (in_processes, on_dask):
        np.testing.assert_array_equal(other.final.u, alone.final.u)
        np.testing.assert_array_equal(other.final.distance, alone.final.distance)


def test_an_unreachable_scheduler_exits_2_writing_nothing(scenario_file, tmp_path):
    from tests.sweep_factories import free_port

    out = tmp_path / "never"
    address = f"tcp://127.0.0.1:{free_port()}"
    done = trucesim("calibrate", scenario_file, "--out", out, "--budget", "40",
                    "--population", "8", "--scheduler", address)
    assert done.returncode == 2, done.stderr
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr
    assert not out.exists() and "Traceback" not in done.stderr


def test_a_posterior_with_a_column_no_prior_names_is_refused(tmp_path):
    path = make_posterior(tmp_path, [0.25] * 4)
    with pytest.raises(ScenarioError, match="a.b: no prior of the scenario names this field"):
        read_posterior(path, "abc", [])
