r"""Ising models on lattices: the chain (``ising1d``), the square lattice
(``ising2d``) and the simple cubic lattice (``ising3d``).

:math:`H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i`, spins :math:`\pm 1`,
periodic boundaries, each bond counted once.
"""

import sympy as sp

from .. import symbols as sym
from ..interactions import ising_hamiltonian
from ..ising2d import cubic_lattice_derivations, square_lattice_derivations
from ..model import TEMPERATURE, Chain, HypercubicLattice, Model, Parameter, ising_spin
from ..transfer_matrix import chain_derivations

L = sp.Symbol("L", positive=True, integer=True)

#: J < 0 (an antiferromagnet) is accepted where the numbers hold for either sign: the
#: chain's transfer matrix, the enumerated torus, the samplers.  The derivations write
#: J > 0; Onsager's and Kaufman's solutions and the uniform mean field refuse J < 0.
COUPLING = Parameter(
    sym.J, "nearest-neighbour coupling (ferromagnetic > 0, antiferromagnetic < 0)", 1.0, True
)
FIELD = Parameter(sym.h, "external field", 0.0)


ISING1D = Model(
    name="ising1d",
    title="Ising chain",
    summary="Spins +-1 on a ring (or open chain) with nearest-neighbour coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(sym.N, "number of spins", 16)),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(Chain(periodic=True)),
    field=sym.h,
    hooks=(
        ("derivations", chain_derivations),
        ("exact_route", "statmech.numeric.ising_exact:CHAIN_ROUTE"),
        ("exact_reference", "statmech.numeric.ising_exact:ising1d_reference"),
        *(("supports:" + q, None) for q in ("Z", "F", "E", "C", "M", "chi", "G_r", "xi")),
    ),
    references=(
        "Ising, Z. Phys. 31, 253 (1925)",
        "Baxter, Exactly Solved Models in Statistical Mechanics (1982), ch. 2",
    ),
)

ISING2D = Model(
    name="ising2d",
    title="Ising model on the square lattice",
    summary="Spins +-1 on an L x L periodic square lattice with coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(L, "linear size", 16)),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(HypercubicLattice(2)),
    size=L**2,
    field=sym.h,
    hooks=(
        ("derivations", square_lattice_derivations),
        ("exact_route", "statmech.numeric.ising_exact:SQUARE_ROUTE"),
        ("exact_reference", "statmech.numeric.ising_exact:ising2d_reference"),
        *(("supports:" + q, None) for q in ("F", "E", "C", "M", "T_c")),
    ),
    references=(
        "Kramers and Wannier, Phys. Rev. 60, 252 (1941)",
        "Onsager, Phys. Rev. 65, 117 (1944)",
        "Yang, Phys. Rev. 85, 808 (1952)",
        "Kaufman, Phys. Rev. 76, 1232 (1949)",
    ),
)

ISING3D = Model(
    name="ising3d",
    title="Ising model on the simple cubic lattice",
    summary="Spins +-1 on an L x L x L periodic cubic lattice with coupling J and field h.",
    parameters=(TEMPERATURE, COUPLING, FIELD, Parameter(L, "linear size", 8)),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(HypercubicLattice(3)),
    size=L**3,
    field=sym.h,
    hooks=(("derivations", cubic_lattice_derivations), ("supports:T_c", None)),
    references=("Ferrenberg, Xu, Landau, Phys. Rev. E 97, 043301 (2018)",),
)

MODELS = (ISING1D, ISING2D, ISING3D)
