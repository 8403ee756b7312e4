"""Static figures from result tables.

Figures are bare ``matplotlib.figure.Figure`` objects, which render with the Agg backend: no
display and no pyplot global state, so they are safe in scripts, tests and worker processes.
"""

from __future__ import annotations

import pandas as pd
from lifelines import KaplanMeierFitter
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

# PNG metadata without the matplotlib version, so the file depends on the data only
PNG_METADATA = {"Software": None}


def survival_plot(worlds: pd.DataFrame, path, title: str | None = None,
                  horizon: int | None = None):
    """Kaplan–Meier curves with 95% bands, one per strategy, saved as a PNG.

    Args:
        worlds: world rows with ``strategy``, ``survival_days`` and ``is_collapsed``.
        path: where to write the PNG (a file name or a binary file object).
        title: figure title (default: a generic one).
        horizon: right end of the x axis (default: the longest survival time).
    """
    fig = survival_figure(worlds, title, horizon)
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    return path


def survival_figure(worlds: pd.DataFrame, title: str | None = None,
                    horizon: int | None = None) -> Figure:
    """The figure :func:`survival_plot` saves (a notebook shows it as it is)."""
    fig = Figure(figsize=(8, 5), dpi=120)
    ax = fig.subplots()
    for i, (name, g) in enumerate(worlds.groupby("strategy", sort=False, observed=True)):
        kmf = KaplanMeierFitter(label=str(name)).fit(
            g["survival_days"].to_numpy(), g["is_collapsed"].to_numpy(dtype=bool))
        kmf.plot_survival_function(ax=ax, ci_show=True, color=f"C{i % 10}", linewidth=1.6)
    _dress(ax, title, horizon or int(worlds["survival_days"].max()))
    fig.tight_layout()
    return fig


def _dress(ax, title: str | None, horizon: int) -> None:
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("days since the truce began")
    ax.set_ylabel("share of worlds with the truce holding")
    ax.set_title(title or "Truce survival by strategy (Kaplan–Meier, 95% bands)")
    ax.grid(alpha=0.3)
    ax.legend(title="strategy", loc="lower left", frameon=False)
