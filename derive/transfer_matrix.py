r"""The Ising chain solved by its transfer matrix.

.. math::

    H = -J \sum_i s_i s_{i+1} - h \sum_i s_i, \qquad
    V_{s s'} = e^{(J s s' + h (s + s')/2)/T},

so that :math:`e^{-H/T} = \prod_i V_{s_i s_{i+1}}` and, on a ring of :math:`N`
spins, :math:`Z_N = \operatorname{tr} V^N = \lambda_+^N + \lambda_-^N` with

.. math::

    \lambda_\pm = e^{J/T}\cosh(h/T) \pm \sqrt{e^{2J/T}\sinh^2(h/T) + e^{-2J/T}}.

The open chain is :math:`Z = u^\top V^{N-1} u` with :math:`u_s = e^{h s/2T}`.
Everything here is SymPy; :mod:`numeric.ising_chain` compiles it.

References
----------
Kramers and Wannier, Phys. Rev. 60, 252 (1941); Baxter, *Exactly Solved Models
in Statistical Mechanics* (1982), ch. 2.
"""

from __future__ import annotations

import itertools

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step

T, J, h, N = sym.T, sym.J, sym.h, sym.N

r = sp.Symbol("r", positive=True, integer=True)
s1, s2 = sp.symbols("s s'", integer=True)
lam = sp.Symbol("lambda")
lam_p = sp.Symbol("lambda_+")
lam_m = sp.Symbol("lambda_-")
V = sp.IndexedBase("V")
Z_open = sp.Symbol("Z_open")
a_p, a_m = sp.Symbol("a_+"), sp.Symbol("a_-")
f, e, c, m, x = (sp.Symbol(n) for n in ("f", "e", "c", "m", "chi_1"))
G = sp.Symbol("G")
xi = sp.Symbol("xi")

REFERENCE = "Baxter, Exactly Solved Models in Statistical Mechanics (1982), ch. 2"


def element(a, b):
    """Transfer-matrix element :math:`V_{ab}` for spin values ``a``, ``b``."""
    return sp.exp((J * a * b + h * (a + b) / 2) / T)


def matrix() -> sp.Matrix:
    """The 2 x 2 transfer matrix, rows and columns ordered (+1, -1)."""
    return sp.Matrix([[element(a, b) for b in (1, -1)] for a in (1, -1)])


def eigenvalues() -> tuple[sp.Expr, sp.Expr]:
    """:math:`(\\lambda_+, \\lambda_-)` in the textbook form."""
    root = sp.sqrt(sp.exp(2 * J / T) * sp.sinh(h / T) ** 2 + sp.exp(-2 * J / T))
    a = sp.exp(J / T) * sp.cosh(h / T)
    return a + root, a - root


def open_weights() -> tuple[sp.Expr, sp.Expr]:
    """:math:`(a_+, a_-)` with :math:`Z_{open} = a_+\\lambda_+^{N-1} + a_-\\lambda_-^{N-1}`."""
    root = sp.sqrt(sp.exp(2 * J / T) * sp.sinh(h / T) ** 2 + sp.exp(-2 * J / T))
    w = sp.exp(J / T) * sp.sinh(h / T) ** 2 + sp.exp(-J / T)
    return (sp.cosh(h / T) * root + w) / root, (sp.cosh(h / T) * root - w) / root


def ring_partition_function() -> sp.Expr:
    lp, lm = eigenvalues()
    return lp**N + lm**N


def open_partition_function() -> sp.Expr:
    lp, lm = eigenvalues()
    ap, am = open_weights()
    return ap * lp ** (N - 1) + am * lm ** (N - 1)


def _configuration_sum(n: int, periodic: bool) -> sp.Expr:
    """:math:`\\sum_{\\{s\\}} e^{-H/T}` for ``n`` spins written out term by term."""
    terms = []
    for spins in itertools.product((1, -1), repeat=n):
        bonds = range(n) if periodic else range(n - 1)
        energy = -J * sum(spins[i] * spins[(i + 1) % n] for i in bonds) - h * sum(spins)
        terms.append(sp.exp(-energy / T))
    return sp.Add(*terms)


# ----------------------------------------------------------------------------


def transfer_matrix_derivation() -> Derivation:
    lp, lm = eigenvalues()
    mat = matrix()
    tr = mat[0, 0] + mat[1, 1]
    det = mat[0, 0] * mat[1, 1] - mat[0, 1] * mat[1, 0]
    charpoly = lam**2 - 2 * sp.exp(J / T) * sp.cosh(h / T) * lam + 2 * sp.sinh(2 * J / T)
    p_of = sp.Function("p")
    n_check = 4
    z4 = lp**n_check + lm**n_check
    steps = (
        Step(
            V[s1, s2],
            element(s1, s2),
            "Split the field equally between the two ends of each bond, so that "
            "$e^{-H/T} = \\prod_i V_{s_i s_{i+1}}$ on the ring",
            rule="define",
        ),
        Step(
            sym.Z,
            sp.Trace(sp.MatrixSymbol("V", 2, 2) ** N),
            "Each sum over an inner spin $s_i$ is a matrix product; the ring closes the trace",
            rule="define",
        ),
        Step(sp.Symbol("V"), mat, "The matrix, rows and columns ordered $(+1, -1)$", rule="define"),
        Step(
            p_of(lam),
            charpoly,
            "Characteristic polynomial $\\det(V - \\lambda)$",
            via=(mat[0, 0] - lam) * (mat[1, 1] - lam) - mat[0, 1] * mat[1, 0],
        ),
        Step(
            lam_p,
            lp,
            "Larger root of $p(\\lambda) = 0$",
            via=(tr + sp.sqrt(tr**2 - 4 * det)) / 2,
        ),
        Step(
            lam_m,
            lm,
            "Smaller root of $p(\\lambda) = 0$",
            via=(tr - sp.sqrt(tr**2 - 4 * det)) / 2,
        ),
        Step(
            lam_p * lam_m,
            2 * sp.sinh(2 * J / T),
            "Product of the roots: $\\det V$ (both eigenvalues are positive for $J > 0$)",
            via=lam_p * lam_m,
        ),
        Step(
            sym.Z,
            lam_p**N + lam_m**N,
            "$V$ is real symmetric: diagonalise it, "
            "$\\mathrm{tr}\\, V^N = \\lambda_+^N + \\lambda_-^N$",
            rule="define",
        ),
        Step(
            sp.Symbol("Z_4"),
            z4,
            "Check on a ring of four spins: the explicit sum over its 16 configurations",
            via=_configuration_sum(n_check, periodic=True),
        ),
    )
    return Derivation(
        title="Transfer matrix of the ring",
        steps=steps,
        results=(("lambda_+", lp), ("lambda_-", lm), ("Z", ring_partition_function())),
        references=(REFERENCE,),
    )


def open_chain_derivation() -> Derivation:
    ap, am = open_weights()
    lp, lm = eigenvalues()
    u = sp.Matrix([sp.exp(h / (2 * T)), sp.exp(-h / (2 * T))])
    uvu = 2 * sp.exp(J / T) * sp.cosh(2 * h / T) + 2 * sp.exp(-J / T)
    n_check = 4
    steps = (
        Step(
            Z_open,
            sp.Symbol("u^T V^{N-1} u"),
            "Open chain of $N$ spins, $N - 1$ bonds: the end spins keep half their field, "
            "$u_s = e^{h s / 2T}$",
            rule="define",
        ),
        Step(
            Z_open,
            a_p * lam_p ** (N - 1) + a_m * lam_m ** (N - 1),
            "Expand $u$ on the eigenvectors of $V$: $a_\\pm = (u \\cdot v_\\pm)^2$",
            rule="define",
        ),
        Step(
            a_p + a_m,
            2 * sp.cosh(h / T),
            "$N = 1$: $a_+ + a_- = u \\cdot u$",
            via=(u.T * u)[0, 0],
        ),
        Step(
            sp.Symbol("u^T V u"),
            uvu,
            "The chain of two spins",
            via=(u.T * matrix() * u)[0, 0],
        ),
        Step(
            a_p,
            ap,
            "$N = 2$ fixes $a_+ \\lambda_+ + a_- \\lambda_- = u^T V u$; solving with the "
            "$N = 1$ condition",
            rule="define",
        ),
        Step(a_m, am, "and $a_- = u \\cdot u - a_+$", via=(u.T * u)[0, 0] - ap),
        Step(
            a_p * lam_p + a_m * lam_m,
            uvu,
            "Check: these weights reproduce $u^T V u$",
            via=ap * lp + am * lm,
        ),
        Step(
            sp.Symbol("Z_open,4"),
            ap * lp ** (n_check - 1) + am * lm ** (n_check - 1),
            "Check on an open chain of four spins: the explicit sum over its 16 configurations",
            via=_configuration_sum(n_check, periodic=False),
        ),
        Step(
            Z_open,
            2 * (2 * sp.cosh(J / T)) ** (N - 1),
            "In zero field $a_- = 0$: the textbook $Z = 2 (2\\cosh(J/T))^{N-1}$",
            via=open_partition_function().subs(h, 0),
        ),
    )
    return Derivation(
        title="Open chain",
        steps=steps,
        results=(("Z_open", open_partition_function()),),
        references=(REFERENCE,),
    )


def free_energy_per_spin() -> sp.Expr:
    return -T * sp.log(eigenvalues()[0])


def magnetization_per_spin() -> sp.Expr:
    return sp.sinh(h / T) / sp.sqrt(sp.sinh(h / T) ** 2 + sp.exp(-4 * J / T))


def susceptibility_per_spin() -> sp.Expr:
    q = sp.sinh(h / T) ** 2 + sp.exp(-4 * J / T)
    return sp.cosh(h / T) * sp.exp(-4 * J / T) / (T * q ** sp.Rational(3, 2))


def energy_per_spin() -> sp.Expr:
    """:math:`e = -J \\langle s s'\\rangle - h m`, in closed form."""
    q = sp.sqrt(sp.sinh(h / T) ** 2 + sp.exp(-4 * J / T))
    nn = 1 - 2 * sp.exp(-4 * J / T) / (q * (sp.cosh(h / T) + q))
    return -J * nn - h * magnetization_per_spin()


def thermodynamic_limit_derivation() -> Derivation:
    lp, lm = eigenvalues()
    fe = free_energy_per_spin()
    mag = magnetization_per_spin()
    chi = susceptibility_per_spin()
    en = energy_per_spin()
    heat = sp.factor(sp.diff(en, T))
    e0 = -J * sp.tanh(J / T)
    c0 = (J / T) ** 2 / sp.cosh(J / T) ** 2
    steps = (
        Step(
            f,
            fe,
            "Free energy per spin as $N \\to \\infty$: $\\lambda_-^N / \\lambda_+^N \\to 0$, "
            "so $f = -T \\log \\lambda_+$",
            rule="asymptotic",
            via=-T * sp.log(lp**N + lm**N) / N,
            large=N,
        ),
        Step(
            m,
            mag,
            "Magnetization per spin $m = -\\partial f / \\partial h$",
            via=-sp.Derivative(fe, h),
        ),
        Step(
            sp.Limit(m, h, 0, "+"),
            sp.Integer(0),
            "No spontaneous magnetization at any $T > 0$: the field switched off from above",
            via=sp.Limit(mag, h, 0, "+"),
        ),
        Step(
            sp.Limit(m, h, 0, "-"),
            sp.Integer(0),
            "and from below",
            via=sp.Limit(mag, h, 0, "-"),
        ),
        Step(
            x,
            chi,
            "Susceptibility per spin $\\chi = \\partial m / \\partial h$",
            via=sp.Derivative(mag, h),
        ),
        Step(
            sp.Symbol("chi_0"),
            sp.exp(2 * J / T) / T,
            "In zero field: finite at every $T > 0$, diverging only as $T \\to 0$",
            via=chi.subs(h, 0),
        ),
        Step(
            e,
            en,
            "Energy per spin $e = \\partial (f/T) / \\partial (1/T)$",
            via=-(T**2) * sp.Derivative(fe / T, T),
        ),
        Step(sp.Symbol("e_0"), e0, "In zero field", via=en.subs(h, 0)),
        Step(
            c,
            heat,
            "Heat capacity per spin $c = \\partial e / \\partial T$",
            via=sp.Derivative(en, T),
        ),
        Step(
            sp.Symbol("c_0"),
            c0,
            "In zero field: a smooth Schottky-like bump, no singularity",
            via=sp.Derivative(e0, T),
        ),
    )
    return Derivation(
        title="Thermodynamic limit (per spin)",
        steps=steps,
        intro="Quantities per spin for an infinite chain; $f$, $e$, $c$, $m$, $\\chi_1$ are "
        "reported as the results F, E, C, M, chi.",
        results=(("F", fe), ("E", en), ("C", heat), ("M", mag), ("chi", chi)),
        references=(REFERENCE,),
    )


def correlation_derivation() -> Derivation:
    t = sp.tanh(J / T)
    lp0, lm0 = 2 * sp.cosh(J / T), 2 * sp.sinh(J / T)
    finite = (lp0 ** (N - r) * lm0**r + lm0 ** (N - r) * lp0**r) / (lp0**N + lm0**N)
    steps = (
        Step(
            G,
            finite,
            "Zero field, ring of $N$ spins: $\\langle s_0 s_r \\rangle = "
            "\\mathrm{tr}(\\sigma^z V^r \\sigma^z V^{N-r}) / \\mathrm{tr} V^N$, and at $h = 0$ "
            "$\\sigma^z$ swaps the eigenvectors of $V$ (eigenvalues $2\\cosh(J/T)$, "
            "$2\\sinh(J/T)$)",
            rule="define",
        ),
        Step(G, (t**r + t ** (N - r)) / (1 + t**N), "Divide by $\\lambda_+^N$"),
        Step(
            G,
            t**r,
            "Infinite chain, $N \\to \\infty$ at fixed $r$",
            rule="asymptotic",
            large=N,
        ),
        Step(G, sp.exp(-r / xi), "Write the decay as exponential", rule="define"),
        Step(
            xi,
            1 / sp.log(1 / t),
            "Correlation length, finite at every $T > 0$",
            via=-r / sp.log(t**r),
        ),
    )
    return Derivation(
        title="Zero-field correlations",
        steps=steps,
        results=(("G_r", t**r), ("xi", 1 / sp.log(1 / t))),
        references=(REFERENCE,),
    )


def chain_derivations(model) -> list[Derivation]:
    from .hamiltonian import hamiltonian_derivation

    return [
        hamiltonian_derivation(model),
        transfer_matrix_derivation(),
        open_chain_derivation(),
        thermodynamic_limit_derivation(),
        correlation_derivation(),
    ]
