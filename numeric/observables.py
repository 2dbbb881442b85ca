r"""What a spin simulation measures, and the estimates formed from it.

Per configuration (per replica) two numbers are recorded: the energy per spin
:math:`e = H/N_s` and the magnetisation per spin :math:`m = \sum_i s_i / N_s`.
Everything else is an average of functions of them:

.. math::

    c = \frac{N_s(\langle e^2\rangle - \langle e\rangle^2)}{T^2},\qquad
    U_4 = 1 - \frac{\langle m^4\rangle}{3\langle m^2\rangle^2},

and two different susceptibilities, never to be compared with each other:

.. math::

    \chi_{|m|} = \frac{N_s(\langle m^2\rangle - \langle |m|\rangle^2)}{T}
    \quad(\texttt{susceptibility\_abs\_m}),\qquad
    \frac{\partial \langle m\rangle}{\partial h}
    = \frac{N_s(\langle m^2\rangle - \langle m\rangle^2)}{T}
    \quad(\texttt{susceptibility\_per\_spin}).

The first is the finite-lattice quantity quoted at :math:`h = 0` (where
:math:`\langle m\rangle = 0` by symmetry but a run rarely tunnels); the second
is the response to the field, the ``susceptibility_per_spin`` of ``statmech
exact``.  A simulation estimates ``susceptibility_abs_m`` always and, in a
field, the signed ``magnetization`` and ``susceptibility_per_spin``.  The key
``susceptibility`` (:data:`LEGACY`) is kept in ``simulate --json`` with its old
meaning, :math:`\chi_{|m|}`.  Ratios and differences of averages get jackknife
errors (:func:`numeric.stats.jackknife`).
"""

from __future__ import annotations

import numpy as np

from .backend import get_namespace
from .stats import Estimate, jackknife, mean_estimate, shared_window

#: Quantities every simulation estimates, in the order tables show them.
NAMES = (
    "energy_per_spin",
    "heat_capacity_per_spin",
    "abs_magnetization",
    "magnetization_squared",
    "susceptibility_abs_m",
    "binder",
)

#: Quantities a simulation in a field estimates as well.
FIELD_NAMES = ("magnetization", "susceptibility_per_spin")

#: Every quantity a validation may compare, in table order.
ALL_NAMES = NAMES + FIELD_NAMES

#: Old keys kept in the output with their old meaning: ``susceptibility`` is
#: :math:`N(\langle m^2\rangle - \langle |m|\rangle^2)/T`, ``susceptibility_abs_m``.
LEGACY = {"susceptibility": "susceptibility_abs_m"}


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

    ``signed`` (a run in a field) adds the signed ``magnetization`` and
    ``susceptibility_per_spin`` (dm/dh).  The legacy key
    ``susceptibility`` is the same estimate as ``susceptibility_abs_m``.
    """
    e = np.asarray(e, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    am, m2 = np.abs(m), m * m
    # one window for all: the slowest mode seen (in a field, the signed m sees the
    # metastable visits that the energy carries with a small amplitude)
    w = shared_window([e, am, m2, m] if signed else [e, am, m2])
    chi_abs = jackknife(lambda a, b: n_spins * (b - a * a) / T, [am, m2], window=w)
    out = {
        "energy_per_spin": mean_estimate(e, w),
        "heat_capacity_per_spin": jackknife(
            lambda a, b: n_spins * (b - a * a) / T**2, [e, e * e], window=w
        ),
        "abs_magnetization": mean_estimate(am, w),
        "magnetization_squared": mean_estimate(m2, w),
        "susceptibility_abs_m": chi_abs,
        "binder": jackknife(lambda a, b: 1.0 - b / (3.0 * a * a), [m2, m2 * m2], window=w),
    }
    if signed:
        out["magnetization"] = mean_estimate(m, w)
        out["susceptibility_per_spin"] = jackknife(
            lambda a, b: n_spins * (b - a * a) / T, [m, m2], window=w
        )
    out["susceptibility"] = chi_abs  # LEGACY
    return out


def enumerated_reference(model, params: dict) -> dict[str, float]:
    """The reference observables of a small system by exact enumeration
    (:func:`numeric.enumeration.model_thermodynamics`), keyed as in :data:`ALL_NAMES`."""
    from .enumeration import model_thermodynamics
    from .samplers import sampler_shape

    shape = sampler_shape(model, params)
    n = int(np.prod(shape))
    values = {k: v for k, v in params.items() if k in model.parameter_names}
    th = model_thermodynamics(model, shape, values)
    T = float(params["T"])
    am, m2, m4 = th["abs_M"] / n, th["M2"] / n**2, th["M4"] / n**4
    m1 = th["M"] / n
    chi_abs = n * (m2 - am * am) / T
    return {
        "energy_per_spin": th["E"] / n,
        "heat_capacity_per_spin": th["C"] / n,
        "abs_magnetization": am,
        "magnetization_squared": m2,
        "susceptibility_abs_m": chi_abs,
        "susceptibility": chi_abs,  # LEGACY
        "binder": 1.0 - m4 / (3.0 * m2 * m2),
        "magnetization": m1,
        "susceptibility_per_spin": n * (m2 - m1 * m1) / T,
    }


#: Largest system whose reference values may come from exact enumeration.
ENUMERATION_LIMIT = 20


def reference_values(model, params: dict) -> tuple[dict[str, float], str]:
    """Exact reference observables and where they come from: moved to
    :func:`statmech.numeric.references.reference_values` (the model's provider,
    or enumeration for a small system)."""
    from .references import reference_values as found_through_the_model

    return found_through_the_model(model, params)


#: Below this fraction of measurements in which a replica's energy changed, the
#: sampler is taken to accept (almost) nothing.
FROZEN_FRACTION = 0.01
#: A variance smaller than this fraction of the mean square is lost to rounding.
ROUNDING = 1e-12


def run_checks(e, m, T: float, spelling: str = "keyword") -> list[str]:
    """Warnings that the series of one run (``(replicas, n)`` energies and magnetizations
    per unit) give about the estimates built on them, each saying what is wrong (an
    option it advises spelt as ``spelling`` says, :func:`numeric.options.option`):

    * the energy still drifts between the two halves of the measurements: the run is
      not in equilibrium (:func:`numeric.stats.drift`);
    * the configurations almost never change (the acceptance rate is near zero, as at
      T = 1e-9): the averages describe the states the replicas froze in;
    * a variance (heat capacity, susceptibility) is of the order of the rounding of
      the mean square it is computed from.
    """
    from .options import option
    from .stats import DRIFT_Z, drift

    e = np.asarray(e, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    out = []
    d = drift(e)
    if d is not None and abs(d[2]) > DRIFT_Z:
        out.append(
            f"energy_per_spin is still drifting: {d[0]:.6g} in the first half of the "
            f"measurements, {d[1]:.6g} in the second (z = {d[2]:.1f}); the run is not in "
            f"equilibrium: give more {option('thermalize', None, spelling)} "
            f"(or {option('sweeps', None, spelling)})"
        )
    if e.shape[1] > 1:
        changed = float(np.mean(np.diff(e, axis=1) != 0))
        if changed < FROZEN_FRACTION:
            out.append(
                f"the energy changed in only {100 * changed:.2g}% of the measurements at "
                f"T={T:g}: the replicas stay at one energy (a ground state, perhaps a "
                "degenerate one, or states frozen out of equilibrium), so the energy's error "
                "bar and the heat capacity rest on a few changes and cannot tell which"
            )
    for name, x in (("heat_capacity_per_spin", e), ("susceptibility_abs_m", np.abs(m))):
        var, square = float(x.var()), float(np.mean(x * x))
        if 0 < var < ROUNDING * square:
            out.append(
                f"{name}: the variance it rests on ({var:.3g}) is of the order of the "
                f"rounding of the mean square ({square:.3g}); the estimate is rounding noise"
            )
    return out
