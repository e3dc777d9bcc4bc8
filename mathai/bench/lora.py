"""Benchmark: the compiled memory and XLA flops of one LoRA training step against one full fine-tuning step.

One linear layer $W_0 \\in \\mathbb{R}^{d\\times d}$ (float32), a batch of $b$ inputs, the loss
$\\tfrac1{2b}\\|WX - Y\\|_F^2$, one Adam step (optax) jitted: the full step trains $W$ ($d^2$ numbers, Adam's two
moments of the same size), the LoRA step trains $B \\in \\mathbb{R}^{d\\times r}$, $A \\in \\mathbb{R}^{r\\times d}$
($2dr$ numbers) with $W_0$ a frozen argument. Both are compiled only (:func:`numerics.opcount.xla_cost`: XLA's
``cost_analysis`` flops and ``memory_analysis`` bytes); the rows are the ratios LoRA / full. The flops of either step
are dominated by the forward and backward products ($2d^2b$ each, three of them for the full step); LoRA's saving
is in the optimiser state and the gradient, not in the forward pass, which still multiplies by $d\\times d$.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from mathai.bench import Row
from numerics.low_rank import lora
from numerics.opcount import xla_cost

ID = lora.ID
RANK = 8
BATCH = 64


def _full_step(params, state, X, Y):
    def loss(p):
        return 0.5 * jnp.sum((p["W"] @ X - Y) ** 2) / X.shape[1]

    grads = jax.grad(loss)(params)
    updates, state = optax.adam(1e-3).update(grads, state, params)
    return optax.apply_updates(params, updates), state


def _lora_step(params, state, W0, X, Y, scale=2.0):
    def loss(p):
        return 0.5 * jnp.sum((lora.adapted(W0, p["B"], p["A"], scale) @ X - Y) ** 2) / X.shape[1]

    grads = jax.grad(loss)(params)
    updates, state = optax.adam(1e-3).update(grads, state, params)
    return optax.apply_updates(params, updates), state


def _lora_unmerged_step(params, state, W0, X, Y, scale=2.0):
    def loss(p):
        return 0.5 * jnp.sum((W0 @ X + scale * p["B"] @ (p["A"] @ X) - Y) ** 2) / X.shape[1]

    grads = jax.grad(loss)(params)
    updates, state = optax.adam(1e-3).update(grads, state, params)
    return optax.apply_updates(params, updates), state


def step_costs(d: int, rank: int = RANK, batch: int = BATCH) -> dict[str, dict[str, float]]:
    """XLA's costs of the full and the LoRA step at size d (compile only, nothing allocated)."""
    spec = lambda *shape: jax.ShapeDtypeStruct(shape, jnp.float32)
    full = {"W": spec(d, d)}
    factors = {"B": spec(d, rank), "A": spec(rank, d)}
    full_state = jax.eval_shape(optax.adam(1e-3).init, full)
    lora_state = jax.eval_shape(optax.adam(1e-3).init, factors)
    X, Y = spec(d, batch), spec(d, batch)
    return {"full": xla_cost(_full_step, full, full_state, X, Y),
            "lora merged": xla_cost(_lora_step, factors, lora_state, spec(d, d), X, Y),
            "lora unmerged": xla_cost(_lora_unmerged_step, factors, lora_state, spec(d, d), X, Y)}


def lora_against_full_step(quick: bool) -> list[Row]:
    """Per d: flops and memory bytes (arguments + outputs + temporaries) of the LoRA step over the full step, and
    the trainable numbers 2dr against d^2."""
    rows = []
    for d in (256, 1024) if quick else (256, 1024, 4096):
        costs = step_costs(d)
        case = f"d={d} r={RANK} batch {BATCH}, one Adam step, float32"
        for form in ("lora merged", "lora unmerged"):
            for key in ("flops", "memory bytes"):
                ratio = costs[form][key] / costs["full"][key]
                rows.append(Row(ID, f"LoRA step {key}", f"{form}, {case}", costs[form][key], key.split()[-1],
                                ratio=ratio, ratio_of=f"{form} / full", note=f"full step: {costs['full'][key]:.4g}"))
        rows.append(Row(ID, "trainable numbers", case, 2 * d * RANK, "numbers", ratio=2 * RANK / d,
                        ratio_of="r(m+n) / mn"))
    return rows


BENCHMARKS = {ID: (lora_against_full_step,)}
