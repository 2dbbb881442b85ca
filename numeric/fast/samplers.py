r"""Fast samplers for Ising models on periodic hypercubic lattices, on the one sampler base.

They are specialisations of the compiled form: they apply where
:attr:`CompiledModel.ising` gives :math:`(J, h)` (+-1 spins, one coupling on every
bond of a periodic lattice, a linear site term) and the lattice is hypercubic
(:func:`statmech.numeric.samplers.base.hypercubic`); :func:`statmech.numeric.fast.fast_sampler`
picks the kernel from the dimension and the lengths.  The protocol, validation
and checkpoints are those of :class:`statmech.numeric.samplers.base.Sampler`.

The state holds the spins in the sampler's own layout, one 64-bit random stream
key per replica (from :class:`numpy.random.SeedSequence`), the sweep counter and
sampler-specific counters; ``step`` updates it in place and returns it.  All
random numbers are counter-based (:mod:`numeric.fast.rng`), so a run is
bit-identical for the same seed whatever the number of threads, and resumes
exactly from a ``state_dict``.

Replicas may have different temperatures: the kernels then run once per run of
consecutive replicas that share a temperature, each with its own table.  A
replica's numbers depend only on its key and the sweep, so this gives the same
configurations as one call with per-replica tables would.

The initial configuration is random (infinite temperature): spin ``k`` of
replica ``r`` is ``+1`` when ``draw31(key_r, 2**63 + k) < 2**30``; sweeps never
reach that counter range.
"""

from __future__ import annotations

import importlib

import numpy as np
from statmech.numeric.samplers.base import Sampler, SamplerState, hypercubic

from . import aot
from .rng import INIT_COUNTER, stream_keys, thresholds  # noqa: F401 - INIT_COUNTER re-exported
from .tables import flip_thresholds


class _OnFirstUse:
    """A kernels module imported when a sampler first needs it (its numba kernels load
    then, and never in a run that the ahead-of-time kernels serve)."""

    def __init__(self, name: str):
        self._name = f"{__package__}.{name}"

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name), attr)


kernels3d = _OnFirstUse("kernels3d")
lattice = _OnFirstUse("lattice")
cluster = _OnFirstUse("cluster")

#: The state of a fast sampler (the one :class:`SamplerState`; ``keys`` are its streams).
FastState = SamplerState


def random_configuration(keys: np.ndarray, shape) -> np.ndarray:
    """``(replicas, *shape)`` int8 infinite-temperature start from the stream keys
    (:func:`numeric.fast.rng.random_spins`)."""
    n = int(np.prod(shape))
    out = np.empty((len(keys), n), dtype=np.int8)
    aot.random_spins(out, np.ascontiguousarray(keys, dtype=np.uint64))
    return out.reshape((len(keys), *tuple(shape)))


class FastSampler(Sampler):
    """Counter-based streams and the Ising-lattice checks shared by the fast samplers.

    ``groups`` lists ``(lo, hi, T)``: runs of consecutive replicas with one
    temperature (a single run when every replica has the same one).
    """

    implementation = "fast"
    algorithms: tuple = ()
    unavailable = NotImplementedError

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        if compiled.ising is None or not hypercubic(compiled):
            raise NotImplementedError(
                f"no fast sampler for {self.model_name}: the fast kernels take +-1 spins with "
                "one coupling on every bond of a periodic hypercubic lattice and a linear field"
            )
        if min(self.shape) < 2:
            raise ValueError(f"every lattice length must be at least 2, got shape {self.shape}")
        self.J, self.h = (float(x) for x in compiled.ising)
        t = self.temperatures
        cut = np.flatnonzero(t[1:] != t[:-1]) + 1
        bounds = [0, *cut.tolist(), self.replicas]
        self.groups = [
            (lo, hi, float(t[lo])) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]

    def _uniform_temperature(self) -> float:
        if len(self.groups) != 1:
            raise NotImplementedError(
                f"{type(self).__name__} runs every replica at one temperature"
            )
        return self.groups[0][2]

    def _run(self, kernel, state, tables, *arrays):
        """``kernel(spins, keys, *arrays_of_group, table)`` for each temperature group."""
        if len(self.groups) == 1:
            kernel(state.spins, state.keys, *arrays, tables[0])
            return
        for (lo, hi, _), table in zip(self.groups, tables, strict=True):
            group = [a[lo:hi] if isinstance(a, np.ndarray) and a.ndim else a for a in arrays]
            kernel(state.spins[lo:hi], state.keys[lo:hi], *group, table)

    # -- streams ---------------------------------------------------------
    def _streams(self, seed):
        return stream_keys(seed, self.replicas)

    def _random_start(self, keys) -> np.ndarray:
        return random_configuration(keys, self.shape)

    def _streams_dict(self, keys) -> dict:
        return {"keys": np.array(keys, dtype=np.uint64)}

    def _load_streams(self, d: dict):
        keys = np.array(d["keys"], dtype=np.uint64)
        if keys.shape != (self.replicas,):
            raise ValueError(f"sampler state has {keys.size} stream keys, not {self.replicas}")
        return keys

    def _identity(self) -> dict:
        d = super()._identity()
        d["backend"] = self.backend
        return d

    # -- layout hooks ---------------------------------------------------
    def _to_layout(self, config: np.ndarray):
        return np.ascontiguousarray(config.reshape(self.replicas, self.sites), dtype=np.int8)

    # -- measurement inside the kernels -------------------------------------
    def energy_magnetization(self, bsum, msum) -> tuple[np.ndarray, np.ndarray]:
        """Energy and magnetisation per site (float64) from the integer bond sums
        :math:`B = \\sum_{\\langle ij\\rangle} s_i s_j` and spin sums :math:`M = \\sum_i s_i`.

        :math:`E = (a n + b M) + w B` with the compiled form's site term :math:`a + b s`
        and bond weight :math:`w`, then divided by :math:`n`: bit for bit what
        :meth:`statmech.numeric.compiled.CompiledModel.measure` gives at ``h = 0``.  In a
        field the site term there is a floating-point sum over the sites, here one
        product ``b M`` (correctly rounded); the two may differ in the last digit.
        """
        c = self.compiled
        a, b = c.site_coefficients
        n = self.sites
        e = (a * n + b * msum + c.weight * bsum) / n
        return e, msum.astype(np.float64) / n

    def _sums(self, spins, bsum, msum) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sweeps_measured(self, state, every, count, bsum, msum) -> None:  # pragma: no cover
        raise NotImplementedError

    def measure(self, state):
        """Energy and magnetisation per site of every replica, by a compiled reduction
        (:meth:`energy_magnetization`); on a device, the compiled form's."""
        if self.backend != "numpy":
            return super().measure(state)
        bsum = np.empty((self.replicas, 1), dtype=np.int64)
        msum = np.empty((self.replicas, 1), dtype=np.int64)
        self._sums(state.spins, bsum, msum)
        e, m = self.energy_magnetization(bsum, msum)
        return e[:, 0], m[:, 0]

    def _sample_block(self, state, every, count, e_out, m_out) -> None:
        if self.backend != "numpy":
            super()._sample_block(state, every, count, e_out, m_out)
            return
        bsum = np.empty((self.replicas, count), dtype=np.int64)
        msum = np.empty((self.replicas, count), dtype=np.int64)
        self._sweeps_measured(state, every, count, bsum, msum)
        state.sweeps += every * count
        e_out[:, :count], m_out[:, :count] = self.energy_magnetization(bsum, msum)


class _Checkerboard(FastSampler):
    """Metropolis / heat-bath on an even hypercubic torus, sublattices stored apart
    (subclasses set ``dimension``, ``layout``: the kernels module, and ``lattice``)."""

    algorithms = ("metropolis", "heat-bath")
    dimension = 0
    layout = None
    lattice = ""

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        if len(self.shape) != self.dimension or len(set(self.shape)) != 1 or self.shape[0] % 2:
            torus = " x ".join(["L"] * self.dimension)
            raise NotImplementedError(
                f"the {self.lattice} fast path needs an even {torus} torus, got {self.shape}"
            )
        z = 2 * self.dimension
        self.tables = [flip_thresholds(self.name, t, self.J, self.h, z) for *_, t in self.groups]
        self.table = self.tables[0]

    def _to_layout(self, config):
        return self.layout.pack(config.reshape(self.replicas, *self.shape))

    def _from_layout(self, spins):
        return self.layout.unpack(spins)

    def _sweeps(self, state, sweeps):
        self._run(self.layout.run_sweeps, state, self.tables, state.sweeps, sweeps)

    def _sums(self, spins, bsum, msum):
        self.layout.sums(spins, bsum, msum)

    def _sweeps_measured(self, state, every, count, bsum, msum):
        run_measured = self.layout.run_measured

        def kernel(spins, keys, sweep0, b, m, table):
            run_measured(spins, keys, sweep0, every, count, table, b, m)

        self._run(kernel, state, self.tables, state.sweeps, bsum, msum)


class Checkerboard2D(_Checkerboard):
    """Square lattice, sublattices stored apart (:mod:`numeric.fast.kernels2d`)."""

    dimension, layout, lattice = 2, aot.square, "square-lattice"


class Checkerboard3D(_Checkerboard):
    """Simple cubic lattice, sublattices stored apart (:mod:`numeric.fast.kernels3d`)."""

    dimension, layout, lattice = 3, kernels3d, "cubic"


class CheckerboardTable(FastSampler):
    """Any hypercubic torus with even lengths (rings, non-square tori) through a
    neighbour table."""

    algorithms = ("metropolis", "heat-bath")

    def __init__(self, compiled, T, algorithm="metropolis", replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        self.colours = lattice.colour_sites(self.shape)
        self.nbr = lattice.neighbours(self.shape)
        z = self.nbr.shape[1]
        self.tables = [flip_thresholds(self.name, t, self.J, self.h, z) for *_, t in self.groups]
        self.table = self.tables[0]

    def _sweeps(self, state, sweeps):
        def kernel(spins, keys, sweep0, count, table):
            lattice.run_sweeps_table(spins, self.colours, self.nbr, keys, sweep0, count, table)

        self._run(kernel, state, self.tables, state.sweeps, sweeps)

    def _sums(self, spins, bsum, msum):
        lattice.sums_table(spins, self.nbr, self.nbr.shape[1] // 2, bsum, msum, 0)

    def _sweeps_measured(self, state, every, count, bsum, msum):
        def kernel(spins, keys, sweep0, b, m, table):
            args = (spins, self.colours, self.nbr, keys, sweep0, every, count, table, b, m)
            lattice.run_measured_table(*args)

        self._run(kernel, state, self.tables, state.sweeps, bsum, msum)


class _Cluster(FastSampler):
    def __init__(self, compiled, T, algorithm, replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        if self.h != 0.0 or not self.J > 0:
            raise NotImplementedError(
                f"cluster updates are implemented for J > 0 and h = 0, got J={self.J}, h={self.h}"
            )
        self.thresholds = [
            np.uint32(thresholds(1.0 - np.exp(-2.0 * self.J / t))) for *_, t in self.groups
        ]
        self.threshold = self.thresholds[0]


class SwendsenWang(_Cluster):
    """Swendsen-Wang: every spin is assigned a new value each sweep."""

    algorithms = ("swendsen-wang",)

    def __init__(self, compiled, T, algorithm="swendsen-wang", replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        self.fwd = lattice.forward_neighbours(self.shape)
        square = len(self.shape) == 2 and self.shape[0] == self.shape[1]
        self.square_L = self.shape[0] if square else 0

    def _sweeps(self, state, sweeps):
        def kernel(spins, keys, sweep0, count, thr):
            cluster.swendsen_wang_sweeps(spins, self.fwd, keys, sweep0, count, thr, self.square_L)

        self._run(kernel, state, self.thresholds, state.sweeps, sweeps)

    def _sums(self, spins, bsum, msum):
        lattice.sums_table(spins, self.fwd, self.fwd.shape[1], bsum, msum, 0)

    def _sweeps_measured(self, state, every, count, bsum, msum):
        def kernel(spins, keys, sweep0, b, m, thr):
            args = (spins, self.fwd, keys, sweep0, every, count, thr, b, m)
            cluster.swendsen_wang_measured(*args, self.square_L)

        self._run(kernel, state, self.thresholds, state.sweeps, bsum, msum)


class Wolff(_Cluster):
    """Wolff single-cluster updates; a sweep is ``clusters_per_sweep`` clusters per replica.

    ``clusters_per_sweep`` (from the move, :class:`statmech.numeric.samplers.moves.Wolff`)
    defaults to ``round(sites / mean cluster size)`` (at least 1), the mean measured
    once from the parameters alone (:func:`numeric.fast.cluster.mean_cluster_size`),
    aiming at a sweep of about ``sites`` flipped spins; with several temperatures,
    once per temperature.  The aim is not always met: that pilot starts ordered,
    and near T_c its clusters are larger than in equilibrium (at T_c a sweep of 2
    clusters flips about 0.77 ``sites`` at L = 64 and 0.65 at L = 128, measured in
    equilibrium; fewer while the run relaxes from its random start), so a run reports the
    spins it really flipped (``mean_cluster_size``, ``spins_flipped_per_ns`` of
    :func:`statmech.numeric.simulation.simulate`).  ``state.extra["flipped"]`` counts the spins
    flipped per replica and ``state.extra["counters"]`` is each replica's position
    in its random stream (both stay with the replica when configurations are swapped).
    """

    algorithms = ("wolff",)

    def __init__(self, compiled, T, algorithm="wolff", replicas=1, moves=()):
        super().__init__(compiled, T, algorithm, replicas, moves)
        self.nbr = lattice.neighbours(self.shape)
        square = len(self.shape) == 2 and self.shape[0] == self.shape[1]
        self.square_L = self.shape[0] if square else 0
        given = getattr(self.move, "clusters_per_sweep", None)
        if given is not None and int(given) < 1:
            raise ValueError(f"clusters_per_sweep must be positive, got {given}")
        counts = []
        for thr in self.thresholds:
            if given is None:
                size = cluster.mean_cluster_size(self.nbr, thr, square_L=self.square_L)
                counts.append(max(1, round(self.sites / size)))
            else:
                counts.append(int(given))
        self.cluster_counts = counts
        self.clusters_per_sweep = counts[0] if len(set(counts)) == 1 else tuple(counts)

    def _identity(self):
        d = super()._identity()
        cps = self.clusters_per_sweep
        d["clusters_per_sweep"] = cps if isinstance(cps, int) else str(list(cps))
        return d

    def _attach(self, state):
        state.extra.setdefault("counters", np.zeros(self.replicas, dtype=np.uint64))
        state.extra.setdefault("flipped", np.zeros(self.replicas, dtype=np.int64))

    def _sweeps(self, state, sweeps):
        x = state.extra
        pairs = list(zip(self.thresholds, self.cluster_counts, strict=True))

        def kernel(spins, keys, counters, flipped, pair):
            thr, count = pair
            n = sweeps * count
            cluster.wolff_clusters(spins, self.nbr, keys, counters, flipped, n, thr, self.square_L)

        self._run(kernel, state, pairs, x["counters"], x["flipped"])

    def _sums(self, spins, bsum, msum):
        lattice.sums_table(spins, self.nbr, self.nbr.shape[1] // 2, bsum, msum, 0)

    def _sweeps_measured(self, state, every, count, bsum, msum):
        x = state.extra
        pairs = list(zip(self.thresholds, self.cluster_counts, strict=True))

        def kernel(spins, keys, counters, flipped, b, m, pair):
            thr, clusters = pair
            args = (spins, self.nbr, keys, counters, flipped, every * clusters, count, thr, b, m)
            cluster.wolff_measured(*args, self.square_L)

        self._run(kernel, state, pairs, x["counters"], x["flipped"], bsum, msum)
