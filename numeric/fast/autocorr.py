r"""A minimal integrated autocorrelation time estimator (for the benchmarks and tests).

.. math::

    \tau_\mathrm{int} = \frac12 + \sum_{t=1}^{W} \rho(t),

with the normalised autocorrelation :math:`\rho(t)` from an FFT and the window
:math:`W` chosen self-consistently as the smallest :math:`W \ge c\,\tau_\mathrm{int}(W)`
(A. D. Sokal, "Monte Carlo methods in statistical mechanics", in *Functional
Integration*, Springer 1997, doi:10.1007/978-1-4899-0319-8_6; c = 6).  Several
independent chains (rows) are averaged at the level of :math:`\rho`.  With this
convention the variance of the mean of ``n`` measurements is
:math:`2\tau_\mathrm{int}\sigma^2/n`, and the number of independent samples is
:math:`n / (2\tau_\mathrm{int})`.

The Monte Carlo statistics module of the project may supersede this one; it is
kept small and local so that the fast samplers can be measured on their own.
"""

from __future__ import annotations

import numpy as np


def autocorrelation(x) -> np.ndarray:
    """Normalised autocorrelation ``rho[t]`` of a series, or the mean over rows of a 2D array."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    n = x.shape[1]
    d = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, n=size, axis=1)
    acf = np.fft.irfft(f * np.conj(f), n=size, axis=1)[:, :n]
    acf = acf.mean(axis=0)
    if acf[0] <= 0:
        return np.ones(1)
    return acf / acf[0]


def integrated_time(x, c: float = 6.0) -> float:
    """Integrated autocorrelation time in units of the sampling interval (>= 1/2).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(integrated_time(rng.normal(size=100_000)), 1)
    0.5
    """
    rho = autocorrelation(x)
    taus = 2.0 * np.cumsum(rho) - 1.0  # tau(W) = 1/2 + sum_{t=1}^{W} rho(t), times 2
    taus = 0.5 * taus
    window = np.arange(len(taus))
    ok = window >= c * taus
    w = int(np.argmax(ok)) if ok.any() else len(taus) - 1
    return float(max(taus[w], 0.5))
