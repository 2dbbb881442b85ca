r"""Periodic hypercubic lattices as neighbour tables, and the generic checkerboard kernel.

Sites are flat indices in C order over ``shape``.  ``forward[k, a]`` is the
neighbour of site ``k`` one step along axis ``a`` (so each bond ``(k,
forward[k, a])`` appears once, as in :func:`derive.finite.bonds`; on a
length-2 axis the two bonds between the same pair both appear), and
``neighbours[k]`` lists the ``2 d`` neighbours (forward, then backward).

The generic kernel updates the ring (``ising1d``, even length) and the cubic
lattice (``ising3d``, even lengths) colour by colour like
:mod:`numeric.fast.kernels2d`, through the neighbour table.  A ring of odd length
is not bipartite and has no checkerboard; it is refused here (the reference
samplers in :mod:`numeric.samplers` colour it with three colours).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .rng import draw31
from .threads import prefer_workqueue

prefer_workqueue()


def forward_neighbours(shape) -> np.ndarray:
    """``(n, d)`` int32: the neighbour one step forward along each axis (periodic)."""
    shape = tuple(int(s) for s in shape)
    index = np.arange(int(np.prod(shape))).reshape(shape)
    cols = [np.roll(index, -1, axis=a).ravel() for a in range(len(shape))]
    return np.stack(cols, axis=1).astype(np.int32)


def neighbours(shape) -> np.ndarray:
    """``(n, 2 d)`` int32: all neighbours (forward along each axis, then backward)."""
    shape = tuple(int(s) for s in shape)
    index = np.arange(int(np.prod(shape))).reshape(shape)
    cols = [np.roll(index, -1, axis=a).ravel() for a in range(len(shape))]
    cols += [np.roll(index, 1, axis=a).ravel() for a in range(len(shape))]
    return np.stack(cols, axis=1).astype(np.int32)


def colour_sites(shape) -> np.ndarray:
    """``(2, n // 2)`` int32: the sites of each colour (parity of the coordinate sum)."""
    shape = tuple(int(s) for s in shape)
    if any(s % 2 for s in shape):
        raise NotImplementedError(
            f"the fast checkerboard needs even lengths (a bipartite lattice), got shape {shape}"
        )
    grids = np.meshgrid(*[np.arange(s) for s in shape], indexing="ij")
    colour = (sum(grids) % 2).ravel()
    return np.stack([np.flatnonzero(colour == c) for c in (0, 1)]).astype(np.int32)


@nb.njit(inline="always")
def _update_chunk(spins, sites, nbr, c, keys, base, table, r, lo, hi):
    z = nbr.shape[1]
    key = keys[r]
    sp = spins[r]
    for k in range(lo, hi):
        site = sites[c, k]
        nsum = 0
        for a in range(z):
            nsum += sp[nbr[site, a]]
        s = np.int32(sp[site])
        thr = table[((s + 1) >> 1) * (z + 1) + ((nsum + z) >> 1)]
        if draw31(key, base + np.uint64(k)) < thr:
            sp[site] = np.int8(-s)


CHUNK = 256


@nb.njit(parallel=True, cache=True)
def sweep_colour_table(spins, sites, nbr, c, keys, sweep, table):
    """Update the colour-``c`` sites of every replica; ``spins`` is ``(R, n)`` int8.

    Counter of the ``k``-th site of colour ``c``: ``(2 sweep + c) (n / 2) + k``.
    """
    R = spins.shape[0]
    half = sites.shape[1]
    base = np.uint64(2 * sweep + c) * np.uint64(half)
    nchunks = (half + CHUNK - 1) // CHUNK
    for task in nb.prange(R * nchunks):
        r = task // nchunks
        lo = (task - r * nchunks) * CHUNK
        _update_chunk(spins, sites, nbr, c, keys, base, table, r, lo, min(lo + CHUNK, half))


@nb.njit(cache=True)
def run_sweeps_table_parallel(spins, sites, nbr, keys, sweep0, nsweeps, table):
    for t in range(nsweeps):
        sweep_colour_table(spins, sites, nbr, 0, keys, sweep0 + t, table)
        sweep_colour_table(spins, sites, nbr, 1, keys, sweep0 + t, table)


@nb.njit(cache=True)
def run_sweeps_table_serial(spins, sites, nbr, keys, sweep0, nsweeps, table):
    half = sites.shape[1]
    for t in range(nsweeps):
        for c in range(2):
            base = np.uint64(2 * (sweep0 + t) + c) * np.uint64(half)
            for r in range(spins.shape[0]):
                _update_chunk(spins, sites, nbr, c, keys, base, table, r, 0, half)


def run_sweeps_table(spins, sites, nbr, keys, sweep0, nsweeps, table):
    """``nsweeps`` sweeps in place (threaded from ``PARALLEL_MIN_SITES`` sites per colour)."""
    from .kernels2d import PARALLEL_MIN_SITES

    if spins.shape[0] * sites.shape[1] >= PARALLEL_MIN_SITES:
        run_sweeps_table_parallel(spins, sites, nbr, keys, sweep0, nsweeps, table)
    else:
        run_sweeps_table_serial(spins, sites, nbr, keys, sweep0, nsweeps, table)


# -- measurement inside the compiled loop -------------------------------------


@nb.njit(inline="always")
def bond_spin_sums(sp, nbr, d):
    """``(sum_i s_i sum_{a < d} s_{nbr[i, a]}, sum_i s_i)`` of one replica ``sp`` (n,):
    each bond once through its forward neighbour (the first ``d`` columns of
    :func:`neighbours`; a length-2 axis lists its pair twice, as the bond list does)."""
    b = np.int64(0)
    m = np.int64(0)
    for i in range(sp.shape[0]):
        s = np.int64(sp[i])
        t = np.int64(0)
        for a in range(d):
            t += sp[nbr[i, a]]
        b += s * t
        m += s
    return b, m


@nb.njit(cache=True)
def sums_table(spins, nbr, d, bsum, msum, col):
    """Bond and spin sums of every replica of ``spins`` ``(R, n)`` into column ``col``."""
    for r in range(spins.shape[0]):
        bsum[r, col], msum[r, col] = bond_spin_sums(spins[r], nbr, d)


@nb.njit(cache=True)
def run_measured_table_serial(spins, sites, nbr, keys, sweep0, every, nmeas, table, bsum, msum):
    d = nbr.shape[1] // 2
    for k in range(nmeas):
        run_sweeps_table_serial(spins, sites, nbr, keys, sweep0 + k * every, every, table)
        sums_table(spins, nbr, d, bsum, msum, k)


@nb.njit(cache=True)
def run_measured_table_parallel(spins, sites, nbr, keys, sweep0, every, nmeas, table, bsum, msum):
    d = nbr.shape[1] // 2
    for k in range(nmeas):
        run_sweeps_table_parallel(spins, sites, nbr, keys, sweep0 + k * every, every, table)
        sums_table(spins, nbr, d, bsum, msum, k)


def run_measured_table(spins, sites, nbr, keys, sweep0, every, nmeas, table, bsum, msum):
    """As :func:`run_sweeps_table` with ``every * nmeas`` sweeps, the bond and spin sums of
    every replica written to column ``k`` after sweep ``(k + 1) every``."""
    from .kernels2d import PARALLEL_MIN_SITES

    args = (spins, sites, nbr, keys, sweep0, every, nmeas, table, bsum, msum)
    if spins.shape[0] * sites.shape[1] >= PARALLEL_MIN_SITES:
        run_measured_table_parallel(*args)
    else:
        run_measured_table_serial(*args)


from ..kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
