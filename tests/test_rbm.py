"""Restricted Boltzmann machines: exact log Z, AIS, conditionals, training, data checks."""

import itertools
import math

import numpy as np
import pytest
from statmech.numeric.rbm import (
    RBM,
    DivergenceError,
    RestrictedBoltzmannMachine,
    TrainingConfig,
    ais_log_partition,
    brute_force_log_partition,
    exact_samples,
    free_energy,
    hidden_probabilities,
    load_digits,
    load_npy,
    log_likelihood,
    log_partition,
    planted_machine,
    train,
    validate,
    visible_probabilities,
)
from statmech.numeric.rbm.partition import configurations


def random_machine(nv, nh, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    return RBM(rng.normal(size=(nv, nh)) * scale, rng.normal(size=nv) * scale, rng.normal(size=nh))


@pytest.mark.parametrize("nv, nh", [(10, 6), (6, 10), (1, 1), (11, 11)])
def test_exact_log_z_equals_brute_force_over_both_layers(nv, nh):
    for seed in range(3):
        rbm = random_machine(nv, nh, seed=seed)
        assert abs(log_partition(rbm) - brute_force_log_partition(rbm)) < 1e-10


def test_exact_log_z_is_the_same_in_small_batches():
    rbm = random_machine(10, 6, seed=4)
    assert abs(log_partition(rbm, batch=7) - log_partition(rbm)) < 1e-12


def test_log_likelihood_is_normalised():
    rbm = random_machine(8, 5, seed=2)
    v = configurations(8, 0, 256, np)
    assert abs(np.exp(log_likelihood(rbm, v)).sum() - 1.0) < 1e-12


def test_conditionals_factorise_as_derived():
    """p(h|v) and p(v|h) from the joint weights e^{-E} by enumeration equal the
    products of sigmoids."""
    rbm = random_machine(4, 3, seed=5)
    W, b, c = rbm.W, rbm.visible_bias, rbm.hidden_bias
    vs = configurations(4, 0, 16, np)
    hs = configurations(3, 0, 8, np)
    joint = np.exp(vs @ b[:, None] + (hs @ c)[None, :] + vs @ W @ hs.T)  # (16, 8)
    p_h_given_v = joint / joint.sum(axis=1, keepdims=True)
    on = (p_h_given_v[:, :, None] * hs[None, :, :]).sum(axis=1)  # p(h_j = 1 | v)
    assert np.allclose(on, hidden_probabilities(rbm, vs), atol=1e-13)
    factorised = np.prod(np.where(hs[None] == 1, on[:, None, :], 1 - on[:, None, :]), axis=2)
    assert np.allclose(factorised, p_h_given_v, atol=1e-13)
    p_v_given_h = joint / joint.sum(axis=0, keepdims=True)
    on_v = (p_v_given_h[:, :, None] * vs[:, None, :]).sum(axis=0)
    assert np.allclose(on_v, visible_probabilities(rbm, hs), atol=1e-13)
    # free energy = -log sum_h e^{-E}
    assert np.allclose(free_energy(rbm, vs), -np.log(joint.sum(axis=1)), atol=1e-12)


def test_log_likelihood_gradient_is_data_minus_model_term():
    rbm = random_machine(5, 3, scale=0.7, seed=6)
    data = configurations(5, 0, 32, np)[[1, 7, 12, 30]]
    vs = configurations(5, 0, 32, np)
    p_v = np.exp(log_likelihood(rbm, vs))
    model = (vs * p_v[:, None]).T @ hidden_probabilities(rbm, vs)
    positive = data.T @ hidden_probabilities(rbm, data) / len(data)
    eps = 1e-6
    W0 = rbm.W.copy()
    fd = np.zeros_like(W0)
    for i, j in itertools.product(range(5), range(3)):
        for sign in (1, -1):
            rbm.W = W0.copy()
            rbm.W[i, j] += sign * eps
            fd[i, j] += sign * log_likelihood(rbm, data).mean() / (2 * eps)
    rbm.W = W0
    assert np.allclose(fd, positive - model, atol=1e-7)


def test_ais_agrees_with_exact_log_z_at_16_hidden_units():
    rbm = random_machine(64, 16, scale=0.3, seed=7)
    exact = log_partition(rbm)
    est = ais_log_partition(rbm, chains=100, betas=2000, seed=1)
    assert est.error > 0
    assert abs(est.log_z - exact) < 3 * est.error, (est.log_z - exact, est.error)


def test_ais_agrees_on_a_trained_digits_machine():
    X, _ = load_digits()
    rbm = train(X[:500], 16, TrainingConfig(epochs=5, seed=0)).rbm
    exact = log_partition(rbm)
    from statmech.numeric.rbm import base_rate_biases

    est = ais_log_partition(rbm, 100, 2000, seed=2, base_bias=base_rate_biases(X[:500], np))
    assert abs(est.log_z - exact) < 3 * est.error, (est.log_z - exact, est.error)


@pytest.mark.slow
def test_ais_bias_and_spread_over_repeated_runs():
    """Over 20 independent runs the spread of log Z matches the quoted error bars and
    the mean is within the spread's standard error of the exact value (bias)."""
    rbm = random_machine(64, 16, scale=0.3, seed=7)
    exact = log_partition(rbm)
    runs = [ais_log_partition(rbm, chains=100, betas=2000, seed=100 + s) for s in range(20)]
    errors = np.array([r.log_z - exact for r in runs])
    quoted = np.mean([r.error for r in runs])
    spread = errors.std(ddof=1)
    assert 0.5 < spread / quoted < 2.0
    assert abs(errors.mean()) < 3 * spread / math.sqrt(len(runs)) + 1e-3


@pytest.mark.slow
def test_ais_error_bar_at_200_hidden_units():
    """200 hidden units: with 20 visible units log Z is still exact (2^20 visible states
    enumerated), so AIS's error bar there is checked, not only reported."""
    rng = np.random.default_rng(8)
    rbm = RBM(
        rng.normal(size=(20, 200)) * 0.15, rng.normal(size=20) * 0.5, rng.normal(size=200) * 0.5
    )
    exact = log_partition(rbm)
    est = ais_log_partition(rbm, chains=100, betas=3000, seed=0)
    assert 0 < est.error < 0.05
    assert abs(est.log_z - exact) < 3 * est.error, (est.log_z - exact, est.error)


def test_training_is_reproducible_from_a_seed():
    X, _ = load_digits()
    for method in ("cd", "pcd", "pt"):
        cfg = TrainingConfig(method=method, epochs=2, seed=3, batch_size=50)
        a = train(X[:300], 8, cfg).rbm
        b = train(X[:300], 8, cfg).rbm
        assert np.array_equal(a.W, b.W) and np.array_equal(a.hidden_bias, b.hidden_bias)


def test_resuming_equals_training_straight_through():
    X, _ = load_digits()
    cfg = TrainingConfig(method="pcd", epochs=4, seed=3, batch_size=50)
    whole = train(X[:300], 8, cfg).rbm
    half = train(X[:300], 8, TrainingConfig(method="pcd", epochs=2, seed=3, batch_size=50))
    resumed = train(X[:300], 8, cfg, state=half).rbm
    assert np.array_equal(whole.W, resumed.W)


@pytest.mark.parametrize("method", ["cd", "pcd", "pt"])
def test_training_on_a_planted_machine_approaches_its_likelihood(method):
    planted = planted_machine(10, 4, scale=1.5, seed=3)
    X = exact_samples(planted, 3000, seed=1)
    train_x, test_x = X[:2000], X[2000:]
    truth = log_likelihood(planted, test_x).mean()
    p = np.clip(train_x.mean(axis=0), 1e-3, 1 - 1e-3)
    independent = np.mean(test_x @ np.log(p) + (1 - test_x) @ np.log1p(-p))
    est = RestrictedBoltzmannMachine(
        4, method=method, n_iter=30, schedule="linear", random_state=0
    ).fit(train_x)
    learned = est.score(test_x)
    assert learned > independent + 0.5 * (truth - independent)
    assert truth - 0.3 < learned < truth + 0.1


def test_divergent_learning_rate_is_detected_not_nan():
    X, _ = load_digits()
    with pytest.raises(DivergenceError, match="diverged") as info:
        train(X[:200], 8, TrainingConfig(learning_rate=1e6, epochs=3, momentum=0.9))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[0, 1, 2]]), "must be 0/1"),
        (np.array([0, 1, 1]), "2-d"),
        (np.array([[0, np.nan]]), "NaN"),
        (np.array([["a", "b"]]), "numeric"),
    ],
)
def test_bad_data_gets_one_line_errors(bad, message):
    with pytest.raises(ValueError, match=message) as info:
        validate(bad)
    assert "\n" not in str(info.value)


def test_means_allowed_only_where_asked():
    x = np.array([[0.2, 1.0]])
    assert validate(x, allow_means=True).shape == (1, 2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        validate(np.array([[1.5, 0.0]]), allow_means=True)


def test_npy_loading(tmp_path):
    good = tmp_path / "good.npy"
    np.save(good, np.array([[0, 1], [1, 1]], dtype=np.uint8))
    assert load_npy(good).dtype == np.float64
    bad = tmp_path / "bad.npy"
    np.save(bad, np.array([[0, 3]]))
    with pytest.raises(ValueError, match="0/1"):
        load_npy(bad)
    with pytest.raises(ValueError, match=".npy"):
        load_npy(tmp_path / "x.csv")


def test_mismatched_shapes():
    with pytest.raises(ValueError, match="visible_bias"):
        RBM(np.zeros((3, 2)), np.zeros(4), np.zeros(2))
    est = RestrictedBoltzmannMachine(4, n_iter=1).fit(load_digits()[0][:50])
    with pytest.raises(ValueError, match="columns"):
        est.score_samples(np.zeros((2, 10)))


def test_estimator_api():
    X, _ = load_digits()
    est = RestrictedBoltzmannMachine(8, n_iter=2, random_state=1)
    with pytest.raises(ValueError, match="not fitted"):
        est.transform(X[:2])
    assert est.fit(X[:300]) is est
    assert est.components_.shape == (8, 64)
    assert est.intercept_hidden_.shape == (8,) and est.intercept_visible_.shape == (64,)
    assert est.transform(X[:5]).shape == (5, 8)
    assert est.score_samples(X[:5]).shape == (5,)
    assert np.all(est.score_samples(X[:5]) < 0)
    s = est.sample(4, sweeps=10)
    assert s.shape == (4, 64) and set(np.unique(s)) <= {0.0, 1.0}
    assert est.get_params()["n_components"] == 8
    assert est.set_params(n_components=4).n_components == 4


def test_in_a_scikit_learn_pipeline():
    """Plumbing: clone, fit and transform inside a Pipeline; the 16 features carry
    class information (accuracy well above the 0.1 of chance)."""
    pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    X, y = load_digits()
    rbm = RestrictedBoltzmannMachine(16, n_iter=10)
    assert clone(rbm).get_params() == rbm.get_params()
    pipe = Pipeline([("rbm", rbm), ("clf", LogisticRegression(max_iter=500))])
    pipe.fit(X[:600], y[:600])
    assert pipe.score(X[600:900], y[600:900]) > 0.5


def test_digits_are_shipped_binary():
    X, y = load_digits()
    assert X.shape == (1797, 64) and set(np.unique(X)) == {0.0, 1.0}
    assert set(np.unique(y)) == set(range(10))


@pytest.mark.gpu
def test_cupy_matches_numpy():
    """Exact log Z, AIS and training run on CuPy; log Z equals NumPy's."""
    from statmech.numeric.backend import get_backend

    cp = get_backend("cupy")
    rbm = random_machine(30, 14, scale=0.5, seed=9)
    on_gpu = rbm.to(cp)
    assert abs(log_partition(on_gpu) - log_partition(rbm)) < 1e-9
    est = ais_log_partition(on_gpu, chains=100, betas=2000, seed=1)
    assert abs(est.log_z - log_partition(rbm)) < 4 * est.error
    X, _ = load_digits()
    for method in ("cd", "pcd", "pt"):
        est = RestrictedBoltzmannMachine(8, n_iter=2, method=method, backend="cupy").fit(X[:200])
        assert np.isfinite(est.score(X[200:300]))
