r"""The Gaussian average :math:`\mathbb{E}_z[f(z)]`, :math:`z \sim N(0, 1)`, as a SymPy object.

Replica-symmetric theories (the Sherrington-Kirkpatrick spin glass, the
Hopfield network of Amit, Gutfreund and Sompolinsky) write their
self-consistency equations with averages over a standard Gaussian field, for
instance

.. math::

    q = \mathbb{E}_z \tanh^2\!\big(\beta(J\sqrt{q}\,z + h)\big),\qquad
    \mathbb{E}_z[f(z)] = \int_{-\infty}^{\infty} f(z)\,
    \frac{e^{-z^2/2}}{\sqrt{2\pi}}\,dz .

:class:`GaussianAverage` keeps such an average unevaluated, so that the
derivation layer can differentiate it (under the integral sign: the average of
the derivative), render it and check it at numeric points, while
:mod:`numeric.gaussian` compiles it into a quadrature sum (Gauss-Hermite for
NumPy and CuPy, ``mpmath.quad`` at any precision).  The averaging variable is
bound: it is not a free symbol and substitution leaves it alone.

References
----------
M. Mezard, G. Parisi and M. A. Virasoro, Spin Glass Theory and Beyond (1987),
ch. I and III.
H. Nishimori, Statistical Physics of Spin Glasses and Information Processing
(2001), sec. 2.3.
"""

from __future__ import annotations

import mpmath
import sympy as sp


class GaussianAverage(sp.Expr):
    r"""Unevaluated :math:`\mathbb{E}_z[f(z)]` over a standard normal :math:`z`.

    Parameters
    ----------
    function : sympy.Expr
        The integrand :math:`f`; it may depend on other symbols (the order
        parameters, the temperature).
    variable : sympy.Symbol
        The Gaussian variable :math:`z`, bound by the average.

    Examples
    --------
    >>> import sympy as sp
    >>> z, a = sp.symbols("z a", real=True)
    >>> avg = GaussianAverage(sp.tanh(a * z) ** 2, z)
    >>> avg.free_symbols == {a}
    True
    >>> sp.diff(avg, a)
    GaussianAverage(2*z*(1 - tanh(a*z)**2)*tanh(a*z), z)
    >>> round(float(GaussianAverage(z**2, z).evalf(20)), 12)
    1.0
    """

    is_commutative = True

    def __new__(cls, function, variable):
        function = sp.sympify(function)
        variable = sp.sympify(variable)
        if not isinstance(variable, sp.Symbol):
            raise TypeError(f"the averaging variable must be a symbol, got {variable!r}")
        if not function.has(variable):
            return function  # the average of a constant
        return super().__new__(cls, function, variable)

    @property
    def function(self) -> sp.Expr:
        return self.args[0]

    @property
    def variable(self) -> sp.Symbol:
        return self.args[1]

    @property
    def free_symbols(self):
        return self.function.free_symbols - {self.variable}

    def _eval_is_real(self):
        return self.function.is_real

    def _eval_subs(self, old, new):
        if old == self.variable:
            return self  # bound variable
        return None

    def _eval_derivative(self, s):
        # differentiation under the integral sign (the Gaussian weight does not depend on s)
        return GaussianAverage(sp.diff(self.function, s), self.variable)

    def doit(self, **hints):
        if hints.get("deep", True):
            return GaussianAverage(self.function.doit(**hints), self.variable)
        return self

    def as_integral(self) -> sp.Integral:
        """The average as an explicit integral against the normal density."""
        z = self.variable
        density = sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)
        return sp.Integral(self.function * density, (z, -sp.oo, sp.oo))

    def _eval_evalf(self, prec):
        if self.free_symbols:
            return None
        z = self.variable
        with mpmath.workprec(prec + 20):

            def integrand(t):
                value = self.function.subs(z, sp.Float(t, prec + 20)).evalf(prec + 20)
                return mpmath.mpf(value) * mpmath.npdf(t)

            value = mpmath.quad(integrand, [-mpmath.inf, 0, mpmath.inf])
        return sp.Float(value, precision=prec)

    def _latex(self, printer):
        return (
            rf"\mathbb{{E}}_{{{printer._print(self.variable)}}}"
            rf"\left[{printer._print(self.function)}\right]"
        )
