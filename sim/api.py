"""The Python API: what the commands do, as functions that return pandas tables.

``import sim`` gives these names (``sim.load``, ``sim.run``, ...) without importing the
simulation until one is first used. Scenarios and experiments are given as a path or as the
name of a shipped one (``sim.scenarios()``); a file that exists wins over a name. Overrides use
the ``--set`` syntax: ``"PATH=VALUE"`` strings (:mod:`sim.overrides`). Running is the same code
as the command line, so the same seed gives the same numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.report import Comparison
    from sim.runner import CompareResult, RunResult
    from sim.schema import Scenario
    from sim.sweep import LoadedExperiment, SweepResult


def scenarios() -> pd.DataFrame:
    """The shipped scenarios: one row each, with the ``name`` to load them by.

    Example:
        >>> "syria_2016" in set(sim.scenarios()["name"])
        True
    """
    import pandas as pd  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    from sim.shipped import catalogue  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    return pd.DataFrame(catalogue(), columns=["name", "description"])


def load(scenario: str | Path, overrides: list[str] | None = None) -> Scenario:
    """A validated scenario from a file or a shipped name, with ``--set``-style overrides.

    Raises:
        sim.ScenarioError: every problem of the file or the overrides, each located.

    Example:
        >>> scn = sim.load("syria_2016", ["information.p_misattribution=0.1"])
        >>> scn.information.p_misattribution
        0.1
    """
    from sim.scenario import load as load_file  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    return load_file(scenario, overrides)


def run(scenario: Scenario | str | Path, strategy: str = "baseline", worlds: int = 1000,
        seed: int = 0, days: int | None = None, overrides: list[str] | None = None,
        **options) -> RunResult:
    """Run worlds of a scenario under one strategy (what ``trucesim run`` does).

    ``options`` (``progress``, ``batch``) go to :func:`sim.runner.run`.

    Returns a :class:`sim.runner.RunResult`: ``.worlds`` (one row per world), ``.daily`` (one
    row per day) as pandas tables, and ``.summary`` (the figures `trucesim run` prints).

    Raises:
        sim.ScenarioError: a bad scenario or override.
        KeyError: a strategy the scenario does not define.

    Example:
        >>> result = sim.run("syria_2016", worlds=200, seed=1)
        >>> result.worlds[["survival_days", "is_collapsed"]].shape
        (200, 2)
    """
    from sim.runner import run as run_worlds  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    return run_worlds(scenario, strategy, worlds, seed, days, overrides, **options)


def compare(scenario: Scenario | str | Path, strategies: list[str] | None = None,
            worlds: int = 1000, seed: int = 0, days: int | None = None,
            overrides: list[str] | None = None, workers: int = 1) -> Comparison:
    """Compare strategies on the same worlds against the baseline (``trucesim compare``).

    Args:
        scenario: a validated scenario, a file, or a shipped scenario's name.
        strategies: names from the scenario or the standard library (default: the scenario's);
            the baseline is always included, first.
        worlds: worlds per strategy.
        seed: the run's seed; the same worlds for every strategy.
        days: the horizon (default: the scenario's).
        overrides: ``PATH=VALUE`` strings, as with ``--set``.
        workers: processes (0: one per core); results do not depend on it.

    Returns a :class:`sim.report.Comparison`: ``.table`` (one row per strategy: survival,
    median, RMST, hazard ratio, Holm-adjusted p), ``.result.worlds`` (every world of every
    strategy) and ``.summary`` (what ``--format json`` prints).

    Example:
        >>> cmp = sim.compare("syria_2016", ["monitoring"], worlds=200, seed=1)
        >>> list(cmp.table["strategy"])
        ['baseline', 'monitoring']
    """
    from sim.report import analyse  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)
    from sim.runner import compare as compare_worlds  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    scn = load(scenario, overrides) if isinstance(scenario, (str, Path)) else scenario
    names = ["baseline"] + [s for s in strategies or scn.strategies if s != "baseline"]
    return analyse(compare_worlds(scn, names, worlds, seed, days, workers=workers), scn)


def sweep(experiment: LoadedExperiment | str | Path, out: str | Path, workers: int = 1,
          executor: str = "local", force: bool = False) -> SweepResult:
    """Run (or resume) an experiment's sweep into the folder ``out`` (``trucesim sweep``).

    The table of results, one row per point and strategy with the point's parameter values,
    is ``result.store.results()``; ``trucesim analyze OUT`` reads the same folder.

    Example:
        >>> result = sim.sweep("syria_guarantors_grid", "out/grid", workers=2)
        >>> result.store.results().groupby("strategy")["rmst_days"].mean()
    """
    from sim.sweep import run_experiment  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    return run_experiment(experiment, out, workers, executor, force)


def plot_survival(result: RunResult | CompareResult | Comparison | pd.DataFrame,
                  title: str | None = None) -> Figure:
    """Kaplan–Meier survival curves with 95% bands, one per strategy (the report's figure).

    Example:
        >>> fig = sim.plot_survival(sim.compare("syria_2016", ["monitoring"], worlds=200))
        >>> fig.savefig("survival.png")
    """
    from sim.viz.plots import survival_figure  # noqa: PLC0415  lazy: `import sim` stays fast (module doc)

    worlds, horizon = _worlds_and_horizon(result)
    return survival_figure(worlds, title, horizon)


def _worlds_and_horizon(result) -> tuple[pd.DataFrame, int | None]:
    """The world rows of any result, and its horizon when it knows one."""
    if hasattr(result, "summary") and hasattr(result, "daily"):  # a RunResult
        return result.worlds, result.summary["horizon_days"]
    if hasattr(result, "horizon"):  # a Comparison or a CompareResult
        return getattr(result, "result", result).worlds, result.horizon
    return result, None
