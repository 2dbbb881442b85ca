"""Sweep moves and the generic reference samplers on models of every unit kind and couplings
representation, against exact Boltzmann weights (chi-square, p > 1e-3, fixed seeds).

Covers: the transition matrices of the moves (rows, detailed balance, laziness), the
colourings (hypercubic, greedy for the triangular lattice), and sampling of spin-1,
0/1 and +-1 units on chains, open chains, square and triangular lattices, all-to-all,
dense, Hebbian and bipartite couplings, with one temperature per replica; the fast
samplers with several temperatures against single-temperature runs, bit for bit.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps
from statmech.derive import symbols as sym
from statmech.derive.interactions import K, s_i, s_j
from statmech.derive.model import (
    TEMPERATURE,
    AllToAll,
    BipartiteCouplings,
    Chain,
    CouplingData,
    Hamiltonian,
    HebbianCouplings,
    Model,
    Parameter,
    binary_unit,
    ising_spin,
    spin_one,
)
from statmech.derive.registry import get_model
from statmech.numeric.compiled import compile_model
from statmech.numeric.enumeration import configurations
from statmech.numeric.samplers import (
    HeatBath,
    Metropolis,
    ReferenceCurieWeissSampler,
    ReferenceDenseSampler,
    ReferenceLatticeSampler,
    SamplerUnavailable,
    as_move,
    greedy_colouring,
    lattice_colouring,
    make_sampler,
)
from statmech.numeric.samplers.moves import offset_cumulative

ROOT = Path(__file__).resolve().parent.parent
P_MIN = 1e-3


def load_example(name):
    path = ROOT / "examples" / "models" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.MODEL


def model_of(states, couplings, site=None, size=sym.N, extra=()):
    s = states.variable
    site = -sym.h * s if site is None else site
    return Model(
        name="test-model",
        title="test",
        summary="a model built in a test",
        parameters=(
            TEMPERATURE,
            Parameter(sym.J, "coupling", 1.0),
            Parameter(sym.h, "field", 0.0),
            Parameter(sym.N, "units", 4),
            *extra,
        ),
        states=states,
        hamiltonian=Hamiltonian(site, -K * s_i * s_j, couplings, s),
        size=size,
        field=sym.h,
    )


# -- the moves --------------------------------------------------------------------


@pytest.mark.parametrize("move", [Metropolis(lazy=False), Metropolis(lazy=True), HeatBath()])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_transition_matrices_are_stochastic_and_detailed_balanced(move, k):
    rng = np.random.default_rng(k)
    E = rng.normal(size=(7, k)) * 3
    T = rng.uniform(0.2, 3.0, size=7)
    P = move.transition(E, T)
    assert P.shape == (7, k, k) and np.all(P >= 0)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0, rtol=0, atol=1e-14)
    w = np.exp(-(E - E.min(axis=1, keepdims=True)) / T[:, None])
    flow = w[:, :, None] * P  # pi_a P_ab
    np.testing.assert_allclose(flow, np.swapaxes(flow, 1, 2), rtol=1e-12, atol=1e-300)


def test_metropolis_proposes_a_uniform_other_value_and_lazy_halves_it():
    E = np.zeros((1, 3))
    np.testing.assert_allclose(Metropolis(lazy=False).transition(E, 1.0)[0], (1 - np.eye(3)) / 2)
    np.testing.assert_allclose(
        Metropolis(lazy=True).transition(E, 1.0)[0], np.eye(3) / 2 + (1 - np.eye(3)) / 4
    )
    # two values: the flip probability min(1, exp(-dE/T)), exactly
    P = Metropolis(lazy=False).transition(np.array([[0.0, 0.7]]), 0.9)[0]
    assert P[0, 1] == np.exp(-0.7 / 0.9) and P[1, 0] == 1.0


def test_heat_bath_rows_are_the_conditional_distribution():
    E = np.array([[0.3, -1.0, 2.0]])
    P = HeatBath().transition(E, 1.3)[0]
    w = np.exp(-E[0] / 1.3)
    for row in P:
        np.testing.assert_allclose(row, w / w.sum(), rtol=1e-14)


def test_offset_cumulative_starts_at_the_next_value():
    P = np.array([[0.5, 0.2, 0.3], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
    C = offset_cumulative(P)
    np.testing.assert_allclose(C, [[0.2, 0.5], [0.3, 0.4], [0.25, 0.5]])


def test_unknown_move_is_refused_with_the_choices():
    with pytest.raises(SamplerUnavailable, match="unknown algorithm 'glauber'.*metropolis"):
        as_move("glauber")


# -- colourings -------------------------------------------------------------------


@pytest.mark.parametrize("L", [3, 4, 5, 6])
def test_triangular_lattice_is_coloured_properly(L):
    c = compile_model(load_example("triangular_antiferromagnet"), {"L": L})
    colour = lattice_colouring(c)
    index, _ = c.neighbours
    own = np.arange(c.n)[:, None]
    assert not np.any((colour[index] == colour[:, None]) & (index != own))
    assert 3 <= colour.max() + 1 <= 7  # a triangle needs three; greedy uses at most z + 1


def test_greedy_colouring_ignores_padding():
    index = np.array([[0, 1], [1, 0]])  # site 0: padding then 1; site 1: itself, then 0
    assert greedy_colouring(index).tolist() == [0, 1]


# -- sampling against enumeration ------------------------------------------------------


def value_index(spins, values):
    k = len(values)
    digits = np.searchsorted(np.asarray(values), np.asarray(spins).reshape(len(spins), -1))
    return digits @ (k ** np.arange(digits.shape[1] - 1, -1, -1))


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


def exact_probabilities(compiled, T):
    """Boltzmann weights of every state; ``T`` scalar or one per row of the result."""
    cfg = np.concatenate(list(configurations(compiled.n, compiled.values)))
    e = np.asarray(compiled.energy(cfg))
    T = np.atleast_1d(T)[:, None]
    w = np.exp(-(e[None, :] - e.min()) / T)
    return w / w.sum(axis=1, keepdims=True)


def histograms(sampler, seed, samples=120, thin=6, thermalize=200):
    """Visited-state counts, one row per distinct temperature (lowest first)."""
    ladder, tid = np.unique(sampler.temperatures, return_inverse=True)
    st = sampler.step(sampler.init(seed), thermalize)
    counts = np.zeros((ladder.size, len(sampler.values) ** sampler.sites), dtype=np.int64)
    for _ in range(samples):
        st = sampler.step(st, thin)
        idx = value_index(sampler.configuration(st), sampler.values)
        np.add.at(counts, (tid, idx), 1)
    return ladder, counts


def check(sampler, seed=3, **kw):
    ladder, counts = histograms(sampler, seed, **kw)
    probs = exact_probabilities(sampler.compiled, ladder)
    for row, p in zip(counts, probs, strict=True):
        assert chi_square_p(row, p) > P_MIN


CASES = {
    "blume-capel 2x3": (
        lambda: load_example("blume_capel"),
        {"D": 0.4, "J": 0.5, "h": 0.2},
        (2, 3),
        ReferenceLatticeSampler,
    ),
    "triangular antiferromagnet 3x3": (
        lambda: load_example("triangular_antiferromagnet"),
        {"J": 1.0, "h": 0.1},
        (3, 3),
        ReferenceLatticeSampler,
    ),
    "0/1 units on a ring": (
        lambda: model_of(binary_unit(), Chain()),
        {"J": -1.2, "h": 0.5, "N": 7},
        None,
        ReferenceLatticeSampler,
    ),
    "spin-1 open chain": (
        lambda: model_of(spin_one(), Chain(periodic=False)),
        {"J": 1.0, "h": -0.3, "N": 5},
        None,
        ReferenceLatticeSampler,
    ),
    "spin-1 all-to-all": (
        lambda: model_of(spin_one(), AllToAll()),
        {"J": 2.0, "h": 0.1, "N": 5},
        None,
        ReferenceCurieWeissSampler,
    ),
    "Hebbian, two patterns": (
        lambda: model_of(
            ising_spin(),
            HebbianCouplings(CouplingData("pm")),
            extra=(Parameter(sp_symbol("P"), "patterns", 2), Parameter(sp_symbol("seed"), "", 0)),
        ),
        {"J": 1.0, "h": 0.0, "N": 7, "P": 2, "seed": 5},
        None,
        ReferenceDenseSampler,
    ),
    "bipartite 0/1 machine": (
        lambda: model_of(
            binary_unit(),
            BipartiteCouplings(CouplingData("gaussian")),
            extra=(
                Parameter(sp_symbol("N_v"), "visible", 4),
                Parameter(sp_symbol("N_h"), "hidden", 3),
                Parameter(sp_symbol("seed"), "", 0),
            ),
        ),
        {"h": 0.3, "N_v": 4, "N_h": 3, "seed": 2},
        None,
        ReferenceDenseSampler,
    ),
}


def sp_symbol(name):
    import sympy as sp

    return sp.Symbol(name, integer=True, nonnegative=True)


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath"])
@pytest.mark.parametrize("case", list(CASES))
def test_generic_sampler_matches_boltzmann_at_two_temperatures(case, algorithm):
    build, params, shape, cls = CASES[case]
    model = build()
    c = compile_model(model, params, shape=shape)
    T = np.repeat([0.9, 1.7], 64)  # one temperature per replica
    s = cls(c, T, algorithm, 128)
    assert s.T.shape == (128,) and s.lazy == (algorithm == "metropolis")
    if shape is None:  # the factory reaches the same sampler
        assert type(make_sampler(model, {**params, "T": 1.0}, algorithm, 2)) is cls
    check(s)


def test_reference_sampler_with_one_temperature_per_replica_matches_single_temperature_runs():
    """Replica r's stream does not depend on the others, nor its table on their temperatures."""
    c = compile_model(get_model("ising2d"), {"J": 1.0, "h": 0.1}, shape=(3, 3))
    mixed = ReferenceLatticeSampler(c, [1.5, 2.5, 1.5], "heat-bath", 3)
    cold = ReferenceLatticeSampler(c, 1.5, "heat-bath", 3)
    hot = ReferenceLatticeSampler(c, 2.5, "heat-bath", 3)
    run = [x.configuration(x.step(x.init(4), 9)) for x in (mixed, cold, hot)]
    np.testing.assert_array_equal(run[0][[0, 2]], run[1][[0, 2]])
    np.testing.assert_array_equal(run[0][1], run[2][1])


@pytest.mark.parametrize("algorithm", ["metropolis", "heat-bath", "wolff", "swendsen-wang"])
@pytest.mark.parametrize("shape", [(8, 8), (4, 4, 4), (6,)])
def test_fast_sampler_with_several_temperatures_matches_single_temperature_runs(algorithm, shape):
    from statmech.numeric.fast import fast_sampler

    c = compile_model(get_model(f"ising{len(shape)}d"), {"J": 1.0, "h": 0.0}, shape=shape)
    T = [2.0, 2.0, 3.0, 3.0, 2.0]
    mixed = fast_sampler(c, T, algorithm, 5)
    assert [g[:2] for g in mixed.groups] == [(0, 2), (2, 4), (4, 5)]
    single = {t: fast_sampler(c, t, algorithm, 5) for t in (2.0, 3.0)}
    a = mixed.configuration(mixed.step(mixed.init(6), 7))
    for t, s in single.items():
        b = s.configuration(s.step(s.init(6), 7))
        rows = [r for r in range(5) if T[r] == t]
        np.testing.assert_array_equal(a[rows], b[rows])
    d = mixed.state_dict(mixed.step(mixed.init(6), 3))
    resumed = mixed.configuration(mixed.step(mixed.load_state_dict(d), 4))
    np.testing.assert_array_equal(resumed, a)


def test_fast_kernels_are_not_used_for_the_triangular_lattice():
    from statmech.numeric.fast import fast_sampler

    c = compile_model(load_example("triangular_antiferromagnet"), {"L": 4})
    assert c.ising is not None  # an Ising form, but no hypercubic kernel
    with pytest.raises(NotImplementedError, match="hypercubic"):
        fast_sampler(c, 1.0, "heat-bath", 2)
    s = make_sampler(load_example("triangular_antiferromagnet"), {"L": 4, "T": 1.0}, "heat-bath")
    assert isinstance(s, ReferenceLatticeSampler)


def test_blume_capel_and_spin_one_models_are_not_sampled_as_spins():
    s = make_sampler(load_example("blume_capel"), {"L": 4, "T": 1.0}, "heat-bath", 4)
    assert isinstance(s, ReferenceLatticeSampler) and s.compiled.ising is None
    values = np.unique(s.configuration(s.step(s.init(2), 20)))
    assert set(values.tolist()) == {-1, 0, 1}
