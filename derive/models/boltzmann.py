r"""Boltzmann machines: visible and hidden units 0/1 coupled by weights :math:`W`.

The restricted machine (``rbm``) couples visible units only to hidden ones,

.. math::

    E(v, h) = -\sum_i b_i v_i - \sum_j c_j h_j - \sum_{ij} v_i W_{ij} h_j ,

and is learned from data (:mod:`statmech.numeric.rbm`).  As a model of this package
its units are listed visible first, its weights ``sigma * W`` with ``W`` standard
normal drawn from ``seed`` (or read from a file), and a uniform bias ``h`` on every
unit; the learned per-unit biases live with the trained machine.  The general
machine (``boltzmann-machine``) adds visible-visible and hidden-hidden couplings;
its derivations state the energy and the marginal over the hidden units.

References
----------
D. H. Ackley, G. E. Hinton and T. J. Sejnowski, Cognitive Science 9, 147 (1985).
P. Smolensky, in Parallel Distributed Processing, vol. 1, ch. 6 (MIT Press, 1986).
"""

import sympy as sp

from .. import symbols as sym
from ..boltzmann import (
    ACKLEY_1985,
    BARRA_2012,
    HINTON_2002,
    SMOLENSKY_1986,
    boltzmann_machine_derivations,
    rbm_derivations,
)
from ..interactions import BipartiteCouplings, CouplingData, Hamiltonian, K, s_i, s_j
from ..model import TEMPERATURE, Model, Parameter, binary_unit

N_v = sp.Symbol("N_v", positive=True, integer=True)
N_h = sp.Symbol("N_h", positive=True, integer=True)
sigma = sp.Symbol("sigma", positive=True)
seed = sp.Symbol("seed", integer=True, nonnegative=True)

UNIT = binary_unit("n")


def _machine(name: str, title: str, summary: str, hooks, references) -> Model:
    couplings = BipartiteCouplings(
        CouplingData("gaussian"), scale=sigma, visible="N_v", hidden="N_h"
    )
    return Model(
        name=name,
        title=title,
        summary=summary,
        parameters=(
            TEMPERATURE,
            Parameter(N_v, "number of visible units", 10),
            Parameter(N_h, "number of hidden units", 6),
            Parameter(sigma, "scale of the weights W (standard normal entries times sigma)", 1.0),
            Parameter(sym.h, "uniform bias on every unit", 0.0),
            Parameter(seed, "seed of the weights", 0),
        ),
        states=UNIT,
        hamiltonian=Hamiltonian(-sym.h * UNIT.variable, -K * s_i * s_j, couplings, UNIT.variable),
        size=N_v + N_h,
        field=sym.h,
        hooks=hooks,
        references=references,
    )


RBM = _machine(
    "rbm",
    "Restricted Boltzmann machine",
    "Visible and hidden 0/1 units coupled only across the layers by weights W: "
    "factorised conditionals, free energy with softplus, learned from data.",
    (
        ("derivations", rbm_derivations),
        *(("supports:" + q, None) for q in ("F", "p_h1", "p_v1", "E_pm", "H_Hopfield")),
    ),
    (SMOLENSKY_1986, HINTON_2002, BARRA_2012),
)

BOLTZMANN_MACHINE = _machine(
    "boltzmann-machine",
    "Boltzmann machine",
    "Visible and hidden 0/1 units with Boltzmann weights; the visible distribution is "
    "the hidden units summed out (derived with visible-visible and hidden-hidden "
    "couplings; its numbers are those of the restricted machine).",
    (("derivations", boltzmann_machine_derivations), ("supports:E_pm", None)),
    (ACKLEY_1985,),
)

MODELS = (BOLTZMANN_MACHINE, RBM)
