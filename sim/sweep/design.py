"""Designs: the points of a sweep (grid, Latin hypercube, Sobol/Saltelli, Morris) and their seeds.

Samples come from SALib with the experiment's root seed, so the same file gives the same points.
A listed-values uncertainty is sampled as an index: uniform on [0, k) and floored, so every
value is equally likely. Each point's seed is derived from the root seed by
``SeedSequence(root, spawn_key=(point,))``; all strategies at a point share it, so they are
compared on the same worlds (common random numbers), as in ``trucesim compare``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from sim.sweep.experiment import DesignKind, Experiment, Uncertainty


def salib_problem(spec: Experiment) -> dict:
    """The SALib problem: one variable per uncertainty; listed values are sampled as indices."""
    return {
        "num_vars": len(spec.uncertainties),
        "names": [u.column for u in spec.uncertainties],
        "bounds": [list(u.range) if u.range is not None else [0.0, float(len(u.values))]
                   for u in spec.uncertainties],
    }


def sample(spec: Experiment) -> np.ndarray:
    """The raw sample matrix, shape (points, uncertainties), in SALib's units."""
    d, problem = spec.design, salib_problem(spec)
    if d.kind is DesignKind.GRID:
        axes = [np.linspace(*u.range, u.levels) if u.range is not None
                else np.arange(len(u.values)) + 0.5 for u in spec.uncertainties]
        return np.array(list(itertools.product(*axes)), dtype=float)
    if d.kind is DesignKind.SOBOL:
        from SALib.sample import sobol  # noqa: PLC0415  lazy: SALib
        return sobol.sample(problem, d.n, calc_second_order=d.second_order, seed=spec.seed)
    if d.kind is DesignKind.MORRIS:
        from SALib.sample import morris  # noqa: PLC0415  lazy: SALib
        return morris.sample(problem, d.n, num_levels=d.morris_levels, seed=spec.seed)
    from SALib.sample import latin  # noqa: PLC0415  lazy: SALib
    return latin.sample(problem, d.n, seed=spec.seed)


def _value(u: Uncertainty, x: np.ndarray) -> np.ndarray:
    if u.range is not None:
        return x
    idx = np.clip(np.floor(x).astype(int), 0, len(u.values) - 1)
    return np.asarray(u.values, dtype=float)[idx]


def point_seed(root: int, point: int) -> int:
    """The seed of one design point, derived from the sweep's root seed."""
    return int(np.random.SeedSequence(root, spawn_key=(point,)).generate_state(1, np.uint32)[0])


def design_table(spec: Experiment) -> pd.DataFrame:
    """One row per point: ``point``, ``seed``, each uncertainty's value, and its raw sample
    ``x_<name>`` (what sensitivity analysis reads)."""
    x = sample(spec)
    cols: dict = {"point": np.arange(len(x), dtype=np.int64),
                  "seed": np.array([point_seed(spec.seed, i) for i in range(len(x))],
                                   dtype=np.int64)}
    for j, u in enumerate(spec.uncertainties):
        cols[u.column] = _value(u, x[:, j])
    for j, u in enumerate(spec.uncertainties):
        cols[f"x_{u.column}"] = x[:, j]
    return pd.DataFrame(cols)
