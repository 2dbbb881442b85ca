"""Measurement inside the compiled loops: the same numbers as sweeping, then measuring.

``tests/data/fast_series_e18f74f.npz`` holds the energy and magnetisation series of
:func:`series` below as computed by commit e18f74f, the last one that measured from
Python after every sweep (``sampler.step`` then ``compiled.measure``); the run loop
now measures inside the kernels, in blocks.  Same seeds, same numbers: bit for bit
at ``h = 0`` and wherever the reference sampler runs; in a field the fast path's
energy adds the site term as one product ``b M`` where the old path summed it site
by site, so those energies may differ in the last digit (checked to 1e-15).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from statmech.numeric.fast import cluster, kernels2d
from statmech.numeric.samplers import make_sampler
from statmech.numeric.simulation import simulate

DATA = Path(__file__).parent / "data" / "fast_series_e18f74f.npz"

CASES = {
    "ising2d_metropolis": ("ising2d", {"L": 8, "T": 2.3}, "metropolis", 3, {}),
    "ising2d_heatbath_h": ("ising2d", {"L": 8, "T": 2.0, "h": 0.1}, "heat-bath", 2, {}),
    "ising3d_metropolis": ("ising3d", {"L": 4, "T": 4.5}, "metropolis", 2, {}),
    "ising1d_metropolis": ("ising1d", {"N": 10, "T": 1.5, "h": 0.2}, "metropolis", 2, {}),
    "ising1d_heatbath": ("ising1d", {"N": 10, "T": 1.5}, "heat-bath", 2, {}),
    "ising1d_heatbath_h": ("ising1d", {"N": 10, "T": 1.5, "h": 0.2}, "heat-bath", 2, {}),
    "ising2d_wolff": ("ising2d", {"L": 8, "T": 2.3}, "wolff", 3, {}),
    "ising2d_sw": ("ising2d", {"L": 6, "T": 2.3}, "swendsen-wang", 2, {}),
    "ising3d_wolff": ("ising3d", {"L": 4, "T": 4.5}, "wolff", 2, {}),
    "ladder": (
        "ising2d",
        {"L": 8},
        "metropolis",
        2,
        {"temperatures": [2.0, 2.3, 2.6], "exchange_every": 5},
    ),
    "ladder_wolff": (
        "ising2d",
        {"L": 8},
        "wolff",
        2,
        {"temperatures": [2.0, 2.6], "exchange_every": 4},
    ),
}
#: every: sweeps (400 and 250 measurements: blocks of 12 and 7 between counted sweeps)
RUNS = {1: 400, 2: 500}
IN_A_FIELD = ("ising1d_heatbath_h", "ising2d_heatbath_h")


def series(name):
    model, params, alg, R, kw = CASES[name]
    out = {}
    for every, sweeps in RUNS.items():
        r = simulate(
            model,
            params,
            sweeps=sweeps,
            replicas=R,
            seed=7,
            algorithm=alg,
            thermalize=20,
            every=every,
            keep_series=True,
            **kw,
        )
        out[f"{name}_every{every}_e"], out[f"{name}_every{every}_m"] = r.series
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_same_series_as_before_measurement_moved_into_the_kernels(name):
    with np.load(DATA) as ref:
        for key, got in series(name).items():
            want = ref[key]
            assert got.shape == want.shape
            if key.endswith("_e") and name in IN_A_FIELD:
                np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
            else:
                np.testing.assert_array_equal(got, want)


FAST = [
    ("ising2d", {"L": 8, "T": 2.3}, "metropolis"),
    ("ising2d", {"L": 2, "T": 2.3}, "heat-bath"),
    ("ising2d", {"L": 6, "T": 2.0, "h": 0.3}, "heat-bath"),
    ("ising3d", {"L": 4, "T": 4.5}, "metropolis"),
    ("ising1d", {"N": 10, "T": 1.5}, "heat-bath"),
    ("ising2d", {"L": 8, "T": 2.3}, "wolff"),
    ("ising2d", {"L": 2, "T": 2.3}, "wolff"),
    ("ising3d", {"L": 4, "T": 4.5}, "wolff"),
    ("ising2d", {"L": 6, "T": 2.3}, "swendsen-wang"),
    ("ising3d", {"L": 2, "T": 4.5}, "swendsen-wang"),
]


def _loop(s, st, every, count):
    """The old way: ``step`` then the compiled form's measurement, from Python."""
    e = np.empty((s.replicas, count))
    m = np.empty((s.replicas, count))
    for k in range(count):
        s.step(st, every)
        e[:, k], m[:, k] = s.compiled.measure(s.configuration(st))
    return e, m


@pytest.mark.parametrize("model,params,alg", FAST)
def test_sample_matches_step_then_measure(model, params, alg):
    s = make_sampler(model, params, alg, 3)
    assert s.implementation == "fast"
    a, b = s.init(5), s.init(5)
    e, m = np.empty((3, 7)), np.empty((3, 7))
    s.sample(a, 2, 7, e, m)
    e0, m0 = _loop(s, b, 2, 7)
    exact = params.get("h", 0.0) == 0.0
    if exact:
        np.testing.assert_array_equal(e, e0)
    else:
        np.testing.assert_allclose(e, e0, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(m, m0)
    assert a.sweeps == b.sweeps == 14
    np.testing.assert_array_equal(s.configuration(a), s.configuration(b))
    for key, value in b.extra.items():  # Wolff: stream positions and flipped spins
        np.testing.assert_array_equal(a.extra[key], value)


def test_sample_with_two_temperatures_runs_each_group():
    s = make_sampler("ising2d", {"L": 8}, "wolff", 2, temperatures=[2.0, 3.0], exchange_every=0)
    assert len(s.groups) == 2
    a, b = s.init(3), s.init(3)
    e, m = np.empty((4, 5)), np.empty((4, 5))
    s.sample(a, 1, 5, e, m)
    e0, m0 = _loop(s, b, 1, 5)
    np.testing.assert_array_equal(e, e0)
    np.testing.assert_array_equal(m, m0)


@pytest.mark.parametrize(
    "model,shape", [("ising2d", {"L": 2}), ("ising2d", {"L": 10}), ("ising3d", {"L": 4})]
)
def test_compiled_sums_equal_the_compiled_form(model, shape):
    """The kernels' bond and spin sums on random configurations, every sampler layout."""
    rng = np.random.default_rng(0)
    for alg in ("metropolis", "wolff", "swendsen-wang"):
        s = make_sampler(model, {**shape, "T": 3.0}, alg, 4)
        config = np.where(rng.random((4, *s.shape)) < 0.3, 1, -1).astype(np.int8)
        d = s.state_dict(s.init(1))
        d["spins"] = config
        st = s.load_state_dict(d)
        e, m = s.measure(st)
        e0, m0 = s.compiled.measure(config)
        np.testing.assert_array_equal(e, e0)
        np.testing.assert_array_equal(m, m0)


THREADED = [
    ("ising2d", {"L": 8, "T": 2.3}, "metropolis"),
    ("ising3d", {"L": 4, "T": 4.5}, "heat-bath"),
    ("ising1d", {"N": 12, "T": 1.5}, "heat-bath"),
    ("ising2d", {"L": 8, "T": 2.3}, "wolff"),
    ("ising2d", {"L": 8, "T": 2.3}, "swendsen-wang"),
]


def test_threaded_kernels_give_the_same_numbers(monkeypatch):
    """The parallel measuring kernels (forced on small lattices) against the serial ones."""
    runs = {}
    for threaded in (False, True):
        if threaded:
            monkeypatch.setattr(kernels2d, "PARALLEL_MIN_SITES", 0)
            monkeypatch.setattr(cluster, "PARALLEL_MIN_WORK", 0)
        for case in THREADED:
            s = make_sampler(*case, 3)
            st = s.init(2)
            e, m = np.empty((3, 6)), np.empty((3, 6))
            s.sample(st, 2, 6, e, m)
            runs[threaded, case[0], case[2]] = (e, m, s.configuration(st))
    for model, _, alg in THREADED:
        for x, y in zip(runs[False, model, alg], runs[True, model, alg], strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("L", [2, 4, 6, 10])
def test_square_swendsen_wang_is_the_table_kernel(L):
    """The square-lattice Swendsen-Wang (interior bonds by selects, wrap-around bonds
    after) gives the same clusters, flips and numbers as the neighbour-table one."""
    from statmech.numeric.fast.lattice import forward_neighbours
    from statmech.numeric.fast.rng import stream_keys, thresholds

    fwd = forward_neighbours((L, L))
    keys = stream_keys(4, 3)
    rng = np.random.default_rng(L)
    start = np.where(rng.random((3, L * L)) < 0.5, 1, -1).astype(np.int8)
    for T in (1.5, 2.3, 5.0):
        thr = np.uint32(thresholds(1.0 - np.exp(-2.0 / T)))
        a, b = start.copy(), start.copy()
        cluster.swendsen_wang_sweeps(a, fwd, keys, 3, 25, thr, square_L=L)
        cluster.swendsen_wang_sweeps(b, fwd, keys, 3, 25, thr)
        np.testing.assert_array_equal(a, b)
