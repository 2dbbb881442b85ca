r"""Reference Metropolis and heat-bath samplers for periodic lattices.

Ising spins :math:`s_i = \pm 1` on a ring (1D), square (2D) or cubic (3D)
periodic lattice,

.. math::

    H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i ,

each bond once (as in :func:`derive.finite.finite_energy`; on a length-2 axis the
two bonds between the same pair both count).  Many replicas are updated at once,
one array ``(replicas, *shape)``.

Sites are split into colour classes such that no two sites of a class are
neighbours; a sweep updates the classes one after another, every spin of a
class simultaneously.  When every length is even, the checkerboard (parity of
the coordinate sum) does it.  When some length is odd there is no checkerboard
(a ring of odd length is not bipartite, and updating a "sublattice" whose spins
neighbour each other breaks detailed balance), so three colours are used:

.. math::

    c(x) = \sum_a c_a(x_a) \bmod 3,\qquad
    c_a(x) = \begin{cases} x \bmod 2 & x < L_a - 1 \text{ or } L_a \text{ even}\\
    2 & x = L_a - 1,\ L_a \text{ odd,}\end{cases}

a proper colouring, since neighbours differ in one coordinate, whose colour
changes by 1 or 2 (mod 3).

Metropolis needs one more precaution.  A spin whose energy change is zero
flips with probability one, so sublattice moves can become deterministic: on a
ring at ``h = 0`` each domain wall moves one way only, and the dynamics splits
into sectors that do not communicate, so averages come out wrong on even and
odd rings alike although every move preserves the Boltzmann distribution.  The
same happens on small tori (2 x 2, 4 x 2, 3 x 3; a test shows it).  Heat bath,
whose flip probabilities are below one, is immune.  So, except where plain
checkerboard Metropolis is the established method (dimension >= 2, every length
even and >= 4), the Metropolis move is made *lazy*: each spin of the class is
offered its move with probability 1/2, i.e. flips with probability
:math:`\tfrac12 \min(1, e^{-\Delta E/T})`; then every configuration of the
class is reachable from every other in one move, so the chain is irreducible
and aperiodic.  ``lazy=True/False`` overrides the choice.

References
----------
N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953), doi:10.1063/1.1699114;
R. J. Glauber, J. Math. Phys. 4, 294 (1963), doi:10.1063/1.1703954;
D. P. Landau and K. Binder, *A Guide to Monte Carlo Simulations in Statistical
Physics* (Cambridge, 4th ed. 2015), ch. 4.
"""

from __future__ import annotations

import numpy as np

from .base import ReferenceSampler, SamplerState, flip_probability


def neighbours(shape) -> np.ndarray:
    """``(n, 2 d)`` flat indices of each site's neighbours (C order, periodic)."""
    shape = tuple(shape)
    index = np.arange(int(np.prod(shape))).reshape(shape)
    cols = []
    for axis in range(len(shape)):
        for shift in (1, -1):
            cols.append(np.roll(index, -shift, axis=axis).ravel())
    return np.stack(cols, axis=1)


def colouring(shape) -> np.ndarray:
    """Colour of each site (flat, C order): 2 colours if every length is even, else 3."""
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


class ReferenceLatticeSampler(ReferenceSampler):
    """Reference checkerboard (or three-colour) Metropolis / heat-bath sampler.

    Parameters
    ----------
    model_name : str
        ``"ising1d"``, ``"ising2d"`` or ``"ising3d"`` (recorded, not interpreted).
    shape : tuple of int
        Lattice lengths, each >= 2.
    T, J, h : float
        Temperature, coupling, field.
    algorithm : {"metropolis", "heat-bath"}
    replicas : int
    backend : {"numpy", "cupy"}
    lazy : bool, optional
        Offer each move with probability 1/2 (default: for Metropolis, unless
        every length is even and >= 4 in two or more dimensions).

    Examples
    --------
    >>> s = ReferenceLatticeSampler("ising2d", (4, 4), 2.0, 1.0, 0.0, "metropolis", 3, "numpy")
    >>> st = s.step(s.init(seed=1), sweeps=10)
    >>> s.configuration(st).shape
    (3, 4, 4)
    """

    def __init__(
        self,
        model_name,
        shape,
        T,
        J=1.0,
        h=0.0,
        algorithm="metropolis",
        replicas=1,
        backend="numpy",
        lazy=None,
    ):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas, backend)
        if min(self.shape) < 2:
            raise ValueError(f"every lattice length must be at least 2, got shape {self.shape}")
        xp = self.xp
        nbr = neighbours(self.shape)
        colour = colouring(self.shape)
        self.coordination = nbr.shape[1]
        z = self.coordination
        self._classes = []
        for c in range(int(colour.max()) + 1):
            idx = np.flatnonzero(colour == c)
            columns = tuple(xp.asarray(np.ascontiguousarray(nbr[idx, k])) for k in range(z))
            self._classes.append((xp.asarray(idx), columns))
        self.colours = len(self._classes)
        if lazy is None:
            plain_ok = len(self.shape) >= 2 and all(n % 2 == 0 and n >= 4 for n in self.shape)
            lazy = algorithm == "metropolis" and not plain_ok
        self.lazy = bool(lazy)
        # Flip probability indexed by 3 * (neighbour sum) + s + 3 z + 1 (in 0 .. 6 z + 2).
        nsum = np.repeat(np.arange(-z, z + 1), 2)
        s = np.tile(np.array([-1, 1]), 2 * z + 1)
        table = np.zeros(6 * z + 3)
        p = flip_probability(algorithm, s, self.J * nsum + self.h, self.T)
        table[3 * nsum + s + 3 * z + 1] = 0.5 * p if self.lazy else p
        self._table = xp.asarray(table)
        self._offset = 3 * z + 1

    def _sweep(self, state: SamplerState) -> None:
        xp = self.xp
        spins = state.spins
        u = self._uniforms(state, self.sites)
        start = 0
        for idx, columns in self._classes:
            s = xp.take(spins, idx, axis=1)
            local = xp.take(spins, columns[0], axis=1)
            for col in columns[1:]:
                local += xp.take(spins, col, axis=1)  # int8: |sum| <= 6
            key = 3 * local + s + self._offset  # int8 in 0 .. 6 z + 2
            flip = u[:, start : start + idx.size] < xp.take(self._table, key)
            spins[:, idx] = xp.where(flip, -s, s)
            start += idx.size
