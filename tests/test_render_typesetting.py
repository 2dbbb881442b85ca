"""Typesetting of the renderings: prose escaping, long equations, plain text."""

import re
import shutil
import subprocess

import pytest
import sympy as sp
from statmech.derive.render import (
    _escape_tex,
    display_equation,
    fit_width,
    latex_document,
    plain_text,
    tex_prose,
)

T, J, h = sp.symbols("T J h", positive=True)


def test_escape_tex_makes_every_special_character_literal():
    text = r"a_b | c < d > e & 50% #1 {x} ~ ^ \ end"
    out = _escape_tex(text)
    assert out == (
        r"a\_b \textbar{} c \textless{} d \textgreater{} e \& 50\% \#1 \{x\} "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{} end"
    )


def test_tex_prose_keeps_math_and_sets_subscripted_symbols_as_math():
    assert tex_prose("units with k_B = 1 and $|m| < 1$") == "units with $k_{B}$ = 1 and $|m| < 1$"
    assert tex_prose("near T_c, |h| > 0") == r"near $T_{c}$, \textbar{}h\textbar{} \textgreater{} 0"
    # identifiers that are not one-letter symbols keep a literal underscore
    assert tex_prose("tau_int and s31_ising") == r"tau\_int and s31\_ising"


@pytest.mark.parametrize(
    "latex, plain",
    [
        (r"$q$ quanta of energy $\epsilon$", "q quanta of energy epsilon"),
        (r"$\partial S/\partial U = 1/T$", "dS/dU = 1/T"),
        (r"$\frac{\partial \log Z}{\partial \beta}$", "(d log Z)/(d beta)"),
        (r"mean $\langle E \rangle$, $\frac{1}{N}$", "mean <E>, 1/N"),
        (r"$e^{-\beta E}$ as $T \to 0$", "e^(-beta E) as T -> 0"),
        (r"$\log\Omega$, $\sqrt{2}$, $\operatorname{atanh}(x)$", "log Omega, sqrt(2), atanh(x)"),
        (r"$x_{i} \pm 1$", "x_i +- 1"),
        (r"$n\log n$", "n log n"),
    ],
)
def test_plain_text_reads_latex_as_text(latex, plain):
    assert plain_text(latex) == plain


def test_text_rendering_has_no_raw_latex():
    from statmech.derive import derivations, get_model
    from statmech.derive.render import to_text

    out = to_text(get_model("einstein-solid"), derivations(get_model("einstein-solid")))
    assert "$" not in out
    assert not re.search(r"\\[A-Za-z]", out)
    assert "q quanta of energy epsilon shared by N oscillators" in out
    assert "log n! ~ n log n - n" in out


def _long_rhs():
    """A sum of many wide terms, like the chain's heat capacity at finite field."""
    terms = [
        k * J**2 * sp.sinh(h / T) ** k * sp.exp(k * J / T) / sp.sqrt(sp.exp(4 * J / T) + k)
        for k in range(1, 13)
    ]
    return sp.Add(*terms) / (T**2 * (sp.cosh(h / T) + sp.exp(2 * J / T)))


def test_long_equations_are_broken_short_ones_are_not():
    assert "multline" not in display_equation(sp.Symbol("m"), sp.tanh(J / T))
    long = display_equation(sp.Symbol("c"), _long_rhs())
    assert long.startswith(r"\begin{multline*}") and long.count(r"\fitdisplay{") > 2
    # an equation with no sum to break at falls back to one shrinkable display
    assert r"\fitdisplay{" in display_equation(sp.Symbol("x"), sp.exp(_long_rhs()))


@pytest.mark.latex
def test_report_like_fragment_compiles_without_overfull_boxes(tmp_path):
    x = sp.Symbol("x")
    prose = tex_prose(
        "Temperatures with k_B = 1; near T_c the order parameter |m| < 1 and |h| > 0, "
        "identifiers like tau_int and bind_cumulant_x, and $\\langle |z| \\rangle < 4$."
    )
    table = "\n".join(
        [
            r"\begin{tabular}{" + "r" * 9 + "}",
            " & ".join(tex_prose(f"binder_cumulant_{i} |z|") for i in range(9)) + r"\\",
            " & ".join(f"{v:+.6f}" for v in range(9)) + r"\\",
            r"\end{tabular}",
        ]
    )
    body = "\n\n".join(
        [
            prose,
            display_equation(sp.Symbol("c"), _long_rhs()),
            display_equation(sp.Symbol("y"), sp.exp(_long_rhs())),
            display_equation(sp.Symbol("phi'"), sp.log(1 + x**2 * sp.tanh(J / T)) * _long_rhs()),
            display_equation(sp.Symbol("m"), sp.tanh((J * x + h) / T)),
            r"\begin{center}" + fit_width(table) + r"\end{center}",
        ]
    )
    (tmp_path / "doc.tex").write_text(latex_document("A $k_B$ test: T_c < 3", body))
    proc = subprocess.run(
        [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "doc.log").read_text()
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert max(widths, default=0.0) < 20.0, widths
