"""Derived thermodynamics of the ideal systems against known closed forms (exact identities)."""

import pytest
import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive.checking import equal

from statmech import derive

T, N, eps, mu, h = sym.T, sym.N, sym.epsilon, sym.mu, sym.h


def result(model_name, name):
    from statmech.derive.render import results_of

    return results_of(derive.derivations(derive.get_model(model_name)))[name]


def assert_same(a, b):
    assert sp.simplify(a - b) == 0 or equal(a, b).ok, f"{a} != {b}"


def test_schottky_heat_capacity():
    x = eps / T
    schottky = N * x**2 * sp.exp(x) / (1 + sp.exp(x)) ** 2
    assert_same(result("two-level", "C"), schottky)
    assert_same(derive.heat_capacity(derive.get_model("two-level")), schottky)


def test_schottky_peak_position():
    c = result("two-level", "C").subs({N: 1, eps: 1})
    t_peak = sp.nsolve(sp.diff(c, T), T, 0.4)
    assert abs(float(t_peak) - 0.416778) < 1e-6  # root of x tanh(x/2) = 2 with x = 1/T
    assert abs(float(c.subs(T, t_peak)) - 0.439229) < 1e-6


def test_paramagnet_tanh_and_curie():
    assert_same(result("paramagnet", "M"), N * mu * sp.tanh(mu * h / T))
    chi = result("paramagnet", "chi")
    assert sp.simplify(chi.subs(h, 0) - N * mu**2 / T) == 0  # Curie's law
    assert_same(result("paramagnet", "E"), -h * result("paramagnet", "M"))


def test_paramagnet_generic_verbs_agree_with_derivation():
    model = derive.get_model("paramagnet")
    assert_same(derive.magnetization(model), N * mu * sp.tanh(mu * h / T))
    assert_same(derive.susceptibility(model), sp.diff(N * mu * sp.tanh(mu * h / T), h))


def test_oscillator_one_over_two_sinh():
    hbar, omega = sp.symbols("hbar omega", positive=True)
    z1 = derive.partition_function(derive.get_model("harmonic-oscillator")).result_dict["Z_1"]
    assert z1 == 1 / (2 * sp.sinh(hbar * omega / (2 * T)))
    assert_same(
        result("harmonic-oscillator", "E"), N * hbar * omega / 2 * sp.coth(hbar * omega / (2 * T))
    )
    # the classical limit: C -> N as T -> oo
    c = result("harmonic-oscillator", "C")
    assert sp.limit(c.subs({hbar: 1, omega: 1}), T, sp.oo) == N


def test_einstein_solid_is_the_oscillator_shifted():
    e_osc = result("harmonic-oscillator", "E").subs(sp.Symbol("hbar", positive=True), 1)
    e_osc = e_osc.subs(sp.Symbol("omega", positive=True), eps)
    assert_same(e_osc - N * eps / 2, result("einstein-solid", "E"))


def test_sackur_tetrode():
    m, V, hp = sp.symbols("m V h_P", positive=True)
    lam = hp / sp.sqrt(2 * sp.pi * m * T)
    st = N * (sp.log(V / (N * lam**3)) + sp.Rational(5, 2))
    assert_same(result("ideal-gas", "S_ST"), st)
    assert result("ideal-gas", "E") == sp.Rational(3, 2) * N * T
    assert result("ideal-gas", "P") == N * T / V
    # the exact entropy approaches Sackur-Tetrode: difference is log(2 pi N)/2 + o(1)
    exact = result("ideal-gas", "S")
    point = {m: 1, V: 1000, hp: 1, T: 2}
    for n in (10**3, 10**6):
        diff = float((st - exact).subs(point).subs(N, n))
        assert diff == pytest.approx(float(sp.log(2 * sp.pi * n) / 2), rel=1e-3)


@pytest.mark.parametrize(
    "name", ["two-level", "paramagnet", "harmonic-oscillator", "einstein-solid"]
)
def test_textbook_forms_have_no_bare_log_of_powers(name):
    """Results are printed as a textbook would: log(2 cosh x), not log((2 cosh x)**(N T))."""
    for key in ("F", "S"):
        expr = result(name, key)
        for lg in expr.atoms(sp.log):
            assert not (lg.args[0].is_Pow and lg.args[0].exp.has(T)), (key, expr)


def test_microcanonical_results():
    from statmech.derive.microcanonical import einstein_microcanonical, paramagnet_microcanonical

    for d in (paramagnet_microcanonical(), einstein_microcanonical()):
        checked = derive.check(d)
        assert any(r.method == "asymptotic" for _, r in checked)
