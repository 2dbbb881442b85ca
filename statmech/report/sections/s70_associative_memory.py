"""Dense associative memory, attention, diffusion and the residual connection."""

import math

import numpy as np

from statmech.derive import check
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.derive.topics import get_topic
from statmech.numeric.associative import dense, figures, generalization, residual
from statmech.numeric.associative import diffusion as dif
from statmech.numeric.associative.experiments import (
    simulate_diffusion,
    simulate_modern_hopfield,
)

from .. import Section
from ._figures import pyplot, save

ORDER = 70
TITLE = "Associative memory, attention, diffusion and the residual connection"

INTRO = (
    "Modern networks read as statistical mechanics. A dense associative memory stores "
    "patterns in the minima of $E = -\\sum_\\mu F(\\xi^\\mu \\cdot s)$; with a log-sum-exp "
    "energy over continuous states its update is attention; the exact score of noised "
    "training points is that same update at a time-dependent inverse temperature, so "
    "reverse diffusion retrieves training points; and a residual block that is a gradient "
    "step lowers an energy. Each subsection gives the derivation (every step checked, "
    "quoted steps labelled with their reference) and then measures it."
)

#: Trajectory and diffusion-table parameters: the same data, seeds and batch in both.
DIFFUSION = {"d": 32, "P": 400, "a": 5.0, "samples": 256, "steps": 200}
HOPFIELD_BETAS = (0.02, 0.1, 0.3, 1.0)
#: Capacity scaling: (n, N values) for the quick and the full build.
SCALING_QUICK = {2: (50, 100, 200), 3: (12, 16, 24), 4: (10, 12, 16)}
SCALING_FULL = {2: (50, 100, 200, 400), 3: (12, 16, 24, 32), 4: (10, 12, 16, 24)}
SEEDS = range(3)


def _derivations(topic):
    ds = get_topic(topic).build()
    for d in ds:
        check(d)
    return ds


def _capacity_scaling(ctx):
    """Measured capacity (stored patterns stable, mean and s.e. over seeds) against N,
    with the signal-to-noise capacity beside it."""
    plt = pyplot()
    plan = SCALING_QUICK if ctx.quick else SCALING_FULL
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    rows = []
    for (n, Ns), colour in zip(plan.items(), ("C0", "C1", "C2"), strict=True):
        caps = [[dense.capacity(N, n, seed=s, tested=64, flip=0.0) for s in SEEDS] for N in Ns]
        mean = [float(np.mean(c)) for c in caps]
        err = [float(np.std(c, ddof=1) / math.sqrt(len(c))) for c in caps]
        ax.errorbar(Ns, mean, err, fmt="o", color=colour, capsize=3, label=f"$F = x^{n}$")
        grid = np.unique(np.geomspace(Ns[0], Ns[-1], 12).round().astype(int))
        ax.plot(grid, [dense.capacity_theory(int(N), n) for N in grid], color=colour, lw=0.9)
        theory = [dense.capacity_theory(N, n) for N in Ns]
        slopes = [np.polyfit(np.log(Ns), np.log(y), 1)[0] for y in (mean, theory)]
        rows.append((n, Ns, mean, err, theory, slopes))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("units $N$")
    ax.set_ylabel("capacity $P$")
    ax.set_title("Capacity against $N$: points measured, lines signal-to-noise", fontsize=10)
    ax.legend(fontsize=8)
    save(fig, ctx.figure_path("dam_capacity_scaling.png"))
    return rows


def _trajectories(ctx):
    p = DIFFUSION
    count = 128 if ctx.quick else p["samples"]
    figures.plot_trajectories(
        ctx.figure_path("diffusion_trajectories.png"), d=p["d"], P=p["P"], a=p["a"], count=count
    )
    given = dict(p, samples=count)
    return simulate_diffusion(given, seed=1)


def _crossover(ctx):
    if ctx.quick:
        P_values, seeds, count, steps = (16, 32, 64, 128, 256, 512, 1024), range(3), 256, 80
    else:
        P_values = (16, 32, 64, 96, 128, 192, 256, 512, 1024, 4096)
        seeds, count, steps = range(4), 512, 100
    res = generalization.crossover(P_values, seeds=seeds, count=count, steps=steps)
    generalization.plot_crossover(res, ctx.figure_path("diffusion_copy_fraction.png"))
    return res


def _depth(ctx):
    L, depth, d = 4.0, 30, 12
    figures.plot_depth_energy(ctx.figure_path("residual_depth_energy.png"), L=L, depth=depth, d=d)
    A = residual.random_quadratic(d, L, seed=1)
    e, g = residual.quadratic(A)
    bound = residual.monotone_bound(e, g, residual.start_states(16, d, seed=3), depth=depth)
    return L, bound


def _fixed_points(beta, patterns=(-1.0, 0.3, 1.0)):
    """Fixed points of the one-dimensional attention map on a fine grid, each marked
    stable or unstable by the slope of the map there."""
    pats = np.array(patterns)[:, None]
    x = np.linspace(-1.5, 1.5, 300_001)[:, None]
    gap = dense.softmax_update(x, pats, beta)[:, 0] - x[:, 0]
    out = []
    for i in np.flatnonzero(np.sign(gap[1:]) != np.sign(gap[:-1])):
        slope = 1.0 + (gap[i + 1] - gap[i]) / (x[i + 1, 0] - x[i, 0])
        out.append((float(x[i, 0]), "stable" if abs(slope) < 1 else "unstable"))
    return out


def _speciation_three_quarters(Lam, variance=1.0):
    r"""Predicted time where the clone agreement of two clusters crosses 3/4:
    :math:`a^2 e^{-2t}/v_t = g_*` with :math:`\phi(g_*) = 3/4` (bisection on the
    two-cluster :math:`\phi(g)`), :math:`a^2 = \Lambda - \sigma^2` and
    :math:`v_t = \sigma^2 e^{-2t} + \Delta_t`."""
    lo, hi = 0.2, 2.0
    while hi - lo > 1e-4:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if dif.phi_two_clusters(mid)[0] > 0.75 else (mid, hi)
    g = 0.5 * (lo + hi)
    a2 = Lam - variance
    # a^2 e^{-2t} = g (1 + (variance - 1) e^{-2t})  =>  e^{2t} = (a^2 - g (variance - 1)) / g
    return 0.5 * math.log((a2 - g * (variance - 1.0)) / g)


def _table(header, rows, align):
    md = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    tex = [f"\\begin{{tabular}}{{{align}}}", " & ".join(header) + " \\\\ \\hline"]
    tex += [" & ".join(r) + " \\\\" for r in rows]
    tex.append("\\end{tabular}")
    return "\n".join(md), "\n".join(tex)


def _fmt(mean, err, digits=3):
    if abs(mean) < 10**-digits and mean != 0:
        return f"{mean:.2e} $\\pm$ {err:.1e}"
    return f"{mean:.{digits}f} $\\pm$ {err:.{digits}f}"


def build(ctx) -> Section:
    md, tex, names = [INTRO], [tex_prose(INTRO)], []

    def prose(text):
        md.append(text)
        tex.append(tex_prose(text))

    def derivation(topic):
        ds = _derivations(topic)
        md.append(to_markdown_body(ds, check=True, level=3))
        tex.append(to_latex_body(ds, check=True))

    def table(header, rows, align):
        m, t = _table(header, rows, align)
        md.append(m)
        tex.append(t)

    def figure(name, caption):
        names.append(name)
        md.append(ctx.figure_markdown(name, caption))
        tex.append(ctx.figure_latex(name, caption))

    # Dense associative memory -------------------------------------------------
    derivation("dense-memory")
    P_values = (2, 4, 8, 16, 32, 64, 128, 256, 512)
    figures.plot_capacity(
        ctx.figure_path("dam_capacity.png"), P_values=P_values if ctx.quick else P_values + (1024,)
    )
    figure(
        "dam_capacity.png",
        "Measured: the fraction of stored patterns retrieved exactly from a copy with 10 % of "
        "its $N = 20$ bits flipped, against the number of patterns $P$ (mean and standard "
        "error over 3 pattern sets, 32 patterns tested in each). Theory (dotted): the "
        "signal-to-noise capacity at which an uncorrupted stored pattern is stable with "
        "probability 1/2; retrieval from a corrupted copy is harder, so the measured curves "
        "fall earlier. The exponential $F$ has no power-law line; its capacity is quoted "
        "as exponential in $N$.",
    )
    scaling = _capacity_scaling(ctx)
    rows = []
    for n, Ns, mean, err, theory, slopes in scaling:
        for N, m, e, t in zip(Ns, mean, err, theory, strict=True):
            rows.append((f"{n}", f"{N}", _fmt(m, e, 1), f"{t:.1f}"))
        rows.append((f"{n}", "log-log slope", f"{slopes[0]:.2f}", f"{slopes[1]:.2f}"))
    table(["$n$", "$N$", "measured capacity", "signal-to-noise"], rows, "rrrr")
    figure(
        "dam_capacity_scaling.png",
        "The capacity scaling. Points, measured: the number of patterns at which half the "
        "stored patterns are no longer fixed points of the update (bisection in $\\log P$; "
        "mean and standard error over 3 pattern sets). Lines, theory: the signal-to-noise "
        "capacity, which grows like $N^{n-1}$ up to logarithms (at these $N$ its log-log "
        "slopes are still below $n - 1$). The table gives both with their fitted slopes. The "
        "measured capacity can exceed the theory, most for $n = 3$ at small $N$: the theory "
        "treats the bits as independent and counts a pattern lost at its first unstable "
        "bit, while a bit flipped by one update can flip back.",
    )

    # Modern Hopfield network ----------------------------------------------------
    derivation("modern-hopfield")
    figures.plot_attention_map(ctx.figure_path("attention_map.png"))
    fixed = "; ".join(
        f"$\\beta = {b:g}$: " + ", ".join(f"{x:.2f} ({kind})" for x, kind in _fixed_points(b))
        for b in (0.5, 2.0, 8.0)
    )
    figure(
        "attention_map.png",
        "Theory, computed exactly: the attention update $x \\mapsto X "
        "\\mathrm{softmax}(\\beta X^T x)$ for three one-dimensional patterns (-1, 0.3 and 1, "
        "grey lines); fixed points are where a curve crosses the diagonal. Located on a fine "
        f"grid, with their stability from the slope there: {fixed}. At small $\\beta$ the "
        "one fixed point is a metastable state near the mean of the patterns; at large "
        "$\\beta$ the patterns -1 and 1 are retrieved. The pattern 0.3 never is: with "
        "dot-product scores a pattern inside the others' range never has the largest score.",
    )
    hop = [
        simulate_modern_hopfield({"d": 64, "P": 100, "beta": b, "noise": 0.3}, seed=1)
        for b in HOPFIELD_BETAS
    ]
    prose(
        "One attention update from a stored pattern plus Gaussian noise of relative size 0.3 "
        "($d = 64$, $P = 100$ patterns on the sphere of radius $\\sqrt d$, 64 starts). "
        "Measured: the relative error after the update and the fraction retrieved "
        "(error below 0.1). Theory: the bound $\\min(2, 2(P-1)e^{-\\beta\\Delta})$ of "
        "Ramsauer et al. (Theorem 5, quoted) with the separation $\\Delta$ at each start."
    )
    table(
        ["$\\beta$", "error after one update", "bound", "retrieved"],
        [
            (
                f"{r['params']['beta']:g}",
                _fmt(r["one_step_error"], r["one_step_error_error"]),
                f"{r['one_step_error_bound']:.3g}",
                f"{r['retrieved_fraction']:.2f}",
            )
            for r in hop
        ],
        "rrrr",
    )

    # Diffusion -------------------------------------------------------------------
    derivation("diffusion")
    diff = _trajectories(ctx)
    p = diff["params"]
    figure(
        "diffusion_trajectories.png",
        f"Measured: reverse-SDE trajectories with the exact score for two Gaussian clusters "
        f"at $\\pm {p['a']:g} e_1$ ($d = {p['d']}$, $P = {p['P']}$ training points), projected "
        "on the cluster axis and coloured by the cluster they end in (red: positive side); "
        "right, the clone agreement $\\phi(t)$ (the probability that two copies launched "
        "at $t$ end in the same cluster, from each trajectory's posterior over the training "
        "points) and the mean posterior weight of the final training "
        f"point, over {p['samples']} trajectories. Theory: the speciation time "
        "$\\frac{1}{2}\\log\\Lambda$ (dashed, the large-$\\Lambda$ form of the derived "
        "midpoint instability) and the collapse time $t_C$ "
        "(dotted, quoted from Biroli et al. 2024). Measured times are where $\\phi = 3/4$ "
        "and the weight crosses 1/2 (grey lines).",
    )
    Lam = diff["Lambda"]
    t_mid = 0.5 * math.log(Lam - 1.0)
    t_34 = _speciation_three_quarters(Lam)
    table(
        ["quantity", "measured", "theory"],
        [
            (
                "speciation time $t_S$ ($\\phi = 3/4$)",
                f"{diff['speciation_time']:.3f}",
                f"{t_34:.3f}",
            ),
            (
                "midpoint instability",
                "",
                f"{t_mid:.3f} ($\\frac{{1}}{{2}}\\log\\Lambda = "
                f"{diff['speciation_time_theory']:.3f}$)",
            ),
            (
                "collapse time $t_C$",
                f"{diff['collapse_time']:.3f}",
                f"{diff['collapse_time_theory']:.3f} (quoted)",
            ),
            (
                "copy fraction",
                _fmt(diff["copy_fraction"], diff["copy_fraction_error"]),
                f"{diff['copy_fraction_theory']:g}",
            ),
        ],
        "lrr",
    )
    prose(
        f"Here $\\Lambda = {Lam:.2f}$ (measured on the training points). The midpoint turns "
        "unstable at $\\frac{1}{2}\\log(\\Lambda + 1 - 2\\sigma^2)$, which is "
        "$\\frac{1}{2}\\log\\Lambda$ for $\\Lambda \\gg 1$; there the two-cluster clone "
        "agreement is still 0.775, and it falls to 3/4 slightly earlier in the forward "
        "time. The predicted $\\phi = 3/4$ time solves $a^2 e^{-2t}/v_t = g_*$ with "
        "$\\phi(g_*) = 3/4$ from the two-cluster posterior (Monte Carlo over $x_t$), the "
        "quantity the trajectories measure. The exact score copies: every sample ends on a "
        "training point."
    )
    prose(
        "The exact empirical score memorizes: every sample ends on a training point. A score "
        "of limited capacity, a dense memory with at most $K = 64$ memories (one per "
        "training point while $P \\le K$; beyond, the centroids of $K$ k-means cells, each "
        "a mixture of stored points with the spread of its cell, i.e. a spurious state), "
        "copies at small $P$ and makes new samples of the true law at large $P$."
    )
    cross = _crossover(ctx)
    figure(
        "diffusion_copy_fraction.png",
        f"Measured: the fraction of generated samples that copy a training point (nearest "
        f"training point closer than a third of the second nearest) and the squared Frechet "
        f"distance of the samples to the true law $\\mathcal{{N}}(0, I)$ in $d = {cross['d']}$, "
        f"against the number of training points $P$ (mean and standard error over "
        f"{cross['seeds']} training sets). The dotted line is the capacity $K$; the dashed "
        "line the distance of as many fresh samples of the true law, the floor set by "
        "sampling alone.",
    )

    # Residual connection ---------------------------------------------------------
    derivation("residual")
    L, bound = _depth(ctx)
    figure(
        "residual_depth_energy.png",
        f"Measured: the energy $E(x_l) = x_l^T A x_l/2$ along the depth of a residual "
        f"network whose blocks are gradient steps, for several $\\eta$ around the derived "
        f"bound $2/L = {2 / L:g}$ ($L = {L:g}$ the largest eigenvalue of $A$, 12 dimensions). "
        f"The largest $\\eta$ for which the energy falls at every layer from 16 random starts, "
        f"found by bisection, is {bound:.4g}.",
    )
    return Section(TITLE, "\n\n".join(md), "\n\n".join(tex), names)
