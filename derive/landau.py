r"""Landau expansion of the mean-field free energy: coefficients, exponents, jumps.

Expands the Bragg-Williams :math:`f(m)` of :mod:`derive.meanfield` at
:math:`h = 0` to fourth order and derives from it, as checked steps,
:math:`T_c = zJ`, :math:`\beta = 1/2`, :math:`\gamma = 1` (with the
Curie-Weiss law :math:`\chi = 1/(T - T_c)` and the amplitude ratio 2),
:math:`\delta = 3` and the heat-capacity jump :math:`\Delta C = 3/2` per spin.

References
----------
L. D. Landau, Zh. Eksp. Teor. Fiz. 7, 19 (1937).
N. Goldenfeld, Lectures on Phase Transitions and the Renormalization Group
(1992), ch. 5.
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .meanfield import T_c, bragg_williams_free_energy, effective_coupling, f_L, m
from .model import Model

a_2, a_4 = sp.symbols("a_2 a_4")
m_0 = sp.Symbol("m_0")
exponent_beta = sp.Symbol("beta_exp")
exponent_gamma = sp.Symbol("gamma_exp")
exponent_delta = sp.Symbol("delta_exp")
chi_below = sp.Symbol("chi_-")
h_c = sp.Symbol("h_c")
delta_f = sp.Symbol("Delta_f")
delta_C = sp.Symbol("Delta_C")


def landau_expansion(model: Model) -> Derivation:
    r"""Landau expansion of the mean-field free energy, critical exponents, jumps.

    Expands :math:`f(m)` at :math:`h = 0` to fourth order,
    :math:`f_L = -T\log 2 + a_2 m^2 + a_4 m^4` with :math:`a_2 = (T - zJ)/2`,
    :math:`a_4 = T/12`, and derives from it :math:`T_c`, :math:`\beta`,
    :math:`\gamma`, :math:`\delta`, :math:`\Delta C` and the Curie-Weiss law.
    """
    zJ = effective_coupling(model)
    T = sym.T
    f0 = bragg_williams_free_energy(zJ, sp.Integer(0))
    taylor = sp.Add(
        *[sp.Subs(sp.Derivative(f0, (m, k)), m, 0) * m**k / sp.factorial(k) for k in range(5)]
    )
    landau = -T * sp.log(2) + (T - zJ) / 2 * m**2 + T * m**4 / 12
    m0 = sp.sqrt(3 * (zJ - T) / T)
    steps = (
        Step(
            f_L,
            landau,
            "Expand $f(m)$ at $h = 0$ to fourth order in $m$ (odd orders vanish by symmetry)",
            via=taylor,
        ),
        Step(
            a_2,
            (T - zJ) / 2,
            "Quadratic coefficient",
            via=sp.Subs(sp.Derivative(f_L, (m, 2)), m, 0) / 2,
        ),
        Step(
            a_4,
            T / 12,
            "Quartic coefficient, positive",
            via=sp.Subs(sp.Derivative(f_L, (m, 4)), m, 0) / 24,
        ),
        Step(T_c, zJ, "The quadratic coefficient changes sign at $T_c$", rule="define"),
        Step(
            sp.Function("f''")(0, T_c),
            sp.Integer(0),
            "Check: the curvature of the full $f(m)$ at $m = 0$ vanishes at $T_c$",
            via=sp.Subs(sp.Derivative(f0, (m, 2)), (m, T), (0, zJ)),
        ),
        Step(
            m_0,
            m0,
            "Below $T_c$ the minima sit at $\\pm m_0$ with $m_0^2 = -a_2/(2a_4)$",
            via=sp.sqrt(-a_2 / (2 * a_4)),
        ),
        Step(
            sp.Function("f'_L")(m_0),
            sp.Integer(0),
            "Check: $m_0$ is stationary",
            via=sp.Subs(sp.Derivative(f_L, m), m, m_0),
        ),
        Step(
            exponent_beta,
            sp.Rational(1, 2),
            "Order-parameter exponent, $m_0 \\propto (T_c - T)^{\\beta}$",
            via=sp.Limit(sp.log(m_0) / sp.log(T_c - T), T, T_c, "-"),
        ),
        Step(
            sym.chi,
            1 / (T - zJ),
            "Curie-Weiss law: at a solution $h = f_0'(m)$, so $\\chi = \\partial m/\\partial h "
            "= 1/f_0''(0)$ for $T > T_c$ (exact within mean field)",
            via=1 / sp.Subs(sp.Derivative(f0, (m, 2)), m, 0),
        ),
        Step(
            exponent_gamma,
            sp.Integer(1),
            "Susceptibility exponent, $\\chi \\propto (T - T_c)^{-\\gamma}$",
            via=sp.Limit(-sp.log(sym.chi) / sp.log(T - T_c), T, T_c, "+"),
        ),
        Step(
            chi_below,
            1 / (2 * (zJ - T)),
            "Below $T_c$: $\\chi = 1/f_L''(m_0)$, half the value at the same distance above",
            via=1 / sp.Subs(sp.Derivative(f_L, (m, 2)), m, m_0),
        ),
        Step(
            h_c,
            zJ * m**3 / 3,
            "On the critical isotherm the field is $h = f_L'(m)$ at $T = T_c$",
            via=sp.Subs(sp.Derivative(f_L, m), T, T_c),
        ),
        Step(
            exponent_delta,
            sp.Integer(3),
            "Critical-isotherm exponent, $h \\propto m^{\\delta}$",
            via=sp.Limit(sp.log(h_c) / sp.log(m), m, 0, "+"),
        ),
        Step(
            delta_f,
            -3 * (T - zJ) ** 2 / (4 * T),
            "Free-energy gain of the ordered minimum, $f_L(m_0) - f_L(0) = -a_2^2/(4a_4)$",
            via=landau.subs(m, m0) - landau.subs(m, 0),
        ),
        Step(
            delta_C,
            sp.Rational(3, 2),
            "Heat-capacity jump per spin at $T_c$, $C = -T\\,\\partial^2 f/\\partial T^2$ "
            "(the exponent $\\alpha = 0$)",
            via=sp.Limit(-T * sp.Derivative(delta_f, (T, 2)), T, T_c, "-"),
        ),
    )
    return Derivation(
        title="Landau expansion and critical exponents",
        steps=steps,
        results=(
            ("a_2", (T - zJ) / 2),
            ("a_4", T / 12),
            ("T_c", zJ),
            ("exponent_beta", sp.Rational(1, 2)),
            ("exponent_gamma", sp.Integer(1)),
            ("exponent_delta", sp.Integer(3)),
            ("heat_capacity_jump", sp.Rational(3, 2)),
            ("chi", 1 / (T - zJ)),
        ),
        intro="Near $T_c$ the order parameter is small: expand the free energy in $m$.",
        references=("L. D. Landau, Zh. Eksp. Teor. Fiz. 7, 19 (1937)",),
    )
