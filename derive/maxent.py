r"""The Boltzmann distribution from the principle of maximum entropy.

Maximise the Gibbs-Shannon entropy :math:`S = -\sum_i p_i \log p_i` over
probabilities of levels :math:`E_i` under normalisation and a fixed mean energy
:math:`U`, with Lagrange multipliers :math:`\alpha, \beta`:

.. math::

    p_j = \frac{e^{-\beta E_j}}{Z},\qquad Z = \sum_i e^{-\beta E_i},\qquad
    \frac{\partial S}{\partial U} = \beta = \frac1T.

The steps that only rearrange sums are stated (rule ``given``) and verified
numerically by the tests on random level sets; the calculus (stationarity,
its solution, the second derivative, :math:`\partial S/\partial U`) is checked here.

References
----------
Jaynes, Phys. Rev. 106, 620 (1957); Susskind, Statistical Mechanics, lecture 4.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step

i = sp.Symbol("i", integer=True, positive=True)
levels = sp.Symbol("n", integer=True, positive=True)
p = sp.IndexedBase("p")
E_level = sp.IndexedBase("E")
p_j = sp.Symbol("p_j", positive=True)
E_j = sp.Symbol("E_j", real=True)
alpha = sp.Symbol("alpha", real=True)
beta = sym.beta
lagrangian = sp.Symbol("L")
#: The partition function (a sum of positive terms).
Z = sp.Symbol("Z", positive=True)
#: The partition function as a function of beta, for dS/dU.
Zb = sp.Function("Z")(beta)


@cache
def maximum_entropy() -> Derivation:
    """Lagrange multipliers give p_j = exp(-E_j/T)/Z."""
    S, U, T = sym.S, sym.U, sym.T
    total = lambda expr: sp.Sum(expr, (i, 1, levels))  # noqa: E731
    entropy = -total(p[i] * sp.log(p[i]))
    constraint_norm = total(p[i]) - 1
    constraint_energy = total(p[i] * E_level[i]) - U
    stationarity = -sp.log(p_j) - 1 - alpha - beta * E_j
    solution = sp.solve(sp.Eq(stationarity, 0), p_j)[0]
    boltzmann_beta = sp.exp(-beta * E_j) / Z
    dlagrangian = sp.Derivative(lagrangian, p_j)
    u_of_beta = -sp.Derivative(sp.log(Zb), beta)
    steps = (
        Step(S, entropy, "The Gibbs-Shannon entropy of level probabilities $p_i$", "define"),
        Step(
            lagrangian,
            entropy - alpha * constraint_norm - beta * constraint_energy,
            "Maximise $S$ under $\\sum_i p_i = 1$ and $\\sum_i p_i E_i = U$, with Lagrange "
            "multipliers $\\alpha$ and $\\beta$",
            rule="define",
        ),
        Step(
            dlagrangian,
            stationarity,
            "Only the $j$-th term of each sum depends on $p_j$",
            via=sp.Derivative(-p_j * sp.log(p_j) - alpha * p_j - beta * p_j * E_j, p_j),
        ),
        Step(
            sp.Derivative(lagrangian, p_j, 2),
            -1 / p_j,
            "The second derivative is negative: the stationary point is a maximum",
            via=sp.Derivative(stationarity, p_j),
        ),
        Step(
            p_j,
            solution,
            "Stationarity $\\partial L/\\partial p_j = 0$, solved for $p_j$",
            via=sp.exp(-1 - alpha - beta * E_j),
        ),
        Step(
            sp.exp(1 + alpha),
            total(sp.exp(-beta * E_level[i])),
            "Normalisation $\\sum_j p_j = 1$ fixes $\\alpha$: this sum is the partition "
            "function $Z$",
            rule="define",
        ),
        Step(
            p_j,
            boltzmann_beta,
            "With $e^{1+\\alpha} = Z$",
            via=solution.subs(alpha, sp.log(Z) - 1),
        ),
        Step(
            -sp.log(p_j),
            beta * E_j + sp.log(Z),
            "The surprise of level $j$",
            via=-sp.log(boltzmann_beta),
        ),
        Step(
            S,
            beta * U + sp.log(Zb),
            "Average it over $p_j$ ($\\sum_j p_j = 1$, $\\sum_j p_j E_j = U$); $Z$ depends on "
            "$\\beta$",
            rule="given",
        ),
        Step(
            U,
            u_of_beta,
            "Differentiating $\\log Z$ brings down $-E_i$: $U = -\\partial_\\beta \\log Z$",
            rule="given",
        ),
        Step(
            sp.Derivative(S, U),
            beta,
            "Change $U$ by changing $\\beta$: $dS/dU = (dS/d\\beta)/(dU/d\\beta)$",
            via=sp.Derivative(beta * u_of_beta + sp.log(Zb), beta) / sp.Derivative(u_of_beta, beta),
        ),
        Step(
            1 / T,
            beta,
            "Thermodynamics defines the temperature by $1/T = \\partial S/\\partial U$: "
            "the multiplier is $\\beta = 1/T$",
        ),
        Step(
            p_j,
            sp.exp(-E_j / T) / Z,
            "The Boltzmann distribution",
            via=boltzmann_beta.subs(beta, 1 / T),
        ),
    )
    return Derivation(
        title="The Boltzmann distribution from maximum entropy",
        steps=steps,
        results=(("p_j", sp.exp(-E_j / T) / Z),),
        intro=(
            "Of all distributions over the levels $E_i$ with a given mean energy, the one "
            "with the largest entropy is the Boltzmann distribution."
        ),
        references=("Jaynes, Phys. Rev. 106, 620 (1957)",),
    )
