"""The Ising chain: exact magnetization curves, and no transition at any T > 0."""

from __future__ import annotations

import numpy as np
import sympy as sp

from .. import Section

ORDER = 30
TITLE = "The Ising chain: exact, and without a phase transition"

TEMPERATURES = (0.5, 1.0, 2.0, 4.0)


def _figure(ctx, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from statmech.numeric.ising_chain import chain_thermodynamics

    fields = np.linspace(-2.0, 2.0, 201 if ctx.quick else 801)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for t in TEMPERATURES:
        m = chain_thermodynamics(None, t, 1.0, fields)["magnetization"]
        left.plot(fields, m, label=f"T = {t:g} J")
    ring = chain_thermodynamics(12, 1.0, 1.0, fields)["magnetization"]
    left.plot(fields[::20], ring[::20], "k.", label="ring of 12 spins, T = J")
    left.set_xlabel("h / J")
    left.set_ylabel("m")
    left.legend(fontsize=8)
    left.set_title("m(T, h): smooth through h = 0 at every T > 0")
    temps = np.linspace(0.2, 4.0, 150 if ctx.quick else 400)
    for h in (0.1, 0.01, 0.001):
        m = chain_thermodynamics(None, temps, 1.0, h)["magnetization"]
        right.plot(temps, m, label=f"h = {h:g} J")
    right.set_xlabel("T / J")
    right.set_ylabel("m")
    right.set_title("m(T) in a vanishing field: no spontaneous order")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path(name), dpi=110)
    plt.close(fig)


def build(ctx) -> Section:
    from statmech.derive import transfer_matrix as tm
    from statmech.derive.render import display_latex, tex_prose

    name = "ising_chain_magnetization.png"
    _figure(ctx, name)
    lp, lm = tm.eigenvalues()
    centre, root = (lp + lm) / 2, sp.expand((lp - lm) / 2)
    m = tm.magnetization_per_spin()
    xi = 1 / sp.log(1 / sp.tanh(sp.Symbol("J", positive=True) / sp.Symbol("T", positive=True)))
    rows = [
        (r"\lambda_\pm", f"{sp.latex(centre)} \\pm {sp.latex(root)}"),
        ("m(T, h)", sp.latex(m)),
        (r"\chi(T, 0)", r"e^{2J/T}/T"),
        (r"\langle s_0 s_r \rangle_{h=0}", r"\tanh^r(J/T)"),
        (r"\xi", sp.latex(xi)),
    ]
    caption = (
        "Exact magnetization per spin of the infinite Ising chain ($J = 1$). Left: $m$ against "
        "$h$ at several temperatures, with a ring of 12 spins (dots, transfer matrix). Right: "
        "$m$ against $T$ in ever smaller fields; as the field vanishes the curve collapses onto "
        "$m = 0$ at every positive $T$ (the limit is a checked step of the derivation)."
    )
    text = (
        "The transfer matrix solves the chain exactly (derivation in the model section below): "
        "the free energy is analytic in $T$ and $h$ for every $T > 0$, so there is no phase "
        "transition; the zero-field susceptibility and correlation length stay finite and only "
        "diverge as $T \\to 0$."
    )
    md = [text + "\n"]
    md += [f"$$\n{a} = {b}\n$$\n" for a, b in rows]
    md.append(ctx.figure_markdown(name, caption))
    tex = [tex_prose(text) + "\n"]
    tex += [display_latex(f"{a} = {b}") for a, b in rows]
    tex.append(ctx.figure_latex(name, caption))
    return Section(TITLE, "\n".join(md), "\n".join(tex), [name])
