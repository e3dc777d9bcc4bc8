"""The SymPy -> JAX bridge traces under jit, including the names SymPy's JAX printer gets wrong by itself."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from numerics.bridge import to_jax
from numerics.precision import uses_float64


@uses_float64
def test_special_functions_trace_under_jit():
    x = sp.Symbol("x")
    f = jax.jit(to_jax([x], sp.erf(x) + sp.gamma(x) + sp.loggamma(x) + sp.erfc(x)))
    expected = math.erf(1.5) + math.gamma(1.5) + math.lgamma(1.5) + math.erfc(1.5)
    assert abs(float(f(1.5)) - expected) <= 8 * np.finfo(np.float64).eps * abs(expected)


def test_trace_of_a_matrix_symbol():
    A = sp.MatrixSymbol("A", 3, 3)
    f = jax.jit(to_jax([A], sp.Trace(A)))
    assert float(f(jnp.arange(9.0).reshape(3, 3))) == 0.0 + 4.0 + 8.0


@uses_float64
def test_rational_constants_stay_exact_in_float64():
    n = sp.Symbol("n")
    f = to_jax([n], n / (1 - n * sp.Rational(1, 2**53)))
    assert float(f(1.0)) == 1.0 / (1.0 - 2.0**-53)
