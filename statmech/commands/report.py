"""``statmech report``: the main job, a document with every derivation and figure."""

from __future__ import annotations

import time

NAME = "report"
HELP = "write the report (Markdown, LaTeX, and PDF where pdflatex exists)"
ORDER = 90
EXAMPLES = (
    "statmech report --quick",
    "statmech report --jobs 2",
    "statmech report --out /tmp/report --only s30_ising_chain",
    "statmech report --format html",
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
    p.add_argument(
        "--format",
        choices=("pdf", "html", "all"),
        default="pdf",
        help="pdf: Markdown, LaTeX and PDF (default); html: Markdown, LaTeX and a static web "
        "site in OUT/html, one page per section, math typeset offline; all: both",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="build N sections at once, each in its own process (default: one per core)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="build every section again, even those whose code and settings are unchanged "
        "(the cache is in ~/.cache/statmech/report, or $STATMECH_CACHE_DIR/report)",
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bars (none are drawn off a terminal either)",
    )


def _cached_note(res) -> str:
    if not res["cached"]:
        return ""
    return f" ({len(res['cached'])} of {len(res['seconds'])} sections unchanged, from the cache)"


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

    if args.jobs is None:
        args.jobs = _cores()
    if args.jobs < 1:
        raise UserError(f"--jobs {args.jobs} builds nothing: give 1 or more")
    check_out(args.out)
    from ..progress import wanted

    t0 = time.perf_counter()
    try:
        res = build_report(
            args.out,
            quick=args.quick,
            progress=False if args.quiet else (True if wanted() else "lines"),
            only=args.only,
            formats=("pdf", "html") if args.format == "all" else (args.format,),
            jobs=args.jobs,
            cache=not args.no_cache,
        )
    except OSError as exc:  # a file the report writes (a figure, the PDF) could not be written
        where = exc.filename or args.out
        raise UserError(f"cannot write the report to {where}: {exc.strerror or exc}") from None
    took = time.perf_counter() - t0
    print(
        f"wrote {res['markdown']} and {res['latex']}"
        + (f" and {res['pdf']}" if res["pdf"] else "")
        + (f" and the site {res['html']}" if res.get("html") else "")
        + (" (no pdflatex: no PDF)" if args.format != "html" and not res["pdf"] else "")
        + f" in {took:.1f} s"
        + _cached_note(res)
    )
    return 0


def _cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    import os

    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1
