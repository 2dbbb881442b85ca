r"""What a sweep computes: its points, each point's seed and command line, its identity.

A sweep is a verb, a model, fixed parameter values, one axis per swept parameter
(``NAME=START:STOP:COUNT`` or a list ``NAME=8,12,16``), a number of seeds and the
verb's own options.  Each point (one value per axis and one seed index) runs as
the verb's command line with ``--seed S --json``, where ``S`` is
:func:`point_seed`: a hash of the sweep's seed, the point's parameters and the
seed index, so it does not depend on where or in which order the point runs.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field

from ..errors import UserError

VERBS = ("simulate", "validate", "solve", "exact")
SEEDED = ("simulate", "validate")  # verbs that take --seed; the others are deterministic
SEED_DIM = "seed"

# The verb's options a sweep sets itself or cannot pass on to every point.
_OWN = {"model", "assignments", "seed", "json", "help", "model_file"}
_REFUSED = {
    "output": "a sweep writes its results with --out STORE; -o/--output is for one point",
    "checkpoint": "a sweep resumes by itself (rerun the same command); --checkpoint is for one "
    "point",
    "checkpoint_every": "--checkpoint-every is for one point; a sweep resumes by itself",
    "format": "a sweep reads each point's JSON; --format is for one point",
}


@dataclass(frozen=True)
class Axis:
    """One swept parameter and its values, in the order given."""

    name: str
    values: tuple


@dataclass(frozen=True)
class Sweep:
    """A sweep: every point's command line follows from these fields.

    ``fixed`` maps the parameters given one value to that value; ``options`` are
    the verb's options as command-line tokens (``("--sweeps", "200")``);
    ``model_file`` is an absolute path or None.
    """

    verb: str
    model: str | None
    fixed: dict
    axes: tuple
    seeds: int = 1
    seed: int = 1
    options: tuple = ()
    model_file: str | None = None
    defaults: dict = field(default_factory=dict, compare=False)

    @property
    def shape(self) -> tuple:
        return (*(len(a.values) for a in self.axes), self.seeds)

    @property
    def dims(self) -> tuple:
        return (*(a.name for a in self.axes), SEED_DIM)

    @property
    def seeded(self) -> bool:
        return self.verb in SEEDED

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def indices(self):
        """Every point's index tuple, the first axis slowest, the seed fastest."""
        return itertools.product(*(range(n) for n in self.shape))

    def params(self, index) -> dict:
        """The swept parameters' values at ``index``."""
        return {a.name: a.values[i] for a, i in zip(self.axes, index[:-1], strict=True)}

    def point_seed(self, index) -> int | None:
        """The seed the point at ``index`` runs with (None for a deterministic verb)."""
        if not self.seeded:
            return None
        return point_seed(self.seed, {**self.fixed, **self.params(index)}, index[-1])

    def key(self, index) -> str:
        """A readable name of the point: ``L=8,T=2.1,seed=0``."""
        parts = [f"{k}={format_value(v)}" for k, v in self.params(index).items()]
        return ",".join([*parts, f"{SEED_DIM}={index[-1]}"])

    def argv(self, index) -> list[str]:
        """The point's command line, after ``statmech``: the verb run alone gives the
        same numbers."""
        values = {**self.fixed, **self.params(index)}
        tokens = [self.verb]
        if self.model is not None:
            tokens.append(self.model)
        tokens += [f"{k}={format_value(v)}" for k, v in values.items()]
        if self.model_file is not None:
            tokens += ["--model-file", self.model_file]
        tokens += list(self.options)
        if self.seeded:
            tokens += ["--seed", str(self.point_seed(index))]
        return [*tokens, "--json"]

    def identity(self) -> dict:
        """What makes two sweeps the same sweep (a store holds one)."""
        return {
            "verb": self.verb,
            "model": self.model,
            "model_file": self.model_file,
            "fixed": {k: self.fixed[k] for k in sorted(self.fixed)},
            "axes": [[a.name, list(a.values)] for a in self.axes],
            "seeds": self.seeds,
            "seed": self.seed if self.seeded else None,
            "options": list(self.options),
        }

    def rerun_hint(self) -> str:
        """The command line of one point, with its placeholders."""
        names = " ".join(f"{a.name}={{{a.name}}}" for a in self.axes)
        fixed = " ".join(f"{k}={format_value(v)}" for k, v in self.fixed.items())
        model = self.model or ""
        mf = f" --model-file {self.model_file}" if self.model_file else ""
        seed = " --seed {point_seed}" if self.seeded else ""
        opts = " ".join(self.options)
        words = ["statmech", self.verb, model, fixed, names + mf, opts + seed, "--json"]
        return " ".join(w.strip() for w in words if w.strip())


def format_value(v) -> str:
    """A value as command-line text that reads back as the same number."""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def canonical(params: dict) -> str:
    """A stable text for a point's parameters: sorted names, exact numbers."""
    return json.dumps({k: format_value(params[k]) for k in sorted(params)}, separators=(",", ":"))


def point_seed(sweep_seed: int, params: dict, replicate: int) -> int:
    """The seed of one point: NumPy's SeedSequence over the sweep's seed and a SHA-256
    of the point's parameters and seed index; a non-negative 63-bit integer."""
    import numpy as np

    text = f"{canonical(params)}|{int(replicate)}".encode()
    words = np.frombuffer(hashlib.sha256(text).digest(), dtype="<u4")
    ss = np.random.SeedSequence([int(sweep_seed), *(int(w) for w in words)])
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


# -- parsing --------------------------------------------------------------------------


def _model_info(verb: str, name: str | None, model_file: str | None):
    """The model (for its parameter names and defaults), or None when the verb handles
    the name itself (an experiment such as ``diffusion``)."""
    if model_file is not None:
        from ..api import model

        return model(name, file=model_file).definition
    from ..commands._associative import EXPERIMENTS
    from ..common import lookup_model

    if name in EXPERIMENTS:
        return None
    return lookup_model(name)


def parse_axes(model, texts) -> tuple[dict, list[Axis]]:
    """``NAME=VALUE``, ``NAME=START:STOP:COUNT`` and ``NAME=V1,V2,...`` into the fixed
    values and the axes (checked against ``model``'s parameters when it is known)."""
    from ..params import parse_assignment, validate_value

    integer = set()
    if model is not None and hasattr(model, "parameters"):
        integer = {p.name for p in model.parameters if getattr(p, "integer", False)}
    fixed, axes, seen = {}, [], set()
    for text in texts:
        if "=" not in text:
            raise UserError(
                f"expected NAME=VALUE, NAME=START:STOP:COUNT or NAME=V1,V2,..., got {text!r}"
            )
        name, _, value = text.partition("=")
        name = name.strip()
        if name in seen:
            raise UserError(f"{name} is given twice")
        seen.add(name)
        if "," in value:
            items = [v.strip() for v in value.split(",")]
            if any(not v for v in items):
                raise UserError(f"a list is NAME=V1,V2,... with no empty value, got {text!r}")
            values = tuple(parse_assignment(f"{name}={v}", integer).values[0] for v in items)
            is_axis = True
        else:
            a = parse_assignment(text, integer)
            values, is_axis = a.values, a.is_range
        if model is not None and hasattr(model, "parameter_names"):
            if name not in model.parameter_names:
                known = ", ".join(model.parameter_names)
                raise UserError(f"model {model.name!r} has no parameter {name!r}; it has: {known}")
            for v in values:
                validate_value(model, name, v)
        if not is_axis:
            fixed[name] = values[0]
            continue
        if len(set(values)) != len(values):
            raise UserError(f"the values of {name} repeat ({', '.join(map(format_value, values))})")
        if name == SEED_DIM:
            raise UserError(
                "a swept parameter named seed would clash with the sweep's seed dimension; "
                "give it one value"
            )
        axes.append(Axis(name, values))
    if not axes:
        raise UserError("a sweep needs at least one range NAME=START:STOP:COUNT or list NAME=A,B")
    return fixed, axes


def add_sweep_options(p, defaults: dict | None = None) -> None:
    """The sweep's own options (on ``statmech sweep`` and on each verb's parser)."""
    d = {"seeds": 1, "out": None, "scheduler": None, "workers": None, "timeout": 10.0}
    d.update(defaults or {})
    d.setdefault("plot", None)
    p.add_argument(
        "--seeds",
        type=int,
        default=d["seeds"],
        help="independent seeds per point (default 1); each point's seed is derived from "
        "--seed and its parameters",
    )
    p.add_argument(
        "--out",
        metavar="STORE",
        default=d["out"],
        help="write the results to STORE: a .zarr folder (as they arrive) or a .nc file "
        "(at the end); rerunning the same command fills in the missing points",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=d["scheduler"],
        help="an existing Dask scheduler (tcp://host:8786); default: a local cluster",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=d["workers"],
        help="worker processes of the local cluster (default: one per core)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=d["timeout"],
        metavar="SECONDS",
        help="seconds to wait for --scheduler to answer (default 10)",
    )
    p.add_argument(
        "--plot",
        metavar="FILE",
        default=d["plot"],
        help="draw the observables against the first swept parameter into FILE",
    )


SWEEP_DESTS = ("seeds", "out", "scheduler", "workers", "timeout", "plot")


def verb_parser(verb: str, defaults: dict | None = None):
    """The verb's own parser with the sweep's options added (they replace its --plot)."""
    from ..cli import build_parser

    root = build_parser()
    sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.choices[verb]
    p.prog = f"statmech sweep {verb}"
    for container in (p, *p._action_groups):
        container.conflict_handler = "resolve"  # the sweep's --plot replaces the verb's
    add_sweep_options(p, defaults)
    if not any(a.dest == "seed" for a in p._actions):
        p.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    return p


def option_tokens(p, ns) -> tuple:
    """The verb's options of ``ns`` that differ from their defaults, as tokens, in the
    parser's order (the same options give the same tokens however they were written)."""
    tokens = []
    for action in p._actions:
        dest = action.dest
        if not action.option_strings or dest in _OWN or dest in SWEEP_DESTS:
            continue
        value = getattr(ns, dest, None)
        if value == action.default:
            continue
        if dest in _REFUSED:
            raise UserError(_REFUSED[dest])
        flag = max(action.option_strings, key=len)
        if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
            tokens.append(flag)
        elif isinstance(action, argparse._StoreAction) and action.nargs is None:
            tokens += [flag, format_value(value) if isinstance(value, float) else str(value)]
        else:
            raise UserError(f"a sweep cannot pass on {flag}")
    return tuple(tokens)


def parse(verb: str, argv, defaults: dict | None = None) -> tuple[Sweep, dict]:
    """``MODEL NAME=... [options]`` after ``statmech sweep VERB``: the sweep and its own
    options (``seeds``, ``out``, ``scheduler``, ``workers``, ``timeout``, ``plot``)."""
    if verb not in VERBS:
        raise UserError(f"a sweep runs one of {', '.join(VERBS)}, got {verb!r}")
    p = verb_parser(verb, defaults)
    ns = p.parse_args(list(argv))
    own = {k: getattr(ns, k) for k in SWEEP_DESTS}
    name, model_file = ns.model, getattr(ns, "model_file", None)
    assignments = list(ns.assignments)
    if name is not None and "=" in name and model_file is not None:
        assignments.insert(0, name)  # NAME=VALUE taken for the optional MODEL
        name = None
    if name is None and model_file is None:
        raise UserError("the following arguments are required: model")
    if model_file is not None:
        model_file = os.path.abspath(model_file)
    model = _model_info(verb, name, model_file)
    fixed, axes = parse_axes(model, assignments)
    if own["seeds"] < 1:
        raise UserError(f"--seeds must be a positive integer, got {own['seeds']}")
    if own["seeds"] > 1 and verb not in SEEDED:
        raise UserError(f"{verb} is deterministic: --seeds must be 1, got {own['seeds']}")
    if ns.seed < 0:
        raise UserError(f"--seed must be a non-negative integer, got {ns.seed}")
    if own["workers"] is not None and own["workers"] < 1:
        raise UserError(f"--workers must be a positive integer, got {own['workers']}")
    if not own["timeout"] > 0:
        raise UserError(f"--timeout must be a positive number of seconds, got {own['timeout']}")
    defaults_ = {}
    if model is not None and hasattr(model, "parameters"):
        defaults_ = {p.name: p.default for p in model.parameters if p.default is not None}
    sweep = Sweep(
        verb=verb,
        model=name,
        fixed=fixed,
        axes=tuple(axes),
        seeds=own["seeds"],
        seed=ns.seed,
        options=option_tokens(p, ns),
        model_file=model_file,
        defaults={
            k: v for k, v in defaults_.items() if k not in fixed and k not in {a.name for a in axes}
        },
    )
    return sweep, own
