r"""Experiment: the two sides of $\langle S,T\rangle_F = \operatorname{tr}(S T^*)$ in floating point.

For each shape (including $1\times N$ and $N\times 1$) and each dtype (float32, float64, complex64, complex128) a
batch of random matrices is drawn, both sides are computed in that dtype by XLA — the sum form as
``sum(S * conj(T))``, the trace form as ``trace(S @ T^*)`` with a real matrix product at ``precision="highest"``
(GPUs default to TF32 otherwise) — and their difference is measured against the rounding bound
$C(m, n, u)\sum|S_{ij}||T_{ij}|$ of :func:`theorems.frobenius.rounding_bound`, lambdified from SymPy.

Input range: entries (real and imaginary parts) have magnitudes log-uniform in $[2^{-8}, 2^{8}]$ with random signs,
so products lie in $[2^{-16}, 2^{16}]$ and sums of up to $10^7$ of them stay far from float32's overflow
($2^{128}$) and underflow ($2^{-126}$; XLA on CPU flushes subnormals to zero). The scale $\sum|S_{ij}||T_{ij}|$
and the difference are evaluated in float64 from the computed values (relative error below $10^{-9}$, negligible
against the bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import unit_roundoff
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_one_of
from numerics.precision import uses_float64
from theorems import frobenius as statement
from theorems.core import Check, numeric
from theorems.rounding import u

ID = statement.ID
DTYPES = ("float32", "float64", "complex64", "complex128")


@dataclass(frozen=True)
class Config:
    """Shapes (m, n), dtypes, matrices per (shape, dtype), and the exponent range of the entries."""

    shapes: tuple[tuple[int, int], ...] = ((1, 4096), (1024, 1), (1, 1), (3, 5), (64, 64), (512, 8), (8, 512),
                                           (256, 256))
    dtypes: tuple[str, ...] = DTYPES
    batch: int = 16
    log2_magnitude: float = 8.0

    def __post_init__(self):
        require_fields(self)
        for shape in self.shapes:
            if len(shape) != 2 or min(shape) < 1:
                raise ValueError(f"shape {shape!r} is not (m, n) with m, n >= 1")
        require_one_of(self, "dtypes", DTYPES)
        require_counts(self, "batch")
        require_memory(self, ("shapes", "batch", "dtypes"))

    def peak_bytes(self) -> int:
        """Estimated peak of ``_measure`` (one program): per dtype the two float64 sample streams of
        2 batch max(m n) entries, and per shape S and T (batch, m, n) in the dtype, their float64 moduli, and the
        product S T^* (batch, m, m) in the dtype; all summed."""
        longest = 2 * self.batch * max(m * n for m, n in self.shapes)
        total = 0
        for dtype in self.dtypes:
            item = np.dtype(dtype).itemsize
            total += 2 * array_bytes(longest)
            for m, n in self.shapes:
                total += 2 * array_bytes(self.batch, m, n, itemsize=item) + 2 * array_bytes(self.batch, m, n)
                total += array_bytes(self.batch, m, m, itemsize=item)
        return total

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one row, one column, a square and a rectangle, every dtype."""
        return cls(shapes=((1, 64), (16, 1), (3, 5), (32, 32)), batch=4)


@dataclass(frozen=True)
class Result:
    """Per (shape, dtype): the worst ratio |sum form − trace form| / bound over the batch, and its parts.

    Arrays are indexed [shape, dtype]: ``ratio`` (max over the batch), ``difference`` and ``scale`` (at the worst
    matrix pair), ``constant`` (C(m, n, u)); ``m`` and ``n`` per shape.
    """

    m: np.ndarray
    n: np.ndarray
    ratio: np.ndarray
    difference: np.ndarray
    scale: np.ndarray
    constant: np.ndarray


def sample(key: jax.Array, count: int, log2_magnitude: float) -> jax.Array:
    """``count`` float64 values ±2^e with e uniform in [−log2_magnitude, log2_magnitude], random signs."""
    signed = jax.random.uniform(key, (count,), jnp.float64, -1.0, 1.0)
    return jnp.sign(signed) * jnp.exp2(log2_magnitude * (2 * jnp.abs(signed) - 1))


def as_matrices(values: jax.Array, shape: tuple[int, ...], dtype: str) -> jax.Array:
    """Reshape a stream of samples into arrays of ``shape`` in ``dtype`` (complex: two samples an entry).

    Casting to float32 rounds to nearest, which keeps magnitudes inside [2^-k, 2^k] (powers of two are exact).
    """
    size = int(np.prod(shape))
    if jnp.issubdtype(jnp.dtype(dtype), jnp.complexfloating):
        real = jnp.finfo(jnp.dtype(dtype)).dtype
        parts = values[: 2 * size].astype(real).reshape(2, *shape)
        return jax.lax.complex(parts[0], parts[1])
    return values[:size].astype(dtype).reshape(shape)


def sum_form(S: jax.Array, T: jax.Array) -> jax.Array:
    """<S, T>_F = sum_ij S_ij conj(T_ij), in the dtype of S and T."""
    return jnp.sum(S * jnp.conj(T))


def trace_form(S: jax.Array, T: jax.Array) -> jax.Array:
    """tr(S T^*), the matrix product at full precision."""
    return jnp.trace(jnp.matmul(S, jnp.conj(T).T, precision=jax.lax.Precision.HIGHEST))


@partial(jax.jit, static_argnames=("shapes", "dtypes", "batch", "log2_magnitude"))
def _measure(key, shapes, dtypes, batch, log2_magnitude):
    """|sum form − trace form| and sum |S||T| per matrix pair, for every dtype and shape: one compiled program.

    One stream of samples feeds every (dtype, shape): drawing per shape would compile the random number
    generator once per shape, which costs more than all the arithmetic here.
    """
    longest = 2 * batch * max(m * n for m, n in shapes)
    out = []
    for b, dtype in enumerate(dtypes):
        wide = jnp.complex128 if jnp.issubdtype(jnp.dtype(dtype), jnp.complexfloating) else jnp.float64
        stream_s = sample(fast_key(key, 2 * b), longest, log2_magnitude)
        stream_t = sample(fast_key(key, 2 * b + 1), longest, log2_magnitude)
        per_shape = []
        for shape in shapes:
            S = as_matrices(stream_s, (batch, *shape), dtype)
            T = as_matrices(stream_t, (batch, *shape), dtype)
            by_sum, by_trace = jax.vmap(sum_form)(S, T), jax.vmap(trace_form)(S, T)
            difference = jnp.abs(by_sum.astype(wide) - by_trace.astype(wide))
            scale = jnp.sum(jnp.abs(S.astype(wide)) * jnp.abs(T.astype(wide)), axis=(1, 2))
            per_shape.append((difference, scale))
        out.append(per_shape)
    return out


_constant = {is_complex: to_jax([statement.m, statement.n, u], statement.rounding_bound(is_complex))
             for is_complex in (False, True)}


@uses_float64
def rounding_constant(m: int, n: int, dtype: str) -> float:
    """C(m, n, u) for the dtype, lambdified from :func:`theorems.frobenius.rounding_bound`."""
    is_complex = np.dtype(dtype).kind == "c"
    return float(_constant[is_complex](float(m), float(n), unit_roundoff(dtype)))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Measure |sum form − trace form| / (C(m, n, u) · sum |S||T|) for every shape and dtype of ``config``."""
    shape_grid = (len(config.shapes), len(config.dtypes))
    ratio, difference, scale, constant = (np.zeros(shape_grid) for _ in range(4))
    shapes = tuple(tuple(shape) for shape in config.shapes)
    measured = _measure(key, shapes, tuple(config.dtypes), config.batch, config.log2_magnitude)
    for b, dtype in enumerate(config.dtypes):
        for a, (shape, (diff, sc)) in enumerate(zip(shapes, measured[b])):
            diff, sc, c = np.asarray(diff), np.asarray(sc), rounding_constant(*shape, dtype)
            ratios = diff / (c * sc)
            worst = int(np.argmax(ratios))
            ratio[a, b], difference[a, b], scale[a, b], constant[a, b] = ratios[worst], diff[worst], sc[worst], c
    m, n = (np.array([s[k] for s in config.shapes]) for k in (0, 1))
    return Result(m=m, n=n, ratio=ratio, difference=difference, scale=scale, constant=constant)


def checks(result: Result, config: Config) -> list[Check]:
    """One check per (shape, dtype): worst |sum − trace| / rounding bound <= 1."""
    return [
        numeric(statement.ID, f"|sum form - trace form| / rounding bound, {m}x{n} {dtype}",
                result.ratio[a, b], "<=", 1.0)
        for a, (m, n) in enumerate(config.shapes)
        for b, dtype in enumerate(config.dtypes)
    ]

