"""The stability of the roots :func:`statmech.numeric.solve.solve_grid` found: each
root's free energy, curvature and kind (minimum, maximum, neither) from the signs of the
residual beside it, decided on the device where float64 can decide it; on the host, the
equilibrium at each point (the stable root of lowest free energy, ties within rounding
bounds), and what float64 cannot decide (an unknown kind, a tie, a root too inaccurate)
sent to mpmath (:mod:`statmech.numeric.precise`).  Free energies that overflow float64
are evaluated in mpmath.

Backends compute the same thing: the per-point reductions (the lowest free
energy) run on the host after the roots are found.  CuPy's
``cupyx.scatter_min`` (and the ``atomicMin(double*)`` behind it) compares in
single precision (``fminf``), which rounded the lowest free energy to float32
and labelled about half of the equilibria metastable; no atomic reduction is
used here.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .backend import to_numpy
from .gaussian import compile_averaged
from .rounding import SAFETY
from .solve import (
    FLOAT64_UNIT,
    METASTABLE,
    ROOT_ATOL,
    ROOT_RTOL,
    STABLE,
    UNSTABLE,
    _eval,
    _eval_bound,
)

# Kinds of stationary point, from the signs of the residual beside a root.
_UNKNOWN, _MINIMUM, _MAXIMUM, _NEITHER = 0, 1, 2, 3


def neighbours(r, rb, ti, tk, rc, rcb, zi, zk, xp):
    """Residual (and bound) nearest to either side of the exact zeros at samples
    ``(zi, zk)``: the extremum inside the neighbouring interval where there is one,
    else the next sample; NaN beyond the ends."""
    samples = r.shape[1]
    key = ti * samples + tk  # row-major, so already sorted

    def at(i, k, default_v, default_b):
        pos = xp.searchsorted(key, i * samples + k)
        pos = xp.minimum(pos, max(key.size - 1, 0))
        if key.size:
            hit = key[pos] == i * samples + k
            return xp.where(hit, rc[pos], default_v), xp.where(hit, rcb[pos], default_b)
        return default_v, default_b

    nan = xp.full(zi.shape, np.nan)
    has_left, has_right = zk > 0, zk < samples - 1
    kl, kr = xp.maximum(zk - 1, 0), xp.minimum(zk + 1, samples - 1)
    lv, lb = at(zi, kl, r[zi, kl], rb[zi, kl])
    rv, rbv = at(zi, zk, r[zi, kr], rb[zi, kr])
    return (
        xp.where(has_left, lv, nan),
        xp.where(has_left, lb, nan),
        xp.where(has_right, rv, nan),
        xp.where(has_right, rbv, nan),
    )


#: Digits for the free energies that overflow float64 (cosh(J/T) at T << J).
FREE_ENERGY_DPS = 30


def _free_energy(eqc, x, params, xp):
    """The free energy per spin at ``x``; where float64 overflows (``log cosh(J/T)``
    at low T gives -inf), the same expression in mpmath, whose exponents do not."""
    fe = _eval(eqc, "free_energy", x, params, xp)
    bad = ~xp.isfinite(fe)
    if not bool(xp.any(bad)):
        return fe
    import mpmath

    fn = _mpmath_free_energy(eqc.equations)
    idx = to_numpy(xp.nonzero(bad)[0])
    xs = to_numpy(xp.broadcast_to(x, fe.shape))
    ps = [to_numpy(xp.broadcast_to(q, fe.shape)) for q in params]
    fixed = to_numpy(fe).copy()
    with mpmath.workdps(FREE_ENERGY_DPS):
        for i in idx:
            try:
                value = fn(mpmath.mpf(float(xs[i])), *(mpmath.mpf(float(q[i])) for q in ps))
                fixed[i] = float(mpmath.re(value)) if mpmath.isfinite(value) else np.nan
            except (ZeroDivisionError, ValueError, OverflowError):
                fixed[i] = np.nan
    return xp.asarray(fixed)


@lru_cache(maxsize=64)
def _mpmath_free_energy(equations):
    return compile_averaged(
        equations.free_energy, (*equations.unknowns, *equations.parameters), "mpmath"
    )


def classify(eqc, params, data, suspect, n, xp):
    """Free energy, curvature and kind of each root on the device; the decisions
    (and any mpmath) on the host.  Returns host arrays of shape (n, width)."""
    lo, hi = eqc.domain
    point, x = data["point"], data["x"]
    order = xp.lexsort(xp.stack([x, point]))
    data = {k: v[order] for k, v in data.items()}
    point, x = data["point"], data["x"]
    # drop duplicates (an exact zero found twice)
    if x.size > 1:
        dup = (point[1:] == point[:-1]) & (x[1:] == x[:-1])
        keep = xp.concatenate([xp.ones(1, dtype=bool), ~dup])
        data = {k: v[keep] for k, v in data.items()}
        point, x = data["point"], data["x"]
    p = [q[point] for q in params]
    inside = xp.clip(x, np.nextafter(lo, hi), np.nextafter(hi, lo))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fe = _free_energy(eqc, inside, p, xp)
        feb = _eval_bound(eqc, "free_energy", inside, p, xp)
        curv = _eval(eqc, "slope", x, p, xp)
        mag = _eval(eqc, "m", x, p, xp)
        rxb = _eval_bound(eqc, "residual", x, p, xp)
    host = {k: to_numpy(v) for k, v in data.items()}
    host.update(
        fe=to_numpy(fe), feb=to_numpy(feb), curv=to_numpy(curv), m=to_numpy(mag), rxb=to_numpy(rxb)
    )
    host_params = [to_numpy(q) for q in params]
    return _decide(eqc, host, to_numpy(suspect), host_params, n)


def _kinds(left, lb, right, rb):
    """Minimum, maximum, neither or unknown from the residual's signs beside each root."""

    def side(v, b):
        size = np.abs(v)
        known = np.isinf(size) | (size > np.where(np.isnan(b), np.inf, b))
        s = np.where(known, np.sign(v), 0.0)
        return np.where(np.isnan(v), np.nan, s)

    sl, sr = side(left, lb), side(right, rb)
    kind = np.full(left.shape, _UNKNOWN, dtype=np.int8)
    both = ~np.isnan(sl) & ~np.isnan(sr)
    kind[both & (sl < 0) & (sr > 0)] = _MINIMUM
    kind[both & (sl > 0) & (sr < 0)] = _MAXIMUM
    kind[both & (sl == sr) & (sl != 0)] = _NEITHER
    only_right = np.isnan(sl) & ~np.isnan(sr)  # a root at the lower end
    kind[only_right & (sr > 0)] = _MINIMUM
    kind[only_right & (sr < 0)] = _MAXIMUM
    only_left = ~np.isnan(sl) & np.isnan(sr)  # at the upper end
    kind[only_left & (sl < 0)] = _MINIMUM
    kind[only_left & (sl > 0)] = _MAXIMUM
    return kind


def _decide(eqc, h, suspect, params, n):
    """Stability codes and equilibria (host), sending what float64 cannot decide to mpmath."""
    lo, hi = eqc.domain
    point, x = h["point"], h["x"]
    kind = _kinds(h["left"], h["left_bound"], h["right"], h["right_bound"])
    stable = kind == (_MINIMUM if eqc.sign > 0 else _MAXIMUM)
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = np.where(h["rxb"] > 0, h["rxb"] / np.abs(h["curv"]), 0.0)
    width_tol = ROOT_ATOL * (hi - lo)
    inaccurate = ~h["end"] & (np.isnan(dx) | (dx > ROOT_RTOL * np.abs(x) + width_tol))
    inaccurate &= np.isfinite(h["curv"])
    fe = h["fe"]
    feb = np.where(np.isfinite(h["feb"]), h["feb"], SAFETY * 64 * FLOAT64_UNIT * np.abs(fe))
    # f is stationary at the root: an error dx in the root moves it by |phi''| dx^2 / 2
    feb = feb + np.where(np.isfinite(dx) & np.isfinite(h["curv"]), 0.5 * h["rxb"] * dx, 0.0)
    # the best stable free energy at each point, and who ties with it within rounding
    key = np.where(stable, eqc.sign * fe, np.inf)
    counts = np.bincount(point, minlength=n)
    width = int(counts.max()) if counts.size else 0
    starts = np.cumsum(counts) - counts
    rank = np.arange(point.size) - starts[point]

    def table(values, fill):
        arr = np.full((n, max(width, 1)), fill, dtype=np.float64)
        arr[point, rank] = values
        return arr

    keys = table(key, np.inf)
    best_j = np.argmin(keys, axis=1)
    best = keys[np.arange(n), best_j]
    best_b = table(feb, 0.0)[np.arange(n), best_j]
    with np.errstate(invalid="ignore"):
        tied = stable & (key - best[point] <= feb + best_b[point])
    ties = np.bincount(point[tied], minlength=n) > 1
    undecided_kind = np.bincount(point[kind == _UNKNOWN], minlength=n) > 0
    full = suspect | undecided_kind
    code = np.where(stable, METASTABLE, UNSTABLE).astype(np.int8)
    code[stable & (key == best[point])] = STABLE
    out = {
        "x": table(x, np.nan),
        "m": table(h["m"], np.nan),
        "free_energy": table(fe, np.nan),
        "curvature": table(h["curv"], np.nan),
        "stability": table(code, 0),
        "arithmetic": table(np.zeros(point.size), 0),
    }
    polish = np.bincount(point[inaccurate], minlength=n) > 0
    todo = np.flatnonzero(full | ties | polish)
    if todo.size == 0:
        return out
    from . import precise

    rows = {}
    for i in todo:
        sel = np.flatnonzero(point == i)
        values = [float(q[i]) for q in params]
        result = None
        if not full[i]:
            rows_i = {
                "x": x[sel],
                "m": h["m"][sel],
                "free_energy": fe[sel],
                "curvature": h["curv"][sel],
                "code": code[sel],
            }
            tied_i = tied[sel] if ties[i] else np.zeros(sel.size, dtype=bool)
            result = precise.settle_scalar_point(
                eqc.equations, values, rows_i, tied_i, inaccurate[sel]
            )
        if result is None:  # classification in doubt, or the polish failed: search again
            result = precise.escalate_scalar_point(eqc.equations, values)
        rows[i] = result
    return _merge_rows(out, rows)


def _merge_rows(out, rows):
    """Replace the rows of ``out`` named in ``rows`` (lists of solution dicts)."""
    width = max([out["x"].shape[1]] + [len(v) for v in rows.values()])
    for k, arr in out.items():
        if arr.shape[1] < width:
            fill = 0 if k in ("stability", "arithmetic") else np.nan
            pad = np.full((arr.shape[0], width - arr.shape[1]), fill)
            out[k] = np.concatenate([arr, pad], axis=1)
    for i, sols in rows.items():
        for k, fill in (
            ("x", np.nan),
            ("m", np.nan),
            ("free_energy", np.nan),
            ("curvature", np.nan),
            ("stability", 0),
            ("arithmetic", 0),
        ):
            out[k][i, :] = fill
        for j, s in enumerate(sols):
            out["x"][i, j] = s["x"]
            out["m"][i, j] = s["m"]
            out["free_energy"][i, j] = s["free_energy"]
            out["curvature"][i, j] = s["curvature"]
            out["stability"][i, j] = s["code"]
            out["arithmetic"][i, j] = s["arithmetic"]
    return out
