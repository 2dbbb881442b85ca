"""``statmech solve hopfield T=0 [alpha=...]``: the T = 0 equations of the Hopfield network.

The model declares ``T`` positive; at ``T = 0`` its replica-symmetric equations are
the zero-temperature ones in ``(m, C, r)`` (``zero_temperature_equations``), with
``q = 1``.  Every output carries the storage capacity ``alpha_c`` and the overlap
``m_c`` at it (``--precision DIGITS`` gives them as decimal strings of that many
digits).
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
