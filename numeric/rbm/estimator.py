"""A restricted Boltzmann machine with scikit-learn's estimator API.

``fit(X)`` trains, ``transform(X)`` gives the hidden probabilities
:math:`p(h_j = 1 | v)`, ``score_samples(X)`` the log-likelihood of each row (exact
when the smaller layer has at most 24 units, else with :math:`\\log Z` from AIS),
``sample(n)`` draws visible configurations by block Gibbs sampling.  Fitted
attributes end in ``_``: ``components_`` (hidden x visible, as scikit-learn's
``BernoulliRBM``), ``intercept_hidden_``, ``intercept_visible_``, ``n_features_in_``,
``log_partition_``, ``log_partition_error_`` (0 when exact).  It needs no scikit-learn,
but follows its conventions (``get_params``/``set_params``, ``random_state``), so it
can sit in a ``Pipeline``.
"""

from __future__ import annotations

import inspect

import numpy as np

from ..backend import asarray, get_backend, to_numpy
from .ais import ais_log_partition, base_rate_biases
from .data import sample_machine, validate
from .machine import RBM, free_energy, hidden_probabilities
from .partition import MAX_ENUMERATED, log_partition
from .training import TrainingConfig, train


class RestrictedBoltzmannMachine:
    """Bernoulli RBM trained by CD-k, PCD or parallel tempering.

    Parameters
    ----------
    n_components : int
        Hidden units.
    learning_rate, batch_size, n_iter : float, int, int
        Step size, minibatch size and epochs.
    method : {"cd", "pcd", "pt"}
    k : int
        Gibbs sweeps per negative phase.
    momentum, weight_decay : float
    schedule : {"constant", "linear", "exponential"}
    temperatures : int
        Replicas for ``method="pt"``.
    random_state : int
    backend : {"numpy", "cupy"}
    ais_chains, ais_betas : int
        AIS effort for ``score_samples`` when enumeration is out of reach.
    """

    def __init__(
        self,
        n_components: int = 16,
        learning_rate: float = 0.05,
        batch_size: int = 20,
        n_iter: int = 20,
        method: str = "pcd",
        k: int = 1,
        momentum: float = 0.5,
        weight_decay: float = 0.0,
        schedule: str = "constant",
        temperatures: int = 5,
        random_state: int | None = 0,
        backend: str = "numpy",
        ais_chains: int = 100,
        ais_betas: int = 10_000,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.method = method
        self.k = k
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.schedule = schedule
        self.temperatures = temperatures
        self.random_state = random_state
        self.backend = backend
        self.ais_chains = ais_chains
        self.ais_betas = ais_betas

    # -- scikit-learn's parameter protocol
    @classmethod
    def _get_param_names(cls):
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._get_param_names():
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self):
        return f"{type(self).__name__}(n_components={self.n_components}, method={self.method!r})"

    # -- fitting
    def _config(self) -> TrainingConfig:
        return TrainingConfig(
            method=self.method,
            k=self.k,
            learning_rate=self.learning_rate,
            schedule=self.schedule,
            momentum=self.momentum,
            weight_decay=self.weight_decay,
            batch_size=self.batch_size,
            epochs=self.n_iter,
            temperatures=self.temperatures,
            seed=self.random_state,
        )

    def fit(self, X, y=None):
        config = self._config()
        data = validate(X, what="X")
        xp = get_backend(self.backend)
        state = train(asarray(data, xp), int(self.n_components), config)
        self._set_fitted(state.rbm, data)
        return self

    def _set_fitted(self, rbm: RBM, data=None) -> None:
        self.rbm_ = rbm
        self.components_ = to_numpy(rbm.W).T.copy()
        self.intercept_hidden_ = to_numpy(rbm.hidden_bias).copy()
        self.intercept_visible_ = to_numpy(rbm.visible_bias).copy()
        self.n_features_in_ = rbm.n_visible
        if min(rbm.n_visible, rbm.n_hidden) <= MAX_ENUMERATED:
            self.log_partition_, self.log_partition_error_ = log_partition(rbm), 0.0
        else:
            xp = rbm.xp
            base = base_rate_biases(asarray(data, xp), xp) if data is not None else None
            est = ais_log_partition(
                rbm, self.ais_chains, self.ais_betas, seed=self.random_state, base_bias=base
            )
            self.log_partition_, self.log_partition_error_ = est.log_z, est.error

    def _check_fitted(self):
        if not hasattr(self, "rbm_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit first")

    def _input(self, X, allow_means: bool):
        self._check_fitted()
        data = validate(X, allow_means=allow_means, what="X")
        if data.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {data.shape[1]} columns but the machine was fitted on "
                f"{self.n_features_in_} visible units"
            )
        return asarray(data, self.rbm_.xp)

    def transform(self, X):
        """Hidden probabilities :math:`p(h_j = 1 | v)`, shape (samples, n_components)."""
        v = self._input(X, allow_means=True)
        return to_numpy(hidden_probabilities(self.rbm_, v))

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    def score_samples(self, X):
        """Log-likelihood :math:`-F(v) - \\log Z` of each row (exact :math:`\\log Z` when
        enumerable; see ``log_partition_error_``)."""
        v = self._input(X, allow_means=False)
        return to_numpy(-free_energy(self.rbm_, v)) - self.log_partition_

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per sample."""
        return float(np.mean(self.score_samples(X)))

    def sample(self, n_samples: int = 1, sweeps: int = 1000, random_state=None):
        """``n_samples`` visible configurations after ``sweeps`` Gibbs sweeps each."""
        self._check_fitted()
        seed = self.random_state if random_state is None else random_state
        return to_numpy(sample_machine(self.rbm_, int(n_samples), sweeps=sweeps, seed=seed))
