"""The SK replica-symmetric solutions of ``statmech solve sk``: the trapezoid rule in z
against mpmath, every solution against the independent mpmath route to 1e-12, the
stability decisions (longitudinal and the replicon) and the command line."""

from __future__ import annotations

import json

import mpmath as mp
import numpy as np
import pytest
from statmech.numeric import gauss_trapezoid as gt
from statmech.numeric import spin_glass as sg
from statmech.numeric.spin_glass_rs import rs_solution_mp, rs_solutions

from statmech.cli import main


@pytest.mark.parametrize("a", [0.3, 1.0, 1.46, 4.0, 20.0])
@pytest.mark.parametrize("b", [0.0, 0.7])
def test_trapezoid_rule_reaches_rounding_for_tanh_squared(a, b):
    with mp.workdps(30):
        exact = mp.quad(
            lambda z: mp.tanh(a * z + b) ** 2 * mp.exp(-z * z / 2) / mp.sqrt(2 * mp.pi),
            mp.linspace(-12, 12, 61),
        )
    got = gt.average(lambda z: np.tanh(a * z + b) ** 2, a)
    assert abs(got - float(exact)) < 5e-16
    coarse = gt.average(lambda z: np.tanh(a * z + b) ** 2, a, k=gt.K_COARSE)
    assert abs(coarse - float(exact)) < 1e-12  # the error estimate's coarse rule


POINTS = [  # (T, J, J0, h)
    (0.5, 1.0, 0.0, 0.0),
    (0.7, 1.0, 0.0, 0.3),
    (0.5, 1.0, 1.5, 0.0),
    (0.25, 1.0, 0.0, 0.0),
]


@pytest.mark.parametrize("point", POINTS)
def test_every_solution_agrees_with_mpmath_to_1e12(point):
    (rows,) = rs_solutions(*point).points
    for r in rows:
        if r["q"] == 0.0:
            continue  # the paramagnet m = q = 0 holds exactly
        mp_row = rs_solution_mp(*point, r["m"], r["q"], digits=25)
        for key in ("m", "q", "free_energy", "replicon"):
            assert abs(r[key] - float(mp_row[key])) < 1e-12, (point, key)
            assert r["errors"][key if key in r["errors"] else "free_energy"] < 1e-11


def test_the_spin_glass_root_at_h0_to_1e12():
    """The case the Gauss-Hermite averages missed by 6e-9 (T = 0.5, h = 0)."""
    (rows,) = rs_solutions(0.5).points
    q = max(r["q"] for r in rows)
    _, qq = sg.rs_solve_mp(0.5, 1, 0, 0, q0=0.53, digits=25)
    assert abs(q - float(qq)) < 1e-12
    m, q2, _ = sg.rs_solve(0.5)
    assert abs(q2 - float(qq)) < 1e-12


def _by_q(rows):
    return {round(r["q"], 6): r for r in rows}


def test_stability_decisions():
    (para,) = rs_solutions(1.2).points
    assert [r["stability"] for r in para] == ["stable"] and para[0]["equilibrium"]
    (low,) = rs_solutions(0.5).points
    assert len(low) == 2
    p, g = low
    assert p["q"] == 0 and p["stability"] == "unstable" and p["longitudinal"] is False
    # the RS spin glass: a maximum in q, but below the AT line (replicon < 0)
    assert g["longitudinal"] is True and g["rs_stable"] is False
    assert g["stability"] == "unstable" and "de Almeida-Thouless" in g["reason"]
    assert g["replicon"] == pytest.approx(1 - 4 * sg.rs_averages(0, g["q"], 0.5)[2], abs=1e-14)
    # at the critical point every sign vanishes: undecided, with the reason
    (crit,) = rs_solutions(1.0).points
    assert crit[0]["stability"] == "undecided" and "within its error" in crit[0]["reason"]
    # ferromagnet: +-m stable and equal; the m = 0 spin glass is not a minimum in m
    (ferro,) = rs_solutions(0.5, 1.0, 1.5).points
    stable = [r for r in ferro if r["stability"] == "stable"]
    assert len(stable) == 2 and stable[0]["m"] == pytest.approx(-stable[1]["m"], abs=1e-14)
    assert all(r["equilibrium"] for r in stable)
    sgm0 = [r for r in ferro if abs(r["m"]) < 1e-12 and r["q"] > 1e-6]
    assert sgm0 and sgm0[0]["reason"] == "not a minimum in m"
    assert all(r["replicon"] > 0 for r in stable)


def test_replicon_changes_sign_at_the_computed_at_line():
    h = 0.3
    t_at = float(sg.at_line([h])[0])
    (above,) = rs_solutions(t_at + 1e-4, 1.0, 0.0, h).points
    (below,) = rs_solutions(t_at - 1e-4, 1.0, 0.0, h).points
    assert len(above) == len(below) == 1
    assert above[0]["stability"] == "stable" and above[0]["replicon"] > 0
    assert below[0]["stability"] == "unstable" and below[0]["replicon"] < 0


def test_continuous_in_temperature_and_one_solution_in_a_field():
    t = np.linspace(0.3, 1.5, 25)
    sols = rs_solutions(t, 1.0, 0.0, 0.5).points
    assert all(len(rows) == 1 for rows in sols)
    q = np.array([rows[0]["q"] for rows in sols])
    m, q2, _ = sg.rs_solve(t, 1.0, 0.0, 0.5)
    assert np.max(np.abs(q - q2)) < 1e-12
    assert np.all(np.diff(q) < 0)


def test_cli_solve_sk_is_decided(capsys):
    assert main(["solve", "sk", "T=0.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (point,) = data["points"]
    assert [s["stability"] for s in point["solutions"]] == ["unstable", "unstable"]
    assert main(["solve", "sk", "T=0.6:1.4:9", "h=0.2", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 + 9 and "undecided" not in "".join(lines)


def test_cli_solve_sk_precision(capsys):
    assert main(["solve", "sk", "T=0.7", "h=0.3", "--precision", "20", "--json"]) == 0
    (s,) = json.loads(capsys.readouterr().out)["points"][0]["solutions"]
    assert s["q"].startswith("0.394604938303046466")
    assert s["stability"] == "stable"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["solve", "sk", "T=0.5", "J0=-1"], "J0 >= 0"),
        (["solve", "sk", "T=0.5", "N=32", "starts=0"], "at least 1"),
        (["solve", "sk", "T=0.5", "--plot", "x.png"], "does not draw"),
    ],
)
def test_cli_solve_sk_bad_input(capsys, argv, words):
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


# ---------------------------------------------------------------- TAP below T_c at h = 0


@pytest.fixture(scope="module")
def tap64():
    k = sg.model_couplings("sk", {"N": 64}, 0)
    return k, sg.tap_minima(k, 0.5, starts=30, seed=1)


def _grad_x(k, m, T, eps=1e-5):
    """N dF/dx_i with m = tanh(x), by central differences of the TAP free energy."""
    n = len(m)
    x = np.arctanh(m)
    g = np.empty(n)
    for i in range(n):
        a, b = x.copy(), x.copy()
        a[i] += eps
        b[i] -= eps
        fa, fb = sg.tap_free_energy(k, np.tanh(np.stack([a, b])), T)
        g[i] = (fa - fb) * n / (2 * eps)
    return g


def _grad_m(k, m, T):
    """N dF/dm_i written out: -(Km)_i + beta m_i sum_j K_ij^2 (1 - m_j^2) + T atanh m_i."""
    return -(k @ m) + m * ((k**2) @ (1 - m**2)) / T + T * np.arctanh(m)


def test_tap_below_tc_finds_nontrivial_solutions(tap64):
    k, res = tap64
    assert len(res.f) >= 1 and res.mirrored
    assert res.hits.sum() + res.paramagnetic + res.failed == res.starts
    best = res.m[0]
    # a solution of the TAP equations (the derived map) ...
    beta = 2.0
    w = (1 - best**2) @ k**2
    assert np.abs(np.tanh(beta * (best @ k - beta * best * w)) - best).max() < 1e-10
    # ... and, independently, a stationary point of the TAP free energy (finite differences)
    assert np.abs(_grad_x(k, best, 0.5)).max() < 1e-7
    assert res.q_ea[0] > 0.3 and res.plefka[0] > 0 and res.hessian_min[0] > 0
    # the paramagnet's TAP free energy lies below it: why a descent cannot find it
    para = sg.tap_free_energy(k, np.zeros((1, 64)), 0.5)[0]
    assert para < res.f[0]
    assert np.all(np.diff(res.f) >= 0)


def test_tap_hessian_against_finite_differences(tap64):
    k, res = tap64
    m, T = res.m[0], 0.5
    hess = sg.tap_hessian(k, m, T)
    assert np.abs(_grad_m(k, m, T)).max() < 1e-8  # the gradient written out vanishes
    eps = 1e-6
    for i in (0, 7, 31):
        e = np.zeros_like(m)
        e[i] = eps
        col = (_grad_m(k, m + e, T) - _grad_m(k, m - e, T)) / (2 * eps)
        assert np.abs(col - hess[:, i]).max() < 1e-6 * max(1.0, abs(hess[i, i]))


def test_cli_tap_of_one_sample(capsys):
    argv = ["solve", "sk", "N=64", "seed=0", "T=0.5", "starts=12", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "TAP" and out["starts"] == 12 and out["solutions"]
    k = sg.model_couplings("sk", {"N": 64}, 0)  # -T ln 2 - (beta/4N) sum_ij K_ij^2
    para = -0.5 * np.log(2) - 2.0 / 4 * (k**2).sum() / 64
    assert out["paramagnet_free_energy"] == pytest.approx(para, abs=1e-12)
    assert main(["solve", "sk", "N=64", "T=0.5", "starts=x"]) != 0
    assert "whole number" in capsys.readouterr().err


def test_api_solve_sk_gives_the_command_line_solutions(capsys):
    import statmech as sm

    assert main(["solve", "sk", "T=0.7", "h=0.3", "--json"]) == 0
    (point,) = json.loads(capsys.readouterr().out)["points"]
    s = sm.solve("sk", T=0.7, h=0.3)
    assert s.parameters == {"T": 0.7, "J": 1.0, "J0": 0.0, "h": 0.3}
    assert list(s.solutions) == point["solutions"]
    assert s.to_dict()["points"][0]["solutions"] == point["solutions"]
