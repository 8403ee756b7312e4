"""Static figures from result tables.

Figures are bare ``matplotlib.figure.Figure`` objects, which render with the Agg backend: no
display and no pyplot global state, so they are safe in scripts, tests and worker processes.
Each strategy has the colour :mod:`sim.viz.palette` gives its name, in every figure.
"""

from __future__ import annotations

import math

import pandas as pd
from lifelines import KaplanMeierFitter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from sim.viz.palette import BASELINE_STYLE, styles

# PNG metadata without the matplotlib version, so the file depends on the data only
PNG_METADATA = {"Software": None}
OVERLAY_MAX = 4  # more strategies than this beside the baseline: one small panel each
CONTEXT = "#d0d0d0"  # the other strategies, drawn faintly behind the one a panel is about


def _curves(worlds: pd.DataFrame) -> dict[str, KaplanMeierFitter]:
    return {str(name): KaplanMeierFitter(label=str(name)).fit(
                g["survival_days"].to_numpy(), g["is_collapsed"].to_numpy(dtype=bool))
            for name, g in worlds.groupby("strategy", sort=False, observed=True)}


def survival_plot(worlds: pd.DataFrame, path, title: str | None = None,
                  horizon: int | None = None, baseline: str = "baseline"):
    """Kaplan–Meier curves with 95% bands, one per strategy, saved as a PNG.

    Up to ``OVERLAY_MAX`` strategies beside the baseline share one panel; with more, each gets
    a small panel of its own against the baseline (black), the others faint grey behind, so
    curves that lie within days of each other can still be told apart.

    Args:
        worlds: world rows with ``strategy``, ``survival_days`` and ``is_collapsed``.
        path: where to write the PNG (a file name or a binary file object).
        title: figure title (default: a generic one).
        horizon: right end of the x axis (default: the longest survival time).
        baseline: the reference strategy, drawn in every panel.
    """
    fig = survival_figure(worlds, title, horizon, baseline)
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    return path


def survival_figure(worlds: pd.DataFrame, title: str | None = None,
                    horizon: int | None = None, baseline: str = "baseline") -> Figure:
    """The figure :func:`survival_plot` saves (a notebook shows it as it is)."""
    curves = _curves(worlds)
    horizon = horizon or int(worlds["survival_days"].max())
    others = [n for n in curves if n != baseline]
    fig = (_overlay(curves, others, baseline, horizon) if len(others) <= OVERLAY_MAX
           else _panels(curves, others, baseline, horizon))
    fig.suptitle(title or "Truce survival by strategy (Kaplan–Meier, 95% bands)")
    fig.tight_layout()
    return fig


def _draw(ax, kmf: KaplanMeierFitter, colour: str, line: str, width: float = 1.8,
          band: bool = True) -> None:
    kmf.plot_survival_function(ax=ax, ci_show=band, color=colour, linestyle=line,
                               linewidth=width, ci_alpha=0.15)


def _overlay(curves: dict, others: list[str], baseline: str, horizon: int) -> Figure:
    fig = Figure(figsize=(8, 5), dpi=120)
    ax = fig.subplots()
    style = styles(list(curves))
    for name in ([baseline] if baseline in curves else []) + others:
        _draw(ax, curves[name], *style[name], width=2.2 if name == baseline else 1.8)
    low = min(float(k.survival_function_.iloc[:, 0].min()) for k in curves.values())
    floor = math.floor((low - 0.05) * 10) / 10 if low > 0.55 else 0.0  # zoom in on high curves
    _dress(ax, horizon, floor=floor)
    ax.legend(title="strategy", loc="lower left", frameon=False)
    return fig


def _panels(curves: dict, others: list[str], baseline: str, horizon: int) -> Figure:
    cols = 3 if len(others) > 4 else 2
    rows = math.ceil(len(others) / cols)
    fig = Figure(figsize=(3.6 * cols, 2.9 * rows + 0.5), dpi=120)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    style = styles(list(curves))
    for ax, name in zip(axes, others, strict=False):
        for other in others:
            if other != name:
                _draw(ax, curves[other], CONTEXT, "-", width=0.9, band=False)
        if baseline in curves:
            _draw(ax, curves[baseline], *BASELINE_STYLE, width=1.6, band=False)
        _draw(ax, curves[name], *style[name], width=2.2)
        _dress(ax, horizon, labels=False)
        ax.set_title(f"{name} vs {baseline}", color=style[name][0], fontsize=10)
        ax.get_legend().remove()
    for k, ax in enumerate(axes):
        if k >= len(others):
            ax.set_visible(False)
        elif k + cols >= len(others):  # no panel below: this one shows the day axis
            ax.xaxis.set_tick_params(labelbottom=True)
    key = [Line2D([], [], color=BASELINE_STYLE[0], linewidth=1.6, label=baseline),
           Line2D([], [], color=CONTEXT, linewidth=0.9, label="the other strategies")]
    fig.legend(handles=key, loc="lower right", frameon=False, fontsize=9)
    fig.supxlabel("days since the truce began", fontsize=10)
    fig.supylabel("worlds with the truce holding", fontsize=10)
    return fig


def _dress(ax, horizon: int, labels: bool = True, floor: float = 0.0) -> None:
    ax.set_xlim(0, horizon)
    ax.set_ylim(floor, 1.0 + 0.02 * (1.0 - floor))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("days since the truce began" if labels else "")
    note = f" (axis starts at {floor:.0%})" if floor > 0 else ""
    ax.set_ylabel(f"share of worlds with the truce holding{note}" if labels else "")
    ax.grid(alpha=0.3)


def cost_benefit_plot(table: pd.DataFrame, path, title: str | None = None):
    """What each strategy buys and what it costs, side by side, one row per strategy (the most
    days gained at the top), from a :func:`sim.analysis.survival.compare_table`: extra days
    held against the baseline (95% CI), mean cost per world (running and one-off), and cost per
    extra day held. Saved as a PNG."""
    rows = sorted(table.to_dict(orient="records"),
                  key=lambda r: 0.0 if r["is_baseline"] else r["rmst_gain_days"])
    names = [str(r["strategy"]) for r in rows]
    colours = [c for c, _ in styles(names).values()]
    fig = Figure(figsize=(10, 1.2 + 0.42 * len(rows)), dpi=120)
    gain_ax, cost_ax, unit_ax = fig.subplots(1, 3, sharey=True)
    y = list(range(len(rows)))
    _gain_bars(gain_ax, rows, y, colours)
    _cost_bars(cost_ax, rows, y, colours)
    per_day = [r.get("cost_per_day_gained") for r in rows]
    unit_ax.barh(y, [0.0 if _missing(v) else v for v in per_day], color=colours)
    for k, v in enumerate(per_day):
        unit_ax.annotate("—" if _missing(v) else f"{v:,.2f}", (0.0 if _missing(v) else v, k),
                         xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    unit_ax.set_xlim(0, max([v for v in per_day if not _missing(v)] + [0.1]) * 1.25)
    unit_ax.set_title("cost per extra day held", fontsize=10)
    gain_ax.set_yticks(y, names)
    for ax in (gain_ax, cost_ax, unit_ax):
        ax.grid(axis="x", alpha=0.3)
        ax.margins(x=0.15)
    fig.suptitle(title or "What each option buys and what it costs")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    return path


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _gain_bars(ax, rows: list[dict], y: list[int], colours: list[str]) -> None:
    gains = [0.0 if r["is_baseline"] else r["rmst_gain_days"] for r in rows]
    err = [[0.0 if r["is_baseline"] else g - r["rmst_gain_lo"] for g, r in zip(gains, rows)],
           [0.0 if r["is_baseline"] else r["rmst_gain_hi"] - g for g, r in zip(gains, rows)]]
    ax.barh(y, gains, xerr=err, color=colours, capsize=2, error_kw={"linewidth": 0.8})
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_title("extra days held against the baseline\n(mean over worlds, 95% CI)", fontsize=10)


def _cost_bars(ax, rows: list[dict], y: list[int], colours: list[str]) -> None:
    once = [r.get("mean_cost_one_off") or 0.0 for r in rows]
    running = [max(0.0, r["mean_cost"] - o) for r, o in zip(rows, once)]
    ax.barh(y, running, color=colours, label="running (per day active)")
    ax.barh(y, once, left=running, color=colours, alpha=0.45, hatch="///",
            label="one-off (per activation)")
    for k, r in enumerate(rows):
        ax.annotate(f"{r['mean_cost']:,.2f}", (r["mean_cost"], k), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_xlim(0, max([r["mean_cost"] for r in rows] + [1.0]) * 1.25)
    ax.set_title("mean cost per world\n(effort points)", fontsize=10)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
