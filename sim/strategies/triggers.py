"""Triggers: when each intervention is active, per world.

An activation starts on a day in [from_day, until_day] when the intervention is inactive, the
cooldown since its last activation ended has passed, its budget is not spent, the truce has not
collapsed, and the condition (if any) holds on yesterday's state:
    violations_7d:  party violations in the last 7 days >= threshold
    trust_below:    mean trust between the parties < threshold
    walkout:        some party is away from the talks
    in_trouble:     the truce is in trouble
It lasts duration_days (absent: to until_day, or to the horizon).
"""

from __future__ import annotations

import numpy as np

from sim.arrays import all_along
from sim.interventions_schema import Metric
from sim.state import TruceStatus

NEVER = np.iinfo(np.int32).max


def metrics(state, wanted=None) -> dict[Metric, np.ndarray]:
    """Yesterday's observed figures per world: those in ``wanted`` (default: all). A strategy
    asks only for the figures its triggers read: each costs a pass over the worlds a day."""
    figures = {
        Metric.VIOLATIONS_7D: lambda: state.count7,
        Metric.TRUST_BELOW: lambda: state.mean_trust_all,
        Metric.WALKOUT: lambda: ~all_along(state.in_talks, 1),
        Metric.IN_TROUBLE: lambda: state.status == TruceStatus.IN_TROUBLE,
    }
    return {m: figure() for m, figure in figures.items() if wanted is None or m in wanted}


def condition(metric: Metric | None, threshold: float, figures: dict) -> np.ndarray | bool:
    """Per world, whether a trigger holds: its metric past the threshold, or its flag; else True."""
    if metric is None:
        return True
    value = figures[metric]
    if metric is Metric.VIOLATIONS_7D:
        return value >= threshold
    if metric is Metric.TRUST_BELOW:
        return value < threshold
    return value


def _scalar(x) -> bool:
    return not isinstance(x, np.ndarray)


class Activations:
    """Activation state of K interventions in W worlds (a trigger's numbers may be per world,
    (W,) arrays, where worlds of several parameter sets share a batch: sim.ensemble_block).

    Besides the per-world arrays it keeps, per intervention, two numbers that let a day skip
    work whose outcome is known (the arrays come out the same): ``ends_after``, the earliest
    last day of a running activation (none ends before the day after it), and
    ``allowed_from``, the latest end of a cooldown (from then on no cooldown holds a world).
    """

    def __init__(self, interventions: list, n: int, horizon: int):
        k = len(interventions)
        self.ivs = interventions
        self.active = np.zeros((k, n), dtype=bool)
        self.until = np.full((k, n), -1, dtype=np.int64)
        self.next_allowed = np.zeros((k, n), dtype=np.int64)
        self.uses = np.zeros((k, n), dtype=np.int64)
        self.horizon = horizon
        self.ends_after = [NEVER] * k  # no activation is running
        self.allowed_from = [0] * k

    def extended(self, interventions: list) -> Activations:
        """These activations followed by more interventions, not yet active (play mode adds
        one to a running model)."""
        out = Activations(interventions, self.active.shape[1], self.horizon)
        k = len(self.ivs)
        for name in ("active", "until", "next_allowed", "uses"):
            getattr(out, name)[:k] = getattr(self, name)
        out.ends_after[:k], out.allowed_from[:k] = self.ends_after, self.allowed_from
        return out

    def step(self, day: int, figures: dict, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Advance to ``day``: returns (fired today, active today), each (K, W) bool."""
        fired = np.zeros_like(self.active)
        for k, iv in enumerate(self.ivs):
            t = iv.trigger
            last = t.until_day if t.until_day is not None else NEVER
            ends = day > self.ends_after[k]  # then some activation ends today
            if ends:
                self._end(k, day, t.cooldown_days)
            fire = self._firing(k, t, day, last, figures, alive)
            starts = fire is not None and bool(fire.any())
            if starts:
                self._start(k, iv, fire, day, last)
                fired[k] = fire
            if ends or starts:
                self.ends_after[k] = int(np.where(self.active[k], self.until[k], NEVER).min())
        return fired, self.active.copy()

    def _end(self, k: int, day: int, cooldown) -> None:
        """Activations past their last day end; their cooldown starts."""
        ending = self.active[k] & (day > self.until[k])
        self.active[k] &= ~ending
        self.next_allowed[k] = np.where(ending, day + cooldown, self.next_allowed[k])
        self.allowed_from[k] = int(self.next_allowed[k].max(initial=0))

    def _start(self, k: int, iv, fire: np.ndarray, day: int, last) -> None:
        """Activations start where ``fire``, to run until their duration or window ends."""
        end = day + iv.duration_days - 1 if iv.duration_days is not None else last
        self.until[k] = np.where(fire, np.minimum(end, last), self.until[k])
        self.active[k] |= fire
        self.uses[k] += fire

    def _firing(self, k: int, t, day: int, last, figures: dict, alive: np.ndarray):
        """Worlds where intervention ``k`` fires today (None: none can). Terms known to hold in
        every world are left out (a budget never set, a cooldown over everywhere, no condition)."""
        if _scalar(t.from_day) and day < t.from_day or _scalar(last) and day > last:
            return None  # outside its window
        if self.active[k].all():
            return None
        fire = alive & ~self.active[k]
        if day < self.allowed_from[k]:
            fire &= day >= self.next_allowed[k]
        if t.budget is not None:
            fire &= self.uses[k] < t.budget
        if not _scalar(t.from_day) or not _scalar(last):
            fire &= (t.from_day <= day) & (day <= last)
        if t.when is not None:
            fire &= condition(t.when, t.threshold, figures)
        return fire
