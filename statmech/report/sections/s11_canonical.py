"""Foundations II: canonical thermodynamics of the ideal systems, with figures.

Curves are the derived closed forms compiled to NumPy; markers are exact
enumeration of small systems (two-level, paramagnet), an independent check.
"""

import numpy as np

from statmech.derive import derivations, get_model
from statmech.derive.render import markdown_prose, results_of, tex_prose
from statmech.numeric.compile import compile_expression
from statmech.numeric.enumeration import model_thermodynamics

from .. import Section
from ._figures import pyplot, results_latex, results_markdown, save

ORDER = 11
TITLE = "Canonical thermodynamics of ideal systems"

MODELS = ("two-level", "paramagnet", "harmonic-oscillator", "einstein-solid", "ideal-gas")
KEYS = ("F", "E", "S", "C", "M", "chi", "P", "S_ST")

INTRO = (
    "From $Z = \\sum e^{-E/T}$ follow $F = -T\\log Z$, $E = T^2 \\partial_T \\log Z$, "
    "$S = (E - F)/T$, $C = \\partial_T E$ and, with a field, $M = -\\partial_h F$ and "
    "$\\chi = \\partial_h M$. For independent units $Z = Z_1^N$ (identical particles: "
    "$Z_1^N/N!$). The results below are the checked end points of each model's derivation "
    "(every step is printed in the last section); the figures draw them, compiled to NumPy, "
    "with exact enumeration of small systems as markers."
)


def _fn(model_name, key):
    expr = results_of(derivations(get_model(model_name)))[key]
    names = sorted(s.name for s in expr.free_symbols)
    f = compile_expression(expr, names)
    return lambda **kw: f(*[kw[n] for n in names])


def _schottky(ctx):
    plt = pyplot()
    c = _fn("two-level", "C")
    T = np.linspace(0.02, 3, 400)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.plot(T, c(T=T, epsilon=1.0, N=1), label="derived $C/N$")
    model = get_model("two-level")
    Ts = np.array([0.2, 0.42, 0.8, 1.5, 2.5])
    exact = [model_thermodynamics(model, (8,), {"T": t, "epsilon": 1.0})["C"] / 8 for t in Ts]
    ax.plot(Ts, exact, "o", label="enumeration, 8 units")
    ax.set_xlabel("$T/\\epsilon$")
    ax.set_ylabel("$C/N$")
    ax.set_title("Schottky anomaly")
    ax.legend()
    save(fig, ctx.figure_path("schottky.png"))


def _oscillators(ctx):
    plt = pyplot()
    T = np.linspace(0.02, 3, 400)
    c_osc = _fn("harmonic-oscillator", "C")
    e_osc = _fn("harmonic-oscillator", "E")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    axes[0].plot(T, e_osc(T=T, hbar=1.0, omega=1.0, N=1), label="quantum $E/N$")
    axes[0].plot(T, 0 * T + 0.5, ":", label="zero point $\\hbar\\omega/2$")
    axes[0].plot(T, T, "--", label="classical $E = T$")
    axes[0].set_xlabel("$T/\\hbar\\omega$")
    axes[0].legend()
    axes[1].plot(T, c_osc(T=T, hbar=1.0, omega=1.0, N=1), label="Einstein $C/N$")
    axes[1].axhline(1.0, ls="--", color="gray", label="equipartition")
    axes[1].set_xlabel("$T/\\hbar\\omega$")
    axes[1].legend()
    save(fig, ctx.figure_path("oscillator.png"))


def _paramagnet(ctx):
    plt = pyplot()
    m = _fn("paramagnet", "M")
    chi = _fn("paramagnet", "chi")
    h = np.linspace(-3, 3, 400)
    model = get_model("paramagnet")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for T in (0.5, 1.0, 2.0):
        axes[0].plot(h, m(h=h, T=T, mu=1.0, N=1), label=f"$T = {T}$")
        hs = np.array([-2.0, -0.5, 0.5, 2.0])
        ex = [model_thermodynamics(model, (6,), {"T": T, "h": x, "mu": 1.0})["M"] / 6 for x in hs]
        axes[0].plot(hs, ex, "k.", ms=5)
    axes[0].set_xlabel("$\\mu h$")
    axes[0].set_ylabel("$M/N\\mu = \\tanh(\\mu h/T)$")
    axes[0].legend()
    T = np.linspace(0.2, 4, 300)
    for hv in (0.0, 0.5, 1.0):
        axes[1].plot(T, chi(h=hv, T=T, mu=1.0, N=1), label=f"$\\chi/N$ at $\\mu h = {hv}$")
    axes[1].plot(T, 1 / T, "k--", lw=1, label="Curie $\\mu^2/T$")
    axes[1].set_xlabel("$T$")
    axes[1].legend()
    save(fig, ctx.figure_path("paramagnet.png"))


def build(ctx) -> Section:
    md, tex = [INTRO, ""], [tex_prose(INTRO), ""]
    for name in MODELS:
        model = get_model(name)
        res = results_of(derivations(model))
        md.append(f"### {model.title}\n\n{markdown_prose(model.summary)}\n")
        md.append(results_markdown(res, KEYS))
        tex.append(f"\\subsection{{{tex_prose(model.title)}}}\n{tex_prose(model.summary)}\n")
        tex.append(results_latex(res, KEYS))
    _schottky(ctx)
    _oscillators(ctx)
    _paramagnet(ctx)
    figs = [
        ("schottky.png", "Schottky heat capacity of a two-level system; markers: enumeration."),
        (
            "oscillator.png",
            "Quantum oscillator: energy between zero point and equipartition; heat capacity "
            "freezing out at low $T$.",
        ),
        (
            "paramagnet.png",
            "Paramagnet: magnetization $\\tanh(\\mu h/T)$ (markers: enumeration of 6 spins) "
            "and the "
            "susceptibility, which follows Curie's law at zero field.",
        ),
    ]
    for name, cap in figs:
        md.append(ctx.figure_markdown(name, cap))
        tex.append(ctx.figure_latex(name, cap))
    return Section(TITLE, "\n".join(md), "\n".join(tex), [f for f, _ in figs])
