"""Monte Carlo at one point, and validation against the exact values along ranges."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from .capabilities import require_finite_system
from .models import _definition, _given, _point


def _progress(progress, desc):
    """A context manager yielding a progress callback (or None)."""
    from contextlib import nullcontext

    from ..progress import progress_bar

    if progress is None or progress is False:
        return nullcontext(None)
    if progress is True:
        return progress_bar(True, desc=desc)
    return progress(desc)


def describe(params: dict) -> str:
    """``T=2.5 L=16``: parameters as the command line writes them."""
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def check_spelling(spelling) -> None:
    """``spelling`` names a way to write options (:data:`numeric.options.SPELLINGS`)."""
    from statmech.numeric.options import SPELLINGS

    if spelling not in SPELLINGS:
        raise UserError(f"spelling must be one of {', '.join(SPELLINGS)}, got {spelling!r}")


def check_counts(sweeps, replicas, every, seed, thermalize, flag: str = "") -> None:
    """The sampling options, in one sentence when wrong (``flag``: ``"--"`` names
    them as command-line options)."""
    if sweeps < 1:
        raise UserError(f"{flag}sweeps must be positive, got {sweeps}")
    if replicas < 1:
        raise UserError(f"{flag}replicas must be positive, got {replicas}")
    if every < 1 or every > sweeps:
        raise UserError(f"{flag}every must be between 1 and {flag}sweeps, got {every}")
    if seed < 0:
        raise UserError(f"{flag}seed must be a non-negative integer, got {seed}")
    if thermalize is not None and thermalize < 0:
        raise UserError(f"{flag}thermalize must be >= 0, got {thermalize}")


def check_memory(
    d, params, sweeps, replicas, every, max_memory, reference=False, spelling="keyword"
):
    """Refuse, before the sampler is built, a run that needs more memory than is
    available (or than ``max_memory``): :func:`statmech.numeric.limits.check_memory`."""
    from statmech.numeric.limits import MemoryLimit
    from statmech.numeric.limits import check_memory as check

    try:
        return check(d, params, replicas, sweeps, every, max_memory, reference, spelling)
    except MemoryLimit as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:  # a limit that is not an amount
        name = "max-memory" if spelling == "flag" else "max_memory"
        raise UserError(f"{name}: {exc}") from None
    except (KeyError, AttributeError, TypeError):
        return None  # no shape to estimate from: the sampler will say what is missing


def _run(d, params, options, progress, checkpoint=None, checkpoint_every=60.0, spelling="keyword"):
    from statmech.numeric.backend import BackendUnavailable
    from statmech.numeric.checkpoint import CheckpointError
    from statmech.numeric.samplers import SamplerUnavailable
    from statmech.numeric.simulation import simulate as run_simulation

    with _progress(progress, f"{d.name} {describe(params)}") as bar:
        try:
            res = run_simulation(
                d,
                params,
                **options,
                checkpoint=checkpoint,
                checkpoint_every=checkpoint_every,
                progress=bar,
                keep_series=True,  # for the checks of _with_checks
                spelling=spelling,
            )
        except (SamplerUnavailable, BackendUnavailable, CheckpointError) as exc:
            raise UserError(str(exc)) from None
        except ValueError as exc:  # a sampler refusing its parameters (a 1 x 1 lattice, ...)
            raise UserError(str(exc)) from None
    return _with_checks(res, spelling)


def _with_checks(res, spelling: str = "keyword"):
    """Add to the run's warnings what its series and estimates say about themselves:
    a drift between the halves of the measurements, a sampler that accepts almost
    nothing, a variance lost to rounding (:func:`statmech.numeric.observables.run_checks`),
    and a windowed autocorrelation time that binning or the replicas' spread contradicts."""
    from statmech.numeric.observables import LEGACY, run_checks

    if res.series is not None and res.temperatures is None:
        e, m = res.series
        res.warnings.extend(
            w for w in run_checks(e, m, float(res.params["T"]), spelling) if w not in res.warnings
        )
        res.series = None  # kept for the checks only
    for name, est in res.observables.items():
        note = getattr(est, "note", "")
        if note and name not in LEGACY:
            res.warnings.append(f"{name}: {note}")
    return res


def simulate(
    model,
    params: dict | None = None,
    *,
    sweeps: int = 10000,
    replicas: int = 16,
    seed: int = 1,
    algorithm: str = "metropolis",
    backend: str = "numpy",
    thermalize: int | None = None,
    every: int = 1,
    reference: bool = False,
    checkpoint: str | None = None,
    checkpoint_every: float = 60.0,
    progress=None,
    max_memory=None,
    spelling: str = "keyword",
    **kwargs,
):
    """Monte Carlo estimates with autocorrelation-aware error bars at one point.

    ``max_memory`` (bytes, or text such as ``"8G"``): refuse a run estimated to need
    more; by default the memory available on this machine is the limit.

    ``spelling``: how the warnings name an option they advise, as this function's
    keyword arguments (``"keyword"``: ``thermalize=400``) or as the command line's
    flags (``"flag"``: ``--thermalize 400``).

    ``progress``: True for a bar on standard error, or a callable
    ``desc -> context manager`` yielding a ``progress(done, total, running)``
    callback.  ``checkpoint``: save to and resume from that file.

    Returns
    -------
    statmech.numeric.simulation.SimulationResult
        ``observables`` maps a quantity to an estimate (``mean``, ``error``,
        ``tau_int``); ``to_dict()`` has the keys of ``statmech simulate --json``.
    """
    d = _definition(model)
    require_finite_system(d, "simulate")
    check_counts(sweeps, replicas, every, seed, thermalize)
    check_spelling(spelling)
    fixed, _ = _point(d, _given(params, kwargs))
    check_memory(d, fixed, sweeps, replicas, every, max_memory, reference, spelling)
    options = dict(
        sweeps=sweeps,
        replicas=replicas,
        seed=seed,
        backend=backend,
        algorithm=algorithm,
        thermalize=thermalize,
        every=every,
        reference=reference,
    )
    return _run(d, fixed, options, progress, checkpoint, checkpoint_every, spelling)


@dataclass(frozen=True)
class Validation:
    """Monte Carlo against the exact values, at one point or along ranges.

    ``comparisons`` (one :class:`statmech.numeric.compare.Comparison` per point)
    and ``simulations`` (their results) are in grid order; ``passed`` is true when
    every ``|z| <= max_z``.  ``to_dict()`` has the keys of ``statmech validate --json``.
    """

    model: str
    parameters: dict
    ranges: dict
    algorithm: str
    sweeps: int
    replicas: int
    seed: int
    max_z: float
    comparisons: tuple
    simulations: tuple = field(repr=False, default=())

    @property
    def rows(self) -> list[dict]:
        return [r.to_dict() for c in self.comparisons for r in c.rows]

    @property
    def reference(self) -> list[str]:
        """Where the exact values come from: the providers' modules (or exact enumeration)."""
        return sorted({c.source for c in self.comparisons})

    @property
    def method(self) -> list[str]:
        """How the exact values were found, in words (``"transfer matrix"``, ...)."""
        return sorted({c.method for c in self.comparisons})

    @property
    def largest_z(self) -> float:
        return max((c.largest_z for c in self.comparisons), default=0.0)

    @property
    def passed(self) -> bool:
        return all(c.passed(self.max_z) for c in self.comparisons)

    @property
    def warnings(self) -> list[tuple[dict, str]]:
        """``(varying parameters, warning)`` for every simulation warning."""
        varying = list(self.ranges)
        return [
            ({k: s.params[k] for k in varying}, w) for s in self.simulations for w in s.warnings
        ]

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            # a ranged parameter is under "ranges" only (not its unused default)
            "parameters": self.parameters,
            "ranges": self.ranges,
            "reference": self.reference,
            "method": self.method,
            "algorithm": self.algorithm,
            "sweeps": self.sweeps,
            "replicas": self.replicas,
            "seed": self.seed,
            "max_z": self.max_z,
            "rows": self.rows,
            "passed": self.passed,
        }

    def _repr_markdown_(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        head = (
            f"**{self.model}** {describe(self.parameters)}: {verdict}, largest |z| = "
            f"{self.largest_z:.2f} (threshold {self.max_z:g}); exact values by "
            f"{'; '.join(self.method)}"
        )
        varying = list(self.ranges)
        cols = [*varying, "quantity", "exact", "simulated", "error", "z"]
        lines = [head, "", "| " + " | ".join(cols) + " |", "|---" * len(cols) + "|"]
        for r in self.rows:
            cells = [f"{r[k]:.6g}" if isinstance(r[k], float) else str(r[k]) for k in cols]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)


def reference(model, params: dict | None = None, **kwargs) -> tuple[dict, str]:
    """The exact reference observables at one point and where they come from
    (the model's provider, or exact enumeration for a small system)."""
    d = _definition(model)
    require_finite_system(d, "validate")
    fixed, _ = _point(d, _given(params, kwargs))
    return _reference(d, fixed)


def _samplable(d, params) -> None:
    from statmech.numeric.samplers import SamplerUnavailable, compile_for_sampling

    try:
        compile_for_sampling(d, params)
    except SamplerUnavailable as exc:
        raise UserError(str(exc)) from None
    except (KeyError, ValueError):
        pass  # the sampler itself says what is wrong, in its own words


def _reference(d, params):
    from statmech.numeric.references import NoReference, reference_values
    from statmech.numeric.samplers import SamplerUnavailable

    try:
        return reference_values(d, params)
    except (NoReference, SamplerUnavailable) as exc:
        raise UserError(str(exc)) from None
    except (KeyError, ValueError) as exc:
        raise UserError(str(exc).strip("'\"")) from None


def validate(
    model,
    params: dict | None = None,
    *,
    sweeps: int = 10000,
    replicas: int = 16,
    seed: int = 1,
    algorithm: str = "metropolis",
    backend: str = "numpy",
    thermalize: int | None = None,
    every: int = 1,
    reference: bool = False,
    max_z: float = 4.0,
    progress=None,
    max_memory=None,
    spelling: str = "keyword",
    **kwargs,
) -> Validation:
    """Simulate and compare every quantity the exact reference knows (z-scores).

    A parameter given as a sequence (``T=[1.5, 2.0, 2.5]``) is a range; several
    ranges make a grid, the first varying slowest.  The exact values come from
    the model's provider, or from enumeration for at most 20 units; a point
    without either is refused before any simulation.  ``spelling`` as for
    :func:`simulate`.
    """
    from statmech.numeric.compare import compare

    from ..params import grid

    d = _definition(model)
    require_finite_system(d, "validate")
    check_counts(sweeps, replicas, every, seed, thermalize)
    check_spelling(spelling)
    if not max_z > 0:
        raise UserError(f"max_z must be positive, got {max_z}")
    fixed, ranges = _point(d, _given(params, kwargs), ranges=True)
    varying = [r.name for r in ranges]
    options = dict(
        sweeps=sweeps,
        replicas=replicas,
        seed=seed,
        backend=backend,
        algorithm=algorithm,
        thermalize=thermalize,
        every=every,
        reference=reference,
    )
    comparisons, simulations = [], []
    _samplable(d, fixed)  # before the exact values: a model without a sampler is refused first
    for point in grid(fixed, ranges):
        check_memory(d, point, sweeps, replicas, every, max_memory, reference, spelling)
    for point in grid(fixed, ranges):
        exact_values = _reference(d, point)  # before simulating: fail fast
        res = _run(d, point, options, progress, spelling=spelling)
        at = {k: point[k] for k in varying}
        comparison = compare(d, point, res, at, exact_values)
        if not comparison.rows:  # a check that checked nothing must not pass
            known = ", ".join(sorted(exact_values[0])) or "none"
            raise UserError(
                f"nothing to compare at {describe(point)}: the exact values from "
                f"{comparison.method} ({known}) name no quantity the simulation measured"
            )
        comparisons.append(comparison)
        simulations.append(res)
    return Validation(
        model=d.name,
        parameters={k: v for k, v in fixed.items() if k not in varying},
        ranges={r.name: list(r.values) for r in ranges},
        algorithm=algorithm,
        sweeps=sweeps,
        replicas=replicas,
        seed=seed,
        max_z=max_z,
        comparisons=tuple(comparisons),
        simulations=tuple(simulations),
    )
