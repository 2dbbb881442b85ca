r"""The replica theory of the Sherrington-Kirkpatrick model, replica symmetric.

:func:`replica_derivation` goes from :math:`\mathbb{E}_J\log Z` to the
replica-symmetric (RS) free energy per spin

.. math::

    f_{\rm RS}(m, q) = -\frac{\beta J^2}{4}(1-q)^2 + \frac{J_0 m^2}{2}
        - \frac{1}{\beta}\,\mathbb{E}_z \log 2\cosh\Xi,\qquad
    \Xi = \beta\,(J\sqrt{q}\,z + J_0 m + h),

(Sherrington and Kirkpatrick 1975; Nishimori 2001, eq. (2.16) with
:math:`J_0 \to J_0`, :math:`h \to h`), and :func:`saddle_point_derivation`
differentiates it (under the Gaussian average, with Stein's lemma for the
:math:`z` that :math:`\partial_q\sqrt{q}` brings down) into

.. math::

    m = \mathbb{E}_z\tanh\Xi,\qquad q = \mathbb{E}_z\tanh^2\Xi .

:func:`rs_equations` gives them to the solver as a
:class:`~statmech.derive.meanfield.SelfConsistency` in :math:`(m, q)`, a minimum
in :math:`m` and a maximum in :math:`q` (the :math:`n \to 0` limit turns the
number :math:`n(n-1)/2` of overlaps negative; Mezard, Parisi and Virasoro 1987,
ch. III).  Here :math:`\beta = 1/T` is a symbol of its own in the steps; the
equations the solver reads are written in :math:`T`.

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975).
M. Mezard, G. Parisi and M. A. Virasoro, Spin Glass Theory and Beyond (1987).
H. Nishimori, Statistical Physics of Spin Glasses and Information Processing
(2001), sec. 2.1-2.3.
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .averages import STEIN, expand_average, stein, taylor_average, to_tanh
from .derivation import Derivation, Step
from .disorder import (
    GAUSSIAN_MGF,
    J0,
    SK_1975,
    DisorderAverage,
    J_ij,
    SpinTrace,
    UnitInterval,
    coupling_law_steps,
    t,
    z,
)
from .gaussian import GaussianAverage
from .meanfield import SelfConsistency, m

MPV = "M. Mezard, G. Parisi and M. A. Virasoro, Spin Glass Theory and Beyond (1987), ch. I-III"
NISHIMORI = (
    "H. Nishimori, Statistical Physics of Spin Glasses and Information Processing (2001), "
    "sec. 2.2-2.3"
)

beta, J, N, h, T = sym.beta, sym.J, sym.N, sym.h, sym.T
#: The spin-glass order parameter, an overlap in [0, 1).
q = UnitInterval("q", positive=True)
n = sp.Symbol("n", positive=True)
X = sp.Symbol("X_ij", real=True)  # sum over replicas of s_i^a s_j^a
M2 = sp.Symbol("M_2", nonnegative=True)  # sum_a m_a^2
Q2 = sp.Symbol("Q_2", nonnegative=True)  # sum_{a<b} q_ab^2
S = sp.Symbol("S", real=True)  # sum_a s^a on one site
A = sp.Symbol("A", positive=True)
x, y = sp.symbols("x y", real=True)
G = sp.Function("G")(n)
trace = sp.Symbol(r"\operatorname{Tr} e^{L}", positive=True)
Phi = sp.Symbol("Phi")
f_RS = sp.Function("f_RS")(m, q)
Xi = sp.Symbol("Xi", real=True)

#: The effective field of one replica-symmetric spin, times beta.
FIELD = beta * (J * sp.sqrt(q) * z + J0 * m + h)
#: f_RS(m, q) in beta.
RS_FREE_ENERGY = (
    -beta * J**2 * (1 - q) ** 2 / 4
    + J0 * m**2 / 2
    - GaussianAverage(sp.log(2 * sp.cosh(FIELD)), z) / beta
)


def _replica_sums():
    s = sp.IndexedBase("s")
    a = sp.Symbol("a", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True, positive=True)
    pair = sp.Sum(s[i, a] * s[j, a], (a, 1, n))
    field = sp.Sum(s[i, a], (a, 1, n), (i, 1, N))
    exponent = beta * sp.Sum(J_ij * pair, (j, i + 1, N), (i, 1, N)) + beta * h * field
    return s, a, i, j, exponent


def replica_derivation() -> Derivation:
    r"""From :math:`\mathbb{E}_J \log Z` to :math:`f_{\rm RS}(m, q)`, step by step."""
    Z = sp.Symbol("Z", positive=True)
    s, a, i, j, exponent = _replica_sums()
    X_ = sp.IndexedBase("X")
    pair_sum = sp.Sum(X_[i, j], (j, i + 1, N), (i, 1, N))
    pair_square = sp.Sum(X_[i, j] ** 2, (j, i + 1, N), (i, 1, N))
    sum_x = (N**2 * M2 - n * N) / 2
    sum_x2 = n * N * (N - 1) / 2 + N**2 * Q2 - N * n * (n - 1) / 2
    phi = N * (beta * J0 * M2 / 2 + beta**2 * J**2 * Q2 / 2 + n * beta**2 * J**2 / 4)
    phi_full = phi - beta * J0 * n / 2 - n * beta**2 * J**2 / 4 - beta**2 * J**2 * n * (n - 1) / 4
    hs = sp.sqrt(N * A / (2 * sp.pi)) * sp.Integral(
        sp.exp(-N * A * y**2 / 2 + N * A * x * y), (y, -sp.oo, sp.oo)
    )
    G_general = (
        -(beta**2) * J**2 * Q2 / 2 - beta * J0 * M2 / 2 + n * beta**2 * J**2 / 4 + sp.log(trace)
    )
    trace_rs = sp.exp(-n * beta**2 * J**2 * q / 2) * GaussianAverage((2 * sp.cosh(FIELD)) ** n, z)
    average_n = GaussianAverage((2 * sp.cosh(FIELD)) ** n, z)
    log_trace_rs = -n * beta**2 * J**2 * q / 2 + sp.log(average_n)
    G_rs = (
        -(beta**2) * J**2 * n * (n - 1) * q**2 / 4
        - beta * J0 * n * m**2 / 2
        + n * beta**2 * J**2 / 4
        - n * beta**2 * J**2 * q / 2
        + sp.log(average_n)
    )
    minus_beta_f = (
        beta**2 * J**2 * (1 - q) ** 2 / 4
        - beta * J0 * m**2 / 2
        + GaussianAverage(sp.log(2 * sp.cosh(FIELD)), z)
    )
    L_rs = beta**2 * J**2 * q * (S**2 - n) / 2 + beta * (J0 * m + h) * S
    steps = (
        Step(
            sp.Limit((Z**n - 1) / n, n, 0),
            sp.log(Z),
            "The replica trick: $\\mathbb{E}_J \\log Z = \\lim_{n\\to 0} "
            "(\\mathbb{E}_J Z^n - 1)/n$, and $Z^n$ is the partition function of $n$ "
            "replicas $s^a$ of the system in the same couplings",
            via=sp.Limit((Z**n - 1) / n, n, 0),
        ),
        Step(
            DisorderAverage(Z**n),
            SpinTrace(DisorderAverage(sp.exp(exponent))),
            "Replicated partition function, $n$ a positive integer for now",
            rule="define",
        ),
        *coupling_law_steps(),
        Step(
            DisorderAverage(sp.exp(beta * J_ij * X)),
            sp.exp(beta * J0 * X / N + beta**2 * J**2 * X**2 / (2 * N)),
            "Each pair couples through $X_{ij} = \\sum_a s_i^a s_j^a$: the moment generating "
            "function at $t = \\beta X_{ij}$",
            via=GAUSSIAN_MGF.subs(t, beta * X),
        ),
        Step(
            pair_sum,
            sum_x,
            "With the magnetizations $m_a = \\sum_i s_i^a / N$ and $M_2 = \\sum_a m_a^2$: "
            "$(\\sum_i s_i^a)^2 = N + 2\\sum_{i<j} s_i^a s_j^a$",
            rule="given",
        ),
        Step(
            pair_square,
            sum_x2,
            "With the overlaps $q_{ab} = \\sum_i s_i^a s_i^b / N$ and "
            "$Q_2 = \\sum_{a<b} q_{ab}^2$: $X_{ij}^2 = \\sum_{a,b} s_i^a s_i^b s_j^a s_j^b$ "
            "and $(N q_{ab})^2 = N + 2\\sum_{i<j} s_i^a s_i^b s_j^a s_j^b$, with "
            "$q_{aa} = 1$",
            rule="given",
        ),
        Step(
            Phi,
            phi_full,
            "The exponent after averaging, $\\Phi = \\frac{\\beta J_0}{N}\\sum_{i<j} X_{ij} + "
            "\\frac{\\beta^2 J^2}{2N}\\sum_{i<j} X_{ij}^2$: the couplings are gone, the "
            "replicas interact through $m_a$ and $q_{ab}$",
            via=beta * J0 / N * sum_x + beta**2 * J**2 / (2 * N) * sum_x2,
        ),
        Step(
            Phi / N,
            phi / N,
            "Keep the extensive part",
            rule="asymptotic",
            via=phi_full / N,
            large=N,
        ),
        Step(
            hs,
            sp.exp(N * A * x**2 / 2),
            "Hubbard-Stratonovich: each square becomes a Gaussian integral linear in the spins; "
            "$A = \\beta^2 J^2$, $x = q_{ab}$ for each pair $a<b$ and $A = \\beta J_0$, "
            "$x = m_a$ for each replica ($J_0 > 0$); the integration variable $y$ is the "
            "new $q_{ab}$ or $m_a$",
            via=hs,
        ),
        Step(
            G,
            G_general,
            "The sites decouple: $\\mathbb{E}_J Z^n = \\int \\prod_{a<b} dq_{ab} \\prod_a dm_a\\,"
            "e^{N G(q, m)}$, where $\\operatorname{Tr} e^{L}$ is the sum over the $n$ spins "
            "$s^a = \\pm 1$ of one site with "
            "$L = \\beta^2 J^2 \\sum_{a<b} q_{ab} s^a s^b + \\beta\\sum_a (J_0 m_a + h) s^a$",
            rule="define",
        ),
        Step(
            -beta * sym.F / N,
            sp.Limit(G / n, n, 0),
            "Laplace's method as $N \\to \\infty$ at the saddle point $(q_{ab}, m_a)$ of $G$, "
            "then $n \\to 0$ (the two limits exchanged)",
            rule="quoted",
            reference=MPV,
        ),
        Step(
            sp.Symbol("L_RS"),
            L_rs,
            "Replica symmetry: $q_{ab} = q$, $m_a = m$; with $S = \\sum_a s^a$, "
            "$\\sum_{a<b} s^a s^b = (S^2 - n)/2$",
            rule="define",
        ),
        Step(
            GaussianAverage(sp.exp(beta * J * sp.sqrt(q) * z * S), z),
            sp.exp(beta**2 * J**2 * q * S**2 / 2),
            "The square $S^2$ linearised by one Gaussian field $z$",
            via=GaussianAverage(sp.exp(beta * J * sp.sqrt(q) * z * S), z).as_integral(),
        ),
        Step(
            trace,
            trace_rs,
            "For each $z$ the $n$ replicas are independent spins in the field "
            "$J\\sqrt{q} z + J_0 m + h$: $\\sum_{s = \\pm 1} e^{\\Xi s} = 2\\cosh\\Xi$",
            via=sp.exp(-n * beta**2 * J**2 * q / 2)
            * GaussianAverage((sp.exp(FIELD) + sp.exp(-FIELD)) ** n, z),
        ),
        Step(
            G,
            G_rs,
            "$Q_2 = n(n-1)q^2/2$, $M_2 = n m^2$ and the trace",
            via=G_general.subs({Q2: n * (n - 1) * q**2 / 2, M2: n * m**2}).subs(
                sp.log(trace), log_trace_rs
            ),
        ),
        Step(G.subs(n, 0), sp.Integer(0), "No replicas, nothing: $G(0) = 0$", via=G_rs.subs(n, 0)),
        Step(
            sp.Limit(G / n, n, 0),
            minus_beta_f,
            "So the limit is the slope $G'(0)$; "
            "$\\partial_n \\log\\mathbb{E}_z(2\\cosh\\Xi)^n = \\mathbb{E}_z \\log 2\\cosh\\Xi$ "
            "at $n = 0$",
            via=sp.Subs(sp.Derivative(G_rs, n), n, 0),
        ),
        Step(
            f_RS,
            RS_FREE_ENERGY,
            "The replica-symmetric free energy per spin, $\\Xi = \\beta(J\\sqrt{q} z + J_0 m + h)$",
            via=-minus_beta_f / beta,
        ),
        Step(
            f_RS.subs({m: 0, q: 0}),
            -sp.log(2) / beta - beta * J**2 / 4,
            "Check: the paramagnet $m = q = 0$ at $h = 0$ is the annealed free energy "
            "$-T\\log 2 - J^2/(4T)$",
            via=RS_FREE_ENERGY.subs({m: 0, q: 0, h: 0}),
        ),
    )
    return Derivation(
        title="The replica trick",
        steps=steps,
        results=(),
        intro="The quenched average $\\mathbb{E}_J \\log Z$ through $n$ replicas, "
        "the Gaussian average over the couplings, the order parameters $q_{ab}$ and $m_a$, "
        "replica symmetry and $n \\to 0$. Here $\\beta = 1/T$.",
        references=(SK_1975, MPV, NISHIMORI),
    )


def rs_derivatives():
    """``(df/dm, df/dq)`` of f_RS in their final forms, and the intermediate forms."""
    tanh = sp.tanh(FIELD)
    dm_raw = to_tanh(sp.diff(RS_FREE_ENERGY, m))
    dq_raw = to_tanh(sp.diff(RS_FREE_ENERGY, q))
    stein_value = beta * J * sp.sqrt(q) * (1 - GaussianAverage(tanh**2, z))
    dq = beta * J**2 / 2 * (GaussianAverage(tanh**2, z) - q)
    dm = J0 * (m - GaussianAverage(tanh, z))
    return dm_raw, dq_raw, stein_value, dm, dq


def saddle_point_derivation() -> Derivation:
    r""":math:`\partial f_{\rm RS}/\partial m = \partial f_{\rm RS}/\partial q = 0`: the
    RS self-consistency equations."""
    tanh = sp.tanh(FIELD)
    phi = sp.exp(-(z**2) / 2) / sp.sqrt(2 * sp.pi)
    dm_raw, dq_raw, stein_value, dm, dq = rs_derivatives()
    df_dm = sp.Function("f_m")(m, q)
    df_dq = sp.Function("f_q")(m, q)
    r = sp.Symbol("r", positive=True)
    f0 = RS_FREE_ENERGY.subs({h: 0, J0: 0})
    expansion = taylor_average(
        GaussianAverage(sp.log(2 * sp.cosh(beta * J * r * z)), z), r, 4
    ).subs(r, sp.sqrt(q))
    average0 = GaussianAverage(sp.log(2 * sp.cosh(beta * J * sp.sqrt(q) * z)), z)
    steps = (
        Step(f_RS, RS_FREE_ENERGY, "The replica-symmetric free energy", rule="given"),
        Step(
            df_dm,
            J0 * m - GaussianAverage(beta * J0 * tanh, z) / beta,
            "Differentiate in $m$ under the average",
            via=sp.Derivative(f_RS, m),
        ),
        Step(df_dm, dm, "Linearity of the average", via=expand_average(dm_raw)),
        Step(
            m,
            GaussianAverage(tanh, z),
            "Stationarity in $m$ ($J_0 > 0$): the magnetization",
            via=m - dm / J0,
        ),
        Step(
            df_dq,
            beta * J**2 * (1 - q) / 2
            - GaussianAverage(beta * J * z * tanh / (2 * sp.sqrt(q)), z) / beta,
            "Differentiate in $q$ under the average: $\\partial_q \\sqrt{q} = 1/(2\\sqrt{q})$ "
            "brings down a factor $z$",
            via=sp.Derivative(f_RS, q),
        ),
        Step(
            z * phi * tanh - phi * sp.Derivative(tanh, z),
            -sp.Derivative(phi * tanh, z),
            "Gaussian integration by parts: $z\\,\\varphi(z) = -\\varphi'(z)$ for the normal "
            "density $\\varphi$",
            via=z * phi * tanh - phi * sp.diff(tanh, z),
        ),
        Step(
            GaussianAverage(z * tanh, z),
            stein_value,
            "The integral of a total derivative of a bounded function times $\\varphi$ "
            "vanishes: $\\mathbb{E}_z[z g(z)] = \\mathbb{E}_z[g'(z)]$ (Stein's lemma, "
            f"{STEIN}), with $g = \\tanh\\Xi$, $g' = \\beta J \\sqrt{{q}}(1 - \\tanh^2\\Xi)$",
            via=expand_average(stein(GaussianAverage(z * tanh, z))),
        ),
        Step(
            df_dq,
            dq,
            "Linearity, and the previous line",
            via=expand_average(dq_raw).subs(GaussianAverage(z * tanh, z), stein_value),
        ),
        Step(
            q,
            GaussianAverage(tanh**2, z),
            "Stationarity in $q$: the Edwards-Anderson order parameter",
            via=q + 2 * dq / (beta * J**2),
        ),
        Step(
            f_RS.subs({m: 0}) - f_RS.subs({m: 0, q: 0}),
            beta * J**2 * (beta**2 * J**2 - 1) * q**2 / 4,
            "At $h = J_0 = 0$, to order $q^2$ (Taylor in $\\sqrt{q}$ under the average, "
            "then Gaussian moments): above $T = J$ the paramagnet $q = 0$ is a maximum of "
            "$f_{\\rm RS}$ in $q$. The saddle point of the $n \\to 0$ theory is a maximum in "
            "$q$ (there are $n(n-1)/2 < 0$ overlaps) and a minimum in $m$",
            via=sp.expand(f0.subs(average0, expansion) - f0.subs(q, 0)),
        ),
    )
    return Derivation(
        title="The replica-symmetric saddle point",
        steps=steps,
        results=(),
        intro="Stationarity of $f_{\\rm RS}(m, q)$, differentiated under the Gaussian average.",
        references=(SK_1975, NISHIMORI, MPV),
    )


def _in_T(expr: sp.Expr) -> sp.Expr:
    return expr.subs(beta, 1 / T)


def rs_energy() -> sp.Expr:
    r"""RS energy per spin at a solution, :math:`u = -\frac{\beta J^2}{2}(1 - q^2)
    - \frac{J_0 m^2}{2} - h m` (in :math:`\beta`)."""
    return -beta * J**2 * (1 - q**2) / 2 - J0 * m**2 / 2 - h * m


def replicon() -> sp.Expr:
    r"""The replicon eigenvalue :math:`1 - (\beta J)^2\,\mathbb{E}_z\operatorname{sech}^4\Xi`
    (in :math:`\beta`): RS is stable where it is positive (de Almeida-Thouless)."""
    return 1 - beta**2 * J**2 * GaussianAverage(sp.sech(FIELD) ** 4, z)


def _regular(expr: sp.Expr) -> sp.Expr:
    """Linearity and Stein's lemma until no average of ``z`` times a function is left."""
    for _ in range(4):
        new = stein(expand_average(to_tanh(expr)))
        if new == expr:
            break
        expr = new
    return expand_average(expr)


def rs_hessian() -> tuple[tuple[sp.Expr, ...], ...]:
    r"""The Hessian of :math:`f_{\rm RS}` in :math:`(m, q)`, in :math:`T`, with every factor
    :math:`z/\sqrt{q}` that differentiation in :math:`q` brings down removed by Stein's
    lemma, so that each entry is finite at :math:`q = 0` (the naive derivative of the
    residuals is not)."""
    dm, dq = rs_derivatives()[3:]
    return tuple(
        tuple(sp.expand_mul(_in_T(_regular(sp.diff(g, x)))) for x in (m, q)) for g in (dm, dq)
    )


def rs_equations(model=None) -> SelfConsistency:
    r"""The RS equations of the SK model as the solver's value: unknowns :math:`(m, q)`.

    The residuals are :math:`m - \mathbb{E}_z\tanh\Xi` (that is
    :math:`\partial_m f_{\rm RS}/J_0`, finite at :math:`J_0 = 0`, where :math:`f` does not
    depend on :math:`m` and the magnetization is still this average) and
    :math:`\partial_q f_{\rm RS} = \frac{J^2}{2T}(\mathbb{E}_z\tanh^2\Xi - q)`; both are
    the gradient up to a positive factor per row, which keeps the min-max test.  The
    free energy is a minimum in :math:`m` and a maximum in :math:`q`.

    Examples
    --------
    >>> eq = rs_equations()
    >>> eq.unknowns, eq.extremum
    ((m, q), ('min', 'max'))
    """
    tanh = sp.tanh(FIELD)
    fixed = (_in_T(GaussianAverage(tanh, z)), _in_T(GaussianAverage(tanh**2, z)))
    f = _in_T(RS_FREE_ENERGY)
    u = _in_T(rs_energy())
    residual = (m - fixed[0], _in_T(rs_derivatives()[4]))
    parameters = (T, J, J0, h)
    if model is not None:
        parameters = tuple(p.symbol for p in model.parameters if p.symbol in parameters)
    return SelfConsistency(
        name="Sherrington-Kirkpatrick replica symmetric",
        unknowns=(m, q),
        fixed_point=fixed,
        free_energy=f,
        residual=residual,
        observables=(
            ("m", m),
            ("q", q),
            ("u", u),
            ("s", (u - f) / T),
            ("replicon", _in_T(replicon())),
        ),
        parameters=parameters,
        domain=((-1.0, 1.0), (0.0, 1.0)),
        critical_temperature=J,
        extremum=("min", "max"),
    )
