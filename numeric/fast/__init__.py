r"""Fast samplers for Ising models on periodic hypercubic lattices: compiled CPU kernels
(numba), a fused CUDA kernel (CuPy) and cluster updates.

Modules: :mod:`~numeric.fast.rng` (counter-based random numbers shared by CPU and
GPU), :mod:`~numeric.fast.tables` (flip probabilities as integer thresholds),
:mod:`~numeric.fast.kernels2d` / :mod:`~numeric.fast.kernels3d` (checkerboard
kernels with the two sublattices stored apart), :mod:`~numeric.fast.lattice`
(neighbour tables and the generic checkerboard kernel, used for rings),
:mod:`~numeric.fast.cluster` (Wolff, Swendsen-Wang), :mod:`~numeric.fast.cuda`
(the fused CUDA kernels), :mod:`~numeric.fast.samplers` (the samplers, on the one
sampler base of :mod:`statmech.numeric.samplers.base`),
:mod:`~numeric.fast.reference` (plain NumPy references).

The kernels are specialisations of a model's compiled form
(:mod:`statmech.numeric.compiled`): :func:`fast_sampler` takes a compiled model and
picks a kernel where :attr:`~statmech.numeric.compiled.CompiledModel.ising` holds
and the lattice is hypercubic, from its dimension and lengths, and raises
:class:`NotImplementedError` elsewhere (the reference samplers cover the rest).

Every CPU kernel also runs measured (``run_measured``, ``wolff_measured``,
``swendsen_wang_measured``): blocks of sweeps that write each replica's integer bond
and spin sums after every ``every`` sweeps into preallocated arrays, with no Python
call per sweep (the square-lattice kernel sums them while it updates the second
sublattice); :meth:`statmech.numeric.samplers.base.Sampler.sample` turns them into
the energy and magnetisation series, the same numbers as sweeping then measuring.

The plain samplers remain the reference: ``numeric.fast.reference`` here, and the
reference samplers of the Monte Carlo module.  The fast paths are checked bit for
bit against plain NumPy with the same random numbers, and statistically against
exact enumeration and the plain reference, in ``tests/test_fast*.py``.

Examples
--------
>>> from statmech.numeric.fast import make_fast_sampler
>>> s = make_fast_sampler("ising2d", (8, 8), T=2.5, algorithm="heat-bath", replicas=2)
>>> state = s.step(s.init(seed=1), sweeps=10)
>>> s.configuration(state).shape
(2, 8, 8)
"""

from __future__ import annotations

ALGORITHMS = ("metropolis", "heat-bath", "wolff", "swendsen-wang")
SINGLE_SITE = ("metropolis", "heat-bath")


def fast_sampler(compiled, T, algorithm="metropolis", replicas: int = 1, moves=(), backend=None):
    """The fast sampler for a compiled model, or :class:`NotImplementedError`.

    Parameters
    ----------
    compiled : statmech.numeric.compiled.CompiledModel
        On ``"numpy"`` (numba kernels on the CPU) or ``"cupy"`` (the CUDA kernels:
        square and cubic lattices, single-spin updates).
    T : float or sequence of float
        Temperature, or one per replica.
    algorithm : {"metropolis", "heat-bath", "wolff", "swendsen-wang"} or a move
    replicas : int
    moves : sequence
        Periodic moves (replica exchange).
    backend : {"numpy", "cupy"}, optional
        Where to run (default: the compiled form's backend).

    Raises
    ------
    NotImplementedError
        Where no kernel applies (the reference samplers may cover it).
    """
    from statmech.numeric.samplers.base import hypercubic
    from statmech.numeric.samplers.moves import as_move

    move = as_move(algorithm)
    if compiled.ising is None or not hypercubic(compiled):
        raise NotImplementedError(
            f"no fast sampler for {compiled.model.name}: the fast kernels take +-1 spins with "
            "one coupling on every bond of a periodic hypercubic lattice and a linear field"
        )
    shape = compiled.shape
    backend = compiled.backend if backend is None else backend
    args = (compiled, T, move, replicas, moves)
    if backend == "cupy":
        if len(shape) in (2, 3) and move.name in SINGLE_SITE:
            from .cuda import CUDA_SAMPLERS

            return CUDA_SAMPLERS[len(shape)](*args)
        raise NotImplementedError(
            "the cupy fast path covers square and cubic lattices with metropolis or heat-bath, "
            f"not a {len(shape)}-dimensional lattice with {move.name}"
        )
    if backend != "numpy" or compiled.backend != "numpy":
        raise ValueError(f"unknown backend {backend!r}; choose numpy or cupy")
    from .samplers import Checkerboard2D, Checkerboard3D, CheckerboardTable, SwendsenWang, Wolff

    if move.name == "wolff":
        return Wolff(*args)
    if move.name == "swendsen-wang":
        return SwendsenWang(*args)
    equal_even = len(set(shape)) == 1 and shape[0] % 2 == 0
    if len(shape) == 2 and equal_even:
        return Checkerboard2D(*args)
    if len(shape) == 3 and equal_even:
        return Checkerboard3D(*args)
    return CheckerboardTable(*args)


def make_fast_sampler(
    model,
    shape,
    T: float,
    J: float = 1.0,
    h: float = 0.0,
    algorithm: str = "metropolis",
    replicas: int = 1,
    backend: str = "numpy",
):
    """The fast sampler of an Ising model (a model or its registered name) on ``shape``.

    Compiles :math:`H = -J\\sum s_i s_j - h \\sum s_i` with the model's couplings at
    ``J`` and ``h`` (:func:`statmech.numeric.compiled.compile_model`) and calls
    :func:`fast_sampler`.

    Raises
    ------
    ValueError
        For an unknown algorithm or backend, or bad parameters.
    NotImplementedError
        For a combination without a fast path.
    """
    from statmech.numeric.compiled import NotCompilable, compile_model

    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if backend not in ("numpy", "cupy"):
        raise ValueError(f"unknown backend {backend!r}; choose numpy or cupy")
    if backend == "cupy" and algorithm not in SINGLE_SITE:
        raise NotImplementedError(
            f"the cupy fast path covers metropolis or heat-bath, not {algorithm}"
        )
    if isinstance(model, str):
        from statmech.derive.registry import get_model

        model = get_model(model)
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    try:  # on the host: the CUDA samplers move the units to the device themselves
        compiled = compile_model(model, {"J": J, "h": h}, "numpy", shape=shape)
    except NotCompilable as exc:
        raise NotImplementedError(f"no fast sampler for {model.name}: {exc}") from None
    return fast_sampler(compiled, T, algorithm, replicas, backend=backend)


__all__ = ["ALGORITHMS", "fast_sampler", "make_fast_sampler"]
