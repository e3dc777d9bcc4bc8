r"""Cybenko's staircase on $[0,1]$: the network, its 1-D targets, and its errors on a grid (one compiled program).

$f_p(x) = f(0) + \sum_{k=1}^p (f(x_k)-f(x_{k-1}))\,\sigma(\kappa(x-\xi_k))$ with nodes $x_k=k/p$ and midpoints
$\xi_k=(k-\frac12)/p$ (:mod:`theorems.universal_approximation.cybenko`). The targets are Lipschitz functions on
$[0,1]$ given with their Lipschitz constant $L$ and oscillation, the two numbers the sup bound
:func:`theorems.universal_approximation.cybenko.staircase_bound` needs; that bound and the staircase's own
Lipschitz constant (:func:`theorems.universal_approximation.cybenko.staircase_slope_bound`) are lambdified here,
with the lower bound on a cell where the target is linear (:func:`staircase_lower_bound`, the sharp side).
:func:`held_out_least_squares` refits the output weights on the grid and measures on held-out points, with a
certificate for how much better the refit can look there; :func:`staircase_curves` evaluates the fits on a uniform
grid for the slide's picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

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
half_cell_dropped_factor = sp.lambdify(_bound_symbols, (statement.staircase_bound_without_half_cell()
                                                        / statement.staircase_bound()).subs(_W), "numpy")
"""Neighbour: the bound without omega(h/2) over the bound, at (h, kappa, L, osc), from
:func:`theorems.universal_approximation.cybenko.staircase_bound_without_half_cell` (NumPy: a few values, where
JAX's first dispatch of each operation would cost more)."""
_cell_lower_bound = sp.lambdify([statement.h, statement.kappa, statement.cell_slope, statement.lipschitz,
                                 statement.oscillation, statement.offset], statement.staircase_lower_bound(), "numpy")
"""The lower bound of :func:`theorems.universal_approximation.cybenko.staircase_lower_bound`, NumPy (float64):
evaluated at a handful of points per call, where JAX's dispatch would cost more than the arithmetic."""

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


LINEAR_PIECES: dict[str, tuple[float, float, float]] = {
    # name: (start, end, |slope|) of an interval on which the target is linear
    "abs": (0.0, 0.5, 1.0),
    "kink": (KINK_AT, 1.0, 2.0),
}
"""Where a target is linear: there :func:`staircase_lower_bound` bounds the staircase's error from below."""


def linear_cell_lower_bound(p: int, kappa: float, slope: float, lip: float, osc: float, per_cell: int,
                            magnitude: float) -> float:
    """The largest over the grid points x = xi_j + v h, v = i/K - 1/2 (K = ``per_cell``), of a cell on which f is
    linear with |f'| = ``slope``, of :func:`theorems.universal_approximation.cybenko.staircase_lower_bound`, less
    the rounding of the computed error f - f_p (a (p + 1)-term sum of size <= |f(0)| + L, and f itself, both at most
    ``magnitude`` = a bound on |f|): a certified lower bound on the grid sup error, since the grid holds those
    points."""
    positions = np.arange(per_cell + 1) / per_cell - 0.5
    rounding = (p + 3) * np.finfo(np.float64).eps * (2 * magnitude + lip)
    return float(np.max(np.asarray(_cell_lower_bound(1.0 / p, kappa, slope, lip, osc, positions)))) - rounding


def staircase_lower_bound(name: str, p: int, kappa: float, per_cell: int) -> float:
    """:func:`linear_cell_lower_bound` on the first cell [x_{j-1}, x_j] inside the target's linear piece
    (:data:`LINEAR_PIECES`); NaN when the target has none at this p."""
    if name not in LINEAR_PIECES:
        return math.nan
    start, end, slope = LINEAR_PIECES[name]
    j = math.ceil(start * p - 1e-9) + 1  # the first cell [(j - 1) h, j h] starting at or after the piece's start
    if j / p > end + 1e-9:
        return math.nan
    fn, lip, osc = TARGETS[name]
    magnitude = abs(float(fn(np.zeros(1))[0])) + osc
    return linear_cell_lower_bound(p, kappa, slope, lip, osc, per_cell, magnitude)


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


LSTSQ_SLACK = 1e-9
"""The refit is solved from the normal equations: its residual exceeds the minimum by a second-order amount, about
(cond(G) u)^2 <= 1e-14 relative; the generalised eigenvalues of the certificate are accurate to about cond(G_1) u
(about 4e-9 at cond 3e7, the largest here), added to this slack per call. (Normal equations and three small
symmetric eigenproblems, not QR or SVD of the tall designs: with two cores shared by several processes,
multithreaded LAPACK on the tall matrices ran 30 times slower.)"""


@dataclass(frozen=True)
class HeldOut:
    """RMS errors on held-out points of the staircase and of the same network with output weights refitted by
    least squares on the grid; ``ratio_bound`` the certificate sqrt(lambda_max / lambda_min) (1 + slack) for
    refit / staircase there (:func:`held_out_least_squares`)."""

    staircase_rms: float
    refit_rms: float
    ratio_bound: float


def held_out_least_squares(fn, p: int, kappa: float, per_cell: int) -> HeldOut:
    """Fit a_0 + sum_k a_k sigma(kappa (x - xi_k)) (the staircase's inner weights) by least squares on the grid G_1
    of spacing h/K; measure it and the staircase on the held-out midpoints G_2 of that grid.

    Certificate: every e = f - a_0 - sum a_k sigma_k lies in W = span(f, 1, sigma_1..sigma_p), and for w in W,
    lambda_min ||w||_1^2 <= ||w||_2^2 <= lambda_max ||w||_1^2, the extreme generalised eigenvalues of the two Gram
    matrices G_2 v = lambda G_1 v (RMS norms on G_1, G_2). The refit minimises ||e||_1, so ||e_refit||_2 <=
    sqrt(lambda_max) ||e_refit||_1 <= sqrt(lambda_max) ||e_stair||_1 <= sqrt(lambda_max/lambda_min) ||e_stair||_2:
    the held-out ratio is at most sqrt(lambda_max/lambda_min), about 1.04 (K = 16) to 1.11 (K = 8) here."""
    from scipy.special import expit

    fit = np.linspace(0.0, 1.0, p * per_cell + 1)
    held = (fit[:-1] + fit[1:]) / 2
    midpoints = (np.arange(1, p + 1) - 0.5) / p

    def span(x):  # columns f, 1, sigma_1, ..., sigma_p, scaled so that v^T G v is the RMS norm squared
        columns = [fn(x)[:, None], np.ones((len(x), 1)), expit(kappa * (x[:, None] - midpoints[None, :]))]
        return np.hstack(columns) / math.sqrt(len(x))

    span_fit, span_held = span(fit), span(held)
    gram_fit, gram_held = span_fit.T @ span_fit, span_held.T @ span_held
    values, vectors = np.linalg.eigh(gram_fit[1:, 1:])  # the design's Gram: normal equations by its eigenbasis
    weights = vectors @ ((vectors.T @ gram_fit[1:, 0]) / values)
    nodes = fn(np.linspace(0.0, 1.0, p + 1))
    stair = np.concatenate([[nodes[0]], np.diff(nodes)])
    rms = lambda w: float(np.linalg.norm(span_held[:, 0] - span_held[:, 1:] @ w))  # noqa: E731
    spectrum, basis = np.linalg.eigh(gram_fit)
    root = basis / np.sqrt(spectrum)  # G_1^{-1/2} up to a rotation: root^T G_1 root = I
    ratios = np.linalg.eigvalsh(root.T @ gram_held @ root)
    slack = LSTSQ_SLACK + spectrum[-1] / spectrum[0] * np.finfo(np.float64).eps
    return HeldOut(staircase_rms=rms(stair), refit_rms=rms(weights),
                   ratio_bound=float(math.sqrt(ratios[-1] / ratios[0])) * (1 + slack))


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
