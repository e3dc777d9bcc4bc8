"""Benchmarks for sander2024: what training the layer costs, and two ways to apply one gradient step in context.

* ``training``: the jitted Adam loop of :mod:`numerics.in_context.layer_training` (d = 10, T = 20, the default
  steps and batch): compile time and run time side by side (the issue asks for < 20 s in all on 2 cores).
* ``one_step_forms``: the prediction eta G s_T computed as the attention layer does it, V (sum_t e_t e_t^*) M q
  (O(T d^2) a sequence), against the same number computed right to left, eta sum_t s_t (s_{t-1}^* s_T) (O(T d)),
  over a batch of sequences; the ratio is the price of materialising the context covariance.

Both run in float64, as the experiment does (JAX's x64 mode on for the call).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from mathai.bench import Row, timeit
from numerics.in_context import autoregression, layer_training, linear_layer, sequences
from numerics.precision import uses_float64
from numerics.prng import fast_key

ID = autoregression.ID


@uses_float64
def training(quick: bool) -> list[Row]:
    config = autoregression.Config() if quick else autoregression.Config(steps=1000, batch=1024)
    key = fast_key(jax.random.key(0))

    def run():
        return layer_training.train_program(key, config.d, config.train_length, config.steps, config.batch,
                                            config.learning_rate, config.init_scale)[1]

    timing = timeit(run, repeats=3 if quick else 5)
    case = f"d={config.d}, T={config.train_length}, {config.steps} steps x batch {config.batch}"
    return [
        Row(ID, "training", case + ": compile + first run", timing.compile_seconds, "s",
            note="what `mathai verify` pays once"),
        Row(ID, "training", case + ": run (median)", timing.median, "s", ratio=timing.median / timing.compile_seconds,
            ratio_of="run / (compile + first run)"),
        Row(ID, "training", case + ": throughput", config.steps * config.batch / timing.median, "sequences/s"),
    ]


@uses_float64
def one_step_forms(quick: bool) -> list[Row]:
    d, T = 10, 20
    n = 2**12 if quick else 2**16
    s, _ = sequences.unitary_sequences(fast_key(jax.random.key(1)), n, d, T)
    eta = float(autoregression.optimal_step["unitary"](d, T))
    params = {"V": jnp.hstack([jnp.sqrt(eta) * jnp.eye(d), jnp.zeros((d, d))]),
              "M": jnp.sqrt(eta) * jnp.block([[jnp.zeros((d, d)), jnp.zeros((d, d))],
                                              [jnp.eye(d), jnp.zeros((d, d))]])}
    attention = jax.jit(jax.vmap(lambda x: linear_layer.predict_next(params, x, T)))
    right_to_left = jax.jit(jax.vmap(lambda x: eta * (jnp.conj(x[:T]) @ x[T]) @ x[1 : T + 1]))
    gap = float(jnp.max(jnp.abs(attention(s) - right_to_left(s))))
    t_att, t_rtl = timeit(attention, s), timeit(right_to_left, s)
    case = f"d={d}, T={T}, {n} sequences"
    return [
        Row(ID, "one_step_forms", case + ": V C M q (attention)", t_att.median, "s"),
        Row(ID, "one_step_forms", case + ": eta sum_t s_t (s_(t-1)^* s_T)", t_rtl.median, "s",
            ratio=t_att.median / t_rtl.median, ratio_of="attention / right to left",
            note=f"max |difference| {gap:.1e} (same prediction)"),
    ]


BENCHMARKS = {ID: (training, one_step_forms)}
