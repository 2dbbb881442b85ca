"""Benchmark: a statmech sweep on 1, 2 and 4 Dask workers against the serial loop.

    python3 benchmarks/sweep_scaling.py [--points 16] [--sweeps 5000] [--size 32]
                                         [--workers 1,2,4] [--json]

The work is ``statmech simulate ising2d L=32 T=... --sweeps 5000 --replicas 4`` at
``--points`` temperatures (one seed each).  The serial loop runs the same points'
command lines one after another in this process (what a shell loop over
``statmech simulate`` does, without its start-up); each sweep runs them on a fresh
LocalCluster (processes, one thread each; its start and the workers' imports are not
timed).  Every process is limited
to one numba thread, so a worker is one core's worth of work.

Prints a table: workers, wall time, speed-up over the serial loop, efficiency
(speed-up / workers), and the overhead per task, ``(workers x wall - serial) / points``:
the worker-seconds a task costs beyond its computation (scheduling, transfer, the
client's bookkeeping; and, with more workers than cores, the time they wait for one).
A last line times empty points (``exact ising1d N=2``) on one worker: the round trip.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # before numba loads, here and in the workers

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402

from statmech.sweeps import spec  # noqa: E402
from statmech.sweeps.runner import run  # noqa: E402
from statmech.sweeps.store import Results  # noqa: E402
from statmech.sweeps.task import run_point  # noqa: E402


def _serial(sweep) -> float:
    first = next(iter(sweep.indices()))
    run_point(sweep.argv(first), "warm-up")  # imports and compiled kernels loaded here
    t0 = time.perf_counter()
    for index in sweep.indices():
        rec = run_point(sweep.argv(index), sweep.key(index))
        assert rec["ok"], rec["message"]
    return time.perf_counter() - t0


def _on_cluster(sweep, workers: int) -> float:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        first = tuple(spec.Axis(a.name, a.values[:1]) for a in sweep.axes)
        warm = dataclasses.replace(sweep, axes=first, seeds=2 * workers)
        run(warm, Results(warm), client)  # imports and compiled kernels loaded in the workers
        results = Results(sweep)
        t0 = time.perf_counter()
        summary = run(sweep, results, client)
        wall = time.perf_counter() - t0
    assert summary["failed"] == 0 and results.done == sweep.size
    return wall


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=16, help="temperatures (tasks)")
    p.add_argument("--sweeps", type=int, default=5000, help="sweeps per point")
    p.add_argument("--size", type=int, default=32, help="lattice side L")
    p.add_argument("--workers", default="1,2,4", help="worker counts to time")
    p.add_argument("--empty", type=int, default=40, help="empty points for the round trip")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    opts = ["--sweeps", str(args.sweeps), "--replicas", "4"]
    sweep, _ = spec.parse(
        "simulate", ["ising2d", f"L={args.size}", f"T=2.0:2.6:{args.points}", *opts], {}
    )
    serial = _serial(sweep)
    rows = []
    for w in (int(x) for x in args.workers.split(",")):
        wall = _on_cluster(sweep, w)
        rows.append(
            {
                "workers": w,
                "wall_s": wall,
                "speedup": serial / wall,
                "efficiency": serial / wall / w,
                "overhead_ms_per_task": 1e3 * (w * wall - serial) / sweep.size,
            }
        )
    empty, _ = spec.parse("exact", ["ising1d", "N=2", f"T=1:2:{args.empty}"], {})
    empty_serial = _serial(empty)
    empty_wall = _on_cluster(empty, 1)
    round_trip = 1e3 * (empty_wall - empty_serial) / empty.size
    result = {
        "machine": machine(),
        "points": sweep.size,
        "point_command": " ".join(["statmech", *sweep.argv((0, 0))]),
        "serial_s": serial,
        "rows": rows,
        "empty_points": empty.size,
        "round_trip_ms": round_trip,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    m = result["machine"]
    print(f"{m['cpu']}, {m['cores']} cores, load average {m['load_average']}")
    print(f"{sweep.size} points: {result['point_command']}")
    print(f"serial loop: {serial:.2f} s ({serial / sweep.size * 1e3:.0f} ms per point)")
    print(f"{'workers':>8}{'wall s':>9}{'speed-up':>10}{'efficiency':>12}{'overhead/task':>15}")
    for r in rows:
        print(
            f"{r['workers']:>8}{r['wall_s']:>9.2f}{r['speedup']:>10.2f}{r['efficiency']:>12.2f}"
            f"{r['overhead_ms_per_task']:>12.0f} ms"
        )
    print(
        f"round trip of an empty point on one worker: {round_trip:.1f} ms "
        f"({empty.size} points of 'exact ising1d N=2': {empty_wall:.2f} s on the cluster, "
        f"{empty_serial:.2f} s in a loop)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
