"""Ctrl-C (SIGINT) in the processes trucesim owns: held back, never discarded; never lost.

Python turns SIGINT into a KeyboardInterrupt raised in whatever Python code runs next. Two
windows lost it:

- While the process pool starts a worker, SIGINT used to be ignored (so that the worker would
  inherit that and print no traceback while it imports the package); a Ctrl-C then was dropped.
  :func:`sigint_held` blocks it instead: it stays pending and is raised when the block ends.
- When the code that runs next is a finaliser (``__del__``), a weakref callback or a ctypes
  callback, the KeyboardInterrupt cannot propagate: Python prints "Exception ignored" and goes
  on. While numba compiles the compiled day (40-70 s of CPU with a cold cache), LLVM generates
  machine code in C++ and then calls llvmlite's ctypes callback
  ``ExecutionEngine._raw_object_cache_notify``, the first Python code to run after a Ctrl-C
  that came meanwhile; a sweep interrupted then went on to its last part. :func:`ctrl_c_kept`
  remembers every SIGINT, silences the "ignored" report of its KeyboardInterrupt, and
  :func:`check_ctrl_c` raises it again at the next checkpoint (every simulated day of a batch,
  and between parts or batches).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_SIGMASK = hasattr(signal, "pthread_sigmask")  # POSIX; elsewhere only the stand-in handler
_seen = False  # a Ctrl-C came while ctrl_c_kept was on


@contextmanager
def sigint_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back for the block, then deliver it: delayed, never discarded.

    SIGINT is blocked in the calling thread, so processes and threads started in the block
    inherit it blocked (a pool worker unblocks it once its own handler is in place). In the
    main thread, a SIGINT that the kernel hands to another thread meanwhile is remembered by a
    stand-in handler and raised again, to the handler that was in place, when the block ends.
    Elsewhere, Python runs SIGINT's handler in the main thread anyway.
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


def unblock_sigint() -> None:
    """Unblock SIGINT in this thread (a process started inside :func:`sigint_held`, once its
    handler is in place): a Ctrl-C held back since it started is handled now."""
    if _SIGMASK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def ctrl_c_kept() -> Iterator[None]:
    """Remember Ctrl-C for the block, so that one swallowed as "Exception ignored" still stops
    the work at the next :func:`check_ctrl_c` (see the module docstring).

    SIGINT still raises KeyboardInterrupt at once. Only where Python's default handler is in
    place (a program run in the background, or under ``nohup``, ignores SIGINT: left so) and
    only in the main thread; elsewhere nothing changes.
    """
    global _seen
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    hook, _seen = sys.unraisablehook, False
    signal.signal(signal.SIGINT, _remember)
    sys.unraisablehook = lambda args: _unraisable(args, hook)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.unraisablehook, _seen = hook, False


def check_ctrl_c() -> None:
    """A checkpoint: raise KeyboardInterrupt if a Ctrl-C came (and was swallowed).

    Raises:
        KeyboardInterrupt: a Ctrl-C came inside :func:`ctrl_c_kept`.
    """
    if _seen:
        raise KeyboardInterrupt


def ctrl_c_seen() -> bool:
    """Whether a Ctrl-C came inside :func:`ctrl_c_kept` (an error after it is its doing)."""
    return _seen


def _remember(signum: int, frame) -> None:
    global _seen
    _seen = True
    raise KeyboardInterrupt


def _unraisable(args, hook) -> None:
    if not (_seen and issubclass(args.exc_type, KeyboardInterrupt)):
        hook(args)  # a KeyboardInterrupt swallowed there is raised at the next checkpoint
