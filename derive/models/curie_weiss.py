r"""The Curie-Weiss model: every pair of N spins coupled with J/N.

:math:`H = -\frac{J}{N}\sum_{i<j} s_i s_j - h \sum_i s_i` (each pair once; this
differs from :math:`-\frac{J}{2N}(\sum_i s_i)^2 - h\sum_i s_i` by :math:`J/2`).
"""

import sympy as sp

from .. import symbols as sym
from ..hamiltonian import hamiltonian_derivation
from ..model import TEMPERATURE, AllToAll, Model, Parameter, ising_spin


def _definition_only(model):
    return [hamiltonian_derivation(model)]


CURIE_WEISS = Model(
    name="curie-weiss",
    title="Curie-Weiss model",
    summary="N spins +-1, every pair coupled with J/N, in a field h: mean field is exact.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.J, "coupling (J/N per pair)", 1.0),
        Parameter(sym.h, "external field", 0.0),
        Parameter(sym.N, "number of spins", 64),
    ),
    states=ising_spin(),
    energy=sp.Integer(0),
    coupling=AllToAll(),
    field=sym.h,
    hooks=(("derivations", _definition_only),),
    references=("Kac, in Statistical Physics, Phase Transitions and Superfluidity (1968)",),
)

MODELS = (CURIE_WEISS,)
