"""``statmech train rbm data=digits hidden=16 ...``: learn a restricted Boltzmann machine.

Each epoch prints one JSON line with the train and test log-likelihood per sample
(exact when the smaller layer has at most 24 units, else with log Z from AIS and its
error bar).  ``--save`` writes the machine (arrays ``W``, visible x hidden,
``visible_bias``, ``hidden_bias``); ``--checkpoint`` saves the training state after
every epoch and resumes from it.  Every input is checked before training starts, and
a failed run writes no ``--save`` file.
"""

from __future__ import annotations

import json
import os
import sys

from ..errors import UserError

NAME = "train"
HELP = "train a restricted Boltzmann machine on data, with exact or AIS log-likelihoods"
ORDER = 25
EXAMPLES = (
    "statmech train rbm data=digits hidden=16 epochs=20",
    "statmech train rbm data=digits hidden=16 method=cd k=10 --save model.npz",
    "statmech train rbm data=mydata.npy hidden=8 --checkpoint run.npz",
    "statmech train rbm data=planted visible=12 planted_hidden=4 hidden=4",
)

#: NAME=VALUE settings: name -> (type, default, help)
SETTINGS = {
    "data": (str, "digits", "digits, planted, or a .npy file of 0/1 rows"),
    "hidden": (int, 16, "hidden units"),
    "epochs": (int, 20, "passes over the training data"),
    "lr": (float, 0.05, "learning rate"),
    "batch": (int, 20, "minibatch size"),
    "method": (str, "pcd", "negative phase: cd, pcd or pt"),
    "k": (int, 1, "Gibbs sweeps per negative phase"),
    "momentum": (float, 0.5, "momentum in [0, 1)"),
    "decay": (float, 0.0, "L2 weight decay"),
    "schedule": (str, "constant", "learning-rate schedule: constant, linear, exponential"),
    "temperatures": (int, 5, "replicas for method=pt"),
    "seed": (int, 0, "random seed (training and the train/test split)"),
    "test": (float, 0.2, "fraction of the data held out for the test log-likelihood"),
    "visible": (int, 12, "visible units of data=planted"),
    "planted_hidden": (int, 4, "hidden units of data=planted"),
    "samples": (int, 2000, "samples drawn for data=planted"),
    "ais_chains": (int, 100, "AIS chains when log Z cannot be enumerated"),
    "ais_betas": (int, 2000, "AIS temperatures"),
}


def add_arguments(p):
    listed = "; ".join(f"{k} ({d[2]}, default {d[1]})" for k, d in SETTINGS.items())
    p.add_argument("machine", choices=["rbm"], help="what to train (rbm)")
    p.add_argument("assignments", nargs="*", metavar="NAME=VALUE", help=listed)
    p.add_argument("--save", metavar="FILE", help="write the trained machine to FILE (.npz)")
    p.add_argument("--checkpoint", metavar="FILE", help="save to and resume from FILE each epoch")
    p.add_argument("--backend", default="numpy", choices=("numpy", "cupy"), help="array backend")


def parse_settings(texts) -> dict:
    out = {k: d[1] for k, d in SETTINGS.items()}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep:
            raise UserError(f"expected NAME=VALUE, got {text!r}")
        if name not in SETTINGS:
            raise UserError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}")
        kind = SETTINGS[name][0]
        try:
            out[name] = kind(value) if kind is not int else int(float(value))
            if kind is int and float(value) != int(float(value)):
                raise ValueError
        except ValueError:
            raise UserError(f"{name} must be {kind.__name__}, got {value!r}") from None
    if not 0 < out["test"] < 1:
        raise UserError(f"test must be a fraction in (0, 1), got {out['test']}")
    return out


def load_data(s: dict):
    """The data rows and the train/test split (by the seed)."""
    import numpy as np

    from statmech.numeric.rbm import exact_samples, load_digits, load_npy, planted_machine

    if s["data"] == "digits":
        X, _ = load_digits()
    elif s["data"] == "planted":
        if s["visible"] > 20:
            raise UserError("data=planted draws exact samples of at most 20 visible units")
        planted = planted_machine(s["visible"], s["planted_hidden"], scale=1.5, seed=s["seed"])
        X = exact_samples(planted, s["samples"], seed=s["seed"] + 1)
    else:
        try:
            X = load_npy(s["data"])
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if len(X) < 2:
        raise UserError(f"need at least 2 data rows to hold some out for testing, got {len(X)}")
    rng = np.random.default_rng(s["seed"])
    order = rng.permutation(len(X))
    n_test = max(1, int(round(s["test"] * len(X))))
    return X[order[n_test:]], X[order[:n_test]]


def _log_z(rbm, train_x, s):
    from statmech.numeric.rbm import ais_log_partition, base_rate_biases, log_partition
    from statmech.numeric.rbm.partition import MAX_ENUMERATED

    if min(rbm.n_visible, rbm.n_hidden) <= MAX_ENUMERATED:
        return log_partition(rbm), 0.0, "exact"
    base = base_rate_biases(train_x, rbm.xp)
    est = ais_log_partition(rbm, s["ais_chains"], s["ais_betas"], seed=s["seed"], base_bias=base)
    return est.log_z, est.error, "ais"


def run(args) -> int:

    from statmech.numeric.backend import asarray, get_backend
    from statmech.numeric.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
    from statmech.numeric.rbm import DivergenceError, TrainingConfig, train_epoch
    from statmech.numeric.rbm.machine import free_energy
    from statmech.numeric.rbm.training import initial_state, load_state_dict, state_dict

    from ..common import check_output_folder
    from ..progress import wanted

    s = parse_settings(args.assignments)
    for path, what in ((args.save, "model"), (args.checkpoint, "checkpoint")):
        if path:
            check_output_folder(path, what)
    if args.checkpoint and args.backend != "numpy":
        raise UserError("--checkpoint needs the numpy backend")
    try:
        config = TrainingConfig(
            method=s["method"],
            k=s["k"],
            learning_rate=s["lr"],
            schedule=s["schedule"],
            momentum=s["momentum"],
            weight_decay=s["decay"],
            batch_size=s["batch"],
            epochs=s["epochs"],
            temperatures=s["temperatures"],
            seed=s["seed"],
        )
        if s["hidden"] < 1:
            raise ValueError(f"hidden must be a positive integer, got hidden={s['hidden']}")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        xp = get_backend(args.backend)
    except Exception as exc:  # BackendUnavailable and friends
        raise UserError(str(exc)) from None
    train_np, test_np = load_data(s)
    train_x, test_x = asarray(train_np, xp), asarray(test_np, xp)
    identity = {k: v for k, v in s.items() if k not in ("epochs", "ais_chains", "ais_betas")}
    if s["schedule"] != "constant":
        identity["epochs"] = s["epochs"]
    identity["verb"] = "train rbm"

    history = []
    state = None
    if args.checkpoint and os.path.exists(args.checkpoint):
        try:
            progress, saved, data = load_checkpoint(args.checkpoint, identity)
        except CheckpointError as exc:
            raise UserError(str(exc)) from None
        state = load_state_dict(saved, xp)
        history = list(data.get("history", []))
        for line in history:
            print(json.dumps(line))
    if state is None:
        state = initial_state(train_x, s["hidden"], config, xp)

    bar = None
    if wanted():
        from tqdm import tqdm

        bar = tqdm(
            total=config.epochs,
            initial=state.epoch,
            desc="epochs",
            unit="epoch",
            file=sys.stderr,
            leave=False,
        )
    try:
        while state.epoch < config.epochs:
            try:
                train_epoch(state, train_x, config)
            except DivergenceError as exc:
                raise UserError(str(exc)) from None
            log_z, err, how = _log_z(state.rbm, train_x, s)
            line = {
                "epoch": state.epoch,
                "train_log_likelihood": float(xp.mean(-free_energy(state.rbm, train_x))) - log_z,
                "test_log_likelihood": float(xp.mean(-free_energy(state.rbm, test_x))) - log_z,
                "log_z": log_z,
                "log_z_error": err,
                "log_z_method": how,
            }
            history.append(line)
            print(json.dumps(line), flush=True)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(test=f"{line['test_log_likelihood']:.3f}")
            if args.checkpoint:
                save_checkpoint(
                    args.checkpoint,
                    identity,
                    {"epoch": state.epoch},
                    state_dict(state),
                    {"history": history},
                )
    finally:
        if bar is not None:
            bar.close()
    if args.save:
        _save_model(args.save, state.rbm)
    return 0


def _save_model(path: str, rbm) -> None:
    """Write W, visible_bias, hidden_bias atomically (a temporary file renamed)."""
    import numpy as np

    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **rbm.to_numpy())
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
