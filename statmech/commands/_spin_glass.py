r"""Spin-glass routes of ``exact``, ``validate`` and ``simulate``: one sample's couplings
from a file (``couplings=J.npy``, a symmetric N x N matrix, the :math:`J_{ij}` of
:math:`H = -\sum_{i<j}J_{ij}s_is_j - h\sum_i s_i`) or drawn from the model's seed, exact
enumeration (N <= 24) and parallel tempering with two real replicas
(:mod:`statmech.numeric.spin_glass`)."""

from __future__ import annotations

import json
import math
import sys

from ..errors import UserError

MODELS = ("sk", "ea", "ea2d", "ea3d")
ALIASES = {"ea3d": "ea"}


def _couplings_text(assignments) -> tuple[str | None, list[str]]:
    path, rest = None, []
    for a in assignments:
        if a.startswith("couplings="):
            path = a.split("=", 1)[1]
            if not path:
                raise UserError("couplings= needs a file name (a .npy, .npz or text matrix)")
        else:
            rest.append(a)
    return path, rest


def wants(args) -> bool:
    """A spin-glass model given ``couplings=FILE``, a PT ladder (``--temperatures``) or
    disorder samples (``--samples``: their averages come from parallel tempering)."""
    if args.model not in MODELS:
        return False
    if any(a.startswith("couplings=") for a in args.assignments):
        return True
    return any(getattr(args, a, None) is not None for a in ("temperatures", "samples"))


def _values(args) -> tuple[dict, str | None, object]:
    """Parameters (floats), the couplings file (or None) and the model."""
    from statmech.params import parse_assignments

    from ..common import lookup_model

    model = lookup_model(ALIASES.get(args.model, args.model))
    path, rest = _couplings_text(args.assignments)
    fixed, ranges = parse_assignments(model, rest)
    if ranges:
        raise UserError(f"give single values here, not a range ({ranges[0].name})")
    return {k: float(v) for k, v in fixed.items()}, path, model


def sample_couplings(model, values: dict, path: str | None, seed_offset: int = 0):
    import numpy as np

    from statmech.numeric import spin_glass as sg

    if path is not None:
        try:
            return sg.load_couplings(path)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    params = {k: v for k, v in values.items() if k not in ("T", "seed")}
    n = values.get("N", values.get("L", 0) ** (3 if model.name == "ea" else 2))
    if model.name == "sk" and n > 4096:
        raise UserError(f"N = {int(n)} is too large for a dense coupling matrix here")
    k = sg.model_couplings(model.name, params, int(values.get("seed", 0)) + seed_offset)
    return np.asarray(k)


def _enumerate(k, temps, h):
    from statmech.numeric import spin_glass as sg

    try:
        return sg.enumerate_exact(k, temps, h=h)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def run_exact(args) -> int:
    from statmech.numeric import spin_glass as sg

    values, path, model = _values(args)
    k = sample_couplings(model, values, path)
    n = k.shape[0]
    if n > sg.MAX_EXACT_N:
        raise UserError(
            f"exact enumeration sums 2^N states and stops at N = {sg.MAX_EXACT_N}; N = {n} "
            "is too large (use statmech simulate)"
        )
    t = values["T"]
    ex = _enumerate(k, [t], values.get("h", 0.0))
    row = {
        "model": model.name,
        "N": n,
        "T": t,
        "h": values.get("h", 0.0),
        "couplings": path or f"seed {int(values.get('seed', 0))}",
        "free_energy_per_spin": float(ex["f"][0]),
        "energy_per_spin": float(ex["e"][0]),
        "heat_capacity_per_spin": float(ex["c"][0]),
        "abs_magnetization": float(ex["abs_m"][0]),
        "q2": float(ex["q2"][0]),
        "ground_state_energy_per_spin": float(ex["e_ground"]),
    }
    if args.json or getattr(args, "format", None) == "json":
        print(json.dumps(row))
    else:
        print(
            f"{model.name}: one sample of N = {n} ({row['couplings']}), T = {t:g}, all 2^{n} "
            "states summed"
        )
        for key, v in row.items():
            if key not in ("model", "N", "T", "h", "couplings"):
                print(f"  {key:30s} {v:.12g}")
    return 0


def _ladder(text: str | None, t_low: float | None):
    import numpy as np

    if text is None:
        if t_low is None:
            raise UserError("give T= (the lowest temperature of the ladder)")
        return np.geomspace(t_low, max(2.0, 2.5 * t_low), 10)
    try:
        if ":" in text:
            a, b, c = text.split(":")
            temps = np.geomspace(float(a), float(b), int(c))
        else:
            temps = np.array([float(x) for x in text.split(",") if x.strip()])
    except ValueError:
        raise UserError(
            f"--temperatures takes T1,T2,... or LOW:HIGH:COUNT (geometric), got {text!r}"
        ) from None
    if temps.size < 2:
        raise UserError(f"parallel tempering needs at least two temperatures, got {temps.size}")
    if not np.all(np.isfinite(temps)) or np.any(temps <= 0):
        raise UserError("the temperatures must be positive and finite")
    return np.sort(temps)


def run_validate(args) -> int:

    from statmech.numeric import spin_glass as sg

    values, path, model = _values(args)
    k = sample_couplings(model, values, path)
    n = k.shape[0]
    if n > sg.MAX_EXACT_N:
        raise UserError(f"validate enumerates the sample exactly: N = {n} > {sg.MAX_EXACT_N}")
    temps = _ladder(getattr(args, "temperatures", None), values["T"])
    h = values.get("h", 0.0)
    therm = args.thermalize if args.thermalize is not None else max(100, args.sweeps // 5)
    try:
        res = sg.parallel_tempering(
            k,
            temps,
            sweeps=args.sweeps,
            thermalization=therm,
            seed=args.seed,
            h=h,
            keep_series=True,
            backend=args.backend,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    est = sg.single_sample_estimates(res)
    ex = _enumerate(k, temps, h)
    rows, ok = [], True
    for i, t in enumerate(temps):
        for name, exact in (("energy_per_spin", ex["e"][i]), ("q2", ex["q2"][i])):
            e = est["e" if name == "energy_per_spin" else "q2"][i]
            z = e.z(float(exact))
            ok &= abs(z) <= args.max_z
            rows.append(
                {
                    "T": float(t),
                    "quantity": name,
                    "mc": e.mean,
                    "error": e.error,
                    "exact": float(exact),
                    "z": z,
                }
            )
    for w in res.warnings:
        print(f"statmech: warning: {w}", file=sys.stderr)
    acc = res.acceptance[0].tolist()
    if args.json:
        print(
            json.dumps(
                {
                    "model": model.name,
                    "N": n,
                    "passed": bool(ok),
                    "rows": rows,
                    "swap_acceptance": acc,
                    "round_trips": int(res.round_trips[0]),
                }
            )
        )
    else:
        print(
            f"{model.name}: parallel tempering ({len(temps)} temperatures, 2 replicas, "
            f"{args.sweeps} sweeps) on one sample of N = {n} "
            f"({path or 'seed ' + str(int(values.get('seed', 0)))}) against enumeration"
        )
        for r in rows:
            print(
                f"  T={r['T']:.4g} {r['quantity']:16s} {r['mc']:.6f} +- {r['error']:.6f}  "
                f"exact {r['exact']:.6f}  z = {r['z']:+.2f}"
            )
        print(
            f"  swap acceptance {min(acc):.2f}..{max(acc):.2f}, round trips "
            f"{int(res.round_trips[0])}"
        )
        print("PASS" if ok else f"FAIL: some |z| > {args.max_z:g}")
    return 0 if ok else 1


def run_simulate(args) -> int:
    import numpy as np

    from statmech.numeric import spin_glass as sg

    values, path, model = _values(args)
    temps = _ladder(getattr(args, "temperatures", None), values.get("T"))
    given = getattr(args, "samples", None)
    if given is not None and given < 1:
        raise UserError(f"--samples must be at least 1, got {given}")
    samples = 1 if path else int(given or 1)
    ks = [sample_couplings(model, values, path, seed_offset=0)]
    n, z = ks[0].shape[0], int((ks[0] != 0).sum(1).max())
    try:  # before the other samples are drawn
        sg.check_pt_memory(
            n=n,
            samples=samples,
            temperatures=temps.size,
            replicas=2,
            sweeps=args.sweeps,
            keep_series=False,
            compiled=z <= 16 and args.backend == "numpy",
            z=z,
            inputs=True,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    ks += [sample_couplings(model, values, path, seed_offset=s) for s in range(1, samples)]
    therm = args.thermalize if args.thermalize is not None else max(100, args.sweeps // 5)
    from statmech.progress import progress_bar, wanted

    try:
        with progress_bar(wanted(args.json), desc="parallel tempering") as bar:
            res = sg.parallel_tempering(
                ks,
                temps,
                sweeps=args.sweeps,
                thermalization=therm,
                seed=args.seed,
                h=values.get("h", 0.0),
                backend=args.backend,
                progress=None if bar is None else (lambda d, t: bar(d, t, lambda: None)),
            )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    for w in res.warnings:
        print(f"statmech: warning: {w}", file=sys.stderr)
    avg = res.disorder_average()
    out = {
        "model": model.name,
        "N": res.n,
        "samples": samples,
        "sweeps": args.sweeps,
        "T": temps.tolist(),
        "swap_acceptance": res.acceptance.mean(0).tolist(),
        "round_trips": res.round_trips.tolist(),
    }
    for key, (m, e) in avg.items():
        out[key] = m.tolist()
        out[key + "_error"] = [None if not math.isfinite(x) else x for x in np.asarray(e).tolist()]
    if args.json:
        print(json.dumps(out))
        return 0
    print(
        f"{model.name}: parallel tempering, N = {res.n}, {samples} sample(s) x 2 replicas x "
        f"{len(temps)} temperatures, {args.sweeps} sweeps"
    )
    print(f"  {'T':>8} {'e':>10} {'err':>8} {'c':>8} {'[<q^2>]':>9} {'err':>8} {'binder':>8}")

    def err(x) -> str:
        return f"{x:8.5f}" if math.isfinite(x) else f"{'-':>8}"

    for i, t in enumerate(temps):
        print(
            f"  {t:8.4f} {avg['e'][0][i]:10.5f} {err(avg['e'][1][i])} {avg['c'][0][i]:8.4f} "
            f"{avg['q2'][0][i]:9.5f} {err(avg['q2'][1][i])} {avg['binder'][0][i]:8.4f}"
        )
    if samples == 1:
        print(
            "  (one disorder sample: the errors are over samples, so there are none; give "
            "--samples 2 or more, or validate the sample against enumeration)"
        )
    return 0


# --------------------------------------------------------------------------
# solve sk: every replica-symmetric solution with its stability

#: The parameters of ``solve sk``.
RS_NAMES = ("T", "J", "J0", "h")


def wants_solve(model) -> bool:
    """``solve sk`` has its own route (the RS equations by the trapezoid rule)."""
    return model.name == "sk"


def api_solution(d, fixed: dict, precision: int | None):
    """:func:`statmech.api.solve` of the SK model at one point ``fixed``: the same RS
    solutions, stabilities and replicons as ``statmech solve sk --json``."""
    import numpy as np

    from statmech.numeric.spin_glass_rs import rs_solutions

    from ..api.analytic import Solution, mean_field_status

    if precision is not None and precision < 1:
        raise UserError(f"precision must be a positive number of digits, got {precision}")
    point = {n: float(fixed[n]) for n in RS_NAMES}
    try:
        (rows,) = rs_solutions(*(np.full(1, point[n]) for n in RS_NAMES)).points
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if precision is not None:
        rows = [_precise(point, r, precision) for r in rows]
    status = mean_field_status(d, d.hook("mean_field_equations")(d))
    status = {**status, "note": _rs_header()}
    return Solution(
        d.name, "replica-symmetric (m, q)", "m", point, tuple(rows), None, False, status
    )


def _rs_header() -> str:
    return (
        "sk: the replica-symmetric (RS) solutions of the Sherrington-Kirkpatrick spin glass "
        "(N -> infinity); RS is exact where the replicon is positive (above the "
        "de Almeida-Thouless line) and an approximation below it (Parisi's full replica "
        "symmetry breaking); T_c = J at J0 = 0, h = 0"
    )


def run_solve(args) -> int:
    import numpy as np

    from statmech.numeric.spin_glass_rs import rs_solutions
    from statmech.params import parse_assignments

    from ..common import dump_json, lookup_model, write_output
    from .solve import _format

    model = lookup_model("sk")
    names = {a.split("=", 1)[0].strip() for a in args.assignments}
    if names & {"N", "seed", "couplings", "starts", "saddles"}:
        return _run_tap(args, model)  # one sample: its TAP solutions
    fixed, ranges = parse_assignments(model, args.assignments)
    ranges = [r for r in ranges if r.name in RS_NAMES]
    if args.plot:
        raise UserError(
            "solve sk does not draw (--plot); the report's spin-glass section draws the RS "
            "phase diagram and the AT line"
        )
    if args.backend != "numpy":
        raise UserError("solve sk runs on NumPy (a grid of points takes seconds); drop --backend")
    if args.precision is not None and args.precision < 1:
        raise UserError(f"--precision must be a positive number of digits, got {args.precision}")
    fmt = _format(args)
    if fmt == "npz":
        raise UserError("solve sk writes text, --json or --format csv, not an .npz file")
    axes = [np.asarray(r.values, dtype=float) for r in ranges]
    mesh = np.meshgrid(*axes, indexing="ij") if axes else []
    values = {n: np.full(1, float(fixed[n])) for n in RS_NAMES}
    values.update({r.name: g.reshape(-1) for r, g in zip(ranges, mesh, strict=True)})
    if args.precision is not None and (mesh[0].size if mesh else 1) > 50:
        raise UserError("--precision polishes each point in mpmath: give at most 50 points")
    try:
        sols = rs_solutions(*(values[n] for n in RS_NAMES))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    size = max(v.size for v in values.values())
    params = {n: np.broadcast_to(values[n], (size,)) for n in RS_NAMES}
    data = []
    for i, rows in enumerate(sols.points):
        point = {n: float(params[n][i]) for n in RS_NAMES}
        if args.precision is not None:
            rows = [_precise(point, r, args.precision) for r in rows]
        data.append({**point, "solutions": rows})
    if fmt == "json":
        payload = {
            "model": "sk",
            "equations": "replica-symmetric (m, q)",
            "parameters": list(RS_NAMES),
            "note": _rs_header(),
            "points": data,
        }
        write_output(dump_json(payload), args.output)
    elif fmt == "csv":
        keys = ("m", "q", "free_energy", "replicon", "stability", "equilibrium", "reason")
        lines = [",".join([*RS_NAMES, "solution", *keys])]
        for p in data:
            for k, r in enumerate(p["solutions"]):
                cells = [repr(p[n]) for n in RS_NAMES] + [str(k)]
                for key in keys:
                    v = r[key]
                    text = "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                    cells.append(f'"{text}"' if "," in text or ";" in text else text)
                lines.append(",".join(cells))
        write_output("\n".join(lines), args.output)
    else:
        lines = [_rs_header()]
        for p in data:
            lines.append(" ".join(f"{n}={p[n]:g}" for n in RS_NAMES))
            for r in p["solutions"]:
                tag = r["stability"] + (", equilibrium" if r["equilibrium"] else "")
                lines.append(
                    f"  RS: m = {r['m']}  q = {r['q']}  f = {r['free_energy']}  "
                    f"replicon = {r['replicon']}  ({tag}: {r['reason']})"
                )
        write_output("\n".join(lines), args.output)
    return 0


def _precise(point, row, digits):
    """``row`` polished in mpmath: m, q, f and the replicon as strings of ``digits`` digits;
    a replicon whose sign differs from the float route's makes the row undecided."""
    import mpmath

    from statmech.numeric.spin_glass_rs import rs_solution_mp

    try:
        mp = rs_solution_mp(*(point[n] for n in RS_NAMES), row["m"], row["q"], digits)
    except (ZeroDivisionError, ValueError) as exc:
        raise UserError(f"the mpmath polish of the RS solution failed: {exc}") from None
    out = dict(row)
    if abs(float(mp["m"]) - row["m"]) > 1e-6 or abs(float(mp["q"]) - row["q"]) > 1e-6:
        raise UserError(
            f"the mpmath polish left the solution (m, q) = ({row['m']:.6g}, {row['q']:.6g}); "
            "it is not given to more digits"
        )
    for key in ("m", "q", "free_energy", "replicon"):
        with mpmath.workdps(digits + 10):
            out[key] = mpmath.nstr(mp[key], digits, strip_zeros=False)
    if row["rs_stable"] is not None and (mp["replicon"] > 0) != row["rs_stable"]:
        out["stability"], out["stable"], out["equilibrium"] = "undecided", None, None
        out["reason"] += "; the mpmath replicon has the other sign"
    return out


def _run_tap(args, model) -> int:
    """``solve sk N=... seed=... T=...`` (or ``couplings=FILE``): the TAP solutions of
    one sample from ``starts=`` starts (default 100); ``saddles=1`` also tries Newton's
    method from the starts whose valley holds no minimum (saddles too; twice the time or
    more)."""
    import numpy as np

    from statmech.numeric import spin_glass as sg

    from ..common import dump_json, write_output
    from .solve import _format

    starts, saddles, rest = 100, False, []
    for a in args.assignments:
        if a.startswith("starts="):
            try:
                starts = int(a.split("=", 1)[1])
            except ValueError:
                raise UserError(f"starts= takes a whole number, got {a!r}") from None
            if starts < 1:
                raise UserError(f"starts= must be at least 1, got {starts}")
        elif a.startswith("saddles="):
            if a.split("=", 1)[1] not in ("0", "1"):
                raise UserError(f"saddles= takes 0 or 1, got {a!r}")
            saddles = a.endswith("1")
        else:
            rest.append(a)
    args.assignments = rest
    values, path, _ = _values(args)
    if args.plot or args.precision is not None:
        raise UserError("the TAP solutions of one sample take no --plot or --precision")
    k = sample_couplings(model, values, path)
    n = k.shape[0]
    if n > 1024:
        raise UserError(f"the TAP search of one sample stops at N = 1024; N = {n} is too large")
    t, h = values["T"], values.get("h", 0.0)
    try:
        res = sg.tap_minima(
            k, t, h, starts=starts, seed=int(values.get("seed", 0)), newton_retry=saddles
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    rows = [
        {
            "free_energy": float(f),
            "q_EA": float(q),
            "magnetization": float(m.mean()),
            "hits": int(c),
            "plefka": float(p),
            "hessian_min": float(e),
            "residual": float(r),
            "kind": ("minimum" if e > 0 else "saddle")
            + ("" if p >= 0 else ", violates Plefka's condition"),
        }
        for f, q, m, c, p, e, r in zip(
            res.f, res.q_ea, res.m, res.hits, res.plefka, res.hessian_min, res.residual, strict=True
        )
    ]
    para = float(sg.tap_free_energy(k, np.zeros((1, n)), t, h)[0]) if h == 0 else None
    from statmech.numeric.spin_glass_tap import tap_plefka

    para_plefka = float(tap_plefka(k, np.zeros((1, n)), t)[0]) if h == 0 else None
    out = {
        "model": "sk",
        "method": "TAP",
        "N": n,
        "T": t,
        "h": h,
        "couplings": path or f"seed {int(values.get('seed', 0))}",
        "starts": starts,
        "paramagnetic_starts": res.paramagnetic,
        "failed_starts": res.failed,
        "tolerance": res.tolerance,
        "mirrored": res.mirrored,
        "paramagnet_free_energy": para,
        "paramagnet_plefka": para_plefka,
        "solutions": rows,
    }
    if _format(args) == "json":
        write_output(dump_json(out), args.output)
        return 0
    lines = [
        f"sk: TAP solutions of one sample, N = {n} ({out['couplings']}), T = {t:g}, h = {h:g}: "
        f"{len(rows)} distinct"
        + (" (each with its mirror image -m)" if res.mirrored else "")
        + f" from {starts} starts; {res.paramagnetic} reached m = 0"
        + (f" (f = {para:.6f}" if para is not None else "")
        + (
            f"; Plefka {para_plefka:+.4f} < 0: below T_c the expansion fails there, so its "
            "lower f is not a physical state)"
            if para_plefka is not None and para_plefka < 0
            else (")" if para is not None else "")
        )
        + f", {res.failed} did not converge (to a residual of the TAP equations below "
        + f"{res.tolerance:g})"
    ]
    if not rows:
        lines.append("  none away from m = 0 from these starts (not a proof that there is none)")
    for r in rows:
        lines.append(
            f"  f = {r['free_energy']:.10f}  q_EA = {r['q_EA']:.6f}  hits {r['hits']:4d}  "
            f"Plefka {r['plefka']:+.4f}  Hessian min {r['hessian_min']:+.4f}  "
            f"residual {r['residual']:.1e}  ({r['kind']})"
        )
    write_output("\n".join(lines), args.output)
    return 0
