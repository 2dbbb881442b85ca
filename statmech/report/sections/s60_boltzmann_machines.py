"""Boltzmann machines: learning the couplings from data, with exact likelihoods."""

import numpy as np

from statmech.derive import check, derivations, get_model
from statmech.derive.render import tex_prose, to_latex_body, to_markdown_body
from statmech.numeric.rbm import (
    TrainingConfig,
    ais_log_partition,
    base_rate_biases,
    load_digits,
    log_likelihood,
    log_partition,
    sample_machine,
    train,
)

from .. import Section
from ._figures import pyplot, save

# After spin glasses and the Hopfield network, as in the outline: the Boltzmann machine is
# the Hopfield energy made a probability and learned.
ORDER = 67
TITLE = "Boltzmann machines: learning as statistical mechanics"

INTRO = (
    "A restricted Boltzmann machine turns the Boltzmann distribution around: its couplings "
    "$W$ and biases are learned so that $p(v) = e^{-F(v)}/Z$ matches data. The derivations "
    "give the factorised conditionals, the free energy and the gradient as data term minus "
    "model term; the figures train 16 hidden units on the binarized $8 \\times 8$ digits "
    "(1,797 images, 20 % held out) and score every epoch by the exact log-likelihood "
    "($\\log Z$ by enumerating the $2^{16}$ hidden states). Annealed importance sampling "
    "is checked against that exact $\\log Z$."
)

METHODS = (
    ("CD-1", {"method": "cd", "k": 1}),
    ("CD-10", {"method": "cd", "k": 10}),
    ("PCD", {"method": "pcd", "k": 1}),
    ("PT", {"method": "pt", "k": 1, "temperatures": 5}),
)


def _split():
    X, _ = load_digits()
    order = np.random.default_rng(0).permutation(len(X))
    n_test = int(0.2 * len(X))
    return X[order[n_test:]], X[order[:n_test]]


def _images(ax_grid, rows, title_plt):
    for ax, row in zip(ax_grid.ravel(), rows, strict=False):
        ax.imshow(row.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])


def _figures(ctx):
    plt = pyplot()
    train_x, test_x = _split()
    epochs = 5 if ctx.quick else 30
    curves, machines = {}, {}
    for label, kw in METHODS:
        config = TrainingConfig(epochs=epochs, seed=0, learning_rate=0.05, **kw)
        ll = []
        state = train(
            train_x,
            16,
            config,
            callback=lambda s, ll=ll: ll.append(float(log_likelihood(s.rbm, test_x).mean())),
        )
        curves[label], machines[label] = ll, state.rbm
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for label, ll in curves.items():
        ax.plot(np.arange(1, len(ll) + 1), ll, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test log-likelihood per image (nats)")
    ax.legend()
    save(fig, ctx.figure_path("rbm_test_loglik.png"))

    best = max(curves, key=lambda k: curves[k][-1])
    rbm = machines[best]
    fig, axes = plt.subplots(4, 8, figsize=(6, 3.2))
    _images(axes, sample_machine(rbm, 32, sweeps=200 if ctx.quick else 1000, seed=1), plt)
    save(fig, ctx.figure_path("rbm_samples.png"))

    fig, axes = plt.subplots(2, 8, figsize=(6, 1.8))
    _images(axes, np.asarray(rbm.W).T, plt)
    save(fig, ctx.figure_path("rbm_filters.png"))

    base = base_rate_biases(train_x, np)
    rows = []
    for label, m in machines.items():
        exact = log_partition(m)
        est = ais_log_partition(m, 100, 1000 if ctx.quick else 5000, seed=2, base_bias=base)
        rows.append((label, exact, est.log_z, est.error))
    fig, ax = plt.subplots(figsize=(5.0, 3.4))
    x = np.arange(len(rows))
    ax.errorbar(x, [r[2] - r[1] for r in rows], yerr=[r[3] for r in rows], fmt="o", capsize=4)
    ax.axhline(0.0, color="gray", ls=":")
    ax.set_xticks(x, [r[0] for r in rows])
    ax.set_ylabel("AIS $\\log Z$ $-$ exact $\\log Z$")
    save(fig, ctx.figure_path("rbm_ais.png"))
    return best, {k: v[-1] for k, v in curves.items()}, rows


def build(ctx) -> Section:
    model = get_model("rbm")
    ds = derivations(model)
    for d in ds:
        check(d)
    best, final, rows = _figures(ctx)
    md_table = [
        "| training | test log-likelihood | exact $\\log Z$ | AIS $\\log Z$ |",
        "|---|---|---|---|",
    ]
    md_table += [
        f"| {label} | {final[label]:.3f} | {exact:.4f} | {est:.4f} $\\pm$ {err:.4f} |"
        for label, exact, est, err in rows
    ]
    tex_table = [
        "\\begin{tabular}{lrrr}",
        "training & test $\\log p$ & exact $\\log Z$ & AIS $\\log Z$ \\\\ \\hline",
    ]
    tex_table += [
        f"{label} & {final[label]:.3f} & {exact:.4f} & {est:.4f} $\\pm$ {err:.4f} \\\\"
        for label, exact, est, err in rows
    ]
    tex_table.append("\\end{tabular}")
    caps = {
        "rbm_test_loglik.png": "Held-out exact log-likelihood per image against epochs, "
        "16 hidden units, for four negative phases.",
        "rbm_samples.png": f"Samples drawn by block Gibbs sampling from the {best} machine.",
        "rbm_filters.png": f"The learned filters: the 16 columns of W of the {best} machine.",
        "rbm_ais.png": "AIS estimates of log Z (100 chains) minus the exact value, with "
        "their error bars, for the four trained machines.",
    }
    md = [INTRO, to_markdown_body(ds, check=True, level=3), "\n".join(md_table)]
    tex = [tex_prose(INTRO), to_latex_body(ds, check=True), "\n".join(tex_table)]
    for name, cap in caps.items():
        md.append(ctx.figure_markdown(name, cap))
        tex.append(ctx.figure_latex(name, cap))
    return Section(TITLE, "\n\n".join(md), "\n\n".join(tex), list(caps))
