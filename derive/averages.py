r"""Rules for Gaussian averages :math:`\mathbb{E}_z` that derivation steps apply.

:class:`~statmech.derive.gaussian.GaussianAverage` keeps an average unevaluated.
The replica derivations need three facts about it, each a rule here that a
step's ``via`` applies, so that the step's right side is checked against the
rule's output symbolically (a numeric check of a Gaussian average costs seconds
per point):

``expand_average``  linearity, :math:`\mathbb{E}[c f + g] = c\,\mathbb{E}f + \mathbb{E}g`
                    for :math:`c` free of :math:`z`;
``stein``           Gaussian integration by parts (Stein's lemma),
                    :math:`\mathbb{E}[z\,g(z)] = \mathbb{E}[g'(z)]` for :math:`g` that
                    grows slower than :math:`e^{z^2/2}`;
``taylor_average``  the Taylor coefficients of :math:`\mathbb{E}_z[f(r z)]` in
                    :math:`r` at :math:`r = 0`: derivatives under the average,
                    then the Gaussian moments of the polynomial left (SymPy
                    integrates it).

``tests/test_spin_glass_derive.py`` checks each rule against quadrature.

References
----------
C. M. Stein, Ann. Statist. 9, 1135 (1981) (the lemma).
"""

from __future__ import annotations

import sympy as sp

from .gaussian import GaussianAverage

STEIN = "C. M. Stein, Ann. Statist. 9, 1135 (1981), Lemma 1"


def _is_average(e) -> bool:
    return isinstance(e, GaussianAverage)


def to_tanh(expr: sp.Expr) -> sp.Expr:
    r"""Every :math:`\sinh u/\cosh u` (as SymPy's derivatives of :math:`\log\cosh` write it)
    as :math:`\tanh u`."""

    def pair(e):
        factors = list(sp.Mul.make_args(e))
        for f in list(factors):
            if isinstance(f, sp.sinh) and 1 / sp.cosh(f.args[0]) in factors:
                factors.remove(f)
                factors.remove(1 / sp.cosh(f.args[0]))
                factors.append(sp.tanh(f.args[0]))
        return sp.Mul(*factors)

    return expr.replace(lambda e: e.is_Mul and e.has(sp.sinh) and e.has(sp.cosh), pair)


def expand_average(expr: sp.Expr) -> sp.Expr:
    r"""Linearity of every Gaussian average in ``expr``: sums split, factors free of the
    averaging variable taken out, the average of a constant is the constant.

    Examples
    --------
    >>> import sympy as sp
    >>> z, a = sp.symbols("z a", real=True)
    >>> expand_average(GaussianAverage(a * (1 + sp.tanh(z) ** 2), z))
    a*GaussianAverage(tanh(z)**2, z) + a
    """

    def linear(avg):
        var = avg.variable
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(to_tanh(avg.function), deep=False, log=False)):
            c, rest = term.as_independent(var, as_Add=False)
            out += c * GaussianAverage(rest, var)
        return out

    return expr.replace(_is_average, linear)


def stein(expr: sp.Expr) -> sp.Expr:
    r"""Stein's lemma on every average of the form :math:`\mathbb{E}_z[z\,g(z)]`:
    :math:`\mathbb{E}_z[g'(z)]`.

    Examples
    --------
    >>> import sympy as sp
    >>> z, a = sp.symbols("z a", real=True)
    >>> stein(GaussianAverage(z * sp.tanh(a * z), z))
    GaussianAverage(a*(1 - tanh(a*z)**2), z)
    """

    def parts(avg):
        var = avg.variable
        factors = list(sp.Mul.make_args(avg.function))
        if var not in factors:
            return avg
        factors.remove(var)
        return GaussianAverage(sp.diff(sp.Mul(*factors), var), var)

    return expr.replace(_is_average, parts)


def gaussian_moments(expr: sp.Expr) -> sp.Expr:
    """Every average of a polynomial in its variable, evaluated (SymPy integrates it
    against the normal density)."""

    def moments(avg):
        if not avg.function.is_polynomial(avg.variable):
            return avg
        return sp.expand(avg.as_integral().doit())

    return expr.replace(_is_average, moments)


def taylor_average(average: GaussianAverage, r: sp.Symbol, order: int) -> sp.Expr:
    r"""The Taylor polynomial of degree ``order`` in ``r`` of ``average`` (whose function
    depends on ``r``) about ``r = 0``: :math:`\sum_k \frac{r^k}{k!}\,
    \mathbb{E}_z[\partial_r^k f]_{r=0}`, each coefficient a Gaussian moment."""
    out = sp.Integer(0)
    for n in range(order + 1):
        coefficient = sp.diff(average, r, n).subs(r, 0)
        out += gaussian_moments(coefficient) * r**n / sp.factorial(n)
    return sp.expand(out)
