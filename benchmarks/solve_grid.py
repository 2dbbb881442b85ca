"""Benchmark: every Curie-Weiss mean-field solution, with stability, on a million (T, h) points.

    python3 benchmarks/solve_grid.py [--points-per-axis 1000] [--repeat 3] [--backend numpy]

Prints a table: grid size, wall time (best of the repeats, the device synchronised),
points per second, how many points have one and three solutions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from statmech.derive.meanfield import mean_field_equations  # noqa: E402
from statmech.numeric.backend import get_backend, synchronize  # noqa: E402
from statmech.numeric.solve import DEFAULT_SAMPLES, solve_grid  # noqa: E402

from statmech import derive  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points-per-axis", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    p.add_argument("--backend", default="numpy")
    args = p.parse_args(argv)
    n = args.points_per_axis
    eq = mean_field_equations(derive.get_model("curie-weiss"))
    xp = get_backend(args.backend)
    T = xp.linspace(0.5, 1.5, n)[:, None]
    h = xp.linspace(-0.2, 0.2, n)[None, :]
    solve_grid(eq, {"T": T[:2], "J": 1.0, "h": h}, samples=args.samples, backend=args.backend)
    times, cpu = [], []
    for _ in range(args.repeat):
        synchronize(xp)
        c0 = time.process_time()
        t0 = time.perf_counter()
        sol = solve_grid(eq, {"T": T, "J": 1.0, "h": h}, samples=args.samples, backend=args.backend)
        synchronize(xp)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    best = min(times)
    counts = np.bincount(sol.count, minlength=4)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        ("grid points", f"{n * n:,}"),
        ("backend", args.backend),
        ("samples per point", str(args.samples)),
        ("CPU cores", str(os.cpu_count())),
        ("load average (1 min)", f"{load:.2f}"),
        (f"wall time, best of {args.repeat} [s]", f"{best:.3f}"),
        ("all runs [s]", ", ".join(f"{t:.3f}" for t in times)),
        ("CPU time of the best run, all threads [s]", f"{cpu[times.index(best)]:.3f}"),
        ("points per second", f"{n * n / best:,.0f}"),
        ("points with 1 solution", f"{counts[1]:,}"),
        ("points with 3 solutions", f"{counts[3]:,}"),
        ("solutions in all", f"{int(sol.count.sum()):,}"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
