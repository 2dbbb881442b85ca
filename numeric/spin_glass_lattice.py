r"""Parallel tempering of sparse couplings (the Edwards-Anderson lattices) compiled for the
CPU: the same ensemble, moves and measurements as the array loop of
:func:`statmech.numeric.spin_glass.parallel_tempering`, which it serves on NumPy.

The array loop (NumPy and CuPy) moves whole configurations between temperatures at every
exchange and sweeps a two-colourable lattice colour by colour.  Here a chain's spins stay
where they are (int8, one row per chain) and the exchange swaps the chains' temperatures;
a sweep visits the sites in order, each chain on its own thread, and any sparse graph
serves (odd cycles too).  The random numbers are counter-based
(:mod:`statmech.numeric.fast.rng`): a draw is a function of the chain's key, the sweep
and the site, so the numbers do not depend on the threads.  The two routes sample one
distribution with different random streams; the tests compare both with exact
enumeration.

A round trip, as in the array loop: a chain's visit to the lowest temperature, then the
highest, then the lowest again (Hukushima and Nemoto 1996).
"""

from __future__ import annotations

import time

import numpy as np

from .backend import default_rng

#: Spin updates per compiled call (a block of steps; series are kept a block at a time).
BLOCK_FLIPS = 1 << 24
#: Sweeps between exact energies; between them each chain's energy is its running sum
#: of accepted changes (exact for integer couplings, within rounding otherwise).
EXACT_EVERY = 64


def _keys(ss: np.random.SeedSequence, count: int) -> np.ndarray:
    """Stream keys: one per chain and one per (sample, replica copy) for the swaps, from a
    stream of the seed apart from the initial spins' generator."""
    child = np.random.SeedSequence(ss.entropy, spawn_key=(1,))
    return child.generate_state(count, dtype=np.uint64)


def tables(ks) -> tuple[np.ndarray, np.ndarray]:
    """Neighbours and couplings ``(S, N, z)`` of checked coupling matrices, padded to the
    largest number of neighbours with weight 0."""
    from .spin_glass import neighbour_table

    rows = [neighbour_table(k) for k in ks]
    z = max(r[0].shape[1] for r in rows)
    n = rows[0][0].shape[0]
    nbr = np.zeros((len(rows), n, z), dtype=np.int64)
    w = np.zeros((len(rows), n, z))
    for a, (nb_a, w_a) in enumerate(rows):
        nbr[a, :, : nb_a.shape[1]] = nb_a
        w[a, :, : w_a.shape[1]] = w_a
    return nbr, w


def _integer_form(w: np.ndarray, h: float):
    """``(wi, unit)`` with ``w == unit * wi`` and ``wi`` small integers (int8), when the
    field is zero and every coupling is a multiple of one unit (the +-J model); else
    None."""
    if h != 0.0 or not np.any(w):
        return None
    unit = float(np.abs(w[w != 0]).min())
    wi = np.rint(w / unit)
    if np.abs(wi).max() > 8 or not np.array_equal(wi * unit, w):
        return None
    return wi.astype(np.int8), unit


def wave_table(shape, n: int) -> np.ndarray:
    r"""``(2, D, N)``: cosines and sines of :math:`k_d x_{i,d}` with the smallest wave vector
    :math:`k_d = 2\pi/L_d` along each axis of the periodic box ``shape`` (sites in C
    order); ``(2, 0, N)`` when ``shape`` is None."""
    if shape is None:
        return np.zeros((2, 0, n))
    shape = tuple(int(x) for x in shape)
    if int(np.prod(shape)) != n:
        raise ValueError(f"a lattice of shape {shape} has {int(np.prod(shape))} sites, not {n}")
    x = np.indices(shape).reshape(len(shape), -1)  # (D, N)
    phase = 2.0 * np.pi * x / np.array(shape)[:, None]
    return np.stack([np.cos(phase), np.sin(phase)])


def run(
    nbr,
    w,
    temps,
    sweeps,
    therm,
    seed,
    h,
    replicas,
    exchange_every,
    keep_series,
    measure,
    shape=None,
    progress=None,
):
    """Parallel tempering of the couplings ``(nbr, w)`` of :func:`tables` on the CPU;
    returns the fields of :class:`~statmech.numeric.spin_glass.PTResult` as a dict."""
    from .fast.rng import thresholds
    from .spin_glass_kernels import lattice_block, lattice_energies
    from .spin_glass_pt import pt_seed_sequence

    ns, n = w.shape[0], w.shape[1]
    nt, nr = temps.size, replicas
    beta = 1.0 / temps
    ss = pt_seed_sequence(seed)
    rng = default_rng(ss, np)
    # the same initial spins as the array loop for the same seed
    s = np.where(rng.random((ns, nr, nt, n)) < 0.5, -1, 1).astype(np.int8).reshape(-1, n)
    keys = _keys(ss, s.shape[0] + ns * nr)
    ckeys, xkeys = keys[: s.shape[0]], keys[s.shape[0] :]
    slot_temp = np.broadcast_to(np.arange(nt), (ns, nr, nt)).copy()
    temp_slot = slot_temp.copy()
    direction = np.zeros((ns, nr, nt), dtype=np.int64)
    trips = np.zeros((ns, nr), dtype=np.int64)
    accepted = np.zeros((ns, nt - 1))
    e = np.empty(s.shape[0])
    lattice_energies(s, nbr, w, h, e)
    e = e.reshape(ns, nr, nt)
    pm = _integer_form(w, h)
    if pm is None:
        wi, unit, thr = np.zeros((1, 1, 1), dtype=np.int8), 1.0, np.zeros((1, 1), np.uint32)
    else:
        wi, unit = pm
        kmax = int(np.abs(wi).sum(axis=2).max())
        thr = thresholds(np.exp(-2.0 * unit * np.outer(beta, np.arange(kmax + 1))))
    sums = np.zeros((6, ns, nt))
    hist = np.zeros((ns, nt, n + 1))
    e_min = np.full(ns, np.inf)
    series = {"e": [], "q2": [], "qk2": []}
    wave = wave_table(shape, n)
    total = therm + sweeps
    block = max(1, min(total, BLOCK_FLIPS // max(1, s.size)))
    t0 = time.perf_counter()
    for step0 in range(0, total, block):
        if progress is not None:
            progress(step0, total)
        steps = min(block, total - step0)
        kept = keep_series and measure and step0 + steps > therm
        e_rows = np.zeros((steps if kept else 0, ns, nr, nt))
        q_rows = np.zeros((steps if kept and nr >= 2 else 0, ns, nt))
        k_rows = np.zeros((steps if kept and nr >= 2 and shape is not None else 0, ns, nt))
        lattice_block(
            s,
            nbr,
            w,
            wi,
            pm is not None,
            thr,
            unit,
            beta,
            h,
            ckeys,
            xkeys,
            step0,
            steps,
            therm,
            exchange_every,
            EXACT_EVERY,
            e,
            temp_slot,
            slot_temp,
            direction,
            trips,
            accepted,
            measure,
            sums,
            hist,
            e_min,
            e_rows,
            q_rows,
            wave,
            k_rows,
        )
        if kept:
            first = max(0, therm - step0)
            series["e"].append(e_rows[first:])
            if nr >= 2:
                series["q2"].append(q_rows[first:])
            if k_rows.shape[0]:
                series["qk2"].append(k_rows[first:])
    seconds = time.perf_counter() - t0
    rounds = np.arange(1, total + 1)[np.arange(1, total + 1) % exchange_every == 0]
    rounds //= exchange_every
    offered = np.array([np.sum(rounds % 2 == k % 2) for k in range(nt - 1)], dtype=float)
    count = max(sweeps, 1) if measure else 1
    return {
        "energy": sums[0] / count,
        "energy2": sums[1] / count,
        "q2": sums[2] / count,
        "q4": sums[3] / count,
        "abs_q": sums[4] / count,
        "qk2": sums[5] / count if shape is not None and nr >= 2 else None,
        "pq": hist,
        "acceptance": accepted / np.maximum(offered, 1),
        "round_trips": trips.sum(axis=1),
        "series": {k: np.concatenate(v) for k, v in series.items() if v},
        "seconds": seconds,
        "e_min": e_min,
    }
