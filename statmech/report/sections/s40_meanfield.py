"""Mean-field theory: solution branches, the double well, hysteresis, critical temperatures,
and Curie-Weiss Monte Carlo at growing N against the exact finite-N sums."""

from __future__ import annotations

import math

from .. import Section

ORDER = 40
TITLE = "Mean-field theory"

COLOURS = {1: "C0", 2: "C1", 3: "C3"}
LABELS = {1: "stable (equilibrium)", 2: "metastable", 3: "unstable"}
#: Curie-Weiss sizes simulated beside the exact finite-N sums.
SIMULATED_SIZES = (16, 64, 256)


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

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.onsager import spontaneous_magnetization
    from statmech.numeric.solve import solve_grid

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
        spontaneous_magnetization(temps2),
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

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.compile import compile_expression
    from statmech.numeric.solve import solve_grid

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

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.continuation import continuation, hysteresis_loop

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

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.curie_weiss import exact_thermodynamics, free_energy_per_spin
    from statmech.numeric.solve import solve_grid

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


def curie_weiss_simulation(
    sizes=SIMULATED_SIZES,
    temps=(0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3),
    sweeps: int = 600,
    thermalize: int = 200,
    replicas: int = 64,
    seed: int = 1,
) -> dict:
    r"""Curie-Weiss Monte Carlo :math:`\langle|m|\rangle` at growing N beside the exact
    finite-N sums and the mean-field (N -> oo) curve, at J = 1, h = 0.

    Each (N, T) point is one run of the reference Curie-Weiss sampler
    (:func:`numeric.samplers.make_sampler` with ``reference=True``, lazy Metropolis,
    ``replicas`` replicas) through :func:`numeric.simulation.simulate`, with its own seed
    (``seed`` plus the point's index) and ``thermalize`` sweeps discarded.

    Returns
    -------
    dict
        ``T`` (n_T,), ``sizes`` (n_N,); arrays (n_N, n_T): ``mean``, ``error`` (binned
        jackknife over replicas, accounting for autocorrelation), ``tau_int`` (sweeps),
        ``exact`` (exact finite-N :math:`\langle|m|\rangle`, :mod:`numeric.curie_weiss`),
        ``z`` (``(mean - exact) / error``); ``mean_field`` (n_T,) the equilibrium solution
        of :math:`m = \tanh(m/T)`; ``samplers`` (set of sampler class names), ``methods`` (the
        same in words, :attr:`Sampler.method`), ``warnings``
        (the runs' warnings, prefixed by their point), ``sweeps``, ``thermalize``,
        ``replicas``, ``seconds`` (sampling time of all runs).
    """
    import numpy as np

    from statmech.numeric.curie_weiss import exact_thermodynamics
    from statmech.numeric.simulation import simulate

    temps = np.asarray(temps, dtype=np.float64)
    sizes = tuple(int(n) for n in sizes)
    shape = (len(sizes), len(temps))
    out = {k: np.empty(shape) for k in ("mean", "error", "tau_int", "exact")}
    samplers, methods, warnings, seconds = set(), set(), [], 0.0
    for i, N in enumerate(sizes):
        out["exact"][i] = exact_thermodynamics(N, temps, 1.0, 0.0)["abs_m"]
        for j, T in enumerate(temps):
            res = simulate(
                "curie-weiss",
                {"T": float(T), "J": 1.0, "h": 0.0, "N": N},
                sweeps=sweeps,
                replicas=replicas,
                seed=seed + i * len(temps) + j,
                thermalize=thermalize,
                reference=True,
            )
            est = res.observables["abs_magnetization"]
            out["mean"][i, j], out["error"][i, j] = est.mean, est.error
            out["tau_int"][i, j] = est.tau_int * res.every
            samplers.add(res.sampler)
            methods.add(res.method)
            warnings += [f"N = {N}, T = {T:g}: {w}" for w in res.warnings]
            seconds += res.elapsed_seconds
    out["mean_field"] = mean_field_magnetization(temps)
    out["z"] = (out["mean"] - out["exact"]) / out["error"]
    out.update(
        T=temps,
        sizes=sizes,
        samplers=samplers,
        methods=methods,
        warnings=warnings,
        sweeps=sweeps,
        thermalize=thermalize,
        replicas=replicas,
        seconds=seconds,
    )
    return out


def _simulation_figure(ctx, data):
    import matplotlib.pyplot as plt
    import numpy as np

    from statmech.numeric.curie_weiss import exact_thermodynamics

    fine = np.linspace(0.4, 1.6, 241)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for i, N in enumerate(data["sizes"]):
        colour = f"C{i}"
        left.plot(
            fine,
            exact_thermodynamics(N, fine, 1.0, 0.0)["abs_m"],
            color=colour,
            lw=1,
            label=f"exact sum, N = {N}",
        )
        left.errorbar(
            data["T"],
            data["mean"][i],
            yerr=data["error"][i],
            fmt="o",
            ms=3,
            capsize=2,
            color=colour,
            label=f"Monte Carlo, N = {N}",
        )
        offset = (i - (len(data["sizes"]) - 1) / 2) * 0.012
        right.plot(data["T"] + offset, data["z"][i], "o", ms=4, color=colour, label=f"N = {N}")
    mf = mean_field_magnetization(fine)
    left.plot(fine, mf, "k--", lw=1.2, label="mean field (N -> oo)")
    left.set_xlabel("T / J")
    left.set_ylabel("<|m|>")
    left.set_title("Curie-Weiss: simulation at growing N")
    left.legend(fontsize=7)
    right.axhspan(-2, 2, color="0.9")
    right.axhline(0, color="k", lw=0.5)
    right.set_xlabel("T / J")
    right.set_ylabel("(simulated - exact) / error")
    right.set_title("Monte Carlo against the exact finite-N sum")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.figure_path("meanfield_simulation.png"), dpi=120)
    plt.close(fig)


def mean_field_magnetization(temps):
    """Equilibrium :math:`|m|` of the Curie-Weiss mean-field equation at J = 1, h = 0."""
    import numpy as np

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.solve import solve_grid

    eq = mean_field_equations(derive.get_model("curie-weiss"))
    sol = solve_grid(eq, {"T": np.asarray(temps, dtype=np.float64), "J": 1.0, "h": 0.0})
    return np.nanmax(np.where(sol.equilibrium, np.abs(sol.m), np.nan), axis=1)


def _simulation_caption(data) -> str:
    import numpy as np

    z = np.abs(data["z"])
    return (
        f"Curie-Weiss Monte Carlo (reference sampler, {'; '.join(sorted(data['methods']))}, "
        f"{data['replicas']} "
        f"replicas $\\times$ {data['sweeps']} sweeps after {data['thermalize']} thermalisation "
        f"sweeps per point) at $N = {', '.join(map(str, data['sizes']))}$: "
        "$\\langle |m| \\rangle$ with error bars (binned jackknife), on the exact finite-$N$ "
        "sums, which close in on the mean-field curve as $N$ grows. Right: z-scores against the "
        f"exact sums; {np.mean(z <= 1):.0%} of the {z.size} points within one error bar, "
        f"{np.mean(z <= 2):.0%} within two, largest $|z| = {z.max():.2f}$."
    )


def _simulation_table(data) -> tuple[str, str]:
    """Per N: the largest |z|, the slowest tau_int, and <|m|> at the temperature nearest
    0.7 J (simulated, exact finite-N, mean field).  No "|" in the cells: Markdown tables
    split on it."""
    import numpy as np

    from statmech.derive.render import fit_width, tex_prose

    j = int(np.argmin(np.abs(data["T"] - 0.7)))
    t = data["T"][j]
    head = (
        "$N$",
        "largest $\\lvert z \\rvert$",
        "largest $\\tau_{int}$ (sweeps)",
        f"Monte Carlo $\\langle \\lvert m \\rvert \\rangle$ at $T = {t:g}$",
        "exact finite $N$",
        "mean field",
    )
    body = []
    for i, N in enumerate(data["sizes"]):
        body.append(
            (
                str(N),
                f"{np.abs(data['z'][i]).max():.2f}",
                f"{data['tau_int'][i].max():.3g}",
                f"{data['mean'][i, j]:.4f} $\\pm$ {data['error'][i, j]:.4f}",
                f"{data['exact'][i, j]:.4f}",
                f"{data['mean_field'][j]:.4f}",
            )
        )
    note = f"Sampling took {data['seconds']:.1f} s in all ({'; '.join(sorted(data['methods']))})."
    if data["warnings"]:
        note += " Warnings from the runs: " + "; ".join(data["warnings"])
    else:
        note += " No run warned about thermalisation or autocorrelation."
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(row) + " |" for row in body]
    tex = ["\\begin{tabular}{" + "r" * len(head) + "}"]
    tex.append(" & ".join(tex_prose(h) for h in head) + "\\\\ \\hline")
    tex += [" & ".join(tex_prose(c) for c in row) + "\\\\" for row in body]
    tex.append("\\end{tabular}")
    table = "\\begin{center}" + fit_width("\n".join(tex)) + "\\end{center}"
    return "\n".join([*md, "", note]), "\n".join([table, tex_prose(note)])


def critical_temperature_table():
    """Weiss, Bethe and exact or best T_c / J by lattice, the table the square-lattice
    section shows too (:mod:`statmech.report.critical_temperatures`)."""
    from ..critical_temperatures import critical_temperature_table as table

    return table()


def build(ctx) -> Section:
    import matplotlib

    matplotlib.use("Agg")
    import sympy as sp

    from statmech import derive
    from statmech.derive.meanfield import mean_field_equations
    from statmech.derive.render import display_latex, tex_prose

    from ..critical_temperatures import table_latex, table_markdown

    quick = ctx.quick
    n = 121 if quick else 401
    _branches_figure(ctx, n)
    _landscape_figure(ctx)
    cont = _hysteresis_figure(ctx, 201 if quick else 801)
    _finite_n_figure(ctx, quick)
    rows = critical_temperature_table()
    if quick:
        sim = curie_weiss_simulation(temps=(0.8, 1.0, 1.2), sweeps=400, thermalize=150)
    else:
        sim = curie_weiss_simulation()
    _simulation_figure(ctx, sim)

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
        f"{display_latex(eq_weiss)}\n{display_latex(f'f(m) = {f_weiss}')}\n"
        f"Bethe-Peierls, cavity magnetization $u$:\n{display_latex(eq_bethe)}\n"
    )
    caption_table = (
        "Critical temperatures $T_c/J$, each the $T_c$ result of a derivation at the "
        "lattice's coordination number $z$ "
        "(the same table as in the square-lattice section)."
    )
    figures = [
        (
            "meanfield_branches.png",
            "Left: every solution of $m = \\tanh((Jm + h)/T)$, coloured by "
            "stability. Right: equilibrium magnetization on the square lattice, Weiss and "
            "Bethe-Peierls against Yang's exact (quoted) result.",
        ),
        (
            "meanfield_landscape.png",
            "The free energy $f(m)$ at $h = 0$: a single minimum above "
            "$T_c = J$, a double well below; dots are the solver's solutions.",
        ),
        (
            "meanfield_hysteresis.png",
            f"Branches in the field at $T = 0.8 J$ and the hysteresis "
            f"loop of a sweep that stays metastable until the spinodal $|h| = {hs:.6f} J$.",
        ),
        (
            "meanfield_finite_n.png",
            "Exact finite-$N$ Curie-Weiss sums (no sampling) approach "
            "mean field: the free-energy gap falls as $1/N$ away from $T_c$ and as "
            "$\\log N / (4N)$ at $T_c$.",
        ),
        ("meanfield_simulation.png", _simulation_caption(sim)),
    ]
    md = [intro, "", eqs_md, caption_table, "", table_markdown(rows), ""]
    tex = [tex_prose(intro), eqs_tex, tex_prose(caption_table)]
    tex += ["\\begin{center}", table_latex(rows), "\\end{center}"]
    for name, caption in figures:
        md.append(ctx.figure_markdown(name, caption))
        tex.append(ctx.figure_latex(name, caption))
    sim_md, sim_tex = _simulation_table(sim)
    md += [sim_md, ""]
    tex += [sim_tex]
    return Section(TITLE, "\n".join(md), "\n".join(tex), [f for f, _ in figures])
