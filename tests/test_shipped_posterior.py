"""The shipped Syria posterior (scenarios/posteriors/syria_2016.parquet, issue 17 item 6): made
for the scenario as it is now, and reproduced by the command it records (`make posterior`
regenerates it, as `make golden` the goldens, after a change to the scenario or the model)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd

from sim.calibrate_io import read_posterior
from sim.priors import resolve
from sim.scenario import load, scenario_hash
from tests.test_cli import trucesim

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "scenarios" / "posteriors" / "syria_2016.parquet"


def test_the_shipped_posterior_is_for_the_scenario_as_it_is():
    scn = load("syria_2016")
    table, meta = read_posterior(SHIPPED, scenario_hash(scn), [r.path for r in resolve(scn)])
    assert meta["scenario"] == scn.meta.name and len(table) == meta["settings"]["population"]


def test_the_command_it_records_reproduces_it(tmp_path):
    _, meta = read_posterior(SHIPPED)
    args = shlex.split(meta["command"])[1:]  # without "trucesim"
    assert args[0] == "calibrate" and "--out" in args
    args[args.index("--out") + 1] = str(tmp_path / "again")
    done = trucesim(*args)
    assert done.returncode == 0, done.stderr
    again, meta_again = read_posterior(tmp_path / "again" / "posterior.parquet")
    pd.testing.assert_frame_equal(again, read_posterior(SHIPPED)[0])
    assert {k: meta_again[k] for k in ("scenario_hash", "targets_hash", "settings")} == \
        {k: meta[k] for k in ("scenario_hash", "targets_hash", "settings")}
