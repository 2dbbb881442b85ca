r"""Averages over a standard normal :math:`z` by the trapezoid rule on the real line.

.. math::

    \mathbb{E}_z[g(z)] = \int_{-\infty}^{\infty} g(z)\,\frac{e^{-z^2/2}}{\sqrt{2\pi}}\,dz
    \approx \Delta\sum_{k=-n}^{n} g(k\Delta)\,\frac{e^{-k^2\Delta^2/2}}{\sqrt{2\pi}} .

For an integrand analytic in the strip :math:`|\operatorname{Im} z| < d` the rule's
error falls like :math:`e^{-2\pi d/\Delta}` (Trefethen and Weideman, SIAM Rev. 56,
385 (2014), section 5): exponentially in the number of points, where Gauss-Hermite
converges only like :math:`e^{-c\,d\sqrt n}`.  The spin-glass integrands are functions of
:math:`\tanh(az + b)` with real :math:`b`, whose nearest poles sit at
:math:`\operatorname{Im} z = \pm\pi/(2a)`; the step is
:math:`\Delta = \min(0.2,\ 2\pi d/K)` with :math:`d = \pi/(2a)` and :math:`K` =
:data:`K_FINE` = 48.  The cut at :math:`|z| = 10` drops a Gaussian weight below
:math:`10^{-22}`.

Measured against ``mpmath.quad`` (30 digits) for :math:`\mathbb{E}\tanh^2(az + b)`,
:math:`a` from 0.3 to 20, :math:`b \in \{0, 0.7\}`: the error is :math:`\sim 10^{-11}`
at :math:`K = 30`, :math:`\lesssim 4\times10^{-16}` at :math:`K = 40` and at rounding
level (:math:`\lesssim 2\times10^{-16}`) at :math:`K \ge 48`, for every :math:`a`
(``tests/test_spin_glass_numeric.py`` repeats this).  :func:`nodes` with
``k=K_COARSE`` (36) gives a coarser rule whose difference from the fine one
over-estimates the fine rule's error by about :math:`e^{12}`: callers use it as the
quadrature part of an error bound.

This is the single Gaussian average of the spin-glass code
(:mod:`statmech.numeric.spin_glass_theory`) and, through :func:`rule` with their own
step, of the Hopfield solvers (:mod:`statmech.numeric.hopfield`).  The general solver's averages of
:class:`~statmech.derive.gaussian.GaussianAverage` are Gauss-Hermite sums
(:mod:`statmech.numeric.gaussian`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

#: Strip widths per step of the fine rule (error at rounding level).
K_FINE = 48
#: Strip widths per step of the coarse rule used for error estimates.
K_COARSE = 36
#: Half width of the truncated line.
HALF_WIDTH = 10.0
#: Largest step (the Gaussian alone is then integrated to :math:`e^{-2\pi^2/0.04}`).
MAX_STEP = 0.2


def points_for(slope: float, k: float = K_FINE) -> int:
    r"""Number of points on each side of zero for integrands in :math:`\tanh(az + b)`
    with :math:`|a| \le` ``slope``."""
    slope = abs(float(slope))
    step = MAX_STEP if slope == 0 else min(MAX_STEP, math.pi**2 / (slope * k))
    n = math.ceil(HALF_WIDTH / step)
    return int(16 * math.ceil(n / 16))  # few distinct rules, so the cache stays small


@functools.lru_cache(maxsize=32)
def rule(n: int, half_width: float = HALF_WIDTH) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes ``z`` and weights ``w`` of the trapezoid rule for :math:`\mathbb{E}_z` on
    :math:`|z| \le` ``half_width`` with ``n`` steps on each side of zero (``2n + 1``
    nodes, step ``half_width / n``): ``E g = g(z) @ w``.  Read-only arrays, cached.

    Callers that size the step themselves (the Hopfield solvers) use this directly;
    :func:`nodes` sizes it for integrands in :math:`\tanh(az + b)`.
    """
    z = np.arange(-n, n + 1) * (half_width / n)
    w = np.exp(-0.5 * z * z) * (half_width / n / math.sqrt(2.0 * math.pi))
    z.setflags(write=False)
    w.setflags(write=False)
    return z, w


def nodes(slope: float, k: float = K_FINE) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes ``z`` and weights ``w`` (``sum(w) = 1`` to rounding) of the trapezoid rule
    for :math:`\mathbb{E}_z g(z)` with ``g`` a function of :math:`\tanh(az + b)`,
    :math:`|a| \le` ``slope``: ``E g = g(z) @ w``.  Read-only arrays, cached.

    Examples
    --------
    >>> import numpy as np
    >>> z, w = nodes(2.0)
    >>> bool(abs(w.sum() - 1.0) < 1e-15)
    True
    """
    if not math.isfinite(float(slope)):
        raise ValueError(f"the slope of the integrand must be finite, got {slope}")
    return rule(points_for(slope, k))


def average(g, slope: float, k: float = K_FINE):
    r""":math:`\mathbb{E}_z g(z)` for a vectorised ``g`` (called once on the node array,
    the node axis last)."""
    z, w = nodes(slope, k)
    return g(z) @ w
