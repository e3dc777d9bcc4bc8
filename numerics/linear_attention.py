r"""Experiments: linear attention is exact and O(n); Performer and Linformer approximate softmax attention.

**katharopoulos2020.** Five forms of kernelised attention, each a pure function of the features
$a = \phi(Q)$, $b = \phi(K)$ and the values $v$ (so that the feature map's rounding is shared and cancels):
:func:`quadratic` ($(ab^\top)v$, masked when causal), :func:`linear` ($a(b^\top v)$), :func:`causal_cumsum`
(prefix sums of the $n$ outer products $b_j v_j^\top$: it stores $n m d$ numbers, small $n$ only),
:func:`causal_scan` (the RNN, one ``lax.scan`` step per token) and :func:`causal_chunked` (quadratic inside chunks
of ``chunk`` tokens, the RNN state between chunks). Their outputs differ by at most
$2\beta\,\tilde N_{ic}/D_i$ (:func:`theorems.linear_attention.forms_rounding_bound`), measured entry by entry, and
their gradients (of $L = \sum G \odot V'$ for a random cotangent $G$, with respect to $a, b, v$) by at most
:func:`theorems.linear_attention.gradient_rounding_bound` times the gradient's absolute scale.

Inputs and the normaliser. :func:`feature_map` computes $\phi(x) = x + 1$ for $x > 0$ and $e^x$ otherwise.
``jax.nn.elu(x) + 1`` is *not* used: it evaluates $\mathrm{expm1}(x) + 1$, which rounds to exactly 0 for
$x < -37$ in float64 ($x < -17$ in float32), and the normaliser then becomes $0/0$ for a query far from every key.
With ``exp`` directly, $\phi(x) \ge e^{-R}$ for $|x| \le R$, and $D_i \ge e^{-2R}$ stays a normal number for
$R \le 350$ in float64 and $R \le 43$ in float32 (subnormals are flushed on CPU). No $\epsilon$ is added to the
denominator (the reference implementation adds $10^{-6}$, which breaks exactness).

Low precision. The normaliser is a sum of $n m$ products of mean $\mu^2$, $\mu = \mathbb{E}\phi(x) \approx 1.1605$
for standard normal inputs (:func:`theorems.linear_attention.mean_feature`), so in float16 (largest finite 65504)
it overflows near $n^* = 65504/(m\mu^2) \approx 760$ at $m = 64$; the output is then $x/\infty = 0$, silently.
Measured (seed 0, XLA:CPU): no row overflows at $n \le 512$, 99.8% of rows at $n = 1024$, all at $n \ge 2048$.
:func:`linear_stabilised` divides the key features by $n$ (exact in real arithmetic) and stays finite to
$n = 4096$, with worst error $4\cdot10^{-4}\,\tilde N/D$ (float16's $u = 4.9\cdot10^{-4}$); bfloat16 has float32's
range and no overflow, worst error $3\cdot10^{-3}\,\tilde N/D$ ($u = 3.9\cdot10^{-3}$). The rounding bound
$\gamma_{n+m}$ is void there ($(n+m)u > 1$ beyond $n \approx 2000$ in float16, $200$ in bfloat16): the measured
errors are far smaller than worst case, and are reported, not checked.

**Scaling.** Operations counted by :func:`numerics.opcount.count_ops` (walks the jaxpr, a scan body times its
length: nothing is compiled or allocated) for $n = 2^6 \dots 2^{20}$, and the fitted log-log exponent over
$n \ge 2^{10}$, where the lower-order terms of the SymPy costs are below 1% of the leading one (the interval is
twice the SymPy cost's own deviation from 2 or 1 there, plus 0.01). Beside it, XLA's cost analysis of the lowered
program: it agrees with the count to $10^{-5}$ for the loop-free forms and counts a ``lax.scan`` body once, so its
flops for the RNN form do not grow with $n$ at all (checked, as the trap it is), and for the chunked form, whose
only loop adds the $K = n/c$ chunk states, it misses $(K-1)(md+m)$ additions (added back, then checked to
$1/\mathrm{width}^2$). The cumsum form is not in the counts: XLA lowers ``jnp.cumsum`` to a reduce_window that the
unoptimised cost analysis counts at $n(n-1)$ flops and the compiled one at about 17 an element
(:func:`causal_cumsum`). Memory from XLA's compiled
memory analysis (compile only, $n = 2^{11}, 2^{14}, 2^{17}$) with XLA:CPU's one-fusion attention switched off
(``xla_cpu_experimental_ynn_fusion_type=''``, otherwise its temporary memory reads 0): the quadratic form's
temporaries grow like $n^2$, the linear and chunked forms' totals like $n$ (the chunked form's temporaries, all
chunks' $c\times c$ blocks and $m\times d$ states, are $n(c + md/c)$ numbers, linear in $n$; the constant parts,
the $m\times d$ state and the masks, are under 5% of the total from $n = 2^{11}$: the interval is $\pm 0.05$).

**choromanski2021.** Pairs $x, y \in\mathbb{R}^d$ with $|x + y|^2 \in \{0.1, 0.5, 1\}$, $T$ independent draws of
$m$ features each: the relative error's mean (unbiasedness; its standard error from the closed-form variance),
the relative squared error's mean against $(e^{|x+y|^2} - 1)/m$ (standard error from the sample), the fitted
slope of the RMSE in $m$ (delta-method standard error), orthogonal against i.i.d. features (one-sided), and the
error of whole Performer attention against exact softmax attention as $m$ grows (reported, not checked: the ratio
estimator's $O(1/m)$ bias bends the curve at small $m$).

**wang2020.** $P = \mathrm{softmax}(QK^\top/\sqrt d)$ for Gaussian $Q, K$ and mean-zero Gaussian $V$; $E$ with
$\mathcal N(0,1/k)$ entries at $k = \lceil 40\log n\rceil$ ($\varepsilon = 1/2$). Counted: pairs $(i, c)$ with
$|(PE^\top EV - PV)_{ic}| > \varepsilon|p_i||v_c|$, against the per-pair probability bound $4e^{-(\varepsilon^2 -
\varepsilon^3)k/4}$ (the expected fraction is below it; by Markov's inequality the check fails with probability at
most the true per-pair rate over the bound, and the true rate of a sum of $k \ge 222$ products at $5\sigma$ is tiny:
0 exceedances in $2\cdot10^6$ pairs here). Compared: the mean of $\|(PE^\top)(EV) - PV\|_F^2$ over trials against
$(\|P\|_F^2\|V\|_F^2 + \|PV\|_F^2)/k$, by a $t$ statistic with the Student quantile of two-sided rate $2\cdot10^{-9}$
(:func:`t_bound`: 7.0 for 64 trials, 8.3 for 32). Checked too: the relative error $\|PE^\top EV - PV\|_F/\|PV\|_F$
is above $\varepsilon$ (the relative form of Linformer's Theorem 1 fails; it is about $\sqrt{(n+1)/k}$). Reported:
the singular values of $P$ at temperatures 0.25, 1, 4 and the rank holding 90% of $\|P\|_F^2$ (seed 0: 41, 69, 113
at $n = 128, 256, 512$ and temperature 1, i.e. growing like $n^{0.73}$; 1 at temperature 4, where $P$ is nearly
the uniform matrix).

Statistical checks of the random-feature estimator use $|z| \le 6$: a normal variable exceeds it with probability
$2\cdot10^{-9}$; the statistics are means of 2000 independent draws with finite moments of every order
(log-normal with $\sigma \le 1$), so the normal approximation holds there; with the few checks, the family-wise
false-alarm rate stays below $10^{-6}$.

Random numbers come from JAX's ``rbg`` generator seeded by the given key (:func:`fast_key`): threefry's bit
generation for millions of draws takes about 6 s to compile on this CPU, rbg under 0.5 s.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache, partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import loglog_slope, unit_roundoff
from numerics.opcount import count_ops
from numerics.prng import fast_key
from numerics.registry import default_run
from theorems import linear_attention as statement
from theorems.core import Check, numeric
from theorems.rounding import u

HIGHEST = jax.lax.Precision.HIGHEST


Z_BOUND = 6.0
"""Statistical checks: |z| <= 6, a two-sided normal tail of 2e-9."""

# =================================================================================================================
# The forms (features in, attention out)
# =================================================================================================================


def feature_map(x: jax.Array) -> jax.Array:
    r"""$\phi(x) = \mathrm{elu}(x) + 1$, computed as $x + 1$ ($x > 0$) or $e^x$: positive until $e^x$ underflows."""
    return jnp.where(x > 0, x + 1, jnp.exp(jnp.minimum(x, 0)))


def _mm(x, y):
    return jnp.matmul(x, y, precision=HIGHEST)


def _check_features(a, b, v):
    if a.ndim != 2 or b.ndim != 2 or v.ndim != 2 or a.shape != b.shape or v.shape[0] != a.shape[0]:
        raise ValueError(f"need features a, b of shape (n, m) and values v of shape (n, d); got {a.shape}, "
                         f"{b.shape}, {v.shape}")


def quadratic(a: jax.Array, b: jax.Array, v: jax.Array, causal: bool = False) -> jax.Array:
    """(a b^T) v / (a b^T) 1, the n x n similarity matrix first (masked to j <= i when causal)."""
    _check_features(a, b, v)
    sim = _mm(a, b.T)
    if causal:
        sim = jnp.where(jnp.tril(jnp.ones(sim.shape, bool)), sim, 0)
    return _mm(sim, v) / jnp.sum(sim, axis=1, keepdims=True)


def linear(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """a (b^T v) / a (b^T 1): the m x d state first, O(n m d)."""
    _check_features(a, b, v)
    return _mm(a, _mm(b.T, v)) / _mm(a, jnp.sum(b, axis=0))[:, None]


def causal_cumsum(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """a_i^T S_i / a_i^T Z_i with S_i, Z_i prefix sums: stores all n states (n m d numbers).

    The cumsum trap: ``jnp.cumsum`` of n numbers needs n - 1 additions, but JAX lowers it to a reduce_window of
    window n, which XLA's cost analysis of the lowered program counts at exactly n(n - 1) flops (a window sum per
    output); XLA:CPU's compiler rewrites it into 16-wide blocked windows, whose cost analysis counts 17.0 flops an
    element at n = 2^10 and 17.06 at n = 2^12 ... 2^20 (JAX 0.10.2, float32 vectors; 15 at n = 16, where one
    window covers all; tests/test_linear_attention.py pins both). Either way far more than the one addition an
    element that a prefix sum takes, and on (n/64, 64, 64) chunk states measured 11-15x slower than a ``lax.scan``
    of additions (:func:`exclusive_prefix_sums`).
    """
    _check_features(a, b, v)
    states = jnp.cumsum(b[:, :, None] * v[:, None, :], axis=0)
    norms = jnp.cumsum(b, axis=0)
    return (jnp.einsum("nm,nmd->nd", a, states, precision=HIGHEST)
            / jnp.einsum("nm,nm->n", a, norms, precision=HIGHEST)[:, None])


def causal_scan(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """The RNN: S_i = S_{i-1} + b_i v_i^T, Z_i = Z_{i-1} + b_i, out_i = a_i^T S_i / a_i^T Z_i (lax.scan)."""
    _check_features(a, b, v)

    def step(carry, row):
        s, z = carry
        ai, bi, vi = row
        s, z = s + jnp.outer(bi, vi), z + bi
        return (s, z), _mm(ai, s) / jnp.dot(ai, z, precision=HIGHEST)

    init = (jnp.zeros((a.shape[1], v.shape[1]), v.dtype), jnp.zeros(a.shape[1], a.dtype))
    return jax.lax.scan(step, init, (a, b, v))[1]


def exclusive_prefix_sums(states: jax.Array, norms: jax.Array) -> tuple[jax.Array, jax.Array]:
    r"""$S_k = \sum_{k' < k} C_{k'}$ and $Z_k = \sum_{k' < k} z_{k'}$ along the first axis, by a ``lax.scan`` that
    adds one chunk's state per step (the RNN between chunks). Not ``jnp.cumsum``: XLA lowers it to a
    reduce_window (:func:`causal_cumsum`), measured 11-15x slower here on K = 128 ... 512 states of 64 x 65; a
    triangular 0/1 matmul costs $2K^2 m d$ flops and was 3-7x slower at $K = 256$, a log-depth
    ``lax.associative_scan`` 1.5-3x slower."""

    def step(carry, chunk):
        s, z = carry
        return (s + chunk[0], z + chunk[1]), carry

    init = (jnp.zeros_like(states[0]), jnp.zeros_like(norms[0]))
    return jax.lax.scan(step, init, (states, norms))[1]


def causal_chunked(a: jax.Array, b: jax.Array, v: jax.Array, chunk: int = 64) -> jax.Array:
    r"""Masked quadratic attention inside chunks of ``chunk`` tokens, the RNN state (S, Z) carried between chunks.

    With chunks $k = 0 \dots K-1$ of $c$ tokens, $C_k = b_k^\top v_k$ and $z_k = b_k^\top 1$ (one batched matmul
    for all chunks), the exclusive prefix sums $S_k, Z_k$ (:func:`exclusive_prefix_sums`: the only sequential
    part, $K$ additions of $m \times d$ states), and for query $i$ of chunk $k$
    $$V'_i = \frac{a_i^\top S_k + \sum_{j \in k,\, j \le i} (a_i^\top b_j) v_j}{a_i^\top Z_k + \sum_{j \in k,\,
    j \le i} a_i^\top b_j},$$
    every chunk's $c \times c$ block in one batched matmul outside the scan.

    Rounding (the bound of :func:`theorems.linear_attention.forms_rounding_bound`, $\gamma_{n+m}$ per term of
    $N_{ic}$ and $D_i$, then one division). A term $a_{il} b_{jl} v_{jc}$ with $j$ in an earlier chunk meets one
    product in $C$, at most $c - 1$ additions inside its chunk, at most $K - 2$ in the prefix sum (the first
    addition to the zero state is exact), one product with $a_{il}$, $m - 1$ additions over $l$ and one addition
    of the two parts: $c + K + m - 1$ roundings. A term inside the chunk meets $m$ (product $a_i^\top b_j$),
    $1$ (times $v_{jc}$), $c - 1$ and $1$: $m + c + 1$. With $K \ge 2$ chunks, $n \ge (K-1)c + 1$, so
    $c + K - 1 \le n$ (as $(K-2)(c-1) \ge 0$) and $c + 1 \le n$; with $K = 1$ the earlier part is an exact
    zero and only $n - 1$ of the additions add non-zero terms. Either way at most $n + m$ roundings: the bound
    holds in every order a matmul library sums in. The padding adds exact zeros, which round nothing.

    n is padded to a multiple of ``chunk``: queries with features 1 (their normaliser stays positive, so no 0/0
    reaches the gradient), keys and values with 0 (they add nothing); the padded rows are dropped.
    """
    _check_features(a, b, v)
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    n, mm = a.shape
    dd = v.shape[1]
    pad = (-n) % chunk
    a_p = jnp.concatenate([a, jnp.ones((pad, mm), a.dtype)]).reshape(-1, chunk, mm)
    b_p = jnp.concatenate([b, jnp.zeros((pad, mm), b.dtype)]).reshape(-1, chunk, mm)
    v_p = jnp.concatenate([v, jnp.zeros((pad, dd), v.dtype)]).reshape(-1, chunk, dd)
    states, norms = exclusive_prefix_sums(jnp.einsum("kcm,kcd->kmd", b_p, v_p, precision=HIGHEST),
                                          jnp.sum(b_p, axis=1))
    sim = jnp.where(jnp.tril(jnp.ones((chunk, chunk), bool)),
                    jnp.einsum("kcm,kjm->kcj", a_p, b_p, precision=HIGHEST), 0)
    num = (jnp.einsum("kcm,kmd->kcd", a_p, states, precision=HIGHEST)
           + jnp.einsum("kcj,kjd->kcd", sim, v_p, precision=HIGHEST))
    den = jnp.einsum("kcm,km->kc", a_p, norms, precision=HIGHEST) + jnp.sum(sim, axis=2)
    return (num / den[..., None]).reshape(-1, dd)[:n]


def softmax_attention(q: jax.Array, k: jax.Array, v: jax.Array) -> jax.Array:
    """softmax(q k^T / sqrt(d)) v, the reference the approximations aim at."""
    return _mm(jax.nn.softmax(_mm(q, k.T) / math.sqrt(q.shape[1]), axis=1), v)


FORMS = ("quadratic", "linear", "causal_cumsum", "causal_scan", "causal_chunked")


def form(name: str, causal: bool, chunk: int = 16):
    """The attention function of form ``name`` (features in), with the masking that ``causal`` asks for."""
    table = {
        "quadratic": partial(quadratic, causal=causal),
        "linear": linear,
        "causal_cumsum": causal_cumsum,
        "causal_scan": causal_scan,
        "causal_chunked": partial(causal_chunked, chunk=chunk),
    }
    if name not in table:
        raise ValueError(f"form {name!r} is not one of {', '.join(FORMS)}")
    if name != "quadratic" and causal != name.startswith("causal"):
        raise ValueError(f"form {name!r} is {'' if name.startswith('causal') else 'not '}causal; "
                         f"causal={causal} asked for")
    return table[name]


def forms_for(causal: bool) -> tuple[str, ...]:
    return ("quadratic", "causal_cumsum", "causal_scan", "causal_chunked") if causal else ("quadratic", "linear")


# =================================================================================================================
# katharopoulos2020: exactness, gradients, scaling
# =================================================================================================================


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
        for shape in self.shapes:
            if len(shape) != 3 or min(shape) < 1:
                raise ValueError(f"shape {shape!r} is not (n, m, d) with n, m, d >= 1")
        if self.chunk < 1:
            raise ValueError(f"chunk must be >= 1, got {self.chunk}")
        if not 0 < self.input_scale <= 300:
            raise ValueError(f"input_scale must be in (0, 300] (the normaliser's float64 range), got "
                             f"{self.input_scale}")
        if len(self.log2_sizes) < 3 or min(self.log2_sizes) < 1 or max(self.log2_sizes) > 24:
            raise ValueError(f"log2_sizes needs >= 3 values in [1, 24], got {self.log2_sizes}")
        if sum(x >= self.fit_from_log2 for x in self.log2_sizes) < 3:
            raise ValueError(f"need >= 3 sizes with log2 n >= fit_from_log2 = {self.fit_from_log2}")
        if len(self.memory_log2_sizes) < 3 or min(self.memory_log2_sizes) < 4:
            raise ValueError(f"memory_log2_sizes needs >= 3 values >= 4, got {self.memory_log2_sizes}")
        if self.width < 1:
            raise ValueError(f"width must be >= 1, got {self.width}")
        if not self.precision_log2_sizes or min(self.precision_log2_sizes) < 1 or max(self.precision_log2_sizes) > 16:
            raise ValueError(f"precision_log2_sizes needs values in [1, 16], got {self.precision_log2_sizes}")


SCALED_FORMS = ("quadratic", "linear", "causal_scan", "causal_chunked")
SCALING_CHUNK = 64
"""Chunk of the causal chunked form in the operation counts and memory (the benchmark's chunk)."""
MEMORY_FORMS = ("quadratic", "linear", "causal_chunked")


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
    sim = _mm(a, b.T)
    if causal:
        sim = jnp.where(jnp.tril(jnp.ones(sim.shape, bool)), sim, 0)
    den = jnp.sum(sim, axis=1)
    out = _mm(sim, v) / den[:, None]
    gd = jnp.abs(g) / den[:, None]
    pair = _mm(gd, jnp.abs(v).T) + jnp.sum(gd * jnp.abs(out), axis=1)[:, None]  # [i, j]
    if causal:
        pair = jnp.where(jnp.tril(jnp.ones(pair.shape, bool)), pair, 0)
    return _mm(pair, b), _mm(pair.T, a), _mm(sim.T, gd)


def _features(key, n, mm, dd, scale):
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


def _fast_compile(fn, *args):
    """Compile with XLA:CPU's backend optimisation off: the compile time of scans, gradients and small programs
    drops about threefold (matrix products still call the same library kernels), and the rounding bounds hold
    for every order of evaluation an optimiser may pick."""
    options = {"xla_backend_optimization_level": 0} if jax.default_backend() == "cpu" else None
    return jax.jit(fn).lower(*args).compile(compiler_options=options)


def _run_fast(fn, *args, **static):
    """``fn(*args, **static)`` compiled by :func:`_fast_compile`, the keyword arguments static."""
    return _fast_compile(partial(fn, **static), *args)(*args)


@cache
def _exactness_program(shapes, chunk, scale):
    """The compiled program of :func:`exactness` for one tuple of shapes (cached: hypothesis calls it often)."""
    bucket = tuple(max(s[t] for s in shapes) for t in range(3))

    def run(seeds, sizes):
        def one(seed, size):
            a, b, v, g = _features(jax.random.key(seed), *bucket, scale)
            return _compare_forms(*pad_problem(a, b, v, g, *size), chunk)
        return jax.vmap(one)(seeds, sizes)

    return _fast_compile(run, jax.ShapeDtypeStruct((len(shapes),), jnp.uint32),
                         jax.ShapeDtypeStruct((len(shapes), 3), jnp.int32))


def exactness(key, shapes, chunk, scale) -> np.ndarray:
    """[shape, causal, slot, (output ratio numerator, gradient ratio numerator, finite)] for every (n, m, d) in
    ``shapes``: all embedded in one bucket (:func:`pad_problem`) and vmapped, so one program is compiled (and
    cached); each shape's inputs come from a seed drawn from ``key``."""
    shapes = tuple(tuple(int(x) for x in s) for s in shapes)
    seeds = jax.random.bits(key, (len(shapes),), jnp.uint32)
    return np.asarray(_exactness_program(shapes, chunk, float(scale))(seeds, jnp.asarray(shapes, jnp.int32)))


def _scaling_fn(name: str, chunk: int):
    causal = name != "linear" and name != "quadratic"
    f = form(name, causal, chunk)
    return lambda a, b, v: f(a, b, v)


def _sympy_cost(name: str):
    expr = {"quadratic": statement.quadratic_cost(), "linear": statement.linear_cost(),
            "causal_scan": statement.causal_linear_cost()}.get(name)
    return None if expr is None else to_jax([statement.n, statement.m, statement.d], expr)


def lowered_flops(fn, n: int, width: int) -> float:
    """XLA's cost analysis of the lowered (unoptimised) program at (n, width) float32: nothing is compiled."""
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    cost = jax.jit(fn).lower(spec, spec, spec).cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    return float(cost.get("flops", np.nan))


def count_scaling(config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counted operations, XLA's flops and the SymPy costs of each form in SCALED_FORMS at n = 2^log2_sizes,
    width m = d."""
    sizes = np.array([2**p for p in config.log2_sizes], dtype=np.int64)
    ops = np.zeros((len(SCALED_FORMS), len(sizes)))
    xla = np.zeros_like(ops)
    cost = np.full((len(SCALED_FORMS), len(sizes)), np.nan)
    w_ = config.width
    for f_idx, name in enumerate(SCALED_FORMS):
        fn, expr = _scaling_fn(name, SCALING_CHUNK), _sympy_cost(name)
        for s_idx, size in enumerate(sizes):
            spec = jax.ShapeDtypeStruct((int(size), w_), jnp.float32)
            ops[f_idx, s_idx] = count_ops(fn, spec, spec, spec).total
            xla[f_idx, s_idx] = lowered_flops(fn, int(size), w_)
            if expr is not None:
                cost[f_idx, s_idx] = float(expr(float(size), float(w_), float(w_)))
    return sizes, ops, xla, cost


def compiled_memory(fn, n: int, width: int) -> tuple[float, float]:
    """(argument + output + temp bytes, temp bytes) of ``jax.jit(fn)`` at (n, width) float32, compiled only,
    with XLA:CPU's attention fusion off so that temporaries are reported."""
    spec = jax.ShapeDtypeStruct((n, width), jnp.float32)
    options = {"xla_cpu_experimental_ynn_fusion_type": ""} if jax.default_backend() == "cpu" else None
    stats = jax.jit(fn).lower(spec, spec, spec).compile(compiler_options=options).memory_analysis()
    total = stats.argument_size_in_bytes + stats.output_size_in_bytes + stats.temp_size_in_bytes
    return float(total), float(stats.temp_size_in_bytes)


def linear_stabilised(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """:func:`linear` with the key features divided by n: the same output in exact arithmetic (n cancels), a
    normaliser of size m E[phi]^2 instead of n m E[phi]^2 (no float16 overflow)."""
    return linear(a, b / b.shape[0], v)


def _precision(key, sizes, width):
    kq, kk, kv = jax.random.split(key, 3)
    top = max(sizes)
    q, k, v = (jax.random.normal(x, (top, width)) for x in (kq, kk, kv))
    a, b = feature_map(q), feature_map(k)
    out = []
    for n_ in sizes:
        a_n, b_n, v_n = a[:n_], b[:n_], v[:n_]
        exact, scale = linear(a_n, b_n, v_n), output_scale(a_n, b_n, v_n, False)
        half = [x.astype(jnp.float16) for x in (a_n, b_n, v_n)]
        den16 = _mm(half[0], jnp.sum(half[1], axis=0))
        stab16 = linear_stabilised(*half).astype(jnp.float64)
        bf16 = linear(*[x.astype(jnp.bfloat16) for x in (a_n, b_n, v_n)]).astype(jnp.float64)
        out.append(jnp.stack([jnp.mean(~jnp.isfinite(den16)), jnp.sum(~jnp.isfinite(stab16)),
                              jnp.max(jnp.abs(stab16 - exact) / scale), jnp.max(jnp.abs(bf16 - exact) / scale)]))
    return jnp.stack(out)


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
    memory_sizes = np.array([2**p for p in config.memory_log2_sizes], dtype=np.int64)
    memory = np.zeros((len(MEMORY_FORMS), len(memory_sizes)))
    temp = np.zeros_like(memory)
    for f_idx, name in enumerate(MEMORY_FORMS):
        for s_idx, size in enumerate(memory_sizes):
            memory[f_idx, s_idx], temp[f_idx, s_idx] = compiled_memory(_scaling_fn(name, SCALING_CHUNK), int(size),
                                                                       config.width)
    precision_sizes = np.array([2**p for p in config.precision_log2_sizes], dtype=np.int64)
    low = np.asarray(_run_fast(_precision, jax.random.fold_in(fast_key(key), 1), sizes=tuple(int(s) for s in
                                                                                              precision_sizes),
                               width=config.width))
    return Result(output_ratio, gradient_ratio, finite, sizes, ops, xla_flops, cost, memory_sizes, memory, temp,
                  precision_sizes, low[:, 0], low[:, 1], low[:, 2], low[:, 3])


def fitted_exponent(sizes, values, from_size) -> float:
    keep = np.asarray(sizes) >= from_size
    return loglog_slope(np.asarray(sizes)[keep], np.asarray(values)[keep]).slope


def exponent_tolerance(config: Config) -> float:
    """How far a fitted exponent may sit from 2 or 1: the largest gap between the fitted slope of the SymPy cost
    over the fit range and its leading power, doubled, plus 0.01 for the counter's lower-order differences (a
    reduction of n numbers counted n, the feature map's O(n m) operations)."""
    sizes = np.array([2.0**p for p in config.log2_sizes if p >= config.fit_from_log2])
    gaps = []
    for name, power in (("quadratic", 2), ("linear", 1), ("causal_scan", 1)):
        f = _sympy_cost(name)
        values = np.array([float(f(x, config.width, config.width)) for x in sizes])
        gaps.append(abs(loglog_slope(sizes, values).slope - power))
    return 2 * max(gaps) + 0.01


def checks(result: Result, config: Config, seconds: float = 0.0) -> list[Check]:
    """Outputs and gradients of every form within their rounding bounds; fitted exponents of counted operations
    2 (quadratic) and 1 (linear, causal); counted operations within 1% of the SymPy cost at the largest n;
    memory exponents 2 (quadratic temporaries) and 1 (linear and chunked totals)."""
    out: list[Check] = []
    tid = statement.KATHAROPOULOS
    for s_idx, (n, mm, dd) in enumerate(config.shapes):
        for causal in (0, 1):
            for slot, name in enumerate(forms_for(bool(causal))[1:]):
                tag = f"n={n} m={mm} d={dd}{' causal' if causal else ''}"
                out.append(numeric(tid, f"|{name} - quadratic| / 2 beta (A|V|)/D, float64, {tag}",
                                   result.output_ratio[s_idx, causal, slot], "<=", 1.0, seconds))
                out.append(numeric(tid, f"|grad {name} - grad quadratic| / gradient bound, float64, {tag}",
                                   result.gradient_ratio[s_idx, causal, slot], "<=", 1.0, seconds))
    out.append(numeric(tid, "non-finite outputs or gradients, every form and shape (inputs scaled by "
                            f"{config.input_scale:g})", float(np.sum(~result.finite)), "==", 0.0, seconds))
    tol = exponent_tolerance(config)
    start = 2**config.fit_from_log2
    for f_idx, name in enumerate(SCALED_FORMS):
        power = 2.0 if name == "quadratic" else 1.0
        slope = fitted_exponent(result.sizes, result.ops[f_idx], start)
        out.append(numeric(tid, f"fitted exponent of counted ops, {name}, n = 2^{config.fit_from_log2}.."
                                f"2^{max(config.log2_sizes)} (m = d = {config.width})", slope, "in",
                           (power - tol, power + tol), seconds))
        if np.isfinite(result.cost[f_idx, -1]):
            # the counter takes a length-k dot product as 2k operations (SymPy: 2k - 1) and a sum of n numbers as
            # n (SymPy: n - 1): at most one extra operation per output of a contraction or reduction, a relative
            # excess below 1/min(m, d) of the leading term
            out.append(numeric(tid, f"counted ops / SymPy cost, {name}, n = 2^{max(config.log2_sizes)}",
                               result.ops[f_idx, -1] / result.cost[f_idx, -1], "in",
                               (1.0, 1.0 + 1.0 / config.width), seconds))
    top = int(result.sizes[-1])
    for f_idx, name in enumerate(SCALED_FORMS):
        if name == "causal_scan":
            # the trap: XLA counts a loop body once, so its flops do not grow with n at all
            out.append(numeric(tid, f"XLA flops of {name} at n = 2^{max(config.log2_sizes)} / at n = "
                                    f"2^{min(config.log2_sizes)} (scan body counted once)",
                               result.xla_flops[f_idx, -1] / result.xla_flops[f_idx, 0], "==", 1.0, seconds))
            continue
        # no loop, or (chunked) a loop over the K = n/c chunk states whose body, m d + m additions, XLA counts
        # once: add the K - 1 uncounted steps back; then XLA and the jaxpr counter differ by O(n + m d) operations
        # (a reduction of n numbers, a dot product's last addition, the mask's selects) against at least
        # 4 n m d: relative 1/width^2 covers it
        skipped = 0.0
        what = "XLA flops"
        if name == "causal_chunked":
            skipped = (math.ceil(top / SCALING_CHUNK) - 1) * (config.width**2 + config.width)
            what = f"(XLA flops + (K-1)(md+m), K = n/{SCALING_CHUNK} scan steps counted once)"
        out.append(numeric(tid, f"{what} / counted ops, {name}, n = 2^{max(config.log2_sizes)}",
                           (result.xla_flops[f_idx, -1] + skipped) / result.ops[f_idx, -1], "in",
                           (1 - config.width**-2, 1 + config.width**-2), seconds))
    for f_idx, name in enumerate(MEMORY_FORMS):
        values, power = (result.temp[f_idx], 2.0) if name == "quadratic" else (result.memory[f_idx], 1.0)
        what = "temporary" if name == "quadratic" else "total"
        fit = loglog_slope(result.memory_sizes, values).slope
        out.append(numeric(tid, f"fitted exponent of compiled {what} memory, {name}", fit, "in",
                           (power - 0.05, power + 0.05), seconds))
    return out


def precision_checks(result: Result, config: Config, seconds: float = 0.0) -> list[Check]:
    """float16: no row's normaliser overflows at n <= n*/2, every row's does at n >= 2 n*, n* = 65504/(m mu^2)
    (the row-to-row spread of D_i is about sd(phi)/(mu sqrt(m)), 10% at m = 64, far inside the factor 2); the
    stabilised form stays finite at every n."""
    tid = statement.KATHAROPOULOS
    star = float(_overflow_length(float(config.width)))
    low, high = result.precision_sizes <= star / 2, result.precision_sizes >= 2 * star
    out = []
    if low.any():
        out.append(numeric(tid, f"float16: fraction of rows with normaliser overflow at n <= n*/2 "
                                f"(n* = {star:.0f}, m = {config.width})", float(result.float16_overflow[low].max()),
                           "==", 0.0, seconds))
    if high.any():
        out.append(numeric(tid, f"float16: fraction of rows with normaliser overflow at n >= 2 n* (n* = {star:.0f})",
                           float(result.float16_overflow[high].min()), "==", 1.0, seconds))
    out.append(numeric(tid, "float16 with key features / n: non-finite outputs, n = "
                            f"{result.precision_sizes[0]}..{result.precision_sizes[-1]}",
                       float(result.float16_stabilised_nonfinite.sum()), "==", 0.0, seconds))
    return out


def verify(key: jax.Array) -> list[Check]:
    """The default katharopoulos2020 experiment and its checks."""
    start = time.perf_counter()
    config = Config()
    result = experiment(config, key)
    seconds = time.perf_counter() - start
    return checks(result, config, seconds) + precision_checks(result, config, seconds)


# =================================================================================================================
# choromanski2021: positive random features
# =================================================================================================================


@dataclass(frozen=True)
class PerformerConfig:
    """Pairs (x, y) in R^dim with |x + y|^2 in ``norms_sq``; feature counts; trials; whole-attention sizes."""

    dim: int = 8
    norms_sq: tuple[float, ...] = (0.1, 0.5, 1.0)
    features: tuple[int, ...] = (8, 32, 128)
    trials: int = 2000
    attention_n: int = 128
    attention_features: tuple[int, ...] = (16, 64, 256, 1024)
    attention_trials: int = 8

    def __post_init__(self):
        if self.dim < 1:
            raise ValueError(f"dim must be >= 1, got {self.dim}")
        for r in self.norms_sq:
            if not 0 < r <= 1:
                raise ValueError(f"|x+y|^2 = {r} is outside (0, 1]: beyond 1 the error is log-normal with heavy "
                                 "tails and the sample MSE is no test")
        for m_ in self.features + self.attention_features:
            if m_ < 1:
                raise ValueError(f"feature counts must be >= 1, got {m_}")
        for m_ in self.features:
            if m_ % self.dim:
                raise ValueError(f"feature count {m_} must be a multiple of dim = {self.dim} (orthogonal blocks)")
        if self.trials < 64 or self.attention_trials < 1:
            raise ValueError(f"trials must be >= 64 and attention_trials >= 1, got {self.trials}, "
                             f"{self.attention_trials}")
        if len(self.features) < 2:
            raise ValueError("need at least two feature counts to fit a slope")


@dataclass(frozen=True)
class PerformerResult:
    """Indexed [pair, features]: mean relative error and its exact standard error; mean relative squared error,
    its standard error and the closed form; the same mean for orthogonal features and the standard error of the
    difference. Whole attention: relative Frobenius error of Performer vs softmax attention by feature count."""

    norms_sq: np.ndarray
    features: np.ndarray
    mean_error: np.ndarray
    mean_error_se: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    mse_closed: np.ndarray
    mse_orthogonal: np.ndarray
    difference_se: np.ndarray
    attention_features: np.ndarray
    attention_error: np.ndarray


_relative_mse = to_jax([statement.norm_sum_sq, statement.features], statement.relative_mse())


def positive_features(w: jax.Array, x: jax.Array) -> jax.Array:
    r"""$\exp(w_r^\top x - |x|^2/2)$ for each row $w_r$ of $w$ (m x d) and each row of $x$ (n x d): n x m."""
    return jnp.exp(_mm(x, w.T) - 0.5 * jnp.sum(x * x, axis=-1, keepdims=True))


def orthogonal_gaussian(key: jax.Array, count: int, dim: int) -> jax.Array:
    """``count`` rows (a multiple of dim): blocks of dim orthonormal directions, each scaled by the norm of an
    independent N(0, I_dim) vector, so that every row is marginally N(0, I_dim)."""
    k_dir, k_norm = jax.random.split(key)
    blocks = count // dim
    q, r = jnp.linalg.qr(jax.random.normal(k_dir, (blocks, dim, dim)))
    q = q * jnp.sign(jnp.diagonal(r, axis1=1, axis2=2))[:, None, :]
    norms = jnp.linalg.norm(jax.random.normal(k_norm, (blocks, dim, dim)), axis=-1)
    return (jnp.swapaxes(q, 1, 2) * norms[..., None]).reshape(count, dim)


def _pairs(key, dim, norms_sq):
    kx, ky = jax.random.split(key)
    x = jax.random.normal(kx, (len(norms_sq), dim))
    y = jax.random.normal(ky, (len(norms_sq), dim))
    s = jnp.sqrt(jnp.asarray(norms_sq)) / jnp.linalg.norm(x + y, axis=1)
    return x * s[:, None], y * s[:, None]


def _prefix_means(prod: jax.Array, features: tuple[int, ...]) -> jax.Array:
    """Means over the first m features for each m in ``features`` (nested estimators): [..., len(features)]."""
    csum = jnp.cumsum(prod, axis=-1)
    return jnp.stack([csum[..., m_ - 1] / m_ for m_ in features], axis=-1)


@partial(jax.jit, static_argnames=("dim", "norms_sq", "features", "trials"))
def _kernel_errors(key, dim, norms_sq, features, trials):
    """Relative errors of the positive-feature estimate of exp(x.y), i.i.d. and orthogonal: [trial, pair, m]."""
    k_pair, k_iid, k_ort = jax.random.split(key, 3)
    x, y = _pairs(k_pair, dim, norms_sq)
    top = max(features)
    exact = jnp.exp(jnp.sum(x * y, axis=1))[:, None]  # [pair, 1]

    def errors(w):  # w: [trial, top, dim]
        def feats(z):
            return jnp.exp(jnp.einsum("tfd,pd->tpf", w, z, precision=HIGHEST)
                           - 0.5 * jnp.sum(z * z, axis=-1)[None, :, None])
        return _prefix_means(feats(x) * feats(y), features) / exact - 1

    w_iid = jax.random.normal(k_iid, (trials, top, dim))
    w_ort = orthogonal_gaussian(k_ort, trials * top, dim).reshape(trials, top, dim)
    return errors(w_iid), errors(w_ort)


def _attention_errors(key, n, dim, features, trials):
    """RMS over trials of the relative Frobenius error of Performer attention (i.i.d. features) against softmax
    attention. The m-feature estimate uses the first m of max(features) features; the others are masked to 0,
    which linear attention ignores exactly (its 1/m factors cancel in the ratio), so one program serves every m."""
    kq, kk, kv, kw = jax.random.split(key, 4)
    q = jax.random.normal(kq, (n, dim)) / 2
    k = jax.random.normal(kk, (n, dim)) / 2
    v = jax.random.normal(kv, (n, dim))
    exact = softmax_attention(q, k, v)
    scale = dim ** -0.25
    top = max(features)
    masks = jnp.arange(top)[None, :] < jnp.asarray(features)[:, None]  # [m, top]
    w = jax.random.normal(kw, (trials, top, dim))

    def one(wt, mask):
        a, b = positive_features(wt, q * scale) * mask, positive_features(wt, k * scale) * mask
        return jnp.linalg.norm(linear(a, b, v) - exact) / jnp.linalg.norm(exact)

    errs = jax.vmap(lambda wt: jax.vmap(lambda mk: one(wt, mk))(masks))(w)  # [trial, m]
    return jnp.sqrt(jnp.mean(errs**2, axis=0))


def performer_experiment(config: PerformerConfig, key: jax.Array) -> PerformerResult:
    """Random-feature estimates of exp(x.y): bias, relative MSE, orthogonal vs i.i.d.; whole-attention error."""
    k_kernel, k_att = jax.random.split(fast_key(key))
    iid, ort = _kernel_errors(k_kernel, config.dim, tuple(config.norms_sq), tuple(config.features), config.trials)
    iid, ort = np.asarray(iid), np.asarray(ort)
    T = config.trials
    r = np.asarray(config.norms_sq)[:, None]
    mm = np.asarray(config.features)[None, :]
    closed = np.asarray(_relative_mse(r, mm.astype(np.float64)))
    sq_iid, sq_ort = iid**2, ort**2
    att = _run_fast(_attention_errors, k_att, n=config.attention_n, dim=config.dim,
                    features=tuple(config.attention_features), trials=config.attention_trials)
    return PerformerResult(
        norms_sq=np.asarray(config.norms_sq, dtype=np.float64),
        features=np.asarray(config.features),
        mean_error=iid.mean(axis=0),
        mean_error_se=np.sqrt(closed / T),
        mse=sq_iid.mean(axis=0),
        mse_se=sq_iid.std(axis=0, ddof=1) / math.sqrt(T),
        mse_closed=closed,
        mse_orthogonal=sq_ort.mean(axis=0),
        difference_se=np.sqrt(sq_iid.var(axis=0, ddof=1) / T + sq_ort.var(axis=0, ddof=1) / T),
        attention_features=np.asarray(config.attention_features),
        attention_error=np.asarray(att),
    )


def rmse_slope(result: PerformerResult) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: fitted slope of log RMSE against log m, and its standard error by the delta method
    (se of log RMSE = se(MSE) / (2 MSE) at each m, the m independent)."""
    lm = np.log(result.features.astype(np.float64))
    weights = (lm - lm.mean()) / np.sum((lm - lm.mean()) ** 2)
    slopes = 0.5 * np.log(result.mse) @ weights
    se = np.sqrt(((result.mse_se / (2 * result.mse)) ** 2) @ weights**2)
    return slopes, se


def performer_checks(result: PerformerResult, config: PerformerConfig, seconds: float = 0.0) -> list[Check]:
    """Max |z| of the bias and of the relative MSE against its closed form, over pairs and m; RMSE slopes -1/2
    within 6 standard errors; orthogonal features no worse than i.i.d. (one-sided z <= 6)."""
    tid = statement.CHOROMANSKI
    z_bias = np.abs(result.mean_error / result.mean_error_se)
    z_mse = np.abs((result.mse - result.mse_closed) / result.mse_se)
    z_ort = (result.mse_orthogonal - result.mse) / result.difference_se
    slopes, slope_se = rmse_slope(result)
    out = [
        numeric(tid, f"max |z| of mean relative error (unbiased), {z_bias.size} (|x+y|^2, m) cells, "
                     f"T = {config.trials}", float(z_bias.max()), "<=", Z_BOUND, seconds),
        numeric(tid, "max |z| of relative MSE vs (exp(|x+y|^2) - 1)/m, |x+y| <= 1",
                float(z_mse.max()), "<=", Z_BOUND, seconds),
        numeric(tid, "max z of (orthogonal MSE - i.i.d. MSE): orthogonal features no worse",
                float(z_ort.max()), "<=", Z_BOUND, seconds),
    ]
    for r, slope, se in zip(result.norms_sq, slopes, slope_se):
        out.append(numeric(tid, f"RMSE ~ m^slope, |x+y|^2 = {r:g}: |slope + 1/2| / se", abs(slope + 0.5) / se,
                           "<=", Z_BOUND, seconds))
    return out


# =================================================================================================================
# wang2020: Linformer's projection, additive JL, exact expected error, spectra
# =================================================================================================================


@dataclass(frozen=True)
class LinformerConfig:
    """Sequence lengths and trials per length, head width, eps; spectra: lengths and temperatures."""

    lengths: tuple[int, ...] = (256, 512)
    trials: tuple[int, ...] = (64, 32)
    dim: int = 64
    eps: float = 0.5
    spectrum_lengths: tuple[int, ...] = (128, 256, 512)
    temperatures: tuple[float, ...] = (0.25, 1.0, 4.0)

    def __post_init__(self):
        if len(self.lengths) != len(self.trials):
            raise ValueError(f"lengths {self.lengths} and trials {self.trials} must have the same length")
        for n_ in self.lengths + self.spectrum_lengths:
            if n_ < 8:
                raise ValueError(f"sequence length must be >= 8, got {n_}")
        for t in self.trials:
            if t < 2:
                raise ValueError(f"trials must be >= 2, got {t}")
        if not 0 < self.eps < 1:
            raise ValueError(f"eps must be in (0, 1), got {self.eps}")
        if self.dim < 1:
            raise ValueError(f"dim must be >= 1, got {self.dim}")
        for t in self.temperatures:
            if t <= 0:
                raise ValueError(f"temperatures must be > 0, got {t}")


@dataclass(frozen=True)
class LinformerResult:
    """Per length: k, pairs tested, exceedances of eps|p||v|, the per-pair probability bound, the mean squared
    Frobenius error and its standard error, the exact expectation, the relative error ||error||/||PV||.
    Spectra: singular values of P, [length, temperature, index] (zero-padded), and the 90%-energy rank."""

    lengths: np.ndarray
    k: np.ndarray
    pairs: np.ndarray
    exceedances: np.ndarray
    failure_bound: np.ndarray
    mean_sq_error: np.ndarray
    mean_sq_error_se: np.ndarray
    expected_sq_error: np.ndarray
    relative_error: np.ndarray
    spectrum_lengths: np.ndarray
    temperatures: np.ndarray
    singular_values: np.ndarray
    rank90: np.ndarray


_eps_k = to_jax([statement.n, statement.eps], statement.linformer_k())
_pair_failure = to_jax([statement.eps, statement.k], statement.pair_failure())
_expected = to_jax([statement.P_F2, statement.V_F2, statement.PV_F2, statement.k],
                   statement.expected_squared_error(statement.P_F2, statement.V_F2, statement.PV_F2, statement.k))


def projected_length(n_: int, eps_: float) -> int:
    """k = ceil(5 log n / (eps^2 - eps^3)), lambdified from the statement."""
    return int(math.ceil(float(_eps_k(float(n_), eps_))))


def attention_matrix(q: jax.Array, k: jax.Array, temperature: float = 1.0) -> jax.Array:
    return jax.nn.softmax(_mm(q, k.T) / (temperature * math.sqrt(q.shape[1])), axis=1)


def _projection_trials(key, n_, k_, dim, trials, eps_):
    kq, kk, kv, ke = jax.random.split(key, 4)
    q, kx = jax.random.normal(kq, (n_, dim)), jax.random.normal(kk, (n_, dim))
    v = jax.random.normal(kv, (n_, dim))
    p = attention_matrix(q, kx)
    pv = _mm(p, v)
    tol = eps_ * jnp.linalg.norm(p, axis=1)[:, None] * jnp.linalg.norm(v, axis=0)[None, :]

    def one(ek):
        e = jax.random.normal(ek, (k_, n_)) / math.sqrt(k_)
        err = _mm(_mm(p, e.T), _mm(e, v)) - pv
        return jnp.sum(jnp.abs(err) > tol), jnp.sum(err**2)

    exceed, sq = jax.lax.map(one, jax.random.split(ke, trials))
    return (jnp.sum(exceed), sq, jnp.sum(p**2), jnp.sum(v**2), jnp.sum(pv**2))


def _attention_matrices(key, n_, dim, temperatures):
    kq, kk = jax.random.split(key)
    q, kx = jax.random.normal(kq, (n_, dim)), jax.random.normal(kk, (n_, dim))
    return jnp.stack([attention_matrix(q, kx, t) for t in temperatures])


def spectrum(key, n_: int, dim: int, temperatures: tuple[float, ...]) -> np.ndarray:
    """Singular values of softmax(Q K^T / (T sqrt(dim))) for Gaussian Q, K, one row per temperature T. The SVD is
    LAPACK's through NumPy: XLA's SVD compiles for seconds per size, for a computation that is not timed here."""
    mats = np.asarray(_run_fast(_attention_matrices, key, n_=n_, dim=dim, temperatures=temperatures))
    return np.linalg.svd(mats, compute_uv=False)


def energy_rank(singular_values: np.ndarray, fraction: float = 0.9) -> int:
    """Smallest r with sum_{i<r} s_i^2 >= fraction * sum s_i^2."""
    energy = np.cumsum(np.asarray(singular_values) ** 2)
    return int(np.searchsorted(energy, fraction * energy[-1]) + 1)


def linformer_experiment(config: LinformerConfig, key: jax.Array) -> LinformerResult:
    keys = jax.random.split(fast_key(key), len(config.lengths) + len(config.spectrum_lengths))
    rows = []
    for n_, trials, kk in zip(config.lengths, config.trials, keys):
        k_ = projected_length(n_, config.eps)
        exceed, sq, p2, v2, pv2 = _run_fast(_projection_trials, kk, n_=n_, k_=k_, dim=config.dim, trials=trials,
                                            eps_=config.eps)
        sq = np.asarray(sq)
        rows.append((k_, n_ * config.dim * trials, int(exceed), float(_pair_failure(config.eps, float(k_))),
                     sq.mean(), sq.std(ddof=1) / math.sqrt(trials), float(_expected(p2, v2, pv2, float(k_))),
                     float(np.sqrt(sq.mean() / float(pv2)))))
    cols = list(zip(*rows))
    top = max(config.spectrum_lengths)
    spectra = np.zeros((len(config.spectrum_lengths), len(config.temperatures), top))
    ranks = np.zeros((len(config.spectrum_lengths), len(config.temperatures)), dtype=np.int64)
    for s_idx, (n_, kk) in enumerate(zip(config.spectrum_lengths, keys[len(config.lengths):])):
        sv = spectrum(kk, n_, config.dim, tuple(config.temperatures))
        spectra[s_idx, :, :n_] = sv
        ranks[s_idx] = [energy_rank(x) for x in sv]
    return LinformerResult(
        lengths=np.asarray(config.lengths), k=np.asarray(cols[0]), pairs=np.asarray(cols[1]),
        exceedances=np.asarray(cols[2]), failure_bound=np.asarray(cols[3]), mean_sq_error=np.asarray(cols[4]),
        mean_sq_error_se=np.asarray(cols[5]), expected_sq_error=np.asarray(cols[6]),
        relative_error=np.asarray(cols[7]), spectrum_lengths=np.asarray(config.spectrum_lengths),
        temperatures=np.asarray(config.temperatures, dtype=np.float64), singular_values=spectra, rank90=ranks)


def t_bound(trials: int, two_sided_rate: float = 2e-9) -> float:
    """The Student-t quantile with trials - 1 degrees of freedom exceeded (in absolute value) with the given rate:
    the t statistic of a mean of normal draws, sized for its real tails (6.0 would be a normal's)."""
    from scipy.special import stdtrit  # the inverse of Student's t distribution function (lighter than stats)

    return float(-stdtrit(trials - 1, two_sided_rate / 2))


def linformer_checks(result: LinformerResult, config: LinformerConfig, seconds: float = 0.0) -> list[Check]:
    """Per length: exceedance fraction <= the JL per-pair bound; |z| of the mean squared error vs its exact
    expectation <= 6 (the t statistic of >= 8 trials of a sum of many squared Gaussian-polynomial entries)."""
    tid = statement.WANG
    out = []
    for idx, n_ in enumerate(result.lengths):
        out.append(numeric(tid, f"fraction of pairs with |error| > eps|p_i||v_j|, n = {n_}, k = {result.k[idx]} "
                                f"({result.exceedances[idx]} of {result.pairs[idx]}) <= 4 exp(-(eps^2-eps^3)k/4)",
                           result.exceedances[idx] / result.pairs[idx], "<=", result.failure_bound[idx], seconds))
        z = (result.mean_sq_error[idx] - result.expected_sq_error[idx]) / result.mean_sq_error_se[idx]
        trials = config.trials[idx]
        out.append(numeric(tid, f"|t| of mean ||(PE^T)(EV) - PV||_F^2 vs (|P|^2|V|^2 + |PV|^2)/k, n = {n_}, "
                                f"{trials} trials (bound: Student t_{trials - 1} two-sided 2e-9)",
                           abs(z), "<=", t_bound(trials), seconds))
        out.append(numeric(tid, f"Linformer's relative form fails (mean-zero V): ||PE^TEV - PV||_F / ||PV||_F "
                                f">= eps, n = {n_}", result.relative_error[idx], ">=", config.eps, seconds))
    return out


VERIFY = {statement.KATHAROPOULOS: verify,
          statement.CHOROMANSKI: default_run(PerformerConfig, performer_experiment, performer_checks),
          statement.WANG: default_run(LinformerConfig, linformer_experiment, linformer_checks)}
