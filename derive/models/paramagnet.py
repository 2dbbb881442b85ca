r"""The ideal paramagnet: N independent spins :math:`s = \pm 1` with magnetic moment
:math:`\mu` in a field :math:`h`, one spin's energy :math:`-\mu h s`.

Canonical: :math:`M = N\mu\tanh(\mu h/T)` and the Curie law
:math:`\chi(h=0) = N\mu^2/T`.  Microcanonical: :math:`\Omega = \binom{N}{N_+}`
(see :mod:`derive.microcanonical`).
"""

import sympy as sp

from .. import symbols as sym
from ..model import TEMPERATURE, Model, Parameter, ising_spin

spin = ising_spin("s")


def _derivations(model):
    from ..canonical import canonical_derivations
    from ..microcanonical import paramagnet_microcanonical

    return [*canonical_derivations(model), paramagnet_microcanonical()]


def _closed_forms(model):
    N, T, mu, h = sym.N, sym.T, sym.mu, sym.h
    x = mu * h / T
    return {
        "F": -N * T * sp.log(2 * sp.cosh(x)),
        "E": -N * mu * h * sp.tanh(x),
        "S": N * (sp.log(2 * sp.cosh(x)) - x * sp.tanh(x)),
        "C": N * x**2 / sp.cosh(x) ** 2,
        "M": N * mu * sp.tanh(x),
        "chi": N * mu**2 / (T * sp.cosh(x) ** 2),
    }


PARAMAGNET = Model(
    name="paramagnet",
    title="Ideal paramagnet",
    summary="N independent spins s = +-1 with moment mu in a field h (energy -mu h s each).",
    parameters=(
        TEMPERATURE,
        Parameter(sym.h, "external field", 0.5),
        Parameter(sym.mu, "magnetic moment", 1.0),
        Parameter(sym.N, "number of spins", 1),
    ),
    states=spin,
    energy=-sym.mu * sym.h * spin.variable,
    field=sym.h,
    hooks=(
        ("derivations", _derivations),
        ("closed_forms", _closed_forms),
        ("supports:Omega", None),
    ),
    references=(
        "Curie, Ann. Chim. Phys. 5, 289 (1895); Schroeder, An Introduction to Thermal "
        "Physics, sec. 3.3 and 6.1",
    ),
)

MODELS = (PARAMAGNET,)
