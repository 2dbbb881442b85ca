r"""The Monte Carlo run loop: thermalise, measure, checkpoint, report progress.

:func:`simulate` runs ``thermalize + sweeps`` sweeps of a sampler (see
:mod:`numeric.samplers`), measuring the energy and magnetisation of every
replica after every ``every`` sweeps once the thermalisation sweeps are done,
and returns a :class:`SimulationResult` with one :class:`~numeric.stats.Estimate`
per observable (:func:`numeric.observables.estimates`).

Thermalisation rule: unless given, ``thermalize = max(100, sweeps // 5)``
(rounded up to a multiple of ``every``), starting from a random configuration;
the result carries a warning when that is shorter than
:data:`numeric.stats.THERMALISATION_TAUS` integrated autocorrelation times (in
sweeps) of the slowest observable, or when the series is too short for its
autocorrelation time to be estimated.

Measurements go through the sampler's compiled model (:meth:`Sampler.measure`,
:meth:`statmech.numeric.compiled.CompiledModel.measure`), so every model with a
sampler is measured by its own energy.

With ``temperatures`` (a ladder) the sampler holds ``replicas`` replicas at each
temperature and, unless ``exchange_every=0``, exchanges configurations between
neighbouring temperatures (:mod:`numeric.samplers.exchange`); the result has one
set of estimates per temperature (``per_temperature``; ``observables`` are those at
the lowest temperature) and the swap acceptance per pair and the round trips
(``exchange``).

``flips_per_ns`` counts attempted spin flips per nanosecond spent inside
``sampler.step`` (measurements excluded), leaving out the first step call of a
session, which may compile kernels, unless it is the only one.

With ``checkpoint=FILE`` the sampler state and the measurements so far are
saved every ``checkpoint_every`` seconds, on Ctrl-C, and at the end; calling
:func:`simulate` again with the same arguments resumes from the file and gives
the same result, bit for bit, as a run that was never interrupted.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .backend import get_backend, synchronize
from .checkpoint import load_checkpoint, save_checkpoint
from .observables import estimates
from .samplers import make_sampler
from .stats import THERMALISATION_TAUS, Estimate, integrated_time


def thermalization_sweeps(sweeps: int, every: int = 1) -> int:
    """The stated rule: ``max(100, sweeps // 5)`` rounded up to a multiple of ``every``."""
    t = max(100, int(sweeps) // 5)
    return -(-t // every) * every


@dataclass
class SimulationResult:
    """Estimates of one run, with what they rest on."""

    model: str
    params: dict
    algorithm: str
    backend: str
    seed: int
    replicas: int
    sweeps: int
    thermalization: int
    every: int
    measurements: int
    observables: dict[str, Estimate]
    elapsed_seconds: float
    flips_per_ns: float
    sampler: str
    warnings: list[str] = field(default_factory=list)
    series: tuple | None = None  # (e, m), each (replicas, n)
    temperatures: tuple | None = None  # the ladder, lowest first
    per_temperature: list | None = None  # one observables dict per ladder temperature
    exchange: dict | None = None  # ReplicaExchange.statistics

    def as_dict(self) -> dict:
        d = {
            "model": self.model,
            "parameters": self.params,
            "algorithm": self.algorithm,
            "sampler": self.sampler,
            "backend": self.backend,
            "seed": self.seed,
            "replicas": self.replicas,
            "sweeps": self.sweeps,
            "thermalization_sweeps": self.thermalization,
            "measure_every": self.every,
            "measurements": self.measurements,
            "observables": {k: v.as_dict() for k, v in self.observables.items()},
            "elapsed_seconds": self.elapsed_seconds,
            "flips_per_ns": self.flips_per_ns,
            "warnings": self.warnings,
        }
        if self.temperatures is not None:
            d["temperatures"] = list(self.temperatures)
            d["per_temperature"] = [
                {"T": t, "observables": {k: v.as_dict() for k, v in obs.items()}}
                for t, obs in zip(self.temperatures, self.per_temperature, strict=True)
            ]
            d["replica_exchange"] = self.exchange
        return d

    to_dict = as_dict  # the name every typed result of statmech.api uses


@contextmanager
def _deferred_interrupt():
    """Turn the first Ctrl-C into a flag checked between sweeps (a second one
    interrupts at once), so that a checkpoint is never taken mid-sweep."""
    flag = {"set": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        if flag["set"]:
            raise KeyboardInterrupt
        flag["set"] = True

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, old)


def simulate(
    model,
    params: dict,
    sweeps: int = 10000,
    replicas: int = 16,
    seed: int = 1,
    backend: str = "numpy",
    algorithm: str = "metropolis",
    thermalize: int | None = None,
    every: int = 1,
    checkpoint: str | Path | None = None,
    checkpoint_every: float = 60.0,
    progress: Callable | None = None,
    reference: bool = False,
    keep_series: bool = False,
    temperatures=None,
    exchange_every: int = 1,
) -> SimulationResult:
    """Run a Monte Carlo simulation of ``model`` at ``params``.

    Parameters
    ----------
    model : derive.model.Model or str
    params : dict
        ``T``, ``J``, ``h`` and the size (``N`` or ``L``).
    sweeps : int
        Measurement sweeps after thermalisation.
    replicas, seed, backend, algorithm, reference
        Passed to :func:`numeric.samplers.make_sampler` and ``sampler.init``.
    thermalize : int, optional
        Sweeps discarded first; by default :func:`thermalization_sweeps`.
    every : int
        Sweeps between measurements.
    checkpoint, checkpoint_every
        File to save to and resume from; seconds between saves.
    progress : callable, optional
        Called as ``progress(done_sweeps, total_sweeps, running)`` between
        sweeps; ``running()`` returns the running estimates (or ``{}``).
    temperatures : sequence of float, optional
        A temperature ladder (``params["T"]`` is then not used): ``replicas``
        replicas at each.
    exchange_every : int
        Sweeps between replica-exchange rounds along the ladder (0: none).

    Returns
    -------
    SimulationResult
    """
    if isinstance(model, str):
        from statmech.derive.registry import get_model

        model = get_model(model)
    sweeps, every, replicas = int(sweeps), int(every), int(replicas)
    if sweeps < 1 or every < 1 or sweeps < every:
        raise ValueError(f"need sweeps >= every >= 1, got sweeps={sweeps}, every={every}")
    therm = thermalization_sweeps(sweeps, every) if thermalize is None else int(thermalize)
    if therm < 0:
        raise ValueError(f"thermalize must be >= 0, got {therm}")
    sampler = make_sampler(
        model,
        params,
        algorithm,
        replicas,
        backend,
        reference=reference,
        temperatures=temperatures,
        exchange_every=exchange_every,
    )
    ladder = None if temperatures is None else tuple(float(t) for t in np.unique(temperatures))
    xp = get_backend(sampler.backend)
    n_meas = sweeps // every
    total = therm + n_meas * every
    n_spins = int(np.prod(sampler.shape))
    h = float(params.get("h", 0.0))
    identity = json.loads(
        json.dumps(
            {
                "model": model.name,
                "params": {k: params[k] for k in sorted(params)},
                "seed": seed,
                "backend": sampler.backend,
                "algorithm": algorithm,
                "sampler": f"{type(sampler).__module__}.{type(sampler).__name__}",
                "replicas": replicas,
                "sweeps": sweeps,
                "thermalize": therm,
                "every": every,
                **(
                    {"temperatures": list(ladder), "exchange_every": exchange_every}
                    if ladder
                    else {}
                ),
            }
        )
    )
    e = np.full((sampler.replicas, n_meas), np.nan)
    m = np.full((sampler.replicas, n_meas), np.nan)
    done, k = 0, 0
    step_seconds = loop_seconds = 0.0
    flips = 0
    state = None
    if checkpoint is not None and Path(checkpoint).exists():
        prog, sampler_state, data = load_checkpoint(checkpoint, identity)
        state = sampler.load_state_dict(sampler_state)
        e, m = np.array(data["e"]), np.array(data["m"])
        done, k = int(prog["done"]), int(prog["measured"])
        step_seconds, loop_seconds = float(prog["step_seconds"]), float(prog["loop_seconds"])
        flips = int(prog["flips"])
    if state is None:
        state = sampler.init(seed)

    def save():
        save_checkpoint(
            checkpoint,
            identity,
            {
                "done": done,
                "measured": k,
                "step_seconds": step_seconds,
                "loop_seconds": loop_seconds,
                "flips": flips,
            },
            sampler.state_dict(state),
            {"e": e, "m": m},
        )

    def running():
        if k < 2:
            return {}
        return {
            "energy_per_spin": _quick(e[:, :k]),
            "abs_magnetization": _quick(np.abs(m[:, :k])),
        }

    last_save = time.monotonic()
    consistent = True
    warm = total - done <= every  # a run of a single step times that step
    with _deferred_interrupt() as interrupted:
        try:
            while done < total:
                if interrupted["set"]:
                    raise KeyboardInterrupt
                chunk = every if done >= therm else min(every, therm - done)
                consistent = False
                t0 = time.perf_counter()
                state = sampler.step(state, chunk)
                synchronize(xp)
                t1 = time.perf_counter()
                done += chunk
                if done > therm:
                    e[:, k], m[:, k] = sampler.measure(state)
                    k += 1
                if warm:  # the first step may compile kernels: not timed for flips/ns
                    step_seconds += t1 - t0
                    flips += chunk * sampler.attempted_flips_per_sweep
                warm = True
                loop_seconds += time.perf_counter() - t0
                consistent = True
                if checkpoint is not None and time.monotonic() - last_save >= checkpoint_every:
                    save()
                    last_save = time.monotonic()
                if progress is not None:
                    progress(done, total, running)
        except KeyboardInterrupt:
            if checkpoint is not None and consistent:
                save()
            raise
    if checkpoint is not None:
        save()
    if ladder is None:
        obs = estimates(e, m, n_spins, float(params["T"]), signed=h != 0)
        per_t, exchange, warnings = None, None, _warnings(obs, e, m, therm, every)
    else:
        per_t, warnings = [], []
        for t in ladder:
            rows = np.flatnonzero(sampler.temperatures == t)
            per_t.append(estimates(e[rows], m[rows], n_spins, t, signed=h != 0))
            warnings += [
                f"T={t:g}: {w}" for w in _warnings(per_t[-1], e[rows], m[rows], therm, every)
            ]
        obs = per_t[0]
        exchange = sampler.moves[0].statistics(state) if sampler.moves else None
    return SimulationResult(
        model=model.name,
        params=dict(params),
        algorithm=algorithm,
        backend=sampler.backend,
        seed=seed,
        replicas=replicas,
        sweeps=sweeps,
        thermalization=therm,
        every=every,
        measurements=sampler.replicas * n_meas,
        observables=obs,
        elapsed_seconds=loop_seconds,
        flips_per_ns=flips / (step_seconds * 1e9) if step_seconds > 0 else float("nan"),
        sampler=type(sampler).__name__,
        warnings=warnings,
        series=(e, m) if keep_series else None,
        temperatures=ladder,
        per_temperature=per_t,
        exchange=exchange,
    )


def _quick(x) -> Estimate:
    from .stats import mean_estimate

    return mean_estimate(x)


def _warnings(obs, e, m, therm, every) -> list[str]:
    out = []
    slow = {"energy_per_spin": e, "abs_magnetization": np.abs(m), "magnetization_squared": m * m}
    for name, x in slow.items():
        if np.all(x == x.flat[0]):
            out.append(
                f"{name} did not change during the run (all replicas frozen?); "
                "its zero error bar means nothing: give more sweeps or a higher temperature"
            )
            continue
        tau, reliable = integrated_time(x)
        if not reliable:
            out.append(
                f"{name}: the series ({x.shape[1]} measurements) is too short to estimate "
                f"its autocorrelation time (>= {tau:.3g}); the error bar is too small"
            )
        elif therm < THERMALISATION_TAUS * tau * every:
            out.append(
                f"{name}: {therm} thermalisation sweeps are fewer than "
                f"{THERMALISATION_TAUS:g} autocorrelation times ({tau * every:.3g} sweeps each); "
                "give more --sweeps or --thermalize"
            )
    return out
