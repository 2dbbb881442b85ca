"""``statmech train rbm``: JSON lines per epoch, --save, --checkpoint resume, one-line errors."""

import json

import numpy as np
import pytest

from statmech.cli import main


def run(capsys, *argv):
    code = main(["train", "rbm", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def lines(out):
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def test_train_prints_exact_log_likelihoods_and_saves(tmp_path, capsys):
    path = tmp_path / "model.npz"
    code, out, _ = run(capsys, "data=digits", "hidden=6", "epochs=2", "--save", str(path))
    assert code == 0
    history = lines(out)
    assert [h["epoch"] for h in history] == [1, 2]
    assert all(h["log_z_method"] == "exact" and h["log_z_error"] == 0 for h in history)
    assert all(h["test_log_likelihood"] < 0 for h in history)
    with np.load(path) as z:
        assert z["W"].shape == (64, 6)
        assert z["visible_bias"].shape == (64,) and z["hidden_bias"].shape == (6,)


def test_checkpoint_resume_equals_straight_through(tmp_path, capsys):
    ck = tmp_path / "ck.npz"
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    common = ("data=planted", "visible=10", "hidden=3", "samples=300", "method=pt")
    assert run(capsys, *common, "epochs=4", "--save", str(a))[0] == 0
    assert run(capsys, *common, "epochs=2", "--checkpoint", str(ck))[0] == 0
    code, out, _ = run(capsys, *common, "epochs=4", "--checkpoint", str(ck), "--save", str(b))
    assert code == 0 and [h["epoch"] for h in lines(out)] == [1, 2, 3, 4]
    with np.load(a) as za, np.load(b) as zb:
        assert np.array_equal(za["W"], zb["W"])
    # another run's checkpoint is refused
    code, _, err = run(capsys, *common, "seed=5", "epochs=4", "--checkpoint", str(ck))
    assert code == 2 and "another run" in err


def test_user_npy_data(tmp_path, capsys):
    data = tmp_path / "x.npy"
    np.save(data, (np.random.default_rng(0).random((40, 7)) < 0.4).astype(np.uint8))
    code, out, _ = run(capsys, f"data={data}", "hidden=3", "epochs=1")
    assert code == 0 and len(lines(out)) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("data=BAD",), "must be 0/1"),
        (("lr=1e6", "momentum=0.9"), "diverged"),
        (("method=xx",), "unknown training method"),
        (("nope=1",), "unknown setting"),
        (("lr=-1",), "learning rate"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.array([[0, 1, 2.0], [1, 0, 1]]))
    args = tuple(a.replace("BAD", str(bad)) for a in args)
    save = tmp_path / "m.npz"
    code, out, err = run(capsys, "hidden=4", "epochs=2", *args, "--save", str(save))
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not save.exists()
