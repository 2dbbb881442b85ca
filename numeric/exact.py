r"""Exact thermodynamics of a model at one parameter point, found through the model.

A model that has a closed form names it with a hook holding a
``"module:attribute"`` string (imported here on first use; ``derive`` stays pure
SymPy) that points to an :class:`ExactRoute`::

    hooks=(("exact_route", "statmech.numeric.ising_exact:CHAIN_ROUTE"), ...)

A model without one is summed over every configuration when it is small
(:data:`MAX_CONFIGURATIONS`) at its size (its default unless given; it offers no
thermodynamic limit); a larger one is refused in one sentence.
:func:`exact` returns an :class:`ExactResult`; the command line's ``exact`` verb
prints it.

Quantities (per unit, :math:`N` units, :math:`M = \sum_i s_i`), each present
where known::

    free_energy_per_spin     -T log Z / N
    energy_per_spin          <H> / N
    heat_capacity_per_spin   (<H^2> - <H>^2) / (N T^2)
    magnetization            <M> / N
    susceptibility_per_spin  (<M^2> - <M>^2) / (N T)
    abs_magnetization        <|M|> / N

Examples
--------
>>> from statmech.derive import get_model
>>> r = exact(get_model("ising2d"), {"T": 2.5, "J": 1.0, "h": 0.0, "L": 4})
>>> r.system, round(r.values["energy_per_spin"], 12)
('4 x 4 torus', -1.379116482259)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from .references import import_target

#: The hook that names a model's exact route.
HOOK = "exact_route"

QUANTITIES = (
    "free_energy_per_spin",
    "energy_per_spin",
    "heat_capacity_per_spin",
    "magnetization",
    "susceptibility_per_spin",
    "abs_magnetization",
)

#: Largest number of configurations summed for a model without an exact route
#: (2**20: twenty +-1 spins, or twelve spin-1 units).
MAX_CONFIGURATIONS = 2**20

#: Smallest linear size an exact computation of interacting units accepts.
MIN_SIZE = 2


class ExactUnavailable(LookupError):
    """The model has no exact result for the requested point (the reason in one sentence)."""


@dataclass(frozen=True)
class ExactRoute:
    """A closed form a model offers for :func:`exact`.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params, precision, boundary) -> dict`` of :data:`QUANTITIES`
        (floats; mpmath numbers when ``precision`` digits are asked for).
        ``params`` lacks the size for the thermodynamic limit.  Raises
        :class:`ExactUnavailable` (or ``ValueError``) with a one-sentence reason.
    system : callable
        ``system(params, boundary) -> str``, e.g. ``"ring of 10 spins"``.
    boundaries : tuple of str
        Boundary conditions accepted, the default first.
    infinite : bool
        Whether the thermodynamic limit (no size given) is offered.
    """

    evaluate: Callable
    system: Callable
    boundaries: tuple[str, ...] = ("periodic",)
    infinite: bool = True


@dataclass(frozen=True)
class ExactResult:
    """Exact numbers at one parameter point.

    ``to_dict()`` gives the keys of ``statmech exact --json``: the parameters,
    ``system``, then the quantities known.
    """

    model: str
    system: str
    parameters: dict
    values: dict
    source: str
    precision: int | None = None
    boundary: str = "periodic"
    notes: tuple[str, ...] = field(default=())

    def __getitem__(self, quantity: str):
        return self.values[quantity]

    def to_dict(self) -> dict:
        return {**self.parameters, "system": self.system, **self.values}

    def _repr_markdown_(self) -> str:
        rows = "\n".join(f"| {k} | {_fmt(v, self.precision)} |" for k, v in self.values.items())
        return (
            f"**{self.model}**, {self.system} ({self.source})\n\n"
            f"| quantity | value |\n|---|---|\n{rows}"
        )


def _fmt(v, digits):
    if digits:
        import mpmath

        return mpmath.nstr(v, digits)
    return f"{float(v):.12g}"


# --------------------------------------------------------------------------
# What the model says about its size


def size_names(model) -> tuple[str, ...]:
    """The parameters that fix the finite shape (``N``, ``L``, ...)."""
    names = getattr(model.coupling, "size_parameters", None)
    if names is None:
        names = tuple(sorted(s.name for s in model.size.free_symbols))
    return tuple(n for n in names if n in model.parameter_names)


def system_shape(model, params: dict) -> tuple[int, ...]:
    """The finite shape of ``model`` at ``params``, read from its couplings.

    Raises
    ------
    ExactUnavailable
        When a size parameter is missing.
    """
    shape = getattr(model.coupling, "shape", None)
    try:
        if callable(shape):
            return tuple(int(x) for x in shape(params))
        from .samplers import sampler_shape  # couplings that do not state their shape

        return tuple(sampler_shape(model, params))
    except KeyError as exc:
        raise ExactUnavailable(f"{model.name} needs its size {exc.args[0]} here") from None


# --------------------------------------------------------------------------
# The route


def route(model) -> ExactRoute | None:
    """The model's :class:`ExactRoute`, or None when it names none."""
    spec = model.hook(HOOK)
    if spec is None:
        return None
    target = import_target(spec, "exact route")
    if not all(hasattr(target, a) for a in ("evaluate", "system", "boundaries", "infinite")):
        raise ImportError(f"the exact route {spec!r} is not an ExactRoute")
    return target


def offers_limit(model) -> bool:
    """Whether ``exact`` gives the thermodynamic limit when the size is left out
    (the model's route says so; summing over configurations needs a size)."""
    try:
        r = route(model)
    except ImportError:
        return False
    return r is not None and r.infinite


def _enumerate(model, params: dict, precision, boundary) -> tuple[dict, str]:
    from .enumeration import model_thermodynamics

    sizes = size_names(model)
    if any(s not in params for s in sizes):
        raise ExactUnavailable(
            f"model {model.name!r} has no exact solution here for the infinite system; "
            f"give its size ({', '.join(sizes)}) for a sum over every configuration"
        )
    shape = system_shape(model, params)
    n = math.prod(shape)
    states = len(getattr(model.states, "values", ()))
    if states == 0 or states**n > MAX_CONFIGURATIONS:
        raise ExactUnavailable(
            f"model {model.name!r} has no exact solution here: its {n} units have "
            f"{states}^{n} configurations, more than the {MAX_CONFIGURATIONS} summed exactly"
        )
    if precision is not None:
        raise ExactUnavailable(
            f"model {model.name!r} is summed over its configurations in float64; "
            "a chosen precision needs an exact formula"
        )
    if boundary not in (None, "periodic"):
        raise ExactUnavailable(
            f"model {model.name!r} takes its boundaries from its couplings; "
            f"no {boundary} boundary here"
        )
    values = {k: v for k, v in params.items() if k in model.parameter_names}
    th = model_thermodynamics(model, shape, values)
    out = {
        "free_energy_per_spin": th["F"] / n,
        "energy_per_spin": th["E"] / n,
        "heat_capacity_per_spin": th["C"] / n,
        "magnetization": th["M"] / n,
        "susceptibility_per_spin": th["chi"] / n,
        "abs_magnetization": th["abs_M"] / n,
    }
    dims = " x ".join(str(x) for x in shape)
    what = f"{dims} units" if len(shape) > 1 else f"{n} units"
    return out, f"{what}, {model.coupling.kind} couplings, every configuration summed"


def exact(model, params: dict, precision: int | None = None, boundary: str | None = None):
    """Exact thermodynamics of ``model`` at ``params``.

    Parameters
    ----------
    model : statmech.derive.model.Model
    params : dict
        Parameter values; leave the size out for the thermodynamic limit (where
        the model's route offers it).
    precision : int, optional
        Significant digits: the numbers are mpmath numbers computed to that
        precision (where the route offers it).
    boundary : str, optional
        A boundary condition the route offers (``"open"`` for the chain); the
        route's default when None.

    Returns
    -------
    ExactResult

    Raises
    ------
    ExactUnavailable
        No exact result at this point (a one-sentence reason).
    """
    if precision is not None and not 1 <= precision <= 1000:
        raise ValueError(f"precision must be between 1 and 1000 digits, got {precision}")
    smallest = MIN_SIZE if model.coupling.interacting else 1  # one free unit is a system
    for name in size_names(model):
        if name in params and int(params[name]) < smallest:
            raise ValueError(f"{name} must be at least {smallest}, got {name}={params[name]}")
    try:
        r = route(model)
    except ImportError as exc:
        raise ExactUnavailable(
            f"the exact route of {model.name!r} is not available: {exc}"
        ) from exc
    if r is None:
        values, system = _enumerate(model, params, precision, boundary)
        return ExactResult(model.name, system, dict(params), values, "exact enumeration")
    boundary = boundary or r.boundaries[0]
    if boundary not in r.boundaries:
        raise ExactUnavailable(
            f"model {model.name!r} offers {' or '.join(r.boundaries)} boundaries here, "
            f"not {boundary}"
        )
    if not r.infinite and any(s not in params for s in size_names(model)):
        raise ExactUnavailable(
            f"model {model.name!r} is solved exactly at a finite size only; "
            f"give {', '.join(size_names(model))}"
        )
    values = r.evaluate(params, precision, boundary)
    values = {q: values[q] for q in QUANTITIES if q in values}
    source = model.hook(HOOK)
    source = source.partition(":")[0] if isinstance(source, str) else model.name
    return ExactResult(
        model.name, r.system(params, boundary), dict(params), values, source, precision, boundary
    )
