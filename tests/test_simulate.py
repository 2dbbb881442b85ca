"""Simulation estimates against exact enumeration, error-bar coverage, and the
`simulate` / `validate` commands.

`validate` takes its exact values from the provider a model names in its
`exact_reference` hook; here a provider built on exact enumeration stands in for
them (see `enumeration_provider`).
"""

import io
import json
import sys
import types

import pytest
from statmech.derive.registry import get_model
from statmech.numeric import references
from statmech.numeric.observables import NAMES, enumerated_reference
from statmech.numeric.simulation import simulate, thermalization_sweeps

from statmech.cli import main
from statmech.progress import progress_bar, wanted

Z_MAX = 4.0


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("name", "params", "algorithm"),
    [
        ("ising1d", {"T": 1.5, "J": 1.0, "h": 0.0, "N": 10}, "metropolis"),
        ("ising1d", {"T": 0.8, "J": 1.0, "h": 0.2, "N": 9}, "heat-bath"),
        ("ising2d", {"T": 2.5, "J": 1.0, "h": 0.0, "L": 4}, "metropolis"),
        ("ising2d", {"T": 2.0, "J": 1.0, "h": 0.0, "L": 3}, "heat-bath"),
        ("curie-weiss", {"T": 1.2, "J": 1.0, "h": 0.1, "N": 10}, "metropolis"),
        ("curie-weiss", {"T": 0.9, "J": 1.0, "h": 0.0, "N": 11}, "heat-bath"),
    ],
)
def test_estimates_agree_with_exact_enumeration(name, params, algorithm):
    res = simulate(name, params, sweeps=3000, replicas=16, seed=7, algorithm=algorithm)
    exact = enumerated_reference(get_model(name), params)
    assert set(NAMES) <= set(res.observables)
    for q in NAMES:
        est = res.observables[q]
        assert est.error > 0 and est.tau_int >= 0.5
        assert abs(est.z(exact[q])) < Z_MAX, (q, est, exact[q])
    assert res.measurements == 16 * 3000
    assert res.flips_per_ns > 0 and res.elapsed_seconds > 0


def coverage(name, params, seeds, **run):
    inside1 = inside2 = total = 0
    exact = enumerated_reference(get_model(name), params)
    for seed in seeds:
        res = simulate(name, params, seed=seed, **run)
        for q in NAMES:
            z = abs(res.observables[q].z(exact[q]))
            inside1 += z <= 1
            inside2 += z <= 2
            total += 1
    return inside1 / total, inside2 / total


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ising2d", {"T": 2.6, "J": 1.0, "h": 0.0, "L": 3}),
        ("curie-weiss", {"T": 1.3, "J": 1.0, "h": 0.1, "N": 8}),
    ],
)
def test_error_bars_cover_the_exact_values(name, params):
    """Over 30 seeded runs, about 68% of the estimates lie within one error bar
    of the exact value and about 95% within two."""
    one, two = coverage(name, params, range(30), sweeps=600, replicas=8)
    # 180 estimates (6 per run, correlated within a run): generous but two-sided.
    assert 0.55 <= one <= 0.80, one
    assert two >= 0.88, two


@pytest.mark.slow
def test_error_bar_coverage_many_runs():
    one, two = coverage(
        "ising1d", {"T": 1.0, "J": 1.0, "h": 0.0, "N": 8}, range(200), sweeps=1000, replicas=8
    )
    assert 0.62 <= one <= 0.74 and two >= 0.92


def test_thermalisation_rule():
    assert thermalization_sweeps(100) == 100
    assert thermalization_sweeps(10000) == 2000
    assert thermalization_sweeps(1000, every=3) == 201
    res = simulate("ising1d", {"T": 2.0, "N": 6}, sweeps=500, replicas=2, seed=1)
    assert res.thermalization == 100


def test_short_run_at_low_temperature_is_flagged():
    res = simulate("ising1d", {"T": 0.3, "N": 64}, sweeps=300, replicas=2, seed=1)
    assert any(
        "abs_magnetization: the series (300 measurements) is too short" in w for w in res.warnings
    )
    frozen = simulate("ising1d", {"T": 0.4, "N": 16}, sweeps=300, replicas=2, seed=1)
    assert frozen.observables["abs_magnetization"].error == 0
    assert any("abs_magnetization did not change" in w for w in frozen.warnings)


# -- the simulate command ------------------------------------------------------------


def test_simulate_json_shape(capsys):
    code, out, err = run_cli(
        capsys,
        "simulate",
        "ising2d",
        "L=4",
        "T=2.5",
        "--sweeps",
        "400",
        "--replicas",
        "4",
        "--seed",
        "3",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data["observables"]) >= {
        "energy_per_spin",
        "abs_magnetization",
        "heat_capacity_per_spin",
        "susceptibility",
        "binder",
    }
    for v in data["observables"].values():
        assert set(v) == {"mean", "error", "tau_int"}
    assert data["parameters"] == {"T": 2.5, "J": 1.0, "h": 0.0, "L": 4}
    assert (data["seed"], data["sweeps"], data["measurements"]) == (3, 400, 1600)
    assert data["elapsed_seconds"] > 0 and data["flips_per_ns"] > 0
    assert err == ""  # no progress bar when not on a terminal or with --json


def test_simulate_is_reproducible(capsys):
    argv = ["simulate", "curie-weiss", "N=12", "T=1.1", "--sweeps", "300", "--json"]
    a = json.loads(run_cli(capsys, *argv)[1])
    b = json.loads(run_cli(capsys, *argv)[1])
    assert a["observables"] == b["observables"]


def test_simulate_text_table(capsys):
    code, out, _ = run_cli(capsys, "simulate", "ising1d", "N=8", "T=1.5", "--sweeps", "300")
    assert code == 0 and "binder" in out and "tau_int" in out and "flips/ns" in out


@pytest.mark.parametrize(
    ("argv", "method"),
    [
        (["ising2d", "L=4", "--reference"], "Metropolis, checkerboard (reference sampler, numpy)"),
        (["ising1d", "N=5", "--algorithm", "heat-bath"], "heat bath, 3 colour classes in turn"),
        (["curie-weiss", "N=6"], "lazy Metropolis, sequential scan (reference sampler, numpy)"),
    ],
)
def test_simulate_header_names_the_method_in_words(capsys, argv, method):
    code, out, _ = run_cli(capsys, "simulate", *argv, "T=2", "--sweeps", "100", "--replicas", "2")
    head = out.splitlines()[0]
    assert code == 0 and f": {method}" in head, head
    assert "Sampler" not in head and "Checkerboard" not in head


def test_sampler_method_is_the_one_naming_of_output_and_json():
    from statmech.numeric.samplers import make_sampler

    words = {"metropolis": "Metropolis, checkerboard", "heat-bath": "heat bath, checkerboard"}
    for algorithm, expected in words.items():
        s = make_sampler("ising2d", {"T": 2.0, "L": 4}, algorithm, 2)  # fast or reference
        assert s.method == expected
    res = simulate("ising2d", {"T": 2.0, "L": 4}, sweeps=100, replicas=2, reference=True)
    assert res.as_dict()["method"] == res.method == "Metropolis, checkerboard"
    assert res.as_dict()["implementation"] == "reference"
    try:
        wolff = make_sampler("ising2d", {"T": 2.0, "L": 4}, "wolff", 2)
    except ValueError:  # no fast samplers (numba missing): no cluster moves either
        return
    assert wolff.method == "Wolff clusters"
    sw = make_sampler("ising2d", {"T": 2.0, "L": 4}, "swendsen-wang", 2)
    assert sw.method == "Swendsen-Wang clusters"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ising2d", "L=8", "--algorithm", "wolff"], "wolff algorithm needs the fast samplers"),
        (["two-level"], "no sampler for model 'two-level'"),
        (["ising1d", "T=1:2:3"], "use 'statmech validate' for a range"),
        (["ising1d", "--sweeps", "0"], "--sweeps must be positive"),
        (["ising1d", "T=-1"], "temperature must be positive"),
    ],
)
def test_simulate_bad_input_is_one_line(capsys, monkeypatch, argv, message):
    monkeypatch.setitem(sys.modules, "statmech.numeric.fast", None)  # no fast samplers here
    code, _, err = run_cli(capsys, "simulate", *argv)
    assert code == 2 and message in err and "Traceback" not in err


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal():
    assert not wanted(stream=io.StringIO())
    assert not wanted(json_output=True, stream=FakeTerminal())
    assert wanted(stream=FakeTerminal())
    stream = FakeTerminal()
    with progress_bar(True, "test", stream=stream, interval=0.0) as bar:
        simulate("ising1d", {"T": 2.0, "N": 8}, sweeps=300, replicas=2, progress=bar)
    text = stream.getvalue()
    assert "test" in text and "sweep" in text and "energy=" in text
    with progress_bar(False) as bar:
        assert bar is None


# -- the validate command ----------------------------------------------------------------


def use_provider(monkeypatch, name, target):
    """Point the registered model's ``exact_reference`` hook at ``target`` for one test."""
    from dataclasses import replace

    from statmech.derive import registry

    model = get_model(name)
    hooks = tuple((k, v) for k, v in model.hooks if k != references.HOOK)
    changed = replace(model, hooks=(*hooks, (references.HOOK, target)))
    monkeypatch.setitem(registry._REGISTRY, name, changed)


@pytest.fixture
def enumeration_provider(monkeypatch):
    """Stand-in references: exact enumeration, named by the models' exact_reference hooks."""
    mod = types.ModuleType("enumeration_reference_for_tests")
    shift = {"energy_per_spin": 0.0}

    def reference(name):
        def provider(params):
            out = enumerated_reference(get_model(name), params)
            out["energy_per_spin"] += shift["energy_per_spin"]
            return out

        return provider

    for name in ("ising1d", "ising2d", "curie-weiss"):
        setattr(mod, name.replace("-", "_"), reference(name))
        use_provider(monkeypatch, name, f"enumeration_reference_for_tests:{name.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    return shift


@pytest.mark.parametrize(
    "argv",
    [["ising1d", "N=12", "T=1.5"], ["ising2d", "L=4", "T=2.5"], ["curie-weiss", "N=12", "T=1.2"]],
)
def test_validate_passes_with_exact_provider(capsys, enumeration_provider, argv):
    code, out, _ = run_cli(capsys, "validate", *argv, "--sweeps", "2000", "--json")
    data = json.loads(out)
    assert code == 0 and data["passed"] is True
    assert [r["quantity"] for r in data["rows"]] == list(NAMES)
    for row in data["rows"]:
        assert set(row) == {"quantity", "exact", "simulated", "error", "z"}
        assert abs(row["z"]) <= 4
    assert data["reference"] == ["enumeration_reference_for_tests"]


def test_validate_fails_when_a_value_is_off(capsys, enumeration_provider):
    enumeration_provider["energy_per_spin"] = 0.05  # a wrong "exact" energy
    code, out, _ = run_cli(
        capsys, "validate", "ising2d", "L=4", "T=2.5", "--sweeps", "2000", "--json"
    )
    data = json.loads(out)
    assert code == 1 and data["passed"] is False
    bad = [r for r in data["rows"] if abs(r["z"]) > 4]
    assert [r["quantity"] for r in bad] == ["energy_per_spin"]
    code, out, _ = run_cli(capsys, "validate", "ising2d", "L=4", "T=2.5", "--sweeps", "2000")
    assert code == 1 and "FAILED" in out and "<-" in out


def test_validate_temperature_range_plot(capsys, enumeration_provider, tmp_path):
    plot = tmp_path / "curves.png"
    code, out, _ = run_cli(
        capsys,
        "validate",
        "ising1d",
        "N=8",
        "T=1:3:3",
        "--sweeps",
        "1500",
        "--plot",
        str(plot),
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["passed"]
    assert sorted({r["T"] for r in data["rows"]}) == [1.0, 2.0, 3.0]
    assert plot.stat().st_size > 10000 and plot.read_bytes()[:4] == b"\x89PNG"


def test_validate_falls_back_to_enumeration_for_small_systems(capsys, monkeypatch):
    use_provider(monkeypatch, "ising1d", "no_such_module_here:ref")
    code, out, _ = run_cli(capsys, "validate", "ising1d", "N=8", "T=2", "--sweeps", "1000")
    assert code == 0 and "exact enumeration" in out and "PASSED" in out
    code, _, err = run_cli(capsys, "validate", "ising1d", "N=64", "T=2", "--sweeps", "100")
    assert code == 2 and "exact enumeration covers at most 20 spins" in err
