"""Array helpers for speed on short axes, with results bit-identical to plain numpy.

The model's arrays are (worlds, actors[, actors | issues]) with short trailing axes (2 parties,
3 issues). Numpy reduces a short trailing axis one row at a time and broadcasts a (P,) parameter
over (W, P) with an inner loop of length P, both ~10x slower than an elementwise operation on
contiguous arrays. The helpers below keep the arithmetic, and its order, the same.
"""

from __future__ import annotations

import numpy as np

PAIRWISE_FROM = 8  # numpy sums 8 or more elements pairwise: a different order of additions


def short_sum(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``x.sum(axis)``, as a sequence of elementwise additions when the axis is short.

    For fewer than 8 elements numpy adds them in order, x_0 + x_1 + ..., so the result is
    bit-identical (tests/test_arrays.py); longer axes go to ``np.sum``.
    """
    n = x.shape[axis]
    if n == 0 or n >= PAIRWISE_FROM or x.dtype.kind != "f":
        return x.sum(axis=axis)
    return ordered_sum(x, axis)


def ordered_sum(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x_0 + x_1 + ... along ``axis``, added in that order (as a Python loop over the axis
    would), with one elementwise addition per element of the axis."""
    parts = np.moveaxis(x, axis, 0)
    if not len(parts):
        return np.zeros(parts.shape[1:], dtype=x.dtype)
    out = parts[0].copy()
    for k in range(1, len(parts)):
        out += parts[k]
    return out


def tiled(x, n: int) -> np.ndarray:
    """A contiguous (n, *x.shape) copy of ``x`` repeated over a leading worlds axis, so that
    elementwise operations with (n, ...) arrays run as one flat loop."""
    x = np.asarray(x)
    return np.ascontiguousarray(np.broadcast_to(x, (n, *x.shape)))
