"""Honest error bars in a field: coverage over many seeds.

The cause of the too-small energy error bars in a field (issue 11, item 9): below T_c a
replica now and then visits the metastable state, which flips the -hM part of the
energy.  That slow mode has a small amplitude in the energy, and Sokal's automatic
window, tuned on the energy's own fast decay, stops before its tail: tau_int came out
1.3 where the sum over the tail gives 11.  The signed magnetization sees the same
mode with a large amplitude.  The estimates of a run now share one window, set by the
slowest series measured, and are cross-checked against binning and the replicas' spread.

Every z = (simulated - exact) / error here is against the exact enumeration of the
torus (``statmech.numeric.ising_exact``).  For honest error bars z is about standard
normal: mean z^2 near 1, |z| <= 2 for about 95 % of the seeds.
"""

import math

import numpy as np
import pytest
from statmech.derive import get_model
from statmech.numeric.references import reference_values
from statmech.numeric.simulation import simulate
from statmech.numeric.stats import integrated_time

QUANTITIES = (
    "energy_per_spin",
    "heat_capacity_per_spin",
    "abs_magnetization",
    "magnetization_squared",
    "susceptibility_abs_m",
    "binder",
    "magnetization",
    "susceptibility_per_spin",
)


def coverage(params, seeds, quantities=QUANTITIES, **run):
    """z-scores of every quantity over the seeds, and the energy's z with the old
    error bar (its own automatic window)."""
    model = get_model("ising2d")
    exact, _ = reference_values(model, params)
    zs = {q: [] for q in quantities}
    old, samplers = [], set()
    for seed in seeds:
        res = simulate(model, params, seed=seed, keep_series=True, **run)
        samplers.add(res.sampler)
        for q in quantities:
            zs[q].append(res.observables[q].z(exact[q]))
        e = res.series[0]
        tau, _ = integrated_time(e)
        error = math.sqrt(2 * tau * e.var() / e.size)
        old.append((e.mean() - exact["energy_per_spin"]) / error)
    return {q: np.array(v) for q, v in zs.items()}, np.array(old), samplers


def assert_honest(zs):
    for q, z in zs.items():
        mean_z2 = float(np.mean(z**2))
        inside = float(np.mean(np.abs(z) <= 2))
        # 40 honest z's: mean z^2 is 1 +- 0.22, the fraction inside 2 is 0.95 +- 0.03
        assert mean_z2 <= 1.5, (q, mean_z2, z)
        assert inside >= 0.85, (q, inside, z)
        assert np.abs(z).max() <= 4.0, (q, z)
        assert mean_z2 >= 0.3, (q, mean_z2)  # not absurdly wide either


def test_coverage_in_a_field_below_tc():
    params = {"T": 2.0, "J": 1.0, "h": 0.2, "L": 4}
    zs, old, samplers = coverage(params, range(10, 50), sweeps=1000, replicas=16)
    assert samplers == {"Checkerboard2D"}
    # today's error bars failed here: the energy's own window misses the slow mode
    assert np.mean(old**2) > 1.5 and np.mean(np.abs(old) <= 2) < 0.85
    assert_honest(zs)


def test_coverage_in_a_field_on_an_odd_lattice():
    # L = 5 has no checkerboard: the reference sampler's colouring path
    params = {"T": 2.5, "J": 1.0, "h": 0.1, "L": 5}
    zs, _, samplers = coverage(params, range(10, 40), sweeps=500, replicas=8, thermalize=200)
    assert samplers == {"ReferenceLatticeSampler"}
    assert_honest(zs)


@pytest.mark.slow
def test_coverage_of_the_reported_case():
    # the case of the report: validate ising2d L=4 T=1.7 h=0.3 with seeds 10 to 49 and
    # the default run (16 replicas x 10000 sweeps): the energy's z had std 1.70
    # The signed magnetization and dm/dh are left out here: a metastable visit is rare
    # at T = 1.7 (0.4 % of the time, a few visits per run), and a run that happens to
    # see none has no slow mode to measure (seed 36: z = 8.5 for m).
    params = {"T": 1.7, "J": 1.0, "h": 0.3, "L": 4}
    zs, old, _ = coverage(params, range(10, 50), QUANTITIES[:6], sweeps=10000, replicas=16)
    assert np.std(old) > 1.4
    assert_honest(zs)


def test_a_missed_slow_mode_is_summed_through_the_shared_window():
    # the mechanism, on a synthetic series: a fast mode of large amplitude plus a slow
    # mode of small amplitude; the series' own window stops before the slow tail
    from statmech.numeric.stats import mean_estimate, shared_window

    rng = np.random.default_rng(4)
    r, n, tau_fast, tau_slow = 16, 20000, 1.0, 200.0

    def ar1(tau, size):
        a = math.exp(-1 / tau)
        x = np.empty(size)
        x[:, 0] = rng.standard_normal(size[0])
        noise = rng.standard_normal(size) * math.sqrt(1 - a * a)
        for t in range(1, size[1]):
            x[:, t] = a * x[:, t - 1] + noise[:, t]
        return x

    slow = ar1(tau_slow, (r, n))
    energy = ar1(tau_fast, (r, n)) + 0.3 * slow  # the slow mode, small in the energy
    signed = slow  # ... and large in another series

    # exact tau_int of the energy: variance-weighted taus of its two modes (AR(1):
    # tau_int = (1 + a) / (2 (1 - a)))
    def tau_ar(tau):
        a = math.exp(-1 / tau)
        return (1 + a) / (2 * (1 - a))

    exact_tau = (tau_ar(tau_fast) + 0.09 * tau_ar(tau_slow)) / 1.09
    own = integrated_time(energy)[0]
    shared = mean_estimate(energy, shared_window([energy, signed])).tau_int
    assert own < 0.5 * exact_tau  # the old error bar: too small by sqrt(2) and more
    assert shared == pytest.approx(exact_tau, rel=0.25)
