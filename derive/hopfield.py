r"""The Hopfield network as derivations: Hebb's rule, signal to noise, finite and extensive load.

The network stores :math:`P` patterns :math:`\xi^\mu \in \{-1, 1\}^N` in Hebbian
couplings :math:`K_{ij} = \frac{1}{N}\sum_\mu \xi_i^\mu \xi_j^\mu` (:math:`i \ne j`), and

.. math::

    H = -\sum_{i<j} K_{ij} s_i s_j - h\sum_i s_i
      = -\frac{N}{2}\sum_\mu m_\mu^2 + \frac{P}{2} - h\sum_i s_i,\qquad
    m_\mu = \frac{1}{N}\sum_i \xi_i^\mu s_i .

The derivations, in reading order:

* :func:`hebb_derivation`: the energy in terms of the overlaps :math:`m_\mu`;
* :func:`signal_to_noise_derivation`: the crosstalk of the other patterns, of
  variance :math:`\alpha = P/N`; in the Gaussian approximation one update errs
  with probability :math:`\frac12\operatorname{erfc}(1/\sqrt{2\alpha})`;
* :func:`finite_load_derivation`: :math:`P` fixed as :math:`N \to \infty`: the
  Mattis states :math:`m = \tanh(m/T)`, :math:`T_c = 1`, and the symmetric
  mixtures of three patterns with their Hessian;
* :func:`replica_symmetric_derivation`: :math:`P = \alpha N` (Amit, Gutfreund and
  Sompolinsky 1987): the replica-symmetric free energy :math:`f(m, q, r)` and its
  stationarity, the equations

  .. math::

      m = \mathbb{E}_z \tanh\beta(m + \sqrt{\alpha r}\,z),\quad
      q = \mathbb{E}_z \tanh^2\beta(m + \sqrt{\alpha r}\,z),\quad
      r = \frac{q}{(1 - \beta(1 - q))^2};

* :func:`zero_temperature_derivation`: the :math:`T \to 0` limit in erf form and the
  capacity :math:`\alpha_c = \max_y \alpha(y)`;
* :func:`phase_diagram_derivation`: :math:`T_g = 1 + \sqrt\alpha`, and the lines
  :math:`T_M(\alpha)`, :math:`T_c(\alpha)` (defined here, computed numerically).

:func:`ags_equations` and :func:`ags_zero_temperature_equations` give the
equations as :class:`~statmech.derive.meanfield.SelfConsistency` values.

The step checks of sums over patterns and units evaluate both sides on fixed
pseudo-random :math:`\pm1` data at random sizes (:mod:`statmech.derive.hopfield_data`);
the extensive-load derivations live in :mod:`statmech.derive.hopfield_replica`.

References
----------
J. J. Hopfield, Proc. Natl. Acad. Sci. USA 79, 2554 (1982).
D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. A 32, 1007 (1985);
Phys. Rev. Lett. 55, 1530 (1985); Ann. Phys. (N.Y.) 173, 30 (1987).
J. Hertz, A. Krogh and R. G. Palmer, Introduction to the Theory of Neural
Computation (1991), ch. 2.
A. C. C. Coolen, R. Kuehn and P. Sollich, Theory of Neural Information
Processing Systems (2005).
"""

from __future__ import annotations

import sympy as sp

from .derivation import Derivation, Step
from .hamiltonian import H as H_symbol
from .hopfield_data import (  # noqa: F401 - the names the derivations use, re-exported
    AGS_1985,
    AGS_1987,
    AGS_PRL_1985,
    CKS,
    HKP,
    HOPFIELD_1982,
    MCELIECE,
    T_3,
    FiniteSum,
    N,
    Named,
    P,
    P_err,
    PatternAverage,
    T,
    _label,
    alpha,
    alpha_max,
    epsilon,
    h,
    hebbian_form,
    i,
    j,
    m_plus,
    mu,
    seed,
    spin,
    xi,
)
from .hopfield_replica import (  # noqa: F401 - re-exported
    C,
    ags_equations,
    ags_free_energy,
    ags_gradient,
    ags_zero_temperature_equations,
    capacity_function,
    phase_diagram_derivation,
    q,
    r,
    replica_symmetric_derivation,
    zero_temperature_derivation,
    zero_temperature_energy,
)
from .meanfield import m

# --------------------------------------------------------------------------
# Hebb's rule and the energy


def overlap(pattern=mu, size=N) -> Named:
    r""":math:`m_\mu = \frac{1}{N}\sum_i \xi_i^\mu s_i`, printed :math:`m_\mu`."""
    return Named(
        sp.IndexedBase("m")[pattern], FiniteSum(xi(pattern, i) * spin(i), (i, 1, size)) / size
    )


def hebb_derivation(model) -> Derivation:
    """From the Hebbian pair couplings to the energy in the pattern overlaps."""
    K = sp.IndexedBase("K")
    H_model = hebbian_form(model.energy)
    field = -h * FiniteSum(spin(i), (i, 1, N))
    squares = FiniteSum(FiniteSum(xi(mu, i) * spin(i), (i, 1, N)) ** 2, (mu, 1, P))
    steps = (
        Step(
            H_symbol,
            H_model,
            "The Hopfield network: every pair coupled by Hebb's rule, each pair once, "
            "no self-coupling, a field $h$ on every unit",
            rule="given",
            reference=HOPFIELD_1982,
        ),
        Step(
            K[i, j],
            FiniteSum(xi(mu, i) * xi(mu, j), (mu, 1, P)) / N,
            "Hebb's rule: units active together in a pattern are coupled, $K_{ii} = 0$",
            rule="define",
        ),
        Step(
            H_symbol,
            -squares / (2 * N) + P / 2 + field,
            "$\\sum_{i<j} a_i a_j = \\frac12[(\\sum_i a_i)^2 - \\sum_i a_i^2]$ with "
            "$a_i = \\xi_i^\\mu s_i$ and $a_i^2 = 1$: the missing diagonal gives $P/2$",
            via=H_symbol,
        ),
        Step(
            overlap(),
            overlap().definition,
            "The overlap of the configuration with pattern $\\mu$, $-1 \\le m_\\mu \\le 1$",
            rule="define",
        ),
        Step(
            H_symbol,
            -N / 2 * FiniteSum(overlap() ** 2, (mu, 1, P)) + P / 2 + field,
            "The energy depends on the configuration through the overlaps only: "
            "each stored pattern ($m_\\mu = 1$) sits in a valley of depth $N/2$",
            via=H_symbol,
        ),
    )
    return Derivation(
        title="Hebb's rule and the energy",
        steps=steps,
        intro="Patterns are stored in the couplings; the energy counts how well the "
        "configuration matches each of them.",
        references=(HOPFIELD_1982, HKP),
    )


# --------------------------------------------------------------------------
# Signal to noise


def signal_to_noise_derivation(model) -> Derivation:
    """One-step stability of a stored pattern: signal 1, crosstalk of variance alpha."""
    h_1 = sp.Symbol("h_1")
    c_var = sp.Symbol("C_1", real=True)
    crosstalk = (
        FiniteSum(FiniteSum(xi(1, 1) * xi(mu, 1) * xi(mu, j) * xi(1, j), (j, 2, N)), (mu, 2, P)) / N
    )
    C_1 = Named(sp.Symbol("C_1"), crosstalk)
    local_field = FiniteSum(FiniteSum(xi(mu, 1) * xi(mu, j), (mu, 1, P)) / N * spin(j), (j, 2, N))
    at_pattern = xi(1, 1) * local_field.replace(spin, lambda unit: xi(1, unit))
    variance = sp.Symbol(r"\operatorname{Var} C_1")
    density = sp.exp(-(c_var**2) / (2 * alpha)) / sp.sqrt(2 * sp.pi * alpha)
    p_of = sp.Function("p")(c_var)
    p_err = sp.erfc(1 / sp.sqrt(2 * alpha)) / 2
    capacity = 1 / (2 * sp.erfinv(1 - 2 * epsilon) ** 2)
    steps = (
        Step(
            h_1,
            local_field,
            "The local field on unit 1, $h_1 = \\sum_{j \\ne 1} K_{1j} s_j$; an update "
            "sets $s_1 = \\operatorname{sign} h_1$",
            rule="define",
        ),
        Step(
            xi(1, 1) * h_1,
            (N - 1) / N + C_1,
            "At a stored pattern, $s = \\xi^1$: the pattern's own term is the signal "
            "$(N-1)/N$, the other patterns add the crosstalk $C_1$",
            via=at_pattern,
        ),
        Step(
            sp.Symbol(r"\operatorname{E} C_1"),
            sp.Integer(0),
            "Random patterns: each of the $(N-1)(P-1)$ terms of $C_1$ is $\\pm 1/N$ with "
            "equal probability, and they are uncorrelated (each holds its own "
            "$\\xi_j^\\mu$)",
            rule="given",
        ),
        Step(
            variance,
            (N - 1) * (P - 1) / N**2,
            "Uncorrelated terms: the variances $1/N^2$ add",
            via=sp.Sum(sp.Sum(1 / N**2, (j, 2, N)), (mu, 2, P)),
        ),
        Step(
            variance,
            P / N,
            "Many patterns and units",
            rule="asymptotic",
            large=(N, P),
        ),
        Step(Named(alpha, P / N), P / N, "The load: patterns per unit", rule="define"),
        Step(
            p_of,
            density,
            "Approximation (central limit theorem for the many crosstalk terms): $C_1$ "
            "is Gaussian with mean 0 and variance $\\alpha$; it neglects the correlations "
            "that the dynamics builds up, and is checked against sampled patterns",
            rule="quoted",
            reference=HKP + ", sec. 2.2; " + HOPFIELD_1982,
        ),
        Step(
            P_err,
            p_err,
            "One update flips a correct bit when the crosstalk outweighs the signal, "
            "$C_1 < -1$ (the signal $1 - 1/N \\to 1$)",
            via=sp.Integral(p_of, (c_var, -sp.oo, -1)),
        ),
        Step(
            alpha_max,
            capacity,
            "The naive capacity: the largest load at which at most a fraction "
            "$\\epsilon$ of the bits is unstable (e.g. $\\alpha = 0.138$ at "
            "$\\epsilon = 0.0036$, $0.185$ at $\\epsilon = 0.01$)",
            rule="define",
        ),
        Step(
            P_err,
            epsilon,
            "Check: at the naive capacity the error probability is $\\epsilon$",
            via=sp.erfc(1 / sp.sqrt(2 * alpha_max)) / 2,
        ),
        Step(
            sp.Symbol("P_max"),
            N / (2 * sp.log(N)),
            "Every bit of a pattern stable with probability tending to one "
            "($N P_{err} \\to 0$) needs a load that vanishes as $1/(2\\log N)$",
            rule="quoted",
            reference=MCELIECE,
        ),
    )
    return Derivation(
        title="Signal to noise: one-step stability and the naive capacity",
        steps=steps,
        results=(("alpha", P / N), ("P_err", p_err), ("alpha_max", capacity)),
        intro="Start the network at a stored pattern and update one unit: the other "
        "patterns act as noise.",
        references=(HOPFIELD_1982, HKP, MCELIECE),
    )


# --------------------------------------------------------------------------
# Finite load: Mattis states and mixtures


M_VEC = sp.IndexedBase("m")
sym_T_c = sp.Symbol("T_c", positive=True)
SIGNS = sp.IndexedBase(r"\xi")


def finite_load_free_energy() -> sp.Expr:
    r""":math:`f(m) = \frac12\sum_\mu m_\mu^2 - T\langle \log 2\cosh(\sum_\mu m_\mu\xi^\mu/T)
    \rangle_\xi` over :data:`P` overlaps (AGS 1985)."""
    field = FiniteSum(M_VEC[mu] * SIGNS[mu], (mu, 1, P))
    return FiniteSum(M_VEC[mu] ** 2, (mu, 1, P)) / 2 - T * PatternAverage(
        sp.log(2 * sp.cosh(field / T)), SIGNS, P
    )


def _mixture_pieces():
    """``f`` at four patterns, its overlap symbols, and the mixture averages q_3, Q_3."""
    f4 = finite_load_free_energy().subs(P, 4).doit()
    ms = [M_VEC[a] for a in range(1, 5)]
    t3, t1 = sp.tanh(3 * m / T), sp.tanh(m / T)
    q3 = (t3**2 + 3 * t1**2) / 4
    Q3 = (t3**2 - t1**2) / 4
    return f4, ms, q3, Q3


def finite_load_derivation(model) -> Derivation:
    """P fixed as N -> oo: Mattis states, T_c = 1, the symmetric 3-mixtures and their Hessian."""
    f4, (m1, m2, m3, m4), q3, Q3 = _mixture_pieces()
    mattis_point = {m1: m, m2: 0, m3: 0, m4: 0}
    mixture_point = {m1: m, m2: m, m3: m, m4: 0}
    f_M = sp.Function("f_M")(m)
    f_3 = sp.Function("f_3")(m)
    f_mattis = m**2 / 2 - T * sp.log(2 * sp.cosh(m / T))
    f_mixture = 3 * m**2 / 2 - T * (
        sp.log(2 * sp.cosh(3 * m / T)) / 4 + 3 * sp.log(2 * sp.cosh(m / T)) / 4
    )
    mattis = sp.tanh(m / T)
    mixture = (sp.tanh(3 * m / T) + sp.tanh(m / T)) / 4
    lambda_perp = 1 - (1 - sp.tanh(m / T) ** 2) / T
    lambda_par = 1 - (1 - q3) / T + 2 * Q3 / T
    lambda_out = 1 - (1 - q3) / T
    positive = {m: m_plus}

    def at(expr, point):
        return sp.Subs(expr, tuple(point), tuple(point.values()))

    steps = (
        Step(
            sp.Function("f")(M_VEC),
            finite_load_free_energy(),
            "N -> oo at fixed P: linearise $-\\frac{N}{2}\\sum_\\mu m_\\mu^2$ with Gaussian "
            "fields and apply Laplace's method; the sum over units becomes the average over "
            "one unit's pattern entries $\\xi^\\mu = \\pm 1$ (law of large numbers) and "
            "$P/(2N) \\to 0$ ($h = 0$)",
            rule="quoted",
            reference=AGS_1985 + "; " + HKP + ", sec. 2.4",
        ),
        Step(
            f_M,
            f_mattis,
            "A Mattis state, overlap with one pattern only: $m_\\mu = (m, 0, 0, 0)$ "
            "($P = 4$ holds every direction used below)",
            via=f4.subs(mattis_point),
        ),
        Step(sp.Derivative(f_M, m), m - mattis, "Differentiate", via=sp.Derivative(f_mattis, m)),
        Step(
            _label(m),
            mattis,
            "Stationarity: the Curie-Weiss equation, one per pattern and sign",
            via=m - (m - mattis),
        ),
        Step(
            sym_T_c,
            sp.Integer(1),
            "Nonzero solutions appear where the slope $1/T$ at $m = 0$ exceeds one",
            rule="define",
        ),
        Step(
            sp.Function("g'")(0, sym_T_c),
            sp.Integer(1),
            "Check: the slope is one at $T_c$",
            via=sp.Subs(sp.Derivative(mattis, m), (m, T), (0, sym_T_c)),
        ),
        Step(
            sp.Symbol(r"\lambda_{M}"),
            1 - (1 - mattis**2) / T,
            "Curvature towards another pattern at a Mattis state (and along it): with "
            "$m = \\tanh(m/T)$ it is $1 - (1 - m^2)/T > 0$ below $T_c$, since the slope of "
            "$\\tanh(m/T)$ at the nonzero root is below one: Mattis states are stable",
            via=at(sp.Derivative(f4, (m2, 2)), mattis_point),
        ),
        Step(
            f_3,
            f_mixture,
            "The symmetric mixture of three patterns, $m_\\mu = (m, m, m, 0)$: "
            "$\\xi^1 + \\xi^2 + \\xi^3 = \\pm 3$ with probability 1/4, $\\pm 1$ with 3/4",
            via=f4.subs(mixture_point),
        ),
        Step(
            sp.Derivative(f_3, m) / 3,
            m - mixture,
            "Differentiate",
            via=sp.Derivative(f_mixture, m) / 3,
        ),
        Step(_label(m), mixture, "Stationarity", via=m - (m - mixture)),
        Step(
            sp.Limit(mixture.subs(positive), T, 0, "+"),
            sp.Rational(1, 2),
            "At $T = 0$ the mixture overlap is $m = 1/2$",
            via=sp.Limit(mixture.subs(positive), T, 0, "+"),
        ),
        Step(
            sp.Symbol("e_M"),
            -sp.Rational(1, 2),
            "Energy per unit at $T = 0$ of a Mattis state ($m = 1$)",
            via=sp.Limit(f_mattis.subs(m, 1), T, 0, "+"),
        ),
        Step(
            sp.Symbol("e_3"),
            -sp.Rational(3, 8),
            "... and of a 3-mixture ($m = 1/2$): a spurious minimum above the stored patterns",
            via=sp.Limit(f_mixture.subs(m, sp.Rational(1, 2)), T, 0, "+"),
        ),
        Step(
            sp.Symbol(r"\lambda_{\perp}"),
            lambda_perp,
            "Hessian at a 3-mixture, direction $(1, -1, 0, 0)$ (twice degenerate): "
            "$\\partial_1^2 f - \\partial_1\\partial_2 f = 1 - (1 - q_3 + Q_3)/T$, and "
            "$q_3 - Q_3 = \\tanh^2(m/T)$",
            via=at(sp.Derivative(f4, (m1, 2)) - sp.Derivative(f4, m1, m2), mixture_point),
        ),
        Step(
            sp.Symbol(r"\lambda_{\parallel}"),
            lambda_par,
            "Direction $(1, 1, 1, 0)$: $\\partial_1^2 f + 2\\partial_1\\partial_2 f$; "
            "$q_3 = \\langle\\tanh^2\\rangle$, $Q_3 = \\langle\\xi^1\\xi^2\\tanh^2\\rangle$",
            via=at(sp.Derivative(f4, (m1, 2)) + 2 * sp.Derivative(f4, m1, m2), mixture_point),
        ),
        Step(
            sp.Symbol(r"\lambda_{\rm out}"),
            lambda_out,
            "Towards a pattern outside the mixture, $\\partial_4^2 f$",
            via=at(sp.Derivative(f4, (m4, 2)), mixture_point),
        ),
        Step(
            T_3,
            sp.Float("0.46", 2),
            "The 3-mixtures are local minima only below $T_3$, where $\\lambda_\\perp$ "
            "changes sign on the mixture branch; above it they are saddles",
            rule="quoted",
            reference=AGS_1985 + "; " + AGS_PRL_1985,
        ),
    )
    return Derivation(
        title="Finite load: Mattis states and mixtures",
        steps=steps,
        results=(
            ("T_c", sp.Integer(1)),
            ("mattis", mattis),
            ("mixture", mixture),
            ("lambda_perp", lambda_perp),
        ),
        intro="A finite number of patterns in a large network: the free energy is a "
        "function of the overlaps, and its minima are the retrieval (Mattis) states "
        "and spurious mixtures.",
        references=(AGS_1985, AGS_PRL_1985, HKP),
    )


def hopfield_derivations(model) -> list[Derivation]:
    """Every Hopfield derivation, in reading order."""
    return [
        hebb_derivation(model),
        signal_to_noise_derivation(model),
        finite_load_derivation(model),
        replica_symmetric_derivation(model),
        zero_temperature_derivation(model),
        phase_diagram_derivation(model),
    ]
