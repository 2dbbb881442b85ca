"""The derivations of a model as a typed value that renders (and shows in Jupyter)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from .models import _definition


@dataclass(frozen=True)
class Derivations:
    """A model's derivations: renderings, checks, and the results as SymPy expressions.

    In Jupyter the value shows as Markdown with LaTeX equations.
    """

    model: object
    derivations: tuple

    @property
    def results(self) -> dict:
        """Every named result (``"F"``, ``"T_c"``, ...) as a SymPy expression."""
        from statmech.derive.render import results_of

        return results_of(self.derivations)

    def check(self) -> Derivations:
        """Check every step; raise :class:`statmech.derive.DerivationError` at one that
        does not follow."""
        from statmech.derive import check

        for d in self.derivations:
            check(d)
        return self

    def render(self, fmt: str = "text", check: bool = False) -> str:
        """``"text"``, ``"markdown"``, ``"latex"`` (a document) or ``"json"``."""
        from statmech.derive.render import FORMATS, render

        if fmt not in FORMATS:
            raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return render(self.model, list(self.derivations), fmt, check=check)

    def to_dict(self) -> dict:
        """The data of ``statmech derive MODEL --format json``."""
        from statmech.derive.render import to_json_data

        return to_json_data(self.model, list(self.derivations))

    def __str__(self) -> str:
        return self.render("text")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        from statmech.derive.render import latex_equation

        lines = [latex_equation(s) for d in self.derivations for s in d.steps]
        return (
            "$$\\begin{aligned}"
            + " \\\\ ".join(line.replace(" = ", " &= ", 1) for line in lines)
            + "\\end{aligned}$$"
        )


def derive(model, check: bool = False) -> Derivations:
    """The model's derivations, step by step (``check``: check every step first)."""
    from statmech.derive import DerivationError, derivations

    d = _definition(model)
    try:
        out = Derivations(d, tuple(derivations(d)))
    except NotImplementedError as exc:
        raise UserError(str(exc)) from None
    if check:
        try:
            out.check()
        except DerivationError as exc:
            raise UserError(f"check failed: {exc}") from None
    return out
