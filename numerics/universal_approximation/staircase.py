r"""Cybenko's staircase on $[0,1]$: the network, its 1-D targets, and its errors on a grid (one compiled program).

$f_p(x) = f(0) + \sum_{k=1}^p (f(x_k)-f(x_{k-1}))\,\sigma(\kappa(x-\xi_k))$ with nodes $x_k=k/p$ and midpoints
$\xi_k=(k-\frac12)/p$ (:mod:`theorems.universal_approximation.cybenko`). The targets are Lipschitz functions on
$[0,1]$ given with their Lipschitz constant $L$ and oscillation, the two numbers the sup bound
:func:`theorems.universal_approximation.cybenko.staircase_bound` needs; that bound and the staircase's own
Lipschitz constant (:func:`theorems.universal_approximation.cybenko.staircase_slope_bound`) are lambdified here.
:func:`staircase_curves` evaluates the fits on a uniform grid for the slide's picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from numerics.bridge import to_jax
from numerics.precision import uses_float64
from numerics.validation import require_one_of, require_positive
from theorems.universal_approximation import cybenko as statement

_bound_symbols = [statement.h, statement.kappa, statement.lipschitz, statement.oscillation]
# The bridge has no Lambert W (nor has jax.scipy): the constant W(1/e) enters as its 30-digit value.
_W = {statement.TAIL_CONSTANT: statement.TAIL_CONSTANT.evalf(30)}
staircase_bound = uses_float64(to_jax(_bound_symbols, statement.staircase_bound().subs(_W)))
"""The sup bound at (h, kappa, L, osc), from :func:`theorems.universal_approximation.cybenko.staircase_bound`."""
staircase_slope = uses_float64(to_jax(_bound_symbols, statement.staircase_slope_bound()))
"""Lip(f_p) at (h, kappa, L, osc), from :func:`theorems.universal_approximation.cybenko.staircase_slope_bound`."""

SMOOTH_STEP_SCALE = 1e-2
KINK_AT = 1 / math.e
TARGETS: dict[str, tuple] = {
    # name: (function on [0, 1] (NumPy or JAX), Lipschitz constant L, oscillation max f - min f)
    "sin": (lambda x, xp=np: xp.sin(2 * np.pi * x), 2 * np.pi, 2.0),
    "abs": (lambda x, xp=np: xp.abs(x - 0.5), 1.0, 0.5),
    "kink": (lambda x, xp=np: 2 * xp.maximum(x - KINK_AT, 0.0), 2.0, 2 * (1 - KINK_AT)),
    "smooth_step": (lambda x, xp=np: 1 / (1 + xp.exp(-(x - 0.5) / SMOOTH_STEP_SCALE)), 1 / (4 * SMOOTH_STEP_SCALE),
                    1.0),
}


def staircase(values_at_nodes, x, steepness):
    """f(0) + sum_k (f(x_k) - f(x_{k-1})) sigma(kappa (x - xi_k)), nodes x_k = k/p, midpoints xi_k = (k - 1/2)/p."""
    p = values_at_nodes.shape[0] - 1
    midpoints = (jnp.arange(1, p + 1) - 0.5) / p
    jumps = jnp.diff(values_at_nodes)
    return values_at_nodes[0] + jax.nn.sigmoid(steepness * (x[:, None] - midpoints[None, :])) @ jumps


def _evaluate_targets(x):
    """Every registered target at x: shape (targets, len(x))."""
    return jnp.stack([spec[0](x, jnp) for spec in TARGETS.values()])


@partial(jax.jit, static_argnames=("max_units", "per_cell"))
def staircase_errors(target_index, units, steepness, *, max_units, per_cell):
    """(sup, rms) of f - f_p on the grid of spacing h/K for each (target, p, kappa) row: one compiled program.

    Sizes are traced and padded to ``max_units`` (nodes) and ``max_units * per_cell`` (grid), with masks, so that
    one body serves every row (compiling one program per size and target costs more than the arithmetic).
    """
    k = jnp.arange(max_units + 1)
    i = jnp.arange(max_units * per_cell + 1)

    def one(row):
        target, p, kappa = row
        node_values = _evaluate_targets(jnp.minimum(k / p, 1.0))[target]
        jumps = jnp.where(k[1:] <= p, jnp.diff(node_values), 0.0)
        midpoints = (k[1:] - 0.5) / p
        grid = jnp.minimum(i / (p * per_cell), 1.0)
        on_grid = i <= p * per_cell
        network = node_values[0] + jax.nn.sigmoid(kappa * (grid[:, None] - midpoints[None, :])) @ jumps
        err = jnp.where(on_grid, _evaluate_targets(grid)[target] - network, 0.0)
        return jnp.stack([jnp.max(jnp.abs(err)), jnp.sqrt(jnp.sum(err**2) / (p * per_cell + 1))])

    return jax.lax.map(one, (target_index, units, steepness))


def least_squares_rms(fn, p: int, kappa: float, per_cell: int) -> float:
    """RMS error on the grid of spacing h/K of a_0 + sum_k a_k sigma(kappa (x - xi_k)) with (a_0, a_k) fitted by
    least squares on that grid (the staircase's inner weights, its output weights replaced)."""
    from scipy.special import expit

    grid = np.linspace(0.0, 1.0, p * per_cell + 1)
    midpoints = (np.arange(1, p + 1) - 0.5) / p
    design = np.column_stack([np.ones_like(grid), expit(kappa * (grid[:, None] - midpoints[None, :]))])
    weights, *_ = np.linalg.lstsq(design, fn(grid), rcond=None)
    return float(np.sqrt(np.mean((fn(grid) - design @ weights) ** 2)))


@dataclass(frozen=True)
class CurvesConfig:
    """The slide's picture: one target on [0, 1] and its staircase fits of a few sizes (kappa = c p)."""

    target: str = "sin"
    units: tuple[int, ...] = (6, 30, 100)
    steepness_factor: float = 10.0
    points: int = 1001

    def __post_init__(self):
        require_one_of(self, "target", TARGETS)
        if not self.units or min(self.units) < 1:
            raise ValueError(f"units must be integers >= 1, got {self.units!r}")
        require_positive(self, "steepness_factor")
        if self.points < 2:
            raise ValueError(f"points must be an integer >= 2, got {self.points!r}")


@dataclass(frozen=True)
class CurvesResult:
    """x (points,), f(x) (points,), the fits (sizes, points)."""

    x: np.ndarray
    target: np.ndarray
    fits: np.ndarray


@uses_float64
def staircase_curves(config: CurvesConfig, key: jax.Array) -> CurvesResult:
    """The staircase networks of each size evaluated on a uniform grid (for the figure). Deterministic: ``key`` is
    unused."""
    fn = TARGETS[config.target][0]
    x = np.linspace(0.0, 1.0, config.points)
    fits = np.stack([np.asarray(staircase(jnp.asarray(fn(np.linspace(0.0, 1.0, p + 1))), jnp.asarray(x),
                                          config.steepness_factor * p)) for p in config.units])
    return CurvesResult(x=x, target=fn(x), fits=fits)
