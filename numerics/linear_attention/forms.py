r"""The forms of kernelised attention: features in, attention out; and softmax attention, the reference.

Each form is a pure function of the features $a = \phi(Q)$, $b = \phi(K)$ (``n x m``, positive) and the values
$v$ (``n x d``), so that an experiment comparing them shares the feature map's rounding, which cancels:
:func:`quadratic` ($(ab^\top)v$, masked when causal), :func:`linear` ($a(b^\top v)$), :func:`causal_cumsum`
(prefix sums of the $n$ outer products $b_j v_j^\top$: it stores $n m d$ numbers, small $n$ only),
:func:`causal_scan` (the RNN, one ``lax.scan`` step per token) and :func:`causal_chunked` (quadratic inside chunks
of ``chunk`` tokens, the RNN state between chunks); :func:`linear_stabilised` is :func:`linear` with the key
features divided by $n$, for float16. :func:`form` names them, :func:`forms_for` lists those that apply, causal
or not. Every matrix product is at ``precision="highest"`` (:func:`matmul`), as the rounding bounds of
:mod:`theorems.linear_attention.katharopoulos` assume IEEE arithmetic (GPUs default to TF32 otherwise).

Inputs and the normaliser. :func:`feature_map` computes $\phi(x) = x + 1$ for $x > 0$ and $e^x$ otherwise.
``jax.nn.elu(x) + 1`` is *not* used: it evaluates $\mathrm{expm1}(x) + 1$, which rounds to exactly 0 for
$x < -37$ in float64 ($x < -17$ in float32), and the normaliser then becomes $0/0$ for a query far from every key.
With ``exp`` directly, $\phi(x) \ge e^{-R}$ for $|x| \le R$, and $D_i \ge e^{-2R}$ stays a normal number for
$R \le 350$ in float64 and $R \le 43$ in float32 (subnormals are flushed on CPU). No $\epsilon$ is added to the
denominator (the reference implementation adds $10^{-6}$, which breaks exactness).
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp

HIGHEST = jax.lax.Precision.HIGHEST


def feature_map(x: jax.Array) -> jax.Array:
    r"""$\phi(x) = \mathrm{elu}(x) + 1$, computed as $x + 1$ ($x > 0$) or $e^x$: positive until $e^x$ underflows."""
    return jnp.where(x > 0, x + 1, jnp.exp(jnp.minimum(x, 0)))


def matmul(x: jax.Array, y: jax.Array) -> jax.Array:
    """``x @ y`` at full precision (``precision="highest"``)."""
    return jnp.matmul(x, y, precision=HIGHEST)


def _check_features(a, b, v):
    if a.ndim != 2 or b.ndim != 2 or v.ndim != 2 or a.shape != b.shape or v.shape[0] != a.shape[0]:
        raise ValueError(f"need features a, b of shape (n, m) and values v of shape (n, d); got {a.shape}, "
                         f"{b.shape}, {v.shape}")


def quadratic(a: jax.Array, b: jax.Array, v: jax.Array, causal: bool = False) -> jax.Array:
    """(a b^T) v / (a b^T) 1, the n x n similarity matrix first (masked to j <= i when causal)."""
    _check_features(a, b, v)
    sim = matmul(a, b.T)
    if causal:
        sim = jnp.where(jnp.tril(jnp.ones(sim.shape, bool)), sim, 0)
    return matmul(sim, v) / jnp.sum(sim, axis=1, keepdims=True)


def linear(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """a (b^T v) / a (b^T 1): the m x d state first, O(n m d)."""
    _check_features(a, b, v)
    return matmul(a, matmul(b.T, v)) / matmul(a, jnp.sum(b, axis=0))[:, None]


def causal_cumsum(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """a_i^T S_i / a_i^T Z_i with S_i, Z_i prefix sums: stores all n states (n m d numbers).

    The cumsum trap: ``jnp.cumsum`` of n numbers needs n - 1 additions, but JAX lowers it to a reduce_window of
    window n, which XLA's cost analysis of the lowered program counts at exactly n(n - 1) flops (a window sum per
    output); XLA:CPU's compiler rewrites it into 16-wide blocked windows, whose cost analysis counts 17.0 flops an
    element at n = 2^10 and 17.06 at n = 2^12 ... 2^20 (JAX 0.10.2, float32 vectors; 15 at n = 16, where one
    window covers all; tests/test_katharopoulos.py pins both). Either way far more than the one addition an
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
        return (s, z), matmul(ai, s) / jnp.dot(ai, z, precision=HIGHEST)

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

    Rounding (the bound of :func:`theorems.linear_attention.katharopoulos.forms_rounding_bound`, $\gamma_{n+m}$ per
    term of $N_{ic}$ and $D_i$, then one division). A term $a_{il} b_{jl} v_{jc}$ with $j$ in an earlier chunk meets one
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


def linear_stabilised(a: jax.Array, b: jax.Array, v: jax.Array) -> jax.Array:
    """:func:`linear` with the key features divided by n: the same output in exact arithmetic (n cancels), a
    normaliser of size m E[phi]^2 instead of n m E[phi]^2 (no float16 overflow)."""
    return linear(a, b / b.shape[0], v)


def softmax_attention(q: jax.Array, k: jax.Array, v: jax.Array) -> jax.Array:
    """softmax(q k^T / sqrt(d)) v, the reference the approximations aim at."""
    return matmul(jax.nn.softmax(matmul(q, k.T) / math.sqrt(q.shape[1]), axis=1), v)


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
    """The forms that compute masked (``causal``) or unmasked attention, the reference (quadratic) first."""
    return ("quadratic", "causal_cumsum", "causal_scan", "causal_chunked") if causal else ("quadratic", "linear")
