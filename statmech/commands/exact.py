r"""``statmech exact MODEL [NAME=VALUE ...]``: exact numbers for a size and temperature.

``ising1d``: a ring of ``N`` spins when ``N`` is given (``--open`` for an open
chain), the infinite chain otherwise.  ``ising2d``: Kaufman's finite ``L x L``
torus when ``L`` is given, Onsager and Yang's infinite lattice otherwise (zero
field; tori of at most 25 sites are enumerated, in any field).

JSON keys: ``energy_per_spin``, ``heat_capacity_per_spin``,
``free_energy_per_spin``, ``magnetization`` where defined, with the parameters
echoed; a range (``T=2.0:2.6:61``) gives a list of such objects under
``points``.  With ``--precision DIGITS`` the numbers are computed with mpmath
and written with that many significant digits.
"""

from __future__ import annotations

import json
import math

from ..common import check_plot_path, lookup_model, save_plot, write_output
from ..errors import UserError

NAME = "exact"
HELP = "exact thermodynamics of a solvable model at given size and temperature"
ORDER = 3

SOLVABLE = ("ising1d", "ising2d")
SIZE = {"ising1d": "N", "ising2d": "L"}
QUANTITIES = (
    "free_energy_per_spin",
    "energy_per_spin",
    "heat_capacity_per_spin",
    "magnetization",
    "susceptibility_per_spin",
    "abs_magnetization",
)


def add_arguments(p):
    p.add_argument("model", help=f"one of {', '.join(SOLVABLE)}")
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
    p.add_argument("--open", action="store_true", help="ising1d: an open chain, not a ring")
    p.add_argument("--plot", metavar="FILE", help="plot the quantities along a range")
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")


def _parse(model, texts):
    from ..params import grid, parse_assignments

    size = SIZE[model.name]
    given = {t.partition("=")[0].strip() for t in texts}
    fixed, ranges = parse_assignments(model, texts)
    if size not in given:
        fixed.pop(size, None)  # no size: the thermodynamic limit
    for r in ranges:
        if r.name == size and min(r.values) < 2:
            raise UserError(f"{size} must be at least 2, got {size}={min(r.values)}")
    if size in fixed and fixed[size] < 2:
        raise UserError(f"{size} must be at least 2, got {size}={fixed[size]}")
    return grid(fixed, ranges), ranges


def _chain(p, digits, open_chain):
    from statmech.numeric.ising_chain import chain_thermodynamics

    N = p.get("N")
    # mpmath always: the compiled derivatives cancel badly in float64 at low T
    r = chain_thermodynamics(
        N, p["T"], p["J"], p["h"], periodic=not open_chain, backend="mpmath", dps=digits or 17
    )
    return {k: (v if digits else float(v)) for k, v in r.items()}


def _square(p, digits):
    from statmech.numeric import ising_exact as ie

    L, T, J, h = p.get("L"), p["T"], p["J"], p["h"]
    if L is not None and L * L <= ie.MAX_TORUS_SITES and (h != 0 or not digits):
        from statmech.numeric.ising_dos import dos_observables, torus_dos

        g, nb = torus_dos(L, L)
        d = dos_observables(g, nb, T, J, h)
        keys = ("free_energy_per_spin", "energy_per_spin", "heat_capacity_per_spin")
        out = {k: d[k] for k in keys}
        out["magnetization"] = d["magnetization"]
        out["abs_magnetization"] = d["abs_magnetization"]
        if h == 0 and not digits:  # Kaufman's formula, the same numbers by another route
            k = ie.torus_thermodynamics(L, T, J)
            out.update({key: float(k[key]) for key in keys})
        return out
    if h != 0:
        raise UserError(
            f"the square lattice is solved exactly only at h=0 (got h={h}); "
            f"tori of at most {ie.MAX_TORUS_SITES} sites are enumerated in any field"
        )
    if L is None:
        if digits:
            return ie.onsager_thermodynamics_mp(T, J, digits)
        return {k: float(v) for k, v in ie.onsager_thermodynamics(T, J).items()}
    if digits:
        r = ie.torus_thermodynamics_mp(L, T, J, dps=digits)
    else:
        r = {k: float(v) for k, v in ie.torus_thermodynamics(L, T, J).items()}
    return {k: v for k, v in r.items() if k != "log_Z"}


def evaluate(model_name: str, p: dict, digits=None, open_chain=False) -> dict:
    if model_name == "ising1d":
        return _chain(p, digits, open_chain)
    return _square(p, digits)


def _system(model_name, p, open_chain):
    if model_name == "ising1d":
        if p.get("N") is None:
            return "infinite chain"
        return f"{'open chain' if open_chain else 'ring'} of {p['N']} spins"
    if p.get("L") is None:
        return "infinite square lattice"
    return f"{p['L']} x {p['L']} torus"


def _number(v, digits):
    if digits:
        import mpmath

        if mpmath.isinf(v) or mpmath.isnan(v):
            return None
        return mpmath.nstr(v, digits, min_fixed=-5, max_fixed=8)
    v = float(v)
    return v if math.isfinite(v) else None


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
    model = lookup_model(args.model)
    if model.name not in SOLVABLE:
        raise UserError(
            f"model {model.name!r} has no exact solution here; "
            f"exact results exist for {', '.join(SOLVABLE)}"
        )
    if args.precision is not None and not 1 <= args.precision <= 1000:
        raise UserError(f"--precision must be between 1 and 1000 digits, got {args.precision}")
    if args.open and model.name != "ising1d":
        raise UserError("--open applies to ising1d only")
    params, ranges = _parse(model, args.assignments)
    if args.plot and not ranges:
        raise UserError("--plot needs a range, such as T=2.0:2.6:61")
    if args.plot:
        check_plot_path(args.plot)
    digits = args.precision
    points = []
    for p in params:
        values = evaluate(model.name, p, digits, args.open)
        pt = {k: v for k, v in p.items()}
        pt["system"] = _system(model.name, p, args.open)
        pt.update({q: _number(values[q], digits) for q in QUANTITIES if q in values})
        points.append(pt)
    if args.plot:
        _plot(args.plot, points, ranges, model.name)
    if args.json:
        text = _json(points, ranges, digits)
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
