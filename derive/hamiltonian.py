r"""The Hamiltonian of an interacting model, written as a derivation step.

The expression is the model's own statement (:attr:`Model.hamiltonian`, site and
bond terms over its couplings) printed with indexed units; used by models whose
derivations are still only their definition, and as the first step of richer
derivations.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, Step
from .model import Model

H = sp.Symbol("H")


def hamiltonian_expr(model: Model) -> sp.Expr:
    """The Hamiltonian with indexed units, as printed in the derivations."""
    if model.hamiltonian is None:
        raise NotImplementedError(f"{model.name}: states no Hamiltonian")
    return model.hamiltonian.printed(model.size)


def hamiltonian_derivation(model: Model) -> Derivation:
    return Derivation(
        title="Hamiltonian",
        steps=(Step(H, hamiltonian_expr(model), "The energy of a configuration", rule="given"),),
    )
