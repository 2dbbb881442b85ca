r"""The one module that knows NumPy from CuPy.

Everything else in :mod:`numeric` writes ``xp.exp``, not ``np.exp``, and gets
``xp`` from :func:`get_namespace` (follow the arrays) or :func:`get_backend`
(a name from the command line).  CuPy is imported lazily, here only.

Randomness is explicit: a seed becomes generators through
:func:`numpy.random.SeedSequence` in :func:`spawn_generators`, never through
global random state.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np

BACKENDS = ("numpy", "cupy")

_cupy: ModuleType | None = None


class BackendUnavailable(RuntimeError):
    """Raised when a backend is requested that cannot run here."""


def _import_cupy() -> ModuleType:
    global _cupy
    if _cupy is None:
        try:
            _cupy = importlib.import_module("cupy")
            # A CuPy without a usable device fails here, not deep in a kernel.
            _cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # ImportError, CUDARuntimeError, ...
            _cupy = None
            raise BackendUnavailable(
                "the cupy backend needs CuPy and a CUDA GPU "
                f"(install the 'gpu' extra on a machine with a GPU): {exc}"
            ) from exc
    return _cupy


def cupy_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    try:
        _import_cupy()
    except BackendUnavailable:
        return False
    return True


def get_backend(name: str = "numpy") -> ModuleType:
    """Return the array module for a backend name (``"numpy"`` or ``"cupy"``)."""
    if name == "numpy":
        return np
    if name == "cupy":
        return _import_cupy()
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def get_namespace(*arrays) -> ModuleType:
    """The array module the arrays live in (CuPy if any of them is a CuPy array)."""
    for a in arrays:
        mod = type(a).__module__
        if mod.startswith("cupy"):
            return _import_cupy()
    return np


def backend_name(xp: ModuleType) -> str:
    return "cupy" if xp.__name__.startswith("cupy") else "numpy"


def to_numpy(x):
    """Copy an array (or scalar) to host memory as a NumPy array."""
    if type(x).__module__.startswith("cupy"):
        return x.get()
    return np.asarray(x)


def asarray(x, xp: ModuleType, dtype=None):
    """Move ``x`` into the namespace ``xp`` (and onto its device)."""
    if xp is np:
        return np.asarray(to_numpy(x), dtype=dtype)
    return xp.asarray(x, dtype=dtype)


def synchronize(xp: ModuleType) -> None:
    """Wait for queued device work (no-op on NumPy). Time a GPU only after this.

    Waits for every stream of the current device (``cupy.cuda.Device().synchronize()``),
    not only the current stream.
    """
    if xp is not np:
        xp.cuda.Device().synchronize()


def seed_sequence(seed: int | None) -> np.random.SeedSequence:
    if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.SeedSequence(seed)


def spawn_generators(seed: int | None, n: int) -> list[np.random.Generator]:
    """``n`` independent NumPy generators from one seed (one per replica or chain)."""
    return [np.random.Generator(np.random.PCG64(s)) for s in seed_sequence(seed).spawn(n)]


def default_rng(seed: int | np.random.SeedSequence | None, xp: ModuleType = np):
    """A seeded generator in the namespace ``xp`` (CuPy's own generator on the GPU)."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else seed_sequence(seed)
    if xp is np:
        return np.random.Generator(np.random.PCG64(ss))
    state = int(ss.generate_state(1, dtype=np.uint64)[0])
    return xp.random.default_rng(state)


def special_module(xp: ModuleType) -> ModuleType:
    """``scipy.special`` for NumPy, ``cupyx.scipy.special`` for CuPy."""
    if xp is np or xp.__name__ == "numpy":
        return importlib.import_module("scipy.special")
    return importlib.import_module("cupyx.scipy.special")  # pragma: no cover - needs a GPU


def scatter_min(xp: ModuleType, out, index, values) -> None:
    """``out[index] = min(out[index], values)`` with repeated indices, in place."""
    if xp is np:
        np.minimum.at(out, index, values)
    else:  # pragma: no cover - CuPy, on a machine with a GPU
        importlib.import_module("cupyx").scatter_min(out, index, values)
