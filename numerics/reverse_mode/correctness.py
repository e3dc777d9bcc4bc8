r"""BackwardNN and central differences against ``jax.grad``, on a small network, within their rounding bounds.

At a random point $\theta$ (float64): BackwardNN equals ``jax.grad`` within a first-order rounding bound
$2\gamma_N g_{|\cdot|}$, where $g_{|\cdot|}$ is BackwardNN run on absolute values (:func:`error_scales`); both share
the forward values bit for bit, so they differ by the backward sweep only. Central differences equal ``jax.grad``
within $h^2 M_3/6 + \gamma_N E_{|\cdot|}/h$ plus the rounding of $\theta_i \pm h$, of the subtraction and division,
and of ``jax.grad`` itself (truncation: Taylor's theorem with $M_3$ the largest $|\partial_i^3 E|$ sampled at
$\theta_i + \{-h, 0, h\}$; rounding: each evaluation of $E$ is off by at most $\gamma_N E_{|\cdot|}$, where
$E_{|\cdot|}$ is the loss recomputed with absolute values of every term and $N$ the longest chain of roundings,
:func:`rounding_depth`). BackwardNN without the factor $\rho'$ is the wrong neighbour the first bound must reject.

The two worst-case bounds are far from what the data reach (measured about 1/100 of each), so each has a sharp
partner that sees a 10x error:

* **truncation, two-sided.** At a larger step $h_2$ (``truncation_step``), where truncation dominates rounding by
  orders of magnitude, Taylor's theorem with Lagrange remainders, $E(\theta \pm h e_i) = E \pm hE' + \tfrac{h^2}{2}
  E'' \pm \tfrac{h^3}{6}\partial_i^3E(\xi_\pm)$, gives $D_i(h) - \partial_i E = \tfrac{h^2}{12}(\partial_i^3 E(\xi_+) +
  \partial_i^3E(\xi_-))$: the central difference's error is $\tfrac{h^2}{6}\partial_i^3 E(\theta)$ up to
  $\tfrac{h^2}{6}V_i$, with $V_i$ the largest $|\partial_i^3 E(\theta + s e_i) - \partial_i^3 E(\theta)|$ sampled at
  $s \in \{\pm h_2, \pm h_2/2\}$ (the sampling convention of $M_3$), plus rounding $\rho_i$ (the rounding terms of
  the bound above, at $h_2$). By the triangle inequality,
  $\|D(h_2) - \nabla E\| / \|\tfrac{h_2^2}{6}\partial^3E(\theta)\| \in [1 - \delta, 1 + \delta]$ with
  $\delta = (\|V\| + \|\rho\|\,6/h_2^2) / \|\partial^3 E(\theta)\|$ (a few 10^{-3} here; measured within 10^{-5} of 1).
* **rounding, float32 against float64.** To first order the discrepancy BackwardNN − ``jax.grad`` is
  $\sum_k c_k\delta_k$, linear in the relative rounding errors $\delta_k$ of the operations, with the same
  coefficients in both formats (the float32 inputs are the float64 ones rounded, so every intermediate value agrees
  to $2^{-24}$). Rounding a value of mantissa $m \in [1, 2)$ to nearest errs uniformly within half an ulp, so
  $|\delta_k|/u$ has the same distribution in either format, given $m$: the normalised discrepancy
  $e = \max_i |\Delta_i| / (u\,g_{|\cdot|,i})$ has the same expectation in float32 and float64. Over
  ``precision_points`` independent random points, the ratio of the two means must lie within
  $B^{\pm 1} e^{\pm z\,\mathrm{se}}$: se the standard error of the log-ratio estimated from the points, $z = 6$
  (each $e$ is bounded by the worst case, $2N$, so the means are sub-Gaussian; over 200 seeds the log-ratio had mean
  $-0.7$ se, standard deviation 1.0 se and largest $|z|$ 3.5), and $B = 1.25$ for what the first-order model
  leaves out, such as a compiler fusing a product and a sum into one rounding in one format only (the measured
  bias is 4%; 13% in a variant of the program that keeps XLA from sharing the forward values of the two gradients).
  A false alarm needs a bias beyond $B$ and a 6-sigma draw. Measured at seeds 0-2: 0.95–1.03, in about
  $[0.59, 1.70]$. A float64 discrepancy 10x (even 2x) larger, which the worst-case bound still accepts, leaves the
  interval; so do products whose inputs are rounded to 10 mantissa bits (TF32), which multiply the float32
  discrepancy by about $2^{13}$.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.measure import unit_roundoff
from numerics.precision import uses_float64
from numerics.prng import fast_key
from numerics.reverse_mode.network import (ACTIVATIONS, derivative, flatten, forward_nn, loss, loss_of_params,
                                           num_params, slide_gradient, unflatten)
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


TRUNCATION_OFFSETS = (-1.0, -0.5, 0.5, 1.0)
"""Where, in units of the truncation step h_2, the third derivative is sampled beside theta for V_i."""

PRECISION_SLACK = 1.25
"""B: how far the two formats' expected normalised discrepancies may differ through what the first-order model leaves
out (a compiler fusing a product and a sum in one format only; measured 4% here, 13% in a variant of the program
that keeps XLA from sharing the forward values)."""

PRECISION_Z = 6.0
"""z of the float32/float64 ratio's interval, in standard errors of its log."""


def _random_points(key, widths, batch, points: tuple[int, ...] = (), salt: int = 0):
    """theta ~ N(0, I/max width), Z and Y standard normal, with ``points`` leading axes; drawn from rbg keys seeded
    by ``key`` and salts ``salt``..``salt + 2`` (:func:`numerics.prng.fast_key`: they compile fast)."""
    d = num_params(widths)
    k_theta, k_z, k_y = (fast_key(key, salt + i) for i in range(3))
    return (jax.random.normal(k_theta, (*points, d)) / jnp.sqrt(max(widths)),
            jax.random.normal(k_z, (*points, widths[0], batch)), jax.random.normal(k_y, (*points, widths[-1], batch)))


TF32_MANTISSA_BITS = 10
"""TF32 keeps float32's exponent and 10 explicit mantissa bits of the inputs of its products."""


def discrepancy(theta, Z, Y, widths, activation: str, mantissa_bits: int | None = None) -> jax.Array:
    """BackwardNN − jax.grad at one point, flattened, in the dtype of ``theta``.

    Both are one program, so XLA computes their common forward values once: they differ by the backward sweep only.
    ``mantissa_bits`` rounds BackwardNN's inputs (weights, data, targets) to that many mantissa bits first, as TF32
    does to the inputs of its products (the control the precision partner must reject).
    """
    params = unflatten(theta, widths)
    by_grad = flatten(jax.grad(loss_of_params)(params, Z, Y, activation))
    if mantissa_bits is not None:
        params, Z, Y = jax.tree_util.tree_map(
            lambda x: jax.lax.reduce_precision(x, exponent_bits=8, mantissa_bits=mantissa_bits), (params, Z, Y))
    return flatten(slide_gradient(params, Z, Y, activation)) - by_grad


def normalised(delta, scale, unit: float) -> jax.Array:
    """max_i |delta_i| / (u scale_i) over the last axis; an entry whose scale is 0 (a dead unit) counts 0."""
    safe = jnp.where(scale > 0, scale, 1.0)
    return jnp.max(jnp.where(scale > 0, jnp.abs(delta) / (unit * safe), 0.0), axis=-1)


@partial(jax.jit, static_argnames=("widths", "activation", "batch", "points"))
def precision_pair(key, widths, activation: str, batch: int, points: int):
    """Normalised discrepancies e at ``points`` random points: (float64, float32, float32 with BackwardNN's inputs
    rounded to TF32's 10 mantissa bits, the control the partner must reject). The float32 points are the float64 ones
    rounded; the scale g_{|.|} is each point's, computed once in float64. Call it with float64 on."""
    theta, Z, Y = _random_points(key, widths, batch, (points,), salt=3)
    scale = jax.vmap(lambda t, z, y: error_scales(t, z, y, widths, activation)[0])(theta, Z, Y)
    as32 = [x.astype(jnp.float32) for x in (theta, Z, Y)]
    e64 = jax.vmap(lambda t, z, y: discrepancy(t, z, y, widths, activation))(theta, Z, Y)
    with jax.default_matmul_precision("highest"):  # IEEE float32 products on a GPU too (the model assumes them)
        e32, tf32 = (jax.vmap(lambda t, z, y: discrepancy(t, z, y, widths, activation, bits))(*as32)
                     for bits in (None, TF32_MANTISSA_BITS))
    e32, tf32 = e32.astype(scale.dtype), tf32.astype(scale.dtype)
    return (normalised(e64, scale, unit_roundoff("float64")), normalised(e32, scale, unit_roundoff("float32")),
            normalised(tf32, scale, unit_roundoff("float32")))


def precision_ratio(errors32, errors64) -> tuple[float, float]:
    """(ratio of the mean normalised discrepancies float32/float64, standard error of its log), from the points."""
    e32, e64 = (np.asarray(e, dtype=np.float64) for e in (errors32, errors64))
    m32, m64 = e32.mean(), e64.mean()
    se = np.sqrt(e32.var(ddof=1) / e32.size / m32**2 + e64.var(ddof=1) / e64.size / m64**2)
    return float(m32 / m64), float(se)


def precision_interval(se: float) -> tuple[float, float]:
    """(B e^{z se})^{-1} ... B e^{z se}: where the float32/float64 ratio lies (module docstring)."""
    spread = PRECISION_SLACK * np.exp(PRECISION_Z * se)
    return float(1 / spread), float(spread)


@partial(jax.jit, static_argnames=("widths", "activation", "batch"))
def _correctness(key, step, truncation_step, widths, activation, batch):
    d = num_params(widths)
    theta, Z, Y = _random_points(key, widths, batch)
    E = partial(loss, Z=Z, Y=Y, widths=widths, activation=activation)
    params = unflatten(theta, widths)
    by_grad = flatten(jax.grad(loss_of_params)(params, Z, Y, activation))  # no slicing of a flat theta to transpose
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

    sampled = jnp.array([-step, 0.0, step] + [truncation_step * s for s in TRUNCATION_OFFSETS])
    index = jnp.repeat(jnp.arange(d), sampled.size)
    thirds = jax.vmap(third)(index, jnp.tile(sampled, d)).reshape(d, sampled.size)
    m3 = jnp.max(jnp.abs(thirds[:, :3]), axis=1)
    central = jax.vmap(lambda i: (along(i, step) - along(i, -step)) / (2 * step))(jnp.arange(d))
    wide = jax.vmap(lambda i: (along(i, truncation_step) - along(i, -truncation_step)) / (2 * truncation_step))(
        jnp.arange(d))
    return by_grad, by_slide, wrong, grad_scale, loss_scale, theta, central, m3, wide, thirds[:, 1], thirds[:, 3:]


def worst_ratio(error, bound) -> float:
    """max error / bound, entrywise; an entry whose bound is 0 (a dead ReLU unit) counts 0 if its error is 0."""
    error, bound = np.abs(np.asarray(error, dtype=np.float64)), np.asarray(bound, dtype=np.float64)
    safe = np.where(bound > 0, bound, 1.0)
    ratio = np.where(bound > 0, error / safe, np.where(error == 0, 0.0, np.inf))
    return float(np.max(ratio))


def _rounding_terms(h, g, loss_scale, by_grad, theta, central, unit, scale):
    """The rounding part of the central-difference bound at step h (module docstring)."""
    return (g * loss_scale / h                                 # rounding of E(theta ± h e_i), divided by 2h
            + np.abs(by_grad) * unit * (np.abs(theta) + h) / h   # rounding of theta_i ± h
            + 2 * unit * np.abs(central)                         # the subtraction and the division
            + g * scale)                                         # jax.grad's own rounding


def truncation_ratio(wide, by_grad, third, variation, rounding, h) -> tuple[float, float]:
    """(||D(h) − grad|| / ||h² ∂³E(theta)/6||, delta): the ratio and its half-width (module docstring)."""
    lead = np.linalg.norm(third)
    ratio = np.linalg.norm(wide - by_grad) / (h**2 / 6 * lead)
    delta = (np.linalg.norm(variation) + np.linalg.norm(rounding) * 6 / h**2) / lead
    return float(ratio), float(delta)


@uses_float64
def gradient_errors(key: jax.Array, widths, activation: str, batch: int, step: float, truncation_step: float,
                    points: int) -> dict[str, float | np.ndarray]:
    """max |BackwardNN − jax.grad| / bound, and max |central differences − jax.grad| / bound, on a small network;
    their sharp partners.

    Args: ``key`` draws theta, Z and Y (and, folded, the points of the precision comparison); ``widths`` the layer
    widths n_0..n_R; ``activation`` a name in ``ACTIVATIONS``; ``batch`` the columns of Z; ``step`` the central
    differences' h; ``truncation_step`` the larger h_2 of the truncation partner; ``points`` the random points of
    the float32/float64 comparison. Returns the fields ``backward_error``, ``backward_bound``, ``fd_error``,
    ``fd_bound`` (both bounds 1: errors are already divided by their bound), ``wrong_backward_error`` (BackwardNN
    without rho', against the first bound), ``truncation_ratio`` and ``truncation_delta`` (the truncation partner),
    ``discrepancy32`` and ``discrepancy64`` (per point, the normalised discrepancies of the precision partner) and
    ``discrepancy_tf32`` (the float32 run with TF32-rounded inputs to BackwardNN, which the partner must reject).
    """
    widths = tuple(widths)
    by_grad, by_slide, wrong, scale, loss_scale, theta, central, m3, wide, third, around = (
        np.asarray(x) for x in _correctness(key, step, truncation_step, widths, activation, batch))
    unit = unit_roundoff("float64")
    g = rounding_gamma(rounding_depth(widths, batch), unit)
    # the two share the forward values bit for bit (same ForwardNN program): they differ by the backward sweep
    backward_bound = 2 * g * scale
    fd_bound = step**2 * m3 / 6 + _rounding_terms(step, g, loss_scale, by_grad, theta, central, unit, scale)
    variation = np.max(np.abs(around - third[:, None]), axis=1)
    ratio, delta = truncation_ratio(wide, by_grad, third, variation,
                                    _rounding_terms(truncation_step, g, loss_scale, by_grad, theta, wide, unit, scale),
                                    truncation_step)
    e64, e32, tf32 = (np.asarray(e) for e in precision_pair(key, widths, activation, batch, points))
    return {
        "backward_error": worst_ratio(by_slide - by_grad, backward_bound),
        "backward_bound": 1.0,
        "fd_error": worst_ratio(central - by_grad, fd_bound),
        "fd_bound": 1.0,
        "wrong_backward_error": worst_ratio(wrong - by_grad, backward_bound),
        "truncation_ratio": ratio,
        "truncation_delta": delta,
        "discrepancy32": e32.astype(np.float64),
        "discrepancy64": e64.astype(np.float64),
        "discrepancy_tf32": tf32.astype(np.float64),
    }
