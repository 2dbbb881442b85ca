r"""``statmech solve MODEL [NAME=VALUE ...]``: every mean-field solution, with its stability.

Ranges (``T=0.5:1.5:201``) make a grid.  ``--json`` prints
``{"points": [{PARAMS..., "solutions": [{"m", "stable", "equilibrium",
"free_energy", "stability"}, ...]}]}``; with ``--precision DIGITS`` the
solutions are polished in mpmath and every number is a string carrying all
its digits.  ``stable`` means a local minimum of the free energy (stable or
metastable); ``equilibrium`` marks the lowest.  ``free_energy`` is the
mean-field free energy per spin :math:`f` at the solution (for Curie-Weiss the
exact :math:`N \to \infty` limit of :math:`F/N`, where the :math:`J/(2N)`
constant of the each-pair-once convention has vanished).
"""

from __future__ import annotations

import sys

from ..api.analytic import (
    approximation_keys,
    check_mean_field_sign,
    exact_beside,
    mean_field_status,
    precise_items,
)
from ..common import check_plot_path, dump_json, lookup_model, save_plot, write_output
from ..errors import UserError

NAME = "solve"
HELP = "solve a model's mean-field self-consistency equations: every solution and its stability"
ORDER = 3
EXAMPLES = (
    "statmech solve curie-weiss T=0.8",
    "statmech solve bethe z=3 T=1:2:101 --format csv",
    "statmech solve curie-weiss T=0.9 h=0 --precision 30",
)


def add_arguments(p):
    p.add_argument("model", help="model name (curie-weiss, mean-field, bethe, ...)")
    p.add_argument(
        "assignments",
        nargs="*",
        metavar="NAME=VALUE",
        help="parameter values or ranges NAME=START:STOP:COUNT",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="machine-readable output (valid JSON: a non-finite number is written as null)",
    )
    p.add_argument("--plot", metavar="FILE", help="draw the solutions into FILE (png, pdf, svg)")
    p.add_argument(
        "--precision",
        type=int,
        metavar="DIGITS",
        help="polish every solution with mpmath to DIGITS significant digits",
    )
    p.add_argument("--samples", type=int, default=None, help="sample points of the unknown")
    p.add_argument("--backend", default="numpy", help="numpy or cupy")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default=None,
        help="text (default), json (as --json), or csv: one row per solution",
    )
    p.add_argument(
        "-o",
        "--output",
        help="write to FILE instead of standard output; FILE.npz writes the solution "
        "arrays (NumPy), FILE.csv one row per solution: for large grids",
    )


def _equations(model):
    from statmech.derive.meanfield import mean_field_equations

    try:
        return mean_field_equations(model)
    except NotImplementedError:
        raise UserError(f"model {model.name!r} has no mean-field equations") from None


def run(args) -> int:
    import numpy as np

    from statmech.params import parse_assignments

    model = lookup_model(args.model)
    from ._hopfield import solve_zero_temperature, wants_zero_temperature

    if wants_zero_temperature(model, args.assignments):  # T = 0 has its own equations
        return solve_zero_temperature(model, args)
    from . import _spin_glass

    if _spin_glass.wants_solve(model):  # the RS equations by the trapezoid rule in z
        return _spin_glass.run_solve(args)
    if model.hook("zero_temperature_equations") is not None:  # the AGS equations at T > 0
        from ._hopfield import solve_positive_temperature

        return solve_positive_temperature(model, args)
    eq = _equations(model)
    fixed, ranges = parse_assignments(model, args.assignments)
    names = eq.parameter_names
    for n in names:
        if n not in fixed and all(r.name != n for r in ranges):
            raise UserError(f"give a value for {n} (NAME=VALUE)")
    ranges = [r for r in ranges if r.name in names]
    status = mean_field_status(model, eq)
    for r in ranges:
        for v in (min(r.values), max(r.values)):
            check_mean_field_sign(model, {**fixed, r.name: v}, status)
    check_mean_field_sign(model, fixed, status)
    if args.precision is not None and args.precision < 1:
        raise UserError(f"--precision must be a positive number of digits, got {args.precision}")
    if args.samples is not None and args.samples < 3:
        raise UserError(f"--samples must be at least 3, got {args.samples}")
    kwargs = {} if args.samples is None else {"samples": args.samples}
    if args.plot:
        check_plot_path(args.plot)  # before solving, not after
    _format(args)  # a contradiction between --format, --json and -o FILE: before solving

    # the grid: ranges vary in the order given, the first slowest
    axes = [np.asarray(r.values, dtype=float) for r in ranges]
    mesh = np.meshgrid(*axes, indexing="ij") if axes else []
    values = {n: float(fixed[n]) for n in names if n not in {r.name for r in ranges}}
    values.update({r.name: g.reshape(-1) for r, g in zip(ranges, mesh, strict=True)})

    from statmech.numeric.backend import BackendUnavailable
    from statmech.numeric.solve import SolverError

    fmt = _format(args)
    try:
        if args.precision is not None:
            if fmt == "npz":
                raise UserError(
                    "--precision gives decimal strings of every digit; write them with "
                    "--json or --format csv, not to an .npz file"
                )
            data = _solve_precise(eq, args, fixed, ranges, kwargs)
        else:
            sol = _grid_float(eq, values, args, kwargs)
            large = sol.count.shape[0] > MAX_EXACT_BESIDE
            if (fmt == "npz" or (fmt == "csv" and large)) and not args.plot:  # no dicts
                _write_arrays(sol, eq, model, status, fixed, fmt, args.output)
                return 0
            data = _points(eq, sol)
    except (SolverError, BackendUnavailable) as exc:
        raise UserError(str(exc)) from None
    except (ValueError, NotImplementedError) as exc:
        raise UserError(str(exc)) from None
    beside = len(data) <= MAX_EXACT_BESIDE
    if beside:
        for point in data:
            found = exact_beside(model, {n: float(point[n]) for n in names}, status)
            if found is not None:
                point["exact"] = found
    if args.plot:
        _plot(eq, data, ranges, args.plot, fixed, status)
    if fmt == "npz":
        _write_arrays(sol, eq, model, status, fixed, fmt, args.output)
    elif fmt == "csv":
        write_output(_csv(data, names, status), args.output)
    elif fmt == "json":
        payload = {
            "model": model.name,
            "equations": eq.name,
            "unknown": eq.unknowns[0].name,
            "parameters": list(names),
            "points": data,
        }
        if eq.critical_temperature is not None:
            payload["T_c"] = _tc_value(eq, fixed, args.precision)
        payload.update(approximation_keys(status, fixed))
        if not beside and status["status"] == "approximation":
            payload["note"] += (
                f"; exact values are given beside grids of at most {MAX_EXACT_BESIDE} points"
            )
        write_output(dump_json(payload), args.output)
    else:
        write_output(_text(data, names, model, status, fixed), args.output)
    return 0


#: Grids of at most this many points get the exact value beside each point.
MAX_EXACT_BESIDE = 1000


def _tc_value(eq, fixed, digits):
    import sympy as sp

    subs = {p: sp.Rational(str(fixed[p.name])) for p in eq.parameters if p.name in fixed}
    value = eq.critical_temperature.subs(subs)
    if not (value.is_number and value.is_finite and value.is_real) or not value > 0:
        return None  # e.g. Bethe with z = 1, or a negative coupling: no transition
    if digits is None:
        return float(value)
    return str(sp.N(value, digits))


def _format(args) -> str:
    """``text``, ``json``, ``csv`` or ``npz``: from --format, --json and the output's suffix."""
    fmt = args.format or ("json" if args.json else None)
    if args.json and args.format not in (None, "json"):
        raise UserError(f"--json and --format {args.format} ask for two formats; give one")
    suffix = (args.output or "").rsplit(".", 1)[-1].lower() if "." in (args.output or "") else ""
    if suffix == "npz":
        if fmt not in (None, "npz"):
            raise UserError(f"{args.output} is an .npz file; --format {fmt} writes text")
        return "npz"
    if suffix == "csv" and fmt is None:
        return "csv"
    return fmt or "text"


def _grid_float(eq, values, args, kwargs):
    from statmech.numeric.solve import solve_grid

    return solve_grid(eq, values, backend=args.backend, **kwargs)


def _write_arrays(sol, eq, model, status, fixed, fmt, path):
    """The solutions of a float grid as arrays (``.npz``) or one CSV row per solution,
    straight from the solver's arrays (a 10^6-point grid in seconds)."""
    import numpy as np

    from statmech.numeric.solve import STABILITY_NAMES, STABLE

    n = sol.count.shape[0]
    params = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in sol.parameters.items()
    }
    if fmt == "npz":
        if not path:
            raise UserError("an .npz file needs -o FILE.npz")
        keys = approximation_keys(status, fixed)
        arrays = {f"param_{k}": params[k] for k in eq.parameter_names}
        arrays.update(
            m=sol.m,
            free_energy=sol.free_energy,
            curvature=sol.curvature,
            stability=sol.stability,
            equilibrium=sol.stability == STABLE,
            count=sol.count,
            x=sol.x,
        )
        arrays["stability_names"] = np.array([STABILITY_NAMES.get(i, "") for i in range(4)])
        arrays["meta"] = np.array(
            [f"model={model.name}", f"equations={eq.name}", f"unknown={eq.unknowns[0].name}"]
            + [f"{k}={v}" for k, v in keys.items()]
        )
        try:
            np.savez_compressed(path, **arrays)
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror}") from None
        return
    width = sol.m.shape[1] if sol.m.ndim > 1 else 0
    i, j = np.nonzero(np.arange(width)[None, :] < sol.count[:, None])
    cols = [params[k][i] for k in eq.parameter_names]
    codes = sol.stability[i, j]
    names = np.array([STABILITY_NAMES.get(c, "") for c in range(4)])[codes]
    head = [*eq.parameter_names, "solution", "m", "free_energy", "stability", "equilibrium"]
    rows = zip(*cols, j, sol.m[i, j], sol.free_energy[i, j], names, codes == STABLE, strict=True)
    tag = _csv_text(status["approximation"])
    lines = [",".join([*head, "approximation"])]
    lines += [",".join([*(_cell(v) for v in row), tag]) for row in rows]
    write_output("\n".join(lines), path)


def _cell(v) -> str:
    import numpy as np

    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def _csv_text(text: str) -> str:
    return f'"{text}"' if "," in text else text


def _csv(data, names, status) -> str:
    """One row per solution of the points (text or decimal strings as they are), with the
    approximation's name and the exact m beside it where the model has one."""
    head = [*names, "solution", "m", "free_energy", "stability", "equilibrium"]
    lines = [",".join([*head, "approximation", "exact_m"])]
    tag = _csv_text(status["approximation"])
    for point in data:
        exact = point.get("exact", {}).get("magnetization", "")
        for k, s in enumerate(point["solutions"]):
            eqm = s["equilibrium"]
            cells = [
                *(point[n] for n in names),
                k,
                s["m"],
                s["free_energy"],
                s["stability"],
                "" if eqm is None else str(bool(eqm)).lower(),
                tag,
                exact,
            ]
            lines.append(",".join(_cell(c) if not isinstance(c, str) else c for c in cells))
    return "\n".join(lines)


def _points(eq, sol):
    import numpy as np

    n = sol.count.shape[0]
    params = {k: np.broadcast_to(v, (n,)) for k, v in sol.parameters.items()}
    return [
        {**{k: float(params[k][i]) for k in eq.parameter_names}, "solutions": sol.point(i)}
        for i in range(n)
    ]


def _solve_precise(eq, args, fixed, ranges, kwargs):
    import itertools

    import mpmath

    from statmech.numeric.solve import solve_point_mp

    digits = args.precision
    # exact values: single values from their text, ranges recomputed in mpmath
    raw = {}
    for text in args.assignments:
        name, _, value = text.partition("=")
        raw[name.strip()] = value.strip()
    exact_fixed = {}
    for n in eq.parameter_names:
        exact_fixed[n] = raw.get(n, repr(fixed[n])) if ":" not in raw.get(n, "") else None
    axes = []
    for r in ranges:
        start, stop, count = raw[r.name].split(":")
        a, b, c = mpmath.mpf(start), mpmath.mpf(stop), int(float(count))
        with mpmath.workdps(digits + 15):
            pts = [a] if c == 1 else [a + (b - a) * i / (c - 1) for i in range(c)]
        axes.append(pts)
    out = []
    for combo in itertools.product(*axes) if axes else [()]:
        point = dict(exact_fixed)
        point.update({r.name: v for r, v in zip(ranges, combo, strict=True)})
        sols = solve_point_mp(eq, point, digits, **kwargs)

        def s(v):
            with mpmath.workdps(digits + 15):
                return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)

        entry = {n: s(point[n]) for n in eq.parameter_names}
        entry["solutions"] = precise_items(sols, eq, s)
        out.append(entry)
    return out


def _header(model, status, fixed) -> str:
    """The first line of every text output: which approximation, and how it stands."""
    keys = approximation_keys(status, fixed)
    line = f"{model.name}: {status['note']}"
    if keys.get("model_T_c") is not None:
        line += f"; the model's T_c = {keys['model_T_c']:.6g} ({keys['model_T_c_source']})"
    return line


#: Keys of a solution that the text line shows otherwise or not at all; the rest are
#: the other unknowns of a system (the spin glass's q).
_SHOWN = {
    "m",
    "x",
    "stable",
    "equilibrium",
    "free_energy",
    "stability",
    "curvature",
    "arithmetic",
    "hessian_eigenvalues",
}


def _parameter_text(value) -> str:
    """A parameter as the text output prints it: a float's repr (``3.0``, ``0.0``), and a
    ``--precision`` decimal string the same way, its given digits without the padding
    zeros (``3.0``, not ``3.000...`` to every digit asked for)."""
    if not isinstance(value, str):
        return str(value)
    mantissa, e, exponent = value.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0")
        mantissa += "0" if mantissa.endswith(".") else ""
    return mantissa + e + exponent


def _text(data, names, model, status, fixed) -> str:
    lines = [_header(model, status, fixed)]
    tag_name = status["approximation"]
    for point in data:
        head = " ".join(f"{n}={_parameter_text(point[n])}" for n in names)
        lines.append(head)
        for s in point["solutions"]:
            tag = s["stability"] + (", equilibrium" if s["equilibrium"] else "")
            more = "".join(f"  {k} = {v}" for k, v in s.items() if k not in _SHOWN)  # q, r, ...
            lines.append(f"  {tag_name}: m = {s['m']}{more}  f = {s['free_energy']}  ({tag})")
        exact = point.get("exact")
        if exact is not None and "magnetization" in exact:
            lines.append(f"  exact ({exact['system']}): m = {exact['magnetization']}")
        elif exact is not None:
            lines.append(f"  exact: no value here ({exact['reason']})")
    return "\n".join(lines)


def _plot(eq, data, ranges, path, fixed, status):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    colours = {"stable": "C0", "metastable": "C1", "unstable": "C3"}
    fig, ax = plt.subplots(figsize=(6, 4))
    if len(ranges) == 1:
        name = ranges[0].name
        for kind, colour in colours.items():
            xs = [float(p[name]) for p in data for s in p["solutions"] if s["stability"] == kind]
            ms = [float(s["m"]) for p in data for s in p["solutions"] if s["stability"] == kind]
            ax.plot(xs, ms, ".", ms=3, color=colour, label=kind)
        known = [p for p in data if "magnetization" in p.get("exact", {})]
        if known:
            xs = [float(p[name]) for p in known]
            ms = [p["exact"]["magnetization"] for p in known]
            ax.plot(xs, ms, "-", color="k", lw=1, label=f"exact ({known[0]['exact']['system']})")
        ax.set_xlabel(name)
        ax.set_ylabel("m")
        ax.legend()
    elif len(ranges) == 2:
        a, b = ranges
        grid = np.full((len(a.values), len(b.values)), np.nan)
        for k, p in enumerate(data):
            eqm = [float(s["m"]) for s in p["solutions"] if s["equilibrium"]]
            grid.flat[k] = np.mean(eqm) if eqm else np.nan  # coexistence: the average
        im = ax.imshow(
            grid.T,
            origin="lower",
            aspect="auto",
            extent=(a.values[0], a.values[-1], b.values[0], b.values[-1]),
            cmap="RdBu_r",
            vmin=-1,
            vmax=1,
        )
        fig.colorbar(im, label="equilibrium m (average where phases coexist)")
        ax.set_xlabel(a.name)
        ax.set_ylabel(b.name)
    else:
        from statmech.numeric.compile import compile_expression

        (x,) = eq.unknowns
        f = compile_expression(eq.free_energy, (x, *eq.parameters))
        args = [float(data[0][n]) for n in eq.parameter_names]
        grid_x = np.linspace(-0.999, 0.999, 801)
        ax.plot(grid_x, f(grid_x, *args), color="k", lw=1)
        for s in data[0]["solutions"]:
            xv = float(s.get(x.name, s["m"]))
            ax.plot([xv], [float(s["free_energy"])], "o", color=colours[s["stability"]])
        ax.set_xlabel(x.name)
        ax.set_ylabel("free energy per spin")
    varying = {r.name for r in ranges}
    shown = [f"{k}={v}" for k, v in fixed.items() if k in eq.parameter_names and k not in varying]
    what = eq.name if status["status"] != "approximation" else f"{eq.name} (approximation)"
    ax.set_title(f"{what}: " + ", ".join(shown), fontsize=9)
    save_plot(fig, path)
    print(f"wrote {path}", file=sys.stderr)
