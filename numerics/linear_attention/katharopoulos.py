r"""Experiment: the forms of kernelised attention agree within rounding, and the linear ones cost $O(n)$.

**katharopoulos2020.** Five forms of kernelised attention (:mod:`numerics.linear_attention.forms`), each a pure
function of the features $a = \phi(Q)$, $b = \phi(K)$ and the values $v$ (so that the feature map's rounding is
shared and cancels): :func:`quadratic` ($(ab^\top)v$, masked when causal), :func:`linear` ($a(b^\top v)$),
:func:`causal_cumsum` (prefix sums of the $n$ outer products $b_j v_j^\top$: it stores $n m d$ numbers, small $n$
only), :func:`causal_scan` (the RNN, one ``lax.scan`` step per token) and :func:`causal_chunked` (quadratic inside
chunks of ``chunk`` tokens, the RNN state between chunks). Their outputs differ by at most
$2\beta\,\tilde N_{ic}/D_i$ (:func:`theorems.linear_attention.katharopoulos.forms_rounding_bound`), measured entry
by entry, and their gradients (of $L = \sum G \odot V'$ for a random cotangent $G$, with respect to $a, b, v$) by
at most :func:`theorems.linear_attention.katharopoulos.gradient_rounding_bound` times the gradient's absolute
scale.

Inputs and the normaliser. :func:`feature_map` computes $\phi(x) = x + 1$ for $x > 0$ and $e^x$ otherwise.
``jax.nn.elu(x) + 1`` is *not* used: it evaluates $\mathrm{expm1}(x) + 1$, which rounds to exactly 0 for
$x < -37$ in float64 ($x < -17$ in float32), and the normaliser then becomes $0/0$ for a query far from every key.
With ``exp`` directly, $\phi(x) \ge e^{-R}$ for $|x| \le R$, and $D_i \ge e^{-2R}$ stays a normal number for
$R \le 350$ in float64 and $R \le 43$ in float32 (subnormals are flushed on CPU). No $\epsilon$ is added to the
denominator (the reference implementation adds $10^{-6}$, which breaks exactness).

Low precision. The normaliser is a sum of $n m$ products of mean $\mu^2$, $\mu = \mathbb{E}\phi(x) \approx 1.1605$
for standard normal inputs (:func:`theorems.linear_attention.katharopoulos.mean_feature`), so in float16 (largest
finite 65504) it overflows near $n^* = 65504/(m\mu^2) \approx 760$ at $m = 64$; the output is then $x/\infty = 0$,
silently. Measured (seed 0, XLA:CPU): no row overflows at $n \le 512$, 99.8% of rows at $n = 1024$, all at $n \ge
2048$. :func:`linear_stabilised` divides the key features by $n$ (exact in real arithmetic) and stays finite to $n =
4096$, with worst error $4\cdot10^{-4}\,\tilde N/D$ (float16's $u = 4.9\cdot10^{-4}$); bfloat16 has float32's range
and no overflow, worst error $3\cdot10^{-3}\,\tilde N/D$ ($u = 3.9\cdot10^{-3}$). The rounding bound $\gamma_{n+m}$
is void there ($(n+m)u > 1$ beyond $n \approx 2000$ in float16, $200$ in bfloat16): the measured errors are far
smaller than worst case, and are reported, not checked.

**Scaling** (:mod:`numerics.linear_attention.scaling`). Operations counted by :func:`numerics.opcount.count_ops`
(walks the jaxpr, a scan body times its length: nothing is compiled or allocated) for $n = 2^6 \dots 2^{20}$, and
the fitted log-log exponent over $n \ge 2^{10}$, where the lower-order terms of the SymPy costs are below 1% of the
leading one (the interval is twice the SymPy cost's own deviation from 2 or 1 there, plus 0.01). Beside it, XLA's
cost analysis of the lowered program: it agrees with the count to $10^{-5}$ for the loop-free forms and counts a
``lax.scan`` body once, so its flops for the RNN form do not grow with $n$ at all (checked, as the trap it is), and
for the chunked form, whose only loop adds the $K = n/c$ chunk states, it misses $(K-1)(md+m)$ additions (added
back, then checked to $1/\mathrm{width}^2$). The cumsum form is not in the counts: XLA lowers ``jnp.cumsum`` to a
reduce_window that the unoptimised cost analysis counts at $n(n-1)$ flops and the compiled one at about 17 an
element (:func:`causal_cumsum`). Memory from XLA's compiled memory analysis (compile only, $n = 2^{11}, 2^{14},
2^{17}$) with XLA:CPU's one-fusion attention switched off (``xla_cpu_experimental_ynn_fusion_type=''``, otherwise
its temporary memory reads 0): the quadratic form's temporaries grow like $n^2$, the linear and chunked forms'
totals like $n$ (the chunked form's temporaries, all chunks' $c\times c$ blocks and $m\times d$ states, are $n(c +
md/c)$ numbers, linear in $n$; the constant parts, the $m\times d$ state and the masks, are under 5% of the total
from $n = 2^{11}$: the interval is $\pm 0.05$).

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.linear_attention.compiling import fast_compile, run_fast
from numerics.linear_attention.forms import (feature_map, form, forms_for, linear, linear_stabilised, matmul,
                                             quadratic)
from numerics.linear_attention.scaling import count_scaling, memory_scaling, scaling_checks
from numerics.measure import unit_roundoff
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_positive
from theorems.core import Check, numeric
from theorems.linear_attention import katharopoulos as statement
from theorems.rounding import u

ID = statement.ID


@dataclass(frozen=True)
class Config:
    """Exactness: shapes (n, m, d), chunk size, input scale; scaling: log2 n grid, m = d for the counts."""

    shapes: tuple[tuple[int, int, int], ...] = ((1, 1, 1), (7, 3, 5), (33, 8, 4), (128, 16, 32))
    chunk: int = 16
    input_scale: float = 2.0
    log2_sizes: tuple[int, ...] = (6, 8, 10, 12, 14, 16, 18, 20)
    fit_from_log2: int = 10
    width: int = 64
    memory_log2_sizes: tuple[int, ...] = (11, 14, 17)
    precision_log2_sizes: tuple[int, ...] = (6, 7, 8, 9, 10, 11, 12)

    def __post_init__(self):
        require_fields(self)
        for shape in self.shapes:
            if len(shape) != 3 or min(shape) < 1:
                raise ValueError(f"shapes must be (n, m, d) with n, m, d >= 1, got {shape!r}")
        require_counts(self, "chunk", "width", "fit_from_log2")
        require_positive(self, "input_scale")
        if self.input_scale > 300:
            raise ValueError(f"input_scale must be <= 300 (the normaliser's float64 range), got {self.input_scale!r}")
        if len(self.log2_sizes) < 3 or min(self.log2_sizes) < 1 or max(self.log2_sizes) > 24:
            raise ValueError(f"log2_sizes must be >= 3 values in [1, 24], got {self.log2_sizes!r}")
        if sum(x >= self.fit_from_log2 for x in self.log2_sizes) < 3:
            raise ValueError(f"log2_sizes must have >= 3 values >= fit_from_log2 = {self.fit_from_log2}, got "
                             f"{self.log2_sizes!r}")
        if len(self.memory_log2_sizes) < 3 or min(self.memory_log2_sizes) < 4 or max(self.memory_log2_sizes) > 24:
            raise ValueError(f"memory_log2_sizes must be >= 3 values in [4, 24], got {self.memory_log2_sizes!r}")
        if not self.precision_log2_sizes or min(self.precision_log2_sizes) < 1 or max(self.precision_log2_sizes) > 16:
            raise ValueError(f"precision_log2_sizes must be values in [1, 16], got {self.precision_log2_sizes!r}")
        require_memory(self, ("shapes", "chunk", "width", "precision_log2_sizes"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64), summed over the two programs that run (the scaling programs are compiled, not
        run). Exactness, vmapped over the shapes, each padded to the bucket (max n, max m, max d): the features and
        values (n, 2m + 2d), the quadratic form's two n x n matrices, and about ten outputs and gradients per form
        (n, m + d), and the chunked form's padded blocks: K = ceil(n / chunk) chunks of (chunk, chunk) scores and
        (chunk, m + d) features and values, with their gradients, twice. Precision: q, k, v, the features and their float16/bfloat16 copies, (2^max, width) each, about
        ten."""
        n, m, d = (max(s[t] for s in self.shapes) for t in range(3))
        padded = -(-n // self.chunk) * self.chunk
        chunked = 2 * array_bytes(padded, self.chunk + m + d)
        exactness = len(self.shapes) * (array_bytes(n, 2 * n + 2 * m + 2 * d + 10 * (m + d)) + chunked)
        precision = 10 * array_bytes(2 ** max(self.precision_log2_sizes), self.width)
        return exactness + precision

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: three shapes, counts to n = 2^12, memory at 2^11..2^13, float16 on both sides of n*."""
        return cls(shapes=((1, 1, 1), (7, 3, 5), (33, 8, 4)), log2_sizes=(6, 8, 10, 11, 12),
                   memory_log2_sizes=(11, 12, 13), precision_log2_sizes=(8, 11))


@dataclass(frozen=True)
class Result:
    """Exactness, indexed [shape, causal (0/1), form slot]: worst |form − quadratic| / bound of outputs and of
    gradients (NaN where a form does not apply). Scaling: ``sizes``, ``ops[form, size]`` (counted operations),
    ``xla_flops[form, size]`` (XLA's cost analysis of the lowered program, which counts a scan body once),
    ``cost[form, size]`` (the SymPy cost where one exists, else NaN), ``memory_sizes``, ``memory[form, size]``
    (argument + output + temporary bytes) and ``temp[form, size]``. Low precision, by ``precision_sizes`` (m = d =
    width, standard normal inputs): fraction of rows whose float16 normaliser overflows; non-finite outputs and
    worst error / (A|V|)/D of the stabilised float16 form (key features divided by n); the same error in bfloat16.
    """

    output_ratio: np.ndarray
    gradient_ratio: np.ndarray
    finite: np.ndarray
    sizes: np.ndarray
    ops: np.ndarray
    xla_flops: np.ndarray
    cost: np.ndarray
    memory_sizes: np.ndarray
    memory: np.ndarray
    temp: np.ndarray
    precision_sizes: np.ndarray
    float16_overflow: np.ndarray
    float16_stabilised_nonfinite: np.ndarray
    float16_stabilised_error: np.ndarray
    bfloat16_error: np.ndarray


_forms_bound = to_jax([statement.n, statement.m, u], statement.forms_rounding_bound())
_overflow_length = to_jax([statement.m], statement.float16_overflow_length())
_gradient_bound = to_jax([statement.n, statement.m, statement.d, u], statement.gradient_rounding_bound())


def output_scale(a, b, v, causal):
    r"""$\tilde N_{ic}/D_i = ((ab^\top)|v|)_{ic}/(ab^\top 1)_i$ (masked when causal), the outputs' error scale."""
    return quadratic(a, b, jnp.abs(v), causal=causal)


def gradient_scales(a, b, v, g, causal):
    r"""Absolute scales of $\partial L/\partial(a, b, v)$ for $L = \sum g \odot V'$, every term made non-negative:
    $\sum_{j,c} b_{jl} (|g_{ic}|/D_i)(|v_{jc}| + |V'_{ic}|)$ for $a$, the same summed over $i$ for $b$, and
    $\sum_i A_{ij}|g_{ic}|/D_i$ for $v$."""
    sim = matmul(a, b.T)
    if causal:
        sim = jnp.where(jnp.tril(jnp.ones(sim.shape, bool)), sim, 0)
    den = jnp.sum(sim, axis=1)
    out = matmul(sim, v) / den[:, None]
    gd = jnp.abs(g) / den[:, None]
    pair = matmul(gd, jnp.abs(v).T) + jnp.sum(gd * jnp.abs(out), axis=1)[:, None]  # [i, j]
    if causal:
        pair = jnp.where(jnp.tril(jnp.ones(pair.shape, bool)), pair, 0)
    return matmul(pair, b), matmul(pair.T, a), matmul(sim.T, gd)


def _features(key, n, mm, dd, scale):
    """Features of ``scale`` times standard normal queries and keys, standard normal values and cotangent."""
    kq, kk, kv, kg = jax.random.split(key, 4)
    q = scale * jax.random.normal(kq, (n, mm))
    k = scale * jax.random.normal(kk, (n, mm))
    return feature_map(q), feature_map(k), jax.random.normal(kv, (n, dd)), jax.random.normal(kg, (n, dd))


def pad_problem(a, b, v, g, n, mm, dd):
    """Embed an (n, m, d) problem in the bucket's shape without changing any real output or gradient bit:
    padded keys and values are 0 (they add exact zeros), padded query rows have features 1 (positive
    normaliser), padded feature columns are 0, the padded cotangent is 0. Additions of exact zeros are exact, so the
    rounding bounds of the (n, m, d) problem still apply. Returns the padded arrays and the mask of real outputs."""
    rows = jnp.arange(a.shape[0])[:, None] < n
    cols_m = jnp.arange(a.shape[1])[None, :] < mm
    cols_d = jnp.arange(v.shape[1])[None, :] < dd
    a = jnp.where(rows, jnp.where(cols_m, a, 0), 1)
    b = jnp.where(rows & cols_m, b, 0)
    v = jnp.where(rows & cols_d, v, 0)
    g = jnp.where(rows & cols_d, g, 0)
    return a, b, v, g, rows & cols_d, rows & cols_m


def _worst(diff, scale, mask):
    """max over the mask of diff / scale, with 0/0 = 0 (an exact zero against a zero scale) and x/0 = inf."""
    ratio = jnp.where(diff == 0, 0, diff / jnp.where(mask & (diff != 0), scale, 1))
    return jnp.max(jnp.where(mask, ratio, 0))


def _compare_forms(a, b, v, g, out_mask, feat_mask, chunk):
    """Worst |form - quadratic| / scale of outputs and gradients, every form, causal and not."""
    per_causal = []
    for causal in (False, True):
        names = forms_for(causal)
        outputs = [form(name, causal, chunk)(a, b, v) for name in names]
        grads = [jax.grad(lambda a, b, v, f=form(name, causal, chunk): jnp.sum(g * f(a, b, v)),
                          argnums=(0, 1, 2))(a, b, v) for name in names]
        scale_out = output_scale(a, b, v, causal)
        scales = gradient_scales(a, b, v, g, causal)
        masks = (feat_mask, feat_mask, out_mask)
        rows = []
        for o, gr in zip(outputs[1:], grads[1:]):
            r_grad = jnp.max(jnp.stack([_worst(jnp.abs(x - y), s, msk)
                                        for x, y, s, msk in zip(gr, grads[0], scales, masks)]))
            finite = jnp.all(jnp.isfinite(jnp.where(out_mask, o, 0))) & jnp.all(
                jnp.stack([jnp.all(jnp.isfinite(jnp.where(msk, x, 0))) for x, msk in zip(gr, masks)]))
            rows.append(jnp.stack([_worst(jnp.abs(o - outputs[0]), scale_out, out_mask), r_grad, finite]))
        slots = len(forms_for(True)) - 1
        per_causal.append(jnp.stack(rows + [jnp.full(3, jnp.nan)] * (slots - len(rows))))
    return jnp.stack(per_causal)  # [causal, slot, (output, gradient, finite)]


@cache
def _exactness_program(shapes, chunk, scale):
    """The compiled program of :func:`exactness` for one tuple of shapes (cached: hypothesis calls it often)."""
    bucket = tuple(max(s[t] for s in shapes) for t in range(3))

    def run(seeds, sizes):
        def one(seed, size):
            a, b, v, g = _features(jax.random.key(seed), *bucket, scale)
            return _compare_forms(*pad_problem(a, b, v, g, *size), chunk)
        return jax.vmap(one)(seeds, sizes)

    return fast_compile(run, jax.ShapeDtypeStruct((len(shapes),), jnp.uint32),
                        jax.ShapeDtypeStruct((len(shapes), 3), jnp.int32))


@uses_float64
def exactness(key, shapes, chunk, scale) -> np.ndarray:
    """[shape, causal, slot, (output ratio numerator, gradient ratio numerator, finite)] for every (n, m, d) in
    ``shapes``: all embedded in one bucket (:func:`pad_problem`) and vmapped, so one program is compiled (and
    cached); each shape's inputs come from a seed drawn from ``key``."""
    shapes = tuple(tuple(int(x) for x in s) for s in shapes)
    seeds = jax.random.bits(key, (len(shapes),), jnp.uint32)
    return np.asarray(_exactness_program(shapes, chunk, float(scale))(seeds, jnp.asarray(shapes, jnp.int32)))


def _precision(key, sizes, width):
    """Per n in ``sizes`` (m = d = ``width``, standard normal inputs): fraction of rows whose float16 normaliser
    overflows, non-finite outputs of the stabilised float16 form, its worst error / (A|V|)/D, and bfloat16's."""
    kq, kk, kv = jax.random.split(key, 3)
    top = max(sizes)
    q, k, v = (jax.random.normal(x, (top, width)) for x in (kq, kk, kv))
    a, b = feature_map(q), feature_map(k)
    out = []
    for n_ in sizes:
        a_n, b_n, v_n = a[:n_], b[:n_], v[:n_]
        exact, scale = linear(a_n, b_n, v_n), output_scale(a_n, b_n, v_n, False)
        half = [x.astype(jnp.float16) for x in (a_n, b_n, v_n)]
        den16 = matmul(half[0], jnp.sum(half[1], axis=0))
        stab16 = linear_stabilised(*half).astype(jnp.float64)
        bf16 = linear(*[x.astype(jnp.bfloat16) for x in (a_n, b_n, v_n)]).astype(jnp.float64)
        out.append(jnp.stack([jnp.mean(~jnp.isfinite(den16)), jnp.sum(~jnp.isfinite(stab16)),
                              jnp.max(jnp.abs(stab16 - exact) / scale), jnp.max(jnp.abs(bf16 - exact) / scale)]))
    return jnp.stack(out)


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Exactness and gradients of every form at every shape, counted operations and compiled memory by size."""
    shapes = tuple(tuple(s) for s in config.shapes)
    measured = exactness(fast_key(key), shapes, config.chunk, float(config.input_scale))
    output_ratio = np.zeros(measured.shape[:3])
    gradient_ratio = np.zeros_like(output_ratio)
    for s_idx, (n, mm, dd) in enumerate(shapes):
        bound_out = float(_forms_bound(float(n), float(mm), unit_roundoff("float64")))
        bound_grad = float(_gradient_bound(float(n), float(mm), float(dd), unit_roundoff("float64")))
        output_ratio[s_idx] = measured[s_idx, :, :, 0] / bound_out
        gradient_ratio[s_idx] = measured[s_idx, :, :, 1] / bound_grad
    finite = measured[..., 2] > 0
    finite[:, 0, len(forms_for(False)) - 1:] = True
    # the non-causal row has one form (linear) against the quadratic; its other slots are not forms
    output_ratio[:, 0, len(forms_for(False)) - 1:] = np.nan
    gradient_ratio[:, 0, len(forms_for(False)) - 1:] = np.nan
    sizes, ops, xla_flops, cost = count_scaling(config)
    memory_sizes, memory, temp = memory_scaling(config)
    precision_sizes = np.array([2**p for p in config.precision_log2_sizes], dtype=np.int64)
    low = np.asarray(run_fast(_precision, jax.random.fold_in(fast_key(key), 1),
                              sizes=tuple(int(s) for s in precision_sizes), width=config.width))
    return Result(output_ratio=output_ratio, gradient_ratio=gradient_ratio, finite=finite, sizes=sizes, ops=ops,
                  xla_flops=xla_flops, cost=cost, memory_sizes=memory_sizes, memory=memory, temp=temp,
                  precision_sizes=precision_sizes, float16_overflow=low[:, 0], float16_stabilised_nonfinite=low[:, 1],
                  float16_stabilised_error=low[:, 2], bfloat16_error=low[:, 3])


@uses_float64
def checks(result: Result, config: Config) -> list[Check]:
    """Outputs and gradients of every form within their rounding bounds (float64); no non-finite value; the
    scaling checks of :func:`numerics.linear_attention.scaling.scaling_checks`; the float16 overflow checks of
    :func:`precision_checks`."""
    out: list[Check] = []
    tid = statement.ID
    for s_idx, (n, mm, dd) in enumerate(config.shapes):
        for causal in (0, 1):
            for slot, name in enumerate(forms_for(bool(causal))[1:]):
                tag = f"n={n} m={mm} d={dd}{' causal' if causal else ''}"
                out.append(numeric(tid, f"|{name} - quadratic| / 2 beta (A|V|)/D, float64, {tag}",
                                   result.output_ratio[s_idx, causal, slot], "<=", 1.0))
                out.append(numeric(tid, f"|grad {name} - grad quadratic| / gradient bound, float64, {tag}",
                                   result.gradient_ratio[s_idx, causal, slot], "<=", 1.0))
    out.append(numeric(tid, "non-finite outputs or gradients, every form and shape (inputs scaled by "
                            f"{config.input_scale:g})", float(np.sum(~result.finite)), "==", 0.0))
    return out + chunk_span_checks(result, config) + scaling_checks(result, config) + precision_checks(result, config)


def chunk_span_checks(result: Result, config: Config) -> list[Check]:
    """The chunked form checked beyond one block. At n <= c it is one masked quadratic block, the quadratic form
    itself up to summation order (its gradient ratio is then exactly 0); at n > 2c it spans K = ceil(n/c) >= 3
    chunks and the state of K - 1 earlier chunks enters the last one. So: the longest n spans >= 3 chunks, and at
    every such n the chunked form's outputs and gradients differ from the quadratic form's by rounding (a zero
    difference at every entry, of n d outputs rounded along different paths, would mean the chunk path was not
    taken)."""
    tid = statement.ID
    slot = forms_for(True)[1:].index("causal_chunked")
    spans = [-(-n // config.chunk) for n, _, _ in config.shapes]
    spanning = [i for i, k in enumerate(spans) if k >= 3]
    differs = sum(int(result.output_ratio[i, 1, slot] > 0 and result.gradient_ratio[i, 1, slot] > 0)
                  for i in spanning)
    return [numeric(tid, f"causal_chunked: chunks of {config.chunk} spanned by the longest n (>= 3: two chunks' "
                         "state enters a later one)", float(max(spans)), ">=", 3.0),
            numeric(tid, f"causal_chunked differs from quadratic by rounding (outputs and gradients) at every n "
                         f"spanning >= 3 chunks ({len(spanning)} shapes)", float(differs), "==", float(len(spanning)))]


@uses_float64
def precision_checks(result: Result, config: Config) -> list[Check]:
    """float16: no row's normaliser overflows at n <= n*/2, every row's does at n >= 2 n*, n* = 65504/(m mu^2)
    (the row-to-row spread of D_i is about sd(phi)/(mu sqrt(m)), 10% at m = 64, far inside the factor 2); the
    stabilised form stays finite at every n."""
    tid = statement.ID
    star = float(_overflow_length(float(config.width)))
    low, high = result.precision_sizes <= star / 2, result.precision_sizes >= 2 * star
    out = []
    if low.any():
        out.append(numeric(tid, f"float16: fraction of rows with normaliser overflow at n <= n*/2 "
                                f"(n* = {star:.0f}, m = {config.width})", float(result.float16_overflow[low].max()),
                           "==", 0.0))
    if high.any():
        out.append(numeric(tid, f"float16: fraction of rows with normaliser overflow at n >= 2 n* (n* = {star:.0f})",
                           float(result.float16_overflow[high].min()), "==", 1.0))
    out.append(numeric(tid, "float16 with key features / n: non-finite outputs, n = "
                            f"{result.precision_sizes[0]}..{result.precision_sizes[-1]}",
                       float(result.float16_stabilised_nonfinite.sum()), "==", 0.0))
    return out
