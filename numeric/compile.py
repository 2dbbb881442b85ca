r"""The one place that compiles SymPy expressions into callables.

:func:`compile_expression` is the project's only caller of
:func:`sympy.lambdify`.  Backends:

``numpy``   vectorised over arrays (the default);
``cupy``    the same code on CuPy arrays (special functions mapped to
            :mod:`cupyx.scipy.special`);
``mpmath``  arbitrary precision scalars (set ``mpmath.mp.dps`` first).

Compiled functions are cached per expression, argument list and backend.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

import sympy as sp
from sympy.printing.numpy import CuPyPrinter

from .backend import get_backend, special_module

COMPILE_BACKENDS = ("numpy", "cupy", "mpmath")

# Functions NumPy lacks that CuPy has in cupyx.scipy.special.
_CUPY_SPECIAL = ("erf", "erfc", "gamma", "loggamma", "digamma", "polygamma", "zeta")


class _CuPySpecialPrinter(CuPyPrinter):
    """CuPy printer that sends special functions to ``cupyx.scipy.special``."""

    def _print_special(self, expr, name):
        args = ", ".join(self._print(a) for a in expr.args)
        return f"cupyx_special.{name}({args})"

    def _print_erf(self, expr):
        return self._print_special(expr, "erf")

    def _print_erfc(self, expr):
        return self._print_special(expr, "erfc")

    def _print_gamma(self, expr):
        return self._print_special(expr, "gamma")

    def _print_loggamma(self, expr):
        return self._print_special(expr, "gammaln")


def _symbols(args, expr=None) -> tuple[sp.Symbol, ...]:
    """Arguments as symbols; a name means the expression's symbol of that name
    (whatever its assumptions)."""
    by_name = {s.name: s for s in sp.sympify(expr).free_symbols} if expr is not None else {}
    return tuple(a if isinstance(a, sp.Basic) else by_name.get(a, sp.Symbol(a)) for a in args)


def cupy_namespace(cupy_module: ModuleType) -> dict:
    """The names the generated CuPy code refers to, bound to ``cupy_module``."""
    # NumPy stands in for CuPy in the code-generation tests on a machine without a GPU.
    return {"cupy": cupy_module, "cupyx_special": special_module(cupy_module)}


def cupy_source(expr: sp.Expr, args) -> str:
    """The Python source lambdify generates for the CuPy backend (no GPU needed)."""
    import inspect

    return inspect.getsource(compile_cupy_with(expr, args, _numpy()))


def _numpy():
    import numpy

    return numpy


def _compile(
    expr: sp.Expr, args: tuple, backend: str, cupy_module: ModuleType | None = None, cse=False
):
    syms = _symbols(args, expr)
    missing = sp.sympify(expr).free_symbols - set(syms)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise ValueError(f"expression depends on {names}, which are not among the arguments")
    if backend == "numpy":
        return sp.lambdify(syms, expr, modules=_numpy_modules(expr), cse=cse)
    if backend == "mpmath":
        return sp.lambdify(syms, expr, modules="mpmath", cse=cse)
    if backend == "cupy":
        module = cupy_module if cupy_module is not None else get_backend("cupy")
        return sp.lambdify(
            syms, expr, modules=[cupy_namespace(module)], printer=_CuPySpecialPrinter, cse=cse
        )
    raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(COMPILE_BACKENDS)}")


@lru_cache(maxsize=1)
def _scipy_only() -> frozenset:
    """Names of the SymPy objects SciPy's printer writes differently from NumPy's (special
    functions; ``pi`` is the same double from either module, so it is left out)."""
    from sympy.printing.numpy import SciPyPrinter

    return frozenset(n[len("_print_") :] for n in vars(SciPyPrinter) if n.startswith("_print_")) - {
        "Pi"
    }


def _numpy_modules(expr) -> list:
    """``["scipy", "numpy"]`` where ``expr`` holds a function SciPy prints (``erf``,
    ``gamma``, ...), else ``[numpy]``, the module itself: the same generated code and the
    same functions (lambdify imports each name the printer writes), without importing
    SciPy, and without the ``from numpy import *`` that the name ``"numpy"`` runs (it
    loads every lazy NumPy submodule, f2py and testing among them).  Together a tenth
    of a second of CPU, or several on a loaded machine, before the first number."""
    special = _scipy_only()
    if any(type(node).__name__ in special for node in sp.preorder_traversal(sp.sympify(expr))):
        return ["scipy", "numpy"]
    return [_numpy()]


@lru_cache(maxsize=1024)
def _cached(expr: sp.Expr, args: tuple, backend: str, cse: bool = False):
    return _compile(expr, args, backend, cse=cse)


def compile_expression(expr, args, backend: str = "numpy", cse: bool = False):
    r"""Compile ``expr`` into a function of ``args`` for ``backend``.

    Parameters
    ----------
    expr : sympy.Expr
    args : sequence of str or sympy.Symbol
        Positional arguments of the compiled function, by name or symbol.
    backend : {"numpy", "cupy", "mpmath"}
    cse : bool
        Evaluate common subexpressions once (for large generated expressions).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> f = compile_expression(sp.tanh(x), ["x"])
    >>> float(f(0.5))
    0.46211715726000974
    """
    expr = sp.sympify(expr)
    return _cached(expr, _symbols(args, expr), backend, bool(cse))


def compile_cupy_with(expr, args, cupy_module: ModuleType):
    """Compile for the CuPy backend against a given module (NumPy stands in for
    CuPy when testing code generation without a GPU)."""
    expr = sp.sympify(expr)
    return _compile(expr, _symbols(args, expr), "cupy", cupy_module)
