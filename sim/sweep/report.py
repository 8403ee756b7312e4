"""The report of a sweep's analysis: plain words first, then the indices and PRIM boxes, then
the terms; two plots with readable axes. Reads a :class:`SweepAnalysis` only.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from sim.atomic import atomic_write
from sim.report import to_html, to_markdown
from sim.sweep.analyze import BOOTSTRAP, GOOD_ENOUGH, MAIN_MEASURE, SweepAnalysis, lower_is_better
from sim.sweep.words import GLOSSARY, index_words, outcome_words, parameter_words

MAX_TICKS = 5  # per axis: labels such as "0.275" stay apart on a 4-inch panel


def _pyplot():
    import matplotlib  # noqa: PLC0415  lazy: matplotlib, with its backend set first

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415  lazy: after matplotlib.use

    return plt


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _axis_label(a: SweepAnalysis, column: str) -> str:
    words = parameter_words(a.paths[column])
    return column + ("\n" + _wrap(words) if words else "")


def outcome_plot(a: SweepAnalysis, outcome: str):
    """One panel per parameter: the outcome's mean over binned parameter values, per strategy."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415  lazy: matplotlib (see _pyplot)

    plt = _pyplot()
    params = a.parameters
    fig, axes = plt.subplots(1, len(params), figsize=(4.2 * len(params), 4.0), squeeze=False,
                             sharey=True)
    merged = a.table.merge(a.design[["point", *params]], on="point")
    for ax, p in zip(axes[0], params):
        bins = _bins(merged[p])
        for s in a.manifest["strategies"]:
            sub = merged[merged["strategy"] == s]
            g = sub.groupby(bins.loc[sub.index], observed=True)
            ax.plot(g[p].mean(), g[outcome].mean(), marker="o", ms=3, label=s)
        ax.set_xlabel(_axis_label(a, p), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(MAX_TICKS))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(_wrap(outcome_words(outcome, a.horizon), 32), fontsize=9)
    axes[0][-1].legend(fontsize=8)
    fig.suptitle(_wrap(f"How {outcome_words(outcome, a.horizon)} changes with each parameter "
                       "(mean over the other parameters)", 110), fontsize=10)
    fig.tight_layout()
    return fig


def _bins(v):
    if v.nunique() <= 12:
        return v
    return pd.qcut(v, 8, duplicates="drop")


def sensitivity_plot(a: SweepAnalysis):
    """The design's main index of each parameter, one bar per strategy, with its interval."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415  lazy: matplotlib (see _pyplot)

    plt = _pyplot()
    measure = MAIN_MEASURE[a.manifest["design"]["kind"]]
    sub = a.sensitivity[(a.sensitivity["outcome"] == a.outcome)
                        & (a.sensitivity["measure"] == measure)]
    strategies, params = a.manifest["strategies"], a.parameters
    fig, ax = plt.subplots(figsize=(max(7.0, 2.2 * len(params)), 4.0))
    width = 0.8 / len(strategies)
    for k, s in enumerate(strategies):
        rows = sub[sub["strategy"] == s].set_index("parameter").reindex(params)
        ax.bar(np.arange(len(params)) + k * width, rows["value"], width,
               yerr=rows["conf95"].fillna(0), capsize=2, label=s)
    ax.set_xticks(np.arange(len(params)) + 0.4 - width / 2,
                  [_wrap(p, 16) for p in params], fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(MAX_TICKS))
    ax.set_ylabel(_wrap(f"{measure}: how much it matters", 30), fontsize=9)
    ax.set_title(_wrap(f"How much each parameter matters for "
                       f"{outcome_words(a.outcome, a.horizon)}", 80), fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


# ---- the report --------------------------------------------------------------------------------

def plain_words(a: SweepAnalysis) -> list[str]:
    """The report's first section: the answers, without the indices' names."""
    measure = MAIN_MEASURE[a.manifest["design"]["kind"]]
    said = outcome_words(a.outcome, a.horizon)
    items, ranked = [], list(a.ranking.itertuples())
    if ranked:
        top, what = ranked[0], parameter_words(a.paths[ranked[0].parameter])
        items.append(f"What matters most for {said}: **{top.parameter}**"
                     + (f" ({what})" if what else "")
                     + f", which accounts for {index_words(measure, top.score)}.")
    if len(ranked) > 1:
        items.append("Then, in order: " + "; ".join(
            f"**{r.parameter}**, {index_words(measure, r.score).split(' of the')[0]}"
            for r in ranked[1:]) + ".")
    for r in a.conditions.itertuples():
        items.append(f"**{r.strategy}** {a.where_words(r)}.")
    return items + a.value_lines()


def _where(a: SweepAnalysis, r) -> list[str]:
    """"where it wins", density and coverage cells of one strategy's row."""
    n = a.manifest["n_points"]
    if r.points_won == n:
        return ["everywhere", "100%", "100%"]
    if r.points_won == 0:
        return ["nowhere", "", ""]
    return [r.box or "anywhere", f"{r.box_density:.0%}", f"{r.box_coverage:.0%}"]


def _strategy_table(a: SweepAnalysis) -> tuple:
    has_cost = "points_best_value" in a.conditions
    head = ["strategy", "points where best", f"mean {a.outcome}",
            *(["mean cost", "points where best value"] if has_cost else []),
            "where it is best (PRIM box)", "density", "coverage"]
    rows = []
    for r in a.conditions.itertuples():
        cost = [f"{r.mean_cost:.3g}", str(r.points_best_value)] if has_cost else []
        rows.append([r.strategy, f"{r.points_won} ({r.share_won:.0%})",
                     f"{getattr(r, f'mean_{a.outcome}'):.3g}", *cost, *_where(a, r)])
    return ("table", head, rows)


def _index_table(a: SweepAnalysis) -> tuple:
    sub = a.sensitivity[a.sensitivity["outcome"] == a.outcome]
    head = ["strategy", "parameter", *sorted(sub["measure"].unique())]
    rows = []
    for (s, p), g in sub.groupby(["strategy", "parameter"], sort=False):
        cells = {r.measure: f"{r.value:.3f} ± {r.conf95:.3f}" for r in g.itertuples()}
        rows.append([s, p, *[cells.get(h, "") for h in head[2:]]])
    return ("table", head, rows)


def report_blocks(a: SweepAnalysis) -> list[tuple]:
    """The report as blocks for :func:`sim.report.to_markdown` and ``to_html``."""
    m = a.manifest
    measure = MAIN_MEASURE[m["design"]["kind"]]
    about = (f"{m['n_points']} points ({m['design']['kind']} design) x "
             f"{len(m['strategies'])} strategies x {m['worlds']:,} worlds, "
             f"{m['horizon_days']} days, root seed {m['root_seed']}; "
             f"scenario `{m['scenario']['name']}`.")
    params = [[u["column"], parameter_words(u["path"]), f"`{u['path']}`",
               (f"{u['range'][0]:g} to {u['range'][1]:g}" if u.get("range")
                else ", ".join(f"{v:g}" for v in u["values"]))]
              for u in m["uncertainties"]]
    best = "lowest" if lower_is_better(a.outcome) else "highest"
    blocks: list[tuple] = [
        ("h1", f"Sweep: {m['experiment']['name']}"), ("p", about),
        ("h2", "In plain words"), ("ul", plain_words(a)),
        ("img", "outcome_vs_parameters.png",
         f"{outcome_words(a.outcome, a.horizon)} against each parameter"),
        ("h2", "The parameters"), ("table", ["parameter", "what it is", "path", "range"], params),
        ("h2", "Details: which parameters matter"),
        ("p", a.ranking_line() + "."),
        _index_table(a),
        ("p", (f"Indices of `{a.outcome}` with the half-width of a 95% bootstrap interval "
               f"({BOOTSTRAP} resamples); the ranking uses {measure}, averaged over "
               "strategies.")),
        ("img", "sensitivity.png", f"{measure} of {a.outcome} by parameter"),
        ("h2", "Details: which strategy wins where"),
        ("p", (f"At each point the strategy with the {best} `{a.outcome}` is the best; the "
               f"best value is the cheapest strategy that gets at least {GOOD_ENOUGH:.0%} of "
               "the best strategy's gain over the baseline. Where a strategy is best: a PRIM "
               "box.")),
        _strategy_table(a),
        ("h2", "Terms"), ("ul", [f"**{k}**: {v}" for k, v in GLOSSARY.items()]),
    ]
    if a.notes:
        blocks += [("h2", "Notes"), ("ul", a.notes)]
    return blocks


def write_analysis(a: SweepAnalysis, out_dir: str | Path) -> list[Path]:
    """Write report.md, report.html, sensitivity.csv, conditions.csv, analysis.json and plots."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figs = {"sensitivity.png": sensitivity_plot(a),
            "outcome_vs_parameters.png": outcome_plot(a, a.outcome)}
    blocks = report_blocks(a)
    summary = {"outcome": a.outcome, "ranking": a.ranking.to_dict("records"),
               "conditions": a.conditions.to_dict("records"), "notes": a.notes}
    files = {
        "report.md": lambda p: Path(p).write_text(to_markdown(blocks)),
        "report.html": lambda p: Path(p).write_text(to_html(blocks)),
        "sensitivity.csv": lambda p: a.sensitivity.to_csv(p, index=False),
        "conditions.csv": lambda p: a.conditions.to_csv(p, index=False),
        "analysis.json": lambda p: Path(p).write_text(json.dumps(summary, indent=1,
                                                                 default=_json) + "\n"),
    }
    for name, fig in figs.items():
        atomic_write(out / name, lambda p, fig=fig: fig.savefig(p, format="png", dpi=110))
    for name, write in files.items():
        atomic_write(out / name, write)
    plt = _pyplot()
    for fig in figs.values():
        plt.close(fig)
    return [out / n for n in [*files, *figs]]


def _json(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, np.integer):
        return int(x)
    return float(x) if isinstance(x, np.floating) else str(x)
