"""What a run's own series say about its error bars, as warnings: an energy still
drifting at the end of the discarded sweeps, a quantity frozen for the whole run, a series
too short for its autocorrelation time, too few discarded sweeps for it.  Used by
:func:`statmech.numeric.simulation.simulate`; each warning names the option it advises as
the caller spells it (:func:`statmech.numeric.options.option`).
"""

from __future__ import annotations

import numpy as np

from .options import option
from .stats import DRIFT_Z, THERMALISATION_TAUS, drift, integrated_time

#: Fewest discarded sweeps for which thermalisation is checked.
THERMALISATION_CHECK_MIN = 16


def thermalisation_drift(e_therm) -> tuple[float, float, float] | None:
    """``(mean, mean, z)`` of the energy over the third and the fourth quarter of the
    discarded sweeps (``e_therm``: ``(replicas, points)``, in order), z from the
    spread of the replicas' own differences (:func:`numeric.stats.drift`); None when
    there are fewer than 4 replicas or 16 points."""
    e_therm = np.asarray(e_therm, dtype=np.float64)
    if e_therm.ndim != 2 or e_therm.shape[1] < 16 or np.isnan(e_therm).any():
        return None
    return drift(e_therm[:, e_therm.shape[1] // 2 :])


def thermalisation_drift_few(e_therm, therm: int, e, every: int):
    """As :func:`thermalisation_drift` for fewer than 4 replicas, where their spread
    cannot serve: the error of a quarter's mean comes from the measurements' variance
    and integrated autocorrelation time ``tau`` (in sweeps), ``var * max(2 tau,
    spacing) / span`` per replica; None when ``tau`` cannot be estimated."""
    e_therm, e = np.asarray(e_therm, dtype=np.float64), np.asarray(e, dtype=np.float64)
    if e_therm.shape[1] < 16 or np.isnan(e_therm).any() or np.isnan(e).any():
        return None
    tau, reliable = integrated_time(e)
    var = float(e.var(axis=1, ddof=1).mean()) if e.shape[1] > 1 else 0.0
    if not reliable or var == 0:
        return None
    n = e_therm.shape[1]
    half = e_therm[:, n // 2 :]
    q = half.shape[1] // 2
    first, second = half[:, :q].mean(), half[:, half.shape[1] - q :].mean()
    spacing = therm / n
    per_mean = var * max(2 * tau * every, spacing) / (q * spacing) / e.shape[0]
    return float(first), float(second), float((second - first) / np.sqrt(2 * per_mean))


def thermalisation_warning(
    e_therm, therm: int, e=None, every: int = 1, spelling: str = "keyword"
) -> str | None:
    """The warning of a run whose energy still drifted at the end of its ``therm``
    discarded sweeps (see :func:`thermalisation_drift`; with fewer than 4 replicas
    :func:`thermalisation_drift_few` from the measurements ``e``), or None; the option
    it advises is spelt as ``spelling`` says (:func:`numeric.options.option`)."""
    d = None
    if therm >= THERMALISATION_CHECK_MIN:
        d = thermalisation_drift(e_therm)
        if d is None and e is not None and 0 < np.shape(e_therm)[0] < 4:
            d = thermalisation_drift_few(e_therm, therm, e, every)
    if d is None or not abs(d[2]) > DRIFT_Z:
        return None
    q = therm // 4
    return (
        f"not thermalised: the energy per spin drifted from {d[0]:.6g} to {d[1]:.6g} "
        f"(z = {d[2]:.1f}) between sweeps {2 * q}-{3 * q} and {3 * q}-{therm} of the "
        f"{therm} discarded sweeps, so the measurements start out of equilibrium; "
        f"run more sweeps or {option('thermalize', 4 * therm, spelling)}"
    )


def series_warnings(obs, e, m, therm, every, spelling="keyword") -> list[str]:
    out = []
    slow = {"energy_per_spin": e, "abs_magnetization": np.abs(m), "magnetization_squared": m * m}
    for name, x in slow.items():
        if np.all(x == x.flat[0]):
            out.append(
                f"{name} did not change during the run (all replicas frozen?); "
                "its zero error bar means nothing: give more sweeps or a higher temperature"
            )
            continue
        tau, reliable = integrated_time(x)
        if not reliable:
            out.append(
                f"{name}: the series ({x.shape[1]} measurements) is too short to estimate "
                f"its autocorrelation time (>= {tau:.3g}); the error bar is too small"
            )
        elif therm < THERMALISATION_TAUS * tau * every:
            out.append(
                f"{name}: {therm} thermalisation sweeps are fewer than "
                f"{THERMALISATION_TAUS:g} autocorrelation times ({tau * every:.3g} sweeps each); "
                f"give more {option('sweeps', None, spelling)} or "
                f"{option('thermalize', None, spelling)}"
            )
    return out
