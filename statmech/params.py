r"""Parsing ``NAME=VALUE`` and ``NAME=START:STOP:COUNT`` arguments against a model.

A range expands into a grid; several ranges give their Cartesian product
(the first range varies slowest).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .errors import UserError

DESCRIPTIONS = {"T": "temperature"}


@dataclass(frozen=True)
class Assignment:
    name: str
    values: tuple  # one value, or the points of a range
    is_range: bool


def _number(text: str, name: str, integer: bool):
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{name} must be a number, got {name}={text}") from None
    if not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, got {name}={text.strip()}")
    if integer:
        if not value.is_integer():
            raise UserError(f"{name} must be an integer, got {name}={text}")
        return int(value)
    return value


def parse_assignment(text: str, integer_names=()) -> Assignment:
    if "=" not in text:
        raise UserError(f"expected NAME=VALUE or NAME=START:STOP:COUNT, got {text!r}")
    name, _, value = text.partition("=")
    name = name.strip()
    integer = name in integer_names
    if ":" in value:
        parts = value.split(":")
        if len(parts) != 3:
            raise UserError(f"a range is NAME=START:STOP:COUNT, got {text!r}")
        start, stop = (_number(p, name, integer=False) for p in parts[:2])
        count = _number(parts[2], f"{name} count", integer=True)
        if count < 1:
            raise UserError(f"a range needs a positive COUNT, got {text!r}")
        if count == 1:
            points = (start,)
        else:
            points = tuple(start + (stop - start) * i / (count - 1) for i in range(count))
        if integer:
            points = tuple(int(round(p)) for p in points)
        return Assignment(name, points, True)
    return Assignment(name, (_number(value, name, integer),), False)


def validate_value(model, name: str, value) -> None:
    """Reject values the parameter's assumptions forbid (T <= 0, N < 1, ...)."""
    try:
        parameter = model.parameter(name)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    if not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, got {name}={value}")
    if parameter.positive and not value > 0:
        what = DESCRIPTIONS.get(name, name)
        why = "" if name in DESCRIPTIONS else f" ({model.name}'s derivations assume {name} > 0)"
        raise UserError(f"{what} must be positive, got {name}={value}{why}")


def parse_assignments(model, texts, extra_names: dict | None = None):
    """Parse command-line assignments for ``model``.

    Returns ``(fixed, ranges)``: a dict of single values (defaults filled in)
    and a list of :class:`Assignment` that are ranges.
    ``extra_names`` maps further accepted names (sizes such as ``L`` that the
    model does not list as parameters) to their defaults.
    """
    extra_names = dict(extra_names or {})
    integer_names = {p.name for p in model.parameters if p.integer} | {
        k for k, v in extra_names.items() if isinstance(v, int)
    }
    fixed = {p.name: p.default for p in model.parameters if p.default is not None}
    fixed.update({k: v for k, v in extra_names.items() if v is not None})
    ranges = []
    seen = set()
    for text in texts:
        a = parse_assignment(text, integer_names)
        if a.name in seen:
            raise UserError(f"{a.name} is given twice")
        seen.add(a.name)
        if a.name not in model.parameter_names and a.name not in extra_names:
            known = ", ".join(list(model.parameter_names) + list(extra_names))
            raise UserError(f"model {model.name!r} has no parameter {a.name!r}; it has: {known}")
        for v in a.values:
            if a.name in model.parameter_names:
                validate_value(model, a.name, v)
        if a.is_range:
            ranges.append(a)
        else:
            fixed[a.name] = a.values[0]
    return fixed, ranges


def grid(fixed: dict, ranges) -> list[dict]:
    """Every parameter point: the product of the ranges over the fixed values."""
    if not ranges:
        return [dict(fixed)]
    points = []
    for combo in itertools.product(*(r.values for r in ranges)):
        p = dict(fixed)
        p.update({r.name: v for r, v in zip(ranges, combo, strict=True)})
        points.append(p)
    return points


def check_values(model, values: dict, ranges: bool = False, extra_names: dict | None = None):
    """The library counterpart of :func:`parse_assignments`: ``values`` maps a
    parameter name to a number (or, with ``ranges``, a sequence of numbers: a range).

    Returns ``(fixed, ranges)`` as :func:`parse_assignments` does: the single
    values with the defaults filled in, and the ranges in the order given.
    """
    extra_names = dict(extra_names or {})
    fixed = {p.name: p.default for p in model.parameters if p.default is not None}
    fixed.update({k: v for k, v in extra_names.items() if v is not None})
    integer_names = {p.name for p in model.parameters if p.integer} | {
        k for k, v in extra_names.items() if isinstance(v, int)
    }
    out_ranges = []
    for name, value in values.items():
        if name not in model.parameter_names and name not in extra_names:
            known = ", ".join(list(model.parameter_names) + list(extra_names))
            raise UserError(f"model {model.name!r} has no parameter {name!r}; it has: {known}")
        many = isinstance(value, (list, tuple, range)) or getattr(value, "ndim", 0) > 0
        if many and not ranges:
            raise UserError(f"give one value for {name}, got a sequence of {len(value)}")
        points = tuple(value) if many else (value,)
        if not points:
            raise UserError(f"a range of {name} needs at least one value")
        clean = []
        for v in points:
            try:
                number = float(v)
            except (TypeError, ValueError):
                raise UserError(f"{name} must be a number, got {name}={v!r}") from None
            if name in integer_names:
                if not (math.isfinite(number) and number.is_integer()):
                    raise UserError(f"{name} must be an integer, got {name}={v}")
                number = int(number)
            if name in model.parameter_names:
                validate_value(model, name, number)
            elif not math.isfinite(number):
                raise UserError(f"{name} must be a finite number, got {name}={v}")
            clean.append(number)
        if many:
            out_ranges.append(Assignment(name, tuple(clean), True))
        else:
            fixed[name] = clean[0]
    return fixed, out_ranges


def precise_points(model, texts, fixed: dict, ranges, digits: int) -> list[dict]:
    """The points of :func:`grid` with every real parameter given on the command line
    read from its decimal text in mpmath, at ``digits`` plus guard digits: ``T=2.2691853``
    is that decimal, not the double nearest to it; range points are computed in mpmath.

    Integers (sizes) and defaults stay as they are.
    """
    import mpmath

    integer = {p.name for p in model.parameters if p.integer}
    raw = {}
    for text in texts:
        name, _, value = text.partition("=")
        raw[name.strip()] = value.strip()
    with mpmath.workdps(digits + 30):
        exact = {
            k: mpmath.mpf(v)
            for k, v in raw.items()
            if k not in integer and ":" not in v and k in fixed
        }
        axes = []
        for r in ranges:
            if r.name in integer:
                axes.append(list(r.values))
                continue
            start, stop, count = raw[r.name].split(":")
            a, b, c = mpmath.mpf(start), mpmath.mpf(stop), len(r.values)
            axes.append([a] if c == 1 else [a + (b - a) * i / (c - 1) for i in range(c)])
    points = []
    for combo in itertools.product(*axes) if axes else [()]:
        p = {**fixed, **exact}
        p.update({r.name: v for r, v in zip(ranges, combo, strict=True)})
        points.append(p)
    return points
