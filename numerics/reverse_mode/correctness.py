r"""BackwardNN and central differences against ``jax.grad``, on a small network, within their rounding bounds.

At a random point $\theta$ (float64): BackwardNN equals ``jax.grad`` within a first-order rounding bound
$2\gamma_N g_{|\cdot|}$, where $g_{|\cdot|}$ is BackwardNN run on absolute values (:func:`error_scales`); both share
the forward values bit for bit, so they differ by the backward sweep only. Central differences equal ``jax.grad``
within $h^2 M_3/6 + \gamma_N E_{|\cdot|}/h$ plus the rounding of $\theta_i \pm h$, of the subtraction and division,
and of ``jax.grad`` itself (truncation: Taylor's theorem with $M_3$ the largest $|\partial_i^3 E|$ sampled at
$\theta_i + \{-h, 0, h\}$; rounding: each evaluation of $E$ is off by at most $\gamma_N E_{|\cdot|}$, where
$E_{|\cdot|}$ is the loss recomputed with absolute values of every term and $N$ the longest chain of roundings,
:func:`rounding_depth`). BackwardNN without the factor $\rho'$ is the wrong neighbour the first bound must reject.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import unit_roundoff
from numerics.precision import uses_float64
from numerics.reverse_mode.network import (ACTIVATIONS, derivative, flatten, forward_nn, loss, num_params,
                                           slide_gradient, unflatten)
from theorems.reverse_mode import gradient_cost as statement
from theorems.rounding import gamma, u


def rounding_depth(widths, batch: int) -> int:
    """N: a generous length of the longest chain of roundings behind one gradient entry or one loss value.

    Per layer: an inner product of length n_r (forward), of length n_{r+1} (A^T M) and of length B (M X^T or the
    bias sum), and at most 8 elementwise steps (bias, rho, rho', the product with G), each transcendental taken as
    4 roundings (XLA's tanh and exp are accurate to a few ulps); then the loss: a sum of n_R B squares.
    """
    layers = sum(n_in + n_out + batch + 8 for n_in, n_out in zip(widths[:-1], widths[1:]))
    return layers + widths[-1] * batch + 4


_gamma = to_jax([statement.K, u], gamma(statement.K, u))


@uses_float64
def rounding_gamma(depth: int, unit: float) -> float:
    """gamma_N = N u / (1 − N u) at N = ``depth`` and u = ``unit``, lambdified from :func:`theorems.rounding.gamma`
    and evaluated in float64 (u = 2^-53 would vanish against 1 in float32)."""
    return float(_gamma(float(depth), unit))


def error_scales(theta, Z, Y, widths, activation):
    """(gradient scale, loss scale): what gamma_N multiplies in the first-order rounding bounds.

    Gradient: BackwardNN run on absolute values, |rho'| |G|, |A|^T M, M |X|^T, with G_R = |X_R − Y|. Loss: every
    rounding in the forward pass, weighted by how much E moves with it, sum_r <|M_r|, |A_r||X_r| + |b_r|> +
    <|G_{r+1}|, |X_{r+1}|> (pre-activations and activations), plus sum (X_R − Y)² for the loss itself.
    """
    params = unflatten(theta, widths)
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    rho_prime = derivative(activation)
    G_abs = jnp.abs(X[-1] - Y)
    G = X[-1] - Y
    loss_scale = jnp.sum((X[-1] - Y) ** 2)
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, b = params[r]
        slope = rho_prime(A @ X[r] + b)
        M = slope * G
        loss_scale += jnp.sum(jnp.abs(M) * (jnp.abs(A) @ jnp.abs(X[r]) + jnp.abs(b))) + jnp.sum(
            jnp.abs(G) * jnp.abs(X[r + 1]))
        G = A.T @ M
        M_abs = jnp.abs(slope) * G_abs
        G_abs = jnp.abs(A).T @ M_abs
        grads[r] = (M_abs @ jnp.abs(X[r]).T, jnp.sum(M_abs, axis=1, keepdims=True))
    grad_scale = flatten(grads)
    return grad_scale, loss_scale


@partial(jax.jit, static_argnames=("widths", "activation", "batch"))
def _correctness(key, step, widths, activation, batch):
    d = num_params(widths)
    k_theta, k_z, k_y = jax.random.split(key, 3)
    theta = jax.random.normal(k_theta, (d,)) / jnp.sqrt(max(widths))
    Z = jax.random.normal(k_z, (widths[0], batch))
    Y = jax.random.normal(k_y, (widths[-1], batch))
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    by_grad = jax.grad(E)(theta)
    params = unflatten(theta, widths)
    by_slide = flatten(slide_gradient(params, Z, Y, activation))
    wrong = flatten(slide_gradient(params, Z, Y, activation, use_derivative=False))
    grad_scale, loss_scale = error_scales(theta, Z, Y, widths, activation)
    basis = jnp.eye(d)

    def along(i, t):
        return E(theta + t * basis[i])

    def third(i, t):  # d³/dt³ E(theta + t e_i), forward mode nested three times
        e = basis[i]
        first = lambda x: jax.jvp(E, (x,), (e,))[1]  # noqa: E731
        second = lambda x: jax.jvp(first, (x,), (e,))[1]  # noqa: E731
        return jax.jvp(second, (theta + t * e,), (e,))[1]

    index = jnp.repeat(jnp.arange(d), 3)
    offsets = jnp.tile(jnp.array([-step, 0.0, step]), d)
    m3 = jnp.max(jnp.abs(jax.vmap(third)(index, offsets)).reshape(d, 3), axis=1)
    central = jax.vmap(lambda i: (along(i, step) - along(i, -step)) / (2 * step))(jnp.arange(d))
    return by_grad, by_slide, wrong, grad_scale, loss_scale, theta, central, m3


def worst_ratio(error, bound) -> float:
    """max error / bound, entrywise; an entry whose bound is 0 (a dead ReLU unit) counts 0 if its error is 0."""
    error, bound = np.abs(np.asarray(error, dtype=np.float64)), np.asarray(bound, dtype=np.float64)
    safe = np.where(bound > 0, bound, 1.0)
    ratio = np.where(bound > 0, error / safe, np.where(error == 0, 0.0, np.inf))
    return float(np.max(ratio))


@uses_float64
def gradient_errors(key: jax.Array, widths, activation: str, batch: int, step: float) -> dict[str, float]:
    """max |BackwardNN − jax.grad| / bound, and max |central differences − jax.grad| / bound, on a small network.

    Args: ``key`` draws theta, Z and Y; ``widths`` the layer widths n_0..n_R; ``activation`` a name in
    ``ACTIVATIONS``; ``batch`` the columns of Z; ``step`` the central differences' h. Returns the fields
    ``backward_error``, ``backward_bound``, ``fd_error``, ``fd_bound`` (both bounds 1: errors are already
    divided by their bound) and ``wrong_backward_error`` (BackwardNN without rho', against the first bound).
    """
    widths = tuple(widths)
    by_grad, by_slide, wrong, scale, loss_scale, theta, central, m3 = (np.asarray(x) for x in _correctness(
        key, step, widths, activation, batch))
    unit = unit_roundoff("float64")
    g = rounding_gamma(rounding_depth(widths, batch), unit)
    # the two share the forward values bit for bit (same ForwardNN program): they differ by the backward sweep
    backward_bound = 2 * g * scale
    h = step
    fd_bound = (h**2 * m3 / 6                              # Taylor remainder of the central difference
                + g * loss_scale / h                       # rounding of E(theta ± h e_i), divided by 2h
                + np.abs(by_grad) * unit * (np.abs(theta) + h) / h  # rounding of theta_i ± h
                + 2 * unit * np.abs(central)               # the subtraction and the division
                + g * scale)                               # jax.grad's own rounding
    return {
        "backward_error": worst_ratio(by_slide - by_grad, backward_bound),
        "backward_bound": 1.0,
        "fd_error": worst_ratio(central - by_grad, fd_bound),
        "fd_bound": 1.0,
        "wrong_backward_error": worst_ratio(wrong - by_grad, backward_bound),
    }
