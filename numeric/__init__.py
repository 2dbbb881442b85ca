"""Numeric layer: compiled SymPy expressions, exact enumeration, solvers, samplers.

Builds on :mod:`derive`; never imported by it.  Importing it loads nothing heavy;
it points numba's kernel cache at the user's cache folder
(:mod:`statmech.numeric.kernel_cache`) before any kernel module imports numba.
"""

from .kernel_cache import use_user_cache as _use_user_cache

_use_user_cache()
