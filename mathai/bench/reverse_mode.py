"""Benchmarks: reverse mode against the loss in wall-clock time, and the memory jax.checkpoint trades for time.

* ``grad_vs_forward_time``: jitted ``jax.grad(E)`` against jitted ``E`` for MLP losses of increasing d, timed side
  by side in one run; the ratio is the wall-clock cheap-gradient constant (Griewank–Walther's TIME bound is 5).
* ``checkpoint_memory``: compiled memory (temporaries, from XLA's memory analysis; compile only) of the gradient
  of a depth-L network of square tanh layers written as a ``lax.scan``: storing every layer (O(L) activations),
  checkpointing each layer's body (``jax.checkpoint`` inside the scan), and nested scans of about sqrt(L) steps
  each with the inner scan checkpointed (the textbook O(sqrt L) memory for about one more forward pass).
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from mathai.bench import Row, timeit
from numerics.measure import loglog_slope
from numerics.opcount import xla_cost
from numerics.precision import uses_float64
from numerics.reverse_mode import gradient_cost, network

ID = gradient_cost.ID


def _point(widths, batch, seed=0):
    rng = np.random.default_rng(seed)
    params = [(jnp.asarray(rng.normal(size=(n_out, n_in)) / math.sqrt(n_in)), jnp.asarray(rng.normal(size=(n_out, 1))))
              for n_in, n_out in zip(widths[:-1], widths[1:])]
    return params, jnp.asarray(rng.normal(size=(widths[0], batch))), jnp.asarray(rng.normal(size=(widths[-1], batch)))


@uses_float64
def grad_vs_forward_time(quick: bool) -> list[Row]:
    """Median seconds of jax.grad(E) and of E, and their ratio, per architecture (tanh, float64)."""
    architectures = ((30, 30, 30, 1), (300, 300, 300, 1)) if quick else gradient_cost.DEFAULT_ARCHITECTURES
    batch = 64
    rows = []
    E = partial(network.loss_of_params, activation="tanh")
    forward, grad = jax.jit(E), jax.jit(jax.grad(E))
    for widths in architectures:
        args = _point(widths, batch)
        t_forward = timeit(forward, *args, repeats=5, min_seconds=0.2)
        t_grad = timeit(grad, *args, repeats=5, min_seconds=0.2)
        case = f"d={network.num_params(widths)}, widths {widths}, batch {batch}"
        rows.append(Row(ID, "grad_vs_forward_time", case, t_forward.median, "s", note="loss E"))
        rows.append(Row(ID, "grad_vs_forward_time", case, t_grad.median, "s", ratio=t_grad.median / t_forward.median,
                        ratio_of="jax.grad(E) / E", note="Griewank-Walther TIME bound: 5"))
    return rows


def _scan_loss(weights, x, remat: str, inner: int):
    """1/2 ||x_L||² with x_{l+1} = tanh(W_l x_l); weights (L, w, w). remat: none, layer, or nested (inner steps)."""

    def layer(h, W):
        return jnp.tanh(W @ h), None

    if remat == "none":
        h, _ = jax.lax.scan(layer, x, weights)
    elif remat == "layer":
        h, _ = jax.lax.scan(jax.checkpoint(layer), x, weights)
    else:
        blocks = weights.reshape(weights.shape[0] // inner, inner, *weights.shape[1:])

        @jax.checkpoint
        def block(h, Ws):
            return jax.lax.scan(layer, h, Ws)[0], None

        h, _ = jax.lax.scan(block, x, blocks)
    return 0.5 * jnp.sum(h**2)


@uses_float64
def checkpoint_memory(quick: bool) -> list[Row]:
    """Temporary bytes of the compiled gradient against depth L, for three checkpointing policies."""
    depths = (16, 64, 256) if quick else (16, 64, 256, 1024)
    width, batch = 64, 16
    rows = []
    for remat in ("none", "layer", "nested"):
        temps = []
        for L in depths:
            inner = int(math.isqrt(L))
            weights = jax.ShapeDtypeStruct((L, width, width), jnp.float64)
            x = jax.ShapeDtypeStruct((width, batch), jnp.float64)
            grad = jax.grad(partial(_scan_loss, remat=remat, inner=inner))
            temp = xla_cost(grad, weights, x)["temp bytes"]
            temps.append(temp)
            rows.append(Row(ID, "checkpoint_memory", f"remat={remat}, L={L}, width {width}, batch {batch}", temp,
                            "bytes", note="compiled temporaries of jax.grad (XLA memory analysis)"))
        fit = loglog_slope(depths, np.maximum(temps, 1.0))
        rows.append(Row(ID, "checkpoint_memory", f"remat={remat}: log-log slope of temp bytes against L",
                        fit.slope, "", note="1: O(L) stored activations; 0.5: O(sqrt L)"))
    return rows


BENCHMARKS = {ID: (grad_vs_forward_time, checkpoint_memory)}
