"""The Boltzmann-machine report section builds, with its four figures."""

import pytest

from statmech.report import build_report


@pytest.mark.slow
def test_boltzmann_section_builds(tmp_path):
    build_report(tmp_path, quick=True, only=["s60_boltzmann_machines"])
    text = (tmp_path / "report.md").read_text()
    assert "AIS" in text and "exact" in text
    for name in ("rbm_test_loglik", "rbm_samples", "rbm_filters", "rbm_ais"):
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 1000
