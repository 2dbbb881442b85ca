"""The square lattice's kernels compiled ahead of time (numeric/fast/aot.py).

The module is built once into the tests' own numba cache folder (tests/conftest.py
sets ``NUMBA_CACHE_DIR`` per test process), never the user's, and reused by later runs
while its key holds.  The builds that must fail run in a new temporary folder.
"""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from statmech.numeric.fast import aot, kernels2d, make_fast_sampler, rng
from statmech.numeric.fast.rng import stream_keys
from statmech.numeric.fast.tables import flip_thresholds


@pytest.fixture(scope="module")
def built():
    """The module, built in the tests' cache folder where it is not there yet."""
    aot.forget()
    mod = aot.build()
    if mod is None and aot.compiler() is None:
        pytest.skip("no C compiler here: the ahead-of-time kernels cannot be built")
    assert mod is not None, f"a C compiler is here but the build failed (see {aot.folder()})"
    return mod


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A new, empty cache folder (and the process's key and module forgotten)."""
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    aot.forget()
    yield tmp_path / "numba" / "aot"
    aot.forget()


CASES = [  # L, replicas, algorithm, T, h
    (8, 1, "metropolis", 2.5, 0.0),
    (64, 1, "metropolis", 2.269185314213022, 0.0),
    (16, 3, "heat-bath", 1.8, 0.3),
    (10, 2, "metropolis", 3.0, -0.7),
    (2, 4, "heat-bath", 1.0, 0.0),
]


@pytest.mark.parametrize("L,R,algorithm,T,h", CASES)
def test_the_kernels_give_the_jit_numbers_bit_for_bit(built, L, R, algorithm, T, h):
    """Random start, plain sweeps, measured sweeps and sums: the same spins and the same
    integer bond and spin sums as numba's just-in-time kernels, for the same keys."""
    keys = stream_keys(11 + L, R)
    jit = np.empty((R, L * L), dtype=np.int8)
    ahead = np.empty_like(jit)
    rng.random_spins(jit, keys)
    built.random_spins(ahead, keys)
    assert np.array_equal(jit, ahead)
    a = kernels2d.pack(jit.reshape(R, L, L))
    b = a.copy()
    table = flip_thresholds(algorithm, T, 1.0, h, 4)
    kernels2d.run_sweeps_serial(a, keys, 0, 37, table)
    built.run_sweeps_serial(b, keys, 0, 37, table)
    assert np.array_equal(a, b)
    n = 250
    sums = [np.full((R, n), -99, dtype=np.int64) for _ in range(4)]
    kernels2d.run_measured_serial(a, keys, 37, 3, n, table, sums[0], sums[1])
    built.run_measured_serial(b, keys, 37, 3, n, table, sums[2], sums[3])
    assert np.array_equal(a, b)
    assert np.array_equal(sums[0], sums[2]) and np.array_equal(sums[1], sums[3])
    assert not np.array_equal(sums[0][:, 0], sums[0][:, -1]) or L == 2  # it did sample
    one = [np.zeros((R, 2), dtype=np.int64) for _ in range(4)]
    kernels2d.sums_serial(a, one[0], one[1], 1)
    built.sums_serial(b, one[2], one[3], 1)
    assert np.array_equal(one[0], one[2]) and np.array_equal(one[1], one[3])
    assert np.array_equal(one[0][:, 1], sums[0][:, -1])  # the sums of the last sweep


def _series(monkeypatch, switch, L=12, replicas=2, algorithm="metropolis", h=0.2):
    monkeypatch.setenv(aot.SWITCH, switch)
    s = make_fast_sampler("ising2d", (L, L), T=2.4, h=h, algorithm=algorithm, replicas=replicas)
    state = s.init(seed=5)
    s.step(state, sweeps=20)
    e = np.empty((replicas, 300))
    m = np.empty((replicas, 300))
    s.sample(state, 2, 300, e, m)
    return e, m, s.configuration(state), s.measure(state)


def test_a_sampler_on_the_module_gives_the_same_run(built, monkeypatch):
    """Checkerboard2D through the module and through numba: the same energy and
    magnetisation series, the same final configuration, the same measurement."""
    calls = []
    real = aot.module

    def counting():
        mod = real()
        calls.append(mod is not None)
        return mod

    monkeypatch.setattr(aot, "module", counting)
    ahead = _series(monkeypatch, "1")
    assert calls and all(calls)  # the module served every kernel call
    calls.clear()
    jit = _series(monkeypatch, "0")
    assert calls and not any(calls)
    for x, y in zip(ahead, jit, strict=True):
        if isinstance(x, tuple):
            assert all(np.array_equal(u, v) for u, v in zip(x, y, strict=True))
        else:
            assert np.array_equal(x, y)


def test_arrays_the_kernel_does_not_take_go_to_numba(built):
    """A non-contiguous or wrongly typed array, or a lattice for the threaded kernel, is
    never handed to the module (it checks no types): numba's kernels take it."""
    keys = stream_keys(3, 2)
    table = flip_thresholds("metropolis", 2.5, 1.0, 0.0, 4)
    spins = kernels2d.pack(np.ones((2, 8, 8), dtype=np.int8))
    assert aot._fits(spins, keys, table)
    assert not aot._fits(spins[:, :, :, ::2], keys, table)
    assert not aot._fits(spins.astype(np.int16), keys, table)
    assert not aot._fits(spins, keys.astype(np.int64), table)
    assert not aot._fits(spins, keys, table.astype(np.int64))
    big = np.ones((1, 2, 512, 256), dtype=np.int8)  # 2**17 sites per colour: threaded
    assert not aot._fits(big, keys, table)
    assert not aot.serves("ising2d", 512, "metropolis", 1)
    assert aot.serves("ising2d", 64, "metropolis", 1) and aot.serves("ising2d", 8, "heat-bath", 16)
    assert not aot.serves("ising2d", 64, "wolff", 1)
    assert not aot.serves("ising3d", 8, "metropolis", 1)
    strided = spins[:, :, :, ::2]
    other = strided.copy()
    aot.square.run_sweeps(strided, keys, 0, 5, table)  # numba's kernel, on a view
    kernels2d.run_sweeps(other, keys, 0, 5, table)
    assert np.array_equal(strided, other)


def test_a_stale_module_is_never_loaded(built, tmp_path, monkeypatch):
    """The key follows the kernels' sources: a module built from other sources (here,
    the current module filed under the key of edited sources) is not loaded; a damaged
    file under the current key is not loaded either (and does not crash)."""
    here = tmp_path / "src"
    here.mkdir()
    for name in aot.SOURCES:
        shutil.copy(os.path.join(aot._HERE, name), here / name)
    monkeypatch.setattr(aot, "_HERE", str(here))
    same = aot.compute_key()
    assert same == aot.key()
    with open(here / "kernels2d.py", "a") as f:
        f.write("\n# an edit\n")
    edited = aot.compute_key()
    assert edited != same
    monkeypatch.setattr(aot, "_key", edited)
    aot._loaded.pop(edited, None)
    assert aot.module() is None  # nothing built for the edited sources
    # the module built for the old sources, renamed to the new key: refused by its name
    shutil.copy(aot.path(same), aot.path(edited))
    try:
        aot._loaded.pop(edited, None)
        assert aot.module() is None
        os.remove(aot.path(edited))  # a new file: the old one may still be mapped
        with open(aot.path(edited), "wb") as f:
            f.write(b"not a shared library")
        aot._loaded.pop(edited, None)
        assert aot.module() is None
    finally:
        os.remove(aot.path(edited))
        aot._loaded.pop(edited, None)


def test_without_a_compiler_numba_serves_and_it_is_said_once(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv("CC", "/nonexistent/bin/cc")
    assert aot.compiler() is None
    assert aot.build() is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no C compiler found" in err and "numba" in err
    assert os.path.isfile(aot.path() + ".failed")
    assert aot.build() is None
    assert capsys.readouterr().err == ""  # said once
    assert aot.build(retry=True) is None  # warmup tries again, and says so
    assert "no C compiler found" in capsys.readouterr().err
    assert not [p for p in os.listdir(elsewhere) if p.endswith(".so")]
    monkeypatch.setenv(aot.SWITCH, "1")
    e, m, config, _ = _series(monkeypatch, "1")
    assert aot.module() is None and e.shape == (2, 300) and config.shape == (2, 12, 12)


def test_a_failed_build_leaves_nothing_behind(elsewhere, monkeypatch, capsys):
    def broken(target):
        raise RuntimeError("linker said no\nundefined symbol: foo")

    monkeypatch.setattr(aot, "_compile", broken)
    assert aot.build() is None
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "compiling the square-lattice kernels ahead of time" in err[0]
    assert "RuntimeError: undefined symbol: foo" in err[1]
    assert sorted(os.listdir(elsewhere)) == [os.path.basename(aot.path()) + ".failed"]


def test_switched_off_it_is_neither_loaded_nor_built(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv(aot.SWITCH, "0")
    assert aot.build() is None and aot.module() is None
    assert capsys.readouterr().err == ""
    assert not elsewhere.exists()


def test_simulate_on_the_module_imports_no_numba_and_gives_the_same_numbers(built):
    """A ``statmech simulate`` process that the module serves never imports numba (nor
    llvmlite) and prints the numbers of the just-in-time run."""
    code = (
        "import sys; from statmech.cli import main; code = main(sys.argv[1:]); "
        "print('@@', code, 'numba' in sys.modules, 'llvmlite' in sys.modules)"
    )
    argv = ["simulate", "ising2d", "L=16", "T=2.3", "h=0.1", "--sweeps", "400", "--json"]
    argv += ["--replicas", "3"]

    def run(switch):
        env = {**os.environ, aot.SWITCH: switch}
        out = subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr
        body, _, tail = out.stdout.rpartition("@@")
        res = json.loads(body)
        for timing in ("elapsed_seconds", "flips_per_ns", "spins_flipped_per_ns"):
            res.pop(timing, None)
        return res, tail.split(), out.stderr

    ahead, flags, err = run("1")
    assert flags == ["0", "False", "False"]
    assert "compiling" not in err
    jit, flags, _ = run("0")
    assert flags == ["0", "True", "True"]
    assert ahead == jit


@pytest.mark.slow
def test_the_first_run_builds_the_module_into_the_users_cache_folder_and_says_so(tmp_path):
    """A fresh cache folder: the first served run builds the module there (one line on
    standard error), none in the package's folders; the next run loads it silently and
    gives the same numbers."""
    package = os.path.dirname(aot.__file__)
    before = set(os.listdir(package))
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", aot.SWITCH)}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    argv = [sys.executable, "-m", "statmech", "simulate", "ising2d", "L=8", "T=2.5"]
    argv += ["--sweeps", "20", "--replicas", "2", "--thermalize", "10"]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    said = [ln for ln in first.stderr.splitlines() if "ahead of time" in ln]
    where = tmp_path / "cache" / "statmech" / "numba" / "aot"
    assert len(said) == 1 and str(where) in said[0]
    assert [p.name for p in where.iterdir() if p.name.startswith("_statmech_square_")]
    assert set(os.listdir(package)) == before
    second = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "ahead of time" not in second.stderr and "compiling" not in second.stderr

    def numbers(out):  # the estimates; the line with the sampling time differs
        return [ln for ln in out.splitlines() if "s sampling" not in ln]

    assert numbers(second.stdout) == numbers(first.stdout)


def test_an_unwritable_cache_folder_is_said_and_numba_serves(elsewhere, monkeypatch, capsys):
    monkeypatch.setattr(aot, "_writable", lambda where: False)
    assert aot.build() is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot write {elsewhere}" in err


def test_a_build_prunes_old_modules_of_other_keys_only(elsewhere):
    elsewhere.mkdir(parents=True)
    old = elsewhere / "_statmech_square_0123456789abcdef0123.so"
    recent = elsewhere / "_statmech_square_fedcba98765432101234.so.failed"
    mine = elsewhere / (aot.module_name() + ".so.failed")
    other = elsewhere / "unrelated.txt"
    for p in (old, recent, mine, other):
        p.write_text("x")
    month = 31 * 86400
    for p in (old, mine, other):
        os.utime(p, (p.stat().st_atime - month, p.stat().st_mtime - month))
    assert aot.prune() == [old.name]
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(
        [recent.name, mine.name, other.name]
    )
