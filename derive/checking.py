r"""Deciding whether two expressions are equal, symbolically or numerically.

A symbolic attempt (cheap rewrites, then :func:`sympy.simplify` on small
expressions) comes first; where it is too weak, both sides are evaluated with
mpmath at 30 significant digits at random points that respect the symbols'
assumptions (positive, integer, real).  Asymptotic steps (Stirling) are
checked by the relative difference vanishing as the large symbol grows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

DIGITS = 30
POINTS = 6
RELATIVE_TOLERANCE = sp.Float("1e-20", DIGITS)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    method: str
    detail: str = ""


def _sample(symbol: sp.Symbol, rng: random.Random) -> sp.Expr:
    # A symbol may confine itself to an open interval (an order parameter in (-1, 1)).
    interval = getattr(symbol, "sample_interval", None)
    if interval is not None:
        lo, hi = (sp.Rational(v) for v in interval)
        return lo + (hi - lo) * sp.Rational(rng.randint(1, 999), 1000)
    if symbol.is_integer:
        low = 1 if symbol.is_positive else 0
        return sp.Integer(rng.randint(max(low, 2), 12))
    if symbol.is_positive or symbol.is_nonnegative:
        return sp.Rational(rng.randint(300, 2500), 1000)
    # real or unknown: stay away from 0, where removable singularities live
    v = sp.Rational(rng.randint(200, 1500), 1000)
    return v if rng.random() < 0.5 else -v


def _evaluate(expr: sp.Expr, point: dict) -> sp.Expr | None:
    try:
        at = expr.subs(point)
        if at.has(sp.Sum, sp.Integral):  # evalf of infinite sums/integrals can hang or fail
            at = at.doit()
        val = sp.N(at, DIGITS)
    except (TypeError, ValueError, ZeroDivisionError, NotImplementedError):
        return None
    if not val.is_number or val.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return val


def numeric_points(exprs, seed: int = 0, count: int = POINTS, fixed=None):
    """Random points (dicts symbol -> value) for the free symbols of ``exprs``."""
    rng = random.Random(seed)
    free = sorted(set().union(*(sp.sympify(e).free_symbols for e in exprs)), key=str)
    fixed = fixed or {}
    for _ in range(count):
        point = {s: _sample(s, rng) for s in free if s not in fixed}
        point.update(fixed)
        yield point


def numerically_equal(a, b, seed: int = 0, count: int = POINTS) -> CheckResult:
    a, b = sp.sympify(a), sp.sympify(b)
    tried = 0
    good = 0
    for point in numeric_points([a, b], seed=seed, count=4 * count):
        tried += 1
        va, vb = _evaluate(a, point), _evaluate(b, point)
        if va is None or vb is None:
            continue
        scale = max(abs(va), abs(vb), sp.Integer(1))
        if abs(va - vb) > RELATIVE_TOLERANCE * scale:
            shown = {str(k): float(v) for k, v in point.items()}
            return CheckResult(
                False, "numeric", f"differ at {shown}: {sp.N(va, 12)} vs {sp.N(vb, 12)}"
            )
        good += 1
        if good >= count:
            break
    if good == 0:
        return CheckResult(False, "numeric", "could not evaluate either side at any point")
    return CheckResult(True, "numeric", f"{good} random points, {DIGITS} digits")


SIMPLIFY_MAX_OPS = 40


def cheaply_equal(a, b) -> bool:
    """Equality that cheap rewrites (expand, cancel, exponential form) can show."""
    diff = sp.sympify(a) - sp.sympify(b)
    if diff == 0:
        return True
    for attempt in (sp.expand, sp.cancel, lambda e: sp.expand(e.rewrite(sp.exp))):
        try:
            if attempt(diff) == 0:
                return True
        except Exception:  # a rewrite SymPy cannot do proves nothing either way
            continue
    return False


def symbolically_equal(a, b) -> bool:
    """Cheap rewrites, then :func:`sympy.simplify` on small differences only
    (it can take seconds on large ones)."""
    if cheaply_equal(a, b):
        return True
    diff = sp.sympify(a) - sp.sympify(b)
    if sp.count_ops(diff) >= SIMPLIFY_MAX_OPS:
        return False
    try:
        return sp.simplify(diff) == 0
    except Exception:  # simplification failures fall through to numerics
        return False


def equal(a, b, seed: int = 0) -> CheckResult:
    """Are ``a`` and ``b`` equal as functions of their free symbols?

    Cheap symbolic rewrites first; then 30-digit evaluation at random points,
    which also settles inequality at once; a numeric pass on a small
    expression is then confirmed by :func:`sympy.simplify` where it can.
    """
    a, b = sp.sympify(a), sp.sympify(b)
    has_sum = a.has(sp.Sum, sp.Integral) or b.has(sp.Sum, sp.Integral)
    # Derivatives left after .doit() are of undefined functions: only symbolic
    # simplification can compare those.
    undefined = a.has(sp.Derivative) or b.has(sp.Derivative)
    if not has_sum and cheaply_equal(a, b):
        return CheckResult(True, "symbolic")
    if undefined and not has_sum:
        return CheckResult(symbolically_equal(a, b), "symbolic")
    result = numerically_equal(a, b, seed=seed)
    if result.ok and not has_sum and symbolically_equal(a, b):
        return CheckResult(True, "symbolic")
    return result


def _large_values(large, n_large, rng: random.Random) -> dict:
    """Values for the large symbol(s): one symbol is set to ``n_large``; several
    grow together at fixed random ratios (each between 1/2 and 2 times ``n_large``).
    Values are 30-digit Floats, so that ``log(N!)`` at ``N = 1e16`` is evaluated
    through the Gamma function rather than as an exact integer."""
    if isinstance(large, sp.Basic):
        return {large: sp.Float(n_large, DIGITS)}
    return {s: sp.Float(n_large * rng.randint(50, 200) / 100, DIGITS) for s in large}


def asymptotically_equal(a, b, large, seed: int = 0) -> CheckResult:
    """``(a - b) / a -> 0`` as ``large -> oo`` (checked at 1e4, 1e8 and 1e16).

    ``large`` is a symbol, or a tuple of symbols that grow together (``N_A, q_A``)."""
    a, b = sp.sympify(a), sp.sympify(b)
    rels = []
    for exponent in (4, 8, 16):
        n_large = 10**exponent
        fixed = _large_values(large, n_large, random.Random(seed))
        worst = sp.Integer(0)
        for point in numeric_points([a, b], seed=seed, count=3, fixed=fixed):
            va, vb = _evaluate(a, point), _evaluate(b, point)
            if va is None or vb is None or va == 0:
                continue
            worst = max(worst, abs((va - vb) / va))
        rels.append(worst)
    ok = rels[-1] < sp.Float("1e-6") and rels[-1] <= rels[0]
    name = large if isinstance(large, sp.Basic) else ",".join(str(s) for s in large)
    pairs = zip((4, 8, 16), rels, strict=True)
    detail = ", ".join(f"{name} at 1e{e}: {float(r):.2e}" for e, r in pairs)
    return CheckResult(bool(ok), "asymptotic", "relative difference " + detail)
