r"""Spin glasses in numbers: couplings, exact enumeration, parallel tempering with two
real replicas, overlaps, TAP solutions and the replica-symmetric (RS) theory.

Conventions: :math:`H = -\sum_{i<j} K_{ij} s_i s_j - h\sum_i s_i` with :math:`K` the
symmetric, zero-diagonal coupling matrix (for SK :math:`K_{ij} = J_0/N + (J/\sqrt N)
g_{ij}`).  The overlap of two real replicas :math:`s, t` of one sample is
:math:`q = \frac1N\sum_i s_i t_i`; per sample :math:`\langle q^2\rangle,
\langle q^4\rangle`, then over samples :math:`[\cdot]`; the spin-glass
susceptibility :math:`\chi_{SG} = N[\langle q^2\rangle]` and the Binder cumulant
:math:`g = \frac12\bigl(3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2\bigr)`
(Bhatt and Young 1985).  Error bars over disorder are the standard error of the
per-sample thermal averages; for one sample they come from the time series
(:func:`statmech.numeric.stats.mean_estimate`, the two replicas as two series).

The RS equations (derived in :mod:`statmech.derive.replica`)

.. math::

    m = \mathbb{E}_z\tanh\Xi,\quad q = \mathbb{E}_z\tanh^2\Xi,\quad
    \Xi = \beta(J\sqrt q\,z + J_0 m + h),

are solved in :mod:`statmech.numeric.spin_glass_theory` (re-exported here) with the
trapezoid rule in z and independently in mpmath.

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975);
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978);
D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977);
R. N. Bhatt and A. P. Young, Phys. Rev. Lett. 54, 924 (1985);
K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996).
"""

from __future__ import annotations

import numpy as np

#: Largest N that :func:`enumerate_exact` sums over (2^24 = 16.8 million states).
MAX_EXACT_N = 24


# --------------------------------------------------------------------------
# Couplings


def check_couplings(k, what: str = "the coupling matrix") -> np.ndarray:
    """A symmetric, finite, zero-diagonal N x N matrix, or ValueError in one sentence."""
    k = np.asarray(k, dtype=np.float64)
    if k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise ValueError(f"{what} must be a square N x N matrix, got shape {k.shape}")
    if not np.all(np.isfinite(k)):
        raise ValueError(f"{what} has entries that are not finite (nan or inf)")
    if np.any(np.diag(k) != 0):
        raise ValueError(f"{what} must have a zero diagonal (no self-couplings)")
    if not np.array_equal(k, k.T):
        i, j = np.argwhere(k != k.T)[0]
        raise ValueError(
            f"{what} is not symmetric: J[{i},{j}] = {k[i, j]} but J[{j},{i}] = {k[j, i]}"
        )
    return k


def load_couplings(path: str) -> np.ndarray:
    """Read a symmetric N x N coupling matrix from a ``.npy``, ``.npz`` (one array) or text file."""
    try:
        if str(path).endswith((".txt", ".csv", ".dat")):
            k = np.loadtxt(path, delimiter="," if str(path).endswith(".csv") else None)
        else:
            k = np.load(path, allow_pickle=False)
            if hasattr(k, "files"):
                if len(k.files) != 1:
                    raise ValueError(f"{path} holds {len(k.files)} arrays; give a file with one")
                k = k[k.files[0]]
    except (OSError, ValueError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot read couplings from {path}: {msg}") from None
    return check_couplings(k, f"the coupling matrix in {path}")


def model_couplings(name: str, params: dict, seed: int) -> np.ndarray:
    """The coupling matrix K of the registered model ``name`` (sk, ea, ea2d) for one seed,
    drawn exactly as the model's compiled form draws it."""
    from statmech.derive.registry import get_model

    from .compiled import compile_model

    model = get_model(name)
    values = {p.symbol.name: p.default for p in model.parameters}
    values.update(params)
    values["seed"] = seed
    values.setdefault("T", 1.0)
    return np.array(compile_model(model, values).weight_matrix, dtype=np.float64)


def neighbour_table(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse form of a lattice coupling matrix: ``(nb, w)`` of shape ``(N, z)``, the
    neighbours of every site and their couplings (padded with weight 0)."""
    k = np.asarray(k)
    counts = (k != 0).sum(axis=1)
    z = int(counts.max()) if k.size else 0
    nb = np.zeros((k.shape[0], z), dtype=np.int64)
    w = np.zeros((k.shape[0], z))
    for i in range(k.shape[0]):
        idx = np.nonzero(k[i])[0]
        nb[i, : len(idx)] = idx
        w[i, : len(idx)] = k[i, idx]
    return nb, w


def two_colouring(nb: np.ndarray) -> np.ndarray | None:
    """A colour 0/1 per site with no bond inside a colour, or None (odd cycles)."""
    n = nb.shape[0]
    colour = -np.ones(n, dtype=np.int64)
    for start in range(n):
        if colour[start] >= 0:
            continue
        colour[start] = 0
        stack = [start]
        while stack:
            i = stack.pop()
            for j in nb[i]:
                if colour[j] < 0:
                    colour[j] = 1 - colour[i]
                    stack.append(j)
                elif colour[j] == colour[i] and j != i:
                    return None
    return colour


# --------------------------------------------------------------------------
# Exact enumeration


def _spins(n: int, start: int, count: int) -> np.ndarray:
    idx = np.arange(start, start + count, dtype=np.int64)
    bits = (idx[:, None] >> np.arange(n, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.float64)


def enumerate_exact(k, temperatures, h: float = 0.0, correlations: bool = True) -> dict:
    """Sum over all :math:`2^N` states of one sample (N <= :data:`MAX_EXACT_N`), batched.

    Returns per temperature ``f`` (free energy per spin), ``e`` (energy per spin), ``c``
    (heat capacity per spin), ``m2`` (:math:`\\langle m^2\\rangle`), ``abs_m`` and, with
    ``correlations``, ``q2`` = :math:`\\langle q^2\\rangle = N^{-2}\\sum_{ij}\\langle
    s_is_j\\rangle^2` for two independent replicas, and ``c2`` the mean over pairs
    :math:`i<j` of :math:`\\langle s_is_j\\rangle^2`.

    Energies are shifted by the ground-state energy before exponentiating, so low
    temperatures do not overflow.
    """
    k = check_couplings(k)
    n = k.shape[0]
    if n > MAX_EXACT_N:
        raise ValueError(
            f"exact enumeration sums 2^N states and stops at N = {MAX_EXACT_N}; N = {n} is "
            "too large (use simulate)"
        )
    temps = np.atleast_1d(np.asarray(temperatures, dtype=np.float64))
    if np.any(~np.isfinite(temps)) or np.any(temps <= 0):
        raise ValueError("temperatures must be positive and finite")
    beta = 1.0 / temps
    # split the spins: low bits enumerated once, high bits one block at a time
    lo = min(n, 12)
    hi = n - lo
    s_lo = _spins(lo, 0, 1 << lo)
    k_ll = k[:lo, :lo]
    e_lo = -0.5 * np.einsum("ai,ij,aj->a", s_lo, k_ll, s_lo) - h * s_lo.sum(1)
    s_hi_all = _spins(hi, 0, 1 << hi) if hi else np.zeros((1, 0))
    k_hh, k_hl = k[lo:, lo:], k[lo:, :lo]
    e_hi_all = -0.5 * np.einsum("ai,ij,aj->a", s_hi_all, k_hh, s_hi_all) - h * s_hi_all.sum(1)
    block = 1 << max(0, min(hi, 20 - lo))  # high-bit states per batch
    # first pass: the ground-state energy
    e_min = np.inf
    for b0 in range(0, len(s_hi_all), block):
        sh = s_hi_all[b0 : b0 + block]
        e = e_hi_all[b0 : b0 + block, None] + e_lo[None, :] - (sh @ k_hl) @ s_lo.T
        e_min = min(e_min, float(e.min()))
    nt = len(temps)
    z = np.zeros(nt)
    e1 = np.zeros(nt)
    e2 = np.zeros(nt)
    m2 = np.zeros(nt)
    am = np.zeros(nt)
    corr = np.zeros((nt, n, n)) if correlations else None
    for b0 in range(0, len(s_hi_all), block):
        sh = s_hi_all[b0 : b0 + block]
        e = e_hi_all[b0 : b0 + block, None] + e_lo[None, :] - (sh @ k_hl) @ s_lo.T
        de = (e - e_min).reshape(-1)
        mag = (sh.sum(1)[:, None] + s_lo.sum(1)[None, :]).reshape(-1) / n
        w = np.exp(-beta[:, None] * de[None, :])  # (T, states)
        z += w.sum(1)
        e1 += w @ de
        e2 += w @ (de * de)
        m2 += w @ (mag * mag)
        am += w @ np.abs(mag)
        if correlations:
            s = np.concatenate(
                [np.repeat(s_lo[None], len(sh), 0), np.repeat(sh[:, None], 1 << lo, 1)], axis=2
            ).reshape(-1, n)
            for t in range(nt):
                corr[t] += s.T @ (w[t][:, None] * s)
    mean_e = e1 / z
    out = {
        "T": temps,
        "N": n,
        "f": (e_min - temps * np.log(z)) / n,
        "e": (mean_e + e_min) / n,
        "c": (e2 / z - mean_e**2) * beta**2 / n,
        "m2": m2 / z,
        "abs_m": am / z,
        "e_ground": e_min / n,
    }
    if correlations:
        c = corr / z[:, None, None]
        out["q2"] = (c**2).sum(axis=(1, 2)) / n**2
        iu = np.triu_indices(n, 1)
        out["c2"] = (c[:, iu[0], iu[1]] ** 2).mean(axis=1)
    return out


def quenched_energy(n: int, temperature: float, c2, J: float = 1.0):
    r"""The disorder-averaged energy per spin of SK at :math:`J_0 = h = 0`, finite N, from
    Gaussian integration by parts: :math:`[\langle E\rangle]/N = -(1 - 1/N)
    \frac{\beta J^2}{2}(1 - c_2)` with :math:`c_2 = [\langle s_is_j\rangle^2]` averaged
    over pairs.  At :math:`c_2 = 0` this is the annealed :math:`-(1-1/N)\beta J^2/2`."""
    return -(1.0 - 1.0 / n) * J**2 / (2.0 * temperature) * (1.0 - np.asarray(c2))


# Parallel tempering, TAP solutions and the replica-symmetric theory live in their own
# modules.
from .spin_glass_pt import (  # noqa: E402, F401 - re-exported
    MIN_ACCEPTANCE,
    MIN_ROUND_TRIPS,
    PTResult,
    binder_g,
    binder_jackknife,
    check_pt_memory,
    parallel_tempering,
    pt_bytes,
    sample_jackknife,
    single_sample_estimates,
    xi_jackknife,
    xi_over_l,
)
from .spin_glass_theory import (  # noqa: E402, F401 - re-exported
    TapSolutions,
    at_line,
    extrapolate_ground_state,
    phase_diagram,
    rs_averages,
    rs_solve,
    rs_solve_mp,
    tap_free_energy,
    tap_hessian,
    tap_minima,
    tap_solutions,
)
