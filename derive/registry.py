"""The registry of models by name.

Model modules live in :mod:`derive.models`; each defines ``MODELS`` (a tuple of
:class:`~derive.model.Model`).  They are discovered on first use.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil

from .model import Model

_REGISTRY: dict[str, Model] = {}
_LOADED = False


class UnknownModel(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0])


def register(model: Model) -> Model:
    if model.name in _REGISTRY and _REGISTRY[model.name] is not model:
        raise ValueError(f"model {model.name!r} is registered twice")
    _REGISTRY[model.name] = model
    return model


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    from . import models

    for info in sorted(pkgutil.iter_modules(models.__path__), key=lambda i: i.name):
        _register_module(importlib.import_module(f"{models.__name__}.{info.name}"))
    _LOADED = True


#: The module each model was registered from (a module is registered once, whether by
#: name or with all the others).
_ORIGIN: dict[str, str] = {}


def _register_module(module) -> None:
    for model in getattr(module, "MODELS", ()):
        if _ORIGIN.get(model.name) == module.__name__:
            continue  # registered from this module already (what is there now stays)
        register(model)
        _ORIGIN[model.name] = module.__name__


def _load_defining(name: str) -> None:
    """Import only the model modules whose source states ``name="NAME"`` (a model asked
    for by name need not wait for every other model to be built); :func:`_load` still
    loads them all, and finds the same objects."""
    from pathlib import Path

    from . import models

    needle = f'name="{name}"'
    for folder in models.__path__:
        for path in sorted(Path(folder).glob("*.py")):
            try:
                found = needle in path.read_text(encoding="utf-8")
            except OSError:
                continue
            if found:
                _register_module(importlib.import_module(f"{models.__name__}.{path.stem}"))


def model_names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def all_models() -> list[Model]:
    _load()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]


def get_model(name: str) -> Model:
    """Look a model up by name; an unknown name suggests the closest ones."""
    if name not in _REGISTRY and not _LOADED:
        _load_defining(name)
    if name in _REGISTRY:
        return _REGISTRY[name]
    _load()
    if name in _REGISTRY:
        return _REGISTRY[name]
    close = difflib.get_close_matches(name, list(_REGISTRY), n=3, cutoff=0.4)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownModel(f"unknown model {name!r}{hint} (known: {', '.join(sorted(_REGISTRY))})")
