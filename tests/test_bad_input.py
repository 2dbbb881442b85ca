"""Bad input ends in one line ``statmech: error: ...`` and exit status 2, never a
traceback; and the output that looked wrong is laid out as documented."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from statmech.cli import main


def one_line_error(capsys, argv) -> str:
    """Run ``argv``; assert exit 2 and a single ``statmech: error:`` line; return it."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.startswith("statmech: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_simulate_a_one_site_lattice_is_a_user_error(capsys):
    msg = one_line_error(capsys, ["simulate", "ising2d", "L=1", "T=2", "--sweeps", "10"])
    assert "at least 2" in msg


def test_validate_a_model_without_a_sampler_is_a_user_error(capsys):
    msg = one_line_error(capsys, ["validate", "two-level", "T=2", "--sweeps", "10"])
    assert "no sampler" in msg


@pytest.mark.parametrize(
    ("assignment", "name"),
    [("h=nan", "h"), ("h=inf", "h"), ("J=-inf", "J"), ("T=inf", "T"), ("T=nan", "T")],
)
def test_non_finite_parameters_are_rejected(capsys, assignment, name):
    base = ["simulate", "ising2d", "L=4"] + ([] if name == "T" else ["T=2"])
    msg = one_line_error(capsys, [*base, assignment])
    assert f"{name} must be a finite number, got {assignment}" in msg


def test_non_finite_range_ends_are_rejected(capsys):
    msg = one_line_error(capsys, ["exact", "ising2d", "T=1:inf:3"])
    assert "T must be a finite number" in msg


def test_checkpoint_in_a_missing_folder_fails_before_sampling(capsys, tmp_path):
    path = tmp_path / "nodir" / "x.npz"
    argv = ["simulate", "ising2d", "L=4", "T=2", "--sweeps", "10", "--checkpoint", str(path)]
    msg = one_line_error(capsys, argv)
    assert "does not exist" in msg
    assert not path.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_checkpoint_in_a_read_only_folder_fails_before_sampling(capsys, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    argv = ["simulate", "ising2d", "L=4", "T=2", "--checkpoint", str(folder / "x.npz")]
    assert "not writable" in one_line_error(capsys, argv)


@pytest.mark.parametrize("every", ["0", "-5", "nan"])
def test_checkpoint_every_must_be_positive(capsys, tmp_path, every):
    argv = ["simulate", "ising2d", "L=4", "T=2", "--checkpoint", str(tmp_path / "x.npz")]
    msg = one_line_error(capsys, [*argv, "--checkpoint-every", every])
    assert "--checkpoint-every must be a positive number" in msg


def test_checkpoint_every_needs_a_checkpoint(capsys):
    argv = ["simulate", "ising2d", "L=4", "T=2", "--checkpoint-every", "5"]
    assert "--checkpoint-every needs --checkpoint" in one_line_error(capsys, argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["exact", "ising2d", "T=2:3:5"],
        ["validate", "ising2d", "L=4", "T=2", "--sweeps", "10"],
        ["solve", "bethe", "z=4", "T=1:2:3"],
    ],
)
def test_plot_with_an_unknown_extension_fails_up_front(capsys, tmp_path, argv):
    msg = one_line_error(capsys, [*argv, "--plot", str(tmp_path / "x.xyz")])
    assert "unknown format 'xyz'" in msg and "png" in msg


@pytest.mark.parametrize(
    "argv",
    [
        ["exact", "ising2d", "T=2:3:5"],
        ["validate", "ising2d", "L=4", "T=2", "--sweeps", "10"],
        ["solve", "bethe", "z=4", "T=1:2:3"],
    ],
)
def test_plot_into_a_missing_folder_fails_up_front(capsys, tmp_path, argv):
    msg = one_line_error(capsys, [*argv, "--plot", str(tmp_path / "nodir" / "x.png")])
    assert "does not exist" in msg


def test_plot_formats_are_matplotlibs():
    from matplotlib.figure import Figure

    from statmech.common import plot_formats

    assert plot_formats() == Figure().canvas.get_supported_filetypes()
    assert {"png", "pdf", "svg"} <= set(plot_formats())


def test_report_only_an_unknown_section_is_rejected(capsys, tmp_path):
    msg = one_line_error(capsys, ["report", "--out", str(tmp_path), "--only", "bogus"])
    assert "'bogus'" in msg and "s20_models" in msg
    assert not (tmp_path / "report.md").exists()


def test_report_only_without_names_is_rejected(capsys, tmp_path):
    one_line_error(capsys, ["report", "--out", str(tmp_path), "--only"])
    assert not (tmp_path / "report.md").exists()


def test_report_only_help_lists_the_sections(capsys):
    from statmech.report import section_modules, section_names

    assert section_names() == sorted(m.__name__.rsplit(".", 1)[-1] for m in section_modules())
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for name in section_names():
        assert name in help_text


def test_build_report_refuses_unknown_sections(tmp_path):
    from statmech.report import build_report

    with pytest.raises(ValueError, match="bogus"):
        build_report(tmp_path, only=["bogus"])


VALIDATE = ["validate", "ising2d", "L=4", "T=2.0:2.6:2", "--sweeps", "50", "--replicas", "2"]


def test_validate_table_separates_the_parameter_column_from_the_quantity(capsys):
    main(VALIDATE)
    out = capsys.readouterr().out.splitlines()
    head = next(line for line in out if "quantity" in line)
    assert head.split()[:2] == ["T", "quantity"]
    rows = [line for line in out if "energy_per_spin" in line]
    assert [r.split()[:2] for r in rows[:1]] == [["2", "energy_per_spin"]]
    assert all(r.index("energy_per_spin") == head.index("quantity") for r in rows[:1])
    for r in out:
        if r.lstrip()[:1].isdigit():
            t, quantity = r.split()[:2]
            float(t)
            assert quantity.isidentifier()


def test_validate_json_does_not_echo_the_default_of_a_ranged_parameter(capsys):
    main([*VALIDATE, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert "T" not in data["parameters"]
    assert data["parameters"]["L"] == 4
    assert data["ranges"] == {"T": [2.0, 2.6]}
    assert {"rows", "passed"} <= set(data)
    assert sorted({r["T"] for r in data["rows"]}) == [2.0, 2.6]


def test_json_writes_null_for_non_finite_numbers():
    from statmech.common import dump_json

    text = dump_json({"a": float("-inf"), "b": [np.float64("nan"), 1.5], "c": np.inf})
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": None}


@pytest.mark.parametrize("T", ["0.001", "0.05"])
def test_bethe_at_low_temperature_has_two_ordered_equilibria(capsys, T):
    # float64 rounds tanh(J/T) to 1: the curvature at m = +-1 was NaN (every solution
    # "unstable") and log cosh(J/T) overflowed (free_energy -Infinity, invalid JSON)
    assert main(["solve", "bethe", f"T={T}", "z=4", "--json"]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    (point,) = json.loads(out)["points"]
    by_m = {round(s["m"]): s for s in point["solutions"]}
    assert set(by_m) == {-1, 0, 1}
    for m in (-1, 1):
        assert by_m[m]["stability"] == "stable" and by_m[m]["equilibrium"]
        assert by_m[m]["free_energy"] == pytest.approx(-2.0, abs=1e-12)  # -zJ/2
    assert by_m[0]["stability"] == "unstable"
    # m = 0: f = -T (z/2) log cosh(J/T) - T log 2 -> -zJ/2 + T ((z/2 - 1) log 2)
    assert by_m[0]["free_energy"] == pytest.approx(-2.0 + float(T) * np.log(2), rel=1e-12)


def test_bethe_at_low_temperature_in_a_field_keeps_the_metastable_branch(capsys):
    assert main(["solve", "bethe", "T=0.02", "z=4", "h=0.1", "--json"]) == 0
    (point,) = json.loads(capsys.readouterr().out)["points"]
    # the cavity field u: the metastable state at u = -1 (to rounding), the barrier
    # between the two (u = -0.9866, a maximum that the mpmath search confirms) and
    # the stable state at u = 1
    stability = [(round(s["u"], 2), s["stability"]) for s in point["solutions"]]
    assert stability == [(-1.0, "metastable"), (-0.99, "unstable"), (1.0, "stable")]


@pytest.mark.parametrize("T", [1e-3, 0.01, 0.05, 0.1, 0.2, 0.3])
def test_onsager_low_temperature_limits(T):
    # one flipped spin costs 8J: e = -2J + 8J exp(-8K), c = 64 K^2 exp(-8K), and
    # m = (1 - sinh^-4 2K)^(1/8) = 1 - 2 exp(-8K), to leading order; sinh 2K overflowed
    import warnings

    from statmech.numeric.onsager import thermodynamics

    K = 1 / T
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = {k: float(v) for k, v in thermodynamics(T).items()}
    w = np.exp(-8 * K)
    assert r["energy_per_spin"] == pytest.approx(-2 + 8 * w, abs=1e-12 * max(1, 1e3 * w))
    assert r["heat_capacity_per_spin"] == pytest.approx(64 * K**2 * w, rel=1e-2, abs=1e-13)
    assert r["magnetization"] == pytest.approx(1 - 2 * w, abs=1e-14)
    assert r["free_energy_per_spin"] == pytest.approx(-2 - T * w, abs=1e-13)


@pytest.mark.parametrize("L", [4, 16, 64])
@pytest.mark.parametrize("T", [1e-3, 0.01, 0.05])
def test_kaufman_low_temperature_limits(L, T):
    # the torus freezes into its two ground states: e = -2J, c = 0, f = -2J - T log 2 / L^2
    import warnings

    from statmech.numeric.kaufman import torus_thermodynamics

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = {k: float(v) for k, v in torus_thermodynamics(L, T).items()}
    assert r["energy_per_spin"] == pytest.approx(-2.0, abs=1e-14)
    assert r["heat_capacity_per_spin"] == pytest.approx(0.0, abs=1e-13)
    assert r["free_energy_per_spin"] == pytest.approx(-2 - T * np.log(2) / L**2, abs=1e-14)


def test_kaufman_scaled_modes_agree_with_the_direct_ones(monkeypatch):
    # the overflow-free form of the modes, forced at every K, against the direct one
    import statmech.numeric.kaufman as kaufman

    T = np.array([0.05, 0.5, 1.0, 2.0, 2.269, 2.5, 4.0])
    direct = kaufman.torus_thermodynamics(8, T)
    monkeypatch.setattr(kaufman, "SCALED_K", 0.0)
    scaled = kaufman.torus_thermodynamics(8, T)
    for key in ("free_energy_per_spin", "energy_per_spin"):
        np.testing.assert_allclose(scaled[key], direct[key], rtol=1e-13)
    np.testing.assert_allclose(
        scaled["heat_capacity_per_spin"], direct["heat_capacity_per_spin"], rtol=1e-11, atol=1e-15
    )


def test_exact_ising2d_at_low_temperature_on_the_command_line(capsys):
    for extra in ([], ["L=16"]):
        assert main(["exact", "ising2d", "T=1e-3", *extra, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["energy_per_spin"] == -2.0
        assert data["heat_capacity_per_spin"] == 0.0
