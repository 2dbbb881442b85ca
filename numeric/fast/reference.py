r"""Plain NumPy checkerboard updates: the reference the fast kernels are measured against.

:func:`plain_checkerboard_sweep` is the NumPy code as usually written -- a
colour mask over the full lattice, neighbour sums with :func:`numpy.roll` and an
``exp`` per site with one float64 uniform per site -- and is the baseline of
``benchmarks/throughput.py``.

:func:`counter_checkerboard_sweep` and :func:`counter_table_sweep` are equally
plain NumPy, but draw the same counter-based random numbers as the fast kernels
(:mod:`numeric.fast.rng`), so the fast kernels must reproduce them bit for bit.

Spins are ``(R, *shape)`` int8 +-1; :math:`H = -J\sum_{\langle ij\rangle} s_i s_j - h \sum_i s_i`.
"""

from __future__ import annotations

import numpy as np

from .rng import draw31_numpy


def _neighbour_sum(spins, axes):
    return sum(np.roll(spins, sh, axis=a) for a in axes for sh in (1, -1))


def plain_checkerboard_sweep(spins, T, J, h, algorithm, rng: np.random.Generator):
    """One Metropolis or heat-bath checkerboard sweep, in place, the plain NumPy way."""
    axes = tuple(range(1, spins.ndim))
    grids = np.indices(spins.shape[1:])
    parity = grids.sum(axis=0) % 2
    for c in (0, 1):
        mask = parity == c
        nsum = _neighbour_sum(spins, axes)
        dE = 2.0 * spins * (J * nsum + h)
        if algorithm == "metropolis":
            p = np.exp(-dE / T)
        else:
            p = 1.0 / (1.0 + np.exp(dE / T))
        flip = mask & (rng.random(spins.shape) < p)
        spins[flip] *= -1
    return spins


def counter_checkerboard_sweep(spins, keys, sweep, table):
    """One square-lattice sweep with the counters of :mod:`numeric.fast.kernels2d`."""
    R, L, _ = spins.shape
    i, x = np.indices((L, L))
    half = L * L // 2
    local = i * (L // 2) + x // 2
    for c in (0, 1):
        nsum = _neighbour_sum(spins, (1, 2)).astype(np.int64)
        mask = (i + x) % 2 == c
        ctr = (2 * sweep + c) * half + local
        for r in range(R):
            u = draw31_numpy(keys[r], ctr)
            s = spins[r].astype(np.int64)
            thr = table[((s + 1) // 2) * 5 + (nsum[r] + 4) // 2]
            spins[r][mask & (u < thr)] *= -1
    return spins


def counter_table_sweep(spins, colours, nbr, keys, sweep, table):
    """One sweep of :func:`numeric.fast.lattice.run_sweeps_table`; ``spins`` is ``(R, n)``."""
    z = nbr.shape[1]
    half = colours.shape[1]
    for c in (0, 1):
        sites = colours[c]
        ctr = (2 * sweep + c) * half + np.arange(half)
        for r in range(spins.shape[0]):
            s = spins[r, sites].astype(np.int64)
            nsum = spins[r][nbr[sites]].astype(np.int64).sum(axis=1)
            thr = table[((s + 1) // 2) * (z + 1) + (nsum + z) // 2]
            flip = draw31_numpy(keys[r], ctr) < thr
            spins[r, sites[flip]] *= -1
    return spins
