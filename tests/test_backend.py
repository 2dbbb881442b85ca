"""numeric.backend helpers that have a CuPy-only code path, run here on NumPy."""

import numpy as np
import pytest
from statmech.numeric.backend import scatter_min, segment_min, synchronize


@pytest.mark.parametrize("seed", range(5))
def test_segment_min_equals_numpy_minimum_at(seed):
    """The sort-based minimum CuPy uses for floats gives numpy.minimum.at's result
    exactly: repeated and negative indices, ties, infinities, NaN (which wins)."""
    rng = np.random.default_rng(seed)
    for _ in range(200):
        n, m = int(rng.integers(1, 20)), int(rng.integers(0, 60))
        out = rng.normal(size=n) * rng.choice([1.0, 1e-9, 1e6])
        out[rng.integers(0, n)] = rng.choice([np.inf, np.nan, out[0]])
        index = rng.integers(-n, n, size=m)
        values = rng.normal(size=m)
        if m:
            values[rng.integers(0, m)] = rng.choice([np.nan, -np.inf, out[index[0]]])
        want = out.copy()
        with np.errstate(invalid="ignore"):
            np.minimum.at(want, index, values)
        got = out.copy()
        segment_min(np, got, index, values)
        np.testing.assert_array_equal(got, want)


def test_segment_min_keeps_double_precision():
    """What cupyx.scatter_min (CuPy 13-14) gets wrong for float64: its atomicMin goes
    through fminf, so the stored minimum is rounded to float32."""
    out = np.full(2, np.inf)
    values = np.array([-0.1234567890123, -0.1234567890124, 1.0 / 3.0])
    segment_min(np, out, np.array([0, 0, 1]), values)
    assert out[0] == -0.1234567890124 and out[1] == 1.0 / 3.0
    assert np.float32(out[0]) != out[0]  # not representable in float32: rounding would show


def test_segment_min_checks_its_input():
    with pytest.raises(IndexError, match="out of bounds"):
        segment_min(np, np.zeros(3), np.array([3]), np.array([1.0]))
    with pytest.raises(ValueError, match="1-D"):
        segment_min(np, np.zeros((2, 2)), np.array([0]), np.array([1.0]))
    out = np.array([1.0, 2.0])
    segment_min(np, out, np.array([], dtype=np.int64), np.array([]))  # nothing to do
    np.testing.assert_array_equal(out, [1.0, 2.0])


def test_scatter_min_and_synchronize_on_numpy():
    out = np.array([5.0, 5.0, 5.0])
    scatter_min(np, out, np.array([0, 0, 2]), np.array([3.0, 1.0, 7.0]))
    np.testing.assert_array_equal(out, [1.0, 5.0, 5.0])
    synchronize(np)  # a no-op on NumPy


@pytest.mark.gpu
def test_scatter_min_on_cupy_equals_numpy_exactly():
    from statmech.numeric.backend import get_backend, to_numpy

    cp = get_backend("cupy")
    rng = np.random.default_rng(3)
    index = rng.integers(0, 50, size=2000)
    values = -rng.random(2000) / 3.0  # negative, not representable in float32
    want = np.full(50, np.inf)
    np.minimum.at(want, index, values)
    got = cp.full(50, cp.inf)
    scatter_min(cp, got, cp.asarray(index), cp.asarray(values))
    np.testing.assert_array_equal(to_numpy(got), want)
