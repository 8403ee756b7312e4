"""Scenario sweeps: experiment files, designs, a resumable Parquet store, local and Dask executors.

Use ``trucesim sweep EXPERIMENT --out DIR`` and ``trucesim analyze DIR``, or from Python::

    from sim.sweep import load_experiment, sweep
    result = sweep(load_experiment("experiments/syria_spoilers_sobol.yaml"), "out/sweep")
    result.store.table()   # one row per (point, strategy)
    result.store.results() # the same, with each point's parameter values
"""

from sim.sweep.experiment import Experiment, LoadedExperiment, is_experiment, load_experiment
from sim.sweep.run import SweepResult, sweep
from sim.sweep.store import Store, StoreError

__all__ = ["Experiment", "LoadedExperiment", "Store", "StoreError", "SweepResult",
           "is_experiment", "load_experiment", "sweep"]
