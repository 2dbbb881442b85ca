r"""Annealed importance sampling (AIS) for the log partition function of an RBM.

Following Salakhutdinov and Murray (2008): anneal from a base machine
:math:`A` with visible biases :math:`b_A` and no weights, whose
:math:`\log Z_A = \sum_i \operatorname{softplus}(b_{A,i}) + n_h \log 2` is exact,
through the intermediate distributions

.. math::

    p_k^*(v) = e^{(1-\beta_k)\, b_A\cdot v + \beta_k\, b\cdot v}
               \prod_j \big(1 + e^{\beta_k (c_j + (W^T v)_j)}\big),
    \qquad 0 = \beta_0 < \dots < \beta_K = 1,

moving each of ``chains`` independent runs by one Gibbs sweep that leaves
:math:`p_k` invariant, and accumulating the importance weights
:math:`\log w = \sum_k [\log p_k^*(v_k) - \log p_{k-1}^*(v_k)]`.  Then
:math:`\hat Z/Z_A = \overline{w}` is unbiased, and :math:`\log \hat Z` is biased low
by about half the relative variance of :math:`\overline{w}`.  The error bar is the
delta-method standard error :math:`s_w / (\sqrt{M}\,\overline{w})` of
:math:`\log \hat Z` over the :math:`M` chains.

References
----------
R. Salakhutdinov and I. Murray, Proc. ICML 2008, 872, doi:10.1145/1390156.1390266.
R. M. Neal, Statistics and Computing 11, 125 (2001).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..backend import default_rng, to_numpy
from .machine import RBM, bernoulli, sigmoid, softplus

SALAKHUTDINOV_MURRAY_2008 = (
    "R. Salakhutdinov and I. Murray, Proc. ICML 2008, 872, doi:10.1145/1390156.1390266"
)


@dataclass(frozen=True)
class AISEstimate:
    """``log_z`` with its standard error ``error``; ``log_weights`` per chain;
    ``effective_chains``: :math:`(\\sum w)^2 / \\sum w^2`."""

    log_z: float
    error: float
    log_weights: np.ndarray
    effective_chains: float


def base_rate_biases(data, xp, smoothing: float = 1e-2):
    """Visible biases of the base machine matching the data's means: :math:`\\log(p/(1-p))`."""
    p = xp.mean(xp.asarray(data, dtype=xp.float64), axis=0)
    p = xp.clip(p, smoothing, 1.0 - smoothing)
    return xp.log(p) - xp.log1p(-p)


def _log_p_star(rbm: RBM, v, beta: float, base_bias):
    xp = rbm.xp
    field = (1.0 - beta) * (v @ base_bias) + beta * (v @ rbm.visible_bias)
    return field + xp.sum(softplus(beta * (v @ rbm.W + rbm.hidden_bias), xp), axis=1)


def ais_log_partition(
    rbm: RBM,
    chains: int = 100,
    betas: int | np.ndarray = 10_000,
    seed: int | None = 0,
    base_bias=None,
) -> AISEstimate:
    """Estimate :math:`\\log Z` of ``rbm`` by AIS.

    Parameters
    ----------
    rbm : RBM
    chains : int
        Independent annealing runs :math:`M`.
    betas : int or array
        The number of intermediate temperatures (spaced as in Salakhutdinov and Murray:
        denser near 1), or the schedule itself, increasing from 0 to 1.
    seed : int
    base_bias : array, optional
        Visible biases of the base machine (:func:`base_rate_biases` of the training
        data is the usual choice); zero by default.
    """
    xp = rbm.xp
    if isinstance(betas, (int, np.integer)):
        if betas < 2:
            raise ValueError(f"AIS needs at least 2 temperatures, got betas={betas}")
        schedule = _default_schedule(int(betas))
    else:
        schedule = np.asarray(betas, dtype=np.float64)
        if schedule[0] != 0.0 or schedule[-1] != 1.0 or np.any(np.diff(schedule) <= 0):
            raise ValueError("an AIS schedule must increase strictly from 0 to 1")
    if chains < 2:
        raise ValueError(f"AIS needs at least 2 chains for an error bar, got chains={chains}")
    rng = default_rng(seed, xp)
    nv, nh = rbm.n_visible, rbm.n_hidden
    base = xp.zeros(nv) if base_bias is None else xp.asarray(base_bias, dtype=xp.float64)
    log_z_base = float(xp.sum(softplus(base, xp))) + nh * math.log(2.0)
    v = bernoulli(xp.broadcast_to(sigmoid(base, xp), (chains, nv)).copy(), rng, xp)
    log_w = xp.zeros(chains)
    for k in range(1, len(schedule)):
        beta_prev, beta = float(schedule[k - 1]), float(schedule[k])
        log_w += _log_p_star(rbm, v, beta, base) - _log_p_star(rbm, v, beta_prev, base)
        # a Gibbs sweep that leaves p_k invariant
        h = bernoulli(sigmoid(beta * (v @ rbm.W + rbm.hidden_bias), xp), rng, xp)
        field = (1.0 - beta) * base + beta * (h @ rbm.W.T + rbm.visible_bias)
        v = bernoulli(sigmoid(field, xp), rng, xp)
    log_w = to_numpy(log_w)
    top = log_w.max()
    w = np.exp(log_w - top)
    mean = w.mean()
    log_z = log_z_base + top + math.log(mean)
    error = float(w.std(ddof=1) / (math.sqrt(chains) * mean))
    effective = float(w.sum() ** 2 / (w**2).sum())
    return AISEstimate(float(log_z), error, log_w, effective)


def _default_schedule(count: int) -> np.ndarray:
    """Salakhutdinov and Murray's spacing scaled to ``count`` temperatures: a tenth
    in [0, 0.5], four tenths in [0.5, 0.9], half in [0.9, 1]."""
    a = max(count // 10, 2)
    b = max(4 * count // 10, 2)
    c = max(count - a - b, 2)
    return np.concatenate(
        [
            np.linspace(0.0, 0.5, a, endpoint=False),
            np.linspace(0.5, 0.9, b, endpoint=False),
            np.linspace(0.9, 1.0, c),
        ]
    )
