"""Array helpers for speed on short axes, with results bit-identical to plain numpy.

The model's arrays are (worlds, actors[, actors | issues]) with short trailing axes (2 parties,
3 issues). Numpy reduces a short axis one world at a time and broadcasts a (P,) parameter over
(W, P) with an inner loop of length P: both are 10 to 50 times slower than an elementwise
operation on contiguous arrays. The helpers here reduce a short axis with one elementwise
operation per element of the axis, keeping numpy's arithmetic and its order, so results are
bit-identical (tests/test_arrays.py); long axes go to numpy.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

SHORT = 8  # numpy sums 8 or more floats pairwise, in a different order of additions


def _parts(x: np.ndarray, axis: int) -> list[np.ndarray]:
    """The slices of ``x`` along ``axis``, as views."""
    axis = axis % x.ndim
    lead = (slice(None),) * axis
    return [x[lead + (k,)] for k in range(x.shape[axis])]


def short_sum(x: np.ndarray, axis: int = -1, dtype=None) -> np.ndarray:
    """``x.sum(axis, dtype=dtype)``, bit-identical: numpy adds fewer than 8 floats in order,
    x_0 + x_1 + ..., and integer sums are exact in any order."""
    n = x.shape[axis]
    out_type = np.dtype(dtype) if dtype is not None else x.dtype
    if n == 0 or n >= SHORT or out_type.kind not in "fiu" or (dtype is None
                                                              and out_type.kind != "f"):
        return x.sum(axis=axis, dtype=dtype)  # (numpy widens small integers by default)
    return ordered_sum(x, axis, out_type)


def ordered_sum(x: np.ndarray, axis: int = -1, dtype=None) -> np.ndarray:
    """x_0 + x_1 + ... along ``axis``, added in that order (as a Python loop over the axis
    would), with one elementwise addition per element of the axis."""
    if not x.shape[axis]:
        return np.zeros(np.delete(x.shape, axis % x.ndim), dtype=dtype or x.dtype)
    parts = _parts(x, axis)
    out = parts[0].astype(dtype or x.dtype)  # a copy
    for k in range(1, len(parts)):
        out += parts[k]
    return out


def _along(method: str, op, doc: str):
    """``x.<method>(axis)`` as a chain of elementwise ``op`` over a short axis (exact: logical
    reductions, maxima and minima do not round)."""
    def reduce_along(x: np.ndarray, axis: int = -1) -> np.ndarray:
        if not 0 < x.shape[axis] < 4 * SHORT:
            return getattr(x, method)(axis=axis)
        return reduce(op, _parts(x, axis))
    reduce_along.__doc__ = doc
    return reduce_along


any_along = _along("any", np.logical_or, "``x.any(axis)`` for a boolean array.")
all_along = _along("all", np.logical_and, "``x.all(axis)`` for a boolean array.")
max_along = _along("max", np.maximum, "``x.max(axis)`` (exact: a maximum does not round).")
min_along = _along("min", np.minimum, "``x.min(axis)`` (exact).")


def tiled(x, n: int) -> np.ndarray:
    """A contiguous (n, *x.shape) copy of ``x`` repeated over a leading worlds axis, so that
    elementwise operations with (n, ...) arrays run as one flat loop."""
    x = np.asarray(x)
    out = np.empty((n, *x.shape), dtype=x.dtype)  # always writable: a read-only view (n = 1)
    out[...] = x  # would be another type to numba, and another compile of the day
    return out
