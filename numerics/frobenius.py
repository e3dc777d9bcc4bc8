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

**The sharp partner.** The worst-case checks sit at $10^{-6}$ to $10^{-1}$ of their bound: they could not see an
error ten times too large. So a second batch, ``model_batch`` pairs at each of ``model_shapes``, measures the
normalised difference $e = |\text{sum} - \text{trace}| / (u \sum|S_{ij}||T_{ij}|)$ pair by pair, and
:func:`numerics.rounding_model.format_ratio_check` compares its RMS in float32 with float64 (complex64 with
complex128): the probabilistic model of rounding (Higham and Mary 2019, 2020) predicts the ratio 1, within a
factor 2 for kernels that differ between formats. It fails for products at TF32's precision, for an error ten times
the measured one, and for a neighbour claiming single precision ten times less accurate. The wrong neighbours
(:data:`NEIGHBOURS`, stated in :mod:`theorems.frobenius`) are the conjugate lost or on the wrong argument, the
transpose dropped (each runs its own trace form), the two sides one rounding apart (too small), and single
precision ten times less accurate (looser).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.compiling import run_fast
from numerics.measure import unit_roundoff
from numerics.neighbours import Neighbour, scaled
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.rounding_model import MIN_SAMPLES, format_ratio_check
from numerics.validation import require_counts, require_fields, require_one_of
from theorems import frobenius as statement
from theorems.core import Check, numeric
from theorems.rounding import u

ID = statement.ID
DTYPES = ("float32", "float64", "complex64", "complex128")
FAMILIES = (("float32", "float64"), ("complex64", "complex128"))
"""The (low, high) pairs of formats whose normalised errors the model compares."""


@dataclass(frozen=True)
class Config:
    """Shapes (m, n), dtypes, matrices per (shape, dtype), the exponent range of the entries; the model's shapes
    (m, n >= 2: a 1 x n or m x 1 pair often runs the same operations both ways) and pairs per shape."""

    shapes: tuple[tuple[int, int], ...] = ((1, 4096), (1024, 1), (1, 1), (3, 5), (64, 64), (512, 8), (8, 512),
                                           (256, 256))
    dtypes: tuple[str, ...] = DTYPES
    batch: int = 16
    log2_magnitude: float = 8.0
    model_shapes: tuple[tuple[int, int], ...] = ((3, 5), (64, 64), (8, 512))
    model_batch: int = 256

    def __post_init__(self):
        require_fields(self)
        for shape in self.shapes + self.model_shapes:
            if len(shape) != 2 or min(shape) < 1:
                raise ValueError(f"shape {shape!r} is not (m, n) with m, n >= 1")
        if any(min(shape) < 2 for shape in self.model_shapes):
            raise ValueError(f"model_shapes must have m, n >= 2, got {self.model_shapes!r}")
        require_one_of(self, "dtypes", DTYPES)
        require_counts(self, "batch", "model_batch")
        if self.model_shapes and self.model_batch < MIN_SAMPLES:
            raise ValueError(f"model_batch must be >= {MIN_SAMPLES} (the model's normal approximation), got "
                             f"{self.model_batch!r}")
        require_memory(self, ("shapes", "batch", "dtypes", "model_shapes", "model_batch"))

    def blocks(self) -> tuple[tuple[tuple[int, int], int], ...]:
        """(shape, pairs) of every block measured: the shapes at ``batch``, then the model's at ``model_batch``."""
        return (tuple((tuple(s), self.batch) for s in self.shapes)
                + tuple((tuple(s), self.model_batch) for s in self.model_shapes))

    def peak_bytes(self) -> int:
        """Estimated peak of ``_measure`` (one program): per dtype the two float64 sample streams of
        2 max(pairs m n) entries, and per block S and T (pairs, m, n) in the dtype, their float64 moduli, and the
        product S T^* (pairs, m, m) in the dtype; all summed."""
        longest = 2 * max(pairs * m * n for (m, n), pairs in self.blocks())
        total = 0
        for dtype in self.dtypes:
            item = np.dtype(dtype).itemsize
            total += 2 * array_bytes(longest)
            for (m, n), pairs in self.blocks():
                total += 2 * array_bytes(pairs, m, n, itemsize=item) + 2 * array_bytes(pairs, m, n)
                total += array_bytes(pairs, m, m, itemsize=item)
        return total

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one row, one column, a square and a rectangle, every dtype; the model at two."""
        return cls(shapes=((1, 64), (16, 1), (3, 5), (32, 32)), batch=4, model_shapes=((3, 5), (32, 32)),
                   model_batch=64)


@dataclass(frozen=True)
class Result:
    """Per (shape, dtype): the worst ratio |sum form − trace form| / bound over the batch, and its parts; per model
    shape, dtype and pair: the normalised difference.

    Arrays are indexed [shape, dtype]: ``ratio`` (max over the batch), ``difference`` and ``scale`` (at the worst
    matrix pair), ``constant`` (C(m, n, u)); ``m`` and ``n`` per shape. ``model_error[model shape, dtype, pair]`` =
    |sum − trace| / (u sum|S||T|); ``model_m``, ``model_n`` per model shape.
    """

    m: np.ndarray
    n: np.ndarray
    ratio: np.ndarray
    difference: np.ndarray
    scale: np.ndarray
    constant: np.ndarray
    model_m: np.ndarray
    model_n: np.ndarray
    model_error: np.ndarray


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


def _measure(key, blocks, dtypes, log2_magnitude, trace):
    """|sum form − ``trace``(S, T)| and sum |S||T| per matrix pair, for every dtype and block (shape, pairs): one
    compiled program.

    One stream of samples feeds every (dtype, block): drawing per shape would compile the random number
    generator once per shape, which costs more than all the arithmetic here. Compiled by
    :func:`numerics.compiling.run_fast` (XLA:CPU's optimisation off: the default config's program compiles in 4.4 s
    instead of 10 s; the rounding bound holds in every order of evaluation).
    """
    longest = 2 * max(pairs * m * n for (m, n), pairs in blocks)
    out = []
    for b, dtype in enumerate(dtypes):
        wide = jnp.complex128 if jnp.issubdtype(jnp.dtype(dtype), jnp.complexfloating) else jnp.float64
        stream_s = sample(fast_key(key, 2 * b), longest, log2_magnitude)
        stream_t = sample(fast_key(key, 2 * b + 1), longest, log2_magnitude)
        per_block = []
        for shape, pairs in blocks:
            S = as_matrices(stream_s, (pairs, *shape), dtype)
            T = as_matrices(stream_t, (pairs, *shape), dtype)
            by_sum, by_trace = jax.vmap(sum_form)(S, T).astype(wide), jax.vmap(trace)(S, T).astype(wide)
            scale = jnp.sum(jnp.abs(S.astype(wide)) * jnp.abs(T.astype(wide)), axis=(1, 2))
            per_block.append((jnp.abs(by_sum - by_trace), scale))
        out.append(per_block)
    return out


_constant = {is_complex: to_jax([statement.m, statement.n, u], statement.rounding_bound(is_complex))
             for is_complex in (False, True)}


@uses_float64
def rounding_constant(m: int, n: int, dtype: str) -> float:
    """C(m, n, u) for the dtype, lambdified from :func:`theorems.frobenius.rounding_bound`."""
    is_complex = np.dtype(dtype).kind == "c"
    return float(_constant[is_complex](float(m), float(n), unit_roundoff(dtype)))


@uses_float64
def measure(config: Config, key: jax.Array, trace=None) -> Result:
    """Measure |sum form − ``trace``| / (C(m, n, u) · sum |S||T|) for every shape and dtype of ``config``, and the
    normalised differences of the model's pairs; ``trace`` defaults to :func:`trace_form` (a wrong neighbour
    passes its own)."""
    shape_grid = (len(config.shapes), len(config.dtypes))
    ratio, difference, scale, constant = (np.zeros(shape_grid) for _ in range(4))
    model_grid = (len(config.model_shapes), len(config.dtypes), config.model_batch)
    model_error = np.zeros(model_grid)
    measured = run_fast(_measure, key, blocks=config.blocks(), dtypes=tuple(config.dtypes),
                        log2_magnitude=config.log2_magnitude, trace=trace_form if trace is None else trace)
    count = len(config.shapes)
    for b, dtype in enumerate(config.dtypes):
        for a, ((shape, _), (diff, sc)) in enumerate(zip(config.blocks(), measured[b])):
            diff, sc = np.asarray(diff), np.asarray(sc)
            if a >= count:
                model_error[a - count, b] = diff / (unit_roundoff(dtype) * sc)
                continue
            c = rounding_constant(*shape, dtype)
            ratios = diff / (c * sc)
            worst = int(np.argmax(ratios))
            ratio[a, b], difference[a, b], scale[a, b], constant[a, b] = ratios[worst], diff[worst], sc[worst], c
    m, n = (np.array([s[k] for s in config.shapes]) for k in (0, 1))
    model_m, model_n = (np.array([s[k] for s in config.model_shapes], dtype=np.int64) for k in (0, 1))
    return Result(m=m, n=n, ratio=ratio, difference=difference, scale=scale, constant=constant, model_m=model_m,
                  model_n=model_n, model_error=model_error)


def experiment(config: Config, key: jax.Array) -> Result:
    """Measure |sum form − trace form| / (C(m, n, u) · sum |S||T|) for every shape and dtype of ``config``, and
    the model's normalised differences."""
    return measure(config, key)


def worst_case_checks(result: Result, config: Config) -> list[Check]:
    """One check per (shape, dtype): worst |sum − trace| / rounding bound <= 1."""
    return [
        numeric(statement.ID, f"|sum form - trace form| / rounding bound, {m}x{n} {dtype}",
                result.ratio[a, b], "<=", 1.0)
        for a, (m, n) in enumerate(config.shapes)
        for b, dtype in enumerate(config.dtypes)
    ]


def model_checks(result: Result, config: Config) -> list[Check]:
    """Per model shape and family of formats in ``config``: RMS of |sum − trace| / (u sum|S||T|) over the
    shape's pairs, the low format over the high one, against the model's ratio 1 (:mod:`numerics.rounding_model`):
    one check a shape, so that an error at one shape is not averaged away."""
    out = []
    squared = result.model_error**2
    for low, high in FAMILIES:
        if low in config.dtypes and high in config.dtypes:
            lo, hi = config.dtypes.index(low), config.dtypes.index(high)
            for a, (m, n) in enumerate(config.model_shapes):
                out.append(format_ratio_check(
                    statement.ID, f"RMS |sum - trace| / (u sum|S||T|), {low} over {high}, {m}x{n}, "
                                  f"{config.model_batch} pairs", squared[a:a + 1, lo], squared[a:a + 1, hi]))
    return out


def checks(result: Result, config: Config) -> list[Check]:
    """Worst |sum − trace| / rounding bound <= 1 per (shape, dtype); the float32/float64 and complex64/complex128
    ratios of the normalised differences within the model's interval."""
    return worst_case_checks(result, config) + model_checks(result, config)



# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours (theorems.frobenius): three that compute another trace, one constant too small, one looser.
# ---------------------------------------------------------------------------------------------------------------


def _highest(x, y):
    return jnp.matmul(x, y, precision=jax.lax.Precision.HIGHEST)


def conjugate_lost_form(S: jax.Array, T: jax.Array) -> jax.Array:
    """tr(S T^T): :func:`theorems.frobenius.conjugate_lost`."""
    return jnp.trace(_highest(S, T.T))


def conjugate_on_first_form(S: jax.Array, T: jax.Array) -> jax.Array:
    """tr(T S^*): :func:`theorems.frobenius.conjugate_on_first`."""
    return jnp.trace(_highest(T, jnp.conj(S).T))


def transpose_dropped_form(S: jax.Array, T: jax.Array) -> jax.Array:
    """tr(S conj(T)), square S and T: :func:`theorems.frobenius.transpose_dropped`."""
    return jnp.trace(_highest(S, jnp.conj(T)))


def complex_config(config: Config) -> Config:
    """Where a lost or misplaced conjugate shows: the complex dtypes of ``config`` (complex128 if none) at its model
    shapes (cheap, m, n >= 2), ``batch`` pairs, no model."""
    dtypes = tuple(d for d in config.dtypes if np.dtype(d).kind == "c") or ("complex128",)
    return Config(shapes=config.model_shapes or ((3, 5),), dtypes=dtypes, batch=config.batch,
                  log2_magnitude=config.log2_magnitude, model_shapes=())


def square_config(config: Config) -> Config:
    """Where a dropped transpose is defined: the smallest square shape of ``config`` with m >= 2 (4 x 4 if none),
    every dtype, ``batch`` pairs, no model."""
    squares = sorted(s for s in (*config.shapes, *config.model_shapes) if s[0] == s[1] >= 2)
    return Config(shapes=(tuple(squares[0]) if squares else (4, 4),), dtypes=config.dtypes, batch=config.batch,
                  log2_magnitude=config.log2_magnitude, model_shapes=())


_one_rounding = to_jax([u], statement.one_rounding_constant())


@uses_float64
def one_rounding_checks(result: Result, config: Config) -> list[Check]:
    """|sum − trace| <= u sum|S||T| at every shape and dtype, and at the model's pairs (their worst)."""
    out = []
    for b, dtype in enumerate(config.dtypes):
        constant = float(_one_rounding(unit_roundoff(dtype)))
        for a, (m, n) in enumerate(config.shapes):
            out.append(numeric(ID, f"|sum form - trace form| / (u sum|S||T|), {m}x{n} {dtype}",
                               result.ratio[a, b] * result.constant[a, b] / constant, "<=", 1.0))
        for a, (m, n) in enumerate(config.model_shapes):
            out.append(numeric(ID, f"|sum form - trace form| / (u sum|S||T|), worst of {config.model_batch} pairs, "
                                   f"{m}x{n} {dtype}",
                               float(result.model_error[a, b].max()) * unit_roundoff(dtype) / constant, "<=", 1.0))
    return out


def loose_single_precision_checks(result: Result, config: Config) -> list[Check]:
    """Single precision's constant and its error model ten times wider: the worst-case checks of float32 and
    complex64 with their bound x10 (they hold), the format ratios' interval x10."""
    factor = statement.LOOSE_SINGLE_PRECISION
    single = [f"{m}x{n} {d}" for m, n in config.shapes for d in config.dtypes if d in ("float32", "complex64")]
    worst = [scaled(c, factor) if any(c.claim.endswith(tag) for tag in single) else c
             for c in worst_case_checks(result, config)]
    return worst + [scaled(c, factor) for c in model_checks(result, config)]


NEIGHBOURS = (
    Neighbour("conjugate-lost", "<S,T>_F = tr(S T^T) for complex matrices too (the conjugate lost)",
              lambda result, config: worst_case_checks(result, complex_config(config)),
              experiment=lambda config, key: measure(complex_config(config), key, conjugate_lost_form)),
    Neighbour("conjugate-on-first", "<S,T>_F = tr(T S^*) (the conjugate on the first argument)",
              lambda result, config: worst_case_checks(result, complex_config(config)),
              experiment=lambda config, key: measure(complex_config(config), key, conjugate_on_first_form)),
    Neighbour("transpose-dropped", "<S,T>_F = tr(S conj(T)) for square matrices (the transpose dropped)",
              lambda result, config: worst_case_checks(result, square_config(config)),
              experiment=lambda config, key: measure(square_config(config), key, transpose_dropped_form)),
    Neighbour("one-rounding-apart", "|sum form - trace form| <= u sum|S_ij T_ij| (the sides one rounding apart)",
              one_rounding_checks),
    Neighbour("single-precision-x10", "in float32 and complex64 the sides differ by up to 10 C(m, n, u) sum|S||T|, "
                                      "ten times the standard model's error", loose_single_precision_checks,
              looser=True),
)
"""The wrong statements next to the theorem; every one is rejected by the checks named in ``mathai verify
--controls``."""
