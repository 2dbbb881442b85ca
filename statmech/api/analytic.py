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


# --------------------------------------------------------------------------
# What a mean-field answer is: its name, whether it is exact, the exact value beside it


def mean_field_status(d, eq) -> dict:
    """What ``solve`` solves for model ``d``: the approximation's name, and how it
    stands to the model (every output of ``solve`` carries this).

    Returns
    -------
    dict
        ``approximation`` (``"Weiss mean field"``, ``"Bethe-Peierls"``), ``status``
        (``"exact as N -> infinity"`` for all-to-all couplings, ``"the model's own
        equations"`` for a model that is the approximation, else ``"approximation"``),
        ``note`` (one sentence), and ``model_T_c`` / ``model_T_c_source`` where the
        model's derivations give its true critical temperature, derived or quoted
        (the source says which; ``None`` otherwise).
    """
    from .capabilities import missing_sizes

    coupling = getattr(d, "coupling", None)
    out = {"approximation": eq.name, "model_T_c": None, "model_T_c_source": None}
    tc, source = _derived_critical_temperature(d)
    if tc is not None:
        out["model_T_c"], out["model_T_c_source"] = tc, source
    if getattr(coupling, "kind", None) == "all-to-all":
        out["status"] = "exact as N -> infinity"
        out["note"] = (
            f"{eq.name} is exact for the {d.title} as N -> infinity (all-to-all couplings)"
        )
        return out
    if missing_sizes(d):
        out["status"] = "the model's own equations"
        out["note"] = f"{d.title}: the model is this approximation ({eq.name})"
        return out
    out["status"] = "approximation"
    out["note"] = f"{eq.name} is an approximation of the {d.title}, not its exact solution"
    return out


def check_mean_field_sign(d, values: dict, status: dict) -> None:
    """Refuse the uniform mean field of a lattice model at a negative coupling: an
    antiferromagnet orders on sublattices, which a uniform magnetization cannot
    describe (all-to-all couplings have no sublattices: there J < 0 is solved)."""
    if status.get("status") != "approximation":
        return
    for p in getattr(d, "parameters", ()):
        if getattr(p, "signed", False) and p.name in values and float(values[p.name]) < 0:
            raise UserError(
                f"the {status['approximation']} equations solved here assume one uniform "
                f"magnetization, which an antiferromagnet ({p.name} < 0, got "
                f"{p.name}={float(values[p.name]):g}) does not have: it orders on two "
                "sublattices; use 'statmech exact' or 'statmech simulate' for J < 0"
            )


def _derived_critical_temperature(d):
    """The model's own T_c (a SymPy expression) and the derivation giving it, or (None, None)."""
    from statmech.derive import derivations

    try:
        for der in derivations(d):
            if "T_c" in der.result_dict:
                return der.result_dict["T_c"], der.title
    except (NotImplementedError, AttributeError, TypeError, ValueError):
        pass
    return None, None


def critical_temperature_value(expr, values: dict):
    """``expr`` (SymPy) at the parameter values, a float, or None where not a real number."""
    import sympy as sp

    if expr is None:
        return None
    subs = {
        s: sp.Rational(repr(float(values[s.name]))) for s in expr.free_symbols if s.name in values
    }
    value = expr.subs(subs)
    if not (value.is_number and value.is_finite and value.is_real) or not value > 0:
        return None  # no transition (a negative coupling, z = 1, ...)
    return float(value)


def exact_beside(d, values: dict, status: dict) -> dict | None:
    """The model's exact magnetization at the point, beside an approximate answer:
    ``{"system", "magnetization"}`` (the infinite system), ``{"system", "reason"}``
    where the model has an exact route but no value here, or None (no exact route,
    or the answer is not an approximation)."""
    from statmech.numeric.exact import ExactUnavailable, offers_limit, size_names
    from statmech.numeric.exact import exact as exact_point

    if status.get("status") != "approximation" or not offers_limit(d):
        return None
    point = {k: v for k, v in values.items() if k in d.parameter_names}
    for name in size_names(d):
        point.pop(name, None)
    try:
        r = exact_point(d, {**_defaults_without_size(d), **point})
    except (ExactUnavailable, ValueError) as exc:
        return {"system": "infinite system", "reason": str(exc)}
    if "magnetization" not in r.values:
        return {"system": r.system, "reason": "the exact solution gives no magnetization here"}
    return {"system": r.system, "magnetization": float(r.values["magnetization"])}


def _defaults_without_size(d) -> dict:
    from statmech.numeric.exact import size_names

    sizes = set(size_names(d))
    return {
        p.name: p.default for p in d.parameters if p.default is not None and p.name not in sizes
    }


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
    approximation: dict = field(default_factory=dict)
    exact: dict | None = None

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
        out.update(approximation_keys(self.approximation, self.parameters))
        if self.exact is not None:
            out["points"][0]["exact"] = self.exact
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
    if d.hook("zero_temperature_equations") is not None:  # the AGS equations: their own solver
        from ..commands._hopfield import api_solution

        return api_solution(d, fixed, precision)
    from ..commands import _spin_glass

    if _spin_glass.wants_solve(d):  # the RS equations by the trapezoid rule, as the CLI
        return _spin_glass.api_solution(d, fixed, precision)
    if precision is not None and precision < 1:
        raise UserError(f"precision must be a positive number of digits, got {precision}")
    if samples is not None and samples < 3:
        raise UserError(f"samples must be at least 3, got {samples}")
    extra = {} if samples is None else {"samples": samples}
    values = {n: float(fixed[n]) for n in names}
    status = mean_field_status(d, eq)
    check_mean_field_sign(d, fixed, status)
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
        if value.is_number and value.is_finite and value.is_real and value > 0:
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
        status,
        exact_beside(d, values, status),
    )


def approximation_keys(status: dict, values: dict) -> dict:
    """The keys ``solve --json`` adds: ``approximation``, ``status``, ``note`` and,
    where the model's derivations give it, ``model_T_c`` with its source."""
    out = {k: status[k] for k in ("approximation", "status", "note") if k in status}
    if status.get("model_T_c") is not None:
        out["model_T_c"] = critical_temperature_value(status["model_T_c"], values)
        out["model_T_c_source"] = status["model_T_c_source"]
    return out


def _digits(v, digits: int) -> str:
    """``v`` written with ``digits`` significant digits (as ``statmech solve --precision``)."""
    import mpmath

    with mpmath.workdps(digits + 15):
        return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)


def _precise(eq, point, digits, extra):
    from statmech.numeric.solve import solve_point_mp

    def s(v):
        return _digits(v, digits)

    return precise_items(solve_point_mp(eq, point, digits, **extra), eq, s)


def precise_items(solutions, eq, fmt) -> list[dict]:
    """The ``--precision`` JSON entries of mpmath solutions, numbers written by ``fmt``."""
    out = []
    for sol in solutions:
        item = {
            "m": fmt(sol["m"]),
            "stable": sol["stable"],
            "equilibrium": sol["equilibrium"],
            "free_energy": fmt(sol["free_energy"]),
            "stability": sol["stability"],
            "curvature": fmt(sol["curvature"]),
        }
        if eq.unknowns[0].name != "m":
            item[eq.unknowns[0].name] = fmt(sol["x"])
        out.append(item)
    return out
