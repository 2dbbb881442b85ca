"""A defined quantity printed by its name: the shared helper of derivations that
write a long definition once and then refer to it by a symbol (Z, C_1, alpha)."""

from __future__ import annotations

import sympy as sp


def with_power(text: str, exp) -> str:
    r"""``text`` raised to the (already printed) power ``exp``, in parentheses."""
    return rf"\left({text}\right)^{{{exp}}}" if exp is not None else text


class Named(sp.Expr):
    """A defined quantity printed by its ``name`` (a symbol, or a string made one);
    :meth:`doit` and evaluation give its ``definition``."""

    is_commutative = True

    def __new__(cls, name, definition):
        name = sp.Symbol(name) if isinstance(name, str) else sp.sympify(name)
        return super().__new__(cls, name, sp.sympify(definition))

    @property
    def name(self):
        return self.args[0]

    @property
    def definition(self):
        return self.args[1]

    def doit(self, **hints):
        return self.definition.doit(**hints) if hints.get("deep", True) else self.definition

    def _eval_evalf(self, prec):
        return self.definition.doit().evalf(prec)

    def _latex(self, printer, exp=None):
        return with_power(printer._print(self.name), exp)

    def _sympystr(self, printer):
        return printer._print(self.name)
