"""Properties of Cybenko's theorem: the statement (SymPy), the staircase and its certified bound, the polynomial
converse, and the checks' power."""

from __future__ import annotations

import dataclasses

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
def test_staircase_sup_error_lies_between_its_bounds(slopes, kinks, p, c):
    """Random piecewise-linear f with |f'| <= L: grid sup + grid margin <= the staircase bound (kappa = c p), and,
    when the first cell lies on the first linear piece, grid sup >= the certified lower bound on that cell."""
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
    if knots[1] >= h:
        first = abs(slopes[0])  # the slope on [0, knots[1]], which holds the first cell [0, h]
        assert sup >= staircase.linear_cell_lower_bound(p, kappa, first, lip, osc, per_cell, osc)


@pytest.fixture(scope="module")
def small_cybenko(small_run):
    return small_run(cybenko)


SMALL = cybenko.Config.small()


def test_cybenko_check_fails_with_a_halved_bound(small_cybenko):
    """Grid sup + margin is 0.7-0.8 of the bound here (per_cell = 8): every tied-steepness check fails at half."""
    wrong = dataclasses.replace(small_cybenko, bound=0.5 * small_cybenko.bound)
    tied = [c for c in cybenko.checks(wrong, SMALL) if c.claim.endswith("/ staircase bound")]
    assert tied and not any(check.holds for check in tied)


def test_lower_bound_check_sees_a_10x_error_the_upper_bound_accepts(small_cybenko):
    """A staircase error 10x smaller than measured passes every upper-bound check but fails the sharp lower one."""
    wrong = dataclasses.replace(small_cybenko, sup_error=0.1 * small_cybenko.sup_error,
                                grid_margin=0.1 * small_cybenko.grid_margin)
    verdicts = cybenko.checks(wrong, SMALL)
    assert all(c.holds for c in verdicts if "/ staircase bound" in c.claim)
    lower = [c for c in verdicts if "lower bound" in c.claim]
    assert lower and not any(c.holds for c in lower)


def test_neighbours_are_rejected_only_while_the_computed_bound_is_right(small_cybenko):
    """The neighbours scale the Result's own bounds: were the bound computed 10x too generous, the bound without
    omega(h/2) and the converging fixed steepness would pass, and verify --controls would say so."""
    wrong = dataclasses.replace(small_cybenko, bound=10 * small_cybenko.bound)
    passing = {n.name for n in cybenko.NEIGHBOURS if all(c.holds for c in n.checks(wrong, SMALL))}
    assert {"half-cell-term-dropped", "fixed-steepness-converges"} <= passing


def test_least_squares_check_fails_if_the_staircase_error_were_smaller(small_cybenko):
    """On held-out points the refit beats the staircase by 0.3-14 % against a certificate of at most 1.11: a
    staircase error there understated by a factor 0.8 is caught."""
    wrong = dataclasses.replace(small_cybenko, held_out_l2=0.8 * small_cybenko.held_out_l2)
    assert any(not c.holds and "least-squares" in c.claim for c in cybenko.checks(wrong, SMALL))


@settings(max_examples=5)
@given(slopes=st.lists(st.floats(-5, 5), min_size=3, max_size=3).filter(lambda v: max(map(abs, v)) > 0.1),
       kinks=st.lists(st.floats(0.05, 0.95), min_size=2, max_size=2, unique=True), p=st.sampled_from((6, 30)))
def test_held_out_refit_ratio_is_within_its_certificate(slopes, kinks, p):
    """Refit on the grid, measured on its midpoints: refit / staircase <= sqrt(lambda_max/lambda_min), and the
    certificate is not vacuous (below 1.2 at K = 8)."""
    knots = np.concatenate([[0.0], np.sort(kinks), [1.0]])
    values = np.concatenate([[0.0], np.cumsum(np.diff(knots) * np.array(slopes))])
    refit = staircase.held_out_least_squares(lambda x: np.interp(x, knots, values), p, 10.0 * p, 8)
    assert refit.refit_rms / refit.staircase_rms <= refit.ratio_bound < 1.2


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
def polynomial(small_run):
    return small_run(polynomial_activation)


@pytest.mark.slow
def test_polynomial_activation_networks_stall_whatever_their_size(polynomial):
    """p does not help a t^k network: its sup error is the same at every size (it is a degree-k polynomial)."""
    assert np.ptp(polynomial.polynomial_sup) <= 1e-9 * polynomial.polynomial_sup[0]


@pytest.mark.slow
def test_stall_check_fails_against_a_doubled_lower_bound(polynomial):
    """The t^k networks' sup error (about 1.7 E_k) is below 2 E_k: a doubled 'lower bound' is caught."""
    wrong = dataclasses.replace(polynomial, lower=2 * polynomial.lower)
    assert any(not c.holds and "t^" in c.claim for c in polynomial_activation.checks(wrong, POLY))


def test_sigmoid_beats_polynomials_check_has_a_sharp_partner(polynomial):
    """'Staircase error < E_k' sits at a tenth of its bound; a staircase error understated 10x still passes it, and
    fails the staircase's certified lower bound."""
    wrong = dataclasses.replace(polynomial, sigmoid_sup=0.1 * polynomial.sigmoid_sup,
                                sigmoid_margin=0.1 * polynomial.sigmoid_margin)
    verdicts = polynomial_activation.checks(wrong, POLY)
    assert all(c.holds for c in verdicts if "beats every" in c.claim)
    assert any(not c.holds and "its certified lower bound" in c.claim for c in verdicts)


@settings(max_examples=20)
@given(power=st.integers(1, 6), units=st.sampled_from((3, 10, 40)))
def test_polynomial_network_is_a_polynomial_of_degree_at_most_k(power, units):
    """sum_s a_s (x + b_s)^k + a_0 is matched exactly by a degree-k polynomial fit (so it cannot beat E_k)."""
    grid = np.linspace(0.0, 1.0, 201)
    rng = np.random.default_rng(power * 1000 + units)
    values = (grid[:, None] + rng.uniform(-1, 1, units)) ** power @ rng.normal(size=units)
    fit = np.polynomial.Chebyshev.fit(grid, values, power)
    assert np.max(np.abs(fit(grid) - values)) <= 1e-9 * (1 + np.max(np.abs(values)))
