r"""Every solution of a self-consistency equation, on a grid of parameters.

The equations come from the derivation layer as a
:class:`derive.meanfield.SelfConsistency`: unknowns :math:`x` in a box, a
free energy per spin :math:`\phi(x)` and its gradient, the residual
:math:`r = \nabla\phi`, which vanishes exactly at the solutions.
:func:`solve_grid` sends equations with one unknown to the search below and
systems (several unknowns) to :mod:`numeric.systems`.

One unknown (vectorised over the grid, NumPy or CuPy through ``xp``):

1. sample :math:`r` and :math:`r'` at ``samples`` points of the interval
   (clustered towards its ends, which are included);
2. where :math:`r'` changes sign between two samples, locate the extremum of
   :math:`r` (bracketed Newton on :math:`r'`) and split the interval there;
3. every interval whose ends have opposite signs of :math:`r` brackets one
   root, which bracketed Newton (bisection when a step leaves the bracket)
   polishes to machine precision; exact zeros at sample points are roots
   (a residual that is exactly zero is a symmetry's zero, :math:`m = 0` at
   :math:`h = 0`, and is taken as one);
4. each root is classified by the signs of :math:`r` at its neighbouring
   evaluation points (the ends of its bracket): :math:`r` rising through the
   root makes a local minimum of :math:`\phi`, falling a maximum, the same
   sign on both sides an inflection.  Unlike the curvature
   :math:`\phi'' = r'`, which vanishes at a critical point and is lost to
   rounding near one, these signs belong to values far from the root;
   at an end of the interval the one neighbour decides.  A root is
   ``stable`` where it is the extremum its unknown asks for (a minimum, or
   a maximum for an unknown the equations mark ``"max"``: replica overlaps),
   ``unstable`` otherwise;
5. the equilibrium is the stable root of lowest free energy (highest where
   the unknown is maximised), the others ``metastable``.

Every root is found provided :math:`r'` changes sign at most once between
neighbouring samples.  For the Weiss and Curie-Weiss residual
:math:`T\operatorname{artanh} m - zJm - h` that holds for any odd number of
samples: its two extrema, :math:`\pm\sqrt{1 - T/zJ}`, lie on either side of
the sample at 0.  For the Bethe equations the tests compare the root count with
the mpmath search at random points.

**Where float64 cannot decide, mpmath does.**  Every sign the search and the
classification rely on is compared with a first-order bound on its rounding
error (:mod:`numeric.rounding`, times a safety factor 4), and so is every
difference of free energies.  A point is handed to mpmath when

* a residual at a sample or an extremum, or a neighbour of a root, is
  nonzero but within its rounding bound (a root may be missed or
  misclassified: just below :math:`T_c` the ordered roots and the extrema
  between them carry residuals of order :math:`(T_c - T)^{3/2}`);
* a root is known to less than :data:`ROOT_RTOL` relative accuracy, and
  less than :data:`ROOT_ATOL` times the interval (rounding bound over slope):
  the root is polished by Newton's method in mpmath;
* two stable roots have free energies equal within their bounds: their free
  energies are recomputed in mpmath at the polished roots, and two that still
  agree to :data:`COEXISTENCE_DIGITS` digits coexist (both equilibrium; at
  :math:`h = 0` the :math:`\pm m` pair agrees exactly).

A point whose classification is in doubt is solved again by the search of
:func:`numeric.precise.solve_point_mp` at :data:`ESCALATION_DIGITS` digits,
then at more; a root that even those cannot classify is reported
``undecided``.  Nothing is guessed.  Parameters are taken as the float64
numbers they are (``T=0.9999999999`` means the double nearest to it).  Each
solution says in ``arithmetic`` whether float64 or mpmath settled it.

A root that does not converge raises :class:`SolverError` naming the parameter
point; nothing is returned for it.

The classification and the equilibria are :mod:`numeric.solve_stability`'s.

References
----------
W. H. Press et al., Numerical Recipes, 3rd ed. (2007), sec. 9.4 (``rtsafe``).
N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed. (2002),
sec. 3.3 (running error bounds).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .backend import get_backend, to_numpy
from .gaussian import compile_averaged
from .rounding import SAFETY, rounding_bound, unit

STABLE, METASTABLE, UNSTABLE, UNDECIDED = 1, 2, 3, 4
STABILITY_NAMES = {
    STABLE: "stable",
    METASTABLE: "metastable",
    UNSTABLE: "unstable",
    UNDECIDED: "undecided",
}
DEFAULT_SAMPLES = 17
MAX_ITERATIONS = 200
#: Unit roundoff of float64.
FLOAT64_UNIT = 2.0**-53
#: Relative accuracy a float64 root must have; a worse one is polished in mpmath.
ROOT_RTOL = 1e-10
#: ... or absolute accuracy, as a fraction of the unknown's interval (roots at 0).
ROOT_ATOL = 1e-15
#: Digits of the mpmath recomputation of a point float64 cannot decide (then more).
ESCALATION_DIGITS = (30, 60, 120)
#: Two minima whose free energies agree to this many digits in mpmath coexist.
COEXISTENCE_DIGITS = 25
#: Kept for callers of earlier versions: float64 no longer declares coexistence itself.
COEXISTENCE_RTOL = 10.0**-COEXISTENCE_DIGITS


class SolverError(ArithmeticError):
    """A solution could not be converged; the message names the parameter point."""


def _describe(names, values) -> str:
    return ", ".join(f"{n}={v!r}" for n, v in zip(names, values, strict=True))


# --------------------------------------------------------------------------
# Compiled equations


class CompiledEquations:
    r"""The pieces of a scalar self-consistency equation, compiled for a backend.

    Functions take ``(x, *parameters)`` in the order of ``equations.parameters``
    and broadcast; Gaussian averages become quadrature sums
    (:mod:`numeric.gaussian`).  ``bound(name, ...)`` is the rounding bound of
    the residual or the free energy times :data:`~numeric.rounding.SAFETY`.
    """

    def __init__(self, equations, backend: str = "numpy"):
        import sympy as sp

        if len(equations.unknowns) != 1:
            raise ValueError(
                f"{equations.name}: {len(equations.unknowns)} unknowns; "
                "numeric.systems solves systems"
            )
        self.equations = equations
        self.backend = backend
        (x,) = equations.unknowns
        (r,) = equations.residual
        self.unknown = x
        self.parameter_names = equations.parameter_names
        self.sign = 1 if equations.extrema[0] == "min" else -1
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
        self._fns = {k: compile_averaged(e, args, backend) for k, e in self.exprs.items()}
        self._bounds = {
            k: compile_averaged(rounding_bound(self.exprs[k]), (*args, unit), backend)
            for k in ("residual", "free_energy")
        }
        self.domain = tuple(float(v) for v in equations.domain[0])

    def __call__(self, name: str, x, params):
        return self._fns[name](x, *params)

    def bound(self, name: str, x, params):
        return SAFETY * self._bounds[name](x, *params, FLOAT64_UNIT)

    def parameter_derivatives(self, name: str):
        """``(dr/dp, d2r/dx dp)`` compiled for parameter ``name`` (continuation)."""
        import sympy as sp

        p = next(s for s in self.equations.parameters if s.name == name)
        r = self.exprs["residual"]
        return (
            compile_averaged(sp.diff(r, p), self.args, self.backend),
            compile_averaged(sp.diff(r, self.unknown, p), self.args, self.backend),
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
    solutions at any point; solutions are sorted by the (first) unknown.
    ``stability`` holds ``STABLE`` (an equilibrium: the lowest free energy,
    or one of several coexisting equal ones), ``METASTABLE``, ``UNSTABLE``,
    ``UNDECIDED`` (not even mpmath could classify it) or 0 (padding).  For a
    system of ``d`` unknowns ``x`` has shape ``(points, width, d)`` and
    ``curvature`` holds the Hessian eigenvalues, shape ``(points, width, d)``.
    ``arithmetic`` is 0 where float64 settled a solution, 1 where mpmath did.
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
    unknowns: tuple[str, ...] = ()
    arithmetic: np.ndarray | None = None

    def __post_init__(self):
        if not self.unknowns:
            self.unknowns = (self.unknown,)
        if self.arithmetic is None:
            self.arithmetic = np.zeros(self.stability.shape, dtype=np.int8)

    @property
    def equilibrium(self):
        return self.stability == STABLE

    @property
    def locally_stable(self):
        return (self.stability == STABLE) | (self.stability == METASTABLE)

    def point(self, i: int) -> list[dict]:
        """The solutions at grid point ``i`` as dicts (host floats).

        ``stable`` and ``equilibrium`` are None for an ``undecided`` solution.
        """
        out = []
        system = self.x.ndim == 3
        for j in range(int(self.count[i])):
            code = int(self.stability[i, j])
            decided = code != UNDECIDED
            sol = {
                "m": float(self.m[i, j]),
                "stable": code in (STABLE, METASTABLE) if decided else None,
                "equilibrium": code == STABLE if decided else None,
                "free_energy": float(self.free_energy[i, j]),
                "stability": STABILITY_NAMES[code],
            }
            if system:
                sol["hessian_eigenvalues"] = [float(v) for v in self.curvature[i, j]]
                for k, name in enumerate(self.unknowns):
                    sol[name] = float(self.x[i, j, k])
            else:
                sol["curvature"] = float(self.curvature[i, j])
                if self.unknown != "m":
                    sol[self.unknown] = float(self.x[i, j])
            sol["arithmetic"] = "mpmath" if self.arithmetic[i, j] else "float64"
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
    **options,
) -> GridSolution:
    r"""Every solution at every point of a parameter grid.

    Parameters
    ----------
    equations : derive.meanfield.SelfConsistency
    values : dict
        Parameter name -> scalar or array; arrays broadcast against each other
        and are flattened into the points of the grid (C order).
    samples : int
        Sample points of the unknown's interval (odd keeps the middle); one
        unknown only.
    backend : {"numpy", "cupy"}
    **options
        For systems, passed to :func:`numeric.systems.solve_system_grid`
        (``starts``, ``continuation``).

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
    if len(equations.unknowns) > 1 or options.get("method") == "newton":
        from .systems import solve_system_grid

        options.pop("method", None)
        return solve_system_grid(equations, values, backend=backend, chunk=chunk, **options)
    if options:
        raise TypeError(f"unexpected options for one unknown: {', '.join(options)}")
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
    width = max(1, max(p["x"].shape[1] for p in parts))

    def stack(k, fill=np.nan):
        out = []
        for p in parts:
            arr = p[k]
            pad = width - arr.shape[1]
            if pad:
                arr = np.concatenate([arr, np.full((arr.shape[0], pad), fill)], axis=1)
            out.append(arr)
        return np.concatenate(out, axis=0)

    stability = stack("stability", 0).astype(np.int8)
    return GridSolution(
        parameter_names=names,
        parameters={k: to_numpy(v) for k, v in zip(names, params, strict=True)},
        x=stack("x"),
        m=stack("m"),
        free_energy=stack("free_energy"),
        curvature=stack("curvature"),
        stability=stability,
        count=(stability > 0).sum(axis=1),
        unknown=eqc.unknown.name,
        arithmetic=stack("arithmetic", 0).astype(np.int8),
    )


def _eval(eqc, name, x, params, xp):
    out = eqc(name, x, params)
    return xp.broadcast_to(xp.asarray(out, dtype=np.float64), x.shape)


def _eval_bound(eqc, name, x, params, xp):
    out = eqc.bound(name, x, params)
    return xp.broadcast_to(xp.asarray(out, dtype=np.float64), x.shape)


def _sign_change(fa, fb):
    return ((fa > 0) & (fb < 0)) | ((fa < 0) & (fb > 0))


def _noisy(value, bound):
    """Nonzero finite values within their rounding bound: their sign is not known."""
    size = abs(value)
    return (value != 0) & (size < float("inf")) & (size <= bound)


#: Residuals at the interval's ends within this many ulps of the row's scale count as zero.
END_ZERO_ULPS = 64


def _zero_at_ends(r, rb, xp):
    """Mask of end samples whose residual is zero to rounding: within this many ulps
    of the row's scale, or within its rounding bound.  Such a root cannot be
    told from the end of the interval (m = +-1 to 1e-16 at low T)."""
    finite = xp.where(xp.isfinite(r), xp.abs(r), 0.0)
    tol = END_ZERO_ULPS * np.finfo(np.float64).eps * xp.maximum(finite.max(axis=1), 1.0)
    mask = xp.zeros(r.shape, dtype=bool)
    for end in (0, -1):
        mask[:, end] = (r[:, end] != 0) & (
            (xp.abs(r[:, end]) <= tol) | _noisy(r[:, end], rb[:, end])
        )
    return mask


def _solve_chunk(eqc, params, samples, xp):
    from .solve_stability import classify, neighbours  # it imports this module

    lo, hi = eqc.domain
    n = params[0].shape[0] if params else 1
    xs = xp.asarray(sample_points(lo, hi, samples))
    pcol = [p[:, None] for p in params]
    names = eqc.parameter_names
    shape = (n, samples)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # a (1, samples) row: functions of the unknown alone are computed once per sample
        row = xs[None, :]
        r = xp.broadcast_to(xp.asarray(eqc("residual", row, pcol), dtype=np.float64), shape)
        dr = xp.broadcast_to(xp.asarray(eqc("slope", row, pcol), dtype=np.float64), shape)
        rb = xp.broadcast_to(xp.asarray(eqc.bound("residual", row, pcol), dtype=np.float64), shape)
    # where the slope is undefined at an end of the interval (0/0 where tanh(J/T)
    # rounds to 1), take it one ulp inside, so that an extremum next to the end
    # still splits the first interval
    dr = dr.copy()
    for k, inner in ((0, np.nextafter(lo, hi)), (samples - 1, np.nextafter(hi, lo))):
        bad = ~xp.isfinite(dr[:, k])
        if bool(bad.any()):
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                at = xp.full((n,), inner)
                dr[:, k] = xp.where(bad, _eval(eqc, "slope", at, params, xp), dr[:, k])
    ends = _zero_at_ends(r, rb, xp)
    suspect = (_noisy(r, rb) & ~ends).any(axis=1)
    r = xp.where(ends, 0.0, r)  # a root at the end: no bracket with its neighbour
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
        rcb = _eval_bound(eqc, "residual", c, tp, xp)
    if ti.size:
        suspect[ti[_noisy(rc, rcb)]] = True
    # the value (and bound) nearest to each side of every sample: the extremum
    # inside the neighbouring interval where there is one, else the next sample
    # 3. brackets: unsplit sample intervals, and the two halves of split ones
    si, sk = xp.nonzero(_sign_change(r[:, :-1], r[:, 1:]) & ~turn)
    ra, rb_, rab, rbb = r[ti, tk], r[ti, tk + 1], rb[ti, tk], rb[ti, tk + 1]
    left = _sign_change(ra, rc)
    right = _sign_change(rc, rb_)
    point = xp.concatenate([si, ti[left], ti[right]])
    a = xp.concatenate([xs[sk], xs[tk][left], c[right]])
    b = xp.concatenate([xs[sk + 1], c[left], xs[tk + 1][right]])
    fa = xp.concatenate([r[si, sk], ra[left], rc[right]])
    fb = xp.concatenate([r[si, sk + 1], rc[left], rb_[right]])
    fab = xp.concatenate([rb[si, sk], rab[left], rcb[right]])
    fbb = xp.concatenate([rb[si, sk + 1], rcb[left], rbb[right]])
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
    zi, zk = xp.nonzero(r == 0)
    touch = rc == 0
    left_v, left_b, right_v, right_b = neighbours(r, rb, ti, tk, rc, rcb, zi, zk, xp)
    data = {
        "point": xp.concatenate([point, zi, ti[touch]]),
        "x": xp.concatenate([roots, xs[zk], c[touch]]),
        "left": xp.concatenate([fa, left_v, ra[touch]]),
        "left_bound": xp.concatenate([fab, left_b, rab[touch]]),
        "right": xp.concatenate([fb, right_v, rb_[touch]]),
        "right_bound": xp.concatenate([fbb, right_b, rbb[touch]]),
        "end": xp.concatenate(
            [xp.zeros(point.shape, dtype=bool), ends[zi, zk], xp.zeros(ti[touch].shape, dtype=bool)]
        ),
    }
    return classify(eqc, params, data, suspect, n, xp)


def solve_point_mp(equations, point: dict, digits: int = 50, samples: int = DEFAULT_SAMPLES):
    """See :func:`numeric.precise.solve_point_mp` (the arbitrary-precision search)."""
    from .precise import solve_point_mp as solve

    return solve(equations, point, digits, samples)
