"""Report-ready figures of the associative-memory experiments (PNG, matplotlib Agg).

``python -m statmech.numeric.associative.figures FOLDER`` writes them all:

* ``capacity.png``      fraction retrieved against P for n = 2, 3, 4 and exponential F;
* ``attention_map.png`` the attention update as a fixed-point map (one dimension);
* ``trajectories.png``  reverse trajectories coloured by the cluster they end in, with
  the clone agreement and the collapse weight against t;
* ``depth_energy.png``  the energy along the depth of a residual network for several eta.

The memorization-to-generalization figure is
:func:`statmech.numeric.associative.generalization.plot_crossover`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import dense, residual
from . import diffusion as dif


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_capacity(path, N: int = 20, P_values=(2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)):
    """Fraction of stored patterns retrieved (10% of bits flipped) against P."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for n, colour in ((2, "C0"), (3, "C1"), (4, "C2"), ("exp", "C3")):
        rows = dense.retrieval_curves([N], [n], P_values, flip=0.1, tested=32, seeds=range(3))
        label = "F = exp(x)" if n == "exp" else f"F = x^{n}"
        ax.errorbar(
            [r["P"] for r in rows],
            [r["fraction"] for r in rows],
            [r["error"] for r in rows],
            marker="o",
            capsize=2,
            color=colour,
            label=label,
        )
        if n != "exp":
            ax.axvline(dense.capacity_theory(N, n), color=colour, ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("stored patterns P")
    ax.set_ylabel("fraction retrieved")
    ax.set_title(f"Dense associative memory, N = {N}, 10% of bits flipped", fontsize=10)
    ax.text(
        0.02,
        0.03,
        "dotted: signal-to-noise capacity\n(stored patterns stable)",
        transform=ax.transAxes,
        fontsize=7,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_attention_map(path, betas=(0.5, 2.0, 8.0)):
    r"""The update :math:`x \mapsto X\,\mathrm{softmax}(\beta X^{\mathsf T}x)` for three
    one-dimensional patterns: fixed points where it crosses the diagonal."""
    plt = _plt()
    pats = np.array([[-1.0], [0.3], [1.0]])
    x = np.linspace(-1.5, 1.5, 400)[:, None]
    fig, ax = plt.subplots(figsize=(5.0, 4.0))
    for beta in betas:
        ax.plot(x[:, 0], dense.softmax_update(x, pats, beta)[:, 0], label=f"beta = {beta}")
    ax.plot(x[:, 0], x[:, 0], "k--", lw=0.8, label="x' = x")
    for p in pats[:, 0]:
        ax.axvline(p, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.set_ylabel("x' = X softmax(beta X^T x)")
    ax.set_title("Attention as a fixed-point map (patterns -1, 0.3, 1)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_trajectories(path, d: int = 32, P: int = 400, a: float = 5.0, count: int = 256):
    """Reverse-SDE trajectories of two-cluster data, projected on the cluster axis and
    coloured by the cluster they end in; beside them the clone agreement and the
    collapse weight, with the speciation and collapse times."""
    plt = _plt()
    pats, labels = dif.two_clusters(P, d, a, seed=1)
    path_x = []

    def record(t, x, w):
        path_x.append(x[:40, 0].copy())

    res = dif.measure(pats, labels, count=count, steps=200, seed=2)
    dif.reverse(pats, 40, steps=200, seed=2, record=record, t_max=float(res["times"][0]))
    times = res["times"]
    ys = np.array(path_x)
    end = ys[-1] > 0
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10.0, 3.8))
    for j in range(ys.shape[1]):
        ax.plot(times, ys[:, j], color="C3" if end[j] else "C0", lw=0.6, alpha=0.8)
    t_s = res["speciation_theory"]
    t_c = dif.collapse_theory(P // 2, d)
    for axis in (ax, ax2):
        axis.axvline(t_s, color="k", ls="--", lw=0.8)
        axis.axvline(t_c, color="k", ls=":", lw=0.8)
        axis.set_xscale("log")
        axis.set_xlabel("diffusion time t (generation runs left to right, t decreasing)")
        axis.invert_xaxis()
    ax.set_ylabel("x . e_1")
    ax.set_title(f"Reverse trajectories, d = {d}, P = {P}")
    ax2.plot(times, res["phi"], label="clone agreement phi(t)")
    ax2.plot(times, res["collapse_weight"], label="weight of the final training point")
    ax2.axhline(0.75, color="grey", lw=0.5)
    ax2.axhline(0.5, color="grey", lw=0.5)
    ax2.set_title("dashed: (1/2) log Lambda; dotted: quoted t_C")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_depth_energy(path, L: float = 4.0, depth: int = 30, d: int = 12):
    """Energy along the depth of a residual network on a quadratic energy (largest
    curvature ``L``) for several eta around the bound 2/L."""
    plt = _plt()
    A = residual.random_quadratic(d, L, seed=1)
    e, g = residual.quadratic(A)
    x0 = residual.start_states(1, d, seed=2)
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for factor in (0.25, 0.9, 0.99, 1.01, 1.05):
        eta = factor * 2 / L
        energy = residual.energy_along_depth(e, g, x0, eta, depth)[:, 0]
        ax.plot(np.arange(depth + 1), energy, label=f"eta = {factor:g} x 2/L")
    bound = residual.monotone_bound(e, g, residual.start_states(16, d, seed=3), depth=depth)
    ax.set_yscale("log")
    ax.set_xlabel("layer l")
    ax.set_ylabel("E(x_l)")
    ax.set_title(
        f"Residual gradient blocks: monotone for eta < {bound:.4g}, 2/L = {2 / L:g}", fontsize=10
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="the associative-memory figures")
    ap.add_argument("folder", help="folder to write the PNG files into")
    args = ap.parse_args(argv)
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    plot_capacity(out / "capacity.png")
    plot_attention_map(out / "attention_map.png")
    plot_trajectories(out / "trajectories.png")
    plot_depth_energy(out / "depth_energy.png")
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
