r"""The energy of a finite system as an explicit SymPy expression.

``finite_energy(model, shape)`` writes the Hamiltonian of ``prod(shape)``
units with one symbol per unit, from the model's one statement of its energy
(:attr:`Model.hamiltonian`: site terms, and bond terms over the couplings'
pairs).  It is the symbolic route that the compiled form
(:mod:`statmech.numeric.compiled`) is checked against: the contract tests
compare the two energies on random configurations.

Spin conventions: units are indexed in C order over ``shape``; lattice bonds
go to the next site along each axis, periodically (each bond once).
Couplings defined by data (a matrix, patterns, a bipartite ``W``) take that data
as ``matrix``: nested sequences with the bond couplings :math:`K_{ij}` (the upper
triangle is read).
"""

from __future__ import annotations

from math import prod

import sympy as sp

from .model import Model


def unit_symbols(model: Model, n: int) -> list[sp.Symbol]:
    var = model.states.variable
    return [sp.Symbol(f"{var.name}_{i}", **var.assumptions0) for i in range(n)]


def bonds(model: Model, shape) -> list[tuple[int, int]]:
    """Pairs of unit indices coupled by the model's structure (each pair once)."""
    pairs = model.coupling.pairs(tuple(shape))
    if pairs is None:
        raise NotImplementedError(
            f"{model.name}: the {model.coupling.kind} couplings are data; "
            "their bonds come from the compiled model (statmech.numeric.compiled)"
        )
    return pairs


def finite_energy(model: Model, shape, matrix=None) -> tuple[sp.Expr, list[sp.Symbol]]:
    r"""Return ``(H, symbols)``: the energy of a finite system and its unit symbols.

    Parameters
    ----------
    model : Model
    shape : int or tuple of int
    matrix : nested sequence, optional
        The bond couplings :math:`K_{ij}` of data-defined couplings (dense, Hebbian,
        bipartite); the upper triangle's non-zero entries are the bonds.

    Examples
    --------
    >>> from statmech.derive import get_model
    >>> H, s = finite_energy(get_model("paramagnet"), (2,))
    >>> H
    -h*mu*s_0 - h*mu*s_1
    >>> H, s = finite_energy(get_model("ising1d"), (3,))
    >>> H
    -J*s_0*s_1 - J*s_0*s_2 - J*s_1*s_2 - h*s_0 - h*s_1 - h*s_2
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = prod(shape)
    syms = unit_symbols(model, n)
    ham = model.hamiltonian
    H = sp.Add(*[ham.site_term(s) for s in syms])
    if not model.coupling.interacting:
        return H, syms
    if matrix is not None:
        rows = [list(r) for r in matrix]
        weighted = [
            (i, j, sp.nsimplify(rows[i][j]))
            for i in range(n)
            for j in range(i + 1, n)
            if rows[i][j] != 0
        ]
    else:
        k = model.coupling.coupling(n)
        weighted = [(i, j, k) for i, j in bonds(model, shape)]
    H += sp.Add(*[ham.bond_term(k, syms[i], syms[j]) for i, j, k in weighted])
    return H, syms
