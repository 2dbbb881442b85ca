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
    env = _env(tmp_path, STATMECH_AOT="0")  # numba's kernels (the AOT ones: test_aot_kernels)
    first = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    cached = _numba_files(tmp_path / "cache" / "statmech" / "numba")
    assert any("kernels2d" in p.name for p in cached), cached
    assert set(_numba_files(package)) == before
    notices = [ln for ln in first.stderr.splitlines() if "compiling kernels, once" in ln]
    assert len(notices) == 1
    assert str(tmp_path / "cache" / "statmech" / "numba") in notices[0]
    assert "fast Monte Carlo samplers" in notices[0] and "kernels2d" not in notices[0]
    second = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "compiling kernels" not in second.stderr

    def numbers(out):  # the estimates; the line with the sampling time differs
        return [ln for ln in out.splitlines() if "s sampling" not in ln]

    assert numbers(second.stdout) == numbers(first.stdout)


def test_the_compile_notice_says_what_is_prepared_not_which_kernel(monkeypatch):
    """A kernel compiled in a statmech module is announced once, in words a user reads."""
    import io
    import types

    import numba
    from statmech.numeric import kernel_cache

    def _private_kernel(x):
        return x + 1

    monkeypatch.setattr(kernel_cache, "_announcing", False)
    monkeypatch.setenv(kernel_cache.ENV, "/some/cache")
    stream = io.StringIO()
    kernel_cache.announce_compilation(stream)
    code = _private_kernel.__code__  # a fresh function "of" a statmech module, never cached
    fake = types.FunctionType(code, {"__name__": "statmech.numeric.fast.fake"}, "_private_kernel")
    assert numba.njit(fake)(1) == 2
    numba.njit(fake)(2.5)  # a second compilation: said once
    assert stream.getvalue().splitlines() == [
        "statmech: compiling kernels, once: the fast Monte Carlo samplers for this computer, "
        "kept in /some/cache for later runs"
    ]


def test_warmup_is_a_verb_and_refuses_a_model_without_fast_kernels(capsys):
    from statmech.cli import main

    assert main(["warmup", "curie-weiss"]) == 2
    assert "no fast kernels to compile for curie-weiss" in capsys.readouterr().err


# -- the model's card: simulate on the fast kernels without SymPy or SciPy -----------

#: Run the command line, noting the heavy modules loaded when the first sampler starts.
CARD_PROBE = """
import contextlib, io, sys
from statmech.numeric.samplers import base
heavy = {heavy!r}
at_start = []
init = base.Sampler.init
def noting(self, *a, **k):
    if not at_start:
        at_start.append(",".join(m for m in heavy if m in sys.modules))
    return init(self, *a, **k)
base.Sampler.init = noting
from statmech.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
sys.stdout.write(out.getvalue())
print("@@", code, at_start[0] if at_start else "-", ",".join(m for m in heavy if m in sys.modules))
"""

LEAN = ("sympy", "scipy", "cffi", "pycparser")


def _card_env(tmp_path) -> dict:
    """Cards in a new cache folder; the compiled kernels in the user's (already warm) one."""
    from statmech.numeric.kernel_cache import cache_dir

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NUMBA_CACHE_DIR"] = os.environ.get("NUMBA_CACHE_DIR") or cache_dir()
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def _simulate(env, *argv):
    """``(JSON result, heavy modules at the first sweep, heavy modules at the end)``."""
    proc = subprocess.run(
        [sys.executable, "-c", CARD_PROBE.format(heavy=HEAVY + LEAN), "simulate", *argv, "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    body, _, tail = proc.stdout.rpartition("@@")
    status, start, end = tail.split()
    assert status == "0"
    import json

    res = json.loads(body)
    for timing in ("elapsed_seconds", "flips_per_ns", "spins_flipped_per_ns"):
        res.pop(timing, None)
    return res, set(start.split(",")) - {"-", ""}, set(end.split(",")) - {""}


@pytest.mark.parametrize(
    "argv",
    [
        ("ising2d", "L=8", "T=2.5", "--sweeps", "10"),
        ("ising3d", "L=4", "T=4.5", "--sweeps", "10", "--algorithm", "wolff"),
        ("ising1d", "N=10", "T=1.5", "h=0.25", "--sweeps", "10", "--algorithm", "heat-bath"),
        ("ising2d", "L=6", "T=2", "J=0.5", "--sweeps", "10", "--algorithm", "swendsen-wang"),
    ],
    ids=" ".join,
)
def test_simulate_on_a_warm_card_imports_neither_sympy_nor_scipy(tmp_path, argv):
    """The first run of a point builds the model with SymPy and writes its card; the next
    starts sampling with neither SymPy nor SciPy (nor cffi) imported, never imports
    SymPy, and gives the same numbers, bit for bit."""
    env = _card_env(tmp_path)
    first, at_start, _ = _simulate(env, *argv)
    assert "sympy" in at_start  # no card yet: the model was built
    assert (tmp_path / "cache" / "statmech" / "models" / f"{argv[0]}.json").is_file()
    second, at_start, at_end = _simulate(env, *argv, "--replicas", "16")
    assert not at_start & set(LEAN), at_start
    assert "sympy" not in at_end
    assert second == first


def test_a_stale_card_is_rebuilt_and_never_read(tmp_path):
    """A card whose key differs (another statmech version or source) is not read, even
    when its numbers are wrong: the model is built again and the card rewritten."""
    import json

    env = _card_env(tmp_path)
    argv = ("ising2d", "L=8", "T=2.5", "--sweeps", "10")
    first, _, _ = _simulate(env, *argv)
    path = tmp_path / "cache" / "statmech" / "models" / "ising2d.json"
    card = json.loads(path.read_text())
    good = json.loads(path.read_text())
    card["key"]["sources"] = "0" * 64
    for point in card["points"].values():
        point["ising"] = [5.0, 0.0]  # J = 5: a wrong card, if it were read
    path.write_text(json.dumps(card))
    again, at_start, _ = _simulate(env, *argv)
    assert "sympy" in at_start
    assert again == first
    assert json.loads(path.read_text()) == good
    # a current card is read: the same wrong numbers under the right key change the run
    card["key"] = good["key"]
    path.write_text(json.dumps(card))
    wrong, at_start, _ = _simulate(env, *argv)
    assert "sympy" not in at_start
    assert wrong["observables"] != first["observables"]


def test_a_stale_card_key_is_refused_in_process(tmp_path, monkeypatch):
    from statmech import model_card

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    from statmech.derive.registry import get_model

    model_card.record(get_model("ising2d"), {"T": 2.5, "J": 1.0, "h": 0.0, "L": 8}, "numpy")
    card = model_card.load("ising2d")
    assert card is not None and card.coupling.shape({"L": 8}) == (8, 8)
    monkeypatch.setattr(model_card, "_version", lambda: "another")
    assert model_card.load("ising2d") is None


def test_only_fast_kernel_lattices_get_a_card(tmp_path, monkeypatch):
    from statmech.derive.registry import get_model

    from statmech import model_card

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    model_card.record(get_model("curie-weiss"), {"T": 2.5, "N": 8}, "numpy")
    assert model_card.load("curie-weiss") is None


def test_the_kernels_use_nothing_numba_loads_without_scipy():
    """numba, loaded without SciPy (statmech.numeric.kernel_cache.load_numba_lean), loses
    only BLAS for np.convolve / np.correlate and cffi types: no kernel uses them."""
    words = ("convolve", "correlate", "cffi", "np.dot", "linalg", "matmul", "vdot", " @ ")
    for path in sorted((ROOT / "numeric" / "fast").glob("*.py")):
        text = path.read_text()
        assert not [w for w in words if w in text], path.name


def test_a_card_gains_the_points_it_lacked(tmp_path):
    """A run at a size or coupling the card does not hold builds the model, gives the
    numbers a run without a card gives, and adds its point: the next run needs no SymPy."""
    env = _card_env(tmp_path)
    _simulate(env, "ising2d", "L=8", "T=2.5", "--sweeps", "10")
    argv = ("ising2d", "L=6", "T=2.5", "J=0.75", "--sweeps", "10")
    added, at_start, _ = _simulate(env, *argv)
    assert "sympy" in at_start
    again, _, at_end = _simulate(env, *argv)
    assert "sympy" not in at_end
    assert again == added
    (tmp_path / "cache" / "statmech" / "models" / "ising2d.json").unlink()
    fresh, at_start, _ = _simulate(env, *argv)
    assert "sympy" in at_start
    assert fresh == added


CLASHING_MODEL = """
import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive.interactions import ising_hamiltonian
from statmech.derive.model import TEMPERATURE, HypercubicLattice, Model, Parameter, ising_spin

L = sp.Symbol("L", positive=True, integer=True)
MODEL = Model(
    name="ising2d",
    title="the square-lattice antiferromagnet, under a built-in's name",
    summary="J < 0 in effect: in a field its energy differs from the ferromagnet's.",
    parameters=(TEMPERATURE, Parameter(sym.J, "coupling", 1.0), Parameter(sym.h, "field", 0.0),
                Parameter(L, "linear size", 8)),
    states=ising_spin(),
    hamiltonian=ising_hamiltonian(HypercubicLattice(2), sign=-1),
    size=L**2,
    field=sym.h,
)
"""


def test_a_model_file_under_a_builtin_name_neither_reads_nor_writes_its_card(tmp_path):
    """A --model-file model named like a built-in is another model: the built-in's card
    must not serve it, and its run must not enter the built-in's card (both orders)."""
    path = tmp_path / "clash.py"
    path.write_text(CLASHING_MODEL)
    env = _card_env(tmp_path)
    argv = ("ising2d", "L=8", "T=1", "h=1", "--sweeps", "50", "--replicas", "2")
    builtin, _, _ = _simulate(env, *argv)
    own, at_start, _ = _simulate(env, *argv, "--model-file", str(path))
    assert "sympy" in at_start  # the file's model was built, no card read
    energy = "energy_per_spin"
    assert own["observables"][energy] != builtin["observables"][energy]
    again, _, _ = _simulate(env, *argv)
    assert again == builtin
    card = tmp_path / "cache" / "statmech" / "models" / "ising2d.json"
    card.unlink()
    assert _simulate(env, *argv, "--model-file", str(path))[0] == own
    assert not card.exists()
    assert _simulate(env, *argv)[0] == builtin
