"""Reverse mode costs O(K): the slide's backward sweep is the gradient, and counted it stays under the tally's 5,
which a product chain reaches; every wrong neighbour is rejected by the check meant for it."""

import dataclasses
from functools import partial

import jax
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from numerics import neighbours
from numerics.measure import loglog_slope
from numerics.reverse_mode import chain, correctness, counting, gradient_cost, network
from theorems.reverse_mode import chain as chain_statement
from theorems.reverse_mode import elementary, symbolic_network, tally
from theorems.reverse_mode import gradient_cost as statement

pytestmark = pytest.mark.linnainmaa1970

ARCHITECTURES = [(3, 1), (2, 5, 3), (4, 4, 4, 1), (16, 8, 2), (1, 1, 1, 1, 1)]
"""A few shape buckets (depth 1-4, widths 1-16): each new shape is traced or compiled anew."""
COMPILED = [(16, 8, 2), (1, 1, 1, 1, 1)]
"""Fewer buckets where each costs a compilation (one layer: the small-network test and the precision partner)."""
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


def test_product_chain_reaches_the_tally_constant_and_jax_grad_three():
    assert statement.prove_product_chain_counts().holds
    counts = chain_statement.product_chain_counts()
    assert sp.expand(counts.tally - (5 * counts.forward - 1)) == 0
    assert sp.expand(counts.assign - (3 * counts.forward - 1)) == 0
    assert chain_statement.product_chain_counts(tally=50).tally.subs(chain_statement.n, 3) == 99  # a neighbour's


def test_reverse_mode_beats_finite_differences_only_above_four():
    assert statement.prove_beats_finite_differences().holds
    assert statement.forward_differences.subs(statement.d, 4) == statement.TALLY_CONSTANT * statement.K


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
def test_counted_gradient_costs_under_five_times_the_loss(widths, activation):
    counts = counting.count_programs(widths, activation, 8, all_programs=False)
    forward, grad = counts["forward"], counts["grad"]
    assert grad.total <= statement.TALLY_CONSTANT * forward.total
    assert grad.multiplications + grad.transcendental <= statement.BAUR_STRASSEN * (
        forward.multiplications + forward.transcendental)
    assert counts["slide"].total <= statement.TALLY_CONSTANT * forward.total


def test_forward_differences_cost_exactly_their_pieces():
    """d + 1 evaluations of E (the flat loss costs what loss_of_params costs), d shifts and d quotients."""
    widths = (4, 4, 4, 1)
    counts = counting.count_programs(widths, "tanh", 8)
    d, K = network.num_params(widths), counts["forward"].total
    assert counts["fd_base"].total == K
    assert counts["fd"].total == K + d * (counts["fd_shifted"].total + counts["fd_quotient"].total)
    assert counts["fd"].total == K * (d + 1) + 6 * d  # the shift: index wrap (3), scatter-add (1); sub, div


@given(st.sampled_from([2, 3, 7, 40]))
def test_product_chain_counts_equal_the_tally_predictions(factors):
    counts = chain.count_chain(factors)
    predicted = chain_statement.product_chain_counts()
    exact = {name: int(getattr(predicted, name).subs(chain_statement.n, factors))
             for name in ("forward", "tally", "assign")}
    assert counts["forward"].total == exact["forward"] == factors - 1
    assert counts["tally"].total == exact["tally"]
    assert counts["grad"].total == exact["assign"]


def test_tally_sweep_is_the_gradient_of_the_product_chain():
    tape = chain.product_chain(6)
    x = [2.0, 3.0, 5.0, 7.0, 11.0, 13.0]  # small integers: every product exact in float32
    by_grad = jax.grad(lambda xs: chain.evaluate(tape, xs))(x)
    assert [float(v) for v in chain.tally_sweep(tape, x)] == [float(v) for v in by_grad]
    assert float(chain.evaluate(tape, x)) == 2 * 3 * 5 * 7 * 11 * 13


@given(st.lists(st.floats(0.0, float(gradient_cost.FORWARD_MODE_SPREAD)), min_size=8, max_size=8))
def test_slope_of_linear_growth_stays_within_its_tolerance(log_constants):
    d = np.array([network.num_params(w) for w in gradient_cost.DEFAULT_ARCHITECTURES], dtype=float)
    fit = loglog_slope(d, np.exp(np.array(log_constants)) * d)
    assert abs(fit.slope - 1) <= gradient_cost.slope_tolerance(d, gradient_cost.FORWARD_MODE_SPREAD) + 1e-12


@pytest.fixture
def counted(small_run):
    return gradient_cost.Config.small(), small_run(gradient_cost)


def test_count_checks_fail_when_the_gradient_is_forward_mode(counted):
    """Swap reverse mode's counts for forward mode's: the ratio checks must fail."""
    config, result = counted
    wrong = dataclasses.replace(result, grad_total=result.fwd_total[None, :])
    failing = [c for c in gradient_cost.checks(wrong, config) if not c.holds]
    assert any("counted jax.grad/forward ops" in c.claim for c in failing)


REJECTED_BY = {
    "constant-3": "product chain x_1...x_n (<= c = 3)",
    "constant-2": "counted jax.grad/forward ops, tanh",
    "griewank-walther-4-in-this-count": "product chain x_1...x_n (<= c = 4)",
    "constant-50": "c = 50 is the least constant",
    "jax-grad-adds-every-update": "jax.grad / forward = predicted",
    "finite-differences-Kd": "forward differences: max over d of |counted - derived",
    "forward-mode-independent-of-d": "log-log slope of forward mode",
}
"""For each wrong neighbour, the check meant to reject it (a substring of its claim)."""


def test_every_neighbour_is_rejected_by_the_check_meant_for_it(counted):
    config, result = counted
    verdicts = {v.name: v for v in neighbours.controls(gradient_cost, result, config, jax.random.key(0))}
    assert set(verdicts) == set(REJECTED_BY)
    for name, claim in REJECTED_BY.items():
        assert any(claim in c for c in verdicts[name].rejected_by), (name, verdicts[name].rejected_by)
    assert verdicts["constant-50"].looser


def test_exact_chain_checks_see_one_operation_more_or_less(counted):
    """The sharp checks are equalities of exact counts: one operation more or less on every chain breaks them."""
    config, result = counted
    for change in (1.0, -1.0):
        wrong = dataclasses.replace(result, chain_tally=result.chain_tally + change,
                                    chain_grad=result.chain_grad + change)
        failing = [c.claim for c in gradient_cost.checks(wrong, config) if not c.holds]
        assert any("tally-form reverse sweep / forward = predicted" in c for c in failing)
        assert any("jax.grad / forward = predicted" in c for c in failing)
    dearer = dataclasses.replace(result, chain_tally=result.chain_tally + 2)  # a product chain above 5K
    assert any("least constant" in c.claim for c in gradient_cost.checks(dearer, config) if not c.holds)


def test_config_rejects_bad_values():
    for bad in (dict(architectures=((3,),)), dict(activations=("gelu",)), dict(batch=0), dict(fd_step=2.0),
                dict(xla=(99,)), dict(activations=("relu",)), dict(chain_factors=(1, 10)), dict(chain_factors=()),
                dict(truncation_step=1.5), dict(precision_points=1)):
        with pytest.raises(ValueError):
            gradient_cost.Config(**bad)


# ------------------------------------------------------------------------------------------------------------------
# Correctness (JAX, compiled, float64)
# ------------------------------------------------------------------------------------------------------------------


@partial(jax.jit, static_argnames=("widths", "activation", "use_derivative"))
def _both_gradients(theta, Z, Y, widths, activation, use_derivative=True):
    """(BackwardNN − jax.grad, jax.grad, first-order scale); jax.grad of loss_of_params (no flat-theta slicing)."""
    params = network.unflatten(theta, widths)
    by_grad = network.flatten(jax.grad(network.loss_of_params)(params, Z, Y, activation))
    by_slide = network.flatten(network.slide_gradient(params, Z, Y, activation, use_derivative))
    scale, _ = correctness.error_scales(theta, Z, Y, widths, activation)
    return by_slide - by_grad, by_grad, scale


def _random_point(widths, seed, batch=4):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=network.num_params(widths)) / np.sqrt(max(widths))
    return theta, rng.normal(size=(widths[0], batch)), rng.normal(size=(widths[-1], batch))


def _gap(widths, activation, seed, use_derivative=True):
    theta, Z, Y = _random_point(widths, seed)
    with jax.enable_x64(True):  # the bound is float64's: u = 2^-53
        gap, by_grad, scale = (np.asarray(x) for x in _both_gradients(theta, Z, Y, widths, activation,
                                                                      use_derivative))
    assert by_grad.dtype == np.float64
    g = correctness.rounding_gamma(correctness.rounding_depth(widths, Z.shape[1]), 2.0**-53)
    return correctness.worst_ratio(gap, 2 * g * scale)


def test_backward_nn_equals_jax_grad_on_a_small_network():
    assert _gap((4, 4, 4, 1), "tanh", seed=0) <= 1
    assert _gap((4, 4, 4, 1), "tanh", seed=0, use_derivative=False) > 1  # dropping rho' is caught
    assert _gap((3, 1), "sigmoid", seed=1) <= 1  # one layer


@pytest.mark.slow
@given(st.sampled_from(COMPILED), activations, st.integers(0, 2**32 - 1))
def test_backward_nn_equals_jax_grad(widths, activation, seed):
    assert _gap(widths, activation, seed) <= 1


@pytest.fixture(scope="module")
def tested():
    """The correctness test at the default config, seed 0: its fields (one compilation, shared)."""
    config = gradient_cost.Config()
    fields = correctness.gradient_errors(jax.random.key(0), config.check_widths, config.check_activation,
                                         config.batch, config.fd_step, config.truncation_step, config.precision_points)
    return config, fields


def _verdicts(config, fields) -> dict[str, bool]:
    """The four correctness checks on ``fields``, by the start of their claims."""
    result = dataclasses.make_dataclass("Tested", list(fields))(**fields)
    checks = gradient_cost.correctness_checks(result, config)
    return dict(zip(("backward", "central", "truncation", "precision"), (c.holds for c in checks)))


@pytest.mark.slow
def test_backward_and_central_differences_agree_with_jax_grad_within_their_bounds(tested):
    """The correctness half of ``verify`` at seeds 0, 1, 2, partners included; dropping rho' breaks the bound."""
    config, _ = tested
    for seed in range(3):
        measured = correctness.gradient_errors(jax.random.key(seed), config.check_widths, config.check_activation,
                                               config.batch, config.fd_step, config.truncation_step,
                                               config.precision_points)
        assert all(_verdicts(config, measured).values())
        assert measured["wrong_backward_error"] > measured["backward_bound"]


def test_truncation_partner_sees_a_tenfold_error_that_the_worst_case_bound_accepts(tested):
    config, fields = tested
    assert all(_verdicts(config, fields).values())
    tenfold = _verdicts(config, {**fields, "fd_error": 10 * fields["fd_error"],
                                 "truncation_ratio": 10 * fields["truncation_ratio"]})
    assert tenfold["central"] and not tenfold["truncation"]
    halved = _verdicts(config, {**fields, "truncation_ratio": fields["truncation_ratio"] / 2})  # error h^2 E_3/12
    assert not halved["truncation"]


def test_precision_partner_sees_a_tenfold_error_that_the_worst_case_bound_accepts(tested):
    config, fields = tested
    for factor in (10.0, 2.0):
        wrong = _verdicts(config, {**fields, "backward_error": factor * fields["backward_error"],
                                   "discrepancy64": factor * fields["discrepancy64"]})
        assert wrong["backward"] and not wrong["precision"]


def test_precision_partner_fails_when_products_take_tf32_inputs(tested):
    """BackwardNN's inputs rounded to 10 mantissa bits in the float32 run: the ratio leaves its interval."""
    config, fields = tested
    verdicts = _verdicts(config, {**fields, "discrepancy32": fields["discrepancy_tf32"]})
    assert verdicts["backward"] and not verdicts["precision"]
    ratio, se = correctness.precision_ratio(fields["discrepancy_tf32"], fields["discrepancy64"])
    assert ratio > 100 * correctness.precision_interval(se)[1]
