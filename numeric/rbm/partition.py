r"""Exact log partition functions of restricted Boltzmann machines.

Summing out one layer analytically leaves a sum over the other layer's
:math:`2^n` configurations; :func:`log_partition` enumerates the smaller layer
(up to :data:`MAX_ENUMERATED` units), in batches, in the namespace of the machine's
arrays (NumPy or CuPy):

.. math::

    \log Z = \log \sum_h \exp\Big(c\cdot h + \sum_i \operatorname{softplus}(b_i + (W h)_i)\Big)
           = \log \sum_v e^{-F(v)} .

:func:`brute_force_log_partition` sums over both layers, for tests.
"""

from __future__ import annotations

import math

import numpy as np

from .machine import RBM, free_energy, hidden_free_energy

#: Largest layer enumerated (2**24 configurations).
MAX_ENUMERATED = 24
#: Configurations per batch.
BATCH = 1 << 14


def configurations(n: int, start: int, stop: int, xp):
    """Rows ``start .. stop-1`` of the ``2**n`` 0/1 configurations (bit ``k`` of the row
    index is unit ``k``), as floats."""
    index = xp.arange(start, stop, dtype=xp.int64)
    bits = (index[:, None] >> xp.arange(n, dtype=xp.int64)[None, :]) & 1
    return bits.astype(xp.float64)


def _logsumexp(values, xp) -> float:
    top = float(xp.max(values))
    return top + math.log(float(xp.sum(xp.exp(values - top))))


def log_partition(rbm: RBM, max_units: int = MAX_ENUMERATED, batch: int = BATCH) -> float:
    """The exact :math:`\\log Z`, enumerating the smaller layer in batches.

    Raises ``ValueError`` when both layers have more than ``max_units`` units (use
    :func:`statmech.numeric.rbm.ais.ais_log_partition`)."""
    xp = rbm.xp
    n = min(rbm.n_visible, rbm.n_hidden)
    if n > max_units:
        raise ValueError(
            f"exact log Z enumerates 2^{n} configurations of the smaller layer, more than "
            f"2^{max_units}; use AIS (ais_log_partition) for this machine"
        )
    over_hidden = rbm.n_hidden <= rbm.n_visible
    parts = []
    total = 1 << n
    for start in range(0, total, batch):
        conf = configurations(n, start, min(start + batch, total), xp)
        f = hidden_free_energy(rbm, conf) if over_hidden else free_energy(rbm, conf)
        parts.append(_logsumexp(-f, xp))
    return _logsumexp(xp.asarray(parts), xp) if len(parts) > 1 else parts[0]


def log_likelihood(rbm: RBM, data, log_z: float | None = None):
    """:math:`\\log p(v) = -F(v) - \\log Z` for each row of ``data`` (exact unless
    ``log_z`` is given, e.g. from AIS)."""
    log_z = log_partition(rbm) if log_z is None else log_z
    return -free_energy(rbm, data) - log_z


def brute_force_log_partition(rbm: RBM) -> float:
    """:math:`\\log Z` by summing :math:`e^{-E(v, h)}` over both layers (small machines
    only: at most 22 units in all), independently of the free energies."""
    nv, nh = rbm.n_visible, rbm.n_hidden
    if nv + nh > 22:
        raise ValueError(f"brute force over 2^{nv + nh} configurations is too many; at most 2^22")
    W, b, c = (np.asarray(x, dtype=np.float64) for x in rbm.to_numpy().values())
    v = configurations(nv, 0, 1 << nv, np)
    h = configurations(nh, 0, 1 << nh, np)
    # -E for every pair (v, h): b.v + c.h + v W h
    minus_e = (v @ b)[:, None] + (h @ c)[None, :] + v @ W @ h.T
    top = minus_e.max()
    return float(top + np.log(np.exp(minus_e - top).sum()))
