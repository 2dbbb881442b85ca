r"""The quantum harmonic oscillator and the Einstein solid.

``harmonic-oscillator``: N independent oscillators with levels
:math:`E_n = \hbar\omega (n + 1/2)`; the sum over levels is a geometric series,
:math:`Z_1 = 1 / (2\sinh(\hbar\omega / 2T))`.

``einstein-solid``: N oscillators sharing quanta of size :math:`\epsilon`, energies
measured from the ground state (:math:`E_n = \epsilon n`, zero-point energy
dropped), so that q quanta carry energy :math:`\epsilon q`.  Its microcanonical
multiplicity is the stars-and-bars count :math:`\binom{q + N - 1}{q}`.
"""

import sympy as sp

from .. import symbols as sym
from ..model import TEMPERATURE, Model, Parameter, Quanta

hbar = sp.Symbol("hbar", positive=True)
omega = sp.Symbol("omega", positive=True)
quantum = sp.Symbol("n", integer=True, nonnegative=True)


def _oscillator_derivations(model):
    from ..canonical import canonical_derivations

    return canonical_derivations(model)


def _einstein_derivations(model):
    from ..canonical import canonical_derivations
    from ..heatflow import heat_flow
    from ..microcanonical import einstein_microcanonical

    return [*canonical_derivations(model), einstein_microcanonical(), heat_flow()]


def _oscillator_forms(model):
    N, T = sym.N, sym.T
    x = hbar * omega / (2 * T)
    return {
        "Z_1": 1 / (2 * sp.sinh(x)),
        "F": N * T * sp.log(2 * sp.sinh(x)),
        "E": N * hbar * omega / 2 * sp.coth(x),
        "S": N * (x * sp.coth(x) - sp.log(2 * sp.sinh(x))),
        "C": N * x**2 / sp.sinh(x) ** 2,
    }


def _einstein_forms(model):
    N, T, eps = sym.N, sym.T, sym.epsilon
    x = eps / T
    return {
        "Z_1": 1 / (1 - sp.exp(-x)),
        "F": N * T * sp.log(1 - sp.exp(-x)),
        "E": N * eps / (sp.exp(x) - 1),
        "S": N * (x / (sp.exp(x) - 1) - sp.log(1 - sp.exp(-x))),
        "C": N * (x / 2) ** 2 / sp.sinh(x / 2) ** 2,
    }


HARMONIC_OSCILLATOR = Model(
    name="harmonic-oscillator",
    title="Quantum harmonic oscillators",
    summary="N independent quantum oscillators with levels hbar omega (n + 1/2).",
    parameters=(
        TEMPERATURE,
        Parameter(omega, "angular frequency", 1.0),
        Parameter(hbar, "reduced Planck constant (1 in natural units)", 1.0),
        Parameter(sym.N, "number of oscillators", 1),
    ),
    states=Quanta(quantum),
    energy=hbar * omega * (quantum + sp.Rational(1, 2)),
    hooks=(("derivations", _oscillator_derivations), ("closed_forms", _oscillator_forms)),
    references=("Planck, Ann. Phys. 4, 553 (1901); Kittel & Kroemer, Thermal Physics, ch. 4",),
)

EINSTEIN_SOLID = Model(
    name="einstein-solid",
    title="Einstein solid",
    summary=(
        "N oscillators sharing quanta epsilon (energy from the ground state): canonical and "
        "microcanonical, and two solids in thermal contact."
    ),
    parameters=(
        TEMPERATURE,
        Parameter(sym.epsilon, "energy quantum hbar omega", 1.0),
        Parameter(sym.N, "number of oscillators", 1),
    ),
    states=Quanta(quantum),
    energy=sym.epsilon * quantum,
    hooks=(
        ("derivations", _einstein_derivations),
        ("closed_forms", _einstein_forms),
        ("supports:Omega", None),
        ("supports:heat-flow", None),
    ),
    references=(
        "Einstein, Ann. Phys. 22, 180 (1907); Schroeder, An Introduction to Thermal Physics, "
        "sec. 2.2-2.4 and 3.1",
    ),
)

MODELS = (HARMONIC_OSCILLATOR, EINSTEIN_SOLID)
