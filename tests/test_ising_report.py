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
    s = s31_ising_square.build(Context(out=tmp_path, quick=True))
    assert "| square (z = 4) | exact (Kramers-Wannier, Onsager) | 2.269185314 |" in s.markdown
    assert "4.511523" in s.markdown
