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

are solved here with the trapezoid rule in z (:func:`rs_solve`, vectorised over
parameter grids, for the phase diagram and the AT line) and independently in
mpmath with adaptive quadrature (:func:`rs_solve_mp`).

References
----------
D. Sherrington and S. Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975);
J. R. L. de Almeida and D. J. Thouless, J. Phys. A 11, 983 (1978);
D. J. Thouless, P. W. Anderson and R. G. Palmer, Phil. Mag. 35, 593 (1977);
R. N. Bhatt and A. P. Young, Phys. Rev. Lett. 54, 924 (1985);
K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from .backend import asarray, default_rng, get_backend, to_numpy

#: Largest N that :func:`enumerate_exact` sums over (2^24 = 16.8 million states).
MAX_EXACT_N = 24
#: Swap acceptance below this at any neighbouring pair gets a warning.
MIN_ACCEPTANCE = 0.1
#: Fewer round trips per walker than this get a warning.
MIN_ROUND_TRIPS = 1


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


# --------------------------------------------------------------------------
# Parallel tempering: samples x two real replicas x temperatures, batched


@dataclass
class PTResult:
    """What :func:`parallel_tempering` measured; arrays on the host.

    ``energy``, ``q2``, ``q4``, ``abs_q``: per-sample thermal averages, shape
    ``(samples, temperatures)`` (energies per spin, averaged over the two replicas);
    ``energy2`` the mean of :math:`(E/N)^2`; ``series`` time series of ``e`` and ``q2``
    of shape ``(measurements, samples, replicas, temperatures)`` when kept;
    ``pq`` histogram of q (``(samples, temperatures, N + 1)``, bins at
    q = -1, -1 + 2/N, ..., 1); ``acceptance`` per neighbouring pair and sample;
    ``round_trips`` per sample.
    """

    temperatures: np.ndarray
    n: int
    sweeps: int
    energy: np.ndarray
    energy2: np.ndarray
    q2: np.ndarray
    q4: np.ndarray
    abs_q: np.ndarray
    pq: np.ndarray
    acceptance: np.ndarray
    round_trips: np.ndarray
    series: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    e_min: np.ndarray | None = None  # lowest energy per spin seen, per sample
    seconds: float = 0.0

    def heat_capacity(self) -> np.ndarray:
        """Per sample: :math:`N(\\langle e^2\\rangle - \\langle e\\rangle^2)/T^2`."""
        return self.n * (self.energy2 - self.energy**2) / self.temperatures**2

    def disorder_average(self) -> dict:
        """Means over samples with standard errors: e, c, q2, q4, abs_q, chi_SG, binder."""
        s = self.energy.shape[0]

        def avg(x):
            mean = x.mean(axis=0)
            err = x.std(axis=0, ddof=1) / math.sqrt(s) if s > 1 else np.full_like(mean, np.nan)
            return mean, err

        out = {
            name: avg(x)
            for name, x in (
                ("e", self.energy),
                ("c", self.heat_capacity()),
                ("q2", self.q2),
                ("q4", self.q4),
                ("abs_q", self.abs_q),
                ("chi_SG", self.n * self.q2),
            )
        }
        out["binder"] = binder_jackknife(self.q2, self.q4)
        return out

    def p_of_q(self) -> tuple[np.ndarray, np.ndarray]:
        """Bins of q and the disorder-averaged P(q) per temperature (a density, per unit q)."""
        q = np.linspace(-1.0, 1.0, self.n + 1)
        p = self.pq.mean(axis=0)
        p = p / p.sum(axis=-1, keepdims=True) / (2.0 / self.n)
        return q, p


def binder_jackknife(q2: np.ndarray, q4: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binder cumulant of q over samples, ``(mean, error)`` by the jackknife over samples."""

    def g(a, b):
        return 0.5 * (3.0 - b / a**2)

    s = q2.shape[0]
    full = g(q2.mean(0), q4.mean(0))
    if s < 2:
        return full, np.full_like(full, np.nan)
    tot2, tot4 = q2.sum(0), q4.sum(0)
    jk = np.array([g((tot2 - q2[i]) / (s - 1), (tot4 - q4[i]) / (s - 1)) for i in range(s)])
    err = np.sqrt((s - 1) / s * ((jk - jk.mean(0)) ** 2).sum(0))
    return full, err


class _Couplings:
    """Dense (``(S, N, N)``) or sparse (neighbour table, ``(S, N, z)`` weights) couplings
    on the device, with the local field and the update after flips."""

    def __init__(self, ks, xp, sparse: bool):
        self.xp = xp
        ks = [check_couplings(k) for k in ks]
        self.n = ks[0].shape[0]
        if any(k.shape != ks[0].shape for k in ks):
            raise ValueError("every sample must have the same number of spins")
        self.sparse = sparse
        if sparse:
            tables = [neighbour_table(k) for k in ks]
            nb = tables[0][0]
            if any(not np.array_equal(t[0], nb) for t in tables):
                # same lattice, different zero bonds: use the union pattern of sample 0's
                # graph is not enough; fall back to dense
                self.sparse = False
            else:
                colour = two_colouring(nb)
                if colour is None:
                    self.sparse = False
                else:
                    self.nb = asarray(nb, xp)
                    self.w = asarray(np.stack([t[1] for t in tables]), xp)  # (S, N, z)
                    self.colours = []
                    for c in (0, 1):
                        sites = np.nonzero(colour == c)[0]
                        self.colours.append(
                            (
                                asarray(sites, xp),
                                asarray(nb[sites], xp),
                                self.w[:, None, None, asarray(sites, xp), :].copy(),
                            )
                        )
        self.k = asarray(np.stack(ks), xp)  # (S, N, N), also for energies

    def fields(self, s):
        """Local fields :math:`\\sum_j K_{ij}s_j`, s of shape ``(S, R, T, N)``."""
        if self.sparse:
            return (self.w[:, None, None] * s[..., self.nb]).sum(-1)
        ns, nr, nt, n = s.shape
        return (s.reshape(ns, nr * nt, n) @ self.k).reshape(s.shape)  # K symmetric


def parallel_tempering(
    couplings,
    temperatures,
    sweeps: int = 2000,
    thermalization: int | None = None,
    seed: int = 0,
    h: float = 0.0,
    replicas: int = 2,
    exchange_every: int = 1,
    backend: str = "numpy",
    keep_series: bool = False,
    measure: bool = True,
    lattice: bool | None = None,
) -> PTResult:
    r"""Metropolis parallel tempering of many samples, each with ``replicas`` real
    replicas at every temperature, all batched in arrays of shape
    ``(samples, replicas, temperatures, N)``.

    Parameters
    ----------
    couplings : array (N, N) or sequence of them (one per disorder sample)
    temperatures : increasing ladder, at least two
    sweeps : measured sweeps (after ``thermalization``, default ``sweeps // 4``)
    lattice : update a two-colourable sparse lattice by checkerboard (default: when
        at most 16 couplings per site); otherwise sequential sweeps with fields kept
        incrementally (dense SK).

    A sweep is N attempted flips per replica; every ``exchange_every`` sweeps the
    configurations of neighbouring temperatures (same sample, same replica copy) are
    offered a swap with probability :math:`\min(1, e^{(\beta_a-\beta_b)(E_a-E_b)})`,
    even and odd pairs alternating.  Round trips: a walker's visit to the lowest
    temperature, then the highest, then the lowest again.
    """
    import time

    xp = get_backend(backend)
    temps = np.asarray(temperatures, dtype=np.float64).reshape(-1)
    if temps.size < 2:
        raise ValueError(
            f"parallel tempering needs at least two temperatures (a ladder), got {temps.size}"
        )
    if np.any(~np.isfinite(temps)) or np.any(temps <= 0) or np.any(np.diff(temps) <= 0):
        raise ValueError("the temperatures must be positive, finite and increasing")
    if replicas < 1 or sweeps < 1 or exchange_every < 1:
        raise ValueError("replicas, sweeps and exchange_every must be positive")
    ks = [couplings] if np.ndim(couplings) == 2 else list(couplings)
    z_max = int(max((np.asarray(k) != 0).sum(1).max() for k in ks))
    sparse = (z_max <= 16) if lattice is None else lattice
    bonds = _Couplings(ks, xp, sparse)
    n, ns, nt, nr = bonds.n, len(ks), temps.size, replicas
    therm = sweeps // 4 if thermalization is None else int(thermalization)
    rng = default_rng(seed, xp)
    beta = asarray(1.0 / temps, xp)  # (T,)
    s = xp.where(rng.random((ns, nr, nt, n)) < 0.5, -1.0, 1.0)
    f = bonds.fields(s)
    walker = xp.broadcast_to(xp.arange(nt), (ns, nr, nt)).copy()
    # direction: +1 heading up after visiting the bottom, -1 heading down after the top
    direction = xp.zeros((ns, nr, nt), dtype=xp.int64)
    trips = xp.zeros((ns, nr), dtype=xp.int64)
    accepted = xp.zeros((ns, nt - 1))
    offered = xp.zeros(nt - 1)
    sums = {k_: xp.zeros((ns, nt)) for k_ in ("e", "e2", "q2", "q4", "aq")}
    hist = xp.zeros((ns, nt, n + 1)) if (measure and nr >= 2) else None
    series = {"e": [], "q2": []}
    rounds = 0
    e_min = xp.full(ns, xp.inf)
    b_col = beta[None, None, :, None]

    def energy(s, f):
        return -0.5 * (s * f).sum(-1) - h * s.sum(-1)  # (S, R, T)

    def sweep(s, f):
        if bonds.sparse:
            for sites, nbs, w in bonds.colours:
                loc = (w * s[..., nbs]).sum(-1)  # (S, R, T, M)
                si = s[..., sites]
                de = 2.0 * si * (loc + h)
                u = rng.random(si.shape)
                flip = u < xp.exp(-xp.clip(b_col * de, 0.0, None))
                s[..., sites] = xp.where(flip, -si, si)
            return s, None
        for i in range(n):
            si = s[..., i]
            de = 2.0 * si * (f[..., i] + h)
            flip = rng.random(si.shape) < xp.exp(-xp.clip(beta * de, 0.0, None))
            d = xp.where(flip, -2.0 * si, 0.0)  # change of s_i
            s[..., i] = si + d
            f += d[..., None] * bonds.k[:, None, None, i, :]
        return s, f

    def exchange(s, f, parity):
        nonlocal rounds
        e = energy(s, f if f is not None else bonds.fields(s))
        lo = xp.arange(parity, nt - 1, 2)
        if lo.size == 0:
            return s, f
        hi_ = lo + 1
        log_acc = (beta[lo] - beta[hi_]) * (e[..., lo] - e[..., hi_])
        u = rng.random(log_acc.shape)
        acc = xp.log(xp.maximum(u, 1e-300)) < xp.minimum(log_acc, 0.0)  # (S, R, P)
        perm = xp.broadcast_to(xp.arange(nt), (ns, nr, nt)).copy()
        perm_lo = xp.where(acc, hi_, lo)
        perm_hi = xp.where(acc, lo, hi_)
        perm[..., lo] = perm_lo
        perm[..., hi_] = perm_hi
        idx = perm[..., None]
        s = xp.take_along_axis(s, xp.broadcast_to(idx, s.shape), axis=2)
        if f is not None:
            f = xp.take_along_axis(f, xp.broadcast_to(idx, f.shape), axis=2)
        w = xp.take_along_axis(walker, perm, axis=2)
        dr = xp.take_along_axis(direction, perm, axis=2)
        walker[...] = w
        direction[...] = dr
        # round trips: at the bottom, a walker heading down completes one
        bottom, top = direction[..., 0], direction[..., -1]
        trips[...] += bottom == -1
        direction[..., 0] = 1
        direction[..., -1] = xp.where(top == 1, -1, xp.where(top == 0, 0, -1))
        accepted[:, lo] += acc.mean(axis=1)
        offered[lo] += 1
        rounds += 1
        return s, f

    t0 = time.perf_counter()
    for step in range(therm + sweeps):
        s, f_new = sweep(s, f)
        f = f_new
        if (step + 1) % exchange_every == 0:
            s, f = exchange(s, f, ((step + 1) // exchange_every) % 2)
        if step < therm or not measure:
            continue
        loc = f if f is not None else bonds.fields(s)
        e = energy(s, loc) / n  # (S, R, T)
        e_min = xp.minimum(e_min, e.min(axis=(1, 2)))
        sums["e"] += e.mean(1)
        sums["e2"] += (e * e).mean(1)
        if nr >= 2:
            q = (s[:, 0] * s[:, 1]).sum(-1)  # integer overlap times N, (S, T)
            qn = q / n
            sums["q2"] += qn**2
            sums["q4"] += qn**4
            sums["aq"] += xp.abs(qn)
            bins = xp.rint((q + n) / 2).astype(xp.int64)
            hist += (bins[..., None] == xp.arange(n + 1)).astype(hist.dtype)
            if keep_series:
                series["q2"].append(to_numpy(qn**2))
        if keep_series:
            series["e"].append(to_numpy(e))
    if xp is not np:
        from .backend import synchronize

        synchronize(xp)
    seconds = time.perf_counter() - t0
    count = max(sweeps, 1) if measure else 1
    acc_rate = to_numpy(accepted) / np.maximum(to_numpy(offered), 1)
    result = PTResult(
        temperatures=temps,
        n=n,
        sweeps=sweeps,
        energy=to_numpy(sums["e"]) / count,
        energy2=to_numpy(sums["e2"]) / count,
        q2=to_numpy(sums["q2"]) / count,
        q4=to_numpy(sums["q4"]) / count,
        abs_q=to_numpy(sums["aq"]) / count,
        pq=to_numpy(hist) if hist is not None else np.zeros((ns, nt, n + 1)),
        acceptance=acc_rate,
        round_trips=to_numpy(trips).sum(axis=1),
        series={k_: np.array(v) for k_, v in series.items() if v},
        seconds=seconds,
        e_min=to_numpy(e_min),
    )
    low = acc_rate.min() if acc_rate.size else 1.0
    if low < MIN_ACCEPTANCE:
        result.warnings.append(
            f"swap acceptance falls to {low:.3f} at some neighbouring pair (below "
            f"{MIN_ACCEPTANCE}); add temperatures there"
        )
    trips_per_walker = result.round_trips.min() / (nr * nt)
    if trips_per_walker < MIN_ROUND_TRIPS:
        result.warnings.append(
            f"only {result.round_trips.min()} round trips in some sample ({nr * nt} walkers); "
            "the ladder may not be equilibrated: run longer or add temperatures"
        )
    return result


def single_sample_estimates(result: PTResult) -> dict:
    """For a run of one sample with ``keep_series``: ``e`` and ``q2`` per temperature as
    :class:`~statmech.numeric.stats.Estimate` (autocorrelation-aware error bars, the
    replicas as independent series)."""
    from .stats import mean_estimate

    out = {"e": [], "q2": []}
    e = result.series["e"]  # (M, S, R, T)
    for t in range(len(result.temperatures)):
        out["e"].append(mean_estimate(e[:, 0, :, t].T))
        if "q2" in result.series:
            out["q2"].append(mean_estimate(result.series["q2"][None, :, 0, t]))
    return out


# --------------------------------------------------------------------------
# TAP


@dataclass
class TapSolutions:
    """Distinct TAP solutions of one sample: magnetizations ``m`` (K, N), free energies
    per spin ``f`` (K,), how many starts reached each (``hits``), q_EA per solution, and
    how many starts did not converge."""

    m: np.ndarray
    f: np.ndarray
    hits: np.ndarray
    q_ea: np.ndarray
    failed: int
    starts: int
    plefka: np.ndarray = None


def tap_free_energy(k, m, temperature: float, h: float = 0.0) -> np.ndarray:
    r"""TAP free energy per spin, rows of ``m``:
    :math:`-\sum_{i<j}K_{ij}m_im_j - h\sum m_i - \frac\beta2\sum_{i<j}K_{ij}^2(1-m_i^2)
    (1-m_j^2) - T\sum_i S(m_i)` divided by N, with S the entropy of a spin of mean m."""
    m = np.atleast_2d(m)
    beta = 1.0 / temperature
    n = m.shape[1]
    pair = 0.5 * np.einsum("ki,ij,kj->k", m, k, m)
    one = 1.0 - m**2
    onsager = 0.25 * beta * np.einsum("ki,ij,kj->k", one, k**2, one)
    p, mm = (1 + m) / 2, (1 - m) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -(np.where(p > 0, p * np.log(p), 0.0) + np.where(mm > 0, mm * np.log(mm), 0.0))
    return (-pair - h * m.sum(1) - onsager - temperature * ent.sum(1)) / n


def _tap_residual(k, k2, m, beta, h):
    w = (1.0 - m**2) @ k2
    return np.tanh(beta * (h + m @ k - beta * m * w)) - m


def tap_solutions(
    k,
    temperature: float,
    h: float = 0.0,
    starts: int = 100,
    seed: int = 0,
    damping: float = 0.9,
    max_iter: int = 20000,
    tol: float = 1e-10,
    distinct: float = 1e-6,
) -> TapSolutions:
    r"""Fixed points of the TAP map :math:`m_i \leftarrow \tanh\beta(h + \sum_j K_{ij}m_j
    - \beta m_i\sum_j K_{ij}^2(1 - m_j^2))` (:func:`statmech.derive.tap.tap_map`), iterated
    in parallel and damped (``m <- damping m + (1 - damping) map(m)``) from ``starts``
    random starts plus m = 0, merged when closer than ``distinct`` (max norm); only starts
    whose map residual falls below ``tol`` count.  ``plefka`` per solution is
    :math:`1 - \beta^2 N^{-1}\sum_i(1 - m_i^2)^2`, which must be >= 0 for the TAP
    expansion to hold (Plefka 1982).

    Limitation: at h = 0 below T_c the damped parallel map is attracted to m = 0 (a
    solution that violates Plefka's condition there) from every start; the nontrivial
    solutions need another scheme (not done here)."""
    k = check_couplings(k)
    n = k.shape[0]
    beta = 1.0 / temperature
    rng = np.random.default_rng(seed)
    m = rng.uniform(-1, 1, (starts, n))
    m[0] = 0.0
    k2 = k**2
    done = np.zeros(starts, dtype=bool)
    for _ in range(max_iter):
        r = _tap_residual(k, k2, m, beta, h)
        done |= np.abs(r).max(axis=1) < tol
        if done.all():
            break
        m = np.where(done[:, None], m, m + (1.0 - damping) * r)
    good = np.abs(_tap_residual(k, k2, m, beta, h)).max(axis=1) < tol
    sols, hits = [], []
    for row in m[good]:
        for i, s in enumerate(sols):
            if np.abs(s - row).max() < distinct:
                hits[i] += 1
                break
        else:
            sols.append(row)
            hits.append(1)
    ms = np.array(sols).reshape(-1, n)
    f = tap_free_energy(k, ms, temperature, h) if len(sols) else np.zeros(0)
    order = np.argsort(f)
    ms = ms[order]
    return TapSolutions(
        m=ms,
        f=f[order],
        hits=np.array(hits, dtype=int)[order],
        q_ea=(ms**2).mean(axis=1),
        failed=int((~good).sum()),
        starts=starts,
        plefka=1.0 - beta**2 * ((1.0 - ms**2) ** 2).mean(axis=1),
    )


# --------------------------------------------------------------------------
# Replica-symmetric theory


@functools.lru_cache(maxsize=16)
def _trapezoid(points: int, half_width: float = 10.0):
    z = np.linspace(-half_width, half_width, points)
    w = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) * (z[1] - z[0])
    return z, w


def _points(T, J) -> int:
    r"""Points of the trapezoid rule on [-10, 10] for an error below 1e-17.

    The integrands are analytic in the strip :math:`|\mathrm{Im}\,z| < d` with
    :math:`d = \pi T/(2J\sqrt q) \ge \pi T/(2J)` (the poles of tanh), where the
    trapezoid rule converges as :math:`e^{-2\pi d/\Delta z}` (Trefethen and Weideman,
    SIAM Rev. 56, 385 (2014)); the tail beyond |z| = 10 weighs below 1e-22."""
    ratio = float(np.min(np.asarray(T, float) / np.abs(np.asarray(J, float))))
    d = math.pi * max(ratio, 1e-3) / 2.0
    step = min(0.05, 2.0 * math.pi * d / 40.0)
    return int(2 * math.ceil(10.0 / step) + 1)


def rs_averages(m, q, T, J=1.0, J0=0.0, h=0.0, points: int | None = None):
    r"""Gaussian averages at the RS point, broadcasting the arguments:
    ``(E tanh, E tanh^2, E sech^4, E sech^2, E sech^2 tanh, E sech^2 tanh^2)`` of
    :math:`\Xi`, by the trapezoid rule in z (exponentially convergent here, where
    Gauss-Hermite converges only as :math:`e^{-c\sqrt n}` because of tanh's poles)."""
    m, q, T, J, J0, h = np.broadcast_arrays(*(np.asarray(a, float) for a in (m, q, T, J, J0, h)))
    z, w = _trapezoid(points or _points(T, J))
    xi = (J[..., None] * np.sqrt(np.maximum(q, 0))[..., None] * z + (J0 * m + h)[..., None]) / T[
        ..., None
    ]
    t = np.tanh(xi)
    s2 = 1 - t * t
    return t @ w, (t * t) @ w, (s2 * s2) @ w, s2 @ w, (s2 * t) @ w, (s2 * t * t) @ w


def rs_solve(T, J=1.0, J0=0.0, h=0.0, m0=1.0, q0=1.0, iterations: int = 200, newton: int = 30):
    r"""The RS solution reached from ``(m0, q0)``: ``iterations`` steps of the fixed-point
    map (which lead to the attracting, physical branch), then Newton's method on
    :math:`(m - \mathbb{E}\tanh\Xi,\ q - \mathbb{E}\tanh^2\Xi)` with the Jacobian by
    Stein's lemma (:math:`\partial_q\mathbb{E}g(\Xi) = \frac{\beta^2J^2}{2}
    \mathbb{E}g''(\Xi)`), vectorised over broadcast parameters.

    Returns ``(m, q, replicon)``; the replicon eigenvalue
    :math:`1 - \beta^2J^2\mathbb{E}\operatorname{sech}^4\Xi` is negative where RS is
    unstable (below the AT line)."""
    T, J, J0, h = np.broadcast_arrays(*(np.asarray(a, float) for a in (T, J, J0, h)))
    m = np.full(T.shape, float(m0))
    q = np.full(T.shape, float(q0))
    for _ in range(iterations):
        m, q = rs_averages(m, q, T, J, J0, h)[:2]
    b, b0 = (J / T) ** 2, J0 / T
    for _ in range(newton):
        a, a2, s4, s2, s2t, s2t2 = rs_averages(m, q, T, J, J0, h)
        r1, r2 = m - a, q - a2
        j11, j12 = 1 - b0 * s2, b * s2t
        j21, j22 = -2 * b0 * s2t, 1 - b * (s4 - 2 * s2t2)
        det = j11 * j22 - j12 * j21
        ok = np.abs(det) > 1e-300
        dm = np.where(ok, (j22 * r1 - j12 * r2) / np.where(ok, det, 1.0), 0.0)
        dq = np.where(ok, (j11 * r2 - j21 * r1) / np.where(ok, det, 1.0), 0.0)
        m = np.clip(m - dm, -1.0, 1.0)
        q = np.clip(q - dq, 0.0, 1.0)
        if np.all(np.abs(dm) <= 1e-15 * (1 + np.abs(m))) and np.all(np.abs(dq) <= 1e-15 * (1 + q)):
            break
    s4 = rs_averages(m, q, T, J, J0, h)[2]
    return m, q, 1.0 - b * s4


def rs_solve_mp(T, J=1, J0=0, h=0, m0=0.5, q0=0.5, digits: int = 30):
    """The RS equations solved independently in mpmath (adaptive quadrature over z and
    ``findroot``) to ``digits`` digits, from ``(m0, q0)``; returns ``(m, q)`` as mpf."""
    import mpmath as mp

    with mp.workdps(digits + 10):
        T, J, J0, h = (mp.mpf(str(v)) for v in (T, J, J0, h))
        g = 1 / mp.sqrt(2 * mp.pi)

        def avg(fn):
            return mp.quad(lambda z: g * mp.exp(-z * z / 2) * fn(z), [-mp.inf, -5, 0, 5, mp.inf])

        def eqs(m, q):
            def xi(z):
                return (J * mp.sqrt(q) * z + J0 * m + h) / T

            return (
                m - avg(lambda z: mp.tanh(xi(z))),
                q - avg(lambda z: mp.tanh(xi(z)) ** 2),
            )

        if J0 == 0 and h == 0:  # m = 0 exactly; one equation in q
            q = mp.findroot(lambda q: eqs(0, q)[1], mp.mpf(q0))
            return mp.mpf(0), +q
        m, q = mp.findroot(eqs, (mp.mpf(m0), mp.mpf(q0)))
        return +m, +q


def phase_diagram(j0_over_j, t_over_j, tol: float = 1e-6) -> dict:
    """RS phase of every point of the (J0/J, T/J) grid at h = 0: ``"P"`` (m = q = 0),
    ``"SG"`` (m = 0 < q), ``"F"`` (m > 0, replicon > 0), ``"M"`` (m > 0, replicon < 0: the
    mixed phase, RS unstable).  The solution followed is the fixed point of the map from
    m = q = 1.  Returns arrays ``phase``, ``m``, ``q``, ``replicon`` of shape (len(T), len(J0))."""
    j0 = np.asarray(j0_over_j, float)
    t = np.asarray(t_over_j, float)
    tt, jj = np.meshgrid(t, j0, indexing="ij")
    m, q, lam = rs_solve(tt, 1.0, jj, 0.0, iterations=400)
    phase = np.where(
        np.abs(m) > tol,
        np.where(lam > 0, "F", "M"),
        np.where(q > tol, "SG", "P"),
    )
    return {"phase": phase, "m": m, "q": q, "replicon": lam, "T": t, "J0": j0}


def at_line(fields, J: float = 1.0, J0: float = 0.0, steps: int = 40) -> np.ndarray:
    """The de Almeida-Thouless temperature T_AT(h) for each field h > 0: the replicon of
    the RS solution vanishes, found by bisection in T in (0.05 J, J] (RS is stable above)."""
    hs = np.asarray(fields, float)
    if np.any(hs <= 0):
        raise ValueError("the AT line is computed for fields h > 0")
    lo = np.full(hs.shape, 0.05 * J)
    hi = np.full(hs.shape, 1.0 * J)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        _, _, lam = rs_solve(mid, J, J0, hs, iterations=100)
        unstable = lam < 0
        lo = np.where(unstable, mid, lo)
        hi = np.where(unstable, hi, mid)
    return 0.5 * (lo + hi)


def extrapolate_ground_state(sizes, energies, errors=None, exponent: float = -2.0 / 3.0):
    r"""Weighted least-squares fit :math:`e(N) = e_\infty + a N^{	ext{exponent}}`; returns
    ``(e_inf, error, a)`` (the error from the fit's covariance, scaled by the reduced
    chi-square when it exceeds one)."""
    x = np.asarray(sizes, float) ** exponent
    y = np.asarray(energies, float)
    w = (
        np.ones_like(y)
        if errors is None
        else 1.0 / np.maximum(np.asarray(errors, float), 1e-12) ** 2
    )
    a = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(a.T @ (w[:, None] * a))
    coef = cov @ (a.T @ (w * y))
    dof = max(len(y) - 2, 1)
    chi2 = float(((y - a @ coef) ** 2 * w).sum()) / dof
    scale = max(chi2, 1.0) if errors is not None else chi2
    return float(coef[0]), float(np.sqrt(cov[0, 0] * scale)), float(coef[1])
