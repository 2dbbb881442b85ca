"""The associative-memory report section: derivations, figures, and measured values that
agree with the theory printed beside them."""

import math
import re
import shutil

import pytest

from statmech.report import build_report
from statmech.report.sections import s70_associative_memory as s70

SECTION = "s70_associative_memory"
FIGURES = [
    "dam_capacity.png",
    "dam_capacity_scaling.png",
    "attention_map.png",
    "diffusion_trajectories.png",
    "diffusion_copy_fraction.png",
    "residual_depth_energy.png",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("r70")
    res = build_report(out, quick=True, only=[SECTION])
    return out, res


def _row(md, label):
    """The cells of the first table row whose first cell is ``label`` (or starts with
    ``label`` and a space)."""
    for line in md.splitlines():
        if line.startswith("| "):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] == label or cells[0].startswith(label + " "):
                return cells
    raise AssertionError(f"no table row {label!r}")


def test_section_has_every_derivation_and_figure(built):
    out, res = built
    md = (out / "report.md").read_text()
    for title in (
        "Dense associative memory",
        "Modern Hopfield network",
        "Diffusion as associative memory",
        "The residual connection as a gradient step",
    ):
        assert f"### {title}" in md, title
    assert "[quoted:" in md  # quoted steps are labelled
    for name in FIGURES:
        assert (out / "figures" / name).stat().st_size > 10_000, name
        assert f"figures/{name}" in md
    # captions say what is measured and what is theory, and name no module
    captions = re.findall(r"^\*(.+)\*$", md, flags=re.M)[1:]
    assert len(captions) == len(FIGURES)
    for cap in captions:
        assert "Measured" in cap or "measured" in cap or cap.startswith("Theory"), cap
        assert "statmech" not in cap and ".py" not in cap and "plot_" not in cap
    if shutil.which("pdflatex"):
        assert res["pdf"] and (out / "report.pdf").stat().st_size > 50_000


def test_measured_values_meet_their_theory(built):
    out, _ = built
    md = (out / "report.md").read_text()
    # speciation: measured phi = 3/4 time against its two-cluster prediction
    row = _row(md, "speciation time")
    assert abs(float(row[1]) - float(row[2])) < 0.1, row
    # the exact score copies every training point
    assert float(_row(md, "copy fraction")[1].split()[0]) > 0.95
    # one attention update: the error obeys the bound, and falls with beta
    errors = []
    for beta in ("0.02", "0.1", "0.3", "1"):
        cells = _row(md, beta)
        err = float(cells[1].split()[0])
        assert err <= float(cells[2]) + 1e-12, cells
        errors.append(err)
    assert errors == sorted(errors, reverse=True)
    # residual: the monotone bound found numerically is the derived 2/L
    bound = float(re.search(r"found by bisection, is ([0-9]+(?:\.[0-9]+)?)", md).group(1))
    assert abs(bound - 0.5) < 1e-3


def test_fixed_points_of_the_attention_map():
    # small beta: one stable fixed point near the patterns' mean; large beta: the outer
    # patterns are stable fixed points with an unstable one between them
    ((x, kind),) = s70._fixed_points(0.5)
    assert kind == "stable" and abs(x - 0.1) < 0.1
    pts = s70._fixed_points(8.0)
    assert [k for _, k in pts] == ["stable", "unstable", "stable"]
    assert abs(pts[0][0] + 1) < 1e-3 and abs(pts[2][0] - 1) < 1e-2


def test_speciation_prediction_reduces_to_midpoint_form():
    # phi = 3/4 lies beyond the midpoint instability (phi = 0.775 there) by a fixed shift
    # in t: (1/2) log(1/g*) with g* ~ 0.85, independent of Lambda
    for Lam in (10.0, 26.0, 100.0):
        shift = s70._speciation_three_quarters(Lam) - 0.5 * math.log(Lam - 1)
        assert 0.06 < shift < 0.10, (Lam, shift)


@pytest.mark.slow
def test_full_section_builds(tmp_path):
    build_report(tmp_path, quick=False, only=[SECTION])
    md = (tmp_path / "report.md").read_text()
    for name in FIGURES:
        assert (tmp_path / "figures" / name).stat().st_size > 10_000, name
    row = _row(md, "speciation time")
    assert abs(float(row[1]) - float(row[2])) < 0.1, row
