r"""Every solution of a self-consistency equation at one point, to any number of digits.

:func:`solve_point_mp` carries out, for a single parameter point, the search
of :func:`numeric.solve.solve_grid` in mpmath: samples, extremum splitting,
bracketed Newton, and the classification of each root by the signs of the
residual beside it, every sign checked against the rounding bound of
:mod:`numeric.rounding` at the working precision (a sign within it makes the
root ``undecided``).  The solution is computed at two working precisions and
accepted when both agree to the requested digits.  Systems (several unknowns)
go to :func:`numeric.systems.solve_system_point_mp`.

:func:`settle_scalar_point` and :func:`escalate_scalar_point` are the two ways
in which the float64 solver hands a point to mpmath: polishing roots and
comparing free energies at them, or searching the point again.
"""

from __future__ import annotations

from functools import lru_cache

from .gaussian import compile_averaged
from .rounding import SAFETY, rounding_bound, unit
from .solve import (
    COEXISTENCE_DIGITS,
    DEFAULT_SAMPLES,
    ESCALATION_DIGITS,
    METASTABLE,
    STABILITY_NAMES,
    STABLE,
    UNDECIDED,
    UNSTABLE,
    SolverError,
)

_CODES = {name: code for code, name in STABILITY_NAMES.items()}


@lru_cache(maxsize=64)
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
    fns = {k: compile_averaged(e, args, "mpmath") for k, e in exprs.items()}
    fns["residual_bound"] = compile_averaged(rounding_bound(r), (*args, unit), "mpmath", cse=True)
    return fns


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
    Two minima whose free energies agree to ``digits`` digits coexist.

    Returns
    -------
    list of dict
        ``x`` (the unknown; a tuple for systems), ``m``, ``free_energy``,
        ``curvature`` as :class:`mpmath.mpf`; ``stable``, ``equilibrium``
        (None when undecided), ``stability``.
    """
    import mpmath

    if len(equations.unknowns) != 1:
        from .systems import solve_system_point_mp

        return solve_system_point_mp(equations, point, digits)
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


def _safe(f, x):
    """``f(x)`` as a real mpf (infinities kept), or None where it is undefined."""
    import mpmath

    try:
        v = f(x)
    except (ZeroDivisionError, ValueError, OverflowError):
        return None
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    if mpmath.isnan(v):
        return None
    return v


def _solve_mp_at(equations, point, digits, work, samples):
    import mpmath

    names = equations.parameter_names
    fns = _mp_functions(equations)
    text = ", ".join(f"{n}={point[n]}" for n in names)
    sign = 1 if equations.extrema[0] == "min" else -1
    with mpmath.workdps(work):
        mp = mpmath.mp
        params = [
            mpmath.mpf(point[n]) if not isinstance(point[n], mpmath.mpf) else point[n]
            for n in names
        ]
        lo, hi = (mpmath.mpf(v) for v in equations.domain[0])
        tol = mpmath.mpf(10) ** (-(work - 7))
        u = mpmath.mpf(2) ** (-mp.prec)

        def call(name):
            f = fns[name]
            return lambda x: f(x, *params)

        r, dr, bend = call("residual"), call("slope"), call("bend")

        def noise(x):
            b = _safe(lambda y: fns["residual_bound"](y, *params, u), x)
            return SAFETY * b if b is not None else None

        xs = [
            lo + (hi - lo) * (1 - mpmath.cos(mpmath.pi * k / (samples - 1))) / 2
            for k in range(samples)
        ]
        if samples % 2:
            xs[(samples - 1) // 2] = (lo + hi) / 2
        xs[0], xs[-1] = lo, hi
        rv = [_safe(r, x) for x in xs]
        dv = [_safe(dr, x) for x in xs]

        def changes(a, b):
            return a is not None and b is not None and a * b < 0

        # evaluation nodes in order: samples, and the extrema of r between them
        nodes = []
        for k in range(samples):
            nodes.append((xs[k], rv[k]))
            if k < samples - 1 and changes(dv[k], dv[k + 1]):
                c = _mp_bracketed(
                    dr, bend, xs[k], xs[k + 1], dv[k], mp, tol, "the extremum search", text
                )
                nodes.append((c, _safe(r, c)))
        bounds = [noise(x) if v is not None and mpmath.isfinite(v) else None for x, v in nodes]

        def noisy(k):
            v, b = nodes[k][1], bounds[k]
            return v is not None and v != 0 and b is not None and abs(v) <= b

        last = len(nodes) - 1
        # a root at an end to rounding: no bracket with its neighbour
        end_zero = [k in (0, last) and noisy(k) for k in range(len(nodes))]
        for k in (0, last):
            if end_zero[k]:
                nodes[k] = (nodes[k][0], mpmath.mpf(0))
        doubtful = any(noisy(k) and not end_zero[k] for k in range(len(nodes)))

        def side(k):
            """Sign of r at node k: +-1, 0 (within rounding or undefined), None (no node)."""
            if k < 0 or k > last:
                return None
            v, b = nodes[k][1], bounds[k]
            if v is None or v == 0 or (b is not None and abs(v) <= b):
                return 0
            return 1 if v > 0 else -1

        lo_eps = max(abs(lo), 1) * 2 * u
        hi_eps = max(abs(hi), 1) * 2 * u
        found = []  # (x, left node, right node)
        for k, (xk, v) in enumerate(nodes):
            if v == 0:
                found.append((xk, k - 1, k + 1))
            if k < last and changes(v, nodes[k + 1][1]):
                a, b = nodes[k][0], nodes[k + 1][0]
                root = _mp_bracketed(r, dr, a, b, v, mp, tol, "the root search", text)
                found.append((root, k, k + 1))
        sols = []
        for x, kl, kr in sorted(found, key=lambda t: t[0]):
            if sols and sols[-1]["x"] == x:
                continue
            sl, sr = side(kl), side(kr)
            kind = _kind(sl, sr)
            curv = _safe(dr, x)
            inside = min(max(x, lo + lo_eps), hi - hi_eps)
            fe = fns["free_energy"](inside, *params)
            sols.append(
                {
                    "x": x,
                    "m": fns["m"](x, *params),
                    "free_energy": fe,
                    "curvature": curv if curv is not None else mpmath.nan,
                    "kind": "undecided" if doubtful else kind,
                }
            )
        return _label(sols, sign, digits)


def _kind(sl, sr) -> str:
    """``"min"``, ``"max"``, ``"neither"`` or ``"undecided"`` from the signs beside a root."""
    if sl is None and sr is None:
        return "undecided"
    if sl is None:  # lower end: phi rises into the interval where r > 0
        return {1: "min", -1: "max"}.get(sr, "undecided")
    if sr is None:
        return {-1: "min", 1: "max"}.get(sl, "undecided")
    if sl == 0 or sr == 0:
        return "undecided"
    if sl < 0 < sr:
        return "min"
    if sl > 0 > sr:
        return "max"
    return "neither"


def _label(sols, sign, digits):
    """Stability names from kinds and free energies (lowest, or highest for ``"max"``)."""
    import mpmath

    want = "min" if sign > 0 else "max"
    stable = [s for s in sols if s["kind"] == want]
    best = min((sign * s["free_energy"] for s in stable), default=None)
    out = []
    for s in sols:
        if s["kind"] == "undecided":
            code = UNDECIDED
        elif s["kind"] != want:
            code = UNSTABLE
        else:
            gap = sign * s["free_energy"] - best
            code = STABLE if gap <= mpmath.mpf(10) ** (-digits) * max(1, abs(best)) else METASTABLE
        out.append(
            {
                "x": +s["x"],
                "m": +s["m"],
                "free_energy": +s["free_energy"],
                "curvature": +s["curvature"],
                "stable": code in (STABLE, METASTABLE) if code != UNDECIDED else None,
                "equilibrium": code == STABLE if code != UNDECIDED else None,
                "stability": STABILITY_NAMES[code],
            }
        )
    return out


# --------------------------------------------------------------------------
# Hand-overs from the float64 solver


def polish_scalar(equations, values, x0, digits):
    """Newton's method in mpmath from ``x0`` at two precisions; the root with its
    free energy, magnetization and curvature (mpf), or None if it leaves the
    domain, fails to converge or the precisions disagree."""
    import mpmath

    fns = _mp_functions(equations)
    lo, hi = equations.domain[0]
    results = []
    # the residual may cancel digits near T_c: work above the target, twice
    for work in (digits + 20, digits + 40):
        with mpmath.workdps(work):
            params = [mpmath.mpf(v) for v in values]
            x = mpmath.mpf(x0)
            tol = mpmath.mpf(10) ** (-(digits + 5))
            for _ in range(100):
                rv = _safe(lambda y, p=params: fns["residual"](y, *p), x)
                dv = _safe(lambda y, p=params: fns["slope"](y, *p), x)
                if rv is None or dv is None or dv == 0 or not mpmath.isfinite(rv * dv):
                    return None
                step = rv / dv
                x = x - step
                if not lo <= x <= hi:
                    return None
                if abs(step) <= tol * max(abs(x), tol):
                    break
            else:
                return None
            fe = _safe(lambda y, p=params: fns["free_energy"](y, *p), x)
            if fe is None or not mpmath.isfinite(fe):
                return None
            results.append(
                {
                    "x": x,
                    "m": fns["m"](x, *params),
                    "free_energy": fe,
                    "curvature": fns["slope"](x, *params),
                }
            )
    a, b = results
    with mpmath.workdps(digits + 5):
        scale = max(abs(a["x"]), mpmath.mpf(10) ** (-digits))
        if abs(a["x"] - b["x"]) > mpmath.mpf(10) ** (-digits) * scale:
            return None
        return {k: +v for k, v in b.items()}


def settle_scalar_point(equations, values, rows, tied, inaccurate):
    r"""Polish in mpmath the roots float64 left inaccurate or tied, and settle the tie.

    ``rows`` holds the float64 results at the point (``x``, ``m``,
    ``free_energy``, ``curvature``, ``code``; arrays).  Tied stable roots have
    their free energies recomputed at the polished roots: the lowest (highest
    for a maximised unknown) is the equilibrium, and every one within
    :math:`10^{-25}` relative (:data:`numeric.solve.COEXISTENCE_DIGITS`)
    coexists with it.  Returns solution dicts, or None where a polish fails
    (the caller then searches the point again in mpmath).
    """
    import mpmath

    digits = ESCALATION_DIGITS[0]
    sign = 1 if equations.extrema[0] == "min" else -1
    sols = []
    for j in range(len(rows["x"])):
        sol = {k: float(rows[k][j]) for k in ("x", "m", "free_energy", "curvature")}
        sol["code"] = int(rows["code"][j])
        sol["arithmetic"] = 0
        if tied[j] or inaccurate[j]:
            polished = polish_scalar(equations, values, rows["x"][j], digits)
            if polished is None:
                return None
            sol.update({k: float(v) for k, v in polished.items()})
            sol["arithmetic"] = 1
            sol["mp_free_energy"] = polished["free_energy"]
        sols.append(sol)
    if any(tied):
        with mpmath.workdps(digits + 5):
            keys = [sign * s["mp_free_energy"] for s, t in zip(sols, tied, strict=True) if t]
            best = min(keys)
            tol = mpmath.mpf(10) ** (-COEXISTENCE_DIGITS) * max(1, abs(best))
            for s, t in zip(sols, tied, strict=True):
                if t:
                    s["code"] = STABLE if sign * s["mp_free_energy"] - best <= tol else METASTABLE
    order = sorted(range(len(sols)), key=lambda j: sols[j]["x"])
    return [sols[j] for j in order]


def escalate_scalar_point(equations, values):
    """Search the point again in mpmath, at more digits while a root stays undecided."""
    import mpmath

    point = {n: mpmath.mpf(v) for n, v in zip(equations.parameter_names, values, strict=True)}
    for digits in ESCALATION_DIGITS:
        sols = solve_point_mp(equations, point, digits)
        if all(s["stability"] != "undecided" for s in sols):
            break
    return [
        {
            "x": float(s["x"]),
            "m": float(s["m"]),
            "free_energy": float(s["free_energy"]),
            "curvature": float(s["curvature"]),
            "code": _CODES[s["stability"]],
            "arithmetic": 1,
        }
        for s in sols
    ]
