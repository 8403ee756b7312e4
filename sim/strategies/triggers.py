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

from sim.interventions_schema import Metric
from sim.state import TruceStatus

NEVER = np.iinfo(np.int32).max


def metrics(state) -> dict[Metric, np.ndarray]:
    """Yesterday's observed figures per world."""
    return {
        Metric.VIOLATIONS_7D: state.count7,
        Metric.TRUST_BELOW: state.mean_trust_all,
        Metric.WALKOUT: (~state.in_talks).any(axis=1),
        Metric.IN_TROUBLE: state.status == TruceStatus.IN_TROUBLE,
    }


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


class Activations:
    """Activation state of K interventions in W worlds (a trigger's numbers may be per world,
    (W,) arrays, where worlds of several parameter sets share a batch: sim.ensemble_block)."""

    def __init__(self, interventions: list, n: int, horizon: int):
        k = len(interventions)
        self.ivs = interventions
        self.active = np.zeros((k, n), dtype=bool)
        self.until = np.full((k, n), -1, dtype=np.int64)
        self.next_allowed = np.zeros((k, n), dtype=np.int64)
        self.uses = np.zeros((k, n), dtype=np.int64)
        self.horizon = horizon

    def step(self, day: int, figures: dict, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Advance to ``day``: returns (fired today, active today), each (K, W) bool."""
        fired = np.zeros_like(self.active)
        for k, iv in enumerate(self.ivs):
            t = iv.trigger
            last = t.until_day if t.until_day is not None else NEVER
            ending = self.active[k] & (day > self.until[k])
            self.active[k] &= ~ending
            self.next_allowed[k] = np.where(ending, day + t.cooldown_days, self.next_allowed[k])
            budget = t.budget if t.budget is not None else NEVER
            fire = (alive & ~self.active[k] & (day >= self.next_allowed[k])
                    & (self.uses[k] < budget) & (t.from_day <= day) & (day <= last)
                    & condition(t.when, t.threshold, figures))
            end = day + iv.duration_days - 1 if iv.duration_days is not None else last
            self.until[k] = np.where(fire, np.minimum(end, last), self.until[k])
            self.active[k] |= fire
            self.uses[k] += fire
            fired[k] = fire
        return fired, self.active.copy()
