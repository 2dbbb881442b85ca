r"""Standard symbols, with the assumptions the derivations rely on.

Temperatures are in units with :math:`k_B = 1`: ``T`` is an energy and
``beta = 1/T``.  Quantities that the derivations produce (``Z``, ``F``, ...)
are plain symbols used as equation left-hand sides.
"""

from __future__ import annotations

import sympy as sp

# Control parameters
T = sp.Symbol("T", positive=True)
beta = sp.Symbol("beta", positive=True)
N = sp.Symbol("N", positive=True, integer=True)
h = sp.Symbol("h", real=True)
J = sp.Symbol("J", positive=True)
epsilon = sp.Symbol("epsilon", positive=True)
mu = sp.Symbol("mu", positive=True)

# Derived quantities (left-hand sides of derivation steps)
Z = sp.Symbol("Z")
Z1 = sp.Symbol("Z_1")
F = sp.Symbol("F")
E = sp.Symbol("E")
U = sp.Symbol("U")
S = sp.Symbol("S")
C = sp.Symbol("C")
M = sp.Symbol("M")
chi = sp.Symbol("chi")
Omega = sp.Symbol("Omega")

#: The names of the thermodynamic results, in the order they are reported.
RESULT_NAMES = ("Z", "F", "E", "S", "C", "M", "chi")
