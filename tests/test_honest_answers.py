"""Answers that looked right and were not: each test here failed before its fix.

Exact numbers are checked against independent routes written out here
(mpmath formulas, brute-force sums), never against the code under test.
"""

import itertools
import json

import mpmath
import numpy as np
import pytest

import statmech as sm
from statmech.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str) -> bool:
    return "Traceback" not in err and err.count("\n") <= 2


# -- item 6: --precision reads the decimal text --------------------------------


def yang(T: str, digits: int):
    """Yang's spontaneous magnetisation at the decimal T (J = 1), in mpmath."""
    with mpmath.workdps(digits + 20):
        t = mpmath.mpf(T)
        return (1 - mpmath.sinh(2 / t) ** -4) ** (mpmath.mpf(1) / 8)


def test_exact_precision_reads_the_decimal_temperature(capsys):
    code, out, err = run(capsys, "exact", "ising2d", "T=2.2691853", "--precision", "25", "--json")
    assert code == 0, err
    text = json.loads(out, parse_float=str)["magnetization"]
    with mpmath.workdps(40):
        m = mpmath.mpf(text)
        assert abs(m - yang("2.2691853", 25)) < mpmath.mpf(10) ** -24
        # the double nearest 2.2691853 gives a value wrong from the 10th digit
        assert abs(yang(2.2691853, 25) - yang("2.2691853", 25)) > mpmath.mpf(10) ** -11


def test_exact_precision_reads_the_decimal_range_points(capsys):
    code, out, err = run(
        capsys, "exact", "ising2d", "T=2.2691851:2.2691853:3", "--precision", "25", "--json"
    )
    assert code == 0, err
    points = json.loads(out, parse_float=str)["points"]
    for pt, T in zip(points, ["2.2691851", "2.2691852", "2.2691853"], strict=True):
        with mpmath.workdps(40):
            assert abs(mpmath.mpf(pt["magnetization"]) - yang(T, 25)) < mpmath.mpf(10) ** -24


def test_api_exact_precision_takes_decimal_text():
    r = sm.exact("ising2d", T="2.2691853", precision=25)
    with mpmath.workdps(40):
        assert abs(r["magnetization"] - yang("2.2691853", 25)) < mpmath.mpf(10) ** -24


def brute_force_torus(L, T, J, h):
    """Every configuration of an L x L torus: F/N, <m>, dm/dh, <|m|> in mpmath."""
    n = L * L
    with mpmath.workdps(40):
        T, J, h = mpmath.mpf(T), mpmath.mpf(J), mpmath.mpf(h)
        z = s1 = s2 = sa = mpmath.mpf(0)
        for bits in range(2**n):
            s = [1 if bits >> i & 1 else -1 for i in range(n)]
            bonds = sum(
                s[r * L + c] * (s[r * L + (c + 1) % L] + s[((r + 1) % L) * L + c])
                for r in range(L)
                for c in range(L)
            )
            M = sum(s)
            w = mpmath.exp((J * bonds + h * M) / T)
            z += w
            s1 += w * M
            s2 += w * M * M
            sa += w * abs(M)
        m1, m2 = s1 / z / n, s2 / z / n**2
        return {
            "free_energy_per_spin": -T * mpmath.log(z) / n,
            "magnetization": m1,
            "susceptibility_per_spin": n * (m2 - m1**2) / T,
            "abs_magnetization": sa / z / n,
        }


def test_exact_precision_in_a_field_is_computed_in_mpmath():
    # before: the enumerated torus in a field came back as float64 under --precision
    r = sm.exact("ising2d", L=3, T="2", h="0.1", precision=30)
    ref = brute_force_torus(3, "2", "1", "0.1")
    with mpmath.workdps(40):
        for k, v in ref.items():
            assert abs(r[k] - v) < mpmath.mpf(10) ** -28 * max(1, abs(v)), k


# -- item 8: a validation that compares nothing does not pass -----------------


def test_validate_with_nothing_to_compare_is_refused(capsys):
    code, out, err = run(capsys, "validate", "ising2d", "L=6", "T=2.0", "h=0.15", "--json")
    assert code == 2 and one_line(err) and out == ""
    assert "in a field" in err and "h=0" in err and "L <= 5" in err


def test_a_comparison_of_nothing_has_not_passed():
    from statmech.numeric.compare import Comparison

    assert not Comparison((), "nowhere").passed()


# -- item 5: two susceptibilities, two names ------------------------------------


def brute_force_ring(N, T, J, h):
    """Every configuration of a ring: <E>/N, C/N, <m>, dm/dh, <|m|>, N(<m^2>-<|m|>^2)/T."""
    with mpmath.workdps(30):
        T, J, h = mpmath.mpf(T), mpmath.mpf(J), mpmath.mpf(h)
        z = se = se2 = s1 = s2 = sa = mpmath.mpf(0)
        for s in itertools.product((-1, 1), repeat=N):
            E = -J * sum(s[i] * s[(i + 1) % N] for i in range(N)) - h * sum(s)
            m = mpmath.mpf(sum(s)) / N
            w = mpmath.exp(-E / T)
            z += w
            se += w * E
            se2 += w * E * E
            s1 += w * m
            s2 += w * m * m
            sa += w * abs(m)
        e, e2, m1, m2, am = se / z, se2 / z, s1 / z, s2 / z, sa / z
        return {
            "free_energy_per_spin": float(-T * mpmath.log(z) / N),
            "energy_per_spin": float(e / N),
            "heat_capacity_per_spin": float((e2 - e * e) / (N * T * T)),
            "magnetization": float(m1),
            "susceptibility_per_spin": float(N * (m2 - m1 * m1) / T),
            "abs_magnetization": float(am),
            "susceptibility_abs_m": float(N * (m2 - am * am) / T),
        }


def test_two_susceptibilities_have_two_names():
    # the ring of the issue: N(<m^2> - <|m|>^2)/T = 0.277 and dm/dh = 0.689
    ref = brute_force_ring(10, 0.8, 1.0, 0.2)
    assert ref["susceptibility_abs_m"] == pytest.approx(0.2771, abs=1e-4)
    assert ref["susceptibility_per_spin"] == pytest.approx(0.6893, abs=1e-4)
    ex = sm.exact("ising1d", N=10, T=0.8, h=0.2)
    assert ex["susceptibility_per_spin"] == pytest.approx(ref["susceptibility_per_spin"], rel=1e-12)
    values, _ = sm.reference("ising1d", N=10, T=0.8, h=0.2)
    for k in ("susceptibility_abs_m", "susceptibility_per_spin", "magnetization"):
        assert values[k] == pytest.approx(ref[k], rel=1e-10), k
    assert values["susceptibility"] == values["susceptibility_abs_m"]  # the old key, its meaning


def test_validate_in_a_field_compares_each_susceptibility_with_its_own():
    v = sm.validate("ising1d", N=10, T=0.8, h=0.2, sweeps=1000, replicas=8)
    rows = {r["quantity"]: r for r in v.rows}
    ref = brute_force_ring(10, 0.8, 1.0, 0.2)
    assert "susceptibility" not in rows  # no row under the ambiguous name
    for k in ("susceptibility_abs_m", "susceptibility_per_spin", "magnetization"):
        assert rows[k]["exact"] == pytest.approx(ref[k], rel=1e-10), k
    run = v.simulations[0]
    chi = run.observables["susceptibility_per_spin"]
    assert abs(chi.mean - run.observables["susceptibility_abs_m"].mean) > 0.1
    assert (
        run.to_dict()["observables"]["susceptibility"]
        == run.to_dict()["observables"]["susceptibility_abs_m"]
    )


def test_simulate_text_names_both_susceptibilities(capsys):
    code, out, err = run(
        capsys,
        "simulate",
        "ising1d",
        "N=10",
        "T=0.8",
        "h=0.2",
        "--sweeps",
        "300",
        "--replicas",
        "2",
    )
    assert code == 0, err
    names = [line.split()[0] for line in out.splitlines()[3:] if line.strip()]
    assert "susceptibility_abs_m" in names and "susceptibility_per_spin" in names
    assert "susceptibility" not in names


# -- item 1: mean field on exactly solved models says what it is -------------------


@pytest.mark.parametrize(
    ("argv", "exact_m"),
    [
        (("ising1d", "T=1"), 0.0),  # a chain cannot order
        (("ising2d", "T=2"), None),  # Yang's m, computed below
    ],
)
def test_solve_names_the_approximation_and_shows_the_exact_value(capsys, argv, exact_m):
    if exact_m is None:
        with mpmath.workdps(30):
            exact_m = float((1 - mpmath.sinh(mpmath.mpf(2) / 2) ** -4) ** (mpmath.mpf(1) / 8))
    code, out, err = run(capsys, "solve", *argv)
    assert code == 0, err
    first = out.splitlines()[0]
    assert "Weiss mean field is an approximation" in first
    assert all("Weiss mean field: m =" in line for line in out.splitlines() if "  m =" in line)
    exact_line = [line for line in out.splitlines() if line.strip().startswith("exact (")]
    assert len(exact_line) == 1
    assert float(exact_line[0].split("m =")[1]) == pytest.approx(exact_m, abs=1e-12)

    code, out, err = run(capsys, "solve", *argv, "--json")
    data = json.loads(out)
    assert data["approximation"] == "Weiss mean field" and data["status"] == "approximation"
    assert data["points"][0]["exact"]["magnetization"] == pytest.approx(exact_m, abs=1e-12)
    api = sm.solve(argv[0], T=float(argv[1].split("=")[1])).to_dict()
    assert api["approximation"] == data["approximation"] and api["status"] == data["status"]
    assert api["points"][0]["exact"] == data["points"][0]["exact"]


def test_solve_on_the_cubic_lattice_gives_the_model_critical_temperature(capsys):
    code, out, err = run(capsys, "solve", "ising3d", "T=5", "--json")
    data = json.loads(out)
    assert data["T_c"] == 6.0 and data["model_T_c"] == pytest.approx(4.5115, abs=1e-4)
    assert "quoted" in data["model_T_c_source"]
    code, out, err = run(capsys, "solve", "ising3d", "T=5")
    assert "approximation" in out.splitlines()[0] and "4.51152" in out.splitlines()[0]


def test_solve_where_mean_field_is_exact_says_so(capsys):
    data = json.loads((run(capsys, "solve", "curie-weiss", "T=0.8", "--json"))[1])
    assert data["status"] == "exact as N -> infinity"
    assert "exact" not in data["points"][0]


# -- item 7: antiferromagnets where the numbers hold for either sign ------------------


def brute_force_chain(N, T, J, h, periodic=True):
    """Every configuration of a ring (or open chain): f, e, c, m, dm/dh per spin."""
    with mpmath.workdps(30):
        T, J, h = mpmath.mpf(T), mpmath.mpf(J), mpmath.mpf(h)
        z = se = se2 = s1 = s2 = mpmath.mpf(0)
        bonds = N if periodic else N - 1
        for s in itertools.product((-1, 1), repeat=N):
            E = -J * sum(s[i] * s[(i + 1) % N] for i in range(bonds)) - h * sum(s)
            M = sum(s)
            w = mpmath.exp(-E / T)
            z, se, se2, s1, s2 = z + w, se + w * E, se2 + w * E * E, s1 + w * M, s2 + w * M * M
        e, m = se / z, s1 / z
        return {
            "free_energy_per_spin": float(-T * mpmath.log(z) / N),
            "energy_per_spin": float(e / N),
            "heat_capacity_per_spin": float((se2 / z - e * e) / (N * T * T)),
            "magnetization": float(m / N),
            "susceptibility_per_spin": float((s2 / z - m * m) / (N * T)),
        }


def test_antiferromagnetic_ring_matches_brute_force(capsys):
    # the reference: f = -0.816443436, e = -0.585398902, c = 0.148464560,
    # m = 0.086874903, chi = dm/dh = 0.199458187
    ref = brute_force_chain(7, 0.6, -0.8, 0.37)
    assert ref["free_energy_per_spin"] == pytest.approx(-0.816443436, abs=1e-9)
    assert ref["susceptibility_per_spin"] == pytest.approx(0.199458187, abs=1e-9)
    code, out, err = run(capsys, "exact", "ising1d", "N=7", "J=-0.8", "T=0.6", "h=0.37", "--json")
    assert code == 0, err
    data = json.loads(out)
    for k, v in ref.items():
        assert data[k] == pytest.approx(v, rel=1e-12, abs=1e-14), k


def test_antiferromagnetic_open_chain_and_infinite_chain():
    ref = brute_force_chain(8, 0.9, -1.3, 0.2, periodic=False)
    r = sm.exact("ising1d", N=8, T=0.9, J=-1.3, h=0.2, boundary="open")
    for k, v in ref.items():
        assert r[k] == pytest.approx(v, rel=1e-12, abs=1e-14), k
    # the infinite chain is the long ring's limit: (lambda_-/lambda_+)^N is tiny at N = 14
    ring = brute_force_chain(14, 2.0, -0.5, 0.3)
    inf = sm.exact("ising1d", T=2.0, J=-0.5, h=0.3)
    for k in ("free_energy_per_spin", "energy_per_spin", "magnetization"):
        assert inf[k] == pytest.approx(ring[k], rel=1e-6), k


def test_antiferromagnetic_torus_is_enumerated_and_closed_forms_refuse():
    ref = brute_force_torus(3, "1.7", "-1", "0.25")
    r = sm.exact("ising2d", L=3, T=1.7, J=-1.0, h=0.25)
    for k, v in ref.items():
        assert r[k] == pytest.approx(float(v), rel=1e-11, abs=1e-14), k
    for kw in ({"T": 2.0}, {"T": 2.0, "L": 8}):
        with pytest.raises(sm.UserError, match="ferromagnet"):
            sm.exact("ising2d", J=-1.0, **kw)


def test_antiferromagnets_simulate_and_validate():
    v = sm.validate("ising1d", N=7, T=0.6, J=-0.8, h=0.37, sweeps=2000, replicas=8, seed=5)
    rows = {r["quantity"]: r for r in v.rows}
    ref = brute_force_chain(7, 0.6, -0.8, 0.37)
    assert rows["energy_per_spin"]["exact"] == pytest.approx(ref["energy_per_spin"], rel=1e-12)
    assert v.passed, v.rows
    v2 = sm.validate("ising2d", L=4, T=2.0, J=-1.0, h=0.3, sweeps=2000, replicas=8, seed=5)
    assert v2.passed and v2.reference == ["statmech.numeric.ising_exact"]


def test_uniform_mean_field_refuses_an_antiferromagnet_with_the_reason(capsys):
    code, _, err = run(capsys, "solve", "ising2d", "J=-1", "T=2")
    assert code == 2 and one_line(err) and "sublattices" in err
    code, _, err = run(capsys, "solve", "mean-field", "J=-1", "T=2")
    assert code == 2 and one_line(err) and "assume J > 0" in err
    # all-to-all couplings have no sublattices: solved, and no transition
    code, out, err = run(capsys, "solve", "curie-weiss", "J=-1", "T=0.5", "--json")
    data = json.loads(out)
    assert code == 0 and data["T_c"] is None
    assert [s["m"] for s in data["points"][0]["solutions"]] == [0.0]


# -- items 10 and 13: runs that are not in equilibrium, or barely move, say so ------


def test_wolff_from_a_random_start_warns_that_it_is_still_drifting():
    # the report: L = 128 at T_c, 200 discarded sweeps of ~2 clusters each, E = -1.18
    # against the exact -1.42, with only "series too short" as a warning
    res = sm.simulate("ising2d", L=128, T=2.269185, algorithm="wolff", sweeps=1000, seed=1)
    drifting = [w for w in res.warnings if "still drifting" in w]
    assert len(drifting) == 1 and "not in equilibrium" in drifting[0]
    assert "give more thermalize=..." in drifting[0] and "--" not in drifting[0]  # the API's


def test_an_equilibrium_run_does_not_warn_of_drift():
    res = sm.simulate("ising2d", L=8, T=3.0, sweeps=2000, replicas=16, seed=2)
    assert not [w for w in res.warnings if "drifting" in w or "stay at one energy" in w]


def test_a_frozen_run_says_the_energy_does_not_change(capsys):
    # the report: L = 8 at T = 1e-9 gave C = 2.6e18 +- 1.6e18 without a word
    code, out, err = run(capsys, "simulate", "ising2d", "L=8", "T=1e-9", "--sweeps", "500")
    assert code == 0
    assert "stay at one energy" in err and "T=1e-09" in err


def test_a_degenerate_ground_state_is_not_called_a_frozen_sampler():
    """The triangular antiferromagnet at low T moves freely among its ground states:
    the energy stays put while moves are accepted, and the warnings say just that."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples/models/triangular_antiferromagnet.py"
    (model,) = sm.load_model_file(str(path))
    res = sm.simulate(model, L=6, T=0.5, sweeps=2000, replicas=4, seed=1)
    assert res.to_dict()["acceptance_rate"] > 0.05
    assert any("stay at one energy" in w for w in res.warnings)
    assert not any("acceptance rate is" in w for w in res.warnings)


def test_drift_statistic():
    from statmech.numeric.stats import drift

    rng = np.random.default_rng(1)
    flat = rng.standard_normal((16, 400))
    assert abs(drift(flat)[2]) < 4
    relaxing = flat + 3 * np.exp(-np.arange(400) / 100.0)
    assert drift(relaxing)[2] < -4.5


def test_curie_weiss_exact_route_matches_brute_force():
    N, T, J, h = 9, 0.8, 1.0, 0.1
    with mpmath.workdps(30):
        T = mpmath.mpf(T)  # the binary 0.8, as the route takes it
        z = se = se2 = s1 = s2 = sa = mpmath.mpf(0)
        for s in itertools.product((-1, 1), repeat=N):
            M = sum(s)
            E = -mpmath.mpf(J) / N * sum(s[i] * s[j] for i in range(N) for j in range(i + 1, N))
            E -= mpmath.mpf(h) * M
            w = mpmath.exp(-E / T)
            z, se, se2 = z + w, se + w * E, se2 + w * E * E
            s1, s2, sa = s1 + w * M, s2 + w * M * M, sa + w * abs(M)
        ref = {
            "free_energy_per_spin": -T * mpmath.log(z) / N,
            "energy_per_spin": se / z / N,
            "heat_capacity_per_spin": (se2 / z - (se / z) ** 2) / (N * T * T),
            "magnetization": s1 / z / N,
            "susceptibility_per_spin": (s2 / z - (s1 / z) ** 2) / (N * T),
            "abs_magnetization": sa / z / N,
        }
    for digits in (None, 25):
        r = sm.exact("curie-weiss", N=N, T=0.8, J=J, h=h, precision=digits)
        assert r.system.startswith("9 spins, all-to-all")
        for k, v in ref.items():
            tol = 1e-12 if digits is None else 1e-22
            assert abs(float(r[k] - v) if digits is None else r[k] - v) < tol * max(1, abs(v)), k


def test_model_critical_temperature_is_given_where_the_equations_are_exact():
    """docs/api.md promises model_T_c wherever the model's derivations give it; the
    all-to-all branch returned before looking (curie-weiss gave None)."""
    cw = sm.solve("curie-weiss", T=0.8).to_dict()
    assert cw["status"] == "exact as N -> infinity" and cw["model_T_c"] == 1.0
    assert sm.solve("bethe", T=2.0, z=4).to_dict()["model_T_c"] == pytest.approx(2.88539008)
