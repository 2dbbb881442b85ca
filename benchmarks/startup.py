"""Wall time of whole ``statmech`` processes, where the user waits: start-up included.

Each case runs ``python -m statmech ...`` in a fresh process and prints the
median (and the smallest and largest) wall time of ``--repeats`` runs:

- ``--help``, ``exact ising2d L=16 T=2.5`` and ``solve curie-weiss T=0.5``:
  start-up, argument parsing and a small computation;
- ``simulate ising2d L=64 T=2.269 --sweeps 10`` on warm caches (the numba
  kernels and the model's card of :mod:`statmech.model_card` that the user's
  runs fill; one untimed run first), on a warm numba cache without the model's
  card (removed before each run: the model is built with SymPy, and its card
  written), and on a cold cache (a new, empty cache folder for every run:
  ``XDG_CACHE_HOME`` and ``NUMBA_CACHE_DIR`` both point into it).  Ten sweeps
  after 100 of thermalisation, 16 replicas of 64 x 64, take a few tens of
  milliseconds, so this is the time to the first sweep, give or take that.

Every case is run once untimed first, so that Python's bytecode is cached as it
is for an installed package (``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment unless ``--no-bytecode``).  The machine and its load
average are printed too: on a shared machine the wall times move with the load,
so the median CPU time (user + system) of the runs is given beside them.

    python3 benchmarks/startup.py [--repeats 5] [--cold-repeats 5] [--no-cold] [--json]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CASES = (
    ("--help", ["--help"]),
    ("exact ising2d L=16 T=2.5", ["exact", "ising2d", "L=16", "T=2.5"]),
    ("solve curie-weiss T=0.5", ["solve", "curie-weiss", "T=0.5"]),
)
SIMULATE = ["simulate", "ising2d", "L=64", "T=2.269", "--sweeps", "10"]


def _env(bytecode: bool, cache_home: str, numba_dir: str | None = None) -> dict:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_CACHE_HOME"] = cache_home
    env.pop("NUMBA_CACHE_DIR", None)
    if numba_dir is not None:
        env["NUMBA_CACHE_DIR"] = numba_dir
    return env


def wall(argv: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one ``python -m statmech ARGV`` process (it
    must succeed)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "statmech", *argv],
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"statmech {' '.join(argv)} failed: {proc.stderr.strip()[-400:]}")
    return dt, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def summary(runs: list[tuple[float, float]]) -> dict:
    times = [w for w, _ in runs]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "cpu_median": statistics.median(c for _, c in runs),
        "n": len(times),
    }


def run_cases(repeats: int, cold_repeats: int, bytecode: bool) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="statmech-startup-") as tmp:
        warm_home = os.path.join(tmp, "warm")
        os.makedirs(warm_home)
        for name, argv in CASES:
            env = _env(bytecode, warm_home)
            wall(argv, env)  # untimed: bytecode written
            results[name] = summary([wall(argv, env) for _ in range(repeats)])
        env = _env(bytecode, warm_home)
        wall(SIMULATE, env)  # untimed: the cache filled
        results["simulate ising2d L=64, 10 sweeps (warm caches)"] = summary(
            [wall(SIMULATE, env) for _ in range(repeats)]
        )
        cards = os.path.join(warm_home, "statmech", "models")
        times = []
        for _ in range(repeats):
            shutil.rmtree(cards, ignore_errors=True)  # the model built with SymPy again
            times.append(wall(SIMULATE, env))
        results["simulate ising2d L=64, 10 sweeps (warm numba cache, no model card)"] = summary(
            times
        )
        if cold_repeats:
            times = []
            for i in range(cold_repeats):
                home = os.path.join(tmp, f"cold{i}")
                os.makedirs(home)
                numba_dir = os.path.join(home, "statmech", "numba")
                times.append(wall(SIMULATE, _env(bytecode, home, numba_dir)))
                shutil.rmtree(home, ignore_errors=True)
            results["simulate ising2d L=64, 10 sweeps (cold numba cache)"] = summary(times)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per case (default 5)")
    ap.add_argument(
        "--cold-repeats", type=int, default=5, help="cold-cache simulate runs (default 5)"
    )
    ap.add_argument("--no-cold", action="store_true", help="leave the cold-cache case out")
    ap.add_argument(
        "--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is"
    )
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = run_cases(
        args.repeats, 0 if args.no_cold else args.cold_repeats, not args.no_bytecode
    )
    if args.json:
        import json

        print(
            json.dumps({"cores": os.cpu_count(), "load_average": load, "cases": results}, indent=2)
        )
        return 0
    print(f"{os.cpu_count()} cores, load average at start {load}")
    width = max(len(k) for k in results)
    head = f"{'case':<{width}}  {'median s':>9}  {'min s':>7}  {'max s':>7}  {'cpu s':>6}  runs"
    print(head)
    for name, r in results.items():
        print(
            f"{name:<{width}}  {r['median']:>9.2f}  {r['min']:>7.2f}  {r['max']:>7.2f}  "
            f"{r['cpu_median']:>6.2f}  {r['n']:>4}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
