"""`statmech validate` end to end with the real exact providers (no stand-ins): the transfer
matrix for ising1d, Kaufman's finite torus for ising2d, the finite-N sum for curie-weiss.

The systems are too large for the exact-enumeration fallback (more than 20 spins), so a
passing run can only rest on the named provider."""

import json

import pytest
from statmech.derive.registry import get_model
from statmech.numeric.observables import ENUMERATION_LIMIT, NAMES
from statmech.numeric.references import exact_reference, provider

from statmech.cli import main

CASES = [
    ("ising1d", {"N": 64, "T": 1.5}, "statmech.numeric.ising_exact", NAMES),
    # A finite torus has no exact magnetization moments: energy and heat capacity only.
    ("ising2d", {"L": 16, "T": 2.5}, "statmech.numeric.ising_exact", NAMES[:2]),
    ("curie-weiss", {"N": 64, "T": 1.2}, "statmech.numeric.curie_weiss", NAMES),
]

#: Each case's method in words, as output names it (not the module).
METHODS = {
    "ising1d": "transfer matrix and exact density of states",
    "ising2d": "Kaufman's exact finite-lattice formula",
    "curie-weiss": "exact sum over the magnetization",
}


@pytest.mark.parametrize(("model", "params", "source", "quantities"), CASES)
def test_validate_passes_with_the_real_provider(capsys, model, params, source, quantities):
    assert provider(get_model(model)).partition(":")[0] == source
    spins = params["N"] if "N" in params else params["L"] ** 2
    assert spins > ENUMERATION_LIMIT
    argv = [f"{k}={v}" for k, v in params.items()]
    code = main(["validate", model, *argv, "--sweeps", "1000", "--replicas", "8", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["passed"] is True
    assert data["reference"] == [source] and data["method"] == [METHODS[model]]
    assert [r["quantity"] for r in data["rows"]] == list(quantities)
    exact = exact_reference(model, {"J": 1.0, "h": 0.0, **params})
    for row in data["rows"]:
        assert row["exact"] == exact[row["quantity"]]
        assert abs(row["z"]) <= data["max_z"] == 4
        assert row["z"] == pytest.approx((row["simulated"] - row["exact"]) / row["error"])
    # The comparison has power: an energy wrong by 0.04 J, or a heat capacity wrong by a
    # fifth, would lie outside four error bars.
    by = {r["quantity"]: r for r in data["rows"]}
    assert by["energy_per_spin"]["error"] < 0.01
    assert by["heat_capacity_per_spin"]["error"] < 0.05 * by["heat_capacity_per_spin"]["exact"]


def test_validate_text_names_the_method(capsys):
    code = main(["validate", "ising2d", "L=16", "T=2.5", "--sweeps", "500", "--replicas", "8"])
    out = capsys.readouterr().out
    head = out.splitlines()[0]
    assert code == 0 and "PASSED" in out
    assert head.endswith("exact values by Kaufman's exact finite-lattice formula"), head
    assert "statmech.numeric" not in out and "exact enumeration" not in out


@pytest.mark.parametrize(
    ("model", "params", "words"),
    [
        ("ising1d", {"N": 600}, "transfer matrix"),  # too long a ring for its states
        ("ising2d", {"L": 4, "h": 0.3}, "exact density of states"),  # no Kaufman in a field
        ("ising2d", {"L": 4, "J": -1.0}, "exact density of states"),  # nor for J < 0
        ("ising2d", {"L": 5}, "Kaufman's exact finite-lattice formula and exact density of states"),
    ],
)
def test_the_method_in_words_follows_the_parameters(model, params, words):
    from statmech.numeric.references import method_words, reference_values

    point = {"T": 2.0, "J": 1.0, "h": 0.0, **params}
    values, source = reference_values(model, point)
    assert values and method_words(model, point, source) == words
