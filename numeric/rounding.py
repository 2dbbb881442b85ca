r"""First-order bounds on the rounding error of a compiled expression.

Whether a root is a minimum or a maximum, or which of two minima is lower,
is a question about the sign of a computed number.  The answer can be
trusted only where the number exceeds its rounding error.  This module
derives, from the expression tree, a SymPy expression :math:`B(e)` with

.. math::

    |\mathrm{fl}(e) - e| \le B(e) + O(u^2),

where :math:`u` is the unit roundoff (a symbol: :math:`2^{-53}` in float64,
:math:`2^{-\text{prec}}` in mpmath).  This is the running error analysis of
Wilkinson, in the form of Higham's book: the inputs (the unknowns and the
parameters) are the exact floating-point numbers the expression is
evaluated at, and every operation adds its own rounding to the propagated
errors of its operands:

* a sum of :math:`n` terms: :math:`\sum_i B(a_i) + (n-1)u\sum_i |a_i|`
  (recursive summation, Higham eq. 4.4);
* a product: :math:`\sum_i B(a_i)\prod_{j\ne i}|a_j| + (n-1)u|\prod_i a_i|`;
* a power or a library function :math:`f(a_1, \dots)`:
  :math:`\sum_i |\partial_i f|\,B(a_i) + c\,u\,|f|` with
  :data:`LIBRARY_ULPS` = 4 for the accuracy of the library (glibc and CUDA
  document 1 to 4 ulps for the functions used here);
* a rational constant: :math:`u|c|`; a Gaussian average (a weighted sum over
  :math:`n` quadrature nodes): the average of the integrand's bound plus
  :math:`n u\,\mathbb{E}|f|`, plus the estimated quadrature error
  :class:`~numeric.gaussian.QuadratureError`.

Callers multiply the bound by a safety factor (:data:`SAFETY` = 4, for the
second-order terms) before deciding a sign.

References
----------
N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed. (2002),
sec. 3.3 (running error analysis) and ch. 4 (summation).
J. H. Wilkinson, Rounding Errors in Algebraic Processes (1963).
"""

from __future__ import annotations

import sympy as sp
from statmech.derive.gaussian import GaussianAverage

from .gaussian import NODES, LooseAverage, QuadratureError

#: Accuracy of the elementary functions, in units of the last place.
LIBRARY_ULPS = 4
#: Factor by which a value must exceed its first-order bound for its sign to count.
SAFETY = 4

unit = sp.Symbol("u_roundoff", positive=True)
#: Bounds of at most this many operations are expanded, which merges like terms.
EXPAND_OPS = 300


def _abs(e):
    return sp.Abs(e, evaluate=True)


def rounding_bound(expr, nodes: int = NODES) -> sp.Expr:
    """A SymPy expression bounding the rounding error of ``expr`` (to first order in ``u``).

    The bound depends on the symbols of ``expr`` and on :data:`unit`.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> rounding_bound(x + 1)
    u_roundoff*(Abs(x) + 1)
    >>> rounding_bound(x * sp.tanh(x) - x)  # tanh: 4 ulps; the product and the sum: 1 each
    u_roundoff*(4*Abs(x)*Abs(tanh(x)) + Abs(x) + 2*Abs(x*tanh(x)))
    """
    memo: dict = {}

    def bound(e):
        if e in memo:
            return memo[e]
        out = _bound(e)
        memo[e] = out
        return out

    def _bound(e):
        if e.is_Symbol or e.is_Integer or isinstance(e, (sp.core.numbers.Infinity,)):
            return sp.Integer(0)
        if e.is_Number or e.is_NumberSymbol:
            return unit * _abs(e)
        if isinstance(e, GaussianAverage):
            f, z = e.args
            return (
                LooseAverage(bound(f), z)
                + nodes * unit * LooseAverage(_abs(f), z)
                + QuadratureError(f, z)
            )
        if isinstance(e, sp.Abs):
            return bound(e.args[0])
        if e.is_Add:
            terms = e.args
            propagated = sp.Add(*(bound(a) for a in terms))
            return propagated + (len(terms) - 1) * unit * sp.Add(*(_abs(a) for a in terms))
        if e.is_Mul:
            factors = e.args
            exact = sum(1 for a in factors if a == -1)  # a sign change is exact
            total = sp.Integer(0)
            for i, a in enumerate(factors):
                ba = bound(a)
                if ba != 0:
                    others = [_abs(b) for j, b in enumerate(factors) if j != i]
                    total += ba * sp.Mul(*others)
            return total + (len(factors) - 1 - exact) * unit * _abs(e)
        if e.is_Pow:
            base, expo = e.args
            bb = bound(base)
            total = _abs(expo * base ** (expo - 1)) * bb if bb != 0 else sp.Integer(0)
            if not expo.is_Number:
                total += _abs(e * sp.log(base)) * bound(expo)
            if expo == -1 or expo == 2:  # one division or one product
                return total + unit * _abs(e)
            return total + LIBRARY_ULPS * unit * _abs(e)
        if isinstance(e, sp.Function):
            total = sp.Integer(0)
            for i, a in enumerate(e.args):
                ba = bound(a)
                if ba == 0:
                    continue
                d = e.fdiff(i + 1)
                if d.has(sp.Derivative, sp.Subs):
                    raise NotImplementedError(
                        f"no rounding bound for {e.func}: its derivative is not known"
                    )
                total += _abs(d) * ba
            return total + LIBRARY_ULPS * unit * _abs(e)
        raise NotImplementedError(f"no rounding bound for {type(e).__name__} expressions")

    out = bound(sp.sympify(expr))
    if sp.count_ops(out) <= EXPAND_OPS:  # combine like terms: fewer operations to run
        out = unit * sp.expand(out / unit)
    return out
