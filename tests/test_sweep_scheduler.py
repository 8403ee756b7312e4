"""Errors that name the failure (issue 22): a Dask scheduler that cannot be reached, and one
lost mid-sweep, each say so, with the address, what to try, and which parts are kept.

The lost-connection test starts a real `dask scheduler` and one `dask worker` on 127.0.0.1 and
kills the scheduler with SIGKILL after the first part is stored.
"""

from __future__ import annotations

import json
import re
import signal

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.sweep import executors, load_experiment, sweep
from sim.sweep.executors import SchedulerError
from tests.sweep_factories import (
    dask_processes,
    free_port,
    make_experiment_data,
    tables,
    write_experiment,
)

POINTS = 6


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"),
                            make_experiment_data(n=POINTS, days=60))


def test_an_unreachable_scheduler_is_named_with_what_to_try(exp_file, tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "2s")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    res = CliRunner().invoke(app, ["sweep", str(exp_file), "--executor", "dask",
                                   "--scheduler", address, "--out", str(tmp_path / "o")])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert f"cannot reach the Dask scheduler at {address} (no answer within 2s" in said
    assert "`dask scheduler` is running there" in said and "leave out --scheduler" in said
    assert "cannot write results" not in said and "Traceback" not in said


@pytest.fixture
def scheduler_and_worker(tmp_path):
    """A real scheduler and one worker; yields (address, scheduler process)."""
    with dask_processes(tmp_path, 1) as (address, procs, _):
        yield address, procs[0]


def test_a_scheduler_lost_mid_sweep_says_which_parts_are_kept(exp_file, tmp_path, monkeypatch,
                                                              scheduler_and_worker):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "3s")  # how long to try to reconnect
    address, scheduler = scheduler_and_worker
    out = tmp_path / "o"

    def kill_scheduler(points: int, worlds: int) -> None:
        if scheduler.poll() is None:
            scheduler.send_signal(signal.SIGKILL)
            scheduler.wait()

    with pytest.raises(SchedulerError) as info:
        sweep(load_experiment(exp_file), out, executor="dask", scheduler=address,
              points_per_part=1, progress=kill_scheduler)
    said = str(info.value)
    assert f"lost the connection to the Dask scheduler at {address} mid-sweep" in said
    kept = int(re.search(r"(\d+) of 6 parts are stored in", said).group(1))
    manifest = json.loads((out / "manifest.json").read_text())
    assert kept == len(manifest["parts"]["parts"]) >= 1
    assert f"stored in {out}/ and kept; run the same command again to resume" in said
    assert info.value.lost and not (out / ".lock").exists()
    result = sweep(load_experiment(exp_file), out, workers=1, points_per_part=1)
    assert result.parts_skipped == kept and result.parts_run == POINTS - kept
    reference = tmp_path / "ref"
    sweep(load_experiment(exp_file), reference, workers=1, points_per_part=1)
    pd.testing.assert_frame_equal(tables(out), tables(reference))
