"""The compiled parallel tempering of sparse couplings (numeric/spin_glass_lattice.py)
against exact enumeration, beside the array loop that CuPy runs, and its bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest
from statmech.numeric import spin_glass as sg
from statmech.numeric import spin_glass_lattice as sl

TEMPS = np.array([0.6, 0.9, 1.3, 1.9, 2.6])
Z_MAX = 4.5  # |z| beyond this in any of ~10 comparisons: a failure, not a fluctuation


def _ring_lattice(n: int, seed: int, gaussian: bool) -> np.ndarray:
    """A periodic 3 x 3 lattice (odd cycles: no checkerboard) with +-1 or Gaussian bonds."""
    rng = np.random.default_rng(seed)
    k = np.zeros((n * n, n * n))
    for x in range(n):
        for y in range(n):
            i = x * n + y
            for j in (((x + 1) % n) * n + y, x * n + (y + 1) % n):
                v = rng.normal() if gaussian else rng.choice([-1.0, 1.0])
                k[i, j] = k[j, i] = v
    return k


def _z_scores(k, h=0.0, seed=3, copies=24, sweeps=3000, compiled=True):
    ex = sg.enumerate_exact(k, TEMPS, h=h)
    res = sg.parallel_tempering(
        [k] * copies, TEMPS, sweeps=sweeps, seed=seed, h=h, compiled=compiled
    )
    d = res.disorder_average()
    return {name: (d[name][0] - ex[name]) / d[name][1] for name in ("e", "q2")}


@pytest.mark.parametrize(
    "k, h",
    [
        (sg.model_couplings("ea2d", {"L": 4}, 3), 0.0),  # +-J: the integer kernel
        (_ring_lattice(3, 1, gaussian=True), 0.0),  # Gaussian bonds, odd cycles
        (_ring_lattice(3, 2, gaussian=False), 0.4),  # +-J in a field: the float kernel
    ],
)
def test_compiled_pt_matches_enumeration(k, h):
    """Copies of one sample are independent runs: their spread is an honest error bar."""
    z = _z_scores(k, h=h)
    for name, values in z.items():
        assert np.all(np.abs(values) < Z_MAX), (name, values)


def test_integer_form_only_for_one_coupling_unit_and_no_field():
    w = np.array([[[0.5, -0.5, 0.0]]])
    wi, unit = sl._integer_form(w, 0.0)
    assert unit == 0.5 and wi.dtype == np.int8 and wi.tolist() == [[[1, -1, 0]]]
    assert sl._integer_form(w, 0.1) is None
    assert sl._integer_form(np.array([[[0.3, 1.1]]]), 0.0) is None


def test_same_seed_same_numbers_on_any_number_of_threads():
    import numba

    ks = [sg.model_couplings("ea", {"L": 3}, s) for s in range(3)]
    runs = []
    before = numba.get_num_threads()
    for threads in (1, before):
        numba.set_num_threads(threads)
        try:
            runs.append(sg.parallel_tempering(ks, TEMPS, sweeps=50, seed=9))
        finally:
            numba.set_num_threads(before)
    a, b = runs
    for name in ("energy", "q2", "q4", "pq", "acceptance", "round_trips"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = sg.parallel_tempering(ks, TEMPS, sweeps=50, seed=10)
    assert not np.array_equal(a.energy, c.energy)


def test_running_energies_agree_with_exact_ones():
    """The energies the swaps use are running sums; the measured ones are exact."""
    k = _ring_lattice(3, 5, gaussian=True)
    res = sg.parallel_tempering([k] * 2, TEMPS, sweeps=200, seed=1, keep_series=True)
    e = res.series["e"]  # per spin, by temperature
    n = k.shape[0]
    assert e.shape == (200, 2, 2, TEMPS.size)
    # every measured energy is the energy of one of the 2^9 configurations
    spins = sg._spins(n, 0, 2**n)
    energies = np.unique(np.round(-0.5 * np.einsum("si,ij,sj->s", spins, k, spins) / n, 9))
    assert np.isin(np.round(e, 9), energies).all()


def test_bookkeeping_matches_the_array_loop_in_shape_and_sense():
    ks = [sg.model_couplings("ea", {"L": 3}, s) for s in range(2)]
    a = sg.parallel_tempering(ks, TEMPS, sweeps=300, seed=4)
    b = sg.parallel_tempering(ks, TEMPS, sweeps=300, seed=4, compiled=False)
    for name in ("energy", "q2", "pq", "acceptance", "round_trips", "e_min"):
        assert np.shape(getattr(a, name)) == np.shape(getattr(b, name)), name
    assert np.allclose(a.pq.sum(-1), 300) and np.all(a.round_trips > 0)
    assert np.all((a.acceptance > 0) & (a.acceptance <= 1))


def test_compiled_loop_refuses_dense_couplings():
    k = sg.model_couplings("sk", {"N": 20}, 0)  # 19 neighbours: dense
    with pytest.raises(ValueError, match="sparse couplings on NumPy only"):
        sg.parallel_tempering(k, TEMPS, sweeps=5, compiled=True)


def _exact_overlap_moments(k, temps):
    """<q^2> and <q^4> of two independent replicas, by the double sum over all states."""
    n = k.shape[0]
    spins = sg._spins(n, 0, 2**n)
    energy = -0.5 * np.einsum("si,ij,sj->s", spins, k, spins)
    q = spins @ spins.T / n  # (states, states)
    out = []
    for t in temps:
        p = np.exp(-(energy - energy.min()) / t)
        p /= p.sum()
        out.append([p @ (q**2) @ p, p @ (q**4) @ p])
    return np.array(out).T


@pytest.mark.parametrize("gaussian", [False, True])
def test_fourth_moment_of_q_matches_enumeration(gaussian):
    """The Binder cumulant needs <q^4>: checked beside <q^2> on 3 x 3 (both kernels)."""
    k = _ring_lattice(3, 7, gaussian=gaussian)
    q2, q4 = _exact_overlap_moments(k, TEMPS)
    res = sg.parallel_tempering([k] * 24, TEMPS, sweeps=3000, seed=11)
    for exact, got in ((q2, res.q2), (q4, res.q4)):
        z = (got.mean(0) - exact) / (got.std(0, ddof=1) / np.sqrt(got.shape[0]))
        assert np.all(np.abs(z) < Z_MAX), z


def _exact_qk2(k, temps, shape):
    """<|q(k_min)|^2> (mean over the axes) by the double sum over all states."""
    n = k.shape[0]
    spins = sg._spins(n, 0, 2**n)
    energy = -0.5 * np.einsum("si,ij,sj->s", spins, k, spins)
    x = np.indices(shape).reshape(len(shape), -1)
    qk = 0.0
    for d in range(len(shape)):
        phase = np.exp(2j * np.pi * x[d] / shape[d])
        amp = (spins * phase) @ spins.T / n  # sum_i s_i t_i e^{i k x_i} / N
        qk = qk + np.abs(amp) ** 2 / len(shape)
    out = []
    for t in temps:
        p = np.exp(-(energy - energy.min()) / t)
        p /= p.sum()
        out.append(p @ qk @ p)
    return np.array(out)


@pytest.mark.parametrize("compiled", [True, False])
def test_overlap_at_the_smallest_wave_vector_matches_enumeration(compiled):
    """|q(k_min)|^2, behind the correlation length xi/L, in both loops (3 x 3, +-J)."""
    k = _ring_lattice(3, 7, gaussian=False)
    exact = _exact_qk2(k, TEMPS, (3, 3))
    res = sg.parallel_tempering(
        [k] * 24, TEMPS, sweeps=2000, seed=12, shape=(3, 3), compiled=compiled
    )
    got = res.qk2
    z = (got.mean(0) - exact) / (got.std(0, ddof=1) / np.sqrt(got.shape[0]))
    assert np.all(np.abs(z) < Z_MAX), z
    xi, err = res.correlation_length()
    assert xi.shape == TEMPS.shape and np.all(err > 0)
    assert xi[0] > xi[-1]  # longer correlations at low temperature


def test_shape_must_fit_the_sites():
    k = _ring_lattice(3, 7, gaussian=False)
    with pytest.raises(ValueError, match="has 16 sites, not 9"):
        sg.parallel_tempering(k, TEMPS, sweeps=5, shape=(4, 4))


def test_a_runs_streams_are_apart_from_the_couplings_of_the_same_seed():
    """Sample couplings drawn from seed 1 and a run seeded 1 must not share their bits."""
    from statmech.numeric.backend import default_rng
    from statmech.numeric.spin_glass_pt import pt_seed_sequence

    plain = np.random.default_rng(1).random(64)
    assert not np.array_equal(default_rng(pt_seed_sequence(1)).random(64), plain)
    with pytest.raises(ValueError, match="non-negative integer"):
        pt_seed_sequence(-1)


@pytest.mark.parametrize("compiled", [True, False])
def test_progress_is_reported_in_sweeps(compiled):
    seen = []
    k = _ring_lattice(3, 7, gaussian=False)
    sg.parallel_tempering(
        [k] * 2,
        TEMPS,
        sweeps=300,
        thermalization=100,
        seed=1,
        compiled=compiled,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen and all(t == 400 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[0][0] == 0
