r"""The square lattice's one-thread kernels compiled ahead of time, loaded without numba.

A fresh process that samples a small square lattice spends most of its start-up in
numba: importing it and initialising its compiler's registries, even when every
kernel loads from numba's cache.  This module compiles, once, the kernels of that
path with ``numba.pycc`` into a plain extension module: the random start
(:func:`numeric.fast.rng.random_spins`), the sweeps, the measured sweeps and the
sums of :mod:`numeric.fast.kernels2d` (``run_sweeps_serial``,
``run_measured_serial``, ``sums_serial``).  Loading it imports neither numba nor
llvmlite.  It is the same numba code, compiled for this machine's CPU as the
just-in-time kernels are, and it does integer arithmetic only, so it gives the
same numbers bit for bit (``tests/test_aot_kernels.py``).

Where it lives
    ``aot/`` in numba's cache folder (:func:`statmech.numeric.kernel_cache.cache_dir`
    unless ``NUMBA_CACHE_DIR`` is set), never the package's folder.  The file's name
    holds a key: a hash of the kernels' source files, the Python, NumPy and numba
    versions and the CPU, so a module built from other sources, by another numba or
    for another CPU is never loaded; a build removes those of other keys unused for
    :data:`PRUNE_DAYS` days.
When it is built
    By ``statmech warmup``, and by ``statmech simulate`` on first use when the run
    is one it serves, with one line on standard error.  Without a C compiler, or when
    the build fails, the reason is said once (and kept beside the module: ``warmup``
    tries again) and the runs use numba's just-in-time kernels, unchanged.
When it serves
    :data:`square` is the layout of :class:`numeric.fast.samplers.Checkerboard2D`: it
    calls the module where it is built and the arrays are the kernel's own (C order,
    the kernel's dtypes, fewer than :data:`numeric.fast.packing.PARALLEL_MIN_SITES`
    sites per colour), and :mod:`numeric.fast.kernels2d` otherwise.
    ``STATMECH_AOT=0`` in the environment turns it off (neither loaded nor built).

``numba.pycc`` is pending deprecation in numba; its warnings are not shown.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile

import numpy as np

from ..kernel_cache import ENV, cache_dir
from .packing import PARALLEL_MIN_SITES, pack, unpack

#: Environment variable: ``0`` turns the ahead-of-time kernels off.
SWITCH = "STATMECH_AOT"

#: The files whose code the module holds (this one declares the signatures).
SOURCES = ("rng.py", "kernels2d.py", "aot.py")

_S4 = "int8[:, :, :, ::1]"
#: Exported name -> (module, kernel, signature).
EXPORTS = {
    "random_spins": ("rng", "random_spins", "void(int8[:, ::1], uint64[::1])"),
    "run_sweeps_serial": (
        "kernels2d",
        "run_sweeps_serial",
        f"void({_S4}, uint64[::1], int64, int64, uint32[::1])",
    ),
    "run_measured_serial": (
        "kernels2d",
        "run_measured_serial",
        f"void({_S4}, uint64[::1], int64, int64, int64, uint32[::1], int64[:, ::1], int64[:, ::1])",
    ),
    "sums_serial": (
        "kernels2d",
        "sums_serial",
        f"void({_S4}, int64[:, ::1], int64[:, ::1], int64)",
    ),
}

_HERE = os.path.dirname(os.path.abspath(__file__))
_key: str | None = None
_loaded: dict = {}  # key -> module or None


def enabled() -> bool:
    """Whether the ahead-of-time kernels may be loaded or built (``STATMECH_AOT`` is not 0)."""
    return os.environ.get(SWITCH, "").strip() != "0"


def folder() -> str:
    """``aot/`` in numba's cache folder (``NUMBA_CACHE_DIR``, else the user's)."""
    return os.path.join(os.environ.get(ENV) or cache_dir(), "aot")


def _cpu() -> str:
    """The CPU, as the module is compiled for it: on Linux its vendor, model and flags."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = []
            for line in f:
                if not line.strip():
                    break
                name = line.partition(":")[0].strip()
                if name in ("vendor_id", "model name", "flags", "Features", "CPU part"):
                    lines.append(line.strip())
            if lines:
                return "\n".join(lines)
    except OSError:
        pass
    import platform

    return f"{platform.machine()} {platform.processor()} {platform.node()}"


def _numba_stamp() -> str:
    """numba's version file (its version and revision), read without importing numba."""
    spec = importlib.util.find_spec("numba")
    if spec is None or not spec.origin:
        return "no numba"
    try:
        with open(os.path.join(os.path.dirname(spec.origin), "_version.py"), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return spec.origin


def compute_key(sources=SOURCES) -> str:
    """The module's key: a hash of ``sources`` (files of this package), the versions of
    Python, NumPy and numba, and the CPU."""
    h = hashlib.sha256()
    for name in sources:
        with open(os.path.join(_HERE, name), "rb") as f:
            h.update(name.encode() + b"\0" + f.read() + b"\0")
    for part in (sys.version, sys.implementation.cache_tag, np.__version__, _numba_stamp(), _cpu()):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:20]


def key() -> str:
    """:func:`compute_key`, once per process."""
    global _key
    if _key is None:
        _key = compute_key()
    return _key


def forget() -> None:
    """Forget the key and the loaded module (the next call looks again)."""
    global _key
    _key = None
    _loaded.clear()


def module_name(k: str | None = None) -> str:
    return f"_statmech_square_{k or key()}"


def path(k: str | None = None) -> str:
    """Where the module for key ``k`` (default: this process's) is kept."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return os.path.join(folder(), module_name(k) + suffix)


def module():
    """The loaded module, or None where it is off, not built yet or does not load."""
    if not enabled():
        return None
    k = key()
    if k not in _loaded:
        _loaded[k] = _load(k)
    return _loaded[k]


def _load(k: str):
    target = path(k)
    if not os.path.isfile(target):
        return None
    try:
        spec = importlib.util.spec_from_file_location(module_name(k), target)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    except (ImportError, OSError):  # damaged or foreign: the next build replaces it
        return None
    if not all(hasattr(mod, name) for name in EXPORTS):
        return None
    return mod


# -- building -------------------------------------------------------------------------


def compiler() -> str | None:
    """The C compiler's path (``$CC``, else Python's), or None where there is none."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    words = cc.split()
    return shutil.which(words[0]) if words else None


def _say(stream, text: str) -> None:
    print(f"statmech: {text}", file=stream or sys.stderr, flush=True)


def build(stream=None, retry: bool = False):
    """Build the module for this process's key unless it is there; the module or None.

    Says one line on ``stream`` (standard error) before it compiles (10-20 s on two
    cores), and one with the reason where it cannot: then the reason is kept beside the
    module and later calls say nothing, until one with ``retry`` (``statmech warmup``).
    """
    if not enabled():
        return None
    mod = module()
    if mod is not None:
        return mod
    target = path()
    failed = target + ".failed"
    if os.path.exists(failed) and not retry:
        return None
    from ..kernel_cache import _compile_lock

    with _compile_lock():  # one process builds; the others wait, then load its module
        _loaded.pop(key(), None)
        mod = module()
        if mod is not None:
            return mod
        reason = None
        if compiler() is None:
            reason = "no C compiler found"
        elif not _writable(folder()):
            reason = f"cannot write {folder()}"
        else:
            _say(
                stream,
                "compiling the square-lattice kernels ahead of time, once (10-20 s), "
                f"into {folder()}",
            )
            try:
                _compile(target)
            except Exception as exc:  # noqa: BLE001 - any failure: the JIT kernels serve
                last = (str(exc).strip().splitlines() or [""])[-1]
                reason = f"{type(exc).__name__}: {last}"
        if reason is None:
            _loaded.pop(key(), None)
            mod = module()
            if mod is None:
                reason = "the module built does not load"
        if reason is not None:
            _say(stream, f"no ahead-of-time kernels ({reason}); numba compiles them instead")
            try:
                os.makedirs(folder(), exist_ok=True)
                with open(failed, "w", encoding="utf-8") as f:
                    f.write(reason + "\n")
            except OSError:
                pass
            return None
        if os.path.exists(failed):
            os.remove(failed)
        prune()
        return mod


#: Modules (and failure notes) of other keys unused for this many days are removed.
PRUNE_DAYS = 30


def prune(days: float = PRUNE_DAYS) -> list[str]:
    """Remove the modules and failure notes of other keys (other sources, versions or
    CPUs) not modified for ``days`` days from :func:`folder`; the names removed.  A
    module that a running process has loaded stays mapped there (POSIX)."""
    import time

    mine = module_name()
    removed = []
    try:
        names = os.listdir(folder())
    except OSError:
        return removed
    limit = time.time() - days * 86400.0
    for name in names:
        if not name.startswith("_statmech_square_") or name.startswith(mine):
            continue
        where = os.path.join(folder(), name)
        try:
            if os.path.getmtime(where) < limit:
                os.remove(where)
                removed.append(name)
        except OSError:
            pass
    return removed


def _writable(where: str) -> bool:
    try:
        os.makedirs(where, exist_ok=True)
    except OSError:
        return False
    return os.access(where, os.W_OK)


def _compile(target: str) -> None:
    """Compile :data:`EXPORTS` with ``numba.pycc`` into ``target`` (a file moved into place
    whole, so a reader never sees half of it)."""
    import warnings

    os.makedirs(folder(), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".build-", dir=folder())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import llvmlite.binding as llvm
            from numba.pycc import CC

            cc = CC(os.path.basename(target).partition(".")[0])
            cc.output_dir = work
            cc.target_cpu = llvm.get_host_cpu_name()  # as numba's JIT compiles
            for name, (where, kernel, sig) in EXPORTS.items():
                mod = importlib.import_module(f"{__package__}.{where}")
                cc.export(name, sig)(getattr(mod, kernel).py_func)
            cc.compile()
        os.replace(os.path.join(work, cc.output_file), target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- serving ----------------------------------------------------------------------------


def serves(model: str, size, algorithm: str, replicas: int) -> bool:
    """Whether a run of ``model`` (its name) on an ``size`` x ``size`` lattice with
    ``algorithm`` and ``replicas`` is one the module serves (when it is built)."""
    try:
        L, R = int(size), int(replicas)
    except (TypeError, ValueError):
        return False
    return (
        enabled()
        and model == "ising2d"
        and algorithm in ("metropolis", "heat-bath")
        and L >= 2
        and L % 2 == 0
        and R >= 1
        and R * L * (L // 2) < PARALLEL_MIN_SITES
    )


def _c(a, dtype, ndim) -> bool:
    return type(a) is np.ndarray and a.dtype == dtype and a.ndim == ndim and a.flags.c_contiguous


def _fits(spins, keys, table) -> bool:
    """Whether the one-thread kernel takes ``spins``, ``keys`` and ``table`` as they are."""
    if not (_c(spins, np.int8, 4) and _c(keys, np.uint64, 1) and _c(table, np.uint32, 1)):
        return False
    R, colours, L, n = spins.shape
    return (
        colours == 2
        and L == 2 * n
        and keys.shape[0] >= R
        and table.shape[0] >= 10
        and R * L * n < PARALLEL_MIN_SITES
    )


def _sums_fit(R, columns, *arrays) -> bool:
    return all(_c(a, np.int64, 2) and a.shape[0] >= R and a.shape[1] >= columns for a in arrays)


def _jit(name: str):
    return getattr(importlib.import_module(f"{__package__}.kernels2d"), name)


class SquareLayout:
    """The interface of :mod:`numeric.fast.kernels2d` (``pack``, ``unpack``,
    ``run_sweeps``, ``run_measured``, ``sums``), served by the ahead-of-time module
    where it applies and by the numba kernels otherwise."""

    pack = staticmethod(pack)
    unpack = staticmethod(unpack)

    @staticmethod
    def run_sweeps(spins, keys, sweep0, nsweeps, table):
        mod = module()
        if mod is not None and _fits(spins, keys, table):
            mod.run_sweeps_serial(spins, keys, int(sweep0), int(nsweeps), table)
        else:
            _jit("run_sweeps")(spins, keys, sweep0, nsweeps, table)

    @staticmethod
    def run_measured(spins, keys, sweep0, every, nmeas, table, bsum, msum):
        mod = module()
        if (
            mod is not None
            and _fits(spins, keys, table)
            and _sums_fit(spins.shape[0], int(nmeas), bsum, msum)
        ):
            args = (int(sweep0), int(every), int(nmeas), table, bsum, msum)
            mod.run_measured_serial(spins, keys, *args)
        else:
            _jit("run_measured")(spins, keys, sweep0, every, nmeas, table, bsum, msum)

    @staticmethod
    def sums(spins, bsum, msum, col=0):
        mod = module()
        if (
            mod is not None
            and _c(spins, np.int8, 4)
            and spins.shape[1] == 2
            and spins.shape[2] == 2 * spins.shape[3]
            and _sums_fit(spins.shape[0], int(col) + 1, bsum, msum)
        ):
            mod.sums_serial(spins, bsum, msum, int(col))
        else:
            _jit("sums")(spins, bsum, msum, col)


#: The square lattice's layout for :class:`numeric.fast.samplers.Checkerboard2D`.
square = SquareLayout()


def random_spins(out, keys) -> None:
    """:func:`numeric.fast.rng.random_spins` into ``out`` (``(R, n)`` int8, C order)."""
    mod = module()
    if mod is not None and _c(out, np.int8, 2) and _c(keys, np.uint64, 1) and len(keys) >= len(out):
        mod.random_spins(out, keys)
    else:
        from . import rng

        rng.random_spins(out, keys)
