r"""Quenched disorder: averages over random couplings, the annealed free energy.

The Sherrington-Kirkpatrick (SK) couplings are independent Gaussians of mean
:math:`J_0/N` and variance :math:`J^2/N`; every average of an exponential of them
follows from one moment generating function,

.. math::

    \mathbb{E}_J\big[e^{t J_{ij}}\big] = e^{J_0 t/N + J^2 t^2/(2N)} .

:func:`annealed_derivation` averages the partition function itself (the
*annealed* free energy :math:`-T\log\mathbb{E}_J Z / N`),
:func:`second_moment_derivation` computes :math:`\mathbb{E}_J[Z^2]/\mathbb{E}_J[Z]^2`,
which stays finite exactly for :math:`T > J`: there the annealed free energy is
the quenched one (Aizenman, Lebowitz and Ruelle 1987).

Products of :math:`\pm 1` spins are :class:`IsingProduct` symbols: their square is
one, so SymPy reduces :math:`(s_i s_j)^2 = 1` by itself and the steps that use it
check symbolically.

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975).
M. Aizenman, J. L. Lebowitz and D. Ruelle, Commun. Math. Phys. 112, 3 (1987).
H. Nishimori, Statistical Physics of Spin Glasses and Information Processing
(2001), ch. 2.
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .gaussian import GaussianAverage
from .hamiltonian import H as H_symbol

SK_1975 = "D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975)"
ALR_1987 = "M. Aizenman, J. L. Lebowitz and D. Ruelle, Commun. Math. Phys. 112, 3 (1987)"
TALAGRAND = (
    "M. Talagrand, Mean Field Models for Spin Glasses, vol. I (2011), sec. 1.3 and A.4 "
    "(second moment and concentration of log Z)"
)
CLT = "W. Feller, An Introduction to Probability Theory, vol. I (1968), ch. VII (de Moivre-Laplace)"

T, J, N, h = sym.T, sym.J, sym.N, sym.h
#: Mean of an SK coupling times N (the ferromagnetic bias); the replica theory needs J0 >= 0.
J0 = sp.Symbol("J0", nonnegative=True)
#: The coupling of one pair, as a random variable.
J_ij = sp.Symbol("J_ij", real=True)
t = sp.Symbol("t", real=True)
z = sp.Symbol("z", real=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
i, j = sp.symbols("i j", integer=True, positive=True)


class IsingProduct(sp.Symbol):
    """A product of ``+-1`` spins (``s_i s_j``): its even powers are one, its odd powers
    itself.  Step checks sample it in ``(-1, 1)``; the identities they check are
    polynomial in it once the powers are reduced."""

    sample_interval = ("-1", "1")

    def _eval_power(self, exponent):
        if exponent.is_integer and exponent.is_even:
            return sp.S.One
        if exponent.is_integer and exponent.is_odd:
            return self
        return None


class UnitInterval(sp.Symbol):
    """A positive symbol below one (an overlap :math:`q`, a ratio :math:`J/T < 1`);
    step checks sample it in ``(1/10, 9/10)``."""

    sample_interval = ("1/10", "9/10")


class DisorderAverage(sp.Function):
    r""":math:`\mathbb{E}_J[\cdot]`, the average over the couplings (a label in derivations)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        tex = rf"\mathbb{{E}}_J\left[{printer._print(self.args[0])}\right]"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _sympystr(self, printer):
        return f"E_J[{printer._print(self.args[0])}]"


class SpinTrace(sp.Function):
    r""":math:`\sum_{\{s\}}`, the sum over every spin configuration (a label in derivations)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        tex = rf"\sum_{{\{{s\}}}} {printer._print(self.args[0])}"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _sympystr(self, printer):
        return f"Tr_s[{printer._print(self.args[0])}]"


sigma = IsingProduct("sigma", real=True)  # s_i s_j
tau = IsingProduct("tau", real=True)  # tau_i tau_j, a second copy of the spins

#: The density of one SK coupling.
GAUSSIAN_DENSITY = sp.sqrt(N / (2 * sp.pi * J**2)) * sp.exp(-N * (J_ij - J0 / N) ** 2 / (2 * J**2))
#: Its moment generating function.
GAUSSIAN_MGF = sp.exp(J0 * t / N + J**2 * t**2 / (2 * N))


def coupling_law_steps() -> tuple[Step, ...]:
    """The law of one SK coupling and its moment generating function (checked)."""
    return (
        Step(
            sp.Function("P")(J_ij),
            GAUSSIAN_DENSITY,
            "Each pair $i<j$ has its own coupling, independent of the others: Gaussian with "
            "mean $J_0/N$ and variance $J^2/N$",
            rule="given",
        ),
        Step(
            DisorderAverage(sp.exp(t * J_ij)),
            GAUSSIAN_MGF,
            "The average of an exponential of a Gaussian (complete the square)",
            via=sp.Integral(GAUSSIAN_DENSITY * sp.exp(t * J_ij), (J_ij, -sp.oo, sp.oo)),
        ),
    )


def _pair_product():
    s = sp.IndexedBase("s")
    return sp.Product(
        DisorderAverage(sp.exp(J_ij * s[i] * s[j] / T)), (j, i + 1, N), (i, 1, N)
    ) * sp.exp(h * sp.Sum(s[i], (i, 1, N)) / T)


#: The mean over pairs of the squared thermal correlations, E_J <s_i s_j>^2.
c_2 = sp.Symbol("c_2", nonnegative=True)
#: The quenched (sample-averaged) energy per spin at finite N, h = J0 = 0.
QUENCHED_U = -(1 - 1 / N) * J**2 / (2 * T) * (1 - c_2)


def quenched_energy_steps() -> tuple[Step, ...]:
    r"""The disorder-averaged thermal energy at finite :math:`N` (:math:`h = J_0 = 0`), exact:
    Gaussian integration by parts in each coupling."""
    from .averages import expand_average, stein

    g = sp.Function("g")
    coupling = J * z / sp.sqrt(N)
    K = sp.Symbol("K", real=True)
    a, b_ = sp.symbols("a b", positive=True)
    corr = sp.Function("c")(K)
    up, down = a * sp.exp(K / T), b_ * sp.exp(-K / T)
    corr_expr = (up - down) / (up + down)
    by_parts = GaussianAverage(coupling * g(coupling), z)
    pair_energy = -(J**2) / (T * N) * (N * (N - 1) / 2) * (1 - c_2) / N
    return (
        Step(
            by_parts,
            J**2 / N * GaussianAverage(sp.diff(g(coupling), z) * sp.sqrt(N) / J, z),
            "The quenched energy instead, $\\mathbb{E}_J\\langle H\\rangle$ for a sample "
            "average at finite $N$: write $J_{ij} = J z/\\sqrt{N}$ ($J_0 = 0$); Gaussian "
            "integration by parts gives $\\mathbb{E}_J[J_{ij}\\, g(J_{ij})] = "
            "(J^2/N)\\,\\mathbb{E}_J[g'(J_{ij})]$",
            via=expand_average(stein(by_parts)),
        ),
        Step(
            sp.Derivative(corr, K),
            (1 - corr_expr**2) / T,
            "With $g = \\langle s_i s_j \\rangle$ as a function of $K = J_{ij}$: the rest of "
            "the sample weighs $s_i s_j = \\pm 1$ with $a$ and $b$, so "
            "$\\partial_K \\langle s_i s_j\\rangle = (1 - \\langle s_i s_j\\rangle^2)/T$",
            via=sp.Derivative(corr_expr, K),
        ),
        Step(
            sp.Symbol("u_q"),
            QUENCHED_U,
            "So $\\mathbb{E}_J\\langle H\\rangle = -\\sum_{i<j}\\mathbb{E}_J[J_{ij}\\langle "
            "s_i s_j\\rangle] = -\\frac{J^2}{NT}\\sum_{i<j}(1 - \\mathbb{E}_J\\langle s_i s_j"
            "\\rangle^2)$; with $c_2$ the mean of $\\mathbb{E}_J\\langle s_i s_j\\rangle^2$ "
            "over pairs the quenched energy per spin lies above the annealed one by a term of "
            "relative size $c_2$, of order $1/N$ above $T_c$",
            via=pair_energy,
        ),
    )


Z_mean = DisorderAverage(sym.Z)
# Quantities that are differentiated are functions of T, so that substituting them
# into a derivative does not treat them as constants.
f_N = sp.Function("f_N")(T)
u_N = sp.Function("u_N")(T)
f_ann = sp.Function("f_ann")(T)
s_ann = sp.Function("s_ann")(T)
T_s = sp.Symbol("T_s", positive=True)

#: The annealed free energy per spin of SK at h = J0 = 0, N -> oo.
ANNEALED_F = -T * sp.log(2) - J**2 / (4 * T)
#: The annealed energy per spin at finite N (each pair once).
ANNEALED_U = -(1 - 1 / N) * J**2 / (2 * T)


def annealed_derivation(hamiltonian: sp.Expr) -> Derivation:
    r"""The annealed average :math:`\mathbb{E}_J Z` of the SK model, Gaussian and :math:`\pm J`."""
    bond = GAUSSIAN_MGF.subs(t, sigma / T)
    bond0 = bond.subs(J0, 0)
    pairs = N * (N - 1) / 2
    z_ann = 2**N * sp.exp(J**2 * (N - 1) / (4 * T**2))
    f_finite = -T * sp.log(2) - J**2 * (N - 1) / (4 * N * T)
    entropy = sp.log(2) - J**2 / (4 * T**2)
    a = J / (T * sp.sqrt(N))
    steps = (
        Step(
            H_symbol,
            hamiltonian,
            "The energy of a configuration for one sample of couplings",
            rule="given",
        ),
        *coupling_law_steps(),
        Step(
            DisorderAverage(sp.exp(J_ij * sigma / T)),
            sp.exp(J0 * sigma / (N * T) + J**2 / (2 * N * T**2)),
            "With $t = s_i s_j / T$ and $(s_i s_j)^2 = 1$",
            via=GAUSSIAN_MGF.subs(t, sigma / T),
        ),
        Step(
            Z_mean,
            SpinTrace(_pair_product()),
            "Average the partition function itself (annealed average): the couplings are "
            "independent, so the average of the product over pairs is the product of averages",
            rule="define",
        ),
        Step(
            Z_mean,
            z_ann,
            "At $h = J_0 = 0$ every pair gives $e^{J^2/(2NT^2)}$ whatever the spins: "
            "$2^N$ configurations times $N(N-1)/2$ equal factors",
            via=2**N * bond0**pairs,
        ),
        Step(
            f_N,
            f_finite,
            "Annealed free energy per spin, $-T \\log \\mathbb{E}_J Z / N$",
            via=-T * sp.log(z_ann) / N,
        ),
        Step(
            u_N,
            ANNEALED_U,
            "Annealed energy per spin, $u = \\partial(f/T)/\\partial(1/T)$: exact at every $N$, "
            "the paramagnet's energy $-(1 - 1/N)J^2/(2T)$",
            via=-(T**2) * sp.Derivative(f_N / T, T),
        ),
        *quenched_energy_steps(),
        Step(
            f_ann,
            ANNEALED_F,
            "The pair count $N(N-1)/2 \\to N^2/2$",
            rule="asymptotic",
            via=f_N,
            large=N,
        ),
        Step(s_ann, entropy, "Annealed entropy per spin", via=-sp.Derivative(f_ann, T)),
        Step(
            T_s,
            J / (2 * sp.sqrt(sp.log(2))),
            "The annealed entropy vanishes at $T_s = J/(2\\sqrt{\\log 2}) \\approx 0.60 J$ and is "
            "negative below: there the annealed average cannot be the free energy of a sample",
            via=[r for r in sp.solve(entropy, T) if r.is_positive][0],
        ),
        Step(
            DisorderAverage(sp.exp(J_ij * sigma / T)),
            sp.cosh(a),
            "$\\pm J$ couplings, $J_{ij} = \\pm J/\\sqrt{N}$ with equal probability ($J_0 = 0$): "
            "the average is even in $s_i s_j$",
            via=(sp.exp(a) + sp.exp(-a)) / 2,
        ),
        Step(
            f_N,
            -T * sp.log(2) - T * (N - 1) / 2 * sp.log(sp.cosh(a)),
            "Annealed free energy per spin of the $\\pm J$ model",
            via=-T * sp.log(2**N * sp.cosh(a) ** pairs) / N,
        ),
        Step(
            f_ann,
            ANNEALED_F,
            "$\\log\\cosh x = x^2/2 + O(x^4)$ with $x = J/(T\\sqrt{N})$: the same limit as "
            "Gaussian couplings",
            rule="asymptotic",
            via=f_N,
            large=N,
        ),
    )
    return Derivation(
        title="The annealed average",
        steps=steps,
        results=(("f", ANNEALED_F), ("u", ANNEALED_U), ("u_quenched", QUENCHED_U)),
        intro="Average the partition function over the couplings (annealed), "
        "at zero field and $J_0 = 0$.",
        references=(SK_1975,),
    )


#: b = J/T, below one in the high-temperature phase.
b = UnitInterval("b", positive=True)
Q = sp.Symbol("Q", real=True)
R_N = sp.Symbol("R_N")
R_oo = sp.Symbol(r"R_\infty")


def second_moment_derivation() -> Derivation:
    r""":math:`\mathbb{E}_J[Z^2]/\mathbb{E}_J[Z]^2` at :math:`h = J_0 = 0`: finite for
    :math:`T > J`, where the annealed free energy is the quenched one."""
    s = sp.IndexedBase(r"\sigma")
    pairs = N * (N - 1) / 2
    exponent = J**2 / (N * T**2) * (pairs + ((2 * k - N) ** 2 - N) / 2)
    z2 = 2**N * sp.Sum(sp.binomial(N, k) * sp.exp(exponent), (k, 0, N))
    z1_squared = 4**N * sp.exp(J**2 * (N - 1) / (2 * T**2))
    ratio = (
        sp.Sum(
            sp.binomial(N, k) * sp.exp(J**2 * ((2 * k - N) ** 2 / N - 1) / (2 * T**2)), (k, 0, N)
        )
        / 2**N
    )
    limit = sp.exp(-(b**2) / 2) / sp.sqrt(1 - b**2)
    steps = (
        Step(
            DisorderAverage(sym.Z**2),
            SpinTrace(
                sp.Product(
                    DisorderAverage(sp.exp(J_ij * (sigma + tau) / T)), (j, i + 1, N), (i, 1, N)
                )
            ),
            "Two copies $s$, $\\tau$ of the spins in the same couplings, $h = J_0 = 0$; "
            "here $\\sigma = s_i s_j$ and $\\tau = \\tau_i \\tau_j$",
            rule="define",
        ),
        Step(
            DisorderAverage(sp.exp(J_ij * (sigma + tau) / T)),
            sp.exp(J**2 * (1 + sigma * tau) / (N * T**2)),
            "The moment generating function at $t = (s_i s_j + \\tau_i \\tau_j)/T$ with $J_0 = 0$",
            via=GAUSSIAN_MGF.subs({J0: 0, t: (sigma + tau) / T}),
        ),
        Step(
            sp.Sum(s[i] * s[j], (j, i + 1, N), (i, 1, N)),
            (N**2 * Q**2 - N) / 2,
            "With $\\sigma_i = s_i\\tau_i$ and their overlap $Q = \\sum_i \\sigma_i/N$: "
            "$(\\sum_i \\sigma_i)^2 = N + 2\\sum_{i<j}\\sigma_i\\sigma_j$",
            rule="given",
        ),
        Step(
            DisorderAverage(sym.Z**2),
            z2,
            "For each $\\sigma$ there are $2^N$ pairs $(s, \\tau)$; $k$ of the $\\sigma_i$ are "
            "$+1$ in $\\binom{N}{k}$ ways, $Q = (2k - N)/N$",
            via=2**N
            * sp.Sum(
                sp.binomial(N, k)
                * sp.exp(J**2 / (N * T**2) * (pairs + (N**2 * ((2 * k - N) / N) ** 2 - N) / 2)),
                (k, 0, N),
            ),
        ),
        Step(
            DisorderAverage(sym.Z) ** 2,
            z1_squared,
            "The square of the annealed average",
            via=(2**N * sp.exp(J**2 * (N - 1) / (4 * T**2))) ** 2,
        ),
        Step(R_N, ratio, "Their ratio, exact at every $N$", via=z2 / z1_squared),
        Step(
            R_oo,
            sp.exp(-(b**2) / 2) * GaussianAverage(sp.exp(b**2 * z**2 / 2), z),
            "As $N \\to \\infty$, $\\sqrt{N} Q$ becomes a standard Gaussian $z$ "
            "(de Moivre-Laplace); write $b = J/T$",
            rule="quoted",
            reference=CLT,
        ),
        Step(
            R_oo,
            limit,
            "The Gaussian integral converges for $b < 1$ only: the ratio stays finite "
            "exactly for $T > J$",
            via=sp.exp(-(b**2) / 2) * GaussianAverage(sp.exp(b**2 * z**2 / 2), z).as_integral(),
        ),
        Step(
            sp.Limit(DisorderAverage(sp.log(sym.Z)) / N, N, sp.oo),
            sp.log(2) + J**2 / (4 * T**2),
            "A bounded ratio means $Z$ is of the order of its mean with a probability bounded "
            "away from zero (Paley-Zygmund), and $\\log Z / N$ concentrates around its mean: so "
            "for $T > J$ the quenched free energy is the annealed one, $-T\\log 2 - J^2/(4T)$. "
            "Below $T = J$ the ratio diverges and they differ",
            rule="quoted",
            reference=ALR_1987,
        ),
    )
    return Derivation(
        title="Annealed equals quenched above T_c: the second moment",
        steps=steps,
        results=(),
        intro="Why $\\mathbb{E}_J \\log Z = \\log \\mathbb{E}_J Z$ (per spin, as "
        "$N \\to \\infty$) in the paramagnet, at $h = J_0 = 0$.",
        references=(ALR_1987, TALAGRAND),
    )
