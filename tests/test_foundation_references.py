"""Derived formulas against independent references: exact enumeration (discrete models),
a truncated level sum (oscillators), numerical quadrature (ideal gas).  Tolerance 1e-12
relative (float64), from conftest.RTOL."""

import math

import numpy as np
import pytest
from conftest import RTOL
from scipy import integrate
from statmech.derive.render import results_of
from statmech.numeric.compile import compile_expression
from statmech.numeric.enumeration import model_thermodynamics

from statmech import derive

TOL = RTOL["float64"]


def derived(model, n_units, params):
    """The derived totals of ``model`` for ``n_units`` at ``params`` (floats)."""
    res = results_of(derive.derivations(model))
    values = {**params, "N": n_units}
    out = {}
    for key in ("F", "E", "S", "C", "M", "chi"):
        if key in res:
            expr = res[key]
            names = sorted(s.name for s in expr.free_symbols)
            f = compile_expression(expr, names)
            out[key] = float(f(*[values[n] for n in names]))
    return out


@pytest.mark.parametrize("T", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("epsilon", [0.5, 1.7])
def test_two_level_against_enumeration(T, epsilon):
    model = derive.get_model("two-level")
    n = 6
    exact = model_thermodynamics(model, (n,), {"T": T, "epsilon": epsilon})
    ours = derived(model, n, {"T": T, "epsilon": epsilon})
    for key in ("F", "E", "S", "C"):
        assert ours[key] == pytest.approx(exact[key], rel=TOL, abs=TOL), key


@pytest.mark.parametrize("T", [0.4, 1.0, 3.0])
@pytest.mark.parametrize("h", [-0.7, 0.0, 0.3, 1.2])
def test_paramagnet_against_enumeration(T, h):
    model = derive.get_model("paramagnet")
    n, mu = 7, 1.3
    exact = model_thermodynamics(model, (n,), {"T": T, "h": h, "mu": mu})
    ours = derived(model, n, {"T": T, "h": h, "mu": mu})
    for key in ("F", "E", "S", "C"):
        assert ours[key] == pytest.approx(exact[key], rel=TOL, abs=TOL), key
    # enumeration counts M = <sum s>; the derived M is the moment mu <sum s>
    assert ours["M"] == pytest.approx(mu * exact["M"], rel=TOL, abs=TOL)
    assert ours["chi"] == pytest.approx(mu**2 * exact["chi"], rel=TOL, abs=TOL)


def level_sum(levels, T):
    """Thermodynamics of one unit from an explicit list of levels."""
    e = np.asarray(levels, dtype=np.float64)
    w = np.exp(-(e - e.min()) / T)
    z = w.sum()
    p = w / z
    log_z = math.log(z) - e.min() / T
    mean = p @ e
    var = p @ (e - mean) ** 2
    return {"F": -T * log_z, "E": mean, "S": (mean + T * log_z) / T, "C": var / T**2}


@pytest.mark.parametrize("T", [0.2, 1.0, 4.0])
def test_oscillator_against_truncated_sum(T):
    model = derive.get_model("harmonic-oscillator")
    hbar, omega = 1.0, 1.3
    levels = hbar * omega * (np.arange(4000) + 0.5)  # e^{-4000 * 1.3 / 4} is far below 1e-16
    ref = level_sum(levels, T)
    ours = derived(model, 1, {"T": T, "hbar": hbar, "omega": omega})
    for key in ref:
        assert ours[key] == pytest.approx(ref[key], rel=TOL, abs=TOL), key


@pytest.mark.parametrize("T", [0.25, 2.0])
def test_einstein_solid_against_truncated_sum(T):
    model = derive.get_model("einstein-solid")
    ref = level_sum(0.8 * np.arange(4000), T)
    ours = derived(model, 1, {"T": T, "epsilon": 0.8})
    for key in ref:
        assert ours[key] == pytest.approx(ref[key], rel=TOL, abs=TOL), key


@pytest.mark.parametrize("T", [0.5, 3.0])
def test_ideal_gas_against_quadrature(T):
    m, V, hp, n = 1.7, 50.0, 1.0, 5
    # one momentum component: integral of exp(-p^2 / 2 m T) over the real line
    one, _ = integrate.quad(
        lambda p: math.exp(-p * p / (2 * m * T)), -np.inf, np.inf, epsabs=0, epsrel=1e-13
    )
    z1 = V / hp**3 * one**3
    # mean energy of one particle from the radial integral in momentum space
    w = lambda p: 4 * math.pi * p * p * math.exp(-p * p / (2 * m * T))  # noqa: E731
    norm, _ = integrate.quad(w, 0, np.inf, epsabs=0, epsrel=1e-13)
    e1, _ = integrate.quad(lambda p: p * p / (2 * m) * w(p), 0, np.inf, epsabs=0, epsrel=1e-13)
    log_z = n * math.log(z1) - math.lgamma(n + 1)
    ours = derived(derive.get_model("ideal-gas"), n, {"T": T, "m": m, "V": V, "h_P": hp})
    assert ours["F"] == pytest.approx(-T * log_z, rel=1e-12)
    assert ours["E"] == pytest.approx(n * e1 / norm, rel=1e-12)
    assert ours["S"] == pytest.approx((n * e1 / norm + T * log_z) / T, rel=1e-12)


def test_compiled_results_agree_with_mpmath():
    """Same expression through the mpmath backend at 30 digits (float64 is within 1e-13)."""
    import mpmath

    res = results_of(derive.derivations(derive.get_model("paramagnet")))
    names = ["N", "T", "h", "mu"]
    f = compile_expression(res["chi"], names)
    g = compile_expression(res["chi"], names, "mpmath")
    mpmath.mp.dps = 30
    for T in (0.3, 1.0, 7.0):
        ref = g(mpmath.mpf(5), mpmath.mpf(T), mpmath.mpf("0.4"), mpmath.mpf("1.1"))
        assert f(5, T, 0.4, 1.1) == pytest.approx(float(ref), rel=1e-13)


def test_derive_imports_stay_pure_with_new_models():
    import subprocess
    import sys

    code = (
        "import sys, derive; [derive.derivations(m) for m in derive.all_models()];"
        "from statmech.derive.topics import TOPICS; [t.build() for t in TOPICS.values()];"
        "print(','.join(m for m in ('numpy','scipy','matplotlib','cupy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
