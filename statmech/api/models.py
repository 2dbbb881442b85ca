"""Models for the API: a handle with the verbs attached, registered models, a user's file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError


@dataclass(frozen=True)
class ModelHandle:
    """A model with the verbs attached: ``m.derive()``, ``m.exact(T=2.5)``, ...

    ``definition`` is the :class:`statmech.derive.model.Model` (or a derivation
    topic); its attributes (``name``, ``title``, ``parameters``, ...) read
    through the handle.
    """

    definition: object

    def __getattr__(self, name):
        if name.startswith("__") or name == "definition":
            raise AttributeError(name)
        return getattr(self.definition, name)

    def derive(self, check: bool = False):
        """:func:`statmech.api.derive` of this model."""
        from .derivations import derive

        return derive(self, check=check)

    def exact(self, params: dict | None = None, **kwargs):
        """:func:`statmech.api.exact` of this model."""
        from .analytic import exact

        return exact(self, params, **kwargs)

    def solve(self, params: dict | None = None, **kwargs):
        """:func:`statmech.api.solve` of this model."""
        from .analytic import solve

        return solve(self, params, **kwargs)

    def simulate(self, params: dict | None = None, **kwargs):
        """:func:`statmech.api.simulate` of this model."""
        from .monte_carlo import simulate

        return simulate(self, params, **kwargs)

    def validate(self, params: dict | None = None, **kwargs):
        """:func:`statmech.api.validate` of this model."""
        from .monte_carlo import validate

        return validate(self, params, **kwargs)

    def to_dict(self) -> dict:
        """The model's entry in ``statmech models --json``."""
        d = self.definition
        return {
            "name": d.name,
            "title": d.title,
            "summary": d.summary,
            "states": d.states.describe(),
            "coupling": d.coupling.kind,
            "parameters": [
                {"name": p.name, "description": p.description, "default": p.default}
                for p in d.parameters
            ],
            "supports": d.supports(),
            "verbs": self.verbs,
        }

    @property
    def verbs(self) -> list[str]:
        """The verbs that work on this model at its defaults
        (:func:`statmech.api.capabilities.verbs`)."""
        from .capabilities import verbs

        return verbs(self.definition)

    def __repr__(self) -> str:
        return f"<model {self.definition.name!r}: {self.definition.title}>"

    def _repr_markdown_(self) -> str:
        d = self.definition
        lines = [f"**{d.name}**: {d.title}", "", d.summary]
        params = getattr(d, "parameters", ())
        if params:
            lines += ["", "| parameter | default | meaning |", "|---|---|---|"]
            lines += [f"| {p.name} | {p.default} | {p.description} |" for p in params]
        return "\n".join(lines)


def _definition(m):
    """The derive-level model behind ``m`` (a name, a handle or a model)."""
    if isinstance(m, ModelHandle):
        return m.definition
    if isinstance(m, str):
        from ..common import lookup_model

        return lookup_model(m)
    if not hasattr(m, "parameters") or not hasattr(m, "hook"):
        raise UserError(f"expected a model or a model name, got {type(m).__name__}")
    return m


def model(name=None, file: str | Path | None = None) -> ModelHandle:
    """A model by name: a registered one, or one defined in ``file``.

    Parameters
    ----------
    name : str, optional
        The model's name (``"ising2d"``); may be left out when ``file``
        defines a single model.
    file : path, optional
        A Python file defining ``MODEL`` or ``MODELS`` (see :func:`load_model_file`).
    """
    if file is None:
        if name is None:
            raise UserError("give a model name (see statmech.models())")
        return ModelHandle(_definition(name))
    found = load_model_file(file)
    names = [h.definition.name for h in found]
    if name is None:
        if len(found) > 1:
            raise UserError(
                f"model file {file} defines several models ({', '.join(names)}); name one"
            )
        return found[0]
    for h in found:
        if h.definition.name == name:
            return h
    raise UserError(f"model file {file} has no model {name!r}; it defines: {', '.join(names)}")


def models() -> list[ModelHandle]:
    """Every registered model, by name."""
    from statmech.derive import all_models

    return [ModelHandle(m) for m in all_models()]


def load_model_file(path: str | Path) -> list[ModelHandle]:
    """The models a user's Python file defines, without changing the package.

    The file builds :class:`statmech.derive.model.Model` values and names them
    ``MODEL`` (one) or ``MODELS`` (a sequence); it runs as a module that is not
    ``__main__``, with its folder on the import path (it may import its
    neighbours).  A file that cannot be read, fails to run or defines no model is
    refused in one sentence.
    """
    import runpy
    import sys

    from statmech.derive.model import Model

    p = Path(path)
    where = f"cannot load model file {path}"
    if not p.is_file():
        raise UserError(f"{where}: no such file")
    if p.suffix != ".py":
        raise UserError(f"{where}: expected a Python file ending in .py")
    folder = str(p.resolve().parent)
    sys.path.insert(0, folder)  # as `python FILE` would: the file may import its neighbours
    try:
        namespace = runpy.run_path(str(p), run_name=f"statmech_model_file_{p.stem}")
    except SyntaxError as exc:
        raise UserError(f"{where}: syntax error at line {exc.lineno}: {exc.msg}") from None
    except (Exception, SystemExit) as exc:  # the user's code failed: say how, in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise UserError(
            f"{where}: {type(exc).__name__}" + (f": {first}" if first else "")
        ) from None
    finally:
        sys.path.remove(folder)
    if "MODELS" in namespace:
        found, label = namespace["MODELS"], "MODELS"
        if isinstance(found, Model) or not isinstance(found, (list, tuple)):
            raise UserError(f"{where}: MODELS must be a list or tuple of models")
    elif "MODEL" in namespace:
        found, label = (namespace["MODEL"],), "MODEL"
    else:
        raise UserError(f"{where}: it defines neither MODEL nor MODELS")
    if not found:
        raise UserError(f"{where}: MODELS is empty")
    for i, m in enumerate(found):
        if not isinstance(m, Model):
            at = label if label == "MODEL" else f"MODELS[{i}]"
            raise UserError(
                f"{where}: {at} is a {type(m).__name__}, not a statmech.derive.model.Model"
            )
    names = [m.name for m in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UserError(f"{where}: model {twice[0]!r} is defined twice")
    return [ModelHandle(m) for m in found]


def _given(params: dict | None, kwargs: dict) -> dict:
    given = dict(params or {})
    for k, v in kwargs.items():
        if k in given:
            raise UserError(f"{k} is given twice")
        given[k] = v
    return given


def _point(m, given: dict, ranges: bool = False):
    from ..params import check_values

    return check_values(m, given, ranges=ranges)
