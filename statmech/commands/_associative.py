"""``statmech simulate diffusion|modern-hopfield``: the associative-memory experiments.

Not a verb (no ``run``): :mod:`.simulate` hands these two names here.  They are
experiments, not models with a Hamiltonian to sample, so they take their own
``NAME=VALUE`` parameters (listed in the error for an unknown one) and the
shared ``--seed``, ``--backend``, ``--json`` and ``-o`` options.
"""

from __future__ import annotations

from ..common import dump_json, write_output
from ..errors import UserError

EXPERIMENTS = ("diffusion", "modern-hopfield")


def _assignments(items) -> dict:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"expected NAME=VALUE, got {item!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise UserError(f"{name} must be a number, got {value!r}") from None
    return out


def simulate(args) -> int:
    """Run the experiment ``args.model`` and write its result (text or ``--json``)."""
    from statmech.numeric.associative import experiments

    params = _assignments(args.assignments)
    try:
        if args.model == "diffusion":
            res = experiments.simulate_diffusion(params, seed=args.seed, backend=args.backend)
        else:
            res = experiments.simulate_modern_hopfield(params, seed=args.seed, backend=args.backend)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        write_output(dump_json(res), args.output)
    else:
        lines = [f"{res['experiment']} {res['params']} seed {res['seed']} ({res['backend']})"]
        for key, value in res.items():
            if key.endswith("_theory"):
                name = key[: -len("_theory")]
                lines.append(f"{name:<22}{res.get(name, float('nan')):>12.4g}   theory {value:.4g}")
            elif isinstance(value, float) and f"{key}_theory" not in res:
                lines.append(f"{key:<22}{value:>12.4g}")
        write_output("\n".join(lines), args.output)
    return 0
