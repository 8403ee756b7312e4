"""Per-point outcomes of a sweep: one row per (point, strategy), from that run's world rows.

The columns are the same for every point of a sweep (they depend only on the base scenario's
actors and on the horizons), so all parts stack into one table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.results import median_survival


def outcome_row(worlds: pd.DataFrame, horizon: int, horizons: list[int],
                causes: list[str]) -> dict:
    """Survival at each horizon, median and mean days held (RMST), shares, causes and costs.

    Args:
        worlds: the world table of one (point, strategy) run (:func:`sim.results.world_table`).
        horizon: the run's horizon; every world is followed to it, so survival is a share.
        horizons: days at which to report the share of worlds still holding.
        causes: actor ids that can open a collapse (parties, then spoilers).
    """
    n = len(worlds)
    t = worlds["survival_days"].to_numpy()
    collapsed = worlds["is_collapsed"].to_numpy()
    med = median_survival(t, collapsed)
    row = {f"survival_{h}": float(((t > h) | ~collapsed).sum() / n) for h in horizons}
    row |= {
        "median_survival_days": math.nan if med is None else float(med),
        "rmst_days": float(np.minimum(t, horizon).mean()),
        "share_collapsed": float(collapsed.mean()),
        "share_walked_out": float((worlds["day_first_walkout"] >= 0).mean()),
        "share_agreement": (float((worlds["day_agreement"] >= 0).mean())
                            if "day_agreement" in worlds else math.nan),
        "mean_days_in_trouble": float(worlds["days_in_trouble"].mean()),
        "mean_intervention_cost": float(worlds["intervention_cost"].mean()),
    }
    cause = worlds["collapse_cause"].to_numpy()
    for actor in causes:
        row[f"collapsed_by_{actor}"] = float(((cause == actor) & collapsed).sum() / n)
    return row


OUTCOMES_HEADLINE = ("rmst_days", "share_collapsed", "median_survival_days")
