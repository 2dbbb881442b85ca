"""Exact finite-N Curie-Weiss sums: against enumeration, and converging on mean field."""

import math

import numpy as np
import pytest
import sympy as sp
from conftest import RTOL
from statmech.derive.finite import finite_energy
from statmech.derive.meanfield import mean_field_equations
from statmech.derive.models.curie_weiss import energy_of_magnetization, finite_size_derivation
from statmech.numeric.curie_weiss import (
    curie_weiss_reference,
    exact_thermodynamics,
    free_energy_per_spin,
)
from statmech.numeric.enumeration import model_thermodynamics
from statmech.numeric.observables import enumerated_reference
from statmech.numeric.references import exact_reference
from statmech.numeric.solve import solve_grid

from statmech import derive

MODEL = derive.get_model("curie-weiss")
POINTS = [(0.6, 1.0, 0.0), (1.3, 1.0, 0.2), (0.9, 0.7, -0.1), (3.0, 1.5, 0.05)]


@pytest.mark.parametrize("N", [1, 2, 3, 5, 8, 11])
@pytest.mark.parametrize("T, J, h", POINTS)
def test_magnetization_sum_matches_enumeration(N, T, J, h):
    brute = model_thermodynamics(MODEL, (N,), {"T": T, "J": J, "h": h})
    exact = exact_thermodynamics(N, T, J, h)
    rtol = RTOL["float64"]
    assert exact["log_Z"] == pytest.approx(brute["log_Z"], rel=rtol, abs=rtol)
    assert exact["E"] == pytest.approx(brute["E"], rel=rtol, abs=rtol)
    assert exact["C"] == pytest.approx(brute["C"], rel=1e-10, abs=rtol)
    assert N * exact["m"] == pytest.approx(brute["M"], rel=rtol, abs=rtol)
    assert N * exact["abs_m"] == pytest.approx(brute["abs_M"], rel=rtol, abs=rtol)
    assert N**2 * exact["m2"] == pytest.approx(brute["M2"], rel=rtol, abs=rtol)
    assert N**4 * exact["m4"] == pytest.approx(brute["M4"], rel=rtol, abs=rtol)


@pytest.mark.parametrize("N", [2, 4, 7, 10])
def test_reference_provider_matches_enumeration(N):
    T, J, h = 1.1, 1.0, 0.07
    params = {"T": T, "J": J, "h": h, "N": N}
    ref = exact_reference("curie-weiss", params)
    expected = enumerated_reference(MODEL, params)
    assert set(ref) == set(expected)
    for key, value in expected.items():
        assert ref[key] == pytest.approx(value, rel=1e-10, abs=1e-12), key


def test_reference_rejects_bad_input():
    with pytest.raises(ValueError, match="needs N"):
        curie_weiss_reference({"T": 1.0})
    with pytest.raises(ValueError, match="temperature must be positive"):
        curie_weiss_reference({"T": -1.0, "N": 4})


def test_energy_of_magnetization_is_the_pair_sum():
    """The 'given' step H = -(J/2N)(M^2 - N) - hM, against the explicit pair sum."""
    rng = np.random.default_rng(3)
    for n in (2, 5, 9):
        H, spins = finite_energy(MODEL, (n,))
        for _ in range(5):
            s = rng.choice([-1, 1], size=n)
            value = H.subs(dict(zip(spins, s.tolist(), strict=True)))
            expected = energy_of_magnetization(int(s.sum()), N=n)
            assert sp.simplify(value - expected) == 0


def test_large_N_and_low_T_do_not_overflow():
    th = exact_thermodynamics(100_000, 0.01, 1.0, 0.0)
    assert np.isfinite(th["log_Z"]) and th["abs_m"] == pytest.approx(1.0)


# -- mean field is exact as N grows -----------------------------------------------------


def _mean_field_minimum(T, J, h):
    eq = mean_field_equations(MODEL)
    sol = solve_grid(eq, {"T": T, "J": J, "h": h})
    i = np.flatnonzero(sol.equilibrium[0])[0]
    return float(sol.free_energy[0, i]), float(sol.x[0, i])


def _first_correction(T, J, h, m_star):
    expr = dict(finite_size_derivation(MODEL).results)["F_1"]
    T_, J_ = derive.symbols.T, derive.symbols.J
    value = float(expr.subs({T_: T, J_: J, sp.Symbol("m_*", real=True): m_star}))
    degenerate = h == 0 and T < J  # two equal minima at +-m_*
    return value - (T * math.log(2) if degenerate else 0.0)


@pytest.mark.parametrize("T, J, h", [(1.5, 1.0, 0.0), (0.7, 1.0, 0.1), (0.7, 1.0, 0.0)])
def test_free_energy_converges_with_the_derived_1_over_N_correction(T, J, h):
    f_star, m_star = _mean_field_minimum(T, J, h)
    F1 = _first_correction(T, J, h, m_star)
    sizes = [100, 1000, 10000]
    gaps = [free_energy_per_spin(N, T, J, h) - f_star for N in sizes]
    # the gap is F_1/N to leading order ...
    errors = [abs(N * g - F1) for N, g in zip(sizes, gaps, strict=True)]
    # ... and what is left falls like 1/N (a factor ~10 per decade)
    assert errors[1] < errors[0] / 5 and errors[2] < errors[1] / 5
    assert errors[2] < 2e-3 * max(1.0, abs(F1))
    assert abs(gaps[2]) < abs(gaps[0]) / 50


def test_free_energy_at_T_c_converges_like_log_N_over_N():
    T, J = 1.0, 1.0
    f0 = -T * math.log(2)
    c0 = -0.5 * math.log(2 * math.pi) - 0.5 + math.log(2 * math.gamma(1.25)) + math.log(12) / 4
    sizes = [10**3, 10**4, 10**5, 10**6]
    gaps = [free_energy_per_spin(N, T, J, 0.0) - f0 for N in sizes]
    # N (F/N - f) = -(T/4) log N - T c0 + o(1): the log N / N law with its constant
    rest = [N * g + T / 4 * math.log(N) + T * c0 for N, g in zip(sizes, gaps, strict=True)]
    assert all(abs(b) < abs(a) / 2 for a, b in zip(rest, rest[1:], strict=False))
    assert abs(rest[-1]) < 0.01
    slope = (sizes[-1] * gaps[-1] - sizes[-2] * gaps[-2]) / math.log(sizes[-1] / sizes[-2])
    assert slope == pytest.approx(-T / 4, abs=0.01)


def test_pitfall_pair_convention_differs_by_J_over_2():
    """Each pair once, -(J/N) sum_{i<j}, is -(J/2N) M^2 + J/2: the energy is shifted by J/2."""
    N, T, J = 6, 0.9, 1.3
    ours = exact_thermodynamics(N, T, J, 0.0)
    k = np.arange(N + 1)
    M = 2 * k - N
    log_w = [math.lgamma(N + 1) - math.lgamma(i + 1) - math.lgamma(N - i + 1) for i in k]
    squared = np.array(log_w) + J * M**2 / (2 * N * T)
    log_z_squared = np.log(np.exp(squared - squared.max()).sum()) + squared.max()
    assert ours["log_Z"] == pytest.approx(log_z_squared - J / (2 * T), rel=1e-13)
