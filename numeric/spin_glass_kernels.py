"""Compiled (numba) sweep of dense couplings for :func:`statmech.numeric.spin_glass.
parallel_tempering` on the CPU: the same Metropolis sweep as its NumPy loop, site by site
with the local fields kept up to date, the same uniforms in the same order, without a
Python step per site.  A field row is updated only where a spin flipped."""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .fast.rng import draw31


@nb.njit(cache=True)
def dense_sweep(s, f, k, beta, h, u):  # pragma: no cover - compiled
    """One sequential sweep of every chain.

    ``s``, ``f``: spins and local fields, ``(samples, replicas, temperatures, N)``,
    updated in place; ``k``: couplings ``(samples, N, N)``; ``beta``: ``(temperatures,)``;
    ``u``: uniforms ``(N, samples, replicas, temperatures)`` (site ``i`` of every chain
    uses ``u[i]``, as the NumPy loop draws them)."""
    ns, nr, nt, n = s.shape
    for a in range(ns):
        for r in range(nr):
            for t in range(nt):
                b = beta[t]
                for i in range(n):
                    si = s[a, r, t, i]
                    x = b * (2.0 * si * (f[a, r, t, i] + h))
                    if x < 0.0:
                        x = 0.0
                    if u[i, a, r, t] < math.exp(-x):
                        d = -2.0 * si
                        s[a, r, t, i] = si + d
                        for j in range(n):
                            f[a, r, t, j] += d * k[a, i, j]


# -- sparse couplings (lattices): the chains stay in place, temperatures move ----------
#
# ``s``: spins ``(C, N)`` int8, chain ``c`` belonging to disorder sample ``c // (C // S)``;
# ``nbr``, ``w``: the neighbours of every site and their couplings per sample, ``(S, N, z)``
# (padding has weight 0).  Random numbers come from :mod:`statmech.numeric.fast.rng`: chain ``c``
# draws ``(keys[c], sweep * N + i)`` for site ``i``, so they do not depend on the threads.

_TWO31 = 2147483648.0


@nb.njit(parallel=True, cache=True)
def lattice_sweep(s, nbr, w, chain_beta, h, keys, sweep, e):  # pragma: no cover - compiled
    r"""One sequential Metropolis sweep of every chain, each at its own inverse
    temperature ``chain_beta[c]``; ``e[c]`` (total energy) follows the flips."""
    nc, n = s.shape
    per = nc // w.shape[0]
    z = nbr.shape[2]
    base = np.uint64(sweep) * np.uint64(n)
    for c in nb.prange(nc):
        a = c // per
        b = chain_beta[c]
        key = keys[c]
        change = 0.0
        for i in range(n):
            loc = 0.0
            for j in range(z):
                loc += w[a, i, j] * s[c, nbr[a, i, j]]
            si = s[c, i]
            de = 2.0 * si * (loc + h)
            if de <= 0.0 or np.float64(draw31(key, base + np.uint64(i))) < (
                math.exp(-b * de) * _TWO31
            ):
                s[c, i] = -si
                change += de
        e[c] += change


@nb.njit(parallel=True, cache=True)
def lattice_sweep_pm(s, nbr, wi, chain_t, thr, keys, sweep, e, unit):  # pragma: no cover
    r""":func:`lattice_sweep` for couplings ``unit * wi`` with small integers ``wi`` (the
    +-J model) and no field: the energy change :math:`2\,\mathrm{unit}\,k` has an
    integer ``k``, accepted uphill when the draw is below ``thr[chain_t[c], k]``
    (:func:`statmech.numeric.fast.rng.thresholds` of :math:`e^{-2\beta\,\mathrm{unit}\,k}`)."""
    nc, n = s.shape
    per = nc // wi.shape[0]
    z = nbr.shape[2]
    base = np.uint64(sweep) * np.uint64(n)
    for c in nb.prange(nc):
        a = c // per
        t = chain_t[c]
        key = keys[c]
        change = 0
        for i in range(n):
            loc = 0
            for j in range(z):
                loc += wi[a, i, j] * s[c, nbr[a, i, j]]
            si = s[c, i]
            k = si * loc
            if k <= 0 or draw31(key, base + np.uint64(i)) < thr[t, k]:
                s[c, i] = -si
                change += k
        e[c] += 2.0 * unit * change


@nb.njit(parallel=True, cache=True)
def lattice_energies(s, nbr, w, h, e):  # pragma: no cover - compiled
    r"""Total energy of every chain, :math:`-\frac12\sum_i s_i\sum_j w_{ij}s_j - h\sum_i
    s_i`, into ``e``."""
    nc, n = s.shape
    per = nc // w.shape[0]
    z = nbr.shape[2]
    for c in nb.prange(nc):
        a = c // per
        pair = 0.0
        mag = 0.0
        for i in range(n):
            loc = 0.0
            for j in range(z):
                loc += w[a, i, j] * s[c, nbr[a, i, j]]
            pair += s[c, i] * loc
            mag += s[c, i]
        e[c] = -0.5 * pair - h * mag


@nb.njit(cache=True)
def lattice_exchange(
    e, temp_slot, slot_temp, beta, xkeys, rnd, parity, direction, trips, accepted
):  # pragma: no cover - compiled
    r"""Offer swaps of neighbouring temperatures ``(k, k + 1)``, ``k = parity, parity + 2,
    ...``, for every sample ``a`` and replica copy ``r``: accepted with probability
    :math:`\min(1, e^{(\beta_k - \beta_{k+1})(E_k - E_{k+1})})` by swapping the slots'
    temperatures.  ``e``, ``slot_temp``, ``direction``: per slot ``(S, R, T)``;
    ``temp_slot[a, r, k]``: the slot at temperature ``k``; a round trip is counted when a
    slot that has been at the top reaches the bottom."""
    ns, nr, nt = e.shape
    for a in range(ns):
        for r in range(nr):
            key = xkeys[a * nr + r]
            for k in range(parity, nt - 1, 2):
                sa = temp_slot[a, r, k]
                sb = temp_slot[a, r, k + 1]
                x = (beta[k] - beta[k + 1]) * (e[a, r, sa] - e[a, r, sb])
                ok = x >= 0.0
                if not ok:
                    u = np.float64(draw31(key, np.uint64(rnd) * np.uint64(nt) + np.uint64(k)))
                    ok = u < math.exp(x) * _TWO31
                if ok:
                    temp_slot[a, r, k] = sb
                    temp_slot[a, r, k + 1] = sa
                    slot_temp[a, r, sa] = k + 1
                    slot_temp[a, r, sb] = k
                    accepted[a, k] += 1.0 / nr
            bottom = temp_slot[a, r, 0]
            if direction[a, r, bottom] == -1:
                trips[a, r] += 1
            direction[a, r, bottom] = 1
            top = temp_slot[a, r, nt - 1]
            if direction[a, r, top] == 1:
                direction[a, r, top] = -1


@nb.njit(parallel=True, cache=True)
def lattice_overlaps(s, temp_slot, hist, q):  # pragma: no cover - compiled
    r"""Overlap :math:`\sum_i s_i t_i` of replica copies 0 and 1 at every temperature into
    ``q`` ``(S, T)``, and one count into its bin of ``hist`` ``(S, T, N + 1)``."""
    ns, nr, nt = temp_slot.shape
    n = s.shape[1]
    for a in nb.prange(ns):
        for k in range(nt):
            c0 = (a * nr) * nt + temp_slot[a, 0, k]
            c1 = (a * nr + 1) * nt + temp_slot[a, 1, k]
            acc = 0
            for i in range(n):
                acc += s[c0, i] * s[c1, i]
            q[a, k] = acc
            hist[a, k, (acc + n) // 2] += 1.0


from .kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
