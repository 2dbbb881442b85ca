"""Parallel-tempering throughput for spin glasses: spin updates per ns and swaps per second.

The batched PT of :func:`statmech.numeric.spin_glass.parallel_tempering` (samples x two
real replicas x temperatures in one array; SK by sequential sweeps with incremental
fields, compiled with numba on the CPU and array steps per site on CuPy; 3D EA compiled
on the CPU, each sample on a thread, and by checkerboard array steps on CuPy, the row
"arr" that array loop on NumPy) beside a plain NumPy PT timed in the same run: one chain
at a time, one site at a time, its local field a dot product (SK) or a neighbour sum
(EA), swaps by a Python loop over the pairs.

    python benchmarks/pt_throughput.py [--backend cupy] [--json]

A spin update is one attempted Metropolis flip; swaps per second counts attempted
neighbouring-temperature exchanges.  Measurement of observables is off in both.
"""

from __future__ import annotations

import argparse
import json
import time

import common  # noqa: F401  (puts the checkout on sys.path)
import numpy as np
from statmech.numeric import spin_glass as sg

TEMPERATURES = 16
REPLICAS = 2


def plain_pt(k, temps, sweeps, seed=0, lattice=False):
    """The plain NumPy PT: every chain, every site, one at a time."""
    rng = np.random.default_rng(seed)
    n, nt = k.shape[0], len(temps)
    beta = 1.0 / np.asarray(temps)
    if lattice:
        nb, w = sg.neighbour_table(k)
    chains = [rng.choice([-1.0, 1.0], n) for _ in range(REPLICAS * nt)]
    swaps = 0
    for sweep in range(sweeps):
        for c, s in enumerate(chains):
            b = beta[c % nt]
            for i in range(n):
                field = w[i] @ s[nb[i]] if lattice else k[i] @ s
                de = 2.0 * s[i] * field
                if de <= 0 or rng.random() < np.exp(-b * de):
                    s[i] = -s[i]
        for r in range(REPLICAS):
            for t in range(sweep % 2, nt - 1, 2):
                a, c = r * nt + t, r * nt + t + 1
                ea = -0.5 * chains[a] @ k @ chains[a]
                ec = -0.5 * chains[c] @ k @ chains[c]
                swaps += 1
                if rng.random() < np.exp(min(0.0, (beta[t] - beta[t + 1]) * (ea - ec))):
                    chains[a], chains[c] = chains[c], chains[a]
    return swaps


def case(name, k, lattice, sweeps, plain_sweeps, compiled=None, backend="numpy"):
    # k: one coupling matrix or a list of disorder samples, batched together; the plain
    # PT runs one chain at a time, so its rate is measured on the first sample alone
    temps = np.geomspace(0.4 if not lattice else 0.9, 2.0, TEMPERATURES)
    ks = k if isinstance(k, list) else [k]
    k = ks[0]
    n = k.shape[0]
    row = {"case": name, "N": n, "samples": len(ks), "temperatures": TEMPERATURES}
    row["replicas"] = REPLICAS
    if compiled is not None and backend != "numpy":
        compiled = False  # the compiled lattice loop is the CPU's
    opts = {"measure": False, "backend": backend, "compiled": compiled, "thermalization": 0}
    sg.parallel_tempering(ks, temps, sweeps=1, **opts)
    t0 = time.perf_counter()
    sg.parallel_tempering(ks, temps, sweeps=sweeps, **opts)
    dt = time.perf_counter() - t0
    updates = len(ks) * REPLICAS * TEMPERATURES * n * sweeps
    swaps = (
        len(ks)
        * REPLICAS
        * sum(len(range(p % 2, TEMPERATURES - 1, 2)) for p in range(1, sweeps + 1))
    )
    row.update(
        {
            "batched_sweeps": sweeps,
            "batched_updates_per_ns": updates / dt / 1e9,
            "batched_swaps_per_s": swaps / dt,
        }
    )
    t0 = time.perf_counter()
    nswaps = plain_pt(k, temps, plain_sweeps, lattice=lattice)
    dt = time.perf_counter() - t0
    row.update(
        {
            "plain_sweeps": plain_sweeps,
            "plain_updates_per_ns": REPLICAS * TEMPERATURES * n * plain_sweeps / dt / 1e9,
            "plain_swaps_per_s": nswaps / dt,
        }
    )
    row["speedup"] = row["batched_updates_per_ns"] / row["plain_updates_per_ns"]
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", default="numpy")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="fewer sweeps (a smoke test)")
    a = p.parse_args(argv)
    q = a.quick
    cases = [
        ("SK N=256", sg.model_couplings("sk", {"N": 256}, 0), False, 4 if q else 20, 1),
        ("SK N=1024", sg.model_couplings("sk", {"N": 1024}, 0), False, 2 if q else 5, 1),
        (
            "SK N=256 x16",
            [sg.model_couplings("sk", {"N": 256}, s) for s in range(16)],
            False,
            2 if q else 10,
            1,
        ),
        ("EA3D L=16", sg.model_couplings("ea", {"L": 16}, 0), True, 4 if q else 400, 1),
        (
            "EA3D L=16 arr",
            sg.model_couplings("ea", {"L": 16}, 0),
            True,
            4 if q else 20,
            1,
            False,
        ),
        (
            "EA3D L=8 x64",
            [sg.model_couplings("ea", {"L": 8}, s) for s in range(64)],
            True,
            4 if q else 400,
            1,
        ),
    ]
    rows = [case(*c, backend=a.backend) for c in cases]
    out = {"machine": common.machine(), "backend": a.backend, "rows": rows}
    if a.json:
        print(json.dumps(out, indent=1))
        return 0
    print(
        f"backend {a.backend}; {TEMPERATURES} temperatures x {REPLICAS} replicas (x16: 16 samples)"
    )
    print(
        f"{'case':14s} {'batched upd/ns':>15s} {'swaps/s':>10s} {'plain upd/ns':>13s} "
        f"{'swaps/s':>10s} {'speedup':>8s}"
    )
    for r in rows:
        print(
            f"{r['case']:14s} {r['batched_updates_per_ns']:15.4f} {r['batched_swaps_per_s']:10.1f} "
            f"{r['plain_updates_per_ns']:13.6f} {r['plain_swaps_per_s']:10.1f} "
            f"{r['speedup']:8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
