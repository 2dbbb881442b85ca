"""The stability of a system's roots (several unknowns): the Hessian of the free
energy at each root with its error bound (extrapolated from inside the box on a face),
the stability codes from its eigenvalues against Weyl's bound (UNDECIDED within it),
and at one parameter point the equilibria, with mpmath (:mod:`numeric.precise_systems`)
where float64 cannot decide a root, its classification or a tie of free energies.
Used by :func:`statmech.numeric.systems.solve_system_grid`.
"""

from __future__ import annotations

import numpy as np

from .rounding import SAFETY
from .solve import ESCALATION_DIGITS, METASTABLE, STABLE, UNDECIDED, UNSTABLE

#: Relative step, from a face, at which an undefined Hessian is extrapolated.
FACE_STEP = 1e-6


def hessian_at(cs, X, P, DX, xp):
    """Hessian and its entrywise error bound (rounding, and the third derivatives
    times the root error ``DX``); extrapolated from inside the box where it is
    undefined on a face."""
    H = cs.hess(X, P, xp)
    E = cs.hess(X, P, xp, "bound")
    bad = ~xp.isfinite(H).all(axis=(1, 2))
    at = X.copy()
    if bool(bad.any()):
        bi = xp.nonzero(bad)[0]
        lo, hi = xp.asarray(cs.lower), xp.asarray(cs.upper)
        Xb = X[bi]
        eta = FACE_STEP * (hi - lo)
        direction = xp.where(Xb - lo <= hi - Xb, 1.0, -1.0)
        Pb = [q[bi] for q in P]
        H1 = cs.hess(Xb + eta * direction, Pb, xp)
        H2 = cs.hess(Xb + 2 * eta * direction, Pb, xp)
        H[bi] = 2 * H1 - H2
        E[bi] = cs.hess(Xb + eta * direction, Pb, xp, "bound") * 3 + SAFETY * xp.abs(H1 - H2)
        at[bi] = Xb + eta * direction
    E = E + cs.third_abs(at, P, xp.where(xp.isfinite(DX), DX, 0.0), xp)
    return H, E


def classify(H, E, maximised):
    """Stability codes (STABLE for every stable root; the caller picks equilibria),
    UNDECIDED where an eigenvalue is within the Weyl bound, and the eigenvalues."""
    b = H.shape[0]
    d = H.shape[1]
    lam = np.full((b, d), np.nan)
    code = np.full(b, UNDECIDED, dtype=np.int8)
    finite = np.isfinite(H).all(axis=(1, 2)) & np.isfinite(E).all(axis=(1, 2))
    if not finite.any():
        return code, lam
    Hf, Ef = H[finite], E[finite]
    lam_f = np.linalg.eigvalsh(Hf)
    weyl = np.sqrt((Ef * Ef).sum(axis=(1, 2)))
    decided = (np.abs(lam_f) > weyl[:, None]).all(axis=1)
    nmax = int(maximised.sum())
    nmin = d - nmax
    positive = (lam_f > 0).sum(axis=1)
    stable = (positive == nmin) & ((lam_f < 0).sum(axis=1) == nmax)
    if nmax and nmin:
        B = np.flatnonzero(maximised)
        HB = Hf[:, B][:, :, B]
        EB = Ef[:, B][:, :, B]
        lamB = np.linalg.eigvalsh(HB)
        weylB = np.sqrt((EB * EB).sum(axis=(1, 2)))
        decided &= (np.abs(lamB) > weylB[:, None]).all(axis=1)
        stable &= (lamB < 0).all(axis=1)
    out = np.where(stable, STABLE, UNSTABLE).astype(np.int8)
    out[~decided] = UNDECIDED
    code[finite] = out
    lam[finite] = lam_f
    return code, lam


def settle_point(cs, values, X, mag, fe, feb, code, lam, inaccurate):
    """Equilibria at one point, with mpmath where float64 cannot decide."""
    sign = -1 if cs.maximised.all() else 1
    sols = [
        {
            "x": X[j],
            "m": float(mag[j]),
            "free_energy": float(fe[j]),
            "eigenvalues": lam[j],
            "code": int(code[j]),
            "arithmetic": 0,
        }
        for j in range(len(X))
    ]
    stable = [j for j, s in enumerate(sols) if s["code"] == STABLE]
    need = {j for j in range(len(sols)) if sols[j]["code"] == UNDECIDED or inaccurate[j]}
    if stable:
        best = min(stable, key=lambda j: sign * fe[j])
        tied = [j for j in stable if sign * (fe[j] - fe[best]) <= feb[j] + feb[best]]
        if len(tied) > 1:
            need |= set(tied)
    if need:
        for j in sorted(need):
            sols[j] = _mp_root(cs, values, sols[j])
        stable = [j for j, s in enumerate(sols) if s["code"] == STABLE]
    _label_equilibria(sols, stable, sign)
    return sorted(sols, key=lambda s: tuple(s["x"]))


def _label_equilibria(sols, stable, sign):
    """STABLE for the best stable roots (mpmath free energies where known), METASTABLE else."""
    import mpmath

    if not stable:
        return
    keys = {j: sign * sols[j].get("mp_free_energy", sols[j]["free_energy"]) for j in stable}
    best = min(keys.values())
    exact = [j for j in stable if "mp_free_energy" in sols[j]]
    for j in stable:
        if j in exact and len(exact) > 1:
            with mpmath.workdps(ESCALATION_DIGITS[0] + 5):
                tol = mpmath.mpf(10) ** (-25) * max(1, abs(best))
                same = keys[j] - best <= tol
        else:
            same = keys[j] == best
        sols[j]["code"] = STABLE if same else METASTABLE


def _mp_root(cs, values, sol):
    """Polish a float64 root in mpmath and classify it there (30, 60, 120 digits)."""
    from .precise_systems import polish_system

    for digits in ESCALATION_DIGITS:
        got = polish_system(cs.equations, values, sol["x"], digits)
        if got is None:
            # Newton's method in mpmath did not settle (a degenerate root converges
            # only linearly): keep the float64 root, and say that it is undecided
            return dict(sol, code=UNDECIDED)
        if got["code"] != UNDECIDED:
            break
    return {
        "x": np.array([float(v) for v in got["x"]]),
        "m": float(got["m"]),
        "free_energy": float(got["free_energy"]),
        "mp_free_energy": got["free_energy"],
        "eigenvalues": np.array([float(v) for v in got["eigenvalues"]]),
        "code": got["code"],
        "arithmetic": 1,
    }
