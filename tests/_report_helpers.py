"""Checks shared by the tests of report sections with figures (spin glass, Hopfield)."""

import re

import pytest

from statmech.report import Context

#: Captions speak of physics: no module, function or file names.
CODE_IN_CAPTION = re.compile(r"statmech|numeric\.|\w+_\w+\(|\.py")


def small_figures(sec, out, settings: dict):
    """The section's figures into ``out`` with its settings replaced by ``settings``
    (name: value; each setting is a (quick, full) pair, here with the value as quick)."""
    mp = pytest.MonkeyPatch()
    for name, value in settings.items():
        mp.setattr(sec, name, (value, None))
    try:
        return sec._figures(Context(out, quick=True))
    finally:
        mp.undo()


def check_figures(out, figures):
    """Every figure was drawn (a PNG of some size)."""
    for name in figures:
        assert (out / "figures" / f"{name}.png").stat().st_size > 5000, name


def check_build(out, figures, *phrases):
    """The built report has the ``phrases``, its rendered steps checked, and every figure,
    in the Markdown and in the LaTeX."""
    text = (out / "report.md").read_text()
    for phrase in phrases:
        assert phrase in text, phrase
    assert "[symbolic" in text  # the steps were checked as they were rendered
    for name in figures:
        assert f"figures/{name}.png" in text
    check_figures(out, figures)
    tex = (out / "report.tex").read_text()
    assert tex.count("\\includegraphics") == len(figures)
