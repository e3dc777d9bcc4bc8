r"""Experiment: a Neural ODE cannot reverse the line; a ResNet with large steps can; small blocks invert by Banach.

**Fitting $x \mapsto -x$.** On the midpoint grid $x_j = -1 + (2j+1)/n$ (symmetric about $0$) two models are trained
by optax (Adam) on the mean squared error against $-x$, reported as the $L^2[-1, 1]$ error$^2$ $= 2\cdot$ mean:

* a Neural ODE: $\dot x = v_\theta(t, x)$, $v_\theta$ a one-hidden-layer tanh network of $(x, t)$, solved by
  ``ode_steps`` Euler steps (fine steps, small residuals: the flow's Euler map); its error$^2$ is checked
  one-sided against the infimum over maps increasing on the grid, $2\cdot\mathrm{mean}(x_j^2)$ — exactly, by
  Chebyshev's sum inequality (:mod:`theorems.architectures.neural_ode`), so no quadrature tolerance enters. That the
  map it learned is increasing on the grid, and that every block's measured slope $1 + \partial_x v/T$ stays
  positive, are checked too (the premise of the bound, measured);
* a ResNet with ``resnet_steps`` blocks $x + v_k(x)/T$, separate tanh networks, unconstrained: it fits $-x$ to an
  error$^2$ below a tenth of the infimum, its largest residual slope $|\partial_x v_k|/T$ is at least 1 (the
  Lipschitz condition fails), and the trajectories of $\pm 1$ cross (the order of the end points reverses).

**Inverting one block.** A random tanh block $F(x) = x + g(x)$ in $\mathbb R^d$, $g(x) = W_2\tanh(W_1 x + b)$ scaled so
that $\|W_2\|_2\|W_1\|_2 = \kappa < 1$ (so $\mathrm{Lip}(g) \le \kappa$), is inverted at $y = F(x)$ by ``iterations``
steps of $z \mapsto y - g(z)$ from $z_0 = y$; Banach's bound $\|z_n - x\| \le \kappa^n\|z_0 - x\|$ plus the rounding
floor $2u\|x\|/(1-\kappa)$ (one rounding of the update per step, summed geometrically) is checked. Without the
condition a block folds: $x - \kappa'\tanh x$, $\kappa' = 2$, has three zeros (counted as sign changes on a fine grid).

**Wrong neighbours**: "a Neural ODE can fit $x \mapsto -x$" (its error$^2$ below a tenth of the infimum: rejected by
the trained ODE); "any ResNet is invertible / increasing" (the large-step ResNet's error$^2$ would then be above the
infimum, and the folding block would have one zero: both rejected).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax

from numerics.compiling import run_fast
from numerics.measure import unit_roundoff
from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.training import check_training, descend
from numerics.validation import require_counts, require_fields, require_positive
from theorems.architectures import neural_ode as statement
from theorems.core import Check, numeric

ID = statement.ID
FIT_FRACTION = 0.1
"""A fit "reaches" x -> −x when its error² is below this fraction of the infimum for increasing maps."""
FOLDING_GAIN = 2.0


@dataclass(frozen=True)
class Config:
    """``grid``: points on [−1, 1]; ``width``: hidden units; ``ode_steps``, ``resnet_steps``: blocks; ``train_steps``,
    ``learning_rate``: Adam; ``dim``, ``contraction``, ``iterations``: the Banach inversion (``contraction`` = κ)."""

    grid: int = 128
    width: int = 16
    ode_steps: int = 32
    resnet_steps: int = 2
    train_steps: int = 600
    learning_rate: float = 0.02
    dim: int = 4
    contraction: float = 0.5
    iterations: int = 20

    def __post_init__(self):
        require_fields(self)
        require_counts(self, "grid", "width", "ode_steps", "resnet_steps", "train_steps", "dim", "iterations")
        if self.grid % 2:
            raise ValueError(f"grid must be even (a grid symmetric about 0 without the point 0), got {self.grid!r}")
        require_positive(self, "learning_rate", "contraction")
        if not self.contraction < 1:
            raise ValueError(f"contraction must be in (0, 1) (a Banach contraction), got {self.contraction!r}")
        require_memory(self, ("grid", "width", "ode_steps", "resnet_steps", "train_steps", "dim", "iterations"))

    def peak_bytes(self) -> int:
        """Estimated peak: backpropagation through the blocks keeps (steps + 1, grid, width) activations (x4 for
        tanh, its derivative and the two models), the losses (2, train_steps), the inversion's (256, dim) and
        (256, width) arrays x4, the inversion's errors and bounds (iterations, 256), the folding grid; float64."""
        steps = self.ode_steps + self.resnet_steps + 2
        return (4 * array_bytes(steps, self.grid, self.width) + array_bytes(2, self.train_steps)
                + 4 * array_bytes(256, self.dim + self.width) + 2 * array_bytes(self.iterations, 256)
                + 2 * array_bytes(6000))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: 64 points, 16 Euler steps, 300 Adam steps."""
        return cls(grid=64, ode_steps=16, train_steps=300)


@dataclass(frozen=True)
class Result:
    """Fits: ``grid`` (x), ``ode_map``/``resnet_map`` (f(x)), their L² error² ``ode_error``/``resnet_error``, the
    ``infimum``; ``ode_slope_min`` (min block slope 1 + v'/T), ``resnet_residual_slope`` (max |v'|/T), ``ode_norm``
    (the ODE's weight norm), ``ode_trajectories``/``resnet_trajectories`` [step, point] of ±1 and a few points; the
    inversion's ``inversion_error``, ``inversion_bound`` [iteration, point]; the folding block's ``folding_zeros``."""

    grid: np.ndarray
    ode_map: np.ndarray
    resnet_map: np.ndarray
    ode_error: np.ndarray
    resnet_error: np.ndarray
    infimum: np.ndarray
    ode_slope_min: np.ndarray
    resnet_residual_slope: np.ndarray
    ode_norm: np.ndarray
    ode_trajectories: np.ndarray
    resnet_trajectories: np.ndarray
    inversion_error: np.ndarray
    inversion_bound: np.ndarray
    folding_zeros: np.ndarray


def midpoint_grid(n: int) -> np.ndarray:
    """x_j = −1 + (2j + 1)/n, symmetric about 0 (float64)."""
    return -1 + (2 * np.arange(n, dtype=np.float64) + 1) / n


def _mlp(params, inputs):
    w1, b1, w2, b2 = params
    return jnp.tanh(inputs @ w1 + b1) @ w2 + b2


def _init(key, fan_in: int, width: int, scale: float):
    k1, k2 = jax.random.split(key)
    return (jax.random.normal(k1, (fan_in, width), jnp.float64) * scale, jnp.zeros(width, jnp.float64),
            jax.random.normal(k2, (width, 1), jnp.float64) * scale / np.sqrt(width), jnp.zeros(1, jnp.float64))


def ode_field(params, t, x):
    """v_θ(t, x) for a column x of points: the tanh network of (x, t)."""
    return _mlp(params, jnp.concatenate([x, jnp.full_like(x, t)], axis=1))


def ode_trajectory(params, x, steps: int):
    """Euler x_{k+1} = x_k + v(k/T, x_k)/T; returns every state [step, point]."""
    def block(z, k):
        z = z + ode_field(params, k / steps, z) / steps
        return z, z

    _, states = jax.lax.scan(block, x, jnp.arange(steps, dtype=jnp.float64))
    return jnp.concatenate([x[None], states])


def resnet_trajectory(params, x):
    """x_{k+1} = x_k + v_k(x_k)/T with a separate network per block; every state [step, point]."""
    steps = params[0].shape[0]

    def block(z, p):
        z = z + _mlp(p, z) / steps
        return z, z

    _, states = jax.lax.scan(block, x, params)
    return jnp.concatenate([x[None], states])


def _fit(loss, params, config: Config):
    return descend(loss, params, optax.adam(config.learning_rate), steps=config.train_steps)


def _slopes(field, states):
    """d field / dx at every state (1-D fields, elementwise)."""
    return jax.vmap(jax.grad(lambda z: field(z[None, None])[0, 0]))(states.ravel())


def _inversion(key, config: Config):
    kx, kw1, kw2, kb = jax.random.split(key, 4)
    d, width = config.dim, config.width
    w1, w2 = jax.random.normal(kw1, (d, width)), jax.random.normal(kw2, (width, d))
    gain = config.contraction / (jnp.linalg.norm(w1, 2) * jnp.linalg.norm(w2, 2))
    b = jax.random.normal(kb, (width,))

    def g(z):
        return gain * jnp.tanh(z @ w1 + b) @ w2

    x = jax.random.normal(kx, (256, d))
    y = x + g(x)
    def step(z, _):
        z = y - g(z)
        return z, jnp.linalg.norm(z - x, axis=1)

    _, errors = jax.lax.scan(step, y, None, length=config.iterations)
    start = jnp.linalg.norm(y - x, axis=1)
    floor = 2 * unit_roundoff("float64") * jnp.linalg.norm(x, axis=1) / (1 - config.contraction)
    powers = config.contraction ** jnp.arange(1, config.iterations + 1, dtype=jnp.float64)[:, None]
    return errors, powers * start + floor


def _measure(key, config: Config):
    k_ode, k_res, k_inv = jax.random.split(key, 3)
    x = jnp.asarray(midpoint_grid(config.grid))[:, None]
    ode0 = _init(k_ode, 2, config.width, 0.1)
    res0 = jax.vmap(lambda k: _init(k, 1, config.width, 1.0))(jax.random.split(k_res, config.resnet_steps))

    def ode_loss(p):
        return jnp.mean((ode_trajectory(p, x, config.ode_steps)[-1] + x) ** 2)

    def res_loss(p):
        return jnp.mean((resnet_trajectory(p, x)[-1] + x) ** 2)

    ode_p, ode_losses = _fit(ode_loss, ode0, config)
    res_p, res_losses = _fit(res_loss, res0, config)
    ode_states = ode_trajectory(ode_p, x, config.ode_steps)
    res_states = resnet_trajectory(res_p, x)
    times = jnp.arange(config.ode_steps, dtype=jnp.float64) / config.ode_steps
    ode_slopes = jax.vmap(lambda t, z: _slopes(lambda u: ode_field(ode_p, t, u), z))(times, ode_states[:-1])
    res_slopes = jax.vmap(lambda p, z: _slopes(lambda u: _mlp(p, u), z))(res_p, res_states[:-1])
    fine = jnp.linspace(-3.0, 3.0, 6000)  # an even count: 0 and ±x* (= ±1.915) are not grid points
    folded = fine - FOLDING_GAIN * jnp.tanh(fine)
    zeros = jnp.sum(jnp.sign(folded[1:]) != jnp.sign(folded[:-1]))
    inv_err, inv_bound = _inversion(k_inv, config)
    norm = jnp.sqrt(sum(jnp.sum(a**2) for a in jax.tree.leaves(ode_p)))
    return dict(ode_map=ode_states[-1, :, 0], resnet_map=res_states[-1, :, 0],
                ode_error=2 * jnp.mean((ode_states[-1] + x) ** 2), resnet_error=2 * jnp.mean((res_states[-1] + x) ** 2),
                infimum=2 * jnp.mean(x**2), ode_slope_min=jnp.min(1 + ode_slopes / config.ode_steps),
                resnet_residual_slope=jnp.max(jnp.abs(res_slopes)) / config.resnet_steps, ode_norm=norm,
                ode_trajectories=ode_states[:, :, 0], resnet_trajectories=res_states[:, :, 0],
                inversion_error=inv_err, inversion_bound=inv_bound, folding_zeros=zeros,
                losses=jnp.stack([ode_losses, res_losses]))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Train both models, measure their fits and slopes; invert a contracting block; count the folding block's
    zeros."""
    out = {k: np.asarray(v) for k, v in run_fast(_measure, key, config=config).items()}
    check_training(out.pop("losses")[0], context="Neural ODE fit of x -> -x")
    return Result(grid=midpoint_grid(config.grid), **out)


def _increasing(values: np.ndarray) -> float:
    return float(np.min(np.diff(values)))


def ode_checks(result: Result, config: Config) -> list[Check]:
    """The Neural ODE's error² >= the infimum (one-sided; the gap is reported); its map increasing; its blocks'
    slopes positive."""
    return [numeric(ID, "Neural ODE L2 error^2 against x -> -x over the infimum for increasing maps",
                    result.ode_error / result.infimum, ">=", 1.0),
            numeric(ID, "Neural ODE map: min over the grid of f(x_{j+1}) - f(x_j) (increasing)",
                    _increasing(result.ode_map), ">=", 0.0),
            numeric(ID, "Neural ODE blocks: min slope 1 + dv/dx / T over the trajectories", result.ode_slope_min,
                    ">=", 0.0)]


def resnet_checks(result: Result, config: Config) -> list[Check]:
    """The large-step ResNet reaches error² below a tenth of the infimum, its residual slope is >= 1 and the
    trajectories of the end points cross."""
    traj = result.resnet_trajectories
    return [numeric(ID, "large-step ResNet L2 error^2 over the infimum for increasing maps",
                    result.resnet_error / result.infimum, "<=", FIT_FRACTION),
            numeric(ID, "large-step ResNet: max |dv/dx| / T (Lipschitz condition fails)",
                    result.resnet_residual_slope, ">=", 1.0),
            numeric(ID, "large-step ResNet: x_T(last point) - x_T(first point) (the trajectories cross)",
                    float(traj[-1, -1] - traj[-1, 0]), "<=", 0.0)]


def inversion_checks(result: Result, config: Config) -> list[Check]:
    """Banach: max over points of ||z_n − x|| / (κ^n ||z_0 − x|| + rounding floor) <= 1; the folding block has 3
    zeros."""
    return [numeric(ID, f"fixed-point inversion of x + g(x), Lip(g) <= {config.contraction:g}: error / Banach bound "
                        f"at every step up to {config.iterations}",
                    float(np.max(result.inversion_error / result.inversion_bound)), "<=", 1.0),
            numeric(ID, f"zeros of x - {FOLDING_GAIN:g} tanh x (a folding block)", result.folding_zeros, "==", 3)]


def checks(result: Result, config: Config) -> list[Check]:
    """The Neural ODE stays above the infimum; the large-step ResNet fits x -> −x; Banach inversion; folding."""
    return ode_checks(result, config) + resnet_checks(result, config) + inversion_checks(result, config)


def _ode_fits(result: Result, config: Config) -> list[Check]:
    return [numeric(ID, "Neural ODE L2 error^2 over the infimum (claimed to fit x -> -x)",
                    result.ode_error / result.infimum, "<=", FIT_FRACTION)]


def _every_resnet_invertible(result: Result, config: Config) -> list[Check]:
    return [numeric(ID, "large-step ResNet L2 error^2 over the infimum (claimed increasing, hence >= 1)",
                    result.resnet_error / result.infimum, ">=", 1.0),
            numeric(ID, f"zeros of x - {FOLDING_GAIN:g} tanh x (claimed invertible: one)", result.folding_zeros,
                    "==", 1)]


NEIGHBOURS = (
    Neighbour("neural-ode-reverses", "a Neural ODE (fine Euler steps) can fit x -> -x on [-1, 1]", _ode_fits),
    Neighbour("any-resnet-invertible", "every ResNet block x + v(x)/T is invertible (no Lipschitz condition), so a "
                                       "ResNet cannot fit x -> -x either", _every_resnet_invertible),
)
"""The wrong statements next to the flows part; each rejected by the checks named in ``--controls``."""
