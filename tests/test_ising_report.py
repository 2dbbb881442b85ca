"""The Ising report sections build, with their figures and the exact critical temperature."""

import pytest

from statmech.report import Context
from statmech.report.sections import s30_ising_chain, s31_ising_square


@pytest.mark.parametrize("section", [s30_ising_chain, s31_ising_square])
def test_section_builds_with_figures(tmp_path, section):
    s = section.build(Context(out=tmp_path, quick=True))
    assert s.figures
    for name in s.figures:
        assert (tmp_path / "figures" / name).stat().st_size > 10_000
        assert f"figures/{name}" in s.markdown and f"figures/{name}" in s.latex


def test_critical_temperature_table(tmp_path):
    """Weiss, Bethe and exact side by side, from the shared table."""
    from statmech.report.critical_temperatures import table_latex, table_markdown

    s = s31_ising_square.build(Context(out=tmp_path, quick=True))
    assert table_markdown() in s.markdown and table_latex() in s.latex
    assert "| square (z = 4) | 4.000000 | 2.885390 | 2.269185 |" in s.markdown
    assert "4.511523" in s.markdown
    assert "mean field overestimates $T_c$ by 76%, Bethe by 27%" in s.markdown
