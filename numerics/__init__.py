"""The experiments: one module per result, pure jitted functions ``experiment(config, key) -> Result``.

Importing this package switches on float64 in JAX: several experiments measure rounding errors in float64 or need
its range, and a bound derived for IEEE float64 means nothing if JAX silently computes in float32. Experiments
that are meant to run in float32 say so in their configs.
"""

import jax

jax.config.update("jax_enable_x64", True)
