"""Comparing strategies across a posterior: everything the record allows (issue 17, item 5).

``sets`` parameter sets are drawn from the posterior by weight; each runs the same worlds under
every strategy (common random numbers, extended to parameters: set ``k`` runs worlds
``k * worlds ..`` under each strategy, with the same parameter values). Each strategy runs
every set in one block of worlds (:mod:`sim.ensemble_block`), which gives each world what a
block of its set alone gives. Per set, each strategy's
paired effect against the baseline: survival at days 90 and 180 and the gain in mean days held
up to the horizon (RMST). Across sets:

- ``p_beats``: the share of sets where the strategy's RMST gain is positive (a tie counts
  half);
- ``p_first``: the share of sets where it has the highest RMST (ties shared);
- ``share_parameters``: of the variance of the per-set RMST gains, the share due to the
  parameters; the rest is Monte Carlo noise of ``worlds`` worlds a set. One-way random effects
  on the per-world paired differences d_kw: var(set means) = s2_par + s2_mc / m, with s2_mc the
  mean within-set variance, so share = max(0, var(set means) - s2_mc / m) / var(set means).

Where each strategy ranks first, and so where the ranking flips, is a PRIM box over the
parameter sets drawn (:func:`sim.sweep.analyze.prim`, as a sweep's analysis finds it), over the
parameters that vary among them.

A difference is called clear only when it holds across the ensemble: when the Wilson 95%
interval of ``p_beats`` over the sets drawn lies above 0.9 (a clear gain: nine sets in ten or
more favour it, and enough sets were drawn to say so; 50 of 50 gives a lower bound of 0.93,
10 of 10 only 0.72) or below 0.1 (a clear loss); otherwise the evidence cannot separate the
strategy from the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.ensemble import firsts, run_blocks, scenarios_of
from sim.results import wilson
from sim.schema import Scenario
from sim.sweep.analyze import describe_box, prim

CLEAR = 0.9  # share of sets that must favour a strategy (lower 95% bound) for "clear"
DAYS = (90, 180)


@dataclass
class EnsembleComparison:
    """Per set and strategy (``per_set``) and across sets (``table``)."""

    per_set: pd.DataFrame  # set, strategy, survival_90, survival_180, rmst, *_gain
    table: pd.DataFrame  # strategy, mean gains, p_beats, p_first, share_parameters, verdict
    sets: pd.DataFrame  # the parameter sets drawn
    worlds: int
    horizon: int


def draw_sets(posterior: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` parameter sets drawn by weight (with replacement) from a posterior table."""
    w = posterior["weight"].to_numpy(dtype=float)
    pick = rng.choice(len(posterior), size=n, p=w / w.sum())
    cols = [c for c in posterior.columns if c not in ("weight", "distance")]
    return posterior.iloc[pick][cols].reset_index(drop=True)


def per_world(day_collapse: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
    """Each world's days held (up to the horizon) and whether it held past days 90, 180, from
    its day of collapse (-1: none), as :func:`sim.results.world_table` counts survival."""
    held = day_collapse < 0
    t = np.where(held, horizon, day_collapse)
    cols = {"rmst": np.minimum(t, horizon).astype(float)}
    for d in DAYS:
        cols[f"survival_{d}"] = ((t > d) | held).astype(float)
    return cols


def _per_world(blocks: list, horizon: int) -> pd.DataFrame:
    """Per world of every block (set ``k`` is block ``k``): set, days held, survival at days 90
    and 180. Read from the blocks' state: no world table is assembled."""
    day = np.concatenate([b.state.day_collapse for b in blocks])
    sets = np.repeat(np.arange(len(blocks)), [b.state.n for b in blocks])
    return pd.DataFrame({"set": sets, **per_world(day, horizon)})


def compare_ensemble(scn: Scenario, posterior: pd.DataFrame, strategies: list[str],
                     sets: int = 50, worlds: int = 200, seed: int = 0, days: int | None = None,
                     threads: int | None = None,
                     progress: Callable[[int], None] | None = None) -> EnsembleComparison:
    """Every strategy on the same worlds and the same parameter sets drawn from ``posterior``.

    Args:
        scn: the scenario the parameter sets are applied to.
        posterior: weighted particles (e.g. from :func:`sim.calibrate_io.read_posterior`).
        strategies: names, the baseline first.
        sets: parameter sets drawn by weight.
        worlds: worlds per set.
        seed: seed of the draw of sets and of the runs.
        days: the horizon in days (None: the scenario's).
        threads: kernel threads (:func:`sim.kernel.usable_threads`; None: the default).
        progress: called with world-days done, as they are done.
    """
    drawn = draw_sets(posterior, sets, np.random.default_rng(seed))
    horizon = days or scn.meta.horizon_days
    scenarios = scenarios_of(scn, drawn)  # validated once, shared by every strategy
    sizes = [worlds] * sets
    by = {}
    for name in strategies:
        blocks = run_blocks(scenarios, sizes, seed, name, days, firsts(sizes), threads,
                            progress, series=())
        by[name] = _per_world(blocks, horizon)
    per_set = _per_set(by, strategies)
    table = _across(by, per_set, strategies, worlds)
    table["where_first"] = where_first(per_set, drawn, strategies)
    return EnsembleComparison(per_set, table, drawn, worlds, horizon)


def where_first(per_set: pd.DataFrame, drawn: pd.DataFrame, strategies: list[str]) -> list[str]:
    """Per strategy, the PRIM box of parameter values where it ranks first ("" when it ranks
    first in every set or in none: no condition to state), over the parameters that vary among
    the sets and bear on the strategies compared (not those of strategies left out)."""
    wide = per_set.pivot(index="set", columns="strategy", values="rmst")[strategies]
    best = wide.idxmax(axis=1).to_numpy()
    x = drawn.loc[wide.index, [c for c in drawn.columns
                               if drawn[c].nunique() > 1 and _bears_on(c, strategies)]]
    out = []
    for name in strategies:
        y = best == name
        out.append(describe_box(prim(x, y), x) if 0 < y.sum() < len(y) and len(x.columns)
                   else "")
    return out


def _bears_on(path: str, strategies: list[str]) -> bool:
    """Whether a field can move the compared strategies' results: not a field of a strategy
    left out of the comparison."""
    parts = path.split(".")
    return not (parts[0] == "strategies" and len(parts) > 1 and parts[1] not in strategies)


def _per_set(by: dict[str, pd.DataFrame], strategies: list[str]) -> pd.DataFrame:
    base = by[strategies[0]].groupby("set").mean()
    rows = []
    for name in strategies:
        m = by[name].groupby("set").mean()
        for k in m.index:
            row = {"set": k, "strategy": name}
            for col in ("rmst", *(f"survival_{d}" for d in DAYS)):
                row[col] = m.at[k, col]
                row[f"{col}_gain"] = m.at[k, col] - base.at[k, col]
            rows.append(row)
    return pd.DataFrame(rows)


def parameter_share(diff: pd.DataFrame, worlds: int) -> float:
    """Share of the variance of per-set mean differences due to the parameters (see the module
    docstring); NaN when the set means do not vary."""
    means = diff.groupby("set")["d"].mean()
    within = diff.groupby("set")["d"].var(ddof=1).mean()
    total = means.var(ddof=1)
    if not total > 0:
        return float("nan")
    return float(max(0.0, total - within / worlds) / total)


def _across(by, per_set: pd.DataFrame, strategies: list[str], worlds: int) -> pd.DataFrame:
    wide = per_set.pivot(index="set", columns="strategy", values="rmst")[strategies]
    best = wide.to_numpy() == wide.to_numpy().max(axis=1, keepdims=True)
    first = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
    rows = []
    for i, name in enumerate(strategies):
        mine = per_set[per_set["strategy"] == name]
        diff = by[name][["set"]].assign(d=by[name]["rmst"] - by[strategies[0]]["rmst"])
        gain = mine["rmst_gain"].to_numpy()
        p_beats = float(np.mean((gain > 0) + 0.5 * (gain == 0))) if i else float("nan")
        rows.append({"strategy": name, "rmst_gain": mine["rmst_gain"].mean(),
                     "rmst_gain_5": mine["rmst_gain"].quantile(0.05),
                     "rmst_gain_95": mine["rmst_gain"].quantile(0.95),
                     **{f"survival_{d}_gain": mine[f"survival_{d}_gain"].mean() for d in DAYS},
                     "p_beats": p_beats, **_interval(p_beats, len(gain), i),
                     "p_first": float(first[i]),
                     "share_parameters": parameter_share(diff, worlds) if i else float("nan"),
                     "verdict": verdict(p_beats, len(gain)) if i else "reference"})
    return pd.DataFrame(rows)


def _interval(p_beats: float, n_sets: int, i: int) -> dict:
    """The Wilson 95% interval of ``p_beats`` over the sets drawn (NaN for the baseline). Ties
    count half, so the count may be a half-integer: the score interval's formula takes it as
    it is (rounding would centre the interval on another share)."""
    low, high = wilson(p_beats * n_sets, n_sets) if i else (math.nan, math.nan)
    return {"p_beats_lo": low, "p_beats_hi": high}


def head_to_head(cmp: EnsembleComparison, a: str, b: str) -> tuple[float, str]:
    """The share of sets where ``a`` holds the truce longer than ``b`` (RMST; a tie counts
    half) and the verdict on it by the same rule as against the baseline."""
    wide = cmp.per_set.pivot(index="set", columns="strategy", values="rmst")
    d = (wide[a] - wide[b]).to_numpy()
    share = float(np.mean((d > 0) + 0.5 * (d == 0)))
    return share, verdict(share, len(d))


def ranked(cmp: EnsembleComparison) -> list[str]:
    """Strategies by P(ranks first), then by mean RMST gain, best first."""
    t = cmp.table.sort_values(["p_first", "rmst_gain"], ascending=False, kind="stable")
    return list(t["strategy"])


def verdict(p_beats: float, n_sets: int) -> str:
    """Clear only when the difference holds across the ensemble (see the module docstring)."""
    low, high = wilson(p_beats * n_sets, n_sets)
    if low >= CLEAR:
        return "clear gain"
    if high <= 1.0 - CLEAR:
        return "clear loss"
    return "cannot separate"
