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
