"""Heat flow between two Einstein solids, and the microcanonical temperature at finite N,
from exact multiplicities (big integers and log-Gamma)."""

import math

import numpy as np
import pytest
from statmech.numeric.multiplicity import (
    einstein_multiplicity,
    einstein_temperature,
    exact_two_solids,
    log_einstein_multiplicity,
    paramagnet_temperature,
    relax,
    two_solids,
)


def test_stars_and_bars_counts_by_brute_force():
    from itertools import product

    for N, q in [(3, 4), (4, 3), (2, 6)]:
        count = sum(1 for occ in product(range(q + 1), repeat=N) if sum(occ) == q)
        assert einstein_multiplicity(N, q) == count


def test_log_gamma_matches_big_integers():
    exact = exact_two_solids(300, 200, 500)
    sys = two_solids(300, 200, 500)
    ref = np.array([math.log(w) for w in exact])
    np.testing.assert_allclose(sys.log_omega, ref, rtol=1e-12)


@pytest.mark.parametrize("N_A, N_B", [(300, 200), (3000, 2000), (30000, 20000)])
def test_peak_is_at_equal_temperatures(N_A, N_B):
    q = N_A + N_B  # one quantum per oscillator on average
    sys = two_solids(N_A, N_B, q)
    share = q * N_A / (N_A + N_B)
    assert abs(sys.peak - share) <= 1
    # the temperatures of the two solids agree at the peak (to O(1/N))
    t_a = einstein_temperature(N_A, sys.peak)
    t_b = einstein_temperature(N_B, q - sys.peak)
    assert abs(t_a - t_b) / t_a < 5 / min(N_A, N_B)


def test_peak_sharpens_like_one_over_sqrt_N():
    """The derived width sigma^2 = u (1 + u) N_A N_B / (N_A + N_B) against the exact one."""
    rel = []
    for scale in (1, 10, 100):
        N_A, N_B, u = 300 * scale, 200 * scale, 1.0
        sys = two_solids(N_A, N_B, int(u * (N_A + N_B)))
        sigma = math.sqrt(u * (1 + u) * N_A * N_B / (N_A + N_B))
        assert sys.std == pytest.approx(sigma, rel=2e-2)
        rel.append(sys.std / sys.mean)
    assert rel[0] / rel[1] == pytest.approx(math.sqrt(10), rel=2e-2)
    assert rel[1] / rel[2] == pytest.approx(math.sqrt(10), rel=2e-3)


def test_energy_flows_toward_the_peak():
    sys = two_solids(300, 200, 500)
    for start in (480, 20):  # A hot (most quanta) or A cold
        means = relax(sys, start, 4000)
        toward = np.sign(sys.peak - start)
        steps = np.diff(means) * toward
        assert np.all(steps >= -1e-12), "the mean split never moves away from the peak"
        assert abs(means[-1] - sys.mean) < 0.05 * abs(start - sys.mean)


def test_micro_temperature_approaches_canonical():
    """At fixed energy per unit, the exact finite-N temperature converges to the canonical one."""
    u = 0.7  # quanta per oscillator: canonical epsilon / T = log(1 + 1/u)
    t_canonical = 1 / math.log(1 + 1 / u)
    errors = [abs(einstein_temperature(n, u * n) - t_canonical) for n in (10, 100, 1000, 10000)]
    assert all(b < a for a, b in zip(errors, errors[1:], strict=False))
    assert errors[-1] < 1e-3 * t_canonical
    # paramagnet: a fraction x up; canonical T from N_+/N_- = exp(2 mu h / T)
    x = 0.8
    t_para = 2 / math.log(x / (1 - x))
    errs = [abs(paramagnet_temperature(n, x * n) - t_para) for n in (10, 100, 1000, 10000)]
    assert all(b < a for a, b in zip(errs, errs[1:], strict=False))
    assert errs[-1] < 1e-3 * t_para


def test_log_multiplicity_is_extensive():
    # S(2N, 2q) = 2 S(N, q) + O(log N)
    s1 = log_einstein_multiplicity(5000, 5000)
    s2 = log_einstein_multiplicity(10000, 10000)
    assert abs(s2 - 2 * s1) < 10
