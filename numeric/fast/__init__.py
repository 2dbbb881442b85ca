r"""Fast samplers for the lattice Ising models: compiled CPU kernels (numba), a fused
CUDA kernel (CuPy) and cluster updates.

Modules: :mod:`~numeric.fast.rng` (counter-based random numbers shared by CPU and
GPU), :mod:`~numeric.fast.tables` (flip probabilities as integer thresholds),
:mod:`~numeric.fast.kernels2d` / :mod:`~numeric.fast.kernels3d` (checkerboard
kernels with the two sublattices stored apart), :mod:`~numeric.fast.lattice`
(neighbour tables and the generic checkerboard kernel, used for rings),
:mod:`~numeric.fast.cluster` (Wolff, Swendsen-Wang), :mod:`~numeric.fast.cuda`
(the fused CUDA kernels), :mod:`~numeric.fast.samplers` (the sampler protocol),
:mod:`~numeric.fast.reference` (plain NumPy references).

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


def make_fast_sampler(
    model_name: str,
    shape,
    T: float,
    J: float = 1.0,
    h: float = 0.0,
    algorithm: str = "metropolis",
    replicas: int = 1,
    backend: str = "numpy",
):
    """The fastest sampler for a model, algorithm and backend.

    Parameters
    ----------
    model_name : {"ising1d", "ising2d", "ising3d"}
    shape : tuple of int
        Lattice lengths (periodic); checkerboard updates need even lengths.
    T, J, h : float
        Temperature, coupling and field of :math:`H = -J\\sum s_i s_j - h \\sum s_i`.
    algorithm : {"metropolis", "heat-bath", "wolff", "swendsen-wang"}
    replicas : int
        Independent copies updated together.
    backend : {"numpy", "cupy"}
        ``"numpy"``: numba kernels on the CPU; ``"cupy"``: the CUDA kernel
        (square lattice, single-spin updates).

    Raises
    ------
    NotImplementedError
        For a combination without a fast path (the reference samplers may cover it).
    """
    from .samplers import (
        DIMENSION,
        Checkerboard2D,
        Checkerboard3D,
        CheckerboardTable,
        SwendsenWang,
        Wolff,
    )

    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if model_name not in DIMENSION:
        raise NotImplementedError(f"no fast sampler for model {model_name!r}")
    args = (model_name, shape, T, J, h, algorithm, replicas)
    if backend == "cupy":
        if model_name in ("ising2d", "ising3d") and algorithm in ("metropolis", "heat-bath"):
            from .cuda import CUDA_SAMPLERS

            return CUDA_SAMPLERS[model_name](*args)
        raise NotImplementedError(
            f"the cupy fast path covers ising2d and ising3d with metropolis or heat-bath, "
            f"not {model_name} with {algorithm}"
        )
    if backend != "numpy":
        raise ValueError(f"unknown backend {backend!r}; choose numpy or cupy")
    if algorithm == "wolff":
        return Wolff(*args)
    if algorithm == "swendsen-wang":
        return SwendsenWang(*args)
    shape_t = (int(shape),) if isinstance(shape, int) else tuple(shape)
    square = len(set(shape_t)) == 1 and shape_t[0] % 2 == 0
    if model_name == "ising2d" and len(shape_t) == 2 and square:
        return Checkerboard2D(*args)
    if model_name == "ising3d" and len(shape_t) == 3 and square:
        return Checkerboard3D(*args)
    return CheckerboardTable(*args)


__all__ = ["ALGORITHMS", "make_fast_sampler"]
