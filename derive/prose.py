r"""Prose beside the mathematics: plain text made safe for LaTeX, and symbols spelled in
ASCII (``T_c``, ``omega``, ``xi_i^mu``, ``<|m|>``, ``N -> oo``, ``+-``) set as the
math they stand for, in LaTeX and in Markdown.  ``$...$`` math in the prose is kept.
"""

from __future__ import annotations

import re

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

# A one-letter symbol, a Greek letter spelled out, or sum/prod with sub- or superscripts
# written in prose (k_B, T_c, N_+, m^2, xi_i^mu, alpha_c, sum_mu) is a physics symbol:
# it is set as math rather than as an escaped underscore.  (Defined below the Greek
# names it uses.)


def _escape_tex(text: str) -> str:
    """Plain prose as LaTeX text: every special character made literal."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


# ASCII spellings in prose set as the symbols they stand for.
_ASCII_SYMBOLS = {"+-": r"\pm", "->": r"\to", "<=": r"\le", ">=": r"\ge"}
#: Greek letters (and hbar) spelled out in prose: set as symbols, a run of them as one
#: product ("hbar omega" is $\hbar \omega$), with any primes ("phi'").
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
    "mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda "
    "Xi Pi Sigma Phi Psi Omega hbar"
).split()
_GREEK_WORD = r"(?:" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")'*"
_SCRIPT = r"[_^](?:\{[^{}$]*\}|[A-Za-z0-9+\-]+)"
_SCRIPTED = re.compile(
    r"(?<![\w\\])(?:" + _GREEK_WORD + r"|sum|prod|[A-Za-z]'*)(?:" + _SCRIPT + r")+(?![\w])"
)
_PROSE_PATTERNS = [
    # "N -> oo", "T -> 0": one formula
    ("limit", r"(?<![\w\\$])([A-Za-z](?:_\w+)?)\s*->\s*(oo|[0-9]+|[A-Za-z])(?![\w])"),
    # an average written with angle brackets, "<|m|>", "<m^2>"
    ("average", r"<([^<>\s$]+)>"),
    ("scripted", _SCRIPTED.pattern),
    ("greek", r"(?<![\w\\$])(" + _GREEK_WORD + r"(?: " + _GREEK_WORD + r")*)(?![\w])"),
    ("ascii", "|".join(map(re.escape, _ASCII_SYMBOLS))),
    ("infinity", r"(?<![\w\\$])oo(?![\w])"),
]
_PROSE_TOKEN = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _PROSE_PATTERNS))


def _math_name(name: str) -> str:
    """A prose spelling as math: ``T_c`` -> ``T_{c}``, ``omega`` -> ``\\omega``,
    ``xi_i^mu`` -> ``\\xi_{i}^{\\mu}``, ``sum_mu`` -> ``\\sum_{\\mu}``."""
    parts = re.split(r"([_^])", name)
    head, scripts = parts[0], parts[1:]
    primes = len(head) - len(head.rstrip("'"))
    bare = head.rstrip("'")
    out = (f"\\{bare}" if bare in _GREEK or bare in ("sum", "prod") else bare) + "'" * primes
    for mark, script in zip(scripts[::2], scripts[1::2], strict=True):
        inner = re.sub(
            r"(?<![\\A-Za-z])(" + "|".join(_GREEK) + r")(?![A-Za-z])",
            r"\\\1",
            script.strip("{}"),
        )
        out += f"{mark}{{{inner}}}"
    return out


def _prose_math(m: re.Match) -> str:
    """The math (without dollars) that a prose token stands for."""
    kind = m.lastgroup
    text = m.group(kind)
    if kind == "limit":
        var, to = re.match(r"(\S+?)\s*->\s*(\S+)", text).groups()
        target = r"\infty" if to == "oo" else _math_name(to)
        return f"{_math_name(var)} \\to {target}"
    if kind == "average":
        inner = text[1:-1]
        inner = re.sub(r"\|([^|]+)\|", r"\\lvert \1 \\rvert", inner)
        return f"\\langle {inner} \\rangle"
    if kind == "scripted":
        return _math_name(text)
    if kind == "greek":
        return " ".join(_math_name(w) for w in text.split())
    if kind == "ascii":
        return _ASCII_SYMBOLS[text]
    return r"\infty"


def _prose_tex(text: str) -> str:
    out, last = [], 0
    for m in _PROSE_TOKEN.finditer(text):
        out.append(_escape_tex(text[last : m.start()]))
        out.append(f"${_prose_math(m)}$")
        last = m.end()
    out.append(_escape_tex(text[last:]))
    return "".join(out)


def _prose_markdown(text: str) -> str:
    return _PROSE_TOKEN.sub(lambda m: f"${_prose_math(m)}$", text)


def _inline_math(text: str, tex: bool) -> str:
    """Justifications may contain ``$...$`` math; escape the prose around it."""
    parts = text.split("$")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(f"${part}$")
        else:
            out.append(_prose_tex(part) if tex else _prose_markdown(part))
    return "".join(out)


def tex_prose(text: str) -> str:
    """Prose with ``$...$`` math as LaTeX: math kept, everything else escaped; symbols
    spelled in ASCII (``T_c``, ``omega``, ``<|m|>``, ``N -> oo``, ``+-``) set as math."""
    return _inline_math(text, tex=True)


def markdown_prose(text: str) -> str:
    """Prose for Markdown: ``$...$`` math kept, symbols spelled in ASCII set as math
    as :func:`tex_prose` sets them (``S_ST`` is ``$S_{ST}$``, ``hbar omega`` is
    ``$\\hbar \\omega$``)."""
    return _inline_math(text, tex=False)
