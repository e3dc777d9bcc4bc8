r"""Experiment: Cybenko's staircase against its certified sup bound, with the steepness tied to the grid and fixed.

**Cybenko, constructive** (:func:`experiment`): the staircase of
:func:`~theorems.universal_approximation.cybenko.staircase_bound` (:mod:`numerics.universal_approximation.staircase`)
with $\kappa=c/h$ for targets on $[0,1]$, and with $\kappa$
fixed to show the stall. The sup error is measured on a grid of spacing $g=h/K$; the true sup exceeds the grid's
by at most $(L+\mathrm{Lip}(f_p))\,g/2$ (both sides Lipschitz, every point within $g/2$ of the grid), with
$\mathrm{Lip}(f_p)$ from :func:`theorems.universal_approximation.cybenko.staircase_slope_bound`. The check is
grid sup $+$ that margin $\le$ bound: a certificate that the true sup is below the bound.

*The sharp side.* Measured against that worst-case bound alone, a bound 10 times too large would pass. On a cell
where the target is linear (``abs``, ``kink``) :func:`theorems.universal_approximation.cybenko.staircase_lower_bound`
bounds the error at each grid point from below (the staircase's own unit contributes $f'h(\sigma(cv)-\frac12-v)$,
the others at most geometric tails), so grid sup $\ge$ lower bound is certified too; with $c=10$ the two bounds are
about a factor 3 apart ($0.17\,Lh$ against $0.56\,Lh$), which is what rejects the looser neighbour.

*Least squares on held-out points.* Refitting the output weights by least squares on the grid (inner weights kept)
lowers the RMS error *on that grid* by construction; measured on the grid's midpoints instead, the refit's RMS
error over the staircase's is at most $\sqrt{\lambda_{\max}/\lambda_{\min}}$ for the two grids' Gram matrices on
$\mathrm{span}(f,1,\sigma_1,\dots,\sigma_p)$
(:func:`numerics.universal_approximation.staircase.held_out_least_squares`), 1.04–1.11 here against measured
ratios 0.86–0.997: a staircase error on held-out points understated by 20 % fails. In sup norm the refit can be
worse: not claimed.

**Wrong neighbours** (:data:`NEIGHBOURS`): the bound without its $\omega(h/2)$ term; a fixed $\kappa$ that still
converges at the tied-steepness rate; and, looser, a constant 10 times the staircase's. The converse, polynomial
activations that stall at $E_k(f)$, is the part :mod:`numerics.universal_approximation.polynomial_activation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from numerics.neighbours import Neighbour, scaled
from numerics.precision import uses_float64
from numerics.resources import array_bytes, require_memory
from numerics.universal_approximation.staircase import (TARGETS, half_cell_dropped_factor, held_out_least_squares,
                                                        staircase_bound, staircase_errors, staircase_lower_bound,
                                                        staircase_slope)
from numerics.validation import require_counts, require_fields, require_one_of, require_positive
from theorems.core import Check, numeric
from theorems.universal_approximation import cybenko as statement

ID = statement.ID


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
        designs on the grid and its midpoints (p K + 1, p + 2) at the largest p <= ``least_squares_max``, four
        times each (the matrices, LAPACK's copies, the QR factor and workspace)."""
        fitted = [p for p in self.units if p <= self.least_squares_max]
        refit = 8 * array_bytes(max(fitted) * self.per_cell + 1, max(fitted) + 2) if fitted else 0
        return staircase_bytes(max(self.units), self.per_cell) + refit

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: three sizes, a coarser grid."""
        return cls(units=(6, 30, 100), per_cell=8)


@dataclass(frozen=True)
class Result:
    """Arrays [target, size, mode] (mode 0: kappa = c p, mode 1: kappa fixed): sup error on the grid, grid margin
    (L + Lip f_p) g/2, and the bound; ``l2`` the RMS error on the grid. [target, size], kappa = c p: ``lower_bound``
    the certified lower bound on the grid sup (NaN where the target has no linear cell); on the held-out midpoints
    of the grid, ``held_out_l2`` the staircase's RMS error, ``least_squares_l2`` the RMS error with output weights
    refitted by least squares on the grid, ``ratio_bound`` the certificate for their ratio (NaN above
    ``least_squares_max`` units)."""

    units: np.ndarray
    sup_error: np.ndarray
    grid_margin: np.ndarray
    bound: np.ndarray
    l2: np.ndarray
    lower_bound: np.ndarray
    held_out_l2: np.ndarray
    least_squares_l2: np.ndarray
    ratio_bound: np.ndarray


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """Sup and RMS error of the staircase for each target and size, with the bounds and the grid margin; the
    least-squares refit on held-out points. Deterministic: ``key`` is unused."""
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
    lower, held, refitted, certificate = (np.full(shape[:2], np.nan) for _ in range(4))
    for a, name in enumerate(config.targets):
        fn, lip, osc = TARGETS[name]
        for b, p in enumerate(config.units):
            h = 1.0 / p
            for mode, kappa in enumerate((config.steepness_factor * p, config.fixed_steepness)):
                bound[a, b, mode] = float(staircase_bound(h, kappa, lip, osc))
                slope = float(staircase_slope(h, kappa, lip, osc))
                margin[a, b, mode] = (lip + slope) * (h / config.per_cell) / 2
            lower[a, b] = staircase_lower_bound(name, p, config.steepness_factor * p, config.per_cell)
            if p <= config.least_squares_max:
                refit = held_out_least_squares(fn, p, config.steepness_factor * p, config.per_cell)
                held[a, b], refitted[a, b], certificate[a, b] = refit.staircase_rms, refit.refit_rms, refit.ratio_bound
    return Result(units=np.array(config.units), sup_error=measured[..., 0], grid_margin=margin, bound=bound,
                  l2=measured[..., 1], lower_bound=lower, held_out_l2=held, least_squares_l2=refitted,
                  ratio_bound=certificate)


def upper_checks(result: Result, config: Config, bound: np.ndarray | None = None, mode: int = 0,
                 what: str = "staircase bound") -> list[Check]:
    """(grid sup error + grid margin) / bound <= 1 per target and size, kappa = c p (mode 0) or fixed (mode 1)."""
    bound = result.bound if bound is None else bound
    steepness = f"kappa={config.steepness_factor:g}p" if mode == 0 else f"kappa={config.fixed_steepness:g} fixed"
    return [numeric(ID, f"{name}, p={p}, {steepness}: (grid sup error + grid margin) / {what}",
                    (result.sup_error[a, b, mode] + result.grid_margin[a, b, mode]) / bound[a, b, mode], "<=", 1.0)
            for a, name in enumerate(config.targets) for b, p in enumerate(result.units)]


def lower_checks(result: Result, config: Config) -> list[Check]:
    """Grid sup error >= the certified lower bound, per target with a linear cell and size (kappa = c p)."""
    return [numeric(ID, f"{name}, p={p}, kappa={config.steepness_factor:g}p: grid sup error >= certified lower "
                        "bound (linear cell; the staircase bound's sharp side)",
                    float(result.sup_error[a, b, 0]), ">=", float(result.lower_bound[a, b]))
            for a, name in enumerate(config.targets) for b, p in enumerate(result.units)
            if np.isfinite(result.lower_bound[a, b])]


def checks(result: Result, config: Config) -> list[Check]:
    """Per target and size (kappa = c p): (grid sup + grid margin) / bound <= 1 and, where the target is linear on
    a cell, grid sup >= its certified lower bound; the least-squares refit's held-out RMS error over the
    staircase's <= its certificate; per target, the fixed kappa at the largest size (where its tails dominate)."""
    out = upper_checks(result, config) + lower_checks(result, config)
    for a, name in enumerate(config.targets):
        for b, p in enumerate(result.units):
            if np.isfinite(result.least_squares_l2[a, b]):
                out.append(numeric(ID, f"{name}, p={p}: held-out RMS error with least-squares output weights "
                                       "(fitted on the grid) / staircase's held-out RMS error (certificate "
                                       "sqrt(lambda_max/lambda_min))",
                                   result.least_squares_l2[a, b] / result.held_out_l2[a, b], "<=",
                                   float(result.ratio_bound[a, b])))
    fixed = upper_checks(result, config, mode=1, what="bound")
    out += [fixed[a * len(result.units) + len(result.units) - 1] for a in range(len(config.targets))]
    return out


# ---------------------------------------------------------------------------------------------------------------
# Wrong neighbours.
# ---------------------------------------------------------------------------------------------------------------


# The neighbours reuse the Result's own bounds (scaled by factors from the SymPy forms where they differ), so that
# they test the bounds the checks use: a bound made looser where it is computed lets a neighbour through.


def _half_cell_dropped(result: Result, config: Config) -> list[Check]:
    p = np.broadcast_to(result.units.astype(float)[None, :], result.bound.shape[:2])
    lip, osc = (np.array([[TARGETS[name][k]] for name in config.targets]) * np.ones_like(p) for k in (1, 2))
    factors = half_cell_dropped_factor(1.0 / p, config.steepness_factor * p, lip, osc)
    bound = result.bound * factors[..., None]
    return upper_checks(result, config, bound, what="bound without omega(h/2)")


def _fixed_steepness_converges(result: Result, config: Config) -> list[Check]:
    """The fixed-kappa staircase held to the tied-steepness bound (kappa = c p) at each size."""
    bound = np.repeat(result.bound[..., :1], 2, axis=2)
    return upper_checks(result, config, bound, mode=1, what=f"bound at kappa = {config.steepness_factor:g}p")


def _constant_ten_times(result: Result, config: Config) -> list[Check]:
    return [scaled(check, 10.0) for check in upper_checks(result, config) + lower_checks(result, config)]


NEIGHBOURS = (
    Neighbour("half-cell-term-dropped", "the sigmoid staircase's sup error is at most min(2 W(1/e) L/kappa, osc/2) "
                                        "+ omega(h) (q + sqrt q)/(1 - q), without omega(h/2)", _half_cell_dropped),
    Neighbour("fixed-steepness-converges", "a fixed steepness kappa suffices: the error still falls like the bound "
                                           "of kappa = c p", _fixed_steepness_converges),
    Neighbour("constant-ten-times", "the staircase's error is 10x the bound's scale (both its bounds 10x)",
              _constant_ten_times, looser=True),
)
