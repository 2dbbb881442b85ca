"""Checks every registered model gets for free (cf. scikit-learn's common estimator checks)."""

import json

import pytest
import sympy as sp
from statmech.derive.render import FORMATS, from_string, render, results_of

from statmech import derive

MODELS = derive.model_names()


@pytest.fixture(scope="module", params=MODELS)
def model_and_derivations(request):
    model = derive.get_model(request.param)
    return model, derive.derivations(model)


def test_every_step_checks(model_and_derivations):
    _, ds = model_and_derivations
    for d in ds:
        derive.check(d)


def test_renders_in_every_format(model_and_derivations):
    model, ds = model_and_derivations
    for fmt in FORMATS:
        text = render(model, ds, fmt)
        assert model.title.split()[0] in text or fmt == "json"
    data = json.loads(render(model, ds, "json"))
    assert data["parameters"] and "T" in data["parameters"]


def test_results_round_trip_through_sympify(model_and_derivations):
    model, ds = model_and_derivations
    text = render(model, ds, "json")
    data = json.loads(text)
    results = results_of(ds)
    plain = {s: sp.Symbol(s.name) for e in results.values() for s in e.free_symbols}
    for name, expression in data["results"].items():
        parsed = from_string(expression, data)  # the document's table names each symbol
        assert parsed == results[name].xreplace(plain), name
        restored = from_string(expression, data, {s.name: s for s in plain})
        assert sp.simplify(restored - results[name]) == 0 or restored == results[name]


def test_json_writes_plain_names_and_their_latex(model_and_derivations):
    """Symbols are plain identifiers in the strings (never Python such as Symbol('N')),
    each in the document's table with the name it stands for and its LaTeX."""
    model, ds = model_and_derivations
    text = render(model, ds, "json")
    assert "Symbol(" not in text and "Function(" not in text and "IndexedBase(" not in text
    data = json.loads(text)
    for key in ("symbols", "functions", "indexed"):
        for alias, entry in data[key].items():
            assert alias.isidentifier() and set(entry) == {"name", "latex"}, (key, alias)
    names = {e["name"] for e in data["symbols"].values()}
    for s in {s for e in results_of(ds).values() for s in e.free_symbols}:
        assert s.name in names, s


def test_parameters_have_assumptions(model_and_derivations):
    model, _ = model_and_derivations
    assert model.parameter("T").positive
    for p in model.parameters:
        assert p.symbol.is_real, f"{model.name}.{p.name} should be declared real"


def test_supports_names_only_what_is_derived(model_and_derivations):
    # `statmech models` once claimed Z, S and chi for ising3d, which derives only T_c.
    model, ds = model_and_derivations
    results = set(results_of(ds))
    markers = {"mean-field", "heat-flow", "Omega"}  # capabilities, not result names
    missing = set(model.supports()) - markers - results
    assert not missing, f"{model.name} claims {sorted(missing)} but derives {sorted(results)}"
