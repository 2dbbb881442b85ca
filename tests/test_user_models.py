"""Three models that the package does not ship, written as user files
(examples/models/), each checked against an independent exact route.

- spin-1 Blume-Capel on the square lattice: exact enumeration through the compiled
  model against a brute-force sum written here from the formula;
- the triangular-lattice Ising antiferromagnet: ground-state energy and degeneracy
  by enumeration against a row transfer matrix (min-plus with counts), and the
  ground-state entropy per spin approaching Wannier's value as L grows;
- a 4 x 4 +-J Edwards-Anderson sample read from a .npy file: the energy
  histogram and Z from the compiled model equal a brute-force enumeration exactly.
"""

import importlib.util
import itertools
from pathlib import Path

import mpmath
import numpy as np
import pytest
from statmech.numeric.compiled import compile_model
from statmech.numeric.enumeration import configurations, model_thermodynamics

MODELS = Path(__file__).resolve().parents[1] / "examples" / "models"


def load(name):
    spec = importlib.util.spec_from_file_location(f"user_{name}", MODELS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MODEL


def _canonical(energies, T):
    e = np.asarray(energies, dtype=float)
    x = -e / T
    shift = x.max()
    w = np.exp(x - shift)
    z = w.sum()
    mean = w @ e / z
    return np.log(z) + shift, mean, (w @ (e - mean) ** 2 / z) / T**2


# -- Blume-Capel -----------------------------------------------------------------


def blume_capel_brute_force(L, J, D, h):
    """Every energy of the L x L spin-1 torus, from the formula, site by site."""
    out = []
    for cfg in itertools.product((-1, 0, 1), repeat=L * L):
        s = np.array(cfg).reshape(L, L)
        bonds = sum(
            s[x, y] * (s[(x + 1) % L, y] + s[x, (y + 1) % L]) for x in range(L) for y in range(L)
        )
        out.append(-J * bonds + D * (s**2).sum() - h * s.sum())
    return out


@pytest.mark.parametrize("T, D, h", [(1.5, 0.5, 0.0), (0.7, 1.9, 0.2), (2.5, -0.4, -0.3)])
def test_blume_capel_against_brute_force(T, D, h):
    model = load("blume_capel")
    th = model_thermodynamics(model, (3, 3), {"T": T, "J": 1.0, "D": D, "h": h})
    log_z, e, c = _canonical(blume_capel_brute_force(3, 1.0, D, h), T)
    assert th["log_Z"] == pytest.approx(log_z, rel=1e-12)
    assert th["E"] == pytest.approx(e, rel=1e-11, abs=1e-11)
    assert th["C"] == pytest.approx(c, rel=1e-9)


def test_blume_capel_units_are_spin_one():
    compiled = compile_model(load("blume_capel"), {"L": 3, "J": 1.0, "D": 0.5})
    assert list(compiled.values) == [-1.0, 0.0, 1.0]


# -- Triangular antiferromagnet ------------------------------------------------------

WANNIER = (2 / mpmath.pi) * mpmath.quad(lambda w: mpmath.log(2 * mpmath.cos(w)), [0, mpmath.pi / 3])


def triangular_af_ground_states(L):
    """(E_min, count) of the L x L triangular antiferromagnet (J = 1) on a torus.

    Rows of L spins (x fixed); a site (x, y) bonds to (x, y+1) in its row and to
    (x+1, y), (x+1, y+1) in the next: the min-plus transfer matrix keeps, for each
    pair of end rows, the lowest energy and how many configurations reach it.
    """
    n = 1 << L
    bits = ((np.arange(n)[:, None] >> np.arange(L)) & 1) * 2 - 1
    intra = (bits * np.roll(bits, -1, axis=1)).sum(1)
    energy = intra[:, None] + bits @ bits.T + bits @ np.roll(bits, -1, axis=1).T
    ones = np.ones_like(energy)
    pe, pc = energy, ones
    for _ in range(L - 1):
        re, rc = np.empty_like(pe), np.empty_like(pc)
        for a in range(n):
            v = pe[a][:, None] + energy
            low = v.min(0)
            re[a] = low
            rc[a] = np.where(v == low, pc[a][:, None] * ones, 0).sum(0)
        pe, pc = re, rc
    d = np.diag(pe)
    return int(d.min()), int(np.diag(pc)[d == d.min()].sum())


def test_triangular_af_ground_states_enumeration_and_transfer_matrix_agree():
    model = load("triangular_antiferromagnet")
    compiled = compile_model(model, {"L": 3, "J": 1.0, "h": 0.0})
    energies = np.concatenate([compiled.energy(c) for c in configurations(9)])
    e_min = energies.min()
    assert (e_min, int((energies == e_min).sum())) == (-9, 42)
    assert triangular_af_ground_states(3) == (-9, 42)
    # and the enumerated entropy at low T tends to log(42)
    th = model_thermodynamics(model, (3, 3), {"T": 0.02, "J": 1.0, "h": 0.0})
    assert th["S"] == pytest.approx(np.log(42), rel=1e-12)


def _entropy_per_spin(L):
    e_min, count = triangular_af_ground_states(L)
    assert e_min == -(L**2)  # one frustrated bond per triangle: E/N = -J
    return np.log(count) / L**2


def test_triangular_af_entropy_approaches_wannier():
    s3, s6 = _entropy_per_spin(3), _entropy_per_spin(6)
    assert s3 == pytest.approx(np.log(42) / 9)
    assert s6 == pytest.approx(np.log(263640) / 36)
    assert abs(s6 - float(WANNIER)) < abs(s3 - float(WANNIER)) / 3


@pytest.mark.slow
def test_triangular_af_entropy_at_L9_is_below_the_misprinted_value():
    """Wannier's integral is 0.32307; the 1950 paper printed 0.3383 (erratum 1973).
    L = 9 already gives 0.3337."""
    s6, s9 = _entropy_per_spin(6), _entropy_per_spin(9)
    assert float(WANNIER) == pytest.approx(0.3230659472, abs=1e-10)
    assert abs(s9 - float(WANNIER)) < abs(s6 - float(WANNIER))
    assert s9 < 0.3383


# -- Edwards-Anderson +-J sample from a file ------------------------------------------


def test_edwards_anderson_file_partition_function_is_exact():
    model = load("edwards_anderson")
    J = np.load(MODELS / "ea_4x4.npy")
    bonds = [(i, j, int(J[i, j])) for i in range(16) for j in range(i + 1, 16) if J[i, j]]
    assert len(bonds) == 32 and {w for *_, w in bonds} == {-1, 1}
    histogram = {}
    for cfg in itertools.product((-1, 1), repeat=16):  # brute force, integer energies
        e = -sum(w * cfg[i] * cfg[j] for i, j, w in bonds)
        histogram[e] = histogram.get(e, 0) + 1
    compiled = compile_model(model, {"N": 16})
    energies = np.concatenate([compiled.energy(c) for c in configurations(16)])
    levels, counts = np.unique(energies, return_counts=True)
    assert dict(zip(levels.astype(int).tolist(), counts.tolist(), strict=True)) == histogram
    for T in (0.5, 1.0, 3.0):
        z = mpmath.fsum(c * mpmath.exp(-mpmath.mpf(e) / T) for e, c in histogram.items())
        th = model_thermodynamics(model, (16,), {"T": T, "h": 0.0})
        assert th["log_Z"] == pytest.approx(float(mpmath.log(z)), rel=1e-14)
