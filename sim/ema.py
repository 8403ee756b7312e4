"""EMA Workbench adapter: a trucesim scenario as an EMA ``Model``.

The EMA Workbench (Kwakkel 2017) treats a model as a function from parameters to outcomes, with
typed lists of uncertainties, levers and outcomes. Here the uncertainties are numeric scenario
fields (``--set`` paths), the one lever is the strategy, and the outcomes are the per-run
figures a sweep stores (:func:`sim.sweep.outcomes.outcome_row`). Every experiment runs its
worlds with the same seed, so strategies and parameter values are compared on the same random
numbers (common random numbers).

Example::

    from ema_workbench import perform_experiments
    from sim.ema import experiment_model
    model = experiment_model("experiments/syria_spoilers_sobol.yaml", worlds=200)
    experiments, outcomes = perform_experiments(
        model, scenarios=20, policies=model.levers[0].categories)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

with warnings.catch_warnings():  # EMA warns on import that an optional evaluator is missing
    warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
    from ema_workbench import CategoricalParameter, Model, RealParameter, ScalarOutcome

from sim.sweep.experiment import LoadedExperiment, load_experiment, point_scenario
from sim.sweep.outcomes import outcome_row
from sim.sweep.run import outcome_causes, run_worlds

MAXIMIZE = ("survival_", "rmst_days")
MINIMIZE = ("share_collapsed", "mean_intervention_cost")


@dataclass(frozen=True)
class TrucesimFunction:
    """The function EMA calls: parameters and a strategy in, outcomes out (picklable)."""

    exp: LoadedExperiment
    worlds: int
    seed: int
    days: int | None = None

    def __call__(self, strategy: str = "baseline", **values: float) -> dict[str, float]:
        """The outcomes of one point (values by uncertainty column) under ``strategy``."""
        paths = {u.column: u.path for u in self.exp.spec.uncertainties}
        scn = point_scenario(self.exp, {paths[k]: v for k, v in values.items()})
        days = self.days or self.exp.spec.days
        table = run_worlds(scn, strategy, self.seed, self.worlds, days)
        horizon = days or self.exp.horizon
        row = outcome_row(table, horizon, [h for h in self.exp.spec.horizons if h <= horizon],
                          outcome_causes(scn))
        return {name: row.get(name, np.nan) for name in outcome_names(self.exp)}


def outcome_names(exp: LoadedExperiment) -> list[str]:
    """The outcome columns an experiment's model reports."""
    return [*(f"survival_{h}" for h in exp.spec.horizons), "rmst_days", "share_collapsed",
            "mean_intervention_cost"]


def _kind(name: str) -> int:
    if name.startswith(MAXIMIZE):
        return ScalarOutcome.MAXIMIZE
    return ScalarOutcome.MINIMIZE if name.startswith(MINIMIZE) else ScalarOutcome.INFO


def experiment_model(experiment: str | Path | LoadedExperiment, worlds: int | None = None,
                     seed: int | None = None, days: int | None = None,
                     name: str = "trucesim") -> Model:
    """An EMA ``Model`` built from an experiment file.

    Uncertainties are the file's (a range becomes a ``RealParameter``, a list of values a
    ``CategoricalParameter``); the lever is ``strategy``, over the file's strategies.

    Args:
        experiment: the experiment, loaded or as a file or shipped name.
        worlds: worlds per experiment (default: the file's).
        seed: the seed every experiment uses (default: the file's root seed).
        days: horizon (default: the file's); survival beyond it is reported as NaN.
        name: the EMA model's name.
    """
    exp = experiment if isinstance(experiment, LoadedExperiment) else load_experiment(experiment)
    model = Model(name, function=TrucesimFunction(exp, worlds or exp.spec.worlds,
                                                  exp.spec.seed if seed is None else seed, days))
    model.uncertainties = [RealParameter(u.column, *u.range) if u.range is not None
                           else CategoricalParameter(u.column, u.values)
                           for u in exp.spec.uncertainties]
    model.levers = [CategoricalParameter("strategy", exp.spec.strategies)]
    model.outcomes = [ScalarOutcome(n, kind=_kind(n)) for n in outcome_names(exp)]
    return model
