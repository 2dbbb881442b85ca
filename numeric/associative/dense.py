r"""Dense associative memory (Krotov-Hopfield) and modern Hopfield retrieval, batched.

Dense memory: units :math:`s_i = \pm1`, energy :math:`-\sum_\mu F(\xi^\mu\cdot s)`,
:math:`F(x) = x^n` or :math:`e^x`; the update sets each unit to the sign of
:math:`\sum_\mu [F(\xi^\mu_i + h^\mu_i) - F(-\xi^\mu_i + h^\mu_i)]` with
:math:`h^\mu_i = \sum_{j\ne i}\xi^\mu_j s_j` (:mod:`statmech.derive.dense_memory`),
all units at once.  The signal-to-noise argument predicts the probability that a
bit of a stored pattern is unstable, :func:`bit_error_theory`.

Modern Hopfield: :math:`x \leftarrow X\,\mathrm{softmax}(\beta X^{\mathsf T}x)`.
"""

from __future__ import annotations

import math

import numpy as np

from ..backend import default_rng, get_namespace, to_numpy

SEPARATIONS = ("power", "exp")


def _F(x, n, xp, N):
    if n == "exp":
        return xp.exp(x - N)  # a common factor e^-N leaves every comparison unchanged
    if isinstance(n, int) and 2 <= n <= 8 and float(N + 1) ** n < 2.0**53:
        # |x| <= N + 1 are integers: the product is exact, so equal to x**n, and faster
        out = x * x
        for _ in range(n - 2):
            out = out * x
        return out
    return x**n


def random_patterns(P: int, N: int, seed: int = 0, xp=np):
    """``P`` random patterns of ``N`` units, +-1, shape ``(P, N)``."""
    rng = default_rng(seed, xp)
    return xp.where(rng.random((P, N)) < 0.5, -1.0, 1.0)


def dense_update(states, patterns, n):
    """One update of all units of each state (rows of ``states``) at once."""
    xp = get_namespace(states, patterns)
    N = patterns.shape[1]
    h = states @ patterns.T  # (B, P)
    # field of pattern mu on unit i from the other units: h - xi_i s_i, shape (B, P, N)
    rest = h[:, :, None] - patterns[None, :, :] * states[:, None, :]
    gain = _F(rest + patterns[None], n, xp, N) - _F(rest - patterns[None], n, xp, N)
    field = xp.sum(gain, axis=1)
    return xp.where(field >= 0, 1.0, -1.0) * xp.where(field == 0, 0.0, 1.0) + xp.where(
        field == 0, states, 0.0
    )


def bit_error_rate(P: int, N: int, n, *, tested: int = 32, seed: int = 0, xp=np):
    """Fraction of the bits of stored patterns that one update flips, with its
    standard error (over the tested patterns)."""
    patterns = random_patterns(P, N, seed, xp)
    k = min(tested, P)
    new = dense_update(patterns[:k], patterns, n)
    per = to_numpy(xp.mean((new != patterns[:k]).astype(float), axis=1))
    return float(per.mean()), float(per.std(ddof=1) / math.sqrt(k)) if k > 1 else 0.0


def double_factorial_odd(m: int) -> int:
    """(2m - 1)!! for m >= 0."""
    out = 1
    for j in range(1, 2 * m, 2):
        out *= j
    return out


def bit_error_theory(P: int, N: int, n: int) -> float:
    r"""Signal-to-noise prediction of the bit error rate for :math:`F = x^n`: the
    signal :math:`F(N) - F(N-2)` against Gaussian noise of variance
    :math:`(P-1)\,\langle[F(h+1) - F(h-1)]^2\rangle` (each term carries a random sign
    :math:`\xi^\mu_i`, so its mean is zero even for odd :math:`n`), :math:`h` a sum of
    :math:`N-1` random signs (its moments exact, by the binomial distribution)."""
    signal = N**n - (N - 2) ** n
    m = N - 1
    k = np.arange(m + 1)
    h = 2 * k - m
    logp = np.array(
        [math.lgamma(m + 1) - math.lgamma(j + 1) - math.lgamma(m - j + 1) for j in k]
    ) - m * math.log(2)
    p = np.exp(logp)
    g = (h + 1.0) ** n - (h - 1.0) ** n
    var = float(np.sum(p * g * g))
    snr = signal / math.sqrt((P - 1) * var)
    return 0.5 * math.erfc(snr / math.sqrt(2))


def retrieved_fraction(
    P: int,
    N: int,
    n,
    *,
    flip: float = 0.1,
    tested: int = 32,
    sweeps: int = 10,
    seed: int = 0,
    xp=np,
):
    """Fraction of tested patterns retrieved exactly from a copy with ``flip`` of
    its bits flipped, after at most ``sweeps`` updates."""
    patterns = random_patterns(P, N, seed, xp)
    rng = default_rng(seed + 1, xp)
    k = min(tested, P)
    s = patterns[:k] * xp.where(rng.random((k, N)) < flip, -1.0, 1.0)
    for _ in range(sweeps):
        new = dense_update(s, patterns, n)
        if bool(xp.all(new == s)):
            break
        s = new
    ok = to_numpy(xp.all(s == patterns[:k], axis=1))
    return float(ok.mean())


def capacity(
    N: int, n, *, level: float = 0.5, seed: int = 0, xp=np, tested: int = 32, flip: float = 0.1
):
    """The number of patterns at which the retrieved fraction falls through ``level``,
    by bisection in log P (a measured capacity); ``flip = 0`` measures the stability
    of the stored patterns themselves."""
    lo, hi = 2, 4
    while retrieved_fraction(hi, N, n, seed=seed, xp=xp, tested=tested, flip=flip) >= level:
        lo, hi = hi, hi * 2
        if hi > 2_000_000:
            raise ValueError(f"no capacity found below 2e6 patterns for N={N}, n={n}")
    while hi - lo > max(1, lo // 16):
        mid = int(round(math.sqrt(lo * hi)))
        mid = min(max(mid, lo + 1), hi - 1)
        if retrieved_fraction(mid, N, n, seed=seed, xp=xp, tested=tested, flip=flip) >= level:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


# --------------------------------------------------------------------------
# Modern Hopfield


def softmax_update(x, patterns, beta: float):
    r""":math:`x \leftarrow X\,\mathrm{softmax}(\beta X^{\mathsf T}x)` for each row of ``x``."""
    xp = get_namespace(x, patterns)
    z = beta * (x @ patterns.T)
    z = z - xp.max(z, axis=1, keepdims=True)
    w = xp.exp(z)
    w = w / xp.sum(w, axis=1, keepdims=True)
    return w @ patterns


def modern_energy(x, patterns, beta: float):
    r"""The modern Hopfield energy :math:`-\beta^{-1}\log\sum e^{\beta\xi\cdot x} + x\cdot x/2
    + \beta^{-1}\log P + M^2/2`, one value per row of ``x``."""
    xp = get_namespace(x, patterns)
    z = beta * (x @ patterns.T)
    zmax = xp.max(z, axis=1, keepdims=True)
    lse = (zmax[:, 0] + xp.log(xp.sum(xp.exp(z - zmax), axis=1))) / beta
    M2 = float(xp.max(xp.sum(patterns * patterns, axis=1)))
    return -lse + 0.5 * xp.sum(x * x, axis=1) + math.log(patterns.shape[0]) / beta + 0.5 * M2


def modern_gradient(x, patterns, beta: float):
    """The gradient of :func:`modern_energy`: ``x - X softmax(beta X^T x)``."""
    return x - softmax_update(x, patterns, beta)


def sphere_patterns(P: int, d: int, seed: int = 0, xp=np):
    r"""``P`` random patterns on the sphere of radius :math:`\sqrt d`, shape ``(P, d)``."""
    rng = default_rng(seed, xp)
    x = rng.standard_normal((P, d))
    return x * (math.sqrt(d) / xp.linalg.norm(x, axis=1, keepdims=True))


def one_step_error(
    P: int, d: int, beta: float, *, noise: float = 0.3, tested: int = 64, seed: int = 0, xp=np
):
    """Mean and standard error of ``|x' - xi| / |xi|`` after one update from a stored
    pattern plus Gaussian noise of relative size ``noise``."""
    patterns = sphere_patterns(P, d, seed, xp)
    rng = default_rng(seed + 1, xp)
    k = min(tested, P)
    x = patterns[:k] + noise * rng.standard_normal((k, d))
    new = softmax_update(x, patterns, beta)
    err = to_numpy(xp.linalg.norm(new - patterns[:k], axis=1)) / math.sqrt(d)
    return float(err.mean()), float(err.std(ddof=1) / math.sqrt(k))


def modern_retrieved_fraction(
    P: int,
    d: int,
    beta: float,
    *,
    noise: float = 0.3,
    tolerance: float = 0.1,
    tested: int = 64,
    seed: int = 0,
    xp=np,
):
    """Fraction of tested patterns retrieved (relative error below ``tolerance``) by one
    update from a noisy copy."""
    patterns = sphere_patterns(P, d, seed, xp)
    rng = default_rng(seed + 1, xp)
    k = min(tested, P)
    x = patterns[:k] + noise * rng.standard_normal((k, d))
    new = softmax_update(x, patterns, beta)
    err = to_numpy(xp.linalg.norm(new - patterns[:k], axis=1)) / math.sqrt(d)
    return float(np.mean(err < tolerance))


def one_step_bound(
    P: int, d: int, beta: float, *, noise: float = 0.3, tested: int = 64, seed: int = 0, xp=np
):
    r"""The mean over the tested starts of the bound
    :math:`\min(2, 2(P-1)e^{-\beta\Delta(x)})` on ``|x' - xi| / |xi|``, with
    :math:`\Delta(x) = \xi\cdot x - \max_{\nu}\xi^\nu\cdot x` the separation at the start
    (:math:`1 - w_\mu \le (P-1)e^{-\beta\Delta}` and :math:`|\xi^\nu - \xi^\mu| \le 2M`;
    the form of Ramsauer et al. 2020, Theorem 5).  Same starts as :func:`one_step_error`."""
    patterns = sphere_patterns(P, d, seed, xp)
    rng = default_rng(seed + 1, xp)
    k = min(tested, P)
    x = patterns[:k] + noise * rng.standard_normal((k, d))
    scores = x @ patterns.T
    own = scores[xp.arange(k), xp.arange(k)]
    others = xp.where(xp.eye(k, P, dtype=bool), -xp.inf, scores)
    sep = own - xp.max(others, axis=1)
    bound = xp.minimum(2.0, 2 * (P - 1) * xp.exp(-beta * sep))
    return float(to_numpy(xp.mean(bound)))


def capacity_theory(N: int, n: int) -> float:
    r"""Signal-to-noise capacity for :math:`F = x^n`: the number of patterns at which a
    stored pattern has all its :math:`N` bits stable with probability 1/2, treating
    the bits as independent, :math:`(1 - \epsilon(P))^N = 1/2` with
    :math:`\epsilon` from :func:`bit_error_theory` (solved by bisection in P)."""
    target = -math.expm1(-math.log(2) / N)
    lo, hi = 2.0, 4.0
    while bit_error_theory(int(hi), N, n) < target:
        lo, hi = hi, hi * 2
    while hi - lo > 0.5:
        mid = 0.5 * (lo + hi)
        if bit_error_theory(int(round(mid)), N, n) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def retrieval_curves(
    N_values, n_values, P_values, *, flip: float = 0.0, tested: int = 64, seeds=range(3), xp=np
):
    """Fraction retrieved (mean and standard error over ``seeds``) against the number
    of patterns, for each ``N`` and each ``n`` (an integer or ``"exp"``)."""
    out = []
    for N in N_values:
        for n in n_values:
            for P in P_values:
                f = [
                    retrieved_fraction(P, N, n, flip=flip, tested=tested, seed=s, xp=xp)
                    for s in seeds
                ]
                se = float(np.std(f, ddof=1) / math.sqrt(len(f))) if len(f) > 1 else 0.0
                out.append({"N": N, "n": n, "P": P, "fraction": float(np.mean(f)), "error": se})
    return out
