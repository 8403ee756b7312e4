"""Faults (issue 9): a sweep killed with kill -9, and a Dask worker killed mid-part, lose
nothing and double nothing: rerun (or the cluster's retry) gives the uninterrupted results.

The Dask test starts a real `dask scheduler` and two `dask worker` processes on 127.0.0.1 and
stops them by pid; it needs no network beyond the loopback and runs under CI as everywhere.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import processes
from sim.sweep import load_experiment, sweep
from tests.sweep_factories import (
    ENV,
    dask_processes,
    make_experiment_data,
    tables,
    write_experiment,
)

# 6 parts of 1 point x 2 strategies x 50 worlds x 60 days: ~0.3 s of CPU each, so that after
# the kill moment (at most 3 parts done + 0.1 s) at least 0.9 s of work is left to interrupt
POINTS, DAYS = 6, 60


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"),
                            make_experiment_data(n=POINTS, days=DAYS))


@pytest.fixture(scope="module")
def reference(exp_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    sweep(load_experiment(exp_file), out, workers=1, points_per_part=1)
    return tables(out)


def parts_done(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["parts"]["parts"])
    except (OSError, ValueError, KeyError):
        return 0


def sweep_cmd(exp_file: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "sim", "sweep", str(exp_file), "--out", str(out),
            "--workers", str(workers), "--points-per-part", "1"]


@pytest.mark.parametrize("workers, seed", [(1, 11), (2, 12)])
def test_kill_9_at_a_random_moment_then_rerun_equals_an_uninterrupted_run(
        exp_file, reference, tmp_path, workers, seed):
    rng = random.Random(seed)  # fixed: the same "random" moment on every run of the test
    after_parts, extra_wait = rng.randint(1, POINTS // 2), rng.uniform(0, 0.1)
    out = tmp_path / "o"
    proc = subprocess.Popen(sweep_cmd(exp_file, out, workers), env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600  # a safety net for a hung sweep, not a speed check
    while parts_done(out) < after_parts and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(extra_wait)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes, like kill -9 -PID
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    killed_at = parts_done(out)
    assert killed_at < POINTS, "the sweep finished before it was killed; the test proved nothing"
    rerun = subprocess.run(sweep_cmd(exp_file, out, workers), check=False, env=ENV,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{POINTS - killed_at} parts run, {killed_at} already done" in rerun.stdout
    pd.testing.assert_frame_equal(tables(out), reference)
    assert not list((out / "parts").glob(".*.tmp"))


def _ctrl_c_as_at_a_terminal() -> None:
    """SIGINT's default in the child, as in a terminal: a test run in the background
    (``cmd &``, nohup) ignores SIGINT, and the child would inherit that and never see the
    interruption the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_says_what_is_stored_then_the_same_command_resumes(exp_file, reference, tmp_path,
                                                                  workers):
    """SIGINT to the sweep's process group, as Ctrl-C in a terminal sends it: exit 130, a
    one-line message (parts stored, how to resume), no traceback from the sweep or its workers;
    the same command then finishes the sweep, equal to an uninterrupted run."""
    out = tmp_path / "o"
    proc = subprocess.Popen(sweep_cmd(exp_file, out, workers), env=ENV, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + 600  # a safety net for a hung sweep, not a speed check
    while parts_done(out) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=600)
    stored = parts_done(out)
    assert stored < POINTS, "the sweep finished before Ctrl-C; the test proved nothing"
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert (f"interrupted: {stored} of {POINTS} parts are stored in {out}/; run the same "
            "command again to resume.") in " ".join(stderr.split())
    rerun = subprocess.run(sweep_cmd(exp_file, out, workers), check=False, env=ENV,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{POINTS - stored} parts run, {stored} already done" in rerun.stdout
    pd.testing.assert_frame_equal(tables(out), reference)


# The sweep command with its first part cut by a Ctrl-C that Python can only report as
# "Exception ignored": raised in a ctypes callback, as when LLVM calls llvmlite back while numba
# compiles the compiled day (a Ctrl-C then was lost and the sweep ran to its last part).
SWALLOWED_CTRL_C = """
import ctypes, signal, sys
import sim.sweep.run as run
from sim.cli.app import main

original = run.run_part

def run_part(job):
    if job.index == 0:
        ctypes.CFUNCTYPE(None)(lambda: signal.raise_signal(signal.SIGINT))()
    return original(job)

run.run_part = run_part
sys.argv = ["trucesim", *sys.argv[1:]]
main()
"""


def test_a_ctrl_c_that_python_swallows_still_stops_the_sweep(exp_file, tmp_path):
    """It stops in the part it cut (at the next simulated day), with its usual message."""
    done, out = _interrupted_sweep(SWALLOWED_CTRL_C, exp_file, tmp_path, 1)
    assert "Exception ignored" not in done.stderr
    assert parts_done(out) == 0


def _interrupted_sweep(script, exp_file, tmp_path, workers, **popen):
    """Run ``script`` as the sweep command; check it stopped as a Ctrl-C stops it (exit 130,
    no traceback, the line saying how to resume)."""
    out = tmp_path / "o"
    args = sweep_cmd(exp_file, out, workers)[3:]  # sweep EXP --out OUT --workers N ...
    done = subprocess.run([sys.executable, "-c", script, *args], env=ENV, capture_output=True,
                          text=True, timeout=600, preexec_fn=_ctrl_c_as_at_a_terminal,
                          check=False, **popen)
    assert done.returncode == 130, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert (f"interrupted: 0 of {POINTS} parts are stored in {out}/; run the same command "
            "again to resume.") in " ".join(done.stderr.split())
    return done, out


# The sweep command with a Ctrl-C to its process group (itself and the workers started so far)
# while the pool starts its first worker: SIGINT used to be ignored then, and it was lost.
CTRL_C_WHILE_A_WORKER_STARTS = """
import os, signal, sys
import multiprocessing
from sim.cli.app import main
from sim.processes import start_method

Process = multiprocessing.get_context(start_method()).Process
start = Process.start

def start_then_ctrl_c(process):
    start(process)
    Process.start = start
    os.killpg(0, signal.SIGINT)

Process.start = start_then_ctrl_c
sys.argv = ["trucesim", *sys.argv[1:]]
main()
"""


def test_ctrl_c_while_the_pool_starts_a_worker_stops_the_sweep(exp_file, tmp_path):
    _interrupted_sweep(CTRL_C_WHILE_A_WORKER_STARTS, exp_file, tmp_path, 2,
                       start_new_session=True)


# Run by worker w0 as it starts: its first part kills it, once the part is under way. Killing
# it from outside at a moment it was seen busy was a race: on a fast day w0 had run all its
# parts before the first result reached the test, and was never caught busy.
DIE_IN_FIRST_PART = """
import os, signal
import sim.sweep.run

def run_part(job):
    os.kill(os.getpid(), signal.SIGKILL)  # mid-part: the scheduler has given it this part

sim.sweep.run.run_part = run_part  # what the client's pickled reference resolves to here
"""


@pytest.fixture
def dask_cluster(tmp_path):
    """A real scheduler and two single-threaded workers (no nanny: the pid is the worker);
    w0 dies in its first part (DIE_IN_FIRST_PART)."""
    script = tmp_path / "die_in_first_part.py"
    script.write_text(DIE_IN_FIRST_PART)
    with dask_processes(tmp_path, 2, preload={0: script}) as (address, procs, log):
        yield address, procs[1:], log


def test_dask_cluster_with_a_worker_killed_mid_part_equals_local(exp_file, reference, tmp_path,
                                                                  dask_cluster):
    address, workers, log = dask_cluster
    victim = workers[0]
    out = tmp_path / "o"
    try:
        sweep(load_experiment(exp_file), out, executor="dask", scheduler=address,
              points_per_part=1)
        assert victim.wait(timeout=10) == -signal.SIGKILL  # it took a part, and died in it
        pd.testing.assert_frame_equal(tables(out), reference)
    except BaseException:
        print(log.read_text()[-6000:])  # the cluster's own account, shown on failure
        raise


def test_dask_local_cluster_equals_local(exp_file, reference, tmp_path):
    out = tmp_path / "o"
    sweep(load_experiment(exp_file), out, executor="dask", workers=2, points_per_part=3)
    pd.testing.assert_frame_equal(tables(out), reference)


def _worker_settings():
    import dask

    from sim import kernel

    return ({name: os.environ.get(name) for name in processes.environ()},
            dask.config.get("distributed.worker.profile.enabled"),
            len(kernel.run_day.overloads) > 0)  # loaded by sim.warm, before any task


def test_local_cluster_workers_keep_freed_memory_and_run_without_the_profiler(monkeypatch):
    """Dask's defaults (MALLOC_TRIM_THRESHOLD_=65536, the profiler on) cost time in every part
    (docs/performance.md); each worker has loaded the compiled day as it started (sim.warm)."""
    from distributed import Client

    from sim.sweep.executors import local_cluster

    for name in processes.environ():  # a user's own settings would stay
        monkeypatch.delenv(name, raising=False)
    with local_cluster(2) as cluster, Client(cluster) as client:
        settings = client.run(_worker_settings)
    assert list(settings.values()) == [(processes.environ(), False, True)] * 2
