"""The square lattice's sublattice layout, and where its kernels start threads.

Plain NumPy (no numba), so that a run served by the ahead-of-time compiled kernels
(:mod:`numeric.fast.aot`) never imports numba; :mod:`numeric.fast.kernels2d`
re-exports all three names.
"""

from __future__ import annotations

import numpy as np

#: Sites per colour from which the threaded kernel pays for starting its threads
#: (a parallel region costs of the order of 100 microseconds on a small VM).
PARALLEL_MIN_SITES = 1 << 17


def pack(config: np.ndarray) -> np.ndarray:
    """``(R, L, L)`` spins -> ``(R, 2, L, L // 2)`` sublattice layout."""
    R, L, L2 = config.shape
    if L != L2 or L % 2:
        raise ValueError(f"the checkerboard layout needs an even L x L lattice, got {L} x {L2}")
    out = np.empty((R, 2, L, L // 2), dtype=np.int8)
    out[:, 0, 0::2] = config[:, 0::2, 0::2]  # even rows: colour 0 at even x
    out[:, 1, 0::2] = config[:, 0::2, 1::2]
    out[:, 0, 1::2] = config[:, 1::2, 1::2]  # odd rows: colour 0 at odd x
    out[:, 1, 1::2] = config[:, 1::2, 0::2]
    return out


def unpack(packed, xp=np):
    """``(R, 2, L, L // 2)`` sublattice layout -> ``(R, L, L)`` spins (any namespace)."""
    R, _, L, n = packed.shape
    out = xp.empty((R, L, 2 * n), dtype=xp.int8)
    out[:, 0::2, 0::2] = packed[:, 0, 0::2]  # even rows: colour 0 at even x
    out[:, 0::2, 1::2] = packed[:, 1, 0::2]
    out[:, 1::2, 1::2] = packed[:, 0, 1::2]  # odd rows: colour 0 at odd x
    out[:, 1::2, 0::2] = packed[:, 1, 1::2]
    return out
