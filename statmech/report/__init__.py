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
import time
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

    def figure_path(self, name: str) -> Path:
        path = self.out / "figures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def figure_markdown(self, name: str, caption: str) -> str:
        return f"![{caption}](figures/{name})\n\n*{caption}*\n"

    def figure_latex(self, name: str, caption: str) -> str:
        from statmech.derive.render import tex_prose

        return (
            "\\begin{figure}[h]\\centering\n"
            f"\\includegraphics[width=0.7\\textwidth]{{figures/{name}}}\n"
            f"\\caption{{{tex_prose(caption)}}}\n\\end{{figure}}\n"
        )


def section_modules():
    pkg = importlib.import_module(f"{__name__}.sections")

    mods = [
        importlib.import_module(f"{pkg.__name__}.{i.name}")
        for i in pkgutil.iter_modules(pkg.__path__)
    ]
    return sorted((m for m in mods if hasattr(m, "build")), key=lambda m: (m.ORDER, m.__name__))


def section_names() -> list[str]:
    """The sections' module names, sorted (what ``--only`` accepts); found without
    importing them, so that ``statmech --help`` stays fast."""
    spec = importlib.util.find_spec(f"{__name__}.sections")
    names = pkgutil.iter_modules(spec.submodule_search_locations)
    return sorted(i.name for i in names if not i.name.startswith("_"))


TITLE = "Statistical mechanics, derived and checked"


def build_report(out: Path, quick: bool = False, progress: bool = False, only=None) -> dict:
    """Write ``report.md``, ``report.tex`` (and ``report.pdf``) into ``out``."""
    from statmech.derive.render import UNITS_NOTE, latex_document

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
    ctx = Context(out=out, quick=quick, progress=progress)
    built, timings = [], {}
    for mod in section_modules():
        if only and mod.__name__.rsplit(".", 1)[-1] not in only:
            continue
        t0 = time.perf_counter()
        built.append(mod.build(ctx))
        timings[mod.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - t0
    md = [f"# {TITLE}\n", f"*{UNITS_NOTE}*\n"]
    tex = []
    for s in built:
        md.append(f"## {s.title}\n\n{s.markdown}\n")
        from statmech.derive.render import tex_prose

        tex.append(f"\\section{{{tex_prose(s.title)}}}\n{s.latex}\n")
    (out / "report.md").write_text("\n".join(md))
    (out / "report.tex").write_text(latex_document(TITLE, "\n".join(tex)))
    pdf = compile_pdf(out / "report.tex")
    return {
        "markdown": str(out / "report.md"),
        "latex": str(out / "report.tex"),
        "pdf": str(pdf) if pdf else None,
        "seconds": timings,
    }


def compile_pdf(tex: Path) -> Path | None:
    """Run pdflatex twice (for references) if it is installed; None otherwise."""
    exe = shutil.which("pdflatex")
    if exe is None:
        return None
    for _ in range(2):
        proc = subprocess.run(
            [exe, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tex.parent,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-20:])
            raise RuntimeError(f"pdflatex failed on {tex}:\n{tail}")
    return tex.with_suffix(".pdf")
