r"""Monte Carlo samplers: the reference implementations and the factory.

Every sampler follows one protocol (explicit state, explicit randomness)::

    state = sampler.init(seed)            # independent stream per replica
    state = sampler.step(state, sweeps)   # `sweeps` sweeps
    sampler.configuration(state)          # (replicas, *shape) int8 +-1, backend array
    sampler.state_dict(state)             # host arrays / ints / str: exact resume
    sampler.load_state_dict(d)            # -> state
    sampler.attempted_flips_per_sweep     # replicas * sites for single-spin updates

with attributes ``name`` (algorithm), ``model_name``, ``shape``, ``replicas``,
``backend``, ``T``, ``J``, ``h``.

The samplers in this package are the REFERENCE implementations: written once
for ``xp`` = NumPy or CuPy, simple enough to read and check.  Faster ones (and
cluster algorithms) may live in :mod:`numeric.fast`; :func:`make_sampler` uses
them by default when they exist and support the request, and ``reference=True``
forces the reference path.  Metropolis goes to the fast samplers only where plain
checkerboard Metropolis is ergodic (:func:`plain_checkerboard_is_ergodic`);
elsewhere the reference sampler's lazy move is used.
"""

from __future__ import annotations

from .base import ALGORITHMS, ReferenceSampler, SamplerState, SamplerUnavailable
from .fully_connected import ReferenceCurieWeissSampler, ReferenceDenseSampler
from .lattice import ReferenceLatticeSampler, colouring, neighbours

__all__ = [
    "ALGORITHMS",
    "ALL_ALGORITHMS",
    "ReferenceCurieWeissSampler",
    "ReferenceDenseSampler",
    "ReferenceLatticeSampler",
    "ReferenceSampler",
    "SamplerState",
    "SamplerUnavailable",
    "colouring",
    "make_sampler",
    "neighbours",
    "plain_checkerboard_is_ergodic",
    "sampler_shape",
]

#: Algorithms the command line offers; the cluster ones come from statmech.numeric.fast.
ALL_ALGORITHMS = ("metropolis", "heat-bath", "wolff", "swendsen-wang")


def sampler_shape(model, params: dict) -> tuple[int, ...]:
    """The lattice shape of ``model`` at ``params`` (``N`` for chains and
    all-to-all models, ``L`` per axis for hypercubic lattices)."""
    from statmech.derive.model import AllToAll, Chain, HypercubicLattice

    c = model.coupling
    try:
        if isinstance(c, HypercubicLattice):
            return (int(params["L"]),) * c.dimension
        if isinstance(c, (Chain, AllToAll)):
            return (int(params["N"]),)
    except KeyError as exc:
        raise SamplerUnavailable(f"{model.name} needs its size {exc.args[0]} to sample") from None
    raise SamplerUnavailable(
        f"no sampler for model {model.name!r} (coupling {c.kind!r}); "
        "samplers exist for spin chains, hypercubic lattices and all-to-all models"
    )


def plain_checkerboard_is_ergodic(shape, model) -> bool:
    """Whether plain (non-lazy) sublattice Metropolis samples this system correctly.

    Not on rings, nor on tori with a length that is odd or below 4 (zero-energy
    flips taken with probability one split the dynamics into sectors; see
    :mod:`numeric.samplers.lattice`); fast checkerboard Metropolis samplers are
    therefore used only on lattices of dimension >= 2 with every length even and
    >= 4.  All-to-all models go to the reference sampler (systematic scan, lazy).
    """
    from statmech.derive.model import HypercubicLattice

    return isinstance(model.coupling, HypercubicLattice) and all(
        n % 2 == 0 and n >= 4 for n in shape
    )


def _fast_sampler(model_name, shape, T, J, h, algorithm, replicas, backend):
    """A sampler from statmech.numeric.fast, or None (with the reason) when it offers none."""
    try:
        from statmech.numeric.fast import make_fast_sampler
    except ImportError as exc:
        return None, f"statmech.numeric.fast is not available ({exc})"
    try:
        return make_fast_sampler(model_name, shape, T, J, h, algorithm, replicas, backend), None
    except (NotImplementedError, ImportError) as exc:
        return None, str(exc) or type(exc).__name__


def make_sampler(
    model,
    params: dict,
    algorithm: str = "metropolis",
    replicas: int = 1,
    backend: str = "numpy",
    reference: bool = False,
):
    """A sampler for ``model`` at ``params`` (``T``, ``J``, ``h`` and the size).

    Parameters
    ----------
    model : derive.model.Model or str
    params : dict
        ``T`` (required), ``J`` (default 1), ``h`` (default 0), and ``N`` or ``L``.
    algorithm : {"metropolis", "heat-bath", "wolff", "swendsen-wang"}
    replicas : int
        Independent replicas updated together.
    backend : {"numpy", "cupy"}
    reference : bool
        Use the reference sampler even when a fast one exists.

    Returns
    -------
    A sampler following the protocol above; seed it with ``sampler.init(seed)``.

    Raises
    ------
    SamplerUnavailable
        When neither a fast nor a reference implementation covers the request.
    """
    from statmech.derive.model import AllToAll, Chain, HypercubicLattice

    if isinstance(model, str):
        from statmech.derive.registry import get_model

        model = get_model(model)
    if algorithm not in ALL_ALGORITHMS:
        raise SamplerUnavailable(
            f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALL_ALGORITHMS)}"
        )
    shape = sampler_shape(model, params)
    T = float(params["T"])
    J = float(params.get("J", 1.0))
    h = float(params.get("h", 0.0))
    reason = "the reference samplers were requested"
    if (
        not reference
        and algorithm == "metropolis"
        and not plain_checkerboard_is_ergodic(shape, model)
    ):
        reference = True
        reason = (
            "plain sublattice Metropolis is not ergodic on this lattice; "
            "the reference sampler uses the lazy move"
        )
    if not reference:
        fast, reason = _fast_sampler(model.name, shape, T, J, h, algorithm, replicas, backend)
        if fast is not None:
            return fast
    if algorithm not in ALGORITHMS:
        raise SamplerUnavailable(
            f"the {algorithm} algorithm needs the fast samplers of numeric.fast, and none "
            f"covers {model.name} on {backend} here ({reason}); "
            f"the reference samplers offer {' and '.join(ALGORITHMS)}"
        )
    c = model.coupling
    args = (model.name, shape, T, J, h, algorithm, replicas, backend)
    if isinstance(c, (Chain, HypercubicLattice)):
        if isinstance(c, Chain) and not c.periodic:
            raise SamplerUnavailable("the reference samplers need a periodic chain")
        return ReferenceLatticeSampler(*args)
    if isinstance(c, AllToAll):
        return ReferenceCurieWeissSampler(*args)
    raise SamplerUnavailable(f"no sampler for model {model.name!r}")  # pragma: no cover
