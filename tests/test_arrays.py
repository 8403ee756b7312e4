"""The short-axis helpers give exactly numpy's results (sim.arrays)."""

import numpy as np
import pytest

from sim.arrays import (
    all_along,
    any_along,
    max_along,
    min_along,
    ordered_sum,
    short_sum,
    tiled,
)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 11])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_short_sum_is_bit_identical_to_numpy_sum(n, axis):
    rng = np.random.default_rng(n)
    shape = [50, 4, 6]
    shape[axis] = n
    # magnitudes spread over 16 orders, so that a different order of additions would show
    x = rng.random(shape) * 10.0 ** rng.integers(-8, 8, size=shape)
    assert np.array_equal(short_sum(x, axis), x.sum(axis=axis))


def test_short_sum_of_integers_and_empty_axes():
    x = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    assert np.array_equal(short_sum(x, 1), x.sum(axis=1))
    assert short_sum(np.zeros((3, 0)), 1).tolist() == [0.0, 0.0, 0.0]


def test_tiled_is_a_contiguous_copy_per_world():
    t = tiled(np.array([1.0, 2.0]), 3)
    assert t.shape == (3, 2) and t.flags.c_contiguous and t.tolist() == [[1, 2]] * 3


def test_ordered_sum_adds_in_order_along_any_axis():
    rng = np.random.default_rng(3)
    x = rng.random((40, 12, 3)) * 10.0 ** rng.integers(-8, 8, size=(40, 12, 3))
    loop = np.zeros((40, 3))
    for k in range(12):
        loop += x[:, k, :]
    assert np.array_equal(ordered_sum(x, 1), loop)
    assert ordered_sum(np.zeros((4, 0, 2)), 1).shape == (4, 2)


@pytest.mark.parametrize("n", [1, 2, 3, 9, 40])
def test_logical_and_extreme_reductions_match_numpy(n):
    rng = np.random.default_rng(n)
    b = rng.random((30, n, 4)) < 0.3
    x = rng.random((30, n, 4))
    x[0, 0, 0] = np.nan  # a NaN propagates through max and min as in numpy
    for axis in (1, 2):
        assert np.array_equal(any_along(b, axis), b.any(axis=axis))
        assert np.array_equal(all_along(b, axis), b.all(axis=axis))
        assert np.array_equal(max_along(x, axis), x.max(axis=axis), equal_nan=True)
        assert np.array_equal(min_along(x, axis), x.min(axis=axis), equal_nan=True)


def test_short_sum_of_booleans_counts():
    b = np.array([[True, True, False], [False, False, False]])
    out = short_sum(b, 1, dtype=np.int32)
    assert out.dtype == np.int32 and out.tolist() == [2, 0]
    assert short_sum(b, 1).dtype == b.sum(axis=1).dtype
