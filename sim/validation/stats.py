"""Interval estimates the claims' decision rules use; pure functions of outcome arrays.

Every interval is a 95% interval whose width follows from the number of worlds (or of events),
so a decision rule such as "the lower limit is above 1" tightens as the sample grows instead of
carrying a hand-set tolerance. Arms run with the same seed share random numbers (common random
numbers); treating them as independent, as here, makes every interval wider than a paired
analysis would: conservative.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.survival import newcombe_diff
from sim.results import Z95, wilson


def period_hazard(t: np.ndarray, e: np.ndarray, start: int, end: int) -> tuple[float, int, int]:
    """Daily hazard of collapse in days [start, end): (rate, collapses, world-days at risk).

    ``t`` is the survival time (day of collapse, or the horizon) and ``e`` whether the world
    collapsed; a world is at risk from ``start`` until it collapses or the period ends.
    """
    at_risk = int(np.clip(np.minimum(t, end) - start, 0, None).sum())
    k = int(((t >= start) & (t < end) & e).sum())
    return (k / at_risk if at_risk else math.nan), k, at_risk


def rate_ratio(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float, float]:
    """Ratio of two Poisson rates k1/n1 over k0/n0 with a 95% interval on the log scale.

    Var(log ratio) = 1/k1 + 1/k0 (delta method); with 100 events in each arm the interval is
    the ratio times exp(+-1.96 * 0.141) = x0.76 .. x1.32. NaN when either count is 0.
    """
    if k1 == 0 or k0 == 0:
        return (k1 / n1) / (k0 / n0) if k0 else math.nan, math.nan, math.nan
    ratio = (k1 / n1) / (k0 / n0)
    half = Z95 * math.sqrt(1.0 / k1 + 1.0 / k0)
    return ratio, ratio * math.exp(-half), ratio * math.exp(half)


def share(k: int, n: int) -> tuple[float, float, float]:
    """A share with its Wilson 95% interval, as (share, lo, hi)."""
    lo, hi = wilson(k, n)
    return k / n, lo, hi


def share_diff(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float, float]:
    """Difference of two shares (k, n) a - b, with Newcombe's hybrid score 95% interval."""
    return newcombe_diff(share(*a), share(*b))


def diff_of_diffs(pairs: list[tuple[tuple[int, int], tuple[int, int]]],
                  signs: tuple[int, ...] = (1, -1)) -> tuple[float, float, float]:
    """sum_i sign_i * (share(a_i) - share(b_i)), with a Wald 95% interval (variances add).

    For the interaction of two factors: (damage in cell 1) - (damage in cell 2), each damage a
    difference of two shares. With 1,000 worlds per arm and shares near 0.9 each variance is
    0.09/1000, so the half-width is 1.96 * sqrt(4 * 0.00009) = 0.037.
    """
    est, var = 0.0, 0.0
    for sign, (a, b) in zip(signs, pairs):
        for (k, n), s in ((a, 1), (b, -1)):
            p = k / n
            est += sign * s * p
            var += p * (1 - p) / n
    half = Z95 * math.sqrt(var)
    return est, est - half, est + half


def mean_diff(x1: np.ndarray, x0: np.ndarray) -> tuple[float, float, float]:
    """Difference of means x1 - x0 with a Welch (normal) 95% interval."""
    d = float(x1.mean() - x0.mean())
    se = math.sqrt(x1.var(ddof=1) / len(x1) + x0.var(ddof=1) / len(x0))
    return d, d - Z95 * se, d + Z95 * se
