r"""Mean-field theory as derivations: Weiss, Bragg-Williams, Landau.

The generic verbs here act on any Ising-type model:

``mean_field_equations(model)``
    the self-consistency equations as a :class:`SelfConsistency` value: the
    unknowns, the fixed-point map, the free energy per spin whose stationary
    points the solutions are, and the domain; the numeric solver
    (:mod:`numeric.solve`) needs nothing else.
``weiss_derivation(model)``, ``variational_derivation(model)``,
``landau_expansion(model)``
    checked derivations of :math:`m = \tanh((zJm + h)/T)`, of the
    Bragg-Williams free energy

    .. math::

        f(m) = -\frac{zJ}{2} m^2 - h m - T s(m),\qquad
        s(m) = -\frac{1+m}{2}\log\frac{1+m}{2} - \frac{1-m}{2}\log\frac{1-m}{2},

    its stationarity and curvature, and of the Landau coefficients, the
    critical temperature :math:`T_c = zJ`, the exponents
    :math:`\beta = 1/2,\ \gamma = 1,\ \delta = 3`, the heat-capacity jump
    :math:`\Delta C = 3/2` per spin and the Curie-Weiss law
    :math:`\chi = 1/(T - T_c)`.

A model offers its own equations through the ``mean_field_equations`` hook
(the Bethe approximation does); otherwise the effective coupling :math:`zJ`
comes from the coupling data (a ``z`` parameter, the lattice coordination, or
:math:`J` for all-to-all coupling).

References
----------
P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907).
W. L. Bragg and E. J. Williams, Proc. R. Soc. A 145, 699 (1934).
N. Goldenfeld, Lectures on Phase Transitions and the Renormalization Group
(1992), ch. 4 and 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .model import TEMPERATURE, Model, Parameter

# --------------------------------------------------------------------------
# Symbols


class OrderParameter(sp.Symbol):
    """A real symbol confined to ``(-1, 1)`` (a magnetization).

    Step checks sample it inside :attr:`sample_interval`, where logarithms of
    :math:`1 \\pm m` are real.
    """

    sample_interval = ("-9/10", "9/10")


m = OrderParameter("m", real=True)
z = sp.Symbol("z", positive=True, integer=True)


#: Parameters of the lattice approximations (Weiss, Bethe-Peierls): T, J, h and z.
COORDINATION_PARAMETERS = (
    TEMPERATURE,
    Parameter(sym.J, "nearest-neighbour coupling (ferromagnetic > 0)", 1.0),
    Parameter(sym.h, "external field", 0.0),
    Parameter(z, "coordination number (4 square, 6 simple cubic)", 4),
)
T_c = sp.Symbol("T_c", positive=True)
f = sp.Function("f")(m)
f_L = sp.Function("f_L")(m)
f_prime = sp.Symbol("f'")
s_of_m = sp.Symbol("s")
e_of_m = sp.Symbol("e")
Omega_m = sp.Symbol("Omega_m")
H_MF = sp.Symbol("H_MF")


class log_binomial(sp.Function):  # noqa: N801 - a SymPy function is lower case
    r""":math:`\log\binom{n}{k}` for real arguments, through :math:`\log\Gamma`.

    Evaluated with mpmath, so that checks at :math:`n = 10^{16}` never form
    :math:`n!` exactly (SymPy's ``loggamma`` of an integer would).
    """

    nargs = 2

    def _eval_evalf(self, prec):
        n, k = (a.evalf(prec) for a in self.args)
        if not (n.is_Number and k.is_Number):
            return None
        with mpmath.workprec(prec):
            n, k = mpmath.mpf(n), mpmath.mpf(k)
            value = mpmath.loggamma(n + 1) - mpmath.loggamma(k + 1) - mpmath.loggamma(n - k + 1)
        return sp.Float(value, precision=prec)

    def _latex(self, printer):
        n, k = self.args
        return rf"\log\binom{{{printer._print(n)}}}{{{printer._print(k)}}}"


def spin_entropy(x: sp.Expr = m) -> sp.Expr:
    r"""Entropy per spin of independent :math:`\pm1` spins with mean ``x``."""
    up, down = (1 + x) / 2, (1 - x) / 2
    return -up * sp.log(up) - down * sp.log(down)


# --------------------------------------------------------------------------
# The value the solver consumes


#: What the solver does with each unknown's direction of the free energy.
EXTREMA = ("min", "max")


@dataclass(frozen=True)
class SelfConsistency:
    r"""Self-consistency equations :math:`x = g(x)` with their free energy.

    Attributes
    ----------
    name : str
        What the equations are (``"Weiss mean field"``, ``"Bethe-Peierls"``).
    unknowns : tuple of Symbol
        The order parameters :math:`x` (one for Weiss and Bethe; several for
        replica theories, e.g. :math:`(m, q)` or the :math:`(m, q, r)` of
        Amit, Gutfreund and Sompolinsky).
    fixed_point : tuple of Expr
        :math:`g(x)`; the solutions satisfy :math:`x = g(x)`.
    free_energy : Expr
        Free energy per spin :math:`\phi(x)` whose stationary points are the
        solutions.  It may contain
        :class:`~statmech.derive.gaussian.GaussianAverage` terms.
    residual : tuple of Expr
        :math:`\partial\phi/\partial x_i`, zero exactly at the solutions.
    observables : tuple of (str, Expr)
        Physical quantities at a solution; ``"m"`` (the magnetization) always.
    parameters : tuple of Symbol
        The control parameters the equations depend on, in model order.
    domain : tuple of (lower, upper)
        One interval per unknown (a box): open where the free energy is
        singular at an end (:math:`m = \pm 1`), closed where a solution may sit
        on it (:math:`q = 0`).  Systems must give a finite box.
    critical_temperature : Expr or None
        :math:`T_c` at zero field.
    extremum : tuple of {"min", "max"} or None
        For each unknown, whether a stable solution minimises (``"min"``, the
        default) or maximises (``"max"``) the free energy in that direction.
        Replica theories need ``"max"``: the free energy of :math:`n` replicas
        carries :math:`n(n-1)/2` overlaps :math:`q_{ab}`, a number that turns
        negative as :math:`n \to 0`, so that the saddle point of the
        replica-symmetric free energy is a maximum in :math:`q` (and in its
        conjugate) while it stays a minimum in the magnetization :math:`m`
        (Mezard, Parisi and Virasoro 1987, ch. III; Nishimori 2001, sec. 2.3).
        A solution is stable when it is a local maximum in the ``"max"``
        unknowns and, with those at their maximum, a local minimum in the
        ``"min"`` unknowns (:mod:`numeric.systems` states the test on the
        Hessian).  This is stability within the ansatz; the replicon
        (de Almeida-Thouless) condition is a separate check.

    References
    ----------
    M. Mezard, G. Parisi and M. A. Virasoro, Spin Glass Theory and Beyond
    (1987), ch. III.
    H. Nishimori, Statistical Physics of Spin Glasses and Information
    Processing (2001), sec. 2.3.
    """

    name: str
    unknowns: tuple[sp.Symbol, ...]
    fixed_point: tuple[sp.Expr, ...]
    free_energy: sp.Expr
    residual: tuple[sp.Expr, ...]
    observables: tuple[tuple[str, sp.Expr], ...]
    parameters: tuple[sp.Symbol, ...]
    domain: tuple[tuple[float, float], ...] = field(default=((-1.0, 1.0),))
    critical_temperature: sp.Expr | None = None
    extremum: tuple[str, ...] | None = None

    def __post_init__(self):
        n = len(self.unknowns)
        if len(self.residual) != n:
            raise ValueError(
                f"{self.name}: {len(self.residual)} residuals for {n} unknowns; "
                "give one residual per unknown"
            )
        if len(self.domain) != n:
            raise ValueError(
                f"{self.name}: {len(self.domain)} domain intervals for {n} unknowns; "
                "give one (lower, upper) per unknown"
            )
        if self.extremum is not None:
            if len(self.extremum) != n or any(e not in EXTREMA for e in self.extremum):
                raise ValueError(
                    f"{self.name}: extremum must give 'min' or 'max' for each of the "
                    f"{n} unknowns, got {self.extremum!r}"
                )

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def extrema(self) -> tuple[str, ...]:
        """``"min"`` or ``"max"`` for each unknown (all ``"min"`` unless given)."""
        return self.extremum if self.extremum is not None else ("min",) * len(self.unknowns)

    def observable(self, name: str) -> sp.Expr:
        return dict(self.observables)[name]

    @property
    def curvature(self) -> tuple[tuple[sp.Expr, ...], ...]:
        """The Hessian of the free energy in the unknowns."""
        return tuple(tuple(sp.diff(r, u) for u in self.unknowns) for r in self.residual)


def effective_coupling(model: Model) -> sp.Expr:
    r"""The coupling :math:`zJ` a spin feels from its neighbours in mean field.

    Read from the model's Hamiltonian: the couplings' sum of bond couplings over a
    unit's neighbours, times the sign of the bilinear bond term
    (:math:`b = -K s_i s_j` gives :math:`+zK`); a coordination parameter ``z`` of the
    model replaces the lattice's own.
    """
    ham = model.hamiltonian
    c = model.coupling
    scale = ham.bond_scale if ham is not None else None
    if scale is None or not c.interacting:
        raise NotImplementedError(
            f"{model.name}: mean field needs bilinear bonds -c K s_i s_j between interacting units"
        )
    J = getattr(c, "J", sym.J)
    if "z" in model.symbols:
        return -scale * model.symbols["z"] * J
    return -scale * c.mean_field_coupling()


def bragg_williams_free_energy(zJ: sp.Expr, field: sp.Expr = sym.h) -> sp.Expr:
    r""":math:`f(m) = -zJm^2/2 - hm - T s(m)`, free energy per spin."""
    # -T s(m) written so that its printed form parses back unchanged
    minus_ts = sym.T * ((1 + m) * sp.log((1 + m) / 2) + (1 - m) * sp.log((1 - m) / 2)) / 2
    return -zJ * m**2 / 2 - field * m + minus_ts


def _ordered_parameters(model: Model, exprs) -> tuple[sp.Symbol, ...]:
    free = set().union(*(sp.sympify(e).free_symbols for e in exprs))
    return tuple(p.symbol for p in model.parameters if p.symbol in free)


def mean_field_equations(model: Model) -> SelfConsistency:
    r"""The mean-field self-consistency equations of ``model``.

    Examples
    --------
    >>> from statmech.derive import get_model
    >>> eq = mean_field_equations(get_model("curie-weiss"))
    >>> eq.fixed_point
    (tanh((m*J + h)/T),)
    >>> eq.critical_temperature
    J
    """
    hook = model.hook("mean_field_equations")
    if hook is not None:
        return hook(model)
    zJ = effective_coupling(model)
    hfield = model.field if model.field is not None else sp.Integer(0)
    phi = bragg_williams_free_energy(zJ, hfield)
    g = sp.tanh((zJ * m + hfield) / sym.T)
    residual = sym.T * sp.atanh(m) - zJ * m - hfield
    return SelfConsistency(
        name="Weiss mean field",
        unknowns=(m,),
        fixed_point=(g,),
        free_energy=phi,
        residual=(residual,),
        observables=(("m", m),),
        parameters=_ordered_parameters(model, [phi]),
        critical_temperature=zJ,
    )


def critical_temperature(model: Model) -> sp.Expr:
    """:math:`T_c` of the model's mean-field equations (zero field)."""
    return mean_field_equations(model).critical_temperature


# --------------------------------------------------------------------------
# Derivations


def _lattice_hamiltonian(model: Model):
    """The lattice Hamiltonian with ``zN/2`` bonds, and the spins ``s_i``, ``s_j``."""
    s = sp.IndexedBase(model.states.variable.name)
    i = sp.Symbol("i", integer=True)
    j = sp.Symbol("j", integer=True)
    bond = sp.Symbol(r"\langle i j \rangle")
    J = getattr(model.coupling, "J", sym.J)
    coordination = sp.cancel(effective_coupling(model) / J)
    n = model.size
    H = -J * sp.Sum(s[i] * s[j], (bond, 1, coordination * n / 2)) - sym.h * sp.Sum(s[i], (i, 1, n))
    return H, s[i], s[j]


def weiss_derivation(model: Model) -> Derivation:
    """Weiss mean field: replace the neighbours of a spin by their mean."""
    zJ = effective_coupling(model)
    T, h, N = sym.T, sym.h, model.size
    H, si, sj = _lattice_hamiltonian(model)
    x = (zJ * m + h) / T
    g = sp.tanh(x)
    g0 = g.subs(h, 0)
    steps = (
        Step(sp.Symbol("H"), H, "The energy of a configuration, each bond once", rule="given"),
        Step(
            si * sj,
            m * (si + sj) - m**2 + (si - m) * (sj - m),
            "Write each spin as its mean $m$ plus a fluctuation",
            via=si * sj,
        ),
        Step(
            si * sj,
            m * (si + sj) - m**2,
            "Mean-field approximation: drop the product of two fluctuations",
            rule="given",
        ),
        Step(
            H_MF,
            N * zJ * m**2 / 2 - (zJ * m + h) * sp.Sum(si, (sp.Symbol("i", integer=True), 1, N)),
            "Each spin sits in $z$ bonds and there are $zN/2$ bonds: every spin feels the "
            "field $zJm + h$",
            rule="define",
        ),
        Step(
            sym.Z1,
            sp.Add(*[sp.exp(x * v) for v in (-1, 1)], evaluate=False),
            "One spin in the effective field, $s = \\pm 1$",
            rule="define",
        ),
        Step(sym.Z1, 2 * sp.cosh(x), "Sum the two terms"),
        Step(
            sym.Z,
            sp.exp(-N * zJ * m**2 / (2 * T)) * (2 * sp.cosh(x)) ** N,
            "The spins are independent in the effective field",
            via=sp.exp(-N * zJ * m**2 / (2 * T)) * sym.Z1**N,
        ),
        Step(
            m,
            g,
            "Self-consistency: the mean of one spin in the effective field must be $m$",
            via=sp.Add(*[v * sp.exp(x * v) for v in (-1, 1)]) / sym.Z1,
        ),
        Step(
            T_c,
            zJ,
            "At $h = 0$ the right side has slope $zJ/T$ at $m = 0$: a solution $m \\ne 0$ "
            "appears when the slope exceeds one",
            rule="define",
        ),
        Step(
            sp.Function("g'")(0, T_c),
            sp.Integer(1),
            "Check: the slope is one at $T_c$",
            via=sp.Subs(sp.Derivative(g0, m), (m, T), (0, zJ)),
        ),
    )
    return Derivation(
        title="Weiss mean field",
        steps=steps,
        results=(("self_consistency", g), ("T_c", zJ)),
        intro="Replace the neighbours of each spin by their mean magnetization $m$.",
        references=("P. Weiss, J. Phys. Theor. Appl. 6, 661 (1907)",),
    )


def entropy_steps() -> tuple[Step, ...]:
    """Count the configurations of magnetization ``m``; Stirling gives ``s(m)``."""
    N = sym.N
    up = N * (1 + m) / 2
    return (
        Step(
            Omega_m,
            sp.binomial(N, up),
            "Configurations with magnetization $m$: choose the $N(1+m)/2$ up spins",
            rule="define",
        ),
        Step(s_of_m, log_binomial(N, up) / N, "Entropy per spin", rule="define"),
        Step(
            s_of_m,
            spin_entropy(m),
            "Stirling's formula $\\log n! = n \\log n - n + O(\\log n)$",
            rule="asymptotic",
            large=N,
        ),
    )


def stationarity_steps(zJ: sp.Expr) -> tuple[Step, ...]:
    """From ``f(m)`` (defined in an earlier step) to the self-consistency and curvature."""
    T, h = sym.T, sym.h
    return (
        Step(
            f_prime,
            T * sp.atanh(m) - zJ * m - h,
            "Differentiate, $f' = \\partial f/\\partial m$; $s'(m) = -\\operatorname{artanh} m$",
            via=sp.Derivative(f, m),
        ),
        Step(
            m,
            sp.tanh((zJ * m + h) / T),
            "Stationarity $f' = 0$ is the self-consistency equation "
            "(the right side equals $\\tanh(\\operatorname{artanh} m - f'/T)$)",
            via=sp.tanh(sp.atanh(m) - f_prime / T),
        ),
        Step(
            sp.Derivative(f, (m, 2)),
            T / (1 - m**2) - zJ,
            "Curvature: a solution is stable where it is positive, unstable where negative",
            via=sp.Derivative(f_prime, m),
        ),
    )


def variational_steps(zJ: sp.Expr, energy_why: str) -> tuple[Step, ...]:
    """Bragg-Williams free energy, stationarity and curvature for coupling ``zJ``."""
    T, h = sym.T, sym.h
    return (
        *entropy_steps(),
        Step(e_of_m, -zJ * m**2 / 2 - h * m, energy_why, rule="define"),
        Step(
            f,
            -zJ * m**2 / 2 - h * m - T * spin_entropy(m),
            "Free energy per spin $f = e - Ts$ (Gibbs-Bogoliubov: an upper bound for "
            "every $m$, its minimum the mean-field free energy)",
            via=e_of_m - T * s_of_m,
        ),
        *stationarity_steps(zJ),
    )


def variational_derivation(model: Model) -> Derivation:
    """Bragg-Williams (Gibbs-Bogoliubov) variational free energy and its stationarity."""
    zJ = effective_coupling(model)
    steps = variational_steps(
        zJ,
        "Energy per spin of uncorrelated spins of mean $m$: $\\langle s_i s_j\\rangle = m^2$ "
        "on each of the $zN/2$ bonds",
    )
    return Derivation(
        title="Variational (Bragg-Williams) free energy",
        steps=steps,
        results=(("f", bragg_williams_free_energy(zJ)), ("T_c", zJ)),
        intro="Trial state: independent spins of mean $m$.",
        references=("W. L. Bragg and E. J. Williams, Proc. R. Soc. A 145, 699 (1934)",),
    )


def mean_field_derivations(model: Model) -> list[Derivation]:
    """Weiss, variational and Landau derivations, in reading order."""
    from .landau import landau_expansion

    return [weiss_derivation(model), variational_derivation(model), landau_expansion(model)]


def landau_expansion(model: Model) -> Derivation:
    """See :func:`derive.landau.landau_expansion` (re-exported here, a mean-field verb)."""
    from .landau import landau_expansion as expand

    return expand(model)
