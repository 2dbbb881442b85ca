"""``statmech validate MODEL [NAME=VALUE ...]``: simulation against the exact values.

Every quantity the exact reference knows (:func:`statmech.api.validate`, which
rests on :func:`statmech.numeric.compare.compare`) is compared with its Monte Carlo
estimate; ``z = (simulated - exact) / error``.  The check fails (exit status 1)
when any ``|z|`` exceeds ``--max-z`` (default 4: for honest Gaussian error bars a
single quantity exceeds it with probability 6e-5).
"""

from __future__ import annotations

import sys

from ..api.capabilities import require_finite_system
from ..common import check_plot_path, dump_json, lookup_model, save_plot, write_output
from ..errors import UserError
from .simulate import (
    add_simulation_arguments,
    announce_compilation,
    check_counts,
    describe,
    options,
    progress,
)

NAME = "validate"
HELP = "compare Monte Carlo estimates with the exact values (z-scores)"
ORDER = 21
EXAMPLES = (
    "statmech validate ising2d L=8 T=2.1",
    "statmech validate ising1d N=8 T=1:3:5 --sweeps 2000",
    "statmech validate ising2d L=4 T=1.7 h=0.3 --json",
)


MAX_Z = 4.0  # statmech.numeric.compare.MAX_Z


def add_arguments(p):
    add_simulation_arguments(p)
    p.add_argument(
        "--max-z",
        type=float,
        default=MAX_Z,
        help=f"fail when any |z| exceeds this many error bars (default {MAX_Z:g})",
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="plot theory curves and simulated points (z-scores for a single point)",
    )


def run(args) -> int:
    from .. import api
    from ..params import parse_assignments

    check_counts(args)
    if not args.max_z > 0:
        raise UserError(f"--max-z must be positive, got {args.max_z}")
    if args.plot:
        check_plot_path(args.plot)  # before the simulations, not after them
    from . import _spin_glass

    if _spin_glass.wants(args):  # PT on one spin-glass sample against enumeration
        return _spin_glass.run_validate(args)
    model = lookup_model(args.model)
    require_finite_system(model, "validate")  # before its parameters: L= cannot be given
    fixed, ranges = parse_assignments(model, args.assignments)
    varying = [r.name for r in ranges]
    # the ranges after the single values, in the order given (the first varies slowest)
    params = {k: v for k, v in fixed.items() if k not in varying}
    params.update({r.name: list(r.values) for r in ranges})
    announce_compilation(args)
    result = api.validate(
        model, params, **options(args), max_z=args.max_z, progress=progress(args.json)
    )
    for at, w in result.warnings:
        print(f"statmech: warning: {describe(at)} {w}".replace("  ", " "), file=sys.stderr)
    rows = result.rows
    if args.plot:
        plot(model, fixed, ranges, rows, args.plot)
    if args.json:
        write_output(dump_json(result.to_dict()), args.output)
    else:
        text = format_rows(model, fixed, varying, result, args)
        write_output(text, args.output)
    return 0 if result.passed else 1


def format_rows(model, fixed, varying, result, args) -> str:
    """The comparison as a table; the methods (sampling, exact values) named in words."""
    shown = {k: v for k, v in fixed.items() if k not in varying}
    rows, passed = result.rows, result.passed
    sampling = "; ".join(sorted({s.method for s in result.simulations}))
    lines = [
        f"{model.name} {describe(shown)}: {sampling}, {args.replicas} replicas x "
        f"{args.sweeps} sweeps, seed {args.seed}; exact values by {'; '.join(result.method)}",
        "",
    ]
    # each varying parameter a right-aligned column, then two spaces before the quantity
    head = "".join(f"{k:>10}" for k in varying) + ("  " if varying else "")
    lines.append(f"{head}{'quantity':<24}{'exact':>14}{'simulated':>14}{'error':>11}{'z':>8}")
    for r in rows:
        pre = "".join(f"{r[k]:>10.6g}" for k in varying) + ("  " if varying else "")
        flag = "  <-" if abs(r["z"]) > args.max_z else ""
        lines.append(
            f"{pre}{r['quantity']:<24}{r['exact']:>14.6g}{r['simulated']:>14.6g}"
            f"{r['error']:>11.2g}{r['z']:>8.2f}{flag}"
        )
    lines.append("")
    worst = max((abs(r["z"]) for r in rows), default=0.0)
    verdict = "PASSED" if passed else "FAILED"
    lines.append(f"{verdict}: largest |z| = {worst:.2f} (threshold {args.max_z:g})")
    return "\n".join(lines)


def plot(model, fixed, ranges, rows, path) -> None:
    """Theory curves with simulated points (a range of one parameter), or z-scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from .. import api

    quantities = list(dict.fromkeys(r["quantity"] for r in rows))
    if len(ranges) == 1:
        name = ranges[0].name
        lo, hi = min(ranges[0].values), max(ranges[0].values)
        fine = np.linspace(lo, hi, 60) if hi > lo else np.array([lo])
        curves = {q: [] for q in quantities}
        for x in fine:
            exact, _ = api.reference(model, {**fixed, name: float(x)})
            for q in quantities:
                curves[q].append(exact.get(q, np.nan))
        ncol = min(3, len(quantities))
        nrow = -(-len(quantities) // ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3 * nrow), squeeze=False)
        for ax, q in zip(axes.flat, quantities, strict=False):
            pts = [r for r in rows if r["quantity"] == q]
            ax.plot(fine, curves[q], "-", color="C0", label="exact")
            ax.errorbar(
                [r[name] for r in pts],
                [r["simulated"] for r in pts],
                yerr=[r["error"] for r in pts],
                fmt="o",
                color="C3",
                ms=4,
                capsize=2,
                label="Monte Carlo",
            )
            ax.set_xlabel(name)
            ax.set_title(q.replace("_", " "), fontsize=10)
        for ax in list(axes.flat)[len(quantities) :]:
            ax.axis("off")
        axes.flat[0].legend(fontsize=8)
        fig.suptitle(f"{model.name}: exact vs Monte Carlo")
    else:
        fig, ax = plt.subplots(figsize=(6, 3))
        zs = [r["z"] for r in rows]
        labels = [r["quantity"] for r in rows]
        ax.barh(range(len(zs)), zs, color="C0")
        ax.set_yticks(range(len(zs)), labels)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_xlabel("z = (simulated - exact) / error")
        ax.set_title(f"{model.name}: z-scores")
    save_plot(fig, path, dpi=120)
