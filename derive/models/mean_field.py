r"""The Ising model on a lattice of coordination :math:`z` in Weiss mean field.

:math:`H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i` with each spin in
:math:`z` bonds; mean field replaces the neighbours by their mean and gives
:math:`m = \tanh((zJm + h)/T)`, :math:`T_c = zJ`.  The coupling data is the
square lattice (:math:`z = 4`, the default), which finite systems use.
"""

from .. import symbols as sym
from ..interactions import ising_hamiltonian
from ..meanfield import COORDINATION_PARAMETERS, mean_field_derivations
from ..model import HypercubicLattice, Model, ising_spin

MEAN_FIELD = Model(
    name="mean-field",
    title="Ising model in Weiss mean field",
    summary="Spins +-1 with z neighbours each, coupling J, field h, each spin in the mean "
    "field of its neighbours.",
    parameters=COORDINATION_PARAMETERS,
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(HypercubicLattice(2)),
    field=sym.h,
    hooks=(
        ("derivations", mean_field_derivations),
        *(("supports:" + q, None) for q in ("f", "T_c", "chi", "mean-field")),
    ),
    references=(
        "P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907)",
        "N. Goldenfeld, Lectures on Phase Transitions and the Renormalization Group (1992), ch. 4",
    ),
)

MODELS = (MEAN_FIELD,)
