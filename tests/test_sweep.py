"""statmech sweep on a 2-worker LocalCluster (one per module): the points are the verb
run alone, bit for bit; an interrupted sweep resumes without computing a point twice."""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import pytest

from statmech.cli import main

xr = pytest.importorskip("xarray")
distributed = pytest.importorskip("distributed")

FSS = ["ising2d", "L=8,12,16", "T=2.0:2.5:6", "--seeds", "2", "--sweeps", "40", "--replicas", "2"]
# Slower points for the interruption tests: each takes a fraction of a second.
PARTS = (("mean", ""), ("error", "_error"), ("tau_int", "_tau_int"))
SLOW = ["ising2d", "L=16", "T=2.0:2.5:6", "--sweeps", "1500", "--replicas", "4"]


@pytest.fixture(scope="module")
def cluster():
    import logging

    from distributed import Client, LocalCluster

    lc = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.CRITICAL,
    )
    client = Client(lc)
    client.run(lambda: __import__("statmech.sweeps.task"))  # imports paid before any timing
    yield client
    client.close()
    lc.close()


def _sweep(cluster, *argv, out=None, log=None, wait=True):
    """``statmech sweep simulate ARGV`` in a child process, on the module's cluster."""
    cmd = [sys.executable, "-m", "statmech", "sweep", "simulate", *argv]
    cmd += ["--scheduler", cluster.scheduler.address]
    if out is not None:
        cmd += ["--out", str(out)]
    env = {**os.environ}
    env.pop("STATMECH_SWEEP_LOG", None)
    if log is not None:
        env["STATMECH_SWEEP_LOG"] = str(log)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return proc
    out_, err = proc.communicate(timeout=300)
    return proc.returncode, out_, err


def _observables(ds):
    names = [k for k in ds.data_vars if k.endswith("_error")]
    keep = [n[: -len("_error")] for n in names]
    keep += [n for n in ds.data_vars if n.endswith("_tau_int")]
    return ds[sorted({*names, *keep, "status", "point_seed"})]


def _log(path):
    lines = [ln.split() for ln in path.read_text().splitlines()] if path.exists() else []
    return Counter(k for w, k, _ in lines if w == "done"), lines


@pytest.fixture(scope="module")
def fss(cluster, tmp_path_factory):
    store = tmp_path_factory.mktemp("fss") / "fss.zarr"
    code, out, err = _sweep(cluster, *FSS, out=store)
    assert code == 0, err
    return xr.open_zarr(store).load(), err


def test_points_equal_the_verb_run_alone_bit_for_bit(fss, capsys):
    ds, err = fss
    assert "36 of 36 points done" in err and "Dask dashboard:" in err
    assert dict(ds.sizes) == {"L": 3, "T": 6, "seed": 2}
    assert (ds.status == 1).all()
    assert ds.attrs["model"] == "ising2d" and json.loads(ds.attrs["fixed"])["h"] == 0.0
    assert ds.attrs["command"].startswith("statmech sweep simulate ising2d L=8,12,16")
    names = sorted(k[: -len("_error")] for k in ds.data_vars if k.endswith("_error"))
    assert {"binder", "energy_per_spin", "abs_magnetization"} <= set(names)
    assert len(set(ds.point_seed.values.ravel())) == 36
    capsys.readouterr()
    for L in ds.L.values:
        for T in ds.T.values:
            for s in ds.seed.values:
                point = ds.sel(L=L, T=T, seed=s)
                seed = int(point.point_seed)
                argv = ["simulate", "ising2d", f"L={int(L)}", f"T={float(T)!r}"]
                argv += ["--seed", str(seed), "--sweeps", "40", "--replicas", "2", "--json"]
                assert main(argv) == 0
                alone = json.loads(capsys.readouterr().out)["observables"]
                for name in names:
                    for part, suffix in PARTS:
                        got = float(point[name + suffix])
                        want = alone[name][part]
                        assert got == want or (np.isnan(got) and want is None), (name, L, T, s)
    # and one point by the installed command, in a process of its own
    point = ds.isel(L=2, T=3, seed=1)
    cmd = [
        "statmech", "simulate", "ising2d", f"L={int(point.L)}", f"T={float(point.T)!r}",
        "--seed", str(int(point.point_seed)), "--sweeps", "40", "--replicas", "2", "--json",
    ]  # fmt: skip
    alone = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert float(point.binder) == alone["observables"]["binder"]["mean"]
    energy = alone["observables"]["energy_per_spin"]
    assert float(point.energy_per_spin_tau_int) == energy["tau_int"]
    assert ds.attrs["rerun"].startswith("statmech simulate ising2d L={L} T={T}")


def test_sigterm_then_rerun_computes_each_point_once(cluster, tmp_path, reference):
    store, log = tmp_path / "s.zarr", tmp_path / "points.log"
    proc = _sweep(cluster, *SLOW, out=store, log=log, wait=False)
    deadline = time.monotonic() + 120
    while sum(_log(log)[0].values()) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted" in err and "run the same command again" in err
    first = xr.open_zarr(store).load()
    stored = int((first.status == 1).sum())
    assert 2 <= stored < 6
    done_before, _ = _log(log)
    assert sum(done_before.values()) == stored  # every point computed before the stop is stored
    code, _, err = _sweep(cluster, *SLOW, out=store, log=log)
    assert code == 0, err
    assert f"({6 - stored} computed now)" in err
    done, _ = _log(log)
    assert len(done) == 6 and set(done.values()) == {1}  # no point computed twice
    xr.testing.assert_equal(_observables(xr.open_zarr(store).load()), reference)


@pytest.fixture(scope="module")
def reference(cluster):
    """The interruption tests' sweep, run without interruption."""
    import statmech as sm
    from statmech.params import parse_assignment

    T = list(parse_assignment("T=2.0:2.5:6").values)
    ds = sm.sweep("simulate", "ising2d", L=16, T=T, sweeps=1500, replicas=4, client=cluster)
    return _observables(ds)


def test_killed_worker_task_runs_again_and_no_point_twice(cluster, tmp_path, reference):
    store, log = tmp_path / "k.zarr", tmp_path / "points.log"
    proc = _sweep(cluster, *SLOW, out=store, log=log, wait=False)
    deadline = time.monotonic() + 120
    victim = None
    while victim is None:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        done, lines = _log(log)
        if done:  # a point that starts after the first one is done: it has all its time ahead
            first = next(i for i, (w, _, _) in enumerate(lines) if w == "done")
            fresh = [(k, int(p)) for w, k, p in lines[first:] if w == "start" and k not in done]
            victim = fresh[0] if fresh else None
        time.sleep(0.01)
    key, pid = victim
    os.kill(pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    done, lines = _log(log)
    starts = Counter(k for w, k, _ in lines if w == "start")
    assert len(done) == 6 and set(done.values()) == {1}, lines
    assert starts[key] == 2, (key, pid, lines)  # the killed worker's point ran again, elsewhere
    assert sum(starts.values()) == 7, (key, pid, lines)
    ds = xr.open_zarr(store).load()
    assert (ds.status == 1).all()
    code, _, err = _sweep(cluster, *SLOW, out=store, log=log)
    assert code == 0 and "(0 computed now)" in err and _log(log)[0] == done
    xr.testing.assert_equal(_observables(ds), reference)


def test_failed_points_are_recorded_and_counted(cluster, tmp_path):
    import statmech as sm

    out = tmp_path / "f.nc"
    ds = sm.sweep(
        "simulate",
        "curie-weiss",
        N=[8, 10**9],
        T=1.5,
        sweeps=20,
        replicas=2,
        max_memory="2G",
        client=cluster,
        out=str(out),
    )
    assert ds.attrs["failed"] == 1
    assert list(ds.status.sel(seed=0).values) == [1, 2]
    assert "memory" in str(ds.message.sel(N=10**9, seed=0).values)
    assert np.isfinite(float(ds.energy_per_spin.sel(N=8, seed=0)))
    again = xr.open_dataset(out, engine="h5netcdf").load()
    assert list(again.status.sel(seed=0).values) == [1, 2]


def test_failed_points_exit_with_status_3_not_their_count(cluster, tmp_path):
    # two points refused for their memory: status 3 (2 would read as a usage error)
    argv = ["curie-weiss", "N=8,1000000000,2000000000", "T=1.5", "--sweeps", "20"]
    code, _, err = _sweep(
        cluster, *argv, "--replicas", "2", "--max-memory", "2G", out=tmp_path / "f.nc"
    )
    assert code == 3, err
    assert "1 of 3 points done" in err and "; 2 failed (exit status 3)" in err
    assert err.count("failed: ") == 2  # a line for each failed point


def test_api_returns_the_dataset_and_completes_a_netcdf_file(cluster, tmp_path):
    import statmech as sm

    out = tmp_path / "e.nc"
    ds = sm.sweep("exact", "ising2d", L=[4, 6], T=[2.0, 2.5], client=cluster, out=str(out))
    exact = sm.exact("ising2d", L=6, T=2.5)
    assert float(ds.energy_per_spin.sel(L=6, T=2.5, seed=0)) == exact["energy_per_spin"]
    assert (ds.status == 1).all() and "point_seed" not in ds
    again = sm.sweep("exact", "ising2d", L=[4, 6], T=[2.0, 2.5], client=cluster, out=str(out))
    xr.testing.assert_identical(ds, again)
