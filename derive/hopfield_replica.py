r"""The Hopfield network at extensive load: the replica theory of Amit, Gutfreund and Sompolinsky.

:func:`replica_symmetric_derivation` goes from the quoted replica average to the
replica-symmetric free energy per unit

.. math::

    f(m, q, r) = \frac{m^2}{2} + \frac{\alpha}{2}
        + \frac{\alpha}{2\beta}\Big[\log(1 - \beta(1-q)) - \frac{\beta q}{1 - \beta(1-q)}\Big]
        + \frac{\alpha\beta r}{2}(1 - q)
        - \frac{1}{\beta}\,\mathbb{E}_z \log 2\cosh\beta(m + \sqrt{\alpha r}\,z)

(the :math:`n \to 0` limits of the replica determinant and of the single-unit
trace checked here) and differentiates it, with Stein's lemma for the
:math:`r` derivative, into the equations in :math:`(m, q, r)`;
:func:`zero_temperature_derivation` takes :math:`T \to 0` at fixed
:math:`C = \beta(1 - q)` (the energy :math:`e_0(m, C, r)` and the erf
equations, the capacity :math:`\alpha_c = \max_y \alpha(y)`);
:func:`phase_diagram_derivation` gives :math:`T_g = 1 + \sqrt\alpha` and defines
:math:`T_M(\alpha)`, :math:`T_c(\alpha)`.  :func:`ags_equations` and
:func:`ags_zero_temperature_equations` hand the equations to the solver.

References
----------
D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
Ann. Phys. (N.Y.) 173, 30 (1987).
J. Hertz, A. Krogh and R. G. Palmer, Introduction to the Theory of Neural
Computation (1991), sec. 2.5.
"""

from __future__ import annotations

import sympy as sp

from .averages import STEIN, expand_average, stein, to_tanh
from .derivation import Derivation, Step
from .gaussian import GaussianAverage
from .hopfield_data import (
    AGS_1987,
    CKS,
    HKP,
    R_MAX,
    C,
    D,
    N,
    Named,
    P,
    T,
    T_g,
    _label,
    alpha,
    f_of,
    k,
    n,
    n_replicas,
    q,
    r,
    replica_determinant,
    v,
    x,
    z,
)
from .hopfield_zero_temperature import (  # noqa: F401 - re-exported
    capacity_function,
    zero_temperature_derivation,
    zero_temperature_energy,
    zero_temperature_fixed_point,
    zero_temperature_gradient,
)
from .meanfield import SelfConsistency, m

# --------------------------------------------------------------------------
# Extensive load: the replica-symmetric theory of Amit, Gutfreund and Sompolinsky


def _field() -> sp.Expr:
    r""":math:`u = (m + \sqrt{\alpha r}\,z)/T`, the field on a unit in units of :math:`T`."""
    return (m + sp.sqrt(alpha * r) * z) / T


def _denominator() -> sp.Expr:
    """``1 - beta (1 - q)`` with ``beta = 1/T``."""
    return 1 - (1 - q) / T


def ags_free_energy() -> sp.Expr:
    r"""The replica-symmetric free energy per unit :math:`f(m, q, r)` (AGS 1987)."""
    d = _denominator()
    return (
        m**2 / 2
        + alpha / 2
        + alpha * T / 2 * sp.log(d)
        - alpha * q / (2 * d)
        + alpha * r * (1 - q) / (2 * T)
        - GaussianAverage(T * sp.log(2 * sp.cosh(_field())), z)
    )


def ags_gradient() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    r""":math:`(\partial_m f, \partial_q f, \partial_r f)`, the last after Gaussian
    integration by parts (no :math:`1/\sqrt r`)."""
    u = _field()
    return (
        m - GaussianAverage(sp.tanh(u), z),
        alpha / (2 * T) * (q / _denominator() ** 2 - r),
        alpha / (2 * T) * (GaussianAverage(sp.tanh(u) ** 2, z) - q),
    )


def replica_symmetric_derivation(model) -> Derivation:
    """The AGS free energy from the replica limit, and its stationarity in (m, q, r)."""
    u = _field()
    X = 2 * sp.cosh(u)
    L_n, W_n, Lam = sp.Symbol("L_n"), sp.Symbol("W_n"), sp.IndexedBase(r"\Lambda")
    f_n = (
        m**2 / 2
        + alpha / 2
        + alpha * T / (2 * n) * L_n
        + alpha * (n - 1) * r * q / (2 * T)
        - T / n * sp.log(W_n)
    )
    det_form = D ** (n_replicas - 1) * (D - n_replicas * q / T)
    log_det = (n - 1) * sp.log(D) + sp.log(D - n * q / T)
    log_det_limit = sp.log(D) - q / (T * D)
    hs = GaussianAverage(sp.exp(sp.sqrt(alpha * r) * z * x / T), z)
    single_site = GaussianAverage(T * sp.log(X), z)
    f_rs = ags_free_energy()
    grad_m, grad_q, grad_r = ags_gradient()
    noise_average = alpha * (1 - q) / (2 * T) - to_tanh(sp.diff(f_rs, r))
    stein_value = sp.sqrt(alpha * r) / T * (1 - GaussianAverage(sp.tanh(u) ** 2, z))
    phi = sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)
    a, b = sp.symbols("a b", integer=True)
    steps = (
        Step(Named(alpha, P / N), P / N, "The load: $P = \\alpha N$ patterns", rule="define"),
        Step(
            sp.Symbol("f_n"),
            f_n,
            "Replica method: $n$ copies of the network averaged over the patterns "
            "$\\mu \\ge 2$, pattern 1 retrieved ($m_a = m$); the overlaps with the other "
            "patterns are Gaussian and integrate out into $L_n = \\log\\det\\Lambda$; the "
            "spin overlaps $q_{ab}$ enter with conjugates $r_{ab}$; replica symmetry "
            "$q_{a \\ne b} = q$, $r_{a \\ne b} = r$; saddle point as N -> oo. $W_n$ is the "
            "trace over the $n$ replicated spins of one unit",
            rule="quoted",
            reference=AGS_1987 + ", sec. 2; " + HKP + ", sec. 2.5; " + CKS,
        ),
        Step(
            Lam[a, b],
            D * sp.KroneckerDelta(a, b) - q / T,
            "The replica-symmetric matrix, $\\Lambda_{ab} = \\delta_{ab} - \\beta q_{ab}$ "
            "with $q_{aa} = 1$ and $D = 1 - \\beta(1 - q)$",
            rule="define",
        ),
        Step(
            sp.Symbol(r"\det\Lambda"),
            det_form,
            "The all-ones vector is an eigenvector (eigenvalue $D - nq/T$), the vectors "
            "orthogonal to it have $D$ ($n - 1$ of them)",
            via=replica_determinant(n_replicas, D, q / T),
        ),
        Step(
            L_n, log_det.subs(n, n_replicas), "Take the logarithm ($D > 0$)", via=sp.log(det_form)
        ),
        Step(
            sp.Limit(L_n / n, n, 0),
            log_det_limit,
            "Continue to real $n$ and let $n \\to 0$",
            via=sp.Limit(log_det / n, n, 0),
        ),
        Step(
            hs,
            sp.exp(alpha * r * x**2 / (2 * T**2)),
            "Hubbard-Stratonovich: with $x = \\sum_a s^a$ and $(s^a)^2 = 1$ the replica "
            "coupling $\\frac{\\alpha r}{2T^2}\\sum_{a \\ne b} s^a s^b = "
            "\\frac{\\alpha r}{2T^2}(x^2 - n)$ becomes a Gaussian field $z$ shared by the "
            "replicas",
            via=hs.as_integral(),
        ),
        Step(
            W_n,
            sp.exp(-n * alpha * r / (2 * T**2)) * GaussianAverage(X**n, z),
            "Given $z$ the replicas decouple: each sums $e^{\\pm u}$ over its spin, "
            "$u = (m + \\sqrt{\\alpha r} z)/T$",
            via=sp.exp(-n * alpha * r / (2 * T**2))
            * GaussianAverage(sp.Sum(sp.exp(u * (2 * k - 1)), (k, 0, 1)) ** n, z),
        ),
        Step(
            T * sp.Limit(sp.log(GaussianAverage(X**n, z)) / n, n, 0),
            single_site,
            "$\\operatorname{E}_z X^n = 1 + n\\,\\operatorname{E}_z \\log X + O(n^2)$",
            via=sp.Subs(sp.Derivative(GaussianAverage(T * X**n, z), n), n, 0),
        ),
        Step(D, _denominator(), "Back to $q$ and $T$", rule="define"),
        Step(
            f_of,
            f_rs,
            "Collect the limits as $n \\to 0$; $-\\frac{T}{n}\\log W_n \\to "
            "\\frac{\\alpha r}{2T} - \\operatorname{E}_z[T \\log 2\\cosh u]$",
            via=sp.Limit(
                m**2 / 2
                + alpha / 2
                + alpha * (n - 1) * r * q / (2 * T)
                + T / n * n * alpha * r / (2 * T**2),
                n,
                0,
            )
            + alpha * T / 2 * log_det_limit
            - single_site,
        ),
        Step(
            sp.Subs(f_of, alpha, 0),
            m**2 / 2 - T * sp.log(2 * sp.cosh(m / T)),
            "Check: at zero load it is the free energy of a Mattis state",
            via=f_rs.subs(alpha, 0),
        ),
        Step(sp.Derivative(f_of, m), grad_m, "Differentiate in $m$", via=sp.Derivative(f_of, m)),
        Step(sp.Derivative(f_of, q), grad_q, "Differentiate in $q$", via=sp.Derivative(f_of, q)),
        Step(
            sp.Derivative(f_of, r),
            alpha * (1 - q) / (2 * T) - noise_average,
            "Differentiate in $r$ under the average: $\\partial_r\\sqrt{r} = "
            "1/(2\\sqrt{r})$ brings down a factor $z$",
            via=sp.Derivative(f_of, r),
        ),
        Step(
            z * phi * sp.tanh(u) - phi * sp.Derivative(sp.tanh(u), z),
            -sp.Derivative(phi * sp.tanh(u), z),
            "Gaussian integration by parts: $z\\,\\varphi(z) = -\\varphi'(z)$ for the "
            "normal density $\\varphi$",
            via=z * phi * sp.tanh(u) - phi * sp.diff(sp.tanh(u), z),
        ),
        Step(
            GaussianAverage(z * sp.tanh(u), z),
            stein_value,
            "The integral of the total derivative of a bounded function times $\\varphi$ "
            "vanishes: $\\operatorname{E}_z[z g(z)] = \\operatorname{E}_z[g'(z)]$ "
            f"(Stein's lemma, {STEIN})",
            via=expand_average(stein(GaussianAverage(z * sp.tanh(u), z))),
        ),
        Step(
            sp.Derivative(f_of, r),
            grad_r,
            "Linearity of the average and the previous line: no $1/\\sqrt{r}$ is left",
            via=(alpha * (1 - q) / (2 * T) - expand_average(noise_average)).subs(
                GaussianAverage(z * sp.tanh(u), z), stein_value
            ),
        ),
        Step(
            _label(m),
            GaussianAverage(sp.tanh(u), z),
            "Stationarity in $m$: the retrieval overlap",
            via=m - grad_m,
        ),
        Step(
            _label(q),
            GaussianAverage(sp.tanh(u) ** 2, z),
            "Stationarity in $r$: the Edwards-Anderson order parameter",
            via=q + 2 * T / alpha * grad_r,
        ),
        Step(
            _label(r),
            q / _denominator() ** 2,
            "Stationarity in $q$: $r$, the mean square of the uncondensed overlaps times $N/P$",
            via=r + 2 * T / alpha * grad_q,
        ),
    )
    return Derivation(
        title="Extensive load: the replica-symmetric theory",
        steps=steps,
        results=(("r", q / _denominator() ** 2),),
        intro="With $P = \\alpha N$ patterns the crosstalk is a random field of variance "
        "$\\alpha r$ on every unit; the replica method averages over the patterns.",
        references=(AGS_1987, HKP, CKS),
    )


# --------------------------------------------------------------------------
# Lines of the phase diagram


def phase_diagram_derivation(model) -> Derivation:
    """T_g = 1 + sqrt(alpha) from the small-q expansion; T_M and T_c as definitions."""
    q_of = sp.Function("q")(v)
    q_average = GaussianAverage(sp.tanh(v * z / T) ** 2, z)
    w = sp.Symbol("w", real=True)  # the integration variable, apart from the bound z
    q_integral = GaussianAverage(sp.tanh(v * w / T) ** 2, w).as_integral()
    r_of = sp.Function("r")(q)
    q_curvature = sp.Subs(sp.Derivative(q_of, (v, 2)), v, 0) / 2
    r_slope = sp.Subs(sp.Derivative(r_of, q), q, 0)
    slope = sp.Symbol(r"\lambda_g")
    slope_expr = alpha / (T - 1) ** 2
    t_g = 1 + sp.sqrt(alpha)
    steps = (
        Step(
            q_of,
            q_average,
            "At $m = 0$ the $q$ equation depends on $r$ through $v = \\sqrt{\\alpha r}$",
            rule="define",
        ),
        Step(
            q_curvature,
            1 / T**2,
            "So $q \\approx \\alpha r/T^2$ for small $r$ (the average as an integral over "
            "$z$, differentiated under the integral sign)",
            via=sp.Subs(sp.Derivative(q_integral, (v, 2)), v, 0) / 2,
        ),
        Step(r_of, q / _denominator() ** 2, "The $r$ equation", rule="define"),
        Step(
            r_slope,
            T**2 / (T - 1) ** 2,
            "So $r \\approx q T^2/(T - 1)^2$ for small $q$",
            via=r_slope,
        ),
        Step(
            slope,
            slope_expr,
            "The linearised map $q \\to r \\to q$ about the paramagnet $q = r = 0$; "
            "a solution $q > 0$ branches off where its slope is one",
            via=alpha / T**2 * T**2 / (T - 1) ** 2,
        ),
        Step(T_g, t_g, "The spin-glass temperature", rule="define"),
        Step(
            sp.Symbol(r"\lambda_g(T_g)"),
            sp.Integer(1),
            "Check: the slope is one at $T_g$, the root above $T = 1$ (below it "
            "$1 - \\beta(1 - q) < 0$ at $q = 0$)",
            via=slope_expr.subs(T, T_g),
        ),
        Step(
            sp.Function("T_M")(alpha),
            sp.Symbol(r"\max\{T : m \ne 0\}"),
            "The retrieval line: the highest temperature with a solution $m \\ne 0$ "
            "(from the equations, numerically; $T_M \\to 1$ as $\\alpha \\to 0$, "
            "$T_M = 0$ at $\\alpha_c$)",
            rule="define",
        ),
        Step(
            sp.Function("T_c")(alpha),
            sp.Symbol(r"\max\{T : f_{m \ne 0} < f_{m = 0}\}"),
            "The line below which the retrieval states are the global minima of $f$ "
            "(numerically; it reaches $T = 0$ at $\\alpha \\approx 0.051$)",
            rule="define",
        ),
    )
    return Derivation(
        title="Lines of the phase diagram",
        steps=steps,
        results=(("T_g", t_g),),
        intro="Paramagnet above $T_g$, spin glass below it, retrieval states below "
        "$T_M$, and retrieval as the equilibrium below $T_c$.",
        references=(AGS_1987, HKP),
    )


# --------------------------------------------------------------------------
# The equations for the solver

_EXTREMA_NOTE = (
    "Stability convention: a maximum in q (or C) with (m, r) fixed, then a minimum in "
    "(m, r); it classifies the retrieval and spin-glass solutions below T = 1 as stable "
    "and the lower retrieval branch as unstable."
)


def ags_equations(model) -> SelfConsistency:
    r"""The replica-symmetric equations of Amit, Gutfreund and Sompolinsky in
    :math:`(m, q, r)`.

    The pair :math:`(q, r)` is conjugate: the replica free energy has a saddle in it.
    ``extremum = ("min", "max", "min")`` (a maximum in :math:`q` at fixed :math:`(m, r)`,
    then a minimum in :math:`(m, r)`) classifies the retrieval and spin-glass solutions
    at :math:`T < 1` as stable and the lower retrieval branch near :math:`\alpha_c` as
    unstable.  It fails where :math:`\partial_q^2 f > 0`, i.e. above
    :math:`T = 1 + q` (the paramagnet and the spin glass near :math:`T_g`): there the
    stability is the sign of the curvature in :math:`m` with :math:`(q, r)` at their
    stationary values (:math:`1 - \beta(1 - q)` at :math:`m = 0`).  The box
    :math:`r \le` ``R_MAX`` holds every solution at :math:`\alpha \ge 0.008`.
    """
    from .meanfield import _ordered_parameters

    u = _field()
    free = ags_free_energy()
    return SelfConsistency(
        name="Amit-Gutfreund-Sompolinsky (replica symmetric)",
        unknowns=(m, q, r),
        fixed_point=(
            GaussianAverage(sp.tanh(u), z),
            GaussianAverage(sp.tanh(u) ** 2, z),
            q / _denominator() ** 2,
        ),
        free_energy=free,
        residual=ags_gradient(),
        observables=(("m", m), ("q", q), ("r", r)),
        parameters=_ordered_parameters(model, [free]),
        domain=((-1.0, 1.0), (0.0, 1.0), (0.0, R_MAX)),
        critical_temperature=None,
        extremum=("min", "max", "min"),
    )


def ags_zero_temperature_equations(model) -> SelfConsistency:
    r"""The :math:`T = 0` equations in :math:`(m, C, r)`, :math:`C = \beta(1 - q)`, with the
    energy :math:`e_0` (closed form, no Gaussian average); ``extremum`` as in
    :func:`ags_equations` (a maximum in :math:`C`)."""
    from .meanfield import _ordered_parameters

    energy = zero_temperature_energy()
    return SelfConsistency(
        name="Amit-Gutfreund-Sompolinsky at T = 0",
        unknowns=(m, C, r),
        fixed_point=zero_temperature_fixed_point(),
        free_energy=energy,
        residual=zero_temperature_gradient(),
        observables=(("m", m), ("C", C), ("r", r)),
        parameters=_ordered_parameters(model, [energy]),
        domain=((-1.0, 1.0), (0.0, 1.0), (1.0, R_MAX)),
        critical_temperature=None,
        extremum=("min", "max", "min"),
    )
