r"""The two-level system: one unit with energies 0 and :math:`\epsilon`.

Its heat capacity is the Schottky anomaly, peaking near :math:`T \approx 0.42\,\epsilon`.
"""

import sympy as sp

from .. import symbols as sym
from ..model import TEMPERATURE, Discrete, Model, Parameter

level = sp.Symbol("n", integer=True)

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
    references=("Schottky, Phys. Z. 23, 448 (1922); Kittel & Kroemer, Thermal Physics, ch. 3",),
)

MODELS = (TWO_LEVEL,)
