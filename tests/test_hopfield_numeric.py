"""Hopfield numerics: batched dynamics against a plain reference, exact finite-N
equilibrium, the capacity against the solver, and the command line at T = 0."""

import json
import math
import subprocess
import sys

import mpmath
import numpy as np
import pytest
from scipy.special import gammaln
from statmech.numeric.hopfield.dynamics import (
    check_patterns,
    corrupt,
    random_patterns,
    run,
    run_plain,
)
from statmech.numeric.hopfield.experiments import (
    basin,
    check_load,
    digits_patterns,
    recall,
    retrieval_overlap,
)
from statmech.numeric.hopfield.theory import capacity, retrieval, zero_temperature_solutions


def test_batched_dynamics_equals_plain_reference():
    """Same visiting order: the overlap bookkeeping gives exactly the states of the
    plain update with the integer couplings formed (ties included: P even)."""
    xi = random_patterns(3, 20, 150, seed=1)
    s0 = corrupt(xi, 0.2, 4, seed=2)
    rng = np.random.default_rng(5)
    order = np.array([rng.permutation(150) for _ in range(40)])
    res = run(xi, s0, order=order)
    assert res.converged.all()
    for r in range(3):
        for s in range(4):
            np.testing.assert_array_equal(run_plain(xi[r], s0[r, s], order), res.states[r, s])
    # a fixed point: every unit agrees with its field (or the field is zero)
    J = np.einsum("pi,pj->ij", xi[0], xi[0])
    np.fill_diagonal(J, 0)
    h = res.states[0] @ J
    assert np.all(h * res.states[0] >= 0)
    # the overlaps kept up to date equal those recomputed
    M = np.einsum("rsn,rpn->rsp", res.states, xi)
    np.testing.assert_array_equal(np.rint(res.overlaps * 150), M)


@pytest.mark.parametrize("R, S, P, N, block", [(2, 3, 14, 100, 7), (2, 2, 60, 400, 64)])
def test_blocked_dynamics_is_the_same_dynamics(R, S, P, N, block):
    """run_blocked (fields a block at a time, float32 integers) reaches exactly the states
    of run (one unit at a time) for the same visiting order, from noisy cues; int8
    patterns give the same result."""
    from statmech.numeric.hopfield.dynamics import run_blocked

    xi = random_patterns(R, P, N, seed=3)
    cues = corrupt(xi, 0.5, S, seed=4)
    order = np.array([np.random.default_rng(k).permutation(N) for k in range(40)])
    a = run(xi, cues, sweeps=40, order=order)
    for patterns in (xi, xi.astype(np.int8)):
        b = run_blocked(patterns, cues, sweeps=40, order=order, block=block)
        assert np.array_equal(a.states, b.states) and np.array_equal(a.flips, b.flips)
        assert a.sweeps == b.sweeps and np.array_equal(a.converged, b.converged)
        assert np.array_equal(a.overlaps, b.overlaps)


def test_extrapolated_capacity_fits_exact_data():
    from statmech.numeric.hopfield.experiments import extrapolate_capacity

    est = {N: 0.138 + 1.2 / math.sqrt(N) for N in (1000, 2000, 4000)}
    est[500] = float("nan")
    fit = extrapolate_capacity(est)
    assert abs(fit["alpha_inf"] - 0.138) < 1e-12 and abs(fit["slope"] - 1.2) < 1e-10
    assert fit["Ns"] == [1000, 2000, 4000]
    assert math.isnan(extrapolate_capacity({1000: 0.15})["alpha_inf"])


def test_corrupt_flips_exactly():
    xi = random_patterns(2, 3, 100, seed=0)
    cues = corrupt(xi, 0.6, 5, seed=1)
    m = np.einsum("rsn,rn->rs", cues, xi[:, 0]) / 100
    np.testing.assert_array_equal(m, 0.6)


def test_glauber_single_pattern_matches_exact_finite_n():
    """P = 1 is the Curie-Weiss model: energy -(M^2 - N)/(2N).  The mean final |m| of
    many independent heat-bath runs equals the exact finite-N average (binomial
    multiplicities), within 4 standard errors."""
    N, T = 200, 0.8
    xi = random_patterns(32, 1, N, seed=4)
    res = run(xi, xi[:, :1].repeat(16, axis=1), T=T, sweeps=60, seed=9)
    m = np.abs(res.overlaps[:, :, 0])
    per_network = m.mean(axis=1)
    mean, err = per_network.mean(), per_network.std(ddof=1) / math.sqrt(per_network.size)
    M = np.arange(-N, N + 1, 2)
    logw = gammaln(N + 1) - gammaln((N + M) / 2 + 1) - gammaln((N - M) / 2 + 1)
    logw = logw + (M**2 - N) / (2 * N * T)
    w = np.exp(logw - logw.max())
    exact = float((w * np.abs(M) / N).sum() / w.sum())
    assert abs(mean - exact) < 4 * err, (mean, err, exact)


def test_capacity_six_digits_and_solver_agrees():
    cap = capacity()
    assert round(float(cap["alpha_c"]), 6) == 0.137906
    assert round(float(cap["m_c"]), 6) == 0.967417
    # quoted: alpha_c = 0.138, m = 0.967 (Amit, Gutfreund, Sompolinsky 1987)
    assert abs(float(cap["alpha_c"]) - 0.138) < 5e-4 and abs(float(cap["m_c"]) - 0.967) < 5e-4
    # independent route: the vector solver of the (m, C, r) equations finds a
    # retrieval solution just below alpha_c and none just above
    a_c = float(cap["alpha_c"])
    below = retrieval(zero_temperature_solutions(a_c * (1 - 1e-5)))
    assert below is not None and abs(below["m"] - float(cap["m_c"])) < 1e-2
    assert retrieval(zero_temperature_solutions(a_c * (1 + 1e-5))) is None


def test_retrieval_solution_against_capacity_function():
    """At alpha = 0.1 the solver's retrieval m is erf(y) with y the larger root of
    alpha(y) = 0.1 (mpmath), a second route through the derived alpha(y)."""
    from statmech.derive.hopfield_data import y
    from statmech.derive.hopfield_replica import capacity_function
    from statmech.numeric.compile import compile_expression

    a_of_y = compile_expression(capacity_function(), [y], "mpmath")
    with mpmath.workdps(30):
        y_r = mpmath.findroot(
            lambda t: a_of_y(t) - mpmath.mpf("0.1"), (1.6, 3.0), solver="anderson"
        )
        m_exact = float(mpmath.erf(y_r))
    got = retrieval(zero_temperature_solutions(0.1))
    assert got["q"] == 1.0 and got["r"] > 1
    assert abs(got["m"] - m_exact) < 1e-12


def test_simulated_overlap_small_n_agrees_with_theory():
    """N = 1000, alpha = 0.1, from the stored patterns: the final overlap agrees with
    the replica-symmetric m = 0.99800 within 4 standard errors."""
    got = retrieval_overlap(1000, 0.1, networks=16, starts=8, seed=3)
    theory = retrieval(zero_temperature_solutions(0.1))["m"]
    assert got["converged"] == 1.0
    assert abs(got["m"] - theory) < 4 * got["m_err"], (got, theory)


@pytest.mark.slow
def test_simulated_overlap_n4000_alpha005():
    """The issue's check: N = 4000, alpha = 0.05."""
    got = retrieval_overlap(4000, 0.05, networks=64, starts=16, seed=11)
    theory = retrieval(zero_temperature_solutions(0.05))["m"]
    assert abs(got["m"] - theory) < 4 * got["m_err"], (got, theory)


def test_basin_of_attraction():
    """Cues near the pattern are corrected; cues at small overlap are not."""
    b = basin(400, 0.05, [0.05, 0.9], networks=4, starts=4, seed=2)
    assert b["final"][1] > 0.99
    assert b["final"][0] < 0.5


def test_digits_are_correlated_and_recall_fails_to_spurious_states():
    xi, labels = digits_patterns()
    assert xi.shape == (10, 64) and set(np.unique(xi)) == {-1.0, 1.0}
    assert list(labels) == list(range(10))
    got = recall(xi, xi)  # even the stored images are not all fixed points
    assert not (got["recalled"] == xi).all()


def test_bad_input():
    with pytest.raises(ValueError, match="must be \\+1 or -1"):
        check_patterns(np.array([[1, 0, 1], [1, 1, -1]]))
    with pytest.raises(ValueError, match="more patterns than units"):
        check_patterns(np.ones((4, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        check_load(-0.1, 100)
    with pytest.raises(ValueError, match="2-d"):
        check_patterns(np.ones(5))
    with pytest.raises(ValueError, match="zero or positive"):
        run(np.ones((1, 4)), np.ones((1, 4)), T=-1.0)


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "statmech", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_solve_zero_temperature():
    out = _cli("solve", "hopfield", "T=0", "alpha=0.1", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    ret = data["points"][0]["retrieval"]
    assert abs(ret["m"] - 0.998) < 1e-3 and ret["q"] == 1.0 and ret["r"] > 1
    assert round(data["alpha_c"], 6) == 0.137906
    out = _cli("solve", "hopfield", "T=0", "--json", "--precision", "8")
    assert json.loads(out.stdout)["alpha_c"] == "0.13790557"
    bad = _cli("solve", "hopfield", "T=0", "alpha=-0.1")
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "alpha" in bad.stderr


def test_cli_simulate_retrieval_and_bad_patterns(tmp_path):
    rng = np.random.default_rng(0)
    good, bad, big = tmp_path / "p.npy", tmp_path / "bad.npy", tmp_path / "big.npy"
    np.save(good, np.where(rng.random((3, 200)) < 0.5, -1, 1))
    np.save(bad, np.array([[1, 0], [1, -1]]))
    np.save(big, np.ones((5, 4)))
    out = _cli("simulate", "hopfield", f"patterns={good}", "m0=0.8", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["recalled_exactly"] == 3
    for args, words in (
        ((f"patterns={bad}",), "+1 or -1"),
        ((f"patterns={big}",), "more patterns than units"),
        (("alpha=-0.1",), "non-negative"),
    ):
        got = _cli("simulate", "hopfield", *args)
        assert got.returncode != 0 and words in got.stderr
        assert len(got.stderr.strip().splitlines()) == 1


def test_finite_temperature_solutions_solve_the_equations_in_mpmath():
    """The retrieval point found by iteration (Gaussian averages on the z grid) and the
    spin glass found by bisection solve the derived AGS equations evaluated in mpmath
    (adaptive quadrature) to 1e-9; the spin glass at T = 0.02 is near the T = 0 one
    (C = beta(1 - q) and r move by O(T))."""
    from statmech.derive.hopfield_replica import ags_equations
    from statmech.numeric.gaussian import compile_averaged
    from statmech.numeric.hopfield.theory import _model, iterate, spin_glass

    eq = ags_equations(_model())
    args = [*eq.unknowns, *eq.parameters]
    g = [compile_averaged(e, args, "mpmath") for e in eq.fixed_point]
    m, q, r, _, done = iterate(0.05, 0.3, (1.0, 1.0, 1.0), steps=3000)
    assert bool(done) and float(m) > 0.9
    q_sg, r_sg, _ = spin_glass(np.array([0.1, 0.1]), np.array([0.3, 0.02]))
    with mpmath.workdps(20):
        for x in ((m, q, r, 0.3, 0.05), (0.0, q_sg[0], r_sg[0], 0.3, 0.1)):
            x = [float(v) for v in x]
            for k, gk in enumerate(g):
                assert abs(gk(*x) - x[k]) < 1e-9, (k, x)
    sg0 = [s for s in zero_temperature_solutions(0.1) if abs(s["m"]) < 1e-9][0]
    assert abs((1 - q_sg[1]) / 0.02 - sg0["C"]) < 0.02 * sg0["C"]
    assert abs(r_sg[1] - sg0["r"]) < 0.02 * sg0["r"]


def test_phase_diagram_lines_ordered():
    from statmech.numeric.hopfield.theory import phase_diagram

    pd = phase_diagram(np.array([0.01, 0.1]), steps=1500, bisections=8)
    assert np.allclose(pd["T_g"], 1 + np.sqrt([0.01, 0.1]))
    assert 0 < pd["T_c"][0] < pd["T_M"][0] < 1 < pd["T_g"][0]
    assert np.isnan(pd["T_c"][1]) and 0 < pd["T_M"][1] < pd["T_M"][0]  # 0.1 > 0.0519
    assert abs(pd["alpha_T_c_zero"] - 0.051) < 1e-3  # quoted by AGS 1987: 0.051


def test_finite_size_capacity_interpolates_the_drop():
    from statmech.numeric.hopfield.experiments import finite_size_capacity

    curve = [{"N": 100, "alpha": a, "m": m} for a, m in ((0.1, 0.99), (0.14, 0.9), (0.16, 0.3))] + [
        {"N": 200, "alpha": 0.1, "m": 0.99}
    ]
    got = finite_size_capacity(curve)
    assert abs(got[100] - (0.14 + 0.4 * 0.02 / 0.6)) < 1e-15
    assert math.isnan(got[200])
