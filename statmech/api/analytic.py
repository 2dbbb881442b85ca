"""Exact results and mean-field solutions at one parameter point."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from .capabilities import require_finite_system
from .models import _definition, _given, _point


def exact(model, params: dict | None = None, *, precision=None, boundary=None, **kwargs):
    """Exact thermodynamics at one point (:func:`statmech.numeric.exact.exact`).

    Leave the size out for the thermodynamic limit, where the model's exact
    route offers it; a model without a route is summed over its configurations
    at its size (the default unless given; small systems only).  ``precision``
    digits give mpmath numbers; ``boundary="open"`` an open chain where offered.
    With ``precision``, a parameter given as decimal text (``T="2.2691853"``), an
    mpmath number, a ``Fraction`` or a ``Decimal`` is used as that number, not the
    double nearest to it.

    Returns
    -------
    statmech.numeric.exact.ExactResult
    """
    from statmech.numeric.exact import ExactUnavailable, offers_limit, size_names
    from statmech.numeric.exact import exact as exact_point

    d = _definition(model)
    require_finite_system(d, "exact")
    given = _given(params, kwargs)
    fixed, _ = _point(d, given)
    if precision is not None:
        fixed.update(_exact_numbers(d, given, precision))
    if offers_limit(d):
        for name in size_names(d):
            if name not in given:
                fixed.pop(name, None)  # no size: the thermodynamic limit
    try:
        return exact_point(d, fixed, precision=precision, boundary=boundary)
    except (ExactUnavailable, ValueError) as exc:
        raise UserError(str(exc)) from None


def _exact_numbers(d, given: dict, digits: int) -> dict:
    """The real parameters of ``given`` as mpmath numbers at ``digits`` plus guard digits,
    read without rounding through a double: decimal text (``"2.2691853"``), mpmath
    numbers, ``Fraction`` and ``Decimal`` values.  A Python float is taken as the
    binary number it is."""
    import mpmath

    integer = {p.name for p in d.parameters if p.integer}
    out = {}
    with mpmath.workdps(digits + 30):
        for name, v in given.items():
            if name in integer or isinstance(v, (bool, int, float)):
                continue
            if hasattr(v, "numerator") and hasattr(v, "denominator"):  # Fraction
                out[name] = mpmath.mpf(v.numerator) / v.denominator
            else:
                out[name] = mpmath.mpf(str(v) if not isinstance(v, mpmath.mpf) else v)
    return out


@dataclass(frozen=True)
class Solution:
    """Every mean-field solution at one point, with its stability.

    ``solutions`` are dicts ``{"m", "stable", "equilibrium", "free_energy",
    "stability", "curvature"}``; ``to_dict()`` has the keys of
    ``statmech solve --json``.
    """

    model: str
    equations: str
    unknown: str
    parameters: dict
    solutions: tuple
    T_c: float | str | None = None
    has_critical_temperature: bool = field(default=False, repr=False)

    @property
    def equilibrium(self) -> list[dict]:
        """The solutions of lowest free energy (two where phases coexist)."""
        return [s for s in self.solutions if s["equilibrium"]]

    def to_dict(self) -> dict:
        out = {
            "model": self.model,
            "equations": self.equations,
            "unknown": self.unknown,
            "parameters": list(self.parameters),
            "points": [{**self.parameters, "solutions": list(self.solutions)}],
        }
        if self.has_critical_temperature:  # null where the formula gives no transition
            out["T_c"] = self.T_c
        return out


def solve(
    model,
    params: dict | None = None,
    *,
    precision: int | None = None,
    samples: int | None = None,
    backend: str = "numpy",
    **kwargs,
) -> Solution:
    """Every solution of the model's mean-field equations at one point, with its stability.

    ``precision`` digits polish each solution in mpmath (its numbers are then
    strings carrying all the digits, as in ``statmech solve --precision``).
    """
    import sympy as sp

    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.backend import BackendUnavailable
    from statmech.numeric.solve import SolverError, solve_grid

    d = _definition(model)
    try:
        eq = mean_field_equations(d)
    except NotImplementedError:
        raise UserError(f"model {d.name!r} has no mean-field equations") from None
    fixed, _ = _point(d, _given(params, kwargs))
    names = eq.parameter_names
    for n in names:
        if n not in fixed:
            raise UserError(f"give a value for {n}")
    if precision is not None and precision < 1:
        raise UserError(f"precision must be a positive number of digits, got {precision}")
    if samples is not None and samples < 3:
        raise UserError(f"samples must be at least 3, got {samples}")
    extra = {} if samples is None else {"samples": samples}
    values = {n: float(fixed[n]) for n in names}
    try:
        if precision is None:
            sols = solve_grid(eq, values, backend=backend, **extra).point(0)
        else:
            sols = _precise(eq, {n: repr(values[n]) for n in names}, precision, extra)
    except (SolverError, BackendUnavailable, ValueError, NotImplementedError) as exc:
        raise UserError(str(exc)) from None
    tc = None
    if eq.critical_temperature is not None:
        subs = {p: sp.Rational(repr(values[p.name])) for p in eq.parameters if p.name in values}
        value = eq.critical_temperature.subs(subs)
        if value.is_number and value.is_finite and value.is_real:
            tc = float(value) if precision is None else str(sp.N(value, precision))
    point = values if precision is None else {n: _digits(repr(values[n]), precision) for n in names}
    return Solution(
        d.name,
        eq.name,
        eq.unknowns[0].name,
        point,
        tuple(sols),
        tc,
        eq.critical_temperature is not None,
    )


def _digits(v, digits: int) -> str:
    """``v`` written with ``digits`` significant digits (as ``statmech solve --precision``)."""
    import mpmath

    with mpmath.workdps(digits + 15):
        return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)


def _precise(eq, point, digits, extra):
    from statmech.numeric.solve import solve_point_mp

    def s(v):
        return _digits(v, digits)

    out = []
    for sol in solve_point_mp(eq, point, digits, **extra):
        item = {
            "m": s(sol["m"]),
            "stable": sol["stable"],
            "equilibrium": sol["equilibrium"],
            "free_energy": s(sol["free_energy"]),
            "stability": sol["stability"],
            "curvature": s(sol["curvature"]),
        }
        if eq.unknowns[0].name != "m":
            item[eq.unknowns[0].name] = s(sol["x"])
        out.append(item)
    return out
