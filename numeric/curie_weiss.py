r"""Exact finite-N Curie-Weiss thermodynamics: a sum over the magnetization.

Convention (each pair once, as in :mod:`derive.models.curie_weiss`):

.. math::

    H = -\frac{J}{N}\sum_{i<j} s_i s_j - h\sum_i s_i
      = -\frac{J}{2N}\,(M^2 - N) - hM,\qquad M = \sum_i s_i = 2k - N,

so :math:`Z = \sum_{k=0}^{N} \binom{N}{k} e^{-E(2k-N)/T}`: :math:`N + 1` terms,
formed with log-sum-exp (no overflow at any :math:`N` or :math:`T`).
Parameters broadcast: ``T`` and ``h`` may be arrays.

:func:`curie_weiss_reference` is the provider that
:func:`numeric.references.exact_reference` calls for ``"curie-weiss"``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, logsumexp


def magnetization_sum(N: int, T, J=1.0, h=0.0):
    r"""Log-weights of the :math:`N + 1` magnetization sectors.

    Returns
    -------
    M : ndarray (N + 1,)
        Total magnetization :math:`2k - N`.
    E : ndarray (..., N + 1)
        Energy of a configuration in each sector.
    log_w : ndarray (..., N + 1)
        :math:`\log\binom{N}{k} - E/T`; leading axes from broadcasting ``T, J, h``.
    """
    N = int(N)
    if N < 1:
        raise ValueError(f"the number of spins must be positive, got N={N}")
    T, J, h = (np.asarray(v, dtype=np.float64)[..., None] for v in (T, J, h))
    if np.any(T <= 0):
        raise ValueError(f"temperature must be positive, got T={T.min()}")
    k = np.arange(N + 1, dtype=np.float64)
    M = 2 * k - N
    log_binom = gammaln(N + 1) - gammaln(k + 1) - gammaln(N - k + 1)
    E = -J / (2 * N) * (M**2 - N) - h * M
    return M, E, log_binom - E / T


def exact_thermodynamics(N: int, T, J=1.0, h=0.0) -> dict:
    r"""Exact totals and moments for ``N`` spins.

    Returns a dict of arrays (broadcast shape of ``T, J, h``): ``log_Z``,
    ``F`` :math:`= -T\log Z`, ``E`` :math:`=\langle H\rangle`, ``C``
    :math:`= (\langle H^2\rangle - \langle H\rangle^2)/T^2`, and the moments of
    :math:`m = M/N`: ``m``, ``abs_m``, ``m2``, ``m4``.
    """
    M, E, log_w = magnetization_sum(N, T, J, h)
    log_z = logsumexp(log_w, axis=-1)
    p = np.exp(log_w - log_z[..., None])
    mean_e = (p * E).sum(-1)
    var_e = (p * (E - mean_e[..., None]) ** 2).sum(-1)
    m = M / N
    T = np.asarray(T, dtype=np.float64)
    return {
        "log_Z": log_z,
        "F": -T * log_z,
        "E": mean_e,
        "C": var_e / T**2,
        "m": (p * m).sum(-1),
        "abs_m": (p * np.abs(m)).sum(-1),
        "m2": (p * m**2).sum(-1),
        "m4": (p * m**4).sum(-1),
    }


def free_energy_per_spin(N: int, T, J=1.0, h=0.0):
    """Exact :math:`F/N = -T \\log Z / N`."""
    return exact_thermodynamics(N, T, J, h)["F"] / int(N)


def curie_weiss_reference(params: dict) -> dict[str, float]:
    r"""Exact observables of the finite Curie-Weiss model (the reference provider).

    Parameters
    ----------
    params : dict
        ``T``, ``N`` required; ``J`` (default 1) and ``h`` (default 0).

    Returns
    -------
    dict
        ``energy_per_spin`` :math:`\langle H\rangle/N`,
        ``heat_capacity_per_spin`` :math:`(\langle H^2\rangle - \langle H\rangle^2)/(NT^2)`,
        ``abs_magnetization`` :math:`\langle|m|\rangle`,
        ``magnetization_squared`` :math:`\langle m^2\rangle`,
        ``susceptibility`` :math:`N(\langle m^2\rangle - \langle|m|\rangle^2)/T`,
        ``binder`` :math:`1 - \langle m^4\rangle/(3\langle m^2\rangle^2)`,
        with :math:`m = \sum_i s_i / N`, exact for the given ``N``.

    Examples
    --------
    >>> ref = curie_weiss_reference({"T": 2.0, "J": 1.0, "h": 0.0, "N": 1})
    >>> ref["magnetization_squared"]
    1.0
    """
    missing = [k for k in ("T", "N") if k not in params]
    if missing:
        raise ValueError(f"curie-weiss reference needs {', '.join(missing)}")
    N = params["N"]
    if int(N) != N:
        raise ValueError(f"N must be an integer, got N={N}")
    N = int(N)
    T = float(params["T"])
    th = exact_thermodynamics(N, T, float(params.get("J", 1.0)), float(params.get("h", 0.0)))
    m2, abs_m, m4, m1 = (float(th[k]) for k in ("m2", "abs_m", "m4", "m"))
    return {
        "magnetization": m1,
        "susceptibility_per_spin": N * (m2 - m1**2) / T,  # dm/dh
        "susceptibility_abs_m": N * (m2 - abs_m**2) / T,
        "energy_per_spin": float(th["E"]) / N,
        "heat_capacity_per_spin": float(th["C"]) / N,
        "abs_magnetization": abs_m,
        "magnetization_squared": m2,
        "susceptibility": N * (m2 - abs_m**2) / T,
        "binder": 1 - m4 / (3 * m2**2),
    }


curie_weiss_reference.method = "exact sum over the magnetization"
