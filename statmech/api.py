r"""The library face of ``statmech``: one surface for notebooks, scripts and the command line.

>>> import statmech as sm
>>> m = sm.model("ising2d")
>>> r = sm.exact(m, L=4, T=2.5)
>>> r.system, round(r["energy_per_spin"], 12)
('4 x 4 torus', -1.379116482259)

Every verb takes a model (a registered name, a :class:`ModelHandle`, or a
:class:`statmech.derive.model.Model`) and parameter values, either as keywords
(``T=2.5``) or as a dict (``params={"T": 2.5}``, for a parameter whose name
clashes with an option).  Parameters not given take the model's defaults.
Results are typed values with ``to_dict()``, whose keys are those of the
command line's ``--json``.  Bad input raises :class:`statmech.errors.UserError`
with a one-sentence reason; the command line prints that sentence.

See ``docs/api.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError

__all__ = [
    "Derivations",
    "ModelHandle",
    "Solution",
    "Validation",
    "derive",
    "exact",
    "load_model_file",
    "model",
    "models",
    "reference",
    "simulate",
    "solve",
    "validate",
]

# --------------------------------------------------------------------------
# Models


@dataclass(frozen=True)
class ModelHandle:
    """A model with the verbs attached: ``m.derive()``, ``m.exact(T=2.5)``, ...

    ``definition`` is the :class:`statmech.derive.model.Model` (or a derivation
    topic); its attributes (``name``, ``title``, ``parameters``, ...) read
    through the handle.
    """

    definition: object

    def __getattr__(self, name):
        if name.startswith("__") or name == "definition":
            raise AttributeError(name)
        return getattr(self.definition, name)

    def derive(self, check: bool = False) -> Derivations:
        return derive(self, check=check)

    def exact(self, params: dict | None = None, **kwargs):
        return exact(self, params, **kwargs)

    def solve(self, params: dict | None = None, **kwargs) -> Solution:
        return solve(self, params, **kwargs)

    def simulate(self, params: dict | None = None, **kwargs):
        return simulate(self, params, **kwargs)

    def validate(self, params: dict | None = None, **kwargs) -> Validation:
        return validate(self, params, **kwargs)

    def to_dict(self) -> dict:
        """The model's entry in ``statmech models --json``."""
        d = self.definition
        return {
            "name": d.name,
            "title": d.title,
            "summary": d.summary,
            "states": d.states.describe(),
            "coupling": d.coupling.kind,
            "parameters": [
                {"name": p.name, "description": p.description, "default": p.default}
                for p in d.parameters
            ],
            "supports": d.supports(),
        }

    def __repr__(self) -> str:
        return f"<model {self.definition.name!r}: {self.definition.title}>"

    def _repr_markdown_(self) -> str:
        d = self.definition
        lines = [f"**{d.name}**: {d.title}", "", d.summary]
        params = getattr(d, "parameters", ())
        if params:
            lines += ["", "| parameter | default | meaning |", "|---|---|---|"]
            lines += [f"| {p.name} | {p.default} | {p.description} |" for p in params]
        return "\n".join(lines)


def _definition(m):
    """The derive-level model behind ``m`` (a name, a handle or a model)."""
    if isinstance(m, ModelHandle):
        return m.definition
    if isinstance(m, str):
        from .common import lookup_model

        return lookup_model(m)
    if not hasattr(m, "parameters") or not hasattr(m, "hook"):
        raise UserError(f"expected a model or a model name, got {type(m).__name__}")
    return m


def model(name=None, file: str | Path | None = None) -> ModelHandle:
    """A model by name: a registered one, or one defined in ``file``.

    Parameters
    ----------
    name : str, optional
        The model's name (``"ising2d"``); may be left out when ``file``
        defines a single model.
    file : path, optional
        A Python file defining ``MODEL`` or ``MODELS`` (see :func:`load_model_file`).
    """
    if file is None:
        if name is None:
            raise UserError("give a model name (see statmech.models())")
        return ModelHandle(_definition(name))
    found = load_model_file(file)
    names = [h.definition.name for h in found]
    if name is None:
        if len(found) > 1:
            raise UserError(
                f"model file {file} defines several models ({', '.join(names)}); name one"
            )
        return found[0]
    for h in found:
        if h.definition.name == name:
            return h
    raise UserError(f"model file {file} has no model {name!r}; it defines: {', '.join(names)}")


def models() -> list[ModelHandle]:
    """Every registered model, by name."""
    from statmech.derive import all_models

    return [ModelHandle(m) for m in all_models()]


def load_model_file(path: str | Path) -> list[ModelHandle]:
    """The models a user's Python file defines, without changing the package.

    The file builds :class:`statmech.derive.model.Model` values and names them
    ``MODEL`` (one) or ``MODELS`` (a sequence); it runs as a module that is not
    ``__main__``.  A file that cannot be read, fails to run or defines no model
    is refused in one sentence.
    """
    import runpy

    from statmech.derive.model import Model

    p = Path(path)
    where = f"cannot load model file {path}"
    if not p.is_file():
        raise UserError(f"{where}: no such file")
    if p.suffix != ".py":
        raise UserError(f"{where}: expected a Python file ending in .py")
    try:
        namespace = runpy.run_path(str(p), run_name=f"statmech_model_file_{p.stem}")
    except SyntaxError as exc:
        raise UserError(f"{where}: syntax error at line {exc.lineno}: {exc.msg}") from None
    except (Exception, SystemExit) as exc:  # the user's code failed: say how, in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise UserError(
            f"{where}: {type(exc).__name__}" + (f": {first}" if first else "")
        ) from None
    if "MODELS" in namespace:
        found, label = namespace["MODELS"], "MODELS"
        if isinstance(found, Model) or not isinstance(found, (list, tuple)):
            raise UserError(f"{where}: MODELS must be a list or tuple of models")
    elif "MODEL" in namespace:
        found, label = (namespace["MODEL"],), "MODEL"
    else:
        raise UserError(f"{where}: it defines neither MODEL nor MODELS")
    if not found:
        raise UserError(f"{where}: MODELS is empty")
    for i, m in enumerate(found):
        if not isinstance(m, Model):
            at = label if label == "MODEL" else f"MODELS[{i}]"
            raise UserError(
                f"{where}: {at} is a {type(m).__name__}, not a statmech.derive.model.Model"
            )
    names = [m.name for m in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UserError(f"{where}: model {twice[0]!r} is defined twice")
    return [ModelHandle(m) for m in found]


def _given(params: dict | None, kwargs: dict) -> dict:
    given = dict(params or {})
    for k, v in kwargs.items():
        if k in given:
            raise UserError(f"{k} is given twice")
        given[k] = v
    return given


def _point(m, given: dict, ranges: bool = False):
    from .params import check_values

    return check_values(m, given, ranges=ranges)


# --------------------------------------------------------------------------
# Derivations


@dataclass(frozen=True)
class Derivations:
    """A model's derivations: renderings, checks, and the results as SymPy expressions.

    In Jupyter the value shows as Markdown with LaTeX equations.
    """

    model: object
    derivations: tuple

    @property
    def results(self) -> dict:
        """Every named result (``"F"``, ``"T_c"``, ...) as a SymPy expression."""
        from statmech.derive.render import results_of

        return results_of(self.derivations)

    def check(self) -> Derivations:
        """Check every step; raise :class:`statmech.derive.DerivationError` at one that
        does not follow."""
        from statmech.derive import check

        for d in self.derivations:
            check(d)
        return self

    def render(self, fmt: str = "text", check: bool = False) -> str:
        """``"text"``, ``"markdown"``, ``"latex"`` (a document) or ``"json"``."""
        from statmech.derive.render import FORMATS, render

        if fmt not in FORMATS:
            raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return render(self.model, list(self.derivations), fmt, check=check)

    def to_dict(self) -> dict:
        """The data of ``statmech derive MODEL --format json``."""
        from statmech.derive.render import to_json_data

        return to_json_data(self.model, list(self.derivations))

    def __str__(self) -> str:
        return self.render("text")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        from statmech.derive.render import latex_equation

        lines = [latex_equation(s) for d in self.derivations for s in d.steps]
        return (
            "$$\\begin{aligned}"
            + " \\\\ ".join(line.replace(" = ", " &= ", 1) for line in lines)
            + "\\end{aligned}$$"
        )


def derive(model, check: bool = False) -> Derivations:
    """The model's derivations, step by step (``check``: check every step first)."""
    from statmech.derive import DerivationError, derivations

    d = _definition(model)
    try:
        out = Derivations(d, tuple(derivations(d)))
    except NotImplementedError as exc:
        raise UserError(str(exc)) from None
    if check:
        try:
            out.check()
        except DerivationError as exc:
            raise UserError(f"check failed: {exc}") from None
    return out


# --------------------------------------------------------------------------
# Exact results


def exact(model, params: dict | None = None, *, precision=None, boundary=None, **kwargs):
    """Exact thermodynamics at one point (:func:`statmech.numeric.exact.exact`).

    Leave the size out for the thermodynamic limit, where the model's exact
    route offers it; a model without a route is summed over its configurations
    at the size given (small systems only).  ``precision`` digits give mpmath
    numbers; ``boundary="open"`` an open chain where offered.

    Returns
    -------
    statmech.numeric.exact.ExactResult
    """
    from statmech.numeric.exact import ExactUnavailable, size_names
    from statmech.numeric.exact import exact as exact_point

    d = _definition(model)
    given = _given(params, kwargs)
    fixed, _ = _point(d, given)
    for name in size_names(d):
        if name not in given:
            fixed.pop(name, None)  # no size: the thermodynamic limit
    try:
        return exact_point(d, fixed, precision=precision, boundary=boundary)
    except (ExactUnavailable, ValueError) as exc:
        raise UserError(str(exc)) from None


# --------------------------------------------------------------------------
# Mean-field solutions


@dataclass(frozen=True)
class Solution:
    """Every mean-field solution at one point, with its stability.

    ``solutions`` are dicts ``{"m", "stable", "equilibrium", "free_energy",
    "stability", "curvature"}``; ``to_dict()`` has the keys of
    ``statmech solve --json``.
    """

    model: str
    equations: str
    unknown: str
    parameters: dict
    solutions: tuple
    T_c: float | str | None = None
    has_critical_temperature: bool = field(default=False, repr=False)

    @property
    def equilibrium(self) -> list[dict]:
        """The solutions of lowest free energy (two where phases coexist)."""
        return [s for s in self.solutions if s["equilibrium"]]

    def to_dict(self) -> dict:
        out = {
            "model": self.model,
            "equations": self.equations,
            "unknown": self.unknown,
            "parameters": list(self.parameters),
            "points": [{**self.parameters, "solutions": list(self.solutions)}],
        }
        if self.has_critical_temperature:  # null where the formula gives no transition
            out["T_c"] = self.T_c
        return out


def solve(
    model,
    params: dict | None = None,
    *,
    precision: int | None = None,
    samples: int | None = None,
    backend: str = "numpy",
    **kwargs,
) -> Solution:
    """Every solution of the model's mean-field equations at one point, with its stability.

    ``precision`` digits polish each solution in mpmath (its numbers are then
    strings carrying all the digits, as in ``statmech solve --precision``).
    """
    import sympy as sp

    from statmech.derive.meanfield import mean_field_equations
    from statmech.numeric.backend import BackendUnavailable
    from statmech.numeric.solve import SolverError, solve_grid

    d = _definition(model)
    try:
        eq = mean_field_equations(d)
    except NotImplementedError:
        raise UserError(f"model {d.name!r} has no mean-field equations") from None
    fixed, _ = _point(d, _given(params, kwargs))
    names = eq.parameter_names
    for n in names:
        if n not in fixed:
            raise UserError(f"give a value for {n}")
    if precision is not None and precision < 1:
        raise UserError(f"precision must be a positive number of digits, got {precision}")
    if samples is not None and samples < 3:
        raise UserError(f"samples must be at least 3, got {samples}")
    extra = {} if samples is None else {"samples": samples}
    values = {n: float(fixed[n]) for n in names}
    try:
        if precision is None:
            sols = solve_grid(eq, values, backend=backend, **extra).point(0)
        else:
            sols = _precise(eq, {n: repr(values[n]) for n in names}, precision, extra)
    except (SolverError, BackendUnavailable, ValueError, NotImplementedError) as exc:
        raise UserError(str(exc)) from None
    tc = None
    if eq.critical_temperature is not None:
        subs = {p: sp.Rational(repr(values[p.name])) for p in eq.parameters if p.name in values}
        value = eq.critical_temperature.subs(subs)
        if value.is_number and value.is_finite and value.is_real:
            tc = float(value) if precision is None else str(sp.N(value, precision))
    point = values if precision is None else {n: _digits(repr(values[n]), precision) for n in names}
    return Solution(
        d.name,
        eq.name,
        eq.unknowns[0].name,
        point,
        tuple(sols),
        tc,
        eq.critical_temperature is not None,
    )


def _digits(v, digits: int) -> str:
    """``v`` written with ``digits`` significant digits (as ``statmech solve --precision``)."""
    import mpmath

    with mpmath.workdps(digits + 15):
        return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)


def _precise(eq, point, digits, extra):
    from statmech.numeric.solve import solve_point_mp

    def s(v):
        return _digits(v, digits)

    out = []
    for sol in solve_point_mp(eq, point, digits, **extra):
        item = {
            "m": s(sol["m"]),
            "stable": sol["stable"],
            "equilibrium": sol["equilibrium"],
            "free_energy": s(sol["free_energy"]),
            "stability": sol["stability"],
            "curvature": s(sol["curvature"]),
        }
        if eq.unknowns[0].name != "m":
            item[eq.unknowns[0].name] = s(sol["x"])
        out.append(item)
    return out


# --------------------------------------------------------------------------
# Simulation and validation


def _progress(progress, desc):
    """A context manager yielding a progress callback (or None)."""
    from contextlib import nullcontext

    from .progress import progress_bar

    if progress is None or progress is False:
        return nullcontext(None)
    if progress is True:
        return progress_bar(True, desc=desc)
    return progress(desc)


def describe(params: dict) -> str:
    """``T=2.5 L=16``: parameters as the command line writes them."""
    return " ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def _check_counts(sweeps, replicas, every, seed, thermalize):
    if sweeps < 1:
        raise UserError(f"--sweeps must be positive, got {sweeps}")
    if replicas < 1:
        raise UserError(f"--replicas must be positive, got {replicas}")
    if every < 1 or every > sweeps:
        raise UserError(f"--every must be between 1 and --sweeps, got {every}")
    if seed < 0:
        raise UserError(f"--seed must be a non-negative integer, got {seed}")
    if thermalize is not None and thermalize < 0:
        raise UserError(f"--thermalize must be >= 0, got {thermalize}")


def _run(d, params, options, progress, checkpoint=None, checkpoint_every=60.0):
    from statmech.numeric.backend import BackendUnavailable
    from statmech.numeric.checkpoint import CheckpointError
    from statmech.numeric.samplers import SamplerUnavailable
    from statmech.numeric.simulation import simulate as run_simulation

    with _progress(progress, f"{d.name} {describe(params)}") as bar:
        try:
            return run_simulation(
                d,
                params,
                **options,
                checkpoint=checkpoint,
                checkpoint_every=checkpoint_every,
                progress=bar,
            )
        except (SamplerUnavailable, BackendUnavailable, CheckpointError) as exc:
            raise UserError(str(exc)) from None
        except ValueError as exc:  # a sampler refusing its parameters (a 1 x 1 lattice, ...)
            raise UserError(str(exc)) from None


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
    **kwargs,
):
    """Monte Carlo estimates with autocorrelation-aware error bars at one point.

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
    _check_counts(sweeps, replicas, every, seed, thermalize)
    fixed, _ = _point(d, _given(params, kwargs))
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
    return _run(d, fixed, options, progress, checkpoint, checkpoint_every)


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
        return sorted({c.source for c in self.comparisons})

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
            f"{self.largest_z:.2f} (threshold {self.max_z:g}); exact values from "
            f"{', '.join(self.reference)}"
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
    fixed, _ = _point(d, _given(params, kwargs))
    return _reference(d, fixed)


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
    **kwargs,
) -> Validation:
    """Simulate and compare every quantity the exact reference knows (z-scores).

    A parameter given as a sequence (``T=[1.5, 2.0, 2.5]``) is a range; several
    ranges make a grid, the first varying slowest.  The exact values come from
    the model's provider, or from enumeration for at most 20 units; a point
    without either is refused before any simulation.
    """
    from statmech.numeric.compare import compare

    from .params import grid

    d = _definition(model)
    _check_counts(sweeps, replicas, every, seed, thermalize)
    if not max_z > 0:
        raise UserError(f"--max-z must be positive, got {max_z}")
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
    for point in grid(fixed, ranges):
        exact_values = _reference(d, point)  # before simulating: fail fast
        res = _run(d, point, options, progress)
        at = {k: point[k] for k in varying}
        comparisons.append(compare(d, point, res, at, exact_values))
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
