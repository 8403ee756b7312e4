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
from contextlib import contextmanager

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
    """A pool of ``workers`` fresh processes ("spawn": no fork, since the caller may run
    threads) that keep freed memory and end quietly on Ctrl-C."""
    return _Pool(workers, mp_context=multiprocessing.get_context("spawn"),
                 initializer=_start_worker)


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
    """
    workers = min(workers or os.cpu_count() or 1, len(items))
    if workers <= 1:
        for i, item in enumerate(items):
            yield i, fn(item)
        return
    with process_pool(workers) as pool:
        index = {pool.submit(fn, item): i for i, item in enumerate(items)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield index[future], future.result()


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

    def submit(self, fn, /, *args, **kwargs):
        with sigint_held():  # workers are started here; they inherit the blocked signal mask
            return super().submit(fn, *args, **kwargs)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for process in list(self._processes.values()):
                process.terminate()
        self.shutdown(wait=True, cancel_futures=exc_type is not None)
        return False


@contextmanager
def sigint_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back for the block, then deliver it: delayed, never discarded.

    SIGINT is blocked in the calling thread, so processes and threads started in the block
    inherit it blocked (a worker unblocks it in :func:`_start_worker`, once its own handler is
    in place). In the main thread, a SIGINT that the kernel hands to another thread meanwhile
    is remembered by a stand-in handler and raised again, to the handler that was in place,
    when the block ends. Elsewhere, Python runs SIGINT's handler in the main thread anyway.
    """
    remembered: list[int] = []
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if in_main else None
    if previous is not None:  # None: a handler installed outside Python, left alone
        signal.signal(signal.SIGINT, lambda signum, frame: remembered.append(signum))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _SIGMASK else None
    try:
        yield
    finally:
        if mask is not None:  # a SIGINT pending here is handled now, by the stand-in
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
            if remembered:
                signal.raise_signal(signal.SIGINT)  # to the caller's handler, as if just sent


_SIGMASK = hasattr(signal, "pthread_sigmask")  # POSIX; elsewhere only the stand-in handler


def _start_worker() -> None:
    keep_freed_memory()
    signal.signal(signal.SIGINT, _end)
    if _SIGMASK:  # blocked since the process started (sigint_held); one held back ends it now
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _end(signum: int, frame) -> None:
    os._exit(128 + signum)
