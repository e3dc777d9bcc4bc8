"""Training loops: an optax optimiser run inside one ``lax.scan``, and the guard that names the step where it broke."""

from __future__ import annotations

import math
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax


class TrainingDiverged(FloatingPointError):
    """Training produced a NaN, an infinity or a diverging loss; the message names the step and the value."""


def check_training(losses: np.ndarray, diverge_factor: float = math.inf, context: str = "") -> None:
    """Raise :class:`TrainingDiverged` at the first NaN/inf or loss above ``diverge_factor`` x the first loss."""
    losses = np.asarray(losses)
    bad = ~np.isfinite(losses) | (losses > diverge_factor * losses[0])
    if bad.any():
        step = int(np.argmax(bad))
        raise TrainingDiverged(f"{context}{': ' if context else ''}training diverged at step {step}: loss "
                               f"{float(losses[step])!r} (first loss {float(losses[0])!r}, divergence threshold "
                               f"x{diverge_factor:g})")


def descend(loss: Callable[..., jax.Array], params: Any, optimiser: optax.GradientTransformation,
            batches: Any = None, steps: int | None = None) -> tuple[Any, jax.Array]:
    """``steps`` optimiser steps on ``loss(params)``, or one step per leading slice of ``batches`` on
    ``loss(params, batch)``; returns the final parameters and the loss before every step.

    The update is taken on the conjugated gradient: for complex parameters ``jax.grad`` of a real loss gives the
    conjugate of the ascent direction, and on real parameters the conjugate is the identity.
    """
    def step(carry, batch):
        p, state = carry
        value, grads = jax.value_and_grad(loss)(p) if batches is None else jax.value_and_grad(loss)(p, batch)
        updates, state = optimiser.update(jax.tree.map(jnp.conj, grads), state, p)
        return (optax.apply_updates(p, updates), state), value

    (params, _), losses = jax.lax.scan(step, (params, optimiser.init(params)), batches, length=steps)
    return params, losses
