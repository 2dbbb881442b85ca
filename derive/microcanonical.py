r"""The microcanonical ensemble: count states, take the logarithm, differentiate.

.. math::

    S = \log\Omega,\qquad \frac1T = \frac{\partial S}{\partial E}.

Two systems whose multiplicity is a binomial coefficient:

* the ideal paramagnet, :math:`\Omega = \binom{N}{N_+}` with :math:`N_+` spins up;
* the Einstein solid, :math:`\Omega = \binom{q + N - 1}{q}` ways to share
  :math:`q` quanta among :math:`N` oscillators (stars and bars).

Stirling's approximation makes :math:`S` smooth; :math:`1/T = \partial S/\partial E`
then gives a temperature, and at that temperature the canonical results
(:math:`M = N\mu\tanh(\mu h/T)`, :math:`E = N\epsilon/(e^{\epsilon/T} - 1)`) equal
the microcanonical ones exactly: the two ensembles agree for large N.

References
----------
Schroeder, An Introduction to Thermal Physics (2000), sec. 2.1-2.4, 3.1-3.3.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step

n_up = sp.Symbol("N_+", positive=True, integer=True)
n_down = sp.Symbol("N_-", positive=True, integer=True)
quanta = sp.Symbol("q", positive=True, integer=True)

#: The left-hand side ``1/T`` (an equation about the inverse temperature).
inverse_T = 1 / sym.T


def stirling_log_binomial(total, part):
    r""":math:`\log\binom{n}{k} \approx n\log n - k\log k - (n-k)\log(n-k)`."""
    rest = total - part
    return total * sp.log(total) - part * sp.log(part) - rest * sp.log(rest)


@cache
def paramagnet_microcanonical() -> Derivation:
    """Multiplicity, entropy and temperature of N spins in a field, at fixed energy."""
    mu, h = sym.mu, sym.h
    n = n_up + n_down
    s_stirling = n * sp.log(n) - n_up * sp.log(n_up) - n_down * sp.log(n_down)
    dsde = sp.log(n_up / n_down) / (2 * mu * h)
    steps = (
        Step(
            sym.E,
            -mu * h * (n_up - n_down),
            "$N_+$ spins up and $N_- = N - N_+$ down have energy $-\\mu h (N_+ - N_-)$",
            rule="given",
        ),
        Step(
            sym.Omega,
            sp.binomial(n, n_up),
            "Choose which $N_+$ of the $N = N_+ + N_-$ spins point up",
            rule="define",
        ),
        Step(sym.S, sp.log(sym.Omega), "Boltzmann's entropy $S = \\log \\Omega$", rule="define"),
        Step(
            sym.S,
            sp.loggamma(n + 1) - sp.loggamma(n_up + 1) - sp.loggamma(n_down + 1),
            "Factorials as Gamma functions, $\\log n! = \\log\\Gamma(n+1)$",
            via=sym.S,
        ),
        Step(
            sym.S,
            s_stirling,
            "Stirling, $\\log n! \\approx n \\log n - n$, as $N_+, N_- \\to \\infty$ together",
            rule="asymptotic",
            large=(n_up, n_down),
        ),
        Step(
            inverse_T,
            dsde,
            "Temperature $1/T = \\partial S/\\partial E$: one spin flipped up changes "
            "$N_\\pm$ by $\\pm 1$ and $E$ by $-2\\mu h$",
            via=(sp.Derivative(sym.S, n_up) - sp.Derivative(sym.S, n_down)) / (-2 * mu * h),
        ),
        Step(sym.T, 1 / dsde, "Solve for the temperature", via=1 / dsde),
        Step(
            sym.M,
            mu * (n_up - n_down),
            "The canonical magnetization $N\\mu\\tanh(\\mu h/T)$ at this temperature equals "
            "the microcanonical $M = \\mu (N_+ - N_-)$ exactly",
            via=(n_up + n_down) * mu * sp.tanh(mu * h / sym.T),
        ),
    )
    return Derivation(
        title="Microcanonical paramagnet",
        steps=steps,
        results=(("Omega", sp.binomial(n, n_up)), ("S_Stirling", s_stirling)),
        intro=(
            "At fixed energy every configuration is equally likely; the entropy counts them. "
            "The temperature it implies reproduces the canonical magnetization."
        ),
        references=("Schroeder, An Introduction to Thermal Physics, sec. 3.3",),
    )


def einstein_log_multiplicity_stirling(oscillators, q):
    r""":math:`S \approx (q+N)\log(q+N) - q\log q - N\log N`."""
    return (
        (q + oscillators) * sp.log(q + oscillators)
        - q * sp.log(q)
        - oscillators * sp.log(oscillators)
    )


@cache
def einstein_microcanonical() -> Derivation:
    """Stars and bars, Stirling, and the temperature of an Einstein solid."""
    N, eps, T = sym.N, sym.epsilon, sym.T
    q = quanta
    omega = sp.binomial(q + N - 1, q)
    s_stirling = einstein_log_multiplicity_stirling(N, q)
    dsde = sp.log(1 + N / q) / eps
    steps = (
        Step(sym.E, eps * q, "$q$ quanta of energy $\\epsilon$ shared by $N$ oscillators", "given"),
        Step(
            sym.Omega,
            omega,
            "Stars and bars: $q$ quanta and $N - 1$ walls between oscillators in a row",
            rule="define",
        ),
        Step(sym.S, sp.log(sym.Omega), "Boltzmann's entropy $S = \\log \\Omega$", rule="define"),
        Step(
            sym.S,
            sp.loggamma(q + N) - sp.loggamma(q + 1) - sp.loggamma(N),
            "Factorials as Gamma functions, $\\log n! = \\log\\Gamma(n+1)$",
            via=sym.S,
        ),
        Step(
            sym.S,
            s_stirling,
            "Stirling, $\\log n! \\approx n\\log n - n$, as $q, N \\to \\infty$ together",
            rule="asymptotic",
            large=(q, N),
        ),
        Step(
            inverse_T,
            dsde,
            "Temperature $1/T = \\partial S/\\partial E = \\epsilon^{-1}\\partial S/\\partial q$",
            via=sp.Derivative(sym.S, q) / eps,
        ),
        Step(sym.T, 1 / dsde, "Solve for the temperature", via=1 / dsde),
        Step(
            sym.E,
            eps * q,
            "The canonical energy $N\\epsilon/(e^{\\epsilon/T} - 1)$ at this temperature equals "
            "the microcanonical $E = \\epsilon q$ exactly",
            via=N * eps / (sp.exp(eps / T) - 1),
        ),
    )
    return Derivation(
        title="Microcanonical Einstein solid",
        steps=steps,
        results=(("Omega", omega), ("S_Stirling", s_stirling)),
        intro=(
            "At fixed energy $E = \\epsilon q$ the entropy counts the ways to share the quanta. "
            "The temperature it implies reproduces the canonical energy."
        ),
        references=("Schroeder, An Introduction to Thermal Physics, sec. 2.2 and 3.1",),
    )
