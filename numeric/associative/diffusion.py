r"""Reverse diffusion with the exact score of P training points, batched.

The forward process :math:`dx = -x\,dt + \sqrt2\,dW` turns the empirical
distribution of the rows of ``patterns`` (shape ``(P, d)``) into the Gaussian
mixture of :mod:`statmech.derive.diffusion`; its exact score is the
modern-Hopfield update

.. math::

    \nabla\log p_t(x) = \frac{e^{-t}X\,\mathrm{softmax}(\beta_t X^{\mathsf T}x + b) - x}{\Delta_t},
    \qquad \beta_t = e^{-t}/\Delta_t,\ b_\mu = -\tfrac12\beta_t e^{-t}|\xi^\mu|^2 .

The reverse-time SDE (Anderson 1982) and the probability-flow ODE (Song et al.
2021) run from an exact sample of :math:`p_T` down to a small ``t_min``; every
array follows the namespace of ``patterns`` (NumPy or CuPy).

Measurements along the trajectories:

* speciation: the posterior probability :math:`\pi_+(x_t)` of ending in class
  +.  The reverse SDE from :math:`x_t` samples :math:`p(x_0\mid x_t)`, so two
  clones launched from :math:`x_t` end in the same class with probability
  :math:`\pi_+^2 + \pi_-^2`; its mean over trajectories, :math:`\phi(t)`, falls
  from 1 (late) to 1/2 (early).  The measured :math:`t_S` is where
  :math:`\phi = 3/4`, halfway.  For two clusters the midpoint instability
  :math:`\Lambda e^{-2t} = 1` gives :math:`\phi \approx 0.775`; halfway sits
  :math:`\approx 0.08` later in :math:`t` (:func:`phi_two_clusters`).
  :func:`clone_agreement` measures :math:`\phi` with actual clones.
* collapse: the posterior weight of the training point the trajectory finally
  lands on; the measured :math:`t_C` is where its mean crosses 1/2.
* copies: a generated sample copies a training point when its distance to the
  nearest is below a third of that to the second nearest.
"""

from __future__ import annotations

import math

import numpy as np

from ..backend import default_rng, get_namespace, to_numpy

#: Distance ratio (nearest / second nearest training point) below which a sample is a copy.
COPY_RATIO = 1.0 / 3.0


def delta(t):
    """The forward variance :math:`1 - e^{-2t}` (accurate at small t)."""
    return -np.expm1(-2.0 * t)


def beta_t(t):
    r"""The inverse temperature :math:`e^{-t}/\Delta_t` of the score's softmax."""
    return math.exp(-t) / float(delta(t))


def log_weights(x, patterns, t, sqnorms=None):
    r"""Logits :math:`\beta_t\,\xi^\mu\cdot x + b_\mu` (shape ``(B, P)``) of the posterior
    :math:`p(x_0 = \xi^\mu \mid x_t = x)`."""
    xp = get_namespace(x, patterns)
    s = math.exp(-t)
    b = s / float(delta(t))
    if sqnorms is None:
        sqnorms = xp.sum(patterns * patterns, axis=1)
    return b * (x @ patterns.T) - 0.5 * b * s * sqnorms[None, :]


def posterior(x, patterns, t, sqnorms=None):
    """The softmax weights :math:`p(x_0 = \\xi^\\mu \\mid x_t = x)`, shape ``(B, P)``."""
    xp = get_namespace(x, patterns)
    z = log_weights(x, patterns, t, sqnorms)
    z = z - xp.max(z, axis=1, keepdims=True)
    w = xp.exp(z)
    return w / xp.sum(w, axis=1, keepdims=True)


def score(x, patterns, t, sqnorms=None):
    r"""The exact score :math:`\nabla\log p_t(x)` in its modern-Hopfield form, ``(B, d)``."""
    w = posterior(x, patterns, t, sqnorms)
    return (math.exp(-t) * (w @ patterns) - x) / float(delta(t))


def score_direct(x, patterns, t):
    r"""The score from the mixture density itself, :math:`\sum_\mu w_\mu
    (\xi^\mu e^{-t} - x)/\Delta_t` with :math:`w_\mu \propto e^{-|x - \xi^\mu e^{-t}|^2/2\Delta_t}`
    (a second route for checking :func:`score`)."""
    xp = get_namespace(x, patterns)
    means = math.exp(-t) * patterns
    d2 = xp.sum((x[:, None, :] - means[None, :, :]) ** 2, axis=2)
    z = -d2 / (2 * float(delta(t)))
    z = z - xp.max(z, axis=1, keepdims=True)
    w = xp.exp(z)
    w = w / xp.sum(w, axis=1, keepdims=True)
    diff = means[None, :, :] - x[:, None, :]
    return xp.sum(w[:, :, None] * diff, axis=1) / float(delta(t))


def log_density(x, patterns, t):
    r""":math:`\log p_t(x)` of the mixture, shape ``(B,)`` (minus the energy)."""
    xp = get_namespace(x, patterns)
    d = patterns.shape[1]
    var = float(delta(t))
    means = math.exp(-t) * patterns
    d2 = xp.sum((x[:, None, :] - means[None, :, :]) ** 2, axis=2)
    z = -d2 / (2 * var)
    zmax = xp.max(z, axis=1, keepdims=True)
    lse = zmax[:, 0] + xp.log(xp.sum(xp.exp(z - zmax), axis=1))
    return lse - math.log(patterns.shape[0]) - 0.5 * d * math.log(2 * math.pi * var)


def time_grid(t_max: float, t_min: float, steps: int) -> np.ndarray:
    """Decreasing times from ``t_max`` to ``t_min``, uniform in ``log t`` (the score's
    stiffness grows like ``1/t`` as ``t -> 0``)."""
    if not 0 < t_min < t_max:
        raise ValueError(f"need 0 < t_min < t_max, got t_min={t_min}, t_max={t_max}")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    return np.exp(np.linspace(math.log(t_max), math.log(t_min), steps + 1))


def sample_forward(patterns, t, count, rng):
    """Exact samples of :math:`p_t`: a random training point, scaled, plus noise."""
    P, d = patterns.shape
    idx = rng.integers(0, P, size=count)
    noise = rng.standard_normal((count, d), dtype=patterns.dtype)
    return math.exp(-t) * patterns[idx] + math.sqrt(float(delta(t))) * noise, idx


def reverse(
    patterns,
    count: int,
    *,
    method: str = "sde",
    t_max: float = 6.0,
    t_min: float = 1e-3,
    steps: int = 300,
    seed: int = 0,
    record=None,
    start=None,
):
    r"""Run ``count`` reverse trajectories with the exact score.

    Parameters
    ----------
    patterns : array (P, d)
        The training points (NumPy or CuPy; everything follows it).
    method : {"sde", "ode"}
        Reverse SDE :math:`dx = (x + 2\nabla\log p_t)\,d\tau + \sqrt2\,dW` or the
        probability-flow ODE :math:`dx = (x + \nabla\log p_t)\,d\tau` (Euler steps,
        :math:`\tau` the reverse time).
    record : callable or None
        ``record(t, x, weights)`` is called at every time of the grid with the
        posterior weights there; use it to measure along the way.
    start : array (count, d) or None
        The states at ``t_max`` (default: exact samples of :math:`p_{t_{\max}}`).

    Returns
    -------
    x : array (count, d)
        The states at ``t_min``.
    """
    if method not in ("sde", "ode"):
        raise ValueError(f"method must be 'sde' or 'ode', got {method!r}")
    xp = get_namespace(patterns)
    rng = default_rng(seed, xp)
    times = time_grid(t_max, t_min, steps)
    x = sample_forward(patterns, t_max, count, rng)[0] if start is None else start
    sqnorms = xp.sum(patterns * patterns, axis=1)
    drift_factor = 2.0 if method == "sde" else 1.0
    for k in range(steps):
        t, t_next = float(times[k]), float(times[k + 1])
        h = t - t_next
        w = posterior(x, patterns, t, sqnorms)
        if record is not None:
            record(t, x, w)
        s = (math.exp(-t) * (w @ patterns) - x) / float(delta(t))
        x = x + h * (x + drift_factor * s)
        if method == "sde":
            x = x + math.sqrt(2 * h) * rng.standard_normal(x.shape, dtype=x.dtype)
    if record is not None:
        record(float(times[-1]), x, posterior(x, patterns, float(times[-1]), sqnorms))
    return x


def copies(samples, patterns, ratio: float = COPY_RATIO):
    """Which samples copy a training point (nearest / second-nearest distance < ``ratio``)."""
    xp = get_namespace(samples, patterns)
    d2 = (
        xp.sum(samples * samples, axis=1)[:, None]
        - 2 * samples @ patterns.T
        + xp.sum(patterns * patterns, axis=1)[None, :]
    )
    d2 = xp.maximum(d2, 0)
    two = xp.sort(d2, axis=1)[:, :2]
    return xp.sqrt(two[:, 0]) < ratio * xp.sqrt(two[:, 1])


def two_clusters(P: int, d: int, separation: float, seed: int = 0, xp=np):
    r"""``P`` points of two Gaussian clusters at :math:`\pm a e_1` (``a = separation``),
    unit variance, balanced labels; returns ``(patterns, labels)`` with labels in {0, 1}."""
    rng = default_rng(seed, xp)
    labels = xp.arange(P) % 2
    sign = 2.0 * labels - 1.0
    x = rng.standard_normal((P, d))
    x[:, 0] = x[:, 0] + separation * sign
    return x, labels


def top_eigenvalue(patterns) -> float:
    r""":math:`\Lambda`, the largest eigenvalue of the empirical covariance of the points."""
    xp = get_namespace(patterns)
    c = patterns - xp.mean(patterns, axis=0, keepdims=True)
    cov = (c.T @ c) / patterns.shape[0]
    return float(to_numpy(xp.linalg.eigvalsh(cov))[-1])


def crossing(times, values, level: float) -> float:
    """The time where ``values`` (given on increasing ``times``) first crosses ``level``
    going down in time, by linear interpolation; NaN if it never does."""
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    order = np.argsort(times)[::-1]  # from late to early times
    t, v = times[order], values[order]
    above = v >= level
    for i in range(1, len(t)):
        if above[i] != above[i - 1]:
            f = (level - v[i - 1]) / (v[i] - v[i - 1])
            return float(t[i - 1] + f * (t[i] - t[i - 1]))
    return float("nan")


def phi_two_clusters(g, samples: int = 400_000, seed: int = 0) -> np.ndarray:
    r"""Clone agreement :math:`\phi` for two clusters as a function of
    :math:`g = a^2 e^{-2t}/v_t` (1 at the midpoint instability), by Monte Carlo
    over :math:`x_t`: :math:`\pi_+ = \sigma(2g + 2\sqrt g\,z)`."""
    z = np.random.default_rng(seed).standard_normal(samples)
    out = []
    for gi in np.atleast_1d(g):
        u = 2 * gi + 2 * math.sqrt(gi) * z
        p = 0.5 * (1 + np.tanh(u / 2))
        out.append(float(np.mean(p * p + (1 - p) ** 2)))
    return np.array(out)


def collapse_theory(P: int, d: int, variance: float = 1.0) -> float:
    r"""Quoted collapse time :math:`\tfrac12\log(1 + \sigma^2/(P^{2/d} - 1))` of Gaussian
    data (Biroli, Bonnaire, de Bortoli and Mezard 2024)."""
    return 0.5 * math.log1p(variance / math.expm1(2 * math.log(P) / d))


def measure(
    patterns,
    labels=None,
    *,
    count: int = 512,
    method: str = "sde",
    t_max: float | None = None,
    t_min: float = 1e-3,
    steps: int = 300,
    seed: int = 0,
):
    """Speciation, collapse and copies along one batch of reverse trajectories.

    Returns a dict with the time grid and the curves ``phi`` (clone agreement,
    with ``labels``), ``collapse_weight`` (mean posterior weight of the final
    training point) and the measured times, plus the copy fraction of the
    final samples with its binomial standard error.
    """
    xp = get_namespace(patterns)
    lam = top_eigenvalue(patterns)
    if t_max is None:
        t_max = max(6.0, 0.5 * math.log(max(lam, 1.0)) + 4.0)
    times, phis, weights = [], [], []
    lab = None if labels is None else xp.asarray(labels).astype(patterns.dtype)

    def record(t, x, w):
        times.append(t)
        weights.append(w)
        if lab is not None:
            p = w @ lab
            phis.append(float(xp.mean(p * p + (1 - p) ** 2)))

    x = reverse(
        patterns,
        count,
        method=method,
        t_max=t_max,
        t_min=t_min,
        steps=steps,
        seed=seed,
        record=record,
    )
    final = xp.argmax(weights[-1], axis=1)
    rows = xp.arange(count)
    collapse_weight = [float(xp.mean(w[rows, final])) for w in weights]
    copied = to_numpy(copies(x, patterns))
    frac = float(np.mean(copied))
    P, d = patterns.shape
    out = {
        "times": np.array(times),
        "collapse_weight": np.array(collapse_weight),
        "collapse_time": crossing(times, collapse_weight, 0.5),
        "copy_fraction": frac,
        "copy_fraction_error": math.sqrt(max(frac * (1 - frac), 1.0 / count) / count),
        "Lambda": lam,
        "speciation_theory": 0.5 * math.log(lam),
        "samples": x,
    }
    if lab is not None:
        out["phi"] = np.array(phis)
        out["speciation_time"] = crossing(times, phis, 0.75)
    return out


def clone_agreement(
    patterns,
    labels,
    t_clone: float,
    *,
    count: int = 64,
    clones: int = 2,
    t_max: float = 6.0,
    steps: int = 200,
    seed: int = 0,
):
    """Clone agreement measured with actual clones: ``count`` trajectories run to
    ``t_clone``, each is copied ``clones`` times and the copies run on with
    independent noise; returns the fraction of pairs that end in the same class
    and its standard error (over trajectories)."""
    xp = get_namespace(patterns)
    n_before = max(1, int(round(steps * math.log(t_max / t_clone) / math.log(t_max / 1e-3))))
    x = reverse(patterns, count, t_max=t_max, t_min=t_clone, steps=n_before, seed=seed)
    start = xp.repeat(x, clones, axis=0)
    end = reverse(
        patterns,
        count * clones,
        t_min=1e-3,
        t_max=t_clone,
        steps=max(1, steps - n_before),
        seed=seed + 1,
        start=start,
    )
    w = posterior(end, patterns, 1e-3)
    cls = to_numpy(xp.argmax(w, axis=1))
    cls = to_numpy(xp.asarray(labels))[cls].reshape(count, clones)
    same = (cls[:, 0] == cls[:, 1]).astype(float)
    return float(same.mean()), float(same.std(ddof=1) / math.sqrt(count))
