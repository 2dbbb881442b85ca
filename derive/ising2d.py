r"""The square-lattice Ising model: duality, Onsager, Yang, and the cubic lattice's T_c.

The critical point follows from Kramers-Wannier duality,
:math:`\sinh(2J/T_c) = 1`, i.e. :math:`T_c = 2J/\log(1+\sqrt2)`.  Onsager's free
energy and energy and Yang's spontaneous magnetization are quoted (SymPy cannot
derive them); the heat capacity is derived from the quoted energy.  Elliptic
integrals take the *parameter* :math:`m = k^2` (SymPy, mpmath and SciPy agree).

References
----------
Kramers and Wannier, Phys. Rev. 60, 252 (1941);
Onsager, Phys. Rev. 65, 117 (1944);
Yang, Phys. Rev. 85, 808 (1952);
Huang, *Statistical Mechanics*, 2nd ed. (1987), sec. 15.5 (energy).
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step

T, J = sym.T, sym.J
K = sp.Symbol("K", positive=True)
K_star = sp.Symbol("K^*", positive=True)
K_c = sp.Symbol("K_c", positive=True)
T_c = sp.Symbol("T_c", positive=True)
theta = sp.Symbol("theta")
n = sp.Symbol("n", positive=True)
P = sp.Function("P")
f, e, c, m = (sp.Symbol(name) for name in ("f", "e", "c", "m"))

KRAMERS_WANNIER = "Kramers and Wannier, Phys. Rev. 60, 252 (1941)"
ONSAGER = "Onsager, Phys. Rev. 65, 117 (1944); Huang, Statistical Mechanics (1987), sec. 15.5"
YANG = "Yang, Phys. Rev. 85, 808 (1952)"
FERRENBERG = "Ferrenberg, Xu and Landau, Phys. Rev. E 97, 043301 (2018)"

#: Exact critical coupling and temperature of the square lattice.
CRITICAL_COUPLING = sp.log(1 + sp.sqrt(2)) / 2
CRITICAL_TEMPERATURE = 2 * J / sp.log(1 + sp.sqrt(2))

#: Simple cubic lattice: K_c = J/T_c = 0.221654626(5) (Monte Carlo, quoted).
CUBIC_CRITICAL_COUPLING = sp.Rational("0.221654626")


def modulus() -> sp.Expr:
    """Onsager's elliptic modulus :math:`k = 2\\sinh(2K)/\\cosh^2(2K)`, :math:`K = J/T`."""
    return 2 * sp.sinh(2 * J / T) / sp.cosh(2 * J / T) ** 2


def free_energy_per_spin() -> sp.Expr:
    k = modulus()
    integrand = sp.log((1 + sp.sqrt(1 - k**2 * sp.sin(theta) ** 2)) / 2)
    return -T * (
        sp.log(2 * sp.cosh(2 * J / T)) + sp.Integral(integrand, (theta, 0, sp.pi)) / (2 * sp.pi)
    )


def energy_per_spin() -> sp.Expr:
    k2 = modulus() ** 2
    t2 = sp.tanh(2 * J / T) ** 2
    return -J * sp.coth(2 * J / T) * (1 + (4 * t2 - 2) * sp.elliptic_k(k2) / sp.pi)


def heat_capacity_per_spin() -> sp.Expr:
    r"""The derivative of the quoted energy, written with complete elliptic integrals:

    .. math::

        c = \frac{4}{\pi} (K \coth 2K)^2 \left[ \mathsf{K} - \mathsf{E}
            - (1 - \tanh^2 2K)\left(\frac{\pi}{2} + (2\tanh^2 2K - 1)\mathsf{K}\right)\right]

    (the derivation checks it against :math:`\partial e/\partial T`; a version with
    :math:`2/\pi` in front that circulates in textbooks is wrong by 0.24 at ``T = 2``).
    """
    k2 = modulus() ** 2
    big_k, big_e = sp.elliptic_k(k2), sp.elliptic_e(k2)
    t2 = sp.tanh(2 * J / T) ** 2
    pref = 4 / sp.pi * (J / T * sp.coth(2 * J / T)) ** 2
    return pref * (big_k - big_e + (t2 - 1) * (sp.pi / 2 + (2 * t2 - 1) * big_k))


def spontaneous_magnetization() -> sp.Expr:
    below = (1 - sp.sinh(2 * J / T) ** -4) ** sp.Rational(1, 8)
    return sp.Piecewise((below, T < CRITICAL_TEMPERATURE), (0, True))


def duality_derivation() -> Derivation:
    tc = CRITICAL_TEMPERATURE
    steps = (
        Step(K, J / T, "Reduced coupling", rule="define"),
        Step(
            sym.Z,
            2**sym.N * sp.cosh(K) ** (2 * sym.N) * P(sp.tanh(K)),
            "High-temperature expansion: $e^{K s s'} = \\cosh K (1 + s s' \\tanh K)$; only "
            "closed polygons survive the spin sum, $P(z) = \\sum_{\\mathrm{polygons}} "
            "z^{\\mathrm{length}}$",
            rule="quoted",
            reference=KRAMERS_WANNIER,
        ),
        Step(
            sym.Z,
            2 * sp.exp(2 * sym.N * K) * P(sp.exp(-2 * K)),
            "Low-temperature expansion: domain walls are polygons on the dual lattice, which "
            "for the square lattice is again a square lattice",
            rule="quoted",
            reference=KRAMERS_WANNIER,
        ),
        Step(
            K_star,
            -sp.log(sp.tanh(K)) / 2,
            "The same $P$ appears in both: the dual coupling $e^{-2K^*} = \\tanh K$ maps high "
            "onto low temperature",
            rule="define",
        ),
        Step(
            sp.sinh(2 * K) * sp.sinh(2 * K_star),
            sp.Integer(1),
            "The duality in symmetric form",
            via=sp.sinh(2 * K) * sp.sinh(2 * K_star),
        ),
        Step(
            sp.sinh(2 * K_c),
            sp.Integer(1),
            "A single singularity must sit at the self-dual point $K^* = K$",
            rule="define",
        ),
        Step(K_c, CRITICAL_COUPLING, "Solve: $K_c = \\mathrm{asinh}(1)/2$", via=sp.asinh(1) / 2),
        Step(
            sp.Symbol("K^*(K_c)"),
            CRITICAL_COUPLING,
            "Check: $K_c$ is its own dual",
            via=(-sp.log(sp.tanh(K)) / 2).subs(K, CRITICAL_COUPLING),
        ),
        Step(T_c, tc, "Critical temperature $T_c = J / K_c$", via=J / K_c),
    )
    return Derivation(
        title="Kramers-Wannier duality and the critical point",
        steps=steps,
        results=(("T_c", tc), ("K_c", CRITICAL_COUPLING)),
        references=(KRAMERS_WANNIER,),
    )


def onsager_derivation() -> Derivation:
    fe = free_energy_per_spin()
    en = energy_per_spin()
    heat = heat_capacity_per_spin()
    mag = spontaneous_magnetization()
    below = mag.args[0][0]
    tc = CRITICAL_TEMPERATURE
    kc = CRITICAL_COUPLING
    log_law = 8 * kc**2 / sp.pi * (sp.log(n) + sp.log(sp.sqrt(2) / kc) - 1 - sp.pi / 4)
    steps = (
        Step(
            sp.Symbol("k"),
            modulus(),
            "Elliptic modulus; it reaches 1 exactly at $T_c$ (elliptic integrals below take "
            "the parameter $k^2$)",
            rule="define",
        ),
        Step(
            sp.Symbol("k(T_c)"),
            sp.Integer(1),
            "Check: $k = 1$ at the critical point",
            via=modulus().subs(T, tc),
        ),
        Step(f, fe, "Onsager's free energy per spin", rule="quoted", reference=ONSAGER),
        Step(
            e,
            en,
            "Energy per spin, $e = \\partial(f/T)/\\partial(1/T)$",
            rule="quoted",
            reference=ONSAGER,
        ),
        Step(
            sp.Symbol("e(T_c)"),
            -sp.sqrt(2) * J,
            "At $T_c$ the elliptic integral's log divergence is cancelled: $e(T_c) = -\\sqrt2 J$",
            via=-J * sp.coth(2 * kc),
        ),
        Step(
            c,
            heat,
            "Heat capacity per spin $c = \\partial e / \\partial T$",
            via=sp.Derivative(en, T),
        ),
        Step(
            sp.Symbol("c(T_c(1 + 1/n))"),
            log_law,
            "Close above $T_c$, with $T/T_c - 1 = 1/n$ ($\\mathsf{K}(k^2) \\approx "
            "\\log(4/\\sqrt{1 - k^2})$): a logarithmic divergence",
            rule="asymptotic",
            via=heat.subs(T, tc * (1 + 1 / n)),
            large=n,
        ),
        Step(
            sp.Symbol("c(T_c(1 - 1/n))"),
            log_law,
            "and below, with the same amplitude $8K_c^2/\\pi$",
            rule="asymptotic",
            via=heat.subs(T, tc * (1 - 1 / n)),
            large=n,
        ),
        Step(
            m, mag, "Yang's spontaneous magnetization ($h \\to 0^+$)", rule="quoted", reference=YANG
        ),
        Step(
            sp.Symbol("m(T_c(1 - 1/n))"),
            (8 * sp.sqrt(2) * kc / n) ** sp.Rational(1, 8),
            "Close below $T_c$, with $1 - T/T_c = 1/n$: $m \\propto (1 - T/T_c)^{1/8}$, "
            "the exponent $\\beta = 1/8$",
            rule="asymptotic",
            via=below.subs(T, tc * (1 - 1 / n)),
            large=n,
        ),
    )
    return Derivation(
        title="Onsager's solution and Yang's magnetization",
        steps=steps,
        intro="Per spin, in the thermodynamic limit at zero field; $f$, $e$, $c$, $m$ are "
        "reported as the results F, E, C, M.",
        results=(("F", fe), ("E", en), ("C", heat), ("M", mag), ("T_c", tc)),
        references=(ONSAGER, YANG),
    )


def square_lattice_derivations(model) -> list[Derivation]:
    from .hamiltonian import hamiltonian_derivation

    return [hamiltonian_derivation(model), duality_derivation(), onsager_derivation()]


def cubic_lattice_derivations(model) -> list[Derivation]:
    from .hamiltonian import hamiltonian_derivation

    kc = CUBIC_CRITICAL_COUPLING
    critical = Derivation(
        title="Critical point (Monte Carlo, quoted)",
        steps=(
            Step(
                K_c,
                kc,
                "Critical coupling $K_c = J/T_c$, uncertainty $5 \\times 10^{-9}$",
                rule="quoted",
                reference=FERRENBERG,
            ),
            Step(T_c, J / kc, "Critical temperature", via=J / K_c),
        ),
        intro="No exact solution is known in three dimensions.",
        results=(("T_c", J / kc), ("K_c", kc)),
        references=(FERRENBERG,),
    )
    return [hamiltonian_derivation(model), critical]
