r"""Flip probabilities of single-spin updates as integer thresholds.

For a spin :math:`s` whose :math:`z` neighbours sum to :math:`n`, flipping
changes the energy of :math:`H = -J\sum_{\langle ij\rangle} s_i s_j - h\sum_i s_i`
by :math:`\Delta E = 2 s (J n + h)`.  The flip probabilities are

.. math::

    p_\mathrm{Metropolis} = \min(1, e^{-\Delta E/T}),\qquad
    p_\mathrm{heat\text{-}bath} = \frac{1}{1 + e^{\Delta E/T}},

both satisfying detailed balance with respect to the Boltzmann weight
(Metropolis et al., J. Chem. Phys. 21, 1087 (1953), doi:10.1063/1.1699114;
Glauber, J. Math. Phys. 4, 294 (1963), doi:10.1063/1.1703954).
"""

from __future__ import annotations

import numpy as np

from .rng import thresholds

SINGLE_SPIN = ("metropolis", "heat-bath")


def flip_probabilities(algorithm: str, T: float, J: float, h: float, z: int) -> np.ndarray:
    """Array ``p[(s + 1) // 2, (n + z) // 2]`` of flip probabilities, shape ``(2, z + 1)``."""
    s = np.array([-1.0, 1.0])[:, None]
    n = np.arange(-z, z + 1, 2, dtype=np.float64)[None, :]
    dE = 2.0 * s * (J * n + h)
    if algorithm == "metropolis":
        return np.exp(-np.maximum(dE, 0.0) / T)
    if algorithm == "heat-bath":
        return 0.5 * (1.0 - np.tanh(dE / (2.0 * T)))  # = 1 / (1 + exp(dE / T)), no overflow
    raise ValueError(f"unknown single-spin algorithm {algorithm!r}; choose one of {SINGLE_SPIN}")


def flip_thresholds(algorithm: str, T: float, J: float, h: float, z: int) -> np.ndarray:
    """:func:`flip_probabilities` as uint32 thresholds, flattened to length ``2 (z + 1)``."""
    return thresholds(flip_probabilities(algorithm, T, J, h, z)).ravel()
