"""Batched reverse-diffusion steps per second with the exact score.

One step of the reverse SDE for a batch of ``B`` trajectories with the exact
score of ``P`` training points in ``d`` dimensions
(:mod:`statmech.numeric.associative.diffusion`): two matrix products of
``B x d`` by ``d x P``, a softmax over ``P``, and the noise.  Reported as steps per
second of the whole batch and as trajectory-steps per second (``B`` times that),
on NumPy and, with ``--backend cupy`` on a machine with a GPU, on CuPy (timed
after synchronising the device).  A backend that fails is reported on standard
error and the exit status is then 1.

    python3 benchmarks/diffusion_steps.py [--P 10000] [--d 64] [--batch 256 1024]
                                          [--backend numpy cupy] [--dtype float64] [--json]
"""

from __future__ import annotations

import argparse
import sys

from common import best_time, emit, machine


def rate(backend: str, P: int, d: int, batch: int, dtype: str, steps: int) -> float:
    from statmech.numeric.associative.diffusion import reverse
    from statmech.numeric.backend import get_backend, synchronize

    xp = get_backend(backend)
    rng = xp.random.default_rng(0)
    patterns = rng.standard_normal((P, d)).astype(dtype)

    def run():
        reverse(patterns, batch, steps=steps, t_max=6.0, t_min=1e-3, seed=1)
        synchronize(xp)

    run()  # warm up (CUDA kernels, caches)
    return steps / best_time(run, repeats=3)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--P", type=int, default=10_000, help="training points (default 10^4)")
    ap.add_argument("--d", type=int, default=64, help="dimension (default 64)")
    ap.add_argument("--batch", type=int, nargs="+", default=[256, 1024], help="trajectories")
    ap.add_argument("--steps", type=int, default=20, help="steps per timing (default 20)")
    ap.add_argument("--backend", nargs="+", default=["numpy"], choices=["numpy", "cupy"])
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows, table, failed = [], [], False
    for backend in args.backend:
        for batch in args.batch:
            try:
                r = rate(backend, args.P, args.d, batch, args.dtype, args.steps)
            except Exception as exc:  # a missing GPU must not hide the other numbers
                print(f"{backend} batch {batch}: failed: {exc}", file=sys.stderr)
                failed = True
                continue
            rows.append(
                {
                    "backend": backend,
                    "P": args.P,
                    "d": args.d,
                    "batch": batch,
                    "dtype": args.dtype,
                    "steps_per_second": r,
                    "trajectory_steps_per_second": r * batch,
                }
            )
            table.append(
                [backend, args.P, args.d, batch, args.dtype, f"{r:.3g}", f"{r * batch:.3g}"]
            )
    header = ["backend", "P", "d", "batch", "dtype", "steps/s", "trajectory-steps/s"]
    emit({"machine": machine(), "results": rows}, table, header, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
