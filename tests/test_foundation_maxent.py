"""The maximum-entropy derivation: its checked steps, and the two bookkeeping steps over sums
(stated, not checked symbolically) verified numerically on random level sets."""

import numpy as np
import pytest
from scipy.optimize import minimize
from statmech.derive.maxent import maximum_entropy

from statmech import derive


def test_maximum_entropy_checks():
    d = maximum_entropy()
    derive.check(d)
    assert str(d.result_dict["p_j"]) == "exp(-E_j/T)/Z"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sum_steps_on_random_levels(seed):
    rng = np.random.default_rng(seed)
    E = rng.normal(size=7)
    beta = rng.uniform(0.2, 3.0)
    w = np.exp(-beta * E)
    Z = w.sum()
    p = w / Z
    U = p @ E
    S = -(p @ np.log(p))
    assert S == pytest.approx(beta * U + np.log(Z), rel=1e-12)
    # U = -d log Z / d beta, by a centred difference
    d = 1e-5
    dlogz = (np.log(np.exp(-(beta + d) * E).sum()) - np.log(np.exp(-(beta - d) * E).sum())) / (
        2 * d
    )
    assert U == pytest.approx(-dlogz, rel=1e-8)


def test_boltzmann_maximises_entropy_numerically():
    """Constrained maximisation by a generic optimiser lands on exp(-E/T)/Z."""
    E = np.array([0.0, 0.4, 1.0, 1.5, 2.2])
    T = 0.9
    p_b = np.exp(-E / T) / np.exp(-E / T).sum()
    U = p_b @ E
    cons = [
        {"type": "eq", "fun": lambda p: p.sum() - 1},
        {"type": "eq", "fun": lambda p: p @ E - U},
    ]
    res = minimize(
        lambda p: p @ np.log(p),
        np.full(5, 0.2),
        constraints=cons,
        bounds=[(1e-9, 1)] * 5,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    np.testing.assert_allclose(res.x, p_b, atol=1e-5)
