"""The compiled form of a model's Hamiltonian against the symbolic route.

For every registered model of discrete units, and for couplings kinds that no
registered model uses yet (open and triangular lattices, dense, Hebbian and
bipartite couplings), the compiled energy equals the lambdified
:func:`statmech.derive.finite.finite_energy` on random configurations, and the
compiled single-unit energy change equals the difference of two energies.
"""

from dataclasses import replace

import numpy as np
import pytest
from statmech.derive import get_model, model_names
from statmech.derive.finite import finite_energy
from statmech.derive.interactions import (
    BipartiteCouplings,
    CouplingData,
    DenseCouplings,
    HebbianCouplings,
    HypercubicLattice,
    RandomBondLattice,
    TriangularLattice,
)
from statmech.numeric.compile import compile_expression
from statmech.numeric.compiled import NotCompilable, compile_model

RNG = np.random.default_rng(20261130)
ISING2D = get_model("ising2d")
CW = get_model("curie-weiss")


def _symbolic(model, compiled, params, matrix=None):
    H, syms = finite_energy(model, compiled.shape, matrix=matrix)
    H = H.subs({model.symbols[k]: v for k, v in params.items() if k in model.symbols})
    f = compile_expression(H, syms)
    return lambda s: np.broadcast_to(np.asarray(f(*s.T.astype(float)), float), (s.shape[0],))


def _check(model, params, matrix=None, replicas=6):
    compiled = compile_model(model, params)
    symbolic = _symbolic(model, compiled, params, matrix)
    s = RNG.choice(compiled.values, size=(replicas, compiled.n)).astype(np.int8)
    np.testing.assert_allclose(compiled.energy(s), symbolic(s), rtol=1e-12, atol=1e-12)
    new = RNG.choice(compiled.values, size=s.shape)
    delta = compiled.delta_energy(s, new)
    for i in range(compiled.n):
        s2 = s.copy()
        s2[:, i] = new[:, i]
        np.testing.assert_allclose(
            delta[:, i], compiled.energy(s2) - compiled.energy(s), rtol=1e-12, atol=1e-12
        )
    return compiled


def _discrete_interacting():
    for name in model_names():
        m = get_model(name)
        if hasattr(m.states, "values") and m.coupling.interacting:
            yield name


@pytest.mark.parametrize("name", list(_discrete_interacting()))
def test_registered_models_compile_to_their_symbolic_energy(name):
    model = get_model(name)
    params = {"J": 0.8, "h": 0.3, "N": 5, "L": 3, "z": 4, "N_v": 3, "N_h": 2}
    matrix = None
    compiled = compile_model(model, params)
    if model.coupling.pairs(compiled.shape) is None:  # data-defined: the symbolic energy takes K
        matrix = compiled.matrix / float(model.hamiltonian.bond_scale)
    _check(model, params, matrix=matrix)


@pytest.mark.parametrize("shape_params", [{"N": 2}, {"N": 7}])
def test_rings_including_the_two_spin_ring(shape_params):
    _check(get_model("ising1d"), {"J": 1.1, "h": -0.4, **shape_params})


@pytest.mark.parametrize(
    "couplings",
    [HypercubicLattice(2, periodic=False), HypercubicLattice(3), TriangularLattice()],
    ids=["open-square", "cubic", "triangular"],
)
def test_lattices(couplings):
    model = replace(ISING2D, coupling=couplings)
    params = {"J": 0.9, "h": 0.2, "L": 2 if couplings.dimension == 3 else 3}
    if couplings.dimension == 3:
        model = replace(get_model("ising3d"), coupling=couplings)
    compiled = _check(model, params)
    assert compiled.ising == ((0.9, 0.2) if couplings.periodic else None)


def test_dense_couplings_given_and_from_a_file(tmp_path):
    a = np.triu(RNG.standard_normal((6, 6)), 1)
    full = a + a.T
    given = replace(CW, coupling=DenseCouplings(CouplingData("given", values=tuple(map(tuple, a)))))
    compiled = _check(given, {"N": 6, "h": 0.1}, matrix=full)
    np.save(tmp_path / "J.npy", full)
    from_file = replace(
        CW, coupling=DenseCouplings(CouplingData("file", path=str(tmp_path / "J.npy")))
    )
    np.testing.assert_array_equal(compile_model(from_file, {"N": 6}).matrix, compiled.matrix)


def test_drawn_couplings_depend_on_the_seed_only():
    sk = replace(CW, coupling=DenseCouplings(CouplingData("gaussian")))
    a = compile_model(sk, {"N": 8, "seed": 3}).matrix
    b = compile_model(sk, {"N": 8, "seed": 3, "h": 0.5}).matrix
    c = compile_model(sk, {"N": 8, "seed": 4}).matrix
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(a, a.T)
    assert np.all(np.diag(a) == 0)


def test_hebbian_couplings_from_patterns():
    xi = RNG.choice([-1.0, 1.0], size=(3, 7))
    data = CouplingData("given", values=tuple(map(tuple, xi)))
    model = replace(CW, coupling=HebbianCouplings(data))
    k = xi.T @ xi / 7 * 1.2
    np.fill_diagonal(k, 0)
    compiled = _check(model, {"N": 7, "J": 1.2, "P": 3, "h": 0.25}, matrix=k)
    np.testing.assert_allclose(compiled.matrix, -k)  # bond -K s_i s_j: weight -K


def test_bipartite_couplings():
    w = RNG.standard_normal((3, 2))
    data = CouplingData("given", values=tuple(map(tuple, w)))
    model = replace(CW, coupling=BipartiteCouplings(data))
    k = np.zeros((5, 5))
    k[:3, 3:] = w
    _check(model, {"N_v": 3, "N_h": 2, "h": -0.3}, matrix=k + k.T)


def test_malformed_coupling_data_is_refused(tmp_path):
    bad = np.ones((4, 4))
    np.save(tmp_path / "bad.npy", bad)
    model = replace(
        CW, coupling=DenseCouplings(CouplingData("file", path=str(tmp_path / "bad.npy")))
    )
    with pytest.raises(NotCompilable, match="zero diagonal"):
        compile_model(model, {"N": 4})
    with pytest.raises(NotCompilable, match="5 x 5"):
        compile_model(model, {"N": 5})


def test_random_bond_lattice_couplings(tmp_path):
    # Edwards-Anderson: K = +-J on the lattice's bonds only, one draw per bond in the
    # lattice's order from the seed; the same vector read from a file gives the same matrix.
    c = RandomBondLattice(2)
    ea = replace(ISING2D, coupling=c)
    params = {"L": 4, "J": 0.7, "h": 0.2, "seed": 5}
    pairs = np.array(c.bond_pairs((4, 4)))
    eps = np.random.default_rng(5).choice([-1.0, 1.0], size=len(pairs))
    k = np.zeros((16, 16))
    k[pairs[:, 0], pairs[:, 1]] = k[pairs[:, 1], pairs[:, 0]] = 0.7 * eps
    compiled = _check(ea, params, matrix=k)
    np.testing.assert_array_equal(compiled.matrix, -k)  # bond -K s_i s_j: weight -K
    assert np.count_nonzero(np.triu(compiled.matrix)) == 2 * 16
    again = compile_model(ea, {**params, "h": -1.0}).matrix
    other = compile_model(ea, {**params, "seed": 6}).matrix
    np.testing.assert_array_equal(again, compiled.matrix)
    assert not np.array_equal(other, compiled.matrix)
    np.save(tmp_path / "bonds.npy", eps)
    from_file = replace(
        ISING2D,
        coupling=RandomBondLattice(2, CouplingData("file", path=str(tmp_path / "bonds.npy"))),
    )
    np.testing.assert_array_equal(compile_model(from_file, params).matrix, compiled.matrix)
    cubic = replace(get_model("ising3d"), coupling=RandomBondLattice(3, CouplingData("gaussian")))
    _check(
        cubic,
        {"L": 3, "J": 1.3, "h": 0.0, "seed": 2},
        matrix=compile_model(cubic, {"L": 3, "J": 1.3, "seed": 2}).matrix / -1.0,
    )
    with pytest.raises(NotCompilable, match=r"vector of the 18 bonds, got shape \(32,\)"):
        compile_model(from_file, {**params, "L": 3})
