"""Curie-Weiss Monte Carlo at growing N for the mean-field report section, on a tiny case."""

import numpy as np
import pytest
from statmech.derive.registry import get_model
from statmech.numeric.curie_weiss import exact_thermodynamics
from statmech.numeric.observables import enumerated_reference

from statmech.report.sections.s40_meanfield import curie_weiss_simulation, mean_field_magnetization

TINY = {"sizes": (4, 8), "temps": (0.8, 1.5), "sweeps": 400, "thermalize": 100, "replicas": 16}


@pytest.fixture(scope="module")
def tiny():
    return curie_weiss_simulation(**TINY, seed=3)


def test_simulation_agrees_with_exact_sums(tiny):
    assert tiny["sizes"] == (4, 8) and list(tiny["T"]) == [0.8, 1.5]
    for key in ("mean", "error", "tau_int", "exact", "z"):
        assert tiny[key].shape == (2, 2), key
    assert tiny["samplers"] == {"ReferenceCurieWeissSampler"}
    # The exact column is the finite-N sum over the magnetization, and that sum agrees with
    # brute-force enumeration of all 2^N states.
    for i, N in enumerate(tiny["sizes"]):
        for j, T in enumerate(tiny["T"]):
            enum = enumerated_reference(
                get_model("curie-weiss"), {"T": T, "J": 1.0, "h": 0.0, "N": N}
            )
            assert tiny["exact"][i, j] == pytest.approx(enum["abs_magnetization"], rel=1e-12)
    assert np.all(tiny["error"] > 0) and np.all(tiny["error"] < 0.02)
    assert np.all(np.abs(tiny["z"]) < 4), tiny["z"]
    np.testing.assert_array_equal(tiny["z"], (tiny["mean"] - tiny["exact"]) / tiny["error"])
    assert tiny["seconds"] > 0


def test_mean_field_curve_and_convergence(tiny):
    m = tiny["mean_field"]
    # m = tanh(m / T) at J = 1: the ordered root below T_c = 1, zero above.
    assert m[0] > 0.7 and abs(m[0] - np.tanh(m[0] / 0.8)) < 1e-12
    assert m[1] == 0.0
    np.testing.assert_array_equal(mean_field_magnetization(tiny["T"]), m)
    # Below T_c the exact finite-N <|m|> closes in on mean field once N is past the small-N
    # discreteness (N <= 16 is non-monotone), by about 1/N: a factor ~4 from 256 to 1024.
    sizes = (32, 64, 128, 256, 1024)
    gaps = [abs(float(exact_thermodynamics(N, 0.8)["abs_m"]) - m[0]) for N in sizes]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 0.005
    assert 3 < gaps[-2] / gaps[-1] < 5


def test_simulation_is_reproducible(tiny):
    again = curie_weiss_simulation(**TINY, seed=3)
    np.testing.assert_array_equal(again["mean"], tiny["mean"])
    np.testing.assert_array_equal(again["error"], tiny["error"])
    other = curie_weiss_simulation(**TINY, seed=4)
    assert not np.array_equal(other["mean"], tiny["mean"])
