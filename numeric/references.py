r"""Exact reference values that simulations are validated against, found through the model.

A model names its provider with a hook (``derive`` stays pure SymPy, so the hook
holds a ``"module:function"`` string, imported here on first use; a callable is
accepted too, for a model defined in a notebook)::

    hooks=(("exact_reference", "statmech.numeric.ising_exact:ising1d_reference"), ...)

The provider takes a params dict (``T``, the couplings, the size) and returns a
dict of observables keyed by the names the samplers use (``energy_per_spin``,
``heat_capacity_per_spin``, ``abs_magnetization``, ``magnetization_squared``,
``susceptibility``, ``binder``), holding only those known exactly for the given
parameters.  :func:`reference_values` adds the fallback: exact enumeration for a
system of at most :data:`statmech.numeric.observables.ENUMERATION_LIMIT` units.
The models are the one source: there is no table of providers here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: The hook that names a model's exact reference provider.
HOOK = "exact_reference"


class NoReference(LookupError):
    """The model has no exact reference for the requested parameters."""


def import_target(spec, what: str = "hook") -> Callable:
    """The object a ``"package.module:attribute"`` string names (a callable passes through).

    Raises
    ------
    ImportError
        When the module or the attribute is missing, or the string is malformed.
    """
    if not isinstance(spec, str):
        return spec
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise ImportError(f"the {what} {spec!r} is not of the form 'package.module:name'")
    try:
        return getattr(importlib.import_module(module), attr)
    except AttributeError:
        raise ImportError(f"module {module!r} has no {attr!r} (the {what} {spec!r})") from None


def source_name(spec) -> str:
    """Where values come from, for tables and JSON: the provider's module."""
    if isinstance(spec, str):
        return spec.partition(":")[0]
    return getattr(spec, "__module__", None) or repr(spec)


def _model(model):
    if isinstance(model, str):
        from statmech.derive.registry import get_model

        return get_model(model)
    return getattr(model, "definition", model)  # an API handle carries the model


def provider(model) -> str | Callable | None:
    """The model's exact reference provider (the hook's value), or None."""
    return _model(model).hook(HOOK)


def exact_reference(model, params: dict) -> dict[str, float]:
    """Exact observables of ``model`` (a model or a registered name) at ``params``.

    Raises
    ------
    NoReference
        When the model names no provider, or its provider cannot be imported.
    """
    model = _model(model)
    spec = model.hook(HOOK)
    if spec is None:
        raise NoReference(f"no exact reference for {model.name!r}")
    try:
        fn = import_target(spec, "exact reference")
    except ImportError as exc:
        raise NoReference(
            f"the exact reference for {model.name!r} is not available: {exc}"
        ) from exc
    return fn(params)


def reference_values(model, params: dict) -> tuple[dict[str, float], str]:
    """Exact reference observables and where they come from.

    The model's provider first; for a system of at most
    :data:`~statmech.numeric.observables.ENUMERATION_LIMIT` units without one,
    exact enumeration.

    Raises
    ------
    NoReference
        No provider, and the system is too large to enumerate.
    """
    from .exact import system_shape
    from .observables import ENUMERATION_LIMIT, enumerated_reference

    model = _model(model)
    try:
        return dict(exact_reference(model, params)), source_name(model.hook(HOOK))
    except NoReference as exc:
        n = 1
        for length in system_shape(model, params):
            n *= length
        if n > ENUMERATION_LIMIT:
            raise NoReference(
                f"{exc}; exact enumeration covers at most {ENUMERATION_LIMIT} spins, "
                f"this system has {n}"
            ) from None
    return enumerated_reference(model, params), "exact enumeration"
