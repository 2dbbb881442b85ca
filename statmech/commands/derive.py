"""``statmech derive MODEL``: the model's derivations, rendered and optionally checked."""

from __future__ import annotations

import sys

from ..common import lookup_model, write_output
from ..errors import UserError

NAME = "derive"
HELP = "derive a model's partition function and thermodynamics step by step"
ORDER = 1
EXAMPLES = (
    "statmech derive ising1d",
    "statmech derive curie-weiss --format markdown -o cw.md",
    "statmech derive two-level --check",
)


def add_arguments(p):
    import textwrap

    from statmech.derive.registry import model_names
    from statmech.derive.render import FORMATS
    from statmech.derive.topics import topic_names

    def listed(label, names):
        return textwrap.fill(
            f"{label}: {', '.join(names)}", 78, subsequent_indent="  ", break_on_hyphens=False
        )

    p.description = "\n\n".join(
        [HELP, listed("models", model_names()), listed("topics", topic_names())]
    )
    p.add_argument("model", help="a model or a topic (listed above; see 'statmech models')")
    p.add_argument("--format", default="text", help=f"one of {', '.join(FORMATS)}")
    p.add_argument(
        "--check",
        action="store_true",
        help="check every step; exit non-zero on one that does not follow",
    )
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")


def run(args) -> int:
    from statmech.derive import DerivationError, check, derivations, render
    from statmech.derive.render import FORMATS

    if args.format not in FORMATS:
        raise UserError(f"unknown format {args.format!r}; choose one of {', '.join(FORMATS)}")
    model = lookup_model(args.model)
    ds = derivations(model)
    if args.check:
        try:
            for d in ds:
                check(d)
        except DerivationError as exc:
            raise UserError(f"check failed: {exc}") from None
        print(f"{model.name}: every step checks", file=sys.stderr)
    write_output(render(model, ds, args.format, check=args.check), args.output)
    return 0
