"""The runner: results do not depend on the number of worker processes or threads."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import sim
from sim.runner import compare

ROOT = Path(__file__).resolve().parents[1]


def test_compare_in_two_processes_equals_one():
    scn = sim.load(ROOT / "scenarios/lakeland_teaching.yaml")
    one = compare(scn, ["baseline", "monitors"], worlds=1500, seed=3, days=60, workers=1)
    two = compare(scn, ["baseline", "monitors"], worlds=1500, seed=3, days=60, workers=2)
    assert_frame_equal(one.worlds, two.worlds)
    for name in one.runs:
        assert_frame_equal(one.runs[name].daily, two.runs[name].daily)
        assert one.runs[name].summary == two.runs[name].summary


def test_compare_equals_separate_runs():
    scn = sim.load(ROOT / "scenarios/lakeland_teaching.yaml")
    both = compare(scn, ["baseline", "monitors"], worlds=300, seed=4, days=50)
    alone = sim.run(scn, "monitors", worlds=300, seed=4, days=50)
    assert_frame_equal(both.runs["monitors"].worlds, alone.worlds)


def test_a_run_on_two_threads_equals_one_world_for_world_and_day_for_day():
    """Two threads run the batch as two models side by side (sim.runner.run_batch); every
    world row and every daily sum is the same as on one thread, to the bit."""
    scn = sim.load(ROOT / "scenarios/syria_2016.yaml", ["meta.horizon_days=60"])
    one = sim.run(scn, "monitoring", worlds=1300, seed=5, threads=1)
    two = sim.run(scn, "monitoring", worlds=1300, seed=5, threads=2)
    assert_frame_equal(one.worlds, two.worlds, check_exact=True)
    assert_frame_equal(one.daily, two.daily, check_exact=True)
    assert one.summary == two.summary
    assert one.daily["mean_trust"].nunique() > 10  # the float series moved


def test_a_part_that_fails_stops_the_other_parts_of_the_batch(monkeypatch):
    """An error in one thread's part is raised at once, and the other part stops at its next
    day instead of running to the horizon for a result nobody takes."""
    from sim.model import TruceModel
    from sim.runner import run_batch

    days_run, step = {}, TruceModel.step

    def step_or_fail(model):
        first = int(model.streams.first_world)
        days_run[first] = days_run.get(first, 0) + 1
        if first > 0 and model.day == 3:
            raise ValueError("a bad day")
        if first == 0 and model.day >= 3:
            time.sleep(0.01)  # the failing part reaches its day 3 first
        step(model)
    monkeypatch.setattr(TruceModel, "step", step_or_fail)
    scn = sim.load(ROOT / "scenarios/lakeland_teaching.yaml", ["meta.horizon_days=300"])
    with pytest.raises(ValueError, match="a bad day"):
        run_batch(scn, "baseline", 1, None, 0, 1024, threads=2)
    assert days_run[512] == 4 and days_run.get(0, 0) < 300  # part 0 may not have begun


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=300), st.integers(1, 299))
@settings(max_examples=200, deadline=None)
def test_fixed_point_sums_are_the_same_in_any_order_and_split(values, cut):
    """What lets the threads split a batch: the float series' sums do not depend on it."""
    from sim.model import fixed_point_sum

    x = np.array(values)
    whole = fixed_point_sum(x)
    cut = cut % len(x)
    assert fixed_point_sum(x[:cut]) + fixed_point_sum(x[cut:]) == whole
    assert fixed_point_sum(x[::-1]) == whole
    assert abs(whole - x.sum()) <= len(x) * 2.0 ** -33 + 1e-12
