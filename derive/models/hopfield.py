r"""The Hopfield network: N spins +-1 with Hebbian couplings over P stored patterns.

:math:`H = -\sum_{i<j} K_{ij} s_i s_j - h\sum_i s_i` with
:math:`K_{ij} = \frac{1}{N}\sum_{\mu=1}^{P} \xi_i^\mu \xi_j^\mu` and no self-coupling,
so that :math:`H = -\frac{N}{2}\sum_\mu m_\mu^2 + \frac{P}{2} - h\sum_i s_i` in the
overlaps :math:`m_\mu = \frac1N \sum_i \xi_i^\mu s_i`.  The patterns of a finite
network are drawn +-1 with equal probability from the parameter ``seed`` (or read
from a file, ``CouplingData("file", path=...)``); ``alpha`` is the load
:math:`P/N` of the :math:`N \to \infty` theory of Amit, Gutfreund and Sompolinsky,
which the mean-field equations take (a finite network has ``P`` patterns; set
``P`` near ``alpha * N`` to compare).  The theory is at :math:`h = 0`.

References
----------
J. J. Hopfield, Proc. Natl. Acad. Sci. USA 79, 2554 (1982).
D. J. Amit, H. Gutfreund and H. Sompolinsky, Ann. Phys. (N.Y.) 173, 30 (1987).
"""

import sympy as sp

from .. import symbols as sym
from ..hopfield import (
    AGS_1987,
    HOPFIELD_1982,
    P,
    ags_equations,
    ags_zero_temperature_equations,
    alpha,
    hopfield_derivations,
    seed,
)
from ..interactions import CouplingData, HebbianCouplings, ising_hamiltonian
from ..model import TEMPERATURE, Model, Parameter, ising_spin

HOPFIELD = Model(
    name="hopfield",
    title="Hopfield network",
    summary="N spins +-1 storing P random patterns in Hebbian couplings "
    "K_ij = (1/N) sum_mu xi_i^mu xi_j^mu: associative memory up to the load "
    "alpha_c = 0.138, a spin glass beyond.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.N, "number of units", 100),
        Parameter(P, "number of stored patterns (finite networks)", 5),
        Parameter(alpha, "load P/N of the N -> oo theory (mean-field equations)", 0.05),
        Parameter(seed, "seed of the random +-1 patterns", 0),
        Parameter(sym.h, "external field (the theory is at h = 0)", 0.0),
    ),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(
        HebbianCouplings(CouplingData("pm", seed=seed.name), J=sp.Integer(1), patterns=P.name)
    ),
    field=sym.h,
    hooks=(
        ("derivations", hopfield_derivations),
        ("mean_field_equations", ags_equations),
        ("zero_temperature_equations", ags_zero_temperature_equations),
        *(
            ("supports:" + name, None)
            for name in ("P_err", "alpha_max", "T_c", "T_g", "r", "alpha_of_y", "mean-field")
        ),
    ),
    references=(HOPFIELD_1982, AGS_1987),
)

MODELS = (HOPFIELD,)
