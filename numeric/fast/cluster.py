r"""Wolff and Swendsen-Wang cluster updates for the ferromagnetic Ising model (h = 0).

Bonds between equal neighbouring spins are activated with probability
:math:`p = 1 - e^{-2J/T}` (Fortuin-Kasteleyn); Swendsen-Wang flips every
cluster of active bonds with probability 1/2 (R. H. Swendsen and J.-S. Wang,
Phys. Rev. Lett. 58, 86 (1987), doi:10.1103/PhysRevLett.58.86), Wolff grows one
cluster from a random site and flips it (U. Wolff, Phys. Rev. Lett. 62, 361
(1989), doi:10.1103/PhysRevLett.62.361).  A bond listed twice (an axis of
length 2) gets two chances, i.e. the probability ``1 - e^{-4J/T}`` of a
coupling ``2J``, as it should.

Randomness is counter-based (:mod:`numeric.fast.rng`).  With ``h = ceil(d / 2)``,
Swendsen-Wang sweep ``t`` draws the bonds ``2b`` and ``2b + 1`` of site ``k``
from the two halves of the hash at counter ``t (n h + n) + k h + b``, and the
flip of the cluster whose root (smallest site) is ``k`` from counter
``t (n h + n) + n h + k``.
Wolff keeps one running counter per replica (``counters[r]``): each cluster
takes the counter of its seed draw, then every site of the cluster, in the
order the sites joined it (first in, first out), takes ``d`` consecutive
counters, whose hashes give the ``2 d`` bond draws to its neighbours in the
order of :func:`numeric.fast.lattice.neighbours`.

A Wolff *sweep* is a fixed number of clusters, chosen before sampling from the
parameters alone (:func:`mean_cluster_size`), so that a sweep flips about ``n``
spins.  The number must not depend on the run itself: "clusters until ``n``
spins have flipped" is a stopping rule that favours states reached by large
clusters, and it biases the measured energy (a test shows it on a 4 x 4 torus).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .lattice import bond_spin_sums
from .rng import draw31, draw31x2
from .threads import prefer_workqueue

prefer_workqueue()

#: Replicas run on parallel threads only above this much work (sites x sweeps):
#: starting a parallel region costs of the order of 100 microseconds.
PARALLEL_MIN_WORK = 1 << 18


@nb.njit(inline="always")
def _find(parent, i):
    """The root of ``i``, halving the path on the way (every other node skips a level)."""
    while parent[i] != i:
        g = parent[parent[i]]
        parent[i] = g
        i = g
    return i


@nb.njit(inline="always")
def _flip_clusters(sp, parent, flip, key, flipbase):
    """Flip every cluster whose root's draw says so.  Parents point to smaller sites, so
    a root is the smallest site of its cluster and, sites taken in order,
    ``parent[parent[i]]`` is already ``i``'s root."""
    for i in range(sp.shape[0]):
        p = parent[i]
        if p == i:
            flip[i] = draw31(key, flipbase + np.uint64(i)) < np.uint32(1 << 30)
            root = i
        else:
            root = parent[p]
            parent[i] = root
        if flip[root]:
            sp[i] = -sp[i]


@nb.njit(inline="always")
def _link(parent, ri, rj):
    """Join the clusters of the roots ``ri`` and ``rj`` under the smaller; returns it."""
    if ri < rj:
        parent[rj] = ri
    elif rj < ri:
        parent[ri] = rj
        return rj
    return ri


@nb.njit(inline="always")
def _union(parent, i, j):
    _link(parent, _find(parent, i), _find(parent, j))


@nb.njit(inline="always")
def _swendsen_wang_replica(sp, parent, flip, fwd, key, sweep0, nsweeps, thr):
    n = sp.shape[0]
    d = fwd.shape[1]
    h = (d + 1) >> 1  # hashes per site: two bond draws each
    for t in range(nsweeps):
        base = np.uint64(sweep0 + t) * np.uint64(n * h + n)
        for i in range(n):
            parent[i] = i
        for i in range(n):
            si = sp[i]
            ri = -1  # the root of i's cluster, found at its first active bond
            for b in range(h):
                u0, u1 = draw31x2(key, base + np.uint64(i * h + b))
                for a in range(2 * b, min(2 * b + 2, d)):
                    u = u0 if a == 2 * b else u1
                    j = fwd[i, a]
                    if sp[j] == si and u < thr:
                        if ri < 0:
                            ri = _find(parent, i)
                        ri = _link(parent, ri, _find(parent, j))
        _flip_clusters(sp, parent, flip, key, base + np.uint64(n * h))


@nb.njit(inline="always")
def _swendsen_wang_square(sp, parent, flip, L, key, sweep0, nsweeps, thr):
    """As :func:`_swendsen_wang_replica` on an L x L torus (the same bonds, clusters,
    roots and numbers), the interior bonds joined without branching on them.

    Sites in order: the right bond of site ``i`` links the two roots (the smaller
    kept, by selects), and the far end ``i + L`` of the down bond is still its own
    root (every link so far went to a site at most ``i + 1``), so it just takes
    ``i``'s root.  The bonds that wrap around come after, by plain unions: the
    partition and its smallest sites do not depend on the order of the unions.
    """
    n = sp.shape[0]
    for t in range(nsweeps):
        base = np.uint64(sweep0 + t) * np.uint64(2 * n)  # one hash per site (d = 2)
        for i in range(n):
            parent[i] = i
        for y in range(L):
            for x in range(L):
                i = y * L + x
                u0, u1 = draw31x2(key, base + np.uint64(i))  # down, right
                si = sp[i]
                ri = _find(parent, i)
                if x < L - 1:
                    j = i + 1
                    act = (sp[j] == si) & (u1 < thr)
                    rj = _find(parent, j)
                    lo = min(ri, rj)
                    hi = max(ri, rj)
                    parent[hi] = lo if act else parent[hi]
                    ri = lo if act else ri
                if y < L - 1:
                    j = i + L
                    act = (sp[j] == si) & (u0 < thr)
                    parent[j] = ri if act else j
        for y in range(L):  # right bonds of the last column, to column 0
            i = y * L + L - 1
            _, u1 = draw31x2(key, base + np.uint64(i))
            if sp[y * L] == sp[i] and u1 < thr:
                _union(parent, i, y * L)
        for x in range(L):  # down bonds of the last row, to row 0
            i = (L - 1) * L + x
            u0, _ = draw31x2(key, base + np.uint64(i))
            if sp[x] == sp[i] and u0 < thr:
                _union(parent, i, x)
        _flip_clusters(sp, parent, flip, key, base + np.uint64(n))


@nb.njit(inline="always")
def _swendsen_wang_any(sp, parent, flip, fwd, L, key, sweep0, nsweeps, thr):
    if L > 0:
        _swendsen_wang_square(sp, parent, flip, L, key, sweep0, nsweeps, thr)
    else:
        _swendsen_wang_replica(sp, parent, flip, fwd, key, sweep0, nsweeps, thr)


@nb.njit(parallel=True, cache=True)
def _swendsen_wang_parallel(spins, fwd, L, keys, sweep0, nsweeps, thr):
    for r in nb.prange(spins.shape[0]):
        parent = np.empty(spins.shape[1], dtype=np.int32)
        flip = np.empty(spins.shape[1], dtype=np.bool_)
        _swendsen_wang_any(spins[r], parent, flip, fwd, L, keys[r], sweep0, nsweeps, thr)


@nb.njit(cache=True)
def _swendsen_wang_serial(spins, fwd, L, keys, sweep0, nsweeps, thr):
    parent = np.empty(spins.shape[1], dtype=np.int32)
    flip = np.empty(spins.shape[1], dtype=np.bool_)
    for r in range(spins.shape[0]):
        _swendsen_wang_any(spins[r], parent, flip, fwd, L, keys[r], sweep0, nsweeps, thr)


def swendsen_wang_sweeps(spins, fwd, keys, sweep0, nsweeps, thr, square_L=0):
    """``nsweeps`` Swendsen-Wang updates of ``spins`` ``(R, n)`` int8 in place
    (``square_L > 0``: an ``L x L`` torus, by :func:`_swendsen_wang_square`)."""
    args = (spins, fwd, square_L, keys, sweep0, nsweeps, thr)
    if spins.shape[0] > 1 and spins.size * nsweeps >= PARALLEL_MIN_WORK:
        _swendsen_wang_parallel(*args)
    else:
        _swendsen_wang_serial(*args)


@nb.njit(inline="always")
def _swendsen_wang_measured(sp, parent, flip, fwd, L, key, sweep0, every, nmeas, thr, b, m):
    d = fwd.shape[1]
    for k in range(nmeas):
        _swendsen_wang_any(sp, parent, flip, fwd, L, key, sweep0 + k * every, every, thr)
        b[k], m[k] = bond_spin_sums(sp, fwd, d)


@nb.njit(parallel=True, cache=True)
def _swendsen_wang_measured_parallel(spins, fwd, L, keys, sweep0, every, nmeas, thr, bsum, msum):
    for r in nb.prange(spins.shape[0]):
        parent = np.empty(spins.shape[1], dtype=np.int32)
        flip = np.empty(spins.shape[1], dtype=np.bool_)
        _swendsen_wang_measured(
            spins[r], parent, flip, fwd, L, keys[r], sweep0, every, nmeas, thr, bsum[r], msum[r]
        )


@nb.njit(cache=True)
def _swendsen_wang_measured_serial(spins, fwd, L, keys, sweep0, every, nmeas, thr, bsum, msum):
    parent = np.empty(spins.shape[1], dtype=np.int32)
    flip = np.empty(spins.shape[1], dtype=np.bool_)
    for r in range(spins.shape[0]):
        _swendsen_wang_measured(
            spins[r], parent, flip, fwd, L, keys[r], sweep0, every, nmeas, thr, bsum[r], msum[r]
        )


def swendsen_wang_measured(spins, fwd, keys, sweep0, every, nmeas, thr, bsum, msum, square_L=0):
    """As :func:`swendsen_wang_sweeps` with ``every * nmeas`` sweeps, the bond and spin
    sums of replica ``r`` written to ``bsum[r, k]``, ``msum[r, k]`` after sweep
    ``(k + 1) every`` (replicas on parallel threads when there is enough work)."""
    args = (spins, fwd, square_L, keys, sweep0, every, nmeas, thr, bsum, msum)
    if spins.shape[0] > 1 and spins.size * every * nmeas >= PARALLEL_MIN_WORK:
        _swendsen_wang_measured_parallel(*args)
    else:
        _swendsen_wang_measured_serial(*args)


ONE = np.uint64(1)
ZERO = np.uint64(0)


@nb.njit(inline="always")
def _visit(sp, queue, tail, j, old, accept):
    """Queue and flip ``j`` iff it is aligned with the cluster and the bond is active.

    Branch-free: ``j`` is always written at ``queue[tail]`` (kept only if added)
    and the spin is stored back either way (``s ^ -2`` negates +-1 in int8).
    """
    s = sp[j]
    add = (s == old) & accept
    queue[tail] = np.uint32(j)
    sp[j] = s ^ (np.int8(-2) * np.int8(add))
    return tail + np.uint64(add)


@nb.njit(inline="always")
def _seed(sp, queue, key, ctr):
    n = np.uint64(sp.shape[0])
    u = np.uint64(draw31(key, ctr))
    seed = (u * n) >> np.uint64(31)
    old = sp[seed]
    sp[seed] = -old
    queue[0] = np.uint32(seed)
    return old


@nb.njit(inline="always")
def _wolff_replica(sp, queue, nbr, key, ctr, nclusters, thr):
    z = nbr.shape[1]
    done = 0
    for _ in range(nclusters):
        old = _seed(sp, queue, key, ctr)
        ctr += ONE
        head = ZERO
        tail = ONE
        while head < tail:
            i = np.uint64(queue[head])
            head += ONE
            # branch-free: a draw per neighbour (two per hash), queue j iff aligned and active
            for b in range(0, z, 2):
                u0, u1 = draw31x2(key, ctr + np.uint64(b >> 1))
                tail = _visit(sp, queue, tail, np.uint64(nbr[i, b]), old, u0 < thr)
                tail = _visit(sp, queue, tail, np.uint64(nbr[i, b + 1]), old, u1 < thr)
            ctr += np.uint64(z >> 1)
        done += np.int64(tail)
    return ctr, done


@nb.njit(inline="always")
def _wolff_replica_square(sp, queue, L, key, ctr, nclusters, thr):
    """As :func:`_wolff_replica` on an L x L torus, neighbours by arithmetic (no table).

    For L a power of two the wrap-around is a bit mask; otherwise a comparison
    (and one division for the column).  Indices are unsigned, so numba emits no
    negative-index wrap-around code.
    """
    n = np.uint64(sp.shape[0])
    LL = np.uint64(L)
    pow2 = (LL & (LL - ONE)) == ZERO
    nmask = n - ONE
    xmask = LL - ONE
    ymask = ~xmask
    done = 0
    for _ in range(nclusters):
        old = _seed(sp, queue, key, ctr)
        ctr += ONE
        head = ZERO
        tail = ONE
        while head < tail:
            i = np.uint64(queue[head])
            head += ONE
            u0, u1 = draw31x2(key, ctr)
            u2, u3 = draw31x2(key, ctr + ONE)
            ctr += np.uint64(2)
            # same neighbour order as lattice.neighbours: +y, +x, -y, -x
            if pow2:
                up = (i + LL) & nmask
                right = (i & ymask) | ((i + ONE) & xmask)
                down = (i - LL) & nmask
                left = (i & ymask) | ((i - ONE) & xmask)
            else:
                x = i % LL
                up = i + LL - n if i + LL >= n else i + LL
                right = i + ONE - LL if x == xmask else i + ONE
                down = i + n - LL if i < LL else i - LL
                left = i + xmask if x == ZERO else i - ONE
            tail = _visit(sp, queue, tail, up, old, u0 < thr)
            tail = _visit(sp, queue, tail, right, old, u1 < thr)
            tail = _visit(sp, queue, tail, down, old, u2 < thr)
            tail = _visit(sp, queue, tail, left, old, u3 < thr)
        done += np.int64(tail)
    return ctr, done


@nb.njit(inline="always")
def _wolff_any(sp, queue, nbr, L, key, ctr, nclusters, thr):
    if L > 0:
        return _wolff_replica_square(sp, queue, L, key, ctr, nclusters, thr)
    return _wolff_replica(sp, queue, nbr, key, ctr, nclusters, thr)


@nb.njit(parallel=True, cache=True)
def _wolff_parallel(spins, nbr, L, keys, counters, flipped, nclusters, thr):
    for r in nb.prange(spins.shape[0]):
        queue = np.empty(spins.shape[1] + 1, dtype=np.uint32)
        ctr, done = _wolff_any(spins[r], queue, nbr, L, keys[r], counters[r], nclusters, thr)
        counters[r] = ctr
        flipped[r] += done


@nb.njit(cache=True)
def _wolff_serial(spins, nbr, L, keys, counters, flipped, nclusters, thr):
    queue = np.empty(spins.shape[1] + 1, dtype=np.uint32)
    for r in range(spins.shape[0]):
        ctr, done = _wolff_any(spins[r], queue, nbr, L, keys[r], counters[r], nclusters, thr)
        counters[r] = ctr
        flipped[r] += done


def wolff_clusters(spins, nbr, keys, counters, flipped, nclusters, thr, square_L=0):
    """``nclusters`` Wolff cluster flips per replica of ``spins`` ``(R, n)`` int8, in place.

    The seed site is ``(u n) >> 31`` for a 31-bit draw ``u`` (uniform when ``n``
    is a power of two, otherwise off by at most ``n / 2**31``).  The cluster
    grows breadth-first from a queue: the next site to visit is read at a
    position that does not depend on the bonds just drawn, so the processor
    can work ahead, where a stack would chain every visit to the last push.
    Each visited site draws one number per neighbour (two per hash) whether or
    not it is used, so the growth has no data-dependent branches.
    ``square_L > 0`` computes the neighbours of an ``L x L`` torus instead of
    reading ``nbr`` (same numbers).
    """
    args = (spins, nbr, square_L, keys, counters, flipped, nclusters, thr)
    if spins.shape[0] > 1 and spins.size * nclusters >= PARALLEL_MIN_WORK:
        _wolff_parallel(*args)
    else:
        _wolff_serial(*args)


@nb.njit(inline="always")
def _wolff_measured(sp, queue, nbr, L, key, ctr, nclusters, nmeas, thr, b, m):
    d = nbr.shape[1] // 2
    done = 0
    for k in range(nmeas):
        ctr, size = _wolff_any(sp, queue, nbr, L, key, ctr, nclusters, thr)
        done += size
        b[k], m[k] = bond_spin_sums(sp, nbr, d)
    return ctr, done


@nb.njit(parallel=True, cache=True)
def _wolff_measured_parallel(spins, nbr, L, keys, counters, flipped, nclusters, nmeas, thr, bs, ms):
    for r in nb.prange(spins.shape[0]):
        queue = np.empty(spins.shape[1] + 1, dtype=np.uint32)
        ctr, done = _wolff_measured(
            spins[r], queue, nbr, L, keys[r], counters[r], nclusters, nmeas, thr, bs[r], ms[r]
        )
        counters[r] = ctr
        flipped[r] += done


@nb.njit(cache=True)
def _wolff_measured_serial(spins, nbr, L, keys, counters, flipped, nclusters, nmeas, thr, bs, ms):
    queue = np.empty(spins.shape[1] + 1, dtype=np.uint32)
    for r in range(spins.shape[0]):
        ctr, done = _wolff_measured(
            spins[r], queue, nbr, L, keys[r], counters[r], nclusters, nmeas, thr, bs[r], ms[r]
        )
        counters[r] = ctr
        flipped[r] += done


def wolff_measured(
    spins, nbr, keys, counters, flipped, nclusters, nmeas, thr, bsum, msum, square_L=0
):
    """``nmeas`` times ``nclusters`` Wolff clusters per replica (as :func:`wolff_clusters`,
    the same numbers), the bond and spin sums of replica ``r`` written to ``bsum[r, k]``,
    ``msum[r, k]`` after the ``k``-th group; replicas on parallel threads when there is
    enough work."""
    args = (spins, nbr, square_L, keys, counters, flipped, nclusters, nmeas, thr, bsum, msum)
    if spins.shape[0] > 1 and spins.size * nclusters * nmeas >= PARALLEL_MIN_WORK:
        _wolff_measured_parallel(*args)
    else:
        _wolff_measured_serial(*args)


@nb.njit(cache=True)
def _pilot(sp, nbr, L, key, thr, burn_flips, measure_flips, min_clusters):
    queue = np.empty(sp.shape[0] + 1, dtype=np.uint32)
    ctr = np.uint64(0)
    flipped = 0
    while flipped < burn_flips:
        ctr, size = _wolff_any(sp, queue, nbr, L, key, ctr, 1, thr)
        flipped += size
    flipped = 0
    clusters = 0
    while flipped < measure_flips or clusters < min_clusters:
        ctr, size = _wolff_any(sp, queue, nbr, L, key, ctr, 1, thr)
        flipped += size
        clusters += 1
    return flipped / clusters


def mean_cluster_size(nbr, thr, sweeps: int = 4, square_L: int = 0) -> float:
    """Mean Wolff cluster size from an ordered start and a private stream.

    Used only to choose the number of clusters per sweep, once, before sampling:
    it depends on the model parameters (through the lattice and ``thr``), not on
    the user's seed.  Burn-in and measurement each run until ``sweeps * n``
    spins have flipped (and at least 100 clusters are measured).
    """
    n = nbr.shape[0]
    sp = np.ones(n, dtype=np.int8)  # ordered: near and below T_c it relaxes fastest
    key = np.uint64(0x5EED5EED5EED5EED)
    return float(_pilot(sp, nbr, square_L, key, thr, sweeps * n, sweeps * n, 100))


from ..kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
