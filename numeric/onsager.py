r"""Onsager's square-lattice thermodynamics and Yang's magnetization, evaluated.

With :math:`K = J/T` and the modulus :math:`k = 2\sinh 2K / \cosh^2 2K`:

.. math::

    -f/T = \log(2\cosh 2K) + \frac{1}{2\pi}\int_0^\pi
        \log\frac{1 + \sqrt{1 - k^2\sin^2\theta}}{2}\, d\theta,

    e = -J\coth 2K\,\Bigl[1 + \tfrac{2}{\pi}(2\tanh^2 2K - 1)\,\mathsf K(k^2)\Bigr],

    m = (1 - \sinh^{-4} 2K)^{1/8}\quad (T < T_c).

Elliptic integrals take the parameter :math:`k^2`.  The float64 path uses
:math:`1 - k^2 = (1 - \sinh^2 2K)^2 / \cosh^4 2K` and ``ellipkm1`` so that
nothing is lost near :math:`T_c`; the mpmath path evaluates the expressions of
:mod:`derive.ising2d` at any precision.

References
----------
Onsager, Phys. Rev. 65, 117 (1944); Yang, Phys. Rev. 85, 808 (1952).
"""

from __future__ import annotations

import mpmath
import numpy as np
from statmech.derive import ising2d
from statmech.derive import symbols as sym

from .compile import compile_expression

#: T_c / J = 2 / log(1 + sqrt 2)
CRITICAL_TEMPERATURE = 2 / np.log1p(np.sqrt(2))


def _parts(T, J):
    r"""``T, K, coth 2K, tanh^2 2K, 1 - k^2`` and :math:`\sinh^{-4} 2K`, written with
    :math:`q = e^{-2K}` so that nothing overflows at low T (``sinh 2K`` does for
    :math:`T < J/355`, and ``sinh^4 2K`` already for :math:`T < J/89`)."""
    T = np.asarray(T, dtype=np.float64)
    K = J / T
    q = np.exp(-2 * K)
    q2 = q * q
    one_minus_q2 = -np.expm1(-4 * K)
    with np.errstate(divide="ignore"):
        coth = (1 + q2) / one_minus_q2
    t2 = np.tanh(2 * K) ** 2
    # 1 - sinh^2 2K = (q^2 + 2q - 1)(1 + 2q - q^2) / (4 q^2), cosh 2K = (1 + q^2) / (2q)
    m1 = ((q2 + 2 * q - 1) * (1 + 2 * q - q2)) ** 2 / (1 + q2) ** 4  # 1 - k^2
    with np.errstate(divide="ignore"):
        sinh_m4 = (2 * q / one_minus_q2) ** 4
    return T, K, coth, t2, m1, sinh_m4


def energy_per_spin(T, J=1.0):
    T, K, coth, t2, m1, _ = _parts(T, J)
    from scipy import special  # here: SciPy takes longer to import than the rest of exact

    with np.errstate(divide="ignore", invalid="ignore"):
        big_k = special.ellipkm1(m1)
        term = np.where(m1 > 0, (2 * t2 - 1) * big_k, 0.0)
    return -J * coth * (1 + 2 / np.pi * term)


def heat_capacity_per_spin(T, J=1.0):
    T, K, coth, t2, m1, _ = _parts(T, J)
    from scipy import special

    with np.errstate(divide="ignore", invalid="ignore"):
        big_k = special.ellipkm1(m1)
        big_e = special.ellipe(1 - m1)
        pref = 4 / np.pi * (K * coth) ** 2
        return pref * (big_k - big_e - (1 - t2) * (np.pi / 2 + (2 * t2 - 1) * big_k))


def spontaneous_magnetization(T, J=1.0):
    T, K, coth, t2, m1, sinh_m4 = _parts(T, J)
    inside = 1 - sinh_m4
    return np.where(inside > 0, np.abs(inside) ** 0.125, 0.0)


def free_energy_per_spin_mp(T, J=1, dps: int = 30):
    """Onsager's free energy per spin by mpmath quadrature at ``dps`` digits."""
    with mpmath.workdps(max(dps + 10, mpmath.mp.dps)):
        T, J = mpmath.mpf(T), mpmath.mpf(J)
        K = J / T
        k2 = (2 * mpmath.sinh(2 * K) / mpmath.cosh(2 * K) ** 2) ** 2

        def integrand(t):
            return mpmath.log((1 + mpmath.sqrt(1 - k2 * mpmath.sin(t) ** 2)) / 2)

        # split at pi/2, where the integrand has a kink at T_c
        integral = mpmath.quad(integrand, [0, mpmath.pi / 2, mpmath.pi])
        return +(-T * (mpmath.log(2 * mpmath.cosh(2 * K)) + integral / (2 * mpmath.pi)))


def free_energy_per_spin(T, J=1.0):
    T = np.asarray(T, dtype=np.float64)
    flat = [float(free_energy_per_spin_mp(t, J, dps=17)) for t in T.ravel()]
    return np.array(flat).reshape(T.shape)


def thermodynamics_mp(T, J=1, dps: int = 30) -> dict:
    """Free energy, energy, heat capacity and spontaneous magnetization per spin at
    ``dps`` digits, from the expressions of :mod:`derive.ising2d`."""
    args = (sym.T, sym.J)
    with mpmath.workdps(max(dps + 10, mpmath.mp.dps)):
        T_, J_ = mpmath.mpf(T), mpmath.mpf(J)
        tc = 2 * J_ / mpmath.log(1 + mpmath.sqrt(2))
        if T_ == tc:
            e = -mpmath.sqrt(2) * J_
            c = mpmath.inf
        else:
            e = compile_expression(ising2d.energy_per_spin(), args, "mpmath")(T_, J_)
            c = compile_expression(ising2d.heat_capacity_per_spin(), args, "mpmath")(T_, J_)
        m = mpmath.mpf(0)
        if T_ < tc:
            m = (1 - mpmath.sinh(2 * J_ / T_) ** -4) ** (mpmath.mpf(1) / 8)
        return {
            "free_energy_per_spin": free_energy_per_spin_mp(T_, J_, dps),
            "energy_per_spin": +e,
            "heat_capacity_per_spin": +c,
            "magnetization": +m,
        }


def thermodynamics(T, J=1.0) -> dict:
    """The same in float64, broadcasting over ``T``."""
    return {
        "free_energy_per_spin": free_energy_per_spin(T, J),
        "energy_per_spin": energy_per_spin(T, J),
        "heat_capacity_per_spin": heat_capacity_per_spin(T, J),
        "magnetization": spontaneous_magnetization(T, J),
    }
