"""What a calibration says: the posterior table, which parameters the record constrains, the
posterior predictive check, plots and report.md (issue 17).

A parameter's constraint is the width of its posterior's central 90% interval over the width of
its prior's (value scale, weights applied): near 1 the record leaves it at the prior; small, the
record pins it down.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate import Calibration, Settings, diagnostics, simulate
from sim.priors import distribution
from sim.priors_schema import RUN_STATISTICS, Target
from sim.schema import Scenario

CONSTRAINED, PARTLY = 0.5, 0.8  # ratio below: "constrained"; below: "partly"; else at the prior
N_PAIRS = 6  # parameters in the pairs plot: the most constrained


def posterior_table(cal: Calibration) -> pd.DataFrame:
    """The last generation: one row per particle, a column per field path, weight, distance."""
    g = cal.final
    table = cal.values(g.u)
    table["weight"] = g.weights
    table["distance"] = g.distance
    return table


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of x under weights w (inverse of the weighted empirical CDF)."""
    order = np.argsort(x, kind="stable")
    cdf = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cdf, q), len(x) - 1)])


def constraints(cal: Calibration, strategy: str = "baseline") -> pd.DataFrame:
    """Per field: prior and posterior 90% intervals, width ratio and verdict, most
    constrained first. Fields of strategies other than the one calibrated change none of its
    worlds: their verdict says so, whatever their ratio (which then measures only how few
    particles there are)."""
    return constraints_of(cal.fields, posterior_table(cal), strategy)


def constraints_of(fields: list, table: pd.DataFrame, strategy: str = "baseline") -> pd.DataFrame:
    """:func:`constraints` of a posterior table (a column per field path and ``weight``, as
    ``posterior.parquet`` holds it) over ``fields`` (:func:`sim.priors.resolve`)."""
    w = table["weight"].to_numpy(dtype=float)
    rows = []
    for r in fields:
        prior = distribution(r.prior)
        lo, hi = float(prior.ppf(0.05)), float(prior.ppf(0.95))
        x = table[r.path].to_numpy(dtype=float)
        plo, phi = weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95)
        ratio = (phi - plo) / (hi - lo) if hi > lo else math.nan
        rows.append({"parameter": r.path, "prior_5": lo, "prior_95": hi, "posterior_5": plo,
                     "posterior_95": phi, "posterior_mean": float(np.average(x, weights=w)),
                     "width_ratio": ratio, "verdict": verdict(ratio, _unused(r.path, strategy))})
    return pd.DataFrame(rows).sort_values("width_ratio", kind="stable").reset_index(drop=True)


def _unused(path: str, strategy: str) -> bool:
    parts = path.split(".")
    return parts[0] == "strategies" and len(parts) > 1 and parts[1] != strategy


def verdict(ratio: float, unused: bool = False) -> str:
    """The verdict "constrained" / "partly" / "at prior", by the width ratio; "not run" for a
    field the calibrated strategy never uses, "n/a" for a NaN ratio."""
    if unused:
        return "not run"
    if math.isnan(ratio):
        return "n/a"
    return "constrained" if ratio < CONSTRAINED else "partly" if ratio < PARTLY else "at prior"


def predictive_check(scn: Scenario, cal: Calibration, targets: list[Target],
                     s: Settings) -> pd.DataFrame:
    """Posterior predictive check: the posterior's sets run again on fresh worlds; per target,
    the share of sets meeting it (for a statistic of each world without a share band: the mean
    share of each set's worlds meeting it)."""
    miss = simulate(scn, cal.fields, cal.final.u, cal.simulated, targets, s)
    w = cal.final.weights
    rows = []
    for k, t in enumerate(targets):
        worldwise = t.statistic not in RUN_STATISTICS and t.share is None
        met = 1.0 - miss[:, k] if worldwise else (miss[:, k] == 0).astype(float)
        rows.append({"target": t.id, "statistic": t.statistic.value,
                     "share_meeting": float(np.average(met, weights=w)),
                     "of": "worlds" if worldwise else "parameter sets"})
    return pd.DataFrame(rows)


def plot_prior_posterior(cal: Calibration, path: Path) -> None:
    """One panel per parameter: the prior's density, the posterior's weighted histogram."""
    import matplotlib  # noqa: PLC0415  lazy: matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415  lazy: matplotlib

    n = len(cal.fields)
    cols = min(6, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 1.9 * rows), squeeze=False)
    table, w = posterior_table(cal), cal.final.weights
    for ax, r in zip(axes.flat, cal.fields):
        grid = np.linspace(r.prior.low, r.prior.high, 200)
        ax.plot(grid, distribution(r.prior).pdf(grid), color="0.5", lw=1, label="prior")
        ax.hist(table[r.path], bins=20, weights=w, density=True, range=(r.prior.low,
                r.prior.high), color="tab:blue", alpha=0.6, label="posterior")
        ax.set_title(_short(r.path), fontsize=6)
        ax.tick_params(labelsize=5)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=5)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_pairs(cal: Calibration, names: list[str], path: Path) -> None:
    """Pairs of the most constrained parameters: posterior particles, sized by weight."""
    import matplotlib  # noqa: PLC0415  lazy: matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415  lazy: matplotlib

    table, w = posterior_table(cal), cal.final.weights
    k = len(names)
    fig, axes = plt.subplots(k, k, figsize=(1.8 * k, 1.8 * k), squeeze=False)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i][j]
            if i == j:
                ax.hist(table[a], bins=15, weights=w, color="tab:blue", alpha=0.6)
            else:
                ax.scatter(table[b], table[a], s=40 * w / w.max(), alpha=0.5)
            ax.tick_params(labelsize=4)
            if i == k - 1:
                ax.set_xlabel(_short(b), fontsize=5)
            if j == 0:
                ax.set_ylabel(_short(a), fontsize=5)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _short(path: str) -> str:
    parts = path.split(".")
    return ".".join(parts[-3:]) if len(parts) > 3 else path


def report_blocks(meta: dict, cal: Calibration, cons: pd.DataFrame,
                  ppc: pd.DataFrame) -> list[tuple]:
    """The calibration report as blocks (rendered by :func:`sim.report.to_markdown` and
    :func:`sim.report.to_html`): provenance, run, which parameters the record constrains, the
    posterior predictive check, the plots."""
    counts = cons["verdict"].value_counts()
    tally = ", ".join(f"{v}: {int(counts.get(v, 0))}"
                      for v in ("constrained", "partly", "at prior", "not run"))
    return [
        ("h1", f"Calibration of {meta['scenario']}"),
        ("p", (f"Scenario hash `{meta['scenario_hash']}`, targets hash `{meta['targets_hash']}`, "
              f"seed {meta['seed']}, trucesim {meta['version']}. Command: `{meta['command']}`.")),
        ("p", (f"{len(cal.generations)} generations, {cal.simulated:,} parameter sets simulated "
              f"({meta['settings']['worlds']} worlds each); stopped: {cal.stopped}.")),
        ("h2", "Generations"), ("table", *_table(diagnostics(cal))),
        ("h2", "Which parameters the record constrains"),
        ("p", (f"Width ratio = posterior 90% interval width / prior 90% interval width (below "
              f"{CONSTRAINED}: constrained; below {PARTLY}: partly; else left at the prior). "
              f"{tally}. \"not run\": a field of another strategy, which the calibrated "
              "strategy's worlds never use, so the record cannot speak to it. With few "
              "particles a ratio is itself noisy.")),
        ("table", *_table(cons)),
        ("img", "prior_posterior.png", "prior (line) and posterior (bars) of every parameter"),
        ("img", "pairs.png", "pairs of the most constrained parameters"),
        ("h2", "Posterior predictive check"),
        ("p", ("The posterior's parameter sets run again on fresh worlds: the share meeting each "
              "target (of worlds, for a fact about each world; of sets, for a figure of the "
              "run).")),
        ("table", *_table(ppc)),
    ]


def _table(df: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    return list(df.columns), [[_cell(v) for v in row] for row in df.itertuples(index=False)]


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)
