"""The Hopfield report section: its figures, captions and table, and the whole build."""

import re

import numpy as np
import pytest

from statmech.report import Context, build_report
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
    mp = pytest.MonkeyPatch()
    mp.setattr(sec, "PHASE_ALPHAS", (np.array([0.02, 0.08]), None))
    mp.setattr(sec, "PHASE_ITER", ({"steps": 100, "bisections": 4}, None))
    mp.setattr(sec, "CURVE_NS", ((100, 200), None))
    mp.setattr(sec, "CURVE_ALPHAS", ((0.05, 0.3), None))
    mp.setattr(sec, "NETWORKS", (2, None))
    mp.setattr(sec, "CURVE_NETWORKS", (2, None))
    mp.setattr(sec, "BASIN_N", (200, None))
    mp.setattr(sec, "BASIN_M0", (np.array([0.2, 1.0]), None))
    try:
        r = sec._figures(Context(out, quick=True))
    finally:
        mp.undo()
    return out, r


def test_figures_are_drawn(small):
    out, _ = small
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").stat().st_size > 5000, name


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
        assert not re.search(r"statmech|numeric\.|\w+_\w+\(|\.py", cap), cap


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
    text = (out / "report.md").read_text()
    assert "Hopfield" in text and "\\alpha_c = 0.137906" in text
    assert "[symbolic" in text  # the steps were checked as they were rendered
    for name in FIGURES:
        assert f"figures/{name}.png" in text
        assert (out / "figures" / f"{name}.png").stat().st_size > 5000
    tex = (out / "report.tex").read_text()
    assert tex.count("\\includegraphics") == len(FIGURES)


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
