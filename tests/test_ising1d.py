"""The Ising chain: transfer-matrix results against brute-force enumeration (1e-12)."""

import random
from dataclasses import replace

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive import transfer_matrix as tm
from statmech.derive.model import Chain
from statmech.derive.render import results_of
from statmech.numeric.compile import compile_expression
from statmech.numeric.enumeration import configurations, model_thermodynamics
from statmech.numeric.ising_chain import chain_thermodynamics
from statmech.numeric.ising_exact import ising1d_reference
from statmech.numeric.observables import enumerated_reference

from statmech import derive

RTOL = 1e-12
RING = derive.get_model("ising1d")
OPEN = replace(RING, coupling=Chain(periodic=False))
T, J, h, N = sym.T, sym.J, sym.h, sym.N


def random_points(seed, count):
    rng = random.Random(seed)
    return [
        (rng.uniform(0.3, 5.0), rng.uniform(0.2, 2.0), rng.uniform(-1.5, 1.5)) for _ in range(count)
    ]


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def test_eigenvalues_are_those_of_the_transfer_matrix():
    lp, lm = tm.eigenvalues()
    mat = tm.matrix()
    f = compile_expression(sp.Matrix([lp, lm, mat.det(), mat.trace()]), [T, J, h], "mpmath")
    with mpmath.workdps(30):
        for t, j, field in random_points(0, 5):
            a, b, det, tr = f(mpmath.mpf(t), mpmath.mpf(j), mpmath.mpf(field))
            assert close(a * b, det, 1e-25) and close(a + b, tr, 1e-25)
    # the textbook form, literally
    root = sp.sqrt(sp.exp(2 * J / T) * sp.sinh(h / T) ** 2 + sp.exp(-2 * J / T))
    assert lp == sp.exp(J / T) * sp.cosh(h / T) + root


@pytest.mark.parametrize("periodic", [True, False], ids=["ring", "open"])
@pytest.mark.parametrize("n", [2, 3, 4, 6, 9, 12, 16])
def test_partition_function_and_every_quantity_against_enumeration(n, periodic):
    model = RING if periodic else OPEN
    z_expr = tm.ring_partition_function() if periodic else tm.open_partition_function()
    z_fn = compile_expression(z_expr, [T, J, h, N], "mpmath")
    for t, j, field in random_points(100 * n + periodic, 4):
        ex = model_thermodynamics(model, n, {"T": t, "J": j, "h": field})
        with mpmath.workdps(30):
            z = z_fn(mpmath.mpf(t), mpmath.mpf(j), mpmath.mpf(field), n)
            assert close(float(mpmath.log(z)), ex["log_Z"])
        r = chain_thermodynamics(n, t, j, field, periodic=periodic, backend="mpmath")
        assert close(float(r["free_energy_per_spin"]), ex["F"] / n)
        assert close(float(r["energy_per_spin"]), ex["E"] / n)
        assert close(float(r["heat_capacity_per_spin"]), ex["C"] / n)
        assert close(float(r["magnetization"]), ex["M"] / n)
        assert close(float(r["susceptibility_per_spin"]), ex["chi"] / n)
        fast = chain_thermodynamics(n, t, j, field, periodic=periodic)  # float64 path
        assert close(float(fast["heat_capacity_per_spin"]), ex["C"] / n, 1e-10)


def test_thermodynamic_limit_is_the_long_ring():
    """The derived per-spin results equal a ring of 2000 spins (corrections ~ (l-/l+)^N)."""
    results = results_of(derive.derivations(RING))
    keys = {"F": "free_energy_per_spin", "E": "energy_per_spin", "C": "heat_capacity_per_spin"}
    keys.update({"M": "magnetization", "chi": "susceptibility_per_spin"})
    for t, j, field in random_points(7, 5):
        t = max(t, j)  # keep the correlation length well below the ring
        ring = chain_thermodynamics(2000, t, j, field, backend="mpmath")
        with mpmath.workdps(30):
            for name, key in keys.items():
                f = compile_expression(results[name], [T, J, h], "mpmath")
                assert close(float(f(t, j, field)), float(ring[key])), name


def test_zero_field_closed_forms():
    t, j = 1.3, 0.9
    r = chain_thermodynamics(None, t, j, 0.0, backend="mpmath")
    assert close(float(r["energy_per_spin"]), -j * np.tanh(j / t))
    assert close(float(r["heat_capacity_per_spin"]), (j / t / np.cosh(j / t)) ** 2)
    assert close(float(r["susceptibility_per_spin"]), np.exp(2 * j / t) / t)
    assert r["magnetization"] == 0


@pytest.mark.parametrize("t", [0.2, 0.5, 1.0, 3.0])
def test_no_spontaneous_magnetization(t):
    """m(h) -> 0 linearly as h -> 0 at every T > 0, with slope chi_0 = e^{2J/T}/T."""
    for eps in (1e-3, 1e-6, 1e-9):  # eps = chi_0 h
        with mpmath.workdps(40):
            chi0 = mpmath.exp(2 / mpmath.mpf(t)) / t
            field = mpmath.mpf(eps) / chi0
            m = chain_thermodynamics(None, t, 1, field, backend="mpmath", dps=40)["magnetization"]
            assert abs(m) <= 1.01 * eps
            assert abs(m / field / chi0 - 1) < eps**2


def test_limit_step_is_checked_not_asserted():
    d = tm.thermodynamic_limit_derivation()
    limits = [s for s in d.steps if isinstance(s.lhs, sp.Limit)]
    assert len(limits) == 2 and all(s.rule == "equal" and s.rhs == 0 for s in limits)
    derive.check(d)


@pytest.mark.parametrize("n", [8, 13])
def test_correlations_against_enumeration(n):
    t, j = 1.1, 0.8
    th = np.tanh(j / t)
    cfg = np.concatenate(list(configurations(n)))
    energy = -j * (cfg * np.roll(cfg, -1, axis=1)).sum(axis=1)
    w = np.exp(-(energy - energy.min()) / t)
    w /= w.sum()
    for r in range(1, n):
        g = w @ (cfg[:, 0] * cfg[:, r])
        assert close(g, (th**r + th ** (n - r)) / (1 + th**n))
    xi = results_of([tm.correlation_derivation()])["xi"]
    assert close(float(xi.subs({T: t, J: j})), -1 / np.log(th))


@pytest.mark.parametrize("n, field", [(6, 0.0), (10, 0.3), (14, -0.2)])
def test_reference_provider_matches_enumeration(n, field):
    params = {"T": 1.7, "J": 1.0, "h": field, "N": n}
    ref = ising1d_reference(params)
    expected = enumerated_reference(RING, params)
    assert set(ref) == set(expected)
    for key, value in expected.items():
        assert close(ref[key], value), key


def test_results_include_thermodynamic_limit():
    results = results_of(derive.derivations(RING))
    assert {"F", "E", "C", "M", "chi", "Z", "Z_open", "xi"} <= set(results)
    assert sp.simplify(results["M"] - tm.magnetization_per_spin()) == 0


@pytest.mark.parametrize("periodic", [True, False], ids=["ring", "open"])
def test_low_temperature_has_no_cancellation(periodic):
    """At T = J/20 Boltzmann ratios ~ e^-80 cancel against 1; the mpmath path adds digits."""
    n, t = 8, 0.05
    ex = model_thermodynamics(RING if periodic else OPEN, n, {"T": t, "J": 1.0, "h": 0.0})
    r = chain_thermodynamics(n, t, 1.0, 0.0, periodic=periodic, backend="mpmath", dps=17)
    assert float(r["susceptibility_per_spin"]) == pytest.approx(ex["chi"] / n, rel=1e-12)
    assert float(r["heat_capacity_per_spin"]) == pytest.approx(ex["C"] / n, rel=1e-9)


@pytest.mark.parametrize("periodic", [True, False], ids=["ring", "open"])
@pytest.mark.parametrize("field", [0.0, 0.1])
def test_low_temperature_sum_over_states_meets_the_transfer_matrix(periodic, field):
    """Below T ~ J/25 a finite chain's exact route sums its density of states (nothing
    cancels) instead of the transfer matrix's derivatives (which need ~4J/(T ln 10) extra
    digits); where both run they agree."""
    from statmech.numeric.ising_chain import KEYS
    from statmech.numeric.ising_exact import CHAIN_ROUTE

    n, t = 10, 0.015
    params = {"T": t, "J": 1.0, "h": field, "N": n}
    summed = CHAIN_ROUTE.evaluate(params, None, None if periodic else "open")
    tm_values = chain_thermodynamics(n, t, 1.0, field, periodic=periodic, backend="mpmath", dps=17)
    for key in KEYS:
        assert summed[key] == pytest.approx(float(tm_values[key]), rel=1e-13, abs=1e-300), key


def test_very_low_temperature_chain_is_fast_and_right():
    """exact ising1d N=12 T=1e-5 once took 47 s (10 000 extra digits) and still lost the
    susceptibility (0.0); at T -> 0 the ring is all up or all down, half the time each:
    <M^2> = N^2, so chi per spin = N / T, and E = -J, F = -J - T ln 2 / N."""
    import math

    from statmech.numeric.exact import ExactUnavailable
    from statmech.numeric.ising_exact import CHAIN_ROUTE

    r = CHAIN_ROUTE.evaluate({"T": 1e-5, "J": 1.0, "h": 0.0, "N": 12}, None, None)
    assert r["susceptibility_per_spin"] == pytest.approx(12 / 1e-5, rel=1e-12)
    assert r["energy_per_spin"] == -1.0
    assert r["free_energy_per_spin"] == pytest.approx(-1 - 1e-5 * math.log(2) / 12, rel=1e-15)
    assert r["heat_capacity_per_spin"] >= 0
    with pytest.raises(ExactUnavailable, match="would need more than"):
        CHAIN_ROUTE.evaluate({"T": 1e-5, "J": 1.0, "h": 0.0, "N": 100}, None, None)
