r"""Training the augmented linear attention layer of :mod:`numerics.in_context.linear_layer`, and its read-out.

:func:`train_program` runs Adam (optax, cosine schedule) on fresh unitary sequences at every step, inside one
``lax.scan``, from a small initialisation (directions that the loss does not see keep their initial values);
:func:`train` adds the guard that names the step where a NaN or a diverging loss appeared.

:func:`evaluate` reads the trained layer out on held-out sequences, gauge-free (the trained weights are defined up to
a diagonal unitary gauge $J \mapsto D J D^*$), per sequence and at each test length: the layer's loss, the loss of
exact one-step GD at $\eta^\star(T_{\text{train}})$ on the same sequence (paired), the estimation error
$\|J - W\|_F^2/\|W\|_F^2$ of the in-context estimate $J = \partial\hat s_{T+1}/\partial s_T$, and the step
$\mathrm{Re}\,\mathrm{tr}(J W^*)/(T d)$ read from its diagonal. The training config is
:class:`numerics.in_context.autoregression.Config` (its ``d``, ``train_length``, ``steps``, ``batch``,
``learning_rate``, ``init_scale``, ``diverge_factor``).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.in_context.linear_layer import (batch_inputs, batch_loss, in_context_estimate, init_params,
                                              predict_next, squared_norm)
from numerics.in_context.one_step import context_matrix, optimal_step
from numerics.in_context.sequences import unitary_from_angles, unitary_sequences
from numerics.precision import uses_float64
from numerics.training import check_training, descend


@partial(jax.jit, static_argnames=("d", "length", "steps", "batch"))
def train_program(key, d, length, steps, batch, learning_rate, init_scale):
    """Adam on fresh unitary sequences; returns the final parameters and the loss at every step."""
    # one draw for the whole run: initial weights, then (theta, phase) of every training sequence
    uniforms = jax.random.uniform(key, (12 * d * d + steps * 2 * batch * d,), jnp.float64)
    params = init_params(uniforms[: 12 * d * d], d, init_scale)
    angles = 2 * jnp.pi * uniforms[12 * d * d :].reshape(steps, 2, batch, d)
    optimiser = optax.adam(optax.cosine_decay_schedule(learning_rate, steps, alpha=1e-2))

    def loss(params, theta_phase):
        s, _ = unitary_from_angles(theta_phase[0], theta_phase[1], length)
        return batch_loss(params, *batch_inputs(s, length))

    return descend(loss, params, optimiser, batches=angles)


@uses_float64
def train(config, key) -> tuple[dict, np.ndarray]:
    """Train; returns (params, losses per step). Raises TrainingDiverged. Its time is a benchmark's business."""
    params, losses = train_program(key, config.d, config.train_length, config.steps, config.batch,
                                   config.learning_rate, config.init_scale)
    losses = np.asarray(losses)
    check_training(losses, config.diverge_factor)
    return params, losses


@partial(jax.jit, static_argnames=("d", "lengths", "samples", "train_length"))
def evaluate(params, key, d, lengths, samples, train_length):
    """Per-sequence trained loss, one-step GD loss (eta*(T_train)), estimation error and diagonal step at each of
    ``lengths``, with J and W of the first sequence; and the held-out sequences."""
    s, W = unitary_sequences(key, samples, d, max(lengths))
    step = optimal_step["unitary"](d, train_length)
    out = []
    for T in lengths:
        def per_sequence(x, w, T=T):
            J = in_context_estimate(params, x, T)
            trained = jnp.sum(jnp.abs(predict_next(params, x, T) - x[T + 1]) ** 2)
            gd = squared_norm(step * context_matrix(x, T) @ x[T] - x[T + 1])
            estimation = jnp.sum(jnp.abs(J - w) ** 2) / d
            diag_step = jnp.real(jnp.trace(J @ jnp.conj(w).T)) / (T * d)
            return jnp.stack([trained, gd, estimation, diag_step]), J

        stats, J = jax.vmap(per_sequence)(s, W)
        out.append((stats, J[0], W[0]))
    return out, s
