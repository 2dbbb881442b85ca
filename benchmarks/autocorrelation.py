"""Independent samples of |m| per second for each algorithm, at the critical point.

For each algorithm the square-lattice Ising model at ``T_c`` is first brought to
equilibrium with Wolff clusters (exact for every algorithm, since all of them
leave the Boltzmann distribution invariant), then ``|m|`` is recorded after
every sweep of every replica, and the integrated autocorrelation time
``tau_int`` (in sweeps) comes from :func:`numeric.stats.integrated_time`
(Sokal's self-consistent window, averaged over replicas).  The speed comes from
a separate timed run of uninterrupted sweeps, so

    independent samples / s = replicas * sweeps per second / (2 tau_int).

Single-spin updates run ``--replicas`` replicas at once; cluster updates run
``--cluster-replicas`` (one per core).  A Wolff sweep is a fixed number of
clusters flipping about L^2 spins on average.

    python3 benchmarks/autocorrelation.py [--L 128] [--json] [--quick]
        [--algorithms metropolis wolff] [--sweeps metropolis=150000 wolff=5000]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from common import T_C, best_time, emit, machine

RUN_SWEEPS = {"metropolis": 60_000, "heat-bath": 60_000, "wolff": 20_000, "swendsen-wang": 20_000}


def equilibrated(sampler, seed):
    """A state of ``sampler`` whose spins were equilibrated by Wolff clusters."""
    from statmech.numeric.fast import make_fast_sampler

    w = make_fast_sampler(
        "ising2d", sampler.shape, sampler.T, algorithm="wolff", replicas=sampler.replicas
    )
    ws = w.step(w.init(seed), 200)
    d = sampler.state_dict(sampler.init(seed))
    d["spins"] = np.asarray(w.configuration(ws))
    return sampler.load_state_dict(d)


def measure(algorithm, L, replicas, sweeps, seed=1, seconds=1.0):
    from statmech.numeric.fast import make_fast_sampler
    from statmech.numeric.stats import integrated_time

    s = make_fast_sampler("ising2d", (L, L), T_C, algorithm=algorithm, replicas=replicas)
    st = equilibrated(s, seed)
    # speed: uninterrupted sweeps
    s.step(st, 2)
    probe = best_time(lambda: s.step(st, 4), repeats=1) / 4
    chunk = max(4, int(seconds / probe))
    t_sweep = best_time(lambda: s.step(st, chunk), repeats=3) / chunk
    # autocorrelation: |m| after every sweep
    series = np.empty((sweeps, replicas))
    t0 = time.perf_counter()
    for k in range(sweeps):
        s.step(st, 1)
        series[k] = np.abs(np.asarray(st.spins).reshape(replicas, -1).sum(1, dtype=np.int64))
    elapsed = time.perf_counter() - t0
    series /= L * L
    tau, _ = integrated_time(series.T)
    rate = replicas / t_sweep
    return {
        "algorithm": algorithm,
        "L": L,
        "replicas": replicas,
        "sweeps": sweeps,
        "tau_int_sweeps": tau,
        "seconds_per_sweep": t_sweep,
        "replica_sweeps_per_second": rate,
        "independent_samples_per_second": rate / (2 * tau),
        "mean_abs_m": float(series.mean()),
        "flips_per_ns": s.attempted_flips_per_sweep / t_sweep / 1e9,
        "series_seconds": elapsed,
        "run_over_tau": sweeps / tau,
        "clusters_per_sweep": getattr(s, "clusters_per_sweep", None),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--L", type=int, default=128)
    p.add_argument("--replicas", type=int, default=16)
    p.add_argument("--cluster-replicas", type=int, default=2)
    p.add_argument("--algorithms", nargs="+", default=list(RUN_SWEEPS))
    p.add_argument("--quick", action="store_true", help="10x shorter runs (rough tau)")
    p.add_argument(
        "--sweeps",
        nargs="+",
        default=[],
        metavar="ALG=N",
        help="measured sweeps per algorithm, e.g. metropolis=150000",
    )
    p.add_argument("--seconds", type=float, default=1.0, help="time per speed measurement")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    run_sweeps = dict(RUN_SWEEPS)
    for item in args.sweeps:
        name, _, count = item.partition("=")
        run_sweeps[name] = int(count)
    rows = []
    for alg in args.algorithms:
        cluster = alg in ("wolff", "swendsen-wang")
        R = args.cluster_replicas if cluster else args.replicas
        sweeps = run_sweeps[alg] // (10 if args.quick else 1)
        rows.append(measure(alg, args.L, R, sweeps, seconds=args.seconds))
    best_local = max(
        (r for r in rows if r["algorithm"] in ("metropolis", "heat-bath")),
        key=lambda r: r["independent_samples_per_second"],
        default=None,
    )
    table = []
    for r in rows:
        gain = (
            r["independent_samples_per_second"] / best_local["independent_samples_per_second"]
            if best_local
            else float("nan")
        )
        r["gain_over_best_checkerboard"] = gain
        table.append(
            [
                r["algorithm"],
                r["L"],
                r["replicas"],
                r["sweeps"],
                f"{r['tau_int_sweeps']:.2f}",
                f"{1e3 * r['seconds_per_sweep']:.3f}",
                f"{r['independent_samples_per_second']:.1f}",
                f"{gain:.1f}x",
                f"{r['mean_abs_m']:.4f}",
            ]
        )
    header = [
        "algorithm",
        "L",
        "replicas",
        "sweeps",
        "tau_int",
        "ms/sweep",
        "indep./s",
        "vs best local",
        "<|m|>",
    ]
    emit(
        {"benchmark": "autocorrelation", "T": T_C, "machine": machine(), "rows": rows},
        table,
        header,
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
