r"""Expressions in JSON: plain strings, with a table of the names they use.

The JSON rendering writes each expression with SymPy's string printer, every
symbol and undefined function under a plain identifier: its own name where that
is one (``N``, ``mu``, ``beta``), else a spelling of it in letters, digits and
underscores (``N_+`` is ``N_plus``, ``m_*`` ``m_star``, ``f'`` ``f_prime``,
``\xi`` ``xi``).  One :class:`NameTable` per document keeps the identifiers
distinct and records, for each, the name it stands for and its LaTeX; the
document carries that record under ``"symbols"``, ``"functions"`` and
``"indexed"`` (indexed objects such as ``s[i]``), and
:func:`from_string` parses a string back with it (``sympify`` alone would read
``N`` as SymPy's ``N()`` and ``E`` as Euler's number).

Examples
--------
>>> import sympy as sp
>>> names = NameTable()
>>> N, m = sp.Symbol("N", positive=True), sp.Symbol("m_*")
>>> text = names.string(N * m)
>>> text
'N*m_star'
>>> names.symbols["m_star"]["name"], names.symbols["m_star"]["latex"]
('m_*', 'm_{*}')
>>> from_string(text, names.as_dict()) == sp.Symbol("N") * m
True
"""

from __future__ import annotations

import keyword
import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from .printing import latex

#: Characters spelt in letters when a name is made an identifier.
_SPELT = {"+": "_plus_", "-": "_minus_", "*": "_star_", "'": "_prime_", "|": "_given_"}
#: What SymPy's string printer writes for its constants (Euler's number is written
#: ``exp(1)`` here, so ``E`` can be a symbol): never an identifier of ours.
_RESERVED = {"I", "pi", "oo", "zoo", "nan", "EulerGamma", "Catalan", "GoldenRatio"}
#: The kinds of names, and the table of each in the document.
KINDS = {"symbol": "symbols", "function": "functions", "indexed": "indexed"}


def identifier(name: str) -> str:
    """``name`` as a Python identifier (its own spelling when it is one).

    >>> identifier("N_+"), identifier("f''"), identifier(r"\\lambda_{\\parallel}")
    ('N_plus', 'f_prime_prime', 'lambda_parallel')
    """
    if name.isidentifier() and not keyword.iskeyword(name):
        return name
    from .render import plain_text  # LaTeX commands read as words: \xi -> xi

    text = plain_text(name) if re.search(r"[\\{$]", name) else name
    for char, word in _SPELT.items():
        text = text.replace(char, word)
    text = re.sub(r"\W+", "_", text, flags=re.ASCII)
    text = re.sub(r"_+", "_", text).strip("_") or "x"
    if text[0].isdigit():
        text = "x_" + text
    if keyword.iskeyword(text):
        text += "_"
    return text


class NameTable:
    """The identifiers of one document's symbols and functions (see the module docstring)."""

    def __init__(self):
        self.symbols: dict[str, dict] = {}
        self.functions: dict[str, dict] = {}
        self.indexed: dict[str, dict] = {}
        self._given: dict[tuple[str, str], str] = {}
        self._printer = _Printer(self)

    def name(self, kind: str, original: str, latex_text: str) -> str:
        """The identifier of the symbol or function (``kind``) named ``original``."""
        key = (kind, original)
        if key not in self._given:
            base = alias = identifier(original)
            k = 2
            while alias in self._given.values() or alias in _RESERVED:
                alias, k = f"{base}_{k}", k + 1
            getattr(self, KINDS[kind])[alias] = {
                "name": original,
                "latex": latex_text,
            }
            self._given[key] = alias
        return self._given[key]

    def string(self, expr) -> str:
        """``expr`` as a plain string over this table's identifiers."""
        expr = sp.sympify(expr)
        # an indexed object prints its label (a symbol) itself: know the labels first
        self._printer.labels = {b.label for b in expr.atoms(sp.IndexedBase)}
        return self._printer.doprint(expr)

    def as_dict(self) -> dict:
        """``{"symbols": ..., "functions": ..., "indexed": ...}``: identifier -> name
        and LaTeX."""
        return {key: dict(getattr(self, key)) for key in KINDS.values()}


class _Printer(StrPrinter):
    def __init__(self, table: NameTable):
        super().__init__()
        self._table = table
        self.labels = set()

    def _print_Symbol(self, expr):
        kind = "indexed" if expr in self.labels else "symbol"
        return self._table.name(kind, expr.name, latex(expr))

    _print_Dummy = _print_Symbol

    def _print_Function(self, expr):
        if not isinstance(expr, AppliedUndef):
            return super()._print_Function(expr)
        name = expr.func.__name__
        alias = self._table.name("function", name, latex(sp.Symbol(name)))
        return alias + "(" + self.stringify(expr.args, ", ") + ")"

    def _print_Limit(self, expr):  # the direction is a string, not a symbol
        e, z, z0, direction = expr.args
        return f"Limit({self._print(e)}, {self._print(z)}, {self._print(z0)}, dir='{direction}')"

    def _print_Exp1(self, expr):
        return "exp(1)"


def from_string(text: str, table: dict | None = None, model_symbols: dict | None = None):
    """Parse a string of the JSON rendering back to a SymPy expression.

    Parameters
    ----------
    text : str
    table : dict, optional
        The document (or its ``"symbols"``, ``"functions"`` and ``"indexed"``): each
        identifier becomes the symbol, function or indexed object it stands for.
    model_symbols : dict, optional
        Name -> symbol: restores the symbols' assumptions.
    """
    local = {}
    for key, make in (
        ("symbols", sp.Symbol),
        ("functions", sp.Function),
        ("indexed", sp.IndexedBase),
    ):
        for alias, entry in (table or {}).get(key, {}).items():
            local[alias] = make(entry["name"])
    expr = sp.sympify(text, locals=local)
    if model_symbols:
        expr = expr.subs({sp.Symbol(n): s for n, s in model_symbols.items()})
    return expr
