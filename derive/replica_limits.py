r"""Where the replica-symmetric solution of the SK model holds, and where it fails.

* :func:`critical_derivation`: the :math:`q` equation at :math:`h = J_0 = 0`
  expanded for small :math:`q` (Taylor under the Gaussian average) has a
  nonzero root only below :math:`T_c = J`;
* :func:`stability_derivation`: the replicon eigenvalue of de Almeida and
  Thouless, :math:`\lambda_R = 1 - (\beta J)^2\,\mathbb{E}_z\operatorname{sech}^4\Xi`;
  RS is stable where it is positive;
* :func:`zero_temperature_derivation`: as :math:`T \to 0`,
  :math:`\beta(1 - q) \to \sqrt{2/\pi}/J`, the RS energy tends to
  :math:`-J\sqrt{2/\pi} \approx -0.798 J` and the RS entropy to
  :math:`-1/(2\pi) < 0`; Parisi's full replica symmetry breaking gives
  :math:`e_0 = -0.7631667 J`.

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975).
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978).
G. Parisi, J. Phys. A 13, 1101 (1980).
A. Crisanti and T. Rizzo, Phys. Rev. E 65, 046137 (2002).
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .averages import expand_average, taylor_average
from .derivation import Derivation, Step
from .disorder import J0, SK_1975, z
from .gaussian import GaussianAverage
from .meanfield import m
from .replica import FIELD, NISHIMORI, RS_FREE_ENERGY, beta, q, rs_derivatives, rs_energy

AT_1978 = "J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978)"
PARISI_1980 = "G. Parisi, J. Phys. A 13, 1101 (1980)"
CRISANTI_RIZZO = "A. Crisanti and T. Rizzo, Phys. Rev. E 65, 046137 (2002)"

J, h, T = sym.J, sym.h, sym.T
T_c = sp.Symbol("T_c", positive=True)
r = sp.Symbol("r", positive=True)
q_star = sp.Function("q_*")(T)
lam = sp.Symbol("lambda_R")
quartic = sp.Symbol("r_4", positive=True)  # E_z tanh^4
x = sp.Symbol("x", real=True)
C = sp.Symbol("C", positive=True)
w = sp.Symbol("w", real=True)

#: Parisi's ground-state energy per spin in units of J (Crisanti and Rizzo 2002).
PARISI_E0 = sp.Rational(-7631667, 10**7)


def critical_derivation() -> Derivation:
    r""":math:`T_c = J` from the small-:math:`q` expansion of the :math:`q` equation."""
    average = GaussianAverage(sp.tanh(beta * J * sp.sqrt(q) * z) ** 2, z)
    series = taylor_average(GaussianAverage(sp.tanh(beta * J * r * z) ** 2, z), r, 4)
    series = sp.expand(series.subs(r, sp.sqrt(q)))
    roots = [s for s in sp.solve(series - q, q) if s != 0]
    beta_c = [s for s in sp.solve(sp.numer(sp.together(roots[0])), beta) if s.is_positive][0]
    near = roots[0].subs(beta, 1 / T)
    steps = (
        Step(q, average, "The $q$ equation at $h = J_0 = 0$ (then $m = 0$)", rule="given"),
        Step(
            average,
            beta**2 * J**2 * q - 2 * beta**4 * J**4 * q**2,
            "For small $q$, up to $O(q^3)$: Taylor in $\\sqrt{q}$ under the average, "
            "then the Gaussian moments $\\mathbb{E} z^2 = 1$, $\\mathbb{E} z^4 = 3$",
            via=series,
        ),
        Step(
            sp.Symbol("q_*"),
            (beta**2 * J**2 - 1) / (2 * beta**4 * J**4),
            "Besides $q = 0$ (always a solution) the truncated equation has one root, "
            "positive only for $\\beta J > 1$",
            via=roots[0],
        ),
        Step(T_c, J, "The root appears at $\\beta J = 1$", via=1 / beta_c),
        Step(
            sp.Subs(sp.Derivative(q_star, T), T, J),
            -1 / J,
            "Near $T_c$ the order parameter grows linearly, $q \\approx 1 - T/T_c$",
            via=sp.Subs(sp.Derivative(near, T), T, J),
        ),
    )
    return Derivation(
        title="The spin-glass transition",
        steps=steps,
        results=(("T_c", J),),
        intro="Where a nonzero Edwards-Anderson order parameter $q$ appears.",
        references=(SK_1975, NISHIMORI),
    )


def stability_derivation() -> Derivation:
    r"""The de Almeida-Thouless condition from the replicon eigenvalue."""
    tanh = sp.tanh(FIELD)
    sech4 = GaussianAverage(sp.sech(FIELD) ** 4, z)
    P, Q, R = sp.symbols("P Q R", real=True)
    first = 1 - beta**2 * J**2 * (P - 2 * Q + R)
    second = 1 - beta**2 * J**2 * (1 - 2 * q + quartic)
    averages = {GaussianAverage(tanh**2, z): q, GaussianAverage(tanh**4, z): quartic}
    sech_line = expand_average(GaussianAverage((1 - tanh**2) ** 2, z)).subs(averages)
    quartic_from_sech = sp.solve(sech4 - (1 - 2 * q + quartic), quartic, simplify=False)[0]
    final = 1 - beta**2 * J**2 * sech4
    steps = (
        Step(
            lam,
            first,
            "Fluctuations $\\delta q_{ab}$ around the RS saddle point: the Hessian of $G$ has "
            "the entries $P$, $Q$, $R$ (pairs sharing two, one and no replica: "
            "$1 - q^2$, $q - q^2$, $r_4 - q^2$ with $r_4 = \\mathbb{E}_z\\tanh^4\\Xi$); its "
            "replicon eigenvalue, on the fluctuations that break replica symmetry, is "
            "$1 - (\\beta J)^2 (P - 2Q + R)$ as $n \\to 0$",
            rule="quoted",
            reference=AT_1978,
        ),
        Step(
            lam,
            second,
            "With $P = 1 - q^2$, $Q = q - q^2$, $R = r_4 - q^2$",
            via=first.subs({P: 1 - q**2, Q: q - q**2, R: quartic - q**2}),
        ),
        Step(
            sp.sech(x) ** 4,
            (1 - sp.tanh(x) ** 2) ** 2,
            "$\\operatorname{sech}^2 = 1 - \\tanh^2$",
            via=sp.sech(x) ** 4,
        ),
        Step(
            sech4,
            1 - 2 * q + quartic,
            "Under the average, with $q = \\mathbb{E}_z\\tanh^2\\Xi$ and "
            "$r_4 = \\mathbb{E}_z\\tanh^4\\Xi$",
            via=sech_line,
        ),
        Step(
            lam,
            final,
            "The replicon eigenvalue: replica symmetry is stable where it is positive; "
            "$\\lambda_R = 0$, that is $(\\beta J)^2\\,\\mathbb{E}_z"
            "\\operatorname{sech}^4\\beta(J\\sqrt{q} z + J_0 m + h) = 1$, "
            "is the de Almeida-Thouless line",
            via=second.subs(quartic, quartic_from_sech),
        ),
        Step(
            sp.Symbol("lambda_R0"),
            1 - beta**2 * J**2,
            "In the paramagnet at $h = J_0 = 0$ ($m = q = 0$): positive above $T = J$, zero at "
            "$T_c$: the AT line starts at the spin-glass transition",
            via=final.subs({q: 0, m: 0, h: 0}),
        ),
        Step(
            (h / J) ** 2,
            sp.Rational(4, 3) * (1 - T / J) ** 3,
            "Near $T_c$ at $J_0 = 0$ the AT line is $h^2/J^2 \\approx \\frac{4}{3}"
            "(1 - T/J)^3$; below it (and everywhere below $T_c$ at $h = 0$) RS is unstable and "
            "Parisi's replica symmetry breaking takes over",
            rule="quoted",
            reference=AT_1978,
        ),
    )
    return Derivation(
        title="Stability of replica symmetry (de Almeida-Thouless)",
        steps=steps,
        results=(),
        intro="Is the RS saddle point stable against replica-symmetry-breaking fluctuations?",
        references=(AT_1978,),
    )


def zero_temperature_derivation() -> Derivation:
    r"""The :math:`T \to 0` limit of RS at :math:`h = J_0 = 0`: the energy
    :math:`-J\sqrt{2/\pi}` and the negative entropy :math:`-1/(2\pi)`."""
    zero = {h: 0, J0: 0}
    f0 = RS_FREE_ENERGY.subs(zero)
    tanh = sp.tanh(FIELD)
    dbeta = (
        -beta * J**2 * (1 - q) ** 2 / 2
        + J0 * m**2 / 2
        - GaussianAverage((J * sp.sqrt(q) * z + J0 * m + h) * tanh, z)
    )
    stein_value = rs_derivatives()[2]
    energy = (
        expand_average(dbeta)
        .subs(GaussianAverage(z * tanh, z), stein_value)
        .subs({GaussianAverage(tanh**2, z): q, GaussianAverage(tanh, z): m})
    )
    u0 = rs_energy().subs(zero)
    entropy = -(beta**2) * J**2 * (1 - q) * (1 + 3 * q) / 4 + GaussianAverage(
        sp.log(2 * sp.cosh(beta * J * sp.sqrt(q) * z)), z
    )
    e_rs = sp.Function("e_RS")(0)
    e_0 = sp.Symbol("e_0")
    steps = (
        Step(
            sp.Symbol("u"),
            dbeta,
            "The energy per spin, $u = \\partial(\\beta f_{\\rm RS})/\\partial\\beta$; at a "
            "saddle point only the explicit $\\beta$ counts",
            via=sp.Derivative(beta * RS_FREE_ENERGY, beta),
        ),
        Step(
            sp.Symbol("u"),
            rs_energy(),
            "Stein's lemma for $\\mathbb{E}_z[z\\tanh\\Xi]$, then "
            "$m = \\mathbb{E}_z\\tanh\\Xi$ and $q = \\mathbb{E}_z\\tanh^2\\Xi$",
            via=energy,
        ),
        Step(
            sp.Symbol("s_RS"),
            entropy,
            "The entropy per spin $s = \\beta(u - f)$ at $h = J_0 = 0$",
            via=beta * (u0 - f0),
        ),
        Step(
            sp.Limit(beta * (1 - q), beta, sp.oo),
            sp.Integral(sp.sech(w) ** 2, (w, -sp.oo, sp.oo)) / (J * sp.sqrt(2 * sp.pi)),
            "As $T \\to 0$, $q \\to 1$ and $1 - q = \\mathbb{E}_z\\operatorname{sech}^2"
            "(\\beta J \\sqrt{q} z)$; with $w = \\beta J z$ only $|z| \\lesssim T/J$ "
            "contributes, where the normal density is $1/\\sqrt{2\\pi}$ (checked by "
            "quadrature in the tests)",
            rule="quoted",
            reference=SK_1975,
        ),
        Step(
            sp.Limit(beta * (1 - q), beta, sp.oo),
            sp.sqrt(2 / sp.pi) / J,
            "$\\int \\operatorname{sech}^2 w\\, dw = 2$",
            via=sp.Integral(1 / sp.cosh(w) ** 2, (w, -sp.oo, sp.oo)) / (J * sp.sqrt(2 * sp.pi)),
        ),
        Step(C, sp.sqrt(2 / sp.pi) / J, "Call it $C$", rule="define"),
        Step(
            e_rs,
            -J * sp.sqrt(2 / sp.pi),
            "The RS ground-state energy: $u = -\\frac{J^2}{2}\\,\\beta(1 - q)\\,(1 + q)$ "
            "with $\\beta(1 - q) \\to C$, $q \\to 1$",
            via=-(J**2) / 2 * C * 2,
        ),
        Step(
            sp.Limit(sp.Symbol("s_RS"), T, 0),
            -1 / (2 * sp.pi),
            "To next order $1 - q = C T + C^2 T^2/2 + O(T^3)$ (the $q$ equation with "
            "$\\sqrt{q} = 1 - (1-q)/2$): the terms of order $1/T$ cancel and the entropy "
            "tends to $-1/(2\\pi) < 0$, impossible for Ising spins: RS fails at low $T$ "
            "(checked by quadrature in the tests, along the solved $q(T)$)",
            rule="quoted",
            reference=SK_1975,
        ),
        Step(
            e_0,
            PARISI_E0 * J,
            "Parisi's full replica symmetry breaking gives the ground-state energy "
            "$e_0 = -0.7631667 J$ (digits from the numerical solution of the Parisi equations)",
            rule="quoted",
            reference=f"{PARISI_1980}; {CRISANTI_RIZZO}",
        ),
        Step(
            e_rs - e_0,
            (-sp.sqrt(2 / sp.pi) - PARISI_E0) * J,
            "RS lies $0.035 J$ below the true ground state",
            via=-J * sp.sqrt(2 / sp.pi) - PARISI_E0 * J,
        ),
    )
    return Derivation(
        title="Zero temperature: where replica symmetry fails",
        steps=steps,
        results=(
            ("e_RS0", -J * sp.sqrt(2 / sp.pi)),
            ("s_RS0", -1 / (2 * sp.pi)),
            ("e_0", PARISI_E0 * J),
        ),
        intro="The RS solution at $h = J_0 = 0$ as $T \\to 0$.",
        references=(SK_1975, PARISI_1980, CRISANTI_RIZZO),
    )
