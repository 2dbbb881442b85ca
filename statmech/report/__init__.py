r"""``statmech report``: one document with every derivation the project has.

Sections are modules in :mod:`statmech.report.sections`, each with ``ORDER``,
``TITLE`` and ``build(ctx) -> Section``; they are discovered, so a new topic is
a new file.  The document is written as Markdown and LaTeX, and as PDF where
``pdflatex`` is on the PATH.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Section:
    """One part of the report: Markdown and LaTeX bodies and the figures they use."""

    title: str
    markdown: str
    latex: str
    figures: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What a section needs: where to write figures, and how much work to do."""

    out: Path
    quick: bool = False
    progress: bool = False
    #: Names of the files written into ``out/figures`` (for the cache).
    written: list = field(default_factory=list)

    def figure_path(self, name: str) -> Path:
        path = self.out / "figures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(name)
        return path

    def figure_markdown(self, name: str, caption: str) -> str:
        return f"![{caption}](figures/{name})\n\n*{caption}*\n"

    def figure_latex(self, name: str, caption: str) -> str:
        from statmech.derive.render import tex_prose

        from .figure_style import latex_width

        width = latex_width(self.out / "figures" / name)
        return (
            "\\begin{figure}[!htbp]\\centering\n"
            f"\\includegraphics[width={width}]{{figures/{name}}}\n"
            f"\\caption{{{tex_prose(caption)}}}\n\\end{{figure}}\n"
        )


def section_modules():
    pkg = importlib.import_module(f"{__name__}.sections")

    mods = [
        importlib.import_module(f"{pkg.__name__}.{i.name}")
        for i in pkgutil.iter_modules(pkg.__path__)
    ]
    return sorted((m for m in mods if hasattr(m, "build")), key=lambda m: (m.ORDER, m.__name__))


def section_order() -> list[str]:
    """The sections' module names in the report's order (this imports them)."""
    return [m.__name__.rsplit(".", 1)[-1] for m in section_modules()]


def section_names() -> list[str]:
    """The sections' module names, sorted (what ``--only`` accepts); found without
    importing them, so that ``statmech --help`` stays fast."""
    spec = importlib.util.find_spec(f"{__name__}.sections")
    names = pkgutil.iter_modules(spec.submodule_search_locations)
    return sorted(i.name for i in names if not i.name.startswith("_"))


TITLE = "Statistical mechanics, derived and checked"
#: Added to the note under the title of a ``--quick`` build, in every format.
QUICK_NOTE = (
    " This is a quick build (report --quick): smaller systems, fewer samples and shorter "
    "runs than the full report, so its measured figures are rougher."
)


def build_report(
    out: Path,
    quick: bool = False,
    progress: bool | str = False,
    only=None,
    jobs: int = 1,
    cache: bool = False,
    formats=("pdf",),
) -> dict:
    """Write ``report.md``, ``report.tex`` (and ``report.pdf``) into ``out``.

    Parameters
    ----------
    out : Path
        The output folder; figures go to ``out/figures`` with their data beside them.
    quick : bool
        Smaller simulations, for a fast look.
    progress : bool or "lines"
        Draw a progress bar per section, with estimates, on standard error; ``"lines"``
        writes one line per finished section instead (for a log file).
    only : list of str, optional
        Build only these sections (module names).
    jobs : int
        Sections built at once, each in its own process (1: in this process).
    cache : bool
        Reuse a section whose inputs and code are unchanged
        (:mod:`statmech.report.cache`); the command line turns it on.
    formats : tuple of str
        ``"pdf"``: compile the PDF (where pdflatex exists); ``"html"``: write the web
        site and the Markdown pages (:mod:`statmech.report.html`).

    Returns
    -------
    dict
        The paths written (``markdown``, ``latex``, ``pdf`` or None), the seconds each
        section took (``seconds``) and the sections taken from the cache (``cached``).
    """
    from statmech.derive.render import (
        UNITS_NOTE,
        cite_quoted,
        latex_document,
        number_steps,
        tex_prose,
    )

    from .runner import build_sections

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if only is not None:
        unknown = sorted(set(only) - set(section_names()))
        if unknown or not only:
            raise ValueError(
                f"unknown report sections {unknown}; the sections are {section_names()}"
                if unknown
                else "only=[] builds nothing; give section names or None for all"
            )
    if jobs < 1:
        raise ValueError(f"jobs={jobs} builds nothing; give 1 or more")
    names = [n for n in section_order() if only is None or n in only]
    result = build_sections(names, out, quick=quick, progress=progress, jobs=jobs, cache=cache)
    built = [result.sections[n] for n in names]
    from .html import front_matter

    note = UNITS_NOTE + (QUICK_NOTE if quick else "")
    md = [front_matter(TITLE, 0) + f"# {TITLE}\n", f"*{note}*\n"]
    tex = []
    for s in built:
        md.append(f"## {s.title}\n\n{s.markdown}\n")
        tex.append(f"\\FloatBarrier\n\\section{{{tex_prose(s.title)}}}\n{s.latex}\n")
    (out / "report.md").write_text("\n".join(md))
    body, bibliography = cite_quoted(number_steps("\n".join(tex)))
    if bibliography:
        body += "\n\\FloatBarrier\n" + bibliography
    document = latex_document(TITLE, body, contents=True, note=note)
    current = _pdf_is_current(out, document) if "pdf" in formats else False
    (out / "report.tex").write_text(document)
    if progress and "pdf" in formats and shutil.which("pdflatex") and not current:
        import sys

        print("typesetting report.pdf (pdflatex, two passes)", file=sys.stderr, flush=True)
    if "pdf" not in formats:
        pdf = None
    elif current:
        pdf = out / "report.pdf"
    else:
        pdf = compile_pdf(out / "report.tex")
    site = None
    if "html" in formats:
        from .html import write_report_site

        site = write_report_site(out, built, only, TITLE, note, quick)
    return {
        "markdown": str(out / "report.md"),
        "latex": str(out / "report.tex"),
        "pdf": str(pdf) if pdf else None,
        "seconds": result.seconds,
        "cached": result.cached,
        "html": site["index"] if site else None,
    }


def _pdf_is_current(out: Path, document: str) -> bool:
    """Whether ``out/report.pdf`` was typeset from ``document`` and from the figures now
    in ``out/figures`` (the same LaTeX, and no figure newer than the PDF)."""
    tex, pdf = out / "report.tex", out / "report.pdf"
    try:
        if not pdf.is_file() or tex.read_text() != document:
            return False
        made = pdf.stat().st_mtime
        return all(f.stat().st_mtime <= made for f in (out / "figures").glob("*.png"))
    except OSError:
        return False


def compile_pdf(tex: Path) -> Path | None:
    """Run pdflatex twice (for references) if it is installed; None otherwise.

    The auxiliary files (``.aux``, ``.log``, ``.out``, ``.toc``) are written to a
    temporary folder, so only the PDF lands beside the ``.tex``."""
    import tempfile

    exe = shutil.which("pdflatex")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="statmech-latex-") as tmp:
        for _ in range(2):
            proc = subprocess.run(
                [
                    exe,
                    "-interaction=nonstopmode",
                    "-halt-on-error",
                    f"-output-directory={tmp}",
                    tex.name,
                ],
                cwd=tex.parent,
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                tail = "\n".join(proc.stdout.splitlines()[-20:])
                raise RuntimeError(f"pdflatex failed on {tex}:\n{tail}")
        pdf = tex.with_suffix(".pdf")
        shutil.move(str(Path(tmp) / pdf.name), pdf)
    return pdf
