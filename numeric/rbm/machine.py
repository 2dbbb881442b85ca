r"""A restricted Boltzmann machine's parameters and the formulas derived for it.

The machine has ``n_visible`` units :math:`v_i` and ``n_hidden`` units :math:`h_j`, each
0 or 1, and energy (in units of :math:`T`, derived in :mod:`statmech.derive.boltzmann`)

.. math::

    E(v, h) = -b \cdot v - c \cdot h - v^T W h,\qquad
    F(v) = -b \cdot v - \sum_j \operatorname{softplus}(c_j + (W^T v)_j),

with :math:`p(h_j = 1 | v) = \sigma(c_j + (W^T v)_j)` and
:math:`p(v_i = 1 | h) = \sigma(b_i + (W h)_i)`.  ``W`` has shape
``(n_visible, n_hidden)``.  Arrays live in the namespace of ``W`` (NumPy or CuPy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..backend import asarray, get_namespace, to_numpy


@dataclass
class RBM:
    """Weights ``W`` (visible x hidden), ``visible_bias`` ``b`` and ``hidden_bias`` ``c``."""

    W: object
    visible_bias: object
    hidden_bias: object

    def __post_init__(self):
        xp = get_namespace(self.W)
        W = self.W
        if W.ndim != 2:
            raise ValueError(f"W must be a (visible x hidden) matrix, got shape {tuple(W.shape)}")
        nv, nh = W.shape
        if tuple(self.visible_bias.shape) != (nv,):
            raise ValueError(
                f"visible_bias must have shape ({nv},) to match W {tuple(W.shape)}, "
                f"got {tuple(self.visible_bias.shape)}"
            )
        if tuple(self.hidden_bias.shape) != (nh,):
            raise ValueError(
                f"hidden_bias must have shape ({nh},) to match W {tuple(W.shape)}, "
                f"got {tuple(self.hidden_bias.shape)}"
            )
        self.visible_bias = asarray(self.visible_bias, xp)
        self.hidden_bias = asarray(self.hidden_bias, xp)

    @property
    def xp(self):
        return get_namespace(self.W)

    @property
    def n_visible(self) -> int:
        return int(self.W.shape[0])

    @property
    def n_hidden(self) -> int:
        return int(self.W.shape[1])

    @classmethod
    def zeros(cls, n_visible: int, n_hidden: int, xp=np) -> RBM:
        return cls(xp.zeros((n_visible, n_hidden)), xp.zeros(n_visible), xp.zeros(n_hidden))

    @classmethod
    def random(cls, n_visible: int, n_hidden: int, scale: float = 0.01, rng=None, xp=np) -> RBM:
        """Small Gaussian weights of standard deviation ``scale``, zero biases."""
        W = rng.standard_normal((n_visible, n_hidden)) * scale
        return cls(asarray(W, xp), xp.zeros(n_visible), xp.zeros(n_hidden))

    def copy(self) -> RBM:
        return RBM(self.W.copy(), self.visible_bias.copy(), self.hidden_bias.copy())

    def to(self, xp) -> RBM:
        return RBM(
            asarray(self.W, xp), asarray(self.visible_bias, xp), asarray(self.hidden_bias, xp)
        )

    def to_numpy(self) -> dict:
        return {
            "W": to_numpy(self.W),
            "visible_bias": to_numpy(self.visible_bias),
            "hidden_bias": to_numpy(self.hidden_bias),
        }

    def finite(self) -> bool:
        xp = self.xp
        return bool(
            xp.all(xp.isfinite(self.W))
            and xp.all(xp.isfinite(self.visible_bias))
            and xp.all(xp.isfinite(self.hidden_bias))
        )


def sigmoid(x, xp):
    """The logistic function, stable for large ``|x|``."""
    return 0.5 * (1.0 + xp.tanh(0.5 * x))


def softplus(x, xp):
    r""":math:`\log(1 + e^x)`, stable for large ``|x|``."""
    return xp.logaddexp(0.0, x)


def energy(rbm: RBM, v, h):
    """:math:`E(v, h)` for batches ``v`` (n, visible) and ``h`` (n, hidden)."""
    xp = rbm.xp
    return -(v @ rbm.visible_bias) - (h @ rbm.hidden_bias) - xp.sum((v @ rbm.W) * h, axis=-1)


def free_energy(rbm: RBM, v):
    r""":math:`F(v) = -b\cdot v - \sum_j \operatorname{softplus}(c_j + (W^T v)_j)`, per row."""
    xp = rbm.xp
    return -(v @ rbm.visible_bias) - xp.sum(softplus(v @ rbm.W + rbm.hidden_bias, xp), axis=-1)


def hidden_free_energy(rbm: RBM, h):
    r"""The hidden units' free energy, the visible ones summed out:
    :math:`-c\cdot h - \sum_i \operatorname{softplus}(b_i + (W h)_i)`."""
    xp = rbm.xp
    return -(h @ rbm.hidden_bias) - xp.sum(softplus(h @ rbm.W.T + rbm.visible_bias, xp), axis=-1)


def hidden_probabilities(rbm: RBM, v):
    """:math:`p(h_j = 1 | v)` for a batch of visible rows."""
    return sigmoid(v @ rbm.W + rbm.hidden_bias, rbm.xp)


def visible_probabilities(rbm: RBM, h):
    """:math:`p(v_i = 1 | h)` for a batch of hidden rows."""
    return sigmoid(h @ rbm.W.T + rbm.visible_bias, rbm.xp)


def bernoulli(p, rng, xp):
    """0/1 draws with probabilities ``p`` (float array of the same shape)."""
    return (rng.random(p.shape) < p).astype(p.dtype)


def gibbs_step(rbm: RBM, v, rng):
    """One block Gibbs sweep ``v -> h -> v``; returns ``(v, h)``."""
    xp = rbm.xp
    h = bernoulli(hidden_probabilities(rbm, v), rng, xp)
    return bernoulli(visible_probabilities(rbm, h), rng, xp), h
