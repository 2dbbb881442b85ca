"""``statmech warmup``: compile the CPU's fast kernels now, once, instead of on first use.

numba compiles each kernel the first time a run needs it and keeps it in the user's
cache folder (:mod:`statmech.numeric.kernel_cache`); later processes load it in a
fraction of a second.  This verb runs a few sweeps of each fast sampler (the
threaded and the one-thread kernels: a small and a large lattice) so that the
first real run starts sampling at once.  It also builds the square lattice's
one-thread kernels ahead of time (:mod:`statmech.numeric.fast.aot`; without a C
compiler it says why and numba's kernels serve), which later runs load without
numba.  It changes no result.
"""

from __future__ import annotations

import sys
import time

NAME = "warmup"
HELP = "compile the fast samplers' kernels now (once; later runs load them from the cache)"
ORDER = 90
EXAMPLES = ("statmech warmup", "statmech warmup ising2d --algorithm metropolis")

#: A small lattice (one-thread kernels) and a large one (threaded kernels, 16 replicas)
#: of each model with fast samplers.
SIZES = {
    "ising1d": ({"N": 16}, {"N": 16384}),
    "ising2d": ({"L": 8}, {"L": 128}),
    "ising3d": ({"L": 4}, {"L": 32}),
}


def add_arguments(p):
    from statmech.numeric.fast import ALGORITHMS

    p.add_argument(
        "models",
        nargs="*",
        metavar="MODEL",
        help=f"models to compile for (default: {', '.join(SIZES)})",
    )
    p.add_argument(
        "--algorithm",
        action="append",
        choices=ALGORITHMS,
        help="an algorithm to compile (repeatable; default: all of them)",
    )


def run(args) -> int:
    from statmech.numeric.fast import ALGORITHMS
    from statmech.numeric.kernel_cache import announce_compilation, use_user_cache

    from .. import api
    from ..errors import UserError

    unknown = [m for m in args.models if m not in SIZES]
    if unknown:
        raise UserError(
            f"no fast kernels to compile for {', '.join(unknown)}; "
            f"the fast samplers cover {', '.join(SIZES)}"
        )
    models = args.models or list(SIZES)
    algorithms = args.algorithm or list(ALGORITHMS)
    where = use_user_cache()
    start = time.perf_counter()
    if "ising2d" in models and {"metropolis", "heat-bath"} & set(algorithms):
        from statmech.numeric.fast import aot

        aot.build(retry=True)
    announce_compilation()
    for name in models:
        for algorithm in algorithms:
            for size in SIZES[name]:
                api.simulate(
                    name,
                    {**size, "T": 2.5},
                    sweeps=2,
                    replicas=16,
                    thermalize=1,
                    algorithm=algorithm,
                )
    print(
        f"statmech: kernels ready for {', '.join(models)} ({', '.join(algorithms)}) "
        f"in {time.perf_counter() - start:.1f} s; cached in {where}",
        file=sys.stderr,
    )
    return 0
