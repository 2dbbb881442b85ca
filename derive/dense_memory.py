r"""Dense associative memory and the modern Hopfield network as derivations.

Dense associative memory (Krotov and Hopfield 2016): binary units
:math:`s_i = \pm 1`, patterns :math:`\xi^\mu`, energy

.. math::

    E(s) = -\sum_\mu F(\xi^\mu\cdot s),\qquad F(x) = x^n .

Flipping one unit changes the energy by a difference of :math:`F` values; the
update rule sets the unit to the sign that lowers it.  The signal-to-noise
argument gives a capacity :math:`P_{\max} \propto N^{n-1}`; the exponential
:math:`F` stores exponentially many patterns (Demircigil et al. 2017, quoted).

Modern Hopfield network (Ramsauer et al. 2020): continuous :math:`x`,

.. math::

    E(x) = -\frac{1}{\beta}\log\sum_\mu e^{\beta\,\xi^\mu\cdot x}
           + \tfrac12 x\cdot x + \frac{1}{\beta}\log P + \tfrac12 M^2 .

The concave-convex procedure (CCCP) step solves
:math:`\nabla(\tfrac12 x\cdot x)(x') = -\nabla(\text{concave part})(x)`, which is
:math:`x' = X\,\mathrm{softmax}(\beta X^{\mathsf T}x)`: attention with keys and
values equal to the stored patterns.  The vectors are written with explicit
components (:math:`d = 2` coordinates, :math:`P = 3` patterns) so that every
step is an identity between SymPy expressions that the checker can test.

References
----------
D. Krotov and J. J. Hopfield, NeurIPS 29 (2016), arXiv:1606.01164.
M. Demircigil, J. Heusel, M. Loewe, S. Upgang and F. Vermet, J. Stat. Phys. 168,
288 (2017).
H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021,
arXiv:2008.02217.
A. L. Yuille and A. Rangarajan, Neural Comput. 15, 915 (2003) (CCCP).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

N = sp.Symbol("N", positive=True, integer=True)
n = sp.Symbol("n", positive=True, integer=True)
P = sp.Symbol("P", positive=True, integer=True)
beta = sp.Symbol("beta", positive=True)
#: The local field of pattern mu on unit i from the other units (sum over j != i).
h = sp.Symbol("h", real=True)
z = sp.Symbol("z", positive=True)  # the signal-to-noise ratio demanded for retrieval

#: Explicit small instance for the vector identities: D coordinates, K patterns.
D, K = 2, 3
XI = sp.Matrix(K, D, lambda mu, k: sp.Symbol(f"xi_{mu + 1}{k + 1}", real=True))
X_VEC = sp.Matrix(D, 1, lambda k, _: sp.Symbol(f"x_{k + 1}", real=True))


def _F(x):
    return x**n


def softmax_weights(scores):
    """``exp(score_mu) / sum_nu exp(score_nu)`` for a list of SymPy scores."""
    total = sp.Add(*[sp.exp(s) for s in scores])
    return [sp.exp(s) / total for s in scores]


@cache
def dense_memory() -> Derivation:
    """The dense associative memory: energy, update rule, capacity N^(n-1)."""
    E_, dE, sig, var, snr2, pmax = sp.symbols("E Delta_E S sigma^2 SNR^2 P_max")
    s = sp.symbols("s_1:4", real=True)
    xi = sp.Matrix(2, 3, lambda mu, j: sp.Symbol(f"xi_{mu + 1}{j + 1}", real=True))
    energy = -sum(_F(sum(xi[mu, j] * s[j] for j in range(3))) for mu in range(2))
    fields = [xi[mu, 1] * s[1] + xi[mu, 2] * s[2] for mu in range(2)]
    flip = sum(_F(fields[mu] + xi[mu, 0]) - _F(fields[mu] - xi[mu, 0]) for mu in range(2))
    double_fact = 2 ** (n - 1) * sp.gamma(n - sp.Rational(1, 2)) / sp.sqrt(sp.pi)
    gauss = sp.exp(-(h**2) / (2 * N)) / sp.sqrt(2 * sp.pi * N)
    steps = (
        Step(
            E_,
            energy,
            "Energy of $N$ units $s_i = \\pm 1$ and patterns $\\xi^\\mu$, "
            "$E = -\\sum_\\mu F(\\xi^\\mu\\cdot s)$ with $F(x) = x^n$ (written for $N = 3$, "
            "$P = 2$; the identities below hold term by term for any $N$, $P$)",
            rule="define",
        ),
        Step(
            dE,
            flip,
            "Energy cost of $s_1 = -1$ against $s_1 = +1$: "
            "$\\sum_\\mu [F(\\xi^\\mu_1 + h_\\mu) - F(-\\xi^\\mu_1 + h_\\mu)]$, "
            "$h_\\mu = \\sum_{j\\ne 1}\\xi^\\mu_j s_j$",
            via=energy.subs(s[0], -1) - energy.subs(s[0], 1),
        ),
        Step(
            sp.Symbol("s_1'"),
            sp.sign(flip),
            "Update rule: set the unit to the sign of lower energy, "
            "$s_i \\leftarrow \\mathrm{sign}\\sum_\\mu [F(\\xi^\\mu_i + h_\\mu) - "
            "F(-\\xi^\\mu_i + h_\\mu)]$ (Krotov-Hopfield)",
            rule="define",
        ),
        Step(
            sig,
            N**n - (N - 2) ** n,
            "Signal: at $s = \\xi^1$ the pattern itself contributes "
            "$F(N) - F(N - 2)$ (its $N - 1$ other units are aligned)",
            rule="define",
        ),
        Step(
            sig,
            2 * n * N ** (n - 1),
            "For large $N$ the signal is $2n N^{n-1}$",
            rule="asymptotic",
            large=N,
        ),
        Step(
            sp.Symbol("m_{2n-2}"),
            double_fact * N ** (n - 1),
            "Noise: each other pattern contributes $F(h+1) - F(h-1) \\approx 2 n h^{n-1}$ with "
            "$h$ a sum of $N - 1 \\approx N$ random signs, Gaussian of variance $N$; its "
            "moment $\\langle h^{2n-2}\\rangle = (2n-3)!!\\,N^{n-1}$",
            via=sp.Integral(h ** (2 * n - 2) * gauss, (h, -sp.oo, sp.oo)),
        ),
        Step(
            var,
            4 * n**2 * (P - 1) * double_fact * N ** (n - 1),
            "The $P - 1$ other patterns are independent: their variances add",
            rule="define",
        ),
        Step(
            snr2,
            N ** (n - 1) / ((P - 1) * double_fact),
            "Signal-to-noise ratio squared, $S^2/\\sigma^2$",
            via=(2 * n * N ** (n - 1)) ** 2 / (4 * n**2 * (P - 1) * double_fact * N ** (n - 1)),
        ),
        Step(
            pmax,
            1 + N ** (n - 1) / (z**2 * double_fact),
            "Retrieval needs $S/\\sigma \\ge z$: the capacity grows as $N^{n-1}$ "
            "($n = 2$: the Hopfield $P \\propto N$)",
            via=sp.solve(sp.Eq(N ** (n - 1) / ((P - 1) * double_fact), z**2), P)[0],
        ),
        Step(
            pmax,
            sp.exp(sp.Symbol("alpha", positive=True) * N),
            "Exponential $F(x) = e^x$: the capacity is exponential in $N$, "
            "$P_{\\max} = e^{\\alpha N}$ with $\\alpha < \\tfrac12\\log 2$ for retrieval "
            "from a finite fraction of errors",
            rule="quoted",
            reference="Demircigil, Heusel, Loewe, Upgang and Vermet, J. Stat. Phys. 168, 288 "
            "(2017), Theorems 3 and 4",
        ),
    )
    return Derivation(
        title="Dense associative memory",
        steps=steps,
        results=(("signal", 2 * n * N ** (n - 1)), ("capacity", N ** (n - 1) / double_fact)),
        intro="Higher-order interactions $F(x) = x^n$ raise the capacity from $N$ to $N^{n-1}$.",
        references=(
            "Krotov and Hopfield, NeurIPS 29 (2016)",
            "Demircigil et al., J. Stat. Phys. 168, 288 (2017)",
        ),
    )


def lse(scores, b=beta):
    r""":math:`\beta^{-1}\log\sum_\mu e^{\beta s_\mu}` of a list of scores."""
    return sp.log(sp.Add(*[sp.exp(b * s) for s in scores])) / b


def modern_energy(x=X_VEC, xi=XI, b=beta):
    """The modern Hopfield energy of the explicit instance (``M`` the largest norm)."""
    scores = [sum(xi[mu, k] * x[k] for k in range(D)) for mu in range(K)]
    M = sp.Symbol("M", positive=True)
    return -lse(scores, b) + sum(x[k] ** 2 for k in range(D)) / 2 + sp.log(K) / b + M**2 / 2


def softmax_update(x=X_VEC, xi=XI, b=beta):
    """The components of ``X softmax(beta X^T x)``."""
    scores = [b * sum(xi[mu, k] * x[k] for k in range(D)) for mu in range(K)]
    w = softmax_weights(scores)
    return [sum(xi[mu, k] * w[mu] for mu in range(K)) for k in range(D)]


@cache
def modern_hopfield() -> Derivation:
    """The modern Hopfield energy, its CCCP step (attention) and its fixed points."""
    x = X_VEC
    energy = modern_energy()
    scores = [sum(XI[mu, k] * x[k] for k in range(D)) for mu in range(K)]
    update = softmax_update()
    E_, E1, E2 = sp.symbols("E E_1 E_2")
    steps = [
        Step(
            E_,
            energy,
            "Energy of a continuous state $x$ with patterns $\\xi^\\mu$ (the columns of $X$), "
            "written for $d = 2$, $P = 3$; $M$ is the largest pattern norm",
            rule="define",
        ),
        Step(E1, sum(x[k] ** 2 for k in range(D)) / 2, "Convex part", rule="define"),
        Step(E2, -lse(scores), "Concave part: minus a log-sum-exp", rule="define"),
        Step(
            E_,
            energy,
            "The energy is convex plus concave plus a constant",
            via=E1 + E2 + sp.log(K) / beta + sp.Symbol("M", positive=True) ** 2 / 2,
        ),
    ]
    for k in range(D):
        steps.append(
            Step(
                sp.Symbol(f"x'_{k + 1}"),
                update[k],
                f"CCCP step, component {k + 1}: "
                "$\\nabla E_1(x') = -\\nabla E_2(x)$, i.e. $x' = \\nabla_x \\beta^{-1}\\log"
                "\\sum_\\mu e^{\\beta\\xi^\\mu\\cdot x} = "
                "X\\,\\mathrm{softmax}(\\beta X^{\\mathsf T}x)$"
                ": attention with keys and values the stored patterns",
                via=-sp.Derivative(E2, x[k]),
            )
        )
    for k in range(D):
        steps.append(
            Step(
                sp.Symbol(f"g_{k + 1}"),
                x[k] - update[k],
                f"Gradient of the energy, component {k + 1}: it vanishes exactly at the fixed "
                "points $x^* = X\\,\\mathrm{softmax}(\\beta X^{\\mathsf T}x^*)$ of the update",
                via=sp.Derivative(E_, x[k]),
            )
        )
    steps.append(
        Step(
            sp.Symbol("epsilon"),
            2 * sp.Symbol("epsilon_0") * (K - 1) * sp.exp(-beta * sp.Symbol("Delta")),
            "Well-separated patterns ($\\Delta_\\mu = \\xi^\\mu\\cdot\\xi^\\mu - "
            "\\max_{\\nu\\ne\\mu}\\xi^\\mu\\cdot\\xi^\\nu$ large): one update from a point "
            "near $\\xi^\\mu$ lands within $\\epsilon \\le 2(P-1)e^{-\\beta\\Delta}M$ of it "
            "(here $\\epsilon_0 = M$)",
            rule="quoted",
            reference="Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 5",
        )
    )
    return Derivation(
        title="Modern Hopfield network",
        steps=tuple(steps),
        results=(("energy", energy),) + tuple((f"update_{k + 1}", update[k]) for k in range(D)),
        intro="The CCCP step on the modern Hopfield energy is the attention update.",
        references=("Ramsauer et al., ICLR 2021", "Yuille and Rangarajan, Neural Comput. 2003"),
    )
