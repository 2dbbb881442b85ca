"""statmech sweep without a cluster: parsing, seeds, the JSON's numbers, bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from statmech.cli import main
from statmech.errors import UserError
from statmech.sweeps import spec
from statmech.sweeps.store import flatten


def _parse(*argv, verb="simulate", **own):
    return spec.parse(verb, list(argv), own)


def test_ranges_lists_and_fixed_values():
    sw, own = _parse("ising2d", "L=8,12,16", "T=2.0:2.5:6", "h=0.1", "--sweeps", "200")
    assert [a.name for a in sw.axes] == ["L", "T"]
    assert sw.axes[0].values == (8, 12, 16)
    assert sw.axes[1].values == pytest.approx((2.0, 2.1, 2.2, 2.3, 2.4, 2.5), abs=1e-15)
    assert sw.fixed == {"h": 0.1}
    assert sw.options == ("--sweeps", "200")
    assert sw.shape == (3, 6, 1) and sw.size == 18 and own["seeds"] == 1
    argv = sw.argv((1, 2, 0))
    assert argv[:5] == ["simulate", "ising2d", "h=0.1", "L=12", f"T={sw.axes[1].values[2]!r}"]
    assert argv[-3:-1] == ["--seed", str(sw.point_seed((1, 2, 0)))] and argv[-1] == "--json"


def test_options_are_canonical_whatever_their_order():
    a, _ = _parse("ising2d", "T=2:3:3", "--sweeps", "100", "--algorithm", "wolff", "L=8")
    b, _ = _parse("ising2d", "--algorithm=wolff", "L=8", "--sweeps=100", "T=2:3:3")
    assert a.identity() == b.identity()


def test_point_seeds_depend_on_the_point_only():
    params = {"L": 8, "T": 2.1}
    s = spec.point_seed(1, params, 0)
    assert s == spec.point_seed(1, {"T": 2.1, "L": 8}, 0)  # not on the order of the names
    others = {
        spec.point_seed(2, params, 0),
        spec.point_seed(1, params, 1),
        spec.point_seed(1, {"L": 8, "T": 2.1000000000000001 + 1e-15}, 0),
        spec.point_seed(1, {"L": 12, "T": 2.1}, 0),
    }
    assert s not in others and len(others) == 4
    assert 0 <= s < 2**63
    sw, _ = _parse("ising2d", "L=8,12", "T=2:3:3", "--seeds", "3")
    seeds = [sw.point_seed(i) for i in sw.indices()]
    assert len(set(seeds)) == len(seeds) == 18


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ising2d", "T=2.0:2.5:0"], "positive COUNT"),
        (["ising2d", "L=8,,12", "T=2"], "no empty value"),
        (["ising2d", "L=8", "T=2"], "needs at least one range"),
        (["ising2d", "T=-1:2:3"], "temperature must be positive"),
        (["ising2d", "L=8,8", "T=2"], "repeat"),
        (["ising2d", "K=1,2"], "no parameter 'K'"),
        (["ising2d", "T=1,2", "-o", "x.json"], "--out STORE"),
        (["ising2d", "T=1,2", "--seeds", "0"], "--seeds must be a positive"),
    ],
)
def test_bad_input_is_one_sentence(argv, message):
    with pytest.raises(UserError, match=message):
        _parse(*argv)


def test_deterministic_verbs_take_one_seed():
    with pytest.raises(UserError, match="deterministic"):
        _parse("ising2d", "T=1,2", "--seeds", "2", verb="exact")
    sw, _ = _parse("ising2d", "T=1,2", "L=4", verb="exact")
    assert sw.point_seed((0, 0)) is None and "--seed" not in sw.argv((0, 0))


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_unreachable_scheduler_writes_nothing(tmp_path, capsys):
    store = tmp_path / "s.zarr"
    code, out, err = _cli(
        capsys,
        *("sweep", "exact", "ising2d", "L=4", "T=1,2", "--out", str(store)),
        *("--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"),
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert not store.exists()


@pytest.mark.parametrize("failed", [1, 2, 5])
def test_failed_points_exit_with_their_own_status(tmp_path, capsys, monkeypatch, failed):
    """Failed points end in status 3 whatever their count: never 2, the status of bad
    input (argparse's usage errors), nor 1, a check that failed."""
    from statmech.commands.sweep import FAILED_POINTS
    from statmech.sweeps import runner

    summary = {"stored": 6 - failed, "total": 6, "failed": failed, "computed": 6}
    monkeypatch.setattr(runner, "execute", lambda *a, **k: (None, {**summary, "interrupted": None}))
    store = tmp_path / "s.zarr"
    code, _, err = _cli(capsys, "sweep", "exact", "ising2d", "L=4", "T=1:2:6", "--out", str(store))
    assert code == FAILED_POINTS == 3
    assert err.strip().endswith(f"; {failed} failed (exit status 3)")
    monkeypatch.setattr(
        runner,
        "execute",
        lambda *a, **k: (None, {**summary, "failed": 0, "stored": 6, "interrupted": None}),
    )
    code, _, _ = _cli(capsys, "sweep", "exact", "ising2d", "L=4", "T=1:2:6", "--out", str(store))
    assert code == 0


def test_the_help_states_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 when every point is done, 2 for bad input" in text
    assert "3 when some points failed" in text


def test_empty_range_writes_nothing(tmp_path, capsys):
    store = tmp_path / "s.zarr"
    code, out, err = _cli(capsys, "sweep", "simulate", "ising2d", "T=2:3:0", "--out", str(store))
    assert code == 2 and err.count("\n") == 1 and "positive COUNT" in err
    assert list(tmp_path.iterdir()) == []


def test_a_store_of_another_sweep_is_refused_and_left_alone(tmp_path, capsys):
    import xarray as xr

    store = tmp_path / "s.zarr"
    xr.Dataset(attrs={"sweep": json.dumps({"verb": "exact"})}).to_zarr(store)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in store.rglob("*"))
    code, out, err = _cli(capsys, "sweep", "exact", "ising2d", "L=4", "T=1,2", "--out", str(store))
    assert code == 2 and err.count("\n") == 1 and "holds a different sweep" in err
    assert sorted((p.name, p.stat().st_mtime_ns) for p in store.rglob("*")) == before
    other = tmp_path / "notes.zarr"
    other.mkdir()
    code, out, err = _cli(capsys, "sweep", "exact", "ising2d", "L=4", "T=1,2", "--out", str(other))
    assert code == 2 and "not a sweep store" in err and list(other.iterdir()) == []


def test_flatten_takes_estimates_rows_and_the_equilibrium_solution():
    simulate = {
        "model": "ising2d",
        "parameters": {"T": 2.2, "L": 8},
        "seed": 5,
        "observables": {"binder": {"mean": 0.6, "error": 0.01, "tau_int": 2.0}},
        "acceptance_rate": 0.1,
        "spins_flipped_per_ns": None,
    }
    assert flatten(simulate, {"T", "L"}) == {
        "binder": 0.6,
        "binder_error": 0.01,
        "binder_tau_int": 2.0,
        "acceptance_rate": 0.1,
        "spins_flipped_per_ns": pytest.approx(np.nan, nan_ok=True),
    }
    validate = {
        "rows": [{"quantity": "energy", "exact": -1.5, "simulated": -1.49, "error": 0.01, "z": 1}],
        "passed": True,
    }
    assert flatten(validate) == {
        "energy_exact": -1.5,
        "energy_simulated": -1.49,
        "energy_error": 0.01,
        "energy_z": 1.0,
        "passed": 1.0,
    }
    solve = {
        "unknown": "m",
        "points": [
            {
                "T": 2.2,
                "solutions": [
                    {"m": -0.9, "equilibrium": True, "free_energy": -2.0, "stability": "stable"},
                    {"m": 0.0, "equilibrium": False, "free_energy": -1.5},
                    {"m": 0.9, "equilibrium": True, "free_energy": -2.0, "stability": "stable"},
                ],
                "exact": {"system": "infinite", "magnetization": 0.78},
            }
        ],
        "T_c": 4.0,
    }
    assert flatten(solve, {"T"}) == {
        "solutions": 3.0,
        "m": 0.9,  # of the two equilibria, the larger m, whichever the solver listed first
        "equilibrium": 1.0,
        "free_energy": -2.0,
        "exact_magnetization": 0.78,
        "T_c": 4.0,
    }


def test_help_imports_no_dask():
    code = (
        "import sys, statmech.cli as c\n"
        "try:\n    c.main(['sweep', '--help'])\nexcept SystemExit:\n    pass\n"
        "names = ('dask', 'distributed', 'xarray', 'zarr', 'numpy')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(heavy)"
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert "--seeds" in out.stdout and out.stdout.strip().endswith("[]")


def test_plot_marks_the_binder_crossing(tmp_path):
    """Binder curves that cross at T = 2.27 (made up; no cluster needed): the plot marks
    the crossing there, seeds averaged."""
    from statmech.sweeps.plot import crossings, plot
    from statmech.sweeps.store import Results

    sw, _ = _parse("ising2d", "L=8,16", "T=2.0:2.5:6", "--seeds", "2")
    results = Results(sw)
    for index in sw.indices():
        p = sw.params(index)
        binder = 0.6 - 0.01 * p["L"] * (p["T"] - 2.27) + 0.001 * (index[-1] - 0.5)
        energy = {"mean": -p["T"], "error": 0.01, "tau_int": 1.0}
        obs = {"binder": {"mean": binder, "error": 0.002, "tau_int": 2.0}, "energy": energy}
        results.record(index, {"ok": True, "result": {"observables": obs}, "message": ""})
    ds = results.dataset()
    assert (ds.status == 1).all() and float(ds.binder_tau_int.max()) == 2.0
    path = tmp_path / "fss.png"
    (marked,) = plot(ds, str(path))
    assert marked == pytest.approx((2.27, 0.6), abs=1e-9)
    assert path.stat().st_size > 10_000
    x = np.array([0.0, 1.0, 2.0])
    assert crossings(x, [[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]]) == [(1.0, 0.5)]  # at a grid point
    (c,) = crossings(x, [[1.0, 0.6, 0.0], [0.0, 0.4, 1.0]])
    assert c == pytest.approx((7 / 6, 0.5), rel=1e-12)
    assert crossings(x, [[1.0, 0.9, 0.8], [0.0, 0.4, 0.7]]) == []


def test_the_plot_runs_along_the_longest_swept_parameter(tmp_path):
    """L = 3 values and T = 5: the panels run along T with one line per L, not the reverse."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import xarray as xr

    from statmech.sweeps import plot as sweep_plot

    L, T = [8, 12, 16], np.linspace(2.1, 2.4, 5)
    m = np.random.default_rng(0).random((3, 5, 1))
    ds = xr.Dataset(
        {"m": (("L", "T", "seed"), m), "m_error": (("L", "T", "seed"), 0.01 + 0 * m)},
        coords={"L": L, "T": T, "seed": [0]},
    )
    drawn = []
    real = sweep_plot._lines
    sweep_plot._lines = lambda ax, d, name, xdim: drawn.append(xdim) or real(ax, d, name, xdim)
    try:
        sweep_plot.plot(ds, str(tmp_path / "p.png"))
    finally:
        sweep_plot._lines = real
    assert drawn == ["T"] and (tmp_path / "p.png").stat().st_size > 1000
