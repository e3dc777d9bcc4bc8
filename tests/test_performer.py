"""Performer's positive random features (choromanski2021): the statement (SymPy), the closed-form relative MSE
against samples, a wrong exponent caught, the orthogonal features' marginals and exact MSE (the i.i.d. form
caught), and the stabilised attention (factors cancel; finite in float32 where the unstabilised one is not)."""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.linear_attention import performer
from numerics.linear_attention.forms import linear
from numerics.prng import fast_key
from theorems.linear_attention import performer as statement

pytestmark = pytest.mark.choromanski2021

FAST_PROOFS = (statement.prove_positive_features, statement.prove_orthogonal_no_worse)
Z = performer.Config().z


@pytest.mark.parametrize("proof", FAST_PROOFS, ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@pytest.mark.slow
def test_slow_symbolic_proofs_hold():
    for proof in statement.THEOREM.proofs:
        if proof not in FAST_PROOFS:
            assert proof().holds, proof.__name__


# ------------------------------------------------------------------------------------------------------------------
# The closed form against samples (NumPy), and a wrong formula caught
# ------------------------------------------------------------------------------------------------------------------

_rel_mse = sp.lambdify([statement.norm_sum_sq, statement.features], statement.relative_mse())


def _performer_z(rng, r2, m_, trials=4000, dim=4, wrong=False):
    x, y = rng.standard_normal(dim), rng.standard_normal(dim)
    s = math.sqrt(r2) / np.linalg.norm(x + y)
    x, y = x * s, y * s
    w = rng.standard_normal((trials, m_, dim))
    est = np.mean(np.exp(w @ x - x @ x / 2) * np.exp(w @ y - y @ y / 2), axis=1)
    sq = (est / math.exp(x @ y) - 1) ** 2
    closed = (math.exp(2 * r2) - 1) / m_ if wrong else _rel_mse(r2, m_)
    return abs(sq.mean() - closed) / (sq.std(ddof=1) / math.sqrt(trials))


@settings(max_examples=10)
@given(st.sampled_from([0.2, 0.6, 1.0]), st.sampled_from([4, 16]), st.integers(0, 2**32 - 1))
def test_relative_mse_matches_closed_form(r2, m_, seed):
    assert _performer_z(np.random.default_rng(seed), r2, m_) <= Z


def test_relative_mse_test_catches_a_wrong_exponent():
    assert _performer_z(np.random.default_rng(1), 1.0, 4, trials=20000, wrong=True) > Z


@functools.cache
def _orthogonal_rows(count: int, dim: int) -> np.ndarray:
    """``count`` orthogonal-block rows in R^dim (float64), drawn once for the tests that read them."""
    with jax.enable_x64(True):
        return np.asarray(performer.orthogonal_gaussian(fast_key(jax.random.key(1)), count, dim))


@pytest.mark.slow
def test_orthogonal_features_are_marginally_gaussian_norms():
    w = _orthogonal_rows(20000 * 8, 8).reshape(-1, 8, 8)
    gram = np.einsum("bij,bkj->bik", w / np.linalg.norm(w, axis=-1, keepdims=True),
                     w / np.linalg.norm(w, axis=-1, keepdims=True))
    assert np.allclose(gram, np.eye(8), atol=1e-12)  # each block is orthogonal
    sq = np.sum(w**2, axis=-1).ravel()  # chi^2_8: mean 8, variance 16
    assert abs(sq.mean() - 8) <= Z * math.sqrt(16 / sq.size)


def _orthogonal_z(r2, m_, dim=8, trials=20000, iid_form=False):
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal(dim), rng.standard_normal(dim)
    s = math.sqrt(r2) / np.linalg.norm(x + y)
    x, y = x * s, y * s
    w = _orthogonal_rows(trials * m_, dim).reshape(trials, m_, dim)
    est = np.mean(np.exp(w @ x - x @ x / 2) * np.exp(w @ y - y @ y / 2), axis=1)
    sq = (est / math.exp(x @ y) - 1) ** 2
    closed = _rel_mse(r2, m_) if iid_form else performer.orthogonal_relative_mse(r2, m_, dim)
    return abs(sq.mean() - closed) / (sq.std(ddof=1) / math.sqrt(trials))


def test_orthogonal_mse_matches_its_closed_form_and_rejects_the_iid_form():
    """The exact orthogonal MSE holds (|z| <= 6) and the i.i.d. closed form, its wrong neighbour, is rejected."""
    assert _orthogonal_z(1.0, 8) <= Z
    assert _orthogonal_z(1.0, 8, iid_form=True) > Z
    assert np.all(performer.orthogonal_relative_mse(np.array([0.1, 0.5, 1.0]), 8, 8) < _rel_mse(np.array([0.1, 0.5, 1.0]), 8))


def test_orthogonal_mse_is_the_lambdified_statement():
    """The lambdified SymPy form equals the SciPy expression it replaced, (expm1(r) + (d-1)(e^-r 1F1(d; d/2; r/2)
    - 1))/m, to float64 rounding (1e-12 relative: e^-r 1F1 - 1 cancels about 4 digits at r = 0.1)."""
    from scipy.special import hyp1f1

    r, m_ = np.array([0.05, 0.1, 0.5, 1.0])[:, None], np.array([4, 8, 32, 128])[None, :]
    for dim in (2, 4, 8, 16):
        scipy_form = (np.expm1(r) + (dim - 1) * (np.exp(-r) * hyp1f1(dim, dim / 2, r / 2) - 1)) / m_
        assert np.allclose(performer.orthogonal_relative_mse(r, m_, dim), scipy_form, rtol=1e-12, atol=0)


def test_pairs_have_the_stated_geometry(small_run):
    """x.y = -|x+y|^2/4 for every pair (float64 rounding), the fixed angle that tells |x+y|^2 from |x|^2 + |y|^2."""
    result = small_run(performer)
    assert np.allclose(result.dot, performer.DOT_OVER_NORM_SUM_SQ * result.norms_sq, rtol=1e-12, atol=0)


@pytest.mark.parametrize("factor", [10.0, 0.1])
def test_two_sided_mse_check_fails_on_an_error_ten_times_off_either_way(small_run, factor):
    """The MSE check is two-sided: the measured MSE scaled by 10 or by 1/10 (its standard error with it) fails."""
    result = small_run(performer)
    config = performer.Config.small()
    claim = "relative MSE vs (exp(|x+y|^2) - 1)/m"
    assert performer.mse_check(result.mse, result.mse_se, result.mse_closed, config, claim).holds
    assert not performer.mse_check(factor * result.mse, factor * result.mse_se, result.mse_closed, config,
                                   claim).holds


@jax.jit
def _both(q, k, v, w):
    """(unstabilised ratio estimator, stabilised attention with eps = 0, with the official eps)."""
    scale = q.shape[1] ** -0.25
    plain = linear(performer.positive_features(w, q * scale), performer.positive_features(w, k * scale), v)
    return plain, performer.favor_attention(w, q, k, v, eps=0.0), performer.favor_attention(w, q, k, v)


def _qkvw(sigma, n=64, d=16, m=32, dtype=jnp.float32):
    kq, kk, kv, kw = jax.random.split(jax.random.key(0), 4)
    q, k = (sigma * jax.random.normal(key, (n, d), dtype) for key in (kq, kk))
    return q, k, jax.random.normal(kv, (n, d), dtype), jax.random.normal(kw, (m, d), dtype)


def test_stabiliser_cancels_in_attention():
    """With eps = 0 the stabilised attention is the unstabilised ratio estimator: the factors cancel (float64, to
    rounding: relative 1e-12, some hundred ulps for n = 64 sums of exp)."""
    with jax.enable_x64(True):
        plain, stable, _ = _both(*_qkvw(0.5, dtype=jnp.float64))
        assert np.allclose(np.asarray(stable), np.asarray(plain), rtol=1e-12, atol=0)


def test_stabilised_attention_is_finite_in_float32_at_large_logits():
    """Q, K entries N(0, 8^2), d = 16: |x|^2/2 ~ 64, every unstabilised feature e^(w.x - |x|^2/2) is far below
    float32's range in part of the rows (0/0); the stabilised attention stays finite."""
    plain, _, stable = _both(*_qkvw(8.0))
    assert plain.dtype == stable.dtype == jnp.float32
    assert not np.all(np.isfinite(np.asarray(plain))) and np.all(np.isfinite(np.asarray(stable)))


@pytest.mark.parametrize("kwargs", [dict(norms_sq=(1.5,)), dict(features=(12,)), dict(trials=10), dict(z=2.0)])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        performer.Config(**kwargs)
