r"""A sweep's picture: observables against the swept parameter with the most values (the
first given among equals).

One panel per observable (those with error bars; every number that varies when none
has one), one line per value of the other swept parameters, averaged over the seeds
(the error of the mean of K independent seeds is ``sqrt(sum error^2) / K``).  When the
sweep varies both ``T`` and ``L`` and has a Binder cumulant, a last panel draws it
against T, one line per L, with the crossings of neighbouring sizes marked: the
finite-size-scaling estimate of T_c.
"""

from __future__ import annotations

import itertools

import numpy as np

from .spec import SEED_DIM, format_value

_NOT_PLOTTED = {"status", "point_seed", "message"}
_BOOKKEEPING = {
    "replicas",
    "sweeps",
    "thermalization_sweeps",
    "measure_every",
    "measurements",
    "elapsed_seconds",
    "flips_per_ns",
    "spins_flipped_per_ns",
    "clusters_per_sweep",
    "mean_cluster_size",
    "max_z",
    "passed",
    "solutions",
}


def observables(ds) -> list[str]:
    """The names to draw: means with an ``_error`` beside them, else every number that
    varies (bookkeeping such as sweep counts and timings left out)."""
    names = [k for k in ds.data_vars if k not in _NOT_PLOTTED and ds[k].dtype.kind == "f"]
    with_error = [k for k in names if f"{k}_error" in ds]
    if with_error:
        return with_error
    names = [k for k in names if k not in _BOOKKEEPING and not k.endswith("_tau_int")]
    return [k for k in names if not _constant(ds[k].values)]


def _constant(values) -> bool:
    """Nothing to draw: no finite value, or the same one everywhere (T_c, a flag)."""
    finite = values[np.isfinite(values)]
    return finite.size == 0 or (values.size > 1 and finite.min() == finite.max())


def seed_mean(ds, name):
    """``(mean, error)`` over the seeds (error None when the variable has none)."""
    mean = ds[name].mean(SEED_DIM)
    err = None
    if f"{name}_error" in ds:
        k = ds.sizes[SEED_DIM]
        err = np.sqrt((ds[f"{name}_error"] ** 2).sum(SEED_DIM, min_count=1)) / k
    return mean, err


def crossings(x, curves) -> list[tuple[float, float]]:
    """Where neighbouring curves cross: ``(x, y)`` at a grid point where they meet, or
    by linear interpolation between grid points where their difference changes sign."""
    out = []
    for a, b in itertools.pairwise(curves):
        a = np.asarray(a, dtype=float)
        d = a - np.asarray(b, dtype=float)
        for i in range(len(x)):
            if d[i] == 0:
                out.append((float(x[i]), float(a[i])))
            elif i + 1 < len(x) and np.isfinite(d[i + 1]) and d[i] * d[i + 1] < 0:
                t = d[i] / (d[i] - d[i + 1])
                xc = x[i] + t * (x[i + 1] - x[i])
                yc = a[i] + t * (a[i + 1] - a[i])
                out.append((float(xc), float(yc)))
    return out


def _lines(ax, ds, name, xdim):
    mean, err = seed_mean(ds, name)
    others = [d for d in mean.dims if d != xdim]
    x = ds[xdim].values
    for combo in itertools.product(*(range(ds.sizes[d]) for d in others)):
        sel = dict(zip(others, combo, strict=True))
        y = mean.isel(sel).transpose(xdim).values
        label = " ".join(f"{d}={format_value(ds[d].values[i].item())}" for d, i in sel.items())
        if err is not None:
            e = err.isel(sel).transpose(xdim).values
            ax.errorbar(x, y, yerr=e, marker="o", ms=3, capsize=2, label=label or None)
        else:
            ax.plot(x, y, marker="o", ms=3, label=label or None)
    ax.set_xlabel(xdim)
    ax.set_title(name, fontsize=9)
    if others:
        ax.legend(fontsize=6)


def plot(ds, path: str) -> list:
    """Draw ``ds`` (a sweep's Dataset) into ``path``; return the Binder crossings marked
    (``(T, U)`` pairs; empty without a Binder panel)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..common import save_plot

    dims = [d for d in ds[next(iter(ds.data_vars))].dims if d != SEED_DIM]
    xdim = max(dims, key=lambda d: ds.sizes[d])  # the first of the longest: fewer lines
    names = observables(ds)
    binder = "binder" in ds and "T" in dims and "L" in dims
    points = []
    n = len(names) + binder
    cols = min(3, max(n, 1))
    rows = -(-max(n, 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    flat = list(axes.ravel())
    for ax, name in zip(flat, names, strict=False):
        _lines(ax, ds, name, xdim)
    if binder:
        ax = flat[len(names)]
        sub = ds[["binder", "binder_error"]] if "binder_error" in ds else ds[["binder"]]
        rest = [d for d in dims if d not in ("T", "L")]
        if rest:  # the Binder panel at the first value of any other swept parameter
            sub = sub.isel({d: 0 for d in rest})
        _lines(ax, sub, "binder", "T")
        mean, _ = seed_mean(sub, "binder")
        mean = mean.transpose("L", "T")
        points = crossings(sub["T"].values, [mean.values[i] for i in range(mean.shape[0])])
        for xc, yc in points:
            ax.plot([xc], [yc], marker="x", color="k", ms=9, mew=2)
            ax.axvline(xc, color="k", lw=0.6, ls=":")
        if points:
            mid = np.mean([p[0] for p in points])
            ax.set_title(f"Binder cumulant: crossings near T = {mid:.4g}", fontsize=9)
        else:
            ax.set_title("Binder cumulant (no crossing in range)", fontsize=9)
    for ax in flat[n:]:
        ax.set_visible(False)
    model = ds.attrs.get("model", "")
    fig.suptitle(f"{ds.attrs.get('verb', '')} {model}".strip(), fontsize=10)
    save_plot(fig, path)
    return points
