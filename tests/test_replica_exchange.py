"""Replica exchange (parallel tempering) against exact enumeration, at every temperature of
the ladder, on small frustrated and disordered systems.

Error bars: the copies of the ladder are independent chains, so the spread of the
per-copy time averages (over C copies) gives the error of the mean with the
autocorrelation (swaps included) accounted for; |z| < 4 is required.  Visited-state
histograms use samples thinned until the integrated autocorrelation time of the
overlap with a ground state is below 0.75 (nearly independent draws; checked), and
must give a chi-square p-value above 1e-3.  Seeds are fixed.  The slow variants
(``-m slow``) run longer ladders and the 4 x 4 +-J sample's state histogram.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy import stats as sps
from statmech.derive import symbols as sym
from statmech.derive.interactions import K, s_i, s_j
from statmech.derive.model import (
    TEMPERATURE,
    CouplingData,
    DenseCouplings,
    Hamiltonian,
    Model,
    Parameter,
    ising_spin,
)
from statmech.derive.registry import get_model
from statmech.numeric.compiled import compile_model
from statmech.numeric.enumeration import configurations
from statmech.numeric.samplers import (
    ReferenceDenseSampler,
    ReferenceLatticeSampler,
    ReplicaExchange,
    make_sampler,
)
from statmech.numeric.simulation import simulate
from statmech.numeric.stats import integrated_time

ROOT = Path(__file__).resolve().parent.parent
Z_MAX = 4.0
P_MIN = 1e-3
TAU_MAX = 0.75


def sherrington_kirkpatrick():
    """SK: H = -sum_{i<j} J_ij s_i s_j, J_ij Gaussian with variance J^2 / N (seeded)."""
    s = ising_spin().variable
    seed = sp.Symbol("seed", integer=True, nonnegative=True)
    couplings = DenseCouplings(CouplingData("gaussian"), scale=sym.J / sp.sqrt(sym.N))
    return Model(
        name="sk-test",
        title="Sherrington-Kirkpatrick sample",
        summary="a Gaussian spin-glass sample",
        parameters=(
            TEMPERATURE,
            Parameter(sym.J, "coupling scale", 1.0),
            Parameter(sym.h, "field", 0.0),
            Parameter(sym.N, "spins", 8),
            Parameter(seed, "sample", 0),
        ),
        states=ising_spin(),
        hamiltonian=Hamiltonian(-sym.h * s, -K * s_i * s_j, couplings, s),
        field=sym.h,
    )


def edwards_anderson():
    path = ROOT / "examples" / "models" / "edwards_anderson.py"
    spec = importlib.util.spec_from_file_location("example_ea", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.MODEL


def enumerate_states(compiled):
    """Every configuration's energy (total) and |m| per unit, in enumeration order."""
    cfg = np.concatenate(list(configurations(compiled.n, compiled.values)))
    return np.asarray(compiled.energy(cfg)), np.abs(cfg.mean(axis=1))


def boltzmann(e, T):
    w = np.exp(-(e - e.min()) / T)
    return w / w.sum()


def state_index(spins):
    bits = (np.asarray(spins).reshape(len(spins), -1).astype(np.int64) + 1) // 2
    return bits @ (1 << np.arange(bits.shape[1] - 1, -1, -1))


def chi_square_p(counts, probs):
    expected = probs * counts.sum()
    order = np.argsort(expected)
    obs_bins, exp_bins, o_acc, e_acc = [], [], 0.0, 0.0
    for i in order:  # merge the rarest states until each bin expects >= 5
        o_acc += counts[i]
        e_acc += expected[i]
        if e_acc >= 5:
            obs_bins.append(o_acc)
            exp_bins.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc:
        obs_bins[-1] += o_acc
        exp_bins[-1] += e_acc
    o, e = np.array(obs_bins), np.array(exp_bins)
    return sps.chi2.sf(((o - e) ** 2 / e).sum(), len(o) - 1)


def run(sampler, seed, burn, samples, thin):
    """Per-sample arrays ``(samples, replicas)`` of E/N, |m| and state index, and the state."""
    st = sampler.step(sampler.init(seed), burn)
    E, M, S = [], [], []
    for _ in range(samples):
        st = sampler.step(st, thin)
        e, m = sampler.measure(st)
        E.append(e)
        M.append(np.abs(m))
        S.append(state_index(sampler.configuration(st)) if sampler.sites <= 20 else 0 * e)
    return np.array(E), np.array(M), np.array(S, dtype=np.int64), st


def z_scores(series, exact, copies):
    """z of the mean of ``series`` (samples, copies) against ``exact``."""
    per_copy = series.mean(axis=0)
    return (per_copy.mean() - exact) / (per_copy.std(ddof=1) / np.sqrt(copies))


def check_every_temperature(sampler, compiled, E, M, S=None):
    energies, am = enumerate_states(compiled)
    ladder = sampler.moves[0].ladder
    C = sampler.moves[0].copies
    for t in ladder:
        rows = np.flatnonzero(sampler.temperatures == t)
        p = boltzmann(energies, t)
        for series, exact in ((E[:, rows], p @ energies / compiled.n), (M[:, rows], p @ am)):
            assert abs(z_scores(series, exact, C)) < Z_MAX, (t, exact)
        if S is not None:
            # counts are nearly independent: the slowest mode, the overlap with a ground
            # state (it sees the valley, which the energy does not), decorrelates in a sample
            q = ground_state_overlap(S[:, rows], energies, compiled.n)
            assert integrated_time(q.T)[0] < TAU_MAX, t
            counts = np.bincount(S[:, rows].ravel(), minlength=energies.size)
            assert chi_square_p(counts, p) > P_MIN, t


def ground_state_overlap(index, energies, n):
    """``s . s_0 / n`` for the states ``index`` and a ground state ``s_0``."""
    bits = (index[..., None] >> np.arange(n - 1, -1, -1)) & 1
    ground = 2 * ((int(np.argmin(energies)) >> np.arange(n - 1, -1, -1)) & 1) - 1
    return (2 * bits - 1) @ ground / n


# -- the move's bookkeeping -------------------------------------------------------------


def test_ladder_layout_and_refusals():
    s = make_sampler("ising1d", {"N": 6}, "heat-bath", replicas=3, temperatures=[2.0, 1.0, 1.5])
    np.testing.assert_array_equal(s.temperatures, np.repeat([1.0, 1.5, 2.0], 3))
    (ex,) = s.moves
    assert ex.slots.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]] and ex.copies == 3
    c = compile_model(get_model("ising1d"), {}, shape=(6,))
    with pytest.raises(ValueError, match="at least two temperatures"):
        ReferenceLatticeSampler(c, 1.0, "heat-bath", 4, moves=[ReplicaExchange()])
    with pytest.raises(ValueError, match="as many replicas at every temperature"):
        ReferenceLatticeSampler(c, [1.0, 1.0, 2.0], "heat-bath", 3, moves=[ReplicaExchange()])
    with pytest.raises(ValueError, match="must differ"):
        make_sampler("ising1d", {"N": 6}, temperatures=[1.0, 1.0])
    independent = make_sampler("ising1d", {"N": 6}, temperatures=[1.0, 2.0], exchange_every=0)
    assert independent.moves == () and independent.replicas == 2


def test_swaps_move_configurations_and_walkers_together():
    """After any number of rounds: each copy's walkers are a permutation, and each
    replica's configuration is the one its walker carried (tracked by energy)."""
    model = sherrington_kirkpatrick()
    s = make_sampler(model, {"N": 8, "seed": 1}, "metropolis", 4, temperatures=[0.3, 0.6, 1.2])
    st = s.init(2)
    x = st.extra
    for _ in range(30):
        before = s.configuration(st).copy()
        walkers = x["exchange_walker"].copy()
        s.moves[0].apply(s, st)  # one round, no sweep: configurations only move
        after = s.configuration(st)
        moved = x["exchange_walker"]
        for k in range(3):
            for c in range(4):
                src = np.argwhere(walkers == moved[k, c])[0]
                np.testing.assert_array_equal(
                    after[s.moves[0].slots[k, c]], before[s.moves[0].slots[tuple(src)]]
                )
        s.step(st, 1)
    for c in range(4):
        assert sorted(x["exchange_walker"][:, c].tolist()) == sorted(
            (np.arange(3) * 4 + c).tolist()
        )
    stats = s.moves[0].statistics(st)
    assert stats["pairs"] == [[0.3, 0.6], [0.6, 1.2]]
    assert all(0 < a <= 1 for a in stats["acceptance"])


def test_swap_acceptance_equals_its_exact_expectation():
    """In equilibrium the acceptance of the pair (T_a, T_b) is the average of
    min(1, exp((beta_a - beta_b)(E_a - E_b))) over independent Boltzmann draws at
    T_a and T_b: computed here from the enumerated energies."""
    model = sherrington_kirkpatrick()
    params = {"N": 8, "seed": 3}
    ladder = [0.5, 0.8]
    C = 64
    s = make_sampler(model, params, "heat-bath", C, temperatures=ladder)
    energies, _ = enumerate_states(s.compiled)
    pa, pb = boltzmann(energies, ladder[0]), boltzmann(energies, ladder[1])
    x = (1 / ladder[0] - 1 / ladder[1]) * (energies[:, None] - energies[None, :])
    expected = pa @ np.minimum(1.0, np.exp(np.minimum(x, 0.0))) @ pb
    st = s.step(s.init(5), 200)
    x0 = {k: v.copy() for k, v in st.extra.items() if k.startswith("exchange_") and k[-3:] != "rng"}
    per_copy = np.zeros(C)
    rounds = 0
    for _ in range(400):
        before = st.extra["exchange_walker"][0].copy()
        s.step(st, 1)
        if st.sweeps % 2 == 1:  # odd rounds try the pair (T0, T1): it is the only one
            per_copy += st.extra["exchange_walker"][0] != before
            rounds += 1
    rate = per_copy / rounds
    z = (rate.mean() - expected) / (rate.std(ddof=1) / np.sqrt(C))
    assert abs(z) < Z_MAX, (rate.mean(), expected)
    assert 0.05 < expected < 0.95  # a test that could fail both ways
    got = s.moves[0].statistics(st)
    att = got["attempts"][0] - x0["exchange_attempts"][0]
    assert att == C * rounds


@pytest.mark.parametrize("backend_kind", ["reference", "fast"])
def test_resume_with_replica_exchange_is_bit_identical(backend_kind):
    params = {"L": 4, "J": 1.0, "h": 0.0}
    s = make_sampler(
        "ising2d",
        params,
        "heat-bath",
        2,
        reference=backend_kind == "reference",
        temperatures=[1.8, 2.3, 3.0],
        exchange_every=3,
    )
    assert s.implementation == backend_kind
    straight = s.step(s.init(8), 40)
    half = s.step(s.init(8), 17)
    d = s.state_dict(half)
    resumed = s.step(s.load_state_dict(json.loads(json.dumps(d, default=_jsonable))), 23)
    np.testing.assert_array_equal(s.configuration(straight), s.configuration(resumed))
    for key in ("exchange_walker", "exchange_accepted", "exchange_trips"):
        np.testing.assert_array_equal(straight.extra[key], resumed.extra[key])
    assert s.moves[0].statistics(straight) == s.moves[0].statistics(resumed)


def _jsonable(x):  # checkpoints keep arrays; a JSON round trip of the rest checks it is plain
    return x.tolist() if isinstance(x, np.ndarray) else str(x)


# -- against enumeration at every temperature --------------------------------------------


#: A small Sherrington-Kirkpatrick sample and a ladder whose top decorrelates in a sweep.
SK_PARAMS = {"N": 8, "seed": 2, "J": 1.0}
SK_LADDER = [0.3, 0.45, 0.7, 1.1, 1.7, 2.6]


def test_sk_sample_at_every_temperature_and_histograms():
    """A small Sherrington-Kirkpatrick sample (N = 8): energies, |m| and visited-state
    histograms at every temperature of the ladder."""
    model = sherrington_kirkpatrick()
    s = make_sampler(model, SK_PARAMS, "metropolis", 48, temperatures=SK_LADDER)
    assert isinstance(s, ReferenceDenseSampler)
    E, M, S, st = run(s, seed=3, burn=200, samples=150, thin=12)
    check_every_temperature(s, s.compiled, E, M, S)
    stats = s.moves[0].statistics(st)
    assert stats["round_trips"] > 0 and np.isfinite(stats["mean_round_trip_sweeps"])


def test_a_wrong_swap_rule_is_caught_at_the_lowest_temperature(monkeypatch):
    """The histogram test above would see a swap that breaks detailed balance: with the
    sign of the exponent reversed, the lowest temperature's histogram fails."""
    model = sherrington_kirkpatrick()
    monkeypatch.setattr(
        ReplicaExchange,
        "log_acceptance",
        staticmethod(lambda ba, bb, ea, eb: -(ba - bb) * (ea - eb)),
    )
    s = make_sampler(model, SK_PARAMS, "metropolis", 48, temperatures=SK_LADDER)
    _, _, S, _ = run(s, seed=3, burn=200, samples=150, thin=12)
    energies, _ = enumerate_states(s.compiled)
    rows = np.flatnonzero(s.temperatures == SK_LADDER[0])
    counts = np.bincount(S[:, rows].ravel(), minlength=energies.size)
    assert chi_square_p(counts, boltzmann(energies, SK_LADDER[0])) < 1e-12


def test_fast_sampler_with_replica_exchange_at_every_temperature():
    """The fast checkerboard kernels with one temperature per group of replicas."""
    params = {"L": 4, "J": 1.0, "h": 0.0}
    ladder = [1.6, 2.0, 2.5, 3.2, 4.2]
    s = make_sampler("ising2d", params, "heat-bath", 32, temperatures=ladder)
    assert s.implementation == "fast" and len(s.groups) == 5
    E, M, S, st = run(s, seed=4, burn=200, samples=200, thin=20)
    check_every_temperature(s, s.compiled, E, M, S)
    assert all(a > 0.2 for a in s.moves[0].statistics(st)["acceptance"])


def test_edwards_anderson_sample_at_every_temperature():
    """The 4 x 4 +-J sample read from a .npy file (dense couplings)."""
    model = edwards_anderson()
    ladder = [0.6, 0.9, 1.4, 2.2]
    s = make_sampler(model, {"N": 16}, "metropolis", 16, temperatures=ladder)
    assert isinstance(s, ReferenceDenseSampler)
    E, M, _, st = run(s, seed=5, burn=200, samples=200, thin=2)
    check_every_temperature(s, s.compiled, E, M)


def test_simulate_with_a_temperature_ladder(tmp_path):
    """numeric.simulation.simulate: estimates per temperature, exchange statistics, and a
    checkpointed run that resumes to the same numbers."""
    model = sherrington_kirkpatrick()
    params = {"N": 8, "seed": 2, "J": 1.0, "h": 0.0}
    ladder = [0.4, 0.7, 1.1]
    kw = dict(sweeps=600, replicas=16, seed=3, algorithm="heat-bath", temperatures=ladder)
    res = simulate(model, params, **kw, keep_series=True)
    assert res.temperatures == tuple(ladder) and len(res.per_temperature) == 3
    assert res.observables is res.per_temperature[0]
    assert res.measurements == 3 * 16 * 600
    energies, _ = enumerate_states(compile_model(model, params))
    for t, obs in zip(ladder, res.per_temperature, strict=True):
        exact = boltzmann(energies, t) @ energies / 8
        e = obs["energy_per_spin"]
        assert abs(e.mean - exact) < Z_MAX * e.error, (t, e, exact)
    d = res.as_dict()
    assert d["temperatures"] == ladder and [p["T"] for p in d["per_temperature"]] == ladder
    assert len(d["replica_exchange"]["acceptance"]) == 2
    assert "temperatures" not in simulate("ising1d", {"T": 1.0, "N": 6}, sweeps=20).as_dict()

    class Interrupt:
        fired = False

        def __call__(self, done, total, running):
            if done >= 300 and not self.fired:
                self.fired = True
                raise KeyboardInterrupt

    ck = tmp_path / "pt.ckpt"
    with pytest.raises(KeyboardInterrupt):
        simulate(model, params, **kw, checkpoint=ck, progress=Interrupt())
    again = simulate(model, params, **kw, checkpoint=ck, keep_series=True)
    for a, b in zip(res.series, again.series, strict=True):
        np.testing.assert_array_equal(a, b)
    assert json.dumps(again.exchange) == json.dumps(res.exchange)


# -- slow variants -----------------------------------------------------------------------


@pytest.mark.slow
def test_edwards_anderson_state_histogram_at_every_temperature():
    """The 4 x 4 +-J sample (65536 states): visited states against the Boltzmann weights
    at every temperature of the ladder, the lowest one dominated by its degenerate
    ground states, whose relative weights single-site moves alone hardly sample."""
    model = edwards_anderson()
    ladder = [0.5, 0.7, 0.95, 1.3, 1.8, 2.5]
    s = make_sampler(model, {"N": 16}, "heat-bath", 32, temperatures=ladder)
    E, M, S, st = run(s, seed=6, burn=500, samples=400, thin=20)
    check_every_temperature(s, s.compiled, E, M, S)
    assert s.moves[0].statistics(st)["round_trips"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
def test_sk_samples_at_every_temperature_long(algorithm):
    model = sherrington_kirkpatrick()
    ladder = [0.25, 0.35, 0.5, 0.7, 1.0, 1.5, 2.2]
    for seed in (4, 7):
        s = make_sampler(model, {"N": 10, "seed": seed}, algorithm, 64, temperatures=ladder)
        E, M, S, _ = run(s, seed=seed, burn=500, samples=300, thin=25)
        check_every_temperature(s, s.compiled, E, M, S)
