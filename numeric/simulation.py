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

Thermalisation is also checked directly: the energy of every replica is measured
at about :data:`THERMALISATION_POINTS` points spread over the discarded sweeps
(cheap: the discarded sweeps then run in chunks of ``thermalize /
THERMALISATION_POINTS`` sweeps), and the means over the third and the fourth
quarter of them are compared (:func:`thermalisation_drift`).  The difference is
divided by the spread of the replicas' own differences, so the autocorrelation
within a replica needs no model (the replicas are independent); in equilibrium
the ratio is Student's t with ``R - 1`` degrees of freedom, and above
:data:`numeric.stats.DRIFT_Z` the run says it is not thermalised and by how much
the energy drifted.  With fewer than 4 replicas (per temperature) the error of each quarter's mean
comes instead from the measurements' variance and autocorrelation time
(:func:`thermalisation_drift_few`), and the check is not made when that time
cannot be estimated; nor with fewer than :data:`THERMALISATION_CHECK_MIN`
discarded sweeps.

Acceptance: one sweep in about every :data:`COUNT_EVERY` measurement sweeps
(at least 32 per run where there are that many) counts the units it changed
(``sampler.step(..., count=True)``); for single-site moves, which offer every
unit one move per sweep, that is the acceptance rate (``acceptance_rate``), and
a rate below :data:`ACCEPTANCE_MIN` gives a warning: the configurations barely
change, so the estimates rest on the states the replicas sit in.

Measurements go through the sampler's compiled model (:meth:`Sampler.measure`,
:meth:`statmech.numeric.compiled.CompiledModel.measure`), so every model with a
sampler is measured by its own energy.

With ``temperatures`` (a ladder) the sampler holds ``replicas`` replicas at each
temperature and, unless ``exchange_every=0``, exchanges configurations between
neighbouring temperatures (:mod:`numeric.samplers.exchange`); the result has one
set of estimates per temperature (``per_temperature``; ``observables`` are those at
the lowest temperature) and the swap acceptance per pair and the round trips
(``exchange``).

Measurement sweeps run in blocks through :meth:`Sampler.sample`: the fast samplers
sweep and measure inside their compiled loops (the bond and spin sums of every
replica after every ``every`` sweeps, no Python call per sweep) into the
preallocated series, a block ending before each counted sweep and lasting about
:data:`BLOCK_SECONDS` (progress, Ctrl-C and checkpoints are handled between
blocks).  The numbers are those of ``step`` then ``measure``, sweep by sweep.

``flips_per_ns`` counts attempted spin flips per nanosecond spent inside the
sampler (its sweeps and, on the host, the measurements taken with them),
leaving out the first call of each kind (a step, a block) of a session, which may
compile kernels, unless it is the last.  For Wolff
cluster moves, which attempt nothing site by site, it counts the spins actually
flipped (the same number as ``spins_flipped_per_ns``); a Wolff sweep is a fixed
number of clusters (``clusters_per_sweep``) and ``mean_cluster_size`` is the
mean over the measurement sweeps, so a sweep flips ``clusters_per_sweep x
mean_cluster_size`` spins, not necessarily the number of sites.  Swendsen-Wang
assigns every spin a new value each sweep: its ``flips_per_ns`` counts those.

On a device backend (CuPy) nothing is copied to the host, and nothing waits
for the device, sweep by sweep (but for the at most :data:`THERMALISATION_POINTS`
energies of the thermalisation check): the energy and magnetisation are measured on the
device (:meth:`Sampler.measure_device`) into device buffers of
:data:`MEASURE_BATCH` measurements, copied to the host when a buffer is full, at
a checkpoint and at the end.  ``flips_per_ns`` then times the whole loop after
the first step (sweeps, device measurements and copies: end to end), since the
device is not waited for between a sweep and its measurement.

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

from .backend import get_backend, synchronize, to_numpy
from .checkpoint import load_checkpoint, save_checkpoint
from .observables import estimates
from .samplers import make_sampler
from .simulation_checks import (  # noqa: F401 - thermalisation_drift re-exported
    THERMALISATION_CHECK_MIN,
    series_warnings,
    thermalisation_drift,
    thermalisation_warning,
)
from .stats import Estimate

#: Energy measurements spread over the discarded sweeps (:func:`thermalisation_drift`).
THERMALISATION_POINTS = 64
#: About one counted sweep (changed units) per this many measurement sweeps.
COUNT_EVERY = 64
#: Measurements gathered on the device before one copy to the host (CuPy).
MEASURE_BATCH = 256
#: Gather measurements in device batches on NumPy too (to test that path without a GPU).
BATCH_ON_HOST = False
#: Seconds of sampling per call of ``sampler.sample`` (between progress reports, checks
#: for Ctrl-C and checkpoints), at most :data:`MEASURE_BATCH` measurements.
BLOCK_SECONDS = 0.25
#: Below this fraction of accepted single-site moves, the run warns.
ACCEPTANCE_MIN = 1e-5
SINGLE_SITE = ("metropolis", "heat-bath")


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
    acceptance_rate: float | None = None  # single-site moves: accepted / offered
    spins_flipped_per_ns: float | None = None  # cluster moves (Wolff): counted flips
    clusters_per_sweep: int | tuple | None = None  # Wolff
    mean_cluster_size: float | None = None  # Wolff, over the measurement sweeps
    method: str = ""  # the update in words (Sampler.method): "Metropolis, checkerboard"
    implementation: str = ""  # "reference" or "fast"

    def as_dict(self) -> dict:
        d = {
            "model": self.model,
            "parameters": self.params,
            "algorithm": self.algorithm,
            "sampler": self.sampler,
            "method": self.method,
            "implementation": self.implementation,
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
            "acceptance_rate": self.acceptance_rate,
            "spins_flipped_per_ns": self.spins_flipped_per_ns,
            "clusters_per_sweep": (
                list(self.clusters_per_sweep)
                if isinstance(self.clusters_per_sweep, tuple)
                else self.clusters_per_sweep
            ),
            "mean_cluster_size": self.mean_cluster_size,
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
    spelling: str = "keyword",
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
    spelling : {"keyword", "flag"}
        How the warnings name the options they advise: as keyword arguments
        (``thermalize=400``) or as the command line's flags (``--thermalize 400``).

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
    # the energy during the discarded sweeps, every `stride` sweeps (thermalisation check)
    stride = max(1, -(-therm // THERMALISATION_POINTS))
    e_therm = np.full((sampler.replicas, -(-therm // stride)), np.nan)
    count_every = max(1, min(COUNT_EVERY // every, n_meas // 32))
    counted = hasattr(sampler, "cluster_counts")  # Wolff counts the spins it flips
    clusters = (
        sum(
            (hi - lo) * c
            for (lo, hi, _), c in zip(sampler.groups, sampler.cluster_counts, strict=True)
        )
        if counted
        else 0
    )
    done, k = 0, 0
    step_seconds = loop_seconds = 0.0
    flips = 0
    flipped_at_therm = -1
    batched = xp is not np or BATCH_ON_HOST
    if batched:
        size = max(1, min(MEASURE_BATCH, n_meas))
        buf_e = xp.empty((sampler.replicas, size), dtype=xp.float64)
        buf_m = xp.empty((sampler.replicas, size), dtype=xp.float64)
    held = 0  # measurements in the device buffers, not yet on the host
    block_cap = 1  # measurements per sampler.sample call (grown to about BLOCK_SECONDS)
    first_block = True
    state = None
    if checkpoint is not None and Path(checkpoint).exists():
        prog, sampler_state, data = load_checkpoint(checkpoint, identity)
        state = sampler.load_state_dict(sampler_state)
        e, m = np.array(data["e"]), np.array(data["m"])
        if "e_therm" in data:
            e_therm = np.array(data["e_therm"])
        done, k = int(prog["done"]), int(prog["measured"])
        step_seconds, loop_seconds = float(prog["step_seconds"]), float(prog["loop_seconds"])
        flips = int(prog["flips"])
        flipped_at_therm = int(prog.get("flipped_at_therm", -1))
    if state is None:
        state = sampler.init(seed)

    def flipped_now() -> int:
        return int(np.sum(state.extra["flipped"])) if counted else 0

    if therm == 0 and flipped_at_therm < 0:
        flipped_at_therm = flipped_now()

    def flush():
        """Copy the measurements held on the device to the host, in one go."""
        nonlocal held
        if held:
            e[:, k - held : k] = to_numpy(buf_e[:, :held])
            m[:, k - held : k] = to_numpy(buf_m[:, :held])
            held = 0

    def save():
        flush()
        save_checkpoint(
            checkpoint,
            identity,
            {
                "done": done,
                "measured": k,
                "step_seconds": step_seconds,
                "loop_seconds": loop_seconds,
                "flips": flips,
                "flipped_at_therm": flipped_at_therm,
            },
            sampler.state_dict(state),
            {"e": e, "m": m, "e_therm": e_therm},
        )

    def running():
        ready = k - held  # on the host
        if ready < 2:
            return {}
        return {
            "energy_per_spin": _quick(e[:, :ready]),
            "abs_magnetization": _quick(np.abs(m[:, :ready])),
        }

    last_save = time.monotonic()
    consistent = True
    warm = total - done <= every  # a run of a single step times that step
    with _deferred_interrupt() as interrupted:
        try:
            while done < total:
                if interrupted["set"]:
                    raise KeyboardInterrupt
                measuring = done >= therm
                chunk = every if measuring else min(stride, therm - done)
                count = measuring and k % count_every == 0
                consistent = False
                before = flipped_now()
                t0 = time.perf_counter()
                blocked = measuring and not batched and not count
                if blocked:  # a block of measurements, up to the next counted sweep
                    block = min(n_meas - k, count_every - k % count_every, block_cap)
                    state = sampler.sample(state, every, block, e[:, k:], m[:, k:])
                    t1 = time.perf_counter()
                    fill = BLOCK_SECONDS * block / max(t1 - t0, 1e-9)
                    block_cap = max(1, min(MEASURE_BATCH, int(fill)))
                    chunk = block * every
                    k += block
                    done += chunk
                else:
                    state = sampler.step(state, chunk, count=count)
                    if not batched or not warm:
                        synchronize(xp)
                    t1 = time.perf_counter()
                    done += chunk
                if measuring and batched:
                    buf_e[:, held], buf_m[:, held] = sampler.measure_device(state)
                    held += 1
                    k += 1
                    if held == buf_e.shape[1] or done == total:
                        flush()
                    t1 = time.perf_counter()  # end to end: the device is waited for at flushes
                elif count:  # the counted sweep's measurement (blocks stop before it)
                    e[:, k], m[:, k] = sampler.measure(state)
                    k += 1
                    t1 = time.perf_counter()  # timed with its measurement, as a block is
                elif not measuring:
                    e_therm[:, -(-done // stride) - 1] = sampler.measure(state)[0]
                    if done == therm:
                        flipped_at_therm = flipped_now()
                # the first block may compile the measuring kernel: not timed unless the last
                first = blocked and first_block and done < total
                first_block = first_block and not blocked
                if warm and not first:  # the first step may compile kernels: not timed
                    step_seconds += t1 - t0
                    if counted:
                        flips += flipped_now() - before
                    else:
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
    flush()
    if checkpoint is not None:
        save()
    if ladder is None:
        obs = estimates(e, m, n_spins, float(params["T"]), signed=h != 0)
        per_t, exchange, warnings = None, None, series_warnings(obs, e, m, therm, every, spelling)
        w = thermalisation_warning(e_therm, therm, e, every, spelling)
        warnings += [] if w is None else [w]
    else:
        per_t, warnings = [], []
        for t in ladder:
            rows = np.flatnonzero(sampler.temperatures == t)
            per_t.append(estimates(e[rows], m[rows], n_spins, t, signed=h != 0))
            warnings += [
                f"T={t:g}: {w}"
                for w in series_warnings(per_t[-1], e[rows], m[rows], therm, every, spelling)
            ]
            w = thermalisation_warning(e_therm[rows], therm, e[rows], every, spelling)
            warnings += [] if w is None else [f"T={t:g}: {w}"]
        obs = per_t[0]
        exchange = sampler.moves[0].statistics(state) if sampler.moves else None
    acceptance = None
    if sampler.name in SINGLE_SITE:
        acceptance = sampler.changed_fraction(state)
        if acceptance < ACCEPTANCE_MIN:
            offered = int(np.sum(state.extra["counted_sweeps"])) * sampler.sites
            at = "" if ladder else f" at T={float(params['T']):g}"
            warnings.append(
                f"the acceptance rate is {acceptance:.3g} ({acceptance * offered:.0f} of "
                f"{offered} single-site moves counted were accepted){at}: "
                "the configurations barely change, so the estimates (and above all the "
                "heat capacity and susceptibility) rest on the states the replicas are stuck in"
            )
    cluster_size = None
    if counted and flipped_at_therm >= 0 and done > therm:
        cluster_size = (flipped_now() - flipped_at_therm) / ((done - therm) * clusters)
    flips_per_ns = flips / (step_seconds * 1e9) if step_seconds > 0 else float("nan")
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
        flips_per_ns=flips_per_ns,
        sampler=type(sampler).__name__,
        method=sampler.method,
        implementation=sampler.implementation,
        warnings=warnings,
        series=(e, m) if keep_series else None,
        temperatures=ladder,
        per_temperature=per_t,
        exchange=exchange,
        acceptance_rate=acceptance,
        spins_flipped_per_ns=flips_per_ns if counted else None,
        clusters_per_sweep=sampler.clusters_per_sweep if counted else None,
        mean_cluster_size=cluster_size,
    )


def _quick(x) -> Estimate:
    from .stats import mean_estimate

    return mean_estimate(x)
