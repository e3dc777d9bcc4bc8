r"""The runs behind :mod:`numerics.optimisation.step_size`: the step sweep, the two bisections, the one-step ratios.

Each is one jitted JAX program over ``jax.grad`` of the slide's risk: the sweep vmapped over its steps (and the line
search as one more run), the one-step ratios (``optax.sgd``) over datasets, steps and starts, once per format; the
bisection (``optax.sgd``) vmapped over its two problems, each one ``lax.fori_loop`` over rounds of a
``lax.while_loop`` of at most $N$ steps that stops when the iterate leaves the ball $\|\theta\| \le \|\theta_0\|$. What the numbers mean, and the bounds they are held to, is in the docstring of the experiment module.

**Bisection bands** (:func:`bisect_threshold`). Let $\rho = \|\theta_0\|/|c_L| = \sqrt d$ (a coordinate start) and
let every step of the computed map differ from the linear map $I - \tau H$ by at most a relative $\delta$ of
$\|\theta_0\|$ while the iterate stays in the ball (rounding, first order, :func:`step_rounding`; for the logistic
risk also the curvature deficit $\tau L t_{\max}^2/4$ and the absolute rounding of its gradient over
$\|\theta_0\|$). Then $\|\theta_N\| \ge (|c_L| - N\delta\|\theta_0\|)(1+2\epsilon)^N$, so the oracle fires for
$\epsilon > \epsilon_{\rm res} = ((\rho/(1 - \rho N\delta))^{1/N} - 1)/2$ (:func:`growth_resolution`). Conversely for
$\tau \le 2/L$ among the steps a bisection visits (all at least $(1-\epsilon_{\rm res})/L$: a midpoint is at least half
of a step that fired) every iterate after the first step has norm at most $m + N\delta + 2\gamma_{d+1}$ times
$\|\theta_0\|$, with $m^2 = 1/d + (1 - 1/d)f_2^2$ and $f_2$ the largest $|1-\tau\lambda|$ over the other eigenvalues
and those steps; when that is below one (checked; else an error) the oracle never fires below $2/L$. With the final
bracket $[\tau_-, \tau_+]$ of width $w$ and $\hat\tau = (\tau_- + \tau_+)/2$:
$\hat\tau L/2 - 1 \in [-wL/4,\ \epsilon_{\rm res} + wL/4]$.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.bridge import to_jax
from numerics.measure import unit_roundoff
from numerics.optimisation import exact_least_squares as data
from theorems.optimisation import step_size as statement
from theorems.rounding import gamma

HIGHEST = jax.lax.Precision.HIGHEST
LOGISTIC_MARGIN = 1e-5
"""Largest margin |x_i^T theta| of the logistic bisection's start (and of every iterate before the oracle fires)."""

q = to_jax([statement.tau, statement.mu, statement.L], statement.contraction)
optimal_step = to_jax([statement.mu, statement.L], statement.optimal_step)
_rounding_bound = to_jax(statement.rounding_arguments, statement.one_step_rounding_bound)


def snapped_extremes(n: int, d: int, mu: float, L: float) -> tuple[float, float]:
    """The data's smallest and largest eigenvalue (the targets snapped to the dyadic grid)."""
    s = data.singular_integers(n, d, mu, L) / 2.0**data.GRID_BITS
    lam = 2 * s**2 / n
    return float(lam.min()), float(lam.max())


def upper_counts(taus, mu: float, L: float, tolerance: float) -> np.ndarray:
    """The theorem's upper bound log(tolerance)/log q(tau) on the steps to reach the tolerance (floats)."""
    rate = np.asarray(q(np.asarray(taus, dtype=np.float64), mu, L))
    with np.errstate(divide="ignore"):
        return np.where(rate > 0, math.log(tolerance) / np.log(np.where(rate > 0, rate, 0.5)), 1.0)


def growth_resolution(rho: float, steps: int) -> float:
    """(rho^(1/N) - 1)/2: the smallest relative excess over 2/L that N steps of growth (1 + 2 eps) reveal from a start
    whose top component is 1/rho of its norm."""
    return math.expm1(math.log(rho) / steps) / 2


def risk(theta, X, y):
    """The slide's least-squares risk (1/n) sum (y_i - x_i^T theta)^2 (optax's squared_error, no 1/2)."""
    return jnp.mean(optax.losses.squared_error(jnp.dot(X, theta, precision=HIGHEST), y))


def logistic_risk(theta, X, labels):
    """The slide's logistic risk (1/n) sum log(1 + exp(-y_i x_i^T theta)) (optax's sigmoid cross-entropy, label 1)."""
    margins = labels * jnp.dot(X, theta, precision=HIGHEST)
    return jnp.mean(optax.losses.sigmoid_binary_cross_entropy(margins, jnp.ones_like(margins)))


def _step(loss, theta, state, optimiser, *operands):
    updates, state = optimiser.update(jax.grad(loss)(theta, *operands), state)
    return optax.apply_updates(theta, updates), state


# ---------------------------------------------------------------------------------------------------------------
# Sweep and line search
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sweep:
    """Per step: ``iterations`` (-1 where the tolerance was not reached), ``curves`` [tau, step] the risk; the start's
    ``start_components`` |c| along the eigenvectors of mu and L and ``start_norm``; ``line_search`` the risk gaps."""

    iterations: np.ndarray
    curves: np.ndarray
    start_components: np.ndarray
    start_norm: float
    line_search: np.ndarray


@partial(jax.jit, static_argnames=("steps", "curve_steps"))
def _sweep(X, ys, starts, stars, taus, searching, steps, curve_steps):
    """Per run: ||theta_l - theta*|| at every step and the risk at steps 0..curve_steps. A run steps by its tau, or
    (``searching``) by exact line search g^T g / g^T H g (H g by ``jax.jvp`` of the gradient; a zero step once the
    gradient vanishes)."""
    gradient = jax.grad(risk)

    def run(y, theta0, star, tau, search):
        def body(theta, _):
            g = gradient(theta, X, y)
            curvature = jnp.dot(g, jax.jvp(lambda t: gradient(t, X, y), (theta,), (g,))[1])
            exact = jnp.where(curvature > 0, jnp.dot(g, g) / jnp.where(curvature > 0, curvature, 1.0), 0.0)
            theta = optax.apply_updates(theta, -jnp.where(search, exact, tau) * g)
            return theta, (jnp.linalg.norm(theta - star), risk(theta, X, y))

        _, (errors, risks) = jax.lax.scan(body, theta0, length=steps)
        return errors, jnp.concatenate([risk(theta0, X, y)[None], risks[:curve_steps]])

    return jax.vmap(run)(ys, starts, stars, taus, searching)


def sweep(problem: data.LeastSquares, rng: np.random.Generator, taus, tolerance: float, steps: int,
          curve_steps: int) -> Sweep:
    """Gradient descent at every step of ``taus`` from theta* + z (y = X theta*), and exact line search from z
    (y = 0, so that the risk gap is the risk itself, to relative rounding), in one vmapped program."""
    (n, d), count = problem.X.shape, len(taus)
    theta_star, z = rng.standard_normal((2, d))
    ys = np.concatenate([np.tile(problem.X @ theta_star, (count, 1)), np.zeros((1, n))])
    stars = np.concatenate([np.tile(theta_star, (count, 1)), np.zeros((1, d))])
    errors, curves = _sweep(problem.X, ys, stars + z, stars, jnp.asarray(np.append(taus, 0.0)),
                            jnp.asarray(np.arange(count + 1) == count), steps, curve_steps)
    errors, curves = np.asarray(errors)[:count], np.asarray(curves)
    start_norm = float(np.linalg.norm(z))
    reached = errors <= tolerance * start_norm
    iterations = np.where(reached.any(axis=1), np.argmax(reached, axis=1) + 1, -1)
    components = np.abs(problem.eigenvectors.T @ z)[[problem.low, problem.high]]
    return Sweep(iterations=iterations, curves=curves[:count], start_components=components, start_norm=start_norm,
                 line_search=curves[count])


# ---------------------------------------------------------------------------------------------------------------
# Bisection of the divergence threshold
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bisection:
    """The found step (midpoint of the final bracket) and the band (lo, hi) of step L/2 - 1 the oracle allows."""

    step: float
    band: tuple[float, float]


def _paired_risk(theta, X, logistic):
    """On the doubled sample [X; -X] (labels +1): the logistic risk, or (``logistic`` false) the homogeneous least
    squares (1/(2n)) sum over both halves of (x^T theta)^2, which is the slide's (1/n) sum (x_i^T theta)^2."""
    return jnp.where(logistic, logistic_risk(theta, X, jnp.ones(X.shape[0], X.dtype)),
                     risk(theta, X, jnp.zeros(X.shape[0], X.dtype)))


def _fires(X, logistic, theta0, tau, steps):
    """Whether some iterate of at most ``steps`` steps has norm above ||theta0|| (NaN counts as above)."""
    optimiser = optax.sgd(tau)
    radius = jnp.linalg.norm(theta0)

    def cond(carry):
        count, _, _, out = carry
        return (count < steps) & ~out

    def body(carry):
        count, theta, state, _ = carry
        theta, state = _step(_paired_risk, theta, state, optimiser, X, logistic)
        return count + 1, theta, state, ~(jnp.linalg.norm(theta) <= radius)

    return jax.lax.while_loop(cond, body, (0, theta0, optimiser.init(theta0), False))[3]


@partial(jax.jit, static_argnames=("steps", "rounds"))
def _bisect(X, logistic, theta0, high, steps, rounds):
    """Bisection of the firing step in [0, high], vmapped over problems: (low, top, whether high fired)."""
    def one(logistic, theta0, high):
        def body(_, bracket):
            low, top = bracket
            middle = (low + top) / 2
            up = _fires(X, logistic, theta0, middle, steps)
            return jnp.where(up, low, middle), jnp.where(up, middle, top)

        low, top = jax.lax.fori_loop(0, rounds, body, (jnp.zeros_like(high), high))
        return low, top, _fires(X, logistic, theta0, high, steps)

    return jax.vmap(one)(logistic, theta0, high)


def step_rounding(X: np.ndarray, tau: float, L: float, unit: float) -> float:
    """First-order relative rounding of one homogeneous least-squares step on the rows of ``X`` in ``unit``: the
    gradient's two inner products (gamma_d, gamma_n over the n rows) on (2/n)|X|^T|X|, the product by tau and the
    update (u each)."""
    n, d = X.shape
    absolute = np.linalg.norm(np.abs(X).T @ np.abs(X), 2) * 2 / n
    return float(tau * (gamma(n, unit) + gamma(d, unit)) * absolute + unit * tau * L + unit * (1 + tau * L))


def _band(problem, theta0_norm, top_component, steps, rounds, high, L, perturbation, smallest_visited):
    """(lo, hi) of step L/2 - 1 (module docstring); raises if the rounding margin below 2/L fails."""
    d = problem.eigenvalues.size
    rho = theta0_norm / top_component
    if rho * steps * perturbation >= 1:
        raise ValueError(f"the bisection's perturbation {perturbation:.3g} per step is too large for {steps} steps")
    width = high / 2**rounds
    others = np.delete(problem.eigenvalues, problem.high) / problem.L * L
    f2 = float(np.max(np.maximum(np.abs(1 - smallest_visited * others), np.abs(1 - 2 / L * others))))
    margin = math.sqrt(1 / d + (1 - 1 / d) * f2**2) + steps * perturbation + 2 * gamma(d + 1, unit_roundoff("float64"))
    if margin >= 1:
        raise ValueError(f"the bisection cannot tell rounding from growth below 2/L (margin {margin:.6g} >= 1)")
    return -width * L / 4, growth_resolution(rho / (1 - rho * steps * perturbation), steps) + width * L / 4


def bisect_threshold(problem: data.LeastSquares, steps: int, rounds: int) -> tuple[Bisection, Bisection]:
    """The divergence thresholds of the homogeneous least-squares risk and of the symmetric logistic risk, both on
    the doubled sample [X; -X] (module docstring), one vmapped program."""
    X, (n, d) = problem.X, problem.X.shape
    paired = np.concatenate([X, -X])
    u64 = unit_roundoff("float64")
    start = np.zeros(d)
    start[0] = 1.0
    radius = LOGISTIC_MARGIN / float(np.max(np.linalg.norm(X, axis=1)))
    smoothness = (problem.L, problem.L / 8)  # the logistic Hessian at 0 is X^T X/(4n) = H/8
    starts = np.stack([start, radius * start])
    highs = np.array([3 * d / (float(np.sum(problem.eigenvalues)) * L / problem.L) for L in smoothness])
    lows, tops, fired = (np.asarray(v) for v in _bisect(jnp.asarray(paired), jnp.asarray([False, True]),
                                                        jnp.asarray(starts), jnp.asarray(highs), steps, rounds))
    top = abs(problem.eigenvectors[0, problem.high])
    out = []
    for index, L in enumerate(smoothness):
        if not fired[index]:
            raise FloatingPointError(f"the bisection's top step {highs[index]!r} did not diverge in {steps} steps")
        perturbation = step_rounding(paired, 2.02 / L, L, u64)
        if index == 1:
            gradient_error = gamma(2 * n + d + 8, u64) * float(np.sum(np.linalg.norm(X, axis=1))) / n
            perturbation += 2.02 * LOGISTIC_MARGIN**2 / 4 + 2.02 / L * gradient_error / radius
        norm = float(np.linalg.norm(starts[index]))
        band = _band(problem, norm, top * norm, steps, rounds, float(highs[index]), L, perturbation,
                     smallest_visited=(1 - 0.01) / L)
        out.append(Bisection(step=float(lows[index] + tops[index]) / 2, band=band))
    return out[0], out[1]


# ---------------------------------------------------------------------------------------------------------------
# One-step ratios in two formats
# ---------------------------------------------------------------------------------------------------------------

@jax.jit
def _one_step(X, starts, taus):
    """||theta_1|| / ||theta_0|| after one optax.sgd step on the homogeneous risk: [dataset, tau, start]."""
    def ratio(X, start, tau):
        optimiser = optax.sgd(tau)
        theta, _ = _step(risk, start, optimiser.init(start), optimiser, X, jnp.zeros(X.shape[0], X.dtype))
        return jnp.linalg.norm(theta) / jnp.linalg.norm(start)

    per_tau = jax.vmap(jax.vmap(ratio, (None, 0, None)), (None, None, 0))
    return jax.vmap(per_tau, (0, 0, None))(X, starts, taus)


def _starts(problem: data.LeastSquares, rng: np.random.Generator) -> np.ndarray:
    """Four starts (float64): Gaussian, a Gaussian combination of the extreme eigenvectors, each extreme eigenvector."""
    generic = rng.standard_normal(problem.X.shape[1])
    a, b = rng.standard_normal(2)
    low, high = problem.eigenvectors[:, problem.low], problem.eigenvectors[:, problem.high]
    return np.stack([generic, a * low + b * high, low, high])


def one_step_ratios(problems, rng: np.random.Generator, taus, formats) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(measured ratio, measured - exact, worst-case rounding bound), each [format, dataset, tau, start]."""
    starts = np.stack([_starts(p, rng) for p in problems])
    X = np.stack([p.X for p in problems])
    n, d = X.shape[1:]
    shape = (len(formats), len(problems), len(taus), starts.shape[1])
    measured, deviation, bound = np.empty(shape), np.empty(shape), np.empty(shape)
    absolute = np.einsum("kij,kil->kjl", np.abs(X), np.abs(X))
    for f, dtype in enumerate(formats):
        typed_starts, typed_taus = starts.astype(dtype), np.asarray(taus).astype(dtype)
        measured[f] = np.asarray(_one_step(jnp.asarray(X.astype(dtype)), jnp.asarray(typed_starts),
                                           jnp.asarray(typed_taus)), dtype=np.float64)
        s = typed_starts.astype(np.float64)
        hessian = 2 * np.einsum("kij,kil->kjl", X, X) / n
        g = np.einsum("kjl,ksl->ksj", hessian, s)
        tau = typed_taus.astype(np.float64)[None, :, None, None]
        after = np.linalg.norm(s[:, None] - tau * g[:, None], axis=-1)
        start_norm = np.linalg.norm(s, axis=-1)[:, None]
        bound[f] = np.asarray(_rounding_bound(
            tau[..., 0], n, d, unit_roundoff(dtype),
            np.linalg.norm(np.einsum("kjl,ksl->ksj", absolute, np.abs(s)), axis=-1)[:, None],
            np.linalg.norm(g, axis=-1)[:, None], after, start_norm, after / start_norm))
        for k, problem in enumerate(problems):
            deviation[f, k] = data.spectral_ratios(problem, typed_starts[k], typed_taus, measured[f, k])
    return measured, deviation, bound
