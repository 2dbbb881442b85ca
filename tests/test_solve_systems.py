"""Systems of self-consistency equations: Gaussian averages, several unknowns, replicas.

The equations below are test data written by hand (the derivations are other
modules' work); each is checked here against an independent route: mpmath
quadrature and root finding, closed forms, a reduced one-variable equation.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.derive import get_model
from statmech.derive.gaussian import GaussianAverage
from statmech.derive.meanfield import SelfConsistency, mean_field_equations
from statmech.numeric.gaussian import (
    ERROR_NODES,
    NODES,
    QuadratureError,
    compile_averaged,
    gauss_hermite,
)
from statmech.numeric.rounding import SAFETY, rounding_bound, unit
from statmech.numeric.solve import solve_grid, solve_point_mp

z = sp.Symbol("z", real=True)
a_, b_ = sp.symbols("a b", real=True)
T, J, J0 = sp.symbols("T J J_0", positive=True)
h = sp.Symbol("h", real=True)
m = sp.Symbol("m", real=True)
q = sp.Symbol("q", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
C = sp.Symbol("C", nonnegative=True)
r = sp.Symbol("r", positive=True)


def mp_average(f, dps=30):
    """E_z f(z) by mpmath.quad over the whole line (an independent quadrature)."""
    with mpmath.workdps(dps):
        return mpmath.quad(lambda t: f(t) * mpmath.npdf(t), [-mpmath.inf, 0, mpmath.inf])


# -- test data: replica-symmetric spin glass and the Hopfield network at T = 0 ----------


def sk_q():
    r"""SK at J_0 = 0: f(q) = -beta J^2 (1-q)^2 / 4 - T E log 2cosh(beta(J sqrt(q) z + h)),
    maximised in q; the residual beta J^2/2 (E tanh^2 - q) is df/dq after Stein's lemma."""
    beta = 1 / T
    H = J * sp.sqrt(q) * z + h
    f = -beta * J**2 / 4 * (1 - q) ** 2 - T * GaussianAverage(sp.log(2 * sp.cosh(beta * H)), z)
    t2 = GaussianAverage(sp.tanh(beta * H) ** 2, z)
    return SelfConsistency(
        name="SK replica symmetric",
        unknowns=(q,),
        fixed_point=(t2,),
        free_energy=f,
        residual=(beta * J**2 / 2 * (t2 - q),),
        observables=(("m", sp.Integer(0)),),
        parameters=(T, J, h),
        domain=((0.0, 1.0),),
        extremum=("max",),
    )


def sk_mq():
    """SK with a ferromagnetic mean J_0: minimised in m, maximised in q."""
    beta = 1 / T
    H = J * sp.sqrt(q) * z + J0 * m + h
    f = (
        -beta * J**2 / 4 * (1 - q) ** 2
        + J0 * m**2 / 2
        - T * GaussianAverage(sp.log(2 * sp.cosh(beta * H)), z)
    )
    t1 = GaussianAverage(sp.tanh(beta * H), z)
    t2 = GaussianAverage(sp.tanh(beta * H) ** 2, z)
    return SelfConsistency(
        name="SK replica symmetric (m, q)",
        unknowns=(m, q),
        fixed_point=(t1, t2),
        free_energy=f,
        residual=(J0 * (m - t1), beta * J**2 / 2 * (t2 - q)),
        observables=(("m", m),),
        parameters=(T, J, J0, h),
        domain=((-1.0, 1.0), (0.0, 1.0)),
        extremum=("min", "max"),
    )


def ags_zero_temperature():
    r"""Amit-Gutfreund-Sompolinsky at T = 0 in (m, C, r), C = beta(1 - q):
    E = alpha/2 + m^2/2 - alpha/(2(1-C)) + alpha r C/2 - E|sqrt(alpha r) z + m|,
    whose stationarity gives m = erf(m/sqrt(2 alpha r)),
    C = sqrt(2/(pi alpha r)) exp(-m^2/(2 alpha r)), r = 1/(1-C)^2."""
    a = sp.sqrt(alpha * r)
    mean_abs = a * sp.sqrt(2 / sp.pi) * sp.exp(-(m**2) / (2 * a**2)) + m * sp.erf(
        m / (sp.sqrt(2) * a)
    )
    E = alpha / 2 + m**2 / 2 - alpha / (2 * (1 - C)) + alpha * r * C / 2 - mean_abs
    g = (
        sp.erf(m / sp.sqrt(2 * alpha * r)),
        sp.sqrt(2 / (sp.pi * alpha * r)) * sp.exp(-(m**2) / (2 * alpha * r)),
        1 / (1 - C) ** 2,
    )
    return SelfConsistency(
        name="AGS at T = 0",
        unknowns=(m, C, r),
        fixed_point=g,
        free_energy=E,
        residual=tuple(sp.diff(E, v) for v in (m, C, r)),
        observables=(("m", m),),
        parameters=(alpha,),
        domain=((-1.0, 1.0), (0.0, 0.99), (1.0, 30.0)),  # r = 1/(1-C)^2 >= 1
        extremum=("min", "max", "max"),
    )


SK_Q, SK_MQ, AGS = sk_q(), sk_mq(), ags_zero_temperature()
CW = mean_field_equations(get_model("curie-weiss"))


# -- the symbolic average -------------------------------------------------------------


def test_gaussian_average_is_a_bound_variable_and_differentiates_inside():
    avg = GaussianAverage(sp.tanh(a_ * z + b_) ** 2, z)
    assert avg.free_symbols == {a_, b_}
    assert avg.subs(z, 5) == avg
    d = sp.diff(avg, a_)
    assert d == GaussianAverage(sp.diff(sp.tanh(a_ * z + b_) ** 2, a_), z)
    assert GaussianAverage(b_, z) == b_
    assert r"\mathbb{E}_{z}" in sp.latex(avg)


def test_gaussian_average_evalf_matches_closed_forms():
    assert abs(GaussianAverage(z**4, z).evalf(25) - 3) < 1e-20
    value = GaussianAverage(sp.cos(sp.Rational(3, 2) * z), z).evalf(25)
    assert abs(value - sp.exp(-sp.Rational(9, 8)).evalf(25)) < 1e-20


def test_stein_lemma_makes_the_sk_residual_the_gradient():
    """The hand-written residual equals df/dq (Gaussian integration by parts), checked
    at random points by mpmath quadrature of both sides."""
    args = (m, q, *SK_MQ.parameters)
    rng = np.random.default_rng(3)
    with mpmath.workdps(20):
        for k, x in enumerate((m, q)):
            grad = compile_averaged(sp.diff(SK_MQ.free_energy, x), args, "mpmath")
            res = compile_averaged(SK_MQ.residual[k], args, "mpmath")
            for _ in range(2):
                point = [
                    rng.uniform(-0.8, 0.8),
                    rng.uniform(0.1, 0.9),
                    rng.uniform(0.6, 1.6),
                    1.0,
                    rng.uniform(0.5, 1.5),
                    rng.uniform(-0.3, 0.3),
                ]
                point = [mpmath.mpf(v) for v in point]
                assert abs(grad(*point) - res(*point)) < 1e-15


# -- Gauss-Hermite quadrature -----------------------------------------------------------


def test_gauss_hermite_is_exact_for_polynomials_to_degree_2n_minus_1():
    x, w = map(np.array, gauss_hermite(NODES))
    for k in range(0, 41):  # E z^k = (k-1)!! for even k, 0 for odd (to 1e34 at k = 40)
        exact = math.prod(range(k - 1, 0, -2)) if k % 2 == 0 else 0.0
        size = float(np.sum(w * np.abs(x) ** k))  # the scale of the cancellation
        assert float(np.sum(w * x**k)) == pytest.approx(exact, rel=1e-12, abs=1e-14 * size)


@pytest.mark.parametrize(
    "scale, error",
    [(0.25, 4e-16), (0.5, 4e-16), (0.75, 4e-16), (1.0, 2e-13), (1.5, 1e-8), (2.0, 1e-6)],
)
@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_tanh_squared_average_accuracy_as_documented(scale, shift, error):
    """E tanh^2(az + b) with 128 nodes against mpmath.quad: the table of numeric.gaussian."""
    f = compile_averaged(GaussianAverage(sp.tanh(a_ * z + b_) ** 2, z), (a_, b_))
    ref = mp_average(lambda t: mpmath.tanh(scale * t + shift) ** 2)
    assert abs(float(f(scale, shift)) - float(ref)) < error


def test_small_argument_series_of_tanh_squared():
    """E tanh^2(az) = a^2 - 2a^4 + 17a^6/3 - ... (tanh^2 x = x^2 - 2x^4/3 + 17x^6/45)."""
    f = compile_averaged(GaussianAverage(sp.tanh(a_ * z) ** 2, z), (a_,))
    for a in (1e-3, 1e-2):
        series = a**2 - 2 * a**4 + 17 * a**6 / 3
        assert float(f(a)) == pytest.approx(series, rel=1e-9)


@pytest.mark.parametrize("scale", [0.75, 1.0, 1.5, 2.0, 3.0, 5.0])
def test_quadrature_error_estimate_covers_the_error(scale):
    """Where the rule has not converged (sharp tanh at low T), the estimate
    |Q_128 - Q_96| is at least the true error, so the solver does not trust it."""
    expr = sp.tanh(a_ * z + b_) ** 2
    value = compile_averaged(GaussianAverage(expr, z), (a_, b_))(scale, 0.2)
    estimate = compile_averaged(QuadratureError(expr, z), (a_, b_))(scale, 0.2)
    true = abs(float(value) - float(mp_average(lambda t: mpmath.tanh(scale * t + 0.2) ** 2)))
    assert estimate >= true
    assert ERROR_NODES < NODES


def test_numpy_and_mpmath_compilations_agree_nested_too():
    y = sp.Symbol("y", real=True)
    expr = GaussianAverage(GaussianAverage(sp.cos(a_ * (z + y)), y), z)  # = exp(-a^2)
    f = compile_averaged(expr, (a_,))
    g = compile_averaged(expr, (a_,), "mpmath")
    assert float(f(0.7)) == pytest.approx(math.exp(-0.49), rel=1e-14)
    with mpmath.workdps(20):
        assert abs(g(mpmath.mpf("0.7")) - mpmath.exp(-mpmath.mpf("0.49"))) < 1e-18


def test_compiled_averages_on_arrays():
    f = compile_averaged(GaussianAverage(sp.cos(a_ * z), z), (a_,))
    a = np.linspace(0, 2, 9)
    np.testing.assert_allclose(f(a), np.exp(-(a**2) / 2), rtol=1e-14, atol=1e-16)


# -- rounding bounds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "eq, point",
    [
        (CW, {"T": 0.9999999999, "J": 1.0, "h": 0.0}),
        (
            mean_field_equations(get_model("bethe")),
            {"T": 1.82047845325, "J": 1.0, "h": 0.0, "z": 3},
        ),
        (SK_Q, {"T": 0.9, "J": 1.0, "h": 0.1}),
    ],
)
def test_rounding_bound_covers_the_float64_error(eq, point):
    (x,) = eq.unknowns
    (res,) = eq.residual
    args = (x, *eq.parameters)
    f64 = compile_averaged(res, args)
    bound = compile_averaged(rounding_bound(res), (*args, unit))
    exact = compile_averaged(res, args, "mpmath")
    values = [point[n] for n in eq.parameter_names]
    lo, hi = eq.domain[0]
    xs = np.linspace(lo, hi, 41)[1:-1]
    xs = np.concatenate([xs, [1e-5, 3e-6, 2e-5]])
    with mpmath.workdps(60):
        for xv in xs:
            err = abs(float(f64(xv, *values)) - exact(mpmath.mpf(xv), *map(mpmath.mpf, values)))
            assert err <= SAFETY * float(bound(xv, *values, 2.0**-53)) + 1e-300


# -- the spin glass in q (one unknown: the bracketing search) -----------------------------


def sk_q_reference(Tv, hv=0.0, start=0.5):
    beta = 1 / mpmath.mpf(Tv)

    def F(qq):
        return mp_average(lambda t: mpmath.tanh(beta * (mpmath.sqrt(qq) * t + hv)) ** 2, 30) - qq

    with mpmath.workdps(30):
        return mpmath.findroot(F, start)


@pytest.mark.parametrize("Tv", [1.02, 1.2, 1.5])
def test_sk_paramagnet_only_above_T_equal_J(Tv):
    sol = solve_grid(SK_Q, {"T": Tv, "J": 1.0, "h": 0.0})
    (only,) = sol.point(0)
    assert only["q"] == 0.0 and only["stability"] == "stable" and only["equilibrium"]


@pytest.mark.parametrize("Tv", [0.6, 0.8, 0.95])
def test_sk_below_T_equal_J_the_paramagnet_is_unstable(Tv):
    sol = solve_grid(SK_Q, {"T": Tv, "J": 1.0, "h": 0.0})
    zero, ordered = sol.point(0)
    assert zero["q"] == 0.0 and zero["stability"] == "unstable"
    assert ordered["stability"] == "stable" and ordered["equilibrium"]
    assert ordered["q"] == pytest.approx(float(sk_q_reference(Tv)), rel=1e-10)
    # the maximum of f in q: the replica convention
    assert ordered["free_energy"] > zero["free_energy"]


@pytest.mark.parametrize("tau", [1e-2, 3e-3, 1e-3])
def test_sk_order_parameter_near_T_c_is_linear(tau):
    """q = tau + tau^2/3 + O(tau^3), tau = 1 - T/J: from E tanh^2(a z) = a^2 - 2a^4 + 17a^6."""
    sol = solve_grid(SK_Q, {"T": 1 - tau, "J": 1.0, "h": 0.0})
    qv = sol.point(0)[-1]["q"]
    assert qv / tau - 1 == pytest.approx(tau / 3, abs=3 * tau**2)


@pytest.mark.parametrize("Tv", [0.5, 1.0, 1.5])
def test_sk_in_a_field_has_one_positive_q(Tv):
    sol = solve_grid(SK_Q, {"T": Tv, "J": 1.0, "h": 0.3})
    (only,) = sol.point(0)
    assert only["q"] > 0 and only["stability"] == "stable"
    assert only["q"] == pytest.approx(float(sk_q_reference(Tv, 0.3)), rel=1e-10)


def test_sk_scalar_search_and_system_newton_agree():
    values = {"T": np.array([0.7, 0.9, 1.3]), "J": 1.0, "h": 0.05}
    a = solve_grid(SK_Q, values)
    b = solve_grid(SK_Q, values, method="newton")
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_allclose(a.x, b.x[..., 0], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(a.stability, b.stability)


def test_curie_weiss_through_the_system_path():
    """The one-unknown search and the multi-start Newton find the same roots and tags."""
    values = {"T": np.linspace(0.5, 1.5, 11), "J": 1.0, "h": 0.01}
    a = solve_grid(CW, values)
    b = solve_grid(CW, values, method="newton")
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_allclose(a.x, b.x[..., 0], rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(a.stability, b.stability)


# -- the spin glass in (m, q) -----------------------------------------------------------


def test_sk_ferromagnet_roots_match_mpmath_findroot_and_the_hessian():
    values = {"T": 1.2, "J": 1.0, "J_0": 1.5, "h": 0.05}
    sol = solve_grid(SK_MQ, values)
    pts = sol.point(0)
    with mpmath.workdps(30):
        beta = 1 / mpmath.mpf("1.2")

        def eqs(mm, qq):
            def H(t):
                return beta * (mpmath.sqrt(qq) * t + mpmath.mpf("1.5") * mm + mpmath.mpf("0.05"))

            return (
                mm - mp_average(lambda t: mpmath.tanh(H(t))),
                qq - mp_average(lambda t: mpmath.tanh(H(t)) ** 2),
            )

        for s in pts:
            assert max(abs(v) for v in eqs(mpmath.mpf(s["m"]), mpmath.mpf(s["q"]))) < 1e-13
        ref = mpmath.findroot(eqs, (mpmath.mpf("0.5"), mpmath.mpf("0.4")))
    (eq_,) = [s for s in pts if s["equilibrium"]]
    assert eq_["m"] == pytest.approx(float(ref[0]), rel=1e-12)
    assert eq_["q"] == pytest.approx(float(ref[1]), rel=1e-12)
    # stable: a maximum in q with m fixed, and the Hessian has one eigenvalue of each sign
    lam = eq_["hessian_eigenvalues"]
    assert lam[0] < 0 < lam[1]


def test_sk_paramagnet_unstable_below_J0_and_ordered_pair_coexists():
    sol = solve_grid(SK_MQ, {"T": np.array([1.2, 1.8]), "J": 1.0, "J_0": 1.5, "h": 0.0})
    below, above = sol.point(0), sol.point(1)
    assert [s["stability"] for s in below] == ["stable", "unstable", "stable"]
    assert [s["equilibrium"] for s in below] == [True, False, True]
    assert below[0]["m"] == pytest.approx(-below[2]["m"], rel=1e-14)
    assert abs(below[1]["m"]) < 1e-12 and below[1]["q"] == 0.0
    # H at the paramagnet: J0(1 - beta J0) in m, beta(beta^2 J^2 - 1)/2 in q
    assert sorted(below[1]["hessian_eigenvalues"]) == pytest.approx(
        sorted([1.5 * (1 - 1.5 / 1.2), (1 / 1.44 - 1) / 2.4]), rel=1e-6
    )
    (para,) = above
    assert para["stability"] == "stable" and para["q"] == 0.0


# -- Hopfield (AGS) at T = 0 -------------------------------------------------------------


Y_C = 1.5112185563276566  # where alpha(y) peaks: alpha_c


def ags_reduced(alpha_value, branch):
    """The independent route: with y = m/sqrt(2 alpha r), m = erf y and
    sqrt(alpha) = (erf y - 2 y e^{-y^2}/sqrt(pi)) / (sqrt(2) y), which rises to
    alpha_c at y_c and falls beyond: the retrieval branch has y > y_c, the saddle
    that meets it at alpha_c has y < y_c."""
    with mpmath.workdps(30):

        def g(y):
            return (mpmath.erf(y) - 2 / mpmath.sqrt(mpmath.pi) * y * mpmath.exp(-y * y)) / (
                mpmath.sqrt(2) * y
            ) - mpmath.sqrt(alpha_value)

        bracket = (Y_C, 6) if branch == "retrieval" else (0.2, Y_C)
        y = mpmath.findroot(g, bracket, solver="anderson")
        mm = mpmath.erf(y)
        cc = 2 / mpmath.sqrt(mpmath.pi) * y * mpmath.exp(-y * y) / mm
        return mm, cc, 1 / (1 - cc) ** 2


def test_ags_capacity_from_the_reduced_equation():
    """alpha_c = max_y alpha(y) = 0.1379 with m = 0.967 there (quoted: Amit, Gutfreund
    and Sompolinsky, PRL 55, 1530 (1985), alpha_c ~ 0.138)."""
    with mpmath.workdps(30):

        def al(y):
            return (
                (mpmath.erf(y) - 2 / mpmath.sqrt(mpmath.pi) * y * mpmath.exp(-y * y))
                / (mpmath.sqrt(2) * y)
            ) ** 2

        y_c = mpmath.findroot(lambda y: mpmath.diff(al, y), 1.5)
        assert float(al(y_c)) == pytest.approx(0.137906, abs=1e-6)
        assert float(mpmath.erf(y_c)) == pytest.approx(0.967, abs=1e-3)


@pytest.mark.parametrize("alpha_value", [0.05, 0.1, 0.1375, 0.1379])
def test_ags_retrieval_exists_below_capacity(alpha_value):
    sol = solve_grid(AGS, {"alpha": alpha_value})
    pts = sol.point(0)
    # the retrieval state and the saddle that meets it at alpha_c
    retrieval, saddle = sorted((s for s in pts if s["m"] > 0.5), key=lambda s: -s["m"])
    for s, branch in ((retrieval, "retrieval"), (saddle, "saddle")):
        mm, cc, rr = ags_reduced(alpha_value, branch)
        assert s["m"] == pytest.approx(float(mm), rel=1e-9)
        assert s["C"] == pytest.approx(float(cc), rel=1e-8)
        assert s["r"] == pytest.approx(float(rr), rel=1e-8)
    # and their mirror images at -m
    assert sum(1 for s in pts if s["m"] < -0.5) == 2
    if alpha_value == 0.1379:
        assert retrieval["m"] == pytest.approx(0.967, abs=2e-3)
    # the spin-glass state m = 0 is always there
    (sg,) = [s for s in pts if abs(s["m"]) < 1e-12]
    assert sg["C"] == pytest.approx(
        math.sqrt(2 / (math.pi * alpha_value)) / (1 + math.sqrt(2 / (math.pi * alpha_value))),
        rel=1e-12,
    )


@pytest.mark.parametrize("alpha_value", [0.1381, 0.14, 0.2])
def test_ags_retrieval_disappears_above_capacity(alpha_value):
    sol = solve_grid(AGS, {"alpha": alpha_value})
    assert all(abs(s["m"]) < 1e-12 for s in sol.point(0))


def test_ags_retrieval_is_the_ground_state_at_small_load():
    """Below alpha = 0.051 the retrieval energy is below the spin glass's (AGS 1985)."""
    sol = solve_grid(AGS, {"alpha": np.array([0.04, 0.06])})
    for i, lower in ((0, True), (1, False)):
        pts = sol.point(i)
        e_ret = min(s["free_energy"] for s in pts if s["m"] > 0.9)
        e_sg = min(s["free_energy"] for s in pts if abs(s["m"]) < 1e-12)
        assert (e_ret < e_sg) == lower


def test_ags_root_matches_mpmath_findroot_and_every_root_satisfies_the_equations():
    sol = solve_grid(AGS, {"alpha": 0.1})
    fixed = [sp.lambdify((m, C, r, alpha), g, "mpmath") for g in AGS.fixed_point]
    with mpmath.workdps(30):
        a = mpmath.mpf("0.1")
        for s in sol.point(0):
            x = [mpmath.mpf(s[k]) for k in ("m", "C", "r")]
            for k, g in enumerate(fixed):
                assert abs(g(*x, a) - x[k]) <= 1e-12 * max(1, abs(x[k]))

        def eqs(mm, cc, rr):
            return [g(mm, cc, rr, a) - v for g, v in zip(fixed, (mm, cc, rr), strict=True)]

        ref = mpmath.findroot(eqs, (mpmath.mpf("0.99"), mpmath.mpf("0.05"), mpmath.mpf("1.1")))
    best = max(sol.point(0), key=lambda s: s["m"])
    assert [best["m"], best["C"], best["r"]] == pytest.approx([float(v) for v in ref], rel=1e-10)


def test_system_grid_continuation_follows_the_retrieval_branch():
    alphas = np.linspace(0.05, 0.137, 12)
    sol = solve_grid(AGS, {"alpha": alphas}, starts=8)
    for i in range(alphas.size):
        assert sum(1 for s in sol.point(i) if s["m"] > 0.5) == 2


# -- arbitrary precision for systems -----------------------------------------------------


def test_system_polish_to_forty_digits_at_two_precisions():
    sols = solve_point_mp(SK_MQ, {"T": "1.2", "J": "1", "J_0": "1.5", "h": "0.05"}, 40)
    (best,) = [s for s in sols if s["equilibrium"]]
    with mpmath.workdps(60):
        beta = 1 / mpmath.mpf("1.2")
        mm, qq = best["m"], best["q"]

        def H(t):
            return beta * (mpmath.sqrt(qq) * t + mpmath.mpf("1.5") * mm + mpmath.mpf("0.05"))

        r1 = mm - mp_average(lambda t: mpmath.tanh(H(t)), 60)
        r2 = qq - mp_average(lambda t: mpmath.tanh(H(t)) ** 2, 60)
    assert abs(r1) < mpmath.mpf("1e-39") and abs(r2) < mpmath.mpf("1e-39")


def test_a_degenerate_hessian_is_undecided_not_guessed():
    """phi = x^4/4 + y^2/2: the root (0, 0) is a minimum, but its Hessian has a zero
    eigenvalue, which no precision can sign: the solver says so."""
    x, y = sp.symbols("x y", real=True)
    s = sp.Symbol("s", positive=True)
    phi = s * x**4 / 4 + y**2 / 2
    eq = SelfConsistency(
        name="degenerate",
        unknowns=(x, y),
        fixed_point=(x, y),
        free_energy=phi,
        residual=(sp.diff(phi, x), sp.diff(phi, y)),
        observables=(("m", x),),
        parameters=(s,),
        domain=((-1.0, 1.0), (-1.0, 1.0)),
    )
    sol = solve_grid(eq, {"s": 1.0})
    (root,) = sol.point(0)
    assert root["stability"] == "undecided" and root["equilibrium"] is None


def test_cupy_code_path_for_systems_with_numpy_standing_in(monkeypatch):
    import types

    import statmech.numeric.compile as compile_module
    import statmech.numeric.gaussian as gaussian
    import statmech.numeric.systems as systems

    fake = types.ModuleType("numpy")
    fake.__getattr__ = lambda name: getattr(np, name)
    real = systems.get_backend

    def get_backend(name="numpy"):
        return fake if name == "cupy" else real(name)

    def clear():
        compile_module._cached.cache_clear()
        systems.compiled_system.cache_clear()
        gaussian._replacement.cache_clear()

    monkeypatch.setattr(systems, "get_backend", get_backend)
    monkeypatch.setattr(compile_module, "get_backend", get_backend)
    clear()
    try:
        values = {"alpha": np.array([0.05, 0.12])}
        a = solve_grid(AGS, values)
        b = solve_grid(AGS, values, backend="cupy")
    finally:
        clear()
    np.testing.assert_array_equal(a.stability, b.stability)
    np.testing.assert_allclose(a.x, b.x, rtol=1e-13, atol=1e-15)
