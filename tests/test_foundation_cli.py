"""The command line on the ideal systems and topics; LaTeX output compiles."""

import json
import shutil
import subprocess

import pytest
import sympy as sp
from statmech.derive.render import from_string

from statmech.cli import main

FOUNDATION_MODELS = [
    "two-level",
    "paramagnet",
    "harmonic-oscillator",
    "ideal-gas",
    "einstein-solid",
]
TOPICS = ["maximum-entropy", "microcanonical", "heat-flow"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name", FOUNDATION_MODELS + TOPICS)
def test_derive_check_passes(capsys, name):
    code, out, err = run(capsys, "derive", name, "--check", "--format", "json")
    assert code == 0 and "every step checks" in err
    data = json.loads(out)
    assert "T" in data["parameters"]
    assert all(s["check"]["ok"] for d in data["derivations"] for s in d["steps"])
    for text in data["results"].values():
        from_string(text, data)


def test_results_cover_the_quantities(capsys):
    _, out, _ = run(capsys, "derive", "paramagnet", "--format", "json")
    data = json.loads(out)
    results = data["results"]
    assert {"Z", "F", "E", "S", "C", "M", "chi"} <= set(results)
    # plain names (N, not Symbol('N')), parsed back through the document's table
    assert results["M"] == "N*mu*tanh(h*mu/T)" and "Symbol(" not in out
    assert results["Omega"] == "binomial(N_plus + N_minus, N_plus)"
    assert data["symbols"]["N_plus"] == {"name": "N_+", "latex": "N_{+}"}
    N, mu, h, T = sp.symbols("N mu h T")
    assert from_string(results["M"], data) == N * mu * sp.tanh(h * mu / T)
    assert from_string(results["E"], data) == -N * h * mu * sp.tanh(h * mu / T)
    assert data["symbols"]["E"]["name"] == "E"  # the energy, not Euler's number


def test_topics_are_listed(capsys):
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    from statmech.derive.topics import topic_names

    listed = sorted(t["name"] for t in json.loads(out)["topics"])
    assert listed == topic_names() and set(TOPICS) <= set(listed)


def test_unknown_topic_suggests(capsys):
    code, _, err = run(capsys, "derive", "heat-flw")
    assert code == 2 and "did you mean heat-flow" in err and "Traceback" not in err


def test_markdown_uses_dollar_math(capsys):
    _, out, _ = run(capsys, "derive", "harmonic-oscillator", "--format", "markdown")
    assert "$$\n" in out and "\\sinh" in out and "k_B = 1" in out


def test_output_file(capsys, tmp_path):
    target = tmp_path / "d.tex"
    code, _, _ = run(capsys, "derive", "two-level", "--format", "latex", "-o", str(target))
    assert code == 0 and target.read_text().startswith("\\documentclass")


def test_unwritable_output_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "derive", "two-level", "-o", str(tmp_path / "no" / "x.txt"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1


@pytest.mark.latex
@pytest.mark.parametrize("name", FOUNDATION_MODELS + TOPICS)
def test_latex_compiles(capsys, tmp_path, name):
    code, out, _ = run(capsys, "derive", name, "--check", "--format", "latex")
    assert code == 0
    tex = tmp_path / "doc.tex"
    tex.write_text(out)
    proc = subprocess.run(
        [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


@pytest.mark.parametrize(
    "model, arg, message",
    [
        ("paramagnet", "T=0", "temperature must be positive, got T=0.0"),
        ("paramagnet", "mu=-1", "mu must be positive, got mu=-1.0"),
        ("ideal-gas", "V=0", "V must be positive"),
        ("einstein-solid", "q=3", "has no parameter 'q'"),
        ("harmonic-oscillator", "N=1.5", "N must be an integer"),
    ],
)
def test_bad_parameters_are_one_sentence(model, arg, message):
    from statmech import derive
    from statmech.errors import UserError
    from statmech.params import parse_assignments

    with pytest.raises(UserError, match=message):
        parse_assignments(derive.get_model(model), [arg])


def test_negative_field_is_allowed():
    from statmech import derive
    from statmech.params import parse_assignments

    fixed, _ = parse_assignments(derive.get_model("paramagnet"), ["h=-0.5"])
    assert fixed["h"] == -0.5
