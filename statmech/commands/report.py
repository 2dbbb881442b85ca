"""``statmech report``: the main job, a document with every derivation and figure."""

from __future__ import annotations

import sys
import time

NAME = "report"
HELP = "write the report (Markdown, LaTeX, and PDF where pdflatex exists)"
ORDER = 90
EXAMPLES = (
    "statmech report --quick",
    "statmech report --out /tmp/report --only s30_ising_chain",
)


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


def check_out(out: str) -> None:
    """Make the output folder, or refuse in one line before any work."""
    import os
    from pathlib import Path

    from ..errors import UserError

    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UserError(f"cannot write the report to {out}: it is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"cannot write the report to {out}: the folder is not writable")


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

    check_out(args.out)
    t0 = time.perf_counter()
    try:
        res = build_report(args.out, quick=args.quick, progress=sys.stderr.isatty(), only=args.only)
    except OSError as exc:  # a file the report writes (a figure, the PDF) could not be written
        where = exc.filename or args.out
        raise UserError(f"cannot write the report to {where}: {exc.strerror or exc}") from None
    took = time.perf_counter() - t0
    print(
        f"wrote {res['markdown']} and {res['latex']}"
        + (f" and {res['pdf']}" if res["pdf"] else " (no pdflatex: no PDF)")
        + f" in {took:.1f} s"
    )
    return 0
