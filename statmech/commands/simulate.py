"""``statmech simulate MODEL [NAME=VALUE ...]``: Monte Carlo estimates with error bars."""

from __future__ import annotations

import sys

from ..api.capabilities import require_finite_system
from ..api.monte_carlo import describe
from ..common import check_output_folder, dump_json, lookup_model, write_output
from ..errors import UserError

NAME = "simulate"
HELP = "Monte Carlo estimates with autocorrelation-aware error bars"
ORDER = 20
EXAMPLES = (
    "statmech simulate ising2d L=16 T=2.5",
    "statmech simulate ising2d L=64 T=2.269 --algorithm wolff --sweeps 2000 --json",
    "statmech simulate ising1d N=64 T=1 --checkpoint run.npz",
)


def add_simulation_arguments(p) -> None:
    """Options shared by ``simulate`` and ``validate``."""
    from statmech.numeric.backend import BACKENDS
    from statmech.numeric.samplers import ALL_ALGORITHMS

    p.add_argument("model", help="model name (see 'statmech models')")
    p.add_argument(
        "assignments", nargs="*", metavar="NAME=VALUE", help="parameters, e.g. T=2.5 L=16"
    )
    p.add_argument("--sweeps", type=int, default=10000, help="measurement sweeps (default 10000)")
    p.add_argument("--replicas", type=int, default=16, help="independent replicas (default 16)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1: reproducible)")
    p.add_argument("--backend", default="numpy", choices=BACKENDS, help="array backend")
    p.add_argument(
        "--algorithm", default="metropolis", choices=ALL_ALGORITHMS, help="update algorithm"
    )
    p.add_argument(
        "--thermalize",
        type=int,
        default=None,
        help="sweeps discarded first (default max(100, sweeps/5))",
    )
    p.add_argument("--every", type=int, default=1, help="sweeps between measurements (default 1)")
    p.add_argument(
        "--reference",
        action="store_true",
        help="use the plain reference sampler even where a fast one exists",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="machine-readable output (valid JSON: a non-finite number is written as null)",
    )
    p.add_argument(
        "--max-memory",
        metavar="SIZE",
        help="refuse a run estimated to need more memory than SIZE (e.g. 8G, 512M; "
        "default: the memory available)",
    )
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument(
        "--temperatures",
        metavar="LADDER",
        help="parallel tempering ladder for spin glasses (sk, ea, ea2d): T1,T2,... or "
        "LOW:HIGH:COUNT (geometric); at least two",
    )
    p.add_argument(
        "--samples", type=int, default=None, help="disorder samples (seeds seed, seed+1, ...)"
    )


def add_arguments(p):
    add_simulation_arguments(p)
    p.add_argument("--checkpoint", metavar="FILE", help="save to and resume from FILE")
    p.add_argument(
        "--checkpoint-every",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds between checkpoints, positive (default 60; also on Ctrl-C and at "
        "the end); needs --checkpoint",
    )


def check_checkpoint(args) -> None:
    """The checkpoint options, checked before any sampling."""
    every = args.checkpoint_every
    if every is not None:
        if args.checkpoint is None:
            raise UserError("--checkpoint-every needs --checkpoint FILE")
        if not every > 0 or every == float("inf"):
            raise UserError(f"--checkpoint-every must be a positive number of seconds, got {every}")
    if args.checkpoint is not None:
        check_output_folder(args.checkpoint, "checkpoint")


def checkpoint_progress(path: str, expected: dict | None = None) -> str | None:
    """``(N of M sweeps done)`` for an existing checkpoint file, or None (no file, or
    one the run itself will refuse with its reason: unreadable, or with an identity
    that differs from ``expected`` in one of its entries)."""
    import json
    import os

    if not os.path.isfile(path):
        return None
    try:
        import numpy as np

        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["__meta__"]))
        done = int(meta["progress"]["done"])
        ident = meta["identity"]
        if any(ident.get(k) != v for k, v in (expected or {}).items()):
            return None
        total = int(ident["thermalize"]) + int(ident["sweeps"]) // int(ident["every"]) * int(
            ident["every"]
        )
    except Exception:  # noqa: BLE001 - unreadable: load_checkpoint says why
        return None
    return f"({done} of {total} sweeps done)"


def check_counts(args) -> None:
    """The sampling options, checked before any work (as the library checks them)."""
    from ..api.monte_carlo import check_counts as _check_counts

    _check_counts(args.sweeps, args.replicas, args.every, args.seed, args.thermalize, "--")


def options(args) -> dict:
    """The sampling options of ``args`` as keywords of :func:`statmech.api.simulate`
    (whose warnings then name these options as flags: ``--thermalize 400``)."""
    return dict(
        spelling="flag",
        sweeps=args.sweeps,
        replicas=args.replicas,
        seed=args.seed,
        backend=args.backend,
        algorithm=args.algorithm,
        thermalize=args.thermalize,
        every=args.every,
        reference=args.reference,
        max_memory=args.max_memory,
    )


def announce_compilation(args, fixed=None) -> None:
    """Say on standard error when numba compiles a kernel for this run (the CPU's fast
    samplers, on first use; later runs load them from the user's cache folder).  A run
    that the ahead-of-time kernels serve (:mod:`statmech.numeric.fast.aot`, built here
    on first use) loads no numba."""
    if args.backend == "numpy" and not args.reference:
        if fixed is not None and _ahead_of_time(args, fixed):
            return
        from statmech.numeric.kernel_cache import announce_compilation as announce
        from statmech.numeric.kernel_cache import load_numba_lean

        load_numba_lean()
        announce()


def _ahead_of_time(args, fixed: dict) -> bool:
    """Whether the ahead-of-time kernels serve this run (built now, once, where missing)."""
    try:
        from statmech.numeric.fast import aot
    except ImportError:  # no fast samplers in this installation
        return False

    if not aot.serves(args.model, fixed.get("L"), args.algorithm, args.replicas):
        return False
    return aot.build() is not None


def progress(json_output: bool):
    """Progress bars (on a terminal, never with JSON) for :mod:`statmech.api`."""
    from ..progress import progress_bar, wanted

    show = wanted(json_output)
    return lambda desc: progress_bar(show, desc=desc)


def _fast_kernels(args) -> bool:
    """Whether the run may use a model card: a built-in model (named, not read from
    ``--model-file``, whose model may share a built-in's name) on the CPU's fast kernels."""
    return isinstance(args.model, str) and args.backend == "numpy" and not args.reference


def _model(args):
    """The model: its card (:mod:`statmech.model_card`, plain facts without SymPy) when
    the run is on the CPU's fast kernels and a current card is stored, else the model."""
    if _fast_kernels(args):
        from ..model_card import load

        card = load(args.model)
        if card is not None:
            return card
    return lookup_model(args.model)


def _record(model, fixed: dict, args) -> None:
    """Keep the model's facts at this point in its card, for the next run."""
    if _fast_kernels(args):
        from ..model_card import record

        record(model, fixed, args.backend)


def run(args) -> int:
    from .. import api
    from ..params import parse_assignments
    from ._associative import EXPERIMENTS, simulate

    if args.model in EXPERIMENTS:  # experiments with their own parameters, not sampled models
        return simulate(args)
    from ._hopfield import simulate_retrieval, wants_retrieval

    if wants_retrieval(args):  # alpha=, patterns= or T=0: the retrieval dynamics
        return simulate_retrieval(args)
    from . import _spin_glass

    if _spin_glass.wants(args):  # parallel tempering of spin-glass samples, two replicas
        check_counts(args)
        return _spin_glass.run_simulate(args)
    check_counts(args)
    check_checkpoint(args)
    model = _model(args)
    require_finite_system(model, "simulate")  # before its parameters: L= cannot be given
    fixed, ranges = parse_assignments(model, args.assignments)
    if ranges:
        raise UserError(
            "simulate runs one parameter point; use 'statmech validate' for a range "
            f"(got a range for {ranges[0].name})"
        )
    if args.checkpoint is not None:
        mine = {
            "model": model.name,
            "seed": args.seed,
            "algorithm": args.algorithm,
            "replicas": args.replicas,
            "sweeps": args.sweeps,
            "every": args.every,
        }
        resuming = checkpoint_progress(args.checkpoint, mine)
        if resuming is not None:
            print(
                f"statmech: resuming from checkpoint {args.checkpoint} {resuming}", file=sys.stderr
            )
    _record(model, fixed, args)
    announce_compilation(args, fixed)
    try:
        every = 60.0 if args.checkpoint_every is None else args.checkpoint_every
        res = api.simulate(
            model,
            fixed,
            **options(args),
            checkpoint=args.checkpoint,
            checkpoint_every=every,
            progress=progress(args.json),
        )
    except KeyboardInterrupt:
        if args.checkpoint:
            print(
                f"statmech: checkpoint saved to {args.checkpoint}; "
                "run the same command again to resume",
                file=sys.stderr,
            )
        raise
    if args.json:
        write_output(dump_json(res.to_dict()), args.output)
    else:
        write_output(format_result(res), args.output)
    for w in res.warnings:
        print(f"statmech: warning: {w}", file=sys.stderr)
    return 0


def format_result(res) -> str:
    head = (
        f"{res.model} {describe(res.params)}: {res.method} "
        f"({res.implementation} sampler, {res.backend}), "
        f"{res.replicas} replicas x {res.sweeps} sweeps after {res.thermalization} "
        f"thermalisation sweeps, seed {res.seed}"
    )
    lines = [head, "", f"{'quantity':<24}{'mean':>14}{'error':>12}{'tau_int':>10}"]
    from statmech.numeric.observables import LEGACY

    for name, est in res.observables.items():
        if name in LEGACY:  # the old key, in --json only: its value is under its new name
            continue
        lines.append(f"{name:<24}{est.mean:>14.6g}{est.error:>12.2g}{est.tau_int:>10.3g}")
    lines.append("")
    lines.append(
        f"{res.measurements} measurements (tau_int in measurements, one every {res.every} "
        f"sweep{'s' if res.every > 1 else ''}); {res.elapsed_seconds:.2f} s sampling, "
        f"{res.flips_per_ns:.3g} flips/ns"
    )
    if getattr(res, "acceptance_rate", None) is not None:
        lines.append(f"acceptance rate {res.acceptance_rate:.3g} (single-site moves accepted)")
    if getattr(res, "mean_cluster_size", None) is not None:
        lines.append(
            f"{res.clusters_per_sweep} clusters per sweep of {res.mean_cluster_size:.4g} spins "
            f"on average: {res.spins_flipped_per_ns:.3g} spins flipped/ns"
        )
    return "\n".join(lines)
