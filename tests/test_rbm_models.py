"""The registered Boltzmann machines against the numerics, and the Gaussian-hidden
machine against the Hopfield model."""

import dataclasses
import itertools

import numpy as np
import pytest
from statmech.derive import get_model
from statmech.derive.interactions import CouplingData, HebbianCouplings
from statmech.numeric.compiled import compile_model
from statmech.numeric.rbm import RBM, energy, log_partition


def test_registered_rbm_compiles_to_the_machine_energy():
    """The model's Hamiltonian (visible units first, K = sigma W, uniform bias h),
    compiled, equals E(v, h) = -b.v - c.h - v W h with b = c = h."""
    params = {"N_v": 4, "N_h": 3, "sigma": 0.7, "h": 0.3, "seed": 2, "T": 1.0}
    compiled = compile_model(get_model("rbm"), params)
    w = compiled.weight_matrix  # bond weights w_ij of H = sum w_ij s_i s_j: -sigma W
    W = -w[:4, 4:]
    assert np.allclose(w[:4, :4], 0) and np.allclose(w[4:, 4:], 0)
    assert np.std(W) > 0.2  # drawn, not zero
    rbm = RBM(W, np.full(4, 0.3), np.full(3, 0.3))
    states = np.array(list(itertools.product((0.0, 1.0), repeat=7)))
    assert np.allclose(compiled.energy(states), energy(rbm, states[:, :4], states[:, 4:]))
    z = np.log(np.exp(-compiled.energy(states)).sum())
    assert abs(z - log_partition(rbm)) < 1e-10


@pytest.mark.parametrize("T", [1.0, 0.6])
def test_gaussian_hidden_units_give_the_hopfield_model(T):
    """Integrate the Gaussian hidden units out numerically (Gauss-Hermite, 40 nodes per
    unit) and compare log p(s) with the Hopfield model's -H(s)/T, W = xi / sqrt(N T)."""
    N, P = 6, 2
    xi = np.random.default_rng(3).choice([-1.0, 1.0], size=(P, N))
    hopfield = dataclasses.replace(
        get_model("hopfield"),
        coupling=HebbianCouplings(
            CouplingData("given", values=tuple(map(tuple, xi))), J=1, patterns="P"
        ),
    )
    compiled = compile_model(hopfield, {"N": N, "P": P, "seed": 0, "h": 0.0, "T": T})
    spins = np.array(list(itertools.product((-1.0, 1.0), repeat=N)))
    minus_h_over_t = -compiled.energy(spins) / T

    W = xi.T / np.sqrt(N * T)  # (N, P)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)  # weight e^{-z^2/2}
    grid = np.array(list(itertools.product(nodes, repeat=P)))  # (40^P, P)
    gw = np.prod(np.array(list(itertools.product(weights, repeat=P))), axis=1)
    log_marginal = np.log(np.exp((spins @ W) @ grid.T) @ gw)  # log int dz e^{-z^2/2 + s W z}

    a = log_marginal - log_marginal[0]
    b = minus_h_over_t - minus_h_over_t[0]
    assert np.max(np.abs(a - b)) < 1e-10
