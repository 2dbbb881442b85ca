"""The square lattice: duality, Kaufman's torus against enumeration, Onsager and Yang."""

import time

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.derive import ising2d
from statmech.derive import symbols as sym
from statmech.derive.render import results_of
from statmech.numeric import kaufman, onsager
from statmech.numeric.enumeration import model_thermodynamics
from statmech.numeric.ising_dos import dos_observables, torus_dos
from statmech.numeric.ising_exact import ising2d_reference
from statmech.numeric.observables import enumerated_reference

from statmech import derive

RTOL = 1e-12
MODEL = derive.get_model("ising2d")
TC = 2 / np.log1p(np.sqrt(2))
A_LOG = 8 * np.log1p(np.sqrt(2)) ** 2 / (4 * np.pi)  # (8/pi) K_c^2
#: Temperatures on both sides of T_c, including T_c itself and the extremes.
TEMPERATURES = (0.4, 1.0, 1.8, 2.2, TC, 2.3, 2.7, 3.5, 8.0, 40.0)


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def test_critical_temperature_from_duality():
    results = results_of(derive.derivations(MODEL))
    tc = results["T_c"].subs(sym.J, 1)
    assert close(float(tc), 2.269185314213022, 1e-15)
    assert close(float(sp.sinh(2 / tc)), 1.0, 1e-15)
    k = ising2d.K
    dual = -sp.log(sp.tanh(k)) / 2
    kc = ising2d.CRITICAL_COUPLING
    assert close(float(dual.subs(k, kc)), float(kc), 1e-15)  # self-dual
    assert close(float(dual.subs(k, dual.subs(k, 0.3))), 0.3, 1e-14)  # an involution


def test_results_hold_thermodynamic_limit_and_critical_point():
    results = results_of(derive.derivations(MODEL))
    assert {"F", "E", "C", "M", "T_c"} <= set(results)


@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (2, 5), (4, 4)])
def test_kaufman_against_brute_force_enumeration(shape):
    L, M = shape
    n = L * M
    k = kaufman.torus_thermodynamics(L, np.array(TEMPERATURES), M=M)
    for i, t in enumerate(TEMPERATURES):
        ex = model_thermodynamics(MODEL, shape, {"T": t, "J": 1.0, "h": 0.0})
        assert close(k["free_energy_per_spin"][i], ex["F"] / n), t
        assert close(k["energy_per_spin"][i], ex["E"] / n), t
        assert close(k["heat_capacity_per_spin"][i], ex["C"] / n), t


def test_kaufman_five_by_five_against_bit_enumeration():
    g, nb = torus_dos(5)
    k = kaufman.torus_thermodynamics(5, np.array(TEMPERATURES))
    for i, t in enumerate(TEMPERATURES):
        ex = dos_observables(g, nb, t, 1.0, 0.0)
        for key in ("free_energy_per_spin", "energy_per_spin", "heat_capacity_per_spin"):
            assert close(k[key][i], ex[key]), (t, key)


def test_bit_enumeration_against_brute_force():
    g, nb = torus_dos(3, 4)
    for t, field in ((1.2, 0.0), (2.6, 0.4)):
        ex = model_thermodynamics(MODEL, (3, 4), {"T": t, "J": 1.0, "h": field})
        d = dos_observables(g, nb, t, 1.0, field)
        assert close(d["energy_per_spin"], ex["E"] / 12)
        assert close(d["heat_capacity_per_spin"], ex["C"] / 12)
        assert close(d["abs_magnetization"], ex["abs_M"] / 12)
        assert close(d["magnetization_squared"], ex["M2"] / 144)


def test_kaufman_gamma0_keeps_its_sign():
    """gamma_0 = 2K + log tanh K is negative above T_c; |gamma_0| would make Z_4 > 0."""
    above, below = 1 / 3.0, 1 / 1.5
    assert kaufman._gamma0(np.array(above))[0] < 0 < kaufman._gamma0(np.array(below))[0]
    c, _, _ = kaufman._c_derivatives(np.array(above))
    assert close(np.arccosh(c - 1), -kaufman._gamma0(np.array(above))[0], 1e-13)
    # and the signed version is what matches enumeration on both sides (3 x 3)
    for t in (1.5, 3.0):
        ex = model_thermodynamics(MODEL, (3, 3), {"T": t, "J": 1.0, "h": 0.0})
        assert close(float(kaufman.torus_thermodynamics(3, t)["log_Z"]), ex["log_Z"])


def test_kaufman_mpmath_agrees_with_float64():
    ts = np.array([1.0, 2.2, TC, 2.5])
    k = kaufman.torus_thermodynamics(16, ts)
    for i, t in enumerate(ts):
        mp = kaufman.torus_thermodynamics_mp(16, t, dps=30)
        for key in ("free_energy_per_spin", "energy_per_spin", "heat_capacity_per_spin"):
            assert close(float(mp[key]), k[key][i], 1e-11), (t, key)


def test_kaufman_large_lattice_is_fast():
    ts = np.linspace(2.0, 2.6, 61)
    start = time.perf_counter()
    k = kaufman.torus_thermodynamics(256, ts)
    assert time.perf_counter() - start < 2.0
    assert np.all(np.isfinite(k["heat_capacity_per_spin"]))
    assert np.all(np.diff(k["energy_per_spin"]) > 0)  # E rises with T: C > 0


@pytest.mark.parametrize("t", [1.5, 2.0, 3.0, 4.0])
def test_kaufman_converges_to_onsager(t):
    """Away from T_c finite-size corrections vanish exponentially; below T_c the free
    energy keeps the two ordered sectors, -T log 2 / N."""
    o = onsager.thermodynamics(t)
    errors = []
    for L in (16, 32, 64, 128):
        k = kaufman.torus_thermodynamics(L, t)
        sectors = t * np.log(2) / L**2 if t < TC else 0.0
        assert close(
            float(k["free_energy_per_spin"]) + sectors,
            float(o["free_energy_per_spin"]),
            1e-3 if L < 64 else 1e-10,
        )
        errors.append(abs(float(k["energy_per_spin"] - o["energy_per_spin"])))
    assert errors[-1] < 1e-12 and errors == sorted(errors, reverse=True)
    k = kaufman.torus_thermodynamics(128, t)
    assert close(float(k["heat_capacity_per_spin"]), float(o["heat_capacity_per_spin"]), 1e-10)


def test_heat_capacity_at_tc_grows_like_log_l():
    """Ferdinand-Fisher: C_L(T_c) = (8/pi) K_c^2 log L + const + o(1)."""
    c = [float(kaufman.torus_thermodynamics(L, TC)["heat_capacity_per_spin"]) for L in (512, 1024)]
    assert abs((c[1] - c[0]) / np.log(2) - A_LOG) < 5e-4


def test_onsager_energy_is_the_derivative_of_the_free_energy():
    with mpmath.workdps(30):
        for t in (1.2, 2.0, 2.25, 2.3, 3.0):
            beta_f = lambda b: onsager.free_energy_per_spin_mp(1 / b, 1, 25) * b  # noqa: E731
            e = mpmath.diff(beta_f, 1 / mpmath.mpf(t))
            assert close(float(e), float(onsager.thermodynamics_mp(t)["energy_per_spin"]), 1e-15)


def test_heat_capacity_is_the_derivative_of_the_energy():
    with mpmath.workdps(30):
        for t in (1.2, 2.0, 2.25, 2.3, 3.0):
            de = mpmath.diff(lambda x: onsager.thermodynamics_mp(x)["energy_per_spin"], t)
            c = onsager.thermodynamics_mp(t)["heat_capacity_per_spin"]
            assert close(float(de), float(c), 1e-15)
            assert close(float(c), float(onsager.heat_capacity_per_spin(t)), 1e-12)


def test_two_over_pi_heat_capacity_formula_is_wrong():
    """The circulating closed form with 2/pi in front misses the derivative by ~0.24 at T=2."""
    t = 2.0
    K = 1 / t
    k2 = (2 * np.sinh(2 * K) / np.cosh(2 * K) ** 2) ** 2
    big_k, big_e = float(mpmath.ellipk(k2)), float(mpmath.ellipe(k2))
    t2 = np.tanh(2 * K) ** 2
    wrong = (
        2
        / np.pi
        * (K / np.tanh(2 * K)) ** 2
        * (2 * big_k - 2 * big_e - (1 - t2) * (np.pi / 2 + (2 * t2 - 1) * big_k))
    )
    right = float(onsager.heat_capacity_per_spin(t))
    assert abs(wrong - right - 0.2406) < 1e-3
    assert close(right, float(kaufman.torus_thermodynamics(256, t)["heat_capacity_per_spin"]))


def test_elliptic_integral_takes_parameter_k_squared():
    """mpmath.ellipk(m) takes m = k^2; feeding it the modulus k gives a wrong energy."""
    t = 2.0
    K = 1 / t
    k = 2 * np.sinh(2 * K) / np.cosh(2 * K) ** 2

    def energy(big_k):
        return -1 / np.tanh(2 * K) * (1 + 2 / np.pi * (2 * np.tanh(2 * K) ** 2 - 1) * big_k)

    lattice = float(kaufman.torus_thermodynamics(512, t)["energy_per_spin"])
    assert close(energy(float(mpmath.ellipk(k**2))), lattice)
    assert abs(energy(float(mpmath.ellipk(k))) - lattice) > 1e-3


@pytest.mark.parametrize("side", [-1, 1])
def test_heat_capacity_diverges_logarithmically(side):
    """C(T) = -(8/pi) K_c^2 log|1 - T/T_c| + const on both sides of T_c."""
    with mpmath.workdps(40):
        tc = 2 / mpmath.log(1 + mpmath.sqrt(2))
        ts = [tc * (1 + side * mpmath.mpf(10) ** -e) for e in (8, 10)]
        c = [onsager.thermodynamics_mp(t, 1, 40)["heat_capacity_per_spin"] for t in ts]
        slope = (c[1] - c[0]) / mpmath.log(100)
        assert abs(float(slope) - A_LOG) < 1e-6
        # and the constant of the derivation's asymptotic step
        kc = mpmath.log(1 + mpmath.sqrt(2)) / 2
        law = A_LOG * (
            mpmath.log(mpmath.mpf(10) ** 10) + mpmath.log(mpmath.sqrt(2) / kc) - 1 - mpmath.pi / 4
        )
        assert abs(c[1] - law) < 1e-8


def test_spontaneous_magnetization_exponent_one_eighth():
    with mpmath.workdps(40):
        tc = 2 / mpmath.log(1 + mpmath.sqrt(2))
        ms = [
            onsager.thermodynamics_mp(tc * (1 - mpmath.mpf(10) ** -e), 1, 40)["magnetization"]
            for e in (10, 12)
        ]
        slope = mpmath.log(ms[1] / ms[0]) / mpmath.log(mpmath.mpf(10) ** -2)
        assert abs(float(slope) - 0.125) < 1e-9
    assert float(onsager.spontaneous_magnetization(TC * 1.0000001)) == 0.0
    assert close(float(onsager.spontaneous_magnetization(2.0)), 0.911319377877496, 1e-13)


def test_reference_provider_small_torus_matches_enumeration():
    for L, field in ((3, 0.25), (4, 0.0)):
        t = 2.4
        params = {"T": t, "J": 1.0, "h": field, "L": L}
        ref = ising2d_reference(params)
        expected = enumerated_reference(MODEL, params)
        assert set(ref) == set(expected)
        for key, value in expected.items():
            assert close(ref[key], value), key


def test_reference_provider_large_torus():
    ref = ising2d_reference({"T": 2.5, "J": 1.0, "h": 0.0, "L": 16})
    assert set(ref) == {"energy_per_spin", "heat_capacity_per_spin"}
    assert ising2d_reference({"T": 2.5, "J": 1.0, "h": 0.1, "L": 16}) == {}


def test_cubic_lattice_critical_point_is_quoted_and_plausible():
    """The quoted 3D value sits between the square lattice's (Griffiths: more bonds order
    more easily) and the mean-field bound zJ = 6J, below the Bethe estimate 2J/log(3/2)."""
    ds = derive.derivations(derive.get_model("ising3d"))
    for d in ds:
        derive.check(d)
    results = results_of(ds)
    tc = float(results["T_c"].subs(sym.J, 1))
    assert close(tc, 4.511523, 1e-6)
    assert close(float(results["K_c"]), 0.221654626, 1e-15)
    assert TC < tc < 2 / np.log(1.5) < 6.0
    quoted = [s for d in ds for s in d.steps if s.rule == "quoted"]
    assert quoted and all("Ferrenberg" in s.reference for s in quoted)
