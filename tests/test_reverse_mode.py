"""Reverse mode costs O(K): the slide's backward sweep is the gradient, and counted it stays under the constants."""

import dataclasses
from functools import partial

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numerics.measure import loglog_slope
from numerics.reverse_mode import correctness, counting, gradient_cost, network
from theorems.reverse_mode import elementary, symbolic_network, tally
from theorems.reverse_mode import gradient_cost as statement

pytestmark = pytest.mark.linnainmaa1970

ARCHITECTURES = [(3, 1), (2, 5, 3), (4, 4, 4, 1), (16, 8, 2), (1, 1, 1, 1, 1)]
"""A few shape buckets (depth 1-4, widths 1-16): each new shape is traced or compiled anew."""
COMPILED = [(3, 1), (16, 8, 2), (1, 1, 1, 1, 1)]
"""Fewer buckets where each costs a compilation."""
activations = st.sampled_from(sorted(network.ACTIVATIONS))


# ------------------------------------------------------------------------------------------------------------------
# The statement (SymPy)
# ------------------------------------------------------------------------------------------------------------------


def test_each_operation_with_its_adjoint_costs_at_most_five_times_itself():
    for name in elementary.NAMES:
        forward, both = elementary.operation_tally(name)
        assert both.total <= statement.TALLY_CONSTANT * forward.total, name
    assert statement.prove_operation_tally().holds


def test_a_smaller_tally_constant_is_refuted():
    assert not statement.prove_operation_tally(4).holds  # a product costs 5 with its adjoint
    assert not statement.prove_nonscalar_tally(2).holds  # so does tanh, non-scalar: 3
    assert not statement.prove_forward_mode_tally(3).holds  # a product with its tangent costs 4


def test_forward_mode_costs_at_most_five_times_per_direction():
    assert statement.prove_forward_mode_tally().holds


def test_baur_strassen_constant_three_for_nonscalar_operations():
    assert statement.prove_nonscalar_tally().holds


def test_backward_recursion_is_the_symbolic_gradient_for_tanh():
    assert statement.prove_backward(sp.tanh, "tanh", widths=(2, 2, 1), batch=1).holds


def test_backward_recursion_without_the_right_derivative_differs():
    square = lambda z: z**2  # noqa: E731  (a polynomial rho keeps SymPy fast)
    params, Z, Y = symbolic_network.symbolic_network((1, 2, 1), 1)
    X = symbolic_network.forward_nn(params, Z, square)
    wrong = symbolic_network.stack(symbolic_network.backward_nn(params, X, Y, lambda z: z))  # d(z^2)/dz is 2z, not z
    exact = symbolic_network.stack(symbolic_network.symbolic_gradient(params, symbolic_network.loss(X[-1], Y)))
    right = symbolic_network.stack(symbolic_network.backward_nn(params, X, Y, lambda z: 2 * z))
    point = {s: sp.Rational(k + 2, 3) for k, s in enumerate(sorted(exact.free_symbols, key=str))}
    assert (right - exact).subs(point) == sp.zeros(*wrong.shape)  # exact rational arithmetic at one point
    assert (wrong - exact).subs(point) != sp.zeros(*wrong.shape)


def test_sympy_graph_count_shares_common_subexpressions():
    a, b, c = sp.symbols("a b c")
    assert tally.count_graph([a * b + c]).total == 2
    assert tally.count_graph([a * b + c, a * b * c]).total == 3  # a*b computed once
    assert tally.count_graph([a / b]) == tally.Tally(arithmetic=1, multiplications=1, nonscalar=1)
    assert tally.count_graph([sp.tanh(a) ** 3 - b]) == tally.Tally(arithmetic=3, transcendental=1,
                                                                   multiplications=2, nonscalar=3)


def test_wide_network_ratio_tends_to_three_minus_one_over_depth():
    assert statement.prove_mlp_ratio_limit().holds
    forward, grad = symbolic_network.mlp_counts()
    assert sp.limit(grad / forward, symbolic_network.L, 1) == 2
    _, slide = symbolic_network.mlp_counts(recompute=True)
    assert sp.simplify(slide / forward - (4 - 1 / symbolic_network.L)) == 0


# ------------------------------------------------------------------------------------------------------------------
# The counts (JAX, traced only)
# ------------------------------------------------------------------------------------------------------------------


@given(st.sampled_from(ARCHITECTURES), activations)
def test_counted_gradient_costs_under_four_times_the_loss(widths, activation):
    counts = counting.count_programs(widths, activation, 8, all_programs=False)
    forward, grad = counts["forward"], counts["grad"]
    assert grad.total <= statement.GRIEWANK_WALTHER * forward.total
    assert grad.multiplications + grad.transcendental <= statement.BAUR_STRASSEN * (
        forward.multiplications + forward.transcendental)
    assert counts["slide"].total <= statement.TALLY_CONSTANT * forward.total


def test_forward_differences_cost_k_times_d_plus_one():
    widths = (4, 4, 4, 1)
    counts = counting.count_programs(widths, "tanh", 8)
    d, K = network.num_params(widths), counts["forward"].total
    assert K * (d + 1) <= counts["fd"].total <= K * (d + 1) + 6 * d


@given(st.lists(st.floats(0.0, float(gradient_cost.FORWARD_MODE_SPREAD)), min_size=8, max_size=8))
def test_slope_of_linear_growth_stays_within_its_tolerance(log_constants):
    d = np.array([network.num_params(w) for w in gradient_cost.DEFAULT_ARCHITECTURES], dtype=float)
    fit = loglog_slope(d, np.exp(np.array(log_constants)) * d)
    assert abs(fit.slope - 1) <= gradient_cost.slope_tolerance(d, gradient_cost.FORWARD_MODE_SPREAD) + 1e-12


@pytest.fixture(scope="module")
def counted():
    config = gradient_cost.Config.small()
    return config, gradient_cost.experiment(config, jax.random.key(0))


def test_count_checks_fail_when_the_gradient_is_forward_mode(counted):
    """Swap reverse mode's counts for forward mode's: the ratio checks must fail."""
    config, result = counted
    wrong = dataclasses.replace(result, grad_total=result.fwd_total[None, :])
    failing = [c for c in gradient_cost.checks(wrong, config) if not c.holds]
    assert any("counted grad/forward ops" in c.claim for c in failing)


def test_config_rejects_bad_values():
    for bad in (dict(architectures=((3,),)), dict(activations=("gelu",)), dict(batch=0), dict(fd_step=2.0),
                dict(xla=(99,)), dict(activations=("relu",))):
        with pytest.raises(ValueError):
            gradient_cost.Config(**bad)


# ------------------------------------------------------------------------------------------------------------------
# Correctness (JAX, compiled, float64)
# ------------------------------------------------------------------------------------------------------------------


@partial(jax.jit, static_argnames=("widths", "activation", "use_derivative"))
def _both_gradients(theta, Z, Y, widths, activation, use_derivative=True):
    params = network.unflatten(theta, widths)
    by_grad = jax.grad(network.loss)(theta, Z, Y, widths, activation)
    by_slide = network.flatten(network.slide_gradient(params, Z, Y, activation, use_derivative))
    scale, _ = correctness.error_scales(theta, Z, Y, widths, activation)
    return by_grad, by_slide, scale


def _random_point(widths, seed, batch=4):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=network.num_params(widths)) / np.sqrt(max(widths))
    return theta, rng.normal(size=(widths[0], batch)), rng.normal(size=(widths[-1], batch))


def _gap(widths, activation, seed, use_derivative=True):
    theta, Z, Y = _random_point(widths, seed)
    with jax.enable_x64(True):  # the bound is float64's: u = 2^-53
        by_grad, by_slide, scale = (np.asarray(x) for x in _both_gradients(theta, Z, Y, widths, activation,
                                                                           use_derivative))
    assert by_grad.dtype == np.float64
    g = correctness.rounding_gamma(correctness.rounding_depth(widths, Z.shape[1]), 2.0**-53)
    return correctness.worst_ratio(by_slide - by_grad, 2 * g * scale)


def test_backward_nn_equals_jax_grad_on_a_small_network():
    assert _gap((4, 4, 4, 1), "tanh", seed=0) <= 1
    assert _gap((4, 4, 4, 1), "tanh", seed=0, use_derivative=False) > 1  # dropping rho' is caught


@pytest.mark.slow
@given(st.sampled_from(COMPILED), activations, st.integers(0, 2**32 - 1))
def test_backward_nn_equals_jax_grad(widths, activation, seed):
    assert _gap(widths, activation, seed) <= 1


@pytest.mark.slow
def test_backward_and_central_differences_agree_with_jax_grad_within_their_bounds():
    """The correctness half of ``verify`` at seeds 0, 1, 2; dropping rho' from BackwardNN breaks the bound."""
    config = gradient_cost.Config()
    for seed in range(3):
        measured = correctness.gradient_errors(jax.random.key(seed), config.check_widths, config.check_activation,
                                               config.batch, config.fd_step)
        assert measured["backward_error"] <= measured["backward_bound"]
        assert measured["fd_error"] <= measured["fd_bound"]
        assert measured["wrong_backward_error"] > measured["backward_bound"]
