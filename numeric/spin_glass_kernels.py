"""Compiled (numba) sweep of dense couplings for :func:`statmech.numeric.spin_glass.
parallel_tempering` on the CPU: the same Metropolis sweep as its NumPy loop, site by site
with the local fields kept up to date, the same uniforms in the same order, without a
Python step per site.  A field row is updated only where a spin flipped."""

from __future__ import annotations

import math

import numba as nb


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


from .kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
