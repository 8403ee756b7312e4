"""Calibration targets of the Syria 2016 baseline, from the dated record, and their check.

Each target is a band on a figure of the baseline's distribution of worlds, read off the record
(seeds/syria_2016.md#record-calibration); docs/calibration.md reports the measured figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.runner import RunResult


@dataclass(frozen=True)
class Target:
    """A figure a baseline run should reach: its bounds and the record they come from."""

    name: str
    low: float
    high: float
    record: str


TARGETS = (
    Target("survival_day_30", 0.90, 1.00,
           "the truce mostly holds through its first month (deaths fell >80%; lowest monthly toll "
           "in four years)"),
    Target("trouble_or_collapsed_day_55", 0.40, 0.80,
           "by day 55 the envoy calls it 'in great trouble' (violations rising, walkout)"),
    Target("median_day_first_walkout", 40, 65,
           "the HNC suspends its participation in the Geneva talks on day 51"),
    Target("violations_days_49_55_over_0_6", 1.3, 4.0,
           "violations rise from about day 35: the week before day 55 is worse than the first"),
    Target("median_survival_days", 90, 160,
           "collapse in practice by July (about day 130-150)"),
    Target("survival_day_180", 0.0, 0.30,
           "without new intervention most worlds collapse within months"),
)


def measure(result: RunResult) -> dict[str, float]:
    """The figures the targets bound, from a baseline run of at least 181 days."""
    w, d, s = result.worlds, result.daily, result.summary
    walked = w["day_first_walkout"] >= 0
    violations = d["party_violations_per_world"].to_numpy()
    return {
        "survival_day_30": s["survival"]["30"]["share"],
        "trouble_or_collapsed_day_55": float(1.0 - d["share_holding"].iloc[55]),
        "median_day_first_walkout": float(np.median(w.loc[walked, "day_first_walkout"]))
        if walked.any() else float("nan"),
        "violations_days_49_55_over_0_6": float(violations[49:56].sum() / violations[0:7].sum()),
        "median_survival_days": float(s["median_survival_days"] or np.inf),
        "survival_day_180": s["survival"]["180"]["share"],
    }


def check(result: RunResult) -> list[tuple[Target, float, bool]]:
    """Each target with the run's figure for it and whether the figure is within bounds."""
    figures = measure(result)
    return [(t, figures[t.name], t.low <= figures[t.name] <= t.high) for t in TARGETS]
