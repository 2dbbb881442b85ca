"""The stored Binder study of 3D EA (numeric/spin_glass_binder.py): batches stored whole,
resumed after an interruption to the same numbers, refused when the settings differ; the
Binder cumulant, the window check and the crossing on data with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from statmech.numeric import spin_glass_binder as sb

TEMPS = np.array([0.8, 1.1, 1.5, 2.0])


def _run(path, samples, **kw):
    return sb.run_size(3, samples, 30, TEMPS, path, batch=2, **kw)


def test_interrupted_run_resumes_to_the_same_numbers(tmp_path):
    whole = _run(tmp_path / "whole.npz", 5)

    def stop(L, done, total, seconds):
        if done == 2:
            raise KeyboardInterrupt

    path = tmp_path / "cut.npz"
    with pytest.raises(KeyboardInterrupt):
        _run(path, 5, progress=stop)
    assert sb.load(path)["q2"].shape == (2, 2, TEMPS.size)  # the first batch, whole
    resumed = _run(path, 5)
    np.testing.assert_array_equal(resumed["q2"], whole["q2"])
    np.testing.assert_array_equal(resumed["q4"], whole["q4"])
    # asking for more extends the file; asking for fewer reads its head
    more = _run(path, 6)
    np.testing.assert_array_equal(more["q2"][:, :5], whole["q2"])
    assert _run(path, 3)["q2"].shape[1] == 3


def test_other_settings_are_refused_not_mixed(tmp_path):
    path = tmp_path / "a.npz"
    _run(path, 2)
    with pytest.raises(ValueError, match="other settings"):
        sb.run_size(3, 2, 31, TEMPS, path, batch=2)
    with pytest.raises(ValueError, match="other settings"):
        _run(path, 2, first_sample=100)


def test_new_samples_differ_from_stored_ones():
    a = _run(None, 2)
    b = _run(None, 2, first_sample=10**6)
    assert not np.array_equal(a["q2"], b["q2"])


def _synthetic(g_of_t, samples, rng, noise=0.02):
    """Per-sample <q^2> = 1 and <q^4> = 3 - 2 g (+ noise), the same in both windows."""
    q4 = 3.0 - 2.0 * g_of_t(TEMPS)[None, :] + noise * rng.standard_normal((samples, TEMPS.size))
    q2 = np.ones_like(q4)
    return {"q2": np.stack([q2, q2]), "q4": np.stack([q4, q4])}


def test_binder_and_window_check_on_known_data():
    rng = np.random.default_rng(0)
    d = _synthetic(lambda t: 0.9 - 0.2 * t, 400, rng)
    c = sb.binder_curves(d["q2"], d["q4"])
    assert np.allclose(c["g"], 0.9 - 0.2 * TEMPS, atol=4 * c["err"].max())
    assert c["window_z"] == 0.0  # identical windows
    d["q4"][0] += 0.1  # a first window far off: the check says so
    assert sb.binder_curves(d["q2"], d["q4"])["window_z"] > 5


def test_crossing_where_the_curves_cross():
    rng = np.random.default_rng(1)
    small = _synthetic(lambda t: 0.8 - 0.1 * (t - 1.2), 300, rng)
    large = _synthetic(lambda t: 0.8 - 0.3 * (t - 1.2), 300, rng)
    c = sb.crossing(TEMPS, small, large, resamples=200)
    assert abs(c["T"] - 1.2) < 4 * c["err"] and 0 < c["err"] < 0.1
    assert c["crossing_fraction"] == 1.0
    apart = _synthetic(lambda t: 0.5 + 0 * t, 50, rng)
    assert np.isnan(sb.crossing(TEMPS, small, apart, resamples=20)["T"])


def test_the_study_keeps_the_overlap_at_the_smallest_wave_vector():
    r = _run(None, 3)
    assert r["qk2"].shape == r["q2"].shape and np.all(r["qk2"] > 0)
    xi = sb.xi_curves(r["q2"], r["qk2"], 3)
    assert np.all(np.isfinite(xi["xi"])) and xi["xi"][0] > xi["xi"][-1]
