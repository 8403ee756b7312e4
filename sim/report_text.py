"""Figures as text for the comparison memo and the terminal: one formatter per kind of figure,
the table's plain-language column names, and one line explaining each measure.

Every figure printed comes from a column of :func:`sim.analysis.survival.compare_table`, so it
can be traced back to ``summary.csv``.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.strategies.library import EFFORT_POINT


def is_missing(x) -> bool:
    """Whether a figure is absent: None or NaN (shown as a dash)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage (a dash when missing)."""
    return "—" if is_missing(x) else f"{100 * x:.{digits}f}%"


def days(x: float, horizon: int) -> str:
    """Days, rounded; ``> horizon`` when missing (beyond the horizon)."""
    return f"> {horizon}" if is_missing(x) else f"{x:.0f}"


def pval(p: float) -> str:
    """A p-value with as many digits as it needs (a dash when missing)."""
    if is_missing(p):
        return "—"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def p_is(p: float) -> str:
    """"p < 0.0001" or "p = 0.031": a p-value inside a sentence."""
    text = pval(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def signed(x: float, unit: str = "", digits: int = 1) -> str:
    """A number with its sign (never -0.0)."""
    x = round(x, digits) + 0.0  # no "-0.0"
    return f"{x:+.{digits}f}{unit}"


def money(x: float) -> str:
    """A cost in effort points, or "—" when not defined."""
    return "—" if is_missing(x) else f"{x:,.2f}"


def sign_of(lo: float, hi: float) -> int:
    """+1 or -1 when a 95% interval excludes 0, else 0."""
    return 0 if is_missing(lo) or is_missing(hi) or lo <= 0 <= hi else (1 if lo > 0 else -1)


def hr_text(row: dict) -> str:
    """A row's hazard ratio with its interval (1 for the reference)."""
    if row["is_baseline"]:
        return "1 (reference)"
    if is_missing(row["hr"]):
        return "—"
    return f"{row['hr']:.2f} ({row['hr_lo']:.2f}–{row['hr_hi']:.2f})"


def survival_cell(row: dict, day: int) -> str:
    """A row's share holding at ``day`` with its interval."""
    if is_missing(row.get(f"surv_{day}")):
        return "beyond horizon"
    return pct(row[f"surv_{day}"])


def median_cell(row: dict, horizon: int) -> str:
    """A row's median days held with its interval."""
    med = days(row["median_days"], horizon)
    if is_missing(row["median_days"]):
        return med
    return f"{med} ({days(row['median_lo'], horizon)}–{days(row['median_hi'], horizon)})"


def rmst_cell(row: dict) -> str:
    """A row's mean days held (RMST), with its gain over the baseline."""
    text = f"{row['rmst_days']:.1f}"
    return text if row["is_baseline"] else f"{text} ({signed(row['rmst_gain_days'])})"


def cost_cell(row: dict, compact: bool = False) -> str:
    """A row's mean cost (and its one-off part unless ``compact``)."""
    total = money(row["mean_cost"])
    if compact or not row.get("mean_cost_one_off"):
        return total
    return f"{total} ({money(row['mean_cost_one_off'])} one-off)"


def headers(horizon: int, compact: bool = False) -> list[str]:
    """Column names: short for the terminal, plain words for the memo."""
    if compact:
        return ["strategy", "day 90", "day 180", "median (95% CI)", "RMST (gain)",
                "HR (95% CI)", "adj. p", "cost", "cost/extra day"]
    return ["option", "still holding at day 90", "still holding at day 180",
            "day by which half have collapsed (95% CI)",
            f"mean days held of the first {horizon} (RMST; gain)",
            "daily risk of collapse against the baseline (hazard ratio, 95% CI)",
            "could the difference be chance? (adjusted p)",
            "mean cost per world, effort points", "cost per extra day held"]


def display_table(table: pd.DataFrame, horizon: int,
                  compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows of the comparison, as in the memo (or, compact, the CLI)."""
    rows = [[row["strategy"], survival_cell(row, 90), survival_cell(row, 180),
             median_cell(row, horizon), rmst_cell(row), hr_text(row), pval(row["p_holm"]),
             cost_cell(row, compact), money(row.get("cost_per_day_gained"))]
            for row in table.to_dict(orient="records")]
    return headers(horizon, compact), rows


def explanations(horizon: int, baseline: str, costs_below: bool = False) -> list[str]:
    """One line per measure of the table, in plain words (``costs_below``: what an effort
    point is is said further down, so it is not repeated here)."""
    unit = "What an effort point is: see below." if costs_below else EFFORT_POINT
    return [
        (f"**Mean days held (RMST, restricted mean survival time)**: the average number of days "
         f"the truce holds within the first {horizon}; the gain is the difference from "
         f"{baseline}."),
        (f"**Hazard ratio (HR)**: the risk that the truce collapses on any given day, relative "
         f"to {baseline}; 0.50 means half the daily risk, above 1 a higher risk."),
        ("**Adjusted p (Holm-adjusted log-rank p-value)**: how often a difference this large "
         "would appear by chance if the option changed nothing; below 0.05 counts as a clear "
         "difference. Holm's adjustment allows for several options being tested at once."),
        f"**Cost**: mean effort points spent per world. {unit}",
        (f"**Cost per extra day held**: the extra cost over {baseline} divided by the extra "
         "days the truce holds; shown only where the option clearly adds days."),
    ]
