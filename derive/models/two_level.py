r"""The two-level system: one unit with energies 0 and :math:`\epsilon`.

Its heat capacity is the Schottky anomaly,
:math:`C = N (\epsilon/2T)^2 / \cosh^2(\epsilon/2T)`, peaking near
:math:`T \approx 0.417\,\epsilon` with :math:`C/N \approx 0.439`.
"""

import sympy as sp

from .. import symbols as sym
from ..model import TEMPERATURE, Discrete, Model, Parameter

level = sp.Symbol("n", integer=True)


def _closed_forms(model):
    N, T, eps = sym.N, sym.T, sym.epsilon
    x = eps / T
    return {
        "F": -N * T * sp.log(1 + sp.exp(-x)),
        "E": N * eps / (sp.exp(x) + 1),
        "S": N * (sp.log(1 + sp.exp(-x)) + x / (sp.exp(x) + 1)),
        "C": N * (x / 2) ** 2 / sp.cosh(x / 2) ** 2,
    }


TWO_LEVEL = Model(
    name="two-level",
    title="Two-level system",
    summary="N independent units, each with energy 0 or epsilon (the Schottky anomaly).",
    parameters=(
        TEMPERATURE,
        Parameter(sym.epsilon, "level spacing", 1.0),
        Parameter(sym.N, "number of units", 1),
    ),
    states=Discrete(level, (sp.Integer(0), sp.Integer(1)), "binary"),
    energy=sym.epsilon * level,
    hooks=(("closed_forms", _closed_forms),),
    references=("Schottky, Phys. Z. 23, 448 (1922); Kittel & Kroemer, Thermal Physics, ch. 3",),
)

MODELS = (TWO_LEVEL,)
