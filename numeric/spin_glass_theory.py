r"""Spin-glass theory in numbers: TAP solutions of one sample and the replica-symmetric
(RS) equations, with their phase diagram, the de Almeida-Thouless line and the
ground-state extrapolation (split from :mod:`statmech.numeric.spin_glass`, which
re-exports these names).

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

import dataclasses
from dataclasses import dataclass

import numpy as np

from .gauss_trapezoid import K_FINE
from .gauss_trapezoid import nodes as gauss_nodes

# --------------------------------------------------------------------------
# TAP


@dataclass
class TapSolutions:
    """Distinct TAP solutions of one sample: magnetizations ``m`` (K, N), free energies
    per spin ``f`` (K,), how many starts reached each (``hits``), q_EA per solution, and
    how many starts did not converge."""

    m: np.ndarray
    f: np.ndarray
    hits: np.ndarray
    q_ea: np.ndarray
    failed: int
    starts: int
    plefka: np.ndarray = None
    #: Starts that ended at the paramagnet m = 0 (:func:`tap_minima`).
    paramagnetic: int = 0
    #: Lowest eigenvalue of the Hessian of the TAP free energy per solution (> 0: a
    #: local minimum).
    hessian_min: np.ndarray = None
    #: Solutions counted once with their mirror image -m (h = 0).
    mirrored: bool = False


def tap_free_energy(k, m, temperature: float, h: float = 0.0) -> np.ndarray:
    r"""TAP free energy per spin, rows of ``m``:
    :math:`-\sum_{i<j}K_{ij}m_im_j - h\sum m_i - \frac\beta2\sum_{i<j}K_{ij}^2(1-m_i^2)
    (1-m_j^2) - T\sum_i S(m_i)` divided by N, with S the entropy of a spin of mean m."""
    m = np.atleast_2d(m)
    beta = 1.0 / temperature
    n = m.shape[1]
    pair = 0.5 * np.einsum("ki,ij,kj->k", m, k, m)
    one = 1.0 - m**2
    onsager = 0.25 * beta * np.einsum("ki,ij,kj->k", one, k**2, one)
    p, mm = (1 + m) / 2, (1 - m) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -(np.where(p > 0, p * np.log(p), 0.0) + np.where(mm > 0, mm * np.log(mm), 0.0))
    return (-pair - h * m.sum(1) - onsager - temperature * ent.sum(1)) / n


def _tap_residual(k, k2, m, beta, h):
    w = (1.0 - m**2) @ k2
    return np.tanh(beta * (h + m @ k - beta * m * w)) - m


def tap_solutions(
    k,
    temperature: float,
    h: float = 0.0,
    starts: int = 100,
    seed: int = 0,
    damping: float = 0.9,
    max_iter: int = 20000,
    tol: float = 1e-10,
    distinct: float = 1e-6,
) -> TapSolutions:
    r"""Fixed points of the TAP map :math:`m_i \leftarrow \tanh\beta(h + \sum_j K_{ij}m_j
    - \beta m_i\sum_j K_{ij}^2(1 - m_j^2))` (:func:`statmech.derive.tap.tap_map`), iterated
    in parallel and damped (``m <- damping m + (1 - damping) map(m)``) from ``starts``
    random starts plus m = 0, merged when closer than ``distinct`` (max norm); only starts
    whose map residual falls below ``tol`` count.  ``plefka`` per solution is
    :math:`1 - \beta^2 N^{-1}\sum_i(1 - m_i^2)^2`, which must be >= 0 for the TAP
    expansion to hold (Plefka 1982).

    Limitation: at h = 0 below T_c the damped parallel map is attracted to m = 0 (a
    solution that violates Plefka's condition there) from every start; the nontrivial
    solutions are found by :func:`tap_minima`."""
    from .spin_glass import check_couplings  # that module re-exports this one's names

    k = check_couplings(k)
    n = k.shape[0]
    beta = 1.0 / temperature
    rng = np.random.default_rng(seed)
    m = rng.uniform(-1, 1, (starts, n))
    m[0] = 0.0
    k2 = k**2
    done = np.zeros(starts, dtype=bool)
    for _ in range(max_iter):
        r = _tap_residual(k, k2, m, beta, h)
        done |= np.abs(r).max(axis=1) < tol
        if done.all():
            break
        m = np.where(done[:, None], m, m + (1.0 - damping) * r)
    good = np.abs(_tap_residual(k, k2, m, beta, h)).max(axis=1) < tol
    return _distinct_solutions(k, m[good], temperature, h, distinct, good, starts)


def _distinct_solutions(k, rows, temperature, h, distinct, good, starts) -> TapSolutions:
    """The converged ``rows`` merged (a row within ``distinct`` of an earlier solution in
    max norm counts as a hit of it), sorted by TAP free energy; ``good`` marks the
    converged starts."""
    n = k.shape[0]
    beta = 1.0 / temperature
    sols, hits = [], []
    for row in rows:
        for i, s in enumerate(sols):
            if np.abs(s - row).max() < distinct:
                hits[i] += 1
                break
        else:
            sols.append(row)
            hits.append(1)
    ms = np.array(sols).reshape(-1, n)
    f = tap_free_energy(k, ms, temperature, h) if len(sols) else np.zeros(0)
    order = np.argsort(f)
    ms = ms[order]
    return TapSolutions(
        m=ms,
        f=f[order],
        hits=np.array(hits, dtype=int)[order],
        q_ea=(ms**2).mean(axis=1),
        failed=int((~good).sum()),
        starts=starts,
        plefka=1.0 - beta**2 * ((1.0 - ms**2) ** 2).mean(axis=1),
    )


def _quench(k, s, rng, max_sweeps: int = 200):
    """Zero-temperature quenches: random sequential single flips that lower the energy,
    until no flip does (a local minimum of H per row of ``s``)."""
    n = k.shape[0]
    f = s @ k
    for _ in range(max_sweeps):
        moved = False
        for i in rng.permutation(n):
            down = 2.0 * s[:, i] * f[:, i] < -1e-12
            if down.any():
                d = np.where(down, -2.0 * s[:, i], 0.0)
                s[:, i] += d
                f += d[:, None] * k[i]
                moved = True
        if not moved:
            break
    return s


def _metropolis_average(k, s, beta, rng, sweeps: int, thermalization: int = 50):
    """Per row of ``s``: the mean of the spins over ``sweeps`` Metropolis sweeps at
    inverse temperature ``beta`` (after ``thermalization``), started at ``s``: the
    magnetizations of the valley the row starts in."""
    n = k.shape[0]
    f = s @ k
    total = np.zeros_like(s)
    for sweep in range(thermalization + sweeps):
        u = rng.random((n, s.shape[0]))
        for i in range(n):
            si = s[:, i]
            flip = u[i] < np.exp(-np.clip(2.0 * beta * si * f[:, i], 0.0, None))
            d = np.where(flip, -2.0 * si, 0.0)
            s[:, i] += d
            f += d[:, None] * k[i]
        if sweep >= thermalization:
            total += s
    return total / max(sweeps, 1)


def tap_hessian(k, m, temperature: float) -> np.ndarray:
    r"""Hessian of the TAP free energy (times N) at one solution ``m``:
    :math:`-K_{ij} - 2\beta m_im_jK_{ij}^2 + \delta_{ij}(\beta\sum_l K_{il}^2(1 - m_l^2)
    + T/(1 - m_i^2))`."""
    beta = 1.0 / temperature
    k2 = k**2
    hess = -k - 2.0 * beta * np.outer(m, m) * k2
    hess[np.diag_indices_from(hess)] += beta * (k2 @ (1.0 - m**2)) + temperature / (1.0 - m**2)
    return hess


def _tap_newton(k, k2, x, beta, h, tol, steps: int = 60):
    r"""Newton's method with backtracking (on the residual norm) on
    :math:`G(x) = \beta H^{TAP}(\tanh x) - x`, rows of ``x`` at once, with
    :math:`\partial G/\partial x = \beta(K - \beta\,\mathrm{diag}\,w
    + 2\beta\,\mathrm{diag}(m)K^{\circ 2}\mathrm{diag}(m))\,\mathrm{diag}(1 - m^2) - I`,
    :math:`w = K^{\circ 2}(1 - m^2)`."""
    n = k.shape[0]
    eye = np.eye(n)

    def g(x):
        m = np.tanh(x)
        w = (1.0 - m * m) @ k2
        return beta * (m @ k + h - beta * m * w) - x, m, w

    for _ in range(steps):
        r, m, w = g(x)
        todo = np.abs(r).max(axis=1) >= tol
        if not todo.any():
            break
        mm = m[todo]
        jac = (
            k[None]
            - beta * w[todo][:, :, None] * eye
            + 2.0 * beta * mm[:, :, None] * k2[None] * mm[:, None, :]
        )
        jac = beta * jac * (1.0 - mm * mm)[:, None, :] - eye
        try:
            dx = np.linalg.solve(jac, r[todo][..., None])[..., 0]
        except np.linalg.LinAlgError:
            break
        lam = np.ones(int(todo.sum()))
        xt, base = x[todo], np.linalg.norm(r[todo], axis=1)
        for _ in range(12):
            xn = np.clip(xt - lam[:, None] * dx, -19.0, 19.0)
            worse = np.linalg.norm(g(xn)[0], axis=1) > (1.0 - 1e-4 * lam) * base
            if not worse.any():
                break
            lam = np.where(worse, lam / 2, lam)
        x[todo] = xn
    return x


def tap_minima(
    k,
    temperature: float,
    h: float = 0.0,
    starts: int = 100,
    seed: int = 0,
    sweeps: int = 200,
    max_iter: int = 60,
    tol: float = 1e-11,
    distinct: float = 1e-6,
) -> TapSolutions:
    r"""Local minima of the TAP free energy of one sample, from ``starts`` starts: each
    start is a zero-temperature quench of a random configuration (a local minimum of H),
    then the mean spins of ``sweeps`` Metropolis sweeps at T from there (the valley's
    magnetizations), then Newton's method with backtracking on the TAP equations
    (:func:`_tap_newton`, ``max_iter`` steps) to a residual below ``tol``.

    The TAP free energy cannot be minimized outright at h = 0 below T_c: m = 0 is a
    local minimum at every T (its Hessian :math:`T + \beta - K` is positive since
    :math:`\lambda_{max}(K) \to 2J`), and below T_c, where it violates Plefka's
    condition, its free energy :math:`-T\ln 2 - \beta J^2/4` lies below the physical
    solutions', so a descent from any start ends there (as does the damped map of
    :func:`tap_solutions`).  Newton's method instead goes to the solution near the
    start.  Starts that reach m = 0 are counted in ``paramagnetic``; the other
    converged ones are merged (at h = 0 with their mirror image -m, ``mirrored``);
    ``plefka`` (>= 0 for a physical solution) and ``hessian_min`` (> 0: a local
    minimum, else a saddle) are given per solution.  Finding every solution is not
    claimed: their number grows exponentially with N, and at N of a few hundred the
    starts reached fewer (in tests, none away from m = 0 for some samples at N = 256)."""
    from .spin_glass import check_couplings

    k = check_couplings(k)
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"the temperature must be positive and finite, got {temperature}")
    n = k.shape[0]
    beta = 1.0 / temperature
    rng = np.random.default_rng(seed)
    s = _quench(k, np.where(rng.random((starts, n)) < 0.5, -1.0, 1.0), rng)
    x = np.arctanh(np.clip(_metropolis_average(k, s, beta, rng, sweeps), -0.999, 0.999))
    k2 = k**2
    x = _tap_newton(k, k2, x, beta, h, tol, steps=max_iter)
    m = np.tanh(x)
    good = np.abs(_tap_residual(k, k2, m, beta, h)).max(axis=1) < 1e3 * tol
    trivial = good & ((m * m).mean(axis=1) < 1e-12)
    mirrored = h == 0.0
    rows = m[good & ~trivial]
    if mirrored:  # each solution counted once with its mirror image
        rows = [-row if row.sum() < 0 else row for row in rows]
    found = _distinct_solutions(k, rows, temperature, h, distinct, good, starts)
    return dataclasses.replace(
        found,
        paramagnetic=int(trivial.sum()),
        hessian_min=np.array(
            [np.linalg.eigvalsh(tap_hessian(k, row, temperature))[0] for row in found.m]
        ),
        mirrored=mirrored,
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
