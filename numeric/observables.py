r"""What a spin simulation measures, and the estimates formed from it.

Per configuration (per replica) two numbers are recorded: the energy per spin
:math:`e = H/N_s` and the magnetisation per spin :math:`m = \sum_i s_i / N_s`.
Everything else is an average of functions of them:

.. math::

    c = \frac{N_s(\langle e^2\rangle - \langle e\rangle^2)}{T^2},\qquad
    \chi = \frac{N_s(\langle m^2\rangle - \langle |m|\rangle^2)}{T},\qquad
    U_4 = 1 - \frac{\langle m^4\rangle}{3\langle m^2\rangle^2},

the definitions of :mod:`numeric.references`.  The heat capacity, susceptibility
and Binder cumulant get jackknife errors (:func:`numeric.stats.jackknife`).
"""

from __future__ import annotations

import numpy as np

from .backend import get_namespace
from .stats import Estimate, jackknife, mean_estimate

#: Reference keys, in the order tables show them.
NAMES = (
    "energy_per_spin",
    "heat_capacity_per_spin",
    "abs_magnetization",
    "magnetization_squared",
    "susceptibility",
    "binder",
)


def energy_and_magnetization(model, spins, J: float | None = None, h: float | None = None):
    """Energy per spin and magnetisation per spin of each replica.

    Parameters
    ----------
    model : CompiledModel, or derive.model.Model with ``J`` and ``h``
        The energy is the model's own (:mod:`statmech.numeric.compiled`); a
        :class:`~statmech.derive.model.Model` is compiled at ``J``, ``h`` and the
        shape of ``spins`` (its other parameters at their defaults).
    spins : array ``(replicas, *shape)``, any backend

    Returns
    -------
    (e, m) : host float64 arrays of shape ``(replicas,)``
    """
    from .compiled import CompiledModel, compile_model

    compiled = model
    if not isinstance(model, CompiledModel):
        params = {k: v for k, v in (("J", J), ("h", h)) if v is not None}
        backend = "numpy" if get_namespace(spins) is np else "cupy"
        compiled = compile_model(model, params, backend, shape=spins.shape[1:])
    return compiled.measure(spins)


def estimates(e, m, n_spins: int, T: float, signed: bool = False) -> dict[str, Estimate]:
    """Every observable from the series ``e``, ``m`` of shape ``(replicas, n)``.

    ``signed`` adds the signed ``magnetization`` (useful in a field).
    """
    e = np.asarray(e, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    am, m2 = np.abs(m), m * m
    out = {
        "energy_per_spin": mean_estimate(e),
        "heat_capacity_per_spin": jackknife(lambda a, b: n_spins * (b - a * a) / T**2, [e, e * e]),
        "abs_magnetization": mean_estimate(am),
        "magnetization_squared": mean_estimate(m2),
        "susceptibility": jackknife(lambda a, b: n_spins * (b - a * a) / T, [am, m2]),
        "binder": jackknife(lambda a, b: 1.0 - b / (3.0 * a * a), [m2, m2 * m2]),
    }
    if signed:
        out["magnetization"] = mean_estimate(m)
    return out


def enumerated_reference(model, params: dict) -> dict[str, float]:
    """The reference observables of a small system by exact enumeration
    (:func:`numeric.enumeration.model_thermodynamics`), keyed as in :data:`NAMES`."""
    from .enumeration import model_thermodynamics
    from .samplers import sampler_shape

    shape = sampler_shape(model, params)
    n = int(np.prod(shape))
    values = {k: v for k, v in params.items() if k in model.parameter_names}
    th = model_thermodynamics(model, shape, values)
    T = float(params["T"])
    am, m2, m4 = th["abs_M"] / n, th["M2"] / n**2, th["M4"] / n**4
    return {
        "energy_per_spin": th["E"] / n,
        "heat_capacity_per_spin": th["C"] / n,
        "abs_magnetization": am,
        "magnetization_squared": m2,
        "susceptibility": n * (m2 - am * am) / T,
        "binder": 1.0 - m4 / (3.0 * m2 * m2),
    }


#: Largest system whose reference values may come from exact enumeration.
ENUMERATION_LIMIT = 20


def reference_values(model, params: dict) -> tuple[dict[str, float], str]:
    """Exact reference observables and where they come from: moved to
    :func:`statmech.numeric.references.reference_values` (the model's provider,
    or enumeration for a small system)."""
    from .references import reference_values as found_through_the_model

    return found_through_the_model(model, params)
