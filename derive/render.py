r"""Renderings of derivations: LaTeX, Markdown, plain text and JSON.

All mathematics goes through SymPy's printers; nothing is typed by hand.
Expressions in JSON are written by :func:`to_string`, whose output
:func:`sympy.sympify` parses back (symbols that SymPy would read as something
else, such as ``N``, ``E``, ``S`` or ``beta``, are written ``Symbol('N')``).
"""

from __future__ import annotations

import json
import re
from functools import cache

import sympy as sp
from sympy.printing.str import StrPrinter

from .derivation import Derivation, check_steps

UNITS_NOTE = "Temperatures are in units with $k_B = 1$ ($T$ is an energy)."


@cache
def _clashes(name: str) -> bool:
    try:
        return not isinstance(sp.sympify(name), sp.Symbol)
    except Exception:
        return True


class _RoundTripPrinter(StrPrinter):
    def _print_Symbol(self, expr):
        name = expr.name
        if _clashes(name) or not name.isidentifier():
            return f"Symbol({name!r})"
        return name

    _print_Dummy = _print_Symbol


def to_string(expr) -> str:
    """A string that ``sympy.sympify`` parses back to ``expr`` (up to assumptions)."""
    return _RoundTripPrinter().doprint(sp.sympify(expr))


def from_string(text: str, model_symbols: dict | None = None) -> sp.Expr:
    """Parse :func:`to_string` output, restoring the symbols' assumptions."""
    expr = sp.sympify(text)
    if model_symbols:
        expr = expr.subs({sp.Symbol(n): s for n, s in model_symbols.items()})
    return expr


def latex_equation(step) -> str:
    return f"{sp.latex(step.lhs)} = {sp.latex(step.rhs)}"


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
    if isinstance(rhs, sp.Add):
        return "", list(rhs.as_ordered_terms()), ""
    num, den = sp.fraction(rhs)
    if den != 1 and isinstance(num, sp.Add):
        return rf"\frac{{1}}{{{sp.latex(den)}}} \Bigl(", list(num.as_ordered_terms()), r"\Bigr)"
    if isinstance(rhs, sp.Mul):
        adds = [f for f in rhs.args if isinstance(f, sp.Add)]
        if adds:
            big = max(adds, key=lambda f: len(sp.latex(f)))
            rest = sp.latex(rhs / big)
            return rf"{rest} \Bigl(", list(big.as_ordered_terms()), r"\Bigr)"
    return None


def display_equation(lhs, rhs) -> str:
    r"""``lhs = rhs`` as a display that never runs off the page.

    Short equations are one display.  A long sum (or a fraction or product around one) is
    broken after its top-level terms into a ``multline*``; every line, and every equation
    that cannot be broken so, is shrunk to the line width only if it is still wider.
    """
    lhs_tex = sp.latex(lhs)
    full = f"{lhs_tex} = {sp.latex(rhs)}"
    split = _split_terms(rhs) if len(full) > _LONG_CHARS else None
    if split is None or len(split[1]) < 2:
        return display_latex(full)
    prefix, terms, suffix = split
    lines, current = [], f"{lhs_tex} = {prefix}"
    for k, term in enumerate(terms):
        if k == 0:
            piece = sp.latex(term)
        elif term.could_extract_minus_sign():
            piece = "- " + sp.latex(-term)
        else:
            piece = "+ " + sp.latex(term)
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
    return list(check_steps(derivation.steps))


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

# A one-letter symbol with a subscript written in prose (k_B, T_c, N_+) is a physics
# symbol: it is set as math rather than as an escaped underscore.
_SUBSCRIPTED = re.compile(r"(?<![\w\\])([A-Za-z])_(\{[^{}$]*\}|[A-Za-z0-9+\-]+)(?![\w])")


def _escape_tex(text: str) -> str:
    """Plain prose as LaTeX text: every special character made literal."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


# ASCII spellings in prose set as the symbols they stand for.
_ASCII_SYMBOLS = {"+-": r"$\pm$", "->": r"$\to$", "<=": r"$\le$", ">=": r"$\ge$"}
_PROSE_TOKEN = re.compile(_SUBSCRIPTED.pattern + "|" + "|".join(map(re.escape, _ASCII_SYMBOLS)))


def _prose_tex(text: str) -> str:
    out, last = [], 0
    for m in _PROSE_TOKEN.finditer(text):
        out.append(_escape_tex(text[last : m.start()]))
        if m.group(1):
            out.append(f"${m.group(1)}_{{{m.group(2).strip('{}')}}}$")
        else:
            out.append(_ASCII_SYMBOLS[m.group(0)])
        last = m.end()
    out.append(_escape_tex(text[last:]))
    return "".join(out)


def _inline_math(text: str, tex: bool) -> str:
    """Justifications may contain ``$...$`` math; escape the prose around it."""
    parts = text.split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(f"${part}$")
        else:
            out.append(_prose_tex(part) if tex else part)
    return "".join(out)


def tex_prose(text: str) -> str:
    """Prose with ``$...$`` math as LaTeX: math kept, everything else escaped."""
    return _inline_math(text, tex=True)


def to_latex_body(derivations, check: bool = False, headings: bool = True) -> str:
    lines = []
    for d in derivations:
        if headings:
            lines.append(rf"\subsection*{{{tex_prose(d.title)}}}")
        if d.intro:
            lines.append(tex_prose(d.intro) + "\n")
        for step, result in _checks(d, check):
            tag = _prose_tex(_step_tag(step, result))
            lines.append(r"\noindent " + tex_prose(step.why) + tag)
            lines.append(display_equation(step.lhs, step.rhs))
    return "\n".join(lines)


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
"""


def latex_document(title: str, body: str) -> str:
    return (
        LATEX_PREAMBLE
        + rf"\title{{{tex_prose(title)}}}"
        + "\n\\date{}\n\\begin{document}\n\\maketitle\n"
        + tex_prose(UNITS_NOTE)
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
            lines.append(f"{hashes} {d.title}\n")
        if d.intro:
            lines.append(d.intro + "\n")
        for step, result in _checks(d, check):
            lines.append(step.why + _step_tag(step, result) + "\n")
            lines.append(f"$$\n{latex_equation(step)}\n$$\n")
    return "\n".join(lines)


def to_markdown(model, derivations, check: bool = False) -> str:
    return f"# {model.title}\n\n{model.summary}\n\n*{UNITS_NOTE}*\n\n" + to_markdown_body(
        derivations, check
    )


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
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_WRAPPER = re.compile(r"\\(?:mathrm|mathsf|mathbf|mathit|operatorname|text)\s*\{([^{}]*)\}")
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
            lines.append(f"   {sp.sstr(step.lhs)} = {sp.sstr(step.rhs)}")
        lines.append("")
    return "\n".join(lines)


def results_of(derivations) -> dict[str, sp.Expr]:
    out: dict[str, sp.Expr] = {}
    for d in derivations:
        out.update(d.result_dict)
    return out


def to_json_data(model, derivations, check: bool = False) -> dict:
    return {
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
