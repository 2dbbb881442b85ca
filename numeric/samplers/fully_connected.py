r"""Reference single-spin samplers for fully connected models.

Curie-Weiss (every pair coupled with :math:`J/N`, each pair once):

.. math::

    H = -\frac{J}{N}\sum_{i<j} s_i s_j - h\sum_i s_i,\qquad
    h_i^{\rm loc} = \frac{J}{N}\,(M - s_i) + h,\quad M = \sum_j s_j .

The local fields are maintained incrementally through the magnetisation sum
:math:`M` of each replica (one integer per replica, updated after every flip), so
a sweep costs :math:`O(N)` per replica.  For general symmetric couplings
:math:`J_{ij}` (spin glasses, Hopfield networks), :class:`ReferenceDenseSampler`
keeps the full local-field vector :math:`h_i = \sum_j J_{ij} s_j + h` and
updates it after each flip in :math:`O(N)`.

A sweep visits the sites in order ``0 .. N-1`` (systematic scan; every update
leaves the Boltzmann distribution invariant), all replicas at once.  As on
lattices (:mod:`numeric.samplers.lattice`), a Metropolis move with zero energy
change would be taken with probability one, which makes the systematic scan
non-ergodic (odd N at h = 0 shows it); the Metropolis move is therefore lazy:
flip with probability :math:`\tfrac12\min(1, e^{-\Delta E/T})`.

References
----------
Landau and Binder, *A Guide to Monte Carlo Simulations in Statistical Physics*,
ch. 4; M. Kac, in *Statistical Physics, Phase Transitions and Superfluidity* (1968).
"""

from __future__ import annotations

import numpy as np

from .base import ReferenceSampler, SamplerState, flip_probability


class ReferenceCurieWeissSampler(ReferenceSampler):
    """Curie-Weiss Metropolis / heat bath with incrementally maintained fields.

    Examples
    --------
    >>> s = ReferenceCurieWeissSampler("curie-weiss", (16,), 1.5, 1.0, 0.0, "heat-bath", 2)
    >>> s.configuration(s.step(s.init(seed=3), 5)).shape
    (2, 16)
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
    ):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas, backend)
        n = self.sites
        # Flip probability indexed by (M - s_i + n - 1) * 2 + (s_i + 1) // 2.
        rest = np.repeat(np.arange(-(n - 1), n), 2)
        s = np.tile(np.array([-1, 1]), 2 * n - 1)
        local = self.J / n * rest + self.h
        table = flip_probability(algorithm, s, local, self.T)
        self._table = self.xp.asarray(0.5 * table if algorithm == "metropolis" else table)

    def _attach(self, state: SamplerState) -> SamplerState:
        state.extra["M"] = state.spins.sum(axis=1, dtype=self.xp.int64)
        return state

    def _sweep(self, state: SamplerState) -> None:
        xp = self.xp
        spins, M = state.spins, state.extra["M"]
        n = self.sites
        u = self._uniforms(state, n)
        for i in range(n):
            s = spins[:, i].astype(xp.int64)
            key = (M - s + n - 1) * 2 + (s + 1) // 2
            flip = u[:, i] < self._table[key]
            new = xp.where(flip, -s, s)
            spins[:, i] = new
            M += new - s


class ReferenceDenseSampler(ReferenceSampler):
    r"""Single-spin sampler for :math:`H = -\sum_{i<j} J_{ij} s_i s_j - h \sum_i s_i`
    with a dense symmetric coupling matrix (zero diagonal), local fields kept
    incrementally.  ``J`` is recorded as the coupling scale only; the matrix is
    ``couplings``.
    """

    def __init__(
        self,
        model_name,
        couplings,
        T,
        J=1.0,
        h=0.0,
        algorithm="metropolis",
        replicas=1,
        backend="numpy",
    ):
        couplings = np.asarray(couplings, dtype=np.float64)
        n = couplings.shape[0]
        if couplings.shape != (n, n) or not np.allclose(couplings, couplings.T):
            raise ValueError("couplings must be a symmetric square matrix")
        if np.any(np.diag(couplings) != 0):
            raise ValueError("couplings must have a zero diagonal")
        super().__init__(model_name, (n,), T, J, h, algorithm, replicas, backend)
        self.couplings = self.xp.asarray(couplings)

    def _attach(self, state: SamplerState) -> SamplerState:
        s = state.spins.astype(self.xp.float64)
        state.extra["fields"] = s @ self.couplings + self.h
        return state

    def _sweep(self, state: SamplerState) -> None:
        xp = self.xp
        spins, fields = state.spins, state.extra["fields"]
        u = self._uniforms(state, self.sites)
        for i in range(self.sites):
            s = spins[:, i].astype(xp.float64)
            x = 2.0 * s * fields[:, i] / self.T
            if self.name == "metropolis":  # lazy, as for Curie-Weiss
                p = 0.5 * xp.exp(-xp.maximum(x, 0.0))
            else:
                p = 1.0 / (1.0 + xp.exp(xp.minimum(x, 700.0)))
            flip = u[:, i] < p
            spins[:, i] = xp.where(flip, -s, s).astype(xp.int8)
            fields -= (2.0 * s * flip)[:, None] * self.couplings[i][None, :]
