"""The date of a breakdown (sim.rules.breakdown): the onset of the fighting that ended it."""

from __future__ import annotations

import numpy as np

from sim.rules.breakdown import onset_day
from sim.runner import run
from tests.test_model import make_scripted


def ring_of(violent_days: list[int], day: int, window: int = 14, worlds: int = 2) -> np.ndarray:
    """The collapse window's ring on ``day`` (world 1 holds the days, world 0 stays quiet)."""
    ring = np.zeros((window, worlds), dtype=np.bool_)
    for d in violent_days:
        if day - window < d <= day:
            ring[d % window, 1] = True
    return ring


def test_onset_is_the_first_violent_day_of_the_window():
    assert onset_day(ring_of([20, 21, 23, 25], 25), 1, 25) == 20


def test_violence_before_the_window_is_not_the_onset():
    # day 5 is outside the 14 days ending on day 25 (days 12-25)
    assert onset_day(ring_of([5, 12, 13], 25), 1, 25) == 12


def test_days_before_day_zero_are_quiet():
    assert onset_day(ring_of([0, 1, 2], 3), 1, 3) == 0


def test_no_violence_in_the_window_dates_it_today():
    assert onset_day(ring_of([], 9), 0, 9) == 9


def test_a_scripted_breakdown_is_dated_when_its_fighting_began():
    """North violates once on day 2 (south, tit for tat, answers on day 3), then both fight
    from day 20: the window of 14 days confirms it on day 29, and the breakdown dates from
    day 20, not from day 2 (outside the confirming window) nor day 29."""
    events = [(2, "north", "violate")] + [(d, "north", "violate") for d in range(20, 40)]
    worlds = run(make_scripted(*events, south="tit_for_tat", horizon=60), worlds=20,
                 seed=3).worlds
    assert (worlds["day_collapse"] == 20).all()
    assert (worlds["day_collapse_confirmed"] == 29).all()
    assert (worlds["survival_days"] == 20).all()
