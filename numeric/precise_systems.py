r"""Solutions of a system of self-consistency equations polished to any number of digits.

:func:`polish_system` takes a root found in float64 and runs Newton's method in
mpmath, :math:`J\delta = -r` solved by LU decomposition at the working
precision, at :math:`D + 20` and again at :math:`D + 40` working digits for a
target of :math:`D` digits (near a critical point the residual cancels
digits); the two roots must agree to :math:`D` digits.  Unknowns that sit on a face
of the box (:math:`q = 0`) stay there, and their residuals must vanish to
rounding.  The root is then classified as in :mod:`numeric.systems`: the
eigenvalues of the Hessian (``mpmath.eigsy``) against the Frobenius norm of
its error bound at the working precision (Weyl), with the ``"min"``/``"max"``
convention of the equations.

:func:`solve_system_point_mp` finds the roots at one point with the float64
multi-start search and polishes every one; two stable roots whose free
energies agree to ``digits`` digits coexist.
"""

from __future__ import annotations

from functools import lru_cache

from statmech.derive.gaussian import GaussianAverage

from .gaussian import LooseAverage, compile_averaged
from .rounding import SAFETY, rounding_bound, unit
from .solve import METASTABLE, STABILITY_NAMES, STABLE, UNDECIDED, UNSTABLE


@lru_cache(maxsize=32)
def _mp_system(equations):
    import sympy as sp

    xs = equations.unknowns
    d = len(xs)
    args = (*xs, *equations.parameters)

    def comp(e, bound=False, loose=False):
        if bound:
            return compile_averaged(rounding_bound(e), (*args, unit), "mpmath", cse=True)
        if loose:  # only an error estimate: a few digits will do
            e = e.replace(GaussianAverage, LooseAverage)
        return compile_averaged(e, args, "mpmath")

    phi = equations.free_energy
    pairs = [(i, j) for i in range(d) for j in range(i, d)]
    hess = {(i, j): sp.diff(phi, xs[i], xs[j]) for i, j in pairs}
    return {
        "d": d,
        "residual": [comp(r) for r in equations.residual],
        "residual_bound": [comp(r, True) for r in equations.residual],
        "jacobian": [[comp(sp.diff(r, x)) for x in xs] for r in equations.residual],
        "hessian": {k: comp(e) for k, e in hess.items()},
        "hessian_bound": {k: comp(e, True) for k, e in hess.items()},
        "third": {
            (k, l): comp(sp.diff(e, xs[l]), loose=True) for k, e in hess.items() for l in range(d)
        },
        "free_energy": comp(phi),
        "m": comp(equations.observable("m")),
    }


def _finite(v) -> bool:
    import mpmath

    try:
        return bool(mpmath.isfinite(v))
    except TypeError:
        return False


def _newton_mp(fns, equations, params, x0, digits, J0=None, inside=False):
    """Newton's method in mpmath from ``x0`` at the working precision; None where it fails.

    Started from a float64 root it needs few steps, and the Jacobian is formed
    once (the chord method: from an error of 1e-16 each step gains about 16
    digits) and again only if a step fails to shrink the correction tenfold.
    An unknown whose step would leave the box is put on that face and held
    there (an active set); at the end its residual must vanish to within the
    rounding bound plus the first-order effect of the other unknowns' last step.
    Returns ``(x, last step sizes, Jacobian)``.
    """
    import mpmath

    d = fns["d"]
    lo = [mpmath.mpf(a) for a, _ in equations.domain]
    hi = [mpmath.mpf(b) for _, b in equations.domain]
    x = [mpmath.mpf(v) for v in x0]
    face = [x[i] == lo[i] or x[i] == hi[i] for i in range(d)]
    if inside and any(face):
        # a float64 root on a face may be a root just inside it (m = 1 - 1e-23): start
        # a little inside, and let a step put it back on the face if it belongs there
        step_in = mpmath.mpf(10) ** -12
        for i in range(d):
            if x[i] == lo[i]:
                x[i] = lo[i] + step_in * (hi[i] - lo[i])
            elif x[i] == hi[i]:
                x[i] = hi[i] - step_in * (hi[i] - lo[i])
        face = [False] * d
    tol = mpmath.mpf(10) ** (-(digits + 5))
    step_size = [mpmath.mpf(0)] * d
    J, Jfree, last = J0, None, None
    for _ in range(200):
        free = [i for i in range(d) if not face[i]]
        if not free:
            break
        try:
            r = [f(*x, *params) for f in fns["residual"]]
            if J is None or Jfree != free:
                J = [[fns["jacobian"][i][j](*x, *params) for j in free] for i in free]
                Jfree = free
        except (ArithmeticError, ValueError):
            return None
        if not all(_finite(r[i]) for i in free) or not all(_finite(v) for row in J for v in row):
            return None
        try:
            step = mpmath.lu_solve(mpmath.matrix(J), mpmath.matrix([-r[i] for i in free]))
        except ArithmeticError:
            return None
        size = max(abs(v) for v in step)
        if last is not None and size > last / 10:
            J = None  # the chord stalls: a fresh Jacobian next step
        last = size
        hit = False
        for k, i in enumerate(free):
            new = x[i] + step[k]
            step_size[i] = abs(step[k])
            if new < lo[i] or new > hi[i]:
                new, face[i], hit = (lo[i] if new < lo[i] else hi[i]), True, True
            x[i] = new
        if not hit and all(abs(step[k]) <= tol * max(abs(x[i]), tol) for k, i in enumerate(free)):
            break
    else:
        return None
    u = mpmath.mpf(2) ** (-mpmath.mp.prec)
    for i in range(d):
        if face[i]:
            try:
                ri = fns["residual"][i](*x, *params)
                slack = SAFETY * fns["residual_bound"][i](*x, *params, u)
                for j in range(d):
                    if not face[j]:
                        slack += SAFETY * abs(fns["jacobian"][i][j](*x, *params)) * step_size[j]
            except (ArithmeticError, ValueError):
                return None
            if not (_finite(ri) and abs(ri) <= slack):
                return None
    return x, step_size, (J if Jfree == [i for i in range(d) if not face[i]] else None)


def _hessian_mp(fns, params, x, which="hessian", extra=()):
    import mpmath

    d = fns["d"]
    H = mpmath.zeros(d, d)
    for (i, j), f in fns[which].items():
        try:
            v = f(*x, *params, *extra)
        except (ArithmeticError, ValueError):
            v = mpmath.nan
        H[i, j] = H[j, i] = v
    return H


def _classify_mp(fns, equations, params, x, dx):
    """Stability code and Hessian eigenvalues in mpmath (Weyl bound at the working precision)."""
    import mpmath

    d = fns["d"]
    u = mpmath.mpf(2) ** (-mpmath.mp.prec)
    H = _hessian_mp(fns, params, x)
    E = _hessian_mp(fns, params, x, "hessian_bound", (u,)) * SAFETY
    if not all(_finite(H[i, j]) for i in range(d) for j in range(d)):
        # undefined on a face (1/sqrt(q) at q = 0): extrapolate from inside
        lo = [mpmath.mpf(a) for a, _ in equations.domain]
        hi = [mpmath.mpf(b) for _, b in equations.domain]
        eta = [mpmath.mpf(10) ** (-(mpmath.mp.dps // 3)) * (hi[i] - lo[i]) for i in range(d)]
        sign = [1 if x[i] - lo[i] <= hi[i] - x[i] else -1 for i in range(d)]
        x1 = [x[i] + sign[i] * eta[i] for i in range(d)]
        x2 = [x[i] + 2 * sign[i] * eta[i] for i in range(d)]
        H1, H2 = _hessian_mp(fns, params, x1), _hessian_mp(fns, params, x2)
        H = 2 * H1 - H2
        E = _hessian_mp(fns, params, x1, "hessian_bound", (u,)) * (3 * SAFETY)
        E += SAFETY * mpmath.matrix(
            [[abs(H1[i, j] - H2[i, j]) for j in range(d)] for i in range(d)]
        )
        x = x1
    for ((a, b), l_), f in fns["third"].items():
        try:
            change = abs(f(*x, *params)) * dx[l_]
        except (ArithmeticError, ValueError):
            change = mpmath.inf
        E[a, b] += change
        if a != b:
            E[b, a] += change
    if not all(_finite(v) for v in list(H) + list(E)):
        return UNDECIDED, [mpmath.nan] * d
    lam = sorted(mpmath.eigsy(H, eigvals_only=True))
    weyl = mpmath.sqrt(sum(v * v for v in E))
    maximised = [e == "max" for e in equations.extrema]
    nmax = sum(maximised)
    decided = all(abs(v) > weyl for v in lam)
    stable = sum(1 for v in lam if v > 0) == d - nmax and sum(1 for v in lam if v < 0) == nmax
    if nmax and nmax < d:
        B = [i for i in range(d) if maximised[i]]
        HB = mpmath.matrix([[H[i, j] for j in B] for i in B])
        lamB = mpmath.eigsy(HB, eigvals_only=True)
        weylB = mpmath.sqrt(sum(E[i, j] ** 2 for i in B for j in B))
        decided = decided and all(abs(v) > weylB for v in lamB)
        stable = stable and all(v < 0 for v in lamB)
    if not decided:
        return UNDECIDED, lam
    return (STABLE if stable else UNSTABLE), lam


def polish_system(equations, values, x0, digits: int):
    r"""A float64 root polished and classified in mpmath to ``digits`` digits.

    Returns
    -------
    dict or None
        ``x`` (list of mpf), ``m``, ``free_energy``, ``eigenvalues``, ``code``
        (``STABLE`` for any stable root, ``UNSTABLE`` or ``UNDECIDED``); None
        where Newton's method fails or the two precisions disagree.
    """
    import mpmath

    fns = _mp_system(equations)
    results = []
    J = None
    x = [float(v) for v in x0]
    # the residual may cancel digits near a critical point: work above the target, then
    # confirm at a second, higher precision (one or two chord steps from the first root)
    for work in (digits + 20, digits + 40):
        with mpmath.workdps(work):
            params = [mpmath.mpf(v) for v in values]
            got = _newton_mp(fns, equations, params, x, digits, J)
            if got is None:  # not a root on the face it sits on: try just inside it
                got = _newton_mp(fns, equations, params, x, digits, None, inside=True)
            if got is None:
                return None
            x, dx, J = got
            results.append({"x": list(x)})
    # the classification needs signs, not digits: at the target precision (cheaper)
    with mpmath.workdps(digits + 10):
        params = [mpmath.mpf(v) for v in values]
        code, lam = _classify_mp(fns, equations, params, [+v for v in x], dx)
        results[-1].update(
            m=fns["m"](*x, *params),
            free_energy=fns["free_energy"](*x, *params),
            eigenvalues=lam,
            code=code,
        )
    a, b = results
    with mpmath.workdps(digits + 5):
        tol = mpmath.mpf(10) ** (-digits)
        for va, vb in zip(a["x"], b["x"], strict=True):
            if abs(va - vb) > tol * max(abs(va), tol):
                return None
        out = dict(b)
        out["x"] = [+v for v in b["x"]]
        for k in ("m", "free_energy"):
            out[k] = +b[k]
        out["eigenvalues"] = [+v for v in b["eigenvalues"]]
    return out


def solve_system_point_mp(equations, point: dict, digits: int = 50):
    r"""Every solution of a system at one point, to ``digits`` significant digits.

    The float64 search (:func:`numeric.systems.solve_system_grid`, at the
    parameters rounded to float64) finds the roots; each is polished and
    classified in mpmath at the exact parameter values (strings are read as
    decimals).  The equilibrium is the stable root of lowest free energy
    (highest when every unknown is maximised); roots within
    :math:`10^{-\text{digits}}` of it coexist.

    Returns
    -------
    list of dict
        ``x`` (tuple of mpf), one key per unknown, ``m``, ``free_energy``,
        ``hessian_eigenvalues``, ``curvature`` (the same eigenvalues),
        ``stable``, ``equilibrium`` (None when undecided), ``stability``.
    """
    import mpmath

    from .solve import SolverError
    from .systems import solve_system_grid

    names = equations.parameter_names
    with mpmath.workdps(digits + 10):
        floats = {n: float(mpmath.mpf(point[n])) for n in names}
    grid = solve_system_grid(equations, floats)
    values = [point[n] if isinstance(point[n], str) else mpmath.mpf(point[n]) for n in names]
    sols = []
    for j in range(int(grid.count[0])):
        got = polish_system(equations, values, grid.x[0, j], digits)
        if got is None:
            text = ", ".join(f"{n}={point[n]}" for n in names)
            raise SolverError(f"the root near x={list(grid.x[0, j])} at {text} did not settle")
        sols.append(got)
    sign = -1 if all(e == "max" for e in equations.extrema) else 1
    stable = [s for s in sols if s["code"] == STABLE]
    best = min((sign * s["free_energy"] for s in stable), default=None)
    out = []
    for s in sols:
        code = s["code"]
        if code == STABLE:
            gap = sign * s["free_energy"] - best
            code = STABLE if gap <= mpmath.mpf(10) ** (-digits) * max(1, abs(best)) else METASTABLE
        sol = {
            "x": tuple(s["x"]),
            "m": s["m"],
            "free_energy": s["free_energy"],
            "hessian_eigenvalues": s["eigenvalues"],
            "curvature": s["eigenvalues"],
            "stable": code in (STABLE, METASTABLE) if code != UNDECIDED else None,
            "equilibrium": code == STABLE if code != UNDECIDED else None,
            "stability": STABILITY_NAMES[code],
        }
        for u, v in zip(equations.unknowns, s["x"], strict=True):
            sol[u.name] = v
        out.append(sol)
    return sorted(out, key=lambda s: s["x"])
