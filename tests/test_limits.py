"""Memory is estimated before anything is allocated, and a run that would not fit is
refused in one line with the estimate and the limit (issue 11, item 12)."""

import subprocess
import sys
import time

import pytest
from statmech.derive import get_model
from statmech.numeric.limits import format_bytes, parse_bytes, simulation_bytes

import statmech as sm
from statmech.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "argv",
    [
        ("simulate", "ising2d", "L=100000"),  # was a 25-line MemoryError traceback
        ("simulate", "ising2d", "L=40000", "--replicas", "1"),  # grew until out of memory
        ("simulate", "curie-weiss", "N=100000000"),
        ("validate", "ising2d", "L=40000", "T=2.0:2.5:2"),
    ],
)
def test_a_run_that_does_not_fit_is_refused_before_work(capsys, argv):
    t0 = time.perf_counter()
    code, out, err = run(capsys, *argv)
    assert time.perf_counter() - t0 < 10
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.count("\n") == 1
    assert "needs about" in err and "available" in err and "--max-memory" in err


def test_max_memory_sets_the_limit(capsys):
    code, _, err = run(capsys, "simulate", "ising2d", "L=64", "--max-memory", "1M")
    assert code == 2 and "allowed by the memory limit" in err and "1 MB" in err
    code, out, err = run(
        capsys, "simulate", "ising2d", "L=4", "--sweeps", "100", "--max-memory", "2G", "--json"
    )
    assert code == 0, err
    code, _, err = run(capsys, "simulate", "ising2d", "L=4", "--max-memory", "lots")
    assert code == 2 and "expected an amount of memory" in err
    with pytest.raises(sm.UserError, match="memory"):
        sm.simulate("ising2d", L=64, T=2.5, max_memory=2**20)


def test_parse_and_format_bytes():
    assert parse_bytes("8G") == 8 * 2**30 and parse_bytes("512M") == 512 * 2**20
    assert parse_bytes("2.5GB") == int(2.5 * 2**30) and parse_bytes(1000) == 1000
    for bad in ("0", "-1G", "x", "inf"):
        with pytest.raises(ValueError):
            parse_bytes(bad)
    assert format_bytes(3 * 2**30) == "3 GB"


@pytest.mark.parametrize(
    ("name", "size", "replicas", "reference"),
    [("ising2d", 1024, 4, False), ("ising2d", 512, 4, True), ("curie-weiss", 400000, 4, False)],
)
def test_the_estimate_covers_the_measured_peak(name, size, replicas, reference):
    key = "N" if name == "curie-weiss" else "L"
    params = {"T": 2.5, "J": 1.0, "h": 0.0, key: size}
    code = (
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child started
        # from a large pytest worker would report the worker's peak.
        "import re\n"
        "from statmech.numeric.simulation import simulate\n"
        "from statmech.derive import get_model\n"
        f"simulate(get_model({name!r}), {params!r}, sweeps=4, replicas={replicas}, "
        f"thermalize=1, reference={reference})\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) * 1024)\n"
    )
    peak = int(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    est = simulation_bytes(get_model(name), params, replicas, 4, reference=reference)
    assert est["total"] >= peak, (format_bytes(est["total"]), format_bytes(peak))
    assert est["total"] <= 8 * peak  # and not absurdly above it


def test_the_library_names_its_keyword_where_the_command_line_names_its_flag():
    with pytest.raises(sm.UserError) as exc:
        sm.simulate("ising2d", L=100000, T=2.5)
    assert "max_memory=SIZE" in str(exc.value) and "--max-memory" not in str(exc.value)
    with pytest.raises(sm.UserError, match="^max_memory: "):
        sm.simulate("ising2d", L=4, T=2.5, max_memory="lots")
