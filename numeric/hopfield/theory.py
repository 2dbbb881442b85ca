r"""The replica-symmetric theory of Amit, Gutfreund and Sompolinsky, numerically.

The equations are derived in :mod:`statmech.derive.hopfield_replica`; this module
only evaluates them.

* :func:`capacity`: :math:`\alpha_c = \max_y \alpha(y)` of the derived capacity
  function :math:`\alpha(y)`, in mpmath (Newton's method on :math:`\alpha'(y)`),
  with :math:`m_c = \operatorname{erf} y_c` and :math:`r_c`.
* :func:`zero_temperature_solutions`: every solution of the :math:`T = 0`
  equations in :math:`(m, C, r)` by the vector solver (:mod:`numeric.systems`).
* :func:`phase_diagram`: the lines :math:`T_g = 1 + \sqrt\alpha` (derived),
  :math:`T_M(\alpha)` (the highest temperature of a retrieval solution) and
  :math:`T_c(\alpha)` (below it the retrieval solution has the lower free
  energy than the spin glass), by fixed-point iteration of the derived equations
  (Gaussian averages on a fine uniform grid) and bisection in :math:`T`; the :math:`T = 0` ends come
  from the :math:`T = 0` equations.

Every solution at a given :math:`T > 0` (with stability) is
:func:`statmech.numeric.hopfield.ags.solutions`, which also gives :math:`T_M` and
:math:`T_c` by bisection on the solver (``retrieval_temperature``,
``transition_temperature``); the iteration here is the independent second route.

References
----------
D. J. Amit, H. Gutfreund and H. Sompolinsky, Ann. Phys. (N.Y.) 173, 30 (1987),
sec. 4 and fig. 2.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..gauss_trapezoid import rule as trapezoid_rule


def _model():
    from statmech.derive import get_model

    return get_model("hopfield")


@lru_cache(maxsize=8)
def capacity(digits: int = 30) -> dict:
    r"""The storage capacity at :math:`T = 0` to ``digits`` digits (mpmath values).

    Returns
    -------
    dict
        ``alpha_c``, ``m_c`` (the retrieval overlap at :math:`\alpha_c`), ``y_c``,
        ``r_c``, ``C_c`` as ``mpmath.mpf``.

    Examples
    --------
    >>> round(float(capacity()["alpha_c"]), 6)
    0.137906
    """
    import mpmath
    import sympy as sp
    from statmech.derive.hopfield_data import alpha, r, y
    from statmech.derive.hopfield_replica import capacity_function, zero_temperature_fixed_point
    from statmech.derive.meanfield import m

    from ..compile import compile_expression

    a_of_y = capacity_function()
    da = compile_expression(sp.diff(a_of_y, y), [y], "mpmath")
    dda = compile_expression(sp.diff(a_of_y, y, 2), [y], "mpmath")
    a_fn = compile_expression(a_of_y, [y], "mpmath")
    m_eq, c_eq, _ = zero_temperature_fixed_point()
    with mpmath.workdps(digits + 15):
        # the maximum: scan for the sign change of alpha'(y), then Newton's method
        grid = [mpmath.mpf(k) / 20 for k in range(2, 100)]
        signs = [da(g) > 0 for g in grid]
        k = next(i for i in range(len(grid) - 1) if signs[i] and not signs[i + 1])
        y_c = mpmath.findroot(lambda t: da(t), (grid[k] + grid[k + 1]) / 2, df=dda)
        if dda(y_c) >= 0:
            raise ArithmeticError("alpha(y) has no maximum where expected")
        a_c = a_fn(y_c)
        m_c = mpmath.erf(y_c)
        # r from y = m / sqrt(2 alpha r); C from its equation
        r_c = m_c**2 / (2 * a_c * y_c**2)
        c_c = compile_expression(c_eq, [m, alpha, r], "mpmath")(m_c, a_c, r_c)
        check = compile_expression(m_eq, [m, alpha, r], "mpmath")(m_c, a_c, r_c) - m_c
        if abs(check) > mpmath.mpf(10) ** (-digits):
            raise ArithmeticError("the capacity point does not solve the T = 0 equations")
        out = {"alpha_c": a_c, "m_c": m_c, "y_c": y_c, "r_c": r_c, "C_c": c_c}
    return out


def zero_temperature_solutions(alpha: float) -> list[dict]:
    """Every solution of the T = 0 equations at load ``alpha`` (the vector solver), as
    dicts with ``m``, ``C``, ``r``, ``q`` (= 1 at T = 0), stability and energy."""
    from statmech.derive.hopfield_replica import ags_zero_temperature_equations

    from ..solve import solve_grid

    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"the load alpha must be positive, got alpha={alpha}")
    sol = solve_grid(ags_zero_temperature_equations(_model()), {"alpha": float(alpha)})
    out = sol.point(0)
    for s in out:
        s["q"] = 1.0
    return out


def retrieval(solutions: list[dict]) -> dict | None:
    """The retrieval solution (largest m > 0 that is locally stable), or None."""
    found = [s for s in solutions if s["m"] > 1e-6 and s["stable"]]
    return max(found, key=lambda s: s["m"]) if found else None


def zero_temperature_curve(alphas) -> dict:
    """The retrieval overlap m(alpha) at T = 0 (NaN where there is none), by the solver
    (one call on the grid of loads, the same solutions as :func:`zero_temperature_solutions`
    at each load)."""
    from statmech.derive.hopfield_replica import ags_zero_temperature_equations

    from ..solve import solve_grid

    a = np.asarray(alphas, dtype=float).reshape(-1)
    if not np.all(np.isfinite(a) & (a > 0)):
        raise ValueError(f"the loads alpha must be positive, got {a[~(np.isfinite(a) & (a > 0))]}")
    sol = solve_grid(ags_zero_temperature_equations(_model()), {"alpha": a})
    ms = []
    for i in range(a.size):
        found = retrieval(sol.point(i))
        ms.append(np.nan if found is None else found["m"])
    return {"alpha": a, "m": np.array(ms)}


def zero_temperature_coexistence(lo: float = 0.045, hi: float = 0.06) -> float:
    r"""The load at which the retrieval and spin-glass energies are equal at T = 0
    (where :math:`T_c(\alpha)` reaches zero; AGS quote 0.051).

    The energy difference from the solver on a grid of ``lo..hi`` (spacing 0.001),
    the sign change located and refined on a grid 100 times finer, then linear
    interpolation (the difference is smooth, its curvature makes an error below
    1e-8 at that spacing).
    """
    from statmech.derive.hopfield_replica import ags_zero_temperature_equations

    from ..solve import solve_grid

    eq = ags_zero_temperature_equations(_model())

    def gap(alphas):
        sol = solve_grid(eq, {"alpha": alphas})
        out = []
        for i in range(len(alphas)):
            pts = sol.point(i)
            ret = retrieval(pts)
            sg = [p for p in pts if abs(p["m"]) < 1e-9 and p["stable"]]
            if ret is None or not sg:
                raise ArithmeticError(f"no retrieval or spin-glass solution at alpha={alphas[i]}")
            out.append(ret["free_energy"] - sg[0]["free_energy"])
        return np.array(out)

    for step in (1e-3, 1e-5):
        grid = np.arange(lo, hi + step / 2, step)
        d = gap(grid)
        k = int(np.flatnonzero(np.diff(np.sign(d)) != 0)[0])
        lo, hi = grid[k], grid[k + 1]
        dlo, dhi = d[k], d[k + 1]
    return float(lo - dlo * (hi - lo) / (dhi - dlo))


# --------------------------------------------------------------------------
# Finite temperature: iteration of the derived fixed-point map


#: The z grid of the Gaussian averages at finite T: uniform on [-Z_MAX, Z_MAX] (the
#: weight beyond is below 3e-18) with spacing 2 Z_MAX / (Z_POINTS - 1) = 0.0018, which
#: resolves tanh(v z / T) for v / T up to a few hundred (Gauss-Hermite nodes near
#: z = 0 are too sparse at low T).
Z_MAX = 9.0
Z_POINTS = 10001


def _grid_average(expr, args):
    """``expr`` with its Gaussian averages done on the uniform z grid (the trapezoid rule
    of :func:`statmech.numeric.gauss_trapezoid.rule`, spectrally accurate for a smooth
    integrand times the Gaussian weight)."""
    import sympy as sp
    from statmech.derive.gaussian import GaussianAverage

    from ..compile import compile_expression

    averages = sorted(expr.atoms(GaussianAverage), key=sp.default_sort_key)
    dummies = [sp.Dummy(f"A{k}") for k in range(len(averages))]
    outer = compile_expression(
        expr.xreplace(dict(zip(averages, dummies, strict=True))), [*args, *dummies]
    )
    inner = [compile_expression(a.function, [a.variable, *args]) for a in averages]
    z, w = trapezoid_rule((Z_POINTS - 1) // 2, Z_MAX)

    def fn(*values):
        values = [np.asarray(v, dtype=float) for v in values]
        done = [
            np.tensordot(w, np.asarray(f(z.reshape((-1,) + (1,) * values[0].ndim), *values)), 1)
            for f in inner
        ]
        return outer(*values, *done)

    return fn


@lru_cache(maxsize=1)
def _compiled():
    from statmech.derive.hopfield_replica import ags_equations

    eq = ags_equations(_model())
    args = [*eq.unknowns, *eq.parameters]
    g = [_grid_average(e, args) for e in eq.fixed_point]
    return g, _grid_average(eq.free_energy, args)


def iterate(alpha, T, start, steps: int = 4000, tol: float = 1e-13):
    r"""Iterate :math:`x \to g(x)` of the AGS equations from ``start`` = (m, q, r).

    ``alpha`` and ``T`` are arrays of one shape (T > 0); returns ``(m, q, r, f,
    converged)``.  A stable retrieval or spin-glass solution attracts the iteration
    near it; at a fold (:math:`T_M`) the approach slows, and a point that has not
    settled in ``steps`` iterations is reported unconverged.  A start with ``m = 0``
    stays at ``m = 0`` (the spin-glass or paramagnetic branch).
    """
    g, f = _compiled()
    alpha, T = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(T, float))
    x = [np.full(alpha.shape, float(v)) for v in start]
    done = np.zeros(alpha.shape, dtype=bool)
    for _ in range(steps):
        new = [np.asarray(gi(*x, T, alpha), dtype=float) for gi in g]
        if start[0] == 0:  # the spin glass: m = 0 exactly (rounding would grow into retrieval)
            new[0] = np.zeros(alpha.shape)
        delta = max(np.max(np.abs(a - b)) for a, b in zip(new, x, strict=True))
        done = np.all([np.abs(a - b) <= tol for a, b in zip(new, x, strict=True)], axis=0)
        x = new
        if delta <= tol:
            break
    with np.errstate(invalid="ignore", over="ignore"):  # unsettled points: NaN, not used
        fe = np.asarray(f(*x, T, alpha), dtype=float)
    return x[0], x[1], x[2], np.where(done, fe, np.nan), done


def spin_glass(alpha, T, bisections: int = 60):
    r"""The spin-glass solution :math:`m = 0`, :math:`q > 0` at :math:`T < 1`.

    At :math:`m = 0` the :math:`r` equation gives :math:`r(q)`, and the :math:`q`
    equation becomes one equation :math:`q = G(q) = g_q(0, q, r(q))` on
    :math:`1 - T < q < 1` (where :math:`1 - \beta(1 - q) > 0`): :math:`q - G(q) < 0`
    at the lower end (:math:`r \to \infty`, :math:`G \to 1`) and :math:`> 0` at
    :math:`q = 1`, so bisection brackets a root.  Returns ``(q, r, f)``.
    """
    g, f = _compiled()
    alpha, T = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(T, float))
    if np.any(T >= 1) or np.any(T <= 0):
        raise ValueError("the spin-glass bisection is for 0 < T < 1")
    zero = np.zeros(alpha.shape)

    def residual(q):
        r = np.asarray(g[2](zero, q, zero, T, alpha), dtype=float)
        return q - np.asarray(g[1](zero, q, r, T, alpha), dtype=float), r

    lo, hi = (1.0 - T) * (1 + 1e-12) + 1e-12, np.ones(alpha.shape)
    for _ in range(bisections):
        mid = (lo + hi) / 2
        res, _ = residual(mid)
        lo, hi = np.where(res < 0, mid, lo), np.where(res < 0, hi, mid)
    q = (lo + hi) / 2
    _, r = residual(q)
    return q, r, np.asarray(f(zero, q, r, T, alpha), dtype=float)


def _retrieves(alpha, T, steps):
    m, q, r, fe, done = iterate(alpha, T, (1.0, 1.0, 1.0), steps)
    return done & (m > 0.05), fe, done


def phase_diagram(alphas, steps: int = 3000, bisections: int = 24, T_low: float = 0.02) -> dict:
    r"""The lines :math:`T_g`, :math:`T_M` and :math:`T_c` at the loads ``alphas``.

    Returns arrays (NaN where a line does not exist at that load): ``alpha``,
    ``T_g``, ``T_M``, ``T_c``; and the loads where the lines end at T = 0,
    ``alpha_c`` (:math:`T_M`) and ``alpha_T_c_zero`` (:math:`T_c`).  A temperature
    counts as retrieving only where the iteration from :math:`m = 1` has settled
    (to 1e-13) at :math:`m > 0.05`.  :math:`T_M` and :math:`T_c` are located by bisection
    in :math:`T \in (0, 1]` to :math:`2^{-\text{bisections}}`, and at loads where the
    retrieval solution exists at every temperature tried, to the lowest one,
    ``T_low``; the bisection needs the iteration to settle, which it does slowly
    near the fold.
    """
    from statmech.derive.hopfield_data import T_g as t_g_symbol  # noqa: F401 - named line

    a = np.asarray(alphas, dtype=float)
    t_g = 1.0 + np.sqrt(a)
    t_low = np.full(a.shape, T_low)
    lo, hi = t_low.copy(), np.ones(a.shape)
    at_low, _, _ = _retrieves(a, t_low, steps)
    for _ in range(bisections):
        mid = (lo + hi) / 2
        ok, _, _ = _retrieves(a, mid, steps)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    t_m = np.where(at_low, (lo + hi) / 2, np.nan)

    def better(T):
        m1, _, _, f1, done = iterate(a, T, (1.0, 1.0, 1.0), steps)
        _, _, f0 = spin_glass(a, T)
        return done & (m1 > 0.05) & (f1 < f0)

    lo, hi = t_low.copy(), np.where(np.isfinite(t_m), t_m, 1.0)
    low_ok = better(t_low)
    for _ in range(bisections):
        mid = (lo + hi) / 2
        ok = better(mid)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    t_c = np.where(low_ok, (lo + hi) / 2, np.nan)
    return {
        "alpha": a,
        "T_g": t_g,
        "T_M": t_m,
        "T_c": t_c,
        "T_low": t_low,
        "alpha_c": float(capacity()["alpha_c"]),  # T_M = 0 there
        "alpha_T_c_zero": zero_temperature_coexistence(),  # T_c = 0 there
    }
