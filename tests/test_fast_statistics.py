"""Statistical tests of the fast samplers on systems small enough to enumerate.

Error bars: each replica is an independent chain, so the spread of the replica
means (over R replicas) gives the error of the mean with autocorrelation
included.  Histograms use measurements thinned until their integrated
autocorrelation time is checked to be below 0.75 (nearly independent draws), and
the chi-square p-value must exceed 1e-4.  Seeds are fixed.
"""

import numpy as np
import pytest
from scipy import stats
from statmech.derive.registry import get_model
from statmech.numeric.enumeration import configurations, energy_function, model_thermodynamics
from statmech.numeric.fast import make_fast_sampler
from statmech.numeric.fast.reference import plain_checkerboard_sweep
from statmech.numeric.stats import integrated_time

Z_MAX = 4.0
P_MIN = 1e-4


def exact_states(model_name, shape, params):
    """Energies, magnetisations and probabilities of every state (enumeration order)."""
    model = get_model(model_name)
    n = int(np.prod(shape))
    energy = energy_function(model, shape, params)
    cfg = np.concatenate(list(configurations(n)))
    e = energy(cfg)
    w = np.exp(-(e - e.min()) / params["T"])
    return e, cfg.sum(axis=1), w / w.sum()


def state_index(config):
    """Index of ``(R, ...)`` configurations in :func:`configurations` order."""
    bits = (config.reshape(len(config), -1).astype(np.int64) + 1) // 2
    n = bits.shape[1]
    return bits @ (1 << np.arange(n - 1, -1, -1))


def lattice_energy(config, J, h):
    c = config.astype(np.int64)
    axes = range(1, c.ndim)
    bonds = sum((c * np.roll(c, -1, axis=a)).reshape(len(c), -1).sum(1) for a in axes)
    return -J * bonds - h * c.reshape(len(c), -1).sum(1)


def sample(sampler, seed, burn, measurements, every):
    """``(measurements, R)`` arrays of energy per spin, |m| and state indices."""
    st = sampler.step(sampler.init(seed), burn)
    n = sampler.sites
    E, M, S = [], [], []
    for _ in range(measurements):
        sampler.step(st, every)
        c = np.asarray(sampler.configuration(st))
        E.append(lattice_energy(c, sampler.J, sampler.h) / n)
        M.append(np.abs(c.reshape(len(c), -1).sum(1)) / n)
        S.append(state_index(c) if n <= 20 else np.zeros(len(c), np.int64))
    return np.array(E), np.array(M), np.array(S)


def z_score(series, exact):
    means = series.mean(axis=0)
    err = means.std(ddof=1) / np.sqrt(len(means))
    return (means.mean() - exact) / err


def chi_square_p(observed_index, probs, min_expected=5.0):
    """p-value of observed state indices against exact probabilities (sparse bins merged)."""
    counts = np.bincount(observed_index, minlength=len(probs)).astype(np.float64)
    expected = probs * counts.sum()
    order = np.argsort(expected)
    big = expected[order] >= min_expected
    obs = list(counts[order][big])
    exp = list(expected[order][big])
    if (~big).any():
        obs.append(counts[order][~big].sum())
        exp.append(expected[order][~big].sum())
    obs, exp = np.array(obs), np.array(exp)
    chi2 = ((obs - exp) ** 2 / exp).sum()
    return stats.chi2.sf(chi2, len(obs) - 1)


CASES_4x4 = [
    ("metropolis", 2.5, 0.0, 4),
    ("heat-bath", 2.5, 0.0, 4),
    ("metropolis", 1.8, 0.3, 10),
    ("heat-bath", 3.0, -0.5, 4),
    ("wolff", 2.5, 0.0, 3),
    ("wolff", 2.0, 0.0, 3),
    ("swendsen-wang", 2.5, 0.0, 5),
    ("swendsen-wang", 2.0, 0.0, 5),
]


@pytest.mark.parametrize("algorithm,T,h,every", CASES_4x4)
def test_square_4x4_against_enumeration(algorithm, T, h, every):
    shape, J, R = (4, 4), 1.0, 64
    params = {"T": T, "J": J, "h": h}
    exact = model_thermodynamics(get_model("ising2d"), shape, params)
    s = make_fast_sampler("ising2d", shape, T=T, J=J, h=h, algorithm=algorithm, replicas=R)
    E, M, S = sample(s, seed=2024, burn=100, measurements=400, every=every)
    assert abs(z_score(E, exact["E"] / 16)) < Z_MAX
    assert abs(z_score(M, exact["abs_M"] / 16)) < Z_MAX
    # histogram of (energy, |M|) levels against the exact level weights
    e, m, p = exact_states("ising2d", shape, params)
    levels, level_of_state = np.unique(
        np.stack([np.rint(e).astype(np.int64), np.abs(m).astype(np.int64)]),
        axis=1,
        return_inverse=True,
    )
    probs = np.bincount(level_of_state, weights=p)
    assert integrated_time(E.T)[0] < 0.75
    assert chi_square_p(level_of_state[S.ravel()], probs) > P_MIN


@pytest.mark.parametrize(
    "model,shape,algorithm,T,h,every",
    [
        ("ising1d", (8,), "metropolis", 1.0, 0.2, 8),
        ("ising1d", (8,), "heat-bath", 1.0, 0.0, 4),
        ("ising1d", (8,), "wolff", 1.0, 0.0, 4),
        ("ising1d", (8,), "swendsen-wang", 1.0, 0.0, 5),
        ("ising3d", (2, 2, 2), "metropolis", 5.0, 0.3, 2),
        ("ising3d", (2, 2, 2), "heat-bath", 5.0, 0.0, 2),
        ("ising3d", (2, 2, 2), "wolff", 5.0, 0.0, 1),
        ("ising3d", (2, 2, 2), "swendsen-wang", 5.0, 0.0, 4),
    ],
)
def test_visited_states_against_boltzmann_weights(model, shape, algorithm, T, h, every):
    params = {"T": T, "J": 1.0, "h": h}
    s = make_fast_sampler(model, shape, T=T, h=h, algorithm=algorithm, replicas=32)
    E, M, S = sample(s, seed=77, burn=50, measurements=400, every=every)
    _, _, p = exact_states(model, shape, params)
    assert integrated_time(E.T)[0] < 0.75
    assert chi_square_p(S.ravel(), p) > P_MIN
    exact = model_thermodynamics(get_model(model), shape, params)
    assert abs(z_score(E, exact["E"] / s.sites)) < Z_MAX


def test_wolff_with_size_dependent_sweeps_would_be_biased():
    """Regression: ending a Wolff sweep once n spins have flipped biases the energy.

    Measuring after every single cluster is exact; measuring only at the stopping
    time "total flipped >= n" is not.  The sampler uses a fixed number of
    clusters per sweep, chosen from the parameters alone.
    """
    s = make_fast_sampler("ising2d", (4, 4), T=2.5, algorithm="wolff", replicas=64)
    assert s.clusters_per_sweep >= 1
    exact = model_thermodynamics(get_model("ising2d"), (4, 4), {"T": 2.5, "J": 1.0, "h": 0.0})
    st = s.step(s.init(1), 50)
    biased = []
    for _ in range(300):
        start = st.extra["flipped"].copy()
        done = np.zeros(64, dtype=bool)
        snapshot = np.zeros(64)
        while not done.all():
            # one cluster per replica; record replicas that just crossed n flipped spins
            from statmech.numeric.fast.cluster import wolff_clusters

            wolff_clusters(
                st.spins, s.nbr, st.keys, st.extra["counters"], st.extra["flipped"], 1, s.threshold
            )
            e = lattice_energy(np.asarray(s.configuration(st)), 1.0, 0.0) / 16
            crossed = (st.extra["flipped"] - start >= 16) & ~done
            snapshot[crossed] = e[crossed]
            done |= crossed
        biased.append(snapshot)
    z = z_score(np.array(biased), exact["E"] / 16)
    assert abs(z) > 6  # the stopping rule is visibly biased ...
    E, _, _ = sample(s, seed=3, burn=20, measurements=300, every=1)
    assert abs(z_score(E, exact["E"] / 16)) < Z_MAX  # ... the fixed count is not


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
def test_fast_agrees_with_plain_numpy_reference(algorithm):
    """Fast kernel vs the plain NumPy checkerboard (independent random numbers), L = 8."""
    L, T, R, n_meas = 8, 2.4, 32, 300
    fast = make_fast_sampler("ising2d", (L, L), T=T, algorithm=algorithm, replicas=R)
    Ef, Mf, _ = sample(fast, seed=8, burn=200, measurements=n_meas, every=5)
    rng = np.random.default_rng(8)
    spins = np.where(rng.random((R, L, L)) < 0.5, 1, -1).astype(np.int8)
    Ep, Mp = [], []
    for _ in range(200):
        plain_checkerboard_sweep(spins, T, 1.0, 0.0, algorithm, rng)
    for _ in range(n_meas):
        for _ in range(5):
            plain_checkerboard_sweep(spins, T, 1.0, 0.0, algorithm, rng)
        Ep.append(lattice_energy(spins, 1.0, 0.0) / L**2)
        Mp.append(np.abs(spins.reshape(R, -1).sum(1)) / L**2)
    for a, b in ((Ef, np.array(Ep)), (Mf, np.array(Mp))):
        ma, mb = a.mean(0), b.mean(0)
        z = (ma.mean() - mb.mean()) / np.sqrt(ma.var(ddof=1) / R + mb.var(ddof=1) / R)
        assert abs(z) < Z_MAX


@pytest.mark.slow
@pytest.mark.parametrize("T", [2.0, 2.269185314213022, 3.0])
def test_all_fast_algorithms_agree_at_L16(T):
    """Every fast algorithm against the plain NumPy reference at L = 16 (no enumeration).

    Replica means are independent, so each algorithm's error bar is the spread of
    its replica means; the plain reference gets the same treatment.
    """
    L, R, n = 16, 32, 400
    rng = np.random.default_rng(123)
    spins = np.ones((R, L, L), dtype=np.int8)
    ref_e, ref_m = [], []
    for k in range(300 + n * 10):
        plain_checkerboard_sweep(spins, T, 1.0, 0.0, "heat-bath", rng)
        if k >= 300 and k % 10 == 0:
            ref_e.append(lattice_energy(spins, 1.0, 0.0) / L**2)
            ref_m.append(np.abs(spins.reshape(R, -1).sum(1)) / L**2)
    ref = [np.array(ref_e).mean(0), np.array(ref_m).mean(0)]
    for algorithm, every in (
        ("metropolis", 10),
        ("heat-bath", 10),
        ("wolff", 2),
        ("swendsen-wang", 2),
    ):
        s = make_fast_sampler("ising2d", (L, L), T=T, algorithm=algorithm, replicas=R)
        E, M, _ = sample(s, seed=99, burn=300, measurements=n, every=every)
        for fast, plain in ((E.mean(0), ref[0]), (M.mean(0), ref[1])):
            z = (fast.mean() - plain.mean()) / np.sqrt(fast.var(ddof=1) / R + plain.var(ddof=1) / R)
            assert abs(z) < Z_MAX, (algorithm, z)


@pytest.mark.slow
def test_error_bar_coverage_over_seeds():
    """Over 40 seeds, about 68% of the 4x4 energy estimates lie within one error bar."""
    exact = model_thermodynamics(get_model("ising2d"), (4, 4), {"T": 2.5, "J": 1.0, "h": 0.0})
    inside = 0
    seeds = range(40)
    for seed in seeds:
        s = make_fast_sampler("ising2d", (4, 4), T=2.5, algorithm="metropolis", replicas=16)
        E, _, _ = sample(s, seed=seed, burn=50, measurements=100, every=2)
        inside += abs(z_score(E, exact["E"] / 16)) < 1
    # binomial(40, 0.683): mean 27.3, sd 2.9; accept a +-3.5 sd band
    assert 17 <= inside <= 37
