"""Foundations IV: why heat flows from hot to cold (two Einstein solids in contact)."""

import numpy as np

from statmech.derive import check
from statmech.derive.heatflow import heat_flow
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.numeric.multiplicity import relax, two_solids

from .. import Section
from ._figures import pyplot, save

ORDER = 13
TITLE = "Why heat flows from hot to cold"

INTRO = (
    "Two Einstein solids A and B ($N_A : N_B = 3 : 2$) share $q$ quanta, one per oscillator "
    "on average. Every microstate of the pair is equally likely, so the probability of a "
    "split $q_A$ is proportional to the total multiplicity. The derivation shows that it "
    "peaks where the two temperatures are equal, with a relative width that shrinks like "
    "$1/\\sqrt{N}$; the figures use exact multiplicities (log-Gamma, checked against big "
    "integers in the tests)."
)


def _figures(ctx):
    plt = pyplot()
    scales = (1, 10, 100) if ctx.quick else (1, 10, 100, 1000)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    rows = []
    for s in scales:
        N_A, N_B = 30 * s, 20 * s
        sysm = two_solids(N_A, N_B, N_A + N_B)
        x = sysm.q_A / sysm.q
        ax.plot(x, sysm.probability / sysm.probability.max(), label=f"$N = {N_A + N_B}$")
        rows.append((N_A + N_B, sysm.peak, sysm.std / sysm.mean))
    ax.axvline(0.6, color="gray", ls=":", label="equal temperatures")
    ax.set_xlabel("$q_A / q$")
    ax.set_ylabel("$\\Omega(q_A) / \\Omega_{max}$")
    ax.set_xlim(0.3, 0.9)
    ax.legend(fontsize=8)
    save(fig, ctx.figure_path("multiplicity_peak.png"))

    sysm = two_solids(300, 200, 500)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    steps = 20000
    for start, label in ((490, "A hot"), (10, "A cold")):
        ax.plot(np.arange(steps + 1), relax(sysm, start, steps) / sysm.q, label=label)
    ax.axhline(sysm.peak / sysm.q, color="gray", ls=":", label="peak")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, steps)
    ax.set_xlabel("single-quantum moves")
    ax.set_ylabel("mean $q_A / q$")
    ax.legend()
    save(fig, ctx.figure_path("heat_flow.png"))
    return rows


def build(ctx) -> Section:
    d = heat_flow()
    check(d)
    rows = _figures(ctx)
    md_table = [
        "| $N_A + N_B$ | peak $q_A$ | relative width $\\sigma/\\langle q_A \\rangle$ |",
        "|---|---|---|",
    ]
    md_table += [f"| {n} | {p} | {w:.3e} |" for n, p, w in rows]
    tex_table = [
        "\\begin{tabular}{rrr}",
        "$N_A + N_B$ & peak $q_A$ & $\\sigma/\\langle q_A\\rangle$ \\\\ \\hline",
    ]
    tex_table += [f"{n} & {p} & {w:.3e} \\\\" for n, p, w in rows]
    tex_table.append("\\end{tabular}")
    caps = {
        "multiplicity_peak.png": "Total multiplicity of two solids against the share of "
        "quanta in A: the peak sits at equal temperatures and sharpens as $N$ grows.",
        "heat_flow.png": "Energy flows toward the peak: the mean split under random "
        "single-quantum moves (exact master equation, 500 oscillators).",
    }
    md = [INTRO, to_markdown_body([d], check=True, level=3), "\n".join(md_table)]
    tex = [tex_prose(INTRO), to_latex_body([d], check=True), "\n".join(tex_table)]
    for name, cap in caps.items():
        md.append(ctx.figure_markdown(name, cap))
        tex.append(ctx.figure_latex(name, cap))
    return Section(TITLE, "\n\n".join(md), "\n\n".join(tex), list(caps))
