r"""Experiment: Cybenko's staircase against its certified sup bound, with the steepness tied to the grid and fixed.

**Cybenko, constructive** (:func:`experiment`): the staircase of
:func:`theorems.universal_approximation.cybenko.staircase_bound` (:mod:`numerics.universal_approximation.staircase`)
with $\kappa=c/h$ for targets on $[0,1]$, and with $\kappa$
fixed to show the stall. The sup error is measured on a grid of spacing $g=h/K$; the true sup exceeds the grid's
by at most $(L+\mathrm{Lip}(f_p))\,g/2$ (both sides Lipschitz, every point within $g/2$ of the grid), with
$\mathrm{Lip}(f_p)$ from :func:`theorems.universal_approximation.cybenko.staircase_slope_bound`. The check is
grid sup $+$ that margin $\le$ bound: a certificate that the true sup is below the bound. Refitting the output
weights by least squares on the same grid (inner weights kept) can only lower the RMS error there, which is checked;
in sup norm the refit can be worse, which is not claimed.

The converse, polynomial activations that stall at $E_k(f)$, is the part
:mod:`numerics.universal_approximation.polynomial_activation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.precision import uses_float64
from numerics.universal_approximation.staircase import (TARGETS, least_squares_rms, staircase_bound,
                                                        staircase_errors, staircase_slope)
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_one_of, require_positive
from theorems.core import Check, numeric
from theorems.universal_approximation import cybenko as statement

ID = statement.ID

LSTSQ_SLACK = 1e-9
"""Least squares minimise the residual over all output weights, so their RMS error is at most the staircase's (whose
weights are one choice); the computed residual of a backward-stable solver is within about m n u ~ 1e-10 of the
minimum at these sizes (m n <= 2e5 entries), hence the slack. In sup norm the refit can be worse: not claimed."""


def staircase_bytes(units: int, per_cell: int) -> int:
    """Estimated peak (float64) of :func:`staircase_errors` padded to ``units`` nodes (its rows run one after
    another): the grid (p K + 1) and, for one row, the sigmoids (p K + 1, p) and the target values, twice."""
    grid = units * per_cell + 1
    return array_bytes(grid, 2 * units + 4)


@dataclass(frozen=True)
class Config:
    """Staircase networks on [0, 1]: sizes p (h = 1/p), steepness c/h, fixed steepness for the stall, grid K/cell;
    output weights refitted by least squares up to ``least_squares_max`` units."""

    targets: tuple[str, ...] = ("sin", "abs", "kink", "smooth_step")
    units: tuple[int, ...] = (6, 30, 100, 300)
    steepness_factor: float = 10.0
    fixed_steepness: float = 60.0
    per_cell: int = 16
    least_squares_max: int = 100

    def __post_init__(self):
        require_fields(self)
        require_one_of(self, "targets", TARGETS)
        if not self.units or min(self.units) < 1:
            raise ValueError(f"units must be integers >= 1, got {self.units!r}")
        require_positive(self, "steepness_factor", "fixed_steepness")
        require_counts(self, "per_cell")
        require_memory(self, ("units", "per_cell", "least_squares_max"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64): :func:`staircase_bytes` of the largest size, plus the least-squares refit's
        design (p K + 1, p + 1) at the largest p <= ``least_squares_max``, three times (the matrix, LAPACK's copy
        and its workspace)."""
        fitted = [p for p in self.units if p <= self.least_squares_max]
        refit = 3 * array_bytes(max(fitted) * self.per_cell + 1, max(fitted) + 1) if fitted else 0
        return staircase_bytes(max(self.units), self.per_cell) + refit

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: three sizes, a coarser grid."""
        return cls(units=(6, 30, 100), per_cell=8)


@dataclass(frozen=True)
class Result:
    """Arrays [target, size, mode] (mode 0: kappa = c p, mode 1: kappa fixed): sup error on the grid, grid margin
    (L + Lip f_p) g/2, and the bound; ``l2`` the RMS error on the grid; ``least_squares_l2`` [target, size] the RMS
    error on the same grid with output weights refitted by least squares (same inner weights, kappa = c p; NaN
    above ``least_squares_max`` units)."""

    units: np.ndarray
    sup_error: np.ndarray
    grid_margin: np.ndarray
    bound: np.ndarray
    l2: np.ndarray
    least_squares_l2: np.ndarray


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Sup and RMS error of the staircase for each target and size, with the bound and the grid margin.
    Deterministic: ``key`` is unused."""
    names = list(TARGETS)
    rows = [(names.index(name), p, kappa) for name in config.targets for p in config.units
            for kappa in (config.steepness_factor * p, config.fixed_steepness)]
    target_index, units, steepness = (np.array(column) for column in zip(*rows))
    measured = np.asarray(staircase_errors(jnp.asarray(target_index), jnp.asarray(units, dtype=jnp.float64),
                                           jnp.asarray(steepness, dtype=jnp.float64), max_units=max(config.units),
                                           per_cell=config.per_cell))
    measured = measured.reshape(len(config.targets), len(config.units), 2, 2)
    shape = measured.shape[:3]
    margin, bound = np.zeros(shape), np.zeros(shape)
    for a, name in enumerate(config.targets):
        _, lip, osc = TARGETS[name]
        for b, p in enumerate(config.units):
            h = 1.0 / p
            for mode, kappa in enumerate((config.steepness_factor * p, config.fixed_steepness)):
                bound[a, b, mode] = float(staircase_bound(h, kappa, lip, osc))
                slope = float(staircase_slope(h, kappa, lip, osc))
                margin[a, b, mode] = (lip + slope) * (h / config.per_cell) / 2
    refitted = np.full(shape[:2], np.nan)
    for a, name in enumerate(config.targets):
        for b, p in enumerate(config.units):
            if p <= config.least_squares_max:
                refitted[a, b] = least_squares_rms(TARGETS[name][0], p, config.steepness_factor * p,
                                                   config.per_cell)
    return Result(units=np.array(config.units), sup_error=measured[..., 0], grid_margin=margin, bound=bound,
                  l2=measured[..., 1], least_squares_l2=refitted)


def checks(result: Result, config: Config) -> list[Check]:
    """(grid sup + grid margin) / bound <= 1 per target and size, kappa = c p; and, per target, the same for the
    fixed kappa at the largest size (where its tails dominate)."""
    out = []
    for a, name in enumerate(config.targets):
        for b, p in enumerate(result.units):
            certified = (result.sup_error[a, b, 0] + result.grid_margin[a, b, 0]) / result.bound[a, b, 0]
            out.append(numeric(ID, f"{name}, p={p}, kappa={config.steepness_factor:g}p: (grid sup error + "
                                   "grid margin) / staircase bound", certified, "<=", 1.0))
        for b, p in enumerate(result.units):
            if np.isfinite(result.least_squares_l2[a, b]):
                out.append(numeric(ID, f"{name}, p={p}: RMS error with least-squares output weights / "
                                       "staircase's RMS error (on the fit grid)",
                                   result.least_squares_l2[a, b] / result.l2[a, b, 0], "<=", 1.0 + LSTSQ_SLACK))
        certified = (result.sup_error[a, -1, 1] + result.grid_margin[a, -1, 1]) / result.bound[a, -1, 1]
        out.append(numeric(ID, f"{name}, p={result.units[-1]}, kappa={config.fixed_steepness:g} fixed: "
                               "(grid sup + margin) / bound", certified, "<=", 1.0))
    return out
