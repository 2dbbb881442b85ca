"""Reverse diffusion with the exact score: the Hopfield form of the score, speciation,
collapse and copies, against the derivation and the quoted theory."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from statmech.derive.checking import cheaply_equal
from statmech.numeric.associative import diffusion as dif


def test_score_is_the_hopfield_update_symbolically():
    from statmech.derive.dense_memory import X_VEC, D
    from statmech.derive.diffusion import hopfield_score, mixture_density

    density = mixture_density()
    for k, hop in enumerate(hopfield_score()):
        assert cheaply_equal(sp.diff(sp.log(density), X_VEC[k]), hop), k
    assert D == 2


@pytest.mark.parametrize("t", [0.05, 0.4, 2.0])
def test_score_is_the_hopfield_update_numerically(t):
    rng = np.random.default_rng(1)
    pats = rng.standard_normal((300, 16)) * rng.uniform(0.5, 2.0, size=(300, 1))
    x = rng.standard_normal((40, 16))
    hop = dif.score(x, pats, t)
    direct = dif.score_direct(x, pats, t)
    scale = np.max(np.abs(direct))
    assert np.max(np.abs(hop - direct)) <= 1e-12 * scale


def test_score_matches_the_derivation_at_numbers():
    """The SymPy score of the d = 2, P = 3 instance, evaluated at 30 digits."""
    from statmech.derive.dense_memory import X_VEC, XI
    from statmech.derive.diffusion import Delta, hopfield_score, s_t

    rng = np.random.default_rng(2)
    pats, x, t = rng.standard_normal((3, 2)), rng.standard_normal(2), 0.3
    subs = {XI[m, k]: pats[m, k] for m in range(3) for k in range(2)}
    subs.update({X_VEC[k]: x[k] for k in range(2)})
    subs.update({s_t: math.exp(-t), Delta: -math.expm1(-2 * t)})
    exact = [float(sp.N(e.subs(subs), 30)) for e in hopfield_score()]
    np.testing.assert_allclose(dif.score(x[None], pats, t)[0], exact, rtol=1e-12, atol=1e-12)


def test_score_is_the_gradient_of_the_log_density():
    rng = np.random.default_rng(3)
    pats = rng.standard_normal((50, 6))
    x = rng.standard_normal((5, 6))
    t, h = 0.7, 1e-5
    s = dif.score(x, pats, t)
    for k in range(6):
        e = np.zeros(6)
        e[k] = h
        fd = (dif.log_density(x + e, pats, t) - dif.log_density(x - e, pats, t)) / (2 * h)
        np.testing.assert_allclose(s[:, k], fd, rtol=1e-6, atol=1e-8)


def test_beta_t():
    for t in (0.1, 1.0, 3.0):
        assert dif.beta_t(t) == pytest.approx(math.exp(-t) / (1 - math.exp(-2 * t)), rel=1e-14)


def test_reverse_sde_keeps_the_forward_marginal():
    """From exact samples of p_T the reverse SDE must give samples of p_t: compare the
    second moment at t = 0.5 with the mixture's, e^-2t <|xi|^2> + d Delta_t."""
    rng = np.random.default_rng(4)
    pats = rng.standard_normal((50, 8))
    seen = {}

    def record(t, x, w):
        seen[t] = np.mean(np.sum(x * x, axis=1))

    dif.reverse(pats, 2000, t_max=3.0, t_min=0.5, steps=150, seed=5, record=record)
    t = min(seen)
    expected = math.exp(-2 * t) * np.mean(np.sum(pats**2, axis=1)) + 8 * -math.expm1(-2 * t)
    # 2000 samples: the second moment of 8 coordinates has a relative spread of ~1.2%
    assert seen[t] == pytest.approx(expected, rel=0.04)


@pytest.mark.parametrize("method", ["sde", "ode"])
def test_exact_score_memorizes(method):
    rng = np.random.default_rng(6)
    pats = rng.standard_normal((40, 8))
    x = dif.reverse(pats, 64, method=method, steps=200, seed=7)
    assert np.mean(dif.copies(x, pats)) == 1.0


def test_posterior_agreement_matches_real_clones():
    pats, labels = dif.two_clusters(200, 8, 4.0, seed=1)
    t_s = 0.5 * math.log(dif.top_eigenvalue(pats))
    res = dif.measure(pats, labels, count=256, steps=150, seed=2)
    phi_at = float(np.interp(t_s, res["times"][::-1], res["phi"][::-1]))
    clones, se = dif.clone_agreement(pats, labels, t_s, count=160, steps=150, seed=3)
    assert abs(clones - phi_at) < 3.5 * math.hypot(se, 0.02), (clones, se, phi_at)


def test_phi_at_the_instability():
    # the halfway point phi = 3/4 sits a little before the instability g = 1 (phi ~ 0.775)
    phi = dif.phi_two_clusters([0.86, 1.0])
    assert phi[0] == pytest.approx(0.75, abs=0.005)
    assert phi[1] == pytest.approx(0.775, abs=0.005)


def test_speciation_time_small():
    pats, labels = dif.two_clusters(200, 16, 6.0, seed=1)
    res = dif.measure(pats, labels, count=128, steps=120, seed=2)
    assert res["speciation_time"] == pytest.approx(res["speciation_theory"], rel=0.10)


@pytest.mark.slow
def test_speciation_time_d64_within_ten_percent():
    """Done means: two clusters in d = 64, t_S within 10% of (1/2) log Lambda."""
    for seed in (1, 2):
        pats, labels = dif.two_clusters(2000, 64, 8.0, seed=seed)
        res = dif.measure(pats, labels, count=512, steps=300, seed=seed + 10)
        theory = res["speciation_theory"]
        assert abs(res["speciation_time"] - theory) < 0.10 * theory, (
            res["speciation_time"],
            theory,
        )


@pytest.mark.slow
def test_collapse_time_against_quoted_theory():
    """Isotropic Gaussian data; the quoted t_C is a d -> oo result: 10% at d = 64."""
    rng = np.random.default_rng(8)
    pats = rng.standard_normal((1000, 64))
    res = dif.measure(pats, None, count=256, steps=300, seed=9)
    assert res["collapse_time"] == pytest.approx(dif.collapse_theory(1000, 64), rel=0.10)


def test_collapse_theory_formula():
    # (1/2) log(1 + sigma^2 / (P^(2/d) - 1)) = the derivation's result at alpha = log P / d
    from statmech.derive.diffusion import alpha, diffusion, sigma

    tc = dict(diffusion().results)["t_C"]
    value = float(tc.subs({alpha: math.log(1000) / 64, sigma: 1.0}))
    assert dif.collapse_theory(1000, 64) == pytest.approx(value, rel=1e-12)


def test_simulate_diffusion_json():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "statmech",
            "simulate",
            "diffusion",
            "d=16",
            "P=200",
            "a=6",
            "samples=128",
            "steps=120",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(out.stdout)
    for key in ("speciation_time", "collapse_time", "copy_fraction"):
        assert key in res and f"{key}_theory" in res
    assert res["copy_fraction"] == 1.0
    assert res["speciation_time"] == pytest.approx(res["speciation_time_theory"], rel=0.15)


def test_simulate_diffusion_refuses_bad_values():
    out = subprocess.run(
        [sys.executable, "-m", "statmech", "simulate", "diffusion", "P=1"],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "P must be an integer of at least 4" in out.stderr
