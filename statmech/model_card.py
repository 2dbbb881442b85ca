r"""Plain-data cards of the fast-kernel lattice models, kept in the user's cache folder.

``statmech simulate ising2d ...`` needs from its model only plain facts: the
parameters (names, defaults, which are sizes or positive), the unit values, the
couplings' kind and dimension, the lattice shape at the given size and, for the
compiled Ising kernels, the ``(J, h)`` the compile step reads off the model's
SymPy energy.  Building the model imports SymPy, which takes longer than the
rest of a short run; so the first run of a model (through SymPy) writes those
facts to ``$XDG_CACHE_HOME/statmech/models/NAME.json`` (or
``~/.cache/statmech/models``), and later runs read them back.

A card holds results, never formulas: each shape and each compiled form is
stored under the exact inputs it was computed from (size values; parameter
values, shape and backend), so a run at another point misses, goes through
SymPy, and adds its point.  Anything a card does not hold (an attribute, a
hook, a shape or compiled form not stored) is taken from the real model,
built on first need.  A card is used only when its key matches: the model's
name, the statmech version and a hash of the source files that define models
and the compile step; any other card is rebuilt, never read.  Only models whose
compiled form is a periodic hypercubic Ising lattice (the fast kernels) get a card.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

#: Bumped when the card's layout changes.
FORMAT = 1

_HERE = Path(__file__).resolve().parent


def cache_dir() -> str:
    """``$XDG_CACHE_HOME/statmech/models``, or ``~/.cache/statmech/models``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "statmech", "models")


def _sources() -> list[Path]:
    """The files whose change may change a card: the model definitions, the compile step,
    the parameter parsing, and this module."""
    from importlib.util import find_spec

    # the folders, found without importing the packages (statmech.derive imports SymPy)
    derive, numeric = (
        Path(find_spec(f"statmech.{p}").submodule_search_locations[0])
        for p in ("derive", "numeric")
    )
    files = sorted(derive.glob("*.py")) + sorted((derive / "models").glob("*.py"))
    files += [numeric / "compiled.py", numeric / "compile.py", _HERE / "params.py"]
    return files + [Path(__file__)]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("statmech")
    except Exception:  # noqa: BLE001 - not installed: the source hash still keys the card
        return "unknown"


def card_key(name: str) -> dict:
    """What a card must match to be read: format, model name, version, source hash."""
    h = hashlib.sha256()
    for path in _sources():
        h.update(path.name.encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"missing")
    return {"format": FORMAT, "model": name, "version": _version(), "sources": h.hexdigest()}


def card_path(name: str) -> Path:
    return Path(cache_dir()) / f"{name}.json"


def _read(name: str, key: dict) -> dict | None:
    try:
        data = json.loads(card_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None  # stale (or another model's): rebuilt by the next run through SymPy
    return data


def _write(name: str, data: dict) -> None:
    """Write atomically; a cache folder that cannot be written is no error."""
    path = card_path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


# --------------------------------------------------------------------------
# The cards


def _shape_key(sizes: dict) -> str:
    return json.dumps(sorted(sizes.items()))


def _point_key(key: tuple, shape: tuple, backend: str) -> str:
    return json.dumps([[list(kv) for kv in key], list(shape), backend])


class _Parameter:
    """A parameter's plain facts (:class:`statmech.derive.model.Parameter` without SymPy)."""

    def __init__(self, d: dict):
        self.name = d["name"]
        self.description = d["description"]
        self.default = d["default"]
        self.signed = d["signed"]
        self.positive = d["positive"]
        self.integer = d["integer"]


class _States:
    def __init__(self, d: dict):
        self.values = tuple(d["values"])
        self.kind = d["kind"]


class _Coupling:
    """The couplings' plain facts; ``shape`` reads the stored shapes."""

    def __init__(self, card, d: dict):
        self._card = card
        self.kind = d["kind"]
        self.interacting = d["interacting"]
        self.periodic = d["periodic"]
        self.dimension = d["dimension"]
        self.size_parameters = tuple(d["size_parameters"])
        self._steps = tuple(tuple(s) for s in d["steps"])

    def steps(self) -> tuple:
        """The lattice's bond steps (one per axis for a hypercubic lattice)."""
        return self._steps

    def shape(self, params: dict) -> tuple[int, ...]:
        if all(s in params for s in self.size_parameters):
            sizes = {s: params[s] for s in self.size_parameters}
            found = self._card._data["shapes"].get(_shape_key(sizes))
            if found is not None:
                return tuple(found)
        return tuple(self._card.real.coupling.shape(params))

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self._card.real.coupling, attr)


class ModelCard:
    """A model's plain facts read from its card; the real model for everything else."""

    def __init__(self, data: dict):
        self._data = data
        m = data["model"]
        self.name = m["name"]
        self.parameters = tuple(_Parameter(p) for p in m["parameters"])
        self.states = _States(m["states"])
        self.coupling = _Coupling(self, m["coupling"])

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str):
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters)
        raise KeyError(f"model {self.name!r} has no parameter {name!r}; it has: {known}")

    def hook(self, name: str):
        return self.real.hook(name)

    @property
    def real(self):
        """The model itself (SymPy), built on first need."""
        real = self.__dict__.get("_real")
        if real is None:
            from statmech.derive.registry import get_model

            real = self.__dict__["_real"] = get_model(self.name)
        return real

    def compiled_card(self, params: dict, backend: str, shape):
        """The stored compiled form at ``params`` on ``shape`` and ``backend``; the real
        model's compiled form where none is stored."""
        from statmech.numeric.compiled import compile_key, compile_model

        key = compile_key(params)
        found = self._data["points"].get(_point_key(key, tuple(shape), backend))
        if found is None:
            return compile_model(self.real, params, backend, shape=shape)
        return CompiledCard(self, dict(key), tuple(shape), backend, found)

    def holds(self, params: dict, backend: str) -> bool:
        """Whether the card has the shape and the compiled form at ``params``."""
        from statmech.numeric.compiled import compile_key

        sizes = self.coupling.size_parameters
        if not all(s in params for s in sizes):
            return False
        shape = self._data["shapes"].get(_shape_key({s: params[s] for s in sizes}))
        if shape is None:
            return False
        return _point_key(compile_key(params), tuple(shape), backend) in self._data["points"]

    def __getattr__(self, attr):
        if attr.startswith("__") or attr in ("_data", "_real"):
            raise AttributeError(attr)
        return getattr(self.real, attr)

    def __repr__(self) -> str:
        return f"ModelCard({self.name!r})"


class CompiledCard:
    """A stored compiled form (the facts the fast kernels read); the real compiled form,
    built on first need, for everything else."""

    def __init__(self, model: ModelCard, params: dict, shape: tuple, backend: str, d: dict):
        import numpy as np

        from statmech.numeric.backend import get_backend

        self.model = model
        self.params = params
        self.shape = shape
        self.backend = backend
        self.xp = get_backend(backend)
        self.values = np.array(d["values"], dtype=np.float64)
        self.representation = d["representation"]
        self.weight = d["weight"]
        self.steps = tuple(tuple(s) for s in d["steps"])
        self.periodic = d["periodic"]
        self.site_coefficients = tuple(d["site_coefficients"])
        self.ising = tuple(d["ising"])

    @property
    def n(self) -> int:
        import numpy as np

        return int(np.prod(self.shape))

    @property
    def geometry(self) -> str:
        return self.model.coupling.kind

    @property
    def real(self):
        real = self.__dict__.get("_real")
        if real is None:
            from statmech.numeric.compiled import compile_model

            real = self.__dict__["_real"] = compile_model(
                self.model.real, self.params, self.backend, shape=self.shape
            )
        return real

    def __getattr__(self, attr):
        if attr.startswith("__") or attr == "_real":
            raise AttributeError(attr)
        return getattr(self.real, attr)


# --------------------------------------------------------------------------
# Reading and filling


def load(name: str) -> ModelCard | None:
    """The card of model ``name`` when one with the current key is stored, else None."""
    data = _read(name, card_key(name))
    return None if data is None else ModelCard(data)


def _model_facts(model) -> dict:
    c = model.coupling
    return {
        "name": model.name,
        "parameters": [
            {
                "name": p.name,
                "description": p.description,
                "default": p.default,
                "signed": bool(p.signed),
                "positive": bool(p.positive),
                "integer": bool(p.integer),
            }
            for p in model.parameters
        ],
        "states": {
            "values": [int(v) for v in model.states.values],
            "kind": model.states.kind,
        },
        "coupling": {
            "kind": c.kind,
            "interacting": bool(c.interacting),
            "periodic": bool(c.periodic),
            "dimension": int(c.dimension),
            "size_parameters": list(c.size_parameters),
            "steps": [[int(x) for x in s] for s in c.steps()],
        },
    }


def record(model, params: dict, backend: str) -> None:
    """Add ``model``'s shape and compiled form at ``params`` on ``backend`` to its card
    (written first if missing or stale), where the compiled form is a fast-kernel
    Ising lattice; any other model or point is left out.  Never raises for the cache."""
    if isinstance(model, ModelCard):
        if model.holds(params, backend):
            return
        model = model.real
    if not isinstance(getattr(model, "name", None), str):
        return
    try:
        from statmech.derive.registry import get_model

        if get_model(model.name) is not model:
            return  # a model of --model-file under a built-in's name: never its card
    except Exception:  # noqa: BLE001 - no built-in of that name: no card either
        return
    try:
        from statmech.numeric.compiled import compile_key, compile_model
        from statmech.numeric.samplers.base import hypercubic

        c = model.coupling
        sizes = {s: params[s] for s in c.size_parameters}
        shape = tuple(int(x) for x in c.shape(params))
        compiled = compile_model(model, params, backend, shape=shape)
        ising = compiled.ising
        if ising is None or not hypercubic(compiled) or not compiled.periodic:
            return
        values = [float(v) for v in model.states.values]
        if values != [-1.0, 1.0]:
            return
        facts = json.loads(json.dumps(_model_facts(model)))
        point = {
            "values": values,
            "representation": compiled.representation,
            "weight": float(compiled.weight),
            "steps": [list(s) for s in compiled.steps],
            "periodic": bool(compiled.periodic),
            "site_coefficients": [float(x) for x in compiled.site_coefficients],
            "ising": [float(x) for x in ising],
        }
    except Exception:  # noqa: BLE001 - no card for what does not fit; the run says why
        return
    key = card_key(model.name)
    data = _read(model.name, key)
    if data is None or data.get("model") != facts:
        data = {"key": key, "model": facts, "shapes": {}, "points": {}}
    data["shapes"][_shape_key(sizes)] = list(shape)
    data["points"][_point_key(compile_key(params), shape, backend)] = point
    _write(model.name, data)
