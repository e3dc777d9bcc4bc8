r"""The forms of circular convolution: gathered products summed left to right, zero padding, the FFT form.

$(w \star x)_i = \sum_{j<k} w_j x_{(i-j) \bmod n}$ computed directly is the products $w_j x_{(i-j) \bmod n}$
(:func:`convolution_products`, one gather and one multiplication) added left to right over $j$ (:func:`summed`):
the same operations in the same order at every position $i$, so $w \star S_t x$ and $S_t(w \star x)$ agree bit for
bit when the products are rounded before they are summed. Within one XLA program they need not be: XLA:CPU lets
LLVM contract a product and a sum into one fused multiply-add, and it did so differently on the two sides (measured
while building :mod:`numerics.architectures.convolution`: up to $2.4\cdot10^{-7}$, a few ulp, apart in float32
for this gathered form inside a larger program; thousands of ulp for a reduction over the kernel axis), so the
experiment forms the products in one compiled program and sums them in another. :func:`zero_padded_products` is linear
convolution with zeros outside the signal; :func:`fft_convolution` is $\mathrm{Re}\,F^{-1}(Fx \odot F\bar w)$.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from numerics.rounding_model import round_mantissa


def kernel_index(length: int, width: int, shifted: bool) -> np.ndarray:
    """Indices (i - j) mod n of the products, [n, k]; with ``shifted`` (i - t - j) mod n, [t, n, k] for t in [0, n)."""
    index = np.arange(length)[:, None] - np.arange(width)[None, :]
    return (index[None] - np.arange(length)[:, None, None] if shifted else index) % length


def convolution_products(x: jax.Array, w: jax.Array, shifted: bool = False) -> jax.Array:
    r"""The products $w_j x_{(i-j) \bmod n}$ of a circular convolution, [..., n, k] for ``x`` [..., n] and ``w``
    [..., k] (leading axes of ``w`` broadcast against those of ``x``); with ``shifted``, those of $w \star S_t x$ for
    every $t \in [0, n)$: [..., n (shift), n, k]."""
    length, width = x.shape[-1], w.shape[-1]
    if not 1 <= width <= length:
        raise ValueError(f"kernel length {width} must be between 1 and the signal length {length}")
    gathered = x[..., kernel_index(length, width, shifted)]
    return gathered * (w[..., None, None, :] if shifted else w[..., None, :])


def zero_padded_products(x: jax.Array, w: jax.Array) -> jax.Array:
    r"""The products $w_j x_{i-j}$ of linear convolution, $x_{i-j} = 0$ for $i < j$ (zero padding): [..., n, k]."""
    length, width = x.shape[-1], w.shape[-1]
    index = np.arange(length)[:, None] - np.arange(width)[None, :]
    extended = jnp.concatenate([x, jnp.zeros(x.shape[:-1] + (1,), x.dtype)], axis=-1)
    return extended[..., np.where(index >= 0, index, length)] * w[..., None, :]


def summed(products: jax.Array) -> jax.Array:
    """The products [..., n, k] added left to right over the kernel axis: the same order at every position."""
    out = products[..., 0]
    for q in range(1, products.shape[-1]):
        out = out + products[..., q]
    return out


def circular_convolution(x: jax.Array, w: jax.Array) -> jax.Array:
    r"""$(w\star x)_i = \sum_{j<k} w_j x_{(i-j) \bmod n}$ along the last axis, in one program (XLA may contract
    products into the sums: for bitwise comparisons round the products first, as :func:`experiment` does)."""
    return summed(convolution_products(x, w))


def fft_convolution(x: jax.Array, w: jax.Array, dtype, mantissa_bits: int | None = None) -> jax.Array:
    r"""$\mathrm{Re}\,F^{-1}(F x \odot F\bar w)$ in the complex ``dtype``, $\bar w$ the kernel padded to the length of
    x; ``mantissa_bits`` rounds both spectra to that many bits first (10: the products at TF32's precision)."""
    padded = jnp.zeros(x.shape, x.dtype).at[..., : w.shape[-1]].set(w)
    spectra = [jnp.fft.fft(v.astype(dtype)) for v in (x, padded)]
    if mantissa_bits is not None:
        spectra = [round_mantissa(v, mantissa_bits) for v in spectra]
    return jnp.real(jnp.fft.ifft(spectra[0] * spectra[1]))


def cyclic_shifts(x: jax.Array, shifts) -> jax.Array:
    """``x`` translated by each shift: [len(shifts), *x.shape], entry i of shift t being x_{(i - t) mod n}."""
    return jax.vmap(lambda t: jnp.roll(x, t, axis=-1))(jnp.asarray(shifts))


def bitwise_gap(a: jax.Array, b: jax.Array) -> jax.Array:
    """max |a - b| in float64, exactly 0 when a and b agree bit for bit."""
    return jnp.max(jnp.where(a == b, 0.0, jnp.abs(a.astype(jnp.float64) - b.astype(jnp.float64))))
