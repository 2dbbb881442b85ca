"""Smoke tests: the benchmark scripts run and write the JSON they promise (tiny sizes;
nothing here is timed or compared with a speed)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(script, *args):
    out = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout)


def test_throughput_script_reports_rates_and_ratio():
    d = _run("throughput.py", "--sizes", "16", "--cubic", "--seconds", "0.01")
    assert d["benchmark"] == "throughput" and d["machine"]["cores"] >= 1
    (row,) = [r for r in d["rows"] if r["algorithm"] == "metropolis"]
    assert row["flips_per_ns"] > 0 and row["plain_numpy_flips_per_ns"] > 0
    assert row["speedup"] == pytest.approx(row["flips_per_ns"] / row["plain_numpy_flips_per_ns"])


def test_throughput_without_the_reference_above_its_size():
    """Above --reference-max-sites the plain NumPy column is null, not a crash."""
    d = _run(
        "throughput.py",
        *("--sizes", "16", "--cubic", "--seconds", "0.01", "--algorithms", "metropolis"),
        *("--reference-max-sites", "1"),
    )
    (row,) = d["rows"]
    assert row["flips_per_ns"] > 0 and d["failed"] == []
    assert row["plain_numpy_flips_per_ns"] is None and row["speedup"] is None


def test_autocorrelation_script_reports_tau_and_samples_per_second():
    sweeps = [f"{a}=300" for a in ("metropolis", "heat-bath", "wolff", "swendsen-wang")]
    d = _run(
        "autocorrelation.py",
        "--L",
        "8",
        "--replicas",
        "2",
        "--seconds",
        "0.01",
        "--sweeps",
        *sweeps,
    )
    assert [r["algorithm"] for r in d["rows"]] == [
        "metropolis",
        "heat-bath",
        "wolff",
        "swendsen-wang",
    ]
    for r in d["rows"]:
        assert r["tau_int_sweeps"] >= 0.5 and r["independent_samples_per_second"] > 0
        assert 0 < r["mean_abs_m"] <= 1


def test_gpu_check_refuses_without_a_gpu(tmp_path):
    """No GPU: gpu_check.sh says so and exits non-zero, rather than passing emptily."""
    from statmech.numeric.backend import cupy_available

    if cupy_available():
        pytest.skip("a GPU is present")
    r = subprocess.run(
        ["bash", str(BENCH / "gpu_check.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OUT": str(tmp_path), "PYTHON": sys.executable},
    )
    assert r.returncode == 2 and "no GPU" in r.stderr, r.stderr
    assert "no GPU" in (tmp_path / "gpu_check.log").read_text()


def test_peers_script_runs_statmech_alone_when_no_peer_is_asked_for():
    """benchmarks/peers.py installs nothing; with no peer its columns are null."""
    d = _run(
        "peers.py",
        *("--sizes", "16", "--cluster-sizes", "8", "--seconds", "0.01"),
        *("--measurements", "300", "--no-process", "--peers"),
    )
    assert d["benchmark"] == "peers" and d["peers"] == {"mcising": False, "peapods": False}
    cases = [r["case"] for r in d["rows"]]
    assert cases[0].startswith("Metropolis") and any(c.startswith("wolff") for c in cases)
    assert all(r["statmech"] > 0 and r["mcising"] is None for r in d["rows"])
