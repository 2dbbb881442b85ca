r"""Models as small immutable values.

A :class:`Model` states its parameters (SymPy symbols with assumptions), the
states of one degree of freedom, the energy, and the coupling structure as
data.  Algorithms are verbs elsewhere (:mod:`derive.thermo`) that act on any
model; a model may offer a closed form through a hook (``model.hook(name)``),
the way SymPy distributions offer ``_cdf``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from . import symbols as sym
from .interactions import (  # noqa: F401 - the couplings kinds are part of the model's vocabulary
    AllToAll,
    BipartiteCouplings,
    Chain,
    CouplingData,
    Couplings,
    DenseCouplings,
    Hamiltonian,
    HebbianCouplings,
    HypercubicLattice,
    Independent,
    TriangularLattice,
)

# --------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class Parameter:
    """A named model parameter.

    ``symbol`` carries the assumptions the derivations rely on (``positive=True``
    means the value must be > 0 on the command line); ``default`` is used when the
    user gives none.  ``integer`` parameters (sizes) are parsed as integers.

    ``signed`` lets a value of either sign through although the symbol is positive:
    the model's numbers hold for either sign (the ring's transfer matrix, the sum over
    configurations, the samplers; each checked against brute force for J < 0), while
    the results that need the positive sign (Onsager's T_c, the uniform mean field)
    refuse a negative value with their reason.
    """

    symbol: sp.Symbol
    description: str
    default: float | int | None = None
    signed: bool = False

    @property
    def name(self) -> str:
        return self.symbol.name

    @property
    def positive(self) -> bool:
        return bool(self.symbol.is_positive) and not self.signed

    @property
    def integer(self) -> bool:
        return bool(self.symbol.is_integer)


TEMPERATURE = Parameter(sym.T, "temperature (k_B = 1, an energy)", 1.0)


# --------------------------------------------------------------------------
# States of one degree of freedom


@dataclass(frozen=True)
class Discrete:
    """A degree of freedom with finitely many values, e.g. Ising spins (-1, +1)
    or binary units (0, 1); ``variable`` stands for the value in the energy."""

    variable: sp.Symbol
    values: tuple
    kind: str = "levels"  # "spin" | "binary" | "levels"

    def describe(self) -> str:
        vals = ", ".join(sp.sstr(v) for v in self.values)
        return f"{self.kind} {self.variable} in {{{vals}}}"


def ising_spin(name: str = "s") -> Discrete:
    return Discrete(sp.Symbol(name, integer=True), (sp.Integer(-1), sp.Integer(1)), "spin")


def binary_unit(name: str = "n") -> Discrete:
    return Discrete(sp.Symbol(name, integer=True), (sp.Integer(0), sp.Integer(1)), "binary")


def spin_one(name: str = "s") -> Discrete:
    """A spin-1 unit: values -1, 0, 1 (Blume-Capel)."""
    values = (sp.Integer(-1), sp.Integer(0), sp.Integer(1))
    return Discrete(sp.Symbol(name, integer=True), values, "spin-1")


@dataclass(frozen=True)
class Quanta:
    """A quantum number ``variable`` = 0, 1, 2, ... without bound."""

    variable: sp.Symbol
    kind: str = "quanta"

    def describe(self) -> str:
        return f"quantum number {self.variable} = 0, 1, 2, ..."


@dataclass(frozen=True)
class Continuous:
    """Continuous coordinates integrated over ``(lower, upper)`` each, with a
    phase-space ``measure`` in front (e.g. ``V / h_P**3`` for one particle)."""

    variables: tuple
    lower: sp.Expr = -sp.oo
    upper: sp.Expr = sp.oo
    measure: sp.Expr = sp.Integer(1)
    kind: str = "continuous"

    def describe(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"continuous ({names}) in ({sp.sstr(self.lower)}, {sp.sstr(self.upper)})"


StateSpace = Discrete | Quanta | Continuous


# --------------------------------------------------------------------------
# Coupling structures: data, defined with the Hamiltonian in derive/interactions.py

Coupling = Couplings


# --------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Model:
    r"""A statistical-mechanics model, defined once.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"two-level"``.
    title : str
        Human-readable title.
    summary : str
        One sentence on what the model is.
    parameters : tuple of Parameter
        Control parameters; temperature ``T`` among them.
    states : Discrete, Quanta or Continuous
        The states of one degree of freedom.
    energy : sympy.Expr
        For independent units, the energy of one unit in terms of the state
        variable(s).  An interacting model gives ``hamiltonian`` instead, and
        ``energy`` becomes its printed form.
    hamiltonian : Hamiltonian, optional
        Site and bond terms over a couplings value
        (:mod:`statmech.derive.interactions`): the one statement of the energy
        that the symbolic verbs, exact enumeration, observables and samplers read.
    coupling : Couplings
        How units interact (data); taken from ``hamiltonian`` when it is given.
    size : sympy.Symbol
        The number of units (``N`` by default).
    field : sympy.Symbol, optional
        The field conjugate to the magnetization; enables ``M`` and ``chi``.
    indistinguishable : bool
        Divide :math:`Z_1^N` by :math:`N!` (identical particles).
    hooks : tuple of (name, callable)
        Closed forms or extra derivations the generic verbs use when present.
    references : tuple of str
    """

    name: str
    title: str
    summary: str
    parameters: tuple[Parameter, ...]
    states: StateSpace
    energy: sp.Expr | None = None
    coupling: Couplings = field(default_factory=Independent)
    size: sp.Symbol = sym.N
    field: sp.Symbol | None = None
    indistinguishable: bool = False
    hooks: tuple[tuple[str, Callable], ...] = ()
    references: tuple[str, ...] = ()
    hamiltonian: Hamiltonian | None = None

    def __post_init__(self):
        h = self.hamiltonian
        if h is None:
            if self.energy is None:
                raise ValueError(f"model {self.name!r} states neither an energy nor a Hamiltonian")
            if self.coupling.interacting:
                raise ValueError(
                    f"model {self.name!r} has interacting couplings ({self.coupling.kind}) "
                    "but no Hamiltonian; give hamiltonian=Hamiltonian(site, bond, couplings)"
                )
            variable = getattr(self.states, "variable", None)
            if variable is not None:  # independent discrete or quantised units
                h = Hamiltonian(self.energy, sp.Integer(0), self.coupling, variable)
                object.__setattr__(self, "hamiltonian", h)
            return
        if h.variable != getattr(self.states, "variable", None):
            raise ValueError(
                f"model {self.name!r}: the Hamiltonian's site term is written in {h.variable}, "
                f"the states in {getattr(self.states, 'variable', None)}"
            )
        if self.coupling.interacting and self.coupling != h.couplings:
            # dataclasses.replace(model, coupling=...) re-states the Hamiltonian's couplings
            h = Hamiltonian(h.site, h.bond, self.coupling, h.variable)
            object.__setattr__(self, "hamiltonian", h)
        object.__setattr__(self, "coupling", h.couplings)
        # An interacting model's energy is its Hamiltonian, printed with indexed units.
        object.__setattr__(self, "energy", h.printed(self.size))

    def hook(self, name: str) -> Callable | None:
        for key, fn in self.hooks:
            if key == name:
                return fn
        return None

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters)
        raise KeyError(f"model {self.name!r} has no parameter {name!r}; it has: {known}")

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p.symbol for p in self.parameters}

    def supports(self) -> list[str]:
        """What the model's derivations give (for ``statmech models``): the generic
        thermodynamics for independent units, plus the ``supports:NAME`` markers
        (the only entries for interacting models, whose derivations are their own)."""
        out = []
        if not self.coupling.interacting:
            out = ["Z", "F", "E", "S", "C"] + (["M", "chi"] if self.field is not None else [])
        for key, _ in self.hooks:
            if key.startswith("supports:"):
                out.append(key.split(":", 1)[1])
        return out
