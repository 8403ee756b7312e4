"""Scenario sweeps: experiment files, designs, a resumable Parquet store, local and Dask executors.

Use ``trucesim sweep EXPERIMENT --out DIR`` and ``trucesim analyze DIR``, or from Python::

    from sim.sweep import load_experiment, sweep
    result = sweep(load_experiment("experiments/syria_spoilers_sobol.yaml"), "out/sweep")
    result.store.table()   # one row per (point, strategy)
    result.store.results() # the same, with each point's parameter values

The package is also callable: ``sim.sweep("syria_guarantors_grid", "out/grid")`` is
:func:`sim.api.sweep` (a name can mean this package or the API function; both work).
"""

import sys
import types
from pathlib import Path

from sim.sweep.experiment import Experiment, LoadedExperiment, is_experiment, load_experiment
from sim.sweep.run import SweepResult, sweep
from sim.sweep.store import Store, StoreError

__all__ = ["Experiment", "LoadedExperiment", "Store", "StoreError", "SweepResult",
           "is_experiment", "load_experiment", "run_experiment", "sweep"]


def run_experiment(experiment: LoadedExperiment | str | Path, out: str | Path, workers: int = 1,
                   executor: str = "local", force: bool = False) -> SweepResult:
    """Run (or resume) an experiment, given loaded or as a file or shipped name, into ``out``.

    What :func:`sim.api.sweep` and ``sim.sweep(...)`` do; ``trucesim sweep`` takes more options.
    """
    exp = load_experiment(experiment) if isinstance(experiment, (str, Path)) else experiment
    return sweep(exp, out, executor, workers, force=force)


class _CallablePackage(types.ModuleType):
    """``sim.sweep(...)`` calls :func:`sim.api.sweep`: importing this package binds the name
    ``sim.sweep`` to it, and the API promises a function of that name."""

    def __call__(self, *args, **kwargs):
        return run_experiment(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
