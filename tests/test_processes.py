"""The processes trucesim runs in: malloc settings (sim/processes.py) and the worker pool."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from sim import cli, processes

ENV_NAMES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
             "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES")

# The model's kind of arithmetic on 4.8 MB arrays (100,000 worlds x 2 parties x 3 issues),
# repeated: the minor page faults it takes in a fresh process that has imported sim (imports
# move glibc's adaptive thresholds; at this size they no longer cover the temporaries).
FAULTS = textwrap.dedent("""
    import resource, sys
    import numpy as np
    import sim
    from sim.processes import keep_freed_memory
    if sys.argv[1] == "keep":
        assert keep_freed_memory()
    x = np.ones((100_000, 2, 3))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(50):
        y = (x * 2.0 + x) * (x - 1.0) + x[:, :1, :] * x
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def _faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", FAULTS, mode], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_keeping_freed_memory_stops_the_page_faults_of_repeated_temporaries(clean_env):
    # glibc's defaults: the passes hand memory back and fault it in again (20,242 faults over
    # 50 passes on this machine, the same count run after run); kept, about the first passes'
    # growth of the heap (1,472). The bounds leave a factor of 4 and of 3 either side.
    default, kept = _faults("default"), _faults("keep")
    assert default > 5_000
    assert kept < default / 4


def test_settings_in_the_environment_win(monkeypatch, clean_env):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert processes.user_settings()
    assert processes.keep_freed_memory() is False
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")
    assert processes.keep_freed_memory() is False
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0")  # not a malloc setting
    assert not processes.user_settings()


def _applied_in_worker(_: int) -> bool:
    return processes.applied()


def test_pool_workers_keep_freed_memory(clean_env):
    with processes.process_pool(2) as pool:
        assert list(pool.map(_applied_in_worker, range(4))) == [True] * 4


def _square_or_fail(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_map_gives_every_result_with_its_item_index(workers, clean_env):
    got = dict(processes.pool_map(_square_or_fail, [3, 1, 2], workers))
    assert got == {0: 9, 1: 1, 2: 4}


def test_pool_map_runs_in_order_here_with_one_worker():
    assert list(processes.pool_map(_square_or_fail, [2, 0, 5], 1)) == [(0, 4), (1, 0), (2, 25)]


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_map_raises_the_error_of_a_call(workers, clean_env):
    with pytest.raises(ValueError, match="negative: -1"):
        list(processes.pool_map(_square_or_fail, [1, -1, 2], workers))


def test_the_command_line_keeps_freed_memory(monkeypatch):
    calls = []
    monkeypatch.setattr(processes, "keep_freed_memory", lambda: calls.append(1) or True)
    monkeypatch.setattr(sys, "argv", ["trucesim", "--help"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 0 and calls == [1]


def test_a_pool_worker_ends_quietly_on_ctrl_c(capfd, clean_env):
    """Between two tasks a worker waits for the next; a KeyboardInterrupt there used to print a
    traceback under the sweep's one-line Ctrl-C message."""
    with processes.process_pool(1) as pool:
        pid = pool.submit(os.getpid).result()
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(pid)
    assert "Traceback" not in capfd.readouterr().err


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_pool_worker_given_ctrl_c_while_it_starts_ends_quietly_once_started(capfd, clean_env):
    """A worker receives Ctrl-C while it imports the package (its first second): no traceback
    (SIGINT is blocked until its handler is in place), and the Ctrl-C is kept, not discarded:
    the worker ends as it would between two tasks (it used to ignore it and run its task)."""
    with pytest.raises(BrokenProcessPool), processes.process_pool(1) as pool:
        future = pool.submit(os.getpid)
        (worker,) = pool._processes.values()  # started by submit, still starting
        os.kill(worker.pid, signal.SIGINT)
        future.result(timeout=60)
    worker.join(timeout=60)
    assert worker.exitcode == 128 + signal.SIGINT
    assert "Traceback" not in capfd.readouterr().err


def _ctrl_c_while_starting_a_worker(monkeypatch, send) -> list:
    """Make each worker start send a SIGINT (``send()``) once the process exists, before the
    pool records it: the window in which the pool starts its workers. Returns the workers."""
    process = multiprocessing.get_context(processes.start_method()).Process
    started, start = [], process.start

    def start_then_ctrl_c(worker):
        start(worker)
        started.append(worker)
        send()
    monkeypatch.setattr(process, "start", start_then_ctrl_c)
    return started


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_ctrl_c_while_the_pool_starts_a_worker_is_raised_not_discarded(monkeypatch, clean_env,
                                                                      ctrl_c_raises, method):
    """SIGINT used to be ignored while the pool started a worker, so a Ctrl-C then was lost and
    the work went on; it is held back, raised once the worker is started and recorded, and the
    pool then ends every worker it started (a spawning pool starts one worker at the first
    task, a forking one all of them)."""
    monkeypatch.setenv("TRUCESIM_START_METHOD", method)
    started = _ctrl_c_while_starting_a_worker(
        monkeypatch, lambda: os.kill(os.getpid(), signal.SIGINT))
    with pytest.raises(KeyboardInterrupt):
        list(processes.pool_map(abs, [-1, -2], 2))
    assert len(started) == (2 if method == "fork" else 1)
    assert all(worker.exitcode is not None for worker in started)  # ended, not left running


def test_workers_fork_only_where_no_other_thread_runs(monkeypatch):
    """A forked child inherits any lock another thread holds at that instant, held for ever;
    so a process that runs another thread spawns its workers."""
    monkeypatch.delenv("TRUCESIM_START_METHOD", raising=False)
    alone = processes.start_method()
    assert alone == ("fork" if sys.platform.startswith("linux") else "spawn")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert processes.start_method() == "spawn"
    finally:
        release.set()
        other.join()
    monkeypatch.setenv("TRUCESIM_START_METHOD", "spawn")
    assert processes.start_method() == "spawn"


def test_a_worker_ended_by_ctrl_c_is_a_ctrl_c_for_the_caller(clean_env):
    """Ctrl-C reaches the workers too; one that ends on it first broke the pool, and the caller
    got BrokenProcessPool (an internal error) instead of its Ctrl-C (seen under load)."""
    with pytest.raises(KeyboardInterrupt):
        list(processes.pool_map(signal.raise_signal, [signal.SIGINT] * 2, 2))


def test_workers_run_their_tasks_with_ctrl_c_unblocked(clean_env):
    """The pool blocks SIGINT while it starts a worker, which inherits the mask (through spawn's
    fork and exec) and unblocks it once its handler is in place; the caller's mask is as it was
    (that the worker had it blocked while starting: the test of Ctrl-C while it starts)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with processes.process_pool(1) as pool:
        blocked = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, []).result(timeout=60)
    assert signal.SIGINT not in blocked
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before


def test_submitting_leaves_the_callers_ctrl_c_handler_as_it_was(clean_env):
    before = signal.getsignal(signal.SIGINT)
    with processes.process_pool(1) as pool:
        assert pool.submit(abs, -3).result(timeout=60) == 3
    assert signal.getsignal(signal.SIGINT) is before


def test_the_command_lines_progress_bar_draws_without_a_thread_of_its_own():
    """Rich's bars redraw from a thread of their own, which would make a command's workers
    spawn (seconds each) instead of fork; the command line's bar is drawn at each advance."""
    import io

    from rich.console import Console

    from sim.cli.common import Bar

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    with Bar(console=console) as bar:
        task = bar.add_task("simulating", total=4)
        assert threading.active_count() == 1  # so workers may fork
        drawn = len(screen.getvalue())
        bar.advance(task, 1)
        assert len(screen.getvalue()) > drawn  # redrawn by the advance itself


ORPHANS = """
import os, sys, time
from sim import processes
from sim.lock import StoreLock

def wait(seconds):
    time.sleep(seconds)
    return seconds

if __name__ == "__main__":
    lock = StoreLock(sys.argv[1]).acquire()
    for _, seconds in processes.pool_map(wait, [0.1, 600, 600, 600], 2):
        print(seconds, flush=True)
"""


def _children(pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True,
                           check=False)
    return {int(line) for line in found.stdout.split()}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_end_with_their_parent_killed_with_kill_9(tmp_path, method):
    """A forked worker holds a copy of the task pipe's writing end, so it never saw its parent
    die and waited for a task for ever, holding a copy of the store's lock (found by killing a
    compare); now the kernel ends every worker with its parent, and the lock is left stale."""
    script = tmp_path / "orphans.py"
    script.write_text(ORPHANS)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "store")],
                            env={**os.environ, "TRUCESIM_START_METHOD": method},
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "0.1"  # a worker ran a task
        deadline = time.monotonic() + 120
        while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 30  # the kernel's signal is immediate; slack for a busy host
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
    from sim.lock import StoreLock

    with StoreLock(tmp_path / "store") as lock:  # nobody holds it: taken over
        assert lock.stale is not None and lock.stale["pid"] == proc.pid


def _open_files(_: int) -> list[str]:
    fds = Path("/proc/self/fd")
    return [os.path.realpath(fd) for fd in fds.iterdir()] if fds.is_dir() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
def test_a_forked_worker_does_not_keep_a_copy_of_the_store_lock(tmp_path, monkeypatch):
    from sim.lock import LOCK_NAME, StoreLock

    monkeypatch.setenv("TRUCESIM_START_METHOD", "fork")
    with StoreLock(tmp_path) as lock, processes.process_pool(1) as pool:
        assert str(lock.path.resolve()) in _open_files(0)  # the check sees the holder's copy
        assert str((tmp_path / LOCK_NAME).resolve()) not in pool.submit(_open_files, 0).result()
