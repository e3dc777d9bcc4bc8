r"""Orthogonal random features for Performer: blocks of orthogonal Gaussian directions, and their exact relative MSE.

**choromanski2021** (Choromanski et al. 2021, orthogonal random features). The $m$ rows of $w$ are drawn in
blocks of $d$: orthonormal directions (the Q factor of a Gaussian matrix, signs fixed by R's diagonal),
each scaled by the norm of an independent $\mathcal N(0, I_d)$ vector, so that every row is marginally
$\mathcal N(0, I_d)$ and the positive-feature estimator stays unbiased (:func:`orthogonal_gaussian`). Its relative
MSE is :func:`orthogonal_relative_mse`, lambdified from its SymPy statement
(:func:`theorems.linear_attention.performer.orthogonal_relative_mse`), float64, with SciPy's ``hyp1f1`` for the
confluent hypergeometric function.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp
from scipy.special import hyp1f1

from theorems.linear_attention import performer as statement


def _hyp1f1(numerator, denominator, z):
    """SymPy's ``hyper((a,), (b,), z)`` as printed by lambdify, evaluated by SciPy's ``hyp1f1(a, b, z)``."""
    (a,), (b,) = numerator, denominator
    return hyp1f1(a, b, z)


_orthogonal_relative_mse = sp.lambdify([statement.norm_sum_sq, statement.features, statement.d],
                                       statement.orthogonal_relative_mse(),
                                       modules=[{"hyper": _hyp1f1}, "scipy", "numpy"])


def orthogonal_relative_mse(norm_sum_sq, features, dim):
    r"""Exact relative MSE of the m-feature positive estimator with orthogonal blocks (:func:`orthogonal_gaussian`,
    $m$ a multiple of $d$): $\frac{e^{r} - 1}{m} + \frac{d-1}{m}\bigl(e^{-r}\,{}_1F_1(d; d/2; r/2) - 1\bigr)$,
    $r = |x+y|^2$, lambdified from :func:`theorems.linear_attention.performer.orthogonal_relative_mse` (SciPy's
    ``hyp1f1`` for SymPy's ``hyper``; float64 arrays broadcast).

    Derivation. Two rows of a block are $w_i = R_i u_i$, $w_j = R_j u_j$ with $u_i \perp u_j$ a uniform orthonormal
    pair and $R_i, R_j$ independent $\chi_d$; $w_i + w_j = \rho u$ with $\rho^2 = R_i^2 + R_j^2 \sim \chi^2_{2d}$
    and $u$ uniform on the sphere, independent of $\rho$ (rotation invariance). With $\mathbb E_u e^{a u_1} =
    {}_0F_1(; d/2; a^2/4)$ and $\mathbb E \rho^{2k} = 2^k (d)_k$, $\mathbb E e^{s^\top(w_i + w_j)} =
    \sum_k (|s|^2/2)^k (d)_k/((d/2)_k k!) = {}_1F_1(d; d/2; |s|^2/2)$, so the relative covariance of two features
    of a block is $e^{-r}{}_1F_1(d; d/2; r/2) - 1$ ($e^{r}$ in place of ${}_1F_1$ for i.i.d. rows gives $0$); it is
    $\le 0$ because $(d)_k/((d/2)_k 2^k) = \prod_{i<k} (d+i)/(d+2i) \le 1$ termwise: orthogonal features are no
    worse. Each of the $m/d$ blocks has $d(d-1)$ ordered pairs; blocks are independent."""
    return _orthogonal_relative_mse(np.asarray(norm_sum_sq, dtype=np.float64), np.asarray(features, dtype=np.float64),
                                    dim)


def orthogonal_gaussian(key: jax.Array, count: int, dim: int) -> jax.Array:
    """``count`` rows (a multiple of dim): blocks of dim orthonormal directions, each scaled by the norm of an
    independent N(0, I_dim) vector, so that every row is marginally N(0, I_dim)."""
    k_dir, k_norm = jax.random.split(key)
    blocks = count // dim
    q, r = jnp.linalg.qr(jax.random.normal(k_dir, (blocks, dim, dim)))
    q = q * jnp.sign(jnp.diagonal(r, axis1=1, axis2=2))[:, None, :]
    norms = jnp.linalg.norm(jax.random.normal(k_norm, (blocks, dim, dim)), axis=-1)
    return (jnp.swapaxes(q, 1, 2) * norms[..., None]).reshape(count, dim)
