"""The implicit bias of gradient descent (soudry2018): SymPy proofs, the max-margin QP, the checks failing on the
errors they are meant to see, and bad input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.optimisation import implicit_bias as ib
from theorems import get
from theorems.optimisation import implicit_bias as statement

pytestmark = pytest.mark.soudry2018


@pytest.mark.parametrize("proof", statement.THEOREM.proofs, ids=lambda p: p.__name__)
def test_symbolic_proof_holds(proof):
    assert proof().holds


def test_registry_and_alias():
    assert get("implicit-bias") is statement.THEOREM


@settings(max_examples=10, deadline=None)
@given(st.floats(0, 2 * math.pi), st.lists(st.tuples(st.floats(1.0, 2.0), st.floats(3.0, 5.0)), min_size=1,
                                                max_size=6))
def test_qp_finds_the_constructed_max_margin_vector(angle, others):
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    z = np.concatenate([ib.SUPPORT, np.array([[1 + a, b] for a, b in others])]) @ rotation.T
    assert np.linalg.norm(ib.max_margin(z) - rotation @ [1.0, 0.0]) <= 1e-6


@pytest.fixture(scope="module")
def result(small_run):
    return small_run(ib)


def _failing(checks):
    return [c.claim for c in checks if not c.holds]


def test_every_check_holds_and_every_neighbour_is_rejected(result):
    config = ib.Config.small()
    assert not _failing(ib.checks(result, config))
    for neighbour in ib.NEIGHBOURS:
        assert _failing(neighbour.checks(result, config)), neighbour.name


def test_residual_checks_fail_for_linear_growth_and_a_ten_degree_direction(result):
    """theta_l grown like l, or theta measured against w_hat rotated by 10 degrees: the bounded-residual check fails."""
    grown = result.ells / np.log(np.maximum(result.ells, 2)) / 1e3
    linear = dataclasses.replace(result, thetas=result.thetas * grown[:, None])
    assert _failing(ib.growth_checks(linear, result.w_hat, "linear"))
    c, s = np.cos(np.radians(10)), np.sin(np.radians(10))
    assert _failing(ib.growth_checks(result, np.array([[c, -s], [s, c]]) @ result.w_hat, "rotated"))


def test_norm_check_is_two_sided(result):
    """The growth constant 10 percent too small or too large fails the norm check (the true one holds)."""
    norm = float(np.linalg.norm(result.w_hat))
    assert ib.norm_check(result, norm, "true").holds
    assert not ib.norm_check(result, 1.1 * norm, "larger").holds
    assert not ib.norm_check(result, 0.9 * norm, "smaller").holds


def test_angle_interval_fails_when_the_residual_limit_is_wrong(result):
    """w_tilde's perpendicular part doubled (or halved) moves the angle interval off the measured angle."""
    w_hat = result.w_hat / np.linalg.norm(result.w_hat)
    perp = np.array([-w_hat[1], w_hat[0]])
    for factor in (2.0, 0.5):
        along, across = result.w_tilde @ w_hat, result.w_tilde @ perp
        wrong = dataclasses.replace(result, w_tilde=along * w_hat + factor * across * perp)
        assert _failing(ib.angle_checks(wrong, result.w_hat, "wrong")[1:])


def test_nonseparable_rate_fails_for_a_wrong_curvature(result):
    """lambda_min 10 percent off: the measured rate no longer matches 1 - eta lambda_min."""
    wrong = dataclasses.replace(result, ns_lambda_min=np.asarray(1.1 * float(result.ns_lambda_min)))
    assert not ib.nonseparable_checks(wrong)[0].holds


@pytest.mark.parametrize("field, value", [("step_L", 0.0), ("step_L", -1.0), ("step_L", 2.0), ("step_L", 2.5),
                                          ("step_L", math.nan), ("steps", 100)])
def test_bad_input_is_refused_by_name(field, value):
    with pytest.raises(ValueError, match=field):
        ib.Config(**{field: value})


def test_non_finite_data_and_bad_steps_are_refused():
    z = np.array([[1.0, 1.0], [1.0, np.nan]])
    with pytest.raises(ValueError, match="finite"):
        ib.run(z, 0.5, 10)
    with pytest.raises(ValueError, match="positive"):
        ib.run(np.eye(2), -0.5, 10)
