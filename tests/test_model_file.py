"""User-defined models: a Python file of the user's own, loaded with ``--model-file`` (or
``statmech.load_model_file``), gets derive, exact, simulate and validate with no change to
the package; a bad file is refused in one line.

The model here is an Ising ring under another name and with another default size, so each
result can be held against the registered ``ising1d`` by an independent route: its exact
numbers come from summing every configuration, ``ising1d``'s from the transfer matrix."""

import json
import textwrap
from pathlib import Path

import pytest

import statmech as sm
from statmech.cli import main

ROOT = Path(__file__).resolve().parents[1]

RING = textwrap.dedent(
    '''
    """An Ising ring named 'ring', ten spins by default."""
    from statmech.derive import symbols as sym
    from statmech.derive.interactions import ising_hamiltonian
    from statmech.derive.model import TEMPERATURE, Chain, Model, Parameter, ising_spin
    from statmech.derive.transfer_matrix import chain_derivations

    MODEL = Model(
        name="ring",
        title="Ising ring",
        summary="Spins +-1 on a ring with nearest-neighbour coupling J and field h.",
        parameters=(
            TEMPERATURE,
            Parameter(sym.J, "coupling", 1.0),
            Parameter(sym.h, "field", 0.0),
            Parameter(sym.N, "number of spins", 10),
        ),
        states=ising_spin(),
        hamiltonian=ising_hamiltonian(Chain(periodic=True)),
        field=sym.h,
        hooks=(("derivations", chain_derivations),),
    )

    if __name__ == "__main__":
        raise SystemExit("a model file is loaded, not run as a script")
    '''
)


@pytest.fixture
def ring_file(tmp_path):
    path = tmp_path / "ring.py"
    path.write_text(RING)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_models_lists_the_file(capsys, ring_file):
    code, out, _ = run(capsys, "models", "--model-file", ring_file)
    assert code == 0 and out.startswith("ring  Ising ring") and "N=10" in out
    assert "ising2d" not in out


def test_derive_and_check(capsys, ring_file):
    code, out, err = run(capsys, "derive", "--model-file", ring_file, "--check")
    assert code == 0 and "ring: every step checks" in err
    assert out.startswith("Ising ring\n") and "Transfer matrix" in out


def test_exact_by_enumeration_agrees_with_the_transfer_matrix(capsys, ring_file):
    code, out, _ = run(
        capsys, "exact", "--model-file", ring_file, "N=8", "T=1.5", "h=0.2", "--json"
    )
    ring = json.loads(out)
    assert code == 0 and ring["system"] == "8 units, chain couplings, every configuration summed"
    code, out, _ = run(capsys, "exact", "ising1d", "N=8", "T=1.5", "h=0.2", "--json")
    chain = json.loads(out)
    assert chain["system"] == "ring of 8 spins"
    shared = set(ring) & set(chain) - {"system"}
    assert {"free_energy_per_spin", "energy_per_spin", "heat_capacity_per_spin"} <= shared
    assert {"magnetization", "susceptibility_per_spin"} <= shared
    for key in shared:
        assert ring[key] == pytest.approx(chain[key], rel=1e-12, abs=1e-14), key


def test_exact_names_the_model_and_sums_at_its_default_size(capsys, ring_file):
    code, out, _ = run(capsys, "exact", "--model-file", ring_file, "ring", "N=4", "T=1")
    assert code == 0 and out.startswith("ring: 4 units")
    code, out, _ = run(capsys, "exact", "--model-file", ring_file, "T=1")
    assert code == 0 and out.startswith("ring: 10 units")  # no route: its default size
    code, _, err = run(capsys, "exact", "--model-file", ring_file, "N=40", "T=1")
    assert code == 2 and "2^40 configurations" in err


def test_simulate_uses_the_file_default(capsys, ring_file):
    argv = ["simulate", "--model-file", ring_file, "T=2", "--sweeps", "500", "--json"]
    code, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert code == 0 and data["model"] == "ring" and data["parameters"]["N"] == 10


def test_validate_against_enumeration(capsys, ring_file):
    argv = ["validate", "--model-file", ring_file, "T=1.5", "--sweeps", "2000", "--json"]
    code, out, _ = run(capsys, *argv)
    data = json.loads(out)
    assert code == 0 and data["passed"] is True and data["model"] == "ring"
    assert data["reference"] == ["exact enumeration"] and data["parameters"]["N"] == 10
    assert len(data["rows"]) == 6 and all(abs(r["z"]) <= 4 for r in data["rows"])


def test_library_loads_the_same_file(ring_file):
    (handle,) = sm.load_model_file(ring_file)
    assert handle.name == "ring" and sm.model(file=ring_file) == handle
    assert sm.model("ring", file=ring_file) == handle
    assert "F" in handle.derive().results
    r = handle.validate(N=6, T=2.0, sweeps=2000, replicas=8)
    assert r.passed and r.reference == ["exact enumeration"]


TWO = RING + textwrap.dedent(
    """
    from dataclasses import replace

    MODELS = (MODEL, replace(MODEL, name="ring6", parameters=MODEL.parameters[:3] + (
        Parameter(sym.N, "number of spins", 6),)))
    """
)


def test_a_file_with_several_models(capsys, tmp_path):
    path = tmp_path / "two.py"
    path.write_text(TWO)
    assert [h.name for h in sm.load_model_file(path)] == ["ring", "ring6"]
    code, _, err = run(capsys, "exact", "--model-file", path, "T=1")
    assert code == 2 and "defines several models (ring, ring6); name one" in err
    code, out, _ = run(capsys, "simulate", "--model-file", path, "ring6", "T=1", "--sweeps", "200")
    assert code == 0 and out.startswith("ring6 T=1 J=1 h=0 N=6")
    code, _, err = run(capsys, "simulate", "--model-file", path, "ising2d", "T=1")
    assert code == 2 and "has no model 'ising2d'; it defines: ring, ring6" in err


BAD = [
    (None, "no such file"),
    ("notes.txt", "expected a Python file ending in .py"),
    ("MODEL = (\n", "syntax error at line"),
    ("import numpy\nMODEL = numpy.no_such_thing\n", "AttributeError: module 'numpy' has no"),
    ("x = 1\n", "it defines neither MODEL nor MODELS"),
    ("MODEL = 'ising2d'\n", "MODEL is a str, not a statmech.derive.model.Model"),
    ("MODELS = ()\n", "MODELS is empty"),
    ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_file_is_one_line(capsys, tmp_path, text, message):
    path = tmp_path / ("notes.txt" if text == "notes.txt" else "model.py")
    if text is not None:
        path.write_text("" if text == "notes.txt" else text)
    code, out, err = run(capsys, "validate", "--model-file", path, "T=1")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"statmech: error: cannot load model file {path}")
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_file_may_import_its_neighbours(tmp_path):
    (tmp_path / "ring_parts.py").write_text(RING)
    (tmp_path / "mine.py").write_text("from ring_parts import MODEL\n")
    (handle,) = sm.load_model_file(tmp_path / "mine.py")
    assert handle.name == "ring" and str(tmp_path) not in __import__("sys").path


def test_duplicate_names_are_refused(capsys, tmp_path):
    path = tmp_path / "dup.py"
    path.write_text(RING + "\nMODELS = (MODEL, MODEL)\n")
    code, _, err = run(capsys, "derive", "--model-file", path)
    assert code == 2 and "model 'ring' is defined twice" in err


def test_model_is_still_required_without_a_file(capsys):
    code, _, err = run(capsys, "exact", "T=1")
    assert code == 2 and "unknown model 'T=1'" in err
    code, _, err = run(capsys, "simulate")
    assert code == 2 and "the following arguments are required: model" in err


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("blume_capel", ["L=3", "T=1.5", "D=0.5"]),
        ("triangular_antiferromagnet", ["L=3", "T=1.5"]),
        ("edwards_anderson", ["T=1.5"]),
    ],
)
def test_the_example_models_validate_against_enumeration(capsys, name, argv):
    """examples/models: files no part of the package knows, validated end to end."""
    path = ROOT / "examples" / "models" / f"{name}.py"
    opts = ["--sweeps", "2000", "--replicas", "8", "--json"]
    code, out, _ = run(capsys, "validate", "--model-file", path, *argv, *opts)
    data = json.loads(out)
    assert code == 0 and data["passed"] is True and data["reference"] == ["exact enumeration"]
    assert [r["quantity"] for r in data["rows"]][:2] == [
        "energy_per_spin",
        "heat_capacity_per_spin",
    ]
    exact = sm.exact(sm.model(file=path), **{k: float(v) for k, v in (a.split("=") for a in argv)})
    assert data["rows"][0]["exact"] == pytest.approx(exact["energy_per_spin"], rel=1e-12)


def test_a_user_model_without_derivations_derives_its_hamiltonian(capsys):
    """A user's interacting model with no derivations of its own still derives: its
    Hamiltonian, the one statement it makes (the README promises every verb)."""
    from pathlib import Path

    from statmech.cli import main

    path = Path(__file__).resolve().parents[1] / "examples/models/blume_capel.py"
    code = main(["derive", "--model-file", str(path), "--check"])
    out = capsys.readouterr().out
    assert code == 0 and "Hamiltonian" in out and "D*Sum(s[i]**2" in out
