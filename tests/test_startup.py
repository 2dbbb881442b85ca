"""Start-up: what a command imports, and where numba keeps the compiled kernels.

These assert on the modules a process has imported, not on its wall time (timings move
with the load of a shared machine; ``benchmarks/startup.py`` measures them).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ("sympy", "numpy", "scipy", "mpmath", "matplotlib", "numba", "dask", "pandas", "cupy")

#: Run the command line in this process's interpreter, then print the heavy modules loaded.
PROBE = """
import contextlib, io, sys
from statmech.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:  # --help, --version
        code = exc.code
print(code, ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def imported(*argv, env=None) -> tuple[int, set]:
    """``(exit status, heavy modules imported)`` of ``statmech ARGV`` in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    status, _, names = proc.stdout.strip().rpartition("\n")[2].partition(" ")
    return int(status), set(filter(None, names.split(",")))


def test_help_imports_no_numeric_or_symbolic_library():
    assert imported("--help") == (0, set())
    assert imported("--version") == (0, set())


def test_a_verbs_help_loads_only_what_its_arguments_need():
    status, mods = imported("exact", "--help")
    assert status == 0
    assert mods == set()


@pytest.mark.parametrize(
    "argv",
    [
        ("exact", "ising2d", "L=16", "T=2.5"),  # Kaufman's torus
        ("exact", "ising1d", "N=12", "T=0.5"),  # the transfer matrix
        ("solve", "curie-weiss", "T=0.5"),
    ],
    ids=" ".join,
)
def test_exact_and_solve_load_no_scipy_plotting_jit_or_dask(argv):
    status, mods = imported(*argv)
    assert status == 0
    # the models are SymPy values, and the numbers NumPy and mpmath ones: those stay
    assert mods <= {"sympy", "numpy", "mpmath"}, mods - {"sympy", "numpy", "mpmath"}


def test_the_compiled_numpy_code_is_the_same_without_scipy():
    """Expressions without a special function are compiled against the NumPy module
    alone (SciPy is not imported for them, nor every NumPy submodule): the same
    generated source as lambdify's default namespaces, the same numbers."""
    import inspect

    import numpy as np
    import sympy as sp
    from statmech.numeric import compile as c

    T, h = sp.symbols("T h", positive=True)
    plain = (
        sp.log(2 * sp.cosh(h / T)) * sp.pi
        - sp.tanh(1 / T) ** 2
        + sp.Abs(h - 1)
        + sp.Heaviside(h - T)
        + sp.Max(T, h)
        + sp.atanh(h / 3) * sp.sqrt(T)
    )
    assert c._numpy_modules(plain) == [np]
    assert c._numpy_modules(sp.erf(h) + plain) == ["scipy", "numpy"]
    assert c._numpy_modules(sp.loggamma(T)) == ["scipy", "numpy"]
    mine = c.compile_expression(plain, (T, h))
    for modules in (["numpy"], ["scipy", "numpy"]):
        usual = sp.lambdify((T, h), plain, modules=modules)
        assert inspect.getsource(mine) == inspect.getsource(usual)
        x, y = np.linspace(0.2, 2.0, 9), np.linspace(2.5, 0.1, 9)
        assert np.array_equal(mine(x, y), usual(x, y))


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env.update(extra)
    return env


def _numba_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))


def test_numba_cache_goes_to_the_users_cache_folder(tmp_path):
    """NUMBA_CACHE_DIR is set on import of statmech.numeric (before numba is imported), to
    $XDG_CACHE_HOME/statmech/numba; a value the user set is kept."""
    code = (
        "import os, sys; import statmech.numeric; "
        "print('numba' in sys.modules, os.environ['NUMBA_CACHE_DIR'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", str(tmp_path / "cache" / "statmech" / "numba")]
    mine = str(tmp_path / "mine")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, NUMBA_CACHE_DIR=mine),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["False", mine]


def test_compiled_kernels_land_in_the_cache_folder_and_not_the_package(tmp_path):
    """A simulation compiles (or loads) its kernels through the user's cache folder: files
    appear there, none in the package's folders; the run says so once, on standard error,
    when it really compiles, and a second run loads them silently."""
    package = ROOT / "numeric"
    before = set(_numba_files(package))
    argv = [sys.executable, "-m", "statmech", "simulate", "ising2d", "L=8", "T=2.5"]
    argv += ["--sweeps", "20", "--replicas", "2", "--thermalize", "10"]
    env = _env(tmp_path)
    first = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    cached = _numba_files(tmp_path / "cache" / "statmech" / "numba")
    assert any("kernels2d" in p.name for p in cached), cached
    assert set(_numba_files(package)) == before
    notices = [ln for ln in first.stderr.splitlines() if "compiling kernels, once" in ln]
    assert len(notices) == 1
    assert str(tmp_path / "cache" / "statmech" / "numba") in notices[0]
    second = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "compiling kernels" not in second.stderr

    def numbers(out):  # the estimates; the line with the sampling time differs
        return [ln for ln in out.splitlines() if "s sampling" not in ln]

    assert numbers(second.stdout) == numbers(first.stdout)


def test_warmup_is_a_verb_and_refuses_a_model_without_fast_kernels(capsys):
    from statmech.cli import main

    assert main(["warmup", "curie-weiss"]) == 2
    assert "no fast kernels to compile for curie-weiss" in capsys.readouterr().err
