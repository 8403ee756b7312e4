"""Analysis of a finished sweep, read from its store only (never from the model).

- Sensitivity (SALib): Sobol designs give first-order (S1) and total (ST) Sobol indices
  (Saltelli 2002; Saltelli et al. 2010), Morris designs the mean absolute elementary effect mu*
  and its spread sigma (Morris 1991; Campolongo et al. 2007); grid and Latin-hypercube designs
  a given-data first-order index, the correlation ratio Var(E[Y | X_i]) / Var(Y) estimated from
  binned conditional means (Plischke 2010). Every index comes with the half-width of its 95%
  bootstrap interval.
- Outcomes against each parameter: binned means per strategy (plots).
- Strategy x conditions: at each point the strategy with the best outcome wins; for each
  strategy, PRIM (Friedman & Fisher 1999, the peeling step) finds a box of parameter values in
  which it wins most often — scenario discovery in the sense of Bryant & Lempert (2010).
- Best value for the cost: at each point, the cheapest strategy (mean intervention cost per
  world) among those that reach ``GOOD_ENOUGH`` of the best strategy's gain over the baseline.

The report (:mod:`sim.sweep.report`) says all this in plain words first (:mod:`sim.sweep.words`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweep.store import Store, StoreError
from sim.sweep.words import index_words, outcome_words, parameter_words

# outcomes where less is better; every other outcome is better when higher
LOWER_IS_BETTER = ("share_collapsed", "collapsed_by_", "mean_days_in_trouble",
                   "mean_intervention_cost", "share_walked_out")
MAIN_MEASURE = {"sobol": "ST", "morris": "mu_star", "grid": "S1", "lhs": "S1"}
BOOTSTRAP = 200  # resamples for the intervals; SALib's default is 100
COST = "mean_intervention_cost"
BASELINE = "baseline"
# "as good as the best" for the value winner: 90% of the best gain over the baseline (a policy
# choice, not a statistical one: within 10% a cheaper option is worth naming)
GOOD_ENOUGH = 0.9


class AnalysisError(Exception):
    """The folder cannot be analysed (not a sweep, unfinished, unknown outcome)."""


def lower_is_better(outcome: str) -> bool:
    """Whether a smaller value of the outcome is the better one."""
    return outcome.startswith(LOWER_IS_BETTER)


@dataclass
class SweepAnalysis:
    """A sweep's tables, read from its folder, with the indices and conditions found."""

    manifest: dict
    outcome: str
    table: pd.DataFrame          # one row per (point, strategy)
    design: pd.DataFrame         # one row per point
    sensitivity: pd.DataFrame    # strategy, outcome, parameter, measure, value, conf95
    ranking: pd.DataFrame        # parameter, score (main measure, mean over strategies)
    conditions: pd.DataFrame     # strategy, points_won, share_won, mean outcome, PRIM box
    notes: list[str] = field(default_factory=list)

    @property
    def parameters(self) -> list[str]:
        """The uncertainty columns of the sweep."""
        return [u["column"] for u in self.manifest["uncertainties"]]

    @property
    def horizon(self) -> int:
        """The horizon in days of the sweep's runs."""
        return int(self.manifest["horizon_days"])

    def headline(self) -> list[str]:
        """Plain sentences first (which parameter matters most, which strategy wins where, the
        best value for the cost), then the ranking with its index."""
        m, measure = self.manifest, MAIN_MEASURE[self.manifest["design"]["kind"]]
        lines = [(f"{m['experiment']['name']}: {m['n_points']} points x "
                  f"{len(m['strategies'])} strategies x {m['worlds']:,} worlds")]
        said = outcome_words(self.outcome, self.horizon)
        if len(self.ranking):
            top = self.ranking.iloc[0]
            what = parameter_words(self.paths[top.parameter])
            lines.append(f"What matters most for {said}: {top.parameter}"
                         + (f" ({what})" if what else "") + ": "
                         + index_words(measure, top.score) + ".")
        lines += [f"{r.strategy} {self.where_words(r)}" for r in self.conditions.itertuples()]
        return lines + self.value_lines() + [self.ranking_line()] + self.notes

    def ranking_line(self) -> str:
        """The ranking with its index, for specialists."""
        measure = MAIN_MEASURE[self.manifest["design"]["kind"]]
        ranked = ", ".join(f"{r.parameter} ({measure} {r.score:.2f})"
                           for r in self.ranking.itertuples())
        return (f"parameters that matter most for {self.outcome}, by mean {measure} over "
                f"strategies: {ranked}")

    @property
    def paths(self) -> dict[str, str]:
        """Each uncertainty column's field path in the scenario."""
        return {u["column"]: u["path"] for u in self.manifest["uncertainties"]}

    def where_words(self, r) -> str:
        """Where one strategy (a row of ``conditions``) gives the best outcome, in words."""
        n = self.manifest["n_points"]
        if r.points_won == 0:
            return "is never the best"
        if r.points_won == n:
            return f"is the best everywhere (all {n} points)"
        where = f", mostly where {r.box}" if r.box and r.box != "anywhere" else ""
        return f"is the best at {r.points_won} of {n} points{where}"

    def value_lines(self) -> list[str]:
        """Who is the best value for the cost, in words (nothing if costs are not stored)."""
        if "points_best_value" not in self.conditions:
            return []
        n = self.manifest["n_points"]
        won = [f"{r.strategy} at {r.points_best_value} of {n} points"
               for r in self.conditions.itertuples() if r.points_best_value]
        return [f"Best value for the cost (the cheapest strategy that gets at least "
                f"{GOOD_ENOUGH:.0%} of the best strategy's gain over the {BASELINE}): "
                + "; ".join(won) + "."]


def analyse_sweep(folder: str | Path, outcome: str = "rmst_days",
                  strategies: list[str] | None = None) -> SweepAnalysis:
    """Read a finished sweep and compute indices, the ranking and the strategy table.

    Args:
        folder: the sweep folder (with manifest.json).
        outcome: the outcome column to rank parameters by.
        strategies: analyse only these (e.g. to ask who wins when a dominant one is left out).

    Raises:
        AnalysisError: not a sweep folder, an unfinished sweep, an unknown outcome or strategy.
    """
    store = Store(folder)
    try:
        manifest = store.read_manifest()
    except StoreError as exc:
        raise AnalysisError(str(exc)) from None
    if manifest is None:
        raise AnalysisError(f"{folder}: no manifest.json; expected a folder written by "
                            "`trucesim sweep`")
    if not manifest.get("complete"):
        done = len(manifest["parts"]["parts"])
        raise AnalysisError(f"{folder}: the sweep is unfinished ({done} of "
                            f"{manifest['n_parts']} parts); run the same `trucesim sweep` "
                            "command again to finish it")
    table, design = store.table(), store.design()
    if outcome not in table.columns or outcome in ("point", "strategy", "seed"):
        known = [c for c in table.columns if c not in ("point", "strategy_index", "strategy",
                                                       "seed", "worlds", "scenario_hash")]
        raise AnalysisError(f"--outcome: no outcome '{outcome}'; expected one of: "
                            f"{', '.join(known)}")
    if strategies:
        unknown = [s for s in strategies if s not in manifest["strategies"]]
        if unknown:
            raise AnalysisError(f"--strategies: '{unknown[0]}' is not in this sweep; expected "
                                f"some of: {', '.join(manifest['strategies'])}")
        manifest = manifest | {"strategies": [s for s in manifest["strategies"]
                                              if s in strategies]}
        table = table[table["strategy"].isin(strategies)].reset_index(drop=True)
    notes: list[str] = []
    sens = sensitivity(manifest, design, table, _outcomes(table, outcome), notes)
    return SweepAnalysis(manifest, outcome, table, design, sens, ranking(sens, manifest, outcome),
                         strategy_conditions(manifest, design, table, outcome), notes)


def _outcomes(table: pd.DataFrame, main: str) -> list[str]:
    extra = [c for c in table.columns if c.startswith("survival_")]
    return list(dict.fromkeys([main, "rmst_days", "share_collapsed", *extra]))


def sensitivity(manifest: dict, design: pd.DataFrame, table: pd.DataFrame,
                outcomes: list[str], notes: list[str]) -> pd.DataFrame:
    """Indices of every outcome for every strategy, long format."""
    rows = []
    x = design.sort_values("point")[[f"x_{c}" for c in manifest["problem"]["names"]]].to_numpy()
    for strategy in manifest["strategies"]:
        sub = table[table["strategy"] == strategy].sort_values("point")
        for outcome in outcomes:
            y = sub[outcome].to_numpy(dtype=float)
            if np.isnan(y).any() or np.ptp(y) == 0:
                notes.append(f"{strategy}/{outcome}: no indices (the outcome is constant or "
                             "undefined at some points)")
                continue
            for name, measure, value, conf in _indices(manifest, x, y):
                rows.append({"strategy": strategy, "outcome": outcome, "parameter": name,
                             "measure": measure, "value": value, "conf95": conf})
    return pd.DataFrame(rows, columns=["strategy", "outcome", "parameter", "measure", "value",
                                       "conf95"])


def _indices(manifest: dict, x: np.ndarray, y: np.ndarray):
    design, problem = manifest["design"], manifest["problem"]
    seed = manifest["root_seed"] % 2**32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if design["kind"] == "sobol":
            from SALib.analyze import sobol  # noqa: PLC0415  lazy: SALib
            res = sobol.analyze(problem, y, calc_second_order=design["second_order"],
                                num_resamples=BOOTSTRAP, seed=seed)
            measures = ("S1", "ST")
        elif design["kind"] == "morris":
            from SALib.analyze import morris  # noqa: PLC0415  lazy: SALib
            res = morris.analyze(problem, x, y, num_resamples=BOOTSTRAP,
                                 num_levels=design["morris_levels"], seed=seed)
            res["sigma_conf"] = np.full(len(problem["names"]), np.nan)
            measures = ("mu_star", "sigma")
        else:
            res = correlation_ratio(x, y, seed)
            measures = ("S1",)
    for j, name in enumerate(problem["names"]):
        for m in measures:
            yield name, m, float(res[m][j]), float(res[f"{m}_conf"][j])


def correlation_ratio(x: np.ndarray, y: np.ndarray, seed: int, bins: int | None = None) -> dict:
    """First-order indices from any sample: the share of Var(Y) explained by the means of Y in
    bins of each X_i (equal-count bins; a grid's own levels when it has few), with a bootstrap
    95% interval over points. Bias: with B bins and n points, pure noise scores about B/n."""
    n, d = x.shape
    rng = np.random.default_rng(seed)
    boot = rng.integers(0, n, size=(BOOTSTRAP, n))
    est, conf = np.zeros(d), np.zeros(d)
    for j in range(d):
        codes = _bin_codes(x[:, j], bins or max(2, min(20, int(np.sqrt(n)))))
        est[j] = _eta2(codes, y)
        draws = np.array([_eta2(codes[b], y[b]) for b in boot])
        conf[j] = 1.959963984540054 * draws.std(ddof=1)
    return {"S1": est, "S1_conf": conf}


def _bin_codes(v: np.ndarray, bins: int) -> np.ndarray:
    levels = np.unique(v)
    if len(levels) <= bins:
        return np.searchsorted(levels, v)
    edges = np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1])
    return np.searchsorted(edges, v, side="right")


def _eta2(codes: np.ndarray, y: np.ndarray) -> float:
    total = y.var()
    if total == 0:
        return 0.0
    k = codes.max() + 1
    count = np.bincount(codes, minlength=k)
    mean = np.bincount(codes, weights=y, minlength=k) / np.maximum(count, 1)
    return float((count * (mean - y.mean()) ** 2).sum() / len(y) / total)


def ranking(sens: pd.DataFrame, manifest: dict, outcome: str) -> pd.DataFrame:
    """Parameters ordered by the design's main measure of ``outcome``, mean over strategies."""
    measure = MAIN_MEASURE[manifest["design"]["kind"]]
    sub = sens[(sens["outcome"] == outcome) & (sens["measure"] == measure)]
    if sub.empty:
        return pd.DataFrame(columns=["parameter", "score"])
    score = sub.groupby("parameter")["value"].mean().sort_values(ascending=False)
    return pd.DataFrame({"parameter": score.index, "score": score.to_numpy()})


# ---- strategy x conditions ---------------------------------------------------------------------

def winners(table: pd.DataFrame, outcome: str) -> pd.Series:
    """The winning strategy at each point (ties go to the strategy listed first)."""
    wide = table.pivot(index="point", columns="strategy_index", values=outcome)
    best = wide.idxmin(axis=1) if lower_is_better(outcome) else wide.idxmax(axis=1)
    names = table.drop_duplicates("strategy_index").set_index("strategy_index")["strategy"]
    return best.map(names)


def value_winners(table: pd.DataFrame, outcome: str) -> pd.Series | None:
    """At each point, the cheapest strategy among those whose gain over the baseline reaches
    ``GOOD_ENOUGH`` of the best gain; the baseline where no strategy gains. None when the
    table has no costs or no baseline. Ties go to the strategy listed first."""
    if COST not in table.columns or BASELINE not in set(table["strategy"]):
        return None
    order = list(dict.fromkeys(table.sort_values("strategy_index")["strategy"]))
    wide = table.pivot(index="point", columns="strategy", values=outcome)[order]
    cost = table.pivot(index="point", columns="strategy", values=COST)[order]
    gain = wide.sub(wide[BASELINE], axis=0) * (-1 if lower_is_better(outcome) else 1)
    good = gain.ge(GOOD_ENOUGH * gain.max(axis=1).clip(lower=0), axis=0)
    good[BASELINE] |= ~good.any(axis=1)  # undefined outcomes: nothing beats the baseline
    return cost.where(good).idxmin(axis=1)


def strategy_conditions(manifest: dict, design: pd.DataFrame, table: pd.DataFrame,
                        outcome: str) -> pd.DataFrame:
    """For each strategy: points where it is best, its mean outcome and cost, a PRIM box, and
    the points where it is the best value for the cost."""
    cols = [u["column"] for u in manifest["uncertainties"]]
    won = winners(table, outcome)
    value = value_winners(table, outcome)
    x = design.set_index("point").loc[won.index, cols]
    rows = []
    for s in manifest["strategies"]:
        y = (won == s).to_numpy()
        box = prim(x, y) if 0 < y.sum() < len(y) else None
        mine = table["strategy"] == s
        row = {"strategy": s, "points_won": int(y.sum()), "share_won": float(y.mean()),
               f"mean_{outcome}": float(table.loc[mine, outcome].mean()),
               "box": describe_box(box, x) if box else "",
               "box_density": box["density"] if box else math.nan,
               "box_coverage": box["coverage"] if box else math.nan}
        if value is not None:
            row |= {"mean_cost": float(table.loc[mine, COST].mean()),
                    "points_best_value": int((value == s).sum())}
        rows.append(row)
    return pd.DataFrame(rows)


def prim(x: pd.DataFrame, y: np.ndarray, alpha: float = 0.1, min_mass: float = 0.1,
         threshold: float = 0.8) -> dict:
    """PRIM peeling: shrink a box around the points where ``y`` holds.

    At each step, try cutting ``alpha`` of the remaining points off the low or the high end of
    each parameter, keep the cut that leaves the highest share of ``y`` inside, and stop when
    that share reaches ``threshold``, when no cut improves it, or when fewer than ``min_mass``
    of all points would remain. Then undo each cut that costs less than 0.01 of density when
    undone, so that only the parameters that matter are named.

    Returns:
        ``{"limits": {col: (low, high)}, "density", "coverage", "mass"}``.
    """
    inside = np.ones(len(y), dtype=bool)
    values = {c: x[c].to_numpy(dtype=float) for c in x.columns}
    while y[inside].mean() < threshold:
        best, best_density = None, y[inside].mean()
        for v in values.values():
            for candidate in _peels(v, inside, alpha):
                if candidate.sum() >= min_mass * len(y) and y[candidate].mean() > best_density:
                    best, best_density = candidate, y[candidate].mean()
        if best is None:
            break
        inside = best
    limits = _prune({c: (float(v[inside].min()), float(v[inside].max()))
                     for c, v in values.items()}, values, y)
    inside = _in_box(limits, values)
    return {"limits": limits, "density": float(y[inside].mean()),
            "coverage": float(y[inside].sum() / y.sum()), "mass": float(inside.mean())}


def _in_box(limits: dict, values: dict) -> np.ndarray:
    inside = np.ones(len(next(iter(values.values()))), dtype=bool)
    for c, (lo, hi) in limits.items():
        inside &= (values[c] >= lo) & (values[c] <= hi)
    return inside


def _prune(limits: dict, values: dict, y: np.ndarray, tolerance: float = 0.01) -> dict:
    """Drop restrictions that buy (almost) no density: peeling on noise leaves such cuts."""
    density = y[_in_box(limits, values)].mean()
    for c in list(limits):
        full = (float(values[c].min()), float(values[c].max()))
        relaxed = limits | {c: full}
        if limits[c] != full and y[_in_box(relaxed, values)].mean() >= density - tolerance:
            limits, density = relaxed, y[_in_box(relaxed, values)].mean()
    return limits


def _peels(v: np.ndarray, inside: np.ndarray, alpha: float) -> list[np.ndarray]:
    """The box after cutting the low end, and after cutting the high end, of one parameter."""
    vin = v[inside]
    lo, hi = np.quantile(vin, alpha), np.quantile(vin, 1 - alpha)
    lo_cut = inside & ((v >= lo) if lo > vin.min() else (v > vin.min()))
    hi_cut = inside & ((v <= hi) if hi < vin.max() else (v < vin.max()))
    return [c for c in (lo_cut, hi_cut) if 0 < c.sum() < inside.sum()]


def describe_box(box: dict, x: pd.DataFrame) -> str:
    """The restricted parameters of a box, e.g. ``nusra_p_attack <= 0.04``."""
    parts = []
    for c, (lo, hi) in box["limits"].items():
        full_lo, full_hi = float(x[c].min()), float(x[c].max())
        if lo > full_lo and hi < full_hi:
            parts.append(f"{lo:.3g} <= {c} <= {hi:.3g}")
        elif lo > full_lo:
            parts.append(f"{c} >= {lo:.3g}")
        elif hi < full_hi:
            parts.append(f"{c} <= {hi:.3g}")
    return " and ".join(parts) if parts else "anywhere"
