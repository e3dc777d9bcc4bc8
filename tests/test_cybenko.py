"""Properties of Cybenko's theorem: the statement (SymPy), the staircase and its certified bound, the polynomial
converse, and the checks' power."""

from __future__ import annotations

import dataclasses

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from numerics.universal_approximation import cybenko, polynomial_activation, staircase
from theorems.universal_approximation import cybenko as statement

pytestmark = pytest.mark.cybenko1989

# ---------------------------------------------------------------------------------------------------------------
# Statements.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("proof", statement.THEOREM.proofs, ids=lambda proof: proof.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


# ---------------------------------------------------------------------------------------------------------------
# The staircase.
# ---------------------------------------------------------------------------------------------------------------


def _numpy_staircase(fn, p, kappa, grid):
    nodes = np.linspace(0.0, 1.0, p + 1)
    values = fn(nodes)
    midpoints = (np.arange(1, p + 1) - 0.5) / p
    return values[0] + expit(kappa * (grid[:, None] - midpoints[None, :])) @ np.diff(values)


@settings(max_examples=40)
@given(slopes=st.lists(st.floats(-5, 5), min_size=3, max_size=3).filter(lambda v: max(map(abs, v)) > 0.1),
       kinks=st.lists(st.floats(0.05, 0.95), min_size=2, max_size=2, unique=True),
       p=st.sampled_from((6, 30, 100)), c=st.floats(2.0, 30.0))
def test_staircase_sup_error_is_below_its_bound(slopes, kinks, p, c):
    """Random piecewise-linear f with |f'| <= L: grid sup + grid margin <= the staircase bound (kappa = c p)."""
    knots = np.concatenate([[0.0], np.sort(kinks), [1.0]])
    values = np.concatenate([[0.0], np.cumsum(np.diff(knots) * np.array(slopes))])
    fn = lambda x: np.interp(x, knots, values)  # noqa: E731
    lip = max(abs(s) for s in slopes)
    osc = np.ptp(values)  # extremes of a piecewise-linear function are at its knots
    per_cell = int(4 * c) + 1  # the grid margin ~ L h c/(8 K) must stay below the bound's slack ~ L h/2
    grid = np.linspace(0.0, 1.0, p * per_cell + 1)
    h, kappa = 1.0 / p, c * p
    sup = np.max(np.abs(fn(grid) - _numpy_staircase(fn, p, kappa, grid)))
    margin = (lip + float(staircase.staircase_slope(h, kappa, lip, osc))) * h / per_cell / 2
    assert sup + margin <= float(staircase.staircase_bound(h, kappa, lip, osc)) * (1 + 1e-12)


SMALL = cybenko.Config.small()


@pytest.fixture(scope="module")
def small_cybenko():
    return cybenko.experiment(SMALL, jax.random.key(0))


def test_cybenko_check_fails_with_a_halved_bound(small_cybenko):
    """Grid sup + margin is 0.7-0.8 of the bound here (per_cell = 8): every tied-steepness check fails at half."""
    wrong = dataclasses.replace(small_cybenko, bound=0.5 * small_cybenko.bound)
    tied = [c for c in cybenko.checks(wrong, SMALL) if c.claim.endswith("/ staircase bound")]
    assert tied and not any(check.holds for check in tied)


def test_least_squares_check_fails_if_the_staircase_error_were_smaller(small_cybenko):
    """Refitted output weights beat the staircase in L2 by only 0.3-13 %: a staircase error understated by a
    factor 0.8 is caught."""
    wrong = dataclasses.replace(small_cybenko, l2=0.8 * small_cybenko.l2)
    assert any(not c.holds and "least-squares" in c.claim for c in cybenko.checks(wrong, SMALL))


def test_staircase_error_shrinks_with_tied_steepness_and_stalls_with_fixed(small_cybenko):
    """kappa = c p: sup error falls by > 10 from p = 6 to 100 (sin); kappa fixed: it falls by less than 4."""
    sin = SMALL.targets.index("sin")
    tied, fixed = small_cybenko.sup_error[sin, :, 0], small_cybenko.sup_error[sin, :, 1]
    assert tied[0] / tied[-1] > 10 and fixed[0] / fixed[-1] < 4


# ---------------------------------------------------------------------------------------------------------------
# Bad input.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, words", [({"targets": ("tan",)}, "tan"), ({"units": (0,)}, "units"),
                                           ({"per_cell": 0}, "per_cell")])
def test_cybenko_config_rejects_bad_values(kwargs, words):
    with pytest.raises(ValueError, match=words):
        cybenko.Config(**kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Polynomial activations stall at E_k(f).
# ---------------------------------------------------------------------------------------------------------------

POLY = polynomial_activation.Config.small()


@pytest.fixture(scope="module")
def polynomial():
    return polynomial_activation.experiment(POLY, jax.random.key(0))


@pytest.mark.slow
def test_polynomial_activation_networks_stall_whatever_their_size(polynomial):
    """p does not help a t^k network: its sup error is the same at every size (it is a degree-k polynomial)."""
    assert np.ptp(polynomial.polynomial_sup) <= 1e-9 * polynomial.polynomial_sup[0]


@pytest.mark.slow
def test_stall_check_fails_against_a_doubled_lower_bound(polynomial):
    """The t^k networks' sup error (about 1.7 E_k) is below 2 E_k: a doubled 'lower bound' is caught."""
    wrong = dataclasses.replace(polynomial, lower=2 * polynomial.lower)
    assert any(not c.holds and "t^" in c.claim for c in polynomial_activation.checks(wrong, POLY))


@settings(max_examples=20)
@given(power=st.integers(1, 6), units=st.sampled_from((3, 10, 40)))
def test_polynomial_network_is_a_polynomial_of_degree_at_most_k(power, units):
    """sum_s a_s (x + b_s)^k + a_0 is matched exactly by a degree-k polynomial fit (so it cannot beat E_k)."""
    grid = np.linspace(0.0, 1.0, 201)
    rng = np.random.default_rng(power * 1000 + units)
    values = (grid[:, None] + rng.uniform(-1, 1, units)) ** power @ rng.normal(size=units)
    fit = np.polynomial.Chebyshev.fit(grid, values, power)
    assert np.max(np.abs(fit(grid) - values)) <= 1e-9 * (1 + np.max(np.abs(values)))
