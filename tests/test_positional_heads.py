"""Properties of the non-augmented multi-head layer of sander2024: closed forms, minimisers, simulation, checks."""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from numerics.in_context import positional_heads
from numerics.precision import uses_float64
from theorems.in_context import positional_heads as statement
from theorems.in_context import wrong_statements as wrong

pytestmark = pytest.mark.sander2024

U = np.finfo(np.float64).eps / 2
SHAPES = ((2, 5), (4, 3))  # (d, T) buckets: the jitted closed form compiles once per bucket; the SymPy exact
# mean of (d, T) = (4, 5) alone took 5.5 s to build, of these two 2 s in all


@functools.cache
def _total_expected_loss(law: str, d: int, T: int):
    """The exact torus mean summed over rows m = 1..T-1, as a NumPy function of (C, P) (P in the numeric layout),
    and the same polynomial with absolute coefficients (for the rounding bound)."""
    C = sp.Matrix(d, d, lambda k, a: sp.Symbol(f"C_{k}{a}", real=True))
    P = sp.Matrix(T - 1, T, lambda r, j: sp.Symbol(f"P_{r}_{j}", real=True))
    total = sp.Integer(0)
    for m in range(1, T):
        C_m, p_m = statement.weights(d, m)
        row = statement.expected_row_loss(law, d, m)
        total += row.subs({**dict(zip(C_m, C)), **{p_m[j]: P[m - 1, j] for j in range(m + 1)}})
    total = sp.Poly(sp.expand(total), *C, *P)
    absolute = sum(abs(coeff) * sp.prod(x**e for x, e in zip(total.gens, monom))
                   for monom, coeff in total.terms())
    args = [list(C), list(P)]
    return sp.lambdify(args, total.as_expr(), "numpy"), sp.lambdify(args, absolute, "numpy"), len(total.terms())


_jitted_closed_loss = jax.jit(positional_heads.closed_loss, static_argnums=0)


@pytest.mark.slow  # 4 s, most of it SymPy expanding the exact means; the edit loop keeps the symbolic identity
@given(st.sampled_from(statement.LAWS), st.sampled_from(SHAPES), st.data())
@uses_float64
def test_jitted_closed_form_equals_the_exact_mean(law, shape, data):
    """The lambdified closed form in JAX equals the exact torus mean (SymPy) at drawn weights, to the summation
    bound: both sides sum at most n terms of a polynomial whose absolute value is M, so they differ by at most
    2 gamma_(n+4) M (each term carries at most four products)."""
    d, T = shape
    C = data.draw(hnp.arrays(np.float64, (d, d), elements=st.floats(-2, 2)))
    P = data.draw(hnp.arrays(np.float64, (T - 1, T), elements=st.floats(-2, 2)))
    inside = np.asarray(positional_heads.row_layout(T)[0])
    P = np.where(inside, P, 0.0)
    exact, absolute, n = _total_expected_loss(law, d, T)
    expected = exact(list(C.ravel()), list(P.ravel()))
    M = absolute(list(np.abs(C).ravel()), list(np.abs(P).ravel()))
    k = n + 4
    bound = 2 * k * U / (1 - k * U) * M
    assert abs(float(_jitted_closed_loss(law, jnp.asarray(C), jnp.asarray(P))) - expected) <= bound


def test_the_closed_form_proof_can_fail(monkeypatch):
    """Swap in the authors' unitary.py form: the exact-mean identity is then refuted."""
    assert statement.prove_unitary_closed_form().holds
    monkeypatch.setitem(statement.row_loss, "unitary", statement.authors_unitary_row_loss)
    assert not statement.prove_unitary_closed_form().holds


def test_every_symbolic_step_holds():
    for proof in statement.PROOFS:
        check = proof()
        assert check.holds, check.claim


def _sequence(law, d, T, seed=0):
    return np.asarray(positional_heads.sequences(jax.random.key(seed), 3, d, T, law == "orthogonal"))


@pytest.mark.parametrize("law", statement.LAWS)
@uses_float64
def test_the_global_minimisers_predict_every_sequence_exactly(law):
    """At the statement's zero-loss weights the model's prediction error is zero sequence by sequence (to rounding:
    each prediction sums (T+1) d products of unit-modulus numbers with weights of size c and 1/c)."""
    d, T, c = 4, 6, -1.7
    P = np.zeros((T - 1, T))
    rows = np.arange(T - 1)
    P[rows, rows + 1] = 1 / c
    if law == "unitary":
        C = c * np.eye(d)
    else:
        C = c * np.kron(np.eye(d // 2), np.ones((2, 2)))
        P[rows, rows] = -1 / (2 * c)
    for s in _sequence(law, d, T):
        error = float(positional_heads.prediction_errors(jnp.asarray(s), jnp.asarray(C), jnp.asarray(P)))
        assert error <= (T - 1) * d * (4 * (T + 1) * d * U) ** 2


@uses_float64
def test_the_sequences_follow_their_laws():
    d, T = 4, 5
    unitary, orthogonal = _sequence("unitary", d, T), _sequence("orthogonal", d, T)
    np.testing.assert_allclose(np.abs(unitary), 1.0, atol=8 * (T + 1) * U)
    np.testing.assert_array_equal(unitary[:, 0], 1.0)
    np.testing.assert_allclose(orthogonal[:, :, 1::2], orthogonal[:, :, 0::2].conj(), atol=0)


def test_the_floors_are_the_statements_and_a_shifted_closed_form_is_rejected(small_run):
    """At the small config (d = 4, T = 5; unitary H = 2, orthogonal H = 3) the floors are (T-1)(d-H) and 0; a closed
    form off by ten standard errors fails the simulation check. (That every check holds there is the contract
    test's.)"""
    config = positional_heads.Config.small()
    result = small_run(positional_heads)
    assert result.floor.tolist() == [(5 - 1) * (4 - 2), 0.0]
    shifted = dataclasses.replace(result, closed=result.closed + 10 * result.sim_se)
    assert not positional_heads.checks(shifted, config)[0].holds


def _floor_checks(result, config):
    return [c for c in positional_heads.checks(result, config) if "minimised loss - floor" in c.claim]


@pytest.mark.parametrize("offset", [-1e-9, 1e-6])
def test_the_floor_check_is_two_sided(small_run, offset):
    """A minimised loss 1e-9 below the floor (far beyond the rounding of the computed loss, ~1e-12 here) refutes the
    floor; one 1e-6 above it (beyond converged d(T-1) = 1.6e-8) has not reached it: both fail, for every run."""
    config = positional_heads.Config.small()
    result = small_run(positional_heads)
    assert all(c.holds for c in _floor_checks(result, config))
    moved = dataclasses.replace(result, final_loss=result.floor + offset)
    assert not any(c.holds for c in _floor_checks(moved, config))


def test_the_floors_and_the_ratio_come_from_the_statement():
    assert positional_heads.floor("unitary", 10, 20, 5) == 19 * 5
    assert positional_heads.floor("unitary", 10, 20, 10) == 0.0
    assert positional_heads.floor("orthogonal", 10, 20, 8) == 0.0
    assert positional_heads.floor("unitary", 10, 20, 5, wrong.floor_one_head_short) == 19 * 4
    assert statement.previous_to_current == sp.Rational(-1, 2)


@pytest.mark.parametrize("change, message", [
    (dict(d=5), "even"), (dict(T=2), "T must be"), (dict(runs=(("nope", 2),)), "laws of runs must be one of"),
    (dict(runs=(("unitary", 0),)), "heads must be"), (dict(runs=(("orthogonal", 3),)), "heads >= d/2"),
    (dict(runs=()), "at least one"), (dict(samples=1000), "multiple of chunk"), (dict(restarts=0), "restarts"),
    (dict(structure=0.0), "structure"),
])
def test_bad_configs_are_refused_with_the_value(change, message):
    with pytest.raises(ValueError, match=message):
        positional_heads.Config(**change)
