"""The compiled day (sim/kernel.py): the same source runs as plain Python under
``NUMBA_DISABLE_JIT=1`` (for debugging and coverage) and gives the same worlds; threads share
the worlds of a day without changing any of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sim
from sim.model import TruceModel
from tests.factories import make_busy_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = """
import json, sys
from sim.model import TruceModel
from tests.test_kernel import make_talks_model
from tests.factories import make_busy_scenario
import numba
m = make_talks_model() if sys.argv[1] == "talks" else TruceModel(
    make_busy_scenario(horizon=40), n_worlds=6, seed=11, first_world=3)
s = m.run().state
json.dump({"jit": not numba.config.DISABLE_JIT,
           **{k: v.tolist() for k, v in s._asdict().items()}}, sys.stdout)
"""
# Lakeland's talks with every bargaining mechanism at work: hardening (proposals remade),
# agreements, and deals worth less than fighting, reneged on
TALKS = ["actors.highland.bargaining.hardening=1", "actors.river_alliance.bargaining.hardening=1",
         "actors.highland.bargaining.p_renege=1", "actors.river_alliance.bargaining.p_renege=1",
         "actors.highland.bargaining.reservation=0.6",
         "actors.river_alliance.bargaining.reservation=0.6", "talks.start_day=0"]


def make_talks_model() -> TruceModel:
    scn = sim.load(ROOT / "scenarios/lakeland_teaching.yaml", TALKS)
    return TruceModel(scn, n_worlds=12, seed=6, first_world=5, days=150)


def run_tiny(disable_jit: bool, which: str = "busy") -> dict:
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1" if disable_jit else "0",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", TINY, which], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout)


def test_pure_python_mode_runs_the_same_source_to_the_same_worlds():
    plain = run_tiny(disable_jit=True)
    model = TruceModel(make_busy_scenario(horizon=40), n_worlds=6, seed=11, first_world=3).run()
    s = model.state
    assert plain["jit"] is False
    assert_array_equal(plain["day_collapse"], s.day_collapse)
    assert_array_equal(plain["n_violations"], s.n_violations)
    assert_array_equal(plain["n_attacks"], s.n_attacks)
    assert s.n_violations.sum() > 0 and s.n_attacks.sum() > 0  # the worlds did something
    assert_allclose(plain["trust"], s.trust, rtol=1e-12)
    assert_allclose(plain["talks_progress"], s.talks_progress, rtol=1e-12)


def test_pure_python_mode_gives_the_same_talks():
    plain = run_tiny(disable_jit=True, which="talks")
    s = make_talks_model().run().state
    assert plain["jit"] is False
    for name, value in s._asdict().items():
        if value.dtype.kind == "f":
            assert_allclose(plain[name], value, rtol=1e-12, atol=1e-15, err_msg=name)
        else:
            assert_array_equal(plain[name], value, name)
    # the talks did everything: agreements, proposals remade as sides hardened, reneging
    assert (s.day_agreement >= 0).any() and (s.reneged_by >= 0).any()
    assert (s.reservation_today > 0.6).any() and s.talks_rounds.max() > 0


@pytest.mark.parametrize("talks", [False, True])
def test_threads_share_the_worlds_without_changing_them(talks):
    scn = sim.load(ROOT / "scenarios/lakeland_teaching.yaml", TALKS + ["meta.horizon_days=60"]) \
        if talks else make_busy_scenario(horizon=60)
    one = TruceModel(scn, n_worlds=1500, seed=4, threads=1).run()
    two = TruceModel(scn, n_worlds=1500, seed=4, threads=2).run()
    for name in one.state._fields:
        assert_array_equal(getattr(one.state, name), getattr(two.state, name), name)
    df1 = one.datacollector.get_model_vars_dataframe()
    df2 = two.datacollector.get_model_vars_dataframe()
    assert df1.equals(df2)
    assert np.unique(one.state.day_collapse).size > 2  # worlds differ
