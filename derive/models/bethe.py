r"""The Ising model on a lattice of coordination :math:`z` in the Bethe-Peierls approximation.

Each spin is treated exactly together with its :math:`z` neighbours, whose other
neighbours are replaced by an effective (cavity) field; this is exact on a tree
(the Bethe lattice).  With :math:`t = \tanh(J/T)` and the cavity magnetization
:math:`u`,

.. math::

    u = \tanh\!\Big(\frac{h}{T} + (z-1)\,\operatorname{artanh}(t u)\Big),\qquad
    m = \tanh\!\Big(\frac{h}{T} + z\,\operatorname{artanh}(t u)\Big),\qquad
    \tanh\frac{J}{T_c} = \frac{1}{z-1}.

The coupling data is the square lattice (:math:`z = 4`, the default), which
finite systems use.

References
----------
H. A. Bethe, Proc. R. Soc. A 150, 552 (1935).
R. J. Baxter, Exactly Solved Models in Statistical Mechanics (1982), ch. 4.
M. Mezard and A. Montanari, Information, Physics, and Computation (2009), ch. 14.
"""

import sympy as sp

from .. import symbols as sym
from ..derivation import Derivation, Step
from ..interactions import ising_hamiltonian
from ..meanfield import COORDINATION_PARAMETERS, OrderParameter, SelfConsistency, T_c, z
from ..model import HypercubicLattice, Model, ising_spin

BETHE_1935 = "H. A. Bethe, Proc. R. Soc. A 150, 552 (1935)"
BAXTER = "R. J. Baxter, Exactly Solved Models in Statistical Mechanics (1982), sec. 4.3"
MEZARD = "M. Mezard and A. Montanari, Information, Physics, and Computation (2009), ch. 14"
ONSAGER = "L. Onsager, Phys. Rev. 65, 117 (1944); H. A. Kramers and G. H. Wannier (1941)"

u = OrderParameter("u", real=True)
x = sp.Symbol("x", real=True)
phi = sp.Symbol("phi")
phi_prime = sp.Symbol("phi'")
T_c_exact = sp.Symbol("T_c^{square}", positive=True)


def _pieces():
    T, J, h = sym.T, sym.J, sym.h
    t = sp.tanh(J / T)
    b = h / T
    g = sp.tanh(b + (z - 1) * sp.atanh(t * u))
    mag = sp.tanh(b + z * sp.atanh(t * u))
    free = (
        -T * sp.log(sp.exp(b) * (1 + t * u) ** z + sp.exp(-b) * (1 - t * u) ** z)
        - z * T / 2 * sp.log(sp.cosh(J / T))
        + z * T / 2 * sp.log(1 + t * u**2)
    )
    return t, g, mag, free


def _compact_derivative():
    r""":math:`\varphi'(u) = zTt\,[u/(1 + tu^2) - (A - B)/(A(1 + tu) + B(1 - tu))]`."""
    T, J, h = sym.T, sym.J, sym.h
    t = sp.tanh(J / T)
    a = sp.exp(h / T) * (1 + t * u) ** (z - 1)
    b = sp.exp(-h / T) * (1 - t * u) ** (z - 1)
    return z * T * t * (u / (1 + t * u**2) - (a - b) / (a * (1 + t * u) + b * (1 - t * u)))


def bethe_critical_temperature():
    r""":math:`T_c = J / \operatorname{artanh}(1/(z-1)) = 2J / \log(z/(z-2))`."""
    return 2 * sym.J / sp.log(z / (z - 2))


def bethe_equations(model: Model) -> SelfConsistency:
    """The Bethe-Peierls self-consistency for the cavity magnetization ``u``."""
    _, g, mag, free = _pieces()
    return SelfConsistency(
        name="Bethe-Peierls",
        unknowns=(u,),
        fixed_point=(g,),
        free_energy=free,
        residual=(_compact_derivative(),),
        observables=(("m", mag),),
        parameters=tuple(p.symbol for p in model.parameters),
        critical_temperature=bethe_critical_temperature(),
    )


def bethe_derivation(model: Model) -> Derivation:
    T, J, h = sym.T, sym.J, sym.h
    t, g, mag, free = _pieces()
    q = u / (1 + t * u**2) - phi_prime / (z * t * T)
    g0 = g.subs(h, 0)
    tc = J / sp.atanh(1 / (z - 1))
    steps = (
        Step(
            sp.Symbol("h_{j \\to i}"),
            sp.atanh(sp.tanh(J / T) * u),
            "A neighbour $j$ of cavity magnetization $u = \\tanh x$ (its field with spin $i$ "
            "removed) acts on $s_i$ as the field $\\operatorname{artanh}(t u)$, "
            "$t = \\tanh(J/T)$: sum $s_j$ out of $e^{J s_i s_j / T + x s_j}$",
            via=(sp.log(sp.cosh(x + J / T)) - sp.log(sp.cosh(x - J / T))).subs(x, sp.atanh(u)) / 2,
        ),
        Step(
            u,
            g,
            "Bethe-Peierls: the $z-1$ further neighbours of $j$ are independent "
            "(exact on a tree), so the cavity magnetization reproduces itself",
            rule="given",
        ),
        Step(sym.M / sym.N, mag, "The spin itself feels all $z$ neighbours", rule="given"),
        Step(
            phi,
            free,
            "Bethe free energy per spin: the site term minus $z/2$ bond terms "
            "(the normalisations of the cavity fields cancel)",
            rule="quoted",
            reference=MEZARD,
        ),
        Step(
            phi_prime,
            _compact_derivative(),
            "Differentiate in $u$",
            via=sp.Derivative(phi, u),
        ),
        Step(
            u,
            g,
            "Stationarity $\\varphi' = 0$ is the self-consistency: with "
            "$q = u/(1 + t u^2) - \\varphi'/(ztT)$ the map equals $q/(1 - t u q)$",
            via=q / (1 - t * u * q),
        ),
        Step(
            T_c,
            tc,
            "At $h = 0$ the map has slope $(z-1)\\tanh(J/T)$ at $u = 0$; "
            "order appears where it reaches one",
            rule="define",
        ),
        Step(
            sp.Function("g'")(0, T_c),
            sp.Integer(1),
            "Check: the slope is one at $T_c$",
            via=sp.Subs(sp.Derivative(g0, u), (u, T), (0, tc)),
        ),
        Step(
            T_c,
            bethe_critical_temperature(),
            "Since $\\operatorname{artanh} y = \\frac12\\log\\frac{1+y}{1-y}$",
            via=tc,
        ),
        Step(
            T_c_exact,
            2 * J / sp.log(1 + sp.sqrt(2)),
            "For comparison, the exact square lattice ($z = 4$), from self-duality "
            "$\\sinh(2J/T_c) = 1$",
            rule="quoted",
            reference=ONSAGER,
        ),
    )
    return Derivation(
        title="Bethe-Peierls approximation",
        steps=steps,
        results=(
            ("self_consistency", g),
            ("m", mag),
            ("f", free),
            ("T_c", bethe_critical_temperature()),
        ),
        intro="Treat a spin and its $z$ neighbours exactly; the rest enters through a "
        "cavity field.",
        references=(BETHE_1935, BAXTER, MEZARD),
    )


def bethe_derivations(model: Model) -> list[Derivation]:
    return [bethe_derivation(model)]


BETHE = Model(
    name="bethe",
    title="Ising model in the Bethe-Peierls approximation",
    summary="Spins +-1 with z neighbours each, coupling J, field h, each spin and its "
    "neighbours treated exactly in a cavity field (exact on a tree).",
    parameters=COORDINATION_PARAMETERS,
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(HypercubicLattice(2)),
    field=sym.h,
    hooks=(
        ("derivations", bethe_derivations),
        ("mean_field_equations", bethe_equations),
        *(("supports:" + q, None) for q in ("f", "T_c", "mean-field")),
    ),
    references=(BETHE_1935, BAXTER),
)

MODELS = (BETHE,)
