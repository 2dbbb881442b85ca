"""Mean-field theory: solution branches, the double well, hysteresis, critical temperatures."""

from __future__ import annotations

import math

from .. import Section

ORDER = 40
TITLE = "Mean-field theory"

COLOURS = {1: "C0", 2: "C1", 3: "C3"}
LABELS = {1: "stable (equilibrium)", 2: "metastable", 3: "unstable"}
ONSAGER = "L. Onsager, Phys. Rev. 65, 117 (1944)"
YANG = "C. N. Yang, Phys. Rev. 85, 808 (1952)"
CUBIC = "A. M. Ferrenberg, J. Xu, D. P. Landau, Phys. Rev. E 97, 043301 (2018)"
#: Simple cubic Ising T_c/J, quoted (Monte Carlo): K_c = 0.221654626(5).
CUBIC_TC = 1 / 0.221654626


def onsager_critical_temperature(J: float = 1.0) -> float:
    """Onsager's quoted exact value for the square lattice, T_c = 2J / log(1 + sqrt 2)."""
    return 2 * J / math.log(1 + math.sqrt(2))


def yang_magnetization(T: float, J: float = 1.0) -> float:
    """Yang's quoted spontaneous magnetization of the square lattice, (1 - sinh^-4 2K)^(1/8)."""
    if T >= onsager_critical_temperature(J):
        return 0.0
    return (1 - math.sinh(2 * J / T) ** -4) ** 0.125


def _plot_slots(ax, values, sol, seen: set):
    """Each solution as a point coloured by its stability (one legend entry per kind)."""
    for code, colour in COLOURS.items():
        mask = sol.stability == code
        if not mask.any():
            continue
        xs = (values[:, None] + 0 * sol.m)[mask]
        ax.plot(
            xs, sol.m[mask], ".", ms=2, color=colour, label=None if code in seen else LABELS[code]
        )
        seen.add(code)


def _branches_figure(ctx, n):
    import matplotlib.pyplot as plt
    import numpy as np

    import derive
    from derive.meanfield import mean_field_equations
    from numeric.solve import solve_grid

    cw = mean_field_equations(derive.get_model("curie-weiss"))
    weiss = mean_field_equations(derive.get_model("mean-field"))
    bethe = mean_field_equations(derive.get_model("bethe"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    temps = np.linspace(0.3, 1.5, n)
    seen: set = set()
    for hval in (0.0, 0.05):
        sol = solve_grid(cw, {"T": temps, "J": 1.0, "h": hval})
        _plot_slots(left, temps, sol, seen)
    left.set_xlabel("T / J")
    left.set_ylabel("m")
    left.set_title("Curie-Weiss: every solution at h = 0 and h = 0.05 J")
    left.legend(markerscale=4, fontsize=8)
    temps2 = np.linspace(0.5, 4.5, n)
    for eq, name, colour in ((weiss, "Weiss", "C2"), (bethe, "Bethe-Peierls", "C4")):
        sol = solve_grid(eq, {"T": temps2, "J": 1.0, "h": 0.0, "z": 4})
        right.plot(
            temps2,
            np.nanmax(np.where(sol.equilibrium, sol.m, np.nan), axis=1),
            color=colour,
            label=f"{name} (z = 4)",
        )
    right.plot(
        temps2,
        [yang_magnetization(t) for t in temps2],
        "k--",
        lw=1,
        label="exact square lattice (Yang, quoted)",
    )
    right.set_xlabel("T / J")
    right.set_ylabel("equilibrium m (h = 0)")
    right.set_title("Square lattice: approximations and the exact curve")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path("meanfield_branches.png"), dpi=120)
    plt.close(fig)


def _landscape_figure(ctx):
    import matplotlib.pyplot as plt
    import numpy as np

    import derive
    from derive.meanfield import mean_field_equations
    from numeric.compile import compile_expression
    from numeric.solve import solve_grid

    eq = mean_field_equations(derive.get_model("curie-weiss"))
    f = compile_expression(eq.free_energy, (eq.unknowns[0], *eq.parameters))
    x = np.linspace(-0.995, 0.995, 801)
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, T in enumerate((1.3, 1.0, 0.9, 0.8, 0.7)):
        shift = -T * math.log(2)  # f(0), so that the curves start together
        ax.plot(x, f(x, T, 1.0, 0.0) - shift, color=f"C{i}", label=f"T = {T} J")
        sol = solve_grid(eq, {"T": T, "J": 1.0, "h": 0.0})
        for j in range(int(sol.count[0])):
            ax.plot(
                sol.x[0, j],
                sol.free_energy[0, j] - shift,
                "o",
                ms=4,
                color=COLOURS[int(sol.stability[0, j])],
            )
    ax.set_xlabel("m")
    ax.set_ylabel("f(m) - f(0)  [J]")
    ax.set_ylim(-0.12, 0.1)
    ax.set_title("Bragg-Williams free energy at h = 0: the double well below T_c")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path("meanfield_landscape.png"), dpi=120)
    plt.close(fig)


def _hysteresis_figure(ctx, n):
    import matplotlib.pyplot as plt
    import numpy as np

    import derive
    from derive.meanfield import mean_field_equations
    from numeric.continuation import continuation, hysteresis_loop

    eq = mean_field_equations(derive.get_model("curie-weiss"))
    fixed = {"T": 0.8, "J": 1.0}
    values = np.linspace(-0.25, 0.25, n)
    cont = continuation(eq, "h", values, fixed)
    loop = hysteresis_loop(eq, "h", values, fixed)
    fig, ax = plt.subplots(figsize=(6, 4))
    seen: set = set()
    for b in cont.branches:
        for code, colour in COLOURS.items():
            mask = b.stability == code
            if mask.any():
                ax.plot(
                    b.values[mask],
                    b.m[mask],
                    ".",
                    ms=2,
                    color=colour,
                    label=None if code in seen else LABELS[code].replace(" (equilibrium)", ""),
                )
                seen.add(code)
    ax.plot(loop.values, loop.m_up, "k-", lw=1, label="sweep up")
    ax.plot(loop.values, loop.m_down, "k--", lw=1, label="sweep down")
    for s in cont.spinodals:
        ax.plot([s.value], [s.m], "kx")
    ax.set_xlabel("h / J")
    ax.set_ylabel("m")
    ax.set_title("Curie-Weiss at T = 0.8 J: hysteresis between the spinodals (x)")
    ax.legend(fontsize=8, markerscale=4)
    fig.tight_layout()
    fig.savefig(ctx.figure_path("meanfield_hysteresis.png"), dpi=120)
    plt.close(fig)
    return cont


def _finite_n_figure(ctx, quick):
    import matplotlib.pyplot as plt
    import numpy as np

    import derive
    from derive.meanfield import mean_field_equations
    from numeric.curie_weiss import exact_thermodynamics, free_energy_per_spin
    from numeric.solve import solve_grid

    eq = mean_field_equations(derive.get_model("curie-weiss"))
    temps = np.linspace(0.4, 1.6, 61 if quick else 121)
    sol = solve_grid(eq, {"T": temps, "J": 1.0, "h": 0.0})
    m_mf = np.nanmax(np.where(sol.equilibrium, sol.m, np.nan), axis=1)
    f_mf = np.nanmin(np.where(sol.equilibrium, sol.free_energy, np.nan), axis=1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for i, N in enumerate((16, 64, 256, 1024, 4096)):
        left.plot(
            temps,
            exact_thermodynamics(N, temps, 1.0, 0.0)["abs_m"],
            color=f"C{i}",
            lw=1,
            label=f"exact, N = {N}",
        )
    left.plot(temps, m_mf, "k--", label="mean field")
    left.set_xlabel("T / J")
    left.set_ylabel("<|m|>")
    left.set_title("Curie-Weiss: exact finite-N sums approach mean field")
    left.legend(fontsize=8)
    sizes = np.unique(np.logspace(1, 6, 16).astype(int))
    for T, colour in ((1.5, "C0"), (0.7, "C1"), (1.0, "C3")):
        k = int(np.argmin(np.abs(temps - T)))
        gaps = [abs(free_energy_per_spin(N, temps[k], 1.0, 0.0) - f_mf[k]) for N in sizes]
        right.loglog(sizes, gaps, "o-", ms=3, color=colour, label=f"T = {temps[k]:.2f} J")
    right.loglog(sizes, 1.0 / sizes, "k:", label="1/N")
    right.loglog(sizes, np.log(sizes) / sizes / 4, "k--", lw=1, label="log N / (4N)")
    right.set_xlabel("N")
    right.set_ylabel("|F/N - f(m*)|")
    right.set_title("Free energy: 1/N, and log N / N at T_c")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path("meanfield_finite_n.png"), dpi=120)
    plt.close(fig)


def critical_temperature_table() -> list[tuple[str, float, float, float, str]]:
    """(lattice, Weiss, Bethe, reference value, reference) for z = 4 and z = 6, J = 1."""
    import sympy as sp

    import derive
    from derive.meanfield import mean_field_equations, z

    rows = []
    for lattice, zz, exact, ref in (
        ("square (z = 4)", 4, onsager_critical_temperature(), f"exact, quoted: {ONSAGER}"),
        ("simple cubic (z = 6)", 6, CUBIC_TC, f"Monte Carlo, quoted: {CUBIC}"),
    ):
        values = []
        for name in ("mean-field", "bethe"):
            tc = mean_field_equations(derive.get_model(name)).critical_temperature
            values.append(float(tc.subs({sp.Symbol("J", positive=True): 1, z: zz})))
        rows.append((lattice, values[0], values[1], exact, ref))
    return rows


def build(ctx) -> Section:
    import matplotlib

    matplotlib.use("Agg")
    import sympy as sp

    import derive
    from derive.meanfield import mean_field_equations

    quick = ctx.quick
    n = 121 if quick else 401
    _branches_figure(ctx, n)
    _landscape_figure(ctx)
    cont = _hysteresis_figure(ctx, 201 if quick else 801)
    _finite_n_figure(ctx, quick)
    rows = critical_temperature_table()

    weiss = mean_field_equations(derive.get_model("mean-field"))
    bethe = mean_field_equations(derive.get_model("bethe"))
    (x,) = weiss.unknowns
    eq_weiss = sp.latex(sp.Eq(x, weiss.fixed_point[0]))
    eq_bethe = sp.latex(sp.Eq(bethe.unknowns[0], bethe.fixed_point[0]))
    f_weiss = sp.latex(weiss.free_energy)
    hs = cont.spinodals[-1].value

    intro = (
        "Weiss mean field replaces the neighbours of a spin by their mean; the variational "
        "(Bragg-Williams) free energy gives the same equation as its stationarity, and for "
        "the Curie-Weiss model the exact sum over the magnetization gives it by Laplace's "
        "method. The solver finds every solution and tags it by the curvature of the free "
        "energy (derivations in the last section, each step checked)."
    )
    eqs_md = (
        f"$$\n{eq_weiss}\n$$\n\n$$\nf(m) = {f_weiss}\n$$\n\n"
        f"Bethe-Peierls, cavity magnetization $u$:\n\n$$\n{eq_bethe}\n$$\n"
    )
    eqs_tex = (
        f"\\begin{{equation*}}{eq_weiss}\\end{{equation*}}\n"
        f"\\begin{{equation*}}f(m) = {f_weiss}\\end{{equation*}}\n"
        f"Bethe-Peierls, cavity magnetization $u$:\n"
        f"\\begin{{equation*}}{eq_bethe}\\end{{equation*}}\n"
    )
    table_md = [
        "| lattice | Weiss $zJ$ | Bethe $2J/\\log(z/(z-2))$ | reference | source |",
        "|---|---|---|---|---|",
    ]
    table_tex = [
        "\\begin{tabular}{lrrrl}",
        "lattice & Weiss & Bethe & reference & source\\\\",
        "\\hline",
    ]
    from derive.render import _escape_tex

    for lattice, w, b, ex, ref in rows:
        table_md.append(f"| {lattice} | {w:.4f} | {b:.4f} | {ex:.4f} | {ref} |")
        table_tex.append(
            f"{_escape_tex(lattice)} & {w:.4f} & {b:.4f} & {ex:.4f} & "
            f"\\footnotesize {_escape_tex(ref)}\\\\"
        )
    table_tex.append("\\end{tabular}\n")
    caption_table = "Critical temperatures T_c / J."
    figures = [
        (
            "meanfield_branches.png",
            "Left: every solution of m = tanh((Jm + h)/T), coloured by "
            "stability. Right: equilibrium magnetization on the square lattice, Weiss and "
            "Bethe-Peierls against Yang's exact (quoted) result.",
        ),
        (
            "meanfield_landscape.png",
            "The free energy f(m) at h = 0: a single minimum above "
            "T_c = J, a double well below; dots are the solver's solutions.",
        ),
        (
            "meanfield_hysteresis.png",
            f"Branches in the field at T = 0.8 J and the hysteresis "
            f"loop of a sweep that stays metastable until the spinodal |h| = {hs:.6f} J.",
        ),
        (
            "meanfield_finite_n.png",
            "Exact finite-N Curie-Weiss sums (no sampling) approach "
            "mean field: the free-energy gap falls as 1/N away from T_c and as log N / (4N) "
            "at T_c.",
        ),
    ]
    md = [intro, "", eqs_md, caption_table, "", "\n".join(table_md), ""]
    tex = [_escape_tex(intro), eqs_tex, "\\begin{center}", "\n".join(table_tex), "\\end{center}"]
    for name, caption in figures:
        md.append(ctx.figure_markdown(name, caption))
        tex.append(ctx.figure_latex(name, caption))
    return Section(TITLE, "\n".join(md), "\n".join(tex), [f for f, _ in figures])
