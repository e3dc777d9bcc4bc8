r"""Eckart-Young-Mirsky (eckart1936): the symbolic proof steps; no rank-k matrix beats the tail on exactly known
matrices (Hypothesis, a few shape buckets); the by-construction identity exact; the sharp checks fail on the errors
they are meant to see (TF32-rounded inputs, an error ten times the rounding slack, a 1% wrong rate, one ulp off the
tail); bad input refused by name."""

from __future__ import annotations

import dataclasses
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.compiling import run_fast
from numerics.low_rank import eckart_young as ey
from theorems import get
from theorems.low_rank import eckart_young as statement

pytestmark = pytest.mark.eckart1936

BUCKETS = ((4, 4), (16, 4), (16, 16))
"""(m, n) shapes of the property tests (powers of 4: the exact factors); JIT compiles once a bucket."""


def test_every_symbolic_proof_holds():
    failed = [c.claim for c in (proof() for proof in statement.THEOREM.proofs) if not c.holds]
    assert not failed


def test_registry_and_aliases():
    assert get("eckart-young") is statement.THEOREM and get("eckart1936") is statement.THEOREM


# ------------------------------------------------------------------------------------------------------------------
# Exactly known matrices (NumPy), their competitors, and the rounding bound of the errors
# ------------------------------------------------------------------------------------------------------------------


def exact_orthogonal(rng, size):
    """The NumPy twin of :func:`numerics.low_rank.eckart_young.exact_orthogonal`: signs and permutations of H."""
    H = ey.hadamard(size)[rng.permutation(size)][:, rng.permutation(size)]
    return rng.choice([-1.0, 1.0], size)[:, None] * H * rng.choice([-1.0, 1.0], size)[None, :]


@st.composite
def exact_matrices(draw):
    """(A, U, V, sigma) with A = U diag(sigma) V^T exact: sigma distinct multiples of 2^-12 in (0, 1]."""
    m, n = draw(st.sampled_from(BUCKETS))
    q = min(m, n)
    grid = draw(st.lists(st.integers(1, 2**12), min_size=q, max_size=q, unique=True))
    sigma = np.sort(np.array(grid, dtype=np.float64))[::-1] / 2**12
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    U, V = exact_orthogonal(rng, m), exact_orthogonal(rng, n)
    return (U[:, :q] * sigma) @ V[:, :q].T, U, V, sigma


def test_exact_construction_is_exact():
    """The exact A and A_k leave ||A - A_k||_F^2 = sum_(i>k) sigma_i^2 to the last bit (the by-construction check)."""
    rng = np.random.default_rng(0)
    sigma = ey.dyadic_spectrum(0.75, 16)
    U, V = exact_orthogonal(rng, 64), exact_orthogonal(rng, 16)
    A = (U[:, :16] * sigma) @ V.T
    for k in range(1, 16):
        A_k = (U[:, :k] * sigma[:k]) @ V[:, :k].T
        assert np.sum((A - A_k) ** 2) == np.sum(sigma[k:] ** 2)


def frobenius_error(A, X, Y, inner):
    """The module's error and slack, compiled once a shape (backend optimisation off: compile time)."""
    return run_fast(ey.frobenius_error, *(jnp.asarray(x) for x in (A, X, Y)), inner=inner)


def spectral_error(A, X, Y, inner):
    return run_fast(ey.spectral_error, *(jnp.asarray(x) for x in (A, X, Y)), inner=inner)


@settings(max_examples=15, deadline=None)
@given(exact_matrices(), st.data())
def test_no_rank_k_matrix_beats_the_tail(matrix, data):
    """Random factors, perturbed optima and random-column-space projections: ||A - B||_F^2 + slack >= tail and
    ||A - B||_2 + slack >= sigma_(k+1), the slacks from the stated rounding bounds (every k, so the program is
    compiled once a bucket: the factors are padded to q columns with zeros)."""
    A, U, V, sigma = matrix
    m, n = A.shape
    q = min(m, n)
    k = data.draw(st.integers(1, q - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    keep = (np.arange(q) < k).astype(np.float64)
    kind = data.draw(st.sampled_from(["gaussian", "perturbed", "projection"]))
    if kind == "gaussian":
        X, Y = rng.standard_normal((m, q)) * keep, rng.standard_normal((n, q)) * keep
    elif kind == "perturbed":
        size = data.draw(st.sampled_from([1e-8, 1e-4, 1e-1]))
        X = (U[:, :q] + size * rng.standard_normal((m, q))) * sigma * keep
        Y = (V[:, :q] + size * rng.standard_normal((n, q))) * keep
    else:
        X = np.linalg.qr(rng.standard_normal((m, q)))[0] * keep
        Y = A.T @ X
    with jax.enable_x64(True):
        error, slack = (float(x) for x in frobenius_error(A, X, Y, q))
        top, top_slack = (float(x) for x in spectral_error(A, X, Y, q))
    assert error + slack >= np.sum(sigma[k:] ** 2)
    assert top + top_slack >= sigma[k]


@settings(max_examples=10, deadline=None)
@given(exact_matrices(), st.data())
def test_truncated_svd_attains_the_tail_within_its_rounding_bound(matrix, data):
    """The computed truncated SVD: tail - slack <= ||A - A_k||_F^2 <= tail + slack, both norms."""
    A, _, _, sigma = matrix
    q = min(A.shape)
    k = data.draw(st.integers(1, q - 1))
    left, values, right = np.linalg.svd(A, full_matrices=False)
    keep = (np.arange(q) < k).astype(np.float64)
    with jax.enable_x64(True):
        error, slack = (float(x) for x in frobenius_error(A, left * values * keep, right.T * keep, q))
        top, top_slack = (float(x) for x in spectral_error(A, left * values * keep, right.T * keep, q))
    tail = np.sum(sigma[k:] ** 2)
    assert error - slack <= tail <= error + slack
    assert top - top_slack <= sigma[k] <= top + top_slack


def test_excess_without_cancellation_agrees_with_the_direct_difference():
    """excess() in the singular bases equals ||A - XY^T||^2 - tail where the direct difference is accurate (a
    perturbation of 1e-3: the excess is 1e-6, far above the difference's rounding 1e-15), and stays accurate below
    the direct difference's rounding floor (1e-10: excess ~1e-20, positive, second order)."""
    rng = np.random.default_rng(1)
    sigma = ey.dyadic_spectrum(0.75, 16)
    U, V = exact_orthogonal(rng, 16), exact_orthogonal(rng, 16)
    S = np.diag(sigma)
    A = U @ S @ V.T
    k = 4
    for size, check_direct in ((1e-3, True), (1e-10, False)):
        X = (U[:, :k] + size * rng.standard_normal((16, k))) * sigma[:k]
        Y = V[:, :k] + size * rng.standard_normal((16, k))
        with jax.enable_x64(True):
            value = float(run_fast(ey.excess, *(jnp.asarray(x) for x in (U, V, S, X, Y)), k=k))
        direct = np.sum((A - X @ Y.T) ** 2) - np.sum(sigma[k:] ** 2)
        assert 0 < value < 1000 * size**2
        if check_direct:
            assert abs(value - direct) <= 1e-12 * value


# ------------------------------------------------------------------------------------------------------------------
# The small run: every sharp check fails on the error it is meant to see
# ------------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(small_run):
    return small_run(ey), ey.Config.small()


def failing(result, config, **changes):
    changed = dataclasses.replace(result, **changes)
    return [c.claim for c in ey.checks(changed, config) if not c.holds]


def test_gradient_descent_went_through_the_rate_window(small):
    result, config = small
    assert np.all(result.window >= 3)
    scale = np.sum(result.spectrum**2)
    assert np.all(result.excess[..., -1] < config.rate_window[0] * scale)


def test_construction_check_sees_one_ulp(small):
    result, config = small
    off = result.exact_error.copy()
    off[0, 0] = np.nextafter(off[0, 0], np.inf)
    assert any("by construction" in claim for claim in failing(result, config, exact_error=off))


def test_rounding_checks_see_an_error_ten_times_their_slack(small):
    """+10 slack on the computed SVD's error breaks attainment, -10 slack breaks optimality; the slack itself is
    about 1e-13 of the tail, so a relative error of 1e-12 in the claimed minimum is visible."""
    result, config = small
    for sign, word in ((1, "attain"), (-1, "every rank-k")):
        error = result.error.copy()
        error[..., 0] += sign * 10 * result.error_slack[..., 0]
        top = result.top.copy()
        top[..., 0] += sign * 10 * result.top_slack[..., 0]
        claims = failing(result, config, error=error, top=top)
        assert sum(word in claim for claim in claims) == 2, claims


def test_rounding_slack_is_below_a_trillionth_of_the_minimum(small):
    """The attainment checks resolve the minimum to 1e-12 (module docstring): the slacks of the computed SVD and of
    gradient descent are below 1e-12 of the tail and of sigma_(k+1) (measured: 3e-14 and 1.5e-13)."""
    result, _ = small
    tail = np.array([np.sum(result.spectrum[k:] ** 2) for k in result.ranks])[None, :, None]
    assert np.max(result.error_slack[..., :ey.ATTAINING] / tail) < 1e-12
    assert np.max(result.top_slack[..., :ey.ATTAINING] / result.spectrum[result.ranks][None, :, None]) < 1e-12


def test_attainment_fails_when_the_svd_runs_on_tf32_rounded_inputs():
    """The truncated SVD of A rounded to 10 mantissa bits (TF32's products), scored against the exact A: its error
    exceeds the tail by far more than the rounding slack."""
    rng = np.random.default_rng(2)
    sigma = ey.dyadic_spectrum(0.75, 16)
    U, V = exact_orthogonal(rng, 16), exact_orthogonal(rng, 16)
    A = U @ np.diag(sigma) @ V.T
    mantissa, exponent = np.frexp(A)
    rounded = np.ldexp(np.round(mantissa * 2**11) / 2**11, exponent)
    left, values, right = np.linalg.svd(rounded)
    k = 4
    with jax.enable_x64(True):
        error, slack = (float(x) for x in frobenius_error(A, left[:, :k] * values[:k], right[:k].T, k))
    assert error - slack > np.sum(sigma[k:] ** 2)


def test_rate_check_sees_a_one_percent_error(small):
    result, config = small
    assert any("rate" in claim for claim in failing(result, config, rate=result.rate * 1.01))


# ------------------------------------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_best_rank_k_names_a_non_finite_entry(value):
    A = np.ones((3, 4))
    A[1, 2] = value
    with pytest.raises(ValueError, match=rf"A must be finite, got {re.escape(repr(value))} at \(1, 2\)"):
        ey.best_rank_k(A, 1)


def test_best_rank_k_names_a_rank_out_of_range():
    with pytest.raises(ValueError, match=r"k must be an integer in 1..min\(m, n\) = 3, got 4"):
        ey.best_rank_k(np.ones((3, 5)), 4)


def test_best_rank_k_is_the_truncated_svd():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 4))
    _, values, _ = np.linalg.svd(A)
    assert np.linalg.matrix_rank(ey.best_rank_k(A, 2)) == 2
    assert np.isclose(np.sum((A - ey.best_rank_k(A, 2)) ** 2), np.sum(values[2:] ** 2), rtol=1e-12)


def test_config_names_bad_values():
    with pytest.raises(ValueError, match=r"ranks: k = 20 must be in 1..min\(m, n\) - 1 = 15"):
        ey.Config(m=16, n=16, ranks=(20,))
    with pytest.raises(ValueError, match=r"ranks: k = 16 must be in"):
        ey.Config(m=16, n=16, ranks=(16,))
    with pytest.raises(ValueError, match=r"m must be one of 4, 16, 64, 256 .*got 32"):
        ey.Config(m=32)
    with pytest.raises(ValueError, match=r"decay = 0.2 gives singular values that are not distinct"):
        ey.Config(decay=0.2)
    with pytest.raises(ValueError, match=r"learning_rate must be in \(0, 1\)"):
        ey.Config(learning_rate=1.5)
