"""The square lattice: exact finite-size heat capacities, Onsager's divergence, Yang's m(T),
and critical temperatures side by side."""

from __future__ import annotations

import numpy as np

from .. import Section

ORDER = 31
TITLE = "The square lattice: an exact phase transition"

SIZES = (4, 8, 16, 32, 64, 128, 256)
QUICK_SIZES = (4, 16, 64)


def _heat_capacity_figure(ctx, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from statmech.numeric import kaufman, onsager

    tc = onsager.CRITICAL_TEMPERATURE
    temps = np.linspace(1.5, 3.5, 300 if ctx.quick else 1200)
    sizes = QUICK_SIZES if ctx.quick else SIZES
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for L in sizes:
        c = kaufman.torus_thermodynamics(L, temps)["heat_capacity_per_spin"]
        left.plot(temps, c, lw=1, label=f"L = {L}")
    left.plot(temps, onsager.heat_capacity_per_spin(temps), "k", lw=1.5, label="Onsager")
    left.axvline(tc, color="gray", ls=":", lw=1)
    left.set_ylim(0, 4)
    left.set_xlabel("T / J")
    left.set_ylabel("C per spin")
    left.set_title("Exact L x L tori (Kaufman) and the infinite lattice")
    left.legend(fontsize=8)
    ls = np.array(
        [8, 16, 32, 64, 128, 256] if ctx.quick else [8, 16, 32, 64, 128, 256, 512, 1024, 2048]
    )
    c_tc = np.array(
        [float(kaufman.torus_thermodynamics(L, tc)["heat_capacity_per_spin"]) for L in ls]
    )
    slope = 8 * np.log1p(np.sqrt(2)) ** 2 / (4 * np.pi)
    right.semilogx(ls, c_tc, "o", label="C_L(T_c), exact")
    right.semilogx(
        ls, c_tc[-1] + slope * np.log(ls / ls[-1]), "k--", lw=1, label="slope (8/pi) K_c^2 = 0.4945"
    )
    right.set_xlabel("L")
    right.set_ylabel("C per spin at T_c")
    right.set_title("Logarithmic divergence")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path(name), dpi=110)
    plt.close(fig)
    return c_tc, ls


def _magnetization_figure(ctx, name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from statmech.numeric import onsager

    tc = onsager.CRITICAL_TEMPERATURE
    temps = np.linspace(0.5, 3.0, 600)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(temps, onsager.spontaneous_magnetization(temps), "k")
    left.axvline(tc, color="gray", ls=":", lw=1)
    left.set_xlabel("T / J")
    left.set_ylabel("m")
    left.set_title("Yang's spontaneous magnetization")
    t = np.logspace(-8, -0.5, 100)
    m = onsager.spontaneous_magnetization(tc * (1 - t))
    right.loglog(t, m, "k", label="Yang")
    right.loglog(
        t,
        (8 * np.sqrt(2) * np.log1p(np.sqrt(2)) / 2 * t) ** 0.125,
        "r--",
        lw=1,
        label="(8 sqrt2 K_c t)^(1/8)",
    )
    right.set_xlabel("t = 1 - T/T_c")
    right.set_ylabel("m")
    right.set_title("Exponent 1/8")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path(name), dpi=110)
    plt.close(fig)


def critical_temperature_rows():
    """Weiss, Bethe and exact T_c / J by lattice: the table the mean-field section shows too
    (:func:`statmech.report.critical_temperatures.critical_temperature_table`)."""
    from ..critical_temperatures import critical_temperature_table

    return critical_temperature_table()


def build(ctx) -> Section:
    from statmech.derive.render import tex_prose

    from ..critical_temperatures import table_latex, table_markdown

    c_name, m_name = "ising2d_heat_capacity.png", "ising2d_magnetization.png"
    c_tc, ls = _heat_capacity_figure(ctx, c_name)
    _magnetization_figure(ctx, m_name)
    growth = (c_tc[-1] - c_tc[-2]) / np.log(ls[-1] / ls[-2])
    c_caption = (
        "Heat capacity per spin of $L \\times L$ tori from Kaufman's exact partition function "
        "(checked against enumeration up to $5 \\times 5$) and Onsager's infinite-lattice "
        f"result. Right: the peak height at $T_c$ grows like $\\log L$ with slope {growth:.4f} "
        f"between $L = {ls[-2]}$ and {ls[-1]}, approaching Onsager's $8 K_c^2 / \\pi = 0.4945$."
    )
    m_caption = (
        "Yang's spontaneous magnetization; close to $T_c$ it vanishes as a power of "
        "$1 - T/T_c$ with exponent $1/8$, an asymptotic step checked in the derivation."
    )
    rows = critical_temperature_rows()
    intro = (
        "Kramers-Wannier duality maps high onto low temperature; the transition sits at the "
        "self-dual point $\\sinh(2J/T_c) = 1$, $T_c = 2J / \\log(1 + \\sqrt{2})$. Onsager's "
        "free energy "
        "and energy and Yang's magnetization are quoted; the heat capacity is derived from the "
        "energy. Finite lattices are exact too: Kaufman's product formula gives the partition "
        "function of any $L \\times M$ torus."
    )
    weiss, bethe, exact = next(r for r in rows if r.z == 4).values()
    note = (
        "$T_c/J$. Weiss mean field and the Bethe-Peierls approximation are derived in the "
        "mean-field section; each entry is the $T_c$ result of a derivation (statmech derive "
        "mean-field, bethe, ising2d, ising3d) at the lattice's coordination number $z$. On the "
        f"square lattice mean field overestimates $T_c$ by {weiss / exact - 1:.0%}, "
        f"Bethe by {bethe / exact - 1:.0%}; "
        "Bethe is exact on the chain, a tree."
    )
    md = "\n".join(
        [
            intro,
            "",
            ctx.figure_markdown(c_name, c_caption),
            ctx.figure_markdown(m_name, m_caption),
            "### Critical temperatures",
            "",
            table_markdown(rows),
            "",
            note,
        ]
    )
    tex = "\n".join(
        [
            tex_prose(intro),
            ctx.figure_latex(c_name, c_caption),
            ctx.figure_latex(m_name, m_caption),
            "\\subsection*{Critical temperatures}",
            "\\begin{center}",
            table_latex(rows),
            "\\end{center}",
            tex_prose(note),
        ]
    )
    return Section(TITLE, md, tex, [c_name, m_name])
