r"""The classical ideal gas: N identical particles of mass m in a volume V.

One particle's energy is :math:`p^2/2m` with three continuous momentum
components; the positions give a factor V and phase space is measured in
units of :math:`h_P^3` (Planck's constant).  The particles are identical, so
:math:`Z = Z_1^N / N!`; with Stirling's approximation the entropy becomes the
Sackur-Tetrode formula.
"""

import sympy as sp

from .. import symbols as sym
from ..model import TEMPERATURE, Continuous, Model, Parameter

mass = sp.Symbol("m", positive=True)
volume = sp.Symbol("V", positive=True)
planck = sp.Symbol("h_P", positive=True)
momenta = sp.symbols("p_x p_y p_z", real=True)


def _derivations(model):
    from ..canonical import canonical_derivations, sackur_tetrode

    return [*canonical_derivations(model), sackur_tetrode(model)]


def _closed_forms(model):
    N, T = sym.N, sym.T
    z1 = volume * (2 * sp.pi * mass * T / planck**2) ** sp.Rational(3, 2)
    return {
        "Z_1": z1,
        "F": -T * (N * sp.log(z1) - sp.log(sp.factorial(N))),
        "E": sp.Rational(3, 2) * N * T,
        "S": N * sp.log(z1) - sp.log(sp.factorial(N)) + sp.Rational(3, 2) * N,
        "C": sp.Rational(3, 2) * N,
    }


IDEAL_GAS = Model(
    name="ideal-gas",
    title="Classical ideal gas",
    summary=(
        "N identical free particles of mass m in a volume V (3D momenta; Gibbs' 1/N! for "
        "identical particles)."
    ),
    parameters=(
        TEMPERATURE,
        Parameter(mass, "particle mass", 1.0),
        Parameter(volume, "volume", 1000.0),
        Parameter(planck, "Planck's constant (sets the phase-space cell)", 1.0),
        Parameter(sym.N, "number of particles", 100),
    ),
    states=Continuous(momenta, measure=volume / planck**3),
    energy=sum(p**2 for p in momenta) / (2 * mass),
    indistinguishable=True,
    hooks=(
        ("derivations", _derivations),
        ("closed_forms", _closed_forms),
        ("supports:P", None),
    ),
    references=(
        "Sackur, Ann. Phys. 36, 958 (1911); Tetrode, Ann. Phys. 38, 434 (1912); "
        "Schroeder, An Introduction to Thermal Physics, sec. 2.5 and 6.7",
    ),
)

MODELS = (IDEAL_GAS,)
