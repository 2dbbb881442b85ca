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

from .backend import get_namespace, to_numpy
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


def energy_and_magnetization(model, spins, J: float, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Energy per spin and magnetisation per spin of each replica.

    Parameters
    ----------
    model : derive.model.Model
        Its coupling decides the energy: a periodic chain or hypercubic lattice
        (each bond once, as in :func:`derive.finite.finite_energy`) or all-to-all
        (:math:`-\\frac{J}{N}\\sum_{i<j} s_i s_j`).
    spins : array ``(replicas, *shape)`` of +-1, any backend

    Returns
    -------
    (e, m) : host float64 arrays of shape ``(replicas,)``
    """
    from statmech.derive.model import AllToAll, Chain, HypercubicLattice

    xp = get_namespace(spins)
    r = spins.shape[0]
    n = int(np.prod(spins.shape[1:]))
    flat = spins.reshape(r, n)
    M = flat.sum(axis=1, dtype=xp.int64)
    c = model.coupling
    if isinstance(c, AllToAll):
        Mf = M.astype(xp.float64)
        energy = -J / n * (Mf * Mf - n) / 2.0 - h * Mf
    elif isinstance(c, (Chain, HypercubicLattice)):
        bond = xp.zeros(r, dtype=xp.int64)
        for axis in range(1, spins.ndim):
            bond += (
                (spins * xp.roll(spins, -1, axis=axis)).reshape(r, n).sum(axis=1, dtype=xp.int64)
            )
        energy = -J * bond.astype(xp.float64) - h * M.astype(xp.float64)
    else:
        raise ValueError(f"no energy measurement for coupling {c.kind!r}")
    return to_numpy(energy) / n, to_numpy(M).astype(np.float64) / n


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
    """Exact reference observables and where they come from.

    The providers of :mod:`numeric.references` first; for a system of at most
    :data:`ENUMERATION_LIMIT` spins without a provider, exact enumeration.

    Raises
    ------
    numeric.references.NoReference
    """
    from .references import PROVIDERS, NoReference, exact_reference
    from .samplers import sampler_shape

    try:
        values = exact_reference(model.name, params)
        return dict(values), PROVIDERS[model.name].partition(":")[0]
    except NoReference as exc:
        n = int(np.prod(sampler_shape(model, params)))
        if n > ENUMERATION_LIMIT:
            raise NoReference(
                f"{exc}; exact enumeration covers at most {ENUMERATION_LIMIT} spins, "
                f"this system has {n}"
            ) from None
    return enumerated_reference(model, params), "exact enumeration"
