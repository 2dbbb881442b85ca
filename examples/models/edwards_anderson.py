r"""A user-defined model: a 2D +-J Edwards-Anderson sample given as a couplings file.

.. math::

    H = -\sum_{i<j} J_{ij} s_i s_j - h \sum_i s_i,

with the symmetric matrix :math:`J_{ij}` read from ``ea_4x4.npy`` beside this
file: a 4 x 4 periodic square lattice whose 32 bonds carry +-1 drawn with equal
probability (seed 7; ``make_ea_sample`` below writes it), zero elsewhere.  The
couplings are data; the package reads them through the model's
``DenseCouplings``.

References
----------
S. F. Edwards and P. W. Anderson, J. Phys. F 5, 965 (1975).
"""

from pathlib import Path

from statmech.derive import symbols as sym
from statmech.derive.interactions import K, s_i, s_j
from statmech.derive.model import (
    TEMPERATURE,
    CouplingData,
    DenseCouplings,
    Hamiltonian,
    Model,
    Parameter,
    ising_spin,
)

COUPLINGS = Path(__file__).with_name("ea_4x4.npy")
states = ising_spin()
s = states.variable

MODEL = Model(
    name="edwards-anderson",
    title="Edwards-Anderson +-J sample (4 x 4 torus, from a file)",
    summary="Spins +-1 with couplings J_ij = +-1 on the bonds of a 4 x 4 torus, read from a file.",
    parameters=(
        TEMPERATURE,
        Parameter(sym.h, "external field", 0.0),
        Parameter(sym.N, "number of spins (the file's size)", 16),
    ),
    states=states,
    hamiltonian=Hamiltonian(
        -sym.h * s, -K * s_i * s_j, DenseCouplings(CouplingData("file", path=str(COUPLINGS))), s
    ),
    field=sym.h,
    references=("S. F. Edwards and P. W. Anderson, J. Phys. F 5, 965 (1975)",),
)


def make_ea_sample(L: int = 4, seed: int = 7):
    """The +-J couplings matrix of an L x L torus (bonds to the right and below)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = L * L
    J = np.zeros((n, n))
    for x in range(L):
        for y in range(L):
            i = x * L + y
            for j in ((x + 1) % L * L + y, x * L + (y + 1) % L):
                J[i, j] = J[j, i] = rng.choice([-1.0, 1.0])
    return J


if __name__ == "__main__":
    import numpy as np

    np.save(COUPLINGS, make_ea_sample())
