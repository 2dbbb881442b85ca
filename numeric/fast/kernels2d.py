r"""Checkerboard kernels for the square-lattice Ising model, sublattices stored apart.

Layout: ``spins[r, c, i, j]`` (int8, +-1) holds replica ``r``, colour ``c``,
row ``i`` and packed column ``j`` of the site ``(i, x)`` with
``x = 2 j + ((i + c) & 1)``, so that ``(i + x) & 1 == c``.  The four
neighbours of a colour-``c`` site are the colour-``1 - c`` sites
``(i - 1, j)``, ``(i + 1, j)``, ``(i, j)`` and ``(i, j + d)`` with
``d = +1`` if ``(i + c) & 1`` else ``-1`` (all periodic).  Sites of one colour
do not interact, so a whole colour is updated at once; this is exact on the
bipartite L x L torus (L even).

A spin ``s`` with neighbour sum ``n`` flips when the 31-bit draw ``u`` (see
:mod:`numeric.fast.rng`) is below ``table[(s + 1) // 2, (n + 4) // 2]``
(:func:`numeric.fast.tables.flip_thresholds`).  The random counter of a site is
``(2 * sweep + c) * (L * L / 2) + i * (L / 2) + j`` with one key per replica, so
results do not depend on the number of threads.  The inner loop has no table
gather (the ten thresholds live in registers and are picked by selects), which
lets LLVM vectorise it: about 1 ns per site and core on an AVX-512 CPU.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .packing import PARALLEL_MIN_SITES, pack, unpack  # noqa: F401 - re-exported
from .rng import draw31
from .threads import prefer_workqueue

prefer_workqueue()


@nb.njit(inline="always")
def _pick(nsum, a0, a1, a2, a3, a4):
    if nsum == -4:
        return a0
    if nsum == -2:
        return a1
    if nsum == 0:
        return a2
    if nsum == 2:
        return a3
    return a4


@nb.njit(inline="always")
def _update(s8, nsum, t, key, ctr):
    s = np.int32(s8)
    if s > 0:
        thr = _pick(nsum, t[5], t[6], t[7], t[8], t[9])
    else:
        thr = _pick(nsum, t[0], t[1], t[2], t[3], t[4])
    u = draw31(key, ctr)
    return np.int8(-s) if u < thr else np.int8(s)


@nb.njit(inline="always")
def _row(me, up, dn, mid, lo, hi, off, t, key, row0):
    for j in range(lo, hi):
        nsum = np.int32(up[j]) + np.int32(dn[j]) + np.int32(mid[j]) + np.int32(mid[j + off])
        me[j] = _update(me[j], nsum, t, key, row0 + np.uint64(j))


@nb.njit(inline="always")
def _update_row(spins, c, keys, base, t, rr):
    L = spins.shape[2]
    n = spins.shape[3]
    r = rr // L
    i = rr - r * L
    me = spins[r, c, i]
    up = spins[r, 1 - c, (i - 1) % L]
    dn = spins[r, 1 - c, (i + 1) % L]
    mid = spins[r, 1 - c, i]
    key = keys[r]
    row0 = base + np.uint64(i * n)
    if (i + c) & 1:  # neighbours j and j + 1
        _row(me, up, dn, mid, 0, n - 1, 1, t, key, row0)
        j = n - 1
        nsum = np.int32(up[j]) + np.int32(dn[j]) + np.int32(mid[j]) + np.int32(mid[0])
        me[j] = _update(me[j], nsum, t, key, row0 + np.uint64(j))
    else:  # neighbours j and j - 1
        nsum = np.int32(up[0]) + np.int32(dn[0]) + np.int32(mid[0]) + np.int32(mid[n - 1])
        me[0] = _update(me[0], nsum, t, key, row0)
        _row(me, up, dn, mid, 1, n, -1, t, key, row0)


@nb.njit(inline="always")
def _registers(table):
    return (
        table[0],
        table[1],
        table[2],
        table[3],
        table[4],
        table[5],
        table[6],
        table[7],
        table[8],
        table[9],
    )


@nb.njit(parallel=True, cache=True)
def sweep_colour(spins, c, keys, sweep, table):
    """Update every colour-``c`` site of every replica once (in place), rows in parallel."""
    R, _, L, n = spins.shape
    t = _registers(table)
    base = np.uint64(2 * sweep + c) * np.uint64(L * n)
    for rr in nb.prange(R * L):
        _update_row(spins, c, keys, base, t, rr)


@nb.njit(cache=True)
def run_sweeps_parallel(spins, keys, sweep0, nsweeps, table):
    """``nsweeps`` full sweeps (colour 0 then colour 1), sweeps numbered from ``sweep0``."""
    for k in range(nsweeps):
        sweep_colour(spins, 0, keys, sweep0 + k, table)
        sweep_colour(spins, 1, keys, sweep0 + k, table)


@nb.njit(cache=True)
def run_sweeps_serial(spins, keys, sweep0, nsweeps, table):
    """As :func:`run_sweeps_parallel` on one thread (same numbers, no thread start-up)."""
    R, _, L, n = spins.shape
    t = _registers(table)
    for k in range(nsweeps):
        for c in range(2):
            base = np.uint64(2 * (sweep0 + k) + c) * np.uint64(L * n)
            for rr in range(R * L):
                _update_row(spins, c, keys, base, t, rr)


def run_sweeps(spins, keys, sweep0, nsweeps, table):
    """``nsweeps`` sweeps in place, threaded when the lattice is large enough."""
    R, _, L, n = spins.shape
    if R * L * n >= PARALLEL_MIN_SITES:
        run_sweeps_parallel(spins, keys, sweep0, nsweeps, table)
    else:
        run_sweeps_serial(spins, keys, sweep0, nsweeps, table)


# -- measurement inside the compiled loop ------------------------------------
#
# Every bond of the torus joins a colour-0 site to a colour-1 site, so the bond
# sum is the sum over the colour-0 sites of ``s * (sum of its four neighbours)``;
# on an axis of length 2 a pair is joined twice and counted twice, as in
# :meth:`statmech.numeric.compiled.CompiledModel.bond_energy`.


@nb.njit(inline="always")
def _row_sums(spins, r, i):
    """``(bond sum of the colour-0 sites of row i, spin sum of row i)`` of replica ``r``."""
    L = spins.shape[2]
    n = spins.shape[3]
    me = spins[r, 0, i]
    mid = spins[r, 1, i]
    up = spins[r, 1, (i - 1) % L]
    dn = spins[r, 1, (i + 1) % L]
    b = np.int32(0)
    m = np.int32(0)
    for j in range(n):
        s = np.int32(me[j])
        b += s * (np.int32(up[j]) + np.int32(dn[j]) + np.int32(mid[j]))
        m += s + np.int32(mid[j])
    if i & 1:  # colour 0 at odd x: in-row neighbours j and j + 1
        for j in range(n - 1):
            b += np.int32(me[j]) * np.int32(mid[j + 1])
        b += np.int32(me[n - 1]) * np.int32(mid[0])
    else:  # colour 0 at even x: in-row neighbours j and j - 1
        b += np.int32(me[0]) * np.int32(mid[n - 1])
        for j in range(1, n):
            b += np.int32(me[j]) * np.int32(mid[j - 1])
    return np.int64(b), np.int64(m)


@nb.njit(cache=True)
def sums_serial(spins, bsum, msum, col):
    """Bond sum and spin sum of every replica into ``bsum[r, col]``, ``msum[r, col]`` (int64)."""
    R, _, L, _ = spins.shape
    for r in range(R):
        b = np.int64(0)
        m = np.int64(0)
        for i in range(L):
            bi, mi = _row_sums(spins, r, i)
            b += bi
            m += mi
        bsum[r, col] = b
        msum[r, col] = m


@nb.njit(inline="always")
def _row_measured(me, up, dn, mid, lo, hi, off, t, key, row0):
    """As :func:`_row`, returning the new spins' bond sum with their neighbours and the
    spin sum of both colours over ``lo <= j < hi``."""
    b = np.int32(0)
    m = np.int32(0)
    for j in range(lo, hi):
        nsum = np.int32(up[j]) + np.int32(dn[j]) + np.int32(mid[j]) + np.int32(mid[j + off])
        s = _update(me[j], nsum, t, key, row0 + np.uint64(j))
        me[j] = s
        b += np.int32(s) * nsum
        m += np.int32(s) + np.int32(mid[j])
    return b, m


@nb.njit(inline="always")
def _update_row_measured(spins, keys, base, t, rr):
    """Update the colour-1 sites of row ``rr`` (as :func:`_update_row`) and return the bond
    sum of the row's colour-1 sites and the spin sum of the row.  Every neighbour of a
    colour-1 site has colour 0, so after the colour-0 half of a sweep this counts every
    bond of the row's colour-1 sites once, at their final values."""
    L = spins.shape[2]
    n = spins.shape[3]
    r = rr // L
    i = rr - r * L
    me = spins[r, 1, i]
    up = spins[r, 0, (i - 1) % L]
    dn = spins[r, 0, (i + 1) % L]
    mid = spins[r, 0, i]
    key = keys[r]
    row0 = base + np.uint64(i * n)
    if (i + 1) & 1:  # neighbours j and j + 1
        b, m = _row_measured(me, up, dn, mid, 0, n - 1, 1, t, key, row0)
        b2, m2 = _row_measured(me, up, dn, mid, n - 1, n, 1 - n, t, key, row0)
    else:  # neighbours j and j - 1
        b2, m2 = _row_measured(me, up, dn, mid, 0, 1, n - 1, t, key, row0)
        b, m = _row_measured(me, up, dn, mid, 1, n, -1, t, key, row0)
    return np.int64(b + b2), np.int64(m + m2)


@nb.njit(parallel=True, cache=True)
def _sweep_measured_parallel(spins, keys, sweep, table, pb, pm):
    """Colour 1 of sweep ``sweep`` (rows in parallel), the rows' sums into ``pb``, ``pm``."""
    R, _, L, n = spins.shape
    t = _registers(table)
    base = np.uint64(2 * sweep + 1) * np.uint64(L * n)
    for rr in nb.prange(R * L):
        pb[rr], pm[rr] = _update_row_measured(spins, keys, base, t, rr)


@nb.njit(cache=True)
def run_measured_serial(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    """``nmeas`` times: ``every`` sweeps, the last one summing the bonds and spins of every
    replica as it updates its colour-1 sites, into column ``k`` (one thread)."""
    R, _, L, n = spins.shape
    t = _registers(table)
    for k in range(nmeas):
        last = sweep0 + (k + 1) * every - 1
        run_sweeps_serial(spins, keys, sweep0 + k * every, every - 1, table)
        base = np.uint64(2 * last) * np.uint64(L * n)
        for rr in range(R * L):
            _update_row(spins, 0, keys, base, t, rr)
        base = np.uint64(2 * last + 1) * np.uint64(L * n)
        for r in range(R):
            b = np.int64(0)
            m = np.int64(0)
            for i in range(L):
                bi, mi = _update_row_measured(spins, keys, base, t, r * L + i)
                b += bi
                m += mi
            bsum[r, k] = b
            msum[r, k] = m


@nb.njit(cache=True)
def run_measured_parallel(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    """As :func:`run_measured_serial` with the threaded half sweeps (integer sums of
    per-row partial sums: the same numbers)."""
    R, _, L, _ = spins.shape
    pb = np.empty(R * L, dtype=np.int64)
    pm = np.empty(R * L, dtype=np.int64)
    for k in range(nmeas):
        last = sweep0 + (k + 1) * every - 1
        run_sweeps_parallel(spins, keys, sweep0 + k * every, every - 1, table)
        sweep_colour(spins, 0, keys, last, table)
        _sweep_measured_parallel(spins, keys, last, table, pb, pm)
        for r in range(R):
            bsum[r, k] = pb[r * L : (r + 1) * L].sum()
            msum[r, k] = pm[r * L : (r + 1) * L].sum()


def sums(spins, bsum, msum, col=0):
    """Bond and spin sums of every replica (one thread: a pass over int8 spins costs a
    fraction of a sweep, less than starting threads on a busy machine)."""
    sums_serial(spins, bsum, msum, col)


def run_measured(spins, keys, sweep0, every, nmeas, table, bsum, msum):
    """``nmeas`` measurements ``every`` sweeps apart, in place: the same sweeps (and
    random numbers) as :func:`run_sweeps` with ``every * nmeas`` sweeps, with the bond
    and spin sums of every replica written to ``bsum[:, k]``, ``msum[:, k]`` after
    sweep ``(k + 1) every``."""
    R, _, L, n = spins.shape
    if R * L * n >= PARALLEL_MIN_SITES:
        run_measured_parallel(spins, keys, sweep0, every, nmeas, table, bsum, msum)
    else:
        run_measured_serial(spins, keys, sweep0, every, nmeas, table, bsum, msum)


from ..kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
