r"""``statmech exact MODEL [NAME=VALUE ...]``: exact numbers for a size and temperature.

The model's exact route (:mod:`statmech.numeric.exact`) decides: ``ising1d`` is
a ring of ``N`` spins when ``N`` is given (``--open`` for an open chain), the
infinite chain otherwise; ``ising2d`` is Kaufman's finite ``L x L`` torus when
``L`` is given, Onsager and Yang's infinite lattice otherwise (zero field; tori
of at most 25 sites are enumerated, in any field).  A model without a route is
summed over every configuration at its size (the default unless given) when it
is small enough.

JSON keys: ``energy_per_spin``, ``heat_capacity_per_spin``,
``free_energy_per_spin``, ``magnetization`` where defined, with the parameters
echoed; a range (``T=2.0:2.6:61``) gives a list of such objects under
``points``.  With ``--precision DIGITS`` the numbers are computed with mpmath
and written with that many significant digits.
"""

from __future__ import annotations

import json
import math

from ..api.capabilities import require_finite_system
from ..common import check_plot_path, lookup_model, save_plot, write_output
from ..errors import UserError

NAME = "exact"
HELP = "exact thermodynamics of a solvable model at given size and temperature"
ORDER = 3
EXAMPLES = (
    "statmech exact ising2d L=16 T=2.5",
    "statmech exact ising2d T=2.2691853 --precision 25",
    "statmech exact ising1d N=10 T=0.5:3:11 --format csv",
    "statmech exact ising1d N=7 J=-0.8 T=0.6 h=0.37 --json",
)


QUANTITIES = (
    "free_energy_per_spin",
    "energy_per_spin",
    "heat_capacity_per_spin",
    "magnetization",
    "susceptibility_per_spin",
    "abs_magnetization",
)


def add_arguments(p):
    p.add_argument("model", help="model name (see 'statmech models')")
    p.add_argument(
        "assignments",
        nargs="*",
        metavar="NAME=VALUE",
        help="parameters, e.g. T=2.5 L=16; a range is NAME=START:STOP:COUNT",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="machine-readable output (valid JSON: a non-finite number is written as null)",
    )
    p.add_argument(
        "--precision", type=int, metavar="DIGITS", help="compute with mpmath at DIGITS digits"
    )
    p.add_argument(
        "--open", action="store_true", help="open boundaries where offered (ising1d: an open chain)"
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default=None,
        help="text (default), json (as --json), or csv: one row per point",
    )
    p.add_argument("--plot", metavar="FILE", help="plot the quantities along a range")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")


def _number(v, digits):
    if digits:
        import mpmath

        if mpmath.isinf(v) or mpmath.isnan(v):
            return None
        return mpmath.nstr(v, digits, min_fixed=-5, max_fixed=8)
    v = float(v)
    return v if math.isfinite(v) else None


def _echo(v):
    """A parameter as the output echoes it: mpmath numbers (read from the decimal text
    under --precision) as floats, as without --precision."""
    if isinstance(v, (int, float, str)) or v is None:
        return v
    return float(v)


def _json(points, ranges, digits) -> str:
    raw = {}

    def encode(name, value):
        if digits and name in QUANTITIES and value is not None:
            key = f"@@{len(raw)}@@"  # the decimal digits, emitted as a JSON number
            raw[key] = value
            return key
        return value

    objs = [{k: encode(k, v) for k, v in pt.items()} for pt in points]
    data = {"points": objs} if ranges else objs[0]
    text = json.dumps(data, indent=2, allow_nan=False)
    for key, value in raw.items():
        text = text.replace(f'"{key}"', value)
    return text


def _table(points, names) -> str:
    cols = list(names)
    rows = [[("-" if pt.get(c) is None else str(pt[c])) for c in cols] for pt in points]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    line = "  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))
    body = ["  ".join(x.rjust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, *body])


def _plot(path, points, ranges, model_name):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_name = ranges[0].name
    shown = [
        q for q in ("energy_per_spin", "heat_capacity_per_spin", "magnetization") if q in points[0]
    ]
    fig, axes = plt.subplots(len(shown), 1, figsize=(6, 2.6 * len(shown)), sharex=True)
    axes = [axes] if len(shown) == 1 else axes
    xs = [float(pt[x_name]) for pt in points]
    for ax, q in zip(axes, shown, strict=True):
        ys = [float("nan") if pt.get(q) is None else float(pt[q]) for pt in points]
        ax.plot(xs, ys, ".-")
        ax.set_ylabel(q.replace("_", " "))
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel(x_name)
    axes[0].set_title(f"{model_name}: {points[0]['system']} (exact)")
    save_plot(fig, path, dpi=120)


def run(args) -> int:
    from .. import api
    from ..params import grid, parse_assignments, precise_points
    from . import _spin_glass

    if _spin_glass.wants(args):  # one spin-glass sample from couplings=FILE
        return _spin_glass.run_exact(args)
    model = lookup_model(args.model)
    require_finite_system(model, "exact")
    if args.json and args.format not in (None, "json"):
        raise UserError(
            f"--json and --format {args.format} ask for two formats; give one"
        )  # before its parameters: L= cannot be given
    if args.precision is not None and not 1 <= args.precision <= 1000:
        raise UserError(f"--precision must be between 1 and 1000 digits, got {args.precision}")
    fixed, ranges = parse_assignments(model, args.assignments)
    if args.plot and not ranges:
        raise UserError("--plot needs a range, such as T=2.0:2.6:61")
    if args.plot:
        check_plot_path(args.plot)
    given = {t.partition("=")[0].strip() for t in args.assignments}
    digits = args.precision
    boundary = "open" if args.open else None
    points = []
    # with --precision the numbers given are read as decimals, not rounded to doubles
    todo = grid(fixed, ranges)
    if digits:
        todo = precise_points(model, args.assignments, fixed, ranges, digits)
    for p in todo:
        point = {k: v for k, v in p.items() if k in given or k not in _sizes(model)}
        res = api.exact(model, point, precision=digits, boundary=boundary)
        pt = {k: _echo(v) for k, v in res.parameters.items()}
        pt["system"] = res.system
        pt.update({q: _number(v, digits) for q, v in res.values.items()})
        points.append(pt)
    if args.plot:
        _plot(args.plot, points, ranges, model.name)
    if args.json or args.format == "json":
        text = _json(points, ranges, digits)
    elif args.format == "csv":
        cols = list(dict.fromkeys(k for pt in points for k in pt))
        lines = [",".join(cols)]
        for pt in points:
            cells = ("" if pt.get(c) is None else str(pt[c]) for c in cols)
            lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
        text = "\n".join(lines)
    else:
        names = [r.name for r in ranges] or ["T"]
        names += [q for q in QUANTITIES if q in points[0]]
        head = f"{model.name}: {points[0]['system']}; " + ", ".join(
            f"{k}={v}"
            for k, v in points[0].items()
            if k in model.parameter_names and k not in names
        )
        text = head + "\n" + _table(points, names)
    write_output(text, args.output)
    return 0


def _sizes(model) -> tuple[str, ...]:
    from statmech.numeric.exact import size_names

    return size_names(model)
