"""Every claim `statmech models` makes is backed by a call that works, and nothing more.

`models` once listed F for ising1d while `statmech.derive.free_energy(ising1d)` raised
NotImplementedError.  Here each model's results are fetched through the derive functions
and its derivations, and each verb it lists runs at the model's defaults (small runs); a
verb it does not list is refused in one sentence.
"""

import json

import pytest
from statmech.derive.render import results_of

import statmech as sm
from statmech import derive
from statmech.api.capabilities import VERBS, verbs
from statmech.cli import main

MODELS = derive.model_names()

#: The derive function of each generic result name.
FUNCTIONS = {
    "Z": lambda m: derive.partition_function(m).result_dict["Z"],
    "F": derive.free_energy,
    "E": derive.internal_energy,
    "S": derive.entropy,
    "C": derive.heat_capacity,
    "M": derive.magnetization,
    "chi": derive.susceptibility,
}

SMALL_RUN = {"sweeps": 200, "replicas": 2, "seed": 3}


@pytest.mark.parametrize("name", MODELS)
def test_every_result_claim_is_a_derived_result(name):
    model = derive.get_model(name)
    results = results_of(derive.derivations(model))
    for claim in model.supports():
        if claim == "mean-field":  # it has mean-field equations ('solve' where verbs says so)
            assert derive.mean_field_equations(model).unknowns, name
        elif claim == "heat-flow":
            from statmech.derive.topics import get_topic

            assert derive.derivations(get_topic("heat-flow"))
        else:
            assert claim in results, f"{name} claims {claim} but derives {sorted(results)}"
        if claim in FUNCTIONS:  # statmech.derive.free_energy(model) and its siblings work
            assert FUNCTIONS[claim](model) is not None, (name, claim)


def test_the_chain_free_energy_through_derive():
    # the case: derive.free_energy(get_model("ising1d")) raised NotImplementedError
    import sympy as sp
    from statmech.derive import symbols as sym

    f = derive.free_energy(derive.get_model("ising1d"))
    # the chain's F (per spin, N -> infinity) is -T log of the larger transfer-matrix
    # eigenvalue; at h = 0 that is -T log(2 cosh(J/T)); in a field, the 2 x 2 matrix's
    T, J, h = sp.Rational(7, 5), sp.Rational(3, 4), sp.Rational(1, 3)
    assert (
        abs(sp.N(f.subs({sym.h: 0, sym.T: T, sym.J: J}) + T * sp.log(2 * sp.cosh(J / T)), 30))
        < 1e-25
    )
    tm = sp.Matrix([[sp.exp((J + h) / T), sp.exp(-J / T)], [sp.exp(-J / T), sp.exp((J - h) / T)]])
    largest = max(sp.N(v, 40) for v in tm.eigenvals())
    assert abs(sp.N(f.subs({sym.h: h, sym.T: T, sym.J: J}), 40) + T * sp.log(largest)) < 1e-25


def _run(name, verb):
    m = sm.model(name)
    if verb == "derive":
        return m.derive().results
    if verb == "exact":
        return sm.exact(m).values
    if verb == "solve":
        s = sm.solve(m)
        assert s.solutions, f"solve {name} found no solution at its defaults"
        return s.solutions
    if verb == "simulate":
        return sm.simulate(m, **SMALL_RUN).observables
    if verb == "validate":
        v = sm.validate(m, **SMALL_RUN)
        assert v.rows, f"validate {name} compared nothing"
        return v.rows
    raise AssertionError(verb)


#: Known failures, each with its reason (strict: the mark must go when the cause is fixed).
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n], strict=True)) if n in KNOWN else n
        for n in MODELS
    ],
)
def test_every_verb_claim_works_and_no_other(name):
    claimed = verbs(derive.get_model(name))
    assert claimed and set(claimed) <= set(VERBS)
    for verb in VERBS:
        if verb in claimed:
            assert _run(name, verb), (name, verb)
        else:
            with pytest.raises((sm.UserError, NotImplementedError)) as info:
                _run(name, verb)
            text = str(info.value)
            assert text and "\n" not in text, (name, verb, text)


def test_models_lists_the_verbs(capsys):
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for entry in data["models"]:
        assert entry["verbs"] == verbs(derive.get_model(entry["name"]))
        assert "supports" in entry  # the old key stays
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "verbs:      derive, exact, solve, simulate, validate" in out  # ising1d, ising2d
