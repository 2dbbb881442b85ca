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

from .backend import default_rng, seed_sequence

#: Sweeps between exact energies; between them each chain's energy is its running sum
#: of accepted changes (exact for integer couplings, within rounding otherwise).
EXACT_EVERY = 64


def _keys(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Stream keys: one per chain and one per (sample, replica copy) for the swaps, from a
    stream of the seed apart from the initial spins' generator."""
    child = seed_sequence(seed).spawn(2)[1]
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


def run(nbr, w, temps, sweeps, therm, seed, h, replicas, exchange_every, keep_series, measure):
    """Parallel tempering of the couplings ``(nbr, w)`` of :func:`tables` on the CPU;
    returns the fields of :class:`~statmech.numeric.spin_glass.PTResult` as a dict."""
    from .spin_glass_kernels import (
        lattice_energies,
        lattice_exchange,
        lattice_overlaps,
        lattice_sweep,
    )

    ns, n = w.shape[0], w.shape[1]
    nt, nr = temps.size, replicas
    beta = 1.0 / temps
    rng = default_rng(seed, np)
    # the same initial spins as the array loop for the same seed
    s = np.where(rng.random((ns, nr, nt, n)) < 0.5, -1, 1).astype(np.int8).reshape(-1, n)
    keys = _keys(seed, s.shape[0] + ns * nr)
    ckeys, xkeys = keys[: s.shape[0]], keys[s.shape[0] :]
    slot_temp = np.broadcast_to(np.arange(nt), (ns, nr, nt)).copy()
    temp_slot = slot_temp.copy()
    direction = np.zeros((ns, nr, nt), dtype=np.int64)
    trips = np.zeros((ns, nr), dtype=np.int64)
    accepted = np.zeros((ns, nt - 1))
    offered = np.zeros(nt - 1)
    e = np.empty(s.shape[0])
    lattice_energies(s, nbr, w, h, e)
    pm = _integer_form(w, h)
    if pm is not None:
        from .fast.rng import thresholds
        from .spin_glass_kernels import lattice_sweep_pm

        wi, unit = pm
        nbr32 = nbr.astype(np.int32)
        kmax = int(np.abs(wi).sum(axis=2).max())
        thr = thresholds(np.exp(-2.0 * unit * np.outer(beta, np.arange(kmax + 1))))
    sums = {k: np.zeros((ns, nt)) for k in ("e", "e2", "q2", "q4", "aq")}
    hist = np.zeros((ns, nt, n + 1))
    q = np.zeros((ns, nt), dtype=np.int64)
    series = {"e": [], "q2": []}
    e_min = np.full(ns, np.inf)
    rounds = 0
    t0 = time.perf_counter()
    for step in range(therm + sweeps):
        if pm is None:
            lattice_sweep(s, nbr, w, beta[slot_temp].reshape(-1), h, ckeys, step, e)
        else:
            lattice_sweep_pm(s, nbr32, wi, slot_temp.reshape(-1), thr, ckeys, step, e, unit)
        if (step + 1) % exchange_every == 0:
            parity = ((step + 1) // exchange_every) % 2
            e3 = e.reshape(ns, nr, nt)
            lattice_exchange(
                e3, temp_slot, slot_temp, beta, xkeys, rounds, parity, direction, trips, accepted
            )
            offered[parity::2] += 1
            rounds += 1
        if step % EXACT_EVERY == EXACT_EVERY - 1:
            lattice_energies(s, nbr, w, h, e)  # the running sums' rounding wiped out
        if step < therm or not measure:
            continue
        et = np.take_along_axis(e.reshape(ns, nr, nt), temp_slot, axis=2) / n  # by temperature
        e_min = np.minimum(e_min, et.min(axis=(1, 2)))
        sums["e"] += et.mean(1)
        sums["e2"] += (et * et).mean(1)
        if nr >= 2:
            lattice_overlaps(s, temp_slot, hist, q)
            qn = q / n
            sums["q2"] += qn**2
            sums["q4"] += qn**4
            sums["aq"] += np.abs(qn)
            if keep_series:
                series["q2"].append(qn**2)
        if keep_series:
            series["e"].append(et)
    seconds = time.perf_counter() - t0
    count = max(sweeps, 1) if measure else 1
    return {
        "energy": sums["e"] / count,
        "energy2": sums["e2"] / count,
        "q2": sums["q2"] / count,
        "q4": sums["q4"] / count,
        "abs_q": sums["aq"] / count,
        "pq": hist,
        "acceptance": accepted / np.maximum(offered, 1),
        "round_trips": trips.sum(axis=1),
        "series": {k: np.array(v) for k, v in series.items() if v},
        "seconds": seconds,
        "e_min": e_min,
    }
