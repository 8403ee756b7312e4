"""One writer per store (issue 22): a store in use by a live command is refused to a second
one; a lock left by a dead command (``kill -9``) is taken over; finished work is never redone.

The choice (docs/sweeps.md): a second command on the same sweep folder is refused with the
holder's pid, host and start time, rather than joining it; run it again once the first is done
and it finds every part finished.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.lock import LOCK_NAME, LockHeld, StoreLock, pid_alive, read_holder
from sim.sweep import load_experiment, sweep
from sim.sweep.store import MANIFEST
from tests.sweep_factories import make_experiment_data, tables, write_experiment

ENV = {k: v for k, v in os.environ.items() if k != "TRUCESIM_DEBUG"}
HOLD = """\
import sys, time
from sim.lock import StoreLock
lock = StoreLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(600)
"""


def hold_in_a_process(folder: Path) -> subprocess.Popen:
    """Another process that takes the lock on ``folder`` and keeps it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                            text=True, env=ENV)
    assert proc.stdout.readline().strip() == "held"
    return proc


def wait_for(condition, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ---------------------------------------------------------------------------- the lock
def test_a_lock_names_its_holder_and_is_gone_after_release(tmp_path):
    with StoreLock(tmp_path) as lock:
        holder = read_holder(tmp_path / LOCK_NAME)
        assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
        assert holder["started"] and lock.stale is None
        with pytest.raises(LockHeld, match=f"in use by pid {os.getpid()} on host"):
            StoreLock(tmp_path).acquire()  # even from the same process
    assert not (tmp_path / LOCK_NAME).exists()
    StoreLock(tmp_path).acquire().release()  # free again


def test_a_live_holder_in_another_process_is_refused(tmp_path):
    proc = hold_in_a_process(tmp_path)
    try:
        with pytest.raises(LockHeld) as info:
            StoreLock(tmp_path).acquire()
        assert info.value.holder["pid"] == proc.pid
        assert f"in use by pid {proc.pid} on host {socket.gethostname()}" in str(info.value)
    finally:
        proc.kill()
        proc.wait()


def test_a_lock_left_by_kill_9_is_stale_and_taken_over(tmp_path):
    proc = hold_in_a_process(tmp_path)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert read_holder(tmp_path / LOCK_NAME)["pid"] == proc.pid  # the file is still there
    assert not pid_alive(proc.pid)
    with StoreLock(tmp_path) as lock:
        assert lock.stale["pid"] == proc.pid
        assert read_holder(tmp_path / LOCK_NAME)["pid"] == os.getpid()


def test_a_lock_from_another_host_is_not_taken_over(tmp_path):
    record = {"pid": 1, "host": "elsewhere.example", "started": "2026-12-01T00:00:00+00:00"}
    (tmp_path / LOCK_NAME).write_text(json.dumps(record))
    with pytest.raises(LockHeld, match="cannot be checked from this host.*delete"):
        StoreLock(tmp_path).acquire()
    assert read_holder(tmp_path / LOCK_NAME) == record


def test_a_folder_made_for_the_lock_alone_is_removed_with_it(tmp_path):
    with StoreLock(tmp_path / "new"):
        assert (tmp_path / "new" / LOCK_NAME).exists()
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------------------- sweeps
POINTS = 6


@pytest.fixture(scope="module")
def exp_file(tmp_path_factory):
    # 6 parts of 1 point x 2 strategies x 50 worlds x 60 days: a few seconds in all
    return write_experiment(tmp_path_factory.mktemp("exp"),
                            make_experiment_data(n=POINTS, days=60))


def sweep_cmd(exp_file: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "sim", "sweep", str(exp_file), "--out", str(out),
            "--workers", "1", "--points-per-part", "1"]


def _ctrl_c_as_at_a_terminal() -> None:
    """SIGINT's default in the child: a test run in the background (``cmd &``, nohup) ignores
    SIGINT, the child would inherit that and never see the interruption the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_two_sweeps_on_one_store_never_run_a_part_twice(tmp_path):
    # the first is paused (SIGSTOP) while the second runs, so it still holds the store when
    # the second comes whatever the machine's load or numba's cache (a running first sweep of
    # 24, then 240, parts once finished before the second was refused, in a clean clone); it
    # is interrupted once the second has been refused, so its length costs nothing. With a
    # cold cache that Ctrl-C comes while numba compiles, and was once lost (swallowed in
    # llvmlite's callback; sim/interrupts.py): the sweep then ran all 240 parts.
    exp_file = write_experiment(tmp_path, make_experiment_data(n=240, worlds=1000, days=365))
    out = tmp_path / "out"
    first = subprocess.Popen(sweep_cmd(exp_file, out), env=ENV, text=True,
                             start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, preexec_fn=_ctrl_c_as_at_a_terminal)
    wait_for(lambda: (out / "manifest.json").exists() or first.poll() is not None)
    os.killpg(first.pid, signal.SIGSTOP)  # paused, lock held: however long the second takes
    second = subprocess.run(sweep_cmd(exp_file, out), check=False, env=ENV,
                            capture_output=True, text=True, timeout=300)
    running = first.poll() is None  # still running (paused) when the second came
    os.killpg(first.pid, signal.SIGINT)  # pending until it runs again
    os.killpg(first.pid, signal.SIGCONT)
    stdout, stderr = first.communicate(timeout=300)
    assert running and first.returncode == 130, stdout + stderr
    assert second.returncode == 2, second.stdout + second.stderr
    said = " ".join(second.stderr.split())
    assert f"{out}: in use by pid {first.pid} on host {socket.gethostname()}" in said
    assert "Traceback" not in second.stderr and "parts run" not in second.stdout
    stored = int(stderr.split("interrupted: ")[1].split(" of ")[0])
    assert _recorded_parts(out) == stored < 240  # what it said it kept is what the store holds
    assert not (out / LOCK_NAME).exists()  # the lock went with the interrupted sweep; that the
    # same command then resumes is tests/test_sweep_faults.py's ctrl-C test


def _recorded_parts(out: Path) -> int:
    """Parts the sweep folder's manifest records as finished (0 before it exists)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return 0
    return len(manifest.get("parts", {}).get("parts", {}))


def test_a_sweep_killed_with_kill_9_leaves_a_stale_lock_that_the_rerun_takes_over(exp_file,
                                                                                 tmp_path):
    reference = tmp_path / "ref"
    sweep(load_experiment(exp_file), reference, workers=1, points_per_part=1)
    out = tmp_path / "out"
    proc = subprocess.Popen(sweep_cmd(exp_file, out), env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # a part counts as done once the manifest records it (written after the part file), so
    # wait for the record, not the file: killed in between, the rerun would rightly redo it
    wait_for(lambda: _recorded_parts(out) >= 1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_holder(out / LOCK_NAME)["pid"] == proc.pid  # left behind
    result = sweep(load_experiment(exp_file), out, workers=1, points_per_part=1)
    assert result.parts_skipped >= 1 and result.parts_run + result.parts_skipped == POINTS
    pd.testing.assert_frame_equal(tables(out), tables(reference))
    assert not (out / LOCK_NAME).exists()


def test_the_python_api_refuses_a_held_store_before_touching_it(exp_file, tmp_path):
    out = tmp_path / "out"
    proc = hold_in_a_process(out)
    try:
        with pytest.raises(LockHeld, match=f"pid {proc.pid}"):
            sweep(load_experiment(exp_file), out, workers=1, force=True)
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # --force deleted nothing
    finally:
        proc.kill()
        proc.wait()
