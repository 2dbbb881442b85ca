r"""Boltzmann machines as derivations: the marginal over hidden units, the restricted
machine's factorised conditionals and free energy, the likelihood gradient, the
:math:`\pm1` and 0/1 forms, and Gaussian hidden units summed out into a Hopfield network.

A Boltzmann machine has visible units :math:`v_i` and hidden units :math:`h_j` with

.. math::

    E(v, h) = -\sum_i b_i v_i - \sum_j c_j h_j - \sum_{ij} v_i W_{ij} h_j
              - \sum_{i<i'} L_{ii'} v_i v_{i'} - \sum_{j<j'} J_{jj'} h_j h_{j'},

and :math:`p(v, h) = e^{-E(v, h)}/Z` (energies in units of :math:`T`, so
:math:`T = 1`).  The restricted machine (RBM) has :math:`L = J = 0`.

Checking.  The identities hold for any numbers of units, but SymPy cannot sum over
:math:`\{0, 1\}^{N}` for a symbolic :math:`N`; the steps are therefore written for a
machine of :data:`NV` = 3 visible and :data:`NH` = 2 hidden units with symbolic
weights and biases, every sum over configurations carried out term by term, and
each step checked at random real points (30 digits).  The argument is unit by
unit, so nothing depends on the sizes chosen.  :class:`Named` prints a defined
quantity by its name and evaluates to its definition.

References
----------
D. H. Ackley, G. E. Hinton and T. J. Sejnowski, Cognitive Science 9, 147 (1985).
P. Smolensky, in Parallel Distributed Processing, vol. 1, ch. 6 (MIT Press, 1986).
G. E. Hinton, Neural Computation 14, 1771 (2002) (contrastive divergence).
A. Barra, A. Bernacchia, E. Santucci and P. Contucci, Neural Networks 34, 1 (2012).
"""

from __future__ import annotations

import itertools

import sympy as sp

from .derivation import Derivation, Step
from .named import Named as BaseNamed

ACKLEY_1985 = "D. H. Ackley, G. E. Hinton and T. J. Sejnowski, Cognitive Science 9, 147 (1985)"
SMOLENSKY_1986 = "P. Smolensky, in Parallel Distributed Processing, vol. 1, ch. 6 (MIT Press, 1986)"
HINTON_2002 = "G. E. Hinton, Neural Computation 14, 1771 (2002)"
BARRA_2012 = (
    "A. Barra, A. Bernacchia, E. Santucci and P. Contucci, Neural Networks 34, 1 (2012), "
    "doi:10.1016/j.neunet.2012.06.003"
)

#: Sizes of the machine the steps are written for.
NV, NH = 3, 2


def _vector(name: str, n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(n)]


v = _vector("v", NV)
h = _vector("h", NH)
b = _vector("b", NV)
c = _vector("c", NH)
W = [[sp.Symbol(f"W_{i + 1}{j + 1}", real=True) for j in range(NH)] for i in range(NV)]
L = {(i, k): sp.Symbol(f"L_{i + 1}{k + 1}", real=True) for i in range(NV) for k in range(i + 1, NV)}
Jh = {
    (j, k): sp.Symbol(f"J_{j + 1}{k + 1}", real=True) for j in range(NH) for k in range(j + 1, NH)
}


class Named(BaseNamed):
    """:class:`~statmech.derive.named.Named` whose substitutions leave the name alone
    (they act on the definition only)."""

    def _eval_subs(self, old, new):
        if old == self:
            return new
        return Named(self.name, self.definition.subs(old, new))


def sigmoid(x):
    r""":math:`\sigma(x) = 1/(1 + e^{-x})`."""
    return 1 / (1 + sp.exp(-x))


def softplus(x):
    r""":math:`\log(1 + e^x)`."""
    return sp.log(1 + sp.exp(x))


def hidden_input(j: int, visible=None) -> sp.Expr:
    r""":math:`x_j = c_j + \sum_i v_i W_{ij}`, the input of hidden unit ``j``."""
    visible = v if visible is None else visible
    return c[j] + sum(visible[i] * W[i][j] for i in range(NV))


def visible_input(i: int, hidden=None) -> sp.Expr:
    r""":math:`y_i = b_i + \sum_j W_{ij} h_j`, the input of visible unit ``i``."""
    hidden = h if hidden is None else hidden
    return b[i] + sum(W[i][j] * hidden[j] for j in range(NH))


def energy(visible=None, hidden=None, restricted: bool = True) -> sp.Expr:
    """The machine's energy; ``restricted=False`` adds the visible-visible and
    hidden-hidden couplings."""
    visible = v if visible is None else visible
    hidden = h if hidden is None else hidden
    e = -sum(b[i] * visible[i] for i in range(NV)) - sum(c[j] * hidden[j] for j in range(NH))
    e -= sum(visible[i] * W[i][j] * hidden[j] for i in range(NV) for j in range(NH))
    if not restricted:
        e -= sum(s * visible[i] * visible[k] for (i, k), s in L.items())
        e -= sum(s * hidden[j] * hidden[k] for (j, k), s in Jh.items())
    return e


def _configurations(n: int):
    return [tuple(sp.Integer(x) for x in bits) for bits in itertools.product((0, 1), repeat=n)]


def _sum_hidden(f) -> sp.Expr:
    """``sum over h in {0,1}^NH of f(h)``, term by term."""
    return sp.Add(*[f(list(hh)) for hh in _configurations(NH)])


def _sum_visible(f) -> sp.Expr:
    return sp.Add(*[f(list(vv)) for vv in _configurations(NV)])


def _sum_both(f) -> sp.Expr:
    return sp.Add(
        *[f(list(vv), list(hh)) for vv in _configurations(NV) for hh in _configurations(NH)]
    )


# --------------------------------------------------------------------------
# The general machine


def boltzmann_machine_derivation(model) -> Derivation:
    r"""The energy with visible and hidden units; the distribution of the visible units
    by summing out the hidden ones; normalisation; the restricted machine as the case
    :math:`L = J = 0`, whose hidden sum factorises."""
    E = sp.Function("E")(sp.Symbol("v"), sp.Symbol("h"))
    Pv = sp.Function("P")(sp.Symbol("v"))
    full = energy(restricted=False)
    Z = Named(
        r"\sum_{v,h} e^{-E(v,h)}",
        _sum_both(lambda vv, hh: sp.exp(-energy(vv, hh, restricted=False))),
    )
    marginal = _sum_hidden(lambda hh: sp.exp(-energy(v, hh, restricted=False)))
    restricted = marginal.subs({s: 0 for s in (*L.values(), *Jh.values())})
    factorised = sp.exp(sum(b[i] * v[i] for i in range(NV))) * sp.Mul(
        *[1 + sp.exp(hidden_input(j)) for j in range(NH)]
    )
    steps = [
        Step(
            E,
            full,
            f"The energy of a machine of {NV} visible units $v_i$ and {NH} hidden units "
            "$h_j$, each 0 or 1, with biases $b$, $c$, visible-hidden weights $W$ and "
            "couplings $L$ (visible) and $J$ (hidden); energies in units of $T$",
            rule="given",
        ),
        Step(
            sp.Symbol("Z"),
            Z,
            "The partition function: the Boltzmann weight summed over every configuration "
            "of both layers",
            rule="define",
        ),
        Step(
            Pv,
            Named(r"\sum_h e^{-E(v,h)}", marginal) / sp.Symbol("Z"),
            "Marginalise the hidden units: the probability of a visible configuration is "
            "the Boltzmann weight summed over the hidden ones",
            rule="define",
        ),
        Step(
            sp.Symbol(r"\sum_v P(v)"),
            sp.Integer(1),
            "The marginal is normalised: summing it over the visible configurations gives back Z",
            via=_sum_visible(lambda vv: marginal.subs(dict(zip(v, vv, strict=True))))
            / Z.definition,
        ),
        Step(
            sp.Function(r"\tilde P")(sp.Symbol("v")),
            factorised,
            "Restricted machine ($L = J = 0$): no hidden-hidden couplings, so the sum over "
            "h factorises into one factor $1 + e^{x_j}$ per hidden unit, "
            "$x_j = c_j + \\sum_i v_i W_{ij}$ (the unnormalised marginal)",
            via=restricted,
        ),
    ]
    return Derivation(
        "The Boltzmann machine: visible and hidden units",
        tuple(steps),
        results=(("P_restricted", factorised),),
        references=(ACKLEY_1985,),
    )


# --------------------------------------------------------------------------
# The restricted machine


def rbm_derivation(model) -> Derivation:
    r"""Conditional independence, the free energy and the likelihood gradient."""
    E = energy()
    Z = Named("Z", _sum_both(lambda vv, hh: sp.exp(-energy(vv, hh))))
    x = [hidden_input(j) for j in range(NH)]
    y = [visible_input(i) for i in range(NV)]
    bv = sum(b[i] * v[i] for i in range(NV))
    weight_sum = _sum_hidden(lambda hh: sp.exp(-energy(v, hh)))
    free = -bv - sum(softplus(xj) for xj in x)
    Fv = sp.Function("F")(sp.Symbol("v"))
    p_h_given_v = sp.Mul(*[sp.exp(h[j] * x[j]) / (1 + sp.exp(x[j])) for j in range(NH)])
    p_v_given_h = sp.Mul(*[sp.exp(v[i] * y[i]) / (1 + sp.exp(y[i])) for i in range(NV)])
    visible_sum = _sum_visible(lambda vv: sp.exp(-energy(vv, h)))
    # the model term <v_1 h_1>: the average of v_1 h_1 under p(v, h)
    model_term = Named(
        r"\langle v_1 h_1 \rangle_{\rm model}",
        _sum_both(lambda vv, hh: vv[0] * hh[0] * sp.exp(-energy(vv, hh))) / Z.definition,
    )
    log_likelihood = -free - sp.log(Z.definition)
    steps = [
        Step(
            sp.Function("E")(sp.Symbol("v"), sp.Symbol("h")),
            E,
            f"The restricted machine ({NV} visible, {NH} hidden units, each 0 or 1): "
            "biases and visible-hidden weights only, energies in units of $T$",
            rule="given",
        ),
        Step(
            sp.Function("P")(sp.Symbol("h"), sp.Symbol("v")),
            p_h_given_v,
            "Conditional independence: $p(h|v) = e^{-E(v,h)}/\\sum_{h'} e^{-E(v,h')}$; "
            "the energy is linear in each $h_j$, so the ratio is a product over hidden "
            "units of $e^{h_j x_j}/(1 + e^{x_j})$, $x_j = c_j + \\sum_i v_i W_{ij}$",
            via=sp.exp(-E) / weight_sum,
        ),
        Step(
            sp.Symbol("P(h_1 = 1|v)"),
            sigmoid(x[0]),
            "So each hidden unit is on with probability $\\sigma(x_j)$, independently",
            via=_sum_hidden(lambda hh: hh[0] * p_h_given_v.subs(dict(zip(h, hh, strict=True)))),
        ),
        Step(
            sp.Function("P")(sp.Symbol("v"), sp.Symbol("h")),
            p_v_given_h,
            "Likewise $p(v|h)$ is a product over visible units, with inputs "
            "$y_i = b_i + \\sum_j W_{ij} h_j$",
            via=sp.exp(-E) / visible_sum,
        ),
        Step(
            sp.Symbol("P(v_1 = 1|h)"),
            sigmoid(y[0]),
            "Each visible unit is on with probability $\\sigma(y_i)$",
            via=_sum_visible(lambda vv: vv[0] * p_v_given_h.subs(dict(zip(v, vv, strict=True)))),
        ),
        Step(
            Fv,
            free,
            "The free energy $F(v) = -\\log\\sum_h e^{-E(v,h)} = -b\\cdot v - "
            "\\sum_j \\mathrm{softplus}(x_j)$, $\\mathrm{softplus}(x) = \\log(1 + e^x)$",
            via=-sp.log(weight_sum),
        ),
        Step(
            sp.Symbol(r"\log P(v)"),
            -Fv - sp.Symbol("log Z"),
            "The log-likelihood of one visible configuration",
            rule="define",
        ),
        Step(
            sp.Symbol(r"\partial \log P(v) / \partial W_{11}"),
            v[0] * sigmoid(x[0]) - model_term,
            "The gradient is the data term (positive phase: $v_i\\,p(h_j = 1|v)$ at "
            "the data) minus the model term (negative phase: $\\langle v_i h_j \\rangle$ "
            "under the machine); averaged over a data set, the data term becomes the data "
            "average",
            via=sp.Derivative(log_likelihood, W[0][0]),
        ),
        Step(
            sp.Symbol(r"\partial \log P(v) / \partial b_1"),
            v[0]
            - Named(
                r"\langle v_1 \rangle_{\rm model}",
                _sum_both(lambda vv, hh: vv[0] * sp.exp(-energy(vv, hh))) / Z.definition,
            ),
            "The same for a visible bias",
            via=sp.Derivative(log_likelihood, b[0]),
        ),
        Step(
            sp.Symbol(r"\partial \log P(v) / \partial c_1"),
            sigmoid(x[0])
            - Named(
                r"\langle h_1 \rangle_{\rm model}",
                _sum_both(lambda vv, hh: hh[0] * sp.exp(-energy(vv, hh))) / Z.definition,
            ),
            "and a hidden bias",
            via=sp.Derivative(log_likelihood, c[0]),
        ),
    ]
    return Derivation(
        "The restricted Boltzmann machine: conditionals, free energy, gradient",
        tuple(steps),
        results=(("F", free), ("p_h1", sigmoid(x[0])), ("p_v1", sigmoid(y[0]))),
        references=(SMOLENSKY_1986, HINTON_2002),
    )


# --------------------------------------------------------------------------
# +-1 and 0/1 units


def spin_map_derivation(model) -> Derivation:
    r"""The 0/1 machine rewritten in :math:`\pm1` units :math:`s = 2v - 1`,
    :math:`\sigma = 2h - 1`: couplings :math:`W/4`, fields :math:`b_i/2 + \sum_j
    W_{ij}/4` and :math:`c_j/2 + \sum_i W_{ij}/4`, and a constant."""
    s = _vector("s", NV)
    sg = _vector("sigma", NH)
    to01 = {
        **{v[i]: (1 + s[i]) / 2 for i in range(NV)},
        **{h[j]: (1 + sg[j]) / 2 for j in range(NH)},
    }
    field_v = [b[i] / 2 + sum(W[i][j] for j in range(NH)) / 4 for i in range(NV)]
    field_h = [c[j] / 2 + sum(W[i][j] for i in range(NV)) / 4 for j in range(NH)]
    const = -sum(b) / 2 - sum(c) / 2 - sum(W[i][j] for i in range(NV) for j in range(NH)) / 4
    spin_form = (
        -sum(s[i] * W[i][j] / 4 * sg[j] for i in range(NV) for j in range(NH))
        - sum(field_v[i] * s[i] for i in range(NV))
        - sum(field_h[j] * sg[j] for j in range(NH))
        + const
    )
    back = {**{s[i]: 2 * v[i] - 1 for i in range(NV)}, **{sg[j]: 2 * h[j] - 1 for j in range(NH)}}
    steps = [
        Step(sp.Function("E")(sp.Symbol("v"), sp.Symbol("h")), energy(), "0/1 units", rule="given"),
        Step(
            sp.Function("E")(sp.Symbol("s"), sp.Symbol("sigma")),
            spin_form,
            "Put $v_i = (1 + s_i)/2$, $h_j = (1 + \\sigma_j)/2$ with $s, \\sigma = \\pm1$: an "
            "Ising bipartite energy with couplings $W_{ij}/4$, fields "
            "$b_i/2 + \\sum_j W_{ij}/4$ and $c_j/2 + \\sum_i W_{ij}/4$, and a constant",
            via=energy().subs(to01, simultaneous=True),
        ),
        Step(
            sp.Function("E")(sp.Symbol("v"), sp.Symbol("h")),
            energy(),
            "and back: $s = 2v - 1$ recovers the 0/1 energy, so the two forms describe one "
            "machine (the constant cancels in every probability)",
            via=spin_form.subs(back, simultaneous=True),
        ),
    ]
    return Derivation(
        "Plus-minus one and 0/1 units",
        tuple(steps),
        results=(("E_pm", spin_form),),
        references=(ACKLEY_1985,),
    )


# --------------------------------------------------------------------------
# Gaussian hidden units: the Hopfield network


def gaussian_hidden_derivation(model) -> Derivation:
    r"""Gaussian hidden units :math:`z_\mu` summed out of
    :math:`E = \frac12\sum_\mu z_\mu^2 - \sum_{i\mu} s_i W_{i\mu} z_\mu` leave the Hopfield
    energy :math:`-\sum_{i<j} K_{ij} s_i s_j` with Hebbian :math:`K = W W^T`; with
    :math:`W_{i\mu} = \xi_i^\mu/\sqrt{N}` (energies in units of :math:`T`) these are the
    couplings :math:`\frac1N\sum_\mu \xi_i^\mu \xi_j^\mu` of the Hopfield model."""
    z = sp.Symbol("z", real=True)
    u = sp.Symbol("u", real=True)
    s = _vector("s", NV)
    P = NH
    w = W
    inputs = [sum(s[i] * w[i][m] for i in range(NV)) for m in range(P)]
    gauss = sp.Integral(sp.exp(-(z**2) / 2 + z * u), (z, -sp.oo, sp.oo))
    one_unit = sp.sqrt(2 * sp.pi) * sp.exp(u**2 / 2)
    marginal = sp.Mul(*[one_unit.subs(u, inputs[m]) for m in range(P)])
    exponent = sp.expand(sum(inputs[m] ** 2 for m in range(P)) / 2)
    reduced = exponent.subs({s[i] ** 2: 1 for i in range(NV)})
    K = {
        (i, k): sum(w[i][m] * w[k][m] for m in range(P))
        for i in range(NV)
        for k in range(i + 1, NV)
    }
    hebbian = sum(K[i, k] * s[i] * s[k] for (i, k) in K)
    diagonal = sum(w[i][m] ** 2 for i in range(NV) for m in range(P)) / 2
    xi = [[sp.Symbol(f"xi_{i + 1}^{m + 1}", real=True) for m in range(P)] for i in range(NV)]
    N = sp.Integer(NV)
    scaled = {w[i][m]: xi[i][m] / sp.sqrt(N) for i in range(NV) for m in range(P)}
    hopfield = sum(sum(xi[i][m] * xi[k][m] for m in range(P)) / N * s[i] * s[k] for (i, k) in K)
    steps = [
        Step(
            sp.Function("E")(sp.Symbol("s"), sp.Symbol("z")),
            sum(zm**2 for zm in _vector("z", P)) / 2
            - sum(s[i] * w[i][m] * _vector("z", P)[m] for i in range(NV) for m in range(P)),
            f"{NV} visible units $s_i = \\pm1$ and {P} Gaussian hidden units $z_\\mu$ "
            "(real, with the quadratic self-energy $z_\\mu^2/2$), coupled by $W$",
            rule="given",
        ),
        Step(
            sp.Function("G")(u),
            one_unit,
            "One Gaussian hidden unit with input $u = \\sum_i s_i W_{i\\mu}$ integrated "
            "out: complete the square",
            via=gauss,
        ),
        Step(
            sp.Function("P")(sp.Symbol("s")) * sp.Symbol("Z"),
            (2 * sp.pi) ** sp.Rational(P, 2) * sp.exp(exponent),
            "The hidden units are independent given s; the visible marginal is the product",
            via=marginal,
        ),
        Step(
            sp.Symbol(r"\frac12 \sum_\mu (\sum_i s_i W_{i\mu})^2"),
            hebbian + diagonal,
            "Expand the square with $s_i^2 = 1$: pairs $i<j$ coupled by "
            "$K_{ij} = \\sum_\\mu W_{i\\mu} W_{j\\mu}$, plus a constant",
            via=reduced,
        ),
        Step(
            sp.Symbol("H_{Hopfield}"),
            -hopfield,
            "With $W_{i\\mu} = \\xi_i^\\mu/\\sqrt{N}$ the couplings are Hebb's "
            "$K_{ij} = \\frac1N\\sum_\\mu \\xi_i^\\mu \\xi_j^\\mu$: the machine's visible marginal "
            "is the Hopfield network's Boltzmann weight $e^{-H}$ (at temperature $T$: "
            "$W_{i\\mu} = \\xi_i^\\mu/\\sqrt{N T}$)",
            via=-hebbian.subs(scaled),
        ),
    ]
    return Derivation(
        "Gaussian hidden units: the Hopfield network",
        tuple(steps),
        results=(("H_Hopfield", -hopfield),),
        references=(BARRA_2012,),
    )


def boltzmann_machine_derivations(model) -> list[Derivation]:
    return [boltzmann_machine_derivation(model), spin_map_derivation(model)]


def rbm_derivations(model) -> list[Derivation]:
    return [
        boltzmann_machine_derivation(model),
        rbm_derivation(model),
        spin_map_derivation(model),
        gaussian_hidden_derivation(model),
    ]
