"""Properties of Cybenko's and Barron's theorems: the statements (SymPy), the constructed networks (JAX), the checks.

Statistical tests use |z| <= 6 on means of bounded variables (normal tail 2e-9; see numerics.universal_approximation
on skewness), so they hold for every seed. Shapes are drawn from a few buckets so that JIT compiles once per bucket.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import universal_approximation as ua
from theorems import universal_approximation as statement

Z_MAX = 6.0

# ---------------------------------------------------------------------------------------------------------------
# Statements.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("proof", statement.CYBENKO_THEOREM.proofs + statement.BARRON_THEOREM.proofs,
                         ids=lambda proof: proof.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@settings(max_examples=10)
@given(d=st.integers(1, 12), width=st.floats(0.2, 3.0))
def test_gaussian_barron_norm_closed_form_matches_quadrature(d, width):
    """sqrt(2) Gamma((d+1)/2)/(s Gamma(d/2)) = |S^{d-1}| int rho^d f~(rho) d rho, to the quadrature's tolerance."""
    closed, numeric = ua.gaussian_barron_norm(d, width), ua.gaussian_barron_norm_by_quadrature(d, width)
    assert abs(numeric - closed) <= 10 * ua.QUADRATURE_TOLERANCE * closed


def test_gaussian_norm_formula_with_wrong_factor_is_caught():
    """The same comparison rejects C_f without its sqrt(2): the quadrature check can fail."""
    wrong = ua.gaussian_barron_norm(3, 0.7) / math.sqrt(2)
    assert abs(ua.gaussian_barron_norm_by_quadrature(3, 0.7) - wrong) > 10 * ua.QUADRATURE_TOLERANCE * wrong


@settings(max_examples=20)
@given(width=st.floats(0.2, 3.0))
def test_gaussian_spectrum_matches_fourier_quadrature(width):
    omegas = np.linspace(0.0, 10.0 / width, 9)
    closed = np.asarray(ua._gaussian_spectrum(1.0, width, omegas))
    assert np.max(np.abs(ua.gaussian_spectrum_by_quadrature(width, omegas) - closed)) <= 10 * ua.QUADRATURE_TOLERANCE


@settings(max_examples=30)
@given(a=st.lists(st.floats(-5, 5), min_size=1, max_size=6), c=st.floats(0.1, 5.0))
def test_cosine_barron_norm_is_frequency_norm_and_sums_are_subadditive(a, c):
    """C of cos(<a,x>) is |a|; the bound C used for a sum is the sum of the parts' norms, >= each part."""
    import sympy as sp

    norm = float(statement.cosine_barron_norm(tuple(sp.Float(v) for v in a)))
    assert math.isclose(norm, float(np.linalg.norm(a)), rel_tol=1e-12, abs_tol=1e-12)
    d = len(a)
    freq = np.array([a]) if np.linalg.norm(a) > 0 else np.ones((1, d))
    target = ua.Target(np.array([1.0]), np.array([c]), np.zeros((1, d)), np.array([-2.0]), freq, np.zeros(1))
    parts = target.component_norms()
    assert math.isclose(target.barron_norm_bound(), ua.gaussian_barron_norm(d, c) + 2 * np.linalg.norm(freq))
    assert np.all(target.barron_norm_bound() >= parts)


# ---------------------------------------------------------------------------------------------------------------
# The sampler.
# ---------------------------------------------------------------------------------------------------------------


@given(u=st.floats(-60.0, 60.0))
def test_abs_sine_integral_inverse_inverts(u):
    g = ua.abs_sine_integral(np.array([u]))
    assert np.allclose(ua.abs_sine_integral_inverse(g), u, atol=1e-6 * (1 + abs(u)))


@given(u=st.floats(-30.0, 30.0))
def test_abs_sine_integral_is_antiderivative_of_abs_sine(u):
    """G'(u) = |sin u| (central difference, error O(step^2) away from the kinks of |sin|)."""
    step = 1e-5
    slope = (ua.abs_sine_integral(np.array([u + step])) - ua.abs_sine_integral(np.array([u - step])))[0] / (2 * step)
    assert abs(slope - abs(math.sin(u))) <= step + 1e-8


def _random_target(draw_amps, widths, centres, freqs, phases, d):
    return ua.Target(np.array(draw_amps[:2]), np.array(widths), np.array(centres).reshape(2, d),
                     np.array(draw_amps[2:]), np.array(freqs).reshape(2, d), np.array(phases))


D = 2
amplitudes = st.lists(st.floats(-2, 2).filter(lambda v: abs(v) > 0.05), min_size=4, max_size=4)
widths = st.lists(st.floats(0.3, 2.0), min_size=2, max_size=2)
centres = st.lists(st.floats(-0.5, 0.5), min_size=2 * D, max_size=2 * D)
frequencies = st.lists(st.floats(0.5, 4.0), min_size=2 * D, max_size=2 * D)
phases = st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=2)


@pytest.mark.slow
@settings(max_examples=8)
@given(amps=amplitudes, ws=widths, cs=centres, fs=frequencies, ph=phases, seed=st.integers(0, 2**16))
def test_units_average_to_target_minus_its_value_at_zero(amps, ws, cs, fs, ph, seed):
    """E[unit(x)] = f(x) - f(0) for cosine atoms and step units of shifted Gaussians and phased cosines (|z| <= 6)."""
    target = _random_target(amps, ws, cs, fs, ph, D)
    x = np.array([[0.3, 0.4], [-0.5, 0.1], [0.0, -0.9], [0.7, -0.7]])
    values = ua.unit_samples(target, jax.random.key(seed), 20000, x)
    residual = target(x) - target(np.zeros((1, D)))[0]
    z = (values[:2].mean(axis=2) - residual) / (values[:2].std(axis=2) / math.sqrt(values.shape[2]))
    assert np.max(np.abs(z)) <= Z_MAX


@pytest.mark.slow
def test_units_of_a_wrong_sampler_are_caught():
    """The same z-test rejects the units with the wrong sign of the step (mean -(f - f(0)))."""
    target = ua.centred_gaussian(D, 0.5)
    x = np.array([[0.3, 0.4], [-0.5, 0.1], [0.0, -0.9], [0.7, -0.7]])
    values = -ua.unit_samples(target, jax.random.key(0), 20000, x)[1]
    residual = target(x) - 1.0
    z = (values.mean(axis=1) - residual) / (values.std(axis=1) / math.sqrt(values.shape[1]))
    assert np.max(np.abs(z)) > Z_MAX


@pytest.mark.slow
@settings(max_examples=6)
@given(amps=amplitudes, ws=widths, cs=centres, fs=frequencies, ph=phases, seed=st.integers(0, 2**16))
def test_random_barron_functions_meet_the_bound(amps, ws, cs, fs, ph, seed):
    """Mean squared error of the constructed networks <= (2 r C)^2/p, C = sum of the parts' norms >= C_f."""
    target = _random_target(amps, ws, cs, fs, ph, D)
    units = (1, 10, 100)
    errors, _ = ua.network_mse(target, jax.random.key(seed), units, draws=20, points=16)
    C = target.barron_norm_bound()
    p = np.array(units, dtype=float)
    assert np.all(errors[1].mean(axis=0) <= np.asarray(ua._step_mse_bound(1.0, C, p)))
    assert np.all(errors[0].mean(axis=0) <= np.asarray(ua._cosine_mse_bound(1.0, C, p)))


# ---------------------------------------------------------------------------------------------------------------
# Barron checks on a small experiment (one compile shared by the tests below).
# ---------------------------------------------------------------------------------------------------------------

SMALL = ua.BarronConfig(dims=(2, 5), units=(1, 10, 100), draws=100, points=16, nodes=32)


@pytest.fixture(scope="module")
def small_barron():
    return ua.barron_experiment(SMALL, jax.random.key(7))


@pytest.mark.slow
def test_barron_checks_hold_on_a_small_experiment(small_barron):
    assert all(check.holds for check in ua.barron_checks(small_barron, SMALL))


@pytest.mark.slow
def test_barron_z_check_fails_when_the_expectation_is_wrong(small_barron):
    """A 30 % error in the 'exact' expectation is caught by the z-check."""
    wrong = dataclasses.replace(small_barron, expected=0.7 * small_barron.expected)
    failed = [c for c in ua.barron_checks(wrong, SMALL) if not c.holds]
    assert failed and all("|z|" in c.claim for c in failed)


@pytest.mark.slow
def test_barron_bound_check_fails_when_the_bound_is_too_small(small_barron):
    wrong = dataclasses.replace(small_barron, bound=0.01 * small_barron.bound)
    assert any(not c.holds and "mean MSE /" in c.claim for c in ua.barron_checks(wrong, SMALL))


@pytest.mark.slow
def test_barron_slope_check_fails_for_a_1_over_p_rate(small_barron):
    """An error decaying like 1/p (slope -1) instead of 1/sqrt(p) is caught by the slope interval."""
    per_p = small_barron.units[None, None, :]
    wrong = dataclasses.replace(small_barron, mean_mse=small_barron.mean_mse / per_p,
                                stderr_mse=small_barron.stderr_mse / per_p)
    assert any(not c.holds and "slope" in c.claim for c in ua.barron_checks(wrong, SMALL))


@pytest.mark.slow
def test_measured_error_is_a_small_fraction_of_barron_bound(small_barron):
    """The bound is loose (the prototype measured 3-6 %): the mean MSE stays below 1/4 of (2 r C_f)^2/p."""
    assert np.all(small_barron.mean_mse[:, 1] <= 0.25 * small_barron.bound[:, 1])


# ---------------------------------------------------------------------------------------------------------------
# Cybenko's staircase.
# ---------------------------------------------------------------------------------------------------------------


def _numpy_staircase(fn, p, kappa, grid):
    nodes = np.linspace(0.0, 1.0, p + 1)
    values = fn(nodes)
    midpoints = (np.arange(1, p + 1) - 0.5) / p
    from scipy.special import expit

    return values[0] + expit(kappa * (grid[:, None] - midpoints[None, :])) @ np.diff(values)


@settings(max_examples=40)
@given(slopes=st.lists(st.floats(-5, 5), min_size=3, max_size=3).filter(lambda v: max(map(abs, v)) > 0.1), kinks=st.lists(st.floats(0.05, 0.95), min_size=2,
                                                                                  max_size=2, unique=True),
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
    margin = (lip + float(ua._staircase_slope(h, kappa, lip, osc))) * h / per_cell / 2
    assert sup + margin <= float(ua._staircase_bound(h, kappa, lip, osc)) * (1 + 1e-12)


SMALL_CYBENKO = ua.CybenkoConfig(units=(6, 30, 100), per_cell=8)


@pytest.fixture(scope="module")
def small_cybenko():
    return ua.cybenko_experiment(SMALL_CYBENKO)


def test_cybenko_checks_hold(small_cybenko):
    assert all(check.holds for check in ua.cybenko_checks(small_cybenko, SMALL_CYBENKO))


def test_cybenko_check_fails_with_a_halved_bound(small_cybenko):
    """Grid sup + margin is 0.7-0.8 of the bound here (per_cell = 8): every tied-steepness check fails at half."""
    wrong = dataclasses.replace(small_cybenko, bound=0.5 * small_cybenko.bound)
    tied = [c for c in ua.cybenko_checks(wrong, SMALL_CYBENKO) if c.claim.endswith("/ staircase bound")]
    assert tied and not any(check.holds for check in tied)


def test_least_squares_check_fails_if_the_staircase_error_were_smaller(small_cybenko):
    """Refitted output weights beat the staircase in L2 by only 0.3-13 %: a staircase error understated by a
    factor 0.8 is caught."""
    wrong = dataclasses.replace(small_cybenko, l2=0.8 * small_cybenko.l2)
    assert any(not c.holds and "least-squares" in c.claim for c in ua.cybenko_checks(wrong, SMALL_CYBENKO))


def test_staircase_error_shrinks_with_tied_steepness_and_stalls_with_fixed(small_cybenko):
    """kappa = c p: sup error falls by > 10 from p = 6 to 100 (sin); kappa fixed: it falls by less than 4."""
    sin = SMALL_CYBENKO.targets.index("sin")
    tied, fixed = small_cybenko.sup_error[sin, :, 0], small_cybenko.sup_error[sin, :, 1]
    assert tied[0] / tied[-1] > 10 and fixed[0] / fixed[-1] < 4


# ---------------------------------------------------------------------------------------------------------------
# Bad input.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, words", [
    ({"dims": (0,)}, "dims"), ({"width": -1.0}, "width"), ({"units": (10, 1, 100)}, "units"),
    ({"draws": 2}, "draws"), ({"steepness_factor": 0.0}, "steepness_factor")])
def test_barron_config_rejects_bad_values(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ua.BarronConfig(**kwargs)


@pytest.mark.parametrize("kwargs, words", [({"targets": ("tan",)}, "tan"), ({"units": (0,)}, "units"),
                                           ({"per_cell": 0}, "per_cell")])
def test_cybenko_config_rejects_bad_values(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ua.CybenkoConfig(**kwargs)


def test_target_rejects_a_zero_function():
    with pytest.raises(ValueError, match="zero"):
        ua.Target(np.zeros(1), np.ones(1), np.zeros((1, 2)), np.zeros(1), np.ones((1, 2)), np.zeros(1))


# ---------------------------------------------------------------------------------------------------------------
# Polynomial activations stall at E_k(f).
# ---------------------------------------------------------------------------------------------------------------

POLY = ua.PolynomialConfig(units=(6, 30, 100), per_cell=8)


@pytest.fixture(scope="module")
def polynomial():
    return ua.polynomial_experiment(POLY)


@pytest.mark.slow
def test_polynomial_activation_networks_stall_above_certified_error(polynomial):
    assert all(check.holds for check in ua.polynomial_checks(polynomial, POLY))
    assert np.ptp(polynomial.polynomial_sup) <= 1e-9 * polynomial.polynomial_sup[0]  # p does not help


@pytest.mark.slow
def test_stall_check_fails_against_a_doubled_lower_bound(polynomial):
    """The t^k networks' sup error (about 1.7 E_k) is below 2 E_k: a doubled 'lower bound' is caught."""
    wrong = dataclasses.replace(polynomial, lower=2 * polynomial.lower)
    assert any(not c.holds and "t^" in c.claim for c in ua.polynomial_checks(wrong, POLY))


@settings(max_examples=20)
@given(power=st.integers(1, 6), units=st.sampled_from((3, 10, 40)))
def test_polynomial_network_is_a_polynomial_of_degree_at_most_k(power, units):
    """sum_s a_s (x + b_s)^k + a_0 is matched exactly by a degree-k polynomial fit (so it cannot beat E_k)."""
    grid = np.linspace(0.0, 1.0, 201)
    rng = np.random.default_rng(power * 1000 + units)
    values = (grid[:, None] + rng.uniform(-1, 1, units)) ** power @ rng.normal(size=units)
    fit = np.polynomial.Chebyshev.fit(grid, values, power)
    assert np.max(np.abs(fit(grid) - values)) <= 1e-9 * (1 + np.max(np.abs(values)))


# ---------------------------------------------------------------------------------------------------------------
# Training (optax).
# ---------------------------------------------------------------------------------------------------------------


TRAINING = ua.TrainingConfig(units=(20,), activations=("tanh",), steps=300, train_points=256, test_points=1024)


@pytest.mark.slow
def test_trained_network_lands_below_barron_bound():
    result = ua.train_experiment(TRAINING, jax.random.key(0))
    assert all(check.holds for check in ua.training_checks(result, TRAINING))


@pytest.mark.slow
def test_training_that_diverges_raises_with_step_and_value():
    config = dataclasses.replace(TRAINING, learning_rate=1e300)
    with pytest.raises(FloatingPointError, match="step"):
        ua.train_experiment(config, jax.random.key(0))


def test_training_config_rejects_unknown_activation():
    with pytest.raises(ValueError, match="softsign"):
        ua.TrainingConfig(activations=("softsign",))
