"""Properties of LoRA (hu2021): the symbolic proofs, the factor gradients as projected full gradients, the recovery
checks and their sharp partners failing on the errors they are meant to see, and bad input refused by name."""

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.low_rank import lora
from theorems import get
from theorems.low_rank import lora as statement
from theorems.rounding import gamma

pytestmark = pytest.mark.hu2021

BUCKETS = ((4, 3, 1, 8), (6, 6, 2, 8), (5, 8, 3, 16))  # (m, n, r, N): one compiled gradient a bucket


def test_every_symbolic_proof_holds():
    failed = [c.claim for c in (proof() for proof in statement.THEOREM.proofs) if not c.holds]
    assert not failed


def test_registry_and_aliases():
    assert get("lora") is statement.THEOREM and get("low-rank-adaptation") is statement.THEOREM


def _loss(B, A, W0, X, Y, scale):
    R = lora.adapted(W0, B, A, scale) @ X - Y
    return 0.5 * jnp.sum(R**2)


_factor_grads = jax.jit(jax.grad(_loss, argnums=(0, 1)))
_full_grad = jax.jit(jax.grad(lambda W, X, Y: 0.5 * jnp.sum((W @ X - Y) ** 2)))


@settings(max_examples=12, deadline=None)
@given(bucket=st.sampled_from(BUCKETS), seed=st.integers(0, 2**31 - 1), scale=st.sampled_from((0.5, 2.0)))
def test_factor_gradients_are_the_full_gradient_projected_through_the_other_factor(bucket, seed, scale):
    m, n, r, N = bucket
    rng = np.random.default_rng(seed)
    W0, B, A, X, Y = (rng.standard_normal(s) for s in ((m, n), (m, r), (r, n), (n, N), (m, N)))
    with jax.enable_x64(True):
        grad_B, grad_A = (np.asarray(g) for g in _factor_grads(B, A, W0, X, Y, scale))
        G = np.asarray(_full_grad(lora.adapted(W0, B, A, scale), X, Y))
    R_abs = (np.abs(W0) + scale * np.abs(B) @ np.abs(A)) @ np.abs(X) + np.abs(Y)
    K = 2 * r + 2 * max(m, n) + N + 4
    tolerance = 4 * float(gamma(K, 2.0**-53))  # both sides within 2 gamma_K M of the exact value
    assert np.all(np.abs(grad_B - scale * G @ A.T) <= tolerance * scale * R_abs @ (np.abs(A) @ np.abs(X)).T)
    assert np.all(np.abs(grad_A - scale * B.T @ G) <= tolerance * scale * (np.abs(B).T @ R_abs) @ np.abs(X).T)
    assert np.max(np.abs(grad_B - G @ A.T)) > 0.1 * np.max(np.abs(grad_B))  # the scale matters


def test_zero_b_keeps_the_pretrained_weight_exactly():
    rng = np.random.default_rng(0)
    W0, A = rng.standard_normal((5, 4)), rng.standard_normal((2, 4))
    assert np.array_equal(lora.merged_weight(W0, np.zeros((5, 2)), A, 3.0), W0)


@pytest.fixture(scope="module")
def run(small_run):
    return small_run(lora), lora.Config.small()


def test_every_check_holds_and_the_counts_are_exact(run):
    result, config = run
    assert all(c.holds for c in lora.checks(result, config))
    assert list(result.trainable) == [r * (config.m + config.n) for r in config.ranks]


def test_model_check_fails_for_an_error_ten_times_the_measured_one(run):
    result, config = run
    (check,) = lora.model_checks(result, config)
    assert check.holds
    inflated = result.model_error.copy()
    inflated[0] *= 10
    (wrong,) = lora.model_checks(dataclasses.replace(result, model_error=inflated), config)
    assert not wrong.holds


def test_recovery_check_fails_for_an_error_ten_times_the_floor_and_below_it(run):
    result, config = run
    for factor in (10.0, 0.5):
        error = result.error.copy()
        error[0] = factor * result.floor[0]
        first = lora.recovery_checks(dataclasses.replace(result, error=error), config)[0]
        assert not first.holds, factor


def test_rank_below_has_the_eckart_young_floor(run):
    result, config = run
    i = config.ranks.index(config.k - 1)
    assert result.error[i] >= result.planted[-1] ** 2 * (1 - 1e-6)


@pytest.mark.parametrize("field, value, words", [
    ("ranks", (0, 1, 2, 3), "ranks"), ("ranks", (-1, 2, 3), "ranks"), ("ranks", (2, 3, 11), "min(m, n)"),
    ("planted", (3.0, math.nan, 1.0), "planted"), ("planted", (1.0, 2.0), "decreasing"),
    ("alpha", math.inf, "alpha"), ("target", 2.0, "target")])
def test_bad_configs_are_refused_by_name(field, value, words):
    with pytest.raises(ValueError, match=None) as caught:
        dataclasses.replace(lora.Config.small(), **{field: value})
    assert words in str(caught.value) and field in str(caught.value)


@pytest.mark.parametrize("B, A, words", [
    (np.zeros((5, 0)), np.zeros((0, 4)), "rank r = 0"), (np.zeros((5, 6)), np.zeros((6, 4)), "rank r = 6"),
    (np.full((5, 2), np.nan), np.zeros((2, 4)), "B must be finite, got nan"),
    (np.zeros((5, 2)), np.full((2, 4), np.inf), "A must be finite, got inf")])
def test_bad_factors_are_refused_by_name_and_value(B, A, words):
    with pytest.raises(ValueError) as caught:
        lora.merged_weight(np.zeros((5, 4)), B, A, 1.0)
    assert words in str(caught.value)


def test_bench_lora_step_saves_memory_and_unmerged_flops():
    from mathai.bench import lora as bench

    d, r, b = 64, 4, 32
    costs = bench.step_costs(d, rank=r, batch=b)
    assert costs["full"]["flops"] >= 4 * d * d * b  # forward W X and gradient R X^T
    assert costs["lora unmerged"]["flops"] < costs["full"]["flops"] < costs["lora merged"]["flops"]
    assert costs["lora unmerged"]["memory bytes"] < costs["full"]["memory bytes"]
