"""Survival analysis of strategies run on the same worlds: reads world tables, never the model.

Per strategy: survival at fixed days (Wilson intervals), the Kaplan–Meier median with a 95%
interval read off the curve's pointwise bands, the restricted mean survival time up to the
horizon, and — against the baseline — survival gains (Newcombe's hybrid score interval),
the RMST gain, a Cox hazard ratio and a log-rank p-value with Holm's correction across the
strategies compared.

Censoring is purely administrative: every world runs to the same horizon, so a world that has
not collapsed by then is censored there and nowhere else. Hence Kaplan–Meier survival equals
the share of worlds still holding, and RMST equals the mean of min(T, horizon), whose variance
is estimated from the worlds themselves.

Strategies are run with common random numbers (world i under every strategy draws the same
random numbers), so the arms are paired; all tests here treat them as independent samples,
which ignores the positive correlation between arms and makes intervals and p-values
conservative (wider, larger) than a paired analysis would give.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError, ConvergenceWarning
from lifelines.statistics import logrank_test
from lifelines.utils import restricted_mean_survival_time

from sim.results import SURVIVAL_DAYS, Z95, wilson

GAIN_DAYS = (90, 180)
N_CAUSES = 3
SIGNIFICANT = 6  # significant digits kept in the table: stable bytes across platforms


def holm(pvalues: list[float | None]) -> list[float | None]:
    """Holm's step-down adjustment; ``None``/NaN entries are passed through and not counted.

    With the m valid p-values sorted ascending, p_(i) becomes
    max over j <= i of min(1, (m - j + 1) * p_(j)).
    """
    valid = [(p, i) for i, p in enumerate(pvalues) if p is not None and not math.isnan(p)]
    out: list[float | None] = [None] * len(pvalues)
    m, running = len(valid), 0.0
    for rank, (p, i) in enumerate(sorted(valid)):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def survival_share(t: np.ndarray, e: np.ndarray, day: int) -> tuple[float, float, float]:
    """Share of worlds whose truce still holds at the end of ``day``, with a Wilson 95% CI."""
    k = int(((t > day) | ~e).sum())
    lo, hi = wilson(k, len(t))
    return k / len(t), lo, hi


def newcombe_diff(a: tuple, b: tuple) -> tuple[float, float, float]:
    """Difference a - b of two independent shares given as (share, lo, hi) Wilson triples.

    Newcombe (1998) hybrid score interval (his method 10): the Wilson limits of each arm are
    combined in quadrature, which behaves well near 0 and 1 where the Wald interval does not.
    """
    (p1, l1, u1), (p0, l0, u0) = a, b
    d = p1 - p0
    return d, d - math.hypot(p1 - l1, u0 - p0), d + math.hypot(u1 - p1, p0 - l0)


def kaplan_meier(t: np.ndarray, e: np.ndarray, label: str = "KM") -> KaplanMeierFitter:
    """The Kaplan-Meier estimate of survival times ``t`` with collapse flags ``e``."""
    return KaplanMeierFitter(label=label).fit(t, e)


def first_at_or_below(curve: pd.Series, q: float = 0.5) -> float:
    """First time at which a step curve is <= q; NaN if it never is (beyond the horizon)."""
    # KM products such as (5/6)(3/5) land a rounding error above 0.5; count them as 0.5
    hit = curve.index[curve.to_numpy() <= q + 1e-12]
    return float(hit[0]) if len(hit) else math.nan


def median_with_ci(kmf: KaplanMeierFitter) -> tuple[float, float, float]:
    """Kaplan–Meier median survival with its 95% CI; NaN where the curve stays above 0.5.

    The median is the first day with S(d) <= 0.5, as in :func:`sim.results.median_survival`
    (lifelines' own median uses S(d) < 0.5, which differs when S reaches exactly 0.5). The
    interval limits are the days where the lower and upper pointwise 95% bands (lifelines'
    log(-log) Greenwood bands) first reach 0.5, as lifelines' ``median_survival_times`` does.
    """
    band = kmf.confidence_interval_survival_function_
    return (first_at_or_below(kmf.survival_function_.iloc[:, 0]),
            first_at_or_below(band.iloc[:, 0]), first_at_or_below(band.iloc[:, 1]))


def rmst(t: np.ndarray, e: np.ndarray, horizon: int) -> tuple[float, float, float, float]:
    """Restricted mean survival time up to ``horizon``: (estimate, lo, hi, standard error).

    The estimate is the area under the Kaplan–Meier curve (lifelines); with censoring only at
    the horizon it equals mean(min(T, horizon)), so its standard error is the sample standard
    deviation of min(T, horizon) over sqrt(n) (normal approximation).
    """
    est = float(restricted_mean_survival_time(kaplan_meier(t, e), t=horizon))
    capped = np.minimum(t, horizon).astype(float)
    se = float(capped.std(ddof=1) / math.sqrt(len(t))) if len(t) > 1 else math.nan
    return est, est - Z95 * se, est + Z95 * se, se


def hazard_ratio(base: tuple, arm: tuple) -> tuple[float, float, float, str | None]:
    """Cox hazard ratio of ``arm`` against ``base`` (each a (t, e) pair): (hr, lo, hi, note).

    One binary covariate, Efron ties. With no collapse in one arm the partial likelihood has no
    maximum (the ratio is 0 or infinite), so no ratio is reported.
    """
    (t0, e0), (t1, e1) = base, arm
    if not e0.any() or not e1.any():
        which = ("either arm" if not (e0.any() or e1.any())
                 else "the baseline" if not e0.any() else "this strategy")
        return (math.nan,) * 3 + (f"no collapses under {which}: hazard ratio not estimable",)
    df = pd.DataFrame({"T": np.r_[t0, t1], "E": np.r_[e0, e1],
                       "arm": np.r_[np.zeros(len(t0)), np.ones(len(t1))]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            cph = CoxPHFitter().fit(df, "T", "E")
    except (ConvergenceError, ConvergenceWarning, np.linalg.LinAlgError) as exc:
        return math.nan, math.nan, math.nan, f"Cox model did not converge ({type(exc).__name__})"
    row = cph.summary.loc["arm"]
    return (float(row["exp(coef)"]), float(row["exp(coef) lower 95%"]),
            float(row["exp(coef) upper 95%"]), None)


def logrank_p(base: tuple, arm: tuple) -> float:
    """Log-rank p-value of ``arm`` against ``base``; NaN when neither arm has a collapse."""
    (t0, e0), (t1, e1) = base, arm
    if not (e0.any() or e1.any()):
        return math.nan
    return float(logrank_test(t0, t1, e0, e1).p_value)


def main_causes(worlds: pd.DataFrame, k: int = N_CAUSES) -> dict:
    """The ``k`` commonest (cause, mode) pairs among collapsed worlds, as flat columns."""
    collapsed = worlds.loc[worlds["is_collapsed"].astype(bool)]
    counts = (collapsed.groupby(["collapse_cause", "collapse_mode"], observed=True).size()
              .reset_index(name="n").sort_values(["n", "collapse_cause", "collapse_mode"],
                                                 ascending=[False, True, True], kind="stable"))
    out = {}
    for j in range(k):
        top = counts.iloc[j] if j < len(counts) else None
        out[f"cause_{j + 1}"] = None if top is None else str(top["collapse_cause"])
        out[f"cause_{j + 1}_mode"] = None if top is None else str(top["collapse_mode"])
        out[f"cause_{j + 1}_share"] = math.nan if top is None else top["n"] / len(collapsed)
    return out


def _arrays(worlds: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (worlds["survival_days"].to_numpy(dtype=np.int64),
            worlds["is_collapsed"].to_numpy(dtype=bool))


def strategy_row(worlds: pd.DataFrame, horizon: int) -> dict:
    """The one-strategy figures: survival, median, RMST, cost, causes."""
    t, e = _arrays(worlds)
    row = {"n_worlds": len(t), "n_collapsed": int(e.sum()), "share_collapsed": float(e.mean())}
    for d in SURVIVAL_DAYS:
        s = survival_share(t, e, d) if d <= horizon else (math.nan,) * 3
        row.update({f"surv_{d}": s[0], f"surv_{d}_lo": s[1], f"surv_{d}_hi": s[2]})
    med = median_with_ci(kaplan_meier(t, e))
    row.update({"median_days": med[0], "median_lo": med[1], "median_hi": med[2]})
    r = rmst(t, e, horizon)
    row.update({"rmst_days": r[0], "rmst_lo": r[1], "rmst_hi": r[2], "rmst_se": r[3]})
    return row | cost_columns(worlds) | main_causes(worlds)


def cost_columns(worlds: pd.DataFrame) -> dict:
    """Mean cost per world, and its one-off part (paid per activation) and running part (paid
    per day active, so it grows with the days the truce holds)."""
    def mean(column: str) -> float:  # absent (older tables) or missing: not costed, so 0
        return float(worlds.get(column, pd.Series(0.0)).fillna(0.0).mean())

    total, once = mean("intervention_cost"), mean("cost_one_off")
    return {"mean_cost": total, "mean_cost_one_off": once,
            "mean_cost_running": max(0.0, total - once)}


def cost_per_day_gained(row: dict, base_row: dict) -> float:
    """Extra mean cost over the baseline per extra day the truce holds (RMST gain); NaN unless
    the gain's 95% interval lies above 0, so an option is never priced per day it does not buy.
    Running costs accrue only while the truce holds, so an option that works pays for longer:
    this ratio charges it for the days it adds, not for the days it holds."""
    if not row["rmst_gain_lo"] > 0:
        return math.nan
    return (row["mean_cost"] - base_row["mean_cost"]) / row["rmst_gain_days"]


def versus_baseline(row: dict, base_row: dict, worlds: pd.DataFrame, base: pd.DataFrame,
                    horizon: int) -> dict:
    """Gains over the baseline, hazard ratio and (unadjusted) log-rank p-value."""
    out = {}
    for d in GAIN_DAYS:
        if d <= horizon:
            g = newcombe_diff(*[(r[f"surv_{d}"], r[f"surv_{d}_lo"], r[f"surv_{d}_hi"])
                                for r in (row, base_row)])
        else:
            g = (math.nan,) * 3
        out.update({f"gain_{d}_pp": 100 * g[0], f"gain_{d}_pp_lo": 100 * g[1],
                    f"gain_{d}_pp_hi": 100 * g[2]})
    gain, se = row["rmst_days"] - base_row["rmst_days"], math.hypot(row["rmst_se"],
                                                                    base_row["rmst_se"])
    out.update({"rmst_gain_days": gain, "rmst_gain_lo": gain - Z95 * se,
                "rmst_gain_hi": gain + Z95 * se})
    hr, lo, hi, note = hazard_ratio(_arrays(base), _arrays(worlds))
    out.update({"hr": hr, "hr_lo": lo, "hr_hi": hi, "p_logrank": logrank_p(_arrays(base),
                                                                         _arrays(worlds))})
    out["extra_cost"] = row["mean_cost"] - base_row["mean_cost"]
    out["cost_per_day_gained"] = cost_per_day_gained(row | out, base_row)
    out["note"] = note
    return out


def _blank_comparison() -> dict:
    cols = [f"gain_{d}_pp{s}" for d in GAIN_DAYS for s in ("", "_lo", "_hi")]
    cols += ["rmst_gain_days", "rmst_gain_lo", "rmst_gain_hi", "hr", "hr_lo", "hr_hi",
             "p_logrank", "extra_cost", "cost_per_day_gained"]
    return dict.fromkeys(cols, math.nan) | {"note": "reference"}


def _tidy(x):
    if isinstance(x, float | np.floating):
        return float(f"{x:.{SIGNIFICANT}g}") if math.isfinite(x) else math.nan
    return x


def compare_table(worlds: pd.DataFrame, horizon: int, baseline: str = "baseline") -> pd.DataFrame:
    """One row per strategy (in order of first appearance), flat columns.

    Args:
        worlds: world rows of all strategies (column ``strategy``), e.g. ``CompareResult.worlds``.
        horizon: the common horizon in days.
        baseline: the reference strategy; the first strategy if it is absent.

    NaN means "not defined": a median (or CI limit) beyond the horizon, a survival day beyond
    the horizon, a hazard ratio that cannot be estimated (see ``note``), the baseline's own
    comparisons.
    """
    groups = {s: g for s, g in worlds.groupby("strategy", sort=False, observed=True)}
    ref = baseline if baseline in groups else next(iter(groups))
    rows = {s: strategy_row(g, horizon) for s, g in groups.items()}
    for s, g in groups.items():
        rows[s] |= (_blank_comparison() if s == ref else
                    versus_baseline(rows[s], rows[ref], g, groups[ref], horizon))
    names = list(groups)
    adjusted = holm([rows[s]["p_logrank"] for s in names])
    table = pd.DataFrame([{"strategy": s, "is_baseline": s == ref} | rows[s]
                          | {"p_holm": math.nan if p is None else p}
                          for s, p in zip(names, adjusted, strict=True)])
    table = table[[c for c in table.columns if c != "note"] + ["note"]]
    return table.map(_tidy)


def table_records(table: pd.DataFrame) -> list[dict]:
    """The table as JSON-able records, NaN as None: the same figures as the CSV."""
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
            for r in records]
