r"""The AGS solutions of :mod:`statmech.numeric.hopfield.ags` polished in mpmath
(``statmech solve hopfield --precision``): Newton's method on the derived gradient
with the derived Hessian, compiled for mpmath from :mod:`statmech.derive.hopfield_replica`.
"""

from __future__ import annotations

import numpy as np

from .ags import _stability, hessian, solutions


def _derived():
    """The derived gradient, Hessian and free energy, compiled for mpmath (adaptive
    quadrature of the averages)."""
    from statmech.derive import get_model
    from statmech.derive.hopfield_replica import ags_equations

    from ..gaussian import compile_averaged

    eq = ags_equations(get_model("hopfield"))
    args = [*eq.unknowns, *eq.parameters]
    names = [a.name for a in args]
    if names != ["m", "q", "r", "T", "alpha"]:
        raise ArithmeticError(f"the AGS equations take {names}, not (m, q, r, T, alpha)")
    grad = [compile_averaged(g, args, "mpmath") for g in eq.residual]
    hess = [[compile_averaged(h, args, "mpmath") for h in row] for row in eq.curvature]
    return grad, hess, compile_averaged(eq.free_energy, args, "mpmath")


def precise(T: float, alpha: float, digits: int) -> list[dict]:
    """:func:`solutions` polished in mpmath to ``digits`` digits: Newton's method on the
    derived gradient with the derived Hessian (``m = 0`` held on the spin-glass
    branch; the paramagnet is exact), Gaussian averages by adaptive quadrature
    (:func:`statmech.numeric.gaussian.mp_gaussian_average`).  Values are ``mpmath.mpf``;
    the stability is decided again on the mpmath Hessian.  Raises ``ArithmeticError``
    where Newton's method does not settle."""
    import mpmath

    from ..gaussian import mp_gaussian_average

    found = solutions(T, alpha)
    grad, hess, free = _derived()
    out = []
    with mpmath.workdps(digits + 10):
        t, a = mpmath.mpf(repr(float(T))), mpmath.mpf(repr(float(alpha)))
        tol = mpmath.mpf(10) ** (-(digits + 3))
        for s in found:
            x = [mpmath.mpf(s[k]) for k in ("m", "q", "r")]
            if s["kind"] == "paramagnet":
                x = [mpmath.mpf(0)] * 3
            elif s["m"] < 0:
                continue  # the mirror image, filled in below
            else:
                free_idx = [0, 1, 2] if s["kind"] == "retrieval" else [1, 2]
                for _ in range(60):
                    g = [grad[i](*x, t, a) for i in free_idx]
                    J = mpmath.matrix([[hess[i][j](*x, t, a) for j in free_idx] for i in free_idx])
                    step = mpmath.lu_solve(J, mpmath.matrix(g))
                    for k, i in enumerate(free_idx):
                        x[i] -= step[k]
                    if max(abs(v) for v in step) < tol:
                        break
                else:
                    raise ArithmeticError(
                        f"the {s['kind']} solution at T={T:g}, alpha={alpha:g} did not "
                        f"settle to {digits} digits in mpmath"
                    )
            if s["kind"] == "paramagnet":  # u = 0: the averages are exact (the derived
                # Hessian's chain rule in r carries 1/sqrt(r))
                av0 = dict(t=0, t2=0, s=1, ts=0, s2=1, t2s=0, logcosh=mpmath.log(2))
                Hm = mpmath.matrix(hessian(*x, t, a, av0).tolist())
            else:
                Hm = mpmath.matrix([[hess[i][j](*x, t, a) for j in range(3)] for i in range(3)])
            H = np.array(Hm.tolist(), dtype=float)
            det_yy = Hm[1, 1] * Hm[2, 2] - Hm[1, 2] ** 2
            fm = (
                Hm[0, 0]
                - (
                    Hm[0, 1] * (Hm[2, 2] * Hm[1, 0] - Hm[1, 2] * Hm[2, 0])
                    + Hm[0, 2] * (Hm[1, 1] * Hm[2, 0] - Hm[2, 1] * Hm[1, 0])
                )
                / det_yy
            )
            stable = _stability(
                H, float(det_yy), float(fm), s["kind"], float(x[0]), float(x[1]), T, alpha
            )
            d = 1 - (1 - x[1]) / t
            sech4 = mp_gaussian_average(
                lambda v, x=x: mpmath.sech((x[0] + mpmath.sqrt(a * x[2]) * v) / t) ** 4
            )
            item = {
                **s,
                "m": x[0],
                "q": x[1],
                "r": x[2],
                "free_energy": free(*x, t, a),
                "stable": stable,
                "curvature": fm,
                "qr_determinant": det_yy,
                "replicon": 1 - a / t**2 * sech4 / d**2,
                "residual": max(abs(grad[i](*x, t, a)) for i in (0, 2))
                if s["kind"] == "paramagnet"
                else max(abs(grad[i](*x, t, a)) for i in range(3)),
            }
            out.append(item)
            if s["kind"] == "retrieval":
                out.append({**item, "m": -x[0]})
    stable = [s for s in out if s["stable"]]
    low = min((s["free_energy"] for s in stable), default=None)
    for s in out:
        s["equilibrium"] = bool(s["stable"] and low is not None and s["free_energy"] == low)
        s["stability"] = (
            "unstable" if not s["stable"] else ("stable" if s["equilibrium"] else "metastable")
        )
    return sorted(out, key=lambda s: s["m"])
