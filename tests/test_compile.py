"""The compile module: NumPy, mpmath and (generated) CuPy callables agree."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from statmech.numeric.compile import compile_cupy_with, compile_expression, cupy_source

x, y = sp.symbols("x y", positive=True)
EXPR = sp.tanh(x / y) + sp.erf(x) + sp.log(2 * sp.cosh(y))


def test_numpy_matches_mpmath():
    f = compile_expression(EXPR, ["x", "y"])
    g = compile_expression(EXPR, ["x", "y"], "mpmath")
    xs = np.linspace(0.1, 3, 7)
    mpmath.mp.dps = 30
    ref = np.array([float(g(mpmath.mpf(float(a)), mpmath.mpf(2))) for a in xs])
    np.testing.assert_allclose(f(xs, 2.0), ref, rtol=1e-13)


def test_cached_per_backend():
    assert compile_expression(EXPR, ["x", "y"]) is compile_expression(EXPR, ["x", "y"])


def test_cupy_codegen_without_gpu():
    src = cupy_source(EXPR, ["x", "y"])
    assert "cupy.tanh" in src and "cupyx_special.erf" in src and "numpy" not in src
    f = compile_cupy_with(EXPR, ["x", "y"], np)  # NumPy stands in for CuPy
    np.testing.assert_allclose(
        f(np.array([0.5]), 2.0),
        compile_expression(EXPR, ["x", "y"])(np.array([0.5]), 2.0),
        rtol=1e-15,
    )


def test_missing_argument_is_an_error():
    with pytest.raises(ValueError, match="depends on y"):
        compile_expression(EXPR, ["x"])


@pytest.mark.gpu
def test_cupy_matches_numpy_on_gpu():
    from statmech.numeric.backend import get_backend, to_numpy

    cp = get_backend("cupy")
    f = compile_expression(EXPR, ["x", "y"], "cupy")
    xs = np.linspace(0.1, 3, 11)
    np.testing.assert_allclose(
        to_numpy(f(cp.asarray(xs), 2.0)), compile_expression(EXPR, ["x", "y"])(xs, 2.0), rtol=1e-12
    )
