"""The self-consistency solver: every root, its stability, high precision, continuation."""

import json
import math

import mpmath
import numpy as np
import pytest
import statmech.numeric.solve as solve_module
from statmech.derive.meanfield import mean_field_equations
from statmech.numeric.continuation import continuation, hysteresis_loop
from statmech.numeric.solve import STABILITY_NAMES as STABILITY
from statmech.numeric.solve import SolverError, solve_grid, solve_point_mp

from statmech import derive
from statmech.cli import main

CW = mean_field_equations(derive.get_model("curie-weiss"))
BETHE = mean_field_equations(derive.get_model("bethe"))


def spinodal_field(T, J=1.0):
    """|h| below which three solutions exist (T < J): h_s = J m_s - T artanh m_s."""
    m_s = math.sqrt(1 - T / J)
    return J * m_s - T * math.atanh(m_s)


def test_root_count_matches_the_spinodal_everywhere():
    rng = np.random.default_rng(0)
    T = rng.uniform(0.2, 1.8, 4000)
    h = rng.uniform(-0.5, 0.5, 4000)
    sol = solve_grid(CW, {"T": T, "J": 1.0, "h": h})
    hs = np.array([spinodal_field(t) if t < 1 else 0.0 for t in T])
    clear = np.abs(np.abs(h) - hs) > 1e-6
    expected = np.where(np.abs(h) < hs, 3, 1)
    np.testing.assert_array_equal(sol.count[clear], expected[clear])


def test_roots_agree_with_mpmath_findroot():
    rng = np.random.default_rng(1)
    T = rng.uniform(0.3, 1.6, 60)
    h = rng.uniform(-0.3, 0.3, 60)
    sol = solve_grid(CW, {"T": T, "J": 1.0, "h": h})
    mpmath.mp.dps = 50
    for i in range(T.size):
        t, f = mpmath.mpf(T[i]), mpmath.mpf(h[i])

        def residual(y, t=t, f=f):
            return y - mpmath.tanh((y + f) / t)

        for x in sol.x[i, : sol.count[i]]:
            root = mpmath.findroot(residual, mpmath.mpf(x))
            assert abs(x - float(root)) <= 4e-16 * max(1.0, abs(x)) + 1e-15, (T[i], h[i], x)


def test_stability_and_equilibrium():
    sol = solve_grid(CW, {"T": 0.8, "J": 1.0, "h": 0.01})
    kinds = [s["stability"] for s in sol.point(0)]
    assert kinds == ["metastable", "unstable", "stable"]
    pts = sol.point(0)
    assert pts[2]["equilibrium"] and not pts[0]["equilibrium"]
    assert pts[2]["free_energy"] < pts[0]["free_energy"] < pts[1]["free_energy"]
    assert pts[1]["curvature"] < 0 < pts[0]["curvature"]


def test_coexisting_minima_are_both_equilibrium():
    sol = solve_grid(CW, {"T": 0.6, "J": 1.0, "h": 0.0})
    assert [s["equilibrium"] for s in sol.point(0)] == [True, False, True]


def test_critical_point_is_a_stable_minimum():
    sol = solve_grid(CW, {"T": 1.0, "J": 1.0, "h": 0.0})
    assert sol.point(0) == [pytest.approx(sol.point(0)[0])]
    assert sol.point(0)[0]["stability"] == "stable" and sol.point(0)[0]["m"] == 0


def test_grid_equals_pointwise():
    T = np.linspace(0.5, 1.5, 7)
    h = np.linspace(-0.1, 0.1, 5)
    grid = solve_grid(CW, {"T": T[:, None], "J": 1.0, "h": h[None, :]})
    for a in range(7):
        for b in range(5):
            one = solve_grid(CW, {"T": T[a], "J": 1.0, "h": h[b]})
            k = a * 5 + b
            np.testing.assert_array_equal(grid.x[k, : grid.count[k]], one.x[0, : one.count[0]])


def test_chunks_and_threads_do_not_change_results():
    T = np.linspace(0.4, 1.4, 300)
    a = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.02})
    b = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.02}, chunk=37)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.stability, b.stability)


def test_low_temperature_roots_near_the_ends():
    sol = solve_grid(CW, {"T": 0.02, "J": 1.0, "h": 0.0})
    assert sol.count[0] == 3 and sol.m[0, 2] == pytest.approx(1.0)
    assert np.isfinite(sol.free_energy[0]).all()


def test_bethe_grid_solutions():
    sol = solve_grid(BETHE, {"T": 2.0, "J": 1.0, "h": 0.0, "z": 4})
    assert sol.count[0] == 3
    mpmath.mp.dps = 30
    t = mpmath.tanh(mpmath.mpf(1) / 2)
    for u in sol.x[0, :3]:
        root = mpmath.findroot(lambda y: y - mpmath.tanh(3 * mpmath.atanh(t * y)), mpmath.mpf(u))
        assert float(root) == pytest.approx(u, abs=1e-14)


# -- arbitrary precision --------------------------------------------------------------


def test_fifty_digits():
    sols = solve_point_mp(CW, {"T": "0.8", "J": "1", "h": "0.01"}, digits=50)
    mpmath.mp.dps = 70
    for s in sols:
        x = s["x"]
        residual = x - mpmath.tanh((x + mpmath.mpf("0.01")) / mpmath.mpf("0.8"))
        assert abs(residual) < mpmath.mpf("1e-52")
        ref = mpmath.findroot(
            lambda y: y - mpmath.tanh((y + mpmath.mpf("0.01")) / mpmath.mpf("0.8")), x
        )
        assert abs(ref - x) < mpmath.mpf("1e-50")
    assert [s["stability"] for s in sols] == ["metastable", "unstable", "stable"]


def test_fifty_digits_just_below_T_c():
    """1 - T = 1e-30: the ordered roots sit at ~1.7e-15, invisible in float64."""
    sols = solve_point_mp(CW, {"T": "0.999999999999999999999999999999", "J": "1", "h": "0"}, 50)
    assert [s["stability"] for s in sols] == ["stable", "unstable", "stable"]
    mpmath.mp.dps = 80
    eps = mpmath.mpf("1e-30")  # after setting the precision: at 15 digits it is off by 1e-16
    T = 1 - eps
    m0 = mpmath.findroot(lambda y: y - mpmath.tanh(y / T), mpmath.sqrt(3 * eps))
    assert abs(sols[2]["x"] / m0 - 1) < mpmath.mpf("1e-48")
    assert abs(sols[0]["x"] + m0) < mpmath.mpf("1e-60")
    # float64 cannot tell this temperature from T_c
    assert solve_grid(CW, {"T": float(T), "J": 1.0, "h": 0.0}).count[0] == 1


def test_fifty_digits_at_T_c_in_a_tiny_field():
    sols = solve_point_mp(CW, {"T": "1", "J": "1", "h": "1e-40"}, 50)
    assert len(sols) == 1
    mpmath.mp.dps = 60
    expected = mpmath.cbrt(3 * mpmath.mpf("1e-40"))  # critical isotherm h = m^3 / 3
    assert abs(sols[0]["x"] / expected - 1) < mpmath.mpf("1e-25")


# -- failures are reported, not returned --------------------------------------------


def test_non_convergence_names_the_point(monkeypatch):
    monkeypatch.setattr(solve_module, "MAX_ITERATIONS", 2)
    with pytest.raises(SolverError, match=r"T=0\.7.*h=0\.05"):
        solve_grid(CW, {"T": 0.7, "J": 1.0, "h": 0.05})


def test_a_system_needs_one_domain_interval_per_unknown():
    import dataclasses

    import sympy as sp

    q = sp.Symbol("q")
    with pytest.raises(ValueError, match="one \\(lower, upper\\) per unknown"):
        dataclasses.replace(CW, unknowns=(CW.unknowns[0], q), residual=(q, q))


# -- continuation -------------------------------------------------------------------


def test_spinodals_in_h_match_the_closed_form():
    c = continuation(CW, "h", np.linspace(-0.3, 0.3, 61), {"T": 0.8, "J": 1.0})
    hs = spinodal_field(0.8)
    assert [s.value for s in c.spinodals] == [
        pytest.approx(-hs, abs=1e-12),
        pytest.approx(hs, abs=1e-12),
    ]
    assert abs(c.spinodals[0].m) == pytest.approx(math.sqrt(0.2), abs=1e-7)
    assert len(c.branches) == 3
    kinds = [set(b.stability_names()) for b in c.branches]
    assert {"unstable"} in kinds


def test_spinodal_in_T_at_fixed_field():
    c = continuation(CW, "T", np.linspace(0.5, 1.2, 71), {"h": 0.05, "J": 1.0})
    (sp_,) = c.spinodals
    # on the spinodal: m_s^2 = 1 - T and h = T artanh(m_s) - m_s with m_s < 0
    m_s = sp_.m
    assert m_s**2 == pytest.approx(1 - sp_.value, abs=1e-10)
    assert sp_.value * math.atanh(m_s) - m_s - 0.05 == pytest.approx(0, abs=1e-10)


def test_continuation_refuses_a_system_with_the_way_forward():
    import sympy as sp
    from statmech.derive.meanfield import SelfConsistency

    x, y, s = sp.symbols("x y s", real=True)
    phi = (x**2 + y**2) / 2 - s * x
    eq = SelfConsistency(
        name="two",
        unknowns=(x, y),
        fixed_point=(s, 0 * y),
        free_energy=phi,
        residual=(x - s, y),
        observables=(("m", x),),
        parameters=(s,),
        domain=((-1.0, 1.0), (-1.0, 1.0)),
    )
    with pytest.raises(ValueError, match="solve_grid continues"):
        continuation(eq, "s", np.linspace(0, 0.5, 3), {})
    sol = solve_grid(eq, {"s": np.linspace(0, 0.5, 3)})
    np.testing.assert_allclose(sol.x[:, 0, 0], [0, 0.25, 0.5], atol=1e-15)
    assert (sol.stability[:, 0] == 1).all()


def test_hysteresis_loop_jumps_at_the_spinodals():
    values = np.linspace(-0.3, 0.3, 601)
    loop = hysteresis_loop(CW, "h", values, {"T": 0.8, "J": 1.0})
    hs = spinodal_field(0.8)
    up_jump = values[np.flatnonzero(np.diff(np.sign(loop.m_up)))[0] + 1]
    down_jump = values[np.flatnonzero(np.diff(np.sign(loop.m_down)))[-1]]
    assert hs <= up_jump < hs + 1e-3
    assert -hs - 1e-3 < down_jump <= -hs
    # the loop encloses an area: m_up < m_down between the spinodals
    inside = np.abs(values) < hs - 1e-3
    assert np.all(loop.m_up[inside] < loop.m_down[inside])


# -- command line ---------------------------------------------------------------------


def test_cli_json_shape(capsys):
    assert main(["solve", "curie-weiss", "T=0.8", "h=0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (point,) = data["points"]
    assert point["T"] == 0.8 and point["h"] == 0.0
    assert [set(s) >= {"m", "stable", "equilibrium", "free_energy"} for s in point["solutions"]]
    assert [s["equilibrium"] for s in point["solutions"]] == [True, False, True]
    assert data["T_c"] == 1.0


def test_cli_ranges_make_a_grid(capsys):
    assert main(["solve", "curie-weiss", "T=0.5:1.5:5", "h=-0.1:0.1:3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["points"]) == 15
    assert [p["T"] for p in data["points"][:3]] == [0.5, 0.5, 0.5]


def test_cli_precision_gives_strings_with_every_digit(capsys):
    assert main(["solve", "curie-weiss", "T=0.8", "h=0", "--json", "--precision", "50"]) == 0
    data = json.loads(capsys.readouterr().out)
    m = data["points"][0]["solutions"][2]["m"]
    assert isinstance(m, str) and len(m.replace("0.", "", 1)) >= 50
    mpmath.mp.dps = 60
    x = mpmath.mpf(m)
    assert abs(x - mpmath.tanh(x / mpmath.mpf("0.8"))) < mpmath.mpf("1e-49")


@pytest.mark.parametrize(
    "argv",
    [
        ["bethe", "T=3"],  # h not given: its default, 0, printed as without --precision
        ["curie-weiss", "T=0.5:1.5:3", "h=0.01"],
    ],
)
def test_cli_precision_prints_the_parameters_as_without_it(capsys, argv):
    def heads(*more):
        assert main(["solve", *argv, *more]) == 0
        return [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("T=")]

    plain, precise = heads(), heads("--precision", "50")
    assert precise == plain and len(plain) == (3 if "T=0.5:1.5:3" in argv else 1)
    assert "h=0.0 " in plain[0] or "h=0.01" in plain[0]
    # the solutions carry every digit; a parameter given with more digits keeps them
    assert (
        main(["solve", "curie-weiss", "T=0.8", "h=0.1234567890123456789012", "--precision", "30"])
        == 0
    )
    out = capsys.readouterr().out
    assert "T=0.8 J=1.0 h=0.1234567890123456789012\n" in out


def test_cli_plot_and_errors(capsys, tmp_path):
    out = tmp_path / "m.png"
    assert main(["solve", "bethe", "T=1.5:3.5:9", "--plot", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert main(["solve", "two-level", "T=1"]) == 2
    assert "no mean-field equations" in capsys.readouterr().err


@pytest.mark.gpu
def test_cupy_backend_matches_numpy():
    T = np.linspace(0.5, 1.5, 101)
    a = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.01})
    b = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.01}, backend="cupy")
    np.testing.assert_allclose(a.x, b.x, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(a.stability, b.stability)


def _emulated_cupyx_scatter_min(out, index, values):
    """What ``cupyx.scatter_min`` does to float64 on a GPU: CuPy's
    ``atomicMin(double*, double)`` (cupy/_core/include/cupy/atomics.cuh) takes the
    minimum with ``fminf``, in single precision, and stores that float32 value."""
    for i, v in zip(np.asarray(index).ravel(), np.asarray(values).ravel(), strict=True):
        out[i] = np.float64(np.fmin(np.float32(v), np.float32(out[i])))


@pytest.fixture
def numpy_as_cupy(monkeypatch):
    """The solver's CuPy code path with NumPy standing in for CuPy (and an emulated
    ``cupyx.scatter_min``); compiled-function caches are emptied around the test."""
    import sys
    import types

    import statmech.numeric.compile as compile_module
    import statmech.numeric.gaussian as gaussian

    fake = types.ModuleType("numpy")  # special_module() then hands out scipy.special
    fake.__getattr__ = lambda name: getattr(np, name)
    real = solve_module.get_backend

    def get_backend(name="numpy"):
        return fake if name == "cupy" else real(name)

    def clear():
        compile_module._cached.cache_clear()
        solve_module.compiled.cache_clear()
        gaussian._replacement.cache_clear()

    monkeypatch.setattr(solve_module, "get_backend", get_backend)
    monkeypatch.setattr(compile_module, "get_backend", get_backend)
    monkeypatch.setitem(
        sys.modules, "cupyx", types.SimpleNamespace(scatter_min=_emulated_cupyx_scatter_min)
    )
    clear()
    yield fake
    clear()


def test_emulated_scatter_min_rounds_to_single_precision():
    f = -0.7241713148159682
    out = np.array([np.inf])
    _emulated_cupyx_scatter_min(out, np.array([0]), np.array([f]))
    assert out[0] == float(np.float32(f)) and out[0] != f


def test_cupy_code_path_gives_the_numpy_stability_tags(numpy_as_cupy):
    # Regression: on a GPU the stability tags differed in 51 of these 303 entries.
    # The lowest free energy at each point came from cupyx.scatter_min, whose float64
    # atomicMin compares in float32: about half of the minima were rounded down, and
    # the true equilibrium, now above that minimum by more than the coexistence
    # tolerance, was labelled metastable.  The reduction now runs on the host.
    T = np.linspace(0.5, 1.5, 101)
    a = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.01})
    b = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.01}, backend="cupy")
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.stability, b.stability)
    assert (a.stability == 1).sum() == 101


def test_bethe_root_count_agrees_with_the_mpmath_search():
    rng = np.random.default_rng(11)
    for _ in range(25):
        zz = int(rng.integers(3, 8))
        tc = 2 / math.log(zz / (zz - 2))
        T = float(rng.uniform(0.3, 1.3) * tc)
        h = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-4, -0.5))
        grid = solve_grid(BETHE, {"T": T, "J": 1.0, "h": h, "z": zz})
        precise = solve_point_mp(BETHE, {"T": repr(T), "J": "1", "h": repr(h), "z": zz}, 25)
        assert grid.count[0] == len(precise), (T, h, zz)
        for j, s in enumerate(precise):
            assert grid.x[0, j] == pytest.approx(float(s["x"]), rel=1e-12, abs=1e-14)
            assert STABILITY[grid.stability[0, j]] == s["stability"]


@pytest.mark.parametrize("T", [0.05, 0.1, 0.2])
@pytest.mark.parametrize("h", [0.1, -0.1])
def test_bethe_low_temperature_root_at_the_end_of_the_interval(T, h):
    # Regression: at T = 0.1, h = 0.1 the float64 search missed the root at m = +1
    # (zero to rounding at the interval's end, so no bracket) and called m = -1 the
    # equilibrium.  The mpmath search is the reference.
    grid = solve_grid(BETHE, {"T": T, "J": 1.0, "h": h, "z": 4})
    precise = solve_point_mp(BETHE, {"T": repr(T), "J": "1", "h": repr(h), "z": 4}, 25)
    assert grid.count[0] == len(precise) == 3
    for j, s in enumerate(precise):
        assert grid.m[0, j] == pytest.approx(float(s["m"]), abs=1e-12)
        assert STABILITY[grid.stability[0, j]] == s["stability"]


# -- near T_c, where float64 cannot decide (regressions) --------------------------------


def _precise_at_the_double(eq, values, digits=40):
    """The mpmath search at the float64 parameter values themselves."""
    return solve_point_mp(eq, {k: mpmath.mpf(v) for k, v in values.items()}, digits)


def test_curie_weiss_just_below_T_c_is_not_decided_by_rounding():
    # Regression: at T = 1 - 1e-10 the float path compared f(m +- 1e-4) with f(0)
    # and called m = 0 "stable, equilibrium" (its curvature is -1e-10), and the two
    # ordered roots differed in the 8th digit.
    values = {"T": 0.9999999999, "J": 1.0, "h": 0.0}
    sol = solve_grid(CW, values)
    pts = sol.point(0)
    assert [s["stability"] for s in pts] == ["stable", "unstable", "stable"]
    assert [s["equilibrium"] for s in pts] == [True, False, True]
    assert pts[0]["m"] == -pts[2]["m"]
    mpmath.mp.dps = 40
    T = mpmath.mpf(values["T"])
    m0 = mpmath.findroot(lambda y: y - mpmath.tanh(y / T), mpmath.sqrt(3 * (1 - T)))
    assert pts[2]["m"] == pytest.approx(float(m0), rel=1e-15)
    assert pts[1]["curvature"] == pytest.approx(float(T - 1), rel=1e-6)


@pytest.mark.parametrize(
    "T, kinds",
    [
        # above T_c = 2/log 3 = 1.82047845325367...: no solution was marked equilibrium
        (1.8204784533, ["stable"]),
        # below: the labels were inverted
        (1.820478453, ["stable", "unstable", "stable"]),
        # 3.7e-12 below: a root was lost
        (1.82047845325, ["stable", "unstable", "stable"]),
    ],
)
def test_bethe_z3_within_1e_9_of_T_c(T, kinds):
    values = {"T": T, "J": 1.0, "h": 0.0, "z": 3}
    sol = solve_grid(BETHE, values)
    pts = sol.point(0)
    assert [s["stability"] for s in pts] == kinds
    assert [s["equilibrium"] for s in pts] == [k == "stable" for k in kinds]
    precise = _precise_at_the_double(BETHE, values)
    assert [s["stability"] for s in precise] == kinds
    for s, p in zip(pts, precise, strict=True):
        assert s["u"] == pytest.approx(float(p["x"]), rel=1e-14, abs=1e-300)


def test_cli_near_T_c_keeps_its_json_keys(capsys):
    assert main(["solve", "curie-weiss", "T=0.9999999999", "h=0", "--json"]) == 0
    (point,) = json.loads(capsys.readouterr().out)["points"]
    for s in point["solutions"]:
        assert {"m", "stable", "equilibrium", "free_energy", "stability", "curvature"} <= set(s)
    assert [s["arithmetic"] for s in point["solutions"]] == ["mpmath", "float64", "mpmath"]


def test_away_from_T_c_float64_decides_alone():
    T = np.linspace(0.5, 1.5, 101)
    sol = solve_grid(CW, {"T": T, "J": 1.0, "h": 0.01})
    assert not sol.arithmetic.any()


def test_symmetric_minima_are_settled_in_mpmath_and_coexist():
    sol = solve_grid(CW, {"T": 0.6, "J": 1.0, "h": 0.0})
    assert list(sol.arithmetic[0, :3]) == [1, 0, 1]
    assert [s["equilibrium"] for s in sol.point(0)] == [True, False, True]
    # a field of 1e-20 is below float64's resolution of f, but not mpmath's
    tiny = solve_grid(CW, {"T": 0.6, "J": 1.0, "h": 1e-20})
    assert [s["stability"] for s in tiny.point(0)] == ["metastable", "unstable", "stable"]


def test_undecided_signs_make_undecided_roots():
    from statmech.numeric.precise import _kind, _label

    assert _kind(-1, 1) == "min" and _kind(1, -1) == "max" and _kind(1, 1) == "neither"
    assert _kind(0, 1) == "undecided" and _kind(None, 1) == "min" and _kind(1, None) == "max"
    mpmath.mp.dps = 20
    one = mpmath.mpf(1)
    sols = _label(
        [{"x": one, "m": one, "free_energy": -one, "curvature": 0 * one, "kind": "undecided"}],
        1,
        20,
    )
    assert sols[0]["stability"] == "undecided" and sols[0]["stable"] is None
