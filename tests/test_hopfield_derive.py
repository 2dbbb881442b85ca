"""The Hopfield network's derivations against independent routes.

Tolerances: mpmath results at 30 digits are compared to 1e-20 (or to the digits
quoted); the Monte Carlo of the crosstalk is compared within four standard errors
of the mean over independent networks; literature values to the digits printed.
"""

import itertools
from dataclasses import replace

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.derive import hopfield as hop
from statmech.derive.interactions import CouplingData, HebbianCouplings
from statmech.derive.render import results_of
from statmech.numeric.compile import compile_expression
from statmech.numeric.compiled import compile_model
from statmech.numeric.gaussian import compile_averaged

from statmech import derive

MODEL = derive.get_model("hopfield")
RESULTS = results_of(derive.derivations(MODEL))


def _plain(expr):
    """``expr`` with its symbols replaced by plain ones (names as in the module)."""
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols})


def _mp(expr, names):
    return compile_expression(_plain(expr), names, "mpmath")


# --------------------------------------------------------------------------
# The model and its energy


def test_model_parameters_and_defaults():
    assert MODEL.parameter_names == ("T", "N", "P", "alpha", "seed", "h")
    assert MODEL.parameter("P").integer and MODEL.parameter("seed").integer
    assert MODEL.parameter("alpha").positive and MODEL.parameter("alpha").default == 0.05
    assert MODEL.parameter("h").default == 0.0
    assert MODEL.coupling.kind == "hebbian" and MODEL.coupling.J == 1


def _given_patterns(xi):
    data = CouplingData("given", values=tuple(map(tuple, xi)))
    return replace(MODEL, coupling=HebbianCouplings(data, J=sp.Integer(1), patterns="P"))


@pytest.mark.parametrize("n, p, h", [(7, 3, 0.0), (12, 5, 0.35), (9, 1, -0.2)])
def test_compiled_energy_is_the_overlap_form(n, p, h):
    """H = -(N/2) sum_mu m_mu^2 + P/2 - h sum_i s_i, with the compiled Hebbian couplings."""
    rng = np.random.default_rng(n * 10 + p)
    xi = rng.choice([-1.0, 1.0], size=(p, n))
    compiled = compile_model(_given_patterns(xi), {"N": n, "P": p, "h": h})
    s = rng.choice([-1.0, 1.0], size=(20, n))
    overlaps = s @ xi.T / n
    expected = -n / 2 * (overlaps**2).sum(axis=1) + p / 2 - h * s.sum(axis=1)
    np.testing.assert_allclose(compiled.energy(s), expected, rtol=0, atol=1e-12)


def test_drawn_patterns_follow_the_seed():
    """Patterns drawn +-1 from the seed: K = xi^T xi / N with zero diagonal (the bond
    term -K s_i s_j has weight -K)."""
    params = {"N": 10, "P": 4, "seed": 3}
    compiled = compile_model(MODEL, params)
    xi = np.random.default_rng(3).choice(np.array([-1.0, 1.0]), size=(4, 10))
    k = xi.T @ xi / 10
    np.fill_diagonal(k, 0.0)
    np.testing.assert_array_equal(-compiled.matrix, k)
    other = compile_model(MODEL, {**params, "seed": 4}).matrix
    assert not np.array_equal(other, compiled.matrix)
    # the default P is used when none is given
    assert compile_model(MODEL, {"N": 10}).matrix.shape == (10, 10)


@pytest.mark.parametrize("n, p", [(1, 1), (2, 2), (3, 2), (4, 3), (5, 2)])
def test_energy_identity_symbolically(n, p):
    """The pair sum over Hebbian couplings equals -(N/2) sum m^2 + P/2 as polynomials in
    +-1 variables (reduced with x^2 = 1), for every small N and P."""
    xi = sp.Matrix(p, n, lambda a, b: sp.Symbol(f"xi_{a}_{b}"))
    s = sp.symbols(f"s0:{n}")
    pairs = sum(
        xi[a, i] * xi[a, j] * s[i] * s[j] / n
        for i, j in itertools.combinations(range(n), 2)
        for a in range(p)
    )
    overlaps = [sum(xi[a, i] * s[i] for i in range(n)) / n for a in range(p)]
    difference = sp.expand(-pairs - (-n * sum(o**2 for o in overlaps) / 2 + sp.Rational(p, 2)))
    for var in list(xi) + list(s):
        difference = sp.expand(difference.subs(var**2, 1))
    assert difference == 0


def test_hebbian_form_keeps_the_model_energy():
    """The derivation's first step is the model's printed Hamiltonian, with +-1 functions."""
    first = hop.hebb_derivation(MODEL).steps[0].rhs
    back = first.replace(hop.xi, lambda a, b: sp.IndexedBase(r"\xi")[a, b])
    back = back.replace(hop.spin, lambda a: sp.IndexedBase("s")[a])
    back = back.replace(
        lambda e: isinstance(e, hop.FiniteSum), lambda e: sp.Sum(e.function, *e.limits)
    )
    assert back.xreplace({hop.P: sp.Symbol("P")}) == MODEL.energy
    assert not first.has(sp.Indexed)


# --------------------------------------------------------------------------
# Derivations: checked steps and the labels of the others


def test_every_step_checks_and_quotes_carry_references():
    ds = derive.derivations(MODEL)
    assert [d.title.split(":")[0] for d in ds] == [
        "Hebb's rule and the energy",
        "Signal to noise",
        "Finite load",
        "Extensive load",
        "Zero temperature",
        "Lines of the phase diagram",
    ]
    methods = []
    for d in ds:
        for step, result in derive.check(d):
            methods.append(result.method)
            if step.rule == "quoted":
                assert step.reference
    assert "numeric" in methods and "symbolic" in methods and "asymptotic" in methods


def test_the_gaussian_approximation_is_labelled():
    steps = hop.signal_to_noise_derivation(MODEL).steps
    gaussian = [s for s in steps if "central limit" in s.why]
    assert len(gaussian) == 1
    assert gaussian[0].rule == "quoted" and gaussian[0].why.startswith("Approximation")


def test_stein_step_is_symbolic():
    """The r derivative goes through Stein's lemma by the rule, not by quadrature."""
    d = hop.replica_symmetric_derivation(MODEL)
    checks = {step.why: result for step, result in derive.check(d)}
    stein = [res for why, res in checks.items() if "Stein" in why]
    assert stein and all(res.method == "symbolic" for res in stein)


def test_stein_rule_against_quadrature():
    """E_z[z tanh(u)] = (sqrt(alpha r)/T)(1 - E_z tanh^2 u), by mpmath quadrature."""
    mpmath.mp.dps = 20
    for a_, r_, m_, t_ in [(0.3, 1.4, 0.2, 0.7), (0.05, 2.0, 0.9, 0.4), (0.12, 0.5, -0.3, 1.3)]:
        s = mpmath.sqrt(a_ * r_)

        def u(zz, s=s, m_=m_, t_=t_):
            return (m_ + s * zz) / t_

        left = mpmath.quad(lambda zz: zz * mpmath.tanh(u(zz)) * mpmath.npdf(zz), [-40, 0, 40])
        tanh2 = mpmath.quad(lambda zz: mpmath.tanh(u(zz)) ** 2 * mpmath.npdf(zz), [-40, 0, 40])
        assert abs(left - s / t_ * (1 - tanh2)) < 1e-15


# --------------------------------------------------------------------------
# Signal to noise


def test_error_probability_against_a_monte_carlo_of_the_crosstalk():
    """One-step error rate of stored patterns in networks of N = 1000 units.

    The derivation's P_err = erfc(1/sqrt(2 alpha))/2 is the N -> oo limit of the
    Gaussian approximation; at finite N the signal is (N-1)/N and the variance
    (N-1)(P-1)/N^2.  P is odd, so a local field is never zero.  Each network stores
    P random patterns and every bit of every pattern is tested; the error rate is
    averaged over independent networks, with the standard error of that mean.
    """
    p_err = _mp(RESULTS["P_err"], ["alpha"])
    rng = np.random.default_rng(20250611)
    n, networks = 1000, 24
    for p in (101, 151, 201):
        rates = []
        for _ in range(networks):
            xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
            fields = (xi.T @ (xi @ xi.T) - p * xi.T) / n  # zero diagonal, N x P
            assert np.all(fields != 0)
            rates.append(np.mean(xi.T * fields < 0))
        mean, error = np.mean(rates), np.std(rates, ddof=1) / np.sqrt(networks)
        variance = (n - 1) * (p - 1) / n**2
        finite = 0.5 * float(mpmath.erfc((n - 1) / n / mpmath.sqrt(2 * variance)))
        assert abs(mean - finite) < 4 * error, (p, mean, finite, error)
        limit = float(p_err(mpmath.mpf(p) / n))
        # the limit formula differs from the finite-N one by an O(1/N) shift
        assert abs(mean - limit) < 4 * error + abs(finite - limit), (p, mean, limit)
        assert abs(finite - limit) < 0.05 * limit


def test_naive_capacity_reproduces_the_table_of_hertz_krogh_palmer():
    capacity = _mp(RESULTS["alpha_max"], ["epsilon"])
    table = {0.001: 0.105, 0.0036: 0.138, 0.01: 0.185, 0.05: 0.37, 0.1: 0.61}
    mpmath.mp.dps = 30
    for eps, expected in table.items():
        value = capacity(mpmath.mpf(eps))
        digits = len(str(expected).split(".")[1])
        assert round(float(value), digits) == expected
        assert abs(_mp(RESULTS["P_err"], ["alpha"])(value) - eps) < 1e-25


def test_every_bit_stable_needs_a_load_of_one_over_two_log_n():
    """N P_err at alpha = 1/(2 log N) vanishes like 1/(2 sqrt(pi log N)); at twice that
    load it grows without bound (McEliece et al.)."""
    p_err = _mp(RESULTS["P_err"], ["alpha"])
    mpmath.mp.dps = 30
    previous, growing = mpmath.inf, 0
    for exponent in (3, 6, 12, 24):
        n = mpmath.mpf(10) ** exponent
        at_limit = n * p_err(1 / (2 * mpmath.log(n)))
        assert at_limit < previous
        previous = at_limit
        expected = 1 / (2 * mpmath.sqrt(mpmath.pi * mpmath.log(n)))
        assert abs(at_limit / expected - 1) < 1 / mpmath.log(n)
        # twice the load: N P_err ~ sqrt(N / (2 pi log N))
        twice = n * p_err(1 / mpmath.log(n))
        assert twice > growing and twice > mpmath.sqrt(n / (4 * mpmath.pi * mpmath.log(n)))
        growing = twice


# --------------------------------------------------------------------------
# Finite load


def _mixture_free_energy_direct(ms, t):
    """f(m) at four patterns, averaging over the 16 sign vectors directly (mpmath)."""
    total = 0
    for signs in itertools.product((-1, 1), repeat=4):
        total += mpmath.log(2 * mpmath.cosh(sum(a * b for a, b in zip(signs, ms, strict=True)) / t))
    return sum(x**2 for x in ms) / 2 - t * total / 16


def test_mixture_hessian_against_finite_differences():
    mpmath.mp.dps = 30
    mixture = _mp(RESULTS["mixture"], ["m", "T"])
    f4, _, q3, Q3 = hop._mixture_pieces()
    lam_perp = _mp(RESULTS["lambda_perp"], ["m", "T"])
    lam_par = _mp(1 - (1 - q3) / hop.T + 2 * Q3 / hop.T, ["m", "T"])
    lam_out = _mp(1 - (1 - q3) / hop.T, ["m", "T"])
    t = mpmath.mpf("0.4")
    m_star = mpmath.findroot(lambda x: x - mixture(x, t), 0.45)
    point = [m_star, m_star, m_star, mpmath.mpf(0)]

    def second(i, j):
        order = [0, 0, 0, 0]
        order[i] += 1
        order[j] += 1
        return mpmath.diff(lambda *x: _mixture_free_energy_direct(x, t), point, tuple(order))

    hessian = mpmath.matrix(4, 4)
    for i in range(4):
        for j in range(4):
            hessian[i, j] = second(i, j)
    eigenvalues = sorted(mpmath.eigsy((hessian + hessian.T) / 2)[0])
    expected = sorted([lam_perp(m_star, t)] * 2 + [lam_par(m_star, t), lam_out(m_star, t)])
    for got, want in zip(eigenvalues, expected, strict=True):
        assert abs(got - want) < 1e-15


def test_mixtures_become_unstable_at_t_0_46():
    """lambda_perp crosses zero on the 3-mixture branch at T_3: two routes, six digits,
    against AGS's 0.46."""
    mpmath.mp.dps = 30
    mixture = _mp(RESULTS["mixture"], ["m", "T"])
    lam_perp = _mp(RESULTS["lambda_perp"], ["m", "T"])
    m3, t3 = mpmath.findroot(
        [lambda x, t: x - mixture(x, t), lambda x, t: lam_perp(x, t)], (0.43, 0.46)
    )

    def branch(t):
        return mpmath.findroot(lambda x: x - mixture(x, t), 0.45)

    lo, hi = mpmath.mpf("0.40"), mpmath.mpf("0.50")
    assert lam_perp(branch(lo), lo) > 0 > lam_perp(branch(hi), hi)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if lam_perp(branch(mid), mid) > 0 else (lo, mid)
    assert abs(lo - t3) < 1e-15
    assert round(float(t3), 6) == 0.459794
    assert round(float(t3), 2) == 0.46  # Amit, Gutfreund and Sompolinsky (1985)
    assert 0.43 < m3 < 0.44
    # the Mattis states stay stable there: lambda_M > 0 on the Mattis branch
    mattis = mpmath.findroot(lambda x: x - mpmath.tanh(x / t3), 0.99)
    assert 1 - (1 - mpmath.tanh(mattis / t3) ** 2) / t3 > 0.5


# --------------------------------------------------------------------------
# Extensive load, T = 0


def _zero_temperature_system(a):
    m_eq, c_eq, r_eq = (
        _mp(e, ["m", "C", "r", "alpha"])
        for e in (RESULTS["m_T0"], RESULTS["C_T0"], RESULTS["r_T0"])
    )
    return lambda x, c, rr: [x - m_eq(x, c, rr, a), c - c_eq(x, c, rr, a), rr - r_eq(x, c, rr, a)]


def _retrieval(a, start):
    """The retrieval solution of the T = 0 equations near ``start``, or None."""
    try:
        sol = mpmath.findroot(_zero_temperature_system(a), start)
    except (ValueError, ZeroDivisionError):
        return None
    sol = [mpmath.re(v) for v in sol]
    residual = max(abs(v) for v in _zero_temperature_system(a)(*sol))
    return sol if residual < mpmath.mpf(10) ** -(mpmath.mp.dps - 8) and sol[0] > 0.5 else None


def test_capacity_at_zero_temperature_by_bisection():
    """alpha_c(T = 0) = 0.137906 with m = 0.967417: the load where the retrieval solution
    of the erf equations disappears (bisection), and the maximum of alpha(y)."""
    mpmath.mp.dps = 30
    lo, hi = mpmath.mpf("0.10"), mpmath.mpf("0.20")
    start = _retrieval(lo, (0.99, 0.05, 1.1))
    assert start is not None and _retrieval(hi, start) is None
    for _ in range(34):
        mid = (lo + hi) / 2
        found = _retrieval(mid, start)
        if found is None:
            hi = mid
        else:
            lo, start = mid, found
    alpha_of_y = _mp(RESULTS["alpha_of_y"], ["y"])
    y_c = mpmath.findroot(lambda v: mpmath.diff(alpha_of_y, v), 1.5)
    alpha_max = alpha_of_y(y_c)
    assert abs(lo - alpha_max) < 1e-8
    assert round(float(alpha_max), 6) == 0.137906
    assert round(float(mpmath.erf(y_c)), 6) == 0.967417
    assert abs(start[0] - mpmath.erf(y_c)) < 1e-3  # the fold: m at the last solution
    assert round(float(alpha_max), 3) == 0.138  # AGS (1985, 1987)


def _spin_glass_zero_temperature(a):
    k = mpmath.sqrt(2 / (mpmath.pi * a))
    return [mpmath.mpf(0), k / (1 + k), (1 + k) ** 2]


def test_zero_temperature_spin_glass_and_equilibrium_load():
    """The m = 0 solution in closed form solves the equations; its energy is
    -sqrt(2 alpha/pi) - 1/pi; retrieval is the lower energy below alpha = 0.0519."""
    mpmath.mp.dps = 30
    energy = _mp(RESULTS["e_0"], ["m", "C", "r", "alpha"])
    a = mpmath.mpf("0.1")
    sg = _spin_glass_zero_temperature(a)
    assert max(abs(v) for v in _zero_temperature_system(a)(*sg)) < 1e-25
    assert abs(energy(*sg, a) - (-mpmath.sqrt(2 * a / mpmath.pi) - 1 / mpmath.pi)) < 1e-25
    retrieval = _retrieval(mpmath.mpf("0.001"), (1, 0, 1))
    assert abs(energy(*retrieval, mpmath.mpf("0.001")) + mpmath.mpf(1) / 2) < 1e-6

    def gap(load):
        found = _retrieval(load, (0.999, 0.001, 1.0))
        return energy(*found, load) - energy(*_spin_glass_zero_temperature(load), load)

    lo, hi = mpmath.mpf("0.04"), mpmath.mpf("0.07")
    assert gap(lo) < 0 < gap(hi)
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    assert round(float(lo), 4) == 0.0519
    assert abs(lo - 0.051) < 1e-3  # AGS (1987): about 0.051


def _hessian(function, point):
    n = len(point)
    out = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(n):
            order = [0] * n
            order[i] += 1
            order[j] += 1
            out[i, j] = mpmath.diff(function, point, tuple(order))
    return out


def _stable(hessian):
    """The SelfConsistency convention (min, max, min): a maximum in the second unknown,
    then a minimum of the Schur complement in the first and third."""
    if hessian[1, 1] >= 0:
        return False
    keep = [0, 2]
    schur = mpmath.matrix(2, 2)
    for a_, i in enumerate(keep):
        for b_, j in enumerate(keep):
            schur[a_, b_] = hessian[i, j] - hessian[i, 1] * hessian[1, j] / hessian[1, 1]
    return all(e > 0 for e in mpmath.eigsy((schur + schur.T) / 2)[0])


def test_zero_temperature_stability_convention():
    """Retrieval and spin glass stable, the lower retrieval branch unstable near alpha_c."""
    mpmath.mp.dps = 30
    eq = hop.ags_zero_temperature_equations(MODEL)
    assert eq.extrema == ("min", "max", "min")
    energy = _mp(eq.free_energy, ["m", "C", "r", "alpha"])
    a = mpmath.mpf("0.13")

    def f(*x):
        return energy(*x, a)

    upper = _retrieval(a, (0.99, 0.1, 1.2))
    alpha_of_y = _mp(RESULTS["alpha_of_y"], ["y"])
    y_low = mpmath.findroot(lambda v: alpha_of_y(v) - a, 1.3)  # the other root of alpha(y)
    lower = _retrieval(a, (mpmath.erf(y_low), 0.3, 2.0))
    assert upper and lower and upper[0] - lower[0] > 0.01
    assert _stable(_hessian(f, upper))
    assert not _stable(_hessian(f, lower))
    assert _stable(_hessian(f, _spin_glass_zero_temperature(a)))


# --------------------------------------------------------------------------
# Extensive load, T > 0

NAMES = ["m", "q", "r", "T", "alpha"]


def _compiled(eq):
    """The gradient and Hessian of the AGS free energy in mpmath (quadrature averages)."""
    gradient = [compile_averaged(_plain(g), NAMES, "mpmath") for g in eq.residual]
    hessian = [[compile_averaged(_plain(h), NAMES, "mpmath") for h in row] for row in eq.curvature]
    return gradient, hessian


def _solve(eq, a, t, start):
    """A stationary point of f(m, q, r): Newton on the gradient with the exact Hessian."""
    gradient, hessian = _compiled(eq)
    return list(
        mpmath.findroot(
            lambda *x: [g(*x, t, a) for g in gradient],
            start,
            J=lambda *x: mpmath.matrix([[h(*x, t, a) for h in row] for row in hessian]),
        )
    )


def _hessian_at(eq, a, t, point):
    _, hessian = _compiled(eq)
    return mpmath.matrix([[h(*point, t, a) for h in row] for row in hessian])


def test_ags_equations_at_low_temperature_approach_the_erf_solution():
    mpmath.mp.dps = 15
    eq = derive.mean_field_equations(MODEL)
    assert eq.unknowns == (hop.m, hop.q, hop.r) and eq.parameter_names == ("T", "alpha")
    a = mpmath.mpf("0.1")
    zero = _retrieval(a, (0.99, 0.05, 1.05))
    for t, tolerance in (("0.1", 5e-3), ("0.04", 1e-3)):
        t = mpmath.mpf(t)
        x, qq, rr = _solve(eq, a, t, (zero[0], 1 - zero[1] * t, zero[2]))
        assert abs(x - zero[0]) < tolerance and abs(rr - zero[2]) < 10 * tolerance
        assert abs((1 - qq) / t - zero[1]) < 10 * tolerance
        # the solution is a fixed point of the equations as written
        fixed = [compile_averaged(_plain(g), NAMES, "mpmath") for g in eq.fixed_point]
        for value, g in zip((x, qq, rr), fixed, strict=True):
            assert abs(value - g(x, qq, rr, t, a)) < 1e-10


def test_spin_glass_temperature_is_one_plus_root_alpha():
    """At m = 0 a solution q > 0 exists just below T_g = 1 + sqrt(alpha), none above."""
    mpmath.mp.dps = 15
    eq = derive.mean_field_equations(MODEL)
    t_g = _mp(RESULTS["T_g"], ["alpha"])
    a = mpmath.mpf("0.25")
    assert t_g(a) == mpmath.mpf("1.5")
    fixed = [compile_averaged(_plain(g), NAMES, "mpmath") for g in eq.fixed_point[1:]]

    def spin_glass(t):
        def residual(qq, rr):
            return [u - g(0, qq, rr, t, a) for u, g in zip((qq, rr), fixed, strict=True)]

        return mpmath.findroot(residual, (0.3, 0.5))

    below = spin_glass(t_g(a) - mpmath.mpf("0.02"))
    assert below[0] > 0.005
    above = spin_glass(t_g(a) + mpmath.mpf("0.02"))
    assert abs(above[0]) < 1e-10 and abs(above[1]) < 1e-10


def test_finite_temperature_stability_convention():
    """(min, max, min) at T < 1: retrieval and spin glass stable, the lower retrieval
    branch unstable; the Hessian is the SelfConsistency's curvature, checked against
    finite differences of its free energy at one point."""
    mpmath.mp.dps = 15
    eq = derive.mean_field_equations(MODEL)
    assert eq.extrema == ("min", "max", "min")
    a, t = mpmath.mpf("0.12"), mpmath.mpf("0.1")
    retrieval = _solve(eq, a, t, (0.99, 0.99, 1.16))
    lower = _solve(eq, a, t, (0.906, 0.964, 2.37))
    glass = _solve(eq, a, t, (0, 0.93, 10.6))
    assert retrieval[0] > 0.98 and 0.85 < lower[0] < 0.95 and abs(glass[0]) < 1e-12
    assert _stable(_hessian_at(eq, a, t, retrieval))
    assert not _stable(_hessian_at(eq, a, t, lower))
    assert _stable(_hessian_at(eq, a, t, glass))
    free = compile_averaged(_plain(eq.free_energy), NAMES, "mpmath")
    # the retrieval state is metastable at this load: the spin glass is lower
    assert free(*glass, t, a) < free(*retrieval, t, a)
    # curvature = second derivatives of the free energy (one entry pair, finite differences)
    step = mpmath.mpf("1e-4")
    point = list(retrieval)

    def f_at(dq, dr):
        return free(point[0], point[1] + dq, point[2] + dr, t, a)

    mixed = (f_at(step, step) - f_at(step, -step) - f_at(-step, step) + f_at(-step, -step)) / (
        4 * step**2
    )
    assert abs(mixed - _hessian_at(eq, a, t, point)[1, 2]) < 1e-4
