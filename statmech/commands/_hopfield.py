"""``statmech solve hopfield``: the AGS equations of the Hopfield network, at T = 0 and T > 0.

The model declares ``T`` positive; at ``T = 0`` its replica-symmetric equations are
the zero-temperature ones in ``(m, C, r)`` (``zero_temperature_equations``), with
``q = 1``.  Every output carries the storage capacity ``alpha_c`` and the overlap
``m_c`` at it (``--precision DIGITS`` gives them as decimal strings of that many
digits).  At ``T > 0`` every solution in ``(m, q, r)`` (retrieval, spin glass,
paramagnet) with its stability and free energy comes from
:func:`statmech.numeric.hopfield.ags.solutions` (a second or less per point);
``--precision`` polishes them in mpmath (:func:`~statmech.numeric.hopfield.ags_precise.precise`).
"""

from __future__ import annotations

from ..errors import UserError


def wants_zero_temperature(model, texts) -> bool:
    """True for ``T=0`` given to a model with T = 0 equations; a T range through 0 is refused."""
    from ..params import parse_assignment

    if not any(name == "zero_temperature_equations" for name, _ in model.hooks):
        return False
    for text in texts:
        if text.partition("=")[0].strip() != "T":
            continue
        a = parse_assignment(text)
        if 0.0 in a.values:
            if a.is_range:
                raise UserError(
                    "T = 0 has its own equations; give T=0 alone, or a range of positive T"
                )
            return True
    return False


def _parameters(model, texts) -> list[float] | None:
    """The loads asked for (None: none given)."""
    from ..params import parse_assignment

    alphas = None
    for text in texts:
        a = parse_assignment(text)
        if a.name == "T":
            continue
        if a.name != "alpha":
            raise UserError(f"at T = 0 the {model.name} equations take only alpha, got {a.name}")
        for v in a.values:
            if not v == v or v in (float("inf"), float("-inf")):
                raise UserError(f"alpha must be a finite number, got alpha={v}")
            if v < 0:
                raise UserError(f"the load alpha = P/N must be non-negative, got alpha={v}")
            if v == 0:
                raise UserError(
                    "at alpha = 0 the retrieval state is m = 1 exactly; give a positive alpha"
                )
        alphas = list(a.values)
    return alphas


def solve_zero_temperature(model, args) -> int:
    """The ``solve`` command at T = 0 (see the module docstring)."""
    import mpmath

    from statmech.derive.hopfield_replica import ags_zero_temperature_equations
    from statmech.numeric.hopfield.theory import (
        capacity,
        retrieval,
        zero_temperature_solutions,
    )
    from statmech.numeric.solve import SolverError

    from ..api.analytic import approximation_keys, mean_field_status
    from ..common import dump_json, write_output

    if args.plot or args.format == "csv" or (args.output or "").endswith((".npz", ".csv")):
        raise UserError("at T = 0 solve writes text or --json only")
    if args.precision is not None and args.precision < 1:
        raise UserError(f"--precision must be a positive number of digits, got {args.precision}")
    eq = ags_zero_temperature_equations(model)
    alphas = _parameters(model, args.assignments)
    digits = args.precision
    cap = capacity(max(30, (digits or 0) + 5))

    def num(v):
        if digits is None:
            return float(v)
        with mpmath.workdps(digits + 15):
            return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)

    points = []
    try:
        for a in alphas or []:
            sols = zero_temperature_solutions(a)
            found = retrieval(sols)
            keys = ("m", "q", "r", "C", "stability", "free_energy")
            point = {"T": 0.0, "alpha": a, "solutions": sols}
            point["retrieval"] = None if found is None else {k: found[k] for k in keys}
            points.append(point)
    except (SolverError, ValueError) as exc:
        raise UserError(str(exc)) from None
    status = mean_field_status(model, eq)
    payload = {
        "model": model.name,
        "equations": eq.name,
        "unknown": "m",
        "parameters": ["T", "alpha"],
        "points": points,
        "alpha_c": num(cap["alpha_c"]),
        "m_c": num(cap["m_c"]),
        "capacity": "alpha_c = max_y alpha(y), m_c = erf(y_c), in mpmath",
    }
    payload.update(approximation_keys(status, {"T": 0.0}))
    if args.json or args.format == "json":
        write_output(dump_json(payload), args.output)
        return 0
    lines = [
        f"{model.name} at T = 0 ({eq.name}): alpha_c = {payload['alpha_c']}, "
        f"m at alpha_c = {payload['m_c']}"
    ]
    for p in points:
        got = p["retrieval"]
        lines.append(
            f"alpha={p['alpha']}: "
            + ("no retrieval solution" if got is None else f"retrieval m = {got['m']:.10g}")
        )
        for s in p["solutions"]:
            tag = s["stability"] + (", equilibrium" if s["equilibrium"] else "")
            lines.append(
                f"  m = {s['m']:.10g}  C = {s['C']:.10g}  r = {s['r']:.10g}  "
                f"e = {s['free_energy']:.10g}  ({tag})"
            )
    write_output("\n".join(lines), args.output)
    return 0


# --------------------------------------------------------------------------
# solve hopfield at T > 0

EQUATIONS = "Amit-Gutfreund-Sompolinsky (replica symmetric)"

#: The keys of one T > 0 solution, in output order (numbers written by ``num``).
SOLUTION_KEYS = ("m", "q", "r", "free_energy", "curvature", "qr_determinant", "replicon")


def _grid(model, texts) -> list[dict]:
    """The (T, alpha) points asked for, T > 0 (defaults from the model), first name slowest."""
    import math

    from ..params import parse_assignment

    values = {p.name: [p.default] for p in model.parameters if p.name in ("T", "alpha")}
    order = []
    for text in texts:
        a = parse_assignment(text)
        if a.name not in ("T", "alpha"):
            raise UserError(f"the {model.name} AGS equations take T and alpha, got {a.name}")
        if a.name in order:
            raise UserError(f"{a.name} is given twice; give it once (a range is START:STOP:COUNT)")
        for v in a.values:
            if not math.isfinite(v):
                raise UserError(f"{a.name} must be a finite number, got {a.name}={v}")
        if a.name == "T" and min(a.values) <= 0:
            raise UserError(f"temperature must be positive (or T=0 alone), got T={min(a.values)}")
        if a.name == "alpha" and min(a.values) < 0:
            raise UserError(f"the load alpha = P/N must be non-negative, got alpha={min(a.values)}")
        if a.name == "alpha" and min(a.values) == 0:
            raise UserError("at alpha = 0 the theory is the finite-load one; give a positive alpha")
        values[a.name] = list(a.values)
        order.append(a.name)
    order += [n for n in ("T", "alpha") if n not in order]
    first, second = order
    return [{first: u, second: v} for u in values[first] for v in values[second]]


def positive_temperature_payload(model, texts, digits: int | None) -> dict:
    """The ``solve --json`` payload at T > 0 for the assignments ``texts``."""
    import mpmath

    from statmech.numeric.hopfield import ags, ags_precise

    from ..api.analytic import approximation_keys, mean_field_status

    if digits is not None and digits < 1:
        raise UserError(f"--precision must be a positive number of digits, got {digits}")
    points = []

    def num(v):
        if digits is None:
            return float(v)
        with mpmath.workdps(digits + 15):
            return mpmath.nstr(mpmath.mpf(v), digits, strip_zeros=False)

    try:
        for point in _grid(model, texts):
            T, alpha = float(point["T"]), float(point["alpha"])
            sols = (
                ags.solutions(T, alpha) if digits is None else ags_precise.precise(T, alpha, digits)
            )
            items = []
            for s in sols:
                item = {"kind": s["kind"], **{k: num(s[k]) for k in SOLUTION_KEYS}}
                for k in ("stable", "equilibrium", "stability", "replica_symmetric"):
                    item[k] = s[k]
                items.append(item)
            found = [i for i, s in enumerate(sols) if s["kind"] == "retrieval" and s["stable"]]
            best = max(found, key=lambda i: sols[i]["m"], default=None)
            points.append(
                {
                    "T": T,
                    "alpha": alpha,
                    "T_g": 1 + alpha**0.5,
                    "solutions": items,
                    "retrieval": None if best is None else items[best],
                }
            )
    except (ags.Undecided, ArithmeticError, ValueError) as exc:
        raise UserError((str(exc) or type(exc).__name__).splitlines()[0]) from None
    status = mean_field_status(model, model.hook("mean_field_equations")(model))
    payload = {
        "model": model.name,
        "equations": EQUATIONS,
        "unknown": "m",
        "parameters": ["T", "alpha"],
        "points": points,
        "stability": "a saddle in the conjugate pair (q, r) and a minimum in m with (q, r) "
        "at their stationary values (one negative Hessian eigenvalue, in the (q, r) block); "
        "replica_symmetric: the replicon (quoted, AGS 1987) is positive",
    }
    payload.update(approximation_keys(status, {"T": points[0]["T"]}))
    return payload


def solve_positive_temperature(model, args) -> int:
    """The ``solve`` command at T > 0 (see the module docstring)."""
    from ..common import dump_json, write_output

    if args.plot or args.format == "csv" or (args.output or "").endswith((".npz", ".csv")):
        raise UserError(f"solve {model.name} writes text or --json only")
    digits = args.precision
    payload = positive_temperature_payload(model, args.assignments, digits)
    points = payload["points"]
    eq_name = EQUATIONS
    if args.json or args.format == "json":
        write_output(dump_json(payload), args.output)
        return 0
    lines = []
    for p in points:
        lines.append(f"{model.name} at T={p['T']:g}, alpha={p['alpha']:g} ({eq_name}):")
        for s in p["solutions"]:
            tag = s["stability"] + ("" if s["replica_symmetric"] else ", replica symmetry broken")
            lines.append(
                f"  {s['kind']:<10}  m = {s['m']:<.10g}  q = {s['q']:<.10g}  r = {s['r']:<.10g}"
                f"  f = {s['free_energy']:<.10g}  ({tag})"
                if digits is None
                else f"  {s['kind']:<10}  m = {s['m']}  q = {s['q']}  r = {s['r']}"
                f"  f = {s['free_energy']}  ({tag})"
            )
    write_output("\n".join(lines), args.output)
    return 0


def api_solution(d, fixed: dict, precision: int | None):
    """:func:`statmech.api.solve` of the Hopfield model at one point ``fixed`` (T > 0):
    a :class:`~statmech.api.analytic.Solution` of the T > 0 solver's solutions."""
    from ..api.analytic import Solution, mean_field_status

    texts = [f"{n}={float(fixed[n])!r}" for n in ("T", "alpha") if fixed.get(n) is not None]
    point = positive_temperature_payload(d, texts, precision)["points"][0]
    status = mean_field_status(d, d.hook("mean_field_equations")(d))
    return Solution(
        d.name,
        EQUATIONS,
        "m",
        {"T": point["T"], "alpha": point["alpha"]},
        tuple(point["solutions"]),
        None,
        False,
        status,
        None,
    )


# --------------------------------------------------------------------------
# simulate hopfield: retrieval by the asynchronous dynamics

#: The names ``simulate hopfield`` takes for a retrieval run, with their defaults.
RETRIEVAL_NAMES = {
    "N": 1000,
    "alpha": 0.05,
    "T": 0.0,
    "m0": 1.0,
    "networks": 8,
    "starts": 4,
    "sweeps": 100,
    "patterns": None,
}


def wants_retrieval(args) -> bool:
    """``simulate hopfield`` with ``alpha=``, ``patterns=`` or ``T=0``: a retrieval run of
    the asynchronous dynamics (the sampler needs T > 0 and a finite P)."""
    if args.model != "hopfield":
        return False
    names = {t.partition("=")[0].strip(): t.partition("=")[2].strip() for t in args.assignments}
    if "alpha" in names or "patterns" in names:
        return True
    try:
        return "T" in names and float(names["T"]) == 0.0
    except ValueError:
        return False


def _retrieval_parameters(args) -> dict:
    import math

    out = dict(RETRIEVAL_NAMES)
    given = set()
    for text in args.assignments:
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in RETRIEVAL_NAMES:
            known = ", ".join(RETRIEVAL_NAMES)
            raise UserError(f"a retrieval run of hopfield takes {known}; got {text!r}")
        given.add(name)
        if name == "patterns":
            out[name] = value
            continue
        try:
            v = float(value)
        except ValueError:
            raise UserError(f"{name} must be a number, got {value!r}") from None
        if not math.isfinite(v):
            raise UserError(f"{name} must be finite, got {value!r}")
        if name in ("N", "networks", "starts", "sweeps"):
            if v != int(v) or v < 1:
                raise UserError(f"{name} must be a positive integer, got {value!r}")
            v = int(v)
        out[name] = v
    if out["alpha"] < 0:
        raise UserError(f"the load alpha = P/N must be non-negative, got alpha={out['alpha']}")
    if out["T"] < 0:
        raise UserError(f"temperature must be zero or positive, got T={out['T']}")
    if not -1.0 <= out["m0"] <= 1.0:
        raise UserError(f"the initial overlap m0 lies in [-1, 1], got m0={out['m0']}")
    if out["patterns"] is not None and given & {"N", "alpha"}:
        raise UserError("patterns= fixes N and P; leave out N= and alpha=")
    return out


def simulate_retrieval(args) -> int:
    """Final overlap of the T = 0 (or Glauber) dynamics from stored patterns or cues."""
    import numpy as np

    from statmech.numeric.hopfield import experiments as ex
    from statmech.numeric.hopfield.theory import retrieval, zero_temperature_solutions

    from ..common import dump_json, write_output

    p = _retrieval_parameters(args)
    seed = args.seed
    try:
        if p["patterns"] is not None:
            xi = ex.user_patterns(p["patterns"])
            P, N = xi.shape
            rng = np.random.default_rng(seed)
            flip = rng.random(xi.shape) < (1.0 - p["m0"]) / 2
            got = ex.recall(xi, np.where(flip, -xi, xi), T=p["T"], sweeps=p["sweeps"], seed=seed)
            cued = got["overlaps"][np.arange(P), np.arange(P)]
            res = {
                "patterns": p["patterns"],
                "N": N,
                "P": P,
                "alpha": P / N,
                "m": float(cued.mean()),
                "m_per_pattern": cued.tolist(),
                "recalled_exactly": int((got["recalled"] == xi).all(axis=1).sum()),
                "nearest_pattern": got["nearest"].tolist(),
            }
        else:
            kw = dict(networks=p["networks"], starts=p["starts"], T=p["T"], sweeps=p["sweeps"])
            if p["m0"] == 1.0:
                res = ex.retrieval_overlap(p["N"], p["alpha"], seed=seed, **kw)
            else:
                b = ex.basin(p["N"], p["alpha"], [p["m0"]], seed=seed, **kw)
                res = {"N": p["N"], "P": b["P"], "alpha": b["P"] / p["N"], "T": p["T"]}
                res.update(m=float(b["final"][0]), m_err=float(b["final_err"][0]))
            if p["T"] == 0 and p["m0"] == 1.0 and res["alpha"] > 0:
                ags = retrieval(zero_temperature_solutions(res["alpha"]))
                res["m_theory"] = None if ags is None else ags["m"]
                res["theory"] = "replica-symmetric AGS at T = 0, N -> infinity"
    except ValueError as exc:
        raise UserError(str(exc)) from None
    res.update(T=p["T"], m0=p["m0"], seed=seed)
    if args.json:
        write_output(dump_json(res), args.output)
        return 0
    head = f"hopfield retrieval: N={res['N']} P={res['P']} alpha={res['alpha']:.6g} T={p['T']}"
    lines = [head + f" from overlap m0={p['m0']}"]
    err = res.get("m_err")
    lines.append(f"final overlap m = {res['m']:.6g}" + (f" +- {err:.2g}" if err else ""))
    if "m_theory" in res:
        lines.append(f"theory ({res['theory']}): m = {res['m_theory']}")
    write_output("\n".join(lines), args.output)
    return 0
