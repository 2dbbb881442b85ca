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

# --------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class Parameter:
    """A named model parameter.

    ``symbol`` carries the assumptions (``positive=True`` means the value must
    be > 0 on the command line); ``default`` is used when the user gives none.
    ``integer`` parameters (sizes) are parsed as integers.
    """

    symbol: sp.Symbol
    description: str
    default: float | int | None = None

    @property
    def name(self) -> str:
        return self.symbol.name

    @property
    def positive(self) -> bool:
        return bool(self.symbol.is_positive)

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
# Coupling structures (data, not behaviour)


@dataclass(frozen=True)
class Independent:
    """N non-interacting units; ``energy`` is the energy of one unit."""

    kind: str = "independent"


@dataclass(frozen=True)
class Chain:
    r"""Nearest neighbours on a ring (``periodic``) or an open chain:
    :math:`H = -J \sum_i s_i s_{i+1} - h \sum_i s_i`."""

    periodic: bool = True
    J: sp.Symbol = sym.J
    kind: str = "chain"


@dataclass(frozen=True)
class HypercubicLattice:
    r"""Nearest neighbours on a periodic hypercubic lattice (2: square, 3: cubic):
    :math:`H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i`, each bond once."""

    dimension: int = 2
    J: sp.Symbol = sym.J
    kind: str = "hypercubic"

    @property
    def coordination(self) -> int:
        return 2 * self.dimension


@dataclass(frozen=True)
class AllToAll:
    r"""Every pair coupled with strength ``J / N`` (Curie-Weiss), each pair once:
    :math:`H = -\frac{J}{N} \sum_{i<j} s_i s_j - h \sum_i s_i`
    (this differs from :math:`-\frac{J}{2N} (\sum_i s_i)^2` by :math:`J/2` in total)."""

    J: sp.Symbol = sym.J
    kind: str = "all-to-all"


Coupling = Independent | Chain | HypercubicLattice | AllToAll


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
        For :class:`Independent` coupling, the energy of one unit in terms of
        the state variable(s); otherwise the energy of a configuration as
        documented by the model.
    coupling : Coupling
        How units interact (data).
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
    energy: sp.Expr
    coupling: Coupling = field(default_factory=Independent)
    size: sp.Symbol = sym.N
    field: sp.Symbol | None = None
    indistinguishable: bool = False
    hooks: tuple[tuple[str, Callable], ...] = ()
    references: tuple[str, ...] = ()

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
        if isinstance(self.coupling, Independent):
            out = ["Z", "F", "E", "S", "C"] + (["M", "chi"] if self.field is not None else [])
        for key, _ in self.hooks:
            if key.startswith("supports:"):
                out.append(key.split(":", 1)[1])
        return out
