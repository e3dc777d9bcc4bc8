"""Properties of the softmax-transformer experiment of sander2024: data, model, readouts, training, checks."""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.in_context import baselines, sequences, softmax, softmax_transformer
from numerics.precision import uses_float64
from numerics.training import TrainingDiverged

pytestmark = pytest.mark.sander2024

U = np.finfo(np.float64).eps / 2
TINY = softmax.Config(d=3, max_length=6, width=8, heads=2, layers=2, mlp_width=8, steps=150, batch=16,
                  learning_rate=1e-2, test_samples=64, jacobian_samples=8, step_samples=256)
"""A model small enough to compile and train in a few seconds; one shape, so every test reuses its programs."""
_orthogonal_sequences = jax.jit(sequences.orthogonal_sequences, static_argnums=(1, 2, 3))
_forward = jax.jit(softmax_transformer.forward, static_argnames="heads")
_errors = jax.jit(softmax_transformer.position_errors, static_argnames="heads")


# --- configuration ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    (dict(d=1), "d must be"),
    (dict(max_length=3), "max_length must be >= d \\+ 1"),
    (dict(width=10, heads=4), "multiple of heads"),
    (dict(heads=0), "multiple of heads"),
    (dict(layers=0), "layers must be"),
    (dict(steps=0), "steps must be"),
    (dict(jacobian_samples=4096), "jacobian_samples must be in"),
    (dict(learning_rate=0.0), "learning_rate must be > 0"),
    (dict(z=-1.0), "z must be a finite number >= 3"),
])
def test_bad_configurations_are_refused_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        softmax.Config(**change)


# --- data --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data():
    """512 sequences s_0..s_9 at d = 3, float64: one compiled generator serves every test below."""
    with jax.enable_x64(True):
        return tuple(np.asarray(a) for a in _orthogonal_sequences(jax.random.key(0), 512, TINY.d, 9))


def test_sequences_follow_an_orthogonal_matrix_on_the_unit_sphere(data):
    """Householder QR gives W with |W^T W - I| <= gamma~_{d^2} (Higham, Thm 19.4; taken as 4 d^2 u); every
    matrix-vector product then changes |s| by at most (4 d^2 + d) u, the normalisation of s_0 by (d + 2) u
    (Higham's gamma_k = k u / (1 - k u) to first order)."""
    s, W = data
    n, length, d = s.shape
    assert W.shape == (n, d, d)
    orthogonality = np.abs(np.einsum("nki,nkj->nij", W, W) - np.eye(d)).max()
    assert orthogonality <= 4 * d * d * U
    t = np.arange(length)
    norm_error = np.abs(np.linalg.norm(s, axis=-1) - 1).max(axis=0)
    assert np.all(norm_error <= (d + 2) * U + t * (4 * d * d + d) * U)
    # s_{t+1} = W s_t recomputed by NumPy: two length-d inner products of norm <= 1, each within gamma_d
    step_error = np.abs(np.einsum("nij,ntj->nti", W, s[:, :-1]) - s[:, 1:]).max()
    assert step_error <= 2 * d * U / (1 - d * U) * (1 + norm_error.max())


def test_the_sign_fix_makes_w_haar_first_entry_has_mean_zero(data):
    """E W_11 = 0 and E W_11^2 = 1/d under Haar measure; QR without the sign fix gives W_11 = -|z_11|/|z_1| < 0
    (mean ~ -0.5 at d = 3, ~20 standard errors at n = 512). z = 5 standard errors."""
    first = data[1][:, 0, 0]
    assert abs(first.mean()) <= 5 * first.std(ddof=1) / np.sqrt(first.size)
    assert abs((first**2).mean() - 1 / TINY.d) <= 5 * (first**2).std(ddof=1) / np.sqrt(first.size)


# --- model -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_params():
    normals = jax.random.normal(jax.random.key(2), (softmax_transformer.parameter_count(TINY),), jnp.float32)
    return softmax_transformer.init_params(normals, TINY)


def test_model_maps_states_to_a_prediction_per_position(tiny_params, data):
    s = data[0][:2, : TINY.max_length + 1]
    out = _forward(tiny_params, s, TINY.heads)
    assert out.shape == (2, TINY.max_length + 1, TINY.d) and out.dtype == jnp.float32
    assert jax.eval_shape(lambda p, x: softmax_transformer.position_errors(p, x, TINY.heads), tiny_params, s).shape == \
        (2, TINY.max_length - 1)
    assert softmax_transformer.parameter_count(TINY) == sum(np.size(a) for a in jax.tree.leaves(tiny_params)
                                                            if np.ndim(a) == 2)


@settings(max_examples=10)
@given(position=st.integers(0, TINY.max_length), first=st.integers(0, 510))
def test_changing_a_later_token_leaves_earlier_predictions_exactly_unchanged(tiny_params, data, position, first):
    s = jnp.asarray(data[0][first : first + 2, : TINY.max_length + 1])
    changed = s.at[:, position].set(3.0 * s[:, position] + 1.0)
    before = np.asarray(_forward(tiny_params, s, TINY.heads))
    after = np.asarray(_forward(tiny_params, changed, TINY.heads))
    np.testing.assert_array_equal(before[:, :position], after[:, :position])
    assert not np.array_equal(before[:, position], after[:, position])


@jax.jit
def _two_jacobians(params, x):
    t = 3
    blocks = softmax_transformer.last_token_jacobians(params, x, TINY.heads)
    direct = jax.jacfwd(lambda y: softmax_transformer.forward(params, x.at[t].set(y)[None], TINY.heads)[0, t])(x[t])
    return blocks[t], direct


@pytest.mark.slow  # 2.5 s: compiling the float64 forward-mode Jacobians
@uses_float64
def test_last_token_jacobian_is_the_diagonal_block_of_the_full_jacobian(tiny_params, data):
    """J_t from the batched forward-mode pass against d(prediction at t)/d(s_t) alone, in float64: the same linear
    map, so they agree to rounding (1000 u relative to the largest entry); a wrong block would differ at O(1)."""
    params = jax.tree.map(lambda a: a.astype(jnp.float64), tiny_params)
    J, direct = (np.asarray(a) for a in _two_jacobians(params, jnp.asarray(data[0][0, : TINY.max_length + 1])))
    np.testing.assert_allclose(J, direct, rtol=0, atol=1000 * U * float(np.abs(direct).max()))


# --- the baselines' readouts ------------------------------------------------------------------------------------


def _central_jacobian(f, x):
    """(f(x + e_j) - f(x - e_j)) / 2 column by column: exact, up to rounding, for f quadratic in x."""
    return np.stack([(f(x + e) - f(x - e)) / 2 for e in np.eye(x.size)], axis=1)


def test_jacobian_formulas_of_least_squares_and_one_step_match_differences(data):
    """J^LS = G Gram^+ + (s_{t-1}^T Gram^+ s_t) I and J^GD = eta (G + (s_{t-1}.s_t) I): d/ds_t with s_t entering
    both the context's last pair and the query. Both predictors are quadratic in s_t, so central differences with
    step 1 are exact; tolerance: cond(Gram) times the rounding of a length-t solve (4 t d u), relative."""
    s, W = data[0][:2], data[1][:2]
    d, T = TINY.d, s.shape[1] - 2
    steps = np.linspace(0.1, 0.5, T)
    ls, gd = baselines.least_squares_jacobian_errors(s, W), baselines.one_step_jacobian_errors(s, W, steps)
    conditions = baselines.gram_conditions(s)
    for n in range(2):
        for t in (d, T):
            G0, prev = s[n, 1:t].T @ s[n, : t - 1], s[n, t - 1]  # the context's pairs before the last
            gram = s[n, :t].T @ s[n, :t]
            J = _central_jacobian(lambda x: (G0 + np.outer(x, prev)) @ np.linalg.solve(gram, x), s[n, t])
            expected = np.sum((J - W[n]) ** 2) / d
            assert abs(ls[n, t - 1] - expected) <= 4 * t * d * conditions[n, t - 1] * U * (1 + expected)
            J = _central_jacobian(lambda x: steps[t - 1] * (G0 + np.outer(x, prev)) @ x, s[n, t])
            expected = np.sum((J - W[n]) ** 2) / d
            assert abs(gd[n, t - 1] - expected) <= 4 * t * d * U * (1 + expected)


def test_least_squares_oracle_is_exact_once_the_context_spans(data):
    s = data[0]
    T = s.shape[1] - 1
    errors = np.stack([baselines.oracle_losses(s, t) for t in range(1, T)], axis=1)
    t = np.arange(1, T)
    ratio = np.sqrt(errors) / (t * TINY.d * baselines.gram_conditions(s) * U)
    assert ratio[:, TINY.d - 1 :].max() <= 1
    assert errors[:, 0].mean() > 0.1  # from one pair, W is not determined


# --- training ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_training():
    key = jax.random.key(7)
    params, losses = softmax.train(TINY, key)
    count = softmax_transformer.parameter_count(TINY)
    with jax.enable_x64(True):  # as in softmax.train
        z = jax.random.normal(key, (count + TINY.steps * TINY.batch * (TINY.d**2 + TINY.d),),
                              jnp.float32)  # the draw that _train makes: its first numbers are the initial weights
    return softmax_transformer.init_params(z[:count], TINY), params, losses


def test_training_lowers_the_held_out_loss_paired(tiny_training, data):
    """Same held-out sequences before and after training; the paired difference exceeds 5 standard errors."""
    initial, trained, losses = tiny_training
    assert losses.shape == (TINY.steps,) and np.all(np.isfinite(losses))
    s = data[0][:, : TINY.max_length + 2]
    before = np.asarray(_errors(initial, s, TINY.heads), np.float64).mean(axis=1)
    after = np.asarray(_errors(trained, s, TINY.heads), np.float64).mean(axis=1)
    gain, se = softmax.paired(before, after)
    assert gain >= 5 * se


def test_training_is_deterministic_in_the_seed(tiny_training):
    _, _, losses = tiny_training
    np.testing.assert_array_equal(softmax.train(TINY, jax.random.key(7))[1], losses)


def test_a_nan_in_training_is_reported_with_its_step():
    overflowing = dataclasses.replace(TINY, init_scale=1e30)  # float32 overflows within a few steps
    with pytest.raises(TrainingDiverged, match=r"training diverged at step \d+: loss nan"):
        softmax.train(overflowing, jax.random.key(7))


# --- checks ------------------------------------------------------------------------------------------------------


def _fake_result(n=400, T=6, d=3, seed=0):
    rng = np.random.default_rng(seed)
    noise = lambda: 0.05 * rng.standard_normal((n, T))  # noqa: E731
    decreasing = np.linspace(0.9, 0.1, T)[None, :] + noise()
    return softmax.Result(positions=np.arange(1, T + 1), model_error=decreasing, oracle_error=np.zeros((n, T)),
                      gd_error=0.3 + noise(), trivial_error=2 + noise(), model_jacobian_error=decreasing,
                      oracle_jacobian_error=np.zeros((n, T)), gd_jacobian_error=np.zeros((n, T)),
                      gram_condition=np.full((n, T), 10.0), gd_step=np.ones(T), train_loss=np.ones(5))


def test_checks_hold_on_a_model_that_learns_and_fail_on_one_that_does_not():
    config = dataclasses.replace(TINY, max_length=6)
    good = _fake_result()
    assert all(c.holds for c in softmax.checks(good, config))
    flat = dataclasses.replace(good, model_error=good.gd_error + 0.01, model_jacobian_error=good.gd_error)
    failed = [c.claim for c in softmax.checks(flat, config) if not c.holds]
    assert any("one gradient step" in c for c in failed) and any("decreases" in c for c in failed)
    wrong_oracle = dataclasses.replace(good, oracle_error=np.full(good.oracle_error.shape, 1e-20))
    assert not softmax.checks(wrong_oracle, config)[0].holds


def test_the_neighbours_equality_check_holds_only_when_the_transformer_is_its_baseline():
    """The two-sided paired check of the neighbours: it holds on a baseline equal to the model (up to noise of
    mean zero), and fails on the fake one-step GD baseline, 0.2 above the model at t = T_max."""
    config = dataclasses.replace(TINY, max_length=6)
    good = _fake_result()
    twin = good.model_error + 0.05 * np.random.default_rng(1).standard_normal(good.model_error.shape)
    assert softmax.matches(good, config, "twin", twin).holds
    assert not softmax.matches(good, config, "one gradient step", good.gd_error).holds
