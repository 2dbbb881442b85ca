r"""A user-defined model: the spin-1 Blume-Capel model on the square lattice.

.. math::

    H = -J \sum_{\langle ij \rangle} s_i s_j + D \sum_i s_i^2 - h \sum_i s_i,
    \qquad s_i \in \{-1, 0, 1\},

on an L x L periodic lattice, each bond once.  Nothing in the package knows this
model; load it with ``statmech validate blume-capel --model-file
examples/models/blume_capel.py L=3 T=1.5 D=0.5``, or in Python with
``statmech.load_model_file(path)``.

References
----------
M. Blume, Phys. Rev. 141, 517 (1966); H. W. Capel, Physica 32, 966 (1966).
"""

import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive.interactions import K, s_i, s_j
from statmech.derive.model import (
    TEMPERATURE,
    Hamiltonian,
    HypercubicLattice,
    Model,
    Parameter,
    spin_one,
)

L = sp.Symbol("L", positive=True, integer=True)
D = sp.Symbol("D", real=True)
states = spin_one()
s = states.variable

MODEL = Model(
    name="blume-capel",
    title="Blume-Capel model on the square lattice",
    summary="Spin-1 units (-1, 0, 1) on an L x L torus, coupling J, crystal field D, field h.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.J, "nearest-neighbour coupling", 1.0),
        Parameter(D, "crystal field (favours s = 0 when positive)", 0.5),
        Parameter(sym.h, "external field", 0.0),
        Parameter(L, "linear size", 3),
    ),
    states=states,
    hamiltonian=Hamiltonian(D * s**2 - sym.h * s, -K * s_i * s_j, HypercubicLattice(2), s),
    size=L**2,
    field=sym.h,
    references=("M. Blume, Phys. Rev. 141, 517 (1966)", "H. W. Capel, Physica 32, 966 (1966)"),
)
