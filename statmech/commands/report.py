"""``statmech report``: the main job, a document with every derivation and figure."""

from __future__ import annotations

import sys
import time

NAME = "report"
HELP = "write the report (Markdown, LaTeX, and PDF where pdflatex exists)"
ORDER = 90


def add_arguments(p):
    p.add_argument("--out", default="report", help="output folder (default: ./report)")
    p.add_argument("--quick", action="store_true", help="smaller simulations, for a fast look")
    from ..report import section_names

    p.add_argument(
        "--only",
        nargs="+",
        metavar="SECTION",
        help="build only these sections: " + ", ".join(section_names()),
    )


def run(args) -> int:
    from ..errors import UserError
    from ..report import build_report, section_names

    if args.only is not None:
        known = section_names()
        unknown = [name for name in args.only if name not in known]
        if unknown:
            raise UserError(
                f"unknown report section {', '.join(map(repr, unknown))}; "
                f"the sections are: {', '.join(known)}"
            )

    t0 = time.perf_counter()
    res = build_report(args.out, quick=args.quick, progress=sys.stderr.isatty(), only=args.only)
    took = time.perf_counter() - t0
    print(
        f"wrote {res['markdown']} and {res['latex']}"
        + (f" and {res['pdf']}" if res["pdf"] else " (no pdflatex: no PDF)")
        + f" in {took:.1f} s"
    )
    return 0
