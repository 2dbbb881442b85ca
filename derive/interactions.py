r"""Interactions as data: a Hamiltonian of site terms and bond terms over a couplings value.

Every interacting model states its energy in one form,

.. math::

    H(s) = \sum_i \phi(s_i) + \sum_{(i,j)} b(K_{ij}, s_i, s_j),

where the *site term* :math:`\phi(s)` is a SymPy expression in the unit variable
``s`` and the model's parameters (``-h*s``, ``D*s**2 - h*s``), the *bond term*
:math:`b` is a SymPy expression in the bond's coupling :math:`K` (the symbol
:data:`K`) and the two unit variables :data:`s_i`, :data:`s_j`
(``-K*s_i*s_j`` for a ferromagnet), and the *couplings* value says which pairs
are bonds and what :math:`K_{ij}` is on each, each pair once:

======================  =====================================================
couplings               bonds and :math:`K_{ij}`
======================  =====================================================
:class:`Independent`    none
:class:`Chain`          nearest neighbours on a ring or open chain, :math:`K = J`
:class:`HypercubicLattice`  square / cubic lattice (periodic or open), :math:`K = J`
:class:`TriangularLattice`  triangular lattice (periodic), :math:`K = J`
:class:`AllToAll`       every pair, :math:`K = J/N`
:class:`DenseCouplings` a symmetric matrix: given, read from ``.npy``/``.npz``,
                        or drawn (Gaussian, :math:`\pm J`) from a seed;
                        :math:`K_{ij} = \text{offset} + \text{scale}\,A_{ij}`
:class:`HebbianCouplings`  :math:`K_{ij} = \frac{J}{N}\sum_\mu \xi_i^\mu \xi_j^\mu`
                        from patterns (given, from a file, or drawn)
:class:`BipartiteCouplings` visible-hidden pairs, :math:`K_{ia} = W_{ia}`
:class:`RandomBondLattice`  the bonds of a hypercubic lattice, each with its own
                        :math:`K_b = \text{offset} + \text{scale}\,\epsilon_b`, the
                        :math:`\epsilon_b` drawn (:math:`\pm 1`, Gaussian) from a seed,
                        given or read (Edwards-Anderson)
======================  =====================================================

This module is pure SymPy: the couplings *describe* their data (a file name, a
distribution and the parameter holding its seed); :mod:`statmech.numeric.compiled`,
the compile step, reads or draws the arrays.  The symbolic verbs
(:func:`statmech.derive.finite.finite_energy`, the printed Hamiltonian, the
mean-field coupling) ask the couplings value through its methods, so no module
switches on the couplings class.

Unit conventions: units are indexed in C order over the shape; lattice bonds go
to the next site along each axis (periodically where the lattice is periodic);
a bipartite system lists its visible units first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import prod

import sympy as sp

from . import symbols as sym

#: The coupling of one bond, as bond terms write it.
K = sp.Symbol("K", real=True)


def bond_variables(variable: sp.Symbol) -> tuple[sp.Symbol, sp.Symbol]:
    """The two unit variables of a bond term, ``s_i`` and ``s_j`` for ``s``."""
    return (
        sp.Symbol(f"{variable.name}_i", **variable.assumptions0),
        sp.Symbol(f"{variable.name}_j", **variable.assumptions0),
    )


s_i, s_j = bond_variables(sp.Symbol("s", integer=True))

# Symbols for printed Hamiltonians
_i, _j, _a = sp.symbols("i j a", integer=True)
_nb = sp.Symbol(r"\langle i j \rangle")


def _sum(summand, *limits, over=None):
    """``Sum(summand, *limits)`` with the factors free of the summation indices
    (``over``, by default the limits' variables) in front, one sum per term."""
    over = over or [lim[0] for lim in limits]
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(summand)):
        c, rest = term.as_independent(*over, as_Add=False)
        out += c * sp.Sum(rest, *limits)
    return out


def _size(params: dict, name: str) -> int:
    try:
        value = params[name]
    except KeyError:
        raise KeyError(name) from None
    size = int(value)
    if size != value or size < 1:
        raise ValueError(f"{name} must be a positive integer, got {name}={value}")
    return size


# --------------------------------------------------------------------------
# Couplings kinds.  Each offers:
#   size_parameters          names of the parameters that fix the finite shape
#   shape(params)            the finite shape (raises KeyError naming a missing size)
#   pairs(shape)             the bonds as index pairs, each once (None: data-defined)
#   coupling(n)              K of one bond as a SymPy expression (uniform kinds)
#   mean_field_coupling()    the coupling z*K a unit feels from its neighbours' mean
#   printed(bond, site, n, s)  the Hamiltonian with indexed units, for derivations


@dataclass(frozen=True)
class Independent:
    """N non-interacting units; the site term is the energy of one unit."""

    kind: str = "independent"
    size_parameters = ("N",)
    interacting = False

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, "N"),)

    def pairs(self, shape) -> list[tuple[int, int]]:
        return []

    def coupling(self, n) -> sp.Expr:
        return sp.Integer(0)

    def mean_field_coupling(self) -> sp.Expr:
        return sp.Integer(0)

    def printed(self, bond, site, n, s) -> sp.Expr:
        return _sum(site(s[_i]), (_i, 1, n))


class _Lattice:
    """Nearest neighbours on a lattice; every bond has coupling ``J`` (behaviour only;
    each lattice declares its fields)."""

    interacting = True

    @property
    def size_parameters(self) -> tuple:
        return ("N",) if self.dimension == 1 else ("L",)

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, self.size_parameters[0]),) * self.dimension

    def coupling(self, n) -> sp.Expr:
        return self.J

    def mean_field_coupling(self) -> sp.Expr:
        return self.coordination * self.J

    def steps(self) -> tuple[tuple[int, ...], ...]:
        """Offsets to the neighbours that own a bond from a site (each bond once)."""
        d = self.dimension
        return tuple(tuple(int(a == b) for b in range(d)) for a in range(d))

    def pairs(self, shape) -> list[tuple[int, int]]:
        shape = tuple(int(x) for x in shape)
        if len(shape) != self.dimension:
            raise ValueError(
                f"a {self.kind} needs a {self.dimension}-dimensional shape, got {shape}"
            )
        n = prod(shape)
        if self.dimension == 1 and self.periodic and n == 1:
            return []
        index = {site: k for k, site in enumerate(itertools.product(*map(range, shape)))}
        out = []
        for site, k in index.items():
            for step in self.steps():
                nb = [a + b for a, b in zip(site, step, strict=True)]
                if self.periodic:
                    nb = [x % length for x, length in zip(nb, shape, strict=True)]
                elif any(x >= length for x, length in zip(nb, shape, strict=True)):
                    continue
                out.append((k, index[tuple(nb)]))
        return out

    def printed(self, bond, site, n, s) -> sp.Expr:
        bonds = self.coordination * n / 2 if self.periodic else sp.Symbol("N_b")
        pair = _sum(bond(self.J, s[_i], s[_j]), (_nb, 1, bonds), over=[_i, _j])
        return pair + _sum(site(s[_i]), (_i, 1, n))


@dataclass(frozen=True)
class Chain(_Lattice):
    r"""Nearest neighbours on a ring (``periodic``) or an open chain, bond ``(i, i+1)``.

    A ring of two spins has two bonds between the same pair."""

    periodic: bool = True
    J: sp.Expr = sym.J
    kind: str = "chain"
    dimension = 1
    coordination = 2

    def pairs(self, shape) -> list[tuple[int, int]]:
        (n,) = tuple(int(x) for x in shape)
        out = [(i, i + 1) for i in range(n - 1)]
        if self.periodic and n >= 2:
            out.append((n - 1, 0))
        return out

    def printed(self, bond, site, n, s) -> sp.Expr:
        return _sum(bond(self.J, s[_i], s[_i + 1]), (_i, 1, n)) + _sum(site(s[_i]), (_i, 1, n))


@dataclass(frozen=True)
class HypercubicLattice(_Lattice):
    """Nearest neighbours on a hypercubic lattice (2: square, 3: cubic), each bond once."""

    dimension: int = 2
    J: sp.Expr = sym.J
    periodic: bool = True
    kind: str = "hypercubic"

    @property
    def coordination(self) -> int:
        return 2 * self.dimension


@dataclass(frozen=True)
class TriangularLattice(_Lattice):
    r"""The triangular lattice as a square lattice with one diagonal: site
    :math:`(x, y)` bonds to :math:`(x+1, y)`, :math:`(x, y+1)` and :math:`(x+1, y+1)`
    (coordination 6).  Periodic; an antiferromagnet on it is frustrated when the
    lengths are multiples of 3."""

    J: sp.Expr = sym.J
    periodic: bool = True
    kind: str = "triangular"
    dimension = 2
    coordination = 6

    def steps(self):
        return ((1, 0), (0, 1), (1, 1))


@dataclass(frozen=True)
class AllToAll:
    r"""Every pair coupled with :math:`K = J/N`, each pair once (Curie-Weiss):
    :math:`-\frac{J}{N}\sum_{i<j} s_i s_j` differs from
    :math:`-\frac{J}{2N}(\sum_i s_i)^2` by :math:`J/2` in total."""

    J: sp.Expr = sym.J
    kind: str = "all-to-all"
    size_parameters = ("N",)
    interacting = True

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, "N"),)

    def pairs(self, shape) -> list[tuple[int, int]]:
        n = prod(int(x) for x in shape)
        return [(i, j) for i in range(n) for j in range(i + 1, n)]

    def coupling(self, n) -> sp.Expr:
        return self.J / n

    def mean_field_coupling(self) -> sp.Expr:
        return self.J

    def printed(self, bond, site, n, s) -> sp.Expr:
        pair = _sum(bond(self.J / n, s[_i], s[_j]), (_j, _i + 1, n), (_i, 1, n))
        return pair + _sum(site(s[_i]), (_i, 1, n))


@dataclass(frozen=True)
class CouplingData:
    """Where a couplings array comes from.

    ``source`` is ``"given"`` (``values``: nested tuples of numbers), ``"file"``
    (``path`` to a ``.npy``, or a ``.npz`` with array ``key``), ``"gaussian"``
    (standard normal entries) or ``"pm"`` (entries +-1 with equal probability), the
    random ones drawn from the integer parameter named ``seed``.
    """

    source: str = "gaussian"
    values: tuple = ()
    path: str = ""
    key: str = ""
    seed: str = "seed"

    def __post_init__(self):
        if self.source not in ("given", "file", "gaussian", "pm"):
            raise ValueError(
                f"unknown couplings source {self.source!r}; use given, file, gaussian or pm"
            )
        if self.source == "file" and not self.path:
            raise ValueError("couplings read from a file need its path")

    @property
    def random(self) -> bool:
        return self.source in ("gaussian", "pm")

    def describe(self) -> str:
        if self.source == "file":
            return f"read from {self.path}" + (f" [{self.key}]" if self.key else "")
        if self.source == "given":
            return "given"
        law = "standard normal" if self.source == "gaussian" else "+-1"
        return f"{law}, drawn with the seed {self.seed}"


@dataclass(frozen=True)
class DenseCouplings:
    r"""A symmetric matrix of couplings over ``N`` units (zero diagonal; the upper
    triangle is used): :math:`K_{ij} = \text{offset} + \text{scale}\,A_{ij}` with
    :math:`A` from ``data``.  The Sherrington-Kirkpatrick model is
    ``DenseCouplings(CouplingData("gaussian"), scale=J/sqrt(N), offset=J0/N)``."""

    data: CouplingData = CouplingData()
    scale: sp.Expr = sp.Integer(1)
    offset: sp.Expr = sp.Integer(0)
    kind: str = "dense"
    size_parameters = ("N",)
    interacting = True

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, "N"),)

    def pairs(self, shape):
        return None  # data-defined

    def coupling(self, n) -> sp.Expr:
        A = sp.IndexedBase("A")
        return self.offset + self.scale * A[_i, _j]

    def mean_field_coupling(self) -> sp.Expr:
        return self.offset * sym.N

    def printed(self, bond, site, n, s) -> sp.Expr:
        A = sp.IndexedBase("A")
        K_ij = self.offset + self.scale * A[_i, _j]
        pair = _sum(bond(K_ij, s[_i], s[_j]), (_j, _i + 1, n), (_i, 1, n))
        return pair + _sum(site(s[_i]), (_i, 1, n))


@dataclass(frozen=True)
class HebbianCouplings:
    r"""Hebb's rule over ``P`` patterns :math:`\xi^\mu \in \{-1, 1\}^N`:
    :math:`K_{ij} = \frac{J}{N}\sum_\mu \xi_i^\mu \xi_j^\mu` (``data`` of shape ``(P, N)``;
    drawn patterns are +-1 with equal probability whatever ``data.source`` says)."""

    data: CouplingData = CouplingData("pm")
    J: sp.Expr = sym.J
    patterns: str = "P"
    kind: str = "hebbian"
    interacting = True

    @property
    def size_parameters(self) -> tuple:
        return ("N", self.patterns)

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, "N"),)

    def pairs(self, shape):
        return None

    def coupling(self, n) -> sp.Expr:
        xi = sp.IndexedBase(r"\xi")
        mu = sp.Symbol("mu", integer=True)
        return self.J / n * sp.Sum(xi[mu, _i] * xi[mu, _j], (mu, 1, sp.Symbol(self.patterns)))

    def mean_field_coupling(self) -> sp.Expr:
        return self.J

    def printed(self, bond, site, n, s) -> sp.Expr:
        pair = _sum(bond(self.coupling(n), s[_i], s[_j]), (_j, _i + 1, n), (_i, 1, n))
        return pair + _sum(site(s[_i]), (_i, 1, n))


@dataclass(frozen=True)
class BipartiteCouplings:
    r"""Visible units (``visible`` of them, listed first) coupled to hidden ones only:
    :math:`K_{ia} = \text{scale}\,W_{ia}`, ``data`` of shape ``(visible, hidden)``."""

    data: CouplingData = CouplingData("gaussian")
    scale: sp.Expr = sp.Integer(1)
    visible: str = "N_v"
    hidden: str = "N_h"
    kind: str = "bipartite"
    interacting = True

    @property
    def size_parameters(self) -> tuple:
        return (self.visible, self.hidden)

    def shape(self, params: dict) -> tuple[int, ...]:
        return (_size(params, self.visible) + _size(params, self.hidden),)

    def pairs(self, shape):
        return None

    def coupling(self, n) -> sp.Expr:
        return self.scale * sp.IndexedBase("W")[_i, _a]

    def mean_field_coupling(self) -> sp.Expr:
        raise NotImplementedError("a bipartite machine has no single mean-field coupling")

    def printed(self, bond, site, n, s) -> sp.Expr:
        v, hdn = sp.Symbol(self.visible), sp.Symbol(self.hidden)
        W = sp.IndexedBase("W")
        pair = _sum(bond(self.scale * W[_i, _a], s[_i], s[v + _a]), (_a, 1, hdn), (_i, 1, v))
        return pair + _sum(site(s[_i]), (_i, 1, v + hdn))


@dataclass(frozen=True)
class RandomBondLattice:
    r"""The bonds of a hypercubic lattice (periodic or open), each with its own coupling
    :math:`K_b = \text{offset} + \text{scale}\,\epsilon_b` (the Edwards-Anderson spin
    glass: ``CouplingData("pm")``, ``scale=J``).

    The bonds are those of :class:`HypercubicLattice` in its order (site by site in C
    order, then the axes); drawn :math:`\epsilon_b` come one per bond in that order from
    the seed, and given or file data are a vector of one value per bond in that order.
    """

    dimension: int = 3
    data: CouplingData = CouplingData("pm")
    scale: sp.Expr = sym.J
    offset: sp.Expr = sp.Integer(0)
    periodic: bool = True
    kind: str = "random-bonds"
    size_parameters = ("L",)
    interacting = True

    @property
    def lattice(self) -> HypercubicLattice:
        return HypercubicLattice(self.dimension, periodic=self.periodic)

    @property
    def coordination(self) -> int:
        return 2 * self.dimension

    def shape(self, params: dict) -> tuple[int, ...]:
        return self.lattice.shape(params)

    def pairs(self, shape):
        return None  # data-defined couplings; the bonds are bond_pairs(shape)

    def bond_pairs(self, shape) -> list[tuple[int, int]]:
        """The lattice's bonds, in the order the bond data follow."""
        return self.lattice.pairs(shape)

    def coupling(self, n) -> sp.Expr:
        return self.offset + self.scale * sp.IndexedBase(r"\epsilon")[_i, _j]

    def mean_field_coupling(self) -> sp.Expr:
        raise NotImplementedError("random-sign bonds have no single mean-field coupling")

    def printed(self, bond, site, n, s) -> sp.Expr:
        bonds = self.coordination * n / 2 if self.periodic else sp.Symbol("N_b")
        pair = _sum(bond(self.coupling(n), s[_i], s[_j]), (_nb, 1, bonds), over=[_i, _j])
        return pair + _sum(site(s[_i]), (_i, 1, n))


Couplings = (
    Independent
    | Chain
    | HypercubicLattice
    | TriangularLattice
    | AllToAll
    | DenseCouplings
    | HebbianCouplings
    | BipartiteCouplings
    | RandomBondLattice
)


# --------------------------------------------------------------------------
# The Hamiltonian


@dataclass(frozen=True)
class Hamiltonian:
    r"""Site and bond terms over a couplings value (see the module docstring).

    Parameters
    ----------
    site : sympy.Expr
        :math:`\phi(s)` in the unit variable ``variable`` and the parameters.
    bond : sympy.Expr
        :math:`b(K, s_i, s_j)` in :data:`K` and :data:`s_i`, :data:`s_j`; zero for
        independent units.
    couplings : Couplings
    variable : sympy.Symbol
        The unit variable ``site`` is written in.

    Examples
    --------
    >>> from statmech.derive import symbols as sym
    >>> H = Hamiltonian(-sym.h * S, -K * s_i * s_j, Chain())
    >>> H.is_bilinear
    True
    """

    site: sp.Expr
    bond: sp.Expr
    couplings: Couplings
    variable: sp.Symbol = sp.Symbol("s", integer=True)

    @property
    def bond_scale(self) -> sp.Expr | None:
        r"""``c`` when the bond term is :math:`c\,K s_i s_j` (``c`` free of the units and
        :math:`K`), else ``None``."""
        if self.bond == 0:
            return sp.Integer(0)
        c = sp.cancel(self.bond / (K * s_i * s_j))
        if c.free_symbols & {K, s_i, s_j}:
            return None
        return c

    @property
    def is_bilinear(self) -> bool:
        return self.bond_scale is not None

    def site_term(self, value) -> sp.Expr:
        return self.site.subs(self.variable, value)

    def bond_term(self, coupling, a, b) -> sp.Expr:
        return self.bond.subs({K: coupling, s_i: a, s_j: b}, simultaneous=True)

    def printed(self, n: sp.Expr) -> sp.Expr:
        """The Hamiltonian of ``n`` units with indexed unit variables, as derivations print it."""
        s = sp.IndexedBase(self.variable.name)
        return self.couplings.printed(self.bond_term, self.site_term, n, s)


#: The unit variable of ``+-1`` spins as site terms write it.
S = sp.Symbol("s", integer=True)


def ising_hamiltonian(couplings, field=sym.h, sign: int = 1) -> Hamiltonian:
    r""":math:`H = -\text{sign}\sum K_{ij} s_i s_j - h\sum_i s_i` (``sign=1``: ferromagnetic bonds
    for :math:`K > 0`)."""
    site = -field * S if field is not None else sp.Integer(0)
    return Hamiltonian(site, -sign * K * s_i * s_j, couplings, S)
