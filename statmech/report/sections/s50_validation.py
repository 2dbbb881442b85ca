r"""Monte Carlo checked against exact results, and the 2D transition seen by simulation.

For each model with an exact reference (the providers of
:mod:`numeric.references`, or exact enumeration for systems of at most 20 spins
where a provider is missing) the section simulates a range of temperatures,
plots the exact curves with the simulated points and their error bars, and
tabulates the z-scores.  Then it plots Binder cumulants of the square-lattice
Ising model for several sizes, which cross near the exact
:math:`T_c = 2/\ln(1+\sqrt2)`.  Sized to run in a few minutes on a 2-core CPU
(``ctx.quick``: well under a minute).
"""

from __future__ import annotations

import math

import numpy as np

from .. import Section

ORDER = 50
TITLE = "Simulation checked against exact results"

T_C = 2.0 / math.log(1.0 + math.sqrt(2.0))
SEED = 2024
MAX_Z = 4.0


def _have_provider(model, params) -> bool:
    from statmech.numeric.references import NoReference, exact_reference

    try:
        exact_reference(model.name, params)
    except (NoReference, KeyError, ValueError, NotImplementedError):
        return False
    return True


def _source_words(methods) -> str:
    """The exact values' methods in words (captions name the method, not the module),
    as each comparison names them (:attr:`numeric.compare.Comparison.method`)."""
    return "; ".join(methods)


def _plans(quick: bool):
    """(model name, fixed parameters, temperatures) for each comparison."""
    from statmech.derive.registry import get_model

    count = 4 if quick else 7
    out = []
    for name, big, small, lo, hi in (
        ("ising1d", {"N": 16}, {"N": 16}, 0.75, 3.0),
        ("ising2d", {"L": 8 if quick else 16}, {"L": 4}, 1.6, 3.4),
        ("curie-weiss", {"N": 64}, {"N": 12}, 0.6, 1.6),
    ):
        model = get_model(name)
        base = {"J": 1.0, "h": 0.0}
        size = big if _have_provider(model, {**base, **big, "T": lo}) else small
        out.append((model, {**base, **size}, list(np.linspace(lo, hi, count))))
    return out


def _validate(ctx, model, fixed, temps, sweeps, replicas):
    from statmech.commands.validate import plot
    from statmech.numeric.compare import compare
    from statmech.numeric.simulation import simulate
    from statmech.params import Assignment

    rows, sources = [], set()
    for T in temps:
        params = {**fixed, "T": float(T)}
        res = simulate(model, params, sweeps=sweeps, replicas=replicas, seed=SEED)
        comparison = compare(model, params, res, {"T": float(T)})
        rows += [row.to_dict() for row in comparison.rows]
        sources.add(comparison.method)
    name = f"validation_{model.name}.png"
    plot(
        model,
        fixed,
        [Assignment("T", tuple(float(t) for t in temps), True)],
        rows,
        ctx.figure_path(name),
    )
    return rows, sorted(sources), name


# Column heads of the z-score tables: the quantities as symbols (no "|" so that the
# Markdown table stays a table), per spin.
HEADS = {
    "energy_per_spin": "$E/N$",
    "heat_capacity_per_spin": "$C/N$",
    "abs_magnetization": "$\\langle \\lvert m \\rvert \\rangle$",
    "magnetization_squared": "$\\langle m^2 \\rangle$",
    "susceptibility": "$\\chi/N$",
    "binder": "$U_4$",
}


def _head(quantity: str) -> str:
    return HEADS.get(quantity, quantity.replace("_", " "))


def _z_table(rows):
    from statmech.derive.render import fit_width, tex_prose

    quantities = list(dict.fromkeys(r["quantity"] for r in rows))
    temps = list(dict.fromkeys(r["T"] for r in rows))
    z = {(r["T"], r["quantity"]): r["z"] for r in rows}
    md = ["| $T$ | " + " | ".join(_head(q) for q in quantities) + " |"]
    md.append("|---" * (len(quantities) + 1) + "|")
    tex = [
        "\\begin{tabular}{r" + "r" * len(quantities) + "}",
        "$T$ & " + " & ".join(tex_prose(_head(q)) for q in quantities) + " \\\\ \\hline",
    ]
    for T in temps:
        cells = [f"{z[(T, q)]:+.2f}" if (T, q) in z else "" for q in quantities]
        md.append(f"| {T:.3g} | " + " | ".join(cells) + " |")
        tex.append(f"{T:.3g} & " + " & ".join(cells) + " \\\\")
    tex.append("\\end{tabular}")
    return "\n".join(md), fit_width("\n".join(tex))


def binder_crossing(sizes, temps, sweeps, replicas):
    """Binder cumulants of the square-lattice Ising model; returns
    ``{L: [(T, Estimate), ...]}`` and the crossing temperatures of consecutive sizes."""
    from statmech.numeric.simulation import simulate

    curves = {}
    for L in sizes:
        curves[L] = []
        for T in temps:
            res = simulate(
                "ising2d",
                {"T": float(T), "J": 1.0, "h": 0.0, "L": L},
                sweeps=sweeps,
                replicas=replicas,
                seed=SEED + L,
            )
            curves[L].append((float(T), res.observables["binder"]))
    crossings = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        d = np.array(
            [ua.mean - ub.mean for (_, ua), (_, ub) in zip(curves[a], curves[b], strict=True)]
        )
        ts = np.array([t for t, _ in curves[a]])
        for i in range(len(d) - 1):
            if d[i] == 0 or d[i] * d[i + 1] < 0:
                t = ts[i] - d[i] * (ts[i + 1] - ts[i]) / (d[i + 1] - d[i])
                crossings.append((a, b, float(t)))
                break
    return curves, crossings


def _binder_figure(ctx, curves, crossings, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for L, pts in curves.items():
        ax.errorbar(
            [t for t, _ in pts],
            [e.mean for _, e in pts],
            yerr=[e.error for _, e in pts],
            fmt="o-",
            ms=3,
            capsize=2,
            label=f"L = {L}",
        )
    ax.axvline(T_C, color="k", ls="--", lw=1, label=f"exact $T_c$ = {T_C:.4f}")
    ax.set_xlabel("T")
    ax.set_ylabel(r"Binder cumulant $1 - \langle m^4\rangle / 3\langle m^2\rangle^2$")
    ax.set_title("Square-lattice Ising model: Binder cumulants")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path(name), dpi=120)
    plt.close(fig)


def build(ctx) -> Section:
    from statmech.derive.render import tex_prose

    quick = ctx.quick
    sweeps, replicas = (1500, 8) if quick else (4000, 16)
    md = [
        "Each model is simulated with the reference (or fast, where available) Metropolis "
        f"sampler: {replicas} replicas, {sweeps} measurement sweeps after the stated "
        "thermalisation ($\\max(100, \\text{sweeps}/5)$ sweeps), seed "
        f"{SEED}. Error bars account for autocorrelation (Sokal's automatic window for means, "
        "block jackknife for the heat capacity, susceptibility and Binder cumulant). "
        "The tables give $z = (\\text{simulated} - \\text{exact}) / \\text{error}$ (per spin "
        "quantities; $U_4$ is the Binder cumulant); a check fails when "
        f"$|z| > {MAX_Z:g}$.\n"
    ]
    tex = [tex_prose(md[0]) + "\n"]
    worst = 0.0
    for model, fixed, temps in _plans(quick):
        rows, sources, fig = _validate(ctx, model, fixed, temps, sweeps, replicas)
        worst = max([worst] + [abs(r["z"]) for r in rows])
        size = ", ".join(f"{k} = {v}" for k, v in fixed.items() if k in ("N", "L"))
        words = _source_words(sources)
        caption = f"{model.title} (${size}$): exact values ({words}) and Monte Carlo"
        zmd, ztex = _z_table(rows)
        md.append(f"### {model.title}, {size}\n\n{ctx.figure_markdown(fig, caption)}\n")
        md.append(f"z-scores (exact values from {words}):\n\n{zmd}\n")
        tex.append(f"\\subsection{{{tex_prose(model.title)}, ${size.replace(' ', '')}$}}\n")
        tex.append(ctx.figure_latex(fig, caption))
        tex.append(f"\\begin{{center}}\n{ztex}\n\\end{{center}}\n")
    verdict = "all pass" if worst <= MAX_Z else "SOME FAIL"
    md.append(f"Largest $|z|$ over all comparisons: {worst:.2f} ({verdict}).\n")
    tex.append(f"Largest $|z|$ over all comparisons: {worst:.2f} ({verdict}).\n")

    sizes = (4, 8, 16) if quick else (8, 16, 32)
    temps = np.linspace(2.1, 2.45, 5 if quick else 8)
    b_sweeps = 2000 if quick else 6000
    curves, crossings = binder_crossing(sizes, temps, b_sweeps, replicas)
    name = "binder_ising2d.png"
    _binder_figure(ctx, curves, crossings, name)
    cross = "; ".join(f"$L = {a}$ and ${b}$ cross at $T = {t:.3f}$" for a, b, t in crossings)
    text = (
        f"Binder cumulants of the square-lattice Ising model for $L = "
        f"{', '.join(map(str, sizes))}$ ({replicas} replicas $\\times$ {b_sweeps} sweeps "
        "per point). "
        "Curves of different sizes cross near the critical temperature: "
        f"{cross or 'no crossing in range'}; "
        f"the exact value is $T_c = 2/\\log(1+\\sqrt{{2}}) = {T_C:.4f}$."
    )
    caption = "Binder cumulants for several $L$ cross near the exact $T_c$ (dashed)"
    figure = ctx.figure_markdown(name, caption)
    md.append(f"### The 2D phase transition in simulation\n\n{text}\n\n{figure}")
    tex.append("\\subsection{The 2D phase transition in simulation}\n" + tex_prose(text) + "\n")
    tex.append(ctx.figure_latex(name, caption))
    return Section(
        TITLE,
        "\n".join(md),
        "\n".join(tex),
        [f"validation_{m.name}.png" for m, _, _ in _plans(quick)] + [name],
    )
