"""Targets: the record's facts checked on a run's results (issue 17).

A target (:class:`sim.priors_schema.Target`) bounds a named statistic. Statistics of one world
are functions of the world table, one value per world (NaN where the event never happened, so
that a band is then not met); statistics of the whole run are the figures of
:func:`sim.calibration.measure`, from the daily series and summary. The registry below is the
only place a statistic is defined: files name statistics, they never hold expressions.
Case record files (``scenarios/cases/targets/*.yaml``) become targets through
:func:`from_record`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration import measure
from sim.priors_schema import RUN_STATISTICS, Statistic, Target
from sim.results import wilson
from sim.runner import RunResult
from sim.scenario import Problem, ScenarioError, parse_yaml, read_text

RUN_DAYS_NEEDED = 180  # days a run needs for the figures of the whole run


def _day(column: str) -> Callable[[pd.DataFrame], np.ndarray]:
    """A day column where a negative day means "never" (NaN)."""
    def stat(worlds: pd.DataFrame) -> np.ndarray:
        day = worlds[column].to_numpy(dtype=float)
        return np.where(day >= 0, day, np.nan)
    return stat


def _trouble_or_collapse(worlds: pd.DataFrame) -> np.ndarray:
    """First day the truce was in trouble or collapsed (a collapse need not pass through
    trouble); NaN if neither happened."""
    return np.fmin(_day("day_first_trouble")(worlds), _day("day_collapse")(worlds))


def _attacks(worlds: pd.DataFrame) -> np.ndarray:
    """Spoiler attacks in the world, all spoilers together (0 where there are none)."""
    cols = [c for c in worlds.columns if c.startswith("attacks_")]
    return worlds[cols].to_numpy(dtype=float).sum(axis=1) if cols else np.zeros(len(worlds))


def _column(column: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda worlds: worlds[column].to_numpy(dtype=float)


WORLD_STATISTICS: dict[Statistic, Callable[[pd.DataFrame], np.ndarray]] = {
    Statistic.DAY_FIRST_WALKOUT: _day("day_first_walkout"),  # by any party
    Statistic.DAY_FIRST_TROUBLE: _day("day_first_trouble"),
    Statistic.DAY_TROUBLE_OR_COLLAPSE: _trouble_or_collapse,
    Statistic.SURVIVAL_DAYS: _column("survival_days"),  # the horizon if it never collapsed
    Statistic.DAYS_IN_TROUBLE: _column("days_in_trouble"),
    Statistic.N_WALKOUTS: _column("n_walkouts"),
    Statistic.N_ATTACKS: _attacks,
    Statistic.TALKS_PROGRESS: _column("talks_progress"),
}


def world_values(worlds: pd.DataFrame, statistic: Statistic) -> np.ndarray:
    """One value of a world statistic per row of the world table."""
    return WORLD_STATISTICS[statistic](worlds)


def in_band(values: np.ndarray, band: tuple[float | None, float | None]) -> np.ndarray:
    """Whether each value lies in the inclusive band (NaN never does)."""
    low, high = band
    ok = ~np.isnan(values)
    if low is not None:
        ok &= np.nan_to_num(values, nan=-np.inf) >= low
    if high is not None:
        ok &= np.nan_to_num(values, nan=np.inf) <= high
    return ok


def met_by_world(worlds: pd.DataFrame, targets: list[Target]) -> pd.DataFrame:
    """A world-by-target table of booleans: does this world meet this target? (world targets
    only; statistics of the whole run are left out)."""
    return pd.DataFrame({t.id: in_band(world_values(worlds, t.statistic), t.band)
                         for t in targets if t.statistic not in RUN_STATISTICS},
                        index=worlds.index)


def _run_figures(result: RunResult) -> dict[str, float]:
    """The figures of the whole run; NaN for all when the run is shorter than they need
    (:func:`sim.calibration.measure` reads survival at day 180)."""
    if len(result.daily) <= RUN_DAYS_NEEDED:
        return {s.value: float("nan") for s in RUN_STATISTICS}
    return measure(result)


def _run_row(t: Target, figures: dict[str, float]) -> dict:
    figure = figures[t.statistic.value]
    met = bool(in_band(np.array([figure], dtype=float), t.band)[0])
    return {"id": t.id, "statistic": t.statistic.value, "figure": figure, "share_met": None,
            "ci95_low": None, "ci95_high": None, "agrees": met}


def _world_row(t: Target, met: pd.Series) -> dict:
    k, n = int(met.sum()), len(met)
    lo, hi = wilson(k, n)
    share = k / n if n else float("nan")
    agrees = None if t.share is None else bool(t.share[0] <= share <= t.share[1])
    return {"id": t.id, "statistic": t.statistic.value, "figure": None, "share_met": share,
            "ci95_low": lo, "ci95_high": hi, "agrees": agrees}


def evaluate(result: RunResult, targets: list[Target]) -> pd.DataFrame:
    """Each target on a run: the share of worlds meeting it (with a Wilson 95% interval) for
    world statistics, the run's figure for run statistics, and whether that agrees with the
    target's ``share`` band (or ``band``); ``agrees`` is None when no share band was given.
    Figures of the whole run need more than 180 days; a shorter run gives NaN (not agreeing).

    Example:
        >>> scn = load("syria_2016")
        >>> evaluate(run(scn, worlds=200, seed=1), scn.targets)
    """
    met = met_by_world(result.worlds, targets)
    figures = None
    rows = []
    for t in targets:
        if t.statistic in RUN_STATISTICS:
            figures = _run_figures(result) if figures is None else figures
            rows.append(_run_row(t, figures))
        else:
            rows.append(_world_row(t, met[t.id]))
    out = pd.DataFrame(rows)
    out["statement"] = [t.statement for t in targets]
    return out


def _held_target(day: str, held: bool, source: str) -> Target:
    """``held_at_day`` of a record as a target on survival_days: held on day d means the
    truce had not collapsed by then (survival beyond d)."""
    d = int(day)
    band = (d + 1, None) if held else (None, d)
    verb = "still held" if held else "no longer held"
    return Target(id=f"held_day_{d}" if held else f"broken_by_day_{d}",
                  statement=f"the truce {verb} on day {d}", statistic=Statistic.SURVIVAL_DAYS,
                  band=band, source=source)


def from_record(path: str | Path, horizon: int | None = None) -> list[Target]:
    """The targets a case record file states (``scenarios/cases/targets/*.yaml``): one per day
    of ``held_at_day`` the record can speak for, up to ``horizon``.

    Raises:
        ScenarioError: when the file is not a record of that form.
    """
    file = str(path)
    _, data = parse_yaml(read_text(path), file)
    held = data.get("held_at_day") if isinstance(data, dict) else None
    if not isinstance(held, dict) or not all(str(d).isdigit() and v in (True, False, None)
                                             for d, v in held.items()):
        raise ScenarioError([Problem(file, 1, "held_at_day", None, "expected a map of day -> "
                                     "true/false/null (a case record, see `trucesim new-case`)")])
    source = str(data.get("source") or data.get("record") or file)
    return [_held_target(day, ok, source) for day, ok in held.items()
            if ok is not None and (horizon is None or int(day) < horizon)]
