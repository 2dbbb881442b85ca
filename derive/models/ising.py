r"""Ising models on lattices: the chain (``ising1d``), the square lattice
(``ising2d``) and the simple cubic lattice (``ising3d``).

:math:`H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i`, spins :math:`\pm 1`,
periodic boundaries, each bond counted once.
"""

import sympy as sp

from .. import symbols as sym
from ..hamiltonian import hamiltonian_derivation
from ..model import TEMPERATURE, Chain, HypercubicLattice, Model, Parameter, ising_spin

L = sp.Symbol("L", positive=True, integer=True)

COUPLING = Parameter(sym.J, "nearest-neighbour coupling (ferromagnetic > 0)", 1.0)
FIELD = Parameter(sym.h, "external field", 0.0)


def _definition_only(model):
    return [hamiltonian_derivation(model)]


ISING1D = Model(
    name="ising1d",
    title="Ising chain",
    summary="Spins +-1 on a ring (or open chain) with nearest-neighbour coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(sym.N, "number of spins", 16)),
    states=ising_spin(),
    energy=sp.Integer(0),
    coupling=Chain(periodic=True),
    field=sym.h,
    hooks=(("derivations", _definition_only),),
    references=("Ising, Z. Phys. 31, 253 (1925)",),
)

ISING2D = Model(
    name="ising2d",
    title="Ising model on the square lattice",
    summary="Spins +-1 on an L x L periodic square lattice with coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(L, "linear size", 16)),
    states=ising_spin(),
    energy=sp.Integer(0),
    coupling=HypercubicLattice(2),
    size=L**2,
    field=sym.h,
    hooks=(("derivations", _definition_only),),
    references=("Onsager, Phys. Rev. 65, 117 (1944)",),
)

ISING3D = Model(
    name="ising3d",
    title="Ising model on the simple cubic lattice",
    summary="Spins +-1 on an L x L x L periodic cubic lattice with coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(L, "linear size", 8)),
    states=ising_spin(),
    energy=sp.Integer(0),
    coupling=HypercubicLattice(3),
    size=L**3,
    field=sym.h,
    hooks=(("derivations", _definition_only),),
    references=("Ferrenberg, Xu, Landau, Phys. Rev. E 97, 043301 (2018)",),
)

MODELS = (ISING1D, ISING2D, ISING3D)
