"""Benchmark for robbins1951: the vmapped SGD sweep against a Python loop of the same steps.

Both run the four schedules of :class:`numerics.optimisation.robbins_monro.Config` (two $\\tau/\\ell$, two constant)
over all seeds, in float64, with the same arithmetic per step (gradient of the quadratic plus Gaussian noise, step
$\\tau/(\\ell_0 + k)$ or $\\tau$) and the same number of normal draws:

* ``vmapped``: :func:`numerics.optimisation.robbins_monro.simulate`, one jitted program (``lax.scan`` over blocks of
  steps, ``vmap`` over the schedules, seeds as an array axis, the noise drawn a block at a time);
* ``loop``: a Python ``for`` over the steps, each a call of one jitted step over all schedules and seeds (its noise
  drawn in the call), the mean square error read back to the host every step as the sweep records it.

The two are timed interleaved (:func:`mathai.bench.linear_attention.timeit_interleaved`: one warm-up call each, then
rounds alternating between them) and the row is the ratio of their medians, loop / vmapped. ``quick``: 256 seeds,
2048 steps; full: the experiment's 1024 seeds and 4096 steps.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from mathai.bench import Row
from mathai.bench.linear_attention import timeit_interleaved
from numerics.optimisation import robbins_monro
from numerics.precision import uses_float64
from numerics.prng import fast_key

ID = robbins_monro.ID
REPEATS = 3


def _schedules(config: robbins_monro.Config):
    taus = [t / config.mu for t in config.tau_mu] + [t / config.mu for t in config.constant_tau_mu]
    offsets = list(config.offsets) + [1] * len(config.constant_tau_mu)
    decays = [1.0] * len(config.tau_mu) + [0.0] * len(config.constant_tau_mu)
    return (jnp.asarray(np.linspace(config.mu, config.L, config.d)), jnp.asarray(taus),
            jnp.asarray(offsets, dtype=jnp.float64), jnp.asarray(decays))


@partial(jax.jit, static_argnames=("seeds",))
def _loop_step(e, k, key, lambdas, taus, offsets, decays, noise, seeds):
    """One SGD step of every schedule and seed (the sweep's arithmetic), and the mean square errors after it."""
    xi = jax.random.normal(jax.random.fold_in(key, k), e.shape, e.dtype)
    rate = (taus / (offsets + decays * k))[:, None, None]
    e = e - rate * (lambdas * e + noise * xi)
    return e, jnp.mean(jnp.sum(e * e, axis=-1), axis=-1)


@uses_float64
def bench_vmapped_against_loop(quick: bool) -> list[Row]:
    config = robbins_monro.Config(seeds=256, steps=2048) if quick else robbins_monro.Config()
    lambdas, taus, offsets, decays = _schedules(config)
    key = fast_key(jax.random.key(0))
    start = config.start_radius * jax.random.normal(key, (taus.size, config.seeds, config.d), jnp.float64)

    def vmapped():
        return robbins_monro.simulate(key, lambdas, taus, offsets, decays, config.noise, config.start_radius,
                                      config.seeds, config.steps)

    def loop():
        e, means = start, []
        for k in range(config.steps):
            e, mean = _loop_step(e, k, key, lambdas, taus, offsets, decays, config.noise, config.seeds)
            means.append(np.asarray(mean))
        return np.stack(means, axis=1)

    timings = timeit_interleaved({"vmapped": vmapped, "loop": loop}, repeats={"vmapped": REPEATS, "loop": REPEATS})
    case = f"{taus.size} schedules x {config.seeds} seeds x {config.steps} steps, d={config.d}, float64"
    ratio = timings["loop"].median / timings["vmapped"].median
    rows = [Row(ID, "sgd sweep", f"{name}, {case}", t.median, "s",
                note=f"median of {t.repeats} interleaved calls, min {t.min:.3g} s, max {t.max:.3g} s; compile and "
                     f"first call {t.compile_seconds:.3g} s") for name, t in timings.items()]
    rows.append(Row(ID, "sgd sweep", f"Python loop of the steps / vmapped scan, {case}", ratio, "x", ratio=ratio,
                    ratio_of="loop / vmapped"))
    return rows


BENCHMARKS = {ID: (bench_vmapped_against_loop,)}
