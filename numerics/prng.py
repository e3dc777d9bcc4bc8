"""Random keys that compile fast: JAX's ``rbg`` generator seeded from a caller's key.

The experiments take a key of JAX's default generator (threefry), as JAX code does. Threefry's bit generation is
unrolled at compile time, and on a 2-core CPU a program drawing a few million numbers took 3-6 s to compile
(measured while building the experiments: more than the experiments themselves). XLA's RngBitGenerator (the
``rbg`` implementation) compiles in well under a second. :func:`fast_key` seeds an ``rbg`` key from the words of
the caller's key and a salt, without running threefry. The streams are deterministic for a given key, salt, backend
and JAX version; they may differ between CPU and GPU, which no check relies on (every statistical check holds for
every seed).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def fast_key(key: jax.Array, salt: int = 0) -> jax.Array:
    """An ``rbg`` key seeded by the words of ``key`` (any implementation) and ``salt``."""
    words = jax.random.key_data(key).reshape(-1).astype(jnp.uint32)
    seed = jnp.concatenate([words, jnp.zeros(4, jnp.uint32)])[:4]
    seed = seed.at[2].add(jnp.asarray(salt, jnp.uint32))
    return jax.random.wrap_key_data(seed, impl="rbg")
