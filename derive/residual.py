r"""The residual connection as a gradient step on an energy.

A residual block :math:`x_{l+1} = x_l + f(x_l)` with :math:`f = -\eta\nabla E`
is one step of gradient descent.  For an energy with an :math:`L`-Lipschitz
gradient the descent lemma bounds the change,

.. math::

    E(x_{l+1}) \le E(x_l) - \eta\left(1 - \tfrac{L\eta}{2}\right)|\nabla E(x_l)|^2,

so the energy decreases monotonically along the depth for :math:`0 < \eta < 2/L`;
the quadratic :math:`E = \tfrac{L}{2}x^2` shows the bound is sharp.  A residual
attention block is such a step on the modern Hopfield energy (the Energy
Transformer reading of Hoover et al. 2023, quoted): with :math:`\eta = 1` it is
the attention update itself.

References
----------
Y. Nesterov, Introductory Lectures on Convex Optimization (2004), Lemma 1.2.3.
B. Hoover et al., "Energy Transformer", NeurIPS 2023, arXiv:2302.07253.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from .dense_memory import X_VEC, D, modern_energy, softmax_update
from .derivation import Derivation, Step

eta = sp.Symbol("eta", positive=True)
L = sp.Symbol("L", positive=True)
g2 = sp.Symbol("|g|^2", positive=True)  # |grad E(x_l)|^2
E_l = sp.Symbol("E_l", real=True)
x = sp.Symbol("x", real=True)


@cache
def residual() -> Derivation:
    """Residual blocks as gradient steps: the monotone regime eta < 2/L."""
    bound = E_l - eta * g2 + L * eta**2 * g2 / 2
    quad = L * x**2 / 2
    x_next = x - eta * sp.diff(quad, x)
    steps = [
        Step(
            sp.Symbol("x_{l+1}"),
            sp.Symbol("x_l") - eta * sp.Symbol("g_l"),
            "A residual block whose branch is $f = -\\eta\\nabla E$: a gradient step, "
            "$g_l = \\nabla E(x_l)$",
            rule="define",
        ),
        Step(
            sp.Symbol("E_{l+1}"),
            bound,
            "Descent lemma for an $L$-smooth energy: $E(y) \\le E(x) + \\nabla E(x)\\cdot(y - x) "
            "+ \\tfrac{L}{2}|y - x|^2$, at $y - x = -\\eta g_l$ (an upper bound)",
            rule="quoted",
            reference="Nesterov, Introductory Lectures on Convex Optimization (2004), Lemma 1.2.3",
        ),
        Step(
            sp.Symbol("E_{l+1}"),
            E_l - eta * (1 - L * eta / 2) * g2,
            "The bound on the energy after the block",
            via=bound,
        ),
        Step(
            sp.Symbol("eta_max"),
            2 / L,
            "The decrease $\\eta(1 - L\\eta/2)|g|^2$ is positive for $0 < \\eta < 2/L$: "
            "the energy falls monotonically along the depth",
            via=sp.Max(*sp.solve(sp.Eq(eta * (1 - L * eta / 2), 0), eta)),
        ),
        Step(sp.Symbol("E_q"), quad, "Sharpness: the quadratic energy $E = Lx^2/2$", rule="define"),
        Step(
            sp.Symbol("E_q(x_{l+1})/E_q(x_l)"),
            (1 - eta * L) ** 2,
            "One block multiplies its energy by $(1 - \\eta L)^2$: below one exactly for "
            "$0 < \\eta < 2/L$, so the bound cannot be improved",
            via=quad.subs(x, x_next) / quad,
        ),
    ]
    energy = modern_energy()
    update = softmax_update()
    for k in range(D):
        steps.append(
            Step(
                sp.Symbol(f"x'_{k + 1}"),
                (1 - eta) * X_VEC[k] + eta * update[k],
                f"A gradient step on the modern Hopfield energy, component {k + 1}: "
                "$x + \\eta(X\\,\\mathrm{softmax}(\\beta X^{\\mathsf T}x) - x)$, attention with "
                "a residual connection; $\\eta = 1$ is the attention update",
                via=X_VEC[k] - eta * sp.Derivative(energy, X_VEC[k]),
            )
        )
    steps.append(
        Step(
            sp.Symbol("E_{ET}"),
            sp.Symbol("E_{att}") + sp.Symbol("E_{HN}"),
            "Energy Transformer: a block of attention (and a Hopfield memory layer) with a "
            "residual connection descends a single global energy, layer by layer",
            rule="quoted",
            reference="Hoover et al., Energy Transformer, NeurIPS 2023, arXiv:2302.07253",
        )
    )
    return Derivation(
        title="The residual connection as a gradient step",
        steps=tuple(steps),
        results=(("eta_max", 2 / L),),
        intro="Blocks $x + f(x)$ with $f = -\\eta\\nabla E$ lower the energy when $\\eta < 2/L$.",
        references=("Nesterov (2004), Lemma 1.2.3", "Hoover et al., NeurIPS 2023"),
    )
