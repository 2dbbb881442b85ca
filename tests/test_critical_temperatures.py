"""The one table of critical temperatures (Weiss, Bethe, exact) that the square-lattice and
mean-field report sections share, against closed forms and the `derive` command's JSON."""

import json
import math

import pytest
import sympy as sp
from statmech.derive import get_model
from statmech.derive.render import results_of
from statmech.derive.thermo import derivations

from statmech.cli import main
from statmech.report import critical_temperatures as ct
from statmech.report.sections import s31_ising_square, s40_meanfield


def rows():
    return {r.lattice: r for r in ct.critical_temperature_table()}


def test_square_lattice_weiss_bethe_exact():
    square = rows()["square"]
    assert square.z == 4 and square.label == "square (z = 4)"
    # Exact SymPy numbers, not floats: z J, 2J / log(z / (z - 2)), 2J / log(1 + sqrt 2) at J = 1.
    assert square.weiss == 4
    assert sp.simplify(square.bethe - 2 / sp.log(2)) == 0
    assert sp.simplify(square.reference - 2 / sp.log(1 + sp.sqrt(2))) == 0
    weiss, bethe, exact = square.values()
    assert weiss == 4.0
    assert bethe == pytest.approx(2 / math.log(2), rel=1e-15)
    assert exact == pytest.approx(2 / math.log1p(math.sqrt(2)), rel=1e-15)
    assert (round(bethe, 4), round(exact, 4)) == (2.8854, 2.2692)
    # Bethe improves on Weiss and both overestimate: fluctuations lower T_c.
    assert exact < bethe < weiss


def test_chain_and_cubic_rows():
    chain, cubic = rows()["chain"], rows()["simple cubic"]
    # Bethe's formula diverges at z = 2 (log(z/(z-2))); its limit T_c = 0 is the exact chain.
    assert chain.values() == (2.0, 0.0, 0.0)
    assert cubic.weiss == 6 and sp.simplify(cubic.bethe - 2 / sp.log(sp.Rational(3, 2))) == 0
    assert float(cubic.reference) == pytest.approx(1 / 0.221654626, rel=1e-15)
    assert cubic.reference < cubic.bethe < cubic.weiss


def test_chain_has_no_spontaneous_magnetization():
    """The chain's reference T_c = 0 rests on the derived m(T, h) -> 0 as h -> 0."""
    M = results_of(derivations(get_model("ising1d")))["M"]
    h = next(s for s in M.free_symbols if s.name == "h")
    assert sp.limit(M, h, 0, "+") == 0


@pytest.mark.parametrize(
    ("model", "lattice", "column"),
    [
        ("mean-field", "square", "weiss"),
        ("bethe", "square", "bethe"),
        ("ising2d", "square", "reference"),
        ("mean-field", "simple cubic", "weiss"),
        ("bethe", "simple cubic", "bethe"),
        ("ising3d", "simple cubic", "reference"),
    ],
)
def test_entries_are_the_derive_json_results(capsys, model, lattice, column):
    """Each entry is `statmech derive MODEL --format json`'s T_c at the lattice's z and J = 1."""
    assert main(["derive", model, "--format", "json"]) == 0
    text = json.loads(capsys.readouterr().out)["results"]["T_c"]
    row = rows()[lattice]
    expr = sp.sympify(text)
    values = {s: {"J": 1, "z": row.z}[s.name] for s in expr.free_symbols}
    assert float(expr.subs(values)) == pytest.approx(float(getattr(row, column)), rel=1e-14)


def test_both_sections_use_the_one_table():
    assert s31_ising_square.critical_temperature_rows() is ct.critical_temperature_table()
    assert s40_meanfield.critical_temperature_table() is ct.critical_temperature_table()


def test_table_renderings():
    md = ct.table_markdown()
    assert "| square (z = 4) | 4.000000 | 2.885390 | 2.269185 |" in md
    assert "| chain (z = 2) | 2.000000 | 0.000000 | 0.000000 |" in md
    assert "| simple cubic (z = 6) | 6.000000 | 4.932607 | 4.511523 |" in md
    assert all(line.count("|") == 6 for line in md.splitlines())
    tex = ct.table_latex()
    # the source column wraps (a paragraph column) so that it stays on the page
    assert tex.startswith("\\begin{tabular}{lrrrp{") and tex.endswith("\\end{tabular}")
    assert "square (z = 4) & 4.000000 & 2.885390 & 2.269185" in tex
