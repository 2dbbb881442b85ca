"""Figures of the Hopfield network: phase diagram, m(alpha) at T = 0, basins, digits.

Each function draws data computed by :mod:`statmech.numeric.hopfield` into ``path``.
"""

from __future__ import annotations

import numpy as np

from ._figures import pyplot, save


def phase_diagram_figure(lines: dict, path, alpha_c: float | None = None) -> None:
    """``lines`` from :func:`statmech.numeric.hopfield.theory.phase_diagram`."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    a = np.asarray(lines["alpha"])
    ax.plot(a, lines["T_g"], "k-", label=r"$T_g = 1 + \sqrt{\alpha}$")
    ends = {"T_M": alpha_c, "T_c": lines.get("alpha_T_c_zero")}
    for name, colour, label in (
        ("T_M", "C0", r"$T_M$: retrieval states appear"),
        ("T_c", "C3", r"$T_c$: retrieval is the equilibrium"),
    ):
        t = np.asarray(lines[name], dtype=float)
        ax.plot(a, t, f"{colour}o", ms=3, label=label)
        # the line through the computed points to where it meets T = 0 (the T = 0 theory)
        x, y = a[np.isfinite(t)], t[np.isfinite(t)]
        if ends[name] is not None:
            x, y = np.append(x, ends[name]), np.append(y, 0.0)
        order = np.argsort(x)
        ax.plot(x[order], y[order], f"{colour}-")
    if alpha_c is not None:
        ax.plot([alpha_c], [0.0], "C0s", label=rf"$\alpha_c = {alpha_c:.6f}$")
    if lines.get("alpha_T_c_zero") is not None:
        a0 = lines["alpha_T_c_zero"]
        ax.plot([a0], [0.0], "C3s", label=rf"$T_c = 0$ at $\alpha = {a0:.4f}$")
    ax.set_xlabel(r"$\alpha = P/N$")
    ax.set_ylabel("$T$")
    ax.set_ylim(0, max(1.05, float(np.nanmax(lines["T_g"])) * 1.02))
    ax.set_title("AGS phase diagram (replica symmetric)", fontsize=10)
    ax.legend(fontsize=8)
    save(fig, path)


def overlap_figure(
    theory: dict, simulations: list[dict], path, alpha_c: float | None = None
) -> None:
    """m(alpha) at T = 0: ``theory`` = {"alpha", "m"} (NaN without retrieval) against
    simulations (dicts from ``retrieval_overlap``, several N); ``alpha_c`` as a
    vertical line."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot(theory["alpha"], theory["m"], "k-", label="replica symmetric, $N\\to\\infty$")
    for k, N in enumerate(sorted({s["N"] for s in simulations})):
        rows = sorted((s for s in simulations if s["N"] == N), key=lambda s: s["alpha"])
        ax.errorbar(
            [s["alpha"] for s in rows],
            [s["m"] for s in rows],
            yerr=[s["m_err"] for s in rows],
            fmt="o",
            ms=3,
            color=f"C{k}",
            label=f"$N = {N}$",
        )
    if alpha_c is not None:
        ax.axvline(alpha_c, color="gray", ls=":", lw=1, label=rf"$\alpha_c = {alpha_c:.4f}$")
    ax.set_xlabel(r"$\alpha = P/N$")
    ax.set_ylabel("final overlap $m$")
    ax.set_title("Retrieval at $T = 0$, starting at a pattern", fontsize=10)
    ax.legend(fontsize=8)
    save(fig, path)


def basin_figure(basins: list[dict], path) -> None:
    """Final against initial overlap, one curve per load (dicts from ``basin``)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for k, b in enumerate(basins):
        ax.errorbar(
            b["initial"],
            b["final"],
            yerr=b["final_err"],
            fmt="-o",
            ms=3,
            color=f"C{k}",
            label=rf"$\alpha = {b['P'] / b['N']:.3g}$, $N = {b['N']}$",
        )
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set_xlabel("initial overlap $m_0$")
    ax.set_ylabel("final overlap $m$")
    ax.set_title("Basins of attraction at $T = 0$", fontsize=10)
    ax.legend(fontsize=8)
    save(fig, path)


def digits_figure(example: dict, path, title: str | None = None) -> None:
    """Stored, cued and recalled digits (``digits_example``), one column per digit."""
    plt = pyplot()
    rows = (("stored", "stored"), ("cues", "cue"), ("recalled", "recalled"))
    n = len(example["labels"])
    fig, axes = plt.subplots(3, n, figsize=(max(1.1 * n, 3.3), 3.6), squeeze=False)
    for i, (key, name) in enumerate(rows):
        for j in range(n):
            ax = axes[i, j]
            ax.imshow(example[key][j], cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(name, fontsize=8)
            if i == 2:
                near = example["labels"][example["nearest"][j]]
                if example["correct"][j]:
                    ok = "exact"
                elif example["nearest"][j] == j:
                    ok = f"near {near}"
                else:
                    ok = f"-> {near}"
                ax.set_xlabel(ok, fontsize=8)
            if i == 0:
                ax.set_title(str(example["labels"][j]), fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    save(fig, path)
