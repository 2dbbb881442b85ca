"""Error bars from correlated series: autocorrelation time, binning, jackknife, coverage.

The reference process is AR(1), x_t = phi x_{t-1} + noise, whose integrated
autocorrelation time is (1 + phi) / (2 (1 - phi)) exactly.
"""

import math

import numpy as np
import pytest
from statmech.numeric.stats import (
    Estimate,
    autocorrelation,
    binning_analysis,
    integrated_time,
    jackknife,
    mean_estimate,
)


def ar1(phi, shape, seed):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=shape)
    x = np.empty(shape)
    x[..., 0] = noise[..., 0] / math.sqrt(1 - phi**2)  # start in the stationary state
    for t in range(1, shape[-1]):
        x[..., t] = phi * x[..., t - 1] + noise[..., t]
    return x


def exact_tau(phi):
    return (1 + phi) / (2 * (1 - phi))


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_integrated_time_of_ar1(phi):
    x = ar1(phi, (8, 20000), seed=1)
    tau, reliable = integrated_time(x)
    assert reliable
    # Statistical error of tau ~ sqrt(2(2M+1)/n) tau, a few percent here.
    assert tau == pytest.approx(exact_tau(phi), rel=0.08)


def test_short_series_is_flagged_unreliable():
    tau, reliable = integrated_time(ar1(0.99, (1, 200), seed=2))
    assert not reliable and tau > 0.5


def test_constant_series_has_zero_error():
    est = mean_estimate(np.ones((3, 50)))
    assert est == Estimate(1.0, 0.0, 0.5)
    assert autocorrelation(np.ones(10))[0] == 1.0


def test_error_of_mean_matches_ar1_theory():
    phi, r, n = 0.8, 16, 5000
    est = mean_estimate(ar1(phi, (r, n), seed=3))
    # Var(x) = 1/(1-phi^2); error = sqrt(2 tau Var / (r n)).
    true = math.sqrt(2 * exact_tau(phi) / (1 - phi**2) / (r * n))
    assert est.error == pytest.approx(true, rel=0.1)


def test_binning_plateau_agrees_with_sokal_error():
    x = ar1(0.9, (8, 2**14), seed=4)
    levels = binning_analysis(x)
    sizes = [b for b, _ in levels]
    assert sizes[0] == 1 and sizes == sorted(sizes)
    plateau = levels[-3][1]  # bins of ~256-512 >> tau = 9.5
    assert plateau == pytest.approx(mean_estimate(x).error, rel=0.15)
    # The naive (bin size 1) error is too small by sqrt(2 tau).
    assert levels[0][1] < plateau / 3


def test_jackknife_of_variance_iid():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(10, 4000))
    est = jackknife(lambda a, b: b - a * a, [x, x * x])
    n = x.size
    assert est.mean == pytest.approx(x.var(), abs=3 * est.error)
    # Var of the sample variance of Gaussian data: 2 sigma^4 / n.
    assert est.error == pytest.approx(math.sqrt(2 / n), rel=0.15)
    assert est.tau_int == pytest.approx(0.5, abs=0.1)


def test_jackknife_of_a_mean_equals_block_error_for_correlated_data():
    x = ar1(0.9, (8, 2**14), seed=6)
    jk = jackknife(lambda a: a, [x])
    assert jk.mean == pytest.approx(x.mean(), abs=1e-12)
    assert jk.error == pytest.approx(mean_estimate(x).error, rel=0.15)
    assert jk.tau_int == pytest.approx(exact_tau(0.9), rel=0.1)


def test_jackknife_uses_one_set_of_blocks_for_full_and_leave_one_out():
    # Regression: the full estimate from all data and the leave-one-out ones from
    # blocked data differ; the bias correction multiplied the difference by K.
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 1000))  # 1000 is not a multiple of the block length
    est = jackknife(lambda a, b: b - a * a, [x, x * x], block=16)
    assert est.mean == pytest.approx(x.var(), abs=3 * est.error)


def test_z_score():
    assert Estimate(1.0, 0.5, 1.0).z(0.0) == 2.0
    assert Estimate(1.0, 0.0, 0.5).z(1.0) == 0.0
    assert Estimate(1.0, 0.0, 0.5).z(0.0) == math.inf


def test_coverage_of_mean_and_jackknife_error_bars():
    """Over many seeded AR(1) runs, about 68% of estimates lie within one error
    bar of the truth (mean 0, variance 1/(1-phi^2))."""
    phi = 0.7
    inside_mean = inside_var = 0
    runs = 200
    for seed in range(runs):
        x = ar1(phi, (4, 2000), seed=100 + seed)
        m = mean_estimate(x)
        v = jackknife(lambda a, b: b - a * a, [x, x * x])
        inside_mean += abs(m.mean) <= m.error
        inside_var += abs(v.mean - 1 / (1 - phi**2)) <= v.error
    # Binomial sd at 200 runs is 0.033: a window of about +-3 sd around 0.683.
    assert 0.58 <= inside_mean / runs <= 0.79
    assert 0.58 <= inside_var / runs <= 0.79


def test_jackknife_of_one_short_replica_still_has_an_error():
    x = ar1(0.99, (1, 100), seed=8)
    est = jackknife(lambda a, b: b - a * a, [x, x * x])
    assert math.isfinite(est.error) and est.error > 0
