r"""Parallel tempering of spin glasses: many disorder samples x real replicas x
temperatures, batched (re-exported by :mod:`statmech.numeric.spin_glass`, whose
conventions it follows), with the overlaps, the Binder cumulant and the correlation
length of the replicas, and the memory a run needs, checked before it starts.

Dense couplings (SK) and sparse ones on CuPy run the array loop here; sparse couplings on
NumPy run the compiled loop of :mod:`statmech.numeric.spin_glass_lattice`.

References
----------
K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996);
R. N. Bhatt and A. P. Young, Phys. Rev. Lett. 54, 924 (1985);
H. G. Ballesteros et al., Phys. Rev. B 62, 14237 (2000).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .backend import asarray, default_rng, get_backend, seed_sequence, to_numpy

#: Swap acceptance below this at any neighbouring pair gets a warning.
MIN_ACCEPTANCE = 0.1
#: Fewer round trips per walker than this get a warning.
MIN_ROUND_TRIPS = 1

# --------------------------------------------------------------------------
# Parallel tempering: samples x two real replicas x temperatures, batched


@dataclass
class PTResult:
    """What :func:`parallel_tempering` measured; arrays on the host.

    ``energy``, ``q2``, ``q4``, ``abs_q``: per-sample thermal averages, shape
    ``(samples, temperatures)`` (energies per spin, averaged over the two replicas);
    ``energy2`` the mean of :math:`(E/N)^2`; ``series`` time series of ``e`` and ``q2``
    of shape ``(measurements, samples, replicas, temperatures)`` when kept;
    ``qk2``: :math:`\\langle|q(k_{min})|^2\\rangle` per sample for a run given the lattice's
    ``shape`` (the overlap's Fourier component at the smallest wave vector, averaged
    over the axes; :meth:`correlation_length`);
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
    qk2: np.ndarray | None = None  # <|q(k_min)|^2> per sample, when the lattice is known
    shape: tuple | None = None  # the periodic lattice, sites in C order

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

    def correlation_length(self) -> tuple[np.ndarray, np.ndarray]:
        r"""The second-moment spin-glass correlation length over L,
        :math:`\xi_L/L = \sqrt{[\langle q^2\rangle]/[\langle|q(k_{min})|^2\rangle] - 1}
        \,/\,(2L\sin(k_{min}/2))` with :math:`k_{min} = 2\pi/L` (Ballesteros et al. 2000),
        per temperature, with its jackknife error over samples."""
        if self.qk2 is None:
            raise ValueError("the run did not measure q(k): give parallel_tempering the shape")
        if len(set(self.shape)) != 1:
            raise ValueError(f"xi/L needs a lattice with equal sides, got {self.shape}")
        return xi_jackknife(self.q2, self.qk2, self.shape[0])

    def p_of_q(self) -> tuple[np.ndarray, np.ndarray]:
        """Bins of q and the disorder-averaged P(q) per temperature (a density, per unit q)."""
        q = np.linspace(-1.0, 1.0, self.n + 1)
        p = self.pq.mean(axis=0)
        p = p / p.sum(axis=-1, keepdims=True) / (2.0 / self.n)
        return q, p


def xi_over_l(q2, qk2, L: int):
    r""":math:`\xi_L/L` from disorder averages of :math:`q^2` and :math:`|q(k_{min})|^2`."""
    ratio = np.asarray(q2) / np.asarray(qk2)
    with np.errstate(invalid="ignore"):
        return np.sqrt(ratio - 1.0) / (2.0 * L * math.sin(math.pi / L))


def sample_jackknife(func, *arrays) -> tuple[np.ndarray, np.ndarray]:
    """``func`` of the means over samples (axis 0) of ``arrays``, and its jackknife error
    (one sample left out at a time); the error is nan for one sample."""
    s = arrays[0].shape[0]
    full = func(*(x.mean(0) for x in arrays))
    if s < 2:
        return full, np.full_like(full, np.nan)
    totals = [x.sum(0) for x in arrays]
    jk = np.array(
        [
            func(*((t - x[i]) / (s - 1) for t, x in zip(totals, arrays, strict=True)))
            for i in range(s)
        ]
    )
    return full, np.sqrt((s - 1) / s * ((jk - jk.mean(0)) ** 2).sum(0))


def xi_jackknife(q2: np.ndarray, qk2: np.ndarray, L: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`xi_over_l` of per-sample ``(samples, temperatures)`` arrays, ``(mean,
    error)`` by the jackknife over samples."""
    return sample_jackknife(lambda a, b: xi_over_l(a, b, L), q2, qk2)


def binder_g(q2, q4):
    r"""The Binder cumulant :math:`\frac12(3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2)`
    of disorder averages."""
    return 0.5 * (3.0 - q4 / q2**2)


def binder_jackknife(q2: np.ndarray, q4: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binder cumulant of q over samples, ``(mean, error)`` by the jackknife over samples."""
    return sample_jackknife(binder_g, q2, q4)


class _Couplings:
    """Dense (``(S, N, N)``) or sparse (neighbour table, ``(S, N, z)`` weights) couplings
    on the device, with the local field and the update after flips."""

    def __init__(self, ks, xp, sparse: bool):
        self.xp = xp
        from .spin_glass import check_couplings, neighbour_table, two_colouring

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


#: Mixed into the seed of every run, so that its random streams never coincide with the
#: stream a model draws its couplings from with the same integer seed (a sample's
#: couplings from seed 1 and a run's initial spins from seed 1 would share their bits).
PT_STREAM = 0x5054


def pt_seed_sequence(seed: int) -> np.random.SeedSequence:
    """The seed sequence of a run with ``seed``: ``(seed, PT_STREAM)``, apart from every
    stream seeded by an integer alone."""
    seed_sequence(seed)  # the same checks: a non-negative integer
    return np.random.SeedSequence([int(seed), PT_STREAM])


def pt_bytes(
    n, samples, temperatures, replicas, sweeps, keep_series, compiled, z, inputs=False
) -> dict:
    """Memory a parallel-tempering run will allocate, by part, in bytes: the couplings'
    device copy (a dense ``(S, N, N)`` stack for the array loop, neighbour tables for the
    compiled one), the configurations with the array loop's fields and temporaries (four
    float64 copies; int8 when compiled), the histograms of q, and the series when kept;
    with ``inputs`` also the dense matrices a caller builds to pass in."""
    chains = samples * replicas * temperatures
    out = {
        "input matrices": samples * n * n * 8 if inputs else 0,
        "couplings": samples * n * (17 * z if compiled else 8 * n),
        "chains": chains * n * (1 if compiled else 32),
        "histograms": samples * temperatures * (n + 1) * 8,
        "series": sweeps * samples * temperatures * (replicas + 1) * 8 if keep_series else 0,
    }
    out["total"] = sum(out.values())
    return out


def check_pt_memory(max_memory=None, **run) -> dict:
    """Refuse, in one sentence and before anything is allocated, a run of
    :func:`parallel_tempering` that needs more than ``max_memory`` (bytes or text such as
    ``"8G"``), else more than the memory available."""
    from .limits import MemoryLimit, available_bytes, format_bytes, parse_bytes

    est = pt_bytes(**run)
    limit = parse_bytes(max_memory) if max_memory is not None else available_bytes()
    if limit is not None and est["total"] > limit:
        largest = max((k for k in est if k != "total"), key=est.get)
        raise MemoryLimit(
            f"parallel tempering would need {format_bytes(est['total'])} (mostly "
            f"{largest}: {format_bytes(est[largest])}) but {format_bytes(limit)} is "
            "available; run fewer samples, temperatures or sweeps at a time"
        )
    return est


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
    compiled: bool | None = None,
    shape: tuple | None = None,
    progress=None,
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
    progress : a callback ``progress(done, total)`` in sweeps (thermalization included),
        called every few hundred milliseconds of work.
    shape : the periodic lattice the sites fill in C order (``(L, L, L)`` for ``ea``):
        then :math:`\langle|q(k_{min})|^2\rangle` is measured too, for
        :meth:`PTResult.correlation_length`.
    compiled : sparse couplings on NumPy run the compiled loop of
        :mod:`statmech.numeric.spin_glass_lattice` (default); ``False`` keeps the array
        loop that CuPy runs.  Both sample the same ensemble with different random streams.

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
    therm = sweeps // 4 if thermalization is None else int(thermalization)
    shape = None if shape is None else tuple(int(x) for x in shape)
    if compiled is None:
        compiled = sparse and xp is np
    check_pt_memory(
        n=np.shape(ks[0])[0],
        samples=len(ks),
        temperatures=temps.size,
        replicas=replicas,
        sweeps=sweeps,
        keep_series=keep_series,
        compiled=compiled,
        z=z_max,
    )
    if compiled:
        if not (sparse and xp is np):
            raise ValueError("the compiled loop serves sparse couplings on NumPy only")
        from . import spin_glass_lattice
        from .spin_glass import check_couplings

        nbr, w = spin_glass_lattice.tables([check_couplings(k) for k in ks])
        fields = spin_glass_lattice.run(
            nbr,
            w,
            temps,
            sweeps,
            therm,
            seed,
            float(h),
            replicas,
            exchange_every,
            keep_series,
            measure,
            shape,
            progress,
        )
        result = PTResult(temperatures=temps, n=w.shape[1], sweeps=sweeps, shape=shape, **fields)
        return _diagnosed(result, replicas, temps.size)
    bonds = _Couplings(ks, xp, sparse)
    n, ns, nt, nr = bonds.n, len(ks), temps.size, replicas
    rng = default_rng(pt_seed_sequence(seed), xp)
    beta = asarray(1.0 / temps, xp)  # (T,)
    s = xp.where(rng.random((ns, nr, nt, n)) < 0.5, -1.0, 1.0)
    f = bonds.fields(s)
    walker = xp.broadcast_to(xp.arange(nt), (ns, nr, nt)).copy()
    # direction: +1 heading up after visiting the bottom, -1 heading down after the top
    direction = xp.zeros((ns, nr, nt), dtype=xp.int64)
    trips = xp.zeros((ns, nr), dtype=xp.int64)
    accepted = xp.zeros((ns, nt - 1))
    offered = xp.zeros(nt - 1)
    sums = {k_: xp.zeros((ns, nt)) for k_ in ("e", "e2", "q2", "q4", "aq", "qk")}
    from .spin_glass_lattice import wave_table

    wave = asarray(wave_table(shape, n), xp)  # (2, D, N)
    nd = wave.shape[1]
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
        if xp is np:  # compiled: the same sweep and uniforms, no Python step per site
            from .spin_glass_kernels import dense_sweep

            dense_sweep(s, f, bonds.k, beta, float(h), rng.random((n, *s.shape[:-1])))
            return s, f
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
        if progress is not None and step % 64 == 0:
            progress(step, therm + sweeps)
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
            if nd:
                prod = s[:, 0] * s[:, 1]  # (S, T, N)
                qk = ((prod @ wave[0].T) ** 2 + (prod @ wave[1].T) ** 2).mean(-1) / n**2
                sums["qk"] += qk
                if keep_series:
                    series.setdefault("qk2", []).append(to_numpy(qk))
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
        acceptance=to_numpy(accepted) / np.maximum(to_numpy(offered), 1),
        round_trips=to_numpy(trips).sum(axis=1),
        series={k_: np.array(v) for k_, v in series.items() if v},
        seconds=seconds,
        e_min=to_numpy(e_min),
        qk2=to_numpy(sums["qk"]) / count if nd and nr >= 2 else None,
        shape=shape,
    )
    return _diagnosed(result, nr, nt)


def _diagnosed(result: PTResult, nr: int, nt: int) -> PTResult:
    """The result with warnings where swaps or round trips are too few."""
    acc_rate = result.acceptance
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
