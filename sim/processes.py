"""The processes trucesim runs in: malloc settings for them, and the worker pool.

A day of the batched model allocates and frees a few hundred temporary arrays of 0.1 to 5 MB.
glibc's malloc hands freed memory back to the system once the free space at the top of its heap
passes a threshold (and serves large blocks with mmap, unmapped when freed), so the next day's
arrays are page-faulted in and zeroed by the kernel afresh: about 60,000 minor page faults per
10,000-world run of the Syria scenario. Raising the two thresholds keeps that memory in the
process for reuse: no faults after the first day, about 8% less time, a peak memory at most
64 MiB higher (measured in docs/performance.md).

This is applied only to processes trucesim owns: the command line and the worker processes
that the runner and the sweep executors start (Dask's LocalCluster workers get the same settings
through their environment). Importing :mod:`sim` never changes the allocator of the importing
program, which may call :func:`keep_freed_memory` itself. Settings already made in the
environment (``MALLOC_*_`` variables or ``glibc.malloc`` tunables) win; on a C library other
than glibc nothing is done.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from sim.interrupts import check_ctrl_c, ctrl_c_seen, sigint_held, unblock_sigint

MMAP_THRESHOLD = 32 << 20  # blocks up to 32 MiB come from the heap (glibc's own ceiling)
TRIM_THRESHOLD = 64 << 20  # up to 64 MiB of freed memory is kept for reuse

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h
_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_")

_applied = False


def environ() -> dict[str, str]:
    """The same settings as environment variables, for processes started by another program."""
    return {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
            "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD)}


def user_settings() -> bool:
    """Whether the environment already sets glibc's malloc thresholds."""
    return (any(name in os.environ for name in _ENV)
            or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""))


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds in this process (see the module docstring).
    Returns whether they were set: False off glibc or when the environment sets them."""
    global _applied
    if not sys.platform.startswith("linux") or user_settings():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    _applied = (mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    return _applied


def applied() -> bool:
    """Whether :func:`keep_freed_memory` has set the thresholds in this process."""
    return _applied


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that keep freed memory and end quietly on Ctrl-C,
    started as :func:`start_method` says."""
    return _Pool(workers, mp_context=multiprocessing.get_context(start_method()),
                 initializer=_start_worker, initargs=(os.getpid(),))


def start_method() -> str:
    """How workers start: "fork" on Linux when this process runs no other thread, else "spawn".

    A forked worker starts in milliseconds with the package imported and the compiled day
    loaded, as this process has them; a spawned one imports the package and loads numba's
    cache afresh (about 2.9 CPU s, docs/performance.md). Forking is safe only where no other
    thread can hold a lock at that instant (the child would inherit it held), hence the
    condition; the command line's progress bars have no thread of their own for that reason
    (:class:`sim.cli.common.Bar`). ``TRUCESIM_START_METHOD`` ("fork" or "spawn") overrides.
    Results do not depend on it: a world's numbers depend on its seed and index only.
    """
    chosen = os.environ.get("TRUCESIM_START_METHOD", "")
    if chosen in ("fork", "spawn"):
        return chosen
    forkable = (sys.platform.startswith("linux")
                and "fork" in multiprocessing.get_all_start_methods())
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def pool_map(fn: Callable, items: Sequence, workers: int | None) -> Iterator[tuple[int, object]]:
    """Call ``fn`` on every item; yield ``(index of the item, result)`` as each call finishes.

    Comparisons (:mod:`sim.runner`) and local sweeps (:mod:`sim.sweep.executors`) run their
    batches and parts through this one loop.

    Args:
        fn: a module-level function of one item (it is sent to other processes).
        items: the items, each sent to a worker as it is.
        workers: processes (0 or None: one per core); never more than there are items. With
            one, the calls run here, in order, with no pool.

    Raises:
        Exception: the first exception a call raises, as soon as it arrives; leaving the loop
            (that error, Ctrl-C, the caller closing the generator) ends the workers.
        KeyboardInterrupt: Ctrl-C, here or in a worker (one that ends on it breaks the pool).
    """
    workers = min(workers or os.cpu_count() or 1, len(items))
    if workers <= 1:
        for i, item in enumerate(items):
            check_ctrl_c()  # a Ctrl-C swallowed in the last call (sim/interrupts.py)
            yield i, _call(fn, item)
        return
    with process_pool(workers) as pool:
        index = {pool.submit(fn, item): i for i, item in enumerate(items)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield index[future], _result(future, pool)
            check_ctrl_c()


def _call(fn: Callable, item):
    """``fn(item)``; an error after a Ctrl-C was swallowed (say, a compile it cut short) is
    reported as that Ctrl-C."""
    try:
        return fn(item)
    except Exception:
        if ctrl_c_seen():
            raise KeyboardInterrupt from None
        raise


def _result(future, pool: _Pool):
    """A finished call's result; a pool broken by a worker's Ctrl-C is a Ctrl-C here too (the
    worker's SIGINT can end it before this process's SIGINT is raised in the waiting thread)."""
    try:
        return future.result()
    except BrokenProcessPool:
        if pool.ended_by_ctrl_c():
            raise KeyboardInterrupt from None
        raise


class _Pool(ProcessPoolExecutor):
    """Ctrl-C in a terminal sends SIGINT to the whole process group, workers included. A worker
    still importing the package would print a traceback (KeyboardInterrupt), one between two
    tasks too; instead it starts with SIGINT blocked (held pending, not discarded), and its
    initializer makes SIGINT end it at once and quietly, then unblocks it: a Ctrl-C that came
    while it started ends it then. The parent, interrupted, ends the pool's workers and says
    what happened; a Ctrl-C that comes while it starts a worker is held until the worker is
    started and recorded (:func:`sigint_held`), then raised.

    Leaving a ``with`` block by an exception (Ctrl-C, an error, a generator closed early) ends
    the workers instead of waiting for their tasks, whose results nobody would take."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started: dict[int, multiprocessing.process.BaseProcess] = {}

    def submit(self, fn, /, *args, **kwargs):
        with sigint_held():  # workers are started here; they inherit the blocked signal mask
            future = super().submit(fn, *args, **kwargs)
            self.started.update(self._processes)
            return future

    def ended_by_ctrl_c(self, timeout: float = 5.0) -> bool:
        """Whether a worker of this pool ended on SIGINT (by :func:`_end`). A broken pool ends
        its other workers, so waiting for each (at most ``timeout`` s) costs nothing."""
        for process in self.started.values():
            process.join(timeout)
        return any(p.exitcode == 128 + signal.SIGINT for p in self.started.values())

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for process in list(self._processes.values()):
                process.terminate()
        self.shutdown(wait=True, cancel_futures=exc_type is not None)
        return False


def _start_worker(parent: int) -> None:
    _end_with(parent)
    keep_freed_memory()
    signal.signal(signal.SIGINT, _end)
    unblock_sigint()  # blocked since the process started (sigint_held): one held back ends it


def _end(signum: int, frame) -> None:
    os._exit(128 + signum)


_PR_SET_PDEATHSIG = 1  # prctl option, from linux/prctl.h


def _end_with(parent: int) -> None:
    """Have the kernel end this worker when the process that started it ends (Linux).

    A spawned worker notices its parent's death by itself (the pipe it reads tasks from
    closes); a forked one holds a copy of that pipe's other end too, so it would wait for its
    next task for ever, an orphan (and holding a copy of any store lock). Here the kernel sends
    it SIGKILL when its parent ends, however it ends (``kill -9`` included)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not glibc
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)
