r"""The crossings of the 3D :math:`\pm J` Edwards-Anderson model: a study of many
disorder samples per size, run in batches into a file that an interrupted run resumes,
and its analysis (the Binder cumulant and the correlation length per size, an
equilibration check, the crossings).

Per disorder sample the parallel tempering of :func:`statmech.numeric.spin_glass.
parallel_tempering` measures :math:`\langle q^2\rangle`, :math:`\langle q^4\rangle` and
:math:`\langle|q(k_{min})|^2\rangle` in two consecutive windows of equal length after a
thermalization as long as one window.  The Binder cumulant :math:`g = \frac12(3 -
[\langle q^4\rangle]/[\langle q^2\rangle]^2)` and the second-moment correlation length
:math:`\xi_L/L` of the second window are the results; the first window's :math:`g`
beside it is the equilibration check (the two agree within errors when the first
window is already in equilibrium).  Errors: jackknife over samples.  Where the curves
of two sizes cross is found by linear interpolation of their difference, its error by
the bootstrap over the samples of each size (the sizes' samples are independent).

References
----------
K. Binder, Z. Phys. B 43, 119 (1981); R. N. Bhatt and A. P. Young, Phys. Rev. Lett. 54,
924 (1985); H. G. Ballesteros et al., Phys. Rev. B 62, 14237 (2000) (:math:`\xi_L/L`);
M. Hasenbusch, A. Pelissetto and E. Vicari, Phys. Rev. B 78, 214205 (2008);
H. G. Katzgraber, M. Koerner and A. P. Young, Phys. Rev. B 73, 224432 (2006);
M. Baity-Jesi et al. (Janus), Phys. Rev. B 88, 224416 (2013):
:math:`T_c = 1.1019(29)` (quoted).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from .spin_glass import (
    binder_g,
    binder_jackknife,
    model_couplings,
    parallel_tempering,
    sample_jackknife,
    xi_jackknife,
    xi_over_l,
)

#: Janus collaboration (2013), quoted: the critical temperature of 3D +-J EA.
EA3D_TC = 1.1019
EA3D_TC_ERR = 0.0029


def _settings_match(meta: dict, want: dict) -> bool:
    meta = {"first_sample": 0, **meta}  # files from before the setting existed
    return all(meta.get(k) == v for k, v in want.items())


def run_size(
    L: int,
    samples: int,
    sweeps: int,
    temperatures,
    path,
    batch: int = 25,
    seed: int = 1,
    progress=None,
    first_sample: int = 0,
) -> dict:
    """Run (or resume) ``samples`` disorder samples of size ``L`` into ``path`` (an
    ``.npz`` per size), ``batch`` samples at a time; returns the stored arrays.

    ``sweeps`` is the length of each of the two measured windows (and of the
    thermalization before them).  Sample ``a`` has the couplings of seed
    ``first_sample + a``; the batch starting at sample ``a`` the parallel-tempering seed
    ``seed + first_sample + a``.  A file written with other settings is refused, never
    mixed in; with ``path=None`` nothing is stored."""
    temps = np.asarray(temperatures, dtype=np.float64)
    want = {
        "L": int(L),
        "sweeps": int(sweeps),
        "batch": int(batch),
        "seed": int(seed),
        "first_sample": int(first_sample),
        "temperatures": [float(t) for t in temps],
        "measures": ["q2", "q4", "qk2"],
        # the runs' streams are kept apart from the couplings' (spin_glass_pt.PT_STREAM)
        "streams": "pt-tagged",
    }
    path = None if path is None else Path(path)
    q2 = np.zeros((2, 0, temps.size))
    q4 = np.zeros((2, 0, temps.size))
    qk2 = np.zeros((2, 0, temps.size))
    info = {"acceptance": [], "round_trips": [], "seconds": 0.0}
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            if not _settings_match(meta, want):
                raise ValueError(
                    f"{path} holds a run with other settings; give another file or remove it"
                )
            q2, q4, qk2 = f["q2"], f["q4"], f["qk2"]
            info = meta["info"]
    while q2.shape[1] < samples:
        start = q2.shape[1]
        count = min(samples - start, batch - start % batch)
        t0 = time.perf_counter()
        first = first_sample + start
        ks = [model_couplings("ea", {"L": L}, a) for a in range(first, first + count)]
        res = parallel_tempering(
            ks,
            temps,
            sweeps=2 * sweeps,
            thermalization=sweeps,
            seed=seed + first,
            keep_series=True,
            shape=(L, L, L),
        )
        del ks
        s = res.series["q2"]  # (2 * sweeps, count, T)
        halves = (s[:sweeps], s[sweeps:])
        q2 = np.concatenate([q2, np.stack([h.mean(0) for h in halves])], axis=1)
        q4 = np.concatenate([q4, np.stack([(h * h).mean(0) for h in halves])], axis=1)
        k = res.series["qk2"]
        qk2 = np.concatenate([qk2, np.stack([k[:sweeps].mean(0), k[sweeps:].mean(0)])], axis=1)
        info["acceptance"].append(float(res.acceptance.min()))
        info["round_trips"].append(int(res.round_trips.min()))
        info["seconds"] += time.perf_counter() - t0
        if path is not None:
            tmp = path.with_suffix(".part.npz")
            meta = np.array(json.dumps(dict(want, info=info)))
            np.savez(tmp, q2=q2, q4=q4, qk2=qk2, meta=meta)
            tmp.replace(path)  # a batch is stored whole or not at all
        if progress is not None:
            progress(L, q2.shape[1], samples, info["seconds"])
    return {
        "q2": q2[:, :samples],
        "q4": q4[:, :samples],
        "qk2": qk2[:, :samples],
        "meta": dict(want, info=info),
    }


def study_file(folder, L: int) -> Path:
    """The file of size ``L`` in a study's folder."""
    return Path(folder) / f"ea3d_binder_L{int(L)}.npz"


def load_study(folder, sizes=None) -> dict:
    """``{L: load(file)}`` for ``sizes`` (every one must be there), or for every size
    found in ``folder``; empty when none is."""
    if sizes is None:
        paths = sorted(Path(folder).glob("ea3d_binder_L*.npz"))
        runs = [load(p) for p in paths]
        return {int(r["meta"]["L"]): r for r in runs}
    return {L: load(study_file(folder, L)) for L in sizes}


def load(path) -> dict:
    """The arrays and settings of one size's file."""
    with np.load(path, allow_pickle=False) as f:
        return {
            "q2": f["q2"],
            "q4": f["q4"],
            "qk2": f["qk2"],
            "meta": json.loads(str(f["meta"])),
        }


def binder_curves(q2: np.ndarray, q4: np.ndarray) -> dict:
    """``g`` and its jackknife error per temperature for both windows, and the largest
    difference between the windows in units of its own error (the equilibration check;
    the windows share their samples, so the difference's error is the jackknife of the
    difference, much smaller than either window's)."""
    g_a, e_a = binder_jackknife(q2[0], q4[0])
    g_b, e_b = binder_jackknife(q2[1], q4[1])
    _, d_err = sample_jackknife(
        lambda a2, a4, b2, b4: binder_g(a2, a4) - binder_g(b2, b4), q2[0], q4[0], q2[1], q4[1]
    )
    diff = np.abs(g_a - g_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(d_err > 0, diff / d_err, np.where(diff == 0, 0.0, np.inf))
    return {"g": g_b, "err": e_b, "g_first": g_a, "err_first": e_a, "window_z": float(z.max())}


def xi_curves(q2: np.ndarray, qk2: np.ndarray, L: int) -> dict:
    r""":math:`\xi_L/L` and its jackknife error per temperature (second window)."""
    xi, err = xi_jackknife(q2[1], qk2[1], L)
    return {"xi": xi, "err": err}


def _crossing(temps, d) -> float:
    """Where ``d`` (a difference of two curves) changes sign, by linear interpolation;
    nan when it does not (or more than once: then the first from the low side)."""
    sign = np.sign(d)
    idx = np.nonzero(sign[:-1] * sign[1:] < 0)[0]
    if idx.size == 0:
        return float("nan")
    i = idx[0]
    return float(temps[i] - d[i] * (temps[i + 1] - temps[i]) / (d[i + 1] - d[i]))


def crossing(
    temps, small: dict, large: dict, resamples: int = 400, seed: int = 0, quantity="binder"
) -> dict:
    r"""Temperature where the curves of two sizes cross (second windows): the Binder
    cumulant (``quantity="binder"``) or :math:`\xi_L/L` (``"xi"``), with the bootstrap
    error over each size's samples, and the fraction of resamples that cross at all in
    the ladder."""
    temps = np.asarray(temps)

    def curve(run, idx):
        if quantity == "binder":
            return binder_g(run["q2"][1][idx].mean(0), run["q4"][1][idx].mean(0))
        L = round(run["meta"]["L"])
        return xi_over_l(run["q2"][1][idx].mean(0), run["qk2"][1][idx].mean(0), L)

    every_s = np.arange(small["q2"].shape[1])
    every_l = np.arange(large["q2"].shape[1])
    t0 = _crossing(temps, curve(small, every_s) - curve(large, every_l))
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(resamples):
        i = rng.integers(0, every_s.size, every_s.size)
        j = rng.integers(0, every_l.size, every_l.size)
        boot.append(_crossing(temps, curve(small, i) - curve(large, j)))
    boot = np.array(boot)
    ok = np.isfinite(boot)
    return {
        "T": t0,
        "err": float(boot[ok].std(ddof=1)) if ok.sum() > 1 else float("nan"),
        "crossing_fraction": float(ok.mean()),
    }
