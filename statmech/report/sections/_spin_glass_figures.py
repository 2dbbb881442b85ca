"""Figures of the spin glasses: P(q), the RS q(T) beside simulation, the RS phase diagram
with the AT line, the ground-state energy extrapolated in N, the Binder crossing of 3D EA.

Each ``*_data`` function computes with :mod:`statmech.numeric.spin_glass` (sizes and
sweeps are arguments, so a quick report and a careful one use the same code); each
``*_figure`` draws such data into ``path``.
"""

from __future__ import annotations

import numpy as np

from statmech.numeric.spin_glass_binder import EA3D_TC

from ._figures import pyplot, save

#: Parisi's full-RSB ground-state energy per spin of SK (quoted: Crisanti and Rizzo,
#: Phys. Rev. E 65, 046137 (2002); Oppermann et al., Eur. Phys. J. B 57, 1 (2007)).
PARISI_E0 = -0.763166
#: The sizes of the stored 3D EA study, and its files (statmech/report/data/, written by
#: examples/ea_binder_crossing.py): part of the report cache's key.
EA_SIZES = (4, 6, 8)
DATA_FILES = ("ea3d_binder_L4.npz", "ea3d_binder_L6.npz", "ea3d_binder_L8.npz")


def _sk(n, seed):
    from statmech.numeric import spin_glass as sg

    return sg.model_couplings("sk", {"N": n}, seed)


def _pq_run(n, samples, sweeps, temps, seed):
    """PT of ``samples`` SK samples of size ``n`` with two real replicas: the result, and
    its disorder-averaged P(q), averages and warnings."""
    from statmech.numeric import spin_glass as sg

    res = sg.parallel_tempering(
        [_sk(n, s) for s in range(samples)], temps, sweeps=sweeps, seed=seed
    )
    q, p = res.p_of_q()
    return res, {"q": q, "p": p, "average": res.disorder_average(), "warnings": res.warnings}


def pq_data(sizes=(64, 128), temperatures=None, samples=8, sweeps=2000, seed=1) -> dict:
    """Disorder-averaged P(q) of SK per size, from PT with two real replicas."""
    temps = np.geomspace(0.4, 1.6, 12) if temperatures is None else np.asarray(temperatures)
    out = {"T": temps, "sizes": {}}
    for n in sizes:
        out["sizes"][n] = _pq_run(n, samples, sweeps, temps, seed)[1]
    return out


def sk_runs(settings: dict, temperatures, seed=1) -> dict:
    """PT of SK per size with its own ``(samples, sweeps)`` (``settings[N]``), two real
    replicas: the disorder-averaged P(q) and averages (as :func:`pq_data`), and the
    lowest energy per spin each sample reached (for :func:`ground_state_from_runs`)."""
    import time

    temps = np.asarray(temperatures, float)
    out = {"T": temps, "sizes": {}}
    for n, (samples, sweeps) in settings.items():
        start = time.perf_counter()
        res, pq = _pq_run(n, samples, sweeps, temps, seed)
        out["sizes"][n] = {
            **pq,
            "e_min": res.e_min,
            "samples": samples,
            "sweeps": sweeps,
            "acceptance": float(res.acceptance.min()),
            "round_trips": int(res.round_trips.min()),
            "seconds": time.perf_counter() - start,
        }
    return out


def ground_state_from_runs(runs: dict, sizes) -> dict:
    """The lowest energies of :func:`sk_runs` (disorder mean and standard error) for
    ``sizes``, extrapolated in N^(-2/3) (upper bounds at each N: PT may miss the ground
    state)."""
    return _extrapolated(sizes, [runs["sizes"][n]["e_min"] for n in sizes])


def _extrapolated(sizes, e_min) -> dict:
    """Each size's lowest energies per sample ``e_min`` as a disorder mean and standard
    error, extrapolated in N^(-2/3)."""
    from statmech.numeric import spin_glass as sg

    means = [float(x.mean()) for x in e_min]
    errs = [float(x.std(ddof=1) / np.sqrt(len(x))) for x in e_min]
    e_inf, e_err, a = sg.extrapolate_ground_state(sizes, means, errs)
    return {
        "N": np.asarray(sizes),
        "e": np.asarray(means),
        "error": np.asarray(errs),
        "e_inf": e_inf,
        "e_inf_error": e_err,
        "slope": a,
    }


def _rebin(q, p, bins: int):
    """P(q) on at most ``bins`` bins (neighbouring bins of the N + 1 values of q merged,
    still a density)."""
    width = max(1, int(np.ceil(len(q) / bins)))
    cut = (len(q) // width) * width
    return q[:cut].reshape(-1, width).mean(-1), p[..., :cut].reshape(*p.shape[:-1], -1, width).mean(
        -1
    )


def pq_figure(data: dict, path, show=(0.4, 0.7, 1.0, 1.4), bins: int = 48) -> None:
    """P(q) at the ladder temperatures nearest to ``show``, one panel per size (two
    columns), on at most ``bins`` bins."""
    plt = pyplot()
    sizes = list(data["sizes"])
    cols = min(2, len(sizes))
    rows = -(-len(sizes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.0 * cols, 3.4 * rows), squeeze=False)
    temps = data["T"]
    picked = sorted({int(np.argmin(np.abs(temps - t))) for t in show})
    for ax, n in zip(axes.flat, sizes, strict=False):
        d = data["sizes"][n]
        q, p = _rebin(d["q"], d["p"], bins)
        for j, i in enumerate(picked):
            ax.plot(q, p[i], f"C{j}-", lw=1.2, label=f"T = {temps[i]:.2f}")
        ax.set_xlabel("$q$")
        ax.set_ylabel("$P(q)$")
        ax.set_title(f"SK, N = {n}", fontsize=10)
    axes.flat[0].legend(fontsize=8)
    for ax in list(axes.flat)[len(sizes) :]:
        ax.set_visible(False)
    save(fig, path)


def q_curve_data(pq: dict) -> dict:
    """RS q(T) at h = 0 beside the simulated [<q^2>] of ``pq_data``."""
    from statmech.numeric import spin_glass as sg

    t = np.linspace(0.05, 1.6, 120)
    _, q, _ = sg.rs_solve(t, 1.0)
    sim = {n: d["average"]["q2"] for n, d in pq["sizes"].items()}
    return {"T": t, "q": q, "sim_T": pq["T"], "sim": sim}


def q_curve_figure(data: dict, path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot(data["T"], data["q"], "k-", label="RS $q$")
    ax.plot(data["T"], data["q"] ** 2, "k--", label="RS $q^2$")
    for j, (n, (m, e)) in enumerate(data["sim"].items()):
        ax.errorbar(
            data["sim_T"], m, e, fmt=f"C{j}o", ms=3, label=rf"PT $[\langle q^2\rangle]$, N = {n}"
        )
    ax.axvline(1.0, color="0.7", lw=0.8)
    ax.set_xlabel("$T/J$")
    ax.set_ylabel("overlap")
    ax.legend(fontsize=8)
    save(fig, path)


def phase_diagram_data(points=81) -> dict:
    """RS phases on a (J0/J, T/J) grid at h = 0, and the AT line in (h, T) at J0 = 0."""
    from statmech.numeric import spin_glass as sg

    pd = sg.phase_diagram(np.linspace(0.0, 2.0, points), np.linspace(0.1, 2.0, points))
    h = np.geomspace(1e-3, 1.0, 25)
    pd["h"] = h
    pd["T_AT"] = sg.at_line(h)
    return pd


def phase_diagram_figure(data: dict, path) -> None:
    plt = pyplot()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    codes = {"P": 0, "SG": 1, "F": 2, "M": 3}
    z = np.vectorize(codes.get)(data["phase"])
    from matplotlib.colors import ListedColormap

    # cells, not contours: a contour between P (0) and F (2) would pass through SG (1)
    a1.pcolormesh(
        data["J0"],
        data["T"],
        z,
        shading="nearest",
        vmin=-0.5,
        vmax=3.5,
        cmap=ListedColormap(["#ffffff", "#9ecae1", "#fdae6b", "#c7e9c0"]),
    )
    for name, code in codes.items():
        ii, jj = np.nonzero(z == code)
        if len(ii):
            k = len(ii) // 2
            a1.text(data["J0"][jj[k]], data["T"][ii[k]], name, ha="center", fontsize=9)
    a1.set_xlabel("$J_0/J$")
    a1.set_ylabel("$T/J$")
    a1.set_title("SK, replica symmetric (M: mixed, RS unstable)", fontsize=10)
    a2.plot(data["h"], data["T_AT"], "C3-", label="AT line (computed)")
    h = data["h"][data["h"] < 0.1]
    a2.plot(h, 1 - (0.75 * h**2) ** (1 / 3), "k:", label=r"$1 - (3h^2/4)^{1/3}$")
    a2.set_xlabel("$h/J$")
    a2.set_ylabel("$T/J$")
    a2.set_title("RS unstable below the line", fontsize=10)
    a2.legend(fontsize=8)
    save(fig, path)


def ground_state_data(sizes=(32, 64, 128, 256), samples=8, sweeps=2000, seed=1) -> dict:
    """PT's lowest energies per spin (disorder mean and error) per size, extrapolated in
    N^(-2/3).  An upper bound at each N: PT may miss the ground state at large N."""
    from statmech.numeric import spin_glass as sg

    temps = np.geomspace(0.2, 1.6, 16)
    e_min = [
        sg.parallel_tempering(
            [_sk(n, s) for s in range(samples)], temps, sweeps=sweeps, seed=seed, replicas=1
        ).e_min
        for n in sizes
    ]
    return _extrapolated(sizes, e_min)


def ground_state_figure(data: dict, path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    x = data["N"] ** (-2 / 3)
    ax.errorbar(x, data["e"], data["error"], fmt="C0o", label="PT lowest energy")
    xx = np.linspace(0, x.max() * 1.05, 50)
    ax.plot(
        xx,
        data["e_inf"] + data["slope"] * xx,
        "C0--",
        label=f"fit: $e_\\infty$ = {data['e_inf']:.4f} ± {data['e_inf_error']:.4f}",
    )
    ax.axhline(PARISI_E0, color="k", lw=0.8, label=f"Parisi {PARISI_E0} (quoted)")
    ax.axhline(-np.sqrt(2 / np.pi), color="C3", lw=0.8, ls=":", label="RS $-\\sqrt{2/\\pi}$")
    ax.set_xlabel("$N^{-2/3}$")
    ax.set_ylabel("$e_0$ per spin")
    ax.legend(fontsize=8)
    save(fig, path)


def _at(x, y, err, x0) -> tuple[float, float]:
    """``y`` and its error linearly interpolated at ``x0`` (errors of neighbouring points
    interpolated alike: they are correlated through the ladder)."""
    return float(np.interp(x0, x, y)), float(np.interp(x0, x, err))


def stored_binder(sizes=EA_SIZES) -> dict | None:
    """The stored study of ``examples/ea_binder_crossing.py`` (:data:`DATA_FILES`): the
    Binder cumulant per size with jackknife errors, the two windows' largest difference
    in sigma, the crossings of each pair of sizes, and the run settings; None when a
    file is missing."""
    from statmech.numeric import spin_glass_binder as sb
    from statmech.report.cache import DATA_DIR

    if not all(sb.study_file(DATA_DIR, L).exists() for L in sizes):
        return None
    runs = sb.load_study(DATA_DIR, sizes)
    temps = np.array(runs[sizes[0]]["meta"]["temperatures"])
    curves = {L: sb.binder_curves(r["q2"], r["q4"]) for L, r in runs.items()}
    xis = {L: sb.xi_curves(r["q2"], r["qk2"], L) for L, r in runs.items()}
    pairs = [(a, b) for i, a in enumerate(sizes) for b in sizes[i + 1 :]]
    return {
        "T": temps,
        "L": {L: (c["g"], c["err"]) for L, c in curves.items()},
        "xi": {L: (c["xi"], c["err"]) for L, c in xis.items()},
        "xi_crossings": {
            p: sb.crossing(temps, runs[p[0]], runs[p[1]], quantity="xi") for p in pairs
        },
        "window_z": {L: c["window_z"] for L, c in curves.items()},
        "at_tc": {L: _at(temps, c["g"], c["err"], EA3D_TC) for L, c in curves.items()},
        "crossings": {p: sb.crossing(temps, runs[p[0]], runs[p[1]]) for p in pairs},
        "runs": {
            L: {
                "samples": int(r["q2"].shape[1]),
                "sweeps": int(r["meta"]["sweeps"]),
                "acceptance": float(min(r["meta"]["info"]["acceptance"])),
                "round_trips": int(min(r["meta"]["info"]["round_trips"])),
                "seconds": float(r["meta"]["info"]["seconds"]),
            }
            for L, r in runs.items()
        },
    }


def binder_check(temperatures, L=4, samples=100, sweeps=1000, stored=None) -> dict:
    """A fresh run of ``samples`` new disorder samples of size ``L`` (couplings seeds from
    10^6 on, none of the stored ones): its Binder cumulant and, beside a stored curve of
    the same size, the largest difference in sigma."""
    from statmech.numeric import spin_glass_binder as sb

    r = sb.run_size(L, samples, sweeps, temperatures, None, first_sample=10**6)
    c = sb.binder_curves(r["q2"], r["q4"])
    out = {"T": np.asarray(temperatures), "L": L, "samples": samples, "sweeps": sweeps}
    out.update(g=c["g"], err=c["err"], window_z=c["window_z"])
    if stored is not None and L in stored["L"]:
        g, e = stored["L"][L]
        out["z"] = float(np.max(np.abs(c["g"] - g) / np.hypot(c["err"], e)))
    return out


def binder_figure(stored: dict | None, check: dict, path) -> None:
    """Left: the Binder cumulant per size (the stored study, and this run's new samples);
    right: the stored study's xi_L/L, when there is one."""
    plt = pyplot()
    panels = 2 if stored is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4), squeeze=False)
    ax = axes[0, 0]
    if stored is not None:
        for j, (L, (g, e)) in enumerate(stored["L"].items()):
            ax.errorbar(stored["T"], g, e, fmt=f"C{j}-o", ms=3, label=f"L = {L} (stored study)")
    T = stored["T"] if stored is not None else check["T"]
    ax.errorbar(
        T,
        check["g"],
        check["err"],
        fmt="k--s",
        ms=4,
        mfc="none",
        lw=0.8,
        label=f"L = {check['L']}, this run ({check['samples']} new samples)",
    )
    ax.set_ylabel("Binder cumulant $g$ of $q$")
    if stored is not None:
        right = axes[0, 1]
        for j, (L, (x, e)) in enumerate(stored["xi"].items()):
            right.errorbar(stored["T"], x, e, fmt=f"C{j}-o", ms=3, label=f"L = {L}")
        right.set_ylabel(r"correlation length $\xi_L/L$")
    for a in axes[0]:
        a.axvline(EA3D_TC, color="k", lw=0.8, ls=":", label=f"$T_c$ = {EA3D_TC} (Janus, quoted)")
        a.set_xlabel("$T/J$")
        a.legend(fontsize=7)
    fig.suptitle(r"3D $\pm J$ Edwards-Anderson", fontsize=10)
    save(fig, path)
