"""Shared tolerances (per dtype) and markers; the tests' own numba cache."""

import os
import shutil
import tempfile

import pytest

# The tests never write the user's kernel cache (~/.cache/statmech/numba): each test
# process (each xdist worker, and the subprocesses it starts) keeps its compiled kernels
# in a folder of its own, so that two workers never compile the same kernel into one
# folder at once.  Set before statmech.numeric (and so numba) is imported.
os.environ["NUMBA_CACHE_DIR"] = os.path.join(
    tempfile.gettempdir(),
    f"statmech-tests-numba-{os.getuid() if hasattr(os, 'getuid') else 0}",
    os.environ.get("PYTEST_XDIST_WORKER", "main"),
)

#: Relative tolerances for comparing two independent routes to the same number.
RTOL = {"float64": 1e-12, "float32": 1e-5, "mpmath30": 1e-25}


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """Tests that set ``mpmath.mp.dps`` must not leak it into the next test
    (a test once passed only when an earlier one had left 50+ digits)."""
    import mpmath

    dps = mpmath.mp.dps
    yield
    mpmath.mp.dps = dps


def pytest_collection_modifyitems(config, items):
    from statmech.numeric.backend import cupy_available

    have_gpu = None
    for item in items:
        if "gpu" in item.keywords:
            if have_gpu is None:
                have_gpu = cupy_available()
            if not have_gpu:
                item.add_marker(pytest.mark.skip(reason="needs CuPy and a GPU"))
        if "latex" in item.keywords and shutil.which("pdflatex") is None:
            item.add_marker(pytest.mark.skip(reason="needs pdflatex"))
