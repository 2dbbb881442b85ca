r"""The Curie-Weiss model: every pair of N spins coupled with J/N.

:math:`H = -\frac{J}{N}\sum_{i<j} s_i s_j - h \sum_i s_i` (each pair once; this
differs from :math:`-\frac{J}{2N}(\sum_i s_i)^2 - h\sum_i s_i` by :math:`J/2`).
With :math:`M = \sum_i s_i` and :math:`s_i^2 = 1` the energy is
:math:`E(M) = -\frac{J}{2N}(M^2 - N) - hM`, so the partition function is a sum
over :math:`M` with binomial multiplicities; Stirling and Laplace's method turn
it into :math:`F/N \to \min_m f(m)`, :math:`f(m) = -Jm^2/2 - hm - Ts(m)`: mean
field is exact, :math:`T_c = J`.
"""

import sympy as sp

from .. import symbols as sym
from ..derivation import Derivation, Step
from ..hamiltonian import H as H_symbol
from ..hamiltonian import hamiltonian_expr
from ..interactions import ising_hamiltonian
from ..landau import landau_expansion
from ..meanfield import (
    T_c,
    bragg_williams_free_energy,
    entropy_steps,
    f,
    log_binomial,
    m,
    spin_entropy,
    stationarity_steps,
)
from ..model import TEMPERATURE, AllToAll, Model, Parameter, ising_spin

LAPLACE = "N. G. de Bruijn, Asymptotic Methods in Analysis (1958), ch. 4 (Laplace's method)"
KAC = "M. Kac, in Statistical Physics, Phase Transitions and Superfluidity (1968)"

M_total = sp.Symbol("M", integer=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
f_N = sp.Symbol("f_N")
m_star = sp.Symbol("m_*", real=True)
F_1 = sp.Symbol("F_1")


def energy_of_magnetization(M_value, J=sym.J, h=sym.h, N=sym.N):
    r""":math:`E(M) = -\frac{J}{2N}(M^2 - N) - hM` (each pair once)."""
    return -J / (2 * N) * (M_value**2 - N) - h * M_value


def exact_derivation(model: Model) -> Derivation:
    """From the sum over the magnetization to the saddle point."""
    T, J, h, N = sym.T, sym.J, sym.h, sym.N
    steps = (
        Step(H_symbol, hamiltonian_expr(model), "The energy of a configuration", rule="given"),
        Step(
            H_symbol,
            energy_of_magnetization(M_total),
            "With $M = \\sum_i s_i$ and $s_i^2 = 1$: $\\sum_{i<j} s_i s_j = (M^2 - N)/2$",
            rule="given",
        ),
        Step(
            sym.Z,
            sp.Sum(sp.binomial(N, k) * sp.exp(-energy_of_magnetization(2 * k - N) / T), (k, 0, N)),
            "Sum over the number $k$ of up spins ($M = 2k - N$), "
            "$\\binom{N}{k}$ configurations each: exact for every $N$",
            rule="define",
        ),
        *entropy_steps(),
        Step(
            f_N,
            -T / N * log_binomial(N, N * (1 + m) / 2) + energy_of_magnetization(N * m) / N,
            "Free energy per spin of the configurations of magnetization $m = M/N$: "
            "$-T/N$ times the log of their total weight",
            rule="define",
        ),
        Step(
            f,
            -J * m**2 / 2 - h * m - T * spin_entropy(m),
            "Stirling; the constant $J/(2N)$ from the diagonal terms vanishes",
            rule="asymptotic",
            large=N,
        ),
        Step(
            sp.Limit(sym.F / N, N, sp.oo),
            f.subs(m, m_star),
            "Laplace's method: the $N + 1$ terms are dominated by the largest, so "
            "$F/N \\to \\min_m f(m) = f(m_*)$",
            rule="quoted",
            reference=LAPLACE,
        ),
        *stationarity_steps(J),
        Step(
            T_c,
            J,
            "The curvature at $m = 0$ and $h = 0$ is $T - J$: it changes sign at $T_c$",
            via=T - sp.Subs(sp.Derivative(f, (m, 2)), (m, h), (0, 0)),
        ),
    )
    return Derivation(
        title="Exact solution by the saddle point",
        steps=steps,
        results=(("f", bragg_williams_free_energy(J)), ("T_c", J)),
        intro="Mean field is exact for all-to-all coupling: the free energy per spin is "
        "a minimum over the magnetization.",
        references=(KAC, LAPLACE),
    )


def finite_size_derivation(model: Model) -> Derivation:
    r"""The first correction to :math:`F = N f(m_*)` (Laplace's method to next order)."""
    T, J, N = sym.T, sym.J, sym.N
    correction = J / 2 + T / 2 * sp.log(1 - J * (1 - m_star**2) / T)
    return Derivation(
        title="Finite-N correction",
        steps=(
            Step(
                F_1,
                correction,
                "$F - N f(m_*)$ for a single nondegenerate minimum: Stirling's prefactor "
                "$[2\\pi N(1 - m^2)/4]^{-1/2}$, the Gaussian integral over $m$ (spacing $2/N$) "
                "and the diagonal constant $J/2$; below $T_c$ at $h = 0$ the two minima "
                "add $-T\\log 2$",
                rule="quoted",
                reference=LAPLACE,
            ),
            Step(
                F_1,
                -T / 4 * sp.log(N),
                "At $T = T_c$, $h = 0$ the minimum is quartic, $f - f(0) \\approx T m^4/12$: "
                "the correction grows as $\\log N$ (up to a constant)",
                rule="quoted",
                reference=LAPLACE,
            ),
        ),
        results=(("F_1", correction),),
        intro="How fast the exact free energy per spin approaches $f(m_*)$: "
        "$F/N = f(m_*) + F_1/N + o(1/N)$ away from $T_c$, "
        "$\\log N / N$ at $T_c$.",
        references=(LAPLACE,),
    )


def curie_weiss_derivations(model: Model) -> list[Derivation]:
    return [exact_derivation(model), landau_expansion(model), finite_size_derivation(model)]


CURIE_WEISS = Model(
    name="curie-weiss",
    title="Curie-Weiss model",
    summary="N spins +-1, every pair coupled with J/N, in a field h: mean field is exact.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.J, "coupling (J/N per pair; < 0 frustrates every pair)", 1.0, True),
        Parameter(sym.h, "external field", 0.0),
        Parameter(sym.N, "number of spins", 64),
    ),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(AllToAll()),
    field=sym.h,
    hooks=(
        ("derivations", curie_weiss_derivations),
        ("exact_reference", "statmech.numeric.curie_weiss:curie_weiss_reference"),
        ("exact_route", "statmech.numeric.ising_exact:CURIE_WEISS_ROUTE"),
        *(("supports:" + q, None) for q in ("f", "F_1", "T_c", "chi", "mean-field")),
    ),
    references=(KAC,),
)

MODELS = (CURIE_WEISS,)
