r"""The augmented causal linear attention layer of sander2024, in the form trained by
:mod:`numerics.in_context.autoregression`.

Tokens are $e_t = (s_t, s_{t-1}) \in \mathbb C^{2d}$ (the paper's leading zero block carries nothing into the
prediction and is dropped). With all blocks free, $V \in \mathbb C^{d\times 2d}$ and $M \in \mathbb C^{2d\times 2d}$,
the output at the query position $T$ is

$$\hat s_{T+1} = \sum_{t=1}^{T} (V e_t)\,(e_t^{*} M e_T) = V C M e_T, \qquad C = \sum_{t=1}^{T} e_t e_t^{*},$$

so a batch is reduced once to its context covariances $C$, queries and targets (:func:`batch_inputs`), which hold no
parameter. The block weights $V = \sqrt\eta\,[I, 0]$, $M = \sqrt\eta\,[[0, 0], [I, 0]]$ give exactly one
gradient step $\eta G s_T$ (:mod:`theorems.in_context.autoregression`). The in-context estimate of $W$ is the
Jacobian of $\hat s_{T+1}$ with respect to the query's copy of $s_T$, the context held fixed
(:func:`in_context_estimate`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def squared_norm(x: jax.Array, axis=-1) -> jax.Array:
    """|x|^2 summed over ``axis`` as re^2 + im^2 (no square root, whose gradient at 0 is undefined)."""
    return jnp.sum(jnp.real(x) ** 2 + jnp.imag(x) ** 2, axis=axis)


def init_params(uniforms: jax.Array, d: int, scale: float) -> dict[str, jax.Array]:
    """V (d x 2d) and M (2d x 2d), complex, real and imaginary parts uniform in [-scale, scale].

    ``uniforms``: 12 d^2 numbers uniform in [0, 1) (passed in, so one random draw serves the whole training run).
    """
    z = scale * (2 * uniforms[: 12 * d * d] - 1)
    z = jax.lax.complex(z[: 6 * d * d], z[6 * d * d :])
    return {"V": z[: 2 * d * d].reshape(d, 2 * d), "M": z[2 * d * d :].reshape(2 * d, 2 * d)}


def tokens(s: jax.Array, length: int) -> jax.Array:
    """Augmented tokens e_t = (s_t, s_{t-1}) for t = 1..T, shape (T, 2d)."""
    return jnp.concatenate([s[1 : length + 1], s[:length]], axis=-1)


def context_covariance(context: jax.Array) -> jax.Array:
    """C = sum_t e_t e_t^* (2d x 2d) for context tokens (T, 2d)."""
    return context.T @ jnp.conj(context)


def predict(params, covariance: jax.Array, query: jax.Array) -> jax.Array:
    """sum_t (V e_t)(e_t^* M q) = V C M q: the layer's output at the query position (C from the context)."""
    return params["V"] @ (covariance @ (params["M"] @ query))


def predict_next(params, s: jax.Array, length: int) -> jax.Array:
    """Prediction of s_{T+1} from s_0..s_T (the query is the last token e_T)."""
    e = tokens(s, length)
    return predict(params, context_covariance(e), e[-1])


def in_context_estimate(params, s: jax.Array, length: int) -> jax.Array:
    """J = d prediction / d (query's copy of s_T), the context (which also holds s_T) fixed."""
    e = tokens(s, length)
    d = s.shape[-1]
    C = context_covariance(e)
    return jax.jacfwd(lambda x: predict(params, C, jnp.concatenate([x, e[-1, d:]])), holomorphic=True)(s[length])


def batch_loss(params, covariances: jax.Array, queries: jax.Array, targets: jax.Array) -> jax.Array:
    """Mean over the batch of |V C M q - s_{T+1}|^2 (C, q, s_{T+1} precomputed: they hold no parameter)."""
    prediction = jax.vmap(lambda C, q: predict(params, C, q))(covariances, queries)
    return jnp.mean(squared_norm(prediction - targets))


def batch_inputs(s: jax.Array, length: int):
    """(C, q, s_{T+1}) for a batch of sequences s (n, >= T+2, d)."""
    e = jax.vmap(lambda x: tokens(x, length))(s)
    return jax.vmap(context_covariance)(e), e[:, -1], s[:, length + 1]
