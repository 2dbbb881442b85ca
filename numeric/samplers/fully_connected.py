r"""Reference single-site samplers for all-to-all and dense couplings (sequential scan).

All-to-all couplings (Curie-Weiss: every pair with the same weight :math:`w = -J/N`,
each pair once):

.. math::

    H = \sum_i \phi(s_i) + w\sum_{i<j} s_i s_j,\qquad
    h_i^{\rm loc} = -w\,(M - s_i),\quad M = \sum_j s_j .

The local field is :math:`-w` times the integer :math:`M - s_i`, maintained
incrementally through :math:`M` (one integer per replica, updated after every
move), so a sweep costs :math:`O(N)` per replica and the move's probabilities come
from a host table (:func:`.moves.sum_tables`).  For a dense symmetric matrix
:math:`w_{ij}` (spin glasses, Hopfield networks, +-J samples, bipartite machines),
:class:`ReferenceDenseSampler` keeps the whole local-field vector
:math:`h^{\rm loc}_i = -\sum_j w_{ij} s_j` and updates it after each move in
:math:`O(N)`.

A sweep visits the sites in order ``0 .. N-1`` (systematic scan; every update
leaves the Boltzmann distribution invariant), all replicas at once.  As on
lattices (:mod:`.lattice`), a Metropolis move with zero energy change would be
taken with probability one, which makes the systematic scan non-ergodic (odd N at
h = 0 shows it); the Metropolis move is therefore lazy: it is offered with
probability 1/2.

References
----------
Landau and Binder, *A Guide to Monte Carlo Simulations in Statistical Physics*,
ch. 4; M. Kac, in *Statistical Physics, Phase Transitions and Superfluidity* (1968).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import ReferenceSampler, SamplerState, SamplerUnavailable
from .moves import Metropolis, SumTable, conditional_energies


class _Scan(ReferenceSampler):
    representation = ""
    sweep_order = "sequential scan"

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, lazy=True, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        if compiled.representation != self.representation:
            raise SamplerUnavailable(
                f"{type(self).__name__} needs {self.representation} couplings, "
                f"{self.model_name} has {compiled.representation} ones"
            )
        if isinstance(self.move, Metropolis):
            self.move = replace(self.move, lazy=bool(lazy if lazy is not None else True))
        self.lazy = bool(self.move.lazy)
        v = self.values.astype(np.int64)
        self._k = len(v)
        self._vmin = int(v.min())
        self._lookup = self.xp.asarray(np.searchsorted(v, np.arange(v.min(), v.max() + 1)))
        self._values_dev = self.xp.asarray(v.astype(np.int8))
        self._other = int(v.sum()) if self._k == 2 else None

    def _choose(self, s, cur, cumulative, u):
        """New unit values from the current ones ``s`` (value indices ``cur``), the
        offset cumulative probabilities ``(..., k - 1)`` and uniforms ``u``."""
        xp = self.xp
        if self._k == 2:
            return xp.where(u < cumulative[..., 0], self._other - s, s)
        off = 1 + (u[..., None] >= cumulative).sum(axis=-1)
        return xp.take(self._values_dev, (cur + off) % self._k).astype(s.dtype)


class ReferenceCurieWeissSampler(_Scan):
    """All-to-all couplings (Curie-Weiss): Metropolis / heat bath with the magnetisation
    sum ``state.extra["M"]`` maintained incrementally.

    Examples
    --------
    >>> from statmech.derive.registry import get_model
    >>> from statmech.numeric.compiled import compile_model
    >>> c = compile_model(get_model("curie-weiss"), {"N": 16})
    >>> s = ReferenceCurieWeissSampler(c, 1.5, "heat-bath", 2)
    >>> s.configuration(s.step(s.init(seed=3), 5)).shape
    (2, 16)
    """

    representation = "uniform"
    _carried = ("M",)

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, lazy=True, moves=()):
        super().__init__(compiled, T, algorithm, replicas, lazy, moves)
        n, v = self.sites, self.values.astype(np.int64)
        # M - s_i runs over (n - 1) min(v, 0) .. (n - 1) max(v, 0).
        lo, hi = (n - 1) * min(int(v.min()), 0), (n - 1) * max(int(v.max()), 0)
        self._table = SumTable(self.move, compiled, self.temperatures, lo, hi, self.xp)

    def _attach(self, state: SamplerState) -> None:
        state.extra["M"] = state.spins.sum(axis=1, dtype=self.xp.int64)

    def _sweep(self, state: SamplerState) -> None:
        spins, M, table = state.spins, state.extra["M"], self._table
        u = self._uniforms(state, self.sites)
        for i in range(self.sites):
            s = spins[:, i].copy()  # a view would follow the assignment below
            new = table.choose(s, table.key(M - s, s, tid_axis=False), u[:, i])
            spins[:, i] = new
            M += new - s


class ReferenceDenseSampler(_Scan):
    r"""Dense symmetric couplings :math:`w_{ij}` (zero diagonal): single-site updates with
    the local fields :math:`h^{\rm loc} = -s\,w` kept in ``state.extra["fields"]``.

    The probabilities are computed on the device from the fields (not tabulated),
    so NumPy and CuPy may differ in the last bit of an exponential.
    """

    representation = "dense"
    _carried = ("fields",)

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, lazy=True, moves=()):
        super().__init__(compiled, T, algorithm, replicas, lazy, moves)
        xp = self.xp
        self._matrix = xp.asarray(compiled.matrix)
        self._T = xp.asarray(self.temperatures)
        self._offsets = xp.arange(1, self._k)[None, :]

    def _attach(self, state: SamplerState) -> None:
        state.extra["fields"] = self.compiled.local_field(state.spins)

    def _sweep(self, state: SamplerState) -> None:
        xp = self.xp
        spins, fields = state.spins, state.extra["fields"]
        u = self._uniforms(state, self.sites)
        rows = xp.arange(self.replicas)
        for i in range(self.sites):
            s = spins[:, i].astype(xp.int64)
            cur = xp.take(self._lookup, s - self._vmin)
            energies = conditional_energies(self.compiled, fields[:, i])  # (R, k)
            p = self.move.transition(energies, self._T, xp)[rows, cur]  # (R, k): from cur
            moved = xp.take_along_axis(p, (cur[:, None] + self._offsets) % self._k, axis=1)
            new = self._choose(s, cur, xp.cumsum(moved, axis=1), u[:, i])
            spins[:, i] = new
            fields -= (new - s).astype(xp.float64)[:, None] * self._matrix[i][None, :]
