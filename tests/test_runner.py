"""The runner: results do not depend on the number of worker processes."""

from __future__ import annotations

from pathlib import Path

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
