"""Spin glasses: the Sherrington-Kirkpatrick model derived, solved and sampled, and the
Binder crossing of the 3D Edwards-Anderson model."""

import numpy as np

from statmech.derive import derivations, get_model
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.numeric import spin_glass as sg
from statmech.numeric.spin_glass_rs import rs_solution_mp, rs_solutions

from .. import Section
from ._spin_glass_figures import (
    EA3D_TC,
    PARISI_E0,
    binder_check,
    binder_figure,
    ground_state_figure,
    ground_state_from_runs,
    phase_diagram_data,
    phase_diagram_figure,
    pq_figure,
    q_curve_data,
    q_curve_figure,
    sk_runs,
    stored_binder,
)

ORDER = 62
TITLE = "Spin glasses: the Sherrington-Kirkpatrick and Edwards-Anderson models"

INTRO = (
    "A spin glass has random couplings: no spatial order, frozen disorder and many "
    "equilibria. In the Sherrington-Kirkpatrick (SK) model every pair of $N$ spins is "
    "coupled by its own Gaussian $J_{ij}$ of mean $J_0/N$ and variance $J^2/N$. The "
    "derivations below go from the annealed average to the replica trick, the "
    "replica-symmetric (RS) equations, $T_c = J$, the de Almeida-Thouless (AT) stability "
    "and the failure of replica symmetry at $T = 0$. The figures solve the RS equations and "
    "set them against parallel tempering (PT) with two real replicas per disorder sample; "
    "the overlap $q = N^{-1}\\sum_i s_i t_i$ of the replicas is the order parameter."
)

# (quick, full) settings; the full section is sized to about a minute on two cores
# SK sizes -> (disorder samples, measured sweeps); the ladder is SK_LADDER
SK_RUNS = (
    {16: (4, 300), 32: (4, 300), 64: (4, 300)},
    {32: (8, 1500), 64: (8, 1500), 128: (8, 1000), 256: (6, 600), 512: (4, 300)},
)
SK_LADDER = (np.geomspace(0.3, 1.6, 10), np.geomspace(0.3, 1.6, 14))
PQ_SIZES = ((32, 64), (64, 128, 256, 512))
GS_SIZES = ((16, 32, 64), (32, 64, 128, 256))
# the fresh 3D EA check beside the stored study: (new samples of L = 4, window sweeps)
EA_CHECK = ((30, 500), (250, 2000))
#: Its ladder when the stored study is missing (the study's own otherwise).
EA_LADDER = 1.0 / np.linspace(1 / 0.85, 1 / 1.6, 12)
PHASE_POINTS = (31, 81)
#: The one point whose RS solutions are quoted in the text.
RS_POINT = (0.5, 1.0, 0.0, 0.0)
AT_FIELD = 0.3


def _figures(ctx) -> dict:
    k = 0 if ctx.quick else 1
    runs = sk_runs(SK_RUNS[k], SK_LADDER[k])
    pq = {"T": runs["T"], "sizes": {n: runs["sizes"][n] for n in PQ_SIZES[k]}}
    pq_figure(pq, ctx.figure_path("spin_glass_pq.png"))
    q_curve_figure(q_curve_data(pq), ctx.figure_path("spin_glass_q.png"))
    phase = phase_diagram_data(points=PHASE_POINTS[k])
    phase_diagram_figure(phase, ctx.figure_path("spin_glass_phase.png"))
    gs = ground_state_from_runs(runs, GS_SIZES[k])
    ground_state_figure(gs, ctx.figure_path("spin_glass_ground_state.png"))
    stored = stored_binder()
    ladder = EA_LADDER if stored is None else stored["T"]
    check = binder_check(ladder, 4, *EA_CHECK[k], stored=stored)
    binder_figure(stored, check, ctx.figure_path("spin_glass_binder.png"))
    (rs,) = rs_solutions(*RS_POINT).points
    glass = max(rs, key=lambda row: row["q"])
    mp_row = rs_solution_mp(*RS_POINT, glass["m"], glass["q"], digits=25)
    return {
        "runs": runs,
        "pq_sizes": PQ_SIZES[k],
        "gs": gs,
        "binder": stored,
        "binder_check": check,
        "phase_points": PHASE_POINTS[k],
        "rs": rs,
        "rs_mp_difference": abs(glass["q"] - float(mp_row["q"])),
        "t_at": float(sg.at_line([AT_FIELD])[0]),
    }


def _run_text(runs: dict, sizes) -> str:
    return ", ".join(
        f"N = {n}: {runs['sizes'][n]['samples']} samples x {runs['sizes'][n]['sweeps']} sweeps"
        for n in sizes
    )


def _binder_caption(b: dict | None, check: dict) -> str:
    t = check["T"]
    head = (
        "Measured. Left: the Binder cumulant "
        "$g = \\frac12(3 - [\\langle q^4\\rangle]/[\\langle q^2\\rangle]^2)$ of the 3D "
        f"$\\pm J$ Edwards-Anderson model on {len(t)} temperatures from {t[0]:.2f} to "
        f"{t[-1]:.2f} (even in $1/T$), two real replicas per sample, error bars by "
        "jackknife over samples."
    )
    mine = (
        f"Dashed: this report's own run of L = {check['L']}, {check['samples']} new "
        f"samples x {check['sweeps']} sweeps to thermalize, then two windows of as many"
    )
    if b is None:
        return (
            f"{head} {mine}. The longer study of L = 4, 6 and 8 that the package stores "
            "(its script is among the project's examples) is missing from this "
            "installation."
        )
    runs = ", ".join(
        f"L = {L}: {v['samples']} samples x {v['sweeps']} sweeps, then 2 x {v['sweeps']} measured"
        for L, v in b["runs"].items()
    )
    minutes = sum(v["seconds"] for v in b["runs"].values()) / 60
    cross = "; ".join(_crossing_text(p, c) for p, c in b["crossings"].items())
    z = max(b["window_z"].values())
    tc = b["at_tc"]
    sizes = list(tc)
    at = ", ".join(f"${tc[L][0]:.3f} \\pm {tc[L][1]:.3f}$" for L in sizes)
    last = list(b["crossings"].values())[-1]
    near = np.isfinite(last["T"]) and abs(last["T"] - EA3D_TC) < 2 * last["err"]
    trend = (
        "the largest pair's crossing lies within "
        f"{abs(last['T'] - EA3D_TC) / last['err']:.1f} of its errors of the quoted $T_c$, the "
        "smaller pairs' below it or unresolved: the Binder cumulant of 3D spin glasses has "
        "strong corrections to scaling at small L (exponent $\\omega \\approx 1.0$, quoted "
        "from Hasenbusch, Pelissetto and Vicari 2008)"
        if near
        else "at these sizes the Binder crossings do not locate $T_c$"
    )
    return (
        f"{head} Solid lines: a longer study stored with the package, its script among the "
        f"project's examples ({runs}; {minutes:.0f} minutes on two cores); g is the "
        "second window's; the first window's differs from it by at most "
        f"{z:.1f} standard errors of the difference (jackknife over the shared samples) "
        "at any temperature and size, the equilibration check. Above "
        "the quoted $T_c$ the curves fan out, larger L lower, as in the paramagnet; "
        f"below it they come together. Crossings (bootstrap over samples): {cross}. At "
        f"the quoted $T_c = {EA3D_TC}$ (Janus collaboration 2013, 1.1019(29), from L up "
        f"to 32) the measured g is {at} for L = {', '.join(map(str, sizes))}; {trend}. "
        f"Right: the second-moment correlation length $\\xi_L/L$ of the same runs "
        "(from the overlap at the smallest wave vector $2\\pi/L$; Ballesteros et al. "
        "2000), the usual locator of $T_c$ in 3D spin glasses: larger L lies lower in the "
        "paramagnet and higher in the glass. Its crossings: "
        f"{'; '.join(_crossing_text(p, c) for p, c in b['xi_crossings'].items())}. "
        f"{mine}: its largest difference from the stored L = {check['L']} curve is "
        f"{check['z']:.1f} combined standard errors (the temperatures share their samples, "
        "so this is close to one comparison, not twelve)."
    )


def _crossing_text(pair, c) -> str:
    if np.isfinite(c["T"]):
        return (
            f"L = {pair[0]} and {pair[1]} at $T = {c['T']:.2f} \\pm {c['err']:.2f}$ "
            f"({c['crossing_fraction']:.0%} of resamples cross in the ladder)"
        )
    return (
        f"L = {pair[0]} and {pair[1]} not resolved in the ladder (only "
        f"{c['crossing_fraction']:.0%} of resamples cross)"
    )


def _captions(r: dict) -> dict:
    runs = r["runs"]
    t = runs["T"]
    ladder = f"{len(t)} temperatures from {t[0]:.2f} to {t[-1]:.2f} (geometric)"
    gs = r["gs"]
    return {
        "spin_glass_pq.png": "Measured: the disorder-averaged distribution $P(q)$ of the "
        "overlap of two real replicas of SK ($J_0 = h = 0$), from parallel tempering over "
        f"{ladder}, two replicas per sample ({_run_text(runs, r['pq_sizes'])}, a quarter "
        "as many sweeps again to thermalize; neighbouring values of q merged into at most "
        "48 bins). Above $T_c = J$ it is one narrowing peak at "
        "$q = 0$; below it is broad, with weight between the peaks at $\\pm q_{EA}$, the "
        "mark of many equilibria. The largest sizes are run briefly (the section has "
        "about a minute on two cores): their lowest temperatures are not equilibrated "
        "(see the round trips in the table), so the low-temperature $P(q)$ there is rough.",
        "spin_glass_q.png": "Theory and measurement: the RS order parameter $q(T)$ at "
        "$h = J_0 = 0$ (solid; dashed its square) beside the measured disorder average "
        "$[\\langle q^2\\rangle]$ of the same runs, error bars one standard error over "
        "samples. Above $T_c$ the measured values fall toward zero as N grows; below they "
        "stay finite. Near $T_c$ finite-size tails put them above RS $q^2$; at the lowest "
        "temperatures they lie below it, as they must when replica symmetry is broken "
        "($[\\langle q^2\\rangle] = \\int q^2 P(q)\\,dq$ with weight inside "
        "$\\pm q_{EA}$).",
        "spin_glass_phase.png": "Theory only: left, the RS phase of each cell of a "
        f"{r['phase_points']} x {r['phase_points']} grid in $(J_0/J, T/J)$ at $h = 0$, "
        "following the solution reached from $m = q = 1$: paramagnet (P), spin glass (SG), "
        "ferromagnet (F) and the mixed phase (M: ferromagnetic but with a negative "
        "replicon, so RS is unstable there). Right, the AT line in $(h, T)$ at $J_0 = 0$: "
        "the replicon $1 - \\beta^2J^2\\mathbb{E}\\,\\mathrm{sech}^4\\Xi$ of the RS solution "
        "is bisected to zero at each field, against its small-field asymptote "
        "$1 - (3h^2/4)^{1/3}$ (dotted).",
        "spin_glass_ground_state.png": "Measured: the lowest energy per spin that PT "
        f"reached in each sample (the same runs: {_run_text(runs, gs['N'])}), mean over "
        "samples with one standard error, against $N^{-2/3}$, and the weighted fit "
        f"$e_\\infty + aN^{{-2/3}}$ giving $e_\\infty = {gs['e_inf']:.4f} \\pm "
        f"{gs['e_inf_error']:.4f}$. Parisi's full-RSB value {PARISI_E0} is quoted "
        "(Crisanti and Rizzo 2002); the RS value $-\\sqrt{2/\\pi} = -0.7979$ is derived "
        "and lies below. Each point is an upper bound: at the largest N the runs are "
        "short and may miss the ground state.",
        "spin_glass_binder.png": _binder_caption(r["binder"], r["binder_check"]),
    }


def _table(r: dict, tex: bool) -> str:
    runs = r["runs"]
    rows = [
        (
            f"SK N = {n}",
            d["samples"],
            d["sweeps"],
            f"{d['acceptance']:.2f}",
            d["round_trips"],
            f"{float(d['e_min'].mean()):.4f}",
        )
        for n, d in runs["sizes"].items()
    ]
    if r["binder"] is not None:
        rows += [
            (
                f"3D EA L = {L} (stored)",
                v["samples"],
                2 * v["sweeps"],
                f"{v['acceptance']:.2f}",
                v["round_trips"],
                "",
            )
            for L, v in r["binder"]["runs"].items()
        ]
    head = (
        "system",
        "samples",
        "sweeps",
        "lowest swap acceptance",
        "fewest round trips",
        "lowest e (mean)",
    )
    if tex:
        out = ["\\begin{tabular}{lrrrrr}", " & ".join(head) + " \\\\ \\hline"]
        out += [" & ".join(str(c) for c in row) + " \\\\" for row in rows]
        out.append("\\end{tabular}")
        return "\n".join(out)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _power(x: float) -> str:
    if x == 0:
        return "nothing in double precision"
    mant, exp = f"{x:.1e}".split("e")
    return f"${mant} \\times 10^{{{int(exp)}}}$"


def _summary(r: dict) -> str:
    sg_row = max(r["rs"], key=lambda row: row["q"])
    gs = r["gs"]
    return (
        f"The RS equations at $T = {RS_POINT[0]}J$, $h = J_0 = 0$ have two solutions: the "
        "paramagnet $q = 0$, which is not a maximum in $q$ (unstable), and the spin glass "
        f"$q = {sg_row['q']:.12f}$ (an independent solution in mpmath, with adaptive "
        f"quadrature, differs by {_power(r['rs_mp_difference'])}), a maximum in $q$ but "
        "with replicon "
        f"${sg_row['replicon']:.6f} < 0$: below the AT line, so replica symmetry is broken. "
        f"In a field $h = {AT_FIELD}J$ the AT line lies at $T = {r['t_at']:.6f}J$. "
        f"The extrapolated ground-state energy, ${gs['e_inf']:.4f} \\pm "
        f"{gs['e_inf_error']:.4f}$, is to be read beside Parisi's $-0.7632$ and the RS "
        "$-0.7979$. The runs behind the figures:"
    )


def build(ctx) -> Section:
    ds = derivations(get_model("sk"))
    r = _figures(ctx)
    caps = _captions(r)
    summary = _summary(r)
    md = [INTRO, to_markdown_body(ds, check=True, level=3), summary, _table(r, tex=False)]
    tex = [tex_prose(INTRO), to_latex_body(ds, check=True), tex_prose(summary), _table(r, True)]
    for name, cap in caps.items():
        md.append(ctx.figure_markdown(name, cap))
        tex.append(ctx.figure_latex(name, cap))
    return Section(TITLE, "\n\n".join(md), "\n\n".join(tex), list(caps))
