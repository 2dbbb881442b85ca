r"""Every solution of the AGS replica-symmetric equations at :math:`T > 0`, fast.

The equations (derived in :mod:`statmech.derive.hopfield_replica`), with
:math:`\beta = 1/T`, :math:`\sigma = \sqrt{\alpha r}` and :math:`d = 1 - \beta(1 - q)`:

.. math::

    m = \mathbb{E}_z\tanh\beta(m + \sigma z),\quad
    q = \mathbb{E}_z\tanh^2\beta(m + \sigma z),\quad
    r = q / d^2 .

They are reduced to one unknown on each branch, scanned on a grid for sign
changes, bracketed, and polished by Newton's method on the full gradient with
the analytic Hessian:

* **retrieval** (:math:`m > 0`, only at :math:`T < 1`): for fixed :math:`m`,
  :math:`\mathbb{E}\tanh\beta(m + \sigma z)` falls strictly from
  :math:`\tanh\beta m` to 0 as :math:`\sigma` grows (Stein's lemma), so the
  :math:`m` equation has one root :math:`\sigma(m)` for
  :math:`0 < m < m_{\rm M}` (the Mattis root :math:`m_{\rm M} = \tanh\beta
  m_{\rm M}`), below 1 (:math:`\mathbb{E}\operatorname{sign}(m + z) =
  \operatorname{erf}(m/\sqrt2) < m`).  Then :math:`q(m)` follows, and the
  :math:`r` equation is one equation in :math:`m`:
  :math:`R(m) = \sigma d - \sqrt{\alpha q} = 0` with :math:`d > 0`.  Pairs of
  roots closer than the grid (near the fold :math:`T_M`) are caught by
  maximising :math:`R` between grid points where it has a local extremum.
* **spin glass** (:math:`m = 0`, :math:`q > 0`): one equation in :math:`q`,
  :math:`q = \mathbb{E}\tanh^2(\beta\sigma(q) z)` with
  :math:`\sigma(q) = \sqrt{\alpha q}/d`, on :math:`q > \max(0, 1 - T)`.
* **paramagnet** (:math:`m = q = r = 0`): a solution at every :math:`T`, inside
  the domain of the free energy (:math:`d > 0`) only at :math:`T > 1`.

Solutions with :math:`m < 0` are the mirror images of those with :math:`m > 0`
and are listed too.

**Gaussian averages.** The trapezoid rule
(:func:`statmech.numeric.gauss_trapezoid.rule`) on :math:`|z| \le 9` (the normal
tail beyond weighs below :math:`10^{-18}`).  The integrands are analytic in the
strip :math:`|\operatorname{Im} z| < \pi/(2\beta\sigma)` (the poles of tanh), where
the rule's error falls as :math:`e^{-2\pi d_{\rm strip}/h} = e^{-\pi^2/(\beta\sigma
h)}` (Trefethen and Weideman 2014); the step :math:`h = 0.27/(\beta\sigma_{\max})`
(at most 0.25) keeps it below :math:`10^{-15}`.  Gauss-Hermite converges only
as :math:`e^{-c\sqrt n}` here, hopelessly at low :math:`T`.  The number of
nodes grows like :math:`1/T`; below about :math:`T = 0.002` the solver refuses
and points to the :math:`T = 0` equations.

**Stability** (within the replica-symmetric ansatz).  :math:`(q, r)` is a
conjugate pair, and as :math:`n \to 0` the replica free energy is a maximum in
the overlap direction and a minimum in :math:`m` (Mezard, Parisi and Virasoro
1987, ch. III): the Hessian of :math:`f` in :math:`(m, q, r)` at a stable
solution has exactly one negative eigenvalue, and that one lies in the
:math:`(q, r)` block.  By Haynsworth's inertia additivity (the inertia of
:math:`H` is that of the block :math:`f_{yy}`, :math:`y = (q, r)`, plus that of
its Schur complement) this is two signs:

1. the pair is at a saddle: :math:`\det f_{yy} = f_{qq}f_{rr} - f_{qr}^2 < 0`;
2. :math:`m` is at a minimum with :math:`(q, r)` at their stationary values:
   :math:`F''(m) = f_{mm} - f_{m,y} f_{yy}^{-1} f_{y,m} > 0`, the curvature of the
   reduced free energy :math:`F(m) = f(m, y^*(m))`.

At the paramagnet the first is :math:`(\alpha/2T)^2\big(\alpha\beta^2/(1-\beta)^2
- 1\big) < 0`, i.e. :math:`T > T_g = 1 + \sqrt\alpha`; the second selects the
upper retrieval branch over the lower one, and holds at the spin glass
(:math:`F'' = f_{mm} = 1 - \beta(1 - q) > 0`).  A sign within ``DECIDE``
(relative) of zero leaves the stability undecided (at a fold or at
:math:`T_g`), and :func:`solutions` raises :class:`Undecided`.  *Equilibrium* is
the stable solution of lowest free energy (the two mirror retrieval states
together).

**Replica symmetry** is reported separately, by the replicon eigenvalue
:math:`\lambda = 1 - \alpha\beta^2 d^{-2}\,\mathbb{E}\operatorname{sech}^4
\beta(m + \sigma z)`, *quoted* from Amit, Gutfreund and Sompolinsky (1987,
sec. 4: the line :math:`T_R` below which the retrieval states break replica
symmetry); it is checked here by giving :math:`T_g` at the paramagnet
(:math:`\lambda = 1 - \alpha\beta^2/(1 - \beta)^2`).  The spin glass has
:math:`\lambda < 0`: its replica-symmetric solution is an approximation
(as in the SK model).

References
----------
D. J. Amit, H. Gutfreund and H. Sompolinsky, Ann. Phys. (N.Y.) 173, 30 (1987).
L. N. Trefethen and J. A. C. Weideman, SIAM Rev. 56, 385 (2014).
M. Mezard, G. Parisi and M. A. Virasoro, Spin Glass Theory and Beyond (1987).
"""

from __future__ import annotations

import math

import numpy as np

from ..gauss_trapezoid import rule as trapezoid_rule

#: The z range of the trapezoid rule, and the largest number of its nodes.
Z_MAX = 9.0
MAX_NODES = 80001
#: Grid points of the scans in m (retrieval) and in q (spin glass).
M_POINTS = 160
Q_POINTS = 240
#: A curvature smaller than this (relative to its scale) leaves stability undecided.
DECIDE = 1e-9


class Undecided(ArithmeticError):
    """The stability of a solution cannot be decided (a curvature is zero within error)."""


def nodes(T: float, sigma_max: float):
    """Trapezoid nodes and weights for :math:`\\mathbb{E}_z` with poles of tanh at
    :math:`\\operatorname{Im} z = \\pi/(2\\beta\\sigma)`, :math:`\\sigma \\le` ``sigma_max``."""
    h = min(0.25, 0.27 * T / max(sigma_max, 1e-300))
    steps = int(math.ceil(Z_MAX / h))
    n = 2 * steps + 1
    if n > MAX_NODES:
        raise ValueError(
            f"T={T:g} is too low for the finite-temperature quadrature ({n} nodes); "
            "use T=0 for the zero-temperature equations"
        )
    return trapezoid_rule(steps, Z_MAX)


class Averages:
    """Gaussian averages of functions of :math:`u = \\beta(m + \\sigma z)` on fixed nodes."""

    def __init__(self, T: float, sigma_max: float):
        self.T = float(T)
        self.beta = 1.0 / self.T
        self.z, self.w = nodes(self.T, sigma_max)

    def u(self, m, sigma):
        m, sigma = np.broadcast_arrays(np.asarray(m, float), np.asarray(sigma, float))
        return self.beta * (m[..., None] + sigma[..., None] * self.z), m.shape

    def mean(self, values):
        """The weighted sum over the last axis (not BLAS: its threads stall small sums)."""
        return np.einsum("...k,k->...", values, self.w)

    def tanh(self, m, sigma):
        """:math:`(\\mathbb{E}t, \\mathbb{E}zs)` with :math:`t = \\tanh u`, :math:`s = 1 - t^2`."""
        u, _ = self.u(m, sigma)
        t = np.tanh(u)
        return self.mean(t), self.mean((1 - t * t) * self.z)

    def tanh2(self, m, sigma):
        u, _ = self.u(m, sigma)
        t = np.tanh(u)
        return self.mean(t * t)

    def all(self, m, sigma) -> dict:
        """Every average the free energy, gradient, Hessian and replicon need."""
        u, _ = self.u(m, sigma)
        t = np.tanh(u)
        s = 1 - t * t
        e = self.mean
        return {
            "t": e(t),
            "t2": e(t * t),
            "s": e(s),
            "ts": e(t * s),
            "s2": e(s * s),
            "t2s": e(t * t * s),
            "logcosh": e(np.logaddexp(u, -u)),  # log 2 cosh u
        }


def free_energy(m, q, r, T, alpha, av: dict) -> float:
    """The AGS free energy per unit (``av`` from :meth:`Averages.all` at the point)."""
    d = 1 - (1 - q) / T
    return (
        m**2 / 2
        + alpha / 2
        + alpha * T / 2 * np.log(d)
        - alpha * q / (2 * d)
        + alpha * r * (1 - q) / (2 * T)
        - T * av["logcosh"]
    )


def gradient(m, q, r, T, alpha, av) -> np.ndarray:
    """:math:`(f_m, f_q, f_r)`."""
    d = 1 - (1 - q) / T
    c = alpha / (2 * T)
    return np.array([m - av["t"], c * (q / d**2 - r), c * (av["t2"] - q)])


def hessian(m, q, r, T, alpha, av) -> np.ndarray:
    r"""Second derivatives of :math:`f` in :math:`(m, q, r)`; :math:`\partial_r` of the
    averages by Stein's lemma, :math:`\partial_r\mathbb{E}t^2 = \alpha\beta^2
    \mathbb{E}(s^2 - 2t^2 s)` (no :math:`1/\sqrt r`)."""
    b = 1 / T
    d = 1 - (1 - q) * b
    c = alpha / (2 * T)
    f_mm = 1 - b * av["s"]
    f_mr = c * 2 * b * av["ts"]
    f_qq = c * (1 - b * (1 + q)) / d**3
    f_qr = -c
    f_rr = c * alpha * b * b * (av["s2"] - 2 * av["t2s"])
    return np.array([[f_mm, 0.0, f_mr], [0.0, f_qq, f_qr], [f_mr, f_qr, f_rr]])


def replicon(m, q, r, T, alpha, av) -> float:
    """The replicon eigenvalue (quoted, AGS 1987 sec. 4): negative where RS breaks."""
    d = 1 - (1 - q) / T
    return 1 - alpha / T**2 * av["s2"] / d**2


def curvatures(H: np.ndarray) -> tuple[float, float]:
    r"""``(saddle, m_curvature)``: :math:`\det f_{yy} = f_{qq}f_{rr} - f_{qr}^2` (stable:
    < 0, a saddle in the conjugate pair) and the Schur complement of :math:`f_{mm}` over
    :math:`y = (q, r)` (stable: > 0)."""
    fq = H[1, 1] * H[2, 2] - H[1, 2] ** 2
    yy = H[1:, 1:]
    try:
        fm = H[0, 0] - H[0, 1:] @ np.linalg.solve(yy, H[1:, 0])
    except np.linalg.LinAlgError:
        fm = math.nan
    return float(fq), float(fm)


# --------------------------------------------------------------------------
# the reduced equations


def _mattis(T: float) -> float:
    """The positive root of :math:`m = \\tanh(m/T)` (T < 1), by Newton from m = 1."""
    m = 1.0
    for _ in range(100):
        t = math.tanh(m / T)
        step = (m - t) / (1 - (1 - t * t) / T)
        m -= step
        if abs(step) < 1e-16:
            break
    return m


def sigma_of_m(av: Averages, m, bisections: int = 14, newton: int = 5):
    r""":math:`\sigma(m)` solving :math:`m = \mathbb{E}\tanh\beta(m + \sigma z)` for
    :math:`0 < m < m_{\rm M}` (vectorised): bisection on :math:`[0, 1]`, then Newton
    (:math:`\partial_\sigma\mathbb{E}t = \beta\mathbb{E}zs < 0`) kept inside the bracket."""
    m = np.asarray(m, float)
    lo, hi = np.zeros(m.shape), np.ones(m.shape)
    for _ in range(bisections):
        mid = (lo + hi) / 2
        above = av.tanh(m, mid)[0] > m  # the average still exceeds m: sigma is larger
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    s = (lo + hi) / 2
    for _ in range(newton):
        t, zs = av.tanh(m, s)
        slope = av.beta * zs
        step = np.where(slope < 0, (t - m) / np.where(slope < 0, slope, -1.0), 0.0)
        s = np.clip(s - step, lo, hi)
    return s


def retrieval_residual(av: Averages, alpha: float, m):
    """:math:`R(m) = \\sigma d - \\sqrt{\\alpha q}` along :math:`\\sigma(m)`, with
    :math:`\\sigma` and :math:`q`."""
    s = sigma_of_m(av, m)
    q = av.tanh2(m, s)
    d = 1 - (1 - q) * av.beta
    return s * d - np.sqrt(alpha * q), s, q


def spin_glass_residual(av: Averages, alpha: float, q):
    """:math:`q - \\mathbb{E}\\tanh^2(\\beta\\sigma(q)z)` with :math:`\\sigma = \\sqrt{\\alpha
    q}/d`, and :math:`\\sigma`."""
    q = np.asarray(q, float)
    d = 1 - (1 - q) * av.beta
    s = np.sqrt(alpha * q) / d
    return q - av.tanh2(np.zeros(q.shape), s), s


def _brackets(x, y) -> list[tuple[float, float]]:
    """Intervals of ``x`` where ``y`` changes sign (exact zeros count once)."""
    out = []
    for k in range(len(x) - 1):
        if y[k] == 0:
            out.append((x[k], x[k]))
        elif y[k] * y[k + 1] < 0:
            out.append((x[k], x[k + 1]))
    return out


def _root(fn, a, b, iterations: int = 100) -> float:
    """A root of ``fn`` in the bracket ``[a, b]`` by the Illinois variant of regula falsi
    (superlinear, the bracket kept), to rounding."""
    fa, fb = fn(a), fn(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    side = 0
    for _ in range(iterations):
        c = (a * fb - b * fa) / (fb - fa)
        if not a < c < b:
            c = (a + b) / 2
        fc = fn(c)
        if fc == 0 or b - a < 4e-16 * max(1.0, abs(c)):
            return c
        if (fc < 0) == (fb < 0):
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
        if abs(b - a) < 1e-15 * max(1.0, abs(c)):
            break
    return (a * fb - b * fa) / (fb - fa) if fb != fa else (a + b) / 2


def _peak(fn, a, b, iterations: int = 60) -> tuple[float, float]:
    """The maximum of ``fn`` on ``[a, b]`` by golden-section search, and its value."""
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = fn(c), fn(d)
    for _ in range(iterations):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = fn(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = fn(d)
        if fc > 0 or fd > 0:  # a positive value is all that is needed: two roots
            break
    return (c, fc) if fc > fd else (d, fd)


def _scan_roots(fn, grid) -> list[float]:
    """Roots of the scalar function ``fn`` (vectorised) on ``grid``: sign changes, and
    pairs hidden between grid points near a local extremum close to zero."""
    y = fn(grid)
    roots = []

    def scalar(v):
        return float(fn(np.array([v]))[0])

    for a, b in _brackets(grid, y):
        roots.append(a if a == b else _root(scalar, a, b))
    small = 0.05 * float(np.max(np.abs(y)))
    for k in range(1, len(grid) - 1):
        for sign in (1.0, -1.0):  # a local maximum below zero, or a minimum above
            v = sign * y[k]
            if -small < v < 0 and v > sign * y[k - 1] and v > sign * y[k + 1]:
                x, top = _peak(lambda t, s=sign: s * scalar(t), grid[k - 1], grid[k + 1])
                if top > 0:
                    roots.append(_root(scalar, grid[k - 1], x))
                    roots.append(_root(scalar, x, grid[k + 1]))
    return sorted(roots)


def _newton(x, T, alpha, av_full, fixed_m0: bool, steps: int = 30):
    """Newton on the full gradient from ``x = (m, q, r)`` (``m = 0`` held where asked)."""
    x = np.array(x, float)
    for _ in range(steps):
        av = av_full(*x)
        g = gradient(*x, T, alpha, av)
        H = hessian(*x, T, alpha, av)
        if fixed_m0:
            step = np.zeros(3)
            step[1:] = np.linalg.solve(H[1:, 1:], g[1:])
        else:
            step = np.linalg.solve(H, g)
        x = x - step
        if np.all(np.abs(step) <= 1e-15 * (1 + np.abs(x))):
            break
    return x


def solutions(T: float, alpha: float) -> list[dict]:
    r"""Every solution of the AGS equations at ``T > 0``, ``alpha > 0``.

    Returns dicts with ``kind`` (``"retrieval"``, ``"spin glass"``, ``"paramagnet"``),
    ``m``, ``q``, ``r``, ``free_energy``, ``stable``, ``stability`` (``"stable"``
    for the equilibrium, ``"metastable"``, ``"unstable"``), ``equilibrium``,
    ``curvature`` (:math:`F''(m)`), ``qr_determinant`` (:math:`\det f_{yy}`), ``replicon``,
    ``replica_symmetric`` and ``residual`` (the largest gradient component),
    sorted by ``m``.  Raises :class:`Undecided` where a stability cannot be decided
    and ``ValueError`` for ``T``, ``alpha`` outside their range.
    """
    T, alpha = float(T), float(alpha)
    if not (math.isfinite(T) and T > 0):
        raise ValueError(f"temperature must be positive here, got T={T}")
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"the load alpha must be positive, got alpha={alpha}")
    sg_sigma_max = math.sqrt(alpha) + 2.0
    found = []  # (kind, m, q, r)

    # retrieval: only below T = 1 (above, the m equation has no root m > 0 at any sigma)
    if T < 1:
        av = Averages(T, 1.0)
        m_m = _mattis(T)
        # uniform in m, and geometric towards m_M, where the upper branch sits at low T
        # (m_M itself ends the grid: sigma = 0 there and R = -sqrt(alpha q) < 0)
        grid = np.unique(
            np.concatenate(
                [
                    m_m * np.linspace(0.0, 1.0, M_POINTS + 1)[1:],
                    m_m * (1 - np.geomspace(1e-12, 0.05, M_POINTS // 4)),
                ]
            )
        )
        for m0 in _scan_roots(lambda mm: retrieval_residual(av, alpha, mm)[0], grid):
            _, s, q0 = retrieval_residual(av, alpha, np.array([m0]))
            found.append(("retrieval", m0, float(q0[0]), float(s[0]) ** 2 / alpha))

    # spin glass: q on (max(0, 1 - T), 1).  At a solution sigma <= sqrt(alpha) + 0.8:
    # d = 1 - beta E sech^2(beta sigma z) >= 1 - sqrt(2/pi)/sigma (the Gaussian density is
    # at most 1/sqrt(2 pi) and sech^2 integrates to 2), and sigma = sqrt(alpha q)/d; so
    # the scan stops where sigma(q) = sqrt(alpha q)/d exceeds a bound above that
    q_lo = max(0.0, 1.0 - T)
    if T < 1:
        # sigma(q) falls with q here; the lower end has sigma = sg_sigma_max
        # d = (q - q_lo)/T: solve sqrt(alpha q) T / (q - q_lo) = sigma_max for the start
        qs = q_lo + T * math.sqrt(alpha) / sg_sigma_max  # first guess (q ~ 1)
        for _ in range(50):
            qs = q_lo + T * math.sqrt(alpha * qs) / sg_sigma_max
        start = qs
        grid = start + (1 - start) * np.linspace(0, 1, Q_POINTS) ** 1.5
    else:
        grid = np.concatenate(
            [np.geomspace(1e-9, 1e-2, 60, endpoint=False), np.linspace(1e-2, 1, Q_POINTS)]
        )
        # beta <= 1: a wide sigma is cheap; beyond 50 (no solution there) the grid stops
        sig = np.sqrt(alpha * grid) / (1 - (1 - grid) / T)
        grid = grid[sig <= 50.0]
        sg_sigma_max = max(sg_sigma_max, float(np.max(sig[sig <= 50.0])))
    avg = Averages(T, sg_sigma_max)
    for q0 in _scan_roots(lambda qq: spin_glass_residual(avg, alpha, qq)[0], grid):
        if q0 <= 1e-9:
            continue
        s = float(spin_glass_residual(avg, alpha, np.array([q0]))[1][0])
        found.append(("spin glass", 0.0, q0, s * s / alpha))
    if T > 1:
        found.append(("paramagnet", 0.0, 0.0, 0.0))

    out = []
    for kind, m0, q0, r0 in found:
        sig = math.sqrt(alpha * max(r0, 0.0))
        av_pol = Averages(T, max(sig, 1e-3) * 1.5 if sig > 0 else 1.0)

        def full(m, q, r, a=av_pol):
            return a.all(m, math.sqrt(alpha * max(r, 0.0)))

        x = (m0, q0, r0) if kind == "paramagnet" else _newton((m0, q0, r0), T, alpha, full, m0 == 0)
        m, q, r = (float(v) for v in x)
        av = full(m, q, r)
        g = gradient(m, q, r, T, alpha, av)
        H = hessian(m, q, r, T, alpha, av)
        fq, fm = curvatures(H)
        stable = _stability(H, fq, fm, kind, m, q, T, alpha)
        lam = float(replicon(m, q, r, T, alpha, av))
        item = {
            "kind": kind,
            "m": m,
            "q": q,
            "r": r,
            "free_energy": float(free_energy(m, q, r, T, alpha, av)),
            "stable": stable,
            "curvature": fm,
            "qr_determinant": fq,
            "replicon": lam,
            "replica_symmetric": bool(lam > 0),
            "residual": float(np.max(np.abs(g))),
        }
        out.append(item)
        if kind == "retrieval":
            out.append({**item, "m": -m})
    out = _dedupe(out)
    stable = [s for s in out if s["stable"]]
    low = min((s["free_energy"] for s in stable), default=math.inf)
    for s in out:
        s["equilibrium"] = bool(s["stable"] and s["free_energy"] <= low + 1e-12)
        s["stability"] = (
            "unstable" if not s["stable"] else ("stable" if s["equilibrium"] else "metastable")
        )
    return sorted(out, key=lambda s: s["m"])


def _stability(H, det_yy, fm, kind, m, q, T, alpha) -> bool:
    """Stable: ``det_yy < 0`` and ``F''(m) = fm > 0`` (then ``H`` has one negative
    eigenvalue, in the (q, r) block, by inertia additivity).  Each sign is decided
    against its own scale (``DECIDE``); where one is zero within it, the solution is
    still unstable if ``H`` has two clearly negative eigenvalues, and otherwise
    :class:`Undecided` is raised."""
    det_scale = abs(H[1, 1] * H[2, 2]) + H[1, 2] ** 2
    m_scale = abs(H[0, 0]) + abs(H[0, 0] - fm)
    why = None
    if not abs(det_yy) > DECIDE * det_scale:
        why = "the (q, r) block of the Hessian is singular within rounding"
    elif not abs(fm) > DECIDE * m_scale:
        why = "the curvature in m is zero within rounding (a fold or T_g)"
    if why is None:
        return bool(det_yy < 0 and fm > 0)
    eig = np.linalg.eigvalsh(H)
    if int(np.sum(eig < -DECIDE * float(np.max(np.abs(eig))))) >= 2:
        return False
    raise Undecided(
        f"the stability of the {kind} solution (m={m:.6g}, q={q:.6g}) at T={T:g}, "
        f"alpha={alpha:g} is undecided: {why}"
    )


def _dedupe(items: list[dict]) -> list[dict]:
    out = []
    for s in items:
        if not any(abs(s["m"] - o["m"]) < 1e-9 and abs(s["q"] - o["q"]) < 1e-9 for o in out):
            out.append(s)
    return out


# --------------------------------------------------------------------------
# the lines of the phase diagram from the solver


def _retrieval_free_energy(T: float, alpha: float):
    """The free energy of the stable retrieval state at (T, alpha), or None."""
    found = [s for s in solutions(T, alpha) if s["kind"] == "retrieval" and s["stable"]]
    return min((s["free_energy"] for s in found), default=None)


def retrieval_temperature(alpha: float, T_low: float = 0.01, tol: float = 1e-8) -> float:
    r""":math:`T_M(\alpha)`: the highest temperature with a stable retrieval solution, by
    bisection in :math:`T \in (` ``T_low`` :math:`, 1)` (none above :math:`T = 1`);
    NaN where there is none at ``T_low``."""
    if _retrieval_free_energy(T_low, alpha) is None:
        return math.nan
    lo, hi = T_low, 1.0
    while hi - lo > tol:
        mid = (lo + hi) / 2
        try:
            ok = _retrieval_free_energy(mid, alpha) is not None
        except Undecided:  # at the fold itself: the line is here to the tolerance
            return mid
        lo, hi = (mid, hi) if ok else (lo, mid)
    return (lo + hi) / 2


def transition_temperature(alpha: float, T_low: float = 0.01, tol: float = 1e-8) -> float:
    r""":math:`T_c(\alpha)`: below it the retrieval state has a lower free energy than the
    spin glass; bisection on the sign of the difference in :math:`(` ``T_low``
    :math:`, T_M)`; NaN where the spin glass is lower already at ``T_low``."""

    def gap(T):
        ret = _retrieval_free_energy(T, alpha)
        sg = [s["free_energy"] for s in solutions(T, alpha) if s["kind"] == "spin glass"]
        return math.inf if ret is None else ret - sg[0]

    if not gap(T_low) < 0:
        return math.nan
    lo, hi = T_low, retrieval_temperature(alpha, T_low, tol)
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return (lo + hi) / 2
