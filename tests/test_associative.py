"""Dense associative memory, modern Hopfield, residual blocks, memorization vs
generalization: the derivations and the numerics against each other."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from statmech.derive import check
from statmech.derive.checking import cheaply_equal
from statmech.derive.topics import get_topic
from statmech.numeric.associative import dense, generalization, residual

TOPICS = ("dense-memory", "modern-hopfield", "diffusion", "residual")


@pytest.mark.parametrize("name", TOPICS)
def test_topic_derivations_check(name):
    topic = get_topic(name)
    assert topic is not None
    for d in topic.hook("derivations")(topic):
        results = check(d)
        assert results, name
        # nothing is merely asserted: every step is checked, defined or quoted with a reference
        for step, result in results:
            assert result.ok
            if step.rule == "quoted":
                assert step.reference


def test_cccp_step_is_the_softmax_update_symbolically():
    from statmech.derive.dense_memory import X_VEC, D, lse, softmax_update
    from statmech.derive.dense_memory import XI as xi

    scores = [sum(xi[mu, k] * X_VEC[k] for k in range(D)) for mu in range(xi.shape[0])]
    concave = -lse(scores)
    update = softmax_update()
    for k in range(D):
        # symbolic rewrites, not a numeric sample: the two expressions are identical
        assert cheaply_equal(-sp.diff(concave, X_VEC[k]), update[k])


def test_modern_hopfield_derivation_matches_numerics():
    """The SymPy update and energy evaluated at numbers equal the batched NumPy ones."""
    from statmech.derive.dense_memory import X_VEC, XI, K, beta, modern_energy, softmax_update

    rng = np.random.default_rng(3)
    pats = rng.standard_normal((K, 2))
    x = rng.standard_normal(2)
    b = 1.7
    subs = {XI[m, k]: pats[m, k] for m in range(K) for k in range(2)}
    subs.update({X_VEC[k]: x[k] for k in range(2)}, **{})
    subs[beta] = b
    M = sp.Symbol("M", positive=True)
    subs[M] = float(np.max(np.linalg.norm(pats, axis=1)))
    sym_update = [float(sp.N(u.subs(subs), 30)) for u in softmax_update()]
    num_update = dense.softmax_update(x[None], pats, b)[0]
    np.testing.assert_allclose(num_update, sym_update, rtol=1e-13, atol=1e-13)
    sym_energy = float(sp.N(modern_energy().subs(subs), 30))
    assert dense.modern_energy(x[None], pats, b)[0] == pytest.approx(sym_energy, rel=1e-13)


def test_cccp_update_never_raises_the_energy():
    pats = dense.sphere_patterns(20, 16, seed=1)
    x = 2.0 * np.random.default_rng(2).standard_normal((200, 16))
    for beta in (0.05, 0.3, 2.0):
        e0 = dense.modern_energy(x, pats, beta)
        e1 = dense.modern_energy(dense.softmax_update(x, pats, beta), pats, beta)
        assert np.all(e1 <= e0 + 1e-10)


def test_modern_gradient_is_the_energy_gradient():
    pats = dense.sphere_patterns(7, 5, seed=4)
    x = np.random.default_rng(5).standard_normal((3, 5))
    beta, h = 0.8, 1e-6
    g = dense.modern_gradient(x, pats, beta)
    for k in range(5):
        e = np.zeros(5)
        e[k] = h
        fd = dense.modern_energy(x + e, pats, beta) - dense.modern_energy(x - e, pats, beta)
        np.testing.assert_allclose(g[:, k], fd / (2 * h), rtol=1e-6, atol=1e-7)


def test_dense_update_with_n2_is_the_hopfield_rule():
    pats = dense.random_patterns(6, 40, seed=1)
    s = dense.random_patterns(10, 40, seed=2)
    J = pats.T @ pats
    np.fill_diagonal(J, 0)
    field = s @ J
    expected = np.where(field > 0, 1.0, np.where(field < 0, -1.0, s))
    np.testing.assert_array_equal(dense.dense_update(s, pats, 2), expected)


@pytest.mark.parametrize("n, N, P", [(2, 200, 80), (3, 40, 600), (4, 30, 1000)])
def test_bit_error_rate_against_signal_to_noise(n, N, P):
    # the theory is Gaussian noise from P - 1 patterns (central limit): tested where P is large
    rate, se = dense.bit_error_rate(P, N, n, tested=128, seed=n)
    theory = dense.bit_error_theory(P, N, n)
    assert abs(rate - theory) < 4 * se + 1e-3, (rate, se, theory)


def test_capacity_grows_as_n_minus_one_power_of_N():
    # doubling N multiplies the capacity by about 2^(n-1) (log corrections aside)
    # (mean over three pattern sets; n = 2 at larger N, where its capacity is not tiny)
    exps = {}
    for n, N in ((2, 100), (3, 20)):
        small = np.mean([dense.capacity(N, n, seed=s) for s in range(3)])
        large = np.mean([dense.capacity(2 * N, n, seed=s) for s in range(3)])
        exps[n] = math.log2(large / small)
    assert 0.5 < exps[2] < 1.2
    assert 1.5 < exps[3] < 2.5
    # the exponential F stores far more than the power laws at the same N
    assert dense.capacity(20, "exp", seed=1) > 10 * dense.capacity(20, 3, seed=1)


def test_one_step_error_falls_with_beta_and_obeys_the_bound():
    errors = []
    for beta in (0.02, 0.1, 0.3, 1.0):
        err, se = dense.one_step_error(100, 64, beta, seed=3)
        assert err <= dense.one_step_bound(100, 64, beta, seed=3) + 1e-12
        errors.append(err)
    assert all(b < a for a, b in zip(errors, errors[1:], strict=False))
    assert errors[-1] < 1e-6
    assert dense.modern_retrieved_fraction(100, 64, 1.0, seed=3) == 1.0


def test_residual_monotone_bound_is_two_over_L():
    L = 4.0
    A = residual.random_quadratic(12, L, seed=1)
    e, g = residual.quadratic(A)
    x0 = residual.start_states(16, 12, seed=2)
    assert residual.is_monotone(residual.energy_along_depth(e, g, x0, 0.95 * 2 / L, 40))
    assert not residual.is_monotone(residual.energy_along_depth(e, g, x0, 1.1 * 2 / L, 40))
    assert residual.monotone_bound(e, g, x0, depth=60) == pytest.approx(2 / L, rel=2e-3)


def test_residual_attention_block_descends_the_modern_energy():
    pats = dense.sphere_patterns(10, 8, seed=1)
    beta = 0.5
    e, g = residual.modern(pats, beta)
    x0 = residual.start_states(16, 8, seed=3)
    L = residual.modern_lipschitz(pats, beta, x0)
    for eta in (0.2, 1.0, 0.99 * 2 / L):
        assert residual.is_monotone(residual.energy_along_depth(e, g, x0, eta, 30))
    # eta = 1 is the attention update itself
    np.testing.assert_allclose(x0 - g(x0), dense.softmax_update(x0, pats, beta), atol=1e-14)


def test_limited_capacity_model_copies_then_generalizes():
    small = generalization.crossover([8], d=16, K=16, seeds=range(2), count=128, steps=60)
    large = generalization.crossover([512], d=16, K=16, seeds=range(2), count=128, steps=60)
    assert small["rows"][0]["copy_fraction"] == 1.0
    assert large["rows"][0]["copy_fraction"] < 0.05
    assert large["rows"][0]["frechet"] < small["rows"][0]["frechet"]


def test_simulate_modern_hopfield_json():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "statmech",
            "simulate",
            "modern-hopfield",
            "P=30",
            "beta=1",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(out.stdout)
    assert res["retrieved_fraction"] == 1.0
    assert res["one_step_error"] <= res["one_step_error_bound"]


def test_simulate_modern_hopfield_refuses_unknown_parameter():
    out = subprocess.run(
        [sys.executable, "-m", "statmech", "simulate", "modern-hopfield", "Q=3"],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "no parameter 'Q'" in out.stderr


@pytest.mark.latex
@pytest.mark.parametrize("name", TOPICS)
def test_topic_latex_compiles(name, tmp_path):
    import shutil

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    tex = tmp_path / f"{name}.tex"
    subprocess.run(
        [sys.executable, "-m", "statmech", "derive", name, "--format", "latex", "-o", str(tex)],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-2000:]


@pytest.mark.parametrize("n, N", [(2, 100), (3, 20), (4, 16)])
def test_capacity_against_signal_to_noise(n, N):
    """Stored patterns stable (flip = 0) up to the capacity where all N bits are stable
    with probability 1/2 by the signal-to-noise theory (independent bits); measured
    capacities exceed it by up to ~20% (a bit flipped by one update can flip back)."""
    measured = np.mean([dense.capacity(N, n, seed=s, tested=64, flip=0.0) for s in range(3)])
    theory = dense.capacity_theory(N, n)
    assert 0.85 * theory < measured < 1.3 * theory, (measured, theory)


def test_retrieval_curves_fall_with_the_number_of_patterns():
    rows = dense.retrieval_curves([20], [2, 4, "exp"], [4, 64], seeds=range(2), tested=16)
    frac = {(r["n"], r["P"]): r["fraction"] for r in rows}
    assert frac[(2, 4)] >= frac[(2, 64)]
    # P = 64 is far beyond the n = 2 capacity at N = 20 (~ 8), below the n = 4 one (~ 170,
    # where half the patterns fail), and nothing for the exponential F
    assert frac[(2, 64)] < 0.2
    assert frac[(4, 64)] > 0.5
    assert frac[("exp", 64)] == 1.0


def test_attention_map_figure(tmp_path):
    pytest.importorskip("matplotlib")
    from statmech.numeric.associative.figures import plot_attention_map

    out = tmp_path / "map.png"
    plot_attention_map(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
