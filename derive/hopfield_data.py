r"""Symbols, references and the checkable +-1 data of the Hopfield derivations.

The Hopfield derivations (:mod:`statmech.derive.hopfield`,
:mod:`statmech.derive.hopfield_replica`) state identities that hold for every
number of units :math:`N`, of patterns :math:`P`, and every :math:`\pm1` pattern
and configuration.  SymPy cannot sum over a symbolic number of abstract entries,
so the derivations write pattern entries and spins as the functions :class:`xi`
and :class:`spin`, which take fixed pseudo-random values :math:`\pm1` at integer
indices (through :meth:`doit` and numeric evaluation, so printed steps keep
:math:`\xi_1^1`), and finite sums as :class:`FiniteSum`, which expands once its
limits are numbers: the step checks evaluate both sides at random sizes
:math:`N, P` on that data.  :class:`Named` prints a defined quantity by its name
(:math:`m_\mu`, :math:`C_1`) and evaluates to its definition;
:class:`PatternAverage` is the average over the sign vectors of one unit;
:func:`replica_determinant` a determinant of the replica-symmetric matrix
evaluated as a matrix, independently of its eigenvalues.
"""

from __future__ import annotations

import hashlib
import itertools

import mpmath
import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from . import symbols as sym
from .disorder import UnitInterval
from .meanfield import m
from .named import Named, with_power

HOPFIELD_1982 = "J. J. Hopfield, Proc. Natl. Acad. Sci. USA 79, 2554 (1982)"
AGS_1985 = "D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. A 32, 1007 (1985)"
AGS_PRL_1985 = "D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985)"
AGS_1987 = "D. J. Amit, H. Gutfreund and H. Sompolinsky, Ann. Phys. (N.Y.) 173, 30 (1987)"
HKP = (
    "J. Hertz, A. Krogh and R. G. Palmer, Introduction to the Theory of Neural "
    "Computation (1991), ch. 2"
)
CKS = (
    "A. C. C. Coolen, R. Kuehn and P. Sollich, Theory of Neural Information "
    "Processing Systems (Oxford University Press, 2005)"
)
MCELIECE = (
    "R. J. McEliece, E. C. Posner, E. R. Rodemich and S. S. Venkatesh, "
    "IEEE Trans. Inf. Theory 33, 461 (1987)"
)

# --------------------------------------------------------------------------
# Symbols

T, N, h, beta = sym.T, sym.N, sym.h, sym.beta
P = sp.Symbol("P", positive=True, integer=True)
alpha = sp.Symbol("alpha", positive=True)
seed = sp.Symbol("seed", integer=True, nonnegative=True)


class _Probability(sp.Symbol):
    """A small probability (below 1/2, where ``erfcinv(2 eps)`` is positive)."""

    sample_interval = ("1/1000", "2/5")


q = UnitInterval("q", positive=True)
r = sp.Symbol("r", positive=True)
C = UnitInterval("C", positive=True)  # beta (1 - q) near T = 0
z = sp.Symbol("z", real=True)  # the standard Gaussian field
y = sp.Symbol("y", positive=True)
x = sp.Symbol("x", real=True)
v = sp.Symbol("v", positive=True)
epsilon = _Probability("epsilon", positive=True)
m_plus = sp.Symbol("m", positive=True)  # a retrieval overlap taken positive
sigma = sp.Symbol("sigma", positive=True)
n_replicas = sp.Symbol("n", positive=True, integer=True)
n = sp.Symbol("n", real=True)  # the number of replicas, continued to n -> 0
D = sp.Symbol("D", positive=True)

mu = sp.Symbol("mu", integer=True)
i, j, k = sp.symbols("i j k", integer=True)

f_of = sp.Function("f")(m, q, r)
e0_of = sp.Function("e_0")(m, C, r)
T_g = sp.Symbol("T_g", positive=True)
T_3 = sp.Symbol("T_3", positive=True)
alpha_c = sp.Symbol("alpha_c", positive=True)
y_c = sp.Symbol("y_c", positive=True)
P_err = sp.Symbol("P_err", positive=True)
alpha_max = sp.Symbol("alpha_max", positive=True)
R_MAX = 100.0


# --------------------------------------------------------------------------
# Objects that make sums over +-1 data checkable


def _pm_one(*key) -> sp.Integer:
    """A fixed pseudo-random +-1 for ``key`` (the same in every process)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=1).digest()
    return sp.Integer(1) if digest[0] & 1 else sp.Integer(-1)


class xi(sp.Function):  # noqa: N801 - a SymPy function is lower case
    r"""The pattern entry :math:`\xi_i^\mu = \pm1` (arguments ``mu, i``); a fixed
    pseudo-random value at integer indices, taken by :meth:`doit` and numeric
    evaluation (so that printed steps keep :math:`\xi_1^1`)."""

    nargs = 2
    is_integer = True

    def doit(self, **hints):
        pattern, unit = (a.doit(**hints) for a in self.args)
        if pattern.is_Integer and unit.is_Integer:
            return _pm_one("xi", int(pattern), int(unit))
        return self.func(pattern, unit)

    def _eval_evalf(self, prec):
        value = self.doit()
        return value.evalf(prec) if value.is_Integer else None

    def _latex(self, printer, exp=None):
        pattern, unit = (printer._print(a) for a in self.args)
        return with_power(rf"\xi_{{{unit}}}^{{{pattern}}}", exp)


class spin(sp.Function):  # noqa: N801 - a SymPy function is lower case
    r"""The spin :math:`s_i = \pm1`; a fixed pseudo-random value at integer ``i``."""

    nargs = 1
    is_integer = True

    def doit(self, **hints):
        unit = self.args[0].doit(**hints)
        return _pm_one("s", int(unit)) if unit.is_Integer else self.func(unit)

    def _eval_evalf(self, prec):
        value = self.doit()
        return value.evalf(prec) if value.is_Integer else None

    def _latex(self, printer, exp=None):
        return with_power(rf"s_{{{printer._print(self.args[0])}}}", exp)


class FiniteSum(sp.Sum):
    """A sum that :meth:`doit` expands term by term once its limits are numbers,
    outer limits first (so that inner limits such as ``j = i + 1 .. N`` become
    numbers too); with symbolic limits it stays unevaluated.  Printed as a sum, in
    parentheses under a power."""

    precedence = PRECEDENCE["Mul"]

    def doit(self, **hints):
        def expand(f, limits):
            if not limits:
                return f.doit(**hints) if hints.get("deep", True) else f
            var, lo, hi = limits[-1]
            if not (lo.is_Integer and hi.is_Integer):
                return None
            terms = []
            for value in range(int(lo), int(hi) + 1):
                inner = [(w, a.subs(var, value), b.subs(var, value)) for w, a, b in limits[:-1]]
                term = expand(f.subs(var, value), inner)
                if term is None:
                    return None
                terms.append(term)
            return sp.Add(*terms)

        out = expand(self.function, list(self.limits))
        return self if out is None else out


class PatternAverage(sp.Expr):
    r""":math:`\langle f \rangle_\xi`: the average of ``f`` over the :math:`2^p` sign
    vectors ``base[1] .. base[p]`` (each :math:`\pm1`); :meth:`doit` carries it out
    once ``p`` is a number."""

    is_commutative = True

    def __new__(cls, function, base, p):
        return super().__new__(cls, sp.sympify(function), base, sp.sympify(p))

    def doit(self, **hints):
        function, base, p = self.args
        if not p.is_Integer:
            return self
        function = function.doit(**hints)
        entries = [base[a] for a in range(1, int(p) + 1)]
        total = sp.Add(
            *[
                function.subs(dict(zip(entries, signs, strict=True)))
                for signs in itertools.product((-1, 1), repeat=int(p))
            ]
        )
        return total / 2 ** int(p)

    def _latex(self, printer, exp=None):
        inner = printer._print(self.args[0])
        return with_power(rf"\left\langle {inner} \right\rangle_{{\xi}}", exp)


class replica_determinant(sp.Function):  # noqa: N801 - a SymPy function is lower case
    r""":math:`\det(a I_n - b\,\mathbf{1}\mathbf{1}^T)` for an integer ``n``, evaluated as
    the determinant of the ``n x n`` matrix (mpmath LU), independently of its
    eigenvalues."""

    nargs = 3

    def _eval_evalf(self, prec):
        size, a, b = self.args
        if not size.is_Integer:
            return None
        a, b = a.evalf(prec), b.evalf(prec)
        if not (a.is_Number and b.is_Number):
            return None
        with mpmath.workprec(prec + 20):
            a, b = mpmath.mpf(a), mpmath.mpf(b)
            matrix = mpmath.matrix(int(size))
            for row in range(int(size)):
                for col in range(int(size)):
                    matrix[row, col] = (a if row == col else 0) - b
            value = mpmath.det(matrix)
        return sp.Float(value, precision=prec)

    def _latex(self, printer, exp=None):
        size, a, b = (printer._print(x_) for x_ in self.args)
        return with_power(rf"\det\left({a} I_{{{size}}} - {b} J_{{{size}}}\right)", exp)


def hebbian_form(expr: sp.Expr) -> sp.Expr:
    """The model's printed Hamiltonian with pattern entries and spins as :class:`xi` and
    :class:`spin`, sums as :class:`FiniteSum` and the pattern count as :data:`P`."""
    names = {r"\xi": xi, "s": spin}

    def swap(e):
        return names[e.base.label.name](*e.indices)

    expr = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base.label.name in names, swap)
    expr = expr.replace(
        lambda e: isinstance(e, sp.Sum) and not isinstance(e, FiniteSum),
        lambda e: FiniteSum(e.function, *e.limits),
    )
    return expr.xreplace({sp.Symbol("P"): P})


def _label(quantity: sp.Symbol) -> Named:
    """A left side that prints as ``quantity`` without defining it for the later steps
    (a fixed-point equation, not a definition)."""
    return Named(quantity, quantity)
