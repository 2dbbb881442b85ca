r"""Generative diffusion as associative memory.

The forward Ornstein-Uhlenbeck process :math:`dx = -x\,dt + \sqrt2\,dW` applied
to the empirical distribution of :math:`P` training points :math:`\xi^\mu` gives
at time :math:`t` the Gaussian mixture

.. math::

    p_t(x) = \frac1P\sum_\mu \mathcal N(x;\ \xi^\mu e^{-t},\ \Delta_t I),\qquad
    \Delta_t = 1 - e^{-2t} .

Its exact score is a modern-Hopfield update at inverse temperature
:math:`\beta_t = e^{-t}/\Delta_t`,

.. math::

    \Delta_t\,\nabla\log p_t(x) = e^{-t} X\,\mathrm{softmax}(\beta_t X^{\mathsf T}x + b) - x,
    \qquad b_\mu = -\tfrac12\beta_t e^{-t}\,\xi^\mu\cdot\xi^\mu ,

(the bias is common to all patterns, hence irrelevant, when they have equal
norms), and :math:`-\log p_t` is the corresponding energy.  The speciation time
:math:`t_S = \tfrac12\log\Lambda` and the collapse time :math:`t_C` are those of
Biroli, Bonnaire, de Bortoli and Mezard (2024); the speciation time is derived
here from the loss of stability of the midpoint of two clusters.  Vectors are
written with explicit components (:math:`d = 2`, :math:`P = 3`).

References
----------
G. Biroli, T. Bonnaire, V. de Bortoli and M. Mezard, "Dynamical regimes of
diffusion models", Nat. Commun. 15, 9957 (2024), arXiv:2402.18491.
B. D. O. Anderson, Stoch. Proc. Appl. 12, 313 (1982) (reverse-time SDE).
Y. Song et al., ICLR 2021, arXiv:2011.13456 (probability-flow ODE).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .dense_memory import X_VEC, XI, D, K, softmax_weights
from .derivation import Derivation, Step

t = sp.Symbol("t", positive=True)
Delta = sp.Symbol("Delta_t", positive=True)
beta_t = sp.Symbol("beta_t", positive=True)
Lam = sp.Symbol("Lambda", positive=True)
a = sp.Symbol("a", positive=True)  # half the distance between two cluster centres
sigma = sp.Symbol("sigma", positive=True)
y = sp.Symbol("y", real=True)
alpha = sp.Symbol("alpha", positive=True)  # log P / d
d_sym = sp.Symbol("d", positive=True, integer=True)
P_sym = sp.Symbol("P", positive=True, integer=True)
u = sp.Symbol("u", positive=True)  # exp(-2 t), the variable the time conditions are solved for


def delta_of(time):
    """The forward variance ``1 - exp(-2 t)``."""
    return 1 - sp.exp(-2 * time)


class ClusterWidth(sp.Symbol):
    """The within-cluster standard deviation, below one (clusters wider than the
    noise have no midpoint instability); checks sample it in ``(1/10, 9/10)``."""

    sample_interval = ("1/10", "9/10")


#: The mean scale e^-t and the variance Delta_t as free symbols: the mixture and
#: score identities hold for any positive pair, which keeps them symbolic.
s_t = sp.Symbol("s_t", positive=True)
sigma_c = ClusterWidth("sigma", positive=True)


def mixture_density(x=X_VEC, xi=XI, scale=s_t, var=Delta):
    """``p_t(x)``, means ``xi scale``, variance ``var`` (d = 2 coordinates, P = 3 points)."""
    terms = [
        sp.exp(-sum((x[k] - xi[mu, k] * scale) ** 2 for k in range(D)) / (2 * var))
        for mu in range(K)
    ]
    return sp.Add(*terms) / (K * (2 * sp.pi * var) ** sp.Rational(D, 2))


def hopfield_scores(x=X_VEC, xi=XI, scale=s_t, var=Delta):
    """``beta_t xi.x + b`` with ``beta_t = scale / var`` and ``b = -beta_t scale |xi|^2 / 2``."""
    b_t = scale / var
    return [
        b_t * sum(xi[mu, k] * x[k] for k in range(D))
        - b_t * scale * sum(xi[mu, k] ** 2 for k in range(D)) / 2
        for mu in range(K)
    ]


def hopfield_score(x=X_VEC, xi=XI, scale=s_t, var=Delta):
    """The score as a modern-Hopfield update: components of
    ``(scale X softmax(beta_t X^T x + b) - x) / var``."""
    w = softmax_weights(hopfield_scores(x, xi, scale, var))
    return [(scale * sum(xi[mu, k] * w[mu] for mu in range(K)) - x[k]) / var for k in range(D)]


@cache
def diffusion() -> Derivation:
    """Forward OU on P points, the exact score as attention, energy, speciation, collapse."""
    x = X_VEC
    m = sp.Symbol("m_t")
    p = sp.Symbol("p_t")
    density = mixture_density()
    score = hopfield_score()
    var = delta_of(t)
    energy = (
        -sp.log(sp.Add(*[sp.exp(s) for s in hopfield_scores()]))
        + sum(x[k] ** 2 for k in range(D)) / (2 * Delta)
        + sp.log(K)
        + sp.Rational(D, 2) * sp.log(2 * sp.pi * Delta)
    )
    # plain symbols name the time dependence; the identities use the free s_t, Delta_t
    s_name, delta_name = sp.Symbol("s_t"), sp.Symbol("Delta_t")
    v_t = sigma_c**2 * sp.exp(-2 * t) + var
    curvature = 1 / v_t - a**2 * sp.exp(-2 * t) / v_t**2
    steps = [
        Step(
            m,
            sp.Symbol("xi") * sp.exp(-t),
            "Forward process $dx = -x\\,dt + \\sqrt2\\,dW$ from a training point $\\xi$: "
            "the mean obeys $\\dot m = -m$",
            rule="define",
        ),
        Step(sp.Integer(0), sp.Integer(0), "Check: $\\dot m + m = 0$", via=sp.Derivative(m, t) + m),
        Step(s_name, sp.exp(-t), "The mean scale $s_t = e^{-t}$", rule="define"),
        Step(delta_name, var, "The variance of each coordinate, $\\Delta_t$", rule="define"),
        Step(
            sp.Symbol("Delta'_t"),
            2 - 2 * var,
            "Check: $\\dot\\Delta = -2\\Delta + 2$ with $\\Delta_0 = 0$ (Ito for the OU process)",
            via=sp.Derivative(delta_name, t),
        ),
        Step(
            p,
            density,
            "The empirical distribution of $P$ points becomes a Gaussian mixture with means "
            "$\\xi^\\mu s_t$ and variance $\\Delta_t$ (written for $d = 2$, $P = 3$; the "
            "identities below hold for any $s_t, \\Delta_t > 0$)",
            rule="define",
        ),
        Step(
            beta_t, s_t / Delta, "Inverse temperature $\\beta_t = e^{-t}/\\Delta_t$", rule="define"
        ),
    ]
    for k in range(D):
        steps.append(
            Step(
                sp.Symbol(f"score_{k + 1}"),
                score[k],
                f"The exact score, component {k + 1}: $\\Delta_t\\nabla\\log p_t = "
                "s_t X\\,\\mathrm{softmax}(\\beta_t X^{\\mathsf T}x + b) - x$ with "
                "$b_\\mu = -\\beta_t s_t|\\xi^\\mu|^2/2$: a modern-Hopfield update at "
                "inverse temperature $\\beta_t$",
                via=sp.Derivative(sp.log(p), x[k]),
            )
        )
    steps += [
        Step(
            sp.Symbol("U_t"),
            energy,
            "The energy $-\\log p_t$: minus a log-sum-exp at $\\beta_t$ plus "
            "$|x|^2/2\\Delta_t$ (the modern Hopfield energy, patterns $\\xi^\\mu$, "
            "state $x$)",
            via=-sp.log(p),
        ),
        Step(
            sp.Symbol("U''(0)"),
            curvature,
            "Two clusters $\\pm a$ of variance $\\sigma^2$ along the top direction $y$: "
            "$p_t(y)$ has components of variance $v_t = \\sigma^2 e^{-2t} + \\Delta_t$; "
            "the curvature of $-\\log p_t$ at the midpoint",
            via=sp.Subs(
                sp.Derivative(
                    -sp.log(
                        sp.exp(-((y - a * sp.exp(-t)) ** 2) / (2 * v_t))
                        + sp.exp(-((y + a * sp.exp(-t)) ** 2) / (2 * v_t))
                    ),
                    y,
                    2,
                ),
                y,
                0,
            ),
        ),
        Step(
            sp.Symbol("t_S"),
            sp.log(a**2 - sigma_c**2 + 1) / 2,
            "Speciation: the midpoint turns unstable (the curvature changes sign) where "
            "$a^2 e^{-2t} = v_t$",
            via=-sp.log(sp.solve(sp.Eq(a**2 * u, v_t.subs(sp.exp(-2 * t), u)), u)[0]) / 2,
        ),
        Step(
            sp.Symbol("t_S"),
            sp.log(Lam + 1 - 2 * sigma_c**2) / 2,
            "With $\\Lambda = a^2 + \\sigma^2$ the largest eigenvalue of the data covariance",
            via=sp.log(a**2 - sigma_c**2 + 1).subs(a**2, Lam - sigma_c**2) / 2,
        ),
        Step(
            sp.Symbol("t_S"),
            sp.log(Lam) / 2,
            "For $\\Lambda \\gg 1$ (growing with $d$): $t_S = \\tfrac12\\log\\Lambda$, as "
            "Biroli et al. find for any data from the spectrum of the covariance",
            rule="asymptotic",
            large=Lam,
        ),
        Step(
            sp.Symbol("t_C"),
            sp.log(1 + sigma**2 / (P_sym ** (2 / d_sym) - 1)) / 2,
            "Collapse onto single training points (Gaussian data of variance $\\sigma^2$, "
            "$P = e^{\\alpha d}$, $d \\to \\infty$): the excess entropy vanishes at "
            "$\\log(1 + \\sigma^2 e^{-2t}/\\Delta_t) = 2\\alpha$",
            rule="quoted",
            reference="Biroli, Bonnaire, de Bortoli and Mezard, Nat. Commun. 15, 9957 (2024), "
            "arXiv:2402.18491, collapse time of Gaussian data",
        ),
        Step(
            sp.Symbol("t_C"),
            sp.log(1 + sigma**2 / (sp.exp(2 * alpha) - 1)) / 2,
            "The same with $P^{2/d} = e^{2\\alpha}$: solving the excess-entropy condition for $t$",
            via=-sp.log(sp.solve(sp.Eq(sigma**2 * u / (1 - u), sp.exp(2 * alpha) - 1), u)[0]) / 2,
        ),
    ]
    return Derivation(
        title="Diffusion as associative memory",
        steps=tuple(steps),
        results=(
            ("Delta_t", var),
            ("beta_t", sp.exp(-t) / var),
            ("t_S", sp.log(Lam) / 2),
            ("t_C", sp.log(1 + sigma**2 / (sp.exp(2 * alpha) - 1)) / 2),
        ),
        intro=(
            "Noising $P$ points gives a Gaussian mixture whose exact score is the attention "
            "update of a modern Hopfield network at inverse temperature $\\beta_t$."
        ),
        references=("Biroli, Bonnaire, de Bortoli and Mezard, Nat. Commun. 15, 9957 (2024)",),
    )
