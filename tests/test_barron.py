"""Properties of Barron's theorem: the statement (SymPy), the sampler of its proof (JAX), the checks' power.

Statistical tests use |z| <= 6 on means of bounded variables (normal tail 2e-9; see
numerics.universal_approximation.barron on skewness), so they hold for every seed. Shapes are drawn from a few
buckets so that JIT compiles once per bucket.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.universal_approximation import barron, sampler, spectrum, targets, training
from theorems.universal_approximation import barron as statement

pytestmark = pytest.mark.barron1993

Z_MAX = 6.0

# ---------------------------------------------------------------------------------------------------------------
# Statements.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("proof", statement.THEOREM.proofs, ids=lambda proof: proof.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


@settings(max_examples=6)
@given(d=st.sampled_from((1, 2, 5, 10)), width=st.floats(0.2, 3.0))
def test_barron_norm_from_samples_matches_the_closed_form(d, width):
    """|S^{d-1}| int rho^d |f~(rho)| d rho, f~ the Hankel transform of f's own samples, is sqrt(2) Gamma((d+1)/2)/
    (s Gamma(d/2)) within the computation's error bound."""
    target = targets.centred_gaussian(d, width)
    norm, error = spectrum.barron_norm_from_samples(spectrum.ray_profile(target), d, width, 64)
    assert abs(norm - targets.gaussian_barron_norm(d, width)) <= error < 1e-3 * norm


def test_barron_norm_formula_with_wrong_factor_is_caught():
    """The same comparison rejects C_f without its sqrt(2), and with Gamma(d/2 + 1) for Gamma((d+1)/2): the
    quadrature starts from f, not from the formula it checks."""
    d, width = 3, 0.7
    norm, error = spectrum.barron_norm_from_samples(spectrum.ray_profile(targets.centred_gaussian(d, width)), d,
                                                    width, 64)
    closed = targets.gaussian_barron_norm(d, width)
    for wrong in (closed / math.sqrt(2), closed * math.gamma(d / 2 + 1) / math.gamma((d + 1) / 2)):
        assert abs(norm - wrong) > 1e4 * error


@settings(max_examples=6)
@given(d=st.sampled_from((1, 2, 5, 10)), width=st.floats(0.2, 3.0))
def test_gaussian_spectrum_matches_the_hankel_transform_of_its_samples(d, width):
    """(s^2/2pi)^{d/2} exp(-s^2 rho^2/2) = the Hankel transform of exp(-t^2/(2s^2)), within its error bound; the
    closed form with d + 1 in place of d is rejected by the same bound."""
    rho = np.linspace(0.5, 12.0, 9) / width
    values, error = spectrum.spectrum_error_bound(spectrum.ray_profile(targets.centred_gaussian(d, width)), d, width,
                                                  rho, 64)
    assert np.all(np.abs(values - spectrum.gaussian_spectrum(d, width, rho)) <= error)
    assert np.any(np.abs(values - spectrum.gaussian_spectrum(d + 1, width, rho)) > 1e3 * error)


@settings(max_examples=30)
@given(a=st.lists(st.floats(-5, 5), min_size=1, max_size=6), c=st.floats(0.1, 5.0))
def test_cosine_barron_norm_is_frequency_norm_and_sums_are_subadditive(a, c):
    """C of cos(<a,x>) is |a|; the bound C used for a sum is the sum of the parts' norms, >= each part."""
    import sympy as sp

    norm = float(statement.cosine_barron_norm(tuple(sp.Float(v) for v in a)))
    assert math.isclose(norm, float(np.linalg.norm(a)), rel_tol=1e-12, abs_tol=1e-12)
    d = len(a)
    freq = np.array([a]) if np.linalg.norm(a) > 0 else np.ones((1, d))
    target = targets.Target(gauss_amp=np.array([1.0]), gauss_width=np.array([c]), gauss_center=np.zeros((1, d)),
                            cos_amp=np.array([-2.0]), cos_freq=freq, cos_phase=np.zeros(1))
    parts = target.component_norms()
    assert math.isclose(target.barron_norm_bound(), targets.gaussian_barron_norm(d, c) + 2 * np.linalg.norm(freq))
    assert np.all(target.barron_norm_bound() >= parts)


# ---------------------------------------------------------------------------------------------------------------
# The sampler.
# ---------------------------------------------------------------------------------------------------------------


@given(u=st.floats(-60.0, 60.0))
def test_abs_sine_integral_inverse_inverts(u):
    g = sampler.abs_sine_integral(np.array([u]))
    assert np.allclose(sampler.abs_sine_integral_inverse(g), u, atol=1e-6 * (1 + abs(u)))


@given(u=st.floats(-30.0, 30.0))
def test_abs_sine_integral_is_antiderivative_of_abs_sine(u):
    """G'(u) = |sin u| (central difference, error O(step^2) away from the kinks of |sin|)."""
    step = 1e-5
    slope = ((sampler.abs_sine_integral(np.array([u + step])) - sampler.abs_sine_integral(np.array([u - step])))[0]
             / (2 * step))
    assert abs(slope - abs(math.sin(u))) <= step + 1e-8


def _random_target(draw_amps, widths, centres, freqs, phases, d):
    return targets.Target(gauss_amp=np.array(draw_amps[:2]), gauss_width=np.array(widths),
                          gauss_center=np.array(centres).reshape(2, d), cos_amp=np.array(draw_amps[2:]),
                          cos_freq=np.array(freqs).reshape(2, d), cos_phase=np.array(phases))


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
    values = sampler.unit_samples(target, jax.random.key(seed), 20000, x)
    residual = target(x) - target(np.zeros((1, D)))[0]
    z = (values[:2].mean(axis=2) - residual) / (values[:2].std(axis=2) / math.sqrt(values.shape[2]))
    assert np.max(np.abs(z)) <= Z_MAX


@pytest.mark.slow
def test_units_of_a_wrong_sampler_are_caught():
    """The same z-test rejects the units with the wrong sign of the step (mean -(f - f(0)))."""
    target = targets.centred_gaussian(D, 0.5)
    x = np.array([[0.3, 0.4], [-0.5, 0.1], [0.0, -0.9], [0.7, -0.7]])
    values = -sampler.unit_samples(target, jax.random.key(0), 20000, x)[1]
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
    errors, _, _ = sampler.network_mse(target, jax.random.key(seed), units, draws=20, points=16)
    C = target.barron_norm_bound()
    p = np.array(units, dtype=float)
    assert np.all(errors[1].mean(axis=0) <= np.asarray(barron.step_mse_bound(1.0, C, p)))
    assert np.all(errors[0].mean(axis=0) <= np.asarray(barron.cosine_mse_bound(1.0, C, p)))


# ---------------------------------------------------------------------------------------------------------------
# Barron's checks can fail (one small experiment shared by the tests below).
# ---------------------------------------------------------------------------------------------------------------

SMALL = barron.Config.small()


@pytest.fixture(scope="module")
def small_barron(small_run):
    return small_run(barron)


def test_barron_z_check_fails_when_the_expectation_is_wrong(small_barron):
    """A 30 % error in the 'exact' expectation is caught by the z-checks, and by nothing else."""
    wrong = dataclasses.replace(small_barron, expected=0.7 * small_barron.expected)
    failed = [c for c in barron.checks(wrong, SMALL) if not c.holds]
    assert failed and all("|z|" in c.claim for c in failed)


def test_z_checks_see_a_10x_error_that_the_bound_accepts(small_barron):
    """Every kind's mean MSE made 10x larger stays below the worst-case bound (mean / bound <= 0.07 here) but each
    kind's z-check, sigmoid included, fails: the bound's sharp partner."""
    wrong = dataclasses.replace(small_barron, mean_mse=10 * small_barron.mean_mse,
                                stderr_mse=10 * small_barron.stderr_mse)
    verdicts = barron.checks(wrong, SMALL)
    assert all(c.holds for c in verdicts if "mean MSE /" in c.claim)
    for kind in barron.KINDS:
        z = [c for c in verdicts if "|z|" in c.claim and f" {kind}:" in c.claim]
        assert z and not any(c.holds for c in z), kind


def test_sigmoid_z_check_fails_without_the_sigmoid_correction(small_barron):
    """Taking the step unit's expectation for the sigmoid network (dropping the bias and the change in E u^2 near
    the threshold) is caught at d = 5, where the correction is several standard errors at p = 1."""
    expected = small_barron.expected.copy()
    expected[:, 2] = expected[:, 1]
    wrong = dataclasses.replace(small_barron, expected=expected)
    assert any(not c.holds and "sigmoid: max_p |z|" in c.claim for c in barron.checks(wrong, SMALL))


def test_looser_neighbour_is_rejected_by_the_z_checks_alone(small_barron):
    """A constant 10x Barron's passes every bound check (10x looser) and fails only where the expectation enters."""
    looser = next(n for n in barron.NEIGHBOURS if n.looser)
    failed = [c for c in looser.checks(small_barron, SMALL) if not c.holds]
    assert failed and all("|z|" in c.claim for c in failed)


def test_neighbours_are_rejected_only_while_the_computed_bound_is_right(small_barron):
    """The neighbours scale the Result's own bounds: were (2 r C_f)^2/p computed 100x too generous, the 2 pi
    convention would pass, and verify --controls would say so."""
    wrong = dataclasses.replace(small_barron, bound=100 * small_barron.bound)
    two_pi = next(n for n in barron.NEIGHBOURS if n.name == "two-pi-convention")
    assert all(c.holds for c in two_pi.checks(wrong, SMALL))


def test_barron_bound_check_fails_when_the_bound_is_too_small(small_barron):
    wrong = dataclasses.replace(small_barron, bound=0.01 * small_barron.bound)
    assert any(not c.holds and "mean MSE /" in c.claim for c in barron.checks(wrong, SMALL))


def test_barron_slope_check_fails_for_a_1_over_p_rate(small_barron):
    """An error decaying like 1/p (slope -1) instead of 1/sqrt(p) is caught by the slope interval."""
    per_p = small_barron.units[None, None, :]
    wrong = dataclasses.replace(small_barron, mean_mse=small_barron.mean_mse / per_p,
                                stderr_mse=small_barron.stderr_mse / per_p)
    assert any(not c.holds and "slope" in c.claim for c in barron.checks(wrong, SMALL))


def test_network_without_its_constant_misses_by_about_f0_squared(small_barron):
    """Without f(0) = 1 the mean squared error is mean(||e||^2 + 2<e> + 1) on the same draws; E<e> = 0 for the
    cosine and step units and Var<e> <= E<e>^2 <= E||e||^2, so the gap minus 1 is within z 2 sqrt(MSE/draws)."""
    gap = small_barron.mse_without_constant[:, :2] - small_barron.mean_mse[:, :2] - 1.0
    assert np.all(np.abs(gap) <= Z_MAX * 2 * np.sqrt(small_barron.mean_mse[:, :2] / SMALL.draws))


@pytest.mark.slow
def test_measured_error_is_a_small_fraction_of_barron_bound(small_barron):
    """The bound is loose (the prototype measured 3-6 %): the mean MSE stays below 1/4 of (2 r C_f)^2/p."""
    assert np.all(small_barron.mean_mse[:, 1] <= 0.25 * small_barron.bound[:, 1])


# ---------------------------------------------------------------------------------------------------------------
# Bad input.
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, words", [
    ({"dims": (0,)}, "dims"), ({"width": -1.0}, "width"), ({"units": (10, 1, 100)}, "units"),
    ({"draws": 2}, "draws"), ({"steepness_factor": 0.0}, "steepness_factor"), ({"z": 1.0}, "z must")])
def test_barron_config_rejects_bad_values(kwargs, words):
    with pytest.raises(ValueError, match=words):
        barron.Config(**kwargs)


def test_target_rejects_a_zero_function():
    with pytest.raises(ValueError, match="zero"):
        targets.Target(gauss_amp=np.zeros(1), gauss_width=np.ones(1), gauss_center=np.zeros((1, 2)),
                       cos_amp=np.zeros(1), cos_freq=np.ones((1, 2)), cos_phase=np.zeros(1))


# ---------------------------------------------------------------------------------------------------------------
# Training (optax): a report, not a part of the theorem's verify run.
# ---------------------------------------------------------------------------------------------------------------


TRAINING = training.Config.small()


@pytest.mark.slow
def test_trained_network_lands_below_barron_bound():
    result = training.experiment(TRAINING, jax.random.key(0))
    assert all(check.holds for check in training.checks(result, TRAINING))


@pytest.mark.slow
def test_training_that_diverges_raises_with_step_and_value():
    config = dataclasses.replace(TRAINING, learning_rate=1e300)
    with pytest.raises(FloatingPointError, match="step"):
        training.experiment(config, jax.random.key(0))


def test_training_config_rejects_unknown_activation():
    with pytest.raises(ValueError, match="softsign"):
        training.Config(activations=("softsign",))
