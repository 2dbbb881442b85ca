r"""Exact enumeration of small discrete systems: the independent check.

Every configuration of ``n`` units with values in ``values`` is visited (in
chunks, vectorised), and the canonical averages are formed with log-sum-exp
so that low temperatures do not overflow.

.. math::

    \log Z = \log \sum_c e^{-E_c/T},\quad E = \langle H \rangle,\quad
    C = \frac{\langle H^2\rangle - \langle H\rangle^2}{T^2},\quad
    M = \langle \textstyle\sum_i s_i \rangle,\quad
    \chi = \frac{\langle M^2\rangle - \langle M\rangle^2}{T}.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MAX_UNITS = 30


def configurations(n: int, values=(-1, 1), chunk: int = 1 << 16):
    """Yield arrays of shape ``(batch, n)`` covering all ``len(values)**n`` states."""
    if n > MAX_UNITS:
        raise ValueError(f"refusing to enumerate {len(values)}**{n} states (n <= {MAX_UNITS})")
    vals = np.asarray(values, dtype=np.float64)
    k = len(vals)
    total = k**n
    for start in range(0, total, chunk):
        idx = np.arange(start, min(start + chunk, total), dtype=np.int64)
        digits = np.empty((idx.size, n), dtype=np.int64)
        rest = idx.copy()
        for i in range(n - 1, -1, -1):
            digits[:, i] = rest % k
            rest //= k
        yield vals[digits]


def energy_function(model, shape, params: dict) -> Callable[[np.ndarray], np.ndarray]:
    """A vectorised ``energy(configs)`` for ``configs`` of shape ``(batch, n)``,
    from the model's compiled form (:func:`statmech.numeric.compiled.compile_model`)."""
    from .compiled import compile_model

    compiled = compile_model(model, params, shape=shape)

    def energy(configs):
        return np.asarray(compiled.energy(configs), dtype=np.float64)

    return energy


def symbolic_energy_function(model, shape, params: dict) -> Callable[[np.ndarray], np.ndarray]:
    """The same energy lambdified from :func:`statmech.derive.finite.finite_energy`: the
    symbolic route the compiled form is checked against (lattice and all-to-all couplings)."""
    import sympy as sp
    from statmech.derive.finite import finite_energy

    from .compile import compile_expression

    H, syms = finite_energy(model, shape)
    H = H.subs(
        {
            model.symbols[k]: sp.nsimplify(v)
            for k, v in params.items()
            if k in model.symbols and k != "T"
        }
    )
    f = compile_expression(H, syms)

    def energy(configs):
        out = f(*configs.T)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), (configs.shape[0],))

    return energy


def thermodynamics(energy: Callable, n: int, T: float, values=(-1, 1)) -> dict:
    """Exact totals (not per unit) from enumerating every state of ``n`` units."""
    if not T > 0:
        raise ValueError(f"temperature must be positive, got T={T}")
    es, ms = [], []
    for cfg in configurations(n, values):
        es.append(energy(cfg))
        ms.append(cfg.sum(axis=1))
    e = np.concatenate(es)
    m = np.concatenate(ms)
    x = -e / T
    shift = x.max()
    w = np.exp(x - shift)
    z = w.sum()
    p = w / z
    mean_e = p @ e
    mean_m = p @ m
    var_e = p @ (e - mean_e) ** 2
    var_m = p @ (m - mean_m) ** 2
    log_z = np.log(z) + shift
    return {
        "log_Z": float(log_z),
        "F": float(-T * log_z),
        "E": float(mean_e),
        "S": float((mean_e + T * log_z) / T),
        "C": float(var_e / T**2),
        "M": float(mean_m),
        "abs_M": float(p @ np.abs(m)),
        "M2": float(p @ m**2),
        "M4": float(p @ m**4),
        "chi": float(var_m / T),
    }


def model_thermodynamics(model, shape, params: dict) -> dict:
    """Exact thermodynamics of ``model`` on a finite ``shape`` at ``params`` (with ``T``)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = int(np.prod(shape))
    values = tuple(float(v) for v in model.states.values)
    return thermodynamics(energy_function(model, shape, params), n, params["T"], values)
