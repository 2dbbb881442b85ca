r"""A user-defined model: the Ising antiferromagnet on the triangular lattice.

.. math::

    H = J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i,\qquad J > 0,

on an L x L periodic triangular lattice (each site bonded to six neighbours,
each bond once).  No configuration satisfies all three bonds of a triangle, so
the ground state is macroscopically degenerate.  Its entropy per spin is
Wannier's integral

.. math::

    s_0 = \frac{2}{\pi}\int_0^{\pi/3} \ln(2\cos\omega)\,d\omega = 0.3230659472\ldots

The 1950 paper printed its value as 0.3383, corrected to 0.3231 in the 1973
erratum; the exact ground-state counts of L x L tori (42, 263640 and
547003370634 states for L = 3, 6, 9: entropies 0.4153, 0.3467, 0.3337 per spin)
already pass below 0.3383 at L = 9 (tests/test_user_models.py).

References
----------
G. H. Wannier, Phys. Rev. 79, 357 (1950); erratum Phys. Rev. B 7, 5017 (1973).
"""

import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive.interactions import ising_hamiltonian
from statmech.derive.model import TEMPERATURE, Model, Parameter, TriangularLattice, ising_spin

L = sp.Symbol("L", positive=True, integer=True)

MODEL = Model(
    name="triangular-antiferromagnet",
    title="Ising antiferromagnet on the triangular lattice",
    summary="Spins +-1 on an L x L triangular torus, antiferromagnetic coupling J > 0, field h.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.J, "antiferromagnetic coupling (> 0)", 1.0),
        Parameter(sym.h, "external field", 0.0),
        Parameter(L, "linear size", 3),
    ),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(TriangularLattice(), sign=-1),
    size=L**2,
    field=sym.h,
    references=("G. H. Wannier, Phys. Rev. 79, 357 (1950)",),
)
