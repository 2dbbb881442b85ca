"""The spin-glass report section: its figures, captions, table and numbers, and the build."""

import numpy as np
import pytest
from _report_helpers import CODE_IN_CAPTION, check_build, check_figures, small_figures

from statmech.report import build_report
from statmech.report.sections import s62_spin_glass as sec

FIGURES = (
    "spin_glass_pq",
    "spin_glass_q",
    "spin_glass_phase",
    "spin_glass_ground_state",
    "spin_glass_binder",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The section's figures at tiny sizes (the quick settings made smaller)."""
    out = tmp_path_factory.mktemp("r62")
    settings = {
        "SK_RUNS": {8: (3, 150), 12: (3, 150), 16: (3, 150)},
        "SK_LADDER": np.geomspace(0.3, 1.6, 8),
        "PQ_SIZES": (12, 16),
        "GS_SIZES": (8, 12, 16),
        "EA_CHECK": (3, 30),
        "PHASE_POINTS": 11,
    }
    return out, small_figures(sec, out, settings)


def test_figures_are_drawn(small):
    check_figures(small[0], FIGURES)


def test_numbers_behave(small):
    from statmech.numeric import spin_glass as sg

    _, r = small
    # the RS spin glass at T = 0.5 against mpmath, and RS broken there
    assert r["rs_mp_difference"] < 1e-12
    glass = max(r["rs"], key=lambda row: row["q"])
    assert glass["q"] == pytest.approx(0.5303683920508, abs=1e-12) and glass["replicon"] < 0
    # the AT line at h = 0.3 against the replicon's zero
    _, _, lam = sg.rs_solve(r["t_at"], 1.0, 0.0, sec.AT_FIELD)
    assert abs(lam) < 1e-6
    # N = 8 is small enough for PT to find every sample's ground state: enumeration
    from statmech.report.sections._spin_glass_figures import _sk

    e0 = [sg.enumerate_exact(_sk(8, s), [1.0], correlations=False)["e_ground"] for s in range(3)]
    assert r["gs"]["e"][0] == pytest.approx(np.mean(e0), abs=1e-12)
    # every PT run reports its settings
    assert {d["samples"] for d in r["runs"]["sizes"].values()} == {3}


def test_captions_say_theory_and_measured(small):
    _, r = small
    caps = sec._captions(r)
    assert set(caps) == {f"{n}.png" for n in FIGURES}
    assert caps["spin_glass_phase.png"].startswith("Theory only")
    for name in ("spin_glass_pq.png", "spin_glass_ground_state.png", "spin_glass_binder.png"):
        assert caps[name].startswith("Measured")
        assert "samples x" in caps[name]  # what was run
    assert "error bars" in caps["spin_glass_q.png"]
    assert "not equilibrated" in caps["spin_glass_pq.png"]
    for cap in caps.values():
        assert not CODE_IN_CAPTION.search(cap), cap


def test_table_lists_every_run(small):
    _, r = small
    md = sec._table(r, tex=False)
    assert md.count("| SK N = ") == 3
    assert md.count("| 3D EA L = ") == (0 if r["binder"] is None else 3)
    assert "\\end{tabular}" in sec._table(r, tex=True)


def _check_build(out):
    check_build(out, FIGURES, "Sherrington-Kirkpatrick", "0.530368392051")


@pytest.mark.slow
def test_quick_build(tmp_path):
    build_report(tmp_path, quick=True, only=["s62_spin_glass"])
    _check_build(tmp_path)


@pytest.mark.slow
def test_full_build(tmp_path):
    build_report(tmp_path, quick=False, only=["s62_spin_glass"])
    _check_build(tmp_path)
