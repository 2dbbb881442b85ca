r"""Exact joint densities of states g(u, k) of small Ising systems, and what follows.

``u`` counts unsatisfied bonds and ``k`` up spins, so a configuration has
:math:`H = -J (n_b - 2u) - h (2k - N)` and :math:`\sum_i s_i = 2k - N`.  With
the integer counts :math:`g(u, k)` every canonical average is exact at any
``T`` and ``h``, including :math:`\langle |m| \rangle` and
:math:`\langle m^4 \rangle`, which the transfer matrix and Kaufman's formula do
not give.

* :func:`torus_dos`: every configuration of an ``L x M`` torus visited as the
  bits of an integer (``np.bitwise_count``), in chunks: 5 x 5 (2^25 states)
  takes a few seconds.  Bonds as in :func:`derive.finite.bonds` (each site to
  its right and lower neighbour, periodically).
* :func:`chain_dos`: rings and open chains by dynamic programming over the
  sites, O(N^3), exact for any N (counts in float64 beyond 2^53).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MAX_TORUS_SITES = 25
CHUNK = 1 << 20


@lru_cache(maxsize=16)
def torus_dos(L: int, M: int | None = None) -> tuple[np.ndarray, int]:
    """``(g, n_bonds)``: counts ``g[u, k]`` for the ``L x M`` periodic square lattice."""
    M = L if M is None else M
    n = L * M
    if n > MAX_TORUS_SITES:
        raise ValueError(f"refusing to enumerate 2**{n} states (L*M <= {MAX_TORUS_SITES})")
    n_bonds = 2 * n
    col = np.arange(n) % M
    keep = np.uint64(sum(1 << i for i in range(n) if col[i] < M - 1))
    wrap = np.uint64(sum(1 << i for i in range(n) if col[i] == M - 1))
    row0 = np.uint64((1 << M) - 1)
    g = np.zeros((n_bonds + 1, n + 1), dtype=np.int64)
    for start in range(0, 1 << n, CHUNK):
        x = np.arange(start, min(start + CHUNK, 1 << n), dtype=np.uint64)
        right = ((x >> np.uint64(1)) & keep) | ((x << np.uint64(M - 1)) & wrap)
        down = (x >> np.uint64(M)) | ((x & row0) << np.uint64(M * (L - 1)))
        u = np.bitwise_count(x ^ right).astype(np.int64) + np.bitwise_count(x ^ down)
        k = np.bitwise_count(x).astype(np.int64)
        g += np.bincount(u * (n + 1) + k, minlength=g.size).reshape(g.shape)
    return g, n_bonds


@lru_cache(maxsize=64)
def chain_dos(N: int, periodic: bool = True) -> tuple[np.ndarray, int]:
    """``(g, n_bonds)`` for a ring (``periodic``) or open chain of ``N`` spins."""
    if N < 2:
        raise ValueError(f"a chain needs N >= 2 spins, got N={N}")
    n_bonds = N if periodic else N - 1
    # dp[first, current, u, k]; spin index 0 is down, 1 is up
    dp = np.zeros((2, 2, N + 1, N + 1))
    dp[0, 0, 0, 0] = 1.0
    dp[1, 1, 0, 1] = 1.0
    for _ in range(N - 1):
        new = np.zeros_like(dp)
        for cur in (0, 1):
            for nxt in (0, 1):
                du = int(cur != nxt)
                src = dp[:, cur]
                if nxt:
                    new[:, nxt, du:, 1:] += src[:, : N + 1 - du, :N]
                else:
                    new[:, nxt, du:, :] += src[:, : N + 1 - du, :]
        dp = new
    g = np.zeros((n_bonds + 1, N + 1))
    for first in (0, 1):
        for cur in (0, 1):
            du = int(periodic and first != cur)
            g[du : N + du, :] += dp[first, cur, : N + 1 - du if du else N, :]
    return g, n_bonds


def dos_observables(g: np.ndarray, n_bonds: int, T: float, J: float, h: float) -> dict:
    r"""Exact canonical averages from counts ``g[u, k]``.

    Returns per-spin ``energy_per_spin``, ``heat_capacity_per_spin``,
    ``free_energy_per_spin``, ``magnetization`` (:math:`\langle m\rangle`), and
    ``abs_magnetization``, ``magnetization_squared``, ``susceptibility`` (with
    :math:`\langle|m|\rangle`, as samplers measure it), ``binder``, as defined in
    :mod:`numeric.references`.
    """
    if not T > 0:
        raise ValueError(f"temperature must be positive, got T={T}")
    n = g.shape[1] - 1
    u = np.arange(g.shape[0])[:, None]
    k = np.arange(n + 1)[None, :]
    energy = -J * (n_bonds - 2 * u) - h * (2 * k - n) + 0.0 * k
    mag = (2 * k - n) / n + 0.0 * u
    mask = g > 0
    e, m, lg = energy[mask], mag[mask], np.log(g[mask])
    x = lg - e / T
    top = x.max()
    w = np.exp(x - top)
    z = w.sum()
    p = w / z
    mean_e = p @ e
    var_e = p @ (e - mean_e) ** 2
    abs_m = p @ np.abs(m)
    m2 = p @ m**2
    m4 = p @ m**4
    log_z = np.log(z) + top
    return {
        "energy_per_spin": float(mean_e / n),
        "heat_capacity_per_spin": float(var_e / (n * T**2)),
        "free_energy_per_spin": float(-T * log_z / n),
        "magnetization": float(p @ m),
        "abs_magnetization": float(abs_m),
        "magnetization_squared": float(m2),
        "susceptibility": float(n * (m2 - abs_m**2) / T),
        "binder": float(1 - m4 / (3 * m2**2)),
    }
