r"""Pure-SymPy derivation layer.

Importing this package loads SymPy only (no NumPy, CuPy or matplotlib); a test
checks that.
"""

from .derivation import Derivation, DerivationError, Step, check
from .landau import landau_expansion
from .meanfield import mean_field_equations
from .model import Model, Parameter
from .registry import all_models, get_model, model_names, register
from .render import FORMATS, render
from .thermo import (
    derivations,
    entropy,
    free_energy,
    heat_capacity,
    internal_energy,
    magnetization,
    partition_function,
    susceptibility,
    thermodynamics,
)

__all__ = [
    "FORMATS",
    "Derivation",
    "DerivationError",
    "Model",
    "Parameter",
    "Step",
    "all_models",
    "check",
    "derivations",
    "entropy",
    "free_energy",
    "get_model",
    "heat_capacity",
    "internal_energy",
    "landau_expansion",
    "magnetization",
    "mean_field_equations",
    "model_names",
    "partition_function",
    "register",
    "render",
    "susceptibility",
    "thermodynamics",
]
