r"""Checkerboard kernels for the simple-cubic Ising model, sublattices stored apart.

The 3D twin of :mod:`numeric.fast.kernels2d`.  ``spins[r, c, i, j, k]`` (int8)
holds the site ``(i, j, x)`` of colour ``c`` with ``x = 2 k + ((i + j + c) & 1)``.
Its six neighbours are the colour-``1 - c`` sites ``(i +- 1, j, k)``,
``(i, j +- 1, k)``, ``(i, j, k)`` and ``(i, j, k + d)`` with ``d = +1`` if
``(i + j + c) & 1`` else ``-1`` (periodic, every length even).  A spin flips when
its 31-bit draw is below ``table[(s + 1) // 2, (n + 6) // 2]``
(:func:`numeric.fast.tables.flip_thresholds` with ``z = 6``), with counter
``(2 sweep + c) (L^3 / 2) + (i L + j) (L / 2) + k``: the same numbers, in the
same order, as the neighbour-table kernel of :mod:`numeric.fast.lattice`.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .rng import draw31
from .threads import prefer_workqueue

prefer_workqueue()


@nb.njit(inline="always")
def _pick7(nsum, a):
    if nsum == -6:
        return a[0]
    if nsum == -4:
        return a[1]
    if nsum == -2:
        return a[2]
    if nsum == 0:
        return a[3]
    if nsum == 2:
        return a[4]
    if nsum == 4:
        return a[5]
    return a[6]


@nb.njit(inline="always")
def _update(s8, nsum, minus, plus, key, ctr):
    s = np.int32(s8)
    thr = _pick7(nsum, plus) if s > 0 else _pick7(nsum, minus)
    return np.int8(-s) if draw31(key, ctr) < thr else np.int8(s)


@nb.njit(inline="always")
def _nsum(a, b, e, f, mid, q, qn):
    """The sum of the six neighbours of site ``q`` of a row: ``q`` in the rows ``a``,
    ``b``, ``e``, ``f``, ``mid`` of the other colour, and ``qn`` in ``mid``."""
    return (
        np.int32(a[q])
        + np.int32(b[q])
        + np.int32(e[q])
        + np.int32(f[q])
        + np.int32(mid[q])
        + np.int32(mid[qn])
    )


@nb.njit(inline="always")
def _site(me, a, b, e, f, mid, q, qn, minus, plus, key, row0):
    nsum = _nsum(a, b, e, f, mid, q, qn)
    me[q] = _update(me[q], nsum, minus, plus, key, row0 + np.uint64(q))


@nb.njit(inline="always")
def _row(me, a, b, e, f, mid, lo, hi, off, minus, plus, key, row0):
    for q in range(lo, hi):
        _site(me, a, b, e, f, mid, q, q + off, minus, plus, key, row0)


@nb.njit(inline="always")
def _registers(t):
    return (t[0], t[1], t[2], t[3], t[4], t[5], t[6]), (
        t[7],
        t[8],
        t[9],
        t[10],
        t[11],
        t[12],
        t[13],
    )


# Not inline="always": inlined into the prange loop, numba's array analysis fails
# on the 5D views (IndexError in parfors); LLVM still inlines the call.
@nb.njit(cache=True)
def _update_row(spins, c, keys, base, table, rr):
    minus, plus = _registers(table)
    L = spins.shape[2]
    n = spins.shape[4]
    r = rr // (L * L)
    ij = rr - r * L * L
    i = ij // L
    j = ij - i * L
    me = spins[r, c, i, j]
    oc = 1 - c
    a = spins[r, oc, (i - 1) % L, j]
    b = spins[r, oc, (i + 1) % L, j]
    e = spins[r, oc, i, (j - 1) % L]
    f = spins[r, oc, i, (j + 1) % L]
    mid = spins[r, oc, i, j]
    key = keys[r]
    row0 = base + np.uint64(ij * n)
    if (i + j + c) & 1:  # in-row neighbours q and q + 1
        _row(me, a, b, e, f, mid, 0, n - 1, 1, minus, plus, key, row0)
        _site(me, a, b, e, f, mid, n - 1, 0, minus, plus, key, row0)
    else:  # in-row neighbours q and q - 1
        _site(me, a, b, e, f, mid, 0, n - 1, minus, plus, key, row0)
        _row(me, a, b, e, f, mid, 1, n, -1, minus, plus, key, row0)


@nb.njit(parallel=True, cache=True)
def sweep_colour(spins, c, keys, sweep, table):
    R = spins.shape[0]
    L = spins.shape[2]
    n = spins.shape[4]
    base = np.uint64(2 * sweep + c) * np.uint64(L * L * n)
    for rr in nb.prange(R * L * L):
        _update_row(spins, c, keys, base, table, rr)


@nb.njit(cache=True)
def run_sweeps_parallel(spins, keys, sweep0, nsweeps, table):
    for t in range(nsweeps):
        sweep_colour(spins, 0, keys, sweep0 + t, table)
        sweep_colour(spins, 1, keys, sweep0 + t, table)


@nb.njit(cache=True)
def run_sweeps_serial(spins, keys, sweep0, nsweeps, table):
    R, _, L, _, n = spins.shape
    for t in range(nsweeps):
        for c in range(2):
            base = np.uint64(2 * (sweep0 + t) + c) * np.uint64(L * L * n)
            for rr in range(R * L * L):
                _update_row(spins, c, keys, base, table, rr)


def run_sweeps(spins, keys, sweep0, nsweeps, table):
    """``nsweeps`` sweeps in place, threaded when the lattice is large enough."""
    from .kernels2d import PARALLEL_MIN_SITES

    if spins[:, 0].size >= PARALLEL_MIN_SITES:
        run_sweeps_parallel(spins, keys, sweep0, nsweeps, table)
    else:
        run_sweeps_serial(spins, keys, sweep0, nsweeps, table)


def pack(config: np.ndarray) -> np.ndarray:
    """``(R, L, L, L)`` spins -> ``(R, 2, L, L, L // 2)`` sublattice layout."""
    R, L = config.shape[0], config.shape[1]
    if config.shape[1:] != (L, L, L) or L % 2:
        raise ValueError(
            f"the cubic layout needs an even L x L x L lattice, got {config.shape[1:]}"
        )
    i, j, k = np.indices((L, L, L // 2))
    out = np.empty((R, 2, L, L, L // 2), dtype=np.int8)
    for c in range(2):
        out[:, c] = config[:, i, j, 2 * k + ((i + j + c) & 1)]
    return out


def unpack(packed, xp=np):
    """``(R, 2, L, L, L // 2)`` sublattice layout -> ``(R, L, L, L)`` spins."""
    R, _, L, _, n = packed.shape
    out = xp.empty((R, L, L, 2 * n), dtype=xp.int8)
    for c in range(2):
        for pi in range(2):
            for pj in range(2):
                p = (pi + pj + c) & 1
                out[:, pi::2, pj::2, p::2] = packed[:, c, pi::2, pj::2]
    return out


# -- measurement inside the compiled loop (see numeric.fast.kernels2d) ---------


@nb.njit(cache=True)
def _row_sums(spins, r, ij):
    """``(bond sum of the colour-0 sites of row (i, j), spin sum of the row)``."""
    L = spins.shape[2]
    n = spins.shape[4]
    i = ij // L
    j = ij - i * L
    me = spins[r, 0, i, j]
    a = spins[r, 1, (i - 1) % L, j]
    b = spins[r, 1, (i + 1) % L, j]
    e = spins[r, 1, i, (j - 1) % L]
    f = spins[r, 1, i, (j + 1) % L]
    mid = spins[r, 1, i, j]
    d = 1 if (i + j) & 1 else n - 1  # in-row neighbour q + 1 or q - 1 (mod n)
    bs = np.int32(0)
    ms = np.int32(0)
    for q in range(n):
        s = np.int32(me[q])
        qn = q + d
        if qn >= n:
            qn -= n
        bs += s * _nsum(a, b, e, f, mid, q, qn)
        ms += s + np.int32(mid[q])
    return np.int64(bs), np.int64(ms)


@nb.njit(cache=True)
def sums_serial(spins, bsum, msum, col):
    """Bond sum and spin sum of every replica into ``bsum[r, col]``, ``msum[r, col]``."""
    R = spins.shape[0]
    L = spins.shape[2]
    for r in range(R):
        bt = np.int64(0)
        mt = np.int64(0)
        for ij in range(L * L):
            bi, mi = _row_sums(spins, r, ij)
            bt += bi
            mt += mi
        bsum[r, col] = bt
        msum[r, col] = mt


@nb.njit(cache=True)
def run_measured_serial(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    for k in range(nmeas):
        run_sweeps_serial(spins, keys, sweep0 + k * every, every, table)
        sums_serial(spins, bsum, msum, k)


@nb.njit(cache=True)
def run_measured_parallel(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    for k in range(nmeas):
        run_sweeps_parallel(spins, keys, sweep0 + k * every, every, table)
        sums_serial(spins, bsum, msum, k)


def sums(spins, bsum, msum, col=0):
    """Bond and spin sums of every replica (one thread: a pass over int8 spins costs a
    fraction of a sweep, less than starting threads on a busy machine)."""
    sums_serial(spins, bsum, msum, col)


def run_measured(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    """As :func:`numeric.fast.kernels2d.run_measured` on the cubic layout."""
    from .kernels2d import PARALLEL_MIN_SITES

    if spins[:, 0].size >= PARALLEL_MIN_SITES:
        run_measured_parallel(spins, keys, sweep0, every, nmeas, table, bsum, msum)
    else:
        run_measured_serial(spins, keys, sweep0, every, nmeas, table, bsum, msum)


from ..kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
