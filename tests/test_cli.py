"""The command line: verbs exist, bad input gives one line and exit status 2."""

import json

import pytest

from statmech.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_models_json_lists_every_model(capsys):
    from statmech import derive

    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    names = [m["name"] for m in json.loads(out)["models"]]
    assert names == derive.model_names()


def test_unknown_model_suggests_closest(capsys):
    code, _, err = run(capsys, "derive", "two-levl")
    assert code == 2
    assert "did you mean two-level" in err
    assert "Traceback" not in err and err.count("\n") <= 2


def test_unknown_format(capsys):
    code, _, err = run(capsys, "derive", "two-level", "--format", "docx")
    assert code == 2 and "unknown format 'docx'" in err


def test_unknown_verb(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize("fmt", ["latex", "markdown", "text", "json"])
def test_derive_check_two_level(capsys, fmt):
    code, out, err = run(capsys, "derive", "two-level", "--check", "--format", fmt)
    assert code == 0 and "every step checks" in err and out


def test_report_sections_found_after_a_section_module_was_imported():
    # Regression: importing statmech.report.sections.* rebound the package attribute
    # 'sections' over the function that listed them.
    import statmech.report.sections.s20_models  # noqa: F401
    from statmech.report import section_modules

    mods = section_modules()
    assert "statmech.report.sections.s20_models" in [m.__name__ for m in mods]
    orders = [m.ORDER for m in mods]
    assert orders == sorted(orders)
