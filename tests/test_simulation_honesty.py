"""A run says when it is not thermalised, how much a cluster sweep really flips, and
when its single-site moves are almost never accepted (issue 11, items 10, 11, 13)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from statmech.numeric.samplers import make_sampler
from statmech.numeric.simulation import simulate, thermalisation_drift

T_C = 2.269185


def _thermalisation_warnings(res):
    return [w for w in res.warnings if w.startswith("not thermalised")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_wolff_from_a_random_start_with_too_few_discarded_sweeps_says_so(seed):
    # 20 discarded sweeps of 2 clusters each leave a 32 x 32 torus at T_c far from
    # equilibrium (E/N about -1.25 against about -1.42): the run must say so.
    res = simulate(
        "ising2d",
        {"L": 32, "T": T_C},
        sweeps=60,
        thermalize=20,
        replicas=8,
        seed=seed,
        algorithm="wolff",
    )
    assert res.observables["energy_per_spin"].mean > -1.36  # the bias is there
    (w,) = _thermalisation_warnings(res)
    assert "drifted from" in w and w.endswith("run more sweeps or thermalize=80")
    # the command line asks for its flags: the same run, the same words otherwise
    spec = dict(sweeps=60, thermalize=20, replicas=8, seed=seed, algorithm="wolff")
    flagged = simulate("ising2d", {"L": 32, "T": T_C}, **spec, spelling="flag")
    assert _thermalisation_warnings(flagged) == [w.replace("thermalize=80", "--thermalize 80")]


@pytest.mark.parametrize("seed", range(1, 6))
def test_no_false_alarm_when_thermalised(seed):
    metropolis = simulate("ising2d", {"L": 16, "T": 2.5}, sweeps=500, replicas=8, seed=seed)
    assert _thermalisation_warnings(metropolis) == []
    wolff = simulate(
        "ising2d",
        {"L": 16, "T": T_C},
        sweeps=200,
        thermalize=200,
        replicas=8,
        seed=seed,
        algorithm="wolff",
    )
    assert _thermalisation_warnings(wolff) == []
    field = simulate("ising2d", {"L": 8, "T": 3.0, "h": 0.2}, sweeps=400, replicas=8, seed=seed)
    assert _thermalisation_warnings(field) == []


def test_thermalisation_drift_is_blind_to_a_constant_and_sees_a_trend():
    rng = np.random.default_rng(5)
    flat = rng.normal(-1.4, 0.05, size=(8, 64))
    assert abs(thermalisation_drift(flat)[2]) < 4.5
    trend = flat + np.linspace(0.5, 0.0, 64)
    assert thermalisation_drift(trend)[2] < -4.5
    assert thermalisation_drift(flat[:3]) is None  # too few replicas: no verdict


def test_thermalisation_series_survives_a_checkpoint(tmp_path):
    args = dict(sweeps=60, thermalize=20, replicas=8, seed=1, algorithm="wolff")
    path = tmp_path / "run.npz"
    calls = {"n": 0}

    def stop(done, total, running):
        calls["n"] += 1
        if calls["n"] == 5:  # during the discarded sweeps
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate("ising2d", {"L": 32, "T": T_C}, **args, checkpoint=path, progress=stop)
    resumed = simulate("ising2d", {"L": 32, "T": T_C}, **args, checkpoint=path)
    whole = simulate("ising2d", {"L": 32, "T": T_C}, **args)
    assert _thermalisation_warnings(resumed) == _thermalisation_warnings(whole) != []
    assert resumed.mean_cluster_size == whole.mean_cluster_size


def test_wolff_reports_the_spins_it_really_flips():
    L = 32
    res = simulate(
        "ising2d",
        {"L": L, "T": T_C},
        sweeps=100,
        thermalize=300,
        replicas=4,
        seed=2,
        algorithm="wolff",
    )
    s = make_sampler("ising2d", {"L": L, "T": T_C}, "wolff", 4, "numpy")
    st = s.step(s.init(2), 300)
    before = int(st.extra["flipped"].sum())
    s.step(st, 100)
    flipped = int(st.extra["flipped"].sum()) - before
    clusters = 100 * 4 * s.clusters_per_sweep
    assert res.clusters_per_sweep == s.clusters_per_sweep
    assert res.mean_cluster_size == pytest.approx(flipped / clusters)
    # a sweep flips clusters_per_sweep x mean_cluster_size spins, not L^2 of them
    assert res.clusters_per_sweep * res.mean_cluster_size < 0.9 * L * L
    assert res.spins_flipped_per_ns == res.flips_per_ns > 0
    d = json.loads(json.dumps(res.to_dict()))
    for key in ("spins_flipped_per_ns", "clusters_per_sweep", "mean_cluster_size"):
        assert d[key] == getattr(res, key)
    assert d["acceptance_rate"] is None  # cluster moves are always accepted


def test_acceptance_rate_is_reported_and_matches_an_exact_count():
    res = simulate("ising2d", {"L": 8, "T": 2.5}, sweeps=300, replicas=4, seed=3)
    assert 0.1 < res.acceptance_rate < 0.6
    assert res.to_dict()["acceptance_rate"] == res.acceptance_rate
    # the counted sweep changes nothing in the configurations, and counts exactly
    s = make_sampler("ising2d", {"L": 8, "T": 2.5}, "metropolis", 2, "numpy")
    a, b = s.init(4), s.init(4)
    s.step(a, 5)
    before = np.array(s.configuration(a)).copy()
    s.step(a, 1, count=True)
    s.step(b, 6)
    assert np.array_equal(s.configuration(a), s.configuration(b))
    changed = int((np.array(s.configuration(a)) != before).sum())
    assert s.changed_fraction(a) == changed / (2 * 64)


@pytest.mark.parametrize("reference", [False, True])
def test_frozen_sampler_warns_about_its_acceptance(reference):
    # At T = 1e-9 in a field no move lowers the energy of a local minimum: the
    # replicas freeze where they land and nothing is accepted any more.
    res = simulate(
        "ising2d", {"L": 8, "T": 1e-9, "h": 0.1}, sweeps=300, replicas=4, reference=reference
    )
    assert res.acceptance_rate < 1e-5
    assert any(w.startswith("the acceptance rate is 0") for w in res.warnings)
    fine = simulate("ising2d", {"L": 8, "T": 1.5}, sweeps=300, replicas=4, reference=reference)
    assert not any("acceptance rate" in w for w in fine.warnings)


@pytest.mark.parametrize(
    "model, params, algorithm",
    [
        ("ising2d", {"L": 8, "T": 2.5}, "metropolis"),
        ("ising2d", {"L": 8, "T": 2.5}, "wolff"),
        ("curie-weiss", {"N": 20, "T": 0.9}, "metropolis"),
    ],
)
def test_device_batches_give_the_same_series(monkeypatch, tmp_path, model, params, algorithm):
    # The CuPy path gathers measurements in device buffers and copies them in batches;
    # run on NumPy it must give the very same series, through a checkpoint too.
    from statmech.numeric import simulation

    args = dict(sweeps=50, thermalize=20, replicas=4, seed=7, algorithm=algorithm)
    args["keep_series"] = True
    plain = simulate(model, params, **args)
    monkeypatch.setattr(simulation, "BATCH_ON_HOST", True)
    monkeypatch.setattr(simulation, "MEASURE_BATCH", 7)
    batched = simulate(model, params, **args)
    for a, b in zip(plain.series, batched.series, strict=True):
        assert np.array_equal(a, b) and not np.isnan(b).any()
    assert batched.as_dict()["observables"] == plain.as_dict()["observables"]

    calls = {"n": 0}

    def stop(done, total, running):
        running()  # the running estimates read only what reached the host
        calls["n"] += 1
        if calls["n"] == 40:  # mid-batch, among the measurements
            raise KeyboardInterrupt

    path = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        simulate(model, params, **args, checkpoint=path, progress=stop)
    resumed = simulate(model, params, **args, checkpoint=path)
    for a, b in zip(plain.series, resumed.series, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("replicas", [1, 2])
def test_few_replicas_check_thermalisation_from_the_autocorrelation_time(replicas):
    # Fewer than 4 replicas: the quarters' errors come from the measurements' tau.
    args = dict(sweeps=300, replicas=replicas, algorithm="wolff")
    bad = simulate("ising2d", {"L": 32, "T": T_C}, thermalize=40, seed=2, **args)
    (w,) = _thermalisation_warnings(bad)
    assert "drifted from" in w
    for seed in range(1, 6):
        good = simulate("ising2d", {"L": 16, "T": T_C}, thermalize=200, seed=seed, **args)
        assert _thermalisation_warnings(good) == []
        metropolis = simulate(
            "ising2d", {"L": 16, "T": 2.5}, sweeps=1000, replicas=replicas, seed=seed
        )
        assert _thermalisation_warnings(metropolis) == []
