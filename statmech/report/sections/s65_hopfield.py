"""The Hopfield network as a spin glass: memory, capacity and the AGS phase diagram."""

import numpy as np

from statmech.derive import check, derivations, get_model
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.numeric.hopfield import ags, experiments, theory

from .. import Section
from ._hopfield_figures import basin_figure, digits_figure, overlap_figure, phase_diagram_figure

ORDER = 65
TITLE = "The Hopfield network: memory, capacity and its phase diagram"

INTRO = (
    "The Hopfield network is an Ising model whose couplings store patterns by Hebb's rule, "
    "$J_{ij} = \\frac{1}{N}\\sum_\\mu \\xi_i^\\mu \\xi_j^\\mu$. At low load $\\alpha = P/N$ "
    "the stored patterns are minima of the energy and the dynamics retrieves them; past a "
    "critical load $\\alpha_c \\approx 0.138$ retrieval is lost and the network is a spin "
    "glass. The derivations go from Hebb's rule and the signal-to-noise argument to the "
    "replica-symmetric equations of Amit, Gutfreund and Sompolinsky and the lines of the "
    "phase diagram; the figures solve those equations and set them against zero-temperature "
    "asynchronous dynamics of random networks and of stored images of digits."
)

# (quick, full) settings
# (the full build is sized to a few minutes on two cores: the report is the main job)
PHASE_ALPHAS = (np.array([0.01, 0.03, 0.06, 0.09, 0.12]), np.linspace(0.005, 0.1375, 10))
#: T_M and T_c by bisection in T (every solution of the AGS equations at each T,
#: numeric/hopfield/ags.py) to this tolerance, from T_LOW up
PHASE_TOL = (1e-4, 1e-6)
T_LOW = 0.02
# m(alpha) at T = 0 by the blocked asynchronous dynamics (exact, numeric/hopfield/dynamics.py
# run_blocked); the longer sweep to N = 16000 is examples/hopfield_finite_size.py
CURVE_NS = ((250, 500, 1000), (1000, 2000, 4000, 8000))
CURVE_ALPHAS = (
    (0.05, 0.1, 0.13, 0.15, 0.18, 0.22),
    (0.05, 0.1, 0.12, 0.13, 0.14, 0.15, 0.16, 0.18, 0.22),
)
CURVE_NETWORKS = (4, 4)
CURVE_SWEEPS = 100
NETWORKS = (4, 8)
BASIN_N = (500, 1000)
BASIN_ALPHAS = (0.05, 0.1, 0.14, 0.2)
BASIN_M0 = (np.linspace(0.1, 1.0, 7), np.linspace(0.05, 1.0, 12))
RECALLED_DIGITS = (0, 2, 3)
#: The point whose every AGS solution the section lists (retrieval metastable there).
SOLUTIONS_AT = {"T": 0.1, "alpha": 0.12}


def _phase_lines(alphas, tol: float) -> dict:
    """The lines T_g, T_M, T_c of the AGS phase diagram at ``alphas`` (NaN where a line
    does not exist at T_LOW), from the solver of numeric/hopfield/ags.py."""
    a = np.asarray(alphas, dtype=float)
    return {
        "alpha": a,
        "T_g": 1.0 + np.sqrt(a),
        "T_M": np.array([ags.retrieval_temperature(x, T_LOW, tol) for x in a]),
        "T_c": np.array([ags.transition_temperature(x, T_LOW, tol) for x in a]),
        "alpha_T_c_zero": theory.zero_temperature_coexistence(),
    }


def _figures(ctx) -> dict:
    k = 0 if ctx.quick else 1
    cap = theory.capacity()
    alpha_c, m_c = float(cap["alpha_c"]), float(cap["m_c"])
    lines = _phase_lines(PHASE_ALPHAS[k], PHASE_TOL[k])
    phase_diagram_figure(lines, ctx.figure_path("hopfield_phase.png"), alpha_c=alpha_c)

    grid = np.linspace(0.005, 0.16, 10 if ctx.quick else 60)
    curve = theory.zero_temperature_curve(grid)
    sims = experiments.overlap_curve(
        CURVE_NS[k], CURVE_ALPHAS[k], networks=CURVE_NETWORKS[k], sweeps=CURVE_SWEEPS
    )
    overlap_figure(curve, sims, ctx.figure_path("hopfield_overlap.png"), alpha_c=alpha_c)
    fss = experiments.finite_size_capacity(sims)
    fit = experiments.extrapolate_capacity(fss)

    basins = [
        experiments.basin(BASIN_N[k], a, BASIN_M0[k], networks=NETWORKS[k], seed=10 + j)
        for j, a in enumerate(BASIN_ALPHAS)
    ]
    basin_figure(basins, ctx.figure_path("hopfield_basins.png"))

    ten = experiments.digits_example()
    few = experiments.digits_example(digits=RECALLED_DIGITS)
    digits_figure(ten, ctx.figure_path("hopfield_digits_ten.png"), "ten digits stored")
    digits_figure(few, ctx.figure_path("hopfield_digits_three.png"), "three digits stored")
    converged = float(np.mean([c["converged"] for c in sims]))
    return {
        "converged": converged,
        "alpha_c": alpha_c,
        "m_c": m_c,
        "alpha_T_c_zero": lines["alpha_T_c_zero"],
        "fss": fss,
        "fit": fit,
        "sims": sims,
        "curve_networks": CURVE_NETWORKS[k],
        "ten": ten,
        "few": few,
        "networks": NETWORKS[k],
        "basin_N": BASIN_N[k],
    }


def _captions(r: dict) -> dict:
    ten_ok = int(np.sum(r["ten"]["correct"]))
    few_ok = int(np.sum(r["few"]["correct"]))
    n = r["networks"]
    return {
        "hopfield_phase.png": "Theory only: the phase diagram of the replica-symmetric AGS "
        "equations, temperature against load. Above $T_g = 1 + \\sqrt{\\alpha}$ the network "
        "is paramagnetic; below $T_M$ retrieval solutions exist (metastable), and below "
        "$T_c$ they have a lower free energy than the spin glass. $T_M$ and $T_c$ are found "
        "by bisecting in $T$ on every solution of the equations and its stability; the "
        "$T = 0$ ends, $\\alpha_c$ and "
        f"the load {r['alpha_T_c_zero']:.4f} where $T_c$ reaches zero, from the $T = 0$ "
        "equations.",
        "hopfield_overlap.png": "Overlap with the stored pattern against load at $T = 0$. "
        "Line: the replica-symmetric theory for $N \\to \\infty$, which stops at "
        f"$\\alpha_c = {r['alpha_c']:.6f}$ with $m = {r['m_c']:.4f}$. Points: measured final "
        "overlaps of asynchronous zero-temperature dynamics started at a stored pattern, "
        f"mean over {r['curve_networks']} networks of random patterns (4 starts each, at "
        f"most {CURVE_SWEEPS} sweeps; the fraction of runs that reached a fixed point is "
        f"{r['converged']:.2f}), error bars one standard error over networks; N = "
        + ", ".join(str(N) for N in sorted(r["fss"]))
        + ". The finite-N drop lies past $\\alpha_c$ and sharpens as N grows.",
        "hopfield_basins.png": "Measured basins of attraction: final against initial overlap "
        f"at $T = 0$, $N = {r['basin_N']}$, cues made by flipping exactly $N(1 - m_0)/2$ "
        f"units of a stored pattern; mean over {n} networks (4 cues each), error bars one "
        "standard error over networks. The dotted diagonal is no change. The basin shrinks "
        "as the load grows, and past $\\alpha_c$ even the pattern itself drifts away.",
        "hopfield_digits_ten.png": "Measured recall of binarized $8 \\times 8$ digits (64 "
        "units), all ten stored: each column shows the stored image, a cue with 10 % of "
        "its pixels flipped, and the state the $T = 0$ dynamics ends in. Below each: exact "
        "recall, near the cued digit but not equal to it, or nearest another digit. "
        f"{ten_ok} of 10 recalled exactly: the images are strongly correlated, so the "
        "crosstalk is far larger than for random patterns and recall ends in mixtures.",
        "hopfield_digits_three.png": "The same with only the digits 0, 2 and 3 stored: "
        f"{few_ok} of 3 recalled exactly from their cues.",
    }


def _table(r: dict, tex: bool) -> str:
    top = max(s["alpha"] for s in r["sims"])
    rows = [
        (N, f"{a:.3f}" if np.isfinite(a) else f"above {top:.3g} (not reached)")
        for N, a in sorted(r["fss"].items())
    ]
    fit = r.get("fit") or {}
    if np.isfinite(fit.get("alpha_inf", np.nan)):
        used = ", ".join(str(N) for N in fit["Ns"])
        rows.append(
            (f"fit $a + b/\\sqrt{{N}}$ (N = {used}), $N \\to \\infty$", f"{fit['alpha_inf']:.3f}")
        )
    if tex:
        out = [
            "\\begin{tabular}{rr}",
            "$N$ & load where $m$ falls below $1/2$ \\\\ \\hline",
        ]
        out += [f"{N} & {a} \\\\" for N, a in rows]
        out.append("\\end{tabular}")
        return "\n".join(out)
    out = ["| $N$ | load where $m$ falls below $1/2$ |", "|---|---|"]
    out += [f"| {N} | {a} |" for N, a in rows]
    return "\n".join(out)


def _solutions_table(tex: bool) -> tuple[str, str]:
    """Every solution of the AGS equations at ``SOLUTIONS_AT`` (m >= 0), and its lead-in."""
    T, a = SOLUTIONS_AT["T"], SOLUTIONS_AT["alpha"]
    sols = [s for s in ags.solutions(T, a) if s["m"] >= 0]
    lead = (
        f"Every solution of the replica-symmetric equations at $T = {T}$, "
        f"$\\alpha = {a}$ (with $-m$ for each retrieval state). A solution is stable when "
        "the Hessian of $f(m, q, r)$ has one negative eigenvalue, in the conjugate pair "
        "$(q, r)$, and $f$ is a minimum in $m$ with $(q, r)$ at their stationary values; "
        "the replicon (quoted from AGS) says whether replica symmetry holds."
    )
    head = ("solution", "$m$", "$q$", "$r$", "$f$", "stability", "replicon")
    rows = [
        (
            s["kind"],
            f"{s['m']:.6f}",
            f"{s['q']:.6f}",
            f"{s['r']:.5f}",
            f"{s['free_energy']:.6f}",
            s["stability"],
            f"{s['replicon']:.3f}",
        )
        for s in sols
    ]
    if tex:
        out = ["\\begin{tabular}{lrrrrlr}", " & ".join(head) + " \\\\ \\hline"]
        out += [" & ".join(r) + " \\\\" for r in rows]
        out.append("\\end{tabular}")
        return lead, "\n".join(out)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return lead, "\n".join(out)


def build(ctx) -> Section:
    model = get_model("hopfield")
    ds = derivations(model)
    for d in ds:
        check(d)
    r = _figures(ctx)
    summary = (
        f"The capacity from the $T = 0$ equations: $\\alpha_c = {r['alpha_c']:.6f}$ with "
        f"$m = {r['m_c']:.4f}$ there (AGS: 0.138 and 0.967). The finite-size estimate of "
        "$\\alpha_c$ below is the load at which the measured mean overlap falls below "
        "$1/2$ (linear interpolation between the simulated loads). At these sizes it lies "
        "above $\\alpha_c$: a network started at a pattern keeps a large overlap past "
        "$\\alpha_c$, and the drop sharpens and moves down as $N$ grows. The last row "
        "extrapolates the crossings to $N \\to \\infty$ by a least-squares fit in "
        "$N^{-1/2}$, an assumed form (not derived), so it is a heuristic estimate; "
        "with four networks per point each crossing is uncertain by about the spacing "
        "of the loads (0.01)."
    )
    caps = _captions(r)
    lead, rows_md = _solutions_table(tex=False)
    _, rows_tex = _solutions_table(tex=True)
    md = [INTRO, to_markdown_body(ds, check=True, level=3), lead, rows_md, summary]
    md.append(_table(r, tex=False))
    tex = [tex_prose(INTRO), to_latex_body(ds, check=True), tex_prose(lead), rows_tex]
    tex += [tex_prose(summary), _table(r, True)]
    for name, cap in caps.items():
        md.append(ctx.figure_markdown(name, cap))
        tex.append(ctx.figure_latex(name, cap))
    return Section(TITLE, "\n\n".join(md), "\n\n".join(tex), list(caps))
