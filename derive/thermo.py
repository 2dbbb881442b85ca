r"""Generic verbs: partition function and the thermodynamics that follows from it.

These act on any :class:`~derive.model.Model`.  A model with a closed form of
its own (a transfer matrix, say) offers it through the ``partition_function``
hook; models add derivations of their own through the ``derivations`` hook.

.. math::

    F = -T \log Z,\quad E = T^2 \frac{\partial \log Z}{\partial T},\quad
    S = \frac{E - F}{T},\quad C = \frac{\partial E}{\partial T},\quad
    M = -\frac{\partial F}{\partial h},\quad \chi = \frac{\partial M}{\partial h}.
"""

from __future__ import annotations

import sympy as sp

from . import symbols as sym
from .derivation import Derivation, Step
from .model import Continuous, Discrete, Model, Quanta
from .simplify import textbook


def _boltzmann_factor(model: Model, energy: sp.Expr) -> sp.Expr:
    return sp.exp(-energy / sym.T)


def _geometric_series(model: Model, n: sp.Symbol, energy: sp.Expr) -> sp.Expr:
    """Sum of exp(-(a n + b)/T) over n >= 0, for energies linear in n."""
    poly = sp.Poly(sp.expand(energy), n)
    if poly.degree() != 1:
        raise NotImplementedError(f"{model.name}: energy is not linear in {n}")
    a, b = poly.all_coeffs()
    ratio = sp.exp(-a / sym.T)
    return sp.exp(-b / sym.T) / (1 - ratio)


def single_unit_partition_function(model: Model) -> list[Step]:
    """Steps from the definition of Z_1 to its closed form, for one unit."""
    st = model.states
    if isinstance(st, Discrete):
        terms = [_boltzmann_factor(model, model.energy.subs(st.variable, v)) for v in st.values]
        defined = sp.Add(*terms, evaluate=False)
        steps = [
            Step(
                sym.Z1,
                defined,
                f"Sum the Boltzmann factor over the states of one unit "
                f"(${sp.latex(st.variable)} \\in \\{{{', '.join(sp.latex(v) for v in st.values)}"
                f"\\}}$)",
                rule="define",
            ),
        ]
        closed = textbook(sp.Add(*terms))
    elif isinstance(st, Quanta):
        n = st.variable
        defined = sp.Sum(_boltzmann_factor(model, model.energy), (n, 0, sp.oo))
        steps = [
            Step(
                sym.Z1, defined, "Sum the Boltzmann factor over all quantum numbers", rule="define"
            )
        ]
        raw = _geometric_series(model, n, model.energy)
        steps.append(
            Step(
                sym.Z1,
                raw,
                "Geometric series $\\sum_{n\\ge0} q^n = 1/(1-q)$, with $q = e^{-\\Delta/T} < 1$",
            )
        )
        closed = textbook(raw)
    elif isinstance(st, Continuous):
        integrand = _boltzmann_factor(model, model.energy)
        limits = [(v, st.lower, st.upper) for v in st.variables]
        defined = st.measure * sp.Integral(integrand, *limits)
        steps = [
            Step(sym.Z1, defined, "Integrate the Boltzmann factor over phase space", rule="define")
        ]
        closed = sp.simplify(st.measure * sp.integrate(integrand, *limits, conds="none"))
        steps.append(Step(sym.Z1, closed, "Gaussian integrals, one per coordinate"))
        return steps
    else:  # pragma: no cover - exhaustive over StateSpace
        raise TypeError(f"unknown state space {st!r}")
    if closed != steps[-1].rhs:
        steps.append(Step(sym.Z1, closed, "Write in closed form"))
    return steps


def partition_function(model: Model) -> Derivation:
    r"""Derive the canonical partition function :math:`Z` of ``model``.

    Examples
    --------
    >>> from statmech.derive import get_model, partition_function
    >>> partition_function(get_model("paramagnet")).result_dict["Z"]
    (2*cosh(h*mu/T))**N
    """
    hook = model.hook("partition_function")
    if hook is not None:
        return hook(model)
    own = model.hook("derivations") if model.coupling.interacting else None
    found = [d for d in own(model) if "Z" in d.result_dict] if own else []
    if found:  # an interacting model's own route to Z (a transfer matrix, ...)
        return found[0]
    if model.coupling.interacting:
        raise NotImplementedError(
            f"{model.name}: interacting models must supply a partition_function hook"
        )
    steps = single_unit_partition_function(model)
    forms = closed_forms(model)
    if "Z_1" in forms and forms["Z_1"] != steps[-1].rhs:
        steps.append(Step(sym.Z1, forms["Z_1"], "In the form a textbook prints"))
    z1 = steps[-1].rhs
    n = model.size
    if model.indistinguishable:
        z = z1**n / sp.factorial(n)
        why = "Independent identical particles: $Z = Z_1^N / N!$ (Gibbs' correction)"
        via = sym.Z1**n / sp.factorial(n)
    else:
        z = z1**n
        why = "Independent distinguishable units: the sum over states factorises, $Z = Z_1^N$"
        via = sym.Z1**n
    steps.append(Step(sym.Z, z, why, via=via))
    return Derivation(
        title="Partition function",
        steps=tuple(steps),
        results=(("Z", z), ("Z_1", z1)),
    )


def closed_forms(model: Model) -> dict:
    """The textbook forms a model states through its ``closed_forms`` hook (name -> expr).

    They are not trusted: each is a derivation step checked against its
    definition (``F = -T log Z``, ``E = T^2 d log Z/dT``, ...)."""
    hook = model.hook("closed_forms")
    return dict(hook(model)) if hook is not None else {}


def _per_log(expr):
    return sp.expand_log(expr, force=True)


def thermodynamics(model: Model, z: sp.Expr | None = None) -> Derivation:
    """Derive F, E, S, C (and M, chi with a field) from the partition function."""
    if z is None:
        z = partition_function(model).result_dict["Z"]
    T = sym.T
    forms = closed_forms(model)
    logz = _per_log(sp.log(z))
    f = forms.get("F") or textbook(sp.expand(-T * logz))
    e = forms.get("E") or textbook(sp.expand(sp.diff(logz, T) * T**2))
    s = forms.get("S") or textbook(sp.expand((e - f) / T))
    c = forms.get("C") or textbook(sp.diff(e, T))
    steps = [
        Step(sym.Z, z, "The partition function derived above", rule="given"),
        Step(sym.F, f, "Free energy $F = -T \\log Z$", via=-T * sp.log(sym.Z)),
        Step(
            sym.E,
            e,
            "Mean energy $E = T^2\\, \\partial_T \\log Z$",
            via=T**2 * sp.Derivative(sp.log(sym.Z), T),
        ),
        Step(sym.S, s, "Entropy $S = (E - F)/T$", via=(sym.E - sym.F) / T),
        Step(sym.C, c, "Heat capacity $C = \\partial_T E$", via=sp.Derivative(sym.E, T)),
    ]
    results = [("F", f), ("E", e), ("S", s), ("C", c)]
    if model.field is not None:
        hfield = model.field
        m = forms.get("M") or textbook(-sp.diff(f, hfield))
        x = forms.get("chi") or textbook(sp.diff(m, hfield))
        steps += [
            Step(
                sym.M,
                m,
                f"Magnetization $M = -\\partial F / \\partial {sp.latex(hfield)}$",
                via=-sp.Derivative(sym.F, hfield),
            ),
            Step(
                sym.chi,
                x,
                f"Susceptibility $\\chi = \\partial M / \\partial {sp.latex(hfield)}$",
                via=sp.Derivative(sym.M, hfield),
            ),
        ]
        results += [("M", m), ("chi", x)]
    return Derivation(title="Thermodynamics from Z", steps=tuple(steps), results=tuple(results))


def _result(model: Model, name: str) -> sp.Expr:
    if model.coupling.interacting and model.hook("partition_function") is None:
        # an interacting model's results are those of its own derivations (a transfer
        # matrix, Onsager's solution, ...), where they give the quantity
        own = model.hook("derivations")
        found = [d.result_dict[name] for d in own(model) if name in d.result_dict] if own else []
        if found:
            return found[-1]
        raise NotImplementedError(f"{model.name}: its derivations give no {name}")
    if name == "Z":
        return partition_function(model).result_dict["Z"]
    out = thermodynamics(model).result_dict
    if name not in out:
        raise ValueError(f"model {model.name!r} has no {name} (it has no field)")
    return out[name]


def free_energy(model: Model) -> sp.Expr:
    return _result(model, "F")


def internal_energy(model: Model) -> sp.Expr:
    return _result(model, "E")


def entropy(model: Model) -> sp.Expr:
    return _result(model, "S")


def heat_capacity(model: Model) -> sp.Expr:
    return _result(model, "C")


def magnetization(model: Model) -> sp.Expr:
    return _result(model, "M")


def susceptibility(model: Model) -> sp.Expr:
    return _result(model, "chi")


def derivations(model: Model) -> list[Derivation]:
    """Every derivation the project has for ``model``, in reading order."""
    hook = model.hook("derivations")
    if hook is not None:
        return list(hook(model))
    if model.coupling.interacting and model.hook("partition_function") is None:
        # An interacting model with no derivations of its own (a user's file, say):
        # its Hamiltonian, stated as data, is what can be written without approximation.
        from .hamiltonian import hamiltonian_derivation

        return [hamiltonian_derivation(model)]
    z = partition_function(model)
    return [z, thermodynamics(model, z.result_dict["Z"])]
