r"""Multi-spin coding: 64 replicas of the square-lattice Ising model in the bits of a word.

``spins[y, x]`` (uint64) holds the spin at ``(y, x)`` of 64 independent replicas,
bit ``j`` for replica ``j`` (1: up).  A checkerboard Metropolis sweep at zero field
(``J > 0``) updates the sites of colour ``(y + x) % 2 == c``, ``c = 0`` then 1, all 64
replicas at once with bitwise logic: with ``k`` the number of anti-aligned
neighbours, :math:`\Delta E = 2J(4 - 2k)`, so a spin flips always when ``k >= 2``,
with probability :math:`p_1 = e^{-4J/T}` when ``k = 1`` and
:math:`p_2 = p_1^2 = e^{-8J/T}` when ``k = 0`` (Metropolis et al., J. Chem. Phys. 21,
1087 (1953), doi:10.1063/1.1699114; multi-spin coding: Jacobs and Rebbi, J. Comput.
Phys. 41, 203 (1981), doi:10.1016/0021-9991(81)90087-0).

Random numbers: each replica gets its own.  A 64-lane mask whose bits are 1
independently with probability ``t / 2**32`` (``t = round(p1 * 2**32)``) comes from
comparing, lane by lane, the binary digits of a uniform number (one random word
per digit) with those of ``t``, most significant first, stopping when every lane
is decided (about 8 words); ``k = 0`` needs two independent masks.  The words are
SplitMix64 outputs (:mod:`numeric.fast.rng`) of one key at counter
``64 ((2 sweep + c) n / 2 + q) + w`` for the ``q``-th site of colour ``c`` and its
``w``-th word (``w < 64``), so a sweep is a pure function of ``(key, sweep)``.

This is a different random stream from the scalar kernels (:mod:`numeric.fast.kernels2d`):
the same seed gives other configurations.  The realised flip probabilities are
exactly ``t / 2**32`` and its square (the scalar kernels use ``round(p 2**31) / 2**31``);
``tests/test_fast_multispin.py`` checks the energy and ``<m^2>`` against exact
enumeration and Kaufman's finite-torus energy, with error bars from the 64
independent replicas.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .rng import GAMMA, M1, M2, S27, S30, S31

ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
ONE = np.uint64(1)
ZERO = np.uint64(0)
LANES = 64


@nb.njit(inline="always")
def _word(key, counter):
    z = key + GAMMA * counter
    z = (z ^ (z >> S30)) * M1
    z = (z ^ (z >> S27)) * M2
    return z ^ (z >> S31)


@nb.njit(inline="always")
def _bernoulli(t, key, ctr):
    """64 lanes, each 1 with probability ``t / 2**32`` (``t`` in ``[0, 2**32]``), from at
    most 32 words at counters ``ctr, ctr + 1, ...``."""
    if t >= np.uint64(1 << 32):
        return ALL
    result = ZERO
    undecided = ALL
    for b in range(32):
        w = _word(key, ctr + np.uint64(b))
        if (t >> np.uint64(31 - b)) & ONE:
            result |= undecided & ~w  # digit 0 against the threshold's 1: below, accept
            undecided &= w
        else:
            undecided &= ~w  # digit 1 against 0: above, reject
        if undecided == ZERO:
            break
    return result


@nb.njit(inline="always")
def _flip_mask(s, a, b, c, d, t, key, ctr):
    x1 = s ^ a
    x2 = s ^ b
    x3 = s ^ c
    x4 = s ^ d  # lanes anti-aligned with each neighbour
    ge1 = x1 | x2 | x3 | x4
    ge2 = (x1 & x2) | (x1 & x3) | (x1 & x4) | (x2 & x3) | (x2 & x4) | (x3 & x4)
    eq1 = ge1 & ~ge2
    zero = ~ge1
    flip = ge2
    if eq1 | zero:
        b1 = _bernoulli(t, key, ctr)
        flip |= eq1 & b1
        both = zero & b1
        if both:
            flip |= both & _bernoulli(t, key, ctr + np.uint64(32))
    return flip


@nb.njit(cache=True)
def run_sweeps(spins, key, sweep0, nsweeps, t):
    """``nsweeps`` checkerboard Metropolis sweeps of the ``(L, L)`` uint64 words in place."""
    L = spins.shape[0]
    half = (L * L) // 2
    for s_ in range(nsweeps):
        for c in range(2):
            base = np.uint64(2 * (sweep0 + s_) + c) * np.uint64(half)
            for y in range(L):
                up = (y - 1) % L
                dn = (y + 1) % L
                for x in range((y + c) & 1, L, 2):
                    q = np.uint64(y * (L // 2) + x // 2)
                    ctr = (base + q) << np.uint64(6)
                    left = x - 1 if x > 0 else L - 1
                    right = x + 1 if x < L - 1 else 0
                    s = spins[y, x]
                    f = _flip_mask(
                        s, spins[up, x], spins[dn, x], spins[y, left], spins[y, right], t, key, ctr
                    )
                    spins[y, x] = s ^ f


@nb.njit(inline="always")
def _add(counter, x):
    """Add the bits of ``x`` to 64 bit-sliced lane counters (``counter[i]``: digit ``i``)."""
    i = 0
    while x:
        carry = counter[i] & x
        counter[i] ^= x
        x = carry
        i += 1


@nb.njit(cache=True)
def lane_sums(spins, bsum, msum, col):
    """Bond sum :math:`\\sum s_i s_j` and spin sum of each of the 64 replicas into
    ``bsum[j, col]``, ``msum[j, col]`` (bit-sliced counters: a few operations a site)."""
    L = spins.shape[0]
    n = L * L
    digits = 2
    while (1 << digits) <= 2 * n:
        digits += 1
    up = np.zeros(digits, dtype=np.uint64)
    anti = np.zeros(digits, dtype=np.uint64)
    for y in range(L):
        dn = (y + 1) % L
        for x in range(L):
            s = spins[y, x]
            _add(up, s)
            _add(anti, s ^ spins[y, x + 1 if x < L - 1 else 0])
            _add(anti, s ^ spins[dn, x])
    for j in range(LANES):
        u = 0
        a = 0
        for i in range(digits):
            u += int((up[i] >> np.uint64(j)) & ONE) << i
            a += int((anti[i] >> np.uint64(j)) & ONE) << i
        msum[j, col] = 2 * u - n
        bsum[j, col] = 2 * n - 2 * a


@nb.njit(cache=True)
def run_measured(spins, key, sweep0, every, nmeas, t, bsum, msum):
    """``nmeas`` times ``every`` sweeps, then :func:`lane_sums` into column ``k``."""
    for k in range(nmeas):
        run_sweeps(spins, key, sweep0 + k * every, every, t)
        lane_sums(spins, bsum, msum, k)


def threshold(T: float, J: float = 1.0) -> np.uint64:
    """``round(exp(-4 J / T) 2**32)``, the ``k = 1`` flip threshold."""
    if not J > 0 or not T > 0:
        raise ValueError(f"multi-spin Metropolis needs J > 0 and T > 0, got J={J}, T={T}")
    return np.uint64(round(np.exp(-4.0 * J / T) * 2.0**32))


def pack(config: np.ndarray) -> np.ndarray:
    """``(64, L, L)`` +-1 spins -> ``(L, L)`` uint64 words (bit ``j``: replica ``j`` up)."""
    config = np.asarray(config)
    if config.shape[0] != LANES or config.ndim != 3:
        raise ValueError(f"multi-spin coding packs 64 replicas of (L, L), got {config.shape}")
    bits = (config > 0).astype(np.uint64)
    return np.bitwise_or.reduce(bits << np.arange(LANES, dtype=np.uint64)[:, None, None], axis=0)


def unpack(words: np.ndarray) -> np.ndarray:
    """``(L, L)`` uint64 words -> ``(64, L, L)`` int8 +-1 spins."""
    bits = (words[None] >> np.arange(LANES, dtype=np.uint64)[:, None, None]) & ONE
    return (2 * bits.astype(np.int8) - 1).astype(np.int8)


class MultiSpin2D:
    """64 replicas of an even ``L x L`` torus at one temperature, zero field, ``J > 0``.

    Not a drop-in for the scalar samplers: its random stream differs (see the module
    docstring), so it is offered on its own.

    Examples
    --------
    >>> ms = MultiSpin2D(8, T=2.5)
    >>> e, m = ms.sample(seed=1, thermalize=100, sweeps=200)
    >>> e.shape, m.shape
    ((64, 200), (64, 200))
    """

    def __init__(self, L: int, T: float, J: float = 1.0):
        if L < 2 or L % 2:
            raise ValueError(f"the checkerboard needs an even L >= 2, got {L}")
        self.L, self.T, self.J = int(L), float(T), float(J)
        self.t = threshold(T, J)

    def start(self, seed: int) -> tuple[np.ndarray, np.uint64]:
        """Random (infinite-temperature) words and the stream key, from ``seed``."""
        from statmech.numeric.backend import seed_sequence

        key, fill = seed_sequence(seed).generate_state(2, dtype=np.uint64)
        rng = np.random.Generator(np.random.PCG64(int(fill)))
        words = rng.integers(0, 2**64, size=(self.L, self.L), dtype=np.uint64)
        return words, np.uint64(key)

    def sample(self, seed: int, thermalize: int, sweeps: int, every: int = 1):
        """Energy and magnetisation per spin of the 64 replicas, ``(64, sweeps // every)``
        each, after ``thermalize`` discarded sweeps."""
        words, key = self.start(seed)
        run_sweeps(words, key, 0, int(thermalize), self.t)
        n = int(sweeps) // int(every)
        bsum = np.empty((LANES, n), dtype=np.int64)
        msum = np.empty((LANES, n), dtype=np.int64)
        run_measured(words, key, int(thermalize), int(every), n, self.t, bsum, msum)
        sites = self.L * self.L
        return -self.J * bsum / sites, msum / sites


from ..kernel_cache import serialise_compilation  # noqa: E402 - applies to the kernels above

serialise_compilation(globals())
