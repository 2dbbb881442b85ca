r"""TAP solutions of one spin-glass sample: the stationary points of the
Thouless-Anderson-Palmer free energy (derived in :mod:`statmech.derive.tap`)

.. math::

    N f = -\sum_{i<j}K_{ij}m_im_j - h\sum_i m_i
        - \frac\beta2\sum_{i<j}K_{ij}^2(1-m_i^2)(1-m_j^2) - T\sum_i S(m_i),

that is the solutions of :math:`m_i = \tanh\beta(h + \sum_j K_{ij}m_j - \beta m_i\sum_j
K_{ij}^2(1 - m_j^2))` (split from :mod:`statmech.numeric.spin_glass_theory`, which
re-exports these names).

Two searches: :func:`tap_solutions` iterates the damped map (enough in a field above
the AT line, where the solution is unique); :func:`tap_minima` finds the solutions of
the glassy phase, where the map does not converge and, at h = 0, everything falls
to m = 0 (see its notes); :func:`tap_follow` follows one solution in temperature.

References
----------
D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977);
T. Plefka, J. Phys. A 15, 1971 (1982);
A. J. Bray and M. A. Moore, J. Phys. C 12, L441 (1979);
T. Aspelmeier and M. A. Moore, Phys. Rev. E 100, 032127 (2019).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

#: The pressures mu / J of :func:`tap_minima`'s continuation, ending at mu = 0 (the TAP
#: free energy itself).
PRESSURES = (0.3, 0.2, 0.14, 0.1, 0.07, 0.05, 0.035, 0.025, 0.017, 0.012, 0.008, 0.005, 0.0025, 0.0)
#: Jacobians held at once by :func:`_tap_newton` (rows x N x N doubles).
_NEWTON_BLOCK = 1 << 24


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
    #: Plefka's condition per solution (:func:`tap_plefka`, >= 0 where the expansion holds).
    plefka: np.ndarray = None
    #: Starts that ended at the paramagnet m = 0 (:func:`tap_minima`).
    paramagnetic: int = 0
    #: Lowest eigenvalue of the Hessian of the TAP free energy per solution (> 0: a
    #: local minimum).
    hessian_min: np.ndarray = None
    #: Solutions counted once with their mirror image -m (h = 0).
    mirrored: bool = False
    #: Largest residual |tanh(beta(...)) - m_i| of the TAP equations per solution.
    residual: np.ndarray = None
    #: The residual below which a start counts as converged.
    tolerance: float = 0.0


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


def tap_residual(k, m, temperature: float, h: float = 0.0) -> np.ndarray:
    r"""Largest residual per row of ``m``: :math:`\max_i|\tanh\beta(h + \sum_j K_{ij}m_j -
    \beta m_i\sum_j K_{ij}^2(1 - m_j^2)) - m_i|`."""
    m = np.atleast_2d(m)
    return np.abs(_tap_residual(k, k**2, m, 1.0 / temperature, h)).max(axis=1)


def tap_plefka(k, m, temperature: float) -> np.ndarray:
    r"""Plefka's condition per row of ``m``: :math:`1 - \beta^2 N^{-1}\sum_{ij}K_{ij}^2
    (1 - m_j^2)^2`, the sample's form of :math:`1 - \beta^2J^2N^{-1}\sum_j(1 - m_j^2)^2`
    (equal where every :math:`\sum_j K_{ij}^2 = J^2`).  The expansion behind the TAP
    free energy converges where it is >= 0 (Plefka 1982); the states of the glassy
    phase at h = 0 sit on its border (zero as N -> oo), so at finite N it scatters
    about zero."""
    m = np.atleast_2d(m)
    n = m.shape[1]
    beta = 1.0 / temperature
    return 1.0 - beta**2 * ((1.0 - m**2) ** 2 @ (k**2)).sum(axis=1) / n


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
    :func:`tap_plefka`.

    Limitation: at h = 0 below T_c the damped parallel map is attracted to m = 0 (a
    solution that violates Plefka's condition there) from every start; the nontrivial
    solutions are found by :func:`tap_minima`."""
    from .spin_glass import check_couplings

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
    found = _distinct_solutions(k, m[good], temperature, h, distinct, good, starts)
    return dataclasses.replace(found, tolerance=tol)


def _distinct_solutions(
    k, rows, temperature, h, distinct, good, starts, mirrored: bool = False
) -> TapSolutions:
    """The converged ``rows`` merged (a row within ``distinct`` of an earlier solution in
    max norm, or with ``mirrored`` of its image -m, counts as a hit of it), sorted by TAP
    free energy; ``good`` marks the converged starts.  Mirrored solutions are given with
    sum(m) >= 0."""
    n = k.shape[0]
    sols, hits = [], []
    for row in rows:
        if mirrored and row.sum() < 0:
            row = -row
        for i, s in enumerate(sols):
            gap = np.abs(s - row).max()
            if mirrored:
                gap = min(gap, np.abs(s + row).max())
            if gap < distinct:
                hits[i] += 1
                break
        else:
            sols.append(row)
            hits.append(1)
    ms = np.array(sols).reshape(-1, n)
    f = tap_free_energy(k, ms, temperature, h) if len(sols) else np.zeros(0)
    order = np.argsort(f, kind="stable")
    ms = ms[order]
    return TapSolutions(
        m=ms,
        f=f[order],
        hits=np.array(hits, dtype=int)[order],
        q_ea=(ms**2).mean(axis=1),
        failed=int((~good).sum()),
        starts=starts,
        plefka=tap_plefka(k, ms, temperature) if len(sols) else np.zeros(0),
        residual=tap_residual(k, ms, temperature, h) if len(sols) else np.zeros(0),
        mirrored=mirrored,
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
    :math:`w = K^{\circ 2}(1 - m^2)`.  A step is taken only where it lowers the residual
    norm (Armijo); a row whose 16 halvings all fail stays where it is and stops."""
    n = k.shape[0]
    block = max(1, _NEWTON_BLOCK // (n * n))
    if x.shape[0] > block:  # bounded memory: the Jacobians of a block of rows at a time
        for a in range(0, x.shape[0], block):
            x[a : a + block] = _tap_newton(k, k2, x[a : a + block], beta, h, tol, steps)
        return x
    eye = np.eye(n)

    def g(x):
        m = np.tanh(x)
        w = (1.0 - m * m) @ k2
        return beta * (m @ k + h - beta * m * w) - x, m, w

    stalled = np.zeros(x.shape[0], dtype=bool)
    for _ in range(steps):
        r, m, w = g(x)
        todo = (np.abs(r).max(axis=1) >= tol) & ~stalled
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
        xt, base = x[todo], np.linalg.norm(r[todo], axis=1)
        lam = np.ones(len(xt))
        accepted = np.zeros(len(xt), dtype=bool)
        for _ in range(16):
            xn = np.clip(xt - lam[:, None] * dx, -19.0, 19.0)
            better = np.linalg.norm(g(xn)[0], axis=1) <= (1.0 - 1e-4 * lam) * base
            better &= ~accepted
            xt = np.where(better[:, None], xn, xt)
            accepted |= better
            if accepted.all():
                break
            lam = np.where(accepted, lam, lam / 2)
        x[todo] = xt
        idx = np.flatnonzero(todo)
        stalled[idx[~accepted]] = True
    return x


_KERNEL = None


def _descent_kernel():
    """The compiled coordinate-descent sweeps of :func:`_pressure_descent` (numba, kept
    in the kernel cache; compiled on first use)."""
    global _KERNEL
    if _KERNEL is None:
        import numba as nb

        @nb.njit(cache=True)
        def sweeps_at(k, k2, m, x, temperature, beta, h, mu, sweeps, tol):  # pragma: no cover
            n = m.shape[0]
            field = k @ m + h
            w = k2 @ (1.0 - m * m)
            for _ in range(sweeps):
                moved = 0.0
                for i in range(n):
                    a = beta * w[i] - mu
                    lo = (field[i] - abs(a)) / temperature
                    hi = (field[i] + abs(a)) / temperature
                    xi = min(max(x[i], lo), hi)  # the root lies in [lo, hi]
                    for _ in range(50):  # T x + a tanh x = field, increasing since a > -T
                        t = np.tanh(xi)
                        g = temperature * xi + a * t - field[i]
                        if g > 0.0:
                            hi = xi
                        else:
                            lo = xi
                        step = g / (temperature + a * (1.0 - t * t))
                        xn = xi - step
                        if xn <= lo or xn >= hi:
                            xn = 0.5 * (lo + hi)  # bisection where Newton leaves the bracket
                        if abs(xn - xi) < 1e-14 * (1.0 + abs(xi)):
                            xi = xn
                            break
                        xi = xn
                    new = np.tanh(xi)
                    d = new - m[i]
                    moved = max(moved, abs(d))
                    dw = new * new - m[i] * m[i]
                    for j in range(n):
                        field[j] += d * k[i, j]
                        w[j] -= dw * k2[i, j]
                    m[i] = new
                    x[i] = xi
                if moved < tol:
                    break
            return m

        _KERNEL = sweeps_at
    return _KERNEL


def _pressure_descent(k, m, temperature, h, pressures, sweeps: int = 400, tol: float = 1e-9):
    r"""Rows of ``m`` (starts) carried down in a pressure mu: at each mu of ``pressures``
    (the last 0), sequential sweeps that set each :math:`m_i` to the minimum of
    :math:`N f_{TAP} - \frac\mu2\sum_j m_j^2` in :math:`m_i` with the others held
    (coordinate descent: :math:`T\,\mathrm{atanh}\,m_i + (\beta w_i - \mu)m_i = h +
    \sum_j K_{ij}m_j`, one root for :math:`\mu < T`), until no :math:`m_i` moves by
    ``tol`` (or ``sweeps`` sweeps).  Each minimum starts the next mu.  A row whose q falls
    below 1e-3 has lost its valley (no minimum there at that mu) and is dropped.  Exact
    one-site minimisation needs no step size and is not slowed by saturated spins, where
    gradient methods in m or in atanh m are (condition numbers of 1e8 and more)."""
    kernel = _descent_kernel()
    k = np.ascontiguousarray(k, dtype=float)
    k2 = k**2
    out = np.array(m, dtype=float)
    for r in range(out.shape[0]):
        mr = out[r].copy()
        xr = np.arctanh(mr)
        for mu in pressures:
            mr = kernel(k, k2, mr, xr, temperature, 1.0 / temperature, h, mu, sweeps, tol)
            if (mr * mr).mean() < 1e-3:
                break
        out[r] = mr
    return out


def tap_minima(
    k,
    temperature: float,
    h: float = 0.0,
    starts: int = 100,
    seed: int = 0,
    sweeps: int = 200,
    max_iter: int = 60,
    tol: float = 1e-10,
    distinct: float = 1e-6,
    pressures=PRESSURES,
    newton_retry: bool = False,
    start_temperature: float | None = None,
) -> TapSolutions:
    r"""TAP solutions of one sample in the glassy phase, from ``starts`` starts.

    Each start is a zero-temperature quench of a random configuration (a local minimum
    of H), then the mean spins of ``sweeps`` Metropolis sweeps at T from there (the
    magnetizations of the valley), then a continuation in a pressure mu: the local
    minimum of :math:`N f_{TAP} - \frac\mu2\sum_i m_i^2` followed from
    :math:`\mu = 0.3J` down to 0 (``pressures`` in units of
    :math:`J = (N^{-1}\sum_{ij}K_{ij}^2)^{1/2}`, :func:`_pressure_descent`), then
    Newton's method on the TAP equations (:func:`_tap_newton`, ``max_iter`` steps).
    A start whose valley has no minimum falls to m = 0; with ``newton_retry``,
    Newton's method from the valley's magnetizations is tried for those as well (the
    earlier search: it finds saddles too, but rarely anything at N >= 128, at four
    times the cost).  ``start_temperature`` (default T) is the Monte Carlo run's.  A
    start counts as converged where the residual (:func:`tap_residual`) is below
    ``tol``.

    Why a continuation.  At h = 0 below T_c, m = 0 is a local minimum of the TAP free
    energy at every T (its Hessian :math:`T + \beta - K` is positive since
    :math:`\lambda_{max}(K) \to 2J`), and its free energy
    :math:`-T\ln 2 - \beta J^2/4` lies below the physical solutions'.  The valleys
    the Monte Carlo run finds are shallow channels down to m = 0: the physical
    states are marginal (their Plefka condition and lowest Hessian eigenvalue vanish
    as N -> oo; Aspelmeier and Moore 2019), so at finite N a valley holds a minimum
    only by a small margin, and a start from the Monte Carlo average (residual 0.3 to
    0.8) lies outside its basin: a plain descent, the damped map and Newton's method
    from there end at m = 0 or stall.  The pressure deepens the valley and is released
    slowly (mu < T, so each one-site problem keeps one root); the minimum followed
    either reaches mu = 0, a TAP minimum, or merges with a saddle at some mu* > 0,
    where the descent falls to m = 0: the valley holds no TAP solution at this T.  At
    N = 256, T = 0.3 most valleys end so (mu* from 0.01 to 0.1 J); the minima that
    remain are deep (q_EA near 0.88 against the RS 0.73).  Measured with 32 to 100
    starts (SK samples of :func:`statmech.numeric.spin_glass.model_couplings`, seeds
    0 to 3): at N = 64 and 128, T = 0.4 and 0.5, a sample has one pair +-m or none
    found, reached by 40 to 100 % of the starts when it is there; at T = 0.3, 0 to 4
    distinct minima at N = 256 and 1 to 5 at N = 512 (1 to 20 % of the starts); at
    N = 256, T = 0.4, 0 or 2, and at T = 0.5 none (three samples, 100 starts each).
    The minima found at T = 0.3 for N = 256, followed up in T (:func:`tap_follow`),
    end at T = 0.305 to 0.405, their lowest Hessian eigenvalue going to zero: at this
    size the minima are short-lived in T, and cooled they stay.

    Starts that reach m = 0 are counted in ``paramagnetic``; the other converged ones
    are merged (at h = 0 with their mirror image -m, ``mirrored``); ``plefka``
    (:func:`tap_plefka`), ``hessian_min`` (> 0: a local minimum, else a saddle) and
    ``residual`` are given per solution.  Finding every solution is not claimed: their
    number grows exponentially with N, and the count is what these starts reached."""
    from .spin_glass import check_couplings

    k = check_couplings(k)
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"the temperature must be positive and finite, got {temperature}")
    n = k.shape[0]
    beta = 1.0 / temperature
    k2 = k**2
    rng = np.random.default_rng(seed)
    s = _quench(k, np.where(rng.random((starts, n)) < 0.5, -1.0, 1.0), rng)
    beta_start = beta if start_temperature is None else 1.0 / start_temperature
    m0 = np.clip(_metropolis_average(k, s, beta_start, rng, sweeps), -0.999, 0.999)
    x0 = np.arctanh(m0)
    scale = float(np.sqrt(k2.sum() / n)) or 1.0
    mus = [min(scale * p, 0.9 * temperature) for p in pressures]  # mu < T: one root per site
    m = _pressure_descent(k, m0, temperature, h, mus)
    x = _tap_newton(k, k2, np.arctanh(np.clip(m, -1 + 1e-15, 1 - 1e-15)), beta, h, tol, max_iter)
    m = np.tanh(x)

    def classify(m):
        good = np.abs(_tap_residual(k, k2, m, beta, h)).max(axis=1) < tol
        return good, good & ((m * m).mean(axis=1) < 1e-12)

    good, trivial = classify(m)
    retry = np.flatnonzero(~good | trivial)
    if newton_retry and len(retry):  # no minimum in these valleys: Newton from the start
        m2 = np.tanh(_tap_newton(k, k2, x0[retry].copy(), beta, h, tol, steps=max_iter))
        good2, trivial2 = classify(m2)
        take = good2 & ~trivial2
        m[retry[take]] = m2[take]
        good[retry[take]], trivial[retry[take]] = True, False
    mirrored = h == 0.0
    found = _distinct_solutions(
        k, m[good & ~trivial], temperature, h, distinct, good, starts, mirrored=mirrored
    )
    return dataclasses.replace(
        found,
        paramagnetic=int(trivial.sum()),
        hessian_min=np.array(
            [np.linalg.eigvalsh(tap_hessian(k, row, temperature))[0] for row in found.m]
        ),
        tolerance=tol,
    )


@dataclass
class TapPath:
    """One TAP solution followed in temperature: ``temperatures`` (K,), solutions ``m``
    (K, N), free energies per spin ``f``, ``hessian_min`` per point; ``ended`` says why
    it stopped before the last temperature asked for (``None`` where it got there)."""

    temperatures: np.ndarray
    m: np.ndarray
    f: np.ndarray
    hessian_min: np.ndarray
    ended: str | None


def tap_follow(
    k,
    m,
    temperature: float,
    to: float,
    step: float = 0.005,
    h: float = 0.0,
    tol: float = 1e-10,
    jump: float = 0.3,
) -> TapPath:
    r"""Follow the TAP solution ``m`` at ``temperature`` to ``to`` in steps of ``step``:
    at each T the coordinate descent of :func:`_pressure_descent` (mu = 0) from the
    previous solution, then Newton's method to a residual below ``tol``.  The path
    ends where that fails, falls to m = 0, or moves some :math:`m_i` by more than
    ``jump`` in one step (another solution): a minimum that meets its saddle (the lowest
    Hessian eigenvalue going to zero on the way) disappears there."""
    from .spin_glass import check_couplings

    k = check_couplings(k)
    k2 = k**2
    kernel = _descent_kernel()
    sign = 1.0 if to >= temperature else -1.0
    grid = temperature + sign * step * np.arange(
        1, int(np.floor(abs(to - temperature) / step + 1e-9)) + 1
    )
    if len(grid) == 0 or abs(grid[-1] - to) > 1e-12:
        grid = np.append(grid, to)
    grid = np.round(grid, 12)
    ts, ms = [float(temperature)], [np.array(m, dtype=float)]
    ended = None
    for t in grid:
        cur = ms[-1].copy()
        cur = kernel(k, k2, cur, np.arctanh(cur), t, 1.0 / t, h, 0.0, 3000, 1e-12)
        x = np.arctanh(np.clip(cur, -1 + 1e-15, 1 - 1e-15))[None]
        new = np.tanh(_tap_newton(k, k2, x, 1.0 / t, h, tol)[0])
        if tap_residual(k, new, t, h)[0] >= tol:
            ended = f"no solution reached at T = {t:g}"
        elif (new * new).mean() < 1e-3:
            ended = f"fell to m = 0 at T = {t:g}"
        elif np.abs(new - ms[-1]).max() > jump:
            ended = f"jumped to another solution at T = {t:g}"
        if ended:
            break
        ts.append(float(t))
        ms.append(new)
    ms = np.array(ms)
    return TapPath(
        temperatures=np.array(ts),
        m=ms,
        f=np.array([tap_free_energy(k, row, t, h)[0] for row, t in zip(ms, ts, strict=True)]),
        hessian_min=np.array(
            [np.linalg.eigvalsh(tap_hessian(k, row, t))[0] for row, t in zip(ms, ts, strict=True)]
        ),
        ended=ended,
    )
