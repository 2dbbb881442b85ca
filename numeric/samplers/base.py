r"""Bookkeeping shared by the reference samplers: state, randomness, resume.

A sampler's state is a :class:`SamplerState`: the spins ``(replicas, *shape)``
(int8, values +-1, in the backend's namespace), one NumPy ``Generator`` per
replica (independent streams spawned from one seed through
:class:`numpy.random.SeedSequence`) and a sweep counter.

The reference samplers draw their uniform random numbers on the host, one
float64 per attempted update, from these per-replica generators, and compare
them with acceptance tables computed on the host.  Hence the same seed gives the
same configurations on NumPy and on CuPy, replica ``r`` does not depend on how
many replicas run beside it, and a run resumes exactly from a
:meth:`ReferenceSampler.state_dict`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from ..backend import get_backend, seed_sequence, to_numpy

ALGORITHMS = ("metropolis", "heat-bath")


class SamplerUnavailable(ValueError):
    """Raised when no implementation exists for a model/algorithm/backend."""


@dataclass
class SamplerState:
    """Explicit sampler state (mutated in place by ``step`` and returned)."""

    spins: object  # xp array (replicas, *shape), int8
    rngs: list  # one numpy.random.Generator per replica
    sweeps: int = 0
    extra: dict = field(default_factory=dict)  # sampler-specific (e.g. magnetisation sums)


def flip_probability(algorithm: str, s, local, T: float) -> np.ndarray:
    r"""Probability of flipping a spin ``s`` whose effective field is ``local``.

    Metropolis: :math:`\min(1, e^{-2 s\, h_{\rm loc}/T})`;
    heat bath (Glauber): :math:`1 / (1 + e^{2 s\, h_{\rm loc}/T})`.
    Computed on the host in float64 (tables, so every backend compares the same numbers).
    """
    x = 2.0 * np.asarray(s, dtype=np.float64) * np.asarray(local, dtype=np.float64) / T
    if algorithm == "metropolis":
        return np.exp(-np.maximum(x, 0.0))
    if algorithm == "heat-bath":
        # 1 / (1 + e^x) written to avoid overflow for large |x|.
        e = np.exp(-np.abs(x))
        return np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))
    raise SamplerUnavailable(
        f"unknown algorithm {algorithm!r} for the reference samplers; "
        f"choose one of {', '.join(ALGORITHMS)}"
    )


class ReferenceSampler:
    """Base class: per-replica generators, state_dict / load_state_dict."""

    name: str
    model_name: str
    shape: tuple
    replicas: int
    backend: str
    T: float
    J: float
    h: float
    implementation = "reference"

    def __init__(self, model_name, shape, T, J, h, algorithm, replicas, backend):
        if algorithm not in ALGORITHMS:
            raise SamplerUnavailable(
                f"the reference samplers offer {', '.join(ALGORITHMS)}, not {algorithm!r}"
            )
        if not T > 0:
            raise ValueError(f"temperature must be positive, got T={T}")
        if int(replicas) < 1:
            raise ValueError(f"replicas must be a positive integer, got {replicas}")
        self.name = algorithm
        self.model_name = model_name
        self.shape = tuple(int(s) for s in shape)
        self.sites = int(np.prod(self.shape))
        self.replicas = int(replicas)
        self.backend = backend
        self.xp = get_backend(backend)
        self.T, self.J, self.h = float(T), float(J), float(h)

    # -- protocol --------------------------------------------------------
    @property
    def attempted_flips_per_sweep(self) -> int:
        return self.replicas * self.sites

    def init(self, seed: int) -> SamplerState:
        """Random (infinite-temperature) start, one generator per replica."""
        rngs = [
            np.random.Generator(np.random.PCG64(s))
            for s in seed_sequence(seed).spawn(self.replicas)
        ]
        spins = np.empty((self.replicas, self.sites), dtype=np.int8)
        for r, g in enumerate(rngs):
            spins[r] = 2 * g.integers(0, 2, size=self.sites, dtype=np.int8) - 1
        return self._attach(SamplerState(self.xp.asarray(spins), rngs))

    def configuration(self, state: SamplerState):
        return state.spins.reshape((self.replicas, *self.shape))

    def step(self, state: SamplerState, sweeps: int = 1) -> SamplerState:
        for _ in range(int(sweeps)):
            self._sweep(state)
            state.sweeps += 1
        return state

    def state_dict(self, state: SamplerState) -> dict:
        return {
            "implementation": self.implementation,
            "algorithm": self.name,
            "model_name": self.model_name,
            "shape": json.dumps(list(self.shape)),
            "replicas": self.replicas,
            "spins": to_numpy(state.spins).copy(),
            "rng": json.dumps([g.bit_generator.state for g in state.rngs]),
            "sweeps": int(state.sweeps),
            **{f"extra_{k}": to_numpy(v).copy() for k, v in state.extra.items()},
        }

    def load_state_dict(self, d: dict) -> SamplerState:
        want = {
            "implementation": self.implementation,
            "algorithm": self.name,
            "model_name": self.model_name,
            "shape": json.dumps(list(self.shape)),
            "replicas": self.replicas,
        }
        for key, value in want.items():
            got = d.get(key)
            got = got.item() if isinstance(got, np.ndarray) else got
            if got != value:
                raise ValueError(f"sampler state is for {key}={got!r}, this sampler has {value!r}")
        spins = np.asarray(d["spins"], dtype=np.int8)
        if spins.shape != (self.replicas, self.sites):
            raise ValueError(f"sampler state has spins of shape {spins.shape}")
        rngs = []
        for st in json.loads(str(d["rng"])):
            g = np.random.Generator(np.random.PCG64())
            g.bit_generator.state = st
            rngs.append(g)
        state = self._attach(SamplerState(self.xp.asarray(spins), rngs, int(d["sweeps"])))
        for key in state.extra:  # incrementally maintained fields resume exactly as saved
            if f"extra_{key}" in d:
                state.extra[key] = self.xp.asarray(d[f"extra_{key}"])
        return state

    # -- helpers ---------------------------------------------------------
    def _uniforms(self, state: SamplerState, count: int):
        """``(replicas, count)`` float64 uniforms, replica ``r`` from its own stream."""
        u = np.empty((self.replicas, count))
        for r, g in enumerate(state.rngs):
            g.random(out=u[r])
        return self.xp.asarray(u)

    def _attach(self, state: SamplerState) -> SamplerState:
        return state

    def _sweep(self, state: SamplerState) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.model_name}, shape={self.shape}, T={self.T}, "
            f"J={self.J}, h={self.h}, {self.name}, replicas={self.replicas}, {self.backend})"
        )
