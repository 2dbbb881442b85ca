r"""Canonical derivations of the ideal systems: Z, then F, E, S, C (M, chi).

:func:`canonical_derivations` is the generic pair (partition function, then
thermodynamics from it), cached per model since the step checks are the slow
part of every command.  :func:`sackur_tetrode` takes the ideal gas on from the
exact entropy to the Sackur-Tetrode formula with Stirling's approximation.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .model import Model
from .thermo import partition_function, thermodynamics

#: Pressure (a result of the ideal gas).
P = sp.Symbol("P")
#: Thermal de Broglie wavelength.
thermal_wavelength = sp.Symbol("lambda", positive=True)


@cache
def canonical_derivations(model: Model) -> tuple[Derivation, ...]:
    """The partition function of ``model`` and the thermodynamics that follows."""
    z = partition_function(model)
    return (z, thermodynamics(model, z.result_dict["Z"]))


def _log_factorial(n):
    return sp.loggamma(n + 1)


@cache
def sackur_tetrode(model: Model) -> Derivation:
    r"""From the exact ideal-gas entropy to Sackur-Tetrode (:math:`N \to \infty`).

    .. math::

        S = N\left[\log\frac{V}{N\lambda^3} + \frac52\right],\qquad
        \lambda = \frac{h_P}{\sqrt{2\pi m T}}.
    """
    T, N = sym.T, model.size
    symbols = model.symbols
    m, V, hp = symbols["m"], symbols["V"], symbols["h_P"]
    lam = hp / sp.sqrt(2 * sp.pi * m * T)
    thermo = canonical_derivations(model)[1].result_dict
    z1 = V / lam**3
    s_exact = N * sp.log(z1) - _log_factorial(N) + sp.Rational(3, 2) * N
    f_exact = -T * (N * sp.log(z1) - _log_factorial(N))
    z1_per_particle = V / N * (2 * sp.pi * m * T / hp**2) ** sp.Rational(3, 2)
    s_st = N * (sp.log(z1_per_particle) + sp.Rational(5, 2))
    steps = (
        Step(
            thermal_wavelength,
            lam,
            "The thermal de Broglie wavelength, so that $Z_1 = V/\\lambda^3$",
            rule="define",
        ),
        Step(
            sym.F,
            f_exact,
            "The exact free energy, with $\\log N! = \\log\\Gamma(N+1)$",
            via=thermo["F"],
        ),
        Step(
            P,
            N * T / V,
            "Pressure $P = -\\partial F/\\partial V$: the ideal-gas law $PV = NT$",
            via=-sp.Derivative(sym.F, V),
        ),
        Step(sym.S, s_exact, "The exact entropy derived above", via=thermo["S"]),
        Step(
            sym.S,
            s_st,
            "Stirling's approximation $\\log N! \\approx N\\log N - N$ for large $N$: the "
            "Sackur-Tetrode entropy $S = N[\\log(V/N\\lambda^3) + 5/2]$",
            rule="asymptotic",
            large=N,
        ),
    )
    return Derivation(
        title="Sackur-Tetrode entropy",
        steps=steps,
        results=(("P", N * T / V), ("S_ST", s_st)),
        intro=(
            "The entropy of the ideal gas is extensive only with Gibbs' $1/N!$; "
            "Stirling's approximation turns it into the Sackur-Tetrode formula."
        ),
        references=("Sackur, Ann. Phys. 36, 958 (1911); Tetrode, Ann. Phys. 38, 434 (1912)",),
    )
