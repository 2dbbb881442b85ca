"""Choice of numba's threading layer for the fast kernels.

A sweep starts two parallel regions (one per colour).  On a small machine that
other processes also load, OpenMP's barrier degrades badly: at L = 1024 on two
busy cores we measured 0.06 flips/ns with the OpenMP layer against 0.48 with
numba's own ``workqueue`` layer (0.34 on one thread).  So, unless the user chose
a layer (environment variable ``NUMBA_THREADING_LAYER``) or one is already
running, the fast kernels ask for ``workqueue``.  The layer is process-wide.
"""

from __future__ import annotations

import os

import numba


def prefer_workqueue() -> str:
    """Select the ``workqueue`` layer if nothing has been chosen or started; return the choice."""
    if "NUMBA_THREADING_LAYER" in os.environ or numba.config.THREADING_LAYER != "default":
        return numba.config.THREADING_LAYER
    try:
        return numba.threading_layer()  # already launched: leave it alone
    except ValueError:
        numba.config.THREADING_LAYER = "workqueue"
        return "workqueue"
