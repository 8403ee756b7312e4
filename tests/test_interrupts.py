"""Ctrl-C held back, never discarded, never lost (sim/interrupts.py)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

import pytest

from sim import calibrate, interrupts, processes, runner
from sim.scenario import load
from tests.sweep_factories import ROOT


@pytest.fixture
def unraisable(monkeypatch) -> list:
    """The exceptions Python reports as "Exception ignored" (sys.unraisablehook), by type."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda args: seen.append(args.exc_type))
    return seen


def test_a_held_ctrl_c_handled_meanwhile_is_raised_when_the_hold_ends(ctrl_c_raises):
    """A SIGINT that the kernel gives a thread not blocking it (here this one, unblocked for a
    moment) is remembered, not acted on inside the hold, and raised to the caller at its end."""
    after = []
    with pytest.raises(KeyboardInterrupt), interrupts.sigint_held():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        os.kill(os.getpid(), signal.SIGINT)
        after.append("went on")
    assert after == ["went on"]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_a_held_ctrl_c_pending_at_the_end_goes_to_the_callers_handler(ctrl_c_raises):
    seen = []
    signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    with interrupts.sigint_held():
        signal.raise_signal(signal.SIGINT)  # to this thread, which blocks it: pending
        assert seen == []
    assert seen == [signal.SIGINT]


def _ctrl_c_in_a_ctypes_callback() -> None:
    """Ctrl-C while C code runs that then calls back into Python, as LLVM calls llvmlite's
    ``_raw_object_cache_notify`` while numba compiles: the KeyboardInterrupt is raised in the
    callback, where ctypes can only report it as "Exception ignored"."""
    ctypes.CFUNCTYPE(None)(lambda: signal.raise_signal(signal.SIGINT))()


class _CtrlCInAFinaliser:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)  # handled here, in __del__: "Exception ignored"


def _finalise_during_ctrl_c() -> None:
    _CtrlCInAFinaliser()


@pytest.mark.parametrize("swallow", [_ctrl_c_in_a_ctypes_callback, _finalise_during_ctrl_c])
def test_without_ctrl_c_kept_python_swallows_these(swallow, ctrl_c_raises, unraisable):
    """What the sweep met: the Ctrl-C is reported as ignored and the work goes on."""
    swallow()
    assert unraisable == [KeyboardInterrupt]


@pytest.mark.parametrize("swallow", [_ctrl_c_in_a_ctypes_callback, _finalise_during_ctrl_c])
def test_a_swallowed_ctrl_c_is_raised_at_the_next_checkpoint(swallow, ctrl_c_raises,
                                                             unraisable):
    with interrupts.ctrl_c_kept():
        swallow()
        assert interrupts.ctrl_c_seen()
        with pytest.raises(KeyboardInterrupt):
            interrupts.check_ctrl_c()
    assert unraisable == []  # not reported as "Exception ignored": it is not ignored
    assert not interrupts.ctrl_c_seen()  # forgotten once the block ends
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _part(item: int) -> int:
    if item == 0:
        _ctrl_c_in_a_ctypes_callback()
    return item


def test_serial_pool_map_stops_after_the_call_that_swallowed_ctrl_c(ctrl_c_raises):
    done = []
    with interrupts.ctrl_c_kept(), pytest.raises(KeyboardInterrupt):
        for i, _ in processes.pool_map(_part, [0, 1, 2], 1):
            done.append(i)
    assert done == [0]  # the call in progress finished and was given; no other started


def test_an_error_after_a_swallowed_ctrl_c_is_that_ctrl_c(ctrl_c_raises):
    """A Ctrl-C swallowed inside numba's compile can leave it half done and raise an error."""
    def broken(item):
        _ctrl_c_in_a_ctypes_callback()
        raise RuntimeError("object compilation notification for unknown module")
    with interrupts.ctrl_c_kept(), pytest.raises(KeyboardInterrupt):
        list(processes.pool_map(broken, [0], 1))


def test_ctrl_c_kept_leaves_sigint_ignored_alone():
    """A program run in the background or under nohup ignores SIGINT; it stays so."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts.ctrl_c_kept():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_batch_of_worlds_checks_for_ctrl_c_every_day(ctrl_c_raises, monkeypatch):
    days = []

    def step(model):  # a day that only counts itself
        days.append(model.day)
        model.day += 1
        model.running = model.day < 3
    monkeypatch.setattr(runner.TruceModel, "step", step)
    scn = load(ROOT / "scenarios" / "syria_2016.yaml")
    with interrupts.ctrl_c_kept():
        runner.run_batch(scn, "baseline", 1, 3, 0, 2)  # three (counted) days, no Ctrl-C
        assert days == [0, 1, 2]
        _ctrl_c_in_a_ctypes_callback()
        with pytest.raises(KeyboardInterrupt):
            runner.run_batch(scn, "baseline", 1, 3, 0, 2)
    assert len(days) == 3  # stopped before its first day


def test_calibration_checks_for_ctrl_c_before_each_batch(ctrl_c_raises):
    with interrupts.ctrl_c_kept():
        _ctrl_c_in_a_ctypes_callback()
        with pytest.raises(KeyboardInterrupt):
            calibrate.simulate(None, [], None, 0, [], None)  # stops before reading its arguments
