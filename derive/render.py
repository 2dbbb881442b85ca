r"""Renderings of derivations: LaTeX, Markdown, plain text and JSON.

All mathematics goes through SymPy's printers; nothing is typed by hand.
Expressions in JSON are written by :func:`to_string`, whose output
:func:`sympy.sympify` parses back (symbols that SymPy would read as something
else, such as ``N``, ``E``, ``S`` or ``beta``, are written ``Symbol('N')``).
"""

from __future__ import annotations

import json
from functools import cache

import sympy as sp
from sympy.printing.str import StrPrinter

from .derivation import Derivation, check_steps

UNITS_NOTE = "Temperatures are in units with k_B = 1 (T is an energy)."


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


def _checks(derivation: Derivation, check: bool):
    if not check:
        return [(s, None) for s in derivation.steps]
    return list(check_steps(derivation.steps))


def _escape_tex(text: str) -> str:
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
    ):
        text = text.replace(a, b)
    return text


def _inline_math(text: str, tex: bool) -> str:
    """Justifications may contain ``$...$`` math; escape the prose around it."""
    parts = text.split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(f"${part}$")
        else:
            out.append(_escape_tex(part) if tex else part)
    return "".join(out)


def to_latex_body(derivations, check: bool = False) -> str:
    lines = []
    for d in derivations:
        lines.append(rf"\subsection*{{{_escape_tex(d.title)}}}")
        if d.intro:
            lines.append(_inline_math(d.intro, tex=True) + "\n")
        for step, result in _checks(d, check):
            tag = _escape_tex(_step_tag(step, result))
            lines.append(r"\noindent " + _inline_math(step.why, tex=True) + tag)
            lines.append(r"\begin{equation*}\begin{aligned}")
            lines.append(latex_equation(step).replace("=", "&=", 1))
            lines.append(r"\end{aligned}\end{equation*}")
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
"""


def latex_document(title: str, body: str) -> str:
    return (
        LATEX_PREAMBLE
        + rf"\title{{{_escape_tex(title)}}}"
        + "\n\\date{}\n\\begin{document}\n\\maketitle\n"
        + _escape_tex(UNITS_NOTE)
        + "\n\n"
        + body
        + "\n\\end{document}\n"
    )


def to_latex(model, derivations, check: bool = False) -> str:
    return latex_document(model.title, to_latex_body(derivations, check))


def to_markdown_body(derivations, check: bool = False, level: int = 2) -> str:
    hashes = "#" * level
    lines = []
    for d in derivations:
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


def to_text(model, derivations, check: bool = False) -> str:
    lines = [model.title, "=" * len(model.title), model.summary, UNITS_NOTE, ""]
    for d in derivations:
        lines += [d.title, "-" * len(d.title)]
        for i, (step, result) in enumerate(_checks(d, check), 1):
            lines.append(f"{i}. {step.why}{_step_tag(step, result)}")
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
        "units": UNITS_NOTE,
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
