"""The foundation sections of the report build, with their figures (and the PDF where
pdflatex exists)."""

import shutil

from statmech.report import build_report

SECTIONS = ["s10_maximum_entropy", "s11_canonical", "s12_microcanonical", "s13_heat_flow"]
FIGURES = [
    "schottky.png",
    "oscillator.png",
    "paramagnet.png",
    "micro_vs_canonical.png",
    "multiplicity_peak.png",
    "heat_flow.png",
]


def test_foundation_sections_build(tmp_path):
    res = build_report(tmp_path, quick=True, only=SECTIONS)
    md = (tmp_path / "report.md").read_text()
    for title in ("maximum entropy", "Canonical thermodynamics", "microcanonical", "heat flows"):
        assert title.lower() in md.lower()
    assert "$$\n" in md and "\\tanh" in md and "\\sinh" in md
    for name in FIGURES:
        assert (tmp_path / "figures" / name).stat().st_size > 10_000, name
        assert f"figures/{name}" in md
    if shutil.which("pdflatex"):
        assert res["pdf"] and (tmp_path / "report.pdf").stat().st_size > 50_000
