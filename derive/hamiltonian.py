r"""The Hamiltonian of an interacting model, written as a derivation step.

Used by models whose derivations are still only their definition, and as the
first step of richer derivations.
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, Step
from .model import AllToAll, Chain, HypercubicLattice, Model

H = sp.Symbol("H")
i, j = sp.symbols("i j", integer=True)


def hamiltonian_expr(model: Model) -> sp.Expr:
    """The Hamiltonian with indexed spins, as printed in the derivations."""
    s = sp.IndexedBase(model.states.variable.name)
    n = model.size
    c = model.coupling
    field = -(model.field * sp.Sum(s[i], (i, 1, n))) if model.field is not None else 0
    if isinstance(c, Chain):
        return -c.J * sp.Sum(s[i] * s[i + 1], (i, 1, n)) + field
    if isinstance(c, HypercubicLattice):
        nb = sp.Symbol(r"\langle i j \rangle")
        return -c.J * sp.Sum(s[i] * s[j], (nb, 1, c.dimension * n)) + field
    if isinstance(c, AllToAll):
        return -(c.J / n) * sp.Sum(sp.Sum(s[i] * s[j], (j, i + 1, n)), (i, 1, n)) + field
    raise NotImplementedError(f"{model.name}: no Hamiltonian for coupling {c.kind!r}")


def hamiltonian_derivation(model: Model) -> Derivation:
    return Derivation(
        title="Hamiltonian",
        steps=(Step(H, hamiltonian_expr(model), "The energy of a configuration", rule="given"),),
    )
