r"""Exact Ising numbers in one place, and the reference providers for simulations.

* Chain: :func:`chain_thermodynamics` (rings and open chains of any ``N``, and the
  infinite chain), compiled from the transfer-matrix derivation.
* Square lattice, infinite: :func:`onsager_thermodynamics` (float64 arrays) and
  :func:`onsager_thermodynamics_mp` (any precision), with Yang's magnetization.
* Square lattice, finite ``L x M`` torus: :func:`torus_thermodynamics` (Kaufman,
  float64, vectorised) and :func:`torus_thermodynamics_mp`.
* Magnetization statistics of small systems from exact densities of states
  (:mod:`numeric.ising_dos`).

:func:`ising1d_reference` and :func:`ising2d_reference` return, for a params dict
``{"T", "J", "h", size}``, the observables known *exactly* for that finite
system, with the keys and definitions of :mod:`numeric.references`
(:math:`m = \sum_i s_i / N`)::

    energy_per_spin        = <H> / N
    heat_capacity_per_spin = (<H^2> - <H>^2) / (N T^2)
    abs_magnetization       = <|m|>
    magnetization_squared   = <m^2>
    susceptibility_abs_m    = N (<m^2> - <|m|>^2) / T   (also under its old key, susceptibility)
    binder                  = 1 - <m^4> / (3 <m^2>^2)
    magnetization           = <m>
    susceptibility_per_spin = N (<m^2> - <m>^2) / T = dm/dh

:data:`CHAIN_ROUTE` and :data:`SQUARE_ROUTE` are the models' exact routes for
:func:`numeric.exact.exact` (the ``exact_route`` hooks of ``ising1d`` and ``ising2d``).

Examples
--------
>>> r = ising2d_reference({"T": 2.5, "J": 1.0, "h": 0.0, "L": 4})
>>> sorted(r)  # doctest: +NORMALIZE_WHITESPACE
['abs_magnetization', 'binder', 'energy_per_spin', 'heat_capacity_per_spin',
 'magnetization', 'magnetization_squared', 'susceptibility', 'susceptibility_abs_m',
 'susceptibility_per_spin']
"""

from __future__ import annotations

from .exact import ExactRoute, ExactUnavailable
from .ising_chain import KEYS as CHAIN_KEYS
from .ising_chain import MAX_LOST_DIGITS, chain_thermodynamics, lost_digits
from .ising_dos import MAX_TORUS_SITES, chain_dos, dos_observables, torus_dos
from .kaufman import torus_thermodynamics, torus_thermodynamics_mp
from .onsager import CRITICAL_TEMPERATURE
from .onsager import thermodynamics as onsager_thermodynamics
from .onsager import thermodynamics_mp as onsager_thermodynamics_mp

__all__ = [
    "CHAIN_ROUTE",
    "CRITICAL_TEMPERATURE",
    "CURIE_WEISS_ROUTE",
    "MAX_CHAIN_DOS",
    "chain_thermodynamics",
    "ising1d_reference",
    "ising2d_reference",
    "SQUARE_ROUTE",
    "onsager_thermodynamics",
    "onsager_thermodynamics_mp",
    "torus_thermodynamics",
    "torus_thermodynamics_mp",
]

#: Rings up to this length get the magnetization statistics (O(N^3) density of states).
MAX_CHAIN_DOS = 512

MAGNETIC_KEYS = ("abs_magnetization", "magnetization_squared", "susceptibility", "binder")


def _magnetic(dos: dict, n: int, T: float) -> dict:
    """The magnetic observables of a density of states, under every name
    (``susceptibility`` is the old key of ``susceptibility_abs_m``)."""
    out = {k: dos[k] for k in MAGNETIC_KEYS}
    out["susceptibility_abs_m"] = dos["susceptibility"]
    out["magnetization"] = dos["magnetization"]
    out["susceptibility_per_spin"] = (
        n * (dos["magnetization_squared"] - dos["magnetization"] ** 2) / T
    )
    return out


def _common(params: dict, size_name: str) -> tuple[float, float, float, int]:
    try:
        T = float(params["T"])
        size = int(params[size_name])
    except KeyError as exc:
        raise ValueError(f"the exact reference needs {exc.args[0]!r} in params") from None
    J = float(params.get("J", 1.0))
    h = float(params.get("h", 0.0))
    if not T > 0:
        raise ValueError(f"temperature must be positive, got T={T}")
    if size < 2:
        raise ValueError(f"{size_name} must be at least 2, got {size_name}={size}")
    return T, J, h, size


def ising1d_reference(params: dict) -> dict[str, float]:
    """Exact observables of a ring of ``N`` spins (params: T, J, h, N).

    Energy and heat capacity from the transfer matrix at any ``N``; the
    magnetization statistics from the exact density of states for
    ``N <= MAX_CHAIN_DOS``.
    """
    T, J, h, N = _common(params, "N")
    tm = chain_thermodynamics(N, T, J, h, periodic=True, backend="mpmath", dps=20)
    out = {
        "energy_per_spin": float(tm["energy_per_spin"]),
        "heat_capacity_per_spin": float(tm["heat_capacity_per_spin"]),
    }
    if N <= MAX_CHAIN_DOS:
        g, nb = chain_dos(N, True)
        dos = dos_observables(g, nb, T, J, h)
        out.update(_magnetic(dos, N, T))
    return out


def ising2d_reference(params: dict) -> dict[str, float]:
    """Exact observables of an ``L x L`` torus (params: T, J, h, L; optional M).

    At ``h = 0`` energy and heat capacity from Kaufman's formula at any size;
    for ``L * M <= 25`` everything (any ``h``) from complete enumeration.
    Larger lattices in a field have no exact values: the dict is empty.
    """
    T, J, h, L = _common(params, "L")
    M = int(params.get("M", L))
    out: dict[str, float] = {}
    if h == 0.0 and J > 0:  # Kaufman's torus: a ferromagnet
        k = torus_thermodynamics(L, T, J, M=M)
        out["energy_per_spin"] = float(k["energy_per_spin"])
        out["heat_capacity_per_spin"] = float(k["heat_capacity_per_spin"])
    if L * M <= MAX_TORUS_SITES:
        g, nb = torus_dos(L, M)
        dos = dos_observables(g, nb, T, J, h)
        if h != 0.0 or J <= 0:
            out["energy_per_spin"] = dos["energy_per_spin"]
            out["heat_capacity_per_spin"] = dos["heat_capacity_per_spin"]
        out.update(_magnetic(dos, L * M, T))
    return out


def _square_unavailable(params: dict) -> str:
    L = int(params["L"])
    M = int(params.get("M", L))
    if float(params.get("J", 1.0)) <= 0:
        return (
            f"{FERROMAGNET_ONLY}, not J={params['J']:g}; tori of at most {MAX_TORUS_SITES} "
            f"sites are enumerated for either sign, and {L} x {M} has {L * M}"
        )
    return (
        f"the square lattice is solved exactly in a field (h={params.get('h')}) only on tori of "
        f"at most {MAX_TORUS_SITES} sites, and {L} x {M} has {L * M}; give h=0 (energy and "
        f"heat capacity at any L) or L <= {int(MAX_TORUS_SITES**0.5)}"
    )


ising2d_reference.unavailable = _square_unavailable

#: The exact density of states of a small system, summed over (the magnetization).
DOS_WORDS = "exact density of states"
KAUFMAN_WORDS = "Kaufman's exact finite-lattice formula"


def _chain_method(params: dict) -> str:
    """The methods of :func:`ising1d_reference` at ``params``, in words."""
    if int(params["N"]) <= MAX_CHAIN_DOS:
        return f"transfer matrix and {DOS_WORDS}"
    return "transfer matrix"


def _square_method(params: dict) -> str:
    """The methods of :func:`ising2d_reference` at ``params``, in words."""
    L = int(params["L"])
    kaufman = float(params.get("h", 0.0)) == 0.0 and float(params.get("J", 1.0)) > 0
    dos = L * int(params.get("M", L)) <= MAX_TORUS_SITES
    return " and ".join(w for w, used in ((KAUFMAN_WORDS, kaufman), (DOS_WORDS, dos)) if used)


ising1d_reference.method = _chain_method
ising2d_reference.method = _square_method


# --------------------------------------------------------------------------
# Exact routes (numeric.exact): one parameter point, float64 or mpmath digits


#: Digits the transfer matrix's derivatives may lose (``lost_digits``) before a finite
#: chain is summed over its joint density of states instead: exact integer counts and
#: positive weights, nothing cancels, a millisecond at any temperature (at T = J/100 000
#: the transfer matrix took half a minute, and at the most digits it is given, still
#: lost the susceptibility).
CHAIN_SUM_FROM_DIGITS = 100


def _chain_values(params: dict, digits, boundary) -> dict:
    N = params.get("N")
    lost = lost_digits(params["T"], params["J"], params["h"])
    if N is not None and lost > CHAIN_SUM_FROM_DIGITS:
        g, n_bonds = chain_dos(int(N), periodic=boundary != "open")
        if g.max() < 2**53:  # the float64 counts are the exact integers
            r = dos_observables_mp(g, n_bonds, params["T"], params["J"], params["h"], digits or 17)
            return {k: (r[k] if digits else float(r[k])) for k in CHAIN_KEYS}
        if lost > MAX_LOST_DIGITS:
            raise ExactUnavailable(
                f"a chain of N={N} spins at T={params['T']} would need more than "
                f"{MAX_LOST_DIGITS} extra digits of the transfer matrix, and its states are "
                "summed exactly only while their counts fit in 53 bits (N <= 58); "
                "give a higher T or a smaller N"
            )
    # mpmath always: the compiled derivatives cancel badly in float64 at low T
    r = chain_thermodynamics(
        N,
        params["T"],
        params["J"],
        params["h"],
        periodic=boundary != "open",
        backend="mpmath",
        dps=digits or 17,
    )
    return {k: (v if digits else float(v)) for k, v in r.items()}


def _chain_system(params: dict, boundary) -> str:
    if params.get("N") is None:
        return "infinite chain"
    return f"{'open chain' if boundary == 'open' else 'ring'} of {params['N']} spins"


def dos_observables_mp(g, n_bonds: int, T, J, h, digits: int) -> dict:
    r"""The averages of :func:`numeric.ising_dos.dos_observables` in mpmath at ``digits``
    (the counts ``g[u, k]`` are exact integers), with ``susceptibility_per_spin``
    :math:`= N(\langle m^2\rangle - \langle m\rangle^2)/T = \partial m/\partial h`."""
    import mpmath

    n = g.shape[1] - 1
    with mpmath.workdps(digits + 20 + 2 * len(str(n))):
        T, J, h = mpmath.mpf(T), mpmath.mpf(J), mpmath.mpf(h)
        terms = []
        for u, k in zip(*g.nonzero(), strict=True):
            e = -J * (n_bonds - 2 * int(u)) - h * (2 * int(k) - n)
            terms.append((mpmath.mpf(int(g[u, k])), e, mpmath.mpf(2 * int(k) - n) / n))
        top = max(-e / T for _, e, _ in terms)
        w = [c * mpmath.exp(-e / T - top) for c, e, _ in terms]
        z = mpmath.fsum(w)
        p = [x / z for x in w]
        mean_e = mpmath.fsum(pi * e for pi, (_, e, _) in zip(p, terms, strict=True))
        var_e = mpmath.fsum(pi * (e - mean_e) ** 2 for pi, (_, e, _) in zip(p, terms, strict=True))
        m1 = mpmath.fsum(pi * m for pi, (_, _, m) in zip(p, terms, strict=True))
        am = mpmath.fsum(pi * abs(m) for pi, (_, _, m) in zip(p, terms, strict=True))
        # <(m - <m>)^2>, not <m^2> - <m>^2: in a field at low T both are near 1
        var_m = mpmath.fsum(pi * (m - m1) ** 2 for pi, (_, _, m) in zip(p, terms, strict=True))
        out = {
            "free_energy_per_spin": -T * (mpmath.log(z) + top) / n,
            "energy_per_spin": mean_e / n,
            "heat_capacity_per_spin": var_e / (n * T**2),
            "magnetization": m1,
            "susceptibility_per_spin": n * var_m / T,
            "abs_magnetization": am,
        }
        return {k: +v for k, v in out.items()}


#: Why the square lattice's closed forms refuse J <= 0.
FERROMAGNET_ONLY = (
    "Onsager's solution, Yang's magnetization and Kaufman's torus are derived here for a "
    "ferromagnet (J > 0)"
)


def _square_values(params: dict, digits, boundary) -> dict:
    L, T, J, h = params.get("L"), params["T"], params["J"], params["h"]
    enumerated = L is not None and L * L <= MAX_TORUS_SITES
    if enumerated and digits and (h != 0 or J <= 0):
        g, nb = torus_dos(L, L)
        return dos_observables_mp(g, nb, T, J, h, digits)
    if J <= 0 and not enumerated:
        raise ExactUnavailable(
            f"{FERROMAGNET_ONLY}, not J={J:g}; tori of at most {MAX_TORUS_SITES} sites "
            "are enumerated for either sign (L <= 5)"
        )
    if L is not None and L * L <= MAX_TORUS_SITES and not digits:
        g, nb = torus_dos(L, L)
        d = dos_observables(g, nb, T, J, h)
        keys = ("free_energy_per_spin", "energy_per_spin", "heat_capacity_per_spin")
        out = {k: d[k] for k in keys}
        out["magnetization"] = d["magnetization"]
        n = L * L
        out["susceptibility_per_spin"] = (
            n * (d["magnetization_squared"] - d["magnetization"] ** 2) / T
        )
        out["abs_magnetization"] = d["abs_magnetization"]
        if h == 0 and J > 0:  # Kaufman's formula, the same numbers by another route
            k = torus_thermodynamics(L, T, J)
            out.update({key: float(k[key]) for key in keys})
        return out
    if h != 0:
        raise ExactUnavailable(
            f"the square lattice is solved exactly only at h=0 (got h={h}); "
            f"tori of at most {MAX_TORUS_SITES} sites are enumerated in any field"
        )
    if L is None:
        if digits:
            return onsager_thermodynamics_mp(T, J, digits)
        return {k: float(v) for k, v in onsager_thermodynamics(T, J).items()}
    if digits:
        r = torus_thermodynamics_mp(L, T, J, dps=digits)
    else:
        r = {k: float(v) for k, v in torus_thermodynamics(L, T, J).items()}
    return {k: v for k, v in r.items() if k != "log_Z"}


def _square_system(params: dict, boundary) -> str:
    if params.get("L") is None:
        return "infinite square lattice"
    return f"{params['L']} x {params['L']} torus"


#: The chain: a ring (or, with ``boundary="open"``, an open chain) of ``N`` spins
#: from the transfer matrix, the infinite chain when ``N`` is not given.
CHAIN_ROUTE = ExactRoute(_chain_values, _chain_system, boundaries=("periodic", "open"))

#: The square lattice: Kaufman's ``L x L`` torus (enumerated, in any field, up to
#: :data:`MAX_TORUS_SITES` sites), Onsager and Yang's infinite lattice without ``L``.
SQUARE_ROUTE = ExactRoute(_square_values, _square_system)


# --------------------------------------------------------------------------
# Curie-Weiss: the sum over the magnetization (N + 1 sectors), any N


def _curie_weiss_values(params: dict, digits, boundary) -> dict:
    r""":math:`Z = \sum_k \binom{N}{k} e^{-E(2k - N)/T}`, :math:`E(M) = -J(M^2 - N)/(2N) - hM`
    (:mod:`statmech.derive.models.curie_weiss`): float64 with log-sum-exp, or mpmath."""
    N = int(params["N"])
    T, J, h = params["T"], params["J"], params["h"]
    if not digits:
        from .curie_weiss import exact_thermodynamics

        th = exact_thermodynamics(N, float(T), float(J), float(h))
        m1, m2 = float(th["m"]), float(th["m2"])
        return {
            "free_energy_per_spin": float(th["F"]) / N,
            "energy_per_spin": float(th["E"]) / N,
            "heat_capacity_per_spin": float(th["C"]) / N,
            "magnetization": m1,
            "susceptibility_per_spin": N * (m2 - m1 * m1) / float(T),
            "abs_magnetization": float(th["abs_m"]),
        }
    import mpmath

    with mpmath.workdps(digits + 20 + len(str(N))):
        T, J, h = mpmath.mpf(T), mpmath.mpf(J), mpmath.mpf(h)
        terms = []
        for k in range(N + 1):
            M = 2 * k - N
            E = -J * (M * M - N) / (2 * N) - h * M
            terms.append((mpmath.log(mpmath.binomial(N, k)) - E / T, E, mpmath.mpf(M) / N))
        top = max(t[0] for t in terms)
        w = [mpmath.exp(t[0] - top) for t in terms]
        z = mpmath.fsum(w)
        p = [x / z for x in w]

        def avg(f):
            return mpmath.fsum(pi * f(t) for pi, t in zip(p, terms, strict=True))

        e1 = avg(lambda t: t[1])
        e2 = avg(lambda t: t[1] ** 2)
        m1 = avg(lambda t: t[2])
        m2 = avg(lambda t: t[2] ** 2)
        out = {
            "free_energy_per_spin": -T * (mpmath.log(z) + top) / N,
            "energy_per_spin": e1 / N,
            "heat_capacity_per_spin": (e2 - e1 * e1) / (N * T * T),
            "magnetization": m1,
            "susceptibility_per_spin": N * (m2 - m1 * m1) / T,
            "abs_magnetization": avg(lambda t: abs(t[2])),
        }
        return {k: +v for k, v in out.items()}


def _curie_weiss_system(params: dict, boundary) -> str:
    return f"{params['N']} spins, all-to-all, summed over the magnetization"


#: Curie-Weiss at any finite ``N``: the sum over its ``N + 1`` magnetization sectors
#: (the N -> infinity limit is 'statmech solve', where mean field is exact).
CURIE_WEISS_ROUTE = ExactRoute(_curie_weiss_values, _curie_weiss_system, infinite=False)
