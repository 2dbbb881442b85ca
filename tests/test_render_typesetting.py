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
    # identifiers that are not one-letter symbols or Greek letters keep a literal
    # underscore; Greek letters, sums and superscripts are set as math
    assert tex_prose("tau_int and s31_ising") == r"$\tau_{int}$ and s31\_ising"
    assert tex_prose("sum_mu xi_i^mu, alpha_c and m^2") == (
        r"$\sum_{\mu}$ $\xi_{i}^{\mu}$, $\alpha_{c}$ and $m^{2}$"
    )
    assert tex_prose("hbar omega (n + 1/2) as N -> oo, <|m|>") == (
        r"$\hbar \omega$ (n + 1/2) as $N \to \infty$, $\langle \lvert m \rvert \rangle$"
    )


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


def test_text_renderings_of_every_model_have_no_latex():
    """Names written in LaTeX (\\xi, \\operatorname{Var}) and \\frac12, \\mathbb{E} in
    prose are read as plain text."""
    from statmech.derive import all_models, derivations
    from statmech.derive.render import to_text

    for model in all_models():
        out = to_text(model, derivations(model))
        leftovers = re.findall(r".{0,30}(?:\\|\$|\bfrac(?![a-z])|mathbb|operatorname).{0,30}", out)
        assert not leftovers, (model.name, leftovers[:5])


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


# ---- the typeset document, read back ------------------------------------------------

#: Greek letters that must never be spelled out in the typeset text (short names such
#: as eta, mu or phi are left out: they occur inside ordinary words).
GREEK_WORDS = re.compile(
    r"\b(?:alpha|beta|gamma|delta|epsilon|theta|kappa|lambda|sigma|omega|hbar|varphi)"
    r"(?!bet)\w*|\b(?:phi|psi|chi|tau|rho|mu|nu|xi|eta)(?:['′_]|\b)"
)
MODULE_NAMES = re.compile(r"\b(?:statmech|numeric|derive)\.[a-z_]+")
ASCII_MATH = re.compile(r"->|<-|=>|<\||\|>|\boo\b|\+-")
LATEX_LEFTOVERS = re.compile(r"\\|\bfrac(?![a-z])|mathbb|operatorname|mathrm|\$")


def _unbalanced_scripts(tex: str) -> list[str]:
    """Sub- and superscript groups ``_{...}`` / ``^{...}`` whose brackets do not pair
    up, as in ``k(T_{c)}`` (the argument's bracket fell into the subscript)."""
    bad = []
    for m in re.finditer(r"[_^]\{", tex):
        depth, i = 1, m.end()
        while i < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        group = tex[m.end() : i - 1]
        group = re.sub(r"\\[lr]?[{}]|\\left.|\\right.|\\[A-Za-z]+", "", group)
        if group.count("(") != group.count(")") or group.count("[") != group.count("]"):
            bad.append(tex[max(0, m.start() - 20) : i])
    return bad


def typesetting_faults(tex: str, text: str) -> dict[str, list[str]]:
    """The faults of a typeset document: ``tex`` its source, ``text`` what pdftotext
    reads from its PDF (empty lists when there are none)."""

    def hits(pattern):
        return sorted({text[max(0, m.start() - 25) : m.end() + 25] for m in pattern.finditer(text)})

    return {
        "unbalanced subscripts": _unbalanced_scripts(tex),
        "spelled-out Greek": hits(GREEK_WORDS),
        "module names": hits(MODULE_NAMES),
        "ASCII math": hits(ASCII_MATH),
        "LaTeX leftovers": hits(LATEX_LEFTOVERS),
    }


def pdf_text(pdf) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_fault_checks_find_the_faults_they_name():
    tex = r"$k(T_{c)}$ and $c(T_{c(1 + 1/n))}$ but $k(T_{c})$, $x_{(i)}$, $e^{\left(x\right)}$"
    assert len(_unbalanced_scripts(tex)) == 2
    text = "with sigmaqA and phi′ set from numeric.ising_exact as N -> oo, <|m|> and \\frac"
    faults = typesetting_faults("", text)
    assert all(faults[k] for k in ("spelled-out Greek", "module names", "ASCII math"))
    assert faults["LaTeX leftovers"]
    clean = typesetting_faults("$k(T_{c})$", "the alphabet, metastable, betweenness, Tc → ∞")
    assert not any(clean.values()), clean


needs_pdf_tools = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="needs pdflatex and pdftotext (poppler-utils)",
)


@pytest.mark.latex
@needs_pdf_tools
def test_every_derivation_typesets_without_the_known_faults(tmp_path):
    """All models' derivations as one document, typeset and read back with pdftotext."""
    from statmech.derive import all_models, derivations
    from statmech.derive.render import cite_quoted, number_steps, to_latex_body

    body = []
    for model in all_models():
        body.append(rf"\section{{{tex_prose(model.title)}}}" + "\n" + tex_prose(model.summary))
        body.append(to_latex_body(derivations(model)))
    # as the report sets them: steps numbered and cited, quoted references cited
    numbered, bib = cite_quoted(number_steps("\n\n".join(body)))
    tex = latex_document("Every derivation", numbered + bib)
    (tmp_path / "doc.tex").write_text(tex)
    for _ in range(2):  # the second pass resolves the references
        proc = subprocess.run(
            [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout[-2000:]
    text = pdf_text(tmp_path / "doc.pdf")
    faults = typesetting_faults(tex, text)
    assert not any(faults.values()), {k: v[:5] for k, v in faults.items() if v}
    assert "(??)" not in text and "[?]" not in text  # every reference resolved
    assert re.search(r"\[from \(\d+\)", text)  # steps cite the equations they use


@pytest.mark.slow
@pytest.mark.latex
@needs_pdf_tools
def test_the_report_pdf_has_none_of_the_known_faults(tmp_path, monkeypatch):
    """The whole report (quick settings), as printed: captions, tables and prose too."""
    from statmech.report import build_report

    monkeypatch.setenv("STATMECH_CACHE_DIR", str(tmp_path / "cache"))
    res = build_report(tmp_path / "out", quick=True, jobs=2)
    tex = (tmp_path / "out" / "report.tex").read_text()
    faults = typesetting_faults(tex, pdf_text(res["pdf"]))
    assert not any(faults.values()), {k: v[:5] for k, v in faults.items() if v}


def test_quoted_references_become_one_numbered_bibliography():
    from statmech.derive.render import cite_quoted

    yang = r"\quoted{Yang, Phys. Rev. 85 \{808\} (1952)}"
    body = rf"x {yang} y \quoted{{Onsager}} z {yang.replace(' (', '  (')}"
    text, bib = cite_quoted(body)
    assert text == r"x [quoted:~\cite{q1}] y [quoted:~\cite{q2}] z [quoted:~\cite{q1}]"
    assert bib.count(r"\bibitem") == 2
    assert r"\bibitem{q1} Yang, Phys. Rev. 85 \{808\} (1952)" in bib
    assert cite_quoted("nothing quoted") == ("nothing quoted", "")


@pytest.mark.latex
@needs_pdf_tools
def test_quoted_steps_are_cited_from_a_bibliography(tmp_path):
    from statmech.derive import derivations, get_model
    from statmech.derive.render import cite_quoted, to_latex_body

    body = to_latex_body(derivations(get_model("ising2d")))
    assert r"\quoted{" in body
    body, bib = cite_quoted(body)
    (tmp_path / "doc.tex").write_text(latex_document("Cited", body + bib))
    for _ in range(2):  # the second pass resolves the citations
        proc = subprocess.run(
            [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout[-2000:]
    text = pdf_text(tmp_path / "doc.pdf")
    assert "References" in text and "[quoted: [1]]" in text and "[?]" not in text
