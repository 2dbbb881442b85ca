"""Helpers shared by the benchmark scripts: timing, machine description, output."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

T_C = 2.0 / __import__("math").log(1.0 + 2.0**0.5)  # square-lattice critical temperature
#: Simple cubic lattice critical temperature, quoted: K_c = 0.221654626(5), Ferrenberg,
#: Xu and Landau, Phys. Rev. E 97, 043301 (2018) (Monte Carlo; no closed form exists).
T_C3 = 1.0 / 0.221654626
#: The temperature each benchmark model is run at: its critical point.
CRITICAL_T = {"ising2d": T_C, "ising3d": T_C3}


def machine() -> dict:
    """What the numbers were measured on (CPU, cores, numba threads, load)."""
    import numba
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "numba_threading_layer": _threading_layer(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _threading_layer():
    import numba

    try:
        return numba.threading_layer()
    except ValueError:
        return "not started"


def best_time(fn, repeats: int = 3, min_time: float = 0.2) -> float:
    """Smallest wall time of ``fn()`` over ``repeats`` runs (each at least once)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        if best > 10 * min_time:
            break
    return best


def emit(result: dict, table: list[list[str]], header: list[str], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in table:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    m = result.get("machine", {})
    print(
        f"\n{m.get('cpu')} ({m.get('cores')} cores, numba threads {m.get('numba_threads')}, "
        f"load average {m.get('load_average')})"
    )
