r"""The sequence laws of sander2024: $s_{t+1} = W s_t$ with a random $W$ drawn afresh for each sequence.

* **unitary** (complex): $W = \operatorname{diag}(e^{i\theta_j})$, $\theta_j$ i.i.d. uniform on $[0, 2\pi)$, $s_0$
  with unit-modulus entries of uniform phases (:func:`unitary_sequences`, :func:`unitary_from_angles`);
* **rotation blocks** (real, $d$ even): $W = \operatorname{diag}(R(\theta_1), \dots, R(\theta_{d/2}))$, each
  $2$-block of $s_0$ a unit vector at a uniform angle (:func:`rotation_sequences`);
* **Haar orthogonal** (real): $W$ Haar-distributed on $O(d)$, $s_0$ uniform on the unit sphere
  (:func:`orthogonal_sequences`), the law of the softmax experiment :mod:`numerics.in_context.softmax`.

The first two are the laws of :mod:`theorems.in_context.autoregression`, whose closed forms the Monte Carlo of
:mod:`numerics.in_context.autoregression` checks. Each sampler returns the states $s_0, \dots, s_{\text{length}+1}$
(or $s_{\text{length}}$ for the orthogonal law) and the matrices $W$; the float64 ones expect JAX's x64 mode, which
the experiments calling them switch on (:func:`numerics.precision.uses_float64`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

def unitary_sequences(key, n: int, d: int, length: int):
    """``n`` complex sequences s_0..s_{length+1} (shape (n, length+2, d)) and their W (n, d, d)."""
    theta, phase = jax.random.uniform(key, (2, n, d), jnp.float64, 0.0, 2 * jnp.pi)
    return unitary_from_angles(theta, phase, length)


def unitary_from_angles(theta: jax.Array, phase: jax.Array, length: int):
    """s_t = diag(e^{i theta}) ^ t e^{i phase} for t = 0..length+1 (powers by cumulative products), and W."""
    n, d = theta.shape
    z = jax.lax.complex(jnp.cos(theta), jnp.sin(theta))
    powers = jnp.cumprod(jnp.broadcast_to(z[:, None, :], (n, length + 1, d)), axis=1)  # z^1 .. z^{T+1}
    powers = jnp.concatenate([jnp.ones((n, 1, d), z.dtype), powers], axis=1)
    s = powers * jax.lax.complex(jnp.cos(phase), jnp.sin(phase))[:, None, :]
    return s, jax.vmap(jnp.diag)(z)


def rotation_sequences(key, n: int, d: int, length: int):
    """``n`` real sequences with W block-diagonal 2x2 rotations, each 2-block of s_0 a unit vector."""
    m = d // 2
    theta, phase = jax.random.uniform(key, (2, n, m), jnp.float64, 0.0, 2 * jnp.pi)
    t = jnp.arange(length + 2, dtype=jnp.float64)
    angle = theta[:, None, :] * t[None, :, None] + phase[:, None, :]
    s = jnp.stack([jnp.cos(angle), jnp.sin(angle)], axis=-1).reshape(n, length + 2, d)
    c, sn = jnp.cos(theta), jnp.sin(theta)
    blocks = jnp.stack([jnp.stack([c, -sn], -1), jnp.stack([sn, c], -1)], -2)  # (n, m, 2, 2)
    W = jax.vmap(lambda b: jax.scipy.linalg.block_diag(*b))(blocks) if m > 1 else blocks[:, 0]
    return s, W


SEQUENCES = {"unitary": unitary_sequences, "rotation": rotation_sequences}



def haar_from_gaussian(z: jax.Array) -> jax.Array:
    """Q diag(sign R_jj) for Q R = z: Haar on O(d) when z (..., d, d) has i.i.d. standard normal entries
    (Mezzadri 2007, "How to generate random matrices from the classical compact groups")."""
    q, r = jnp.linalg.qr(z)
    signs = jnp.sign(jnp.diagonal(r, axis1=-2, axis2=-1))
    return q * jnp.where(signs == 0, 1, signs)[..., None, :]


def sequences_from_gaussian(z: jax.Array, d: int, length: int):
    """(s, W) from i.i.d. standard normals z (n, d^2 + d): W = Haar(first d^2), s_0 = normalised last d,
    s_{t+1} = W s_t for t < length; s of shape (n, length + 1, d)."""
    n = z.shape[0]
    W = haar_from_gaussian(z[:, : d * d].reshape(n, d, d))
    states = [z[:, d * d :] / jnp.linalg.norm(z[:, d * d :], axis=-1, keepdims=True)]
    for _ in range(length):  # unrolled: a nested scan inside the training scan compiles slower
        states.append(jnp.einsum("nij,nj->ni", W, states[-1], precision="highest"))
    return jnp.stack(states, axis=1), W


def orthogonal_sequences(key: jax.Array, n: int, d: int, length: int, dtype=jnp.float64):
    """(s, W): s of shape (n, length + 1, d) with s_{t+1} = W s_t, W Haar on O(d), s_0 uniform on the unit sphere
    (a normalised Gaussian). One normal draw (each random-number call adds compile time)."""
    return sequences_from_gaussian(jax.random.normal(key, (n, d * d + d), dtype), d, length)
