r"""Spin-glass theory in numbers: the replica-symmetric (RS) equations, with their phase
diagram, the de Almeida-Thouless line and the ground-state extrapolation (split from
:mod:`statmech.numeric.spin_glass`, which re-exports these names); the TAP solutions of
one sample are in :mod:`statmech.numeric.spin_glass_tap`, re-exported here.

The RS equations (derived in :mod:`statmech.derive.replica`)

.. math::

    m = \mathbb{E}_z\tanh\Xi,\quad q = \mathbb{E}_z\tanh^2\Xi,\quad
    \Xi = \beta(J\sqrt q\,z + J_0 m + h),

are solved with the trapezoid rule in z (:func:`rs_solve`, vectorised over parameter
grids) and independently in mpmath with adaptive quadrature (:func:`rs_solve_mp`).

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975);
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978);
D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977).
"""

from __future__ import annotations

import numpy as np

from .gauss_trapezoid import K_FINE
from .gauss_trapezoid import nodes as gauss_nodes

# --------------------------------------------------------------------------
# TAP: in its own module, re-exported here.
from .spin_glass_tap import (  # noqa: E402, F401 - re-exported, callers unchanged
    TapPath,
    TapSolutions,
    _distinct_solutions,
    _metropolis_average,
    _quench,
    _tap_newton,
    _tap_residual,
    tap_follow,
    tap_free_energy,
    tap_hessian,
    tap_minima,
    tap_plefka,
    tap_residual,
    tap_solutions,
)

# --------------------------------------------------------------------------
# Replica-symmetric theory


def _slope(T, J) -> float:
    r"""The largest :math:`\beta|J|` of a grid: the integrands are functions of
    :math:`\tanh(\beta J\sqrt q\,z + \ldots)` with :math:`q \le 1`."""
    ratio = np.abs(np.asarray(J, float)) / np.asarray(T, float)
    return float(np.max(ratio)) if ratio.size else 0.0


def rs_averages(m, q, T, J=1.0, J0=0.0, h=0.0, k: float = K_FINE):
    r"""Gaussian averages at the RS point, broadcasting the arguments:
    ``(E tanh, E tanh^2, E sech^4, E sech^2, E sech^2 tanh, E sech^2 tanh^2)`` of
    :math:`\Xi`, by the trapezoid rule in z of :mod:`statmech.numeric.gauss_trapezoid`
    (``k`` strip widths per step: exponentially convergent, at rounding level for the
    default, where Gauss-Hermite converges only as :math:`e^{-c\sqrt n}` because of
    tanh's poles)."""
    m, q, T, J, J0, h = np.broadcast_arrays(*(np.asarray(a, float) for a in (m, q, T, J, J0, h)))
    z, w = gauss_nodes(_slope(T, J), k)
    xi = (J[..., None] * np.sqrt(np.maximum(q, 0))[..., None] * z + (J0 * m + h)[..., None]) / T[
        ..., None
    ]
    t = np.tanh(xi)
    s2 = 1 - t * t
    return t @ w, (t * t) @ w, (s2 * s2) @ w, s2 @ w, (s2 * t) @ w, (s2 * t * t) @ w


def rs_solve(T, J=1.0, J0=0.0, h=0.0, m0=1.0, q0=1.0, iterations: int = 200, newton: int = 30):
    r"""The RS solution reached from ``(m0, q0)``: ``iterations`` steps of the fixed-point
    map (which lead to the attracting, physical branch), then Newton's method on
    :math:`(m - \mathbb{E}\tanh\Xi,\ q - \mathbb{E}\tanh^2\Xi)` with the Jacobian by
    Stein's lemma (:math:`\partial_q\mathbb{E}g(\Xi) = \frac{\beta^2J^2}{2}
    \mathbb{E}g''(\Xi)`), vectorised over broadcast parameters.

    Returns ``(m, q, replicon)``; the replicon eigenvalue
    :math:`1 - \beta^2J^2\mathbb{E}\operatorname{sech}^4\Xi` is negative where RS is
    unstable (below the AT line)."""
    T, J, J0, h = np.broadcast_arrays(*(np.asarray(a, float) for a in (T, J, J0, h)))
    m = np.full(T.shape, float(m0))
    q = np.full(T.shape, float(q0))
    if iterations:
        z, w = gauss_nodes(_slope(T, J))
        shift, scale = (J0 / T)[..., None], (J / T)[..., None] * z
        hb = (h / T)[..., None]
        for _ in range(iterations):  # the map needs only E tanh and E tanh^2
            t = np.tanh(scale * np.sqrt(np.maximum(q, 0))[..., None] + shift * m[..., None] + hb)
            m, q = t @ w, (t * t) @ w
    b, b0 = (J / T) ** 2, J0 / T
    for _ in range(newton):
        a, a2, s4, s2, s2t, s2t2 = rs_averages(m, q, T, J, J0, h)
        r1, r2 = m - a, q - a2
        j11, j12 = 1 - b0 * s2, b * s2t
        j21, j22 = -2 * b0 * s2t, 1 - b * (s4 - 2 * s2t2)
        det = j11 * j22 - j12 * j21
        ok = np.abs(det) > 1e-300
        dm = np.where(ok, (j22 * r1 - j12 * r2) / np.where(ok, det, 1.0), 0.0)
        dq = np.where(ok, (j11 * r2 - j21 * r1) / np.where(ok, det, 1.0), 0.0)
        m = np.clip(m - dm, -1.0, 1.0)
        q = np.clip(q - dq, 0.0, 1.0)
        if np.all(np.abs(dm) <= 1e-15 * (1 + np.abs(m))) and np.all(np.abs(dq) <= 1e-15 * (1 + q)):
            break
    s4 = rs_averages(m, q, T, J, J0, h)[2]
    return m, q, 1.0 - b * s4


def rs_solve_mp(T, J=1, J0=0, h=0, m0=0.5, q0=0.5, digits: int = 30):
    """The RS equations solved independently in mpmath (adaptive quadrature over z and
    ``findroot``) to ``digits`` digits, from ``(m0, q0)``; returns ``(m, q)`` as mpf."""
    import mpmath as mp

    with mp.workdps(digits + 10):
        T, J, J0, h = (mp.mpf(str(v)) for v in (T, J, J0, h))
        g = 1 / mp.sqrt(2 * mp.pi)

        def avg(fn):
            return mp.quad(lambda z: g * mp.exp(-z * z / 2) * fn(z), [-mp.inf, -5, 0, 5, mp.inf])

        def eqs(m, q):
            def xi(z):
                return (J * mp.sqrt(q) * z + J0 * m + h) / T

            return (
                m - avg(lambda z: mp.tanh(xi(z))),
                q - avg(lambda z: mp.tanh(xi(z)) ** 2),
            )

        if J0 == 0 and h == 0:  # m = 0 exactly; one equation in q
            q = mp.findroot(lambda q: eqs(0, q)[1], mp.mpf(q0))
            return mp.mpf(0), +q
        m, q = mp.findroot(eqs, (mp.mpf(m0), mp.mpf(q0)))
        return +m, +q


def phase_diagram(j0_over_j, t_over_j, tol: float = 1e-6) -> dict:
    """RS phase of every point of the (J0/J, T/J) grid at h = 0: ``"P"`` (m = q = 0),
    ``"SG"`` (m = 0 < q), ``"F"`` (m > 0, replicon > 0), ``"M"`` (m > 0, replicon < 0: the
    mixed phase, RS unstable).  The solution followed is the fixed point of the map from
    m = q = 1.  Returns arrays ``phase``, ``m``, ``q``, ``replicon`` of shape (len(T), len(J0))."""
    j0 = np.asarray(j0_over_j, float)
    t = np.asarray(t_over_j, float)
    # row by row in T: each row gets the trapezoid rule its temperature needs
    rows = [rs_solve(np.full(j0.shape, ti), 1.0, j0, 0.0, iterations=400) for ti in t]
    m, q, lam = (np.stack([r[i] for r in rows]) for i in range(3))
    phase = np.where(
        np.abs(m) > tol,
        np.where(lam > 0, "F", "M"),
        np.where(q > tol, "SG", "P"),
    )
    return {"phase": phase, "m": m, "q": q, "replicon": lam, "T": t, "J0": j0}


def at_line(fields, J: float = 1.0, J0: float = 0.0, steps: int = 40) -> np.ndarray:
    """The de Almeida-Thouless temperature T_AT(h) for each field h > 0: the replicon of
    the RS solution vanishes, found by bisection in T in (0.05 J, J] (RS is stable above)."""
    hs = np.asarray(fields, float)
    if np.any(hs <= 0):
        raise ValueError("the AT line is computed for fields h > 0")
    lo = np.full(hs.shape, 0.05 * J)
    hi = np.full(hs.shape, 1.0 * J)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        _, _, lam = rs_solve(mid, J, J0, hs, iterations=100)
        unstable = lam < 0
        lo = np.where(unstable, mid, lo)
        hi = np.where(unstable, hi, mid)
    return 0.5 * (lo + hi)


def extrapolate_ground_state(sizes, energies, errors=None, exponent: float = -2.0 / 3.0):
    r"""Weighted least-squares fit :math:`e(N) = e_\infty + a N^{	ext{exponent}}`; returns
    ``(e_inf, error, a)`` (the error from the fit's covariance, scaled by the reduced
    chi-square when it exceeds one)."""
    x = np.asarray(sizes, float) ** exponent
    y = np.asarray(energies, float)
    w = (
        np.ones_like(y)
        if errors is None
        else 1.0 / np.maximum(np.asarray(errors, float), 1e-12) ** 2
    )
    a = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(a.T @ (w[:, None] * a))
    coef = cov @ (a.T @ (w * y))
    dof = max(len(y) - 2, 1)
    chi2 = float(((y - a @ coef) ** 2 * w).sum()) / dof
    scale = max(chi2, 1.0) if errors is not None else chi2
    return float(coef[0]), float(np.sqrt(cov[0, 0] * scale)), float(coef[1])
