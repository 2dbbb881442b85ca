r"""Every solution of a self-consistency equation at one point, to any number of digits.

The same search as :func:`numeric.solve.solve_grid` (samples, extremum
splitting, bracketed Newton, curvature of the free energy), carried out in
mpmath for a single parameter point.
"""

from __future__ import annotations

from .compile import compile_expression
from .solve import DEFAULT_SAMPLES, METASTABLE, STABILITY_NAMES, STABLE, UNSTABLE, SolverError


def _mp_functions(equations):
    import sympy as sp

    (x,) = equations.unknowns
    (r,) = equations.residual
    args = (x, *equations.parameters)
    dr = sp.diff(r, x)
    exprs = {
        "residual": r,
        "slope": dr,
        "bend": sp.diff(dr, x),
        "free_energy": equations.free_energy,
        "m": equations.observable("m"),
    }
    return {k: compile_expression(e, args, "mpmath") for k, e in exprs.items()}


def _mp_bracketed(fn, dfn, a, b, fa, mp, tol, what, point_text):
    """Bracketed Newton in mpmath (bisection when a step leaves the bracket or stalls)."""
    lo, hi, flo = a, b, fa
    x = (lo + hi) / 2
    last = abs(hi - lo)
    for _ in range(20 * mp.prec):
        fx = fn(x)
        if fx == 0:
            return x
        if (fx > 0) == (flo > 0):
            lo, flo = x, fx
        else:
            hi = x
        d = dfn(x)
        step = x - fx / d if d != 0 else None
        if step is not None and min(lo, hi) < step < max(lo, hi) and abs(step - x) <= last / 2:
            move = abs(step - x)
        else:
            step = (lo + hi) / 2
            move = abs(step - x)
        if move <= tol * max(abs(x), mp.mpf(10) ** (-mp.dps)) or abs(hi - lo) <= tol * abs(x):
            return step
        last, x = move, step
    raise SolverError(f"{what} did not converge at {point_text} (bracket [{lo}, {hi}])")


def solve_point_mp(equations, point: dict, digits: int = 50, samples: int = DEFAULT_SAMPLES):
    r"""Every solution at one parameter point, to ``digits`` significant digits.

    Sampling, extremum splitting and polishing all run in mpmath, so roots
    closer together than float64 can resolve (just below :math:`T_c`) are
    separated.  The residual may cancel many digits there (:math:`T\,
    \operatorname{artanh} m - m` near :math:`T = J`), so the solution is
    computed at ``digits + 15`` working digits and again with ``digits + 10``
    more, raising the working precision until the two agree to ``digits``.
    Parameter values may be strings (``"0.8"`` means exactly 8/10) or numbers.

    Returns
    -------
    list of dict
        ``x`` (the unknown), ``m``, ``free_energy``, ``curvature`` as
        :class:`mpmath.mpf`; ``stable``, ``equilibrium``, ``stability``.
    """
    import mpmath

    if len(equations.unknowns) != 1:
        raise NotImplementedError("the solver handles scalar self-consistency equations for now")
    text = ", ".join(f"{n}={point[n]}" for n in equations.parameter_names)
    work = digits + 15
    previous = _solve_mp_at(equations, point, digits, work, samples)
    for _ in range(8):
        work += digits + 10
        current = _solve_mp_at(equations, point, digits, work, samples)
        if _agree(previous, current, digits):
            with mpmath.workdps(digits + 5):
                for sol in current:
                    for key in ("x", "m", "free_energy", "curvature"):
                        sol[key] = +sol[key]
            return current
        previous = current
    raise SolverError(
        f"the solutions at {text} did not settle to {digits} digits "
        f"(working precision up to {work} digits)"
    )


def _agree(a, b, digits) -> bool:
    import mpmath

    if len(a) != len(b) or [s["stability"] for s in a] != [s["stability"] for s in b]:
        return False
    tol = mpmath.mpf(10) ** (-(digits + 1))
    for sa, sb in zip(a, b, strict=True):
        for key in ("x", "m", "free_energy"):
            va, vb = sa[key], sb[key]
            if abs(va - vb) > tol * max(abs(va), abs(vb)) and not (va == 0 and vb == 0):
                return False
    return True


def _solve_mp_at(equations, point, digits, work, samples):
    import mpmath

    names = equations.parameter_names
    fns = _mp_functions(equations)
    text = ", ".join(f"{n}={point[n]}" for n in names)
    with mpmath.workdps(work):
        mp = mpmath.mp
        params = [
            mpmath.mpf(point[n]) if not isinstance(point[n], mpmath.mpf) else point[n]
            for n in names
        ]
        lo, hi = (mpmath.mpf(v) for v in equations.domain[0])
        tol = mpmath.mpf(10) ** (-(work - 7))

        def call(name):
            f = fns[name]
            return lambda x: f(x, *params)

        r, dr, bend = call("residual"), call("slope"), call("bend")

        def safe(f, x):
            try:
                v = f(x)
            except (ZeroDivisionError, ValueError):
                return None
            if isinstance(v, mpmath.mpc) or not mpmath.isfinite(v):
                v = v.real if isinstance(v, mpmath.mpc) and v.imag == 0 else v
                if isinstance(v, mpmath.mpc) or mpmath.isnan(v):
                    return None
            return v

        xs = [
            lo + (hi - lo) * (1 - mpmath.cos(mpmath.pi * k / (samples - 1))) / 2
            for k in range(samples)
        ]
        if samples % 2:
            xs[(samples - 1) // 2] = (lo + hi) / 2
        xs[0], xs[-1] = lo, hi
        rv = [safe(r, x) for x in xs]
        dv = [safe(dr, x) for x in xs]
        roots = [x for x, v in zip(xs, rv, strict=True) if v == 0]

        def changes(a, b):
            return a is not None and b is not None and a * b < 0

        for k in range(samples - 1):
            a, b, fa, fb = xs[k], xs[k + 1], rv[k], rv[k + 1]
            pieces = [(a, b, fa, fb)]
            if changes(dv[k], dv[k + 1]):
                c = _mp_bracketed(dr, bend, a, b, dv[k], mp, tol, "the extremum search", text)
                fc = r(c)
                if fc == 0:
                    roots.append(c)
                pieces = [(a, c, fa, fc), (c, b, fc, fb)]
            for pa, pb, pfa, pfb in pieces:
                if changes(pfa, pfb):
                    roots.append(
                        _mp_bracketed(r, dr, pa, pb, pfa, mp, tol, "the root search", text)
                    )
        roots = sorted(set(roots))
        sols = []
        for x in roots:
            curv = dr(x)
            fe = fns["free_energy"](x, *params)
            if abs(curv) <= mpmath.mpf(10) ** (-digits):
                d = mpmath.mpf(10) ** (-(digits // 4))
                fl = fns["free_energy"](x - d, *params)
                fr = fns["free_energy"](x + d, *params)
                minimum = fl >= fe and fr >= fe
            else:
                minimum = curv > 0
            sols.append(
                {
                    "x": x,
                    "m": fns["m"](x, *params),
                    "free_energy": fe,
                    "curvature": curv,
                    "minimum": minimum,
                }
            )
        best = min((s["free_energy"] for s in sols if s["minimum"]), default=None)
        out = []
        for s in sols:
            if s["minimum"]:
                eq_ = abs(s["free_energy"] - best) <= mpmath.mpf(10) ** (-digits) * max(
                    1, abs(best)
                )
                code = STABLE if eq_ else METASTABLE
            else:
                code = UNSTABLE
            out.append(
                {
                    "x": +s["x"],
                    "m": +s["m"],
                    "free_energy": +s["free_energy"],
                    "curvature": +s["curvature"],
                    "stable": code != UNSTABLE,
                    "equilibrium": code == STABLE,
                    "stability": STABILITY_NAMES[code],
                }
            )
    return out
