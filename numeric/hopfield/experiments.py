r"""Retrieval experiments on Hopfield networks: final overlap against load, basins of
attraction, and stored binarized digits.

Error bars are standard errors over independent networks: the starts of one network
share its patterns and are averaged first, so that their correlation does not
shrink the error bar.

References
----------
D. J. Amit, H. Gutfreund and H. Sompolinsky, Ann. Phys. (N.Y.) 173, 30 (1987),
sec. 6 (simulations at T = 0).
"""

from __future__ import annotations

import math

import numpy as np

from ..backend import get_backend, to_numpy
from .dynamics import check_patterns, corrupt, random_patterns, run, run_blocked


def _dynamics(xi, states, T: float, sweeps: int, seed):
    """The asynchronous dynamics: :func:`run_blocked` at T = 0 (exactly the same result
    as :func:`run`, faster), :func:`run` (Glauber) at T > 0."""
    if T == 0:
        return run_blocked(xi, states, sweeps=sweeps, seed=seed)
    return run(xi, states, T=T, sweeps=sweeps, seed=seed)


def _network_mean(per_network: np.ndarray) -> tuple[float, float]:
    """Mean over networks and its standard error."""
    n = per_network.size
    mean = float(per_network.mean())
    err = float(per_network.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return mean, err


def check_load(alpha: float, N: int) -> int:
    """The number of patterns ``round(alpha N)``, or a one-line ``ValueError``."""
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"the load alpha = P/N must be non-negative, got alpha={alpha}")
    if N < 2:
        raise ValueError(f"a network needs at least two units, got N={N}")
    P = max(1, int(round(alpha * N)))
    if P > N:
        raise ValueError(f"alpha={alpha} stores more patterns than units (P={P} > N={N})")
    return P


def retrieval_overlap(
    N: int,
    alpha: float,
    networks: int = 8,
    starts: int = 4,
    T: float = 0.0,
    sweeps: int = 100,
    seed: int = 0,
    backend: str = "numpy",
) -> dict:
    r"""Final overlap with the cued pattern, each start at a stored pattern.

    Start ``k`` of each network begins at its pattern ``k`` (``starts <= P``); the
    result is the final :math:`m_k`, and the largest :math:`|m_\mu|` (the nearest
    pattern).  Returns ``m``, ``m_err`` (over networks), ``nearest``,
    ``nearest_err``, ``P``, ``sweeps``, ``converged`` (fraction of states at a fixed
    point, T = 0).
    """
    xp = get_backend(backend)
    P = check_load(alpha, N)
    starts = min(starts, P)
    small = xp.int8 if T == 0 else None  # the blocked T = 0 dynamics reads +-1 of any dtype
    xi = random_patterns(networks, P, N, seed=seed, xp=xp, dtype=small)
    res = _dynamics(xi, xi[:, :starts, :], T, sweeps, seed + 1)
    ov = to_numpy(res.overlaps)
    k = np.arange(starts)
    cued = ov[:, k, k]
    nearest = np.abs(ov).max(axis=2)
    m, m_err = _network_mean(cued.mean(axis=1))
    near, near_err = _network_mean(nearest.mean(axis=1))
    return {
        "N": N,
        "P": P,
        "alpha": P / N,
        "T": T,
        "m": m,
        "m_err": m_err,
        "nearest": near,
        "nearest_err": near_err,
        "sweeps": res.sweeps,
        "converged": float(to_numpy(res.converged).mean()),
        "networks": networks,
        "starts": starts,
    }


def basin(
    N: int,
    alpha: float,
    initial,
    networks: int = 8,
    starts: int = 4,
    T: float = 0.0,
    sweeps: int = 100,
    seed: int = 0,
    backend: str = "numpy",
) -> dict:
    """Final against initial overlap with pattern 0 (cues with exactly ``N(1 - m0)/2``
    flipped units): arrays ``initial``, ``final``, ``final_err``."""
    xp = get_backend(backend)
    P = check_load(alpha, N)
    xi = random_patterns(networks, P, N, seed=seed, xp=xp)
    finals, errs = [], []
    for j, m0 in enumerate(initial):
        cues = corrupt(xi, float(m0), starts, seed=seed + 7 + j)
        res = _dynamics(xi, cues, T, sweeps, seed + 1000 + j)
        m = to_numpy(res.overlaps)[:, :, 0]
        mean, err = _network_mean(m.mean(axis=1))
        finals.append(mean)
        errs.append(err)
    return {
        "N": N,
        "P": P,
        "initial": np.asarray(initial, dtype=float),
        "final": np.array(finals),
        "final_err": np.array(errs),
    }


def user_patterns(path) -> np.ndarray:
    """A ``.npy`` file of P x N patterns +-1, checked (one-line ``ValueError``)."""
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read patterns from {path}: {exc}") from None
    return check_patterns(data)


def digits_patterns(per_class: int = 1, digits=tuple(range(10))) -> tuple[np.ndarray, np.ndarray]:
    """Binarized 8 x 8 digits as +-1 patterns (64 units): the first ``per_class``
    images of each of ``digits``, and their labels.  Highly correlated patterns."""
    from ..rbm.data import load_digits

    images, labels = load_digits()
    rows = [i for d in digits for i in np.flatnonzero(labels == d)[:per_class]]
    return 2.0 * images[rows] - 1.0, labels[rows]


def recall(patterns, cues, T: float = 0.0, sweeps: int = 50, seed: int = 0) -> dict:
    """Run the T = 0 (or Glauber) dynamics of the network storing ``patterns`` (P, N)
    from ``cues`` (S, N); the recalled states, their overlaps with every pattern,
    and the index of the nearest pattern."""
    xi = check_patterns(patterns)
    cues = np.asarray(cues, dtype=float)
    res = _dynamics(xi, cues, T, sweeps, seed)
    ov = to_numpy(res.overlaps)[0]
    return {
        "recalled": to_numpy(res.states)[0],
        "overlaps": ov,
        "nearest": np.abs(ov).argmax(axis=1),
        "converged": to_numpy(res.converged)[0],
    }


def digits_example(flip: float = 0.1, seed: int = 0, digits=tuple(range(10))) -> dict:
    """Store one binarized image of each of ``digits`` and recall each from a cue with
    a fraction ``flip`` of its pixels flipped (all ten: the correlated images are not
    even fixed points, and recall ends in mixtures; three such as (0, 2, 3) are
    recalled): ``stored``, ``cues``, ``recalled`` (images as (k, 8, 8) arrays of
    +-1), ``nearest`` (the pattern each recall is
    closest to) and ``correct`` (recalled exactly the cued digit)."""
    xi, labels = digits_patterns(digits=digits)
    rng = np.random.default_rng(seed)
    mask = rng.random(xi.shape) < flip
    cues = np.where(mask, -xi, xi)
    got = recall(xi, cues, seed=seed)
    correct = (got["recalled"] == xi).all(axis=1)
    return {
        "labels": labels,
        "stored": xi.reshape(-1, 8, 8),
        "cues": cues.reshape(-1, 8, 8),
        "recalled": got["recalled"].reshape(-1, 8, 8),
        "nearest": got["nearest"],
        "correct": correct,
        "overlaps": got["overlaps"],
    }


def overlap_curve(Ns, alphas, networks: int = 8, starts: int = 4, seed: int = 0, **kw) -> list:
    """:func:`retrieval_overlap` at every ``N`` of ``Ns`` and load of ``alphas``."""
    return [
        retrieval_overlap(N, a, networks=networks, starts=starts, seed=seed + k, **kw)
        for N in Ns
        for k, a in enumerate(alphas)
    ]


def finite_size_capacity(curve: list, level: float = 0.5) -> dict:
    r"""Per ``N``, the load at which the mean final overlap first falls below ``level``
    (linear interpolation between the loads of ``curve``): a finite-size estimate of
    :math:`\alpha_c`, which sharpens towards the :math:`N \to \infty` drop as N grows.
    NaN where the overlap never falls below ``level`` in the loads given."""
    out = {}
    for N in sorted({c["N"] for c in curve}):
        rows = sorted((c for c in curve if c["N"] == N), key=lambda c: c["alpha"])
        a = np.array([c["alpha"] for c in rows])
        m = np.array([c["m"] for c in rows])
        below = np.flatnonzero(m < level)
        if below.size == 0 or below[0] == 0:
            out[N] = float("nan")
            continue
        k = below[0]
        out[N] = float(a[k - 1] + (level - m[k - 1]) * (a[k] - a[k - 1]) / (m[k] - m[k - 1]))
    return out


def extrapolate_capacity(estimates: dict, power: float = 0.5) -> dict:
    r"""The finite-size estimates ``{N: alpha(N)}`` (from :func:`finite_size_capacity`)
    fitted by least squares to :math:`\alpha(N) = \alpha_\infty + b N^{-\text{power}}`:
    ``alpha_inf``, ``slope`` ``b`` and ``Ns`` used (finite estimates only; NaN with fewer
    than two).  The power 1/2 is an assumption (the crossover width of a first-order-like
    drop), not derived: the fit is a heuristic estimate of :math:`\alpha_c`."""
    Ns = sorted(N for N, a in estimates.items() if np.isfinite(a))
    if len(Ns) < 2:
        return {"alpha_inf": float("nan"), "slope": float("nan"), "Ns": Ns, "power": power}
    x = np.array([N ** (-power) for N in Ns])
    y = np.array([estimates[N] for N in Ns])
    A = np.stack([np.ones_like(x), x], axis=1)
    (a_inf, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return {"alpha_inf": float(a_inf), "slope": float(b), "Ns": Ns, "power": power}
