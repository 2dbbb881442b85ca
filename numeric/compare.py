r"""Analytic against simulated: every quantity the exact reference knows, with its z-score.

:math:`z = (\text{simulated} - \text{exact}) / \text{error}`, with the
autocorrelation-aware error of the estimate.  For honest Gaussian error bars a
single quantity has :math:`|z| > 4` with probability :math:`6 \times 10^{-5}`,
hence the default threshold :data:`MAX_Z`.  The exact values come from the
model's reference provider or from enumeration
(:func:`statmech.numeric.references.reference_values`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Default threshold on |z| for a comparison to pass.
MAX_Z = 4.0


@dataclass(frozen=True)
class ComparisonRow:
    """One quantity: exact value, simulated mean, its error and the z-score.

    ``at`` holds the parameters that vary along a range (empty for one point).
    """

    quantity: str
    exact: float
    simulated: float
    error: float
    z: float
    at: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            **self.at,
            "quantity": self.quantity,
            "exact": self.exact,
            "simulated": self.simulated,
            "error": self.error,
            "z": self.z,
        }


@dataclass(frozen=True)
class Comparison:
    """Every row at one parameter point, where the exact values come from (``source``,
    the provider's module) and how (``method``, in words: ``"transfer matrix"``)."""

    rows: tuple[ComparisonRow, ...]
    source: str
    method: str = ""

    @property
    def largest_z(self) -> float:
        """The largest ``|z|`` (0 when there are no rows)."""
        return max((abs(r.z) for r in self.rows), default=0.0)

    def passed(self, max_z: float = MAX_Z) -> bool:
        """Every ``|z| <= max_z``; a comparison of nothing has not passed."""
        return bool(self.rows) and all(abs(r.z) <= max_z for r in self.rows)

    def to_dict(self) -> dict:
        return {
            "reference": self.source,
            "method": self.method,
            "rows": [r.to_dict() for r in self.rows],
        }


def compare(model, params: dict, result, at: dict | None = None, reference=None) -> Comparison:
    """Compare a simulation with the exact values of ``model`` at ``params``.

    Parameters
    ----------
    model : statmech.derive.model.Model
    params : dict
        The parameter point simulated.
    result : statmech.numeric.simulation.SimulationResult
        Its ``observables`` map a quantity to an estimate with ``mean``,
        ``error`` and ``z(value)``.
    at : dict, optional
        Parameters to label the rows with (those varying along a range).
    reference : (dict, str), optional
        The ``(values, source)`` of
        :func:`~statmech.numeric.references.reference_values`, when already known.

    Returns
    -------
    Comparison
        A row for every quantity both sides know (in the order of
        :data:`statmech.numeric.observables.ALL_NAMES`), skipping non-finite exact values.
        The two susceptibilities are different quantities with different names
        (``susceptibility_abs_m`` and ``susceptibility_per_spin``, dm/dh),
        never compared with each other.

    Raises
    ------
    statmech.numeric.references.NoReference
        No exact values for this model and point.
    """
    from .observables import ALL_NAMES
    from .references import method_words, reference_values

    exact, source = reference if reference is not None else reference_values(model, params)
    rows = []
    for name in ALL_NAMES:  # like with like: each quantity under its own name
        if name not in exact or name not in result.observables:
            continue
        value = float(exact[name])
        if not math.isfinite(value):
            continue
        est = result.observables[name]
        rows.append(ComparisonRow(name, value, est.mean, est.error, est.z(value), dict(at or {})))
    return Comparison(tuple(rows), source, method_words(model, params, source))
