"""Reference samplers against exact Boltzmann weights of systems small enough to enumerate.

Statistical tests use fixed seeds and thinned samples (several sweeps apart, many
replicas) so that the chi-square statistic is close to its nominal distribution;
a test fails when the p-value is below 1e-3.
"""

import sys
import types

import numpy as np
import pytest
from scipy import stats as sps
from statmech.derive import symbols as sym
from statmech.derive.finite import bonds
from statmech.derive.interactions import K, s_i, s_j
from statmech.derive.model import (
    TEMPERATURE,
    Chain,
    CouplingData,
    DenseCouplings,
    Hamiltonian,
    Model,
    Parameter,
    ising_spin,
    spin_one,
)
from statmech.derive.registry import get_model
from statmech.numeric.compiled import compile_model
from statmech.numeric.enumeration import configurations, energy_function, model_thermodynamics
from statmech.numeric.observables import energy_and_magnetization
from statmech.numeric.samplers import (
    ReferenceCurieWeissSampler,
    ReferenceDenseSampler,
    ReferenceLatticeSampler,
    SamplerUnavailable,
    colouring,
    make_sampler,
    neighbours,
)
from statmech.numeric.simulation import simulate

P_MIN = 1e-3


def compiled(name, shape, params=None):
    """The compiled form of a registered model on ``shape``."""
    return compile_model(get_model(name), params or {}, shape=shape)


def boltzmann(energies, T):
    w = np.exp(-(energies - energies.min()) / T)
    return w / w.sum()


def exact_probabilities(model, shape, params):
    n = int(np.prod(shape))
    cfg = np.concatenate(list(configurations(n)))
    e = energy_function(model, shape, params)(cfg)
    return boltzmann(e, params["T"])


def state_index(spins):
    """Index in numeric.enumeration.configurations order (first unit most significant)."""
    bits = (np.asarray(spins).reshape(spins.shape[0], -1) + 1) // 2
    n = bits.shape[1]
    return bits @ (1 << np.arange(n - 1, -1, -1))


def histogram(sampler, seed, samples, thin, thermalize=200):
    state = sampler.step(sampler.init(seed), thermalize)
    counts = np.zeros(2**sampler.sites, dtype=np.int64)
    for _ in range(samples):
        state = sampler.step(state, thin)
        counts += np.bincount(state_index(sampler.configuration(state)), minlength=counts.size)
    return counts


def chi_square_p(counts, probs):
    expected = probs * counts.sum()
    order = np.argsort(expected)
    # Merge the rarest states until every merged bin expects at least 5 counts.
    obs_bins, exp_bins = [], []
    o_acc = e_acc = 0.0
    for i in order:
        o_acc += counts[i]
        e_acc += expected[i]
        if e_acc >= 5:
            obs_bins.append(o_acc)
            exp_bins.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc:
        obs_bins[-1] += o_acc
        exp_bins[-1] += e_acc
    obs_bins, exp_bins = np.array(obs_bins), np.array(exp_bins)
    chi2 = ((obs_bins - exp_bins) ** 2 / exp_bins).sum()
    return sps.chi2.sf(chi2, len(obs_bins) - 1)


# -- structure -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2,), (5,), (6,), (3, 3), (4, 4), (3, 4), (2, 3, 5), (4, 4, 4)])
def test_colouring_is_proper(shape):
    colour = colouring(shape)
    nbr = neighbours(shape)
    assert np.all(colour[nbr] != colour[:, None])
    expected = 2 if all(n % 2 == 0 for n in shape) else 3
    assert colour.max() + 1 == expected


@pytest.mark.parametrize(
    ("name", "shape"), [("ising1d", (7,)), ("ising2d", (3, 4)), ("ising3d", (3, 3, 2))]
)
def test_neighbours_match_the_finite_hamiltonian_bonds(name, shape):
    model = get_model(name)
    nbr = neighbours(shape)
    from_table = sorted(tuple(sorted((i, int(j)))) for i in range(nbr.shape[0]) for j in nbr[i])
    from_bonds = sorted(tuple(sorted(b)) for b in bonds(model, shape) for _ in range(2))
    assert from_table == from_bonds


@pytest.mark.parametrize(
    ("name", "shape", "params"),
    [
        ("ising1d", (5,), {"T": 1.3, "J": 1.0, "h": 0.3}),
        ("ising1d", (2,), {"T": 1.3, "J": 0.7, "h": -0.2}),
        ("ising2d", (3, 3), {"T": 2.0, "J": 1.0, "h": 0.1}),
        ("ising2d", (2, 4), {"T": 2.0, "J": 1.0, "h": 0.0}),
        ("ising3d", (2, 2, 3), {"T": 4.0, "J": 1.0, "h": 0.5}),
        ("curie-weiss", (9,), {"T": 0.8, "J": 1.3, "h": 0.2}),
    ],
)
def test_measured_energy_equals_the_finite_hamiltonian(name, shape, params):
    model = get_model(name)
    n = int(np.prod(shape))
    rng = np.random.default_rng(0)
    spins = rng.choice(np.array([-1, 1], dtype=np.int8), size=(20, *shape))
    e, m = energy_and_magnetization(model, spins, params["J"], params["h"])
    exact = energy_function(model, shape, params)(spins.reshape(20, n).astype(float))
    np.testing.assert_allclose(e * n, exact, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m, spins.reshape(20, n).mean(axis=1))


# -- stationary distribution ------------------------------------------------------


LATTICE_CASES = [
    ("ising1d", (5,), {"T": 1.5, "J": 1.0, "h": 0.0}),  # odd ring: three colours
    ("ising1d", (6,), {"T": 1.0, "J": 1.0, "h": 0.0}),
    ("ising1d", (7,), {"T": 2.0, "J": 1.0, "h": -0.4}),
    ("ising2d", (3, 3), {"T": 2.5, "J": 1.0, "h": 0.0}),  # odd torus: three colours
    ("ising2d", (2, 4), {"T": 2.0, "J": 1.0, "h": 0.2}),
    ("ising3d", (2, 2, 3), {"T": 4.0, "J": 1.0, "h": 0.0}),
]


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize(("name", "shape", "params"), LATTICE_CASES)
def test_lattice_histogram_matches_boltzmann(name, shape, params, algorithm):
    model = get_model(name)
    s = ReferenceLatticeSampler(compiled(name, shape, params), params["T"], algorithm, 128)
    counts = histogram(s, seed=11, samples=120, thin=10)
    assert chi_square_p(counts, exact_probabilities(model, shape, params)) > P_MIN


@pytest.mark.parametrize(
    ("name", "shape"),
    [("ising1d", (6,)), ("ising1d", (7,)), ("ising2d", (3, 3)), ("ising2d", (4, 2))],
)
def test_plain_sublattice_metropolis_is_wrong_on_rings_and_small_tori(name, shape):
    # Regression for the pitfall: without the lazy move, zero-energy flips are
    # deterministic at h = 0 and the visited states are far from Boltzmann.
    params = {"T": 2.0, "J": 1.0, "h": 0.0}
    model = get_model(name)
    c = compiled(name, shape, params)
    plain = ReferenceLatticeSampler(c, 2.0, "metropolis", 128, lazy=False)
    assert ReferenceLatticeSampler(c, 2.0).lazy  # the default is the lazy move
    counts = histogram(plain, seed=11, samples=120, thin=4)
    assert chi_square_p(counts, exact_probabilities(model, shape, params)) < 1e-12


@pytest.mark.parametrize("shape", [(4, 4)])
def test_plain_checkerboard_metropolis_is_right_on_even_tori(shape):
    params = {"T": 2.3, "J": 1.0, "h": 0.0}
    s = ReferenceLatticeSampler(compiled("ising2d", shape, params), 2.3, "metropolis", 128)
    assert not s.lazy
    counts = histogram(s, seed=11, samples=120, thin=10)
    assert chi_square_p(counts, exact_probabilities(get_model("ising2d"), shape, params)) > P_MIN


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize(
    ("N", "params"),
    [(7, {"T": 0.9, "J": 1.0, "h": 0.0}), (8, {"T": 1.2, "J": 1.0, "h": 0.15})],
)
def test_curie_weiss_histogram_matches_boltzmann(N, params, algorithm):
    model = get_model("curie-weiss")
    c = compiled("curie-weiss", (N,), params)
    s = ReferenceCurieWeissSampler(c, params["T"], algorithm, 128)
    counts = histogram(s, seed=5, samples=120, thin=6)
    assert chi_square_p(counts, exact_probabilities(model, (N,), params)) > P_MIN


def dense_model(Jm, states=None):
    """Spins (or ``states``) with H = -sum_{i<j} Jm_ij s_i s_j - h sum_i s_i, Jm given."""
    states = states or ising_spin()
    s = states.variable
    data = CouplingData("given", values=tuple(tuple(float(x) for x in row) for row in Jm))
    return Model(
        name="dense-test",
        title="dense couplings",
        summary="given couplings",
        parameters=(TEMPERATURE, Parameter(sym.h, "field", 0.0), Parameter(sym.N, "units", 6)),
        states=states,
        hamiltonian=Hamiltonian(-sym.h * s, -K * s_i * s_j, DenseCouplings(data), s),
        field=sym.h,
    )


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
def test_dense_couplings_histogram_matches_boltzmann(algorithm):
    rng = np.random.default_rng(3)
    n, T, h = 6, 1.2, 0.1
    Jm = rng.normal(size=(n, n)) / np.sqrt(n)
    Jm = np.triu(Jm, 1)
    Jm = Jm + Jm.T
    cfg = np.concatenate(list(configurations(n)))
    energy = -0.5 * np.einsum("ci,ij,cj->c", cfg, Jm, cfg) - h * cfg.sum(axis=1)
    s = make_sampler(dense_model(Jm), {"T": T, "h": h, "N": n}, algorithm, 128)
    assert isinstance(s, ReferenceDenseSampler)
    counts = histogram(s, seed=2, samples=120, thin=6)
    assert chi_square_p(counts, boltzmann(energy, T)) > P_MIN


def test_dense_fields_stay_equal_to_recomputed_fields():
    rng = np.random.default_rng(4)
    Jm = np.triu(rng.normal(size=(10, 10)), 1)
    Jm = Jm + Jm.T
    s = make_sampler(dense_model(Jm), {"T": 1.0, "h": 0.3, "N": 10}, "metropolis", 3)
    st = s.step(s.init(1), 20)
    # h_loc = -dH/ds (bonds only): sum_j Jm_ij s_j
    np.testing.assert_allclose(st.extra["fields"], st.spins.astype(float) @ Jm, atol=1e-10)


def test_curie_weiss_magnetisation_sum_is_maintained():
    c = compiled("curie-weiss", (33,), {"J": 1.0, "h": 0.05})
    s = ReferenceCurieWeissSampler(c, 0.9, "metropolis", 4)
    st = s.step(s.init(2), 15)
    np.testing.assert_array_equal(st.extra["M"], st.spins.sum(axis=1))


# -- determinism, resume, protocol -------------------------------------------------


def make(name="ising2d", shape=(6, 6), replicas=4, algorithm="metropolis"):
    if name == "curie-weiss":
        return ReferenceCurieWeissSampler(compiled(name, shape), 1.1, algorithm, replicas)
    return ReferenceLatticeSampler(compiled(name, shape), 2.3, algorithm, replicas)


@pytest.mark.parametrize(
    "name,shape", [("ising2d", (6, 6)), ("ising1d", (9,)), ("curie-weiss", (10,))]
)
def test_same_seed_same_configurations(name, shape):
    a, b = make(name, shape), make(name, shape)
    ca = a.configuration(a.step(a.init(42), 25))
    cb = b.configuration(b.step(b.init(42), 25))
    np.testing.assert_array_equal(ca, cb)
    cc = a.configuration(a.step(a.init(43), 25))
    assert not np.array_equal(ca, cc)


def test_replica_streams_do_not_depend_on_the_number_of_replicas():
    few, many = make(replicas=2), make(replicas=5)
    c2 = few.configuration(few.step(few.init(7), 10))
    c5 = many.configuration(many.step(many.init(7), 10))
    np.testing.assert_array_equal(c2, c5[:2])
    assert not np.array_equal(c5[0], c5[1])


@pytest.mark.parametrize("name,shape", [("ising2d", (5, 4)), ("curie-weiss", (12,))])
def test_state_dict_resumes_exactly(name, shape):
    s = make(name, shape)
    st = s.step(s.init(3), 10)
    d = s.state_dict(st)
    straight = s.configuration(s.step(st, 10)).copy()
    resumed = s.load_state_dict(d)
    np.testing.assert_array_equal(s.configuration(s.step(resumed, 10)), straight)


def test_state_dict_of_another_sampler_is_refused():
    a, b = make(), make(algorithm="heat-bath")
    with pytest.raises(ValueError, match="algorithm"):
        b.load_state_dict(a.state_dict(a.init(1)))


def test_protocol_attributes():
    s = make_sampler("ising2d", {"T": 2.0, "L": 8}, replicas=3, reference=True)
    assert (s.name, s.model_name, s.shape, s.replicas, s.backend) == (
        "metropolis",
        "ising2d",
        (8, 8),
        3,
        "numpy",
    )
    assert (s.T, s.J, s.h) == (2.0, 1.0, 0.0)
    assert s.attempted_flips_per_sweep == 3 * 64
    c = s.configuration(s.init(0))
    assert c.dtype == np.int8 and set(np.unique(c)) <= {-1, 1}


# -- the factory --------------------------------------------------------------------


class FakeFast:
    name = "wolff"


@pytest.fixture
def fake_fast(monkeypatch):
    calls = []

    def fast_sampler(compiled, T, move, replicas, moves):
        c = compiled
        calls.append((c.model.name, c.shape, T, c.ising, move.name, replicas, c.backend))
        if c.ising is None:
            raise NotImplementedError("no fast Curie-Weiss")
        return FakeFast()

    mod = types.ModuleType("statmech.numeric.fast")
    mod.fast_sampler = fast_sampler
    monkeypatch.setitem(sys.modules, "statmech.numeric.fast", mod)
    return calls


def test_factory_prefers_fast_samplers(fake_fast):
    s = make_sampler("ising2d", {"T": 2.0, "L": 8, "J": 1.0, "h": 0.0}, "wolff", 2)
    assert isinstance(s, FakeFast)
    assert fake_fast == [("ising2d", (8, 8), 2.0, (1.0, 0.0), "wolff", 2, "numpy")]


def test_factory_reference_flag_forces_reference(fake_fast):
    s = make_sampler("ising2d", {"T": 2.0, "L": 8}, "metropolis", 2, reference=True)
    assert isinstance(s, ReferenceLatticeSampler) and fake_fast == []


def test_factory_falls_back_when_fast_declines(fake_fast):
    s = make_sampler("curie-weiss", {"T": 2.0, "N": 8}, "heat-bath", 2)
    assert isinstance(s, ReferenceCurieWeissSampler) and s.name == "heat-bath"
    with pytest.raises(SamplerUnavailable, match="no fast Curie-Weiss"):
        make_sampler("curie-weiss", {"T": 2.0, "N": 8}, "swendsen-wang", 2)


def test_cluster_algorithm_without_fast_samplers_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "statmech.numeric.fast", None)  # import fails
    with pytest.raises(SamplerUnavailable, match="wolff algorithm needs the fast samplers"):
        make_sampler("ising2d", {"T": 2.0, "L": 8}, "wolff")


def test_factory_rejects_unknown_algorithm_and_model():
    with pytest.raises(SamplerUnavailable, match="unknown algorithm"):
        make_sampler("ising2d", {"T": 2.0, "L": 8}, "glauber-dance")
    with pytest.raises(SamplerUnavailable, match="no sampler for model 'two-level'"):
        make_sampler("two-level", {"T": 2.0, "N": 8})


@pytest.mark.gpu
@pytest.mark.parametrize(
    "name,shape", [("ising2d", (16, 16)), ("ising1d", (9,)), ("curie-weiss", (12,))]
)
def test_numpy_and_cupy_reference_samplers_agree_bit_for_bit(name, shape):
    from statmech.numeric.backend import to_numpy

    cls = ReferenceCurieWeissSampler if name == "curie-weiss" else ReferenceLatticeSampler
    out = []
    for backend in ("numpy", "cupy"):
        c = compile_model(get_model(name), {"J": 1.0, "h": 0.1}, backend, shape=shape)
        s = cls(c, 2.1, "metropolis", 8)
        out.append(to_numpy(s.configuration(s.step(s.init(9), 30))))
    np.testing.assert_array_equal(out[0], out[1])


@pytest.mark.parametrize(
    ("name", "params", "fast"),
    [
        ("ising1d", {"T": 2.0, "N": 16}, False),  # ring: plain Metropolis is not ergodic
        ("ising2d", {"T": 2.0, "L": 2}, False),
        ("ising2d", {"T": 2.0, "L": 5}, False),
        ("ising2d", {"T": 2.0, "L": 8}, True),
        ("ising3d", {"T": 4.0, "L": 4}, True),
    ],
)
def test_factory_keeps_metropolis_off_fast_paths_where_it_is_not_ergodic(
    fake_fast, name, params, fast
):
    s = make_sampler(name, params, "metropolis", 2)
    assert isinstance(s, FakeFast) is fast
    if not fast:
        assert s.lazy
    hb = make_sampler(name, params, "heat-bath", 2)  # heat bath is safe everywhere
    assert isinstance(hb, FakeFast)


# -- units that are not +-1 spins ---------------------------------------------------


def spin_one_chain():
    """Spin-1 units (-1, 0, 1) on a ring: H = -J sum s_i s_{i+1} - h sum s_i."""
    states = spin_one()
    s = states.variable
    return Model(
        name="spin-one-chain",
        title="spin-1 chain",
        summary="spin-1 units on a ring",
        parameters=(
            TEMPERATURE,
            Parameter(sym.J, "coupling", 1.0),
            Parameter(sym.h, "field", 0.0),
            Parameter(sym.N, "units", 8),
        ),
        states=states,
        hamiltonian=Hamiltonian(-sym.h * s, -K * s_i * s_j, Chain(), s),
        field=sym.h,
    )


def test_spin_one_chain_is_sampled_as_spin_one():
    """Regression: a spin-1 chain was simulated as +-1 spins (E/N near the spin-1/2 value).

    The run goes through numeric.simulation.simulate, the engine behind the API and
    the command line; the exact value comes from enumerating all 3^8 states.
    """
    model, params = spin_one_chain(), {"T": 1.0, "J": 1.0, "h": 0.0, "N": 8}
    exact = model_thermodynamics(model, (8,), params)["E"] / 8
    half = (
        model_thermodynamics(
            get_model("ising1d"), (8,), {k: v for k, v in params.items() if k != "N"}
        )["E"]
        / 8
    )
    assert exact == pytest.approx(-0.50998, abs=1e-5) and half == pytest.approx(-0.81766, abs=1e-5)
    res = simulate(model, params, sweeps=2000, replicas=16, seed=4)
    e = res.observables["energy_per_spin"]
    assert abs(e.mean - exact) < 4 * e.error
    assert abs(e.mean - half) > 20 * e.error
    assert res.sampler == "ReferenceLatticeSampler"
    s = make_sampler(model, params, replicas=2)
    assert set(np.unique(s.configuration(s.step(s.init(1), 5)))) == {-1, 0, 1}


def value_index(spins, values):
    """Index in numeric.enumeration.configurations order for units with ``values``."""
    k = len(values)
    digits = np.searchsorted(np.asarray(values), np.asarray(spins).reshape(len(spins), -1))
    n = digits.shape[1]
    return digits @ (k ** np.arange(n - 1, -1, -1))


def histogram_values(sampler, seed, samples, thin, thermalize=200):
    values = sampler.values
    state = sampler.step(sampler.init(seed), thermalize)
    counts = np.zeros(len(values) ** sampler.sites, dtype=np.int64)
    for _ in range(samples):
        state = sampler.step(state, thin)
        idx = value_index(sampler.configuration(state), values)
        counts += np.bincount(idx, minlength=counts.size)
    return counts


def exact_probabilities_of(model, shape, params):
    c = compile_model(model, params, shape=shape)
    n = int(np.prod(shape))
    cfg = np.concatenate(list(configurations(n, c.values)))
    return boltzmann(np.asarray(c.energy(cfg)), params["T"])


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize(
    "params", [{"T": 0.8, "J": 1.0, "h": 0.3}, {"T": 1.5, "J": -0.7, "h": 0.0}]
)
def test_spin_one_chain_histogram_matches_boltzmann(algorithm, params):
    model, params = spin_one_chain(), {**params, "N": 5}
    s = make_sampler(model, params, algorithm, 128)
    assert s.lazy == (algorithm == "metropolis")
    counts = histogram_values(s, seed=6, samples=120, thin=6)
    assert chi_square_p(counts, exact_probabilities_of(model, (5,), params)) > P_MIN
