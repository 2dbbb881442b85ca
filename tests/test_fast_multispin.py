"""Multi-spin coding (64 replicas in the bits of a word): exact sums, and the right
distribution against exact enumeration and Kaufman's finite-torus energy, with error
bars from the 64 independent replicas (its random stream differs from the scalar
kernels', so no bit-for-bit comparison applies)."""

from __future__ import annotations

import itertools

import numba as nb
import numpy as np
import pytest
from statmech.numeric.fast.multispin import (
    MultiSpin2D,
    _bernoulli,
    lane_sums,
    pack,
    threshold,
    unpack,
)
from statmech.numeric.kaufman import torus_thermodynamics


@pytest.mark.parametrize("L", [2, 4, 6])
def test_lane_sums_are_each_replicas_bond_and_spin_sums(L):
    rng = np.random.default_rng(L)
    config = np.where(rng.random((64, L, L)) < 0.4, 1, -1).astype(np.int8)
    words = pack(config)
    np.testing.assert_array_equal(unpack(words), config)
    b = np.empty((64, 1), dtype=np.int64)
    m = np.empty((64, 1), dtype=np.int64)
    lane_sums(words, b, m, 0)
    bonds = (config * np.roll(config, -1, 1)).sum((1, 2)) + (config * np.roll(config, -1, 2)).sum(
        (1, 2)
    )
    np.testing.assert_array_equal(b[:, 0], bonds)
    np.testing.assert_array_equal(m[:, 0], config.sum((1, 2)))


@nb.njit
def _bit_fraction(t, key, count):
    ones = 0
    for k in range(count):
        x = _bernoulli(t, key, np.uint64(64 * k))
        for j in range(64):
            ones += (x >> np.uint64(j)) & np.uint64(1)
    return ones / (64.0 * count)


@pytest.mark.parametrize("p", [0.0, 0.03, 0.3, 0.5, 0.9, 1.0])
def test_bernoulli_lanes_have_the_threshold_probability(p):
    t = np.uint64(round(p * 2.0**32))
    count = 20000
    frac = _bit_fraction(t, np.uint64(0x1234567), count)
    sigma = np.sqrt(max(p * (1 - p), 1e-12) / (64 * count))
    assert abs(frac - p) < 5 * sigma + 1e-12


def _enumerated(L, T):
    """Exact <E>/n and <m^2> of the L x L torus (J = 1) by enumeration."""
    n = L * L
    s = np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.int8).reshape(-1, L, L)
    bonds = (s * np.roll(s, -1, 1)).sum((1, 2)) + (s * np.roll(s, -1, 2)).sum((1, 2))
    m = s.sum((1, 2)) / n
    w = np.exp((bonds - bonds.max()) / T)
    return float((-bonds / n * w).sum() / w.sum()), float((m * m * w).sum() / w.sum())


@pytest.mark.parametrize("T", [1.8, 2.5, 5.0])
def test_energy_and_m2_against_enumeration_at_L4(T):
    e_exact, m2_exact = _enumerated(4, T)
    assert e_exact == pytest.approx(float(torus_thermodynamics(4, T)["energy_per_spin"]), abs=1e-12)
    e, m = MultiSpin2D(4, T).sample(seed=11, thermalize=500, sweeps=8000)
    for series, exact in ((e, e_exact), (m * m, m2_exact)):
        per = series.mean(axis=1)  # one mean per independent replica
        z = (per.mean() - exact) / (per.std(ddof=1) / np.sqrt(per.size))
        assert abs(z) < 4.5, (T, exact, per.mean(), z)


def test_energy_against_kaufman_at_L8_near_tc():
    T = 2.3
    e, _ = MultiSpin2D(8, T).sample(seed=5, thermalize=1000, sweeps=6000)
    per = e.mean(axis=1)
    exact = float(torus_thermodynamics(8, T)["energy_per_spin"])
    z = (per.mean() - exact) / (per.std(ddof=1) / np.sqrt(per.size))
    assert abs(z) < 4.5, (exact, per.mean(), z)


def test_same_seed_same_series_and_refusals():
    a = MultiSpin2D(6, 2.5).sample(seed=2, thermalize=10, sweeps=20)
    b = MultiSpin2D(6, 2.5).sample(seed=2, thermalize=10, sweeps=20)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(ValueError, match="even L"):
        MultiSpin2D(5, 2.0)
    with pytest.raises(ValueError, match="J > 0"):
        threshold(2.0, -1.0)
