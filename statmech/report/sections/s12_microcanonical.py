"""Foundations III: the microcanonical ensemble, and its agreement with the canonical one."""

import numpy as np

from statmech.derive import check
from statmech.derive.microcanonical import einstein_microcanonical, paramagnet_microcanonical
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.numeric.multiplicity import einstein_temperature, paramagnet_temperature

from .. import Section
from ._figures import pyplot, save

ORDER = 12
TITLE = "The microcanonical ensemble"

INTRO = (
    "At fixed energy every microstate is equally likely, and the entropy counts them: "
    "$S = \\log\\Omega$, with the temperature defined by $1/T = \\partial S/\\partial E$. "
    "With Stirling's approximation the derivations below recover the canonical results "
    "exactly. At finite $N$ the exact multiplicity gives a temperature from a finite "
    "difference, $1/T = [\\log\\Omega(E + \\Delta) - \\log\\Omega(E)]/\\Delta$; the figure "
    "shows it converging to the canonical temperature as $N$ grows, with the error "
    "falling like $1/N$."
)


def _figure(ctx):
    plt = pyplot()
    Ns = np.unique(np.logspace(1, 6, 26).astype(int))
    u = 0.7  # quanta per oscillator
    t_can = 1 / np.log(1 + 1 / u)
    err_e = np.abs(einstein_temperature(Ns, u * Ns) - t_can) / t_can
    x = 0.8  # fraction of spins up, mu h = 1
    t_para = 2 / np.log(x / (1 - x))
    err_p = np.abs(paramagnet_temperature(Ns, x * Ns) - t_para) / t_para
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.loglog(Ns, err_e, "o-", ms=3, label="Einstein solid, $q/N = 0.7$")
    ax.loglog(Ns, err_p, "s-", ms=3, label="paramagnet, $N_+/N = 0.8$")
    ax.loglog(Ns, 1.0 / Ns, "k--", label="$1/N$")
    ax.set_xlabel("$N$")
    ax.set_ylabel("$|T_{micro} - T_{canonical}| / T$")
    ax.legend()
    save(fig, ctx.figure_path("micro_vs_canonical.png"))
    return err_e, err_p, Ns


def build(ctx) -> Section:
    ds = [paramagnet_microcanonical(), einstein_microcanonical()]
    for d in ds:
        check(d)
    err_e, err_p, Ns = _figure(ctx)
    table = (
        f"Relative temperature difference at $N = {Ns[0]}$: {err_e[0]:.2e} (solid), "
        f"{err_p[0]:.2e} (paramagnet); at $N = {Ns[-1]}$: {err_e[-1]:.2e}, {err_p[-1]:.2e}."
    )
    cap = "Microcanonical temperature from exact multiplicities approaches the canonical one."
    md = "\n\n".join(
        [
            INTRO,
            to_markdown_body(ds, check=True, level=3),
            table,
            ctx.figure_markdown("micro_vs_canonical.png", cap),
        ]
    )
    tex = "\n\n".join(
        [
            tex_prose(INTRO),
            to_latex_body(ds, check=True),
            tex_prose(table),
            ctx.figure_latex("micro_vs_canonical.png", cap),
        ]
    )
    return Section(TITLE, md, tex, ["micro_vs_canonical.png"])
