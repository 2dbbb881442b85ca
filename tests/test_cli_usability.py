"""What a new user expects of the command line: --version, examples in --help, NAME=VALUE
anywhere, and refusals that leave the user somewhere (one line each)."""

import json

import pytest

from statmech.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str) -> bool:
    return "Traceback" not in err and err.count("\n") <= 2


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("statmech ") and out.split()[1][0].isdigit()


def test_assignments_after_options(capsys):
    code, out, err = run(capsys, "exact", "ising2d", "L=4", "--json", "h=0.2")
    assert code == 0, err
    data = json.loads(out)
    assert data["h"] == 0.2 and data["L"] == 4


def test_assignments_after_options_with_a_model_file(capsys):
    code, out, err = run(
        capsys, "exact", "--model-file", "examples/models/blume_capel.py", "L=2", "--json", "T=1.5"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["T"] == 1.5 and data["L"] == 2


@pytest.mark.parametrize("verb", ["derive", "exact", "solve", "simulate", "validate", "models"])
def test_every_verb_help_has_examples(capsys, verb):
    with pytest.raises(SystemExit):
        main([verb, "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and f"statmech {verb}" in out.split("examples:")[1]


def test_derive_help_lists_the_models_and_topics(capsys):
    from statmech.derive import model_names
    from statmech.derive.topics import topic_names

    with pytest.raises(SystemExit):
        main(["derive", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in model_names() + topic_names():
        assert name in out


# -- item 14: refusals that leave the user somewhere -------------------------


def test_report_into_an_impossible_folder_is_one_line(capsys):
    code, _, err = run(capsys, "report", "--out", "/proc/rep", "--only", "s20_models")
    assert code == 2 and one_line(err)
    assert "cannot write the report to /proc/rep" in err


def test_report_onto_a_file_is_one_line(capsys, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(capsys, "report", "--out", str(f), "--only", "s20_models")
    assert code == 2 and one_line(err) and "is a file" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", "mean-field", "T=2"),
        ("validate", "mean-field", "T=2", "L=16"),
        ("simulate", "mean-field", "T=2", "L=16"),
        ("exact", "mean-field", "T=2"),
        ("simulate", "bethe", "T=2"),
    ],
)
def test_a_model_without_a_size_says_what_works(capsys, argv):
    # before: "needs its size L" (a traceback for validate), then with L=16
    # "has no parameter L": the user went round in a circle
    code, _, err = run(capsys, *argv)
    assert code == 2 and one_line(err)
    assert "no finite system" in err and "no size L" in err
    assert "ising2d" in err  # what would work
    assert "has no parameter" not in err


# -- tables of points as CSV, large grids as .npz or .csv -----------------------------


def test_exact_format_csv(capsys):
    code, out, err = run(capsys, "exact", "ising1d", "N=10", "T=0.5:3:3", "--format", "csv")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("T,J,h,N,system,free_energy_per_spin")
    assert len(lines) == 4 and lines[1].startswith("0.5,1.0,0.0,10,ring of 10 spins,")


def test_solve_format_csv_names_the_approximation(capsys):
    code, out, err = run(capsys, "solve", "ising1d", "T=1", "--format", "csv")
    assert code == 0, err
    head, *rows = out.strip().splitlines()
    assert head.split(",")[-2:] == ["approximation", "exact_m"]
    assert len(rows) == 3 and all(r.endswith("Weiss mean field,0.0") for r in rows)


def test_solve_large_grid_to_npz_and_csv(capsys, tmp_path):
    import numpy as np

    npz = tmp_path / "grid.npz"
    code, out, err = run(
        capsys, "solve", "curie-weiss", "T=0.5:1.5:60", "h=-0.1:0.1:50", "-o", str(npz)
    )
    assert code == 0 and out == "", err
    d = np.load(npz)
    assert d["m"].shape[0] == 3000 and d["param_T"].shape == (3000,)
    assert "status=exact as N -> infinity" in list(d["meta"])
    eq = d["equilibrium"] & (d["param_T"][:, None] < 1) & (np.abs(d["param_h"][:, None]) < 1e-12)
    assert np.all(
        np.abs(
            np.abs(d["m"][eq])
            - np.tanh(np.abs(d["m"][eq]) / d["param_T"][:, None].repeat(d["m"].shape[1], 1)[eq])
        )
        < 1e-9
    )
    csv = tmp_path / "grid.csv"
    code, _, err = run(
        capsys, "solve", "curie-weiss", "T=0.5:1.5:60", "h=-0.1:0.1:50", "-o", str(csv)
    )
    assert code == 0, err
    lines = csv.read_text().splitlines()
    assert lines[0] == "T,J,h,solution,m,free_energy,stability,equilibrium,approximation"
    assert len(lines) - 1 == int(d["count"].sum())


def test_solve_precision_refuses_npz(capsys, tmp_path):
    code, _, err = run(
        capsys, "solve", "curie-weiss", "T=0.8", "--precision", "20", "-o", str(tmp_path / "x.npz")
    )
    assert code == 2 and one_line(err) and "npz" in err


def test_resuming_from_a_checkpoint_says_so(capsys, tmp_path):
    ck = str(tmp_path / "run.npz")
    argv = ("simulate", "ising2d", "L=4", "--sweeps", "300", "--checkpoint", ck)
    code, _, err = run(capsys, *argv)
    assert code == 0 and "resuming" not in err
    code, _, err = run(capsys, *argv)
    assert code == 0 and f"resuming from checkpoint {ck} (400 of 400 sweeps done)" in err
