r"""Kaufman's exact partition function of the Ising model on a finite L x M torus.

.. math::

    Z = \tfrac12 (2\sinh 2K)^{LM/2} \sum_{i=1}^{4} Z_i,\qquad K = J/T,

    Z_{1,2} = \prod_{r=0}^{L-1} 2\cosh, 2\sinh\bigl(\tfrac{M}{2}\gamma_{2r+1}\bigr),\quad
    Z_{3,4} = \prod_{r=0}^{L-1} 2\cosh, 2\sinh\bigl(\tfrac{M}{2}\gamma_{2r}\bigr),

    \cosh\gamma_q = \cosh 2K \coth 2K - \cos(\pi q / L)\ (q \ge 1),\qquad
    \gamma_0 = 2K + \log\tanh K.

:math:`\gamma_0` keeps its sign: it is negative above :math:`T_c`, where
:math:`Z_4 < 0`; taking ``arccosh`` for it would silently give the wrong Z on
one side of the transition.  Energy and heat capacity come from analytic
derivatives in :math:`K`, combined so that nothing cancels catastrophically for
large lattices (``L = 256`` takes milliseconds per temperature).

References
----------
Kaufman, Phys. Rev. 76, 1232 (1949); Beale, Phys. Rev. Lett. 76, 78 (1996).
"""

from __future__ import annotations

import mpmath
import numpy as np


def _c_derivatives(K, xp=np):
    """:math:`c = \\cosh 2K \\coth 2K` and its first two K-derivatives."""
    u = 2 * K
    sh, ch = xp.sinh(u), xp.cosh(u)
    c = ch * ch / sh
    c1 = 2 * ch * (1 - 1 / (sh * sh))
    c2 = 4 * (sh - 1 / sh + 2 * ch * ch / sh**3)
    return c, c1, c2


def _gamma0(K, xp=np):
    u = 2 * K
    g = u + xp.log(xp.tanh(K))
    e = xp.exp(-u)
    one_minus_e2 = -xp.expm1(-2 * u)
    # 1/sinh u = 2e/(1 - e^2), cosh u/sinh^2 u = 2e(1 + e^2)/(1 - e^2)^2 with e = exp(-u):
    # no overflow at low T
    g1 = 2 + 4 * e / one_minus_e2
    g2 = -8 * e * (1 + e * e) / one_minus_e2**2
    return g, g1, g2


#: Above this K the modes are computed scaled by c (which overflows for K > 355).
SCALED_K = 20.0


def _gammas(K, q, L):
    """gamma_q and its K-derivatives for modes ``q >= 1``, shape (len(K), len(q))."""
    cos = np.cos(np.pi * q[None, :] / L)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        c, c1, c2 = (a[:, None] for a in _c_derivatives(K))
        ch = c - cos
        g = np.arccosh(ch)
        sg = np.sqrt((ch - 1) * (ch + 1))
        g1 = c1 / sg
        g2 = (c2 - ch * g1 * g1) / sg
    big = K > SCALED_K
    if np.any(big):
        # divide c, c', c'' and cosh(gamma) by c: c ~ e^{2K}/2 overflows at low T
        kb = K[big][:, None]
        u = 2 * kb
        q2 = np.exp(-2 * u)
        inv_c = 2 * np.exp(-u) * -np.expm1(-2 * u) / (1 + q2) ** 2  # sinh / cosh^2
        sh_m2 = (2 * np.exp(-u) / -np.expm1(-2 * u)) ** 2  # 1 / sinh^2
        r1 = 2 * np.tanh(u) * (1 - sh_m2)  # c' / c
        ch_m2 = 4 * q2 / (1 + q2) ** 2  # 1 / cosh^2
        r2 = 4 * (np.tanh(u) ** 2 - ch_m2 + 2 * sh_m2)  # c'' / c
        chs = 1 - cos * inv_c  # cosh(gamma) / c
        sgs = np.sqrt((chs - inv_c) * (chs + inv_c))  # sinh(gamma) / c
        log_c = u - np.log(2) + 2 * np.log1p(q2) - np.log(-np.expm1(-2 * u))
        g[big] = log_c + np.log(chs + sgs)
        g1[big] = r1 / sgs
        g2[big] = (r2 - chs * g1[big] ** 2) / sgs
    return g, g1, g2


def _log_cosh_terms(x, x1, x2):
    """Sums over modes of log(2 cosh x) and its first two derivatives."""
    ax = np.abs(x)
    t = np.tanh(x)
    ell = (ax + np.log1p(np.exp(-2 * ax))).sum(axis=-1)
    d1 = (t * x1).sum(axis=-1)
    d2 = ((1 - t * t) * x1 * x1 + t * x2).sum(axis=-1)
    return ell, d1, d2


def _log_sinh_terms(x, x1, x2):
    """Sums over modes (all x > 0) of log(2 sinh x) and its first two derivatives."""
    ct = 1 / np.tanh(x)
    ell = (x + np.log(-np.expm1(-2 * x))).sum(axis=-1)
    d1 = (ct * x1).sum(axis=-1)
    d2 = ((1 - ct * ct) * x1 * x1 + ct * x2).sum(axis=-1)
    return ell, d1, d2


def log_partition_derivatives(L: int, M: int, K):
    r"""``(log Z, d log Z / dK, d^2 log Z / dK^2)`` for an ``L x M`` torus, arrays over ``K``."""
    K = np.atleast_1d(np.asarray(K, dtype=np.float64))
    q_odd = np.arange(1, 2 * L, 2, dtype=np.float64)
    q_even = np.arange(2, 2 * L, 2, dtype=np.float64)
    half = M / 2
    go, go1, go2 = _gammas(K, q_odd, L)
    ge, ge1, ge2 = _gammas(K, q_even, L)
    g0, g01, g02 = _gamma0(K)
    x0, x01, x02 = half * g0, half * g01, half * g02
    terms = [
        _log_cosh_terms(half * go, half * go1, half * go2),
        _log_sinh_terms(half * go, half * go1, half * go2),
    ]
    ell3, d3, dd3 = _log_cosh_terms(half * ge, half * ge1, half * ge2)
    c0 = _log_cosh_terms(x0[:, None], x01[:, None], x02[:, None])
    terms.append((ell3 + c0[0], d3 + c0[1], dd3 + c0[2]))
    # Z_4 = 2 sinh(x0) * R, with x0 of either sign (possibly 0): keep it as a factor.
    ellR, p, p2 = _log_sinh_terms(half * ge, half * ge1, half * ge2)
    a0 = np.abs(x0)
    e2 = np.exp(-2 * a0)
    s = np.sign(x0) * (1 - e2)  # 2 sinh(x0) / e^{|x0|}
    s1 = (1 + e2) * x01
    s2 = s * x01 * x01 + (1 + e2) * x02
    ell4 = ellR + a0

    g = terms[0][1]  # reference slope: that of Z_1, which never vanishes
    ells = np.stack([t[0] for t in terms] + [ell4])
    top = ells.max(axis=0)
    a = np.exp(ells - top)
    value = sum(a[i] for i in range(3)) + a[3] * s
    first = sum(a[i] * terms[i][1] for i in range(3)) + a[3] * (s1 + s * p)
    second = sum(a[i] * (terms[i][2] + (terms[i][1] - g) ** 2) for i in range(3)) + a[3] * (
        s2 + 2 * s1 * (p - g) + s * (p2 + (p - g) ** 2)
    )
    d_log = first / value
    dd_log = second / value - (d_log - g) ** 2

    n = L * M
    u = 2 * K
    log_2sinh = u + np.log(-np.expm1(-2 * u))  # log(2 sinh u), no overflow at low T
    log_z = np.log(0.5) + 0.5 * n * log_2sinh + top + np.log(value)
    d_log = d_log + n / np.tanh(u)
    dd_log = dd_log - 2 * n * (2 * np.exp(-u) / -np.expm1(-2 * u)) ** 2  # 2n / sinh^2 u
    return log_z, d_log, dd_log


def torus_thermodynamics(L: int, T, J: float = 1.0, M: int | None = None) -> dict:
    r"""Exact free energy, energy and heat capacity per spin of an ``L x M`` torus at zero field.

    Parameters
    ----------
    L, M : int
        Linear sizes (``M`` defaults to ``L``); both at least 2.
    T : float or array
        Temperatures (``k_B = 1``).
    J : float
        Coupling (ferromagnetic, > 0).

    Returns
    -------
    dict of arrays shaped like ``T``: ``free_energy_per_spin``, ``energy_per_spin``,
    ``heat_capacity_per_spin``, ``log_Z``.

    Examples
    --------
    >>> r = torus_thermodynamics(2, 1.0)
    >>> round(float(r["energy_per_spin"]), 10)
    -1.9959820859
    """
    M = L if M is None else M
    if L < 2 or M < 2:
        raise ValueError(f"the torus needs L, M >= 2, got L={L}, M={M}")
    T_arr = np.asarray(T, dtype=np.float64)
    if np.any(T_arr <= 0):
        raise ValueError("temperature must be positive")
    K = J / T_arr
    log_z, d1, d2 = log_partition_derivatives(L, M, K.ravel())
    n = L * M
    shape = T_arr.shape
    return {
        "log_Z": log_z.reshape(shape),
        "free_energy_per_spin": (-T_arr.ravel() * log_z / n).reshape(shape),
        "energy_per_spin": (-J * d1 / n).reshape(shape),
        "heat_capacity_per_spin": (K.ravel() ** 2 * d2 / n).reshape(shape),
    }


def torus_thermodynamics_mp(L: int, T, J=1, M: int | None = None, dps: int = 30) -> dict:
    """The same at ``dps`` significant digits with mpmath (one temperature)."""
    M = L if M is None else M
    if L < 2 or M < 2:
        raise ValueError(f"the torus needs L, M >= 2, got L={L}, M={M}")
    n = L * M
    with mpmath.workdps(max(dps + 15 + 2 * len(str(n)), mpmath.mp.dps)):
        T, J = mpmath.mpf(T), mpmath.mpf(J)
        if T <= 0:
            raise ValueError("temperature must be positive")
        K = J / T
        c, c1, c2 = _c_derivatives(K, mpmath)
        half = mpmath.mpf(M) / 2

        def mode(q):
            if q == 0:
                g, g1, g2 = _gamma0(K, mpmath)
            else:
                ch = c - mpmath.cos(mpmath.pi * q / L)
                g = mpmath.acosh(ch)
                sg = mpmath.sinh(g)
                g1 = c1 / sg
                g2 = (c2 - ch * g1 * g1) / sg
            return half * g, half * g1, half * g2

        def product(qs, kind):
            z, d, dd = mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)
            for q in qs:
                x, x1, x2 = mode(q)
                if kind == "cosh":
                    z *= 2 * mpmath.cosh(x)
                    t = mpmath.tanh(x)
                else:
                    z *= 2 * mpmath.sinh(x)
                    t = mpmath.coth(x)
                d += t * x1
                dd += (1 - t * t) * x1 * x1 + t * x2
            return z, z * d, z * (dd + d * d)  # Z_i, Z_i', Z_i''

        odd = range(1, 2 * L, 2)
        parts = [product(odd, "cosh"), product(odd, "sinh"), product(range(0, 2 * L, 2), "cosh")]
        r, rp, rpp = product(range(2, 2 * L, 2), "sinh")
        x0, x01, x02 = mode(0)
        s0, s1 = 2 * mpmath.sinh(x0), 2 * mpmath.cosh(x0) * x01
        s2 = s0 * x01 * x01 + 2 * mpmath.cosh(x0) * x02
        parts.append((s0 * r, s1 * r + s0 * rp, s2 * r + 2 * s1 * rp + s0 * rpp))
        z = sum(p[0] for p in parts)
        z1 = sum(p[1] for p in parts)
        z2 = sum(p[2] for p in parts)
        u = 2 * K
        log_z = mpmath.log(z / 2) + n * mpmath.log(2 * mpmath.sinh(u)) / 2
        d1 = z1 / z + n * mpmath.coth(u)
        d2 = z2 / z - (z1 / z) ** 2 - 2 * n / mpmath.sinh(u) ** 2
        out = {
            "log_Z": log_z,
            "free_energy_per_spin": -T * log_z / n,
            "energy_per_spin": -J * d1 / n,
            "heat_capacity_per_spin": K**2 * d2 / n,
        }
        return {k: +v for k, v in out.items()}
