r"""Replica exchange (parallel tempering) as a periodic move.

The replicas of a sampler sit at a ladder of temperatures
:math:`T_0 < T_1 < \dots < T_{K-1}`, each temperature held by the same number
:math:`C` of replicas (copies of the ladder; copy :math:`c` is the :math:`c`-th
replica at each temperature, in replica order).  Every ``every`` sweeps, the
configurations at neighbouring temperatures of a copy are offered a swap,
accepted with probability

.. math::

    \min\bigl(1,\ e^{(\beta_a - \beta_b)(E_a - E_b)}\bigr),

:math:`E` the total energies (:meth:`CompiledModel.energy`), which keeps the
product of the Boltzmann distributions at every temperature invariant (detailed
balance of the swap).  Rounds alternate the pairs :math:`(T_0, T_1), (T_2, T_3),
\dots` and :math:`(T_1, T_2), \dots` (the deterministic even-odd scheme), so the
pairs of a round are disjoint.

The configurations move, the temperatures stay: replica ``r`` always has
temperature ``T[r]``, and a swap exchanges the configurations of two replicas
(and the incremental fields that go with them).  Each configuration is a *walker*
whose temperature index is followed; a round trip is a walker's path from the
lowest temperature to the highest and back, its time the sweeps it took.  The
move reports the acceptance of every neighbouring pair and the round trips
(:meth:`ReplicaExchange.statistics`).  Its random numbers come from a stream of
their own (a child of the seed that no replica uses), saved with the state.

References
----------
R. H. Swendsen and J.-S. Wang, Phys. Rev. Lett. 57, 2607 (1986),
doi:10.1103/PhysRevLett.57.2607; K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65,
1604 (1996), doi:10.1143/JPSJ.65.1604; S. Bittner, A. Nussbaumer and W. Janke,
Phys. Rev. Lett. 101, 130603 (2008) (round trips).
"""

from __future__ import annotations

import numpy as np

from ..backend import seed_sequence

#: Spawn key of the exchange stream: no replica stream (keys 0 .. replicas-1) has it.
STREAM = (1 << 32) + 0x5A


class ReplicaExchange:
    """Swap configurations between neighbouring temperatures every ``every`` sweeps.

    Examples
    --------
    >>> from statmech.derive.registry import get_model
    >>> from statmech.numeric.compiled import compile_model
    >>> from statmech.numeric.samplers import ReferenceLatticeSampler
    >>> c = compile_model(get_model("ising1d"), {"N": 6})
    >>> s = ReferenceLatticeSampler(c, [1.0, 1.0, 2.0, 2.0], "heat-bath", 4,
    ...                             moves=[ReplicaExchange()])
    >>> st = s.step(s.init(1), 50)
    >>> s.moves[0].statistics(st)["pairs"]
    [[1.0, 2.0]]
    """

    name = "replica-exchange"

    def __init__(self, every: int = 1):
        if int(every) < 1:
            raise ValueError(f"replica exchange needs every >= 1 sweeps, got {every}")
        self.every = int(every)

    def describe(self) -> str:
        return f"{self.name}/{self.every}"

    def bind(self, sampler) -> None:
        """Read the ladder from ``sampler.temperatures``."""
        t = sampler.temperatures
        ladder = np.unique(t)
        if ladder.size < 2:
            raise ValueError("replica exchange needs at least two temperatures")
        slots = [np.flatnonzero(t == x) for x in ladder]
        if len({s.size for s in slots}) != 1:
            counts = ", ".join(f"T={x:g}: {s.size}" for x, s in zip(ladder, slots, strict=True))
            raise ValueError(
                f"replica exchange needs as many replicas at every temperature, got {counts}"
            )
        self.ladder = ladder
        self.beta = 1.0 / ladder
        self.slots = np.stack(slots)  # (K, C): replica of copy c at temperature k
        self.copies = self.slots.shape[1]

    # -- state -------------------------------------------------------------
    def attach(self, sampler, state, seed) -> None:
        K, C = self.slots.shape
        entropy = seed_sequence(0 if seed is None else seed).entropy
        stream = np.random.SeedSequence(entropy, spawn_key=(STREAM,))
        rng = np.random.Generator(np.random.PCG64(stream))
        walkers = np.arange(K * C, dtype=np.int64).reshape(K, C)
        state.extra.update(
            {
                "exchange_rng": rng,
                "exchange_walker": walkers,  # walker at (temperature k, copy c)
                "exchange_heading": np.zeros(K * C, dtype=np.int8),  # 0, 1 up, 2 down
                "exchange_since": np.zeros(K * C, dtype=np.int64),
                "exchange_attempts": np.zeros(K - 1, dtype=np.int64),
                "exchange_accepted": np.zeros(K - 1, dtype=np.int64),
                "exchange_trips": np.zeros(C, dtype=np.int64),
                "exchange_trip_sweeps": np.zeros(C, dtype=np.int64),
            }
        )
        self._ends(state)

    def _ends(self, state) -> None:
        """Round-trip bookkeeping for the walkers now at the lowest and highest temperature."""
        x = state.extra
        heading, since = x["exchange_heading"], x["exchange_since"]
        bottom, top = x["exchange_walker"][0], x["exchange_walker"][-1]
        done = heading[bottom] == 2
        x["exchange_trips"] += done
        x["exchange_trip_sweeps"] += np.where(done, state.sweeps - since[bottom], 0)
        restart = heading[bottom] != 1
        since[bottom[restart]] = state.sweeps
        heading[bottom] = 1
        heading[top[heading[top] == 1]] = 2

    # -- the move -------------------------------------------------------------
    def apply(self, sampler, state) -> None:
        x = state.extra
        K, C = self.slots.shape
        first = (state.sweeps // self.every - 1) % 2  # alternate even and odd pairs
        ks = np.arange(first, K - 1, 2)
        if ks.size == 0:
            return
        u = x["exchange_rng"].random((ks.size, C))
        energies = sampler.energies(state)
        a, b = self.slots[ks], self.slots[ks + 1]  # (pairs, C)
        log_p = self.log_acceptance(
            self.beta[ks, None], self.beta[ks + 1, None], energies[a], energies[b]
        )
        accept = np.log(u) < np.minimum(log_p, 0.0)
        x["exchange_attempts"][ks] += C
        x["exchange_accepted"][ks] += accept.sum(axis=1)
        sampler.swap(state, a[accept], b[accept])
        w = x["exchange_walker"]
        pk, pc = np.nonzero(accept)
        k = ks[pk]
        w[k, pc], w[k + 1, pc] = w[k + 1, pc], w[k, pc].copy()
        self._ends(state)

    @staticmethod
    def log_acceptance(beta_a, beta_b, energy_a, energy_b):
        r""":math:`\log` of the swap's acceptance ratio, :math:`(\beta_a - \beta_b)(E_a - E_b)`."""
        return (beta_a - beta_b) * (energy_a - energy_b)

    def statistics(self, state) -> dict:
        """Swap acceptance per neighbouring pair and round trips (in sweeps), per run so far."""
        x = state.extra
        att, acc = x["exchange_attempts"], x["exchange_accepted"]
        trips, sweeps = int(x["exchange_trips"].sum()), int(x["exchange_trip_sweeps"].sum())
        return {
            "every": self.every,
            "temperatures": self.ladder.tolist(),
            "pairs": [
                [float(a), float(b)] for a, b in zip(self.ladder[:-1], self.ladder[1:], strict=True)
            ],
            "attempts": att.tolist(),
            "acceptance": [
                float(c / a) if a else float("nan") for a, c in zip(att, acc, strict=True)
            ],
            "round_trips": trips,
            "mean_round_trip_sweeps": sweeps / trips if trips else float("nan"),
        }
