r"""The project's LaTeX printer: SymPy's, with a physicist's print order and names.

:func:`latex` is :func:`sympy.latex` with these changes, and the renderers
(:mod:`statmech.derive.render`) print every equation through it:

- **Print order.**  In a product the number comes first, then the variables, sums
  of variables, functions and sums with functions (``p_i \log(p_i)``, not
  ``\log(p_i) p_i``); in a sum the terms without
  functions come before those with (``1 - u \tanh(J/T)``, not ``-u\tanh(J/T) + 1``).
  Within each group SymPy's order is kept, so a sum with no functions prints
  exactly as :func:`sympy.latex` prints it.
- **Powers.**  Factors of a product with one base are one power
  (:func:`merge_powers`).
- **Names.**  A symbol named like a function value, ``k(T_c)``, prints as
  ``k(T_{c})`` (not ``k(T_{c)}``); Greek letters are symbols also before a prime or a
  braced subscript (``phi'`` is ``\phi'``, ``sigma_{q_A}`` is ``\sigma_{q_{A}}``); a
  function's primes stay italic (``g'(0, T_c)``, not ``\operatorname{g'}``);
  ``\operatorname`` is left to names of several letters.

It imports SymPy only (``derive/`` is pure SymPy).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

__all__ = ["PhysicsLatexPrinter", "latex", "merge_powers", "ordered_factors", "ordered_terms"]

# "name(args)" as a symbol's name, e.g. k(T_c) or c(T_c(1 + 1/n))
_CALL_NAME = re.compile(r"^([^()]+)\((.*)\)$")
# "head_{sub}" with a braced subscript
_BRACED_SUB = re.compile(r"^([^_{}]+)_\{(.*)\}$")
_PRIMES = re.compile(r"^(.*?)('+)$")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_(?:\{[^{}]*\}|[A-Za-z0-9]+))*'*")


def _has_function(expr) -> bool:
    """Whether ``expr`` applies a function (``log``, ``tanh``, ``exp``, an undefined ``f``)."""
    return any(isinstance(a, (sp.Function, AppliedUndef)) for a in sp.preorder_traversal(expr))


def _rank_factor(factor) -> int:
    """Numbers, variables, sums of variables, functions, sums with functions."""
    if factor.is_Number:
        return 0
    base = factor.as_base_exp()[0]
    if not _has_function(factor):
        return 2 if isinstance(base, sp.Add) else 1
    return 4 if isinstance(base, sp.Add) else 3


def ordered_factors(expr) -> list:
    """The factors of a product in print order: number, variables, functions."""
    args = list(sp.Mul.as_ordered_factors(expr))
    return sorted(args, key=_rank_factor)  # stable: SymPy's order within a rank


def ordered_terms(expr, order=None) -> list:
    """The terms of a sum in print order: those without functions first."""
    terms = list(expr.as_ordered_terms(order=order))
    return sorted(terms, key=lambda t: 1 if _has_function(t) else 0)


_original_factors = sp.Mul.as_ordered_factors


@contextmanager
def _physics_factor_order():
    """While printing one product, Mul lists its factors in :func:`ordered_factors`
    order (SymPy's printer asks the Mul; there is no printer hook for it)."""

    def as_ordered_factors(self, order=None):
        return sorted(_original_factors(self, order), key=_rank_factor)

    sp.Mul.as_ordered_factors = as_ordered_factors
    try:
        yield
    finally:
        sp.Mul.as_ordered_factors = _original_factors


class PhysicsLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the print order and names described in the module."""

    printmethod = "_latex"

    # ---- order -------------------------------------------------------------------
    def _as_ordered_terms(self, expr, order=None):
        terms = super()._as_ordered_terms(expr, order=order)
        if isinstance(expr, sp.Add):
            return sorted(terms, key=lambda t: 1 if _has_function(t) else 0)
        return terms

    def _print_Mul(self, expr):
        if sp.Mul.as_ordered_factors is not _original_factors:
            return super()._print_Mul(expr)  # already inside a product
        with _physics_factor_order():
            return super()._print_Mul(expr)

    # ---- names -------------------------------------------------------------------
    def _name(self, name: str) -> str:
        """LaTeX of a symbol's name (Greek letters, primes, braces and calls handled)."""
        m = _CALL_NAME.match(name)
        if m:
            return f"{self._name(m.group(1))}({self._names_in(m.group(2))})"
        m = _PRIMES.match(name)
        if m and m.group(1):
            return self._name(m.group(1)) + m.group(2)
        m = _BRACED_SUB.match(name)
        if m:
            return f"{self._name(m.group(1))}_{{{self._name(m.group(2))}}}"
        return self._deal_with_super_sub(name)

    def _names_in(self, text: str) -> str:
        """Every identifier in ``text`` (``T_c(1 + 1/n)``) set as a symbol's name."""
        return _IDENTIFIER.sub(lambda m: self._name(m.group(0)), text)

    def _print_Symbol(self, expr, style="plain"):
        name = self._settings["symbol_names"].get(expr)
        if name is not None:
            return name
        if style == "plain" and re.search(r"[()'{}]", expr.name):
            return self._name(expr.name)
        return super()._print_Symbol(expr, style=style)

    _print_Dummy = _print_Symbol

    def _hprint_Function(self, func: str) -> str:
        name, supers, subs = self._split_super_sub(func)
        m = _PRIMES.match(name)
        if m and m.group(1) and not supers and not re.search(r"[(){}]", name):
            tex = self._hprint_Function(m.group(1)) + m.group(2)
            return tex + (f"_{{{' '.join(subs)}}}" if subs else "")
        return super()._hprint_Function(func)


def merge_powers(expr):
    """``expr`` with the factors of each product that share a base gathered into one
    power: ``(1 - x) (1 - x)^{z - 1}`` is ``(1 - x)^z`` (SymPy leaves such a product
    alone when the base is a sum and the exponent a symbol)."""
    if not isinstance(expr, sp.Basic) or expr.is_Atom or not expr.args:
        return expr
    args = [merge_powers(a) for a in expr.args]
    if isinstance(expr, sp.Mul):
        powers: dict = {}
        for a in args:
            base, e = a.as_base_exp()
            powers.setdefault(base, []).append(e)
        if any(len(es) > 1 for es in powers.values()):
            return sp.Mul(*(sp.Pow(b, sp.Add(*es)) for b, es in powers.items()))
    if any(a is not b for a, b in zip(args, expr.args, strict=True)):
        return expr.func(*args)
    return expr


def latex(expr, **settings) -> str:
    """:func:`sympy.latex` with :class:`PhysicsLatexPrinter` (after :func:`merge_powers`)."""
    if isinstance(expr, sp.Basic):
        expr = merge_powers(expr)
    return PhysicsLatexPrinter(settings).doprint(expr)
