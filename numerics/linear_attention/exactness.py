r"""How far the forms of kernelised attention are apart, in float64 and float32: outputs and gradients.

The measuring half of :mod:`numerics.linear_attention.katharopoulos` for exactness (whose docstring states the
claims): for every (n, m, d) of a config and ``replicates`` independent draws of each, the features $a = \phi(Q)$,
$b = \phi(K)$ of ``scale`` times standard normal queries and keys, standard normal values $v$ and a cotangent $g$;
every form's outputs and gradients (of $L = \sum g \odot V'$ with respect to $a, b, v$) against the quadratic form's,
each difference over its scale (:func:`output_scale`, :func:`gradient_scales`), entry by entry. Per (draw, format,
causal, form): the worst normalised difference of the outputs and of the gradients, whether all are finite, and
the *mean squared* normalised differences, which the rounding model (:mod:`numerics.rounding_model`) compares
between formats. The float32 run casts the float64 features to float32 (exactly representable padding, the same
real values to $2^{-24}$) and computes every form in float32.

All shapes and draws are embedded in one bucket (:func:`pad_problem`) and vmapped: one program compiled (and
cached) per tuple of shapes.
"""

from __future__ import annotations

from functools import cache

import jax
import jax.numpy as jnp
import numpy as np

from numerics.compiling import fast_compile
from numerics.linear_attention.forms import feature_map, form, forms_for, matmul, quadratic
from numerics.precision import uses_float64

FIELDS = ("output", "gradient", "finite", "output_ms", "gradient_ms")
"""What :func:`exactness` returns per (shape, draw, format, causal, form slot), in this order."""
FORMATS = ("float64", "float32")


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


def features(key, n, mm, dd, scale, feature=feature_map):
    """``feature`` of ``scale`` times standard normal queries and keys; standard normal values and cotangent."""
    kq, kk, kv, kg = jax.random.split(key, 4)
    q = scale * jax.random.normal(kq, (n, mm))
    k = scale * jax.random.normal(kk, (n, mm))
    return feature(q), feature(k), jax.random.normal(kv, (n, dd)), jax.random.normal(kg, (n, dd))


def pad_problem(a, b, v, g, n, mm, dd):
    """Embed an (n, m, d) problem in the bucket's shape without changing any real output or gradient bit:
    padded keys and values are 0 (they add exact zeros), padded query rows have features 1 (positive
    normaliser), padded feature columns are 0, the padded cotangent is 0. Additions of exact zeros are exact, so the
    rounding bounds of the (n, m, d) problem still apply. Returns the padded arrays and the masks of real outputs
    and of real features."""
    rows = jnp.arange(a.shape[0])[:, None] < n
    cols_m = jnp.arange(a.shape[1])[None, :] < mm
    cols_d = jnp.arange(v.shape[1])[None, :] < dd
    a = jnp.where(rows, jnp.where(cols_m, a, 0), 1)
    b = jnp.where(rows & cols_m, b, 0)
    v = jnp.where(rows & cols_d, v, 0)
    g = jnp.where(rows & cols_d, g, 0)
    return a, b, v, g, rows & cols_d, rows & cols_m


def normalised(diff, scale, mask):
    """diff / scale on the mask (0 off it), with 0/0 = 0 (an exact zero against a zero scale) and x/0 = inf."""
    ratio = jnp.where(diff == 0, 0, diff / jnp.where(mask & (diff != 0), scale, 1))
    return jnp.where(mask, ratio, 0)


def worst(diff, scale, mask):
    """max over the mask of :func:`normalised`."""
    return jnp.max(normalised(diff, scale, mask))


def _mean_square(parts, masks):
    """Mean over the masked entries of every part of (normalised difference)^2."""
    return sum(jnp.sum(p**2) for p in parts) / sum(jnp.sum(m) for m in masks)


def compare_forms(a, b, v, g, out_mask, feat_mask, chunk):
    """Per causal and form slot: worst and mean squared |form − quadratic| / scale of outputs and gradients, and
    whether all are finite, in the dtype of the arguments; [causal, slot, FIELDS] (NaN where no form)."""
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
            out = normalised(jnp.abs(o - outputs[0]), scale_out, out_mask)
            grad = [normalised(jnp.abs(x - y), s, msk) for x, y, s, msk in zip(gr, grads[0], scales, masks)]
            finite = jnp.all(jnp.isfinite(jnp.where(out_mask, o, 0))) & jnp.all(
                jnp.stack([jnp.all(jnp.isfinite(jnp.where(msk, x, 0))) for x, msk in zip(gr, masks)]))
            rows.append(jnp.stack([jnp.max(out), jnp.max(jnp.stack([jnp.max(x) for x in grad])),
                                   finite.astype(out.dtype), _mean_square([out], [out_mask]),
                                   _mean_square(grad, masks)]))
        slots = len(forms_for(True)) - 1
        per_causal.append(jnp.stack(rows + [jnp.full(len(FIELDS), jnp.nan, out.dtype)] * (slots - len(rows))))
    return jnp.stack(per_causal)


@cache
def _exactness_program(shapes, chunk, scale, replicates, formats):
    """The compiled program of :func:`exactness` for one tuple of shapes (cached: hypothesis calls it often)."""
    bucket = tuple(max(s[t] for s in shapes) for t in range(3))

    def run(seeds, sizes):
        def one(seed, size):
            *padded, out_mask, feat_mask = pad_problem(*features(jax.random.key(seed), *bucket, scale), *size)
            return jnp.stack([compare_forms(*(x.astype(f) for x in padded), out_mask, feat_mask, chunk)
                              .astype(jnp.float64) for f in formats])
        return jax.vmap(one)(seeds, sizes)

    count = len(shapes) * replicates
    return fast_compile(run, jax.ShapeDtypeStruct((count,), jnp.uint32), jax.ShapeDtypeStruct((count, 3), jnp.int32))


@uses_float64
def exactness(key, shapes, chunk, scale, replicates: int = 1, formats: tuple[str, ...] = FORMATS) -> np.ndarray:
    """[shape, draw, format, causal, slot, FIELDS] for every (n, m, d) in ``shapes``, ``replicates`` independent
    draws of each and every format in ``formats`` (float64 first: its features are drawn, the others cast from
    them): all embedded in one bucket (:func:`pad_problem`) and vmapped, so one program is compiled (and cached);
    each draw's inputs come from a seed drawn from ``key``."""
    shapes = tuple(tuple(int(x) for x in s) for s in shapes)
    seeds = jax.random.bits(key, (len(shapes) * replicates,), jnp.uint32)
    sizes = jnp.asarray(np.repeat(np.array(shapes, np.int32), replicates, axis=0))
    program = _exactness_program(shapes, chunk, float(scale), int(replicates), tuple(formats))
    measured = np.asarray(program(seeds, sizes))
    return measured.reshape(len(shapes), replicates, *measured.shape[1:])
