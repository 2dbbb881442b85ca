r"""Why heat flows from hot to cold: two Einstein solids in thermal contact.

Solids A and B (:math:`N_A`, :math:`N_B` oscillators) share :math:`q = q_A + q_B`
quanta.  Every way of distributing them is equally likely, so the probability of
a split is proportional to

.. math::

    \Omega(q_A) = \binom{q_A + N_A - 1}{q_A}\binom{q_B + N_B - 1}{q_B}.

Its logarithm is stationary where :math:`\partial S_A/\partial q_A =
\partial S_B/\partial q_B`, i.e. where the two temperatures are equal, and the
peak is a maximum whose relative width shrinks like :math:`1/\sqrt{N}`.  Away
from the peak, :math:`\partial S/\partial q_A = \epsilon (1/T_A - 1/T_B)`: moving a
quantum from the hotter solid to the colder one raises the entropy.  Exact
multiplicities (numeric, :mod:`numeric.multiplicity`) show the same at finite N.

References
----------
Schroeder, An Introduction to Thermal Physics (2000), sec. 2.3 and 3.1.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .microcanonical import einstein_log_multiplicity_stirling

N_A = sp.Symbol("N_A", positive=True, integer=True)
N_B = sp.Symbol("N_B", positive=True, integer=True)
q_A = sp.Symbol("q_A", positive=True, integer=True)
q_B = sp.Symbol("q_B", positive=True, integer=True)
#: Quanta per oscillator at the peak (equal in both solids).
u = sp.Symbol("u", positive=True)
#: The entropy's slope and curvature in q_A, and the width of the peak.
slope = sp.Symbol("S'")
curvature = sp.Symbol("S''")
sigma = sp.Symbol("sigma_{q_A}", positive=True)
T_A = sp.Symbol("T_A", positive=True)
T_B = sp.Symbol("T_B", positive=True)


@cache
def heat_flow() -> Derivation:
    """Two Einstein solids in contact: the multiplicity peaks at equal temperatures."""
    eps = sym.epsilon
    omega = sp.binomial(q_A + N_A - 1, q_A) * sp.binomial(q_B + N_B - 1, q_B)
    s_stirling = einstein_log_multiplicity_stirling(N_A, q_A) + einstein_log_multiplicity_stirling(
        N_B, q_B
    )
    ds = sp.log(1 + N_A / q_A) - sp.log(1 + N_B / q_B)
    d2s = -N_A / (q_A * (q_A + N_A)) - N_B / (q_B * (q_B + N_B))
    peak = {q_A: N_A * u, q_B: N_B * u}
    width2 = u * (1 + u) * N_A * N_B / (N_A + N_B)
    steps = (
        Step(
            sym.Omega,
            omega,
            "Solids A and B share $q = q_A + q_B$ quanta; every microstate of the pair is "
            "equally likely, so the split $q_A$ has probability $\\propto \\Omega$",
            rule="define",
        ),
        Step(sym.S, sp.log(sym.Omega), "The total entropy $S = \\log\\Omega$", rule="define"),
        Step(
            sym.S,
            sp.loggamma(q_A + N_A)
            - sp.loggamma(q_A + 1)
            - sp.loggamma(N_A)
            + sp.loggamma(q_B + N_B)
            - sp.loggamma(q_B + 1)
            - sp.loggamma(N_B),
            "Factorials as Gamma functions, $\\log n! = \\log\\Gamma(n+1)$",
            via=sym.S,
        ),
        Step(
            sym.S,
            s_stirling,
            "Stirling for each solid: $S = S_A(q_A) + S_B(q_B)$, all four numbers large",
            rule="asymptotic",
            large=(q_A, q_B, N_A, N_B),
        ),
        Step(
            slope,
            ds,
            "Move one quantum from B to A ($dq_B = -dq_A$)",
            via=sp.Derivative(sym.S, q_A) - sp.Derivative(sym.S, q_B),
        ),
        Step(
            slope,
            eps * (1 / T_A - 1 / T_B),
            "With each solid's temperature $\\epsilon/T = \\log(1 + N/q)$: the entropy grows "
            "when a quantum moves to the colder solid, so heat flows from hot to cold",
            via=ds.subs({N_A: q_A * (sp.exp(eps / T_A) - 1), N_B: q_B * (sp.exp(eps / T_B) - 1)}),
        ),
        Step(
            slope,
            sp.Integer(0),
            "At equal shares per oscillator, $q_A/N_A = q_B/N_B = u$ (equal temperatures), "
            "the slope vanishes: the multiplicity peaks where $T_A = T_B$",
            via=ds.subs(peak),
        ),
        Step(
            curvature,
            d2s,
            "The curvature $\\partial^2 S/\\partial q_A^2$ is negative: the peak is a maximum",
            via=sp.Derivative(sym.S, q_A, 2) + sp.Derivative(sym.S, q_B, 2),
        ),
        Step(
            sigma**2,
            width2,
            "Near the peak $\\Omega \\propto e^{-(q_A - N_A u)^2/2\\sigma^2}$ with "
            "$\\sigma^2 = -1/S''$",
            via=-1 / d2s.subs(peak),
        ),
        Step(
            sigma / (N_A * u),
            sp.sqrt((1 + u) * N_B / (u * N_A * (N_A + N_B))),
            "Relative width of the peak: it shrinks like $1/\\sqrt{N}$ as the solids grow",
            via=sp.sqrt(width2) / (N_A * u),
        ),
    )
    return Derivation(
        title="Two Einstein solids in contact",
        steps=steps,
        results=(("Omega_AB", omega), ("sigma_q_A_squared", width2)),
        intro=(
            "Why heat flows from hot to cold: the total multiplicity of two solids in contact "
            "is overwhelmingly concentrated where their temperatures are equal."
        ),
        references=("Schroeder, An Introduction to Thermal Physics, sec. 2.3 and 3.1",),
    )
