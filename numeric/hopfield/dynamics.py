r"""Asynchronous dynamics of Hopfield networks, batched over networks and starts.

Units :math:`s_i = \pm1`, Hebbian couplings :math:`J_{ij} = \frac1N\sum_\mu
\xi_i^\mu\xi_j^\mu` (:math:`i \ne j`), local field

.. math::

    h_i = \sum_{j\ne i} J_{ij}s_j = \frac1N\Big(\sum_\mu \xi_i^\mu M_\mu - P s_i\Big),
    \qquad M_\mu = \sum_j \xi_j^\mu s_j .

The overlaps :math:`M_\mu` (integers, exact in floating point) are kept up to date
after each unit's update, so one update costs :math:`O(P)` per state instead of
:math:`O(N)`; the couplings are never formed.  At :math:`T = 0` a unit takes the
sign of its field (and keeps its value when the field is exactly zero); at
:math:`T > 0` it is set to :math:`+1` with probability
:math:`1/(1 + e^{-2h_i/T})` (Glauber's heat bath).  Units are visited in a random
order, a new permutation each sweep, shared by every state of the batch (the
states are independent otherwise).  Arrays: patterns ``(R, P, N)``, states
``(R, S, N)`` for ``R`` networks and ``S`` starts each, in the namespace ``xp`` of
the patterns (NumPy or CuPy).

References
----------
J. J. Hopfield, Proc. Natl. Acad. Sci. USA 79, 2554 (1982).
R. J. Glauber, J. Math. Phys. 4, 294 (1963).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..backend import default_rng, get_namespace, to_numpy


@dataclass
class DynamicsResult:
    """Final states of a batch of runs.

    Attributes
    ----------
    states : array, shape (R, S, N)
    overlaps : array, shape (R, S, P)
        :math:`m_\\mu = \\frac1N\\sum_i\\xi_i^\\mu s_i` at the end.
    sweeps : int
        Sweeps made (at T = 0, the first sweep without a flip in any state ends the run).
    converged : array of bool, shape (R, S)
        At T = 0: the last sweep flipped no unit of that state (a fixed point).
    flips : array of int, shape (R, S)
        Units flipped over the whole run.
    """

    states: object
    overlaps: object
    sweeps: int
    converged: object
    flips: object


def random_patterns(networks: int, P: int, N: int, seed=0, xp=np, dtype=None):
    """Random +-1 patterns, shape ``(networks, P, N)``, each unit +-1 with probability 1/2.

    Drawn one network at a time (the same numbers as one draw of the whole array), so
    that ``dtype=int8`` holds large networks in an eighth of the memory of float64."""
    rng = default_rng(seed, xp)
    dtype = xp.float64 if dtype is None else dtype
    out = xp.empty((networks, P, N), dtype=dtype)
    for k in range(networks):
        out[k] = xp.where(rng.random((P, N)) < 0.5, -1, 1).astype(dtype)
    return out


def check_patterns(patterns) -> np.ndarray:
    """``patterns`` as a float ``(P, N)`` array of +-1, or a one-line ``ValueError``."""
    a = np.asarray(patterns)
    if a.ndim != 2:
        raise ValueError(
            f"patterns must be a 2-d array (P patterns x N units), got shape {a.shape}"
        )
    P, N = a.shape
    if P < 1 or N < 2:
        raise ValueError(f"patterns need at least one pattern of two units, got shape {a.shape}")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool) or a.dtype == bool:
        raise ValueError(f"patterns must be numbers +1 or -1, got dtype {a.dtype}")
    bad = (a != 1) & (a != -1)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"patterns must be +1 or -1, found {float(a[i, j]):g} at pattern {i}, unit {j}"
        )
    if P > N:
        raise ValueError(f"more patterns than units (P={P} > N={N}); store at most N patterns")
    return a.astype(np.float64)


def _orders(rng, sweeps: int, N: int, xp):
    """A random permutation of the units for each sweep, on the host."""
    keys = to_numpy(rng.random((sweeps, N)))
    return np.argsort(keys, axis=1)


def run(patterns, states, T: float = 0.0, sweeps: int = 50, seed=0, order=None) -> DynamicsResult:
    r"""Asynchronous dynamics from ``states`` under the Hebbian couplings of ``patterns``.

    Parameters
    ----------
    patterns : array, shape (R, P, N) or (P, N)
        +-1 (float); a 2-d array is one network.
    states : array, shape (R, S, N) or (S, N)
        Initial +-1 states (copied, not changed).
    T : float
        Temperature; 0 for the deterministic dynamics, which stops at the first
        sweep that flips no unit.
    sweeps : int
        Most sweeps (N unit updates each).
    seed : int
        Seeds the visiting order and the heat-bath draws.
    order : array of int, shape (sweeps, N), optional
        The order in which units are visited in each sweep (default: random).

    Returns
    -------
    DynamicsResult
        In the namespace of ``patterns``; 2-d inputs give 3-d results with ``R = 1``.
    """
    xp = get_namespace(patterns)
    if T < 0 or not np.isfinite(T):
        raise ValueError(f"temperature must be zero or positive, got T={T}")
    xi = patterns if patterns.ndim == 3 else patterns[None]
    s = xp.array(states if states.ndim == 3 else states[None], dtype=xi.dtype, copy=True)
    R, P, N = xi.shape
    if s.shape[0] != R or s.shape[2] != N:
        raise ValueError(f"states of shape {s.shape} do not fit patterns of shape {xi.shape}")
    rng = default_rng(seed, xp)
    if order is None:
        order = _orders(rng, sweeps, N, xp)
    order = np.asarray(order)
    M = xp.einsum("rsn,rpn->rsp", s, xi)  # integers, exact
    xi_t = xp.ascontiguousarray(xp.moveaxis(xi, 2, 0))  # (N, R, P): one unit's column at once
    s_t = xp.ascontiguousarray(xp.moveaxis(s, 2, 0))  # (N, R, S)
    flips = xp.zeros(s.shape[:2], dtype=xp.int64)
    moved = xp.ones(s.shape[:2], dtype=bool)
    done = 0
    for k in range(min(sweeps, order.shape[0])):
        moved = xp.zeros(s.shape[:2], dtype=bool)
        noise = None if T == 0 else rng.random((N, R, s.shape[1]))
        for n, i in enumerate(order[k]):
            col = xi_t[i]  # (R, P)
            old = s_t[i]  # (R, S)
            h = xp.einsum("rsp,rp->rs", M, col) - P * old  # N h_i
            if T == 0:
                new = xp.where(h > 0, 1.0, xp.where(h < 0, -1.0, old))
            else:
                new = xp.where(noise[n] * (1.0 + xp.exp(-2.0 * h / (N * T))) < 1.0, 1.0, -1.0)
            change = new - old
            flipped = change != 0
            moved |= flipped
            flips += flipped
            M += change[:, :, None] * col[:, None, :]
            s_t[i] = new
        done = k + 1
        if T == 0 and not bool(moved.any()):
            break
    states_out = xp.moveaxis(s_t, 0, 2)
    return DynamicsResult(
        states=states_out,
        overlaps=M / N,
        sweeps=done,
        converged=~moved if T == 0 else xp.zeros(moved.shape, dtype=bool),
        flips=flips,
    )


def plain_couplings(patterns) -> np.ndarray:
    r""":math:`N J_{ij} = \sum_\mu \xi_i^\mu\xi_j^\mu`, zero diagonal (integers, as float64)."""
    xi = np.asarray(patterns, dtype=np.float64)
    J = xi.T @ xi
    np.fill_diagonal(J, 0.0)
    return J


def plain_sweeps(J: np.ndarray, state: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The T = 0 dynamics of one state under the couplings ``J`` (from
    :func:`plain_couplings`), written plainly: one dot product of length N per update,
    the units visited in ``order`` (shape (sweeps, N)); stops after a sweep without
    a flip."""
    s = np.array(state, dtype=np.float64)
    for sweep in order:
        moved = False
        for i in sweep:
            h = J[i] @ s  # an integer, exact in float64
            if h != 0 and (h > 0) != (s[i] > 0):
                s[i] = -s[i]
                moved = True
        if not moved:
            break
    return s


def run_plain(patterns: np.ndarray, state: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The T = 0 dynamics of one network from one state, written plainly with NumPy:
    the couplings formed, one dot product per update.  The reference for :func:`run`
    (same visiting ``order``, shape (sweeps, N))."""
    return plain_sweeps(plain_couplings(patterns), state, order)


def corrupt(patterns, initial_overlap, starts: int, seed=0):
    r"""Cues at overlap ``initial_overlap`` with the first pattern of each network.

    Exactly :math:`\mathrm{round}(N(1 - m_0)/2)` units, chosen at random for each
    start, are flipped.  Returns states of shape ``(R, starts, N)``.
    """
    xp = get_namespace(patterns)
    if not -1.0 <= initial_overlap <= 1.0:
        raise ValueError(f"an overlap lies in [-1, 1], got {initial_overlap}")
    R, _, N = patterns.shape
    k = int(round(N * (1.0 - initial_overlap) / 2))
    rng = default_rng(seed, xp)
    ranks = xp.argsort(xp.argsort(rng.random((R, starts, N)), axis=2), axis=2)
    sign = xp.where(ranks < k, -1.0, 1.0)
    return patterns[:, :1, :] * sign


#: Units whose fields are computed together by :func:`run_blocked`.
BLOCK = 64


def run_blocked(patterns, states, sweeps: int = 100, seed=0, order=None, block: int = BLOCK):
    r"""The :math:`T = 0` asynchronous dynamics of :func:`run`, exactly, computing fields
    a block of units at a time.

    The units are visited in the same order as :func:`run` (a permutation per sweep,
    shared by the batch).  For a block of ``block`` consecutive units of that order,
    the fields :math:`N h_b = \sum_\mu \xi_b^\mu M_\mu - P s_b` of every state are one
    batched matrix product of the overlaps :math:`M` with the block's patterns.  In
    each state the first unit of the block (from where it stands) whose sign
    disagrees with its field flips, :math:`M` is updated, and the block's fields are
    computed again from the next unit on; units passed over agree with their fields,
    which is what the one-unit-at-a-time dynamics would find.  The cost is one matrix
    product per block and one per flip, instead of one small product per unit, and
    the Python loop runs ``N / block`` plus the number of flips times per sweep.

    The arithmetic is on integers held in floating point: float32 while every field
    is below :math:`2^{24}` in magnitude (checked: :math:`\sum_\mu |M_\mu| + P`),
    float64 otherwise; so the dynamics is exactly that of :func:`run`.  ``patterns``
    may be any real dtype with entries +-1 (int8 saves memory at large N).

    Returns
    -------
    DynamicsResult
        As :func:`run` (overlaps in float64).
    """
    xp = get_namespace(patterns)
    xi = patterns if patterns.ndim == 3 else patterns[None]
    R, P, N = xi.shape
    exact32 = 2**24
    dtype = xp.float32 if P * N + P < exact32 else None  # decided per block otherwise
    work = xp.ascontiguousarray(xp.swapaxes(xi, 1, 2)).astype(xp.float32)  # (R, N, P)
    s = xp.array(states if states.ndim == 3 else states[None], dtype=xp.float32, copy=True)
    if s.shape[0] != R or s.shape[2] != N:
        raise ValueError(f"states of shape {s.shape} do not fit patterns of shape {xi.shape}")
    S = s.shape[1]
    rng = default_rng(seed, xp)
    if order is None:
        order = _orders(rng, sweeps, N, xp)
    order = np.asarray(order)
    M = xp.matmul(s.astype(xp.float64), work.astype(xp.float64))  # (R, S, P), exact
    flips = xp.zeros((R, S), dtype=xp.int64)
    moved = xp.ones((R, S), dtype=bool)
    r_of = xp.ascontiguousarray(xp.broadcast_to(xp.arange(R)[:, None], (R, S)))
    s_of = xp.ascontiguousarray(xp.broadcast_to(xp.arange(S)[None, :], (R, S)))
    done = 0
    for k in range(min(sweeps, order.shape[0])):
        moved = xp.zeros((R, S), dtype=bool)
        for start in range(0, N, block):
            units = xp.asarray(order[k, start : start + block])
            B = int(units.shape[0])
            cols = xp.swapaxes(work[:, units, :], 1, 2)  # (R, P, B): B contiguous rows
            pos = xp.zeros((R, S), dtype=xp.int64)
            ahead = xp.arange(B)[None, None, :]
            while True:
                wide = dtype is None and float(xp.max(xp.abs(M).sum(axis=2))) + P >= exact32
                if wide:  # batched products (exact on these integers, in any order)
                    h = xp.matmul(M, cols.astype(xp.float64))
                else:
                    h = xp.matmul(M.astype(xp.float32), cols)
                sb = s[:, :, units]  # (R, S, B)
                h = h - P * sb
                wrong = ((h > 0) & (sb < 0)) | ((h < 0) & (sb > 0))
                wrong &= ahead >= pos[:, :, None]
                any_wrong = wrong.any(axis=2)
                if not bool(any_wrong.any()):
                    break
                # the first disagreeing unit of each state
                first = xp.argmax(wrong.astype(xp.int8), axis=2)
                rr, ss, jj = r_of[any_wrong], s_of[any_wrong], first[any_wrong]
                u = units[jj]
                new = -s[rr, ss, u]
                s[rr, ss, u] = new
                M[rr, ss, :] += 2.0 * new[:, None].astype(xp.float64) * work[rr, u, :]
                flips[rr, ss] += 1
                moved[rr, ss] = True
                pos = xp.where(any_wrong, first + 1, B)
        done = k + 1
        if not bool(moved.any()):
            break
    return DynamicsResult(
        states=s.astype(xp.float64),
        overlaps=M / N,
        sweeps=done,
        converged=~moved,
        flips=flips,
    )
