"""A worker made ready before its first part: trucesim imported and the compiled day loaded.

A fresh Python process pays about 2.5-3 s before it runs its first world (importing Mesa and
its dependencies, about 1.1 s; trucesim; numba's cached machine code of the compiled day); a
process that stays up pays it once. Dask runs this module in each worker it starts when the
worker is given it as a preload::

    dask worker tcp://HOST:8786 --nthreads 1 --preload sim.warm

so the workers of a cluster you keep are ready before the first sweep reaches them, and the
``LocalCluster`` of ``--executor dask`` preloads it too (:mod:`sim.sweep.executors`). Importing
the module does nothing: Dask calls :func:`dask_setup` when the worker starts.
"""

from __future__ import annotations

import time

SCENARIO = "syria_2016"  # shipped; its compiled day is the one most runs use


def warm() -> float:
    """Import the model and run one world for one day (the compiled day is loaded from numba's
    cache, or compiled if there is none); returns the seconds it took."""
    start = time.perf_counter()
    from sim.model import TruceModel  # noqa: PLC0415  the point is to pay for these imports
    from sim.scenario import load  # noqa: PLC0415

    TruceModel(load(SCENARIO), 1, seed=0, days=1).step()
    return time.perf_counter() - start


def dask_setup(worker=None) -> None:  # noqa: ARG001  Dask's preload hook passes the worker
    """Dask's preload hook: warm the worker before it takes tasks."""
    warm()
