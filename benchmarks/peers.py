"""statmech beside its peers, mcising and peapods, on the same cases in one run.

Installs nothing: a peer that does not import is reported as missing and its
column reads ``-``.  Every case runs at the square-lattice critical temperature,
one thread for NumPy and BLAS (``OMP_NUM_THREADS=1`` etc., set before NumPy is
imported); numba and the peers keep their own threads (printed with the table).

Cases (the table of the "fast where the user waits" issue):

* **Metropolis, flips/ns**: attempted spin flips per nanosecond, one L x L
  lattice, the energy and magnetisation measured after every sweep and kept as
  a time series: statmech ``sampler.sample`` (measured inside the compiled loop),
  mcising ``IsingSimulation.production_sweeps(n, 1)``, peapods
  ``Ising.sample`` (its sweeps accumulate E, E^2, m^2, m^4 every sweep).
* **Metropolis, multi-spin coded**: 64 replicas in the bits of a word
  (:mod:`statmech.numeric.fast.multispin`, its own random stream), E and m of each
  every sweep, against the same one-lattice peer rates.
* **simulate, whole process**: wall time of a fresh process running 10^4
  measurement sweeps (and 2000 discarded) of one 64 x 64 lattice, start-up
  included: ``statmech simulate ising2d L=64 T=T_c --replicas 1`` against
  ``mcising run -L 64 --interval 1`` (no configurations stored).
* **Wolff / Swendsen-Wang, independent samples/s**: ``replicas x measurements
  per second / (2 tau_int)``, with ``tau_int`` the larger of those of the
  energy and ``|m|`` (:func:`statmech.numeric.stats.integrated_time`), after 500
  sweeps from an ordered start (from a random one, a fixed number of clusters per
  sweep relaxes slowly: the first clusters are small).  statmech measures after
  every sweep (a Wolff sweep is ``clusters_per_sweep`` clusters); mcising after
  the same number of clusters (its "sweep" is one cluster) or every
  Swendsen-Wang sweep.  The statmech row
  with 16 replicas spreads them over the threads.

Every rate is the best of three timings (three consecutive parts of a cluster
series, whose ``tau_int`` comes from the whole), so that a moment when the
machine is busier counts less.  Ratios are statmech / peer (above 1: statmech is
faster).

    python3 benchmarks/peers.py [--quick] [--json] [--sizes 64 256 1024]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from common import T_C, best_time, emit, machine  # noqa: E402

PEERS = ("mcising", "peapods")
#: Timed repeats (or parts of a series): the fastest counts, as the others met a busier machine.
REPEATS = 3


def peer(name):
    """The module ``name`` if it imports, else None."""
    try:
        return __import__(name)
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return None


def _sweeps_for(sites, seconds, rate=0.2):
    """Sweeps that take about ``seconds`` at ``rate`` flips/ns (at least 20)."""
    return max(20, int(seconds * rate * 1e9 / sites))


# -- Metropolis with E and m every sweep --------------------------------------------


def statmech_metropolis(L, seconds):
    from statmech.numeric.fast import make_fast_sampler

    s = make_fast_sampler("ising2d", (L, L), T_C, algorithm="metropolis")
    st = s.init(1)
    n = _sweeps_for(L * L, seconds)
    e, m = np.empty((1, n)), np.empty((1, n))
    s.sample(st, 1, 20, e, m)  # compile or load the kernels, warm up
    return n * L * L / best_time(lambda: s.sample(st, 1, n, e, m), REPEATS) / 1e9


def statmech_multispin(L, seconds):
    """64 replicas in the bits of a word (numeric.fast.multispin), E and m every sweep."""
    from statmech.numeric.fast.multispin import LANES, MultiSpin2D, run_measured

    ms = MultiSpin2D(L, T_C)
    words, key = ms.start(1)
    n = _sweeps_for(LANES * L * L, seconds, 1.0)
    b = np.empty((LANES, n), dtype=np.int64)
    m = np.empty((LANES, n), dtype=np.int64)
    run_measured(words, key, 0, 1, 2, ms.t, b, m)
    sweep = [2]

    def run():
        run_measured(words, key, sweep[0], 1, n, ms.t, b, m)
        sweep[0] += n

    return n * LANES * L * L / best_time(run, REPEATS) / 1e9


def mcising_metropolis(L, seconds):
    from mcising import IsingSimulation

    sim = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, 1, "metropolis", "square")
    n = _sweeps_for(L * L, seconds, 0.1)
    sim.production_sweeps(20, 1, temperature=T_C, store_configs=False)

    def run():
        assert len(sim.production_sweeps(n, 1, temperature=T_C, store_configs=False)["energies"])

    return n * L * L / best_time(run, REPEATS) / 1e9


def peapods_metropolis(L, seconds):
    from peapods import Ising

    model = Ising((L, L), temperatures=np.array([T_C]))
    n = _sweeps_for(L * L, seconds, 0.04)
    model.sample(n_sweeps=20, warmup_ratio=0.0)
    return n * L * L / best_time(lambda: model.sample(n_sweeps=n, warmup_ratio=0.0), REPEATS) / 1e9


# -- whole process --------------------------------------------------------------------


def _wall(cmd, cwd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip()[-300:]}")
    return wall


def process_walls(L, sweeps, therm, repeats, with_mcising=True):
    """Best wall time of each program's process (after one untimed run, so warm caches)."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {
            "statmech": [
                sys.executable,
                "-m",
                "statmech",
                "simulate",
                "ising2d",
                f"L={L}",
                f"T={T_C!r}",
                "--replicas",
                "1",
                "--sweeps",
                str(sweeps),
                "--thermalize",
                str(therm),
                "--json",
            ],
        }
        exe = shutil.which("mcising")
        if exe and with_mcising:
            cmds["mcising"] = [
                exe,
                "run",
                "-L",
                str(L),
                "-T",
                repr(T_C),
                "--sweeps",
                str(sweeps),
                "--therm",
                str(therm),
                "--interval",
                "1",
                "--no-store-configs",
                "-o",
                os.path.join(tmp, "mcising.h5"),
            ]
        for name, cmd in cmds.items():
            _wall(cmd, tmp)  # warm: numba's cache, the page cache
            out[name] = min(_wall(cmd, tmp) for _ in range(repeats))
    return out


# -- cluster updates: independent samples per second -------------------------------


def _tau(e, absm):
    from statmech.numeric.stats import integrated_time

    return max(integrated_time(e)[0], integrated_time(absm)[0])


def statmech_cluster(algorithm, L, replicas, measurements):
    from statmech.numeric.fast import make_fast_sampler

    s = make_fast_sampler("ising2d", (L, L), T_C, algorithm=algorithm, replicas=replicas)
    d = s.state_dict(s.init(1))
    d["spins"] = np.ones_like(d["spins"])  # ordered: at T_c clusters relax it fast
    st = s.load_state_dict(d)
    s.step(st, 500)  # equilibrate (and compile or load the kernels)
    e = np.empty((replicas, measurements))
    m = np.empty((replicas, measurements))
    chunks = np.array_split(np.arange(measurements), REPEATS)
    best = float("inf")
    for c in chunks:  # the fastest of REPEATS consecutive parts, the series whole
        t0 = time.perf_counter()
        s.sample(st, 1, c.size, e[:, c[0] :], m[:, c[0] :])
        best = min(best, (time.perf_counter() - t0) / c.size)
    tau = _tau(e, np.abs(m))
    per_meas = getattr(s, "clusters_per_sweep", None)
    return replicas / best / (2 * tau), tau, per_meas


def mcising_cluster(algorithm, L, measurements, clusters):
    from mcising import IsingSimulation

    name = {"wolff": "wolff", "swendsen-wang": "swendsen_wang"}[algorithm]
    sim = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, 1, name, "square")
    interval = clusters if algorithm == "wolff" else 1
    sim.set_spins(np.ones_like(sim.get_spins()))  # the same ordered start
    sim.sweep(500 * interval, temperature=T_C)
    best, es, ms = float("inf"), [], []
    for c in np.array_split(np.arange(measurements), REPEATS):
        t0 = time.perf_counter()
        out = sim.production_sweeps(c.size, interval, temperature=T_C, store_configs=False)
        best = min(best, (time.perf_counter() - t0) / c.size)
        es.append(np.asarray(out["energies"], dtype=np.float64))
        ms.append(np.abs(np.asarray(out["magnetizations"], dtype=np.float64)))
    tau = _tau(np.concatenate(es)[None, :], np.concatenate(ms)[None, :])
    return 1.0 / best / (2 * tau), tau


# -- the table ---------------------------------------------------------------------


def _ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def _fmt(x, spec):
    return "-" if x is None else format(x, spec)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[64, 256, 1024])
    p.add_argument("--cluster-sizes", type=int, nargs="*", default=[64, 128])
    p.add_argument("--seconds", type=float, default=1.0, help="time per Metropolis case")
    p.add_argument("--measurements", type=int, default=20000, help="per cluster case")
    p.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    p.add_argument("--no-process", action="store_true", help="skip the whole-process timing")
    p.add_argument(
        "--peers",
        nargs="*",
        default=["mcising", "peapods"],
        help="peers to run where they import (default: mcising peapods)",
    )
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.quick:
        args.seconds, args.measurements = 0.1, 2000
    have = {name: name in args.peers and peer(name) is not None for name in PEERS}
    rows, table = [], []

    def add(case, size, unit, ours, others):
        row = {"case": case, "L": size, "unit": unit, "statmech": ours, **others}
        rows.append(row)
        table.append(
            [
                case,
                size,
                unit,
                _fmt(ours, ".3f"),
                _fmt(others.get("mcising"), ".3f"),
                _ratio(ours, others.get("mcising")),
                _fmt(others.get("peapods"), ".3f"),
                _ratio(ours, others.get("peapods")),
            ]
        )

    for L in args.sizes:
        ours = statmech_metropolis(L, args.seconds)
        mc = mcising_metropolis(L, args.seconds) if have["mcising"] else None
        pp = peapods_metropolis(L, args.seconds) if have["peapods"] else None
        add("Metropolis, E and m every sweep", L, "flips/ns", ours, {"mcising": mc, "peapods": pp})
    for L in args.sizes:
        ours = statmech_multispin(L, args.seconds)
        others = {"mcising": rows[args.sizes.index(L)]["mcising"]}
        others["peapods"] = rows[args.sizes.index(L)]["peapods"]
        add("Metropolis, 64 replicas multi-spin coded", L, "flips/ns", ours, others)
    if not args.no_process:
        sweeps = 1000 if args.quick else 10000
        walls = process_walls(64, sweeps, sweeps // 5, 1 if args.quick else 3, have["mcising"])
        # a shorter time is better: the ratio is peer time / statmech time
        ours, mc = walls["statmech"], walls.get("mcising")
        rows.append(
            {
                "case": "simulate process",
                "L": 64,
                "unit": "s",
                "statmech": ours,
                "mcising": mc,
                "sweeps": sweeps,
            }
        )
        table.append(
            [
                f"simulate process, {sweeps} sweeps (s)",
                64,
                "s (lower)",
                f"{ours:.2f}",
                _fmt(mc, ".2f"),
                _ratio(mc, ours),
                "-",
                "-",
            ]
        )
    for alg in ("wolff", "swendsen-wang"):
        for L in args.cluster_sizes:
            ours, tau, clusters = statmech_cluster(alg, L, 1, args.measurements)
            mc = None
            if have["mcising"]:
                mc, _ = mcising_cluster(alg, L, args.measurements, clusters or 1)
            add(f"{alg}, independent samples/s", L, "1/s", ours, {"mcising": mc})
            rows[-1]["tau_int"] = tau
            if L == max(args.cluster_sizes):
                ours16, _, _ = statmech_cluster(alg, L, 16, max(200, args.measurements // 16))
                add(f"{alg} x 16 replicas (threads)", L, "1/s", ours16, {"mcising": mc})
    header = ["case", "L", "unit", "statmech", "mcising", "ratio", "peapods", "ratio"]
    result = {"benchmark": "peers", "T": T_C, "machine": machine(), "peers": have, "rows": rows}
    emit(result, table, header, args.json)
    if not args.json:
        missing = [k for k, v in have.items() if not v]
        if missing:
            print(f"not installed (columns '-'): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
