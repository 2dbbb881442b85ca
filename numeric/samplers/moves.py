r"""Sweep moves as small objects: single-site Metropolis and heat bath, Wolff, Swendsen-Wang.

A single-site move is a rule for one unit with the rest of the system fixed.  If
:math:`E_v` is the energy with the unit at value :math:`v` (one of :math:`k`
values), the move is the transition matrix :math:`P_{ab}` from value :math:`a`
to value :math:`b` (:meth:`Metropolis.transition`, :meth:`HeatBath.transition`):

.. math::

    P^{\rm Metropolis}_{a b} = \frac{\lambda}{k - 1}\min\bigl(1, e^{-(E_b - E_a)/T}\bigr)
    \quad (b \ne a),\qquad
    P^{\rm heat\ bath}_{a b} = \frac{e^{-E_b/T}}{\sum_v e^{-E_v/T}},

Metropolis proposing a uniformly random *other* value (for two values: the
flip), with :math:`\lambda = 1/2` for the *lazy* move that keeps sublattice and
sequential updates ergodic (:mod:`.lattice`) and :math:`\lambda = 1` otherwise;
heat bath samples the unit's conditional distribution over all its values.  Both
satisfy detailed balance with respect to :math:`e^{-E/T}`.

The samplers draw one uniform :math:`u` per unit and move it by the offset
``j`` (to value ``(a + j) mod k``) at which the cumulative probabilities
:func:`offset_cumulative` first exceed :math:`u`, staying if none does; for two
values this is "flip when :math:`u < P_{a,1-a}`".  Where the local field takes
few values (lattices and all-to-all couplings with integer units) the table of
these cumulative probabilities is made once, on the host, over every
temperature, neighbour sum and current value (:func:`sum_tables`).

The cluster moves (Wolff, Swendsen-Wang) are implemented by the fast samplers
(:mod:`statmech.numeric.fast`); here they are named and carry their options.

References
----------
N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953), doi:10.1063/1.1699114;
R. J. Glauber, J. Math. Phys. 4, 294 (1963), doi:10.1063/1.1703954;
D. P. Landau and K. Binder, *A Guide to Monte Carlo Simulations in Statistical
Physics* (Cambridge, 4th ed. 2015), ch. 4 and 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Metropolis:
    """Single-site Metropolis; ``lazy=None`` lets the sampler choose (see :mod:`.lattice`)."""

    lazy: bool | None = None
    name = "metropolis"

    @property
    def words(self) -> str:
        """The move in words, as output and the report name it."""
        return "lazy Metropolis" if self.lazy else "Metropolis"

    def transition(self, energies, T, xp=np):
        """``P[..., a, b]`` from ``energies[..., v]`` and ``T`` (broadcast over ``...``)."""
        k = energies.shape[-1]
        d = energies[..., None, :] - energies[..., :, None]  # E_b - E_a
        t = xp.asarray(T, dtype=xp.float64)[..., None, None]
        scale = (0.5 if self.lazy else 1.0) / max(k - 1, 1)
        p = scale * xp.exp(-xp.maximum(d, 0.0) / t)
        eye = xp.eye(k, dtype=bool)
        p = xp.where(eye, 0.0, p)
        return xp.where(eye, 1.0 - p.sum(axis=-1, keepdims=True), p)


@dataclass(frozen=True)
class HeatBath:
    """Single-site heat bath (Glauber): the unit drawn from its conditional distribution."""

    name = "heat-bath"
    words = "heat bath"
    lazy = False

    def transition(self, energies, T, xp=np):
        t = xp.asarray(T, dtype=xp.float64)[..., None]
        w = xp.exp(-(energies - energies.min(axis=-1, keepdims=True)) / t)
        p = w / w.sum(axis=-1, keepdims=True)
        return xp.broadcast_to(p[..., None, :], (*p.shape[:-1], p.shape[-1], p.shape[-1]))


@dataclass(frozen=True)
class Wolff:
    """Wolff single-cluster updates; a sweep is ``clusters_per_sweep`` clusters
    (default: chosen from the parameters, see :mod:`statmech.numeric.fast.cluster`)."""

    clusters_per_sweep: int | None = None
    name = "wolff"
    words = "Wolff clusters"


@dataclass(frozen=True)
class SwendsenWang:
    """Swendsen-Wang: every Fortuin-Kasteleyn cluster flipped with probability 1/2."""

    name = "swendsen-wang"
    words = "Swendsen-Wang clusters"


MOVES = {m.name: m for m in (Metropolis, HeatBath, Wolff, SwendsenWang)}


def as_move(algorithm):
    """The move named ``algorithm`` (a move object passes through).

    Raises
    ------
    SamplerUnavailable
        For an unknown name.
    """
    if not isinstance(algorithm, str):
        return algorithm
    try:
        return MOVES[algorithm]()
    except KeyError:
        from .base import SamplerUnavailable

        raise SamplerUnavailable(
            f"unknown algorithm {algorithm!r}; choose one of {', '.join(MOVES)}"
        ) from None


def offset_cumulative(p, xp=np):
    """``C[..., a, j - 1] = sum_{i=1..j} P[..., a, (a + i) mod k]`` for ``j = 1 .. k-1``."""
    k = p.shape[-1]
    a = xp.arange(k)[:, None]
    j = xp.arange(1, k)[None, :]
    moved = xp.take_along_axis(p, xp.broadcast_to((a + j) % k, (*p.shape[:-1], k - 1)), axis=-1)
    return xp.cumsum(moved, axis=-1)


def conditional_energies(compiled, local_field):
    r""":math:`E_v = \phi(v) - v\,h^{\rm loc}` for each unit value (last axis), up to a
    constant, from the local field (any shape, any namespace)."""
    xp = compiled.xp
    v = xp.asarray(compiled.values)
    phi = compiled.site_energy(v)
    return phi - v * xp.asarray(local_field)[..., None]


def sum_tables(move, compiled, temperatures, sums) -> np.ndarray:
    r"""Host table ``C[t, s, a, j - 1]`` (float64) of :func:`offset_cumulative` for a unit
    at value index ``a`` whose local field is :math:`-w \times` ``sums[s]`` (lattice and
    all-to-all couplings of weight :math:`w`), at ``temperatures[t]``."""
    v = np.asarray(compiled.values, dtype=np.float64)
    from ..backend import to_numpy

    phi = to_numpy(compiled.site_energy(compiled.xp.asarray(v)))
    E = phi[None, :] + v[None, :] * compiled.weight * np.asarray(sums, dtype=np.float64)[:, None]
    T = np.asarray(temperatures, dtype=np.float64)[:, None]
    p = move.transition(E[None, :, :], T)
    return offset_cumulative(np.asarray(p))


class SumTable:
    r"""The move's cumulative probabilities (:func:`sum_tables`) for units whose local field
    is :math:`-w` times an integer sum, indexed directly by integers.

    ``key(sums, s)`` is ``tid + (sums - sum_min) * span + (s - vmin)`` with ``span``
    the range of the unit values (so no value-to-index lookup is needed) and ``tid``
    the replica's temperature block; ``choose(s, key, u)`` returns the new unit values
    for uniforms ``u``.  The table is computed on the host and copied to the backend,
    so NumPy and CuPy compare the same numbers.
    """

    def __init__(self, move, compiled, temperatures, sum_min: int, sum_max: int, xp=np):
        values = np.asarray(compiled.values).astype(np.int64)
        k, vmin = len(values), int(values.min())
        span = int(values.max()) - vmin + 1
        ladder, tid = np.unique(temperatures, return_inverse=True)
        sums = np.arange(sum_min, sum_max + 1)
        cumulative = sum_tables(move, compiled, ladder, sums)  # (K, S, k, k - 1)
        table = np.zeros((ladder.size, sums.size, span, k - 1))
        table[:, :, values - vmin, :] = cumulative
        size = table.size // (k - 1)
        self.dtype = np.int8 if size < 127 else np.int32
        self.xp, self.k, self.span, self.vmin = xp, k, span, vmin
        self.offset = -sum_min * span - vmin
        self.table = xp.asarray(table.ravel() if k == 2 else table.reshape(size, k - 1))
        block = (tid * sums.size * span).astype(self.dtype)
        self.tid = None if ladder.size == 1 else xp.asarray(block)
        self.other = int(values.sum()) if k == 2 else None
        if k > 2:  # new value from (current value, offset 1 .. k)
            shift = np.zeros((span, k + 1), dtype=np.int8)
            for a, v in enumerate(values):
                shift[v - vmin, 1:] = values[(a + np.arange(1, k + 1)) % k]
            self.shift = xp.asarray(shift.ravel())

    def key(self, sums, s, tid_axis: bool = True):
        """Table keys for neighbour sums ``sums`` and unit values ``s`` (replicas first)."""
        key = sums * self.span + s + self.offset
        if self.tid is not None:
            key = key + (self.tid[:, None] if tid_axis else self.tid)
        return key

    def choose(self, s, key, u):
        xp = self.xp
        if self.k == 2:
            return xp.where(u < xp.take(self.table, key), self.other - s, s)
        cumulative = xp.take(self.table, key, axis=0)
        off = 1 + (u[..., None] >= cumulative).sum(axis=-1)
        return xp.take(self.shift, (s.astype(np.int64) - self.vmin) * (self.k + 1) + off)
