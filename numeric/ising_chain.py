r"""The Ising chain in numbers: finite rings, open chains and the infinite chain.

Everything is compiled from the derivation in :mod:`derive.transfer_matrix`:
:math:`\log Z` of a ring, :math:`N\log\lambda_+ + \log(1 + (\lambda_-/\lambda_+)^N)`,
and of an open chain, :math:`\log a_+ + (N-1)\log\lambda_+ + \log(1 +
(a_-/a_+)(\lambda_-/\lambda_+)^{N-1})`, with :math:`\lambda_- = 2\sinh(2J/T)/\lambda_+`
(the product of the roots; no cancellation at low temperature), are
differentiated by SymPy and compiled for NumPy or mpmath.

Per-spin results: ``free_energy_per_spin``, ``energy_per_spin``,
``heat_capacity_per_spin``, ``magnetization`` (:math:`\langle m\rangle`) and
``susceptibility_per_spin`` (:math:`\partial\langle m\rangle/\partial h`, the
thermodynamic susceptibility per spin).
"""

from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp
from statmech.derive import symbols as sym
from statmech.derive import transfer_matrix as tm

from .compile import compile_expression

ARGS = (sym.T, sym.J, sym.h, sym.N)
KEYS = (
    "free_energy_per_spin",
    "energy_per_spin",
    "heat_capacity_per_spin",
    "magnetization",
    "susceptibility_per_spin",
)


def log_partition_expr(periodic: bool = True) -> sp.Expr:
    T, J, h, N = ARGS
    lp = tm.eigenvalues()[0]
    ratio = 2 * sp.sinh(2 * J / T) / lp**2  # lambda_- / lambda_+
    if periodic:
        return N * sp.log(lp) + sp.log(1 + ratio**N)
    ap, am = tm.open_weights()
    # a_- / a_+ = (cosh(h/T) root - w)(cosh(h/T) root + w) / (cosh(h/T) root + w)^2
    root = sp.sqrt(sp.exp(2 * J / T) * sp.sinh(h / T) ** 2 + sp.exp(-2 * J / T))
    w = sp.exp(J / T) * sp.sinh(h / T) ** 2 + sp.exp(-J / T)
    num = (sp.cosh(h / T) * root) ** 2 - w**2
    a_ratio = num / (sp.cosh(h / T) * root + w) ** 2
    return sp.log(ap) + (N - 1) * sp.log(lp) + sp.log(1 + a_ratio * ratio ** (N - 1))


@cache
def _expressions(periodic: bool) -> tuple[sp.Expr, ...]:
    T, J, h, N = ARGS
    log_z = log_partition_expr(periodic)
    energy = T**2 * sp.diff(log_z, T)
    mag = T * sp.diff(log_z, h)
    return (
        -T * log_z / N,
        energy / N,
        sp.diff(energy, T) / N,
        mag / N,
        sp.diff(mag, h) / N,
    )


def _limit_expressions() -> tuple[sp.Expr, ...]:
    return (
        tm.free_energy_per_spin(),
        tm.energy_per_spin(),
        sp.diff(tm.energy_per_spin(), sym.T),
        tm.magnetization_per_spin(),
        tm.susceptibility_per_spin(),
    )


#: The most digits the mpmath path adds for the cancellation (:func:`lost_digits`); a
#: finite chain that would lose more is summed over its states instead
#: (:mod:`statmech.numeric.ising_exact`), or refused there.
MAX_LOST_DIGITS = 10_000


def lost_digits(T, J, h) -> int:
    """Decimal digits that Boltzmann ratios as small as ``exp(-(4|J| + 2|h|)/T)`` cancel
    in the compiled derivatives (0 at ``T <= 0``)."""
    return int(float((4 * abs(J) + 2 * abs(h)) / T) / 2.302585) if T > 0 else 0


def chain_thermodynamics(N, T, J=1.0, h=0.0, periodic=True, backend="numpy", dps=30) -> dict:
    r"""Exact per-spin thermodynamics of a ring (or open chain) of ``N`` spins.

    ``N=None`` gives the infinite chain.  ``backend="mpmath"`` evaluates at ``dps``
    digits (scalars); ``"numpy"`` broadcasts over arrays.

    Examples
    --------
    >>> r = chain_thermodynamics(None, 1.0, 1.0, 0.0)
    >>> round(float(r["energy_per_spin"]), 12)  # -J tanh(J/T)
    -0.761594155956
    """
    if N is not None and int(N) < 2:
        raise ValueError(f"a chain needs N >= 2 spins, got N={N}")
    exprs = _limit_expressions() if N is None else _expressions(bool(periodic))
    args = ARGS[:3] if N is None else ARGS
    values = (T, J, h) if N is None else (T, J, h, N)
    if backend == "mpmath":
        # Boltzmann ratios as small as exp(-(4|J| + 2|h|)/T) cancel against 1: add their digits
        lost = lost_digits(T, J, h)
        with mpmath.workdps(max(dps + 10 + min(lost, MAX_LOST_DIGITS), mpmath.mp.dps)):
            vals = [mpmath.mpf(v) for v in values]
            out = {
                k: +compile_expression(e, args, "mpmath")(*vals)
                for k, e in zip(KEYS, exprs, strict=True)
            }
        return out
    return {
        k: np.asarray(compile_expression(e, args)(*values), dtype=np.float64)
        for k, e in zip(KEYS, exprs, strict=True)
    }
