r"""The wrong neighbours of kernelised attention that change what is computed, and their measurement.

Three slips a reader, a slide or a first implementation makes (:mod:`theorems.linear_attention.katharopoulos`):

* the normaliser dropped: $\phi(Q)(\phi(K)^\top V)$ taken for the attention output (:func:`linear_unnormalised`);
* the causal mask off by one: the RNN's output at token $i$ taken for attention over $j \le i + 1$
  (:func:`quadratic_next_token`: the state one token ahead);
* the feature map's $+1$ lost: $\phi = \mathrm{elu}$, whose values in $(-1, 0)$ for $x < 0$ let the normaliser
  $\sum_j \phi(Q_i)^\top\phi(K_j)$ reach zero or change sign (:func:`elu_features`).

:func:`wrong_forms` measures all three on the config's shapes and draws, in float64, in one compiled program
(forward only), so that the three neighbours share it: the first call compiles and runs it, the others read the
kept result (:func:`functools.cache` on the config and the key's words).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np

from numerics.compiling import fast_compile
from numerics.linear_attention.exactness import features, output_scale, pad_problem, worst
from numerics.linear_attention.forms import causal_scan, matmul, quadratic
from numerics.precision import uses_float64
from numerics.prng import fast_key


def linear_unnormalised(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """a (b^T v): the linear form without its normaliser a (b^T 1)."""
    return matmul(a, matmul(b.T, v))


def quadratic_next_token(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """(a b^T) v / (a b^T) 1 masked to j <= i + 1: the causal mask off by one."""
    sim = matmul(a, b.T)
    sim = jnp.where(jnp.tril(jnp.ones(sim.shape, bool), k=1), sim, 0)
    return matmul(sim, v) / jnp.sum(sim, axis=1, keepdims=True)


def elu_features(x: jax.Array) -> jax.Array:
    """elu(x) = x for x > 0, e^x - 1 otherwise: the feature map without its +1."""
    return jax.nn.elu(x)


@dataclass(frozen=True)
class WrongForms:
    """Per shape and draw: worst |unnormalised linear − quadratic| / ((A|V|)/D), worst |causal scan − attention
    over j <= i + 1| / its scale, and, with elu features, the rows whose normaliser is not positive and the rows."""

    unnormalised: np.ndarray
    next_token: np.ndarray
    nonpositive_rows: np.ndarray
    rows: np.ndarray


@cache
def _program(shapes, scale, replicates):
    bucket = tuple(max(s[t] for s in shapes) for t in range(3))

    def run(seeds, sizes):
        def one(seed, size):
            key = jax.random.key(seed)
            a, b, v, _, out_mask, _ = pad_problem(*features(key, *bucket, scale), *size)
            unnormalised = worst(jnp.abs(linear_unnormalised(a, b, v) - quadratic(a, b, v)),
                                 output_scale(a, b, v, False), out_mask)
            shifted = quadratic_next_token(a, b, v)
            next_scale = quadratic_next_token(a, b, jnp.abs(v))
            next_token = worst(jnp.abs(causal_scan(a, b, v) - shifted), next_scale, out_mask)
            ea, eb, _, _, _, _ = pad_problem(*features(key, *bucket, scale, feature=elu_features), *size)
            real = jnp.arange(bucket[0]) < size[0]
            den = jnp.sum(matmul(ea, eb.T), axis=1)
            return jnp.stack([unnormalised, next_token, jnp.sum(real & (den <= 0)).astype(den.dtype),
                              jnp.sum(real).astype(den.dtype)])
        return jax.vmap(one)(seeds, sizes)

    count = len(shapes) * replicates
    return fast_compile(run, jax.ShapeDtypeStruct((count,), jnp.uint32), jax.ShapeDtypeStruct((count, 3), jnp.int32))


@cache
def _wrong_forms(shapes, scale, replicates, key_words) -> WrongForms:
    seeds = jax.random.bits(jax.random.wrap_key_data(jnp.asarray(key_words, jnp.uint32), impl="rbg"),
                            (len(shapes) * replicates,), jnp.uint32)
    sizes = jnp.asarray(np.repeat(np.array(shapes, np.int32), replicates, axis=0))
    measured = np.asarray(_program(shapes, scale, replicates)(seeds, sizes)).reshape(len(shapes), replicates, 4)
    return WrongForms(*(measured[..., k] for k in range(4)))


@uses_float64
def wrong_forms(config, key: jax.Array) -> WrongForms:
    """The three wrong forms at ``config``'s shapes (``replicates`` draws each, inputs scaled by ``input_scale``),
    float64, seeds drawn from an rbg key seeded by ``key`` and a salt of its own; kept per (config, key)."""
    words = tuple(int(w) for w in np.asarray(jax.random.key_data(fast_key(key, 7))).ravel())
    shapes = tuple(tuple(int(x) for x in s) for s in config.shapes)
    return _wrong_forms(shapes, float(config.input_scale), int(config.replicates), words)
