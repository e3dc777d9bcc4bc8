r"""Experiment: gradient descent on separable logistic regression, against the max-margin separator and its residual.

**Data** (drawn per key, 2-D): support vectors $z_1 = R(1,1)$, $z_2 = R(1,-2)$ and ``points`` others
$R(1+a, b)$, $a \sim U[1, 2]$, $b \sim U[3, 5]$ (one side, so that least squares and the mean
difference tilt away from $\hat w$), $R$ a random rotation; labels $y_i = \pm1$ at random and
$x_i = y_iz_i$. By :func:`theorems.optimisation.implicit_bias.prove_support_example`, $\hat w = R(1,0)$ with
$\alpha = (2/3, 1/3)$; the experiment computes $\hat w$ *independently* by SLSQP on $\min\frac12\|w\|^2$,
$Zw \ge 1$, and every check uses the QP's $\hat w$. The limit of the residual, $\tilde w$, solves
$\frac\eta n e^{-z_i^\top\tilde w} = \alpha_i$ on the two support vectors (they span the plane).

**Runs** (jitted ``lax.scan``, ``optax.sgd``, float64): ``steps`` steps at $\eta = $ ``step_L``$/L$ from
$\theta_0 = 0$, recorded at geometric checkpoints; and on the non-separable data (the same points plus the two
label-flipped support vectors, so $0$ is inside the hull of the $\pm z$ and the risk is coercive and strictly convex)
``nonseparable_steps`` steps, against the minimiser found by scipy's BFGS.

**Checks** on the *tail*, the checkpoints with $\ell \ge \ell_{\max}/100$ (the transient before the support
margins exceed a few units is excluded). The paper gives no constants, so each tolerance is a stated choice:

* residual bounded: $\max_{\rm tail}\|r_\ell - r_{\ell_{\max}}\| \le \frac1{10}\|\hat w\|\log 100$,
  $r_\ell = \theta_\ell - \hat w\log\ell$: the residual moves by less than a tenth of what $\theta$ moves along $\hat w$
  (fails for $\|\theta\|\propto\ell$, for a direction at more than about 6° from $\hat w$, for a constant 10x off);
* residual limit: $\|r_{\ell_{\max}} - \tilde w\| \le \epsilon = \frac1{300}\|\tilde w\|$ (its sharp
  partners are the next two, whose intervals it sets);
* two-sided norm: $|\|\theta_\ell\| - \|\hat w\log\ell + \tilde w\|| \le \epsilon$ at $\ell_{\max}$ (the
  triangle inequality on the residual limit), i.e. $\|\theta_\ell\|/\log\ell = \|\hat w\| + O(1/\log\ell)$ with
  the $1/\log\ell$ term predicted (:func:`theorems.optimisation.implicit_bias.prove_norm_rate`);
* angle: $\sin\angle(\theta_\ell, \hat w)$ non-increasing along the tail, and $\log\ell\cdot\sin\angle$ at $\ell_{\max}$
  in $[(\|\tilde w_\perp\|-\epsilon)\log\ell/(\|\hat w\|\log\ell + \|\tilde w\| + \epsilon),
  (\|\tilde w_\perp\|+\epsilon)\log\ell/(\|\hat w\|\log\ell - \|\tilde w\| - \epsilon)]$ (the same triangle
  inequality, $\theta_\perp = r_\perp$);
* non-separable: the gradient norm's per-step rate, from where it first falls below $10^{-6}\|g_0\|$ to where it
  first falls below $10^{-12}\|g_0\|$, is $q = 1 - \eta\lambda_{\min}(\nabla^2\mathcal E(\theta^\star))$ to within
  $100\cdot10^{-6}/m$ relative over a window of $m$ steps (the slower eigendirection dominates there, the faster
  one's share having decayed by $(q_{\rm fast}/q)^\ell$; the nonlinear part of the gradient is
  $O(\|\theta - \theta^\star\|)$ relative, about $10^{-6}$ at the window's start, and a relative change $\delta$ of
  the end ratio moves the $m$-th root by $\delta/m$; the factor 100 is a stated choice: measured about
  $15\cdot10^{-6}/m$,
  the nonlinear share being a few times $\|\theta-\theta^\star\|$); and
  $\|\theta_N - \theta_{\rm scipy}\| \le 2(\|g_N\| + \|g_{\rm scipy}\|)/\lambda_{\min}$ (strong convexity, at least
  half its value at $\theta^\star$ this close to it).

**Wrong neighbours**: $\|\theta\|\propto\ell$; the direction of least squares or of the class-mean difference; the
angle decaying like $1/\ell$; and (looser) $\|\theta_\ell\|/\log\ell \to$ a constant up to 10x $\|\hat w\|$, taken at
$10\|\hat w\|$ by the two-sided norm check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax
from scipy import optimize

from numerics.neighbours import Neighbour
from numerics.optimisation.exact_least_squares import generator
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields
from theorems.core import Check, numeric
from theorems.optimisation import implicit_bias as statement

ID = statement.ID
SUPPORT = np.array([[1.0, 1.0], [1.0, -2.0]])
ALPHA = np.array([2.0 / 3.0, 1.0 / 3.0])
TAIL = 100
"""The tail: checkpoints with ell >= ell_max / TAIL."""
WINDOW = (1e-6, 1e-12)
"""The non-separable rate is measured between the first steps where ||g|| falls below these fractions of ||g_0||."""


@dataclass(frozen=True)
class Config:
    """``points`` non-support points, ``steps`` gradient steps on the separable data (``checkpoints`` geometric
    records), the step ``step_L`` = eta L in (0, 2), ``nonseparable_steps`` on the non-separable data."""

    points: int = 14
    steps: int = 2**20
    checkpoints: int = 40
    step_L: float = 1.0
    nonseparable_steps: int = 4000

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "points", "steps", "checkpoints", "nonseparable_steps")
        if not 0 < self.step_L < 2:
            raise ValueError(f"step_L = eta L must be in (0, 2) (the theorem needs 0 < eta < 2/L, "
                             f"L = ||X||^2/(4n)), got {self.step_L!r}")
        if self.steps < 2**14:
            raise ValueError(f"steps must be >= 2^14 (the tail [steps/{TAIL}, steps] must start past the transient), "
                             f"got {self.steps!r}")
        if self.checkpoints < 8:
            raise ValueError(f"checkpoints must be >= 8, got {self.checkpoints!r}")
        if self.nonseparable_steps < 400:
            raise ValueError(f"nonseparable_steps must be >= 400 (room for the rate's window from 1e-6 to 1e-12 "
                             f"of the first gradient), "
                             f"got {self.nonseparable_steps!r}")
        require_memory(self, ("points", "steps", "checkpoints", "nonseparable_steps"))

    def peak_bytes(self) -> int:
        """The recorded iterates (steps x 2), the gradient norms, the data."""
        return (array_bytes(self.steps, 2) + array_bytes(self.nonseparable_steps)
                + array_bytes(self.points + 4, 2 * self.checkpoints + 4))

    @classmethod
    def small(cls) -> "Config":
        return cls(points=6, steps=2**18, checkpoints=24, nonseparable_steps=2000)


@dataclass(frozen=True)
class Result:
    """``z`` (n, 2) = y x; ``labels``; ``w_hat`` (QP), ``w_hat_exact`` (construction), ``alpha`` (QP), ``w_tilde``;
    ``step`` eta and ``L``; ``ells`` checkpoints and ``thetas`` there; ``w_least_squares``, ``w_mean_difference``;
    non-separable: ``grad_norms`` per step, ``ns_theta`` final, ``ns_theta_scipy``, ``ns_grad_scipy`` (its gradient
    norm), ``ns_lambda_min``, ``ns_step``."""

    z: np.ndarray
    labels: np.ndarray
    w_hat: np.ndarray
    w_hat_exact: np.ndarray
    alpha: np.ndarray
    w_tilde: np.ndarray
    step: np.ndarray
    L: np.ndarray
    ells: np.ndarray
    thetas: np.ndarray
    w_least_squares: np.ndarray
    w_mean_difference: np.ndarray
    grad_norms: np.ndarray
    ns_theta: np.ndarray
    ns_theta_scipy: np.ndarray
    ns_grad_scipy: np.ndarray
    ns_lambda_min: np.ndarray
    ns_step: np.ndarray


def smoothness(z: np.ndarray) -> float:
    """L = ||X||_2^2 / (4n) of the mean logistic risk (||X|| = ||Z||: the rows differ by signs)."""
    return float(np.linalg.norm(z, 2) ** 2 / (4 * z.shape[0]))


def risk(theta, z):
    return jnp.mean(jax.nn.softplus(-z @ theta))


def run(z, step: float, steps: int):
    """Gradient descent (optax.sgd) from 0: the iterates theta_1..theta_steps and the gradient norms at theta_0.."""
    if not (np.all(np.isfinite(z)) and math.isfinite(step) and step > 0):
        raise ValueError(f"data and step must be finite and the step positive, got step={step!r}")
    optimiser = optax.sgd(step)
    grad = jax.grad(risk)

    @jax.jit
    def scan(z):
        def one(carry, _):
            theta, state = carry
            g = grad(theta, z)
            updates, state = optimiser.update(g, state)
            theta = optax.apply_updates(theta, updates)
            return (theta, state), (theta, jnp.linalg.norm(g))
        theta0 = jnp.zeros(z.shape[1])
        return jax.lax.scan(one, (theta0, optimiser.init(theta0)), None, length=steps)[1]

    thetas, norms = scan(jnp.asarray(z))
    thetas, norms = np.asarray(thetas), np.asarray(norms)
    if not np.all(np.isfinite(thetas)):
        raise FloatingPointError(f"gradient descent at eta = {step!r} produced non-finite iterates")
    return thetas, norms


def max_margin(z: np.ndarray) -> np.ndarray:
    """min ||w||^2/2 s.t. z w >= 1 by SLSQP (independent of the construction)."""
    solution = optimize.minimize(lambda w: 0.5 * w @ w, np.ones(z.shape[1]), jac=lambda w: w, method="SLSQP",
                                 constraints=[{"type": "ineq", "fun": lambda w: z @ w - 1, "jac": lambda w: z}],
                                 options={"ftol": 1e-15, "maxiter": 500})
    return np.asarray(solution.x)


def _numpy_gradient(theta, z):
    return -(z.T @ (1 / (1 + np.exp(z @ theta)))) / z.shape[0]


def _hessian(theta, z):
    s = 1 / (1 + np.exp(-z @ theta))
    return (z.T * (s * (1 - s))) @ z / z.shape[0]


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    rng = generator(key)
    angle = rng.uniform(0, 2 * np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    others = np.stack([1 + rng.uniform(1.0, 2.0, config.points), rng.uniform(3.0, 5.0, config.points)], 1)
    z = np.concatenate([SUPPORT, others]) @ rotation.T
    labels = rng.choice([-1.0, 1.0], z.shape[0])
    n = z.shape[0]
    L = smoothness(z)
    step = config.step_L / L
    w_hat = max_margin(z)
    alpha = np.linalg.solve(z[:2].T, w_hat)
    w_tilde = np.linalg.solve(z[:2], np.log(step / (n * alpha)))
    thetas, _ = run(z, step, config.steps)
    ells = np.unique(np.geomspace(1, config.steps, config.checkpoints).astype(int))
    x = z * labels[:, None]
    mean_difference = x[labels > 0].mean(0) - x[labels < 0].mean(0) if np.any(labels < 0) else x.mean(0)
    flipped = np.concatenate([z, -z[:2]])
    ns_step = config.step_L / smoothness(flipped)
    ns_thetas, grad_norms = run(flipped, ns_step, config.nonseparable_steps)
    fit = optimize.minimize(lambda w: float(np.mean(np.logaddexp(0, -flipped @ w))), np.zeros(2),
                            jac=lambda w: _numpy_gradient(w, flipped), method="BFGS", options={"gtol": 1e-12})
    lam = float(np.linalg.eigvalsh(_hessian(fit.x, flipped))[0])
    return Result(z=z, labels=labels, w_hat=w_hat, w_hat_exact=rotation @ np.array([1.0, 0.0]), alpha=alpha,
                  w_tilde=w_tilde, step=np.asarray(step), L=np.asarray(L), ells=ells, thetas=thetas[ells - 1],
                  w_least_squares=np.linalg.lstsq(z, np.ones(n), rcond=None)[0], w_mean_difference=mean_difference,
                  grad_norms=grad_norms, ns_theta=ns_thetas[-1], ns_theta_scipy=np.asarray(fit.x),
                  ns_grad_scipy=np.asarray(np.linalg.norm(_numpy_gradient(fit.x, flipped))),
                  ns_lambda_min=np.asarray(lam), ns_step=np.asarray(ns_step))


# ---------------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------------

def tail(result: Result) -> np.ndarray:
    return np.asarray(result.ells) >= result.ells[-1] / TAIL


def sines(thetas: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """sin of the angle between each row of ``thetas`` and ``direction``."""
    cross = np.abs(thetas[:, 0] * direction[1] - thetas[:, 1] * direction[0])
    return cross / (np.linalg.norm(thetas, axis=1) * np.linalg.norm(direction))


def tolerance(result: Result) -> float:
    """epsilon = ||w_tilde|| / 300 (a choice: the paper states no constant for rho_l -> w_tilde)."""
    return float(np.linalg.norm(result.w_tilde)) / 300


def growth_checks(result: Result, w: np.ndarray, name: str) -> list[Check]:
    """The residual theta_l - w log l bounded over the tail, for a claimed limit vector ``w``."""
    keep = tail(result)
    residual = result.thetas[keep] - np.outer(np.log(result.ells[keep]), w)
    moved = float(np.max(np.linalg.norm(residual - residual[-1], axis=1)))
    return [numeric(ID, f"{name}: residual theta_l - w log l bounded: max over the tail of ||r_l - r_lmax|| <= "
                        f"||w|| log {TAIL} / 10", moved, "<=", 0.1 * float(np.linalg.norm(w)) * math.log(TAIL))]


def norm_check(result: Result, limit: float, name: str) -> Check:
    """Two-sided: | ||theta_l|| - ||limit w_hat/||w_hat|| log l + w_tilde|| | <= eps at l_max (triangle inequality on
    the residual limit): ||theta_l||/log l = limit + O(1/log l) with the 1/log l term predicted."""
    log_l = math.log(result.ells[-1])
    unit = np.asarray(result.w_hat) / float(np.linalg.norm(result.w_hat))
    predicted = float(np.linalg.norm(limit * unit * log_l + result.w_tilde))
    return numeric(ID, f"{name}: | ||theta_l|| - ||{limit:.6g} log l w_hat/||w_hat|| + w_tilde|| | <= eps at l = "
                       f"{int(result.ells[-1])}", abs(float(np.linalg.norm(result.thetas[-1])) - predicted), "<=",
                   tolerance(result))


def angle_checks(result: Result, direction: np.ndarray, name: str) -> list[Check]:
    """Angle to ``direction`` non-increasing along the tail; log l sin(angle) at l_max in the interval of the
    residual limit (module docstring)."""
    keep = tail(result)
    sine = sines(result.thetas[keep], direction)
    w_hat, w_tilde, eps = result.w_hat, result.w_tilde, tolerance(result)
    perp = float(sines(w_tilde[None, :], w_hat)[0] * np.linalg.norm(w_tilde))
    log_l = math.log(result.ells[-1])
    norm_hat, norm_tilde = float(np.linalg.norm(w_hat)), float(np.linalg.norm(w_tilde))
    low = max(perp - eps, 0.0) * log_l / (norm_hat * log_l + norm_tilde + eps)
    high = (perp + eps) * log_l / (norm_hat * log_l - norm_tilde - eps)
    return [numeric(ID, f"{name}: the angle decreases along the tail: max increase of sin(angle) between "
                        f"checkpoints", float(np.max(np.diff(sine))), "<=", 0.0),
            numeric(ID, f"{name}: log l * sin(angle) at l_max in the interval of ||w_tilde_perp|| / ||w_hat||",
                    float(sine[-1] * log_l), "in", (low, high))]


def nonseparable_checks(result: Result) -> list[Check]:
    norms = np.asarray(result.grad_norms)
    below = [int(np.argmax(norms <= level * norms[0])) if np.any(norms <= level * norms[0]) else -1
             for level in WINDOW]
    start, stop = below
    rate = (norms[stop] / norms[start]) ** (1.0 / (stop - start)) if 0 < start < stop else math.inf
    q = 1 - float(result.ns_step) * float(result.ns_lambda_min)
    distance = float(np.linalg.norm(result.ns_theta - result.ns_theta_scipy))
    bound = 2 * (float(norms[-1]) + float(result.ns_grad_scipy)) / float(result.ns_lambda_min)
    return [numeric(ID, "non-separable: gradient norm's per-step rate from 1e-6 to 1e-12 of ||g_0|| / "
                        "(1 - eta lambda_min(Hessian at the minimiser)) - 1", abs(rate / q - 1), "<=",
                    100 * WINDOW[0] / max(stop - start, 1)),
            numeric(ID, "non-separable: ||theta_N - theta_scipy|| <= 2 (||g_N|| + ||g_scipy||) / lambda_min",
                    distance, "<=", bound)]


def checks(result: Result, config: Config) -> list[Check]:
    w_hat = np.asarray(result.w_hat)
    residual = result.thetas[-1] - w_hat * math.log(result.ells[-1])
    return ([numeric(ID, "SLSQP max-margin vector = the construction's R(1, 0)",
                     float(np.linalg.norm(w_hat - result.w_hat_exact)), "<=", 1e-6)]
            + growth_checks(result, w_hat, "max-margin")
            + [numeric(ID, "residual limit: ||theta_lmax - w_hat log l_max - w_tilde|| <= ||w_tilde|| / 300",
                       float(np.linalg.norm(residual - result.w_tilde)), "<=", tolerance(result)),
               norm_check(result, float(np.linalg.norm(w_hat)), "max-margin")]
            + angle_checks(result, w_hat, "max-margin") + nonseparable_checks(result))


def _direction(result: Result, vector: np.ndarray) -> np.ndarray:
    """``vector`` rescaled to the norm of w_hat (a claimed direction with the true growth constant)."""
    return vector * float(np.linalg.norm(result.w_hat)) / float(np.linalg.norm(vector))


def _linear_growth(result: Result, config: Config) -> list[Check]:
    keep = tail(result)
    per_step = np.linalg.norm(result.thetas[keep], axis=1) / result.ells[keep]
    return [numeric(ID, "||theta_l|| / l constant along the tail (within a factor 2)",
                    float(per_step[-1] / per_step[0]), "in", (0.5, 2.0))]


def _angle_one_over_ell(result: Result, config: Config) -> list[Check]:
    keep = tail(result)
    scaled = sines(result.thetas[keep], result.w_hat) * result.ells[keep]
    return [numeric(ID, "l * sin(angle) constant along the tail (within a factor 2)",
                    float(scaled[-1] / scaled[0]), "in", (0.5, 2.0))]


def _other_direction(field: str, name: str):
    def judged(result: Result, config: Config) -> list[Check]:
        w = _direction(result, getattr(result, field))
        return growth_checks(result, w, name) + angle_checks(result, w, name)[1:]
    return judged


NEIGHBOURS = (
    Neighbour("norm-linear", "||theta_l|| grows like l (a constant fraction of the step each step)", _linear_growth),
    Neighbour("least-squares-direction", "theta_l / ||theta_l|| converges to the least-squares direction",
              _other_direction("w_least_squares", "least squares")),
    Neighbour("mean-difference-direction", "theta_l / ||theta_l|| converges to the class-mean difference",
              _other_direction("w_mean_difference", "mean difference")),
    Neighbour("angle-one-over-ell", "the angle to the max-margin direction decays like 1/l", _angle_one_over_ell),
    Neighbour("norm-constant-within-10x", "||theta_l|| / log l tends to a constant within 10x of ||w_hat|| (at 10x)",
              lambda r, c: [norm_check(r, 10 * float(np.linalg.norm(r.w_hat)), "10 ||w_hat||")], looser=True),
)
