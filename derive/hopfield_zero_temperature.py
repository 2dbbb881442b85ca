r"""The Hopfield network's replica-symmetric theory at zero temperature (Amit, Gutfreund and
Sompolinsky): :math:`T \to 0` at fixed :math:`C = \beta(1 - q)` gives the energy
:math:`e_0(m, C, r)`, the erf equations and the capacity :math:`\alpha_c = \max_y
\alpha(y)`.  Re-exported by :mod:`statmech.derive.hopfield_replica`, whose free energy
at T > 0 this is the limit of.

References
----------
D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
Ann. Phys. (N.Y.) 173, 30 (1987).
"""

from __future__ import annotations

import sympy as sp

from .averages import STEIN, expand_average, stein
from .derivation import Derivation, Step
from .gaussian import GaussianAverage
from .hopfield_data import (
    AGS_1987,
    AGS_PRL_1985,
    C,
    _label,
    alpha,
    alpha_c,
    beta,
    e0_of,
    m_plus,
    q,
    r,
    sigma,
    x,
    y,
    y_c,
    z,
)
from .meanfield import m


def zero_temperature_energy() -> sp.Expr:
    r""":math:`e_0(m, C, r) = \lim_{T\to0} f`, with :math:`C = \beta(1 - q)` held fixed."""
    s = sp.sqrt(alpha * r)
    return (
        m**2 / 2
        + alpha / 2
        - alpha / (2 * (1 - C))
        + alpha * r * C / 2
        - (m * sp.erf(m / (sp.sqrt(2) * s)) + s * sp.sqrt(2 / sp.pi) * sp.exp(-(m**2) / (2 * s**2)))
    )


def zero_temperature_fixed_point() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """The T = 0 equations ``m = erf(...)``, ``C = ...``, ``r = 1/(1 - C)**2``."""
    return (
        sp.erf(m / sp.sqrt(2 * alpha * r)),
        sp.sqrt(2 / (sp.pi * alpha * r)) * sp.exp(-(m**2) / (2 * alpha * r)),
        1 / (1 - C) ** 2,
    )


def zero_temperature_gradient() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    r""":math:`(\partial_m e_0, \partial_C e_0, \partial_r e_0)`."""
    m_eq, c_eq, r_eq = zero_temperature_fixed_point()
    return m - m_eq, alpha / 2 * (r - r_eq), alpha / 2 * (C - c_eq)


def capacity_function() -> sp.Expr:
    r""":math:`\alpha(y) = (\operatorname{erf} y - \frac{2}{\sqrt\pi} y e^{-y^2})^2 / (2y^2)`:
    the load at which :math:`y = m/\sqrt{2\alpha r}` solves the T = 0 equations."""
    return (sp.erf(y) - 2 * y * sp.exp(-(y**2)) / sp.sqrt(sp.pi)) ** 2 / (2 * y**2)


def zero_temperature_derivation(model) -> Derivation:
    """T -> 0 at fixed C = beta (1 - q): the energy e_0(m, C, r), the erf equations and alpha_c."""
    b = beta
    q_of_c = 1 - C / b
    non_gaussian = (
        m**2 / 2
        + alpha / 2
        + alpha / (2 * b) * sp.log(1 - b * (1 - q))
        - alpha * q / (2 * (1 - b * (1 - q)))
        + alpha * r * b * (1 - q) / 2
    ).subs(q, q_of_c)
    non_gaussian_limit = m**2 / 2 + alpha / 2 - alpha / (2 * (1 - C)) + alpha * r * C / 2
    density = sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)
    edge = -m / sigma
    abs_mean = m * sp.erf(m / (sp.sqrt(2) * sigma)) + sigma * sp.sqrt(2 / sp.pi) * sp.exp(
        -(m**2) / (2 * sigma**2)
    )
    e0 = zero_temperature_energy()
    m_eq, c_eq, r_eq = zero_temperature_fixed_point()
    grad_m, grad_c, grad_r = zero_temperature_gradient()
    to_y = {r: m_plus**2 / (2 * alpha * y**2)}
    c_of_y = 2 * y * sp.exp(-(y**2)) / (sp.sqrt(sp.pi) * m_plus)
    steps = (
        Step(
            b * (1 - q),
            C,
            "As $T \\to 0$, $q \\to 1$ with $C = \\beta(1 - q)$ finite",
            rule="define",
        ),
        Step(
            _label(r),
            1 / (1 - C) ** 2,
            "The $r$ equation with $q = 1 - C/\\beta$",
            rule="asymptotic",
            large=b,
            via=(q / (1 - b * (1 - q)) ** 2).subs(q, q_of_c),
        ),
        Step(
            non_gaussian,
            non_gaussian_limit,
            "The terms of $f$ without the Gaussian average, $q = 1 - C/\\beta$",
            rule="asymptotic",
            large=b,
            via=non_gaussian,
        ),
        Step(
            sp.log(2 * sp.cosh(b * x)) / b,
            sp.Abs(x) + sp.log(1 + sp.exp(-2 * b * sp.Abs(x))) / b,
            "Take out the larger exponential",
            via=sp.log(2 * sp.cosh(b * x)) / b,
        ),
        Step(
            sp.log(2 * sp.cosh(b * x)) / b,
            sp.Abs(x),
            "Pointwise, for $x \\ne 0$",
            rule="asymptotic",
            large=b,
        ),
        Step(
            GaussianAverage(sp.Abs(m + sigma * z), z),
            abs_mean,
            "So the average of $T \\log 2\\cosh u$ tends to $\\operatorname{E}_z|m + \\sigma z|$, "
            "$\\sigma = \\sqrt{\\alpha r}$ (dominated convergence)",
            via=sp.Integral((m + sigma * z) * density, (z, edge, sp.oo))
            - sp.Integral((m + sigma * z) * density, (z, -sp.oo, edge)),
        ),
        Step(
            e0_of,
            e0,
            "The energy per unit of a replica-symmetric state at $T = 0$",
            via=non_gaussian_limit - abs_mean.subs(sigma, sp.sqrt(alpha * r)),
        ),
        Step(
            sp.tanh(b * x),
            sp.sign(x),
            "Pointwise, for $x \\ne 0$",
            rule="asymptotic",
            large=b,
            via=sp.tanh(b * x),
        ),
        Step(
            sp.Limit(GaussianAverage(sp.tanh(b * (m + sigma * z)), z), b, sp.oo),
            sp.erf(m / (sp.sqrt(2) * sigma)),
            "The $m$ equation at $T \\to 0$ directly: the average of the limit "
            "$\\operatorname{sign}(m + \\sigma z)$ ($|\\tanh| \\le 1$)",
            via=sp.Integral(density, (z, edge, sp.oo)) - sp.Integral(density, (z, -sp.oo, edge)),
        ),
        Step(
            GaussianAverage(z * sp.tanh(b * (m + sigma * z)), z) / sigma,
            b * (1 - GaussianAverage(sp.tanh(b * (m + sigma * z)) ** 2, z)),
            f"$C = \\beta(1 - q)$ at finite $\\beta$, by Stein's lemma backwards ({STEIN})",
            via=expand_average(stein(GaussianAverage(z * sp.tanh(b * (m + sigma * z)), z))) / sigma,
        ),
        Step(
            sp.Limit(GaussianAverage(z * sp.tanh(b * (m + sigma * z)), z) / sigma, b, sp.oo),
            sp.sqrt(2 / sp.pi) / sigma * sp.exp(-(m**2) / (2 * sigma**2)),
            "The $C$ equation at $T \\to 0$ directly: the average of the limit "
            "$z\\operatorname{sign}(m + \\sigma z)$ ($|z \\tanh| \\le |z|$)",
            via=(
                sp.Integral(z * density, (z, edge, sp.oo))
                - sp.Integral(z * density, (z, -sp.oo, edge))
            )
            / sigma,
        ),
        Step(sp.Derivative(e0_of, m), grad_m, "Differentiate", via=sp.Derivative(e0_of, m)),
        Step(sp.Derivative(e0_of, C), grad_c, "Differentiate", via=sp.Derivative(e0_of, C)),
        Step(sp.Derivative(e0_of, r), grad_r, "Differentiate", via=sp.Derivative(e0_of, r)),
        Step(_label(m), m_eq, "Stationarity in $m$", via=m - grad_m),
        Step(_label(C), c_eq, "Stationarity in $r$", via=C - 2 / alpha * grad_r),
        Step(_label(r), r_eq, "Stationarity in $C$", via=r - 2 / alpha * grad_c),
        Step(
            _label(C),
            c_of_y,
            "With $y = m/\\sqrt{2\\alpha r}$, i.e. $r = m^2/(2\\alpha y^2)$ "
            "(a retrieval state, $m > 0$)",
            via=c_eq.subs(m, m_plus).subs(to_y),
        ),
        Step(_label(m_plus), sp.erf(y), "The $m$ equation", via=m_eq.subs(m, m_plus).subs(to_y)),
        Step(
            sp.Function("alpha")(y),
            capacity_function(),
            "$1/r = (1 - C)^2 = 2\\alpha y^2/m^2$ with $m = \\operatorname{erf} y$: every "
            "$y > 0$ solves the equations at one load",
            via=((m_plus * (1 - c_of_y)) ** 2 / (2 * y**2)).subs(m_plus, sp.erf(y)),
        ),
        Step(
            alpha_c,
            sp.Function("alpha")(y_c),
            "The retrieval solutions exist up to the largest such load, at the root $y_c$ of "
            "$d\\alpha/dy$; there $m = \\operatorname{erf} y_c$",
            rule="define",
        ),
        Step(
            alpha_c,
            sp.Float("0.138", 3),
            "The capacity, with $m = 0.967$ there",
            rule="quoted",
            reference=AGS_PRL_1985 + "; " + AGS_1987,
        ),
        Step(
            sp.Symbol("alpha_eq"),
            sp.Float("0.051", 2),
            "Below this load the retrieval states have a lower energy $e_0$ than the "
            "spin-glass state ($m = 0$); above it they are metastable",
            rule="quoted",
            reference=AGS_1987,
        ),
    )
    return Derivation(
        title="Zero temperature: the erf equations and the capacity",
        steps=steps,
        results=(
            ("e_0", e0),
            ("m_T0", m_eq),
            ("C_T0", c_eq),
            ("r_T0", r_eq),
            ("alpha_of_y", capacity_function()),
        ),
        intro="At $T = 0$ the Gaussian averages become error functions and the capacity "
        "follows from one equation in $y = m/\\sqrt{2\\alpha r}$.",
        references=(AGS_PRL_1985, AGS_1987),
    )
