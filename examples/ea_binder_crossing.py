"""The crossings of the 3D +-J Edwards-Anderson spin glass near T_c = 1.10: many
disorder samples of L = 4, 6, 8 by parallel tempering (two real replicas), the Binder
cumulant g of the overlap and the correlation length xi_L/L per size with jackknife
errors, an equilibration check (two consecutive measurement windows), and where the
curves of each pair of sizes cross (bootstrap errors).

Each size is stored in its own file under --out (default ea3d_study/ in the current
folder), batch by batch: an interrupted run resumes where it stopped when started again
with the same settings.  The report's spin-glass section draws the study stored with
the package (statmech/report/data/), which this script wrote with its defaults in 18
minutes on two cores; --stored prints that study's analysis at once:

    python examples/ea_binder_crossing.py --stored
    python examples/ea_binder_crossing.py [--L 4 6 8] [--samples 1000 1000 600]
        [--sweeps 2000 4000 8000] [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from statmech.numeric import spin_glass_binder as sb

#: 12 temperatures evenly spaced in 1/T from 0.85 to 1.6 (even swap acceptance).
TEMPERATURES = 1.0 / np.linspace(1 / 0.85, 1 / 1.6, 12)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument("--L", type=int, nargs="+", default=[4, 6, 8], help="lattice sizes")
    ap.add_argument(
        "--samples",
        type=int,
        nargs="+",
        default=[1000, 1000, 600],
        help="disorder samples per size",
    )
    ap.add_argument(
        "--sweeps",
        type=int,
        nargs="+",
        default=[2000, 4000, 8000],
        help="length of each measured window (and of the thermalization)",
    )
    ap.add_argument("--batch", type=int, default=25, help="samples run (and stored) at once")
    ap.add_argument("--out", default="ea3d_study", help="folder of the study's files")
    ap.add_argument(
        "--stored",
        action="store_true",
        help="analyse the study stored with the package (statmech/report/data/) at once",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object on standard output")
    args = ap.parse_args(argv)
    if not len(args.L) == len(args.samples) == len(args.sweeps):
        ap.error("give one --samples and one --sweeps per --L")

    def progress(L, done, total, seconds):
        print(f"L = {L}: {done}/{total} samples, {seconds:.0f} s", file=sys.stderr, flush=True)

    if args.stored:  # read only: the package's files are never written here
        from statmech.report.cache import DATA_DIR

        runs = sb.load_study(DATA_DIR)
        if not runs:
            print(f"ea_binder_crossing: error: no stored study in {DATA_DIR}", file=sys.stderr)
            return 2
    else:
        runs = {}
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for L, ns, sw in zip(args.L, args.samples, args.sweeps, strict=True):
            try:
                runs[L] = sb.run_size(
                    L,
                    ns,
                    sw,
                    TEMPERATURES,
                    sb.study_file(out, L),
                    batch=args.batch,
                    progress=progress,
                )
            except ValueError as exc:
                print(f"ea_binder_crossing: error: {exc}; or give --out DIR", file=sys.stderr)
                return 2
    curves = {L: sb.binder_curves(r["q2"], r["q4"]) for L, r in runs.items()}
    xis = {L: sb.xi_curves(r["q2"], r["qk2"], L) for L, r in runs.items()}
    sizes = sorted(runs)
    pairs = [(a, b) for i, a in enumerate(sizes) for b in sizes[i + 1 :]]
    cross = {
        q: {f"{a}-{b}": sb.crossing(TEMPERATURES, runs[a], runs[b], quantity=q) for a, b in pairs}
        for q in ("binder", "xi")
    }
    if args.json:
        out = {"T": TEMPERATURES.tolist(), "crossings": cross}
        out["g"] = {L: c["g"].tolist() for L, c in curves.items()}
        out["g_err"] = {L: c["err"].tolist() for L, c in curves.items()}
        out["xi_over_L"] = {L: c["xi"].tolist() for L, c in xis.items()}
        out["xi_err"] = {L: c["err"].tolist() for L, c in xis.items()}
        print(json.dumps(out))
        return 0
    print("T      " + "".join(f"   g(L={L})          xi/L(L={L})     " for L in sizes))
    for t, T in enumerate(TEMPERATURES):
        print(
            f"{T:.3f}  "
            + "".join(
                f"{curves[L]['g'][t]:.4f} +- {curves[L]['err'][t]:.4f}  "
                f"{xis[L]['xi'][t]:.4f} +- {xis[L]['err'][t]:.4f}  "
                for L in sizes
            )
        )
    for L in sizes:
        print(f"L = {L}: the windows' g differ by at most {curves[L]['window_z']:.1f} sigma")
    for q, rows in cross.items():
        for k, c in rows.items():
            print(
                f"{q:6s} L = {k}: cross at T = {c['T']:.3f} +- {c['err']:.3f} "
                f"({c['crossing_fraction']:.0%} of resamples cross)"
            )
    print(f"quoted: T_c = {sb.EA3D_TC} ({sb.EA3D_TC_ERR}) (Janus 2013)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
