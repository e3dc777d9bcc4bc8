r"""Experiment: Cybenko's converse, networks with $\sigma(t)=t^k$ stall at the certified $E_k(f)$; sigmoids do not.

**Polynomial activations** (:func:`experiment`): networks $a_0+\sum_s a_s(x+b_s)^k$ with least-squares output weights
are polynomials of degree $\le k$, so their sup error is at least $E_k(f)$, certified from below by
:func:`numerics.remez.remez` (de la Vallée Poussin, exact rational arithmetic); the sigmoid staircase of the same
size (:mod:`numerics.universal_approximation.cybenko`) goes below it. That comparison is one-sided and far inside
its bound (the staircase's certified error is about a tenth of $E_k$), so the staircase's error is also held from
below, by the certified lower bound on a cell where the target is linear
(:func:`numerics.universal_approximation.staircase.staircase_lower_bound`): its sharp partner.

**Wrong neighbour** (:data:`NEIGHBOURS`): $\sigma(t)=t^k$ is universal too, i.e. at the largest size its network
does as well as the sigmoid staircase; rejected by the stall.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import jax
import numpy as np

from numerics.neighbours import Neighbour
from numerics.precision import uses_float64
from numerics.remez import remez
from numerics.universal_approximation import cybenko
from numerics.universal_approximation.staircase import staircase_lower_bound
from numerics.resources import array_bytes, require_memory
from numerics.validation import require_counts, require_fields, require_one_of, require_positive
from theorems.core import Check, numeric
from theorems.universal_approximation import cybenko as statement

ID = statement.ID

TARGETS: dict[str, tuple] = {
    # name: (f on [0, 1], f on Fractions (exact), Lipschitz constant, symmetric about 1/2, kinks)
    "abs": (lambda x: np.abs(x - 0.5), lambda x: abs(x - Fraction(1, 2)), 1.0, True, (0.5,)),
}


@dataclass(frozen=True)
class Config:
    """Networks with sigma(t) = t^k (output weights by least squares on a grid) against E_k(f) from Remez, and the
    sigmoid staircase (kappa = c p) of the same sizes."""

    target: str = "abs"
    power: int = 4
    units: tuple[int, ...] = (6, 30, 100)
    grid: int = 4001
    steepness_factor: float = 10.0
    per_cell: int = 16

    def __post_init__(self):
        require_fields(self)
        require_one_of(self, "target", TARGETS)
        require_counts(self, "power", "per_cell")
        if not self.units or min(self.units) < 1:
            raise ValueError(f"units must be integers >= 1, got {self.units!r}")
        if self.grid < 3:
            raise ValueError(f"grid must be an integer >= 3, got {self.grid!r}")
        require_positive(self, "steepness_factor")
        require_memory(self, ("power", "units", "grid", "per_cell"))

    def peak_bytes(self) -> int:
        """Estimated peak (float64): the least-squares design (grid, p + 1) at the largest p, three times (the
        matrix, LAPACK's copy and its workspace), plus the sigmoid staircase of the same sizes
        (:func:`numerics.universal_approximation.cybenko.staircase_bytes`), and Remez's linear system
        (power + 2, power + 2) with its reference grid, three times."""
        remez_system = 3 * array_bytes(self.power + 2, self.power + 2 + self.grid)
        return (3 * array_bytes(self.grid, max(self.units) + 1) + remez_system
                + cybenko.staircase_bytes(max(self.units), self.per_cell))

    @classmethod
    def small(cls) -> "Config":
        """The tests' config: a coarser staircase grid."""
        return cls(per_cell=8)


@dataclass(frozen=True)
class Result:
    """Certified lower <= E_k(f) <= upper (Remez); per size: grid sup error of the t^k network, and the sigmoid
    staircase's grid sup error with its grid margin and its certified lower bound."""

    units: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    polynomial_sup: np.ndarray
    sigmoid_sup: np.ndarray
    sigmoid_margin: np.ndarray
    sigmoid_lower: np.ndarray


def polynomial_network_sup_error(f, power: int, units: int, grid: np.ndarray) -> float:
    """sup over the grid of |f - f_theta| for sum_s a_s (x + b_s)^k + a_0, biases b_s spread over [-1, 1] and
    output weights by least squares on the grid (f_theta is a polynomial of degree <= k whatever the weights)."""
    biases = np.linspace(-1.0, 1.0, units) if units > 1 else np.zeros(1)
    design = np.column_stack([np.ones_like(grid), (grid[:, None] + biases[None, :]) ** power])
    weights, *_ = np.linalg.lstsq(design, f(grid), rcond=None)
    return float(np.max(np.abs(f(grid) - design @ weights)))


@uses_float64
def experiment(config: Config, key: jax.Array) -> Result:
    """E_k(f) with certified bounds; the t^k networks' and the sigmoid staircases' sup errors. Deterministic:
    ``key`` is unused (it is passed on to the staircase experiment, which does not use it either)."""
    f, f_exact, lip, symmetric, kinks = TARGETS[config.target]
    best = remez(f, config.power, (0.0, 1.0), lipschitz=lip, f_exact=f_exact, symmetric=symmetric,
                 breakpoints=kinks)
    grid = np.linspace(0.0, 1.0, config.grid)
    polynomial = np.array([polynomial_network_sup_error(f, config.power, p, grid) for p in config.units])
    staircase_config = cybenko.Config(targets=(config.target,), units=tuple(config.units),
                                      steepness_factor=config.steepness_factor, per_cell=config.per_cell,
                                      least_squares_max=0)
    stairs = cybenko.experiment(staircase_config, key)
    return Result(units=np.array(config.units), lower=np.asarray(best.lower), upper=np.asarray(best.upper),
                  polynomial_sup=polynomial, sigmoid_sup=stairs.sup_error[0, :, 0],
                  sigmoid_margin=stairs.grid_margin[0, :, 0], sigmoid_lower=stairs.lower_bound[0])


def checks(result: Result, config: Config) -> list[Check]:
    """Per size: the t^k network's sup error >= the certified E_k (the stall, proved by de la Vallée Poussin); at
    the largest size: the sigmoid staircase's certified sup error < E_k (it beats every t^k network), and its grid
    sup error >= its own certified lower bound (the comparison's sharp partner)."""
    k, name = config.power, config.target
    out = [numeric(ID, f"{name}: sigma = t^{k}, p={p}: grid sup error >= certified lower bound on E_{k}(f) "
                       f"(in [{float(result.lower):.6g}, {float(result.upper):.6g}])",
                   result.polynomial_sup[b], ">=", float(result.lower))
           for b, p in enumerate(result.units)]
    out.append(numeric(ID, f"{name}: sigmoid staircase p={result.units[-1]}: grid sup + margin < E_{k}(f) "
                           "lower bound (beats every degree-k network)",
                       result.sigmoid_sup[-1] + result.sigmoid_margin[-1], "<=", float(result.lower)))
    if np.isfinite(result.sigmoid_lower[-1]):
        out.append(numeric(ID, f"{name}: sigmoid staircase p={result.units[-1]}: grid sup error >= its certified "
                               "lower bound (linear cell)", float(result.sigmoid_sup[-1]), ">=",
                           float(result.sigmoid_lower[-1])))
    return out


def _polynomial_universal(result: Result, config: Config) -> list[Check]:
    """Were t^k universal, its network of the largest size would match the sigmoid staircase's certified error."""
    return [numeric(ID, f"{config.target}: sigma = t^{config.power}, p={result.units[-1]}: grid sup error <= the "
                        "sigmoid staircase's certified sup error (grid sup + margin) at the same size",
                    float(result.polynomial_sup[-1]), "<=", float(result.sigmoid_sup[-1] + result.sigmoid_margin[-1]))]


NEIGHBOURS = (
    Neighbour("polynomial-activation-universal", "sigma(t) = t^k is universal too (the slide's 'non-polynomial' "
                                                 "dropped): its networks do as well as sigmoid ones of the same size",
              _polynomial_universal),
)
