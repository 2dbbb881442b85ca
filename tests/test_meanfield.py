"""Mean-field derivations: textbook forms, critical temperatures, exponents, quoted steps."""

import json
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive.checking import equal, numeric_points
from statmech.derive.meanfield import (
    OrderParameter,
    landau_expansion,
    log_binomial,
    m,
    mean_field_equations,
    spin_entropy,
    z,
)
from statmech.numeric.solve import solve_grid

from statmech import derive
from statmech.cli import main

T, J, h = sym.T, sym.J, sym.h


def _same(a, b):
    """Equal symbolically, or at random points to 30 digits where simplify is weak."""
    return equal(a, b).ok


def test_weiss_equation_is_the_textbook_form():
    eq = mean_field_equations(derive.get_model("mean-field"))
    assert eq.unknowns == (m,)
    assert _same(eq.fixed_point[0], sp.tanh((z * J * m + h) / T))
    s = -(1 + m) / 2 * sp.log((1 + m) / 2) - (1 - m) / 2 * sp.log((1 - m) / 2)
    assert _same(eq.free_energy, -z * J * m**2 / 2 - h * m - T * s)
    assert _same(eq.residual[0], sp.diff(eq.free_energy, m))
    assert _same(sp.diff(eq.free_energy, m, 2), T / (1 - m**2) - z * J)
    assert eq.critical_temperature == z * J


def test_curie_weiss_is_mean_field_with_zJ_equal_J():
    eq = mean_field_equations(derive.get_model("curie-weiss"))
    assert _same(eq.fixed_point[0], sp.tanh((J * m + h) / T))
    assert eq.critical_temperature == J


def test_generic_verb_on_a_lattice_model_uses_its_coordination():
    eq = mean_field_equations(derive.get_model("ising3d"))
    assert eq.critical_temperature == 6 * J


def test_landau_coefficients_and_exponents():
    results = dict(landau_expansion(derive.get_model("mean-field")).results)
    assert sp.simplify(results["a_2"] - (T - z * J) / 2) == 0
    assert sp.simplify(results["a_4"] - T / 12) == 0
    assert results["exponent_beta"] == sp.Rational(1, 2)
    assert results["exponent_gamma"] == 1
    assert results["exponent_delta"] == 3
    assert results["heat_capacity_jump"] == sp.Rational(3, 2)
    assert sp.simplify(results["chi"] - 1 / (T - z * J)) == 0


def test_landau_coefficients_are_the_taylor_coefficients():
    f0 = mean_field_equations(derive.get_model("mean-field")).free_energy.subs(h, 0)
    series = sp.series(f0, m, 0, 6).removeO()
    assert sp.simplify(series.coeff(m, 2) - (T - z * J) / 2) == 0
    assert sp.simplify(series.coeff(m, 4) - T / 12) == 0
    assert series.coeff(m, 3) == 0


def test_exponents_from_the_numeric_solution():
    """beta = 1/2 with amplitude sqrt(3), chi = 1/(T - T_c): from solved m(T), not the algebra."""
    eq = mean_field_equations(derive.get_model("curie-weiss"))
    t = np.array([1e-3, 1e-4, 1e-5])
    sol = solve_grid(eq, {"T": 1 - t, "J": 1.0, "h": 0.0})
    m0 = np.nanmax(sol.m, axis=1)
    np.testing.assert_allclose(m0 / np.sqrt(t), np.sqrt(3), rtol=2e-3)
    dh = 1e-12  # m^3 corrections are (dh/t)^2/(3t) relative: negligible
    above = solve_grid(eq, {"T": 1 + t, "J": 1.0, "h": dh})
    np.testing.assert_allclose(above.m[:, 0] / dh * t, 1.0, rtol=1e-5)


def test_heat_capacity_jump_from_the_free_energy():
    eq = mean_field_equations(derive.get_model("curie-weiss"))
    temps = 1 - np.array([2e-3, 1e-3, 0])
    sol = solve_grid(eq, {"T": temps, "J": 1.0, "h": 0.0})
    f_eq = np.array(
        [np.nanmin(np.where(sol.equilibrium[i], sol.free_energy[i], np.nan)) for i in range(3)]
    )
    f_para = -temps * math.log(2)  # f(0)
    d = f_eq - f_para  # ~ -3 (T_c - T)^2 / (4 T)
    second = (d[0] - 2 * d[1] + d[2]) / (1e-3) ** 2
    assert -1.0 * second == pytest.approx(1.5, rel=5e-3)


@pytest.mark.parametrize(
    "name, tc", [("curie-weiss", 1.0), ("mean-field", 4.0), ("bethe", 2 / math.log(2))]
)
def test_derive_json_includes_T_c(capsys, name, tc):
    assert main(["derive", name, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    value = sp.sympify(data["results"]["T_c"]).subs({"J": 1, "z": 4})
    assert float(value) == pytest.approx(tc)


def test_bethe_T_c_formula():
    model = derive.get_model("bethe")
    d = derive.derivations(model)
    tc = dict(d[0].results)["T_c"]
    assert _same(sp.tanh(J / tc), 1 / (z - 1))
    assert float(tc.subs({J: 1, z: 4})) == pytest.approx(2 / math.log(2), rel=1e-15)
    # Weiss > Bethe > exact on the square lattice
    exact = 2 / math.log(1 + math.sqrt(2))
    assert 4.0 > 2 / math.log(2) > exact


def test_quoted_onsager_value_is_self_dual_point():
    """The quoted exact T_c of the square lattice: sinh(2J/T_c) = 1 (Kramers-Wannier)."""
    step = next(
        s
        for s in derive.derivations(derive.get_model("bethe"))[0].steps
        if s.rule == "quoted" and "square" in s.why
    )
    mpmath.mp.dps = 40
    tc = sp.N(step.rhs.subs(J, 1), 40)
    assert abs(mpmath.sinh(2 / mpmath.mpf(str(tc))) - 1) < mpmath.mpf("1e-35")
    assert float(tc) == pytest.approx(2.269185314213022, rel=1e-14)


def _chain_free_energy(T, J, h):
    K, b = J / T, h / T
    return -T * math.log(
        math.exp(K) * math.cosh(b)
        + math.sqrt(math.exp(2 * K) * math.sinh(b) ** 2 + math.exp(-2 * K))
    )


@pytest.mark.parametrize("T, h", [(0.7, 0.0), (1.3, 0.2), (2.0, -0.5)])
def test_quoted_bethe_free_energy_is_exact_on_the_chain(T, h):
    """Bethe is exact on a tree; z = 2 is the Ising chain (transfer matrix)."""
    eq = mean_field_equations(derive.get_model("bethe"))
    sol = solve_grid(eq, {"T": T, "J": 1.0, "h": h, "z": 2})
    i = np.flatnonzero(sol.equilibrium[0])[0]
    assert sol.count[0] == 1
    assert sol.free_energy[0, i] == pytest.approx(_chain_free_energy(T, 1.0, h), rel=1e-12)
    K, b = 1 / T, h / T
    m_exact = math.sinh(b) / math.sqrt(math.sinh(b) ** 2 + math.exp(-4 * K))
    assert sol.m[0, i] == pytest.approx(m_exact, rel=1e-12, abs=1e-14)


def test_bethe_large_z_approaches_weiss():
    eqb = mean_field_equations(derive.get_model("bethe"))
    z_big = 2000
    tc = float(eqb.critical_temperature.subs({J: 1.0 / z_big, z: z_big}))
    assert tc == pytest.approx(1.0, rel=1e-3)


def test_order_parameter_is_sampled_inside_its_interval():
    points = list(numeric_points([m * T], seed=1, count=50))
    assert all(-1 < p[m] < 1 for p in points)
    assert isinstance(m, OrderParameter) and m.is_real


def test_log_binomial_evaluates_without_forming_factorials():
    N = sp.Integer(10) ** 16
    value = sp.N(log_binomial(N, N / 4), 25)
    mpmath.mp.dps = 30
    n = mpmath.mpf(10) ** 16
    expected = mpmath.loggamma(n + 1) - mpmath.loggamma(n / 4 + 1) - mpmath.loggamma(3 * n / 4 + 1)
    assert abs(mpmath.mpf(str(value)) / expected - 1) < mpmath.mpf("1e-20")
    stirling = float(spin_entropy(sp.Rational(-1, 2))) * 1e16
    assert float(value) == pytest.approx(stirling, rel=1e-14)


def test_pitfall_sympy_cannot_find_every_fixed_point():
    """solve() gives up on m = tanh(m/T); nsolve returns one root. The solver finds three."""
    x = sp.Symbol("x", real=True)
    equation = x - sp.tanh(x / sp.Rational(1, 2))
    with pytest.raises(NotImplementedError):
        sp.solve(equation, x)
    one = sp.nsolve(equation, x, 0.5)
    sol = solve_grid(
        mean_field_equations(derive.get_model("curie-weiss")), {"T": 0.5, "J": 1.0, "h": 0.0}
    )
    assert sol.count[0] == 3
    assert min(abs(sol.x[0, :3] - float(one))) < 1e-14


def test_report_section_builds(tmp_path):
    from statmech.report import Context
    from statmech.report.sections import s40_meanfield

    section = s40_meanfield.build(Context(out=tmp_path, quick=True))
    for name in section.figures:
        assert (tmp_path / "figures" / name).stat().st_size > 1000
    assert "meanfield_simulation.png" in section.figures
    rows = {r.label: r for r in s40_meanfield.critical_temperature_table()}
    square = rows["square (z = 4)"]
    assert square.values() == pytest.approx((4.0, 2 / math.log(2), 2.269185314213022))
    assert "2.269185" in section.markdown and "Onsager" in section.markdown
    # The simulation summary: one row per simulated N, no stray "|" breaking the table.
    table = [line for line in section.markdown.splitlines() if line.startswith("| 256 |")]
    assert len(table) == 1 and table[0].count("|") == 7
