r"""Circular convolution commutes with cyclic shifts (cohen2016): the proofs, the forms at many lengths and kernels,
sub-sampling, the FFT form within its bound, and the sharp checks failing on the errors they are meant to see.

NumPy evaluates every operation as written (no fused multiply-add), so the direct form is checked there at many
lengths and kernels; the jitted forms at a few shape buckets, so that JIT compiles once a bucket. Tolerances: 0
(exact) for the direct form, the pooled integers and the sub-sampled grid; the FFT form within its bound of
theorems.architectures.convolution; mean pooling within 2 gamma_(n-1) sum |y| (two orders of summation).
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.architectures import convolution
from numerics.architectures.convolution_forms import (bitwise_gap, circular_convolution, convolution_products,
                                                    fft_convolution, summed)
from numerics.measure import unit_roundoff
from numerics.rounding_model import format_ratio_check
from theorems import get
from theorems.architectures import convolution as statement
from theorems.rounding import gamma

pytestmark = pytest.mark.cohen2016

DIRECT_BUCKETS = ((7, 3), (45, 5))
FFT_BUCKETS = ((64, 9),)
products_jit, summed_jit = jax.jit(convolution_products), jax.jit(summed)  # compiled once a bucket and dtype
fft_jit = jax.jit(fft_convolution, static_argnums=(2, 3))


def numpy_convolution(x, w):
    """sum_j w_j x_{(i-j) mod n}, products added left to right (NumPy rounds each operation as written)."""
    out = w[0] * x
    for j in range(1, len(w)):
        out = out + w[j] * np.roll(x, j, axis=-1)
    return out


@st.composite
def signals(draw, dtype, buckets=None):
    """(x, w, t): a signal, a kernel no longer than it, a shift; Gaussian floats or integers in [-100, 100]."""
    n, k = draw(st.sampled_from(buckets)) if buckets else (draw(st.integers(1, 64)), None)
    k = k or draw(st.integers(1, n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if dtype == "int32":
        x, w = rng.integers(-100, 101, n), rng.integers(-100, 101, k)
    else:
        x, w = rng.standard_normal(n), rng.standard_normal(k)
    return x.astype(dtype), w.astype(dtype), draw(st.integers(-2 * n, 2 * n))


@pytest.mark.parametrize("proof", statement.THEOREM.proofs, ids=lambda proof: proof.__name__)
def test_symbolic_proof_holds(proof):
    check = proof()
    assert check.holds, check.claim


def test_registry_and_aliases():
    assert get("convolution") is statement.THEOREM and get("translation-equivariance") is statement.THEOREM


def test_a_wrong_moment_formula_is_refuted():
    """The second-moment proof can fail: W_(r+2t) in place of W_(r+t) is refuted at small sizes."""
    wrong = statement.invariance_moment
    try:
        statement.invariance_moment = lambda w, s, t: wrong(w, s, 2 * t)
        assert not statement.prove_invariance_second_moment(max_length=4).holds
    finally:
        statement.invariance_moment = wrong


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@given(data=st.data())
def test_numpy_direct_form_commutes_with_every_shift_exactly(dtype, data):
    x, w, t = data.draw(signals(dtype))
    assert np.array_equal(numpy_convolution(np.roll(x, t), w), np.roll(numpy_convolution(x, w), t))


@pytest.mark.slow  # compiles two programs a bucket and dtype; the experiment checks the same forms at small config
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@settings(max_examples=20)
@given(data=st.data())
def test_jitted_direct_form_with_rounded_products_commutes_exactly(dtype, data):
    """Products formed by one compiled program, summed by another: bit for bit, as in the experiment."""
    x, w, t = data.draw(signals(dtype, DIRECT_BUCKETS))
    with jax.enable_x64(True):
        moved = np.asarray(summed_jit(products_jit(np.roll(x, t), w)))
        base = np.asarray(summed_jit(products_jit(x, w)))
    assert moved.dtype == x.dtype and np.array_equal(moved, np.roll(base, t))
    assert np.array_equal(base, numpy_convolution(x, w))  # the same roundings as NumPy's, in the same order


@pytest.mark.parametrize("sigma", [np.tanh, lambda y: np.maximum(y, 0), np.abs], ids=["tanh", "relu", "abs"])
@given(data=st.data())
def test_pointwise_layer_commutes_and_global_max_pooling_is_invariant(sigma, data):
    x, w, t = data.draw(signals("float64"))
    layer = sigma(numpy_convolution(np.roll(x, t), w) + 0.25)
    assert np.array_equal(layer, np.roll(sigma(numpy_convolution(x, w) + 0.25), t))
    assert np.max(layer) == np.max(sigma(numpy_convolution(x, w) + 0.25))


@given(signals("float64"), signals("int32"))
def test_global_sum_pooling_is_invariant_exactly_for_integers_and_within_rounding_for_floats(floats, integers):
    x, w, t = integers
    assert np.sum(numpy_convolution(np.roll(x, t), w)) == np.sum(numpy_convolution(x, w))
    x, w, t = floats
    y = numpy_convolution(x, w)
    bound = 2 * float(gamma(max(y.size - 1, 1), unit_roundoff("float64"))) * np.sum(np.abs(y))
    assert abs(np.sum(np.roll(y, t)) - np.sum(y)) <= bound


@given(st.integers(2, 6), st.integers(1, 8), st.integers(-20, 20), st.integers(0, 2**32 - 1))
def test_subsampling_commutes_with_multiples_of_the_stride_only(stride, coarse, shift, seed):
    """D_s S_(sq) y = S_q D_s y exactly; for s not dividing t the delta e_0 has D_s S_t e_0 = 0 (no S_q matches)."""
    n = stride * coarse
    y = np.random.default_rng(seed).standard_normal(n)
    assert np.array_equal(np.roll(y, stride * shift)[::stride], np.roll(y[::stride], shift))
    delta = np.eye(n)[0]
    moved = np.roll(delta, shift)[::stride]
    assert (not moved.any()) == (shift % stride != 0)


@given(st.integers(1, 5), st.integers(1, 6), st.data())
def test_invariance_moment_matches_the_exact_second_moment(stride, coarse, data):
    """sum_i c_i^2 for the linear form Delta(x) = g(S_t x) - g(x) equals (n/s) sum_r (W_(r+t) - W_r)^2, exactly
    (integers), and the same for g itself; the form's coefficients are Delta of the unit vectors."""
    n = stride * coarse
    k = data.draw(st.integers(1, n))
    w = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=k, max_size=k)))
    t = data.draw(st.integers(0, 2 * stride))
    basis = np.eye(n, dtype=np.int64)
    pooled = np.sum(numpy_convolution(basis, w)[:, ::stride], axis=1)
    moved = np.sum(numpy_convolution(np.roll(basis, t, axis=1), w)[:, ::stride], axis=1)
    assert np.sum((moved - pooled) ** 2) * stride == n * statement.invariance_moment(list(w), stride, t)
    assert np.sum(pooled**2) * stride == n * statement.pooled_moment(list(w), stride)


@given(signals("int32"))
def test_zero_padded_convolution_is_not_cyclically_equivariant(signal):
    """Linear convolution of the last unit vector, shifted by one, differs from the shifted result by w_1..w_(k-1)."""
    _, w, _ = signal
    n = max(len(w), 2)
    padded = [sum(w[j] * v[i - j] for j in range(len(w)) if i - j >= 0) for v in (np.eye(n)[-1], np.eye(n)[0])
              for i in range(n)]
    last, first = np.array(padded[:n]), np.array(padded[n:])
    assert np.array_equal(first - np.roll(last, 1), np.r_[0, w[1:], np.zeros(n - len(w))])


@pytest.mark.slow  # compiles an FFT program a dtype; the experiment checks the bound at small config
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@settings(max_examples=10)
@given(data=st.data())
def test_fft_form_is_within_its_rounding_bound(dtype, data):
    x, w, _ = data.draw(signals("int32", FFT_BUCKETS))
    x, w = x.astype(np.float64), w.astype(np.float64)
    real = "float32" if dtype == "complex64" else "float64"
    with jax.enable_x64(True):
        z = np.asarray(fft_jit(x.astype(real), w.astype(real), dtype))
    n, unit = len(x), unit_roundoff(dtype)
    bound = float(statement.fft_error_bound(n, unit).subs({statement.beta: np.abs(w).sum(),
                                                           statement.c_norm: np.sqrt(n) * np.linalg.norm(w)}))
    assert np.linalg.norm(z.astype(np.float64) - numpy_convolution(x, w)) <= bound * np.linalg.norm(x)


def test_bitwise_gap_sees_one_ulp():
    a = jnp.asarray([1.0, 2.0], jnp.float32)
    with jax.enable_x64(True):
        assert float(bitwise_gap(a, a)) == 0.0 and float(bitwise_gap(a, jnp.nextafter(a, 3.0))) > 0.0


@pytest.fixture(scope="module")
def small(small_run):
    return small_run(convolution), convolution.Config.small()


def _holds(checks, word):
    return all(c.holds for c in checks if word in c.claim)


def test_format_check_fails_for_ten_times_the_float32_error_which_the_bound_accepts(small):
    result, config = small
    worse = dataclasses.replace(result, fft_error=result.fft_error * np.array([10.0, 1.0])[:, None, None])
    assert _holds(convolution.fft_checks(worse, config), "rounding bound")
    assert not convolution.format_check(worse, config).holds and convolution.format_check(result, config).holds


@pytest.mark.slow  # compiles its own FFT programs
def test_format_check_fails_for_spectra_at_tf32_precision():
    x = np.random.default_rng(0).integers(-100, 101, (32, 64)).astype(np.float64)
    w = np.random.default_rng(1).integers(-100, 101, (32, 5)).astype(np.float64)
    exact = np.stack([numpy_convolution(xi, wi) for xi, wi in zip(x, w)])
    scale = np.linalg.norm(x, axis=1) * np.abs(w).sum(axis=1)
    with jax.enable_x64(True):
        low = np.asarray(jax.vmap(fft_jit, in_axes=(0, 0, None, None))(x.astype(np.float32), w.astype(np.float32),
                                                                      "complex64", 10))
        high = np.asarray(jax.vmap(fft_jit, in_axes=(0, 0, None, None))(x, w, "complex128", None))
    e_low = np.linalg.norm(low - exact, axis=1) / (unit_roundoff("float32") * scale)
    e_high = np.linalg.norm(high - exact, axis=1) / (unit_roundoff("float64") * scale)
    assert not format_ratio_check(statement.ID, "tf32", e_low[None] ** 2, e_high[None] ** 2).holds


def test_fft_bound_check_can_fail(small):
    result, config = small
    shrunk = dataclasses.replace(result, fft_bound=result.fft_bound / 1000)
    assert not any(c.holds for c in convolution.fft_checks(shrunk, config)[::2])


def test_moment_check_fails_for_ten_times_the_error_and_for_a_wrong_closed_form(small):
    result, config = small
    claim = "max |z|"
    assert _holds(convolution.checks(result, config), claim)
    assert not _holds(convolution.checks(dataclasses.replace(result, gap_mean=result.gap_mean * 10), config), claim)
    independent = np.where(result.shifts % config.stride == 0, 0.0, 2.0)  # "another coset is an independent draw"
    assert not _holds(convolution.checks(dataclasses.replace(result, moment_exact=independent), config), claim)


def test_exact_checks_fail_on_a_one_ulp_difference(small):
    result, config = small
    direct = result.direct_error.copy()
    direct[0, 0, 0] = np.spacing(np.float32(1))
    assert not _holds(convolution.checks(dataclasses.replace(result, direct_error=direct), config), "direct form")


@pytest.mark.parametrize("field, value, message", [
    ("lengths", (0, 16), "lengths must be"), ("stride", 0, "stride must be"), ("stride", 3, "stride must be"),
    ("kernel_sizes", (1, 17), "kernel_sizes: a kernel of length 17 is longer"),
    ("subsampling_kernel", 17, "subsampling_kernel: a kernel of length 17"),
    ("fft_kernel", 33, "fft_kernel: a kernel of length 33"),
    ("fft_lengths", (16, 48), "fft_lengths must be powers of two"),
    ("z", float("nan"), "z must be"), ("z", float("inf"), "z must be"), ("integer_range", 2000, "integer_range"),
])
def test_config_refuses_bad_values_by_name(field, value, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(convolution.Config.small(), **{field: value})


def test_forms_refuse_a_kernel_longer_than_the_signal():
    with pytest.raises(ValueError, match="kernel length 4 must be between 1 and the signal length 3"):
        circular_convolution(jnp.ones(3), jnp.ones(4))
