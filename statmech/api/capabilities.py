"""What a model offers: the verbs that work on it at its defaults, and the refusals that say why.

:func:`verbs` is what ``statmech models`` lists under ``verbs`` (and
``statmech models --json`` under ``"verbs"``); ``tests/test_contract.py`` runs
every verb each model claims, at the model's defaults, so that no claim is
empty.  :func:`require_finite_system` refuses, before any work, a verb that
needs a finite system of units on a model that has none (``mean-field`` is
the approximation itself: it has a coordination number ``z`` but no lattice
size), naming the models that do work.
"""

from __future__ import annotations

from ..errors import UserError

#: The verbs that act on a model, in the order ``statmech models`` lists them.
VERBS = ("derive", "exact", "solve", "simulate", "validate")


def missing_sizes(d) -> tuple[str, ...]:
    """The sizes the model's couplings need that are not among its parameters."""
    sizes = getattr(getattr(d, "coupling", None), "size_parameters", ()) or ()
    names = getattr(d, "parameter_names", ())
    return tuple(s for s in sizes if s not in names)


def _defaults(d) -> dict:
    return {p.name: p.default for p in d.parameters if p.default is not None}


def _can_derive(d) -> bool:
    return d.hook("derivations") is not None or not d.coupling.interacting


def _can_solve(d) -> bool:
    from statmech.derive.meanfield import mean_field_equations

    try:
        eq = mean_field_equations(d)
    except (NotImplementedError, AttributeError, TypeError, ValueError):
        return False
    defaults = _defaults(d)
    return all(n in defaults for n in eq.parameter_names)  # solvable with nothing given


def _can_exact(d) -> bool:
    from statmech.numeric.exact import MAX_CONFIGURATIONS, ExactUnavailable, route, system_shape

    try:
        if route(d) is not None:
            return True
    except ImportError:
        return False
    if missing_sizes(d) or not hasattr(d.states, "values"):
        return False
    try:
        shape = system_shape(d, _defaults(d))
    except (ExactUnavailable, KeyError, ValueError):
        return False
    n = 1
    for length in shape:
        n *= length
    return len(d.states.values) ** n <= MAX_CONFIGURATIONS


def _can_simulate(d) -> bool:
    from statmech.numeric.samplers import SamplerUnavailable, compile_for_sampling

    if missing_sizes(d) or d.hamiltonian is None or not hasattr(d.states, "values"):
        return False
    try:
        compile_for_sampling(d, _defaults(d))
    except (SamplerUnavailable, KeyError, ValueError):
        return False
    return True


def _can_validate(d) -> bool:
    from statmech.numeric.exact import system_shape
    from statmech.numeric.observables import ENUMERATION_LIMIT
    from statmech.numeric.references import provider

    if provider(d) is not None:
        return True
    n = 1
    for length in system_shape(d, _defaults(d)):
        n *= length
    return n <= ENUMERATION_LIMIT


def verbs(d) -> list[str]:
    """The verbs that work on model ``d`` at its default parameters.

    ``derive`` where the project has its derivations, ``exact`` where it has an
    exact route or the default size can be summed, ``solve`` where it has
    mean-field equations (an approximation, which ``solve`` names), ``simulate``
    where a sampler reads its compiled energy, ``validate`` where it can be
    simulated and has exact values to compare with.
    """
    if not hasattr(d, "coupling"):  # a derivation topic
        return ["derive"]
    out = []
    if _can_derive(d):
        out.append("derive")
    if _can_exact(d):
        out.append("exact")
    if _can_solve(d):
        out.append("solve")
    if _can_simulate(d):
        out.append("simulate")
        if _can_validate(d):
            out.append("validate")
    return out


def models_for(verb: str) -> list[str]:
    """The registered models on which ``verb`` works at their defaults."""
    from statmech.derive import all_models

    return [m.name for m in all_models() if verb in verbs(m)]


def require_finite_system(d, verb: str) -> None:
    """Refuse ``verb`` (``"simulate"``, ``"validate"``, ``"exact"``) on a model whose
    couplings need a size that is not one of its parameters, in one sentence that
    says what would work.

    Raises
    ------
    UserError
    """
    missing = missing_sizes(d)
    if not missing:
        return
    others = ", ".join(models_for(verb))
    doing = {"exact": "sum exactly"}.get(verb, verb)
    solve = " ('statmech solve' gives its equations' solutions)" if _can_solve(d) else ""
    raise UserError(
        f"model {d.name!r} has no finite system to {doing}: its parameters "
        f"({', '.join(d.parameter_names)}) fix no size {' or '.join(missing)}, so no value "
        f"of {missing[0]} can be given{solve}; 'statmech {verb}' works on {others}"
    )
