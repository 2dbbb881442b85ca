r"""Fast samplers for the lattice Ising models, behind the common sampler protocol.

    sampler.init(seed) -> state;  sampler.step(state, sweeps) -> state
    sampler.configuration(state) -> (replicas, *shape) int8 +-1
    sampler.state_dict(state) / sampler.load_state_dict(d)
    sampler.attempted_flips_per_sweep

The state (:class:`FastState`) holds the spins in the sampler's own layout, one
64-bit random stream key per replica (from :class:`numpy.random.SeedSequence`),
the sweep counter and sampler-specific counters; ``step`` updates it in place
and returns it.  All random numbers are counter-based
(:mod:`numeric.fast.rng`), so a run is bit-identical for the same seed whatever
the number of threads, and resumes exactly from a ``state_dict``.

The initial configuration is random (infinite temperature): spin ``k`` of
replica ``r`` is ``+1`` when ``draw31(key_r, 2**63 + k) < 2**30``; sweeps never
reach that counter range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numba as nb
import numpy as np

from . import kernels2d, kernels3d, lattice
from .cluster import mean_cluster_size, swendsen_wang_sweeps, wolff_clusters
from .rng import draw31, stream_keys, thresholds
from .tables import flip_thresholds

DIMENSION = {"ising1d": 1, "ising2d": 2, "ising3d": 3}
INIT_COUNTER = np.uint64(1 << 63)


@dataclass
class FastState:
    """Explicit state of a fast sampler (mutated in place by ``step`` and returned)."""

    spins: object  # layout chosen by the sampler
    keys: np.ndarray  # (replicas,) uint64 stream keys
    sweeps: int = 0
    extra: dict = field(default_factory=dict)


@nb.njit(cache=True)
def _random_spins(out, keys):
    half = np.uint32(1 << 30)
    for r in range(out.shape[0]):
        for k in range(out.shape[1]):
            out[r, k] = 1 if draw31(keys[r], INIT_COUNTER + np.uint64(k)) < half else -1


def random_configuration(keys: np.ndarray, shape) -> np.ndarray:
    """``(replicas, *shape)`` int8 infinite-temperature start from the stream keys."""
    n = int(np.prod(shape))
    out = np.empty((len(keys), n), dtype=np.int8)
    _random_spins(out, np.asarray(keys, dtype=np.uint64))
    return out.reshape((len(keys), *tuple(shape)))


class FastSampler:
    """Shared bookkeeping: parameters, keys, state_dict / load_state_dict."""

    implementation = "fast"
    algorithms: tuple = ()

    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="metropolis", replicas=1):
        if model_name not in DIMENSION:
            raise NotImplementedError(
                f"no fast sampler for model {model_name!r}; fast samplers exist for "
                f"{', '.join(DIMENSION)}"
            )
        shape = (int(shape),) if np.isscalar(shape) else tuple(int(s) for s in shape)
        if len(shape) != DIMENSION[model_name]:
            raise ValueError(f"{model_name} needs a {DIMENSION[model_name]}-dimensional shape")
        if min(shape) < 2:
            raise ValueError(f"every lattice length must be at least 2, got shape {shape}")
        if not T > 0:
            raise ValueError(f"temperature must be positive, got T={T}")
        if int(replicas) < 1:
            raise ValueError(f"replicas must be a positive integer, got {replicas}")
        if algorithm not in self.algorithms:
            raise NotImplementedError(
                f"{type(self).__name__} offers {', '.join(self.algorithms)}, not {algorithm!r}"
            )
        self.name = algorithm
        self.model_name = model_name
        self.shape = shape
        self.sites = int(np.prod(shape))
        self.replicas = int(replicas)
        self.backend = "numpy"
        self.T, self.J, self.h = float(T), float(J), float(h)

    @property
    def attempted_flips_per_sweep(self) -> int:
        return self.replicas * self.sites

    # layout hooks -------------------------------------------------------
    def _to_layout(self, config: np.ndarray):
        return np.ascontiguousarray(config.reshape(self.replicas, self.sites), dtype=np.int8)

    def _from_layout(self, spins):
        return spins.reshape((self.replicas, *self.shape))

    def _extra(self) -> dict:
        return {}

    # protocol -----------------------------------------------------------
    def init(self, seed: int) -> FastState:
        keys = stream_keys(seed, self.replicas)
        config = random_configuration(keys, self.shape)
        return FastState(self._to_layout(config), keys, 0, self._extra())

    def configuration(self, state: FastState):
        return self._from_layout(state.spins)

    def step(self, state: FastState, sweeps: int = 1) -> FastState:
        sweeps = int(sweeps)
        if sweeps < 0:
            raise ValueError(f"sweeps must be non-negative, got {sweeps}")
        if sweeps:
            self._sweeps(state, sweeps)
            state.sweeps += sweeps
        return state

    def _identity(self) -> dict:
        return {
            "implementation": self.implementation,
            "algorithm": self.name,
            "model_name": self.model_name,
            "shape": json.dumps(list(self.shape)),
            "replicas": self.replicas,
            "backend": self.backend,
        }

    def state_dict(self, state: FastState) -> dict:
        from statmech.numeric.backend import to_numpy

        d = self._identity()
        d["spins"] = np.array(to_numpy(self.configuration(state)), dtype=np.int8)
        d["keys"] = np.array(state.keys, dtype=np.uint64)
        d["sweeps"] = int(state.sweeps)
        for name, value in state.extra.items():
            d[f"extra_{name}"] = np.array(value)
        return d

    def load_state_dict(self, d: dict) -> FastState:
        for key, value in self._identity().items():
            got = d.get(key)
            got = got.item() if isinstance(got, np.ndarray) else got
            if got != value:
                raise ValueError(f"sampler state is for {key}={got!r}, this sampler has {value!r}")
        config = np.asarray(d["spins"], dtype=np.int8)
        if config.shape != (self.replicas, *self.shape):
            raise ValueError(f"sampler state has spins of shape {config.shape}")
        keys = np.asarray(d["keys"], dtype=np.uint64)
        extra = {k: np.array(v).copy() for k, v in self._extra().items()}
        for name in extra:
            extra[name] = np.array(d[f"extra_{name}"], dtype=extra[name].dtype)
        return FastState(self._to_layout(config), keys.copy(), int(d["sweeps"]), extra)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.model_name}, shape={self.shape}, T={self.T}, "
            f"J={self.J}, h={self.h}, {self.name}, replicas={self.replicas}, {self.backend})"
        )


class Checkerboard2D(FastSampler):
    """Square lattice, sublattices stored apart (:mod:`numeric.fast.kernels2d`)."""

    algorithms = ("metropolis", "heat-bath")

    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="metropolis", replicas=1):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas)
        if model_name != "ising2d" or self.shape[0] != self.shape[1] or self.shape[0] % 2:
            raise NotImplementedError(
                f"the square-lattice fast path needs ising2d on an even L x L torus, got {shape}"
            )
        self.table = flip_thresholds(algorithm, self.T, self.J, self.h, 4)

    def _to_layout(self, config):
        return kernels2d.pack(config.reshape(self.replicas, *self.shape))

    def _from_layout(self, spins):
        return kernels2d.unpack(spins)

    def _sweeps(self, state, sweeps):
        kernels2d.run_sweeps(state.spins, state.keys, state.sweeps, sweeps, self.table)


class Checkerboard3D(FastSampler):
    """Simple cubic lattice, sublattices stored apart (:mod:`numeric.fast.kernels3d`)."""

    algorithms = ("metropolis", "heat-bath")

    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="metropolis", replicas=1):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas)
        if model_name != "ising3d" or len(set(self.shape)) != 1 or self.shape[0] % 2:
            raise NotImplementedError(
                f"the cubic fast path needs ising3d on an even L x L x L torus, got {shape}"
            )
        self.table = flip_thresholds(algorithm, self.T, self.J, self.h, 6)

    def _to_layout(self, config):
        return kernels3d.pack(config.reshape(self.replicas, *self.shape))

    def _from_layout(self, spins):
        return kernels3d.unpack(spins)

    def _sweeps(self, state, sweeps):
        kernels3d.run_sweeps(state.spins, state.keys, state.sweeps, sweeps, self.table)


class CheckerboardTable(FastSampler):
    """Ring (even length) or cubic lattice (even lengths) through a neighbour table."""

    algorithms = ("metropolis", "heat-bath")

    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="metropolis", replicas=1):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas)
        self.colours = lattice.colour_sites(self.shape)
        self.nbr = lattice.neighbours(self.shape)
        z = self.nbr.shape[1]
        self.table = flip_thresholds(algorithm, self.T, self.J, self.h, z)

    def _sweeps(self, state, sweeps):
        lattice.run_sweeps_table(
            state.spins, self.colours, self.nbr, state.keys, state.sweeps, sweeps, self.table
        )


class _Cluster(FastSampler):
    def __init__(self, model_name, shape, T, J=1.0, h=0.0, algorithm="wolff", replicas=1):
        super().__init__(model_name, shape, T, J, h, algorithm, replicas)
        if self.h != 0.0 or not self.J > 0:
            raise NotImplementedError(
                f"cluster updates are implemented for J > 0 and h = 0, got J={J}, h={h}"
            )
        self.threshold = np.uint32(thresholds(1.0 - np.exp(-2.0 * self.J / self.T)))


class SwendsenWang(_Cluster):
    """Swendsen-Wang: every spin is assigned a new value each sweep."""

    algorithms = ("swendsen-wang",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fwd = lattice.forward_neighbours(self.shape)

    def _sweeps(self, state, sweeps):
        swendsen_wang_sweeps(
            state.spins, self.fwd, state.keys, state.sweeps, sweeps, self.threshold
        )


class Wolff(_Cluster):
    """Wolff single-cluster updates; a sweep is ``clusters_per_sweep`` clusters per replica.

    ``clusters_per_sweep`` defaults to ``round(sites / mean cluster size)``
    (at least 1), the mean measured once from the parameters alone
    (:func:`numeric.fast.cluster.mean_cluster_size`), so that a sweep flips about
    ``sites`` spins on average.  ``state.extra["flipped"]`` counts the spins
    flipped per replica and ``state.extra["counters"]`` is each replica's
    position in its random stream.
    """

    algorithms = ("wolff",)

    def __init__(self, *args, clusters_per_sweep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.nbr = lattice.neighbours(self.shape)
        square = len(self.shape) == 2 and self.shape[0] == self.shape[1]
        self.square_L = self.shape[0] if square else 0
        if clusters_per_sweep is None:
            size = mean_cluster_size(self.nbr, self.threshold, square_L=self.square_L)
            clusters_per_sweep = max(1, round(self.sites / size))
        if int(clusters_per_sweep) < 1:
            raise ValueError(f"clusters_per_sweep must be positive, got {clusters_per_sweep}")
        self.clusters_per_sweep = int(clusters_per_sweep)

    def _identity(self):
        d = super()._identity()
        d["clusters_per_sweep"] = self.clusters_per_sweep
        return d

    def _extra(self):
        return {
            "counters": np.zeros(self.replicas, dtype=np.uint64),
            "flipped": np.zeros(self.replicas, dtype=np.int64),
        }

    def _sweeps(self, state, sweeps):
        wolff_clusters(
            state.spins,
            self.nbr,
            state.keys,
            state.extra["counters"],
            state.extra["flipped"],
            sweeps * self.clusters_per_sweep,
            self.threshold,
            self.square_L,
        )
