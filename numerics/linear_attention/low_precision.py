r"""Kernelised attention in float16 and bfloat16: where the normaliser overflows, and the stabilised form.

The measuring half of :mod:`numerics.linear_attention.katharopoulos` for low precision (whose docstring states the
claims): for $n$ in a grid, $m = d$ = ``width`` and standard normal inputs, the fraction of rows whose float16
normaliser $D_i = \phi(Q_i)^\top\sum_j\phi(K_j)$ overflows (65504), against $n^* = 65504/(m\mu^2)$
(:func:`theorems.linear_attention.katharopoulos.float16_overflow_length`); the non-finite outputs and the worst error
$|V'_{16} - V'|/((A|V|)/D)$ of :func:`numerics.linear_attention.forms.linear_stabilised` (key features divided by
$n$); the same error of the plain linear form in bfloat16. The errors are reported, not checked: the rounding
bound $\gamma_{n+m}$ is void at these $n$ ($(n+m)u > 1$).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from numerics.bridge import to_jax
from numerics.linear_attention.exactness import output_scale
from numerics.linear_attention.forms import feature_map, linear, linear_stabilised, matmul
from numerics.precision import uses_float64
from theorems.core import Check, numeric
from theorems.linear_attention import katharopoulos as statement

_overflow_length = to_jax([statement.m], statement.float16_overflow_length())


def precision_measurements(key, sizes, width):
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


def overflow_length(width: int) -> float:
    """n* = 65504/(m mu^2) at m = ``width``, lambdified from the statement."""
    with jax.enable_x64(True):
        return float(_overflow_length(float(width)))


@uses_float64
def precision_checks(result, config) -> list[Check]:
    """float16: no row's normaliser overflows at n <= n*/2, every row's does at n >= 2 n*, n* = 65504/(m mu^2)
    (the row-to-row spread of D_i is about sd(phi)/(mu sqrt(m)), 10% at m = 64, far inside the factor 2); the
    stabilised form stays finite at every n. ``result`` and ``config``: a
    :class:`numerics.linear_attention.katharopoulos.Result` and its Config."""
    tid = statement.ID
    star = overflow_length(config.width)
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
