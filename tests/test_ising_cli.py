"""``statmech exact`` and ``statmech derive`` for the Ising models."""

import json
import time

import numpy as np
import pytest
import sympy as sp
from statmech.numeric.enumeration import model_thermodynamics
from statmech.numeric.onsager import thermodynamics as onsager

from statmech.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def exact_json(capsys, *argv):
    code, out, err = run(capsys, "exact", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_finite_torus_matches_enumeration(capsys):
    from statmech import derive

    data = exact_json(capsys, "ising2d", "L=4", "T=2.5")
    ex = model_thermodynamics(derive.get_model("ising2d"), (4, 4), {"T": 2.5, "J": 1, "h": 0})
    assert data["L"] == 4 and data["T"] == 2.5 and data["J"] == 1.0
    for key, total in (
        ("free_energy_per_spin", "F"),
        ("energy_per_spin", "E"),
        ("heat_capacity_per_spin", "C"),
    ):
        assert abs(data[key] - ex[total] / 16) < 1e-12 * max(1, abs(ex[total] / 16))


def test_thermodynamic_limit_has_yang_magnetization(capsys):
    data = exact_json(capsys, "ising2d", "T=2.0")
    assert "L" not in data and data["system"] == "infinite square lattice"
    assert data["magnetization"] == pytest.approx(0.911319377877496, rel=1e-13)
    assert data["heat_capacity_per_spin"] == pytest.approx(
        float(onsager(2.0)["heat_capacity_per_spin"])
    )


def test_large_torus_runs_in_seconds_and_approaches_onsager(capsys):
    start = time.perf_counter()
    data = exact_json(capsys, "ising2d", "L=256", "T=2.3")
    assert time.perf_counter() - start < 5
    assert data["energy_per_spin"] == pytest.approx(
        float(onsager(2.3)["energy_per_spin"]), abs=2e-3
    )


def test_range_gives_points_and_plot(capsys, tmp_path):
    png = tmp_path / "c.png"
    data = exact_json(capsys, "ising2d", "T=2.0:2.6:61", "--plot", str(png))
    assert len(data["points"]) == 61
    c = [p["heat_capacity_per_spin"] for p in data["points"]]
    assert np.argmax(c) in (26, 27)  # T_c = 2.269 lies between points 26 and 27
    assert png.stat().st_size > 10_000


def test_precision_digits(capsys):
    code, out, _ = run(capsys, "exact", "ising2d", "T=2.0", "--precision", "40", "--json")
    assert code == 0
    text = out.split('"energy_per_spin": ')[1].split(",")[0]
    assert len(text.strip("-").replace(".", "")) >= 38
    data = json.loads(out)
    assert data["energy_per_spin"] == pytest.approx(-1.745564575312554, rel=1e-15)
    code, out, _ = run(capsys, "exact", "ising2d", "L=16", "T=2.5", "--precision", "30")
    assert code == 0 and "1.06497688285343525447485218884" in out


def test_chain(capsys):
    ring = exact_json(capsys, "ising1d", "N=10", "T=1", "h=0.1")
    inf = exact_json(capsys, "ising1d", "T=1", "h=0.1")
    assert ring["system"] == "ring of 10 spins" and inf["system"] == "infinite chain"
    t, h = 1.0, 0.1
    m = np.sinh(h / t) / np.sqrt(np.sinh(h / t) ** 2 + np.exp(-4 / t))
    assert inf["magnetization"] == pytest.approx(m, rel=1e-14)
    code, out, _ = run(capsys, "exact", "ising1d", "N=10", "T=1", "--open")
    assert code == 0 and "open chain of 10 spins" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ising2d", "L=1", "T=2"], "L must be at least 2, got L=1"),
        (["ising2d", "L=0", "T=2"], "L must be positive"),
        (["ising1d", "N=1", "T=2"], "N must be at least 2"),
        (["ising2d", "T=0"], "temperature must be positive, got T=0.0"),
        (["ising2d", "T=-1"], "temperature must be positive"),
        (["ising3d", "T=4"], "'ising3d' has no exact solution"),
        (["mean-field", "T=1"], "has no finite system to sum exactly"),
        (["ising2d", "L=16", "T=2", "h=0.1"], "solved exactly only at h=0"),
        (["ising2d", "T=2", "--plot", "x.png"], "--plot needs a range"),
        (["ising2d", "T=2", "--precision", "0"], "--precision must be between"),
    ],
)
def test_bad_input_is_one_clear_line(capsys, argv, message):
    code, _, err = run(capsys, "exact", *argv)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["ising1d", "ising2d"])
def test_derive_json_results(capsys, name):
    code, out, _ = run(capsys, "derive", name, "--format", "json")
    assert code == 0
    results = json.loads(out)["results"]
    assert {"F", "E", "C", "M"} <= set(results)
    if name == "ising2d":
        tc = sp.sympify(results["T_c"]).subs(sp.Symbol("J"), 1)
        assert float(tc) == pytest.approx(2.269185314213022, rel=1e-15)
    else:
        assert "T_c" not in results
