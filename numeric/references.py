r"""Exact or analytic reference values that simulations are validated against.

``exact_reference(model_name, params)`` returns a dict of observables, keyed by
the names the samplers use (``energy_per_spin``, ``heat_capacity_per_spin``,
``abs_magnetization``, ``magnetization_squared``, ``susceptibility``,
``binder``), holding only those known exactly for the given parameters.
Providers are named here as ``module:function`` and imported on first use.
"""

from __future__ import annotations

import importlib

PROVIDERS = {
    "ising1d": "statmech.numeric.ising_exact:ising1d_reference",
    "ising2d": "statmech.numeric.ising_exact:ising2d_reference",
    "curie-weiss": "statmech.numeric.curie_weiss:curie_weiss_reference",
}


class NoReference(LookupError):
    pass


def exact_reference(model_name: str, params: dict) -> dict[str, float]:
    target = PROVIDERS.get(model_name)
    if target is None:
        known = ", ".join(sorted(PROVIDERS))
        raise NoReference(
            f"no exact reference for {model_name!r}; there are references for {known}"
        )
    module, _, func = target.partition(":")
    try:
        fn = getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise NoReference(
            f"the exact reference for {model_name!r} is not available: {exc}"
        ) from exc
    return fn(params)
