r"""Error bars for correlated Monte Carlo series.

Every estimate is an :class:`Estimate` (mean, error, integrated autocorrelation
time).  Series are arrays of shape ``(replicas, n)``: independent replicas
(rows), each a time series of ``n`` measurements.

* Means of measured series: the integrated autocorrelation time
  :math:`\tau_{\rm int}` comes from the replica-averaged autocorrelation function
  with Sokal's automatic window, and

  .. math::

      \sigma^2_{\bar x} = \frac{2\,\tau_{\rm int}\,\sigma^2_x}{R\,n}

  (with :math:`\tau_{\rm int} = \tfrac12` for uncorrelated data).
* Derived quantities (heat capacity, susceptibility, Binder cumulant) are
  functions of several means; their errors come from a jackknife over blocks
  (bins) of each replica's series, with blocks much longer than
  :math:`\tau_{\rm int}`, so that autocorrelation is accounted for.
* :func:`binning_analysis` is the classic cross-check: the error of the mean
  from bins of growing size reaches a plateau at the honest error.

A slow mode with a small amplitude (in a field below :math:`T_c`, a replica's
rare visit to the metastable state flips the :math:`-hM` part of the energy)
is missed by a window tuned on the fast decay of the series itself: the energy's
:math:`\tau_{\rm int}` came out 1.3 where the sum over the slow tail gives 11,
and its error bar three times too small.  So the estimates of one run share one
window, set by the slowest series measured (:func:`shared_window`: ``WINDOW_C``
times the largest automatic :math:`\tau_{\rm int}` among them), and every mean's
:math:`\tau_{\rm int}` is cross-checked against a binning analysis
(:func:`binning_tau`); where the two disagree by more than
:data:`DISAGREEMENT` the larger is used and :attr:`Estimate.note` says so.

Thermalisation rule (used by :mod:`numeric.simulation`): the first
``max(100, sweeps // 5)`` sweeps are discarded, and a run whose discarded part is
shorter than :data:`THERMALISATION_TAUS` integrated autocorrelation times (in
sweeps) of its slowest observable is flagged.

References
----------
A. D. Sokal, "Monte Carlo methods in statistical mechanics: foundations and new
algorithms", in *Functional Integration* (Springer, 1997), sec. 3;
N. Madras and A. D. Sokal, J. Stat. Phys. 50, 109 (1988), doi:10.1007/BF01022990;
B. Efron, *The Jackknife, the Bootstrap and Other Resampling Plans* (SIAM, 1982);
H. Flyvbjerg and H. G. Petersen, J. Chem. Phys. 91, 461 (1989), doi:10.1063/1.457480.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Sokal's window constant: the smallest window ``M >= WINDOW_C * tau_int(M)``.
WINDOW_C = 5.0
#: A series shorter than this many autocorrelation times is flagged (emcee's rule).
MIN_TAUS = 50.0
#: Jackknife blocks are at least this many integrated autocorrelation times long.
BLOCK_TAUS = 10.0
#: At most this many jackknife blocks per replica (more gain nothing).
MAX_BLOCKS_PER_REPLICA = 64
#: A run is flagged when it discarded fewer autocorrelation times than this.
THERMALISATION_TAUS = 20.0
#: Windowed and binned tau_int disagree when one exceeds the other this many times.
DISAGREEMENT = 2.0
#: The binning cross-check uses the largest bins of which at least this many remain.
MIN_BINS = 64
#: The spread of the replicas' means overrules the windowed error when it is larger
#: than this quantile of its distribution under honest error bars.
SPREAD_QUANTILE = 0.999


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate: ``mean +- error``, with the integrated
    autocorrelation time ``tau_int`` in units of measurements."""

    mean: float
    error: float
    tau_int: float
    note: str = ""  # why the error bar deserves a second look (not in as_dict)

    def z(self, exact: float) -> float:
        """How many error bars the estimate lies from ``exact``."""
        diff = self.mean - exact
        if self.error > 0:
            return diff / self.error
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)

    def as_dict(self) -> dict:
        return {"mean": self.mean, "error": self.error, "tau_int": self.tau_int}

    def __str__(self) -> str:
        return f"{self.mean:.6g} +- {self.error:.2g} (tau_int {self.tau_int:.3g})"


def _as_series(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"series must have shape (replicas, n) with n >= 1, got {x.shape}")
    return x


def autocorrelation(x) -> np.ndarray:
    r"""Normalised autocorrelation function :math:`\rho(t)`, ``t = 0..n-1``,
    averaged over replicas, about the mean of all replicas together.

    Uses the FFT and the estimator :math:`C(t) = \frac1n\sum_i \delta x_i\,\delta x_{i+t}`.
    A constant series gives :math:`\rho = (1, 0, 0, \dots)`.
    """
    x = _as_series(x)
    _, n = x.shape
    d = x - x.mean()
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, n=size, axis=1)
    c = np.fft.irfft(f * np.conj(f), n=size, axis=1)[:, :n].mean(axis=0) / n
    if c[0] <= 0:
        out = np.zeros(n)
        out[0] = 1.0
        return out
    return c / c[0]


def integrated_time(x, c: float = WINDOW_C, window: int | None = None) -> tuple[float, bool]:
    r"""Integrated autocorrelation time with Sokal's automatic window.

    .. math::

        \tau_{\rm int}(M) = \tfrac12 + \sum_{t=1}^{M} \rho(t),

    with ``M`` the smallest window such that ``M >= c * tau_int(M)``, or at
    least ``window`` when given (a window shared with slower series: see
    :func:`shared_window`).

    Returns
    -------
    (tau_int, reliable) : (float, bool)
        ``reliable`` is False when no such window exists below ``n``, or when
        the series is shorter than ``MIN_TAUS * tau_int`` (then ``tau_int``
        and any error bar built on it are likely underestimates).
    """
    rho = autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:]) if rho.size > 1 else np.array([0.5])
    if window is not None and taus.size:
        m = min(max(int(window), 1), taus.size) - 1
        own, reliable = integrated_time(x, c)
        tau = float(max(taus[m], 0.5, own))
        return tau, reliable and rho.size >= MIN_TAUS * tau
    windows = np.arange(1, taus.size + 1)
    ok = windows >= c * taus
    if not ok.any():
        return float(max(taus[-1], 0.5)), False
    m = int(np.argmax(ok))
    tau = float(max(taus[m], 0.5))
    return tau, rho.size >= MIN_TAUS * tau


def shared_window(series, c: float = WINDOW_C) -> int:
    """One summation window for the series of one run: ``c`` times the largest
    automatic tau_int among them (the slowest mode seen), so that a series in which
    that mode has a small amplitude still sums its slow tail."""
    slowest = max(integrated_time(x, c)[0] for x in series)
    return max(1, math.ceil(c * slowest))


def binning_tau(x, min_bins: int = MIN_BINS) -> float | None:
    """tau_int from the binning analysis: ``(error_b / error_1)**2 / 2`` at the largest
    bins of which at least ``min_bins`` remain (None for a constant or too short series)."""
    rows = binning_analysis(x, min_bins=min_bins)
    if len(rows) < 2 or rows[0][1] <= 0:
        return None
    return 0.5 * (rows[-1][1] / rows[0][1]) ** 2


def mean_estimate(x, window: int | None = None) -> Estimate:
    """Mean of a ``(replicas, n)`` series with an autocorrelation-aware error.

    ``window``: a summation window shared with the run's other series
    (:func:`shared_window`).  The windowed tau_int is checked against
    :func:`binning_tau`; where they disagree by more than :data:`DISAGREEMENT`
    the larger is used and ``note`` says so.
    """
    x = _as_series(x)
    r, n = x.shape
    tau, _ = integrated_time(x, window=window)
    note = ""
    binned = binning_tau(x)
    if binned is not None and not (tau / DISAGREEMENT <= binned <= DISAGREEMENT * tau):
        note = (
            f"the windowed autocorrelation time ({tau:.3g} measurements) and the binning "
            f"analysis ({binned:.3g}) disagree; the error bar uses the larger"
        )
        tau = max(tau, binned)
    var = float(x.var())
    error = math.sqrt(2.0 * tau * var / (r * n))
    spread = replica_spread(x)
    if spread is not None and spread > error * spread_limit(r):
        note = (
            f"the replicas' means spread {spread / error:.2g} times wider than the windowed "
            "error bar (a slow mode, or replicas not in equilibrium); the error bar is "
            "their spread"
        )
        tau, error = tau * (spread / error) ** 2, spread
    return Estimate(float(x.mean()), error, tau, note)


def replica_spread(x) -> float | None:
    """The error of the mean from the scatter of the replicas' own means,
    ``std(means) / sqrt(R)``: blind to autocorrelation within a replica, so it sees a
    slow mode (or a replica stuck in a metastable state) that a window can miss.
    None for fewer than 4 replicas."""
    x = _as_series(x)
    r = x.shape[0]
    if r < 4:
        return None
    return float(x.mean(axis=1).std(ddof=1) / math.sqrt(r))


def spread_limit(r: int) -> float:
    """How much wider than an honest error the replicas' spread may come out by chance
    (the :data:`SPREAD_QUANTILE` quantile of ``sqrt(chi2_{r-1} / (r - 1))``)."""
    # scipy.stats.chi2.ppf(q, k) is 2 gammaincinv(k / 2, q): the same number, without
    # importing scipy.stats (seconds, on a small machine, at the end of every simulation)
    from scipy.special import gammaincinv

    return math.sqrt(2 * gammaincinv((r - 1) / 2, SPREAD_QUANTILE) / (r - 1))


def binning_analysis(x, min_bins: int = 32) -> list[tuple[int, float]]:
    """Error of the mean from bins of size 1, 2, 4, ... (per replica).

    Returns ``[(bin_size, error), ...]`` while at least ``min_bins`` bins remain
    in all replicas together.  For bins much longer than ``tau_int`` the error
    reaches a plateau: the honest error; ``(error_k / error_1)**2 / 2`` estimates
    ``tau_int``.
    """
    x = _as_series(x)
    r, n = x.shape
    out = []
    b = 1
    while r * (n // b) >= min_bins:
        nb = n // b
        means = x[:, : nb * b].reshape(r, nb, b).mean(axis=2).ravel()
        k = means.size
        out.append((b, float(means.std(ddof=1) / math.sqrt(k))))
        b *= 2
    return out


def block_length(n: int, tau: float) -> int:
    """Jackknife block length: ``BLOCK_TAUS * tau`` (at least 1, at most ``n``),
    and long enough that a replica holds at most ``MAX_BLOCKS_PER_REPLICA`` blocks."""
    b = max(1, math.ceil(BLOCK_TAUS * tau), math.ceil(n / MAX_BLOCKS_PER_REPLICA))
    return min(b, n)


def jackknife(
    func: Callable[..., np.ndarray],
    series: Sequence,
    block: int | None = None,
    window: int | None = None,
) -> Estimate:
    r"""Jackknife estimate of ``func(mean_1, mean_2, ...)`` over blocks and replicas.

    Parameters
    ----------
    func : callable
        A function of the means of the series, vectorised (it receives arrays).
    series : sequence of arrays, each ``(replicas, n)``
        The primary measurements (e.g. ``e``, ``e**2``).
    block : int, optional
        Block length in measurements; by default :func:`block_length` of the
        largest integrated autocorrelation time of the linearised quantity.
    window : int, optional
        The summation window of that tau_int (:func:`shared_window`).

    Returns
    -------
    Estimate
        Bias-corrected jackknife mean, the jackknife error over ``K`` blocks
        (leave one block of one replica out), and the integrated
        autocorrelation time of the linearised series
        :math:`\sum_k \partial_k f\, x_k(t)` (the delta method).
    """
    xs = [_as_series(s) for s in series]
    r, n = xs[0].shape
    means = np.array([s.mean() for s in xs])
    tau = _linearised_tau(func, xs, means, window)
    if block is None:
        block = block_length(n, tau)
        if r * (n // block) < 2 and n >= 2:  # one replica: at least two blocks
            block = n // 2
    nb = n // block
    if nb < 1:
        raise ValueError(f"block length {block} exceeds the series length {n}")
    # Blocks from the end: any remainder is dropped at the start of the series.
    sums = np.stack([s[:, n - nb * block :].reshape(r, nb, block).sum(axis=2).ravel() for s in xs])
    k = sums.shape[1]
    total = sums.sum(axis=1, keepdims=True)
    count = k * block
    # The full estimate from the same (blocked) data as the leave-one-out ones:
    # the bias correction multiplies any difference between them by k.
    full = float(func(*(total[:, 0] / count)))
    if k < 2:
        return Estimate(full, math.nan, tau)
    loo = (total - sums) / (count - block)
    values = np.asarray(func(*loo), dtype=np.float64)
    mean_loo = values.mean()
    error = math.sqrt((k - 1) / k * float(((values - mean_loo) ** 2).sum()))
    corrected = k * full - (k - 1) * mean_loo
    return Estimate(float(corrected), error, tau)


def _linearised_tau(func, xs, means, window=None) -> float:
    """tau_int of ``sum_k df/dx_k * x_k(t)`` (gradient by central differences)."""
    grad = np.empty(len(xs))
    for i, m in enumerate(means):
        step = 1e-6 * max(abs(m), 1.0)
        up, down = means.copy(), means.copy()
        up[i] += step
        down[i] -= step
        grad[i] = (float(func(*up)) - float(func(*down))) / (2 * step)
    y = sum(g * s for g, s in zip(grad, xs, strict=True))
    return integrated_time(y, window=window)[0]


#: A run whose halves differ by more than this many standard errors is still drifting.
DRIFT_Z = 4.5


def drift(x) -> tuple[float, float, float] | None:
    """Whether a series still drifts: ``(first-half mean, second-half mean, z)``, with z
    the difference over its error from the spread of the replicas' own differences
    (blind to autocorrelation); None for fewer than 4 replicas or 8 measurements.

    In equilibrium z is about standard normal (Student's t with ``R - 1`` degrees of
    freedom); a run that started far from equilibrium and is still relaxing has
    ``|z| > DRIFT_Z``.
    """
    x = _as_series(x)
    r, n = x.shape
    if r < 4 or n < 8:
        return None
    half = n // 2
    first, second = x[:, :half].mean(axis=1), x[:, n - half :].mean(axis=1)
    d = second - first
    spread = float(d.std(ddof=1) / math.sqrt(r))
    diff = float(d.mean())
    if spread == 0:
        return float(first.mean()), float(second.mean()), 0.0 if diff == 0 else math.inf
    return float(first.mean()), float(second.mean()), diff / spread
