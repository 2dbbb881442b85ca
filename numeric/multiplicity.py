r"""Exact multiplicities: the microcanonical side, with big integers or log-Gamma.

.. math::

    \Omega_{\rm para}(N, N_+) = \binom{N}{N_+},\qquad
    \Omega_{\rm Einstein}(N, q) = \binom{q + N - 1}{q}.

Python integers are exact at any size (:func:`math.comb`); for arrays and large
N the logarithms come from :func:`scipy.special.gammaln`.  Two Einstein solids
in contact (:func:`two_solids`) give the probability of each split of the
quanta; :func:`relax` evolves a distribution over splits by random single-quantum
moves that satisfy detailed balance with respect to the multiplicity, which
shows energy flowing toward the peak.

References
----------
Schroeder, An Introduction to Thermal Physics (2000), sec. 2.2-2.4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln


def einstein_multiplicity(N: int, q: int) -> int:
    """Exact number of ways to share ``q`` quanta among ``N`` oscillators."""
    return math.comb(q + N - 1, q)


def log_einstein_multiplicity(N, q):
    """``log Omega`` of an Einstein solid through log-Gamma (arrays allowed)."""
    q = np.asarray(q, dtype=np.float64)
    return gammaln(q + N) - gammaln(q + 1) - gammaln(N)


def log_paramagnet_multiplicity(N, n_up):
    """``log C(N, n_up)`` through log-Gamma (arrays allowed)."""
    n_up = np.asarray(n_up, dtype=np.float64)
    return gammaln(N + 1) - gammaln(n_up + 1) - gammaln(N - n_up + 1)


def einstein_temperature(N: int, q, epsilon: float = 1.0):
    r"""Microcanonical temperature at finite N from the exact multiplicity:
    :math:`\epsilon/T = \log\Omega(q+1) - \log\Omega(q) = \log\frac{q+N}{q+1}`
    (a centred difference would differ by O(1/q))."""
    q = np.asarray(q, dtype=np.float64)
    return epsilon / (log_einstein_multiplicity(N, q + 1) - log_einstein_multiplicity(N, q))


def paramagnet_temperature(N: int, n_up, mu_h: float = 1.0):
    r"""Microcanonical temperature of N spins at finite N: flipping one spin up
    changes :math:`E` by :math:`-2\mu h` and :math:`\log\Omega` by
    :math:`\log\frac{N - N_+}{N_+ + 1}`."""
    n_up = np.asarray(n_up, dtype=np.float64)
    dlog = log_paramagnet_multiplicity(N, n_up + 1) - log_paramagnet_multiplicity(N, n_up)
    return -2 * mu_h / dlog


@dataclass(frozen=True)
class TwoSolids:
    """Splits ``q_A = 0..q`` of ``q`` quanta between solids of ``N_A`` and ``N_B``
    oscillators: ``log_omega`` (total, per split) and ``probability``."""

    N_A: int
    N_B: int
    q: int
    q_A: np.ndarray
    log_omega: np.ndarray
    probability: np.ndarray

    @property
    def peak(self) -> int:
        return int(self.q_A[np.argmax(self.log_omega)])

    @property
    def mean(self) -> float:
        return float(self.probability @ self.q_A)

    @property
    def std(self) -> float:
        return float(np.sqrt(self.probability @ (self.q_A - self.mean) ** 2))


def two_solids(N_A: int, N_B: int, q: int) -> TwoSolids:
    """Total multiplicity of every split of ``q`` quanta between two solids."""
    q_A = np.arange(q + 1)
    log_omega = log_einstein_multiplicity(N_A, q_A) + log_einstein_multiplicity(N_B, q - q_A)
    w = np.exp(log_omega - log_omega.max())
    return TwoSolids(N_A, N_B, q, q_A, log_omega, w / w.sum())


def exact_two_solids(N_A: int, N_B: int, q: int) -> list[int]:
    """The same multiplicities as exact integers (for small systems and tests)."""
    return [einstein_multiplicity(N_A, a) * einstein_multiplicity(N_B, q - a) for a in range(q + 1)]


def relax(system: TwoSolids, start: int, steps: int) -> np.ndarray:
    r"""Mean :math:`q_A` after each of ``steps`` random moves, starting from ``start``.

    A move proposes :math:`q_A \to q_A \pm 1` (one quantum hops between the
    solids) and accepts with :math:`\min(1, \Omega'/\Omega)` (Metropolis), so the
    multiplicity is the stationary distribution.  The distribution over splits
    is evolved exactly (no sampling), as a master equation.
    """
    q = system.q
    lo = system.log_omega
    p = np.zeros(q + 1)
    p[start] = 1.0
    up = np.zeros(q + 1)
    down = np.zeros(q + 1)
    up[:-1] = 0.5 * np.minimum(1.0, np.exp(lo[1:] - lo[:-1]))
    down[1:] = 0.5 * np.minimum(1.0, np.exp(lo[:-1] - lo[1:]))
    stay = 1.0 - up - down
    means = np.empty(steps + 1)
    means[0] = start
    for t in range(1, steps + 1):
        new = stay * p
        new[1:] += up[:-1] * p[:-1]
        new[:-1] += down[1:] * p[1:]
        p = new
        means[t] = p @ system.q_A
    return means
