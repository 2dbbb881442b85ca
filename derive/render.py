r"""Renderings of derivations: LaTeX, Markdown, plain text and JSON.

All mathematics goes through SymPy's printers; nothing is typed by hand.
Expressions in JSON are plain strings over the identifiers of the document's
``"symbols"`` and ``"functions"`` (each with its name and LaTeX), which
:func:`from_string` parses back (:mod:`.json_expressions`).
"""

from __future__ import annotations

import json
import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from .derivation import Derivation, checked_steps
from .json_expressions import NameTable, from_string  # noqa: F401 - from_string: re-exported
from .printing import latex, merge_powers, ordered_terms
from .prose import _escape_tex, _prose_tex, markdown_prose, tex_prose

UNITS_NOTE = "Temperatures are in units with $k_B = 1$ ($T$ is an energy)."


def latex_equation(step) -> str:
    return f"{latex(step.lhs)} = {latex(step.rhs)}"


def display_latex(equation: str) -> str:
    r"""A display equation that never runs off the page.

    ``\fitdisplay`` (defined in :data:`LATEX_PREAMBLE`) sets the equation in a box and
    shrinks it to the line width only when it is wider, so any output of SymPy's printer
    fits; short equations are untouched.
    """
    return "\\begin{equation*}\n\\fitdisplay{" + equation + "}\n\\end{equation*}"


# Display equations longer than this much LaTeX source are broken over lines (at the
# top-level terms of a sum) before they are shrunk; each line holds about _LINE_CHARS.
_LONG_CHARS = 400
_LINE_CHARS = 220


def _split_terms(rhs):
    """``(prefix, terms, suffix)`` with ``rhs == prefix * Add(*terms) * suffix``, or None."""
    rhs = merge_powers(rhs)
    if isinstance(rhs, sp.Add):
        return "", ordered_terms(rhs), ""
    num, den = sp.fraction(rhs)
    if den != 1 and isinstance(num, sp.Add):
        return rf"\frac{{1}}{{{latex(den)}}} \Bigl(", ordered_terms(num), r"\Bigr)"
    if isinstance(rhs, sp.Mul):
        adds = [f for f in rhs.args if isinstance(f, sp.Add)]
        if adds:
            big = max(adds, key=lambda f: len(latex(f)))
            rest = latex(rhs / big)
            return rf"{rest} \Bigl(", ordered_terms(big), r"\Bigr)"
    return None


def display_equation(lhs, rhs) -> str:
    r"""``lhs = rhs`` as a display that never runs off the page.

    Short equations are one display.  A long sum (or a fraction or product around one) is
    broken after its top-level terms into a ``multline*``; every line, and every equation
    that cannot be broken so, is shrunk to the line width only if it is still wider.
    """
    lhs_tex = latex(lhs)
    full = f"{lhs_tex} = {latex(rhs)}"
    split = _split_terms(rhs) if len(full) > _LONG_CHARS else None
    if split is None or len(split[1]) < 2:
        return display_latex(full)
    prefix, terms, suffix = split
    lines, current = [], f"{lhs_tex} = {prefix}"
    for k, term in enumerate(terms):
        if k == 0:
            piece = latex(term)
        elif term.could_extract_minus_sign():
            piece = "- " + latex(-term)
        else:
            piece = "+ " + latex(term)
        if k and len(current) + len(piece) > _LINE_CHARS:
            lines.append(current)
            current = r"\qquad " + piece
        else:
            current = f"{current} {piece}"
    lines.append(current + " " + suffix)
    body = " \\\\\n".join(r"\fitdisplay{" + line.strip() + "}" for line in lines)
    return "\\begin{multline*}\n" + body + "\n\\end{multline*}"


def fit_width(material: str) -> str:
    r"""Text-mode material (a ``tabular``) shrunk to the line width only when wider."""
    return "\\fitbox{" + material + "}"


def _checks(derivation: Derivation, check: bool):
    if not check:
        return [(s, None) for s in derivation.steps]
    return list(checked_steps(derivation))


def to_latex_body(derivations, check: bool = False, headings: bool = True) -> str:
    lines = []
    for d in derivations:
        if headings:
            lines.append(rf"\subsection*{{{tex_prose(d.title)}}}")
        if d.intro:
            lines.append(tex_prose(d.intro) + "\n")
        defined: dict = {}  # the quantity an earlier step defines -> that step's index
        for k, (step, result) in enumerate(_checks(d, check)):
            tag = _latex_tag(step, result) + _uses(step, defined)
            lines.append(r"\noindent " + tex_prose(step.why) + tag)
            lines.append(f"%step:{k}\n" + display_equation(step.lhs, step.rhs))
            if isinstance(step.lhs, (sp.Symbol, AppliedUndef)):
                defined[step.lhs] = k
    return "\n".join(lines)


def _uses(step, defined: dict) -> str:
    r"""``\stepuses{j,k}``: the earlier steps whose quantities this step was computed
    from (those its ``via`` contains), which a report cites by equation number
    (:func:`number_steps`); empty when there are none."""
    if step.via is None or not isinstance(step.via, sp.Basic):
        return ""
    names = step.via.free_symbols | step.via.atoms(AppliedUndef)
    used = sorted(j for q, j in defined.items() if q in names)
    return rf" \stepuses{{{','.join(map(str, used))}}}" if used else ""


def number_steps(body: str) -> str:
    r"""Number the derivation steps of an assembled document and cite them.

    Each step's display (marked ``%step:k`` by :func:`to_latex_body`) becomes a
    numbered equation with a label of its own; each ``\stepuses{j,...}`` becomes
    "from (n)" with ``n`` the number of step ``j`` of the same derivation (the most
    recent display marked ``j``)."""
    out: list[str] = []
    labels: dict[str, str] = {}
    count = 0
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.fullmatch(r"%step:(\d+)", line)
        if (
            m
            and i + 1 < len(lines)
            and lines[i + 1].startswith(("\\begin{equation*}", "\\begin{multline*}"))
        ):
            if m.group(1) == "0":
                labels = {}  # a new derivation
            count += 1
            label = f"step{count}"
            labels[m.group(1)] = label
            env = "equation" if "equation*" in lines[i + 1] else "multline"
            j = i + 1
            block = [lines[j].replace(env + "*", env)]
            while not lines[j].startswith(f"\\end{{{env}*}}"):
                j += 1
                block.append(lines[j])
            block[-1] = f"\\label{{{label}}}\\end{{{env}}}"
            out.extend(block)
            i = j + 1
            continue
        out.append(_cite_steps(line, labels))
        i += 1
    return "\n".join(out)


def _cite_steps(line: str, labels: dict) -> str:
    def cite(m: re.Match) -> str:
        refs = [f"(\\ref{{{labels[k]}}})" for k in m.group(1).split(",") if k in labels]
        return f"[from {', '.join(refs)}]" if refs else ""

    return re.sub(r"\\stepuses\{([\d,]+)\}", cite, line)


def _latex_tag(step, result) -> str:
    r"""The LaTeX of a step's tag; a quoted step's reference is ``\quoted{...}``, which a
    document prints inline, or :func:`cite_quoted` turns into a citation."""
    if step.rule == "quoted":
        return rf" \quoted{{{_escape_tex(step.reference)}}}"
    return _prose_tex(_step_tag(step, result))


def _groups(body: str, macro: str):
    """``(start, end, argument)`` of each ``\\macro{argument}`` in ``body`` (escaped
    braces inside the argument are skipped)."""
    token = "\\" + macro + "{"
    i = body.find(token)
    while i >= 0:
        j, depth = i + len(token), 1
        while j < len(body) and depth:
            if body[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
        yield i, j, body[i + len(token) : j - 1]
        i = body.find(token, j)


def cite_quoted(body: str) -> tuple[str, str]:
    r"""``(body, bibliography)``: each ``\quoted{reference}`` of ``body`` becomes a
    numbered citation, and the references, in order of first use, a
    ``thebibliography`` (empty when nothing is quoted)."""
    keys: dict[str, str] = {}
    out, last = [], 0
    for start, end, ref in _groups(body, "quoted"):
        key = keys.setdefault(" ".join(ref.split()), f"q{len(keys) + 1}")
        out.append(body[last:start] + f"[quoted:~\\cite{{{key}}}]")
        last = end
    out.append(body[last:])
    if not keys:
        return body, ""
    items = "\n".join(f"\\bibitem{{{key}}} {ref}" for ref, key in keys.items())
    bib = "\\begin{thebibliography}{99}\n" + items + "\n\\end{thebibliography}\n"
    return "".join(out), bib


def _step_tag(step, result) -> str:
    if step.rule == "quoted":
        return f" [quoted: {step.reference}]"
    if result is None:
        return ""
    return f" [{result.method}{', ' + result.detail if result.detail else ''}]"


LATEX_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\allowdisplaybreaks
\setlength{\emergencystretch}{3em}
\setlength{\multlinegap}{0pt}
\newsavebox{\fitsave}
\newcommand{\fitbox}[1]{\sbox{\fitsave}{#1}%
  \ifdim\wd\fitsave>\linewidth\resizebox{\linewidth}{!}{\usebox{\fitsave}}%
  \else\usebox{\fitsave}\fi}
\newcommand{\fitdisplay}[1]{\fitbox{$\displaystyle #1$}}
% Floats stay in their section: a barrier (as in the placeins package) before each
% section sets every pending float first.
\makeatletter
\providecommand{\FloatBarrier}{\par\begingroup\let\@elt\relax
  \edef\@tempa{\@botlist\@deferlist\@dbldeferlist}%
  \ifx\@tempa\@empty\endgroup\else\endgroup\clearpage\fi}
\makeatother
% A quoted step's reference, inline (a report turns it into a citation)
\newcommand{\quoted}[1]{[quoted: #1]}
% The steps a step was computed from (a report numbers them; alone: nothing)
\newcommand{\stepuses}[1]{}
\usepackage[hidelinks]{hyperref}
"""


def latex_document(title: str, body: str, contents: bool = False, note: str = UNITS_NOTE) -> str:
    """A complete LaTeX document; ``contents`` adds a table of contents, ``note`` is the
    paragraph under the title."""
    return (
        LATEX_PREAMBLE
        + rf"\title{{{tex_prose(title)}}}"
        + "\n\\date{}\n\\begin{document}\n\\maketitle\n"
        + ("\\tableofcontents\n\n" if contents else "")
        + tex_prose(note)
        + "\n\n"
        + body
        + "\n\\end{document}\n"
    )


def to_latex(model, derivations, check: bool = False) -> str:
    return latex_document(model.title, to_latex_body(derivations, check))


def to_markdown_body(
    derivations, check: bool = False, level: int = 2, headings: bool = True
) -> str:
    hashes = "#" * level
    lines = []
    for d in derivations:
        if headings:
            lines.append(f"{hashes} {markdown_prose(d.title)}\n")
        if d.intro:
            lines.append(markdown_prose(d.intro) + "\n")
        for step, result in _checks(d, check):
            lines.append(markdown_prose(step.why) + _step_tag(step, result) + "\n")
            lines.append(f"$$\n{latex_equation(step)}\n$$\n")
    return "\n".join(lines)


def to_markdown(model, derivations, check: bool = False) -> str:
    head = f"# {model.title}\n\n{markdown_prose(model.summary)}\n\n*{UNITS_NOTE}*\n\n"
    return head + to_markdown_body(derivations, check)


_PLAIN_WORDS = {
    "partial": "d",
    "cdot": "*",
    "times": "x",
    "langle": "\x00",
    "rangle": "\x01",
    "to": "->",
    "rightarrow": "->",
    "infty": "oo",
    "pm": "+-",
    "mp": "-+",
    "approx": "~",
    "propto": "~",
    "ne": "!=",
    "neq": "!=",
    "le": "<=",
    "leq": "<=",
    "ge": ">=",
    "geq": ">=",
    "in": "in",
    "ldots": "...",
    "cdots": "...",
    "quad": " ",
    "qquad": " ",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "displaystyle": "",
    "varphi": "phi",
    "varepsilon": "epsilon",
}
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
# \frac12, \tfrac1N: one-character arguments without braces
_FRAC_SHORT = re.compile(r"\\[dt]?frac\s*([0-9A-Za-z])\s*([0-9A-Za-z])")
# \mathbb{E}, \mathbb E: an operator letter, kept apart from what precedes it
_BLACKBOARD = re.compile(r"\\(?:mathbb|mathcal)\s*(?:\{([^{}]*)\}|([A-Za-z]))")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_WRAPPER = re.compile(
    r"\\(?:mathrm|mathsf|mathbf|mathit|boldsymbol|operatorname|text|tilde|hat|bar)\s*\{([^{}]*)\}"
)
_COMMAND = re.compile(r"\\([A-Za-z]+)\s?")


def _plain_group(text: str) -> str:
    return text if re.fullmatch(r"[\w.]*", text) else f"({text})"


def plain_text(text: str) -> str:
    r"""Prose with ``$...$`` LaTeX made readable as plain text.

    ``$q$ quanta of energy $\epsilon$`` becomes ``q quanta of energy epsilon``;
    ``\frac{a}{b}`` becomes ``a/b``, ``\partial`` ``d``, ``\langle x\rangle`` ``<x>``;
    other commands lose their backslash (``\log`` -> ``log``, ``\beta`` -> ``beta``).
    """
    text = text.replace("$", "")
    text = _BLACKBOARD.sub(lambda m: " " + (m.group(1) or m.group(2)), text)
    text = _FRAC_SHORT.sub(lambda m: f"{m.group(1)}/{m.group(2)}", text)
    text = re.sub(r"\\[lr]vert\b\s*|\\[lr]Vert\b\s*", "|", text)
    text = re.sub(r"\\(?:[Bb]igg?|[Bb]igg?[lr])\b\s*", "", text)
    for _ in range(4):  # innermost groups first, so nested fractions unwind
        text = _WRAPPER.sub(r"\1", text)
        text = _SQRT.sub(lambda m: f"sqrt({m.group(1)})", text)
        text = _FRAC.sub(lambda m: f"{_plain_group(m.group(1))}/{_plain_group(m.group(2))}", text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = _COMMAND.sub(_plain_command, text)
    text = text.replace("\\{", "{").replace("\\}", "}")
    for _ in range(2):
        text = re.sub(r"\^\{([^{}]{2,})\}", r"^(\1)", text)
        text = re.sub(r"\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\x00\s*", "<", text)
    text = re.sub(r"\s*\x01", ">", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _plain_command(m: re.Match) -> str:
    name = m.group(1)
    word = _PLAIN_WORDS.get(name, name)
    rest = m.string[m.end() :]
    if word == "d":  # d/dT: glued to what it differentiates, unless that is a command
        return word + (" " if rest[:1] == "\\" else "")
    spaced = m.group(0).endswith(" ") or rest[:1].isalpha()
    before = " " if word.isalpha() and m.string[m.start() - 1 : m.start()].isalnum() else ""
    return before + word + (" " if spaced or (word.isalpha() and rest[:1] == "\\") else "")


class _TextPrinter(StrPrinter):
    """SymPy's string printer, with names written in LaTeX (``\\xi``,
    ``\\operatorname{Var}``, ``\\tilde P(v)``) read as plain text."""

    def _print_Symbol(self, expr):
        name = super()._print_Symbol(expr)
        return plain_text(name) if re.search(r"[\\{]", name) else name

    _print_Dummy = _print_Symbol

    def _print_Function(self, expr):
        name = expr.func.__name__
        if not re.search(r"[\\{]", name):
            return super()._print_Function(expr)
        return plain_text(name) + "(" + self.stringify(expr.args, ", ") + ")"


def _text(expr) -> str:
    return _TextPrinter().doprint(expr)


def to_text(model, derivations, check: bool = False) -> str:
    lines = [model.title, "=" * len(model.title), plain_text(model.summary)]
    lines += [plain_text(UNITS_NOTE), ""]
    for d in derivations:
        title = plain_text(d.title)
        lines += [title, "-" * len(title)]
        if d.intro:
            lines.append(plain_text(d.intro))
        for i, (step, result) in enumerate(_checks(d, check), 1):
            lines.append(f"{i}. {plain_text(step.why)}{_step_tag(step, result)}")
            lines.append(f"   {_text(step.lhs)} = {_text(step.rhs)}")
        lines.append("")
    return "\n".join(lines)


def results_of(derivations) -> dict[str, sp.Expr]:
    out: dict[str, sp.Expr] = {}
    for d in derivations:
        out.update(d.result_dict)
    return out


def to_json_data(model, derivations, check: bool = False) -> dict:
    """The JSON document: expressions as plain strings (and steps in LaTeX), with the
    table of the symbols and functions they name (:mod:`.json_expressions`)."""
    names = NameTable()
    to_string = names.string
    data = {
        "model": model.name,
        "title": model.title,
        "units": plain_text(UNITS_NOTE),
        "parameters": list(model.parameter_names),
        "derivations": [
            {
                "title": d.title,
                "steps": [
                    {
                        "lhs": to_string(step.lhs),
                        "rhs": to_string(step.rhs),
                        "latex": latex_equation(step),
                        "why": step.why,
                        "rule": step.rule,
                        **({"reference": step.reference} if step.reference else {}),
                        **(
                            {
                                "check": {
                                    "ok": result.ok,
                                    "method": result.method,
                                    "detail": result.detail,
                                }
                            }
                            if result is not None
                            else {}
                        ),
                    }
                    for step, result in _checks(d, check)
                ],
            }
            for d in derivations
        ],
        "results": {k: to_string(v) for k, v in results_of(derivations).items()},
    }
    return {**data, **names.as_dict()}


def to_json(model, derivations, check: bool = False) -> str:
    return json.dumps(to_json_data(model, derivations, check), indent=2)


FORMATS = ("latex", "markdown", "text", "json")


def render(model, derivations, fmt: str, check: bool = False) -> str:
    if fmt == "latex":
        return to_latex(model, derivations, check)
    if fmt == "markdown":
        return to_markdown(model, derivations, check)
    if fmt == "text":
        return to_text(model, derivations, check)
    if fmt == "json":
        return to_json(model, derivations, check)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
