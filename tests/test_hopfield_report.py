"""The Hopfield report section: its figures, captions and table, and the whole build."""

import numpy as np
import pytest
from _report_helpers import CODE_IN_CAPTION, check_build, check_figures, small_figures

from statmech.report import build_report
from statmech.report.sections import s65_hopfield as sec

FIGURES = (
    "hopfield_phase",
    "hopfield_overlap",
    "hopfield_basins",
    "hopfield_digits_ten",
    "hopfield_digits_three",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The section's figures at tiny sizes (the quick settings made smaller)."""
    out = tmp_path_factory.mktemp("r65")
    settings = {
        "PHASE_ALPHAS": np.array([0.02, 0.08]),
        "PHASE_TOL": 1e-3,
        "CURVE_NS": (100, 200),
        "CURVE_ALPHAS": (0.05, 0.3),
        "NETWORKS": 2,
        "CURVE_NETWORKS": 2,
        "BASIN_N": 200,
        "BASIN_M0": np.array([0.2, 1.0]),
    }
    return out, small_figures(sec, out, settings)


def test_figures_are_drawn(small):
    check_figures(small[0], FIGURES)


def test_measured_numbers_behave(small):
    _, r = small
    assert r["alpha_c"] == pytest.approx(0.138, abs=5e-4)
    assert r["m_c"] == pytest.approx(0.967, abs=5e-4)
    for N in (100, 200):
        m = {s["alpha"]: s["m"] for s in r["sims"] if s["N"] == N}
        assert m[0.05] > 0.95 and m[0.3] < m[0.05] - 0.1
    # three stored digits come back exactly; ten correlated ones do not
    assert r["few"]["correct"].all()
    assert not r["ten"]["correct"].all()


def test_captions_say_theory_and_measured(small):
    _, r = small
    caps = sec._captions(r)
    assert set(caps) == {f"{n}.png" for n in FIGURES}
    assert "Theory only" in caps["hopfield_phase.png"]
    for name in ("hopfield_overlap.png", "hopfield_basins.png"):
        assert "measured" in caps[name].lower() and "error bars" in caps[name]
    for cap in caps.values():
        assert not CODE_IN_CAPTION.search(cap), cap


def test_table_reports_unreached_drop():
    r = {"fss": {100: float("nan"), 200: 0.2}, "sims": [{"alpha": 0.3}]}
    md = sec._table(r, tex=False)
    assert "| 100 | above 0.3 (not reached) |" in md and "| 200 | 0.200 |" in md
    assert "\\end{tabular}" in sec._table(r, tex=True)


def test_table_shows_the_extrapolation():
    fit = {"alpha_inf": 0.1412, "Ns": [1000, 2000], "slope": 1.0, "power": 0.5}
    r = {"fss": {1000: 0.17, 2000: 0.16}, "sims": [{"alpha": 0.3}], "fit": fit}
    md = sec._table(r, tex=False)
    assert "N = 1000, 2000" in md and "| 0.141 |" in md


def _check_build(out):
    check_build(out, FIGURES, "Hopfield", "\\alpha_c = 0.137906")


@pytest.mark.slow
def test_quick_build(tmp_path):
    build_report(tmp_path, quick=True, only=["s65_hopfield"])
    _check_build(tmp_path)


@pytest.mark.slow
def test_full_build(tmp_path):
    build_report(tmp_path, quick=False, only=["s65_hopfield"])
    _check_build(tmp_path)


def test_solutions_table_lists_every_branch():
    lead, md = sec._solutions_table(tex=False)
    assert "stable" in lead and "replicon" in lead
    assert md.count("| retrieval |") == 2 and md.count("| spin glass |") == 1
    assert "| metastable |" in md and "| unstable |" in md
    assert sec._solutions_table(tex=True)[1].count("\\\\") == 4
