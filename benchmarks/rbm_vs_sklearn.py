"""Held-out exact log-likelihood per sample: statmech's RBM against scikit-learn's
``BernoulliRBM``, 16 hidden units, on the binarized digits, in the same wall-clock time.

For each scikit-learn configuration (its defaults, and a longer run) and each seed,
scikit-learn trains first and its fit time ``t`` is measured; statmech's machine then
trains for whole epochs as long as the next epoch is expected to end within ``t``
(never longer).  Both machines are scored by the exact :math:`\\log p(v)` (log Z by
enumerating the 2^16 hidden states) on the same held-out 20 % of the digits.  The
BLAS is limited to one thread for both (set ``OPENBLAS_NUM_THREADS`` yourself to
change it).

Usage::

    python benchmarks/rbm_vs_sklearn.py [--seeds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

HIDDEN = 16
#: scikit-learn runs: its defaults, and a longer, slower-learning one.
SKLEARN_RUNS = (
    {"learning_rate": 0.1, "batch_size": 10, "n_iter": 10},
    {"learning_rate": 0.02, "batch_size": 10, "n_iter": 50},
)


def split(seed: int):
    from statmech.numeric.rbm import load_digits

    X, _ = load_digits()
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(0.2 * len(X))
    return X[order[n_test:]], X[order[:n_test]]


def sklearn_run(train, test, seed: int, settings: dict):
    from sklearn.neural_network import BernoulliRBM
    from statmech.numeric.rbm import RBM, log_likelihood

    est = BernoulliRBM(n_components=HIDDEN, random_state=seed, **settings)
    start = time.perf_counter()
    est.fit(train)
    elapsed = time.perf_counter() - start
    rbm = RBM(est.components_.T.copy(), est.intercept_visible_.copy(), est.intercept_hidden_.copy())
    return float(log_likelihood(rbm, test).mean()), elapsed


def statmech_run(train, test, seed: int, budget: float, config_kwargs: dict):
    from statmech.numeric.rbm import TrainingConfig, log_likelihood, train_epoch
    from statmech.numeric.rbm.training import initial_state

    config = TrainingConfig(epochs=10**6, seed=seed, **config_kwargs)
    start = time.perf_counter()
    state = initial_state(train, HIDDEN, config)
    longest = 0.0
    while True:
        now = time.perf_counter()
        if now - start + longest > budget:
            break
        train_epoch(state, train, config)
        longest = max(longest, time.perf_counter() - now)
    elapsed = time.perf_counter() - start
    return float(log_likelihood(state.rbm, test).mean()), elapsed, state.epoch


OURS = {"method": "cd", "k": 1, "learning_rate": 0.05, "momentum": 0.5, "batch_size": 20}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds (splits and inits) to average")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    try:
        import sklearn
    except ImportError:
        print("this benchmark needs scikit-learn (pip install scikit-learn)", file=sys.stderr)
        return 2
    rows = []
    for settings in SKLEARN_RUNS:
        for seed in range(args.seeds):
            train, test = split(seed)
            sk_ll, sk_time = sklearn_run(train, test, seed, settings)
            ll, t, epochs = statmech_run(train, test, seed, sk_time, OURS)
            rows.append(
                {
                    "sklearn_settings": settings,
                    "seed": seed,
                    "sklearn_test_log_likelihood": sk_ll,
                    "sklearn_seconds": sk_time,
                    "statmech_test_log_likelihood": ll,
                    "statmech_seconds": t,
                    "statmech_epochs": epochs,
                }
            )
    summary = []
    for settings in SKLEARN_RUNS:
        sel = [r for r in rows if r["sklearn_settings"] == settings]
        sk = np.array([r["sklearn_test_log_likelihood"] for r in sel])
        us = np.array([r["statmech_test_log_likelihood"] for r in sel])
        summary.append(
            {
                "sklearn_settings": settings,
                "sklearn_mean": float(sk.mean()),
                "statmech_mean": float(us.mean()),
                "difference_mean": float((us - sk).mean()),
                "difference_min": float((us - sk).min()),
                "seconds_mean": float(np.mean([r["sklearn_seconds"] for r in sel])),
            }
        )
    result = {
        "hidden": HIDDEN,
        "statmech_settings": OURS,
        "sklearn_version": sklearn.__version__,
        "runs": rows,
        "summary": summary,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"held-out exact log-likelihood per sample, {HIDDEN} hidden units, binarized digits")
    print(f"statmech: {OURS}; sklearn {sklearn.__version__} BernoulliRBM")
    head = f"{'sklearn settings':44s} {'seed':>4s} {'time s':>7s} {'sklearn':>9s} "
    print(head + f"{'statmech':>9s} {'epochs':>6s}")
    for r in rows:
        s = r["sklearn_settings"]
        name = f"lr={s['learning_rate']} batch={s['batch_size']} n_iter={s['n_iter']}"
        print(
            f"{name:44s} {r['seed']:4d} {r['sklearn_seconds']:7.2f} "
            f"{r['sklearn_test_log_likelihood']:9.3f} {r['statmech_test_log_likelihood']:9.3f} "
            f"{r['statmech_epochs']:6d}"
        )
    for s in summary:
        print(
            f"mean over seeds, sklearn {s['sklearn_mean']:.3f}, statmech {s['statmech_mean']:.3f} "
            f"(difference {s['difference_mean']:+.3f}, smallest {s['difference_min']:+.3f}) "
            f"in {s['seconds_mean']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
