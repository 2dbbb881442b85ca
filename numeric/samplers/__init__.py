r"""Monte Carlo samplers: the one sampler base, the reference samplers, the moves, the factory.

Every sampler follows one protocol (explicit state, explicit randomness; see
:mod:`.base`)::

    state = sampler.init(seed)            # independent stream per replica
    state = sampler.step(state, sweeps)   # `sweeps` sweeps
    sampler.configuration(state)          # (replicas, *shape) int8 unit values, backend array
    sampler.state_dict(state)             # host arrays / ints / str: exact resume
    sampler.load_state_dict(d)            # -> state
    sampler.attempted_flips_per_sweep     # replicas * sites for single-site updates

with attributes ``name`` (the sweep move), ``model_name``, ``shape``,
``replicas``, ``backend``, ``compiled`` (the model's compiled form),
``temperatures`` (one per replica), ``T``, ``J``, ``h``.

:func:`make_sampler` compiles the model (:func:`statmech.numeric.compiled.compile_model`)
and chooses on the compiled form, never on a model's name or couplings class:

* the fast samplers of :mod:`statmech.numeric.fast` where a kernel applies (Ising
  form on a periodic hypercubic lattice; :func:`statmech.numeric.fast.fast_sampler`),
  for Metropolis only where plain checkerboard Metropolis is ergodic
  (:func:`plain_checkerboard_is_ergodic`);
* otherwise the reference sampler of the couplings' representation, written once
  for ``xp`` = NumPy or CuPy, for any discrete units (+-1, 0/1, spin-1):
  :class:`ReferenceLatticeSampler` (colour classes), :class:`ReferenceCurieWeissSampler`
  (all-to-all, incremental magnetisation) and :class:`ReferenceDenseSampler` (dense
  matrices: given, read, drawn, Hebbian, bipartite; incremental local fields).

``reference=True`` forces the reference path.  A ladder of ``temperatures`` gives
``replicas`` replicas at each and, unless ``exchange_every=0``, replica exchange
between neighbouring temperatures (:class:`ReplicaExchange`).
"""

from __future__ import annotations

import numpy as np

from .base import (
    ALGORITHMS,
    ReferenceSampler,
    Sampler,
    SamplerState,
    SamplerUnavailable,
    hypercubic,
)
from .exchange import ReplicaExchange
from .fully_connected import ReferenceCurieWeissSampler, ReferenceDenseSampler
from .lattice import (
    ReferenceLatticeSampler,
    colouring,
    greedy_colouring,
    lattice_colouring,
    neighbours,
    plain_checkerboard_is_ergodic,
)
from .moves import MOVES, HeatBath, Metropolis, SwendsenWang, Wolff, as_move

__all__ = [
    "ALGORITHMS",
    "ALL_ALGORITHMS",
    "HeatBath",
    "Metropolis",
    "ReferenceCurieWeissSampler",
    "ReferenceDenseSampler",
    "ReferenceLatticeSampler",
    "ReferenceSampler",
    "ReplicaExchange",
    "Sampler",
    "SamplerState",
    "SamplerUnavailable",
    "SwendsenWang",
    "Wolff",
    "as_move",
    "colouring",
    "compile_for_sampling",
    "greedy_colouring",
    "hypercubic",
    "lattice_colouring",
    "make_sampler",
    "neighbours",
    "plain_checkerboard_is_ergodic",
    "sampler_shape",
]

#: Algorithms the command line offers; the cluster ones come from statmech.numeric.fast.
ALL_ALGORITHMS = tuple(MOVES)

#: The reference sampler of each couplings representation.
REFERENCE = {
    "lattice": ReferenceLatticeSampler,
    "uniform": ReferenceCurieWeissSampler,
    "dense": ReferenceDenseSampler,
}


def sampler_shape(model, params: dict) -> tuple[int, ...]:
    """The finite shape of ``model`` at ``params``, read from its couplings."""
    try:
        return tuple(int(x) for x in model.coupling.shape(params))
    except KeyError as exc:
        raise SamplerUnavailable(f"{model.name} needs its size {exc.args[0]} to sample") from None


def compile_for_sampling(model, params: dict, backend: str = "numpy"):
    """The compiled form of ``model`` at ``params`` on ``backend``, or a one-line refusal.

    Raises
    ------
    SamplerUnavailable
        When the model has no compiled form, or its units do not interact.
    """
    from ..compiled import NotCompilable, compile_model

    shape = sampler_shape(model, params)
    try:
        compiled = compile_model(model, params, backend, shape=shape)
    except KeyError as exc:
        raise SamplerUnavailable(f"{model.name} needs its {exc.args[0]} to sample") from None
    except NotCompilable as exc:
        reason = str(exc).removeprefix(f"{model.name}: ")
        raise SamplerUnavailable(f"no sampler for model {model.name!r}: {reason}") from None
    if compiled.representation == "none":
        raise SamplerUnavailable(
            f"no sampler for model {model.name!r}: its units do not interact, so its "
            "thermodynamics is exact (use 'statmech exact')"
        )
    if compiled.representation not in REFERENCE:
        raise SamplerUnavailable(
            f"no sampler for model {model.name!r}: no sampler reads "
            f"{compiled.representation} couplings"
        )
    return compiled


def _fast(compiled, T, move, replicas, moves):
    """A sampler from statmech.numeric.fast, or None (with the reason) when it offers none."""
    try:
        from statmech.numeric.fast import fast_sampler
    except ImportError as exc:
        return None, f"statmech.numeric.fast is not available ({exc})"
    try:
        return fast_sampler(compiled, T, move, replicas, moves), None
    except (NotImplementedError, ImportError) as exc:
        return None, str(exc) or type(exc).__name__


def make_sampler(
    model,
    params: dict,
    algorithm="metropolis",
    replicas: int = 1,
    backend: str = "numpy",
    reference: bool = False,
    temperatures=None,
    exchange_every: int = 1,
):
    """A sampler for ``model`` at ``params`` (the temperature ``T``, the other parameters
    and the size).

    Parameters
    ----------
    model : derive.model.Model or str
    params : dict
        ``T`` (unless ``temperatures`` is given), the model's parameters (defaults
        otherwise) and its size (``N``, ``L``, ...).
    algorithm : {"metropolis", "heat-bath", "wolff", "swendsen-wang"} or a move
    replicas : int
        Independent replicas updated together (per temperature, with ``temperatures``).
    backend : {"numpy", "cupy"}
    reference : bool
        Use the reference sampler even when a fast one exists.
    temperatures : sequence of float, optional
        A ladder: ``replicas`` replicas at each temperature, replica ``k * replicas + c``
        being copy ``c`` at the ``k``-th lowest.
    exchange_every : int
        With ``temperatures``: sweeps between replica-exchange rounds (0: no exchange).

    Returns
    -------
    A sampler following the protocol above; seed it with ``sampler.init(seed)``.

    Raises
    ------
    SamplerUnavailable
        When neither a fast nor a reference implementation covers the request.
    """
    if isinstance(model, str):
        from statmech.derive.registry import get_model

        model = get_model(model)
    move = as_move(algorithm)
    replicas = int(replicas)
    if replicas < 1:
        raise ValueError(f"replicas must be a positive integer, got {replicas}")
    moves = ()
    if temperatures is None:
        T = float(params["T"])
    else:
        ladder = np.unique(np.asarray(temperatures, dtype=np.float64))
        if ladder.size != len(temperatures):
            raise ValueError(f"the temperatures of a ladder must differ, got {list(temperatures)}")
        T = np.repeat(ladder, replicas)
        replicas = replicas * ladder.size
        if exchange_every:
            if ladder.size < 2:
                raise ValueError("replica exchange needs at least two temperatures")
            moves = (ReplicaExchange(exchange_every),)
    compiled = compile_for_sampling(model, params, backend)
    reason = "the reference samplers were requested"
    if not reference and isinstance(move, Metropolis):
        if move.lazy or (move.lazy is None and not plain_checkerboard_is_ergodic(compiled)):
            reference = True
            reason = (
                "plain sublattice Metropolis is not ergodic here; "
                "the reference sampler uses the lazy move"
            )
    if not reference:
        fast, reason = _fast(compiled, T, move, replicas, moves)
        if fast is not None:
            return fast
    if move.name not in ALGORITHMS:
        raise SamplerUnavailable(
            f"the {move.name} algorithm needs the fast samplers of numeric.fast, and none "
            f"covers {model.name} on {backend} here ({reason}); "
            f"the reference samplers offer {' and '.join(ALGORITHMS)}"
        )
    cls = REFERENCE[compiled.representation]
    return cls(compiled, T, move, replicas, moves=moves)
