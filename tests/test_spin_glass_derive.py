"""Spin-glass derivations (SK, Edwards-Anderson) against independent numerics.

The derivations check step by step (symbolically, where a Gaussian average is
involved); here their results meet exact enumeration over disorder samples,
quadrature (mpmath, Gauss-Hermite) and brute-force identities of +-1 spins.
"""

import itertools
import json
from dataclasses import replace

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq
from statmech.derive import symbols as sym
from statmech.derive.averages import expand_average, stein, taylor_average
from statmech.derive.derivation import check_steps
from statmech.derive.disorder import ANNEALED_U, J0, QUENCHED_U, c_2
from statmech.derive.gaussian import GaussianAverage
from statmech.derive.interactions import CouplingData, DenseCouplings
from statmech.derive.meanfield import m, mean_field_equations
from statmech.derive.models.spin_glass import EA2D, EA3D, SK, sherrington_kirkpatrick
from statmech.derive.render import FORMATS, render, results_of
from statmech.derive.replica import beta, q, replicon, rs_equations, rs_hessian
from statmech.derive.tap import H_k, W_k, m_k, tap_map
from statmech.numeric.compile import compile_expression
from statmech.numeric.compiled import compile_model

from statmech import derive

T, J, h, N = sym.T, sym.J, sym.h, sym.N
z = sp.Symbol("z", real=True)
MODELS = (SK, EA3D, EA2D)


@pytest.fixture(autouse=True)
def _mp_precision():
    dps = mpmath.mp.dps
    mpmath.mp.dps = 30
    yield
    mpmath.mp.dps = dps


def averaged(expr, args):
    """An mpmath callable of ``expr`` in ``args``, its Gaussian averages by quadrature."""
    avgs = sorted(expr.atoms(GaussianAverage), key=str)
    slots = sp.symbols(f"avg0:{len(avgs)}")
    outer = compile_expression(
        expr.xreplace(dict(zip(avgs, slots, strict=True))), [*args, *slots], "mpmath"
    )
    inner = [compile_expression(a.function, [a.variable, *args], "mpmath") for a in avgs]

    def f(*values):
        values = [mpmath.mpf(v) for v in values]
        means = [
            mpmath.quad(lambda t, g=g: g(t, *values) * mpmath.npdf(t), [-mpmath.inf, 0, mpmath.inf])
            for g in inner
        ]
        return outer(*values, *means)

    return f


def exact_z(model, params, T_value):
    """Partition function of one sample by enumeration, through the compiled model."""
    compiled = compile_model(model, params)
    states = np.array(list(itertools.product([-1, 1], repeat=compiled.n)), dtype=np.int8)
    e = compiled.energy(states)
    return np.exp(-(e - e.min()) / T_value).sum() * np.exp(-e.min() / T_value), compiled, states, e


# --------------------------------------------------------------------------
# The derivations


@pytest.mark.parametrize("model", MODELS, ids=lambda mdl: mdl.name)
def test_every_step_checks_and_averages_check_symbolically(model):
    # A Gaussian average checked at random points costs seconds each: every step with one
    # must check symbolically (through the averaging rules), never fall back to numerics.
    for d in derive.derivations(model):
        for step, result in check_steps(d.steps):
            assert result.ok, (d.title, step.why)
            has_average = step.rhs.has(GaussianAverage) or (
                step.via is not None and sp.sympify(step.via).has(GaussianAverage)
            )
            if step.rule == "equal" and has_average:
                assert result.method == "symbolic", (d.title, step.why)


@pytest.mark.parametrize("model", MODELS, ids=lambda mdl: mdl.name)
def test_renders_in_every_format(model):
    ds = derive.derivations(model)
    for fmt in FORMATS:
        text = render(model, ds, fmt)
        assert "GaussianAverage" not in text or fmt in ("text", "json")
    tex = render(model, ds, "latex")
    assert tex.count(r"\begin{") == tex.count(r"\end{")
    data = json.loads(render(model, ds, "json"))
    assert set(data["results"]) == set(results_of(ds))


def test_results():
    res = results_of(derive.derivations(SK))
    assert res["T_c"] == J
    assert sp.simplify(res["f"] - (-T * sp.log(2) - J**2 / (4 * T))) == 0
    assert float(res["e_RS0"].subs(J, 1)) == pytest.approx(-0.7978845608, abs=1e-10)
    assert float(res["s_RS0"]) == pytest.approx(-1 / (2 * np.pi), abs=1e-15)
    assert float(res["e_0"].subs(J, 1)) == -0.7631667
    ea = results_of(derive.derivations(EA3D))
    assert float(ea["T_c"].subs(J, 1)) == 1.1019
    assert results_of(derive.derivations(EA2D))["T_c"] == 0


def test_models_state_their_couplings():
    assert SK.parameter_names == ("T", "J", "J0", "h", "N", "seed")
    assert EA3D.coupling.dimension == 3 and EA2D.coupling.dimension == 2
    assert EA3D.parameter_names == ("T", "J", "h", "L", "seed")
    with pytest.raises(NotImplementedError, match="no single mean-field coupling"):
        mean_field_equations(EA3D)


# --------------------------------------------------------------------------
# The averaging rules against quadrature


def test_averaging_rules_against_quadrature():
    a, b = sp.Rational(9, 10), sp.Rational(3, 10)
    g = sp.tanh(a * z + b)
    value = averaged(GaussianAverage(z * g, z), [])()
    rule = averaged(expand_average(stein(GaussianAverage(z * g, z))), [])()
    assert abs(value - rule) < mpmath.mpf(10) ** -25
    c = sp.Symbol("c", real=True)
    lhs = averaged(GaussianAverage(c * (1 + g**2), z), [c])(mpmath.mpf("1.7"))
    rhs = averaged(expand_average(GaussianAverage(c * (1 + g**2), z)), [c])(mpmath.mpf("1.7"))
    assert abs(lhs - rhs) < mpmath.mpf(10) ** -25
    # the Taylor polynomial of E tanh^2(r z) to r^4: the error falls like r^6
    r = sp.Symbol("r", positive=True)
    avg = GaussianAverage(sp.tanh(r * z) ** 2, z)
    series = compile_expression(taylor_average(avg, r, 4), [r], "mpmath")
    exact = averaged(avg, [r])
    err = [abs(exact(x) - series(x)) for x in (mpmath.mpf("0.1"), mpmath.mpf("0.05"))]
    assert 50 < err[0] / err[1] < 80  # 2^6 = 64


def test_spin_identities_by_enumeration():
    # the "given" pair-sum identities of the replica and second-moment derivations
    rng = np.random.default_rng(1)
    n_rep, n_sites = 3, 7
    for _ in range(20):
        s = rng.choice([-1, 1], size=(n_sites, n_rep))
        X = s @ s.T
        iu = np.triu_indices(n_sites, 1)
        m_a = s.mean(axis=0)
        q_ab = (s.T @ s) / n_sites
        M2 = (m_a**2).sum()
        Q2 = sum(q_ab[a, b] ** 2 for a in range(n_rep) for b in range(a + 1, n_rep))
        assert X[iu].sum() == pytest.approx((n_sites**2 * M2 - n_rep * n_sites) / 2)
        expected = (
            n_rep * n_sites * (n_sites - 1) / 2
            + n_sites**2 * Q2
            - n_sites * n_rep * (n_rep - 1) / 2
        )
        assert (X[iu] ** 2).sum() == pytest.approx(expected)
        S = s.sum(axis=1)
        pairs = sum(s[:, a] * s[:, b] for a in range(n_rep) for b in range(a + 1, n_rep))
        np.testing.assert_array_equal(pairs, (S**2 - n_rep) / 2)


# --------------------------------------------------------------------------
# Annealed averages against enumeration over samples


def test_annealed_partition_function_over_gaussian_samples():
    # E_J Z with the exact pair count N(N-1)/2, against the mean of Z over samples drawn
    # through the model's own couplings (mean J0/N = 0, variance J^2/N)
    n, t, samples = 6, 1.5, 1500
    zs = np.array([exact_z(SK, {"N": n, "seed": k, "J": 1.0}, t)[0] for k in range(samples)])
    expected = 2**n * np.exp((n - 1) / (4 * t**2))
    mean, err = zs.mean(), zs.std(ddof=1) / np.sqrt(samples)
    assert abs(mean - expected) < 4 * err, (mean, expected, err)
    # the test tells the exact pair count from N^2/2
    assert abs(mean - 2**n * np.exp(n / (4 * t**2))) > 5 * err


def test_quenched_energy_identity_over_samples():
    # E_J <H>/N = -(1 - 1/N) J^2/(2T) (1 - c_2), c_2 the pair mean of <s_i s_j>^2:
    # paired over the same samples, the difference has mean zero
    n, t, samples = 6, 1.2, 1000
    u_q = sp.lambdify((N, J, T, c_2), QUENCHED_U)
    diffs, energies = [], []
    iu = np.triu_indices(n, 1)
    for k in range(samples):
        Z, compiled, states, e = exact_z(SK, {"N": n, "seed": k, "J": 1.0}, t)
        w = np.exp(-(e - e.min()) / t)
        w /= w.sum()
        corr = np.einsum("c,ci,cj->ij", w, states, states)[iu]
        energies.append((w * e).sum() / n)
        diffs.append(energies[-1] - u_q(n, 1.0, t, (corr**2).mean()))
    diffs, energies = np.array(diffs), np.array(energies)
    assert abs(diffs.mean()) < 4 * diffs.std(ddof=1) / np.sqrt(samples)
    # and the correction is real: the annealed energy alone is off by many error bars
    off = energies - float(ANNEALED_U.subs({N: n, J: 1, T: t}))
    assert off.mean() > 10 * off.std(ddof=1) / np.sqrt(samples)


def test_pm_annealed_partition_function_exact():
    # +-J couplings at N = 4: every one of the 2^6 sign patterns, exactly
    n, t = 4, 0.8
    pm = sherrington_kirkpatrick("pm", name="sk-pm")
    total = 0.0
    iu = np.triu_indices(n, 1)
    for signs in itertools.product([-1.0, 1.0], repeat=len(iu[0])):
        a = np.zeros((n, n))
        a[iu] = signs
        given = DenseCouplings(
            CouplingData("given", values=tuple(map(tuple, a))), pm.coupling.scale
        )
        total += exact_z(replace(pm, coupling=given), {"N": n, "J": 1.0}, t)[0]
    mean = total / 2 ** len(iu[0])
    expected = 2**n * np.cosh(1 / (t * np.sqrt(n))) ** (n * (n - 1) / 2)
    assert mean == pytest.approx(expected, rel=1e-12)


def test_edwards_anderson_annealed_partition_function():
    # 3 x 3 torus, 18 bonds of random sign: E Z = 2^9 cosh(J/T)^18
    t, samples = 1.5, 1000
    zs = np.array([exact_z(EA2D, {"L": 3, "seed": k}, t)[0] for k in range(samples)])
    expected = 2**9 * np.cosh(1 / t) ** 18
    assert abs(zs.mean() - expected) < 4 * zs.std(ddof=1) / np.sqrt(samples)


def test_second_moment_ratio_tends_to_its_limit():
    b = 0.5

    def ratio(n):
        k = np.arange(n + 1)
        from scipy.special import gammaln, logsumexp

        logs = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
        logs += b**2 * ((2 * k - n) ** 2 / n - 1) / 2
        return np.exp(logsumexp(logs) - n * np.log(2))

    limit = np.exp(-(b**2) / 2) / np.sqrt(1 - b**2)
    errors = [abs(ratio(n) - limit) for n in (500, 1000, 2000)]
    assert errors[2] < 2e-4 * limit
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.05)  # O(1/N)


# --------------------------------------------------------------------------
# The RS equations


def _hermite(n=200):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / np.sqrt(2 * np.pi)


def test_rs_q_equation_has_only_the_paramagnet_above_tc():
    # E_z tanh^2(sqrt(q) z / T) - q at h = J0 = 0, in mpmath on a logarithmic grid of q
    mpmath.mp.dps = 20
    gap = averaged(rs_equations(SK).fixed_point[1].subs({J0: 0, h: 0, J: 1, m: 0}) - q, [q, T])
    grid = [mpmath.mpf(10) ** (-k / 4) for k in range(25)]
    for t in ("1.02", "1.2", "2"):
        assert all(gap(v, mpmath.mpf(t)) < 0 for v in grid)
    for t in ("0.98", "0.6"):
        assert any(gap(v, mpmath.mpf(t)) > 0 for v in grid)
    # near T_c the root is the small-q prediction (beta^2 - 1)/(2 beta^4)
    t = mpmath.mpf("0.99")
    root = mpmath.findroot(lambda v: gap(v, t), (mpmath.mpf("0.005"), mpmath.mpf("0.05")))
    b2 = 1 / t**2
    assert root == pytest.approx((b2 - 1) / (2 * b2**2), rel=0.05)


def test_rs_equations_are_the_stationary_points():
    eq = rs_equations(SK)
    assert eq.unknowns == (m, q) and eq.extremum == ("min", "max")
    assert eq.parameters == (T, J, J0, h)
    args = [m, q, T, J, J0, h]
    mpmath.mp.dps = 20
    f = averaged(eq.free_energy, args)
    res = [averaged(r, args) for r in eq.residual]
    point = [mpmath.mpf(v) for v in ("0.5", "1", "1.5", "0.1")]  # T, J, J0, h
    # the fixed point of the derived map, in float64 (Gauss-Hermite), then polished
    x, w = _hermite()
    g = [compile_expression(a.function, [z, *args]) for a in eq.fixed_point]
    guess = [0.5, 0.5]
    for _ in range(300):
        guess = [(w * gi(x, *guess, *map(float, point))).sum() for gi in g]
    sol = mpmath.findroot(lambda a, b: [r(a, b, *point) for r in res], guess)
    # the residuals are the gradient of f (the m one divided by J0 > 0): zero there,
    # equal to the derivatives of f elsewhere
    assert abs(mpmath.diff(lambda v: f(v, sol[1], *point), sol[0])) < 1e-12
    assert abs(mpmath.diff(lambda v: f(sol[0], v, *point), sol[1])) < 1e-12
    other = [mpmath.mpf("0.3"), mpmath.mpf("0.2")]
    assert mpmath.diff(lambda v: f(v, other[1], *point), other[0]) == pytest.approx(
        point[2] * res[0](*other, *point), rel=1e-12
    )
    assert mpmath.diff(lambda v: f(other[0], v, *point), other[1]) == pytest.approx(
        res[1](*other, *point), rel=1e-12
    )
    # the solution is a maximum in q and, there, a minimum in m (Hessian from the gradient)
    d = mpmath.mpf(10) ** -6
    grad = [lambda a, b: point[2] * res[0](a, b, *point), lambda a, b: res[1](a, b, *point)]
    hess = [
        [
            (
                gi(sol[0] + d * (k == 0), sol[1] + d * (k == 1))
                - gi(sol[0] - d * (k == 0), sol[1] - d * (k == 1))
            )
            / (2 * d)
            for k in range(2)
        ]
        for gi in grad
    ]
    assert hess[0][1] == pytest.approx(hess[1][0], rel=1e-6)
    assert hess[1][1] < 0
    assert hess[0][0] - hess[0][1] * hess[1][0] / hess[1][1] > 0
    # the derived Hessian (Stein's lemma, finite at q = 0) agrees and is finite at q = 0
    derived = [[averaged(e, args) for e in row] for row in rs_hessian()]
    for i, j in itertools.product(range(2), repeat=2):
        assert derived[i][j](sol[0], sol[1], *point) == pytest.approx(hess[i][j], rel=1e-6)
        assert mpmath.isfinite(derived[i][j](sol[0], 0, *point))


def test_rs_zero_temperature_limits():
    # solve q(T) at h = J0 = 0 in mpmath; beta(1 - q), the energy and the entropy tend to
    # sqrt(2/pi), -sqrt(2/pi) and -1/(2 pi) (Richardson extrapolation in T)
    eq = rs_equations(SK)
    args = [m, q, T, J, J0, h]
    residual = averaged(eq.residual[1], args)
    u = averaged(eq.observable("u"), args)
    s = averaged(eq.observable("s"), args)
    c = mpmath.sqrt(2 / mpmath.pi)
    rows = []
    for t in (mpmath.mpf("0.01"), mpmath.mpf("0.02")):
        qt = mpmath.findroot(lambda v, t=t: residual(0, v, t, 1, 0, 0), 1 - c * t)
        rows.append(((1 - qt) / t, u(0, qt, t, 1, 0, 0), s(0, qt, t, 1, 0, 0)))
    (c1, u1, s1), (c2, u2, s2) = rows
    assert abs(c1 - c) < 0.004 and abs(2 * c1 - c2 - c) < 1e-4
    assert abs(u1 + c) < 3e-5 and abs((4 * u1 - u2) / 3 + c) < 1e-6
    assert abs(s1 + 1 / (2 * mpmath.pi)) < 0.006
    assert abs(2 * s1 - s2 + 1 / (2 * mpmath.pi)) < 1e-4
    # the quoted limit beta E sech^2(beta J z) -> sqrt(2/pi)/J
    avg = averaged(beta * GaussianAverage(sp.sech(beta * J * z) ** 2, z), [beta, J])
    assert avg(1000, mpmath.mpf("1.3")) == pytest.approx(c / mpmath.mpf("1.3"), rel=1e-5)


def test_at_line_near_tc():
    # lambda_R = 0 on the RS solution at J0 = 0: h^2 -> (4/3)(1 - T/J)^3 as h -> 0
    x, w = _hermite()
    values = {J0: 0, J: 1, m: 0}
    q_map = rs_equations(SK).fixed_point[1].subs(values)
    (q_avg,) = q_map.atoms(GaussianAverage)
    q_inner = compile_expression(q_avg.function, [z, q, T, h])
    lam = replicon().subs(values)
    (lam_avg,) = lam.atoms(GaussianAverage)
    slot = sp.Symbol("slot")
    lam_outer = compile_expression(lam.xreplace({lam_avg: slot}), [beta, slot])
    lam_inner = compile_expression(lam_avg.function, [z, q, beta, h])

    def replicon_at(t, field):
        qt = brentq(lambda v: (w * q_inner(x, v, t, field)).sum() - v, 1e-12, 1)
        return lam_outer(1 / t, (w * lam_inner(x, qt, 1 / t, field)).sum())

    ratios = []
    for field in (0.01, 0.003, 0.001):
        guess = 1 - (3 / 4) ** (1 / 3) * field ** (2 / 3)
        width = 0.3 * (1 - guess)
        t = brentq(lambda v, f=field: replicon_at(v, f), guess - width, guess + width)
        ratios.append(field**2 / (4 / 3 * (1 - t) ** 3))
    assert abs(ratios[-1] - 1) < 0.015
    assert abs(ratios[0] - 1) > abs(ratios[1] - 1) > abs(ratios[2] - 1)


# --------------------------------------------------------------------------
# TAP


def test_tap_fixed_point_is_stationary_for_the_tap_free_energy():
    n, t, field = 10, 1.6, 0.3
    compiled = compile_model(SK, {"N": n, "seed": 3, "J": 1.0})
    Jm = -compiled.matrix  # the couplings J_ij (bond -J_ij s_i s_j)
    update = compile_expression(tap_map(), [m_k, H_k, W_k, beta, h])
    mags = np.full(n, 0.1)
    for _ in range(500):
        H = Jm @ mags
        W = (Jm**2) @ (1 - mags**2)
        mags = 0.5 * mags + 0.5 * update(mags, H, W, 1 / t, field)

    def free_energy(v):
        ent = -((1 + v) / 2 * np.log((1 + v) / 2) + (1 - v) / 2 * np.log((1 - v) / 2))
        iu = np.triu_indices(n, 1)
        pair = (Jm * np.outer(v, v))[iu].sum()
        onsager = (Jm**2 * np.outer(1 - v**2, 1 - v**2))[iu].sum()
        return -t * ent.sum() - pair - field * v.sum() - onsager / (2 * t)

    eps = 1e-6
    grad = [
        (free_energy(mags + eps * e) - free_energy(mags - eps * e)) / (2 * eps) for e in np.eye(n)
    ]
    assert np.max(np.abs(grad)) < 1e-8
    assert np.all(np.abs(mags) < 1) and np.std(mags) > 0.01


# --------------------------------------------------------------------------
# Command line


@pytest.mark.parametrize("name", ["sk", "ea"])
def test_cli_derive_checks_and_renders_latex(name, capsys, tmp_path):
    import shutil
    import subprocess

    from statmech.cli import main

    assert main(["derive", name, "--check", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")
    if shutil.which("pdflatex") is None:
        return
    (tmp_path / "doc.tex").write_text(out)
    proc = subprocess.run(
        [shutil.which("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
