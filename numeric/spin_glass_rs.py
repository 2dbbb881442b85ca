r"""Every replica-symmetric (RS) solution of the SK model at given :math:`(T, J, J_0, h)`,
with its free energy and its stability decided against a bound on its error.

The RS free energy per spin (:mod:`statmech.derive.replica`),

.. math::

    f(m, q) = -\frac{\beta J^2}{4}(1 - q)^2 + \frac{J_0 m^2}{2}
    - T\,\mathbb{E}_z\ln 2\cosh\Xi,\qquad \Xi = \beta(J\sqrt q\,z + J_0 m + h),

is stationary where :math:`m = \mathbb{E}\tanh\Xi` and :math:`q = \mathbb{E}\tanh^2\Xi`.
By Stein's lemma (:math:`\partial_q\mathbb{E}g(\Xi) = \tfrac{\beta^2J^2}{2}\mathbb{E}g''`)
its second derivatives are

.. math::

    f_{mm} = J_0(1 - \beta J_0\,\mathbb{E}\operatorname{sech}^2\Xi),\quad
    f_{mq} = \beta^2J^2J_0\,\mathbb{E}\operatorname{sech}^2\Xi\tanh\Xi,\quad
    f_{qq} = \frac{\beta J^2}{2}\bigl(\beta^2J^2\,\mathbb{E}(\operatorname{sech}^4\Xi
    - 2\operatorname{sech}^2\Xi\tanh^2\Xi) - 1\bigr).

With :math:`n \to 0` replicas the saddle point is a maximum in :math:`q` (the number
:math:`n(n-1)/2` of :math:`q_{ab}` turns negative) and a minimum in :math:`m`: a solution
is *longitudinally stable* when :math:`f_{qq} < 0` and, for :math:`J_0 > 0`,
:math:`f_{mm} - f_{mq}^2/f_{qq} > 0` (at :math:`J_0 = 0`, :math:`f` does not depend on
:math:`m`).  Replica symmetry itself is stable when the replicon (de Almeida and
Thouless 1978)
:math:`\lambda_{AT} = 1 - \beta^2J^2\,\mathbb{E}\operatorname{sech}^4\Xi` is positive.

Each sign is decided only when it exceeds its error bound: the difference between the
fine trapezoid rule and a coarser one (both the root and the quantity recomputed; this
over-estimates the quadrature error by about :math:`e^{12}`) plus a rounding bound of
:math:`64\,\epsilon` times the sum of the magnitudes of the terms.  Inside the bound the
answer is ``undecided`` with that reason (at a critical point, e.g. :math:`T = J` at
:math:`h = J_0 = 0`, where the quantity vanishes exactly).

Solutions are found by Newton's method from a grid of starts in
:math:`[-1, 1]\times[0, 1]`, vectorised over starts and parameter points, then merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gauss_trapezoid import K_COARSE, K_FINE
from .gauss_trapezoid import nodes as gauss_nodes

EPS = float(np.finfo(float).eps)
#: Starting values of m and q for Newton's method.
START_M = (-1.0, -0.7, -0.4, -0.15, 0.0, 0.15, 0.4, 0.7, 1.0)
START_Q = (0.0, 0.05, 0.3, 0.6, 1.0)
#: Two solutions closer than this (max norm) are one.
MERGE = 1e-8
#: A start whose residual stays above this is dropped.
RESIDUAL = 1e-13


@dataclass
class _Averages:
    t: np.ndarray  # E tanh
    t2: np.ndarray  # E tanh^2
    s4: np.ndarray  # E sech^4
    s2: np.ndarray  # E sech^2
    s2t: np.ndarray  # E sech^2 tanh
    s2t2: np.ndarray  # E sech^2 tanh^2
    lc: np.ndarray  # E ln 2 cosh


def _averages(m, q, T, J, J0, h, k, slope) -> _Averages:
    z, w = gauss_nodes(slope, k)
    beta = 1.0 / T
    xi = beta[:, None] * (
        J[:, None] * np.sqrt(np.maximum(q, 0.0))[:, None] * z + (J0 * m + h)[:, None]
    )
    t = np.tanh(xi)
    s2 = 1.0 - t * t
    ax = np.abs(xi)
    lc = ax + np.log1p(np.exp(-2.0 * ax))  # ln 2cosh, without overflow
    return _Averages(
        t @ w, (t * t) @ w, (s2 * s2) @ w, s2 @ w, (s2 * t) @ w, (s2 * t * t) @ w, lc @ w
    )


def _newton(m, q, T, J, J0, h, k, slope, steps=80):
    """Newton's method on (m - E tanh, q - E tanh^2), clipped to the box; returns m, q and
    the final residual (max norm)."""
    b, b0 = (J / T) ** 2, J0 / T
    res = np.full(m.shape, np.inf)
    active = np.ones(m.shape, dtype=bool)
    for _ in range(steps):
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        mm, qq = m[idx], q[idx]
        a = _averages(mm, qq, T[idx], J[idx], J0[idx], h[idx], k, slope)
        r1, r2 = mm - a.t, qq - a.t2
        res[idx] = np.maximum(np.abs(r1), np.abs(r2))
        j11, j12 = 1 - b0[idx] * a.s2, b[idx] * a.s2t
        j21, j22 = -2 * b0[idx] * a.s2t, 1 - b[idx] * (a.s4 - 2 * a.s2t2)
        det = j11 * j22 - j12 * j21
        ok = np.abs(det) > 1e-300
        safe = np.where(ok, det, 1.0)
        dm = np.where(ok, (j22 * r1 - j12 * r2) / safe, r1)
        dq = np.where(ok, (j11 * r2 - j21 * r1) / safe, r2)
        m[idx] = np.clip(mm - dm, -1.0, 1.0)
        q[idx] = np.clip(qq - dq, 0.0, 1.0)
        small = (np.abs(dm) <= 4 * EPS) & (np.abs(dq) <= 4 * EPS) & (res[idx] < RESIDUAL)
        active[idx[small]] = False
    a = _averages(m, q, T, J, J0, h, k, slope)
    res = np.maximum(np.abs(m - a.t), np.abs(q - a.t2))
    return m, q, res


def _quantities(m, q, T, J, J0, h, k, slope) -> dict:
    """Free energy, replicon and longitudinal stability numbers at (m, q), and the
    rounding bound of each."""
    beta = 1.0 / T
    a = _averages(m, q, T, J, J0, h, k, slope)
    bj2 = (beta * J) ** 2
    f = -beta * J**2 / 4 * (1 - q) ** 2 + J0 * m**2 / 2 - T * a.lc
    f_round = 64 * EPS * (beta * J**2 / 4 + np.abs(J0) / 2 + T * a.lc)  # ln 2cosh > 0
    replicon = 1.0 - bj2 * a.s4
    rep_round = 64 * EPS * (1.0 + bj2)
    fqq = beta * J**2 / 2 * (bj2 * (a.s4 - 2 * a.s2t2) - 1.0)
    fqq_round = 64 * EPS * beta * J**2 / 2 * (1.0 + 3 * bj2)
    fmm = J0 * (1 - beta * J0 * a.s2)
    fmq = bj2 * J0 * a.s2t
    # the Schur complement f_mm - f_mq^2 / f_qq (used where f_qq < 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        schur = np.where(J0 != 0, fmm - fmq**2 / fqq, 0.0)
    schur_round = 64 * EPS * (np.abs(J0) * (1 + beta * np.abs(J0)) + bj2 * np.abs(J0))
    return {
        "f": (f, f_round),
        "replicon": (replicon, rep_round),
        "f_qq": (fqq, fqq_round),
        "schur": (schur, schur_round),
    }


def _sign(value, bound):
    """+1, -1, or 0 where ``|value| <= bound`` (undecided)."""
    return np.where(value > bound, 1, np.where(value < -bound, -1, 0))


@dataclass
class RSSolutions:
    """All RS solutions of a batch of parameter points: ``points`` lists, per point, its
    solutions as dicts (``m``, ``q``, ``free_energy``, ``replicon``, ``f_qq``,
    ``schur``, each value's error bound in ``errors``, ``stability``, ``stable``,
    ``equilibrium``, ``reason``)."""

    points: list


def rs_solutions(T, J=1.0, J0=0.0, h=0.0) -> RSSolutions:
    r"""Every RS solution at each broadcast point of ``(T, J, J0, h)``, with its
    stability (see the module text).  ``stability`` is ``"stable"`` (longitudinally
    stable, the lowest such free energy, replicon > 0), ``"metastable"`` (as stable but
    a higher free energy), ``"unstable"`` (longitudinally unstable, or replicon < 0:
    below the AT line, where replica symmetry is broken) or ``"undecided"`` (a sign
    within its error bound; ``reason`` says which)."""
    T, J, J0, h = (np.asarray(a, float).reshape(-1) for a in np.broadcast_arrays(T, J, J0, h))
    if np.any(~np.isfinite(T) | (T <= 0)):
        raise ValueError("the RS solutions need a positive, finite temperature T")
    if np.any(~np.isfinite(J) | (J <= 0)):
        raise ValueError("the RS solutions need J > 0 (the spread of the couplings)")
    if np.any(~np.isfinite(J0) | (J0 < 0)):
        raise ValueError("the RS solutions are derived for J0 >= 0 (a ferromagnetic bias)")
    if np.any(~np.isfinite(h)):
        raise ValueError("the field h must be finite")
    slope = float(np.max(J / T))
    p = T.size
    sm, sq = np.meshgrid(START_M, START_Q, indexing="ij")
    s = sm.size
    rep = np.repeat(np.arange(p), s)
    args = (T[rep], J[rep], J0[rep], h[rep])
    m, q, res = _newton(np.tile(sm.ravel(), p), np.tile(sq.ravel(), p), *args, K_FINE, slope)
    # the same roots with the coarse rule: their difference bounds the quadrature error
    mc, qc, _ = _newton(m.copy(), q.copy(), *args, K_COARSE, slope, steps=8)
    fine = _quantities(m, q, *args, K_FINE, slope)
    coarse = _quantities(mc, qc, *args, K_COARSE, slope)
    m = np.where((args[2] == 0) & (args[3] == 0), 0.0, m)  # m = 0 exactly by symmetry
    # at h = 0, m = q = 0 solves the equations exactly: Newton's last 1e-40 is rounding
    zero = (args[3] == 0) & (np.abs(m) < 1e-30) & (q < 1e-30)
    m, q = np.where(zero, 0.0, m), np.where(zero, 0.0, q)
    found = res < RESIDUAL
    points = []
    for i in range(p):
        rows = []
        for j in np.nonzero(found[i * s : (i + 1) * s])[0] + i * s:
            if any(abs(r["m"] - m[j]) < MERGE and abs(r["q"] - q[j]) < MERGE for r in rows):
                continue
            row = {"m": float(m[j]) + 0.0, "q": float(q[j]), "errors": {}}
            for key, (v, rnd) in fine.items():
                err = float(abs(v[j] - coarse[key][0][j]) + rnd[j])
                row[key if key != "f" else "free_energy"] = float(v[j])
                row["errors"][key if key != "f" else "free_energy"] = err
            row["errors"]["m"] = float(abs(m[j] - mc[j]) + 4 * EPS)
            row["errors"]["q"] = float(abs(q[j] - qc[j]) + 4 * EPS)
            rows.append(row)
        _classify(rows, float(J0[i]))
        rows.sort(key=lambda r: (r["q"], r["m"]))
        points.append(rows)
    return RSSolutions(points)


def _classify(rows, j0):
    for r in rows:
        e = r["errors"]
        fqq = int(_sign(r["f_qq"], e["f_qq"]))
        schur = 1 if j0 == 0 else int(_sign(r["schur"], e["schur"]))
        rep = int(_sign(r["replicon"], e["replicon"]))
        r["longitudinal"] = None
        if fqq > 0 or (fqq < 0 and schur < 0):
            r["longitudinal"], r["reason"] = (
                False,
                ("not a maximum in q" if fqq > 0 else "not a minimum in m"),
            )
        elif fqq == 0 or schur == 0:
            r["reason"] = (
                f"f_qq = {r['f_qq']:.3g} within its error {e['f_qq']:.1g}"
                if fqq == 0
                else f"the m-curvature {r['schur']:.3g} within its error {e['schur']:.1g}"
            )
        else:
            r["longitudinal"] = True
            r["reason"] = "maximum in q" + ("" if j0 == 0 else ", minimum in m")
        r["rs_stable"] = None if rep == 0 else rep > 0
        if r["longitudinal"] and rep < 0:
            r["reason"] += (
                f"; replicon {r['replicon']:.6g} < 0: below the de Almeida-Thouless line, "
                "replica symmetry is broken"
            )
        elif r["longitudinal"] and rep == 0:
            r["reason"] += f"; replicon {r['replicon']:.3g} within its error {e['replicon']:.1g}"
        elif r["longitudinal"]:
            r["reason"] += f"; replicon {r['replicon']:.6g} > 0"
    candidates = [r for r in rows if r["longitudinal"]]
    low = min((r["free_energy"] for r in candidates), default=None)
    for r in rows:
        if r["longitudinal"] is None:
            r["stability"], r["stable"], r["equilibrium"] = "undecided", None, None
        elif not r["longitudinal"] or r["rs_stable"] is False:
            r["stability"], r["stable"], r["equilibrium"] = "unstable", False, False
        elif r["rs_stable"] is None:
            r["stability"], r["stable"], r["equilibrium"] = "undecided", None, None
        else:
            gap = r["free_energy"] - low
            tied = gap <= r["errors"]["free_energy"] + min(
                c["errors"]["free_energy"] for c in candidates if c["free_energy"] == low
            )
            r["stable"] = True
            r["equilibrium"] = bool(tied)
            r["stability"] = "stable" if tied else "metastable"


def rs_solution_mp(T, J, J0, h, m0, q0, digits: int) -> dict:
    r"""One RS solution polished in mpmath (``mpmath.quad`` over z, ``findroot``) from
    ``(m0, q0)`` to ``digits`` digits, with its free energy and replicon: an independent
    route (no trapezoid rule).  Values are mpf."""
    import mpmath as mp

    from .spin_glass_theory import rs_solve_mp

    m, q = rs_solve_mp(T, J, J0, h, m0=m0, q0=q0, digits=digits)
    with mp.workdps(digits + 10):
        T, J, J0, h = (mp.mpf(str(v)) for v in (T, J, J0, h))
        beta = 1 / T
        g = 1 / mp.sqrt(2 * mp.pi)
        m, q = mp.mpf(m), max(mp.mpf(q), mp.mpf(0))

        def avg(fn):
            def xi(z):
                return beta * (J * mp.sqrt(q) * z + J0 * m + h)

            return mp.quad(
                lambda z: g * mp.exp(-z * z / 2) * fn(xi(z)), [-mp.inf, -5, 0, 5, mp.inf]
            )

        lc = avg(lambda x: mp.log(2 * mp.cosh(x)))
        s4 = avg(lambda x: mp.sech(x) ** 4)
        f = -beta * J**2 / 4 * (1 - q) ** 2 + J0 * m**2 / 2 - T * lc
        return {"m": +m, "q": +q, "free_energy": +f, "replicon": 1 - (beta * J) ** 2 * s4}
