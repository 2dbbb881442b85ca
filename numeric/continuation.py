r"""Following solution branches along a parameter: spinodals and hysteresis.

:func:`continuation` solves on a one-dimensional grid of one parameter (the
others fixed), links the roots at neighbouring values into branches, and
locates the spinodals (folds) where a pair of branches appears or vanishes by
Newton's method on

.. math::

    r(x, p) = 0,\qquad \partial_x r(x, p) = 0

in the unknown :math:`x` and the parameter :math:`p` together.  It follows
one unknown; for systems, :func:`numeric.solve.solve_grid` itself continues
every root from each grid point to its neighbours (:mod:`numeric.systems`).
A solution whose stability even mpmath could not decide keeps that label
(``undecided``) along its branch.
:func:`hysteresis_loop` sweeps the parameter up and then down, letting the
state relax by gradient flow of the free energy to the nearest local minimum:
it stays on a metastable branch until that branch ends at a spinodal.

References
----------
E. L. Allgower and K. Georg, Introduction to Numerical Continuation Methods
(2003), ch. 1-2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .solve import STABILITY_NAMES, SolverError, compiled, solve_grid


@dataclass
class Branch:
    """One branch: parameter values and the solution along them."""

    values: np.ndarray
    x: np.ndarray
    m: np.ndarray
    free_energy: np.ndarray
    stability: np.ndarray  # codes, see numeric.solve

    def stability_names(self) -> list[str]:
        return [STABILITY_NAMES[int(c)] for c in self.stability]


@dataclass
class Spinodal:
    """Where two branches meet and vanish: parameter value, unknown, magnetization."""

    value: float
    x: float
    m: float


@dataclass
class Continuation:
    parameter: str
    values: np.ndarray
    branches: list[Branch]
    spinodals: list[Spinodal]


def _one_unknown(equations):
    if len(equations.unknowns) != 1:
        raise ValueError(
            f"{equations.name}: continuation follows one unknown, these equations have "
            f"{len(equations.unknowns)}; solve_grid continues a system's roots between "
            "neighbouring grid points"
        )


def _point_params(equations, parameter, value, fixed):
    return [value if n == parameter else fixed[n] for n in equations.parameter_names]


def locate_fold(equations, parameter, x0, p0, fixed, iterations=50) -> Spinodal:
    """Newton on (r, r_x) = 0 in (x, p) from (x0, p0): a spinodal point."""
    eqc = compiled(equations)
    r_p, r_xp = eqc.parameter_derivatives(parameter)
    x, p = float(x0), float(p0)
    for _ in range(iterations):
        args = _point_params(equations, parameter, p, fixed)
        r = float(eqc("residual", x, args))
        rx = float(eqc("slope", x, args))
        rxx = float(eqc("bend", x, args))
        rp = float(r_p(x, *args))
        rxp = float(r_xp(x, *args))
        det = rx * rxp - rp * rxx
        if det == 0 or not np.isfinite(det):
            break
        dx = (r * rxp - rp * rx) / det
        dp = (rx * rx - rxx * r) / det
        x, p = x - dx, p - dp
        if abs(dx) <= 1e-14 * max(1.0, abs(x)) and abs(dp) <= 1e-14 * max(1.0, abs(p)):
            args = _point_params(equations, parameter, p, fixed)
            return Spinodal(p, x, float(eqc("m", x, args)))
    point = ", ".join(f"{n}={fixed[n]!r}" for n in equations.parameter_names if n != parameter)
    raise SolverError(
        f"the spinodal search did not converge near {parameter}={p0!r} ({point}), x={x0!r}"
    )


def continuation(equations, parameter: str, values, fixed: dict, samples=None) -> Continuation:
    r"""Follow every branch of solutions as ``parameter`` runs through ``values``.

    Parameters
    ----------
    equations : derive.meanfield.SelfConsistency
    parameter : str
        The parameter that varies (``"T"`` or ``"h"``).
    values : array
        Increasing values of the parameter.
    fixed : dict
        Values of the other parameters.

    Examples
    --------
    >>> from statmech.derive import get_model
    >>> from statmech.derive.meanfield import mean_field_equations
    >>> eq = mean_field_equations(get_model("curie-weiss"))
    >>> c = continuation(eq, "h", np.linspace(-0.3, 0.3, 61), {"T": 0.8, "J": 1.0})
    >>> [round(s.value, 6) for s in c.spinodals]
    [-0.062244, 0.062244]
    """
    _one_unknown(equations)
    values = np.asarray(values, dtype=np.float64)
    grid_values = dict(fixed)
    grid_values[parameter] = values
    kwargs = {} if samples is None else {"samples": samples}
    sol = solve_grid(equations, grid_values, **kwargs)
    open_branches: dict[int, list] = {}  # slot at the current value -> list of (i, slot)
    finished: list[list] = []
    spinodals: list[Spinodal] = []
    n0 = int(sol.count[0])
    for j in range(n0):
        open_branches[j] = [(0, j)]
    for i in range(len(values) - 1):
        n0, n1 = int(sol.count[i]), int(sol.count[i + 1])
        x0, x1 = sol.x[i, :n0], sol.x[i + 1, :n1]
        old_slots, new_slots = list(range(n0)), list(range(n1))
        pair = None
        if n1 == n0 - 2:
            j = int(np.argmin(np.diff(x0)))
            pair = (x0[j] + x0[j + 1]) / 2, j
            for k in (j, j + 1):
                finished.append(open_branches.pop(k))
            old_slots = [k for k in old_slots if k not in (j, j + 1)]
        elif n1 == n0 + 2:
            j = int(np.argmin(np.diff(x1)))
            pair = (x1[j] + x1[j + 1]) / 2, None
            new_slots = [k for k in new_slots if k not in (j, j + 1)]
        elif n1 != n0:  # several changes at once: restart every branch
            finished.extend(open_branches.values())
            open_branches = {}
            old_slots, new_slots = [], []
        moved = {}
        for a, b in zip(old_slots, new_slots, strict=True):
            moved[b] = open_branches.pop(a) + [(i + 1, b)]
        finished.extend(open_branches.values())
        open_branches = moved
        for k in range(n1):
            if k not in open_branches:
                open_branches[k] = [(i + 1, k)]
        if pair is not None:
            spinodals.append(
                locate_fold(equations, parameter, pair[0], (values[i] + values[i + 1]) / 2, fixed)
            )
    finished.extend(open_branches.values())
    branches = []
    for path in finished:
        ii = np.array([p[0] for p in path])
        jj = np.array([p[1] for p in path])
        branches.append(
            Branch(
                values=values[ii],
                x=sol.x[ii, jj],
                m=sol.m[ii, jj],
                free_energy=sol.free_energy[ii, jj],
                stability=sol.stability[ii, jj],
            )
        )
    branches.sort(key=lambda b: (b.values[0], b.x[0]))
    spinodals.sort(key=lambda s: s.value)
    return Continuation(parameter, values, branches, spinodals)


@dataclass
class HysteresisLoop:
    """Magnetization sweeping ``parameter`` up (``m_up``) and back down (``m_down``)."""

    parameter: str
    values: np.ndarray
    m_up: np.ndarray
    m_down: np.ndarray
    x_up: np.ndarray
    x_down: np.ndarray


def _relax(eqc, xs, x_prev, args):
    """The local minimum gradient flow reaches from ``x_prev`` (roots ``xs`` sorted)."""
    r = float(eqc("residual", x_prev, args))
    if r > 0:  # free energy increasing: slide down to the nearest root below
        below = xs[xs < x_prev]
        return below[-1] if below.size else xs[0]
    if r < 0:
        above = xs[xs > x_prev]
        return above[0] if above.size else xs[-1]
    return x_prev


def hysteresis_loop(equations, parameter: str, values, fixed: dict) -> HysteresisLoop:
    """Sweep ``parameter`` up through ``values`` and back, following metastable states."""
    _one_unknown(equations)
    values = np.asarray(values, dtype=np.float64)
    grid_values = dict(fixed)
    grid_values[parameter] = values
    sol = solve_grid(equations, grid_values)
    eqc = compiled(equations)
    out = {}
    for name, order in (("up", range(len(values))), ("down", range(len(values) - 1, -1, -1))):
        xs_path = np.empty(len(values))
        x_prev = None
        for i in order:
            xs = sol.x[i, : int(sol.count[i])]
            args = _point_params(equations, parameter, values[i], fixed)
            if x_prev is None:  # start in equilibrium
                eq = sol.equilibrium[i, : int(sol.count[i])]
                x_new = xs[np.flatnonzero(eq)[0 if name == "up" else -1]]
            else:
                x_new = _relax(eqc, xs, x_prev, args)
            xs_path[i] = x_prev = x_new
        m = np.array(
            [
                float(eqc("m", xs_path[i], _point_params(equations, parameter, values[i], fixed)))
                for i in range(len(values))
            ]
        )
        out[name] = (xs_path, m)
    return HysteresisLoop(
        parameter, values, out["up"][1], out["down"][1], out["up"][0], out["down"][0]
    )
