"""Performer's positive random features (choromanski2021): the statement (SymPy), the closed-form relative MSE
against samples, a wrong exponent caught, and the orthogonal features' marginals."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.linear_attention import performer
from numerics.prng import fast_key
from theorems.linear_attention import performer as statement

pytestmark = pytest.mark.choromanski2021

FAST_PROOFS = (statement.prove_positive_features,)
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


@pytest.mark.slow
def test_orthogonal_features_are_marginally_gaussian_norms():
    with jax.enable_x64(True):
        w = np.asarray(performer.orthogonal_gaussian(fast_key(jax.random.key(0)), 4 * 512, 4)).reshape(-1, 4, 4)
    gram = np.einsum("bij,bkj->bik", w / np.linalg.norm(w, axis=-1, keepdims=True),
                     w / np.linalg.norm(w, axis=-1, keepdims=True))
    assert np.allclose(gram, np.eye(4), atol=1e-12)  # each block is orthogonal
    sq = np.sum(w**2, axis=-1).ravel()  # chi^2_4: mean 4, variance 8
    assert abs(sq.mean() - 4) <= Z * math.sqrt(8 / sq.size)


@pytest.mark.parametrize("kwargs", [dict(norms_sq=(1.5,)), dict(features=(12,)), dict(trials=10), dict(z=2.0)])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        performer.Config(**kwargs)
