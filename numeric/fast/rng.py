r"""Counter-based random numbers shared by the CPU (numba) and GPU (CUDA) kernels.

Every random number is a pure function of a 64-bit stream key and a 64-bit
counter, so the numbers do not depend on how the work is split across threads
or GPU blocks, and a sampler's random state is just ``(keys, sweep)``:

.. math::

    z = \mathrm{key} + \gamma\, c \pmod{2^{64}},\qquad
    u = \mathrm{mix}(z) \gg 33,

with :math:`\gamma` = ``0x9E3779B97F4A7C15`` and ``mix`` the SplitMix64
finaliser (Steele, Lea, Flood, OOPSLA 2014, doi:10.1145/2660193.2660195).  For a
fixed key, consecutive counters reproduce the SplitMix64 sequence, which passes
BigCrush; distinct keys start the same 2**64-periodic sequence at independent
random offsets, so streams of a few 2**40 draws overlap with negligible
probability.  The keys come from :class:`numpy.random.SeedSequence`.

An update accepts when the 31-bit draw ``u`` (the top 31 bits of the
SplitMix64 output) is below an integer threshold ``round(p * 2**31)``; the
realised probability is exactly ``threshold / 2**31`` (an error of at most
``2**-32`` in ``p``, finer than the ``2**-24`` of a float32 uniform).  31 bits
keep the comparison in 32-bit lanes, which the compiler vectorises.

numba is imported only when a kernel first asks for :func:`draw31`, :func:`draw31x2`
or :func:`random_spins` (the module's ``__getattr__``), so that the stream keys and
thresholds, and a run served by the ahead-of-time compiled kernels
(:mod:`numeric.fast.aot`), do without it.
"""

from __future__ import annotations

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
S30 = np.uint64(30)
S27 = np.uint64(27)
S31 = np.uint64(31)
S33 = np.uint64(33)
LOW31 = np.uint64((1 << 31) - 1)
ONE31 = 1 << 31
#: Counter of spin ``k``'s draw in the random start: ``INIT_COUNTER + k`` (sweeps never
#: reach that range).
INIT_COUNTER = np.uint64(1 << 63)


def _draw31(key, counter):
    """The 31-bit random integer (uint32) for ``(key, counter)``.

    The last SplitMix64 step ``z ^= z >> 31`` leaves the top 31 bits unchanged,
    so it is skipped.
    """
    z = key + GAMMA * counter
    z = (z ^ (z >> S30)) * M1
    z = (z ^ (z >> S27)) * M2
    return np.uint32(z >> S33)


def _draw31x2(key, counter):
    """Two 31-bit draws from one full SplitMix64 output: its top and its low 31 bits."""
    z = key + GAMMA * counter
    z = (z ^ (z >> S30)) * M1
    z = (z ^ (z >> S27)) * M2
    z = z ^ (z >> S31)
    return np.uint32(z >> S33), np.uint32(z & LOW31)


def _random_spins(out, keys):
    """Spin ``k`` of replica ``r`` of ``out`` (``(R, n)`` int8): ``+1`` when
    ``draw31(keys[r], INIT_COUNTER + k) < 2**30``, else ``-1`` (the infinite-temperature
    start)."""
    half = np.uint32(1 << 30)
    for r in range(out.shape[0]):
        for k in range(out.shape[1]):
            out[r, k] = 1 if draw31(keys[r], INIT_COUNTER + np.uint64(k)) < half else -1  # noqa: F821


#: The numba kernels of this module, compiled from the plain functions on first use.
KERNELS = ("draw31", "draw31x2", "random_spins")


def __getattr__(name):
    if name in KERNELS:
        _define_kernels()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _define_kernels() -> None:
    """Define :data:`KERNELS` (imports numba)."""
    import numba as nb

    g = globals()
    if "random_spins" in g:
        return
    g["draw31"] = nb.njit(inline="always")(_draw31)
    g["draw31x2"] = nb.njit(inline="always")(_draw31x2)
    g["random_spins"] = nb.njit(cache=True)(_random_spins)
    from ..kernel_cache import serialise_compilation

    serialise_compilation(g)


def draw31_numpy(key, counter) -> np.ndarray:
    """NumPy twin of :func:`draw31` (for tests and plain references)."""
    with np.errstate(over="ignore"):
        z = np.uint64(key) + GAMMA * np.asarray(counter, dtype=np.uint64)
        z = (z ^ (z >> S30)) * M1
        z = (z ^ (z >> S27)) * M2
    return (z >> S33).astype(np.uint32)


def stream_keys(seed: int, n: int) -> np.ndarray:
    """``n`` independent 64-bit stream keys (one per replica) from ``seed``."""
    from statmech.numeric.backend import seed_sequence

    children = seed_sequence(seed).spawn(n)
    return np.array([c.generate_state(1, dtype=np.uint64)[0] for c in children], dtype=np.uint64)


def thresholds(p) -> np.ndarray:
    """Integer thresholds ``round(p * 2**31)`` (uint32, in ``[0, 2**31]``) for probabilities."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return np.rint(p * ONE31).astype(np.uint32)
