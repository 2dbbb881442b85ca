r"""Gaussian averages :math:`\mathbb{E}_z[f(z)]` compiled into quadrature sums.

:class:`~statmech.derive.gaussian.GaussianAverage` marks an average over a
standard normal :math:`z` in a SymPy expression.  :func:`compile_averaged`
compiles such an expression for a backend:

``numpy``, ``cupy``
    Gauss-Hermite quadrature with the probabilists' weight,

    .. math::

        \mathbb{E}_z[f(z)] \approx \sum_{k=1}^{n} w_k f(x_k),\qquad
        \sum_k w_k = 1,

    nodes and weights from :func:`numpy.polynomial.hermite_e.hermegauss`
    (divided by :math:`\sqrt{2\pi}`).  The rule is exact for polynomials of
    degree :math:`2n - 1`; for an integrand analytic in a strip
    :math:`|\operatorname{Im} z| < d` its error falls like
    :math:`e^{-c\,d\sqrt{n}}`.  The replica integrands
    :math:`\tanh(\beta(J\sqrt{q}z + h))` have poles at distance
    :math:`d = \pi/(2\beta J\sqrt{q})`, so the error grows as the temperature
    falls.  Measured against ``mpmath.quad`` for
    :math:`\mathbb{E}\tanh^2(az + b)` with the default :data:`NODES` = 128:
    the error is at rounding level (a few ulps) for
    :math:`a \le 0.75`, :math:`10^{-13}` at :math:`a = 1` (the spin glass at
    :math:`T = J`, :math:`q = 1`), :math:`6\times10^{-11}` at 1.25,
    :math:`4\times10^{-9}` at 1.5, :math:`7\times10^{-7}` at 2 and
    :math:`10^{-4}` at 3.  128 nodes keep the paramagnetic and critical
    region (:math:`\beta J\sqrt{q} \lesssim 1`) at float64 accuracy for a
    cost of 128 evaluations of the integrand; 200 would gain two orders at
    :math:`a = 1` and none at :math:`a = 3`, where the integrand is too sharp
    for any fixed rule.
    The node count is therefore not trusted blindly: every average also
    carries an error estimate, :class:`QuadratureError`, the difference
    between the :data:`NODES`-point rule and a coarser
    :data:`ERROR_NODES`-point one.  That difference over-estimates the error
    of the finer rule while the rule converges, and is of the size of the
    error when neither has converged.  The solver adds it to the rounding
    bounds of :mod:`numeric.rounding`, so that a poorly resolved average
    sends the solution to mpmath instead of deciding on it.
``mpmath``
    ``mpmath.quad`` of :math:`f(z)\,e^{-z^2/2}/\sqrt{2\pi}` over
    :math:`[-L, L]`, the tail beyond :math:`L` below the working precision:
    Gauss-Legendre on four panels (about half the evaluations of tanh-sinh
    for these smooth integrands), tanh-sinh where that does not converge;
    an average whose error estimate exceeds :math:`10^{-(\text{dps} - 5)}`
    is retried on finer sub-intervals and, failing that, raises
    :class:`QuadratureFailure`.  Increasing the precision does not hide
    a quadrature error here, as it would for a fixed Gauss-Hermite rule.

The nodes are Python floats, so the NumPy and CuPy sums are the same
operations in the same order.

References
----------
G. H. Golub and J. H. Welsch, Math. Comp. 23, 221 (1969) (Gauss quadrature).
L. N. Trefethen, SIAM Review 50, 67 (2008) (convergence of Gauss rules).
H. Takahasi and M. Mori, Publ. RIMS 9, 721 (1974) (tanh-sinh quadrature).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import sympy as sp
from statmech.derive.gaussian import GaussianAverage
from sympy.core.function import UndefinedFunction

from .compile import compile_expression

#: Gauss-Hermite nodes of the NumPy/CuPy averages.
NODES = 128
#: Nodes of the coarser rule whose difference from the fine one estimates its error.
ERROR_NODES = 96


class QuadratureFailure(ArithmeticError):
    """An average could not be computed to the working precision."""


class QuadratureError(sp.Expr):
    r"""Estimated error of the compiled quadrature of :math:`\mathbb{E}_z[f]`.

    Compiles to :math:`|Q_{n}(f) - Q_{m}(f)|` with the Gauss-Hermite rules of
    :data:`NODES` and :data:`ERROR_NODES` points (zero in mpmath, whose
    averages are error-controlled).
    """

    is_commutative = True

    def __new__(cls, function, variable):
        return super().__new__(cls, sp.sympify(function), sp.sympify(variable))

    @property
    def free_symbols(self):
        return self.args[0].free_symbols - {self.args[1]}

    def _eval_is_real(self):
        return True


class LooseAverage(GaussianAverage):
    r""":math:`\mathbb{E}_z[f]` that needs only a few digits (inside a rounding bound).

    The same Gauss-Hermite sum in NumPy and CuPy; in mpmath a quadrature whose
    error estimate is added to the value instead of raising, since integrands
    with :math:`|\cdot|` kinks converge slowly and a bound needs no precision.
    """


@lru_cache(maxsize=16)
def gauss_hermite(n: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    r"""Nodes and weights of the ``n``-point rule for :math:`\mathbb{E}_z`, weights summing to one.

    Examples
    --------
    >>> x, w = gauss_hermite(3)
    >>> [round(v, 12) for v in x], [round(v, 12) for v in w]
    ([-1.732050807569, 0.0, 1.732050807569], [0.166666666667, 0.666666666667, 0.166666666667])
    """
    import numpy as np
    from numpy.polynomial.hermite_e import hermegauss

    if n < 1:
        raise ValueError(f"the number of quadrature nodes must be positive, got {n}")
    x, w = hermegauss(n)
    w = w / np.sqrt(2 * np.pi)
    if not (np.isfinite(x).all() and np.isfinite(w).all()):
        raise ValueError(f"hermegauss({n}) overflows; use at most 256 nodes")
    return tuple(float(v) for v in x), tuple(float(v) for v in w)


def _weighted_sum(g, nodes, weights, args):
    total = 0.0
    for x, w in zip(nodes, weights, strict=True):
        total = total + w * g(x, *args)
    return total


def _float_average(g, n):
    nodes, weights = gauss_hermite(n)

    def average(*args):
        return _weighted_sum(g, nodes, weights, args)

    return average


def _float_error(g, n, m):
    fine, coarse = gauss_hermite(n), gauss_hermite(m)

    def error(*args):
        return abs(_weighted_sum(g, *fine, args) - _weighted_sum(g, *coarse, args))

    return error


def mp_gaussian_average(g, args=(), loose: bool = False):
    r""":math:`\mathbb{E}_z[g(z, *args)]` with ``mpmath.quad`` at the working precision.

    The range is cut at :math:`|z| = L` where the normal tail
    :math:`2\Phi(-L) \le e^{-L^2/2}` is below :math:`10^{-(\text{dps} + 5)}`
    (integrands that grow at most polynomially), so that no node lands at
    :math:`|z| \sim 10^{10}`, where a nested average would lose its digits.
    """
    import mpmath

    dps = mpmath.mp.dps
    tol = mpmath.mpf(10) ** (-(dps - 5))
    L = int(mpmath.ceil(mpmath.sqrt(2 * (dps + 5) * mpmath.log(10)))) + 1

    norm = 1 / mpmath.sqrt(2 * mpmath.pi)

    def integrand(t):
        return g(t, *args) * mpmath.exp(-t * t / 2) * norm

    panels = [-L, -L / 2, 0, L / 2, L]
    if loose:
        with mpmath.workdps(15):
            value, err = mpmath.quad(integrand, panels, error=True, method="gauss-legendre")
        return value + abs(err)
    for method, points in (
        ("gauss-legendre", panels),
        ("tanh-sinh", [-L, 0, L]),
        ("tanh-sinh", list(range(-L, L + 1))),
    ):
        value, err = mpmath.quad(integrand, points, error=True, maxdegree=10, method=method)
        if err <= tol * max(1, abs(value)):
            return value
    raise QuadratureFailure(
        f"a Gaussian average did not converge at {dps} digits "
        f"(estimated error {mpmath.nstr(err, 3)})"
    )


def _mp_average(g, loose=False):
    def average(*args):
        return mp_gaussian_average(g, args, loose)

    return average


def _mp_error(g):
    def error(*args):
        return 0

    return error


_counter = itertools.count()


def _implemented(impl, stem: str):
    """A SymPy function applied by name, whose code lambdify takes from ``impl``."""
    name = f"_{stem}_{next(_counter)}"

    def code(self, printer):
        return f"{name}({', '.join(printer._print(a) for a in self.args)})"

    # every printer lambdify may use asks the object by its own method name
    printers = ("_pythoncode", "_numpycode", "_scipycode", "_cupycode", "_mpmathcode")
    return UndefinedFunction(name, _imp_=staticmethod(impl), **dict.fromkeys(printers, code))


@lru_cache(maxsize=512)
def _replacement(node, backend: str, nodes: int, error_nodes: int):
    """The implemented function call that stands for one average (or its error)."""
    f, z = node.args
    params = tuple(sorted(f.free_symbols - {z}, key=lambda s: s.name))
    g = compile_expression(f, (z, *params), backend)
    if isinstance(node, GaussianAverage):
        loose = isinstance(node, LooseAverage)
        impl = _mp_average(g, loose) if backend == "mpmath" else _float_average(g, nodes)
        stem = "gaussian_average"
    else:
        impl = _mp_error(g) if backend == "mpmath" else _float_error(g, nodes, error_nodes)
        stem = "quadrature_error"
    return _implemented(impl, stem)(*params)


def rewrite_averages(expr, backend: str, nodes: int = NODES, error_nodes: int = ERROR_NODES):
    """``expr`` with every average (innermost first) replaced by an implemented function."""
    expr = sp.sympify(expr)
    if not expr.has(GaussianAverage, QuadratureError):
        return expr

    def query(e):
        return isinstance(e, (GaussianAverage, QuadratureError))

    return expr.replace(query, lambda e: _replacement(e, backend, nodes, error_nodes))


def compile_averaged(expr, args, backend: str = "numpy", nodes: int = NODES, cse: bool = False):
    r"""Compile ``expr``, whose Gaussian averages become quadratures, for ``backend``.

    Parameters
    ----------
    expr : sympy.Expr
        May contain :class:`~statmech.derive.gaussian.GaussianAverage` (nested too)
        and :class:`QuadratureError`.
    args : sequence of sympy.Symbol or str
    backend : {"numpy", "cupy", "mpmath"}
    nodes : int
        Gauss-Hermite nodes of the NumPy/CuPy averages.
    cse : bool
        Evaluate common subexpressions once (the rounding bounds are large).

    Examples
    --------
    >>> import sympy as sp
    >>> z, a = sp.symbols("z a", real=True)
    >>> f = compile_averaged(GaussianAverage(sp.cos(a * z), z), [a])
    >>> abs(float(f(1.0)) - float(sp.exp(-sp.Rational(1, 2)))) < 1e-15
    True
    """
    rewritten = rewrite_averages(expr, backend, nodes, min(ERROR_NODES, nodes - 1))
    return compile_expression(rewritten, args, backend, cse=cse)


def has_averages(expr) -> bool:
    return sp.sympify(expr).has(GaussianAverage)
