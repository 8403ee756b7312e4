"""Proper scoring rules for a predicted time to breakdown, and the null survival models (issue 20).

A forecast is a survival curve on whole days, ``S[t] = P(T > t)`` for ``t = 0 .. L - 1``, where
``T`` is the day the truce broke down. The record gives the outcome as ``held_at_day`` (true,
false or unknown at days 7, 30, 90 and 365) and as a breakdown day or a censoring day. Lower
is better for all three rules:

- **Brier score** at day d (Brier 1950): ``(S[d] - y_d)^2``, ``y_d`` 1 when the truce still held
  on day d; a case's Brier score is the mean over the days the record can speak for.
- **Log score** (Good 1952): ``-ln P(a < T <= b)``, where ``(a, b]`` is the interval the known
  ``held_at_day`` answers pin T to (a the last day it held, b the first day it no longer did;
  0 and infinity when none). The probability is floored at :data:`FLOOR` so that one
  impossible outcome costs at most ``-ln 0.01 = 4.6`` nats, for every forecaster alike.
- **CRPS** of the breakdown day (Matheson & Winkler 1976; Gneiting & Raftery 2007):
  ``sum_{t=0}^{L-1} (F(t) - 1{y <= t})^2`` with ``F = 1 - S`` the forecast's CDF of
  ``min(T, L)`` and ``y = min(T_observed, L)``, in days. For whole-day T and y this sum is the
  integral of the continuous CRPS exactly; a point mass at x scores ``|x - y|``. ``L`` is the
  case's horizon, cut at its censoring day when the record stops earlier, so a censored case is
  scored on what the record knows.

Nulls: :func:`kaplan_meier` of the training cases' observed days (breakdowns as events,
holding and expired truces censored) -- all of them (the base rate), or those of the held-out
case's design class (the codebook's ``design.class``).
"""

from __future__ import annotations

import math

import numpy as np

FLOOR = 0.01  # least probability a log score charges (see the module docstring)


def survival_from_days(t: np.ndarray, collapsed: np.ndarray, length: int) -> np.ndarray:
    """(length,) ``S[d] = P(T > d)`` of simulated worlds (a world that never collapsed
    survives every day it ran)."""
    days = np.arange(length)
    return (((t[:, None] > days) | ~collapsed[:, None]).mean(axis=0)
            if len(t) else np.full(length, math.nan))


def kaplan_meier(durations: np.ndarray, events: np.ndarray, length: int) -> np.ndarray:
    """(length,) the Kaplan-Meier estimate of ``S[d] = P(T > d)`` from observed days
    (``events`` True for a breakdown on that day, False for a truce still holding then)."""
    s, out = 1.0, np.empty(length)
    for d in range(length):
        at_risk = int((durations >= d).sum())
        died = int(((durations == d) & events).sum())
        s *= 1.0 - died / at_risk if at_risk else 1.0
        out[d] = s
    return out


def brier(survival: float, held: bool) -> float:
    """Brier score of the forecast ``P(held) = survival`` for the answer ``held``."""
    return (survival - float(held)) ** 2


def outcome_interval(held_at_day: dict[int, bool | None]) -> tuple[int, float]:
    """``(a, b)``: the record's known answers put the breakdown day T in ``(a, b]``."""
    held = [d for d, v in held_at_day.items() if v is True]
    broke = [d for d, v in held_at_day.items() if v is False]
    return (max(held) if held else -1), (min(broke) if broke else math.inf)


def log_score(survival: np.ndarray, held_at_day: dict[int, bool | None]) -> float:
    """``-ln P(a < T <= b)`` of a survival curve (``S[d]`` for d < len; beyond it the last
    value), with the probability floored at :data:`FLOOR`."""
    a, b = outcome_interval(held_at_day)
    s_a = 1.0 if a < 0 else _at(survival, a)
    s_b = 0.0 if math.isinf(b) else _at(survival, int(b))
    return 0.0 - math.log(max(FLOOR, s_a - s_b))


def _at(survival: np.ndarray, day: int) -> float:
    return float(survival[min(day, len(survival) - 1)])


def crps(survival: np.ndarray, observed: int) -> float:
    """CRPS, in days, of the forecast ``S[t] = P(T > t)`` (t = 0 .. L - 1) against ``min(T, L)
    = observed`` (L = ``len(survival)``; a day at or beyond L means "after L")."""
    cdf = 1.0 - np.asarray(survival, dtype=float)
    seen = (np.arange(len(cdf)) >= min(observed, len(cdf))).astype(float)
    return float(((cdf - seen) ** 2).sum())


def crps_samples(samples: np.ndarray, observed: float) -> float:
    """CRPS of the empirical distribution of ``samples`` against ``observed``:
    ``E|X - y| - E|X - X'| / 2`` (Gneiting & Raftery 2007, eq. 21), by sorting."""
    x = np.sort(np.asarray(samples, dtype=float))
    n = len(x)
    pairs = 2.0 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / n ** 2
    return float(np.abs(x - observed).mean() - pairs / 2.0)


def bootstrap_interval(values: np.ndarray, rng: np.random.Generator, n_boot: int = 2000,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the mean of ``values`` over ``n_boot`` resamples (Efron 1979)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return math.nan, math.nan
    means = values[rng.integers(0, len(values), (n_boot, len(values)))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail))
