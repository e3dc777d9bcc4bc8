r"""Experiment: circular convolution commutes with cyclic shifts exactly; an FFT form within its rounding bound;
sub-sampling by $s$ keeps invariance at multiples of $s$ only, by the amount
:func:`theorems.architectures.convolution.invariance_ratio` predicts.

**Direct form, exactly.** For each length $n$ of ``lengths``, kernel length $k$ of ``kernel_sizes`` and every
shift $t \in [0, n)$: $\max|w \star S_t x - S_t(w \star x)|$ over ``batch`` signals, float32 and float64 (uniform
on $[-1, 1)$) and int32 (integers in $[-R, R]$), is exactly 0, and so are the errors of $\mathrm{ReLU}(w\star x + b)$,
its global max pooling (float32) and its global sum pooling (int32). The products are formed in one compiled
program (:func:`_multiply`) and summed left to right in another (:func:`_add`): inside one program XLA:CPU
contracts products into the sums differently on the two sides (:mod:`numerics.architectures.convolution_forms`).
The kernels of one length share one computation, the shorter padded with zeros (adding an exact zero changes no
bit). The zero-padded form is measured beside it (int32; for its neighbour).

**FFT form, within its bound.** For $n$ in ``fft_lengths`` (powers of two) and ``fft_samples`` pairs of integer
signals and kernels (the direct form is exact for them), $\mathrm{Re}\,F^{-1}(Fx\odot F\bar w)$ in complex64 and
complex128 against the exact result: $\|\hat z - z\|_2$ over the bound of :func:`theorems.architectures.convolution.
fft_error_bound` (lambdified), and the FFT form's own equivariance error $\|\hat z(S_t x) - S_t\hat z(x)\|_2$ (a
random $t$ per pair) over twice that bound. Both sit at $10^{-3}$ to $1.4\cdot10^{-2}$ of their bounds, so the
**sharp partner** is :func:`numerics.rounding_model.format_ratio_check` on the normalised errors
$e = \|\hat z - z\|_2/(u\|x\|_2\|w\|_1)$: the probabilistic model of rounding predicts the same distribution of $e$
in both formats (ratio 1 within the model's factor 2; measured 1.08 to 1.17 at seeds 0 to 2). It fails for a float32
error ten times the measured one and for spectra rounded to 10 mantissa bits (TF32), which the worst-case bound
both accept.

**Sub-sampling.** With $s$ = ``stride`` and $n$ = ``subsampling_length``, two pipelines, shifts $t = 0, \dots, 2s$:

* a CNN layer, $f(x) = \max_m \mathrm{ReLU}(w\star x + b)_{sm}$ (uniform data, $|b| \le 0.1$: about half the outputs
  pass; float32, float64): the relative invariance error $\max|f(S_t x) - f(x)| / \max|f(x)|$ over ``batch``
  signals is exactly 0 at $s \mid t$ and of order one elsewhere;
* the linear one, $g(x) = \sum_m (w\star x)_{sm}$ with integers (exact): $g(S_t x) - g(x) = 0$ exactly at $s \mid t$,
  and over ``trials`` signals $\hat\rho(t) = \overline{\Delta_t^2} / \overline{g^2}$ against the exact
  $\rho(t) = \sum_r (W_{r+t} - W_r)^2 / \sum_r W_r^2$ for the drawn integer kernel, two-sided: $|z| \le$ ``z``,
  the standard error by the delta method, $\mathrm{Var}(\Delta^2 - \rho g^2)/T$ over $(\overline{g^2})^2$. Each
  per-trial statistic is a bounded quadratic form of independent bounded integers (every moment finite), $T = 2000$
  of them averaged: with $z = 6$ a normal tail is $2\cdot10^{-9}$ per shift (normal approximation of a skewed mean;
  measured: $|z| \le 2.3$ at 20 default and 30 small seeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

from numerics.architectures.convolution_forms import (kernel_index, bitwise_gap, circular_convolution,
                                                    convolution_products, cyclic_shifts, fft_convolution,
                                                    summed, zero_padded_products)
from numerics.architectures.invariance_moment import moment_standard_error, moment_z
from numerics.measure import unit_roundoff
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.rounding_model import MIN_SAMPLES, format_ratio_check
from numerics.validation import require_counts, require_fields, require_z
from theorems.architectures import convolution as statement
from theorems.core import Check, numeric
from theorems.rounding import u

ID = statement.ID
DIRECT_DTYPES = ("float32", "float64", "int32")
FLOAT_DTYPES = ("float32", "float64")
FFT_DTYPES = ("complex64", "complex128")
FLOAT32_MANTISSA_BITS = 23  # Config.fft_mantissa_bits below it rounds complex64's spectra (a neighbour's experiment)
EXACT_INTEGERS = 2**24
"""Integers below this in magnitude are exact in float32 (and every sum here stays below it)."""


@dataclass(frozen=True)
class Config:
    """Direct form: lengths, kernel lengths, signals per pair; sub-sampling: stride, length, kernel length, trials
    of the moment check; FFT form: lengths (powers of two), kernel length, pairs per length; integers in
    [-integer_range, integer_range]; the false-alarm bound z."""

    lengths: tuple[int, ...] = (7, 16, 45, 128)
    kernel_sizes: tuple[int, ...] = (1, 4, 7)
    batch: int = 8
    stride: int = 4
    subsampling_length: int = 64
    subsampling_kernel: int = 5
    trials: int = 2000
    fft_lengths: tuple[int, ...] = (16, 64, 256, 1024)
    fft_kernel: int = 9
    fft_samples: int = 64
    fft_mantissa_bits: int = FLOAT32_MANTISSA_BITS
    integer_range: int = 100
    z: float = 6.0

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "batch", "stride", "subsampling_length", "subsampling_kernel", "trials", "fft_kernel",
                       "fft_samples", "integer_range", "fft_mantissa_bits")
        if self.fft_mantissa_bits > FLOAT32_MANTISSA_BITS:
            raise ValueError(f"fft_mantissa_bits must be at most {FLOAT32_MANTISSA_BITS} (float32's own, no rounding), "
                             f"got {self.fft_mantissa_bits!r}")
        for name in ("lengths", "kernel_sizes", "fft_lengths"):
            values = getattr(self, name)
            if not values or min(values) < 1:
                raise ValueError(f"{name} must be a non-empty tuple of integers >= 1, got {values!r}")
        _require_kernel_fits("kernel_sizes", max(self.kernel_sizes), "lengths", min(self.lengths))
        _require_kernel_fits("subsampling_kernel", self.subsampling_kernel, "subsampling_length",
                             self.subsampling_length)
        _require_kernel_fits("fft_kernel", self.fft_kernel, "fft_lengths", min(self.fft_lengths))
        if self.stride < 2 or self.subsampling_length % self.stride:
            raise ValueError(f"stride must be >= 2 and divide subsampling_length = {self.subsampling_length} "
                             f"(sub-sampling on Z_n needs s | n), got {self.stride!r}")
        for length in self.fft_lengths:
            if length & (length - 1):
                raise ValueError(f"fft_lengths must be powers of two (the rounding bound is Higham's Theorem 24.2 "
                                 f"for n = 2^t), got {length!r}")
        if self.fft_samples < MIN_SAMPLES or self.trials < 64:
            raise ValueError(f"fft_samples must be >= {MIN_SAMPLES} and trials >= 64 (normal approximation of the "
                             f"means), got fft_samples={self.fft_samples!r}, trials={self.trials!r}")
        widest = max(self.kernel_sizes + (self.fft_kernel,))
        pooled = self.subsampling_length // self.stride * self.subsampling_kernel
        if max(widest, pooled) * self.integer_range**2 >= EXACT_INTEGERS:
            raise ValueError(f"integer_range={self.integer_range!r} with kernel_sizes, fft_kernel (longest {widest}) "
                             f"and subsampling_length / stride * subsampling_kernel = {pooled}: every integer sum, "
                             f"at most {max(widest, pooled)} R^2, must stay below 2^24 (exact in float32)")
        require_z(self)
        require_memory(self, ("lengths", "kernel_sizes", "batch", "subsampling_length", "subsampling_kernel",
                              "trials", "fft_lengths", "fft_kernel", "fft_samples"))

    def peak_bytes(self) -> int:
        """Estimated peak (8 bytes an entry), the two programs summed: per length, in three dtypes, the products of
        every kernel (padded to the longest) for every shift (kernels, batch, n, n, k) and their sums; sub-sampling
        the shifted signals, products and sums of 2s + 1 shifts for batch and trials signals; FFT per length the
        signals, kernels and spectra of fft_samples pairs in two formats."""
        kernels, widest = len(self.kernel_sizes), max(self.kernel_sizes)
        direct = sum(3 * array_bytes(kernels, self.batch, n, n, widest + 2) for n in self.lengths)
        shifts, n_sub = 2 * self.stride + 1, self.subsampling_length
        sub = 3 * array_bytes(shifts, self.batch + self.trials, n_sub, self.subsampling_kernel + 2)
        fft = sum(2 * array_bytes(self.fft_samples, n, 12) for n in self.fft_lengths)
        return direct + sub + fft

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: one length, two kernels, stride 2 on 16 points, one FFT length."""
        return cls(lengths=(16,), kernel_sizes=(1, 3), batch=4, stride=2, subsampling_length=16,
                   subsampling_kernel=3, trials=500, fft_lengths=(32,), fft_kernel=5, fft_samples=32)


def _require_kernel_fits(name: str, kernel: int, signal_name: str, signal: int) -> None:
    if kernel > signal:
        raise ValueError(f"{name}: a kernel of length {kernel} is longer than the signal ({signal_name} has "
                         f"{signal}); circular convolution here takes 1 <= k <= n")


@dataclass(frozen=True)
class Result:
    """Direct form [length, kernel(, dtype)]: ``direct_error`` (float32, float64, int32), ``layer_error`` (ReLU,
    float32), ``pooling_error`` (max float32, sum int32), ``padded_error`` (int32). Sub-sampling [shift], ``shifts``
    0..2s: ``subsampled_error`` [dtype, shift], ``integer_gap``, the trials' moments of Delta^2 and g^2 and the exact
    ``moment_exact`` rho(t). FFT form [dtype, length, pair]: normalised error, bound and equivariance error."""

    lengths: np.ndarray
    kernel_sizes: np.ndarray
    direct_error: np.ndarray
    layer_error: np.ndarray
    pooling_error: np.ndarray
    padded_error: np.ndarray
    shifts: np.ndarray
    subsampled_error: np.ndarray
    integer_gap: np.ndarray
    gap_mean: np.ndarray
    gap_var: np.ndarray
    pooled_mean: np.ndarray
    pooled_var: np.ndarray
    covariance: np.ndarray
    moment_exact: np.ndarray
    fft_lengths: np.ndarray
    fft_error: np.ndarray
    fft_bound: np.ndarray
    fft_equivariance: np.ndarray


class _Stream:
    """Consecutive slices of one array of random draws (one generator call compiles once for every part)."""

    def __init__(self, values: jax.Array):
        self.values, self.offset = values, 0

    def take(self, *shape: int) -> jax.Array:
        size = int(np.prod(shape))
        self.offset += size
        return self.values[self.offset - size: self.offset].reshape(shape)


def _stream_sizes(config: Config) -> tuple[int, int]:
    """(float draws, integer draws) that :func:`_multiply` takes from its one uniform stream."""
    kernels = len(config.kernel_sizes) * max(config.kernel_sizes)
    direct = sum(config.batch * n + kernels for n in config.lengths)
    layer = config.batch * config.subsampling_length + config.subsampling_kernel + 1
    fft = sum(config.fft_samples * (n + config.fft_kernel + 1) for n in config.fft_lengths)
    floats = 2 * direct + 2 * len(config.lengths) + 2 * layer
    return floats, direct + config.trials * config.subsampling_length + config.subsampling_kernel + fft


def _multiply(key, config: Config):
    """Stage one: the data, every product of the direct forms (rounded: they leave the program), the integer
    sub-sampling pipeline and the FFT form in full."""
    float_count, integer_count = _stream_sizes(config)
    uniform = jax.random.uniform(fast_key(key), (float_count + integer_count,), jnp.float64)
    floats = _Stream(2 * uniform[:float_count] - 1)  # uniform on [-1, 1): generic floats, every mantissa bit set
    span = 2 * config.integer_range + 1
    integer = _Stream(jnp.floor(uniform[float_count:] * span).astype(jnp.int32) - config.integer_range)
    widest = max(config.kernel_sizes)
    mask = np.arange(widest)[None, :] < np.asarray(config.kernel_sizes)[:, None]  # kernels padded with exact zeros
    direct = {}
    for n in config.lengths:
        cell = {}
        for dtype in DIRECT_DTYPES:
            stream = integer if dtype == "int32" else floats
            x = stream.take(config.batch, n).astype(dtype)
            w = jnp.where(mask, stream.take(len(config.kernel_sizes), widest), 0).astype(dtype)[:, None]
            cell[dtype] = (convolution_products(x, w, shifted=True), convolution_products(x, w))
            if dtype == "int32":
                moved = x[..., kernel_index(n, 1, True)[..., 0]]  # [batch, t, i]: S_t x
                cell["padded"] = (zero_padded_products(moved, w[:, None]), zero_padded_products(x, w))
            else:
                cell[dtype + " bias"] = floats.take(1).astype(dtype)[0]
        direct[n] = cell
    shifts = np.arange(2 * config.stride + 1)
    n_sub, k_sub = config.subsampling_length, config.subsampling_kernel
    layer = {}
    for dtype in FLOAT_DTYPES:
        x = floats.take(config.batch, n_sub).astype(dtype)
        w, b = (floats.take(k_sub) / np.sqrt(k_sub)).astype(dtype), (floats.take(1) / 10).astype(dtype)[0]
        layer[dtype] = (convolution_products(cyclic_shifts(x, shifts), w), b)
    x, w = integer.take(config.trials, n_sub), integer.take(k_sub)
    pooled = jnp.sum(circular_convolution(cyclic_shifts(x, shifts), w)[..., :: config.stride], axis=-1)
    bits = config.fft_mantissa_bits if config.fft_mantissa_bits < FLOAT32_MANTISSA_BITS else None
    fft = [_fft(integer, n, config.fft_kernel, config.fft_samples, bits) for n in config.fft_lengths]
    return direct, layer, (pooled - pooled[:1], pooled[0], w), fft


def _fft(integer: _Stream, length: int, width: int, samples: int, low_bits: int | None = None):
    """Per complex dtype: ||z_fft - z||_2 and ||z_fft(S_t x) - S_t z_fft(x)||_2 per pair (t in [1, n)); the norms
    ||x||_2, ||w||_1, ||w||_2. Integer data: the direct form in float64 is exact. ``low_bits``: complex64's spectra
    rounded to that many mantissa bits (what a wrong neighbour runs)."""
    x, w = integer.take(samples, length).astype(jnp.float64), integer.take(samples, width).astype(jnp.float64)
    t = 1 + jnp.abs(integer.take(samples)) % (length - 1) if length > 1 else jnp.zeros(samples, jnp.int32)
    roll = jax.vmap(jnp.roll)
    exact = jax.vmap(circular_convolution)(x, w)
    errors, equivariance = [], []
    for dtype in FFT_DTYPES:
        real = jnp.float32 if dtype == "complex64" else jnp.float64
        bits = low_bits if dtype == "complex64" else None
        z = fft_convolution(x.astype(real), w.astype(real), dtype, bits).astype(jnp.float64)
        z_moved = fft_convolution(roll(x, t).astype(real), w.astype(real), dtype, bits).astype(jnp.float64)
        errors.append(jnp.linalg.norm(z - exact, axis=-1))
        equivariance.append(jnp.linalg.norm(z_moved - roll(z, t), axis=-1))
    norms = (jnp.linalg.norm(x, axis=-1), jnp.sum(jnp.abs(w), axis=-1), jnp.linalg.norm(w, axis=-1))
    return jnp.stack(errors), jnp.stack(equivariance), norms


def _add(direct, layer, config: Config):
    """Stage two: the rounded products summed left to right, and every comparison (no product is formed here)."""
    out = {}
    for n, cell in direct.items():
        back_index = kernel_index(n, 1, True)[..., 0]  # [t, i]: (i - t) mod n

        def gap(a, b):  # per kernel: max over signals, shifts, positions
            return jax.vmap(bitwise_gap)(a, b)

        gaps = {}
        for dtype in DIRECT_DTYPES:
            moved, base = cell[dtype]
            moved, base = summed(moved), summed(base)  # [kernel, batch, t, i], [kernel, batch, i]
            back = base[..., back_index]
            gaps[dtype] = gap(moved, back)
            if dtype == "float32":
                b = cell["float32 bias"]
                layer_moved, layer_base = jax.nn.relu(moved + b), jax.nn.relu(base + b)
                gaps["layer"] = gap(layer_moved, layer_base[..., back_index])
                gaps["max"] = gap(jnp.max(layer_moved, axis=-1), jnp.max(layer_base, axis=-1)[..., None])
            if dtype == "int32":
                gaps["sum"] = gap(jnp.sum(moved, axis=-1), jnp.sum(base, axis=-1)[..., None])
                padded_moved, padded_base = cell["padded"]
                gaps["padded"] = gap(summed(padded_moved), summed(padded_base)[..., back_index])
        out[n] = gaps
    errors = []
    for dtype in FLOAT_DTYPES:
        products, b = layer[dtype]
        pooled = jnp.max(jax.nn.relu(summed(products) + b)[..., :: config.stride], axis=-1)  # [shift, batch]
        gap = jnp.where(pooled == pooled[:1], 0.0, jnp.abs(pooled - pooled[:1]).astype(jnp.float64))
        errors.append(jnp.max(gap, axis=-1) / jnp.max(jnp.abs(pooled[0])).astype(jnp.float64))
    return out, jnp.stack(errors)


@cache
def _stages(config: Config, backend: str, x64: bool):
    """The two compiled stages of ``config`` (backend and x64 key the cache), XLA:CPU's backend optimisation off."""
    del backend, x64
    options = {"xla_backend_optimization_level": 0} if jax.default_backend() == "cpu" else None
    key = jax.ShapeDtypeStruct((), jax.random.key(0).dtype)
    first = jax.jit(partial(_multiply, config=config)).lower(key).compile(compiler_options=options)
    direct, layer, *_ = jax.eval_shape(partial(_multiply, config=config), key)
    second = jax.jit(partial(_add, config=config)).lower(direct, layer).compile(compiler_options=options)
    return first, second


_fft_bound = sp.lambdify([statement.n, u, statement.beta, statement.c_norm], statement.fft_error_bound(), "numpy")


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Run the two stages and reduce to the Result (moments in float64, the exact rho(t), the FFT bounds)."""
    first, second = _stages(config, jax.default_backend(), True)
    direct, layer, integer, fft = first(key)
    gaps, sub_error = jax.device_get(second(direct, layer))
    (gap, pooled, kernel), fft = jax.device_get((integer, fft))
    table = {name: np.array([np.asarray(gaps[n][name], np.float64) for n in config.lengths])
             for name in (*DIRECT_DTYPES, "layer", "max", "sum", "padded")}
    shifts = np.arange(2 * config.stride + 1)
    exact = np.array([float(statement.invariance_ratio(kernel.tolist(), config.stride, int(t))) for t in shifts])
    gap_sq, pooled_sq = gap.astype(np.float64) ** 2, pooled.astype(np.float64) ** 2
    centred = (gap_sq - gap_sq.mean(axis=1, keepdims=True)) * (pooled_sq - pooled_sq.mean())
    fft_parts = np.zeros((3, 2, len(config.fft_lengths), config.fft_samples))  # error, bound, equivariance
    for a, (n, (errors, equivariance, (x_norm, w_l1, w_l2))) in enumerate(zip(config.fft_lengths, fft)):
        for d, unit in enumerate(unit_roundoff(dtype) for dtype in FFT_DTYPES):
            bound = np.asarray(_fft_bound(float(n), unit, w_l1, np.sqrt(n) * w_l2)) * x_norm
            fft_parts[:, d, a] = np.stack([errors[d], bound, equivariance[d]]) / (unit * x_norm * w_l1)
    (fft_error, fft_bound, fft_equivariance), count = fft_parts, len(shifts)
    return Result(
        lengths=np.asarray(config.lengths), kernel_sizes=np.asarray(config.kernel_sizes),
        direct_error=np.stack([table[d] for d in DIRECT_DTYPES], axis=-1), layer_error=table["layer"],
        pooling_error=np.stack([table["max"], table["sum"]], axis=-1), padded_error=table["padded"],
        shifts=shifts, subsampled_error=np.asarray(sub_error),
        integer_gap=np.max(np.abs(gap), axis=1).astype(np.float64), gap_mean=gap_sq.mean(axis=1),
        gap_var=gap_sq.var(axis=1, ddof=1), pooled_mean=np.full(count, pooled_sq.mean()),
        pooled_var=np.full(count, pooled_sq.var(ddof=1)), covariance=centred.sum(axis=1) / (config.trials - 1),
        moment_exact=exact, fft_lengths=np.asarray(config.fft_lengths), fft_error=fft_error, fft_bound=fft_bound,
        fft_equivariance=fft_equivariance)


def _exact_checks(result: Result, config: Config) -> list[Check]:
    where = f"lengths {tuple(config.lengths)}, kernels {tuple(config.kernel_sizes)}, every shift"
    out = [numeric(ID, f"direct form: max |w * S_t x - S_t(w * x)|, {where}, {dtype}",
                   float(np.max(result.direct_error[..., d])), "==", 0.0) for d, dtype in enumerate(DIRECT_DTYPES)]
    out += [numeric(ID, f"ReLU(w * x + b) commutes with S_t exactly, {where}, float32",
                    float(np.max(result.layer_error)), "==", 0.0),
            numeric(ID, f"global max pooling of ReLU(w * x + b) is invariant exactly, {where}, float32",
                    float(np.max(result.pooling_error[..., 0])), "==", 0.0),
            numeric(ID, f"global sum pooling of w * x is invariant exactly, {where}, int32",
                    float(np.max(result.pooling_error[..., 1])), "==", 0.0)]
    return out


def _subsampling_checks(result: Result, config: Config) -> list[Check]:
    s = config.stride
    multiple = result.shifts % s == 0
    out = [numeric(ID, f"stride {s}: CNN layer's invariance error at shifts t = 0 mod {s}, {dtype}",
                   float(np.max(result.subsampled_error[d, multiple])), "==", 0.0)
           for d, dtype in enumerate(FLOAT_DTYPES)]
    out.append(numeric(ID, f"stride {s}: max |g(S_t x) - g(x)| at t = 0 mod {s}, int32 (exact)",
                       float(np.max(result.integer_gap[multiple])), "==", 0.0))
    out.append(numeric(ID, f"stride {s}: max |z| of E(g(S_t x) - g(x))^2 / E g^2 vs sum_r (W_(r+t) - W_r)^2 / "
                           f"sum_r W_r^2, t = 0..{2 * s}, T = {config.trials}",
                       float(np.max(moment_z(result, config, result.moment_exact))), "<=", config.z))
    return out


def fft_checks(result: Result, config: Config) -> list[Check]:
    """Per format: the worst error over its bound, the worst equivariance error over twice the bound."""
    lengths = tuple(config.fft_lengths)
    out = []
    for d, dtype in enumerate(FFT_DTYPES):
        out.append(numeric(ID, f"FFT form: max ||z_fft - z||_2 / rounding bound, n in {lengths}, {dtype}",
                           float(np.max(result.fft_error[d] / result.fft_bound[d])), "<=", 1.0))
        out.append(numeric(ID, f"FFT form: max ||z_fft(S_t x) - S_t z_fft(x)||_2 / (2 rounding bound), {dtype}",
                           float(np.max(result.fft_equivariance[d] / (2 * result.fft_bound[d]))), "<=", 1.0))
    return out


def format_check(result: Result, config: Config) -> Check:
    """The sharp partner: the normalised errors of complex64 against complex128 (:mod:`numerics.rounding_model`)."""
    return format_ratio_check(ID, "FFT form: RMS of ||z_fft - z||_2 / (u ||x||_2 ||w||_1), complex64 over "
                                  "complex128", result.fft_error[0] ** 2, result.fft_error[1] ** 2)


def checks(result: Result, config: Config) -> list[Check]:
    """Exact zeros of the direct form, the layer and the pooling; sub-sampling exact at multiples of s and the
    invariance moment against rho(t); the FFT form within its worst-case bound and against the format model."""
    return [*_exact_checks(result, config), *_subsampling_checks(result, config), *fft_checks(result, config),
            format_check(result, config)]


from numerics.architectures.convolution_neighbours import NEIGHBOURS  # noqa: E402 (they read this module's checks)
