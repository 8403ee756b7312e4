"""Outcome tables: per-world rows, daily series, and the run summary; writing them to disk.

Every world row carries the run seed, its world index (which with the seed reproduces it) and a
hash of the scenario. All worlds share the horizon, so the only censoring is administrative and
the Kaplan-Meier estimate of survival equals the share of worlds not yet collapsed; intervals
are Wilson score intervals for a binomial proportion.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.atomic import atomic_write_all
from sim.results_game import game_columns
from sim.state import CollapseMode

SURVIVAL_DAYS = (30, 60, 90, 180, 365)
Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n."""
    if n == 0:
        return (math.nan, math.nan)
    phat = k / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, round(centre - half, 12)), min(1.0, round(centre + half, 12)))


def world_table(model, first_world: int, seed: int, scn_hash: str, strategy: str) -> pd.DataFrame:
    """One row per world of a finished model."""
    s, p = model.state, model.params
    collapsed = s.day_collapse >= 0
    cols = {
        "world": np.arange(first_world, first_world + s.n, dtype=np.int64),
        "seed": np.full(s.n, seed, dtype=np.int64),
        "scenario_hash": scn_hash,
        "strategy": strategy,
        "is_collapsed": collapsed,
        "day_collapse": s.day_collapse,
        "day_collapse_confirmed": s.day_collapse_confirmed,
        "collapse_incidents": s.collapse_incidents,
        "survival_days": np.where(collapsed, s.day_collapse, p.horizon).astype(np.int32),
        "collapse_mode": pd.Categorical.from_codes(s.collapse_mode, [m.name.lower() for m in
                                                                     CollapseMode]),
        "collapse_cause": [model.actor_id(int(c)) for c in s.collapse_cause],
        "days_in_trouble": s.days_in_trouble,
        "day_first_trouble": s.day_first_trouble,
        "day_first_walkout": s.day_first_walkout,
        "n_walkouts": s.n_walkouts,
        "n_returns": s.n_returns,
        "n_misattributed": s.n_misattributed,
        "talks_progress": s.talks_progress,
        "intervention_cost": model.engine.cost,
        "cost_one_off": model.engine.cost_one_off,
        "n_activations": model.engine.activations.uses.sum(axis=0),
    }
    for i, pid in enumerate(p.party_ids):
        cols[f"violations_{pid}"] = s.n_violations[:, i]
    if p.has_types:  # hidden types (docs/model.md 11.5)
        for i, pid in enumerate(p.party_ids):
            cols[f"is_tactical_{pid}"] = s.is_tactical[:, i]
    if model.has_issues:
        cols.update(_talks_columns(model))
    for i, sid in enumerate(p.spoiler_ids):
        cols[f"attacks_{sid}"] = s.n_attacks[:, i]
    cols.update(game_columns(model))  # brokers who decide, the battlefield: off by default
    return pd.DataFrame(cols)


def _talks_columns(model) -> dict:
    """Per-world outcomes of the bargaining: agreement day, terms, rounds, concessions."""
    s, p = model.state, model.params
    cols = {"day_agreement": s.day_agreement, "talks_rounds": s.talks_rounds,
            "reneged_by": [p.party_ids[i] if i >= 0 else "" for i in s.reneged_by]}
    for k, iid in enumerate(p.issue_ids):
        cols[f"terms_{iid}"] = s.terms[:, k]
    # how far each party moved from its ideal, in utility: 1 - u_i(own demand)
    concession = (p.salience[None] * np.abs(s.demands - p.ideals[None])).sum(axis=2)
    for i, pid in enumerate(p.party_ids):
        cols[f"concession_{pid}"] = concession[:, i]
    return cols


def daily_table(sums: pd.DataFrame, start_date) -> pd.DataFrame:
    """Turn summed daily reporters (all batches added) into shares and means per world."""
    n = sums["n_worlds"]
    out = pd.DataFrame({"day": np.arange(len(sums))})
    # plain dates, not nanosecond timestamps: any start date the schema accepts must work
    out["date"] = [start_date + dt.timedelta(days=int(d)) for d in out["day"]]
    out["share_holding"] = sums["n_holding"] / n
    out["share_in_trouble"] = sums["n_in_trouble"] / n
    out["share_collapsed"] = sums["n_collapsed"] / n
    out["share_away_from_talks"] = sums["n_away_from_talks"] / n
    for col in ("party_violations", "incidents", "spoiler_attacks", "misattributed"):
        out[f"{col}_per_world"] = sums[col] / n
    for col in ("trust", "commitment", "talks_progress"):
        out[f"mean_{col}"] = sums[f"sum_{col}"] / n
    return out


def _share(k: int, n: int) -> dict:
    lo, hi = wilson(k, n)
    return {"share": k / n if n else math.nan, "ci95": [lo, hi]}


def summarise(worlds: pd.DataFrame, horizon: int, seed: int, strategy: str,
              scenario: str) -> dict:
    """The figures `trucesim run` prints: survival, median, share collapsed, causes."""
    n = len(worlds)
    t = worlds["survival_days"].to_numpy()
    collapsed = worlds["is_collapsed"].to_numpy()
    survival = {str(d): (_share(int(((t > d) | ~collapsed).sum()), n) if d <= horizon else None)
                for d in SURVIVAL_DAYS}
    k_c = int(collapsed.sum())
    causes = worlds.loc[collapsed].groupby(["collapse_cause", "collapse_mode"], observed=True)
    cause_rows = sorted(({"cause": c, "mode": m, "share_of_collapses": len(g) / k_c}
                         for (c, m), g in causes), key=lambda r: -r["share_of_collapses"])
    walked = worlds["day_first_walkout"] >= 0
    return {
        "scenario": scenario, "strategy": strategy, "seed": seed, "worlds": n,
        "horizon_days": horizon,
        "survival": survival,
        "median_survival_days": median_survival(t, collapsed),
        "collapsed": _share(k_c, n),
        "causes": cause_rows,
        "mean_days_in_trouble": float(worlds["days_in_trouble"].mean()),
        "walked_out": _share(int(walked.sum()), n),
        "median_day_first_walkout": (float(worlds.loc[walked, "day_first_walkout"].median())
                                     if walked.any() else None),
        "mean_misattributed": float(worlds["n_misattributed"].mean()),
        "mean_intervention_cost": float(worlds["intervention_cost"].mean()),
        **_talks_summary(worlds),
    }


def _talks_summary(worlds: pd.DataFrame) -> dict:
    if "day_agreement" not in worlds:
        return {}
    agreed = worlds["day_agreement"] >= 0
    terms = {c[len("terms_"):]: (float(worlds.loc[agreed, c].mean()) if agreed.any() else None)
             for c in worlds.columns if c.startswith("terms_")}
    return {
        "agreement": _share(int(agreed.sum()), len(worlds)),
        "median_day_agreement": float(worlds.loc[agreed, "day_agreement"].median())
        if agreed.any() else None,
        "mean_terms_if_agreed": terms,
        "reneged": _share(int((worlds["reneged_by"] != "").sum()), len(worlds)),
    }


def median_survival(t: np.ndarray, collapsed: np.ndarray) -> int | None:
    """First day d with survival S(d) = P(T > d) <= 0.5, or None if beyond the horizon."""
    days = np.sort(t[collapsed])
    need = math.ceil(len(t) / 2)
    return int(days[need - 1]) if len(days) >= need else None


def write_outputs(out_dir: str | Path, worlds: pd.DataFrame, daily: pd.DataFrame,
                  summary: dict) -> list[Path]:
    """Write worlds.parquet, daily.parquet, daily.csv and summary.json, each atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "worlds.parquet": lambda p: worlds.to_parquet(p, index=False),
        "daily.parquet": lambda p: daily.to_parquet(p, index=False),
        "daily.csv": lambda p: daily.to_csv(p, index=False),
        "summary.json": lambda p: Path(p).write_text(json.dumps(summary, indent=2) + "\n"),
    }
    atomic_write_all({out / name: write for name, write in files.items()})
    return [out / name for name in files]
