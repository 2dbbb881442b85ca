r"""Simplification into the forms a textbook prints.

SymPy left alone writes :math:`\log(e^{x} + e^{-x})` and ratios of sums of
exponentials; a textbook writes :math:`\log(2\cosh x)` and :math:`\tanh x`.
:func:`textbook` tries a few rewrites and keeps the cheapest, where cost counts
operations and penalises bare exponentials.
"""

from __future__ import annotations

import sympy as sp


def _log_of_power(expr: sp.Expr) -> int:
    """How many ``log(x**y)`` with a symbolic ``y`` (a textbook writes ``y log x``)."""
    return sum(1 for lg in expr.atoms(sp.log) if lg.args[0].is_Pow and not lg.args[0].exp.is_number)


def _cost(expr: sp.Expr) -> int:
    return sp.count_ops(expr) + (50 if expr.has(sp.I) else 0) + 10 * _log_of_power(expr)


def _candidates(expr: sp.Expr):
    yield expr
    for fn in (
        lambda e: sp.simplify(e),
        lambda e: sp.simplify(e.rewrite(sp.cosh)),
        lambda e: sp.simplify(e.rewrite(sp.tanh)),
        lambda e: sp.simplify(sp.expand_log(e, force=True)),
        lambda e: sp.expand_log(sp.simplify(e), force=True),
        lambda e: sp.factor(sp.simplify(e.rewrite(sp.exp))),
        lambda e: sp.simplify(sp.simplify(e.rewrite(sp.exp)).rewrite(sp.cosh)),
        lambda e: sp.simplify(sp.simplify(e.rewrite(sp.exp)).rewrite(sp.sinh)),
        lambda e: sp.simplify(sp.simplify(e.rewrite(sp.exp)).rewrite(sp.tanh)),
        lambda e: sp.simplify(sp.simplify(e.rewrite(sp.exp)).rewrite(sp.coth)),
    ):
        try:
            yield fn(expr)
        except Exception:  # a rewrite SymPy cannot do is simply not a candidate
            continue


def textbook(expr: sp.Expr) -> sp.Expr:
    """The cheapest of several equivalent forms of ``expr`` (hyperbolic where possible)."""
    expr = sp.sympify(expr)
    best = expr
    for cand in _candidates(expr):
        if cand.has(sp.I) or cand.has(sp.zoo, sp.nan):
            continue
        if _cost(cand) < _cost(best):
            best = cand
    return best
