r"""From memorization to generalization: a score model of limited capacity.

The exact empirical score memorizes: reverse diffusion ends on the training
points.  Here the score is that of a dense associative memory with at most
``K`` memories, fitted to ``P`` samples of a known distribution (a standard
Gaussian in ``d`` dimensions):

* ``P <= K``: one memory per training point, with no width -- the exact
  empirical score, which copies training points;
* ``P > K``: the memories are the centroids of ``K`` k-means cells, each with the
  weight and the (isotropic) spread of its cell.  A cell of one point still
  stores that point (no width: it is copied); a cell of several is a mixture of
  stored patterns -- in Hopfield's language a spurious state -- and the samples
  it generates are new points.  As ``P/K`` grows, singletons die out and the
  samples approach the true distribution.

The score of the fitted mixture :math:`\sum_k w_k\,\mathcal N(m_k, s_k^2 I)` under the
forward process is exact in closed form (means :math:`m_k e^{-t}`, variances
:math:`s_k^2 e^{-2t} + \Delta_t`), so reverse diffusion samples the fitted model.
Two measures against ``P``: the copy fraction (:func:`..diffusion.copies`) and the
Frechet distance of the samples to the true Gaussian.
"""

from __future__ import annotations

import math

import numpy as np

from ..backend import default_rng, get_namespace, to_numpy
from .diffusion import copies, delta, time_grid


def kmeans(points, K: int, *, iterations: int = 25, seed: int = 0):
    """Lloyd's k-means (k-means++ start): centroids ``(K, d)`` and labels ``(P,)``."""
    xp = get_namespace(points)
    rng = np.random.default_rng(seed)
    P = points.shape[0]
    host = to_numpy(points)
    chosen = [int(rng.integers(P))]
    d2 = np.sum((host - host[chosen[0]]) ** 2, axis=1)
    for _ in range(1, K):
        probs = d2 / d2.sum() if d2.sum() > 0 else np.full(P, 1.0 / P)
        chosen.append(int(rng.choice(P, p=probs)))
        d2 = np.minimum(d2, np.sum((host - host[chosen[-1]]) ** 2, axis=1))
    centres = points[xp.asarray(chosen)]
    for _ in range(iterations):
        dist = (
            xp.sum(points**2, axis=1)[:, None]
            - 2 * points @ centres.T
            + xp.sum(centres**2, axis=1)[None, :]
        )
        labels = xp.argmin(dist, axis=1)
        onehot = (labels[:, None] == xp.arange(K)[None, :]).astype(points.dtype)
        counts = xp.sum(onehot, axis=0)
        new = (onehot.T @ points) / xp.maximum(counts, 1)[:, None]
        new = xp.where(counts[:, None] > 0, new, centres)
        if bool(xp.allclose(new, centres)):
            centres = new
            break
        centres = new
    return centres, labels


def fit_memory(points, K: int, seed: int = 0):
    """The limited-capacity model: ``(centres, weights, variances)`` with at most ``K``
    memories (one per point, width zero, when ``P <= K``)."""
    xp = get_namespace(points)
    P, d = points.shape
    if P <= K:
        return points, xp.full(P, 1.0 / P), xp.zeros(P)
    centres, labels = kmeans(points, K, seed=seed)
    onehot = (labels[:, None] == xp.arange(K)[None, :]).astype(points.dtype)
    counts = xp.sum(onehot, axis=0)
    resid = xp.sum((points - centres[labels]) ** 2, axis=1)
    spread = (onehot.T @ resid) / (d * xp.maximum(counts, 1))
    # a cell of one training point stores that point alone: its memory has no width
    keep = counts > 0
    return centres[keep], (counts / P)[keep], spread[keep]


def mixture_score(x, centres, weights, variances, t: float):
    """Exact score of the noised mixture at time ``t`` (all widths may differ)."""
    xp = get_namespace(x, centres)
    s = math.exp(-t)
    v = variances * s * s + float(delta(t))  # (K,)
    means = s * centres
    d = x.shape[1]
    d2 = xp.sum(x * x, axis=1)[:, None] - 2 * x @ means.T + xp.sum(means * means, axis=1)[None]
    z = xp.log(weights)[None] - 0.5 * d * xp.log(v)[None] - d2 / (2 * v[None])
    z = z - xp.max(z, axis=1, keepdims=True)
    w = xp.exp(z)
    w = w / xp.sum(w, axis=1, keepdims=True)
    return (w / v[None]) @ means - x * xp.sum(w / v[None], axis=1, keepdims=True)


def sample(
    centres,
    weights,
    variances,
    count: int,
    *,
    t_max: float = 6.0,
    t_min: float = 1e-3,
    steps: int = 150,
    seed: int = 0,
):
    """Reverse-SDE samples of the fitted model, started from exact samples of p_T."""
    xp = get_namespace(centres)
    rng = default_rng(seed, xp)
    d = centres.shape[1]
    idx = to_numpy(xp.asarray(weights))
    comp = np.random.default_rng(seed).choice(len(idx), size=count, p=idx / idx.sum())
    comp = xp.asarray(comp)
    s = math.exp(-t_max)
    sd = xp.sqrt(variances[comp] * s * s + float(delta(t_max)))
    x = s * centres[comp] + sd[:, None] * rng.standard_normal((count, d))
    times = time_grid(t_max, t_min, steps)
    for k in range(steps):
        t, h = float(times[k]), float(times[k] - times[k + 1])
        x = x + h * (x + 2 * mixture_score(x, centres, weights, variances, t))
        x = x + math.sqrt(2 * h) * rng.standard_normal(x.shape)
    return x


def frechet_to_standard(samples) -> float:
    r"""Frechet (Gaussian 2-Wasserstein) distance squared from the samples' mean and
    covariance to :math:`\mathcal N(0, I)`: :math:`|m|^2 + \sum_i(\sqrt{\lambda_i} - 1)^2`."""
    x = to_numpy(samples)
    m = x.mean(axis=0)
    lam = np.clip(np.linalg.eigvalsh(np.cov(x, rowvar=False)), 0, None)
    return float(m @ m + np.sum((np.sqrt(lam) - 1) ** 2))


def crossover(
    P_values,
    *,
    d: int = 16,
    K: int = 64,
    seeds=range(4),
    count: int = 1024,
    steps: int = 150,
    xp=np,
):
    """Copy fraction and Frechet distance against ``P`` (mean and standard error over
    ``seeds``); also the same distance for ``count`` fresh samples of the truth, the
    floor set by sampling alone."""
    rows = []
    for P in P_values:
        cf, fd = [], []
        for seed in seeds:
            rng = default_rng(1000 * seed + P, xp)
            train = rng.standard_normal((P, d))
            model = fit_memory(train, K, seed=seed)
            x = sample(*model, count, steps=steps, seed=seed + 7)
            cf.append(float(to_numpy(copies(x, train)).mean()))
            fd.append(frechet_to_standard(x))
        n = len(cf)
        rows.append(
            {
                "P": int(P),
                "copy_fraction": float(np.mean(cf)),
                "copy_fraction_error": float(np.std(cf, ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
                "frechet": float(np.mean(fd)),
                "frechet_error": float(np.std(fd, ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
            }
        )
    floor = [
        frechet_to_standard(np.random.default_rng(s).standard_normal((count, d))) for s in seeds
    ]
    return {
        "d": d,
        "K": K,
        "seeds": len(list(seeds)),
        "rows": rows,
        "frechet_floor": float(np.mean(floor)),
    }


def plot_crossover(result, path) -> None:
    """Write the crossover figure (copy fraction and distance against P) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["rows"]
    P = [r["P"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.errorbar(
        P,
        [r["copy_fraction"] for r in rows],
        [r["copy_fraction_error"] for r in rows],
        marker="o",
        color="C0",
        capsize=3,
        label="copy fraction",
    )
    ax.set_xscale("log")
    ax.set_xlabel("training points P")
    ax.set_ylabel("fraction of samples that copy a training point", color="C0")
    ax.set_ylim(-0.03, 1.03)
    ax.axvline(result["K"], color="grey", ls=":", label=f"capacity K = {result['K']} memories")
    ax2 = ax.twinx()
    ax2.errorbar(
        P,
        [r["frechet"] for r in rows],
        [r["frechet_error"] for r in rows],
        marker="s",
        color="C3",
        capsize=3,
        label="distance to the true law",
    )
    ax2.axhline(
        result["frechet_floor"], color="C3", ls="--", lw=0.8, label="distance of fresh true samples"
    )
    ax2.set_yscale("log")
    ax2.set_ylabel("Frechet distance$^2$ to N(0, I)", color="C3")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="center right")
    ax.set_title(
        f"Memorization to generalization (d = {result['d']}, {result['seeds']} seeds, mean +- s.e.)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    """``python -m statmech.numeric.associative.generalization OUT.png``: the figure."""
    import argparse
    import json

    ap = argparse.ArgumentParser(description="the memorization-to-generalization figure")
    ap.add_argument("output", help="PNG file to write")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--count", type=int, default=512)
    args = ap.parse_args(argv)
    P_values = [16, 32, 64, 96, 128, 192, 256, 512, 1024, 4096]
    result = crossover(P_values, seeds=range(args.seeds), count=args.count, steps=100)
    plot_crossover(result, args.output)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
