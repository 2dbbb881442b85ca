"""The fast kernels against plain NumPy with the same random numbers (bit for bit),
determinism across thread counts, exact resume, and the factory's refusals."""

import numba
import numpy as np
import pytest
from statmech.numeric.fast import cluster, kernels2d, lattice, make_fast_sampler
from statmech.numeric.fast.reference import counter_checkerboard_sweep, counter_table_sweep
from statmech.numeric.fast.rng import GAMMA, draw31, draw31_numpy, stream_keys, thresholds
from statmech.numeric.fast.samplers import random_configuration
from statmech.numeric.fast.tables import flip_probabilities, flip_thresholds

ALGS = ("metropolis", "heat-bath", "wolff", "swendsen-wang")


def test_draw31_matches_splitmix64_top_bits():
    # SplitMix64 reference output for seed 0 (first value 0xE220A8397B1DCDAF).
    z = np.uint64(0) + GAMMA * np.uint64(1)
    assert int(z) == 0x9E3779B97F4A7C15
    assert int(draw31_numpy(0, 1)) == 0xE220A8397B1DCDAF >> 33
    assert int(draw31(np.uint64(0), np.uint64(1))) == 0xE220A8397B1DCDAF >> 33


def test_draw31_is_uniform_enough():
    u = draw31_numpy(12345, np.arange(200_000)).astype(np.float64) / 2**31
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / u.size)
    counts = np.histogram(u, bins=16, range=(0, 1))[0]
    chi2 = ((counts - u.size / 16) ** 2 / (u.size / 16)).sum()
    assert chi2 < 45  # 15 dof, p ~ 1e-4


def test_thresholds_cover_certain_and_impossible():
    assert thresholds([0.0, 1.0, 0.5]).tolist() == [0, 2**31, 2**30]
    p = flip_probabilities("heat-bath", 2.0, 1.0, 0.3, 4)
    # heat-bath: p(s, n) + p(-s, n) = 1 (the new spin does not depend on the old one)
    np.testing.assert_allclose(p[0] + p[1], 1.0, rtol=1e-15)
    m = flip_probabilities("metropolis", 2.0, 1.0, 0.3, 4)
    dE = 2 * np.array([-1, 1])[:, None] * (np.arange(-4, 5, 2)[None, :] + 0.3)
    np.testing.assert_allclose(m, np.minimum(1, np.exp(-dE / 2.0)), rtol=1e-15)


def test_pack_unpack_round_trip():
    cfg = random_configuration(stream_keys(3, 2), (6, 6))
    packed = kernels2d.pack(cfg)
    assert packed.shape == (2, 2, 6, 3)
    np.testing.assert_array_equal(kernels2d.unpack(packed), cfg)
    # colour-0 sites have even coordinate sum
    i, x = np.indices((6, 6))
    assert np.array_equal(np.sort(cfg[0][(i + x) % 2 == 0]), np.sort(packed[0, 0].ravel()))


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize("L,h", [(6, 0.0), (8, 0.4), (2, -0.2)])
def test_square_kernel_equals_plain_numpy(algorithm, L, h):
    T, J = 2.3, 1.0
    keys = stream_keys(7, 3)
    cfg = random_configuration(keys, (L, L))
    table = flip_thresholds(algorithm, T, J, h, 4)
    packed = kernels2d.pack(cfg)
    ref = cfg.copy()
    kernels2d.run_sweeps(packed, keys, 0, 5, table)
    for t in range(5):
        counter_checkerboard_sweep(ref, keys, t, table)
    np.testing.assert_array_equal(kernels2d.unpack(packed), ref)
    assert not np.array_equal(ref, cfg)  # something happened


@pytest.mark.parametrize("shape", [(10,), (2,), (4, 4, 4), (2, 4, 2)])
@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
def test_table_kernel_equals_plain_numpy(shape, algorithm):
    keys = stream_keys(11, 2)
    cfg = random_configuration(keys, shape).reshape(2, -1)
    colours, nbr = lattice.colour_sites(shape), lattice.neighbours(shape)
    table = flip_thresholds(algorithm, 1.7, 1.0, 0.25, nbr.shape[1])
    fast, ref = cfg.copy(), cfg.copy()
    lattice.run_sweeps_table(fast, colours, nbr, keys, 3, 4, table)
    for t in range(3, 7):
        counter_table_sweep(ref, colours, nbr, keys, t, table)
    np.testing.assert_array_equal(fast, ref)
    assert not np.array_equal(ref, cfg)


def _run(model, shape, algorithm, sweeps=6, replicas=2):
    s = make_fast_sampler(model, shape, T=2.4, algorithm=algorithm, replicas=replicas)
    return s, s.step(s.init(seed=5), sweeps)


@pytest.mark.parametrize("algorithm", ALGS)
@pytest.mark.parametrize("model,shape", [("ising2d", (16, 16)), ("ising3d", (4, 4, 4))])
def test_same_seed_same_result_serial_or_threaded(monkeypatch, algorithm, model, shape):
    """Serial and threaded kernels, on 1 or 2 threads, give the same configurations."""
    before = numba.get_num_threads()
    results = []
    for threaded, threads in ((False, 1), (True, 1), (True, before)):
        monkeypatch.setattr(kernels2d, "PARALLEL_MIN_SITES", 0 if threaded else 1 << 62)
        monkeypatch.setattr(cluster, "PARALLEL_MIN_WORK", 0 if threaded else 1 << 62)
        numba.set_num_threads(threads)
        try:
            s, st = _run(model, shape, algorithm, replicas=3)
        finally:
            numba.set_num_threads(before)
        results.append(np.asarray(s.configuration(st)))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])
    _, c = _run(model, shape, algorithm, sweeps=0, replicas=3)
    assert not np.array_equal(results[0], s.configuration(c))


@pytest.mark.parametrize("algorithm", ALGS)
@pytest.mark.parametrize(
    "model,shape", [("ising2d", (8, 8)), ("ising1d", (12,)), ("ising3d", (4, 4, 4))]
)
def test_resume_from_state_dict_is_exact(model, shape, algorithm):
    s = make_fast_sampler(model, shape, T=2.0, algorithm=algorithm, replicas=3)
    whole = s.step(s.init(seed=9), 8)
    half = s.step(s.init(seed=9), 3)
    d = s.state_dict(half)
    assert d["spins"].shape == (3, *shape) and d["spins"].dtype == np.int8
    again = make_fast_sampler(model, shape, T=2.0, algorithm=algorithm, replicas=3)
    resumed = again.step(again.load_state_dict(d), 5)
    np.testing.assert_array_equal(s.configuration(whole), again.configuration(resumed))
    assert resumed.sweeps == whole.sweeps == 8


def test_state_dict_of_another_sampler_is_refused():
    s, st = _run("ising2d", (8, 8), "metropolis")
    other = make_fast_sampler("ising2d", (8, 8), T=2.4, algorithm="heat-bath", replicas=2)
    with pytest.raises(ValueError, match="algorithm"):
        other.load_state_dict(s.state_dict(st))


def test_protocol_attributes():
    s, st = _run("ising2d", (8, 8), "metropolis", replicas=4)
    assert (s.name, s.model_name, s.shape, s.replicas, s.backend) == (
        "metropolis",
        "ising2d",
        (8, 8),
        4,
        "numpy",
    )
    assert s.attempted_flips_per_sweep == 4 * 64
    c = s.configuration(st)
    assert c.dtype == np.int8 and set(np.unique(c)) <= {-1, 1}


def test_unsupported_combinations_raise_not_implemented():
    with pytest.raises(NotImplementedError):
        make_fast_sampler("ising1d", (7,), T=1.0)  # odd ring: no checkerboard
    with pytest.raises(NotImplementedError):
        make_fast_sampler("ising2d", (8, 8), T=2.0, h=0.1, algorithm="wolff")
    with pytest.raises(NotImplementedError):
        make_fast_sampler("curie-weiss", (8,), T=2.0)
    with pytest.raises(NotImplementedError):
        make_fast_sampler("ising2d", (8, 8), T=2.0, algorithm="wolff", backend="cupy")
    with pytest.raises(ValueError, match="temperature"):
        make_fast_sampler("ising2d", (8, 8), T=-1.0)
    with pytest.raises(ValueError, match="algorithm"):
        make_fast_sampler("ising2d", (8, 8), T=1.0, algorithm="glauber-dynamics")


@pytest.mark.parametrize("L", [2, 6, 16])
def test_wolff_square_arithmetic_equals_neighbour_table(L):
    """The L x L Wolff path computes neighbours; it must match the table path exactly."""
    keys = stream_keys(4, 2)
    start = random_configuration(keys, (L, L)).reshape(2, -1)
    nbr = lattice.neighbours((L, L))
    thr = np.uint32(thresholds(1 - np.exp(-2 / 2.3)))
    out = []
    for square_L in (0, L):
        sp = start.copy()
        ctr = np.zeros(2, dtype=np.uint64)
        flipped = np.zeros(2, dtype=np.int64)
        cluster.wolff_clusters(sp, nbr, keys, ctr, flipped, 25, thr, square_L)
        out.append((sp, ctr, flipped))
    for a, b in zip(out[0], out[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert out[0][2].sum() > 25


def _splitmix64(key, counter):
    """The full SplitMix64 output for ``(key, counter)``, in Python integers."""
    mask = (1 << 64) - 1
    z = (int(key) + int(GAMMA) * int(counter)) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def _wolff_by_hand(sp, nbr, key, ctr, nclusters, thr):
    """Wolff clusters grown as documented in numeric.fast.cluster, one bond at a time.

    Per cluster: the seed from the draw at the running counter; then each site,
    in the order it joined the cluster, takes d counters whose hashes give the
    bond draws to its 2 d neighbours (top 31 bits, then low 31 bits).
    """
    n, z = nbr.shape
    flipped = 0
    for _ in range(nclusters):
        seed = ((_splitmix64(key, ctr) >> 33) * n) >> 31
        ctr += 1
        old = sp[seed]
        sp[seed] = -old
        members = [seed]
        for i in members:  # grows while iterating: first in, first out
            for b in range(z):
                word = _splitmix64(key, ctr + b // 2)
                u = word >> 33 if b % 2 == 0 else word & ((1 << 31) - 1)
                j = nbr[i, b]
                if sp[j] == old and u < thr:
                    sp[j] = -old
                    members.append(j)
            ctr += z // 2
        flipped += len(members)
    return ctr, flipped


@pytest.mark.parametrize("shape", [(4, 4), (6, 6), (2, 2), (4, 2, 2), (10,)])
def test_wolff_kernel_equals_growth_by_hand(shape):
    """Both Wolff paths (arithmetic L x L and neighbour table) follow the documented draws."""
    keys = stream_keys(21, 2)
    start = random_configuration(keys, shape).reshape(2, -1)
    nbr = lattice.neighbours(shape)
    thr = int(thresholds(1 - np.exp(-2 / 2.1)))
    expected = []
    for r in range(2):
        sp = start[r].astype(np.int64)
        ctr, flipped = _wolff_by_hand(sp, nbr, keys[r], 7, 12, thr)
        expected.append((sp, ctr, flipped))
    square = len(shape) == 2 and shape[0] == shape[1]
    for square_L in (0, shape[0]) if square else (0,):
        sp = start.copy()
        ctr = np.full(2, 7, dtype=np.uint64)
        flipped = np.zeros(2, dtype=np.int64)
        cluster.wolff_clusters(sp, nbr, keys, ctr, flipped, 12, np.uint32(thr), square_L)
        for r in range(2):
            np.testing.assert_array_equal(sp[r], expected[r][0])
            assert (int(ctr[r]), int(flipped[r])) == expected[r][1:]
    assert sum(e[2] for e in expected) > 2 * 12  # clusters grew beyond their seeds


@pytest.mark.parametrize(
    "algorithm,L,h", [("metropolis", 4, 0.2), ("heat-bath", 6, 0.0), ("metropolis", 2, 0.0)]
)
def test_cubic_kernel_equals_neighbour_table_kernel(algorithm, L, h):
    from statmech.numeric.fast import kernels3d

    keys = stream_keys(13, 2)
    cfg = random_configuration(keys, (L, L, L))
    np.testing.assert_array_equal(kernels3d.unpack(kernels3d.pack(cfg)), cfg)
    table = flip_thresholds(algorithm, 4.5, 1.0, h, 6)
    packed = kernels3d.pack(cfg)
    kernels3d.run_sweeps(packed, keys, 1, 3, table)
    ref = cfg.reshape(2, -1).copy()
    for t in range(1, 4):
        counter_table_sweep(
            ref, lattice.colour_sites((L,) * 3), lattice.neighbours((L,) * 3), keys, t, table
        )
    np.testing.assert_array_equal(kernels3d.unpack(packed).reshape(2, -1), ref)


def test_random_configuration_is_the_documented_counter_draw():
    from statmech.numeric.fast.rng import draw31_numpy
    from statmech.numeric.fast.samplers import INIT_COUNTER

    keys = stream_keys(17, 3)
    cfg = random_configuration(keys, (4, 6))
    for r in range(3):
        u = draw31_numpy(keys[r], INIT_COUNTER + np.arange(24, dtype=np.uint64))
        np.testing.assert_array_equal(cfg[r].ravel(), np.where(u < 2**30, 1, -1))
    assert abs(cfg.mean()) < 0.3
