"""Reverse mode costs O(K): the slide's backward sweep is the gradient, and counted it stays under the constants."""

import dataclasses
from functools import partial

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numerics import reverse_mode as rm
from numerics.measure import loglog_slope
from theorems import reverse_mode as thm

ARCHITECTURES = [(3, 1), (2, 5, 3), (4, 4, 4, 1), (16, 8, 2), (1, 1, 1, 1, 1)]
"""A few shape buckets (depth 1-4, widths 1-16): each new shape is traced or compiled anew."""
COMPILED = [(3, 1), (16, 8, 2), (1, 1, 1, 1, 1)]
"""Fewer buckets where each costs a compilation."""
activations = st.sampled_from(sorted(rm.ACTIVATIONS))


# ------------------------------------------------------------------------------------------------------------------
# The statement (SymPy)
# ------------------------------------------------------------------------------------------------------------------


def test_each_operation_with_its_adjoint_costs_at_most_five_times_itself():
    for name in [*thm.BINARY, *thm.UNARY]:
        forward, both = thm.operation_tally(name)
        assert both.total <= thm.TALLY_CONSTANT * forward.total, name
    assert thm.prove_operation_tally().holds


def test_a_smaller_tally_constant_is_refuted():
    assert not thm.prove_operation_tally(4).holds  # a product costs 5 with its adjoint
    assert not thm.prove_nonscalar_tally(2).holds  # so does tanh, non-scalar: 3
    assert not thm.prove_forward_mode_tally(3).holds  # a product with its tangent costs 4


def test_forward_mode_costs_at_most_five_times_per_direction():
    assert thm.prove_forward_mode_tally().holds


def test_baur_strassen_constant_three_for_nonscalar_operations():
    assert thm.prove_nonscalar_tally().holds


def test_backward_recursion_is_the_symbolic_gradient_for_tanh():
    assert thm.prove_backward(sp.tanh, "tanh", widths=(2, 2, 1), batch=1).holds


def test_backward_recursion_without_the_right_derivative_differs():
    square = lambda z: z**2  # noqa: E731  (a polynomial rho keeps SymPy fast)
    params, Z, Y = thm.symbolic_network((1, 2, 1), 1)
    X = thm.forward_nn(params, Z, square)
    wrong = thm._stack(thm.backward_nn(params, X, Y, lambda z: z))  # d(z^2)/dz is 2z, not z
    exact = thm._stack(thm._symbolic_gradient(params, thm.loss(X[-1], Y)))
    right = thm._stack(thm.backward_nn(params, X, Y, lambda z: 2 * z))
    point = {s: sp.Rational(k + 2, 3) for k, s in enumerate(sorted(exact.free_symbols, key=str))}
    assert (right - exact).subs(point) == sp.zeros(*wrong.shape)  # exact rational arithmetic at one point
    assert (wrong - exact).subs(point) != sp.zeros(*wrong.shape)


def test_sympy_graph_count_shares_common_subexpressions():
    a, b, c = sp.symbols("a b c")
    assert thm.count_graph([a * b + c]).total == 2
    assert thm.count_graph([a * b + c, a * b * c]).total == 3  # a*b computed once
    assert thm.count_graph([a / b]) == thm.Tally(arithmetic=1, multiplications=1, nonscalar=1)
    assert thm.count_graph([sp.tanh(a) ** 3 - b]) == thm.Tally(arithmetic=3, transcendental=1, multiplications=2,
                                                               nonscalar=3)


def test_wide_network_ratio_tends_to_three_minus_one_over_depth():
    assert thm.prove_mlp_ratio_limit().holds
    forward, grad = thm.mlp_counts()
    assert sp.limit(grad / forward, thm.L, 1) == 2
    _, slide = thm.mlp_counts(recompute=True)
    assert sp.simplify(slide / forward - (4 - 1 / thm.L)) == 0


# ------------------------------------------------------------------------------------------------------------------
# The counts (JAX, traced only)
# ------------------------------------------------------------------------------------------------------------------


@given(st.sampled_from(ARCHITECTURES), activations)
def test_counted_gradient_costs_under_four_times_the_loss(widths, activation):
    counts = rm.count_programs(widths, activation, 8, all_programs=False)
    forward, grad = counts["forward"], counts["grad"]
    assert grad.total <= thm.GRIEWANK_WALTHER * forward.total
    assert grad.multiplications + grad.transcendental <= thm.BAUR_STRASSEN * (
        forward.multiplications + forward.transcendental)
    assert counts["slide"].total <= thm.TALLY_CONSTANT * forward.total


def test_forward_differences_cost_k_times_d_plus_one():
    widths = (4, 4, 4, 1)
    counts = rm.count_programs(widths, "tanh", 8)
    d, K = rm.num_params(widths), counts["forward"].total
    assert K * (d + 1) <= counts["fd"].total <= K * (d + 1) + 6 * d


@given(st.lists(st.floats(0.0, float(rm.FORWARD_MODE_SPREAD)), min_size=8, max_size=8))
def test_slope_of_linear_growth_stays_within_its_tolerance(log_constants):
    d = np.array([rm.num_params(w) for w in rm.DEFAULT_ARCHITECTURES], dtype=float)
    fit = loglog_slope(d, np.exp(np.array(log_constants)) * d)
    assert abs(fit.slope - 1) <= rm.slope_tolerance(d, rm.FORWARD_MODE_SPREAD) + 1e-12


def _count_only(**changes):
    base = dict(architectures=((9, 1), (4, 4, 4, 1), (10, 10, 10, 10, 1), (30, 30, 30, 1)), activations=("tanh",),
                xla=(), check_correctness=False)
    return rm.Config(**{**base, **changes})


@pytest.fixture(scope="module")
def counted():
    config = _count_only()
    return config, rm.experiment(config, jax.random.key(0))


def test_count_checks_hold(counted):
    config, result = counted
    failing = [c for c in rm.checks(result, config) if not c.holds]
    assert not failing, failing


def test_count_checks_fail_when_the_gradient_is_forward_mode(counted):
    """Swap reverse mode's counts for forward mode's: the ratio checks must fail."""
    config, result = counted
    wrong = dataclasses.replace(result, grad_total=result.fwd_total[None, :])
    failing = [c for c in rm.checks(wrong, config) if not c.holds]
    assert any("counted grad/forward ops" in c.claim for c in failing)


def test_config_rejects_bad_values():
    for bad in (dict(architectures=((3,),)), dict(activations=("gelu",)), dict(batch=0), dict(fd_step=2.0),
                dict(xla=(99,)), dict(activations=("relu",))):
        with pytest.raises(ValueError):
            rm.Config(**bad)


# ------------------------------------------------------------------------------------------------------------------
# Correctness (JAX, compiled)
# ------------------------------------------------------------------------------------------------------------------


@partial(jax.jit, static_argnames=("widths", "activation", "use_derivative"))
def _both_gradients(theta, Z, Y, widths, activation, use_derivative=True):
    params = rm.unflatten(theta, widths)
    by_grad = jax.grad(rm.loss)(theta, Z, Y, widths, activation)
    by_slide = rm.flatten(rm.slide_gradient(params, Z, Y, activation, use_derivative))
    scale, _ = rm.error_scales(theta, Z, Y, widths, activation)
    return by_grad, by_slide, scale


def _random_point(widths, seed, batch=4):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=rm.num_params(widths)) / np.sqrt(max(widths))
    return theta, rng.normal(size=(widths[0], batch)), rng.normal(size=(widths[-1], batch))


def _gap(widths, activation, seed, use_derivative=True):
    theta, Z, Y = _random_point(widths, seed)
    by_grad, by_slide, scale = (np.asarray(x) for x in _both_gradients(theta, Z, Y, widths, activation,
                                                                       use_derivative))
    g = float(rm._gamma(float(rm.rounding_depth(widths, Z.shape[1])), 2.0**-53))
    return rm.worst_ratio(by_slide - by_grad, 2 * g * scale)


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
    for seed in range(3):
        measured = rm.correctness(rm.Config(), jax.random.key(seed))
        assert measured["backward_error"] <= measured["backward_bound"]
        assert measured["fd_error"] <= measured["fd_bound"]
        assert measured["wrong_backward_error"] > measured["backward_bound"]
