"""The validation section of the report."""

import pytest

from statmech.report import Context
from statmech.report.sections import s50_validation as section


def test_z_table_layout():
    rows = [
        {"T": 1.0, "quantity": "energy_per_spin", "z": 0.5},
        {"T": 1.0, "quantity": "binder", "z": -1.25},
        {"T": 2.0, "quantity": "energy_per_spin", "z": 3.0},
    ]
    md, tex = section._z_table(rows)
    lines = md.splitlines()
    assert lines[0] == "| $T$ | $E/N$ | $U_4$ |"
    assert lines[2] == "| 1 | +0.50 | -1.25 |"
    assert lines[3] == "| 2 | +3.00 |  |"
    assert "\\begin{tabular}{rrr}" in tex and "2 & +3.00 &  \\\\" in tex


def test_exact_critical_temperature():
    assert section.T_C == pytest.approx(2.269185314213022, rel=1e-15)


@pytest.mark.slow
def test_quick_section_builds_and_passes(tmp_path):
    ctx = Context(out=tmp_path, quick=True)
    s = section.build(ctx)
    assert "all pass" in s.markdown
    assert "cross at $T = 2." in s.markdown
    # the exact values are named by their method, as validate names them, never a module
    assert (
        "exact values from transfer matrix" in s.markdown and "statmech.numeric" not in s.markdown
    )
    for name in s.figures:
        assert (tmp_path / "figures" / name).stat().st_size > 10000
