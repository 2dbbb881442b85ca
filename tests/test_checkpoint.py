"""Checkpoints: kill-and-resume is bit-identical; corrupt or foreign files are refused."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from statmech.numeric.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from statmech.numeric.simulation import simulate

from statmech.cli import main

ROOT = Path(__file__).resolve().parent.parent
RUN = dict(sweeps=600, replicas=3, seed=5, every=2)
PARAMS = {"T": 2.4, "J": 1.0, "h": 0.0, "L": 6}


def same_result(a, b):
    assert a.measurements == b.measurements
    for x, y in zip(a.series, b.series, strict=True):
        np.testing.assert_array_equal(x, y)
    assert {k: v.as_dict() for k, v in a.observables.items()} == {
        k: v.as_dict() for k, v in b.observables.items()
    }


class Interrupt:
    """A progress callback that presses Ctrl-C once, after `at` sweeps."""

    def __init__(self, at):
        self.at, self.fired = at, False

    def __call__(self, done, total, running):
        if done >= self.at and not self.fired:
            self.fired = True
            raise KeyboardInterrupt


@pytest.mark.parametrize("at", [50, 400])  # during thermalisation, during measurement
def test_interrupt_and_resume_is_bit_identical(tmp_path, at):
    straight = simulate("ising2d", PARAMS, keep_series=True, **RUN)
    ck = tmp_path / "run.ckpt"
    with pytest.raises(KeyboardInterrupt):
        simulate("ising2d", PARAMS, checkpoint=ck, progress=Interrupt(at), **RUN)
    assert ck.exists()
    resumed = simulate("ising2d", PARAMS, checkpoint=ck, keep_series=True, **RUN)
    same_result(straight, resumed)
    # A finished checkpoint gives the result again without sampling.
    again = simulate("ising2d", PARAMS, checkpoint=ck, keep_series=True, **RUN)
    same_result(straight, again)
    assert [p.name for p in tmp_path.iterdir()] == ["run.ckpt"]  # no temporary files left


def test_curie_weiss_resume_is_bit_identical(tmp_path):
    p = {"T": 1.1, "J": 1.0, "h": 0.05, "N": 20}
    straight = simulate("curie-weiss", p, keep_series=True, **RUN)
    ck = tmp_path / "cw.ckpt"
    with pytest.raises(KeyboardInterrupt):
        simulate("curie-weiss", p, checkpoint=ck, progress=Interrupt(333), **RUN)
    same_result(straight, simulate("curie-weiss", p, checkpoint=ck, keep_series=True, **RUN))


def _progress_of(path):
    with np.load(path) as z:
        return json.loads(str(z["__meta__"]))["progress"]


def test_killed_process_resumes_to_the_same_result(tmp_path):
    """SIGKILL a running `statmech simulate --checkpoint`, run it again, and get
    exactly the numbers of a run that was never interrupted."""
    ck = tmp_path / "killed.ckpt"
    argv = [sys.executable, "-m", "statmech", "simulate", "ising2d", "L=32", "T=2.5"]
    argv += ["--sweeps", "12000", "--replicas", "4", "--seed", "3", "--json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        argv + ["--checkpoint", str(ck), "--checkpoint-every", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not ck.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    progress = _progress_of(ck)
    assert 0 < progress["done"] < 12000 + 2400  # killed part-way
    resumed = subprocess.run(
        argv + ["--checkpoint", str(ck)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    straight = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    a, b = json.loads(resumed.stdout), json.loads(straight.stdout)
    assert a["observables"] == b["observables"]
    assert a["measurements"] == b["measurements"] == 4 * 12000


def test_mismatched_checkpoint_is_refused(tmp_path):
    ck = tmp_path / "a.ckpt"
    simulate("ising2d", PARAMS, checkpoint=ck, **RUN)
    with pytest.raises(CheckpointError, match=r"belongs to another run \(params=.*T.*2\.4"):
        simulate("ising2d", {**PARAMS, "T": 2.5}, checkpoint=ck, **RUN)
    with pytest.raises(CheckpointError, match="seed=5.*this run has seed=6"):
        simulate("ising2d", PARAMS, checkpoint=ck, **{**RUN, "seed": 6})
    with pytest.raises(CheckpointError, match="model=.*ising2d"):
        simulate("ising1d", {"T": 2.4, "J": 1.0, "h": 0.0, "N": 6}, checkpoint=ck, **RUN)
    with pytest.raises(CheckpointError, match="algorithm"):
        simulate("ising2d", PARAMS, checkpoint=ck, algorithm="heat-bath", **RUN)


def test_corrupt_checkpoints_are_refused(tmp_path):
    ck = tmp_path / "c.ckpt"
    simulate("ising2d", PARAMS, checkpoint=ck, **RUN)
    good = ck.read_bytes()
    ck.write_bytes(good[: len(good) // 2])
    with pytest.raises(CheckpointError, match="corrupt"):
        simulate("ising2d", PARAMS, checkpoint=ck, **RUN)
    ck.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match="corrupt or not a checkpoint"):
        simulate("ising2d", PARAMS, checkpoint=ck, **RUN)


def test_tampered_checkpoint_fails_its_checksum(tmp_path):
    ck = tmp_path / "t.ckpt"
    identity = {"run": 1}
    save_checkpoint(ck, identity, {"done": 1}, {"spins": np.ones(4, np.int8)}, {"e": np.zeros(3)})
    progress, sampler, data = load_checkpoint(ck, identity)
    assert progress == {"done": 1} and sampler["spins"].tolist() == [1, 1, 1, 1]
    with np.load(ck) as z:
        parts = {k: z[k] for k in z.files}
    parts["data/e"] = np.ones(3)
    with open(ck, "wb") as f:
        np.savez(f, **parts)
    with pytest.raises(CheckpointError, match="checksum"):
        load_checkpoint(ck, identity)


def test_cli_refuses_a_foreign_checkpoint_in_one_line(tmp_path, capsys):
    ck = tmp_path / "x.ckpt"
    args = ["simulate", "ising1d", "N=6", "T=2", "--sweeps", "200", "--replicas", "2"]
    assert main(args + ["--checkpoint", str(ck), "--json"]) == 0
    capsys.readouterr()
    code = main(args + ["--seed", "9", "--checkpoint", str(ck)])
    err = capsys.readouterr().err
    assert code == 2 and "belongs to another run" in err and err.count("\n") == 1
