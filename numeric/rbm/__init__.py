"""Restricted Boltzmann machines: exact and AIS log partition functions, training
(CD-k, PCD, parallel tempering), data, and a scikit-learn-style estimator.

The formulas are derived in :mod:`statmech.derive.boltzmann`.
"""

from .ais import AISEstimate, ais_log_partition, base_rate_biases
from .data import (
    DIGITS_SOURCE,
    exact_samples,
    load_digits,
    load_npy,
    planted_machine,
    sample_machine,
    validate,
)
from .estimator import RestrictedBoltzmannMachine
from .machine import RBM, energy, free_energy, hidden_probabilities, visible_probabilities
from .partition import brute_force_log_partition, log_likelihood, log_partition
from .training import DivergenceError, TrainingConfig, TrainingState, train, train_epoch

__all__ = [
    "AISEstimate",
    "DIGITS_SOURCE",
    "DivergenceError",
    "RBM",
    "RestrictedBoltzmannMachine",
    "TrainingConfig",
    "TrainingState",
    "ais_log_partition",
    "base_rate_biases",
    "brute_force_log_partition",
    "energy",
    "exact_samples",
    "free_energy",
    "hidden_probabilities",
    "load_digits",
    "load_npy",
    "log_likelihood",
    "log_partition",
    "planted_machine",
    "sample_machine",
    "train",
    "train_epoch",
    "validate",
    "visible_probabilities",
]
