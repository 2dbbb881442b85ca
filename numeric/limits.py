r"""Memory a simulation will need, estimated before anything is allocated.

:func:`simulation_bytes` adds up, from the model's couplings and the run's
sizes alone (no array is built):

* the units: ``replicas * n`` configurations and the sampler's per-unit work
  arrays (energies, fields and uniforms of a sweep, neighbour tables), at most
  :data:`BYTES_PER_UNIT` bytes per unit and replica (:data:`BYTES_PER_UNIT_FAST`
  where the fast kernels run), measured peaks with a margin;
* the couplings: a dense ``n x n`` matrix for data-defined couplings (drawn or
  read, then copied: :data:`DENSE_COPIES` of them);
* the measurements: two float64 series of ``replicas * sweeps / every``.

:func:`check_memory` compares that with the memory available (``MemAvailable``
of ``/proc/meminfo``, or the physical memory) or with a limit the user gives,
and refuses in one sentence, with both numbers, before the sampler is built.
"""

from __future__ import annotations

import math
import os
import re

#: Work arrays per unit and replica of the reference samplers: the int8 unit, a few
#: float64 arrays of a sweep (uniforms, energy changes, local fields) with NumPy's
#: temporaries, and the neighbour tables (measured: 79 B on the square lattice, 81 B
#: all-to-all, at 4 replicas).
BYTES_PER_UNIT = 96
#: The same for +-1 spins on a periodic hypercubic lattice, where the fast kernels run
#: (measured: 18 B in 2D at 4 replicas, 45 B in 3D at 2).
BYTES_PER_UNIT_FAST = 48
#: Couplings that are a dense matrix: the drawn or read matrix, its symmetric copy,
#: and the scaled one the compiled form keeps.
DENSE_COPIES = 3
DENSE_KINDS = ("dense", "hebbian", "bipartite", "random-bonds")
#: What the interpreter, NumPy and the compiled kernels take before any array.
BASELINE = 300 * 2**20


class MemoryLimit(ValueError):
    """The run would need more memory than is available (the message gives both)."""


def parse_bytes(text) -> int:
    """``"8G"``, ``"512M"``, ``"2.5GB"``, ``"1e9"`` or a number of bytes, as bytes.

    Raises
    ------
    ValueError
        For text that is not a positive amount.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([kKmMgGtT]?)(i?[bB])?\s*", str(text))
        if not m:
            raise ValueError(f"expected an amount of memory such as 8G or 512M, got {text!r}")
        try:
            number = float(m.group(1))
        except ValueError:
            raise ValueError(
                f"expected an amount of memory such as 8G or 512M, got {text!r}"
            ) from None
        value = number * 1024 ** "_KMGT".index(m.group(2).upper() or "_")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"an amount of memory must be positive, got {text!r}")
    return int(value)


def format_bytes(n: float) -> str:
    """``12.3 GB``: binary units, three significant digits."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1024 or unit == "PB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.3g} PB"  # pragma: no cover


def available_bytes() -> int | None:
    """Memory available to a new allocation on this machine: ``MemAvailable``, else the
    physical memory; None where neither can be read."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def units(model, params: dict) -> int:
    """The number of units of ``model`` at ``params``, from its couplings' shape."""
    n = 1
    for length in model.coupling.shape(params):
        n *= int(length)
    return n


def _fast_form(model, reference: bool) -> bool:
    c = model.coupling
    values = [float(v) for v in getattr(model.states, "values", ())]
    return (
        not reference
        and hasattr(c, "steps")
        and getattr(c, "periodic", False)
        and getattr(c, "kind", "") == "hypercubic"
        and values == [-1.0, 1.0]
    )


def simulation_bytes(
    model, params: dict, replicas: int, sweeps: int, every: int = 1, reference: bool = False
) -> dict:
    """The memory a simulation needs, by part, in bytes.

    Returns
    -------
    dict
        ``units`` (configurations and work arrays), ``couplings``, ``series``
        (the measurements), ``baseline`` and ``total``; ``n`` the number of units.
    """
    n = units(model, params)
    kind = getattr(model.coupling, "kind", "")
    per_unit = BYTES_PER_UNIT_FAST if _fast_form(model, reference) else BYTES_PER_UNIT
    out = {"n": n, "units": per_unit * n * int(replicas)}
    out["couplings"] = DENSE_COPIES * 8 * n * n if kind in DENSE_KINDS else 0
    out["series"] = 2 * 8 * int(replicas) * (int(sweeps) // int(every))
    out["baseline"] = BASELINE
    out["total"] = out["units"] + out["couplings"] + out["series"] + out["baseline"]
    return out


def _limit_option(spelling: str) -> str:
    """The memory-limit option as the caller writes it (a flag has a hyphen)."""
    return "--max-memory SIZE" if spelling == "flag" else "max_memory=SIZE"


def check_memory(
    model,
    params: dict,
    replicas: int,
    sweeps: int,
    every: int = 1,
    max_memory=None,
    reference: bool = False,
    spelling: str = "keyword",
) -> dict:
    """Refuse, before anything is allocated, a run that needs more memory than the
    limit: ``max_memory`` (bytes or text such as ``"8G"``), else what is available.
    ``spelling`` names the limit's option as the caller writes it
    (:func:`statmech.numeric.options.option`).

    Returns
    -------
    dict
        The estimate (:func:`simulation_bytes`) with ``limit`` and ``limit_source``.

    Raises
    ------
    MemoryLimit
        With the estimate, its largest part and the limit, in one sentence.
    """
    est = simulation_bytes(model, params, replicas, sweeps, every, reference)
    if max_memory is not None:
        limit, source = parse_bytes(max_memory), "the max_memory limit"
    else:
        limit, source = available_bytes(), "available"
    est["limit"], est["limit_source"] = limit, source
    if limit is None or est["total"] <= limit:
        return est
    parts = {
        "units": f"{replicas} replicas x {est['n']:.3g} units",
        "couplings": f"a {est['n']:.3g} x {est['n']:.3g} coupling matrix",
        "series": f"{replicas} x {sweeps // every:.3g} measurements",
    }
    largest = max(parts, key=lambda k: est[k])
    hint = {
        "units": "fewer replicas or a smaller system",
        "couplings": "a smaller system",
        "series": "fewer sweeps or a larger every",
    }[largest]
    what = "available" if max_memory is None else "allowed by the memory limit"
    raise MemoryLimit(
        f"this run needs about {format_bytes(est['total'])} of memory (mostly "
        f"{format_bytes(est[largest])} for {parts[largest]}), more than the "
        f"{format_bytes(limit)} {what}; use {hint}"
        + ("" if max_memory is not None else f", or set the limit ({_limit_option(spelling)})")
    )
