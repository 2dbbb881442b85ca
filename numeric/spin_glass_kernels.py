"""Compiled (numba) kernels of :func:`statmech.numeric.spin_glass.parallel_tempering` on
the CPU.

Dense couplings (SK): the same Metropolis sweep as its NumPy loop, site by site with the
local fields kept up to date, the same uniforms in the same order, without a Python step
per site; a field row is updated only where a spin flipped.  Sparse couplings (lattices):
the whole loop of sweeps, swaps and measurements of
:mod:`statmech.numeric.spin_glass_lattice`, a block of steps per call."""

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
# ``s``: spins ``(C, N)`` int8, chain ``c = (a * R + r) * T + slot`` of disorder sample
# ``a`` and replica copy ``r``; ``nbr``, ``w``: the neighbours of every site and their
# couplings per sample, ``(S, N, z)`` (padding has weight 0); ``wi``: the couplings as
# small integers in units of ``unit`` (the +-J model without a field), used when
# ``integer``.  Per slot ``(S, R, T)``: ``slot_temp`` (its temperature index),
# ``direction`` (round trips); ``temp_slot[a, r, k]``: the slot at temperature ``k``.
# Random numbers come from :mod:`statmech.numeric.fast.rng`: chain ``c`` draws
# ``(keys[c], sweep * N + i)`` for site ``i``; the swaps of ``(a, r)`` draw
# ``(xkeys[a * R + r], round * T + k)``.  Nothing depends on the threads.

_TWO31 = 2147483648.0


@nb.njit(inline="always")
def _field(s, c, a, i, nbr, w):  # pragma: no cover - compiled
    r""":math:`\sum_j w_{ij} s_j` of chain ``c`` (sample ``a``), in the couplings' type."""
    loc = 0
    for j in range(nbr.shape[2]):
        loc += w[a, i, j] * s[c, nbr[a, i, j]]
    return loc


@nb.njit(inline="always")
def _sweep_float(s, c, a, nbr, w, b, h, key, base):  # pragma: no cover - compiled
    change = 0.0
    for i in range(s.shape[1]):
        si = s[c, i]
        de = 2.0 * si * (_field(s, c, a, i, nbr, w) + h)
        if de <= 0.0 or np.float64(draw31(key, base + np.uint64(i))) < math.exp(-b * de) * _TWO31:
            s[c, i] = -si
            change += de
    return change


@nb.njit(inline="always")
def _sweep_integer(s, c, a, nbr, wi, thr, t, key, base):  # pragma: no cover - compiled
    r"""Energy change :math:`2\,\mathrm{unit}\,k` with integer ``k``: uphill accepted when
    the draw is below ``thr[t, k]``; returns the sum of the accepted ``k``."""
    change = 0
    for i in range(s.shape[1]):
        si = s[c, i]
        k = si * _field(s, c, a, i, nbr, wi)
        if k <= 0 or draw31(key, base + np.uint64(i)) < thr[t, k]:
            s[c, i] = -si
            change += k
    return change


@nb.njit(inline="always")
def _energy(s, c, a, nbr, w, h):  # pragma: no cover - compiled
    pair = 0.0
    mag = 0.0
    for i in range(s.shape[1]):
        pair += s[c, i] * _field(s, c, a, i, nbr, w)
        mag += s[c, i]
    return -0.5 * pair - h * mag


@nb.njit(inline="always")
def _exchange(a, r, e, temp_slot, slot_temp, beta, key, rnd, parity, direction, trips, acc):
    # pragma: no cover - compiled
    nr = e.shape[1]
    nt = e.shape[2]
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
            acc[a, k] += 1.0 / nr
    bottom = temp_slot[a, r, 0]
    if direction[a, r, bottom] == -1:
        trips[a, r] += 1
    direction[a, r, bottom] = 1
    top = temp_slot[a, r, nt - 1]
    if direction[a, r, top] == 1:
        direction[a, r, top] = -1


@nb.njit(parallel=True, cache=True)
def lattice_block(
    s,
    nbr,
    w,
    wi,
    integer,
    thr,
    unit,
    beta,
    h,
    keys,
    xkeys,
    step0,
    nsteps,
    therm,
    exchange_every,
    exact_every,
    e,
    temp_slot,
    slot_temp,
    direction,
    trips,
    accepted,
    measure,
    sums,
    hist,
    e_min,
    e_series,
    q_series,
    wave,
    k_series,
):  # pragma: no cover - compiled
    r"""Steps ``step0 .. step0 + nsteps - 1`` of parallel tempering, each sample on its own
    thread: a sequential Metropolis sweep of every chain at its slot's temperature, the
    swaps of neighbouring temperatures every ``exchange_every`` steps (even and odd pairs
    alternating), and from step ``therm`` on (when ``measure``) the measurements.

    ``e``: total energy per slot ``(S, R, T)``, a running sum of the accepted changes,
    computed exactly every ``exact_every`` steps.  ``sums`` ``(5, S, T)``: sums over the
    measured steps of the energy per spin and its square (means over the replica copies),
    :math:`q^2, q^4, |q|` of copies 0 and 1; ``hist`` ``(S, T, N + 1)`` counts
    :math:`(Nq + N)/2`; ``e_min`` the lowest energy per spin per sample; ``e_series``
    ``(nsteps, S, R, T)`` and ``q_series`` ``(nsteps, S, T)`` are written at row
    ``step - step0`` when they have rows.  ``wave`` ``(2, D, N)``: the cosines and sines
    of :math:`k\cdot x_i` for D wave vectors (D = 0: none); ``sums[5]`` then sums
    :math:`|q(k)|^2 = |N^{-1}\sum_i s_i t_i e^{ik\cdot x_i}|^2` averaged over them, and
    ``k_series`` keeps it like ``q_series``."""
    ns, nr, nt = e.shape
    n = s.shape[1]
    for a in nb.prange(ns):
        for step in range(step0, step0 + nsteps):
            base = np.uint64(step) * np.uint64(n)
            exact = step % exact_every == exact_every - 1
            for r in range(nr):
                for slot in range(nt):
                    c = (a * nr + r) * nt + slot
                    t = slot_temp[a, r, slot]
                    if integer:
                        k = _sweep_integer(s, c, a, nbr, wi, thr, t, keys[c], base)
                        e[a, r, slot] += 2.0 * unit * k
                    else:
                        e[a, r, slot] += _sweep_float(s, c, a, nbr, w, beta[t], h, keys[c], base)
                    if exact:
                        e[a, r, slot] = _energy(s, c, a, nbr, w, h)
            if (step + 1) % exchange_every == 0:
                rnd = (step + 1) // exchange_every
                for r in range(nr):
                    _exchange(
                        a,
                        r,
                        e,
                        temp_slot,
                        slot_temp,
                        beta,
                        xkeys[a * nr + r],
                        rnd,
                        rnd % 2,
                        direction,
                        trips,
                        accepted,
                    )
            if step < therm or not measure:
                continue
            row = step - step0
            for k in range(nt):
                se = 0.0
                se2 = 0.0
                for r in range(nr):
                    x = e[a, r, temp_slot[a, r, k]] / n
                    se += x
                    se2 += x * x
                    if x < e_min[a]:
                        e_min[a] = x
                    if e_series.shape[0] > 0:
                        e_series[row, a, r, k] = x
                sums[0, a, k] += se / nr
                sums[1, a, k] += se2 / nr
                if nr >= 2:
                    c0 = (a * nr) * nt + temp_slot[a, 0, k]
                    c1 = (a * nr + 1) * nt + temp_slot[a, 1, k]
                    nd = wave.shape[1]
                    ov = 0
                    re = np.zeros(nd)
                    im = np.zeros(nd)
                    for i in range(n):
                        p = s[c0, i] * s[c1, i]
                        ov += p
                        for d in range(nd):
                            re[d] += p * wave[0, d, i]
                            im[d] += p * wave[1, d, i]
                    q = ov / n
                    sums[2, a, k] += q * q
                    sums[3, a, k] += q * q * q * q
                    sums[4, a, k] += abs(q)
                    hist[a, k, (ov + n) // 2] += 1.0
                    if q_series.shape[0] > 0:
                        q_series[row, a, k] = q * q
                    if nd > 0:
                        qk = 0.0
                        for d in range(nd):
                            qk += re[d] * re[d] + im[d] * im[d]
                        qk /= nd * n * n
                        sums[5, a, k] += qk
                        if k_series.shape[0] > 0:
                            k_series[row, a, k] = qk


@nb.njit(parallel=True, cache=True)
def lattice_energies(s, nbr, w, h, e):  # pragma: no cover - compiled
    r"""Total energy of every chain, :math:`-\frac12\sum_i s_i\sum_j w_{ij}s_j - h\sum_i
    s_i`, into ``e`` ``(C,)``."""
    per = s.shape[0] // w.shape[0]
    for c in nb.prange(s.shape[0]):
        e[c] = _energy(s, c, c // per, nbr, w, h)


from .kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
