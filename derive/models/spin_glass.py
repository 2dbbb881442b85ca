r"""Spin glasses: the Sherrington-Kirkpatrick (SK) and Edwards-Anderson (EA) models.

SK: :math:`N` spins, every pair :math:`i<j` coupled by its own Gaussian
:math:`J_{ij}` of mean :math:`J_0/N` and variance :math:`J^2/N`,

.. math::

    H = -\sum_{i<j} J_{ij} s_i s_j - h\sum_i s_i,

the couplings drawn from the integer parameter ``seed`` (``DenseCouplings`` with
``scale = J/sqrt(N)``, ``offset = J0/N``).  Its derivations: the annealed average,
why it is the quenched one above :math:`T_c`, the replica trick to the
replica-symmetric free energy and its saddle point (the ``mean_field_equations``
hook gives the solver the equations in :math:`(m, q)`), :math:`T_c = J`, the
de Almeida-Thouless stability, the failure of replica symmetry at :math:`T = 0`
and the TAP equations of one sample.

EA: spins on a periodic square (``ea2d``) or cubic (``ea``) lattice with
:math:`J_{ij} = \pm J` drawn independently on each bond from ``seed``
(:class:`~statmech.derive.interactions.RandomBondLattice`).  What can be derived
is stated with what cannot (the transition temperature is quoted from
simulations).
"""

from __future__ import annotations

import sympy as sp

from .. import symbols as sym
from ..derivation import Derivation, Step
from ..disorder import (
    J0,
    SK_1975,
    DisorderAverage,
    annealed_derivation,
    second_moment_derivation,
)
from ..hamiltonian import H as H_symbol
from ..interactions import CouplingData, DenseCouplings, RandomBondLattice, ising_hamiltonian
from ..model import TEMPERATURE, Model, Parameter, ising_spin
from ..replica import replica_derivation, rs_equations, saddle_point_derivation
from ..replica_limits import critical_derivation, stability_derivation, zero_temperature_derivation
from ..tap import tap_derivation

EA_1975 = "S. F. Edwards and P. W. Anderson, J. Phys. F 5, 965 (1975)"
JANUS_2013 = (
    "M. Baity-Jesi et al. (Janus Collaboration), Phys. Rev. B 88, 224416 (2013): T_c = 1.1019(29) J"
)
HARTMANN_YOUNG = "A. K. Hartmann and A. P. Young, Phys. Rev. B 64, 180404 (2001)"
TOULOUSE_1977 = "G. Toulouse, Commun. Phys. 2, 115 (1977)"

SEED = sp.Symbol("seed", integer=True, nonnegative=True)
L = sp.Symbol("L", positive=True, integer=True)
T, J, h, N = sym.T, sym.J, sym.h, sym.N


def sk_derivations(model: Model) -> list[Derivation]:
    return [
        annealed_derivation(model.energy),
        second_moment_derivation(),
        replica_derivation(),
        saddle_point_derivation(),
        critical_derivation(),
        stability_derivation(),
        zero_temperature_derivation(),
        tap_derivation(),
    ]


def sherrington_kirkpatrick(bonds: str = "gaussian", name: str = "sk") -> Model:
    r"""The SK model with Gaussian couplings (``bonds="gaussian"``) or
    :math:`J_{ij} = J_0/N \pm J/\sqrt{N}` (``bonds="pm"``), drawn from ``seed``."""
    couplings = DenseCouplings(CouplingData(bonds), scale=J / sp.sqrt(N), offset=J0 / N)
    law = "Gaussian" if bonds == "gaussian" else "+-J/sqrt(N)"
    return Model(
        name=name,
        title="Sherrington-Kirkpatrick spin glass",
        summary=f"N spins +-1, every pair coupled by its own {law} J_ij of mean J0/N and "
        "variance J^2/N (drawn from a seed), in a field h.",
        parameters=(
            TEMPERATURE,
            Parameter(J, "spread of the couplings: J_ij has variance J^2/N", 1.0),
            Parameter(J0, "mean of the couplings times N (ferromagnetic bias, >= 0)", 0.0),
            Parameter(h, "external field", 0.0),
            Parameter(N, "number of spins", 64),
            Parameter(SEED, "seed of the couplings", 0),
        ),
        states=ising_spin(),
        hamiltonian=ising_hamiltonian(couplings),
        field=h,
        hooks=(
            ("derivations", sk_derivations),
            ("mean_field_equations", rs_equations),
            *(("supports:" + q, None) for q in ("f", "u", "T_c", "e_RS0", "e_0", "mean-field")),
        ),
        references=(SK_1975,),
    )


# --------------------------------------------------------------------------
# Edwards-Anderson


def ea_derivation(model: Model, dimension: int) -> Derivation:
    r"""What can be derived for the :math:`\pm J` EA model, and what is quoted."""
    d = dimension
    eps = sp.Symbol("epsilon", real=True)
    sigma = sp.Symbol("sigma")
    B = sp.Symbol("B", positive=True)
    f_ann = sp.Function("f_ann")(T)
    s_ann = sp.Function("s_ann")(T)
    z_ann = 2**N * sp.cosh(J / T) ** (d * N)
    f_expr = -T * sp.log(2) - d * T * sp.log(sp.cosh(J / T))
    s_expr = sp.log(2) + d * (sp.log(sp.cosh(J / T)) - J / T * sp.tanh(J / T))
    w = sp.exp(-2 * J / T)
    s_stable = sp.log(2) + d * (-sp.log(2) + sp.log(1 + w) + 2 * J / T * w / (1 + w))
    steps = [
        Step(H_symbol, model.energy, "The energy of one sample", rule="given"),
        Step(
            sp.Function("P")(eps),
            sp.Rational(1, 2) * (sp.KroneckerDelta(eps, 1) + sp.KroneckerDelta(eps, -1)),
            f"Each of the $dN = {d}N$ bonds carries its own sign $\\epsilon_{{ij}} = \\pm 1$ "
            "with equal probability, independently (drawn from the seed)",
            rule="given",
        ),
        Step(
            DisorderAverage(sp.exp(J * sp.Symbol("epsilon_ij") * sigma / T)),
            sp.cosh(J / T),
            "For either sign of $\\sigma = s_i s_j$",
            via=(sp.exp(J / T) + sp.exp(-J / T)) / 2,
        ),
        Step(
            DisorderAverage(sym.Z),
            z_ann,
            "The annealed average at $h = 0$: every bond gives $\\cosh(J/T)$ whatever the spins",
            via=2**N * ((sp.exp(J / T) + sp.exp(-J / T)) / 2) ** (d * N),
        ),
        Step(f_ann, f_expr, "Annealed free energy per spin", via=-T * sp.log(z_ann) / N),
        Step(s_ann, s_expr, "Annealed entropy per spin", via=-sp.Derivative(f_ann, T)),
        Step(
            s_ann,
            s_stable,
            "With $x = J/T$: $\\log\\cosh x - x\\tanh x = -\\log 2 + \\log(1 + e^{-2x}) "
            "+ 2x e^{-2x}/(1 + e^{-2x})$, a form without cancellation at large $x$",
        ),
        Step(
            sp.Limit(s_ann, T, 0),
            (1 - d) * sp.log(2),
            "Negative at low temperature, where the entropy of a sample is not: the annealed "
            "average fails there. Write $T = 1/B$",
            rule="asymptotic",
            via=s_stable.subs(T, 1 / B),
            large=B,
        ),
        Step(
            sp.Symbol("p_frustrated"),
            sp.Rational(1, 2),
            "A plaquette is frustrated when the product of its four bond signs is $-1$ "
            "(no spin configuration satisfies all four bonds); the product has mean "
            "$\\mathbb{E}[\\epsilon]^4 = 0$, so half the plaquettes are frustrated. The "
            "gauge transformation $s_i \\to \\eta_i s_i$, $\\epsilon_{ij} \\to "
            "\\eta_i\\eta_j\\epsilon_{ij}$ changes the signs but not the frustration",
            via=(1 - ((1 + (-1)) / sp.Integer(2)) ** 4) / 2,
        ),
        Step(
            sp.Symbol("T_c^MF"),
            sp.sqrt(2 * d) * J,
            "Mean field (an estimate, not a result): each spin's local field has variance "
            f"$2d J^2 = {2 * d} J^2$, the SK model with $J^2 \\to 2d J^2$ has "
            "$T_c = J\\sqrt{2d}$; "
            "fluctuations in finite dimension lower it far below",
            via=sp.sqrt(2 * d * J**2),
        ),
    ]
    if d == 3:
        t_c = sp.Rational(11019, 10000) * J
        steps.append(
            Step(
                sp.Symbol("T_c"),
                t_c,
                "Not derivable: the transition of the 3D $\\pm J$ spin glass is located by "
                "simulation, from the crossing of finite-size correlation lengths and of the "
                "Binder cumulant of the overlap $q$ between two real replicas",
                rule="quoted",
                reference=JANUS_2013,
            )
        )
    else:
        t_c = sp.Integer(0)
        steps.append(
            Step(
                sp.Symbol("T_c"),
                t_c,
                "Not derivable: in two dimensions the spin glass orders only at $T = 0$ "
                "(the stiffness exponent of domain walls is negative)",
                rule="quoted",
                reference=HARTMANN_YOUNG,
            )
        )
    return Derivation(
        title=f"The {d}D Edwards-Anderson spin glass: what can be derived",
        steps=tuple(steps),
        results=(("f", f_expr), ("T_c", t_c)),
        intro="Short-range couplings of random sign, $N = L^d$ spins. The annealed average, "
        "the frustration and a mean-field estimate can be derived; the transition "
        "temperature and the nature of the low-temperature phase (replica symmetry breaking "
        "as in SK, or droplets) "
        "cannot, and the latter is still debated.",
        references=(EA_1975, TOULOUSE_1977),
    )


def edwards_anderson(dimension: int, name: str) -> Model:
    shape = " x ".join(["L"] * dimension)
    lattice = "square" if dimension == 2 else "cubic"
    return Model(
        name=name,
        title=f"Edwards-Anderson spin glass ({dimension}D, +-J)",
        summary=f"Spins +-1 on an {shape} periodic {lattice} lattice, each bond J_ij = +-J "
        "with equal probability (drawn from a seed), in a field h.",
        parameters=(
            TEMPERATURE,
            Parameter(J, "magnitude of the bond couplings", 1.0),
            Parameter(h, "external field", 0.0),
            Parameter(L, "linear size", 4 if dimension == 3 else 6),
            Parameter(SEED, "seed of the bond signs", 0),
        ),
        states=ising_spin(),
        hamiltonian=ising_hamiltonian(RandomBondLattice(dimension)),
        size=L**dimension,
        field=h,
        hooks=(
            ("derivations", lambda model: [ea_derivation(model, dimension)]),
            *(("supports:" + q, None) for q in ("f", "T_c")),
        ),
        references=(EA_1975,),
    )


SK = sherrington_kirkpatrick()
EA3D = edwards_anderson(3, "ea")
EA2D = edwards_anderson(2, "ea2d")

MODELS = (SK, EA3D, EA2D)
