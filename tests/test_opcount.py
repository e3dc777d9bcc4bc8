"""The scalar-operation counter: exact counts of hand-countable programs, loops, errors, and XLA's view beside it."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jax.extend.core import Primitive

from numerics.opcount import OpCount, _integer_pow_multiplications, _normalise_cost, count_ops, xla_cost
from numerics.precision import uses_float64

pytestmark = [pytest.mark.linnainmaa1970, pytest.mark.katharopoulos2020]  # the counter behind both

sizes = st.sampled_from([1, 2, 3, 8])  # few shape buckets: each new shape is traced anew


def spec(*shape):
    """A float64 argument (traced as float32 unless x64 is on: a count does not depend on the dtype)."""
    return jax.ShapeDtypeStruct(shape, jnp.float64)


@given(sizes, sizes, sizes)
def test_matmul_costs_2mkn_with_mkn_multiplications(m, k, n):
    assert count_ops(jnp.matmul, spec(m, k), spec(k, n)) == OpCount(arithmetic=2 * m * k * n,
                                                                     multiplications=m * k * n)


@given(sizes, sizes, sizes, sizes)
def test_batch_dimensions_multiply_a_contraction(b, m, k, n):
    count = count_ops(lambda x, y: jnp.einsum("bij,bjk->bik", x, y), spec(b, m, k), spec(b, k, n))
    assert count == OpCount(arithmetic=2 * b * m * k * n, multiplications=b * m * k * n)


@given(sizes, sizes)
def test_elementwise_costs_one_per_element_and_transcendentals_apart(m, n):
    count = count_ops(lambda x, y: jnp.tanh(x * y + x), spec(m, n), spec(m, n))
    assert count == OpCount(arithmetic=2 * m * n, transcendental=m * n, multiplications=m * n)
    assert count.total == 3 * m * n


@given(sizes, sizes)
def test_reduction_costs_its_input_size_and_broadcast_is_free(m, n):
    assert count_ops(lambda x: jnp.sum(x, axis=1), spec(m, n)) == OpCount(arithmetic=m * n)
    assert count_ops(lambda x: jnp.broadcast_to(x.T.reshape(-1), (3, m * n)), spec(m, n)) == OpCount()


@given(st.integers(-40, 40))
def test_integer_pow_counts_square_and_multiply(exponent):
    naive = 0 if abs(exponent) <= 1 else None
    if naive is None:  # square-and-multiply, step by step
        bits = bin(abs(exponent))[2:]
        naive = (len(bits) - 1) + (bits.count("1") - 1)
    assert _integer_pow_multiplications(exponent) == naive + (exponent < 0)


def test_integer_pow_cube_costs_two_multiplications_an_element():
    assert count_ops(lambda x: x**3, spec(5)) == OpCount(arithmetic=10, multiplications=10)


@given(st.sampled_from([1, 2, 7, 50]))
def test_scan_costs_body_times_length(length):
    def body(carry, x):
        return carry * x + jnp.sin(x), None

    count = count_ops(lambda xs: jax.lax.scan(body, jnp.zeros(3), xs)[0], spec(length, 3))
    assert count == OpCount(arithmetic=2 * 3 * length, transcendental=3 * length, multiplications=3 * length)


def test_fori_loop_with_static_bounds_counts_every_trip():
    count = count_ops(lambda x: jax.lax.fori_loop(0, 7, lambda i, c: c * 2.0, x), spec(4))
    assert count.multiplications == 7 * 4 and count.arithmetic == 7 * (4 + 1)  # + the counter increment


def test_while_loop_raises_without_trip_count_and_counts_with_one():
    fn = lambda x: jax.lax.while_loop(lambda c: c[0] < 3.0, lambda c: c + 1.0, x)  # noqa: E731
    with pytest.raises(ValueError, match="while_trip_count"):
        count_ops(fn, spec(5))
    assert count_ops(fn, spec(5), while_trip_count=4) == OpCount(arithmetic=4 * (1 + 5) + 1)


def test_cond_costs_its_dearest_branch_elementwise():
    fn = lambda p, x: jax.lax.cond(p > 0, lambda y: jnp.sin(y), lambda y: y * y + y, x)  # noqa: E731
    assert count_ops(fn, spec(), spec(6)) == OpCount(arithmetic=1 + 12, transcendental=6, multiplications=6)


def test_calls_are_walked_into():
    inner = jax.jit(lambda x: jnp.exp(x) + 1.0)
    assert count_ops(lambda x: inner(inner(x)), spec(4)) == OpCount(arithmetic=8, transcendental=8)
    assert count_ops(jax.nn.relu, spec(4)) == OpCount(arithmetic=4)  # custom_jvp_call
    assert count_ops(jax.checkpoint(jnp.cos), spec(4)) == OpCount(transcendental=4)


def test_dead_code_is_pruned_unless_asked():
    fn = lambda x: (jnp.exp(x), x * x)[1]  # noqa: E731  (make_jaxpr keeps the unused exp)
    assert count_ops(fn, spec(3)) == OpCount(arithmetic=3, multiplications=3)
    assert count_ops(fn, spec(3), dce=False) == OpCount(arithmetic=3, transcendental=3, multiplications=3)


def test_unknown_primitive_raises_naming_it():
    mystery = Primitive("mystery_op")
    mystery.def_abstract_eval(lambda x: x)
    with pytest.raises(ValueError, match="mystery_op"):
        count_ops(lambda x: mystery.bind(x), spec(2))


def test_a_wrong_weight_would_be_caught():
    """The exact test above fails for any other weight: 2mkn is not mkn nor 2mkn - mn."""
    count = count_ops(jnp.matmul, spec(3, 4), spec(4, 5))
    assert count.arithmetic != 3 * 4 * 5 and count.arithmetic != 2 * 3 * 4 * 5 - 3 * 5


def test_cost_analysis_list_of_dicts_is_summed():
    assert _normalise_cost([{"flops": 1.0}, {"flops": 2.0, "transcendentals": 3.0}]) == {
        "flops": 3.0, "transcendentals": 3.0}
    assert _normalise_cost({"flops": 5.0}) == {"flops": 5.0}


@uses_float64  # 8 bytes an element
def test_xla_counts_a_matmul_at_2mkn_and_reports_memory():
    cost = xla_cost(jnp.matmul, spec(8, 16), spec(16, 4))
    assert cost["flops"] == 2 * 8 * 16 * 4
    assert cost["argument bytes"] == 8 * (8 * 16 + 16 * 4) and cost["output bytes"] == 8 * 8 * 4
    assert cost["memory bytes"] == cost["argument bytes"] + cost["output bytes"] + cost["temp bytes"]


def test_xla_counts_a_loop_body_once_where_the_counter_multiplies():
    def run(xs):
        return jax.lax.scan(lambda c, x: (jnp.sin(c) * x, None), jnp.ones(64), xs)[0]

    short, long = xla_cost(run, spec(2, 64)), xla_cost(run, spec(50, 64))
    assert short["transcendentals"] == long["transcendentals"]
    assert count_ops(run, spec(50, 64)).transcendental == 25 * count_ops(run, spec(2, 64)).transcendental
    np.testing.assert_equal(count_ops(run, spec(50, 64)).transcendental, 50 * 64)
