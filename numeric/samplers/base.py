r"""The one sampler base: a compiled model, a temperature per replica, moves, explicit state.

Every sampler, reference or fast, is a :class:`Sampler`::

    sampler = SomeSampler(compiled, T, algorithm, replicas, moves=(ReplicaExchange(),))
    state = sampler.init(seed)            # independent stream per replica
    state = sampler.step(state, sweeps)   # `sweeps` sweeps (and the periodic moves due)
    sampler.configuration(state)          # (replicas, *shape) int8 unit values, backend array
    sampler.state_dict(state)             # host arrays / ints / str: exact resume
    sampler.load_state_dict(d)            # -> state

``compiled`` is the model's compiled form
(:func:`statmech.numeric.compiled.compile_model`); ``T`` is one temperature per
replica (a scalar applies to every replica).  The *move* of a sweep (single-site
Metropolis or heat bath, Wolff or Swendsen-Wang; :mod:`.moves`) is named by
``algorithm`` or given as a move object; *periodic moves* such as replica
exchange (:mod:`.exchange`) act between sweeps, every ``move.every`` sweeps
counted from the start of the run, so a resumed run makes the same moves.

The attributes the rest of the code reads: ``name`` (the sweep move), ``method``
(the move and the order of a sweep in words, as output and report print it),
``model_name``, ``shape``, ``sites``, ``replicas``, ``backend``, ``xp``,
``temperatures`` (one per replica), ``T`` (a float when every replica has the same
temperature, else the per-replica array), ``J`` and ``h`` (the Ising couplings
where the model is an Ising model, else its parameters of those names or None),
``attempted_flips_per_sweep``, ``implementation`` (``"reference"`` or ``"fast"``).

The state is a :class:`SamplerState`: the units in the sampler's layout, the
random streams (one NumPy ``Generator`` per replica for the reference samplers,
one 64-bit counter-based key per replica for the fast ones), the sweep counter and
sampler- and move-specific arrays in ``extra``.  Subclasses provide the layout,
the streams and the sweep (``_sweeps``); this module does the rest once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..backend import get_backend, get_namespace, seed_sequence, to_numpy

#: Sweep moves of the reference samplers.
ALGORITHMS = ("metropolis", "heat-bath")


class SamplerUnavailable(ValueError):
    """Raised when no implementation exists for a model/algorithm/backend."""


@dataclass
class SamplerState:
    """Explicit sampler state (mutated in place by ``step`` and returned).

    ``rngs`` is the random state: a list of ``numpy.random.Generator`` (one per
    replica) or a ``(replicas,)`` uint64 array of stream keys; ``keys`` reads it too.
    """

    spins: object  # units in the sampler's layout (backend array)
    rngs: object
    sweeps: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def keys(self):
        return self.rngs

    @keys.setter
    def keys(self, value):
        self.rngs = value


def per_replica_temperatures(T, replicas: int) -> np.ndarray:
    """``(replicas,)`` float64 temperatures from a scalar or a sequence; all finite and > 0."""
    t = np.asarray(T, dtype=np.float64)
    if t.ndim == 0:
        t = np.full(replicas, float(t))
    elif t.shape != (replicas,):
        raise ValueError(f"give one temperature or one per replica ({replicas}), got {t.size}")
    bad = t[~(np.isfinite(t) & (t > 0))]
    if bad.size:
        raise ValueError(f"temperature must be positive, got T={bad[0]:g}")
    return t


def hypercubic(compiled) -> bool:
    """Whether ``compiled`` is a hypercubic lattice: its bonds step one unit along each axis."""
    if compiled.representation != "lattice":
        return False
    d = len(compiled.shape)
    identity = tuple(tuple(int(a == b) for b in range(d)) for a in range(d))
    return tuple(tuple(s) for s in compiled.steps) == identity


def _parameter(compiled, name: str):
    if name in compiled.params:
        return float(compiled.params[name])
    for p in compiled.model.parameters:
        if p.name == name and p.default is not None:
            return float(p.default)
    return None


class Sampler:
    """The shared bookkeeping of every sampler (see the module docstring).

    Parameters
    ----------
    compiled : statmech.numeric.compiled.CompiledModel
    T : float or sequence of float
        Temperature of every replica, or one per replica.
    algorithm : str or move
        The sweep move (:func:`.moves.as_move`).
    replicas : int
    moves : sequence
        Periodic moves applied between sweeps (e.g. :class:`.exchange.ReplicaExchange`).
    """

    implementation = "reference"
    #: Sweep moves this class implements.
    algorithms: tuple = ALGORITHMS
    #: The exception raised for a request this class does not cover.
    unavailable = SamplerUnavailable
    #: How a sweep of a single-site move visits the units, in words (the fast
    #: samplers: the two sublattices of an even torus in turn).
    sweep_order = "checkerboard"

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, moves=()):
        from .moves import as_move

        move = as_move(algorithm)
        if move.name not in self.algorithms:
            raise self.unavailable(
                f"{type(self).__name__} offers {', '.join(self.algorithms)}, not {move.name!r}"
            )
        if int(replicas) < 1:
            raise ValueError(f"replicas must be a positive integer, got {replicas}")
        self.compiled = compiled
        self.move = move
        self.name = move.name
        self.model_name = compiled.model.name
        self.shape = tuple(int(s) for s in compiled.shape)
        self.sites = int(np.prod(self.shape))
        self.replicas = int(replicas)
        self.temperatures = per_replica_temperatures(T, self.replicas)
        self.backend = compiled.backend
        self.xp = get_backend(self.backend)
        self.values = np.asarray(compiled.values, dtype=np.float64)
        if not np.array_equal(self.values, np.rint(self.values)) or np.abs(self.values).max() > 127:
            raise self.unavailable(
                f"the samplers store units as small integers; {self.model_name} has values "
                f"{self.values.tolist()}"
            )
        ising = compiled.ising
        if ising is None:
            ising = (_parameter(compiled, "J"), _parameter(compiled, "h"))
        self.J, self.h = ising
        self.moves = tuple(moves)
        for m in self.moves:
            m.bind(self)

    # -- facts -----------------------------------------------------------
    @property
    def T(self):
        """The temperature (float) when all replicas share it, else the per-replica array."""
        t = self.temperatures
        return float(t[0]) if np.all(t == t[0]) else t.copy()

    @property
    def method(self) -> str:
        """The update method in words, the one naming of output and report:
        ``"Metropolis, checkerboard"``, ``"lazy Metropolis, sequential scan"``,
        ``"Wolff clusters"``."""
        if not hasattr(self.move, "transition"):  # a cluster move: no order of sites
            return self.move.words
        return f"{self.move.words}, {self.sweep_order}"

    @property
    def attempted_flips_per_sweep(self) -> int:
        return self.replicas * self.sites

    def _identity(self) -> dict:
        d = {
            "implementation": self.implementation,
            "algorithm": self.name,
            "model_name": self.model_name,
            "shape": json.dumps(list(self.shape)),
            "replicas": self.replicas,
        }
        if not np.all(self.temperatures == self.temperatures[0]):
            d["temperatures"] = json.dumps(self.temperatures.tolist())
        if self.moves:
            d["moves"] = json.dumps([m.describe() for m in self.moves])
        return d

    # -- protocol --------------------------------------------------------
    def init(self, seed: int) -> SamplerState:
        """Random (infinite-temperature) start, an independent stream per replica."""
        rngs = self._streams(seed)
        config = self._random_start(rngs)
        state = SamplerState(self._to_layout(config), rngs, 0, {})
        self._init_counts(state)
        self._attach(state)
        for m in self.moves:
            m.attach(self, state, seed)
        return state

    def configuration(self, state: SamplerState):
        """The units as ``(replicas, *shape)`` int8 in the backend's namespace."""
        return self._from_layout(state.spins)

    def step(self, state: SamplerState, sweeps: int = 1, count: bool = False) -> SamplerState:
        """``sweeps`` sweeps; a periodic move acts after every sweep numbered a multiple of
        its ``every`` (sweeps counted from the start, so resumed runs match).

        With ``count=True`` the units changed by the last sweep are counted
        (:meth:`changed_fraction`); the configurations are the same either way.
        """
        sweeps = int(sweeps)
        if sweeps < 0:
            raise ValueError(f"sweeps must be non-negative, got {sweeps}")
        done = 0
        while done < sweeps:
            chunk = sweeps - done
            for m in self.moves:
                chunk = min(chunk, m.every - state.sweeps % m.every)
            if count and done + chunk == sweeps:
                if chunk > 1:
                    self._sweeps(state, chunk - 1)
                    state.sweeps += chunk - 1
                before = state.spins.copy()
                self._sweeps(state, 1)
                state.sweeps += 1
                self._count_changes(state, before)
            else:
                self._sweeps(state, chunk)
                state.sweeps += chunk
            done += chunk
            for m in self.moves:
                if state.sweeps % m.every == 0:
                    m.apply(self, state)
        return state

    def _count_changes(self, state: SamplerState, before) -> None:
        """Add the units that differ from ``before`` (same layout) to ``extra["changed"]``
        and one sweep to ``extra["counted_sweeps"]``, on the backend (no copy to the host)."""
        xp = get_namespace(state.spins)
        changed = xp.count_nonzero((state.spins != before).reshape(self.replicas, -1), axis=1)
        x = state.extra
        x["changed"] += changed.astype(xp.int64)
        x["counted_sweeps"] += 1

    def _init_counts(self, state: SamplerState) -> None:
        xp = get_namespace(state.spins)
        state.extra["changed"] = xp.zeros(self.replicas, dtype=xp.int64)
        state.extra["counted_sweeps"] = np.zeros(self.replicas, dtype=np.int64)

    def changed_fraction(self, state: SamplerState) -> float:
        """Fraction of the units changed per counted sweep (``step(..., count=True)``),
        over every replica: for single-site moves, where a sweep offers each unit one
        move, the acceptance rate; NaN when no sweep was counted."""
        x = state.extra
        if "changed" not in x:
            return float("nan")
        sweeps = int(np.sum(x["counted_sweeps"]))
        if sweeps == 0:
            return float("nan")
        return float(to_numpy(x["changed"]).sum()) / (sweeps * self.sites)

    @cached_property
    def compiled_here(self):
        """The compiled form on the sampler's own backend (the one it was given, unless a
        sampler moved its units to another device)."""
        c = self.compiled
        if c.backend == self.backend:
            return c
        from ..compiled import compile_model

        return compile_model(c.model, c.params, self.backend, shape=c.shape)

    def energies(self, state: SamplerState) -> np.ndarray:
        """Total energy of every replica, on the host (float64)."""
        return to_numpy(self.compiled_here.energy(self.configuration(state)))

    def measure(self, state: SamplerState) -> tuple[np.ndarray, np.ndarray]:
        """Energy and magnetisation per unit of every replica, on the host
        (:meth:`CompiledModel.measure`)."""
        return self.compiled_here.measure(self.configuration(state))

    def sample(self, state: SamplerState, every: int, count: int, e_out, m_out) -> SamplerState:
        """``count`` measurements ``every`` sweeps apart: after sweep ``(k + 1) every``
        the energy and magnetisation per unit of every replica go to ``e_out[:, k]`` and
        ``m_out[:, k]`` (host arrays of at least ``count`` columns).

        The same numbers as ``count`` times ``step(state, every)`` followed by
        :meth:`measure`; the fast samplers measure inside their compiled loops, with
        no Python call per sweep, in blocks that end before a periodic move acts
        (a measurement right after a move is taken as ``step`` then ``measure``).
        """
        every, count = int(every), int(count)
        if every < 1 or count < 0:
            raise ValueError(f"need every >= 1 and count >= 0, got every={every}, count={count}")
        k = 0
        while k < count:
            block = count - k
            for m in self.moves:  # measurements that end before the next move acts
                block = min(block, (m.every - state.sweeps % m.every - 1) // every)
            if block > 0:
                self._sample_block(
                    state, every, block, e_out[:, k : k + block], m_out[:, k : k + block]
                )
                k += block
            else:
                self.step(state, every)
                e_out[:, k], m_out[:, k] = self.measure(state)
                k += 1
        return state

    def _sample_block(self, state: SamplerState, every: int, count: int, e_out, m_out) -> None:
        """``count`` measurements with no periodic move in between (samplers with a
        compiled loop override this)."""
        for k in range(count):
            self._sweeps(state, every)
            state.sweeps += every
            e_out[:, k], m_out[:, k] = self.measure(state)

    def measure_device(self, state: SamplerState):
        """As :meth:`measure`, but backend arrays left where they are (no copy to the
        host, no synchronisation): the run loop gathers them in batches."""
        c = self.compiled_here
        config = self.configuration(state)
        return c.energy(config) / c.n, c.magnetization(config)

    def swap(self, state: SamplerState, a, b) -> None:
        """Exchange the configurations of replicas ``a[i]`` and ``b[i]`` (disjoint index arrays),
        with whatever ``extra`` arrays follow the configuration."""
        a, b = np.asarray(a), np.asarray(b)
        if a.size == 0:
            return
        arrays = [("spins", state.spins)] + [(k, state.extra[k]) for k in self._carried]
        for key, x in arrays:
            ia, ib = self._index(a, x), self._index(b, x)
            tmp = x[ia].copy()
            x[ia] = x[ib]
            x[ib] = tmp
            if key == "spins":
                state.spins = x

    def state_dict(self, state: SamplerState) -> dict:
        d = self._identity()
        d["spins"] = np.array(to_numpy(self.configuration(state)), dtype=np.int8)
        d.update(self._streams_dict(state.rngs))
        d["sweeps"] = int(state.sweeps)
        for name, value in state.extra.items():
            if isinstance(value, np.random.Generator):
                d[f"extra_{name}"] = json.dumps(value.bit_generator.state)
            else:
                d[f"extra_{name}"] = np.array(to_numpy(value)).copy()
        return d

    def load_state_dict(self, d: dict) -> SamplerState:
        for key, value in self._identity().items():
            got = d.get(key)
            got = got.item() if isinstance(got, np.ndarray) else got
            if got != value:
                raise ValueError(f"sampler state is for {key}={got!r}, this sampler has {value!r}")
        config = np.asarray(d["spins"], dtype=np.int8)
        if config.shape != (self.replicas, *self.shape):
            raise ValueError(f"sampler state has spins of shape {config.shape}")
        state = SamplerState(self._to_layout(config), self._load_streams(d), int(d["sweeps"]))
        self._init_counts(state)
        self._attach(state)
        for m in self.moves:
            m.attach(self, state, None)
        for name, value in state.extra.items():  # saved fields resume exactly as saved
            saved = d.get(f"extra_{name}")
            if saved is None:
                continue
            if isinstance(value, np.random.Generator):
                value.bit_generator.state = json.loads(str(saved))
                continue
            host = np.array(saved, dtype=to_numpy(value).dtype)
            state.extra[name] = host if isinstance(value, np.ndarray) else self.xp.asarray(host)
        return state

    # -- hooks -------------------------------------------------------------
    #: ``extra`` entries that belong to the configuration (swapped with it).
    _carried: tuple = ()

    @staticmethod
    def _index(rows, x):
        return get_namespace(x).asarray(rows)

    def _streams(self, seed):  # pragma: no cover - abstract
        raise NotImplementedError

    def _random_start(self, rngs) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _streams_dict(self, rngs) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load_streams(self, d: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def _to_layout(self, config: np.ndarray):
        return self.xp.asarray(np.ascontiguousarray(config.reshape(self.replicas, self.sites)))

    def _from_layout(self, spins):
        return spins.reshape((self.replicas, *self.shape))

    def _attach(self, state: SamplerState) -> None:
        """Derived fields (incremental sums) of a new or loaded state."""

    def _sweeps(self, state: SamplerState, sweeps: int) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        moves = "".join(f", {m.describe()}" for m in self.moves)
        return (
            f"{type(self).__name__}({self.model_name}, shape={self.shape}, T={self.T}, "
            f"{self.name}, replicas={self.replicas}, {self.backend}{moves})"
        )


class ReferenceSampler(Sampler):
    """Reference samplers: one NumPy ``Generator`` per replica (spawned from one seed
    through :class:`numpy.random.SeedSequence`), uniforms drawn on the host.

    Replica ``r`` draws its float64 uniforms from its own stream, so the same seed
    gives the same configurations on NumPy and on CuPy (where the acceptance tables
    are computed on the host too), and replica ``r`` does not depend on how many
    replicas run beside it.
    """

    implementation = "reference"

    def _streams(self, seed):
        children = seed_sequence(seed).spawn(self.replicas)
        return [np.random.Generator(np.random.PCG64(s)) for s in children]

    def _random_start(self, rngs) -> np.ndarray:
        k = len(self.values)
        values = self.values.astype(np.int8)
        out = np.empty((self.replicas, self.sites), dtype=np.int8)
        for r, g in enumerate(rngs):
            out[r] = values[g.integers(0, k, size=self.sites, dtype=np.int8)]
        return out

    def _streams_dict(self, rngs) -> dict:
        return {"rng": json.dumps([g.bit_generator.state for g in rngs])}

    def _load_streams(self, d: dict):
        rngs = []
        for st in json.loads(str(d["rng"])):
            g = np.random.Generator(np.random.PCG64())
            g.bit_generator.state = st
            rngs.append(g)
        if len(rngs) != self.replicas:
            raise ValueError(f"sampler state has {len(rngs)} random streams, not {self.replicas}")
        return rngs

    def _uniforms(self, state: SamplerState, count: int):
        """``(replicas, count)`` float64 uniforms, replica ``r`` from its own stream."""
        u = np.empty((self.replicas, count))
        for r, g in enumerate(state.rngs):
            g.random(out=u[r])
        return self.xp.asarray(u)

    def _sweeps(self, state: SamplerState, sweeps: int) -> None:
        for _ in range(sweeps):
            self._sweep(state)

    def _sweep(self, state: SamplerState) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
