"""Asynchronous Hopfield dynamics: unit updates per ns, batched against plain NumPy.

The batched dynamics (:func:`statmech.numeric.hopfield.dynamics.run`) updates one
unit of every state of a batch of ``networks x starts`` states at once, keeping the
overlaps :math:`M_\\mu` up to date (``O(P)`` per update).  The plain reference
(:func:`~statmech.numeric.hopfield.dynamics.run_plain`) forms the couplings and
updates one unit of one state at a time with a dot product of length ``N`` (``O(N)``
per update), timed in the same run on the same sizes.  Both run the T = 0
dynamics from random states with the same visiting orders for at most ``--sweeps``
sweeps (random states flip in their first sweeps, so few stop early); the rate
counts the unit updates of the sweeps made.  ``--backend cupy`` adds the batched dynamics on the GPU
(timed after synchronising the device).  The blocked dynamics
(:func:`~statmech.numeric.hopfield.dynamics.run_blocked`, the same T = 0 dynamics with
the fields of a block of units as one batched product) is timed beside the batched one
on each backend, in retrieval from cues at overlap 0.8 (few flips: its use).  A
backend that fails is reported on standard error and the exit status is then 1.

    python3 benchmarks/hopfield_dynamics.py [--N 1000 4000] [--alpha 0.1]
        [--batch 64 512] [--sweeps 2] [--backend numpy cupy] [--json]
"""

from __future__ import annotations

import argparse
import sys

from common import best_time, emit, machine


def batched_rate(backend: str, N: int, P: int, batch: int, sweeps: int, dtype: str) -> float:
    """Unit updates per ns of the batched dynamics (one network, ``batch`` starts)."""
    import numpy as np
    from statmech.numeric.backend import get_backend, synchronize
    from statmech.numeric.hopfield.dynamics import random_patterns, run

    xp = get_backend(backend)
    xi = random_patterns(1, P, N, seed=0, xp=xp).astype(dtype)
    s0 = random_patterns(1, batch, N, seed=1, xp=xp).astype(dtype)
    order = np.array([np.random.default_rng(k).permutation(N) for k in range(sweeps)])

    done = {}

    def go():
        done["sweeps"] = run(xi, s0, sweeps=sweeps, seed=2, order=order).sweeps
        synchronize(xp)

    go()  # warm up (CUDA kernels, caches)
    return done["sweeps"] * N * batch / best_time(go, repeats=3) * 1e-9


def blocked_rate(backend: str, N: int, P: int, batch: int, sweeps: int) -> float:
    """Unit updates per ns of the blocked T = 0 dynamics
    (:func:`~statmech.numeric.hopfield.dynamics.run_blocked`: the same dynamics, fields a
    block of units at a time) in its use, retrieval: from cues at overlap 0.8 with a
    stored pattern (a flip costs it a product, so random states, where half the units
    flip, are its worst case)."""
    import numpy as np
    from statmech.numeric.backend import get_backend, synchronize
    from statmech.numeric.hopfield.dynamics import corrupt, random_patterns, run_blocked

    xp = get_backend(backend)
    xi = random_patterns(1, P, N, seed=0, xp=xp, dtype=xp.int8)
    s0 = corrupt(xi, 0.8, batch, seed=1)
    order = np.array([np.random.default_rng(k).permutation(N) for k in range(sweeps)])
    done = {}

    def go():
        done["sweeps"] = run_blocked(xi, s0, sweeps=sweeps, seed=2, order=order).sweeps
        synchronize(xp)

    go()
    return done["sweeps"] * N * batch / best_time(go, repeats=3) * 1e-9


def plain_rate(N: int, P: int, sweeps: int) -> float:
    """Unit updates per ns of the plain NumPy dynamics (one state; the couplings are
    formed before the timing)."""
    import numpy as np
    from statmech.numeric.hopfield.dynamics import plain_couplings, plain_sweeps, random_patterns

    J = plain_couplings(random_patterns(1, P, N, seed=0)[0])
    s0 = random_patterns(1, 1, N, seed=1)[0, 0]
    order = np.array([np.random.default_rng(k).permutation(N) for k in range(sweeps)])
    count = {}

    def go():
        done, s = 0, s0
        for sweep in order:  # one sweep at a time, to count the sweeps made
            new = plain_sweeps(J, s, sweep[None, :])
            done += N
            if np.array_equal(new, s):
                break
            s = new
        count["n"] = done

    t = best_time(go, repeats=3)
    return count["n"] / t * 1e-9


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--N", type=int, nargs="+", default=[1000, 4000], help="units")
    ap.add_argument("--alpha", type=float, default=0.1, help="load P/N (default 0.1)")
    ap.add_argument("--batch", type=int, nargs="+", default=[64, 512], help="states at once")
    ap.add_argument("--sweeps", type=int, default=2, help="sweeps per timing (default 2)")
    ap.add_argument("--backend", nargs="+", default=["numpy"], choices=["numpy", "cupy"])
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows, table, failed = [], [], False
    for N in args.N:
        P = max(1, round(args.alpha * N))
        plain = plain_rate(N, P, args.sweeps)
        rows.append({"method": "plain numpy", "N": N, "P": P, "batch": 1, "updates_per_ns": plain})
        table.append(["plain numpy", N, P, 1, f"{plain:.3g}", "1"])
        for backend in args.backend:
            for batch in args.batch:
                try:
                    r = batched_rate(backend, N, P, batch, args.sweeps, args.dtype)
                except Exception as exc:  # a missing GPU must not hide the other numbers
                    print(f"{backend} N={N} batch {batch}: failed: {exc}", file=sys.stderr)
                    failed = True
                    continue
                rows.append(
                    {
                        "method": f"batched {backend}",
                        "N": N,
                        "P": P,
                        "batch": batch,
                        "dtype": args.dtype,
                        "updates_per_ns": r,
                        "speedup_over_plain": r / plain,
                    }
                )
                table.append([f"batched {backend}", N, P, batch, f"{r:.3g}", f"{r / plain:.3g}"])
                try:
                    b = blocked_rate(backend, N, P, batch, args.sweeps)
                except Exception as exc:
                    print(f"{backend} N={N} batch {batch} blocked: failed: {exc}", file=sys.stderr)
                    failed = True
                    continue
                rows.append(
                    {
                        "method": f"blocked {backend} (cues m0 = 0.8)",
                        "N": N,
                        "P": P,
                        "batch": batch,
                        "dtype": "float32",
                        "updates_per_ns": b,
                        "speedup_over_plain": b / plain,
                    }
                )
                table.append(
                    [f"blocked {backend} (cues)", N, P, batch, f"{b:.3g}", f"{b / plain:.3g}"]
                )
    header = ["method", "N", "P", "batch", "updates/ns", "x plain"]
    emit({"machine": machine(), "results": rows}, table, header, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
