"""Data for restricted Boltzmann machines: binarized digits, user arrays, planted machines.

``digits``: the 1,797 8x8 images of scikit-learn's ``load_digits`` (the test part of
the UCI "Optical Recognition of Handwritten Digits" data set, E. Alpaydin and
C. Kaynak, 1998; scikit-learn BSD-3 licence, UCI CC BY 4.0), each pixel (0..16) set to
1 above 7, shipped with the package as ``digits.npz`` (bits packed per image) so that
nothing is downloaded.

User data is a ``.npy`` array of shape (samples, units) with values in {0, 1} (or in
[0, 1] where means are allowed); anything else is refused with a one-line reason.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from ..backend import default_rng
from .machine import RBM, gibbs_step

DIGITS_SOURCE = (
    "UCI optdigits (E. Alpaydin, C. Kaynak 1998, CC BY 4.0) via scikit-learn load_digits "
    "(BSD-3), binarized at pixel > 7"
)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The binarized digits as ``(images, labels)``: images (1797, 64) of 0.0/1.0."""
    with resources.files(__package__).joinpath("digits.npz").open("rb") as f:
        z = np.load(f)
        n = int(z["n_features"])
        images = np.unpackbits(z["images"], axis=1)[:, :n].astype(np.float64)
        return images, z["target"].astype(np.int64)


def validate(data, allow_means: bool = False, what: str = "data") -> np.ndarray:
    """``data`` as a float array of 0/1 rows, or a ``ValueError`` saying what is wrong."""
    a = np.asarray(data)
    if a.ndim != 2:
        raise ValueError(f"{what} must be a 2-d array (samples x units), got shape {a.shape}")
    if a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"{what} is empty (shape {a.shape})")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"{what} must be numeric, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{what} contains NaN or infinite values")
    if allow_means:
        if a.min() < 0 or a.max() > 1:
            raise ValueError(
                f"{what} must lie in [0, 1], found values from {a.min():g} to {a.max():g}"
            )
    else:
        bad = (a != 0) & (a != 1)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(
                f"{what} must be 0/1, found {a[i, j]:g} at row {i}, column {j} "
                f"({int(bad.sum())} such values); binarize it first"
            )
    return a


def load_npy(path: str | Path, allow_means: bool = False) -> np.ndarray:
    """A user's ``.npy`` data file, validated."""
    path = Path(path)
    if path.suffix != ".npy":
        raise ValueError(f"data files must be .npy arrays (samples x units), got {path.name}")
    if not path.exists():
        raise ValueError(f"no data file {path}")
    try:
        a = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    return validate(a, allow_means=allow_means, what=str(path))


def planted_machine(n_visible: int, n_hidden: int, scale: float = 1.0, seed: int = 0) -> RBM:
    """A machine with Gaussian weights of standard deviation ``scale`` and biases that
    keep the units near half on (``b = -W 1/2``, ``c = -W^T 1/2``)."""
    rng = default_rng(seed)
    W = rng.standard_normal((n_visible, n_hidden)) * scale
    return RBM(W, -W.sum(axis=1) / 2, -W.sum(axis=0) / 2)


def sample_machine(rbm: RBM, n: int, sweeps: int = 200, seed: int = 0, start=None):
    """``n`` independent visible samples, each after ``sweeps`` block Gibbs sweeps from a
    random (or ``start``) configuration.  For small machines,
    :func:`exact_samples` draws exactly."""
    xp = rbm.xp
    rng = default_rng(seed, xp)
    v = start if start is not None else (rng.random((n, rbm.n_visible)) < 0.5).astype(xp.float64)
    for _ in range(sweeps):
        v, _h = gibbs_step(rbm, v, rng)
    return v


def exact_samples(rbm: RBM, n: int, seed: int = 0) -> np.ndarray:
    """``n`` visible samples drawn exactly: the visible configurations enumerated with
    their probabilities (at most 20 visible units)."""
    from .machine import free_energy
    from .partition import configurations

    if rbm.n_visible > 20:
        raise ValueError(
            f"exact sampling enumerates 2^{rbm.n_visible} visible states; at most 2^20"
        )
    m = rbm.to(np)
    v = configurations(m.n_visible, 0, 1 << m.n_visible, np)
    logp = -free_energy(m, v)
    p = np.exp(logp - logp.max())
    p /= p.sum()
    rng = default_rng(seed)
    return v[rng.choice(len(v), size=n, p=p)]
