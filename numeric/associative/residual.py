r"""A residual network whose blocks are gradient steps on an energy.

Block :math:`l`: :math:`x_{l+1} = x_l - \eta\nabla E(x_l)`
(:mod:`statmech.derive.residual`).  The energy along the depth is monotone for
:math:`\eta < 2/L`; :func:`monotone_bound` finds the largest monotone
:math:`\eta` numerically, by bisection.  Two energies: a quadratic
:math:`\tfrac12 x^{\mathsf T}Ax` (:math:`L` its largest eigenvalue; the bound is
sharp) and the modern Hopfield energy (a residual attention block; the bound is
sufficient, with :math:`L` the largest Hessian eigenvalue in absolute value met
along the way, :func:`modern_lipschitz`).
"""

from __future__ import annotations

import numpy as np

from ..backend import default_rng, get_namespace, to_numpy
from .dense import modern_energy, modern_gradient


def quadratic(A):
    """``(energy, gradient)`` of ``x^T A x / 2`` for row-batched ``x``."""
    return (lambda x: 0.5 * ((x @ A) * x).sum(axis=1)), (lambda x: x @ A)


def modern(patterns, beta: float):
    """``(energy, gradient)`` of the modern Hopfield energy."""
    return (lambda x: modern_energy(x, patterns, beta)), (
        lambda x: modern_gradient(x, patterns, beta)
    )


def energy_along_depth(energy, gradient, x0, eta: float, depth: int):
    """Energies ``(depth + 1, B)`` of the states through ``depth`` residual blocks."""
    xp = get_namespace(x0)
    x = x0
    out = [energy(x)]
    for _ in range(depth):
        x = x - eta * gradient(x)
        out.append(energy(x))
    return to_numpy(xp.stack(out))


def is_monotone(energies, rtol: float = 1e-12) -> bool:
    """Does every column decrease (never increase beyond rounding) along the depth?"""
    e = np.asarray(energies)
    scale = np.maximum(1.0, np.abs(e[:-1]))
    return bool(np.all(e[1:] - e[:-1] <= rtol * scale))


def monotone_bound(
    energy, gradient, x0, depth: int = 50, eta_hi: float = 10.0, tol: float = 1e-4
) -> float:
    """The largest ``eta`` for which the energy falls monotonically (bisection)."""
    lo, hi = 0.0, eta_hi
    if is_monotone(energy_along_depth(energy, gradient, x0, hi, depth)):
        return hi
    while hi - lo > tol * hi:
        mid = 0.5 * (lo + hi)
        if is_monotone(energy_along_depth(energy, gradient, x0, mid, depth)):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def random_quadratic(d: int, L: float, seed: int = 0, xp=np):
    """A symmetric positive matrix with largest eigenvalue ``L`` (spectrum in [L/10, L])."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    lam = np.linspace(L / 10, L, d)
    return xp.asarray((q * lam) @ q.T)


def modern_lipschitz(patterns, beta: float, x) -> float:
    r"""The largest Hessian eigenvalue of the modern Hopfield energy over the rows of ``x``:
    :math:`I - \beta X^{\mathsf T}(\mathrm{diag}\,p - pp^{\mathsf T})X` (its largest
    eigenvalue is at most 1, and the smallest can be negative)."""
    xp = get_namespace(x, patterns)
    z = beta * (x @ patterns.T)
    z = z - xp.max(z, axis=1, keepdims=True)
    p = xp.exp(z)
    p = p / xp.sum(p, axis=1, keepdims=True)
    worst = 0.0
    for row in to_numpy(p):
        X = to_numpy(patterns)
        cov = X.T @ (row[:, None] * X) - np.outer(row @ X, row @ X)
        eig = np.linalg.eigvalsh(np.eye(X.shape[1]) - beta * cov)
        worst = max(worst, float(np.max(np.abs(eig))))
    return worst


def start_states(count: int, d: int, scale: float = 3.0, seed: int = 0, xp=np):
    """Random starting states."""
    return scale * default_rng(seed, xp).standard_normal((count, d))


__all__ = [
    "energy_along_depth",
    "is_monotone",
    "modern",
    "modern_lipschitz",
    "monotone_bound",
    "quadratic",
    "random_quadratic",
    "start_states",
]
