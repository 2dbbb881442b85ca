r"""Exact reference values that simulations are validated against, found through the model.

A model names its provider with a hook (``derive`` stays pure SymPy, so the hook
holds a ``"module:function"`` string, imported here on first use; a callable is
accepted too, for a model defined in a notebook)::

    hooks=(("exact_reference", "statmech.numeric.ising_exact:ising1d_reference"), ...)

The provider takes a params dict (``T``, the couplings, the size) and returns a
dict of observables keyed by the names the samplers use
(:data:`statmech.numeric.observables.ALL_NAMES`: ``energy_per_spin``,
``heat_capacity_per_spin``, ``abs_magnetization``, ``magnetization_squared``,
``susceptibility_abs_m`` :math:`= N(\langle m^2\rangle - \langle|m|\rangle^2)/T`,
``binder``, and in a field ``magnetization`` and ``susceptibility_per_spin``
:math:`= \partial m/\partial h = N(\langle m^2\rangle - \langle m\rangle^2)/T`),
holding only those known exactly for the given parameters.  A provider's
``susceptibility`` (the old key) means ``susceptibility_abs_m``.
:func:`reference_values` adds the fallback: exact enumeration for a system of at
most :data:`statmech.numeric.observables.ENUMERATION_LIMIT` units.
A point where neither gives a value is refused (:class:`NoReference`), never
compared with nothing; a provider may carry an ``unavailable(params) -> str``
attribute that says why it knows nothing there and what would work, and a
``method`` attribute (a string, or ``method(params) -> str``) that names its
method in words, as output and the report print it (:func:`method_words`).
The models are the one source: there is no table of providers here.
"""

from __future__ import annotations

import importlib
import math
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


#: The source (and method) of values from the enumeration fallback.
ENUMERATION = "exact enumeration"


def method_words(model, params: dict, source: str) -> str:
    """The method behind exact values of ``model`` at ``params`` in words, e.g.
    ``"transfer matrix"``, for ``source`` as :func:`reference_values` returned it.

    The provider's ``method`` attribute (a string, or a function of ``params``);
    a provider that states none is named by ``source``, its module.
    """
    if source == ENUMERATION:
        return source
    try:
        words = getattr(import_target(provider(model)), "method", None)
    except ImportError:
        return source
    if callable(words):
        words = words(params)
    return words or source


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
    values = dict(fn(params))
    if "susceptibility" in values and "susceptibility_abs_m" not in values:
        values["susceptibility_abs_m"] = values["susceptibility"]  # the legacy key's meaning
    return values


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
        values = dict(exact_reference(model, params))
    except NoReference as exc:
        why = str(exc)
    else:
        if any(_finite(v) for v in values.values()):
            return values, source_name(model.hook(HOOK))
        hint = getattr(import_target(model.hook(HOOK)), "unavailable", None)
        why = (hint(params) if hint else None) or (
            f"the exact reference of {model.name!r} knows no value at {_describe(params)}"
        )
    if not hasattr(model.states, "values"):
        raise NoReference(f"{why}; its units are not discrete, so they cannot be enumerated")
    n = 1
    for length in system_shape(model, params):
        n *= length
    if n > ENUMERATION_LIMIT:
        raise NoReference(
            f"{why}; exact enumeration covers at most {ENUMERATION_LIMIT} spins, "
            f"this system has {n}"
        ) from None
    return enumerated_reference(model, params), ENUMERATION


def _finite(v) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _describe(params: dict) -> str:
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())
