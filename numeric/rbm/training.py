r"""Training a restricted Boltzmann machine by stochastic gradient ascent on the likelihood.

The gradient of :math:`\log p(v)` (derived in :mod:`statmech.derive.boltzmann`) is a
data term minus a model term,

.. math::

    \frac{\partial \log p(v)}{\partial W_{ij}} = v_i\,\sigma(x_j)
        - \langle v_i h_j \rangle_{\rm model},

averaged over a minibatch.  The model term is estimated by a *negative phase*:

``cd``   contrastive divergence, ``k`` Gibbs sweeps from the minibatch (Hinton 2002);
``pcd``  persistent chains carried from update to update (Tieleman 2008);
``pt``   persistent parallel tempering: chains at inverse temperatures
         :math:`\beta_1 < \dots < \beta_R = 1` of the joint energy, one Gibbs sweep each
         and then swaps of neighbours accepted with
         :math:`\min(1, e^{(\beta_{r+1} - \beta_r)(E_{r+1} - E_r)})`
         (Desjardins et al. 2010); the :math:`\beta = 1` chains give the model term.

Updates use a learning-rate schedule (constant, linear decay or exponential decay),
momentum and L2 weight decay; a run is reproducible from its seed.  A learning rate
that makes the weights diverge is detected and refused
(:class:`DivergenceError`), never returned as NaN.

References
----------
G. E. Hinton, Neural Computation 14, 1771 (2002).
T. Tieleman, Proc. ICML 2008, 1064.
G. Desjardins, A. Courville, Y. Bengio, P. Vincent and O. Delalleau, Proc. AISTATS 2010.
G. E. Hinton, A Practical Guide to Training Restricted Boltzmann Machines, UTML TR 2010-003.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..backend import asarray, default_rng, to_numpy
from .machine import (
    RBM,
    bernoulli,
    energy,
    gibbs_step,
    hidden_probabilities,
)

METHODS = ("cd", "pcd", "pt")
SCHEDULES = ("constant", "linear", "exponential")
#: Weights beyond this size mean the learning rate made training diverge.
DIVERGENCE_LIMIT = 1e4


class DivergenceError(ArithmeticError):
    """The weights grew without bound (or became NaN) during training."""


@dataclass
class TrainingConfig:
    """How to train; see the module docstring."""

    method: str = "pcd"
    k: int = 1
    learning_rate: float = 0.05
    schedule: str = "constant"
    momentum: float = 0.5
    weight_decay: float = 0.0
    batch_size: int = 20
    epochs: int = 10
    chains: int | None = None  # persistent chains (default: batch_size)
    temperatures: int = 5  # parallel tempering replicas
    seed: int | None = 0

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(
                f"unknown training method {self.method!r}; use one of {', '.join(METHODS)}"
            )
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"unknown learning-rate schedule {self.schedule!r}; "
                f"use one of {', '.join(SCHEDULES)}"
            )
        lr = self.learning_rate
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
        for name in ("k", "batch_size", "epochs", "temperatures"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {name}={value}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum}")
        if self.weight_decay < 0:
            raise ValueError(f"weight decay must be >= 0, got {self.weight_decay}")

    def rate(self, epoch: int) -> float:
        """The learning rate in ``epoch`` (0-based)."""
        if self.schedule == "constant":
            return self.learning_rate
        if self.schedule == "linear":
            return self.learning_rate * (1.0 - epoch / self.epochs)
        return self.learning_rate * 0.1 ** (epoch / max(self.epochs - 1, 1))


@dataclass
class TrainingState:
    """Everything a resumed run needs: the machine, velocities, chains, the random
    generator and the epoch reached."""

    rbm: RBM
    epoch: int = 0
    velocity: dict = field(default_factory=dict)
    chains: object = None  # persistent visible states: (chains, nv) or (R, chains, nv)
    rng: object = None


def initial_state(data, n_hidden: int, config: TrainingConfig, xp=np) -> TrainingState:
    """Small random weights, visible biases at the data's log-odds (Hinton's guide, 8.1)."""
    rng = default_rng(config.seed, xp)
    nv = int(data.shape[1])
    rbm = RBM.random(nv, n_hidden, scale=0.01, rng=rng, xp=xp)
    p = xp.clip(xp.mean(data, axis=0), 1e-3, 1 - 1e-3)
    rbm.visible_bias = xp.log(p) - xp.log1p(-p)
    return TrainingState(rbm=rbm, rng=rng)


def _betas(count: int, xp):
    return xp.linspace(1.0 / count, 1.0, count) if count > 1 else xp.ones(1)


def _negative_phase(state: TrainingState, batch, config: TrainingConfig):
    """Visible and hidden-probability samples standing for the model term."""
    rbm, rng, xp = state.rbm, state.rng, state.rbm.xp
    if config.method == "cd":
        v = batch
        for _ in range(config.k):
            v, _h = gibbs_step(rbm, v, rng)
        return v, hidden_probabilities(rbm, v)
    n = config.chains or config.batch_size
    if config.method == "pcd":
        if state.chains is None:
            state.chains = bernoulli(xp.full((n, rbm.n_visible), 0.5), rng, xp)
        v = state.chains
        for _ in range(config.k):
            v, _h = gibbs_step(rbm, v, rng)
        state.chains = v
        return v, hidden_probabilities(rbm, v)
    # parallel tempering: replicas (R, n, nv) at betas[r] of the joint energy
    betas = _betas(config.temperatures, xp)
    R = config.temperatures
    if state.chains is None:
        state.chains = bernoulli(xp.full((R, n, rbm.n_visible), 0.5), rng, xp)
    v = state.chains
    bcol = betas[:, None, None]
    for _ in range(config.k):
        h = bernoulli(1 / (1 + xp.exp(-bcol * (v @ rbm.W + rbm.hidden_bias))), rng, xp)
        v = bernoulli(1 / (1 + xp.exp(-bcol * (h @ rbm.W.T + rbm.visible_bias))), rng, xp)
    e = energy(rbm, v, h)  # (R, n)
    for start in (0, 1):  # even then odd neighbour pairs
        for r in range(start, R - 1, 2):
            log_a = (betas[r + 1] - betas[r]) * (e[r + 1] - e[r])
            swap = xp.log(rng.random(n)) < log_a
            v_r, v_s = v[r].copy(), v[r + 1].copy()
            v[r] = xp.where(swap[:, None], v_s, v_r)
            v[r + 1] = xp.where(swap[:, None], v_r, v_s)
            e_r, e_s = e[r].copy(), e[r + 1].copy()
            e[r] = xp.where(swap, e_s, e_r)
            e[r + 1] = xp.where(swap, e_r, e_s)
    state.chains = v
    top = v[-1]
    return top, hidden_probabilities(rbm, top)


def update(state: TrainingState, batch, config: TrainingConfig, rate: float) -> None:
    """One gradient step on a minibatch (rows of 0/1 floats)."""
    rbm, xp = state.rbm, state.rbm.xp
    ph = hidden_probabilities(rbm, batch)
    v_neg, ph_neg = _negative_phase(state, batch, config)
    grads = {
        "W": batch.T @ ph / batch.shape[0] - v_neg.T @ ph_neg / v_neg.shape[0],
        "visible_bias": xp.mean(batch, axis=0) - xp.mean(v_neg, axis=0),
        "hidden_bias": xp.mean(ph, axis=0) - xp.mean(ph_neg, axis=0),
    }
    grads["W"] = grads["W"] - config.weight_decay * rbm.W
    for name, g in grads.items():
        vel = state.velocity.get(name)
        vel = rate * g if vel is None else config.momentum * vel + rate * g
        state.velocity[name] = vel
        setattr(rbm, name, getattr(rbm, name) + vel)


def check_divergence(state: TrainingState, config: TrainingConfig) -> None:
    xp = state.rbm.xp
    if not state.rbm.finite():
        size = float("nan")
    else:
        size = float(xp.max(xp.abs(state.rbm.W)))
        if size <= DIVERGENCE_LIMIT:
            return
    raise DivergenceError(
        f"training diverged in epoch {state.epoch + 1}: the weights reached "
        f"|W| = {size:.3g} with learning rate {config.learning_rate}; use a smaller one"
    )


def train_epoch(state: TrainingState, data, config: TrainingConfig) -> None:
    """One pass over ``data`` in shuffled minibatches; advances ``state.epoch``."""
    xp = state.rbm.xp
    n = int(data.shape[0])
    order = xp.argsort(state.rng.random(n))  # a permutation (CuPy generators have no permutation)
    rate = config.rate(state.epoch)
    for start in range(0, n, config.batch_size):
        batch = data[order[start : start + config.batch_size]]
        update(state, batch, config, rate)
        if not bool(xp.all(xp.isfinite(state.rbm.W))):
            break
    check_divergence(state, config)
    state.epoch += 1


def train(data, n_hidden: int, config: TrainingConfig, state=None, callback=None) -> TrainingState:
    """Train (or continue ``state``) to ``config.epochs`` epochs; ``callback(state)``
    after every epoch."""
    xp = _namespace(data)
    state = state or initial_state(data, n_hidden, config, xp)
    while state.epoch < config.epochs:
        train_epoch(state, data, config)
        if callback is not None:
            callback(state)
    return state


def _namespace(data):
    from ..backend import get_namespace

    return get_namespace(data)


def state_dict(state: TrainingState) -> dict:
    """The training state as NumPy arrays and JSON-able values (for checkpoints)."""
    if not isinstance(state.rng, np.random.Generator):
        raise ValueError(
            "checkpoints of training on the GPU are not supported; use the NumPy backend"
        )
    out = {f"rbm_{k}": v for k, v in state.rbm.to_numpy().items()}
    out.update({f"velocity_{k}": to_numpy(v) for k, v in state.velocity.items()})
    if state.chains is not None:
        out["chains"] = to_numpy(state.chains)
    out["epoch"] = int(state.epoch)
    out["rng"] = state.rng.bit_generator.state
    return out


def load_state_dict(d: dict, xp=np) -> TrainingState:
    """The inverse of :func:`state_dict`."""
    rbm = RBM(
        asarray(d["rbm_W"], xp),
        asarray(d["rbm_visible_bias"], xp),
        asarray(d["rbm_hidden_bias"], xp),
    )
    velocity = {
        k[len("velocity_") :]: asarray(v, xp) for k, v in d.items() if k.startswith("velocity_")
    }
    chains = asarray(d["chains"], xp) if "chains" in d else None
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = d["rng"]
    return TrainingState(rbm, int(d["epoch"]), velocity, chains, rng)
