"""``statmech sweep VERB MODEL NAME=START:STOP:COUNT ... --seeds K``: a parameter sweep
on Dask distributed, into an xarray Dataset (Zarr or netCDF)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

NAME = "sweep"
HELP = "run a verb over a grid of parameters (and seeds) on Dask; results in Zarr or netCDF"
ORDER = 45
EXAMPLES = (
    "statmech sweep simulate ising2d L=8,12,16 T=2.0:2.5:6 --seeds 2 --sweeps 2000 "
    "--out sweep.zarr",
    "statmech sweep simulate ising2d L=8,16 T=2.1:2.4:7 --plot binder.png --out fss.nc",
    "statmech sweep exact ising2d L=4,8 T=1.5:3.5:21 --scheduler tcp://head:8786 --out exact.zarr",
)
VERBS = ("simulate", "validate", "solve", "exact")

#: The exit status when some points failed (their count is in the last line and the
#: store): not 1 (a check that failed) nor 2 (bad input, as argparse's usage errors).
FAILED_POINTS = 3
EXIT_STATUS = (
    "exit status: 0 when every point is done, 2 for bad input (nothing run), "
    f"{FAILED_POINTS} when some points failed (each is a line on standard error and a "
    "message in the store; running the same command again retries them), 128 + N "
    "when stopped by signal N"
)


def add_arguments(p):
    import textwrap

    from ..sweeps.spec import add_sweep_options

    p.epilog = "\n\n".join(filter(None, (p.epilog, textwrap.fill(EXIT_STATUS, 78))))

    p.add_argument("verb", choices=VERBS, help="the verb run at every point")
    p.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="MODEL NAME=VALUE ...",
        help="the model, fixed values NAME=VALUE, ranges NAME=START:STOP:COUNT or lists "
        "NAME=A,B,C, and any option of the verb (its --seed seeds the sweep)",
    )
    add_sweep_options(p)


def run(args) -> int:
    from ..sweeps import runner, spec

    own = {k: getattr(args, k) for k in spec.SWEEP_DESTS}
    sweep, own = spec.parse(args.verb, args.rest, own)
    command = shlex.join(["statmech", *sys.argv[1:]])
    from ..progress import wanted

    results, summary = runner.execute(
        sweep,
        own,
        command,
        log=os.environ.get("STATMECH_SWEEP_LOG") or None,
        show_progress=wanted(),
    )
    where = f" in {own['out']}" if own["out"] else ""
    stored, total, failed = summary["stored"], summary["total"], summary["failed"]
    if summary["interrupted"] is not None:
        print(
            f"statmech: interrupted: {stored} of {total} points stored{where}; "
            "run the same command again to compute the rest",
            file=sys.stderr,
        )
        return 128 + int(summary["interrupted"])
    if own["out"] is None:
        from ..common import write_output

        write_output(str(results.dataset()), None)
    print(
        f"statmech: {stored} of {total} points done{where} ({summary['computed']} computed now)"
        + (f"; {failed} failed (exit status {FAILED_POINTS})" if failed else ""),
        file=sys.stderr,
    )
    return FAILED_POINTS if failed else 0
