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
    """``out[index] = min(out[index], values)`` with repeated indices, in place.

    Same result as :func:`numpy.minimum.at` for a 1-D ``out`` (NaN wins).  On CuPy
    a floating ``out`` goes through :func:`segment_min` (a sort), not
    ``cupyx.scatter_min``: CuPy's ``atomicMin`` for ``double`` (``cupy/atomics.cuh``,
    CuPy 13-14) compares through ``fminf`` and so stores the minimum rounded to
    float32.  Integer types keep ``cupyx.scatter_min`` (exact atomics).
    """
    if xp is np:
        np.minimum.at(out, index, values)
    elif out.dtype.kind == "f":
        segment_min(xp, out, index, values)
    else:  # pragma: no cover - CuPy, on a machine with a GPU
        importlib.import_module("cupyx").scatter_min(out, index, values)


def segment_min(xp: ModuleType, out, index, values) -> None:
    """:func:`numpy.minimum.at` for a 1-D floating ``out``, by sorting (any namespace).

    The values of each index are sorted by ``(index, value)`` (``xp.lexsort``); the
    first of each run is its minimum.  NaN values are set afterwards (a NaN wins,
    as in :func:`numpy.minimum`).  Exact: no value is rounded.
    """
    if out.ndim != 1:
        raise ValueError(f"segment_min needs a 1-D output array, got {out.ndim} dimensions")
    index = xp.asarray(index).ravel().astype(xp.int64)
    values = xp.broadcast_to(xp.asarray(values, dtype=out.dtype), index.shape).ravel()
    if index.size == 0:
        return
    if bool(xp.any((index < -out.size) | (index >= out.size))):
        raise IndexError(f"an index is out of bounds for an array of size {out.size}")
    index = xp.where(index < 0, index + out.size, index)
    nan = xp.isnan(values)
    idx, val = index[~nan], values[~nan]
    if idx.size:
        # the last key is the primary one; index < 2**53, exact as a float64 key
        order = xp.lexsort(xp.stack([val.astype(xp.float64), idx.astype(xp.float64)]))
        idx, val = idx[order], val[order]
        first = xp.ones(idx.shape, dtype=bool)
        first[1:] = idx[1:] != idx[:-1]
        idx, val = idx[first], val[first]  # unique indices: a plain assignment is safe
        out[idx] = xp.minimum(out[idx], val)
    out[index[nan]] = xp.nan
