r"""Reference single-site sampler for lattice couplings: colour classes updated at once.

Any compiled model whose couplings are a lattice (``representation ==
"lattice"``: one weight :math:`w` on every bond, periodic or open) and whose
units take a few integer values (+-1 spins, 0/1 units, spin-1),

.. math::

    H = \sum_i \phi(s_i) + w \sum_{\langle ij \rangle} s_i s_j ,\qquad
    h^{\rm loc}_i = -w \sum_{j \sim i} s_j ,

each bond once (on a length-2 axis the two bonds between the same pair both
count).  The local field is :math:`-w` times an integer neighbour sum, so the
move's cumulative probabilities are tabulated once per temperature, neighbour sum
and current value (:func:`.moves.sum_tables`), on the host.  Many replicas are
updated at once, one array ``(replicas, n)``.

Sites are split into colour classes such that no two sites of a class are
neighbours (:func:`lattice_colouring`); a sweep updates the classes one after
another, every unit of a class simultaneously.  On hypercubic lattices with every
length even the checkerboard (parity of the coordinate sum) does it.  When some
length is odd there is no checkerboard (a ring of odd length is not bipartite,
and updating a "sublattice" whose spins neighbour each other breaks detailed
balance), so three colours are used:

.. math::

    c(x) = \sum_a c_a(x_a) \bmod 3,\qquad
    c_a(x) = \begin{cases} x \bmod 2 & x < L_a - 1 \text{ or } L_a \text{ even}\\
    2 & x = L_a - 1,\ L_a \text{ odd,}\end{cases}

a proper colouring, since neighbours differ in one coordinate, whose colour
changes by 1 or 2 (mod 3).  Other lattices (the triangular lattice) are coloured
greedily from the neighbour table; every colouring is checked to be proper.

Metropolis needs one more precaution.  A spin whose energy change is zero
flips with probability one, so sublattice moves can become deterministic: on a
ring at ``h = 0`` each domain wall moves one way only, and the dynamics splits
into sectors that do not communicate, so averages come out wrong on even and
odd rings alike although every move preserves the Boltzmann distribution.  The
same happens on small tori (2 x 2, 4 x 2, 3 x 3; a test shows it).  Heat bath,
whose flip probabilities are below one, is immune.  So, except where plain
checkerboard Metropolis is the established method (two unit values, a periodic
hypercubic lattice of dimension >= 2, every length even and >= 4;
:func:`plain_checkerboard_is_ergodic`), the Metropolis move is made *lazy*: each
unit of the class is offered its move with probability 1/2, i.e. moves with
probability :math:`\tfrac12 \min(1, e^{-\Delta E/T})`; then every configuration
of the class is reachable from every other in one move, so the chain is
irreducible and aperiodic.  ``lazy=True/False`` overrides the choice.

References
----------
N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953), doi:10.1063/1.1699114;
R. J. Glauber, J. Math. Phys. 4, 294 (1963), doi:10.1063/1.1703954;
D. P. Landau and K. Binder, *A Guide to Monte Carlo Simulations in Statistical
Physics* (Cambridge, 4th ed. 2015), ch. 4.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ReferenceSampler, SamplerState, SamplerUnavailable, hypercubic
from .moves import Metropolis, SumTable


def neighbours(shape) -> np.ndarray:
    """``(n, 2 d)`` flat indices of each site's neighbours on a periodic hypercubic
    lattice (C order)."""
    shape = tuple(shape)
    index = np.arange(int(np.prod(shape))).reshape(shape)
    cols = []
    for axis in range(len(shape)):
        for shift in (1, -1):
            cols.append(np.roll(index, -shift, axis=axis).ravel())
    return np.stack(cols, axis=1)


def colouring(shape) -> np.ndarray:
    """Colour of each site of a hypercubic lattice (flat, C order): 2 colours if every
    length is even, else 3 (see the module docstring)."""
    shape = tuple(shape)
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    if all(n % 2 == 0 for n in shape):
        return (sum(grids) % 2).ravel()
    total = np.zeros(shape, dtype=np.int64)
    for n, x in zip(shape, grids, strict=True):
        c = x % 2
        if n % 2 == 1:
            c = np.where(x == n - 1, 2, c)
        total = total + c
    return (total % 3).ravel()


def greedy_colouring(index: np.ndarray) -> np.ndarray:
    """Smallest free colour for each site in turn, from an ``(n, z)`` neighbour table
    (entries equal to the site itself are padding)."""
    n = index.shape[0]
    colour = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        used = set(colour[index[i]].tolist())
        c = 0
        while c in used:
            c += 1
        colour[i] = c
    return colour


def is_proper(colour: np.ndarray, index: np.ndarray) -> bool:
    own = np.arange(index.shape[0])[:, None]
    clash = (colour[index] == colour[:, None]) & (index != own)
    return not clash.any()


def lattice_colouring(compiled) -> np.ndarray:
    """A proper colouring of the bonds of ``compiled``: the hypercubic colouring where
    the lattice is hypercubic (:func:`colouring`), else greedy."""
    index, _ = compiled.neighbours
    if hypercubic(compiled):
        colour = colouring(compiled.shape)
        if is_proper(colour, index):
            return colour
    colour = greedy_colouring(index)
    assert is_proper(colour, index)
    return colour


def plain_checkerboard_is_ergodic(compiled) -> bool:
    """Whether plain (non-lazy) sublattice Metropolis samples this system correctly.

    Only for two unit values on a periodic hypercubic lattice of dimension >= 2
    with every length even and >= 4.  Not on rings, nor on tori with a length that
    is odd or below 4 (zero-energy flips taken with probability one split the
    dynamics into sectors; see the module docstring), nor on other lattices or
    couplings, where the lazy move is used.
    """
    return (
        hypercubic(compiled)
        and compiled.periodic
        and len(compiled.values) == 2
        and len(compiled.shape) >= 2
        and all(n % 2 == 0 and n >= 4 for n in compiled.shape)
    )


class ReferenceLatticeSampler(ReferenceSampler):
    """Reference colour-class Metropolis / heat-bath sampler for lattice couplings.

    Parameters
    ----------
    compiled : CompiledModel
        With ``representation == "lattice"``.
    T : float or sequence
        Temperature, or one per replica.
    algorithm : {"metropolis", "heat-bath"} or a move
    replicas : int
    lazy : bool, optional
        Offer each Metropolis move with probability 1/2 (default: unless
        :func:`plain_checkerboard_is_ergodic`).
    moves : sequence
        Periodic moves (replica exchange).

    Examples
    --------
    >>> from statmech.derive.registry import get_model
    >>> from statmech.numeric.compiled import compile_model
    >>> c = compile_model(get_model("ising2d"), {"L": 4})
    >>> s = ReferenceLatticeSampler(c, 2.0, "metropolis", 3)
    >>> st = s.step(s.init(seed=1), sweeps=10)
    >>> s.configuration(st).shape
    (3, 4, 4)
    """

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, lazy=None, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        if compiled.representation != "lattice":
            raise SamplerUnavailable(
                f"the lattice sampler needs lattice couplings, {self.model_name} has "
                f"{compiled.representation} ones"
            )
        if min(self.shape) < 2:
            raise ValueError(f"every lattice length must be at least 2, got shape {self.shape}")
        if isinstance(self.move, Metropolis):
            if lazy is None:
                lazy = self.move.lazy
            if lazy is None:
                lazy = not plain_checkerboard_is_ergodic(compiled)
            self.move = replace(self.move, lazy=bool(lazy))
        self.lazy = bool(self.move.lazy)
        xp = self.xp
        index, _ = compiled.neighbours
        self.coordination = z = index.shape[1]
        own = np.arange(self.sites)[:, None]
        real = index != own
        colour = lattice_colouring(compiled)
        self._classes = []
        for c in range(int(colour.max()) + 1):
            idx = np.flatnonzero(colour == c)
            cols = tuple(xp.asarray(np.ascontiguousarray(index[idx, k])) for k in range(z))
            mask = real[idx]
            masks = (
                None
                if mask.all()
                else tuple(xp.asarray(mask[:, k].astype(np.int8)) for k in range(z))
            )
            self._classes.append((xp.asarray(idx), cols, masks, idx.size))
        self.colours = len(self._classes)
        self.sweep_order = (
            "checkerboard" if self.colours == 2 else f"{self.colours} colour classes in turn"
        )
        # Neighbour sums run over z * min(values, 0) .. z * max(values, 0).
        v = self.values.astype(np.int64)
        lo, hi = z * min(int(v.min()), 0), z * max(int(v.max()), 0)
        self._table = SumTable(self.move, compiled, self.temperatures, lo, hi, xp)

    def _sweep(self, state: SamplerState) -> None:
        xp = self.xp
        spins, table = state.spins, self._table
        u = self._uniforms(state, self.sites)
        start = 0
        for idx, cols, masks, size in self._classes:
            s = xp.take(spins, idx, axis=1).astype(table.dtype, copy=False)
            total = xp.zeros(s.shape, dtype=table.dtype)
            for j, col in enumerate(cols):
                nb = xp.take(spins, col, axis=1)
                total += nb if masks is None else nb * masks[j]
            key = table.key(total, s)
            spins[:, idx] = table.choose(s, key, u[:, start : start + size])
            start += size
