r"""The slide's network in JAX: ForwardNN, BackwardNN, and the programs that compute its gradient.

$E(\theta) = \tfrac12\|X_R - Y\|_F^2$ with $X_{r+1} = \rho(A_r X_r + b_r\mathbf 1^\top)$, $X_0 = Z$ (columns are
samples) and all weights flattened into $\theta\in\mathbb{R}^d$. Its gradient four ways: ``jax.grad`` (reverse
mode), the slide's BackwardNN (which recomputes $A_r X_r + b_r$), forward differences (:func:`forward_differences`,
$d + 1$ evaluations of $E$) and forward mode (:func:`forward_mode`, one Jacobian-vector product per coordinate
direction). The SymPy twin of the same network is :mod:`theorems.reverse_mode.symbolic_network`.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

ACTIVATIONS = {"tanh": jnp.tanh, "sigmoid": jax.nn.sigmoid, "relu": jax.nn.relu, "softplus": jax.nn.softplus}


def num_params(widths) -> int:
    """d = sum_r n_{r+1} (n_r + 1)."""
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(widths[:-1], widths[1:]))


def unflatten(theta: jax.Array, widths) -> list[tuple[jax.Array, jax.Array]]:
    """theta -> [(A_r, b_r)] with A_r of shape (n_{r+1}, n_r) and b_r a column (n_{r+1}, 1)."""
    params, start = [], 0
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        A = theta[start:start + n_out * n_in].reshape(n_out, n_in)
        start += n_out * n_in
        params.append((A, theta[start:start + n_out].reshape(n_out, 1)))
        start += n_out
    return params


def forward_nn(params, Z, rho) -> list[jax.Array]:
    """The slide's ForwardNN: X_0 = Z, X_{r+1} = rho(A_r X_r + b_r 1^T); every X_r is kept."""
    X = [Z]
    for A, b in params:
        X.append(rho(A @ X[-1] + b))
    return X


def loss_of_params(params, Z, Y, activation: str) -> jax.Array:
    """E = 1/2 ||X_R − Y||_F² for weights [(A_r, b_r)]."""
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    return 0.5 * jnp.sum((X[-1] - Y) ** 2)


def loss(theta, Z, Y, widths, activation: str) -> jax.Array:
    """E(theta), the same loss with the weights flattened into theta (for finite differences and forward mode).

    Reverse mode is counted on :func:`loss_of_params`: differentiating through the slices of a flat theta makes JAX
    pad each slice's cotangent to length d and add them, O(L d) additions that belong to the flattening, not to
    reverse mode.
    """
    return loss_of_params(unflatten(theta, widths), Z, Y, activation)


def derivative(activation: str):
    """rho', elementwise, by differentiating rho itself (no derivative formula typed by hand)."""
    return jnp.vectorize(jax.grad(ACTIVATIONS[activation]))


def backward_nn(params, X, Y, activation: str, use_derivative: bool = True):
    """The slide's BackwardNN: M = rho'(A_r X_r + b_r) * G, G <- A_r^T M, gA_r = M X_r^T, gb_r = M 1.

    ``use_derivative=False`` drops the factor rho' (a wrong formula, for the tests to catch).
    """
    rho_prime = derivative(activation)
    G = X[-1] - Y  # lossG of the squared loss
    grads = [None] * len(params)
    for r in range(len(params) - 1, -1, -1):
        A, b = params[r]
        M = (rho_prime(A @ X[r] + b) if use_derivative else 1.0) * G
        G = A.T @ M
        grads[r] = (M @ X[r].T, jnp.sum(M, axis=1, keepdims=True))
    return grads


def slide_gradient(params, Z, Y, activation: str, use_derivative: bool = True):
    """ForwardNN then BackwardNN: [(gA_r, gb_r)], the gradient of :func:`loss_of_params`."""
    X = forward_nn(params, Z, ACTIVATIONS[activation])
    return backward_nn(params, X, Y, activation, use_derivative)


def flatten(grads) -> jax.Array:
    """[(gA_r, gb_r)] -> one vector, in the order of :func:`unflatten`."""
    return jnp.concatenate([jnp.concatenate([gA.ravel(), gb.ravel()]) for gA, gb in grads])


def shifted_loss(theta, i, Z, Y, widths, activation: str, step: float = 1e-6) -> jax.Array:
    """E(theta + step e_i): one evaluation of E after shifting coordinate ``i`` (an index, traced)."""
    return loss(theta.at[i].add(step), Z, Y, widths, activation)


def difference_quotient(shifted, base, step: float = 1e-6) -> jax.Array:
    """(shifted − base) / step."""
    return (shifted - base) / step


def forward_differences(theta, Z, Y, widths, activation: str, step: float = 1e-6) -> jax.Array:
    """(E(theta + step e_i) − E(theta)) / step for every i: d + 1 evaluations of E, built from
    :func:`shifted_loss` (vmapped over i) and :func:`difference_quotient`, so that its cost can be derived from
    theirs."""
    shifted = jax.vmap(lambda i: shifted_loss(theta, i, Z, Y, widths, activation, step))(jnp.arange(theta.shape[0]))
    return difference_quotient(shifted, loss(theta, Z, Y, widths, activation), step)


def forward_mode(theta, basis, Z, Y, widths, activation: str) -> jax.Array:
    """The gradient as d Jacobian-vector products, one per row of ``basis`` (the identity)."""
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    return jax.vmap(lambda direction: jax.jvp(E, (theta,), (direction,))[1])(basis)
