r"""The causal softmax transformer of the softmax experiment of sander2024 (:mod:`numerics.in_context.softmax`).

Pure JAX, parameters a dict pytree. Tokens are the states themselves: $x_t = E s_t + p_t \in \mathbb R^D$, then
``layers`` pre-norm blocks $x \leftarrow x + \mathrm{Attn}(\mathrm{RMS}(x))$, $x \leftarrow x +
\mathrm{MLP}(\mathrm{RMS}(x))$ with causal softmax attention of ``heads`` heads and a GELU MLP, a final RMS norm and a
linear readout giving $\hat s_{t+1}$ at every position (:func:`forward`). The readout of the in-context estimate is
the Jacobian $J_t = \partial\hat s_{t+1}/\partial s_t$ of the prediction with respect to the last token, the earlier
tokens held fixed (:func:`last_token_jacobians`). The sizes come from a
:class:`numerics.in_context.softmax.Config` (``d``, ``max_length``, ``width``, ``heads``, ``layers``, ``mlp_width``,
``init_scale``); the model runs in the dtype of its parameters (float32 in the experiment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp
import numpy as np

if TYPE_CHECKING:
    from numerics.in_context.softmax import Config


def parameter_shapes(config: Config) -> list[tuple[int, int]]:
    """Shapes of the weight matrices, in the order :func:`init_params` reads them."""
    d, D, M, L = config.d, config.width, config.mlp_width, config.layers
    return [(d, D), (config.max_length + 1, D), (D, d)] + [(D, D)] * 4 * L + [(D, M), (M, D)] * L


def init_params(normals: jax.Array, config: Config) -> dict:
    """Weights config.init_scale * N(0, 1/fan_in) (output projections also / sqrt(2 layers)), norms' gains 1.
    (:func:`numerics.in_context.softmax._train` calls it at init_scale 1 and scales the matrices itself, so that the
    scale is not compiled in.)

    ``normals``: at least sum of the sizes of :func:`parameter_shapes` standard normals (passed in, so that one
    random draw serves the whole training run); their dtype is the parameters'.
    """
    D, L, c = config.width, config.layers, config.init_scale
    shapes = parameter_shapes(config)
    offsets = np.cumsum([0] + [a * b for a, b in shapes])
    blocks = iter(normals[o : o + a * b].reshape(a, b) for o, (a, b) in zip(offsets, shapes))

    def gaussian(fan_in, extra=1.0):
        return float(c * extra / np.sqrt(fan_in)) * next(blocks)  # a Python float keeps the normals' dtype

    embedding, position, readout = gaussian(config.d), gaussian(D), gaussian(D)
    depth = 1 / np.sqrt(2 * L)
    attention = [[gaussian(D), gaussian(D), gaussian(D), gaussian(D, depth)] for _ in range(L)]
    mlp = [[gaussian(D), gaussian(config.mlp_width, depth)] for _ in range(L)]
    ones = jnp.ones(D, normals.dtype)
    layers = [{"attention_norm": ones, "query": a[0], "key": a[1], "value": a[2], "output": a[3],
               "mlp_norm": ones, "mlp_in": b[0], "mlp_out": b[1]} for a, b in zip(attention, mlp)]
    return {"embedding": embedding, "position": position, "layers": layers, "final_norm": ones,
            "readout": readout}


def parameter_count(config: Config) -> int:
    """Number of standard normals :func:`init_params` reads."""
    return int(sum(a * b for a, b in parameter_shapes(config)))


def rms_norm(x: jax.Array, gain: jax.Array, eps: float = 1e-6) -> jax.Array:
    """x / sqrt(mean(x^2) + eps) * gain over the last axis."""
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + eps) * gain


def causal_attention(x: jax.Array, layer: dict, heads: int) -> jax.Array:
    """Multi-head softmax attention of x (n, T, D) on itself, position i attending to j <= i only."""
    n, T, D = x.shape
    split = lambda y: y.reshape(n, T, heads, D // heads)
    q, k, v = split(x @ layer["query"]), split(x @ layer["key"]), split(x @ layer["value"])
    scores = jnp.einsum("nihc,njhc->nhij", q, k) * float(1 / np.sqrt(D // heads))
    mask = jnp.tril(jnp.ones((T, T), bool))
    weights = jax.nn.softmax(jnp.where(mask, scores, -jnp.inf), axis=-1)  # masked weights are exactly 0
    return jnp.einsum("nhij,njhc->nihc", weights, v).reshape(n, T, D) @ layer["output"]


def forward(params: dict, s: jax.Array, heads: int) -> jax.Array:
    """Predictions ŝ_{t+1} (n, T, d) at every position t of sequences of states s = (s_0, ..., s_{T-1}) (n, T, d)."""
    T = s.shape[1]
    x = s.astype(params["embedding"].dtype) @ params["embedding"] + params["position"][:T]
    for layer in params["layers"]:
        x = x + causal_attention(rms_norm(x, layer["attention_norm"]), layer, heads)
        x = x + jax.nn.gelu(rms_norm(x, layer["mlp_norm"]) @ layer["mlp_in"]) @ layer["mlp_out"]
    return rms_norm(x, params["final_norm"]) @ params["readout"]


def position_errors(params: dict, s: jax.Array, heads: int) -> jax.Array:
    """|ŝ_{t+1} - s_{t+1}|^2 at positions t = 1..T-1 for sequences s (n, T + 1, d); shape (n, T - 1)."""
    predictions = forward(params, s[:, :-1], heads)
    return jnp.sum((predictions[:, 1:] - s[:, 2:].astype(predictions.dtype)) ** 2, axis=-1)


def batch_loss(params: dict, s: jax.Array, heads: int) -> jax.Array:
    """Next-token squared error averaged over positions t >= 1 and over the batch."""
    return jnp.mean(position_errors(params, s, heads))


def last_token_jacobians(params: dict, s: jax.Array, heads: int) -> jax.Array:
    """J_t = d ŝ_{t+1} / d s_t, earlier tokens fixed, for t = 0..T-1 of one sequence s (T, d); shape (T, d, d).

    One forward-mode pass with the T d input directions; keeps the diagonal blocks d out_t / d in_t.
    """
    T, d = s.shape
    full = jax.jacfwd(lambda x: forward(params, x[None], heads)[0])(s.astype(params["embedding"].dtype))  # (T, d, T, d)
    idx = jnp.arange(T)
    return full[idx, :, idx, :]


def jacobian_errors(params: dict, s: jax.Array, W: jax.Array, heads: int) -> jax.Array:
    """|J_t - W|_F^2/|W|_F^2 of the model, t = 1..T-1, for held-out sequences s (n, T + 1, d) and their W."""
    J = jax.vmap(lambda x: last_token_jacobians(params, x[:-1], heads))(s)[:, 1:]  # (n, T - 1, d, d)
    return jnp.sum((J - W[:, None].astype(J.dtype)) ** 2, axis=(-2, -1)) / s.shape[-1]
