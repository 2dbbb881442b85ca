r"""The energy of a finite system as an explicit SymPy expression.

``finite_energy(model, shape)`` writes the Hamiltonian of ``prod(shape)``
units with one symbol per unit, from the model's coupling structure.  It is the
common ground for exact enumeration, the contract tests (a single flip changes
the energy by what the local field says) and the samplers.

Spin conventions: units are indexed in C order over ``shape``; lattice bonds
go to the next site along each axis, periodically (each bond once).
"""

from __future__ import annotations

import itertools
from math import prod

import sympy as sp

from .model import AllToAll, Chain, HypercubicLattice, Independent, Model


def unit_symbols(model: Model, n: int) -> list[sp.Symbol]:
    var = model.states.variable
    return [sp.Symbol(f"{var.name}_{i}", **var.assumptions0) for i in range(n)]


def bonds(model: Model, shape) -> list[tuple[int, int]]:
    """Pairs of unit indices coupled by the model's structure (each pair once)."""
    shape = tuple(shape)
    n = prod(shape)
    c = model.coupling
    if isinstance(c, Independent):
        return []
    if isinstance(c, Chain):
        pairs = [(i, i + 1) for i in range(n - 1)]
        if c.periodic and n > 2:
            pairs.append((n - 1, 0))
        elif c.periodic and n == 2:
            pairs.append((1, 0))  # a ring of two has two bonds between the same pair
        return pairs
    if isinstance(c, HypercubicLattice):
        if len(shape) != c.dimension:
            raise ValueError(f"{model.name} needs a {c.dimension}-dimensional shape, got {shape}")
        index = {site: k for k, site in enumerate(itertools.product(*map(range, shape)))}
        pairs = []
        for site, k in index.items():
            for axis in range(c.dimension):
                nb = list(site)
                nb[axis] = (nb[axis] + 1) % shape[axis]
                pairs.append((k, index[tuple(nb)]))
        return pairs
    if isinstance(c, AllToAll):
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    raise NotImplementedError(f"no finite energy for coupling {c.kind!r}")


def finite_energy(model: Model, shape) -> tuple[sp.Expr, list[sp.Symbol]]:
    r"""Return ``(H, symbols)``: the energy of a finite system and its unit symbols.

    Examples
    --------
    >>> from statmech.derive import get_model
    >>> H, s = finite_energy(get_model("paramagnet"), (2,))
    >>> H
    -h*mu*s_0 - h*mu*s_1
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = prod(shape)
    syms = unit_symbols(model, n)
    c = model.coupling
    if isinstance(c, Independent):
        var = model.states.variable
        return sp.Add(*[model.energy.subs(var, s) for s in syms]), syms
    pair_sum = sp.Add(*[syms[i] * syms[j] for i, j in bonds(model, shape)])
    J = c.J / model.size if isinstance(c, AllToAll) else c.J
    H = -J * pair_sum
    if isinstance(c, AllToAll):
        H = H.subs(model.size, n)
    if model.field is not None:
        H -= model.field * sp.Add(*syms)
    return H, syms
