"""Attempted spin flips per nanosecond of the checkerboard samplers, beside plain NumPy.

The reference is :func:`numeric.fast.reference.plain_checkerboard_sweep`: NumPy as
usually written (colour masks over the full lattice, ``np.roll`` neighbour sums,
an ``exp`` and a float64 uniform per site), timed in the same run on the same
machine.  Each model at its critical temperature (``common.CRITICAL_T``; the
cubic one quoted); ``--backend cupy`` adds the CUDA kernel
(on a machine with a GPU), timed after synchronising the device.  Above
``--reference-max-sites`` the reference is not run: its column reads ``-`` (``null``
in the JSON) and so does the ratio.

A case that fails (no GPU, a CUDA error, ...) is reported on standard error and the
others still run, but the exit status is then 1; a combination without a fast path
(e.g. the cubic lattice on CuPy) is reported and skipped, with exit status 0.

    python3 benchmarks/throughput.py [--sizes 256 1024] [--batched 32 1024] [--cubic 64]
                                     [--backend numpy cupy] [--json]
"""

from __future__ import annotations

import argparse
import sys

from common import CRITICAL_T, T_C, best_time, emit, machine


def fast_rate(model, shape, algorithm, replicas, backend, seconds):
    from statmech.numeric.backend import get_backend, synchronize
    from statmech.numeric.fast import make_fast_sampler

    s = make_fast_sampler(
        model, shape, CRITICAL_T[model], algorithm=algorithm, replicas=replicas, backend=backend
    )
    xp = get_backend(backend)
    st = s.step(s.init(seed=1), 2)  # compile / warm up
    synchronize(xp)
    probe = best_time(lambda: (s.step(st, 2), synchronize(xp)), repeats=1)
    sweeps = max(2, int(seconds / max(probe / 2, 1e-9)))

    def run():
        s.step(st, sweeps)
        synchronize(xp)

    t = best_time(run, repeats=3)
    return sweeps * s.attempted_flips_per_sweep / t / 1e9


def plain_rate(shape, algorithm, replicas, seconds, T=T_C):
    import numpy as np
    from statmech.numeric.fast.reference import plain_checkerboard_sweep

    rng = np.random.default_rng(1)
    spins = np.where(rng.random((replicas, *shape)) < 0.5, 1, -1).astype(np.int8)
    plain_checkerboard_sweep(spins, T, 1.0, 0.0, algorithm, rng)
    probe = best_time(lambda: plain_checkerboard_sweep(spins, T, 1.0, 0.0, algorithm, rng), 1)
    sweeps = max(1, int(seconds / probe))

    def run():
        for _ in range(sweeps):
            plain_checkerboard_sweep(spins, T, 1.0, 0.0, algorithm, rng)

    t = best_time(run, repeats=2)
    return sweeps * replicas * int(np.prod(shape)) / t / 1e9


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[64, 256, 1024, 2048])
    p.add_argument("--algorithms", nargs="+", default=["metropolis", "heat-bath"])
    p.add_argument("--backend", nargs="+", default=["numpy"], choices=["numpy", "cupy"])
    p.add_argument(
        "--batched",
        type=int,
        nargs=2,
        metavar=("L", "REPLICAS"),
        action="append",
        help="also time REPLICAS replicas of an L x L lattice (repeatable)",
    )
    p.add_argument(
        "--cubic", type=int, nargs="*", default=[64], help="3D sizes for the neighbour-table kernel"
    )
    p.add_argument("--seconds", type=float, default=0.5, help="time per measurement")
    p.add_argument(
        "--reference-max-sites",
        type=int,
        default=1 << 24,
        help="skip the plain NumPy reference above this many sites",
    )
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    cases = [("ising2d", (L, L), 1) for L in args.sizes]
    cases += [("ising2d", (L, L), R) for L, R in (args.batched or [])]
    cases += [("ising3d", (L, L, L), 1) for L in args.cubic]
    rows, table, failed = [], [], []
    for model, shape, R in cases:
        for alg in args.algorithms:
            sites = R * int(__import__("numpy").prod(shape))
            ref = (
                plain_rate(shape, alg, R, args.seconds, CRITICAL_T[model])
                if sites <= args.reference_max_sites
                else None
            )
            for backend in args.backend:
                case = f"{backend} {model} {'x'.join(map(str, shape))} x {R} {alg}"
                try:
                    rate = fast_rate(model, shape, alg, R, backend, args.seconds)
                except NotImplementedError as exc:  # no fast path for this combination
                    print(f"# skipped {case}: {exc}", file=sys.stderr)
                    continue
                except Exception as exc:  # report, carry on, and fail at the end
                    print(f"# FAILED {case}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    failed.append(case)
                    continue
                speedup = rate / ref if ref else None
                row = {
                    "model": model,
                    "shape": list(shape),
                    "replicas": R,
                    "algorithm": alg,
                    "backend": backend,
                    "flips_per_ns": rate,
                    "plain_numpy_flips_per_ns": ref,
                    "speedup": speedup,
                }
                rows.append(row)
                table.append(
                    [
                        model,
                        "x".join(map(str, shape)),
                        R,
                        alg,
                        backend,
                        f"{rate:.3f}",
                        "-" if ref is None else f"{ref:.4f}",
                        "-" if speedup is None else f"{speedup:.0f}x",
                    ]
                )
    header = [
        "model",
        "shape",
        "replicas",
        "algorithm",
        "backend",
        "flips/ns",
        "plain NumPy",
        "ratio",
    ]
    result = {"benchmark": "throughput", "T": T_C, "machine": machine(), "rows": rows}
    result["T_by_model"] = CRITICAL_T
    result["failed"] = failed
    emit(result, table, header, args.json)
    if failed:
        print(f"# throughput: {len(failed)} case(s) failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
