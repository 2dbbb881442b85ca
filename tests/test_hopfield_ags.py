"""The AGS equations at T > 0 (numeric/hopfield/ags.py) against independent routes.

The solver's own gradient, Hessian and free energy are checked against the derived
SymPy expressions evaluated in mpmath (adaptive quadrature) to 1e-11; every solution
against the derived fixed-point equations in mpmath to 1e-10 (the trapezoid rule's
error is far below, Newton's residual about 1e-13); the T -> 0 limit against the
T = 0 solver (differences of order T); T_g = 1 + sqrt(alpha) to 1e-3 on either side;
T_M against the fixed-point iteration of numeric/hopfield/theory.py (a second,
independent route) within the iteration's bisection step.
"""

import json
import math

import mpmath
import numpy as np
import pytest
from statmech.numeric.hopfield import ags, ags_precise
from statmech.numeric.hopfield.theory import zero_temperature_solutions


@pytest.fixture(scope="module")
def derived():
    from statmech.derive import get_model
    from statmech.derive.hopfield_replica import ags_equations
    from statmech.numeric.gaussian import compile_averaged

    eq = ags_equations(get_model("hopfield"))
    args = [*eq.unknowns, *eq.parameters]
    assert [a.name for a in args] == ["m", "q", "r", "T", "alpha"]
    return {
        "grad": [compile_averaged(g, args, "mpmath") for g in eq.residual],
        "hess": [[compile_averaged(h, args, "mpmath") for h in row] for row in eq.curvature],
        "free": compile_averaged(eq.free_energy, args, "mpmath"),
        "fixed": [compile_averaged(g, args, "mpmath") for g in eq.fixed_point],
    }


@pytest.mark.parametrize("point", [(0.8, 0.85, 2.0, 0.4, 0.1), (0.0, 0.6, 9.0, 0.5, 0.1)])
def test_gradient_hessian_free_energy_are_the_derived_ones(derived, point):
    m, q, r, T, a = point
    av = ags.Averages(T, math.sqrt(a * r) * 1.5).all(m, math.sqrt(a * r))
    mine = (
        ags.gradient(m, q, r, T, a, av),
        ags.hessian(m, q, r, T, a, av),
        ags.free_energy(m, q, r, T, a, av),
    )
    with mpmath.workdps(20):
        for i in range(3):
            assert abs(mine[0][i] - derived["grad"][i](*point)) < 1e-12
            for j in range(3):
                assert abs(mine[1][i, j] - derived["hess"][i][j](*point)) < 1e-11, (i, j)
        assert abs(mine[2] - derived["free"](*point)) < 1e-12


@pytest.mark.parametrize(
    "T, alpha", [(0.1, 0.12), (0.3, 0.05), (0.05, 0.1), (0.7, 0.02), (1.1, 0.05)]
)
def test_every_solution_solves_the_derived_equations(derived, T, alpha):
    sols = ags.solutions(T, alpha)
    with mpmath.workdps(20):
        for s in sols:
            x = (s["m"], s["q"], s["r"], T, alpha)
            for k, g in enumerate(derived["fixed"]):
                if s["kind"] == "paramagnet" and k == 2:
                    continue  # r = q / d^2 = 0 holds exactly
                assert abs(g(*x) - x[k]) < 1e-10, (s["kind"], k)
            if s["kind"] != "paramagnet":
                assert abs(derived["free"](*x) - s["free_energy"]) < 1e-11
    kinds = [s["kind"] for s in sols]
    assert kinds.count("spin glass") == 1 and len(set((s["m"], s["q"]) for s in sols)) == len(sols)
    # retrieval states come in mirror pairs, m and -m
    ms = sorted(s["m"] for s in sols if s["kind"] == "retrieval")
    assert np.allclose(ms, [-v for v in reversed(ms)])


def test_stability_at_low_temperature():
    """Upper retrieval branch metastable, lower unstable, spin glass the equilibrium at
    alpha = 0.12 > 0.0518 (the classification of test_hopfield_derive's convention)."""
    sols = [s for s in ags.solutions(0.1, 0.12) if s["m"] >= 0]
    glass, lower, upper = sols
    assert glass["kind"] == "spin glass" and glass["stability"] == "stable"
    assert 0.85 < lower["m"] < 0.95 and lower["stability"] == "unstable"
    assert upper["m"] > 0.98 and upper["stability"] == "metastable"
    assert upper["curvature"] > 0 > lower["curvature"]
    assert upper["replica_symmetric"] and not glass["replica_symmetric"]
    # below alpha = 0.0518 at low T the retrieval state is the equilibrium
    low = ags.solutions(0.05, 0.03)
    best = [s for s in low if s["equilibrium"]]
    assert len(best) == 2 and all(s["kind"] == "retrieval" for s in best)


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_spin_glass_appears_at_t_g(alpha):
    t_g = 1 + math.sqrt(alpha)
    below = {s["kind"]: s for s in ags.solutions(t_g - 1e-3, alpha)}
    above = {s["kind"]: s for s in ags.solutions(t_g + 1e-3, alpha)}
    assert set(below) == {"spin glass", "paramagnet"} and set(above) == {"paramagnet"}
    assert 0 < below["spin glass"]["q"] < 0.01 and below["spin glass"]["stability"] == "stable"
    assert below["paramagnet"]["stability"] == "unstable"
    assert above["paramagnet"]["stability"] == "stable"
    # the replicon of the paramagnet changes sign at T_g too
    assert below["paramagnet"]["replicon"] < 0 < above["paramagnet"]["replicon"]


def test_low_temperature_limit_is_the_zero_temperature_solution():
    """C = beta(1 - q), r and m approach the T = 0 solution linearly in T."""
    zero = [s for s in zero_temperature_solutions(0.1) if s["m"] > -1e-9]
    gaps = []
    for T in (0.02, 0.01):
        at = [s for s in ags.solutions(T, 0.1) if s["m"] >= 0]
        assert len(at) == 3
        gap = 0.0
        for s, z in zip(at, sorted(zero, key=lambda v: v["m"]), strict=True):
            C = (1 - s["q"]) / T
            gap = max(gap, abs(s["m"] - z["m"]), abs(s["r"] - z["r"]) / z["r"], abs(C - z["C"]))
        gaps.append(gap)
    assert gaps[1] < 0.01 and gaps[1] < 0.7 * gaps[0]


def test_retrieval_appears_below_t_m():
    """Just below T_M the two retrieval branches (stable and unstable) are about to merge
    at the fold; just above there is none."""
    a = 0.05
    t_m = ags.retrieval_temperature(a)
    below = [s for s in ags.solutions(t_m - 1e-6, a) if s["kind"] == "retrieval" and s["m"] > 0]
    assert len(below) == 2 and abs(below[0]["m"] - below[1]["m"]) < 0.02
    assert {s["stability"] for s in below} == {"metastable", "unstable"}
    assert not any(s["kind"] == "retrieval" for s in ags.solutions(t_m + 1e-6, a))


@pytest.mark.slow
def test_t_m_and_t_c_agree_with_the_fixed_point_iteration():
    """T_M and T_c from the solver against the iteration of theory.phase_diagram (12
    bisections in T; the iteration settles slowly near the fold, so its T_M lies at or
    below the solver's, within a few bisection steps)."""
    from statmech.numeric.hopfield.theory import phase_diagram

    a = 0.05
    step = 0.98 / 2**12
    it = phase_diagram(np.array([a]), steps=3000, bisections=12)
    t_m, t_c = ags.retrieval_temperature(a), ags.transition_temperature(a)
    assert -step < t_m - it["T_M"][0] < 4 * step
    assert abs(t_c - it["T_c"][0]) < 2 * step


def test_undecided_stability_is_refused():
    H = np.diag([0.0, -1.0, 1.0])
    with pytest.raises(ags.Undecided, match="undecided"):
        ags._stability(H, -1.0, 0.0, "retrieval", 0.9, 0.9, 0.1, 0.1)


def test_precision_polishes_in_mpmath():
    floats = ags.solutions(0.3, 0.05)
    precise = ags_precise.precise(0.3, 0.05, 25)
    assert len(floats) == len(precise)
    for f, p in zip(floats, precise, strict=True):
        assert f["kind"] == p["kind"] and f["stability"] == p["stability"]
        for k in ("m", "q", "r", "free_energy", "curvature", "replicon"):
            assert abs(f[k] - float(p[k])) < 1e-11 * max(1, abs(f[k])), k
        assert p["residual"] < mpmath.mpf(10) ** -25


def test_too_low_temperature_is_refused():
    with pytest.raises(ValueError, match="T=0"):
        ags.solutions(1e-4, 0.1)


def test_cli_solve_positive_temperature(capsys):
    from statmech.cli import main

    assert main(["solve", "hopfield", "T=0.1", "alpha=0.12", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    p = data["points"][0]
    assert p["retrieval"]["m"] > 0.98 and p["retrieval"]["stability"] == "metastable"
    assert {s["kind"] for s in p["solutions"]} == {"retrieval", "spin glass"}
    assert main(["solve", "hopfield", "T=0.3", "alpha=0.05", "--precision", "20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["points"][0]["retrieval"]["m"].split(".")[1]) == 20  # 0.xxx: 20 digits
    assert main(["solve", "hopfield", "T=1.3:1.5:2", "alpha=0.05"]) == 0  # ranges; text
    assert capsys.readouterr().out.count("paramagnet") == 2
    for bad in (["T=0.1", "alpha=-0.1"], ["T=-1"], ["T=0.1", "N=3"], ["T=0.1", "T=0.2"]):
        assert main(["solve", "hopfield", *bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_api_and_listing():
    from statmech.derive import get_model

    import statmech as sm
    from statmech.api.capabilities import verbs

    assert "solve" in verbs(get_model("hopfield"))
    s = sm.solve(sm.model("hopfield"), T=0.3, alpha=0.05)
    assert s.parameters == {"T": 0.3, "alpha": 0.05}
    assert any(x["kind"] == "retrieval" and x["stable"] for x in s.solutions)


def test_solution_counts_over_the_phase_diagram():
    """Over a grid of (T, alpha): one spin glass below T_g and none above, the
    paramagnet above T = 1 (the domain of its free energy), retrieval states in
    pairs of mirror pairs (stable and unstable branch), finite free energies, small
    residuals, and an equilibrium at every point."""
    for a in (0.002, 0.03, 0.1, 0.13, 0.5):
        for T in (0.03, 0.2, 0.5, 0.9, 1.05, 1.5, 2.2):
            sols = ags.solutions(T, a)
            kinds = [s["kind"] for s in sols]
            assert kinds.count("spin glass") == (1 if T < 1 + math.sqrt(a) else 0), (T, a)
            assert kinds.count("paramagnet") == (1 if T > 1 else 0)
            assert kinds.count("retrieval") % 4 == 0
            assert all(math.isfinite(s["free_energy"]) and s["residual"] < 1e-9 for s in sols)
            assert any(s["equilibrium"] for s in sols)
    # retrieval at low load and temperature, none above T = 1 or past the capacity
    assert any(s["kind"] == "retrieval" for s in ags.solutions(0.5, 0.03))
    assert not any(s["kind"] == "retrieval" for s in ags.solutions(0.03, 0.2))
