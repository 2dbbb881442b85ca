r"""Every solution of a self-consistency equation, on a grid of parameters.

The equations come from the derivation layer as a
:class:`derive.meanfield.SelfConsistency`: unknown :math:`x` in an open
interval, a free energy per spin :math:`\phi(x)` and its derivative, the
residual :math:`r = \phi'(x)`, which vanishes exactly at the solutions.

Algorithm (vectorised over the grid, NumPy or CuPy through ``xp``):

1. sample :math:`r` and :math:`r'` at ``samples`` points of the interval
   (clustered towards its ends, which are included);
2. where :math:`r'` changes sign between two samples, locate the extremum of
   :math:`r` (bracketed Newton on :math:`r'`) and split the interval there;
3. every interval whose ends have opposite signs of :math:`r` brackets one
   root, which bracketed Newton (bisection when a step leaves the bracket)
   polishes to machine precision; exact zeros at sample points are roots;
4. each root is classified by the curvature :math:`\phi''(x) = r'(x)`:
   a local minimum is ``stable`` (``equilibrium`` if its free energy is the
   lowest) or ``metastable``, a maximum ``unstable``.

Every root is found provided :math:`r'` changes sign at most once between
neighbouring samples.  For the Weiss and Curie-Weiss residual
:math:`T\operatorname{artanh} m - zJm - h` that holds for any odd number of
samples: its two extrema, :math:`\pm\sqrt{1 - T/zJ}`, lie on either side of
the sample at 0.  For the Bethe equations the tests compare the root count with
the mpmath search at random points.  :func:`solve_point_mp` does the same in mpmath at
any number of digits, sampling in mpmath too, so that roots that float64
cannot separate (just below :math:`T_c`) are still found.

A root that does not converge raises :class:`SolverError` naming the parameter
point; nothing is returned for it.

Vector-valued equations (replica-symmetric spin glasses, Hopfield networks)
will enter through the same :class:`~derive.meanfield.SelfConsistency`
value, whose ``unknowns`` and ``residual`` are tuples; they are refused here
for now.

References
----------
W. H. Press et al., Numerical Recipes, 3rd ed. (2007), sec. 9.4 (``rtsafe``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .backend import get_backend, scatter_min, to_numpy
from .compile import compile_expression

STABLE, METASTABLE, UNSTABLE = 1, 2, 3
STABILITY_NAMES = {STABLE: "stable", METASTABLE: "metastable", UNSTABLE: "unstable"}
DEFAULT_SAMPLES = 17
MAX_ITERATIONS = 200
#: Two minima whose free energies agree to this relative tolerance coexist.
COEXISTENCE_RTOL = 1e-12


class SolverError(ArithmeticError):
    """A solution could not be converged; the message names the parameter point."""


def _describe(names, values) -> str:
    return ", ".join(f"{n}={v!r}" for n, v in zip(names, values, strict=True))


# --------------------------------------------------------------------------
# Compiled equations


class CompiledEquations:
    r"""The pieces of a scalar self-consistency equation, compiled for a backend.

    Functions take ``(x, *parameters)`` in the order of ``equations.parameters``
    and broadcast.
    """

    def __init__(self, equations, backend: str = "numpy"):
        import sympy as sp

        if len(equations.unknowns) != 1:
            raise NotImplementedError(
                f"{equations.name}: {len(equations.unknowns)} unknowns; the solver handles "
                "scalar self-consistency equations for now"
            )
        self.equations = equations
        self.backend = backend
        (x,) = equations.unknowns
        (r,) = equations.residual
        self.unknown = x
        self.parameter_names = equations.parameter_names
        args = (x, *equations.parameters)
        dr = sp.diff(r, x)
        self.exprs = {
            "residual": r,
            "slope": dr,
            "bend": sp.diff(dr, x),
            "free_energy": equations.free_energy,
            "m": equations.observable("m"),
        }
        self.args = args
        self._fns = {k: compile_expression(e, args, backend) for k, e in self.exprs.items()}
        self.domain = tuple(float(v) for v in equations.domain[0])

    def __call__(self, name: str, x, params):
        return self._fns[name](x, *params)

    def parameter_derivatives(self, name: str):
        """``(dr/dp, d2r/dx dp)`` compiled for parameter ``name`` (continuation)."""
        import sympy as sp

        p = next(s for s in self.equations.parameters if s.name == name)
        r = self.exprs["residual"]
        return (
            compile_expression(sp.diff(r, p), self.args, self.backend),
            compile_expression(sp.diff(r, self.unknown, p), self.args, self.backend),
        )


@lru_cache(maxsize=64)
def compiled(equations, backend: str = "numpy") -> CompiledEquations:
    """:class:`CompiledEquations`, cached per (equal) equations and backend."""
    return CompiledEquations(equations, backend)


def sample_points(lower: float, upper: float, count: int) -> np.ndarray:
    """``count`` points of ``[lower, upper]``, ends included, clustered at the ends
    (Chebyshev-Lobatto) and symmetric, so that an odd count includes the middle."""
    k = np.arange(count)
    y = -np.cos(np.pi * k / (count - 1))
    y[(count - 1) // 2] = 0.0 if count % 2 else y[(count - 1) // 2]
    return lower + (upper - lower) * (y + 1) / 2


# --------------------------------------------------------------------------
# Vectorised bracketed Newton


def _bracketed_newton(fn, dfn, a, b, fa, params, xp, what: str, names, fb=None):
    r"""Zeros of ``fn`` in brackets ``[a, b]`` (``fn`` changes sign), all at once.

    Newton steps (``rtsafe``): a step that leaves the bracket, or is not at most
    half the step before, becomes a bisection.  Converged when the bracket or
    the step is a few ulps.  ``params`` are arrays aligned with ``a``; the
    working set shrinks as brackets converge.
    """
    out = xp.empty(a.shape, dtype=np.float64)
    eps = np.finfo(np.float64).eps
    idx = xp.arange(a.size)
    lo, hi, flo = a.astype(np.float64), b.astype(np.float64), fa.astype(np.float64)
    x = (lo + hi) / 2
    if fb is not None:  # start from the secant through the bracket ends where finite
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            secant = lo - flo * (hi - lo) / (fb - flo)
        ok = xp.isfinite(secant) & (secant > xp.minimum(lo, hi)) & (secant < xp.maximum(lo, hi))
        x = xp.where(ok, secant, x)
    last = xp.abs(hi - lo)
    p = list(params)
    for _ in range(MAX_ITERATIONS):
        if idx.size == 0:
            break
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            fx = xp.broadcast_to(xp.asarray(fn(x, *p), dtype=np.float64), x.shape)
            dx = xp.broadcast_to(xp.asarray(dfn(x, *p), dtype=np.float64), x.shape)
            same = (fx > 0) == (flo > 0)
            lo = xp.where(same, x, lo)
            flo = xp.where(same, fx, flo)
            hi = xp.where(same, hi, x)
            newton = x - fx / dx
        move = xp.abs(newton - x)
        inside = (newton > xp.minimum(lo, hi)) & (newton < xp.maximum(lo, hi))
        inside &= move <= last / 2
        step = xp.where(inside, newton, (lo + hi) / 2)
        tol = 4 * eps * xp.maximum(xp.abs(step), 1e-300)
        # a Newton correction of a few ulps ends it (it may round onto a bracket end)
        close = move <= tol
        finished = (fx == 0) | (xp.abs(hi - lo) <= tol) | close
        step = xp.where((fx == 0) | close, x, step)
        last = xp.abs(step - x)
        out[idx[finished]] = step[finished]
        if bool(finished.any()):
            keep = ~finished
            idx, lo, hi, flo, last, x = (
                idx[keep],
                lo[keep],
                hi[keep],
                flo[keep],
                last[keep],
                step[keep],
            )
            p = [q[keep] for q in p]
        else:
            x = step
    if idx.size:
        point = [float(to_numpy(q[0])) for q in p]
        raise SolverError(
            f"{what} did not converge in {MAX_ITERATIONS} iterations at "
            f"{_describe(names, point)} (bracket [{float(to_numpy(lo[0]))!r}, "
            f"{float(to_numpy(hi[0]))!r}])"
        )
    return out


# --------------------------------------------------------------------------
# Grid solutions


@dataclass
class GridSolution:
    r"""All solutions at every grid point, padded with NaN.

    Arrays have shape ``(points, width)``, width the largest number of
    solutions at any point; solutions are sorted by the unknown.  ``stability``
    holds ``STABLE`` (an equilibrium: the lowest free energy, or one of several
    coexisting equal ones), ``METASTABLE``, ``UNSTABLE`` or 0 (padding).
    """

    parameter_names: tuple[str, ...]
    parameters: dict  # name -> array (points,)
    x: np.ndarray
    m: np.ndarray
    free_energy: np.ndarray
    curvature: np.ndarray
    stability: np.ndarray
    count: np.ndarray
    unknown: str = "m"
    extras: dict = field(default_factory=dict)

    @property
    def equilibrium(self):
        return self.stability == STABLE

    @property
    def locally_stable(self):
        return (self.stability == STABLE) | (self.stability == METASTABLE)

    def point(self, i: int) -> list[dict]:
        """The solutions at grid point ``i`` as dicts (host floats)."""
        out = []
        for j in range(int(self.count[i])):
            code = int(self.stability[i, j])
            sol = {
                "m": float(self.m[i, j]),
                "stable": code in (STABLE, METASTABLE),
                "equilibrium": code == STABLE,
                "free_energy": float(self.free_energy[i, j]),
                "stability": STABILITY_NAMES[code],
                "curvature": float(self.curvature[i, j]),
            }
            if self.unknown != "m":
                sol[self.unknown] = float(self.x[i, j])
            out.append(sol)
        return out


def _as_grid(names, values: dict, xp):
    arrays = [xp.asarray(values[n], dtype=np.float64) for n in names]
    shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
    return [xp.broadcast_to(a, shape).reshape(-1) for a in arrays], shape


def solve_grid(
    equations,
    values: dict,
    samples: int = DEFAULT_SAMPLES,
    backend: str = "numpy",
    chunk: int = 1 << 16,
) -> GridSolution:
    r"""Every solution at every point of a parameter grid.

    Parameters
    ----------
    equations : derive.meanfield.SelfConsistency
    values : dict
        Parameter name -> scalar or array; arrays broadcast against each other
        and are flattened into the points of the grid (C order).
    samples : int
        Sample points of the unknown's interval (odd keeps the middle).
    backend : {"numpy", "cupy"}

    Returns
    -------
    GridSolution
        On the host (NumPy arrays).

    Examples
    --------
    >>> from statmech.derive import get_model
    >>> from statmech.derive.meanfield import mean_field_equations
    >>> eq = mean_field_equations(get_model("curie-weiss"))
    >>> sol = solve_grid(eq, {"T": 0.5, "J": 1.0, "h": 0.0})
    >>> [s["stability"] for s in sol.point(0)]
    ['stable', 'unstable', 'stable']
    """
    names = equations.parameter_names
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"missing parameter values: {', '.join(missing)}")
    xp = get_backend(backend)
    eqc = compiled(equations, backend)
    params, shape = _as_grid(names, values, xp)
    n = int(np.prod(shape)) if shape else 1
    slices = [slice(start, min(start + chunk, n)) for start in range(0, n, chunk)]

    def work(sl):
        return _solve_chunk(eqc, [p[sl] for p in params], samples, xp)

    if backend == "numpy" and len(slices) > 1:  # NumPy releases the GIL in its loops
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            parts = list(pool.map(work, slices))
    else:
        parts = [work(sl) for sl in slices]
    width = max(1, max(p[0].shape[1] for p in parts))

    def stack(k, fill=np.nan):
        out = []
        for p in parts:
            arr = p[k]
            pad = width - arr.shape[1]
            if pad:
                arr = np.concatenate([arr, np.full((arr.shape[0], pad), fill)], axis=1)
            out.append(arr)
        return np.concatenate(out, axis=0)

    stability = stack(4, 0).astype(np.int8)
    return GridSolution(
        parameter_names=names,
        parameters={k: to_numpy(v) for k, v in zip(names, params, strict=True)},
        x=stack(0),
        m=stack(1),
        free_energy=stack(2),
        curvature=stack(3),
        stability=stability,
        count=(stability > 0).sum(axis=1),
        unknown=eqc.unknown.name,
    )


def _eval(eqc, name, x, params, xp):
    out = eqc(name, x, params)
    return xp.broadcast_to(xp.asarray(out, dtype=np.float64), x.shape)


def _sign_change(fa, fb):
    return ((fa > 0) & (fb < 0)) | ((fa < 0) & (fb > 0))


#: Residuals at the interval's ends within this many ulps of the row's scale count as zero.
END_ZERO_ULPS = 64


def _zero_at_ends(r, xp):
    """Mask of end samples whose residual is zero to rounding and that bracket no root
    with their neighbour (which would find it already)."""
    finite = xp.where(xp.isfinite(r), xp.abs(r), 0.0)
    tol = END_ZERO_ULPS * np.finfo(np.float64).eps * xp.maximum(finite.max(axis=1), 1.0)
    mask = xp.zeros(r.shape, dtype=bool)
    for end, inner in ((0, 1), (-1, -2)):
        mask[:, end] = (
            (r[:, end] != 0) & (xp.abs(r[:, end]) <= tol) & ~_sign_change(r[:, end], r[:, inner])
        )
    return mask


def _solve_chunk(eqc, params, samples, xp):
    lo, hi = eqc.domain
    n = params[0].shape[0] if params else 1
    xs = xp.asarray(sample_points(lo, hi, samples))
    pcol = [p[:, None] for p in params]
    names = eqc.parameter_names
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # a (1, samples) row: functions of the unknown alone are computed once per sample
        row = xs[None, :]
        shape = (n, samples)
        r = xp.broadcast_to(xp.asarray(eqc("residual", row, pcol), dtype=np.float64), shape)
        dr = xp.broadcast_to(xp.asarray(eqc("slope", row, pcol), dtype=np.float64), shape)
    # 2. an extremum of r inside a sample interval splits it at the extremum c
    turn = _sign_change(dr[:, :-1], dr[:, 1:])
    ti, tk = xp.nonzero(turn)
    tp = [p[ti] for p in params]
    c = _bracketed_newton(
        lambda x, *q: eqc("slope", x, q),
        lambda x, *q: eqc("bend", x, q),
        xs[tk],
        xs[tk + 1],
        dr[ti, tk],
        tp,
        xp,
        "the extremum search",
        names,
        fb=dr[ti, tk + 1],
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rc = _eval(eqc, "residual", c, tp, xp)
    # 3. brackets: unsplit sample intervals, and the two halves of split ones
    si, sk = xp.nonzero(_sign_change(r[:, :-1], r[:, 1:]) & ~turn)
    ra, rb = r[ti, tk], r[ti, tk + 1]
    left = _sign_change(ra, rc)
    right = _sign_change(rc, rb)
    point = xp.concatenate([si, ti[left], ti[right]])
    a = xp.concatenate([xs[sk], xs[tk][left], c[right]])
    b = xp.concatenate([xs[sk + 1], c[left], xs[tk + 1][right]])
    fa = xp.concatenate([r[si, sk], ra[left], rc[right]])
    fb = xp.concatenate([r[si, sk + 1], rc[left], rb[right]])
    bp = [q[point] for q in params]
    roots = _bracketed_newton(
        lambda x, *q: eqc("residual", x, q),
        lambda x, *q: eqc("slope", x, q),
        a,
        b,
        fa,
        bp,
        xp,
        "the root search",
        names,
        fb=fb,
    )
    # exact zeros: at sample points, and extrema that touch zero (double roots);
    # at the ends of the interval also zeros to rounding, where float64 cannot
    # separate the root from the end (m = +-1 to 1e-16 at low T) and so brackets none
    zi, zk = xp.nonzero((r == 0) | _zero_at_ends(r, xp))
    touch = rc == 0
    point = xp.concatenate([point, zi, ti[touch]])
    x = xp.concatenate([roots, xs[zk], c[touch]])
    return _classify(eqc, params, point, x, n, xp)


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
    return compile_expression(
        equations.free_energy, (*equations.unknowns, *equations.parameters), "mpmath"
    )


def _classify(eqc, params, point, x, n, xp):
    """Free energy, curvature, stability of each root; scatter into (n, width)."""
    lo, hi = eqc.domain
    order = xp.lexsort(xp.stack([x, point]))
    point, x = point[order], x[order]
    # drop duplicates (an exact zero found twice)
    if x.size > 1:
        dup = (point[1:] == point[:-1]) & (x[1:] == x[:-1])
        keep = xp.concatenate([xp.ones(1, dtype=bool), ~dup])
        point, x = point[keep], x[keep]
    p = [q[point] for q in params]
    inside = xp.clip(x, np.nextafter(lo, hi), np.nextafter(hi, lo))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fe = _free_energy(eqc, inside, p, xp)
        curv = _eval(eqc, "slope", x, p, xp)
        mag = _eval(eqc, "m", x, p, xp)
    scale = xp.maximum(xp.abs(curv), 1.0)
    # marginal curvature (at a critical point), or none in float64 (a root at the end of
    # the interval at low T, where tanh(J/T) rounds to 1 and the slope is 0/0):
    # compare the free energy at the neighbours
    flat = (xp.abs(curv) <= 1e-9 * scale) | ~xp.isfinite(curv)
    minimum = curv > 0
    if bool(xp.any(flat)):
        d = 1e-4
        fi = xp.nonzero(flat)[0]
        pf = [q[fi] for q in p]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            left = _free_energy(eqc, xp.clip(x[fi] - d, lo + d, hi - d), pf, xp)
            right = _free_energy(eqc, xp.clip(x[fi] + d, lo + d, hi - d), pf, xp)
        minimum[fi] = (left >= fe[fi]) & (right >= fe[fi])
    # rank within point, width
    counts = xp.bincount(point, minlength=n)
    width = int(to_numpy(counts.max())) if counts.size else 0
    starts = xp.cumsum(counts) - counts
    rank = xp.arange(point.size) - starts[point]
    # lowest free energy among minima at each point
    big = xp.where(minimum, fe, xp.inf)
    best = xp.full(n, xp.inf)
    scatter_min(xp, best, point, big)
    tol = COEXISTENCE_RTOL * xp.maximum(xp.abs(best[point]), 1.0)
    equilibrium = minimum & (fe <= best[point] + tol)
    code = xp.where(minimum, xp.where(equilibrium, STABLE, METASTABLE), UNSTABLE)
    out = []
    for values, fill in ((x, np.nan), (mag, np.nan), (fe, np.nan), (curv, np.nan), (code, 0)):
        arr = xp.full((n, max(width, 1)), fill, dtype=np.float64)
        arr[point, rank] = values
        out.append(to_numpy(arr))
    return out


# re-exported: the arbitrary-precision search lives in numeric/precise.py and uses this module
from .precise import solve_point_mp  # noqa: E402, F401
