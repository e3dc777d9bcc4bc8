r"""Properties of <S,T>_F = tr(S T^*): the symbolic proofs, and the floating-point sides within their rounding bound.

Values are drawn in the range the experiment states: magnitudes in [2^-8, 2^8] (or exactly 0), random signs, so
that nothing underflows or overflows and the standard model of rounding applies. NumPy checks the properties at
many shapes; the jitted JAX path is checked at a few shape buckets, so that JIT compiles a handful of programs.
Every tolerance is the rounding bound C(m, n, u) · sum|S_ij||T_ij| of theorems.frobenius, lambdified.
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from numerics import frobenius
from numerics.measure import unit_roundoff
from numerics.rounding_model import round_mantissa
from theorems import frobenius as statement
from theorems import get
from theorems.rounding import gamma

pytestmark = pytest.mark.frobenius

MAGNITUDE = st.one_of(st.just(0.0), st.floats(2.0**-8, 2.0**8))
REAL = st.tuples(st.booleans(), MAGNITUDE).map(lambda sm: -sm[1] if sm[0] else sm[1])
SHAPES = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8)  # larger: numerics.frobenius
BUCKETS = ((1, 7), (7, 1), (5, 5), (8, 3))
sum_form, trace_form = jax.jit(frobenius.sum_form), jax.jit(frobenius.trace_form)  # compiled once a bucket and dtype


@st.composite
def pairs(draw, dtype, shapes=SHAPES):
    """Two matrices of one shape in ``dtype`` with entries (and imaginary parts) in the stated range."""
    shape = draw(shapes)
    real = np.dtype(dtype).kind != "c"
    parts = [draw(hnp.arrays(np.float64, shape, elements=REAL)) for _ in range(2 if real else 4)]
    if real:
        return parts[0].astype(dtype), parts[1].astype(dtype)
    return (parts[0] + 1j * parts[1]).astype(dtype), (parts[2] + 1j * parts[3]).astype(dtype)


def bound(S, T):
    m, n = S.shape
    scale = np.sum(np.abs(S.astype(np.complex128)) * np.abs(T.astype(np.complex128)))
    return frobenius.rounding_constant(m, n, S.dtype) * scale


def test_every_symbolic_proof_holds():
    failed = [c.claim for c in (proof() for proof in statement.THEOREM.proofs) if not c.holds]
    assert not failed


def test_registry_and_aliases():
    assert get("trace-identity") is statement.THEOREM and get("frobenius-trace") is statement.THEOREM


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
@given(data=st.data())
def test_numpy_sum_and_trace_agree_within_rounding_bound(dtype, data):
    S, T = data.draw(pairs(dtype))
    by_sum, by_trace = np.sum(S * np.conj(T)), np.trace(S @ np.conj(T).T)
    assert abs(complex(by_sum) - complex(by_trace)) <= bound(S, T)


@pytest.mark.parametrize("dtype", ["float32", "complex64", "float64", "complex128"])
@settings(max_examples=30)  # the jitted path at a few buckets; NumPy above covers the many shapes
@given(data=st.data())
def test_jitted_sum_and_trace_agree_within_rounding_bound(dtype, data):
    S, T = data.draw(pairs(dtype, shapes=st.sampled_from(BUCKETS)))
    with jax.enable_x64(True):  # float64 and complex128 stay what they are
        by_sum = sum_form(S, T)
        by_trace = trace_form(S, T)
    assert by_sum.dtype == S.dtype and by_trace.dtype == S.dtype
    assert abs(complex(by_sum) - complex(by_trace)) <= bound(S, T)


@given(pairs("float64", shapes=st.sampled_from(BUCKETS)))
def test_real_inner_product_is_exactly_symmetric(st_pair):
    """S_ij T_ij and T_ij S_ij are the same rounded products, summed in the same order: bitwise equal."""
    S, T = st_pair
    with jax.enable_x64(True):
        assert sum_form(S, T) == sum_form(T, S)


@given(pairs("complex128", shapes=st.sampled_from(BUCKETS)))
def test_complex_inner_product_is_conjugate_symmetric(st_pair):
    """<S,T> = conj(<T,S>); in floating point each side carries its own rounding error, c_mn sum|S||T|."""
    S, T = st_pair
    with jax.enable_x64(True):
        forward, backward = sum_form(S, T), sum_form(T, S)
    assert forward.dtype == np.complex128
    assert abs(complex(forward) - np.conj(complex(backward))) <= 2 * bound(S, T)


@given(pairs("float64"), pairs("float64"), st.integers(-4, 4), st.integers(-4, 4))
def test_bilinear_in_the_first_argument(st_pair, r_pair, a_exp, b_exp):
    r"""<aS + bR, T> = a<S,T> + b<R,T> for a, b powers of two (so aS, bR are exact).

    Left: one rounding per entry of aS + bR, then a length-mn inner product: error <= gamma_{mn+1} sum(|aS|+|bR|)|T|.
    Right: two inner products (gamma_mn each), scaled exactly, then one addition: <= gamma_{mn+1} sum(|aS|+|bR|)|T|.
    """
    (S, T), (R, _) = st_pair, r_pair
    if R.shape != S.shape:
        R = np.resize(R, S.shape)
    a, b = 2.0**a_exp, 2.0**b_exp
    lhs = np.sum((a * S + b * R) * T)
    rhs = a * np.sum(S * T) + b * np.sum(R * T)
    scale = np.sum((np.abs(a * S) + np.abs(b * R)) * np.abs(T))
    g = float(gamma(S.size + 1, unit_roundoff("float64")))
    assert abs(lhs - rhs) <= 2 * g * scale


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@given(data=st.data())
def test_cauchy_schwarz(dtype, data):
    r"""|fl<S,T>| <= (1+gamma_mn) / ((1-gamma_mn)(1-u)^3) fl||S|| fl||T||.

    |fl<S,T>| <= |<S,T>| + gamma_mn sum|S||T| <= (1+gamma_mn) ||S|| ||T|| (Cauchy-Schwarz twice), and each computed
    norm sqrt(fl(sum S^2)) is at least sqrt(1-gamma_mn)(1-u) times the exact one, the final product (1-u).
    """
    S, T = data.draw(pairs(dtype))
    u, N = unit_roundoff(dtype), S.size
    g = float(gamma(N, u))
    factor = (1 + g) / ((1 - g) * (1 - u) ** 3)
    assert abs(np.sum(S * T)) <= factor * np.sqrt(np.sum(S * S)) * np.sqrt(np.sum(T * T))


@given(pairs("float64"))
def test_cauchy_schwarz_is_tight_for_parallel_matrices(st_pair):
    """For T = S the inequality is an equality: the check above could not pass by being vacuous."""
    S, _ = st_pair
    g = float(gamma(S.size + 2, unit_roundoff("float64")))
    norm2 = np.sqrt(np.sum(S * S)) ** 2
    assert abs(np.sum(S * S) - norm2) <= 2 * g * norm2


def test_checks_fail_when_the_bound_is_a_hundred_times_too_small(small_run):
    """The bound is not vacuous: at 3x5 the measured error is a few percent of it, so bound/100 is exceeded."""
    result = small_run(frobenius)
    shrunk = dataclasses.replace(result, ratio=result.ratio * 100)
    assert not all(c.holds for c in frobenius.worst_case_checks(shrunk, frobenius.Config.small()))


SINGLE = ("float32", "complex64")


def test_model_checks_fail_for_an_error_ten_times_the_measured_one_that_the_bound_accepts(small_run):
    """Single precision's differences made ten times larger: every worst-case check still holds (they sit below
    a tenth of their bound), and every format-ratio check fails."""
    config, result = frobenius.Config.small(), small_run(frobenius)
    single = [config.dtypes.index(d) for d in SINGLE]
    ratio, model_error = result.ratio.copy(), result.model_error.copy()
    ratio[:, single] *= 10
    model_error[:, single] *= 10
    injected = dataclasses.replace(result, ratio=ratio, model_error=model_error)
    assert all(c.holds for c in frobenius.worst_case_checks(injected, config))
    model = frobenius.model_checks(injected, config)
    assert len(model) == 2 * len(config.model_shapes) and not any(c.holds for c in model)


def tf32_trace_form(S, T):
    """The trace form with single-precision inputs rounded to TF32's 10 mantissa bits (a GPU's default matmul)."""
    if S.dtype in (jnp.float32, jnp.complex64):
        S, T = round_mantissa(S, 10), round_mantissa(T, 10)
    return frobenius.trace_form(S, T)


def test_model_check_fails_for_products_at_tf32_precision_that_the_bound_accepts():
    """At 64x64 TF32 inputs give |sum - trace| about 3e-5 sum|S||T|, inside the bound (4159 u = 2.5e-4): the
    worst-case check holds, the float32/float64 ratio (about 10^3) fails."""
    config = frobenius.Config(shapes=((64, 64),), dtypes=("float32", "float64"), batch=4, model_shapes=((64, 64),),
                              model_batch=16)
    result = frobenius.measure(config, jax.random.key(0), tf32_trace_form)
    assert all(c.holds for c in frobenius.worst_case_checks(result, config))
    (model,) = frobenius.model_checks(result, config)
    assert not model.holds and model.measured > 100


def test_wrong_trace_forms_compute_their_statements():
    """The jnp forms the neighbours run are the SymPy wrong statements, at a random complex 3x3 pair."""
    rng = np.random.default_rng(0)
    S, T = (rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)) for _ in range(2))
    forms = {"conjugate-lost": frobenius.conjugate_lost_form, "conjugate-on-first": frobenius.conjugate_on_first_form,
             "transpose-dropped": frobenius.transpose_dropped_form}
    with jax.enable_x64(True):
        for name, wrong in statement.WRONG_TRACES.items():
            expected = complex(wrong(sp.Matrix(S), sp.Matrix(T)))
            computed = complex(forms[name](jnp.asarray(S), jnp.asarray(T)))
            assert abs(computed - expected) <= 1e-12 * np.sum(abs(S) * abs(T))
    assert statement.prove_neighbours_differ().holds


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="dtypes must be one of .*, got 'float8'"):
        frobenius.Config(dtypes=("float8",))
    with pytest.raises(ValueError, match=r"shape \(0, 3\)"):
        frobenius.Config(shapes=((0, 3),))
    with pytest.raises(ValueError, match="batch must be an integer >= 1, got 0"):
        frobenius.Config(batch=0)
    with pytest.raises(ValueError, match="model_shapes must have m, n >= 2"):
        frobenius.Config(model_shapes=((1, 8),))
    with pytest.raises(ValueError, match="model_batch must be >= 16"):
        frobenius.Config(model_batch=8)
