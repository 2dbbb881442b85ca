r"""The Thouless-Anderson-Palmer (TAP) equations of one sample of an SK spin glass.

For given couplings :math:`J_{ij}` the free energy as a function of the local
magnetizations :math:`m_i = \langle s_i \rangle`, to second order in the
couplings (Plefka's expansion, exact for SK as :math:`N \to \infty`), is

.. math::

    F_{\rm TAP} = -T\sum_i s(m_i) - \sum_{i<j} J_{ij} m_i m_j - h\sum_i m_i
        - \frac{\beta}{2}\sum_{i<j} J_{ij}^2 (1 - m_i^2)(1 - m_j^2),

with :math:`s(m)` the entropy of a spin of mean :math:`m`.  Its stationary points
are the TAP equations

.. math::

    m_i = \tanh\beta\Big(h + \sum_j J_{ij} m_j - \beta\, m_i \sum_j J_{ij}^2 (1 - m_j^2)\Big),

the last term the Onsager reaction field: the part of a spin's local field that
it induces itself through its neighbours.  For SK couplings
:math:`\sum_j J_{ij}^2 (1 - m_j^2) \to J^2 (1 - q)`, :math:`q = \sum_j m_j^2/N`.

References
----------
D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977).
T. Plefka, J. Phys. A 15, 1971 (1982).
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .meanfield import OrderParameter, spin_entropy

TAP_1977 = "D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977)"
PLEFKA_1982 = "T. Plefka, J. Phys. A 15, 1971 (1982)"

beta, h, J, N = sym.beta, sym.h, sym.J, sym.N
m_k = OrderParameter("m_k", real=True)
#: sum_j J_kj m_j, the naive local field of spin k.
H_k = sp.Symbol("H_k", real=True)
#: sum_j J_kj^2 (1 - m_j^2), the strength of the reaction field.
W_k = sp.Symbol("W_k", nonnegative=True)
q_EA = sp.Symbol("q_EA", nonnegative=True)


def tap_free_energy_printed() -> sp.Expr:
    """F_TAP with indexed magnetizations and couplings (for derivations)."""
    mi = sp.IndexedBase("m")
    Jij = sp.IndexedBase("J")
    i, j = sp.symbols("i j", integer=True, positive=True)
    entropy = sp.Sum(spin_entropy(mi[i]), (i, 1, N))
    pairs = sp.Sum(Jij[i, j] * mi[i] * mi[j], (j, i + 1, N), (i, 1, N))
    onsager = sp.Sum(Jij[i, j] ** 2 * (1 - mi[i] ** 2) * (1 - mi[j] ** 2), (j, i + 1, N), (i, 1, N))
    return -entropy / beta - pairs - h * sp.Sum(mi[i], (i, 1, N)) - beta / 2 * onsager


def tap_map() -> sp.Expr:
    r"""The right side of the TAP equation for spin :math:`k`, in :data:`m_k`, :data:`H_k`,
    :data:`W_k`, :math:`\beta` and :math:`h`: iterate
    :math:`m_k \leftarrow \tanh\beta(h + H_k - \beta m_k W_k)`."""
    return sp.tanh(beta * (h + H_k - beta * m_k * W_k))


def tap_derivation() -> Derivation:
    """From the TAP free energy to the TAP equations, for one given sample."""
    F_k = sp.Function("F_k")(m_k)
    F_prime = sp.Symbol("F'_k")
    part = -spin_entropy(m_k) / beta - m_k * H_k - h * m_k - beta / 2 * (1 - m_k**2) * W_k
    gradient = sp.atanh(m_k) / beta - H_k - h + beta * m_k * W_k
    paramagnet = -sp.log(2) / beta - beta / 2 * (N - 1) / 2 * J**2 / N
    steps = (
        Step(
            sp.Symbol("F_TAP"),
            tap_free_energy_printed(),
            "The free energy of one sample as a function of the magnetizations "
            "$m_i = \\langle s_i\\rangle$: the entropy of independent spins, the mean energy, "
            "and the Onsager term, the second order of the expansion in the couplings",
            rule="quoted",
            reference=f"{TAP_1977}; {PLEFKA_1982}",
        ),
        Step(
            F_k,
            part,
            "The terms that contain $m_k$, with $H_k = \\sum_{j \\ne k} J_{kj} m_j$ and "
            "$W_k = \\sum_{j \\ne k} J_{kj}^2 (1 - m_j^2)$",
            rule="define",
        ),
        Step(
            F_prime,
            gradient,
            "Differentiate; $s'(m) = -\\operatorname{artanh} m$",
            via=sp.Derivative(F_k, m_k),
        ),
        Step(
            m_k,
            tap_map(),
            "Stationarity: the TAP equations, $H_k$ the naive mean field and "
            "$-\\beta m_k W_k$ the Onsager reaction field",
            via=sp.tanh(sp.atanh(m_k) - beta * F_prime),
        ),
        Step(
            W_k,
            J**2 * (1 - q_EA),
            "For SK couplings $J_{kj}^2$ is $J^2/N$ on average and the sum over $N - 1$ "
            "spins self-averages, $q_{EA} = \\sum_j m_j^2/N$",
            rule="given",
        ),
        Step(
            m_k,
            sp.tanh(beta * (h + H_k - beta * J**2 * (1 - q_EA) * m_k)),
            "The TAP equations of the SK model",
            via=tap_map().subs(W_k, J**2 * (1 - q_EA)),
        ),
        Step(
            sp.Symbol("F_TAP^para") / N,
            paramagnet,
            "Check: at $m_i = 0$, $h = 0$, with $\\sum_{i<j} J_{ij}^2 \\approx N(N-1)/2 "
            "\\cdot J^2/N$, the TAP free energy per spin is the annealed one, "
            "$-T\\log 2 - J^2/(4T)$ as $N \\to \\infty$",
            via=(-N * spin_entropy(sp.Integer(0)) / beta - beta / 2 * N * (N - 1) / 2 * J**2 / N)
            / N,
        ),
        Step(
            sp.Symbol("F_TAP^para") / N,
            -sp.log(2) / beta - beta * J**2 / 4,
            "As $N \\to \\infty$",
            rule="asymptotic",
            via=paramagnet,
            large=N,
        ),
    )
    return Derivation(
        title="The TAP equations",
        steps=steps,
        results=(),
        intro="Mean-field equations for the local magnetizations of one given sample "
        "$J_{ij}$, with the Onsager reaction term. Here $\\beta = 1/T$.",
        references=(TAP_1977, PLEFKA_1982),
    )
