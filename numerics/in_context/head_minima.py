r"""Minimising the closed-form loss of the diagonal-head layer, and reading the structure of its minimisers.

The statement (:mod:`theorems.in_context.positional_heads`) gives the global minimum of $\mathcal L(A, B, P)$ with $H$
heads, :func:`floor`, and the structure of every minimiser: $C = c\,\Pi$ (unitary; $\Pi$ an orthogonal projector of
rank $\min(H, d)$) or $C = cI + \gamma J$ (orthogonal), $p_{m,m} = 1/c$, no weight on tokens before $m-1$, and with
$H < d$ orthogonal heads $\gamma = c$, $p_{m,m-1}/p_{m,m} = -1/2$. Here:

* :func:`minimise` — Adam from a small random start, then L-BFGS (optax), on the closed form of
  :mod:`numerics.in_context.diagonal_heads`; :func:`minimise_restarts` vmaps it over starts. Heads beyond $H$ are
  masked rows of a $d$-head layer and the law is a flag, so every run shares one compiled program;
* :func:`structure` — dimensionless distances of a minimiser from the statement's structure (all $0$ there).
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.in_context.diagonal_heads import closed_loss
from numerics.training import descend
from theorems.in_context import positional_heads as statement


def floor(law: str, d: int, T: int, heads: int, floors=statement.floor) -> float:
    """The global minimum of the statement (``floors``: SymPy in $(T, d, H)$): $(T-1)(d-H)^+$ (unitary), $0$
    (orthogonal, $H \\ge d/2$)."""
    return float(floors[law].subs({statement.T: T, statement.d: d, statement.H: heads}))


def _objective(params, head_mask, orthogonal):
    C = (params["B"] * head_mask[:, None]).T @ (params["A"] * head_mask[:, None])
    unitary = closed_loss("unitary", C, params["P"])
    return jnp.where(orthogonal, closed_loss("orthogonal", C, params["P"]), unitary)


def minimise(params, head_mask, orthogonal, learning_rate, adam_steps: int, polish_steps: int):
    """Adam for ``adam_steps``, then L-BFGS for ``polish_steps``; returns (params, Adam losses, final loss).

    The polish returns the best iterate it visited: at an exact zero of the loss L-BFGS's curvature pairs vanish and
    its next step can blow up (measured once in ten seeds: a loss of 1e140 after a loss of 1e-13)."""
    objective = partial(_objective, head_mask=head_mask, orthogonal=orthogonal)
    params, losses = descend(objective, params, optax.adam(learning_rate), steps=adam_steps)
    lbfgs = optax.lbfgs()
    value_and_grad = optax.value_and_grad_from_state(objective)

    def polish_step(carry, _):
        p, state, best, best_value = carry
        value, grad = value_and_grad(p, state=state)
        better = value < best_value  # False on NaN
        best = jax.tree.map(lambda x, y: jnp.where(better, x, y), p, best)
        best_value = jnp.where(better, value, best_value)
        updates, state = lbfgs.update(grad, state, p, value=value, grad=grad, value_fn=objective)
        return (optax.apply_updates(p, updates), state, best, best_value), value

    start = (params, lbfgs.init(params), params, objective(params))
    (last, _, best, best_value), _ = jax.lax.scan(polish_step, start, None, length=polish_steps)
    last_value = objective(last)
    better = last_value < best_value
    params = jax.tree.map(lambda x, y: jnp.where(better, x, y), last, best)
    return params, losses, jnp.where(better, last_value, best_value)


@partial(jax.jit, static_argnames=("adam_steps", "polish_steps"))
def minimise_restarts(params, head_mask, orthogonal, learning_rate, adam_steps: int, polish_steps: int):
    """:func:`minimise` from each of a batch of starts (leading axis of every leaf of ``params``)."""
    return jax.vmap(partial(minimise, adam_steps=adam_steps, polish_steps=polish_steps),
                    in_axes=(0, None, None, None))(params, head_mask, orthogonal, learning_rate)


def initial_params(key: jax.Array, d: int, T: int, scale: float) -> dict[str, jax.Array]:
    ka, kb, kp = jax.random.split(key, 3)
    return {"A": scale * jax.random.normal(ka, (d, d)), "B": scale * jax.random.normal(kb, (d, d)),
            "P": scale * jax.random.normal(kp, (T - 1, T))}


def learned_scale(law: str, C: np.ndarray, heads: int) -> float:
    """$c$ with $C = c\\,\\Pi$ (unitary: $\\operatorname{tr}C/\\operatorname{rank}$) or $C_{kk} = c$ (orthogonal)."""
    d = C.shape[0]
    return float(np.trace(C) / (min(heads, d) if law == "unitary" else d))


def positional_weights(P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row m = 1..T-1: current-token weight $p_{m,m}$, previous-token weight $p_{m,m-1}$, and the largest
    $|p_{m,j}|$, $j < m-1$ (0 for m = 1)."""
    rows = np.arange(P.shape[0])
    current, previous = P[rows, rows + 1], P[rows, rows]
    older = np.array([np.max(np.abs(P[r, :r]), initial=0.0) for r in rows])
    return current, previous, older


def structure(law: str, heads: int, A: np.ndarray, B: np.ndarray, P: np.ndarray,
              previous_to_current=statement.previous_to_current) -> dict[str, float]:
    """Dimensionless distances of a minimiser from the statement's global-minimum structure (all 0 there);
    ``previous_to_current``: the ratio $p_{m,m-1}/p_{m,m}$ that orthogonal minima with $H < d$ heads have."""
    C = B.T @ A
    d, c = C.shape[0], learned_scale(law, C, heads)
    current, previous, older = positional_weights(P)
    out = {"|c p_(m,m) - 1|": float(np.max(np.abs(c * current - 1))),
           "|c| |p_(m,j)|, j < m-1": float(np.max(np.abs(c) * older))}
    X = C / c
    if law == "unitary":
        out["|p_(m,m-1)| |C 1| / sqrt(d)"] = float(np.max(np.abs(previous)) * np.linalg.norm(C.sum(axis=1))
                                                    / np.sqrt(d))
        if heads >= d:
            out["|C/c - I|_F / sqrt(d)"] = float(np.linalg.norm(X - np.eye(d)) / np.sqrt(d))
            a, b = A[:heads], B[:heads]
            out["|A B^T / c - I|_F / (sqrt(d) cond(A))"] = float(
                np.linalg.norm(a @ b.T / c - np.eye(heads)) / np.sqrt(heads) / np.linalg.cond(a))
        else:
            out["|(C/c)^2 - C/c|_F / sqrt(H)"] = float(np.linalg.norm(X @ X - X) / np.sqrt(heads))
            out["|C/c - (C/c)^T|_F / sqrt(H)"] = float(np.linalg.norm(X - X.T) / np.sqrt(heads))
        return out
    pair = np.arange(d) ^ 1
    g = float(np.mean(X[np.arange(d), pair]))
    block = np.eye(d) + g * np.eye(d)[pair]
    out["|C/c - (I + (gamma/c) J)|_F / sqrt(d)"] = float(np.linalg.norm(X - block) / np.sqrt(d))
    predicted = -g / (c * (1 + g))  # p_(m,m-1) = -gamma / (c (c + gamma)) with gamma = g c
    out["|c| |p_(m,m-1) + gamma/(c(c+gamma))|"] = float(np.max(np.abs(c) * np.abs(previous - predicted)))
    if heads < d:
        ratio = float(previous_to_current)
        out[f"|p_(m,m-1) / p_(m,m) - ({previous_to_current})|"] = float(np.max(np.abs(previous / current - ratio)))
        out["|gamma/c - 1|"] = abs(g - 1)
    return out
